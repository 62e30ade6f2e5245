/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>

#include "mac.h"
#include "tap.h"

static const uint8_t want[MAC_LEN] = { 0x52, 0x54, 0x00, 0x0a, 0xbc, 0xde };

static void test_forms(void)
{
	static const char *const good[] = {
		"52:54:00:0a:bc:de", "52:54:00:0A:BC:DE", "52:54:0:a:bc:de",
		"52-54-00-0a-bc-de", "52-54-00-0A-BC-DE", "5254000abcde",
		"5254.000a.bcde",    "01-52-54-00-0a-bc-de",
	};
	uint8_t mac[MAC_LEN];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		memset(mac, 0, sizeof(mac));
		if (tap_ok(mac_parse(good[i], mac) == 0, "parse %s", good[i]))
			is_mem(mac, want, MAC_LEN, "  right bytes");
	}
}

static void test_bad(void)
{
	static const char *const bad[] = {
		"",
		"52:54:00:0a:bc",          /* five groups */
		"52:54:00:0a:bc:de:ff",    /* seven groups */
		"52:54:00:0a:bc:de:",      /* trailing separator */
		"52:54-00:0a:bc:de",       /* mixed separators */
		"52:54:00:0a:bc:dex",      /* trailing junk */
		"525:4:00:0a:bc:de",       /* three digits */
		"5254000abcd",             /* 11 digits */
		"5254000abcdef",           /* 13 digits */
		"5254000abcdg",            /* not hex */
		"02-52-54-00-0a-bc-de",    /* pxelinux form with type 02 */
		"5254.000a:bcde",          /* broken dotted */
		"52::54:00:0a:bc",         /* empty group */
		" 52:54:00:0a:bc:de",      /* leading blank */
	};
	uint8_t mac[MAC_LEN] = { 1, 2, 3, 4, 5, 6 };
	static const uint8_t keep[MAC_LEN] = { 1, 2, 3, 4, 5, 6 };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		is_int(mac_parse(bad[i], mac), -EINVAL, bad[i]);
	is_mem(mac, keep, MAC_LEN, "output untouched by failures");
	is_int(mac_parse(NULL, mac), -EINVAL, "NULL");
	is_int(mac_parse_mem("52:54:00:0a:bc:de", 15, mac), -EINVAL,
	       "length is respected");
}

static void test_format(void)
{
	char buf[MAC_STRLEN];

	is_str(mac_format(want, MAC_FMT_COLON, buf), "52:54:00:0a:bc:de",
	       "colon");
	is_str(mac_format(want, MAC_FMT_HEXHYP, buf), "52-54-00-0a-bc-de",
	       "hexhyp");
	is_str(mac_format(want, MAC_FMT_DASH_UP, buf), "52-54-00-0A-BC-DE",
	       "upper dash");
	is_str(mac_format(want, MAC_FMT_BARE, buf), "5254000abcde", "bare");
	is_str(mac_format(want, MAC_FMT_PXELINUX, buf),
	       "01-52-54-00-0a-bc-de", "pxelinux");
	is_int(strlen(buf) + 1, MAC_STRLEN, "pxelinux form fills MAC_STRLEN");
}

static void test_kinds(void)
{
	static const uint8_t bc[MAC_LEN] = { 0xff, 0xff, 0xff,
					     0xff, 0xff, 0xff };
	static const uint8_t mc[MAC_LEN] = { 0x01, 0x00, 0x5e, 0, 0, 1 };
	static const uint8_t zero[MAC_LEN];

	ok(mac_is_broadcast(bc) && !mac_is_broadcast(want), "broadcast");
	ok(mac_is_multicast(mc) && mac_is_multicast(bc) &&
		   !mac_is_multicast(want),
	   "multicast");
	ok(mac_is_zero(zero) && !mac_is_zero(want), "zero");
}

int main(void)
{
	test_forms();
	test_bad();
	test_format();
	test_kinds();
	return tap_done();
}
