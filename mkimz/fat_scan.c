/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The directory walk: follows every chain from the root, checks it, drops
 * excluded files and frees what nothing reaches.  Iterative (an explicit
 * stack of directories), linear in the number of clusters.
 */
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fat.h"
#include "fat_int.h"

#define MAX_DEPTH 256
#define MAX_DIR_ENTRIES 65536u
#define MAX_LFN_PARTS 20
#define NAME_MAX_UTF8 (MAX_LFN_PARTS * 13 * 3 + 1)
#define OWNER_LOOKUPS 16	/* cross-link owner searches per scan */

struct owner {
	uint32_t start;
	size_t path_off;
};

struct dirc {
	uint32_t c;
	uint8_t *data;
};

struct frame {
	uint32_t *clusters;
	size_t n;
	char *path;
	unsigned depth;
};

struct vec {
	void *p;
	size_t n, cap;
};

struct scan_st {
	struct fat_meta *m;
	const struct fat_geom *g;
	fat_read_fn rd;
	void *ctx;
	const struct fat_excl *ex;
	unsigned flags;
	void (*warn)(void *wctx, const char *msg);
	void *wctx;
	struct fat_scan *out;
	char *err;
	size_t errlen;
	uint8_t *cur;		/* clusters of the chain being walked */
	struct vec chain;	/* uint32_t */
	struct vec own;		/* struct owner */
	struct vec arena;	/* char: owner paths */
	struct vec excl;	/* uint32_t: starts of excluded chains */
	struct vec dirs;	/* struct dirc */
	struct vec stack;	/* struct frame */
	unsigned lookups;
	int damaged;		/* the last walk was cut */
};

/* Name of one directory entry, as the walk sees it. */
struct dent {
	uint8_t *e;		/* the 8.3 entry */
	uint8_t *lfn_first;	/* its first long name part, or NULL */
	char lname[NAME_MAX_UTF8];
	char sname[13];
};

/* Long name assembly state. */
struct lfn {
	int active;
	unsigned expect;	/* next order number wanted; 0 = complete */
	uint8_t sum;
	uint8_t *first;
	uint16_t u[MAX_LFN_PARTS * 13];
	unsigned len;
};

static int vec_reserve(struct vec *v, size_t elem, size_t more)
{
	size_t cap = v->cap ? v->cap : 16;
	void *p;

	if (v->n + more <= v->cap)
		return 0;
	while (cap < v->n + more)
		cap *= 2;
	p = realloc(v->p, cap * elem);
	if (!p)
		return -1;
	v->p = p;
	v->cap = cap;
	return 0;
}

static void set_bit(uint8_t *map, uint32_t c)
{
	map[c >> 3] |= (uint8_t)(1u << (c & 7));
}

static void clr_bit(uint8_t *map, uint32_t c)
{
	map[c >> 3] &= (uint8_t)~(1u << (c & 7));
}

static int oom(struct scan_st *st)
{
	fat_errf(st->err, st->errlen, "out of memory");
	return -1;
}

/* A damaged volume: refuse, or with FAT_SCAN_FORCE warn and carry on. */
__attribute__((format(printf, 2, 3))) static int problem(struct scan_st *st,
							  const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!(st->flags & FAT_SCAN_FORCE)) {
		fat_errf(st->err, st->errlen, "%s", msg);
		return -1;
	}
	if (st->warn)
		st->warn(st->wctx, msg);
	return 0;
}

static const char *shown(const char *path)
{
	return *path ? path : "/";
}

/* ---- chains ------------------------------------------------------------ */

static int chain_has(const struct scan_st *st, uint32_t start, uint32_t c)
{
	const struct fat_geom *g = st->g;
	uint32_t bad = fat_bad(g);

	for (uint32_t i = 0, x = start; i <= g->cluster_count; i++) {
		if (x < 2 || x > g->cluster_count + 1)
			return 0;
		if (x == c)
			return 1;
		x = fat_get(g, st->m->fat, x);
		if (x >= bad)
			return 0;
	}
	return 0;
}

static const char *owner_of(struct scan_st *st, uint32_t c)
{
	const struct owner *o = st->own.p;

	if (st->lookups++ >= OWNER_LOOKUPS)
		return "another file";
	for (size_t i = 0; i < st->own.n; i++)
		if (chain_has(st, o[i].start, c))
			return shown((const char *)st->arena.p + o[i].path_off);
	return "another file";
}

static int add_owner(struct scan_st *st, uint32_t start, const char *path)
{
	size_t len = strlen(path) + 1;
	struct owner *o;

	if (vec_reserve(&st->own, sizeof(*o), 1) < 0 ||
	    vec_reserve(&st->arena, 1, len) < 0)
		return oom(st);
	o = (struct owner *)st->own.p + st->own.n++;
	o->start = start;
	o->path_off = st->arena.n;
	memcpy((char *)st->arena.p + st->arena.n, path, len);
	st->arena.n += len;
	return 0;
}

/* Checks cluster c before it joins the chain; 1 = take it, 0 = cut. */
static int chain_take(struct scan_st *st, uint32_t c, const char *path)
{
	const struct fat_geom *g = st->g;
	int r;

	if (c < 2 || c > g->cluster_count + 1)
		r = problem(st, "%s: cluster %u out of range", shown(path), c);
	else if (fat_bit(st->cur, c))
		r = problem(st, "%s: loop at cluster %u", shown(path), c);
	else if (fat_bit(st->out->used, c))
		r = problem(st, "%s: cross-linked at cluster %u with %s",
			    shown(path), c, owner_of(st, c));
	else
		return 1;
	if (r < 0)
		return -1;
	if (st->chain.n)	/* cut before c */
		fat_set(g, st->m->fat,
			((uint32_t *)st->chain.p)[st->chain.n - 1], fat_eoc(g));
	st->damaged = 1;
	return 0;
}

/* Checks the link out of cluster c; 1 = follow, 0 = end, -1 refuse. */
static int chain_next(struct scan_st *st, uint32_t c, uint32_t v,
		      const char *path)
{
	const struct fat_geom *g = st->g;
	uint32_t bad = fat_bad(g);
	int r;

	if (v > bad)
		return 0;
	if (v == bad)
		r = problem(st, "%s: bad cluster mark after cluster %u",
			    shown(path), c);
	else if (v == FAT_FREE)
		r = problem(st, "%s: chain runs into a free cluster after "
			    "cluster %u", shown(path), c);
	else if (v == 1)
		r = problem(st, "%s: reserved value 1 in the chain at cluster "
			    "%u", shown(path), c);
	else if (v > g->cluster_count + 1)
		r = problem(st, "%s: cluster %u points out of range (%u)",
			    shown(path), c, v);
	else
		return 1;
	if (r < 0)
		return -1;
	fat_set(g, st->m->fat, c, fat_eoc(g));
	st->damaged = 1;
	return 0;
}

/*
 * Walks the chain from start into st->chain, marking it used.  Damage
 * refuses (-1) or, forced, cuts the chain before it (st->damaged set).
 */
static int walk_chain(struct scan_st *st, uint32_t start, const char *path)
{
	const struct fat_geom *g = st->g;
	uint32_t c = start, *ch;
	int r;

	st->chain.n = 0;
	st->damaged = 0;
	for (;;) {
		r = chain_take(st, c, path);
		if (r <= 0)
			break;
		if (vec_reserve(&st->chain, sizeof(uint32_t), 1) < 0) {
			r = oom(st);
			break;
		}
		((uint32_t *)st->chain.p)[st->chain.n++] = c;
		set_bit(st->cur, c);
		set_bit(st->out->used, c);
		r = chain_next(st, c, fat_get(g, st->m->fat, c), path);
		if (r <= 0)
			break;
		c = fat_get(g, st->m->fat, c);
	}
	ch = st->chain.p;
	for (size_t i = 0; i < st->chain.n; i++)
		clr_bit(st->cur, ch[i]);
	if (r < 0)
		return -1;
	return 0;
}

/* Keeps the first n clusters of st->chain, releasing the rest. */
static void chain_trim(struct scan_st *st, size_t n)
{
	uint32_t *ch = st->chain.p;

	if (n >= st->chain.n)
		return;
	if (n)
		fat_set(st->g, st->m->fat, ch[n - 1], fat_eoc(st->g));
	for (size_t i = n; i < st->chain.n; i++)
		clr_bit(st->out->used, ch[i]);
	st->chain.n = n;
}

/* ---- entries ----------------------------------------------------------- */

static uint32_t de_start(const struct fat_geom *g, const uint8_t *e)
{
	uint32_t c = get_le16(e + FAT_DE_CLUS_LO);

	if (g->type == FAT_32)
		c |= (uint32_t)get_le16(e + FAT_DE_CLUS_HI) << 16;
	return c;
}

static void de_set_start(const struct fat_geom *g, uint8_t *e, uint32_t c)
{
	put_le16(e + FAT_DE_CLUS_LO, (uint16_t)c);
	if (g->type == FAT_32)
		put_le16(e + FAT_DE_CLUS_HI, (uint16_t)(c >> 16));
}

static void de_delete(struct dent *d)
{
	for (uint8_t *p = d->lfn_first ? d->lfn_first : d->e; p <= d->e;
	     p += FAT_DIRENT_SIZE)
		p[0] = FAT_DE_DELETED;
}

static uint8_t lfn_sum(const uint8_t *name)
{
	uint8_t s = 0;

	for (int i = 0; i < 11; i++)
		s = (uint8_t)(((s & 1) << 7) + (s >> 1) + name[i]);
	return s;
}

static const uint8_t lfn_pos[13] = { 1,	 3,  5,	 7,  9,	 14, 16,
				     18, 20, 22, 24, 28, 30 };

static void lfn_feed(struct lfn *l, uint8_t *e)
{
	unsigned ord = e[0] & 0x1f;

	if (e[0] & 0x40) {
		l->active = ord >= 1 && ord <= MAX_LFN_PARTS;
		l->sum = e[13];
		l->first = e;
		l->len = ord * 13;
	} else if (!l->active || ord != l->expect || e[13] != l->sum) {
		l->active = 0;
		return;
	}
	if (!l->active)
		return;
	for (int i = 0; i < 13; i++)
		l->u[(ord - 1) * 13 + i] = get_le16(e + lfn_pos[i]);
	l->expect = ord - 1;
}

static void utf8_put(char **p, uint32_t c)
{
	char *o = *p;

	if (c < 0x80) {
		*o++ = (char)c;
	} else if (c < 0x800) {
		*o++ = (char)(0xc0 | c >> 6);
		*o++ = (char)(0x80 | (c & 0x3f));
	} else {
		*o++ = (char)(0xe0 | c >> 12);
		*o++ = (char)(0x80 | ((c >> 6) & 0x3f));
		*o++ = (char)(0x80 | (c & 0x3f));
	}
	*p = o;
}

static void lfn_name(const struct lfn *l, char *out)
{
	char *p = out;

	for (unsigned i = 0; i < l->len; i++) {
		uint32_t c = l->u[i];

		if (c == 0 || c == 0xffff)
			break;
		utf8_put(&p, c == '/' ? '?' : c);
	}
	*p = 0;
}

static void short_name(const uint8_t *e, char *out)
{
	char *p = out;
	int i;

	for (i = 0; i < 8 && e[i] != ' '; i++)
		*p++ = (char)(i == 0 && e[0] == 0x05 ? 0xe5 : e[i]);
	if (e[8] != ' ')
		*p++ = '.';
	for (i = 8; i < 11 && e[i] != ' '; i++)
		*p++ = (char)e[i];
	*p = 0;
	for (p = out; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == '/')
			*p = '?';
}

static int excluded(const struct scan_st *st, const struct dent *d)
{
	if (!st->ex)
		return 0;
	for (size_t i = 0; i < st->ex->count; i++) {
		const char *pat = st->ex->patterns[i];

		if (!pat)
			continue;
		if ((d->lname[0] && !fnmatch(pat, d->lname, FNM_CASEFOLD)) ||
		    !fnmatch(pat, d->sname, FNM_CASEFOLD))
			return 1;
	}
	return 0;
}

static char *join(const char *parent, const char *name)
{
	size_t a = strlen(parent), b = strlen(name);
	char *s = malloc(a + b + 2);

	if (!s)
		return NULL;
	memcpy(s, parent, a);
	s[a] = '/';
	memcpy(s + a + 1, name, b + 1);
	return s;
}

static int push_dir(struct scan_st *st, char *path, unsigned depth)
{
	struct frame *f;
	size_t n = st->chain.n;

	if (vec_reserve(&st->stack, sizeof(*f), 1) < 0)
		return free(path), oom(st);
	f = (struct frame *)st->stack.p + st->stack.n;
	f->clusters = malloc(n * sizeof(uint32_t));
	if (!f->clusters)
		return free(path), oom(st);
	memcpy(f->clusters, st->chain.p, n * sizeof(uint32_t));
	f->n = n;
	f->path = path;
	f->depth = depth;
	st->stack.n++;
	return 0;
}

/* A subdirectory entry: check its chain and queue it. */
static int do_dir(struct scan_st *st, struct dent *d, char *path,
		  unsigned depth)
{
	uint32_t start = de_start(st->g, d->e);
	size_t max = (size_t)MAX_DIR_ENTRIES * FAT_DIRENT_SIZE /
		     st->g->cluster_bytes;

	st->out->dirs++;
	if (depth > MAX_DEPTH || !start) {
		if (problem(st, depth > MAX_DEPTH
				? "directories nested deeper than 256: %s"
				: "%s: directory without a cluster",
			    path) < 0)
			return free(path), -1;
		de_delete(d);
		return free(path), 0;
	}
	if (walk_chain(st, start, path) < 0 || add_owner(st, start, path) < 0)
		return free(path), -1;
	if (st->chain.n > max) {
		if (problem(st, "%s: directory larger than %u entries", path,
			    MAX_DIR_ENTRIES) < 0)
			return free(path), -1;
		chain_trim(st, max);
	}
	if (!st->chain.n) {
		de_delete(d);
		return free(path), 0;
	}
	return push_dir(st, path, depth);
}

static int file_sizes(struct scan_st *st, uint8_t *e, const char *path,
		      uint32_t start)
{
	uint32_t size = get_le32(e + FAT_DE_SIZE), cb = st->g->cluster_bytes;
	uint64_t want = ((uint64_t)size + cb - 1) / cb;
	size_t n = st->chain.n;

	if (n == want)
		return 0;
	if (!size) {
		if (problem(st, "%s: size 0 but a chain from cluster %u",
			    path, start) < 0)
			return -1;
		chain_trim(st, 0);
	} else if (!st->damaged &&
		   problem(st, "%s: size %u needs %llu clusters, chain has %zu",
			   path, size, (unsigned long long)want, n) < 0) {
		return -1;
	}
	if (st->chain.n > want)
		chain_trim(st, (size_t)want);
	if ((uint64_t)st->chain.n * cb < size)
		put_le32(e + FAT_DE_SIZE, (uint32_t)st->chain.n * cb);
	if (!st->chain.n)
		de_set_start(st->g, e, 0);
	return 0;
}

static int do_file(struct scan_st *st, struct dent *d, const char *path)
{
	uint8_t *e = d->e;
	uint32_t start = de_start(st->g, e), size = get_le32(e + FAT_DE_SIZE);

	if (excluded(st, d)) {
		st->out->excluded_files++;
		st->out->excluded_bytes += size;
		de_delete(d);
		if (vec_reserve(&st->excl, sizeof(uint32_t), 1) < 0)
			return oom(st);
		((uint32_t *)st->excl.p)[st->excl.n++] = start;
		return 0;
	}
	st->out->files++;
	if (!start) {
		if (size && problem(st, "%s: size %u but no clusters", path,
				    size) < 0)
			return -1;
		put_le32(e + FAT_DE_SIZE, 0);
		return 0;
	}
	if (walk_chain(st, start, path) < 0 ||
	    file_sizes(st, e, path, start) < 0)
		return -1;
	return st->chain.n ? add_owner(st, start, path) : 0;
}

static int is_dot(const uint8_t *e)
{
	return e[0] == '.' && (!memcmp(e + 1, "          ", 10) ||
			       (e[1] == '.' && !memcmp(e + 2, "         ", 9)));
}

static int do_entry(struct scan_st *st, struct dent *d, const char *parent,
		    unsigned depth)
{
	uint8_t attr = d->e[FAT_DE_ATTR];
	char *path;
	int r;

	if ((attr & FAT_ATTR_VOLUME) || is_dot(d->e))
		return 0;
	path = join(parent, d->lname[0] ? d->lname : d->sname);
	if (!path)
		return oom(st);
	if (attr & FAT_ATTR_DIR)
		return do_dir(st, d, path, depth + 1);
	r = do_file(st, d, path);
	free(path);
	return r;
}

/* Walks the nent entries of one directory held contiguously in buf. */
static int scan_entries(struct scan_st *st, uint8_t *buf, size_t nent,
			const char *path, unsigned depth)
{
	struct lfn l = { 0 };
	struct dent d;

	for (size_t i = 0; i < nent; i++) {
		uint8_t *e = buf + i * FAT_DIRENT_SIZE;

		if (e[0] == 0)
			break;
		if (e[0] == FAT_DE_DELETED) {
			l.active = 0;
		} else if (e[FAT_DE_ATTR] == FAT_ATTR_LFN) {
			lfn_feed(&l, e);
		} else {
			d.e = e;
			d.lfn_first = NULL;
			d.lname[0] = 0;
			if (l.active && !l.expect && l.sum == lfn_sum(e)) {
				d.lfn_first = l.first;
				lfn_name(&l, d.lname);
			}
			short_name(e, d.sname);
			l.active = 0;
			if (do_entry(st, &d, path, depth) < 0)
				return -1;
		}
	}
	return 0;
}

/* ---- directories ------------------------------------------------------- */

static int keep_dir_clusters(struct scan_st *st, const struct frame *f,
			     const uint8_t *buf)
{
	size_t cb = st->g->cluster_bytes;

	if (vec_reserve(&st->dirs, sizeof(struct dirc), f->n) < 0)
		return oom(st);
	for (size_t i = 0; i < f->n; i++) {
		struct dirc *dc = (struct dirc *)st->dirs.p + st->dirs.n;

		dc->data = malloc(cb);
		if (!dc->data)
			return oom(st);
		memcpy(dc->data, buf + i * cb, cb);
		dc->c = f->clusters[i];
		st->dirs.n++;
	}
	return 0;
}

static int scan_frame(struct scan_st *st, struct frame *f)
{
	size_t cb = st->g->cluster_bytes;
	uint8_t *buf = malloc(f->n * cb);
	int r = -1;

	if (!buf)
		return oom(st);
	for (size_t i = 0; i < f->n; i++) {
		if (st->rd(st->ctx, fat_cluster_offset(st->g, f->clusters[i]),
			   buf + i * cb, cb) < 0) {
			fat_errf(st->err, st->errlen,
				 "%s: cannot read cluster %u", shown(f->path),
				 f->clusters[i]);
			goto out;
		}
	}
	if (scan_entries(st, buf, f->n * cb / FAT_DIRENT_SIZE, f->path,
			 f->depth) == 0)
		r = keep_dir_clusters(st, f, buf);
out:
	free(buf);
	return r;
}

static void frame_free(struct frame *f)
{
	free(f->clusters);
	free(f->path);
}

static int run_stack(struct scan_st *st)
{
	while (st->stack.n) {
		struct frame f = ((struct frame *)st->stack.p)[--st->stack.n];
		int r = scan_frame(st, &f);

		frame_free(&f);
		if (r < 0)
			return -1;
	}
	return 0;
}

static int scan_root(struct scan_st *st)
{
	const struct fat_geom *g = st->g;
	char *path;

	if (g->type != FAT_32)
		return scan_entries(st, st->m->root, g->root_entries, "", 0);
	if (walk_chain(st, g->root_cluster, "") < 0 ||
	    add_owner(st, g->root_cluster, "") < 0)
		return -1;
	if (!st->chain.n) {
		fat_errf(st->err, st->errlen, "/: root directory unusable");
		return -1;
	}
	path = strdup("");
	return path ? push_dir(st, path, 0) : oom(st);
}

/* ---- the FAT afterwards ------------------------------------------------ */

static void free_excluded(struct scan_st *st)
{
	const struct fat_geom *g = st->g;
	const uint32_t *s = st->excl.p;
	uint32_t bad = fat_bad(g);

	for (size_t i = 0; i < st->excl.n; i++) {
		uint32_t c = s[i];

		while (c >= 2 && c <= g->cluster_count + 1 &&
		       !fat_bit(st->out->used, c)) {
			uint32_t v = fat_get(g, st->m->fat, c);

			if (!v)
				break;
			fat_set(g, st->m->fat, c, FAT_FREE);
			if (v >= bad)
				break;
			c = v;
		}
	}
}

static void free_unreached(struct scan_st *st)
{
	const struct fat_geom *g = st->g;
	struct fat_scan *o = st->out;
	uint32_t bad = fat_bad(g);

	for (uint32_t c = 2; c < g->cluster_count + 2; c++) {
		uint32_t v;

		if (fat_bit(o->used, c)) {
			o->used_count++;
			o->last_used = c;
			continue;
		}
		v = fat_get(g, st->m->fat, c);
		if (!v)
			continue;
		if (v == bad)
			o->bad_freed++;
		else
			o->lost_freed++;
		fat_set(g, st->m->fat, c, FAT_FREE);
	}
}

static uint32_t clean_bits(const struct fat_geom *g)
{
	return g->type == FAT_16 ? 0x8000 : g->type == FAT_32 ? 0x08000000 : 0;
}

static int check_dirty(struct scan_st *st)
{
	const struct fat_geom *g = st->g;
	uint32_t bit = clean_bits(g);

	if (bit && !(fat_get(g, st->m->fat, 1) & bit))
		st->m->g.dirty = 1;
	if (!g->dirty)
		return 0;
	return problem(st, "volume is dirty (not cleanly unmounted); run "
		       "fsck.fat first");
}

static void mark_clean(struct scan_st *st)
{
	struct fat_geom *g = &st->m->g;
	uint32_t bit = clean_bits(g), off;

	if (bit)
		fat_set(g, st->m->fat, 1,
			fat_get(g, st->m->fat, 1) | bit | bit >> 1);
	off = g->type == FAT_32 ? FAT32_BS_FLAGS : FAT16_BS_FLAGS;
	if (g->serial_offset) {
		st->m->reserved[off] &= 0xfe;
		if (g->type == FAT_32 && g->backup_boot_sector)
			st->m->reserved[(size_t)g->backup_boot_sector *
						g->bytes_per_sector +
					off] &= 0xfe;
	}
	g->dirty = 0;
	fat_fsinfo_update(g, st->m->reserved, st->m->fat);
}

static int cmp_dirc(const void *a, const void *b)
{
	uint32_t x = ((const struct dirc *)a)->c, y = ((const struct dirc *)b)->c;

	return x < y ? -1 : x > y;
}

static int finish_dirs(struct scan_st *st)
{
	struct fat_scan *o = st->out;
	struct dirc *dc = st->dirs.p;
	size_t n = st->dirs.n;

	if (n)
		qsort(dc, n, sizeof(*dc), cmp_dirc);
	o->dir_cluster = malloc((n ? n : 1) * sizeof(uint32_t));
	o->dir_data = malloc((n ? n : 1) * sizeof(uint8_t *));
	if (!o->dir_cluster || !o->dir_data)
		return oom(st);
	for (size_t i = 0; i < n; i++) {
		o->dir_cluster[i] = dc[i].c;
		o->dir_data[i] = dc[i].data;
	}
	o->ndir = n;
	st->dirs.n = 0;
	return 0;
}

static void st_free(struct scan_st *st)
{
	struct frame *f = st->stack.p;
	struct dirc *dc = st->dirs.p;

	for (size_t i = 0; i < st->stack.n; i++)
		frame_free(&f[i]);
	for (size_t i = 0; i < st->dirs.n; i++)
		free(dc[i].data);
	free(st->stack.p);
	free(st->dirs.p);
	free(st->chain.p);
	free(st->own.p);
	free(st->arena.p);
	free(st->excl.p);
	free(st->cur);
}

static int scan_all(struct scan_st *st)
{
	if (check_dirty(st) < 0 || scan_root(st) < 0 || run_stack(st) < 0)
		return -1;
	free_excluded(st);
	free_unreached(st);
	mark_clean(st);
	return finish_dirs(st);
}

int fat_scan(struct fat_meta *m, fat_read_fn rd, void *ctx,
	     const struct fat_excl *ex, unsigned flags,
	     void (*warn)(void *wctx, const char *msg), void *wctx,
	     struct fat_scan *out, char *err, size_t errlen)
{
	size_t mapb = ((size_t)m->g.cluster_count + 2 + 7) / 8;
	struct scan_st st = {
		.m = m, .g = &m->g, .rd = rd, .ctx = ctx, .ex = ex,
		.flags = flags, .warn = warn, .wctx = wctx, .out = out,
		.err = err, .errlen = errlen,
	};
	int r;

	memset(out, 0, sizeof(*out));
	out->used = calloc(1, mapb);
	st.cur = calloc(1, mapb);
	if (m->g.type != FAT_32 && !m->root) {
		fat_errf(err, errlen, "no root directory");
		r = -1;
	} else if (!out->used || !st.cur) {
		r = oom(&st);
	} else {
		r = scan_all(&st);
	}
	st_free(&st);
	if (r < 0)
		fat_scan_free(out);
	return r;
}

void fat_scan_free(struct fat_scan *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->ndir; i++)
		free(s->dir_data[i]);
	free(s->dir_data);
	free(s->dir_cluster);
	free(s->used);
	memset(s, 0, sizeof(*s));
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

const uint8_t *fat_scan_dir(const struct fat_scan *s, uint32_t c)
{
	const uint32_t *p;

	if (!s->ndir)
		return NULL;
	p = bsearch(&c, s->dir_cluster, s->ndir, sizeof(c), cmp_u32);
	return p ? s->dir_data[p - s->dir_cluster] : NULL;
}
