/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "iface.h"

#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* Runs one SIOCGIF* ioctl for name on a throwaway datagram socket. */
static int iface_ioctl(const char *name, unsigned long req, struct ifreq *ifr)
{
	int fd, rc = 0;

	if (name == NULL || strlen(name) >= IFNAMSIZ || name[0] == '\0')
		return -EINVAL;
	memset(ifr, 0, sizeof(*ifr));
	memcpy(ifr->ifr_name, name, strlen(name));
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, req, ifr) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

int iface_index(const char *name, unsigned *index)
{
	struct ifreq ifr;
	int rc = iface_ioctl(name, SIOCGIFINDEX, &ifr);

	if (rc == 0)
		*index = (unsigned)ifr.ifr_ifindex;
	return rc;
}

int iface_mac(const char *name, uint8_t mac[6])
{
	struct ifreq ifr;
	int rc = iface_ioctl(name, SIOCGIFHWADDR, &ifr);

	if (rc == 0)
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return rc;
}

int iface_mtu(const char *name, unsigned *mtu)
{
	struct ifreq ifr;
	int rc = iface_ioctl(name, SIOCGIFMTU, &ifr);

	if (rc == 0)
		*mtu = (unsigned)ifr.ifr_mtu;
	return rc;
}

int iface_ipv4(const char *name, struct in_addr *addr)
{
	struct ifreq ifr;
	struct sockaddr_in sin;
	int rc = iface_ioctl(name, SIOCGIFADDR, &ifr);

	if (rc == 0) {
		memcpy(&sin, &ifr.ifr_addr, sizeof(sin));
		*addr = sin.sin_addr;
	}
	return rc;
}
