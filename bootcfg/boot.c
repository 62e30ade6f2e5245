/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "boot.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "escape.h"

/* Tags longer than this are not tags. */
#define TAG_MAX (BC_KEY_MAX + 2)
/* Settings may name other settings; this deep at most. */
#define EXPAND_DEPTH 4

static bool tag_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
	       c == '-';
}

/* The built-in tags; false when name is not one. */
static bool builtin_tag(const struct bc_host *h, enum bc_arch arch,
			const char *name, struct sbuf *out, bool *has)
{
	char buf[MAC_STRLEN];

	*has = true;
	if (strcmp(name, "NAME") == 0)
		sb_puts(out, h->name);
	else if (strcmp(name, "IP") == 0)
		*has = h->has_ip && (sb_puts(out, h->ipstr), true);
	else if (strcmp(name, "MAC") == 0)
		sb_puts(out, mac_format(h->mac, MAC_FMT_COLON, buf));
	else if (strcmp(name, "MACDASH") == 0)
		sb_puts(out, mac_format(h->mac, MAC_FMT_HEXHYP, buf));
	else if (strcmp(name, "MACHEX") == 0)
		sb_puts(out, mac_format(h->mac, MAC_FMT_BARE, buf));
	else if (strcmp(name, "PROFILE") == 0)
		sb_puts(out, h->profile);
	else if (strcmp(name, "ARCH") == 0)
		sb_puts(out, bc_arch_name(arch));
	else
		return false;
	return true;
}

static bool expand_depth(const struct bc_env *e, const struct bc_host *h,
			 enum bc_arch arch, const char *text, size_t len,
			 const char *file, unsigned line, struct sbuf *out,
			 int depth);

/*
 * A tag's whole value, checked and quoted for syn; a refusal names the
 * file and line holding the tag, and the host.
 */
static bool expand_tag_as(const struct bc_env *e, const struct bc_host *h,
			  enum bc_arch arch, enum bc_syntax syn,
			  const char *name, const char *file, unsigned line,
			  struct sbuf *out);

/* One tag; returns false (after reporting) when it has no value. */
static bool expand_tag(const struct bc_env *e, const struct bc_host *h,
		       enum bc_arch arch, const char *name, const char *file,
		       unsigned line, struct sbuf *out, int depth)
{
	char key[TAG_MAX + 1];
	const struct bc_kv *kv;
	const char *kfile;
	bool has;
	size_t i;

	if (builtin_tag(h, arch, name, out, &has) && has)
		return true;
	for (i = 0; i < TAG_MAX && name[i]; i++)
		key[i] = (char)tolower((unsigned char)name[i]);
	key[i] = '\0';
	kv = has ? bc_lookup(e->hs, e->ps, h, key, arch, &kfile) : NULL;
	if (kv == NULL || depth >= EXPAND_DEPTH) {
		diag_err(e->d, file, line,
			 "tag @%s@ has %s for host %s (%s:%u)", name,
			 kv ? "settings nested too deep" : "no value", h->name,
			 e->hs ? e->hs->file : "hosts", h->line);
		return false;
	}
	return expand_depth(e, h, arch, kv->val, strlen(kv->val), kfile,
			    kv->line, out, depth + 1);
}

/* syn < 0: tag values are written as they are. */
static bool expand_text(const struct bc_env *e, const struct bc_host *h,
			enum bc_arch arch, int syn, const char *text,
			size_t len, const char *file, unsigned line,
			struct sbuf *out, int depth)
{
	bool good = true;
	size_t i = 0;

	while (i < len) {
		const char *at = memchr(text + i, '@', len - i);
		size_t j, start;

		if (at == NULL) {
			sb_add(out, text + i, len - i);
			break;
		}
		start = (size_t)(at - text);
		sb_add(out, text + i, start - i);
		if (start + 1 < len && text[start + 1] == '@') {
			sb_add(out, "@", 1);
			i = start + 2;
			continue;
		}
		for (j = start + 1; j < len && j - start <= TAG_MAX &&
				    tag_char(text[j]); j++)
			;
		if (j == start + 1 || j >= len || text[j] != '@' ||
		    j - start > TAG_MAX) {
			sb_add(out, "@", 1);
			i = start + 1;
			continue;
		}
		{
			char name[TAG_MAX + 1];

			memcpy(name, text + start + 1, j - start - 1);
			name[j - start - 1] = '\0';
			good = (syn < 0 ? expand_tag(e, h, arch, name, file,
						     line, out, depth)
					: expand_tag_as(e, h, arch,
							(enum bc_syntax)syn,
							name, file, line,
							out)) && good;
		}
		i = j + 1;
	}
	return good;
}

static bool expand_depth(const struct bc_env *e, const struct bc_host *h,
			 enum bc_arch arch, const char *text, size_t len,
			 const char *file, unsigned line, struct sbuf *out,
			 int depth)
{
	return expand_text(e, h, arch, -1, text, len, file, line, out, depth);
}

static bool expand_tag_as(const struct bc_env *e, const struct bc_host *h,
			  enum bc_arch arch, enum bc_syntax syn,
			  const char *name, const char *file, unsigned line,
			  struct sbuf *out)
{
	struct sbuf v = { 0 };
	struct bc_refusal r;
	char why[160];
	bool good = expand_tag(e, h, arch, name, file, line, &v, 0);

	if (good && !bc_escape(syn, v.p ? v.p : "", v.len, out, &r)) {
		bc_refusal_text(syn, v.p, &r, why, sizeof(why));
		diag_err(e->d, file, line, "tag @%s@ for host %s (%s:%u): %s",
			 name, h->name, e->hs ? e->hs->file : "hosts", h->line,
			 why);
		good = false;
	}
	sb_free(&v);
	return good;
}

bool bc_expand(const struct bc_env *e, const struct bc_host *h,
	       enum bc_arch arch, const char *text, size_t len,
	       const char *file, unsigned line, struct sbuf *out)
{
	return expand_depth(e, h, arch, text, len, file, line, out, 0);
}

bool bc_expand_as(const struct bc_env *e, const struct bc_host *h,
		  enum bc_arch arch, int syn, const char *text, size_t len,
		  const char *file, unsigned line, struct sbuf *out)
{
	return expand_text(e, h, arch, syn, text, len, file, line, out, 0);
}

const char *bc_setting(const struct bc_env *e, const struct bc_host *h,
		       const char *key, enum bc_arch arch, const char *dflt,
		       struct arena *a, bool *ok)
{
	const char *file;
	const struct bc_kv *kv = bc_lookup(e->hs, e->ps, h, key, arch, &file);
	struct sbuf b = { 0 };
	const char *res;

	if (kv == NULL)
		return dflt;
	if (!bc_expand(e, h, arch, kv->val, strlen(kv->val), file, kv->line,
		       &b))
		*ok = false;
	res = arena_strndup(a, b.p ? b.p : "", b.len);
	sb_free(&b);
	return res;
}

/* append, then the installer's answer-file arguments. */
static const char *kernel_args(const struct bc_env *e, const struct bc_host *h,
			       enum bc_arch arch, struct arena *a, bool *ok)
{
	const char *append = bc_setting(e, h, "append", arch, NULL, a, ok);
	const char *ks = bc_setting(e, h, "kickstart", arch, NULL, a, ok);
	const char *ps = bc_setting(e, h, "preseed", arch, NULL, a, ok);
	struct sbuf b = { 0 };
	const char *res;

	if (append && *append)
		sb_puts(&b, append);
	if (ks)
		sb_printf(&b, "%sinst.ks=%s", b.len ? " " : "", ks);
	if (ps)
		sb_printf(&b, "%sauto=true priority=critical url=%s",
			  b.len ? " " : "", ps);
	res = arena_strndup(a, b.p ? b.p : "", b.len);
	sb_free(&b);
	return res;
}

/*
 * The restore environment's command line (netboot(7)): the image, the
 * layout table and partition when set, then append and the rest.
 */
static const char *restore_args(const struct bc_env *e,
				const struct bc_host *h, enum bc_arch arch,
				struct arena *a, bool *ok)
{
	static const char *const keys[][2] = {
		{ "restore", "netboot.image" },
		{ "restore-layout", "netboot.layout" },
		{ "restore-partition", "netboot.partition" },
	};
	const char *rest = kernel_args(e, h, arch, a, ok);
	struct sbuf b = { 0 };
	const char *res;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *v = bc_setting(e, h, keys[i][0], arch, NULL, a, ok);

		if (v)
			sb_printf(&b, "%s%s=%s", b.len ? " " : "", keys[i][1],
				  v);
	}
	if (*rest)
		sb_printf(&b, " %s", rest);
	res = arena_strndup(a, b.p, b.len);
	sb_free(&b);
	return res;
}

static const char *with_slash(struct arena *a, const char *dir)
{
	size_t n = strlen(dir);
	char *s;

	if (n && dir[n - 1] == '/')
		return dir;
	s = arena_alloc(a, n + 2);
	memcpy(s, dir, n);
	s[n] = '/';
	s[n + 1] = '\0';
	return s;
}

/* The families a profile's unsuffixed files are for: x86 ones. */
static bool base_files_fit(enum bc_arch arch)
{
	return arch == BC_ARCH_BIOS || arch == BC_ARCH_EFI_X64;
}

/*
 * File setting key for arch (see bc_boot_resolve); NULL for none, and
 * then *missing names the key that would give it.
 */
static const char *arch_file(const struct bc_env *e, const struct bc_host *h,
			     const char *key, enum bc_arch arch,
			     const char *dflt, struct arena *a, bool *ok,
			     const char **missing)
{
	char full[BC_KEY_MAX + 16];
	const char *v;

	snprintf(full, sizeof(full), "%s.%s", key, bc_arch_name(arch));
	v = base_files_fit(arch) ? bc_setting(e, h, key, arch, dflt, a, ok)
				 : bc_setting(e, h, full, arch, NULL, a, ok);
	if (v && !bc_value_none(v))
		return v;
	if (missing && *missing == NULL)
		*missing = arena_strndup(a, full, strlen(full));
	return NULL;
}

/* Nothing to boot on this arch, and why. */
static void boot_none(struct bc_boot *b, struct arena *a, const char *why,
		      const char *key)
{
	struct sbuf s = { 0 };

	sb_printf(&s, "%s%s", why, key ? key : "");
	b->kind = BC_KIND_NONE;
	b->why = arena_strndup(a, s.p, s.len);
	sb_free(&s);
}

bool bc_boot_resolve(const struct bc_env *e, const struct bc_host *h,
		     enum bc_arch arch, struct arena *a, struct bc_boot *b)
{
	const char *missing = NULL, *winpe;
	bool ok = true;

	memset(b, 0, sizeof(*b));
	b->kind = BC_KIND_LOCAL;
	if (h->disabled || h->prof < 0)
		return h->prof >= 0 || h->disabled;
	b->kind = e->ps->v[h->prof].kind;
	b->ipxe_lkrn = bc_setting(e, h, "ipxe-lkrn", arch, "ipxe.lkrn", a, &ok);
	b->ipxe_efi = bc_setting(e, h, "grub-ipxe", arch, "ipxe.efi", a, &ok);
	switch (b->kind) {
	case BC_KIND_LINUX:
		b->kernel = arch_file(e, h, "kernel", arch, NULL, a, &ok,
				      &missing);
		b->initrd = arch_file(e, h, "initrd", arch, NULL, a, &ok, NULL);
		b->append = kernel_args(e, h, arch, a, &ok);
		break;
	case BC_KIND_SANBOOT:
		b->target = bc_setting(e, h, "sanboot", arch, NULL, a, &ok);
		break;
	case BC_KIND_WINPE:
		winpe = arch_file(e, h, "winpe", arch, NULL, a, &ok, &missing);
		b->winpe = winpe ? with_slash(a, winpe) : NULL;
		b->wimboot = arch_file(e, h, "wimboot", arch, "wimboot", a,
				       &ok, &missing);
		break;
	case BC_KIND_RESTORE:
		b->kernel = arch_file(e, h, "restore-kernel", arch,
				      BC_RESTORE_KERNEL, a, &ok, &missing);
		b->initrd = arch_file(e, h, "restore-initrd", arch,
				      BC_RESTORE_INITRD, a, &ok, NULL);
		b->append = restore_args(e, h, arch, a, &ok);
		break;
	case BC_KIND_ISO:
		if (arch != BC_ARCH_BIOS) {
			boot_none(b, a, "memdisk needs BIOS firmware", NULL);
			return ok;
		}
		b->iso = arch_file(e, h, "iso", arch, NULL, a, &ok, &missing);
		b->memdisk = arch_file(e, h, "memdisk", arch, "memdisk", a,
				       &ok, &missing);
		break;
	default:
		b->kind = BC_KIND_LOCAL;
		break;
	}
	if (missing)
		boot_none(b, a, "no ", missing);
	return ok;
}
