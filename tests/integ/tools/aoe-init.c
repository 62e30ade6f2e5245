/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * aoe-init: a userspace ATA over Ethernet initiator for the aoetarget
 * tests and bench/aoetarget, over a raw AF_PACKET socket.
 *
 *   aoe-init -i IFACE [-t SHELF.SLOT] [--timeout MS] [--retries N]
 *            [--tag-base N] [--dst MAC] [--src MAC] [--spf N] CMD [ARGS]
 *
 *   discover                  broadcast Query Config read, one line per target
 *   listen                    wait --timeout ms for an unsolicited Query
 *                             Config reply (a target's announcement)
 *   identify                  ATA IDENTIFY DEVICE, key=value lines
 *   read LBA COUNT            COUNT sectors to stdout (LBA48)
 *   write LBA                 stdin (a multiple of 512 bytes) at LBA
 *   flush [28]                FLUSH CACHE EXT (FLUSH CACHE with 28)
 *   ata CMD [--lba N] [--count N] [--feature N] [--lba28] [--dev N]
 *           [--data-file F] [--aflags N] [--out F]
 *                             any ATA command (LBA48 unless --lba28, which
 *                             ORs --dev, default 0xe0, into lba3; a write
 *                             with --data-file, which sets the W flag;
 *                             --aflags sends exactly these flags instead),
 *                             prints status, error, count, AoE error, flags
 *                             and data length; --out saves the data
 *   config read|test|prefix|set|force [STRING]
 *   mask read | mask edit [add MAC...] [del MAC...]
 *   reserve read | reserve set MAC... | reserve force MAC...
 *   raw HEX                   send HEX (the AoE part onward, not padded to
 *                             the Ethernet minimum), print the reply
 *   bench --pattern randread|randwrite|seqread|seqwrite --bs BYTES --qd N
 *         --seconds S [--size-sectors N] [--offset-sectors N] [--flush]
 *         [--window FRAMES]
 *                             over the --size-sectors sectors from
 *                             --offset-sectors (default 0)
 *
 * Requests are retransmitted after --timeout ms, --retries times; replies
 * are matched by tag, and replies whose tag has bit 31 set, requests (R
 * clear) and replies from other shelf.slot addresses are ignored.  --src
 * sends with another source MAC (replies to it still reach this socket on
 * a point-to-point link), to play a second initiator.  --spf caps the
 * sectors per frame (a value above what the target advertises makes it
 * refuse the request, for tests).
 *
 * Output: discover prints "e<shelf>.<slot> mac=MAC bufcnt=N fw=N spf=N
 * ver=N cfg='STRING'" per target (STRING escaped); config adds ccmd= and
 * aoe_error=; mask and reserve print "n=N [merror=N] aoe_error=N
 * macs=MAC,..."; bench prints "iops=N mbps=N lost=N p99_us=N ios=N
 * seconds=S" (lost counts retransmissions; --flush ends the run with a
 * FLUSH whose time counts).  Frames in flight are capped at the target's
 * buffer count, at most 64, as the Linux aoe driver does, unless --window
 * sets the cap.  No reply prints "no reply".
 *
 * Exit status: 0 success, 1 no reply or an error reply, 2 usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "iface.h"
#include "log.h"
#include "mac.h"
#include "num.h"

#define AOE_ETHERTYPE 0x88A2
#define ETH_HDR 14
#define AOE_HDR 10
#define ATA_ARG 12
#define CFG_ARG 8
#define FRAME_MAX 16384
#define SECTOR 512

/* Header byte 0: version in the high nibble, flags in the low one. */
#define AOE_VER 1
#define AOE_FLAG_R 0x8
#define AOE_FLAG_E 0x4

enum { AOE_CMD_ATA = 0, AOE_CMD_CONFIG = 1, AOE_CMD_MASK = 2, AOE_CMD_RESERVE = 3 };

/* ATA arg aflags */
#define AFL_E 0x40
#define AFL_W 0x01

#define ATA_READ_EXT 0x24
#define ATA_WRITE_EXT 0x34
#define ATA_IDENTIFY 0xEC
#define ATA_FLUSH_EXT 0xEA
#define ATA_FLUSH 0xE7
#define ATA_ST_ERR 0x01
#define ATA_ST_DF 0x20

#define RX_BATCH 64
#define TAG_SLOT_BITS 12
#define TAG_SLOTS (1u << TAG_SLOT_BITS)

struct ini {
	int fd;
	unsigned ifindex;
	unsigned mtu;
	uint8_t mac[MAC_LEN];    /* source MAC written into frames */
	uint8_t dst[MAC_LEN];    /* target MAC, or broadcast */
	bool dst_known;
	uint16_t shelf;
	uint8_t slot;
	bool have_target;
	int timeout_ms;
	int retries;
	uint32_t seq;            /* next tag sequence number */
	unsigned spf;            /* sectors per frame to use */
	unsigned spf_forced;
	unsigned bufcnt;         /* target's advertised buffer count */
};

/* One request in flight. */
struct slot {
	bool busy;
	uint32_t tag;
	int tries;
	uint64_t sent_ns;
	size_t len;
	uint8_t pkt[FRAME_MAX];
	uint64_t lba;            /* caller's bookkeeping */
	unsigned nsect;
	size_t io;
};

/* A parsed reply. */
struct reply {
	const uint8_t *frame;
	size_t len;
	const uint8_t *src;
	uint8_t flags;
	uint8_t error;
	uint16_t shelf;
	uint8_t slot;
	uint8_t cmd;
	uint32_t tag;
	const uint8_t *arg;      /* after the AoE header */
	size_t arglen;
};

static NB_NORETURN void usage(const char *fmt, ...) NB_PRINTF(1, 2);
static void usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("aoe-init: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputs("\nusage: aoe-init -i IFACE [-t SHELF.SLOT] [--timeout MS] "
	      "[--retries N] [--tag-base N] [--dst MAC] [--src MAC] [--spf N] "
	      "CMD [ARGS]\n", stderr);
	va_end(ap);
	exit(2);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Decimal, or hexadecimal with 0x; exits 2 naming what when out of range. */
static uint64_t arg_num(const char *what, const char *s, uint64_t min,
			uint64_t max)
{
	uint64_t v;
	int rc;

	if (s == NULL)
		usage("%s: missing value", what);
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		rc = num_parse_hex_mem(s, strlen(s), min, max, &v);
	else
		rc = num_parse(s, min, max, &v);
	if (rc != 0)
		usage("%s '%s': %s (%" PRIu64 "..%" PRIu64 ")", what, s,
		      num_strerror(rc), min, max);
	return v;
}

static void arg_mac(const char *what, const char *s, uint8_t mac[MAC_LEN])
{
	if (mac_parse(s, mac) != 0)
		usage("%s '%s': not a MAC address", what, s);
}

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	put_be16(p, (uint16_t)(v >> 16));
	put_be16(p + 2, (uint16_t)v);
}

static uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)get_be16(p) << 16 | get_be16(p + 2);
}

/* --- socket ---------------------------------------------------------- */

static void ini_open(struct ini *ini, const char *ifname)
{
	struct sockaddr_ll sll;
	int rcv = 8 << 20, one = 1;

	if (iface_index(ifname, &ini->ifindex) != 0 ||
	    iface_mtu(ifname, &ini->mtu) != 0)
		die(1, "%s: no such interface", ifname);
	if (iface_mac(ifname, ini->mac) != 0)
		die(1, "%s: cannot read its MAC address", ifname);
	ini->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(AOE_ETHERTYPE));
	if (ini->fd < 0)
		die(1, "packet socket: %s", strerror(errno));
	/* our own frames need not come back to us; skip the qdisc on send */
	setsockopt(ini->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
	setsockopt(ini->fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
	setsockopt(ini->fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv));
	setsockopt(ini->fd, SOL_SOCKET, SO_SNDBUFFORCE, &rcv, sizeof(rcv));
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(AOE_ETHERTYPE);
	sll.sll_ifindex = (int)ini->ifindex;
	if (bind(ini->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		die(1, "bind to %s: %s", ifname, strerror(errno));
	if (ini->mtu > FRAME_MAX - ETH_HDR)
		ini->mtu = FRAME_MAX - ETH_HDR;
	ini->spf = (ini->mtu - AOE_HDR - ATA_ARG) / SECTOR;
}

static void frame_send(struct ini *ini, const uint8_t *pkt, size_t len)
{
	if (send(ini->fd, pkt, len, 0) < 0 && errno != ENOBUFS && errno != EAGAIN)
		die(1, "send: %s", strerror(errno));
}

/* Ethernet header, then AoE header for cmd with tag; returns the arg. */
static uint8_t *frame_start(const struct ini *ini, uint8_t *pkt, uint8_t cmd,
			    uint32_t tag)
{
	static const uint8_t bcast[MAC_LEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	memcpy(pkt, ini->dst_known ? ini->dst : bcast, MAC_LEN);
	memcpy(pkt + 6, ini->mac, MAC_LEN);
	put_be16(pkt + 12, AOE_ETHERTYPE);
	pkt[14] = AOE_VER << 4;
	pkt[15] = 0;
	put_be16(pkt + 16, ini->have_target ? ini->shelf : 0xffff);
	pkt[18] = ini->have_target ? ini->slot : 0xff;
	pkt[19] = cmd;
	put_be32(pkt + 20, tag);
	return pkt + ETH_HDR + AOE_HDR;
}

static bool reply_parse(const uint8_t *f, size_t len, struct reply *r)
{
	if (len < ETH_HDR + AOE_HDR || get_be16(f + 12) != AOE_ETHERTYPE)
		return false;
	r->frame = f;
	r->len = len;
	r->src = f + 6;
	r->flags = f[14] & 0x0f;
	r->error = f[15];
	r->shelf = get_be16(f + 16);
	r->slot = f[18];
	r->cmd = f[19];
	r->tag = get_be32(f + 20);
	r->arg = f + ETH_HDR + AOE_HDR;
	r->arglen = len - ETH_HDR - AOE_HDR;
	return (r->flags & AOE_FLAG_R) && !(r->tag & 0x80000000u);
}

/* The AoE error of a reply, 0 without the E flag. */
static unsigned aoe_error(const struct reply *r)
{
	return (r->flags & AOE_FLAG_E) ? r->error : 0u;
}

/* A reply from the target we address (any, when we broadcast). */
static bool reply_ours(const struct ini *ini, const struct reply *r)
{
	if (!ini->have_target)
		return true;
	return r->shelf == ini->shelf && r->slot == ini->slot;
}

/* Received frames, many per system call. */
struct rxbatch {
	uint8_t buf[RX_BATCH][FRAME_MAX];
	size_t len[RX_BATCH];
	struct sockaddr_ll from[RX_BATCH];
	struct iovec iov[RX_BATCH];
	struct mmsghdr msg[RX_BATCH];
};

static int rx_once(struct ini *ini, struct rxbatch *b)
{
	for (unsigned i = 0; i < RX_BATCH; i++) {
		b->iov[i].iov_base = b->buf[i];
		b->iov[i].iov_len = FRAME_MAX;
		memset(&b->msg[i], 0, sizeof(b->msg[i]));
		b->msg[i].msg_hdr.msg_iov = &b->iov[i];
		b->msg[i].msg_hdr.msg_iovlen = 1;
		b->msg[i].msg_hdr.msg_name = &b->from[i];
		b->msg[i].msg_hdr.msg_namelen = sizeof(b->from[i]);
	}
	return recvmmsg(ini->fd, b->msg, RX_BATCH, MSG_DONTWAIT, NULL);
}

/*
 * Waits up to ms for AoE frames; returns how many are in b (0 on
 * timeout), our own outgoing frames left out.
 */
static unsigned frame_recv_batch(struct ini *ini, struct rxbatch *b, int ms)
{
	struct pollfd pfd = { .fd = ini->fd, .events = POLLIN };
	uint64_t end = now_ns() + (uint64_t)(ms > 0 ? ms : 0) * 1000000u;
	unsigned n = 0;
	int got;

	for (;;) {
		uint64_t t;

		got = rx_once(ini, b);
		for (int i = 0; i < got; i++) {
			if (b->from[i].sll_pkttype == PACKET_OUTGOING)
				continue;
			if ((unsigned)i != n)
				memcpy(b->buf[n], b->buf[i], b->msg[i].msg_len);
			b->len[n++] = b->msg[i].msg_len;
		}
		if (n > 0)
			return n;
		if (got < 0 && errno != EAGAIN && errno != EINTR)
			die(1, "recv: %s", strerror(errno));
		if (got > 0)
			continue;
		t = now_ns();
		if (t >= end)
			return 0;
		if (poll(&pfd, 1, (int)((end - t) / 1000000u) + 1) < 0 &&
		    errno != EINTR)
			die(1, "poll: %s", strerror(errno));
	}
}

/*
 * One frame at a time out of frame_recv_batch: waits up to ms, returns
 * its length, 0 on timeout.
 */
static size_t frame_recv(struct ini *ini, uint8_t *buf, int ms)
{
	static struct rxbatch rx;
	static unsigned have, next;

	if (next == have) {
		have = frame_recv_batch(ini, &rx, ms);
		next = 0;
		if (have == 0)
			return 0;
	}
	memcpy(buf, rx.buf[next], rx.len[next]);
	return rx.len[next++];
}

/* --- the request pump ------------------------------------------------- */

/*
 * Fills a free slot with the next request (the frame in s->pkt, s->len):
 * returns 1 when it did, 0 when nothing is ready now, -1 when the work is
 * over.
 */
typedef int (*next_fn)(void *ctx, struct ini *ini, struct slot *s);
/* A matching reply arrived for s: 0 to go on, -1 to stop with failure. */
typedef int (*done_fn)(void *ctx, struct slot *s, const struct reply *r);

struct pump {
	struct ini *ini;
	struct slot *slots;
	unsigned n;
	next_fn next;
	done_fn done;
	void *ctx;
	bool more;
	unsigned busy;
	uint64_t lost;        /* retransmissions */
	bool timed_out;       /* a request ran out of retries */
};

static uint32_t tag_for(struct ini *ini, unsigned i)
{
	uint32_t seq = ini->seq++ & ((1u << (31 - TAG_SLOT_BITS)) - 1);

	return seq << TAG_SLOT_BITS | i;
}

/* Frames queued by pump_fill, sent with one system call. */
struct sendq {
	struct mmsghdr msg[RX_BATCH];
	struct iovec iov[RX_BATCH];
	unsigned n;
};

static void sendq_flush(struct ini *ini, struct sendq *q)
{
	unsigned done = 0;
	int rc;

	while (done < q->n) {
		rc = sendmmsg(ini->fd, q->msg + done, q->n - done, 0);
		if (rc < 0 && errno != ENOBUFS && errno != EAGAIN && errno != EINTR)
			die(1, "send: %s", strerror(errno));
		if (rc <= 0)
			break;  /* dropped: the retransmit timer covers it */
		done += (unsigned)rc;
	}
	q->n = 0;
}

static void sendq_add(struct ini *ini, struct sendq *q, uint8_t *pkt, size_t len)
{
	q->iov[q->n].iov_base = pkt;
	q->iov[q->n].iov_len = len;
	memset(&q->msg[q->n], 0, sizeof(q->msg[q->n]));
	q->msg[q->n].msg_hdr.msg_iov = &q->iov[q->n];
	q->msg[q->n].msg_hdr.msg_iovlen = 1;
	if (++q->n == RX_BATCH)
		sendq_flush(ini, q);
}

static void pump_fill(struct pump *p)
{
	static struct sendq q;
	uint64_t t = now_ns();
	int rc;

	for (unsigned i = 0; i < p->n && p->more; i++) {
		struct slot *s = &p->slots[i];

		if (s->busy)
			continue;
		s->tag = tag_for(p->ini, i);
		rc = p->next(p->ctx, p->ini, s);
		if (rc <= 0) {
			p->more = rc == 0;
			break;
		}
		put_be32(s->pkt + 20, s->tag);
		s->busy = true;
		s->tries = 0;
		s->sent_ns = t;
		p->busy++;
		sendq_add(p->ini, &q, s->pkt, s->len);
	}
	sendq_flush(p->ini, &q);
}

/* Resends what timed out; returns ms until the next deadline. */
static int pump_retransmit(struct pump *p)
{
	uint64_t rto = (uint64_t)p->ini->timeout_ms * 1000000u;
	uint64_t t = now_ns(), next = UINT64_MAX;

	for (unsigned i = 0; i < p->n; i++) {
		struct slot *s = &p->slots[i];

		if (!s->busy)
			continue;
		if (t - s->sent_ns >= rto) {
			if (s->tries >= p->ini->retries) {
				p->timed_out = true;
				return 0;
			}
			s->tries++;
			p->lost++;
			s->sent_ns = t;
			frame_send(p->ini, s->pkt, s->len);
		}
		if (s->sent_ns + rto < next)
			next = s->sent_ns + rto;
	}
	if (next == UINT64_MAX)
		return p->ini->timeout_ms;
	return next > t ? (int)((next - t) / 1000000u) + 1 : 0;
}

static int pump_take(struct pump *p, const uint8_t *buf, size_t len)
{
	struct reply r;
	struct slot *s;

	if (!reply_parse(buf, len, &r) || !reply_ours(p->ini, &r))
		return 0;
	s = &p->slots[r.tag & (TAG_SLOTS - 1)];
	if ((r.tag & (TAG_SLOTS - 1)) >= p->n || !s->busy || s->tag != r.tag)
		return 0;
	if (!p->ini->dst_known) {
		memcpy(p->ini->dst, r.src, MAC_LEN);
		p->ini->dst_known = true;
	}
	s->busy = false;
	p->busy--;
	return p->done(p->ctx, s, &r);
}

/* Runs until next has no more work and every reply is in: 0, or -1. */
static int pump_run(struct pump *p)
{
	static struct rxbatch rx;
	unsigned n;
	int ms;

	p->more = true;
	pump_fill(p);
	while (p->busy > 0) {
		ms = pump_retransmit(p);
		if (p->timed_out)
			return -1;
		n = frame_recv_batch(p->ini, &rx, ms);
		for (unsigned i = 0; i < n; i++)
			if (pump_take(p, rx.buf[i], rx.len[i]) < 0)
				return -1;
		pump_fill(p);
	}
	return 0;
}

/* One request, one reply: the reply is copied to out (FRAME_MAX bytes). */
struct single {
	const uint8_t *pkt;
	size_t len;
	bool sent;
	uint8_t *out;
	size_t outlen;
};

static int single_next(void *ctx, struct ini *ini, struct slot *s)
{
	struct single *q = ctx;

	(void)ini;
	if (q->sent)
		return -1;
	memcpy(s->pkt, q->pkt, q->len);
	s->len = q->len;
	q->sent = true;
	return 1;
}

static int single_done(void *ctx, struct slot *s, const struct reply *r)
{
	struct single *q = ctx;

	(void)s;
	memcpy(q->out, r->frame, r->len);
	q->outlen = r->len;
	return 0;
}

/* Sends pkt (its tag is replaced) and waits for the reply: its length or 0. */
static size_t transact(struct ini *ini, const uint8_t *pkt, size_t len,
		       uint8_t *out)
{
	static struct slot slot;
	struct single q = { pkt, len, false, out, 0 };
	struct pump p = { ini, &slot, 1, single_next, single_done, &q,
			  false, 0, 0, false };

	if (pump_run(&p) < 0)
		return 0;
	return q.outlen;
}

/* --- ATA -------------------------------------------------------------- */

struct ata_req {
	uint8_t aflags;
	uint8_t feature;
	uint8_t count;
	uint8_t cmd;
	uint64_t lba;
	bool lba28;
	uint8_t dev;           /* OR-ed into lba3 in LBA28 mode */
	const uint8_t *data;
	size_t datalen;
};

static size_t ata_build(const struct ini *ini, uint8_t *pkt,
			const struct ata_req *a)
{
	uint8_t *arg = frame_start(ini, pkt, AOE_CMD_ATA, 0);

	arg[0] = a->aflags;
	arg[1] = a->feature;
	arg[2] = a->count;
	arg[3] = a->cmd;
	for (int i = 0; i < 6; i++)
		arg[4 + i] = (uint8_t)(a->lba >> (8 * i));
	if (a->lba28)
		arg[7] = (uint8_t)((a->lba >> 24 & 0x0f) | a->dev);
	if (a->lba28)
		arg[8] = arg[9] = 0;
	arg[10] = arg[11] = 0;
	if (a->datalen)
		memcpy(arg + ATA_ARG, a->data, a->datalen);
	return ETH_HDR + AOE_HDR + ATA_ARG + a->datalen;
}

/* Explains a failed ATA reply on stderr; 0 when it succeeded. */
static int ata_check(const struct reply *r, size_t want_data)
{
	if (r->flags & AOE_FLAG_E) {
		fprintf(stderr, "aoe-init: aoe error %u\n", r->error);
		return -1;
	}
	if (r->arglen < ATA_ARG) {
		fprintf(stderr, "aoe-init: short ATA reply (%zu bytes)\n",
			r->arglen);
		return -1;
	}
	if (r->arg[3] & (ATA_ST_ERR | ATA_ST_DF)) {
		fprintf(stderr, "aoe-init: ata status=0x%02x err=0x%02x\n",
			r->arg[3], r->arg[1]);
		return -1;
	}
	if (r->arglen - ATA_ARG < want_data) {
		fprintf(stderr, "aoe-init: short data: %zu of %zu bytes\n",
			r->arglen - ATA_ARG, want_data);
		return -1;
	}
	return 0;
}

/* --- Query Config and target discovery -------------------------------- */

static size_t config_build(const struct ini *ini, uint8_t *pkt, unsigned ccmd,
			   const char *str, size_t slen)
{
	uint8_t *arg = frame_start(ini, pkt, AOE_CMD_CONFIG, 0);

	memset(arg, 0, CFG_ARG);
	arg[5] = (uint8_t)(AOE_VER << 4 | ccmd);
	put_be16(arg + 6, (uint16_t)slen);
	if (slen)
		memcpy(arg + CFG_ARG, str, slen);
	return ETH_HDR + AOE_HDR + CFG_ARG + slen;
}

static void config_print(const struct reply *r, bool with_addr)
{
	char esc[LOG_ESCAPE_SIZE(1024)];
	char m[MAC_STRLEN];
	size_t slen = 0;

	if (r->arglen >= CFG_ARG) {
		slen = get_be16(r->arg + 6);
		if (slen > r->arglen - CFG_ARG)
			slen = r->arglen - CFG_ARG;
		if (slen > 1024)
			slen = 1024;
	}
	if (with_addr)
		printf("e%u.%u mac=%s ", r->shelf, r->slot,
		       mac_format(r->src, MAC_FMT_COLON, m));
	if (r->arglen < CFG_ARG) {
		printf("aoe_error=%u short\n", r->error);
		return;
	}
	printf("bufcnt=%u fw=%u spf=%u ver=%u", (unsigned)get_be16(r->arg),
	       (unsigned)get_be16(r->arg + 2), (unsigned)r->arg[4],
	       (unsigned)r->arg[5] >> 4);
	if (!with_addr)
		printf(" ccmd=%u aoe_error=%u", (unsigned)r->arg[5] & 0x0fu,
		       aoe_error(r));
	printf(" cfg='%s'\n", log_escape(esc, sizeof(esc), r->arg + CFG_ARG, slen));
}

/*
 * Learns the target's MAC, buffer count and sectors per frame with a
 * Query Config read; without an answer, frames stay broadcast.
 */
static void target_probe(struct ini *ini)
{
	static uint8_t pkt[FRAME_MAX], out[FRAME_MAX];
	struct reply r;
	size_t len;
	int saved = ini->retries;

	ini->retries = 1;
	len = transact(ini, pkt, config_build(ini, pkt, 0, NULL, 0), out);
	ini->retries = saved;
	if (len == 0 || !reply_parse(out, len, &r) || r.arglen < CFG_ARG)
		return;
	ini->bufcnt = get_be16(r.arg);
	if (r.arg[4] != 0 && r.arg[4] < ini->spf)
		ini->spf = r.arg[4];
}

static int cmd_discover(struct ini *ini)
{
	static uint8_t pkt[FRAME_MAX], buf[FRAME_MAX];
	uint8_t seen[256][MAC_LEN + 3];
	unsigned nseen = 0;
	uint64_t end = now_ns() + (uint64_t)ini->timeout_ms * 1000000u;
	uint32_t tag = tag_for(ini, 0);
	size_t len = config_build(ini, pkt, 0, NULL, 0);
	struct reply r;

	put_be32(pkt + 20, tag);
	frame_send(ini, pkt, len);
	for (uint64_t t = now_ns(); t < end; t = now_ns()) {
		size_t n = frame_recv(ini, buf, (int)((end - t) / 1000000u) + 1);
		uint8_t key[MAC_LEN + 3];
		bool dup = false;

		if (n == 0 || !reply_parse(buf, n, &r) || r.tag != tag ||
		    r.cmd != AOE_CMD_CONFIG)
			continue;
		memcpy(key, r.src, MAC_LEN);
		put_be16(key + 6, r.shelf);
		key[8] = r.slot;
		for (unsigned i = 0; i < nseen && !dup; i++)
			dup = memcmp(seen[i], key, sizeof(key)) == 0;
		if (dup || nseen == 256)
			continue;
		memcpy(seen[nseen++], key, sizeof(key));
		config_print(&r, true);
	}
	fflush(stdout);
	return nseen > 0 ? 0 : 1;
}

/* Waits for a Query Config reply nobody here asked for (an announcement). */
static int cmd_listen(struct ini *ini)
{
	static uint8_t buf[FRAME_MAX];
	uint64_t end = now_ns() + (uint64_t)ini->timeout_ms * 1000000u;
	struct reply r;
	char m[MAC_STRLEN];

	fputs("listening\n", stderr);
	for (uint64_t t = now_ns(); t < end; t = now_ns()) {
		size_t n = frame_recv(ini, buf, (int)((end - t) / 1000000u) + 1);

		if (n == 0 || !reply_parse(buf, n, &r) || r.cmd != AOE_CMD_CONFIG)
			continue;
		printf("to=%s ", mac_format(buf, MAC_FMT_COLON, m));
		config_print(&r, true);
		fflush(stdout);
		return 0;
	}
	puts("no announcement");
	return 1;
}

static int cmd_config(struct ini *ini, int argc, char **argv)
{
	static const char *const names[] = { "read", "test", "prefix", "set", "force" };
	static uint8_t pkt[FRAME_MAX], out[FRAME_MAX];
	const char *str = argc > 1 ? argv[1] : "";
	unsigned ccmd = 5;
	struct reply r;
	size_t len;

	if (argc < 1)
		usage("config: read, test, prefix, set or force");
	for (unsigned i = 0; i < 5; i++)
		if (strcmp(argv[0], names[i]) == 0)
			ccmd = i;
	if (ccmd == 5 || argc > 2)
		usage("config: read, test, prefix, set or force [STRING]");
	if (strlen(str) > FRAME_MAX - 64)
		usage("config: string too long");
	len = transact(ini, pkt, config_build(ini, pkt, ccmd, str, strlen(str)), out);
	if (len == 0 || !reply_parse(out, len, &r)) {
		puts("no reply");
		return 1;
	}
	config_print(&r, false);
	return (r.flags & AOE_FLAG_E) ? 1 : 0;
}

/* --- IDENTIFY --------------------------------------------------------- */

static uint16_t id_word(const uint8_t *d, unsigned w)
{
	return (uint16_t)(d[2 * w] | d[2 * w + 1] << 8);
}

/* An ATA string: words [w0, w0+n), each word's bytes swapped, trimmed. */
static void id_string(const uint8_t *d, unsigned w0, unsigned n, char *out)
{
	char esc[LOG_ESCAPE_SIZE(80)];
	char s[81];
	size_t len = 0;

	for (unsigned w = w0; w < w0 + n; w++) {
		s[len++] = (char)d[2 * w + 1];
		s[len++] = (char)d[2 * w];
	}
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\0'))
		len--;
	log_escape(esc, sizeof(esc), s, len);
	strcpy(out, esc);
}

static int identify(struct ini *ini, uint8_t data[SECTOR])
{
	static uint8_t pkt[FRAME_MAX], out[FRAME_MAX];
	struct ata_req a = { .count = 1, .cmd = ATA_IDENTIFY };
	struct reply r;
	size_t len;

	len = transact(ini, pkt, ata_build(ini, pkt, &a), out);
	if (len == 0) {
		fprintf(stderr, "aoe-init: no reply to IDENTIFY\n");
		return -1;
	}
	reply_parse(out, len, &r);
	if (ata_check(&r, SECTOR) < 0)
		return -1;
	memcpy(data, r.arg + ATA_ARG, SECTOR);
	return 0;
}

static uint64_t id_sectors(const uint8_t *d)
{
	uint64_t s48 = 0;

	for (unsigned w = 103; w >= 100; w--)
		s48 = s48 << 16 | id_word(d, w);
	if (id_word(d, 83) & (1u << 10))
		return s48;
	return (uint64_t)id_word(d, 61) << 16 | id_word(d, 60);
}

static int cmd_identify(struct ini *ini)
{
	uint8_t d[SECTOR];
	char model[LOG_ESCAPE_SIZE(80)], serial[LOG_ESCAPE_SIZE(80)],
		fw[LOG_ESCAPE_SIZE(80)];
	uint16_t w83;
	uint64_t s48 = 0;

	if (identify(ini, d) < 0)
		return 1;
	for (unsigned w = 103; w >= 100; w--)
		s48 = s48 << 16 | id_word(d, w);
	w83 = id_word(d, 83);
	id_string(d, 27, 20, model);
	id_string(d, 10, 10, serial);
	id_string(d, 23, 4, fw);
	printf("size_sectors=%" PRIu64 "\nlba48=%u\nflush=%u\nmodel=%s\n"
	       "serial=%s\nfw=%s\nw49=0x%04x\nw60_61=%" PRIu32 "\nw83=0x%04x\n"
	       "w86=0x%04x\nw100_103=%" PRIu64 "\n",
	       id_sectors(d), (w83 >> 10) & 1u, (w83 >> 13 | w83 >> 12) & 1u,
	       model, serial, fw, id_word(d, 49),
	       (uint32_t)id_word(d, 61) << 16 | id_word(d, 60), w83,
	       id_word(d, 86), s48);
	return 0;
}

/* --- bulk read and write ---------------------------------------------- */

struct xfer {
	uint64_t lba;          /* next sector to ask for */
	uint64_t end;
	uint64_t first;
	uint8_t *buf;          /* (end - first) sectors */
	bool write;
};

static int xfer_next(void *ctx, struct ini *ini, struct slot *s)
{
	struct xfer *x = ctx;
	struct ata_req a = { 0 };
	uint64_t n;

	if (x->lba >= x->end)
		return -1;
	n = x->end - x->lba;
	if (n > ini->spf)
		n = ini->spf;
	a.aflags = AFL_E | (x->write ? AFL_W : 0);
	a.count = (uint8_t)n;
	a.cmd = x->write ? ATA_WRITE_EXT : ATA_READ_EXT;
	a.lba = x->lba;
	if (x->write) {
		a.data = x->buf + (x->lba - x->first) * SECTOR;
		a.datalen = (size_t)n * SECTOR;
	}
	s->len = ata_build(ini, s->pkt, &a);
	s->lba = x->lba;
	s->nsect = (unsigned)n;
	x->lba += n;
	return 1;
}

static int xfer_done(void *ctx, struct slot *s, const struct reply *r)
{
	struct xfer *x = ctx;
	size_t want = x->write ? 0 : (size_t)s->nsect * SECTOR;

	if (ata_check(r, want) < 0) {
		fprintf(stderr, "aoe-init: at lba %" PRIu64 " count %u\n",
			s->lba, s->nsect);
		return -1;
	}
	if (!x->write)
		memcpy(x->buf + (s->lba - x->first) * SECTOR,
		       r->arg + ATA_ARG, want);
	return 0;
}

static unsigned window(const struct ini *ini)
{
	unsigned w = ini->bufcnt ? ini->bufcnt : 1;

	return w > 64 ? 64 : w;
}

static int xfer_run(struct ini *ini, struct xfer *x)
{
	unsigned n = window(ini);
	struct slot *slots = calloc(n, sizeof(*slots));
	struct pump p = { ini, slots, n, xfer_next, xfer_done, x,
			  false, 0, 0, false };
	int rc;

	if (slots == NULL)
		die(1, "out of memory");
	rc = pump_run(&p);
	if (p.timed_out)
		fprintf(stderr, "aoe-init: no reply after %d tries\n",
			ini->retries + 1);
	free(slots);
	return rc;
}

static int cmd_read(struct ini *ini, int argc, char **argv)
{
	struct xfer x = { 0 };
	size_t bytes;

	if (argc != 2)
		usage("read LBA COUNT");
	x.first = x.lba = arg_num("LBA", argv[0], 0, (1ull << 48) - 1);
	x.end = x.first + arg_num("COUNT", argv[1], 1, 1u << 21);
	bytes = (size_t)(x.end - x.first) * SECTOR;
	x.buf = malloc(bytes);
	if (x.buf == NULL)
		die(1, "out of memory");
	if (xfer_run(ini, &x) < 0)
		return 1;
	if (fwrite(x.buf, 1, bytes, stdout) != bytes || fflush(stdout) != 0)
		die(1, "stdout: %s", strerror(errno));
	free(x.buf);
	return 0;
}

/* All of a file (or stdin for NULL) in a malloc'ed buffer. */
static uint8_t *slurp(const char *path, size_t *lenp)
{
	FILE *f = path ? fopen(path, "rb") : stdin;
	size_t cap = 1 << 16, len = 0, n;
	uint8_t *buf = malloc(cap);

	if (f == NULL)
		die(1, "%s: %s", path, strerror(errno));
	while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap) {
			uint8_t *bigger = realloc(buf, cap *= 2);

			if (bigger == NULL)
				free(buf);
			buf = bigger;
		}
	}
	if (buf == NULL || ferror(f))
		die(1, "%s: read failed", path ? path : "stdin");
	if (path)
		fclose(f);
	*lenp = len;
	return buf;
}

static int cmd_write(struct ini *ini, int argc, char **argv)
{
	struct xfer x = { 0 };
	size_t len;
	int rc;

	if (argc != 1)
		usage("write LBA < FILE");
	x.first = x.lba = arg_num("LBA", argv[0], 0, (1ull << 48) - 1);
	x.buf = slurp(NULL, &len);
	if (len == 0 || len % SECTOR)
		die(1, "stdin: %zu bytes, not a positive multiple of 512", len);
	x.end = x.first + len / SECTOR;
	x.write = true;
	rc = xfer_run(ini, &x);
	free(x.buf);
	return rc < 0 ? 1 : 0;
}

/* --- raw ATA ---------------------------------------------------------- */

static int ata_print(const struct reply *r, const char *outpath)
{
	size_t dlen = r->arglen > ATA_ARG ? r->arglen - ATA_ARG : 0;
	FILE *f;

	if (r->arglen < ATA_ARG) {
		printf("status=none err=none count=none aoe_error=%u flags=0x%x len=0\n",
		       r->error, r->flags);
		return (r->flags & AOE_FLAG_E) ? 1 : 0;
	}
	printf("status=0x%02x err=0x%02x count=0x%02x aoe_error=%u flags=0x%x len=%zu\n",
	       r->arg[3], r->arg[1], r->arg[2], aoe_error(r),
	       (unsigned)r->flags, dlen);
	if (outpath && dlen) {
		f = fopen(outpath, "wb");
		if (f == NULL || fwrite(r->arg + ATA_ARG, 1, dlen, f) != dlen ||
		    fclose(f) != 0)
			die(1, "%s: write failed", outpath);
	}
	return 0;
}

static int cmd_ata(struct ini *ini, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "lba", required_argument, NULL, 'l' },
		{ "count", required_argument, NULL, 'c' },
		{ "feature", required_argument, NULL, 'F' },
		{ "lba28", no_argument, NULL, '2' },
		{ "dev", required_argument, NULL, 'D' },
		{ "data-file", required_argument, NULL, 'f' },
		{ "aflags", required_argument, NULL, 'A' },
		{ "out", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	static uint8_t pkt[FRAME_MAX], out[FRAME_MAX];
	struct ata_req a = { .aflags = AFL_E, .dev = 0xe0 };
	const char *outpath = NULL;
	uint8_t *data = NULL;
	struct reply r;
	size_t len;
	int c, aflags = -1;

	if (argc < 1)
		usage("ata CMD [--lba N] [--count N] [--lba28] [--data-file F]");
	a.cmd = (uint8_t)arg_num("ATA command", argv[0], 0, 255);
	optind = 1;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'l': a.lba = arg_num("--lba", optarg, 0, (1ull << 48) - 1); break;
		case 'c': a.count = (uint8_t)arg_num("--count", optarg, 0, 255); break;
		case 'F': a.feature = (uint8_t)arg_num("--feature", optarg, 0, 255); break;
		case '2': a.lba28 = true; a.aflags &= (uint8_t)~AFL_E; break;
		case 'D': a.dev = (uint8_t)arg_num("--dev", optarg, 0, 255); break;
		case 'f': data = slurp(optarg, &a.datalen); break;
		case 'A': aflags = (int)arg_num("--aflags", optarg, 0, 255); break;
		case 'o': outpath = optarg; break;
		default: usage("ata: bad option");
		}
	}
	if (optind != argc)
		usage("ata: unexpected argument '%s'", argv[optind]);
	if (data) {
		a.aflags |= AFL_W;
		a.data = data;
		if (a.datalen > FRAME_MAX - 64)
			usage("ata: --data-file larger than a frame");
	}
	if (aflags >= 0)
		a.aflags = (uint8_t)aflags;
	len = transact(ini, pkt, ata_build(ini, pkt, &a), out);
	free(data);
	if (len == 0) {
		puts("no reply");
		return 1;
	}
	reply_parse(out, len, &r);
	return ata_print(&r, outpath);
}

/*
 * FLUSH CACHE EXT, or FLUSH CACHE (0xE7) for "flush 28".  With fallback,
 * an aborted EXT form is retried as 0xE7 (targets that know only that).
 */
static int ata_flush(struct ini *ini, uint8_t cmd, bool fallback)
{
	static uint8_t pkt[FRAME_MAX], out[FRAME_MAX];
	struct ata_req a = { .aflags = AFL_E, .cmd = cmd };
	struct reply r;
	size_t len;

	len = transact(ini, pkt, ata_build(ini, pkt, &a), out);
	if (len == 0) {
		fprintf(stderr, "aoe-init: no reply to FLUSH\n");
		return 1;
	}
	reply_parse(out, len, &r);
	if (fallback && !(r.flags & AOE_FLAG_E) && r.arglen >= ATA_ARG &&
	    (r.arg[3] & ATA_ST_ERR)) {
		fprintf(stderr, "aoe-init: FLUSH CACHE EXT refused, using 0xE7\n");
		return ata_flush(ini, ATA_FLUSH, false);
	}
	return ata_check(&r, 0) < 0 ? 1 : 0;
}

static int cmd_flush(struct ini *ini, int argc, char **argv)
{
	if (argc > 1 || (argc == 1 && strcmp(argv[0], "28") != 0))
		usage("flush [28]");
	return ata_flush(ini, argc ? ATA_FLUSH : ATA_FLUSH_EXT, false);
}

/* --- MAC mask list and reservations ------------------------------------ */

static void macs_print(const uint8_t *p, size_t n)
{
	char m[MAC_STRLEN];

	printf(" macs=");
	for (size_t i = 0; i < n; i++)
		printf("%s%s", i ? "," : "", mac_format(p + 8 * i + 2, MAC_FMT_COLON, m));
	putchar('\n');
}

static int mask_reply(const uint8_t *out, size_t len)
{
	struct reply r;
	size_t n;

	if (len == 0) {
		puts("no reply");
		return 1;
	}
	reply_parse(out, len, &r);
	if (r.arglen < 4) {
		printf("n=0 merror=0 aoe_error=%u short\n", r.error);
		return 1;
	}
	n = r.arg[3];
	if (n > (r.arglen - 4) / 8)
		n = (r.arglen - 4) / 8;
	printf("n=%u merror=%u aoe_error=%u", (unsigned)r.arg[3],
	       (unsigned)r.arg[2], aoe_error(&r));
	macs_print(r.arg + 4, n);
	return (r.flags & AOE_FLAG_E) || r.arg[2] ? 1 : 0;
}

static int cmd_mask(struct ini *ini, int argc, char **argv)
{
	static uint8_t pkt[FRAME_MAX], out[FRAME_MAX];
	uint8_t *arg = frame_start(ini, pkt, AOE_CMD_MASK, 0);
	unsigned dcmd = 0, n = 0;

	if (argc < 1 || (strcmp(argv[0], "read") && strcmp(argv[0], "edit")))
		usage("mask read | mask edit [add MAC...] [del MAC...]");
	arg[0] = 0;
	arg[1] = strcmp(argv[0], "edit") == 0;
	arg[2] = 0;
	for (int i = 1; i < argc; i++) {
		uint8_t *d = arg + 4 + 8 * n;

		if (strcmp(argv[i], "add") == 0 || strcmp(argv[i], "del") == 0) {
			dcmd = argv[i][0] == 'a' ? 1 : 2;
			continue;
		}
		if (dcmd == 0 || n >= 255 || !arg[1])
			usage("mask edit: add MAC... del MAC...");
		d[0] = 0;
		d[1] = (uint8_t)dcmd;
		arg_mac("mask", argv[i], d + 2);
		n++;
	}
	arg[3] = (uint8_t)n;
	return mask_reply(out, transact(ini, pkt, ETH_HDR + AOE_HDR + 4 + 8 * n, out));
}

static int cmd_reserve(struct ini *ini, int argc, char **argv)
{
	static uint8_t pkt[FRAME_MAX], out[FRAME_MAX];
	static const char *const names[] = { "read", "set", "force" };
	uint8_t *arg = frame_start(ini, pkt, AOE_CMD_RESERVE, 0);
	char m[MAC_STRLEN];
	struct reply r;
	unsigned rcmd = 3;
	size_t len, n;

	for (unsigned i = 0; argc > 0 && i < 3; i++)
		if (strcmp(argv[0], names[i]) == 0)
			rcmd = i;
	if (rcmd == 3 || argc - 1 > 255 || (rcmd == 0 && argc > 1))
		usage("reserve read | reserve set MAC... | reserve force MAC...");
	arg[0] = (uint8_t)rcmd;
	arg[1] = (uint8_t)(argc - 1);
	for (int i = 1; i < argc; i++)
		arg_mac("reserve", argv[i], arg + 2 + 6 * (i - 1));
	len = transact(ini, pkt, ETH_HDR + AOE_HDR + 2 + 6 * (size_t)(argc - 1), out);
	if (len == 0) {
		puts("no reply");
		return 1;
	}
	reply_parse(out, len, &r);
	n = r.arglen >= 2 ? r.arg[1] : 0;
	if (r.arglen < 2 || n > (r.arglen - 2) / 6)
		n = r.arglen >= 2 ? (r.arglen - 2) / 6 : 0;
	printf("n=%zu aoe_error=%u macs=", n, aoe_error(&r));
	for (size_t i = 0; i < n; i++)
		printf("%s%s", i ? "," : "", mac_format(r.arg + 2 + 6 * i, MAC_FMT_COLON, m));
	putchar('\n');
	return (r.flags & AOE_FLAG_E) ? 1 : 0;
}

/* --- raw frames -------------------------------------------------------- */

/* Hex digit pairs, blanks and ':' ignored; returns the byte count or exits 2. */
static size_t hex_decode(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;
	uint64_t v;

	while (*s) {
		if (*s == ' ' || *s == ':' || *s == '\n') {
			s++;
			continue;
		}
		if (n >= max || s[1] == '\0' ||
		    num_parse_hex_mem(s, 2, 0, 255, &v) != 0 ||
		    (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')))
			usage("raw: bad or too long HEX near '%.8s'", s);
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

static int cmd_raw(struct ini *ini, int argc, char **argv)
{
	static uint8_t pkt[FRAME_MAX], buf[FRAME_MAX];
	uint64_t end = now_ns() + (uint64_t)ini->timeout_ms * 1000000u;
	size_t n, len;
	struct reply r;

	if (argc != 1)
		usage("raw HEX");
	frame_start(ini, pkt, 0, 0);
	n = hex_decode(argv[0], pkt + ETH_HDR, FRAME_MAX - ETH_HDR);
	len = ETH_HDR + n;
	frame_send(ini, pkt, len);
	for (uint64_t t = now_ns(); t < end; t = now_ns()) {
		size_t got = frame_recv(ini, buf, (int)((end - t) / 1000000u) + 1);

		if (got == 0 || !reply_parse(buf, got, &r))
			continue;
		if (n >= AOE_HDR && r.tag != get_be32(pkt + ETH_HDR + 6))
			continue;
		for (size_t i = ETH_HDR; i < got; i++)
			printf("%02x", buf[i]);
		putchar('\n');
		return 0;
	}
	puts("no reply");
	return 1;
}

/* --- bench ------------------------------------------------------------- */

enum pattern { PAT_RANDREAD, PAT_RANDWRITE, PAT_SEQREAD, PAT_SEQWRITE };

/* One bs-sized I/O, split in frames. */
struct bio {
	unsigned left;         /* frames still out */
	uint64_t start_ns;
};

struct bench {
	enum pattern pat;
	unsigned bs_sect;
	uint64_t size;         /* sectors */
	uint64_t first;        /* sector the region starts at */
	uint64_t deadline;
	uint64_t seq;          /* next sector for seq patterns */
	uint64_t rnd;
	struct bio *ios;
	unsigned qd;
	unsigned cur_io;       /* io being issued */
	unsigned cur_frame;    /* next frame of it */
	uint64_t cur_lba;
	uint64_t done_ios;
	uint64_t bytes;
	uint64_t *lat;
	size_t nlat, caplat;
	uint8_t *wbuf;
	bool failed;
};

static bool bench_writes(const struct bench *b)
{
	return b->pat == PAT_SEQWRITE || b->pat == PAT_RANDWRITE;
}

static uint64_t rnd_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Picks a free I/O slot and its LBA: 1, 0 when none is free, -1 at the end. */
static int bench_new_io(struct bench *b)
{
	uint64_t span = b->size - b->bs_sect + 1;

	if (now_ns() >= b->deadline)
		return -1;
	for (unsigned i = 0; i < b->qd; i++) {
		if (b->ios[i].left != 0)
			continue;
		b->cur_io = i;
		b->cur_frame = 0;
		if (b->pat == PAT_RANDREAD || b->pat == PAT_RANDWRITE) {
			b->cur_lba = rnd_next(&b->rnd) % span;
			b->cur_lba -= b->cur_lba % b->bs_sect;
		} else {
			if (b->seq + b->bs_sect > b->size)
				b->seq = 0;
			b->cur_lba = b->seq;
			b->seq += b->bs_sect;
		}
		b->cur_lba += b->first;
		b->ios[i].start_ns = now_ns();
		return 1;
	}
	return 0;
}

static int bench_next(void *ctx, struct ini *ini, struct slot *s)
{
	struct bench *b = ctx;
	unsigned frames = (b->bs_sect + ini->spf - 1) / ini->spf;
	struct ata_req a = { .aflags = AFL_E };
	unsigned n;
	int rc;

	if (b->cur_frame == 0 && (rc = bench_new_io(b)) <= 0)
		return rc;
	n = b->bs_sect - b->cur_frame * ini->spf;
	if (n > ini->spf)
		n = ini->spf;
	a.count = (uint8_t)n;
	a.lba = b->cur_lba + (uint64_t)b->cur_frame * ini->spf;
	a.cmd = bench_writes(b) ? ATA_WRITE_EXT : ATA_READ_EXT;
	if (bench_writes(b)) {
		a.aflags |= AFL_W;
		a.data = b->wbuf;
		a.datalen = (size_t)n * SECTOR;
	}
	s->len = ata_build(ini, s->pkt, &a);
	s->io = b->cur_io;
	s->nsect = n;
	s->lba = a.lba;
	b->ios[b->cur_io].left++;
	if (++b->cur_frame == frames)
		b->cur_frame = 0;
	return 1;
}

static int bench_done(void *ctx, struct slot *s, const struct reply *r)
{
	struct bench *b = ctx;
	struct bio *io = &b->ios[s->io];
	size_t want = bench_writes(b) ? 0 : (size_t)s->nsect * SECTOR;

	if (ata_check(r, want) < 0) {
		b->failed = true;
		return -1;
	}
	b->bytes += (uint64_t)s->nsect * SECTOR;
	if (--io->left > 0 || (b->cur_frame != 0 && b->cur_io == s->io))
		return 0;
	b->done_ios++;
	if (b->nlat == b->caplat) {
		b->caplat = b->caplat ? b->caplat * 2 : 4096;
		b->lat = realloc(b->lat, b->caplat * sizeof(*b->lat));
		if (b->lat == NULL)
			die(1, "out of memory");
	}
	b->lat[b->nlat++] = (now_ns() - io->start_ns) / 1000u;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void bench_args(int argc, char **argv, struct bench *b, double *secs,
		       unsigned *bs, bool *flush, unsigned *win)
{
	static const struct option lo[] = {
		{ "pattern", required_argument, NULL, 'p' },
		{ "bs", required_argument, NULL, 'b' },
		{ "qd", required_argument, NULL, 'q' },
		{ "seconds", required_argument, NULL, 's' },
		{ "size-sectors", required_argument, NULL, 'z' },
		{ "offset-sectors", required_argument, NULL, 'o' },
		{ "flush", no_argument, NULL, 'f' },
		{ "window", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 0;
	while ((c = getopt_long(argc + 1, argv - 1, "", lo, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (strcmp(optarg, "randread") == 0)
				b->pat = PAT_RANDREAD;
			else if (strcmp(optarg, "seqread") == 0)
				b->pat = PAT_SEQREAD;
			else if (strcmp(optarg, "seqwrite") == 0)
				b->pat = PAT_SEQWRITE;
			else if (strcmp(optarg, "randwrite") == 0)
				b->pat = PAT_RANDWRITE;
			else
				usage("--pattern randread, randwrite, seqread or "
				      "seqwrite");
			break;
		case 'b': *bs = (unsigned)arg_num("--bs", optarg, SECTOR, 1u << 20); break;
		case 'q': b->qd = (unsigned)arg_num("--qd", optarg, 1, 256); break;
		case 's': *secs = (double)arg_num("--seconds", optarg, 1, 3600); break;
		case 'z': b->size = arg_num("--size-sectors", optarg, 1, 1ull << 48); break;
		case 'o': b->first = arg_num("--offset-sectors", optarg, 0, 1ull << 48); break;
		case 'f': *flush = true; break;
		case 'w': *win = (unsigned)arg_num("--window", optarg, 1, TAG_SLOTS); break;
		default: usage("bench: bad option");
		}
	}
	if (*bs % SECTOR)
		usage("--bs must be a multiple of 512");
}

static int cmd_bench(struct ini *ini, int argc, char **argv)
{
	struct bench b = { .qd = 1, .rnd = 0x9e3779b97f4a7c15ull };
	unsigned bs = 4096, nslots, win = window(ini);
	double secs = 5, el;
	bool flush = false;
	uint8_t id[SECTOR];
	uint64_t t0;
	struct slot *slots;
	int rc;

	bench_args(argc, argv, &b, &secs, &bs, &flush, &win);
	b.bs_sect = bs / SECTOR;
	if (b.size == 0) {
		if (identify(ini, id) < 0)
			return 1;
		b.size = id_sectors(id);
	}
	if (b.size < b.bs_sect)
		die(1, "target smaller than one block");
	nslots = b.qd * ((b.bs_sect + ini->spf - 1) / ini->spf);
	if (nslots > TAG_SLOTS)
		usage("--qd times frames per block above %u", TAG_SLOTS);
	if (nslots > win)
		nslots = win;
	slots = calloc(nslots, sizeof(*slots));
	b.ios = calloc(b.qd, sizeof(*b.ios));
	b.wbuf = calloc(ini->spf, SECTOR);
	if (slots == NULL || b.ios == NULL || b.wbuf == NULL)
		die(1, "out of memory");
	memset(b.wbuf, 0xa5, (size_t)ini->spf * SECTOR);
	struct pump p = { ini, slots, nslots, bench_next, bench_done, &b,
			  false, 0, 0, false };
	t0 = now_ns();
	b.deadline = t0 + (uint64_t)(secs * 1e9);
	rc = pump_run(&p);
	if (rc == 0 && flush)
		rc = ata_flush(ini, ATA_FLUSH_EXT, true) ? -1 : 0;
	el = (double)(now_ns() - t0) / 1e9;
	if (b.nlat)
		qsort(b.lat, b.nlat, sizeof(*b.lat), cmp_u64);
	printf("iops=%.0f mbps=%.2f lost=%" PRIu64 " p99_us=%" PRIu64
	       " ios=%" PRIu64 " seconds=%.3f%s\n",
	       (double)b.done_ios / el, (double)b.bytes / el / 1e6, p.lost,
	       b.nlat ? b.lat[b.nlat * 99 / 100] : 0, b.done_ios, el,
	       rc < 0 ? " failed=1" : "");
	free(slots);
	free(b.ios);
	free(b.wbuf);
	free(b.lat);
	return rc < 0 ? 1 : 0;
}

/* --- main -------------------------------------------------------------- */

static void parse_target(struct ini *ini, const char *s)
{
	const char *dot;
	char shelf[16];

	if (s[0] == 'e')
		s++;
	dot = strchr(s, '.');
	if (dot == NULL || (size_t)(dot - s) >= sizeof(shelf))
		usage("-t SHELF.SLOT");
	memcpy(shelf, s, (size_t)(dot - s));
	shelf[dot - s] = '\0';
	ini->shelf = (uint16_t)arg_num("shelf", shelf, 0, 0xffff);
	ini->slot = (uint8_t)arg_num("slot", dot + 1, 0, 0xff);
	ini->have_target = true;
}

static int dispatch(struct ini *ini, int argc, char **argv)
{
	const char *cmd = argv[0];

	argc--;
	argv++;
	if (strcmp(cmd, "discover") == 0)
		return cmd_discover(ini);
	if (strcmp(cmd, "listen") == 0)
		return cmd_listen(ini);
	if (strcmp(cmd, "raw") == 0)
		return cmd_raw(ini, argc, argv);
	if (strcmp(cmd, "config") == 0)
		return cmd_config(ini, argc, argv);
	if (!ini->have_target)
		usage("%s needs -t SHELF.SLOT", cmd);
	if (strcmp(cmd, "identify") == 0)
		return cmd_identify(ini);
	if (strcmp(cmd, "read") == 0)
		return cmd_read(ini, argc, argv);
	if (strcmp(cmd, "write") == 0)
		return cmd_write(ini, argc, argv);
	if (strcmp(cmd, "flush") == 0)
		return cmd_flush(ini, argc, argv);
	if (strcmp(cmd, "ata") == 0)
		return cmd_ata(ini, argc, argv);
	if (strcmp(cmd, "mask") == 0)
		return cmd_mask(ini, argc, argv);
	if (strcmp(cmd, "reserve") == 0)
		return cmd_reserve(ini, argc, argv);
	if (strcmp(cmd, "bench") == 0)
		return cmd_bench(ini, argc, argv);
	usage("unknown command '%s'", cmd);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "target", required_argument, NULL, 't' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "retries", required_argument, NULL, 'R' },
		{ "tag-base", required_argument, NULL, 'B' },
		{ "dst", required_argument, NULL, 'd' },
		{ "src", required_argument, NULL, 's' },
		{ "spf", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	struct ini ini = { .fd = -1, .timeout_ms = 500, .retries = 3 };
	const char *ifname = NULL;
	uint8_t src[MAC_LEN];
	bool src_set = false;
	int c;

	log_open("aoe-init", LOG_TO_STDERR, LOG_USER);
	while ((c = getopt_long(argc, argv, "+i:t:", lo, NULL)) != -1) {
		switch (c) {
		case 'i': ifname = optarg; break;
		case 't': parse_target(&ini, optarg); break;
		case 'T': ini.timeout_ms = (int)arg_num("--timeout", optarg, 1, 600000); break;
		case 'R': ini.retries = (int)arg_num("--retries", optarg, 0, 100); break;
		case 'B': ini.seq = (uint32_t)arg_num("--tag-base", optarg, 0, (1u << 19) - 1); break;
		case 'd': arg_mac("--dst", optarg, ini.dst); ini.dst_known = true; break;
		case 's': arg_mac("--src", optarg, src); src_set = true; break;
		case 'S': ini.spf_forced = (unsigned)arg_num("--spf", optarg, 1, 255); break;
		default: usage("bad option");
		}
	}
	if (ifname == NULL || optind >= argc)
		usage("need -i IFACE and a command");
	ini_open(&ini, ifname);
	if (src_set)
		memcpy(ini.mac, src, MAC_LEN);
	ini.bufcnt = 1;
	if (ini.have_target && strcmp(argv[optind], "raw") != 0 &&
	    strcmp(argv[optind], "config") != 0)
		target_probe(&ini);
	if (ini.spf_forced)
		ini.spf = ini.spf_forced;
	return dispatch(&ini, argc - optind, argv + optind);
}
