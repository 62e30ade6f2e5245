/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What proxydhcp counts, and those counts as Prometheus metrics
 * (--metrics):
 *
 *	proxydhcp_requests_total{result}      requests taken in, by what became
 *	                                      of them (enum pxe_result)
 *	proxydhcp_replies_total{kind,arch}    replies sent, by kind (offer,
 *	                                      ack, ack4011) and the client's
 *	                                      architecture class (pxe_arch_name)
 *	proxydhcp_table_reloads_total{result} --table rereads on a signal,
 *	proxydhcp_xcat_reloads_total{result}  --xcat-cfg rereads, ok or error
 *	proxydhcp_table_rules                 rules in force (gauge)
 *	proxydhcp_xcat_nodes                  xCAT records in force (gauge)
 */
#ifndef PROXYDHCP_COUNTERS_H
#define PROXYDHCP_COUNTERS_H

#include <stddef.h>
#include <stdint.h>

#include "metrics.h"
#include "policy.h"

/* What became of a request. */
enum pxe_result {
	PXE_ANSWERED,      /* a reply was sent (or queued for --reply-delay) */
	PXE_IGNORED,       /* a PXE or HTTP boot client the policy left alone */
	PXE_NOT_PXE,       /* no PXEClient or HTTPClient vendor class */
	PXE_MALFORMED,     /* not a DHCP message dhcp_parse accepts */
	PXE_DROPPED,       /* answered, but the reply could not be sent */
	PXE_RESULT_COUNT,
};

/* What kind of reply. */
enum pxe_kind {
	PXE_KIND_OFFER,    /* an OFFER from port 67 */
	PXE_KIND_ACK,      /* an ACK from port 67 (a boot server request) */
	PXE_KIND_ACK_BINL, /* an ACK from port 4011 */
	PXE_KIND_COUNT,
};

/* The files a signal rereads. */
enum pxe_source {
	PXE_SOURCE_TABLE,  /* --table */
	PXE_SOURCE_XCAT,   /* --xcat-cfg */
	PXE_SOURCE_COUNT,
};

struct pxe_counters {
	uint64_t requests[PXE_RESULT_COUNT];
	uint64_t replies[PXE_KIND_COUNT][PXE_ARCH_COUNT];
	uint64_t reloads[PXE_SOURCE_COUNT][2];   /* [.][0] ok, [.][1] error */
};

/* The kind of a reply of type msgtype to a request that came to port. */
enum pxe_kind pxe_reply_kind(uint8_t msgtype, enum pxe_port port);

/* A request that got no reply (result is not PXE_ANSWERED). */
void pxe_count_request(struct pxe_counters *c, enum pxe_result result);

/* A reply sent: the request answered, the reply by kind and architecture. */
void pxe_count_reply(struct pxe_counters *c, const struct pxe_answer *a,
		     enum pxe_port port);

/* A reread of src on a signal: rc is the loader's, 0 or negative. */
void pxe_count_reload(struct pxe_counters *c, enum pxe_source src, int rc);

/* The counters in one line of text, for the SIGUSR1 log line. */
void pxe_count_format(const struct pxe_counters *c, char *buf, size_t len);

/*
 * Every family above into m; rules and nodes are what is in force (the
 * gauges).
 */
void pxe_count_metrics(struct metrics *m, const struct pxe_counters *c,
		       size_t rules, size_t nodes);

#endif
