/* SPDX-License-Identifier: GPL-2.0-or-later */
/* addr_parse over arbitrary text: a parsed address formats back to text
 * that parses to the same address. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../tftpd/addr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockaddr_storage ss, ss2;
	socklen_t len, len2;
	char text[ADDR_STRLEN];
	char *s;

	if (size > 256)
		return 0;
	s = malloc(size + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (addr_parse(s, AF_UNSPEC, 69, &ss, &len) == 0) {
		addr_format((struct sockaddr *)&ss, text, sizeof(text));
		if (addr_parse(text, AF_UNSPEC, 69, &ss2, &len2) != 0 ||
		    len != len2 || memcmp(&ss, &ss2, len) != 0)
			abort();
	}
	free(s);
	return 0;
}
