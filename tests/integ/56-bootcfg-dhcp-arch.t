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

# each SERVER: every architecture of both hosts against that server, and
# HTTPClient said back to HTTP boot clients.
each() {
	bc_each_arch file "$1" none
	for _a in 16 19; do
		file $MULTI $_a >/dev/null
		is "$(probe_get addr vendor_class)" HTTPClient \
			"$1: HTTPClient back to HTTP boot, arch $_a"
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
