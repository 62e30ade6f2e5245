#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Secure Boot, with real firmware: OVMF enforcing Secure Boot (q35 with
# SMM) booting through dnsmasq (addresses only), our proxydhcp with
# bootcfg's table and our tftpd.
#
# 1. netboot-sign: its command line, a key pair made on request, and an
#    unsigned file it must not overwrite.
# The site's own key: Debian's test key pair ("snakeoil": PK, KEK and db
# made from PkKek-1-snakeoil.{key,pem}) stands in for it.
# 2. Host "plain" is handed iPXE's unsigned snponly.efi: the firmware
#    refuses it ("Access Denied"), which proves Secure Boot is enforced.
# 3. Host "sb" is handed the snponly.efi netboot-sign signed with the test
#    key: iPXE runs, fetches the host's own script from tftpd, and loads
#    Debian's kernel, signed again by netboot-sign, with a small
#    initramfs, named on the kernel line by bootcfg (initrd=NAME) for the
#    EFI stub; LoadImage verifies the kernel (an EFI stub image), whose
#    log says Secure Boot is on, and the initramfs prints the host's
#    marker from the kernel command line.
# Microsoft's keys (OVMF_VARS_4M.ms.fd), Debian's signed shim and GRUB:
# 4. the unsigned snponly.efi is refused here too;
# 5. with proxydhcp as the only boot server, shim and GRUB come from our
#    tftpd, but GRUB takes its server from the DHCP server's ACK: how far
#    it gets is reported, not judged;
# 6. with the DHCP server giving next-server and the boot file itself
#    (bootcfg's dnsmasq lines), GRUB reads bootcfg's grub/grub.cfg, which
#    sends it to the host's grub/grub.cfg-01-MAC; Debian's signed kernel
#    boots.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/bootcfg.sh"
. "$HERE/tools/proxydhcp.sh"
. "$HERE/tools/qemu.sh"
. "$HERE/tools/kernel.sh"

SIGN=$NB_SRC/scripts/netboot-sign
SNAKEOIL_DIR=${SNAKEOIL_DIR:-/usr/share/ovmf}
MAC_PLAIN=52:54:00:0a:00:21
MAC_SB=52:54:00:0a:00:22
MAC_MS=52:54:00:0a:00:23
SHIM=/usr/lib/shim/shimx64.efi.signed
GRUBNET=/usr/lib/grub/x86_64-efi-signed/grubnetx64.efi.signed
MARK="netboot initramfs on host"

bootcfg_require
pd_firmware_require
require_cmd sbsign sbverify openssl busybox gzip
qemu_require_ovmf OVMF_CODE_4M.snakeoil.fd OVMF_VARS_4M.snakeoil.fd \
    OVMF_CODE_4M.ms.fd OVMF_VARS_4M.ms.fd
[ -r "$SHIM" ] && [ -r "$GRUBNET" ] ||
	skip_all "no signed shim or GRUB (shim-signed, grub-efi-amd64-signed)"
[ -r "$SNAKEOIL_DIR/PkKek-1-snakeoil.key" ] ||
	skip_all "no $SNAKEOIL_DIR/PkKek-1-snakeoil.key (ovmf)"
kernel_fetch || skip_all "$KERNEL_WHY"
chmod 755 "$T"

# --- 1. netboot-sign ------------------------------------------------------

run sh "$SIGN" --help
is "$RC" 0 "netboot-sign --help exits 0"
run sh "$SIGN" --version
ok "--version prints a version number" grep -Eq '[0-9]+\.[0-9]+\.[0-9]+' "$T/out"
run sh "$SIGN" --no-such-option
is "$RC" 2 "an unknown option exits 2"
run sh "$SIGN" -k "$T/gen/db.key" -c "$T/gen/db.crt" --generate
is "$RC" 0 "--generate makes a key pair"
ok "... the key is private" sh -c "ls -l '$T/gen/db.key' | grep -q '^-rw-------'"
ok "... and the certificate has a DER copy for enrolment" \
    openssl x509 -inform DER -in "$T/gen/db.cer" -noout
run sh "$SIGN" -k "$T/gen/db.key" -c "$T/gen/db.crt" --generate
is "$RC" 1 "--generate never replaces a key"

# the test key, without its passphrase ("snakeoil"), as a site would hold it
openssl pkey -in "$SNAKEOIL_DIR/PkKek-1-snakeoil.key" -passin pass:snakeoil \
    -out "$T/db.key" 2>/dev/null || fatal "cannot read the snakeoil key"
cp "$SNAKEOIL_DIR/PkKek-1-snakeoil.pem" "$T/db.crt"
S="-k $T/db.key -c $T/db.crt"

mkdir -p "$T/tftp/sb" "$T/tftp/k"
cp /usr/lib/ipxe/snponly.efi "$T/tftp/"
cp /usr/lib/ipxe/snponly.efi "$T/tftp/sb/"
run sh "$SIGN" $S -o "$T/tftp/sb" --ipxe
is "$RC" 1 "an unsigned file in the way is not overwritten"
ok "... and says so" grep -q 'not signed with' "$T/err"
rm -f "$T/tftp/sb/snponly.efi"
run sh "$SIGN" $S -o "$T/tftp/sb" --ipxe
is "$RC" 0 "iPXE signed into the TFTP root"
ok "... and it verifies" sbverify --cert "$T/db.crt" "$T/tftp/sb/snponly.efi"
nok "the unsigned copy does not" sbverify --cert "$T/db.crt" "$T/tftp/snponly.efi"
cp "$KERNEL_VMLINUZ" "$T/vmlinuz"
run sh "$SIGN" $S "$T/vmlinuz"
is "$RC" 0 "the kernel signed into vmlinuz.signed"
run sh "$SIGN" $S "$T/vmlinuz"
is "$RC" 0 "signing again replaces a copy signed with the same key"
mv "$T/vmlinuz.signed" "$T/tftp/sb/vmlinuz"

# --- the initramfs: busybox, and an /init that prints the marker ------------

initramfs_marker "$T/tftp/k/initrd.img" "$MARK" || fatal "cannot build the initramfs"

# --- bootcfg's table and scripts ---------------------------------------------

printf '%s plain - plain\n%s sb - sb\n%s ms - ms\n' \
    "$MAC_PLAIN" "$MAC_SB" "$MAC_MS" >"$T/hosts"
cat >"$T/profiles" <<EOF2
[defaults]
next-server = $PD_SERVER
[profile plain]
ipxe-efi-x64 = snponly.efi
kernel = sb/vmlinuz
[profile sb]
ipxe-efi-x64 = sb/snponly.efi
kernel = sb/vmlinuz
initrd = k/initrd.img
append = console=ttyS0 host=@NAME@
[profile ms]
ipxe-efi-x64 = shimx64.efi
kernel = k/vmlinuz
initrd = k/initrd.img
append = console=ttyS0 host=@NAME@
EOF2
# Debian's own chain, as it ships: shim loads grubx64.efi from beside
# itself; the kernel keeps Debian's signature only
cp "$SHIM" "$T/tftp/shimx64.efi" && cp "$GRUBNET" "$T/tftp/grubx64.efi" &&
    cp "$KERNEL_VMLINUZ" "$T/tftp/k/vmlinuz" || fatal "cannot copy shim and GRUB"
# GRUB's files and the dnsmasq lines for the controlled-DHCP path (6.),
# with a manifest of their own
run "$BOOTCFG" -q -p "$T/profiles" -o "$T/tftp" --grub \
    --dnsmasq "$T/dnsmasq.conf" --manifest "$T/manifest.grub" "$T/hosts"
is "$RC" 0 "bootcfg writes GRUB's per-host files and dnsmasq's lines"
# Debian's signed GRUB sources $prefix/grub.cfg and nothing per host:
# bootcfg's own grub/grub.cfg sends it to the host's file by its MAC
ok "bootcfg writes grub/grub.cfg, in its manifest" \
    grep -qx 'grub/grub.cfg' "$T/manifest.grub"
pd_firmware_table || fatal "cannot set up the servers"
like "$(sed -n '/^:efi-x64$/{n;p;}' "$T/tftp/ipxe/$(echo "$MAC_SB" | tr : -).ipxe")" \
    "^kernel /sb/vmlinuz initrd=initrd.img " \
    "bootcfg names the initrd on the UEFI kernel line"

# boot_secure KEYS MAC SERIAL [QEMU ARG...]: OVMF enforcing Secure Boot
# with the snakeoil or Microsoft's keys (KEYS), its own PXE client first
boot_secure() {
	_bs_keys=$1 _bs_mac=$2 _bs_serial=$3
	shift 3
	qemu_start vm sw tap0 "$_bs_serial" \
	    --ovmf "OVMF_CODE_4M.$_bs_keys.fd" "OVMF_VARS_4M.$_bs_keys.fd" \
	    --secure-boot --rom none --mac "$_bs_mac" -- "$@"
}
fetched() { [ "$(tftp_sent "$1")" -ge 1 ]; }

# refused KEYS: host "plain" is handed the unsigned snponly.efi, which the
# firmware fetches and refuses to start.
refused() {
	tftp_mark
	_rf_serial=$T/serial-plain-$1.txt
	_rf_t0=$(now_cs)
	boot_secure "$1" "$MAC_PLAIN" "$_rf_serial" || fatal "QEMU does not start"
	ok "$1 keys: the firmware fetched the unsigned snponly.efi" \
	    wait_for 240 fetched snponly.efi
	ok "$1 keys: and refused to run it: Access Denied" qemu_wait_serial 60 \
	    'failed to load Boot[0-9A-F]+ "UEFI PXEv4.*: Access Denied' \
	    "$_rf_serial"
	diag "$1 keys: unsigned iPXE refused after $(( ($(now_cs) - _rf_t0) / 100 )) s"
	stop_bg vm
	nok "$1 keys: iPXE never started" \
	    qemu_serial_has 'iPXE initialising|iPXE 1\.' "$_rf_serial"
	is "$(tftp_sent ipxe/boot.ipxe)$(tftp_sent sb/vmlinuz)" 00 \
	    "$1 keys: no script and no kernel were asked for"
}

# --- 2. the unsigned iPXE is refused -------------------------------------------

refused snakeoil

# --- 3. the signed chain boots -----------------------------------------------

tftp_mark
SERIAL=$T/serial-sb.txt
t0=$(now_cs)
boot_secure snakeoil "$MAC_SB" "$SERIAL" || fatal "QEMU does not start"
ok "the signed iPXE runs" qemu_wait_serial 240 'iPXE' "$SERIAL"
ok "the host's marker is on the console" \
    qemu_wait_serial 240 "$MARK sb" "$SERIAL"
diag "signed chain: firmware to the initramfs in $(( ($(now_cs) - t0) / 100 )) s"
ok "the kernel's log says Secure Boot is enabled" \
    qemu_wait_serial 10 '[Ss]ecure boot enabled' "$SERIAL"
ok "the EFI stub loaded the initrd that initrd= names" \
    qemu_serial_has 'Loaded initrd from command line option' "$SERIAL"
stop_bg vm
is "$(tftp_sent sb/snponly.efi)" 1 "tftpd sent the signed iPXE once"
is "$(tftp_sent "ipxe/$(echo "$MAC_SB" | tr : -).ipxe")" 1 \
    "and the host's own script once"
is "$(tftp_sent sb/vmlinuz)$(tftp_sent k/initrd.img)" 11 \
    "and the signed kernel and the initramfs"

# --- 4. Microsoft's keys refuse the unsigned iPXE too ------------------------

refused ms

# --- 5. shim and GRUB with proxydhcp as the only boot server -------------------

tftp_mark
SERIAL=$T/serial-ms-proxy.txt
t0=$(now_cs)
# GRUB's Linux loader needs more than 256 MiB to unpack Debian's kernel
boot_secure ms "$MAC_MS" "$SERIAL" -m 1024 || fatal "QEMU does not start"
ok "proxy: shim runs and fetches GRUB from our tftpd" \
    wait_for 240 fetched grubx64.efi
ok "proxy: GRUB starts" qemu_wait_serial 120 'Welcome to GRUB' "$SERIAL"
diag "proxy: GRUB started after $(( ($(now_cs) - t0) / 100 )) s"
# how far it gets is a fact to report: Debian's GRUB 2.06 takes its
# server from the DHCP server's ACK, which names none here
asked_grub() {
	tail -n "+$((TFTP_SKIP + 1))" "$T/tftp.log" | grep -Eq 'RRQ /?grub/'
}
if wait_for 30 asked_grub; then
	diag "proxy: GRUB asked our tftpd for its configuration"
else
	diag "proxy: GRUB asked for no file in 30 s: it has no server to ask"
fi
stop_bg vm

# --- 6. the DHCP server gives next-server: Debian's chain to the kernel --------

stop_bg pd
stop_bg dns
pd_dnsmasq dns dhcp d0 --conf-file="$T/dnsmasq.conf" ||
	fatal "dnsmasq with bootcfg's lines does not start"
tftp_mark
SERIAL=$T/serial-ms-dhcp.txt
t0=$(now_cs)
boot_secure ms "$MAC_MS" "$SERIAL" -m 1024 || fatal "QEMU does not start"
ok "dhcp: the host's marker is on the console" \
    qemu_wait_serial 300 "$MARK ms" "$SERIAL"
diag "dhcp: shim, GRUB and Debian's kernel in $(( ($(now_cs) - t0) / 100 )) s"
ok "dhcp: the kernel's log says Secure Boot is enabled" \
    qemu_wait_serial 10 '[Ss]ecure boot enabled' "$SERIAL"
stop_bg vm
is "$(tftp_sent shimx64.efi)$(tftp_sent grubx64.efi)" 11 \
    "dhcp: shim and GRUB sent once each"
is "$(tftp_sent grub/grub.cfg)$(tftp_sent "grub/grub.cfg-01-$(echo "$MAC_MS" | tr : -)")" 11 \
    "dhcp: GRUB read grub/grub.cfg, then the host's own file"
is "$(tftp_sent k/vmlinuz)$(tftp_sent k/initrd.img)" 11 \
    "dhcp: and Debian's kernel and the initramfs"
done_testing
