#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# netboot-restore over HTTP from lighttpd, started in a namespace with the
# project's example configuration with the CGI (etc/lighttpd/
# netboot-cgi.conf, which includes netboot.conf): the bootcfg CGI answers
# a host with its iPXE script, the .imz download is broken off halfway by
# a relay and resumed with a Range request, and the restored volume
# passes fsck.fat -n and holds the source's files.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/mkimz.sh"
. "$HERE/tools/glue.sh"
. "$HERE/tools/bootcfg.sh"

LIGHTTPD=${LIGHTTPD:-lighttpd}

require_root
require_netns
require_cmd "$LIGHTTPD" curl perl
glue_require
bootcfg_require

SRV=198.18.67.1
chmod 755 "$T"
TR=$T/tftp
mkdir -p "$TR" "$T/cgi"
netns_add srv && netns_add cli &&
	veth_pair srv s0 "$SRV/24" cli c0 198.18.67.2/24 ||
	fatal "cannot set up the namespaces"

# the web server runs as www-data: the CGI and its tables where it reads
cp "$NB_SRC/etc/lighttpd/bootcfg.cgi" "$BOOTCFG" "$BCDATA/hosts" \
	"$BCDATA/profiles" "$T/cgi/" && chmod -R a+rX "$T/cgi" ||
	fatal "cannot copy the CGI"
# its include "netboot.conf" is found beside the file given to -f
cp "$NB_SRC/etc/lighttpd/netboot.conf" "$NB_SRC/etc/lighttpd/netboot-cgi.conf" \
	"$T/" || fatal "cannot copy the configuration"
cat >"$T/lighttpd.conf" <<EOF
include "netboot-cgi.conf"
server.document-root := "$TR"
server.bind := "$SRV"
alias.url := ( "/cgi-bin/bootcfg" => "$T/cgi/bootcfg.cgi" )
setenv.add-environment := (
	"BOOTCFG" => "$T/cgi/bootcfg",
	"BOOTCFG_HOSTS" => "$T/cgi/hosts",
	"BOOTCFG_PROFILES" => "$T/cgi/profiles",
)
EOF
run "$LIGHTTPD" -tt -f "$T/lighttpd.conf"
is "$RC" 0 "lighttpd accepts the example configuration" ||
	diag "$(cat "$T/out" "$T/err")"
start_bg www in_ns srv "$LIGHTTPD" -D -f "$T/lighttpd.conf" ||
	fatal "lighttpd does not start"
wait_tcp_port srv 80 || fatal "lighttpd does not listen on port 80"
start_bg relay in_ns srv perl "$HERE/tools/cut-relay.pl" "$SRV" 8080 \
	"$SRV" 80 100000 || fatal "the relay does not start"
wait_tcp_port srv 8080 || fatal "the relay does not listen"

# --- the CGI ------------------------------------------------------------------
URL=http://$SRV
run in_ns cli curl -sf "$URL/cgi-bin/bootcfg?mac=52:54:00:12:34:03"
is "$RC" 0 "the CGI answers a known host"
ok "with the host's iPXE script" \
	cmp -s "$T/out" "$BCDATA/golden/ipxe/52-54-00-12-34-03.ipxe"
run in_ns cli curl -s -o /dev/null -w '%{http_code}' \
	"$URL/cgi-bin/bootcfg?mac=52:54:00:99:99:99"
is "$(cat "$T/out")" 404 "an unknown host: 404"
run in_ns cli curl -s -o /dev/null -w '%{http_code}' "$URL/cgi-bin/other"
is "$(cat "$T/out")" 404 "no other program runs"

# --- a restore, its download broken off -------------------------------------
fat_new "$T/vol.img" 16 32768
fat_populate "$T/vol.img" || fatal "cannot make the volume"
run env MKIMZ="$MKIMZ" sh "$SCRIPTS/netboot-capture" "$T/vol.img" img "$TR"
is "$RC" 0 "capture" || diag "$(cat "$T/err")"
SIZE=$(stat -c %s "$TR/img.imz")
ok "the image is larger than what the relay lets through" \
	test "$SIZE" -gt 100000
run in_ns cli curl -sf -r 0-99 -o "$T/part" "$URL/img.imz"
ok "lighttpd answers a Range request with that range" \
	sh -c "head -c 100 '$TR/img.imz' | cmp -s - '$T/part'"

restore() {
	run in_ns cli env MKIMZ="$MKIMZ" TMPDIR="$T" \
		sh "$SCRIPTS/netboot-restore" -s "$URL:8080/" "$@"
}
glue_disk "$T/dst.img" 80 'start=2048, size=90112, type=e'
restore -d "$T/dst.img" img
is "$RC" 0 "restore through the relay" || diag "$(cat "$T/err")"
like "$(cat "$T/out")" 'img\.imz: interrupted after [0-9]+ bytes: resuming' \
	"the broken download is noticed and resumed"
like "$(cat "$T/out")" "downloaded $SIZE bytes" "the whole image arrived"
ok "the relay broke the first transfer off" grep -q '^cut after' "$T/relay.log"
like "$(grep -i '^Range:' "$T/relay.log")" '^Range: bytes=[1-9][0-9]*-' \
	"the client asked for the rest only"
glue_get "$T/dst.img" 1 "$T/got.img"
ok "fsck.fat -n passes" fat_fsck "$T/got.img" || diag "$(cat "$T/fsck.out")"
ok "files match" fat_same_files "$T/vol.img" "$T/got.img"
ok "the cache holds the image" sh -c "dd if='$T/dst.img' bs=512 \
	skip=$(($(glue_cache_field "$T/dst.img" start) / 512)) \
	count=$(((SIZE + 511) / 512)) status=none | head -c $SIZE |
	cmp -s - '$TR/img.imz'"
restore -d "$T/dst.img" img
like "$(cat "$T/out")" 'cache current: no download' "again: cache current"

stop_bg relay
stop_bg www
done_testing
