/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CGI query parser over arbitrary bytes, and the whole CGI answer for
 * a one-host table: no byte of the query may come back unless the query
 * named that host.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../bootcfg/cgi.h"
#include "../../bootcfg/query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char prof[] = "[profile l]\nkernel = k\n";
static const char hosts[] = "52:54:00:12:34:56 n1 198.18.0.1 l\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bc_hosts hs = { 0 };
	struct bc_profiles ps = { 0 };
	struct diag d = { 0 };
	struct bc_env e = { .hs = &hs, .ps = &ps, .d = &d };
	struct bc_query q;
	struct sbuf out = { 0 };
	const char *why;
	int rc = bc_query_parse((const char *)data, size, &q, &why);

	if (rc == 0 && !q.has_mac)
		abort();
	bc_profiles_parse(&ps, "P", prof, strlen(prof), &d);
	bc_hosts_parse(&hs, "H", hosts, strlen(hosts), &d);
	bc_hosts_resolve(&hs, &ps, &d);
	bc_cgi_answer(&e, (const char *)data, size, &out);
	if (out.p == NULL || strstr(out.p, "Content-Type: text/plain\n\n#!ipxe\n") == NULL)
		abort();
	if (strchr(out.p, '%') || strstr(out.p, "shell"))
		abort();
	sb_free(&out);
	bc_hosts_free(&hs);
	bc_profiles_free(&ps);
	diag_free(&d);
	return 0;
}
