/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Ethernet/IPv4/UDP frames as --no-bind captures them. */
#ifndef PROXYDHCP_FRAME_H
#define PROXYDHCP_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define ETH_HDR_LEN 14
#define ETHERTYPE_IPV4 0x0800

/* A UDP datagram found in a frame. */
struct frame_udp {
	uint8_t src_mac[6];
	uint32_t src_ip, dst_ip;    /* network order */
	uint16_t src_port, dst_port;
	const uint8_t *payload;     /* inside the frame */
	size_t len;
};

/*
 * Finds the UDP payload of an Ethernet II frame carrying an unfragmented
 * IPv4 datagram: 0, or -EINVAL when it is anything else or truncated.
 */
int frame_udp4(const uint8_t *buf, size_t len, struct frame_udp *out);

#endif
