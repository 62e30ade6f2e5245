/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dhcp-load: PXE DISCOVERs from many clients at once, for bench/proxydhcp
 * (which states the targets; this client only measures).
 *
 *   dhcp-load -i IFACE [-o OUTSTANDING] [-t SECS] [-w MS] [-a ARCH]
 *             [-d ADDR] [-p PORT]
 *
 * Keeps OUTSTANDING (default 64) DISCOVERs in flight for SECS seconds
 * (default 5), each from its own client: every request has a fresh chaddr
 * (02:xx:xx:xx:xx:xx, locally administered) and a fresh xid.  The socket
 * is bound to 0.0.0.0:68 on IFACE with SO_BROADCAST, because a proxy
 * answers a client that has no address by broadcasting to
 * 255.255.255.255:68; requests go to ADDR:PORT (default the broadcast
 * address, port 67).  A reply is a BOOTREPLY whose xid is one in flight;
 * its latency runs from the sendmmsg that carried the request to the
 * recvmmsg that brought the reply.  A request unanswered after MS
 * milliseconds (default 200) is lost and its slot sends a new one; so is
 * every request still unanswered MS after the end.  ARCH (default 0) goes
 * into options 93 and 60.
 *
 * Prints one line on stdout:
 *   sent=N replies=R lost=L stray=S seconds=T rps=X p50_us=A p99_us=B max_us=C
 * rps counts replies per second of the run.  stray counts datagrams that
 * answered nothing in flight (late, duplicate or foreign).  Exit status:
 * 0 when some reply came, 1 otherwise, 2 for a usage error.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SLOTS_MAX 4096
#define BATCH 64
#define PKT_MAX 1500
#define REQ_MAX 400
#define BOOTP_FIXED 236         /* op .. file, before the magic cookie */
#define XID_OFF 4
#define CHADDR_OFF 28
#define RCVBUF (8 * 1024 * 1024)

struct config {
	const char *iface;
	unsigned outstanding;
	unsigned secs;
	unsigned wait_ms;
	unsigned arch;
	struct sockaddr_in dest;
};

/* One client in flight: the xid names the slot in its low 12 bits. */
struct slot {
	uint32_t xid;
	uint64_t sent_ns;
	bool busy;
};

struct stats {
	uint64_t sent, replies, lost, stray;
	uint32_t *lat_us;       /* one entry per reply */
	size_t lat_len, lat_cap;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void usage(void)
{
	fprintf(stderr, "usage: dhcp-load -i IFACE [-o OUTSTANDING] [-t SECS] "
		"[-w MS] [-a ARCH] [-d ADDR] [-p PORT]\n");
	exit(2);
}

static unsigned arg_num(const char *s, unsigned min, unsigned max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max) {
		fprintf(stderr, "dhcp-load: '%s' is not a number from %u to %u\n",
			s, min, max);
		usage();
	}
	return (unsigned)v;
}

static void parse_args(int argc, char **argv, struct config *cfg)
{
	int c;

	memset(cfg, 0, sizeof(*cfg));
	cfg->outstanding = 64;
	cfg->secs = 5;
	cfg->wait_ms = 200;
	cfg->dest.sin_family = AF_INET;
	cfg->dest.sin_port = htons(67);
	cfg->dest.sin_addr.s_addr = htonl(INADDR_BROADCAST);
	while ((c = getopt(argc, argv, "i:o:t:w:a:d:p:")) != -1) {
		switch (c) {
		case 'i': cfg->iface = optarg; break;
		case 'o': cfg->outstanding = arg_num(optarg, 1, SLOTS_MAX); break;
		case 't': cfg->secs = arg_num(optarg, 1, 3600); break;
		case 'w': cfg->wait_ms = arg_num(optarg, 1, 60000); break;
		case 'a': cfg->arch = arg_num(optarg, 0, 65535); break;
		case 'd':
			if (inet_pton(AF_INET, optarg, &cfg->dest.sin_addr) != 1)
				usage();
			break;
		case 'p':
			cfg->dest.sin_port = htons((uint16_t)arg_num(optarg, 1, 65535));
			break;
		default: usage();
		}
	}
	if (!cfg->iface || optind != argc)
		usage();
}

static int open_socket(const struct config *cfg)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(68) };
	int one = 1, buf = RCVBUF;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0) {
		perror("dhcp-load: socket");
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	if (setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, cfg->iface,
		       (socklen_t)strlen(cfg->iface) + 1) < 0 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		perror("dhcp-load: socket setup");
		close(fd);
		return -1;
	}
	return fd;
}

static size_t put_opt(uint8_t *p, uint8_t code, const void *data, uint8_t len)
{
	p[0] = code;
	p[1] = len;
	memcpy(p + 2, data, len);
	return 2u + len;
}

/*
 * The DISCOVER template; xid, chaddr and the UUID in option 97 (whose
 * offset goes to *uuid_off) are written per request.
 */
static size_t build_template(uint8_t *pkt, unsigned arch, size_t *uuid_off)
{
	static const uint8_t cookie[4] = { 99, 130, 83, 99 };
	/* what a BIOS PXE ROM asks for; no 175, which would mean iPXE */
	static const uint8_t prl[] = { 1, 2, 3, 5, 6, 12, 13, 15, 17, 43, 54,
				       60, 66, 67, 97, 128, 129, 130, 131 };
	uint8_t type = 1, a93[2] = { (uint8_t)(arch >> 8), (uint8_t)arch };
	uint8_t undi[3] = { 1, 2, 1 }, uuid[17] = { 0 };
	char vci[40];
	size_t n = BOOTP_FIXED;
	int vlen;

	memset(pkt, 0, REQ_MAX);
	pkt[0] = 1;             /* BOOTREQUEST */
	pkt[1] = 1;             /* Ethernet */
	pkt[2] = 6;
	pkt[10] = 0x80;         /* broadcast flag */
	memcpy(pkt + n, cookie, sizeof(cookie));
	n += sizeof(cookie);
	n += put_opt(pkt + n, 53, &type, 1);
	vlen = snprintf(vci, sizeof(vci), "PXEClient:Arch:%05u:UNDI:002001", arch);
	n += put_opt(pkt + n, 60, vci, (uint8_t)vlen);
	n += put_opt(pkt + n, 93, a93, sizeof(a93));
	n += put_opt(pkt + n, 94, undi, sizeof(undi));
	*uuid_off = n + 2 + 1;  /* after code, length and the type byte */
	n += put_opt(pkt + n, 97, uuid, sizeof(uuid));
	n += put_opt(pkt + n, 55, prl, sizeof(prl));
	pkt[n++] = 255;
	return n;
}

/* Client number k: chaddr 02:00:k (32 bits), the UUID starts with it. */
static void stamp(uint8_t *pkt, size_t uuid_off, uint32_t xid, uint32_t k)
{
	uint8_t mac[6] = { 0x02, 0x00, (uint8_t)(k >> 24), (uint8_t)(k >> 16),
			   (uint8_t)(k >> 8), (uint8_t)k };

	pkt[XID_OFF] = (uint8_t)(xid >> 24);
	pkt[XID_OFF + 1] = (uint8_t)(xid >> 16);
	pkt[XID_OFF + 2] = (uint8_t)(xid >> 8);
	pkt[XID_OFF + 3] = (uint8_t)xid;
	memcpy(pkt + CHADDR_OFF, mac, sizeof(mac));
	memcpy(pkt + uuid_off, mac, sizeof(mac));
}

struct run {
	const struct config *cfg;
	int fd;
	struct sockaddr_in dest;        /* a copy sendmmsg may point at */
	struct slot *slots;
	unsigned nslots;
	uint32_t gen;           /* high bits of the next xid */
	uint32_t client;        /* next chaddr */
	uint8_t tmpl[REQ_MAX];
	size_t tmpl_len, uuid_off;
	uint8_t out[BATCH][REQ_MAX];
	uint8_t in[BATCH][PKT_MAX];
	struct stats st;
};

static void lat_push(struct stats *st, uint64_t ns)
{
	if (st->lat_len == st->lat_cap) {
		size_t cap = st->lat_cap ? st->lat_cap * 2 : 65536;
		uint32_t *p = realloc(st->lat_us, cap * sizeof(*p));

		if (!p)
			return;
		st->lat_us = p;
		st->lat_cap = cap;
	}
	st->lat_us[st->lat_len++] = ns / 1000 > UINT32_MAX ? UINT32_MAX
		: (uint32_t)(ns / 1000);
}

/* Send a fresh request from each idle slot, in batches. */
static void send_idle(struct run *r)
{
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];
	unsigned idx[BATCH], n = 0, i;
	uint64_t t;
	int sent;

	for (i = 0; i <= r->nslots; i++) {
		if (n == BATCH || (i == r->nslots && n)) {
			t = now_ns();
			sent = sendmmsg(r->fd, msg, n, 0);
			for (int k = 0; k < sent; k++) {
				r->slots[idx[k]].busy = true;
				r->slots[idx[k]].sent_ns = t;
			}
			r->st.sent += sent > 0 ? (unsigned)sent : 0;
			n = 0;
		}
		if (i == r->nslots)
			break;
		if (r->slots[i].busy)
			continue;
		r->slots[i].xid = (r->gen++ << 12) | i;
		memcpy(r->out[n], r->tmpl, r->tmpl_len);
		stamp(r->out[n], r->uuid_off, r->slots[i].xid, r->client++);
		iov[n] = (struct iovec){ r->out[n], r->tmpl_len };
		msg[n] = (struct mmsghdr){ .msg_hdr = {
			.msg_name = &r->dest,
			.msg_namelen = sizeof(r->dest),
			.msg_iov = &iov[n], .msg_iovlen = 1 } };
		idx[n++] = i;
	}
}

static void take_reply(struct run *r, const uint8_t *p, size_t len, uint64_t t)
{
	uint32_t xid;
	struct slot *s;

	if (len < BOOTP_FIXED + 4 || p[0] != 2) {
		r->st.stray++;
		return;
	}
	xid = (uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 |
	      (uint32_t)p[6] << 8 | p[7];
	s = &r->slots[(xid & 0xfff) % r->nslots];
	if (!s->busy || s->xid != xid) {
		r->st.stray++;
		return;
	}
	s->busy = false;
	r->st.replies++;
	lat_push(&r->st, t - s->sent_ns);
}

static void receive(struct run *r, int timeout_ms)
{
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];
	struct pollfd pfd = { .fd = r->fd, .events = POLLIN };

	if (poll(&pfd, 1, timeout_ms) <= 0)
		return;
	for (;;) {
		for (int i = 0; i < BATCH; i++) {
			iov[i] = (struct iovec){ r->in[i], PKT_MAX };
			msg[i] = (struct mmsghdr){ .msg_hdr = {
				.msg_iov = &iov[i], .msg_iovlen = 1 } };
		}
		int n = recvmmsg(r->fd, msg, BATCH, MSG_DONTWAIT, NULL);
		uint64_t t;

		if (n <= 0)
			return;
		t = now_ns();
		for (int i = 0; i < n; i++)
			take_reply(r, r->in[i], msg[i].msg_len, t);
		if (n < BATCH)
			return;
	}
}

/* Slots silent for longer than the wait (or all: the end) are lost. */
static unsigned expire(struct run *r, uint64_t t, bool all)
{
	uint64_t wait = (uint64_t)r->cfg->wait_ms * 1000000u;
	unsigned busy = 0;

	for (unsigned i = 0; i < r->nslots; i++) {
		struct slot *s = &r->slots[i];

		if (!s->busy)
			continue;
		if (all || (t > s->sent_ns && t - s->sent_ns > wait)) {
			s->busy = false;
			r->st.lost++;
		} else {
			busy++;
		}
	}
	return busy;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static uint32_t pct(const struct stats *st, unsigned p)
{
	size_t i;

	if (!st->lat_len)
		return 0;
	i = (st->lat_len * p + 99) / 100;
	return st->lat_us[i ? i - 1 : 0];
}

int main(int argc, char **argv)
{
	struct config cfg;
	static struct run r;    /* large buffers: not on the stack */
	uint64_t start, end, t, last_expire;
	double secs;

	parse_args(argc, argv, &cfg);
	r.cfg = &cfg;
	r.dest = cfg.dest;
	r.nslots = cfg.outstanding;
	r.slots = calloc(r.nslots, sizeof(*r.slots));
	if (!r.slots || (r.fd = open_socket(&cfg)) < 0)
		return 1;
	r.tmpl_len = build_template(r.tmpl, cfg.arch, &r.uuid_off);
	r.client = (uint32_t)getpid() << 20;
	start = last_expire = now_ns();
	end = start + (uint64_t)cfg.secs * 1000000000u;
	for (t = start; t < end; t = now_ns()) {
		send_idle(&r);
		receive(&r, 1);
		if (t - last_expire > 10000000u) {
			/* a fresh clock: slots sent since t must not look old */
			expire(&r, now_ns(), false);
			last_expire = t;
		}
	}
	/* the requests still in flight get their full wait */
	while ((t = now_ns()) - end < (uint64_t)cfg.wait_ms * 1000000u &&
	       expire(&r, t, false))
		receive(&r, 1);
	expire(&r, now_ns(), true);
	secs = (double)(end - start) / 1e9;
	if (r.st.lat_len)
		qsort(r.st.lat_us, r.st.lat_len, sizeof(*r.st.lat_us), cmp_u32);
	printf("sent=%" PRIu64 " replies=%" PRIu64 " lost=%" PRIu64
	       " stray=%" PRIu64 " seconds=%.2f rps=%.0f p50_us=%" PRIu32
	       " p99_us=%" PRIu32 " max_us=%" PRIu32 "\n",
	       r.st.sent, r.st.replies, r.st.lost, r.st.stray, secs,
	       (double)r.st.replies / secs, pct(&r.st, 50), pct(&r.st, 99),
	       r.st.lat_len ? r.st.lat_us[r.st.lat_len - 1] : 0);
	close(r.fd);
	free(r.slots);
	free(r.st.lat_us);
	return r.st.replies ? 0 : 1;
}
