/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The aggregate DHCP fragments (dhcp.c), one entry per host: ISC dhcpd,
 * dnsmasq, proxydhcp's table and xCAT's proxydhcp.cfg.  Pure: each is
 * appended to an sbuf; settings that cannot be written are reported to
 * e->d and the function returns false.
 */
#ifndef BC_DHCP_H
#define BC_DHCP_H

#include "boot.h"

enum bc_agg {
	BC_AGG_DHCPD,
	BC_AGG_DNSMASQ,
	BC_AGG_PROXYDHCP,
	BC_AGG_XCAT,
	BC_AGG_COUNT
};

/* Every aggregate whose out[] is not NULL, in one pass over the hosts. */
bool bc_gen_aggregates(const struct bc_env *e, struct sbuf *out[BC_AGG_COUNT]);

/* One of them alone. */
bool bc_gen_dhcpd(const struct bc_env *e, struct sbuf *out);
bool bc_gen_dnsmasq(const struct bc_env *e, struct sbuf *out);
bool bc_gen_proxydhcp(const struct bc_env *e, struct sbuf *out);
/* 200-byte records; names and paths that do not fit are errors. */
bool bc_gen_xcat(const struct bc_env *e, struct sbuf *out);

#define BC_XCAT_NAME 50
#define BC_XCAT_PATH 150

#endif
