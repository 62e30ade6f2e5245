/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hashing in the .imz and .chk formats: XXH64 with seed 0 from libxxhash
 * (XXH64() one-shot, XXH64_state_t streaming; both give the same value),
 * and the 16-bit fold the .chk carries.
 */
#ifndef MKIMZ_HASH_H
#define MKIMZ_HASH_H

#include <stdint.h>
#include <xxhash.h>

/* The 64-bit hash folded to 16 bits: xor of its four quarters. */
static inline uint16_t xxh64_fold16(uint64_t h)
{
	return (uint16_t)(h ^ (h >> 16) ^ (h >> 32) ^ (h >> 48));
}

#endif
