/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the hosts and profiles parsers share (lines.c): lines, names,
 * keys and values, firmware families, and the key=value setting both
 * files hold.  The formats are described in bootcfg(5).
 */
#ifndef BC_LINES_H
#define BC_LINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/*
 * The firmware clients the DHCP outputs hand a boot file to, one per
 * architecture name of proxydhcp(5); a profile names each one's file with
 * the key "ipxe-" NAME (bootcfg(5)).  UEFI HTTP boot clients say so with
 * vendor class "HTTPClient" and need a URL, never a TFTP path.
 */
enum bc_fw {
	BC_FW_BIOS,             /* option 93 type 0 */
	BC_FW_EFI_X64,          /* 7 and 9 */
	BC_FW_EFI_IA32,         /* 6 */
	BC_FW_EFI_ARM64,        /* 11 */
	BC_FW_EFI_X64_HTTP,     /* 16, HTTPClient */
	BC_FW_EFI_ARM64_HTTP,   /* 19, HTTPClient */
	BC_FW_COUNT
};

struct bc_fw_info {
	const char *name;       /* "efi-x64-http", as proxydhcp(5) spells it */
	const char *key;        /* its profile key, "ipxe-efi-x64-http" */
	const char *dflt;       /* its file when no key is set, or NULL */
	enum bc_arch arch;      /* the family it runs iPXE as */
	uint16_t type[2];       /* its option 93 values ... */
	unsigned ntype;         /* ... this many */
	bool http;              /* a URL, for an HTTPClient */
};

const struct bc_fw_info *bc_fw_info(enum bc_fw f);

/* A value that stands for no file at all ("-"). */
bool bc_value_none(const char *v);

/*
 * A key's one spelling: "ipxe-efi-x64" for its older name "ipxe-efi",
 * key itself otherwise.
 */
const char *bc_key_canon(const char *key, size_t len, size_t *outlen);

struct bc_kv {
	const char *key;        /* "kernel", "kernel.efi-x64", "site" */
	const char *val;
	unsigned line;
};

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
/* A key: lower-case letters, digits, '-' and '_', at most BC_KEY_MAX. */
bool bc_key_ok(const char *s, size_t n);

#endif
