/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * XXH64 (Yann Collet's 64-bit xxHash), written from the published
 * specification: one-shot and streaming forms give the same value.
 */
#ifndef MKIMZ_HASH_H
#define MKIMZ_HASH_H

#include <stddef.h>
#include <stdint.h>

struct xxh64 {
	uint64_t v[4];
	uint64_t total;
	uint64_t seed;
	uint8_t buf[32];
	size_t nbuf;
};

void xxh64_init(struct xxh64 *h, uint64_t seed);
void xxh64_update(struct xxh64 *h, const void *data, size_t len);
uint64_t xxh64_final(const struct xxh64 *h);
uint64_t xxh64(const void *data, size_t len, uint64_t seed);

/* The 64-bit hash folded to 16 bits: xor of its four quarters. */
static inline uint16_t xxh64_fold16(uint64_t h)
{
	return (uint16_t)(h ^ (h >> 16) ^ (h >> 32) ^ (h >> 48));
}

#endif
