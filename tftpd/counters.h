/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What tftpd counts, and those counts as Prometheus metrics (--metrics):
 *
 *	tftpd_requests_total{op}           RRQ and WRQ taken (a repeated
 *	                                   request of a running transfer is
 *	                                   not counted again)
 *	tftpd_refused_total{op}            ...of them answered with an ERROR
 *	                                   instead of a transfer
 *	tftpd_transfers_total{op,result}   transfers finished, by how they
 *	                                   ended (enum xfer_end)
 *	tftpd_sent_bytes_total             file bytes of reads acknowledged
 *	tftpd_received_bytes_total         file bytes of uploads received
 *	tftpd_retransmits_total            resends: after a timeout, or of a
 *	                                   window a client saw a gap in
 *	tftpd_active_transfers             transfers running (a gauge)
 *	tftpd_errors_total{code}           ERROR packets sent, by code
 *	tftpd_peer_errors_total{code}      ERROR packets received, by code
 *
 * op is "RRQ" or "WRQ"; result is ok, probe, timeout, peer_error, error
 * or aborted; code is the TFTP error code 0-8, or "other" for a code
 * outside RFC 1350 and 2347 (received only).  Bytes and retransmissions
 * of running transfers are included.
 */
#ifndef TFTPD_COUNTERS_H
#define TFTPD_COUNTERS_H

#include <stddef.h>
#include <stdint.h>

#include "metrics.h"
#include "xfer.h"

/* Error codes counted one by one; codes past TFTP_EOPTNEG share a slot. */
#define TFTPD_CODES (TFTP_EOPTNEG + 2)

struct tftpd_counters {
	uint64_t requests[2];     /* [0] RRQ, [1] WRQ */
	uint64_t refused[2];
	uint64_t ended[2][XEND_COUNT];
	uint64_t sent_bytes, received_bytes;
	uint64_t retransmits;
	uint64_t errors_sent[TFTPD_CODES];
	uint64_t errors_received[TFTPD_CODES];
};

/* A request taken, or refused, for op (TFTP_RRQ or TFTP_WRQ). */
void tftpd_count_request(struct tftpd_counters *c, unsigned op);
void tftpd_count_refused(struct tftpd_counters *c, unsigned op);

/* A finished transfer, or (into a copy) a running one's bytes and retransmissions. */
void tftpd_count_ended(struct tftpd_counters *c, const struct xfer *x);
void tftpd_count_running(struct tftpd_counters *c, const struct xfer *x);

/* An ERROR packet with this code sent, or received in (buf, len). */
void tftpd_count_error_sent(struct tftpd_counters *c, unsigned code);
void tftpd_count_error_received(struct tftpd_counters *c, const uint8_t *buf,
				size_t len);

/* Transfers that ended well, and all others. */
uint64_t tftpd_count_ok(const struct tftpd_counters *c);
uint64_t tftpd_count_failed(const struct tftpd_counters *c);

/* Every tftpd_ family above into m; active is the gauge's value. */
void tftpd_count_metrics(struct metrics *m, const struct tftpd_counters *c,
			 unsigned active);

#endif
