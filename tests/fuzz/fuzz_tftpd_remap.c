/* SPDX-License-Identifier: GPL-2.0-or-later */
/* remap_parse over arbitrary bytes; rules that parse are applied to a few
 * names a boot client sends: a result must fit out, a refusal leaves out
 * empty, and everything is freed. */
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../tftpd/remap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = {
	"pxelinux.0",
	"/tftpboot/pxelinux.cfg/01-52-54-00-12-34-56",
	"\\Boot\\BCD",
	"",
};

static void check(const struct remap *rm, const char *name, bool is_write,
		  const struct sockaddr *peer, size_t outlen)
{
	char out[REMAP_NAME_MAX];
	enum remap_result res;

	res = remap_apply(rm, name, is_write, peer, out, outlen);
	if (res == REMAP_OK ? strlen(out) >= outlen : out[0] != '\0')
		abort();
}

static void apply_all(const struct remap *rm)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };

	sin.sin_addr.s_addr = htonl(0xc6120001);
	sin6.sin6_addr.s6_addr[0] = 0x20;
	sin6.sin6_addr.s6_addr[15] = 1;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		check(rm, names[i], false, (struct sockaddr *)&sin,
		      REMAP_NAME_MAX);
		check(rm, names[i], true, (struct sockaddr *)&sin6, 16);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[128];
	struct remap *rm;

	rm = remap_parse((const char *)data, size, err, sizeof(err));
	if (rm == NULL) {
		if (strncmp(err, "line ", 5) != 0)
			abort();
		return 0;
	}
	apply_all(rm);
	remap_free(rm);
	return 0;
}
