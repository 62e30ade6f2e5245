/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Socket addresses as text: for -a ADDR[:PORT] options and log lines. */
#ifndef TFTPD_ADDR_H
#define TFTPD_ADDR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* "198.18.0.1:69" or "[2001:db8::1]:69" fits in this, with its NUL. */
#define ADDR_STRLEN 64

/*
 * Parses "ADDR", "ADDR:PORT", "[V6ADDR]", "[V6ADDR]:PORT", ":PORT" or a bare
 * V6ADDR (numeric only, no name lookups).  An empty address means the
 * wildcard of family (AF_INET when family is AF_UNSPEC).  A missing port
 * means default_port.  Returns 0 or -EINVAL.
 */
int addr_parse(const char *s, int family, uint16_t default_port,
	       struct sockaddr_storage *ss, socklen_t *sslen);

/* Formats sa (AF_INET/AF_INET6, port included when non-zero) into buf. */
char *addr_format(const struct sockaddr *sa, char *buf, size_t buflen);

uint16_t addr_port(const struct sockaddr *sa);
void addr_set_port(struct sockaddr *sa, uint16_t port);
socklen_t addr_len(const struct sockaddr *sa);

#endif
