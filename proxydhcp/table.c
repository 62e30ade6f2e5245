/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The node table: a line-oriented rule file, parsed whole or refused. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "dhcp.h"
#include "log.h"
#include "mac.h"
#include "num.h"
#include "table.h"

#define WORD_MAX (TABLE_LINE_MAX + 1)

/* One line being read: where, and the message when it goes wrong. */
struct line_ctx {
	const char *p, *end;
	char msg[256];
};

/* The message, with arg (a key or value) escaped and cut to fit. */
static int fail(struct line_ctx *lx, const char *fmt, const char *arg)
{
	char shown[64];

	log_escape(shown, sizeof(shown), arg, strlen(arg));
	snprintf(lx->msg, sizeof(lx->msg), fmt, shown);
	return -1;
}

static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

static void skip_blanks(struct line_ctx *lx)
{
	while (lx->p < lx->end && is_blank(*lx->p))
		lx->p++;
}

static int read_quoted(struct line_ctx *lx, char *val, size_t *n)
{
	for (lx->p++; lx->p < lx->end; lx->p++) {
		char c = *lx->p;

		if (c == '"') {
			lx->p++;
			return 0;
		}
		if (c == '\\') {
			if (++lx->p == lx->end || (*lx->p != '\\' && *lx->p != '"'))
				return fail(lx, "%sunknown escape in quoted value", "");
			c = *lx->p;
		}
		if ((unsigned char)c < 0x20 || c == 0x7f)
			return fail(lx, "%scontrol character in value", "");
		val[(*n)++] = c;
	}
	return fail(lx, "%sunterminated quoted value", "");
}

static int read_bare(struct line_ctx *lx, char *val, size_t *n)
{
	while (lx->p < lx->end && !is_blank(*lx->p) && *lx->p != '#') {
		char c = *lx->p++;

		if (c == '"')
			return fail(lx, "%squote inside a bare value", "");
		if ((unsigned char)c < 0x20 || c == 0x7f)
			return fail(lx, "%scontrol character in value", "");
		val[(*n)++] = c;
	}
	return 0;
}

/*
 * The next word of the line: 1 with key (and val, *has_val), 0 at the end
 * of the line or a comment, -1 with lx->msg.  key and val hold WORD_MAX.
 */
static int next_word(struct line_ctx *lx, char *key, char *val, bool *has_val)
{
	size_t k = 0, n = 0;

	skip_blanks(lx);
	if (lx->p == lx->end || *lx->p == '#')
		return 0;
	while (lx->p < lx->end && !is_blank(*lx->p) && *lx->p != '=' &&
	       *lx->p != '#') {
		char c = *lx->p++;

		if (!((c >= 'a' && c <= 'z') || c == '-' ||
		      (c >= '0' && c <= '9')))
			return fail(lx, "%sexpected key=value or ignore", "");
		key[k++] = c;
	}
	key[k] = '\0';
	*has_val = lx->p < lx->end && *lx->p == '=';
	if (!*has_val)
		return k ? 1 : fail(lx, "%sexpected key=value or ignore", "");
	lx->p++;
	if (lx->p < lx->end && *lx->p == '"' ? read_quoted(lx, val, &n) < 0
					     : read_bare(lx, val, &n) < 0)
		return -1;
	val[n] = '\0';
	if (lx->p < lx->end && !is_blank(*lx->p) && *lx->p != '#')
		return fail(lx, "%sgarbage after quoted value", "");
	if (n == 0)
		return fail(lx, "%s=: empty value", key);
	return 1;
}

/* ---- values ------------------------------------------------------------- */

static int set_string(struct line_ctx *lx, char **dst, const char *key,
		      const char *val, size_t max)
{
	if (strlen(val) > max)
		return fail(lx, "%s: value too long", key);
	*dst = strdup(val);
	return *dst ? 0 : fail(lx, "%s: out of memory", key);
}

static int set_ip(struct line_ctx *lx, struct table_rule *r, const char *val)
{
	char addr[INET_ADDRSTRLEN];
	const char *slash = strchr(val, '/');
	size_t alen = slash ? (size_t)(slash - val) : strlen(val);
	uint64_t bits = 32;
	struct in_addr in;

	if (alen >= sizeof(addr))
		return fail(lx, "ip=%s: expected A.B.C.D[/N]", val);
	memcpy(addr, val, alen);
	addr[alen] = '\0';
	if (inet_pton(AF_INET, addr, &in) != 1 ||
	    (slash && num_parse(slash + 1, 0, 32, &bits) < 0))
		return fail(lx, "ip=%s: expected A.B.C.D[/N]", val);
	r->mask = bits ? ~0u << (32 - bits) : 0;
	r->ip = ntohl(in.s_addr) & r->mask;
	return 0;
}

static int set_arch(struct line_ctx *lx, struct table_rule *r, const char *val)
{
	const char *p = val;

	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		if (pxe_arch_types(p, len, r->arch, TABLE_ARCH_MAX, &r->narch) < 0)
			return fail(lx, "arch=%s: unknown architecture "
				    "(bios, efi-ia32, efi-x64, efi-arm32, "
				    "efi-arm64, efi-x86-http, efi-x64-http, "
				    "efi-arm64-http or 0-65535)", val);
		if (comma == NULL)
			return 0;
		p = comma + 1;
	}
}

static int set_menu(struct line_ctx *lx, struct table_rule *r, const char *val)
{
	const char *c1 = strchr(val, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
	struct table_menu_item *m = &r->menu[r->nmenu];
	uint64_t type;

	if (r->nmenu >= TABLE_MENU_MAX)
		return fail(lx, "%smore than 16 menu entries", "");
	if (c2 == NULL || c2 == c1 + 1 || c2[1] == '\0' ||
	    num_parse_mem(val, (size_t)(c1 - val), 0, 65535, &type) < 0)
		return fail(lx, "menu=%s: expected TYPE,FILE,TEXT", val);
	if ((size_t)(c2 - c1 - 1) > TABLE_FILE_LEN)
		return fail(lx, "menu=%s: file name too long", val);
	m->type = (uint16_t)type;
	m->file = strndup(c1 + 1, (size_t)(c2 - c1 - 1));
	m->text = strdup(c2 + 1);
	r->nmenu++;
	if (m->file == NULL || m->text == NULL)
		return fail(lx, "%sout of memory", "");
	for (unsigned i = 0; i + 1 < r->nmenu; i++)
		if (r->menu[i].type == m->type)
			return fail(lx, "menu=%s: type used twice", val);
	return 0;
}

static int set_prompt(struct line_ctx *lx, struct table_rule *r,
		      const char *val)
{
	const char *comma = strchr(val, ',');
	uint64_t secs;

	if (comma == NULL || comma[1] == '\0' ||
	    num_parse_mem(val, (size_t)(comma - val), 0, 255, &secs) < 0)
		return fail(lx, "prompt=%s: expected SECS,TEXT (0-255)", val);
	r->prompt_secs = (int)secs;
	return set_string(lx, &r->prompt, "prompt", comma + 1, 250);
}

static int set_match(struct line_ctx *lx, struct table_rule *r,
		     const char *key, const char *val)
{
	struct in_addr in;

	if (strcmp(key, "mac") == 0) {
		r->match |= TM_MAC;
		return mac_parse(val, r->mac) < 0
			       ? fail(lx, "mac=%s: not a MAC address", val) : 0;
	}
	if (strcmp(key, "ip") == 0) {
		r->match |= TM_IP;
		return set_ip(lx, r, val);
	}
	if (strcmp(key, "host") == 0) {
		r->match |= TM_HOST;
		return set_string(lx, &r->host, key, val, 255);
	}
	if (strcmp(key, "arch") == 0) {
		r->match |= TM_ARCH;
		return set_arch(lx, r, val);
	}
	if (strcmp(key, "ipxe") == 0) {
		r->match |= TM_IPXE;
		r->ipxe = strcmp(val, "yes") == 0;
		return r->ipxe || strcmp(val, "no") == 0
			       ? 0 : fail(lx, "ipxe=%s: expected yes or no", val);
	}
	if (strcmp(key, "tftp-server") == 0) {
		r->has_tftp = true;
		if (inet_pton(AF_INET, val, &in) != 1)
			return fail(lx, "tftp-server=%s: not an IPv4 address", val);
		r->tftp = in.s_addr;
		return 0;
	}
	return fail(lx, "%s: unknown key", key);
}

/* Bits for "seen once" checks: match bits, then actions. */
static unsigned key_bit(const char *key)
{
	static const char *const keys[] = {
		"mac", "ip", "host", "arch", "ipxe", "tftp-server", "file",
		"script", "bcd", "prompt", "ignore",
	};

	for (unsigned i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(key, keys[i]) == 0)
			return 1u << i;
	return 0;
}

static int set_key(struct line_ctx *lx, struct table_rule *r, const char *key,
		   const char *val)
{
	if (strcmp(key, "file") == 0)
		return set_string(lx, &r->file, key, val, TABLE_FILE_LEN);
	if (strcmp(key, "script") == 0)
		return set_string(lx, &r->script, key, val, TABLE_FILE_LEN);
	if (strcmp(key, "bcd") == 0)
		return set_string(lx, &r->bcd, key, val, 255);
	if (strcmp(key, "menu") == 0)
		return set_menu(lx, r, val);
	if (strcmp(key, "prompt") == 0)
		return set_prompt(lx, r, val);
	return set_match(lx, r, key, val);
}

static bool has_action(const struct table_rule *r)
{
	return r->file || r->script || r->bcd || r->has_tftp || r->nmenu ||
	       r->ignore;
}

static int check_rule(struct line_ctx *lx, const struct table_rule *r)
{
	uint8_t opt[256];

	if (!has_action(r))
		return fail(lx, "%sno action (file, script, tftp-server, bcd, "
			    "menu or ignore)", "");
	if (r->ignore && (r->file || r->script || r->bcd || r->has_tftp ||
			  r->nmenu || r->prompt))
		return fail(lx, "%signore with an action", "");
	if (r->prompt && r->nmenu == 0)
		return fail(lx, "%sprompt without menu", "");
	if (r->nmenu && table_menu_encode(r, 0, opt, 255) == 0)
		return fail(lx, "%smenu does not fit option 43 (255 bytes)", "");
	return 0;
}

static int parse_rule(struct line_ctx *lx, struct table_rule *r, bool *empty)
{
	char key[WORD_MAX], val[WORD_MAX];
	unsigned seen = 0;
	bool has_val;
	int rc;

	*empty = true;
	while ((rc = next_word(lx, key, val, &has_val)) > 0) {
		unsigned bit = key_bit(key);

		*empty = false;
		if (bit & seen)
			return fail(lx, "%s: given twice", key);
		seen |= bit;
		if (strcmp(key, "ignore") == 0) {
			if (has_val)
				return fail(lx, "%signore takes no value", "");
			r->ignore = true;
			continue;
		}
		if (!has_val)
			return fail(lx, "%s: expected key=value", key);
		if (set_key(lx, r, key, val) < 0)
			return -1;
	}
	if (rc < 0 || *empty)
		return rc;
	return check_rule(lx, r);
}

static void rule_free(struct table_rule *r)
{
	free(r->host);
	free(r->file);
	free(r->script);
	free(r->bcd);
	free(r->prompt);
	for (unsigned i = 0; i < r->nmenu; i++) {
		free(r->menu[i].file);
		free(r->menu[i].text);
	}
}

void table_free(struct table *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->n; i++)
		rule_free(&t->rules[i]);
	free(t->rules);
	free(t->generic);
	free(t->bucket);
	free(t->chain);
	free(t);
}

static struct table_rule *new_rule(struct table *t, size_t *cap)
{
	struct table_rule *r;

	if (t->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct table_rule *nr = realloc(t->rules, ncap * sizeof(*nr));

		if (nr == NULL)
			return NULL;
		t->rules = nr;
		*cap = ncap;
	}
	r = &t->rules[t->n];
	memset(r, 0, sizeof(*r));
	r->prompt_secs = -1;
	return r;
}

/* One line into t; 0 or -1 with lx->msg. */
static int parse_line(struct table *t, size_t *cap, struct line_ctx *lx,
		      unsigned lineno)
{
	struct table_rule *r;
	bool empty;
	int rc;

	if (lx->end - lx->p > TABLE_LINE_MAX)
		return fail(lx, "%sline longer than 1023 bytes", "");
	if (memchr(lx->p, '\0', (size_t)(lx->end - lx->p)))
		return fail(lx, "%sNUL byte", "");
	r = new_rule(t, cap);
	if (r == NULL)
		return fail(lx, "%sout of memory", "");
	r->line = lineno;
	rc = parse_rule(lx, r, &empty);
	if (rc < 0 || empty) {
		rule_free(r);
		return rc;
	}
	t->uses_host |= (r->match & TM_HOST) != 0;
	t->n++;
	return 0;
}

static size_t mac_hash(const uint8_t mac[6], size_t nbucket)
{
	uint64_t h = 0;

	for (int i = 0; i < 6; i++)
		h = (h << 8 | mac[i]) * 0x100000001b3ull;
	return (size_t)(h ^ h >> 29) & (nbucket - 1);
}

static int build_index(struct table *t)
{
	size_t *tail;

	t->nbucket = 16;
	while (t->nbucket < 2 * t->n)
		t->nbucket *= 2;
	t->generic = malloc((t->n + 1) * sizeof(size_t));
	t->chain = malloc((t->n + 1) * sizeof(size_t));
	t->bucket = malloc(t->nbucket * sizeof(size_t));
	tail = malloc(t->nbucket * sizeof(size_t));
	if (!t->generic || !t->chain || !t->bucket || !tail) {
		free(tail);
		return -1;
	}
	for (size_t b = 0; b < t->nbucket; b++)
		t->bucket[b] = tail[b] = TABLE_NONE;
	for (size_t i = 0; i < t->n; i++) {
		size_t b;

		t->chain[i] = TABLE_NONE;
		if (!(t->rules[i].match & TM_MAC)) {
			t->generic[t->ngeneric++] = i;
			continue;
		}
		b = mac_hash(t->rules[i].mac, t->nbucket);
		if (tail[b] == TABLE_NONE)
			t->bucket[b] = i;
		else
			t->chain[tail[b]] = i;
		tail[b] = i;
	}
	free(tail);
	return 0;
}

struct table *table_parse_all(const char *buf, size_t len, const char *name,
			      struct pxe_report *rep)
{
	struct table *t = calloc(1, sizeof(*t));
	const char *p = buf, *end = buf + len;
	unsigned lineno = 0, before = rep->n;
	size_t cap = 0;

	if (t == NULL) {
		pxe_report(rep, "%s: out of memory", name);
		return NULL;
	}
	if (len > TABLE_FILE_MAX) {
		pxe_report(rep, "%s: larger than 1 MiB", name);
		table_free(t);
		return NULL;
	}
	/* A bad line is reported and left out; the lines after it still count. */
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		struct line_ctx lx = { p, nl ? nl : end, "" };

		lineno++;
		if (parse_line(t, &cap, &lx, lineno) < 0)
			pxe_report(rep, "%s:%u: %s", name, lineno, lx.msg);
		p = nl ? nl + 1 : end;
	}
	if (rep->n == before && build_index(t) < 0)
		pxe_report(rep, "%s: out of memory", name);
	if (rep->n != before) {
		table_free(t);
		return NULL;
	}
	return t;
}

struct table *table_parse(const char *buf, size_t len, const char *name,
			  char *err, size_t errlen)
{
	struct pxe_first first = { err, errlen };
	struct pxe_report rep = { pxe_report_first, &first, 0 };

	err[0] = '\0';
	return table_parse_all(buf, len, name, &rep);
}

/* ---- matching ----------------------------------------------------------- */

static bool arch_in(const struct table_rule *r, uint16_t arch)
{
	for (unsigned i = 0; i < r->narch; i++)
		if (r->arch[i] == arch)
			return true;
	return false;
}

/* The criteria a client without an address can be judged by. */
static bool matches_without_ip(const struct table_rule *r,
			       const struct pxe_client *c)
{
	if ((r->match & TM_MAC) && memcmp(r->mac, c->mac, 6) != 0)
		return false;
	if ((r->match & TM_ARCH) && !arch_in(r, c->arch))
		return false;
	return !(r->match & TM_IPXE) || r->ipxe == c->ipxe;
}

bool table_rule_matches(const struct table_rule *r, const struct pxe_client *c)
{
	if (!matches_without_ip(r, c))
		return false;
	if ((r->match & TM_IP) &&
	    (!c->has_ip || (ntohl(c->ip) & r->mask) != r->ip))
		return false;
	if ((r->match & TM_HOST) && !pxe_host_matches(r->host, c->host))
		return false;
	return true;
}

const struct table_rule *table_match(const struct table *t,
				     const struct pxe_client *c,
				     bool *needs_ip)
{
	size_t g = 0, m;

	*needs_ip = false;
	if (t == NULL || t->n == 0)
		return NULL;
	/* Merge the generic rules and the MAC's bucket, in file order. */
	m = t->bucket[mac_hash(c->mac, t->nbucket)];
	while (g < t->ngeneric || m != TABLE_NONE) {
		const struct table_rule *r;
		size_t i;

		if (m != TABLE_NONE && (g == t->ngeneric || m < t->generic[g])) {
			i = m;
			m = t->chain[m];
		} else {
			i = t->generic[g++];
		}
		r = &t->rules[i];
		if (table_rule_matches(r, c))
			return r;
		/* Only a rule that could still match once the address is
		 * known puts the decision off to port 4011. */
		if (!c->has_ip && (r->match & (TM_IP | TM_HOST)) &&
		    matches_without_ip(r, c))
			*needs_ip = true;
	}
	return NULL;
}

const struct table_menu_item *table_menu_item(const struct table_rule *r,
					      uint16_t type)
{
	for (unsigned i = 0; r && i < r->nmenu; i++)
		if (r->menu[i].type == type)
			return &r->menu[i];
	return NULL;
}

/* A sub-option whose length is known once written: begin, then end. */
static uint8_t *sub_begin(struct wcur *w, uint8_t code)
{
	wcur_u8(w, code);
	return wcur_reserve(w, 1);
}

static void sub_end(struct wcur *w, uint8_t *len)
{
	if (len)
		*len = (uint8_t)(w->p - len - 1);
}

/* Sub-option 8: every server type but local boot, each on server. */
static void put_servers(struct wcur *w, const struct table_rule *r,
			uint32_t server)
{
	uint8_t *len = sub_begin(w, PXE_BOOT_SERVERS);

	for (unsigned i = 0; i < r->nmenu; i++) {
		if (r->menu[i].type == 0)
			continue;
		wcur_be16(w, r->menu[i].type);
		wcur_u8(w, 1);
		wcur_bytes(w, &server, 4);
	}
	sub_end(w, len);
}

static void put_menu(struct wcur *w, const struct table_rule *r)
{
	uint8_t *len = sub_begin(w, PXE_BOOT_MENU);

	for (unsigned i = 0; i < r->nmenu; i++) {
		size_t tl = strlen(r->menu[i].text);

		wcur_be16(w, r->menu[i].type);
		wcur_u8(w, (uint8_t)(tl > 255 ? 255 : tl));
		wcur_bytes(w, r->menu[i].text, tl);
	}
	sub_end(w, len);
}

size_t table_menu_encode(const struct table_rule *r, uint32_t server,
			 uint8_t *out, size_t cap)
{
	uint8_t tmp[2048];
	struct wcur w = wcur_init(tmp, sizeof(tmp));
	const char *prompt = r->prompt ? r->prompt : "Boot menu";
	size_t plen = strlen(prompt), used;

	wcur_u8(&w, PXE_DISCOVERY_CONTROL);
	wcur_u8(&w, 1);
	wcur_u8(&w, PXE_DC_NO_BCAST | PXE_DC_NO_MCAST | PXE_DC_SERVERS_ONLY);
	put_servers(&w, r, server);
	put_menu(&w, r);
	wcur_u8(&w, PXE_MENU_PROMPT);
	wcur_u8(&w, (uint8_t)(plen + 1 > 255 ? 255 : plen + 1));
	wcur_u8(&w, (uint8_t)(r->prompt_secs < 0 ? 10 : r->prompt_secs));
	wcur_bytes(&w, prompt, plen);
	wcur_u8(&w, 255);
	used = wcur_used(&w);
	/* Each sub-option's own length must fit its byte as well. */
	if (!wcur_ok(&w) || used > cap || used > 255)
		return 0;
	memcpy(out, tmp, used);
	return used;
}
