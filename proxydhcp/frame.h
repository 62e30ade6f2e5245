/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Ethernet/IPv4/UDP frames as --no-bind captures them. */
#ifndef PROXYDHCP_FRAME_H
#define PROXYDHCP_FRAME_H

#include <stddef.h>
#include <stdint.h>

/* Ethernet II: destination(6) source(6) type(2), big-endian. */
#define ETH_ADDR_LEN 6
#define ETH_HDR_LEN 14
#define ETHERTYPE_IPV4 0x0800

/*
 * IPv4 (RFC 791): version and header length in 32-bit words(1), TOS(1),
 * total length(2), id(2), flags and fragment offset(2), TTL(1),
 * protocol(1), checksum(2), source(4), destination(4), options.
 */
#define IPV4_VERSION 4
#define IPV4_HDR_MIN 20
#define IPV4_PROTO_UDP 17
/* More-fragments and the fragment offset: both 0 in a whole datagram. */
#define IPV4_FRAG_MASK 0x3fff

/* UDP (RFC 768): source port(2), destination port(2), length(2), sum(2). */
#define UDP_HDR_LEN 8

/* A UDP datagram found in a frame. */
struct frame_udp {
	uint8_t src_mac[ETH_ADDR_LEN];
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
