#!/bin/sh
# Packets no honest client sends.  For each one the server may stay silent
# or answer, but an answer must be well formed: an ERROR (opcode 5, a code
# from 0 to 8, a NUL-terminated message), or for a request that is odd but
# valid, DATA or an OACK holding only options the request asked for, once
# each, with sane values.  After each packet the server must still serve.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/tftpd.sh"

require_root
require_netns
require_cmd perl ss cmp
tftpd_require

CNS=s
R=$T/root
chmod 755 "$T"
mkdir -p "$R" || fatal "mkdir"
printf 'still here\n' >"$R/ok.txt"
head -c 3000 /dev/urandom >"$R/data"
chmod -R a+rX "$R"

tftpd_netns s || fatal "cannot set up the namespace"
tftpd_start A s 127.0.0.1:69 -s -u nobody "$R" || fatal "the server does not start"
pass "the server listens on 127.0.0.1:69"

ASK_WAIT=0.5		# a reply on loopback takes a millisecond

# only_asked NAMES: each option of the OACK in REPLY is one of NAMES
# (case aside), none twice, each value at most 10 digits.
only_asked() {
	reply_oack | perl -e '
		my %ok = map { lc, 1 } split " ", shift;
		my %seen;
		while (<STDIN>) {
			chomp;
			my ($k, $v) = split /=/, $_, 2;
			die "not asked: $k\n" unless $ok{lc $k};
			die "twice: $k\n" if $seen{lc $k}++;
			die "bad value: $k=$v\n" unless $v =~ /^\d{1,10}$/;
		}' "$1"
}

# judge KIND [NAMES]: is REPLY acceptable?  KIND "error": silence or a
# well-formed ERROR; "request": also DATA, or an OACK of NAMES only.
judge() {
	[ -z "$REPLY" ] && return 0
	well_formed_error && return 0
	[ "$1" = request ] || return 1
	case $(reply_op) in
	3) return 0 ;;
	6) only_asked "$2" ;;
	*) return 1 ;;
	esac
}

# try DESC KIND NAMES PACKET...: send, judge the reply, then fetch a file.
try() {
	_t_desc=$1 _t_kind=$2 _t_names=$3
	shift 3
	udp_ask s 69 "$@"
	if _t_why=$(judge "$_t_kind" "$_t_names" 2>&1); then
		case $REPLY in
		'') _t_what="no reply" ;;
		0005*) _t_what="ERROR $(reply_code): $(reply_text)" ;;
		0003*) _t_what="DATA" ;;
		0006*) _t_what="OACK $(reply_oack | tr '\n' ' ')" ;;
		esac
		pass "$_t_desc: $_t_what"
	else
		fail "$_t_desc: a well-formed reply or none"
		diag "reply: $REPLY" "$_t_why"
	fi
	ok "... then the server still serves" tftp_ok s 69 ok.txt "$R/ok.txt"
}

LONG=$(printf '%0200d' 0 | tr 0 o)	# a 200-byte option name or value

try "an empty datagram" error "" ""
try "1 byte" error "" "00"
try "a 1-byte ERROR" error "" "05"
try "a 2-byte ERROR (no code)" error "" "0005"
try "a 3-byte ERROR (half a code)" error "" "0005 00"
try "an ERROR with no message" error "" "0005 0000"
try "an ERROR with an unterminated message" error "" "0005 0001 =oops"
try "RRQ with an unterminated file name" error "" "0001 =ok.txt"
try "RRQ with a file name and nothing else" error "" "0001 =ok.txt 00"
try "RRQ with an unterminated mode" error "" "0001 =ok.txt 00 =octet"
try "RRQ with an empty mode" error "" "0001 =ok.txt 00 00"
try "RRQ with an empty file name" error "" "0001 00 =octet 00"
try "RRQ in mode mail" error "" "$(rrq ok.txt mail)"
try "RRQ in an unknown mode" error "" "$(rrq ok.txt binary)"
try "RRQ with an unterminated option name" request "blksize" \
	"$(rrq ok.txt) =blksize"
try "RRQ with an unterminated option value" request "blksize" \
	"$(rrq ok.txt) =blksize 00 =1468"
try "RRQ with an option and no value" request "blksize" \
	"$(rrq ok.txt) =blksize 00"
try "RRQ with an empty option name" request "" "$(rrq ok.txt) 00 =1 00"
try "WRQ with an unterminated file name" error "" "0002 =ok.txt"
try "WRQ with an unterminated mode" error "" "0002 =ok.txt 00 =oct"

# blksize 8 and about 1400 bytes of options nobody knows
many="$(rrq ok.txt octet blksize 8)"
for i in 1 2 3; do
	many="$many =x$i$LONG 6f*28 00 =$LONG 6f*30 00"
done
try "RRQ of 1411 bytes: blksize 8 and 3 long unknown options" request \
	"blksize" "$many"
try "RRQ with blksize three times" request "blksize" \
	"$(rrq ok.txt octet blksize 512 blksize 1024 blksize 1468)"
try "RRQ with tsize three times" request "tsize" \
	"$(rrq ok.txt octet tsize 0 tsize 0 tsize 0)"
try "RRQ with timeout of 20 digits" request "timeout" \
	"$(rrq ok.txt octet timeout 99999999999999999999)"
try "RRQ with utimeout of 20 digits" request "utimeout" \
	"$(rrq ok.txt octet utimeout 18446744073709551617)"
try "RRQ with blksize of 20 digits" request "blksize" \
	"$(rrq ok.txt octet blksize 18446744073709551624)"
try "RRQ with windowsize of 20 digits" request "windowsize" \
	"$(rrq ok.txt octet windowsize 18446744073709551617)"
try "RRQ with blksize 7 (below the minimum)" request "blksize" \
	"$(rrq ok.txt octet blksize 7)"
try "RRQ with blksize 0" request "blksize" "$(rrq ok.txt octet blksize 0)"
try "RRQ with blksize -1" request "blksize" "$(rrq ok.txt octet blksize -1)"
try "RRQ with blksize 1e3" request "blksize" "$(rrq ok.txt octet blksize 1e3)"
try "RRQ with blksize 65465 (above the maximum)" request "blksize" \
	"$(rrq ok.txt octet blksize 65465)"
try "RRQ with windowsize 0" request "windowsize" \
	"$(rrq ok.txt octet windowsize 0)"
try "RRQ with timeout 0" request "timeout" "$(rrq ok.txt octet timeout 0)"
try "RRQ with timeout 256" request "timeout" "$(rrq ok.txt octet timeout 256)"
try "RRQ with tsize on netascii" request "tsize" \
	"$(rrq ok.txt netascii tsize 0)"
try "RRQ with tsize 5 (not 0)" request "tsize" "$(rrq ok.txt octet tsize 5)"
try "RRQ with a name of 1000 bytes" error "" \
	"0001 =$LONG$LONG$LONG$LONG$LONG 00 =octet 00"
try "RRQ of nearly 65000 bytes" error "" "0001 61*64000 00 =octet 00"
try "RRQ with a control character in the name" error "" \
	"0001 =ok 01 =.txt 00 =octet 00"
try "RRQ with a NUL byte padding after the options" request "blksize" \
	"$(rrq ok.txt octet blksize 1024) 00 00 00"
try "opcode 0" error "" "0000 =ok.txt 00 =octet 00"
try "opcode 7" error "" "0007 =ok.txt 00 =octet 00"
try "opcode 99" error "" "0063 =ok.txt 00 =octet 00"
try "opcode 65535" error "" "ffff =ok.txt 00 =octet 00"
try "an ACK before any request" error "" "0004 0001"
try "an ACK of block 0 before any request" error "" "0004 0000"
try "a DATA before any request" error "" "0003 0001 =hello"
try "an OACK sent to the server" error "" "0006 =blksize 00 =512 00"

# several at once, as fast as they go
udp_ask s 69 "" "05" "0005" "0001 =ok.txt" "0004 0001" "0063 00" \
	"$(rrq ok.txt octet blksize 8)" "0000"
ok "a burst of junk: the server still serves" tftp_ok s 69 ok.txt "$R/ok.txt"

# Client strings reach the log escaped: no raw control characters, no
# line a client wrote itself.
if ours 2 "the log of the server under test"; then
	udp_ask s 69 "0001 =evil 1b =[31m 0a =FORGED 0d 0a =line 00 =octet 00"
	udp_ask s 69 "$(rrq ok.txt) =x 0a =FORGED 00 =1 00"
	wait_for 2 grep -q evil "$T/A.log"
	nok "no line of the log starts with what a client wrote" \
		grep -q '^FORGED' "$T/A.log"
	nok "no escape character reaches the log" \
		grep -q "$(printf '\033')" "$T/A.log"
fi

# a transfer still runs start to end, at blksize 8
rm -f "$T/got"
ok "a whole transfer at blksize 8 afterwards" \
	in_ns s $UDPSEND -w 5 -g "$T/got" 127.0.0.1 69 \
	"$(rrq data octet blksize 8)"
ok "... byte for byte" cmp "$R/data" "$T/got"
ok "the server still runs" bg_alive A

done_testing
