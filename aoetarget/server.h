/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The I/O side of aoetarget: interfaces, backing files, the event loop. */
#ifndef AOETARGET_SERVER_H
#define AOETARGET_SERVER_H

#include <stdbool.h>

#include "conf.h"

struct aoetarget_conf {
	struct tgt_conf *tgts;
	unsigned ntgts;
	const char *config;     /* -c: read again on SIGHUP, or NULL */
	const struct tgt_raw *defaults; /* the command line's, for -c lines */
	bool daemon;            /* -D: detach, log to syslog */
	const char *state_dir;  /* --state-dir */
	const char *pidfile;    /* --pidfile, or NULL */
	const char *user;       /* -u: run as this user once set up */
	bool no_sandbox;        /* --no-sandbox: no seccomp filter */
	const char *metrics;    /* --metrics FILE, or NULL */
	unsigned metrics_interval; /* --metrics-interval, seconds */
	int verbose;            /* -v count */
};

/*
 * Sets everything up and serves until SIGTERM/SIGINT.  Returns the exit
 * status: EXIT_OK, or EXIT_FAIL when setup or the event loop failed.
 */
int aoetarget_serve(const struct aoetarget_conf *conf);

/*
 * --check-config: what setup would refuse, found without opening an
 * interface or a socket: each backing file is opened and sized as serving
 * would, then closed, and the user to become is looked up (when root).
 * Each problem goes to standard error, a backing file's as
 * "CONFIG:LINE: FILE: why: error" (config NULL: without "CONFIG:LINE: ").
 * Returns how many there were.
 */
unsigned aoetarget_check(const struct aoetarget_conf *conf, const char *config);

#endif
