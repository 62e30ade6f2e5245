/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The overlay format as pure code: header round trip and every refusal
 * (truncated, bad magic, checksum, version, sizes, reserved bytes), the
 * map (fresh, parsed back, corrupt, torn, out of place, bits past the
 * end, truncated and oversize), lookups of runs from the base and the
 * overlay, write plans (first write, partial chunks at both ends, a write
 * over written and unwritten chunks, the short last chunk), and the
 * identity samples.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../aoetarget/overlay.h"
#include "tap.h"

static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 0x0a };

static void make_hdr(uint8_t *b, uint64_t sectors)
{
	struct ovl_hdr h = { .version = OVL_VERSION,
			     .nblocks = ovl_map_blocks(sectors),
			     .sectors = sectors, .ident = 0x1234,
			     .created = 1700000000 };

	memcpy(h.mac, mac, 6);
	ovl_hdr_format(&h, b);
}

/* Byte at off changed and the header checksum made right again. */
static void poke_hdr(uint8_t *b, size_t off, uint8_t v)
{
	uint32_t sum;

	b[off] = v;
	sum = ovl_hash32(b, OVL_HDR_SUMMED);
	for (int i = 0; i < 4; i++)
		b[OVL_HDR_SUMMED + i] = (uint8_t)(sum >> (8 * i));
}

static void refused_hdr(const uint8_t *b, size_t len, const char *want,
			const char *name)
{
	struct ovl_hdr h;
	const char *why = NULL;

	is_int(ovl_hdr_parse(b, len, &h, &why), -1, name);
	is_str(why, want, name);
}

static void test_header(void)
{
	static uint8_t b[OVL_BLOCK], c[OVL_BLOCK];
	struct ovl_hdr h;
	const char *why = NULL;

	make_hdr(b, 2048);
	is_int(ovl_hdr_parse(b, sizeof(b), &h, &why), 0, "header parses");
	is_int(h.sectors, 2048, "base size");
	is_int(h.ident, 0x1234, "identity");
	is_int(h.nblocks, 1, "one map block");
	is_mem(h.mac, mac, 6, "client MAC");
	is_int(h.created, 1700000000, "created");
	refused_hdr(b, OVL_BLOCK - 1, "header truncated", "a short header");
	refused_hdr(b, 0, "header truncated", "an empty file");
	/* byte, value, fix the checksum, expected reason, name */
	static const struct {
		size_t off;
		uint8_t v;
		int resum;
		const char *why, *name;
	} bad[] = {
		{ 0, 'X', 0, "not an overlay (bad magic)", "bad magic" },
		{ 30, 0x35, 0, "header checksum mismatch", "a flipped bit" },
		{ 8, 2, 1, "unsupported overlay version", "version 2" },
		{ 17, 0x20, 1, "unsupported block or chunk size",
		  "another chunk size" },
		{ 20, 7, 1, "map size does not match the base size",
		  "a map size that does not fit the base" },
		{ 25, 0, 1, "base size out of range", "a zero base size" },
		{ 31, 1, 1, "base size out of range", "past LBA48" },
		{ 46, 1, 1, "reserved header bytes not zero",
		  "reserved bytes after the MAC" },
		{ OVL_BLOCK - 1, 1, 0, "reserved header bytes not zero",
		  "junk at the end of the header block" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(c, b, sizeof(c));
		if (bad[i].resum)
			poke_hdr(c, bad[i].off, bad[i].v);
		else
			c[bad[i].off] = bad[i].v;
		refused_hdr(c, sizeof(c), bad[i].why, bad[i].name);
	}
}

static void test_map_parse(void)
{
	uint64_t sectors = (uint64_t)OVL_MAP_BITS * OVL_CHUNK_SECTORS + 20;
	size_t len = 2 * OVL_BLOCK;
	uint8_t *img = malloc(len + OVL_BLOCK), dirty[3];
	struct ovl_map m;
	const char *why = NULL;

	is_int(ovl_map_blocks(sectors), 2, "a map of two blocks");
	is_int(ovl_map_blocks(1), 1, "a one-sector disk has a map block");
	ovl_map_init(&m, img, dirty, sectors);
	ovl_map_mark(&m, 5, 5);
	ovl_map_mark(&m, m.nchunks - 1, m.nchunks - 1);
	ok(dirty[0] && dirty[1], "marks make their blocks dirty");
	ovl_map_seal(&m, 0);
	ovl_map_seal(&m, 1);
	ok(!dirty[0] && !dirty[1], "sealing cleans them");
	is_int(ovl_map_parse(&m, img, len, dirty, sectors, &why), 0,
	       "a sealed map parses");
	ok(ovl_map_test(&m, 5) && ovl_map_test(&m, m.nchunks - 1) &&
	   !ovl_map_test(&m, 6), "its bits survive");
	ok(!ovl_map_test(&m, m.nchunks), "no chunk past the end is mapped");

	is_int(ovl_map_parse(&m, img, len - 1, dirty, sectors, &why), -1,
	       "a truncated map");
	is_str(why, "map truncated", "... says so");
	is_int(ovl_map_parse(&m, img, len + OVL_BLOCK, dirty, sectors, &why),
	       -1, "an oversize map");
	is_str(why, "map too long", "... says so");
	is_int(ovl_map_parse(&m, img, len, dirty, 0, &why), -1,
	       "a zero-size base");

	img[OVL_BLOCK + 100] ^= 0x10;
	is_int(ovl_map_parse(&m, img, len, dirty, sectors, &why), -1,
	       "a corrupt map block is refused");
	is_str(why, "map block checksum mismatch", "... by its checksum");
	img[OVL_BLOCK + 100] ^= 0x10;

	memcpy(img + 2 * OVL_BLOCK, img, OVL_BLOCK);
	memcpy(img, img + OVL_BLOCK, OVL_BLOCK);
	memcpy(img + OVL_BLOCK, img + 2 * OVL_BLOCK, OVL_BLOCK);
	is_int(ovl_map_parse(&m, img, len, dirty, sectors, &why), -1,
	       "swapped map blocks are refused");
	is_str(why, "map block out of place", "... by their index");

	ovl_map_init(&m, img, dirty, sectors);
	/* chunk nchunks is past the end: set it by hand, sealed */
	img[OVL_BLOCK + OVL_MAP_HDR + (m.nchunks - OVL_MAP_BITS) / 8] |=
		(uint8_t)(1u << ((m.nchunks - OVL_MAP_BITS) % 8));
	ovl_map_seal(&m, 1);
	is_int(ovl_map_parse(&m, img, len, dirty, sectors, &why), -1,
	       "a bit past the last chunk is refused");
	is_str(why, "map marks chunks past the end", "... and named");
	ovl_map_init(&m, img, dirty, sectors);
	img[len - 1] = 0x80;
	ovl_map_seal(&m, 1);
	is_int(ovl_map_parse(&m, img, len, dirty, sectors, &why), -1,
	       "the last bit of the map set is refused too");
	free(img);
}

static uint8_t mimg[OVL_BLOCK], mdirty[1];

static void fresh(struct ovl_map *m, uint64_t sectors)
{
	ovl_map_init(m, mimg, mdirty, sectors);
}

static void test_lookup(void)
{
	struct ovl_map m;
	struct ovl_run r[64];

	fresh(&m, 2048);
	is_int(ovl_lookup(&m, 10, 20, r, 64), 1, "nothing written: one run");
	ok(!r[0].overlay && r[0].lba == 10 && r[0].count == 20,
	   "... from the base");
	ovl_map_mark(&m, 2, 2);         /* sectors 16..23 */
	is_int(ovl_lookup(&m, 10, 20, r, 64), 3,
	       "a read spanning base, overlay, base: three runs");
	ok(!r[0].overlay && r[0].lba == 10 && r[0].count == 6, "base 10..15");
	ok(r[1].overlay && r[1].lba == 16 && r[1].count == 8, "overlay 16..23");
	ok(!r[2].overlay && r[2].lba == 24 && r[2].count == 6, "base 24..29");
	ovl_map_mark(&m, 3, 3);
	is_int(ovl_lookup(&m, 16, 16, r, 64), 1,
	       "adjacent written chunks: one run");
	ok(r[0].overlay && r[0].count == 16, "... of 16 sectors");
	is_int(ovl_lookup(&m, 10, 20, r, 1), 0, "more runs than room: 0");
	is_int(ovl_lookup(&m, 2040, 9, r, 64), 0, "past the end: 0");
	is_int(ovl_lookup(&m, 0, 0, r, 64), 0, "no sectors: 0");
	is_int(ovl_lookup(&m, 0, 255, r, 64), 3, "255 sectors fit");
}

static void test_plan(void)
{
	struct ovl_map m;
	struct ovl_write_plan p;

	fresh(&m, 2045);                /* the last chunk has 5 sectors */
	is_int(ovl_plan_write(&m, 0, 8, &p), 0, "a whole chunk");
	ok(p.first == 0 && p.last == 0 && !p.head_fill && !p.tail_fill,
	   "first write of a whole chunk: no fill");
	ovl_plan_write(&m, 3, 2, &p);
	ok(p.first == 0 && p.last == 0 && p.head_fill && !p.tail_fill,
	   "first write inside a chunk: filled from the base");
	ovl_plan_write(&m, 6, 12, &p);
	ok(p.first == 0 && p.last == 2 && p.head_fill && p.tail_fill,
	   "partly covered at both ends: both filled");
	ovl_map_mark(&m, 0, 0);
	ovl_plan_write(&m, 6, 12, &p);
	ok(!p.head_fill && p.tail_fill,
	   "over a written chunk and an unwritten one: only the unwritten filled");
	ovl_plan_write(&m, 8, 16, &p);
	ok(!p.head_fill && !p.tail_fill, "whole chunks: no fill");
	ovl_plan_write(&m, 2040, 5, &p);
	ok(p.first == 255 && !p.head_fill,
	   "the whole of the short last chunk: no fill");
	ovl_plan_write(&m, 2042, 3, &p);
	ok(p.head_fill, "part of the short last chunk: filled");
	is_int(ovl_plan_write(&m, 2044, 2, &p), -1, "past the end refused");
	is_int(ovl_plan_write(&m, 0, 0, &p), -1, "an empty write refused");
	ovl_map_mark(&m, 1, 2);
	ok(mdirty[0], "marking a write dirties the block");
	ok(ovl_map_test(&m, 1) && ovl_map_test(&m, 2) && !ovl_map_test(&m, 3),
	   "the chunks of the write are mapped");
}

static void test_ident(void)
{
	uint64_t lba;
	unsigned count, n = 0;

	ok(ovl_ident_sample(100, 0, &lba, &count) && lba == 0 && count == 100,
	   "a small disk: all of it");
	ok(!ovl_ident_sample(100, 1, &lba, &count), "... and nothing more");
	while (ovl_ident_sample(1 << 20, n, &lba, &count)) {
		if (lba + count > (1 << 20))
			break;
		n++;
	}
	is_int(n, 2 + OVL_IDENT_PROBES, "a large disk: ends and probes");
	ovl_ident_sample(1 << 20, 1, &lba, &count);
	ok(lba == (1 << 20) - OVL_IDENT_RANGE && count == OVL_IDENT_RANGE,
	   "the last MiB");
	ok(ovl_ident_start(100) != ovl_ident_start(101),
	   "the size is part of the identity");
}

int main(void)
{
	test_header();
	test_map_parse();
	test_lookup();
	test_plan();
	test_ident();
	return tap_done();
}
