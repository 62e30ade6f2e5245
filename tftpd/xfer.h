/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One transfer: its own UDP socket, its peer, the negotiated parameters and
 * where it stands.  xfer.c moves a transfer along as packets and timeouts
 * come; server.c owns the sockets, the loop and the list of transfers.
 */
#ifndef TFTPD_XFER_H
#define TFTPD_XFER_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "access.h"
#include "filecache.h"
#include "netascii.h"
#include "tftp.h"
#include "timer.h"

enum xfer_state {
	XS_OACK,    /* OACK sent; RRQ waits for ACK 0, WRQ for DATA 1 */
	XS_RUN,     /* data moving */
	XS_DALLY,   /* WRQ done; re-ACK a repeated last DATA for a while */
	XS_DONE,    /* finished, to be freed */
};

/* Services a transfer needs from the server around it. */
struct xfer_env {
	struct timer_heap *timers;
	uint8_t *scratch;        /* shared send buffer */
	size_t scratch_len;
	uint64_t base_timeout_us;
	unsigned max_retries;
	/* Asks the loop to watch (or stop watching) fd for writability. */
	void (*want_write)(void *srv, int fd, void *ptr, bool on);
	void *srv;
	bool no_gso;             /* UDP_SEGMENT refused once: plain sends */
	void (*gso_failed)(void *srv);
};

struct xfer {
	struct timer_node timer;  /* first: the heap hands back this */
	struct xfer *next, *prev;
	int fd;
	struct sockaddr_storage peer;
	socklen_t peerlen;
	enum tftp_opcode op;
	enum tftp_mode mode;
	struct tftp_params p;
	enum xfer_state state;
	char name[PATH_MAX];      /* relative path, for the log */

	/* RRQ */
	struct shared_file *file;
	uint64_t size;            /* file size when the transfer began */
	uint64_t base;            /* first block not yet acknowledged */
	uint64_t sent;            /* one past the last block sent */
	uint64_t last;            /* final block, UINT64_MAX until known */
	bool blocked;             /* socket full: resume on EPOLLOUT */
	bool gap_resent;          /* window resent for a gap at this base */
	struct na_enc na_at_base; /* netascii: encoder state at block base */
	uint64_t na_off_base;     /* netascii: source offset at block base */
	struct na_enc na_next;
	uint64_t na_off_next;

	/* WRQ */
	struct upload_target up;
	uint64_t expect;          /* next block wanted */
	uint64_t acked;           /* last block acknowledged */
	uint64_t told;            /* expect value an out-of-order ACK gave */
	uint64_t woff;            /* bytes written so far */
	struct na_dec na_dec;

	/* Accounting for the log line. */
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
	char result_buf[96];
};

/* Starts a transfer already set up by the server (socket, file, params). */
void xfer_start(struct xfer *x, const struct xfer_env *env);
/* A datagram arrived on the transfer's socket from from. */
void xfer_input(struct xfer *x, const struct xfer_env *env,
		const uint8_t *pkt, size_t len,
		const struct sockaddr *from, socklen_t fromlen);
void xfer_timeout(struct xfer *x, const struct xfer_env *env);
/* The socket is writable again after a full send buffer. */
void xfer_writable(struct xfer *x, const struct xfer_env *env);
/* Releases the WRQ temporary if the transfer did not finish. */
void xfer_discard_upload(struct xfer *x);

#endif
