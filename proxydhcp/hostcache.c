/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A small direct-mapped cache of reverse lookups. */
#include <stdio.h>
#include <string.h>

#include "hostcache.h"

static size_t slot_of(uint32_t ip)
{
	return ((ip * 2654435761u) >> 16) % HOSTCACHE_SLOTS;
}

const char *hostcache_get(const struct hostcache *hc, uint32_t ip,
			  uint64_t now)
{
	const struct hostcache_slot *s = &hc->slot[slot_of(ip)];

	if (ip == 0 || s->ip != ip || now >= s->expires)
		return NULL;
	return s->name;
}

void hostcache_put(struct hostcache *hc, uint32_t ip, const char *name,
		   uint64_t now)
{
	struct hostcache_slot *s = &hc->slot[slot_of(ip)];

	if (ip == 0)
		return;
	s->ip = ip;
	s->expires = now + HOSTCACHE_TTL;
	snprintf(s->name, sizeof(s->name), "%s", name ? name : "");
}

void hostcache_clear(struct hostcache *hc)
{
	memset(hc, 0, sizeof(*hc));
}
