#!/bin/sh
# What tftpd will not do to a served tree: leave a half-new file under a
# served name when an upload cannot be written to a temporary file and
# renamed (refused unless --in-place-writes), or serve names with a
# component starting with '.' (refused unless --dotfiles).

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/tftpd.sh"

require_root
require_netns
require_cmd perl ss cmp
tftpd_require
ours || skip_all "--in-place-writes and --dotfiles are ours"

CNS=s
R=$T/root
chmod 755 "$T"
mkdir -p "$R/ro" "$R/sub" || fatal "mkdir"
chmod 777 "$R"
chmod 755 "$R/ro"
head -c 200000 /dev/urandom >"$R/ro/existing.bin"
chmod 666 "$R/ro/existing.bin"
cp "$R/ro/existing.bin" "$T/existing.orig"
printf 'aa:bb:cc:dd:ee:ff node1\n' >"$R/.bootcfg-manifest"
printf 'hidden\n' >"$R/sub/.hidden"
printf 'partial\n' >"$R/.x.tmp1234"
printf 'plain\n' >"$R/plain.txt"
chmod 644 "$R/.bootcfg-manifest" "$R/sub/.hidden" "$R/.x.tmp1234" \
	"$R/plain.txt"
printf 'r ^manifest$ .bootcfg-manifest\n' >"$T/rules"

tftpd_netns s || fatal "cannot set up the namespace"
tftpd_start D s 127.0.0.1:69 -c -p -m "$T/rules" "$R" ||
	fatal "server D (defaults) does not start"
tftpd_start I s 127.0.0.1:1069 -c -p --in-place-writes --dotfiles "$R" ||
	fatal "server I (--in-place-writes --dotfiles) does not start"
pass "servers D (69) and I (1069: --in-place-writes --dotfiles) listen"

# --- uploads that a rename cannot replace ---------------------------------

udp_put s 69 ro/existing.bin
ok "WRQ into a directory the server cannot write: ERROR 2" error_is 2
like "$(reply_text)" "directory" "... saying why"
in_ns s $UDPSEND -s -w 5 127.0.0.1 69 "$(wrq ro/existing.bin)" \
	"0003 0001 41*512" "0003 0002 41*512" "0005 0000 =stop 00" \
	>/dev/null 2>&1
ok "... and the file is unchanged" cmp "$T/existing.orig" "$R/ro/existing.bin"

# 100 blocks then ERROR, as the issue reproduces it, through --in-place-writes
PKTS=
i=1
while [ $i -le 100 ]; do
	PKTS="$PKTS $(printf '0003%04x' $i)"
	i=$((i + 1))
done
put_100() {	# PORT
	set -- "$1" "$(wrq ro/existing.bin)"
	for p in $PKTS; do
		set -- "$@" "$p 41*512"
	done
	set -- "$@" "0005 0000 =stop 00"
	port=$1
	shift
	in_ns s $UDPSEND -s -w 5 -n 0 127.0.0.1 "$port" "$@" >"$T/put.out" 2>&1
}
put_100 69
ok "100 blocks then ERROR on the default server: file unchanged" \
	cmp "$T/existing.orig" "$R/ro/existing.bin"
put_100 1069
is "$(wc -l <"$T/put.out" | tr -d ' ')" 101 \
	"--in-place-writes: ACK 0 to 100 came"
is "$(head -c 51200 "$R/ro/existing.bin" | tr -d A | wc -c | tr -d ' ')" 0 \
	"... the first 51200 bytes are new (written in place, as documented)"
tail -c 148800 "$R/ro/existing.bin" >"$T/tail.now"
tail -c 148800 "$T/existing.orig" >"$T/tail.old"
ok "... followed by the old 148800" cmp "$T/tail.old" "$T/tail.now"

if have 2 tftp; then
	cp "$T/existing.orig" "$R/ro/existing.bin"
	hpa -m binary 127.0.0.1 1069 -c put "$R/plain.txt" ro/existing.bin
	ok "tftp-hpa put with --in-place-writes: stored" \
		cmp "$R/plain.txt" "$R/ro/existing.bin"
	hpa -m binary 127.0.0.1 69 -c put "$T/existing.orig" new.bin
	ok "tftp-hpa put into a writable directory: stored by rename" \
		cmp "$T/existing.orig" "$R/new.bin"
fi

# --- names starting with '.' ----------------------------------------------

for name in .bootcfg-manifest sub/.hidden .x.tmp1234 '\sub\.hidden' \
    manifest; do
	udp_ask s 69 "$(rrq "$name")"
	ok "RRQ $name: ERROR 2" error_is 2
done
udp_put s 69 .new-hidden
ok "WRQ .new-hidden: ERROR 2" error_is 2
nok "... and no file" test -e "$R/.new-hidden"

if have 4 tftp; then
	rm -f "$T/got"
	hpa -m binary 127.0.0.1 -c get .bootcfg-manifest "$T/got"
	ok "tftp-hpa get .bootcfg-manifest: error 2" hpa_error 2
	nok "... and no data" test -s "$T/got"
	rm -f "$T/got"
	hpa -m binary 127.0.0.1 1069 -c get sub/.hidden "$T/got"
	ok "tftp-hpa get sub/.hidden with --dotfiles: served" \
		cmp "$R/sub/.hidden" "$T/got"
	ok "tftp-hpa get plain.txt still served" tftp_ok s 69 plain.txt \
		"$R/plain.txt"
fi
if busybox tftp 2>&1 | grep -q Usage; then
	rm -f "$T/got"
	in_ns s busybox tftp -g -r .bootcfg-manifest -l "$T/got" 127.0.0.1 69 \
		>"$T/bb.out" 2>&1
	nok "busybox tftp get .bootcfg-manifest: fails" test -s "$T/got"
	like "$(cat "$T/bb.out")" "access violation|not served|'\\.'" \
		"... with the server's message"
else
	skip "no busybox tftp" 2
fi

ok "server D still runs" bg_alive D
ok "server I still runs" bg_alive I
done_testing
