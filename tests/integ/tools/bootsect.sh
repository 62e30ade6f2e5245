#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/integ/tools/bootsect.sh MARKER > FILE
#
# Writes a 512-byte MBR boot sector that prints MARKER (then CR LF) on the
# first serial port (0x3F8) and halts.  The firmware loads it at 0:7C00;
# the code addresses its message there with DS = 0, so it does not matter
# whether it was entered as 0000:7C00 or 07C0:0000.  QEMU's UART sends
# whatever is written to its data register, initialised or not.
#
#   7C00  fa          cli
#   7C01  ba f8 03    mov  dx, 0x3f8
#   7C04  be 17 7c    mov  si, 0x7c17       ; the message
#   7C07  31 c0       xor  ax, ax
#   7C09  8e d8       mov  ds, ax
#   7C0B  fc          cld
#   7C0C  ac          lodsb                 ; next:
#   7C0D  84 c0       test al, al
#   7C0F  74 03       jz   0x7c14           ; -> halt
#   7C11  ee          out  dx, al
#   7C12  eb f8       jmp  0x7c0c           ; -> next
#   7C14  f4          hlt                   ; halt:
#   7C15  eb fd       jmp  0x7c14
#   7C17  MARKER, 0d 0a 00
#   7DFE  55 aa       boot signature
set -eu

[ $# -eq 1 ] || { echo "usage: bootsect.sh MARKER" >&2; exit 2; }
marker=$1
case $marker in
*[!A-Za-z0-9._:-]*) echo "bootsect.sh: MARKER: letters, digits, . _ : - only" >&2; exit 2 ;;
esac
# code (23 bytes) + marker + CR LF NUL + signature (2) must fit in 512
[ ${#marker} -le 480 ] || { echo "bootsect.sh: MARKER too long" >&2; exit 2; }

used=$((23 + ${#marker} + 3))
{
	printf '\372\272\370\003\276\027\174\061\300\216\330\374'
	printf '\254\204\300\164\003\356\353\370\364\353\375'
	printf '%s\r\n\000' "$marker"
	head -c $((510 - used)) /dev/zero
	printf '\125\252'
}
