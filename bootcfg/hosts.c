/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The hosts table.  A line is either
 *     MAC NAME IP PROFILE [KEY=VALUE ...]      (NAME and IP may be "-")
 * or the short form of older host-to-OS maps
 *     MAC, PROFILE
 * A leading '!' or disabled=yes marks a host disabled; '#' starts a comment.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "query.h"
#include "hosts.h"
#include "profiles.h"

struct tok {
	const char *s;
	size_t n;
};

#define MAX_TOKS (4 + BC_KV_MAX)

/*
 * Splits a line into blank-separated tokens; KEY="a b" is one token, and a
 * token starting with '#' ends the line.  Returns the count, or -1 with
 * *why set.
 */
static int tokenize(const char *s, size_t n, struct tok *t, int max,
		    const char **why)
{
	size_t i = 0;
	int count = 0;

	for (;;) {
		size_t start;

		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i >= n || s[i] == '#')
			return count;
		if (count == max) {
			*why = "too many fields";
			return -1;
		}
		start = i;
		while (i < n && s[i] != ' ' && s[i] != '\t') {
			if (s[i] == '"') {
				const char *q = memchr(s + i + 1, '"', n - i - 1);

				if (q == NULL) {
					*why = "unterminated quote";
					return -1;
				}
				i = (size_t)(q - s);
			}
			i++;
		}
		t[count].s = s + start;
		t[count].n = i - start;
		count++;
	}
}

static bool truthy(const char *s, size_t n, bool *out)
{
	static const char *const yes[] = { "yes", "true", "1", "on" };
	static const char *const no[] = { "no", "false", "0", "off" };

	for (size_t i = 0; i < 4; i++) {
		if (strlen(yes[i]) == n && strncasecmp(yes[i], s, n) == 0)
			return *out = true, true;
		if (strlen(no[i]) == n && strncasecmp(no[i], s, n) == 0)
			return *out = false, true;
	}
	return false;
}

/* Keys that choose what a profile boots: never set per host. */
static bool kind_key(const char *k, size_t n)
{
	static const char *const kinds[] = { "kernel", "sanboot", "winpe",
					     "iso", "local" };

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strlen(kinds[i]) == n && memcmp(kinds[i], k, n) == 0)
			return true;
	return false;
}

struct line_ctx {
	struct bc_hosts *h;
	struct diag *d;
	unsigned lineno;
};

#define LERR(c, ...) diag_err((c)->d, (c)->h->file, (c)->lineno, __VA_ARGS__)

static bool parse_kv(struct line_ctx *c, struct bc_host *host,
		     const struct tok *t, struct bc_kv *kv)
{
	const char *eq = memchr(t->s, '=', t->n);
	const char *k, *v, *why;
	size_t kn, vn;

	if (eq == NULL) {
		LERR(c, "'%.*s': expected KEY=VALUE", (int)t->n, t->s);
		return false;
	}
	kn = (size_t)(eq - t->s);
	v = eq + 1;
	vn = t->n - kn - 1;
	if (vn >= 2 && v[0] == '"' && v[vn - 1] == '"') {
		v++;
		vn -= 2;
	}
	if (!bc_key_ok(t->s, kn)) {
		LERR(c, "bad key '%.*s' (lower-case letters, digits, '-', '_')",
		     (int)kn, t->s);
		return false;
	}
	if (kind_key(t->s, kn)) {
		LERR(c, "'%.*s' is set by the profile, not per host", (int)kn,
		     t->s);
		return false;
	}
	if (!bc_value_ok(v, vn)) {
		LERR(c, "value of '%.*s' holds a quote, backslash, backquote "
		     "or control byte", (int)kn, t->s);
		return false;
	}
	if (kn == 4 && memcmp(t->s, "uuid", 4) == 0) {
		uint8_t u[16];

		if (bc_uuid_parse(v, vn, u) < 0) {
			LERR(c, "uuid= takes 32 hex digits (8-4-4-4-12)");
			return false;
		}
	}
	if (kn == 8 && memcmp(t->s, "disabled", 8) == 0) {
		bool on;

		if (!truthy(v, vn, &on)) {
			LERR(c, "disabled= takes yes or no");
			return false;
		}
		host->disabled = host->disabled || on;
	}
	k = bc_key_canon(t->s, kn, &kn);
	kv->key = arena_strndup(&c->h->arena, k, kn);
	kv->val = arena_strndup(&c->h->arena, v, vn);
	kv->line = c->lineno;
	why = bc_check_setting(kv->key, kv->val);
	if (why) {
		LERR(c, "%s", why);
		return false;
	}
	return true;
}

static bool parse_kvs(struct line_ctx *c, struct bc_host *host,
		      const struct tok *t, int nt)
{
	struct bc_kv kv[BC_KV_MAX] = { { 0 } };
	size_t n = 0;
	bool good = true;

	for (int i = 0; i < nt; i++) {
		if (!parse_kv(c, host, &t[i], &kv[n])) {
			good = false;
			continue;
		}
		for (size_t j = 0; j < n; j++)
			if (strcmp(kv[j].key, kv[n].key) == 0) {
				LERR(c, "key '%s' given twice", kv[n].key);
				good = false;
			}
		n++;
	}
	host->nkv = n;
	host->kv = arena_alloc(&c->h->arena, n * sizeof(*kv));
	if (n)
		memcpy(host->kv, kv, n * sizeof(*kv));
	return good;
}

static bool parse_mac(struct line_ctx *c, struct bc_host *host,
		      const struct tok *t)
{
	if (mac_parse_mem(t->s, t->n, host->mac) < 0) {
		LERR(c, "'%.*s' is not a MAC address", (int)t->n, t->s);
		return false;
	}
	if (mac_is_multicast(host->mac) || mac_is_zero(host->mac)) {
		LERR(c, "'%.*s' is not a unicast MAC address", (int)t->n, t->s);
		return false;
	}
	return true;
}

static bool parse_name(struct line_ctx *c, struct bc_host *host,
		       const struct tok *t)
{
	char buf[MAC_STRLEN];

	if (t == NULL || (t->n == 1 && t->s[0] == '-')) {
		char name[4 + MAC_STRLEN];

		snprintf(name, sizeof(name), "mac-%s",
			 mac_format(host->mac, MAC_FMT_BARE, buf));
		host->name = arena_strndup(&c->h->arena, name, strlen(name));
		return true;
	}
	if (!bc_hostname_ok(t->s, t->n)) {
		LERR(c, "'%.*s' is not a host name (letters, digits, '-', "
		     "dots between labels, at most %d)", (int)t->n, t->s,
		     BC_NAME_MAX);
		return false;
	}
	host->name = arena_strndup(&c->h->arena, t->s, t->n);
	return true;
}

static bool parse_ip(struct line_ctx *c, struct bc_host *host,
		     const struct tok *t)
{
	uint32_t a;

	if (t->n == 1 && t->s[0] == '-')
		return true;
	if (t->n >= sizeof(host->ipstr))
		goto bad;
	memcpy(host->ipstr, t->s, t->n);
	host->ipstr[t->n] = '\0';
	if (inet_pton(AF_INET, host->ipstr, &host->ip) != 1)
		goto bad;
	a = ntohl(host->ip.s_addr);
	if (a == 0 || a >= 0xe0000000u) {
		LERR(c, "%s is not a host address", host->ipstr);
		return false;
	}
	host->has_ip = true;
	return true;
bad:
	host->ipstr[0] = '\0';
	LERR(c, "'%.*s' is not an IPv4 address (or '-')", (int)t->n, t->s);
	return false;
}

static bool parse_profile_name(struct line_ctx *c, struct bc_host *host,
			       const struct tok *t)
{
	if (!bc_word_ok(t->s, t->n)) {
		LERR(c, "'%.*s' is not a profile name", (int)t->n, t->s);
		return false;
	}
	host->profile = arena_strndup(&c->h->arena, t->s, t->n);
	return true;
}

/* "MAC, PROFILE": the comma may sit on either side of the blanks. */
static bool parse_short(struct line_ctx *c, struct bc_host *host,
			const char *s, size_t n)
{
	const char *comma = memchr(s, ',', n);
	struct tok mac = { s, (size_t)(comma - s) };
	struct tok prof = { comma + 1, n - mac.n - 1 };
	bool good;

	bc_trim(&mac.s, &mac.n);
	bc_trim(&prof.s, &prof.n);
	host->short_form = true;
	good = parse_mac(c, host, &mac);
	good = good && parse_name(c, host, NULL);
	return parse_profile_name(c, host, &prof) && good;
}

static bool is_short_form(const struct tok *t, int nt)
{
	return (nt >= 1 && memchr(t[0].s, ',', t[0].n)) ||
	       (nt >= 2 && t[1].s[0] == ',');
}

static bool parse_line(struct line_ctx *c, struct bc_host *host,
		       const char *s, size_t n)
{
	struct tok t[MAX_TOKS];
	const char *why = NULL;
	int nt;
	bool good;

	memset(host, 0, sizeof(*host));
	host->line = c->lineno;
	host->prof = -1;
	if (s[0] == '!') {
		host->disabled = true;
		s++;
		n--;
	}
	nt = tokenize(s, n, t, MAX_TOKS, &why);
	if (nt < 0) {
		LERR(c, "%s", why);
		return false;
	}
	if (is_short_form(t, nt)) {
		/* Up to the end of the last token: a comment may follow. */
		size_t end = (size_t)(t[nt - 1].s + t[nt - 1].n - s);

		if (nt > 3 || (nt == 3 && t[1].s[0] != ',')) {
			LERR(c, "expected 'MAC, PROFILE'");
			return false;
		}
		return parse_short(c, host, s, end);
	}
	if (nt < 4) {
		LERR(c, "expected MAC NAME IP PROFILE [KEY=VALUE...]");
		return false;
	}
	good = parse_mac(c, host, &t[0]);
	good = (good && parse_name(c, host, &t[1])) && good;
	good = parse_ip(c, host, &t[2]) && good;
	good = parse_profile_name(c, host, &t[3]) && good;
	return parse_kvs(c, host, t + 4, nt - 4) && good;
}

/* Duplicate MAC, IP or name: name both lines.  Keys live in the arena. */
static bool index_host(struct line_ctx *c, struct bc_host *host, uint32_t idx)
{
	struct bc_hosts *h = c->h;
	size_t ln = strlen(host->name);
	char *lname = arena_strndup(&h->arena, host->name, ln);
	void *mac = arena_alloc(&h->arena, MAC_LEN);
	void *ip = arena_alloc(&h->arena, sizeof(host->ip));
	uint32_t old;
	bool good = true;

	for (size_t i = 0; i < ln; i++)
		lname[i] = (char)tolower((unsigned char)lname[i]);
	memcpy(mac, host->mac, MAC_LEN);
	memcpy(ip, &host->ip, sizeof(host->ip));
	if (hindex_get(&h->bymac, mac, MAC_LEN, &old)) {
		LERR(c, "MAC already used on line %u", h->v[old].line);
		good = false;
	}
	if (host->has_ip && hindex_get(&h->byip, ip, sizeof(host->ip), &old)) {
		LERR(c, "IP address %s already used on line %u", host->ipstr,
		     h->v[old].line);
		good = false;
	}
	if (hindex_get(&h->byname, lname, ln, &old)) {
		LERR(c, "name '%s' already used on line %u", host->name,
		     h->v[old].line);
		good = false;
	}
	if (!good)
		return false;
	hindex_put(&h->bymac, mac, MAC_LEN, idx, NULL);
	if (host->has_ip)
		hindex_put(&h->byip, ip, sizeof(host->ip), idx, NULL);
	hindex_put(&h->byname, lname, ln, idx, NULL);
	return true;
}

unsigned bc_hosts_parse(struct bc_hosts *h, const char *file,
			const char *buf, size_t len, struct diag *d)
{
	struct bc_lines l = { .buf = buf, .len = len, .file = file };
	struct line_ctx c = { .h = h, .d = d };
	unsigned before = d->errors;
	const char *s;
	size_t n;

	h->file = file;
	while (bc_next_line(&l, &s, &n, d)) {
		struct bc_host host;

		c.lineno = l.lineno;
		if (!parse_line(&c, &host, s, n))
			continue;
		if (h->n == h->cap) {
			h->cap = h->cap ? h->cap * 2 : 64;
			h->v = xrealloc(h->v, h->cap * sizeof(*h->v));
		}
		h->v[h->n] = host;
		if (index_host(&c, &h->v[h->n], (uint32_t)h->n))
			h->n++;
	}
	return d->errors - before;
}

unsigned bc_hosts_resolve(struct bc_hosts *h, const struct bc_profiles *p,
			  struct diag *d)
{
	unsigned before = d->errors;

	for (size_t i = 0; i < h->n; i++) {
		struct bc_host *host = &h->v[i];
		uint32_t idx;

		if (hindex_get(&p->byname, host->profile,
			       strlen(host->profile), &idx) &&
		    (int)idx != p->defaults)
			host->prof = (int)idx;
		else
			diag_err(d, h->file, host->line,
				 "unknown profile '%s' (not in %s)",
				 host->profile, p->file ? p->file : "profiles");
	}
	return d->errors - before;
}

const struct bc_host *bc_hosts_find(const struct bc_hosts *h,
				    const uint8_t mac[MAC_LEN])
{
	uint32_t idx;

	return hindex_get(&h->bymac, mac, MAC_LEN, &idx) ? &h->v[idx] : NULL;
}

void bc_hosts_free(struct bc_hosts *h)
{
	hindex_free(&h->bymac);
	hindex_free(&h->byip);
	hindex_free(&h->byname);
	free(h->v);
	arena_free(&h->arena);
	memset(h, 0, sizeof(*h));
}
