/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The probe's output: one block of shell assignments per reply, values
 * single-quoted with ' as '\'', text when printable, else bare hex.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../proxydhcp/dhcp.h"
#include "../../proxydhcp/server.h"
#include "proxydhcp_pkt.h"
#include "tap.h"

/* The printed block for a reply built from opts (code, len, value...). */
static char *print(const struct pkt *p, uint16_t port)
{
	struct dhcp_view v;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	if (dhcp_parse_reply(p->b, p->len, &v) < 0)
		return NULL;
	f = open_memstream(&text, &len);
	if (f == NULL)
		return NULL;
	probe_print(f, 3, &v, port);
	fclose(f);
	return text;
}

static void reply_header(struct pkt *p)
{
	pkt_header(p);
	p->b[0] = DHCP_BOOTREPLY;
	memcpy(p->b + 20, "\xc6\x12\x00\x02", 4);          /* siaddr */
	memcpy(p->b + 108, "it's.0", 6);                   /* file */
}

int main(void)
{
	struct pkt p;
	char *out;

	reply_header(&p);
	pkt_type(&p, DHCP_OFFER);
	pkt_opt(&p, DHCP_OPT_SERVER_ID, "\xc6\x12\x00\x01", 4);
	pkt_str(&p, DHCP_OPT_VENDOR_CLASS, "PXEClient");
	pkt_opt(&p, DHCP_OPT_CLIENT_UUID, test_uuid, 17);
	pkt_opt(&p, DHCP_OPT_VENDOR, "\x06\x01\x08\xff", 4);
	pkt_str(&p, DHCP_OPT_BCD_PATH, "\\Boot\\BCD");
	pkt_opt(&p, DHCP_OPT_BCD_PATH, "again", 5);
	pkt_byte(&p, DHCP_OPT_END);
	out = print(&p, 67);
	is_str(out,
	       "dhcp_reply=3\n"
	       "dhcp_port=67\n"
	       "dhcp_msgtype=2\n"
	       "dhcp_server='198.18.0.1'\n"
	       "dhcp_yiaddr='0.0.0.0'\n"
	       "dhcp_siaddr='198.18.0.2'\n"
	       "dhcp_file='it'\\''s.0'\n"
	       "dhcp_vendor_class='PXEClient'\n"
	       "dhcp_option_97='000102030405060708090a0b0c0d0e0f10'\n"
	       "dhcp_option_43='060108ff'\n"
	       "dhcp_option_252='\\Boot\\BCD'\n"
	       "\n",
	       "an OFFER: quoting, hex, text, first of a repeated option");
	free(out);

	reply_header(&p);
	memset(p.b + 108, 0, 128);
	pkt_type(&p, DHCP_ACK);
	pkt_opt(&p, DHCP_OPT_HOSTNAME, "a'b", 3);
	pkt_opt(&p, DHCP_OPT_USER_CLASS, "", 0);
	pkt_byte(&p, DHCP_OPT_END);
	out = print(&p, 4011);
	is_str(out,
	       "dhcp_reply=3\n"
	       "dhcp_port=4011\n"
	       "dhcp_msgtype=5\n"
	       "dhcp_server=''\n"
	       "dhcp_yiaddr='0.0.0.0'\n"
	       "dhcp_siaddr='198.18.0.2'\n"
	       "dhcp_file=''\n"
	       "dhcp_vendor_class=''\n"
	       "dhcp_option_12='a'\\''b'\n"
	       "dhcp_option_77=''\n"
	       "\n",
	       "an ACK without 54 and 60, an empty option");
	free(out);
	return tap_done();
}
