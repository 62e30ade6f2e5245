/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One transfer's protocol: windows out, ACKs in, DATA in, timeouts.  Pure. */
#include "xfer.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

static const struct xfer_action nothing = { .what = XA_NONE };

static uint64_t min64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

void xfer_finish(struct xfer *x, uint64_t now, enum xfer_end end,
		 const char *result)
{
	x->state = XS_DONE;
	x->wait = XW_NONE;
	if (x->ended_us == 0)
		x->ended_us = now;
	if (x->result == NULL) {
		x->result = result;
		x->end = end;
	}
}

static struct xfer_action finish(struct xfer *x, uint64_t now,
				 enum xfer_end end, const char *result)
{
	struct xfer_action a = { .what = XA_NONE, .done = true };

	xfer_finish(x, now, end, result);
	return a;
}

static struct xfer_action fail(struct xfer *x, uint64_t now,
			       enum tftp_errcode code, const char *msg)
{
	struct xfer_action a = finish(x, now, XEND_ERROR, msg);

	a.what = XA_SEND_ERROR;
	a.code = code;
	a.msg = msg;
	return a;
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

static uint64_t wait_us(const struct xfer *x)
{
	uint64_t t = x->cfg.base_timeout_us, rto;

	if (x->p.timeout_us)
		return x->p.timeout_us;
	rto = x->srtt_us ? x->srtt_us + 4 * x->rttvar_us : t;
	rto = rto < RTO_MIN_US ? RTO_MIN_US : rto > t ? t : rto;
	for (unsigned i = 0; i < x->tries && rto < WAIT_MAX_US; i++)
		rto *= 2;
	return rto < WAIT_MAX_US ? rto : WAIT_MAX_US;
}

/* Adds "arm the timer for us from now" to an action. */
static struct xfer_action arm(struct xfer *x, uint64_t now, uint64_t us,
			      struct xfer_action a)
{
	x->armed_us = us;
	a.arm = true;
	a.arm_at = now + us;
	return a;
}

/* One round-trip sample, unless what it times was sent twice (Karn). */
static void rtt_sample(struct xfer *x, uint64_t now)
{
	uint64_t r = now - x->sent_us;
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

static void progress(struct xfer *x, uint64_t now)
{
	rtt_sample(x, now);
	x->tries = 0;
	x->slow_tries = 0;
	x->resent = false;
	x->progress_us = now;
}

static struct xfer_action send_oack(struct xfer *x, uint64_t now)
{
	struct xfer_action a = { .what = XA_SEND_OACK };

	x->sent_us = now;
	return arm(x, now, wait_us(x), a);
}

/* ---- reading: RRQ ---------------------------------------------------- */

/* Sends what the window still holds from x->sent on. */
static struct xfer_action rrq_send(struct xfer *x, uint64_t now)
{
	struct xfer_action a = { .what = XA_SEND_DATA };
	uint64_t end = min64(x->base + x->p.windowsize - 1, x->last);

	x->sent_us = now;
	if (x->mode == TFTP_MODE_NETASCII) {
		/* netascii runs with a window of one, each block encoded
		 * afresh from the state at its start. */
		x->sent = x->base;
		end = x->base;
	}
	if (x->sent > end) {
		x->blocked = false;
		return arm(x, now, wait_us(x), nothing);
	}
	a.first = x->sent;
	a.last = end;
	x->wait = XW_SENT;
	return a;
}

static struct xfer_action rrq_sent(struct xfer *x, const struct xfer_event *ev)
{
	if (ev->err < 0)
		return fail(x, ev->now, TFTP_EUNDEF, "read error");
	x->sent += ev->count;
	x->blocked = ev->blocked;
	return arm(x, ev->now, wait_us(x), nothing);
}

uint64_t xfer_netascii_offset(const struct xfer *x)
{
	return x->na_off_base;
}

size_t xfer_netascii_block(struct xfer *x, const uint8_t *src, size_t srclen,
			   uint8_t *dst)
{
	unsigned bs = x->p.blksize;
	struct na_enc st = x->na_at_base;
	size_t used, n;

	n = na_encode(&st, src, min64(srclen, bs), &used, dst, bs);
	x->na_next = st;
	x->na_off_next = x->na_off_base + used;
	if (n < bs)
		x->last = x->base;
	return n;
}

/*
 * A repeated ACK.  In lock step it is only an echo of one already acted
 * upon, and answering it would double every packet from then on (the
 * Sorcerer's Apprentice): ignore it, the timer resends.  With a window, a
 * receiver repeats its last in-order block to say it saw a gap (RFC 7440);
 * the window is resent once per position, never more, so stale repeats
 * cannot multiply the traffic either.
 */
static struct xfer_action rrq_dup_ack(struct xfer *x, uint64_t now)
{
	if (x->p.windowsize == 1 || x->gap_resent || x->blocked)
		return nothing;
	x->gap_resent = true;
	x->retrans++;
	x->resent = true;
	x->sent = x->base;
	return rrq_send(x, now);
}

static struct xfer_action rrq_ack(struct xfer *x, uint64_t now, uint16_t blk)
{
	uint64_t lo = x->base - 1, hi = x->sent - 1, k;

	if (x->state == XS_OACK) {
		if (blk != 0)
			return nothing;
		x->state = XS_RUN;
		progress(x, now);
		return rrq_send(x, now);
	}
	k = lo + (uint16_t)(blk - (uint16_t)lo);
	if (k > hi)
		return nothing; /* not a block of this window */
	if (k == lo)
		return rrq_dup_ack(x, now);
	if (x->mode == TFTP_MODE_NETASCII) {
		x->na_at_base = x->na_next;
		x->na_off_base = x->na_off_next;
		x->bytes = x->na_off_base;
	} else {
		x->bytes = min64(k * x->p.blksize, x->size);
	}
	x->base = k + 1;
	progress(x, now);
	x->gap_resent = false;
	if (k == x->last)
		return finish(x, now, XEND_OK, "ok");
	if (k < hi) {
		x->sent = x->base; /* the rest of the window was lost */
		x->resent = true;
	}
	if (!x->blocked || k < hi)
		return rrq_send(x, now);
	return nothing;
}

/* ---- writing: WRQ ---------------------------------------------------- */

/* An upload's ACK: what the next DATA's round trip is timed from. */
static struct xfer_action wrq_ack(struct xfer *x, uint64_t now, uint16_t blk)
{
	struct xfer_action a = { .what = XA_SEND_ACK, .block = blk };

	x->acked = x->expect - 1;
	x->sent_us = now;
	x->rtt_pending = true;
	return a;
}

static struct xfer_action write_failed(struct xfer *x, uint64_t now, int err)
{
	if (err == -ENOSPC || err == -EDQUOT || err == -EFBIG)
		return fail(x, now, TFTP_ENOSPACE,
			    "disk full or allocation exceeded");
	return fail(x, now, TFTP_EUNDEF, "write error");
}

static struct xfer_action wrq_commit(struct xfer *x)
{
	struct xfer_action a = { .what = XA_COMMIT, .off = x->woff };

	x->wait = XW_COMMITTED;
	return a;
}

static struct xfer_action wrq_committed(struct xfer *x, uint64_t now, int err)
{
	struct xfer_action a = { .what = XA_SEND_ACK, .block = x->wblk };

	if (err < 0)
		return write_failed(x, now, err);
	x->bytes = x->woff;
	x->result = "ok";
	x->ended_us = now;
	x->state = XS_DALLY;
	return arm(x, now, 2 * wait_us(x), a);
}

static struct xfer_action wrq_written(struct xfer *x, uint64_t now, int err)
{
	if (err < 0)
		return write_failed(x, now, err);
	x->woff += x->wlen;
	x->bytes = x->woff;
	if (x->wcr)
		return wrq_commit(x);
	x->expect++;
	if (x->rtt_pending)
		progress(x, now);
	x->rtt_pending = false;
	x->tries = 0;
	x->slow_tries = 0;
	x->progress_us = now;
	if (x->wshort) {
		/* A CR that ended the last block stands for itself. */
		if (x->mode == TFTP_MODE_NETASCII &&
		    na_decode_end(&x->na_dec, &x->cr)) {
			struct xfer_action a = { .what = XA_WRITE,
						 .data = &x->cr, .len = 1,
						 .off = x->woff };

			x->wcr = true;
			x->wlen = 1;
			x->wait = XW_WRITTEN;
			return a;
		}
		return wrq_commit(x);
	}
	if (x->expect - 1 - x->acked >= x->p.windowsize)
		return arm(x, now, wait_us(x), wrq_ack(x, now, x->wblk));
	return arm(x, now, wait_us(x), nothing);
}

static struct xfer_action wrq_data(struct xfer *x, const struct xfer_event *ev,
				   uint16_t blk, const uint8_t *data,
				   size_t len)
{
	struct xfer_action a = { .what = XA_WRITE };
	uint16_t last_in = (uint16_t)(x->expect - 1);

	if (x->state == XS_DALLY) {
		if (blk != last_in)
			return nothing;
		a = nothing; /* our last ACK was lost */
		a.what = XA_SEND_ACK;
		a.block = blk;
		return a;
	}
	if (blk != (uint16_t)x->expect) {
		/*
		 * The last in-order block again means our ACK was lost: repeat
		 * it.  Anything else out of order is answered once per position
		 * so a window of strays does not become a burst of ACKs.
		 */
		if (blk != last_in && x->told == x->expect)
			return nothing;
		a = wrq_ack(x, ev->now, last_in);
		x->resent = true;
		x->told = x->expect;
		return a;
	}
	if (len > x->p.blksize)
		return fail(x, ev->now, TFTP_EBADOP,
			    "DATA larger than the block size");
	x->state = XS_RUN;
	x->wblk = blk;
	x->wshort = len < x->p.blksize;
	if (x->mode == TFTP_MODE_NETASCII) {
		len = na_decode(&x->na_dec, data, len, ev->scratch);
		data = ev->scratch;
	}
	x->wlen = len;
	x->wait = XW_WRITTEN;
	a.data = data;
	a.len = len;
	a.off = x->woff;
	return a;
}

/* ---- packets from the peer ------------------------------------------- */

static struct xfer_action peer_error(struct xfer *x, uint64_t now,
				     const uint8_t *pkt, size_t len)
{
	uint16_t code = 0;
	const char *msg = "";
	char esc[64];

	tftp_parse_error(pkt, len, &code, &msg);
	/* UEFI asks for tsize alone, refuses the OACK, then asks again. */
	if (x->state == XS_OACK && code == TFTP_EOPTNEG)
		return finish(x, now, XEND_PROBE,
			      "option probe ended by client");
	snprintf(x->result_buf, sizeof(x->result_buf), "client error %u: %s",
		 code, log_escape(esc, sizeof(esc), msg, strlen(msg)));
	return finish(x, now, XEND_PEER_ERROR, x->result_buf);
}

static struct xfer_action packet(struct xfer *x, const struct xfer_event *ev)
{
	unsigned op = tftp_opcode(ev->pkt, ev->len);
	uint16_t blk;
	const uint8_t *data;
	size_t dlen;

	if (op == TFTP_ERROR)
		return peer_error(x, ev->now, ev->pkt, ev->len);
	if (op == TFTP_ACK && x->op == TFTP_RRQ) {
		if (tftp_parse_ack(ev->pkt, ev->len, &blk) == 0)
			return rrq_ack(x, ev->now, blk);
	} else if (op == TFTP_DATA && x->op == TFTP_WRQ) {
		if (tftp_parse_data(ev->pkt, ev->len, &blk, &data, &dlen) == 0)
			return wrq_data(x, ev, blk, data, dlen);
	} else if (ev->len >= TFTP_HDR_LEN) {
		return fail(x, ev->now, TFTP_EBADOP, "illegal TFTP operation");
	}
	return nothing;
}

/* ---- common ---------------------------------------------------------- */

void xfer_init(struct xfer *x, const struct xfer_cfg *cfg,
	       enum tftp_opcode op, enum tftp_mode mode,
	       const struct tftp_params *p, uint64_t size)
{
	memset(x, 0, sizeof(*x));
	x->cfg = *cfg;
	x->op = op;
	x->mode = mode;
	x->p = *p;
	x->size = size;
	x->base = x->sent = x->expect = 1;
	x->last = UINT64_MAX;
	x->na_at_base.pending = x->na_next.pending = -1;
	if (op == TFTP_RRQ && mode == TFTP_MODE_OCTET)
		x->last = size / p->blksize + 1;
}

static struct xfer_action start(struct xfer *x, uint64_t now)
{
	x->started_us = x->progress_us = now;
	if (x->p.oack) {
		x->state = XS_OACK;
		return send_oack(x, now);
	}
	x->state = XS_RUN;
	if (x->op == TFTP_RRQ)
		return rrq_send(x, now);
	return arm(x, now, wait_us(x), wrq_ack(x, now, 0));
}

static struct xfer_action timeout(struct xfer *x, uint64_t now)
{
	if (x->state == XS_DALLY)
		return finish(x, now, XEND_OK, "ok");
	/* Quick retries after a measured round trip do not count: waits of
	 * -T and more do, so a vanished client costs about 2^N times -T. */
	if (x->armed_us >= x->cfg.base_timeout_us &&
	    ++x->slow_tries > x->cfg.max_retries)
		return finish(x, now, XEND_TIMEOUT, "timed out");
	x->tries++;
	x->retrans++;
	x->resent = true;
	if (x->state == XS_OACK)
		return send_oack(x, now);
	if (x->op == TFTP_RRQ) {
		x->sent = x->base;
		return rrq_send(x, now);
	}
	return arm(x, now, wait_us(x),
		   wrq_ack(x, now, (uint16_t)(x->expect - 1)));
}

/* Whether ev answers the action the machine waits for. */
static bool awaited(struct xfer *x, enum xfer_event_type t)
{
	enum xfer_wait want = t == XE_SENT ? XW_SENT
			      : t == XE_WRITTEN ? XW_WRITTEN : XW_COMMITTED;

	if (x->wait != want)
		return false;
	x->wait = XW_NONE;
	return true;
}

struct xfer_action xfer_step(struct xfer *x, const struct xfer_event *ev)
{
	if (x->state == XS_DONE)
		return nothing;
	switch (ev->type) {
	case XE_START:
		return start(x, ev->now);
	case XE_PACKET:
		if (x->wait != XW_NONE)
			return nothing; /* one thing at a time */
		return packet(x, ev);
	case XE_TIMEOUT:
		return x->wait == XW_NONE ? timeout(x, ev->now) : nothing;
	case XE_WRITABLE:
		if (x->op == TFTP_RRQ && x->state == XS_RUN &&
		    x->wait == XW_NONE)
			return rrq_send(x, ev->now);
		x->blocked = false;
		return nothing;
	case XE_SENT:
		return awaited(x, ev->type) ? rrq_sent(x, ev) : nothing;
	case XE_WRITTEN:
		return awaited(x, ev->type) ? wrq_written(x, ev->now, ev->err)
					    : nothing;
	case XE_COMMITTED:
		return awaited(x, ev->type) ? wrq_committed(x, ev->now, ev->err)
					    : nothing;
	}
	return nothing;
}
