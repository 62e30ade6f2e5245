/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The transfer machine (tftpd/xfer.c) fed a sequence of events taken from
 * the input.  The first 6 bytes set the transfer up: RRQ or WRQ, octet or
 * netascii, blksize 8 to 1031, windowsize 1 to 16, an OACK or not, and a
 * file of up to 65535 + 3 blocks (so reads may wrap past block 65535).
 * Then each record is one event: a packet from the peer (ACK, DATA, ERROR,
 * OACK or raw bytes, with block numbers near the transfer's own), a
 * timeout, or the socket writable.  The test plays the server: it
 * performs each action, answering sends (all blocks, or some and blocked),
 * writes and commits (ok or failed) as the input says.
 *
 * Checked on every action: blocks sent lie in the window and the file;
 * writes go at the upload's offset and fit a block; an ERROR has a
 * message; the timer is armed in the future and for at most two minutes;
 * a finished transfer stays finished and asks for nothing more; in lock
 * step a repeated ACK never sends anything (RFC 1350's Sorcerer's
 * Apprentice).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../tftpd/xfer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct input {
	const uint8_t *p;
	size_t left;
};

static unsigned take(struct input *in)
{
	if (in->left == 0)
		return 0;
	in->left--;
	return *in->p++;
}

static unsigned take16(struct input *in)
{
	unsigned hi = take(in);

	return hi << 8 | take(in);
}

static uint8_t scratch[TFTP_PKT_MAX + 2];
static uint8_t filler[TFTP_PKT_MAX];

static void check(const struct xfer *x, const struct xfer_action *a,
		  uint64_t now)
{
	if (a->what == XA_SEND_DATA) {
		if (x->op != TFTP_RRQ || a->first > a->last ||
		    a->first < x->base ||
		    a->last - a->first >= x->p.windowsize || a->last > x->last)
			abort();
		if (x->mode == TFTP_MODE_OCTET &&
		    (a->first - 1) * x->p.blksize > x->size)
			abort();
	}
	if (a->what == XA_WRITE &&
	    (x->op != TFTP_WRQ || a->off != x->woff ||
	     a->len > x->p.blksize + 1 || (a->len && a->data == NULL)))
		abort();
	if (a->what == XA_COMMIT && (x->op != TFTP_WRQ || a->off != x->woff))
		abort();
	if (a->what == XA_SEND_ERROR && (a->msg == NULL || !a->done))
		abort();
	if (a->arm && (a->arm_at < now || a->arm_at - now > 130000000))
		abort();
	if (a->done != (x->state == XS_DONE) || (a->done && x->result == NULL))
		abort();
}

/* Builds a packet from the input near the transfer's own block numbers. */
static size_t make_packet(struct input *in, const struct xfer *x,
			  uint8_t *pkt)
{
	unsigned kind = take(in) % 6, n;
	uint16_t near = (uint16_t)(x->op == TFTP_RRQ ? x->base - 1 : x->expect);
	uint16_t blk = (uint16_t)(near + (int8_t)take(in));

	switch (kind) {
	case 0:
	case 1:
		return tftp_build_ack(pkt, TFTP_PKT_MAX, blk);
	case 2:
		tftp_build_data_hdr(pkt, TFTP_PKT_MAX, blk);
		n = take16(in) % (x->p.blksize + 2);
		for (unsigned i = 0; i < n; i++)
			pkt[TFTP_HDR_LEN + i] = (uint8_t)"a\r\n\0b"[take(in) % 5];
		return TFTP_HDR_LEN + n;
	case 3:
		return tftp_build_error(pkt, TFTP_PKT_MAX, take(in) % 10, "x");
	case 4:
		pkt[0] = 0;
		pkt[1] = TFTP_OACK;
		return 2;
	default:
		n = take(in) % 8;
		for (unsigned i = 0; i < n; i++)
			pkt[i] = (uint8_t)take(in);
		return n;
	}
}

/* The server's part: performs a and returns the answer it calls for. */
static bool answer(struct input *in, struct xfer *x,
		   const struct xfer_action *a, struct xfer_event *ev)
{
	unsigned how = take(in);

	memset(ev, 0, sizeof(*ev));
	switch (a->what) {
	case XA_SEND_DATA:
		ev->type = XE_SENT;
		ev->count = a->last - a->first + 1;
		if (x->mode == TFTP_MODE_NETASCII) {
			uint64_t off = xfer_netascii_offset(x);
			size_t srclen = off < x->size ? x->size - off : 0;

			if (xfer_netascii_block(x, filler,
						srclen < x->p.blksize ?
						srclen : x->p.blksize,
						scratch) > x->p.blksize)
				abort();
		} else if (how % 8 == 1) {
			ev->count = how / 8 % ev->count;
			ev->blocked = true;
		}
		ev->err = how % 32 == 31 ? -5 : 0;
		return true;
	case XA_WRITE:
		ev->type = XE_WRITTEN;
		ev->err = how % 16 == 15 ? -28 : 0;
		return true;
	case XA_COMMIT:
		ev->type = XE_COMMITTED;
		ev->err = how % 16 == 15 ? -5 : 0;
		return true;
	default:
		return false;
	}
}

static void run(struct xfer *x, struct input *in, struct xfer_event *ev,
		uint64_t *now)
{
	for (int i = 0; i < 16; i++) {
		bool dup = false;
		struct xfer_action a;

		/* Lock step: a repeated ACK of the last block acknowledged. */
		if (ev->type == XE_PACKET && x->op == TFTP_RRQ &&
		    x->state == XS_RUN && x->p.windowsize == 1 &&
		    tftp_opcode(ev->pkt, ev->len) == TFTP_ACK && ev->len >= 4)
			dup = (uint16_t)(ev->pkt[2] << 8 | ev->pkt[3]) ==
			      (uint16_t)(x->base - 1);
		ev->now = *now;
		ev->scratch = scratch;
		a = xfer_step(x, ev);
		check(x, &a, *now);
		if (dup && a.what != XA_NONE)
			abort();
		if (!answer(in, x, &a, ev))
			return;
		*now += 10;
	}
	abort(); /* one event never needs more than a few actions */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	static const struct xfer_cfg cfg = { .base_timeout_us = 1000000,
					     .max_retries = 3 };
	struct tftp_params p = { 0 };
	enum tftp_opcode op = take(&in) & 1 ? TFTP_WRQ : TFTP_RRQ;
	enum tftp_mode mode = take(&in) & 1 ? TFTP_MODE_NETASCII
					    : TFTP_MODE_OCTET;
	uint8_t pkt[TFTP_PKT_MAX];
	struct xfer_event ev = { .type = XE_START };
	struct xfer x;
	uint64_t now = 1000000, blocks;

	p.blksize = 8 + take(&in) * 4 % 1024;
	p.windowsize = mode == TFTP_MODE_OCTET ? 1 + take(&in) % 16 : 1;
	p.oack = take(&in) & 1 ? 1u << TFTP_OPT_BLKSIZE : 0;
	blocks = take16(&in) + (take(&in) & 3);
	memset(filler, '\n', sizeof(filler));
	xfer_init(&x, &cfg, op, mode, &p,
		  op == TFTP_RRQ ? blocks * p.blksize + take(&in) % 8 : 0);
	run(&x, &in, &ev, &now);
	while (in.left > 0 && x.state != XS_DONE) {
		unsigned kind = take(&in) % 8;

		now += 1 + take(&in) * 1000;
		memset(&ev, 0, sizeof(ev));
		if (kind == 0) {
			ev.type = XE_TIMEOUT;
		} else if (kind == 1) {
			ev.type = XE_WRITABLE;
		} else {
			ev.type = XE_PACKET;
			ev.len = make_packet(&in, &x, pkt);
			ev.pkt = pkt;
		}
		run(&x, &in, &ev, &now);
	}
	if (x.state == XS_DONE) {
		struct xfer_action a;

		ev.type = XE_TIMEOUT;
		ev.now = now;
		a = xfer_step(&x, &ev);
		if (a.what != XA_NONE || a.arm || a.done)
			abort();
	}
	return 0;
}
