#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# One aoetarget process serving several targets from -c CONFIG: three on
# one interface (broadcast discovery finds all three, per-line options
# apply), one on a second interface, one on a third with MTU 9000 (17
# sectors per frame, big reads and writes round-trip).  A bad line in the
# file is refused naming file:line.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/aoe.sh"

aoe_require

for n in 0 1 2 3 4; do
	aoe_mkdisk "$T/d$n.img" 2048
done
aoe_net || fatal "cannot set up the namespaces"
veth_pair t at1 - i ai1 - || fatal "cannot add the second link"
veth_pair t at2 - i ai2 - || fatal "cannot add the third link"
ip -n "$(ns_name t)" link set at2 mtu 9000 &&
ip -n "$(ns_name i)" link set ai2 mtu 9000 || fatal "cannot set MTU 9000"

# --- a bad configuration file is refused, naming file:line ---
cat >"$T/bad.conf" <<EOF
# first target
0 0 at0 $T/d0.img
0 1 at0 $T/d1.img -b nonsense
EOF
run in_ns t $AOE_BOUND "$AOETARGET" -f --state-dir "$T/state" -c "$T/bad.conf"
ok "a bad option in the file: exit status 1 or 2" test "$RC" -eq 1 -o "$RC" -eq 2
like "$(cat "$T/err")" "bad\\.conf:3" "the error names the file and line"

cat >"$T/t.conf" <<EOF
# shelf slot netif file [options]
0 0 at0 $T/d0.img
0 1 at0 $T/d1.img -r

7 3 at0 $T/d2.img -b 32
	# indented comment
9 9 at1 $T/d3.img
5 5 at2 $T/d4.img
EOF
aoe_start C -c "$T/t.conf" || fatal "aoetarget -c does not serve every target"
pass "one process serves five targets"
is "$(aoe_started C | wc -l | tr -d ' ')" 5 "one start line per target"

run aoe discover
sort "$T/out" >"$T/disc"
is "$(wc -l <"$T/disc" | tr -d ' ')" 3 "broadcast discovery on the first link finds three targets"
like "$(sed -n 1p "$T/disc")" '^e0\.0 .*bufcnt=16 ' "e0.0, default buffer count"
like "$(sed -n 2p "$T/disc")" '^e0\.1 ' "e0.1"
like "$(sed -n 3p "$T/disc")" '^e7\.3 .*bufcnt=32 ' "e7.3 with its -b 32"
run aoe_if ai1 discover
like "$(cat "$T/out")" '^e9\.9 ' "the second link has e9.9"
is "$(wc -l <"$T/out" | tr -d ' ')" 1 "... and only it"

good=0
for e in 0.0:d0 0.1:d1 7.3:d2; do
	aoe -t "${e%%:*}" read 0 2048 >"$T/got" 2>/dev/null &&
		cmp -s "$T/got" "$T/${e#*:}.img" && good=$((good + 1))
done
is "$good" 3 "each target on the first link serves its own file"
run aoe_if ai1 -t 9.9 read 100 50
aoe_sectors "$T/d3.img" 100 50 >"$T/want"
ok "e9.9 serves its file on the second link" cmp "$T/out" "$T/want"
aoe_mkdisk "$T/w" 4
aoe -t 0.1 write 0 <"$T/w" >/dev/null 2>&1
is "$?" 1 "-r on a config line makes that target read-only"
aoe -t 0.0 write 0 <"$T/w" >/dev/null 2>&1
aoe_sectors "$T/d0.img" 0 4 >"$T/got"
ok "... and not its neighbour" cmp "$T/w" "$T/got"

# --- MTU 9000 ---
run aoe_if ai2 discover
like "$(cat "$T/out")" '^e5\.5 .* spf=17 ' "MTU 9000: 17 sectors per frame"
run aoe_if ai2 -t 5.5 read 0 2048
ok "MTU 9000: a 1 MiB read round-trips" cmp "$T/out" "$T/d4.img"
aoe_mkdisk "$T/big" 1000
aoe_if ai2 -t 5.5 write 1000 <"$T/big" >/dev/null 2>&1
is "$?" 0 "MTU 9000: a 1000-sector write"
aoe_sectors "$T/d4.img" 1000 1000 >"$T/got"
ok "... lands in the file" cmp "$T/big" "$T/got"
run aoe_if ai2 -t 5.5 ata 0x24 --lba 0 --count 17 --out "$T/r17"
aoe_sectors "$T/d4.img" 0 17 >"$T/want"
ok "MTU 9000: one 17-sector frame" cmp "$T/r17" "$T/want"
run aoe_if ai2 -t 5.5 ata 0x24 --lba 0 --count 18
like "$(cat "$T/out")" 'aoe_error=2 ' "MTU 9000: 18 sectors do not fit, error 2"

stop_bg C
is "$?" 0 "SIGTERM stops the process cleanly"
done_testing
