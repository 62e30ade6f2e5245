/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The deadline heap: order, re-arming, cancelling from anywhere, deadlines
 * deferred without heap work and what comes up when. */
#include <stdlib.h>

#include "../../tftpd/timer.h"
#include "tap.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* Every node knows its slot and no child is earlier than its parent. */
static int heap_valid(const struct timer_heap *h)
{
	if (h->n > h->cap)
		return 0;
	for (size_t i = 0; i < h->n; i++) {
		if (h->v[i] == NULL || h->v[i]->idx != i)
			return 0;
		if (i > 0 && h->v[(i - 1) / 2]->when > h->v[i]->when)
			return 0;
	}
	return 1;
}

/* Pops every node in order; returns how many came out sorted. */
static size_t drain(struct timer_heap *h, int *sorted, int *idle)
{
	uint64_t last = 0;
	size_t count = 0;
	struct timer_node *t;

	*sorted = *idle = 1;
	while ((t = timer_first(h)) != NULL) {
		if (t->when < last)
			*sorted = 0;
		last = t->when;
		timer_cancel(h, t);
		if (t->idx != TIMER_IDLE)
			*idle = 0;
		if (!heap_valid(h))
			*sorted = 0;
		count++;
	}
	return count;
}

static void test_order(void)
{
	enum { N = 1000 };
	struct timer_node *nodes = calloc(N, sizeof(*nodes));
	struct timer_heap h = { NULL, 0, 0 };
	int sorted, idle, good = 1;

	if (nodes == NULL) {
		ok(0, "calloc for the nodes");
		return;
	}
	ok(timer_first(&h) == NULL, "an empty heap has no first");
	srand(2347);
	for (size_t i = 0; i < N; i++) {
		timer_init_node(&nodes[i]);
		/* Few distinct values, so equal deadlines are common too. */
		if (timer_set(&h, &nodes[i], (uint64_t)(rand() % 5000)) != 0)
			good = 0;
	}
	ok(good, "1000 inserts succeed");
	is_int(h.n, N, "heap holds 1000");
	ok(heap_valid(&h), "heap valid after inserts");
	is_int(drain(&h, &sorted, &idle), N, "1000 popped");
	ok(sorted, "popped in deadline order, heap valid throughout");
	ok(idle, "popped nodes are idle");
	ok(timer_first(&h) == NULL, "drained heap is empty");

	/* Large deadlines, near the top of the range. */
	for (size_t i = 0; i < N; i++)
		timer_set(&h, &nodes[i],
			  UINT64_MAX - (uint64_t)rand() * (uint64_t)rand());
	is_int(drain(&h, &sorted, &idle), N, "1000 large deadlines popped");
	ok(sorted, "large deadlines in order");
	timer_heap_free(&h);
	ok(h.v == NULL && h.n == 0 && h.cap == 0, "heap freed");
	free(nodes);
}

static void test_rearm(void)
{
	struct timer_node a, b, c;
	struct timer_heap h = { NULL, 0, 0 };

	timer_init_node(&a);
	timer_init_node(&b);
	timer_init_node(&c);
	is_int(a.idx, TIMER_IDLE, "a new node is idle");
	timer_set(&h, &a, 100);
	timer_set(&h, &b, 200);
	timer_set(&h, &c, 300);
	ok(timer_first(&h) == &a, "a first");
	timer_set(&h, &c, 50);
	ok(timer_first(&h) == &c && heap_valid(&h), "c re-armed earlier: first");
	is_int(h.n, 3, "re-arming does not add a node");
	timer_set(&h, &c, 400);
	ok(timer_first(&h) == &a && heap_valid(&h),
	   "c re-armed later: a first again");
	timer_set(&h, &a, 250);
	ok(timer_first(&h) == &b && heap_valid(&h), "a moved behind b");
	timer_set(&h, &b, 250);
	ok(heap_valid(&h) && timer_first(&h)->when == 250,
	   "equal deadlines keep the heap valid");
	is_int(h.n, 3, "still three nodes");
	timer_heap_free(&h);
}

static void test_rearm_many(void)
{
	enum { N = 300 };
	struct timer_node nodes[N];
	struct timer_heap h = { NULL, 0, 0 };
	int sorted, idle, good = 1;

	srand(7440);
	for (size_t i = 0; i < N; i++) {
		timer_init_node(&nodes[i]);
		timer_set(&h, &nodes[i], (uint64_t)rand());
	}
	for (int k = 0; k < 5000; k++) {
		timer_set(&h, &nodes[rand() % N], (uint64_t)rand());
		if (!heap_valid(&h))
			good = 0;
	}
	ok(good, "5000 random re-arms keep the heap valid");
	is_int(h.n, N, "and its size");
	is_int(drain(&h, &sorted, &idle), N, "re-armed nodes all popped");
	ok(sorted, "re-armed nodes in order");
	timer_heap_free(&h);
}

static void test_cancel(void)
{
	enum { N = 101 };
	struct timer_node nodes[N], idle_node, *victim;
	struct timer_heap h = { NULL, 0, 0 };
	int sorted, idle, good = 1;

	for (size_t i = 0; i < N; i++) {
		timer_init_node(&nodes[i]);
		/* Descending, so inserts sift all the way up. */
		timer_set(&h, &nodes[i], (uint64_t)(1000 - i));
	}
	victim = h.v[h.n / 2];
	timer_cancel(&h, victim);
	ok(victim->idx == TIMER_IDLE, "cancelled middle node is idle");
	is_int(h.n, N - 1, "heap shrank by one");
	ok(heap_valid(&h), "heap valid after cancelling the middle node");

	timer_cancel(&h, victim);
	is_int(h.n, N - 1, "cancelling it again changes nothing");

	timer_init_node(&idle_node);
	timer_cancel(&h, &idle_node);
	ok(h.n == N - 1 && heap_valid(&h), "cancel of an idle node is harmless");

	timer_cancel(&h, h.v[h.n - 1]);
	ok(heap_valid(&h), "cancel of the last slot");
	timer_cancel(&h, h.v[0]);
	ok(heap_valid(&h), "cancel of the root");

	/* A random mix: cancel one in three from anywhere in the heap. */
	srand(1782);
	for (size_t i = 0; i < N; i++)
		timer_set(&h, &nodes[i], (uint64_t)(rand() % 200));
	is_int(h.n, N, "all re-armed");
	for (size_t i = 0; i < N; i += 3) {
		timer_cancel(&h, &nodes[i]);
		if (!heap_valid(&h) || nodes[i].idx != TIMER_IDLE)
			good = 0;
	}
	ok(good, "cancelling one in three keeps the heap valid");
	is_int(h.n, N - (N + 2) / 3, "and the right number left");
	is_int(drain(&h, &sorted, &idle), N - (N + 2) / 3, "the rest popped");
	ok(sorted && idle, "in order, and idle");

	timer_set(&h, victim, 5);
	ok(timer_first(&h) == victim && h.n == 1,
	   "a cancelled node can be armed again");
	timer_heap_free(&h);
	timer_heap_free(&h);
	ok(h.v == NULL, "freeing twice is harmless");
}

static void test_defer(void)
{
	struct timer_heap h = { 0 };
	struct timer_node a, b, c;

	timer_init_node(&a);
	timer_init_node(&b);
	timer_init_node(&c);
	is_int(timer_defer(&h, &a, 100), 0, "defer arms an idle node");
	ok(a.idx == 0 && a.when == 100 && a.due == 100, "... at its deadline");
	timer_set(&h, &b, 150);
	timer_set(&h, &c, 300);
	timer_defer(&h, &a, 200);
	ok(a.when == 100 && a.due == 200 && timer_first(&h) == &a,
	   "a later deadline is only noted: the heap is left as it was");
	ok(timer_expired(&h, 99) == NULL, "nothing before the first heap time");
	ok(timer_expired(&h, 120) == NULL && a.when == 200 && heap_valid(&h),
	   "a deferred node coming up goes back in its place");
	ok(timer_first(&h) == &b, "... behind the one now earlier");
	timer_defer(&h, &a, 50);
	ok(a.when == 50 && timer_first(&h) == &a,
	   "an earlier deadline moves the node at once");
	ok(timer_expired(&h, 160) == &a && a.idx == TIMER_IDLE,
	   "an expired node is taken off the heap");
	ok(timer_expired(&h, 160) == &b, "then the next one due");
	ok(timer_expired(&h, 160) == NULL && h.n == 1, "and no more before 300");
	timer_defer(&h, &c, 1000);
	ok(timer_expired(&h, 999) == NULL && c.when == 1000 && h.n == 1,
	   "deferred past now: kept, not returned");
	ok(timer_expired(&h, 1000) == &c && h.n == 0,
	   "returned at its deadline");
	timer_heap_free(&h);
}

static void test_now(void)
{
	uint64_t a = now_us(), b = now_us();

	ok(a > 0 && b >= a, "now_us is monotonic");
}

int main(void)
{
	test_order();
	test_rearm();
	test_rearm_many();
	test_cancel();
	test_defer();
	test_now();
	return tap_done();
}
