/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <inttypes.h>
#include <stdio.h>

#include "counters.h"
#include "dhcp.h"

static const char *const result_names[PXE_RESULT_COUNT] = {
	[PXE_ANSWERED] = "answered",
	[PXE_IGNORED] = "ignored",
	[PXE_NOT_PXE] = "not-pxe",
	[PXE_MALFORMED] = "malformed",
	[PXE_DROPPED] = "dropped",
};

static const char *const kind_names[PXE_KIND_COUNT] = {
	[PXE_KIND_OFFER] = "offer",
	[PXE_KIND_ACK] = "ack",
	[PXE_KIND_ACK_BINL] = "ack4011",
};

enum pxe_kind pxe_reply_kind(uint8_t msgtype, enum pxe_port port)
{
	if (port == PXE_PORT_BINL)
		return PXE_KIND_ACK_BINL;
	return msgtype == DHCP_OFFER ? PXE_KIND_OFFER : PXE_KIND_ACK;
}

void pxe_count_request(struct pxe_counters *c, enum pxe_result result)
{
	if (result < PXE_RESULT_COUNT)
		c->requests[result]++;
}

void pxe_count_reply(struct pxe_counters *c, const struct pxe_answer *a,
		     enum pxe_port port)
{
	enum pxe_arch arch = a->arch < PXE_ARCH_COUNT ? a->arch
						      : PXE_ARCH_OTHER;

	c->requests[PXE_ANSWERED]++;
	c->replies[pxe_reply_kind(a->rep.msgtype, port)][arch]++;
}

void pxe_count_reload(struct pxe_counters *c, enum pxe_source src, int rc)
{
	c->reloads[src][rc < 0]++;
}

static uint64_t kind_total(const struct pxe_counters *c, enum pxe_kind k)
{
	uint64_t n = 0;

	for (unsigned a = 0; a < PXE_ARCH_COUNT; a++)
		n += c->replies[k][a];
	return n;
}

void pxe_count_format(const struct pxe_counters *c, char *buf, size_t len)
{
	const uint64_t *r = c->requests;

	snprintf(buf, len, "requests answered %" PRIu64 ", ignored %" PRIu64
		 ", not PXE %" PRIu64 ", malformed %" PRIu64 ", dropped %"
		 PRIu64 "; offers %" PRIu64 ", ACKs %" PRIu64
		 ", ACKs on 4011 %" PRIu64 "; reloads of the table %" PRIu64
		 " (%" PRIu64 " refused), of the xCAT file %" PRIu64 " (%"
		 PRIu64 " refused)", r[PXE_ANSWERED], r[PXE_IGNORED],
		 r[PXE_NOT_PXE], r[PXE_MALFORMED], r[PXE_DROPPED],
		 kind_total(c, PXE_KIND_OFFER), kind_total(c, PXE_KIND_ACK),
		 kind_total(c, PXE_KIND_ACK_BINL),
		 c->reloads[PXE_SOURCE_TABLE][0] + c->reloads[PXE_SOURCE_TABLE][1],
		 c->reloads[PXE_SOURCE_TABLE][1],
		 c->reloads[PXE_SOURCE_XCAT][0] + c->reloads[PXE_SOURCE_XCAT][1],
		 c->reloads[PXE_SOURCE_XCAT][1]);
}

static void reloads(struct metrics *m, const char *name, const char *help,
		    const uint64_t n[2])
{
	metrics_family(m, name, "counter", help);
	metrics_sample(m, name, n[0], "result", "ok", METRICS_END);
	metrics_sample(m, name, n[1], "result", "error", METRICS_END);
}

static void gauge(struct metrics *m, const char *name, const char *help,
		  size_t n)
{
	metrics_family(m, name, "gauge", help);
	metrics_sample(m, name, (uint64_t)n, METRICS_END);
}

void pxe_count_metrics(struct metrics *m, const struct pxe_counters *c,
		       size_t rules, size_t nodes)
{
	metrics_family(m, "proxydhcp_requests_total", "counter",
		       "Requests taken in, by what became of them.");
	for (unsigned r = 0; r < PXE_RESULT_COUNT; r++)
		metrics_sample(m, "proxydhcp_requests_total", c->requests[r],
			       "result", result_names[r], METRICS_END);
	metrics_family(m, "proxydhcp_replies_total", "counter",
		       "Replies sent, by kind and by the client's architecture.");
	for (unsigned k = 0; k < PXE_KIND_COUNT; k++)
		for (unsigned a = 0; a < PXE_ARCH_COUNT; a++)
			metrics_sample(m, "proxydhcp_replies_total",
				       c->replies[k][a], "kind", kind_names[k],
				       "arch", pxe_arch_name((enum pxe_arch)a),
				       METRICS_END);
	reloads(m, "proxydhcp_table_reloads_total",
		"Rereads of the --table file on a signal, by result.",
		c->reloads[PXE_SOURCE_TABLE]);
	reloads(m, "proxydhcp_xcat_reloads_total",
		"Rereads of the --xcat-cfg file on a signal, by result.",
		c->reloads[PXE_SOURCE_XCAT]);
	gauge(m, "proxydhcp_table_rules", "Rules of the table in force.", rules);
	gauge(m, "proxydhcp_xcat_nodes", "Records of the xCAT file in force.",
	      nodes);
}
