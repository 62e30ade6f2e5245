#!/bin/sh
# Self-test of tests/lib.sh: if this fails, trust no other integration test.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"

require_root
require_netns
require_cmd ping ss perl

link_master() {		# NS IF
	in_ns "$1" ip -o link show dev "$2" |
		sed -n 's/.* master \([^ ]*\) .*/\1/p'
}

ns_listed() {
	ip netns list | awk '{ print $1 }' | grep -qx -- "$1"
}

group_gone() {
	! kill -s 0 -- -"$1" 2>/dev/null
}

ms_since() {		# START_CS
	echo $((($(now_cs) - $1) * 10))
}

between() {		# VALUE LOW HIGH (inclusive)
	[ "$1" -ge "$2" ] && [ "$1" -le "$3" ]
}

# --- TAP helpers, in a child shell so its failures stay its own -----------

cat >"$T/tap.sh" <<'EOF'
. "$NB_SRC/tests/lib.sh"
ok "passes" true
ok "fails" sh -c 'echo boom >&2; exit 3'
is a b "differs"
done_testing
EOF
sh "$T/tap.sh" >"$T/tap.out" 2>"$T/tap.err"
is "$?" 2 "exit status counts the failures"
is "$(cat "$T/tap.out")" "ok 1 - passes
not ok 2 - fails
not ok 3 - differs
1..3" "TAP stream of a child test"
ok "a failed command's stderr becomes a diagnostic" \
	grep -qx '# boom' "$T/tap.err"

sh -c '. "$NB_SRC/tests/lib.sh"; skip_all "no reason"' >"$T/skip.out" 2>&1
is "$?:$(cat "$T/skip.out")" "0:1..0 # SKIP no reason" "skip_all"

# --- namespaces, veth, bridge, tap ----------------------------------------

ok "netns_add a" netns_add a || fatal "cannot go on without namespaces"
ok "netns_add b" netns_add b
is "$(ns_name a)" "nbt-$$-a" "ns_name adds the per-run prefix"
ok "the namespace is listed" ns_listed "$(ns_name a)"
ok "lo is up in it" in_ns a ping -c1 -W2 127.0.0.1

ok "veth_pair a b" veth_pair a va 198.18.0.1/24 b vb 198.18.0.2/24
ok "ping a -> b" in_ns a ping -c1 -W2 198.18.0.2
ok "ping b -> a" in_ns b ping -c1 -W2 198.18.0.1
nok "addresses outside 198.18.0.0/15 are refused" \
	veth_pair a vx 192.0.2.1/24 b vy -
nok "interface names over 15 characters are refused" \
	veth_pair a abcdefghijklmnop - b vz -

ok "netns_add c" netns_add c
ok "bridge_add c br0 with an address" bridge_add c br0 198.18.1.1/24
ok "tap_add c tap0 br0" tap_add c tap0 br0
ok "tap0 exists in c" in_ns c ip link show dev tap0
is "$(link_master c tap0)" br0 "tap0 is a port of br0"
ok "veth_pair b c without an address on c's end" \
	veth_pair b vb1 198.18.1.2/24 c vc1 -
ok "bridge_port c br0 vc1" bridge_port c br0 vc1
is "$(link_master c vc1)" br0 "vc1 is a port of br0"
ok "ping b -> br0 in c across the bridge" in_ns b ping -c1 -W2 198.18.1.1

RIF=$(if_name r)
ok "veth_pair from this namespace to a" veth_pair - "$RIF" - a ra -
ok "one end is here" ip link show dev "$RIF"
ok "the other end is in a" in_ns a ip link show dev ra

# --- background daemons and polling ----------------------------------------

start_bg udp in_ns a perl -MIO::Socket::INET -e '
	my $s = IO::Socket::INET->new(LocalPort => 5000, Proto => "udp")
		or die "bind: $!\n";
	sleep 1000;'
ok "wait_udp_port a 5000" wait_udp_port a 5000
is "$(ip netns pids "$(ns_name a)")" "$(bg_pid udp)" \
	"bg_pid is the daemon itself, not a wrapper"
NB_WAIT=0.3
nok "wait_udp_port b 5000 times out: nothing listens there" wait_udp_port b 5000
nok "wait_tcp_port a 5000 times out: the listener is UDP" wait_tcp_port a 5000
unset NB_WAIT
UDP_PID=$(bg_pid udp)
ok "stop_bg udp" stop_bg udp
nok "its pid is gone" kill -s 0 "$UDP_PID"

if command -v busybox >/dev/null 2>&1; then
	start_bg tcp in_ns b busybox nc -l -p 5000
	ok "wait_tcp_port b 5000 (busybox nc)" wait_tcp_port b 5000
	ok "stop_bg tcp" stop_bg tcp
else
	skip "no busybox" 2
fi

start_bg talker sh -c 'sleep 0.3; echo ready now; exec sleep 1000'
ok "wait_log sees a line written later" wait_log talker '^ready now$' 5
ok "bg_alive talker" bg_alive talker
ok "stop_bg stops it with SIGTERM" stop_bg talker
is "$BG_STATUS" 143 "its wait status says SIGTERM"
nok "bg_alive after stop_bg" bg_alive talker

start_bg stubborn sh -c 'trap "" TERM; echo armed; while :; do sleep 0.1; done'
wait_log stubborn armed 5
STUB_PID=$(bg_pid stubborn)
NB_STOP_TIMEOUT=1
S=$(now_cs)
nok "stop_bg reports a process that ignores SIGTERM" stop_bg stubborn
MS=$(ms_since "$S")
unset NB_STOP_TIMEOUT
ok "it waited NB_STOP_TIMEOUT before SIGKILL ($MS ms)" between "$MS" 1000 3000
# the killed group's children are reaped by init, not at once
ok "its whole process group goes away" wait_for 2 group_gone "$STUB_PID"

start_bg toucher sh -c "sleep 0.5; touch '$T/flag'"
ok "wait_for a condition that becomes true" wait_for 5 test -e "$T/flag"
ok "stop_bg on a process that already exited" stop_bg toucher

S=$(now_cs)
nok "wait_for 1 false fails" wait_for 1 false
MS=$(ms_since "$S")
ok "after its timeout, not much later ($MS ms)" between "$MS" 1000 1500
S=$(now_cs)
ok "wait_for 1 true succeeds" wait_for 1 true
MS=$(ms_since "$S")
ok "at once ($MS ms)" between "$MS" 0 200

# --- cleanup, in child tests that exit early ---------------------------------

# child.sh INFO [wait]: set up, report, then exit 1 or wait for a signal
cat >"$T/child.sh" <<'EOF'
. "$NB_SRC/tests/lib.sh"
netns_add x || exit 3
veth_pair - "$(if_name c)" - x cx - || exit 3
start_bg sleeper in_ns x sleep 1000 || exit 3
echo "$(ns_name x) $(if_name c) $(bg_pid sleeper) $T" >"$1.tmp"
mv "$1.tmp" "$1"
[ "$2" = wait ] && wait
exit 1
EOF

# If the cleanup under test fails, do not leave its mess behind.
clean_child() {		# INFO
	read -r c_ns c_if c_pid c_t <"$1" || return 0
	ip netns pids "$c_ns" 2>/dev/null | xargs -r kill -s KILL
	ip netns del "$c_ns" 2>/dev/null
	ip link del "$c_if" 2>/dev/null
	rm -rf "$c_t"
}

check_child_gone() {	# INFO WHY
	read -r c_ns c_if c_pid c_t <"$1"
	nok "$2: namespace $c_ns is gone" ns_listed "$c_ns"
	nok "$2: link $c_if is gone" ip link show dev "$c_if"
	nok "$2: daemon $c_pid is gone" kill -s 0 "$c_pid"
	nok "$2: its temp dir is gone" test -e "$c_t"
	clean_child "$1"
}

sh "$T/child.sh" "$T/child1" >"$T/child1.log" 2>&1
is "$?" 1 "a child that exits 1 keeps its exit status"
if [ -s "$T/child1" ]; then
	check_child_gone "$T/child1" "after exit 1"
else
	skip "child did not set up" 4
fi

sh "$T/child.sh" "$T/child2" wait >"$T/child2.log" 2>&1 &
CHILD=$!
if ok "a child that waits sets up" wait_for 10 test -s "$T/child2"; then
	read -r c_ns c_if c_pid c_t <"$T/child2"
	ok "its namespace exists while it runs" ns_listed "$c_ns"
	kill -s TERM "$CHILD"
	wait "$CHILD"
	is "$?" 143 "SIGTERM ends it with status 143"
	check_child_gone "$T/child2" "after SIGTERM"
else
	kill -s KILL "$CHILD"
	skip "child did not set up" 6
fi

done_testing
