/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The CGI query parser and answers, with hostile query strings. */
#include <stdlib.h>
#include <string.h>

#include "../../bootcfg/cgi.h"
#include "../../bootcfg/query.h"
#include "tap.h"

static int parse(const char *qs, struct bc_query *q)
{
	const char *why;

	return bc_query_parse(qs, strlen(qs), q, &why);
}

static void good(void)
{
	struct bc_query q;
	static const uint8_t mac[6] = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 };

	is_int(parse("mac=52:54:00:12:34:56", &q), 0, "plain mac");
	is_mem(q.mac, mac, 6, "mac value");
	is_int(q.arch, -1, "no arch");
	is_int(parse("mac=52%3A54%3a00%3A12%3A34%3A56&arch=efi", &q), 0,
	       "percent-encoded mac");
	is_mem(q.mac, mac, 6, "decoded mac value");
	is_int(q.arch, BC_ARCH_EFI_X64, "arch=efi");
	is_int(parse("arch=0;mac=52-54-00-12-34-56&uuid=00112233-4455-6677-8899-aabbccddeeff", &q),
	       0, "all three, ';' too");
	ok(q.has_uuid && q.uuid[15] == 0xff, "uuid value");
	is_int(q.arch, BC_ARCH_BIOS, "arch=0");
	is_int(parse("mac=525400123456&x=whatever&", &q), 0,
	       "unknown keys and a trailing & ignored");
}

static void hostile(void)
{
	static const char *const bad[] = {
		"", "mac=", "mac", "=52:54:00:12:34:56", "&&",
		"mac=..%0a#!ipxe", "mac=52:54:00:12:34:56%0a", "mac=52:54:00:12:34:56%00",
		"mac=52:54:00:12:34:56\"", "mac=52:54:00:12:34:56&mac=52:54:00:12:34:57",
		"mac=52:54:00:12:34", "mac=52:54:00:12:34:56:78", "mac=%", "mac=%4",
		"mac=%zz", "mac=52:54:00:12:34:56&arch=sparc", "mac=52:54:00:12:34:56&uuid=1",
		"mac=52:54:00:12:34:56&arch=0&arch=7", "mac=52+54+00+12+34+56",
		"mac=52:54:00:12:34:56&x=%0d%0a", "mac=52:54:00:12:34:56&x=\xff",
		"arch=0", "mac=52:54:00:12:34:56&uuid=00112233-4455-6677-8899-aabbccddeefg",
	};
	struct bc_query q;
	char *longq = malloc(BC_QUERY_MAX + 100);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(parse(bad[i], &q) < 0, "refused: '%s'", bad[i]);
	strcpy(longq, "mac=52:54:00:12:34:56&x=");
	memset(longq + strlen(longq), 'a', BC_QUERY_MAX);
	longq[BC_QUERY_MAX + 20] = '\0';
	ok(parse(longq, &q) < 0, "overlong query refused");
	free(longq);
}

static void answers(void)
{
	static const char prof[] = "[profile l]\nkernel = k\n";
	static const char hosts[] = "52:54:00:12:34:56 n1 198.18.0.1 l\n"
				    "52:54:00:12:34:58 n2 198.18.0.2 l "
				    "uuid=00112233-4455-6677-8899-aabbccddeeff\n";
	const char *by_uuid = "mac=52:54:00:00:00:01&uuid="
			      "00112233445566778899AABBCCDDEEFF";
	struct bc_hosts hs = { 0 };
	struct bc_profiles ps = { 0 };
	struct diag d = { 0 };
	struct bc_env e = { .hs = &hs, .ps = &ps, .d = &d };
	struct sbuf b = { 0 };
	const char *evil = "mac=..%0a#!ipxe%0ashell";

	bc_profiles_parse(&ps, "P", prof, strlen(prof), &d);
	bc_hosts_parse(&hs, "H", hosts, strlen(hosts), &d);
	bc_hosts_resolve(&hs, &ps, &d);
	bc_cgi_answer(&e, "mac=52:54:00:12:34:56", 21, &b);
	ok(strncmp(b.p, "Content-Type: text/plain\n\n#!ipxe\n", 33) == 0,
	   "header then script");
	ok(strstr(b.p, "kernel /k\nboot\n") != NULL, "the host's script");
	sb_free(&b);
	bc_cgi_answer(&e, "mac=52:54:00:12:34:57", 21, &b);
	ok(strncmp(b.p, "Status: 404", 11) == 0, "unknown host: 404");
	ok(strstr(b.p, "\nexit\n") != NULL, "with a local-boot script");
	sb_free(&b);
	bc_cgi_answer(&e, by_uuid, strlen(by_uuid), &b);
	ok(strstr(b.p, "host n2,") != NULL, "unknown MAC, known uuid= setting");
	sb_free(&b);
	bc_cgi_answer(&e, evil, strlen(evil), &b);
	ok(strncmp(b.p, "Status: 400", 11) == 0, "hostile query: 400");
	ok(strstr(b.p, "shell") == NULL && strstr(b.p, "..") == NULL,
	   "nothing of it echoed");
	sb_free(&b);
	bc_cgi_answer(NULL, "mac=52:54:00:12:34:56", 21, &b);
	ok(strncmp(b.p, "Status: 500", 11) == 0, "no configuration: 500");
	sb_free(&b);
	bc_hosts_free(&hs);
	bc_profiles_free(&ps);
	diag_free(&d);
}

int main(void)
{
	good();
	hostile();
	answers();
	return tap_done();
}
