/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The tftpd event loop: one process, one epoll, a socket per transfer. */
#ifndef TFTPD_SERVER_H
#define TFTPD_SERVER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "tftp.h"

/* Everything the command line decides. */
struct tftpd_conf {
	const char *dir;          /* root of the served tree */
	const char *address;      /* -a ADDR[:PORT], NULL for the wildcard */
	int family;               /* AF_UNSPEC, AF_INET (-4) or AF_INET6 (-6) */
	bool standalone;          /* -l or -L (else inetd when stdin is UDP) */
	bool daemonize;           /* -l */
	bool secure;              /* -s: chroot when root */
	bool create;              /* -c */
	bool permissive;          /* -p: skip world-readable/writable checks */
	bool in_place;            /* --in-place-writes: overwrite what cannot
				   * be replaced by a rename */
	bool dotfiles;            /* --dotfiles: serve names with a component
				   * starting with '.' */
	bool nocase;              /* case-insensitive fallback (default on) */
	const char *user;         /* -u, default nobody */
	mode_t umask;             /* -U, for created files */
	struct tftp_limits lim;   /* -B, -W, -r */
	uint16_t port_lo, port_hi; /* -R, 0:0 for ephemeral */
	const char *mapfile;      /* -m */
	unsigned idle_timeout;    /* -t, seconds, inetd mode */
	uint64_t retransmit_us;   /* -T */
	unsigned max_retries;     /* --retries */
	unsigned max_clients;     /* --max-clients */
	const char *pidfile;      /* -P */
	int verbose;              /* -v, repeatable */
	bool no_sandbox;          /* --no-sandbox: no seccomp filter */
	const char *metrics;      /* --metrics FILE, NULL for none */
	unsigned metrics_interval; /* --metrics-interval, seconds */
};

/*
 * Opens the listening socket(s) (or adopts stdin in inetd mode), the root
 * directory and the rules file, drops privileges, enters the seccomp
 * sandbox and serves until SIGTERM or SIGINT (standalone) or until idle
 * (inetd); SIGHUP rereads the rules, SIGUSR1 logs counters.  Returns
 * EXIT_OK, or EXIT_FAIL when setting up or the event loop failed.
 */
int tftpd_serve(const struct tftpd_conf *conf);

/*
 * --check-config: loads what conf names as tftpd_serve would (the root
 * directory, the -m rules, the -u user when root, the directories of -P
 * and --metrics) and prints every problem on standard error, a rules
 * file's as FILE:LINE: message.  Opens no socket.  Returns the number of
 * problems.
 */
unsigned tftpd_check(const struct tftpd_conf *conf);

#endif
