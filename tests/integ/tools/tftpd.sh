# tests/integ/tools/tftpd.sh - what the tftpd integration tests share.
#
# Sourced after tests/lib.sh:
#   . "$HERE/../lib.sh"; . "$HERE/tools/tftpd.sh"
#
# TFTPD names the server under test, $NB_BIN/tftpd by default.  Pointing it
# at another server (TFTPD=/usr/sbin/in.tftpd, tftp-hpa's) runs the same
# tests against a peer: the checks of what only ours does (backslashes,
# the case fallback, windowsize, atomic uploads, the log) are then skipped,
# and where the peer sends other error codes than ours, its own are
# expected (see 20-tftpd-clients.t).

TOOLS=$NB_SRC/tests/integ/tools
UDPSEND="perl $TOOLS/udpsend.pl"
TFTPD=${TFTPD:-$NB_BIN/tftpd}

# A client that hangs must not hang the run.
if command -v timeout >/dev/null 2>&1; then
	BOUND="timeout 300"
else
	BOUND=
fi

tftpd_require() {
	[ -x "$TFTPD" ] || skip_all "no tftpd at $TFTPD (build it, or set TFTPD)"
	if "$TFTPD" --help 2>&1 | grep -q -- --case-sensitive; then
		OURS=1
	else
		OURS=
		diag "testing a peer server: $TFTPD; checks of our extensions skipped"
	fi
}

# ours COUNT WHAT: true for our server; for a peer, skip COUNT checks.
ours() {
	[ -n "$OURS" ] && return 0
	skip "$2: not in $(basename "$TFTPD")" "$1"
	return 1
}

# have COUNT CMD: true when the client CMD is installed, else skip COUNT.
have() {
	command -v "$2" >/dev/null 2>&1 && return 0
	skip "no $2 installed" "$1"
	return 1
}

# tftpd_netns NS: a namespace for a server and its clients on loopback.
# glibc's AI_ADDRCONFIG ignores loopback addresses, and tftp-hpa resolves
# its -a address with it: without one other address it cannot bind
# 127.0.0.1.  A veth pair inside the namespace provides that address.
tftpd_netns() {
	netns_add "$1" &&
	veth_pair "$1" ac0 198.18.255.1/30 "$1" ac1 -
}

# tftpd_start NAME NS ADDR:PORT [ARG...]: run the server in the foreground
# (-L) bound to ADDR:PORT, with ARG... (options, then the directory), and
# wait until it listens.
tftpd_start() {
	_ts_name=$1 _ts_ns=$2 _ts_addr=$3
	shift 3
	start_bg "$_ts_name" in_ns "$_ts_ns" "$TFTPD" -L -a "$_ts_addr" "$@" ||
		return 1
	wait_udp_port "$_ts_ns" "${_ts_addr##*:}"
}

# rrq NAME [MODE [OPTION VALUE]...], wrq ...: a request for udpsend.pl.
# Names and values must not hold blanks.
_tftp_req() {		# OPCODE NAME [MODE [OPT VAL]...]
	_tr=$1
	shift
	_tr="$_tr =$1 00 =${2:-octet} 00"
	shift
	[ $# -gt 0 ] && shift
	while [ $# -ge 2 ]; do
		_tr="$_tr =$1 00 =$2 00"
		shift 2
	done
	printf '%s\n' "$_tr"
}

rrq() { _tftp_req 0001 "$@"; }
wrq() { _tftp_req 0002 "$@"; }

# udp_ask NS PORT PACKET...: send, wait for the first reply (1 s) and keep
# its bytes in hex in REPLY ("" when none came).  A DATA or OACK reply is
# answered with ERROR 0 so that no transfer lingers.  Run with ASK_HOST
# (default 127.0.0.1) as the server address.
udp_ask() {
	_ua_ns=$1 _ua_port=$2
	shift 2
	REPLY=$(in_ns "$_ua_ns" $UDPSEND -k -w "${ASK_WAIT:-1}" \
		"${ASK_HOST:-127.0.0.1}" "$_ua_port" "$@" 2>"$T/udp.err" |
		sed -n '1s/^[0-9]* //p')
}

# The parts of a reply in hex: opcode and error code (or block) as numbers.
reply_op() { [ ${#REPLY} -ge 4 ] && echo $((0x$(echo "$REPLY" | cut -c1-4))); }
reply_code() { [ ${#REPLY} -ge 8 ] && echo $((0x$(echo "$REPLY" | cut -c5-8))); }

# The text of an ERROR reply, as printable characters.
reply_text() {
	echo "${REPLY#????????}" | sed 's/00$//' | perl -ne 'chomp;
		print((pack("H*", $_) =~ tr/\x20-\x7e/?/cr), "\n")'
}

# error_is CODE: REPLY is a well-formed ERROR packet with that code:
# opcode 5, the code, a message and its NUL, nothing after it.
# On failure it prints what came, for ok to show.
error_is() {
	[ "$(reply_op)" = 5 ] && [ "$(reply_code)" = "$1" ] && well_formed_error &&
		return 0
	echo "reply: ${REPLY:-none}"
	[ "$(reply_op)" = 5 ] && echo "text: $(reply_text)"
	return 1
}

well_formed_error() {
	[ "$(reply_op)" = 5 ] || return 1
	_we_code=$(reply_code)
	[ -n "$_we_code" ] && [ "$_we_code" -le 8 ] || return 1
	_we_msg=${REPLY#????????}
	# hex digits in pairs, exactly one 00 byte, at the end
	printf '%s\n' "$_we_msg" |
		grep -Eqx '(0[1-9a-f]|[1-9a-f][0-9a-f])*00'
}

# tftp_ok NS PORT NAME WANT: fetch NAME from ASK_HOST (default 127.0.0.1)
# with a real client (tftp-hpa, else atftp, else udpsend.pl) and compare it
# with the local file WANT.
tftp_ok() {
	rm -f "$T/fetched"
	if command -v tftp >/dev/null 2>&1; then
		in_ns "$1" $BOUND tftp -m binary "${ASK_HOST:-127.0.0.1}" "$2" \
			-c get "$3" "$T/fetched"
	elif command -v atftp >/dev/null 2>&1; then
		in_ns "$1" $BOUND atftp --get -r "$3" -l "$T/fetched" \
			"${ASK_HOST:-127.0.0.1}" "$2"
	else
		in_ns "$1" $UDPSEND -w 5 -g "$T/fetched" \
			"${ASK_HOST:-127.0.0.1}" "$2" "$(rrq "$3")"
	fi
	cmp "$4" "$T/fetched"
}

# udp_put NS PORT NAME: WRQ NAME, and if the server takes it, a 7-byte
# upload ("ESCAPED").  The first reply is left in REPLY.
udp_put() {
	REPLY=$(in_ns "$1" $UDPSEND -s -w "${ASK_WAIT:-1}" \
		"${ASK_HOST:-127.0.0.1}" "$2" "$(wrq "$3")" "0003 0001 =ESCAPED" \
		2>"$T/udp.err" | sed -n '1s/^[0-9]* //p')
}

# hpa ARGS...: the tftp-hpa client in NS $CNS; its output is in $T/out.
# It exits 0 even when the server sent an error: the output tells.
hpa() {
	in_ns "$CNS" $BOUND tftp "$@" >"$T/out" 2>&1 </dev/null
	RC=$?
	grep -q '^Error code' "$T/out" && RC=1
	[ "$RC" -eq 0 ]
}

# hpa_in ARGS...: the same, with commands on standard input.
hpa_in() {
	in_ns "$CNS" $BOUND tftp "$@" >"$T/out" 2>&1
	RC=$?
	grep -q '^Error code' "$T/out" && RC=1
	[ "$RC" -eq 0 ]
}

# hpa_error CODE: the last hpa run reported the server's ERROR CODE.
hpa_error() {
	grep -q "^Error code $1:" "$T/out"
}

# reply_oack: the options of an OACK reply, one "name=value" a line, in
# the order sent; nothing when REPLY is no OACK.
reply_oack() {
	[ "$(reply_op)" = 6 ] || return 1
	echo "${REPLY#????}" | perl -ne 'chomp; my @f = split /\0/, pack("H*", $_), -1;
		pop @f if @f && $f[-1] eq "";
		for (my $i = 0; $i < @f; $i += 2) {
			print $f[$i], "=", $f[$i + 1] // "(missing)", "\n" }'
}
