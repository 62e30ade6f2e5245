/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The hosts table (hosts.c): one machine per line, parsed over (buf, len)
 * and checked; every problem is reported as "FILE:LINE: message" into a
 * struct diag, never stopping at the first one, so one run shows the
 * admin everything to fix.  The format is described in bootcfg(5).
 */
#ifndef BC_HOSTS_H
#define BC_HOSTS_H

#include <netinet/in.h>

#include "lines.h"
#include "mac.h"

struct bc_profiles;

struct bc_host {
	uint8_t mac[MAC_LEN];
	const char *name;       /* given, or derived "mac-<12 hex digits>" */
	const char *profile;    /* name as written */
	int prof;               /* index into bc_profiles.v once resolved */
	bool has_ip, disabled, short_form;
	struct in_addr ip;
	char ipstr[INET_ADDRSTRLEN];
	unsigned line;
	struct bc_kv *kv;
	size_t nkv;
};

struct bc_hosts {
	const char *file;
	struct bc_host *v;
	size_t n, cap;
	struct hindex bymac, byip, byname;
	struct arena arena;
};

/*
 * Parse into an empty (zeroed) table; file names the input in messages and
 * is kept by pointer.  Return the number of errors added to d.
 */
unsigned bc_hosts_parse(struct bc_hosts *h, const char *file,
			const char *buf, size_t len, struct diag *d);
/* Points every host at its profile; unknown profiles are errors. */
unsigned bc_hosts_resolve(struct bc_hosts *h, const struct bc_profiles *p,
			  struct diag *d);
void bc_hosts_free(struct bc_hosts *h);

/* The host with this MAC, or NULL. */
const struct bc_host *bc_hosts_find(const struct bc_hosts *h,
				    const uint8_t mac[MAC_LEN]);

#endif
