// SPDX-License-Identifier: GPL-2.0-or-later
/* TABFILE parsing and MBR construction for mkimz layout. */
#include "layout.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cursor.h"
#include "num.h"

#define MAX_TOKENS	12
#define MIB_SECTORS	2048u
#define MBR_MAX_LBA	0xffffffffu

struct tok {
	const char *p;
	size_t n;
};

struct line_ctx {
	struct tok t[MAX_TOKENS];
	size_t nt, i;
	unsigned line;
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 2, 3)))
static int fail(struct line_ctx *lc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(lc->err, lc->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Splits one line (comment already cut) into tokens. */
static int tokenize(struct line_ctx *lc, const char *p, size_t n)
{
	size_t i = 0;

	lc->nt = 0;
	lc->i = 0;
	while (i < n) {
		size_t s;

		while (i < n && is_blank(p[i]))
			i++;
		if (i == n)
			break;
		s = i;
		while (i < n && !is_blank(p[i]))
			i++;
		if (lc->nt == MAX_TOKENS)
			return fail(lc, "too many fields");
		lc->t[lc->nt].p = p + s;
		lc->t[lc->nt].n = i - s;
		lc->nt++;
	}
	return 0;
}

static int tok_is(const struct tok *t, const char *word)
{
	size_t n = strlen(word);

	if (t->n != n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = t->p[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != word[i])
			return 0;
	}
	return 1;
}

/* A decimal or $hex number in [min, max]. */
static int parse_num(const char *p, size_t n, uint64_t min, uint64_t max,
		     uint64_t *out)
{
	if (n > 1 && p[0] == '$') {
		if (p[1] == '0' && n > 2 && (p[2] == 'x' || p[2] == 'X'))
			return -1;
		return num_parse_hex_mem(p + 1, n - 1, min, max, out) ? -1 : 0;
	}
	return num_parse_mem(p, n, min, max, out) ? -1 : 0;
}

static int next_num(struct line_ctx *lc, const char *what, uint64_t min,
		    uint64_t max, uint64_t *out)
{
	const struct tok *t;

	if (lc->i == lc->nt)
		return fail(lc, "missing %s", what);
	t = &lc->t[lc->i++];
	if (parse_num(t->p, t->n, min, max, out))
		return fail(lc, "bad %s '%.*s' (a number %llu..%llu, $ for hex)",
			    what, (int)(t->n > 20 ? 20 : t->n), t->p,
			    (unsigned long long)min, (unsigned long long)max);
	return 0;
}

static int next_chs(struct line_ctx *lc, struct layout_chs *chs)
{
	uint64_t c, h, s;

	if (next_num(lc, "cylinder", 0, 0xffffff, &c) ||
	    next_num(lc, "head", 0, 254, &h) ||
	    next_num(lc, "sector", 1, 63, &s))
		return -1;
	chs->c = (uint32_t)c;
	chs->h = (uint32_t)h;
	chs->s = (uint32_t)s;
	return 0;
}

/* A size starts with its sign, alone or followed by the number. */
static int is_size_start(const struct tok *t)
{
	return (t->p[0] == '+' || t->p[0] == '-') &&
	       (t->n == 1 || (t->p[1] >= '0' && t->p[1] <= '9') ||
		t->p[1] == '$');
}

static int parse_unit(struct line_ctx *lc, const char *p, size_t n,
		      struct layout_part *pt)
{
	struct tok u = { p, n };

	if (tok_is(&u, "%")) {
		pt->unit = LAYOUT_PERCENT;
		if ((pt->size > 100) || (!pt->minus && pt->size == 0))
			return fail(lc, "percentage out of range");
		return 0;
	}
	if (tok_is(&u, "mb") || tok_is(&u, "m") || tok_is(&u, "mib")) {
		pt->unit = LAYOUT_MIB;
		if (!pt->minus && pt->size == 0)
			return fail(lc, "size +0 is empty");
		return 0;
	}
	return fail(lc, "bad size unit '%.*s' (Mb or %%)", (int)(n > 20 ? 20 : n),
		    p);
}

static int is_digit_of(char c, int hex)
{
	return (c >= '0' && c <= '9') ||
	       (hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')));
}

/*
 * +N Mb, -N Mb, +N %, -N %: blanks may separate the sign, the number and
 * the unit (+ 10 Mb, +10Mb, - 70 %).
 */
static int next_size(struct line_ctx *lc, struct layout_part *pt)
{
	const struct tok *t = &lc->t[lc->i++];
	const char *p = t->p + 1;
	size_t n = t->n - 1, d = 0;
	int hex;

	pt->minus = t->p[0] == '-';
	if (n == 0) {
		if (lc->i == lc->nt)
			return fail(lc, "missing size after '%c'", t->p[0]);
		t = &lc->t[lc->i++];
		p = t->p;
		n = t->n;
	}
	hex = p[0] == '$';
	d = (size_t)hex;
	while (d < n && is_digit_of(p[d], hex))
		d++;
	if (parse_num(p, d, 0, 1u << 30, &pt->size))
		return fail(lc, "bad size '%.*s'", (int)(n > 20 ? 20 : n), p);
	if (d < n)
		return parse_unit(lc, p + d, n - d, pt);
	if (lc->i == lc->nt)
		return fail(lc, "missing size unit (Mb or %%)");
	t = &lc->t[lc->i++];
	return parse_unit(lc, t->p, t->n, pt);
}

static int next_flag(struct line_ctx *lc, int *boot)
{
	const struct tok *t;

	if (lc->i == lc->nt)
		return fail(lc, "missing boot flag (Y or N)");
	t = &lc->t[lc->i++];
	if (tok_is(t, "y"))
		*boot = 1;
	else if (tok_is(t, "n"))
		*boot = 0;
	else
		return fail(lc, "bad boot flag '%.*s' (Y or N)",
			    (int)(t->n > 20 ? 20 : t->n), t->p);
	return 0;
}

int layout_label_check(const char *s, size_t len, char out[12])
{
	static const char extra[] = " !#$%&'()-@^_`{}~";

	if (len == 0 || len > LAYOUT_LABEL_MAX)
		return -1;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      (c != '\0' && strchr(extra, c) != NULL)))
			return -1;
		out[i] = c;
	}
	out[len] = '\0';
	return 0;
}

/* type and boot flag: the head every form shares. */
static int parse_head(struct line_ctx *lc, struct layout_part *pt)
{
	uint64_t type;

	if (next_num(lc, "type", 1, 255, &type) || next_flag(lc, &pt->boot))
		return -1;
	pt->type = (uint8_t)type;
	return 0;
}

/* The optional label that ends every form. */
static int parse_label(struct line_ctx *lc, struct layout_part *pt)
{
	const struct tok *t;

	if (lc->i == lc->nt)
		return 0;
	t = &lc->t[lc->i++];
	if (layout_label_check(t->p, t->n, pt->label))
		return fail(lc, "bad label '%.*s' (1..11 of A-Z 0-9 !#$%%&'()-@^_`{}~)",
			    (int)(t->n > 20 ? 20 : t->n), t->p);
	if (lc->i != lc->nt)
		return fail(lc, "unexpected '%.*s' after the label",
			    (int)(lc->t[lc->i].n > 20 ? 20 : lc->t[lc->i].n),
			    lc->t[lc->i].p);
	return 0;
}

/*
 * type boot? [1st-C 1st-H 1st-S [last-C last-H last-S]] size [label],
 * where the full-CHS form has no size: the three forms of the seed's
 * bpclean table, told apart by whether a signed size comes first.
 */
static int parse_part(struct line_ctx *lc, struct layout_part *pt)
{
	memset(pt, 0, sizeof(*pt));
	pt->line = lc->line;
	if (lc->nt == 1 && tok_is(&lc->t[0], "0")) {
		pt->form = LAYOUT_UNUSED;
		return 0;
	}
	if (parse_head(lc, pt))
		return -1;
	if (lc->i == lc->nt)
		return fail(lc, "missing size (+N Mb, -N Mb, +N %%, -N %%) or first cylinder");
	if (is_size_start(&lc->t[lc->i])) {
		pt->form = LAYOUT_SIZE;
		return next_size(lc, pt) || parse_label(lc, pt) ? -1 : 0;
	}
	if (next_chs(lc, &pt->start))
		return -1;
	if (lc->i < lc->nt && is_size_start(&lc->t[lc->i])) {
		pt->form = LAYOUT_CHS_SIZE;
		return next_size(lc, pt) || parse_label(lc, pt) ? -1 : 0;
	}
	pt->form = LAYOUT_CHS;
	return next_chs(lc, &pt->end) || parse_label(lc, pt) ? -1 : 0;
}

static int parse_next_boot(struct line_ctx *lc, struct layout_spec *sp)
{
	const struct tok *t = &lc->t[0];

	if (lc->nt != 1)
		return fail(lc, "the next boot image is one name without blanks");
	if (t->n > LAYOUT_NEXT_MAX)
		return fail(lc, "next boot image name longer than %d bytes",
			    LAYOUT_NEXT_MAX);
	for (size_t i = 0; i < t->n; i++)
		if ((unsigned char)t->p[i] < 0x21 || (unsigned char)t->p[i] > 0x7e)
			return fail(lc, "next boot image name: not printable ASCII");
	memcpy(sp->next_boot, t->p, t->n);
	sp->next_boot[t->n] = '\0';
	sp->next_boot_line = lc->line;
	return 0;
}

/* One non-blank line: the n-th (0-based) of the file's entries. */
static int parse_entry(struct line_ctx *lc, struct layout_spec *sp,
		       unsigned n)
{
	if (n < LAYOUT_PARTS)
		return parse_part(lc, &sp->part[n]);
	if (n == LAYOUT_PARTS)
		return parse_next_boot(lc, sp);
	return fail(lc, "extra line (four partitions and a next boot image at most)");
}

int layout_parse(const char *buf, size_t len, struct layout_spec *sp,
		 unsigned *line, char *err, size_t errlen)
{
	struct line_ctx lc = { .err = err, .errlen = errlen };
	unsigned entries = 0;
	size_t pos = 0;

	memset(sp, 0, sizeof(*sp));
	*line = 0;
	if (len > LAYOUT_MAX_BYTES)
		return fail(&lc, "longer than %d bytes", LAYOUT_MAX_BYTES);
	if (memchr(buf, '\0', len) != NULL)
		return fail(&lc, "contains a NUL byte");
	while (pos < len) {
		const char *p = buf + pos, *nl = memchr(p, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - p) : len - pos;
		const char *hash = memchr(p, '#', n);

		pos += n + (nl != NULL);
		lc.line++;
		*line = lc.line;
		if (tokenize(&lc, p, hash ? (size_t)(hash - p) : n))
			return -1;
		if (lc.nt == 0)
			continue;
		if (parse_entry(&lc, sp, entries++))
			return -1;
	}
	sp->lines = lc.line;
	if (entries < LAYOUT_PARTS) {
		*line = lc.line;
		return fail(&lc, "%u partition line%s, need exactly 4 (0 or - for an empty slot)",
			    entries, entries == 1 ? "" : "s");
	}
	*line = 0;
	return 0;
}

struct place_ctx {
	const struct layout_geom *g;
	uint64_t cyl;		/* sectors per cylinder */
	uint64_t usable;	/* last whole cylinder boundary */
	uint64_t next;		/* where a size-only partition starts */
	struct line_ctx *lc;
};

static int chs_lba(struct place_ctx *pc, const struct layout_chs *c,
		   const char *what, uint64_t *lba)
{
	if (c->h >= pc->g->heads || c->s > pc->g->sectors)
		return fail(pc->lc, "%s %u/%u/%u outside the geometry (%u heads, %u sectors)",
			    what, c->c, c->h, c->s, pc->g->heads,
			    pc->g->sectors);
	*lba = ((uint64_t)c->c * pc->g->heads + c->h) * pc->g->sectors +
	       c->s - 1;
	return 0;
}

static uint64_t cyl_down(const struct place_ctx *pc, uint64_t lba)
{
	return lba / pc->cyl * pc->cyl;
}

static uint64_t cyl_up(const struct place_ctx *pc, uint64_t lba)
{
	return (lba + pc->cyl - 1) / pc->cyl * pc->cyl;
}

/*
 * The end (exclusive) of a relative size from start, on a cylinder
 * boundary.  The space available at that point runs from start to the
 * last whole cylinder of the disk.  +N asks for at least N MiB (or N % of
 * that space): the end is rounded up; -N leaves at least N MiB (or N % of
 * it) free for the next partitions: the end is rounded down.
 */
static int size_end(struct place_ctx *pc, const struct layout_part *pt,
		    uint64_t start, uint64_t *end)
{
	uint64_t room = pc->usable > start ? pc->usable - start : 0;
	uint64_t n = pt->unit == LAYOUT_MIB ? pt->size * MIB_SECTORS :
					      (room * pt->size + 99) / 100;

	if (pt->minus) {
		if (n >= room)
			return fail(pc->lc, "no space left for this partition");
		*end = cyl_down(pc, start + room - n);
	} else {
		*end = cyl_up(pc, start + n);
	}
	if (*end <= start)
		return fail(pc->lc, "smaller than one cylinder (%llu sectors)",
			    (unsigned long long)pc->cyl);
	if (*end > pc->usable)
		return fail(pc->lc, "past the end of the disk (%llu sectors)",
			    (unsigned long long)pc->g->disk_sectors);
	return 0;
}

static int place_one(struct place_ctx *pc, const struct layout_part *pt,
		     struct layout_extent *e)
{
	uint64_t start, end;

	if (pt->form == LAYOUT_SIZE)
		start = pc->next;
	else if (chs_lba(pc, &pt->start, "start", &start))
		return -1;
	if (start == 0)
		return fail(pc->lc, "starts on sector 0 (the MBR)");
	if (pt->form == LAYOUT_CHS) {
		if (chs_lba(pc, &pt->end, "end", &end))
			return -1;
		if (end < start)
			return fail(pc->lc, "ends before it starts");
		end++;
		if (end > pc->g->disk_sectors)
			return fail(pc->lc, "past the end of the disk (%llu sectors)",
				    (unsigned long long)pc->g->disk_sectors);
	} else if (size_end(pc, pt, start, &end)) {
		return -1;
	}
	if (end - 1 > MBR_MAX_LBA || end - start > MBR_MAX_LBA)
		return fail(pc->lc, "beyond 2^32 sectors, the MBR's limit");
	e->start = start;
	e->count = end - start;
	pc->next = cyl_up(pc, end);
	return 0;
}

static int check_pairs(const struct layout_spec *sp,
		       const struct layout_extent ext[LAYOUT_PARTS],
		       struct line_ctx *lc, unsigned *line)
{
	for (unsigned i = 0; i < LAYOUT_PARTS; i++) {
		for (unsigned j = 0; j < i; j++) {
			if (ext[i].count == 0 || ext[j].count == 0)
				continue;
			*line = sp->part[i].line;
			if (sp->part[i].boot && sp->part[j].boot)
				return fail(lc, "a second boot flag (line %u has one)",
					    sp->part[j].line);
			if (ext[i].start < ext[j].start + ext[j].count &&
			    ext[j].start < ext[i].start + ext[i].count)
				return fail(lc, "overlaps the partition of line %u",
					    sp->part[j].line);
		}
	}
	*line = 0;
	return 0;
}

int layout_compute(const struct layout_spec *sp, const struct layout_geom *g,
		   struct layout_extent ext[LAYOUT_PARTS], unsigned *line,
		   char *err, size_t errlen)
{
	struct line_ctx lc = { .err = err, .errlen = errlen };
	struct place_ctx pc = { .g = g, .lc = &lc };

	memset(ext, 0, sizeof(*ext) * LAYOUT_PARTS);
	*line = 0;
	if (g->heads < 1 || g->heads > 255 || g->sectors < 1 || g->sectors > 63)
		return fail(&lc, "bad geometry %u heads %u sectors", g->heads,
			    g->sectors);
	pc.cyl = (uint64_t)g->heads * g->sectors;
	pc.usable = g->disk_sectors / pc.cyl * pc.cyl;
	pc.next = g->sectors;	/* cylinder 0, head 1, sector 1 */
	for (unsigned i = 0; i < LAYOUT_PARTS; i++) {
		if (sp->part[i].form == LAYOUT_UNUSED)
			continue;
		*line = sp->part[i].line;
		if (place_one(&pc, &sp->part[i], &ext[i]))
			return -1;
	}
	return check_pairs(sp, ext, &lc, line);
}

void layout_chs_bytes(uint64_t lba, const struct layout_geom *g,
		      uint8_t out[3])
{
	uint64_t cyl = (uint64_t)g->heads * g->sectors;
	uint64_t c = lba / cyl;
	uint32_t h = (uint32_t)(lba % cyl / g->sectors);
	uint32_t s = (uint32_t)(lba % g->sectors) + 1;

	if (c > 1023) {
		c = 1023;
		h = g->heads - 1;
		s = g->sectors;
	}
	out[0] = (uint8_t)h;
	out[1] = (uint8_t)(s | ((c >> 8) & 3) << 6);
	out[2] = (uint8_t)c;
}

int layout_nextboot_free(const uint8_t *mbr)
{
	const uint8_t *r = mbr + MBR_NEXTBOOT;
	size_t i = 0;

	while (i < MBR_NEXTBOOT_LEN && r[i] >= 0x21 && r[i] <= 0x7e)
		i++;
	if (i == MBR_NEXTBOOT_LEN)
		return 0;
	for (; i < MBR_NEXTBOOT_LEN; i++)
		if (r[i] != 0)
			return 0;
	return 1;
}

static void put_entry(uint8_t *pe, const struct layout_part *pt,
		      const struct layout_extent *e,
		      const struct layout_geom *g)
{
	memset(pe, 0, MBR_PENTRY_LEN);
	if (e->count == 0)
		return;
	pe[MBR_PE_BOOT] = pt->boot ? MBR_PE_BOOT_ACTIVE : 0;
	layout_chs_bytes(e->start, g, pe + MBR_PE_CHS_START);
	pe[MBR_PE_TYPE] = pt->type;
	layout_chs_bytes(e->start + e->count - 1, g, pe + MBR_PE_CHS_END);
	put_le32(pe + MBR_PE_LBA, (uint32_t)e->start);
	put_le32(pe + MBR_PE_COUNT, (uint32_t)e->count);
}

void layout_mbr(const struct layout_spec *sp, const struct layout_geom *g,
		const struct layout_extent ext[LAYOUT_PARTS], uint8_t *mbr,
		int *nb_skipped)
{
	size_t n = strlen(sp->next_boot);

	*nb_skipped = LAYOUT_NB_STORED;
	if (!layout_nextboot_free(mbr)) {
		if (n != 0)
			*nb_skipped = LAYOUT_NB_CODE;
	} else {
		memset(mbr + MBR_NEXTBOOT, 0, MBR_NEXTBOOT_LEN);
		if (n <= MBR_NEXTBOOT_MAX)
			memcpy(mbr + MBR_NEXTBOOT, sp->next_boot, n);
		else
			*nb_skipped = LAYOUT_NB_LONG;
	}
	for (unsigned i = 0; i < LAYOUT_PARTS; i++)
		put_entry(mbr + MBR_PTABLE + i * MBR_PENTRY_LEN, &sp->part[i],
			  &ext[i], g);
	mbr[MBR_SIGNATURE] = 0x55;
	mbr[MBR_SIGNATURE + 1] = 0xaa;
}
