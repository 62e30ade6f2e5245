/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * netascii (RFC 764 line ends, as RFC 1350 uses them): on the wire every
 * LF is CR LF and a bare CR is CR NUL.  The encoder works block by block and
 * keeps, between blocks, the half of a pair that did not fit.
 */
#ifndef TFTPD_NETASCII_H
#define TFTPD_NETASCII_H

#include <stddef.h>
#include <stdint.h>

struct na_enc {
	int pending; /* second byte of a pair still to emit, or -1 */
};

struct na_dec {
	int cr; /* the previous wire byte was a CR */
};

/*
 * Encodes from src into dst until dst is full or src is used up.  Returns
 * bytes written; *used says how many source bytes were consumed.
 */
size_t na_encode(struct na_enc *st, const uint8_t *src, size_t srclen,
		 size_t *used, uint8_t *dst, size_t dstlen);

/*
 * Decodes wire bytes into dst (at most srclen + 1 bytes: a CR held from the
 * previous call may come out first).  A CR at
 * the end of src is held in st until the next call; na_decode_end()
 * returns it (1 byte) when the transfer ends.
 */
size_t na_decode(struct na_dec *st, const uint8_t *src, size_t srclen,
		 uint8_t *dst);
size_t na_decode_end(struct na_dec *st, uint8_t *dst);

#endif
