# tests/integ/tools/bootcfg.sh - what the bootcfg integration tests share.
#
# Sourced after tests/lib.sh:
#   . "$HERE/../lib.sh"; . "$HERE/tools/bootcfg.sh"
#
# BOOTCFG is the binary under test; BCDATA the sample tables and the golden
# outputs (tests/integ/data/bootcfg).

BOOTCFG=${BOOTCFG:-$NB_BIN/bootcfg}
BCDATA=$NB_SRC/tests/integ/data/bootcfg
# manifests go here instead of /var/lib/netboot/bootcfg
BOOTCFG_STATE_DIR=$T/state
export BOOTCFG_STATE_DIR

bootcfg_require() {
	[ -x "$BOOTCFG" ] || skip_all "no bootcfg at $BOOTCFG (build it)"
}

# bc_all ROOT HOSTS [OPTION...]: every output into ROOT, through run().
bc_all() {
	_bc_root=$1
	_bc_hosts=$2
	shift 2
	run "$BOOTCFG" -p "${BC_PROFILES:-$BCDATA/profiles}" \
		-T "$BCDATA/templates" -o "$_bc_root" -a \
		--dhcpd "$_bc_root/dhcpd.conf" --dnsmasq "$_bc_root/dnsmasq.conf" \
		--proxydhcp-table "$_bc_root/proxydhcp.table" \
		--xcat-cfg "$_bc_root/proxydhcp.cfg" "$@" "$_bc_hosts"
}

# bc_snapshot DIR: one line per file with its inode and mtime (ns), sorted.
bc_snapshot() {
	find "$1" -type f -exec stat -c '%n %i %y' {} + | sort
}

# bc_changed BEFORE AFTER: the files whose line differs (new, gone or touched).
bc_changed() {
	sort "$1" "$2" | uniq -u | awk '{ print $1 }' | sort -u
}

# bc_cgi QUERY: the CGI answer for the sample table in $T/out.
bc_cgi() {
	QUERY_STRING=$1 BOOTCFG_HOSTS=$BCDATA/hosts \
		BOOTCFG_PROFILES=$BCDATA/profiles run "$BOOTCFG" --cgi
}

# bc_each_arch FN WHO NONE: FN MAC ARCH prints what firmware of PXE arch
# ARCH with that MAC boots (NONE when it gets nothing); checked for the
# sample hosts multi (profile every-arch: its own file for each family,
# none for arch 10) and legacy (bios-only: BIOS alone), WHO naming the
# server in each check.
bc_each_arch() {
	for _bw in 0:undionly.kpxe 6:ipxe-ia32.efi 7:ipxe.efi 9:ipxe.efi \
	    10:- 11:ipxe-arm64.efi 16:http://198.18.0.1/ipxe.efi \
	    19:http://198.18.0.1/ipxe-arm64.efi; do
		_bw_want=${_bw#*:}
		[ "$_bw_want" = - ] && _bw_want=$3
		is "$("$1" 52:54:00:12:34:09 "${_bw%%:*}")" "$_bw_want" \
			"$2, every-arch, arch ${_bw%%:*}: $_bw_want"
	done
	for _bw in 0 6 7 9 10 11 16; do
		_bw_want=$3
		[ "$_bw" = 0 ] && _bw_want=undionly.kpxe
		is "$("$1" 52:54:00:12:34:0a "$_bw")" "$_bw_want" \
			"$2, bios-only, arch $_bw: $_bw_want"
	done
}
