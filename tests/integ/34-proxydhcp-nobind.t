#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# --no-bind: proxydhcp on the same host as a DHCP server that owns port
# 67 (dnsmasq in namespace "boot" beside it).  It receives port 67 with
# libpcap and sends with libnet; the probe gets both dnsmasq's address
# offer and our proxy offer, and UEFI's 4011 request is still answered.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/proxydhcp.sh"

pd_require dnsmasq

pd_topology || fatal "cannot set up the namespaces"
pd_dnsmasq dns boot b0 || fatal "dnsmasq does not start"
pass "dnsmasq owns port 67 in the namespace"
pd_start pd boot b0 --no-bind --bios-file undionly.kpxe \
    --efi-file snponly.efi --ipxe-script boot.ipxe ||
	fatal "proxydhcp --no-bind does not start"
pass "proxydhcp --no-bind starts beside it"
no_socket_67() {
	! in_ns boot ss -Hlnup 'sport = :67' | grep -q proxydhcp
}
ok "... and has no socket on port 67" no_socket_67
PROBE_SECS=2

# pcap may start capturing a moment after 4011 listens: retry a while
proxy_seen() {
	probe --arch 0
	[ "$(probe_count proxy)" -ge 1 ]
}
ok "BIOS probe: our proxy offer arrives" wait_for 15 proxy_seen || probe_show
ok "... exit 0" [ "$PROBE_RC" -eq 0 ]
is "$(probe_get addr server)" "$PD_SERVER" "... with dnsmasq's address offer"
like "$(probe_get addr yiaddr)" "^$PD_NET\\.1[0-9][0-9]$" "... which has an address"
is "$(probe_count proxy)" 1 "... and exactly one proxy offer"
is "$(probe_get proxy server)" "$PD_SERVER" "proxy offer: option 54"
is "$(probe_get proxy vendor_class)" PXEClient "proxy offer: option 60"
is "$(probe_get proxy siaddr)" "$PD_SERVER" "proxy offer: siaddr"
is "$(probe_get proxy file)" undionly.kpxe "proxy offer: the BIOS file"
like "$(probe_get proxy option_43)" '^060108' "proxy offer: 43 {6: 0x08}"

probe --arch 7 --request
ok "UEFI probe with --request: exit 0" [ "$PROBE_RC" -eq 0 ] || probe_show
nok "UEFI: no 43 in the offer" probe_has proxy option_43
is "$(probe_get ack file)" snponly.efi "UEFI: the 4011 ACK names snponly.efi"

probe --arch 0 --ipxe
is "$(probe_get proxy file)" boot.ipxe "iPXE: the script"

# replies that are not broadcast leave from a socket, not through libnet
MAC2=52:54:00:0a:00:35
SEND_ADDR=$PD_CLIENT SEND_PORT=67 dsend "$PD_SERVER" 67 "$(bootp_header $MAC2 0a0b0c20 0.0.0.0 "$PD_CLIENT")$COOKIE$(opt 53 01)$(opt_s 60 "$PXE_VCI")$(opt 93 0000)ff"
keep_proxy_replies
is "$(replies_from "$PD_SERVER")" 1 "relayed DISCOVER: our offer comes to giaddr port 67"
is "$(sent_opt "$PD_SERVER" file)" undionly.kpxe "... naming the BIOS file"
SEND_ADDR=$PD_CLIENT dsend 255.255.255.255 67 "$(bootp_header $MAC2 0a0b0c21 "$PD_CLIENT")$COOKIE$(opt 53 01)$(opt_s 60 "$PXE_VCI")$(opt 93 0000)ff"
keep_proxy_replies
is "$(replies_from "$PD_SERVER")" 1 "DISCOVER with ciaddr: our offer comes to ciaddr port 68"

ok "dnsmasq still runs" bg_alive dns
ok "proxydhcp still runs" bg_alive pd
done_testing
