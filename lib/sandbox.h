/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A seccomp system-call allowlist for the daemons, installed once setup is
 * done (sockets open, privileges dropped): the Linux counterpart of
 * OpenBSD's pledge(2).  Built on libseccomp.
 *
 * A call outside the list does not run: the process logs one line naming
 * the system call ("sandbox: system call mkdir (83) is not allowed") to
 * wherever the logger points (stderr or syslog) and dies of SIGSYS, as
 * SECCOMP_RET_KILL_PROCESS would, so a missing entry is found at once and
 * by name.
 */
#ifndef NB_SANDBOX_H
#define NB_SANDBOX_H

#include <stdbool.h>

/*
 * One entry of an allowlist.  An entry with arg0 set allows the call only
 * when its first argument equals arg0_value (socket(2)'s domain, say).
 */
struct sandbox_rule {
	const char *name;       /* system call name, as in <sys/syscall.h> */
	bool arg0;              /* compare the first argument */
	unsigned long arg0_value;
};

/* Plain entry and entry limited by its first argument. */
#define SANDBOX_ALLOW(n) { .name = (n) }
#define SANDBOX_ALLOW_ARG0(n, v) { .name = (n), .arg0 = true, .arg0_value = (v) }

/*
 * Opens the socket on /dev/log that a refusal is logged through.
 * sandbox_enter does it too; a daemon that chroots calls this first,
 * while /dev/log can still be reached.
 */
void sandbox_prepare(void);

/*
 * Installs rules (n entries) on top of what every daemon needs (exit,
 * signal return and masks, time, memory, writing a log line to stderr or
 * syslog's AF_UNIX socket).  Names this architecture does not have are
 * skipped.  Sets PR_SET_NO_NEW_PRIVS.  Returns 0 or -errno with *why (when
 * not NULL) naming the step or the system call that failed.
 */
int sandbox_enter(const struct sandbox_rule *rules, unsigned n,
		  const char **why);

#endif
