#!/bin/sh
# Walking out of the root: every name that points outside it is refused,
# by reading or by writing, whether the server chroots (-s, as root) or
# confines names itself (no -s), and the server keeps serving.
#
# Every file an escape would reach exists and is world-readable (or
# world-writable): a refusal is the server's doing, never an accident.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/tftpd.sh"

require_root
require_netns
require_cmd perl ss cmp
tftpd_require

CNS=s
R=$T/srv/root		# two levels down, so "../.." stays inside $T

chmod 755 "$T"
mkdir -p "$R/a/b" "$T/srv/etc" "$R/up" || fatal "mkdir"
printf 'served\n' >"$R/ok.txt"
printf 'SECRET\n' >"$T/secret"
printf 'ESCAPED x\n' >"$T/x"
printf 'ESCAPED srv/x\n' >"$T/srv/x"
printf 'ESCAPED srv/etc/passwd\n' >"$T/srv/etc/passwd"
printf 'WRITABLE\n' >"$T/wsecret"
ln -s "$T/secret" "$R/link"			# absolute, outside
ln -s ../../secret "$R/rlink"			# relative, outside
ln -s "$T" "$R/dirlink"			# a directory outside
ln -s "$T/wsecret" "$R/up/wlink"		# for writing through
chmod -R a+rX "$T"
chmod 666 "$T/wsecret"
# writable by the server's user, so a write escape would succeed
chmod 1777 "$R/up" "$T" "$T/srv"

tftpd_netns s || fatal "cannot set up the namespace"
tftpd_start S s 127.0.0.1:69 -s -c -u nobody "$R" ||
	fatal "server S (-s) does not start"
pass "server S (-s: chroot) listens on 127.0.0.1:69"
if [ -n "$OURS" ]; then
	tftpd_start P s 127.0.0.1:1069 -c -u nobody "$R" ||
		fatal "server P (no -s) does not start"
	pass "server P (no -s: names confined by the server) listens on 1069"
	PORTS="69 1069"
else
	# tftp-hpa without -s takes absolute names and follows symlinks
	skip "tftp-hpa without -s: names are not confined to the directory"
	PORTS=69
fi

# The names to refuse.  A name is read by udpsend.pl (the exact reply) and
# by the tftp-hpa client (what a user sees).
NAMES='../etc/passwd
/etc/passwd
\..\..\x
..\..\x
a/../../x
a/b/../../../x
../../secret
link
rlink
dirlink/secret
dirlink/x
./../x
a/./../../x'

# reads
for port in $PORTS; do
	printf '%s\n' "$NAMES" >"$T/names"
	while IFS= read -r name; do
		udp_ask s "$port" "$(rrq "$name")"
		if well_formed_error; then
			pass "port $port: RRQ $name: ERROR $(reply_code)"
		else
			fail "port $port: RRQ $name: refused with an ERROR"
			diag "reply: ${REPLY:-none}"
		fi
		if command -v tftp >/dev/null 2>&1; then
			rm -f "$T/got"
			hpa -m binary 127.0.0.1 "$port" -c get "$name" "$T/got"
			if grep -q '^Error code' "$T/out" && ! [ -s "$T/got" ]; then
				pass "port $port: tftp-hpa get $name: an error, no data"
			else
				fail "port $port: tftp-hpa get $name: an error, no data"
				sed 's/^/# /' "$T/out" >&2
				[ -s "$T/got" ] && head -c 200 "$T/got" | sed 's/^/# got: /' >&2
			fi
		else
			skip "no tftp-hpa client"
		fi
	done <"$T/names"
	ok "port $port: after all that, a file in the root is served" \
		tftp_ok s "$port" ok.txt "$R/ok.txt"
done

# writes
WNAMES='../x-new
../../x-new
\..\..\x-new
a/../../x-new
up/wlink
dirlink/x-new
dirlink/wsecret
/tmp/x-new'
for port in $PORTS; do
	printf '%s\n' "$WNAMES" >"$T/names"
	while IFS= read -r name; do
		udp_put s "$port" "$name"
		if well_formed_error; then
			pass "port $port: WRQ $name: ERROR $(reply_code)"
		else
			fail "port $port: WRQ $name: refused with an ERROR"
			diag "reply: ${REPLY:-none}"
		fi
	done <"$T/names"
done
is "$(cat "$T/wsecret")" WRITABLE "the world-writable file outside is untouched"
is "$(cat "$T/secret")" SECRET "the file outside is untouched"
is "$(find "$T" /tmp -maxdepth 3 -name 'x-new*' 2>/dev/null)" "" \
	"no file was created outside the root"

for port in $PORTS; do
	ok "port $port: the server still serves" \
		tftp_ok s "$port" ok.txt "$R/ok.txt"
done
ok "server S still runs" bg_alive S
if [ -n "$OURS" ]; then
	ok "server P still runs" bg_alive P
fi

done_testing
