#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# aoetarget as a service manager runs it: the vblade form stays in the
# foreground (as vblade does) and becomes a daemon only with -D.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/aoe.sh"

aoe_require

aoe_disk_net 256

# --- the vblade form stays in the foreground without -f ---
aoe_start A 5 1 "$AOE_TIF" "$DISK" || fatal "aoetarget e5.1 does not answer"
PID=$(bg_pid A)
is "$(cat "/proc/$PID/comm" 2>&1)" aoetarget \
	"without -f the process started is the one serving"
like "$(cat "$T/A.log")" "^aoetarget: e5\\.1 on $AOE_TIF: " \
	"and it logs to standard error"
stop_bg A
is "$BG_STATUS" 0 "SIGTERM: exit status 0"

run in_ns t "$AOETARGET" -D -f --state-dir "$T/state" 5 1 "$AOE_TIF" "$DISK"
is "$RC" 2 "-D with -f: usage error"

# --- -D: the command returns once set up, the daemon serves ---
run in_ns t $AOE_BOUND "$AOETARGET" -D -P "$T/d.pid" --state-dir "$T/state" \
	5 1 "$AOE_TIF" "$DISK"
is "$RC" 0 "-D: the command returns 0"
# the parent returns right after the fork; the child writes the pid file
wait_for 10 test -s "$T/d.pid"
DPID=$(cat "$T/d.pid" 2>/dev/null)
[ -n "$DPID" ] && track_pid D "$DPID"
ok "-D: the pid file names a running aoetarget" \
	test "$(cat "/proc/$DPID/comm" 2>/dev/null)" = aoetarget
ok "-D: the daemon serves" wait_for 10 aoe -t 5.1 --timeout 200 config read
stop_bg D

done_testing
