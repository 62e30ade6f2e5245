#!/bin/sh
# tftpd as a service manager runs it: --check-config lists every problem
# of what the options name (each bad -m line as FILE:LINE) and serves
# nothing; --metrics writes counters promtool accepts, every interval, on
# SIGUSR1 and at exit, chrooted (-s) and in inetd mode too; SIGUSR1 never
# stops it; SIGHUP rereads -m and keeps the running rules on a broken
# file, logging every bad line; SIGTERM and SIGINT exit 0 and remove the
# pid file where its directory lets the daemon's user.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/tftpd.sh"

require_root
require_netns
require_cmd perl ss cmp
tftpd_require
ours || skip_all "--check-config, --metrics and the signals are ours"

R=$T/root
chmod 755 "$T"
mkdir -p "$R" || fatal "mkdir"
printf 'hello\n' >"$R/hello.txt"
head -c 300000 /dev/urandom >"$R/big"
chmod -R a+rX "$R"
CNS=s
LAUNCH="perl $TOOLS/inetd-launch.pl"

# --- --check-config --------------------------------------------------------

cat >"$T/good.rules" <<EOF
# two rules
r ^x$ hello.txt
rg \\\\ /
EOF
# outside any namespace: no socket is opened, so port 69 is never taken
run "$TFTPD" --check-config -m "$T/good.rules" "$R"
is "$RC" 0 "--check-config, good rules: exit 0"
like "$(cat "$T/out")" "good\\.rules: no problems" "and says so"
is "$(cat "$T/err")" "" "nothing on stderr"

cat >"$T/bad.rules" <<EOF
r ^a$ b
q x
# a comment
r (open x
e fine
r ^x$
e a b
GP x
EOF
B=$T/bad.rules
run "$TFTPD" --check-config -m "$B" -u no-such-user-here -P "$T/none/pid" \
	"$T/missing"
is "$RC" 1 "--check-config, broken rules and more: exit 1"
like "$(cat "$T/err")" "^$T/missing: No such file" "the missing directory"
like "$(cat "$T/err")" "-u no-such-user-here: no such user" "the missing user"
like "$(cat "$T/err")" "^$B:2: unknown flag 'q'\$" "line 2: the unknown flag"
like "$(cat "$T/err")" "^$B:4: bad regular expression: " "line 4: the bad regex"
like "$(cat "$T/err")" "^$B:6: flag 'r' needs a replacement\$" \
	"line 6: no replacement"
like "$(cat "$T/err")" "^$B:7: replacement without flag 'r'\$" \
	"line 7: a replacement without r"
like "$(cat "$T/err")" "^$B:8: flags 'G' and 'P' together" "line 8: G with P"
like "$(cat "$T/err")" "^-P $T/none/pid: its directory: No such file" \
	"the pid file's missing directory"
is "$(grep -c "^$B:" "$T/err")" 5 "five bad lines, every one listed"
is "$(wc -l <"$T/err" | tr -d ' ')" 8 "eight problems in all"
is "$(cat "$T/out")" "" "nothing on stdout"

run "$TFTPD" --check-config "$R/hello.txt"
is "$RC" 1 "--check-config, a file for the directory: exit 1"
like "$(cat "$T/err")" "hello\\.txt: Not a directory" "and says so"
run "$TFTPD" --check-config -m "$T/no.rules" "$R"
is "$RC" 1 "--check-config, a missing rules file: exit 1"
like "$(cat "$T/err")" "^$T/no\\.rules: No such file" "naming it"
run "$TFTPD" --check-config -B 7 "$R"
is "$RC" 2 "--check-config -B 7: a usage error, as without it"
run "$TFTPD" --check-config --metrics "$T/none/m.prom" "$R"
is "$RC" 1 "--check-config, --metrics in a missing directory: exit 1"
like "$(cat "$T/err")" "^--metrics $T/none/m\.prom: its directory: " "naming it"
run "$TFTPD" --metrics-interval 0 "$R"
is "$RC" 2 "--metrics-interval 0: usage error"

tftpd_netns s || fatal "cannot set up the namespace"

# --- --metrics ----------------------------------------------------------------

# metric FILE NAME [LABELS]: the value of one sample ("" when absent)
metric() {
	sed -n "s/^$2$3 \([0-9]*\)\$/\1/p" "$1"
}
RRQ_OK='{op="RRQ",result="ok"}'

mkdir -p "$T/metrics"
# replaced by a temporary and a rename as nobody: the directory is nobody's
chown nobody "$T/metrics"

# check_metrics NAME FILE PORT WHAT: a fetch, SIGUSR1, the file shows it
# (with the default interval of 60 s, only SIGUSR1 can have written it)
check_metrics() {
	_cm_pid=$(bg_pid "$1")
	ok "$4: the file is there once serving" wait_for 10 test -s "$2"
	ok "$4: a fetch with tftp-hpa" tftp_ok s "$3" big "$R/big"
	kill -s USR1 "$_cm_pid"
	ok "$4: SIGUSR1 logs the counters" \
		wait_log "$1" 'counters: [0-9]+ requests, [0-9]+ refused, [1-9]'
	# the line is logged first, then the file written
	ok "$4: SIGUSR1: the file shows the transfer" wait_for 10 sh -c \
		"grep -q '^tftpd_transfers_total$RRQ_OK [1-9]' '$2'"
	ok "$4: ... and its bytes" \
		test "$(metric "$2" tftpd_sent_bytes_total)" -ge 300000
	promtool_ok "$2" "$4"
	ok "$4: it still serves after SIGUSR1" tftp_ok s "$3" hello.txt \
		"$R/hello.txt"
	is "$(stat -c %U "$2")" nobody "$4: written as nobody"
}

M=$T/metrics/tftpd.prom
tftpd_start A s 127.0.0.1:69 --metrics "$M" --metrics-interval 1 "$R" ||
	fatal "tftpd --metrics does not start"
check_metrics A "$M" 69 "plain"
run hpa -m binary 127.0.0.1 -c get missing "$T/got"
# without a signal, a later interval's write shows the refusal
ok "the file is replaced every interval" wait_for 10 sh -c \
	"grep -q '^tftpd_errors_total{code=\"1\"} [1-9]' '$M'"
is "$(metric "$M" tftpd_refused_total '{op="RRQ"}')" 1 "the refusal is counted"
is "$(metric "$M" tftpd_requests_total '{op="RRQ"}')" 3 "three read requests"
is "$(metric "$M" tftpd_active_transfers)" 0 "no transfer running"
nok "no system call was refused" grep -q 'sandbox:' "$T/A.log"
stop_bg A
is "$BG_STATUS" 0 "SIGTERM: exit status 0"

# -s: chrooted into the root, the file outside it is still replaced
MS=$T/metrics/chroot.prom
tftpd_start C s 127.0.0.1:1069 -s --metrics "$MS" "$R" ||
	fatal "tftpd -s --metrics does not start"
check_metrics C "$MS" 1069 "-s (chroot)"
nok "-s: no system call was refused" grep -q 'sandbox:' "$T/C.log"
stop_bg C
is "$BG_STATUS" 0 "-s: SIGTERM: exit status 0"
is "$(metric "$MS" tftpd_transfers_total "$RRQ_OK")" 2 \
	"-s: the file written at exit holds both transfers"

# inetd: the file is written at exit, when idle
MI=$T/metrics/inetd.prom
start_bg inetd1 in_ns s $LAUNCH 127.0.0.1 2069 \
	"$TFTPD" -t 1 -s --metrics "$MI" "$R" || fatal "launcher"
wait_udp_port s 2069 || fatal "the launcher does not listen"
ok "inetd: a fetch" tftp_ok s 2069 big "$R/big"
ok "inetd: it exits once idle" wait_for 15 sh -c "! kill -0 $(bg_pid inetd1) 2>/dev/null"
stop_bg inetd1
ok "inetd: the file written at exit shows the transfer" \
	test "$(metric "$MI" tftpd_transfers_total "$RRQ_OK")" -ge 1
promtool_ok "$MI" "inetd"

# --- SIGHUP -----------------------------------------------------------------------

printf 'r ^x$ hello.txt\n' >"$T/live.rules"
tftpd_start H s 127.0.0.1:3069 -m "$T/live.rules" "$R" ||
	fatal "tftpd -m does not start"
ok "the rules are in force" tftp_ok s 3069 x "$R/hello.txt"
printf 'r ^x$ big\n' >"$T/live.rules"
kill -s HUP "$(bg_pid H)"
ok "SIGHUP: the new rules are used" wait_for 5 tftp_ok s 3069 x "$R/big"
L=$T/live.rules
printf 'r ^x$ hello.txt\nq x\nr ^y$\n' >"$L"
kill -s HUP "$(bg_pid H)"
ok "SIGHUP, a broken file: every bad line logged as FILE:LINE" \
	wait_log H "$L:3: flag 'r' needs a replacement"
like "$(cat "$T/H.log")" "$L:2: unknown flag 'q'" "... line 2 too"
ok "... and the rules in force stay" tftp_ok s 3069 x "$R/big"
ok "... in a server still running" bg_alive H
nok "SIGHUP: no system call was refused" grep -q 'sandbox:' "$T/H.log"
stop_bg H

# --- SIGTERM and SIGINT: exit 0, the pid file removed where it can be --------

mkdir -p "$T/run"
chown nobody "$T/run"
tftpd_start F s 127.0.0.1:69 -P "$T/run/f.pid" "$R" || fatal "tftpd -P does not start"
is "$(cat "$T/run/f.pid" 2>&1)" "$(bg_pid F)" "the pid file names the process"
kill -s INT "$(bg_pid F)"
ok "SIGINT stops it" wait_for 10 sh -c "! test -d /proc/$(bg_pid F)"
stop_bg F
is "$BG_STATUS" 0 "SIGINT: exit status 0"
ok "SIGINT: the pid file is gone" test ! -e "$T/run/f.pid"

tftpd_start G s 127.0.0.1:69 -P "$T/run/g.pid" "$R" || fatal "tftpd -P does not start"
stop_bg G
is "$BG_STATUS" 0 "SIGTERM: exit status 0"
ok "SIGTERM: the pid file is gone" test ! -e "$T/run/g.pid"

# a directory the user it became cannot write: the file stays, said at debug
tftpd_start K s 127.0.0.1:69 -v -P "$T/k.pid" "$R" || fatal "tftpd -P does not start"
stop_bg K
is "$BG_STATUS" 0 "a pid file it cannot remove: still exit status 0"
like "$(cat "$T/K.log")" "k\.pid: not removed: its directory is not ours to write" \
	"and it says why"
nok "no system call was refused" grep -q 'sandbox:' "$T/F.log" "$T/G.log" "$T/K.log"

done_testing
