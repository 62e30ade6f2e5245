/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xCAT's proxydhcp.cfg: 200-byte records, a 50-byte node name and a
 * 150-byte path, each NUL padded (see proxydhcp(5)).
 */
#ifndef PROXYDHCP_XCAT_H
#define PROXYDHCP_XCAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pxe.h"

#define XCAT_NAME_LEN 50
#define XCAT_PATH_LEN 150
#define XCAT_RECORD_LEN (XCAT_NAME_LEN + XCAT_PATH_LEN)
#define XCAT_FILE_MAX (16 * 1024 * 1024)

struct xcat_node {
	char name[XCAT_NAME_LEN];      /* NUL-terminated */
	char path[XCAT_PATH_LEN + 1];  /* a full 150 bytes may come */
};

struct xcat_cfg {
	struct xcat_node *nodes;
	size_t n;
};

/*
 * Parses the records in (buf, len), reading on past a bad one: every
 * problem goes to rep as "NAME: why at offset N" (the file has no lines:
 * N is the record's first byte), in file order.  Returns the set
 * (possibly empty), or NULL when there was any problem.
 */
struct xcat_cfg *xcat_parse_all(const uint8_t *buf, size_t len,
				const char *name, struct pxe_report *rep);

/* The same, with the first problem only in err (errlen > 0). */
struct xcat_cfg *xcat_parse(const uint8_t *buf, size_t len, const char *name,
			    char *err, size_t errlen);
void xcat_free(struct xcat_cfg *x);

/* The record for a host name (pxe_host_matches), or NULL. */
const struct xcat_node *xcat_find(const struct xcat_cfg *x, const char *host);

/*
 * The boot file (<path>Boot/pxeboot.0 for BIOS, <path>Boot/bootmgfw.efi
 * for UEFI) and option 252 (<path>Boot/BCD).  Returns 0, or -ENAMETOOLONG.
 */
int xcat_boot_paths(const struct xcat_node *n, bool uefi, char *file,
		    size_t filelen, char *bcd, size_t bcdlen);

#endif
