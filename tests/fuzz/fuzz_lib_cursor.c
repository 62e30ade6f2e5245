/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Drives the read cursor with ops taken from the input itself, over the
 * input, and log_escape over the same bytes: ASan catches any overread. */
#include <stdint.h>
#include <stdlib.h>

#include "cursor.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void step(struct cur *c, uint8_t op)
{
	size_t n;

	switch (op % 8) {
	case 0: (void)cur_u8(c); break;
	case 1: (void)cur_be16(c); break;
	case 2: (void)cur_be32(c); break;
	case 3: (void)cur_le64(c); break;
	case 4: (void)cur_cstr(c, &n); break;
	case 5: (void)cur_skip(c, op >> 3); break;
	case 6: (void)cur_bytes(c, (size_t)op << 4); break;
	default: (void)cur_le32(c); break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cur c = cur_init(data, size);
	char out[40];
	size_t before;

	for (size_t i = 0; i < size && cur_ok(&c); i++) {
		before = cur_left(&c);
		step(&c, data[i]);
		if (cur_left(&c) > before)
			abort();
	}
	log_escape(out, sizeof(out), data, size);
	if (out[sizeof(out) - 1] != '\0' && memchr(out, 0, sizeof(out)) == NULL)
		abort();
	return 0;
}
