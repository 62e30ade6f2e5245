/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The .chk reader over arbitrary bytes, as pack reads the previous .chk:
 * chk_decode() and chk_next_counter().  What decodes must encode back to
 * the same 512 bytes and count on by one.
 */
#include <stdint.h>
#include <string.h>

#include "../../mkimz/chk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t out[CHK_LEN];
	struct fat_geom g;
	struct chk c;
	char err[256];

	if (chk_decode(data, size, &c, err, sizeof(err))) {
		if (chk_next_counter(data, size) != 1)
			__builtin_trap();
		return 0;
	}
	if (size != CHK_LEN || fat_parse_boot(data, size, &g, err, sizeof(err)))
		__builtin_trap();
	chk_encode(data, &g, c.counter, c.checksum16, out);
	if (memcmp(out, data, CHK_LEN) ||
	    chk_next_counter(data, size) != (uint16_t)(c.counter + 1))
		__builtin_trap();
	return 0;
}
