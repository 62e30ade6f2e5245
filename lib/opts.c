/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "opts.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"

#define OPT_VERSION 0x7e01
#define OPT_HELP 0x7e02

/* -h and -V as every tool and script of the suite spells them. */
struct poptOption opts_common[] = {
	{ "version", 'V', POPT_ARG_NONE, NULL, OPT_VERSION,
	  "Print the version and exit", NULL },
	{ NULL, 'h', POPT_ARG_NONE, NULL, OPT_HELP,
	  "Show this help message (as --help)", NULL },
	POPT_TABLEEND
};

const char *opts_progname(const char *argv0)
{
	const char *slash = argv0 ? strrchr(argv0, '/') : NULL;

	if (argv0 == NULL)
		return "netboot";
	return slash ? slash + 1 : argv0;
}

static void usage_hint(poptContext ctx)
{
	(void)ctx;
	fprintf(stderr, "Try '%s --help' for more information.\n",
		log_ident());
}

void opts_usage_error(poptContext ctx, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", log_ident());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	usage_hint(ctx);
	exit(EXIT_USAGE);
}

poptContext opts_context(const char *prog, int argc, char **argv,
			 const struct poptOption *table, const char *args_help)
{
	/* popt never writes through argv; it only wants the const spelling. */
	poptContext ctx = poptGetContext(prog, argc, (const char **)(void *)argv,
					 table, 0);

	if (args_help)
		poptSetOtherOptionHelp(ctx, args_help);
	return ctx;
}

int opts_next(poptContext ctx, const char *prog)
{
	int rc = poptGetNextOpt(ctx);

	if (rc == OPT_VERSION) {
		printf("%s (netboot suite) %s\n", prog, NETBOOT_VERSION);
		poptFreeContext(ctx);
		exit(EXIT_OK);
	}
	if (rc == OPT_HELP) {
		poptPrintHelp(ctx, stdout, 0);
		poptFreeContext(ctx);
		exit(EXIT_OK);
	}
	if (rc < -1)
		opts_usage_error(ctx, "%s: %s",
				 poptBadOption(ctx, POPT_BADOPTION_NOALIAS),
				 poptStrerror(rc));
	return rc;
}

poptContext opts_parse(const char *prog, int argc, char **argv,
		       const struct poptOption *table, const char *args_help)
{
	poptContext ctx = opts_context(prog, argc, argv, table, args_help);

	while (opts_next(ctx, prog) > 0)
		;
	return ctx;
}

uint64_t opts_num(poptContext ctx, const char *optname, const char *value,
		  uint64_t min, uint64_t max)
{
	uint64_t v;
	int rc = num_parse(value, min, max, &v);

	if (rc < 0)
		opts_usage_error(ctx,
				 "%s '%s': %s (expected %llu to %llu)",
				 optname, value ? value : "", num_strerror(rc),
				 (unsigned long long)min,
				 (unsigned long long)max);
	return v;
}

const char **opts_args(poptContext ctx, int *argc)
{
	static const char *none[] = { NULL };
	const char **args = poptGetArgs(ctx);
	int n = 0;

	if (args == NULL)
		args = none;
	while (args[n] != NULL)
		n++;
	if (argc)
		*argc = n;
	return args;
}
