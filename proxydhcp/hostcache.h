/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host names of client addresses, remembered for a while so that a busy
 * segment does not cost one resolver lookup per request.  Direct-mapped:
 * a new address may push out an old one.  Failed lookups are remembered
 * too (as an empty name).  Time is the caller's, in seconds.
 */
#ifndef PROXYDHCP_HOSTCACHE_H
#define PROXYDHCP_HOSTCACHE_H

#include <stdbool.h>
#include <stdint.h>

#define HOSTCACHE_SLOTS 1024
#define HOSTCACHE_TTL 60
#define HOSTCACHE_NAME 256

struct hostcache_slot {
	uint32_t ip;             /* network order, 0 for an empty slot */
	uint64_t expires;
	char name[HOSTCACHE_NAME];
};

struct hostcache {
	struct hostcache_slot slot[HOSTCACHE_SLOTS];
};

/* The name remembered for ip ("" when the lookup failed), or NULL. */
const char *hostcache_get(const struct hostcache *hc, uint32_t ip,
			  uint64_t now);
/* Remembers name (NULL or "" for a failed lookup) for HOSTCACHE_TTL. */
void hostcache_put(struct hostcache *hc, uint32_t ip, const char *name,
		   uint64_t now);
void hostcache_clear(struct hostcache *hc);

#endif
