#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The node table and xCAT records bootcfg writes, served by our proxydhcp
# and asked by its probe: each host gets what its profile says, a disabled
# host gets no answer, each architecture gets its own file or no answer
# (never another one's binary), and --reload makes proxydhcp take a new
# table.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/bootcfg.sh"
. "$HERE/tools/proxydhcp.sh"

require_root
require_netns
require_cmd timeout
bootcfg_require
pd_require

chmod 755 "$T"		# proxydhcp rereads its table as nobody
R=$T/root
mkdir -p "$R"
bc_all "$R" "$BCDATA/hosts" -q
is "$RC" 0 "table written"
chmod 644 "$R/proxydhcp.table" "$R/proxydhcp.cfg"

pd_topology || fatal "cannot set up the namespaces"
pd_start pd boot b0 --table "$R/proxydhcp.table" -P "$T/pd.pid" ||
	fatal "proxydhcp does not take the table"
pass "proxydhcp loads the table"
PROBE_SECS=1

file_for() {		# MAC [PROBE ARG...]
	probe_mac "$@"
	probe_get proxy file
}

is "$(file_for 52:54:00:12:34:01)" undionly.kpxe "BIOS firmware gets iPXE"
is "$(file_for 52:54:00:12:34:01 --ipxe)" ipxe/52-54-00-12-34-01.ipxe \
	"iPXE gets the host's script"
probe_mac 52:54:00:12:34:02 --arch 7 --request
is "$(probe_get ack file)" ipxe.efi "x86-64 UEFI gets ipxe.efi"
is "$(file_for 52:54:00:12:34:04)" winpe/Boot/pxeboot.0 "WinPE host: pxeboot"
is "$(probe_get proxy siaddr)" 198.18.0.1 "next-server as the TFTP server"
probe_mac 52:54:00:12:34:06
is "$(probe_count all)" 0 "disabled host: no answer"

# Each architecture its own file or no answer, never another's binary:
# arch 10 (32-bit ARM UEFI) has a file in no profile.
boot_file() {		# MAC ARCH: the file that firmware boots, or "ignored"
	case $2 in
	16|19)	probe_mac "$1" --arch "$2" --http ;;
	*)	probe_mac "$1" --arch "$2" --request ;;
	esac
	if [ "$(probe_count all)" -eq 0 ]; then
		echo ignored
	elif probe_has ack file; then
		probe_get ack file
	else
		probe_get proxy file
	fi
}
bc_each_arch boot_file proxydhcp ignored
boot_file 52:54:00:12:34:09 16 >/dev/null
is "$(probe_get proxy vendor_class)" HTTPClient "HTTP boot: HTTPClient back"

# A new default iPXE binary, and proxydhcp told to reread.
sed 's/^ipxe-bios = .*/ipxe-bios = other.kpxe/' "$BCDATA/profiles" >"$T/profiles"
BC_PROFILES=$T/profiles bc_all "$R" "$BCDATA/hosts" -q --reload "$T/pd.pid"
is "$RC" 0 "table rewritten, reload sent"
gives_other() { [ "$(file_for 52:54:00:12:34:01)" = other.kpxe ]; }
ok "proxydhcp answers from the new table" wait_for 10 gives_other

stop_bg pd
done_testing
