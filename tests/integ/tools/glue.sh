# SPDX-License-Identifier: GPL-2.0-or-later
# tests/integ/tools/glue.sh - what the tests of the glue scripts share:
# disk images with MBR partitions holding FAT volumes, filled and read back
# with mtools.
#
# Sourced after tests/lib.sh:
#   . "$HERE/../lib.sh"; . "$HERE/tools/glue.sh"
#
# MKIMZ is the mkimz the scripts run ($NB_BIN/mkimz).

MKIMZ=${MKIMZ:-$NB_BIN/mkimz}
SCRIPTS=$NB_SRC/scripts
MTOOLS_SKIP_CHECK=1
export MTOOLS_SKIP_CHECK

# glue_require: skip_all unless the tools the fixtures need and a working
# mkimz are here.
glue_require() {
	require_cmd sfdisk mkfs.fat fsck.fat mcopy mdir truncate dd od cmp diff
	[ -x "$MKIMZ" ] || skip_all "no mkimz at $MKIMZ (build it)"
	if "$MKIMZ" verify /dev/null 2>&1 | grep -q 'not implemented'; then
		skip_all "$MKIMZ: not implemented yet"
	fi
}

# glue_disk FILE MIB LINE...: a sparse disk image of MIB MiB with an MBR
# made by sfdisk from the partition LINEs ("start=2048, size=..., type=6").
glue_disk() {
	_gd_file=$1
	rm -f "$_gd_file"
	truncate -s "$2M" "$_gd_file" || return 1
	shift 2
	[ $# -gt 0 ] || return 0
	printf 'label: dos\n' >"$T/sfdisk.in"
	printf '%s\n' "$@" >>"$T/sfdisk.in"
	sfdisk -q "$_gd_file" <"$T/sfdisk.in" >/dev/null
}

# glue_part DISK N: "START SIZE" of partition N in sectors.
glue_part() {
	sfdisk -d "$1" | awk -v n="$2" '
	/ : .*start=/ {
		split($0, h, " : "); p = h[1]; sub(/.*[^0-9]/, "", p)
		if (p != n) next
		s = $0; sub(/.*start= */, "", s); sub(/[^0-9].*/, "", s)
		z = $0; sub(/.*size= */, "", z); sub(/[^0-9].*/, "", z)
		print s, z
	}'
}

# glue_vol DISK N: the mtools image spec of partition N's volume.
glue_vol() {
	set -- "$1" $(glue_part "$1" "$2")
	echo "$1@@$(($2 * 512))"
}

# glue_mkfs DISK N BITS LABEL: a fresh FAT BITS volume in partition N.
glue_mkfs() {
	set -- "$1" "$3" "$4" $(glue_part "$1" "$2")
	rm -f "$T/vol.img"
	truncate -s $(($5 * 512)) "$T/vol.img" &&
	mkfs.fat -F "$2" $([ "$2" = 32 ] && echo -s 1) -n "$3" -h "$4" "$T/vol.img" >/dev/null &&
	dd if="$T/vol.img" of="$1" bs=512 seek="$4" conv=notrunc \
		status=none &&
	rm -f "$T/vol.img"
}

# glue_put DISK N DIR: DIR's contents into the root of partition N.
glue_put() {
	mcopy -s -o -Q -i "$(glue_vol "$1" "$2")" "$3"/* ::
}

# glue_get DISK N DIR: every file of partition N's volume into DIR.
glue_get() {
	rm -rf "$3" && mkdir -p "$3" &&
	mcopy -s -n -Q -i "$(glue_vol "$1" "$2")" '::*' "$3"
}

# glue_fsck DISK N: fsck.fat -n of partition N (copied out); its output in
# $T/fsck.out.
glue_fsck() {
	set -- "$1" $(glue_part "$1" "$2")
	dd if="$1" of="$T/fsck.img" bs=512 skip="$2" count="$3" status=none &&
	fsck.fat -n "$T/fsck.img" >"$T/fsck.out" 2>&1
	_gf_rc=$?
	rm -f "$T/fsck.img"
	return $_gf_rc
}

# glue_tree DIR TEXT: a tree of files: text, long and nested names, an
# empty file, random data; HELLO.TXT says TEXT.
glue_tree() {
	rm -rf "$1" && mkdir -p "$1/Boot/Fonts" "$1/dir one/deeper" || return 1
	echo "$2" >"$1/HELLO.TXT"
	: >"$1/empty"
	seq 1 5000 >"$1/Boot/numbers.txt"
	echo "a long name" >"$1/dir one/deeper/A rather long file name.text"
	head -c 300000 /dev/urandom >"$1/Boot/Fonts/random.bin"
}

# glue_cache_field DISK KEY: a value from the cache descriptor at the end
# of DISK (netboot-restore's "KEY=VALUE" lines).
glue_cache_field() {
	_gc_size=$(stat -c %s "$1")
	dd if="$1" bs=512 skip=$((_gc_size / 512 - 2)) count=1 status=none |
		tr -d '\000' | sed -n "s/^$2=//p"
}
