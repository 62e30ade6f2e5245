#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# netboot-assign: writes the boot files and proxydhcp's table with bootcfg,
# then has the running proxydhcp reread its table; a broken hosts table
# is refused with bootcfg's FILE:LINE messages, no file touched and no
# reload sent.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/bootcfg.sh"
. "$HERE/tools/proxydhcp.sh"

ASSIGN=$NB_SRC/scripts/netboot-assign
require_cmd sha256sum find
bootcfg_require
pd_require

chmod 755 "$T"		# proxydhcp rereads its table as nobody
R=$T/root
mkdir -p "$R"
cp "$BCDATA/profiles" "$T/profiles"
TB=$T/pd/proxydhcp.table	# not the default in /var/lib/netboot
assign() { run env BOOTCFG="$BOOTCFG" sh "$ASSIGN" -p "$T/profiles" -o "$R" -t "$TB" "$@"; }
listing() { (cd "$R" && find . -type f -exec sha256sum {} + | sort); }
loads() { grep -c 'proxydhcp.table: .* rules loaded' "$T/pd.log"; }

# usage errors
assign
is "$RC" 2 "no HOSTS: usage error"
assign --bogus "$BCDATA/hosts"
is "$RC" 2 "unknown option: usage error"

assign "$BCDATA/hosts"
is "$RC" 0 "first assignment, no proxydhcp yet"
ok "proxydhcp table written" test -s "$TB"
ok "and nothing but boot files in the TFTP root" \
	sh -c "! find '$R' -name 'proxydhcp.table' -o -name '.*' -type f | grep -q ."
is "$(stat -c %a "$TB")" 640 "table created mode 0640"
like "$(sh "$ASSIGN" --help)" "default /var/lib/netboot/proxydhcp.table" \
	"the default table is outside the TFTP root"
ok "a host's iPXE script written" test -s "$R/ipxe/52-54-00-12-34-01.ipxe"
like "$(cat "$T/out")" 'not reloaded' "says that nothing was reloaded"
chmod -R a+rX "$R"
chmod 644 "$TB"		# kept by later runs: proxydhcp rereads it as nobody

pd_topology || fatal "cannot set up the namespaces"
pd_start pd boot b0 --table "$TB" -P "$T/pd.pid" ||
	fatal "proxydhcp does not take the table"
wait_for 10 test -s "$T/pd.pid" || fatal "no pidfile"
PROBE_SECS=1
file_for() { probe_mac "$@"; probe_get proxy file; }
is "$(file_for 52:54:00:12:34:01)" undionly.kpxe "proxydhcp serves the table"
is "$(loads)" 1 "table loaded once"

# a dead pidfile is refused before anything is written
echo 999999 >"$T/dead.pid"
assign --pidfile "$T/dead.pid" "$BCDATA/hosts"
is "$RC" 1 "a pidfile naming no process: exit 1"
like "$(cat "$T/err")" 'not running' "and says so"

# unchanged: nothing written, no reload
assign --pidfile "$T/pd.pid" "$BCDATA/hosts"
is "$RC" 0 "unchanged table: exit 0"
like "$(cat "$T/out")" 'nothing changed' "unchanged: no reload"

# a new default iPXE binary: files rewritten, proxydhcp reloaded
sed -i 's/^ipxe-bios = .*/ipxe-bios = other.kpxe/' "$T/profiles"
assign --pidfile "$T/pd.pid" "$BCDATA/hosts"
is "$RC" 0 "changed profiles: exit 0"
like "$(cat "$T/out")" 'reloaded' "says proxydhcp was reloaded"
ok "proxydhcp logs the reload" wait_for 10 sh -c "[ \$(grep -c 'proxydhcp.table: .* rules loaded' '$T/pd.log') -ge 2 ]"
gives_other() { [ "$(file_for 52:54:00:12:34:01)" = other.kpxe ]; }
ok "proxydhcp answers from the new table" wait_for 10 gives_other

# a table made anew while proxydhcp runs: readable by its group, so the
# reload works without a chmod
rm -f "$TB"
sed -i 's/^ipxe-bios = .*/ipxe-bios = third.kpxe/' "$T/profiles"
assign --pidfile "$T/pd.pid" "$BCDATA/hosts"
pd_gid=$(awk '/^Gid:/ { print $3 }' "/proc/$(cat "$T/pd.pid")/status")
is "$(stat -c '%a %g' "$TB")" "640 $pd_gid" \
	"a new table: mode 0640, group of the running proxydhcp"
gives_third() { [ "$(file_for 52:54:00:12:34:01)" = third.kpxe ]; }
ok "proxydhcp rereads it as its own user" wait_for 10 gives_third
sed -i 's/^ipxe-bios = .*/ipxe-bios = other.kpxe/' "$T/profiles"
assign --pidfile "$T/pd.pid" "$BCDATA/hosts"

# a broken table: bootcfg's FILE:LINE shown, nothing touched, no reload
listing >"$T/before"
before_loads=$(loads)
{
	cat "$BCDATA/hosts"
	echo "52:54:00:12:34:99 node99 198.18.0.299 debian"
	echo "52:54:00:12:34:01 dup1 198.18.0.98 debian"
} >"$T/bad-hosts"
sed -i 's/^ipxe-bios = .*/ipxe-bios = third.kpxe/' "$T/profiles"
assign --pidfile "$T/pd.pid" "$T/bad-hosts"
is "$RC" 1 "broken table: exit 1"
like "$(cat "$T/err")" "bad-hosts:1[0-9]+: " "stderr names file:line"
like "$(cat "$T/err")" "nothing written" "and says nothing was written"
listing >"$T/after"
ok "no file in OUTDIR changed" cmp -s "$T/before" "$T/after"
is "$(loads)" "$before_loads" "no reload: proxydhcp loaded nothing more"
is "$(file_for 52:54:00:12:34:01)" other.kpxe "proxydhcp keeps its table"

# dry run: shows the change, writes nothing
sed -i 's/^ipxe-bios = .*/ipxe-bios = undionly.kpxe/' "$T/profiles"
assign -n "$BCDATA/hosts"
is "$RC" 0 "dry run: exit 0"
like "$(cat "$T/out")" 'change .*proxydhcp.table' "dry run names the table"
listing >"$T/after"
ok "dry run writes nothing" cmp -s "$T/before" "$T/after"

stop_bg pd
done_testing
