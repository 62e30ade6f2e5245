/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the hosts and profiles parsers share: lines, names, values, arches. */
#include <string.h>

#include "num.h"
#include "lines.h"

static const char *const arch_names[BC_ARCH_COUNT] = {
	[BC_ARCH_BIOS] = "bios",
	[BC_ARCH_EFI_X64] = "efi-x64",
	[BC_ARCH_EFI_IA32] = "efi-ia32",
	[BC_ARCH_EFI_ARM64] = "efi-arm64",
};

const char *bc_arch_name(enum bc_arch a)
{
	return (unsigned)a < BC_ARCH_COUNT ? arch_names[a] : "?";
}

/* Other spellings: iPXE's ${platform} and ${buildarch}, PXE arch numbers. */
static const struct {
	const char *word;
	enum bc_arch arch;
} arch_aliases[] = {
	{ "pcbios", BC_ARCH_BIOS },  { "efi", BC_ARCH_EFI_X64 },
	{ "x86_64", BC_ARCH_EFI_X64 }, { "arm64", BC_ARCH_EFI_ARM64 },
	{ "0", BC_ARCH_BIOS },       { "6", BC_ARCH_EFI_IA32 },
	{ "7", BC_ARCH_EFI_X64 },    { "9", BC_ARCH_EFI_X64 },
	{ "11", BC_ARCH_EFI_ARM64 },
};

int bc_arch_parse(const char *s, size_t len)
{
	for (int a = 0; a < BC_ARCH_COUNT; a++)
		if (strlen(arch_names[a]) == len &&
		    memcmp(arch_names[a], s, len) == 0)
			return a;
	for (size_t i = 0; i < sizeof(arch_aliases) / sizeof(arch_aliases[0]); i++)
		if (strlen(arch_aliases[i].word) == len &&
		    memcmp(arch_aliases[i].word, s, len) == 0)
			return (int)arch_aliases[i].arch;
	return -1;
}

static const struct bc_fw_info fw_info[BC_FW_COUNT] = {
	[BC_FW_BIOS] = { "bios", "ipxe-bios", "undionly.kpxe", BC_ARCH_BIOS,
			 { 0 }, 1, false },
	[BC_FW_EFI_X64] = { "efi-x64", "ipxe-efi-x64", "ipxe.efi",
			    BC_ARCH_EFI_X64, { 7, 9 }, 2, false },
	[BC_FW_EFI_IA32] = { "efi-ia32", "ipxe-efi-ia32", NULL,
			     BC_ARCH_EFI_IA32, { 6 }, 1, false },
	[BC_FW_EFI_ARM64] = { "efi-arm64", "ipxe-efi-arm64", NULL,
			      BC_ARCH_EFI_ARM64, { 11 }, 1, false },
	[BC_FW_EFI_X64_HTTP] = { "efi-x64-http", "ipxe-efi-x64-http", NULL,
				 BC_ARCH_EFI_X64, { 16 }, 1, true },
	[BC_FW_EFI_ARM64_HTTP] = { "efi-arm64-http", "ipxe-efi-arm64-http",
				   NULL, BC_ARCH_EFI_ARM64, { 19 }, 1, true },
};

const struct bc_fw_info *bc_fw_info(enum bc_fw f)
{
	return &fw_info[(unsigned)f < BC_FW_COUNT ? f : BC_FW_BIOS];
}

bool bc_value_none(const char *v)
{
	return v && strcmp(v, "-") == 0;
}

const char *bc_key_canon(const char *key, size_t len, size_t *outlen)
{
	static const char old_efi[] = "ipxe-efi";

	*outlen = len;
	if (len != sizeof(old_efi) - 1 || memcmp(key, old_efi, len) != 0)
		return key;
	*outlen = strlen(fw_info[BC_FW_EFI_X64].key);
	return fw_info[BC_FW_EFI_X64].key;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

void bc_trim(const char **s, size_t *n)
{
	while (*n > 0 && is_blank(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && is_blank((*s)[*n - 1]))
		(*n)--;
}

bool bc_next_line(struct bc_lines *l, const char **s, size_t *n,
		  struct diag *d)
{
	while (l->pos < l->len) {
		const char *p = l->buf + l->pos;
		const char *nl = memchr(p, '\n', l->len - l->pos);
		size_t len = nl ? (size_t)(nl - p) : l->len - l->pos;

		l->pos += len + (nl != NULL);
		l->lineno++;
		if (len > 0 && p[len - 1] == '\r')
			len--;
		if (len > BC_LINE_MAX) {
			diag_err(d, l->file, l->lineno,
				 "line longer than %d bytes", BC_LINE_MAX);
			continue;
		}
		if (memchr(p, '\0', len)) {
			diag_err(d, l->file, l->lineno, "NUL byte in line");
			continue;
		}
		bc_trim(&p, &len);
		if (len == 0 || p[0] == '#')
			continue;
		*s = p;
		*n = len;
		return true;
	}
	return false;
}

bool bc_value_ok(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '`')
			return false;
	}
	return true;
}

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

/* RFC 1123 labels joined by dots. */
bool bc_hostname_ok(const char *s, size_t n)
{
	size_t label = 0;

	if (n == 0 || n > BC_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (label == 0 || s[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!is_alnum(s[i]) && !(s[i] == '-' && label > 0))
			return false;
		label++;
	}
	return label > 0 && s[n - 1] != '-';
}

bool bc_word_ok(const char *s, size_t n)
{
	if (n == 0 || n > BC_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_alnum(s[i]) && !memchr("-_.", s[i], 3))
			return false;
	return true;
}

bool bc_key_ok(const char *s, size_t n)
{
	if (n == 0 || n > BC_KEY_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
		      s[i] == '_'))
			return false;
	return true;
}
