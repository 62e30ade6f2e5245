/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --check-config: what the options name, loaded as the server would load
 * it, every problem printed; no socket is opened and nothing is served.
 */
#include "server.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "log.h"
#include "path.h"
#include "remap.h"

NB_PRINTF(1, 2)
static unsigned problem(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

/* The served tree: a directory that can be listed and entered. */
static unsigned check_root(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return problem("%s: %s", dir, strerror(errno));
	close(fd);
	if (access(dir, R_OK | X_OK) < 0)
		return problem("%s: %s", dir, strerror(errno));
	return 0;
}

/* -u: only root changes user, so only root needs it to exist. */
static unsigned check_user(const char *user)
{
	if (geteuid() != 0)
		return 0;
	errno = 0;
	if (getpwnam(user) != NULL)
		return 0;
	return problem("-u %s: %s", user,
		       errno ? strerror(errno) : "no such user");
}

unsigned tftpd_check(const struct tftpd_conf *conf)
{
	unsigned bad = check_root(conf->dir) + check_user(conf->user);
	unsigned rules = 0;

	if (conf->mapfile) {
		struct remap *rm = remap_load_printed(AT_FDCWD, conf->mapfile,
						      NULL, true, &rules);

		remap_free(rm);
		bad += rules;
	}
	bad += file_parent_report("-P", conf->pidfile);
	bad += file_parent_report("--metrics", conf->metrics);
	return bad;
}
