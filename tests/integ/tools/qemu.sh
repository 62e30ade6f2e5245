# SPDX-License-Identifier: GPL-2.0-or-later
# tests/integ/tools/qemu.sh - real firmware clients: QEMU with iPXE's
# option ROMs on SeaBIOS (legacy PXE) or OVMF (UEFI), netbooting from a tap.
#
# Sourced after tests/lib.sh:
#   . "$HERE/../lib.sh"; . "$HERE/tools/qemu.sh"
#
#   qemu_require
#       skip_all unless qemu-system-x86_64, the iPXE ROMs and OVMF exist.
#   qemu_start NAME NS TAP SERIAL [--uefi] [--mac MAC] [--rom FILE|none]
#              [--ovmf CODE VARS] [--secure-boot] [-- EXTRA QEMU ARGS...]
#       start_bg NAME: a diskless VM in namespace NS whose virtio-net NIC
#       is the tap TAP (made beforehand with tap_add NS TAP [BR]), booting
#       from the network first, its serial console written to SERIAL.
#       SeaBIOS with pxe-virtio.rom by default; --uefi: OVMF (code
#       read-only, a private copy of the variable store in $T) with
#       efi-virtio.rom.  --rom replaces the ROM; "none" leaves the NIC
#       without one, so that OVMF's own PXE client (VirtioNetDxe + PxeDxe)
#       does the first boot.  --ovmf (implies --uefi): the firmware CODE
#       and the variable store VARS copied for this VM, as paths or names
#       in QEMU_OVMF_DIR (e.g. OVMF_CODE_4M.snakeoil.fd and
#       OVMF_VARS_4M.snakeoil.fd).  --secure-boot: a q35 machine with SMM
#       and the variable store's flash writable only from SMM, which
#       OVMF's Secure Boot builds require.  Stop it with stop_bg NAME.
#   qemu_require_ovmf NAME...
#       skip_all unless each of these OVMF files is in QEMU_OVMF_DIR.
#   qemu_wait_serial SECS ERE SERIAL
#       poll SERIAL until a line matches ERE; on timeout show its tail.
#   qemu_serial_has ERE SERIAL
#       a line of SERIAL (carriage returns removed) matches ERE now.
#
# Environment: QEMU (qemu-system-x86_64), QEMU_ROM_DIR (/usr/lib/ipxe/qemu),
# QEMU_OVMF_DIR (/usr/share/OVMF), QEMU_MAX_SECS (300: the longest life of
# one VM, a backstop should a test forget to stop it).
#
# The QEMU command line, and the facts about SeaBIOS, OVMF and Debian's ROMs
# it rests on, are scripts/netboot-vm's (netboot-demo runs it too).  Also:
# - Under OVMF, efi-virtio.rom's iPXE drives the NIC and is the first boot
#   option: the first DHCP DISCOVER then already comes from iPXE (77
#   "iPXE").  With --rom none the first DISCOVER comes from the firmware's
#   PXE client (arch 7, no 77).
# - TCG only (never -enable-kvm): tests run where /dev/kvm is absent or
#   shared.  A boot to an iPXE prompt takes some 10-60 s.

QEMU=${QEMU:-qemu-system-x86_64}
QEMU_ROM_DIR=${QEMU_ROM_DIR:-/usr/lib/ipxe/qemu}
QEMU_OVMF_DIR=${QEMU_OVMF_DIR:-/usr/share/OVMF}
QEMU_MAX_SECS=${QEMU_MAX_SECS:-300}

qemu_require() {
	command -v "$QEMU" >/dev/null 2>&1 || skip_all "missing command: $QEMU"
	for _qr_f in "$QEMU_ROM_DIR/pxe-virtio.rom" \
	    "$QEMU_ROM_DIR/efi-virtio.rom" \
	    "$QEMU_OVMF_DIR/OVMF_CODE.fd" "$QEMU_OVMF_DIR/OVMF_VARS.fd"; do
		[ -r "$_qr_f" ] || skip_all "missing $_qr_f (ipxe-qemu, ovmf)"
	done
}

qemu_start() {
	if [ $# -lt 4 ]; then
		diag "usage: qemu_start NAME NS TAP SERIAL [--uefi] [--mac MAC]" \
		    "       [--rom FILE|none] [-- QEMU ARGS...]"
		return 2
	fi
	_qs_name=$1 _qs_ns=$2 _qs_tap=$3 _qs_serial=$4
	shift 4
	_qs_uefi='' _qs_mac=52:54:00:12:34:56 _qs_rom=''
	_qs_code=$QEMU_OVMF_DIR/OVMF_CODE.fd _qs_vars=$QEMU_OVMF_DIR/OVMF_VARS.fd
	_qs_sb=''
	while [ $# -gt 0 ]; do
		case $1 in
		--uefi)	_qs_uefi=1 ;;
		--ovmf)	_qs_uefi=1
			_qs_code=$(_qemu_ovmf_path "$2")
			_qs_vars=$(_qemu_ovmf_path "$3")
			shift 2 ;;
		--secure-boot) _qs_sb=1 ;;
		--mac)	_qs_mac=$2; shift ;;
		--rom)	_qs_rom=$2; shift ;;
		--)	shift; break ;;
		*)	diag "qemu_start: unknown option '$1'"; return 2 ;;
		esac
		shift
	done
	if [ -z "$_qs_rom" ]; then
		if [ -n "$_qs_uefi" ]; then
			_qs_rom=$QEMU_ROM_DIR/efi-virtio.rom
		else
			_qs_rom=$QEMU_ROM_DIR/pxe-virtio.rom
		fi
	fi
	[ "$_qs_rom" = none ] && _qs_rom=
	: >"$_qs_serial" || return 1
	start_bg "$_qs_name" in_ns "$_qs_ns" timeout -s KILL "$QEMU_MAX_SECS" \
	    env QEMU="$QEMU" QEMU_OVMF_DIR="$QEMU_OVMF_DIR" \
	    QEMU_OVMF_CODE="$_qs_code" QEMU_OVMF_VARS="$_qs_vars" \
	    sh "$NB_SRC/scripts/netboot-vm" \
	    ${_qs_uefi:+--uefi "$T/$_qs_name.vars.fd"} \
	    "$_qs_tap" "$_qs_mac" "$_qs_rom" "$_qs_serial" \
	    ${_qs_sb:+-machine q35,smm=on} \
	    ${_qs_sb:+-global driver=cfi.pflash01,property=secure,value=on} \
	    "$@"
}

_qemu_ovmf_path() {	# NAME|PATH
	case $1 in
	*/*)	printf '%s' "$1" ;;
	*)	printf '%s' "$QEMU_OVMF_DIR/$1" ;;
	esac
}

qemu_require_ovmf() {
	for _qro_f in "$@"; do
		[ -r "$(_qemu_ovmf_path "$_qro_f")" ] ||
			skip_all "missing $(_qemu_ovmf_path "$_qro_f") (ovmf)"
	done
}

# The serial log holds escape sequences and CRs: a match is on bytes, and
# the tail shown is made printable.
qemu_serial_has() {	# ERE SERIAL
	tr -d '\r' <"$2" | grep -Eaq -- "$1"
}

qemu_wait_serial() {
	if [ $# -ne 3 ]; then
		diag "usage: qemu_wait_serial SECS ERE SERIAL"
		return 2
	fi
	wait_for "$1" qemu_serial_has "$2" "$3" && return 0
	diag "no /$2/ on the serial console; its last lines:"
	tr -d '\r' <"$3" | sed 's/\x1b\[[0-9;=?]*[A-Za-z]//g; s/\x1bc//g' |
	    tr -cd '\n\t -~' | grep -v '^[[:space:]]*$' | tail -n 15 |
	    sed 's/^/#   /' >&2
	return 1
}
