/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What each output syntax gives meaning to, in one table; see escape.h.
 * The facts behind the iPXE rules are iPXE's own parser: a script line
 * ends at '\n' (a '\' before it continues the line), splits into words at
 * blanks with no quoting of any kind, the words "&&", "||" and ";" end a
 * command, a word starting with '#' ends the line, and every "${...}" in
 * a word is replaced by a setting before the command runs.
 */
#include "escape.h"

#include <stdio.h>
#include <string.h>

enum rule_kind {
	R_END,
	R_CHAR,                 /* any of these bytes, anywhere */
	R_SEQ,                  /* this sequence, anywhere */
	R_WORD,                 /* a blank-separated word equal to this */
	R_WORD_START,           /* a word starting with any of these bytes */
};

struct rule {
	enum rule_kind kind;
	const char *text;
	const char *why;
};

typedef void (*quote_fn)(const char *s, size_t n, struct sbuf *out);

struct syntax {
	const char *name;
	const struct rule *rules;
	/*
	 * quote NULL: written as is.  Otherwise quoted always when quote_if
	 * is NULL, else when the value is empty or holds one of its bytes.
	 */
	quote_fn quote;
	const char *quote_if;
};

/* '...' with each ' written as '\'' (GRUB's shell, like sh). */
static void quote_single(const char *s, size_t n, struct sbuf *out)
{
	sb_puts(out, "'");
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\'')
			sb_puts(out, "'\\''");
		else
			sb_add(out, &s[i], 1);
	}
	sb_puts(out, "'");
}

/* "..." with '"' and '\' escaped by a '\' (ISC dhcpd, proxydhcp(5)). */
static void quote_double(const char *s, size_t n, struct sbuf *out)
{
	sb_puts(out, "\"");
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\')
			sb_puts(out, "\\");
		sb_add(out, &s[i], 1);
	}
	sb_puts(out, "\"");
}

static const char ends_command[] = "ends the command and runs what follows";

static const struct rule ipxe_rules[] = {
	{ R_WORD, "&&", ends_command },
	{ R_WORD, "||", ends_command },
	{ R_WORD, ";", ends_command },
	{ R_WORD_START, "#", "starts a comment that drops the rest of the line" },
	{ R_SEQ, "${", "is replaced by an iPXE setting" },
	{ R_CHAR, "\\", "at the end of a line joins the next one" },
	{ R_END, NULL, NULL },
};

static const struct rule dhcpd_word_rules[] = {
	{ R_CHAR, " \t\"'\\;{}#,", "ends or changes the statement" },
	{ R_END, NULL, NULL },
};

static const struct rule dnsmasq_rules[] = {
	{ R_CHAR, ",", "separates fields" },
	{ R_CHAR, "#", "starts a comment after a blank" },
	{ R_CHAR, " \t", "is trimmed or starts a comment" },
	{ R_CHAR, "\"\\", "starts quoting or escapes" },
	{ R_END, NULL, NULL },
};

static const struct rule no_rules[] = {
	{ R_END, NULL, NULL },
};

static const struct syntax syntaxes[BC_SYN_COUNT] = {
	[BC_SYN_IPXE] = { "iPXE script", ipxe_rules, NULL, NULL },
	[BC_SYN_PXELINUX] = { "pxelinux file", no_rules, NULL, NULL },
	[BC_SYN_GRUB] = { "GRUB script", no_rules, quote_single,
			  " \t!\"#$&'()*;<>?[\\]^`{|}~" },
	[BC_SYN_DHCPD] = { "ISC dhcpd string", no_rules, quote_double, NULL },
	[BC_SYN_DHCPD_WORD] = { "ISC dhcpd statement", dhcpd_word_rules,
				NULL, NULL },
	[BC_SYN_DNSMASQ] = { "dnsmasq line", dnsmasq_rules, NULL, NULL },
	[BC_SYN_PROXYDHCP] = { "proxydhcp table", no_rules, quote_double,
			       " \t#\"\\" },
	[BC_SYN_TEXT] = { "template", no_rules, NULL, NULL },
};

const char *bc_syntax_name(enum bc_syntax syn)
{
	return (unsigned)syn < BC_SYN_COUNT ? syntaxes[syn].name : "?";
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool refuse(struct bc_refusal *r, size_t at, size_t len,
		   const char *why)
{
	*r = (struct bc_refusal){ .at = at, .len = len, .why = why };
	return false;
}

/* Word rules: each blank-separated word of (s, n). */
static bool check_words(const struct rule *ru, const char *s, size_t n,
			struct bc_refusal *r)
{
	size_t i = 0;

	while (i < n) {
		size_t start, len;

		while (i < n && is_blank(s[i]))
			i++;
		start = i;
		while (i < n && !is_blank(s[i]))
			i++;
		len = i - start;
		if (len == 0)
			break;
		if (ru->kind == R_WORD && strlen(ru->text) == len &&
		    memcmp(ru->text, s + start, len) == 0)
			return refuse(r, start, len, ru->why);
		if (ru->kind == R_WORD_START && strchr(ru->text, s[start]))
			return refuse(r, start, 1, ru->why);
	}
	return true;
}

static bool check_rule(const struct rule *ru, const char *s, size_t n,
		       struct bc_refusal *r)
{
	const char *p;

	switch (ru->kind) {
	case R_CHAR:
		for (size_t i = 0; i < n; i++)
			if (strchr(ru->text, s[i]))
				return refuse(r, i, 1, ru->why);
		return true;
	case R_SEQ:
		p = memmem(s, n, ru->text, strlen(ru->text));
		return p ? refuse(r, (size_t)(p - s), strlen(ru->text), ru->why)
			 : true;
	case R_WORD:
	case R_WORD_START:
		return check_words(ru, s, n, r);
	default:
		return true;
	}
}

static bool check(const struct syntax *sx, const char *s, size_t n,
		  struct bc_refusal *r)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c >= 0x7f)
			return refuse(r, i, 1, c == '\n' ? "ends the line"
						: "is a control or non-ASCII byte");
	}
	for (const struct rule *ru = sx->rules; ru->kind != R_END; ru++)
		if (!check_rule(ru, s, n, r))
			return false;
	return true;
}

static bool wants_quotes(const struct syntax *sx, const char *s, size_t n)
{
	if (sx->quote == NULL)
		return false;
	if (sx->quote_if == NULL || n == 0)
		return true;
	for (size_t i = 0; i < n; i++)
		if (strchr(sx->quote_if, s[i]))
			return true;
	return false;
}

bool bc_escape(enum bc_syntax syn, const char *s, size_t n, struct sbuf *out,
	       struct bc_refusal *r)
{
	const struct syntax *sx;

	if ((unsigned)syn >= BC_SYN_COUNT)
		return refuse(r, 0, 0, "has no known syntax");
	sx = &syntaxes[syn];
	if (!check(sx, s, n, r))
		return false;
	if (wants_quotes(sx, s, n))
		sx->quote(s, n, out);
	else
		sb_add(out, s, n);
	return true;
}

void bc_refusal_text(enum bc_syntax syn, const char *s,
		     const struct bc_refusal *r, char *buf, size_t size)
{
	unsigned char c = (unsigned char)s[r->at];
	const char *name = bc_syntax_name(syn);
	char shown[48];

	if (r->len == 1 && (c < 0x20 || c >= 0x7f))
		snprintf(shown, sizeof(shown), "byte 0x%02x", c);
	else
		snprintf(shown, sizeof(shown), "'%.*s'", (int)r->len, s + r->at);
	snprintf(buf, size, "%s in a%s %s %s; refused", shown,
		 strchr("aeiouAEIOU", name[0]) ? "n" : "", name, r->why);
}

bool bc_put(const struct bc_env *e, const struct bc_host *h,
	    enum bc_syntax syn, const char *what, const char *s,
	    struct sbuf *out)
{
	struct bc_refusal r;
	char why[160];

	if (s == NULL)
		s = "";
	if (bc_escape(syn, s, strlen(s), out, &r))
		return true;
	bc_refusal_text(syn, s, &r, why, sizeof(why));
	diag_err(e->d, e->hs ? e->hs->file : "hosts", h->line,
		 "host %s: %s: %s", h->name, what, why);
	return false;
}

void bc_emit_put(struct bc_emit *m, enum bc_syntax syn, const char *what,
		 const char *s)
{
	m->ok = bc_put(m->e, m->h, syn, what, s, m->out) && m->ok;
}

enum bc_syntax bc_template_syntax(const char *name)
{
	size_t n = strlen(name);

	return n >= 5 && strcmp(name + n - 5, ".ipxe") == 0 ? BC_SYN_IPXE
							     : BC_SYN_TEXT;
}
