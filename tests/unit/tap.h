/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A tiny TAP emitter for unit tests run by prove(1).  Each check prints
 * "ok N - name" or "not ok N - name" with a diagnostic; tap_done() prints
 * the plan and returns the exit status.
 */
#ifndef NB_TAP_H
#define NB_TAP_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int tap_count, tap_failed;

__attribute__((format(printf, 2, 3))) static int tap_ok(int cond,
							 const char *fmt, ...)
{
	va_list ap;

	tap_count++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	return cond;
}

#define ok(cond, ...) tap_ok(!!(cond), __VA_ARGS__)

#define is_int(got, want, name)                                              \
	do {                                                                 \
		long long g_ = (long long)(got), w_ = (long long)(want);     \
		if (!tap_ok(g_ == w_, "%s", name))                           \
			printf("#   got %lld, want %lld\n", g_, w_);         \
	} while (0)

#define is_str(got, want, name)                                              \
	do {                                                                 \
		const char *g_ = (got), *w_ = (want);                        \
		int same_ = g_ && w_ ? strcmp(g_, w_) == 0 : g_ == w_;       \
		if (!tap_ok(same_, "%s", name))                              \
			printf("#   got '%s', want '%s'\n", g_ ? g_ : "(null)", \
			       w_ ? w_ : "(null)");                          \
	} while (0)

#define is_mem(got, want, n, name)                                           \
	tap_ok(memcmp((got), (want), (n)) == 0, "%s", name)

__attribute__((format(printf, 1, 2))) static inline void diag(const char *fmt,
							       ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static inline int tap_done(void)
{
	printf("1..%d\n", tap_count);
	fflush(stdout);
	return tap_failed ? 1 : 0;
}

#endif
