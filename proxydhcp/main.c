/* SPDX-License-Identifier: GPL-2.0-or-later */
/* proxydhcp: PXE ProxyDHCP responder for BIOS, UEFI, HTTP boot and iPXE clients. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp.h"
#include "mac.h"
#include "num.h"
#include "opts.h"
#include "server.h"
#include "table.h"

/* Raw option text, converted and range-checked after popt is done. */
struct raw_opts {
	char *iface, *tftp_server, *bios, *efi, *efi_x64, *efi_ia32;
	char *efi_arm64, *efi_arm32, *http_url, *ipxe_script, *table, *xcat;
	char *reply_delay, *user, *pidfile, *metrics, *interval;
	int no_bind, no_sandbox, foreground, verbose, check;
	int probe, ipxe, http, request;
	char *timeout, *arch, *mac, *uuid;
};

/*
 * A boot file must fit the message's file field.  Returns 1 when it does
 * not: a usage error, except that --check-config counts it and goes on.
 */
static unsigned check_file(poptContext ctx, const struct raw_opts *r,
			   const char *opt, const char *v)
{
	if (v == NULL || (v[0] != '\0' && strlen(v) <= TABLE_FILE_LEN))
		return 0;
	if (!r->check)
		opts_usage_error(ctx, "%s: expected 1 to %d bytes", opt,
				 TABLE_FILE_LEN);
	log_err("%s: expected 1 to %d bytes", opt, TABLE_FILE_LEN);
	return 1;
}

static unsigned convert_files(struct proxydhcp_conf *c,
			      const struct raw_opts *r, poptContext ctx)
{
	c->file[PXE_BIOS] = r->bios;
	c->efi_file = r->efi;
	c->file[PXE_EFI_X64] = r->efi_x64;
	c->file[PXE_EFI_IA32] = r->efi_ia32;
	c->file[PXE_EFI_ARM64] = r->efi_arm64;
	c->file[PXE_EFI_ARM32] = r->efi_arm32;
	c->http_url = r->http_url;
	c->ipxe_script = r->ipxe_script;
	return check_file(ctx, r, "--bios-file", r->bios) +
	       check_file(ctx, r, "--efi-file", r->efi) +
	       check_file(ctx, r, "--efi-x64-file", r->efi_x64) +
	       check_file(ctx, r, "--efi-ia32-file", r->efi_ia32) +
	       check_file(ctx, r, "--efi-arm64-file", r->efi_arm64) +
	       check_file(ctx, r, "--efi-arm32-file", r->efi_arm32) +
	       check_file(ctx, r, "--http-url", r->http_url) +
	       check_file(ctx, r, "--ipxe-script", r->ipxe_script);
}

/* The server's configuration; returns the problems --check-config counted. */
static unsigned convert_server(struct proxydhcp_conf *c,
			       const struct raw_opts *r, poptContext ctx)
{
	struct in_addr in;
	bool any_file = false;
	unsigned bad;

	memset(c, 0, sizeof(*c));
	c->iface = r->iface;
	bad = convert_files(c, r, ctx);
	if (r->tftp_server) {
		if (inet_pton(AF_INET, r->tftp_server, &in) != 1)
			opts_usage_error(ctx, "--tftp-server '%s': not an IPv4 address",
					 r->tftp_server);
		c->tftp_server = in.s_addr;
	}
	for (unsigned a = 0; a < PXE_ARCH_COUNT; a++)
		any_file |= c->file[a] != NULL;
	if (!any_file && !r->efi && !r->http_url && !r->ipxe_script &&
	    !r->table && !r->xcat)
		opts_usage_error(ctx, "nothing to serve: give a boot file, "
				 "--ipxe-script, --table or --xcat-cfg");
	c->table = r->table;
	c->xcat = r->xcat;
	c->no_bind = r->no_bind;
	if (r->reply_delay)
		c->reply_delay_ms = (unsigned)opts_num(ctx, "--reply-delay",
						       r->reply_delay, 0, 10000);
	c->user = r->user;
	c->no_sandbox = r->no_sandbox;
	c->foreground = r->foreground;
	c->pidfile = r->pidfile;
	c->verbose = r->verbose;
	c->metrics = r->metrics;
	c->metrics_interval = r->interval ? (unsigned)opts_num(ctx,
		"--metrics-interval", r->interval, 1, 86400) : 60;
	return bad;
}

/* --check-config: every problem printed; exit 0 only when there was none. */
static int check_config(const struct proxydhcp_conf *c, unsigned problems)
{
	problems += proxydhcp_check(c);
	if (problems)
		return EXIT_FAIL;
	printf("proxydhcp: no problems");
	if (c->table)
		printf(", %s", c->table);
	if (c->xcat)
		printf(", %s", c->xcat);
	printf("\n");
	return EXIT_OK;
}

/* 32 hex digits, dashes anywhere. */
static void parse_uuid(poptContext ctx, const char *s,
		       uint8_t uuid[PXE_UUID_LEN])
{
	char digits[2 * PXE_UUID_LEN + 1];
	unsigned n = 0;

	for (const char *p = s; *p; p++)
		if (*p != '-' && n < sizeof(digits) - 1)
			digits[n++] = *p;
		else if (*p != '-')
			opts_usage_error(ctx, "--uuid '%s': expected 32 hex digits", s);
	if (n != 2 * PXE_UUID_LEN)
		opts_usage_error(ctx, "--uuid '%s': expected 32 hex digits", s);
	for (unsigned i = 0; i < PXE_UUID_LEN; i++) {
		uint64_t v;

		if (digits[2 * i] == '0' && (digits[2 * i + 1] | 0x20) == 'x')
			opts_usage_error(ctx, "--uuid '%s': expected 32 hex digits", s);
		if (num_parse_hex_mem(digits + 2 * i, 2, 0, 255, &v) < 0)
			opts_usage_error(ctx, "--uuid '%s': expected 32 hex digits", s);
		uuid[i] = (uint8_t)v;
	}
}

static void convert_probe(struct probe_conf *c, const struct raw_opts *r,
			  poptContext ctx)
{
	memset(c, 0, sizeof(*c));
	c->iface = r->iface;
	c->timeout = 3;
	if (r->timeout)
		c->timeout = (unsigned)opts_num(ctx, "--timeout", r->timeout, 1, 60);
	if (r->arch)
		c->arch = (uint16_t)opts_num(ctx, "--arch", r->arch, 0, 65535);
	c->ipxe = r->ipxe;
	c->http = r->http;
	c->request = r->request;
	if (r->mac) {
		if (mac_parse(r->mac, c->mac) < 0)
			opts_usage_error(ctx, "--mac '%s': not a MAC address", r->mac);
		c->has_mac = true;
	}
	if (r->uuid) {
		parse_uuid(ctx, r->uuid, c->uuid);
		c->has_uuid = true;
	}
}

/* popt hands out copies of string arguments: ours to free. */
static void free_raw(struct raw_opts *r)
{
	char **strings[] = {
		&r->iface, &r->tftp_server, &r->bios, &r->efi, &r->efi_x64,
		&r->efi_ia32, &r->efi_arm64, &r->efi_arm32, &r->http_url,
		&r->ipxe_script, &r->table, &r->xcat, &r->reply_delay,
		&r->user, &r->pidfile, &r->metrics, &r->interval, &r->timeout,
		&r->arch, &r->mac, &r->uuid,
	};

	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
		free(*strings[i]);
		*strings[i] = NULL;
	}
}

int main(int argc, char **argv)
{
	struct raw_opts r;
	const struct poptOption table[] = {
		{ "interface", 'i', POPT_ARG_STRING, &r.iface, 0, "Serve (or probe) on this interface (required)", "IFACE" },
		{ "tftp-server", '\0', POPT_ARG_STRING, &r.tftp_server, 0, "Server given in siaddr (default: our address)", "ADDR" },
		{ "bios-file", '\0', POPT_ARG_STRING, &r.bios, 0, "Boot file for BIOS clients", "FILE" },
		{ "efi-file", '\0', POPT_ARG_STRING, &r.efi, 0, "Boot file for every UEFI architecture", "FILE" },
		{ "efi-x64-file", '\0', POPT_ARG_STRING, &r.efi_x64, 0, "Boot file for x86-64 UEFI (types 7, 9)", "FILE" },
		{ "efi-ia32-file", '\0', POPT_ARG_STRING, &r.efi_ia32, 0, "Boot file for 32-bit x86 UEFI (type 6)", "FILE" },
		{ "efi-arm64-file", '\0', POPT_ARG_STRING, &r.efi_arm64, 0, "Boot file for 64-bit ARM UEFI (type 11)", "FILE" },
		{ "efi-arm32-file", '\0', POPT_ARG_STRING, &r.efi_arm32, 0, "Boot file for 32-bit ARM UEFI (type 10)", "FILE" },
		{ "http-url", '\0', POPT_ARG_STRING, &r.http_url, 0, "URL for UEFI HTTP boot clients", "URL" },
		{ "ipxe-script", '\0', POPT_ARG_STRING, &r.ipxe_script, 0, "What iPXE clients get (TFTP path or URL)", "FILE_OR_URL" },
		{ "table", '\0', POPT_ARG_STRING, &r.table, 0, "Per-node rules, see proxydhcp(5) (reread on SIGHUP)", "FILE" },
		{ "xcat-cfg", '\0', POPT_ARG_STRING, &r.xcat, 0, "xCAT proxydhcp.cfg (reread on SIGUSR1 and SIGHUP)", "FILE" },
		{ "no-bind", '\0', POPT_ARG_NONE, &r.no_bind, 0, "Capture port 67 instead of binding it (beside a DHCP server)", NULL },
		{ "reply-delay", '\0', POPT_ARG_STRING, &r.reply_delay, 0, "Wait this long before each reply (0-10000)", "MS" },
		{ "user", 'u', POPT_ARG_STRING, &r.user, 0, "Run as this user (default nobody when root)", "USER" },
		{ "no-sandbox", '\0', POPT_ARG_NONE, &r.no_sandbox, 0, "Do not install the seccomp filter (for debugging and for measuring its cost)", NULL },
		{ "foreground", 'f', POPT_ARG_NONE, &r.foreground, 0, "Stay in the foreground, log to stderr", NULL },
		{ "pidfile", 'P', POPT_ARG_STRING, &r.pidfile, 0, "Write the process id here", "FILE" },
		{ "verbose", 'v', POPT_ARG_NONE, &r.verbose, 0, "Log every dropped request and why", NULL },
		{ "metrics", '\0', POPT_ARG_STRING, &r.metrics, 0, "Write the counters here for Prometheus (node_exporter's textfile collector)", "FILE" },
		{ "metrics-interval", '\0', POPT_ARG_STRING, &r.interval, 0, "Seconds between --metrics writes (1-86400, default 60)", "SECS" },
		{ "check-config", '\0', POPT_ARG_NONE, &r.check, 0, "Check the configuration, print every problem, exit 0 or 1 without serving", NULL },
		{ "probe", '\0', POPT_ARG_NONE, &r.probe, 0, "Client mode: send a PXE DISCOVER and print the replies", NULL },
		{ "timeout", '\0', POPT_ARG_STRING, &r.timeout, 0, "Probe: seconds to wait for replies (1-60, default 3)", "SECS" },
		{ "arch", '\0', POPT_ARG_STRING, &r.arch, 0, "Probe: client architecture type (default 0)", "N" },
		{ "ipxe", '\0', POPT_ARG_NONE, &r.ipxe, 0, "Probe: be iPXE (option 77, ask for 175)", NULL },
		{ "http", '\0', POPT_ARG_NONE, &r.http, 0, "Probe: be an HTTPClient", NULL },
		{ "mac", '\0', POPT_ARG_STRING, &r.mac, 0, "Probe: client MAC (default: the interface's)", "MAC" },
		{ "uuid", '\0', POPT_ARG_STRING, &r.uuid, 0, "Probe: client UUID (default: from the MAC)", "UUID" },
		{ "request", '\0', POPT_ARG_NONE, &r.request, 0, "Probe: then ask the proxy on port 4011", NULL },
		OPTS_COMMON_TABLE,
		POPT_AUTOHELP
		POPT_TABLEEND
	};
	poptContext ctx;
	int nargs, rc;

	memset(&r, 0, sizeof(r));
	log_open("proxydhcp", LOG_TO_STDERR, LOG_DAEMON);
	ctx = opts_context("proxydhcp", argc, argv, table, "[OPTION...]");
	while (opts_next(ctx, "proxydhcp") > 0)
		;
	opts_args(ctx, &nargs);
	if (nargs > 0)
		opts_usage_error(ctx, "no arguments expected (got %d)", nargs);
	if (r.check && r.probe)
		opts_usage_error(ctx, "--check-config and --probe contradict "
				 "each other");
	if (r.iface == NULL && !r.check)
		opts_usage_error(ctx, "-i IFACE is required");
	if (r.probe) {
		struct probe_conf pc;

		convert_probe(&pc, &r, ctx);
		rc = probe_main(&pc);
	} else {
		struct proxydhcp_conf conf;

		unsigned problems = convert_server(&conf, &r, ctx);

		rc = r.check ? check_config(&conf, problems)
			     : proxydhcp_serve(&conf);
	}
	poptFreeContext(ctx);
	free_raw(&r);
	return rc;
}
