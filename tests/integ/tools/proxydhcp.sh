# SPDX-License-Identifier: GPL-2.0-or-later
# tests/integ/tools/proxydhcp.sh - what the proxydhcp integration tests
# share: the namespaces, the daemons, the probe and hand-made DHCP packets.
#
# Sourced after tests/lib.sh:
#   . "$HERE/../lib.sh"; . "$HERE/tools/proxydhcp.sh"
#
# Topology (pd_topology): a bridge br0 in namespace "sw" joins
#   dhcp  d0 198.18.10.2/24   dnsmasq, addresses only (pd_dnsmasq)
#   boot  b0 198.18.10.1/24   proxydhcp (pd_start) and tftpd (pd_tftpd)
#   cli   c0 198.18.10.50/24  the probe and dhcp-send.pl
# and QEMU's tap, when a test adds one, is a port of br0 in "sw".
#
# PROXYDHCP names the daemon under test ($NB_BIN/proxydhcp).

TOOLS=$NB_SRC/tests/integ/tools
PROXYDHCP=${PROXYDHCP:-$NB_BIN/proxydhcp}
TFTPD=${TFTPD:-$NB_BIN/tftpd}
DHCPSEND="perl $TOOLS/dhcp-send.pl"

PD_NET=198.18.10
PD_SERVER=$PD_NET.1		# proxydhcp and tftpd
PD_DHCP=$PD_NET.2		# dnsmasq
PD_CLIENT=$PD_NET.50		# the probe's own address
PD_MAC=52:54:00:0a:00:32	# the probe's chaddr

# pd_require [CMD...]: skip_all unless root, network namespaces, the
# commands the helpers use, CMD... and a proxydhcp with --probe are here.
pd_require() {
	require_root
	require_netns
	require_cmd perl ss timeout od awk "$@"
	[ -x "$PROXYDHCP" ] || skip_all "no proxydhcp at $PROXYDHCP"
	"$PROXYDHCP" --help 2>&1 | grep -q -- --probe ||
		skip_all "$PROXYDHCP has no --probe (not built yet?)"
}

pd_topology() {
	netns_add sw && bridge_add sw br0 - || return 1
	for _pt in dhcp:d0:$PD_DHCP boot:b0:$PD_SERVER cli:c0:$PD_CLIENT; do
		_pt_ns=${_pt%%:*} _pt_rest=${_pt#*:}
		_pt_if=${_pt_rest%%:*} _pt_addr=${_pt_rest#*:}
		netns_add "$_pt_ns" &&
		veth_pair "$_pt_ns" "$_pt_if" "$_pt_addr/24" \
		    sw "p$_pt_if" - &&
		bridge_port sw br0 "p$_pt_if" || return 1
	done
}

# pd_dnsmasq NAME NS IF [ARG...]: dnsmasq as a plain DHCP server handing
# out 198.18.10.100-199 and nothing to boot; its log in $T/NAME.log.
pd_dnsmasq() {
	_pdm_name=$1 _pdm_ns=$2 _pdm_if=$3
	shift 3
	start_bg "$_pdm_name" in_ns "$_pdm_ns" dnsmasq --no-daemon \
	    --conf-file=/dev/null --port=0 --log-dhcp --interface="$_pdm_if" \
	    --bind-interfaces --dhcp-authoritative --no-ping \
	    --dhcp-range="$PD_NET.100,$PD_NET.199,255.255.255.0,1h" \
	    --dhcp-leasefile="$T/$_pdm_name.leases" --pid-file= --user=root \
	    "$@" || return 1
	wait_udp_port "$_pdm_ns" 67
}

# pd_start NAME NS IF [ARG...]: proxydhcp in the foreground, verbose, and
# wait until it listens on 4011 (and 67 unless --no-bind is among ARGs).
pd_start() {
	_pds_name=$1 _pds_ns=$2 _pds_if=$3
	shift 3
	start_bg "$_pds_name" in_ns "$_pds_ns" "$PROXYDHCP" -f -v \
	    -i "$_pds_if" "$@" || return 1
	wait_udp_port "$_pds_ns" 4011 || return 1
	case " $* " in
	*" --no-bind "*) ;;
	*) wait_udp_port "$_pds_ns" 67 ;;
	esac
}

# pd_tftpd NAME NS ROOT: our tftpd on $PD_SERVER:69, logging each file.
pd_tftpd() {
	start_bg "$1" in_ns "$2" "$TFTPD" -L -v -a "$PD_SERVER:69" "$3" ||
		return 1
	wait_udp_port "$2" 69
}

# write_table LINE...: $TABLE made of LINEs, replaced atomically and
# readable by the user the daemon becomes.
write_table() {
	printf '%s\n' "$@" >"$TABLE.new" && chmod 644 "$TABLE.new" &&
	    mv "$TABLE.new" "$TABLE"
}

# --- the probe --------------------------------------------------------------

# probe [ARG...]: proxydhcp --probe from cli:c0 with chaddr $PD_MAC;
# the output in $T/probe.out, the exit status in PROBE_RC.
# probe_mac MAC [ARG...]: the same from chaddr MAC.
probe() {
	probe_mac "$PD_MAC" "$@"
}

probe_mac() {
	_pm_mac=$1
	shift
	in_ns cli timeout 30 "$PROXYDHCP" --probe -i c0 --mac "$_pm_mac" \
	    --timeout "${PROBE_SECS:-2}" "$@" >"$T/probe.out" 2>"$T/probe.err"
	PROBE_RC=$?
	return 0
}

# probe_block SEL: the assignments of one reply of the last probe.
# SEL: a number (dhcp_reply=N); "proxy": the first reply from port 67
# with no address in yiaddr; "ack": the first reply from port 4011;
# "addr": the first reply with an address in yiaddr (the DHCP server's).
probe_block() {
	awk -v sel="$1" '
	function flush() {
		if (blk == "") return
		if (sel ~ /^[0-9]+$/) hit = (n == sel)
		else if (sel == "proxy") hit = (port == 67 && y == "0.0.0.0")
		else if (sel == "ack") hit = (port == 4011)
		else if (sel == "addr") hit = (y != "" && y != "0.0.0.0")
		if (hit && !done) { printf "%s", blk; done = 1 }
		blk = ""; y = ""; port = ""
	}
	/^dhcp_reply=/ { flush(); n = substr($0, 12) }
	/^dhcp_port=/ { port = substr($0, 11) + 0 }
	/^dhcp_yiaddr=/ { y = substr($0, 13); gsub("\047", "", y) }
	{ blk = blk $0 "\n" }
	END { flush() }' "$T/probe.out"
}

# probe_get SEL FIELD: the value of dhcp_FIELD in that reply ("" if none).
probe_get() {
	(
		eval "$(probe_block "$1")"
		eval "printf '%s' \"\${dhcp_$2-}\""
	)
}

# probe_text SEL FIELD: the same as text: the probe prints hex for a
# value that is not printable, e.g. a path with a trailing NUL.
probe_text() {
	_pt_v=$(probe_get "$1" "$2")
	case $_pt_v in
	*[!0-9a-f]*|'') printf '%s' "$_pt_v" ;;
	*) printf '%s' "$_pt_v" | perl -ne 'print pack("H*", $_) =~ s/\0+$//r' ;;
	esac
}

# probe_has SEL FIELD: that reply carries dhcp_FIELD.
probe_has() {
	probe_block "$1" | grep -q "^dhcp_$2="
}

# probe_count SEL: how many replies there were (SEL "all"), or from
# port 67 with an empty yiaddr ("proxy").
probe_count() {
	case $1 in
	all)	grep -c '^dhcp_reply=' "$T/probe.out" ;;
	proxy)	awk '/^dhcp_port=/ { p = $0 } /^dhcp_yiaddr=/ {
		    if (p == "dhcp_port=67" && $0 == "dhcp_yiaddr=\0470.0.0.0\047")
			n++ } END { print n + 0 }' "$T/probe.out" ;;
	esac
}

# probe_show: the last probe's output, for diag after a failed check.
probe_show() {
	diag "probe exited $PROBE_RC; output:"
	sed 's/^/    /' "$T/probe.out" "$T/probe.err" >&2
}

# --- hand-made packets --------------------------------------------------------

# hex TEXT: the bytes of TEXT in hex.
hex() {
	printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n'
}

# hexrep BYTE COUNT: BYTE (two hex digits) COUNT times.
hexrep() {
	awk -v b="$1" -v n="$2" 'BEGIN { s = ""; for (i = 0; i < n; i++)
		s = s b; print s }'
}

# opt CODE HEX, opt_s CODE TEXT: one option (CODE in decimal).
opt() {
	printf '%02x%02x%s' "$1" $((${#2} / 2)) "$2"
}
opt_s() {
	opt "$1" "$(hex "$2")"
}

# bootp_header MAC XID [CIADDR [GIADDR]]: the 236 fixed bytes of a
# BOOTREQUEST from chaddr MAC (aa:bb:..) with transaction id XID (8 hex
# digits), the broadcast flag, ciaddr CIADDR and giaddr GIADDR (dotted
# quads, default 0.0.0.0).
bootp_header() {
	printf '01010600%s%s%s%s%s%s%s%s' "$2" 00008000 \
	    "$(ip_hex "${3:-0.0.0.0}")" "$(hexrep 00 8)" \
	    "$(ip_hex "${4:-0.0.0.0}")" \
	    "$(echo "$1" | tr -d :)" "$(hexrep 00 10)" "$(hexrep 00 192)"
}

# ip_hex A.B.C.D: the address in hex.
ip_hex() {
	echo "$1" | awk -F. '{ printf "%02x%02x%02x%02x", $1, $2, $3, $4 }'
}

COOKIE=63825363
PXE_VCI="PXEClient:Arch:00000:UNDI:002001"

# pxe_opts [TYPE]: the options of a BIOS PXE DISCOVER (TYPE 1) or
# REQUEST (3), without the end option.
pxe_opts() {
	opt 53 "0${1:-1}"
	opt_s 60 "$PXE_VCI"
	opt 93 0000
	opt 94 010201
	opt 97 "00$(hexrep 5a 16)"
}

# pxe_discover MAC XID: a well-formed BIOS PXE DISCOVER.
pxe_discover() {
	printf '%s%s%sff' "$(bootp_header "$1" "$2")" "$COOKIE" "$(pxe_opts 1)"
}

# replies_from ADDR: lines of dhcp-send.pl output ($T/send.out) sent by
# ADDR.
replies_from() {
	grep -c "^$1 " "$T/send.out"
}

# dsend HOST PORT HEX...: dhcp-send.pl from cli:c0 port 68 (SEND_PORT),
# bound to SEND_ADDR (default 0.0.0.0: broadcasts too), output in
# $T/send.out.
dsend() {
	in_ns cli $DHCPSEND -i c0 -b "${SEND_ADDR:-0.0.0.0}" \
	    -l "${SEND_PORT:-68}" -w "${SEND_SECS:-1}" "$@" >"$T/send.out" \
	    2>"$T/send.err"
	return 0
}

# sent_opt FROM CODE: option CODE (decimal) of the first reply from FROM
# in $T/send.out, in hex; status 1 when there is no such reply or option.
# sent_opt FROM yiaddr|siaddr|file: that field instead.
sent_opt() {
	perl -e '
	my ($from, $want) = @ARGV;
	while (<STDIN>) {
		my ($a, $p, $h) = split;
		next unless $a eq $from;
		my $b = pack("H*", $h);
		exit 1 if length($b) < 240;
		if ($want eq "yiaddr" || $want eq "siaddr") {
			my $o = $want eq "yiaddr" ? 16 : 20;
			print join(".", unpack("C4", substr($b, $o, 4))), "\n";
			exit 0;
		}
		if ($want eq "file") {
			(my $f = substr($b, 108, 128)) =~ s/\0.*//s;
			print "$f\n";
			exit 0;
		}
		for (my $i = 240; $i < length($b);) {
			my $c = ord(substr($b, $i, 1));
			last if $c == 255;
			if ($c == 0) { $i++; next }
			my $l = ord(substr($b, $i + 1, 1));
			if ($c == $want) {
				print unpack("H*", substr($b, $i + 2, $l)), "\n";
				exit 0;
			}
			$i += 2 + $l;
		}
		exit 1;
	}
	exit 1;' "$1" "$2" <"$T/send.out"
}

# --- real firmware (with tools/qemu.sh) -----------------------------------------

PD_MARK="netboot script reached"	# what boot.ipxe echoes
PD_VM_MAC=52:54:00:0a:00:10

# pd_firmware_require: skip_all unless everything a firmware test needs is
# here (call after sourcing tools/qemu.sh).
pd_firmware_require() {
	if [ "${PD_PEER-}" = dnsmasq ]; then
		require_root
		require_netns
		require_cmd perl ss timeout od awk dnsmasq
	else
		pd_require dnsmasq
	fi
	[ -x "$TFTPD" ] || skip_all "no tftpd at $TFTPD"
	qemu_require
	[ -r /usr/lib/ipxe/undionly.kpxe ] && [ -r /usr/lib/ipxe/snponly.efi ] ||
		skip_all "no iPXE binaries in /usr/lib/ipxe (package ipxe)"
}

# pd_firmware_setup: the topology, a tap "tap0" on br0 for QEMU (run it in
# namespace sw), dnsmasq handing out addresses, our tftpd serving $T/tftp
# (boot.ipxe, undionly.kpxe, snponly.efi) and the proxy answering BIOS
# with undionly.kpxe, UEFI with snponly.efi and iPXE with boot.ipxe.
# PD_PEER=dnsmasq puts dnsmasq in proxy mode in our place (pxe-service
# entries for the same files; it has no way to give iPXE the script).
pd_firmware_setup() {
	chmod 755 "$T"
	mkdir -p "$T/tftp" || return 1
	printf '#!ipxe\necho %s\nsleep 1\npoweroff\n' "$PD_MARK" \
	    >"$T/tftp/boot.ipxe"
	cp /usr/lib/ipxe/undionly.kpxe /usr/lib/ipxe/snponly.efi "$T/tftp/" ||
		return 1
	chmod -R a+rX "$T/tftp"
	pd_topology && tap_add sw tap0 br0 || return 1
	pd_dnsmasq dns dhcp d0 || return 1
	pd_tftpd tftp boot "$T/tftp" || return 1
	if [ "${PD_PEER-}" = dnsmasq ]; then
		start_bg pd in_ns boot dnsmasq --no-daemon \
		    --conf-file=/dev/null --port=0 --log-dhcp --interface=b0 \
		    --bind-interfaces --dhcp-range="$PD_NET.0,proxy" \
		    --pxe-service=x86PC,boot,undionly.kpxe \
		    --pxe-service=x86-64_EFI,boot,snponly.efi \
		    --dhcp-leasefile="$T/pd.leases" --pid-file= --user=root &&
		wait_udp_port boot 4011
	else
		pd_start pd boot b0 --bios-file undionly.kpxe \
		    --efi-file snponly.efi --ipxe-script boot.ipxe
	fi
}

# pd_firmware_table: bootcfg (tools/bootcfg.sh) writes the iPXE scripts
# of the hosts in $T/hosts with the profiles in $T/profiles into $T/tftp
# and the node table $T/table; then the topology with a tap "tap0" for
# QEMU, dnsmasq handing out addresses, our tftpd serving $T/tftp and
# proxydhcp serving the table.  One TAP result says they run.
pd_firmware_table() {
	run "$BOOTCFG" -q -p "$T/profiles" -o "$T/tftp" --ipxe \
	    --proxydhcp-table "$T/table" "$T/hosts"
	is "$RC" 0 "bootcfg writes the scripts and the table" || return 1
	chmod -R a+rX "$T/tftp" "$T/table"
	pd_topology && tap_add sw tap0 br0 &&
	    pd_dnsmasq dns dhcp d0 && pd_tftpd tftp boot "$T/tftp" &&
	    pd_start pd boot b0 --table "$T/table" || return 1
	pass "dnsmasq, tftpd and proxydhcp with bootcfg's table run"
}

# tftp_sent NAME: how many times tftpd sent NAME in full since the last
# tftp_mark (or its start).
TFTP_SKIP=0
tftp_sent() {
	tail -n "+$((TFTP_SKIP + 1))" "$T/tftp.log" | grep -Ec "RRQ /?$1: ok,"
}
tftp_mark() {
	TFTP_SKIP=$(wc -l <"$T/tftp.log")
}

# pd_wait_script SECS SERIAL BINARY: wait until the script's marker is on
# the serial console, or tftpd has sent BINARY twice (a chainload loop:
# waiting longer would only see it again); succeed on the marker only.
pd_wait_script() {
	wait_for "$1" _pd_script_or_loop "$2" "$3"
	qemu_serial_has "$PD_MARK" "$2" && return 0
	diag "tftpd sent $3 $(tftp_sent "$3") times; no marker on the console"
	qemu_wait_serial 0 "$PD_MARK" "$2"
	return 1
}

_pd_script_or_loop() {	# SERIAL BINARY
	qemu_serial_has "$PD_MARK" "$1" || [ "$(tftp_sent "$2")" -ge 2 ]
}

# keep_proxy_replies: keep in $T/send.out only the replies with yiaddr 0
# (a DHCP server on the same address answers with an address).
keep_proxy_replies() {
	awk 'substr($3, 33, 8) == "00000000"' "$T/send.out" >"$T/send.keep" &&
	    mv "$T/send.keep" "$T/send.out"
}
