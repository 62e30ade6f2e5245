/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * table_parse over arbitrary text: a refusal names "NAME:LINE: why" with a
 * line inside the input; a table holds rules in increasing line order,
 * each with an action, and every menu encodes within 255 bytes.  The
 * indexed lookup finds what a plain scan in file order finds, for a client
 * with each rule's MAC and one with none of them.  Read on past every bad
 * line, each problem names a line inside the input, in increasing order,
 * and the first is the one table_parse gives.  The same bytes are then
 * read as an xCAT proxydhcp.cfg.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../proxydhcp/table.h"
#include "../../proxydhcp/xcat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned count_lines(const uint8_t *data, size_t size)
{
	unsigned n = 1;

	for (size_t i = 0; i < size; i++)
		n += data[i] == '\n';
	return n;
}

/* Every problem of table_parse_all: a line in range, in line order. */
struct seen {
	unsigned lines, last;
	char first[512];
};

static void check_problem(void *arg, const char *msg)
{
	struct seen *sn = arg;
	unsigned line;

	if (sn->first[0] == '\0')
		snprintf(sn->first, sizeof(sn->first), "%s", msg);
	if (sscanf(msg, "f:%u: ", &line) != 1) {
		if (strncmp(msg, "f: ", 3) != 0)
			abort();
		return;
	}
	if (line == 0 || line > sn->lines || line <= sn->last)
		abort();
	sn->last = line;
}

static void check_all(const uint8_t *data, size_t size, const char *err,
		      bool refused)
{
	struct seen sn = { count_lines(data, size), 0, "" };
	struct pxe_report rep = { check_problem, &sn, 0 };
	struct table *t = table_parse_all((const char *)data, size, "f", &rep);

	if ((t == NULL) != (rep.n > 0) || (t == NULL) != refused ||
	    (refused && strcmp(sn.first, err) != 0))
		abort();
	table_free(t);
}

static void check_table(const struct table *t, unsigned lines)
{
	unsigned last = 0;
	uint8_t opt[255];

	for (size_t i = 0; i < t->n; i++) {
		const struct table_rule *r = &t->rules[i];

		if (r->line <= last || r->line > lines)
			abort();
		last = r->line;
		if (!r->ignore && !r->file && !r->script && !r->bcd &&
		    !r->has_tftp && !r->nmenu)
			abort();
		if (r->file && strlen(r->file) > TABLE_FILE_LEN)
			abort();
		if (r->nmenu && table_menu_encode(r, 0xffffffffu, opt,
						  sizeof(opt)) == 0)
			abort();
	}
}

static void check_xcat(const uint8_t *data, size_t size)
{
	char err[128], file[512], bcd[512];
	struct xcat_cfg *x = xcat_parse(data, size, "x", err, sizeof(err));

	if (x == NULL) {
		if (strncmp(err, "x: ", 3) != 0)
			abort();
		return;
	}
	for (size_t i = 0; i < x->n; i++) {
		if (x->nodes[i].name[0] == '\0' ||
		    xcat_find(x, x->nodes[i].name) == NULL ||
		    xcat_boot_paths(&x->nodes[i], i % 2, file, sizeof(file),
				    bcd, sizeof(bcd)) < 0)
			abort();
	}
	xcat_free(x);
}

static const struct table_rule *scan(const struct table *t,
				     const struct pxe_client *c)
{
	for (size_t i = 0; i < t->n; i++)
		if (table_rule_matches(&t->rules[i], c))
			return &t->rules[i];
	return NULL;
}

static void check_lookup(const struct table *t)
{
	static const uint8_t none[6] = { 0xfe, 0, 0, 0, 0, 1 };
	struct pxe_client c = { none, true, 0x0a0012c6u, "node1", 7, true };
	bool needs_ip;

	for (size_t i = 0; i <= t->n && i < 64; i++) {
		c.mac = i < t->n ? t->rules[i].mac : none;
		c.ipxe = i % 2;
		c.arch = (uint16_t)i;
		if (table_match(t, &c, &needs_ip) != scan(t, &c) || needs_ip)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	struct table *t = table_parse((const char *)data, size, "f", err,
				      sizeof(err));
	unsigned lines = count_lines(data, size), line;
	bool refused = t == NULL;

	if (refused) {
		if (sscanf(err, "f:%u: ", &line) == 1) {
			if (line == 0 || line > lines)
				abort();
		} else if (strncmp(err, "f: ", 3) != 0) {
			abort();
		}
	} else {
		check_table(t, lines);
		check_lookup(t);
		table_free(t);
	}
	check_all(data, size, err, refused);
	check_xcat(data, size);
	return 0;
}
