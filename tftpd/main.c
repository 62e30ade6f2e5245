/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tftpd: TFTP server for network boot clients, tftp-hpa compatible. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "addr.h"
#include "num.h"
#include "opts.h"
#include "server.h"

/* Raw option text, converted and range-checked after popt is done. */
struct raw_opts {
	int listen, foreground, ipv4, ipv6, secure, create, permissive;
	int case_sensitive, verbose, in_place, dotfiles, no_sandbox, check;
	char *address, *user, *umask, *blksize, *window, *ports, *mapfile;
	char *idle, *retransmit, *retries, *max_clients, *pidfile;
	char *metrics, *interval;
	char *refuse[TFTP_OPT_COUNT + 8];
	int nrefuse;
};

enum { OPT_REFUSE = 1, OPT_VERBOSE };

static void add_refuse(struct raw_opts *r, poptContext ctx, char *name)
{
	if ((size_t)r->nrefuse >= sizeof(r->refuse) / sizeof(r->refuse[0]))
		opts_usage_error(ctx, "-r given too many times");
	r->refuse[r->nrefuse++] = name;
}

static unsigned refused_bits(const struct raw_opts *r, poptContext ctx)
{
	unsigned bits = 0;

	for (int i = 0; i < r->nrefuse; i++) {
		unsigned o;

		for (o = 0; o < TFTP_OPT_COUNT; o++)
			if (strcasecmp(r->refuse[i], tftp_opt_name(o)) == 0)
				break;
		if (o == TFTP_OPT_COUNT)
			opts_usage_error(ctx, "-r '%s': no such option "
					 "(blksize, timeout, tsize, windowsize, utimeout)",
					 r->refuse[i]);
		bits |= 1u << o;
	}
	return bits;
}

static void parse_ports(struct tftpd_conf *c, poptContext ctx, const char *s)
{
	const char *colon = strchr(s, ':');
	uint64_t lo, hi;

	if (colon == NULL ||
	    num_parse_mem(s, (size_t)(colon - s), 1, 65535, &lo) < 0 ||
	    num_parse(colon + 1, 1, 65535, &hi) < 0 || lo > hi)
		opts_usage_error(ctx, "-R '%s': expected LOW:HIGH, 1-65535", s);
	c->port_lo = (uint16_t)lo;
	c->port_hi = (uint16_t)hi;
}

static void parse_umask(struct tftpd_conf *c, poptContext ctx, const char *s)
{
	unsigned long v = 0;

	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '7' || v > 0777)
			opts_usage_error(ctx, "-U '%s': expected an octal mask", s);
		v = v * 8 + (unsigned long)(*p - '0');
	}
	if (*s == '\0' || v > 0777)
		opts_usage_error(ctx, "-U '%s': expected an octal mask", s);
	c->umask = (mode_t)v;
}

static void set_defaults(struct tftpd_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->dir = "/srv/tftp";
	c->family = AF_UNSPEC;
	c->nocase = true;
	c->user = "nobody";
	c->umask = 022;
	c->lim.max_blksize = TFTP_BLKSIZE_MAX;
	c->lim.max_window = 64;
	/*
	 * A window must fit the receiver's socket buffer or most of it is
	 * dropped on arrival and every window ends in a timeout: 160 KiB of
	 * kernel charge stays under Linux's default 208 KiB buffer.
	 */
	c->lim.max_window_bytes = 160 * 1024;
	c->idle_timeout = 900;
	c->retransmit_us = 1000000;
	c->max_retries = 6;
	c->max_clients = 2000;
	c->metrics_interval = 60;
}

static void convert(struct tftpd_conf *c, struct raw_opts *r, poptContext ctx)
{
	if (r->ipv4 && r->ipv6)
		opts_usage_error(ctx, "-4 and -6 exclude each other");
	c->family = r->ipv4 ? AF_INET : r->ipv6 ? AF_INET6 : AF_UNSPEC;
	c->standalone = r->listen || r->foreground;
	c->daemonize = r->listen && !r->foreground;
	c->secure = r->secure;
	c->create = r->create;
	c->permissive = r->permissive;
	c->in_place = r->in_place;
	c->dotfiles = r->dotfiles;
	c->no_sandbox = r->no_sandbox;
	c->nocase = !r->case_sensitive;
	c->verbose = r->verbose;
	c->address = r->address;
	if (r->address) {
		struct sockaddr_storage ss;
		socklen_t len;

		if (addr_parse(r->address, c->family, 69, &ss, &len) < 0)
			opts_usage_error(ctx, "-a '%s': expected ADDR[:PORT]%s",
					 r->address,
					 c->family ? " of the family chosen" : "");
	}
	c->mapfile = r->mapfile;
	c->pidfile = r->pidfile;
	if (r->user)
		c->user = r->user;
	if (r->umask)
		parse_umask(c, ctx, r->umask);
	if (r->blksize)
		c->lim.max_blksize = (unsigned)opts_num(ctx, "-B", r->blksize,
			TFTP_BLKSIZE_MIN, TFTP_BLKSIZE_MAX);
	if (r->window)
		c->lim.max_window = (unsigned)opts_num(ctx, "-W", r->window,
			TFTP_WINDOW_MIN, TFTP_WINDOW_MAX);
	if (r->ports)
		parse_ports(c, ctx, r->ports);
	if (r->idle)
		c->idle_timeout = (unsigned)opts_num(ctx, "-t", r->idle, 0, 86400);
	if (r->retransmit)
		c->retransmit_us = opts_num(ctx, "-T", r->retransmit,
			TFTP_UTIMEOUT_MIN, TFTP_UTIMEOUT_MAX);
	if (r->retries)
		c->max_retries = (unsigned)opts_num(ctx, "--retries", r->retries, 1, 100);
	if (r->max_clients)
		c->max_clients = (unsigned)opts_num(ctx, "--max-clients",
			r->max_clients, 1, 100000);
	c->lim.refused = refused_bits(r, ctx);
	c->metrics = r->metrics;
	if (r->interval)
		c->metrics_interval = (unsigned)opts_num(ctx,
			"--metrics-interval", r->interval, 1, 86400);
}

/* --check-config: every problem printed; exit 0 only when there was none. */
static int check_config(const struct tftpd_conf *c)
{
	if (tftpd_check(c) > 0)
		return EXIT_FAIL;
	printf("%s%s%s: no problems\n", c->dir, c->mapfile ? ", " : "",
	       c->mapfile ? c->mapfile : "");
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	struct raw_opts r;
	struct tftpd_conf conf;
	char *refuse = NULL;
	const struct poptOption table[] = {
		{ "listen", 'l', POPT_ARG_NONE, &r.listen, 0, "Run standalone as a daemon", NULL },
		{ "foreground", 'L', POPT_ARG_NONE, &r.foreground, 0, "Run standalone in the foreground", NULL },
		{ "address", 'a', POPT_ARG_STRING, &r.address, 0, "Listen on this address (default: all, port 69)", "ADDR[:PORT]" },
		{ "ipv4", '4', POPT_ARG_NONE, &r.ipv4, 0, "IPv4 only", NULL },
		{ "ipv6", '6', POPT_ARG_NONE, &r.ipv6, 0, "IPv6 only", NULL },
		{ "secure", 's', POPT_ARG_NONE, &r.secure, 0, "Confine to the directory (chroot when root)", NULL },
		{ "create", 'c', POPT_ARG_NONE, &r.create, 0, "Allow uploads to create new files", NULL },
		{ "permissive", 'p', POPT_ARG_NONE, &r.permissive, 0, "Skip the world-readable/writable checks", NULL },
		{ "user", 'u', POPT_ARG_STRING, &r.user, 0, "Run as this user (default nobody)", "USER" },
		{ "umask", 'U', POPT_ARG_STRING, &r.umask, 0, "Mask for created files (default 022)", "MASK" },
		{ "blocksize", 'B', POPT_ARG_STRING, &r.blksize, 0, "Largest blksize granted (8-65464, default 65464)", "BYTES" },
		{ "max-window", 'W', POPT_ARG_STRING, &r.window, 0, "Largest windowsize granted (1-65535, default 64)", "BLOCKS" },
		{ "port-range", 'R', POPT_ARG_STRING, &r.ports, 0, "Local ports for transfers", "LOW:HIGH" },
		{ "map-file", 'm', POPT_ARG_STRING, &r.mapfile, 0, "File name remapping rules (reread on SIGHUP)", "FILE" },
		{ "refuse", 'r', POPT_ARG_STRING, &refuse, OPT_REFUSE, "Never negotiate this option (repeatable)", "OPTION" },
		{ "timeout", 't', POPT_ARG_STRING, &r.idle, 0, "inetd mode: exit after this long idle (default 900)", "SECS" },
		{ "retransmit", 'T', POPT_ARG_STRING, &r.retransmit, 0, "Longest first retransmit timeout; shorter ones follow the round trip (default 1000000)", "USECS" },
		{ "retries", '\0', POPT_ARG_STRING, &r.retries, 0, "Give up after N timeouts of -T or longer in a row (default 6)", "N" },
		{ "max-clients", '\0', POPT_ARG_STRING, &r.max_clients, 0, "Concurrent transfers (default 2000)", "N" },
		{ "in-place-writes", '\0', POPT_ARG_NONE, &r.in_place, 0, "Overwrite in place an upload target that cannot be replaced by a rename (readers may see a mix)", NULL },
		{ "dotfiles", '\0', POPT_ARG_NONE, &r.dotfiles, 0, "Serve names with a component starting with '.'", NULL },
		{ "case-sensitive", '\0', POPT_ARG_NONE, &r.case_sensitive, 0, "No case-insensitive fallback for missing names", NULL },
		{ "no-sandbox", '\0', POPT_ARG_NONE, &r.no_sandbox, 0, "Do not install the seccomp filter; for debugging and for measuring its cost", NULL },
		{ "metrics", '\0', POPT_ARG_STRING, &r.metrics, 0, "Write the counters here for Prometheus (node_exporter's textfile collector)", "FILE" },
		{ "metrics-interval", '\0', POPT_ARG_STRING, &r.interval, 0, "Seconds between --metrics writes (1-86400, default 60)", "SECS" },
		{ "check-config", '\0', POPT_ARG_NONE, &r.check, 0, "Check the directory, -m rules, user and paths, print every problem, exit 0 or 1 without serving", NULL },
		{ "pidfile", 'P', POPT_ARG_STRING, &r.pidfile, 0, "Write the process id here", "FILE" },
		{ "verbose", 'v', POPT_ARG_NONE, NULL, OPT_VERBOSE, "Log more (repeatable)", NULL },
		OPTS_COMMON_TABLE,
		POPT_AUTOHELP
		POPT_TABLEEND
	};
	poptContext ctx;
	const char **args;
	int nargs, rc;

	memset(&r, 0, sizeof(r));
	set_defaults(&conf);
	log_open("tftpd", LOG_TO_STDERR, LOG_DAEMON);
	ctx = opts_context("tftpd", argc, argv, table, "[OPTION...] [directory]");
	while ((rc = opts_next(ctx, "tftpd")) > 0) {
		if (rc == OPT_REFUSE)
			add_refuse(&r, ctx, refuse);
		else if (rc == OPT_VERBOSE)
			r.verbose++;
	}
	convert(&conf, &r, ctx);
	args = opts_args(ctx, &nargs);
	if (nargs > 1)
		opts_usage_error(ctx, "one directory at most (got %d)", nargs);
	if (nargs == 1)
		conf.dir = args[0];
	rc = r.check ? check_config(&conf) : tftpd_serve(&conf);
	poptFreeContext(ctx);
	return rc;
}
