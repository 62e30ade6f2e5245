/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A progress line on stderr (only on a terminal, not with -q). */
#ifndef MKIMZ_PROGRESS_H
#define MKIMZ_PROGRESS_H

#include <stdint.h>

struct progress {
	int on;
	uint64_t total, done;
	double start, last;
};

void progress_init(struct progress *p, uint64_t total, int quiet);
void progress_add(struct progress *p, uint64_t n);
void progress_end(struct progress *p);

#endif
