/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one decision of the server: given a parsed request, where it came
 * in and what is known of the client, answer (and with what) or not.
 * Pure: no I/O, no clock, no globals.
 */
#ifndef PROXYDHCP_POLICY_H
#define PROXYDHCP_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "dhcp.h"
#include "pxe.h"
#include "table.h"
#include "xcat.h"

/* Longest option 43 a request may carry: PXE clients send 71 and little else. */
#define PXE_VENDOR_REQ_MAX 128

enum pxe_port {
	PXE_PORT_DHCP,   /* 67 */
	PXE_PORT_BINL,   /* 4011 */
};

enum pxe_verdict {
	PXE_IGNORE,
	PXE_REPLY,
};

/* The configuration a decision reads. */
struct pxe_config {
	uint32_t self;                       /* our address, network order */
	uint32_t tftp_server;                /* siaddr, 0 for self */
	const char *file[PXE_ARCH_COUNT];    /* per-architecture boot files */
	const char *efi_file;                /* any UEFI arch without its own */
	const char *http_url;                /* HTTP boot clients */
	const char *ipxe_script;             /* iPXE clients */
	const struct table *table;           /* NULL without --table */
	const struct xcat_cfg *xcat;         /* NULL without --xcat-cfg */
};

/* One request and what the I/O side knows around it. */
struct pxe_query {
	const struct dhcp_req *req;
	enum pxe_port port;
	bool has_ip;             /* the client's address is known */
	uint32_t ip;             /* network order */
	const char *host;        /* its reverse-resolved name, or NULL */
};

/* The answer; rep's pointers lead into this struct or the config. */
struct pxe_answer {
	struct dhcp_reply rep;
	uint16_t arch_type;      /* option 93 type (or from option 60) */
	enum pxe_arch arch;
	bool ipxe;
	bool http;               /* HTTPClient */
	bool deferred;           /* an offer that sends the client to 4011 */
	unsigned rule_line;      /* the table rule used, 0 for none */
	const char *reason;      /* why it was ignored, for debug logs */
	bool not_pxe;            /* ignored: no PXE or HTTP vendor class */
	char file[256];
	char bcd[256];
	uint8_t vendor[255];
};

/* The client's architecture type: option 93's first entry, else option 60's Arch. */
uint16_t pxe_client_arch(const struct dhcp_req *req);
/* iPXE: option 77 "iPXE", option 175 present or requested. */
bool pxe_client_is_ipxe(const struct dhcp_req *req);
/* Whether some source needs the client's host name (table host=, xCAT). */
bool pxe_needs_host(const struct pxe_config *cfg);
/* Whether a boot file name is an iPXE binary (undionly.kpxe, snponly.efi, ...). */
bool pxe_file_is_ipxe(const char *file);

/* Decides; on PXE_REPLY, ans->rep is ready for dhcp_build_reply(). */
enum pxe_verdict pxe_decide(const struct pxe_config *cfg,
			    const struct pxe_query *q, struct pxe_answer *ans);

#endif
