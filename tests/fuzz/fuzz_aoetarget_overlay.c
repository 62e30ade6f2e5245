/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The overlay header and map parsers over arbitrary bytes: the first
 * block is a header, the rest a map for the size the header gives (or,
 * when the header is refused, for a size taken from the input).  An
 * accepted header must format back to the same block; an accepted map
 * must answer lookups and write plans inside its disk and parse again
 * once sealed.  The same bytes as a live map, for the identity its own
 * header claims: an accepted one adopted over an empty overlay map must
 * give a map that parses as an overlay's.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../aoetarget/overlay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_map(uint8_t *img, size_t len, uint64_t sectors)
{
	uint8_t *dirty = malloc(ovl_map_blocks(sectors));
	struct ovl_map m;
	struct ovl_run runs[64];
	struct ovl_write_plan p;
	const char *why = NULL;
	uint64_t lba;
	unsigned n, count = 255;

	if (dirty == NULL)
		return;
	if (ovl_map_parse(&m, img, len, dirty, sectors, &why) != 0) {
		if (why == NULL)
			abort();
		free(dirty);
		return;
	}
	lba = sectors > count ? sectors - count : 0;
	count = sectors < count ? (unsigned)sectors : count;
	n = ovl_lookup(&m, lba, count, runs, 64);
	for (unsigned i = 0, sum = 0; i < n; i++) {
		sum += runs[i].count;
		if (runs[i].lba + runs[i].count > sectors ||
		    (i + 1 == n && sum != count))
			abort();
	}
	if (n == 0 || ovl_plan_write(&m, lba, count, &p) != 0 ||
	    p.last >= m.nchunks)
		abort();
	ovl_map_mark(&m, p.first, p.last);
	for (uint32_t i = 0; i < m.nblocks; i++)
		ovl_map_seal(&m, i);
	if (ovl_map_parse(&m, img, len, dirty, sectors, &why) != 0)
		abort();
	free(dirty);
}

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void check_live(const uint8_t *data, size_t size)
{
	struct ovl_live want = { .hdr.version = OVL_VERSION };
	const char *why = NULL;
	struct ovl_map m;
	uint8_t *live, *file, *dirty;
	size_t len;

	if (size < OVL_BLOCK) {
		if (ovl_live_parse(data, size, &want, &why) == 0 || why == NULL)
			abort();
		return;
	}
	want.hdr.nblocks = (uint32_t)le64(data + 12);
	want.hdr.sectors = le64(data + 16);
	want.hdr.ident = le64(data + 24);
	memcpy(want.hdr.mac, data + 32, 6);
	want.hdr.created = le64(data + 40);
	want.dev = le64(data + 48);
	want.ino = le64(data + 56);
	if (ovl_live_parse(data, size, &want, &why) != 0) {
		if (why == NULL)
			abort();
		return;
	}
	len = size - OVL_BLOCK;
	live = malloc(len);
	file = malloc(len);
	dirty = malloc(want.hdr.nblocks);
	if (live && file && dirty) {
		memcpy(live, data + OVL_BLOCK, len);
		ovl_map_init(&m, file, dirty, want.hdr.sectors);
		ovl_live_adopt(&m, live, dirty, want.hdr.sectors, file);
		if (ovl_map_parse(&m, live, len, dirty, want.hdr.sectors,
				  &why) != 0)
			abort();
	}
	free(live);
	free(file);
	free(dirty);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t again[OVL_BLOCK];
	struct ovl_hdr h;
	const char *why = NULL;
	uint64_t sectors;
	uint8_t *img;
	size_t len;

	if (ovl_hdr_parse(data, size, &h, &why) == 0) {
		ovl_hdr_format(&h, again);
		if (memcmp(again, data, OVL_BLOCK) != 0)
			abort();
		/* Keep the maps small: the first 2 MiB of disk at most. */
		sectors = h.sectors < 4096 ? h.sectors : 4096;
	} else {
		if (why == NULL)
			abort();
		sectors = size ? 1 + (uint64_t)data[0] * 16 : 1;
	}
	len = size > OVL_BLOCK ? size - OVL_BLOCK : 0;
	img = malloc(len + 1);
	if (img == NULL)
		return 0;
	if (len)
		memcpy(img, data + OVL_BLOCK, len);
	check_map(img, len, sectors);
	free(img);
	check_live(data, size);
	return 0;
}
