#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# --xcat-cfg: xCAT's proxydhcp.cfg (records of a 50-byte node name and a
# 150-byte path, NUL padded).  The node is the client's address resolved
# to a name: the daemon alone sees a private /etc/hosts (a bind mount in a
# mount namespace of its own) that names the probe's address.  BIOS gets
# <path>Boot/pxeboot.0, UEFI <path>Boot/bootmgfw.efi, both option 252
# <path>Boot/BCD, in the 4011 ACK; SIGUSR1 rereads the file, a broken one
# is refused and the old records stay.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/proxydhcp.sh"

pd_require unshare mount

chmod 755 "$T"		# the daemon rereads the file as nobody
CFG=$T/proxydhcp.cfg

# write_cfg NAME PATH [NAME PATH]...: the records, written atomically;
# write_cfg_raw PERL-EXPR: bytes of anything.
write_cfg_raw() {
	perl -e "print $1" >"$CFG.new" && chmod 644 "$CFG.new" &&
	    mv "$CFG.new" "$CFG"
}
write_cfg() {
	_wc=
	while [ $# -ge 2 ]; do
		_wc="$_wc pack('a50 a150', '$1', '$2'),"
		shift 2
	done
	write_cfg_raw "$_wc ''"
}

printf '127.0.0.1 localhost\n%s node50.lab.test node50\n%s boot\n' \
    "$PD_CLIENT" "$PD_SERVER" >"$T/hosts"
chmod 644 "$T/hosts"
write_cfg other winboot/other/ node50 xcat/node50/

# pd_private_hosts ARG...: proxydhcp "pd" on boot:b0 with ARG..., in a
# mount namespace of its own where $T/hosts is /etc/hosts
pd_private_hosts() {
	start_bg pd unshare -m sh -c \
	    'mount --bind "$0" /etc/hosts && exec "$@"' "$T/hosts" \
	    ip netns exec "$(ns_name boot)" "$PROXYDHCP" -f -v -i b0 "$@" &&
	wait_udp_port boot 4011
}

pd_topology || fatal "cannot set up the namespaces"
pd_private_hosts --xcat-cfg "$CFG" --bios-file undionly.kpxe \
    --efi-file snponly.efi || fatal "cannot start proxydhcp"
pass "proxydhcp starts with the xCAT file"
ok "our private hosts file stays private" \
    sh -c "! grep -q node50 /etc/hosts"
PROBE_SECS=1


probe --arch 0 --request
ok "BIOS: exit 0" [ "$PROBE_RC" -eq 0 ] || probe_show
is "$(probe_get proxy file)" "" "BIOS: the offer (no address yet) names no file"
nok "BIOS: ... and carries no option 43" probe_has proxy option_43
is "$(probe_get ack file)" xcat/node50/Boot/pxeboot.0 "BIOS: the ACK gives pxeboot.0"
is "$(probe_text ack option_252)" xcat/node50/Boot/BCD \
    "BIOS: option 252 is the BCD path"
is "$(probe_get ack siaddr)" "$PD_SERVER" "BIOS: with siaddr"

probe --arch 7 --request
ok "UEFI: exit 0" [ "$PROBE_RC" -eq 0 ] || probe_show
is "$(probe_get ack file)" xcat/node50/Boot/bootmgfw.efi "UEFI: the ACK gives bootmgfw.efi"
is "$(probe_text ack option_252)" xcat/node50/Boot/BCD \
    "UEFI: option 252 is the BCD path"

ack_file() {		# WANT: a BIOS probe's ACK names WANT
	probe --arch 0 --request
	[ "$(probe_get ack file)" = "$1" ]
}

write_cfg node50 winpe/node50/
kill -USR1 "$(bg_pid pd)"
ok "SIGUSR1: the new path is used" wait_for 10 ack_file winpe/node50/Boot/pxeboot.0

# a partial record (250 bytes): refused, naming the offset; the old stay
write_cfg_raw "pack('a50 a150', 'node50', 'broken/'), 'x' x 50"
kill -USR1 "$(bg_pid pd)"
ok "SIGUSR1, partial record: the daemon says so" wait_log pd 'proxydhcp\.cfg.*200'
ok "... it still runs" bg_alive pd
ok "... and the old records still answer" ack_file winpe/node50/Boot/pxeboot.0

write_cfg other winboot/other/
kill -USR1 "$(bg_pid pd)"
ok "SIGUSR1, node gone: the command line file is given" \
    wait_for 10 ack_file undionly.kpxe
nok "... without option 252" probe_has ack option_252
ok "proxydhcp is still running" bg_alive pd
stop_bg pd

# with a table too: its rule for the host wins, what it leaves out (the
# BCD path) comes from the xCAT record; a client it does not match gets
# the record alone
write_cfg node50 xcat/node50/
printf 'host=node50 arch=efi-x64 file=table/uefi.efi\n' >"$T/nodes.table"
chmod 644 "$T/nodes.table"
pd_private_hosts --table "$T/nodes.table" --xcat-cfg "$CFG" \
    --bios-file undionly.kpxe || fatal "cannot start proxydhcp"
probe --arch 7 --request
is "$(probe_get ack file)" table/uefi.efi "table and xCAT: the table's host rule wins"
is "$(probe_text ack option_252)" xcat/node50/Boot/BCD \
    "... the BCD path still comes from the record"
probe --arch 0 --request
is "$(probe_get ack file)" xcat/node50/Boot/pxeboot.0 \
    "... a BIOS client (not matched by the rule) gets the record's file"
done_testing
