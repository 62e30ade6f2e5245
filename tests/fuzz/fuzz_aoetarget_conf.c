/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tgt_conf_parse (aoetarget -c) over arbitrary bytes.  Every target kept
 * must be within the ranges the options promise and carry a line of the
 * input, in order; every problem must name a line of the input (0 only for
 * "no targets", and then alone), and the count must match the reports.
 */
#include <net/if.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../aoetarget/conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
	unsigned lines;         /* in the input */
	unsigned reports, at_zero;
};

static void check_target(const struct tgt_conf *tc, unsigned lines,
			 unsigned prev_line)
{
	size_t n = tc->netif ? strlen(tc->netif) : 0;

	if (tc->shelf > 65534 || tc->slot > 254 || n == 0 || n >= IFNAMSIZ ||
	    tc->file == NULL || tc->file[0] == '\0' || tc->bufcnt < 1 ||
	    tc->bufcnt > AOE_BUFCNT_MAX || tc->nmask > AOE_LIST_MAX ||
	    tc->line <= prev_line || tc->line > lines)
		abort();
}

static void report(void *arg, unsigned line, const char *msg)
{
	struct seen *s = arg;

	if (line > s->lines || msg == NULL || msg[0] == '\0')
		abort();
	if (line == 0 && strcmp(msg, "no targets") != 0)
		abort();
	s->reports++;
	s->at_zero += line == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tgt_raw def;
	struct tgt_conf_file f;
	struct seen s = { .lines = 1 };
	unsigned prev = 0;

	for (size_t i = 0; i < size; i++)
		s.lines += data[i] == '\n';
	memset(&def, 0, sizeof(def));
	tgt_conf_parse((const char *)data, size, &def, report, &s, &f);
	if (s.reports != f.problems || (s.at_zero && s.reports != 1) ||
	    (f.ntgts == 0 && f.problems == 0) || (f.ntgts > 0) != (f.tgts != NULL))
		abort();
	for (unsigned i = 0; i < f.ntgts; i++) {
		check_target(&f.tgts[i], s.lines, prev);
		prev = f.tgts[i].line;
	}
	tgt_conf_file_free(&f);
	return 0;
}
