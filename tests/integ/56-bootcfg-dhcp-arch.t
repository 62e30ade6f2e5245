#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The dnsmasq and ISC dhcpd fragments bootcfg writes, served by the real
# servers and asked by proxydhcp's probe as a client of each architecture:
# every firmware gets its own file (HTTP boot a URL and HTTPClient back),
# and a firmware the profile has no file for gets none, never another
# architecture's binary.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/bootcfg.sh"
. "$HERE/tools/proxydhcp.sh"

bootcfg_require
pd_require

MULTI=52:54:00:12:34:09
LEGACY=52:54:00:12:34:0a
cat >"$T/hosts" <<EOF
$MULTI multi $PD_NET.19 every-arch
$LEGACY legacy $PD_NET.20 bios-only
EOF
chmod 755 "$T"
run "$BOOTCFG" -q -p "$BCDATA/profiles" --dnsmasq "$T/dnsmasq.conf" \
	--dhcpd "$T/dhcpd.conf" "$T/hosts"
is "$RC" 0 "fragments written"
chmod 644 "$T/dnsmasq.conf" "$T/dhcpd.conf"
pd_topology || fatal "cannot set up the namespaces"
PROBE_SECS=2

# file MAC ARCH: the boot file of the server's address offer (the file
# field, or option 67 when the client asks for it, as the probe does),
# "none" when the offer has none, "no offer" when there is no offer.
file() {
	case $2 in
	16|19)	probe_mac "$1" --arch "$2" --http ;;
	*)	probe_mac "$1" --arch "$2" ;;
	esac
	if ! probe_has addr yiaddr; then
		echo "no offer"
	else
		_f=$(probe_text addr file)
		[ -n "$_f" ] || _f=$(probe_text addr option_67)
		echo "${_f:-none}"
	fi
}

# each SERVER: every architecture of both hosts against that server.
each() {
	for _w in 0:undionly.kpxe 6:ipxe-ia32.efi 7:ipxe.efi 9:ipxe.efi \
	    10:none 11:ipxe-arm64.efi 16:http://198.18.0.1/ipxe.efi \
	    19:http://198.18.0.1/ipxe-arm64.efi; do
		is "$(file $MULTI "${_w%%:*}")" "${_w#*:}" \
			"$1, every-arch, arch ${_w%%:*}: ${_w#*:}"
		case ${_w%%:*} in
		16|19)	is "$(probe_get addr vendor_class)" HTTPClient \
				"$1: HTTPClient back to HTTP boot" ;;
		esac
	done
	for _a in 0 6 7 9 10 11 16; do
		_want=none
		[ "$_a" = 0 ] && _want=undionly.kpxe
		is "$(file $LEGACY "$_a")" "$_want" \
			"$1, bios-only, arch $_a: $_want"
	done
}

# --- dnsmasq ---------------------------------------------------------------
if command -v dnsmasq >/dev/null 2>&1; then
	start_bg dns in_ns dhcp dnsmasq --no-daemon \
	    --conf-file="$T/dnsmasq.conf" --port=0 --log-dhcp \
	    --interface=d0 --bind-interfaces --dhcp-authoritative --no-ping \
	    --dhcp-range="$PD_NET.10,$PD_NET.99,255.255.255.0,1h" \
	    --dhcp-leasefile="$T/dns.leases" --pid-file= --user=root ||
		fatal "dnsmasq does not start"
	wait_udp_port dhcp 67 || fatal "dnsmasq does not listen"
	each dnsmasq
	stop_bg dns
else
	skip "no dnsmasq" 17
fi

# --- ISC dhcpd -------------------------------------------------------------
if command -v dhcpd >/dev/null 2>&1; then
	cat >"$T/main.conf" <<EOF
authoritative;
default-lease-time 3600;
subnet $PD_NET.0 netmask 255.255.255.0 {
	range $PD_NET.100 $PD_NET.199;
}
include "$T/dhcpd.conf";
EOF
	: >"$T/dhcpd.leases"
	start_bg dhcpd in_ns dhcp dhcpd -4 -f -d -q -cf "$T/main.conf" \
	    -lf "$T/dhcpd.leases" -pf "$T/dhcpd.pid" d0 ||
		fatal "dhcpd does not start"
	wait_udp_port dhcp 67 || fatal "dhcpd does not listen"
	each dhcpd
	stop_bg dhcpd
else
	skip "no dhcpd (isc-dhcp-server)" 17
fi

done_testing
