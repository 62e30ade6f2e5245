/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * floor: the cheapest server of the same packets, the limit bench/tftpd and
 * bench/aoetarget measure the real servers against (a helper: the tables
 * are in those scripts).
 *
 *   floor tftp [-b BLKSIZE]... ADDR PORT FILE...
 *   floor aoe [-q BUFCNT] IFACE SHELF SLOT SECTORS
 *
 * tftp: answers octet read requests for the FILEs (by base name), one at
 * a time, with every DATA datagram laid out in memory before the first
 * request (header, block, header, block... for each -b BLKSIZE, 512 and
 * whatever a client asks being built on first use).  A transfer has its
 * own connected socket; a window goes out as one send with UDP
 * segmentation offload when two or more blocks fit 64 KiB, else as one
 * sendmmsg; the next ACK is awaited in epoll_wait and read.  A timeout (50 ms,
 * doubled each time in a row) or an ACK inside the window resends from
 * the block after it, a repeated ACK only with a window and once per
 * position (in lock step it is an echo); ten timeouts in a row end the
 * transfer.
 *
 * aoe: answers AoE Query Config and ATA READ/WRITE/FLUSH for shelf.slot
 * on IFACE without touching any storage: reads are answered from a
 * buffer filled once, writes are dropped.  Requests are taken with
 * recvmmsg (blocking for the first, up to 64 per call) and the replies
 * leave in one sendmmsg on a socket that bypasses the qdisc.
 *
 * No policy, no checks beyond what the bench clients need: never run it
 * anywhere but a private namespace.  Exit status: 1 on a setup failure,
 * 2 on bad arguments; it serves until killed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "file.h"
#include "num.h"

#define BATCH 64
#define GSO_MAX 65000

static void die(int code, const char *msg)
{
	fprintf(stderr, "floor: %s%s%s\n", msg, errno ? ": " : "",
		errno ? strerror(errno) : "");
	exit(code);
}

static unsigned num(const char *s, unsigned lo, unsigned hi)
{
	uint64_t v;

	if (num_parse(s, lo, hi, &v) < 0) {
		errno = 0;
		die(2, "bad number");
	}
	return (unsigned)v;
}

/* ---- tftp ------------------------------------------------------------- */

/* One file laid out as DATA datagrams of one block size. */
struct image {
	const char *name;
	const uint8_t *data;
	size_t size;
	unsigned blksize;
	uint64_t blocks;
	uint8_t *dgrams;        /* block b at (b - 1) * (4 + blksize) */
	struct image *next;
};

static struct image *images;

static size_t seg_len(const struct image *im)
{
	return 4 + im->blksize;
}

static struct image *image_build(const char *name, const uint8_t *data,
				 size_t size, unsigned bs)
{
	struct image *im = calloc(1, sizeof(*im));

	if (im == NULL)
		die(1, "out of memory");
	*im = (struct image){ name, data, size, bs, size / bs + 1, NULL, images };
	im->dgrams = malloc(im->blocks * seg_len(im));
	if (im->dgrams == NULL)
		die(1, "out of memory");
	for (uint64_t b = 1; b <= im->blocks; b++) {
		uint8_t *p = im->dgrams + (b - 1) * seg_len(im);
		size_t off = (b - 1) * bs;

		p[0] = 0;
		p[1] = 3;
		p[2] = (uint8_t)(b >> 8);
		p[3] = (uint8_t)b;
		memcpy(p + 4, data + off, size - off < bs ? size - off : bs);
	}
	images = im;
	return im;
}

static struct image *image_find(const char *name, unsigned bs)
{
	const struct image *any = NULL;

	for (struct image *im = images; im; im = im->next) {
		if (strcmp(im->name, name) != 0)
			continue;
		if (im->blksize == bs)
			return im;
		any = im;
	}
	return any ? image_build(any->name, any->data, any->size, bs) : NULL;
}

static size_t dgram_len(const struct image *im, uint64_t b)
{
	size_t off = (b - 1) * im->blksize;

	return 4 + (im->size - off < im->blksize ? im->size - off
						  : im->blksize);
}

static const uint8_t *dgram(const struct image *im, uint64_t b)
{
	return im->dgrams + (b - 1) * seg_len(im);
}

/* Blocks first..last: one GSO send, or sendmmsg batches. */
static void send_window(int fd, const struct image *im, uint64_t first,
			uint64_t last)
{
	size_t n = last - first + 1;

	if (n == 1) {
		(void)send(fd, dgram(im, first), dgram_len(im, first), 0);
		return;
	}
	if (2 * seg_len(im) <= GSO_MAX) {
		size_t per = GSO_MAX / seg_len(im);

		for (uint64_t b = first; b <= last; b += per) {
			uint64_t e = b + per - 1 < last ? b + per - 1 : last;
			union {
				struct cmsghdr align;
				char buf[CMSG_SPACE(sizeof(uint16_t))];
			} ctl;
			struct iovec iov = { (void *)(uintptr_t)dgram(im, b),
					     (e - b) * seg_len(im) +
						     dgram_len(im, e) };
			struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
					    .msg_control = ctl.buf,
					    .msg_controllen = sizeof(ctl.buf) };
			struct cmsghdr *c = CMSG_FIRSTHDR(&m);
			uint16_t gso = (uint16_t)seg_len(im);

			c->cmsg_level = SOL_UDP;
			c->cmsg_type = UDP_SEGMENT;
			c->cmsg_len = CMSG_LEN(sizeof(gso));
			memcpy(CMSG_DATA(c), &gso, sizeof(gso));
			(void)sendmsg(fd, &m, 0);
		}
		return;
	}
	for (uint64_t b = first; b <= last; b += BATCH) {
		struct mmsghdr msgs[BATCH];
		struct iovec iov[BATCH];
		unsigned k = 0;

		memset(msgs, 0, sizeof(msgs));
		for (uint64_t x = b; x <= last && k < BATCH; x++, k++) {
			iov[k] = (struct iovec){ (void *)(uintptr_t)dgram(im, x),
						 dgram_len(im, x) };
			msgs[k].msg_hdr.msg_iov = &iov[k];
			msgs[k].msg_hdr.msg_iovlen = 1;
		}
		(void)sendmmsg(fd, msgs, k, 0);
	}
}

struct rrq {
	const char *file;
	unsigned blksize, window;
	bool want_size;
	bool oack;
};

/* The request's file and options; -1 when it is not an RRQ we serve. */
static int rrq_parse(uint8_t *p, size_t len, struct rrq *r)
{
	char *s = (char *)p + 2, *end = (char *)p + len;
	char *opt[2] = { NULL, NULL };

	*r = (struct rrq){ .blksize = 512, .window = 1 };
	if (len < 4 || p[0] != 0 || p[1] != 1 || p[len - 1] != 0)
		return -1;
	r->file = s;
	s += strlen(s) + 1;
	if (s >= end)
		return -1;
	s += strlen(s) + 1;     /* the mode: octet assumed */
	while (s < end) {
		opt[0] = s;
		s += strlen(s) + 1;
		if (s >= end)
			break;
		opt[1] = s;
		s += strlen(s) + 1;
		if (strcasecmp(opt[0], "blksize") == 0)
			r->blksize = (unsigned)atoi(opt[1]);
		else if (strcasecmp(opt[0], "windowsize") == 0)
			r->window = (unsigned)atoi(opt[1]);
		else if (strcasecmp(opt[0], "tsize") == 0)
			r->want_size = true;
		else
			continue;
		r->oack = true;
	}
	if (r->blksize < 8 || r->blksize > 65464 || r->window < 1 ||
	    r->window > 65535)
		return -1;
	return 0;
}

static size_t oack_build(uint8_t *p, const struct rrq *r,
			 const struct image *im)
{
	int n = sprintf((char *)p + 2, "blksize%c%u%cwindowsize%c%u%c", 0,
			r->blksize, 0, 0, r->window, 0);

	p[0] = 0;
	p[1] = 6;
	if (r->want_size)
		n += sprintf((char *)p + 2 + n, "tsize%c%zu%c", 0, im->size, 0);
	return 2 + (size_t)n;
}

/*
 * Waits up to ms for an ACK: 0 with its block mapped near base into *k,
 * -1 on a timeout, -2 on an ERROR (the client gave up).  epoll_wait, then
 * a recv: on this path a wakeup
 * through epoll measured cheaper than one in a blocking recv or poll
 * (wall time and CPU both about halved at blksize 1468, lock step).
 */
static int ack_wait(int ep, int fd, int ms, uint64_t base, uint64_t *k)
{
	uint8_t p[516];
	ssize_t n = -1;
	uint16_t blk;
	struct epoll_event ev;

	if (epoll_wait(ep, &ev, 1, ms) > 0)
		n = recv(fd, p, sizeof(p), MSG_DONTWAIT);

	if (n < 4)
		return -1;
	if (p[1] != 4)
		return -2;
	blk = (uint16_t)(p[2] << 8 | p[3]);
	*k = (base - 1) + (uint16_t)(blk - (uint16_t)(base - 1));
	return 0;
}

static void tftp_transfer(const struct sockaddr_in *local,
			  const struct sockaddr_in *peer, const struct rrq *r,
			  const struct image *im)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int ep = epoll_create1(EPOLL_CLOEXEC), ms = 50;
	struct epoll_event ev = { .events = EPOLLIN };
	struct sockaddr_in me = *local;
	uint64_t base = 1, k = 0, resent_at = 0;
	int quiet = 0, buf = 8 << 20, rc = -1;
	bool go = true;
	uint8_t oack[128];
	size_t olen = oack_build(oack, r, im);

	me.sin_port = 0;
	if (fd < 0 || bind(fd, (struct sockaddr *)&me, sizeof(me)) < 0 ||
	    connect(fd, (const struct sockaddr *)peer, sizeof(*peer)) < 0 ||
	    ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0)
		die(1, "transfer socket");
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof(buf));
	while (r->oack && quiet < 5 && rc == -1) {
		(void)send(fd, oack, olen, 0);
		rc = ack_wait(ep, fd, ms, 1, &k);
		quiet++;
	}
	quiet = 0;
	while (quiet < 10 && rc != -2) {
		uint64_t last = base + r->window - 1;

		if (go)
			send_window(fd, im, base,
				    last < im->blocks ? last : im->blocks);
		rc = ack_wait(ep, fd, ms, base, &k);
		if (rc == 0 && k == im->blocks)
			break;
		quiet = rc == -1 ? quiet + 1 : 0;
		ms = 50 << quiet;
		go = true;
		if (rc == 0 && k >= base) {
			base = k + 1;
		} else if (rc == 0) {
			/* A repeated ACK: in lock step an echo, ignored; with a
			 * window a gap, resent once per position. */
			go = r->window > 1 && resent_at != base;
			resent_at = base;
		}
	}
	close(ep);
	close(fd);
}

static int cmd_tftp(int argc, char **argv)
{
	struct sockaddr_in local = { .sin_family = AF_INET };
	unsigned bs[8], nbs = 0;
	int fd, c;

	while ((c = getopt(argc, argv, "b:")) != -1) {
		if (c != 'b' || nbs == 8)
			die(2, "usage: floor tftp [-b BLKSIZE]... ADDR PORT FILE...");
		bs[nbs++] = num(optarg, 8, 65464);
	}
	if (argc - optind < 3 ||
	    inet_pton(AF_INET, argv[optind], &local.sin_addr) != 1)
		die(2, "usage: floor tftp [-b BLKSIZE]... ADDR PORT FILE...");
	local.sin_port = htons((uint16_t)num(argv[optind + 1], 1, 65535));
	for (int i = optind + 2; i < argc; i++) {
		char *data;
		size_t len;
		const char *slash = strrchr(argv[i], '/');

		if (file_read(AT_FDCWD, argv[i], 1ull << 32, &data, &len) < 0)
			die(1, argv[i]);
		image_build(slash ? slash + 1 : argv[i], (uint8_t *)data, len, 512);
		for (unsigned j = 0; j < nbs; j++)
			image_build(images->name, (uint8_t *)data, len, bs[j]);
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&local, sizeof(local)) < 0)
		die(1, "bind");
	for (;;) {
		uint8_t req[1024];
		struct sockaddr_in peer;
		socklen_t plen = sizeof(peer);
		ssize_t n = recvfrom(fd, req, sizeof(req) - 1, 0,
				     (struct sockaddr *)&peer, &plen);
		struct rrq r;
		const struct image *im;

		if (n <= 0 || rrq_parse(req, (size_t)n, &r) < 0)
			continue;
		im = image_find(r.file, r.blksize);
		if (im)
			tftp_transfer(&local, &peer, &r, im);
	}
	return 1;
}

/* ---- aoe -------------------------------------------------------------- */

#define ETH_HDR 14
#define AOE_HDR 10
#define ATA_ARG 12
#define SECTOR 512

struct aoe_floor {
	int fd;
	uint8_t mac[6];
	unsigned shelf, slot, bufcnt, spf;
	uint64_t sectors;
	size_t slot_len;
	uint8_t *in, *out;      /* BATCH frames each */
};

/* The reply to request q in buffer o: its length, or 0 for none. */
static size_t aoe_answer(const struct aoe_floor *f, const uint8_t *q,
			 size_t len, uint8_t *o)
{
	unsigned shelf, cmd;
	size_t data = 0;

	if (len < ETH_HDR + AOE_HDR + 8 || (q[14] & 0x08))
		return 0;
	shelf = (unsigned)(q[16] << 8 | q[17]);
	if ((shelf != f->shelf && shelf != 0xffff) ||
	    (q[18] != f->slot && q[18] != 0xff))
		return 0;
	memcpy(o, q + 6, 6);
	memcpy(o + 6, f->mac, 6);
	memcpy(o + 12, q + 12, 12);
	o[14] = 0x18;
	o[15] = 0;
	o[16] = (uint8_t)(f->shelf >> 8);
	o[17] = (uint8_t)f->shelf;
	o[18] = (uint8_t)f->slot;
	cmd = q[19];
	if (cmd == 1) {         /* Query Config: read */
		uint8_t *a = o + ETH_HDR + AOE_HDR;

		memset(a, 0, 8);
		a[0] = (uint8_t)(f->bufcnt >> 8);
		a[1] = (uint8_t)f->bufcnt;
		a[4] = (uint8_t)f->spf;
		a[5] = 0x10;
		return 60;
	}
	if (cmd != 0 || len < ETH_HDR + AOE_HDR + ATA_ARG)
		return 0;
	memcpy(o + 24, q + 24, ATA_ARG);
	o[25] = 0;              /* no ATA error */
	o[27] = 0x40;           /* DRDY */
	if ((q[24] & 0x01) == 0 && (q[27] == 0x20 || q[27] == 0x24))
		data = (size_t)q[26] * SECTOR;
	len = ETH_HDR + AOE_HDR + ATA_ARG + data;
	return len < 60 ? 60 : len;
}

static void aoe_serve(struct aoe_floor *f)
{
	struct mmsghdr rm[BATCH], sm[BATCH];
	struct iovec riov[BATCH], siov[BATCH];

	memset(rm, 0, sizeof(rm));
	memset(sm, 0, sizeof(sm));
	for (unsigned i = 0; i < BATCH; i++) {
		riov[i] = (struct iovec){ f->in + i * f->slot_len, f->slot_len };
		rm[i].msg_hdr.msg_iov = &riov[i];
		rm[i].msg_hdr.msg_iovlen = 1;
		sm[i].msg_hdr.msg_iov = &siov[i];
		sm[i].msg_hdr.msg_iovlen = 1;
	}
	for (;;) {
		int n = recvmmsg(f->fd, rm, BATCH, MSG_WAITFORONE, NULL);
		unsigned k = 0;

		for (int i = 0; i < n; i++) {
			uint8_t *o = f->out + k * f->slot_len;
			size_t len = aoe_answer(f, f->in + i * f->slot_len,
						rm[i].msg_len, o);

			if (len)
				siov[k++] = (struct iovec){ o, len };
		}
		for (unsigned done = 0; done < k;) {
			int s = sendmmsg(f->fd, sm + done, k - done, 0);

			done += s > 0 ? (unsigned)s : 1;
		}
	}
}

static int cmd_aoe(int argc, char **argv)
{
	struct aoe_floor f = { .bufcnt = 16 };
	struct ifreq ifr;
	struct sockaddr_ll ll = { .sll_family = AF_PACKET,
				  .sll_protocol = htons(0x88a2) };
	int c, one = 1, buf = 16 << 20;

	while ((c = getopt(argc, argv, "q:")) != -1) {
		if (c != 'q')
			die(2, "usage: floor aoe [-q BUFCNT] IFACE SHELF SLOT SECTORS");
		f.bufcnt = num(optarg, 1, 65535);
	}
	if (argc - optind != 4 || strlen(argv[optind]) >= IFNAMSIZ)
		die(2, "usage: floor aoe [-q BUFCNT] IFACE SHELF SLOT SECTORS");
	f.shelf = num(argv[optind + 1], 0, 65534);
	f.slot = num(argv[optind + 2], 0, 254);
	f.sectors = num(argv[optind + 3], 1, UINT32_MAX);
	f.fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(0x88a2));
	if (f.fd < 0)
		die(1, "packet socket");
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, argv[optind]);
	if (ioctl(f.fd, SIOCGIFINDEX, &ifr) < 0)
		die(1, argv[optind]);
	ll.sll_ifindex = ifr.ifr_ifindex;
	if (ioctl(f.fd, SIOCGIFHWADDR, &ifr) < 0)
		die(1, argv[optind]);
	memcpy(f.mac, ifr.ifr_hwaddr.sa_data, 6);
	if (ioctl(f.fd, SIOCGIFMTU, &ifr) < 0)
		die(1, argv[optind]);
	f.spf = ((unsigned)ifr.ifr_mtu - AOE_HDR - ATA_ARG) / SECTOR;
	f.spf = f.spf > 255 ? 255 : f.spf;
	f.slot_len = ETH_HDR + (size_t)ifr.ifr_mtu;
	if (bind(f.fd, (struct sockaddr *)&ll, sizeof(ll)) < 0)
		die(1, "bind");
	(void)setsockopt(f.fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one,
			 sizeof(one));
	(void)setsockopt(f.fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf));
	(void)setsockopt(f.fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof(buf));
	f.in = calloc(BATCH, f.slot_len);
	f.out = calloc(BATCH, f.slot_len);
	if (f.in == NULL || f.out == NULL)
		die(1, "out of memory");
	memset(f.out, 0xa5, BATCH * f.slot_len);
	aoe_serve(&f);
	return 1;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "tftp") == 0)
		return cmd_tftp(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "aoe") == 0)
		return cmd_aoe(argc - 1, argv + 1);
	errno = 0;
	die(2, "usage: floor tftp|aoe ...");
}
