#!/bin/sh
# Daemon mode: -l detaches, writes -P, serves as the -u user, rereads -m on
# SIGHUP (a broken file leaves the old rules in force) and exits on SIGTERM.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/tftpd.sh"

require_root
require_netns
require_cmd perl ss cmp
tftpd_require
ours || skip_all "daemon checks are for our tftpd"

R=$T/root
chmod 755 "$T"
mkdir -p "$R/new" || fatal "mkdir"
printf 'old\n' >"$R/old.txt"
printf 'new\n' >"$R/new/old.txt"
chmod -R a+rX "$R"
printf 'r ^x$ old.txt\n' >"$T/rules"

tftpd_netns s || fatal "cannot set up the namespace"

ok "-l returns at once, status 0" \
	in_ns s "$TFTPD" -l -a 127.0.0.1:69 -P "$T/pid" -m "$T/rules" "$R"
ok "the pidfile is there when -l returns" test -s "$T/pid"
PID=$(cat "$T/pid")
track_pid daemon "$PID"
ok "the daemon runs as nobody" \
	sh -c "grep -q '^Uid:[[:space:]]*$(id -u nobody)[[:space:]]' /proc/$PID/status"
ok "it is in a session of its own" \
	sh -c "[ \"\$(ps -o sid= -p $PID | tr -d ' ')\" = $PID ]"
wait_udp_port s 69 || fatal "the daemon does not listen"
run in_ns s "$TFTPD" -l -a 127.0.0.1:6969 -P "$T/no-such-dir/pid" "$R"
is "$RC" 1 "-l with a pid file it cannot write: the starting process exits 1"
ok "... and says to look in the system log" grep -q 'system log' "$T/err"
ok "get through the daemon, remapped name" tftp_ok s 69 x "$R/old.txt"

printf 'r ^x$ new/old.txt\n' >"$T/rules"
kill -HUP "$PID"
ok "SIGHUP: the new rules are used" wait_for 5 tftp_ok s 69 x "$R/new/old.txt"
printf 'q ^x$ old.txt\n' >"$T/rules"
kill -HUP "$PID"
ok "SIGHUP with a broken file: still alive" kill -0 "$PID"
ok "... and the last good rules stay" tftp_ok s 69 x "$R/new/old.txt"

exited() {
	st=$(awk '{print $3}' "/proc/$PID/stat" 2>/dev/null)
	[ -z "$st" ] || [ "$st" = Z ]
}
kill -TERM "$PID"
ok "SIGTERM: the daemon exits" wait_for 5 exited
done_testing
