/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Ethernet/IPv4/UDP frames as --no-bind captures them. */
#include <string.h>

#include "../../proxydhcp/frame.h"
#include "tap.h"

/* Broadcast DHCP frame: 14 Ethernet + 20 IPv4 + 8 UDP + 4 payload. */
static const uint8_t good[] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
	0x08, 0x00,
	0x45, 0x00, 0x00, 0x20, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
	0x00, 0x44, 0x00, 0x43, 0x00, 0x0c, 0x00, 0x00,
	0xde, 0xad, 0xbe, 0xef,
};

static int try(const uint8_t *f, size_t len)
{
	struct frame_udp u;

	return frame_udp4(f, len, &u);
}

int main(void)
{
	struct frame_udp u;
	uint8_t f[sizeof(good) + 8];

	is_int(frame_udp4(good, sizeof(good), &u), 0, "good frame");
	is_int(u.src_port, 68, "source port");
	is_int(u.dst_port, 67, "destination port");
	is_int(u.len, 4, "payload length");
	ok(u.payload == good + 42, "payload offset");
	ok(memcmp(u.src_mac, good + 6, 6) == 0, "source MAC");
	is_int(u.dst_ip, 0xffffffffu, "broadcast destination");

	memcpy(f, good, sizeof(good));
	memset(f + sizeof(good), 0, 8);
	is_int(frame_udp4(f, sizeof(f), &u), 0, "Ethernet padding ignored");
	is_int(u.len, 4, "payload from the UDP length");

	ok(try(good, sizeof(good) - 1) < 0, "truncated payload refused");
	ok(try(good, 30) < 0, "truncated IP header refused");
	ok(try(good, 0) < 0, "empty refused");

	memcpy(f, good, sizeof(good));
	f[12] = 0x86;
	ok(try(f, sizeof(good)) < 0, "not IPv4");
	memcpy(f, good, sizeof(good));
	f[23] = 6;
	ok(try(f, sizeof(good)) < 0, "not UDP");
	memcpy(f, good, sizeof(good));
	f[20] = 0x20;
	ok(try(f, sizeof(good)) < 0, "fragment refused");
	memcpy(f, good, sizeof(good));
	f[14] = 0x44;
	ok(try(f, sizeof(good)) < 0, "IHL below 5");
	memcpy(f, good, sizeof(good));
	f[14] = 0x4f;
	ok(try(f, sizeof(good)) < 0, "IHL past the datagram");
	memcpy(f, good, sizeof(good));
	f[39] = 0x40;
	ok(try(f, sizeof(good)) < 0, "UDP length past the datagram");
	memcpy(f, good, sizeof(good));
	f[39] = 0x04;
	ok(try(f, sizeof(good)) < 0, "UDP length under 8");
	return tap_done();
}
