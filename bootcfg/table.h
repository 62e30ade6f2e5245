/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The two inputs bootcfg reads, parsed and checked: the hosts table (one
 * machine per line) and the profiles file ([profile NAME] sections of
 * key = value lines).  Both parsers work over (buf, len), report every
 * problem as "FILE:LINE: message" into a struct diag, and never stop at
 * the first one, so one run shows the admin everything to fix.
 * The formats are described in bootcfg(5).
 */
#ifndef BC_TABLE_H
#define BC_TABLE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mac.h"
#include "util.h"

/* Longest input line, host name and key. */
#define BC_LINE_MAX 4096
#define BC_NAME_MAX 63
#define BC_KEY_MAX 32
#define BC_KV_MAX 64            /* key=value settings on one host line */

/* Firmware families a profile may give different files to. */
enum bc_arch {
	BC_ARCH_BIOS,           /* PXE arch 0: pxelinux, undionly.kpxe */
	BC_ARCH_EFI_X64,        /* PXE arch 7 and 9 */
	BC_ARCH_EFI_IA32,       /* PXE arch 6 */
	BC_ARCH_EFI_ARM64,      /* PXE arch 11 */
	BC_ARCH_COUNT
};

const char *bc_arch_name(enum bc_arch a);
/* A name (bios, efi-x64, ...), an iPXE platform word or a PXE arch number; -1 if none. */
int bc_arch_parse(const char *s, size_t len);

/* What a profile boots. */
enum bc_kind {
	BC_KIND_NONE,
	BC_KIND_LINUX,          /* kernel [initrd] [append] */
	BC_KIND_SANBOOT,        /* sanboot = aoe:eX.Y (or another iPXE SAN URI) */
	BC_KIND_WINPE,          /* winpe = DIR/ (Boot/BCD, Boot/boot.sdi, sources/boot.wim) */
	BC_KIND_ISO,            /* iso = FILE booted by memdisk */
	BC_KIND_LOCAL,          /* local = yes */
};

struct bc_kv {
	const char *key;        /* "kernel", "kernel.efi-x64", "site" */
	const char *val;
	unsigned line;
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
unsigned bc_profiles_parse(struct bc_profiles *p, const char *file,
			   const char *buf, size_t len, struct diag *d);
/* Points every host at its profile; unknown profiles are errors. */
unsigned bc_hosts_resolve(struct bc_hosts *h, const struct bc_profiles *p,
			  struct diag *d);
void bc_hosts_free(struct bc_hosts *h);
void bc_profiles_free(struct bc_profiles *p);

/* The host with this MAC, or NULL. */
const struct bc_host *bc_hosts_find(const struct bc_hosts *h,
				    const uint8_t mac[MAC_LEN]);

/*
 * A setting for host h on arch: the host's own key=value first, then its
 * profile's key.ARCH and key, then [defaults] key.ARCH and key.  *file is
 * set to the file the winner came from (for messages).  NULL when unset.
 */
const struct bc_kv *bc_lookup(const struct bc_hosts *hs,
			      const struct bc_profiles *ps,
			      const struct bc_host *h, const char *key,
			      enum bc_arch arch, const char **file);

/* --- shared by both parsers (lines.c) ------------------------------------ */

struct bc_lines {
	const char *buf, *file;
	size_t len, pos;
	unsigned lineno;
};

/*
 * The next line without its newline (and a CR before it), skipping blank
 * and comment lines; false at the end.  Lines that are too long or hold a
 * NUL byte are reported and skipped.
 */
bool bc_next_line(struct bc_lines *l, const char **s, size_t *n,
		  struct diag *d);
/* Strips blanks at both ends. */
void bc_trim(const char **s, size_t *n);
/* Printable ASCII, no " \ ` or control bytes; escape.c does the rest. */
bool bc_value_ok(const char *s, size_t n);
/* A host or profile name: letters, digits, '-', '.', '_' as allowed per kind. */
bool bc_hostname_ok(const char *s, size_t n);
bool bc_word_ok(const char *s, size_t n);
/* Why the value of a known key (arch suffix removed) is wrong, or NULL. */
const char *bc_check_setting(const char *key, const char *val);
/* A key: lower-case letters, digits, '-' and '_', at most BC_KEY_MAX. */
bool bc_key_ok(const char *s, size_t n);

#endif
