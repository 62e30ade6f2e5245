/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Hand-built DHCP requests for the proxydhcp unit tests. */
#ifndef PROXYDHCP_TEST_PKT_H
#define PROXYDHCP_TEST_PKT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../../proxydhcp/dhcp.h"

struct pkt {
	uint8_t b[12000];
	size_t len;
};

static const uint8_t test_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t test_uuid[17] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
				       11, 12, 13, 14, 15, 16 };

static inline void pkt_byte(struct pkt *p, uint8_t v)
{
	if (p->len < sizeof(p->b))
		p->b[p->len++] = v;
}

static inline void pkt_bytes(struct pkt *p, const void *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		pkt_byte(p, ((const uint8_t *)v)[i]);
}

/* Header with chaddr test_mac and the cookie; no options yet. */
static inline void pkt_header(struct pkt *p)
{
	memset(p, 0, sizeof(*p));
	p->b[0] = DHCP_BOOTREQUEST;
	p->b[1] = 1;
	p->b[2] = 6;
	memcpy(p->b + 4, "\x12\x34\x56\x78", 4);
	p->b[10] = 0x80;
	memcpy(p->b + 28, test_mac, 6);
	p->len = DHCP_HDR_LEN;
	pkt_bytes(p, "\x63\x82\x53\x63", 4);
}

static inline void pkt_opt(struct pkt *p, uint8_t code, const void *v,
			   size_t n)
{
	pkt_byte(p, code);
	pkt_byte(p, (uint8_t)n);
	pkt_bytes(p, v, n);
}

static inline void pkt_str(struct pkt *p, uint8_t code, const char *s)
{
	pkt_opt(p, code, s, strlen(s));
}

static inline void pkt_type(struct pkt *p, uint8_t type)
{
	pkt_opt(p, DHCP_OPT_MSGTYPE, &type, 1);
}

static inline void pkt_arch(struct pkt *p, uint16_t arch)
{
	uint8_t v[2] = { (uint8_t)(arch >> 8), (uint8_t)arch };

	pkt_opt(p, DHCP_OPT_CLIENT_ARCH, v, 2);
}

/* A PXE request: 53, 60 with the Arch field, 93, 97 (+ 77 "iPXE"), End. */
static inline void pkt_pxe(struct pkt *p, uint8_t type, uint16_t arch,
			   bool ipxe)
{
	char vc[48];

	pkt_header(p);
	pkt_type(p, type);
	snprintf(vc, sizeof(vc), "PXEClient:Arch:%05u:UNDI:003016", arch);
	pkt_str(p, DHCP_OPT_VENDOR_CLASS, vc);
	pkt_arch(p, arch);
	pkt_opt(p, DHCP_OPT_CLIENT_UUID, test_uuid, sizeof(test_uuid));
	if (ipxe)
		pkt_str(p, DHCP_OPT_USER_CLASS, "iPXE");
	pkt_byte(p, DHCP_OPT_END);
}

#endif
