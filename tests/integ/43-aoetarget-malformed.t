#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Frames no honest initiator sends.  For each one aoetarget may stay silent
# or answer with an error (the E flag, or an ATA error status), but must
# change nothing and keep serving: checked after every frame.  Then a
# burst of random ATA and Query Config frames addressed to the target.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/aoe.sh"

aoe_require

DISK=$T/disk.img
aoe_mkdisk "$DISK" 512
cp "$DISK" "$T/orig.img"
aoe_net || fatal "cannot set up the namespaces"
aoe_start A 2 2 "$AOE_TIF" "$DISK" || fatal "aoetarget e2.2 does not answer"
pass "aoetarget serves e2.2"

still_serves() {
	aoe -t 2.2 read 0 2 >"$T/probe" 2>/dev/null &&
		aoe_sectors "$DISK" 0 2 | cmp -s - "$T/probe"
}

# refused REPLY: no reply, an AoE error (E flag), an ATA reply whose
# status (byte 13 of the AoE part) has ERR set, or a mask list reply with
# a non-zero MError (byte 12).
refused() {
	case $1 in
	'no reply' | 1c*) return 0 ;;
	18????????00*)
		case $(printf '%s' "$1" | cut -c28) in
		1 | 3 | 5 | 7 | 9 | b | d | f) return 0 ;;
		esac ;;
	18????????02*)
		[ "$(printf '%s' "$1" | cut -c25-26)" != 00 ] && return 0 ;;
	esac
	return 1
}

# try DESC HEX: the reply is none or an error, and the target still serves.
try() {
	run aoe --timeout 300 raw "$2"
	if refused "$(cat "$T/out")"; then
		pass "$1: dropped or refused"
	else
		fail "$1: dropped or refused"
		diag "reply: $(cat "$T/out")"
	fi
	ok "$1: the target still serves" still_serves
}

H='10 00 0002 02'		# version 1, no flags, e2.2

try "no AoE header at all" ''
try "4 bytes of header" '10 00 0002'
try "9 bytes of header" "$H 00 000000"
try "version 2" '20 00 0002 02 00 00000001 40 00 01 24 000000000000 0000'
try "version 15, broadcast" 'f0 00 ffff ff 01 00000002'
try "unknown command 0x7f" "$H 7f 00000003"
try "unknown command 0xff with data" "$H ff 00000004 0102030405060708"
try "ATA argument of 5 bytes" "$H 00 00000005 40 00 01 24 00"
try "ATA read of 255 sectors in a 1500-byte frame" \
	"$H 00 00000006 40 00 ff 24 000000000000 0000"
try "ATA read of 3 sectors in a 1500-byte frame" \
	"$H 00 00000007 40 00 03 24 000000000000 0000"
try "ATA write of 2 sectors carrying 4 bytes" \
	"$H 00 00000008 41 00 02 34 000000000000 0000 deadbeef"
try "LBA48 at 2^48-1" "$H 00 00000009 40 00 01 24 ffffffffffff 0000"
try "LBA28 read at 0x0fffffff" "$H 00 0000000a 00 00 01 20 ffffff0f 0000 0000"
try "config string length 16 with 3 bytes" \
	"$H 01 0000000b 0000 0000 00 14 0010 616263"
try "config string length 0xffff" "$H 01 0000000c 0000 0000 00 14 ffff 61"
try "config argument of 3 bytes" "$H 01 0000000d 0000 00"
try "config ccmd 9" "$H 01 0000000e 0000 0000 00 19 0000"
try "mask list: 5 directives, 1 present" \
	"$H 02 0000000f 00 01 00 05 00 01 02005e000001"
try "mask list: 255 directives, none present" "$H 02 00000010 00 01 00 ff"
try "mask list: bad directive 7" \
	"$H 02 00000011 00 01 00 01 00 07 02005e000002"
try "mask list: half a directive" "$H 02 00000012 00 01 00 01 00 01 0200"
try "reserve: 3 MACs, 1 present" "$H 03 00000013 01 03 02005e000003"
try "reserve: rcmd 9" "$H 03 00000014 09 00"
try "reserve: argument of 1 byte" "$H 03 00000015 01"

run aoe -t 2.2 config read
like "$(cat "$T/out")" "cfg=''\$" "the config string is unchanged"
run aoe -t 2.2 mask read
is "$(cat "$T/out")" "n=0 merror=0 aoe_error=0 macs=" "the mask list is unchanged"
run aoe -t 2.2 reserve read
is "$(cat "$T/out")" "n=0 aoe_error=0 macs=" "the reserve list is unchanged"
ok "the disk is unchanged" cmp "$DISK" "$T/orig.img"

# --- random ATA and Query Config frames to e2.2 ---
i=0
bad=0
while [ $i -lt 60 ]; do
	len=$(od -An -N1 -tu1 /dev/urandom | tr -d ' ')
	body=$(head -c $((len % 64)) /dev/urandom | od -An -v -tx1 | tr -d ' \n')
	aoe --timeout 50 --retries 0 raw "$H 0$((i % 2)) $(printf '%08x' $i) $body" \
		>"$T/r" 2>&1
	case $(cat "$T/r") in
	'no reply' | 1[0-9a-f]*) ;;
	*) bad=$((bad + 1)); diag "odd reply: $(cat "$T/r")" ;;
	esac
	i=$((i + 1))
done
is "$bad" 0 "60 random frames: no malformed reply"
ok "the target still serves after them" still_serves
ok "and still runs" bg_alive A
done_testing
