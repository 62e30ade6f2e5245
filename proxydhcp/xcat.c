/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xCAT proxydhcp.cfg records. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pxe.h"
#include "xcat.h"

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* One record into x, or why not. */
static const char *take_record(struct xcat_cfg *x, const uint8_t *rec)
{
	struct xcat_node *n = &x->nodes[x->n];

	if (all_zero(rec, XCAT_RECORD_LEN))
		return NULL;
	if (memchr(rec, '\0', XCAT_NAME_LEN) == NULL)
		return "unterminated node name";
	if (rec[0] == '\0')
		return "empty node name";
	memcpy(n->name, rec, XCAT_NAME_LEN);
	memcpy(n->path, rec + XCAT_NAME_LEN, XCAT_PATH_LEN);
	n->path[XCAT_PATH_LEN] = '\0';
	x->n++;
	return NULL;
}

struct xcat_cfg *xcat_parse_all(const uint8_t *buf, size_t len,
				const char *name, struct pxe_report *rep)
{
	struct xcat_cfg *x = calloc(1, sizeof(*x));
	size_t whole = len - len % XCAT_RECORD_LEN;
	unsigned before = rep->n;

	if (x == NULL || len > XCAT_FILE_MAX ||
	    (x->nodes = calloc(whole / XCAT_RECORD_LEN + 1,
			       sizeof(*x->nodes))) == NULL) {
		pxe_report(rep, "%s: %s at offset 0", name,
			   x && len > XCAT_FILE_MAX ? "file too large"
						    : "out of memory");
		xcat_free(x);
		return NULL;
	}
	/* A bad record is reported and left out; the records after it still count. */
	for (size_t off = 0; off < whole; off += XCAT_RECORD_LEN) {
		const char *why = take_record(x, buf + off);

		if (why)
			pxe_report(rep, "%s: %s at offset %zu", name, why, off);
	}
	if (whole != len)
		pxe_report(rep, "%s: partial record at offset %zu", name, whole);
	if (rep->n != before) {
		xcat_free(x);
		return NULL;
	}
	return x;
}

struct xcat_cfg *xcat_parse(const uint8_t *buf, size_t len, const char *name,
			    char *err, size_t errlen)
{
	struct pxe_first first = { err, errlen };
	struct pxe_report rep = { pxe_report_first, &first, 0 };

	err[0] = '\0';
	return xcat_parse_all(buf, len, name, &rep);
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
