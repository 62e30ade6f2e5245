/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Option handling shared by every tool, on top of popt: a common --version,
 * usage errors that exit 2, and range checks after popt converts.
 */
#ifndef NB_OPTS_H
#define NB_OPTS_H

#include <popt.h>
#include <stdint.h>

#include "log.h"

#ifndef NETBOOT_VERSION
#define NETBOOT_VERSION "0.0.0"
#endif

/* Exit statuses shared by every tool. */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,
};

/* Put in a tool's option table: --version prints the tool and suite version. */
extern struct poptOption opts_common[];
#define OPTS_COMMON_TABLE \
	{ NULL, '\0', POPT_ARG_INCLUDE_TABLE, opts_common, 0, \
	  "Common options:", NULL }

/* A popt context over argv (popt's const spelling handled here). */
poptContext opts_context(const char *prog, int argc, char **argv,
			 const struct poptOption *table, const char *args_help);

/*
 * The next option value a tool asked to see (> 0), or -1 at the end;
 * --version and bad options are handled here (exit 0 and exit 2).
 */
int opts_next(poptContext ctx, const char *prog);

/*
 * Runs popt over argv: exits 0 after --help/--usage/--version, exits 2 with
 * a one-line message on a bad option.  Returns the context for leftover
 * arguments; free it with poptFreeContext().
 */
poptContext opts_parse(const char *prog, int argc, char **argv,
		       const struct poptOption *table, const char *args_help);

/* Prints "prog: message" and a hint to stderr, then exits 2. */
void opts_usage_error(poptContext ctx, const char *fmt, ...)
	NB_PRINTF(2, 3) NB_NORETURN;

/* Parses a decimal option value or exits 2 naming the option and range. */
uint64_t opts_num(poptContext ctx, const char *optname, const char *value,
		  uint64_t min, uint64_t max);

/* Leftover arguments as a NULL-terminated array (never NULL) and count. */
const char **opts_args(poptContext ctx, int *argc);

/* The binary's name for messages: argv[0] without directories. */
const char *opts_progname(const char *argv0);

#endif
