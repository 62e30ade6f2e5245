/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Filename remapping rules: parsing a rules file and applying it. */
#include "remap.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <regex.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "cursor.h"
#include "file.h"
#include "log.h"

enum rule_flag {
	RULE_REWRITE = 1 << 0, /* r */
	RULE_GLOBAL = 1 << 1,  /* g */
	RULE_ICASE = 1 << 2,   /* i */
	RULE_EXIT = 1 << 3,    /* e */
	RULE_RESTART = 1 << 4, /* s */
	RULE_ABORT = 1 << 5,   /* a */
	RULE_GET = 1 << 6,     /* G */
	RULE_PUT = 1 << 7,     /* P */
	RULE_INVERT = 1 << 8,  /* ~ */
};

static const struct {
	char c;
	unsigned flag;
} flag_table[] = {
	{ 'r', RULE_REWRITE }, { 'g', RULE_GLOBAL }, { 'i', RULE_ICASE },
	{ 'e', RULE_EXIT },    { 's', RULE_RESTART }, { 'a', RULE_ABORT },
	{ 'G', RULE_GET },     { 'P', RULE_PUT },     { '~', RULE_INVERT },
};
#define NFLAGS (sizeof(flag_table) / sizeof(flag_table[0]))

/* \0 and \1..\9: the whole match and nine groups. */
#define REMAP_NMATCH 10

struct remap_rule {
	regex_t re;
	char *repl; /* escapes still in; NULL without r */
	unsigned flags;
};

struct remap {
	struct remap_rule *rules;
	size_t n, cap;
};

/* A field of a line, escapes still in. */
struct field {
	const char *s;
	size_t len;
};

#define MAX_FIELDS 3

/* The line being parsed and, when it is bad, what is wrong with it. */
struct parse_err {
	unsigned line;
	char msg[256];
};

NB_PRINTF(2, 3)
static void set_msg(struct parse_err *pe, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(pe->msg, sizeof(pe->msg), fmt, ap);
	va_end(ap);
}

/* Blanks separate fields; '\n' never reaches here as lines are split. */
static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/*
 * Takes the next field from [*pp, end): false at the end of the line or at
 * a comment.  A backslash always takes the next byte with it, so "\\"
 * followed by a blank ends a field, as in tftp-hpa.
 */
static bool next_field(const char **pp, const char *end, struct field *f)
{
	const char *p = *pp;

	while (p < end && is_blank(*p))
		p++;
	if (p == end || *p == '#') {
		*pp = end;
		return false;
	}
	f->s = p;
	while (p < end && !is_blank(*p) && *p != '#') {
		if (*p == '\\' && p + 1 < end)
			p++;
		p++;
	}
	f->len = (size_t)(p - f->s);
	*pp = p;
	return true;
}

static int parse_flags(const struct field *f, unsigned *flags,
		       struct parse_err *pe)
{
	*flags = 0;
	for (size_t i = 0; i < f->len; i++) {
		size_t k = 0;
		char esc[LOG_ESCAPE_SIZE(1)];

		while (k < NFLAGS && flag_table[k].c != f->s[i])
			k++;
		if (k == NFLAGS) {
			set_msg(pe, "unknown flag '%s'",
				log_escape(esc, sizeof(esc), f->s + i, 1));
			return -1;
		}
		*flags |= flag_table[k].flag;
	}
	return 0;
}

/* The flag combinations that cannot mean anything useful. */
static int check_flags(unsigned flags, size_t nfields, struct parse_err *pe)
{
	if ((flags & RULE_REWRITE) && (flags & RULE_INVERT))
		set_msg(pe, "flag 'r' cannot be combined with '~'");
	else if ((flags & RULE_GET) && (flags & RULE_PUT))
		set_msg(pe, "flags 'G' and 'P' together match nothing");
	else if (nfields < 2)
		set_msg(pe, "missing regular expression");
	else if ((flags & RULE_REWRITE) && nfields < 3)
		set_msg(pe, "flag 'r' needs a replacement");
	else if (!(flags & RULE_REWRITE) && nfields > 2)
		set_msg(pe, "replacement without flag 'r'");
	else
		return 0;
	return -1;
}

/*
 * The regex as regcomp wants it: a backslash before a blank or '#' only
 * kept the field together, and POSIX leaves "\ " undefined, so drop it.
 */
static char *regex_text(const struct field *f)
{
	char *s = malloc(f->len + 1), *o = s;

	if (s == NULL)
		return NULL;
	/* Taken in pairs, so a doubled backslash escapes nothing after it. */
	for (size_t i = 0; i < f->len; i++) {
		if (f->s[i] == '\\' && i + 1 < f->len) {
			if (!is_blank(f->s[i + 1]) && f->s[i + 1] != '#')
				*o++ = '\\';
			i++;
		}
		*o++ = f->s[i];
	}
	*o = '\0';
	return s;
}

/*
 * regcomp(3) in glibc spells out repetitions (x{3} becomes xxx, x+ becomes
 * xx*), so stacked or nested counts grow the compiled form exponentially
 * ("((a+)+)+..." of a hundred bytes takes gigabytes), and its work on
 * optional parts grows with the square of their number ("(a*){5000}"
 * takes seconds and gigabytes).  regex_too_big() estimates the expanded
 * size first; rules people write stay far below the limit.
 */
#define REGEX_COST_MAX 1000
#define REGEX_DEPTH_MAX 64
#define REGEX_COUNT_MAX 100000

/* Size so far of one nesting level, and of its last atom or group. */
struct cost {
	size_t sum, last;
};

/* Skips the bracket expression at p ('['), ']' and "[:name:]" included. */
static const char *skip_bracket(const char *p)
{
	p++;
	if (*p == '^')
		p++;
	if (*p == ']')
		p++;
	while (*p != '\0' && *p != ']') {
		char end = p[1];

		if (p[0] != '[' || (end != ':' && end != '=' && end != '.')) {
			p++;
			continue;
		}
		for (p += 2; *p != '\0'; p++) {
			if (p[0] == end && p[1] == ']') {
				p += 2;
				break;
			}
		}
	}
	return *p != '\0' ? p + 1 : p;
}

static size_t read_count(const char **pp)
{
	size_t n = 0;

	for (; **pp >= '0' && **pp <= '9'; (*pp)++)
		if (n < REGEX_COUNT_MAX)
			n = n * 10 + (size_t)(**pp - '0');
	return n;
}

/* Copies of the previous atom the repetition at *pp makes; moves past it. */
static size_t dup_factor(const char **pp)
{
	const char *p = *pp;
	size_t m, n;

	*pp = p + 1;
	if (*p != '{')
		return *p == '+' ? 2 : 1;
	p++;
	m = read_count(&p);
	n = m;
	if (*p == ',') {
		p++;
		n = *p >= '0' && *p <= '9' ? read_count(&p) : m + 1;
	}
	if (*p == '}')
		p++;
	*pp = p;
	return n > 0 ? n : 1;
}

static void add_atom(struct cost *c, size_t size)
{
	c->sum += size;
	c->last = size;
}

static bool regex_too_big(const char *p)
{
	struct cost st[REGEX_DEPTH_MAX + 1] = { { 0, 0 } };
	size_t d = 0, f;

	while (*p != '\0') {
		if (*p == '(') {
			if (d == REGEX_DEPTH_MAX)
				return true;
			st[++d] = (struct cost){ 0, 0 };
			p++;
		} else if (strchr("*+?{", *p) != NULL) {
			f = dup_factor(&p);
			st[d].sum += st[d].last * (f - 1);
			st[d].last *= f;
		} else if (*p == ')' && d > 0) {
			add_atom(&st[d - 1], st[d].sum + 1);
			d--;
			p++;
		} else {
			if (*p == '[')
				p = skip_bracket(p);
			else
				p += p[0] == '\\' && p[1] != '\0' ? 2 : 1;
			add_atom(&st[d], 1);
		}
		if (st[d].sum > REGEX_COST_MAX)
			return true;
	}
	return false;
}

static int compile_regex(struct remap_rule *r, const struct field *f,
			 struct parse_err *pe)
{
	int cflags = REG_EXTENDED, rc;
	char *text;

	if (memchr(f->s, '\0', f->len) != NULL) {
		set_msg(pe, "NUL byte in regular expression");
		return -1;
	}
	text = regex_text(f);
	if (text == NULL) {
		set_msg(pe, "out of memory");
		return -1;
	}
	if (regex_too_big(text)) {
		free(text);
		set_msg(pe, "regular expression too complex");
		return -1;
	}
	if (r->flags & RULE_ICASE)
		cflags |= REG_ICASE;
	/* Only rewriting needs to know where the match is. */
	if (!(r->flags & RULE_REWRITE))
		cflags |= REG_NOSUB;
	rc = regcomp(&r->re, text, cflags);
	free(text);
	if (rc != 0) {
		char why[200];

		regerror(rc, &r->re, why, sizeof(why));
		set_msg(pe, "bad regular expression: %s", why);
		return -1;
	}
	return 0;
}

static int take_replacement(struct remap_rule *r, const struct field *f,
			    struct parse_err *pe)
{
	/* Escapes come in pairs; a lone backslash can only be the last byte. */
	for (size_t i = 0; i < f->len; i++) {
		if (f->s[i] == '\0') {
			set_msg(pe, "NUL byte in replacement");
			return -1;
		}
		if (f->s[i] == '\\' && ++i == f->len) {
			set_msg(pe, "replacement ends in a lone backslash");
			return -1;
		}
	}
	r->repl = strndup(f->s, f->len);
	if (r->repl == NULL) {
		set_msg(pe, "out of memory");
		return -1;
	}
	return 0;
}

static struct remap_rule *new_rule(struct remap *rm, struct parse_err *pe)
{
	if (rm->n == rm->cap) {
		size_t cap = rm->cap ? rm->cap * 2 : 8;
		struct remap_rule *v = realloc(rm->rules, cap * sizeof(*v));

		if (v == NULL) {
			set_msg(pe, "out of memory");
			return NULL;
		}
		rm->rules = v;
		rm->cap = cap;
	}
	return &rm->rules[rm->n];
}

/* Parses one line (without its '\n'); blank and comment lines add nothing. */
static int parse_line(struct remap *rm, const char *p, const char *end,
		      struct parse_err *pe)
{
	struct field f[MAX_FIELDS], extra;
	struct remap_rule *r;
	size_t n = 0;
	unsigned flags;

	while (n < MAX_FIELDS && next_field(&p, end, &f[n]))
		n++;
	if (n == 0)
		return 0;
	if (next_field(&p, end, &extra)) {
		set_msg(pe, "too many fields");
		return -1;
	}
	if (parse_flags(&f[0], &flags, pe) < 0 ||
	    check_flags(flags, n, pe) < 0)
		return -1;
	r = new_rule(rm, pe);
	if (r == NULL)
		return -1;
	r->flags = flags;
	r->repl = NULL;
	if (n == 3 && take_replacement(r, &f[2], pe) < 0)
		return -1;
	if (compile_regex(r, &f[1], pe) < 0) {
		free(r->repl);
		return -1;
	}
	rm->n++;
	return 0;
}

/*
 * Parses every line: a bad one goes to report (when not NULL) and parsing
 * goes on with the next.  Returns the rules of the good lines (NULL only
 * when out of memory) and the number of bad ones in *problems.
 */
static struct remap *parse_rules(const char *buf, size_t len,
				 remap_report *report, void *arg,
				 unsigned *problems)
{
	struct remap *rm = calloc(1, sizeof(*rm));
	const char *p = buf, *end = buf ? buf + len : buf;
	struct parse_err pe = { 0 };

	*problems = 0;
	if (rm == NULL) {
		*problems = 1;
		if (report)
			report(arg, 0, "out of memory");
		return NULL;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;

		pe.line++;
		if (parse_line(rm, p, eol, &pe) < 0) {
			++*problems;
			if (report)
				report(arg, pe.line, pe.msg);
		}
		p = nl ? nl + 1 : end;
	}
	return rm;
}

struct remap *remap_parse_each(const char *buf, size_t len,
			       remap_report *report, void *arg)
{
	unsigned problems;
	struct remap *rm = parse_rules(buf, len, report, arg, &problems);

	if (problems) {
		remap_free(rm);
		return NULL;
	}
	return rm;
}

/* remap_parse keeps the first problem only. */
struct first_err {
	char *err;
	size_t errlen;
	bool taken;
};

static void keep_first(void *arg, unsigned line, const char *msg)
{
	struct first_err *fe = arg;

	if (fe->taken || fe->err == NULL || fe->errlen == 0)
		return;
	snprintf(fe->err, fe->errlen, "line %u: %s", line, msg);
	fe->taken = true;
}

struct remap *remap_parse(const char *buf, size_t len, char *err,
			  size_t errlen)
{
	struct first_err fe = { err, errlen, false };

	return remap_parse_each(buf, len, keep_first, &fe);
}

void remap_free(struct remap *rm)
{
	if (rm == NULL)
		return;
	for (size_t i = 0; i < rm->n; i++) {
		regfree(&rm->rules[i].re);
		free(rm->rules[i].repl);
	}
	free(rm->rules);
	free(rm);
}

size_t remap_count(const struct remap *rm)
{
	return rm ? rm->n : 0;
}

struct remap *remap_load(int dirfd, const char *name, remap_report *report,
			 void *arg)
{
	struct remap *rm;
	char *buf;
	size_t len;
	int rc = file_read(dirfd, name, REMAP_FILE_MAX, &buf, &len);

	if (rc < 0) {
		if (report)
			report(arg, 0, rc == -EFBIG ? "too large"
						    : strerror(-rc));
		return NULL;
	}
	rm = remap_parse_each(buf, len, report, arg);
	free(buf);
	return rm;
}

struct remap *remap_load_printed(int dirfd, const char *name,
				 const char *shown, bool plain,
				 unsigned *problems)
{
	struct problem_sink ps = { shown ? shown : name, plain, 0 };
	struct remap *rm = remap_load(dirfd, name, problem_report, &ps);

	if (problems)
		*problems = ps.count;
	return rm;
}

/* --- applying ----------------------------------------------------------- */

/* The client address as \i and \x spell it, worked out once per name. */
struct peer_text {
	char ip[INET6_ADDRSTRLEN];
	char hex[33];
};

static void hex_upper(char *out, const uint8_t *b, size_t n)
{
	static const char digits[] = "0123456789ABCDEF";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * n] = '\0';
}

static void peer_text_init(struct peer_text *pt, const struct sockaddr *sa)
{
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;
	const uint8_t *b;

	pt->ip[0] = pt->hex[0] = '\0';
	if (sa != NULL && sa->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;

		b = (const uint8_t *)&sin->sin_addr;
	} else if (sa != NULL && sa->sa_family == AF_INET6) {
		b = sin6->sin6_addr.s6_addr;
		/* Rules name IPv4 hosts by their IPv4 address on any socket. */
		if (!IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
			inet_ntop(AF_INET6, b, pt->ip, sizeof(pt->ip));
			hex_upper(pt->hex, b, 16);
			return;
		}
		b += 12;
	} else {
		return;
	}
	inet_ntop(AF_INET, b, pt->ip, sizeof(pt->ip));
	hex_upper(pt->hex, b, 4);
}

/* Appends group g of the match found in base; an unset group is empty. */
static void put_group(struct wcur *w, const char *base, const regmatch_t *m,
		      unsigned g)
{
	if (m[g].rm_so < 0 || m[g].rm_eo < m[g].rm_so)
		return;
	wcur_bytes(w, base + m[g].rm_so, (size_t)(m[g].rm_eo - m[g].rm_so));
}

static void put_replacement(struct wcur *w, const char *repl,
			    const char *base, const regmatch_t *m,
			    const struct peer_text *pt)
{
	for (const char *p = repl; *p != '\0'; p++) {
		if (*p != '\\' || p[1] == '\0') {
			wcur_u8(w, (uint8_t)*p);
			continue;
		}
		p++;
		if (*p >= '0' && *p <= '9')
			put_group(w, base, m, (unsigned)(*p - '0'));
		else if (*p == 'i')
			wcur_bytes(w, pt->ip, strlen(pt->ip));
		else if (*p == 'x')
			wcur_bytes(w, pt->hex, strlen(pt->hex));
		else
			wcur_u8(w, (uint8_t)*p);
	}
}

/*
 * Rewrites in into w: the first match, or with g every match, as sed does.
 * An empty match right after a match is skipped and an empty match copies
 * one byte before the search resumes, so the loop always moves forward.
 * Returns whether anything matched.
 */
static bool substitute(const struct remap_rule *r, const char *in,
		       const struct peer_text *pt, struct wcur *w)
{
	regmatch_t m[REMAP_NMATCH];
	size_t len = strlen(in), pos = 0;
	bool matched = false, after_match = false;

	while (regexec(&r->re, in + pos, REMAP_NMATCH, m,
		       pos > 0 ? REG_NOTBOL : 0) == 0) {
		size_t so = pos + (size_t)m[0].rm_so;
		size_t eo = pos + (size_t)m[0].rm_eo;

		if (!(so == eo && so == pos && after_match)) {
			wcur_bytes(w, in + pos, so - pos);
			put_replacement(w, r->repl, in + pos, m, pt);
			matched = true;
			if (!(r->flags & RULE_GLOBAL)) {
				pos = eo;
				break;
			}
		}
		after_match = so != eo;
		pos = eo;
		if (so == eo) {
			if (pos == len)
				break;
			wcur_u8(w, (uint8_t)in[pos++]);
		}
	}
	wcur_bytes(w, in + pos, len - pos);
	wcur_u8(w, '\0');
	return matched;
}

static bool rule_applies(const struct remap_rule *r, bool is_write)
{
	return !(r->flags & (is_write ? RULE_GET : RULE_PUT));
}

/* Scratch for one remap_apply: the name so far and the next one. */
struct work {
	char buf[2][REMAP_NAME_MAX];
	unsigned cur;
	struct peer_text pt;
};

/* Runs one rule against the current name; -1 when a name grew too long. */
static int run_rule(const struct remap_rule *r, struct work *wk)
{
	const char *in = wk->buf[wk->cur];
	struct wcur w;
	bool hit;

	if (!(r->flags & RULE_REWRITE)) {
		hit = regexec(&r->re, in, 0, NULL, 0) == 0;
		return hit != !!(r->flags & RULE_INVERT);
	}
	w = wcur_init(wk->buf[!wk->cur], REMAP_NAME_MAX);
	hit = substitute(r, in, &wk->pt, &w);
	if (!wcur_ok(&w))
		return -1;
	if (hit)
		wk->cur = !wk->cur;
	return hit;
}

static enum remap_result run_rules(const struct remap *rm, bool is_write,
				   struct work *wk)
{
	unsigned restarts = 0;
	size_t i = 0;

	while (rm != NULL && i < rm->n) {
		const struct remap_rule *r = &rm->rules[i++];
		int hit;

		if (!rule_applies(r, is_write))
			continue;
		hit = run_rule(r, wk);
		if (hit < 0)
			return REMAP_TOOLONG;
		if (!hit)
			continue;
		if (r->flags & RULE_ABORT)
			return REMAP_DENIED;
		if (r->flags & RULE_EXIT)
			break;
		if (r->flags & RULE_RESTART) {
			/* Rules that keep matching would otherwise spin. */
			if (++restarts > REMAP_MAX_RESTARTS)
				return REMAP_DENIED;
			i = 0;
		}
	}
	return REMAP_OK;
}

enum remap_result remap_apply(const struct remap *rm, const char *name,
			      bool is_write, const struct sockaddr *peer,
			      char *out, size_t outlen)
{
	struct work wk;
	enum remap_result res;
	size_t len = strlen(name);

	if (outlen > 0)
		out[0] = '\0';
	if (len >= REMAP_NAME_MAX)
		return REMAP_TOOLONG;
	wk.cur = 0;
	memcpy(wk.buf[wk.cur], name, len + 1);
	peer_text_init(&wk.pt, peer);
	res = run_rules(rm, is_write, &wk);
	if (res != REMAP_OK)
		return res;
	len = strlen(wk.buf[wk.cur]);
	if (len >= outlen)
		return REMAP_TOOLONG;
	memcpy(out, wk.buf[wk.cur], len + 1);
	return REMAP_OK;
}
