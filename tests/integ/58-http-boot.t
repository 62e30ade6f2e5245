#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# UEFI HTTP boot, with real firmware: OVMF's own HTTP boot client (no PXE,
# no option ROM) announces vendor class HTTPClient (arch 16); our
# proxydhcp, serving bootcfg's table, answers with the http:// URL of
# iPXE on lighttpd, started with the project's example configuration
# (etc/lighttpd/netboot.conf).  iPXE then asks DHCP again, is given its
# script as a URL, and fetches the host's own script, a kernel and an
# initramfs over HTTP; the initramfs prints the host's marker.
# dnsmasq hands out addresses only, as in the other firmware tests.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/bootcfg.sh"
. "$HERE/tools/proxydhcp.sh"
. "$HERE/tools/qemu.sh"
. "$HERE/tools/kernel.sh"

LIGHTTPD=${LIGHTTPD:-lighttpd}
CONF=$NB_SRC/etc/lighttpd/netboot.conf
URL=http://$PD_SERVER
MAC=52:54:00:0a:00:24
MARK="netboot initramfs on host"

bootcfg_require
pd_firmware_require
require_cmd "$LIGHTTPD" busybox gzip curl
qemu_require_ovmf OVMF_CODE_4M.fd OVMF_VARS_4M.fd
kernel_fetch || skip_all "$KERNEL_WHY"
chmod 755 "$T"

mkdir -p "$T/tftp/k"
cp /usr/lib/ipxe/snponly.efi "$T/tftp/" &&
    cp "$KERNEL_VMLINUZ" "$T/tftp/k/vmlinuz" || fatal "cannot copy iPXE"
initramfs_marker "$T/tftp/k/initrd.img" "$MARK" ||
	fatal "cannot build the initramfs"

# PXE gets nothing (ipxe-efi-x64 = -): only HTTP boot can start iPXE.
# iPXE is given boot.ipxe by URL, which chains to the host's script
# beside it; the script fetches the kernel by URL too (boot-url).
printf '%s web - http\n' "$MAC" >"$T/hosts"
cat >"$T/profiles" <<EOF2
[defaults]
next-server = $PD_SERVER
[profile http]
ipxe-efi-x64 = -
ipxe-efi-x64-http = $URL/snponly.efi
script = $URL/ipxe/boot.ipxe
boot-url = $URL/
kernel = k/vmlinuz
initrd = k/initrd.img
append = console=ttyS0 initrd=initrd.img host=@NAME@
EOF2
pd_firmware_table || fatal "cannot set up the servers"
ok "the table answers HTTP boot clients with the URL" \
    grep -q "arch=efi-x64-http .*file=$URL/snponly.efi" "$T/table"

# --- the web server, with the example configuration --------------------------

cat >"$T/lighttpd.conf" <<EOF2
include "$CONF"
server.document-root := "$T/tftp"
server.bind := "$PD_SERVER"
EOF2
run "$LIGHTTPD" -tt -f "$T/lighttpd.conf"
is "$RC" 0 "lighttpd accepts the example configuration"
start_bg www in_ns boot "$LIGHTTPD" -D -f "$T/lighttpd.conf" ||
	fatal "lighttpd does not start"
wait_tcp_port boot 80 || fatal "lighttpd does not listen on port 80"
ok "it serves iPXE as an EFI program" sh -c \
    "ip netns exec '$(ns_name cli)' curl -sfI '$URL/snponly.efi' |
     grep -qi '^content-type: application/efi'"
nok "and no hidden files" in_ns cli curl -sf -o /dev/null "$URL/.x"

# --- the firmware's HTTP boot ---------------------------------------------------

# OVMF's knobs: no PXE over IPv4 or IPv6, so that its first network boot
# option is HTTP boot over IPv4 ("UEFI HTTPv4")
SERIAL=$T/serial.txt
t0=$(now_cs)
qemu_start vm sw tap0 "$SERIAL" --ovmf OVMF_CODE_4M.fd OVMF_VARS_4M.fd \
    --rom none --mac "$MAC" -- \
    -fw_cfg name=opt/org.tianocore/IPv4PXESupport,string=n \
    -fw_cfg name=opt/org.tianocore/IPv6PXESupport,string=n ||
	fatal "QEMU does not start"
ok "OVMF boots over HTTP" qemu_wait_serial 120 'UEFI HTTPv4' "$SERIAL"
ok "iPXE runs" qemu_wait_serial 120 'iPXE initialising' "$SERIAL"
diag "HTTP boot: iPXE started after $(( ($(now_cs) - t0) / 100 )) s"
ok "the host's marker is on the console" \
    qemu_wait_serial 240 "$MARK web" "$SERIAL"
diag "HTTP boot: firmware to the initramfs in $(( ($(now_cs) - t0) / 100 )) s"
stop_bg vm
stop_bg www

ok "proxydhcp answered HTTPClient with the URL" \
    grep -Eq "efi-x64-http.*$URL/snponly.efi" "$T/pd.log"
ok "iPXE fetched boot.ipxe over HTTP" \
    qemu_serial_has "$URL/ipxe/boot\\.ipxe\\.\\.\\. ok" "$SERIAL"
ok "then the host's script beside it" \
    qemu_serial_has "$(echo "$MAC" | tr : -)\\.ipxe\\.\\.\\. ok" "$SERIAL"
# (a slow fetch shows iPXE's progress, percentages and backspaces, before
# its "ok")
ok "and the kernel over HTTP" \
    qemu_serial_has "$URL/k/vmlinuz\\.\\.\\. (.*[^a-z])?ok" "$SERIAL"
is "$(grep -c ' RRQ ' "$T/tftp.log")" 0 "nothing went over TFTP"
done_testing
