/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * netascii both ways.  The input, after its first two bytes, is a file:
 * encoded block by block as a read transfer does (the block size from the
 * first byte, 1 to 256), every block must fit its size, all but the last
 * be full, and the source be consumed; the wire bytes, decoded in pieces
 * whose sizes come from the second byte, must give the file back exactly.
 * The same input decoded as wire bytes (any bytes a client may send) must
 * stay within the bound na_decode promises.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../tftpd/netascii.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Encodes src as blocks of bs; returns the wire length in wire. */
static size_t encode_all(const uint8_t *src, size_t len, size_t bs,
			 uint8_t *wire)
{
	struct na_enc st = { -1 };
	size_t off = 0, out = 0;

	for (;;) {
		size_t used = 0;
		size_t n = na_encode(&st, src + off, len - off, &used,
				     wire + out, bs);

		if (n > bs || used > len - off)
			abort();
		off += used;
		out += n;
		if (n < bs)
			break;
	}
	if (off != len || st.pending != -1)
		abort();
	return out;
}

static void decode_check(const uint8_t *wire, size_t wlen, size_t piece,
			 const uint8_t *want, size_t wantlen, uint8_t *buf)
{
	struct na_dec st = { 0 };
	size_t out = 0;

	for (size_t at = 0; at < wlen; at += piece) {
		size_t n = wlen - at < piece ? wlen - at : piece;
		size_t got = na_decode(&st, wire + at, n, buf + out);

		if (got > n + 1)
			abort();
		out += got;
	}
	out += na_decode_end(&st, buf + out);
	if (out != wantlen || memcmp(buf, want, wantlen) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct na_dec st = { 0 };
	uint8_t *wire, *buf;
	size_t bs, piece, wlen, len;
	const uint8_t *src;

	if (size < 2)
		return 0;
	bs = (size_t)data[0] + 1;
	piece = (size_t)data[1] % 64 + 1;
	src = data + 2;
	len = size - 2;
	/* Every byte at most doubles, plus one empty last block. */
	wire = malloc(2 * len + bs + 1);
	buf = malloc(2 * len + bs + 2);
	if (wire == NULL || buf == NULL)
		abort();
	wlen = encode_all(src, len, bs, wire);
	decode_check(wire, wlen, piece, src, len, buf);

	/* Arbitrary wire bytes: bounded output, whatever they hold. */
	if (na_decode(&st, data, size, buf) > size + 1 ||
	    na_decode_end(&st, buf) > 1)
		abort();
	free(wire);
	free(buf);
	return 0;
}
