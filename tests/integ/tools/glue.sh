# SPDX-License-Identifier: GPL-2.0-or-later
# tests/integ/tools/glue.sh - what the tests of the glue scripts share:
# MBR disk images whose partitions hold FAT volumes.  The volumes
# themselves are made and judged with tests/integ/tools/mkimz.sh.
#
# Sourced after tests/lib.sh and tools/mkimz.sh:
#   . "$HERE/../lib.sh"; . "$HERE/tools/mkimz.sh"; . "$HERE/tools/glue.sh"

SCRIPTS=$NB_SRC/scripts

# glue_require: skip_all unless sfdisk, the fixtures' tools and mkimz are here.
glue_require() {
	require_cmd sfdisk
	mkimz_require
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

# glue_put DISK N VOLUME: the volume image into partition N.
glue_put() {
	set -- "$1" "$3" $(glue_part "$1" "$2")
	[ $# -eq 4 ] &&
	dd if="$2" of="$1" bs=512 seek="$3" conv=notrunc status=none
}

# glue_get DISK N VOLUME: partition N copied out into the file VOLUME.
glue_get() {
	set -- "$1" "$3" $(glue_part "$1" "$2")
	rm -f "$2"
	[ $# -eq 4 ] &&
	dd if="$1" of="$2" bs=512 skip="$3" count="$4" status=none
}

# glue_cache_field DISK KEY: a value from the cache descriptor at the end
# of DISK (netboot-restore's "KEY=VALUE" lines).
glue_cache_field() {
	_gc_size=$(stat -c %s "$1")
	dd if="$1" bs=512 skip=$((_gc_size / 512 - 2)) count=1 status=none |
		tr -d '\000' | sed -n "s/^$2=//p"
}
