/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <netinet/in.h>

#include "../../tftpd/addr.h"
#include "tap.h"

static const char *round_trip(const char *in, int family, uint16_t port)
{
	static char buf[ADDR_STRLEN];
	struct sockaddr_storage ss;
	socklen_t len;

	if (addr_parse(in, family, port, &ss, &len) < 0)
		return "(error)";
	if (len != addr_len((struct sockaddr *)&ss))
		return "(bad length)";
	return addr_format((struct sockaddr *)&ss, buf, sizeof(buf));
}

static void test_parse(void)
{
	is_str(round_trip("198.18.0.1", AF_UNSPEC, 69), "198.18.0.1:69",
	       "v4 default port");
	is_str(round_trip("198.18.0.1:1069", AF_UNSPEC, 69),
	       "198.18.0.1:1069", "v4 with port");
	is_str(round_trip(":4011", AF_UNSPEC, 69), "0.0.0.0:4011",
	       "port only");
	is_str(round_trip("", AF_UNSPEC, 69), "0.0.0.0:69", "empty");
	is_str(round_trip("", AF_INET6, 69), "[::]:69", "empty, v6");
	is_str(round_trip("[::1]:6969", AF_UNSPEC, 69), "[::1]:6969",
	       "v6 with port");
	is_str(round_trip("[2001:db8::1]", AF_UNSPEC, 69), "[2001:db8::1]:69",
	       "bracketed v6");
	is_str(round_trip("2001:db8::1", AF_UNSPEC, 69), "[2001:db8::1]:69",
	       "bare v6");
	is_str(round_trip("198.18.0.1", AF_INET6, 69), "(error)",
	       "v4 text with -6");
	is_str(round_trip("[::1]", AF_INET, 69), "(error)", "v6 text with -4");
}

static void test_bad(void)
{
	static const char *const bad[] = {
		"198.18.0.1:0",  "198.18.0.1:65536", "198.18.0.1:x",
		"198.18.0.256",  "[::1",             "[::1]x",
		"host.example",  "198.18.0.1:",      "[::1]:99999",
		"1.2.3.4.5",
	};
	struct sockaddr_storage ss;
	socklen_t len;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		is_int(addr_parse(bad[i], AF_UNSPEC, 69, &ss, &len), -EINVAL,
		       bad[i]);
	is_int(addr_parse(NULL, AF_UNSPEC, 69, &ss, &len), -EINVAL, "NULL");
}

static void test_port(void)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char buf[ADDR_STRLEN];

	addr_parse("198.18.0.2", AF_UNSPEC, 0, &ss, &len);
	is_str(addr_format((struct sockaddr *)&ss, buf, sizeof(buf)),
	       "198.18.0.2", "port 0 left out");
	addr_set_port((struct sockaddr *)&ss, 67);
	is_int(addr_port((struct sockaddr *)&ss), 67, "port set");
}

int main(void)
{
	test_parse();
	test_bad();
	test_port();
	return tap_done();
}
