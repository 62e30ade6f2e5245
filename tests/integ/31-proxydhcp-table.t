#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# --table (man/proxydhcp.5): a per-MAC rule wins over the catch-all rules
# after it, `ignore` silences a client, SIGHUP with a broken table names
# FILE:LINE and keeps the old rules answering, SIGHUP with a good table
# puts the new rules in force.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/proxydhcp.sh"

pd_require

OTHER=52:54:00:0a:00:77
QUIET=52:54:00:0a:00:99
MENU=52:54:00:0a:00:55
WIN=52:54:00:0a:00:66
TABLE=$T/nodes.table
chmod 755 "$T"		# the daemon rereads the table as nobody

write_table "# per-node rules first" \
    "mac=$PD_MAC file=special.kpxe" \
    "mac=$QUIET ignore" \
    "mac=$WIN file=winpe/pxeboot.n12 bcd=\"\\\\Boot\\\\BCD\" tftp-server=198.18.10.9" \
    "mac=$MENU arch=bios ipxe=no prompt=\"5,Press F8\" menu=\"1,undionly.kpxe,iPXE\" menu=\"2,memtest.0,Memory test\"" \
    "arch=bios ipxe=no file=undionly.kpxe" \
    "arch=efi-x64 ipxe=no file=snponly.efi" \
    "ipxe=yes script=boot.ipxe" \
    "ip=$PD_NET.48/29 arch=efi-ia32 file=lab-ia32.efi"

pd_topology || fatal "cannot set up the namespaces"
pd_start pd boot b0 --table "$TABLE" || fatal "proxydhcp does not start"
pass "proxydhcp starts with the table"
PROBE_SECS=1

file_for() {		# MAC [PROBE ARG...]: the file of the proxy offer
	probe_mac "$@"
	probe_get proxy file
}

# the file the table gives MAC is WANT (for wait_for)
gives() {		# MAC WANT
	[ "$(file_for "$1")" = "$2" ]
}

is "$(file_for "$PD_MAC")" special.kpxe "the per-MAC rule wins"
is "$(file_for "$OTHER")" undionly.kpxe "another BIOS client gets the arch rule"
is "$(file_for "$OTHER" --ipxe)" boot.ipxe "an iPXE client gets the script"
probe_mac "$OTHER" --arch 7 --request
is "$(probe_get ack file)" snponly.efi "a UEFI client gets its file in the ACK"
probe_mac "$OTHER" --arch 6 --request
is "$(probe_get proxy file)" "" "only an ip= rule fits: the offer (no address yet) names no file"
is "$(probe_get ack file)" lab-ia32.efi "... the 4011 ACK, from $PD_CLIENT, the rule's file"
probe_mac "$WIN"
is "$(probe_get proxy file)" winpe/pxeboot.n12 "a Windows rule: its file"
is "$(probe_text proxy option_252)" '\Boot\BCD' "... option 252, backslashes kept"
is "$(probe_get proxy siaddr)" 198.18.10.9 "... its TFTP server in siaddr"
probe_mac "$QUIET"
is "$PROBE_RC" 1 "an ignored client: the probe finds no proxy"
is "$(probe_count all)" 0 "... and no reply at all"

# subopts HEX: the sub-option codes of an option 43 value, in order
subopts() {
	printf '%s' "$1" | perl -ne 'my $b = pack("H*", $_); my @c;
		for (my $i = 0; $i < length($b);) {
			my $c = ord(substr($b, $i, 1)); push @c, $c;
			last if $c == 255; if ($c == 0) { $i++; next }
			$i += 2 + ord(substr($b, $i + 1, 1)) }
		print "@c\n"'
}
probe_mac "$MENU"
o43=$(probe_get proxy option_43)
is "$(subopts "$o43")" "6 8 9 10 255" "a menu rule: 43 holds 6, 8, 9, 10"
like "$o43" "$(hex 'Memory test')" "... with the entries' text"
like "$o43" "$(hex 'Press F8')" "... and the prompt"
# the client picks entry 2: a boot server request with 43.71 type 2
SEND_PORT=68 dsend "$PD_SERVER" 4011 "$(bootp_header "$MENU" 0b0b0b0b "$PD_CLIENT")$COOKIE$(opt 53 03)$(opt_s 60 "$PXE_VCI")$(opt 93 0000)$(opt 43 470400020000ff)ff"
is "$(sent_opt "$PD_SERVER" file)" memtest.0 "... entry 2 asked on 4011: its file"
like "$(sent_opt "$PD_SERVER" 43)" 470400020000 "... 43.71 echoed"

# a menu that does not fit in option 43: refused at load, naming its line
long=$(printf '%060d' 0 | tr 0 m)
write_table "mac=$PD_MAC file=other.kpxe" \
    "mac=$MENU menu=\"1,a.0,$long\" menu=\"2,b.0,$long\" menu=\"3,c.0,$long\" menu=\"4,d.0,$long\" menu=\"5,e.0,$long\""
kill -HUP "$(bg_pid pd)"
ok "SIGHUP, a menu over 255 bytes: the log names FILE:LINE" \
    wait_log pd "nodes\\.table:2"
is "$(file_for "$PD_MAC")" special.kpxe "... the old rules still answer"

# a table broken on its line 3: the old rules stay
write_table "mac=$PD_MAC file=broken.kpxe" \
    "arch=bios file=undionly.kpxe" \
    "mac=zz:zz file=x.kpxe"
kill -HUP "$(bg_pid pd)"
ok "SIGHUP, broken table: the log names FILE:LINE" \
    wait_log pd "nodes\\.table:3"
ok "... the daemon is still running" bg_alive pd
is "$(file_for "$PD_MAC")" special.kpxe "... the old per-MAC rule still answers"
probe_mac "$QUIET"
is "$(probe_count all)" 0 "... the old ignore rule too"

# a good table
good_from=$(wc -l <"$T/pd.log")
write_table "mac=$PD_MAC file=new.kpxe" \
    "arch=bios file=undionly.kpxe"
kill -HUP "$(bg_pid pd)"
ok "SIGHUP, fixed table: the new per-MAC rule answers" \
    wait_for 10 gives "$PD_MAC" new.kpxe
is "$(file_for "$QUIET")" undionly.kpxe "... the dropped ignore rule is gone"
reported_since() {	# LINE: an error about the table after line LINE
	tail -n "+$(($1 + 1))" "$T/pd.log" | grep -Eq 'nodes\.table:[0-9]+:'
}
nok "... no error reported for the good table" reported_since "$good_from"

ok "proxydhcp is still running" bg_alive pd
done_testing
