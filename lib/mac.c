/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "mac.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Reads exactly n hex digits from s into out (n/2 bytes). */
static int parse_bare(const char *s, size_t n, uint8_t *out)
{
	for (size_t i = 0; i < n; i += 2) {
		int hi = hexval(s[i]), lo = hexval(s[i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* Six groups of one or two hex digits split by one separator sep. */
static int parse_groups(const char *s, size_t len, char sep, uint8_t *mac)
{
	size_t i = 0;

	for (int g = 0; g < MAC_LEN; g++) {
		int v = 0, digits = 0;

		if (g > 0) {
			if (i >= len || s[i] != sep)
				return -EINVAL;
			i++;
		}
		while (i < len && digits < 2 && hexval(s[i]) >= 0) {
			v = v << 4 | hexval(s[i]);
			digits++;
			i++;
		}
		if (digits == 0)
			return -EINVAL;
		mac[g] = (uint8_t)v;
	}
	return i == len ? 0 : -EINVAL;
}

/* Cisco's aabb.ccdd.eeff. */
static int parse_dotted(const char *s, uint8_t *mac)
{
	if (s[4] != '.' || s[9] != '.')
		return -EINVAL;
	if (parse_bare(s, 4, mac) || parse_bare(s + 5, 4, mac + 2) ||
	    parse_bare(s + 10, 4, mac + 4))
		return -EINVAL;
	return 0;
}

int mac_parse_mem(const char *s, size_t len, uint8_t mac[MAC_LEN])
{
	uint8_t tmp[MAC_LEN];
	int rc = -EINVAL;

	if (s == NULL)
		return -EINVAL;
	if (memchr(s, ':', len))
		rc = parse_groups(s, len, ':', tmp);
	else if (len == 20 && memcmp(s, "01-", 3) == 0)
		rc = parse_groups(s + 3, 17, '-', tmp);
	else if (memchr(s, '-', len))
		rc = parse_groups(s, len, '-', tmp);
	else if (len == 14)
		rc = parse_dotted(s, tmp);
	else if (len == 12)
		rc = parse_bare(s, 12, tmp);
	if (rc == 0)
		memcpy(mac, tmp, MAC_LEN);
	return rc;
}

int mac_parse(const char *s, uint8_t mac[MAC_LEN])
{
	return mac_parse_mem(s, s ? strlen(s) : 0, mac);
}

char *mac_format(const uint8_t m[MAC_LEN], enum mac_fmt fmt,
		 char buf[MAC_STRLEN])
{
	static const char *const forms[] = {
		[MAC_FMT_COLON] = "%02x:%02x:%02x:%02x:%02x:%02x",
		[MAC_FMT_HEXHYP] = "%02x-%02x-%02x-%02x-%02x-%02x",
		[MAC_FMT_DASH_UP] = "%02X-%02X-%02X-%02X-%02X-%02X",
		[MAC_FMT_BARE] = "%02x%02x%02x%02x%02x%02x",
		[MAC_FMT_PXELINUX] = "01-%02x-%02x-%02x-%02x-%02x-%02x",
	};
	const char *f = (unsigned)fmt < sizeof(forms) / sizeof(forms[0])
				? forms[fmt]
				: forms[MAC_FMT_COLON];

	snprintf(buf, MAC_STRLEN, f, m[0], m[1], m[2], m[3], m[4], m[5]);
	return buf;
}

bool mac_is_broadcast(const uint8_t mac[MAC_LEN])
{
	static const uint8_t bc[MAC_LEN] = { 0xff, 0xff, 0xff,
					     0xff, 0xff, 0xff };
	return memcmp(mac, bc, MAC_LEN) == 0;
}

bool mac_is_multicast(const uint8_t mac[MAC_LEN])
{
	return (mac[0] & 1) != 0;
}

bool mac_is_zero(const uint8_t mac[MAC_LEN])
{
	static const uint8_t zero[MAC_LEN];
	return memcmp(mac, zero, MAC_LEN) == 0;
}
