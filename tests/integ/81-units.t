#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Each daemon started from its own unit's ExecStart line, as make install
# writes the unit, with the options an admin puts in /etc/default/netboot:
# tftpd through socket activation (the socket on its standard input, as
# tftpd.socket hands it over), proxydhcp and aoetarget as services.  Each
# does one real exchange with a client in another namespace, as the user
# the units name.  Nothing of the host is touched but that user: each
# daemon gets a private /run.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"

require_root
require_netns
require_cmd systemd-socket-activate unshare tftp adduser getent
AOEINIT=$NB_BIN/tests/tools/aoe-init
[ -x "$AOEINIT" ] || skip_all "no $AOEINIT (run make)"

run make -s -C "$NB_SRC" B="$NB_BIN" install PREFIX="$T/usr" \
	SYSCONFDIR="$T/etc"
ok "make install into a prefix" [ "$RC" -eq 0 ] || fatal "make install"
UNITS=$T/usr/lib/systemd/system

# The units run their daemons as netboot, which the package creates; a
# user made here goes again at the end.
if ! getent passwd netboot >/dev/null; then
	adduser --quiet --system --group --no-create-home netboot ||
		fatal "cannot create the netboot user"
	at_exit "deluser --quiet --system netboot >/dev/null 2>&1"
fi
chmod 755 "$T"

netns_add s && netns_add c || fatal "namespaces"
veth_pair s s0 198.18.81.1/24 c c0 198.18.81.2/24 || fatal "namespaces"

# exec_line UNIT: the ExecStart command of UNIT, its variables expanded
# from the environment as systemd does ($VAR split on blanks, ${VAR} one
# word), one word per line.
exec_line() {
	sed -n 's/^ExecStart=//p' "$UNITS/$1" | sed 's/\${\([A-Z_]*\)}/"${\1}"/g' >"$T/line"
	eval "set -- $(cat "$T/line")"
	printf '%s\n' "$@"
}
# start_unit NAME UNIT: UNIT's command in namespace s with a private
# /run, in the background as NAME.
start_unit() {
	_su_name=$1 _su_unit=$2
	exec_line "$_su_unit" >"$T/$_su_name.cmd"
	start_bg "$_su_name" in_ns s unshare --mount --propagation private \
		sh -c 'mount -t tmpfs tmpfs /run || exit 1
		       f=$1; set --; while IFS= read -r w; do set -- "$@" "$w"; done <"$f"
		       exec "$@"' sh "$T/$_su_name.cmd"
}
status_ok() {		# NAME: not root, no capability, seccomp filter
	_st=/proc/$1/status
	grep -Eq "^Uid:[[:space:]]+$(id -u netboot)[[:space:]]" "$_st" &&
		grep -Eq '^CapEff:[[:space:]]+0+$' "$_st" &&
		grep -Eq '^Seccomp:[[:space:]]+2$' "$_st"
}

# --- tftpd.socket + tftpd.service ---------------------------------------------
mkdir -p "$T/srv"
head -c 300000 /dev/urandom >"$T/srv/kernel"
chmod 644 "$T/srv/kernel"
export TFTPD_ROOT="$T/srv" TFTPD_OPTS="-v"
like "$(sed -n 's/^ListenDatagram=//p' "$UNITS/tftpd.socket")" '^69$' \
	"tftpd.socket listens on UDP 69"
exec_line tftpd.service >"$T/tftpd.cmd"
start_bg tftpd in_ns s unshare --mount --propagation private \
	sh -c 'mount -t tmpfs tmpfs /run || exit 1
	       f=$1; set --; while IFS= read -r w; do set -- "$@" "$w"; done <"$f"
	       exec systemd-socket-activate --datagram --inetd -l 69 "$@"' \
	sh "$T/tftpd.cmd"
ok "the socket is open" wait_udp_port s 69
run in_ns c timeout 20 tftp 198.18.81.1 -m binary -c get kernel "$T/got"
ok "a fetch through the socket-activated tftpd" cmp "$T/srv/kernel" "$T/got"
PID=$(in_ns s pgrep -n -x tftpd)
ok "tftpd runs as netboot, no capability, under its seccomp filter" \
	status_ok "$PID"
stop_bg tftpd

# --- proxydhcp.service ----------------------------------------------------------
export PROXYDHCP_OPTS="-i s0 --bios-file undionly.kpxe --tftp-server 198.18.81.1"
start_unit pd proxydhcp.service
listens() { wait_udp_port s 67 && wait_udp_port s 4011; }
ok "proxydhcp listens on 67 and 4011" listens
run in_ns c timeout 20 "$NB_BIN/proxydhcp" --probe -i c0 --timeout 3
ok "a probe is answered with the BIOS file" grep -q 'undionly\.kpxe' "$T/out" ||
	sed 's/^/# /' "$T/out" "$T/err" >&2
PID=$(in_ns s pgrep -n -x proxydhcp)
ok "proxydhcp runs as netboot, no capability, under its seccomp filter" \
	status_ok "$PID"
like "$(sed -n 's/^PIDFile=//p' "$UNITS/proxydhcp.service")" \
	"^$(sed -n 's/^ExecStart=.* -P \([^ ]*\).*/\1/p' "$UNITS/proxydhcp.service")\$" \
	"PIDFile= is the pidfile ExecStart asks for"
stop_bg pd

# --- aoetarget.service ----------------------------------------------------------
head -c $((512 * 64)) /dev/urandom >"$T/disk.img"
echo "0 5 s0 $T/disk.img" >"$T/aoe.conf"
export AOETARGET_OPTS="-c $T/aoe.conf --state-dir $T/state"
start_unit aoe aoetarget.service
ok "aoetarget answers" wait_for 10 in_ns c "$AOEINIT" -i c0 -t 0.5 \
	--timeout 200 --retries 0 config read
run in_ns c "$AOEINIT" -i c0 -t 0.5 read 0 64
cmp -s "$T/out" "$T/disk.img"
ok "an AoE read returns the disk" [ $? -eq 0 ]
PID=$(in_ns s pgrep -n -x aoetarget)
ok "aoetarget runs as netboot, no capability, under its seccomp filter" \
	status_ok "$PID"
stop_bg aoe

done_testing
