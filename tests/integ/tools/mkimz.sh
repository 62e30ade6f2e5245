# SPDX-License-Identifier: GPL-2.0-or-later
# tests/integ/tools/mkimz.sh - FAT fixtures and judges for the mkimz tests
# (and for the tests of the scripts built on mkimz).
#
# Sourced after tests/lib.sh:
#   . "$HERE/../lib.sh"; . "$HERE/tools/mkimz.sh"
#
# MKIMZ names the tool under test, $NB_BIN/mkimz by default.
#
# fixtures   fat_new IMG 12|16|32 KIB; fat_populate IMG; fat_fill IMG;
#            fat_fragment IMG; fat_excludables IMG
# facts      fat_u8 IMG OFF; fat_u16 IMG OFF; fat_u32 IMG OFF (little endian);
#            fat_type IMG; fat_first_cluster IMG PATH; fat_runs IMG PATH
# damage     fat_set_dirty IMG; fat_crosslink IMG PATH_A PATH_B (FAT16/32)
# mkimz      imz_info IMAGE KEY (from info --porcelain); mkimz_require
# judges     fat_extract IMG DIR; fat_same_files SRC_IMG DST_IMG (after the
#            default excludes); fat_fsck IMG; chk_serial CHKFILE;
#            fill_bytes FILE BYTES BYTE (a file of one repeated byte)
#
# The fixtures are built with mkfs.fat and mtools only, so they are what any
# FAT driver would make.  EXCLUDED lists the names fat_excludables creates
# (paths relative to the root) that the default excludes must drop.

MKIMZ=${MKIMZ:-$NB_BIN/mkimz}
MTOOLS_SKIP_CHECK=1
export MTOOLS_SKIP_CHECK
EXCLUDED='PAGEFILE.SYS
OLD.SWP
deep/Swap File.swp
deep/a/hiberfil.sys'
NL='
'

mkimz_require() {
	require_cmd mkfs.fat fsck.fat mcopy mmd mdel mattrib mshowfat od dd \
	    cmp diff truncate
	[ -x "$MKIMZ" ] || skip_all "no mkimz at $MKIMZ (build it, or set MKIMZ)"
	"$MKIMZ" pack --help 2>&1 | grep -q -- --chk ||
	    skip_all "$MKIMZ has no pack subcommand yet"
}

# fat_new IMG TYPE KIB: a new, empty volume of KIB KiB with a fixed serial
# (so that two fixtures built alike are byte-identical but for file data).
fat_new() {
	rm -f "$1"
	mkfs.fat -F "$2" -i 1234abcd -n "NB FAT$2" -C "$1" "$3" >/dev/null
}

fat_u8() {
	od -An -tu1 -j "$2" -N 1 "$1" | tr -d ' '
}

fat_u16() {
	od -An -tu2 --endian=little -j "$2" -N 2 "$1" | tr -d ' '
}

fat_u32() {
	od -An -tu4 --endian=little -j "$2" -N 4 "$1" | tr -d ' '
}

# fat_type IMG: 12, 16 or 32, from the count of clusters as the spec says.
fat_type() {
	_ft_bps=$(fat_u16 "$1" 11)
	_ft_spc=$(fat_u8 "$1" 13)
	_ft_res=$(fat_u16 "$1" 14)
	_ft_nf=$(fat_u8 "$1" 16)
	_ft_root=$(fat_u16 "$1" 17)
	_ft_tot=$(fat_u16 "$1" 19)
	[ "$_ft_tot" -eq 0 ] && _ft_tot=$(fat_u32 "$1" 32)
	_ft_fsz=$(fat_u16 "$1" 22)
	[ "$_ft_fsz" -eq 0 ] && _ft_fsz=$(fat_u32 "$1" 36)
	_ft_rs=$(( (_ft_root * 32 + _ft_bps - 1) / _ft_bps ))
	_ft_cl=$(( (_ft_tot - _ft_res - _ft_nf * _ft_fsz - _ft_rs) / _ft_spc ))
	if [ "$_ft_cl" -lt 4085 ]; then echo 12
	elif [ "$_ft_cl" -lt 65525 ]; then echo 16
	else echo 32
	fi
}

# fat_runs IMG PATH: the file's cluster runs as mshowfat prints them
# ("<2-11> <13-32>").
fat_runs() {
	mshowfat -i "$1" "::/$2" | sed 's/^[^<]*//'
}

fat_first_cluster() {
	fat_runs "$1" "$2" | sed -n 's/^<\([0-9]*\).*/\1/p'
}

# _fat_put IMG OFF HEXBYTES...: write bytes ("\xNN" escapes) at OFF.
_fat_put() {
	_fp_img=$1
	_fp_off=$2
	shift 2
	# shellcheck disable=SC2059
	printf "$*" | dd of="$_fp_img" bs=1 seek="$_fp_off" conv=notrunc \
	    status=none
}

_fat_le() {	# VALUE BYTES -> printf escapes, little endian
	_fl_v=$1
	_fl_n=$2
	_fl_s=
	while [ "$_fl_n" -gt 0 ]; do
		_fl_s="$_fl_s$(printf '\\%03o' $((_fl_v & 255)))"
		_fl_v=$((_fl_v >> 8))
		_fl_n=$((_fl_n - 1))
	done
	printf '%s' "$_fl_s"
}

# fat_set_dirty IMG: what a volume not unmounted cleanly looks like: the
# boot sector's dirty flag (0x25 FAT12/16, 0x41 FAT32, bit 0) set, and on
# FAT16/32 the clean-shutdown bit of FAT entry 1 cleared, in every FAT.
fat_set_dirty() {
	_fd_t=$(fat_type "$1")
	_fd_flag=37
	[ "$_fd_t" = 32 ] && _fd_flag=65
	_fd_v=$(_fat_le $(( $(fat_u8 "$1" "$_fd_flag") | 1 )) 1)
	_fat_put "$1" "$_fd_flag" "$_fd_v"
	[ "$_fd_t" = 32 ] && _fat_put "$1" $(( $(fat_u16 "$1" 50) * \
	    $(fat_u16 "$1" 11) + _fd_flag )) "$_fd_v"
	case $_fd_t in
	16)	_fat_entry_and "$1" 1 0x7fff ;;
	32)	_fat_entry_and "$1" 1 0xf7ffffff ;;
	esac
}

# _fat_offsets IMG: the byte offset of each FAT copy, one a line.
_fat_offsets() {
	_fo_fsz=$(fat_u16 "$1" 22)
	[ "$_fo_fsz" -eq 0 ] && _fo_fsz=$(fat_u32 "$1" 36)
	_fo_i=0
	while [ "$_fo_i" -lt "$(fat_u8 "$1" 16)" ]; do
		echo $(( ($(fat_u16 "$1" 14) + _fo_i * _fo_fsz) * \
		    $(fat_u16 "$1" 11) ))
		_fo_i=$((_fo_i + 1))
	done
}

# _fat_entry_and IMG N MASK / _fat_entry_set IMG N VALUE: change FAT16/32
# entry N in every FAT.
_fat_entry_and() {
	_fe_w=2
	[ "$(fat_type "$1")" = 32 ] && _fe_w=4
	for _fe_off in $(_fat_offsets "$1"); do
		_fe_off=$((_fe_off + $2 * _fe_w))
		if [ "$_fe_w" = 2 ]; then
			_fe_v=$(fat_u16 "$1" "$_fe_off")
		else
			_fe_v=$(fat_u32 "$1" "$_fe_off")
		fi
		_fat_put "$1" "$_fe_off" "$(_fat_le $((_fe_v & $3)) "$_fe_w")"
	done
}

_fat_entry_set() {
	_fe_w=2
	[ "$(fat_type "$1")" = 32 ] && _fe_w=4
	for _fe_off in $(_fat_offsets "$1"); do
		_fat_put "$1" $((_fe_off + $2 * _fe_w)) "$(_fat_le "$3" "$_fe_w")"
	done
}

# fat_crosslink IMG PATH_A PATH_B: point the first FAT entry of A at the
# first cluster of B, in every FAT, so both chains share B's clusters.
fat_crosslink() {
	[ "$(fat_type "$1")" = 12 ] && return 1
	_fc_a=$(fat_first_cluster "$1" "$2")
	_fc_b=$(fat_first_cluster "$1" "$3")
	[ -n "$_fc_a" ] && [ -n "$_fc_b" ] || return 1
	_fat_entry_set "$1" "$_fc_a" "$_fc_b"
}

# fill_bytes FILE BYTES BYTE: BYTES bytes of the octal BYTE (e.g. 125).
fill_bytes() {
	head -c "$2" /dev/zero | tr '\000' "\\$3" >"$1"
}

# _fat_rand FILE BYTES: incompressible content.
_fat_rand() {
	head -c "$2" /dev/urandom >"$1"
}

# _fat_text FILE LINES: compressible content.
_fat_text() {
	awk -v n="$2" 'BEGIN { for (i = 0; i < n; i++)
	    printf "line %d of a text file, with some words in it\n", i }' \
	    >"$1"
}

# fat_rewind_hint IMG: on FAT32, point FSInfo's next-free hint back at
# cluster 2, so that the next allocation looks for holes from the start.
fat_rewind_hint() {
	[ "$(fat_u16 "$1" 22)" -eq 0 ] || return 0
	_fat_put "$1" $(( $(fat_u16 "$1" 48) * $(fat_u16 "$1" 11) + 492 )) \
	    "$(_fat_le 2 4)"
}

# fat_fragment IMG: FRAG/C.BIN fills the hole A left and continues after
# B (A written, B written, A deleted, C written); fails when C ends up in
# one run.
fat_fragment() {
	_ff=${T:?}/.frag
	mkdir -p "$_ff"
	_fat_rand "$_ff/a" 40000
	_fat_rand "$_ff/b" 3000
	_fat_rand "$_ff/c" 150000
	mmd -i "$1" ::/FRAG &&
	mcopy -i "$1" "$_ff/a" ::/FRAG/A.BIN &&
	mcopy -i "$1" "$_ff/b" ::/FRAG/B.BIN &&
	mdel -i "$1" ::/FRAG/A.BIN &&
	fat_rewind_hint "$1" &&
	mcopy -i "$1" "$_ff/c" ::/FRAG/C.BIN || return 1
	[ "$(fat_runs "$1" FRAG/C.BIN | wc -w)" -ge 2 ]
}

# fat_excludables IMG: the files the default excludes must drop (EXCLUDED),
# with a long-named neighbour that must stay.
fat_excludables() {
	_fx=${T:?}/.excl
	mkdir -p "$_fx"
	_fat_rand "$_fx/p" 20000
	_fat_text "$_fx/s" 300
	mmd -i "$1" ::/deep ::/deep/a 2>/dev/null
	mcopy -i "$1" "$_fx/p" ::/PAGEFILE.SYS &&
	mcopy -i "$1" "$_fx/s" ::/OLD.SWP &&
	mcopy -i "$1" "$_fx/s" "::/deep/Swap File.swp" &&
	mcopy -i "$1" "$_fx/p" ::/deep/a/hiberfil.sys &&
	mcopy -i "$1" "$_fx/s" "::/deep/Swap File.swp.kept"
}

# fat_populate IMG: long names, nested directories, empty files, text and
# random data, hidden/system attributes, a fragmented file, excludables.
fat_populate() {
	_fpp=${T:?}/.pop
	mkdir -p "$_fpp"
	: >"$_fpp/empty"
	_fat_text "$_fpp/text" 2000
	_fat_rand "$_fpp/rand" 70000
	_fat_rand "$_fpp/one" 1
	mmd -i "$1" ::/d1 ::/d1/d2 ::/d1/d2/d3 ::/d1/d2/d3/d4 \
	    "::/A directory with a rather long name" &&
	mcopy -i "$1" "$_fpp/empty" ::/EMPTY.TXT &&
	mcopy -i "$1" "$_fpp/empty" "::/d1/d2/an empty file with a long name" &&
	mcopy -i "$1" "$_fpp/text" "::/Read Me First.text" &&
	mcopy -i "$1" "$_fpp/rand" ::/d1/d2/d3/d4/RANDOM.BIN &&
	mcopy -i "$1" "$_fpp/one" "::/d1/d2/d3/one byte" &&
	mcopy -i "$1" "$_fpp/text" \
	    "::/A directory with a rather long name/Mixed Case Ünïcode.txt" &&
	mcopy -i "$1" "$_fpp/one" ::/d1/HIDDEN.SYS &&
	mattrib -i "$1" +h +s ::/d1/HIDDEN.SYS &&
	fat_fragment "$1" &&
	fat_excludables "$1"
}

# fat_fill IMG: files of decreasing size until mcopy fails at each size;
# nothing is deleted afterwards, so the volume ends nearly full.
fat_fill() {
	_fl=${T:?}/.fill
	mkdir -p "$_fl"
	mmd -i "$1" ::/FILL 2>/dev/null
	_fl_i=0
	for _fl_sz in 262144 32768 4096 512; do
		_fat_rand "$_fl/f" "$_fl_sz"
		while mcopy -i "$1" "$_fl/f" "::/FILL/F$_fl_i.BIN" \
		    >/dev/null 2>&1; do
			_fl_i=$((_fl_i + 1))
		done
		# a failed copy may leave an entry behind: take it out
		mdel -i "$1" "::/FILL/F$_fl_i.BIN" >/dev/null 2>&1
	done
	[ "$_fl_i" -gt 0 ]
}

# fat_fsck IMG: fsck.fat -n, its output kept in $T/fsck.out.
fat_fsck() {
	fsck.fat -n "$1" >"$T/fsck.out" 2>&1
}

# fat_extract IMG DIR: every file of the volume into DIR (a new directory).
fat_extract() {
	rm -rf "$2"
	mkdir -p "$2" && mcopy -s -n -i "$1" ::/ "$2" >/dev/null
}

# fat_same_files SRC_IMG DST_IMG [EXCLUDED]: DST holds exactly SRC's
# files but the excluded ones (EXCLUDED: one path a line, default
# $EXCLUDED; "-" for none), which must be present in SRC; details in
# $T/diff.out.
fat_same_files() {
	_fs_src=$1
	_fs_dst=$2
	_fs_ex=${3:-$EXCLUDED}
	[ "$_fs_ex" = - ] && _fs_ex=
	fat_extract "$_fs_src" "$T/x.src" || return 1
	fat_extract "$_fs_dst" "$T/x.dst" || return 1
	: >"$T/diff.out"
	_fs_rc=0
	set -f
	_fs_ifs=$IFS
	IFS=$NL
	for _fs_e in $_fs_ex; do
		if [ -e "$T/x.src/$_fs_e" ]; then
			rm -f "$T/x.src/$_fs_e"
		else
			echo "not in the source: $_fs_e" >>"$T/diff.out"
			_fs_rc=1
		fi
		if [ -e "$T/x.dst/$_fs_e" ]; then
			echo "not excluded: $_fs_e" >>"$T/diff.out"
			_fs_rc=1
		fi
	done
	IFS=$_fs_ifs
	set +f
	diff -r "$T/x.src" "$T/x.dst" >>"$T/diff.out" 2>&1 || _fs_rc=1
	[ "$_fs_rc" -eq 0 ] || sed 's/^/# /' "$T/diff.out" >&2
	return "$_fs_rc"
}

# imz_info IMAGE KEY: one value of `mkimz info --porcelain IMAGE`.
imz_info() {
	"$MKIMZ" info --porcelain "$1" 2>/dev/null | sed -n "s/^$2=//p"
}

# chk_serial CHKFILE: the volume serial a .chk carries, as a decimal;
# -1 when CHKFILE is not 512 bytes.
chk_serial() {
	if [ "$(stat -c %s "$1" 2>/dev/null)" != 512 ]; then
		echo -1
	elif [ "$(fat_u16 "$1" 22)" -eq 0 ]; then
		fat_u32 "$1" 67
	else
		fat_u32 "$1" 39
	fi
}

# --- the .imz file, for the corruption tests --------------------------------

# imz_magics: "KIND HEX" lines, one per part kind (reserved fat root map
# chunk trailer), HEX the part magic's bytes as they appear in the file
# (u32, little endian).  IMZ_MAGICS (same form, ";" between lines) wins;
# else they are taken from the format header, mkimz/imz.h.
imz_magics() {
	if [ -n "${IMZ_MAGICS:-}" ]; then
		printf '%s\n' "$IMZ_MAGICS" | tr ';' '\n'
		return
	fi
	[ -r "$NB_SRC/mkimz/imz.h" ] || return 1
	grep -E '0[xX][0-9A-Fa-f]{8}' "$NB_SRC/mkimz/imz.h" | awk '{
		u = toupper($1 == "#define" ? $2 : $1); k = "";
		if (u ~ /TRAILER|_END/) k = "trailer";
		else if (u ~ /CHUNK|DATA/) k = "chunk";
		else if (u ~ /MAP/) k = "map";
		else if (u ~ /ROOT/) k = "root";
		else if (u ~ /RESERVED|RSV|BOOT/) k = "reserved";
		else if (u ~ /FAT/) k = "fat";
		if (k == "" || seen[k]++) next;
		match($0, /0[xX][0-9A-Fa-f]+/);
		h = tolower(substr($0, RSTART + 2, 8));
		print k, substr(h, 7, 2) substr(h, 5, 2) substr(h, 3, 2) \
		    substr(h, 1, 2);
	}'
}

# imz_offsets IMAGE HEX: every byte offset where the 4 bytes HEX occur.
imz_offsets() {
	LC_ALL=C grep -obUaP "$(printf '%s' "$2" | sed 's/../\\x&/g')" "$1" |
	    cut -d: -f1
}

# flip_bit FILE OFF: invert the low bit of the byte at OFF.
flip_bit() {
	_fb_v=$(fat_u8 "$1" "$2")
	_fat_put "$1" "$2" "$(_fat_le $((_fb_v ^ 1)) 1)"
}
