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
done_testing
