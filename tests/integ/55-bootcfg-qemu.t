#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Real firmware: QEMU's iPXE ROM on SeaBIOS asks our proxydhcp, which
# serves bootcfg's node table, gets its own per-host iPXE script from our
# tftpd, and runs it: tftpd then sends the kernel and initrd the script
# names (junk files: that they are fetched is the point, not a boot).

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/bootcfg.sh"
. "$HERE/tools/proxydhcp.sh"
. "$HERE/tools/qemu.sh"

bootcfg_require
pd_firmware_require
chmod 755 "$T"

SCRIPT=ipxe/$(echo "$PD_VM_MAC" | tr : -).ipxe
printf '%s vm1 - boot\n' "$PD_VM_MAC" >"$T/hosts"
cat >"$T/profiles" <<EOF2
[defaults]
next-server = $PD_SERVER
[profile boot]
kernel = k/vmlinuz
initrd = k/initrd.img
append = console=ttyS0 host=@NAME@
EOF2
mkdir -p "$T/tftp/k"
head -c 4096 /dev/zero >"$T/tftp/k/vmlinuz"
head -c 4096 /dev/zero >"$T/tftp/k/initrd.img"
cp /usr/lib/ipxe/undionly.kpxe "$T/tftp/"
pd_firmware_table || fatal "cannot set up the servers"

SERIAL=$T/serial.txt
qemu_start vm sw tap0 "$SERIAL" --mac "$PD_VM_MAC" || fatal "QEMU does not start"
fetched() { [ "$(tftp_sent "$1")" -ge 1 ]; }
ok "the script ran: tftpd sent the kernel it names" wait_for 240 fetched k/vmlinuz
ok "and the initrd" wait_for 60 fetched k/initrd.img
stop_bg vm

is "$(tftp_sent "$SCRIPT")" 1 "tftpd sent the host's script once"
is "$(tftp_sent undionly.kpxe)" 0 "iPXE was never handed iPXE again"
done_testing
