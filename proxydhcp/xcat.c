/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xCAT proxydhcp.cfg records. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pxe.h"
#include "xcat.h"

static void *xcat_fail(struct xcat_cfg *x, char *err, size_t errlen,
		       const char *name, const char *why, size_t off)
{
	snprintf(err, errlen, "%s: %s at offset %zu", name, why, off);
	xcat_free(x);
	return NULL;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

struct xcat_cfg *xcat_parse(const uint8_t *buf, size_t len, const char *name,
			    char *err, size_t errlen)
{
	struct xcat_cfg *x = calloc(1, sizeof(*x));
	size_t off;

	if (x == NULL)
		return xcat_fail(x, err, errlen, name, "out of memory", 0);
	if (len > XCAT_FILE_MAX)
		return xcat_fail(x, err, errlen, name, "file too large", 0);
	if (len % XCAT_RECORD_LEN)
		return xcat_fail(x, err, errlen, name, "partial record",
				 len - len % XCAT_RECORD_LEN);
	x->nodes = calloc(len / XCAT_RECORD_LEN + 1, sizeof(*x->nodes));
	if (x->nodes == NULL)
		return xcat_fail(x, err, errlen, name, "out of memory", 0);
	for (off = 0; off < len; off += XCAT_RECORD_LEN) {
		const uint8_t *rec = buf + off;
		struct xcat_node *n = &x->nodes[x->n];

		if (all_zero(rec, XCAT_RECORD_LEN))
			continue;
		if (memchr(rec, '\0', XCAT_NAME_LEN) == NULL)
			return xcat_fail(x, err, errlen, name,
					 "unterminated node name", off);
		if (rec[0] == '\0')
			return xcat_fail(x, err, errlen, name,
					 "empty node name", off);
		memcpy(n->name, rec, XCAT_NAME_LEN);
		memcpy(n->path, rec + XCAT_NAME_LEN, XCAT_PATH_LEN);
		n->path[XCAT_PATH_LEN] = '\0';
		x->n++;
	}
	return x;
}

void xcat_free(struct xcat_cfg *x)
{
	if (x == NULL)
		return;
	free(x->nodes);
	free(x);
}

const struct xcat_node *xcat_find(const struct xcat_cfg *x, const char *host)
{
	for (size_t i = 0; x && host && i < x->n; i++)
		if (pxe_host_matches(x->nodes[i].name, host))
			return &x->nodes[i];
	return NULL;
}

int xcat_boot_paths(const struct xcat_node *n, bool uefi, char *file,
		    size_t filelen, char *bcd, size_t bcdlen)
{
	int a = snprintf(file, filelen, "%sBoot/%s", n->path,
			 uefi ? "bootmgfw.efi" : "pxeboot.0");
	int b = snprintf(bcd, bcdlen, "%sBoot/BCD", n->path);

	if (a < 0 || (size_t)a >= filelen || b < 0 || (size_t)b >= bcdlen)
		return -ENAMETOOLONG;
	return 0;
}
