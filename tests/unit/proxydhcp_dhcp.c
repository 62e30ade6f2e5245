/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The DHCP request parser over good and malformed messages, the reply
 * builder, and the client-side reply parser the probe uses.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "proxydhcp_pkt.h"
#include "tap.h"

static int parse(const struct pkt *p, struct dhcp_req *req)
{
	const char *why = NULL;
	int rc = dhcp_parse(p->b, p->len, req, &why);

	if (rc < 0 && why == NULL)
		diag("rejected without a reason");
	return rc;
}

static void test_good(void)
{
	struct dhcp_req req;
	struct pkt p;
	uint8_t params[] = { 1, 3, 175 };
	uint8_t vendor[] = { 71, 4, 0x80, 0x00, 0x00, 0x00, 255 };

	pkt_pxe(&p, DHCP_DISCOVER, 7, true);
	is_int(parse(&p, &req), 0, "PXE DISCOVER parses");
	is_int(req.msgtype, DHCP_DISCOVER, "message type");
	is_int(req.xid, 0x12345678, "xid");
	is_int(req.flags, DHCP_FLAG_BROADCAST, "flags");
	ok(memcmp(req.chaddr, test_mac, 6) == 0, "chaddr");
	is_int(req.narch, 1, "one architecture");
	is_int(req.arch[0], 7, "architecture 7");
	is_int(req.uuid.len, 17, "uuid kept");
	ok(req.uuid.p && memcmp(req.uuid.p, test_uuid, 17) == 0, "uuid bytes");
	is_int(req.user_class.len, 4, "user class");
	ok(req.vendor_class.len == 32 &&
	   memcmp(req.vendor_class.p, "PXEClient:Arch:00007", 20) == 0,
	   "vendor class");

	pkt_header(&p);
	pkt_type(&p, DHCP_REQUEST);
	pkt_opt(&p, DHCP_OPT_PARAM_LIST, params, sizeof(params));
	pkt_opt(&p, DHCP_OPT_VENDOR, vendor, sizeof(vendor));
	pkt_opt(&p, DHCP_OPT_SERVER_ID, "\xc6\x12\x00\x01", 4);
	pkt_opt(&p, DHCP_OPT_CLIENT_ARCH, "\x00\x09\x00\x07\x00\x00", 6);
	pkt_opt(&p, DHCP_OPT_HOSTNAME, "node1", 5);
	pkt_opt(&p, DHCP_OPT_IPXE_ENCAP, "\x01\x01\x01", 3);
	pkt_byte(&p, DHCP_OPT_END);
	is_int(parse(&p, &req), 0, "REQUEST with 43.71 parses");
	ok(req.wants_ipxe_encap, "175 requested in option 55");
	ok(req.has_ipxe_encap, "175 present");
	ok(req.has_boot_item, "43.71 found");
	ok(memcmp(req.boot_item, "\x80\x00\x00\x00", 4) == 0, "43.71 value");
	ok(req.has_server_id && memcmp(&req.server_id, "\xc6\x12\x00\x01", 4) == 0,
	   "option 54");
	is_int(req.narch, 3, "arch list of three");
	is_int(req.arch[0], 9, "first arch is what the client is");
	is_int(req.hostname.len, 5, "host name option");
}

static void test_padding_and_duplicates(void)
{
	struct dhcp_req req;
	struct pkt p;

	pkt_header(&p);
	for (int i = 0; i < 50; i++)
		pkt_byte(&p, DHCP_OPT_PAD);
	pkt_type(&p, DHCP_DISCOVER);
	pkt_type(&p, DHCP_REQUEST);
	pkt_str(&p, DHCP_OPT_VENDOR_CLASS, "PXEClient");
	pkt_str(&p, DHCP_OPT_VENDOR_CLASS, "Other");
	pkt_opt(&p, DHCP_OPT_OVERLOAD, "\x03", 1);
	pkt_byte(&p, DHCP_OPT_END);
	is_int(parse(&p, &req), 0, "pad run and duplicates parse");
	is_int(req.msgtype, DHCP_DISCOVER, "first message type wins");
	is_int(req.vendor_class.len, 9, "first vendor class wins");

	pkt_header(&p);
	pkt_type(&p, DHCP_DISCOVER);
	pkt_byte(&p, DHCP_OPT_END);
	for (int i = 0; i < 100; i++)
		pkt_byte(&p, 0xee);
	is_int(parse(&p, &req), 0, "bytes after End are ignored");
}

static void test_malformed(void)
{
	struct dhcp_req req;
	struct pkt p, q;
	uint8_t big43[255];

	pkt_pxe(&p, DHCP_DISCOVER, 0, false);
	is_int(dhcp_parse(p.b, 100, &req, NULL), -EINVAL, "truncated header");
	is_int(dhcp_parse(p.b, DHCP_HDR_LEN + 2, &req, NULL), -EINVAL,
	       "truncated cookie");
	is_int(dhcp_parse(p.b, 0, &req, NULL), -EINVAL, "empty");
	is_int(dhcp_parse(NULL, 0, &req, NULL), -EINVAL, "NULL");

	q = p;
	q.b[DHCP_HDR_LEN + 3] = 0x64;
	is_int(parse(&q, &req), -EINVAL, "bad magic cookie");
	q = p;
	q.b[0] = DHCP_BOOTREPLY;
	is_int(parse(&q, &req), -EINVAL, "BOOTREPLY refused");
	q = p;
	q.b[2] = 17;
	is_int(parse(&q, &req), -EINVAL, "hlen 17 refused");
	q = p;
	q.b[2] = 0;
	is_int(parse(&q, &req), -EINVAL, "hlen 0 refused");
	q = p;
	q.b[2] = 8;
	is_int(parse(&q, &req), -EINVAL, "Ethernet with hlen 8 refused");

	/* The last byte is End: dropping it leaves no End. */
	is_int(dhcp_parse(p.b, p.len - 1, &req, NULL), -EINVAL, "no End option");

	pkt_header(&q);
	pkt_type(&q, DHCP_DISCOVER);
	pkt_byte(&q, DHCP_OPT_VENDOR_CLASS);
	pkt_byte(&q, 40);
	pkt_bytes(&q, "PXEClient", 9);
	is_int(parse(&q, &req), -EINVAL, "option length past the end");

	pkt_header(&q);
	pkt_type(&q, DHCP_DISCOVER);
	pkt_byte(&q, DHCP_OPT_VENDOR_CLASS);
	is_int(parse(&q, &req), -EINVAL, "option code without length");

	pkt_header(&q);
	pkt_type(&q, DHCP_DISCOVER);
	pkt_opt(&q, DHCP_OPT_CLIENT_ARCH, "\x00\x07\x00", 3);
	pkt_byte(&q, DHCP_OPT_END);
	is_int(parse(&q, &req), -EINVAL, "option 93 of odd length");

	pkt_header(&q);
	pkt_type(&q, DHCP_DISCOVER);
	pkt_opt(&q, DHCP_OPT_CLIENT_ARCH, "", 0);
	pkt_byte(&q, DHCP_OPT_END);
	is_int(parse(&q, &req), -EINVAL, "option 93 empty");

	pkt_header(&q);
	pkt_opt(&q, DHCP_OPT_MSGTYPE, "\x01\x01", 2);
	pkt_byte(&q, DHCP_OPT_END);
	is_int(parse(&q, &req), -EINVAL, "option 53 of two bytes");

	pkt_header(&q);
	pkt_type(&q, DHCP_REQUEST);
	pkt_opt(&q, DHCP_OPT_SERVER_ID, "\x01\x02\x03", 3);
	pkt_byte(&q, DHCP_OPT_END);
	is_int(parse(&q, &req), -EINVAL, "option 54 of three bytes");

	/* 255 bytes: sub-option 1 claiming 254 bytes where 253 follow. */
	memset(big43, 0x01, sizeof(big43));
	big43[1] = 254;
	pkt_header(&q);
	pkt_type(&q, DHCP_DISCOVER);
	pkt_str(&q, DHCP_OPT_VENDOR_CLASS, "PXEClient");
	pkt_opt(&q, DHCP_OPT_VENDOR, big43, sizeof(big43));
	pkt_byte(&q, DHCP_OPT_END);
	is_int(parse(&q, &req), -EINVAL, "option 43 of 255 bytes, malformed inside");

	pkt_header(&q);
	pkt_type(&q, DHCP_REQUEST);
	pkt_opt(&q, DHCP_OPT_VENDOR, "\x47\x03\x80\x00\x00\xff", 6);
	pkt_byte(&q, DHCP_OPT_END);
	is_int(parse(&q, &req), -EINVAL, "43.71 of three bytes");

	pkt_header(&q);
	for (int i = 0; i < 10000; i++)
		pkt_byte(&q, DHCP_OPT_PAD);
	pkt_type(&q, DHCP_DISCOVER);
	pkt_str(&q, DHCP_OPT_VENDOR_CLASS, "PXEClient");
	pkt_byte(&q, DHCP_OPT_END);
	is_int(dhcp_parse(q.b, q.len, &req, NULL), -EMSGSIZE,
	       "10,000 pad bytes: too long");
	is_int(dhcp_parse(q.b, DHCP_REQ_MAX, &req, NULL), -EINVAL,
	       "pads up to the limit, then no End");
}

static void test_vendor(void)
{
	uint8_t item[4];
	bool has = false;

	is_int(dhcp_parse_vendor((const uint8_t *)"\x00\x00\xff", 3, &has, item),
	       0, "pads and End");
	is_int(dhcp_parse_vendor((const uint8_t *)"\x06\x01\x08", 3, &has, item),
	       0, "no End needed inside 43");
	ok(!has, "no boot item");
	is_int(dhcp_parse_vendor((const uint8_t *)"\x06\x05\x08", 3, &has, item),
	       -EINVAL, "sub-option past the end");
	is_int(dhcp_parse_vendor((const uint8_t *)"\x06", 1, &has, item),
	       -EINVAL, "sub-option without length");
	is_int(dhcp_parse_vendor((const uint8_t *)"\x47\x04\x00\x01\x00\x00", 6,
				 &has, item), 0, "43.71");
	ok(has && item[1] == 1, "43.71 stored");
}

static void test_build(void)
{
	struct dhcp_req req;
	struct dhcp_view v;
	struct pkt p;
	uint8_t out[DHCP_REPLY_MAX], len = 0;
	const uint8_t *o;
	char longname[200];
	struct dhcp_reply rep = {
		.msgtype = DHCP_OFFER,
		.server_id = htonl(0xc6120001),
		.siaddr = htonl(0xc6120002),
		.file = "undionly.kpxe",
		.vendor_class = "PXEClient",
		.vendor = (const uint8_t *)"\x06\x01\x08\xff",
		.vendor_len = 4,
		.bcd = "\\Boot\\BCD",
	};
	size_t n;

	pkt_pxe(&p, DHCP_DISCOVER, 0, false);
	parse(&p, &req);
	n = dhcp_build_reply(out, sizeof(out), &req, &rep);
	ok(n >= DHCP_REPLY_MIN, "reply built, at least 300 bytes");
	is_int(dhcp_parse_reply(out, n, &v), 0, "reply re-parses");
	is_int(v.xid, 0x12345678, "xid echoed");
	is_int(v.yiaddr, 0, "yiaddr 0");
	is_int(v.siaddr, htonl(0xc6120002), "siaddr");
	is_str(v.file, "undionly.kpxe", "file field");
	is_int(v.msgtype, DHCP_OFFER, "53");
	o = dhcp_view_opt(&v, DHCP_OPT_CLIENT_UUID, &len);
	ok(o && len == 17 && memcmp(o, test_uuid, 17) == 0, "97 echoed exactly");
	o = dhcp_view_opt(&v, DHCP_OPT_VENDOR_CLASS, &len);
	ok(o && len == 9 && memcmp(o, "PXEClient", 9) == 0, "60 PXEClient");
	o = dhcp_view_opt(&v, DHCP_OPT_VENDOR, &len);
	ok(o && len == 4 && memcmp(o, "\x06\x01\x08\xff", 4) == 0, "43");
	o = dhcp_view_opt(&v, DHCP_OPT_BCD_PATH, &len);
	ok(o && len == 9, "252");
	ok(memcmp(out + 28, test_mac, 6) == 0, "chaddr copied");

	is_int(dhcp_build_reply(out, 200, &req, &rep), 0, "too small a buffer");

	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	rep.file = longname;
	n = dhcp_build_reply(out, sizeof(out), &req, &rep);
	is_int(dhcp_parse_reply(out, n, &v), 0, "long file name re-parses");
	is_str(v.file, "", "long name not in the file field");
	o = dhcp_view_opt(&v, DHCP_OPT_BOOTFILE, &len);
	ok(o && len == 199, "long name in option 67");
}

static void test_reply_parser(void)
{
	struct dhcp_view v;
	struct pkt p;

	pkt_pxe(&p, DHCP_DISCOVER, 0, false);
	is_int(dhcp_parse_reply(p.b, p.len, &v), -EINVAL, "a request is no reply");
	p.b[0] = DHCP_BOOTREPLY;
	is_int(dhcp_parse_reply(p.b, p.len, &v), 0, "reply parses");
	is_int(dhcp_parse_reply(p.b, p.len - 1, &v), -EINVAL, "reply without End");
	is_int(dhcp_parse_reply(p.b, 239, &v), -EINVAL, "short reply");
}

int main(void)
{
	test_good();
	test_padding_and_duplicates();
	test_malformed();
	test_vendor();
	test_build();
	test_reply_parser();
	return tap_done();
}
