#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# proxydhcp as a service manager runs it: --check-config lists every
# problem of --table and --xcat-cfg with its line (or record offset), and
# of the options, and serves nothing.
HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/proxydhcp.sh"

pd_require

# --- --check-config -------------------------------------------------------------
cat >"$T/good.table" <<EOF2
# a good table
mac=$PD_MAC file=first.kpxe
arch=bios file=undionly.kpxe
EOF2
# an xCAT file of one record: a 50-byte name and a 150-byte path, NUL padded
xcat_record() {		# NAME PATH
	perl -e 'print pack("a50 a150", @ARGV)' "$1" "$2"
}
xcat_record node50 xcat/node50/ >"$T/good.cfg"

# outside the namespaces, without -i: no interface is looked at, no socket opened
run "$PROXYDHCP" --check-config --table "$T/good.table" --xcat-cfg "$T/good.cfg" \
	--bios-file undionly.kpxe --ipxe-script boot.ipxe
is "$RC" 0 "--check-config, good files: exit 0"
like "$(cat "$T/out")" "no problems, $T/good\\.table, $T/good\\.cfg" "and says so"
is "$(cat "$T/err")" "" "nothing on stderr"

cat >"$T/bad.table" <<EOF2
mac=$PD_MAC file=first.kpxe
mac=52:54:00:zz:00:01 file=a.0
arch=bios file=undionly.kpxe
arch=nosuch file=b.0
ignore file=c.0

menu=1,x.0
EOF2
{
	xcat_record node50 xcat/node50/
	xcat_record '' xcat/empty/
	printf 'partial'
} >"$T/bad.cfg"
B=$T/bad.table X=$T/bad.cfg
run "$PROXYDHCP" --check-config --table "$B" --xcat-cfg "$X" \
	--ipxe-script undionly.kpxe
is "$RC" 1 "--check-config, broken files: exit 1"
grep -v '^proxydhcp: ' "$T/err" >"$T/files.err"
like "$(sed -n 1p "$T/files.err")" "^$B:2: mac=52:54:00:zz:00:01: not a MAC" \
	"line 2: the bad MAC"
like "$(sed -n 2p "$T/files.err")" "^$B:4: arch=nosuch: unknown architecture" \
	"line 4: the unknown architecture"
like "$(sed -n 3p "$T/files.err")" "^$B:5: ignore with an action\$" \
	"line 5: ignore with an action"
like "$(sed -n 4p "$T/files.err")" "^$B:7: menu=1,x\\.0: expected TYPE,FILE,TEXT\$" \
	"line 7: the short menu entry"
like "$(sed -n 5p "$T/files.err")" "^$X: empty node name at offset 200\$" \
	"xCAT: the empty name by its record's offset"
like "$(sed -n 6p "$T/files.err")" "^$X: partial record at offset 400\$" \
	"xCAT: the partial record"
is "$(wc -l <"$T/files.err" | tr -d ' ')" 6 "six file problems, every one listed"
like "$(grep '^proxydhcp: ' "$T/err")" "--ipxe-script undionly\\.kpxe: an iPXE binary" \
	"and the iPXE binary given as the script"
is "$(wc -l <"$T/err" | tr -d ' ')" 7 "seven problems in all"
is "$(cat "$T/out")" "" "nothing on stdout"

long=$(printf '%0130d' 0)
run "$PROXYDHCP" --check-config --bios-file "$long" --efi-file "$long" \
	--http-url tftp://x/y -u no-such-user-here
is "$RC" 1 "--check-config, bad options: exit 1"
like "$(cat "$T/err")" "--bios-file: expected 1 to 127 bytes" "the long BIOS file"
like "$(cat "$T/err")" "--efi-file: expected 1 to 127 bytes" "and the long UEFI file"
like "$(cat "$T/err")" "--http-url tftp://x/y: not an http:// or https:// URL" \
	"the URL that is not one"
like "$(cat "$T/err")" "user no-such-user-here: " "the user that does not exist"
run "$PROXYDHCP" --check-config --table "$T/missing.table"
is "$RC" 1 "--check-config, a missing table: exit 1"
like "$(cat "$T/err")" "^$T/missing\\.table: No such file" "naming the file"
run "$PROXYDHCP" --check-config
is "$RC" 2 "--check-config with nothing to serve: usage error"
run "$PROXYDHCP" --check-config --probe -i lo
is "$RC" 2 "--check-config with --probe: usage error"

done_testing
