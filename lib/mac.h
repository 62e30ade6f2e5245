/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Ethernet MAC addresses in the forms admins and boot loaders write. */
#ifndef NB_MAC_H
#define NB_MAC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAC_LEN 6
/* Longest formatted MAC (pxelinux form) plus its NUL. */
#define MAC_STRLEN 21

enum mac_fmt {
	MAC_FMT_COLON,    /* 52:54:00:12:34:56  (ip, dhcpd, dnsmasq) */
	MAC_FMT_HEXHYP,   /* 52-54-00-12-34-56  (iPXE ${mac:hexhyp}) */
	MAC_FMT_DASH_UP,  /* 52-54-00-12-34-56 upper case (Windows) */
	MAC_FMT_BARE,     /* 525400123456 */
	MAC_FMT_PXELINUX, /* 01-52-54-00-12-34-56 (pxelinux.cfg/ name) */
};

/*
 * Parses (s, len): six groups of 1-2 hex digits separated by ':' or by '-'
 * (one separator throughout), 12 bare hex digits, Cisco's aabb.ccdd.eeff,
 * or the pxelinux "01-" form.  Returns 0 or -EINVAL.
 */
int mac_parse_mem(const char *s, size_t len, uint8_t mac[MAC_LEN]);
int mac_parse(const char *s, uint8_t mac[MAC_LEN]);

/* Writes the MAC in the given form into buf (MAC_STRLEN bytes) and returns it. */
char *mac_format(const uint8_t mac[MAC_LEN], enum mac_fmt fmt,
		 char buf[MAC_STRLEN]);

bool mac_is_broadcast(const uint8_t mac[MAC_LEN]);
bool mac_is_multicast(const uint8_t mac[MAC_LEN]);
bool mac_is_zero(const uint8_t mac[MAC_LEN]);

#endif
