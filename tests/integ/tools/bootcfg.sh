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
