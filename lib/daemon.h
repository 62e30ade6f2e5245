/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Becoming a daemon: detach, log to syslog, record the pid. */
#ifndef NB_DAEMON_H
#define NB_DAEMON_H

/*
 * Forks into the background, starts a new session, changes to /, points
 * stdin/stdout/stderr at /dev/null and switches the logger to syslog.
 * The parent exits 0 right after the fork.  Returns 0 in the child or
 * -errno.
 */
int daemon_start(int facility);

/* Writes the current pid to path atomically.  Returns 0 or -errno. */
int pidfile_write(const char *path);

/*
 * Removes the pidfile a daemon wrote, on its way out.  After a privilege
 * drop the directory may not let the process do so: that is said at
 * debug level, any other failure as a warning.
 */
void pidfile_remove(const char *path);

/*
 * What every daemon does once its sockets are open: daemon_start() when
 * background is set, then pidfile_write() when pidfile is not NULL.
 * Logs what failed; returns 0 or -1.
 */
int daemon_setup(int background, const char *pidfile, int facility);

#endif
