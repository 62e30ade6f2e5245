# SPDX-License-Identifier: GPL-2.0-or-later
# The demo volume's boot sector code (GNU as, 16-bit real mode).
#
# Bytes 0-2 (the jump) and 0x3E-0x1FF of this sector replace those of a
# FAT16 volume's boot sector; the BIOS parameter block in between stays
# the volume's own.  Loaded at 0:7C00 with the drive in DL, the code
# prints the volume label, finds GREETING.TXT in the root directory, reads
# the first sector of its first cluster and prints up to 512 bytes of it,
# then halts.  The last character sent through INT 10h is followed by a
# backspace: SeaBIOS holds back the newest character until the next call.  Every sector address comes from the BPB (hidden sectors
# included), so the file is found only if the volume is laid out as its
# BPB says: after mkimz has restored it onto a partition of another size,
# this is a check of the new layout.  Reads use INT 13h AH=42h (LBA);
# messages INT 10h AH=0Eh, which SeaBIOS copies to the serial port when
# QEMU runs with -nographic.

	.set	BPS,	0x7c0b		# bytes per sector (word)
	.set	SPC,	0x7c0d		# sectors per cluster (byte)
	.set	RSVD,	0x7c0e		# reserved sectors (word)
	.set	NFATS,	0x7c10		# number of FATs (byte)
	.set	ROOTENT, 0x7c11		# root directory entries (word)
	.set	FATSZ,	0x7c16		# sectors per FAT (word)
	.set	HIDDEN,	0x7c1c		# sectors before the volume (dword)
	.set	LABEL,	0x7c2b		# volume label (11 bytes)
	.set	BUF,	0x8000		# one sector

	.code16
	.text
	.globl	_start
_start:	.byte	0xeb, main - _start - 2, 0x90
	.org	0x3e
main:	cli
	xorw	%ax, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movw	$0x7c00, %sp
	sti
	cld
	ljmp	$0, $1f
1:	movb	%dl, drive
	movw	$hello, %si
	call	puts
	movw	$LABEL, %si
	movw	$11, %cx
	call	putn
	movw	$reading, %si
	call	puts
	movw	$badbps, %si
	cmpw	$512, BPS
	jne	fail

	# the root directory starts after the reserved sectors and the FATs
	movzwl	RSVD, %eax
	addl	HIDDEN, %eax
	movzwl	FATSZ, %ebx
	movzbw	NFATS, %cx
	jcxz	2f
1:	addl	%ebx, %eax
	loop	1b
2:	movw	ROOTENT, %cx
	addw	$15, %cx
	shrw	$4, %cx			# its sectors; the data area follows
	movzwl	%cx, %ebx
	addl	%eax, %ebx
	movl	%ebx, data

sector:	jcxz	notfound
	call	read
	movw	$BUF, %di
	movw	$16, %bx
entry:	cmpb	$0, (%di)		# the end of the directory
	je	notfound
	pushw	%cx
	pushw	%di
	movw	$name, %si
	movw	$11, %cx
	repe cmpsb
	popw	%di
	popw	%cx
	je	found
	addw	$32, %di
	decw	%bx
	jnz	entry
	incl	%eax
	decw	%cx
	jmp	sector

found:	movl	28(%di), %edx		# its size
	movzwl	26(%di), %eax		# its first cluster
	subl	$2, %eax
	jb	notfound		# an empty file
	movzbl	SPC, %ecx
	imull	%ecx, %eax
	addl	data, %eax
	call	read
	cmpl	$512, %edx
	jbe	1f
	movw	$512, %dx
1:	movw	%dx, %cx
	movw	$BUF, %si
	call	putn
	jmp	halt

notfound:
	movw	$missing, %si
fail:	call	puts
halt:	movb	$8, %al			# a backspace makes SeaBIOS's serial
	call	putc			# console send the last character
1:	hlt
	jmp	1b

# read: sector EAX (from the start of the disk) to 0:BUF
read:	pushal
	movl	%eax, lba
	movw	$1, count
	movw	$dap, %si
	movb	drive, %dl
	movb	$0x42, %ah
	int	$0x13
	popal
	jc	1f
	ret
1:	movw	$readerr, %si
	jmp	fail

# putn: print CX bytes from DS:SI; puts: the NUL-terminated string there
putn:	jcxz	2f
1:	lodsb
	call	putc
	loop	1b
2:	ret
puts:	lodsb
	testb	%al, %al
	jz	1f
	call	putc
	jmp	puts
1:	ret
putc:	pushaw
	movb	$0x0e, %ah
	movw	$0x0007, %bx
	int	$0x10
	popaw
	ret

dap:	.byte	16, 0
count:	.word	1
	.word	BUF, 0
lba:	.long	0, 0
data:	.long	0
drive:	.byte	0

name:	.ascii	"GREETINGTXT"
hello:	.asciz	"vbr: volume "
reading: .asciz	", GREETING.TXT:\r\n"
badbps:	.asciz	"vbr: bad BPB\r\n"
missing: .asciz	"vbr: no GREETING.TXT\r\n"
readerr: .asciz	"vbr: read error\r\n"

	.org	0x1fe			# an error here: the code is too long
	.word	0xaa55
