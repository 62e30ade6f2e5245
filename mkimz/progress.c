/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bytes done/total, MB/s and ETA, rewritten in place with \r. */
#include "progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_init(struct progress *p, uint64_t total, int quiet)
{
	p->on = !quiet && isatty(STDERR_FILENO);
	p->total = total;
	p->done = 0;
	p->start = p->last = now();
}

void progress_add(struct progress *p, uint64_t n)
{
	double t, rate;

	p->done += n;
	if (!p->on)
		return;
	t = now();
	if (t - p->last < 0.25)
		return;
	p->last = t;
	rate = (double)p->done / (t - p->start);
	fprintf(stderr, "\r%llu/%llu MB  %.1f MB/s  ETA %.0f s   ",
		(unsigned long long)(p->done >> 20),
		(unsigned long long)(p->total >> 20), rate / 1e6,
		rate > 0 && p->total > p->done ?
			(double)(p->total - p->done) / rate : 0.0);
}

void progress_end(struct progress *p)
{
	if (p->on)
		fprintf(stderr, "\r%60s\r", "");
}
