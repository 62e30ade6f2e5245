#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# proxydhcp as a service manager runs it: --check-config lists every
# problem of --table and --xcat-cfg with its line (or record offset), and
# of the options, and serves nothing; --metrics writes counters promtool
# accepts, on SIGUSR1 and every interval, showing the offers made and the
# malformed requests dropped; a SIGHUP with a broken table logs every bad
# line and keeps the rules in force; SIGTERM and SIGINT exit 0 and remove
# the pid file when its directory lets the daemon's user.
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

run "$PROXYDHCP" --check-config --table "$T/good.table" -P "$T/nowhere/pd.pid" \
	--metrics "$T/nowhere/pd.prom"
is "$RC" 1 "--check-config, -P and --metrics in a missing directory: exit 1"
like "$(cat "$T/err")" "-P $T/nowhere/pd\\.pid: its directory: No such file" \
	"naming the pid file"
like "$(cat "$T/err")" "--metrics $T/nowhere/pd\\.prom: its directory: No such file" \
	"and the metrics file"

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

# --- --metrics: SIGUSR1 writes the file, and it keeps serving ---------------------
pd_topology || fatal "cannot set up the namespaces"
chmod 755 "$T"
TABLE=$T/nodes.table
write_table "mac=$PD_MAC file=first.kpxe" "arch=bios file=undionly.kpxe"
M=$T/metrics/proxydhcp.prom
mkdir -p "$T/metrics" "$T/run"
# replaced by a temporary and a rename as nobody: the directories are nobody's
chown nobody "$T/metrics" "$T/run"
pd_start E boot b0 --table "$TABLE" --metrics "$M" --metrics-interval 1 \
	-P "$T/run/e.pid" || fatal "proxydhcp --metrics does not start"
PID=$(bg_pid E)
ok "the file is there once serving" wait_for 10 test -s "$M"
is "$(cat "$T/run/e.pid" 2>&1)" "$PID" "the pid file names the process"

PROBE_SECS=1
probe --arch 0
is "$(probe_get proxy file)" first.kpxe "a BIOS probe is answered from the table"
# metric NAME LABELS: its value in the file ("" when there is no such sample)
metric() {
	grep -F "$1{$2} " "$M" | sed 's/.* //'
}
kill -s USR1 "$PID"
ok "SIGUSR1: the counters are logged" \
	wait_log E 'counters: requests answered [1-9][0-9]*, '
ok "SIGUSR1: the file shows the offer to the BIOS client" \
	test "$(metric proxydhcp_replies_total 'kind="offer",arch="bios"')" -ge 1
ok "and the request answered" \
	test "$(metric proxydhcp_requests_total 'result="answered"')" -ge 1
is "$(metric proxydhcp_table_rules '')" "" "the gauge has no labels"
is "$(sed -n 's/^proxydhcp_table_rules //p' "$M")" 2 "the table's two rules in force"
promtool_ok "$M" "after a probe"
ok "the daemon still serves after SIGUSR1" bg_alive E
probe --arch 0
is "$(probe_get proxy file)" first.kpxe "and answers the next probe"

# a DHCP message cut short inside its header
dsend 255.255.255.255 67 "$(bootp_header "$PD_MAC" 5eed0001 | cut -c1-200)"
is "$(replies_from "$PD_SERVER")" 0 "a truncated message: no reply"
kill -s USR1 "$PID"
ok "SIGUSR1: the malformed request is counted" wait_for 10 sh -c \
	"grep -q '^proxydhcp_requests_total{result=\"malformed\"} [1-9]' '$M'"
promtool_ok "$M" "after a malformed request"
OFFERS=$(metric proxydhcp_replies_total 'kind="offer",arch="bios"')
probe --arch 0
is "$(probe_get proxy file)" first.kpxe "the daemon still answers a probe"
# without a signal, a later interval's write shows that offer
ok "the file is replaced every interval" wait_for 10 sh -c \
	"test \"\$(grep -F 'proxydhcp_replies_total{kind=\"offer\",arch=\"bios\"}' '$M' | sed 's/.* //')\" -gt $OFFERS"
is "$(stat -c %U "$M")" nobody "written as nobody"

# --- SIGHUP with a broken table: every bad line logged, the old rules stay ---------
write_table "mac=$PD_MAC file=second.kpxe" "arch=bios" "mac=zz file=x.0" \
	"arch=bios file=undionly.kpxe"
kill -s HUP "$PID"
ok "SIGHUP, broken table: line 2 logged" wait_log E "nodes\\.table:2: no action"
ok "and line 3" wait_log E "nodes\\.table:3: mac=zz: not a MAC"
ok "and that the file is not used" wait_log E "nodes\\.table: 2 problems, not loaded"
probe --arch 0
is "$(probe_get proxy file)" first.kpxe "the rules in force still answer"
kill -s USR1 "$PID"
ok "SIGUSR1: the refused reload is counted" wait_for 10 sh -c \
	"grep -q '^proxydhcp_table_reloads_total{result=\"error\"} 1\$' '$M'"
is "$(metric proxydhcp_table_reloads_total 'result="ok"')" 0 "and no good one"
write_table "mac=$PD_MAC file=second.kpxe" "arch=bios file=undionly.kpxe" \
	"arch=efi-x64 file=snponly.efi"
kill -s HUP "$PID"
ok "SIGHUP, a good table: loaded" wait_log E "nodes\\.table: 3 rules loaded"
kill -s USR1 "$PID"
ok "SIGUSR1: the good reload and the new rule count" wait_for 10 sh -c \
	"grep -q '^proxydhcp_table_reloads_total{result=\"ok\"} 1\$' '$M' &&
	 grep -q '^proxydhcp_table_rules 3\$' '$M'"
nok "no system call was refused" grep -q 'sandbox:' "$T/E.log"

stop_bg E
is "$BG_STATUS" 0 "SIGTERM: exit status 0"
ok "SIGTERM: the pid file is gone" test ! -e "$T/run/e.pid"
like "$(cat "$T/E.log")" "counters: requests answered" "the counters logged at exit"

# --- the same with --no-bind: the capture's requests are counted too ---------------
rm -f "$M"
pd_start N boot b0 --no-bind --bios-file undionly.kpxe --metrics "$M" ||
	fatal "proxydhcp --no-bind --metrics does not start"
gives_bios() {
	probe --arch 0
	[ "$(probe_get proxy file)" = undionly.kpxe ]
}
# pcap may start capturing a moment after 4011 listens: retry a while
ok "--no-bind: a probe is answered" wait_for 15 gives_bios
kill -s USR1 "$(bg_pid N)"
ok "--no-bind, SIGUSR1: the file shows the offer" wait_for 10 sh -c \
	"grep -q '^proxydhcp_replies_total{kind=\"offer\",arch=\"bios\"} [1-9]' '$M'"
promtool_ok "$M" "--no-bind"
stop_bg N
is "$BG_STATUS" 0 "--no-bind, SIGTERM: exit status 0"
nok "--no-bind: no system call was refused" grep -q 'sandbox:' "$T/N.log"

# --- SIGTERM and SIGINT: exit 0, the pid file removed where it can be -------------
pd_start F boot b0 --bios-file undionly.kpxe -P "$T/run/f.pid" ||
	fatal "proxydhcp -P does not start"
is "$(cat "$T/run/f.pid" 2>&1)" "$(bg_pid F)" "the pid file names the process"
kill -s INT "$(bg_pid F)"
ok "SIGINT stops it" wait_for 10 sh -c "! test -d /proc/$(bg_pid F)"
stop_bg F
is "$BG_STATUS" 0 "SIGINT: exit status 0"
ok "SIGINT: the pid file is gone" test ! -e "$T/run/f.pid"

# a directory the user it became cannot write: the file stays, said at debug
pd_start G boot b0 --bios-file undionly.kpxe -P "$T/g.pid" ||
	fatal "proxydhcp -P does not start"
stop_bg G
is "$BG_STATUS" 0 "a pid file it cannot remove: still exit status 0"
like "$(cat "$T/G.log")" "g\\.pid: not removed: its directory is not ours to write" \
	"and it says why"
nok "no system call was refused" grep -q 'sandbox:' "$T/F.log" "$T/G.log"

run "$PROXYDHCP" -i lo --bios-file x.0 --metrics-interval 0
is "$RC" 2 "--metrics-interval 0: usage error"
run "$PROXYDHCP" -i lo --bios-file x.0 --metrics-interval 86401
is "$RC" 2 "--metrics-interval 86401: usage error"

done_testing
