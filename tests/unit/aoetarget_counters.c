/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * aoetarget's counters: what is counted for an I/O and an error reply,
 * and the Prometheus text --metrics writes from them.
 */
#include <stdio.h>
#include <string.h>

#include "../../aoetarget/counters.h"
#include "tap.h"

/* Lines of text that start with prefix. */
static unsigned count_lines(const char *text, const char *prefix)
{
	unsigned n = 0;
	size_t len = strlen(prefix);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		n += strncmp(p, prefix, len) == 0;
	return n;
}

static void test_counting(void)
{
	struct aoe_counters c;
	uint8_t reply[60] = { 0 };

	memset(&c, 0, sizeof(c));
	aoe_count_io(&c, AOE_IO_READ);
	aoe_count_io(&c, AOE_IO_READ);
	aoe_count_io(&c, AOE_IO_WRITE);
	aoe_count_io(&c, AOE_IO_FLUSH);
	aoe_count_io(&c, AOE_IO_NONE);
	ok(c.reads == 2 && c.writes == 1 && c.flushes == 1,
	   "reads, writes and flushes counted by the decision's I/O");
	reply[AOE_OFF_VERFLAGS] = 0x10 | AOE_FLAG_E;
	reply[AOE_OFF_ERROR] = AOE_ERR_BADARG;
	aoe_count_fault(&c, reply, sizeof(reply));
	is_int((int)c.faults[AOE_FAULT_BADARG], 1, "an AoE error by its code");
	reply[AOE_OFF_VERFLAGS] = 0x10;
	aoe_count_fault(&c, reply, sizeof(reply));
	is_int((int)c.faults[AOE_FAULT_OTHER], 1,
	       "an error reply that says nothing more: other");
	is_int((int)aoe_count_errors(&c), 2, "errors add up");
}

static void test_metrics(void)
{
	struct aoe_counters a, b;
	struct aoe_counted t[2] = { { "e1.0", "eth0", &a },
				    { "e65534.254", "we\"ird", &b } };
	struct metrics m = { 0 };

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.in = 7;
	a.reads = 3;
	a.rbytes = 1536;
	a.faults[AOE_FAULT_ATA_ABORT] = 2;
	aoe_count_metrics(&m, t, 2);
	ok(m.buf != NULL && !m.failed, "text made");
	if (m.buf == NULL)
		return;
	ok(strstr(m.buf, "aoetarget_frames_total{target=\"e1.0\",iface=\"eth0\"} 7\n") != NULL,
	   "frames by target and interface");
	ok(strstr(m.buf, "aoetarget_reads_total{target=\"e1.0\",iface=\"eth0\"} 3\n") != NULL,
	   "reads");
	ok(strstr(m.buf, "aoetarget_read_bytes_total{target=\"e1.0\",iface=\"eth0\"} 1536\n") != NULL,
	   "bytes read");
	ok(strstr(m.buf, "aoetarget_errors_total{target=\"e1.0\",iface=\"eth0\",code=\"ata_aborted\"} 2\n") != NULL,
	   "errors by a readable code");
	ok(strstr(m.buf, "iface=\"we\\\"ird\"") != NULL, "label values escaped");
	is_int((int)count_lines(m.buf, "# TYPE "), 8, "eight families");
	is_int((int)count_lines(m.buf, "# TYPE aoetarget_errors_total counter"), 1,
	       "each typed once");
	is_int((int)count_lines(m.buf, "aoetarget_errors_total{"),
	       2 * (AOE_FAULT_COUNT - 1), "every code of every target, zeros too");
	is_int((int)count_lines(m.buf, "aoetarget_writes_total{"), 2,
	       "one sample per target");
	ok(count_lines(m.buf, "aoetarget_") + count_lines(m.buf, "# ") ==
		   count_lines(m.buf, ""),
	   "every line a sample or a comment");
	metrics_free(&m);
}

int main(void)
{
	test_counting();
	test_metrics();
	return tap_done();
}
