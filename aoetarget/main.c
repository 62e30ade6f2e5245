/* SPDX-License-Identifier: GPL-2.0-or-later */
/* aoetarget: ATA over Ethernet target, vblade compatible. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "opts.h"
#include "ovdir.h"
#include "server.h"

#define SYNOPSIS "[-b bufcnt] [-d] [-s] [-r] [-m mac[,mac...]] [-o offset] " \
		 "[-l length] shelf slot netif file\n" \
		 "       aoetarget -c CONFIG [options]\n" \
		 "       aoetarget overlay list DIR | discard DIR MAC|all"

struct main_opts {
	struct tgt_raw raw;
	char *config, *state_dir, *pidfile, *user, *metrics, *interval;
	int foreground, daemon, verbose, no_sandbox, check;
};

enum { OPT_VERBOSE = 1 };

/* popt hands out copies of string option values. */
static void free_opts(struct main_opts *o)
{
	free(o->raw.bufcnt);
	free(o->raw.macs);
	free(o->raw.offset);
	free(o->raw.length);
	free(o->raw.overlay);
	free(o->config);
	free(o->state_dir);
	free(o->pidfile);
	free(o->user);
	free(o->metrics);
	free(o->interval);
}

/*
 * The targets of the command line: one from arguments, or a -c file.
 * Returns how many problems were found: with --check-config each is
 * printed and counted, otherwise a bad argument is a usage error.
 */
static unsigned targets(poptContext ctx, const struct main_opts *o,
			struct aoetarget_conf *c)
{
	struct tgt_conf_file f;
	char err[512];
	const char **args;
	int nargs;

	args = opts_args(ctx, &nargs);
	if (o->config) {
		if (nargs != 0)
			opts_usage_error(ctx, "-c takes no shelf slot netif file");
		(void)tgt_conf_load(o->config, &o->raw, o->check, &f);
		c->tgts = f.tgts;
		c->ntgts = f.ntgts;
		return f.problems;
	}
	if (nargs != 4)
		opts_usage_error(ctx, "expected shelf slot netif file (got %d "
				 "argument%s)", nargs, nargs == 1 ? "" : "s");
	c->tgts = calloc(1, sizeof(*c->tgts));
	if (c->tgts == NULL)
		die(EXIT_FAIL, "out of memory");
	if (tgt_conf_make(&c->tgts[0], &o->raw, args, err, sizeof(err)) < 0) {
		if (!o->check)
			opts_usage_error(ctx, "%s", err);
		log_err("%s", err);
		return 1;
	}
	c->ntgts = 1;
	return 0;
}

/* --check-config: every problem printed; exit 0 only when there was none. */
static int check_config(const struct aoetarget_conf *c, const char *config,
			unsigned problems)
{
	problems += aoetarget_check(c, config);
	if (problems)
		return EXIT_FAIL;
	printf("%s: %u target%s, no problems\n",
	       config ? config : "command line", c->ntgts,
	       c->ntgts == 1 ? "" : "s");
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	struct main_opts o;
	struct aoetarget_conf c;
	const struct poptOption table[] = {
		{ "bufcnt", 'b', POPT_ARG_STRING, &o.raw.bufcnt, 0, "Advertised buffer count (1-8192, default 16)", "N" },
		{ "direct", 'd', POPT_ARG_NONE, &o.raw.direct, 0, "Open the file with O_DIRECT", NULL },
		{ "sync", 's', POPT_ARG_NONE, &o.raw.sync, 0, "Open the file with O_SYNC", NULL },
		{ "read-only", 'r', POPT_ARG_NONE, &o.raw.readonly, 0, "Refuse writes", NULL },
		{ "mac", 'm', POPT_ARG_STRING, &o.raw.macs, 0, "Initiators allowed (the initial mask list)", "MAC[,MAC...]" },
		{ "offset", 'o', POPT_ARG_STRING, &o.raw.offset, 0, "Sectors of the file skipped (default 0)", "SECTORS" },
		{ "length", 'l', POPT_ARG_STRING, &o.raw.length, 0, "Sectors exported (default: the rest)", "SECTORS" },
		{ "overlay", '\0', POPT_ARG_STRING, &o.raw.overlay, 0, "Copy-on-write: the file is read only, each initiator's writes go to its own overlay in DIR", "DIR" },
		{ "overlay-reset", '\0', POPT_ARG_NONE, &o.raw.overlay_reset, 0, "Discard the target's overlays when it starts (default: they persist)", NULL },
		{ "config", 'c', POPT_ARG_STRING, &o.config, 0, "Serve the targets listed in this file", "CONFIG" },
		{ "foreground", 'f', POPT_ARG_NONE, &o.foreground, 0, "Stay in the foreground, log to stderr (the default)", NULL },
		{ "daemon", 'D', POPT_ARG_NONE, &o.daemon, 0, "Become a daemon once set up, log to syslog", NULL },
		{ "state-dir", '\0', POPT_ARG_STRING, &o.state_dir, 0, "Persisted target state (default /var/lib/aoetarget)", "DIR" },
		{ "pidfile", 'P', POPT_ARG_STRING, &o.pidfile, 0, "Write the process id here", "FILE" },
		{ "user", 'u', POPT_ARG_STRING, &o.user, 0, "Run as this user once set up (default nobody)", "USER" },
		{ "no-sandbox", '\0', POPT_ARG_NONE, &o.no_sandbox, 0, "Do not install the seccomp filter; for debugging and for measuring its cost", NULL },
		{ "metrics", '\0', POPT_ARG_STRING, &o.metrics, 0, "Write the counters here for Prometheus (node_exporter's textfile collector)", "FILE" },
		{ "metrics-interval", '\0', POPT_ARG_STRING, &o.interval, 0, "Seconds between --metrics writes (1-86400, default 60)", "SECS" },
		{ "check-config", '\0', POPT_ARG_NONE, &o.check, 0, "Check the configuration, print every problem, exit 0 or 1 without serving", NULL },
		{ "verbose", 'v', POPT_ARG_NONE, NULL, OPT_VERBOSE, "Log more", NULL },
		OPTS_COMMON_TABLE,
		POPT_AUTOHELP
		POPT_TABLEEND
	};
	poptContext ctx;
	unsigned problems;
	int rc;

	memset(&o, 0, sizeof(o));
	memset(&c, 0, sizeof(c));
	log_open("aoetarget", LOG_TO_STDERR, LOG_DAEMON);
	if (argc > 1 && strcmp(argv[1], "overlay") == 0)
		return ovdir_admin(argc - 2, argv + 2, stdout);
	ctx = opts_context("aoetarget", argc, argv, table, SYNOPSIS);
	while ((rc = opts_next(ctx, "aoetarget")) > 0)
		if (rc == OPT_VERBOSE)
			o.verbose++;
	if (o.daemon && o.foreground)
		opts_usage_error(ctx, "-D and -f contradict each other");
	c.metrics_interval = o.interval ? (unsigned)opts_num(ctx,
		"--metrics-interval", o.interval, 1, 86400) : 60;
	problems = targets(ctx, &o, &c);
	c.daemon = o.daemon;
	c.verbose = o.verbose;
	c.pidfile = o.pidfile;
	c.user = o.user ? o.user : "nobody";
	c.no_sandbox = o.no_sandbox;
	c.state_dir = o.state_dir ? o.state_dir : "/var/lib/aoetarget";
	c.metrics = o.metrics;
	c.config = o.config;
	c.defaults = &o.raw;
	if (o.check)
		rc = check_config(&c, o.config, problems);
	else
		rc = problems ? EXIT_USAGE : aoetarget_serve(&c);
	for (unsigned i = 0; i < c.ntgts; i++)
		tgt_conf_free(&c.tgts[i]);
	free(c.tgts);
	poptFreeContext(ctx);
	free_opts(&o);
	return rc;
}
