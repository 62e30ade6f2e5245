/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mac_parse_mem over arbitrary bytes: a parse that succeeds must format
 * back to a string that parses to the same address. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mac.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t mac[MAC_LEN], again[MAC_LEN];
	char text[MAC_STRLEN];

	if (mac_parse_mem((const char *)data, size, mac) != 0)
		return 0;
	for (int f = MAC_FMT_COLON; f <= MAC_FMT_PXELINUX; f++) {
		mac_format(mac, (enum mac_fmt)f, text);
		if (mac_parse(text, again) != 0 || memcmp(mac, again, MAC_LEN))
			abort();
	}
	return 0;
}
