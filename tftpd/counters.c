/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "counters.h"

#include <stdio.h>

static unsigned op_index(unsigned op)
{
	return op == TFTP_WRQ;
}

static const char *const op_label[2] = { "RRQ", "WRQ" };

static const char *const end_label[XEND_COUNT] = {
	[XEND_OK] = "ok",
	[XEND_PROBE] = "probe",
	[XEND_TIMEOUT] = "timeout",
	[XEND_PEER_ERROR] = "peer_error",
	[XEND_ERROR] = "error",
	[XEND_ABORTED] = "aborted",
};

static unsigned code_index(unsigned code)
{
	return code <= TFTP_EOPTNEG ? code : TFTPD_CODES - 1;
}

void tftpd_count_request(struct tftpd_counters *c, unsigned op)
{
	c->requests[op_index(op)]++;
}

void tftpd_count_refused(struct tftpd_counters *c, unsigned op)
{
	c->refused[op_index(op)]++;
}

void tftpd_count_running(struct tftpd_counters *c, const struct xfer *x)
{
	if (x->op == TFTP_WRQ)
		c->received_bytes += x->bytes;
	else
		c->sent_bytes += x->bytes;
	c->retransmits += x->retrans;
}

void tftpd_count_ended(struct tftpd_counters *c, const struct xfer *x)
{
	unsigned end = x->result && x->end < XEND_COUNT ? x->end : XEND_ABORTED;

	c->ended[op_index(x->op)][end]++;
	tftpd_count_running(c, x);
}

void tftpd_count_error_sent(struct tftpd_counters *c, unsigned code)
{
	c->errors_sent[code_index(code)]++;
}

void tftpd_count_error_received(struct tftpd_counters *c, const uint8_t *buf,
				size_t len)
{
	uint16_t code;
	const char *msg;

	if (tftp_opcode(buf, len) == TFTP_ERROR &&
	    tftp_parse_error(buf, len, &code, &msg) == 0)
		c->errors_received[code_index(code)]++;
}

uint64_t tftpd_count_ok(const struct tftpd_counters *c)
{
	return c->ended[0][XEND_OK] + c->ended[1][XEND_OK];
}

uint64_t tftpd_count_failed(const struct tftpd_counters *c)
{
	uint64_t n = 0;

	for (unsigned op = 0; op < 2; op++)
		for (unsigned e = 0; e < XEND_COUNT; e++)
			n += e == XEND_OK ? 0 : c->ended[op][e];
	return n;
}

/* One sample per op of a family counted by op. */
static void by_op(struct metrics *m, const char *name, const char *help,
		  const uint64_t v[2])
{
	metrics_family(m, name, "counter", help);
	for (unsigned op = 0; op < 2; op++)
		metrics_sample(m, name, v[op], "op", op_label[op], METRICS_END);
}

static void by_code(struct metrics *m, const char *name, const char *help,
		    const uint64_t v[TFTPD_CODES])
{
	metrics_family(m, name, "counter", help);
	for (unsigned k = 0; k < TFTPD_CODES; k++) {
		char code[8];

		if (k < TFTPD_CODES - 1)
			snprintf(code, sizeof(code), "%u", k);
		else
			snprintf(code, sizeof(code), "other");
		metrics_sample(m, name, v[k], "code", code, METRICS_END);
	}
}

static void one(struct metrics *m, const char *name, const char *type,
		const char *help, uint64_t v)
{
	metrics_family(m, name, type, help);
	metrics_sample(m, name, v, METRICS_END);
}

void tftpd_count_metrics(struct metrics *m, const struct tftpd_counters *c,
			 unsigned active)
{
	by_op(m, "tftpd_requests_total", "Read and write requests taken.",
	      c->requests);
	by_op(m, "tftpd_refused_total",
	      "Requests answered with an ERROR instead of a transfer.",
	      c->refused);
	metrics_family(m, "tftpd_transfers_total", "counter",
		       "Transfers finished, by how they ended.");
	for (unsigned op = 0; op < 2; op++)
		for (unsigned e = 0; e < XEND_COUNT; e++)
			metrics_sample(m, "tftpd_transfers_total",
				       c->ended[op][e], "op", op_label[op],
				       "result", end_label[e], METRICS_END);
	one(m, "tftpd_sent_bytes_total", "counter",
	    "File bytes of reads acknowledged by the client.", c->sent_bytes);
	one(m, "tftpd_received_bytes_total", "counter",
	    "File bytes of uploads received.", c->received_bytes);
	one(m, "tftpd_retransmits_total", "counter",
	    "Resends: after a timeout, or of a window the client saw a gap in.", c->retransmits);
	one(m, "tftpd_active_transfers", "gauge", "Transfers running.",
	    active);
	by_code(m, "tftpd_errors_total", "ERROR packets sent, by TFTP error code.",
		c->errors_sent);
	by_code(m, "tftpd_peer_errors_total",
		"ERROR packets received from clients, by TFTP error code.",
		c->errors_received);
}
