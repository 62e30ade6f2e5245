#!/bin/sh
# Updates: a second run touches nothing, a change touches only its host's
# files and the aggregates, removed hosts are pruned, disabled hosts boot
# locally, --dry-run shows without writing, --reload sends SIGHUP.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/bootcfg.sh"

bootcfg_require
plan 28

R=$T/root
mkdir -p "$R"
bc_all "$R" "$BCDATA/hosts" -q
is "$RC" 0 "first run"
bc_snapshot "$R" >"$T/s1"
M=$BOOTCFG_STATE_DIR/$(echo "${R#/}" | sed 's|-|%2D|g; s|/|-|g').manifest
ok "manifest in the state directory, named after the root" test -s "$M"
ok "none in the served tree" test ! -e "$R/.bootcfg-manifest"
is "$(stat -c %a "$M") $(stat -c %a "$BOOTCFG_STATE_DIR")" "640 750" \
	"manifest 0640 in a directory created 0750"

bc_all "$R" "$BCDATA/hosts"
is "$RC" 0 "second run"
like "$(cat "$T/out")" "0 created, 0 changed, [0-9]+ unchanged, 0 removed" \
	"second run reports no change"
bc_snapshot "$R" >"$T/s2"
is "$(bc_changed "$T/s1" "$T/s2")" "" "second run touched no file (inode, mtime)"

# node2 moves to another address, node3 goes away, node1 is disabled.
H=$T/hosts
sed -e 's/^52:54:00:12:34:02 node2 198.18.0.12/52:54:00:12:34:02 node2 198.18.0.42/' \
    -e '/ node3 /d' \
    -e 's/^52:54:00:12:34:01 node1/!52:54:00:12:34:01 node1/' \
    "$BCDATA/hosts" >"$H"

bc_all "$R" "$H" -n
is "$RC" 0 "dry run"
O=$(cat "$T/out")
like "$O" "^change $R/pxelinux.cfg/01-52-54-00-12-34-01" "dry run: change listed"
like "$O" "^-  KERNEL centos/vmlinuz" "dry run: unified diff, old line"
like "$O" "^\+  LOCALBOOT 0" "dry run: unified diff, new line"
like "$O" "^remove $R/pxelinux.cfg/01-52-54-00-12-34-03" "dry run: removal listed"
like "$O" "^change $R/dhcpd.conf" "dry run: aggregate change listed"
bc_snapshot "$R" >"$T/s3"
is "$(bc_changed "$T/s1" "$T/s3")" "" "dry run wrote nothing"

bc_all "$R" "$H"
is "$RC" 0 "update run"
bc_snapshot "$R" >"$T/s4"
bc_changed "$T/s1" "$T/s4" | sed "s|^$R/||" >"$T/changed"
is "$(tr '\n' ' ' <"$T/changed")" \
"dhcpd.conf dnsmasq.conf grub/grub.cfg-01-52-54-00-12-34-01 grub/grub.cfg-01-52-54-00-12-34-03 ipxe/52-54-00-12-34-01.ipxe ipxe/52-54-00-12-34-03.ipxe proxydhcp.table pxelinux.cfg/01-52-54-00-12-34-01 pxelinux.cfg/01-52-54-00-12-34-03 " \
	"only the changed hosts' files and the aggregates"
ok "removed host pruned" test ! -e "$R/pxelinux.cfg/01-52-54-00-12-34-03"
ok "its iPXE script too" test ! -e "$R/ipxe/52-54-00-12-34-03.ipxe"
like "$(cat "$R/pxelinux.cfg/01-52-54-00-12-34-01")" "LOCALBOOT 0" \
	"disabled host gets a local-boot file"
like "$(cat "$R/ipxe/52-54-00-12-34-01.ipxe")" "^exit$" \
	"and an iPXE script that exits"
like "$(cat "$R/dhcpd.conf")" "fixed-address 198.18.0.42;" "new address in dhcpd"

# A manifest left in the root by an older version is taken over once.
mv "$M" "$R/.bootcfg-manifest"
bc_all "$R" "$BCDATA/hosts" -q
ok "old manifest taken over" sh -c "test ! -e '$R/.bootcfg-manifest' && test -s '$M'"
bc_all "$R" "$H" -q --manifest "$T/explicit"
ok "--manifest names it" test -s "$T/explicit"
ok "and the state directory's is left alone" test -s "$M"

# --reload: SIGHUP to the pid in the file, after a write that changed something.
cat >"$T/hup.sh" <<EOF2
trap 'echo hup >>"$T/hups"' HUP
echo \$\$ >"$T/pidfile"
while :; do sleep 1 & wait \$!; done
EOF2
start_bg hup sh "$T/hup.sh"
wait_for 10 test -s "$T/pidfile"
bc_all "$R" "$BCDATA/hosts" -q --reload "$T/pidfile"
is "$RC" 0 "run with --reload"
wait_for 10 test -s "$T/hups"
is "$(cat "$T/hups" 2>/dev/null)" "hup" "SIGHUP delivered"
bc_all "$R" "$BCDATA/hosts" -q --reload "$T/pidfile"
bc_all "$R" "$BCDATA/hosts" -q --reload "$T/nonexistent"
is "$RC" 0 "no change: no reload needed, the pidfile is not even read"
ok "no second SIGHUP" test "$(wc -l <"$T/hups")" -eq 1
stop_bg hup

done_testing
