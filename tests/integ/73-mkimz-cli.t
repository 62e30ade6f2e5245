#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# mkimz's command line: help and usage errors (exit 2), -p N on a disk
# image partitioned with sfdisk, streaming through stdout (--chk) and
# stdin, the .chk rules (boot sector, serial = counter << 16 | checksum16,
# the counter counting re-packs, checksum16 following the data), the
# excludes (-x, --no-default-excludes) and the refusal of a dirty or
# cross-linked volume (exit 1, nothing written) unless --force.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/mkimz.sh"

mkimz_require
cd "$T" || fatal "cd $T"	# stray output lands in $T
require_cmd sfdisk

# --- help and usage ---------------------------------------------------------

run "$MKIMZ" --help
is "$RC" 0 "--help exits 0"
like "$(cat "$T/out")" "pack" "--help names the subcommands"
run "$MKIMZ" --version
is "$RC" 0 "--version exits 0"
for sub in pack unpack verify info; do
	run "$MKIMZ" "$sub" --help
	is "$RC" 0 "$sub --help exits 0"
done

SRC=$T/src.img
fat_new "$SRC" 16 32768 && fat_populate "$SRC" || fatal "no fixture"
mkdir -p "$T/u"

usage() {	# DESC ARGS...: exit 2, nothing written in $T/u
	_u_d=$1
	shift
	run "$MKIMZ" "$@"
	is "$RC" 2 "usage error, exit 2: $_u_d" || sed 's/^/# /' "$T/err" >&2
}

usage "no subcommand"
usage "unknown subcommand" frobnicate "$SRC"
usage "pack without OUT" pack "$SRC"
usage "pack with an extra argument" pack "$SRC" "$T/u/a" "$T/u/b"
usage "pack to stdout without --chk" pack "$SRC" -
usage "pack -l 0" pack -l 0 "$SRC" "$T/u/a"
usage "pack -l 20" pack -l 20 "$SRC" "$T/u/a"
usage "pack -T 0" pack -T 0 "$SRC" "$T/u/a"
usage "pack -T x" pack -T x "$SRC" "$T/u/a"
usage "pack -p 5" pack -p 5 "$SRC" "$T/u/a"
usage "pack -p 0" pack -p 0 "$SRC" "$T/u/a"
usage "unknown option" pack --bogus "$SRC" "$T/u/a"
usage "unpack without TARGET" unpack "$T/u/a.imz"
usage "verify without IMAGE" verify
usage "info with two images" info "$T/u/a.imz" "$T/u/b.imz"
is "$(ls -A "$T/u")" "" "usage errors wrote nothing"

# --- .chk rules, determinism ------------------------------------------------

serial_off=39	# FAT16

run "$MKIMZ" pack -q "$SRC" "$T/o1.imz"
is "$RC" 0 "pack SRC o1.imz exits 0" || sed 's/^/# /' "$T/err" >&2
ok "OUT ending in .imz: o1.imz and o1.chk written" \
    test -s "$T/o1.imz" -a -s "$T/o1.chk"
is "$(stat -c %s "$T/o1.chk")" 512 ".chk is 512 bytes"
is "$(od -An -tx1 -j 510 -N 2 "$T/o1.chk" | tr -d ' ')" 55aa \
    ".chk ends in 55 AA"
ok ".chk is the boot sector up to the serial" \
    cmp -n "$serial_off" "$SRC" "$T/o1.chk"
ok ".chk is the boot sector after the serial" \
    cmp -i $((serial_off + 4)) -n $((512 - serial_off - 4)) "$SRC" "$T/o1.chk"
sum=$(imz_info "$T/o1.imz" checksum16)
like "$sum" '^[0-9a-f]{4}$' "info gives checksum16 ($sum)"
ser=$(chk_serial "$T/o1.chk")
is "$(printf '%04x' $((ser & 65535)))" "$sum" \
    ".chk serial low 16 bits = checksum16"
is $((ser >> 16)) 1 ".chk serial high 16 bits = 1 on the first pack"

run "$MKIMZ" pack -q "$SRC" "$T/o1"
is "$RC" 0 "pack again to the same OUT (no .imz) exits 0"
ser2=$(chk_serial "$T/o1.chk")
is $((ser2 >> 16)) 2 "re-pack: counter 2"
is $((ser2 & 65535)) $((ser & 65535)) "re-pack: same checksum16"
cp "$T/o1.imz" "$T/first.imz"
run "$MKIMZ" pack -q "$SRC" "$T/o1"
is $(($(chk_serial "$T/o1.chk") >> 16)) 3 "third pack: counter 3"
ok "the same source packs to the same bytes" cmp "$T/first.imz" "$T/o1.imz"

cp "$SRC" "$T/changed.img"
printf 'one byte changed\n' >"$T/note"
mcopy -o -i "$T/changed.img" "$T/note" "::/d1/d2/d3/one byte"
run "$MKIMZ" pack -q "$T/changed.img" "$T/o2"
ok "a changed file: another checksum16" \
    test "$(imz_info "$T/o2.imz" checksum16)" != "$sum"
is $(($(chk_serial "$T/o2.chk") >> 16)) 1 "a new OUT: counter 1"
is "$(printf '%04x' $(($(chk_serial "$T/o2.chk") & 65535)))" \
    "$(imz_info "$T/o2.imz" checksum16)" "a changed file: .chk agrees"

# --- stdout and stdin -------------------------------------------------------

"$MKIMZ" pack -q --chk "$T/s.chk" "$SRC" - >"$T/s.imz" 2>"$T/err"
is "$?" 0 "pack SRC - --chk FILE exits 0" || sed 's/^/# /' "$T/err" >&2
ok "the stream is the same image as the file" cmp "$T/first.imz" "$T/s.imz"
is "$(($(chk_serial "$T/s.chk") & 65535))" "$((ser & 65535))" \
    "the --chk file has the same checksum16"
"$MKIMZ" verify -q - <"$T/s.imz" 2>"$T/err"
is "$?" 0 "verify - reads stdin"
truncate -s 32M "$T/s.target"
"$MKIMZ" unpack -q - "$T/s.target" <"$T/s.imz" 2>"$T/err"
is "$?" 0 "unpack - TARGET reads stdin" || sed 's/^/# /' "$T/err" >&2
ok "unpacked from stdin: fsck.fat -n" fat_fsck "$T/s.target"
ok "unpacked from stdin: same files" fat_same_files "$SRC" "$T/s.target"
run "$MKIMZ" info "$T/first.imz"
is "$RC" 0 "human info exits 0"
like "$(cat "$T/out")" "^[A-Za-z].*: " "human info prints Name: value lines"

# --- excludes -----------------------------------------------------------------

run "$MKIMZ" pack -q -x '*.text' -x 'ONE BYTE' "$SRC" "$T/x1"
is "$RC" 0 "pack -x exits 0"
"$MKIMZ" unpack -q "$T/x1.imz" "$T/x1.img" 2>"$T/err"
ok "-x: the patterns and the defaults are excluded, long names matched" \
    fat_same_files "$SRC" "$T/x1.img" "$EXCLUDED${NL}Read Me First.text${NL}d1/d2/d3/one byte"
is "$(imz_info "$T/x1.imz" excluded_files)" 6 "info counts 6 excluded files"
ok "-x: fsck.fat -n" fat_fsck "$T/x1.img"
run "$MKIMZ" pack -q --no-default-excludes "$SRC" "$T/x2"
is "$RC" 0 "pack --no-default-excludes exits 0"
"$MKIMZ" unpack -q "$T/x2.imz" "$T/x2.img" 2>"$T/err"
ok "--no-default-excludes keeps every file" \
    fat_same_files "$SRC" "$T/x2.img" -
is "$(imz_info "$T/x2.imz" excluded_files)" 0 "info counts none excluded"
run "$MKIMZ" pack -q --no-default-excludes -x 'pagefile.sys' "$SRC" "$T/x3"
"$MKIMZ" unpack -q "$T/x3.imz" "$T/x3.img" 2>"$T/err"
ok "--no-default-excludes -x pagefile.sys drops that one, any case" \
    fat_same_files "$SRC" "$T/x3.img" PAGEFILE.SYS

# --- refusals ---------------------------------------------------------------

# refused IMG ERE DESC: pack exits 1 naming the problem, writes nothing;
# with --force it packs.
refused() {
	rm -rf "$T/r"
	mkdir "$T/r"
	run "$MKIMZ" pack -q "$1" "$T/r/out"
	is "$RC" 1 "$3: pack exits 1"
	like "$(cat "$T/err")" "$2" "$3: the message names it" ||
	    sed 's/^/# /' "$T/err" >&2
	like "$(cat "$T/err")" "--force" "$3: the message hints at --force"
	is "$(ls -A "$T/r")" "" "$3: nothing written"
	run "$MKIMZ" pack -q --force "$1" "$T/r/out"
	is "$RC" 0 "$3: pack --force exits 0" || sed 's/^/# /' "$T/err" >&2
	ok "$3: pack --force writes both files" \
	    test -s "$T/r/out.imz" -a -s "$T/r/out.chk"
}

cp "$SRC" "$T/dirty.img"
fat_set_dirty "$T/dirty.img"
refused "$T/dirty.img" "[Dd]irty" "dirty FAT16"
fat_new "$T/d32.img" 32 65536 && mcopy -i "$T/d32.img" "$T/note" ::/NOTE.TXT
fat_set_dirty "$T/d32.img"
refused "$T/d32.img" "[Dd]irty" "dirty FAT32"
cp "$SRC" "$T/cross.img"
fat_crosslink "$T/cross.img" "Read Me First.text" d1/d2/d3/d4/RANDOM.BIN ||
    fail "cannot cross-link the fixture"
refused "$T/cross.img" "[Cc]ross" "cross-linked FAT16"

# --- -p N on a partitioned disk image ----------------------------------------

# disk FILE P2START: a 64 MiB disk, partition 1 (8 MiB, type 83) at 2048,
# partition 2 (FAT16, type 6) from P2START to the end.
disk() {
	truncate -s 64M "$1" &&
	printf 'label: dos\n2048,16384,83\n%s,,6\n' "$2" |
	    sfdisk -q "$1" >/dev/null
}

disk "$T/disk1" 20480 || fatal "sfdisk failed"
p2_sectors=$(( 131072 - 20480 ))
mkfs.fat -F 16 -i 1234abcd -h 20480 -C "$T/p2.img" $((p2_sectors / 2)) \
    >/dev/null && fat_populate "$T/p2.img" || fatal "no partition fixture"
dd if="$T/p2.img" of="$T/disk1" bs=512 seek=20480 conv=notrunc status=none
run "$MKIMZ" pack -q -p 2 "$T/disk1" "$T/p"
is "$RC" 0 "pack -p 2 DISK exits 0" || sed 's/^/# /' "$T/err" >&2
run "$MKIMZ" unpack -q "$T/p.imz" "$T/p.flat"
is "$RC" 0 "unpack of the partition into a file exits 0"
ok "-p 2: the partition's files" fat_same_files "$T/p2.img" "$T/p.flat"
run "$MKIMZ" pack -q -p 1 "$T/disk1" "$T/p1"
is "$RC" 1 "pack -p 1 (not FAT) exits 1"

disk "$T/disk2" 30720 || fatal "sfdisk failed"
cp "$T/disk2" "$T/disk2.orig"
run "$MKIMZ" unpack -q -p 2 "$T/p.imz" "$T/disk2"
is "$RC" 0 "unpack -p 2 onto another disk (partition at 30720) exits 0"
dd if="$T/disk2" of="$T/p2.out" bs=512 skip=30720 status=none
ok "unpack -p 2: fsck.fat -n on the partition" fat_fsck "$T/p2.out"
ok "unpack -p 2: the same files" fat_same_files "$T/p2.img" "$T/p2.out"
is "$(fat_u32 "$T/p2.out" 28)" 30720 "unpack -p 2: hidden sectors = 30720"
ok "unpack -p 2: the MBR and partition 1 untouched" \
    cmp -n $((30720 * 512)) "$T/disk2" "$T/disk2.orig"

done_testing
