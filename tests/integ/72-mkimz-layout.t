#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# mkimz layout on a sparse 2 GiB disk image: the seed's own XXXclean.tab,
# verbatim, and a table using all three partition forms give the starts,
# sizes, types and boot flag sfdisk reads back; --print-next prints the
# fifth line; the labelled partitions pass fsck.fat, carry their label and
# take a file through mtools; the next boot image name lands at 0x1a0; the
# old boot code and disk signature survive a new layout.  Bad tables exit 1
# naming TABFILE:LINE with the disk unchanged byte for byte.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"

MKIMZ=${MKIMZ:-$NB_BIN/mkimz}
MTOOLS_SKIP_CHECK=1
export MTOOLS_SKIP_CHECK
cd "$T" || fatal "cd $T"
require_cmd sfdisk fsck.fat mlabel mcopy truncate dd cmp od
[ -x "$MKIMZ" ] || skip_all "no mkimz at $MKIMZ"
"$MKIMZ" layout --help 2>&1 | grep -q TABFILE ||
    skip_all "$MKIMZ has no layout subcommand yet"

DISK=$T/disk.img
CYL=16065

# part_field DISK N FIELD: start, size or type of partition N from sfdisk -d.
part_line() {
	sfdisk -d "$1" 2>/dev/null | grep "^$1$2 :"
}
part_num() {
	part_line "$1" "$2" | sed -n "s/.*$3= *\([0-9a-f]*\).*/\1/p"
}

# part_copy DISK N OUT: partition N copied out with dd.
part_copy() {
	dd if="$1" of="$3" bs=512 skip="$(part_num "$1" "$2" start)" \
	    count="$(part_num "$1" "$2" size)" conv=sparse status=none
}

# bytes FILE OFFSET COUNT: hex of the bytes, one string.
bytes() {
	od -An -tx1 -v -j "$2" -N "$3" "$1" | tr -d ' \n'
}

# --- the seed's example, verbatim -----------------------------------------------

truncate -s 2G "$DISK"
cat >"$T/XXXclean.tab" <<'EOF_TAB'
# Comments are allowed, but file should not exceed 512 bytes
# Hex numbers should be prefixed by $

# Part |       |  Part
# type | Boot? |  Size
   6      Y       +500 Mb
  $82     N       +31 Mb
  $83     N       -50 Mb
   0

# Bootimage to chain
/tftpboot/XXXmenu
EOF_TAB
run "$MKIMZ" layout "$DISK" "$T/XXXclean.tab"
is "$RC" 0 "the seed's XXXclean.tab is accepted" || diag "$(cat "$T/err")"
is "$(part_num "$DISK" 1 start)/$(part_num "$DISK" 1 size)/$(part_num "$DISK" 1 type)" \
    "63/$((64 * CYL - 63))/6" "BIGDOS: at least 500 MiB, to cylinder 64"
like "$(part_line "$DISK" 1)" "bootable" "BIGDOS is the boot partition"
is "$(part_num "$DISK" 2 start)/$(part_num "$DISK" 2 size)/$(part_num "$DISK" 2 type)" \
    "$((64 * CYL))/$((4 * CYL))/82" "swap: at least 31 MiB, 4 cylinders"
is "$(part_num "$DISK" 3 start)/$(part_num "$DISK" 3 size)/$(part_num "$DISK" 3 type)" \
    "$((68 * CYL))/$((186 * CYL))/83" "ext2: all but at least 50 MiB"
ok "at least 50 MiB left after partition 3" \
    test $((4194304 - 254 * CYL)) -ge $((50 * 2048))
is "$(part_num "$DISK" 4 size)" "" "entry 4 empty"
nok "only partition 1 is bootable" sh -c \
    "sfdisk -d '$DISK' | grep -v '^$DISK''1 ' | grep -q bootable"
run sfdisk -l "$DISK"
like "$(cat "$T/out")" "${DISK}3 .*Linux\$" "sfdisk -l: partition 3 is Linux"
like "$(cat "$T/out")" "${DISK}2 .*swap" "sfdisk -l: partition 2 is swap"
run "$MKIMZ" layout --print-next "$T/XXXclean.tab"
is "$RC/$(cat "$T/out")" "0//tftpboot/XXXmenu" "--print-next: the boot image to chain"

# --- all three forms ----------------------------------------------------------

cat >"$T/good.tab" <<'EOF_TAB'
# full CHS: cylinders 0 to 64, formatted as BOOT
$0E Y  0 1 1  64 254 63  boot
# start CHS + size, formatted as DATA
6 N  $41 0 1  +300 Mb  data
$0B N  + 10 %		# size only, right after
$83 n -100Mb
next.imz
EOF_TAB
run "$MKIMZ" layout "$DISK" "$T/good.tab"
is "$RC" 0 "layout with all three forms" || diag "$(cat "$T/err")"
like "$(cat "$T/out")" "^1: start 63, 1044162 sectors" "summary printed"

is "$(part_num "$DISK" 1 start)/$(part_num "$DISK" 1 size)" "63/1044162" \
    "full CHS: cylinders 0..64 from sector 63"
is "$(part_num "$DISK" 2 start)/$(part_num "$DISK" 2 size)" \
    "$((65 * CYL))/$((104 * CYL - 65 * CYL))" \
    "start CHS + 300 MiB, rounded up to cylinder 104"
is "$(part_num "$DISK" 3 start)/$(part_num "$DISK" 3 size)" \
    "$((104 * CYL))/$((120 * CYL - 104 * CYL))" \
    "+ 10 %% of the space left after it, rounded up"
is "$(part_num "$DISK" 4 start)/$(part_num "$DISK" 4 size)" \
    "$((120 * CYL))/$((248 * CYL - 120 * CYL))" "-100 Mb: the rest less 100 MiB"
is "$(part_num "$DISK" 1 type)$(part_num "$DISK" 2 type)$(part_num "$DISK" 3 type)$(part_num "$DISK" 4 type)" \
    "e6b83" "types"
like "$(part_line "$DISK" 1)" "bootable" "partition 1 is bootable"
nok "only partition 1 is bootable" sh -c \
    "sfdisk -d '$DISK' | grep -v '^$DISK''1 ' | grep -q bootable"
is "$(bytes "$DISK" 416 24)" \
    "$(printf 'next.imz' | od -An -tx1 | tr -d ' \n')00000000000000000000000000000000" \
    "next boot image NUL-padded at 0x1a0"
SIG=$(bytes "$DISK" 440 4)
nok "a fresh disk gets a disk signature" test "$SIG" = 00000000

# --- the labelled partitions ----------------------------------------------------

for n in 1 2; do
	label=$(if [ $n = 1 ]; then echo BOOT; else echo DATA; fi)
	part_copy "$DISK" $n "$T/p$n.img"
	run fsck.fat -n "$T/p$n.img"
	is "$RC" 0 "partition $n passes fsck.fat -n" || diag "$(cat "$T/out")"
	run mlabel -s -i "$T/p$n.img" ::
	like "$(cat "$T/out")" "Volume label is $label *\$" "partition $n label $label"
done
run fsck.fat -n -v "$T/p1.img"
like "$(cat "$T/out")" "8192 bytes per cluster" "510 MB gets mkfs.fat's 8 KiB clusters"
like "$(cat "$T/out")" "^ *63 hidden sectors" "hidden sectors = partition start"
dd if=/dev/urandom of="$T/file.bin" bs=1k count=700 status=none
ok "mcopy a file in" mcopy -i "$T/p1.img" "$T/file.bin" ::/FILE.BIN
ok "and back" mcopy -i "$T/p1.img" ::/FILE.BIN "$T/back.bin"
ok "same bytes" cmp "$T/file.bin" "$T/back.bin"
run fsck.fat -n "$T/p1.img"
is "$RC" 0 "still clean with a file"

# --- a new layout keeps boot code and disk signature ----------------------------

printf 'BOOTCODE-0123456789' | dd of="$DISK" bs=1 seek=0 conv=notrunc status=none
printf '\372\353\376' | dd of="$DISK" bs=1 seek=440 conv=notrunc status=none
SIG=$(bytes "$DISK" 440 4)
cat >"$T/second.tab" <<'EOF_TAB'
$0E Y +40 Mb
0
0
6 N -0 Mb   fill
EOF_TAB
run "$MKIMZ" layout -q "$DISK" "$T/second.tab"
is "$RC" 0 "second layout" || diag "$(cat "$T/err")"
is "$(cat "$T/out")" "" "-q prints nothing"
is "$(bytes "$DISK" 0 19)" "$(printf 'BOOTCODE-0123456789' | od -An -tx1 | tr -d ' \n')" \
    "boot code kept"
is "$(bytes "$DISK" 440 4)" "$SIG" "disk signature kept"
is "$(bytes "$DISK" 416 24)" "000000000000000000000000000000000000000000000000" \
    "no fifth line: old next boot name cleared"
is "$(part_num "$DISK" 1 size)" "$((6 * CYL - 63))" "40 MiB: six cylinders less the first track"
is "$(part_num "$DISK" 2 size)" "" "slot 2 empty"
is "$(part_num "$DISK" 4 start)/$(part_num "$DISK" 4 size)" \
    "$((6 * CYL))/$((261 * CYL - 6 * CYL))" "-0 Mb fills to the last whole cylinder"
part_copy "$DISK" 4 "$T/p4.img"
run fsck.fat -n "$T/p4.img"
is "$RC" 0 "1.96 GiB partition formatted and clean" || diag "$(cat "$T/out")"

# --- boot code where the name would go: warned, code kept -------------------------

printf '\372\353\376\220' | dd of="$DISK" bs=1 seek=416 conv=notrunc status=none
run "$MKIMZ" layout "$DISK" "$T/good.tab"
is "$RC" 0 "layout over boot code at 0x1a0"
like "$(cat "$T/err")" "good.tab:7: .*boot code" "warning names the line"
is "$(bytes "$DISK" 416 4)" "faebfe90" "the code is kept"

# --- other geometry --------------------------------------------------------------

truncate -s 0 "$T/small.img"
truncate -s 64M "$T/small.img"
printf '6 Y +8 Mb tiny\n0\n0\n0\n' >"$T/small.tab"
run "$MKIMZ" layout -H 16 -S 32 "$T/small.img" "$T/small.tab"
is "$RC" 0 "-H 16 -S 32" || diag "$(cat "$T/err")"
is "$(part_num "$T/small.img" 1 start)/$(part_num "$T/small.img" 1 size)" \
    "32/16864" "at least 8 MiB on 512-sector cylinders from sector 32"
part_copy "$T/small.img" 1 "$T/tiny.img"
run fsck.fat -n "$T/tiny.img"
is "$RC" 0 "8 MiB FAT16 is clean" || diag "$(cat "$T/out")"

# --- bad tables: exit 1, file:line, disk unchanged --------------------------------

DISK=$T/bad.img
truncate -s 256M "$DISK"
run "$MKIMZ" layout "$DISK" "$T/second.tab"
is "$RC" 0 "a 256 MiB disk laid out for the bad tables"
cp "$DISK" "$T/before.img"
bad() {	# bad NAME LINE ERE TABLE
	printf '%s' "$4" >"$T/$1.tab"
	run "$MKIMZ" layout "$DISK" "$T/$1.tab"
	is "$RC" 1 "$1: exit 1"
	like "$(cat "$T/err")" "^mkimz: $T/$1.tab:$2: .*$3" "$1: message"
	ok "$1: disk unchanged" cmp -s "$DISK" "$T/before.img"
}
bad overlap 3 "overlaps" '6 N 0 1 1 10 254 63
0
6 N 5 0 1 +20 Mb
0
'
bad pastend 1 "past the end" '6 N +3000 Mb
0
0
0
'
bad twoboot 4 "second boot flag" '# two active
6 Y +100 Mb
0
6 Y +100 Mb
0
'
bad syntax 2 "bad size unit" '0
6 N +100 Gb
0
0
'
bad garbage 1 "bad type" 'hello world
0
0
0
'
bad oldorder 1 "bad type" '+40 Mb 6 N
0
0
0
'
bad cylinder 1 "one cylinder" '6 N -250 Mb
0
0
0
'
bad short 3 "need exactly 4" '0
0
0
'
bad label 1 "bad label" '6 N +100 Mb TOO.MANY.DOTS
0
0
0
'
bad extra 6 "extra line" '0
0
0
0
name
again
'
bad numbers 1 "bad type" '99999999999999999999 N +100 Mb
0
0
0
'
head -c 600 /dev/zero | tr '\0' ' ' >"$T/long.tab"
run "$MKIMZ" layout "$DISK" "$T/long.tab"
is "$RC" 1 "a 600-byte table: exit 1"
like "$(cat "$T/err")" "long.tab: longer than 512 bytes" "a 600-byte table: message"
ok "a 600-byte table: disk unchanged" cmp -s "$DISK" "$T/before.img"
printf '6 N +1 Mb tiny\n0\n0\n0\n' >"$T/nofat.tab"
run "$MKIMZ" layout -H 16 -S 63 "$DISK" "$T/nofat.tab"
is "$RC" 1 "a partition too small for FAT16: exit 1"
like "$(cat "$T/err")" "nofat.tab:1: partition 1: .*too small for FAT16" \
    "too small for FAT16: message"
ok "too small for FAT16: disk unchanged" cmp -s "$DISK" "$T/before.img"

# --- usage --------------------------------------------------------------------------

run "$MKIMZ" layout "$DISK"
is "$RC" 2 "one argument: exit 2"
run "$MKIMZ" layout -H 0 "$DISK" "$T/good.tab"
is "$RC" 2 "-H 0: exit 2"
run "$MKIMZ" layout --sectors 64 "$DISK" "$T/good.tab"
is "$RC" 2 "--sectors 64: exit 2"
run "$MKIMZ" layout --print-next "$T/second.tab"
is "$RC" 1 "--print-next without a fifth line: exit 1"
like "$(cat "$T/err")" "no fifth line" "--print-next without a fifth line: message"
run "$MKIMZ" layout --print-next "$DISK" "$T/good.tab"
is "$RC" 2 "--print-next with two arguments: exit 2"
run "$MKIMZ" layout "$T/none.img" "$T/good.tab"
is "$RC" 1 "missing disk: exit 1"
ok "disk unchanged after usage errors" cmp -s "$DISK" "$T/before.img"

done_testing
