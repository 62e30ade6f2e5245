/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The hosts and profiles parsers over arbitrary bytes: the input is split
 * at the first "\n%%\n" into a profiles file and a hosts table.  Whatever
 * parses is resolved and run through every generator, which must not
 * fail on anything the parsers accepted other than by reporting it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../bootcfg/dhcp.h"
#include "../../bootcfg/gen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef bool (*host_gen)(const struct bc_env *, const struct bc_host *,
			 struct sbuf *);
typedef bool (*agg_gen)(const struct bc_env *, struct sbuf *);

static void generate(const struct bc_env *e)
{
	static const host_gen hg[] = { bc_gen_pxelinux, bc_gen_grub };
	static const agg_gen ag[] = { bc_gen_dhcpd, bc_gen_dnsmasq,
				      bc_gen_proxydhcp, bc_gen_xcat };
	struct sbuf b = { 0 };

	for (size_t i = 0; i < e->hs->n && i < 8; i++) {
		for (size_t g = 0; g < sizeof(hg) / sizeof(hg[0]); g++)
			hg[g](e, &e->hs->v[i], &b);
		bc_gen_ipxe(e, &e->hs->v[i], -1, &b);
	}
	for (size_t g = 0; g < sizeof(ag) / sizeof(ag[0]); g++)
		ag[g](e, &b);
	sb_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	const char *sep = memmem(s, size, "\n%%\n", 4);
	size_t pl = sep ? (size_t)(sep - s) : 0;
	const char *h = sep ? sep + 4 : s;
	size_t hl = size - (size_t)(h - s);
	struct bc_hosts hs = { 0 };
	struct bc_profiles ps = { 0 };
	struct diag d = { 0 };
	struct bc_env e = { .hs = &hs, .ps = &ps, .d = &d };

	bc_profiles_parse(&ps, "P", s, pl, &d);
	bc_hosts_parse(&hs, "H", h, hl, &d);
	bc_hosts_resolve(&hs, &ps, &d);
	if (d.errors == 0)
		generate(&e);
	if (d.errors && (d.text.p == NULL ||
			 (d.text.p[0] != 'P' && d.text.p[0] != 'H')))
		abort();
	bc_hosts_free(&hs);
	bc_profiles_free(&ps);
	diag_free(&d);
	return 0;
}
