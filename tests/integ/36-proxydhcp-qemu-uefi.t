#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Real firmware, UEFI (OVMF), without a chainload loop.
#
# 1. OVMF's own PXE client (the NIC has no option ROM): proxydhcp offers
#    no option 43, the firmware asks on port 4011 and is given snponly.efi;
#    that iPXE does DHCP again with 77 "iPXE" and gets the script: the
#    marker is on the console and tftpd sent snponly.efi exactly once.
# 2. OVMF with efi-virtio.rom: the ROM's iPXE is the first client and
#    gets the script at once; snponly.efi is never sent.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/proxydhcp.sh"
. "$HERE/tools/qemu.sh"

pd_firmware_require
pd_firmware_setup || fatal "cannot set up the namespaces and servers"
pass "dnsmasq, tftpd and the proxy run"

# --- 1. the firmware's PXE, then snponly.efi ------------------------------------
SERIAL=$T/serial-pxe.txt
qemu_start vm sw tap0 "$SERIAL" --uefi --rom none --mac "$PD_VM_MAC" ||
	fatal "QEMU does not start"
ok "OVMF starts PXE over IPv4" \
    qemu_wait_serial 180 'Start PXE over IPv4' "$SERIAL"
ok "snponly.efi, then the script: its marker is on the console" \
    pd_wait_script 240 "$SERIAL" snponly.efi
stop_bg vm
is "$(tftp_sent snponly.efi)" 1 "tftpd sent snponly.efi exactly once"
is "$(tftp_sent boot.ipxe)" 1 "tftpd sent boot.ipxe once"
ok "the proxy log names the VM" grep -qi "$PD_VM_MAC" "$T/pd.log"

# --- 2. iPXE from the NIC's ROM -----------------------------------------------
tftp_mark
SERIAL=$T/serial-rom.txt
qemu_start vm sw tap0 "$SERIAL" --uefi --mac "$PD_VM_MAC" ||
	fatal "QEMU does not start"
ok "efi-virtio.rom: iPXE starts" qemu_wait_serial 180 'iPXE' "$SERIAL"
ok "efi-virtio.rom: the script runs" \
    pd_wait_script 240 "$SERIAL" snponly.efi
stop_bg vm
is "$(tftp_sent snponly.efi)" 0 "efi-virtio.rom: snponly.efi never sent"
is "$(tftp_sent boot.ipxe)" 1 "efi-virtio.rom: boot.ipxe sent once"
done_testing
