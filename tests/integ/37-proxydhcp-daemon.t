#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The daemon as a service runs it: usage errors exit 2 before anything is
# opened; without -f it detaches, writes -P, serves as nobody after
# opening its sockets, answers through --reply-delay, and exits on
# SIGTERM.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/proxydhcp.sh"

pd_require

# --- usage errors -----------------------------------------------------------------
usage_error() {		# DESC ARG...
	_ue_desc=$1
	shift
	run timeout 10 "$PROXYDHCP" "$@"
	is "$RC" 2 "$_ue_desc: exit 2"
}
usage_error "no interface" --bios-file x.kpxe -f
usage_error "--reply-delay 10001" -i lo --reply-delay 10001 -f
usage_error "--reply-delay -1" -i lo --reply-delay -1 -f
usage_error "--reply-delay not a number" -i lo --reply-delay 5ms -f
usage_error "--probe --timeout 0" -i lo --probe --timeout 0
usage_error "--probe --timeout 61" -i lo --probe --timeout 61
usage_error "--probe --mac not a MAC" -i lo --probe --mac 52:54:zz:00:00:01
usage_error "--tftp-server not an address" -i lo --tftp-server 198.18.1 -f
usage_error "a stray argument" -i lo -f extra

pd_topology || fatal "cannot set up the namespaces"
run in_ns boot timeout 10 "$PROXYDHCP" -f -i b0 --table "$T/missing.table"
is "$RC" 1 "a missing --table file: exit 1"
like "$(cat "$T/err")" 'missing\.table' "... naming the file"

# --- daemon mode --------------------------------------------------------------
chmod 755 "$T"
ok "without -f: returns at once, status 0" \
    in_ns boot timeout 10 "$PROXYDHCP" -i b0 -P "$T/pd.pid" \
    --bios-file undionly.kpxe --reply-delay 300 --tftp-server 198.18.10.7 \
    --ipxe-script http://198.18.10.7/boot.ipxe
ok "the pidfile appears" wait_for 5 test -s "$T/pd.pid"
PID=$(cat "$T/pd.pid")
track_pid pd "$PID"
ok "the daemon runs as nobody" \
    grep -Eq "^Uid:[[:space:]]+$(id -u nobody)[[:space:]]" "/proc/$PID/status"
ok "it is in a session of its own" \
    sh -c "[ \"\$(ps -o sid= -p $PID | tr -d ' ')\" = $PID ]"
listens() {
	wait_udp_port boot 67 && wait_udp_port boot 4011
}
ok "it listens on 67 and 4011" listens

PROBE_SECS=3
probe --arch 0
ok "a probe through --reply-delay 300 is answered" [ "$PROBE_RC" -eq 0 ] ||
	probe_show
is "$(probe_get proxy file)" undionly.kpxe "... with the BIOS file"
is "$(probe_get proxy siaddr)" 198.18.10.7 "... siaddr from --tftp-server"
is "$(probe_get proxy server)" "$PD_SERVER" "... option 54 still our address"
probe --arch 0 --ipxe
is "$(probe_get proxy file)" http://198.18.10.7/boot.ipxe "iPXE gets the script URL"

pd_gone() {
	! bg_alive pd
}
kill -TERM "$PID"
ok "SIGTERM: the daemon exits" wait_for 5 pd_gone
done_testing
