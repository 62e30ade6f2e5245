/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tftpd's counters: requests, transfers by how they ended, ERROR packets
 * by code (received ones parsed from untrusted bytes), and the Prometheus
 * text --metrics writes from them.
 */
#include <stdio.h>
#include <string.h>

#include "../../tftpd/counters.h"
#include "tap.h"

static bool has_line(const char *text, const char *line)
{
	size_t len = strlen(line);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (strncmp(p, line, len) == 0 && (p[len] == '\n' || !p[len]))
			return true;
	return false;
}

static struct xfer ended(enum tftp_opcode op, enum xfer_end end,
			 uint64_t bytes, uint64_t retrans)
{
	struct xfer x;

	memset(&x, 0, sizeof(x));
	x.op = op;
	x.bytes = bytes;
	x.retrans = retrans;
	xfer_finish(&x, 1, end, "why");
	return x;
}

static void test_transfers(void)
{
	struct tftpd_counters c;
	struct xfer x;

	memset(&c, 0, sizeof(c));
	x = ended(TFTP_RRQ, XEND_OK, 1000, 2);
	tftpd_count_ended(&c, &x);
	x = ended(TFTP_RRQ, XEND_TIMEOUT, 10, 6);
	tftpd_count_ended(&c, &x);
	x = ended(TFTP_WRQ, XEND_PEER_ERROR, 512, 0);
	tftpd_count_ended(&c, &x);
	memset(&x, 0, sizeof(x));
	x.op = TFTP_WRQ;
	tftpd_count_ended(&c, &x);
	is_int((int)c.ended[0][XEND_OK], 1, "RRQ ok");
	is_int((int)c.ended[0][XEND_TIMEOUT], 1, "RRQ timeout");
	is_int((int)c.ended[1][XEND_PEER_ERROR], 1, "WRQ ended by the peer");
	is_int((int)c.ended[1][XEND_ABORTED], 1,
	       "a transfer without a result: aborted");
	ok(c.sent_bytes == 1010 && c.received_bytes == 512,
	   "bytes by direction");
	is_int((int)c.retransmits, 8, "retransmissions add up");
	is_int((int)tftpd_count_ok(&c), 1, "one ok");
	is_int((int)tftpd_count_failed(&c), 3, "three others");
	x = ended(TFTP_RRQ, XEND_OK, 5, 1);
	tftpd_count_running(&c, &x);
	ok(c.sent_bytes == 1015 && c.retransmits == 9 &&
	   tftpd_count_ok(&c) == 1, "a running one: bytes, no result");
	tftpd_count_request(&c, TFTP_RRQ);
	tftpd_count_request(&c, TFTP_WRQ);
	tftpd_count_refused(&c, TFTP_WRQ);
	ok(c.requests[0] == 1 && c.requests[1] == 1 && c.refused[1] == 1 &&
	   c.refused[0] == 0, "requests and refusals by op");
}

static void test_errors(void)
{
	struct tftpd_counters c;
	static const uint8_t e2[] = { 0, 5, 0, 2, 'n', 'o', 0 };
	static const uint8_t e99[] = { 0, 5, 0, 99, 0 };
	static const uint8_t ack[] = { 0, 4, 0, 1 };
	static const uint8_t truncated[] = { 0, 5, 0 };
	static const uint8_t unterminated[] = { 0, 5, 0, 1, 'x' };
	uint64_t n = 0;

	memset(&c, 0, sizeof(c));
	tftpd_count_error_sent(&c, TFTP_ENOTFOUND);
	tftpd_count_error_sent(&c, TFTP_EOPTNEG);
	tftpd_count_error_sent(&c, 4000);
	ok(c.errors_sent[1] == 1 && c.errors_sent[8] == 1 &&
	   c.errors_sent[TFTPD_CODES - 1] == 1, "sent: by code, past 8 other");
	tftpd_count_error_received(&c, e2, sizeof(e2));
	tftpd_count_error_received(&c, e99, sizeof(e99));
	is_int((int)c.errors_received[2], 1, "received: by its code");
	is_int((int)c.errors_received[TFTPD_CODES - 1], 1,
	       "received: an unknown code is other");
	tftpd_count_error_received(&c, ack, sizeof(ack));
	tftpd_count_error_received(&c, truncated, sizeof(truncated));
	tftpd_count_error_received(&c, unterminated, sizeof(unterminated));
	tftpd_count_error_received(&c, e2, 1);
	tftpd_count_error_received(&c, NULL, 0);
	for (unsigned k = 0; k < TFTPD_CODES; k++)
		n += c.errors_received[k];
	is_int((int)n, 3, "an ACK, a truncated code, empty input: nothing "
	       "counted");
	is_int((int)c.errors_received[1], 1,
	       "an unterminated message still has its code counted");
}

static void test_metrics(void)
{
	struct tftpd_counters c;
	struct xfer x;
	struct metrics m = { 0 };

	memset(&c, 0, sizeof(c));
	tftpd_count_request(&c, TFTP_RRQ);
	x = ended(TFTP_RRQ, XEND_OK, 300000, 1);
	tftpd_count_ended(&c, &x);
	x = ended(TFTP_RRQ, XEND_PROBE, 0, 0);
	tftpd_count_ended(&c, &x);
	tftpd_count_error_sent(&c, TFTP_EACCESS);
	tftpd_count_metrics(&m, &c, 3);
	if (!ok(m.buf != NULL && !m.failed, "text written"))
		return;
	ok(has_line(m.buf, "# TYPE tftpd_transfers_total counter"),
	   "transfers: a counter");
	ok(has_line(m.buf, "tftpd_transfers_total{op=\"RRQ\",result=\"ok\"} 1"),
	   "RRQ ok");
	ok(has_line(m.buf, "tftpd_transfers_total{op=\"RRQ\",result=\"probe\"} 1"),
	   "RRQ probe");
	ok(has_line(m.buf, "tftpd_transfers_total{op=\"WRQ\",result=\"aborted\"} 0"),
	   "every op and result, zero or not");
	ok(has_line(m.buf, "tftpd_requests_total{op=\"RRQ\"} 1"), "requests");
	ok(has_line(m.buf, "tftpd_sent_bytes_total 300000"), "bytes sent");
	ok(has_line(m.buf, "tftpd_retransmits_total 1"), "retransmissions");
	ok(has_line(m.buf, "# TYPE tftpd_active_transfers gauge"),
	   "active transfers: a gauge");
	ok(has_line(m.buf, "tftpd_active_transfers 3"), "... of the value given");
	ok(has_line(m.buf, "tftpd_errors_total{code=\"2\"} 1"), "errors by code");
	ok(has_line(m.buf, "tftpd_peer_errors_total{code=\"other\"} 0"),
	   "received errors, other included");
	metrics_free(&m);
}

int main(void)
{
	test_transfers();
	test_errors();
	test_metrics();
	return tap_done();
}
