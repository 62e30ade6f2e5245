#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A Linux guest with its root on an overlay target (--overlay), read-write:
# QEMU (TCG) boots test 63's kernel with mkaoeinitrd's initramfs, root=
# /dev/etherd/e0.0p1 rw; the guest's init writes a file and powers off.
# The next boot finds the file (its overlay), and so does one after a
# restart of aoetarget; after `aoetarget overlay
# discard` the boot after that does not (the overlay goes at the guest's
# IDENTIFY when its aoe driver attaches); the file it writes then is still
# there after aoetarget is killed (kill -9), though the guest never sends
# a FLUSH.  The base image never changes.
#
#   namespace t: aoetarget on at0, e0.0 from disk.img with --overlay
#   namespace i: bridge br0 with ports ai0 (to at0) and the VM's tap

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/aoe.sh"
. "$HERE/tools/qemu.sh"
. "$HERE/tools/kernel.sh"

MK=$NB_SRC/scripts/mkaoeinitrd
aoe_require
require_cmd gzip busybox mke2fs
# The live maps here rather than in /run/aoetarget.
AOETARGET_RUNDIR=$T/run
export AOETARGET_RUNDIR
command -v "$QEMU" >/dev/null 2>&1 || skip_all "no $QEMU"
kernel_fetch || skip_all "no kernel: $KERNEL_WHY"
BB=$(command -v busybox)
VMMAC=52:54:00:4e:42:49

RIMG=$T/initrd.img
run sh "$MK" -k "$KERNEL_KVER" -m "$KERNEL_MODDIR" -b "$BB" -o "$RIMG"
[ "$RC" = 0 ] || fatal "mkaoeinitrd: $(cat "$T/err")"

# The root: busybox from the initramfs and an init= that reports whether
# /persist is there, writes it when not, and powers off cleanly.
MARKER=AOE-OVL-$$
R=$T/rootfs
mkdir -p "$R" && gzip -dc "$RIMG" | (cd "$R" && busybox cpio -id 2>/dev/null)
rm -rf "$R/init" "$R/lib/modules" "$R"/etc/aoeinit.*
cat >"$R/sbin/ovl-test-init" <<EOF
#!/bin/sh
mount -t proc proc /proc
if [ -f /persist ]; then
	echo "$MARKER FOUND \$(cat /persist)"
else
	echo "$MARKER NONE"
	echo "written-$MARKER" >/persist
fi
sync
mount -o remount,ro /
echo "$MARKER DONE"
poweroff -f
EOF
chmod 0755 "$R/sbin/ovl-test-init"
mke2fs -q -F -t ext2 -d "$R" "$T/fs.img" 16M >/dev/null ||
	fatal "cannot make the root file system"
DISK=$T/disk.img
disk_of_fs "$T/fs.img" "$DISK" || fatal "cannot make the disk"
cp "$DISK" "$T/orig.img"

aoe_vm_net
aoe_start A --overlay "$T/ov" 0 0 "$AOE_TIF" "$DISK" ||
	fatal "aoetarget e0.0 does not answer"

gone() {
	! bg_alive "$1"
}

# boot NAME: one boot to the DONE marker and power-off; its serial log
# is $T/serial.NAME
boot() {
	qemu_start "$1" i tp0 "$T/serial.$1" --mac "$VMMAC" --rom none -- \
		-kernel "$KERNEL_VMLINUZ" -initrd "$RIMG" -append \
		"console=ttyS0 root=/dev/etherd/e0.0p1 rw init=/sbin/ovl-test-init panic=-1" ||
		fatal "QEMU does not start"
	qemu_wait_serial 240 "$MARKER DONE" "$T/serial.$1"
	wait_for 60 gone "$1"
	stop_bg "$1"
}

boot B1
ok "first boot: root read-write on the overlay target, no file yet" \
	qemu_serial_has "^$MARKER NONE" "$T/serial.B1"
ok "... it wrote it and powered off" qemu_serial_has "^$MARKER DONE" "$T/serial.B1"
boot B2
ok "second boot: the file written before the reboot is there" \
	qemu_serial_has "^$MARKER FOUND written-$MARKER" "$T/serial.B2"
stop_bg A
is "$?" 0 "aoetarget stops cleanly (SIGTERM writes every overlay's map)"
diag "$(grep -o 'flushes [0-9]*' "$T/A.log" | tail -n 1) from the guest"
aoe_start A2 --overlay "$T/ov" 0 0 "$AOE_TIF" "$DISK" ||
	fatal "aoetarget e0.0 does not answer after a restart"
boot B2R
ok "after a restart of aoetarget the file is still there" \
	qemu_serial_has "^$MARKER FOUND written-$MARKER" "$T/serial.B2R"
run "$AOETARGET" overlay list "$T/ov"
like "$(cat "$T/out")" "^$VMMAC [0-9]+ " "the guest has an overlay, named by its MAC"
run "$AOETARGET" overlay discard "$T/ov" "$VMMAC"
is "$RC" 0 "overlay discard: exit 0"
boot B3
ok "after the discard the next boot starts from the base: no file" \
	qemu_serial_has "^$MARKER NONE" "$T/serial.B3"
ok "the base image is byte-identical" cmp "$DISK" "$T/orig.img"
ok "aoetarget is still running" bg_alive A2
# B3 wrote the file again; the guest's driver never flushes: the map
# survives the target's death in its live map.
kill -s KILL "$(bg_pid A2)"
wait_for 10 gone A2
stop_bg A2 2>/dev/null
aoe_start A3 --overlay "$T/ov" 0 0 "$AOE_TIF" "$DISK" ||
	fatal "aoetarget e0.0 does not answer after kill -9"
boot B4
ok "after kill -9 of aoetarget the file written without a FLUSH is there" \
	qemu_serial_has "^$MARKER FOUND written-$MARKER" "$T/serial.B4"
stop_bg A3
done_testing
