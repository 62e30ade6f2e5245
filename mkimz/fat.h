/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * FAT12/16/32 on-disk facts and the pure functions mkimz builds on: boot
 * sector parsing, FAT entry access, the directory walk that finds used
 * clusters (and drops excluded files), and relayout onto a partition of
 * another size.  Nothing here does I/O: directory clusters come through a
 * read callback, so the fuzzers and unit tests feed buffers.
 *
 * All on-disk integers are little-endian.
 */
#ifndef MKIMZ_FAT_H
#define MKIMZ_FAT_H

#include <stddef.h>
#include <stdint.h>

/* Boot sector (BPB) offsets, common part. */
#define FAT_BS_JMP		0x00	/* EB xx 90 or E9 xx xx */
#define FAT_BS_OEM		0x03	/* 8 bytes */
#define FAT_BPB_BYTSPERSEC	0x0b	/* u16: 512, 1024, 2048 or 4096 */
#define FAT_BPB_SECPERCLUS	0x0d	/* u8: power of two, 1..128 */
#define FAT_BPB_RSVDSECCNT	0x0e	/* u16: >= 1 */
#define FAT_BPB_NUMFATS		0x10	/* u8: >= 1, usually 2 */
#define FAT_BPB_ROOTENTCNT	0x11	/* u16: 0 on FAT32 */
#define FAT_BPB_TOTSEC16	0x13	/* u16: 0 when TOTSEC32 is used */
#define FAT_BPB_MEDIA		0x15	/* u8: 0xF0, 0xF8..0xFF */
#define FAT_BPB_FATSZ16		0x16	/* u16: 0 on FAT32 */
#define FAT_BPB_SECPERTRK	0x18	/* u16 */
#define FAT_BPB_NUMHEADS	0x1a	/* u16 */
#define FAT_BPB_HIDDSEC		0x1c	/* u32: partition start LBA */
#define FAT_BPB_TOTSEC32	0x20	/* u32 */
/* FAT12/16 extended BPB. */
#define FAT16_BS_DRVNUM		0x24
#define FAT16_BS_FLAGS		0x25	/* bit 0: dirty (set while mounted) */
#define FAT16_BS_BOOTSIG	0x26	/* 0x29: serial, label, type follow */
#define FAT16_BS_VOLID		0x27	/* u32 volume serial number */
#define FAT16_BS_VOLLAB		0x2b	/* 11 bytes */
/* FAT32 extended BPB. */
#define FAT32_BPB_FATSZ32	0x24	/* u32 */
#define FAT32_BPB_EXTFLAGS	0x28	/* u16 */
#define FAT32_BPB_ROOTCLUS	0x2c	/* u32 */
#define FAT32_BPB_FSINFO	0x30	/* u16: sector in the reserved area */
#define FAT32_BPB_BKBOOTSEC	0x32	/* u16: backup boot sector, usually 6 */
#define FAT32_BS_FLAGS		0x41	/* bit 0: dirty */
#define FAT32_BS_BOOTSIG	0x42
#define FAT32_BS_VOLID		0x43	/* u32 volume serial number */
#define FAT32_BS_VOLLAB		0x47	/* 11 bytes */
#define FAT_BS_SIGNATURE	0x1fe	/* 0x55 0xAA */

/* FAT32 FSInfo sector. */
#define FAT_FSI_LEADSIG		0x000	/* u32 0x41615252 */
#define FAT_FSI_STRUCSIG	0x1e4	/* u32 0x61417272 */
#define FAT_FSI_FREE_COUNT	0x1e8	/* u32, 0xFFFFFFFF unknown */
#define FAT_FSI_NXT_FREE	0x1ec	/* u32, 0xFFFFFFFF unknown */
#define FAT_FSI_TRAILSIG	0x1fc	/* u32 0xAA550000 */

/* Cluster count limits that decide the type (Microsoft's rule). */
#define FAT12_MAX_CLUSTERS	4084u
#define FAT16_MAX_CLUSTERS	65524u
#define FAT32_MAX_CLUSTERS	0x0ffffff5u	/* 268435445 */

/* Entry values, already masked to 12/16/28 bits by fat_get(). */
#define FAT_FREE		0u
/* bad = 0xFF7 / 0xFFF7 / 0x0FFFFFF7; end of chain >= bad + 1 */

/* Directory entries (32 bytes). */
#define FAT_DIRENT_SIZE		32
#define FAT_DE_NAME		0x00	/* 11 bytes; [0]=0 end, 0xE5 deleted,
					   0x05 means a leading 0xE5 */
#define FAT_DE_ATTR		0x0b
#define FAT_ATTR_RO		0x01
#define FAT_ATTR_HIDDEN		0x02
#define FAT_ATTR_SYSTEM		0x04
#define FAT_ATTR_VOLUME		0x08
#define FAT_ATTR_DIR		0x10
#define FAT_ATTR_ARCHIVE	0x20
#define FAT_ATTR_LFN		0x0f	/* long name part: attr == 0x0F */
#define FAT_DE_CLUS_HI		0x14	/* u16, FAT32 */
#define FAT_DE_CLUS_LO		0x1a	/* u16 */
#define FAT_DE_SIZE		0x1c	/* u32 */
#define FAT_DE_DELETED		0xe5
/* LFN entry: [0] order (0x40 = last), name chars at 1..10, 14..25, 28..31
 * (UCS-2), [13] checksum over the 8.3 name. */

enum fat_type { FAT_12 = 12, FAT_16 = 16, FAT_32 = 32 };

/* The geometry of one volume, derived from its boot sector. */
struct fat_geom {
	enum fat_type type;
	uint32_t bytes_per_sector;
	uint32_t sectors_per_cluster;
	uint32_t cluster_bytes;
	uint32_t reserved_sectors;
	uint32_t nfats;
	uint32_t root_entries;		/* FAT12/16; 0 on FAT32 */
	uint32_t root_dir_sectors;	/* FAT12/16; 0 on FAT32 */
	uint32_t fat_sectors;		/* per FAT copy */
	uint64_t total_sectors;		/* of the volume (BPB) */
	uint64_t first_data_sector;	/* reserved + FATs + root dir */
	uint32_t cluster_count;		/* valid clusters: 2..cluster_count+1 */
	uint32_t root_cluster;		/* FAT32 */
	uint32_t fsinfo_sector;		/* FAT32; 0 when none */
	uint32_t backup_boot_sector;	/* FAT32; 0 when none */
	uint32_t hidden_sectors;
	uint32_t serial;
	uint32_t serial_offset;		/* 0x27 or 0x43; 0 without boot sig */
	int dirty;			/* boot sector or FAT[1] says unclean */
	char label[12];			/* from the boot sector, trimmed */
};

/*
 * The metadata mkimz stores apart from clusters: the reserved area (boot
 * sector first), one copy of the FAT, and the FAT12/16 root directory.
 */
struct fat_meta {
	struct fat_geom g;
	uint8_t *reserved;	/* reserved_sectors * bytes_per_sector */
	uint8_t *fat;		/* fat_sectors * bytes_per_sector */
	uint8_t *root;		/* root_dir_sectors * bytes_per_sector, or NULL */
};

/*
 * Parses a boot sector (at least 512 bytes) into *g.  Rejects absurd BPBs:
 * sector size not 512..4096 power of two, cluster size not a power of two
 * or over 64 KiB (128 KiB allowed for 4K sectors), zero reserved sectors,
 * zero FATs, a FAT too small for the cluster count, regions past the end,
 * a FAT32 without RootClus in range.  Returns 0, or -1 with a one-line
 * reason in err.
 */
int fat_parse_boot(const uint8_t *buf, size_t len, struct fat_geom *g,
		   char *err, size_t errlen);

/* Entry n of a FAT held in memory (n < cluster_count + 2), masked. */
uint32_t fat_get(const struct fat_geom *g, const uint8_t *fat, uint32_t n);
void fat_set(const struct fat_geom *g, uint8_t *fat, uint32_t n, uint32_t v);
uint32_t fat_eoc(const struct fat_geom *g);	/* 0xFFF / 0xFFFF / 0x0FFFFFFF */
uint32_t fat_bad(const struct fat_geom *g);	/* 0xFF7 / 0xFFF7 / 0x0FFFFFF7 */

/* Byte offset of cluster c (2..cluster_count+1) from the volume start. */
uint64_t fat_cluster_offset(const struct fat_geom *g, uint32_t c);

/* Reads len bytes at volume offset off into buf; 0 or -1 (err set). */
typedef int (*fat_read_fn)(void *ctx, uint64_t off, void *buf, size_t len);

/* Exclusion patterns: fnmatch(3) globs, case-insensitive, matched against
 * a file's long name and its 8.3 name (as "NAME.EXT"). */
struct fat_excl {
	const char *const *patterns;
	size_t count;
};
extern const char *const fat_default_excludes[];	/* NULL-terminated */

enum {
	FAT_SCAN_FORCE = 1,	/* carry on past a dirty or damaged volume */
};

/*
 * The result of a scan: which clusters hold data worth keeping, and the
 * directory clusters as they must be stored (excluded entries removed).
 */
struct fat_scan {
	uint8_t *used;		/* bitmap, bit c for cluster c, (cluster_count+2) bits */
	uint32_t used_count;
	uint32_t last_used;	/* highest used cluster, 0 when none */
	uint32_t lost_freed;	/* allocated but unreachable, freed */
	uint32_t bad_freed;	/* bad-cluster marks dropped */
	uint32_t files, dirs;
	uint32_t excluded_files;
	uint64_t excluded_bytes;
	/* Directory clusters, sorted by cluster number, patched. */
	size_t ndir;
	uint32_t *dir_cluster;
	uint8_t **dir_data;	/* cluster_bytes each */
};

/*
 * Walks the directory tree of m (root directory, then every directory
 * cluster read through rd), checks every chain and rewrites m->fat and
 * m->root in place so that they describe what will be stored:
 * - chains of excluded files are freed and their entries (with their long
 *   name parts) marked deleted;
 * - allocated clusters no file reaches are freed (counted in lost_freed),
 *   bad-cluster marks dropped;
 * - FAT[1]'s clean bits are set, the boot sector's dirty flag cleared.
 * Refuses (-1 and a message naming the path and cluster) a loop, a
 * cross-link, a chain through a free or out-of-range cluster, a file whose
 * size does not match its chain, a directory larger than 65536 entries,
 * or a dirty volume, unless FAT_SCAN_FORCE is given; then the offending
 * file is cut at the damage (its size trimmed) and a warning is returned
 * through warn (called for each, may be NULL).
 */
int fat_scan(struct fat_meta *m, fat_read_fn rd, void *ctx,
	     const struct fat_excl *ex, unsigned flags,
	     void (*warn)(void *wctx, const char *msg), void *wctx,
	     struct fat_scan *out, char *err, size_t errlen);
void fat_scan_free(struct fat_scan *s);

/* The patched contents of directory cluster c, or NULL if c is none. */
const uint8_t *fat_scan_dir(const struct fat_scan *s, uint32_t c);

/* Bitmap helpers. */
static inline int fat_bit(const uint8_t *map, uint32_t c)
{
	return (map[c >> 3] >> (c & 7)) & 1;
}

/*
 * Geometry for the same volume on a partition of target_sectors sectors:
 * same sector and cluster size, reserved sectors, number of FATs and root
 * entries; FAT size recomputed, cluster count capped at the type's limit
 * (*lost_sectors says how many sectors that leaves unused, 0 if none).
 * Fails (-1, err) when the target cannot hold cluster last_used or when
 * the cluster count would fall below the type's minimum.
 */
int fat_relayout_geom(const struct fat_geom *src, uint64_t target_sectors,
		      uint32_t last_used, struct fat_geom *dst,
		      uint64_t *lost_sectors, char *err, size_t errlen);

/*
 * Builds the metadata for dst (from fat_relayout_geom) out of src: reserved
 * area with BPB total sectors, FAT size and hidden sectors (the target
 * partition's start, or src's when hidden is UINT32_MAX) rewritten, FAT32
 * FSInfo free count and next free recomputed, backup boot sector (and its
 * FSInfo copy) refreshed; FAT entries copied up to the new cluster count,
 * the rest zero; root directory copied.  dst's buffers are allocated here
 * (free with fat_meta_free).  0 or -1 (err).
 */
int fat_relayout(const struct fat_meta *src, const struct fat_geom *dst_geom,
		 uint32_t hidden, struct fat_meta *dst, char *err,
		 size_t errlen);
void fat_meta_free(struct fat_meta *m);

/*
 * The smallest partition (in sectors) the volume of g fits on with its
 * cluster last_used kept and the type's minimum cluster count met.
 */
uint64_t fat_min_sectors(const struct fat_geom *g, uint32_t last_used);

/* Sizes of the three metadata regions in bytes. */
size_t fat_reserved_bytes(const struct fat_geom *g);
size_t fat_fat_bytes(const struct fat_geom *g);
size_t fat_root_bytes(const struct fat_geom *g);

#endif
