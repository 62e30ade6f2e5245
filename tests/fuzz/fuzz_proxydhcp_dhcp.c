/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dhcp_parse over arbitrary bytes, then pxe_decide on both ports under a
 * configuration with a table, a menu and an xCAT record, then the reply:
 * it must build, parse back as a reply, keep yiaddr 0, carry 53, 54 and
 * 60, echo 97 exactly, keep option 43 within 255 bytes, and never give an
 * iPXE client an iPXE binary.  The same bytes also go through the
 * client-side reply parser and the probe's printer.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../proxydhcp/policy.h"
#include "../../proxydhcp/server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char table_text[] =
	"mac=52:54:00:12:34:56 file=special.0 bcd=\"\\\\Boot\\\\BCD\"\n"
	"host=node1 script=http://198.18.0.1/n.ipxe\n"
	"ip=198.18.0.0/24 tftp-server=198.18.0.2\n"
	"arch=bios ipxe=no prompt=\"3,Pick\" menu=\"1,a.0,A\" menu=\"2,b.0,B\"\n"
	"arch=11 ignore\n";

static struct table *table;
static struct xcat_cfg *xcat;
static FILE *devnull;

static void setup(void)
{
	uint8_t rec[XCAT_RECORD_LEN] = "node1";
	char err[256];

	memcpy(rec + XCAT_NAME_LEN, "winpe/", 6);
	devnull = fopen("/dev/null", "w");
	table = table_parse(table_text, sizeof(table_text) - 1, "t", err,
			    sizeof(err));
	xcat = xcat_parse(rec, sizeof(rec), "x", err, sizeof(err));
	if (table == NULL || xcat == NULL || devnull == NULL)
		abort();
}

static void check_reply(const struct dhcp_req *req, const struct pxe_answer *a)
{
	uint8_t out[DHCP_REPLY_MAX], len = 0;
	struct dhcp_view v;
	const uint8_t *o;
	size_t n = dhcp_build_reply(out, sizeof(out), req, &a->rep);

	if (n == 0 || dhcp_parse_reply(out, n, &v) < 0)
		abort();
	if (v.yiaddr != 0 || v.xid != req->xid || v.msgtype != a->rep.msgtype)
		abort();
	if (!dhcp_view_opt(&v, DHCP_OPT_SERVER_ID, NULL) ||
	    !dhcp_view_opt(&v, DHCP_OPT_VENDOR_CLASS, NULL))
		abort();
	o = dhcp_view_opt(&v, DHCP_OPT_CLIENT_UUID, &len);
	if ((req->uuid.p != NULL) != (o != NULL) ||
	    (o && (len != req->uuid.len || memcmp(o, req->uuid.p, len))))
		abort();
	if (a->rep.vendor_len > 255 ||
	    (a->rep.vendor && dhcp_parse_vendor(a->rep.vendor,
						a->rep.vendor_len, NULL, NULL)))
		abort();
	if (a->ipxe && a->rep.file && pxe_file_is_ipxe(a->rep.file))
		abort();
	if (a->rep.file && v.siaddr == 0)
		abort();
}

static void decide(const struct pxe_config *cfg, const struct dhcp_req *req,
		   enum pxe_port port, uint32_t ip, const char *host)
{
	struct pxe_query q = { req, port, ip != 0, ip, host };
	struct pxe_answer a;

	if (pxe_decide(cfg, &q, &a) == PXE_IGNORE) {
		if (a.reason == NULL || a.reason[0] == '\0')
			abort();
		return;
	}
	check_reply(req, &a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pxe_config cfg = {
		.self = 0x010012c6u,
		.file = { [PXE_BIOS] = "undionly.kpxe",
			  [PXE_EFI_X64] = "snponly.efi" },
		.efi_file = "ipxe.efi",
		.http_url = "http://198.18.0.1/boot.efi",
	};
	struct dhcp_req req;
	struct dhcp_view v;
	const char *why = NULL;

	if (table == NULL)
		setup();
	if (dhcp_parse_reply(data, size, &v) == 0)
		probe_print(devnull, 1, &v, 67);
	if (dhcp_parse(data, size, &req, &why) < 0) {
		if (why == NULL)
			abort();
		return 0;
	}
	decide(&cfg, &req, PXE_PORT_DHCP, 0, NULL);
	cfg.ipxe_script = "boot.ipxe";
	cfg.table = table;
	cfg.xcat = xcat;
	decide(&cfg, &req, PXE_PORT_DHCP, 0, NULL);
	decide(&cfg, &req, PXE_PORT_BINL, 0x640012c6u, "node1.lab");
	decide(&cfg, &req, PXE_PORT_BINL, 0x0100000au, NULL);
	return 0;
}
