# SPDX-License-Identifier: GPL-2.0-or-later
# tests/integ/tools/aoe.sh - what the aoetarget integration tests share.
#
# Sourced after tests/lib.sh:
#   . "$HERE/../lib.sh"; . "$HERE/tools/aoe.sh"
#
# AoE is layer 2: the target runs in namespace "t" on the veth end
# "$AOE_TIF", the initiator (aoe-init) in namespace "i" on "$AOE_IIF".
# No IP address is needed on either end.
#
# AOETARGET names the target under test, $NB_BIN/aoetarget by default.
# AOEINIT is the initiator, $NB_BIN/tests/tools/aoe-init.
#
#   aoe_require                  root, namespaces, both binaries
#   aoe_net [MTU]                the namespaces and the veth pair
#   aoe_disk_net SECTORS         DISK=$T/disk.img of SECTORS random sectors
#                                and aoe_net; stops the test if either fails
#   aoe_vm_net                   aoe_net, then in "i" a bridge br0 with
#                                ports $AOE_IIF and a tap tp0 for a VM;
#                                targets are polled through br0
#   aoe_start NAME ARG...        aoetarget --state-dir $T/state ARG...
#                                in "t" (in the foreground: the default),
#                                waits until it answers
#   aoe ARG...                   aoe-init -i $AOE_IIF ARG... in "i"
#   aoe_if IF ARG...             aoe-init -i IF ARG... in "i"
#   aoe_started NAME             "eS.S netif" per target NAME started
#   aoe_mac NS IF                the MAC address of an interface
#   aoe_mkdisk FILE SECTORS      a file of random sectors
#   aoe_sectors FILE LBA COUNT   those sectors of FILE on stdout

AOEINIT=$NB_BIN/tests/tools/aoe-init
AOETARGET=${AOETARGET:-$NB_BIN/aoetarget}
AOE_TIF=at0
AOE_IIF=ai0

# An initiator or target that hangs must not hang the run.
if command -v timeout >/dev/null 2>&1; then
	AOE_BOUND="timeout 120"
else
	AOE_BOUND=
fi

aoe_require() {
	require_root
	require_netns
	require_cmd ip cmp dd od
	[ -x "$AOEINIT" ] || skip_all "no $AOEINIT (run make)"
	[ -x "$AOETARGET" ] || skip_all "no aoetarget at $AOETARGET"
	# the placeholder main knows none of the target's options
	"$AOETARGET" --help 2>&1 | grep -q -- --state-dir ||
		skip_all "$AOETARGET is not implemented yet (no --state-dir)"
	mkdir -p "$T/state"
	# aoetarget saves state as nobody once set up: it must reach $T/state
	chmod go+x "$T"
}

aoe_net() {
	netns_add t && netns_add i &&
	veth_pair t "$AOE_TIF" - i "$AOE_IIF" - || return 1
	if [ -n "${1-}" ]; then
		ip -n "$(ns_name t)" link set "$AOE_TIF" mtu "$1" &&
		ip -n "$(ns_name i)" link set "$AOE_IIF" mtu "$1" || return 1
	fi
}

aoe_disk_net() {
	DISK=$T/disk.img
	aoe_mkdisk "$DISK" "$1"
	aoe_net || fatal "cannot set up the namespaces"
}

aoe_vm_net() {
	aoe_net || fatal "cannot set up the namespaces"
	bridge_add i br0 && bridge_port i br0 "$AOE_IIF" &&
		tap_add i tp0 br0 || fatal "cannot set up the bridge and the tap"
	AOE_POLL_IF=br0
}

aoe() {
	in_ns i $AOE_BOUND "$AOEINIT" -i "$AOE_IIF" "$@"
}

# aoe_if IF ARG...: aoe-init on another interface of "i".
aoe_if() {
	_aoe_if=$1
	shift
	in_ns i $AOE_BOUND "$AOEINIT" -i "$_aoe_if" "$@"
}

# aoe_start NAME ARG...: ARG are aoetarget's (options, then shelf slot
# netif file, or -c CONFIG).  The start lines name each target and its
# interface; each is polled through the peer of that interface (at<N> in
# "t" is paired with ai<N> in "i"), or through $AOE_POLL_IF when set (a
# bridge whose port the peer is: the bridge takes the port's frames).
aoe_start() {
	_aoe_name=$1
	shift
	start_bg "$_aoe_name" in_ns t "$AOETARGET" --state-dir "$T/state" "$@" ||
		return 1
	wait_log "$_aoe_name" '(^|: )e[0-9]+\.[0-9]+ on ' || return 1
	aoe_started "$_aoe_name" >"$T/.started"
	while read -r _aoe_e _aoe_if; do
		wait_for "${NB_WAIT:-10}" aoe_if "${AOE_POLL_IF:-ai${_aoe_if#at}}" -t "${_aoe_e#e}" \
			--timeout 200 --retries 0 config read || return 1
	done <"$T/.started"
}

# aoe_started NAME: "e<shelf>.<slot> <netif>" for each start line of NAME.
aoe_started() {
	sed -n 's/^\(.*: \)\{0,1\}\(e[0-9]*\.[0-9]*\) on \([^:]*\):.*/\2 \3/p' \
		"$T/$1.log"
}

aoe_mac() {
	ip -n "$(ns_name "$1")" -o link show "$2" |
		sed -n 's/.*link\/ether \([0-9a-f:]*\) .*/\1/p'
}

aoe_mkdisk() {
	head -c $(($2 * 512)) /dev/urandom >"$1"
}

aoe_sectors() {
	dd if="$1" bs=512 skip="$2" count="$3" 2>/dev/null
}

# aoe_field KEY: the value of KEY=... in $T/out (first match).
aoe_field() {
	sed -n "s/.*\\<$1=\\([^ ]*\\).*/\\1/p" "$T/out" | head -n 1
}
