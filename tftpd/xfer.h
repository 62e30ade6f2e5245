/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One transfer's protocol, as a pure state machine: xfer_step() takes the
 * transfer and one event (a packet from the peer, a timeout, the result of
 * the last action) and returns what to do next (send these blocks, an ACK,
 * the OACK, an ERROR; write this payload; commit the upload; arm the timer;
 * stop).  No I/O, no clock (the time comes in the event), no globals: the
 * server performs each action and feeds its result back as the next event.
 *
 *   start ──> [OACK] ──ACK 0 / DATA 1──> [RUN] ──last ACK──> done (RRQ)
 *                                          └──last DATA, commit──> [DALLY]
 *                                                      timeout ──> done
 *
 * Block numbers are counted from 1 in 64 bits; the wire carries their low
 * 16 bits, so a transfer wraps past block 65535 to 0 as clients expect.
 */
#ifndef TFTPD_XFER_H
#define TFTPD_XFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netascii.h"
#include "tftp.h"

/* What the command line sets for every transfer. */
struct xfer_cfg {
	uint64_t base_timeout_us; /* -T: the longest first wait */
	unsigned max_retries;     /* --retries: waits of -T or more in a row */
};

enum xfer_state {
	XS_OACK,    /* OACK sent; RRQ waits for ACK 0, WRQ for DATA 1 */
	XS_RUN,     /* data moving */
	XS_DALLY,   /* WRQ done; re-ACK a repeated last DATA for a while */
	XS_DONE,    /* finished: result says how */
};

/* How a transfer ended, in the few kinds the metrics count. */
enum xfer_end {
	XEND_OK,         /* every byte moved */
	XEND_PROBE,      /* the client ended an option probe (UEFI's tsize
			  * request refused with ERROR 8): normal */
	XEND_TIMEOUT,    /* the peer fell silent */
	XEND_PEER_ERROR, /* the peer sent an ERROR */
	XEND_ERROR,      /* we sent an ERROR: read, write or protocol */
	XEND_ABORTED,    /* ended from outside: the server stopping */
	XEND_COUNT
};

/* The result of an action the machine is waiting for. */
enum xfer_wait {
	XW_NONE,
	XW_SENT,      /* XA_SEND_DATA */
	XW_WRITTEN,   /* XA_WRITE */
	XW_COMMITTED, /* XA_COMMIT */
};

struct xfer {
	struct xfer_cfg cfg;
	enum tftp_opcode op;
	enum tftp_mode mode;
	struct tftp_params p;
	enum xfer_state state;
	enum xfer_wait wait;

	/* RRQ */
	uint64_t size;            /* file size when the transfer began */
	uint64_t base;            /* first block not yet acknowledged */
	uint64_t sent;            /* one past the last block sent */
	uint64_t last;            /* final block, UINT64_MAX until known */
	bool blocked;             /* socket full: resume on XE_WRITABLE */
	bool gap_resent;          /* window resent for a gap at this base */
	struct na_enc na_at_base; /* netascii: encoder state at block base */
	uint64_t na_off_base;     /* netascii: source offset at block base */
	struct na_enc na_next;
	uint64_t na_off_next;

	/* WRQ */
	uint64_t expect;          /* next block wanted */
	uint64_t acked;           /* last block acknowledged */
	uint64_t told;            /* expect value an out-of-order ACK gave */
	uint64_t woff;            /* bytes written so far */
	uint16_t wblk;            /* the DATA being written... */
	size_t wlen;              /* ...the bytes asked to be written */
	bool wshort;              /* ...it is the last (short) block */
	bool wcr;                 /* the held CR of a netascii end is written */
	uint8_t cr;               /* that CR */
	struct na_dec na_dec;

	/* Timing and accounting for the log line. */
	uint64_t bytes;
	uint64_t retrans;
	unsigned tries;           /* consecutive timeouts */
	unsigned slow_tries;      /* ...of them, waits of -T or longer */
	uint64_t armed_us;        /* the wait the timer was last set for */
	uint64_t sent_us;         /* when the awaited packet(s) went out */
	bool resent;              /* ...more than once: no RTT sample */
	bool rtt_pending;         /* WRQ: next DATA times our last ACK */
	uint64_t srtt_us, rttvar_us;
	uint64_t progress_us;     /* last time the transfer moved */
	uint64_t started_us;
	uint64_t ended_us;        /* when the result was known */
	const char *result;       /* NULL while running */
	enum xfer_end end;        /* once result is set */
	char result_buf[96];
};

enum xfer_event_type {
	XE_START,     /* the transfer begins */
	XE_PACKET,    /* a datagram from the peer */
	XE_TIMEOUT,   /* the timer last armed expired */
	XE_WRITABLE,  /* the socket takes datagrams again */
	XE_SENT,      /* XA_SEND_DATA performed */
	XE_WRITTEN,   /* XA_WRITE performed */
	XE_COMMITTED, /* XA_COMMIT performed */
};

struct xfer_event {
	enum xfer_event_type type;
	uint64_t now;             /* monotonic microseconds */
	const uint8_t *pkt;       /* XE_PACKET: the datagram */
	size_t len;
	uint8_t *scratch;         /* XE_PACKET: blksize + 1 bytes for a
				   * decoded netascii block */
	uint64_t count;           /* XE_SENT: blocks that went out */
	bool blocked;             /* XE_SENT: the socket was full */
	int err;                  /* XE_SENT (read), XE_WRITTEN, XE_COMMITTED:
				   * 0 or -errno */
};

enum xfer_do {
	XA_NONE,       /* nothing to send or write */
	XA_SEND_OACK,  /* the OACK of p */
	XA_SEND_ACK,   /* ACK block */
	XA_SEND_DATA,  /* blocks first..last; answer XE_SENT */
	XA_WRITE,      /* len bytes of data at off; answer XE_WRITTEN */
	XA_COMMIT,     /* off bytes are the upload; answer XE_COMMITTED */
	XA_SEND_ERROR, /* ERROR code msg */
};

struct xfer_action {
	enum xfer_do what;
	uint16_t block;           /* XA_SEND_ACK */
	uint64_t first, last;     /* XA_SEND_DATA */
	const uint8_t *data;      /* XA_WRITE: in the event's packet or
				   * scratch, or in the xfer */
	size_t len;
	uint64_t off;             /* XA_WRITE, XA_COMMIT */
	enum tftp_errcode code;   /* XA_SEND_ERROR */
	const char *msg;
	bool arm;                 /* (re)arm the timer for arm_at */
	uint64_t arm_at;
	bool done;                /* the transfer is over: see result */
};

/*
 * Sets up a transfer of size bytes (RRQ; 0 for WRQ) with the negotiated
 * parameters p; XE_START sets it going.
 */
void xfer_init(struct xfer *x, const struct xfer_cfg *cfg,
	       enum tftp_opcode op, enum tftp_mode mode,
	       const struct tftp_params *p, uint64_t size);

/* Moves the transfer along by one event.  Pure. */
struct xfer_action xfer_step(struct xfer *x, const struct xfer_event *ev);

/*
 * netascii reads: XA_SEND_DATA asks for one block, first; the server reads
 * up to p.blksize bytes at xfer_netascii_offset() and has them encoded
 * here into dst (p.blksize bytes), which also tells the machine where the
 * next block starts and whether this one is the last.  Returns the DATA
 * payload length.  Pure.
 */
uint64_t xfer_netascii_offset(const struct xfer *x);
size_t xfer_netascii_block(struct xfer *x, const uint8_t *src, size_t srclen,
			   uint8_t *dst);

/* Ends a transfer from outside (server stopping, out of memory): the
 * first result given stays. */
void xfer_finish(struct xfer *x, uint64_t now, enum xfer_end end,
		 const char *result);

#endif
