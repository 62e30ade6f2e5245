/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cursor.h"

const char *cur_cstr(struct cur *c, size_t *lenp)
{
	const uint8_t *nul;
	size_t n;

	if (c->bad)
		return NULL;
	nul = c->left ? memchr(c->p, '\0', c->left) : NULL;
	if (nul == NULL) {
		c->bad = true;
		return NULL;
	}
	n = (size_t)(nul - c->p);
	if (lenp)
		*lenp = n;
	return (const char *)cur_bytes(c, n + 1);
}

bool wcur_cstr(struct wcur *w, const char *s)
{
	return wcur_bytes(w, s, strlen(s) + 1);
}
