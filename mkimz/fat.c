/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * FAT boot sector parsing, FAT entry access and relayout of a volume's
 * metadata onto a partition of another size.  Pure functions over buffers.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fat.h"
#include "fat_int.h"

const char *const fat_default_excludes[] = {
	"*.SWP", "pagefile.sys", "hiberfil.sys", "swapfile.sys", NULL,
};

void fat_errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static int is_pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

/* Bytes a FAT of n entries needs. */
static uint64_t fat_table_bytes(enum fat_type t, uint64_t entries)
{
	if (t == FAT_12)
		return (entries * 3 + 1) / 2;
	return entries * (t == FAT_16 ? 2 : 4);
}

static void trim_label(char *dst, const uint8_t *src)
{
	int n = 11;

	memcpy(dst, src, 11);
	while (n > 0 && (dst[n - 1] == ' ' || dst[n - 1] == 0))
		n--;
	dst[n] = 0;
	for (int i = 0; i < n; i++)
		if ((unsigned char)dst[i] < 0x20 || (unsigned char)dst[i] > 0x7e)
			dst[i] = '?';
}

static int check_basic(const uint8_t *b, struct fat_geom *g, char *err,
		       size_t errlen)
{
	uint32_t media = b[FAT_BPB_MEDIA];

	g->bytes_per_sector = get_le16(b + FAT_BPB_BYTSPERSEC);
	g->sectors_per_cluster = b[FAT_BPB_SECPERCLUS];
	g->reserved_sectors = get_le16(b + FAT_BPB_RSVDSECCNT);
	g->nfats = b[FAT_BPB_NUMFATS];
	g->root_entries = get_le16(b + FAT_BPB_ROOTENTCNT);
	if (b[FAT_BS_SIGNATURE] != 0x55 || b[FAT_BS_SIGNATURE + 1] != 0xaa)
		return fat_errf(err, errlen, "no 55 AA boot signature"), -1;
	if (!is_pow2(g->bytes_per_sector) || g->bytes_per_sector < 512 ||
	    g->bytes_per_sector > 4096)
		return fat_errf(err, errlen, "absurd sector size %u",
				g->bytes_per_sector), -1;
	if (!is_pow2(g->sectors_per_cluster))
		return fat_errf(err, errlen, "absurd sectors per cluster %u",
				g->sectors_per_cluster), -1;
	g->cluster_bytes = g->bytes_per_sector * g->sectors_per_cluster;
	if (g->cluster_bytes > 65536 &&
	    !(g->bytes_per_sector == 4096 && g->cluster_bytes == 131072))
		return fat_errf(err, errlen, "cluster size %u too large",
				g->cluster_bytes), -1;
	if (!g->reserved_sectors)
		return fat_errf(err, errlen, "no reserved sectors"), -1;
	if (!g->nfats)
		return fat_errf(err, errlen, "number of FATs is 0"), -1;
	if (media != 0xf0 && media < 0xf8)
		return fat_errf(err, errlen, "absurd media byte 0x%02x", media),
		       -1;
	return 0;
}

static int read_sizes(const uint8_t *b, struct fat_geom *g, char *err,
		      size_t errlen)
{
	uint32_t fatsz16 = get_le16(b + FAT_BPB_FATSZ16);
	uint32_t tot16 = get_le16(b + FAT_BPB_TOTSEC16);
	uint64_t meta;

	g->total_sectors = tot16 ? tot16 : get_le32(b + FAT_BPB_TOTSEC32);
	g->fat_sectors = fatsz16 ? fatsz16 : get_le32(b + FAT32_BPB_FATSZ32);
	if (!g->total_sectors)
		return fat_errf(err, errlen, "total sectors is 0"), -1;
	if (!g->fat_sectors)
		return fat_errf(err, errlen, "FAT size is 0"), -1;
	g->root_dir_sectors =
		(g->root_entries * FAT_DIRENT_SIZE + g->bytes_per_sector - 1) /
		g->bytes_per_sector;
	meta = (uint64_t)g->reserved_sectors +
	       (uint64_t)g->nfats * g->fat_sectors + g->root_dir_sectors;
	if (meta >= g->total_sectors)
		return fat_errf(err, errlen,
				"FATs and root directory (%llu sectors) past "
				"the end of the volume (%llu sectors)",
				(unsigned long long)meta,
				(unsigned long long)g->total_sectors), -1;
	g->first_data_sector = meta;
	return 0;
}

static int decide_type(const uint8_t *b, struct fat_geom *g, char *err,
		       size_t errlen)
{
	uint64_t n = (g->total_sectors - g->first_data_sector) /
		     g->sectors_per_cluster;
	int fat32_bpb = get_le16(b + FAT_BPB_FATSZ16) == 0;

	if (n < 1)
		return fat_errf(err, errlen, "no data clusters"), -1;
	if (n > FAT32_MAX_CLUSTERS)
		return fat_errf(err, errlen, "%llu clusters: too many for FAT32",
				(unsigned long long)n), -1;
	g->cluster_count = (uint32_t)n;
	g->type = n <= FAT12_MAX_CLUSTERS   ? FAT_12
		  : n <= FAT16_MAX_CLUSTERS ? FAT_16
					    : FAT_32;
	if ((g->type == FAT_32) != fat32_bpb)
		return fat_errf(err, errlen,
				"%u clusters (FAT%d) but a FAT%s BPB",
				g->cluster_count, (int)g->type,
				fat32_bpb ? "32" : "12/16"), -1;
	if (g->type == FAT_32 && g->root_entries)
		return fat_errf(err, errlen, "FAT32 with %u root entries",
				g->root_entries), -1;
	if (g->type != FAT_32 && !g->root_entries)
		return fat_errf(err, errlen, "FAT%d without root entries",
				(int)g->type), -1;
	if (fat_table_bytes(g->type, (uint64_t)n + 2) >
	    (uint64_t)g->fat_sectors * g->bytes_per_sector)
		return fat_errf(err, errlen,
				"FAT of %u sectors too small for %u clusters",
				g->fat_sectors, g->cluster_count), -1;
	return 0;
}

static uint32_t reserved_slot(const uint8_t *p, uint32_t rsvd)
{
	uint32_t v = get_le16(p);

	return v && v < rsvd ? v : 0;
}

static int read_ext(const uint8_t *b, struct fat_geom *g, char *err,
		    size_t errlen)
{
	uint32_t sig_off = g->type == FAT_32 ? FAT32_BS_BOOTSIG
					     : FAT16_BS_BOOTSIG;
	uint32_t flags = g->type == FAT_32 ? FAT32_BS_FLAGS : FAT16_BS_FLAGS;

	g->hidden_sectors = get_le32(b + FAT_BPB_HIDDSEC);
	g->root_cluster = 0;
	g->fsinfo_sector = g->backup_boot_sector = 0;
	if (g->type == FAT_32) {
		g->root_cluster = get_le32(b + FAT32_BPB_ROOTCLUS);
		if (g->root_cluster < 2 ||
		    g->root_cluster > g->cluster_count + 1)
			return fat_errf(err, errlen,
					"FAT32 root cluster %u out of range",
					g->root_cluster), -1;
		g->fsinfo_sector =
			reserved_slot(b + FAT32_BPB_FSINFO, g->reserved_sectors);
		g->backup_boot_sector = reserved_slot(b + FAT32_BPB_BKBOOTSEC,
						      g->reserved_sectors);
	}
	g->serial = 0;
	g->serial_offset = 0;
	g->label[0] = 0;
	if (b[sig_off] == 0x29 || b[sig_off] == 0x28) {
		g->serial_offset = sig_off + 1;
		g->serial = get_le32(b + sig_off + 1);
		if (b[sig_off] == 0x29)
			trim_label(g->label, b + sig_off + 5);
		g->dirty = b[flags] & 1;
	}
	return 0;
}

int fat_parse_boot(const uint8_t *buf, size_t len, struct fat_geom *g,
		   char *err, size_t errlen)
{
	memset(g, 0, sizeof(*g));
	if (!buf || len < 512)
		return fat_errf(err, errlen, "boot sector truncated (%zu bytes)",
				len), -1;
	if (check_basic(buf, g, err, errlen) < 0 ||
	    read_sizes(buf, g, err, errlen) < 0 ||
	    decide_type(buf, g, err, errlen) < 0 ||
	    read_ext(buf, g, err, errlen) < 0)
		return -1;
	return 0;
}

uint32_t fat_get(const struct fat_geom *g, const uint8_t *fat, uint32_t n)
{
	if (g->type == FAT_12) {
		uint32_t v = get_le16(fat + n + n / 2);

		return n & 1 ? v >> 4 : v & 0xfff;
	}
	if (g->type == FAT_16)
		return get_le16(fat + 2 * (size_t)n);
	return get_le32(fat + 4 * (size_t)n) & 0x0fffffff;
}

void fat_set(const struct fat_geom *g, uint8_t *fat, uint32_t n, uint32_t v)
{
	if (g->type == FAT_12) {
		uint8_t *p = fat + n + n / 2;
		uint32_t old = get_le16(p);

		v &= 0xfff;
		old = n & 1 ? (old & 0x000f) | v << 4 : (old & 0xf000) | v;
		put_le16(p, (uint16_t)old);
	} else if (g->type == FAT_16) {
		put_le16(fat + 2 * (size_t)n, (uint16_t)v);
	} else {
		uint8_t *p = fat + 4 * (size_t)n;

		put_le32(p, (get_le32(p) & 0xf0000000) | (v & 0x0fffffff));
	}
}

uint32_t fat_eoc(const struct fat_geom *g)
{
	return g->type == FAT_12 ? 0xfff : g->type == FAT_16 ? 0xffff
							     : 0x0fffffff;
}

uint32_t fat_bad(const struct fat_geom *g)
{
	return fat_eoc(g) - 8;
}

uint64_t fat_cluster_offset(const struct fat_geom *g, uint32_t c)
{
	return (g->first_data_sector +
		(uint64_t)(c - 2) * g->sectors_per_cluster) *
	       g->bytes_per_sector;
}

size_t fat_reserved_bytes(const struct fat_geom *g)
{
	return (size_t)g->reserved_sectors * g->bytes_per_sector;
}

size_t fat_fat_bytes(const struct fat_geom *g)
{
	return (size_t)g->fat_sectors * g->bytes_per_sector;
}

size_t fat_root_bytes(const struct fat_geom *g)
{
	return (size_t)g->root_dir_sectors * g->bytes_per_sector;
}

void fat_meta_free(struct fat_meta *m)
{
	if (!m)
		return;
	free(m->reserved);
	free(m->fat);
	free(m->root);
	m->reserved = m->fat = m->root = NULL;
}

/* ---- relayout ---------------------------------------------------------- */

static uint32_t type_max(enum fat_type t)
{
	return t == FAT_12 ? FAT12_MAX_CLUSTERS
	       : t == FAT_16 ? FAT16_MAX_CLUSTERS
			     : FAT32_MAX_CLUSTERS;
}

static uint32_t type_min(enum fat_type t)
{
	return t == FAT_12 ? 1 : t == FAT_16 ? FAT12_MAX_CLUSTERS + 1
					     : FAT16_MAX_CLUSTERS + 1;
}

static uint32_t fat_sectors_for(const struct fat_geom *g, uint64_t clusters)
{
	uint64_t b = fat_table_bytes(g->type, clusters + 2);

	return (uint32_t)((b + g->bytes_per_sector - 1) / g->bytes_per_sector);
}

uint64_t fat_min_sectors(const struct fat_geom *g, uint32_t last_used)
{
	uint64_t n = last_used >= 2 ? last_used - 1 : 1;

	if (n < type_min(g->type))
		n = type_min(g->type);
	return (uint64_t)g->reserved_sectors + g->root_dir_sectors +
	       (uint64_t)g->nfats * fat_sectors_for(g, n) +
	       n * g->sectors_per_cluster;
}

/* Clusters that fit in target sectors with a FAT of fs sectors. */
static uint64_t clusters_with(const struct fat_geom *g, uint64_t target,
			      uint64_t fs)
{
	uint64_t meta = (uint64_t)g->reserved_sectors + g->root_dir_sectors +
			(uint64_t)g->nfats * fs;

	return target > meta ? (target - meta) / g->sectors_per_cluster : 0;
}

static uint64_t capped(const struct fat_geom *g, uint64_t target,
		       uint64_t fs)
{
	uint64_t n = clusters_with(g, target, fs);

	return n > type_max(g->type) ? type_max(g->type) : n;
}

int fat_relayout_geom(const struct fat_geom *src, uint64_t target_sectors,
		      uint32_t last_used, struct fat_geom *dst,
		      uint64_t *lost_sectors, char *err, size_t errlen)
{
	uint64_t fs = 1, n, need = fat_min_sectors(src, last_used);

	*dst = *src;
	*lost_sectors = 0;
	if (target_sectors < need)
		return fat_errf(err, errlen,
				"too small: needs at least %llu sectors, has %llu",
				(unsigned long long)need,
				(unsigned long long)target_sectors), -1;
	while (fat_sectors_for(src, capped(src, target_sectors, fs)) > fs)
		fs = fat_sectors_for(src, capped(src, target_sectors, fs));
	/* the iteration may overshoot by a sector: take the smallest FAT */
	while (fs > 1 &&
	       fat_sectors_for(src, capped(src, target_sectors, fs - 1)) <= fs - 1)
		fs--;
	n = capped(src, target_sectors, fs);
	dst->fat_sectors = (uint32_t)fs;
	dst->cluster_count = (uint32_t)n;
	dst->first_data_sector = (uint64_t)src->reserved_sectors +
				 src->root_dir_sectors +
				 (uint64_t)src->nfats * fs;
	dst->total_sectors = target_sectors;
	if (clusters_with(src, target_sectors, fs) > n) {
		dst->total_sectors =
			dst->first_data_sector + n * src->sectors_per_cluster;
		*lost_sectors = target_sectors - dst->total_sectors;
	}
	if (n < type_min(src->type) || (last_used >= 2 && last_used > n + 1))
		return fat_errf(err, errlen,
				"too small: needs at least %llu sectors, has %llu",
				(unsigned long long)need,
				(unsigned long long)target_sectors), -1;
	return 0;
}

static void write_bpb(uint8_t *b, const struct fat_geom *g, uint32_t hidden)
{
	int small = g->type != FAT_32 && g->total_sectors < 65536;

	put_le16(b + FAT_BPB_TOTSEC16, small ? (uint16_t)g->total_sectors : 0);
	put_le32(b + FAT_BPB_TOTSEC32, small ? 0 : (uint32_t)g->total_sectors);
	if (g->type == FAT_32)
		put_le32(b + FAT32_BPB_FATSZ32, g->fat_sectors);
	else
		put_le16(b + FAT_BPB_FATSZ16, (uint16_t)g->fat_sectors);
	put_le32(b + FAT_BPB_HIDDSEC, hidden);
}

void fat_fsinfo_update(const struct fat_geom *g, uint8_t *reserved,
		       const uint8_t *fat)
{
	uint32_t used = 0, next = 0xffffffffu;
	uint32_t secs[2] = { g->fsinfo_sector, 0 };

	if (g->type != FAT_32 || !g->fsinfo_sector)
		return;
	if (g->backup_boot_sector &&
	    g->backup_boot_sector + g->fsinfo_sector < g->reserved_sectors)
		secs[1] = g->backup_boot_sector + g->fsinfo_sector;
	for (uint32_t c = 2; c < g->cluster_count + 2; c++) {
		if (fat_get(g, fat, c))
			used++;
		else if (next == 0xffffffffu)
			next = c;
	}
	for (int i = 0; i < 2; i++) {
		uint8_t *s = reserved + (size_t)secs[i] * g->bytes_per_sector;

		if (!secs[i] || get_le32(s + FAT_FSI_LEADSIG) != 0x41615252 ||
		    get_le32(s + FAT_FSI_STRUCSIG) != 0x61417272)
			continue;
		put_le32(s + FAT_FSI_FREE_COUNT, g->cluster_count - used);
		put_le32(s + FAT_FSI_NXT_FREE, next);
	}
}

void fat_backup_boot(const struct fat_geom *g, uint8_t *reserved)
{
	uint32_t bk = g->backup_boot_sector, n = 3;

	if (g->type != FAT_32 || !bk || bk >= g->reserved_sectors)
		return;
	if (bk < n)
		return;	/* would overlap what it copies */
	if (bk + n > g->reserved_sectors)
		n = g->reserved_sectors - bk;
	memcpy(reserved + (size_t)bk * g->bytes_per_sector, reserved,
	       (size_t)n * g->bytes_per_sector);
}

static int copy_fat(const struct fat_meta *src, const struct fat_geom *dg,
		    uint8_t *fat, char *err, size_t errlen)
{
	const struct fat_geom *sg = &src->g;
	uint32_t end = sg->cluster_count + 2, keep = dg->cluster_count + 2;
	uint32_t bad = fat_bad(sg);

	for (uint32_t c = 0; c < end; c++) {
		uint32_t v = fat_get(sg, src->fat, c);

		if (c >= keep) {
			if (v)
				return fat_errf(err, errlen,
						"cluster %u in use past the new "
						"end %u", c, keep - 1), -1;
			continue;
		}
		if (c >= 2 && v >= keep && v < bad)
			return fat_errf(err, errlen,
					"cluster %u points to %u past the new "
					"end", c, v), -1;
		fat_set(dg, fat, c, v);
	}
	return 0;
}

int fat_relayout(const struct fat_meta *src, const struct fat_geom *dst_geom,
		 uint32_t hidden, struct fat_meta *dst, char *err,
		 size_t errlen)
{
	size_t rb = fat_reserved_bytes(dst_geom);

	memset(dst, 0, sizeof(*dst));
	dst->g = *dst_geom;
	if (dst_geom->type != src->g.type ||
	    dst_geom->reserved_sectors != src->g.reserved_sectors ||
	    dst_geom->root_dir_sectors != src->g.root_dir_sectors ||
	    dst_geom->bytes_per_sector != src->g.bytes_per_sector)
		return fat_errf(err, errlen, "geometry does not match the "
				"source"), -1;
	if (hidden == UINT32_MAX)
		hidden = src->g.hidden_sectors;
	dst->g.hidden_sectors = hidden;
	dst->reserved = malloc(rb);
	dst->fat = calloc(1, fat_fat_bytes(dst_geom));
	dst->root = fat_root_bytes(dst_geom) ? malloc(fat_root_bytes(dst_geom))
					     : NULL;
	if (!dst->reserved || !dst->fat ||
	    (fat_root_bytes(dst_geom) && !dst->root)) {
		fat_meta_free(dst);
		return fat_errf(err, errlen, "out of memory"), -1;
	}
	memcpy(dst->reserved, src->reserved, rb);
	if (dst->root)
		memcpy(dst->root, src->root, fat_root_bytes(dst_geom));
	if (copy_fat(src, dst_geom, dst->fat, err, errlen) < 0) {
		fat_meta_free(dst);
		return -1;
	}
	write_bpb(dst->reserved, &dst->g, hidden);
	fat_fsinfo_update(&dst->g, dst->reserved, dst->fat);
	fat_backup_boot(&dst->g, dst->reserved);
	return 0;
}
