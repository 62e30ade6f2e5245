/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers pack, unpack, verify and info share. */
#ifndef MKIMZ_PACK_H
#define MKIMZ_PACK_H

#include <popt.h>
#include <stddef.h>
#include <stdint.h>

/* The -T value of pack, unpack and verify: arg checked as 1..64 (a usage
 * error otherwise), or without one the online CPUs, 1..64. */
unsigned imz_threads(poptContext ctx, const char *arg);

/* Compresses src into one zstd frame (checksum and content size on) in
 * dst (ZSTD_compressBound(len) bytes).  Returns the frame size or 0. */
size_t imz_compress(void *cctx, int level, void *dst, size_t cap,
		    const void *src, size_t len);

#endif
