/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Deadlines of many transfers: a binary min-heap of embedded nodes. */
#ifndef TFTPD_TIMER_H
#define TFTPD_TIMER_H

#include <stddef.h>
#include <stdint.h>

struct timer_node {
	uint64_t when; /* where the heap holds it: monotonic microseconds */
	uint64_t due;  /* the deadline: later than when after timer_defer */
	size_t idx;    /* position in the heap, or TIMER_IDLE */
};

#define TIMER_IDLE ((size_t)-1)

struct timer_heap {
	struct timer_node **v;
	size_t n, cap;
};

void timer_init_node(struct timer_node *t);
/* Arms or re-arms t for when.  Returns 0 or -ENOMEM. */
int timer_set(struct timer_heap *h, struct timer_node *t, uint64_t when);
/*
 * Moves t's deadline to when, as timer_set; a deadline that only moves
 * later is noted and the heap left alone, the entry moved when it comes
 * up (timer_expired): a transfer that pushes its deadline on at every
 * block does no heap work for it.  Returns 0 or -ENOMEM.
 */
int timer_defer(struct timer_heap *h, struct timer_node *t, uint64_t when);
/*
 * A node whose deadline is at or before now, taken off the heap; NULL
 * when there is none.  Entries come up at their heap time, so a node
 * due later than that is put back in its place on the way.
 */
struct timer_node *timer_expired(struct timer_heap *h, uint64_t now);
void timer_cancel(struct timer_heap *h, struct timer_node *t);
/* The earliest node, or NULL. */
struct timer_node *timer_first(const struct timer_heap *h);
void timer_heap_free(struct timer_heap *h);

/* CLOCK_MONOTONIC in microseconds. */
uint64_t now_us(void);

#endif
