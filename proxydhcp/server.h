/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The proxydhcp event loop and its client mode. */
#ifndef PROXYDHCP_SERVER_H
#define PROXYDHCP_SERVER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "dhcp.h"
#include "pxe.h"

/* Everything the command line decides. */
struct proxydhcp_conf {
	const char *iface;                  /* -i */
	uint32_t tftp_server;               /* --tftp-server, network order, 0: ours */
	const char *file[PXE_ARCH_COUNT];   /* --bios-file, --efi-x64-file, ... */
	const char *efi_file;               /* --efi-file */
	const char *http_url;               /* --http-url */
	const char *ipxe_script;            /* --ipxe-script */
	const char *table;                  /* --table */
	const char *xcat;                   /* --xcat-cfg */
	bool no_bind;                       /* --no-bind */
	unsigned reply_delay_ms;            /* --reply-delay */
	const char *user;                   /* -u, NULL: nobody when root */
	bool no_sandbox;                    /* --no-sandbox */
	bool foreground;                    /* -f */
	const char *pidfile;                /* -P */
	const char *metrics;                /* --metrics, NULL: none */
	unsigned metrics_interval;          /* --metrics-interval, seconds */
	int verbose;                        /* -v */
};

/* What --probe sends. */
struct probe_conf {
	const char *iface;
	uint16_t arch;
	bool ipxe, http, request;
	bool has_mac, has_uuid;
	uint8_t mac[6];
	uint8_t uuid[PXE_UUID_LEN];
	unsigned timeout;                   /* seconds */
};

/*
 * --check-config: reads --table and --xcat-cfg and prints every problem
 * ("FILE:LINE: why") to standard error, with what the other options and
 * the user to become would make setup refuse; opens no socket.  Returns
 * how many problems there were.
 */
unsigned proxydhcp_check(const struct proxydhcp_conf *conf);

/* Serves until SIGTERM; returns an exit status. */
int proxydhcp_serve(const struct proxydhcp_conf *conf);

/* Client mode; returns 0 when a ProxyDHCP answer came (and the ACK). */
int probe_main(const struct probe_conf *conf);

struct dhcp_view;
/*
 * Prints reply number n, from port, as the block of shell assignments
 * proxydhcp(8) describes.
 */
void probe_print(FILE *out, unsigned n, const struct dhcp_view *v,
		 uint16_t port);

#endif
