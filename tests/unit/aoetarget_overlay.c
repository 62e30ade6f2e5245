/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The overlay format as pure code: header round trip and every refusal
 * (truncated, bad magic, checksum, version, sizes, reserved bytes), the
 * map (fresh, parsed back, corrupt, torn, out of place, bits past the
 * end, truncated and oversize), lookups of runs from the base and the
 * overlay, write plans (first write, partial chunks at both ends, a write
 * over written and unwritten chunks, the short last chunk), the
 * identity samples, and the live map (its header round trip, truncated,
 * of another overlay, corrupt, and adopted over the overlay's own map).
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

/* A live map file of two map blocks for want, its map with some marks. */
static uint8_t *live_file(struct ovl_live *want, uint8_t *dirty, size_t *len)
{
	uint64_t sectors = (uint64_t)OVL_MAP_BITS * OVL_CHUNK_SECTORS + 20;
	struct ovl_map m;
	uint8_t *b;

	*want = (struct ovl_live){ .hdr = { .version = OVL_VERSION,
		.nblocks = ovl_map_blocks(sectors), .sectors = sectors,
		.ident = 0x1234, .created = 1700000000 },
		.dev = 0x803, .ino = 131 };
	memcpy(want->hdr.mac, mac, 6);
	*len = ovl_data_offset(want->hdr.nblocks);
	b = malloc(*len);
	ovl_map_init(&m, b + OVL_BLOCK, dirty, sectors);
	ovl_live_format(want, b);
	return b;
}

static void refused_live(const uint8_t *b, size_t len,
			 const struct ovl_live *want, const char *msg,
			 const char *name)
{
	const char *why = NULL;

	is_int(ovl_live_parse(b, len, want, &why), -1, name);
	is_str(why, msg, name);
}

static void test_live(void)
{
	struct ovl_live want, other;
	uint8_t dirty[2], fdirty[2];
	struct ovl_map m, f;
	size_t len;
	uint8_t *b = live_file(&want, dirty, &len);
	uint8_t *file = malloc(len - OVL_BLOCK);
	const char *why = NULL;

	is_int(len, 3 * OVL_BLOCK, "a live map: header and two map blocks");
	is_int(ovl_live_parse(b, len, &want, &why), 0, "a fresh live map parses");
	/* Marks without a seal: stale block checksums are not refused. */
	ovl_map_init(&m, b + OVL_BLOCK, dirty, want.hdr.sectors);
	ovl_map_mark(&m, 7, 9);
	ovl_map_mark(&m, m.nchunks - 1, m.nchunks - 1);
	is_int(ovl_live_parse(b, len, &want, &why), 0,
	       "marked since the last FLUSH (checksums stale) it parses");

	refused_live(b, OVL_BLOCK - 1, &want, "live map header truncated",
		     "a truncated header is refused");
	refused_live(b, len - 1, &want, "live map size does not match",
		     "a truncated map is refused");
	refused_live(b, len + OVL_BLOCK, &want, "live map size does not match",
		     "an oversize one too");
	other = want;
	other.ino++;
	refused_live(b, len, &other, "live map of another overlay",
		     "another inode (the overlay made again) is refused");
	other = want;
	other.hdr.created++;
	refused_live(b, len, &other, "live map of another overlay",
		     "another creation time too");
	other = want;
	other.hdr.mac[5] ^= 1;
	refused_live(b, len, &other, "live map of another overlay",
		     "another client too");
	other = want;
	other.hdr.ident ^= 1;
	refused_live(b, len, &other, "live map of another overlay",
		     "another base too");
	b[20] ^= 1;
	refused_live(b, len, &want, "live map header checksum mismatch",
		     "a corrupt header is refused by its checksum");
	b[20] ^= 1;
	b[0] = 'X';
	refused_live(b, len, &want, "not a live map (bad magic)",
		     "a bad magic is refused");
	b[0] = 'N';
	b[OVL_BLOCK + 4] = 1;
	refused_live(b, len, &want, "map block out of place",
		     "a map block out of place is refused");
	b[OVL_BLOCK + 4] = 0;
	b[len - 1] = 0x80;
	refused_live(b, len, &want, "map marks chunks past the end",
		     "a bit past the last chunk is refused");
	b[len - 1] = 0;
	is_int(ovl_live_parse(b, len, &want, &why), 0, "repaired, it parses");

	/* The overlay's own map: chunk 3 flushed, 7 too (also live). */
	ovl_map_init(&f, file, fdirty, want.hdr.sectors);
	ovl_map_mark(&f, 3, 3);
	ovl_map_mark(&f, 7, 7);
	ovl_map_seal(&f, 0);
	ovl_map_seal(&f, 1);
	is_int(ovl_live_adopt(&m, b + OVL_BLOCK, dirty, want.hdr.sectors, file),
	       2, "adopted: both blocks have marks the file lacks");
	ok(ovl_map_test(&m, 3) && ovl_map_test(&m, 7) && ovl_map_test(&m, 9) &&
	   ovl_map_test(&m, m.nchunks - 1) && !ovl_map_test(&m, 10),
	   "the marks of both, and no other");
	ok(dirty[0] && dirty[1], "both blocks to be written at the next FLUSH");
	is_int(ovl_map_parse(&f, b + OVL_BLOCK, len - OVL_BLOCK, fdirty,
			     want.hdr.sectors, &why), 0,
	       "the adopted map is sealed: it parses as an overlay's map");
	memcpy(file, b + OVL_BLOCK, len - OVL_BLOCK);
	is_int(ovl_live_adopt(&m, b + OVL_BLOCK, dirty, want.hdr.sectors, file),
	       0, "a live map no newer than the file: nothing to write");
	ok(!dirty[0] && !dirty[1], "... no block dirty");
	free(file);
	free(b);
}

int main(void)
{
	test_header();
	test_map_parse();
	test_lookup();
	test_plan();
	test_ident();
	test_live();
	return tap_done();
}
