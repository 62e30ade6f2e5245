#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Copy-on-write overlays (--overlay DIR): initiators on different MACs
# (aoe-init --src) write the same sectors and each reads back its own; one
# that never wrote reads the base; writes across written and unwritten
# chunks; LBA48 at the end of a large sparse disk; FLUSH then kill -9;
# writes never flushed (the Linux aoe driver sends no FLUSH) then kill -9,
# kept by the live map in the run directory, and a reboot (the live map
# gone) that goes back to the last FLUSH; the life cycle (aoetarget overlay list|discard, --overlay-reset) and a base
# that changed under its overlays.  The base file never changes.  SIGHUP
# reloads the -c file: a target added, one removed, the others serving on
# untouched; a broken file is reported as FILE:LINE and changes nothing.
# (A target added by a reload is opened as the user the target runs as:
# read-only here, the file being root's.)

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/aoe.sh"

aoe_require
aoe_disk_net 2048
# The live maps here rather than in /run/aoetarget.
AOETARGET_RUNDIR=$T/run
export AOETARGET_RUNDIR
cp "$DISK" "$T/orig.img"
# LBA48: past 2^28 sectors, and not a whole number of 4 KiB chunks
BIG=$(( (1 << 28) + 61 ))
truncate -s $((BIG * 512)) "$T/big.img"

A=02:00:00:00:00:0a
B=02:00:00:00:00:0b
C=02:00:00:00:00:0c
cp "$DISK" "$T/A.model"
cp "$DISK" "$T/B.model"

cat >"$T/t.conf" <<EOF
1 1 $AOE_TIF $DISK --overlay $T/ov
1 2 $AOE_TIF $T/big.img --overlay $T/ovbig
EOF

# put MAC LBA FILE: MAC writes FILE at LBA, and its model with it
put() {
	aoe --src "$1" -t 1.1 write "$2" <"$3" >/dev/null 2>&1 || return 1
	_m=A
	[ "$1" = "$B" ] && _m=B
	dd if="$3" of="$T/$_m.model" bs=512 seek="$2" conv=notrunc 2>/dev/null
}

# same MAC LBA COUNT MODEL: what MAC reads is what MODEL holds
same() {
	aoe --src "$1" -t 1.1 read "$2" "$3" >"$T/got" 2>/dev/null &&
		aoe_sectors "$4" "$2" "$3" >"$T/want" && cmp -s "$T/got" "$T/want"
}

aoe_start O -c "$T/t.conf" || fatal "aoetarget --overlay does not start"

# --- two clients, one sector range ---
aoe_mkdisk "$T/wa" 16
aoe_mkdisk "$T/wb" 16
put "$A" 100 "$T/wa"
is "$?" 0 "A writes 16 sectors at 100"
put "$B" 100 "$T/wb"
is "$?" 0 "B writes 16 other sectors at 100"
ok "A reads back its own" same "$A" 96 32 "$T/A.model"
ok "B reads back its own" same "$B" 96 32 "$T/B.model"
ok "C, which never wrote, reads the base" same "$C" 96 32 "$T/orig.img"
ls "$T/ov" >"$T/ls"
is "$(grep -c '\.ovl$' "$T/ls")" 2 "one overlay file per writing client"

# --- writes across written and unwritten chunks ---
aoe_mkdisk "$T/w2" 2
aoe_mkdisk "$T/w20" 20
aoe_mkdisk "$T/w1" 1
put "$A" 300 "$T/w2"
is "$?" 0 "a 2-sector write inside an unwritten chunk"
put "$A" 294 "$T/w20"
is "$?" 0 "a 20-sector write over unwritten, written and partly covered chunks"
put "$A" 319 "$T/w1"
ok "reads across written and unwritten sectors see both right" \
	same "$A" 280 64 "$T/A.model"
ok "... and B still sees only its own" same "$B" 280 64 "$T/B.model"

# --- LBA48 at the end of the disk ---
aoe_mkdisk "$T/wend" 3
aoe --src "$A" -t 1.2 write $((BIG - 3)) <"$T/wend" >/dev/null 2>&1
is "$?" 0 "LBA48: a write of the last 3 sectors (a partial chunk)"
aoe --src "$A" -t 1.2 read $((BIG - 16)) 16 >"$T/got" 2>/dev/null
{ head -c $((13 * 512)) /dev/zero; cat "$T/wend"; } >"$T/wantend"
ok "LBA48: the end of the disk reads base then overlay" cmp "$T/got" "$T/wantend"
aoe --src "$A" -t 1.2 read $((BIG - 1)) 2 >/dev/null 2>&1
is "$?" 1 "LBA48: a read past the end is refused"

# --- FLUSH, then kill -9 ---
aoe_mkdisk "$T/wc" 8
put "$A" 500 "$T/wc"
put "$B" 600 "$T/wc"
run aoe --src "$A" -t 1.1 flush
is "$RC" 0 "A's FLUSH CACHE EXT is acknowledged"
run aoe --src "$B" -t 1.1 flush
is "$RC" 0 "B's too"
run aoe --src "$A" -t 1.2 flush
kill -s KILL "$(bg_pid O)"
wait_for 5 sh -c "! kill -0 $(bg_pid O) 2>/dev/null"
stop_bg O 2>/dev/null
ok "the base is byte-identical after all that" cmp "$DISK" "$T/orig.img"
ok "the LBA48 base too (still all zeros at the end)" sh -c \
	"tail -c 4096 '$T/big.img' | cmp -s - /dev/zero -n 4096"
aoe_start O2 -c "$T/t.conf" || fatal "aoetarget does not restart"
ok "after kill -9 A has every acknowledged sector" same "$A" 0 2048 "$T/A.model"
ok "... and B" same "$B" 0 2048 "$T/B.model"
aoe --src "$A" -t 1.2 read $((BIG - 16)) 16 >"$T/got" 2>/dev/null
ok "... and the LBA48 overlay" cmp "$T/got" "$T/wantend"

# --- list and discard while the target runs ---
run "$AOETARGET" overlay list "$T/ov"
is "$(wc -l <"$T/out" | tr -d ' ')" 2 "overlay list: two overlays"
like "$(grep "^$A " "$T/out")" "^$A [0-9]+ [0-9T:-]+Z in-use\$" \
	"overlay list: MAC, size, last write, in use"
run "$AOETARGET" overlay discard "$T/ov" "$A"
is "$RC" 0 "overlay discard A: exit 0"
like "$(cat "$T/out")" 'in use; discarded at its next attach' \
	"an overlay in use is marked, not pulled from under its client"
ok "until it attaches again A keeps its data" same "$A" 0 2048 "$T/A.model"
aoe --src "$A" -t 1.1 identify >/dev/null 2>&1
ok "after A's IDENTIFY (its next boot) A reads the base" \
	same "$A" 0 2048 "$T/orig.img"
ok "B keeps its overlay" same "$B" 0 2048 "$T/B.model"
run "$AOETARGET" overlay list "$T/ov"
is "$(wc -l <"$T/out" | tr -d ' ')" 1 "overlay list: one left"
run "$AOETARGET" overlay discard "$T/ov" 02:00:00:00:00:99
like "$(cat "$T/out")" 'no overlay' "discarding a client without one says so"
run "$AOETARGET" overlay discard "$T/ov" nonsense
is "$RC" 2 "a bad MAC is a usage error"
stop_bg O2
is "$?" 0 "SIGTERM stops the target"

# --- discarding with the target stopped; a changed base ---
run "$AOETARGET" overlay discard "$T/ovbig" all
like "$(cat "$T/out")" "^$A: discarded\$" "an overlay nobody holds goes at once"
printf 'changed' | dd of="$DISK" bs=1 seek=10 conv=notrunc 2>/dev/null
aoe_start O3 -c "$T/t.conf" || fatal "aoetarget does not restart"
like "$(cat "$T/O3.log")" 'ov/02-00-00-00-00-0b\.ovl: made for another base image \(size or content differs\); refused' \
	"an overlay of another base is refused at start, clearly"
aoe --src "$B" -t 1.1 read 0 8 >/dev/null 2>&1
is "$?" 1 "... and never merged with the new base: B's reads fail"
ok "a client without an overlay reads the new base" same "$C" 0 2048 "$DISK"
stop_bg O3
cp "$T/orig.img" "$DISK"

# --- --overlay-reset ---
cat >"$T/r.conf" <<EOF
1 1 $AOE_TIF $DISK --overlay $T/ov --overlay-reset
EOF
aoe_start O4 -c "$T/r.conf" || fatal "aoetarget --overlay-reset does not start"
ok "--overlay-reset: B reads the base again" same "$B" 0 2048 "$DISK"
run "$AOETARGET" overlay list "$T/ov"
is "$(wc -l <"$T/out" | tr -d ' ')" 0 "--overlay-reset: no overlay left"
stop_bg O4

# --- no FLUSH, then kill -9; then a reboot ---
# kill9 NAME: the target NAME dies without a word
kill9() {
	kill -s KILL "$(bg_pid "$1")"
	wait_for 5 sh -c "! kill -0 $(bg_pid "$1") 2>/dev/null"
	stop_bg "$1" 2>/dev/null
}
LIVE="$T/run/ovmap/*/02-00-00-00-00-0a.map"
cp "$DISK" "$T/A.model"
aoe_start L1 -c "$T/t.conf" || fatal "aoetarget does not start"
put "$A" 40 "$T/wa"
run aoe --src "$A" -t 1.1 flush
is "$RC" 0 "A writes and flushes"
cp "$T/A.model" "$T/A.flushed"
put "$A" 700 "$T/wb"
is "$?" 0 "A writes more, never flushed (as the Linux aoe driver does)"
put "$A" 1001 "$T/w2"
# shellcheck disable=SC2086 # the live map's path is a pattern
is "$(stat -c %U $LIVE)" nobody "its live map is in the run directory, the target user's"
kill9 L1
aoe_start L2 -c "$T/t.conf" || fatal "aoetarget does not restart after kill -9"
ok "after kill -9 without a FLUSH A reads back every write" \
	same "$A" 0 2048 "$T/A.model"
like "$(cat "$T/L2.log")" 'ov/02-00-00-00-00-0a\.ovl: 1 map block not yet flushed taken from its live map' \
	"... taken from the live map, said so"
kill9 L2
# shellcheck disable=SC2086
rm -f $LIVE
aoe_start L3 -c "$T/t.conf" || fatal "aoetarget does not restart"
ok "a reboot (no live map): A reads as of its last FLUSH" \
	same "$A" 0 2048 "$T/A.flushed"
ok "... and its overlay file is accepted" sh -c "! grep -q refused '$T/L3.log'"
put "$A" 1500 "$T/w2"
is "$?" 0 "... and written on"
stop_bg L3
is "$?" 0 "a clean stop"
# shellcheck disable=SC2086
ok "writes every map: no live map is left" sh -c "! ls $LIVE 2>/dev/null"
is "$(ls -A "$T/run/ovmap")" "" "... nor an empty directory for them"
aoe_start L4 -c "$T/t.conf" || fatal "aoetarget does not restart"
put "$A" 1600 "$T/w2"
kill9 L4
run "$AOETARGET" overlay discard "$T/ov" "$A"
# shellcheck disable=SC2086
ok "a discard removes the live map with the overlay" \
	sh -c "! ls $LIVE 2>/dev/null && ! ls '$T/ov/02-00-00-00-00-0a.ovl' 2>/dev/null"

# --- SIGHUP reloads the -c file ---
aoe_mkdisk "$T/d3.img" 64
aoe_mkdisk "$T/d4.img" 64
cat >"$T/h.conf" <<EOF
1 1 $AOE_TIF $DISK --overlay $T/ov
1 3 $AOE_TIF $T/d3.img
EOF
aoe_start H -c "$T/h.conf" || fatal "aoetarget -c does not start"
cp "$DISK" "$T/A.model"
put "$A" 10 "$T/wa"
cat >"$T/h.conf" <<EOF
1 1 $AOE_TIF $DISK --overlay $T/ov
1 4 $AOE_TIF $T/d4.img -b 8 -r
EOF
kill -s HUP "$(bg_pid H)"
wait_log H 'h\.conf: reloaded, 2 targets' 10
like "$(cat "$T/H.log")" 'h\.conf: reloaded, 2 targets' "SIGHUP: the file is read again"
run aoe -t 1.4 read 0 64
ok "the added target serves its file" cmp "$T/out" "$T/d4.img"
run aoe -t 1.3 --timeout 200 --retries 1 read 0 1
is "$RC" 1 "the removed target no longer answers"
ok "the target kept serves on, with its overlay" same "$A" 0 2048 "$T/A.model"
cat >"$T/h.conf" <<EOF
1 1 $AOE_TIF $DISK --overlay $T/ov
1 5 $AOE_TIF $T/d3.img -b nonsense
EOF
kill -s HUP "$(bg_pid H)"
wait_log H 'not reloaded; the running configuration stays' 10
like "$(cat "$T/H.log")" 'h\.conf:2: -b .nonsense.' "a broken file is reported as FILE:LINE"
like "$(cat "$T/H.log")" 'not reloaded; the running configuration stays' \
	"... and changes nothing"
run aoe -t 1.4 read 0 64
ok "... the running targets serve on" cmp "$T/out" "$T/d4.img"
cat >"$T/h.conf" <<EOF
1 1 $AOE_TIF $DISK --overlay $T/ov
1 6 nosuch0 $T/d3.img
EOF
kill -s HUP "$(bg_pid H)"
wait_log H 'nosuch0: not an interface this process opened' 10
like "$(cat "$T/H.log")" 'h\.conf:2: nosuch0: not an interface this process opened at start; adding an interface needs a restart' \
	"a target on a new interface: a restart is needed, said so"
ok "the target kept still serves" same "$A" 0 2048 "$T/A.model"
ok "the target process still runs inside its filter" \
	grep -q '^Seccomp:[[:space:]]*2' "/proc/$(bg_pid H)/status"
stop_bg H
is "$?" 0 "SIGTERM stops it"
ok "the base is byte-identical at the end" cmp "$DISK" "$T/orig.img"
done_testing
