/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Moving one transfer along: windows out, ACKs in, DATA in, timeouts. */
#include "xfer.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/uio.h>
#include <unistd.h>

#include "log.h"

/* Datagrams handed to one sendmmsg call. */
#define BATCH 64

static uint64_t min64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static void send_pkt(struct xfer *x, const uint8_t *buf, size_t len)
{
	/* A lost control packet is recovered by a timeout, like a lost reply. */
	if (len > 0)
		(void)sendto(x->fd, buf, len, MSG_DONTWAIT,
			     (const struct sockaddr *)&x->peer, x->peerlen);
}

static void send_ack(struct xfer *x, uint16_t block)
{
	uint8_t pkt[TFTP_HDR_LEN];

	send_pkt(x, pkt, tftp_build_ack(pkt, sizeof(pkt), block));
}

static void send_oack(struct xfer *x)
{
	uint8_t pkt[512];

	send_pkt(x, pkt, tftp_build_oack(pkt, sizeof(pkt), &x->p));
	x->sent_us = now_us();
}

/* An upload's ACK: what the next DATA's round trip is timed from. */
static void wrq_ack(struct xfer *x, uint16_t block)
{
	send_ack(x, block);
	x->acked = x->expect - 1;
	x->sent_us = now_us();
	x->rtt_pending = true;
}

static void finish(struct xfer *x, const char *result)
{
	x->state = XS_DONE;
	if (x->ended_us == 0)
		x->ended_us = now_us();
	if (x->result == NULL)
		x->result = result;
}

static void fail(struct xfer *x, enum tftp_errcode code, const char *msg)
{
	uint8_t pkt[256];

	send_pkt(x, pkt, tftp_build_error(pkt, sizeof(pkt), code, msg));
	xfer_discard_upload(x);
	finish(x, msg);
}

/*
 * Retransmit timeouts adapt to the path as TCP's do (RFC 6298): a lost
 * block costs a few round trips, not a whole second, which is what keeps
 * lossy links and overrun receivers from collapsing.  The first wait is
 * at most -T, and each timeout in a row doubles it, without a ceiling
 * below a minute: some clients (atftp) answer only one duplicate and
 * restart their own timer on every packet, so only a pause longer than
 * their timer lets them speak again.  A client that chose a timeout gets
 * exactly that.
 */
#define RTO_MIN_US 20000
#define WAIT_MAX_US 64000000

static uint64_t wait_us(const struct xfer *x, const struct xfer_env *env)
{
	uint64_t t = env->base_timeout_us, rto;

	if (x->p.timeout_us)
		return x->p.timeout_us;
	rto = x->srtt_us ? x->srtt_us + 4 * x->rttvar_us : t;
	rto = rto < RTO_MIN_US ? RTO_MIN_US : rto > t ? t : rto;
	for (unsigned i = 0; i < x->tries && rto < WAIT_MAX_US; i++)
		rto *= 2;
	return rto < WAIT_MAX_US ? rto : WAIT_MAX_US;
}

/* One round-trip sample, unless what it times was sent twice (Karn). */
static void rtt_sample(struct xfer *x)
{
	uint64_t r = now_us() - x->sent_us;
	uint64_t err;

	if (x->resent)
		return;
	if (x->srtt_us == 0) {
		x->srtt_us = r;
		x->rttvar_us = r / 2;
		return;
	}
	err = r > x->srtt_us ? r - x->srtt_us : x->srtt_us - r;
	x->rttvar_us = (3 * x->rttvar_us + err) / 4;
	x->srtt_us = (7 * x->srtt_us + r) / 8;
}

static void progress(struct xfer *x)
{
	rtt_sample(x);
	x->tries = 0;
	x->slow_tries = 0;
	x->resent = false;
	x->progress_us = now_us();
}

static void arm(struct xfer *x, const struct xfer_env *env, uint64_t us)
{
	x->armed_us = us;
	if (timer_set(env->timers, &x->timer, now_us() + us) < 0)
		fail(x, TFTP_EUNDEF, "out of memory");
}

/* ---- reading: RRQ ---------------------------------------------------- */

static int pread_full(int fd, uint8_t *buf, size_t len, uint64_t off)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = pread(fd, buf + got, len - got, (off_t)(off + got));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1; /* error, or the file shrank under us */
		got += (size_t)n;
	}
	return 0;
}

static void block_out(bool blocked, struct xfer *x, const struct xfer_env *env)
{
	if (blocked != x->blocked)
		env->want_write(env->srv, x->fd, x, blocked);
	x->blocked = blocked;
}

/* Sends blocks x->sent .. n more as one sendmmsg; returns how many went. */
static int send_batch(struct xfer *x, const struct xfer_env *env, size_t n)
{
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH][2];
	uint8_t hdr[BATCH][TFTP_HDR_LEN];
	unsigned bs = x->p.blksize;
	uint64_t off = (x->sent - 1) * bs;
	size_t want = (size_t)min64((uint64_t)n * bs, x->size - off);
	int r;

	if (pread_full(x->file->fd, env->scratch, want, off) < 0)
		return -EIO;
	memset(msgs, 0, sizeof(msgs[0]) * n);
	for (size_t i = 0; i < n; i++) {
		size_t at = i * bs;

		tftp_build_data_hdr(hdr[i], TFTP_HDR_LEN,
				    (uint16_t)(x->sent + i));
		iov[i][0] = (struct iovec){ hdr[i], TFTP_HDR_LEN };
		iov[i][1] = (struct iovec){ env->scratch + at,
					    at < want ? min64(bs, want - at) : 0 };
		msgs[i].msg_hdr.msg_name = &x->peer;
		msgs[i].msg_hdr.msg_namelen = x->peerlen;
		msgs[i].msg_hdr.msg_iov = iov[i];
		msgs[i].msg_hdr.msg_iovlen = 2;
	}
	r = sendmmsg(x->fd, msgs, (unsigned)n, MSG_DONTWAIT);
	if (r < 0)
		return errno == EAGAIN ? 0 : -errno;
	return r;
}

/*
 * UDP segmentation offload: the blocks of a window laid out header, data,
 * header, data in one buffer, read with one preadv and handed to the
 * kernel as one send that it cuts into datagrams of one block each.
 */
#define GSO_MAX_BYTES 65000
#define GSO_MAX_SEGS 64

static size_t gso_blocks(const struct xfer *x, size_t n)
{
	size_t seg = TFTP_HDR_LEN + x->p.blksize;
	size_t fit = GSO_MAX_BYTES / seg;

	fit = fit < GSO_MAX_SEGS ? fit : GSO_MAX_SEGS;
	return n < fit ? n : fit;
}

static int send_gso(struct xfer *x, const struct xfer_env *env, size_t n)
{
	struct iovec riov[GSO_MAX_SEGS];
	size_t seg = TFTP_HDR_LEN + x->p.blksize, want = 0;
	uint64_t off = (x->sent - 1) * x->p.blksize;
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(uint16_t))];
	} ctl;
	struct iovec iov;
	struct msghdr m = { .msg_name = &x->peer, .msg_namelen = x->peerlen,
			    .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = ctl.buf,
			    .msg_controllen = sizeof(ctl.buf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	uint16_t gso = (uint16_t)seg;

	for (size_t i = 0; i < n; i++) {
		size_t len = (size_t)min64(x->p.blksize, x->size - off - want);

		riov[i] = (struct iovec){ env->scratch + i * seg + TFTP_HDR_LEN,
					  len };
		tftp_build_data_hdr(env->scratch + i * seg, TFTP_HDR_LEN,
				    (uint16_t)(x->sent + i));
		want += len;
	}
	if (want && preadv(x->file->fd, riov, (int)n, (off_t)off) !=
			    (ssize_t)want)
		return -EIO;
	iov = (struct iovec){ env->scratch,
			      (n - 1) * seg + TFTP_HDR_LEN + riov[n - 1].iov_len };
	c->cmsg_level = SOL_UDP;
	c->cmsg_type = UDP_SEGMENT;
	c->cmsg_len = CMSG_LEN(sizeof(gso));
	memcpy(CMSG_DATA(c), &gso, sizeof(gso));
	if (sendmsg(x->fd, &m, MSG_DONTWAIT) >= 0)
		return (int)n;
	return errno == EAGAIN ? 0 : -errno;
}

static void rrq_send_octet(struct xfer *x, const struct xfer_env *env)
{
	uint64_t end = min64(x->base + x->p.windowsize - 1, x->last);
	size_t per = env->scratch_len / x->p.blksize;

	while (x->sent <= end) {
		size_t n = (size_t)min64(min64(end - x->sent + 1, BATCH), per);
		int r;

		if (n > 1 && !env->no_gso) {
			n = gso_blocks(x, n);
			r = send_gso(x, env, n);
			/* Refused (old kernel, a device or path that cannot
			 * segment): plain datagrams from now on. */
			if (r < 0 && r != -EIO && r != -ENOBUFS) {
				env->gso_failed(env->srv);
				r = send_batch(x, env, n);
			}
		} else {
			r = send_batch(x, env, n);
		}

		if (r == -EIO) {
			fail(x, TFTP_EUNDEF, "read error");
			return;
		}
		if (r < 0) /* ENOBUFS and the like: as if lost on the wire */
			r = (int)n;
		x->sent += (uint64_t)r;
		if ((size_t)r < n) {
			block_out(true, x, env);
			break;
		}
	}
	if (x->sent > end)
		block_out(false, x, env);
	arm(x, env, wait_us(x, env));
}

/* netascii runs with a window of one: each block is encoded afresh. */
static void rrq_send_netascii(struct xfer *x, const struct xfer_env *env)
{
	unsigned bs = x->p.blksize;
	uint8_t *src = env->scratch + TFTP_HDR_LEN + bs;
	uint64_t left = x->size - min64(x->na_off_base, x->size);
	size_t srclen = (size_t)min64(bs, left), used, n;
	struct na_enc st = x->na_at_base;

	if (pread_full(x->file->fd, src, srclen, x->na_off_base) < 0) {
		fail(x, TFTP_EUNDEF, "read error");
		return;
	}
	n = na_encode(&st, src, srclen, &used, env->scratch + TFTP_HDR_LEN, bs);
	x->na_next = st;
	x->na_off_next = x->na_off_base + used;
	if (n < bs)
		x->last = x->base;
	tftp_build_data_hdr(env->scratch, TFTP_HDR_LEN, (uint16_t)x->base);
	send_pkt(x, env->scratch, TFTP_HDR_LEN + n);
	x->sent = x->base + 1;
	arm(x, env, wait_us(x, env));
}

static void rrq_send(struct xfer *x, const struct xfer_env *env)
{
	x->sent_us = now_us();
	if (x->mode == TFTP_MODE_NETASCII)
		rrq_send_netascii(x, env);
	else
		rrq_send_octet(x, env);
}

/*
 * A repeated ACK.  In lock step it is only an echo of one already acted
 * upon, and answering it would double every packet from then on (the
 * Sorcerer's Apprentice): ignore it, the timer resends.  With a window, a
 * receiver repeats its last in-order block to say it saw a gap (RFC 7440);
 * the window is resent once per position, never more, so stale repeats
 * cannot multiply the traffic either.
 */
static void rrq_dup_ack(struct xfer *x, const struct xfer_env *env)
{
	if (x->p.windowsize == 1 || x->gap_resent || x->blocked)
		return;
	x->gap_resent = true;
	x->retrans++;
	x->resent = true;
	x->sent = x->base;
	rrq_send(x, env);
}

static void rrq_ack(struct xfer *x, const struct xfer_env *env, uint16_t blk)
{
	uint64_t lo = x->base - 1, hi = x->sent - 1, k;

	if (x->state == XS_OACK) {
		if (blk != 0)
			return;
		x->state = XS_RUN;
		progress(x);
		rrq_send(x, env);
		return;
	}
	k = lo + (uint16_t)(blk - (uint16_t)lo);
	if (k > hi)
		return; /* not a block of this window */
	if (k == lo) {
		rrq_dup_ack(x, env);
		return;
	}
	if (x->mode == TFTP_MODE_NETASCII) {
		x->na_at_base = x->na_next;
		x->na_off_base = x->na_off_next;
		x->bytes = x->na_off_base;
	} else {
		x->bytes = min64(k * x->p.blksize, x->size);
	}
	x->base = k + 1;
	progress(x);
	x->gap_resent = false;
	if (k == x->last) {
		finish(x, "ok");
		return;
	}
	if (k < hi) {
		x->sent = x->base; /* the rest of the window was lost */
		x->resent = true;
	}
	if (!x->blocked || k < hi)
		rrq_send(x, env);
}

/* ---- writing: WRQ ---------------------------------------------------- */

void xfer_discard_upload(struct xfer *x)
{
	upload_discard(&x->up);
}

static int write_raw(struct xfer *x, const uint8_t *data, size_t len)
{
	int rc = upload_write(&x->up, data, len, x->woff);

	if (rc == 0)
		x->woff += len;
	return rc;
}

static int write_data(struct xfer *x, const struct xfer_env *env,
		      const uint8_t *data, size_t len)
{
	if (x->mode == TFTP_MODE_NETASCII) {
		len = na_decode(&x->na_dec, data, len, env->scratch);
		data = env->scratch;
	}
	return write_raw(x, data, len);
}

static void write_failed(struct xfer *x, int err)
{
	if (err == -ENOSPC || err == -EDQUOT || err == -EFBIG)
		fail(x, TFTP_ENOSPACE, "disk full or allocation exceeded");
	else
		fail(x, TFTP_EUNDEF, "write error");
}

static void wrq_last_block(struct xfer *x, const struct xfer_env *env,
			   uint16_t blk)
{
	uint8_t cr[1];
	int rc = 0;

	/* A CR that ended the last block stands for itself. */
	if (x->mode == TFTP_MODE_NETASCII && na_decode_end(&x->na_dec, cr))
		rc = write_raw(x, cr, 1);
	if (rc == 0)
		rc = upload_commit(&x->up, x->woff);
	if (rc < 0) {
		write_failed(x, rc);
		return;
	}
	x->bytes = x->woff;
	x->result = "ok";
	x->ended_us = now_us();
	send_ack(x, blk);
	x->state = XS_DALLY;
	arm(x, env, 2 * wait_us(x, env));
}

static void wrq_data(struct xfer *x, const struct xfer_env *env, uint16_t blk,
		     const uint8_t *data, size_t len)
{
	uint16_t last_in = (uint16_t)(x->expect - 1);
	int rc;

	if (x->state == XS_DALLY) {
		if (blk == last_in)
			send_ack(x, blk); /* our last ACK was lost */
		return;
	}
	if (blk != (uint16_t)x->expect) {
		/*
		 * The last in-order block again means our ACK was lost: repeat
		 * it.  Anything else out of order is answered once per position
		 * so a window of strays does not become a burst of ACKs.
		 */
		if (blk == last_in || x->told != x->expect) {
			wrq_ack(x, last_in);
			x->resent = true;
			x->told = x->expect;
		}
		return;
	}
	if (len > x->p.blksize) {
		fail(x, TFTP_EBADOP, "DATA larger than the block size");
		return;
	}
	x->state = XS_RUN;
	rc = write_data(x, env, data, len);
	if (rc < 0) {
		write_failed(x, rc);
		return;
	}
	x->bytes = x->woff;
	x->expect++;
	if (x->rtt_pending)
		progress(x);
	x->rtt_pending = false;
	x->tries = 0;
	x->slow_tries = 0;
	x->progress_us = now_us();
	if (len < x->p.blksize) {
		wrq_last_block(x, env, blk);
		return;
	}
	if (x->expect - 1 - x->acked >= x->p.windowsize)
		wrq_ack(x, blk);
	arm(x, env, wait_us(x, env));
}

/* ---- common ---------------------------------------------------------- */

void xfer_start(struct xfer *x, const struct xfer_env *env)
{
	x->started_us = x->progress_us = now_us();
	x->base = x->sent = x->expect = 1;
	x->acked = 0;
	x->last = UINT64_MAX;
	x->na_at_base.pending = x->na_next.pending = -1;
	if (x->op == TFTP_RRQ && x->mode == TFTP_MODE_OCTET)
		x->last = x->size / x->p.blksize + 1;
	if (x->p.oack) {
		x->state = XS_OACK;
		send_oack(x);
		arm(x, env, wait_us(x, env));
		return;
	}
	x->state = XS_RUN;
	if (x->op == TFTP_RRQ) {
		rrq_send(x, env);
	} else {
		wrq_ack(x, 0);
		arm(x, env, wait_us(x, env));
	}
}

static bool same_peer(const struct xfer *x, const struct sockaddr *from,
		      socklen_t fromlen)
{
	return fromlen == x->peerlen && memcmp(from, &x->peer, fromlen) == 0;
}

static void peer_error(struct xfer *x, const uint8_t *pkt, size_t len)
{
	uint16_t code = 0;
	const char *msg = "";
	char esc[64];

	tftp_parse_error(pkt, len, &code, &msg);
	xfer_discard_upload(x);
	if (x->state == XS_OACK && code == TFTP_EOPTNEG) {
		/* UEFI asks for tsize alone, refuses the OACK, then asks again. */
		finish(x, "option probe ended by client");
		return;
	}
	snprintf(x->result_buf, sizeof(x->result_buf), "client error %u: %s",
		 code, log_escape(esc, sizeof(esc), msg, strlen(msg)));
	finish(x, x->result_buf);
}

static void wrong_tid(struct xfer *x, const struct sockaddr *from,
		      socklen_t fromlen)
{
	uint8_t pkt[64];
	size_t n = tftp_build_error(pkt, sizeof(pkt), TFTP_EBADID,
				    "unknown transfer ID");

	(void)sendto(x->fd, pkt, n, MSG_DONTWAIT, from, fromlen);
}

void xfer_input(struct xfer *x, const struct xfer_env *env,
		const uint8_t *pkt, size_t len,
		const struct sockaddr *from, socklen_t fromlen)
{
	unsigned op = tftp_opcode(pkt, len);
	uint16_t blk;
	const uint8_t *data;
	size_t dlen;

	if (!same_peer(x, from, fromlen)) {
		if (op != TFTP_ERROR)
			wrong_tid(x, from, fromlen);
		return;
	}
	if (op == TFTP_ERROR) {
		peer_error(x, pkt, len);
	} else if (op == TFTP_ACK && x->op == TFTP_RRQ) {
		if (tftp_parse_ack(pkt, len, &blk) == 0)
			rrq_ack(x, env, blk);
	} else if (op == TFTP_DATA && x->op == TFTP_WRQ) {
		if (tftp_parse_data(pkt, len, &blk, &data, &dlen) == 0)
			wrq_data(x, env, blk, data, dlen);
	} else if (len >= TFTP_HDR_LEN) {
		fail(x, TFTP_EBADOP, "illegal TFTP operation");
	}
}

void xfer_writable(struct xfer *x, const struct xfer_env *env)
{
	if (x->op == TFTP_RRQ && x->state == XS_RUN)
		rrq_send(x, env);
	else
		block_out(false, x, env);
}

void xfer_timeout(struct xfer *x, const struct xfer_env *env)
{
	if (x->state == XS_DALLY) {
		x->state = XS_DONE;
		return;
	}
	/* Quick retries after a measured round trip do not count: waits of
	 * -T and more do, so a vanished client costs about 2^N times -T. */
	if (x->armed_us >= env->base_timeout_us &&
	    ++x->slow_tries > env->max_retries) {
		xfer_discard_upload(x);
		finish(x, "timed out");
		return;
	}
	x->tries++;
	x->retrans++;
	x->resent = true;
	if (x->state == XS_OACK) {
		send_oack(x);
		arm(x, env, wait_us(x, env));
	} else if (x->op == TFTP_RRQ) {
		x->sent = x->base;
		rrq_send(x, env);
	} else {
		wrq_ack(x, (uint16_t)(x->expect - 1));
		arm(x, env, wait_us(x, env));
	}
}
