/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mkimz layout: the partition-table description (TABFILE, see
 * mkimz-layout(5)) and the MBR built from it.  Pure functions over
 * buffers; the command in cmd_layout.c does the I/O.
 *
 * MBR sector (512 bytes, integers little-endian):
 *   0x000..0x1b7  boot code; 0x1a0..0x1b7 (24 bytes) may hold the next
 *                 boot image name, NUL-padded, when boot code leaves it free
 *   0x1b8         u32 disk signature
 *   0x1bc         u16 reserved (0)
 *   0x1be         four 16-byte partition entries
 *   0x1fe         0x55 0xAA
 */
#ifndef MKIMZ_LAYOUT_H
#define MKIMZ_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#define LAYOUT_MAX_BYTES	512	/* a longer TABFILE is refused */
#define LAYOUT_PARTS		4
#define LAYOUT_LABEL_MAX	11
#define LAYOUT_NEXT_MAX		127	/* fifth line: next boot image name */

#define MBR_SECTOR		512
#define MBR_CODE_LEN		440	/* boot code kept from the old MBR */
#define MBR_NEXTBOOT		0x1a0	/* next boot image name */
#define MBR_NEXTBOOT_LEN	24	/* up to 0x1b7 */
#define MBR_NEXTBOOT_MAX	23	/* name length: one NUL always follows */
#define MBR_DISKSIG		0x1b8	/* u32 */
#define MBR_PTABLE		0x1be
#define MBR_PENTRY_LEN		16
#define MBR_SIGNATURE		0x1fe	/* 0x55 0xAA */

/* One partition entry (offsets inside its 16 bytes). */
#define MBR_PE_BOOT		0x0	/* 0x80 active, 0x00 not */
#define MBR_PE_CHS_START	0x1	/* head, sector | cyl bits 8-9 << 6, cyl */
#define MBR_PE_TYPE		0x4
#define MBR_PE_CHS_END		0x5
#define MBR_PE_LBA		0x8	/* u32 first sector */
#define MBR_PE_COUNT		0xc	/* u32 number of sectors */
#define MBR_PE_BOOT_ACTIVE	0x80

/* How a partition line gives its extent. */
enum layout_form {
	LAYOUT_UNUSED = 0,	/* "0": the slot stays empty */
	LAYOUT_CHS,		/* type boot? start C H S end C H S */
	LAYOUT_CHS_SIZE,	/* type boot? start C H S size */
	LAYOUT_SIZE,		/* type boot? size; after the previous one */
};

/*
 * Relative sizes: +N Mb (at least N MiB), -N Mb (leave at least N MiB
 * for the next partitions), +N % and -N % (the same, in percent of the
 * space available where the partition starts).
 */
enum layout_unit { LAYOUT_MIB, LAYOUT_PERCENT };

struct layout_chs {
	uint32_t c, h, s;	/* s counts from 1 */
};

struct layout_part {
	enum layout_form form;
	unsigned line;			/* TABFILE line number */
	struct layout_chs start, end;	/* as written (CHS forms) */
	int minus;			/* size is "leave N free" */
	enum layout_unit unit;
	uint64_t size;			/* N */
	uint8_t type;
	int boot;
	char label[LAYOUT_LABEL_MAX + 1];	/* "" = do not format */
};

struct layout_spec {
	struct layout_part part[LAYOUT_PARTS];
	char next_boot[LAYOUT_NEXT_MAX + 1];	/* "" = no fifth line */
	unsigned next_boot_line;
	unsigned lines;			/* lines in the file */
};

struct layout_geom {
	uint32_t heads;		/* 1..255 */
	uint32_t sectors;	/* per track, 1..63 */
	uint64_t disk_sectors;	/* 512-byte sectors */
};

/* Where a used partition lands, in 512-byte sectors. */
struct layout_extent {
	uint64_t start;
	uint64_t count;		/* 0 for an unused slot */
};

/*
 * Parses a TABFILE held in buf[0..len).  Returns 0, or -1 with *line set
 * to the offending line (0 = the file as a whole) and a message in err.
 */
int layout_parse(const char *buf, size_t len, struct layout_spec *sp,
		 unsigned *line, char *err, size_t errlen);

/*
 * Places the partitions of sp on a disk of geometry g: overlap, past the
 * end, two boot flags, less than one cylinder, beyond 2^32 sectors are
 * errors (-1, *line, err).  Returns 0 and fills ext.
 */
int layout_compute(const struct layout_spec *sp, const struct layout_geom *g,
		   struct layout_extent ext[LAYOUT_PARTS], unsigned *line,
		   char *err, size_t errlen);

/* A DOS volume label: 1..11 of A-Z 0-9 space and ! # $ % & ' ( ) - @ ^ _
 * ` { } ~ after upper-casing.  Writes it upper-cased to out[12]; 0 or -1. */
int layout_label_check(const char *s, size_t len, char out[12]);

/* CHS bytes (3) of an LBA, capped at 1023/heads-1/sectors. */
void layout_chs_bytes(uint64_t lba, const struct layout_geom *g,
		      uint8_t out[3]);

/* Whether 0x1a0..0x1b7 of mbr is free for a name: all zero or a name as
 * layout_mbr writes it (printable, then NULs to the end). */
int layout_nextboot_free(const uint8_t *mbr);

/*
 * Fills the partition table, the next boot name (when sp has one, it fits
 * in MBR_NEXTBOOT_MAX bytes and the region is free; otherwise *nb_skipped
 * is set to LAYOUT_NB_CODE or LAYOUT_NB_LONG) and the
 * 0x55AA signature of mbr; the boot code and disk signature are left as
 * they are.
 */
enum { LAYOUT_NB_STORED, LAYOUT_NB_CODE, LAYOUT_NB_LONG };

void layout_mbr(const struct layout_spec *sp, const struct layout_geom *g,
		const struct layout_extent ext[LAYOUT_PARTS], uint8_t *mbr,
		int *nb_skipped);

#endif
