/* SPDX-License-Identifier: GPL-2.0-or-later */
/* .imz format: XXH64 vectors, header/part/trailer round trips, refusals,
 * and whole images checked in memory (truncated, flipped, lying). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "../../mkimz/hash.h"
#include "../../mkimz/imz.h"
#include "tap.h"

#define USED 130u	/* clusters 2..131: three chunks of 64 */

static void test_xxh64(void)
{
	static const char abc[] = "abc";
	uint8_t buf[100];
	XXH64_state_t *h = XXH64_createState();

	for (int i = 0; i < 100; i++)
		buf[i] = (uint8_t)i;
	ok(XXH64("", 0, 0) == 0xEF46DB3751D8E999ull, "XXH64 of nothing");
	ok(XXH64("a", 1, 0) == 0xD24EC4F1A98C6E5Bull, "XXH64 of \"a\"");
	ok(XXH64(abc, 3, 0) == 0x44BC2CF5AD770999ull, "XXH64 of \"abc\"");
	for (size_t cut = 0; cut <= 100; cut += 7) {
		XXH64_reset(h, 0);
		XXH64_update(h, buf, cut);
		XXH64_update(h, buf + cut, 100 - cut);
		if (XXH64_digest(h) != XXH64(buf, 100, 0))
			break;
		if (cut + 7 > 100)
			ok(1, "streaming in two pieces matches one shot");
	}
	XXH64_freeState(h);
	is_int(xxh64_fold16(0x1111222233334444ull), 0x1111 ^ 0x2222 ^ 0x3333 ^
							   0x4444,
	       "fold16 xors the four quarters");
}

static struct imz_header geom(void)
{
	struct imz_header h = {
		.fat_type = 16, .sector_size = 512, .cluster_bytes = 65536,
		.reserved_sectors = 1, .nfats = 2, .root_entries = 512,
		.fat_sectors = 1, .total_sectors = 30000,
		.cluster_count = 200, .used_clusters = USED,
		.last_used = USED + 1, .min_sectors = 20000,
		.serial = 0x1234abcd, .label = "TEST",
		.excluded_files = 2, .excluded_bytes = 99, .lost_freed = 1,
	};

	h.version = IMZ_VERSION;
	h.chunk_clusters = imz_chunk_clusters(h.cluster_bytes);
	h.nchunks = (USED + h.chunk_clusters - 1) / h.chunk_clusters;
	return h;
}

struct img {
	uint8_t *p;
	size_t len;
	size_t part_off[8];	/* reserved, FAT, root, map, chunks 0..2, trailer */
	XXH64_state_t *whole;
	uint64_t stored;
};

static void put(struct img *im, const void *b, size_t n)
{
	memcpy(im->p + im->len, b, n);
	im->len += n;
}

static void part(struct img *im, uint32_t magic, uint32_t idx,
		 const uint8_t *raw, size_t n, int slot)
{
	size_t cap = ZSTD_compressBound(n);
	uint8_t *c = malloc(cap), ph[IMZ_PART_LEN];
	ZSTD_CCtx *cc = ZSTD_createCCtx();

	ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 1);
	size_t cl = ZSTD_compress2(cc, c, cap, raw, n);
	struct imz_part p = { magic, idx, n, cl, XXH64(raw, n, 0) };

	im->part_off[slot] = im->len;
	imz_part_encode(&p, ph);
	put(im, ph, sizeof(ph));
	put(im, c, cl);
	XXH64_update(im->whole, raw, n);
	im->stored += n;
	ZSTD_freeCCtx(cc);
	free(c);
}

static void build(struct img *im, const struct imz_header *h)
{
	uint8_t hb[IMZ_HDR_LEN], tb[IMZ_PART_LEN];
	uint8_t *raw = calloc(1, IMZ_CHUNK_RAW), map[26] = { 0 };
	struct imz_trailer t;

	memset(im, 0, sizeof(*im));
	im->p = malloc(16u << 20);
	im->whole = XXH64_createState();
	XXH64_reset(im->whole, 0);
	imz_header_encode(h, hb);
	put(im, hb, sizeof(hb));
	memset(raw, 0x5a, 512);
	part(im, IMZ_RESERVED, 0, raw, 512, 0);
	part(im, IMZ_FAT, 0, raw, 512, 1);
	part(im, IMZ_ROOT, 0, raw, 16384, 2);
	for (uint32_t c = 2; c <= USED + 1; c++)
		map[c >> 3] |= (uint8_t)(1u << (c & 7));
	part(im, IMZ_MAP, 0, map, sizeof(map), 3);
	for (uint32_t i = 0; i < h->nchunks; i++) {
		for (size_t k = 0; k < IMZ_CHUNK_RAW; k += 4096)
			raw[k] = (uint8_t)(i + k);
		part(im, IMZ_CHUNK, i, raw, imz_chunk_bytes(h, i), 4 + (int)i);
	}
	im->part_off[7] = im->len;
	t.nchunks = h->nchunks;
	t.stored = im->stored;
	t.image_bytes = im->len;
	t.whole = XXH64_digest(im->whole);
	XXH64_freeState(im->whole);
	imz_trailer_encode(&t, tb);
	put(im, tb, sizeof(tb));
	free(raw);
}

static void hdr_refused(struct imz_header h, const char *name)
{
	uint8_t b[IMZ_HDR_LEN];
	struct imz_header got;
	char err[128];

	imz_header_encode(&h, b);
	ok(imz_header_decode(b, sizeof(b), &got, err, sizeof(err)) == -1,
	   "header refused: %s (%s)", name, err);
}

static void test_header(void)
{
	struct imz_header h = geom(), got, bad;
	uint8_t b[IMZ_HDR_LEN];
	char err[128];

	imz_header_encode(&h, b);
	ok(!imz_header_decode(b, sizeof(b), &got, err, sizeof(err)),
	   "header round trip decodes");
	ok(!memcmp(&got, &h, sizeof(h)), "header round trip is exact");
	is_int(imz_chunk_bytes(&h, 2), 2 * 65536, "last chunk is short");
	ok(imz_header_decode(b, IMZ_HDR_LEN - 1, &got, err, sizeof(err)) &&
	   strstr(err, "truncated"), "truncated header");
	b[0] ^= 1;
	ok(imz_header_decode(b, sizeof(b), &got, err, sizeof(err)) &&
	   strstr(err, "magic"), "wrong magic");
	b[0] ^= 1;
	b[IMZ_H_VERSION] = 9;
	ok(imz_header_decode(b, sizeof(b), &got, err, sizeof(err)) &&
	   strstr(err, "version"), "wrong version");
	b[IMZ_H_VERSION] = IMZ_VERSION;
	b[IMZ_H_SERIAL] ^= 1;
	ok(imz_header_decode(b, sizeof(b), &got, err, sizeof(err)) &&
	   strstr(err, "checksum"), "bad header hash");
	bad = h, bad.cluster_bytes = 0, hdr_refused(bad, "cluster size 0");
	bad = h, bad.cluster_bytes = 3000, hdr_refused(bad, "cluster size 3000");
	bad = h, bad.sector_size = 8192, hdr_refused(bad, "sector size 8192");
	bad = h, bad.fat_type = 24, hdr_refused(bad, "FAT24");
	bad = h, bad.cluster_count = 400, hdr_refused(bad, "FAT too small");
	bad = h, bad.used_clusters = 300, hdr_refused(bad, "used > clusters");
	bad = h, bad.last_used = 900, hdr_refused(bad, "last used out of range");
	bad = h, bad.nchunks = 4, hdr_refused(bad, "chunk count vs used");
	bad = h, bad.chunk_clusters = 1000, hdr_refused(bad, "chunk size");
	bad = h, bad.total_sectors = 100, hdr_refused(bad, "clusters > sectors");
	bad = h, bad.root_entries = 0, hdr_refused(bad, "FAT16 without root");
	bad = h, bad.fat_sectors = 0x100000,
		hdr_refused(bad, "FAT over 256 MiB");
	bad = h, bad.min_sectors = 40000, hdr_refused(bad, "min > total");
}

static void test_part(void)
{
	struct imz_part p = { IMZ_CHUNK, 5, 4096, 100, 42 }, got;
	struct imz_trailer t = { 3, 1000, 2000, 0xfeed }, tg;
	uint8_t b[IMZ_PART_LEN];
	char err[128];

	imz_part_encode(&p, b);
	ok(!imz_part_decode(b, sizeof(b), IMZ_CHUNK, 5, 4096, &got, err,
			    sizeof(err)) && got.raw_hash == 42 &&
	   got.comp_len == 100, "part header round trip");
	ok(imz_part_decode(b, 47, IMZ_CHUNK, 5, 4096, &got, err, sizeof(err)),
	   "truncated part header");
	ok(imz_part_decode(b, sizeof(b), IMZ_FAT, 5, 4096, &got, err,
			   sizeof(err)), "wrong part magic");
	ok(imz_part_decode(b, sizeof(b), IMZ_CHUNK, 6, 4096, &got, err,
			   sizeof(err)), "wrong chunk index");
	ok(imz_part_decode(b, sizeof(b), IMZ_CHUNK, 5, 2048, &got, err,
			   sizeof(err)), "raw length larger than expected");
	p.comp_len = ZSTD_compressBound(4096) + 1;
	imz_part_encode(&p, b);
	ok(imz_part_decode(b, sizeof(b), IMZ_CHUNK, 5, 4096, &got, err,
			   sizeof(err)) && strstr(err, "compressed"),
	   "compressed length over the zstd bound");
	b[20] ^= 1;
	ok(imz_part_decode(b, sizeof(b), IMZ_CHUNK, 5, 4096, &got, err,
			   sizeof(err)) && strstr(err, "checksum"),
	   "part header hash");
	imz_trailer_encode(&t, b);
	ok(!imz_trailer_decode(b, sizeof(b), &tg, err, sizeof(err)) &&
	   tg.whole == 0xfeed && tg.stored == 1000, "trailer round trip");
	b[30] ^= 4;
	ok(imz_trailer_decode(b, sizeof(b), &tg, err, sizeof(err)),
	   "trailer hash");
}

static const char *const names[8] = {
	"reserved area", "FAT", "root directory", "cluster map",
	"data chunk 0", "data chunk 1", "data chunk 2", "trailer",
};

static void test_image(void)
{
	struct imz_header h = geom();
	struct img im;
	char err[200];
	int good = 1;

	build(&im, &h);
	ok(!imz_verify_mem(im.p, im.len, err, sizeof(err)),
	   "a whole image verifies (%s)", err);
	for (size_t cut = 0; cut < im.len; cut += cut < 400 ? 1 : 997)
		if (!imz_verify_mem(im.p, cut, err, sizeof(err)) ||
		    !strstr(err, "truncated"))
			good = 0, diag("cut %zu: %s", cut, err);
	ok(good, "every truncation is refused as truncated");
	for (int k = 0; k < 8; k++) {
		size_t at = im.part_off[k] + IMZ_PART_LEN + 3;

		if (k == 7)
			at = im.part_off[k] + IMZ_T_WHOLE;
		im.p[at] ^= 0x10;
		ok(imz_verify_mem(im.p, im.len, err, sizeof(err)) &&
		   !strncmp(err, names[k], strlen(names[k])),
		   "flipped bit in %s is named (%s)", names[k], err);
		im.p[at] ^= 0x10;
		im.p[im.part_off[k] + 9] ^= 0x01;	/* raw length */
		ok(imz_verify_mem(im.p, im.len, err, sizeof(err)) &&
		   !strncmp(err, names[k], strlen(names[k])),
		   "part header of %s refused (%s)", names[k], err);
		im.p[im.part_off[k] + 9] ^= 0x01;
	}
	im.p[im.len++] = 0;
	ok(imz_verify_mem(im.p, im.len, err, sizeof(err)) &&
	   strstr(err, "after"), "data after the trailer");
	free(im.p);
	h.used_clusters--;
	h.last_used--;
	build(&im, &h);
	ok(imz_verify_mem(im.p, im.len, err, sizeof(err)) &&
	   strstr(err, "cluster map"), "map not matching the header (%s)",
	   err);
	free(im.p);
}

int main(void)
{
	test_xxh64();
	test_header();
	test_part();
	test_image();
	return tap_done();
}
