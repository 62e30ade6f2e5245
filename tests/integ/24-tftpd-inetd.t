#!/bin/sh
# inetd mode: started by inetd ("dgram udp wait") the server finds a bound
# UDP socket on its standard input, serves, and after -t seconds without
# a transfer exits by itself with status 0, so that inetd takes the
# socket back.  A transfer longer than -t is not cut short.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/tftpd.sh"

require_root
require_netns
require_cmd perl ss cmp
tftpd_require

CNS=s
R=$T/root
LAUNCH="perl $TOOLS/inetd-launch.pl"
chmod 755 "$T"
mkdir -p "$R" || fatal "mkdir"
printf 'via inetd\n' >"$R/ok.txt"
head -c 3000 /dev/urandom >"$R/data"		# 6 blocks of 512
head -c 300000 /dev/urandom >"$R/more"
chmod -R a+rX "$R"

tftpd_netns s || fatal "cannot set up the namespace"

gone() {
	! bg_alive "$1"
}

# exits_idle NAME DESC: NAME exits by itself once idle, with status 0,
# not at once and not long after -t 2.
exits_idle() {
	_ei_start=$(now_cs)
	if ok "$2: exits by itself when idle" wait_for 15 gone "$1"; then
		_ei_s=$(( ($(now_cs) - _ei_start) / 100 ))
		ok "$2: ... after about -t 2 seconds (${_ei_s} s)" \
			test "$_ei_s" -le 8
		stop_bg "$1"
		is "$BG_STATUS" 0 "$2: ... with status 0"
	else
		stop_bg "$1"
		skip "it did not exit" 2
	fi
}

# 1. As inetd does it: the server runs when the first datagram is there.
start_bg inetd1 in_ns s $LAUNCH 127.0.0.1 69 \
	"$TFTPD" -t 2 -s -u nobody "$R" || fatal "launcher"
wait_udp_port s 69 || fatal "the launcher does not listen"
ok "first get through inetd (the server starts for it)" \
	tftp_ok s 69 ok.txt "$R/ok.txt"
ok "the launcher became the server" \
	sh -c "grep -q tftpd /proc/$(bg_pid inetd1)/comm"
ok "a second get, same process" tftp_ok s 69 more "$R/more"
if command -v atftp >/dev/null 2>&1; then
	rm -f "$T/got"
	in_ns s $BOUND atftp --option "blksize 1468" --get -r more \
		-l "$T/got" 127.0.0.1 >"$T/out" 2>&1
	ok "atftp get at blksize 1468 through inetd" cmp "$R/more" "$T/got"
else
	skip "no atftp"
fi
udp_ask s 69 "$(rrq nosuchfile)"
ok "a missing file is ERROR 1 in inetd mode too" error_is 1
exits_idle inetd1 "inetd wait mode"

# 2. Started at once, before any datagram: idle from the start.
start_bg inetd2 in_ns s $LAUNCH -n 127.0.0.1 69 \
	"$TFTPD" -t 2 -s -u nobody "$R" || fatal "launcher"
wait_udp_port s 69 || fatal "the launcher does not listen"
ok "get from a server started before any request" \
	tftp_ok s 69 ok.txt "$R/ok.txt"
exits_idle inetd2 "started at once"

# 3. A slow transfer lasts longer than -t: the server stays until its end.
# The client takes 0.8 s to acknowledge each of 6 blocks.
start_bg inetd3 in_ns s $LAUNCH 127.0.0.1 69 \
	"$TFTPD" -t 2 -s -u nobody "$R" || fatal "launcher"
wait_udp_port s 69 || fatal "the launcher does not listen"
set -- "$(rrq data)"
for b in 1 2 3 4 5 6; do
	set -- "$@" +0.8 "0004 000$b"
done
in_ns s $UDPSEND -s -w 5 127.0.0.1 69 "$@" >"$T/slow.out" 2>&1
is "$(grep -c ' 0003000[1-6]' "$T/slow.out")" 6 \
	"a transfer of 4.8 s gets all 6 blocks from a server with -t 2"
exits_idle inetd3 "after the slow transfer"

done_testing
