/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Becoming a daemon: detach, log to syslog, record the pid. */
#ifndef NB_DAEMON_H
#define NB_DAEMON_H

/*
 * Forks into the background, starts a new session, changes to /, points
 * stdin/stdout/stderr at /dev/null and switches the logger to syslog.
 * The parent waits until the child calls daemon_ready() and exits 0, or
 * exits 1 when the child ends first, so that whoever started the daemon
 * (an init script, systemd's Type=forking) finds its sockets open and its
 * pid file written.  Returns 0 in the child or -errno.
 */
int daemon_start(int facility);

/* Lets the parent daemon_start() left waiting exit 0; once; else nothing. */
void daemon_ready(void);

/* Writes the current pid to path atomically.  Returns 0 or -errno. */
int pidfile_write(const char *path);

/*
 * The signals every daemon takes through a signalfd, with the same
 * meaning in each: HUP reloads, USR1 logs the counters, TERM and INT
 * stop.  daemon_block_signals blocks them, early in setup, so that one
 * coming before the loop runs waits for it instead of killing a daemon
 * half set up; it also ignores SIGPIPE.  daemon_signalfd gives back the
 * default disposition of those that were ignored when the daemon started
 * (a shell ignores SIGINT for background commands, and an ignored signal
 * never reaches a signalfd), then returns a non-blocking, close-on-exec
 * signalfd for them, or -errno.
 */
void daemon_block_signals(void);
int daemon_signalfd(void);

/*
 * Removes the pidfile a daemon wrote, on its way out.  After a privilege
 * drop the directory may not let the process do so: that is said at
 * debug level, any other failure as a warning.
 */
void pidfile_remove(const char *path);

/*
 * What every daemon does once its sockets are open: daemon_start() when
 * background is set, then pidfile_write() when pidfile is not NULL, then
 * daemon_ready().
 * Logs what failed; returns 0 or -1.
 */
int daemon_setup(int background, const char *pidfile, int facility);

#endif
