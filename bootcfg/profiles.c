/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The profiles file: [defaults] and [profile NAME] sections of
 * "key = value" lines; "key.ARCH = value" overrides key on one firmware
 * family.  Known keys are checked here so that a bad value is reported
 * with its line before anything is generated.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "num.h"
#include "profiles.h"

struct pctx {
	struct bc_profiles *p;
	struct diag *d;
	unsigned lineno;
	int cur;                /* section being read, -1 before the first */
};

#define PERR(c, ...) diag_err((c)->d, (c)->p->file, (c)->lineno, __VA_ARGS__)

static bool is_key(const char *k, const char *want)
{
	return strcmp(k, want) == 0;
}

static bool has_blank_or_comma(const char *v)
{
	return strpbrk(v, " \t,") != NULL;
}

/* aoe:eSHELF.SLOT with the ranges AoE allows (broadcast values excluded). */
static bool aoe_ok(const char *v)
{
	const char *dot;
	uint64_t shelf, slot;

	if (strncmp(v, "aoe:e", 5) != 0 || (dot = strchr(v + 5, '.')) == NULL)
		return false;
	return num_parse_mem(v + 5, (size_t)(dot - v - 5), 0, 65534,
			     &shelf) == 0 &&
	       num_parse(dot + 1, 0, 254, &slot) == 0;
}

static const char *check_sanboot(const char *v)
{
	if (strncmp(v, "aoe:", 4) == 0)
		return aoe_ok(v) ? NULL
				 : "sanboot: expected aoe:eSHELF.SLOT "
				   "(shelf 0-65534, slot 0-254)";
	if (strncmp(v, "iscsi:", 6) == 0 || strncmp(v, "http://", 7) == 0 ||
	    strncmp(v, "https://", 8) == 0)
		return has_blank_or_comma(v) ? "sanboot: blank or comma in URI"
					     : NULL;
	return "sanboot: expected aoe:eSHELF.SLOT, iscsi:..., or http(s)://...";
}

/*
 * The image a restore host restores: NAME.imz and NAME.chk on the server,
 * so a plain file name (a tag may make part of it).
 */
static const char *check_restore(const char *v)
{
	if (*v == '\0' || *v == '.' ||
	    v[strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		       "0123456789._+-@")] != '\0')
		return "restore: an image name of letters, digits and "
		       "'.', '_', '+', '-' (no '/', not starting with '.')";
	return NULL;
}

/* An HTTP boot client's file: a whole URL, or "-" for none. */
static const char *check_http_file(const char *v)
{
	if (bc_value_none(v))
		return NULL;
	if (strncmp(v, "http://", 7) != 0 && strncmp(v, "https://", 8) != 0)
		return "HTTP boot clients need an http:// or https:// URL, "
		       "not a TFTP path";
	return has_blank_or_comma(v) ? "blank or comma in URL" : NULL;
}

const char *bc_check_setting(const char *key, const char *v)
{
	static const char *const paths[] = {
		"kernel", "wimboot", "memdisk", "iso", "winpe", "ipxe-lkrn",
		"script", "boot-url", "grub-ipxe", "restore-layout",
		"restore-kernel", "restore-initrd",
	};
	uint64_t n;
	struct in_addr a;
	bool path = false;

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		path = path || is_key(key, paths[i]);
	for (int f = 0; f < BC_FW_COUNT; f++)
		if (is_key(key, bc_fw_info((enum bc_fw)f)->key)) {
			if (bc_fw_info((enum bc_fw)f)->http)
				return check_http_file(v);
			path = true;
		}
	if (path)
		return *v == '\0' || has_blank_or_comma(v)
			       ? "expected one file name, no blanks or commas"
			       : NULL;
	if (is_key(key, "initrd"))
		return strchr(v, ',') ? "initrd: separate files with blanks"
				      : NULL;
	if (is_key(key, "sanboot"))
		return check_sanboot(v);
	if (is_key(key, "restore"))
		return check_restore(v);
	if (is_key(key, "restore-partition"))
		return num_parse(v, 1, 4, &n) == 0 ? NULL
			: "restore-partition: expected 1 to 4";
	if (is_key(key, "next-server"))
		return inet_pton(AF_INET, v, &a) == 1 ? NULL
			: "next-server: expected an IPv4 address";
	if (is_key(key, "local")) {
		if (strcasecmp(v, "yes") == 0 || strcasecmp(v, "no") == 0)
			return NULL;
		return "local: expected yes or no";
	}
	return NULL;
}

static const char *const kind_keys[] = {
	[BC_KIND_LINUX] = "kernel",
	[BC_KIND_SANBOOT] = "sanboot",
	[BC_KIND_WINPE] = "winpe",
	[BC_KIND_ISO] = "iso",
	[BC_KIND_LOCAL] = "local",
	[BC_KIND_RESTORE] = "restore",
};

static const struct bc_kv *find_kv(const struct bc_profiles *p,
				   const struct bc_profile *pr,
				   const char *key)
{
	for (size_t i = pr->first; i < pr->first + pr->nkv; i++)
		if (strcmp(p->kv[i].key, key) == 0)
			return &p->kv[i];
	return NULL;
}

/* Base key of "key.arch". */
static bool base_is(const char *key, const char *base)
{
	size_t n = strlen(base);

	return strncmp(key, base, n) == 0 && (key[n] == '\0' || key[n] == '.');
}

/* Decides what the section just ended boots; exactly one kind is allowed. */
static void finish_section(struct pctx *c)
{
	struct bc_profiles *p = c->p;
	struct bc_profile *pr;
	const struct bc_kv *kv;
	int found = 0;

	if (c->cur < 0)
		return;
	pr = &p->v[c->cur];
	pr->nkv = p->nkv - pr->first;
	for (int k = BC_KIND_LINUX; k <= BC_KIND_RESTORE; k++) {
		bool any = false;

		for (size_t i = pr->first; i < p->nkv; i++)
			any = any || base_is(p->kv[i].key, kind_keys[k]);
		if (!any)
			continue;
		kv = find_kv(p, pr, kind_keys[k]);
		if (c->cur == p->defaults)
			diag_err(c->d, p->file, pr->line,
				 "[defaults] cannot hold '%s'", kind_keys[k]);
		else if (kv == NULL)
			diag_err(c->d, p->file, pr->line,
				 "profile '%s': '%s' needs a value without "
				 "an arch suffix", pr->name, kind_keys[k]);
		else if (k != BC_KIND_LOCAL || strcasecmp(kv->val, "yes") == 0) {
			if (found)
				diag_err(c->d, p->file, kv->line,
					 "profile '%s': '%s' and '%s' exclude "
					 "each other", pr->name,
					 kind_keys[found], kind_keys[k]);
			else
				found = k;
		}
	}
	pr->kind = (enum bc_kind)found;
	if (!found && c->cur != p->defaults)
		diag_err(c->d, p->file, pr->line,
			 "profile '%s' boots nothing: give kernel, sanboot, "
			 "winpe, iso, restore or local = yes", pr->name);
}

static void start_section(struct pctx *c, const char *s, size_t n)
{
	struct bc_profiles *p = c->p;
	struct bc_profile *pr;
	uint32_t old;
	bool defaults = n == 10 && memcmp(s, "[defaults]", 10) == 0;
	const char *name = s + 9;
	size_t nn = n - 10;

	finish_section(c);
	c->cur = -1;
	if (defaults) {
		name = "defaults";
		nn = 8;
	} else if (n < 11 || strncmp(s, "[profile ", 9) != 0 || s[n - 1] != ']') {
		PERR(c, "expected [profile NAME] or [defaults]");
		return;
	}
	bc_trim(&name, &nn);
	if (!defaults && (!bc_word_ok(name, nn) ||
			  (nn == 8 && memcmp(name, "defaults", 8) == 0))) {
		PERR(c, "'%.*s' is not a profile name", (int)nn, name);
		return;
	}
	p->v = xrealloc(p->v, (p->n + 1) * sizeof(*p->v));
	pr = &p->v[p->n];
	*pr = (struct bc_profile){ .name = arena_strndup(&p->arena, name, nn),
				   .line = c->lineno, .first = p->nkv };
	if (!hindex_put(&p->byname, pr->name, nn, (uint32_t)p->n, &old)) {
		PERR(c, "%s '%s' already defined on line %u",
		     defaults ? "section" : "profile", pr->name,
		     p->v[old].line);
		return;
	}
	if (defaults)
		p->defaults = (int)p->n;
	c->cur = (int)p->n++;
}

/* "key" or "key.ARCH" with ARCH spelled canonically into out. */
static bool parse_key(struct pctx *c, const char *s, size_t n, char *out,
		      size_t outlen)
{
	const char *dot = memchr(s, '.', n);
	size_t kn = dot ? (size_t)(dot - s) : n;
	int arch = -1;

	if (!bc_key_ok(s, kn)) {
		PERR(c, "bad key '%.*s' (lower-case letters, digits, '-', '_')",
		     (int)n, s);
		return false;
	}
	if (dot) {
		arch = bc_arch_parse(dot + 1, n - kn - 1);
		if (arch < 0) {
			PERR(c, "unknown arch '%.*s' (bios, efi-x64, efi-ia32, "
			     "efi-arm64)", (int)(n - kn - 1), dot + 1);
			return false;
		}
	}
	s = bc_key_canon(s, kn, &kn);
	snprintf(out, outlen, "%.*s%s%s", (int)kn, s, dot ? "." : "",
		 dot ? bc_arch_name((enum bc_arch)arch) : "");
	return true;
}

static void add_setting(struct pctx *c, const char *s, size_t n)
{
	struct bc_profiles *p = c->p;
	const char *eq = memchr(s, '=', n), *k = s, *v, *why;
	size_t kn, vn;
	char key[BC_KEY_MAX + 16];
	const struct bc_kv *dup;

	if (eq == NULL) {
		PERR(c, "expected KEY = VALUE");
		return;
	}
	kn = (size_t)(eq - s);
	v = eq + 1;
	vn = n - kn - 1;
	bc_trim(&k, &kn);
	bc_trim(&v, &vn);
	if (vn >= 2 && v[0] == '"' && v[vn - 1] == '"') {
		v++;
		vn -= 2;
	}
	if (!parse_key(c, k, kn, key, sizeof(key)))
		return;
	if (!bc_value_ok(v, vn)) {
		PERR(c, "value of '%s' holds a quote, backslash, backquote or "
		     "control byte", key);
		return;
	}
	if (c->cur < 0) {
		PERR(c, "setting outside a [profile NAME] section");
		return;
	}
	dup = find_kv(p, &(struct bc_profile){ .first = p->v[c->cur].first,
					       .nkv = p->nkv -
						      p->v[c->cur].first },
		      key);
	if (dup) {
		PERR(c, "'%s' already set on line %u", key, dup->line);
		return;
	}
	p->kv = xrealloc(p->kv, (p->nkv + 1) * sizeof(*p->kv));
	p->kv[p->nkv] = (struct bc_kv){
		.key = arena_strndup(&p->arena, key, strlen(key)),
		.val = arena_strndup(&p->arena, v, vn), .line = c->lineno };
	if (strchr(key, '.'))
		*strchr(key, '.') = '\0';
	why = bc_check_setting(key, p->kv[p->nkv].val);
	if (why) {
		PERR(c, "%s", why);
		return;
	}
	p->nkv++;
}

unsigned bc_profiles_parse(struct bc_profiles *p, const char *file,
			   const char *buf, size_t len, struct diag *d)
{
	struct bc_lines l = { .buf = buf, .len = len, .file = file };
	struct pctx c = { .p = p, .d = d, .cur = -1 };
	unsigned before = d->errors;
	const char *s;
	size_t n;

	p->file = file;
	p->defaults = -1;
	while (bc_next_line(&l, &s, &n, d)) {
		c.lineno = l.lineno;
		if (s[0] == '[')
			start_section(&c, s, n);
		else
			add_setting(&c, s, n);
	}
	finish_section(&c);
	return d->errors - before;
}

void bc_profiles_free(struct bc_profiles *p)
{
	hindex_free(&p->byname);
	free(p->v);
	free(p->kv);
	arena_free(&p->arena);
	memset(p, 0, sizeof(*p));
}

static const struct bc_kv *host_kv(const struct bc_host *h, const char *key)
{
	for (size_t i = 0; i < h->nkv; i++)
		if (strcmp(h->kv[i].key, key) == 0)
			return &h->kv[i];
	return NULL;
}

/* key.ARCH, then key, in one section. */
static const struct bc_kv *section_kv(const struct bc_profiles *ps, int idx,
				      const char *key, enum bc_arch arch)
{
	char full[BC_KEY_MAX + 16];
	const struct bc_kv *kv;

	const char *an = bc_arch_name(arch);
	size_t kn = strlen(key), an_len = strlen(an);

	if (idx < 0 || (size_t)idx >= ps->n || kn + an_len + 2 > sizeof(full))
		return NULL;
	/* Called for every setting of every host: no printf here. */
	memcpy(full, key, kn);
	full[kn] = '.';
	memcpy(full + kn + 1, an, an_len + 1);
	kv = find_kv(ps, &ps->v[idx], full);
	return kv ? kv : find_kv(ps, &ps->v[idx], key);
}

const struct bc_kv *bc_lookup(const struct bc_hosts *hs,
			      const struct bc_profiles *ps,
			      const struct bc_host *h, const char *key,
			      enum bc_arch arch, const char **file)
{
	const struct bc_kv *kv;
	size_t kn;

	key = bc_key_canon(key, strlen(key), &kn);
	kv = h ? host_kv(h, key) : NULL;
	*file = hs ? hs->file : NULL;
	if (kv)
		return kv;
	*file = ps->file;
	if (h && (kv = section_kv(ps, h->prof, key, arch)) != NULL)
		return kv;
	return section_kv(ps, ps->defaults, key, arch);
}
