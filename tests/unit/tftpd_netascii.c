/* SPDX-License-Identifier: GPL-2.0-or-later */
/* netascii line ends: the block-by-block encoder and the decoder. */
#include <stdlib.h>
#include <string.h>

#include "../../tftpd/netascii.h"
#include "tap.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static struct na_enc enc_init(void)
{
	struct na_enc st = { -1 };

	return st;
}

static void test_encode(void)
{
	static const uint8_t src[] = "a\nb\rc";
	struct na_enc st = enc_init();
	uint8_t dst[16];
	size_t used = 99, n;

	n = na_encode(&st, src, 5, &used, dst, sizeof(dst));
	is_int(n, 7, "encode: 5 bytes become 7");
	is_int(used, 5, "encode: all source used");
	is_mem(dst, "a\r\nb\r\0c", 7, "encode: LF is CR LF, CR is CR NUL");
	is_int(st.pending, -1, "encode: nothing pending");

	st = enc_init();
	n = na_encode(&st, (const uint8_t *)"plain", 5, &used, dst,
		      sizeof(dst));
	ok(n == 5 && used == 5 && memcmp(dst, "plain", 5) == 0,
	   "encode: text without line ends unchanged");

	st = enc_init();
	n = na_encode(&st, src, 0, &used, dst, sizeof(dst));
	ok(n == 0 && used == 0, "encode: empty source, nothing written");
	n = na_encode(&st, src, 5, &used, dst, 0);
	ok(n == 0 && used == 0, "encode: empty destination, nothing used");
}

static void test_encode_split(void)
{
	struct na_enc st = enc_init();
	uint8_t dst[8];
	size_t used = 99, n;

	n = na_encode(&st, (const uint8_t *)"\n", 1, &used, dst, 1);
	ok(n == 1 && used == 1 && dst[0] == '\r',
	   "LF into 1 byte: CR written, LF used");
	is_int(st.pending, '\n', "LF pending");
	n = na_encode(&st, (const uint8_t *)"x", 1, &used, dst, 1);
	ok(n == 1 && used == 0 && dst[0] == '\n',
	   "next block starts with the pending LF, uses nothing");
	n = na_encode(&st, (const uint8_t *)"x", 1, &used, dst, 1);
	ok(n == 1 && used == 1 && dst[0] == 'x', "then the next byte");

	st = enc_init();
	n = na_encode(&st, (const uint8_t *)"\r", 1, &used, dst, 1);
	ok(n == 1 && used == 1 && dst[0] == '\r' && st.pending == 0,
	   "CR into 1 byte: NUL pending");
	n = na_encode(&st, NULL, 0, &used, dst, sizeof(dst));
	ok(n == 1 && used == 0 && dst[0] == '\0' && st.pending == -1,
	   "pending NUL flushed with no source left");
	n = na_encode(&st, NULL, 0, &used, dst, sizeof(dst));
	is_int(n, 0, "then nothing more");

	/* "ab\ncd" in blocks of 3: "ab\r" then "\ncd". */
	st = enc_init();
	n = na_encode(&st, (const uint8_t *)"ab\ncd", 5, &used, dst, 3);
	ok(n == 3 && used == 3 && memcmp(dst, "ab\r", 3) == 0,
	   "first block ends inside the pair");
	n = na_encode(&st, (const uint8_t *)"cd", 2, &used, dst, 3);
	ok(n == 3 && used == 2 && memcmp(dst, "\ncd", 3) == 0,
	   "second block finishes it");

	st = enc_init();
	n = na_encode(&st, (const uint8_t *)"\n\n\n", 3, &used, dst, 5);
	ok(n == 5 && used == 3 && memcmp(dst, "\r\n\r\n\r", 5) == 0,
	   "three LFs into 5 bytes: all used, one LF pending");
	is_int(st.pending, '\n', "the last LF pending");
	n = na_encode(&st, (const uint8_t *)"", 0, &used, dst, 0);
	ok(n == 0 && used == 0 && st.pending == '\n',
	   "empty destination keeps the pending byte");
}

static void test_decode(void)
{
	struct na_dec st = { 0 };
	uint8_t dst[16];
	size_t n;

	n = na_decode(&st, (const uint8_t *)"a\r\nb", 4, dst);
	ok(n == 3 && memcmp(dst, "a\nb", 3) == 0, "decode: CR LF is LF");
	n = na_decode(&st, (const uint8_t *)"a\r\0b", 4, dst);
	ok(n == 3 && memcmp(dst, "a\rb", 3) == 0, "decode: CR NUL is CR");
	n = na_decode(&st, (const uint8_t *)"a\rxb", 4, dst);
	ok(n == 4 && memcmp(dst, "a\rxb", 4) == 0, "decode: CR x stays CR x");
	n = na_decode(&st, (const uint8_t *)"\r\r\n", 3, dst);
	ok(n == 2 && memcmp(dst, "\r\n", 2) == 0, "decode: CR CR LF is CR LF");
	n = na_decode(&st, (const uint8_t *)"\0\n", 2, dst);
	ok(n == 2 && memcmp(dst, "\0\n", 2) == 0,
	   "decode: bare NUL and LF pass through");
	is_int(na_decode_end(&st, dst), 0, "decode_end with nothing held");

	n = na_decode(&st, (const uint8_t *)"xy\r", 3, dst);
	ok(n == 2 && memcmp(dst, "xy", 2) == 0 && st.cr,
	   "CR at the end of a call is held");
	n = na_decode(&st, (const uint8_t *)"\nz", 2, dst);
	ok(n == 2 && memcmp(dst, "\nz", 2) == 0 && !st.cr,
	   "LF in the next call completes CR LF");

	na_decode(&st, (const uint8_t *)"\r", 1, dst);
	n = na_decode(&st, (const uint8_t *)"\0", 1, dst);
	ok(n == 1 && dst[0] == '\r', "held CR then NUL is CR");

	na_decode(&st, (const uint8_t *)"\r", 1, dst);
	n = na_decode(&st, (const uint8_t *)"q", 1, dst);
	ok(n == 2 && memcmp(dst, "\rq", 2) == 0,
	   "held CR then x: srclen + 1 bytes out");

	na_decode(&st, (const uint8_t *)"\r", 1, dst);
	n = na_decode(&st, (const uint8_t *)"", 0, dst);
	ok(n == 0 && st.cr, "empty call keeps the held CR");
	n = na_decode(&st, (const uint8_t *)"\r", 1, dst);
	ok(n == 1 && dst[0] == '\r' && st.cr, "held CR then CR: one out, one held");
	dst[0] = 0;
	is_int(na_decode_end(&st, dst), 1, "decode_end flushes a held CR");
	is_int(dst[0], '\r', "the flushed byte is CR");
	is_int(na_decode_end(&st, dst), 0, "and only once");
}

/* Random bytes, with line ends and NULs common enough to matter. */
static void fill_random(uint8_t *p, size_t n)
{
	static const uint8_t special[] = { '\r', '\n', '\0' };

	for (size_t i = 0; i < n; i++)
		p[i] = rand() % 4 == 0 ? special[rand() % 3]
				       : (uint8_t)(rand() & 0xff);
}

/*
 * Encodes src in blocks of bs (0: random sizes 1..600), decoding each block
 * as it is made; returns whether the result equals src and the wire length
 * is what the line ends predict.
 */
static int round_trip(const uint8_t *src, size_t len, size_t bs)
{
	uint8_t *wire_blk = malloc(600), *out = malloc(2 * len + 2);
	struct na_enc enc = enc_init();
	struct na_dec dec = { 0 };
	size_t off = 0, o = 0, wire = 0, expect = len;
	int good = 1;

	if (wire_blk == NULL || out == NULL) {
		free(wire_blk);
		free(out);
		return 0;
	}
	for (size_t i = 0; i < len; i++)
		expect += src[i] == '\r' || src[i] == '\n';
	while (off < len || enc.pending >= 0) {
		size_t cap = bs ? bs : 1 + (size_t)rand() % 600, used, n;

		n = na_encode(&enc, src + off, len - off, &used, wire_blk, cap);
		if (n == 0 || used > len - off) {
			good = 0;
			break;
		}
		off += used;
		wire += n;
		o += na_decode(&dec, wire_blk, n, out + o);
		if (o > len) {
			good = 0;
			break;
		}
	}
	if (good)
		o += na_decode_end(&dec, out + o);
	good = good && wire == expect && o == len && memcmp(out, src, len) == 0;
	free(wire_blk);
	free(out);
	return good;
}

static void test_round_trip(void)
{
	static const size_t sizes[] = { 1, 2, 3, 7, 8, 511, 512, 513, 0 };
	enum { LEN = 20000 };
	uint8_t *src = malloc(LEN);

	if (src == NULL) {
		ok(0, "malloc for the round trip");
		return;
	}
	srand(1350);
	fill_random(src, LEN);
	for (size_t i = 0; i < N_ELEMS(sizes); i++)
		ok(round_trip(src, LEN, sizes[i]),
		   "round trip of %d random bytes in blocks of %zu%s", LEN,
		   sizes[i], sizes[i] ? "" : " (random sizes)");

	memset(src, '\r', 1000);
	ok(round_trip(src, 1000, 1), "round trip of 1000 CRs, 1-byte blocks");
	memset(src, '\n', 1000);
	ok(round_trip(src, 1000, 3), "round trip of 1000 LFs, 3-byte blocks");
	memcpy(src, "\r\n\r\r\n\n\r", 7);
	ok(round_trip(src, 7, 2), "round trip of mixed CR and LF");
	ok(round_trip(src, 1, 1), "round trip of a lone CR");
	free(src);
}

int main(void)
{
	test_encode();
	test_encode_split();
	test_decode();
	test_round_trip();
	return tap_done();
}
