# tests/lib.sh - shared harness for the integration tests in tests/integ/*.t
#
# Sourced, never run:   HERE=$(dirname "$0"); . "$HERE/../lib.sh"
#
# Plain POSIX sh (dash is the reference shell).  Everything a test creates
# (network namespaces, links in the parent namespace, background daemons,
# the temp dir $T) is registered here and torn down by one trap, so a test
# that fails or is interrupted halfway leaves nothing behind.
#
# Functions and variables prefixed with _nb_ are private.  Tests should not
# use `set -e`: a TAP test keeps going after a failed check.
#
# TAP        plan N; ok DESC CMD...; nok DESC CMD...; is GOT WANT DESC;
#            like GOT ERE DESC; pass DESC; fail DESC; skip REASON [COUNT];
#            skip_all REASON; diag LINE...; fatal DESC; done_testing;
#            run CMD... (-> $T/out, $T/err, $RC)
# needs      require_root; require_cmd CMD...; require_netns
# network    netns_add NS; ns_name NS; in_ns NS CMD...; if_name SUFFIX;
#            veth_pair NS1 IF1 ADDR1 NS2 IF2 ADDR2; bridge_add NS BR [ADDR];
#            bridge_port NS BR IF; tap_add NS TAP [BR]
#            (NS "-" is the namespace the test runs in; ADDR "-" is none)
# daemons    start_bg NAME CMD...; stop_bg NAME; bg_pid NAME; bg_alive NAME;
#            track_pid NAME PID; wait_for SECS CMD...; wait_log NAME ERE [SECS];
#            wait_udp_port [NS] PORT; wait_tcp_port [NS] PORT; now_cs;
#            at_exit CMD (run in the cleanup)
# metrics    promtool_ok FILE DESC (two checks: accepted, nothing said)
#
# Environment:
#   NB_SRC   repository root (default: found by walking up from the test)
#   NB_BIN   directory holding the built tools (default: $NB_SRC/build)
#   NB_WAIT  default timeout in seconds for wait_*_port and wait_log (10)
#   NB_STOP_TIMEOUT  seconds stop_bg waits after SIGTERM before SIGKILL (5)
#   NB_KEEP  if non-empty, keep $T after the run (for post-mortems)

# --- TAP ------------------------------------------------------------------

_nb_n=0		# tests run so far
_nb_fail=0	# tests failed so far
_nb_plan=	# count given to plan, empty when done_testing prints it

# diag LINE...: one line per argument.  Diagnostics go to stderr, as with
# Test::More, so a plain `prove` shows them.
diag() {
	printf '%s\n' "$@" | sed 's/^/# /' >&2
}

plan() {
	_nb_plan=$1
	echo "1..$1"
}

# A '#' in a description would start a TAP directive: escape it.
_nb_result() {		# STATUS(0 pass) DESC
	_nb_n=$((_nb_n + 1))
	case $2 in
	*'#'*)	_nb_r_desc=$(printf '%s' "$2" | sed 's/#/\\#/g') ;;
	*)	_nb_r_desc=$2 ;;
	esac
	if [ "$1" -eq 0 ]; then
		echo "ok $_nb_n - $_nb_r_desc"
	else
		_nb_fail=$((_nb_fail + 1))
		echo "not ok $_nb_n - $_nb_r_desc"
	fi
	return "$1"
}

pass() { _nb_result 0 "$1"; }
fail() { _nb_result 1 "$1"; }

# ok DESC CMD [ARG...]: pass when CMD exits 0.  CMD runs in this shell, so
# it may be one of the functions below; its output is shown only on failure
# to keep the TAP stream clean.
ok() {
	_nb_ok_desc=$1
	shift
	"$@" >"$T/.ok.out" 2>&1
	_nb_ok_rc=$?
	if [ "$_nb_ok_rc" -eq 0 ]; then
		_nb_result 0 "$_nb_ok_desc"
		return 0
	fi
	_nb_result 1 "$_nb_ok_desc"
	diag "command exited $_nb_ok_rc: $*"
	[ -s "$T/.ok.out" ] && sed 's/^/# /' "$T/.ok.out" >&2
	return 1
}

# nok DESC CMD [ARG...]: pass when CMD fails.
nok() {
	_nb_nok_desc=$1
	shift
	if "$@" >"$T/.ok.out" 2>&1; then
		_nb_result 1 "$_nb_nok_desc"
		diag "command unexpectedly succeeded: $*"
		return 1
	fi
	_nb_result 0 "$_nb_nok_desc"
}

is() {
	if [ "$1" = "$2" ]; then
		_nb_result 0 "$3"
		return 0
	fi
	_nb_result 1 "$3"
	diag "     got: '$1'" "expected: '$2'"
	return 1
}

# like GOT ERE DESC: pass when GOT matches the extended regex.
like() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		_nb_result 0 "$3"
		return 0
	fi
	_nb_result 1 "$3"
	diag "     got: '$1'" "expected to match: /$2/"
	return 1
}

# skip REASON [COUNT]: report COUNT (default 1) tests as skipped.
skip() {
	_nb_skip_k=${2:-1}
	while [ "$_nb_skip_k" -gt 0 ]; do
		_nb_n=$((_nb_n + 1))
		echo "ok $_nb_n # SKIP $1"
		_nb_skip_k=$((_nb_skip_k - 1))
	done
}

# Once a plan or tests are out, a "1..0" line would contradict them.
skip_all() {
	if [ -n "$_nb_plan" ]; then
		skip "$1" $((_nb_plan - _nb_n))
		done_testing
	fi
	if [ "$_nb_n" -gt 0 ]; then
		diag "skipping the rest: $1"
		done_testing
	fi
	echo "1..0 # SKIP $1"
	exit 0
}

done_testing() {
	if [ -z "$_nb_plan" ]; then
		echo "1..$_nb_n"
	elif [ "$_nb_plan" -ne "$_nb_n" ]; then
		diag "planned $_nb_plan tests but ran $_nb_n"
		exit 255
	fi
	[ "$_nb_fail" -gt 0 ] && diag "failed $_nb_fail of $_nb_n tests"
	[ "$_nb_fail" -gt 254 ] && exit 254
	exit "$_nb_fail"
}

# fatal MSG: the test cannot go on (setup failed); record it and stop.
fatal() {
	_nb_result 1 "$1"
	done_testing
}

# run CMD [ARG...]: capture stdout in $T/out, stderr in $T/err, status in RC.
run() {
	"$@" >"$T/out" 2>"$T/err" </dev/null
	RC=$?
	return 0
}

# --- requirements ---------------------------------------------------------

require_root() {
	[ "$(id -u)" -eq 0 ] || skip_all "needs root"
}

require_cmd() {
	for _nb_rc_cmd in "$@"; do
		command -v "$_nb_rc_cmd" >/dev/null 2>&1 ||
			skip_all "missing command: $_nb_rc_cmd"
	done
}

# Containers often have `ip` and root but no CAP_SYS_ADMIN: only an actual
# attempt tells.
require_netns() {
	require_cmd ip
	ip netns add "${_nb_prefix}probe" >/dev/null 2>&1 ||
		skip_all "cannot create network namespaces here"
	ip netns del "${_nb_prefix}probe" >/dev/null 2>&1
}

# --- time and polling -----------------------------------------------------

# now_cs: print a monotonic time in centiseconds.  /proc/uptime is read
# without forking, which matters inside 0.1 s polling loops.
_nb_now() {
	if read _nb_up _nb_idle </proc/uptime 2>/dev/null; then
		# "1" prefix: a fraction like "08" must not be read as octal
		_nb_t=$((${_nb_up%.*} * 100 + 1${_nb_up#*.} - 100))
	else
		_nb_t=$(($(date +%s) * 100))
	fi
}

now_cs() {
	_nb_now
	echo "$_nb_t"
}

# Seconds ("5", "0.5", "2.25") to centiseconds in _nb_cs.
_nb_to_cs() {
	case $1 in
	*.*)	_nb_cs_i=${1%%.*} _nb_cs_f=${1#*.}00 ;;
	*)	_nb_cs_i=$1 _nb_cs_f=00 ;;
	esac
	_nb_cs_f=${_nb_cs_f%"${_nb_cs_f#??}"}
	case ${_nb_cs_i:-0}$_nb_cs_f in
	*[!0-9]*) return 1 ;;
	esac
	_nb_cs=$((${_nb_cs_i:-0} * 100 + 1$_nb_cs_f - 100))
}

# wait_for TIMEOUT CMD [ARG...]: poll CMD every 0.1 s until it succeeds.
# Daemons become ready at their own pace; a fixed sleep is either too
# short on a loaded CI box or wastes time everywhere else.
wait_for() {
	_nb_to_cs "$1" || { diag "wait_for: bad timeout '$1'"; return 2; }
	_nb_wf_secs=$1
	shift
	_nb_now
	_nb_wf_end=$((_nb_t + _nb_cs))
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		_nb_now
		[ "$_nb_t" -ge "$_nb_wf_end" ] && break
		sleep 0.1
	done
	diag "timed out after ${_nb_wf_secs}s waiting for: $*"
	return 1
}

# Only sockets in the LISTEN/UNCONN state count: a client's ephemeral
# socket on the same port number must not look like a ready server.
_nb_listening() {	# NS t|u PORT
	in_ns "$1" ss -Hln"$2" "sport = :$3" | grep -q .
}

# wait_udp_port [NS] PORT, wait_tcp_port [NS] PORT (NS defaults to "-").
wait_udp_port() {
	[ $# -eq 1 ] && set -- - "$1"
	wait_for "${NB_WAIT:-10}" _nb_listening "$1" u "$2"
}

wait_tcp_port() {
	[ $# -eq 1 ] && set -- - "$1"
	wait_for "${NB_WAIT:-10}" _nb_listening "$1" t "$2"
}

# wait_log NAME ERE [TIMEOUT]: wait for a line in a start_bg log.
wait_log() {
	wait_for "${3:-${NB_WAIT:-10}}" grep -Eq -- "$2" "$T/$1.log"
}

# --- network namespaces and links -----------------------------------------

# The pid makes names unique per run, so parallel `prove -j` runs and
# leftovers of a crashed run never collide.
_nb_prefix="nbt-$$-"
_nb_ns=		# real names of the namespaces we created
_nb_links=	# links we created in the parent namespace

ns_name() {
	[ "$1" = - ] || echo "$_nb_prefix$1"
}

# in_ns NS CMD [ARG...]: run an external command inside NS ("-" = here).
in_ns() {
	_nb_in_ns=$1
	shift
	if [ "$_nb_in_ns" = - ]; then
		"$@"
	else
		ip netns exec "$_nb_prefix$_nb_in_ns" "$@"
	fi
}

# `ip` for a namespace given by its short name ("-" = here).
_nb_ip() {
	_nb_ip_ns=$1
	shift
	if [ "$_nb_ip_ns" = - ]; then
		ip "$@"
	else
		ip -n "$_nb_prefix$_nb_ip_ns" "$@"
	fi
}

netns_add() {
	ip netns add "$_nb_prefix$1" || return 1
	_nb_ns="$_nb_ns $_nb_prefix$1"
	_nb_ip "$1" link set lo up
}

# if_name SUFFIX: a link name unique to this run, for links that live in
# the shared parent namespace.
if_name() {
	_nb_ifn="nb$$$1"
	_nb_ifname_ok "$_nb_ifn" && echo "$_nb_ifn"
}

_nb_ifname_ok() {
	if [ -z "$1" ] || [ ${#1} -gt 15 ]; then
		diag "bad interface name '$1' (1 to 15 characters)"
		return 1
	fi
}

# Tests must never touch real networks: only the benchmarking range
# 198.18.0.0/15 (RFC 2544) is accepted for IPv4.  IPv6 is not checked.
_nb_addr_ok() {
	case $1 in
	''|-|198.18.*|198.19.*|*:*) return 0 ;;
	esac
	diag "address $1 is outside 198.18.0.0/15"
	return 1
}

# Parent-namespace links do not vanish with our namespaces: remember them.
_nb_own_link() {	# NS IF
	[ "$1" = - ] && _nb_links="$_nb_links $2"
	return 0
}

# Give IF an optional address ("-" or "" = none) and bring it up.
_nb_if_up() {		# NS IF ADDR
	if [ -n "$3" ] && [ "$3" != - ]; then
		_nb_ip "$1" addr add "$3" dev "$2" || return 1
	fi
	_nb_ip "$1" link set "$2" up
}

# veth_pair NS1 IF1 ADDR1 NS2 IF2 ADDR2.  Both ends are created directly
# in their namespaces: creating them here first and moving them could
# clash with a same-named link of this namespace or of a parallel run.
veth_pair() {
	if [ $# -ne 6 ]; then
		diag "usage: veth_pair NS1 IF1 ADDR1 NS2 IF2 ADDR2"
		return 2
	fi
	_nb_ifname_ok "$2" && _nb_ifname_ok "$5" || return 1
	_nb_addr_ok "$3" && _nb_addr_ok "$6" || return 1
	if [ "$4" = - ]; then
		_nb_vp_peer=$$		# a pid names the namespace it is in
	else
		_nb_vp_peer=$_nb_prefix$4
	fi
	_nb_ip "$1" link add name "$2" type veth \
		peer name "$5" netns "$_nb_vp_peer" || return 1
	# deleting one end deletes the pair: one entry is enough
	if [ "$1" = - ]; then
		_nb_own_link - "$2"
	else
		_nb_own_link "$4" "$5"
	fi
	_nb_if_up "$1" "$2" "$3" && _nb_if_up "$4" "$5" "$6"
}

# bridge_add NS BR [ADDR/PREFIX]
bridge_add() {
	_nb_ifname_ok "$2" && _nb_addr_ok "${3-}" || return 1
	_nb_ip "$1" link add name "$2" type bridge || return 1
	_nb_own_link "$1" "$2"
	_nb_if_up "$1" "$2" "${3-}"
}

# bridge_port NS BR IF
bridge_port() {
	_nb_ip "$1" link set "$3" master "$2" && _nb_ip "$1" link set "$3" up
}

# tap_add NS TAP [BR]: a tap for QEMU; start QEMU with `in_ns NS qemu ...
# -netdev tap,ifname=TAP,script=no,downscript=no`.
tap_add() {
	_nb_ifname_ok "$2" || return 1
	_nb_ip "$1" tuntap add dev "$2" mode tap || return 1
	_nb_own_link "$1" "$2"
	if [ -n "${3-}" ]; then
		bridge_port "$1" "$3" "$2"
	else
		_nb_ip "$1" link set "$2" up
	fi
}

# --- background processes -------------------------------------------------

_nb_bgs=	# names of the running start_bg processes

_nb_bgname_ok() {
	case $1 in
	''|*[!A-Za-z0-9_]*)
		diag "bad process name '$1' (letters, digits, _)"
		return 1 ;;
	esac
}

# A negative pid hits the whole process group start_bg made with setsid,
# so helpers a daemon spawned die too.  Right after the fork setsid may
# not have run yet: fall back to the pid.
_nb_signal() {		# SIG PID
	kill -s "$1" -- -"$2" 2>/dev/null || kill -s "$1" "$2" 2>/dev/null
}

# Alive and not a zombie: an exited child stays visible to `kill -s 0` until
# the shell reaps it.
_nb_alive() {
	kill -s 0 "$1" 2>/dev/null || return 1
	read _nb_al_stat <"/proc/$1/stat" 2>/dev/null || return 1
	case ${_nb_al_stat##*) } in
	Z*|X*) return 1 ;;
	esac
	return 0
}

_nb_gone() {
	! _nb_alive "$1"
}

# start_bg NAME CMD [ARG...]: CMD must be an external command or `in_ns NS
# CMD...`; run daemons in the foreground (tftpd -L, proxydhcp -f, ...) so
# their pid stays the one we track.  Output goes to $T/NAME.log.
start_bg() {
	_nb_bgname_ok "$1" || return 1
	_nb_sb_name=$1
	shift
	# ip netns exec and setsid both exec in place: $! stays the daemon
	if [ "$1" = in_ns ] && [ "$2" != - ]; then
		_nb_sb_ns=$_nb_prefix$2
		shift 2
		set -- ip netns exec "$_nb_sb_ns" "$@"
	elif [ "$1" = in_ns ]; then
		shift 2
	fi
	if command -v setsid >/dev/null 2>&1; then
		setsid "$@" >"$T/$_nb_sb_name.log" 2>&1 </dev/null &
	else
		"$@" >"$T/$_nb_sb_name.log" 2>&1 </dev/null &
	fi
	track_pid "$_nb_sb_name" $!
}

# track_pid NAME PID: have stop_bg and the cleanup handle a process the
# test started some other way (a pidfile, a daemon that forked).
track_pid() {
	_nb_bgname_ok "$1" || return 1
	eval "_nb_bg_pid_$1=\$2"
	case " $_nb_bgs " in
	*" $1 "*) ;;
	*) _nb_bgs="$_nb_bgs $1" ;;
	esac
}

bg_pid() {
	eval "echo \"\${_nb_bg_pid_$1-}\""
}

bg_alive() {
	_nb_ba_pid=$(bg_pid "$1")
	[ -n "$_nb_ba_pid" ] && _nb_alive "$_nb_ba_pid"
}

# stop_bg NAME: SIGTERM, poll up to NB_STOP_TIMEOUT s, then SIGKILL.
# Returns 0 if it went away on SIGTERM (or had already exited), 1 if it
# needed SIGKILL.  Its wait status, when known, is left in BG_STATUS.
stop_bg() {
	_nb_st_pid=$(bg_pid "$1")
	if [ -z "$_nb_st_pid" ]; then
		diag "stop_bg: no process named '$1'"
		return 1
	fi
	_nb_signal TERM "$_nb_st_pid"
	_nb_st_rc=0
	if ! wait_for "${NB_STOP_TIMEOUT:-5}" _nb_gone "$_nb_st_pid" 2>/dev/null
	then
		diag "stop_bg: $1 (pid $_nb_st_pid) ignored SIGTERM, killing"
		_nb_signal KILL "$_nb_st_pid"
		wait_for 2 _nb_gone "$_nb_st_pid"
		_nb_st_rc=1
	fi
	# the group may outlive its leader; never the bare pid here, which
	# may already belong to someone else
	kill -s KILL -- -"$_nb_st_pid" 2>/dev/null
	_nb_forget "$1" "$_nb_st_pid"
	return $_nb_st_rc
}

_nb_forget() {		# NAME PID
	# wait only knows our own children; it reports 127 for the rest
	wait "$2" 2>/dev/null
	BG_STATUS=$?
	eval "unset _nb_bg_pid_$1"
	_nb_fg_left=
	for _nb_fg_n in $_nb_bgs; do
		[ "$_nb_fg_n" = "$1" ] || _nb_fg_left="$_nb_fg_left $_nb_fg_n"
	done
	_nb_bgs=$_nb_fg_left
}

# --- cleanup --------------------------------------------------------------

# When something failed, the daemons' last words are usually the answer.
_nb_dump_logs() {
	for _nb_dl_f in "$T"/*.log; do
		[ -s "$_nb_dl_f" ] || continue
		diag "--- last lines of ${_nb_dl_f##*/} ---"
		tail -n 20 "$_nb_dl_f" | sed 's/^/# /' >&2
	done
}

_nb_stop_all() {
	# signal everyone first so their shutdowns overlap
	for _nb_sa_n in $_nb_bgs; do
		_nb_signal TERM "$(bg_pid "$_nb_sa_n")"
	done
	for _nb_sa_n in $_nb_bgs; do
		stop_bg "$_nb_sa_n" 2>/dev/null
	done
}

# Processes a test started inside a namespace by other means would keep
# it alive after `ip netns del`; kill whatever is left in there.
_nb_del_netns() {
	for _nb_dn in $_nb_ns; do
		for _nb_dn_pid in $(ip netns pids "$_nb_dn" 2>/dev/null); do
			kill -s KILL "$_nb_dn_pid" 2>/dev/null
		done
		ip netns del "$_nb_dn" 2>/dev/null
	done
	_nb_ns=
	for _nb_dn in $_nb_links; do
		ip link del "$_nb_dn" 2>/dev/null
	done
	_nb_links=
}

# Safe to call more than once: every step empties what it has undone.
# promtool_ok FILE DESC: promtool accepts FILE, a daemon's --metrics file,
# and has nothing to say about it (two checks; skipped without promtool).
promtool_ok() {
	if command -v promtool >/dev/null 2>&1; then
		run promtool check metrics <"$1"
		is "$RC" 0 "$2: promtool check metrics accepts the file"
		is "$(cat "$T/out" "$T/err")" "" "$2: and has nothing to say"
	else
		skip "no promtool (sh scripts/deps test)" 2
	fi
}

# at_exit CMD: run CMD (one shell word list) in the cleanup, after the
# daemons have stopped, for what a test changed outside $T.
_nb_at_exit=
at_exit() {
	_nb_at_exit="$_nb_at_exit
$*"
}

_nb_cleanup() {		# EXIT_STATUS
	if [ "$1" -ne 0 ] || [ "$_nb_fail" -gt 0 ]; then
		_nb_dump_logs
	fi
	_nb_stop_all
	_nb_del_netns
	[ -z "$_nb_at_exit" ] || eval "$_nb_at_exit"
	if [ -n "${T-}" ] && [ -d "$T" ]; then
		if [ -n "${NB_KEEP-}" ]; then
			diag "kept $T"
		else
			rm -rf "$T"
		fi
	fi
}

_nb_on_exit() {
	_nb_oe_rc=$?
	# a second ^C must not cut the cleanup short
	trap '' INT TERM HUP
	trap - EXIT
	_nb_cleanup "$_nb_oe_rc"
	exit "$_nb_oe_rc"
}

# T may be inherited from a test that runs this one: never clean that up.
T=

# Signals exit with the conventional 128+N; the EXIT trap cleans up.
trap _nb_on_exit EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# --- setup ----------------------------------------------------------------

# A sourced file cannot see its own path; walk up from the test script.
_nb_find_src() {
	cd "$(dirname -- "$0")" 2>/dev/null || return 1
	while [ ! -f tests/lib.sh ] && [ "$PWD" != / ]; do
		cd .. || return 1
	done
	[ -f tests/lib.sh ] && pwd -P
}

if [ -z "${NB_SRC-}" ]; then
	NB_SRC=$(_nb_find_src) || {
		echo "Bail out! cannot find the source tree; set NB_SRC"
		exit 255
	}
fi
NB_BIN=${NB_BIN:-$NB_SRC/build}
export NB_SRC NB_BIN
# Daemons chroot and drop privileges, after which LeakSanitizer can no
# longer read /proc and fails the process: leaks are checked by unit tests.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
export ASAN_OPTIONS

T=$(mktemp -d "${TMPDIR:-/tmp}/nbt.XXXXXX") || {
	echo "Bail out! mktemp -d failed"
	exit 255
}
export T
