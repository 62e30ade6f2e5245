#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Malformed DHCP to port 67 (broadcast) and 4011 (unicast): each is
# dropped without a reply, and the daemon still answers a good probe
# afterwards.  First a well-formed packet of each kind gets its answer,
# so the silence that follows means something.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/proxydhcp.sh"

pd_require

pd_topology || fatal "cannot set up the namespaces"
pd_start pd boot b0 --bios-file undionly.kpxe --efi-file snponly.efi \
    --ipxe-script boot.ipxe || fatal "proxydhcp does not start"
pass "proxydhcp listens"
PROBE_SECS=1
SEND_SECS=1

MAC2=52:54:00:0a:00:44
UUID=00$(hexrep 42 16)

# the packet of type T (1 DISCOVER for 67, 3 REQUEST for 4011) whose
# options after the cookie are OPTS (no end option added)
pkt() {			# T OPTS [COOKIE]
	printf '%s%s%s' "$(bootp_header $MAC2 "5eed000$1" "$PD_CLIENT")" \
	    "${3:-$COOKIE}" "$2"
}

good_opts() {		# T: the options of a good PXE packet of type T
	opt 53 "0$1"
	opt_s 60 "$PXE_VCI"
	opt 93 0000
	opt 94 010201
	opt 97 "$UUID"
}

# send_to T HEX: to 255.255.255.255:67 for T 1, to us on 4011 for T 3
send_to() {
	if [ "$1" = 1 ]; then
		dsend 255.255.255.255 67 "$2"
	else
		dsend "$PD_SERVER" 4011 "$2"
	fi
}

for t in 1 3; do
	send_to $t "$(pkt $t "$(good_opts $t)ff")"
	is "$(replies_from "$PD_SERVER")" 1 "type $t, well formed: one reply"
done

# case NAME T HEX: silence, then a good probe is still answered
case_() {
	send_to "$2" "$3"
	if [ -s "$T/send.out" ]; then
		fail "$1: no reply"
		diag "got: $(cut -c1-120 "$T/send.out")"
	else
		pass "$1: no reply"
	fi
	probe --arch 0
	ok "... then a good probe is answered" [ "$PROBE_RC" -eq 0 ] ||
		probe_show
}

# cases MODE TYPE...: every malformed packet of each TYPE
cases() {
	_c_mode=$1
	shift
	for t in "$@"; do
		port="$_c_mode 67"
		[ "$t" = 3 ] && port="$_c_mode 4011"
		good=$(good_opts "$t")
		full=$(pkt $t "${good}ff")
		case_ "$port: truncated header (100 bytes)" $t "$(printf '%s' "$full" | cut -c1-200)"
		case_ "$port: header and cookie, nothing else" $t "$(pkt $t '')"
		case_ "$port: bad magic cookie" $t "$(pkt $t "${good}ff" 63825364)"
		case_ "$port: option length past the end" $t "$(pkt $t "${good}2b400601")"
		case_ "$port: no end option" $t "$(pkt $t "$good")"
		case_ "$port: no option 60" $t \
		    "$(pkt $t "$(opt 53 0$t)$(opt 93 0000)$(opt 97 "$UUID")ff")"
		case_ "$port: option 43 of 255 bytes" $t \
		    "$(pkt $t "${good}2bff47fd$(hexrep 00 253)ff")"
		case_ "$port: option 93 of odd length" $t \
		    "$(pkt $t "$(opt 53 0$t)$(opt_s 60 "$PXE_VCI")$(opt 93 000000)$(opt 97 "$UUID")ff")"
		case_ "$port: 10,000 pad bytes" $t "$(pkt $t "${good}$(hexrep 00 10000)ff")"
		case_ "$port: a BOOTREPLY (op 2)" $t "02${full#01}"
		case_ "$port: hlen 17" $t "010111${full#010106}"
	done
}
# mutants MODE: 300 copies of good packets with random bytes changed,
# cut short or grown (a fixed seed: the same packets every run) to 67 and
# 4011; some may be answered, none may hurt
mutants() {
	for t in 1 3; do
		perl -e 'srand(4011 + $ARGV[1]); my $p = pack("H*", $ARGV[0]);
		for (1 .. 150) {
			my $m = $p;
			for (1 .. 1 + int(rand(8))) {
				substr($m, 236 + int(rand(length($m) - 236)), 1) =
				    chr(int(rand(256)));
			}
			$m = substr($m, 0, int(rand(length($m)))) if rand() < 0.2;
			$m .= join("", map { chr(int(rand(256))) } 1 .. int(rand(64)))
			    if rand() < 0.2;
			print unpack("H*", $m), "\n";
		}' "$(pkt $t "$(good_opts $t)ff")" "$t" >"$T/mutants"
		# shellcheck disable=SC2046
		if [ $t = 1 ]; then
			dsend 255.255.255.255 67 $(cat "$T/mutants")
		else
			dsend "$PD_SERVER" 4011 $(cat "$T/mutants")
		fi
	done
	ok "$1: after 300 mutated packets the daemon runs" bg_alive pd
	probe --arch 0
	ok "$1: ... and answers a good probe" [ "$PROBE_RC" -eq 0 ]
}

cases bound 1 3
mutants bound
ok "proxydhcp is still running" bg_alive pd
stop_bg pd

# --no-bind: port 67 through libpcap, which sees raw frames (the 10,000
# pad bytes arrive as IP fragments)
pd_start pd boot b0 --no-bind --bios-file undionly.kpxe \
    --efi-file snponly.efi --ipxe-script boot.ipxe ||
	fatal "proxydhcp --no-bind does not start"
answered() {
	probe --arch 0
	[ "$PROBE_RC" -eq 0 ]
}
ok "--no-bind: a good probe is answered" wait_for 15 answered
cases no-bind 1
mutants no-bind

ok "proxydhcp is still running" bg_alive pd
done_testing
