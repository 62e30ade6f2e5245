/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "file.h"
#include "log.h"
#include "sandbox.h"
#include "tap.h"

static const struct sandbox_rule rules[] = {
	SANDBOX_ALLOW("getppid"),
	SANDBOX_ALLOW_ARG0("socket", AF_INET6),
	SANDBOX_ALLOW("openat"), SANDBOX_ALLOW("read"),
	SANDBOX_ALLOW("fstat"), SANDBOX_ALLOW("newfstatat"),
};

/* Seccomp mode 2 (filter) in /proc/self/status. */
static int filtered(void)
{
	char *buf, *p;
	size_t len;
	int on = 0;

	if (file_read(AT_FDCWD, "/proc/self/status", 1u << 16, &buf, &len) < 0)
		return 0;
	p = strstr(buf, "\nSeccomp:");
	on = p != NULL && strtol(p + 9, NULL, 10) == 2;
	free(buf);
	return on;
}

enum step { ALLOWED, FORBIDDEN, SOCKET_UNIX, SOCKET_INET6, SOCKET_INET };

/* Runs one step in a sandboxed child; returns its wait status. */
static int in_child(enum step what, char *err, size_t errlen)
{
	int pfd[2], st = 0;
	pid_t pid;
	ssize_t n;

	if (pipe(pfd) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		const char *why = "";

		dup2(pfd[1], 2);
		log_open("sandbox-test", LOG_TO_STDERR, LOG_USER);
		if (sandbox_enter(rules, sizeof(rules) / sizeof(rules[0]), &why) < 0)
			_exit(90);
		switch (what) {
		case ALLOWED: (void)getppid(); break;
		case FORBIDDEN: (void)mkdir("/nonexistent-nb/x", 0700); break;
		case SOCKET_UNIX: close(socket(AF_UNIX, SOCK_DGRAM, 0)); break;
		case SOCKET_INET6: close(socket(AF_INET6, SOCK_DGRAM, 0)); break;
		case SOCKET_INET: close(socket(AF_INET, SOCK_DGRAM, 0)); break;
		}
		_exit(filtered() ? 0 : 91);
	}
	close(pfd[1]);
	n = read(pfd[0], err, errlen - 1);
	err[n > 0 ? n : 0] = '\0';
	close(pfd[0]);
	waitpid(pid, &st, 0);
	return st;
}

static int killed_by_sigsys(int st)
{
	return WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS;
}

int main(void)
{
	char err[512];
	int st;

	st = in_child(ALLOWED, err, sizeof(err));
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	       "an allowed call runs and /proc shows the filter (status %d)", st);
	st = in_child(FORBIDDEN, err, sizeof(err));
	tap_ok(killed_by_sigsys(st), "a call outside the list kills with SIGSYS");
	tap_ok(strstr(err, "system call mkdir (") != NULL,
	       "the log line names the call: %s", err);
	st = in_child(SOCKET_UNIX, err, sizeof(err));
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	       "socket(AF_UNIX) is in the base list (syslog)");
	st = in_child(SOCKET_INET6, err, sizeof(err));
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	       "socket(AF_INET6) allowed by its first argument");
	st = in_child(SOCKET_INET, err, sizeof(err));
	tap_ok(killed_by_sigsys(st) && strstr(err, "socket") != NULL,
	       "socket(AF_INET) refused: another first argument");
	tap_ok(!filtered(), "the parent is not sandboxed");
	return tap_done();
}
