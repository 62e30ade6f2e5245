#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Real firmware, BIOS: QEMU's iPXE ROM on SeaBIOS gets its address from
# dnsmasq and from proxydhcp, being iPXE, the script boot.ipxe (never
# undionly.kpxe, which would load iPXE again), fetches it from our tftpd
# and runs it: the script's echo appears on the serial console.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/proxydhcp.sh"
. "$HERE/tools/qemu.sh"

pd_firmware_require
pd_firmware_setup || fatal "cannot set up the namespaces and servers"
pass "dnsmasq, tftpd and the proxy run"

SERIAL=$T/serial.txt
qemu_start vm sw tap0 "$SERIAL" --mac "$PD_VM_MAC" || fatal "QEMU does not start"
ok "iPXE starts on the serial console" qemu_wait_serial 120 'iPXE' "$SERIAL"
ok "the script runs: its marker is on the console" \
    pd_wait_script 180 "$SERIAL" undionly.kpxe
stop_bg vm

is "$(tftp_sent boot.ipxe)" 1 "tftpd sent boot.ipxe once"
is "$(tftp_sent undionly.kpxe)" 0 "tftpd never sent undionly.kpxe"
ok "dnsmasq gave the VM its address" \
    grep -Eq "DHCPACK.*$PD_VM_MAC" "$T/dns.log"
ok "the proxy log names the VM" grep -qi "$PD_VM_MAC" "$T/pd.log"
[ "${PD_PEER-}" = dnsmasq ] && done_testing

# again with a table whose first rule needs the client's name, as
# bootcfg writes them: the offer only says "ask on 4011", and iPXE gets
# its script from the ACK there
stop_bg pd
printf '%s\n' "host=win01 file=winpe/Boot/pxeboot.0" \
    "arch=bios ipxe=no file=undionly.kpxe" \
    "arch=efi-x64 ipxe=no file=snponly.efi" \
    "ipxe=yes script=boot.ipxe" >"$T/nodes.table"
chmod 644 "$T/nodes.table"
pd_start pd boot b0 --table "$T/nodes.table" ||
	fatal "proxydhcp does not start with the table"
tftp_mark
SERIAL=$T/serial-table.txt
qemu_start vm sw tap0 "$SERIAL" --mac "$PD_VM_MAC" || fatal "QEMU does not start"
ok "with a host rule first: the script runs" \
    pd_wait_script 180 "$SERIAL" undionly.kpxe
stop_bg vm
is "$(tftp_sent boot.ipxe)" 1 "... tftpd sent boot.ipxe once"
ok "... the script came in the 4011 ACK" \
    grep -Eq "ACK file=boot\.ipxe" "$T/pd.log"
done_testing
