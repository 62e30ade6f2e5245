/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A FAT16 quick format: boot sector, two FATs and a root directory that
 * holds only the volume label.  The data area is left as it is.  Pure:
 * the caller writes the returned sectors at the start of the partition.
 */
#ifndef MKIMZ_FORMAT_H
#define MKIMZ_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#define FMT16_SECTOR		512
#define FMT16_ROOT_ENTRIES	512
#define FMT16_MEDIA		0xf8
#define FMT16_MIN_SPC		1
#define FMT16_DEFAULT_SPC	4	/* 2 KiB, mkfs.fat's start for FAT16 */
#define FMT16_MAX_SPC		64	/* 32 KiB clusters */

struct fmt16_plan {
	uint32_t sectors;		/* volume size */
	uint32_t sectors_per_cluster;
	uint32_t reserved_sectors;	/* = cluster size, data aligned */
	uint32_t fat_sectors;		/* per copy */
	uint32_t root_sectors;
	uint32_t clusters;
	uint32_t meta_sectors;		/* reserved + 2 FATs + root dir */
};

/*
 * Picks the layout for a volume of sectors 512-byte sectors: clusters of
 * 4 sectors, doubled while there are more than 65524 clusters, halved
 * while fewer than 4085.  Returns 0, or -1 with err when FAT16 cannot
 * hold that size.
 */
int fmt16_plan(uint64_t sectors, struct fmt16_plan *p, char *err,
	       size_t errlen);

struct fmt16_id {
	uint32_t hidden;	/* partition start LBA */
	uint16_t heads, sectors_per_track;
	uint32_t serial;
	const char *label;	/* 1..11 chars, already valid and upper-case */
};

/* Fills out[0 .. meta_sectors * 512) with the formatted metadata. */
void fmt16_build(const struct fmt16_plan *p, const struct fmt16_id *id,
		 uint8_t *out);

#endif
