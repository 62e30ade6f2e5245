/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The FAT core over volumes built in memory: boot sector checks, FAT entry
 * access, the directory walk (long names, excludes, every kind of damage)
 * and relayout numbers checked against what mkfs.fat makes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../mkimz/fat.h"
#include "cursor.h"
#include "tap.h"

struct vol {
	uint8_t *img;
	size_t size;
	struct fat_meta m;
};

static uint32_t fat_secs(int type, uint32_t total, uint32_t meta, uint32_t spc)
{
	uint32_t fs = 1;

	for (;;) {
		uint32_t n = (total - meta - 2 * fs) / spc;
		uint64_t b = type == 12	  ? ((uint64_t)n + 2) * 3 / 2 + 1
			     : type == 16 ? ((uint64_t)n + 2) * 2
					  : ((uint64_t)n + 2) * 4;
		uint32_t need = (uint32_t)((b + 511) / 512);

		if (need <= fs)
			return fs;
		fs = need;
	}
}

/* A boot sector like mkfs.fat's, 512-byte sectors, two FATs. */
static void make_boot(uint8_t *b, int type, uint32_t total, uint32_t spc)
{
	uint32_t rsvd = type == 32 ? 32 : 1, root = type == 32 ? 0 : 512;
	uint32_t fs = fat_secs(type, total, rsvd + root / 16, spc);

	memset(b, 0, 512);
	b[0] = 0xeb;
	b[1] = 0x3c;
	b[2] = 0x90;
	memcpy(b + 3, "mkfs.fat", 8);
	put_le16(b + FAT_BPB_BYTSPERSEC, 512);
	b[FAT_BPB_SECPERCLUS] = (uint8_t)spc;
	put_le16(b + FAT_BPB_RSVDSECCNT, (uint16_t)rsvd);
	b[FAT_BPB_NUMFATS] = 2;
	put_le16(b + FAT_BPB_ROOTENTCNT, (uint16_t)root);
	b[FAT_BPB_MEDIA] = 0xf8;
	if (total < 65536 && type != 32)
		put_le16(b + FAT_BPB_TOTSEC16, (uint16_t)total);
	else
		put_le32(b + FAT_BPB_TOTSEC32, total);
	if (type == 32) {
		put_le32(b + FAT32_BPB_FATSZ32, fs);
		put_le32(b + FAT32_BPB_ROOTCLUS, 2);
		put_le16(b + FAT32_BPB_FSINFO, 1);
		put_le16(b + FAT32_BPB_BKBOOTSEC, 6);
		b[FAT32_BS_BOOTSIG] = 0x29;
		put_le32(b + FAT32_BS_VOLID, 0x12345678);
		memcpy(b + FAT32_BS_VOLLAB, "TESTVOL    ", 11);
	} else {
		put_le16(b + FAT_BPB_FATSZ16, (uint16_t)fs);
		b[FAT16_BS_BOOTSIG] = 0x29;
		put_le32(b + FAT16_BS_VOLID, 0x12345678);
		memcpy(b + FAT16_BS_VOLLAB, "TESTVOL    ", 11);
	}
	b[510] = 0x55;
	b[511] = 0xaa;
}

static int vol_rd(void *ctx, uint64_t off, void *buf, size_t len)
{
	const struct vol *v = ctx;

	if (off > v->size || len > v->size - off)
		return -1;
	memcpy(buf, v->img + off, len);
	return 0;
}

/* Builds a volume; FAT[0], FAT[1] set, FAT32 root cluster 2 allocated. */
static void vol_new(struct vol *v, int type, uint32_t total, uint32_t spc)
{
	char err[200];
	struct fat_geom *g = &v->m.g;

	v->size = (size_t)total * 512;
	v->img = calloc(1, v->size);
	make_boot(v->img, type, total, spc);
	if (fat_parse_boot(v->img, v->size, g, err, sizeof(err)) < 0) {
		printf("Bail out! %s\n", err);
		exit(1);
	}
	v->m.reserved = v->img;
	v->m.fat = v->img + fat_reserved_bytes(g);
	v->m.root = g->type == FAT_32 ? NULL
				      : v->m.fat + g->nfats * fat_fat_bytes(g);
	fat_set(g, v->m.fat, 0, 0x0ffffff8);
	fat_set(g, v->m.fat, 1, 0x0fffffff);
	if (type == 32) {
		uint8_t *fsi = v->img + 512;

		put_le32(fsi + FAT_FSI_LEADSIG, 0x41615252);
		put_le32(fsi + FAT_FSI_STRUCSIG, 0x61417272);
		put_le32(fsi + FAT_FSI_TRAILSIG, 0xaa550000);
		fat_set(g, v->m.fat, 2, fat_eoc(g));
		memcpy(v->img + 6 * 512, v->img, 1024);
	}
}

static void vol_free(struct vol *v)
{
	free(v->img);
}

/* Directory area: the root region or the cluster c. */
static uint8_t *dir_at(struct vol *v, uint32_t c)
{
	if (!c)
		return v->m.root ? v->m.root
				 : v->img + fat_cluster_offset(&v->m.g, 2);
	return v->img + fat_cluster_offset(&v->m.g, c);
}

static void chain(struct vol *v, uint32_t start, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		fat_set(&v->m.g, v->m.fat, start + i,
			i + 1 < n ? start + i + 1 : fat_eoc(&v->m.g));
}

static uint8_t *put_short(uint8_t *d, unsigned i, const char *n83,
			  uint8_t attr, uint32_t start, uint32_t size)
{
	uint8_t *e = d + 32 * i;

	memcpy(e, n83, 11);
	e[FAT_DE_ATTR] = attr;
	put_le16(e + FAT_DE_CLUS_LO, (uint16_t)start);
	put_le16(e + FAT_DE_CLUS_HI, (uint16_t)(start >> 16));
	put_le32(e + FAT_DE_SIZE, size);
	return e;
}

static uint8_t sum83(const char *n)
{
	uint8_t s = 0;

	for (int i = 0; i < 11; i++)
		s = (uint8_t)(((s & 1) << 7) + (s >> 1) + (uint8_t)n[i]);
	return s;
}

/* Long name entries then the 8.3 entry from index i; returns next index. */
static unsigned put_long(uint8_t *d, unsigned i, const char *lname,
			 const char *n83, uint8_t attr, uint32_t start,
			 uint32_t size)
{
	static const uint8_t pos[13] = { 1,  3,	 5,  7,	 9,  14, 16,
					 18, 20, 22, 24, 28, 30 };
	unsigned len = (unsigned)strlen(lname), parts = (len + 13) / 13;

	for (unsigned p = parts; p >= 1; p--, i++) {
		uint8_t *e = d + 32 * i;

		e[0] = (uint8_t)(p | (p == parts ? 0x40 : 0));
		e[FAT_DE_ATTR] = FAT_ATTR_LFN;
		e[13] = sum83(n83);
		for (unsigned k = 0; k < 13; k++) {
			unsigned at = (p - 1) * 13 + k;
			uint32_t ch = at < len ? (uint8_t)lname[at]
				      : at == len ? 0 : 0xffff;

			put_le16(e + pos[k], (uint16_t)ch);
		}
	}
	put_short(d, i, n83, attr, start, size);
	return i + 1;
}

static char warned[600];
static int nwarn;

static void on_warn(void *ctx, const char *msg)
{
	(void)ctx;
	nwarn++;
	snprintf(warned, sizeof(warned), "%s", msg);
}

static int scan(struct vol *v, const struct fat_excl *ex, unsigned flags,
		struct fat_scan *s, char *err)
{
	nwarn = 0;
	warned[0] = 0;
	err[0] = 0;
	return fat_scan(&v->m, vol_rd, v, ex, flags, on_warn, NULL, s, err,
			300);
}

/* ---- boot sector -------------------------------------------------------- */

static void expect_bad_boot(const uint8_t *b, const char *want,
			    const char *name)
{
	struct fat_geom g;
	char err[200] = "";
	int r = fat_parse_boot(b, 512, &g, err, sizeof(err));

	ok(r < 0 && strstr(err, want), "%s refused (%s)", name, err);
}

static void poke(uint8_t *b, unsigned off, unsigned width, uint32_t v)
{
	if (width == 1)
		b[off] = (uint8_t)v;
	else if (width == 2)
		put_le16(b + off, (uint16_t)v);
	else
		put_le32(b + off, v);
}

/* One or two fields of a good FAT16 boot sector changed, and the reason. */
static const struct {
	unsigned off, width;
	uint32_t val;
	unsigned off2, width2;
	uint32_t val2;
	const char *want, *name;
} bad16[] = {
	{ FAT_BPB_BYTSPERSEC, 2, 300, 0, 0, 0, "sector size", "size 300" },
	{ FAT_BPB_BYTSPERSEC, 2, 8192, 0, 0, 0, "sector size", "size 8192" },
	{ FAT_BPB_SECPERCLUS, 1, 3, 0, 0, 0, "per cluster", "3 per cluster" },
	{ FAT_BPB_SECPERCLUS, 1, 0, 0, 0, 0, "per cluster", "0 per cluster" },
	{ FAT_BPB_BYTSPERSEC, 2, 1024, FAT_BPB_SECPERCLUS, 1, 128,
	  "cluster size", "128 KiB clusters on 1K sectors" },
	{ FAT_BPB_RSVDSECCNT, 2, 0, 0, 0, 0, "reserved", "no reserved" },
	{ FAT_BPB_NUMFATS, 1, 0, 0, 0, 0, "FATs", "no FATs" },
	{ FAT_BPB_FATSZ16, 2, 16, 0, 0, 0, "too small", "FAT too small" },
	{ FAT_BPB_TOTSEC16, 2, 100, 0, 0, 0, "past the end", "past the end" },
	{ FAT_BPB_TOTSEC16, 2, 0, FAT_BPB_TOTSEC32, 4, 0, "total sectors",
	  "zero total sectors" },
	{ 510, 1, 0, 0, 0, 0, "signature", "no boot signature" },
	{ FAT_BPB_MEDIA, 1, 0x12, 0, 0, 0, "media", "absurd media byte" },
	{ FAT_BPB_ROOTENTCNT, 2, 0, 0, 0, 0, "root entries",
	  "FAT16 without root entries" },
};

static void test_boot(void)
{
	uint8_t b[512], c[512];
	struct fat_geom g;
	char err[200];

	make_boot(b, 12, 4096, 4);
	ok(fat_parse_boot(b, 511, &g, err, sizeof(err)) < 0 &&
		   strstr(err, "truncated"),
	   "truncated boot sector refused");
	ok(fat_parse_boot(NULL, 0, &g, err, sizeof(err)) < 0, "no buffer");
	is_int(fat_parse_boot(b, 512, &g, err, sizeof(err)), 0, "FAT12 parses");
	is_int(g.type, 12, "FAT12 type");
	is_int(g.cluster_count, 1014, "FAT12 clusters as mkfs.fat");
	is_int(g.fat_sectors, 3, "FAT12 FAT size as mkfs.fat");
	is_int(g.first_data_sector, 39, "FAT12 data start as mkfs.fat");
	ok(!strcmp(g.label, "TESTVOL"), "label trimmed");
	is_int(g.serial, 0x12345678, "serial");
	is_int(g.serial_offset, 0x27, "serial offset FAT12");
	is_int(g.dirty, 0, "clean");
	b[FAT16_BS_FLAGS] = 1;
	fat_parse_boot(b, 512, &g, err, sizeof(err));
	is_int(g.dirty, 1, "dirty flag read");

	make_boot(b, 16, 65536, 4);
	fat_parse_boot(b, 512, &g, err, sizeof(err));
	is_int(g.type, 16, "FAT16 type");
	is_int(g.cluster_count, 16343, "FAT16 clusters as mkfs.fat");
	make_boot(b, 32, 539973, 8);
	fat_parse_boot(b, 512, &g, err, sizeof(err));
	is_int(g.type, 32, "FAT32 type");
	is_int(g.serial_offset, 0x43, "serial offset FAT32");
	is_int(g.fsinfo_sector, 1, "FSInfo sector");
	is_int(g.backup_boot_sector, 6, "backup boot sector");

	make_boot(b, 16, 65536, 4);
	for (size_t i = 0; i < sizeof(bad16) / sizeof(bad16[0]); i++) {
		memcpy(c, b, 512);
		poke(c, bad16[i].off, bad16[i].width, bad16[i].val);
		if (bad16[i].width2)
			poke(c, bad16[i].off2, bad16[i].width2, bad16[i].val2);
		expect_bad_boot(c, bad16[i].want, bad16[i].name);
	}
	make_boot(b, 32, 539973, 8);
	memcpy(c, b, 512);
	put_le32(c + FAT32_BPB_ROOTCLUS, 0);
	expect_bad_boot(c, "root cluster", "FAT32 root cluster 0");
	put_le32(c + FAT32_BPB_ROOTCLUS, 70000);
	expect_bad_boot(c, "root cluster", "FAT32 root cluster past the end");
	memcpy(c, b, 512);
	put_le32(c + FAT32_BPB_FATSZ32, 0);
	expect_bad_boot(c, "FAT size", "FAT32 FAT size 0");
}

static void test_entries(void)
{
	struct vol v;
	struct fat_geom *g = &v.m.g;

	vol_new(&v, 12, 4096, 4);
	fat_set(g, v.m.fat, 5, 0xabc);
	fat_set(g, v.m.fat, 6, 0x123);
	is_int(fat_get(g, v.m.fat, 5), 0xabc, "FAT12 odd entry");
	is_int(fat_get(g, v.m.fat, 6), 0x123, "FAT12 even entry");
	fat_set(g, v.m.fat, 5, 0);
	is_int(fat_get(g, v.m.fat, 6), 0x123, "FAT12 neighbour kept");
	is_int(fat_eoc(g), 0xfff, "FAT12 end of chain");
	is_int(fat_bad(g), 0xff7, "FAT12 bad");
	vol_free(&v);
	vol_new(&v, 32, 70000, 1);
	v.m.fat[4 * 9 + 3] = 0xf0;
	fat_set(g, v.m.fat, 9, 0x0fffffff);
	is_int(v.m.fat[4 * 9 + 3], 0xff, "FAT32 set keeps the top bits");
	is_int(fat_get(g, v.m.fat, 9), 0x0fffffff, "FAT32 get masks 28 bits");
	is_int(fat_bad(g), 0x0ffffff7, "FAT32 bad");
	vol_free(&v);
}

/* ---- the walk ----------------------------------------------------------- */

/* Root: a long-named file, a subdirectory with a file and pagefile.sys. */
static void populate(struct vol *v, uint32_t base)
{
	uint8_t *root = dir_at(v, 0), *sub;
	uint32_t cb = v->m.g.cluster_bytes;
	unsigned i = 0;

	put_short(root, i++, "TESTVOL    ", FAT_ATTR_VOLUME, 0, 0);
	i = put_long(root, i, "a long name.txt", "ALONGN~1TXT", 0, base,
		     cb + 1);
	chain(v, base, 2);
	put_short(root, i++, "DOCS       ", FAT_ATTR_DIR, base + 2, 0);
	chain(v, base + 2, 1);
	put_short(root, i++, "EMPTY      ", 0, 0, 0);
	sub = dir_at(v, base + 2);
	put_short(sub, 0, ".          ", FAT_ATTR_DIR, base + 2, 0);
	put_short(sub, 1, "..         ", FAT_ATTR_DIR, 0, 0);
	put_short(sub, 2, "X       BIN", 0, base + 3, 10);
	chain(v, base + 3, 1);
	put_long(sub, 3, "pagefile.sys", "PAGEFILESYS", 0, base + 4, 3 * cb);
	chain(v, base + 4, 3);
}

static void test_clean(int type)
{
	struct vol v;
	struct fat_scan s;
	char err[300];
	uint32_t base = type == 32 ? 3 : 2;
	const uint8_t *d;

	vol_new(&v, type, type == 12 ? 4096 : 70000,
		type == 12 ? 4 : type == 16 ? 2 : 1);
	populate(&v, base);
	fat_set(&v.m.g, v.m.fat, 500, fat_eoc(&v.m.g));	/* lost */
	fat_set(&v.m.g, v.m.fat, 501, fat_bad(&v.m.g));
	ok(scan(&v, NULL, 0, &s, err) == 0, "FAT%d clean scan (%s)", type, err);
	is_int(s.files, 4, "files counted");
	is_int(s.dirs, 1, "dirs counted");
	is_int(s.used_count, 7 + (type == 32), "used clusters");
	is_int(s.last_used, base + 6, "last used");
	is_int(s.lost_freed, 1, "lost cluster freed");
	is_int(s.bad_freed, 1, "bad mark dropped");
	is_int(fat_get(&v.m.g, v.m.fat, 500), 0, "lost entry now free");
	is_int(s.ndir, 1 + (type == 32), "directory clusters kept");
	d = fat_scan_dir(&s, base + 2);
	ok(d && !memcmp(d + 64, "X       BIN", 11), "subdirectory copy");
	ok(!fat_scan_dir(&s, base), "file cluster is no directory");
	fat_scan_free(&s);
	vol_free(&v);
}

static void test_excludes(void)
{
	struct vol v;
	struct fat_scan s;
	char err[300];
	const uint8_t *d;
	static const char *const pats[] = { "*.TXT" };
	struct fat_excl def = { fat_default_excludes, 4 }, lng = { pats, 1 };

	vol_new(&v, 16, 70000, 2);
	populate(&v, 2);
	ok(scan(&v, &def, 0, &s, err) == 0, "scan with default excludes");
	is_int(s.excluded_files, 1, "pagefile.sys excluded");
	is_int(s.excluded_bytes, 3 * 1024, "its bytes counted");
	is_int(s.lost_freed, 0, "its clusters are not lost ones");
	is_int(fat_get(&v.m.g, v.m.fat, 6), 0, "its chain freed");
	d = fat_scan_dir(&s, 4);
	ok(d && d[96] == 0xe5 && d[128] == 0xe5, "entry and long name deleted");
	ok(dir_at(&v, 4)[96] != 0xe5, "the source cluster is untouched");
	fat_scan_free(&s);
	vol_free(&v);

	vol_new(&v, 16, 70000, 2);
	populate(&v, 2);
	ok(scan(&v, &lng, 0, &s, err) == 0, "exclude on a long name");
	is_int(s.excluded_files, 1, "long name matched case-insensitively");
	ok(v.m.root[32] == 0xe5 && v.m.root[64] == 0xe5 &&
		   v.m.root[96] == 0xe5,
	   "root entry and its long name parts deleted");
	is_int(fat_get(&v.m.g, v.m.fat, 2), 0, "long-named chain freed");
	fat_scan_free(&s);
	vol_free(&v);

	vol_new(&v, 16, 70000, 2);
	populate(&v, 2);
	{
		static const char *const p2[] = { "x.bin" };
		struct fat_excl sh = { p2, 1 };

		ok(scan(&v, &sh, 0, &s, err) == 0 && s.excluded_files == 1,
		   "exclude on an 8.3 name");
	}
	fat_scan_free(&s);
	vol_free(&v);
}

static void expect_refusal(struct vol *v, const char *want, const char *name)
{
	struct fat_scan s;
	char err[300];

	ok(scan(v, NULL, 0, &s, err) < 0 && strstr(err, want), "%s refused: %s",
	   name, err);
	ok(s.used == NULL, "%s: nothing left allocated", name);
}

static void expect_forced(struct vol *v, const char *name)
{
	struct fat_scan s;
	char err[300];

	ok(scan(v, NULL, FAT_SCAN_FORCE, &s, err) == 0 && nwarn > 0,
	   "%s forced with a warning (%s)", name, warned);
	fat_scan_free(&s);
}

typedef void (*damage_fn)(struct vol *v);

static void dmg_loop(struct vol *v)
{
	fat_set(&v->m.g, v->m.fat, 3, 2);
}

static void dmg_cross(struct vol *v)
{
	fat_set(&v->m.g, v->m.fat, 5, 3);
	fat_set(&v->m.g, v->m.fat, 3, fat_eoc(&v->m.g));
}

static void dmg_range(struct vol *v)
{
	fat_set(&v->m.g, v->m.fat, 2, 0xfff0);
}

static void dmg_free(struct vol *v)
{
	fat_set(&v->m.g, v->m.fat, 3, 0);
}

static void dmg_size(struct vol *v)
{
	put_le32(v->m.root + 96 + FAT_DE_SIZE, 5000);
}

static void dmg_size0(struct vol *v)
{
	put_le32(v->m.root + 96 + FAT_DE_SIZE, 0);
}

static void dmg_start(struct vol *v)
{
	put_le16(v->m.root + 96 + FAT_DE_CLUS_LO, 60000);
}

static void dmg_dirty(struct vol *v)
{
	fat_set(&v->m.g, v->m.fat, 1, 0x7fff);
}

static void dmg_one(struct vol *v)
{
	fat_set(&v->m.g, v->m.fat, 2, 1);
}

static void dmg_badmark(struct vol *v)
{
	fat_set(&v->m.g, v->m.fat, 2, fat_bad(&v->m.g));
}

static void dmg_nosize(struct vol *v)
{
	put_le16(v->m.root + 96 + FAT_DE_CLUS_LO, 0);
}

static const struct {
	damage_fn fn;
	const char *want, *name;
} damages[] = {
	{ dmg_loop, "/a long name.txt: loop at cluster 2", "loop" },
	{ dmg_cross, "/DOCS/X.BIN: cross-linked at cluster 3 with /a long "
		     "name.txt", "cross-link" },
	{ dmg_range, "points out of range", "next out of range" },
	{ dmg_free, "free cluster after cluster 3", "chain into free" },
	{ dmg_size, "size 5000 needs 5 clusters, chain has 2",
	  "size mismatch" },
	{ dmg_size0, "size 0 but a chain", "size 0 with a chain" },
	{ dmg_start, "cluster 60000 out of range", "start out of range" },
	{ dmg_dirty, "dirty", "FAT[1] unclean" },
	{ dmg_one, "reserved value 1", "link value 1" },
	{ dmg_badmark, "bad cluster mark", "bad mark in a chain" },
	{ dmg_nosize, "no clusters", "size without clusters" },
};

static void test_damage(void)
{
	for (size_t i = 0; i < sizeof(damages) / sizeof(damages[0]); i++) {
		struct vol v;

		vol_new(&v, 16, 70000, 2);
		populate(&v, 2);
		damages[i].fn(&v);
		/* the refusal leaves the metadata for a forced run as it was,
		 * except what the walk fixed up to the refusal */
		expect_refusal(&v, damages[i].want, damages[i].name);
		vol_free(&v);
		vol_new(&v, 16, 70000, 2);
		populate(&v, 2);
		damages[i].fn(&v);
		expect_forced(&v, damages[i].name);
		vol_free(&v);
	}
}

static void test_forced_repairs(void)
{
	struct vol v;
	struct fat_scan s;
	char err[300];

	vol_new(&v, 16, 70000, 2);
	populate(&v, 2);
	dmg_size(&v);
	scan(&v, NULL, FAT_SCAN_FORCE, &s, err);
	is_int((v.m.root[96 + FAT_DE_SIZE] | v.m.root[97 + FAT_DE_SIZE] << 8),
	       2048, "forced: size trimmed to the chain");
	fat_scan_free(&s);
	vol_free(&v);

	vol_new(&v, 16, 70000, 2);
	populate(&v, 2);
	dmg_cross(&v);
	scan(&v, NULL, FAT_SCAN_FORCE, &s, err);
	is_int(fat_get(&v.m.g, v.m.fat, 5), 0xffff,
	       "forced: cross-linked file cut before the shared cluster");
	ok(strstr(warned, "size") || strstr(warned, "cross"),
	   "forced: warning given");
	fat_scan_free(&s);
	vol_free(&v);

	vol_new(&v, 16, 70000, 2);
	populate(&v, 2);
	v.img[FAT16_BS_FLAGS] = 1;
	v.m.g.dirty = 1;
	expect_refusal(&v, "dirty", "boot sector dirty flag");
	scan(&v, NULL, FAT_SCAN_FORCE, &s, err);
	is_int(v.img[FAT16_BS_FLAGS] & 1, 0, "dirty flag cleared");
	is_int(fat_get(&v.m.g, v.m.fat, 1) & 0xc000, 0xc000,
	       "FAT[1] clean bits set");
	fat_scan_free(&s);
	vol_free(&v);
}

static void test_lfn_garbage(void)
{
	static const char *const pats[] = { "a long*" };
	struct fat_excl ex = { pats, 1 };
	struct vol v;
	struct fat_scan s;
	char err[300];

	vol_new(&v, 16, 70000, 2);
	populate(&v, 2);
	v.m.root[32 + 13] ^= 1;		/* checksum of the first part */
	ok(scan(&v, &ex, 0, &s, err) == 0 && s.excluded_files == 0,
	   "bad checksum: no long name, nothing excluded");
	fat_scan_free(&s);
	vol_free(&v);

	vol_new(&v, 16, 70000, 2);
	populate(&v, 2);
	v.m.root[64] = 5;		/* order out of sequence */
	ok(scan(&v, &ex, 0, &s, err) == 0 && s.excluded_files == 0,
	   "broken order: no long name");
	fat_scan_free(&s);
	vol_free(&v);

	vol_new(&v, 16, 70000, 2);
	populate(&v, 2);
	v.m.root[32] = 0x7f;		/* first part claims 63 parts */
	ok(scan(&v, &ex, 0, &s, err) == 0 && s.excluded_files == 0,
	   "absurd part count: no long name");
	fat_scan_free(&s);
	vol_free(&v);
}

static void test_deep(int depth, int want_ok)
{
	struct vol v;
	struct fat_scan s;
	char err[300];

	vol_new(&v, 16, 70000, 2);
	put_short(v.m.root, 0, "D          ", FAT_ATTR_DIR, 2, 0);
	for (int i = 0; i < depth; i++) {
		uint32_t c = 2 + (uint32_t)i;
		uint8_t *d;

		chain(&v, c, 1);
		d = dir_at(&v, c);
		put_short(d, 0, ".          ", FAT_ATTR_DIR, c, 0);
		put_short(d, 1, "..         ", FAT_ATTR_DIR, c - 1, 0);
		if (i + 1 < depth)
			put_short(d, 2, "D          ", FAT_ATTR_DIR, c + 1, 0);
	}
	if (want_ok) {
		ok(scan(&v, NULL, 0, &s, err) == 0 && s.dirs == (uint32_t)depth,
		   "%d directories deep walked (%s)", depth, err);
		fat_scan_free(&s);
	} else {
		expect_refusal(&v, "nested deeper than 256: /D/D/",
			       "300 directories deep");
	}
	vol_free(&v);
}

static void test_big_dir(void)
{
	struct vol v;
	struct fat_scan s;
	char err[300];

	vol_new(&v, 16, 70000, 2);
	put_short(v.m.root, 0, "BIG        ", FAT_ATTR_DIR, 2, 0);
	chain(&v, 2, 2049);	/* 2049 * 32 entries > 65536 */
	expect_refusal(&v, "larger than 65536", "oversize directory");
	ok(scan(&v, NULL, FAT_SCAN_FORCE, &s, err) == 0 && s.used_count == 2048,
	   "forced: directory cut at 65536 entries");
	fat_scan_free(&s);
	vol_free(&v);
}

static void test_unreadable(void)
{
	struct vol v;
	struct fat_scan s;
	char err[300];

	vol_new(&v, 16, 70000, 2);
	populate(&v, 2);
	v.size = 1024 * 1024;	/* directory clusters past what rd serves */
	put_le16(v.m.root + 128 + FAT_DE_CLUS_LO, 5000);
	chain(&v, 5000, 1);
	ok(scan(&v, NULL, FAT_SCAN_FORCE, &s, err) < 0 &&
		   strstr(err, "cannot read"),
	   "read failure reported (%s)", err);
	vol_free(&v);
}

/* ---- relayout ----------------------------------------------------------- */

static void geom_case(int type, uint32_t from, uint32_t spc, uint64_t to,
		      uint32_t clusters, uint32_t fatsz)
{
	uint8_t b[512];
	struct fat_geom g, d;
	uint64_t lost;
	char err[200];

	make_boot(b, type, from, spc);
	fat_parse_boot(b, 512, &g, err, sizeof(err));
	ok(fat_relayout_geom(&g, to, 10, &d, &lost, err, sizeof(err)) == 0,
	   "FAT%d %u -> %llu sectors", type, from, (unsigned long long)to);
	is_int(d.cluster_count, clusters, "clusters as mkfs.fat");
	is_int(d.fat_sectors, fatsz, "FAT size as mkfs.fat");
	is_int(lost, 0, "nothing left unused");
}

static void test_geom(void)
{
	uint8_t b[512];
	struct fat_geom g, d;
	uint64_t lost;
	char err[200];

	/* mkfs.fat -F 16 -C x.img 32768 / 65536; -F 12 2048; -F 32 270000 */
	geom_case(16, 90000, 4, 65536, 16343, 64);
	geom_case(16, 40000, 4, 131072, 32695, 128);
	geom_case(12, 3000, 4, 4096, 1014, 3);
	/* mkfs.fat gives 528 FAT sectors there; 67362 entries need 527 */
	geom_case(32, 600000, 8, 539973, 67360, 527);
	for (int t = 12; t <= 32; t += t == 12 ? 4 : 16) {
		make_boot(b, t, t == 12 ? 4096 : t == 16 ? 65536 : 539973,
			  t == 32 ? 8 : 4);
		fat_parse_boot(b, 512, &g, err, sizeof(err));
		ok(fat_relayout_geom(&g, fat_min_sectors(&g, 900), 900, &d,
				     &lost, err, sizeof(err)) == 0 &&
			   fat_relayout_geom(&g, fat_min_sectors(&g, 900) - 1,
					     900, &d, &lost, err,
					     sizeof(err)) < 0,
		   "FAT%d: fat_min_sectors fits, one less does not", t);
	}

	make_boot(b, 12, 4096, 4);
	fat_parse_boot(b, 512, &g, err, sizeof(err));
	ok(fat_relayout_geom(&g, 40000, 10, &d, &lost, err, sizeof(err)) == 0,
	   "FAT12 onto more than it can address");
	is_int(d.cluster_count, 4084, "capped at the FAT12 limit");
	is_int(d.total_sectors + lost, 40000, "the rest counted as unused");
	ok(lost > 20000, "unused sectors reported");
	ok(fat_relayout_geom(&g, 500, 400, &d, &lost, err, sizeof(err)) < 0 &&
		   strstr(err, "too small"),
	   "target below the last used cluster refused (%s)", err);
	is_int(fat_min_sectors(&g, 400), 1 + 32 + 2 * 2 + 399 * 4,
	       "minimum sectors for cluster 400");

	make_boot(b, 16, 65536, 4);
	fat_parse_boot(b, 512, &g, err, sizeof(err));
	ok(fat_relayout_geom(&g, 16000, 10, &d, &lost, err, sizeof(err)) < 0,
	   "FAT16 below 4085 clusters refused");
	make_boot(b, 32, 539973, 8);
	fat_parse_boot(b, 512, &g, err, sizeof(err));
	ok(fat_relayout_geom(&g, 500000, 10, &d, &lost, err, sizeof(err)) < 0,
	   "FAT32 below 65525 clusters refused");
}

static void test_relayout(void)
{
	struct vol v;
	struct fat_scan s;
	struct fat_meta d;
	struct fat_geom g2, p;
	uint64_t lost;
	char err[300];

	vol_new(&v, 32, 70000, 1);
	populate(&v, 3);
	scan(&v, NULL, 0, &s, err);
	ok(fat_relayout_geom(&v.m.g, 140000, s.last_used, &g2, &lost, err,
			     sizeof(err)) == 0, "FAT32 grown");
	ok(fat_relayout(&v.m, &g2, 2048, &d, err, sizeof(err)) == 0,
	   "FAT32 metadata rebuilt (%s)", err);
	ok(fat_parse_boot(d.reserved, 512, &p, err, sizeof(err)) == 0,
	   "new boot sector parses");
	is_int(p.total_sectors, 140000, "total sectors rewritten");
	is_int(p.cluster_count, g2.cluster_count, "cluster count consistent");
	is_int(p.hidden_sectors, 2048, "hidden sectors rewritten");
	is_int(d.reserved[512 + FAT_FSI_FREE_COUNT] |
		       d.reserved[513 + FAT_FSI_FREE_COUNT] << 8 |
		       d.reserved[514 + FAT_FSI_FREE_COUNT] << 16,
	       g2.cluster_count - s.used_count, "FSInfo free count");
	is_int(d.reserved[512 + FAT_FSI_NXT_FREE], s.last_used + 1,
	       "FSInfo next free");
	ok(!memcmp(d.reserved, d.reserved + 6 * 512, 3 * 512),
	   "backup boot sectors refreshed");
	is_int(fat_get(&g2, d.fat, 3), 4, "chain copied");
	fat_meta_free(&d);
	ok(fat_relayout_geom(&v.m.g, 68000, s.last_used, &g2, &lost, err,
			     sizeof(err)) == 0 &&
		   fat_relayout(&v.m, &g2, UINT32_MAX, &d, err, sizeof(err)) == 0,
	   "FAT32 shrunk");
	is_int(d.g.hidden_sectors, 0, "hidden sectors kept");
	fat_meta_free(&d);
	fat_scan_free(&s);
	vol_free(&v);

	vol_new(&v, 16, 70000, 2);
	populate(&v, 2);
	scan(&v, NULL, 0, &s, err);
	fat_relayout_geom(&v.m.g, 70000, s.last_used, &g2, &lost, err, 300);
	g2.cluster_count = 4;	/* a caller's mistake: chains past the end */
	ok(fat_relayout(&v.m, &g2, UINT32_MAX, &d, err, sizeof(err)) < 0,
	   "clusters in use past the new end refused");
	fat_relayout_geom(&v.m.g, 66000, s.last_used, &g2, &lost, err, 300);
	fat_relayout(&v.m, &g2, UINT32_MAX, &d, err, sizeof(err));
	is_int(d.reserved[FAT_BPB_TOTSEC16] | d.reserved[FAT_BPB_TOTSEC16 + 1]
					       << 8,
	       0, "FAT16 over 65535 sectors: TotSec16 = 0");
	fat_meta_free(&d);
	fat_relayout_geom(&v.m.g, 30000, s.last_used, &g2, &lost, err, 300);
	fat_relayout(&v.m, &g2, UINT32_MAX, &d, err, sizeof(err));
	is_int(d.reserved[FAT_BPB_TOTSEC16] | d.reserved[FAT_BPB_TOTSEC16 + 1]
					       << 8,
	       30000, "FAT16 under 65536 sectors: TotSec16");
	ok(!memcmp(d.root, v.m.root, fat_root_bytes(&g2)), "root copied");
	fat_meta_free(&d);
	fat_scan_free(&s);
	vol_free(&v);
}

int main(void)
{
	test_boot();
	test_entries();
	test_clean(12);
	test_clean(16);
	test_clean(32);
	test_excludes();
	test_damage();
	test_forced_repairs();
	test_lfn_garbage();
	test_deep(200, 1);
	test_deep(300, 0);
	test_big_dir();
	test_unreadable();
	test_geom();
	test_relayout();
	return tap_done();
}
