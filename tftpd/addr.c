/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "num.h"

/* Splits s into host and port text; brackets are removed from the host. */
static int split_host_port(const char *s, char *host, size_t hostlen,
			   const char **port)
{
	const char *colon = strrchr(s, ':');
	size_t n;

	*port = NULL;
	if (s[0] == '[') {
		const char *end = strchr(s, ']');

		if (end == NULL || (end[1] != '\0' && end[1] != ':'))
			return -EINVAL;
		n = (size_t)(end - s - 1);
		s++;
		if (end[1] == ':')
			*port = end + 2;
	} else if (colon != NULL && strchr(s, ':') == colon) {
		n = (size_t)(colon - s);
		*port = colon + 1;
	} else {
		n = strlen(s); /* no port, or a bare IPv6 address */
	}
	if (n >= hostlen)
		return -EINVAL;
	memcpy(host, s, n);
	host[n] = '\0';
	return 0;
}

static int fill_addr(const char *host, int family, uint16_t port,
		     struct sockaddr_storage *ss, socklen_t *sslen)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	bool want4 = family == AF_INET ||
		     (family == AF_UNSPEC && strchr(host, ':') == NULL);

	memset(ss, 0, sizeof(*ss));
	if (want4) {
		if (host[0] != '\0' &&
		    inet_pton(AF_INET, host, &sin->sin_addr) != 1)
			return -EINVAL;
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		*sslen = sizeof(*sin);
		return 0;
	}
	if (host[0] != '\0' && inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1)
		return -EINVAL;
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	*sslen = sizeof(*sin6);
	return 0;
}

int addr_parse(const char *s, int family, uint16_t default_port,
	       struct sockaddr_storage *ss, socklen_t *sslen)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *port;
	uint64_t p = default_port;

	if (s == NULL || split_host_port(s, host, sizeof(host), &port) < 0)
		return -EINVAL;
	if (port != NULL && num_parse(port, 1, 65535, &p) < 0)
		return -EINVAL;
	return fill_addr(host, family, (uint16_t)p, ss, sslen);
}

char *addr_format(const struct sockaddr *sa, char *buf, size_t buflen)
{
	char host[INET6_ADDRSTRLEN];
	uint16_t port = addr_port(sa);

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;

		inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host));
		if (port)
			snprintf(buf, buflen, "%s:%u", host, port);
		else
			snprintf(buf, buflen, "%s", host);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 =
			(const struct sockaddr_in6 *)sa;

		inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof(host));
		if (port)
			snprintf(buf, buflen, "[%s]:%u", host, port);
		else
			snprintf(buf, buflen, "%s", host);
	} else {
		snprintf(buf, buflen, "(family %d)", sa->sa_family);
	}
	return buf;
}

uint16_t addr_port(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)sa)->sin_port);
	if (sa->sa_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
	return 0;
}

void addr_set_port(struct sockaddr *sa, uint16_t port)
{
	if (sa->sa_family == AF_INET)
		((struct sockaddr_in *)sa)->sin_port = htons(port);
	else if (sa->sa_family == AF_INET6)
		((struct sockaddr_in6 *)sa)->sin6_port = htons(port);
}

socklen_t addr_len(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET6)
		return sizeof(struct sockaddr_in6);
	return sizeof(struct sockaddr_in);
}
