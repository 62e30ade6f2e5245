/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A daemon's counters in Prometheus' text exposition format (version
 * 0.0.4), written to a file that node_exporter's textfile collector
 * reads: the file is replaced atomically, so a scrape never sees half.
 *
 *	# HELP tftpd_transfers_total Transfers finished, by result.
 *	# TYPE tftpd_transfers_total counter
 *	tftpd_transfers_total{result="ok"} 12
 *
 * Samples of one family follow its HELP and TYPE lines; label values are
 * escaped (backslash, double quote, newline) as the format asks.
 */
#ifndef NB_METRICS_H
#define NB_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct metrics {
	char *buf;
	size_t len, cap;
	bool failed;            /* out of memory: commit refuses */
};

/* Starts a family: type is "counter" or "gauge". */
void metrics_family(struct metrics *m, const char *name, const char *type,
		    const char *help);

/* Ends the label list of metrics_sample: a null pointer of pointer type. */
#define METRICS_END ((const char *)0)

/*
 * One sample of the family just started: name (the family's, or with a
 * suffix), value, then label name and value pairs ended by METRICS_END.
 */
void metrics_sample(struct metrics *m, const char *name, uint64_t value, ...)
	__attribute__((sentinel));

/* Writes the text to path (temp + rename, mode 0644) and frees it.  0 or -errno. */
int metrics_commit(struct metrics *m, const char *path);

/* Frees the text without writing it. */
void metrics_free(struct metrics *m);

#endif
