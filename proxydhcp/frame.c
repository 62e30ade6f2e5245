/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Ethernet, IPv4 and UDP headers, checked before each read. */
#include <errno.h>
#include <string.h>

#include "cursor.h"
#include "frame.h"

int frame_udp4(const uint8_t *buf, size_t len, struct frame_udp *out)
{
	struct cur c = cur_init(buf, len);
	uint8_t vihl, proto;
	uint16_t total, frag, ulen;
	size_t ihl;

	memset(out, 0, sizeof(*out));
	cur_skip(&c, ETH_ADDR_LEN);             /* destination */
	cur_copy(&c, out->src_mac, ETH_ADDR_LEN);
	if (cur_be16(&c) != ETHERTYPE_IPV4)
		return -EINVAL;
	vihl = cur_u8(&c);
	ihl = (size_t)(vihl & 0x0f) * 4;
	cur_skip(&c, 1);                        /* TOS */
	total = cur_be16(&c);
	cur_skip(&c, 2);                        /* id */
	frag = cur_be16(&c);
	cur_skip(&c, 1);                        /* TTL */
	proto = cur_u8(&c);
	cur_skip(&c, 2);                        /* checksum */
	cur_copy(&c, &out->src_ip, 4);
	cur_copy(&c, &out->dst_ip, 4);
	if (!cur_ok(&c) || vihl >> 4 != IPV4_VERSION || ihl < IPV4_HDR_MIN ||
	    proto != IPV4_PROTO_UDP || (frag & IPV4_FRAG_MASK) != 0 ||
	    total < ihl + UDP_HDR_LEN || total > len - ETH_HDR_LEN ||
	    !cur_skip(&c, ihl - IPV4_HDR_MIN))
		return -EINVAL;
	out->src_port = cur_be16(&c);
	out->dst_port = cur_be16(&c);
	ulen = cur_be16(&c);
	cur_skip(&c, 2);                        /* checksum */
	if (!cur_ok(&c) || ulen < UDP_HDR_LEN || ulen > total - ihl)
		return -EINVAL;
	out->payload = c.p;
	out->len = ulen - (size_t)UDP_HDR_LEN;
	return 0;
}
