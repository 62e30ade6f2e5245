#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `make demo`: scripts/netboot-demo captures a FAT16 volume with mkimz,
# restores it onto a larger partition with netboot-restore over our tftpd
# and boots a QEMU machine (TCG) from it through the whole suite, SeaBIOS +
# iPXE ROM, then OVMF's PXE with --uefi; each run says so, exits 0 and
# leaves no namespace or process behind.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/qemu.sh"

require_root
require_cmd dnsmasq
require_cmd ss
qemu_require
[ -r /usr/lib/ipxe/snponly.efi ] || skip_all "missing /usr/lib/ipxe/snponly.efi (ipxe)"
plan 10

SUCCESS='^netboot-demo: the VM booted from e0\.0 in [0-9]+ s$'

# demo LABEL ERE DESC [ARG...]: run the demo with ARGs; check that it exits
# 0, says so, shows a line matching ERE (DESC) and leaves no nbdemo-
# namespace and no process whose command line names nbdemo (its servers,
# QEMU and log followers all do)
demo() {
	_d_label=$1 _d_ere=$2 _d_desc=$3
	shift 3
	_d_out=$T/$_d_label.out
	NB_BIN=$NB_BIN timeout 300 sh "$NB_SRC/scripts/netboot-demo" "$@" \
	    >"$_d_out" 2>&1
	_d_rc=$?
	_d_left="$(ip netns list | grep '^nbdemo-')$(ps -eo args |
	    grep nbdemo | grep -v grep)"
	is "$_d_rc" 0 "$_d_label: the demo exits 0"
	[ "$_d_rc" = 0 ] || tail -n 30 "$_d_out" | sed 's/^/#   /' >&2
	like "$(cat "$_d_out")" "$SUCCESS" "$_d_label: it says the VM booted from e0.0"
	ok "$_d_label: $_d_desc" grep -Eq "$_d_ere" "$_d_out"
	is "$_d_left" "" "$_d_label: no namespace or process is left"
	diag "$_d_label: $(grep -E "$SUCCESS" "$_d_out")"
}

demo BIOS '^\[vm\] .*NBDEMO-HELLO-FROM-AOE-e0\.0' \
    "GREETING.TXT's last line is on the console"
ok "BIOS: netboot-restore put the captured volume on the disk" \
    grep -Eq '^\[restore\] netboot-restore: demo: restored onto .* partition 1$' \
    "$T/BIOS.out"
ok "BIOS: the volume's boot sector found GREETING.TXT through the new BPB" \
    grep -Eq '^\[vm\] vbr: volume NBDEMO +, GREETING\.TXT:$' "$T/BIOS.out"
demo UEFI '^\[tftpd\] .*RRQ snponly\.efi: ok' "tftpd sent snponly.efi" --uefi

done_testing
