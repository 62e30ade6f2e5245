/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Facts about a network interface, by name.  Each returns 0 or -errno. */
#ifndef NB_IFACE_H
#define NB_IFACE_H

#include <netinet/in.h>
#include <stdint.h>

int iface_index(const char *name, unsigned *index);
int iface_mac(const char *name, uint8_t mac[6]);
int iface_mtu(const char *name, unsigned *mtu);
/* The interface's primary IPv4 address. */
int iface_ipv4(const char *name, struct in_addr *addr);

#endif
