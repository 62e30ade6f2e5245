/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The input is a whole volume image (at most 4 MiB): the boot sector is
 * parsed, the metadata read out of the buffer, the tree scanned (plain
 * and forced) with a read callback that fails cleanly past the end, and a
 * clean result relaid out onto a few sizes.  A relayout must keep every
 * used chain below the new cluster count and parse back as the same type.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../mkimz/fat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_IMAGE (4u << 20)
#define MAX_TARGET (256ull << 20)

struct img {
	const uint8_t *p;
	size_t n;
};

static int rd(void *ctx, uint64_t off, void *buf, size_t len)
{
	const struct img *im = ctx;

	if (off > im->n || len > im->n - off)
		return -1;
	memcpy(buf, im->p + off, len);
	return 0;
}

static uint8_t *take(const struct img *im, uint64_t off, size_t len)
{
	uint8_t *p;

	if (off > im->n || len > im->n - off)
		return NULL;
	p = malloc(len ? len : 1);
	if (p)
		memcpy(p, im->p + off, len);
	return p;
}

static int load(const struct img *im, struct fat_meta *m)
{
	struct fat_geom *g = &m->g;
	char err[200];
	uint64_t fat_off;

	if (fat_parse_boot(im->p, im->n, g, err, sizeof(err)) < 0)
		return -1;
	fat_off = (uint64_t)g->reserved_sectors * g->bytes_per_sector;
	m->reserved = take(im, 0, fat_reserved_bytes(g));
	m->fat = take(im, fat_off, fat_fat_bytes(g));
	m->root = fat_root_bytes(g)
			  ? take(im, fat_off + (uint64_t)g->nfats *
						  fat_fat_bytes(g),
				 fat_root_bytes(g))
			  : NULL;
	if (!m->reserved || !m->fat || (fat_root_bytes(g) && !m->root)) {
		fat_meta_free(m);
		return -1;
	}
	return 0;
}

static void relayout(const struct fat_meta *m, const struct fat_scan *s,
		     uint64_t target)
{
	struct fat_geom g2, back;
	struct fat_meta d;
	uint64_t lost;
	char err[200];

	if (target * m->g.bytes_per_sector > MAX_TARGET)
		return;		/* keeps the new FAT small */
	if (fat_relayout_geom(&m->g, target, s->last_used, &g2, &lost, err,
			      sizeof(err)) < 0)
		return;
	if (s->last_used > g2.cluster_count + 1)
		abort();
	if (fat_relayout(m, &g2, UINT32_MAX, &d, err, sizeof(err)) < 0)
		return;
	if (fat_parse_boot(d.reserved, fat_reserved_bytes(&g2), &back, err,
			   sizeof(err)) == 0 &&
	    (back.type != g2.type || back.cluster_count != g2.cluster_count))
		abort();
	fat_meta_free(&d);
}

static void one_scan(const struct img *im, unsigned flags)
{
	static const char *const pats[] = { "*.TXT", "a*" };
	struct fat_excl ex = { pats, 2 };
	struct fat_meta m = { 0 };
	struct fat_scan s;
	char err[300];

	if (load(im, &m) < 0)
		return;
	if (fat_scan(&m, rd, (void *)(uintptr_t)im, &ex, flags, NULL, NULL,
		     &s, err, sizeof(err)) == 0) {
		for (uint32_t i = 0; i < s.ndir; i++)
			if (!fat_scan_dir(&s, s.dir_cluster[i]))
				abort();
		relayout(&m, &s, m.g.total_sectors);
		relayout(&m, &s, m.g.total_sectors * 2);
		relayout(&m, &s, m.g.total_sectors / 2 + 1);
		relayout(&m, &s, fat_min_sectors(&m.g, s.last_used));
		fat_scan_free(&s);
	}
	fat_meta_free(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct img im = { data, size };

	if (size > MAX_IMAGE)
		return 0;
	one_scan(&im, 0);
	one_scan(&im, FAT_SCAN_FORCE);
	return 0;
}
