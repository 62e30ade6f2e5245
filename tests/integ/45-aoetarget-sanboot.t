#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A real initiator: QEMU's iPXE ROM (SeaBIOS, TCG) gets an address and the
# root path "aoe:e0.0" from dnsmasq, then sanboots from aoetarget a disk
# whose boot sector prints a marker on the serial port.
#
#   namespace t: aoetarget on at0
#   namespace i: bridge br0 198.18.40.1/24 with ports ai0 (to at0) and the
#                VM's tap; dnsmasq hands out addresses on br0

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/aoe.sh"
. "$HERE/tools/qemu.sh"

aoe_require
qemu_require
require_cmd dnsmasq
plan 4

MARKER=AOE-SANBOOT-OK-$$
DISK=$T/disk.img
sh "$NB_SRC/tests/integ/tools/bootsect.sh" "$MARKER" >"$DISK" ||
	fatal "cannot make the boot sector"
# iPXE derives a CHS geometry of 255 heads x 63 sectors from an MBR without
# partitions: a disk smaller than one such cylinder (7.8 MiB) has zero
# cylinders and every INT 13h read of it fails.  16 MiB, sparse.
dd if=/dev/zero of="$DISK" bs=512 count=0 seek=32768 2>/dev/null

aoe_net || fatal "cannot set up the namespaces"
bridge_add i br0 198.18.40.1/24 && bridge_port i br0 "$AOE_IIF" &&
	tap_add i tp0 br0 || fatal "cannot set up the bridge and the tap"
AOE_POLL_IF=br0
aoe_start A 0 0 "$AOE_TIF" "$DISK" || fatal "aoetarget e0.0 does not answer"
pass "aoetarget serves e0.0 with the boot sector"

start_bg DHCP in_ns i dnsmasq --no-daemon --conf-file=/dev/null --port=0 \
	--log-dhcp --interface=br0 --bind-interfaces --dhcp-authoritative \
	--no-ping --dhcp-range=198.18.40.100,198.18.40.199,255.255.255.0,1h \
	--dhcp-option=17,aoe:e0.0 --dhcp-leasefile="$T/leases" --pid-file= \
	--user=root || fatal "dnsmasq does not start"
wait_udp_port i 67 || fatal "dnsmasq does not listen"

# serial_has ERE: a line of the serial console matches
serial_has() {
	tr -d '\r' <"$T/serial" | grep -Eaq -- "$1"
}

qemu_start VM i tp0 "$T/serial" || fatal "QEMU does not start"
qemu_wait_serial 240 'aoe:e0\.0|e0\.0' "$T/serial"
ok "iPXE gets the root path and names the AoE target" \
	serial_has 'e0\.0'
qemu_wait_serial 240 "$MARKER" "$T/serial"
ok "the boot sector read over AoE runs and prints its marker" \
	serial_has "$MARKER"
stop_bg VM
ok "aoetarget is still running" bg_alive A
done_testing
