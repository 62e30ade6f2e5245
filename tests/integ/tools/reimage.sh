# SPDX-License-Identifier: GPL-2.0-or-later
# tests/integ/tools/reimage.sh - the re-imaging flow of netboot(7) on a
# real (emulated) machine, shared by 64-reimage-bios.t, 65-reimage-uefi.t
# and netboot-demo --reimage.
#
# Sourced after tests/lib.sh (or with T, NB_BIN, NB_SRC set), and after
# tools/kernel.sh has set KERNEL_VMLINUZ, KERNEL_MODDIR and KERNEL_KVER:
#
#   reimage_tftp_root ROOT [SERVER]
#       the restore environment into ROOT: restore/vmlinuz, and
#       restore/initrd.img built by mkaoeinitrd --restore, which also
#       installs GRUB's network images (grub/i386-pc/core.0,
#       grub/grubnetx64.efi) with SERVER in their prefix.
#   reimage_volume_bios FILE GREETING
#       a 16 MiB FAT16 volume whose boot sector (demo/vbr.bin) prints its
#       GREETING.TXT, the last line of which is GREETING.
#   reimage_volume_uefi FILE GREETING
#       a 40 MiB FAT32 volume laid out as an EFI system partition: its
#       \EFI\BOOT\BOOTX64.EFI is a GRUB image (grub-mkstandalone) whose
#       embedded grub.cfg prints GREETING.TXT from the volume.
#   reimage_set_greeting FILE GREETING: a new GREETING.TXT on the volume.
#   reimage_bootcfg ROOT MAC NAME LAYOUT SERVER TABLE
#       bootcfg writes the host's files for a restore profile.
#   reimage_flag_clear DISK: GRUB cleared the flag in /NETBOOT.ENV.
#   reimage_greeting_of DISK: the last line of GREETING.TXT on
#       partition 1 of DISK, read from the disk itself.

REIMAGE_VBR=$NB_BIN/demo/vbr.bin

reimage_tftp_root() {
	mkdir -p "$1" &&
	MKIMZ=${MKIMZ:-$NB_BIN/mkimz} sh "$NB_SRC/scripts/mkaoeinitrd" --restore \
	    -k "$KERNEL_KVER" -m "$KERNEL_MODDIR" --kernel "$KERNEL_VMLINUZ" \
	    --install "$1" ${2:+--server "$2"} &&
	chmod -R a+rX "$1"
}

_reimage_greeting() {	# VOLUME GREETING
	printf 'Hello from GREETING.TXT, restored by netboot-restore.\r\n%s\r\n' \
	    "$2" >"$T/greeting.txt" &&
	MTOOLS_SKIP_CHECK=1 mcopy -o -i "$1" "$T/greeting.txt" ::GREETING.TXT
}

reimage_set_greeting() {
	_reimage_greeting "$@"
}

reimage_volume_bios() {
	rm -f "$1"
	mkfs.fat -F 16 -n NBREIMAGE -C "$1" 16384 >/dev/null &&
	dd if="$REIMAGE_VBR" of="$1" bs=1 count=3 conv=notrunc 2>/dev/null &&
	dd if="$REIMAGE_VBR" of="$1" bs=1 skip=62 seek=62 count=450 \
	    conv=notrunc 2>/dev/null &&
	_reimage_greeting "$1" "$2"
}

reimage_volume_uefi() {
	rm -f "$1"
	cat >"$T/esp-grub.cfg" <<'EOF'
insmod part_msdos
insmod fat
search --no-floppy --set=root --file /GREETING.TXT
cat /GREETING.TXT
sleep 600
EOF
	grub-mkstandalone -O x86_64-efi -o "$T/BOOTX64.EFI" \
	    --modules='part_msdos fat search search_fs_file cat sleep' \
	    --install-modules='normal part_msdos fat search search_fs_file cat sleep' \
	    --locales= --themes= --fonts= \
	    "boot/grub/grub.cfg=$T/esp-grub.cfg" >/dev/null 2>&1 &&
	mkfs.fat -F 32 -n NBESP -C "$1" 40960 >/dev/null &&
	MTOOLS_SKIP_CHECK=1 mmd -i "$1" ::EFI ::EFI/BOOT &&
	MTOOLS_SKIP_CHECK=1 mcopy -i "$1" "$T/BOOTX64.EFI" ::EFI/BOOT/BOOTX64.EFI &&
	_reimage_greeting "$1" "$2"
}

# reimage_bootcfg ROOT MAC NAME LAYOUT SERVER TABLE: bootcfg writes host
# MAC's files for a restore profile (restore = NAME, restore-layout =
# LAYOUT, netboot.server=SERVER) into ROOT: its GRUB file with the flag
# check, grub/grub.cfg, its iPXE script, and proxydhcp's table TABLE.
reimage_bootcfg() {
	printf '%s %s - reimage\n' "$2" "$3" >"$T/hosts"
	cat >"$T/profiles" <<EOF
[profile reimage]
restore = $3
restore-layout = $4
append = console=ttyS0 netboot.server=$5
EOF
	BOOTCFG_STATE_DIR=$T/state "$NB_BIN/bootcfg" -q -p "$T/profiles" -o "$1" \
	    --grub --ipxe --proxydhcp-table "$6" "$T/hosts" &&
	chmod -R a+rX "$1" "$6"
}

reimage_greeting_of() {
	_rg_start=$(sfdisk -d "$1" | sed -n '/start=/{s/.*start= *\([0-9]*\).*/\1/p;q;}')
	[ -n "$_rg_start" ] &&
	MTOOLS_SKIP_CHECK=1 mtype -i "$1@@$((_rg_start * 512))" ::GREETING.TXT |
	    tr -d '\r' | tail -n 1
}

# reimage_flag_clear DISK: /NETBOOT.ENV on partition 1 of DISK holds no
# netboot_next=local (GRUB cleared it)
reimage_flag_clear() {
	_rf_start=$(sfdisk -d "$1" | sed -n '/start=/{s/.*start= *\([0-9]*\).*/\1/p;q;}')
	MTOOLS_SKIP_CHECK=1 mtype -i "$1@@$((_rf_start * 512))" ::NETBOOT.ENV \
	    >"$T/netboot.env" 2>/dev/null &&
	head -c 25 "$T/netboot.env" | grep -q '^# GRUB Environment Block' &&
	! grep -aq 'netboot_next=local' "$T/netboot.env"
}

# reimage_capture VOLUME ROOT: netboot-capture VOLUME as "lab" into ROOT,
# through run(), readable by tftpd.
reimage_capture() {
	run env MKIMZ="${MKIMZ:-$NB_BIN/mkimz}" sh "$NB_SRC/scripts/netboot-capture" \
	    -q "$1" lab "$2"
	chmod a+r "$2"/lab.*
}

# reimage_power_on N GREETING [QEMU_START OPTION...]: a power-on of the VM
# "vm" (tap0 in namespace sw, MAC $REIMAGE_MAC, disk $T/disk.img, second
# in the boot order: OVMF connects only the devices the order names): one
# check that GREETING comes on its console, its time in diag and in
# REIMAGE_SECS; tftpd's log is marked first (tftp_sent counts this boot).
reimage_power_on() {
	_rp_n=$1 _rp_greeting=$2
	shift 2
	_rp_serial=$T/serial-$_rp_n.txt
	tftp_mark
	_rp_t0=$(now_cs)
	qemu_start vm sw tap0 "$_rp_serial" --mac "$REIMAGE_MAC" "$@" -- -m 512 \
	    -action reboot=reset \
	    -drive "file=$T/disk.img,format=raw,if=none,id=d0" \
	    -device virtio-blk-pci,drive=d0,bootindex=2 ||
		fatal "QEMU does not start"
	ok "boot $_rp_n: the greeting $_rp_greeting from the local disk" \
	    qemu_wait_serial 900 "$_rp_greeting" "$_rp_serial"
	REIMAGE_SECS=$((($(now_cs) - _rp_t0) / 100))
	diag "boot $_rp_n: power-on to greeting $REIMAGE_SECS s (TCG)"
	stop_bg vm
}

# reimage_servers ROOT LAYOUT: the host $REIMAGE_MAC restores "lab" laid
# out by the table line LAYOUT, with the files bootcfg writes for it; the
# topology of tools/proxydhcp.sh with a tap for QEMU, dnsmasq for
# addresses only, tftpd serving ROOT and proxydhcp with bootcfg's table;
# and a blank 96 MiB disk $T/disk.img.
reimage_servers() {
	printf '%s\n0\n0\n0\n' "$2" >"$1/lab.tab"
	reimage_bootcfg "$1" "$REIMAGE_MAC" lab lab.tab "$PD_SERVER" "$T/table" ||
		fatal "bootcfg does not write the host's files"
	pd_topology && tap_add sw tap0 br0 && pd_dnsmasq dns dhcp d0 &&
	    pd_tftpd tftp boot "$1" && pd_start pd boot b0 --table "$T/table" ||
		fatal "cannot start the servers"
	rm -f "$T/disk.img"
	truncate -s 96M "$T/disk.img"
}

# reimage_first_two GREETING [QEMU_START OPTION...]: power-ons 1 and 2 of
# the blank disk, and their checks: the image downloaded, restored and
# booted, the flag cleared; then restored from the cache, not downloaded.
reimage_first_two() {
	_rt_greeting=$1
	shift
	reimage_power_on 1 "$_rt_greeting" "$@"
	is "$(tftp_sent lab.imz)" 1 "boot 1: tftpd sent lab.imz"
	ok "boot 1: the restore environment handed over" \
	    qemu_serial_has 'netboot-init: handing over' "$T/serial-1.txt"
	is "$(reimage_greeting_of "$T/disk.img")" "$_rt_greeting" \
	    "boot 1: GREETING.TXT on the VM's own disk"
	ok "boot 1: GRUB cleared the one-shot flag" reimage_flag_clear "$T/disk.img"
	reimage_power_on 2 "$_rt_greeting" "$@"
	is "$(tftp_sent lab.chk)$(tftp_sent lab.imz)" 10 \
	    "boot 2: lab.chk sent, lab.imz not"
	ok "boot 2: restored from the cache on the disk" \
	    qemu_serial_has 'lab: cache current: no download' "$T/serial-2.txt"
}
