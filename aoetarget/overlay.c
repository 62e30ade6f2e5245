/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "overlay.h"

#include <string.h>

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v = 0;

	for (int i = 3; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

uint64_t ovl_hash64(uint64_t h, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

uint32_t ovl_hash32(const uint8_t *p, size_t len)
{
	uint32_t h = 0x811c9dc5u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x01000193u;
	return h;
}

uint64_t ovl_chunks(uint64_t sectors)
{
	return (sectors + OVL_CHUNK_SECTORS - 1) / OVL_CHUNK_SECTORS;
}

uint32_t ovl_map_blocks(uint64_t sectors)
{
	uint64_t n = (ovl_chunks(sectors) + OVL_MAP_BITS - 1) / OVL_MAP_BITS;

	return n ? (uint32_t)n : 1;
}

uint64_t ovl_data_offset(uint32_t nblocks)
{
	return (1 + (uint64_t)nblocks) * OVL_BLOCK;
}

void ovl_chunk_span(uint64_t sectors, uint64_t c, uint64_t *lba,
		    unsigned *count)
{
	*lba = c * OVL_CHUNK_SECTORS;
	*count = sectors - *lba < OVL_CHUNK_SECTORS ?
		 (unsigned)(sectors - *lba) : OVL_CHUNK_SECTORS;
}

/*
 * Range 0 is the first MiB, range 1 the last MiB (when the disk is
 * larger), then OVL_IDENT_PROBES chunks spread evenly over the disk:
 * what a new image changes (boot sector, partition table, file system
 * metadata at both ends and between) at the cost of about 2.3 MiB read.
 */
bool ovl_ident_sample(uint64_t sectors, unsigned n, uint64_t *lba,
		      unsigned *count)
{
	uint64_t c;

	if (n == 0) {
		*lba = 0;
		*count = sectors < OVL_IDENT_RANGE ? (unsigned)sectors
						   : OVL_IDENT_RANGE;
		return sectors > 0;
	}
	if (sectors <= OVL_IDENT_RANGE)
		return false;
	if (n == 1) {
		*lba = sectors - OVL_IDENT_RANGE;
		*count = OVL_IDENT_RANGE;
		return true;
	}
	if (n - 2 >= OVL_IDENT_PROBES)
		return false;
	c = ovl_chunks(sectors) * (n - 2) / OVL_IDENT_PROBES;
	ovl_chunk_span(sectors, c, lba, count);
	return true;
}

uint64_t ovl_ident_start(uint64_t sectors)
{
	uint8_t b[8];

	put64(b, sectors);
	return ovl_hash64(OVL_HASH_INIT, b, sizeof(b));
}

void ovl_hdr_format(const struct ovl_hdr *h, uint8_t out[OVL_BLOCK])
{
	memset(out, 0, OVL_BLOCK);
	memcpy(out, OVL_MAGIC, 8);
	put32(out + 8, h->version);
	put32(out + 12, OVL_BLOCK);
	put32(out + 16, OVL_CHUNK);
	put32(out + 20, h->nblocks);
	put64(out + 24, h->sectors);
	put64(out + 32, h->ident);
	memcpy(out + 40, h->mac, 6);
	put64(out + 48, h->created);
	put32(out + OVL_HDR_SUMMED, ovl_hash32(out, OVL_HDR_SUMMED));
}

static int refuse(const char **why, const char *msg)
{
	*why = msg;
	return -1;
}

static bool all_zero(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

int ovl_hdr_parse(const uint8_t *buf, size_t len, struct ovl_hdr *h,
		  const char **why)
{
	if (len < OVL_BLOCK)
		return refuse(why, "header truncated");
	if (memcmp(buf, OVL_MAGIC, 8) != 0)
		return refuse(why, "not an overlay (bad magic)");
	if (get32(buf + OVL_HDR_SUMMED) != ovl_hash32(buf, OVL_HDR_SUMMED))
		return refuse(why, "header checksum mismatch");
	h->version = get32(buf + 8);
	if (h->version != OVL_VERSION)
		return refuse(why, "unsupported overlay version");
	if (get32(buf + 12) != OVL_BLOCK || get32(buf + 16) != OVL_CHUNK)
		return refuse(why, "unsupported block or chunk size");
	h->nblocks = get32(buf + 20);
	h->sectors = get64(buf + 24);
	h->ident = get64(buf + 32);
	memcpy(h->mac, buf + 40, 6);
	h->created = get64(buf + 48);
	if (h->sectors == 0 || h->sectors > OVL_SECTORS_MAX)
		return refuse(why, "base size out of range");
	if (h->nblocks != ovl_map_blocks(h->sectors))
		return refuse(why, "map size does not match the base size");
	if (buf[46] || buf[47] || !all_zero(buf + 60, OVL_BLOCK - 60))
		return refuse(why, "reserved header bytes not zero");
	return 0;
}

static void map_setup(struct ovl_map *m, uint8_t *img, uint8_t *dirty,
		      uint64_t sectors)
{
	m->img = img;
	m->dirty = dirty;
	m->sectors = sectors;
	m->nchunks = ovl_chunks(sectors);
	m->nblocks = ovl_map_blocks(sectors);
}

void ovl_map_init(struct ovl_map *m, uint8_t *img, uint8_t *dirty,
		  uint64_t sectors)
{
	map_setup(m, img, dirty, sectors);
	memset(img, 0, (size_t)m->nblocks * OVL_BLOCK);
	for (uint32_t i = 0; i < m->nblocks; i++)
		ovl_map_seal(m, i);
}

/* Whether any bit of map block i (of img) past chunk nchunks is set. */
static bool tail_set(const uint8_t *img, uint64_t nchunks, uint32_t i)
{
	const uint8_t *bits = img + (size_t)i * OVL_BLOCK + OVL_MAP_HDR;
	uint64_t first = (uint64_t)i * OVL_MAP_BITS;
	uint64_t used = nchunks - first < OVL_MAP_BITS ?
			nchunks - first : OVL_MAP_BITS;

	for (uint64_t b = used; b < OVL_MAP_BITS; b++) {
		if (b % 8 == 0)
			return !all_zero(bits + b / 8, OVL_MAP_BITS / 8 - b / 8);
		if (bits[b / 8] & (1u << (b % 8)))
			return true;
	}
	return false;
}

int ovl_map_parse(struct ovl_map *m, uint8_t *img, size_t len, uint8_t *dirty,
		  uint64_t sectors, const char **why)
{
	if (sectors == 0 || sectors > OVL_SECTORS_MAX)
		return refuse(why, "base size out of range");
	map_setup(m, img, dirty, sectors);
	if (len != (size_t)m->nblocks * OVL_BLOCK)
		return refuse(why, len < (size_t)m->nblocks * OVL_BLOCK ?
			      "map truncated" : "map too long");
	memset(dirty, 0, m->nblocks);
	for (uint32_t i = 0; i < m->nblocks; i++) {
		const uint8_t *b = img + (size_t)i * OVL_BLOCK;

		if (get32(b) != ovl_hash32(b + 4, OVL_BLOCK - 4))
			return refuse(why, "map block checksum mismatch");
		if (get32(b + 4) != i)
			return refuse(why, "map block out of place");
		if (tail_set(img, m->nchunks, i))
			return refuse(why, "map marks chunks past the end");
	}
	return 0;
}

void ovl_live_format(const struct ovl_live *l, uint8_t out[OVL_BLOCK])
{
	memset(out, 0, OVL_BLOCK);
	memcpy(out, OVL_LIVE_MAGIC, 8);
	put32(out + 8, OVL_VERSION);
	put32(out + 12, l->hdr.nblocks);
	put64(out + 16, l->hdr.sectors);
	put64(out + 24, l->hdr.ident);
	memcpy(out + 32, l->hdr.mac, 6);
	put64(out + 40, l->hdr.created);
	put64(out + 48, l->dev);
	put64(out + 56, l->ino);
	put32(out + OVL_LIVE_SUMMED, ovl_hash32(out, OVL_LIVE_SUMMED));
}

int ovl_live_parse(const uint8_t *buf, size_t len, const struct ovl_live *want,
		   const char **why)
{
	uint8_t expect[OVL_BLOCK];
	const uint8_t *img = buf + OVL_BLOCK;
	uint64_t nchunks = ovl_chunks(want->hdr.sectors);

	if (len < OVL_BLOCK)
		return refuse(why, "live map header truncated");
	if (memcmp(buf, OVL_LIVE_MAGIC, 8) != 0)
		return refuse(why, "not a live map (bad magic)");
	if (get32(buf + OVL_LIVE_SUMMED) != ovl_hash32(buf, OVL_LIVE_SUMMED))
		return refuse(why, "live map header checksum mismatch");
	ovl_live_format(want, expect);
	if (memcmp(buf, expect, OVL_BLOCK) != 0)
		return refuse(why, "live map of another overlay");
	if (want->hdr.sectors == 0 || want->hdr.sectors > OVL_SECTORS_MAX ||
	    want->hdr.nblocks != ovl_map_blocks(want->hdr.sectors))
		return refuse(why, "base size out of range");
	if (len != ovl_data_offset(want->hdr.nblocks))
		return refuse(why, "live map size does not match");
	for (uint32_t i = 0; i < want->hdr.nblocks; i++) {
		if (get32(img + (size_t)i * OVL_BLOCK + 4) != i)
			return refuse(why, "map block out of place");
		if (tail_set(img, nchunks, i))
			return refuse(why, "map marks chunks past the end");
	}
	return 0;
}

uint32_t ovl_live_adopt(struct ovl_map *m, uint8_t *img, uint8_t *dirty,
			uint64_t sectors, const uint8_t *file)
{
	uint32_t n = 0;

	map_setup(m, img, dirty, sectors);
	for (uint32_t i = 0; i < m->nblocks; i++) {
		uint8_t *b = img + (size_t)i * OVL_BLOCK + OVL_MAP_HDR;
		const uint8_t *f = file + (size_t)i * OVL_BLOCK + OVL_MAP_HDR;
		bool differs = false;

		for (size_t j = 0; j < OVL_MAP_BITS / 8; j++) {
			b[j] |= f[j];
			differs |= b[j] != f[j];
		}
		ovl_map_seal(m, i);
		m->dirty[i] = differs;
		n += differs;
	}
	return n;
}

bool ovl_map_test(const struct ovl_map *m, uint64_t chunk)
{
	uint64_t blk = chunk / OVL_MAP_BITS, bit = chunk % OVL_MAP_BITS;

	if (chunk >= m->nchunks)
		return false;
	return m->img[blk * OVL_BLOCK + OVL_MAP_HDR + bit / 8] &
	       (1u << (bit % 8));
}

void ovl_map_mark(struct ovl_map *m, uint64_t first, uint64_t last)
{
	for (uint64_t c = first; c <= last && c < m->nchunks; c++) {
		uint64_t blk = c / OVL_MAP_BITS, bit = c % OVL_MAP_BITS;
		uint8_t *p = m->img + blk * OVL_BLOCK + OVL_MAP_HDR + bit / 8;

		if (*p & (1u << (bit % 8)))
			continue;
		*p |= (uint8_t)(1u << (bit % 8));
		m->dirty[blk] = 1;
	}
}

void ovl_map_seal(struct ovl_map *m, uint32_t i)
{
	uint8_t *b = m->img + (size_t)i * OVL_BLOCK;

	put32(b + 4, i);
	put32(b, ovl_hash32(b + 4, OVL_BLOCK - 4));
	m->dirty[i] = 0;
}

static bool in_range(const struct ovl_map *m, uint64_t lba, unsigned count)
{
	return count > 0 && lba < m->sectors && count <= m->sectors - lba;
}

unsigned ovl_lookup(const struct ovl_map *m, uint64_t lba, unsigned count,
		    struct ovl_run *runs, unsigned max)
{
	uint64_t end = lba + count;
	unsigned n = 0;

	if (!in_range(m, lba, count))
		return 0;
	while (lba < end) {
		uint64_t c = lba / OVL_CHUNK_SECTORS;
		uint64_t stop = (c + 1) * OVL_CHUNK_SECTORS;
		bool ov = ovl_map_test(m, c);
		unsigned len = (unsigned)((stop < end ? stop : end) - lba);

		if (n > 0 && runs[n - 1].overlay == ov) {
			runs[n - 1].count += len;
		} else {
			if (n == max)
				return 0;
			runs[n++] = (struct ovl_run){ ov, lba, len };
		}
		lba += len;
	}
	return n;
}

/* Whether the write [lba, end) covers only part of chunk c. */
static bool partial(const struct ovl_map *m, uint64_t c, uint64_t lba,
		    uint64_t end)
{
	uint64_t first;
	unsigned count;

	ovl_chunk_span(m->sectors, c, &first, &count);
	return lba > first || end < first + count;
}

int ovl_plan_write(const struct ovl_map *m, uint64_t lba, unsigned count,
		   struct ovl_write_plan *p)
{
	uint64_t end = lba + count;

	if (!in_range(m, lba, count))
		return -1;
	p->first = lba / OVL_CHUNK_SECTORS;
	p->last = (end - 1) / OVL_CHUNK_SECTORS;
	p->head_fill = !ovl_map_test(m, p->first) &&
		       partial(m, p->first, lba, end);
	p->tail_fill = p->last != p->first && !ovl_map_test(m, p->last) &&
		       partial(m, p->last, lba, end);
	return 0;
}
