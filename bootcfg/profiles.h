/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The profiles file (profiles.c): [defaults] and [profile NAME] sections
 * of key = value lines, parsed over (buf, len) with every problem reported
 * as "FILE:LINE: message"; and the look-up of a host's setting through
 * its own values, its profile and [defaults].  See bootcfg(5).
 */
#ifndef BC_PROFILES_H
#define BC_PROFILES_H

#include "hosts.h"

/* What a profile boots. */
enum bc_kind {
	BC_KIND_NONE,
	BC_KIND_LINUX,          /* kernel [initrd] [append] */
	BC_KIND_SANBOOT,        /* sanboot = aoe:eX.Y (or another iPXE SAN URI) */
	BC_KIND_WINPE,          /* winpe = DIR/ (Boot/BCD, Boot/boot.sdi, sources/boot.wim) */
	BC_KIND_ISO,            /* iso = FILE booted by memdisk */
	BC_KIND_LOCAL,          /* local = yes */
	BC_KIND_RESTORE,        /* restore = NAME: the restore environment */
};

struct bc_profile {
	const char *name;
	unsigned line;
	enum bc_kind kind;
	size_t first, nkv;      /* this profile's slice of bc_profiles.kv */
};

struct bc_profiles {
	const char *file;
	struct bc_profile *v;
	size_t n;
	struct bc_kv *kv;
	size_t nkv;
	int defaults;           /* index of [defaults], or -1 */
	struct hindex byname;
	struct arena arena;
};

/* Parse into an empty (zeroed) set, as bc_hosts_parse() does. */
unsigned bc_profiles_parse(struct bc_profiles *p, const char *file,
			   const char *buf, size_t len, struct diag *d);
void bc_profiles_free(struct bc_profiles *p);

/*
 * A setting for host h on arch: the host's own key=value first, then its
 * profile's key.ARCH and key, then [defaults] key.ARCH and key.  *file is
 * set to the file the winner came from (for messages).  NULL when unset.
 */
const struct bc_kv *bc_lookup(const struct bc_hosts *hs,
			      const struct bc_profiles *ps,
			      const struct bc_host *h, const char *key,
			      enum bc_arch arch, const char **file);

/* Why the value of a known key (arch suffix removed) is wrong, or NULL. */
const char *bc_check_setting(const char *key, const char *val);

#endif
