/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Bounded byte cursors.  A read cursor walks (buf, len) and never reads past
 * the end: a read that does not fit returns 0 (or NULL), consumes nothing and
 * marks the cursor bad; the mark is sticky, so a parser may read a whole
 * header and check cur_ok() once.  A write cursor does the same for output.
 * Multi-byte getters and putters are named by byte order (be/le).
 */
#ifndef NB_CURSOR_H
#define NB_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct cur {
	const uint8_t *p; /* next byte to read */
	size_t left;      /* bytes remaining after p */
	bool bad;         /* a read went past the end */
};

struct wcur {
	uint8_t *start; /* first byte of the output buffer */
	uint8_t *p;     /* next byte to write */
	size_t left;    /* room remaining after p */
	bool bad;       /* a write did not fit */
};

static inline struct cur cur_init(const void *buf, size_t len)
{
	struct cur c = { (const uint8_t *)buf, buf ? len : 0, false };
	return c;
}

static inline bool cur_ok(const struct cur *c) { return !c->bad; }
static inline size_t cur_left(const struct cur *c) { return c->left; }

/* Returns a pointer to the next n bytes and consumes them, or NULL. */
static inline const uint8_t *cur_bytes(struct cur *c, size_t n)
{
	const uint8_t *q;

	if (c->bad || n > c->left) {
		c->bad = true;
		return NULL;
	}
	q = c->p;
	c->p += n;
	c->left -= n;
	return q;
}

static inline bool cur_skip(struct cur *c, size_t n)
{
	return cur_bytes(c, n) != NULL;
}

static inline bool cur_copy(struct cur *c, void *dst, size_t n)
{
	const uint8_t *q = cur_bytes(c, n);

	if (q == NULL)
		return false;
	memcpy(dst, q, n);
	return true;
}

static inline uint8_t cur_u8(struct cur *c)
{
	const uint8_t *q = cur_bytes(c, 1);
	return q ? q[0] : 0;
}

static inline uint16_t cur_be16(struct cur *c)
{
	const uint8_t *q = cur_bytes(c, 2);
	return q ? (uint16_t)(q[0] << 8 | q[1]) : 0;
}

static inline uint32_t cur_be32(struct cur *c)
{
	const uint8_t *q = cur_bytes(c, 4);
	return q ? (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 |
			   (uint32_t)q[2] << 8 | q[3]
		 : 0;
}

static inline uint64_t cur_be64(struct cur *c)
{
	uint64_t hi = cur_be32(c);
	uint64_t lo = cur_be32(c);
	return c->bad ? 0 : hi << 32 | lo;
}

static inline uint16_t cur_le16(struct cur *c)
{
	const uint8_t *q = cur_bytes(c, 2);
	return q ? (uint16_t)(q[1] << 8 | q[0]) : 0;
}

static inline uint32_t cur_le32(struct cur *c)
{
	const uint8_t *q = cur_bytes(c, 4);
	return q ? (uint32_t)q[3] << 24 | (uint32_t)q[2] << 16 |
			   (uint32_t)q[1] << 8 | q[0]
		 : 0;
}

static inline uint64_t cur_le64(struct cur *c)
{
	uint64_t lo = cur_le32(c);
	uint64_t hi = cur_le32(c);
	return c->bad ? 0 : hi << 32 | lo;
}

/*
 * A NUL-terminated string inside the remaining bytes: returns it and
 * consumes it with its NUL, storing its length (without NUL) in *lenp.
 * An unterminated string returns NULL and marks the cursor bad.
 */
const char *cur_cstr(struct cur *c, size_t *lenp);

static inline struct wcur wcur_init(void *buf, size_t len)
{
	struct wcur w = { (uint8_t *)buf, (uint8_t *)buf, buf ? len : 0, false };
	return w;
}

static inline bool wcur_ok(const struct wcur *w) { return !w->bad; }
static inline size_t wcur_left(const struct wcur *w) { return w->left; }
static inline size_t wcur_used(const struct wcur *w)
{
	return (size_t)(w->p - w->start);
}

/* Reserves n bytes and returns them for the caller to fill, or NULL. */
static inline uint8_t *wcur_reserve(struct wcur *w, size_t n)
{
	uint8_t *q;

	if (w->bad || n > w->left) {
		w->bad = true;
		return NULL;
	}
	q = w->p;
	w->p += n;
	w->left -= n;
	return q;
}

static inline bool wcur_bytes(struct wcur *w, const void *src, size_t n)
{
	uint8_t *q = wcur_reserve(w, n);

	if (q == NULL)
		return false;
	if (n)
		memcpy(q, src, n);
	return true;
}

static inline bool wcur_zero(struct wcur *w, size_t n)
{
	uint8_t *q = wcur_reserve(w, n);

	if (q == NULL)
		return false;
	memset(q, 0, n);
	return true;
}

static inline bool wcur_u8(struct wcur *w, uint8_t v)
{
	uint8_t *q = wcur_reserve(w, 1);

	if (q == NULL)
		return false;
	q[0] = v;
	return true;
}

static inline bool wcur_be16(struct wcur *w, uint16_t v)
{
	uint8_t *q = wcur_reserve(w, 2);

	if (q == NULL)
		return false;
	q[0] = (uint8_t)(v >> 8);
	q[1] = (uint8_t)v;
	return true;
}

static inline bool wcur_be32(struct wcur *w, uint32_t v)
{
	uint8_t *q = wcur_reserve(w, 4);

	if (q == NULL)
		return false;
	q[0] = (uint8_t)(v >> 24);
	q[1] = (uint8_t)(v >> 16);
	q[2] = (uint8_t)(v >> 8);
	q[3] = (uint8_t)v;
	return true;
}

static inline bool wcur_be64(struct wcur *w, uint64_t v)
{
	uint8_t *q = wcur_reserve(w, 8);

	if (q == NULL)
		return false;
	for (int i = 7; i >= 0; i--, v >>= 8)
		q[i] = (uint8_t)v;
	return true;
}

static inline bool wcur_le16(struct wcur *w, uint16_t v)
{
	uint8_t *q = wcur_reserve(w, 2);

	if (q == NULL)
		return false;
	q[0] = (uint8_t)v;
	q[1] = (uint8_t)(v >> 8);
	return true;
}

static inline bool wcur_le32(struct wcur *w, uint32_t v)
{
	uint8_t *q = wcur_reserve(w, 4);

	if (q == NULL)
		return false;
	for (int i = 0; i < 4; i++, v >>= 8)
		q[i] = (uint8_t)v;
	return true;
}

static inline bool wcur_le64(struct wcur *w, uint64_t v)
{
	uint8_t *q = wcur_reserve(w, 8);

	if (q == NULL)
		return false;
	for (int i = 0; i < 8; i++, v >>= 8)
		q[i] = (uint8_t)v;
	return true;
}

/* Writes s and its terminating NUL. */
bool wcur_cstr(struct wcur *w, const char *s);

/*
 * Fixed-offset fields, for formats drawn as tables of offsets (FAT boot
 * sectors, MBR entries, .imz headers): load or store a little-endian value
 * at p.  No bounds check: the caller has already checked the record's size.
 */
static inline uint16_t get_le16(const void *p)
{
	const uint8_t *q = p;
	return (uint16_t)(q[1] << 8 | q[0]);
}

static inline uint32_t get_le32(const void *p)
{
	const uint8_t *q = p;
	return (uint32_t)q[3] << 24 | (uint32_t)q[2] << 16 |
	       (uint32_t)q[1] << 8 | q[0];
}

static inline uint64_t get_le64(const void *p)
{
	const uint8_t *q = p;
	return (uint64_t)get_le32(q + 4) << 32 | get_le32(q);
}

static inline void put_le16(void *p, uint16_t v)
{
	uint8_t *q = p;
	q[0] = (uint8_t)v;
	q[1] = (uint8_t)(v >> 8);
}

static inline void put_le32(void *p, uint32_t v)
{
	uint8_t *q = p;
	for (int i = 0; i < 4; i++, v >>= 8)
		q[i] = (uint8_t)v;
}

static inline void put_le64(void *p, uint64_t v)
{
	uint8_t *q = p;
	for (int i = 0; i < 8; i++, v >>= 8)
		q[i] = (uint8_t)v;
}

#endif
