/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tftp-load: many concurrent TFTP reads from one process, for bench/tftpd
 * (which states the targets; this client only measures).
 *
 *   tftp-load [-v] [-c CLIENTS] [-b BLKSIZE] [-w WINDOW] [-n REPEAT]
 *             [-s SIZE] HOST PORT FILE
 *
 * Each of CLIENTS clients reads FILE REPEAT times, one transfer after the
 * other, each transfer on a fresh UDP socket (a new TID).  All sockets sit
 * in one epoll set.  Every request asks for tsize; blksize and windowsize
 * are asked only when -b and -w are given.  The client acknowledges every
 * WINDOW in-order blocks (every block without an OACK windowsize), acks
 * the last in-order block once when a window arrives with a gap, never
 * answers a duplicate DATA, and sends its last packet again after one
 * second of silence, five times at most.  Data is counted, not kept.
 *
 * A transfer is good when it ends with a short block and its size is the
 * expected one: SIZE when -s is given, else the tsize of the OACK, else
 * the size of the first transfer that completed.
 *
 * -v also prints, on stderr, what the first transfer negotiated and the
 * client's own CPU time.
 *
 * Prints one line on stdout:
 *   clients=N bytes=B seconds=S MBps=X failed=F
 * where MBps is 10^6 bytes per second of wall time from the first request
 * to the end of the last transfer.  Exit status: 0 when no transfer
 * failed, 1 otherwise, 2 for a usage error.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>

enum {
	OP_RRQ = 1,
	OP_DATA = 3,
	OP_ACK = 4,
	OP_ERROR = 5,
	OP_OACK = 6,
};

#define BLKSIZE_DEFAULT 512
#define BLKSIZE_MIN 8
#define BLKSIZE_MAX 65464
#define PKT_MAX (4 + BLKSIZE_MAX)
#define RRQ_MAX 1024
#define RETRY_US 1000000
#define MAX_RETRIES 5
#define MAX_CLIENTS 100000
#define ERRORS_SHOWN 5
#define RCVBUF_MAX (16 * 1024 * 1024)

struct config {
	unsigned clients;
	unsigned blksize;       /* 0: not asked */
	unsigned window;        /* 0: not asked */
	unsigned repeat;
	bool have_size;         /* -s */
	uint64_t size;
	int verbose;
	struct sockaddr_storage server;
	socklen_t server_len;
	uint8_t rrq[RRQ_MAX];
	size_t rrq_len;
};

struct client {
	unsigned id;
	int fd;
	unsigned runs;          /* transfers started */
	bool connected;         /* bound to the server's TID */
	bool replied;           /* an OACK or the first DATA came */
	uint16_t next;          /* next block expected */
	unsigned blksize;
	unsigned window;
	unsigned since_ack;     /* in-order blocks since the last ACK */
	bool gap_acked;         /* the current gap has been acked once */
	bool has_tsize;
	uint64_t tsize;
	uint64_t bytes;         /* of this transfer */
	unsigned retries;
	uint64_t deadline;      /* monotonic microseconds */
	struct client *older, *newer; /* deadline list: all timeouts are equal */
};

struct load {
	const struct config *cfg;
	int ep;
	struct client *clients;
	struct client *head, *tail; /* earliest deadline first */
	unsigned active;
	unsigned failed;
	unsigned errors_shown;
	bool have_ref;          /* the first completed size, when no -s/tsize */
	uint64_t ref;
	uint64_t bytes;
	uint64_t start, end;
	uint8_t buf[PKT_MAX + 1];
};

static void usage(void)
{
	fputs("usage: tftp-load [-v] [-c CLIENTS] [-b BLKSIZE] [-w WINDOW] "
	      "[-n REPEAT] [-s SIZE] HOST PORT FILE\n", stderr);
	exit(2);
}

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Decimal only, the whole string, within [min, max]. */
static int parse_num(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (*s == '\0')
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static unsigned opt_num(const char *opt, const char *s, unsigned min,
			unsigned max)
{
	uint64_t v;

	if (parse_num(s, min, max, &v) < 0) {
		fprintf(stderr, "tftp-load: %s '%s': expected %u to %u\n", opt,
			s, min, max);
		usage();
	}
	return (unsigned)v;
}

static void report(struct load *ld, const struct client *c, const char *fmt,
		   ...) __attribute__((format(printf, 3, 4)));

/* Explains the first few failures; the count says the rest. */
static void report(struct load *ld, const struct client *c, const char *fmt,
		   ...)
{
	va_list ap;

	if (ld->errors_shown++ >= ERRORS_SHOWN)
		return;
	fprintf(stderr, "tftp-load: client %u transfer %u: ", c->id, c->runs);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static size_t put_str(uint8_t *p, size_t at, size_t cap, const char *s)
{
	size_t n = strlen(s) + 1;

	if (at + n > cap)
		return cap + 1;
	memcpy(p + at, s, n);
	return at + n;
}

static int build_rrq(struct config *cfg, const char *file)
{
	char num[24];
	size_t at = 2;

	cfg->rrq[0] = 0;
	cfg->rrq[1] = OP_RRQ;
	at = put_str(cfg->rrq, at, sizeof(cfg->rrq), file);
	at = put_str(cfg->rrq, at, sizeof(cfg->rrq), "octet");
	at = put_str(cfg->rrq, at, sizeof(cfg->rrq), "tsize");
	at = put_str(cfg->rrq, at, sizeof(cfg->rrq), "0");
	if (cfg->blksize) {
		snprintf(num, sizeof(num), "%u", cfg->blksize);
		at = put_str(cfg->rrq, at, sizeof(cfg->rrq), "blksize");
		at = put_str(cfg->rrq, at, sizeof(cfg->rrq), num);
	}
	if (cfg->window) {
		snprintf(num, sizeof(num), "%u", cfg->window);
		at = put_str(cfg->rrq, at, sizeof(cfg->rrq), "windowsize");
		at = put_str(cfg->rrq, at, sizeof(cfg->rrq), num);
	}
	if (at > sizeof(cfg->rrq))
		return -1;
	cfg->rrq_len = at;
	return 0;
}

static void list_remove(struct load *ld, struct client *c)
{
	if (c->older)
		c->older->newer = c->newer;
	else if (ld->head == c)
		ld->head = c->newer;
	if (c->newer)
		c->newer->older = c->older;
	else if (ld->tail == c)
		ld->tail = c->older;
	c->older = c->newer = NULL;
}

/* Every deadline is now + RETRY_US, so appending keeps the list sorted. */
static void arm(struct load *ld, struct client *c, uint64_t now)
{
	list_remove(ld, c);
	c->deadline = now + RETRY_US;
	c->older = ld->tail;
	if (ld->tail)
		ld->tail->newer = c;
	else
		ld->head = c;
	ld->tail = c;
}

static void send_ack(struct client *c, uint16_t block)
{
	uint8_t ack[4] = { 0, OP_ACK, (uint8_t)(block >> 8), (uint8_t)block };

	/* A lost ACK is recovered by the timeout like a lost DATA. */
	(void)send(c->fd, ack, sizeof(ack), 0);
}

static void send_rrq(const struct load *ld, const struct client *c)
{
	(void)sendto(c->fd, ld->cfg->rrq, ld->cfg->rrq_len, 0,
		     (const struct sockaddr *)&ld->cfg->server,
		     ld->cfg->server_len);
}

static void set_rcvbuf(int fd, unsigned blksize, unsigned window)
{
	uint64_t want = (uint64_t)(blksize + 4) * window * 2 + 65536;
	int v = want > RCVBUF_MAX ? RCVBUF_MAX : (int)want;

	/* A whole window must fit; FORCE works for root beyond rmem_max. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
}

static int start_transfer(struct load *ld, struct client *c, uint64_t now)
{
	const struct config *cfg = ld->cfg;
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };

	c->fd = socket(cfg->server.ss_family,
		       SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		fprintf(stderr, "tftp-load: socket: %s\n", strerror(errno));
		return -1;
	}
	set_rcvbuf(c->fd, cfg->blksize ? cfg->blksize : BLKSIZE_DEFAULT,
		   cfg->window ? cfg->window : 1);
	if (epoll_ctl(ld->ep, EPOLL_CTL_ADD, c->fd, &ev) < 0) {
		fprintf(stderr, "tftp-load: epoll_ctl: %s\n", strerror(errno));
		close(c->fd);
		c->fd = -1;
		return -1;
	}
	c->runs++;
	c->connected = false;
	c->replied = false;
	c->next = 1;
	c->blksize = BLKSIZE_DEFAULT;
	c->window = 1;
	c->since_ack = 0;
	c->gap_acked = false;
	c->has_tsize = false;
	c->tsize = 0;
	c->bytes = 0;
	c->retries = 0;
	send_rrq(ld, c);
	arm(ld, c, now);
	return 0;
}

/* Ends the current transfer of c and starts its next one, if any. */
static void finish(struct load *ld, struct client *c, bool ok, uint64_t now)
{
	if (!ok)
		ld->failed++;
	epoll_ctl(ld->ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
	list_remove(ld, c);
	ld->end = now;
	if (c->runs < ld->cfg->repeat && start_transfer(ld, c, now) == 0)
		return;
	if (c->runs < ld->cfg->repeat)
		ld->failed += ld->cfg->repeat - c->runs;
	ld->active--;
}

static void complete(struct load *ld, struct client *c, uint64_t now)
{
	const struct config *cfg = ld->cfg;
	uint64_t want;

	if (cfg->have_size) {
		want = cfg->size;
	} else if (c->has_tsize) {
		want = c->tsize;
	} else if (ld->have_ref) {
		want = ld->ref;
	} else {
		ld->have_ref = true;
		ld->ref = c->bytes;
		want = c->bytes;
	}
	if (c->bytes != want) {
		report(ld, c, "got %" PRIu64 " bytes, expected %" PRIu64,
		       c->bytes, want);
		finish(ld, c, false, now);
		return;
	}
	finish(ld, c, true, now);
}

/* Reads the options of an OACK; returns -1 when one is out of range. */
static int take_oack(struct client *c, const uint8_t *p, size_t len,
		     unsigned asked_blksize, unsigned asked_window)
{
	size_t at = 2;

	while (at < len) {
		const char *name = (const char *)p + at;
		size_t nlen = strnlen(name, len - at);
		const char *val;
		size_t vlen;
		uint64_t v;

		if (at + nlen >= len)
			return -1;
		at += nlen + 1;
		val = (const char *)p + at;
		vlen = strnlen(val, len - at);
		if (at + vlen >= len)
			return -1;
		at += vlen + 1;
		if (strcasecmp(name, "blksize") == 0) {
			if (parse_num(val, BLKSIZE_MIN,
				      asked_blksize ? asked_blksize
						    : BLKSIZE_DEFAULT, &v) < 0)
				return -1;
			c->blksize = (unsigned)v;
		} else if (strcasecmp(name, "windowsize") == 0) {
			if (parse_num(val, 1, asked_window ? asked_window : 1,
				      &v) < 0)
				return -1;
			c->window = (unsigned)v;
		} else if (strcasecmp(name, "tsize") == 0) {
			if (parse_num(val, 0, UINT64_MAX, &v) < 0)
				return -1;
			c->tsize = v;
			c->has_tsize = true;
		}
	}
	return 0;
}

static void show_params(const struct load *ld, const struct client *c)
{
	if (ld->cfg->verbose == 0 || c->id != 0 || c->runs != 1)
		return;
	fprintf(stderr, "tftp-load: negotiated blksize=%u windowsize=%u",
		c->blksize, c->window);
	if (c->has_tsize)
		fprintf(stderr, " tsize=%" PRIu64 "\n", c->tsize);
	else
		fputs(" tsize=-\n", stderr);
}

static void on_data(struct load *ld, struct client *c, const uint8_t *p,
		    size_t len, uint64_t now)
{
	uint16_t block = (uint16_t)(p[2] << 8 | p[3]);
	size_t n = len - 4;

	if (!c->replied) {
		/* No OACK: the server ignored every option. */
		c->replied = true;
		show_params(ld, c);
	}
	if (block != c->next) {
		uint16_t ahead = (uint16_t)(block - c->next);

		/*
		 * Behind: a duplicate, never answered.  Ahead within the
		 * window: a gap, acked once so the server resends from it.
		 */
		if (ahead < c->window && !c->gap_acked) {
			send_ack(c, (uint16_t)(c->next - 1));
			c->since_ack = 0;
			c->gap_acked = true;
		}
		return;
	}
	if (n > c->blksize) {
		report(ld, c, "block %u holds %zu bytes, blksize is %u",
		       block, n, c->blksize);
		finish(ld, c, false, now);
		return;
	}
	c->bytes += n;
	ld->bytes += n;
	c->next++;
	c->gap_acked = false;
	c->retries = 0;
	arm(ld, c, now);
	if (n < c->blksize) {
		send_ack(c, block);
		complete(ld, c, now);
		return;
	}
	if (++c->since_ack >= c->window) {
		send_ack(c, block);
		c->since_ack = 0;
	}
}

/* Returns true when the transfer ended (c->fd is no longer the same). */
static bool on_packet(struct load *ld, struct client *c, const uint8_t *p,
		      size_t len, uint64_t now)
{
	unsigned op;
	int fd = c->fd;

	if (len < 4)
		return false;
	op = (unsigned)(p[0] << 8 | p[1]);
	switch (op) {
	case OP_DATA:
		on_data(ld, c, p, len, now);
		break;
	case OP_OACK:
		if (c->replied) {
			/* Our ACK 0 was lost if no data came since. */
			if (c->next == 1)
				send_ack(c, 0);
			break;
		}
		c->replied = true;
		if (take_oack(c, p, len, ld->cfg->blksize,
			      ld->cfg->window) < 0) {
			report(ld, c, "malformed or out-of-range OACK");
			finish(ld, c, false, now);
			break;
		}
		show_params(ld, c);
		c->retries = 0;
		arm(ld, c, now);
		send_ack(c, 0);
		break;
	case OP_ERROR: {
		char msg[128];
		size_t mlen = len - 4 < sizeof(msg) - 1 ? len - 4
							: sizeof(msg) - 1;

		memcpy(msg, p + 4, mlen);
		msg[mlen] = '\0';
		report(ld, c, "ERROR %u: %s", (unsigned)(p[2] << 8 | p[3]),
		       msg);
		finish(ld, c, false, now);
		break;
	}
	default:
		break;
	}
	return c->fd != fd;
}

static bool same_host(const struct sockaddr_storage *a,
		      const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return memcmp(&((const struct sockaddr_in *)a)->sin_addr,
			      &((const struct sockaddr_in *)b)->sin_addr,
			      sizeof(struct in_addr)) == 0;
	return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
		      &((const struct sockaddr_in6 *)b)->sin6_addr,
		      sizeof(struct in6_addr)) == 0;
}

/*
 * Reads at most a window of packets: in lock step that is one recv per
 * wakeup, and level-triggered epoll reports whatever is left.
 */
static void on_readable(struct load *ld, struct client *c)
{
	unsigned got = 0;

	while (got < c->window) {
		struct sockaddr_storage from;
		socklen_t flen = sizeof(from);
		ssize_t n;

		if (c->connected) {
			n = recv(c->fd, ld->buf, sizeof(ld->buf), 0);
		} else {
			n = recvfrom(c->fd, ld->buf, sizeof(ld->buf), 0,
				     (struct sockaddr *)&from, &flen);
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			/*
			 * EAGAIN: drained.  ECONNREFUSED and friends: an ICMP
			 * error; the timeout decides whether the peer is gone.
			 */
			return;
		}
		got++;
		if (!c->connected) {
			/* The first reply names the server's TID. */
			if (!same_host(&from, &ld->cfg->server))
				continue;
			if (connect(c->fd, (struct sockaddr *)&from, flen) < 0)
				continue;
			c->connected = true;
		}
		if (on_packet(ld, c, ld->buf, (size_t)n, now_us()))
			return;
	}
}

static void on_timeout(struct load *ld, struct client *c, uint64_t now)
{
	if (++c->retries > MAX_RETRIES) {
		report(ld, c, "timed out at block %u after %" PRIu64 " bytes",
		       (unsigned)c->next, c->bytes);
		finish(ld, c, false, now);
		return;
	}
	if (!c->connected)
		send_rrq(ld, c);
	else
		send_ack(c, (uint16_t)(c->next - 1));
	c->since_ack = 0;
	arm(ld, c, now);
}

static void raise_nofile(unsigned need)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= need)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > need
			      ? need
			      : rl.rlim_max;
	(void)setrlimit(RLIMIT_NOFILE, &rl);
}

static int run(struct load *ld)
{
	const struct config *cfg = ld->cfg;
	struct epoll_event evs[256];
	uint64_t now;

	ld->ep = epoll_create1(EPOLL_CLOEXEC);
	if (ld->ep < 0) {
		fprintf(stderr, "tftp-load: epoll_create1: %s\n",
			strerror(errno));
		return -1;
	}
	ld->clients = calloc(cfg->clients, sizeof(*ld->clients));
	if (ld->clients == NULL) {
		fprintf(stderr, "tftp-load: out of memory\n");
		return -1;
	}
	now = now_us();
	ld->start = ld->end = now;
	for (unsigned i = 0; i < cfg->clients; i++) {
		struct client *c = &ld->clients[i];

		c->id = i;
		c->fd = -1;
		ld->active++;
		if (start_transfer(ld, c, now) < 0) {
			ld->failed += cfg->repeat;
			ld->active--;
		}
	}
	while (ld->active > 0) {
		int timeout = 0;
		int n;

		now = now_us();
		if (ld->head && ld->head->deadline > now)
			timeout = (int)((ld->head->deadline - now + 999) / 1000);
		n = epoll_wait(ld->ep, evs, (int)(sizeof(evs) / sizeof(evs[0])),
			       ld->head ? timeout : -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "tftp-load: epoll_wait: %s\n",
				strerror(errno));
			return -1;
		}
		for (int i = 0; i < n; i++) {
			struct client *c = evs[i].data.ptr;

			/* A finish earlier in this batch may have moved it. */
			if (c->fd >= 0)
				on_readable(ld, c);
		}
		now = now_us();
		while (ld->head && ld->head->deadline <= now)
			on_timeout(ld, ld->head, now);
	}
	return 0;
}

/* The client's own CPU time: a bench wants to know who was saturated. */
static void show_cpu(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) < 0)
		return;
	fprintf(stderr, "tftp-load: cpu user=%.2f sys=%.2f\n",
		(double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6,
		(double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6);
}

static int resolve(struct config *cfg, const char *host, const char *port)
{
	struct addrinfo hints, *res;
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICSERV;
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		fprintf(stderr, "tftp-load: %s port %s: %s\n", host, port,
			gai_strerror(rc));
		return -1;
	}
	memcpy(&cfg->server, res->ai_addr, res->ai_addrlen);
	cfg->server_len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

int main(int argc, char **argv)
{
	static struct config cfg;
	static struct load ld;
	double secs;
	int opt;

	cfg.clients = 1;
	cfg.repeat = 1;
	while ((opt = getopt(argc, argv, "b:c:n:s:vw:")) != -1) {
		switch (opt) {
		case 'b':
			cfg.blksize = opt_num("-b", optarg, BLKSIZE_MIN,
					      BLKSIZE_MAX);
			break;
		case 'c':
			cfg.clients = opt_num("-c", optarg, 1, MAX_CLIENTS);
			break;
		case 'n':
			cfg.repeat = opt_num("-n", optarg, 1, 1000000);
			break;
		case 's':
			if (parse_num(optarg, 0, UINT64_MAX, &cfg.size) < 0) {
				fprintf(stderr, "tftp-load: -s '%s': expected "
					"a size in bytes\n", optarg);
				usage();
			}
			cfg.have_size = true;
			break;
		case 'v':
			cfg.verbose++;
			break;
		case 'w':
			cfg.window = opt_num("-w", optarg, 1, 65535);
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 3)
		usage();
	opt_num("PORT", argv[optind + 1], 1, 65535);
	if (resolve(&cfg, argv[optind], argv[optind + 1]) < 0)
		return 1;
	if (build_rrq(&cfg, argv[optind + 2]) < 0) {
		fprintf(stderr, "tftp-load: file name too long\n");
		usage();
	}
	raise_nofile(cfg.clients + 64);
	ld.cfg = &cfg;
	if (run(&ld) < 0)
		return 1;
	secs = (double)(ld.end - ld.start) / 1e6;
	if (cfg.verbose)
		show_cpu();
	printf("clients=%u bytes=%" PRIu64 " seconds=%.3f MBps=%.1f "
	       "failed=%u\n", cfg.clients, ld.bytes, secs,
	       secs > 0 ? (double)ld.bytes / secs / 1e6 : 0.0, ld.failed);
	return ld.failed ? 1 : 0;
}
