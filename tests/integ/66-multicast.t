#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# netboot-cast -> netboot-restore -m, on one bridge: four receivers in
# namespaces of their own restore one capture from one udp-sender session;
# every target passes fsck.fat -n and holds the source's files, and the
# server's link carried the image about once, not four times.  A receiver
# that comes after the session, and one behind a relay that flips a byte
# of the stream, each say so, fetch the image from tftpd by unicast and
# end with a correct volume.  A receiver whose cache is current joins
# nothing.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/tftpd.sh"
. "$HERE/tools/mkimz.sh"
. "$HERE/tools/glue.sh"

require_root
require_netns
require_cmd udp-sender udp-receiver perl
tftpd_require
glue_require

SRV=198.18.66.1
RECEIVERS='r1 r2 r3 r4'
chmod 755 "$T"
TR=$T/tftp
mkdir -p "$TR"

# lan: the bridge; srv (tftpd, udp-sender) and every client on a port of
# it.  Addresses carry their broadcast address: udpcast's receivers look
# for a sender there.
netns_add lan && bridge_add lan br0 - ||
	fatal "cannot set up the bridge"
in_ns lan ip link set br0 type bridge mcast_snooping 0
# host NS N: namespace NS, c0 198.18.66.N/24 on the bridge
host() {
	netns_add "$1" && veth_pair lan "p$2" - "$1" c0 - &&
		bridge_port lan br0 "p$2" &&
		in_ns "$1" ip addr add "198.18.66.$2/24" brd + dev c0 &&
		in_ns "$1" ip link set lo up
}
host srv 1 || fatal "cannot set up the server"
n=10
for r in $RECEIVERS late bad mid; do
	n=$((n + 1))
	host "$r" "$n" || fatal "cannot set up $r"
done
tftpd_start tftpd srv "$SRV:69" -v "$TR" || fatal "tftpd does not start"

fat_new "$T/vol.img" 16 32768
fat_populate "$T/vol.img" || fatal "cannot make the volume"
run env MKIMZ="$MKIMZ" sh "$SCRIPTS/netboot-capture" "$T/vol.img" img "$TR"
is "$RC" 0 "capture" || diag "$(cat "$T/err")"
SIZE=$(stat -c %s "$TR/img.imz")

cast() { env TMPDIR="$T" sh "$SCRIPTS/netboot-cast" "$@"; }
run cast -n 0 img "$TR"
is "$RC" 2 "cast: 0 receivers is a usage error"
run cast --fec bogus img "$TR"
is "$RC" 2 "cast: a bad FEC spec is a usage error"
run cast missing "$TR"
is "$RC" 1 "cast: a missing image: exit 1"
like "$(cat "$T/err")" 'missing\.imz: cannot read' "and says which file"
run sh "$SCRIPTS/netboot-restore" -s "$SRV" -m --multicast-wait 0 img
is "$RC" 2 "restore: --multicast-wait 0 is a usage error"

# restore NS DISK [OPTION...]: netboot-restore -m in NS, in the background;
# its output in $T/NS.out and .err, its status in $T/NS.rc
restore() {
	_ns=$1 _disk=$2
	shift 2
	[ -f "$_disk" ] || glue_disk "$_disk" 80 'start=2048, size=90112, type=e'
	( in_ns "$_ns" env MKIMZ="$MKIMZ" TMPDIR="$T" \
		sh "$SCRIPTS/netboot-restore" -s "$SRV" -m -d "$_disk" "$@" img \
		>"$T/$_ns.out" 2>"$T/$_ns.err" </dev/null
	  echo $? >"$T/$_ns.rc" ) &
}
same() {	# DISK WHAT
	glue_get "$1" 1 "$T/got.img"
	ok "$2: fsck.fat -n passes" fat_fsck "$T/got.img" ||
		diag "$(cat "$T/fsck.out")"
	ok "$2: files match" fat_same_files "$T/vol.img" "$T/got.img"
}
# fell_back NS WHAT ERE N: NS restored after saying ERE and falling back to
# unicast; tftpd has sent the .imz N times in all
fell_back() {
	is "$(cat "$T/$1.rc")" 0 "$2: restored" || diag "$(cat "$T/$1.err")"
	like "$(cat "$T/$1.err")" "multicast: $3.*falling back to unicast" \
		"$2: says why it falls back to unicast"
	like "$(cat "$T/$1.out")" "downloaded $SIZE bytes" \
		"$2: the image came by TFTP"
	is "$(imz_sent)" "$4" "tftpd has sent the .imz $4 times"
	same "$T/$1.img" "$2"
}
tx_bytes() { in_ns srv cat /sys/class/net/c0/statistics/tx_bytes; }
imz_sent() { grep -Ec 'RRQ /?img\.imz: ok,' "$T/tftpd.log"; }

# --- four receivers, one session ----------------------------------------------
pids=
for r in $RECEIVERS; do
	rm -f "$T/$r.rc"
	restore "$r" "$T/$r.img"
	pids="$pids $!"
done
tx0=$(tx_bytes)
run in_ns srv env TMPDIR="$T" sh "$SCRIPTS/netboot-cast" -i c0 -n 4 -w 60 \
	-t 60 img "$TR"
is "$RC" 0 "cast to four receivers" || diag "$(cat "$T/out" "$T/err")"
tx1=$(tx_bytes)
for p in $pids; do wait "$p"; done
for r in $RECEIVERS; do
	is "$(cat "$T/$r.rc")" 0 "$r: restore by multicast" ||
		diag "$(cat "$T/$r.err")"
	like "$(cat "$T/$r.out")" "received $SIZE bytes by multicast" \
		"$r: the image came by multicast"
	same "$T/$r.img" "$r"
done
is "$(imz_sent)" 0 "tftpd sent no .imz"
sent=$((tx1 - tx0))
diag "image $SIZE bytes; the server's link sent $sent bytes for four receivers"
ok "the image went on the wire about once" \
	test "$sent" -ge "$SIZE" -a "$sent" -lt $((SIZE * 2))

# an unchanged cache joins nothing (a session would be waited for in vain)
restore r1 "$T/r1.img" --multicast-wait 60
wait $!
is "$(cat "$T/r1.rc")" 0 "r1 again: restored"
like "$(cat "$T/r1.out")" 'cache current: no download' \
	"r1 again: the cache is current, no session joined"

# --- too late: unicast -----------------------------------------------------------
restore late "$T/late.img" --multicast-wait 2
wait $!
fell_back late "late receiver" 'no session' 1

# --- a byte flipped in flight: unicast -----------------------------------------
# mid receives the session and casts it again on ports 9100-9101 with one
# byte of the middle of the image inverted; bad listens there.
cat >"$T/flip.pl" <<'EOF'
binmode STDIN; binmode STDOUT; $/ = \65536;
my ($at, $n) = ($ARGV[0], 0);
while (<STDIN>) {
	my $l = length;
	substr($_, $at - $n, 1) ^= "\x55" if $at >= $n && $at < $n + $l;
	$n += $l;
	print;
}
EOF
start_bg relay in_ns mid sh -c "udp-receiver --nokbd --no-progress \
	--start-timeout 60 | perl '$T/flip.pl' $((SIZE / 2)) | udp-sender \
	--nokbd --no-progress --portbase 9100 --min-receivers 1" ||
	fatal "the relay does not start"
restore bad "$T/bad.img" --multicast-port 9100 --multicast-wait 60
bad_pid=$!
run in_ns srv env TMPDIR="$T" sh "$SCRIPTS/netboot-cast" -i c0 -n 1 -t 60 \
	img "$TR"
is "$RC" 0 "cast to the relay" || diag "$(cat "$T/out" "$T/err")"
wait "$bad_pid"
fell_back bad "corrupted stream" 'the (stream|session)' 2
ok "the cache holds the good image" sh -c "dd if='$T/bad.img' bs=512 \
	skip=$(($(glue_cache_field "$T/bad.img" start) / 512)) \
	count=$(((SIZE + 511) / 512)) status=none | head -c $SIZE |
	cmp -s - '$TR/img.imz'"
stop_bg relay

stop_bg tftpd
done_testing
