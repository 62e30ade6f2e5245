#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# aoetarget over a veth pair, driven by our own initiator: discovery,
# IDENTIFY, reads and writes checked against the backing file, LBA28 and
# LBA48, every ATA and AoE error path, read-only targets and -o/-l windows.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/aoe.sh"

aoe_require

DISK=$T/disk.img
SECTORS=4096
aoe_mkdisk "$DISK" $SECTORS
cp "$DISK" "$T/ro.img"
cp "$DISK" "$T/ro.orig"
aoe_net || fatal "cannot set up the namespaces"
aoe_start A 3 7 "$AOE_TIF" "$DISK" || fatal "aoetarget e3.7 does not answer"
pass "aoetarget serves e3.7"
like "$(head -n 1 "$T/A.log")" \
	"^(aoetarget: )?e3\\.7 on $AOE_TIF: .*$SECTORS sectors, 2 sectors/frame, bufcnt [0-9]+" \
	"the start line names the target, its size and sectors per frame"

# --- discovery and IDENTIFY ---
TMAC=$(aoe_mac t "$AOE_TIF")
run aoe discover
is "$RC" 0 "broadcast discovery answers"
like "$(cat "$T/out")" "^e3\\.7 mac=$TMAC bufcnt=[1-9][0-9]* fw=[0-9]+ spf=2 ver=1 cfg=''\$" \
	"discovery: shelf.slot, MAC, buffer count, 2 sectors per frame at MTU 1500"

run aoe -t 3.7 identify
is "$RC" 0 "IDENTIFY succeeds"
is "$(aoe_field size_sectors)" $SECTORS "IDENTIFY: size in sectors"
is "$(aoe_field lba48)" 1 "IDENTIFY: word 83 announces LBA48"
is "$(aoe_field flush)" 1 "IDENTIFY: word 83 announces FLUSH CACHE"
is "$(aoe_field w60_61)" $SECTORS "IDENTIFY: words 60-61 hold the LBA28 size"
is "$(aoe_field w100_103)" $SECTORS "IDENTIFY: words 100-103 hold the LBA48 size"
like "$(aoe_field w49)" '^0x.[2367abef]..$' "IDENTIFY: word 49 has LBA (bit 9)"
like "$(grep '^model=' "$T/out")" '^model=.+' "IDENTIFY: a model string"
like "$(grep '^serial=' "$T/out")" '^serial=.+' "IDENTIFY: a serial number"

# --- reads and writes, LBA48 (the initiator's default) ---
run aoe -t 3.7 read 0 $SECTORS
aoe_sectors "$DISK" 0 $SECTORS >"$T/want"
ok "reading the whole disk gives the file" cmp "$T/out" "$T/want"

aoe_mkdisk "$T/w1" 77
aoe -t 3.7 write 1001 <"$T/w1" >/dev/null 2>"$T/err"
is "$?" 0 "writing 77 sectors at 1001"
aoe_sectors "$DISK" 1001 77 >"$T/got"
ok "the file holds what was written" cmp "$T/w1" "$T/got"
run aoe -t 3.7 read 1001 77
ok "reading it back gives the same bytes" cmp "$T/out" "$T/w1"

aoe_mkdisk "$T/w2" 1
aoe -t 3.7 write $((SECTORS - 1)) <"$T/w2" >/dev/null 2>&1
aoe_sectors "$DISK" $((SECTORS - 1)) 1 >"$T/got"
ok "the last sector is writable" cmp "$T/w2" "$T/got"

# --- LBA28 with the device/head bits initiators put in lba3 ---
run aoe -t 3.7 ata 0x20 --lba28 --dev 0xe0 --lba 300 --count 2 --out "$T/r28"
like "$(cat "$T/out")" '^status=0x40 .*aoe_error=0 .*len=1024' \
	"READ SECTORS (LBA28, lba3 = 0xe0) succeeds"
aoe_sectors "$DISK" 300 2 >"$T/want"
ok "LBA28 read: the device bits are masked off" cmp "$T/r28" "$T/want"

aoe_mkdisk "$T/w3" 2
run aoe -t 3.7 ata 0x30 --lba28 --dev 0xf0 --lba 400 --count 2 --data-file "$T/w3"
like "$(cat "$T/out")" '^status=0x40 ' "WRITE SECTORS (LBA28, lba3 = 0xf0) succeeds"
aoe_sectors "$DISK" 400 2 >"$T/got"
ok "LBA28 write lands at the masked address" cmp "$T/w3" "$T/got"

run aoe -t 3.7 ata 0x24 --lba 4000 --count 2 --out "$T/r48"
aoe_sectors "$DISK" 4000 2 >"$T/want"
ok "READ SECTORS EXT (LBA48) reads the right sectors" cmp "$T/r48" "$T/want"

# --- errors: the address range and the frame size ---
run aoe -t 3.7 ata 0x24 --lba $SECTORS --count 1
like "$(cat "$T/out")" '^status=0x5[19] err=0x[0-9a-f]*[13579bdf]0 ' \
	"a read past the end: ATA error IDNF"
run aoe -t 3.7 ata 0x24 --lba $((SECTORS - 1)) --count 2
like "$(cat "$T/out")" '^status=0x5[19] err=0x[0-9a-f]*[13579bdf]0 .*len=[0-9]{1,2}$' \
	"a read that crosses the end: IDNF and no data (frame padding at most)"
run aoe -t 3.7 read $((SECTORS - 1)) 2
is "$RC" 1 "the initiator's read across the end fails"
is "$(wc -c <"$T/out")" 0 "no short read"
run aoe -t 3.7 ata 0x24 --lba 0x1000000000 --count 1
like "$(cat "$T/out")" '^status=0x5[19] ' "an LBA48 address far out of range: an ATA error"

run aoe -t 3.7 ata 0x24 --lba 0 --count 3
like "$(cat "$T/out")" 'aoe_error=2 flags=0xc len=[0-9]{1,2}$' \
	"3 sectors in a 1500-byte frame: AoE error 2 (bad argument), no data"
run aoe -t 3.7 --spf 3 read 0 3
is "$RC" 1 "the initiator's oversized read fails"
is "$(wc -c <"$T/out")" 0 "nothing is returned for it"

aoe_mkdisk "$T/w4" 1
run aoe -t 3.7 ata 0x34 --lba 10 --count 2 --data-file "$T/w4"
like "$(cat "$T/out")" 'aoe_error=2 ' "a write with less data than its count: AoE error 2"
aoe_sectors "$DISK" 10 1 >"$T/got"
nok "and nothing of it is written" cmp -s "$T/w4" "$T/got"

# --- the W flag must agree with the command ---
cp "$DISK" "$T/before"
aoe_mkdisk "$T/w6" 2
run aoe -t 3.7 ata 0x34 --lba 500 --count 2 --data-file "$T/w6" --aflags 0x40
like "$(cat "$T/out")" '^status=0x51 err=0x04 count=0x00 ' \
	"WRITE SECTORS EXT with data but W clear: ATA abort"
run aoe -t 3.7 ata 0x30 --lba28 --lba 500 --count 1 --data-file "$T/w2" --aflags 0x00
like "$(cat "$T/out")" '^status=0x51 err=0x04 ' "WRITE SECTORS (LBA28) with W clear: ATA abort"
ok "the file is unchanged by either" cmp "$DISK" "$T/before"
run aoe -t 3.7 ata 0x24 --lba 500 --count 2 --aflags 0x41 --out "$T/rw"
like "$(cat "$T/out")" '^status=0x51 err=0x04 .*len=[0-9]{1,2}$' \
	"READ SECTORS EXT with W set: ATA abort, no data"
run aoe -t 3.7 ata 0x34 --lba 500 --count 2 --data-file "$T/w6" --aflags 0x41
like "$(cat "$T/out")" '^status=0x40 ' "the same write with W set succeeds"
aoe_sectors "$DISK" 500 2 >"$T/got"
ok "and lands in the file" cmp "$T/w6" "$T/got"

# --- other ATA commands ---
run aoe -t 3.7 flush
is "$RC" 0 "FLUSH CACHE EXT succeeds"
run aoe -t 3.7 flush 28
is "$RC" 0 "FLUSH CACHE succeeds"
run aoe -t 3.7 ata 0xe5
like "$(cat "$T/out")" '^status=0x40 err=0x00 count=0xff ' \
	"CHECK POWER MODE: active (count 0xff)"
run aoe -t 3.7 ata 0x99
like "$(cat "$T/out")" '^status=0x51 err=0x04 ' "an unknown ATA command is aborted (ABRT)"
run aoe -t 3.7 ata 0xc8 --lba28 --count 1
like "$(cat "$T/out")" '^status=0x51 err=0x04 ' "READ DMA is aborted too"

# --- AoE header: unknown command, version, tags ---
run aoe --timeout 300 raw '10 00 0003 07 55 0abcdef0'
like "$(cat "$T/out")" '^1c0100030755' "an unknown AoE command: error 1 with the E flag"
run aoe --timeout 300 raw '20 00 0003 07 01 0abcdef1 0000 0000 00 00 0000'
like "$(cat "$T/out")" '^[12]c05000307010abcdef1' "version 2 addressed to us: error 5"
run aoe --timeout 300 raw '20 00 ffff ff 01 0abcdef2 0000 0000 00 00 0000'
is "$(cat "$T/out")" "no reply" "version 2 by broadcast: no answer"
run aoe --timeout 300 raw '18 00 0003 07 01 0abcdef3 0000 0000 00 00 0000'
is "$(cat "$T/out")" "no reply" "a frame with R set is ignored"
run aoe --timeout 300 raw '10 00 0003 07 01 12345678 0000 0000 00 10 0000 deadbeef'
like "$(cat "$T/out")" '^18000003070112345678' "config read with trailing bytes: tag echoed"
run aoe --timeout 300 raw '10 00 0003 08 01 12345679 0000 0000 00 10 0000'
is "$(cat "$T/out")" "no reply" "another slot on the same shelf: no answer"

# --- read-only target, and a window of the file with -o/-l ---
aoe_start RO -r 3 8 "$AOE_TIF" "$T/ro.img" || fatal "e3.8 (-r) does not answer"
aoe_mkdisk "$T/w5" 4
aoe -t 3.8 write 20 <"$T/w5" >/dev/null 2>"$T/err"
is "$?" 1 "a write to a read-only target fails"
run aoe -t 3.8 ata 0x34 --lba 20 --count 1 --data-file "$T/w2"
like "$(cat "$T/out")" '^status=0x51 err=0x04 ' "the refusal is an ATA abort"
ok "the read-only file is unchanged" cmp "$T/ro.img" "$T/ro.orig"
run aoe -t 3.8 read 0 16
ok "a read-only target still reads" test "$(wc -c <"$T/out")" -eq 8192

aoe_start WIN -o 16 -l 64 3 9 "$AOE_TIF" "$DISK" || fatal "e3.9 (-o/-l) does not answer"
run aoe -t 3.9 identify
is "$(aoe_field size_sectors)" 64 "-l 64: the target has 64 sectors"
run aoe -t 3.9 read 0 64
aoe_sectors "$DISK" 16 64 >"$T/want"
ok "-o 16: sector 0 is sector 16 of the file" cmp "$T/out" "$T/want"
run aoe -t 3.9 ata 0x24 --lba 64 --count 1
like "$(cat "$T/out")" '^status=0x5[19] ' "past -l: an ATA error"

ok "e3.7 still serves after all this" aoe -t 3.7 read 0 1

# --- the backing file cut short under a running target ---
# Replies are sent from the mapped file when its pages are in memory: a
# page the file lost must become an ATA error, not a crash.
truncate -s $((SECTORS / 2 * 512)) "$DISK"
run aoe -t 3.7 ata 0x24 --lba $((SECTORS - 100)) --count 2
like "$(cat "$T/out")" '^status=0x51 err=0x40 ' \
	"a read where the file was cut short: ATA error UNC"
run aoe -t 3.7 read 0 16
aoe_sectors "$DISK" 0 16 >"$T/want"
ok "the target still serves what is left" cmp "$T/out" "$T/want"
like "$(cat "$T/A.log")" "e3\\.7: read at sector $((SECTORS - 100))" \
	"the failed read is logged with its sector"

# On tmpfs, with no holes, no page is looked up before the send: there the
# send itself finds the page gone.
SHM=$(mktemp /dev/shm/nbt-aoe.XXXXXX 2>/dev/null) || SHM=
if [ -n "$SHM" ]; then
	at_exit "rm -f '$SHM'"
	aoe_mkdisk "$SHM" 1024
	aoe_start SHM 3 10 "$AOE_TIF" "$SHM" || fatal "e3.10 does not answer"
	run aoe -t 3.10 read 0 1024
	aoe_sectors "$SHM" 0 1024 >"$T/want"
	ok "a file on tmpfs reads right" cmp "$T/out" "$T/want"
	truncate -s $((512 * 512)) "$SHM"
	run aoe -t 3.10 ata 0x24 --lba 1000 --count 2
	like "$(cat "$T/out")" '^status=0x51 err=0x40 ' \
		"tmpfs file cut short: ATA error UNC"
	like "$(cat "$T/SHM.log")" 'e3\.10: read at sector 1000: the file is shorter now' \
		"the send that found the page gone is logged"
	ok "e3.10 still serves" aoe -t 3.10 read 0 1
else
	skip "no writable /dev/shm" 4
fi
done_testing
