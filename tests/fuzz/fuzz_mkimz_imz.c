/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The .imz reader over arbitrary bytes, as verify runs it but in memory:
 * header, metadata parts, cluster map, chunks, trailer.  Inputs whose
 * header asks for more than 16 MiB of metadata are skipped so each run
 * stays fast; the reader caps everything else by the header's geometry.
 */
#include <stdint.h>
#include <string.h>

#include "../../mkimz/imz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct imz_header h;
	char err[256];

	if (!imz_header_decode(data, size, &h, err, sizeof(err)) &&
	    imz_reserved_bytes(&h) + imz_fat_bytes(&h) + imz_root_bytes(&h) +
			    imz_map_bytes(&h) >
		    (16u << 20))
		return 0;
	if (imz_verify_mem(data, size, err, sizeof(err)) == 0 &&
	    size < IMZ_HDR_LEN + IMZ_PART_LEN)
		__builtin_trap();	/* cannot be a whole image */
	return 0;
}
