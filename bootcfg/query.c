/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "query.h"

#include <errno.h>
#include <string.h>

#include "num.h"
#include "lines.h"

/* One hex digit's value, or -1. */
static int hexval(char c)
{
	uint64_t v;

	return num_parse_hex_mem(&c, 1, 0, 15, &v) == 0 ? (int)v : -1;
}

/*
 * Percent-decodes (s, n) into out ('+' is a blank).  Only printable ASCII
 * may come out; returns the length or -1.
 */
static int decode(const char *s, size_t n, char *out, size_t outlen)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)s[i];

		if (c == '%') {
			int hi, lo;

			if (i + 2 >= n)
				return -1;
			hi = hexval(s[i + 1]);
			lo = hexval(s[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			c = hi << 4 | lo;
			i += 2;
		} else if (c == '+') {
			c = ' ';
		}
		if (c <= 0x20 || c >= 0x7f || o + 1 >= outlen)
			return -1;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return (int)o;
}

int bc_uuid_parse(const char *s, size_t n, uint8_t uuid[16])
{
	size_t d = 0;

	if (n != 36 && n != 32)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int v;

		if (n == 36 && (i == 8 || i == 13 || i == 18 || i == 23)) {
			if (s[i] != '-')
				return -1;
			continue;
		}
		if ((v = hexval(s[i])) < 0)
			return -1;
		if (d % 2 == 0)
			uuid[d / 2] = (uint8_t)(v << 4);
		else
			uuid[d / 2] |= (uint8_t)v;
		d++;
	}
	return d == 32 ? 0 : -1;
}

static int set_field(struct bc_query *q, const char *key, size_t kn,
		     const char *val, size_t vn, const char **why)
{
	if (kn == 3 && memcmp(key, "mac", 3) == 0) {
		if (q->has_mac)
			return *why = "mac given twice", -EINVAL;
		if (mac_parse_mem(val, vn, q->mac) < 0)
			return *why = "bad mac", -EINVAL;
		q->has_mac = true;
	} else if (kn == 4 && memcmp(key, "uuid", 4) == 0) {
		if (q->has_uuid)
			return *why = "uuid given twice", -EINVAL;
		if (bc_uuid_parse(val, vn, q->uuid) < 0)
			return *why = "bad uuid", -EINVAL;
		q->has_uuid = true;
	} else if (kn == 4 && memcmp(key, "arch", 4) == 0) {
		if (q->arch >= 0)
			return *why = "arch given twice", -EINVAL;
		q->arch = bc_arch_parse(val, vn);
		if (q->arch < 0)
			return *why = "bad arch", -EINVAL;
	}
	return 0;
}

int bc_query_parse(const char *qs, size_t len, struct bc_query *q,
		   const char **why)
{
	size_t i = 0;

	memset(q, 0, sizeof(*q));
	q->arch = -1;
	*why = "bad query";
	if (qs == NULL || len > BC_QUERY_MAX)
		return *why = "query too long", -EINVAL;
	while (i < len) {
		size_t end = i, eq;
		char key[16], val[BC_QUERY_VALUE_MAX + 1];
		int kn, vn, rc;

		while (end < len && qs[end] != '&' && qs[end] != ';')
			end++;
		for (eq = i; eq < end && qs[eq] != '='; eq++)
			;
		if (eq == end)
			return *why = "expected KEY=VALUE", -EINVAL;
		kn = decode(qs + i, eq - i, key, sizeof(key));
		vn = decode(qs + eq + 1, end - eq - 1, val, sizeof(val));
		if (kn <= 0 || vn < 0)
			return *why = "bad encoding", -EINVAL;
		rc = set_field(q, key, (size_t)kn, val, (size_t)vn, why);
		if (rc < 0)
			return rc;
		i = end + 1;
	}
	if (!q->has_mac)
		return *why = "no mac", -EINVAL;
	return 0;
}
