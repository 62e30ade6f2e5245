#!/bin/sh
# Transfers over a bad link: 10 % loss each way, 2-7 ms of delay and
# reordering, by tc netem on a veth pair between a server namespace
# (198.18.0.1) and a client namespace (198.18.0.2).  Every transfer must
# end byte for byte.  Where the kernel has no sch_netem, a relay in the
# client namespace (tools/lossy-relay.pl) loses and reorders instead.
#
# The server runs with its default timers.  Some losses only the client's
# own timer can recover: atftp answers one duplicate DATA with an ACK and
# ignores the next ones; tftp-hpa, sending, ignores duplicate ACKs (as
# RFC 1350 says); and both restart their timer on every packet they get.
# The server must then space its retransmissions out (back off) until the
# client's timer fires, and wait for it: the first checks below lose
# those packets on purpose, with client timers of 2 s (tftp-hpa's
# in.tftpd recovers each in 3 s).
#
# Sizes keep the whole near a minute: each loss of that kind costs a
# client timer or two.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/tftpd.sh"

require_root
require_netns
require_cmd perl ss cmp
tftpd_require
# a transfer that stalls is a failure well before this
[ -n "$BOUND" ] && BOUND="timeout 90"

CNS=c
R=$T/root
RELAY="perl $TOOLS/lossy-relay.pl"
chmod 755 "$T"
mkdir -p "$R/up" || fatal "mkdir"
# atftp's window mode answers a resent window only after its own timer
# runs out, and restarts that timer on every packet it gets: each loss of
# that one answer costs the server a doubled wait.  512 KiB (358 blocks,
# 45 windows) at 10 % loss finishes in seconds; 2 MiB sometimes ran into the
# bound above on a busy machine.
head -c 512K /dev/urandom >"$R/half"
head -c 256K /dev/urandom >"$R/quarter"
head -c 16K /dev/urandom >"$R/small"
head -c 5000 /dev/urandom >"$R/tiny"		# 10 blocks of 512
chmod -R a+rX "$R"
chmod 1777 "$R/up"

netns_add s && netns_add c || fatal "cannot create the namespaces"
veth_pair s sv 198.18.0.1/24 c cv 198.18.0.2/24 || fatal "cannot link them"

V=
[ -n "$OURS" ] && V=-v
tftpd_start A s 198.18.0.1:69 -s -c -u nobody $V "$R" ||
	fatal "the server does not start"
pass "the server listens on 198.18.0.1:69"

secs() {
	echo $(( ($(now_cs) - $1) / 100 ))
}

# at ARGS...: atftp with a 2 s timer.  It aborts when an OACK comes twice
# (its ACK was lost and the server sent the OACK again): a client bug,
# not the server's; try again then.
at() {
	for _at_try in 1 2 3 4; do
		rm -f "$T/got"
		in_ns c $BOUND atftp --tftp-timeout 2 "$@" >"$T/out" 2>&1 </dev/null
		grep -q 'unexpected OACK' "$T/out" || return
		diag "atftp: unexpected OACK (a repeated OACK), trying again"
	done
}

# hpa_cmds HOST PORT CMD: tftp-hpa with a 2 s timer, giving up after
# HPA_LIMIT seconds.
HPA_LIMIT=30
hpa_cmds() {
	printf 'binary\nrexmt 2\ntimeout %s\n%s\nquit\n' "$HPA_LIMIT" "$3" |
		hpa_in "$1" "$2"
}

# --- chosen losses (no netem yet) ---------------------------------------------

# relay NAME PORT DROPS: a relay on 127.0.0.1:PORT in c that loses only
# the client datagrams DROPS (see lossy-relay.pl -o).
relay() {
	start_bg "$1" in_ns c $RELAY -l 0 -d 0 -j 0 -o "$3" \
		127.0.0.1 "$2" 198.18.0.1 69 && wait_udp_port c "$2"
}

if have 1 atftp; then
	relay drop1 1069 00040005,00040005 || fatal "relay"
	S=$(now_cs)
	at --get -r tiny -l "$T/got" 127.0.0.1 1069
	ok "atftp get, its ACK 5 and the one repeat lost ($(secs "$S") s)" \
		cmp "$R/tiny" "$T/got"
	stop_bg drop1
fi
# a few seconds when the server backs off; give up long before 60 s
HPA_LIMIT=15
if have 2 tftp; then
	relay drop2 1070 00030003 || fatal "relay"
	S=$(now_cs)
	hpa_cmds 127.0.0.1 1070 "put $R/tiny up/tiny"
	ok "tftp-hpa put, its DATA 3 lost ($(secs "$S") s)" \
		cmp "$R/tiny" "$R/up/tiny"
	stop_bg drop2
	relay drop3 1071 00040003,00040003 || fatal "relay"
	S=$(now_cs)
	rm -f "$T/got"
	hpa_cmds 127.0.0.1 1071 "get tiny $T/got"
	ok "tftp-hpa get, its ACK 3 and the one repeat lost ($(secs "$S") s)" \
		cmp "$R/tiny" "$T/got"
	stop_bg drop3
fi
HPA_LIMIT=30

# --- 10 % loss, delay, reordering ------------------------------------------------

NETEM="loss 10% delay 2ms 5ms reorder 25%"
if in_ns s tc qdisc add dev sv root netem $NETEM 2>"$T/tc.err" &&
   in_ns c tc qdisc add dev cv root netem $NETEM 2>>"$T/tc.err"; then
	HOST=198.18.0.1
	pass "tc netem $NETEM on both ends"
else
	diag "tc netem: $(head -n 1 "$T/tc.err"): a relay loses and reorders"
	start_bg lossy in_ns c $RELAY -l 10 -d 0 -j 6 -r $$ \
		127.0.0.1 69 198.18.0.1 69 || fatal "relay"
	wait_udp_port c 69 || fatal "the relay does not listen"
	HOST=127.0.0.1
	pass "lossy-relay.pl -r $$: 10 % loss each way, 0-6 ms delay"
fi

S0=$(now_cs)
if have 2 atftp; then
	S=$(now_cs)
	at --option "blksize 1468" --get -r quarter -l "$T/got" "$HOST"
	ok "atftp get of 256 KiB at blksize 1468, window 1 ($(secs "$S") s)" \
		cmp "$R/quarter" "$T/got"
	if [ -n "$OURS" ]; then
		S=$(now_cs)
		at --option "blksize 1468" --option "windowsize 8" \
			--get -r half -l "$T/got" "$HOST"
		ok "atftp get of 512 KiB at blksize 1468, window 8 ($(secs "$S") s)" \
			cmp "$R/half" "$T/got"
	else
		skip "windowsize: not in $(basename "$TFTPD")"
	fi
fi

if have 2 tftp; then
	S=$(now_cs)
	rm -f "$T/got"
	hpa_cmds "$HOST" 69 "get quarter $T/got"
	ok "tftp-hpa get of 256 KiB at blksize 512 ($(secs "$S") s)" \
		cmp "$R/quarter" "$T/got"
	S=$(now_cs)
	hpa_cmds "$HOST" 69 "put $R/small up/small"
	ok "tftp-hpa put of 16 KiB at blksize 512 ($(secs "$S") s)" \
		cmp "$R/small" "$R/up/small"
fi

diag "lossy transfers: $(secs "$S0") s"
ok "the server still runs" bg_alive A
if bg_alive lossy; then
	stop_bg lossy
	diag "$(tail -n 1 "$T/lossy.log")"
fi

done_testing
