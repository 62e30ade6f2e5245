#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Re-imaging on BIOS, end to end (netboot(7), "Re-imaging"): one QEMU
# machine (SeaBIOS, TCG) with a blank virtual disk boots from the network
# through dnsmasq (addresses only), our proxydhcp and our tftpd, with the
# files bootcfg writes for a restore profile.  QEMU's iPXE ROM gets the
# host's iPXE script, which chains GRUB (core.0 from mkaoeinitrd
# --restore --install --server); GRUB reads the host's file, finds no hand-over flag
# on the disk and boots the restore environment (mkaoeinitrd --restore),
# which lays the disk out, restores the captured FAT volume, leaves
# netboot_next=local in the GRUB environment block /NETBOOT.ENV on it and
# reboots; GRUB then clears the flag and boots the volume's boot sector,
# which prints GREETING.TXT from the disk.
# 1. first power-on: the .imz is fetched, the greeting appears;
# 2. second power-on: only the .chk, the greeting again;
# 3. netboot-capture publishes a new greeting: fetched and shown;
# 4. the cache on the disk corrupted: noticed, fetched again;
# 5. an image the server does not have: the failure is shown with what
#    to do, and the machine boots its disk after a pause.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/bootcfg.sh"
. "$HERE/tools/proxydhcp.sh"
. "$HERE/tools/qemu.sh"
. "$HERE/tools/kernel.sh"
. "$HERE/tools/mkimz.sh"
. "$HERE/tools/glue.sh"
. "$HERE/tools/reimage.sh"

REIMAGE_MAC=52:54:00:0a:00:64
pd_firmware_require
glue_require
bootcfg_require
require_cmd grub-mknetdir mkfs.fat mcopy mtype busybox gzip
[ -r /usr/lib/grub/i386-pc/pxe.mod ] || skip_all "no GRUB for BIOS (grub-pc-bin)"
[ -r "$REIMAGE_VBR" ] || skip_all "no $REIMAGE_VBR (run make)"
kernel_fetch || skip_all "$KERNEL_WHY"
chmod 755 "$T"
TR=$T/tftp

# --- the server side ------------------------------------------------------
run reimage_tftp_root "$TR" "$PD_SERVER"
is "$RC" 0 "mkaoeinitrd --restore --install --server builds and installs"
[ "$RC" = 0 ] || fatal "$(cat "$T/err")"
ok "... GRUB's PXE image for BIOS" test -s "$TR/grub/i386-pc/core.0"
mkdir -p "$T/rd" && gzip -dc "$TR/restore/initrd.img" |
	(cd "$T/rd" && busybox cpio -id 2>/dev/null)
ok "... with mkimz, netboot-restore, sfdisk, virtio_blk, ahci, nvme and vfat" sh -c '
	cd "$1" && test -x bin/mkimz -a -x bin/netboot-restore -a -x sbin/sfdisk &&
	for m in virtio_blk ahci nvme vfat virtio_net e1000; do
		grep -q "/$m\.ko\$" etc/restore.modules || { echo "no $m"; exit 1; }
	done' - "$T/rd"
if command -v udp-receiver >/dev/null 2>&1; then
	ok "... with udp-receiver for netboot.multicast=" test -x "$T/rd/bin/udp-receiver"
	ok "... whose /init turns netboot.multicast= into netboot-restore -m" \
	    grep -q 'netboot.multicast=\*)' "$T/rd/init"
else
	skip "no udpcast" 2
fi
if command -v shellcheck >/dev/null 2>&1; then
	ok "shellcheck finds no warning in its init and udhcpc script" \
	    shellcheck -s sh -S warning "$T/rd/init" "$T/rd/etc/udhcpc.script"
else
	skip "no shellcheck"
fi
run sh "$NB_SRC/scripts/mkaoeinitrd" --disks virtio_blk
is "$RC" 2 "mkaoeinitrd: --disks without --restore is a usage error"
run sh "$NB_SRC/scripts/mkaoeinitrd" --restore --server 'a;b' --install "$T"
is "$RC" 2 "mkaoeinitrd: a --server with a ';' is a usage error"
reimage_volume_bios "$T/vol.img" GREETING-ONE || fatal "cannot make the volume"
reimage_capture "$T/vol.img" "$TR"
is "$RC" 0 "netboot-capture publishes lab.imz"
reimage_servers "$TR" '$0E Y +40 Mb'
reimage_first_two GREETING-ONE

reimage_set_greeting "$T/vol.img" GREETING-TWO && reimage_capture "$T/vol.img" "$TR"
is "$RC" 0 "netboot-capture publishes a changed volume"
reimage_power_on 3 GREETING-TWO
is "$(tftp_sent lab.imz)" 1 "boot 3: the new lab.imz is fetched"
is "$(reimage_greeting_of "$T/disk.img")" GREETING-TWO "boot 3: the new greeting is on the disk"

start=$(glue_cache_field "$T/disk.img" start)
bytes=$(glue_cache_field "$T/disk.img" bytes)
ok "the cache descriptor names the cached image" test -n "$start" -a -n "$bytes"
head -c 64 /dev/urandom | dd of="$T/disk.img" bs=1 seek=$((start + bytes / 2)) \
    conv=notrunc status=none
reimage_power_on 4 GREETING-TWO
ok "boot 4: the corrupted cache is noticed" \
    qemu_serial_has 'cached image fails verification' "$T/serial-4.txt"
is "$(tftp_sent lab.imz)" 1 "boot 4: lab.imz is fetched again"

# the host's profile names an image the server does not have
reimage_bootcfg "$TR" "$REIMAGE_MAC" missing lab.tab "$PD_SERVER" "$T/table" ||
	fatal "bootcfg does not write the host's files"
reimage_power_on 5 GREETING-TWO
ok "boot 5: a failed restore says what went wrong" qemu_serial_has \
    'netboot-init: ERROR: netboot-restore could not restore missing' "$T/serial-5.txt"
ok "boot 5: ... and what to do" qemu_serial_has \
    'netboot-init: what to do: check missing\.chk' "$T/serial-5.txt"
ok "boot 5: ... and the machine boots what is on its disk" \
    qemu_serial_has "netboot-init: booting what is on /dev/vda in" "$T/serial-5.txt"
done_testing
