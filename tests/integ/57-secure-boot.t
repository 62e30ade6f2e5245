#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Secure Boot with the site's own key: OVMF enforcing Secure Boot with
# Debian's test key pair ("snakeoil": PK, KEK and db made from
# PkKek-1-snakeoil.{key,pem}), q35 with SMM, booting through dnsmasq
# (addresses only), our proxydhcp with bootcfg's table and our tftpd.
#
# 1. netboot-sign: its command line, a key pair made on request, and an
#    unsigned file it must not overwrite.
# 2. Host "plain" is handed iPXE's unsigned snponly.efi: the firmware
#    refuses it ("Access Denied"), which proves Secure Boot is enforced.
# 3. Host "sb" is handed the snponly.efi netboot-sign signed with the test
#    key: iPXE runs, fetches the host's own script from tftpd, and loads
#    Debian's kernel, signed again by netboot-sign, with a small
#    initramfs; LoadImage verifies the kernel (an EFI stub image), whose
#    log says Secure Boot is on, and the initramfs prints the host's
#    marker from the kernel command line.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/bootcfg.sh"
. "$HERE/tools/proxydhcp.sh"
. "$HERE/tools/qemu.sh"
. "$HERE/tools/kernel.sh"

SIGN=$NB_SRC/scripts/netboot-sign
SNAKEOIL_DIR=${SNAKEOIL_DIR:-/usr/share/ovmf}
CODE=OVMF_CODE_4M.snakeoil.fd
VARS=OVMF_VARS_4M.snakeoil.fd
MAC_PLAIN=52:54:00:0a:00:21
MAC_SB=52:54:00:0a:00:22
MARK="netboot initramfs on host"

bootcfg_require
pd_firmware_require
require_cmd sbsign sbverify openssl busybox gzip
qemu_require_ovmf "$CODE" "$VARS"
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

# initramfs OUT: a gzip'd newc cpio with busybox (and the libraries ldd
# names) whose /init prints "$MARK NAME" (NAME from host= on the kernel
# command line) and the kernel's Secure Boot lines, then powers off.
initramfs() {
	_ir=$T/initramfs
	mkdir -p "$_ir/bin" "$_ir/proc" "$_ir/dev" || return 1
	cp "$(command -v busybox)" "$_ir/bin/busybox" || return 1
	for _ir_lib in $(ldd "$_ir/bin/busybox" 2>/dev/null |
	    sed -n 's,.* => \(/[^ ]*\) .*,\1,p; s,^[[:space:]]*\(/[^ ]*\) .*,\1,p'); do
		mkdir -p "$_ir${_ir_lib%/*}" && cp -L "$_ir_lib" "$_ir$_ir_lib" ||
			return 1
	done
	cat >"$_ir/init" <<EOF
#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
for w in \$(/bin/busybox cat /proc/cmdline); do
	case \$w in host=*) echo "$MARK \${w#host=}" ;; esac
done
/bin/busybox dmesg | /bin/busybox grep -i 'secure boot'
/bin/busybox poweroff -f
EOF
	chmod 755 "$_ir/init"
	(cd "$_ir" && find . | busybox cpio -o -H newc 2>/dev/null) |
	    gzip -1 >"$1"
}
initramfs "$T/tftp/k/initrd.img" || fatal "cannot build the initramfs"

# --- bootcfg's table and scripts ---------------------------------------------

printf '%s plain - plain\n%s sb - sb\n' "$MAC_PLAIN" "$MAC_SB" >"$T/hosts"
# iPXE of 2019 gives an EFI stub kernel its initrd through its own file
# system only: the stub reads the file named by initrd=
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
append = console=ttyS0 initrd=initrd.img host=@NAME@
EOF2
pd_firmware_table || fatal "cannot set up the servers"

# boot_secure NAME MAC SERIAL: OVMF with the snakeoil keys, Secure Boot on
boot_secure() {
	qemu_start "$1" sw tap0 "$3" --ovmf "$CODE" "$VARS" --secure-boot \
	    --rom none --mac "$2"
}
fetched() { [ "$(tftp_sent "$1")" -ge 1 ]; }

# --- 2. the unsigned iPXE is refused -------------------------------------------

SERIAL=$T/serial-plain.txt
t0=$(now_cs)
boot_secure vm "$MAC_PLAIN" "$SERIAL" || fatal "QEMU does not start"
ok "the firmware fetched the unsigned snponly.efi" \
    wait_for 240 fetched snponly.efi
ok "and refused to run it: Access Denied" \
    qemu_wait_serial 60 'failed to load Boot[0-9A-F]+ "UEFI PXEv4.*: Access Denied' \
    "$SERIAL"
diag "unsigned iPXE refused after $(( ($(now_cs) - t0) / 100 )) s"
stop_bg vm
nok "iPXE never started" qemu_serial_has 'iPXE initialising|iPXE 1\.' "$SERIAL"
is "$(tftp_sent ipxe/boot.ipxe)$(tftp_sent sb/vmlinuz)" 00 \
    "no script and no kernel were asked for"

# --- 3. the signed chain boots -----------------------------------------------

tftp_mark
SERIAL=$T/serial-sb.txt
t0=$(now_cs)
boot_secure vm "$MAC_SB" "$SERIAL" || fatal "QEMU does not start"
ok "the signed iPXE runs" qemu_wait_serial 240 'iPXE' "$SERIAL"
ok "the host's marker is on the console" \
    qemu_wait_serial 240 "$MARK sb" "$SERIAL"
diag "signed chain: firmware to the initramfs in $(( ($(now_cs) - t0) / 100 )) s"
ok "the kernel's log says Secure Boot is enabled" \
    qemu_wait_serial 10 '[Ss]ecure boot enabled' "$SERIAL"
stop_bg vm
is "$(tftp_sent sb/snponly.efi)" 1 "tftpd sent the signed iPXE once"
is "$(tftp_sent "ipxe/$(echo "$MAC_SB" | tr : -).ipxe")" 1 \
    "and the host's own script once"
is "$(tftp_sent sb/vmlinuz)$(tftp_sent k/initrd.img)" 11 \
    "and the signed kernel and the initramfs"
done_testing
