/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "log.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *log_name = "netboot";
static enum log_dest log_where = LOG_TO_STDERR;
static int log_level = LOG_INFO;

void log_open(const char *ident, enum log_dest dest, int facility)
{
	log_name = ident ? ident : "netboot";
	log_where = dest;
	if (dest == LOG_TO_SYSLOG)
		openlog(log_name, LOG_PID | LOG_NDELAY, facility);
}

void log_close(void)
{
	if (log_where == LOG_TO_SYSLOG)
		closelog();
	log_where = LOG_TO_STDERR;
}

void log_set_level(int level)
{
	if (level < LOG_EMERG)
		level = LOG_EMERG;
	if (level > LOG_DEBUG)
		level = LOG_DEBUG;
	log_level = level;
}

int log_get_level(void)
{
	return log_level;
}

const char *log_ident(void)
{
	return log_name;
}

void log_vmsg(int prio, const char *fmt, va_list ap)
{
	char line[1024];
	int saved = errno;

	if (LOG_PRI(prio) > log_level)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	if (log_where == LOG_TO_SYSLOG)
		syslog(prio, "%s", line);
	else
		fprintf(stderr, "%s: %s\n", log_name, line);
	errno = saved;
}

void log_msg(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(prio, fmt, ap);
	va_end(ap);
}

void die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_ERR, fmt, ap);
	va_end(ap);
	exit(status);
}

/* Bytes needed for the escaped form of c. */
static size_t escape_width(uint8_t c)
{
	if (c == '\\')
		return 2;
	return (c >= 0x20 && c < 0x7f) ? 1 : 4;
}

static void escape_one(char *out, uint8_t c)
{
	static const char hex[] = "0123456789abcdef";

	if (c == '\\') {
		out[0] = out[1] = '\\';
	} else if (c >= 0x20 && c < 0x7f) {
		out[0] = (char)c;
	} else {
		out[0] = '\\';
		out[1] = 'x';
		out[2] = hex[c >> 4];
		out[3] = hex[c & 15];
	}
}

char *log_escape(char *dst, size_t dstlen, const void *src, size_t srclen)
{
	const uint8_t *s = src;
	size_t o = 0, need = 0, room;

	if (dstlen == 0)
		return dst;
	for (size_t i = 0; i < srclen; i++)
		need += escape_width(s[i]);
	/* When it all fits, write it all; otherwise leave room for "...". */
	room = need < dstlen ? dstlen - 1 : (dstlen >= 4 ? dstlen - 4 : 0);
	for (size_t i = 0; i < srclen; i++) {
		size_t w = escape_width(s[i]);

		if (o + w > room)
			break;
		escape_one(dst + o, s[i]);
		o += w;
	}
	if (need >= dstlen && dstlen >= 4) {
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[o] = '\0';
	return dst;
}

void problem_report(void *arg, unsigned line, const char *msg)
{
	struct problem_sink *ps = arg;
	char where[16] = "";

	if (line)
		snprintf(where, sizeof(where), ":%u", line);
	if (ps->to_stderr)
		fprintf(stderr, "%s%s: %s\n", ps->path, where, msg);
	else
		log_err("%s%s: %s", ps->path, where, msg);
	ps->count++;
}
