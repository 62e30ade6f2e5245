#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# What a write acknowledged and flushed promises: write, FLUSH, kill -9 the
# target, and the data is in the file.  Once with the defaults, once with
# -s (O_SYNC), once with -d (O_DIRECT, where the file system allows it).
# SIGUSR1 makes the target log its counters.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/aoe.sh"

aoe_require

aoe_net || fatal "cannot set up the namespaces"

# round NAME DESC OPTS...: start, write 300 sectors in several frames,
# FLUSH, kill -9, compare the file.
round() {
	_name=$1 _desc=$2
	shift 2
	aoe_mkdisk "$T/$_name.img" 2048
	aoe_mkdisk "$T/$_name.w" 300
	aoe_start "$_name" "$@" 4 4 "$AOE_TIF" "$T/$_name.img" ||
		{ fail "$_desc: the target starts"; return; }
	aoe -t 4.4 write 700 <"$T/$_name.w" >/dev/null 2>"$T/err"
	is "$?" 0 "$_desc: 300 sectors written"
	run aoe -t 4.4 flush
	is "$RC" 0 "$_desc: FLUSH CACHE EXT acknowledged"
	_pid=$(bg_pid "$_name")
	kill -s KILL "$_pid"
	wait_for 5 sh -c "! kill -0 $_pid 2>/dev/null"
	stop_bg "$_name" 2>/dev/null
	aoe_sectors "$T/$_name.img" 700 300 >"$T/got"
	ok "$_desc: after kill -9 the data is in the file" cmp "$T/$_name.w" "$T/got"
}

round P "page cache"

# FLUSH reaches the disk: the target calls fdatasync or fsync for it.
if command -v strace >/dev/null 2>&1; then
	aoe_mkdisk "$T/f.img" 64
	aoe_start F 4 6 "$AOE_TIF" "$T/f.img" || fatal "the target does not start"
	start_bg ST strace -f -e trace=fdatasync,fsync,sync_file_range \
		-o "$T/strace.out" -p "$(bg_pid F)"
	wait_log ST attached
	aoe -t 4.6 flush >/dev/null 2>&1
	wait_for 5 grep -Eq 'fdatasync|fsync|sync_file_range' "$T/strace.out"
	ok "FLUSH CACHE EXT makes the target sync the file" \
		grep -Eq 'fdatasync|fsync|sync_file_range' "$T/strace.out"
	stop_bg ST
	stop_bg F
else
	skip "no strace" 1
fi
round S "-s (O_SYNC)" -s
if dd if=/dev/zero of="$T/direct.probe" bs=4096 count=1 oflag=direct 2>/dev/null
then
	round D "-d (O_DIRECT)" -d
else
	skip "the file system of $T refuses O_DIRECT" 3
fi

# --- counters on SIGUSR1 ---
aoe_mkdisk "$T/c.img" 64
aoe_start C 4 5 "$AOE_TIF" "$T/c.img" || fatal "the target does not start"
aoe -t 4.5 read 0 8 >/dev/null 2>&1
kill -s USR1 "$(bg_pid C)"
wait_log C '[0-9]+ .*(frames|bytes)' 5
like "$(tail -n 3 "$T/C.log")" 'e4\.5' "SIGUSR1 logs the counters per target"
ok "the target keeps running after SIGUSR1" aoe -t 4.5 read 0 1
done_testing
