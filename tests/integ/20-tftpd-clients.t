#!/bin/sh
# tftpd against the real clients a lab uses: tftp-hpa, atftp, curl and
# busybox; gets and puts byte for byte, blksize, windowsize and tsize,
# block numbers rolling over past 65535, netascii, errors 1, 2 and 6,
# atomic uploads, and the names Windows boot clients ask for.
#
# Server and clients share one private namespace, so port 69 is free.
# TFTPD=/usr/sbin/in.tftpd runs it against tftp-hpa's server.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/tftpd.sh"

require_root
require_netns
require_cmd perl ss cmp od
tftpd_require

CNS=s			# clients run beside the server
R=$T/root
UP=$R/up

# --- the served tree --------------------------------------------------------

# The server drops to nobody: what it serves must be world-readable, the
# upload directory world-writable, and the path to the root searchable.
chmod 755 "$T"
mkdir -p "$R/Boot/x64" "$UP" "$T/c" || fatal "mkdir"
printf 'hello\n' >"$R/hello.txt"
: >"$R/empty"
head -c 4096 /dev/urandom >"$R/b4096"		# 8 x 512: ends with an empty block
head -c 4404 /dev/urandom >"$R/b4404"		# 3 x 1468
head -c 100077 /dev/urandom >"$R/rand"
head -c 100M /dev/urandom >"$R/big" || fatal "no room for a 100 MiB file"
# LF alone, CR alone, CR LF, a NUL, no final newline
printf 'one\ntwo\rthree\r\nfour\000five\n\nlast' >"$R/text.txt"
printf 'bcd\n' >"$R/Boot/BCD"
printf 'wds\n' >"$R/Boot/x64/wdsnbp.com"
printf 'private\n' >"$R/noread"
printf 'locked\n' >"$UP/locked"
printf 'open\n' >"$UP/open"
printf 'drop\n' >"$R/drop"
chmod -R a+rX "$R"
chmod 600 "$R/noread"
chmod 644 "$UP/locked"
chmod 666 "$UP/open" "$R/drop"
chmod 1777 "$UP"

# The error codes ours sends.  tftp-hpa's in.tftpd opens the file as
# nobody first and sends the errno as error 0 ("Permission denied"), and
# error 1 for a new file without -c: when testing it, expect those.
E_NOREAD=2 E_NOCREATE=2 E_LOCKED=6
[ -n "$OURS" ] || E_NOREAD=0 E_NOCREATE=1 E_LOCKED=0

# curl's exit status for each TFTP error code (0 and 4 are both 71)
curl_rc() {
	case $1 in
	0) echo 71 ;;
	*) echo $(($1 + 67)) ;;
	esac
}

# Server A creates files (-c); server N does not; server CS has no case
# fallback (ours only).
tftpd_netns s || fatal "cannot set up the namespace"
V=
[ -n "$OURS" ] && V=-v
tftpd_start A s 127.0.0.1:69 -s -c -u nobody $V "$R" ||
	fatal "server A (-c) does not start"
pass "server A (-c) listens on 127.0.0.1:69"
# N overwrites in place the two targets a rename cannot replace (a sticky
# directory, a read-only one); without --in-place-writes they are refused,
# see 26-tftpd-uploads.t.
INPLACE=
[ -n "$OURS" ] && INPLACE=--in-place-writes
tftpd_start N s 127.0.0.1:1069 -s -u nobody $INPLACE $V "$R" ||
	fatal "server N does not start"
pass "server N (no -c) listens on 127.0.0.1:1069"

# same FILE: the last fetch, $T/c/got, matches $R/FILE.
same() {
	cmp "$R/$1" "$T/c/got"
}

# --- tftp-hpa -----------------------------------------------------------------

if have 23 tftp; then
	for f in hello.txt empty b4096 b4404 rand; do
		rm -f "$T/c/got"
		hpa -m binary 127.0.0.1 -c get "$f" "$T/c/got"
		ok "tftp-hpa get $f" same "$f"
	done
	rm -f "$T/c/got"
	hpa -v -m octet 127.0.0.1 -c get rand "$T/c/got"
	ok "tftp-hpa -v get rand" same rand
	like "$(cat "$T/out")" 'Received 100077 bytes' \
		"tftp-hpa -v reports the size"

	S=$(now_cs)
	rm -f "$T/c/got"
	hpa -m binary 127.0.0.1 -c get big "$T/c/got"
	ok "tftp-hpa get of 100 MiB at blksize 512 (block numbers roll over)" \
		same big
	diag "100 MiB at 512: $(( ($(now_cs) - S) / 100 )) s"
	rm -f "$T/c/got"

	# netascii: the client must get back exactly the local text
	rm -f "$T/c/got"
	hpa -m netascii 127.0.0.1 -c get text.txt "$T/c/got"
	ok "tftp-hpa netascii get: same text back" same text.txt
	rm -f "$T/c/got"
	printf 'mode netascii\nverbose\nget text.txt %s\nquit\n' "$T/c/got" |
		hpa_in 127.0.0.1
	ok "tftp-hpa commands on stdin: mode netascii, get" same text.txt

	# uploads
	hpa -m binary 127.0.0.1 -c put "$R/rand" up/hpa.put
	ok "tftp-hpa put creates a file (-c)" cmp "$R/rand" "$UP/hpa.put"
	hpa -m binary 127.0.0.1 -c put "$R/b4096" up/hpa4096.put
	ok "tftp-hpa put of 8 x 512 bytes" cmp "$R/b4096" "$UP/hpa4096.put"
	hpa -m netascii 127.0.0.1 -c put "$R/text.txt" up/text.put
	ok "tftp-hpa netascii put: same text stored" \
		cmp "$R/text.txt" "$UP/text.put"
	hpa -m binary 127.0.0.1 1069 -c put "$R/b4404" up/open
	ok "tftp-hpa put onto a world-writable file in a sticky directory" \
		cmp "$R/b4404" "$UP/open"
	# the classic setup: the admin makes an upload target world-writable
	# in a directory the server cannot write to
	hpa -m binary 127.0.0.1 1069 -c put "$R/rand" drop
	ok "tftp-hpa put onto a world-writable file in a read-only directory" \
		cmp "$R/rand" "$R/drop"

	# errors
	rm -f "$T/c/got"
	hpa -m binary 127.0.0.1 -c get nosuchfile "$T/c/got"
	ok "tftp-hpa get of a missing file: error 1" hpa_error 1
	nok "... and no data" test -s "$T/c/got"
	rm -f "$T/c/got"
	hpa -m binary 127.0.0.1 -c get noread "$T/c/got"
	ok "tftp-hpa get of a file not world-readable: error $E_NOREAD" \
		hpa_error $E_NOREAD
	nok "... and no data" test -s "$T/c/got"
	hpa -m binary 127.0.0.1 1069 -c put "$R/hello.txt" up/new-no-c
	ok "tftp-hpa put of a new file without -c: error $E_NOCREATE" \
		hpa_error $E_NOCREATE
	nok "... and no file" test -e "$UP/new-no-c"
	hpa -m binary 127.0.0.1 -c put "$R/hello.txt" up/locked
	ok "tftp-hpa put onto a file not world-writable: error $E_LOCKED" \
		hpa_error $E_LOCKED
	is "$(cat "$UP/locked")" locked "... and the file is untouched"
fi

# --- atftp ----------------------------------------------------------------

if have 14 atftp; then
	at() {
		in_ns "$CNS" $BOUND atftp "$@" >"$T/out" 2>&1 </dev/null
	}
	for f in hello.txt b4096 rand; do
		rm -f "$T/c/got"
		at --get -r "$f" -l "$T/c/got" 127.0.0.1
		ok "atftp get $f" same "$f"
	done
	rm -f "$T/c/got"
	at --trace --option "blksize 1468" --option "tsize 0" \
		--get -r b4404 -l "$T/c/got" 127.0.0.1
	ok "atftp get at blksize 1468 with tsize" same b4404
	like "$(grep 'received OACK' "$T/out")" 'blksize: 1468' \
		"the OACK grants blksize 1468"
	like "$(grep 'received OACK' "$T/out")" 'tsize: 4404' \
		"the OACK gives tsize 4404"
	rm -f "$T/c/got"
	if ours 2 "windowsize"; then
		at --trace --option "blksize 1468" --option "windowsize 16" \
			--get -r rand -l "$T/c/got" 127.0.0.1
		ok "atftp get at blksize 1468, windowsize 16" same rand
		like "$(grep 'received OACK' "$T/out")" 'windowsize: 16' \
			"the OACK grants windowsize 16"
	fi
	at --put -r up/atftp.put -l "$R/rand" 127.0.0.1
	ok "atftp put" cmp "$R/rand" "$UP/atftp.put"
	at --option "blksize 1468" --put -r up/atftp1468.put -l "$R/b4404" \
		127.0.0.1
	ok "atftp put at blksize 1468" cmp "$R/b4404" "$UP/atftp1468.put"
	rm -f "$T/c/got"
	nok "atftp get of a missing file fails" \
		at --get -r nosuchfile -l "$T/c/got" 127.0.0.1
	nok "... with no data" test -s "$T/c/got"
	if ours 2 "backslashes in names"; then
		rm -f "$T/c/got"
		at --get -r '\Boot\BCD' -l "$T/c/got" 127.0.0.1
		ok "atftp get \\Boot\\BCD fetches Boot/BCD" same Boot/BCD
		rm -f "$T/c/got"
		at --get -r '\boot\x64\WDSNBP.COM' -l "$T/c/got" 127.0.0.1
		ok "atftp get \\boot\\x64\\WDSNBP.COM fetches Boot/x64/wdsnbp.com" \
			same Boot/x64/wdsnbp.com
	fi
fi

# --- curl -----------------------------------------------------------------

if have 7 curl; then
	cu() {
		in_ns "$CNS" $BOUND curl -sS "$@" >"$T/out" 2>&1 </dev/null
		RC=$?
		return $RC
	}
	rm -f "$T/c/got"
	cu tftp://127.0.0.1/rand -o "$T/c/got"
	ok "curl get" same rand
	rm -f "$T/c/got"
	cu --tftp-blksize 1468 tftp://127.0.0.1/b4404 -o "$T/c/got"
	ok "curl get --tftp-blksize 1468" same b4404
	cu -T "$R/rand" tftp://127.0.0.1/up/curl.put
	ok "curl put" cmp "$R/rand" "$UP/curl.put"
	# curl maps the TFTP error codes to exit statuses 68 to 74
	rm -f "$T/c/got"
	cu tftp://127.0.0.1/nosuchfile -o "$T/c/got"
	is "$RC" 68 "curl get of a missing file: error 1 (curl exit 68)"
	rm -f "$T/c/got"
	cu tftp://127.0.0.1/noread -o "$T/c/got"
	is "$RC" "$(curl_rc $E_NOREAD)" \
		"curl get of a file not world-readable: error $E_NOREAD"
	cu -T "$R/hello.txt" tftp://127.0.0.1:1069/up/curl-no-c
	is "$RC" "$(curl_rc $E_NOCREATE)" \
		"curl put of a new file without -c: error $E_NOCREATE"
	cu -T "$R/hello.txt" tftp://127.0.0.1/up/locked
	is "$RC" "$(curl_rc $E_LOCKED)" \
		"curl put onto a file not world-writable: error $E_LOCKED"
fi

# --- busybox --------------------------------------------------------------

if have 5 busybox && busybox tftp --help 2>&1 | grep -q -- '-b SIZE'; then
	bb() {
		in_ns "$CNS" $BOUND busybox tftp "$@" >"$T/out" 2>&1 </dev/null
	}
	rm -f "$T/c/got"
	bb -g -r rand -l "$T/c/got" 127.0.0.1
	ok "busybox tftp get" same rand
	rm -f "$T/c/got"
	bb -g -b 1468 -r b4404 -l "$T/c/got" 127.0.0.1
	ok "busybox tftp get -b 1468" same b4404
	bb -p -l "$R/rand" -r up/busybox.put 127.0.0.1
	ok "busybox tftp put" cmp "$R/rand" "$UP/busybox.put"
	nok "busybox tftp get of a missing file fails" \
		bb -g -r nosuchfile -l "$T/c/got" 127.0.0.1
	like "$(cat "$T/out")" '\(1\)' "... reporting error 1"
elif command -v busybox >/dev/null 2>&1; then
	skip "busybox has no tftp with -b" 5
fi

# --- the packets themselves ------------------------------------------------

udp_ask s 69 "$(rrq nosuchfile)"
ok "RRQ of a missing file: ERROR 1" error_is 1
udp_ask s 69 "$(rrq noread)"
ok "RRQ of a file not world-readable: ERROR $E_NOREAD" error_is $E_NOREAD
udp_ask s 1069 "$(wrq up/new-raw)"
ok "WRQ of a new file without -c: ERROR $E_NOCREATE" error_is $E_NOCREATE
udp_ask s 69 "$(wrq up/locked)"
ok "WRQ onto a file not world-writable: ERROR $E_LOCKED" error_is $E_LOCKED
is "$(cat "$UP/locked")" locked "the file not world-writable is untouched"

udp_ask s 69 "$(rrq rand octet tsize 0)"
is "$(reply_oack)" "tsize=100077" "RRQ with tsize 0: the OACK gives the size, and only that"
udp_ask s 69 "$(rrq rand octet blksize 1468 tsize 0)"
is "$(reply_oack | sort)" "blksize=1468
tsize=100077" "RRQ with blksize and tsize: both granted, nothing else"
udp_ask s 69 "$(rrq rand octet blksize 65464)"
is "$(reply_oack)" "blksize=65464" "blksize 65464 is granted"
if ours 1 "windowsize"; then
	udp_ask s 69 "$(rrq rand octet windowsize 16)"
	is "$(reply_oack)" "windowsize=16" "windowsize 16 is granted"
fi
udp_ask s 69 "$(rrq hello.txt octet msftwindow 31416)"
case $(reply_op) in
3) pass "an unknown option (msftwindow) is ignored: plain DATA" ;;
*) fail "an unknown option (msftwindow) is ignored: plain DATA"
   diag "got: $REPLY" ;;
esac

# netascii as it travels: CR LF for a newline, CR NUL for a bare CR
rm -f "$T/c/wire"
ok "netascii RRQ read raw" \
	in_ns s $UDPSEND -w 5 -g "$T/c/wire" 127.0.0.1 69 "$(rrq text.txt netascii)"
printf 'one\r\ntwo\r\000three\r\000\r\nfour\000five\r\n\r\nlast' >"$T/c/wire.want"
ok "netascii on the wire: LF is CR LF, CR is CR NUL" \
	cmp "$T/c/wire.want" "$T/c/wire"
rm -f "$T/c/wire"
ok "NETASCII in capitals is netascii too" \
	in_ns s $UDPSEND -w 5 -g "$T/c/wire" 127.0.0.1 69 "$(rrq text.txt NETASCII)"
ok "... same bytes" cmp "$T/c/wire.want" "$T/c/wire"

# --- uploads are atomic (ours writes a temporary file, then renames) ------

if ours 3 "atomic uploads"; then
	ls -A "$UP" >"$T/up.before"
	# WRQ, one full block, then a pause with the transfer open, then ERROR
	in_ns s $UDPSEND -s -w 5 127.0.0.1 69 "$(wrq up/partial)" \
		"0003 0001 41*512" +3 "0005 0000 =abort 00" >"$T/partial.out" 2>&1 &
	UPID=$!
	track_pid partial "$UPID"
	if wait_for 5 sh -c "[ \$(wc -l <'$T/partial.out') -ge 2 ]"; then
		nok "a half-done upload is not visible under its name" \
			test -e "$UP/partial"
	else
		fail "the first block of an upload is acknowledged"
		cat "$T/partial.out" >&2
	fi
	stop_bg partial >/dev/null 2>&1
	ok "after ERROR from the client: no file under its name" \
		wait_for 5 sh -c "! test -e '$UP/partial'"
	ok "... and no temporary file left" \
		wait_for 5 sh -c "ls -A '$UP' | cmp -s - '$T/up.before'"
	ls -A "$UP" | diff "$T/up.before" - >&2
fi

# --- the names Windows boot clients ask for ---------------------------------

if have 6 tftp && ours 6 "backslashes and the case fallback"; then
	rm -f "$T/c/got"
	hpa -m binary 127.0.0.1 -c get '\Boot\BCD' "$T/c/got"
	ok "tftp-hpa get \\Boot\\BCD fetches Boot/BCD" same Boot/BCD
	rm -f "$T/c/got"
	hpa -m binary 127.0.0.1 -c get '/Boot\x64\wdsnbp.com' "$T/c/got"
	ok "tftp-hpa get /Boot\\x64\\wdsnbp.com (mixed slashes)" \
		same Boot/x64/wdsnbp.com
	rm -f "$T/c/got"
	hpa -m binary 127.0.0.1 -c get boot/bcd "$T/c/got"
	ok "tftp-hpa get boot/bcd fetches Boot/BCD (case fallback)" same Boot/BCD

	tftpd_start CS s 127.0.0.1:2069 -s -u nobody --case-sensitive $V "$R" ||
		fatal "server CS (--case-sensitive) does not start"
	rm -f "$T/c/got"
	hpa -m binary 127.0.0.1 2069 -c get boot/bcd "$T/c/got"
	ok "with --case-sensitive, boot/bcd is error 1" hpa_error 1
	udp_ask s 2069 "$(rrq boot/bcd)"
	ok "... ERROR 1 on the wire" error_is 1
	rm -f "$T/c/got"
	hpa -m binary 127.0.0.1 2069 -c get '\Boot\BCD' "$T/c/got"
	ok "with --case-sensitive, \\Boot\\BCD still fetches Boot/BCD" \
		same Boot/BCD
fi

# --- IPv6 -------------------------------------------------------------------

if have 2 tftp; then
	if tftpd_start A6 s '[::1]:69' -s -u nobody $V "$R"; then
		pass "a server on [::1]:69 listens"
		rm -f "$T/c/got"
		hpa -6 -m binary ::1 -c get rand "$T/c/got"
		ok "tftp-hpa get over IPv6" same rand
	else
		fail "a server on [::1]:69 listens"
		skip "no IPv6 server"
	fi
fi

ok "server A still runs" bg_alive A
ok "server N still runs" bg_alive N

done_testing
