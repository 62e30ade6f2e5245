/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XXH64 from its specification (little-endian lanes, 32-byte stripes). */
#include "hash.h"

#include <string.h>

#define P1 0x9E3779B185EBCA87ull
#define P2 0xC2B2AE3D27D4EB4Full
#define P3 0x165667B19E3779F9ull
#define P4 0x85EBCA77C2B2AE63ull
#define P5 0x27D4EB2F165667C5ull

static inline uint64_t rotl(uint64_t x, unsigned r)
{
	return (x << r) | (x >> (64 - r));
}

static inline uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

static inline uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap32(v);
#endif
	return v;
}

static inline uint64_t round64(uint64_t acc, uint64_t lane)
{
	acc += lane * P2;
	acc = rotl(acc, 31);
	return acc * P1;
}

static inline uint64_t merge(uint64_t acc, uint64_t v)
{
	acc ^= round64(0, v);
	return acc * P1 + P4;
}

void xxh64_init(struct xxh64 *h, uint64_t seed)
{
	memset(h, 0, sizeof(*h));
	h->seed = seed;
	h->v[0] = seed + P1 + P2;
	h->v[1] = seed + P2;
	h->v[2] = seed;
	h->v[3] = seed - P1;
}

static void stripe(uint64_t v[4], const uint8_t *p)
{
	v[0] = round64(v[0], rd64(p));
	v[1] = round64(v[1], rd64(p + 8));
	v[2] = round64(v[2], rd64(p + 16));
	v[3] = round64(v[3], rd64(p + 24));
}

void xxh64_update(struct xxh64 *h, const void *data, size_t len)
{
	const uint8_t *p = data;

	h->total += len;
	if (h->nbuf) {
		size_t take = 32 - h->nbuf;

		if (take > len)
			take = len;
		memcpy(h->buf + h->nbuf, p, take);
		h->nbuf += take;
		p += take;
		len -= take;
		if (h->nbuf < 32)
			return;
		stripe(h->v, h->buf);
		h->nbuf = 0;
	}
	uint64_t v[4] = { h->v[0], h->v[1], h->v[2], h->v[3] };

	for (; len >= 32; p += 32, len -= 32)
		stripe(v, p);
	memcpy(h->v, v, sizeof(v));
	memcpy(h->buf, p, len);
	h->nbuf = len;
}

uint64_t xxh64_final(const struct xxh64 *h)
{
	uint64_t acc;
	const uint8_t *p = h->buf;
	size_t n = h->nbuf;

	if (h->total >= 32) {
		acc = rotl(h->v[0], 1) + rotl(h->v[1], 7) + rotl(h->v[2], 12) +
		      rotl(h->v[3], 18);
		for (int i = 0; i < 4; i++)
			acc = merge(acc, h->v[i]);
	} else {
		acc = h->seed + P5;
	}
	acc += h->total;
	for (; n >= 8; p += 8, n -= 8) {
		acc ^= round64(0, rd64(p));
		acc = rotl(acc, 27) * P1 + P4;
	}
	if (n >= 4) {
		acc ^= (uint64_t)rd32(p) * P1;
		acc = rotl(acc, 23) * P2 + P3;
		p += 4;
		n -= 4;
	}
	for (; n; p++, n--) {
		acc ^= *p * P5;
		acc = rotl(acc, 11) * P1;
	}
	acc ^= acc >> 33;
	acc *= P2;
	acc ^= acc >> 29;
	acc *= P3;
	acc ^= acc >> 32;
	return acc;
}

uint64_t xxh64(const void *data, size_t len, uint64_t seed)
{
	struct xxh64 h;

	xxh64_init(&h, seed);
	xxh64_update(&h, data, len);
	return xxh64_final(&h);
}
