/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * frame_udp4 over arbitrary frames: a payload it finds lies inside the
 * frame, after the Ethernet, IPv4 and UDP headers; then the payload goes
 * through the DHCP request parser as --no-bind would hand it over.
 */
#include <stdint.h>
#include <stdlib.h>

#include "../../proxydhcp/dhcp.h"
#include "../../proxydhcp/frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct frame_udp f;
	struct dhcp_req req;

	if (frame_udp4(data, size, &f) < 0)
		return 0;
	if (f.payload < data + ETH_HDR_LEN + 28 ||
	    f.payload + f.len > data + size)
		abort();
	dhcp_parse(f.payload, f.len, &req, NULL);
	return 0;
}
