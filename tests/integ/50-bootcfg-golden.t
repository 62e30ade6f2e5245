#!/bin/sh
# bootcfg over the sample table: every output byte for byte against the
# golden files, and each DHCP/GRUB output accepted by the real program.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/bootcfg.sh"

bootcfg_require
plan 30

R=$T/root
mkdir -p "$R"
bc_all "$R" "$BCDATA/hosts" -q
is "$RC" 0 "all outputs written"
ok "no errors or warnings with -q" test ! -s "$T/err"
ok "byte for byte the golden tree" diff -r "$BCDATA/golden" "$R"
ok "the manifest, kept outside the tree" \
	cmp "$BCDATA/golden.manifest" "$BOOTCFG_STATE_DIR/$(echo "${R#/}" | sed 's|-|%2D|g; s|/|-|g').manifest"

size=$(wc -c <"$R/proxydhcp.cfg")
is "$((size % 200))" 0 "xCAT file is whole 200-byte records"

if command -v dhcpd >/dev/null 2>&1; then
	cat >"$T/dhcpd.conf" <<EOC
ddns-update-style none;
authoritative;
subnet 198.18.0.0 netmask 255.255.255.0 {
}
include "$R/dhcpd.conf";
EOC
	ok "dhcpd -t accepts the host declarations" \
		dhcpd -t -cf "$T/dhcpd.conf" -lf "$T/leases" -pf "$T/dhcpd.pid"
else
	skip "no dhcpd (isc-dhcp-server)"
fi

if command -v dnsmasq >/dev/null 2>&1; then
	ok "dnsmasq --test accepts the dhcp-host lines" \
		dnsmasq --test --conf-file="$R/dnsmasq.conf"
else
	skip "no dnsmasq"
fi

if command -v grub-script-check >/dev/null 2>&1; then
	bad=
	for f in "$R"/grub/grub.cfg "$R"/grub/grub.cfg-*; do
		grub-script-check "$f" >/dev/null 2>&1 || bad="$bad $f"
	done
	is "$bad" "" "grub-script-check accepts every GRUB file"
else
	skip "no grub-script-check (grub-common)"
fi

# Debian's signed GRUB (prefix /grub) reads grub/grub.cfg only: it
# must lead each MAC to the name bootcfg gives that host's file.
# (GRUB's $net_default_mac: lower-case hex and colons)
mac=52:54:00:12:34:0a
f=$(sed -n 's|^configfile "\$prefix/\(.*\)"$|\1|p' "$R/grub/grub.cfg" |
	awk -v mac="$mac" '{ split(mac, m, ":"); for (i = 1; i <= 6; i++) gsub("\\$m" i, m[i]); print }')
ok "grub/grub.cfg sends 52:54:00:12:34:0a to $f" test -f "$R/grub/$f"

n=$(ls "$R"/pxelinux.cfg | wc -l)
is "$n" 12 "one pxelinux file per host, and default"
like "$(cat "$R/pxelinux.cfg/01-52-54-00-12-34-06")" "LOCALBOOT 0" \
	"disabled host: local boot file"
like "$(cat "$R/hosts/node1/ks.cfg")" "--ip=198.18.0.11 --hostname=node1" \
	"template rendered with the host's tags"
like "$(cat "$R/dhcpd.conf")" 'option root-path "aoe:e1.0";' \
	"AoE host gets its root path"

# Each firmware its own file, or none: never another one's binary.
like "$(cat "$R/proxydhcp.table")" \
	"mac=52:54:00:12:34:09 arch=efi-arm64 ipxe=no file=ipxe-arm64.efi " \
	"ARM64 firmware gets its own iPXE"
like "$(cat "$R/proxydhcp.table")" \
	"mac=52:54:00:12:34:09 arch=efi-x64-http ipxe=no file=http://198.18.0.1/ipxe.efi\$" \
	"HTTP boot gets a URL, no TFTP server"
like "$(cat "$R/proxydhcp.table")" \
	"mac=52:54:00:12:34:0a arch=efi-x64 ignore  # no ipxe-efi-x64 in profile bios-only" \
	"BIOS-only profile: x86-64 UEFI ignored, and why"
is "$(grep -A1 'option vendor-class-identifier "HTTPClient";$' "$R/dhcpd.conf" |
	grep -c '^    filename "http://198.18.0.1/')" 2 \
	"dhcpd: HTTPClient echoed with each URL"
like "$(cat "$R/dnsmasq.conf")" "dhcp-match=set:bc-efi-arm64,option:client-arch,11" \
	"dnsmasq: ARM64 told by option 93"
is "$(sed -n '/^:efi-x64$/{n;p;}' "$R/ipxe/52-54-00-12-34-0a.ipxe")" \
	"echo no boot file for efi-x64 in profile bios-only (no kernel.efi-x64): booting locally" \
	"iPXE: a family without a kernel is told so"
is "$(sed -n '/^:efi-arm64$/{n;p;}' "$R/ipxe/52-54-00-12-34-09.ipxe")" \
	"kernel /linux/vmlinuz-arm64 initrd=initrd-arm64.img console=ttyAMA0" \
	"iPXE: ARM64 boots its own kernel, its initrd named for the EFI stub"
is "$(sed -n '/^:bios$/{n;p;}' "$R/ipxe/52-54-00-12-34-09.ipxe")" \
	"kernel /linux/vmlinuz console=ttyS0" \
	"iPXE: no initrd= on a BIOS kernel line"
is "$(sed -n '3p' "$R/ipxe/52-54-00-12-34-03.ipxe")" \
	"sanboot aoe:e1.0 ||" "iPXE: a failed sanboot does not stop the script ..."
like "$(sed -n '4,5p' "$R/ipxe/52-54-00-12-34-03.ipxe")" \
	"^echo Could not boot the disk aoe:e1.0 .*Secure Boot.*signed.*
exit\$" "... it says why and boots locally"

# A restore host: GRUB for BIOS and x86-64 UEFI clients, iPXE or not; its
# GRUB file boots the disk once when the restore environment asked for it.
G=$R/grub/grub.cfg-01-52-54-00-12-34-0b
like "$(cat "$G")" "^set netboot_part='\\(hd0,msdos1\\)'
set netboot_env=\"\\\$netboot_part\"/NETBOOT.ENV
if load_env --file \"\\\$netboot_env\" netboot_next; then" \
	"restore GRUB: the flag from the block on the restored partition"
is "$(grep -c -e 'save_env --file' -e 'chainloader +1' -e '^      exit$' "$G")" 3 \
	"restore GRUB: flag cleared, then the partition on BIOS, the firmware on UEFI"
is "$(sed -n 's/^  linux //p' "$G")" \
	"/restore/vmlinuz netboot.image=lab netboot.layout=layouts/lab.tab netboot.partition=1 console=ttyS0 netboot.server=198.18.0.1" \
	"restore GRUB: the restore environment's command line"
is "$(grep -m2 '^mac=52:54:00:12:34:0b' "$R/proxydhcp.table")" \
	"mac=52:54:00:12:34:0b arch=bios file=grub/i386-pc/core.0 tftp-server=198.18.0.1
mac=52:54:00:12:34:0b arch=efi-x64 file=grub/grubnetx64.efi tftp-server=198.18.0.1" \
	"restore host: proxydhcp hands GRUB to BIOS and UEFI clients first"
like "$(cat "$R/dnsmasq.conf")" \
	"dhcp-boot=tag:bc-52540012340b,tag:ipxe,tag:!bc-bios,tag:!bc-efi-x64,ipxe/" \
	"restore host: dnsmasq gives its script only to other iPXE clients"
like "$(sed -n '/^host pc11 /,/^}/p' "$R/dhcpd.conf")" \
	"  if option arch = 00:00 {
    filename \"grub/i386-pc/core.0\";
  } elsif option arch = 00:07 or option arch = 00:09 {
    filename \"grub/grubnetx64.efi\";
  } elsif exists user-class" "restore host: dhcpd tests the arch before iPXE"

# Boot files missing under the TFTP root are only warned about.
bc_all "$T/root2" "$BCDATA/hosts"
like "$(cat "$T/err")" 'profiles:8: warning: centos/vmlinuz not found under' \
	"missing kernel warned about with file:line"

done_testing
