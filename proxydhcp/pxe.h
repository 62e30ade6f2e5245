/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the policy knows of a client: architecture classes and names. */
#ifndef PROXYDHCP_PXE_H
#define PROXYDHCP_PXE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Architecture classes a boot file is chosen by. */
enum pxe_arch {
	PXE_BIOS,
	PXE_EFI_IA32,
	PXE_EFI_X64,       /* types 7 and 9 */
	PXE_EFI_ARM32,
	PXE_EFI_ARM64,
	PXE_HTTP_X86,
	PXE_HTTP_X64,
	PXE_HTTP_ARM64,
	PXE_ARCH_OTHER,    /* a type this server has no name for */
	PXE_ARCH_COUNT,
};

/* The class of an option 93 type. */
enum pxe_arch pxe_arch_class(uint16_t type);
/* "bios", "efi-x64", ... "other". */
const char *pxe_arch_name(enum pxe_arch a);
bool pxe_arch_is_efi(enum pxe_arch a);
bool pxe_arch_is_http(enum pxe_arch a);

/*
 * The option 93 types a name stands for (len bytes at s): a class name
 * above or a decimal type.  Stores up to max types in types[] and their
 * count in *n.  Returns 0 or -EINVAL.
 */
int pxe_arch_types(const char *s, size_t len, uint16_t *types, unsigned max,
		   unsigned *n);

/* Facts about a client a rule can match on. */
struct pxe_client {
	const uint8_t *mac;    /* 6 bytes */
	bool has_ip;
	uint32_t ip;           /* network order, when has_ip */
	const char *host;      /* reverse-resolved name, or NULL */
	uint16_t arch;         /* option 93 type */
	bool ipxe;
};

/*
 * Whether a configured node name names host: equal ignoring case, or equal
 * to host's first label.
 */
bool pxe_host_matches(const char *name, const char *host);

/*
 * Where the parsers of --table and --xcat-cfg send the problems they find,
 * each one line of text, in file order: fn (when not NULL) is called with
 * arg and the line, and n counts them.
 */
struct pxe_report {
	void (*fn)(void *arg, const char *msg);
	void *arg;
	unsigned n;
};

/* One problem, formatted, to r. */
void pxe_report(struct pxe_report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Keeps the first problem in a buffer: the arg of pxe_report_first. */
struct pxe_first {
	char *buf;
	size_t len;
};

/* A pxe_report fn storing the first message into a struct pxe_first. */
void pxe_report_first(void *arg, const char *msg);

#endif
