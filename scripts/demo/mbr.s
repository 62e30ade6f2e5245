# SPDX-License-Identifier: GPL-2.0-or-later
# The demo disk's master boot record (GNU as, 16-bit real mode).
#
# The firmware loads sector 0 at 0:7C00 and enters it with the drive in DL.
# The code copies itself to 0:0600 (where it is linked), finds the active
# entry of the partition table, reads that partition's first sector to
# 0:7C00 with INT 13h AH=42h (LBA, as iPXE's SAN disks offer) and enters it
# with DL = drive and DS:SI = its table entry, as the boot sector of a FAT
# volume expects.  Messages go through INT 10h AH=0Eh, which SeaBIOS also
# copies to the serial port when QEMU runs with -nographic; the messages
# before a halt end in a backspace, since SeaBIOS holds back the newest
# character until the next call.
#
# The code stops before byte 0x1A0: mkimz layout keeps bytes 0 to 0x1B7
# and may store a next-boot name at 0x1A0; it writes the table itself.

	.code16
	.text
	.globl	_start
_start:
	cli
	xorw	%ax, %ax
	movw	%ax, %ss
	movw	$0x7c00, %sp
	movw	%ax, %ds
	movw	%ax, %es
	sti
	cld
	movw	$0x7c00, %si
	movw	$_start, %di
	movw	$256, %cx
	rep movsw
	ljmp	$0, $low

low:	movb	%dl, drive
	movw	$hello, %si
	call	puts
	movw	$table, %si
	movw	$4, %cx
1:	testb	$0x80, (%si)
	jnz	found
	addw	$16, %si
	loop	1b
	movw	$noactive, %si
	jmp	fail

found:	movl	8(%si), %eax		# the partition's first sector
	movl	%eax, dap_lba
	pushw	%si
	movw	$dap, %si
	movb	drive, %dl
	movb	$0x42, %ah
	int	$0x13
	popw	%bp			# the entry, for the boot sector
	movw	$readerr, %si
	jc	fail
	cmpw	$0xaa55, 0x7dfe
	movw	$nosig, %si
	jne	fail
	movw	%bp, %si
	movb	drive, %dl
	ljmp	$0, $0x7c00

fail:	call	puts
2:	hlt
	jmp	2b

# puts: print the NUL-terminated string at DS:SI
puts:	pushaw
1:	lodsb
	testb	%al, %al
	jz	2f
	movb	$0x0e, %ah
	movw	$0x0007, %bx
	int	$0x10
	jmp	1b
2:	popaw
	ret

dap:	.byte	16, 0
	.word	1			# sectors
	.word	0x7c00, 0		# buffer offset, segment
dap_lba: .long	0, 0
drive:	.byte	0

hello:	.asciz	"mbr: booting the active partition\r\n"
noactive: .asciz "mbr: no active partition\r\n\b"
readerr: .asciz	"mbr: cannot read the partition's boot sector\r\n\b"
nosig:	.asciz	"mbr: the partition's boot sector has no 55 AA\r\n\b"

	.org	0x1a0			# an error here: the code is too long
	.org	0x1be
table:	.org	0x1fe
	.word	0xaa55
