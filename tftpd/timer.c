/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "timer.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

void timer_init_node(struct timer_node *t)
{
	t->when = 0;
	t->idx = TIMER_IDLE;
}

static void place(struct timer_heap *h, size_t i, struct timer_node *t)
{
	h->v[i] = t;
	t->idx = i;
}

static void sift_up(struct timer_heap *h, size_t i)
{
	struct timer_node *t = h->v[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (h->v[parent]->when <= t->when)
			break;
		place(h, i, h->v[parent]);
		i = parent;
	}
	place(h, i, t);
}

static void sift_down(struct timer_heap *h, size_t i)
{
	struct timer_node *t = h->v[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->v[c + 1]->when < h->v[c]->when)
			c++;
		if (t->when <= h->v[c]->when)
			break;
		place(h, i, h->v[c]);
		i = c;
	}
	place(h, i, t);
}

static int grow(struct timer_heap *h)
{
	size_t cap = h->cap ? h->cap * 2 : 64;
	struct timer_node **v = realloc(h->v, cap * sizeof(*v));

	if (v == NULL)
		return -ENOMEM;
	h->v = v;
	h->cap = cap;
	return 0;
}

int timer_set(struct timer_heap *h, struct timer_node *t, uint64_t when)
{
	t->due = when;
	if (t->idx == TIMER_IDLE) {
		if (h->n == h->cap && grow(h) < 0)
			return -ENOMEM;
		t->when = when;
		place(h, h->n++, t);
		sift_up(h, t->idx);
		return 0;
	}
	t->when = when;
	sift_up(h, t->idx);
	sift_down(h, t->idx);
	return 0;
}

int timer_defer(struct timer_heap *h, struct timer_node *t, uint64_t when)
{
	if (t->idx == TIMER_IDLE || when < t->when)
		return timer_set(h, t, when);
	t->due = when;
	return 0;
}

struct timer_node *timer_expired(struct timer_heap *h, uint64_t now)
{
	struct timer_node *t;

	while ((t = timer_first(h)) && t->when <= now) {
		if (t->due <= now) {
			timer_cancel(h, t);
			return t;
		}
		(void)timer_set(h, t, t->due); /* in the heap: cannot fail */
	}
	return NULL;
}

void timer_cancel(struct timer_heap *h, struct timer_node *t)
{
	size_t i = t->idx;

	if (i == TIMER_IDLE)
		return;
	t->idx = TIMER_IDLE;
	if (--h->n == i)
		return;
	place(h, i, h->v[h->n]);
	sift_up(h, i);
	sift_down(h, h->v[i]->idx);
}

struct timer_node *timer_first(const struct timer_heap *h)
{
	return h->n ? h->v[0] : NULL;
}

void timer_heap_free(struct timer_heap *h)
{
	free(h->v);
	h->v = NULL;
	h->n = h->cap = 0;
}
