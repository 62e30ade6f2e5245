#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# --table (man/proxydhcp.5): a per-MAC rule wins over the catch-all rules
# after it, `ignore` silences a client, SIGHUP with a broken table names
# FILE:LINE and keeps the old rules answering, SIGHUP with a good table
# puts the new rules in force.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/proxydhcp.sh"

require_root
require_netns
require_cmd perl ss timeout
pd_require

OTHER=52:54:00:0a:00:77
QUIET=52:54:00:0a:00:99
TABLE=$T/nodes.table
chmod 755 "$T"		# the daemon rereads the table as nobody

write_table() {		# LINE...: the new table, written atomically
	printf '%s\n' "$@" >"$TABLE.new" && chmod 644 "$TABLE.new" &&
	    mv "$TABLE.new" "$TABLE"
}

write_table "# per-node rules first" \
    "mac=$PD_MAC file=special.kpxe" \
    "mac=$QUIET ignore" \
    "arch=bios ipxe=no file=undionly.kpxe" \
    "arch=efi-x64 ipxe=no file=snponly.efi" \
    "ipxe=yes script=boot.ipxe"

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
probe_mac "$QUIET"
is "$PROBE_RC" 1 "an ignored client: the probe finds no proxy"
is "$(probe_count all)" 0 "... and no reply at all"

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
write_table "mac=$PD_MAC file=new.kpxe" \
    "arch=bios file=undionly.kpxe"
kill -HUP "$(bg_pid pd)"
ok "SIGHUP, fixed table: the new per-MAC rule answers" \
    wait_for 10 gives "$PD_MAC" new.kpxe
is "$(file_for "$QUIET")" undionly.kpxe "... the dropped ignore rule is gone"
nok "... no error reported for the good table" \
    grep -Eq 'nodes\.table:[12]:' "$T/pd.log"

ok "proxydhcp is still running" bg_alive pd
done_testing
