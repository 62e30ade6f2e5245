/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What aoetarget counts for each target, and those counts as Prometheus
 * metrics (--metrics), one sample per target labelled
 * target="e<shelf>.<slot>" and iface="<netif>":
 *
 *	aoetarget_frames_total        request frames addressed to the target
 *	aoetarget_replies_total       replies sent
 *	aoetarget_reads_total         ATA READ commands taken to the file
 *	aoetarget_writes_total        ATA WRITE commands taken to the file
 *	aoetarget_flushes_total       FLUSH CACHE (EXT) commands
 *	aoetarget_read_bytes_total    bytes read from the file for replies
 *	aoetarget_written_bytes_total bytes written to the file
 *	aoetarget_errors_total        error replies, by code (enum aoe_fault)
 */
#ifndef AOETARGET_COUNTERS_H
#define AOETARGET_COUNTERS_H

#include <stddef.h>
#include <stdint.h>

#include "metrics.h"
#include "proto.h"

struct aoe_counters {
	uint64_t in, out;
	uint64_t reads, writes, flushes;
	uint64_t rbytes, wbytes;
	uint64_t faults[AOE_FAULT_COUNT];       /* [AOE_FAULT_NONE] unused */
};

/* A request whose decision asks for this I/O. */
void aoe_count_io(struct aoe_counters *c, enum aoe_io io);

/* An error reply (len bytes), counted by what it reports. */
void aoe_count_fault(struct aoe_counters *c, const uint8_t *reply, size_t len);

/* Every error reply counted. */
uint64_t aoe_count_errors(const struct aoe_counters *c);

/* One target's counters with the labels they are exported under. */
struct aoe_counted {
	const char *target;     /* "e1.0" */
	const char *iface;
	const struct aoe_counters *c;
};

/* Every aoetarget_ family above into m, with a sample for each target. */
void aoe_count_metrics(struct metrics *m, const struct aoe_counted *t,
		       unsigned n);

#endif
