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

/* The write end of the pipe the waiting parent reads; -1 when none. */
static int ready_fd = -1;

/*
 * The parent's side: exit 0 once the child says it is ready, 1 (with a
 * word on stderr, which is still the caller's) when it dies first.
 */
_Noreturn static void parent_wait(int fd)
{
	char c;
	ssize_t n;

	do
		n = read(fd, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n == 1)
		_exit(0);
	fprintf(stderr, "%s: the daemon stopped while starting; see the "
			"system log\n", log_ident());
	_exit(1);
}

int daemon_start(int facility)
{
	int fds[2];
	pid_t pid;
	int rc;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		rc = -errno;
		close(fds[0]);
		close(fds[1]);
		return rc;
	}
	if (pid > 0) {
		close(fds[1]);
		parent_wait(fds[0]);
	}
	close(fds[0]);
	ready_fd = fds[1];
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
	daemon_ready();
	return 0;
}

void daemon_ready(void)
{
	if (ready_fd < 0)
		return;
	if (write(ready_fd, "", 1) != 1)
		log_warn("cannot tell the starting process: %s", strerror(errno));
	close(ready_fd);
	ready_fd = -1;
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
