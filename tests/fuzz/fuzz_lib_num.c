/* SPDX-License-Identifier: GPL-2.0-or-later */
/* num_parse_mem and num_parse_hex_mem over arbitrary bytes: results must
 * respect the range they were given. */
#include <stdint.h>
#include <stdlib.h>

#include "num.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t v;

	if (num_parse_mem((const char *)data, size, 8, 65464, &v) == 0 &&
	    (v < 8 || v > 65464))
		abort();
	if (num_parse_hex_mem((const char *)data, size, 0, 0xffff, &v) == 0 &&
	    v > 0xffff)
		abort();
	return 0;
}
