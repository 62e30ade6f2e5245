/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "metrics.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic.h"

static void add(struct metrics *m, const char *s, size_t n)
{
	if (m->failed)
		return;
	if (m->len + n + 1 > m->cap) {
		size_t cap = m->cap ? m->cap : 1024;
		char *nb;

		while (cap < m->len + n + 1)
			cap *= 2;
		nb = realloc(m->buf, cap);
		if (nb == NULL) {
			m->failed = true;
			return;
		}
		m->buf = nb;
		m->cap = cap;
	}
	memcpy(m->buf + m->len, s, n);
	m->len += n;
	m->buf[m->len] = '\0';
}

static void add_str(struct metrics *m, const char *s)
{
	add(m, s, strlen(s));
}

/* HELP text escapes backslash and newline; label values also '"'. */
static void add_escaped(struct metrics *m, const char *s, bool quote)
{
	for (; *s; s++) {
		if (*s == '\\')
			add_str(m, "\\\\");
		else if (*s == '\n')
			add_str(m, "\\n");
		else if (*s == '"' && quote)
			add_str(m, "\\\"");
		else
			add(m, s, 1);
	}
}

void metrics_family(struct metrics *m, const char *name, const char *type,
		    const char *help)
{
	add_str(m, "# HELP ");
	add_str(m, name);
	add_str(m, " ");
	add_escaped(m, help, false);
	add_str(m, "\n# TYPE ");
	add_str(m, name);
	add_str(m, " ");
	add_str(m, type);
	add_str(m, "\n");
}

void metrics_sample(struct metrics *m, const char *name, uint64_t value, ...)
{
	char num[24];
	const char *label;
	bool first = true;
	va_list ap;

	add_str(m, name);
	va_start(ap, value);
	while ((label = va_arg(ap, const char *)) != NULL) {
		const char *val = va_arg(ap, const char *);

		add_str(m, first ? "{" : ",");
		add_str(m, label);
		add_str(m, "=\"");
		add_escaped(m, val ? val : "", true);
		add_str(m, "\"");
		first = false;
	}
	va_end(ap);
	snprintf(num, sizeof(num), "%s %" PRIu64 "\n", first ? "" : "}", value);
	add_str(m, num);
}

int metrics_commit(struct metrics *m, const char *path)
{
	int rc = m->failed ? -ENOMEM
			   : atomic_write(path, m->buf ? m->buf : "", m->len,
					  0644);

	metrics_free(m);
	return rc;
}

void metrics_free(struct metrics *m)
{
	free(m->buf);
	*m = (struct metrics){ 0 };
}
