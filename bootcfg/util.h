/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Small containers bootcfg builds everything with: an arena that owns every
 * parsed string, a growable byte buffer for generated files, a hash index
 * for duplicate checks and look-ups, and a diagnostics sink that collects
 * "FILE:LINE: message" lines so that nothing is written when any is an error.
 */
#ifndef BC_UTIL_H
#define BC_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "log.h"

/* Arena: allocations live until arena_free(). */
struct arena_chunk;
struct arena {
	struct arena_chunk *head;
};

void *arena_alloc(struct arena *a, size_t n);
char *arena_strndup(struct arena *a, const char *s, size_t n);
void arena_free(struct arena *a);

/* Growable byte buffer, always NUL-terminated when p != NULL. */
struct sbuf {
	char *p;
	size_t len, cap;
};

void sb_add(struct sbuf *b, const void *data, size_t n);
void sb_puts(struct sbuf *b, const char *s);
void sb_printf(struct sbuf *b, const char *fmt, ...) NB_PRINTF(2, 3);
/* Hands the content over (may be NULL when empty) and resets b. */
char *sb_steal(struct sbuf *b, size_t *len);
void sb_free(struct sbuf *b);

/* Hash index from byte-string keys (kept by pointer) to uint32 values. */
struct hindex {
	struct hslot *slots;
	size_t cap, count;
};

/* Finds key; returns true and sets *val when present. */
bool hindex_get(const struct hindex *h, const void *key, size_t len,
		uint32_t *val);
/*
 * Inserts key -> val unless present.  Returns true when inserted; when the
 * key is already there, returns false and sets *old to its value.
 */
bool hindex_put(struct hindex *h, const void *key, size_t len, uint32_t val,
		uint32_t *old);
void hindex_free(struct hindex *h);

/* Diagnostics: errors and warnings, in order, one line each. */
struct diag {
	struct sbuf text;
	unsigned errors, warnings;
	unsigned max_errors;    /* stop recording after this many (0: 100) */
};

void diag_err(struct diag *d, const char *file, unsigned line,
	      const char *fmt, ...) NB_PRINTF(4, 5);
void diag_warn(struct diag *d, const char *file, unsigned line,
	       const char *fmt, ...) NB_PRINTF(4, 5);
void diag_free(struct diag *d);

/* Hosts, profiles and templates are read whole, up to this size. */
#define BC_INPUT_MAX (16u << 20)

/*
 * file_read() of path, at most max bytes; a failure is reported to d as
 * "PATH: too large ..." or "PATH: reason", *buf set to NULL.  0 or -errno.
 */
int diag_read(struct diag *d, const char *path, size_t max, char **buf,
	      size_t *len);

/* Aborts the process on allocation failure (a CLI has nothing better). */
void *xrealloc(void *p, size_t n);

#endif
