#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# --no-bind beside ISC dhcpd on the same host (namespace "boot"): dhcpd
# owns port 67 and reads its requests from a packet socket; proxydhcp
# captures port 67 with libpcap.  The probe gets dhcpd's address offer and
# our proxy offer, and the 4011 ACK.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/proxydhcp.sh"

pd_require dhcpd

pd_topology || fatal "cannot set up the namespaces"
chmod 755 "$T"
cat >"$T/dhcpd.conf" <<CONF
authoritative;
default-lease-time 3600;
subnet $PD_NET.0 netmask 255.255.255.0 {
	range $PD_NET.100 $PD_NET.199;
}
CONF
: >"$T/dhcpd.leases"
start_bg dhcpd in_ns boot dhcpd -4 -f -d -q -cf "$T/dhcpd.conf" \
    -lf "$T/dhcpd.leases" -pf "$T/dhcpd.pid" b0 ||
	fatal "dhcpd does not start"
wait_udp_port boot 67 || fatal "dhcpd does not listen"
pass "ISC dhcpd owns port 67"
pd_start pd boot b0 --no-bind --bios-file undionly.kpxe \
    --efi-file snponly.efi || fatal "proxydhcp --no-bind does not start"
pass "proxydhcp --no-bind starts beside it"
PROBE_SECS=2

# pcap may start capturing a moment after 4011 listens: retry a while
both_seen() {
	probe --arch 7 --request
	[ "$(probe_count proxy)" -ge 1 ] && probe_has addr yiaddr
}
ok "UEFI probe: dhcpd's offer and ours arrive" wait_for 20 both_seen ||
	probe_show
ok "... exit 0" [ "$PROBE_RC" -eq 0 ]
like "$(probe_get addr yiaddr)" "^$PD_NET\\.1[0-9][0-9]$" "dhcpd's offer has an address"
is "$(probe_count proxy)" 1 "exactly one proxy offer"
nok "the proxy offer has no option 43" probe_has proxy option_43
is "$(probe_get ack file)" snponly.efi "the 4011 ACK names snponly.efi"

ok "dhcpd still runs" bg_alive dhcpd
ok "proxydhcp still runs" bg_alive pd
done_testing
