#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# mkaoeinitrd: the initramfs it builds from a made-up module tree (always),
# from a Debian kernel's tree, and a real boot: QEMU (TCG) runs that kernel
# with our initramfs, which finds root=/dev/etherd/e0.0p1 on our aoetarget,
# mounts it and runs init=, whose marker on the serial console ends the
# test.  A second boot names a target that is not there and must fail
# loudly and reboot (panic=-1), not wait forever.
#
#   namespace t: aoetarget on at0, serving disk.img as e0.0
#   namespace i: bridge br0 (no address: AoE is layer 2) with ports ai0
#                (to at0) and the VM's tap

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/aoe.sh"
. "$HERE/tools/qemu.sh"
. "$HERE/tools/kernel.sh"

MK=$NB_SRC/scripts/mkaoeinitrd
require_cmd gzip busybox
BB=$(command -v busybox)

# list IMG: the names in the initramfs IMG
list() {
	gzip -dc "$1" | busybox cpio -t 2>/dev/null
}

# has IMG ERE: a name in IMG matches ERE
has() {
	list "$1" | grep -Eq -- "$2"
}

# unpack IMG DIR
unpack() {
	mkdir -p "$2" && gzip -dc "$1" | (cd "$2" && busybox cpio -id 2>/dev/null)
}

# --- the command line ------------------------------------------------------

run sh "$MK" --help
is "$RC" 0 "--help exits 0"
ok "--help names the tool" grep -q mkaoeinitrd "$T/out"
run sh "$MK" --version
ok "--version prints a version number" grep -Eq '[0-9]+\.[0-9]+\.[0-9]+' "$T/out"
run sh "$MK" --no-such-option
is "$RC" 2 "an unknown option exits 2"
run sh "$MK" -i 'eth0;reboot' -m "$T"
is "$RC" 2 "an interface list with a ';' is a usage error"
run sh "$MK" -m "$T/nowhere" -o "$T/x.img"
is "$RC" 1 "a missing module tree exits 1"
ok "... and says where it looked" grep -q "$T/nowhere" "$T/err"

# --- a made-up module tree -------------------------------------------------

# fake_ko NAME DEPENDS [SOFTDEP]: a module file with just its .modinfo strings
FK=$T/modules/9.9.9-test
fake_ko() {
	printf '\177ELF junk\000name=%s\000depends=%s\000' "$1" "$2"
	[ -z "${3-}" ] || printf 'softdep=pre: %s\000' "$3"
	printf 'vermagic=9.9.9-test\000'
}
mkdir -p "$FK/kernel/drivers/net" "$FK/kernel/drivers/virtio" \
	"$FK/kernel/drivers/block/aoe" "$FK/kernel/net/core" "$FK/kernel/fs/ext4" \
	"$FK/kernel/drivers/md" "$FK/updates"
fake_ko aoe '' >"$FK/kernel/drivers/block/aoe/aoe.ko"
fake_ko virtio_net virtio_ring,virtio,net_failover >"$FK/kernel/drivers/net/virtio_net.ko"
fake_ko virtio '' >"$FK/kernel/drivers/virtio/virtio.ko"
fake_ko virtio_ring virtio >"$FK/kernel/drivers/virtio/virtio_ring.ko"
fake_ko net_failover failover >"$FK/kernel/drivers/net/net_failover.ko"
# compressed as Debian's newer kernels ship them (xz), else gzip
if command -v xz >/dev/null 2>&1; then
	fake_ko failover '' | xz -c >"$FK/kernel/net/core/failover.ko.xz"
else
	fake_ko failover '' | gzip -c >"$FK/kernel/net/core/failover.ko.gz"
fi
fake_ko e1000 '' >"$FK/kernel/drivers/net/e1000.ko"
# updates/ wins over kernel/
fake_ko e1000-updated '' >"$FK/updates/e1000.ko"
fake_ko ext4 crc16,jbd2 crc32c >"$FK/kernel/fs/ext4/ext4.ko"
fake_ko jbd2 '' >"$FK/kernel/fs/ext4/jbd2.ko"
fake_ko crc32c_generic '' >"$FK/kernel/fs/ext4/crc32c_generic.ko"
fake_ko md-mod '' >"$FK/kernel/drivers/md/md-mod.ko"
fake_ko raid1 md_mod >"$FK/kernel/drivers/md/raid1.ko"
echo kernel/lib/crc16.ko >"$FK/modules.builtin"

IMG=$T/fake.img
run sh "$MK" -m "$FK" -b "$BB" -i eth0,eth1 -M virtio_net,e1000 -o "$IMG"
is "$RC" 0 "builds from a module tree without modules.dep"
[ "$RC" = 0 ] || diag "$(cat "$T/err")"
ok "the initramfs holds /init" has "$IMG" '^init$'
ok "... busybox and its sh" has "$IMG" '^bin/busybox$'
ok "... the aoe module" has "$IMG" '^lib/modules/9\.9\.9-test/kernel/drivers/block/aoe/aoe\.ko$'
ok "... the NIC drivers and their dependencies" has "$IMG" 'virtio_net\.ko$'
nok "... but no driver that was not asked for" has "$IMG" 'e1000e'
unpack "$IMG" "$T/fake" || fatal "cannot unpack $IMG"
ok "a compressed module is stored decompressed" grep -aq 'name=failover' \
	"$T/fake/lib/modules/9.9.9-test/kernel/net/core/failover.ko"
ok "updates/ takes precedence over kernel/" grep -q '^updates/e1000\.ko$' \
	"$T/fake/etc/aoeinit.modules"
ok "a built-in dependency is left out" sh -c '! grep -q crc16 "$1"' - \
	"$T/fake/etc/aoeinit.modules"
ok "a soft dependency (crc32c) is taken through its module name" \
	grep -q crc32c_generic "$T/fake/etc/aoeinit.modules"
# before A B: A is loaded before B
before() {
	_a=$(grep -n "/$1\.ko\$" "$T/fake/etc/aoeinit.modules" | cut -d: -f1)
	_b=$(grep -n "/$2\.ko\$" "$T/fake/etc/aoeinit.modules" | cut -d: -f1)
	[ -n "$_a" ] && [ -n "$_b" ] && [ "$_a" -lt "$_b" ]
}
before virtio virtio_ring && before virtio_ring virtio_net &&
	before failover net_failover && before net_failover virtio_net &&
	before jbd2 ext4
is "$?" 0 "the load order puts dependencies first"
ok "the build's interface list is the default aoe_iflist" \
	grep -qx "AOE_IFLIST='eth0,eth1'" "$T/fake/etc/aoeinit.conf"
ok "the embedded init parses (sh -n)" sh -n "$T/fake/init"
if command -v shellcheck >/dev/null 2>&1; then
	ok "shellcheck finds no warning in init" shellcheck -s sh -S warning "$T/fake/init"
else
	skip "no shellcheck"
fi
interp=$(sed -n 's/.*\(\/lib[^ ]*ld-linux[^ ]*\) (.*/\1/p' <<EOF
$(ldd "$BB" 2>/dev/null)
EOF
)
if [ -n "$interp" ]; then
	ok "a dynamic busybox comes with its loader $interp" test -f "$T/fake$interp"
else
	skip "busybox is static"
fi

# Installed alone, under another shell: nothing comes from the source tree.
mkdir -p "$T/inst" && cp "$MK" "$T/inst/mkaoeinitrd"
run env PATH="$T/inst:$PATH" busybox sh -c 'cd / && mkaoeinitrd -m "$1" -b "$2" -M e1000 -o "$3"' \
	- "$FK" "$BB" "$T/alone.img"
is "$RC" 0 "a copy outside the tree, run by busybox sh, builds"
ok "... a whole image" sh -c '[ "$(gzip -dc "$1" | busybox cpio -t 2>/dev/null | grep -c .)" -gt 20 ]' \
	- "$T/alone.img"

# A failed build leaves the previous image and no temporary file.
cp "$IMG" "$T/fake.prev"
run sh "$MK" -m "$FK" -b "$BB" -M virtio_net,no_such_nic -o "$IMG"
is "$RC" 1 "a missing driver that was asked for exits 1"
ok "... naming it" grep -q no_such_nic "$T/err"
ok "... leaving the previous image as it was" cmp -s "$IMG" "$T/fake.prev"
ok "... and no temporary file" sh -c '! ls -a "$1" | grep -q "^\.fake\.img\."' - "$T"

# --md: mdadm (any dynamic program stands in) with its libraries, and md modules
mkdir -p "$T/fakebin" && cp /bin/true "$T/fakebin/mdadm"
run env PATH="$T/fakebin:$PATH" sh "$MK" -m "$FK" -b "$BB" --md -o "$T/md.img"
is "$RC" 0 "--md builds"
ok "... with sbin/mdadm" has "$T/md.img" '^sbin/mdadm$'
ok "... and the md modules" has "$T/md.img" 'drivers/md/raid1\.ko$'

# --- a real kernel ---------------------------------------------------------

if ! kernel_fetch; then
	diag "no kernel to boot: $KERNEL_WHY"
	skip "no kernel: $KERNEL_WHY" 13
	done_testing
fi
diag "kernel $KERNEL_KVER from $KERNEL_VMLINUZ"
RIMG=$T/initrd.img
run sh "$MK" -k "$KERNEL_KVER" -m "$KERNEL_MODDIR" -b "$BB" -o "$RIMG"
is "$RC" 0 "builds from the kernel's module tree"
[ "$RC" = 0 ] || diag "$(cat "$T/err")"
ok "... with aoe.ko, virtio_pci, virtio_net and ext4" sh -c '
	l=$(gzip -dc "$1" | busybox cpio -t 2>/dev/null)
	for m in block/aoe/aoe virtio/virtio_pci net/virtio_net fs/ext4/ext4; do
		echo "$l" | grep -q "/$m\.ko\$" || { echo "no $m"; exit 1; }
	done' - "$RIMG"

# --- the boot ----------------------------------------------------------------

BOOTS=11
why=
if [ "$(id -u)" != 0 ]; then why="needs root"
elif ! command -v "$QEMU" >/dev/null 2>&1; then why="no $QEMU"
elif ! command -v mke2fs >/dev/null 2>&1; then why="no mke2fs"
elif [ ! -x "$AOETARGET" ]; then why="no $AOETARGET (run make)"
elif [ ! -x "$AOEINIT" ]; then why="no $AOEINIT (run make)"
elif ! ip netns add "nbt-$$-probe" 2>/dev/null; then why="no network namespaces"
fi
[ -z "$why" ] && ip netns del "nbt-$$-probe"
if [ -n "$why" ]; then
	skip "$why" "$BOOTS"
	done_testing
fi

# The root: our initramfs's busybox and libraries, a default /sbin/init
# that must not run, and the init= we name, which prints the marker with
# the device / came from and powers off.
MARKER=AOE-ROOT-OK-$$
R=$T/rootfs
unpack "$RIMG" "$R" || fatal "cannot unpack $RIMG"
rm -rf "$R/init" "$R/lib/modules" "$R"/etc/aoeinit.*
cat >"$R/sbin/init" <<EOF
#!/bin/sh
echo WRONG-INIT-RAN
poweroff -f
EOF
cat >"$R/sbin/aoe-test-init" <<EOF
#!/bin/sh
mount -t proc proc /proc
echo "$MARKER \$0 \$(awk '\$2 == "/" { print "root=" \$1, "opts=" \$4 }' /proc/mounts)"
poweroff -f
EOF
chmod 0755 "$R/sbin/init" "$R/sbin/aoe-test-init"
mke2fs -q -F -t ext2 -L aoeroot -d "$R" "$T/fs.img" 16M >/dev/null ||
	fatal "cannot make the root file system"
DISK=$T/disk.img
disk_of_fs "$T/fs.img" "$DISK" || fatal "cannot make the disk"

aoe_vm_net
aoe_start A 0 0 "$AOE_TIF" "$DISK" || fatal "aoetarget e0.0 does not answer"
pass "aoetarget serves e0.0, partition 1 an ext2 root"

gone() {
	! bg_alive "$1"
}

# boot NAME SERIAL APPEND: the kernel with our initramfs, no firmware ROM
boot() {
	qemu_start "$1" i tp0 "$2" --rom none -- -kernel "$KERNEL_VMLINUZ" \
		-initrd "$RIMG" -append "console=ttyS0 $3"
}

t0=$(now_cs)
boot VM "$T/serial" "root=/dev/etherd/e0.0p1 init=/sbin/aoe-test-init panic=-1" ||
	fatal "QEMU does not start"
qemu_wait_serial 180 "$MARKER" "$T/serial"
t1=$(now_cs)
ok "init= on root=/dev/etherd/e0.0p1 runs and prints its marker" \
	qemu_serial_has "$MARKER /sbin/aoe-test-init" "$T/serial"
diag "boot to the marker: $(((t1 - t0) / 100)).$(((t1 - t0) % 100 / 10)) s (TCG)"
ok "... with / mounted read-only from /dev/etherd/e0.0p1" \
	qemu_serial_has "$MARKER .* root=/dev/etherd/e0\\.0p1 opts=ro" "$T/serial"
nok "... and the default /sbin/init did not run" \
	qemu_serial_has WRONG-INIT-RAN "$T/serial"
ok "the machine powers off" wait_for 60 gone VM
stop_bg VM

boot LABEL "$T/serial.label" "root=LABEL=aoeroot rw init=/sbin/aoe-test-init panic=-1" ||
	fatal "QEMU does not start"
qemu_wait_serial 180 "$MARKER" "$T/serial.label"
ok "root=LABEL= finds the partition on the AoE target, rw mounts it read-write" \
	qemu_serial_has "$MARKER .* root=/dev/etherd/e0\\.0p1 opts=rw" "$T/serial.label"
wait_for 60 gone LABEL
stop_bg LABEL

boot BAD "$T/serial.bad" "root=/dev/etherd/e0.9p1 rootdelay=3 panic=-1" ||
	fatal "QEMU does not start"
qemu_wait_serial 180 'did not appear' "$T/serial.bad"
ok "a target that is not there: a clear message" \
	qemu_serial_has 'root device /dev/etherd/e0\.9p1 did not appear within 3s' \
	"$T/serial.bad"
ok "... and, with panic=-1, a reboot (QEMU exits)" \
	wait_for 60 gone BAD
stop_bg BAD
# Without panic=: a shell on the console, which waits there.
boot SHELL "$T/serial.shell" "root=/dev/etherd/e0.9p1 rootdelay=2" ||
	fatal "QEMU does not start"
qemu_wait_serial 180 'starting a shell' "$T/serial.shell"
ok "without panic=, a failure starts a shell" \
	qemu_wait_serial 30 '^/ # ' "$T/serial.shell"
is "$(tr -d '\r' <"$T/serial.shell" | grep -c 'waiting up to')" 1 \
	"... that waits for input: /init does not run again on its own"
stop_bg SHELL
ok "aoetarget is still running" bg_alive A
done_testing
