#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# aoetarget as a service manager runs it: the vblade form stays in the
# foreground (as vblade does) and becomes a daemon only with -D;
# --check-config lists every problem of a -c file (or of the command line)
# with its line, and serves nothing; --metrics writes counters promtool
# accepts, on SIGUSR1 and every interval; SIGTERM and SIGINT exit 0 and
# remove the pid file when its directory lets the daemon's user.

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

# --- --check-config ---
aoe_mkdisk "$T/d2.img" 64
cat >"$T/good.conf" <<EOF
# two targets
5 1 at0 $DISK
5 2 nosuchif0 $T/d2.img -r
EOF
# outside the namespaces: no interface is looked at, no socket opened
run "$AOETARGET" --check-config -c "$T/good.conf"
is "$RC" 0 "--check-config, a good file: exit 0"
like "$(cat "$T/out")" "good\\.conf: 2 targets, no problems" "and says so"
is "$(cat "$T/err")" "" "nothing on stderr"

cat >"$T/bad.conf" <<EOF
5 1 at0 $DISK
5 x at0 $DISK
5 2 at0 $DISK -b 0
5 1 at0 $T/d2.img
5 3 at0 $T/missing.img
5 4 at0 $DISK -o 1000
5 5 at0 $DISK --no-such
EOF
run "$AOETARGET" --check-config -c "$T/bad.conf"
is "$RC" 1 "--check-config, a broken file: exit 1"
B=$T/bad.conf
like "$(sed -n 1p "$T/err")" "^$B:2: slot 'x': " "line 2: the bad slot"
like "$(sed -n 2p "$T/err")" "^$B:3: -b '0': " "line 3: the bad buffer count"
like "$(sed -n 3p "$T/err")" "^$B:4: e5\\.1 on at0: already given on line 1\$" \
	"line 4: the same shelf.slot twice on one interface"
like "$(sed -n 4p "$T/err")" "^$B:7: --no-such: " "line 7: the unknown option"
like "$(sed -n 5p "$T/err")" "^$B:5: $T/missing\\.img: open: No such file" \
	"line 5: the backing file that cannot be opened"
like "$(sed -n 6p "$T/err")" "^$B:6: $DISK: offset past the end" \
	"line 6: the backing file too small for its -o"
is "$(wc -l <"$T/err" | tr -d ' ')" 6 "six problems, every one listed"
is "$(cat "$T/out")" "" "nothing on stdout"

run "$AOETARGET" --check-config 5 1 at0 "$DISK"
is "$RC" 0 "--check-config, the vblade form: exit 0"
run "$AOETARGET" --check-config 5 1 at0 "$T/missing.img"
is "$RC" 1 "--check-config, the vblade form, no such file: exit 1"
like "$(cat "$T/err")" "^$T/missing\\.img: open: No such file" "naming the file"
run "$AOETARGET" --check-config --metrics "$T/nowhere/a.prom" 5 1 at0 "$DISK"
is "$RC" 1 "--check-config, --metrics in a missing directory: exit 1"
like "$(cat "$T/err")" "--metrics $T/nowhere/a\\.prom: its directory: No such file" \
	"naming the metrics file"
run "$AOETARGET" --check-config 70000 1 at0 "$DISK"
is "$RC" 1 "--check-config, the vblade form, a bad shelf: exit 1"
like "$(cat "$T/err")" "shelf '70000': " "naming the argument"

# --- --metrics: SIGUSR1 writes the file, and it keeps serving ---
M=$T/metrics/aoetarget.prom
mkdir -p "$T/metrics"
# replaced by a temporary and a rename as nobody: the directory is nobody's
chown nobody "$T/metrics"
aoe_start E --metrics "$M" --metrics-interval 1 5 1 "$AOE_TIF" "$DISK" ||
	fatal "aoetarget --metrics does not start"
PID=$(bg_pid E)
ok "the file is there once serving" wait_for 10 test -s "$M"
run aoe -t 5.1 read 0 8
is "$RC" 0 "an ATA read"
aoe_mkdisk "$T/w" 4
aoe -t 5.1 write 200 <"$T/w" >/dev/null 2>"$T/err"
is "$?" 0 "an ATA write"
run aoe -t 5.1 read 5000 1
kill -s USR1 "$PID"
wait_log E 'reads [1-9]'
# metric VALUE of target e5.1 (labels in the order written)
metric() {
	sed -n "s/^$1{target=\"e5\\.1\",iface=\"$AOE_TIF\"$2} \\([0-9]*\\)\$/\\1/p" "$M"
}
# metric_ge NAME N: the file shows NAME at N or more (the log line comes
# first, the file's rename just after it)
metric_ge() {
	[ "$(metric "$1")" -ge "$2" ] 2>/dev/null
}
ok "SIGUSR1: the file shows the reads" wait_for 10 metric_ge aoetarget_reads_total 1
ok "and the writes" test "$(metric aoetarget_writes_total)" -ge 1
ok "and the bytes written" test "$(metric aoetarget_written_bytes_total)" -ge 2048
ok "and the read past the end by its code" \
	test "$(metric aoetarget_errors_total ',code="ata_out_of_range"')" -ge 1
promtool_ok "$M" "after a read and a write"
FRAMES=$(metric aoetarget_frames_total)
ok "the target still serves after SIGUSR1" aoe -t 5.1 read 0 1
# without a signal, a later interval's write shows that read
ok "the file is replaced every interval" wait_for 10 sh -c \
	"test \"\$(sed -n 's/^aoetarget_frames_total{.*} //p' '$M')\" -gt $FRAMES"
is "$(stat -c %U "$M")" nobody "written as nobody"
ok "no system call was refused" sh -c "! grep -q 'sandbox:' '$T/E.log'"
stop_bg E
is "$BG_STATUS" 0 "SIGTERM: exit status 0"

# --- SIGTERM and SIGINT: exit 0, the pid file removed where it can be ---
mkdir -p "$T/run"
chown nobody "$T/run"
aoe_start F -P "$T/run/f.pid" 5 1 "$AOE_TIF" "$DISK" || fatal "aoetarget -P does not start"
is "$(cat "$T/run/f.pid" 2>&1)" "$(bg_pid F)" "the pid file names the process"
kill -s INT "$(bg_pid F)"
ok "SIGINT stops it" wait_for 10 sh -c "! test -d /proc/$(bg_pid F)"
stop_bg F
is "$BG_STATUS" 0 "SIGINT: exit status 0"
ok "SIGINT: the pid file is gone" test ! -e "$T/run/f.pid"

aoe_start G -P "$T/run/g.pid" 5 1 "$AOE_TIF" "$DISK" || fatal "aoetarget -P does not start"
stop_bg G
is "$BG_STATUS" 0 "SIGTERM: exit status 0"
ok "SIGTERM: the pid file is gone" test ! -e "$T/run/g.pid"

# a directory the user it became cannot write: the file stays, said at debug
aoe_start H -v -P "$T/h.pid" 5 1 "$AOE_TIF" "$DISK" || fatal "aoetarget -P does not start"
stop_bg H
is "$BG_STATUS" 0 "a pid file it cannot remove: still exit status 0"
like "$(cat "$T/H.log")" "h\\.pid: not removed: its directory is not ours to write" \
	"and it says why"
nok "no system call was refused" grep -q 'sandbox:' "$T/F.log" "$T/G.log" "$T/H.log"

run "$AOETARGET" --metrics-interval 0 5 1 at0 "$DISK"
is "$RC" 2 "--metrics-interval 0: usage error"

done_testing
