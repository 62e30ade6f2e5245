/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "opts.h"

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		die(EXIT_FAIL, "out of memory");
	return q;
}

/* --- arena ---------------------------------------------------------------- */

#define ARENA_CHUNK 65536

struct arena_chunk {
	struct arena_chunk *next;
	size_t used, size;
	_Alignas(max_align_t) unsigned char data[];
};

void *arena_alloc(struct arena *a, size_t n)
{
	struct arena_chunk *c = a->head;
	const size_t align = _Alignof(max_align_t);
	void *p;

	n = (n + align - 1) & ~(align - 1);
	if (c == NULL || c->size - c->used < n) {
		/* Small first: most arenas hold a few short strings. */
		size_t size = c ? (c->size < ARENA_CHUNK ? c->size * 2
							 : ARENA_CHUNK)
				: 512;

		if (size < n)
			size = n;

		c = xrealloc(NULL, sizeof(*c) + size);
		c->used = 0;
		c->size = size;
		c->next = a->head;
		a->head = c;
	}
	p = c->data + c->used;
	c->used += n;
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void arena_free(struct arena *a)
{
	while (a->head) {
		struct arena_chunk *next = a->head->next;

		free(a->head);
		a->head = next;
	}
}

/* --- sbuf ----------------------------------------------------------------- */

static void sb_reserve(struct sbuf *b, size_t more)
{
	size_t need = b->len + more + 1;

	if (need <= b->cap)
		return;
	b->cap = b->cap ? b->cap : 256;
	while (b->cap < need)
		b->cap *= 2;
	b->p = xrealloc(b->p, b->cap);
}

void sb_add(struct sbuf *b, const void *data, size_t n)
{
	sb_reserve(b, n);
	if (n)
		memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void sb_puts(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	/* Formatted once when it fits the room left, twice otherwise. */
	sb_reserve(b, 128);
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n <= 0) {
		b->p[b->len] = '\0';
		return;
	}
	if ((size_t)n >= b->cap - b->len) {
		sb_reserve(b, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

char *sb_steal(struct sbuf *b, size_t *len)
{
	char *p = b->p;

	if (len)
		*len = b->len;
	b->p = NULL;
	b->len = b->cap = 0;
	return p;
}

void sb_free(struct sbuf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

/* --- hindex --------------------------------------------------------------- */

struct hslot {
	const void *key;
	size_t len;
	uint64_t hash;
	uint32_t val;
};

/* FNV-1a: keys are short (MACs, addresses, names). */
static uint64_t hash_bytes(const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h | 1;   /* 0 marks an empty slot */
}

static struct hslot *hindex_find(const struct hindex *h, const void *key,
				 size_t len, uint64_t hash)
{
	size_t mask = h->cap - 1, i = (size_t)hash & mask;

	for (;; i = (i + 1) & mask) {
		struct hslot *s = &h->slots[i];

		if (s->hash == 0)
			return s;
		if (s->hash == hash && s->len == len &&
		    memcmp(s->key, key, len) == 0)
			return s;
	}
}

static void hindex_grow(struct hindex *h)
{
	struct hindex n = { .cap = h->cap ? h->cap * 2 : 64 };

	n.slots = xrealloc(NULL, n.cap * sizeof(*n.slots));
	memset(n.slots, 0, n.cap * sizeof(*n.slots));
	for (size_t i = 0; i < h->cap; i++)
		if (h->slots[i].hash)
			*hindex_find(&n, h->slots[i].key, h->slots[i].len,
				     h->slots[i].hash) = h->slots[i];
	n.count = h->count;
	free(h->slots);
	*h = n;
}

bool hindex_get(const struct hindex *h, const void *key, size_t len,
		uint32_t *val)
{
	const struct hslot *s;

	if (h->cap == 0)
		return false;
	s = hindex_find(h, key, len, hash_bytes(key, len));
	if (s->hash == 0)
		return false;
	*val = s->val;
	return true;
}

bool hindex_put(struct hindex *h, const void *key, size_t len, uint32_t val,
		uint32_t *old)
{
	uint64_t hash = hash_bytes(key, len);
	struct hslot *s;

	if ((h->count + 1) * 2 > h->cap)
		hindex_grow(h);
	s = hindex_find(h, key, len, hash);
	if (s->hash) {
		if (old)
			*old = s->val;
		return false;
	}
	*s = (struct hslot){ .key = key, .len = len, .hash = hash, .val = val };
	h->count++;
	return true;
}

void hindex_free(struct hindex *h)
{
	free(h->slots);
	memset(h, 0, sizeof(*h));
}

/* --- diag ----------------------------------------------------------------- */

/*
 * One line, unless it repeats the line before it (the same setting
 * refused for each firmware family of a script): false then.
 */
static bool diag_vadd(struct diag *d, const char *kind, const char *file,
		      unsigned line, const char *fmt, va_list ap)
{
	char msg[1024];
	size_t start = d->text.len;
	const char *prev;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (file && line)
		sb_printf(&d->text, "%s:%u: %s%s\n", file, line, kind, msg);
	else if (file)
		sb_printf(&d->text, "%s: %s%s\n", file, kind, msg);
	else
		sb_printf(&d->text, "%s%s\n", kind, msg);
	if (start == 0)
		return true;
	for (prev = d->text.p + start - 1; prev > d->text.p && prev[-1] != '\n';)
		prev--;
	if ((size_t)(d->text.p + start - prev) == d->text.len - start &&
	    memcmp(prev, d->text.p + start, d->text.len - start) == 0) {
		d->text.len = start;
		d->text.p[start] = '\0';
		return false;
	}
	return true;
}

void diag_err(struct diag *d, const char *file, unsigned line,
	      const char *fmt, ...)
{
	va_list ap;
	unsigned max = d->max_errors ? d->max_errors : 100;
	bool added;

	if (d->errors >= max) {
		d->errors++;
		return;
	}
	va_start(ap, fmt);
	added = diag_vadd(d, "", file, line, fmt, ap);
	va_end(ap);
	if (!added)
		return;
	if (++d->errors == max)
		sb_puts(&d->text, "too many errors; the rest are not shown\n");
}

void diag_warn(struct diag *d, const char *file, unsigned line,
	       const char *fmt, ...)
{
	va_list ap;

	if (d->warnings >= 1000) {
		d->warnings++;
		return;
	}
	va_start(ap, fmt);
	if (diag_vadd(d, "warning: ", file, line, fmt, ap))
		d->warnings++;
	va_end(ap);
}

void diag_free(struct diag *d)
{
	sb_free(&d->text);
}

int diag_read(struct diag *d, const char *path, size_t max, char **buf,
	      size_t *len)
{
	int rc = file_read(AT_FDCWD, path, max, buf, len);

	if (rc == -EFBIG)
		diag_err(d, path, 0, "too large (more than %zu bytes)", max);
	else if (rc < 0)
		diag_err(d, path, 0, "%s", strerror(-rc));
	if (rc < 0) {
		*buf = NULL;
		*len = 0;
	}
	return rc;
}
