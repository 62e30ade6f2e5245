// SPDX-License-Identifier: GPL-2.0-or-later
/* FAT16 quick format for mkimz layout. */
#include "format.h"

#include <stdio.h>
#include <string.h>

#include "cursor.h"
#include "fat.h"

#define FAT16_MIN_CLUSTERS	(FAT12_MAX_CLUSTERS + 1)

/* Sizes for one cluster size; clusters 0 when nothing fits. */
static void plan_for(uint32_t sectors, uint32_t spc, struct fmt16_plan *p)
{
	uint32_t root = FMT16_ROOT_ENTRIES * 32 / FMT16_SECTOR;
	uint32_t rest, fat;

	memset(p, 0, sizeof(*p));
	p->sectors = sectors;
	p->sectors_per_cluster = spc;
	p->reserved_sectors = spc;
	p->root_sectors = root;
	if (sectors <= spc + root)
		return;
	rest = sectors - spc - root;
	/* An upper bound: the FAT for every cluster the rest could hold. */
	fat = ((rest / spc + 2) * 2 + FMT16_SECTOR - 1) / FMT16_SECTOR;
	while ((spc + 2 * fat + root) % spc != 0)
		fat++;
	p->fat_sectors = fat;
	if (rest <= 2 * fat)
		return;
	p->clusters = (rest - 2 * fat) / spc;
	p->meta_sectors = spc + 2 * fat + root;
}

int fmt16_plan(uint64_t sectors, struct fmt16_plan *p, char *err,
	       size_t errlen)
{
	uint32_t spc = FMT16_DEFAULT_SPC;

	if (sectors > 0xffffffffu)
		sectors = 0xffffffffu;
	plan_for((uint32_t)sectors, spc, p);
	while (p->clusters > FAT16_MAX_CLUSTERS && spc < FMT16_MAX_SPC)
		plan_for((uint32_t)sectors, spc <<= 1, p);
	while (p->clusters < FAT16_MIN_CLUSTERS && spc > FMT16_MIN_SPC)
		plan_for((uint32_t)sectors, spc >>= 1, p);
	if (p->clusters >= FAT16_MIN_CLUSTERS &&
	    p->clusters <= FAT16_MAX_CLUSTERS)
		return 0;
	snprintf(err, errlen,
		 "%llu sectors is %s for FAT16 (%u..%u clusters of 512 B..32 KiB)",
		 (unsigned long long)sectors,
		 p->clusters < FAT16_MIN_CLUSTERS ? "too small" : "too large",
		 FAT16_MIN_CLUSTERS, FAT16_MAX_CLUSTERS);
	return -1;
}

static void pad_copy(uint8_t *dst, const char *s, size_t n)
{
	size_t l = strlen(s);

	memset(dst, ' ', n);
	memcpy(dst, s, l < n ? l : n);
}

static void build_boot(const struct fmt16_plan *p, const struct fmt16_id *id,
		       uint8_t *bs)
{
	/* Not bootable: int 18h (boot failed), then halt. */
	static const uint8_t code[] = { 0xcd, 0x18, 0xf4, 0xeb, 0xfd };

	bs[FAT_BS_JMP] = 0xeb;
	bs[FAT_BS_JMP + 1] = 0x3c;
	bs[FAT_BS_JMP + 2] = 0x90;
	pad_copy(bs + FAT_BS_OEM, "NETBOOT", 8);
	put_le16(bs + FAT_BPB_BYTSPERSEC, FMT16_SECTOR);
	bs[FAT_BPB_SECPERCLUS] = (uint8_t)p->sectors_per_cluster;
	put_le16(bs + FAT_BPB_RSVDSECCNT, (uint16_t)p->reserved_sectors);
	bs[FAT_BPB_NUMFATS] = 2;
	put_le16(bs + FAT_BPB_ROOTENTCNT, FMT16_ROOT_ENTRIES);
	if (p->sectors < 0x10000)
		put_le16(bs + FAT_BPB_TOTSEC16, (uint16_t)p->sectors);
	else
		put_le32(bs + FAT_BPB_TOTSEC32, p->sectors);
	bs[FAT_BPB_MEDIA] = FMT16_MEDIA;
	put_le16(bs + FAT_BPB_FATSZ16, (uint16_t)p->fat_sectors);
	put_le16(bs + FAT_BPB_SECPERTRK, id->sectors_per_track);
	put_le16(bs + FAT_BPB_NUMHEADS, id->heads);
	put_le32(bs + FAT_BPB_HIDDSEC, id->hidden);
	bs[FAT16_BS_DRVNUM] = 0x80;
	bs[FAT16_BS_BOOTSIG] = 0x29;
	put_le32(bs + FAT16_BS_VOLID, id->serial);
	pad_copy(bs + FAT16_BS_VOLLAB, id->label, 11);
	pad_copy(bs + FAT16_BS_VOLLAB + 11, "FAT16", 8);
	memcpy(bs + 0x3e, code, sizeof(code));
	bs[FAT_BS_SIGNATURE] = 0x55;
	bs[FAT_BS_SIGNATURE + 1] = 0xaa;
}

void fmt16_build(const struct fmt16_plan *p, const struct fmt16_id *id,
		 uint8_t *out)
{
	uint8_t *fat = out + (size_t)p->reserved_sectors * FMT16_SECTOR;
	size_t fat_bytes = (size_t)p->fat_sectors * FMT16_SECTOR;
	uint8_t *root = fat + 2 * fat_bytes;

	memset(out, 0, (size_t)p->meta_sectors * FMT16_SECTOR);
	build_boot(p, id, out);
	for (int copy = 0; copy < 2; copy++) {
		uint8_t *f = fat + copy * fat_bytes;

		put_le16(f, 0xff00 | FMT16_MEDIA);	/* entry 0: media */
		put_le16(f + 2, 0xffff);		/* entry 1: clean, no error */
	}
	pad_copy(root + FAT_DE_NAME, id->label, 11);
	root[FAT_DE_ATTR] = FAT_ATTR_VOLUME;
}
