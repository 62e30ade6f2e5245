/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>

#include "iface.h"
#include "tap.h"

int main(void)
{
	unsigned idx = 0, mtu = 0;
	uint8_t mac[6] = { 1 };
	struct in_addr a;
	char longname[IFNAMSIZ + 4];

	is_int(iface_index("lo", &idx), 0, "lo has an index");
	is_int(idx, if_nametoindex("lo"), "the kernel's index");
	is_int(iface_mtu("lo", &mtu), 0, "lo has an MTU");
	ok(mtu >= 1500, "lo MTU is at least 1500 (%u)", mtu);
	is_int(iface_mac("lo", mac), 0, "lo has a (zero) MAC");
	ok(mac[0] == 0, "lo MAC is zero");
	is_int(iface_ipv4("lo", &a), 0, "lo has an IPv4 address");
	is_int(ntohl(a.s_addr) >> 24, 127, "in 127/8");
	ok(iface_index("nb-no-such0", &idx) < 0, "missing interface fails");
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	is_int(iface_mtu(longname, &mtu), -EINVAL, "overlong name refused");
	is_int(iface_mtu("", &mtu), -EINVAL, "empty name refused");
	return tap_done();
}
