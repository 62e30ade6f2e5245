#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# mkimz round trips: FAT12, FAT16 and FAT32 volumes made with mkfs.fat and
# mtools (long names, nested directories, empty files, a fragmented file,
# files the default excludes drop) and two nearly full volumes are packed,
# verified and unpacked onto a target of the same size, a larger one, the
# smallest one info says holds the last used cluster, and a new file.  Each
# result must pass fsck.fat -n and hold every file of the source with the
# same content but the excluded ones.  A FAT12 volume unpacked onto far
# more space than FAT12 can address warns of what is left.  One sector less than the smallest
# target is refused with "too small" and leaves the target as it was.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/mkimz.sh"

mkimz_require
cd "$T" || fatal "cd $T"	# stray output lands in $T

size_of() {
	stat -c %s "$1"
}

# restored IMG SRC DESC: the checks every unpacked volume must pass.
restored() {
	ok "$3: fsck.fat -n is clean" fat_fsck "$1" ||
	    sed 's/^/# /' "$T/fsck.out" >&2
	ok "$3: same files, excluded ones gone" fat_same_files "$2" "$1"
}

# onto SRC IMZ NAME BYTES DESC: unpack onto an existing target of BYTES.
onto() {
	rm -f "$T/$3"
	truncate -s "$4" "$T/$3"
	run "$MKIMZ" unpack -q "$2" "$T/$3"
	is "$RC" 0 "$5: unpack exits 0" || sed 's/^/# /' "$T/err" >&2
	is "$(size_of "$T/$3")" "$4" "$5: the target keeps its size"
	restored "$T/$3" "$1" "$5"
}

# roundtrip SRC DESC: every check on one source volume.
roundtrip() {
	_r_src=$1
	_r_d=$2
	rm -f "$T/out.imz" "$T/out.chk"
	run "$MKIMZ" pack -q "$_r_src" "$T/out"
	is "$RC" 0 "$_r_d: pack exits 0" || sed 's/^/# /' "$T/err" >&2
	ok "$_r_d: pack wrote out.imz and a 512-byte out.chk" \
	    test -s "$T/out.imz" -a "$(size_of "$T/out.chk" 2>/dev/null)" = 512
	ok "$_r_d: verify accepts it" "$MKIMZ" verify -q "$T/out.imz"
	is "$(imz_info "$T/out.imz" fat_type)" "$(fat_type "$_r_src")" \
	    "$_r_d: info gives the FAT type"
	_r_ss=$(imz_info "$T/out.imz" sector_size)
	_r_min=$(imz_info "$T/out.imz" min_target_sectors)
	_r_bytes=$(size_of "$_r_src")
	case $_r_ss$_r_min in
	*[!0-9]*|'')
		fail "$_r_d: info gives sector_size and min_target_sectors"
		return
		;;
	esac
	onto "$_r_src" "$T/out.imz" same "$_r_bytes" "$_r_d, same size"
	onto "$_r_src" "$T/out.imz" larger $((_r_bytes * 2)) \
	    "$_r_d, twice the size"
	onto "$_r_src" "$T/out.imz" smallest $((_r_min * _r_ss)) \
	    "$_r_d, min_target_sectors ($_r_min)"

	rm -f "$T/new"
	run "$MKIMZ" unpack -q "$T/out.imz" "$T/new"
	is "$RC" 0 "$_r_d, new file: unpack exits 0"
	is "$(size_of "$T/new")" "$_r_bytes" "$_r_d, new file: source's size"
	restored "$T/new" "$_r_src" "$_r_d, new file"

	fill_bytes "$T/small" $(( (_r_min - 1) * _r_ss )) 125
	cp "$T/small" "$T/small.orig"
	run "$MKIMZ" unpack -q "$T/out.imz" "$T/small"
	is "$RC" 1 "$_r_d, one sector too small: unpack exits 1"
	like "$(cat "$T/err")" "too small" "$_r_d, one sector too small: says so"
	ok "$_r_d, one sector too small: target untouched" \
	    cmp "$T/small" "$T/small.orig"
}

for t in 12 16 32; do
	case $t in
	12)	kib=4096 ;;
	16)	kib=32768 ;;
	32)	kib=65536 ;;
	esac
	fat_new "$T/fat$t.img" "$t" "$kib" &&
	    fat_populate "$T/fat$t.img" || fatal "cannot build the FAT$t fixture"
	ok "FAT$t fixture passes fsck.fat -n" fat_fsck "$T/fat$t.img"
	roundtrip "$T/fat$t.img" "FAT$t"
done

# FAT12 with 2 KiB clusters ends at 4084 clusters, about 8 MiB: on 64 MiB
# the rest is left unused, with a warning.
rm -f "$T/huge"
truncate -s 64M "$T/huge"
"$MKIMZ" pack -q "$T/fat12.img" "$T/f12" 2>/dev/null
run "$MKIMZ" unpack -q "$T/f12.imz" "$T/huge"
is "$RC" 0 "FAT12 onto 64 MiB: unpack exits 0"
like "$(cat "$T/err")" "[0-9]+ MiB left unused" "FAT12 onto 64 MiB: warns"
restored "$T/huge" "$T/fat12.img" "FAT12 onto 64 MiB"

for t in 12 16; do
	case $t in
	12)	kib=2048 ;;
	16)	kib=16384 ;;
	esac
	fat_new "$T/full$t.img" "$t" "$kib" && fat_populate "$T/full$t.img" &&
	    fat_fill "$T/full$t.img" || fatal "cannot fill a FAT$t volume"
	ok "nearly full FAT$t fixture passes fsck.fat -n" \
	    fat_fsck "$T/full$t.img"
	roundtrip "$T/full$t.img" "nearly full FAT$t"
done

done_testing
