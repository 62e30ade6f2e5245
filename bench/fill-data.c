/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fill-data: reproducible file contents for bench/mkimz, fast (a helper:
 * the targets are in bench/mkimz).
 *
 *   fill-data text|random BYTES SEED >FILE
 *
 * "random" is incompressible (a 64-bit mixing generator, several GB/s);
 * "text" is lines of words drawn from a small vocabulary, which zstd
 * compresses about as well as prose.  The same SEED gives the same bytes.
 * Exit status: 0, 1 on a write error, 2 on bad arguments.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "num.h"

#define BUF_SIZE (1u << 20)

static const char *const words[] = {
	"boot", "server", "image", "cluster", "sector", "partition", "the",
	"of", "and", "a", "to", "in", "is", "file", "directory", "volume",
	"network", "client", "table", "entry", "restore", "capture", "disk",
	"allocation", "chain", "free", "used", "size", "name", "long",
	"short", "data", "root", "reserved", "copy", "write", "read",
	"checksum", "header", "chunk", "frame", "compressed", "target",
};

static uint64_t next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static size_t fill_random(uint8_t *buf, size_t len, uint64_t *s)
{
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		uint64_t v = next(s);

		memcpy(buf + i, &v, 8);
	}
	return i;
}

/* Whole words and newlines only; returns how much of buf was filled. */
static size_t fill_text(uint8_t *buf, size_t len, uint64_t *s)
{
	const size_t nwords = sizeof(words) / sizeof(words[0]);
	size_t i = 0, col = 0;

	while (i + 16 < len) {
		uint64_t r = next(s);
		const char *w = words[r % nwords];
		size_t wl = strlen(w);

		memcpy(buf + i, w, wl);
		i += wl;
		col += wl + 1;
		buf[i++] = col > 64 + (r >> 60) ? '\n' : ' ';
		if (buf[i - 1] == '\n')
			col = 0;
	}
	return i;
}

static int write_all(const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(STDOUT_FILENO, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t left, seed;
	uint8_t *buf;
	int text;

	if (argc != 4 || (strcmp(argv[1], "text") && strcmp(argv[1], "random")) ||
	    num_parse(argv[2], 0, UINT64_MAX, &left) ||
	    num_parse(argv[3], 0, UINT64_MAX, &seed)) {
		fprintf(stderr, "usage: fill-data text|random BYTES SEED\n");
		return 2;
	}
	text = argv[1][0] == 't';
	buf = malloc(BUF_SIZE);
	if (!buf)
		return 1;
	while (left > 0) {
		size_t n = text ? fill_text(buf, BUF_SIZE, &seed)
				: fill_random(buf, BUF_SIZE, &seed);

		if (n > left)
			n = (size_t)left;
		if (write_all(buf, n)) {
			perror("fill-data: write");
			return 1;
		}
		left -= n;
	}
	free(buf);
	return 0;
}
