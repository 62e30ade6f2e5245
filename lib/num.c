/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "num.h"

#include <errno.h>
#include <string.h>

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Accumulates digits of base into *out; -ERANGE once past UINT64_MAX. */
static int digits_value(const char *s, size_t len, unsigned base, uint64_t *out)
{
	uint64_t v = 0;
	int overflow = 0;

	if (len == 0)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		int d = hex_digit(s[i]);

		if (d < 0 || (unsigned)d >= base)
			return -EINVAL;
		if (v > (UINT64_MAX - (unsigned)d) / base)
			overflow = 1;
		v = v * base + (unsigned)d;
	}
	if (overflow)
		return -ERANGE;
	*out = v;
	return 0;
}

static int in_range(int rc, uint64_t v, uint64_t min, uint64_t max,
		    uint64_t *out)
{
	if (rc < 0)
		return rc;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int num_parse_mem(const char *s, size_t len, uint64_t min, uint64_t max,
		  uint64_t *out)
{
	uint64_t v = 0;
	int rc;

	if (s == NULL)
		return -EINVAL;
	rc = digits_value(s, len, 10, &v);
	return in_range(rc, v, min, max, out);
}

int num_parse(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	return num_parse_mem(s, s ? strlen(s) : 0, min, max, out);
}

int num_parse_hex_mem(const char *s, size_t len, uint64_t min, uint64_t max,
		      uint64_t *out)
{
	uint64_t v = 0;
	int rc;

	if (s == NULL)
		return -EINVAL;
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		len -= 2;
	}
	rc = digits_value(s, len, 16, &v);
	return in_range(rc, v, min, max, out);
}

const char *num_strerror(int rc)
{
	switch (rc) {
	case 0:
		return "ok";
	case -EINVAL:
		return "not a number";
	case -ERANGE:
		return "out of range";
	default:
		return strerror(rc < 0 ? -rc : rc);
	}
}
