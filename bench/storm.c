/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * storm: a boot storm, for bench/storm (which states the targets; this
 * client only measures).
 *
 *   storm -i IFACE [-n CLIENTS] [-u PERCENT] [-s MS] [-b BLKSIZE]
 *         [-w WINDOW] [-v]
 *
 * CLIENTS simulated PXE clients (default 200), client k starting k * MS /
 * CLIENTS milliseconds after the first (MS default 1000: all within one
 * second), each does what PXE firmware does after its address is known:
 *
 *   1. broadcasts a DHCPDISCOVER with options 60 (PXEClient:Arch:...),
 *      93, 94 and 97 from 0.0.0.0:68, and takes the first OFFER holding
 *      option 60 "PXEClient" for its xid (sent again after 1, 2, 4 s);
 *   2. when the OFFER names no boot file (a UEFI client of a proxy that
 *      leaves option 43 out, or a boot menu in option 43), sends a
 *      DHCPREQUEST to port 4011 of the server (option 54), echoing the
 *      first menu item as option 43.71 when the OFFER had a menu, and
 *      takes the boot file and siaddr from the ACK;
 *   3. reads the boot file by TFTP from siaddr (the server when 0) with
 *      blksize BLKSIZE (default 1468) and windowsize WINDOW (default 16),
 *      acknowledging every WINDOW in-order blocks and the last, and the
 *      last in-order block once when a window arrives with a gap; its last
 *      packet is sent again after one second of silence, five times at
 *      most.
 *
 * PERCENT (default 50) of the clients are x64 UEFI (arch 7), the others
 * BIOS (arch 0).  Every client has its own chaddr (02:57:...), xid, UUID
 * and UDP socket (for 4011 and TFTP).  A client fails when a step gets no
 * answer in time or the server sends an error.
 *
 * Prints one line on stdout:
 *   clients=N ok=K failed=F seconds=S p50_ms=A p99_ms=B max_ms=C bytes=T
 *   via4011=U
 * where seconds runs from the first DISCOVER to the end of the last client,
 * a client's time from its first DISCOVER to its last TFTP block, and
 * via4011 counts the clients that needed step 2.  -v prints each failure
 * on stderr.  Exit status: 0 when no client failed, 1 otherwise, 2 for a
 * usage error.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "num.h"

#define CLIENTS_MAX 4000
#define PKT_MAX 66000
#define BOOTP_FIXED 236
#define XID_OFF 4
#define SIADDR_OFF 20
#define CHADDR_OFF 28
#define FILE_OFF 108
#define FILE_LEN 128
#define TFTP_TRIES 5
#define DHCP_TRIES 4

enum step { WAITING, OFFER, ACK4011, TFTP, DONE, FAILED };

struct config {
	const char *iface;
	unsigned clients, uefi_pct, spread_ms, blksize, window;
	bool verbose;
};

struct client {
	unsigned k;
	enum step step;
	bool uefi, via4011;
	int fd;                         /* 4011 and TFTP */
	uint32_t xid;
	uint64_t start_us, due_us, end_us;
	unsigned tries;
	struct in_addr server;          /* option 54 of the OFFER */
	struct in_addr ciaddr;          /* ours towards the server */
	struct sockaddr_in peer;        /* TFTP server TID, once known */
	char file[FILE_LEN + 1];
	uint16_t menu_type;             /* first item of 43.9, 0 if none */
	uint16_t expect;                /* next TFTP block */
	unsigned window, in_window, blksize;
	uint64_t bytes;
	uint8_t last[600];              /* the last packet sent on fd */
	size_t last_len;
	struct sockaddr_in last_to;
};

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void usage(void)
{
	fprintf(stderr, "usage: storm -i IFACE [-n CLIENTS] [-u PERCENT] "
		"[-s MS] [-b BLKSIZE] [-w WINDOW] [-v]\n");
	exit(2);
}

static unsigned opt_num(const char *s, unsigned min, unsigned max)
{
	uint64_t v;

	if (num_parse(s, min, max, &v) < 0) {
		fprintf(stderr, "storm: '%s' is not a number from %u to %u\n",
			s, min, max);
		usage();
	}
	return (unsigned)v;
}

static void parse_args(int argc, char **argv, struct config *cfg)
{
	int c;

	*cfg = (struct config){ .clients = 200, .uefi_pct = 50,
				.spread_ms = 1000, .blksize = 1468,
				.window = 16 };
	while ((c = getopt(argc, argv, "i:n:u:s:b:w:v")) != -1) {
		switch (c) {
		case 'i': cfg->iface = optarg; break;
		case 'n': cfg->clients = opt_num(optarg, 1, CLIENTS_MAX); break;
		case 'u': cfg->uefi_pct = opt_num(optarg, 0, 100); break;
		case 's': cfg->spread_ms = opt_num(optarg, 0, 60000); break;
		case 'b': cfg->blksize = opt_num(optarg, 8, 65464); break;
		case 'w': cfg->window = opt_num(optarg, 1, 65535); break;
		case 'v': cfg->verbose = true; break;
		default: usage();
		}
	}
	if (!cfg->iface || optind != argc)
		usage();
}

/* --- DHCP ------------------------------------------------------------------ */

static size_t put_opt(uint8_t *p, size_t n, uint8_t code, const void *v,
		      uint8_t len)
{
	p[n] = code;
	p[n + 1] = len;
	memcpy(p + n + 2, v, len);
	return n + 2u + len;
}

/* A DISCOVER (type 1) or a 4011 REQUEST (type 3) from client c into p. */
static size_t dhcp_build(const struct client *c, uint8_t type, uint8_t *p)
{
	static const uint8_t cookie[4] = { 99, 130, 83, 99 };
	static const uint8_t prl[] = { 1, 3, 43, 54, 60, 66, 67, 97, 128, 129 };
	unsigned arch = c->uefi ? 7 : 0;
	uint8_t mac[6] = { 0x02, 0x57, 0, (uint8_t)(c->k >> 16),
			   (uint8_t)(c->k >> 8), (uint8_t)c->k };
	uint8_t a93[2] = { 0, (uint8_t)arch }, undi[3] = { 1, 3, 16 };
	uint8_t uuid[17] = { 0 };
	char vci[40];
	size_t n = BOOTP_FIXED;
	int vlen = snprintf(vci, sizeof(vci), "PXEClient:Arch:%05u:UNDI:003016",
			    arch);

	memset(p, 0, BOOTP_FIXED);
	p[0] = 1;
	p[1] = 1;
	p[2] = 6;
	p[XID_OFF] = (uint8_t)(c->xid >> 24);
	p[XID_OFF + 1] = (uint8_t)(c->xid >> 16);
	p[XID_OFF + 2] = (uint8_t)(c->xid >> 8);
	p[XID_OFF + 3] = (uint8_t)c->xid;
	if (type == 1)
		p[10] = 0x80;   /* no address yet: answer by broadcast */
	else
		memcpy(p + 12, &c->ciaddr, 4); /* by now the client has one */
	memcpy(p + CHADDR_OFF, mac, sizeof(mac));
	memcpy(uuid + 1, mac, sizeof(mac));
	memcpy(p + n, cookie, sizeof(cookie));
	n += sizeof(cookie);
	n = put_opt(p, n, 53, &type, 1);
	n = put_opt(p, n, 60, vci, (uint8_t)vlen);
	n = put_opt(p, n, 93, a93, sizeof(a93));
	n = put_opt(p, n, 94, undi, sizeof(undi));
	n = put_opt(p, n, 97, uuid, sizeof(uuid));
	n = put_opt(p, n, 55, prl, sizeof(prl));
	if (type == 3 && c->menu_type) {
		/* 43.71 boot item: type, layer 0 */
		uint8_t o43[6] = { 71, 4, (uint8_t)(c->menu_type >> 8),
				   (uint8_t)c->menu_type, 0, 0 };

		n = put_opt(p, n, 43, o43, sizeof(o43));
	}
	p[n++] = 255;
	return n;
}

/*
 * What a reply says, from its options: message type, whether option 60
 * is "PXEClient", option 54, the boot file (field or option 67) and the
 * first item of a 43.9 boot menu.
 */
struct reply {
	uint8_t type;
	bool pxe;
	struct in_addr server, siaddr;
	char file[FILE_LEN + 1];
	uint16_t menu_type;
};

static void menu_first(const uint8_t *v, size_t len, struct reply *r)
{
	size_t i = 0;

	while (i + 2 <= len && v[i] != 255) {
		if (v[i] == 0) {
			i++;
			continue;
		}
		if (i + 2u + v[i + 1] > len)
			return;
		if (v[i] == 9 && v[i + 1] >= 3)
			r->menu_type = (uint16_t)(v[i + 2] << 8 | v[i + 3]);
		i += 2u + v[i + 1];
	}
}

static bool dhcp_parse(const uint8_t *p, size_t len, struct reply *r)
{
	size_t i = BOOTP_FIXED + 4;

	memset(r, 0, sizeof(*r));
	if (len < i || p[0] != 2 || memcmp(p + BOOTP_FIXED, "\x63\x82\x53\x63", 4))
		return false;
	memcpy(&r->siaddr, p + SIADDR_OFF, 4);
	memcpy(r->file, p + FILE_OFF, FILE_LEN);
	while (i < len && p[i] != 255) {
		uint8_t code = p[i], olen;

		if (code == 0) {
			i++;
			continue;
		}
		if (i + 2 > len || i + 2u + p[i + 1] > len)
			return false;
		olen = p[i + 1];
		if (code == 53 && olen == 1)
			r->type = p[i + 2];
		else if (code == 60 && olen >= 9 && !memcmp(p + i + 2, "PXEClient", 9))
			r->pxe = true;
		else if (code == 54 && olen == 4)
			memcpy(&r->server, p + i + 2, 4);
		else if (code == 67 && olen > 0) {
			memcpy(r->file, p + i + 2, olen);
			r->file[olen] = '\0';
		} else if (code == 43)
			menu_first(p + i + 2, olen, r);
		i += 2u + olen;
	}
	return r->pxe && r->type != 0;
}

/* --- the clients -------------------------------------------------------------- */

struct storm {
	const struct config *cfg;
	struct client *c;
	int ep, bcast;
	unsigned live, via4011;
};

static void fail_client(struct storm *s, struct client *c, const char *why)
{
	if (s->cfg->verbose)
		fprintf(stderr, "storm: client %u (%s): %s\n", c->k,
			c->uefi ? "uefi" : "bios", why);
	c->step = FAILED;
	c->end_us = now_us();
	s->live--;
}

static void send_last(struct storm *s, const struct client *c)
{
	int fd = c->step == OFFER ? s->bcast : c->fd;

	if (sendto(fd, c->last, c->last_len, 0,
		   (const struct sockaddr *)&c->last_to, sizeof(c->last_to)) < 0 &&
	    s->cfg->verbose)
		fprintf(stderr, "storm: client %u: sendto: %s\n", c->k,
			strerror(errno));
}

static void send_new(struct storm *s, struct client *c, size_t len,
		     struct in_addr to, uint16_t port)
{
	c->last_len = len;
	c->last_to = (struct sockaddr_in){ .sin_family = AF_INET,
					   .sin_port = htons(port),
					   .sin_addr = to };
	c->tries = 0;
	c->due_us = now_us() + 1000000;
	send_last(s, c);
}

static void start_tftp(struct storm *s, struct client *c, struct in_addr to)
{
	char opt[16];
	size_t n = 2, flen = strlen(c->file);
	int olen;

	c->step = TFTP;
	c->expect = 1;
	c->window = 1;
	c->blksize = 512;
	c->peer = (struct sockaddr_in){ 0 };
	c->last[0] = 0;
	c->last[1] = 1;         /* RRQ */
	memcpy(c->last + n, c->file, flen + 1);
	n += flen + 1;
	memcpy(c->last + n, "octet", 6);
	n += 6;
	memcpy(c->last + n, "blksize", 8);
	n += 8;
	olen = snprintf(opt, sizeof(opt), "%u", s->cfg->blksize);
	memcpy(c->last + n, opt, (size_t)olen + 1);
	n += (size_t)olen + 1;
	memcpy(c->last + n, "windowsize", 11);
	n += 11;
	olen = snprintf(opt, sizeof(opt), "%u", s->cfg->window);
	memcpy(c->last + n, opt, (size_t)olen + 1);
	n += (size_t)olen + 1;
	send_new(s, c, n, to, 69);
}

static void take_boot(struct storm *s, struct client *c, const struct reply *r)
{
	struct in_addr to = r->siaddr.s_addr ? r->siaddr : c->server;

	snprintf(c->file, sizeof(c->file), "%s", r->file);
	start_tftp(s, c, to);
}

/* The address fd sends from towards server (0.0.0.0 when unknown). */
static struct in_addr local_addr(struct in_addr server)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(4011),
				  .sin_addr = server }, me = { 0 };
	socklen_t ml = sizeof(me);
	int probe = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

		if (probe >= 0) {
		if (connect(probe, (struct sockaddr *)&to, sizeof(to)) < 0 ||
		    getsockname(probe, (struct sockaddr *)&me, &ml) < 0)
			me.sin_addr.s_addr = 0;
		close(probe);
	}
	return me.sin_addr;
}

static void on_dhcp(struct storm *s, struct client *c, const struct reply *r)
{
	if (c->step == OFFER && r->type == 2) {
		c->server = r->server;
		if (r->file[0] && r->siaddr.s_addr) {
			take_boot(s, c, r);
			return;
		}
		if (!r->server.s_addr) {
			fail_client(s, c, "OFFER without a boot file or option 54");
			return;
		}
		c->menu_type = r->menu_type;
		c->ciaddr = local_addr(c->server);
		c->step = ACK4011;
		c->via4011 = true;
		s->via4011++;
		send_new(s, c, dhcp_build(c, 3, c->last), c->server, 4011);
	} else if (c->step == ACK4011 && r->type == 5) {
		if (!r->file[0]) {
			fail_client(s, c, "4011 ACK without a boot file");
			return;
		}
		take_boot(s, c, r);
	}
}

static void tftp_ack(struct storm *s, struct client *c, uint16_t block)
{
	c->last[0] = 0;
	c->last[1] = 4;
	c->last[2] = (uint8_t)(block >> 8);
	c->last[3] = (uint8_t)block;
	c->last_len = 4;
	c->last_to = c->peer;
	c->tries = 0;
	c->due_us = now_us() + 1000000;
	send_last(s, c);
}

static void take_oack(struct client *c, const uint8_t *p, size_t len)
{
	size_t i = 2;

	while (i < len) {
		const char *name = (const char *)p + i;
		size_t nl = strnlen(name, len - i);
		const char *val;
		uint64_t v;

		if (i + nl + 1 >= len)
			return;
		val = name + nl + 1;
		if (num_parse(val, 1, 65535, &v) == 0) {
			if (!strcasecmp(name, "blksize"))
				c->blksize = (unsigned)v;
			else if (!strcasecmp(name, "windowsize"))
				c->window = (unsigned)v;
		}
		i += nl + 1 + strnlen(val, len - i - nl - 1) + 1;
	}
}

static void on_tftp(struct storm *s, struct client *c, const uint8_t *p,
		    size_t len, const struct sockaddr_in *from)
{
	uint16_t op, block;

	if (len < 4)
		return;
	if (!c->peer.sin_port)
		c->peer = *from;
	else if (c->peer.sin_port != from->sin_port)
		return;
	op = (uint16_t)(p[0] << 8 | p[1]);
	block = (uint16_t)(p[2] << 8 | p[3]);
	if (op == 5) {
		fail_client(s, c, "TFTP error from the server");
		return;
	}
	if (op == 6 && c->expect == 1 && c->bytes == 0) {
		take_oack(c, p, len);
		c->in_window = 0;
		tftp_ack(s, c, 0);
		return;
	}
	if (op != 3)
		return;
	if (block != c->expect) {
		/* a gap: say once per window where we are */
		if (c->in_window != UINT32_MAX) {
			c->in_window = UINT32_MAX;
			tftp_ack(s, c, (uint16_t)(c->expect - 1));
		}
		return;
	}
	c->bytes += len - 4;
	c->expect++;
	if (c->in_window == UINT32_MAX)
		c->in_window = 0;
	c->in_window++;
	if (len - 4 < c->blksize) {
		tftp_ack(s, c, block);
		c->step = DONE;
		c->end_us = now_us();
		s->live--;
	} else if (c->in_window >= c->window) {
		c->in_window = 0;
		tftp_ack(s, c, block);
	} else {
		c->due_us = now_us() + 1000000;
		c->tries = 0;
	}
}

static void on_socket(struct storm *s, struct client *c)
{
	static uint8_t buf[PKT_MAX];
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	ssize_t n;
	struct reply r;

	while ((n = recvfrom(c->fd, buf, sizeof(buf), MSG_DONTWAIT,
			     (struct sockaddr *)&from, &fl)) >= 0) {
		if (c->step == TFTP)
			on_tftp(s, c, buf, (size_t)n, &from);
		else if (c->step == ACK4011 && dhcp_parse(buf, (size_t)n, &r))
			on_dhcp(s, c, &r);
		fl = sizeof(from);
	}
}

static void on_broadcast(struct storm *s)
{
	static uint8_t buf[PKT_MAX];
	ssize_t n;
	struct reply r;

	while ((n = recv(s->bcast, buf, sizeof(buf), MSG_DONTWAIT)) >= 0) {
		uint32_t xid;
		struct client *c;

		if ((size_t)n < BOOTP_FIXED || !dhcp_parse(buf, (size_t)n, &r))
			continue;
		xid = (uint32_t)buf[XID_OFF] << 24 | (uint32_t)buf[XID_OFF + 1] << 16 |
		      (uint32_t)buf[XID_OFF + 2] << 8 | buf[XID_OFF + 3];
		if ((xid >> 16) != 0x5707 || (xid & 0xffff) >= s->cfg->clients)
			continue;
		c = &s->c[xid & 0xffff];
		if (c->xid == xid)
			on_dhcp(s, c, &r);
	}
}

static void on_timer(struct storm *s, struct client *c, uint64_t t)
{
	static const struct in_addr everyone = { .s_addr = INADDR_BROADCAST };

	if (c->step == WAITING) {
		if (t < c->start_us)
			return;
		c->step = OFFER;
		c->start_us = t;
		send_new(s, c, dhcp_build(c, 1, c->last), everyone, 67);
		return;
	}
	if (c->step == DONE || c->step == FAILED || t < c->due_us)
		return;
	if (++c->tries >= (c->step == TFTP ? TFTP_TRIES : DHCP_TRIES)) {
		fail_client(s, c, c->step == TFTP ? "TFTP timed out" :
			    c->step == OFFER ? "no OFFER" : "no 4011 ACK");
		return;
	}
	c->due_us = t + (c->step == TFTP ? 1000000u : 1000000u << c->tries);
	send_last(s, c);
}

/* --- setup and the loop --------------------------------------------------------- */

static int udp_socket(const char *iface, uint16_t port, bool bcast)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(port) };
	int one = 1, buf = bcast ? 8 << 20 : 1 << 20;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	if ((bcast && (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
		       setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) < 0)) ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, iface,
		       (socklen_t)strlen(iface) + 1) < 0 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int watch(int ep, int fd, void *ptr)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = ptr };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

static int setup(struct storm *s)
{
	const struct config *cfg = s->cfg;
	uint64_t t0 = now_us() + 100000;

	s->ep = epoll_create1(EPOLL_CLOEXEC);
	s->bcast = udp_socket(cfg->iface, 68, true);
	if (s->ep < 0 || s->bcast < 0 || watch(s->ep, s->bcast, s) < 0) {
		perror("storm: port 68");
		return -1;
	}
	for (unsigned k = 0; k < cfg->clients; k++) {
		struct client *c = &s->c[k];

		c->k = k;
		c->xid = 0x57070000u | k;
		/* spread UEFI clients evenly among the BIOS ones */
		c->uefi = (k + 1) * cfg->uefi_pct / 100 != k * cfg->uefi_pct / 100;
		c->start_us = t0 + (uint64_t)k * cfg->spread_ms * 1000u / cfg->clients;
		c->fd = udp_socket(cfg->iface, 0, false);
		if (c->fd < 0 || watch(s->ep, c->fd, c) < 0) {
			perror("storm: client socket");
			return -1;
		}
	}
	s->live = cfg->clients;
	return 0;
}

static void loop(struct storm *s)
{
	struct epoll_event ev[64];

	while (s->live > 0) {
		int n = epoll_wait(s->ep, ev, 64, 5);
		uint64_t t = now_us();

		for (int i = 0; i < n; i++) {
			if (ev[i].data.ptr == s)
				on_broadcast(s);
			else
				on_socket(s, ev[i].data.ptr);
		}
		for (unsigned k = 0; k < s->cfg->clients; k++)
			on_timer(s, &s->c[k], t);
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int report(const struct storm *s)
{
	unsigned n = s->cfg->clients, ok = 0;
	uint64_t first = UINT64_MAX, last = 0, bytes = 0;
	uint64_t *ms = calloc(n, sizeof(*ms));

	if (!ms)
		return 1;
	for (unsigned k = 0; k < n; k++) {
		const struct client *c = &s->c[k];

		first = c->start_us < first ? c->start_us : first;
		last = c->end_us > last ? c->end_us : last;
		if (c->step == DONE)
			ms[ok++] = (c->end_us - c->start_us) / 1000u;
		bytes += c->bytes;
	}
	qsort(ms, ok, sizeof(*ms), cmp_u64);
	printf("clients=%u ok=%u failed=%u seconds=%.3f p50_ms=%" PRIu64
	       " p99_ms=%" PRIu64 " max_ms=%" PRIu64 " bytes=%" PRIu64
	       " via4011=%u\n", n, ok, n - ok, (double)(last - first) / 1e6,
	       ok ? ms[(ok - 1) * 50 / 100] : 0, ok ? ms[(ok - 1) * 99 / 100] : 0,
	       ok ? ms[ok - 1] : 0, bytes, s->via4011);
	free(ms);
	return ok == n ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct config cfg;
	struct storm s = { .cfg = &cfg };
	int rc;

	parse_args(argc, argv, &cfg);
	s.c = calloc(cfg.clients, sizeof(*s.c));
	if (!s.c) {
		perror("storm");
		return 1;
	}
	if (setup(&s) < 0)
		return 1;
	loop(&s);
	rc = report(&s);
	free(s.c);
	return rc;
}
