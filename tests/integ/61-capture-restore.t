#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# netboot-capture -> our tftpd -> netboot-restore, on disk images: a FAT16
# and a FAT32 partition are captured into a TFTP root served in a private
# namespace, and restored from another namespace onto empty disks of
# another size.  A second restore finds its cache current and fetches only
# the .chk; a new capture (counter 2) is downloaded; a corrupted cache is
# noticed and replaced; -D discards a current cache; -l lays out an empty
# disk first and, without NAME, restores the image the table's fifth line
# names; the same files come over HTTP from busybox httpd.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/tftpd.sh"
. "$HERE/tools/mkimz.sh"
. "$HERE/tools/glue.sh"

require_root
require_netns
require_cmd busybox
tftpd_require
glue_require

SRV=198.18.61.1
chmod 755 "$T"
TR=$T/tftp
mkdir -p "$TR"
netns_add srv && netns_add cli &&
	veth_pair srv s0 "$SRV/24" cli c0 198.18.61.2/24 ||
	fatal "cannot set up the namespaces"
tftpd_start tftpd srv "$SRV:69" -v "$TR" || fatal "tftpd does not start"

capture() { run env MKIMZ="$MKIMZ" sh "$SCRIPTS/netboot-capture" "$@"; }
restore() {
	run in_ns cli env MKIMZ="$MKIMZ" sh "$SCRIPTS/netboot-restore" \
		-s "$SRV" "$@"
}
# fetched NAME: how often tftpd sent NAME since the last mark
MARK=0
mark() { MARK=$(wc -l <"$T/tftpd.log"); }
fetched() {
	tail -n "+$((MARK + 1))" "$T/tftpd.log" | grep -Ec "RRQ /?$1: ok,"
}
# same DISK N VOLUME WHAT: partition N passes fsck.fat -n and holds
# VOLUME's files but the default excludes
same() {
	glue_get "$1" "$2" "$T/got.img"
	ok "$4: fsck.fat -n passes" fat_fsck "$T/got.img" ||
		diag "$(cat "$T/fsck.out")"
	ok "$4: files match" fat_same_files "$3" "$T/got.img"
}

# --- FAT16, cache at the end of the disk ----------------------------------
fat_new "$T/vol16.img" 16 32768
fat_populate "$T/vol16.img" || fatal "cannot make the FAT16 volume"
glue_disk "$T/src16.img" 48 'start=2048, size=65536, type=6, bootable' &&
	glue_put "$T/src16.img" 1 "$T/vol16.img" ||
	fatal "cannot make the source disk"

run sh "$SCRIPTS/netboot-restore" -s "$SRV"
is "$RC" 2 "restore: missing NAME is a usage error"
run sh "$SCRIPTS/netboot-restore" -s "$SRV" -p 5 x
is "$RC" 2 "restore: partition 5 is a usage error"
run env -u siaddr sh "$SCRIPTS/netboot-restore" -d /nonexistent x
is "$RC" 2 "restore: no server known is a usage error"

capture -q bogus
is "$RC" 2 "capture: missing NAME is a usage error"
capture "$T/src16.img" ../x "$TR"
is "$RC" 2 "capture: NAME with a / is refused"
capture "$T/src16.img" .hidden "$TR"
is "$RC" 2 "capture: NAME with a leading dot is refused"

capture -p 1 "$T/src16.img" f16 "$TR"
is "$RC" 0 "capture FAT16" || diag "$(cat "$T/err")"
like "$(cat "$T/out")" 'counter: +1$' "first capture: counter 1"
like "$(cat "$T/out")" 'checksum: +[0-9a-f]{4}' "summary gives the checksum"
ok "f16.imz and f16.chk in the TFTP root" test -s "$TR/f16.imz" -a -s "$TR/f16.chk"

# the target: bigger, its FAT partition empty and of another size
glue_disk "$T/dst.img" 80 'start=2048, size=90112, type=e'
restore -d "$T/dst.img" f16
is "$RC" 0 "first restore" || diag "$(cat "$T/err")"
like "$(cat "$T/out")" "downloaded $(stat -c %s "$TR/f16.imz") bytes" \
	"first restore downloads the image"
like "$(cat "$T/out")" 'fetch [0-9.]+ s, verify [0-9.]+ s, unpack [0-9.]+ s' \
	"timings reported"
same "$T/dst.img" 1 "$T/vol16.img" "first restore"

mark
restore -d "$T/dst.img" f16
is "$RC" 0 "second restore" || diag "$(cat "$T/err")"
like "$(cat "$T/out")" 'cache current: no download' "second restore: no download"
is "$(fetched 'f16\.chk')" 1 "tftpd sent the .chk"
is "$(fetched 'f16\.imz')" 0 "tftpd did not send the .imz"
same "$T/dst.img" 1 "$T/vol16.img" "restore from the cache"

mark
restore -d "$T/dst.img" -D f16
is "$RC" 0 "-D: restore" || diag "$(cat "$T/err")"
like "$(cat "$T/out")" 'cache discarded' "-D: the cache is discarded"
is "$(fetched 'f16\.imz')" 1 "-D: the current image is fetched again"
same "$T/dst.img" 1 "$T/vol16.img" "-D: restored"

# a change on the source: counter 2, downloaded again
echo "second capture" >"$T/hello"
mcopy -o -i "$T/vol16.img" "$T/hello" ::/HELLO.TXT &&
	glue_put "$T/src16.img" 1 "$T/vol16.img" || fail "cannot change the source"
capture -p 1 "$T/src16.img" f16 "$TR"
is "$RC" 0 "capture again"
like "$(cat "$T/out")" 'counter: +2$' "second capture: counter 2"
mark
restore -d "$T/dst.img" f16
is "$RC" 0 "restore after the change"
like "$(cat "$T/out")" 'downloaded [0-9]+ bytes' "the new image is downloaded"
is "$(fetched 'f16\.imz')" 1 "tftpd sent the .imz"
same "$T/dst.img" 1 "$T/vol16.img" "restore of the new capture"

# the cached image corrupted: verification fails, downloaded again
start=$(glue_cache_field "$T/dst.img" start)
bytes=$(glue_cache_field "$T/dst.img" bytes)
ok "the descriptor names the cached image" test -n "$start" -a -n "$bytes"
head -c 256 /dev/urandom | dd of="$T/dst.img" bs=1 \
	seek=$((start + bytes / 2)) conv=notrunc status=none
mark
restore -d "$T/dst.img" f16
is "$RC" 0 "restore over a corrupted cache"
like "$(cat "$T/out")" 'fails verification' "the corruption is noticed"
like "$(cat "$T/out")" 'downloaded [0-9]+ bytes' "and the image downloaded"
is "$(fetched 'f16\.imz')" 1 "tftpd sent the .imz"
same "$T/dst.img" 1 "$T/vol16.img" "restore after corruption"

# an interrupted download leaves the descriptor zeroed: fetched again
dd if=/dev/zero of="$T/dst.img" bs=512 count=1 conv=notrunc status=none \
	seek=$(($(stat -c %s "$T/dst.img") / 512 - 2))
mark
restore -d "$T/dst.img" f16
is "$RC" 0 "restore without a descriptor"
is "$(fetched 'f16\.imz')" 1 "no descriptor: the image is fetched"

# a cache that would overlap a partition is refused
glue_disk "$T/full.img" 40 'start=2048, type=6'
restore -d "$T/full.img" f16
is "$RC" 1 "no room for the cache before the partition end: exit 1"
like "$(cat "$T/err")" 'does not fit|no room' "and says why"

# --- FAT32, cache in its own partition -------------------------------------
fat_new "$T/vol32.img" 32 69632
fat_populate "$T/vol32.img" || fatal "cannot make the FAT32 volume"
capture "$T/vol32.img" f32 "$TR"
is "$RC" 0 "capture a FAT32 volume image" || diag "$(cat "$T/err")"
like "$(cat "$T/out")" 'counter: +1$' "FAT32 capture: counter 1"
glue_disk "$T/dst32.img" 100 'start=2048, size=151552, type=b'
truncate -s 80M "$T/cache32.img"
restore -d "$T/dst32.img" -c "$T/cache32.img" f32
is "$RC" 0 "FAT32 restore with a cache file" || diag "$(cat "$T/err")"
same "$T/dst32.img" 1 "$T/vol32.img" "FAT32 restore"
restore -d "$T/dst32.img" -c "$T/cache32.img" f32
like "$(cat "$T/out")" 'cache current: no download' "FAT32: cache current"

# --- -l TABFILE on an empty disk -------------------------------------------
cat >"$T/layout.tab" <<'EOF'
# the restored volume first, the rest of the disk left for the cache
$0E Y +40 Mb
0
0
0
EOF
truncate -s 96M "$T/empty.img"
restore -d "$T/empty.img" -l "$T/layout.tab" f16
is "$RC" 0 "restore with -l onto an empty disk" || diag "$(cat "$T/err")"
if [ "$RC" = 0 ]; then
	like "$(sfdisk -d "$T/empty.img" 2>&1)" 'type=e, bootable' \
		"the layout is written"
	same "$T/empty.img" 1 "$T/vol16.img" "restore after layout"
else
	skip "no layout written" 3
fi
printf '$0E Y +40 Mb\n0\n0\n0\n/tftpboot/f16.imz\n' >"$T/named.tab"
truncate -s 0 "$T/empty.img"
truncate -s 96M "$T/empty.img"
restore -d "$T/empty.img" -l "$T/named.tab"
is "$RC" 0 "-l without NAME: the fifth line's image" || diag "$(cat "$T/err")"
same "$T/empty.img" 1 "$T/vol16.img" "the fifth line's f16 restored"
printf '$0E Y +40 Mb\n0\n0\n0\n' >"$T/unnamed.tab"
restore -d "$T/empty.img" -l "$T/unnamed.tab"
is "$RC" 1 "-l without NAME nor a fifth line: exit 1"
like "$(cat "$T/err")" 'no image named on its fifth line' \
	"-l without NAME nor a fifth line: message"
restore -d "$T/empty.img"
is "$RC" 2 "neither NAME nor -l: exit 2"

# --- HTTP: the same directory from busybox httpd ---------------------------
start_bg httpd in_ns srv busybox httpd -f -p "$SRV:8080" -h "$TR" &&
	wait_tcp_port srv 8080 || fatal "busybox httpd does not start"
restore_http() {
	run in_ns cli env MKIMZ="$MKIMZ" sh "$SCRIPTS/netboot-restore" \
		-s "http://$SRV:8080/" "$@"
}
glue_disk "$T/http.img" 80 'start=2048, size=90112, type=e'
mark
restore_http -d "$T/http.img" f16
is "$RC" 0 "restore over HTTP" || diag "$(cat "$T/err")"
like "$(cat "$T/out")" "downloaded $(stat -c %s "$TR/f16.imz") bytes" \
	"HTTP: the image is downloaded"
same "$T/http.img" 1 "$T/vol16.img" "restore over HTTP"
restore_http -d "$T/http.img" f16
like "$(cat "$T/out")" 'cache current: no download' "HTTP: cache current"
is "$(fetched 'f16\.(chk|imz)')" 0 "HTTP: nothing went through tftpd"
restore_http -d "$T/http.img" missing
is "$RC" 1 "HTTP: a missing image: exit 1"
like "$(cat "$T/err")" 'cannot fetch missing\.chk' "HTTP: and says which file"
stop_bg httpd

stop_bg tftpd
done_testing
