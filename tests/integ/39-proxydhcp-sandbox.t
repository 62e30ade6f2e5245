#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Least privilege: started as root with default options, proxydhcp serves
# as nobody with no capabilities and under its seccomp filter (Seccomp 2),
# both binding port 67 and with --no-bind (libpcap and libnet, opened
# before the drop).  Under the filter it answers a probe, rereads its
# table on SIGHUP, answers from the new table, and exits 0 on SIGTERM.
# --no-sandbox leaves the filter out.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/proxydhcp.sh"

pd_require

TABLE=$T/nodes.table
chmod 755 "$T"		# the daemon rereads the table as nobody

status_field() {	# PID FIELD: the first value of FIELD in /proc/PID/status
	awk -v f="$2:" '$1 == f { print $2; exit }' "/proc/$1/status"
}

sandboxed() {		# PID
	[ "$(status_field "$1" Seccomp)" = 2 ]
}

# no uid of the four (real, effective, saved, filesystem) is root
no_root_uid() {		# PID
	awk '$1 == "Uid:" { for (i = 2; i <= 5; i++) if ($i == 0) exit 1 }' \
	    "/proc/$1/status"
}

gives() {		# WANT: the proxy offer to $PD_MAC names WANT
	probe --arch 0
	[ "$(probe_get proxy file)" = "$1" ]
}

# check_mode NAME [ARG...]: one daemon, from start to SIGTERM
check_mode() {
	_cm_name=$1
	shift
	write_table "mac=$PD_MAC file=first.kpxe" "arch=bios file=undionly.kpxe"
	pd_start "$_cm_name" boot b0 --table "$TABLE" "$@" ||
		fatal "proxydhcp $* does not start"
	_cm_pid=$(bg_pid "$_cm_name")
	_cm_what=${1:-default options}
	ok "$_cm_what: Seccomp 2 once serving" wait_for 10 sandboxed "$_cm_pid"
	ok "$_cm_what: no uid is 0" no_root_uid "$_cm_pid"
	is "$(status_field "$_cm_pid" Uid)" "$(id -u nobody)" \
	    "$_cm_what: runs as nobody"
	is "$(status_field "$_cm_pid" CapEff)" 0000000000000000 \
	    "$_cm_what: CapEff 0"
	# pcap may start capturing a moment after 4011 listens: retry a while
	ok "$_cm_what: a probe is answered from the table" \
	    wait_for 15 gives first.kpxe || probe_show
	write_table "mac=$PD_MAC file=second.kpxe" "arch=bios file=undionly.kpxe"
	kill -HUP "$_cm_pid"
	ok "$_cm_what: SIGHUP, the new table answers" \
	    wait_for 10 gives second.kpxe || probe_show
	ok "$_cm_what: ... still running" bg_alive "$_cm_name"
	ok "$_cm_what: ... still under the filter" sandboxed "$_cm_pid"
	nok "$_cm_what: no call refused by the sandbox" \
	    grep -q 'sandbox:' "$T/$_cm_name.log"
	ok "$_cm_what: SIGTERM stops it" stop_bg "$_cm_name"
	is "$BG_STATUS" 0 "$_cm_what: ... with status 0"
}

pd_topology || fatal "cannot set up the namespaces"
check_mode pd
check_mode nobind --no-bind

pd_start free boot b0 --no-sandbox --bios-file undionly.kpxe ||
	fatal "proxydhcp --no-sandbox does not start"
FREE=$(bg_pid free)
ok "--no-sandbox: it serves" wait_for 15 gives undionly.kpxe
is "$(status_field "$FREE" Seccomp)" 0 "--no-sandbox: no filter"
is "$(status_field "$FREE" Uid)" "$(id -u nobody)" \
    "--no-sandbox: still runs as nobody"
done_testing
