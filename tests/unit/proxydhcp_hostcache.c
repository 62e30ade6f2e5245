/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The reverse-lookup cache: hits, expiry, failures remembered, eviction. */
#include <stdlib.h>
#include <string.h>

#include "../../proxydhcp/hostcache.h"
#include "tap.h"

int main(void)
{
	struct hostcache *hc = calloc(1, sizeof(*hc));
	char longname[400];
	uint32_t ip = 0x640012c6u, other = 0;

	if (hc == NULL)
		return 1;
	ok(hostcache_get(hc, ip, 100) == NULL, "empty cache: miss");
	hostcache_put(hc, ip, "node1.lab", 100);
	is_str(hostcache_get(hc, ip, 100), "node1.lab", "hit");
	is_str(hostcache_get(hc, ip, 159), "node1.lab", "hit before the TTL");
	ok(hostcache_get(hc, ip, 160) == NULL, "miss after the TTL");
	hostcache_put(hc, ip, NULL, 200);
	is_str(hostcache_get(hc, ip, 200), "", "a failed lookup is remembered");
	hostcache_put(hc, 0, "zero", 200);
	ok(hostcache_get(hc, 0, 200) == NULL, "address 0 is never cached");

	/* Find another address in the same slot: it replaces the first. */
	for (uint32_t x = 1; x < 1000000 && other == 0; x++) {
		hostcache_put(hc, x, "probe", 300);
		if (hostcache_get(hc, ip, 200) == NULL)
			other = x;
		hostcache_clear(hc);
		hostcache_put(hc, ip, "", 200);
	}
	ok(other != 0, "a colliding address exists");
	hostcache_put(hc, other, "other", 200);
	ok(hostcache_get(hc, ip, 200) == NULL, "the older one was pushed out");
	is_str(hostcache_get(hc, other, 200), "other", "the newer one is there");

	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	hostcache_put(hc, ip, longname, 300);
	is_int(strlen(hostcache_get(hc, ip, 300)), HOSTCACHE_NAME - 1,
	       "long names cut to the slot");
	hostcache_clear(hc);
	ok(hostcache_get(hc, other, 200) == NULL, "cleared");
	free(hc);
	return tap_done();
}
