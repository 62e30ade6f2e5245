/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One logger for every tool: stderr in the foreground, syslog once the
 * process is a daemon.  One line per event; callers put the peer first.
 */
#ifndef NB_LOG_H
#define NB_LOG_H

#include <stdarg.h>
#include <stddef.h>
#include <syslog.h>

#define NB_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define NB_NORETURN __attribute__((noreturn))

/* Where log lines go. */
enum log_dest {
	LOG_TO_STDERR = 0,
	LOG_TO_SYSLOG = 1,
};

/* ident is kept by pointer: pass a string that lives as long as the process. */
void log_open(const char *ident, enum log_dest dest, int facility);
void log_close(void);
/* Messages above this syslog priority are dropped (default LOG_INFO). */
void log_set_level(int level);
int log_get_level(void);
const char *log_ident(void);

void log_msg(int prio, const char *fmt, ...) NB_PRINTF(2, 3);
void log_vmsg(int prio, const char *fmt, va_list ap) NB_PRINTF(2, 0);

#define log_err(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

/*
 * Where a configuration loader's problems go, one line each as compilers
 * say it, "FILE:LINE: message" (no ":LINE" for line 0, the file as a
 * whole): to stderr for a --check-config run (to_stderr), else to the log
 * at LOG_ERR.  problem_report has the shape of the loaders' callbacks;
 * arg is a struct problem_sink, whose count it increments.
 */
struct problem_sink {
	const char *path;
	int to_stderr;
	unsigned count;
};
void problem_report(void *arg, unsigned line, const char *msg);

/* Log at LOG_ERR and exit with status (1 runtime failure, 2 usage). */
void die(int status, const char *fmt, ...) NB_PRINTF(2, 3) NB_NORETURN;

/*
 * Make bytes a peer or a file supplied safe to print: printable ASCII is
 * kept, backslash doubled, anything else written as \xHH.  dst is always
 * NUL-terminated when dstlen > 0; output that does not fit ends in "...".
 * Returns dst so it can sit inside a log call.
 */
char *log_escape(char *dst, size_t dstlen, const void *src, size_t srclen);

/* Buffer size that holds the escape of any srclen bytes, plus the NUL. */
#define LOG_ESCAPE_SIZE(srclen) ((srclen) * 4 + 1)

#endif
