#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# mkimz on damaged images: an image of a nearly full FAT16 volume (several
# data chunks) is cut short inside the header, the FAT part, a data chunk
# and the trailer, and has a bit flipped in the header and in each part.
# verify and unpack must both exit 1 with "mkimz: IMAGE: PART: ..." naming
# the damaged part, and unpack must not leave a volume that mounts as the
# source, nor a file it made itself.  The parts are found by their magic numbers (mkimz.5; the
# constants are read from mkimz/imz.h, or given as IMZ_MAGICS).

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/mkimz.sh"

mkimz_require
cd "$T" || fatal "cd $T"	# stray output lands in $T
require_cmd grep cut sort

SRC=$T/src.img
IMG=$T/good.imz
fat_new "$SRC" 16 16384 && fat_populate "$SRC" && fat_fill "$SRC" ||
    fatal "cannot build the fixture"
run "$MKIMZ" pack -q "$SRC" "$T/good"
is "$RC" 0 "pack exits 0" || fatal "cannot pack: $(cat "$T/err")"
ok "verify accepts the undamaged image" "$MKIMZ" verify -q "$IMG"
SIZE=$(stat -c %s "$IMG")
CHUNKS=$(imz_info "$IMG" chunks)
like "$CHUNKS" '^[0-9]+$' "info gives the number of chunks ($CHUNKS)"

# A target holding another volume of the same size: a failed unpack must
# not leave the source's boot sector on it.
mkfs.fat -F 16 -i 0badf00d -C "$T/other.img" 16384 >/dev/null ||
    fatal "cannot make the target"

# PARTS: "OFFSET KIND" lines in file order, each kind's magic located.
imz_magics >"$T/magics" 2>/dev/null
: >"$T/parts"
while read -r kind hex; do
	for off in $(imz_offsets "$IMG" "$hex"); do
		echo "$off $kind" >>"$T/parts"
	done
done <"$T/magics"
sort -n "$T/parts" -o "$T/parts"

# part_at KIND [N]: "START END" of the Nth (from 0) part of KIND.
part_at() {
	awk -v k="$1" -v n="${2:-0}" -v size="$SIZE" '
	{ off[NR] = $1; kind[NR] = $2 }
	END { i = 0;
	      for (r = 1; r <= NR; r++) if (kind[r] == k && i++ == n) {
		print off[r], (r < NR ? off[r + 1] : size); exit } }' \
	    "$T/parts"
}

# damaged IMAGE PART ERE DESC: verify and unpack both refuse IMAGE naming
# PART; ERE is what must follow "PART: ".
damaged() {
	run "$MKIMZ" verify -q "$1"
	is "$RC" 1 "$4: verify exits 1"
	like "$(cat "$T/err")" "^mkimz: .*: $2: $3" \
	    "$4: verify names the $2" || sed 's/^/# /' "$T/err" >&2
	cp "$T/other.img" "$T/target"
	run "$MKIMZ" unpack -q "$1" "$T/target"
	is "$RC" 1 "$4: unpack exits 1"
	like "$(cat "$T/err")" "^mkimz: .*: $2: $3" \
	    "$4: unpack names the $2" || sed 's/^/# /' "$T/err" >&2
	nok "$4: unpack leaves no copy of the source's boot sector" \
	    cmp -s -n 512 "$SRC" "$T/target"
	rm -f "$T/new"
	run "$MKIMZ" unpack -q "$1" "$T/new"
	ok "$4: unpack onto a new file exits 1 and leaves no file" \
	    test "$RC" = 1 -a ! -e "$T/new"
}

cut_at() {	# OFF DESC PART
	head -c "$1" "$IMG" >"$T/cut.imz"
	damaged "$T/cut.imz" "$3" truncated "$2 (cut at $1)"
}

flip_in() {	# OFF DESC PART
	cp "$IMG" "$T/flip.imz"
	flip_bit "$T/flip.imz" "$1"
	damaged "$T/flip.imz" "$3" "" "$2 (bit flipped at $1)"
}

cut_at 20 "cut inside the file header" header
flip_in 24 "file header" header

# kind label (as errors name it) [N]
for p in "reserved|reserved area" "fat|FAT" "root|root directory" \
    "map|cluster map" "chunk|data chunk 0" "chunk|data chunk last" \
    "trailer|trailer"; do
	kind=${p%%|*}
	label=${p#*|}
	n=0
	case $label in
	*last)	n=$((CHUNKS - 1))
		label="data chunk $n"
		;;
	esac
	se=$(part_at "$kind" "$n")
	if [ -z "$se" ]; then
		skip "no $kind magic known or found (mkimz.5 / mkimz/imz.h)" 5
		continue
	fi
	start=${se% *}
	end=${se#* }
	mid=$(( start + (end - start) / 2 ))
	flip_in "$mid" "$label" "$label"
	case $kind in
	fat|trailer)	cut_at "$mid" "cut inside the $label" "$label" ;;
	chunk)	[ "$n" -gt 0 ] && cut_at "$mid" "cut inside $label" "$label" ;;
	esac
	[ "$kind" = trailer ] &&
	    cut_at "$start" "cut just before the trailer" trailer
done

# The same checks reading the image from a pipe.
head -c $((SIZE - 3)) "$IMG" >"$T/cut.imz"
"$MKIMZ" verify -q - <"$T/cut.imz" >/dev/null 2>"$T/err"
is "$?" 1 "verify - of a cut image on stdin exits 1"
like "$(cat "$T/err")" "trailer: truncated" "... and names the trailer"

done_testing
