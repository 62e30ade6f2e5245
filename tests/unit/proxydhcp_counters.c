/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * proxydhcp's counters: the kind of a reply, what is counted for a reply,
 * a request left alone and a reload, the SIGUSR1 line, and the Prometheus
 * text --metrics writes from them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../proxydhcp/counters.h"
#include "tap.h"

static void test_kind(void)
{
	is_int(pxe_reply_kind(DHCP_OFFER, PXE_PORT_DHCP), PXE_KIND_OFFER,
	       "an OFFER on 67: offer");
	is_int(pxe_reply_kind(DHCP_ACK, PXE_PORT_DHCP), PXE_KIND_ACK,
	       "an ACK on 67: ack");
	is_int(pxe_reply_kind(DHCP_ACK, PXE_PORT_BINL), PXE_KIND_ACK_BINL,
	       "an ACK on 4011: ack4011");
}

static void test_counting(struct pxe_counters *c)
{
	struct pxe_answer a;
	char line[512];

	memset(c, 0, sizeof(*c));
	memset(&a, 0, sizeof(a));
	a.rep.msgtype = DHCP_OFFER;
	a.arch = PXE_BIOS;
	pxe_count_reply(c, &a, PXE_PORT_DHCP);
	pxe_count_reply(c, &a, PXE_PORT_DHCP);
	a.rep.msgtype = DHCP_ACK;
	a.arch = PXE_EFI_X64;
	pxe_count_reply(c, &a, PXE_PORT_BINL);
	a.arch = PXE_ARCH_COUNT + 3;
	pxe_count_reply(c, &a, PXE_PORT_DHCP);
	ok(c->replies[PXE_KIND_OFFER][PXE_BIOS] == 2, "two BIOS offers");
	ok(c->replies[PXE_KIND_ACK_BINL][PXE_EFI_X64] == 1, "one x64 4011 ack");
	ok(c->replies[PXE_KIND_ACK][PXE_ARCH_OTHER] == 1,
	   "an architecture out of range counts as other");
	ok(c->requests[PXE_ANSWERED] == 4, "each reply answers a request");
	pxe_count_request(c, PXE_MALFORMED);
	pxe_count_request(c, PXE_NOT_PXE);
	pxe_count_request(c, PXE_NOT_PXE);
	pxe_count_request(c, PXE_RESULT_COUNT);
	ok(c->requests[PXE_MALFORMED] == 1 && c->requests[PXE_NOT_PXE] == 2,
	   "requests without a reply by result");
	pxe_count_reload(c, PXE_SOURCE_TABLE, 0);
	pxe_count_reload(c, PXE_SOURCE_TABLE, -1);
	pxe_count_reload(c, PXE_SOURCE_XCAT, 0);
	ok(c->reloads[PXE_SOURCE_TABLE][0] == 1 &&
	   c->reloads[PXE_SOURCE_TABLE][1] == 1 &&
	   c->reloads[PXE_SOURCE_XCAT][0] == 1, "reloads by result");
	pxe_count_format(c, line, sizeof(line));
	is_str(line, "requests answered 4, ignored 0, not PXE 2, malformed 1, "
	       "dropped 0; offers 2, ACKs 1, ACKs on 4011 1; reloads of the "
	       "table 2 (1 refused), of the xCAT file 1 (0 refused)",
	       "the SIGUSR1 line");
}

/* How many lines of text start with prefix, counted on a copy. */
static unsigned lines_with(const char *text, const char *prefix)
{
	char *copy = strdup(text), *save = NULL;
	unsigned n = 0;

	for (char *l = strtok_r(copy, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save))
		if (strncmp(l, prefix, strlen(prefix)) == 0)
			n++;
	free(copy);
	return n;
}

static void test_metrics(const struct pxe_counters *c)
{
	struct metrics m = { 0 };

	pxe_count_metrics(&m, c, 12, 3);
	ok(m.buf != NULL && !m.failed, "text made");
	if (m.buf == NULL)
		return;
	ok(strstr(m.buf, "proxydhcp_replies_total{kind=\"offer\",arch=\"bios\"} 2\n"),
	   "offers by architecture");
	ok(strstr(m.buf, "proxydhcp_replies_total{kind=\"ack4011\",arch=\"efi-x64\"} 1\n"),
	   "4011 acks by architecture");
	ok(strstr(m.buf, "proxydhcp_replies_total{kind=\"ack\",arch=\"other\"} 1\n"),
	   "other architectures");
	ok(strstr(m.buf, "proxydhcp_requests_total{result=\"malformed\"} 1\n") &&
	   strstr(m.buf, "proxydhcp_requests_total{result=\"not-pxe\"} 2\n") &&
	   strstr(m.buf, "proxydhcp_requests_total{result=\"answered\"} 4\n"),
	   "requests by result");
	ok(strstr(m.buf, "proxydhcp_table_reloads_total{result=\"error\"} 1\n") &&
	   strstr(m.buf, "proxydhcp_xcat_reloads_total{result=\"ok\"} 1\n"),
	   "reloads by file and result");
	ok(strstr(m.buf, "# TYPE proxydhcp_table_rules gauge\nproxydhcp_table_rules 12\n") &&
	   strstr(m.buf, "proxydhcp_xcat_nodes 3\n"), "the gauges");
	is_int((int)lines_with(m.buf, "# TYPE "), 6, "six families");
	is_int((int)lines_with(m.buf, "proxydhcp_replies_total{"),
	       PXE_KIND_COUNT * PXE_ARCH_COUNT,
	       "every kind for every architecture, zeros too");
	is_int((int)lines_with(m.buf, "proxydhcp_requests_total{"),
	       PXE_RESULT_COUNT, "every result");
	is_int((int)(lines_with(m.buf, "proxydhcp_") + lines_with(m.buf, "# ")),
	       (int)lines_with(m.buf, ""), "every line a sample or a comment");
	metrics_free(&m);
}

int main(void)
{
	struct pxe_counters c;

	test_kind();
	test_counting(&c);
	test_metrics(&c);
	return tap_done();
}
