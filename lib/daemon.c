/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "atomic.h"
#include "log.h"

static int null_stdio(void)
{
	int fd = open("/dev/null", O_RDWR);

	if (fd < 0)
		return -errno;
	for (int i = 0; i <= 2; i++)
		if (dup2(fd, i) < 0)
			return -errno;
	if (fd > 2)
		close(fd);
	return 0;
}

int daemon_start(int facility)
{
	pid_t pid;
	int rc;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0)
		_exit(0);
	if (setsid() < 0 || chdir("/") < 0)
		return -errno;
	rc = null_stdio();
	if (rc < 0)
		return rc;
	log_open(log_ident(), LOG_TO_SYSLOG, facility);
	return 0;
}

int pidfile_write(const char *path)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());

	return atomic_write(path, buf, (size_t)n, 0644);
}

int daemon_setup(int background, const char *pidfile, int facility)
{
	int rc;

	if (background && (rc = daemon_start(facility)) < 0) {
		log_err("cannot become a daemon: %s", strerror(-rc));
		return -1;
	}
	if (pidfile && (rc = pidfile_write(pidfile)) < 0) {
		log_err("%s: %s", pidfile, strerror(-rc));
		return -1;
	}
	return 0;
}

void pidfile_remove(const char *path)
{
	if (unlink(path) == 0 || errno == ENOENT)
		return;
	if (errno == EACCES || errno == EPERM)
		log_debug("%s: not removed: its directory is not ours to write",
			  path);
	else
		log_warn("%s: not removed: %s", path, strerror(errno));
}

static const int daemon_signals[] = { SIGHUP, SIGUSR1, SIGTERM, SIGINT };

static void daemon_sigset(sigset_t *set)
{
	sigemptyset(set);
	for (size_t i = 0; i < sizeof(daemon_signals) / sizeof(daemon_signals[0]);
	     i++)
		sigaddset(set, daemon_signals[i]);
}

void daemon_block_signals(void)
{
	sigset_t set;

	daemon_sigset(&set);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int daemon_signalfd(void)
{
	sigset_t set;
	int fd;

	daemon_block_signals();
	for (size_t i = 0; i < sizeof(daemon_signals) / sizeof(daemon_signals[0]);
	     i++)
		signal(daemon_signals[i], SIG_DFL);
	daemon_sigset(&set);
	fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	return fd < 0 ? -errno : fd;
}
