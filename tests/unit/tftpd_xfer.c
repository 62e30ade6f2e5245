/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The transfer machine of tftpd/xfer.c, driven event by event. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../../tftpd/xfer.h"
#include "tap.h"

#define SEC 1000000ull

static const struct xfer_cfg cfg = { .base_timeout_us = SEC,
				     .max_retries = 3 };
static uint64_t now = 10 * SEC;
static uint8_t scratch[TFTP_PKT_MAX + 1];

static struct tftp_params params(unsigned bs, unsigned ws, unsigned oack)
{
	return (struct tftp_params){ .blksize = bs, .windowsize = ws,
				     .oack = oack };
}

static struct xfer_action step(struct xfer *x, struct xfer_event ev)
{
	now += 1000;
	ev.now = now;
	ev.scratch = scratch;
	return xfer_step(x, &ev);
}

static struct xfer_action start(struct xfer *x)
{
	return step(x, (struct xfer_event){ .type = XE_START });
}

/* A transfer set up and started: the first action. */
static struct xfer_action begin(struct xfer *x, enum tftp_opcode op,
				enum tftp_mode mode,
				const struct tftp_params *p, uint64_t size)
{
	xfer_init(x, &cfg, op, mode, p, size);
	return start(x);
}

static struct xfer_action timeout(struct xfer *x)
{
	return step(x, (struct xfer_event){ .type = XE_TIMEOUT });
}

static struct xfer_action packet(struct xfer *x, const uint8_t *pkt,
				 size_t len)
{
	return step(x, (struct xfer_event){ .type = XE_PACKET, .pkt = pkt,
					    .len = len });
}

static struct xfer_action ack(struct xfer *x, uint16_t blk)
{
	uint8_t pkt[TFTP_HDR_LEN];

	return packet(x, pkt, tftp_build_ack(pkt, sizeof(pkt), blk));
}

static struct xfer_action data(struct xfer *x, uint16_t blk, const void *p,
			       size_t len)
{
	uint8_t pkt[TFTP_PKT_MAX];

	tftp_build_data_hdr(pkt, TFTP_HDR_LEN, blk);
	memcpy(pkt + TFTP_HDR_LEN, p, len);
	return packet(x, pkt, TFTP_HDR_LEN + len);
}

static struct xfer_action error(struct xfer *x, uint16_t code, const char *m)
{
	uint8_t pkt[128];

	return packet(x, pkt, tftp_build_error(pkt, sizeof(pkt), code, m));
}

/* What the server does with XA_SEND_DATA: every block goes. */
static struct xfer_action sent(struct xfer *x, const struct xfer_action *a)
{
	return step(x, (struct xfer_event){ .type = XE_SENT,
					    .count = a->last - a->first + 1 });
}

static struct xfer_action result(struct xfer *x, enum xfer_event_type t,
				 int err)
{
	return step(x, (struct xfer_event){ .type = t, .err = err });
}

static bool sends(const struct xfer_action *a, uint64_t first, uint64_t last)
{
	return a->what == XA_SEND_DATA && a->first == first && a->last == last;
}

/* ---- reads --------------------------------------------------------------- */

/* A whole read at window ws: every window, every ACK, then done. */
static void test_rrq_window(unsigned ws)
{
	struct xfer x;
	struct tftp_params p = params(512, ws, 0);
	uint64_t size = 100 * 512 + 77, last = 101, b = 1;
	struct xfer_action a;
	bool good = true;

	a = begin(&x, TFTP_RRQ, TFTP_MODE_OCTET, &p, size);
	while (b <= last) {
		uint64_t e = b + ws - 1 < last ? b + ws - 1 : last;

		good &= sends(&a, b, e);
		a = sent(&x, &a);
		good &= a.what == XA_NONE && a.arm && !a.done;
		a = ack(&x, (uint16_t)e);
		b = e + 1;
	}
	ok(good, "window %u: windows of %u blocks, in order", ws, ws);
	ok(a.done && x.state == XS_DONE && strcmp(x.result, "ok") == 0,
	   "window %u: the last ACK ends the transfer", ws);
	ok(x.end == XEND_OK, "window %u: counted as ok", ws);
	ok(x.bytes == size, "window %u: every byte counted", ws);
	ok(x.retrans == 0, "window %u: no retransmission", ws);
}

static void test_rrq_empty(void)
{
	struct xfer x;
	struct tftp_params p = params(512, 1, 0);
	struct xfer_action a;

	a = begin(&x, TFTP_RRQ, TFTP_MODE_OCTET, &p, 1024);
	ok(sends(&a, 1, 1), "1024 bytes: block 1");
	sent(&x, &a);
	a = ack(&x, 1);
	sent(&x, &a);
	a = ack(&x, 2);
	ok(sends(&a, 3, 3), "... then an empty block 3 ends a multiple of 512");
	sent(&x, &a);
	ok(ack(&x, 3).done, "... and its ACK ends the transfer");
}

/* Past block 65535 the wire numbers wrap to 0 and the transfer goes on. */
static void test_rrq_wrap(void)
{
	struct xfer x;
	struct tftp_params p = params(8, 16, 0);
	uint64_t last = 70001, b = 1;
	struct xfer_action a;
	bool good = true, crossed = false;

	a = begin(&x, TFTP_RRQ, TFTP_MODE_OCTET, &p, 70000 * 8 + 3);
	while (b <= last && good) {
		uint64_t e = b + 15 < last ? b + 15 : last;

		good &= sends(&a, b, e);
		crossed |= b <= 65536 && e >= 65536;
		sent(&x, &a);
		a = ack(&x, (uint16_t)e);
		b = e + 1;
	}
	ok(good && crossed, "RRQ: windows go on past block 65535");
	ok(a.done && strcmp(x.result, "ok") == 0,
	   "RRQ: the ACK of block 70001 (wire %u) ends it", (uint16_t)70001);
	is_int(x.bytes, 70000 * 8 + 3, "RRQ: 560003 bytes after the wrap");
}

/* RFC 1350: a repeated ACK never triggers a resend in lock step. */
static void test_rrq_duplicate_ack(void)
{
	struct xfer x;
	struct tftp_params p = params(512, 1, 0);
	struct xfer_action a;

	a = begin(&x, TFTP_RRQ, TFTP_MODE_OCTET, &p, 10 * 512);
	sent(&x, &a);
	a = ack(&x, 1);
	ok(sends(&a, 2, 2), "lock step: ACK 1 sends block 2");
	sent(&x, &a);
	a = ack(&x, 1);
	is_int(a.what, XA_NONE, "duplicate ACK 1: nothing sent");
	ok(!a.arm, "... and the timer left as it was");
	a = ack(&x, 0);
	is_int(a.what, XA_NONE, "stale ACK 0: nothing sent");
	a = ack(&x, 9);
	is_int(a.what, XA_NONE, "ACK of a block not sent yet: ignored");
	a = timeout(&x);
	ok(sends(&a, 2, 2), "the timeout resends block 2");
	is_int(x.retrans, 1, "one retransmission counted");
}

/* With a window, a repeated ACK reports a gap: one resend per position. */
static void test_rrq_window_gap(void)
{
	struct xfer x;
	struct tftp_params p = params(512, 4, 0);
	struct xfer_action a;

	a = begin(&x, TFTP_RRQ, TFTP_MODE_OCTET, &p, 40 * 512);
	sent(&x, &a);
	a = ack(&x, 2);
	ok(sends(&a, 3, 6), "ACK 2 of 1..4: the window slides to 3..6");
	sent(&x, &a);
	a = ack(&x, 2);
	ok(sends(&a, 3, 6), "ACK 2 again: the window is resent once");
	sent(&x, &a);
	a = ack(&x, 2);
	is_int(a.what, XA_NONE, "ACK 2 a third time: nothing");
	a = ack(&x, 6);
	ok(sends(&a, 7, 10), "ACK 6: next window");
	is_int(x.retrans, 1, "one retransmission counted");
}

static void test_rrq_blocked(void)
{
	struct xfer x;
	struct tftp_params p = params(512, 8, 0);
	struct xfer_action a;

	a = begin(&x, TFTP_RRQ, TFTP_MODE_OCTET, &p, 40 * 512);
	a = step(&x, (struct xfer_event){ .type = XE_SENT, .count = 3,
					  .blocked = true });
	ok(x.blocked && a.arm, "3 of 8 went: blocked, timer armed");
	a = step(&x, (struct xfer_event){ .type = XE_WRITABLE });
	ok(sends(&a, 4, 8), "writable: the rest of the window");
	a = sent(&x, &a);
	ok(!x.blocked, "... and no longer blocked");
	a = step(&x, (struct xfer_event){ .type = XE_SENT, .count = 1 });
	is_int(a.what, XA_NONE, "a result nobody waits for is ignored");
	a = step(&x, (struct xfer_event){ .type = XE_SENT, .err = -EIO });
	ok(!a.done, "... even a failed one");
	a = ack(&x, 8);
	a = step(&x, (struct xfer_event){ .type = XE_SENT, .err = -EIO });
	ok(a.done && a.what == XA_SEND_ERROR && a.code == TFTP_EUNDEF,
	   "a read error ends the transfer with ERROR 0");
}

static void test_timeouts(void)
{
	struct xfer x;
	struct tftp_params p = params(512, 1, 0);
	struct xfer_action a;
	uint64_t waits[4];
	bool resends = true;

	a = begin(&x, TFTP_RRQ, TFTP_MODE_OCTET, &p, 4096);
	a = sent(&x, &a);
	waits[0] = x.armed_us;
	for (int i = 1; i <= 3; i++) {
		a = timeout(&x);
		resends &= sends(&a, 1, 1);
		sent(&x, &a);
		waits[i] = x.armed_us;
	}
	ok(resends, "three timeouts: block 1 resent each time");
	ok(waits[0] == SEC && waits[1] == 2 * SEC && waits[2] == 4 * SEC &&
	   waits[3] == 8 * SEC, "waits double: 1, 2, 4, 8 s");
	a = timeout(&x);
	ok(a.done && a.what == XA_NONE && strcmp(x.result, "timed out") == 0,
	   "the fourth ends it: timed out, nothing sent");
	is_int(x.end, XEND_TIMEOUT, "... counted as a timeout");
	a = timeout(&x);
	ok(!a.done && a.what == XA_NONE, "a finished transfer ignores events");
	xfer_finish(&x, now, XEND_ABORTED, "server stopping");
	ok(strcmp(x.result, "timed out") == 0 && x.end == XEND_TIMEOUT,
	   "ended again from outside: the first result stays");
}

/* A client that chose a timeout gets exactly that. */
static void test_client_timeout(void)
{
	struct xfer x;
	struct tftp_params p = params(512, 1, 1u << TFTP_OPT_TIMEOUT);
	struct xfer_action a;

	p.timeout_us = 3 * SEC;
	a = begin(&x, TFTP_RRQ, TFTP_MODE_OCTET, &p, 4096);
	ok(a.what == XA_SEND_OACK && a.arm_at == now + 3 * SEC,
	   "OACK, then a wait of the 3 s the client asked");
	a = timeout(&x);
	ok(a.what == XA_SEND_OACK && x.armed_us == 3 * SEC,
	   "the OACK is resent, the wait stays 3 s");
}

/* UEFI: OACK for tsize, ERROR 8 from the client, a new request. */
static void test_oack_probe(void)
{
	struct xfer x;
	struct tftp_params p = params(512, 1, 1u << TFTP_OPT_TSIZE);
	struct xfer_action a;

	a = begin(&x, TFTP_RRQ, TFTP_MODE_OCTET, &p, 4096);
	is_int(a.what, XA_SEND_OACK, "options asked: OACK first");
	a = ack(&x, 1);
	is_int(a.what, XA_NONE, "OACK sent: an ACK other than 0 is ignored");
	a = error(&x, TFTP_EOPTNEG, "tsize probe");
	ok(a.done && a.what == XA_NONE,
	   "ERROR 8 to the OACK: over, no ERROR back");
	is_str(x.result, "option probe ended by client", "... logged as a probe");
	is_int(x.end, XEND_PROBE, "... counted as a probe");

	begin(&x, TFTP_RRQ, TFTP_MODE_OCTET, &p, 4096);
	a = ack(&x, 0);
	ok(sends(&a, 1, 1), "ACK 0 to the OACK: block 1");
	sent(&x, &a);
	a = error(&x, TFTP_EOPTNEG, "late");
	ok(a.done, "ERROR 8 later ends the transfer...");
	is_str(x.result, "client error 8: late", "... as a client error");
	is_int(x.end, XEND_PEER_ERROR, "... counted as the peer's error");

	begin(&x, TFTP_RRQ, TFTP_MODE_OCTET, &p, 4096);
	a = data(&x, 1, "x", 1);
	ok(a.done && a.what == XA_SEND_ERROR && a.code == TFTP_EBADOP,
	   "DATA to a read: ERROR 4");
}

static void test_rrq_netascii(void)
{
	struct xfer x;
	struct tftp_params p = params(8, 1, 0);
	const uint8_t text[] = "\n\n\n\n\n\n\n\n";
	uint8_t out[8];
	struct xfer_action a;
	size_t n;

	a = begin(&x, TFTP_RRQ, TFTP_MODE_NETASCII, &p, 8);
	ok(sends(&a, 1, 1), "netascii: one block at a time");
	is_int(xfer_netascii_offset(&x), 0, "block 1 reads from 0");
	n = xfer_netascii_block(&x, text, 8, out);
	ok(n == 8 && memcmp(out, "\r\n\r\n\r\n\r\n", 8) == 0,
	   "block 1: four line ends");
	sent(&x, &a);
	a = timeout(&x);
	ok(sends(&a, 1, 1) && xfer_netascii_offset(&x) == 0,
	   "a timeout encodes block 1 again from 0");
	xfer_netascii_block(&x, text, 8, out);
	sent(&x, &a);
	a = ack(&x, 1);
	ok(sends(&a, 2, 2) && xfer_netascii_offset(&x) == 4,
	   "block 2 reads from 4");
	n = xfer_netascii_block(&x, text + 4, 4, out);
	is_int(n, 8, "block 2: full");
	sent(&x, &a);
	a = ack(&x, 2);
	n = xfer_netascii_block(&x, NULL, 0, out);
	ok(sends(&a, 3, 3) && n == 0, "block 3: empty, the last");
	sent(&x, &a);
	a = ack(&x, 3);
	ok(a.done && x.bytes == 8, "done: 8 source bytes");
}

/* ---- writes -------------------------------------------------------------- */

/* DATA in, the write it asks for performed. */
static struct xfer_action put(struct xfer *x, uint16_t blk, const void *p,
			      size_t len)
{
	struct xfer_action a = data(x, blk, p, len);

	if (a.what != XA_WRITE)
		return a;
	return result(x, XE_WRITTEN, 0);
}

static void test_wrq_last_block(void)
{
	struct xfer x;
	struct tftp_params p = params(512, 1, 0);
	uint8_t blk[512] = { 0 };
	struct xfer_action a;

	a = begin(&x, TFTP_WRQ, TFTP_MODE_OCTET, &p, 0);
	ok(a.what == XA_SEND_ACK && a.block == 0 && a.arm, "WRQ: ACK 0");
	a = data(&x, 1, blk, 512);
	ok(a.what == XA_WRITE && a.len == 512 && a.off == 0,
	   "DATA 1: write 512 bytes at 0");
	a = result(&x, XE_WRITTEN, 0);
	ok(a.what == XA_SEND_ACK && a.block == 1, "written: ACK 1");
	a = data(&x, 2, blk, 100);
	ok(a.what == XA_WRITE && a.len == 100 && a.off == 512,
	   "short DATA 2: write 100 bytes at 512");
	a = result(&x, XE_WRITTEN, 0);
	ok(a.what == XA_COMMIT && a.off == 612, "... then commit 612 bytes");
	a = result(&x, XE_COMMITTED, 0);
	ok(a.what == XA_SEND_ACK && a.block == 2 && x.state == XS_DALLY,
	   "committed: ACK 2, then dally");
	is_str(x.result, "ok", "the result is known");
	a = data(&x, 2, blk, 100);
	ok(a.what == XA_SEND_ACK && a.block == 2, "DATA 2 again: ACK 2 again");
	a = data(&x, 1, blk, 512);
	is_int(a.what, XA_NONE, "an older DATA: nothing");
	a = timeout(&x);
	ok(a.done && strcmp(x.result, "ok") == 0, "dally over: done, ok");
}

static void test_wrq_empty_last(void)
{
	struct xfer x;
	struct tftp_params p = params(8, 1, 0);
	struct xfer_action a;

	begin(&x, TFTP_WRQ, TFTP_MODE_OCTET, &p, 0);
	put(&x, 1, "12345678", 8);
	a = put(&x, 2, "", 0);
	ok(a.what == XA_COMMIT && a.off == 8, "an empty DATA ends an upload");
}

static void test_wrq_failures(void)
{
	struct xfer x;
	struct tftp_params p = params(8, 1, 0);
	struct xfer_action a;

	begin(&x, TFTP_WRQ, TFTP_MODE_OCTET, &p, 0);
	a = data(&x, 1, "123456789", 9);
	ok(a.done && a.what == XA_SEND_ERROR && a.code == TFTP_EBADOP,
	   "DATA over the block size: ERROR 4");

	begin(&x, TFTP_WRQ, TFTP_MODE_OCTET, &p, 0);
	data(&x, 1, "1234", 4);
	a = result(&x, XE_WRITTEN, -ENOSPC);
	ok(a.done && a.code == TFTP_ENOSPACE, "disk full: ERROR 3");
	is_int(x.end, XEND_ERROR, "... counted as our error");

	begin(&x, TFTP_WRQ, TFTP_MODE_OCTET, &p, 0);
	put(&x, 1, "1234", 4);
	a = result(&x, XE_COMMITTED, -EIO);
	ok(a.done && a.code == TFTP_EUNDEF && a.what == XA_SEND_ERROR,
	   "commit failed: ERROR 0, no ACK");

	begin(&x, TFTP_WRQ, TFTP_MODE_OCTET, &p, 0);
	a = ack(&x, 1);
	ok(a.done && a.code == TFTP_EBADOP, "ACK to a write: ERROR 4");

	begin(&x, TFTP_WRQ, TFTP_MODE_OCTET, &p, 0);
	put(&x, 1, "12345678", 8);
	a = error(&x, TFTP_EUNDEF, "cancelled");
	ok(a.done && a.what == XA_NONE, "ERROR from the client: over");
	is_str(x.result, "client error 0: cancelled", "... and logged");
}

static void test_wrq_out_of_order(void)
{
	struct xfer x;
	struct tftp_params p = params(8, 1, 0);
	struct xfer_action a;

	begin(&x, TFTP_WRQ, TFTP_MODE_OCTET, &p, 0);
	put(&x, 1, "12345678", 8);
	a = data(&x, 3, "12345678", 8);
	ok(a.what == XA_SEND_ACK && a.block == 1, "DATA 3 for 2: ACK 1 once");
	a = data(&x, 4, "12345678", 8);
	is_int(a.what, XA_NONE, "DATA 4 next: nothing more");
	a = data(&x, 1, "12345678", 8);
	ok(a.what == XA_SEND_ACK && a.block == 1,
	   "DATA 1 again: our ACK was lost, ACK 1");
	a = timeout(&x);
	ok(a.what == XA_SEND_ACK && a.block == 1 && a.arm,
	   "timeout: ACK 1 again");
}

static void test_wrq_window(void)
{
	struct xfer x;
	struct tftp_params p = params(8, 4, 1u << TFTP_OPT_WINDOWSIZE);
	struct xfer_action a;
	bool quiet = true;

	a = begin(&x, TFTP_WRQ, TFTP_MODE_OCTET, &p, 0);
	is_int(a.what, XA_SEND_OACK, "WRQ with options: OACK");
	for (uint16_t b = 1; b <= 3; b++)
		quiet &= put(&x, b, "12345678", 8).what == XA_NONE;
	ok(quiet, "window 4: no ACK for blocks 1-3");
	a = put(&x, 4, "12345678", 8);
	ok(a.what == XA_SEND_ACK && a.block == 4, "ACK 4 closes the window");
}

static void test_wrq_wrap(void)
{
	struct xfer x;
	struct tftp_params p = params(8, 1, 0);
	struct xfer_action a = { 0 };
	bool acks = true;

	begin(&x, TFTP_WRQ, TFTP_MODE_OCTET, &p, 0);
	for (uint64_t b = 1; b <= 70000; b++) {
		a = put(&x, (uint16_t)b, "12345678", 8);
		acks &= a.what == XA_SEND_ACK && a.block == (uint16_t)b;
	}
	ok(acks, "WRQ: 70000 blocks acknowledged by their wire number");
	a = put(&x, (uint16_t)70001, "123", 3);
	ok(a.what == XA_COMMIT && a.off == 70000 * 8 + 3,
	   "WRQ: past the wrap, the short block commits 560003 bytes");
	a = result(&x, XE_COMMITTED, 0);
	ok(a.what == XA_SEND_ACK && a.block == (uint16_t)70001,
	   "... and ACK %u", (uint16_t)70001);
}

static void test_wrq_netascii(void)
{
	struct xfer x;
	struct tftp_params p = params(8, 1, 0);
	struct xfer_action a;

	begin(&x, TFTP_WRQ, TFTP_MODE_NETASCII, &p, 0);
	a = data(&x, 1, "a\r\nb\r\0c\r", 8);
	ok(a.what == XA_WRITE && a.len == 5 && memcmp(a.data, "a\nb\rc", 5) == 0,
	   "netascii DATA 1: CR LF and CR NUL decoded, the last CR held");
	a = result(&x, XE_WRITTEN, 0);
	ok(a.what == XA_SEND_ACK && a.block == 1, "ACK 1");
	a = data(&x, 2, "\r", 1);
	ok(a.what == XA_WRITE && a.len == 1 && a.data[0] == '\r' && a.off == 5,
	   "DATA 2: the held CR stands for itself, a new one is held");
	a = result(&x, XE_WRITTEN, 0);
	ok(a.what == XA_WRITE && a.len == 1 && a.data[0] == '\r' && a.off == 6,
	   "the last CR is written at the end");
	a = result(&x, XE_WRITTEN, 0);
	ok(a.what == XA_COMMIT && a.off == 7, "then 7 bytes committed");
}

int main(void)
{
	test_rrq_window(1);
	test_rrq_window(4);
	test_rrq_window(16);
	test_rrq_empty();
	test_rrq_wrap();
	test_rrq_duplicate_ack();
	test_rrq_window_gap();
	test_rrq_blocked();
	test_timeouts();
	test_client_timeout();
	test_oack_probe();
	test_rrq_netascii();
	test_wrq_last_block();
	test_wrq_empty_last();
	test_wrq_failures();
	test_wrq_out_of_order();
	test_wrq_window();
	test_wrq_wrap();
	test_wrq_netascii();
	return tap_done();
}
