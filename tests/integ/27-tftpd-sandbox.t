#!/bin/sh
# Least privilege: started as root with default options, tftpd serves as
# an unprivileged user with no capability and under its seccomp filter,
# and every path of its loop (windows, uploads by rename and in place,
# netascii, the case fallback, a SIGHUP reload, SIGUSR1) still works
# there: a system call missing from the filter would kill it with a
# "sandbox:" line in its log.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/tftpd.sh"

require_root
require_netns
require_cmd perl ss cmp
tftpd_require
ours || skip_all "the sandbox is ours"

CNS=s
R=$T/root
chmod 755 "$T"
mkdir -p "$R/up" "$R/ro" "$R/Boot" "$T/c" || fatal "mkdir"
chmod 777 "$R/up"
head -c 8M /dev/urandom >"$R/big" || fatal "no room for 8 MiB"
printf 'one\ntwo\rthree\r\nlast' >"$R/text.txt"
printf 'bcd\n' >"$R/Boot/BCD"
printf 'open\n' >"$R/up/open"
printf 'fixed\n' >"$R/ro/fixed"
chmod -R a+rX "$R"
chmod 666 "$R/up/open" "$R/ro/fixed"
printf 'r ^x$ text.txt\n' >"$T/rules"

# status PID FIELD: the first value of FIELD in /proc/PID/status
status() {
	awk -v f="$2:" '$1 == f { print $2; exit }' "/proc/$1/status"
}

tftpd_netns s || fatal "cannot set up the namespace"
tftpd_start S s 127.0.0.1:69 "$R" || fatal "tftpd with default options does not start"
PID=$(bg_pid S)
pass "tftpd started as root with default options"
isnt_root() { [ "$(status "$PID" Uid)" != 0 ] &&
	! grep -Eq '^Uid:.*[[:space:]]0([[:space:]]|$)' "/proc/$PID/status"; }
ok "Uid: not 0 (real, effective, saved, fs)" isnt_root
is "$(status "$PID" CapEff)" 0000000000000000 "CapEff: no capability"
is "$(status "$PID" CapPrm)" 0000000000000000 "CapPrm: none to regain"
is "$(status "$PID" Seccomp)" 2 "Seccomp: 2 (filter)"
is "$(status "$PID" NoNewPrivs)" 1 "NoNewPrivs: 1"

tftpd_start U s 127.0.0.1:1069 -c --in-place-writes -m "$T/rules" "$R" ||
	fatal "tftpd -c --in-place-writes -m does not start"
UPID=$(bg_pid U)
is "$(status "$UPID" Seccomp)" 2 "server U (-c, -m) is filtered too"

# --- reads ---------------------------------------------------------------

if have 6 atftp; then
	for opt in "blksize 1468:windowsize 16" "blksize 65464:windowsize 4" \
	    "blksize 512:tsize 0"; do
		rm -f "$T/c/got"
		o1=${opt%%:*} o2=${opt#*:}
		in_ns s $BOUND atftp --option "$o1" --option "$o2" --get -r big \
			-l "$T/c/got" 127.0.0.1 69 >"$T/out" 2>&1
		ok "atftp get 8 MiB ($o1, $o2)" cmp "$R/big" "$T/c/got"
	done
	rm -f "$T/c/got"
	in_ns s $BOUND atftp --option "blksize 1468" --get -r boot/bcd \
		-l "$T/c/got" 127.0.0.1 69 >"$T/out" 2>&1
	ok "atftp get boot/bcd (the case fallback reads a directory)" \
		cmp "$R/Boot/BCD" "$T/c/got"
	cp "$R/big" "$T/c/big.put"
	in_ns s $BOUND atftp --option "blksize 1468" --option "windowsize 8" \
		--put -l "$T/c/big.put" -r up/big.put 127.0.0.1 1069 \
		>"$T/out" 2>&1
	ok "atftp put 8 MiB with a window (-c: temporary, rename)" \
		cmp "$R/big" "$R/up/big.put"
	in_ns s $BOUND atftp --put -l "$R/text.txt" -r up/open 127.0.0.1 1069 \
		>"$T/out" 2>&1
	ok "atftp put over a world-writable file (rename over it)" \
		cmp "$R/text.txt" "$R/up/open"
fi

if have 5 tftp; then
	rm -f "$T/c/got"
	hpa -m binary 127.0.0.1 -c get big "$T/c/got"
	ok "tftp-hpa get 8 MiB at 512 bytes" cmp "$R/big" "$T/c/got"
	rm -f "$T/c/got"
	hpa -m netascii 127.0.0.1 -c get text.txt "$T/c/got"
	ok "tftp-hpa netascii get" cmp "$R/text.txt" "$T/c/got"
	hpa -m netascii 127.0.0.1 1069 -c put "$R/text.txt" up/text.put
	ok "tftp-hpa netascii put (-c)" cmp "$R/text.txt" "$R/up/text.put"
	hpa -m binary 127.0.0.1 1069 -c put "$R/text.txt" ro/fixed
	ok "tftp-hpa put in place (--in-place-writes: truncate, fsync)" \
		cmp "$R/text.txt" "$R/ro/fixed"
	rm -f "$T/c/got"
	hpa -m binary 127.0.0.1 -c get .hidden "$T/c/got"
	ok "a refused name: an ERROR, served by the filtered loop" hpa_error 2
fi

# --- signals -----------------------------------------------------------------

printf 'r ^x$ Boot/BCD\n' >"$T/rules"
kill -HUP "$UPID"
ok "SIGHUP rereads -m under the filter" \
	wait_for 5 tftp_ok s 1069 x "$R/Boot/BCD"
kill -USR1 "$PID"
ok "SIGUSR1 logs the counters" wait_log S 'counters: [0-9]+ requests'
ok "... and tftpd keeps serving" tftp_ok s 69 text.txt "$R/text.txt"

ok "server S is alive" bg_alive S
ok "server U is alive" bg_alive U
nok "no system call was refused" grep -h 'sandbox:' "$T/S.log" "$T/U.log"

# --- --no-sandbox --------------------------------------------------------------

tftpd_start N s 127.0.0.1:2069 --no-sandbox "$R" ||
	fatal "tftpd --no-sandbox does not start"
is "$(status "$(bg_pid N)" Seccomp)" 0 "--no-sandbox: Seccomp 0"
ok "... and it serves" tftp_ok s 2069 text.txt "$R/text.txt"
kill -TERM "$PID"
ok "SIGTERM: the filtered server exits" wait_for 5 sh -c "! kill -0 $PID 2>/dev/null"
done_testing
