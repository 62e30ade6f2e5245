/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CGI query string iPXE sends: mac=, uuid=, arch= (any order, '&' or
 * ';' between pairs, percent-encoding allowed).  Strict: every value must
 * parse completely, nothing is kept as raw text, so nothing from the query
 * can reach the script written back.
 */
#ifndef BC_QUERY_H
#define BC_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mac.h"

#define BC_QUERY_MAX 1024       /* longer query strings are refused */
#define BC_QUERY_VALUE_MAX 64   /* longest decoded value */

struct bc_query {
	bool has_mac, has_uuid;
	uint8_t mac[MAC_LEN];
	uint8_t uuid[16];
	int arch;               /* enum bc_arch, or -1 when not given */
};

/* A UUID: 8-4-4-4-12 hex digits, or 32 bare.  Returns 0 or -1. */
int bc_uuid_parse(const char *s, size_t n, uint8_t uuid[16]);

/* Returns 0, or -EINVAL with *why set to a fixed message. */
int bc_query_parse(const char *qs, size_t len, struct bc_query *q,
		   const char **why);

#endif
