#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# proxydhcp beside dnsmasq handing out addresses: what each kind of client
# is told, as `proxydhcp --probe` and hand-made packets see it.  BIOS gets
# siaddr + file + 43 {6: 8} in the offer; UEFI gets an offer without 43
# and the file in the 4011 ACK; iPXE gets the script, never a binary;
# HTTP boot gets the URL; 97 and 43.71 are echoed; a client without
# option 60 gets nothing from us (but its address from dnsmasq).

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/proxydhcp.sh"

pd_require dnsmasq

pd_topology || fatal "cannot set up the namespaces"
pd_dnsmasq dns dhcp d0 || fatal "dnsmasq does not start"
pd_start pd boot b0 --bios-file undionly.kpxe \
    --efi-x64-file ipxe-x64.efi --efi-ia32-file ipxe-ia32.efi \
    --efi-arm64-file ipxe-arm64.efi --efi-arm32-file ipxe-arm32.efi \
    --http-url "http://$PD_SERVER/boot/x64.efi" --ipxe-script boot.ipxe ||
	fatal "proxydhcp does not start"
pass "proxydhcp listens on 67 and 4011"

# --- BIOS ---------------------------------------------------------------------
PROBE_SECS=2		# dnsmasq's offer too, on a busy machine
probe --arch 0
PROBE_SECS=1
ok "BIOS probe: exit 0" [ "$PROBE_RC" -eq 0 ] || probe_show
is "$(probe_get addr server)" "$PD_DHCP" "dnsmasq's address offer came too"
is "$(probe_count proxy)" 1 "one proxy offer"
is "$(probe_get proxy msgtype)" 2 "... an OFFER"
is "$(probe_get proxy server)" "$PD_SERVER" "... option 54 is our address"
is "$(probe_get proxy vendor_class)" PXEClient "... option 60 PXEClient"
is "$(probe_get proxy siaddr)" "$PD_SERVER" "... siaddr is the TFTP server"
is "$(probe_get proxy file)" undionly.kpxe "... file is the BIOS file"
like "$(probe_get proxy option_43)" '^060108' "... 43 {6: 0x08}"
like "$(probe_get proxy option_97)" '^00[0-9a-f]{32}$' "... 97 echoed (17 bytes)"
probe --arch 0 --uuid 01234567-89ab-cdef-0123-456789abcdef
is "$(probe_get proxy option_97)" 000123456789abcdef0123456789abcdef \
    "--uuid: the UUID the probe sent comes back in 97"
ok "the log names the client" wait_log pd "$(echo "$PD_MAC" | sed 's/:/[:-]?/g')"

# --- UEFI: no 43 in the offer, the file in the 4011 ACK -----------------------
for a in 7:ipxe-x64.efi 9:ipxe-x64.efi 6:ipxe-ia32.efi 10:ipxe-arm32.efi \
    11:ipxe-arm64.efi; do
	arch=${a%%:*} file=${a#*:}
	probe --arch "$arch" --request
	ok "arch $arch: probe with --request exits 0" [ "$PROBE_RC" -eq 0 ] ||
		probe_show
	nok "arch $arch: no option 43 in the offer" probe_has proxy option_43
	is "$(probe_get ack msgtype)" 5 "arch $arch: 4011 ACK"
	is "$(probe_get ack file)" "$file" "arch $arch: ACK names $file"
	is "$(probe_get ack siaddr)" "$PD_SERVER" "arch $arch: ACK has siaddr"
	is "$(probe_get ack yiaddr)" 0.0.0.0 "arch $arch: ACK has no yiaddr"
done

# --- iPXE: the script, never the binary -----------------------------------------
probe --arch 0 --ipxe
ok "iPXE on BIOS: exit 0" [ "$PROBE_RC" -eq 0 ] || probe_show
is "$(probe_get proxy file)" boot.ipxe "iPXE on BIOS gets the script"
for arch in 7 9; do
	probe --arch "$arch" --ipxe --request
	ok "iPXE arch $arch: exit 0" [ "$PROBE_RC" -eq 0 ] || probe_show
	f=$(probe_get proxy file)
	ok "iPXE arch $arch: the offer names the script or nothing ('$f')" \
	    sh -c '[ -z "$1" ] || [ "$1" = boot.ipxe ]' - "$f"
	is "$(probe_get ack file)" boot.ipxe "iPXE arch $arch: ACK names the script"
	nok "iPXE arch $arch: no reply names the iPXE binary" \
	    grep -q "ipxe-x64.efi" "$T/probe.out"
done

# --- HTTP boot ------------------------------------------------------------------
for arch in 16 15 19; do
	probe --http --arch "$arch"
	ok "HTTP client arch $arch: exit 0" [ "$PROBE_RC" -eq 0 ] || probe_show
	is "$(probe_get proxy vendor_class)" HTTPClient \
	    "HTTP client arch $arch: option 60 HTTPClient"
	is "$(probe_get proxy file)" "http://$PD_SERVER/boot/x64.efi" \
	    "HTTP client arch $arch: the URL"
done

# --- hand-made packets ------------------------------------------------------------
MAC2=52:54:00:0a:00:33
HDR=$(bootp_header $MAC2 0a0b0c0d)
UUID=00$(hex 0123456789abcdef)

SEND_SECS=2
dsend 255.255.255.255 67 "$HDR$COOKIE$(opt 53 01)$(opt 93 0000)$(opt 97 "$UUID")ff"
SEND_SECS=1
is "$(replies_from "$PD_DHCP")" 1 "no option 60: dnsmasq offers an address"
like "$(sent_opt "$PD_DHCP" yiaddr)" "^$PD_NET\\.1[0-9][0-9]$" "... in yiaddr"
is "$(replies_from "$PD_SERVER")" 0 "no option 60: no reply from us"

dsend 255.255.255.255 67 "$HDR$COOKIE$(opt 53 01)$(opt_s 60 "$PXE_VCI")$(opt 93 0000)$(opt 97 "$UUID")ff"
is "$(replies_from "$PD_SERVER")" 1 "hand-made BIOS DISCOVER: one reply from us"
is "$(sent_opt "$PD_SERVER" 97)" "$UUID" "... option 97 echoed exactly"
is "$(sent_opt "$PD_SERVER" yiaddr)" 0.0.0.0 "... yiaddr 0"
is "$(sent_opt "$PD_SERVER" 53)" 02 "... an OFFER"

# a boot server request to 4011 from the client's address: 43.71 echoed
dsend "$PD_SERVER" 4011 "$(bootp_header $MAC2 0a0b0c0e "$PD_CLIENT")$COOKIE$(opt 53 03)$(opt_s 60 "$PXE_VCI")$(opt 93 0000)$(opt 97 "$UUID")$(opt 43 470480000000ff)ff"
is "$(replies_from "$PD_SERVER")" 1 "4011 REQUEST with 43.71: one reply"
is "$(sent_opt "$PD_SERVER" 53)" 05 "... an ACK"
like "$(sent_opt "$PD_SERVER" 43)" "470480000000" "... 43.71 echoed"
is "$(sent_opt "$PD_SERVER" file)" undionly.kpxe "... naming the BIOS file"
# offer_from_us DESC WANT_43 WANT_FILE OPTIONS: a broadcast DISCOVER with
# OPTIONS (after 53) gets one offer from us, with option 43 or not (yes,
# no; "-" when either will do: iPXE needs none) and file WANT_FILE
offer_from_us() {
	dsend 255.255.255.255 67 "$HDR$COOKIE$(opt 53 01)$4$(opt 97 "$UUID")ff"
	is "$(replies_from "$PD_SERVER")" 1 "$1: one offer from us"
	case $2 in
	yes)	ok "$1: option 43" sent_opt "$PD_SERVER" 43 ;;
	no)	nok "$1: no option 43" sent_opt "$PD_SERVER" 43 ;;
	esac
	is "$(sent_opt "$PD_SERVER" file)" "$3" "$1: file '$3'"
}
offer_from_us "no 93, Arch 00007 in option 60" no "" \
    "$(opt_s 60 PXEClient:Arch:00007:UNDI:003016)"
offer_from_us "93 lists 7 then 0" no "" "$(opt_s 60 "$PXE_VCI")$(opt 93 00070000)"
offer_from_us "93 lists 0 then 7" yes undionly.kpxe \
    "$(opt_s 60 "$PXE_VCI")$(opt 93 00000007)"
offer_from_us "iPXE by option 77 alone" - boot.ipxe \
    "$(opt_s 60 "$PXE_VCI")$(opt 93 0000)$(opt_s 77 iPXE)"
offer_from_us "iPXE by option 175 alone" - boot.ipxe \
    "$(opt_s 60 "$PXE_VCI")$(opt 93 0000)$(opt 175 130101)"
offer_from_us "iPXE by asking for 175 in option 55" - boot.ipxe \
    "$(opt_s 60 "$PXE_VCI")$(opt 93 0000)$(opt 55 01032b3caf)"

# no option 97 in the request: none in the reply
dsend 255.255.255.255 67 "$HDR$COOKIE$(opt 53 01)$(opt_s 60 "$PXE_VCI")$(opt 93 0000)ff"
is "$(replies_from "$PD_SERVER")" 1 "a DISCOVER without 97: an offer"
nok "... without 97" sent_opt "$PD_SERVER" 97

# a REQUEST on port 67: answered when option 54 names us, else not ours
req67() {		# SERVER-ID
	dsend 255.255.255.255 67 "$(bootp_header $MAC2 0a0b0c11)$COOKIE$(opt 53 03)$(opt 54 "$(ip_hex "$1")")$(opt_s 60 "$PXE_VCI")$(opt 93 0000)$(opt 97 "$UUID")ff"
}
req67 "$PD_SERVER"
is "$(replies_from "$PD_SERVER")" 1 "REQUEST on 67 naming us: one reply"
is "$(sent_opt "$PD_SERVER" 53)" 05 "... an ACK"
is "$(sent_opt "$PD_SERVER" yiaddr)" 0.0.0.0 "... with no address"
req67 "$PD_DHCP"
is "$(replies_from "$PD_SERVER")" 0 "REQUEST on 67 naming dnsmasq: none from us"

# through a relay: giaddr set, the reply goes to giaddr port 67
SEND_ADDR=$PD_CLIENT SEND_PORT=67 dsend "$PD_SERVER" 67 "$(bootp_header $MAC2 0a0b0c10 0.0.0.0 "$PD_CLIENT")$COOKIE$(opt 53 01)$(opt_s 60 "$PXE_VCI")$(opt 93 0000)ff"
is "$(replies_from "$PD_SERVER")" 1 "relayed DISCOVER: the offer comes to giaddr port 67"
is "$(sent_opt "$PD_SERVER" file)" undionly.kpxe "... naming the BIOS file"

# a client that has an address: the offer comes to ciaddr port 68
SEND_ADDR=$PD_CLIENT dsend 255.255.255.255 67 "$(bootp_header $MAC2 0a0b0c12 "$PD_CLIENT")$COOKIE$(opt 53 01)$(opt_s 60 "$PXE_VCI")$(opt 93 0000)ff"
is "$(replies_from "$PD_SERVER")" 1 "DISCOVER with ciaddr: one offer from us"

ok "proxydhcp is still running" bg_alive pd

# the probe's verdict: without a proxy, dnsmasq's offer alone is no success
stop_bg pd
PROBE_SECS=2
probe --arch 0
is "$PROBE_RC" 1 "proxy stopped: the probe exits 1"
is "$(probe_get addr server)" "$PD_DHCP" "... though it printed dnsmasq's offer"
done_testing
