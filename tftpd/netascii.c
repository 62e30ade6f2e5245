/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "netascii.h"

size_t na_encode(struct na_enc *st, const uint8_t *src, size_t srclen,
		 size_t *used, uint8_t *dst, size_t dstlen)
{
	size_t i = 0, o = 0;

	while (o < dstlen) {
		uint8_t c;

		if (st->pending >= 0) {
			dst[o++] = (uint8_t)st->pending;
			st->pending = -1;
			continue;
		}
		if (i >= srclen)
			break;
		c = src[i++];
		if (c == '\n') {
			dst[o++] = '\r';
			st->pending = '\n';
		} else if (c == '\r') {
			dst[o++] = '\r';
			st->pending = '\0';
		} else {
			dst[o++] = c;
		}
	}
	*used = i;
	return o;
}

size_t na_decode(struct na_dec *st, const uint8_t *src, size_t srclen,
		 uint8_t *dst)
{
	size_t o = 0;

	for (size_t i = 0; i < srclen; i++) {
		uint8_t c = src[i];

		if (st->cr) {
			st->cr = 0;
			if (c == '\n') {
				dst[o++] = '\n';
				continue;
			}
			dst[o++] = '\r';
			if (c == '\0')
				continue;
		}
		if (c == '\r')
			st->cr = 1;
		else
			dst[o++] = c;
	}
	return o;
}

size_t na_decode_end(struct na_dec *st, uint8_t *dst)
{
	if (!st->cr)
		return 0;
	st->cr = 0;
	dst[0] = '\r';
	return 1;
}
