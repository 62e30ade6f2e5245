/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Architecture classes and host name matching. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dhcp.h"
#include "num.h"
#include "pxe.h"

static const char *const arch_names[PXE_ARCH_COUNT] = {
	[PXE_BIOS] = "bios",
	[PXE_EFI_IA32] = "efi-ia32",
	[PXE_EFI_X64] = "efi-x64",
	[PXE_EFI_ARM32] = "efi-arm32",
	[PXE_EFI_ARM64] = "efi-arm64",
	[PXE_HTTP_X86] = "efi-x86-http",
	[PXE_HTTP_X64] = "efi-x64-http",
	[PXE_HTTP_ARM64] = "efi-arm64-http",
	[PXE_ARCH_OTHER] = "other",
};

enum pxe_arch pxe_arch_class(uint16_t type)
{
	switch (type) {
	case PXE_ARCH_TYPE_BIOS: return PXE_BIOS;
	case PXE_ARCH_TYPE_EFI_IA32: return PXE_EFI_IA32;
	case PXE_ARCH_TYPE_EFI_BC:
	case PXE_ARCH_TYPE_EFI_X64: return PXE_EFI_X64;
	case PXE_ARCH_TYPE_EFI_ARM32: return PXE_EFI_ARM32;
	case PXE_ARCH_TYPE_EFI_ARM64: return PXE_EFI_ARM64;
	case PXE_ARCH_TYPE_HTTP_X86: return PXE_HTTP_X86;
	case PXE_ARCH_TYPE_HTTP_X64: return PXE_HTTP_X64;
	case PXE_ARCH_TYPE_HTTP_ARM64: return PXE_HTTP_ARM64;
	default: return PXE_ARCH_OTHER;
	}
}

const char *pxe_arch_name(enum pxe_arch a)
{
	return a < PXE_ARCH_COUNT ? arch_names[a] : "other";
}

bool pxe_arch_is_efi(enum pxe_arch a)
{
	return a != PXE_BIOS && a != PXE_ARCH_OTHER && a < PXE_ARCH_COUNT;
}

bool pxe_arch_is_http(enum pxe_arch a)
{
	return a == PXE_HTTP_X86 || a == PXE_HTTP_X64 || a == PXE_HTTP_ARM64;
}

static const uint16_t class_types[PXE_ARCH_OTHER][2] = {
	[PXE_BIOS] = { PXE_ARCH_TYPE_BIOS, PXE_ARCH_TYPE_BIOS },
	[PXE_EFI_IA32] = { PXE_ARCH_TYPE_EFI_IA32, PXE_ARCH_TYPE_EFI_IA32 },
	[PXE_EFI_X64] = { PXE_ARCH_TYPE_EFI_BC, PXE_ARCH_TYPE_EFI_X64 },
	[PXE_EFI_ARM32] = { PXE_ARCH_TYPE_EFI_ARM32, PXE_ARCH_TYPE_EFI_ARM32 },
	[PXE_EFI_ARM64] = { PXE_ARCH_TYPE_EFI_ARM64, PXE_ARCH_TYPE_EFI_ARM64 },
	[PXE_HTTP_X86] = { PXE_ARCH_TYPE_HTTP_X86, PXE_ARCH_TYPE_HTTP_X86 },
	[PXE_HTTP_X64] = { PXE_ARCH_TYPE_HTTP_X64, PXE_ARCH_TYPE_HTTP_X64 },
	[PXE_HTTP_ARM64] = { PXE_ARCH_TYPE_HTTP_ARM64, PXE_ARCH_TYPE_HTTP_ARM64 },
};

static int add_type(uint16_t *types, unsigned max, unsigned *n, uint16_t t)
{
	for (unsigned i = 0; i < *n; i++)
		if (types[i] == t)
			return 0;
	if (*n >= max)
		return -EINVAL;
	types[(*n)++] = t;
	return 0;
}

int pxe_arch_types(const char *s, size_t len, uint16_t *types, unsigned max,
		   unsigned *n)
{
	uint64_t v;

	for (unsigned a = 0; a < PXE_ARCH_OTHER; a++) {
		if (strlen(arch_names[a]) != len ||
		    strncasecmp(arch_names[a], s, len) != 0)
			continue;
		if (add_type(types, max, n, class_types[a][0]) < 0)
			return -EINVAL;
		return add_type(types, max, n, class_types[a][1]);
	}
	if (num_parse_mem(s, len, 0, 65535, &v) < 0)
		return -EINVAL;
	return add_type(types, max, n, (uint16_t)v);
}

bool pxe_host_matches(const char *name, const char *host)
{
	const char *dot;

	if (name == NULL || host == NULL || *name == '\0')
		return false;
	if (strcasecmp(name, host) == 0)
		return true;
	dot = strchr(host, '.');
	return dot && strlen(name) == (size_t)(dot - host) &&
	       strncasecmp(name, host, (size_t)(dot - host)) == 0;
}

void pxe_report(struct pxe_report *r, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->n++;
	if (r->fn)
		r->fn(r->arg, msg);
}

void pxe_report_first(void *arg, const char *msg)
{
	struct pxe_first *f = arg;

	if (f->buf[0] == '\0')
		snprintf(f->buf, f->len, "%s", msg);
}
