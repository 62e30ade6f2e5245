/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pxe_decide over constructed requests: every architecture, iPXE or not,
 * ports 67 and 4011, HTTP boot, boot items, the table and xCAT records.
 * Each reply is built and parsed back as a client would read it.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "../../proxydhcp/policy.h"
#include "proxydhcp_pkt.h"
#include "tap.h"

#define SELF 0x010012c6u  /* 198.18.0.1 in network order */
#define TFTP 0x020012c6u  /* 198.18.0.2 */
#define CLIENT 0x640012c6u /* 198.18.0.100 */

static struct pxe_config base_config(void)
{
	struct pxe_config c;

	memset(&c, 0, sizeof(c));
	c.self = SELF;
	c.file[PXE_BIOS] = "undionly.kpxe";
	c.file[PXE_EFI_X64] = "snponly.efi";
	c.efi_file = "any.efi";
	c.http_url = "http://198.18.0.1/boot.efi";
	c.ipxe_script = "boot.ipxe";
	return c;
}

/* What a client would read from the answer. */
struct seen {
	enum pxe_verdict verdict;
	struct pxe_answer ans;
	struct dhcp_view v;
	uint8_t buf[DHCP_REPLY_MAX];
	bool has43;
	uint8_t opt43[256], len43;
	char vc[256];
};

static struct seen *ask(const struct pxe_config *c, const struct pkt *p,
			enum pxe_port port, uint32_t ip, const char *host)
{
	static struct seen s;
	struct dhcp_req req;
	struct pxe_query q = { &req, port, ip != 0, ip, host };
	uint8_t len = 0;
	const uint8_t *o;
	size_t n;

	memset(&s, 0, sizeof(s));
	if (dhcp_parse(p->b, p->len, &req, NULL) < 0) {
		s.verdict = PXE_IGNORE;
		s.ans.reason = "parse error";
		return &s;
	}
	s.verdict = pxe_decide(c, &q, &s.ans);
	if (s.verdict != PXE_REPLY)
		return &s;
	n = dhcp_build_reply(s.buf, sizeof(s.buf), &req, &s.ans.rep);
	if (n == 0 || dhcp_parse_reply(s.buf, n, &s.v) < 0) {
		diag("reply not built or not parsed back");
		return &s;
	}
	o = dhcp_view_opt(&s.v, DHCP_OPT_VENDOR, &len);
	if (o) {
		s.has43 = true;
		s.len43 = len;
		memcpy(s.opt43, o, len);
	}
	o = dhcp_view_opt(&s.v, DHCP_OPT_VENDOR_CLASS, &len);
	if (o)
		memcpy(s.vc, o, len);
	return &s;
}

static bool uuid_echoed(const struct seen *s)
{
	uint8_t len = 0;
	const uint8_t *o = dhcp_view_opt(&s->v, DHCP_OPT_CLIENT_UUID, &len);

	return o && len == 17 && memcmp(o, test_uuid, 17) == 0;
}

static void test_bios(void)
{
	struct pxe_config c = base_config();
	struct pkt p;
	struct seen *s;

	pkt_pxe(&p, DHCP_DISCOVER, 0, false);
	s = ask(&c, &p, PXE_PORT_DHCP, 0, NULL);
	is_int(s->verdict, PXE_REPLY, "BIOS DISCOVER answered");
	is_int(s->v.msgtype, DHCP_OFFER, "with an OFFER");
	is_str(s->v.file, "undionly.kpxe", "BIOS file");
	is_int(s->v.siaddr, SELF, "siaddr is ours by default");
	is_int(s->v.yiaddr, 0, "yiaddr 0");
	ok(s->has43 && s->len43 == 4 && memcmp(s->opt43, "\x06\x01\x08\xff", 4) == 0,
	   "43 {6: 0x08}");
	is_str(s->vc, "PXEClient", "60 PXEClient");
	ok(uuid_echoed(s), "97 echoed");
	ok(dhcp_view_opt(&s->v, DHCP_OPT_SERVER_ID, NULL) != NULL, "54 present");

	c.tftp_server = TFTP;
	s = ask(&c, &p, PXE_PORT_DHCP, 0, NULL);
	is_int(s->v.siaddr, TFTP, "--tftp-server in siaddr");

	pkt_pxe(&p, DHCP_REQUEST, 0, false);
	s = ask(&c, &p, PXE_PORT_BINL, CLIENT, NULL);
	is_int(s->v.msgtype, DHCP_ACK, "BIOS 4011 REQUEST gets an ACK");
	is_str(s->v.file, "undionly.kpxe", "naming the file");
	ok(!s->has43, "no 43 without a boot item");
}

static void check_uefi(const struct pxe_config *c, uint16_t arch,
		       const char *want)
{
	struct pkt p;
	struct seen *s;

	pkt_pxe(&p, DHCP_DISCOVER, arch, false);
	s = ask(c, &p, PXE_PORT_DHCP, 0, NULL);
	ok(s->verdict == PXE_REPLY && s->v.msgtype == DHCP_OFFER,
	   "arch %u: OFFER", arch);
	ok(!s->has43 && s->v.file[0] == '\0', "arch %u: no 43, no file", arch);
	is_int(s->v.siaddr, SELF, "siaddr is us, the 4011 server");
	ok(uuid_echoed(s), "arch %u: 97 echoed", arch);
	pkt_pxe(&p, DHCP_REQUEST, arch, false);
	s = ask(c, &p, PXE_PORT_BINL, CLIENT, NULL);
	ok(s->verdict == PXE_REPLY && s->v.msgtype == DHCP_ACK,
	   "arch %u: 4011 ACK", arch);
	is_str(s->v.file, want, "UEFI file by arch");
	is_int(s->v.siaddr, c->tftp_server ? c->tftp_server : SELF,
	       "siaddr with the file");
	ok(uuid_echoed(s), "arch %u: 97 echoed in the ACK", arch);
}

static void test_uefi(void)
{
	struct pxe_config c = base_config();
	struct pkt p;
	struct seen *s;

	check_uefi(&c, 7, "snponly.efi");
	check_uefi(&c, 9, "snponly.efi");
	check_uefi(&c, 6, "any.efi");
	check_uefi(&c, 10, "any.efi");
	check_uefi(&c, 11, "any.efi");
	c.file[PXE_EFI_ARM64] = "arm64.efi";
	c.file[PXE_EFI_IA32] = "ia32.efi";
	c.file[PXE_EFI_ARM32] = "arm32.efi";
	c.tftp_server = TFTP;
	check_uefi(&c, 11, "arm64.efi");
	check_uefi(&c, 6, "ia32.efi");
	check_uefi(&c, 10, "arm32.efi");

	c.efi_file = NULL;
	c.file[PXE_EFI_ARM64] = NULL;
	pkt_pxe(&p, DHCP_DISCOVER, 11, false);
	s = ask(&c, &p, PXE_PORT_DHCP, 0, NULL);
	is_int(s->verdict, PXE_IGNORE, "no file for arm64: no offer");
}

static void test_arch_sources(void)
{
	struct pxe_config c = base_config();
	struct pkt p;
	struct seen *s;

	pkt_header(&p);
	pkt_type(&p, DHCP_DISCOVER);
	pkt_str(&p, DHCP_OPT_VENDOR_CLASS, "PXEClient:Arch:00000:UNDI:002001");
	pkt_opt(&p, DHCP_OPT_CLIENT_ARCH, "\x00\x09\x00\x00", 4);
	pkt_byte(&p, DHCP_OPT_END);
	s = ask(&c, &p, PXE_PORT_DHCP, 0, NULL);
	is_int(s->ans.arch, PXE_EFI_X64, "93 list: the first entry counts");

	pkt_header(&p);
	pkt_type(&p, DHCP_DISCOVER);
	pkt_str(&p, DHCP_OPT_VENDOR_CLASS, "PXEClient:Arch:00007:UNDI:003016");
	pkt_byte(&p, DHCP_OPT_END);
	s = ask(&c, &p, PXE_PORT_DHCP, 0, NULL);
	is_int(s->ans.arch, PXE_EFI_X64, "no 93: Arch of option 60");
	ok(!s->has43, "as UEFI: no 43");

	pkt_header(&p);
	pkt_type(&p, DHCP_DISCOVER);
	pkt_str(&p, DHCP_OPT_VENDOR_CLASS, "PXEClient");
	pkt_byte(&p, DHCP_OPT_END);
	s = ask(&c, &p, PXE_PORT_DHCP, 0, NULL);
	is_int(s->ans.arch, PXE_BIOS, "bare PXEClient: BIOS");
	is_str(s->v.file, "undionly.kpxe", "BIOS file");

	pkt_header(&p);
	pkt_type(&p, DHCP_DISCOVER);
	pkt_str(&p, DHCP_OPT_VENDOR_CLASS, "PXEClient:Arch:0000x:UNDI:002001");
	pkt_byte(&p, DHCP_OPT_END);
	s = ask(&c, &p, PXE_PORT_DHCP, 0, NULL);
	is_int(s->ans.arch, PXE_BIOS, "garbled Arch field: BIOS");
}

static void test_not_pxe(void)
{
	struct pxe_config c = base_config();
	struct pkt p;
	struct seen *s;
	uint8_t big43[255];

	pkt_header(&p);
	pkt_type(&p, DHCP_DISCOVER);
	pkt_arch(&p, 0);
	pkt_byte(&p, DHCP_OPT_END);
	s = ask(&c, &p, PXE_PORT_DHCP, 0, NULL);
	is_int(s->verdict, PXE_IGNORE, "no option 60: ignored");
	ok(s->ans.reason && s->ans.reason[0], "with a reason");
	ok(s->ans.not_pxe, "and marked as not a PXE client");

	pkt_header(&p);
	pkt_type(&p, DHCP_DISCOVER);
	pkt_str(&p, DHCP_OPT_VENDOR_CLASS, "MSFT 5.0");
	pkt_byte(&p, DHCP_OPT_END);
	is_int(ask(&c, &p, PXE_PORT_DHCP, 0, NULL)->verdict, PXE_IGNORE,
	       "other vendor class: ignored");

	pkt_header(&p);
	pkt_type(&p, DHCP_DISCOVER);
	pkt_str(&p, DHCP_OPT_VENDOR_CLASS, "PXECl");
	pkt_byte(&p, DHCP_OPT_END);
	is_int(ask(&c, &p, PXE_PORT_DHCP, 0, NULL)->verdict, PXE_IGNORE,
	       "vendor class cut short: ignored");

	/* Well formed, 85 sub-options of 1 byte: still not what PXE sends. */
	memset(big43, 0x01, sizeof(big43));
	pkt_header(&p);
	pkt_type(&p, DHCP_DISCOVER);
	pkt_str(&p, DHCP_OPT_VENDOR_CLASS, "PXEClient");
	pkt_opt(&p, DHCP_OPT_VENDOR, big43, sizeof(big43));
	pkt_byte(&p, DHCP_OPT_END);
	s = ask(&c, &p, PXE_PORT_DHCP, 0, NULL);
	is_int(s->verdict, PXE_IGNORE, "option 43 of 255 bytes: ignored");
	ok(!s->ans.not_pxe, "a PXE client all the same");

	pkt_pxe(&p, DHCP_INFORM, 0, false);
	is_int(ask(&c, &p, PXE_PORT_DHCP, 0, NULL)->verdict, PXE_IGNORE,
	       "INFORM on 67: ignored");
	is_int(ask(&c, &p, PXE_PORT_BINL, CLIENT, NULL)->verdict, PXE_REPLY,
	       "INFORM on 4011: answered");
	pkt_pxe(&p, DHCP_DISCOVER, 0, false);
	is_int(ask(&c, &p, PXE_PORT_BINL, CLIENT, NULL)->verdict, PXE_IGNORE,
	       "DISCOVER on 4011: ignored");
	pkt_pxe(&p, DHCP_RELEASE, 0, false);
	is_int(ask(&c, &p, PXE_PORT_DHCP, 0, NULL)->verdict, PXE_IGNORE,
	       "RELEASE: ignored");
}

static void test_request_on_67(void)
{
	struct pxe_config c = base_config();
	struct pkt p;
	struct seen *s;

	pkt_header(&p);
	pkt_type(&p, DHCP_REQUEST);
	pkt_str(&p, DHCP_OPT_VENDOR_CLASS, "PXEClient:Arch:00000:UNDI:002001");
	pkt_opt(&p, DHCP_OPT_SERVER_ID, "\xc6\x12\x00\x09", 4);
	pkt_byte(&p, DHCP_OPT_END);
	is_int(ask(&c, &p, PXE_PORT_DHCP, 0, NULL)->verdict, PXE_IGNORE,
	       "REQUEST for the address server: ignored");

	pkt_header(&p);
	pkt_type(&p, DHCP_REQUEST);
	pkt_str(&p, DHCP_OPT_VENDOR_CLASS, "PXEClient:Arch:00000:UNDI:002001");
	pkt_opt(&p, DHCP_OPT_SERVER_ID, "\xc6\x12\x00\x01", 4);
	pkt_byte(&p, DHCP_OPT_END);
	s = ask(&c, &p, PXE_PORT_DHCP, 0, NULL);
	ok(s->verdict == PXE_REPLY && s->v.msgtype == DHCP_ACK,
	   "REQUEST naming us: ACK");

	pkt_header(&p);
	pkt_type(&p, DHCP_REQUEST);
	pkt_str(&p, DHCP_OPT_VENDOR_CLASS, "PXEClient:Arch:00000:UNDI:002001");
	pkt_opt(&p, DHCP_OPT_SERVER_ID, "\xc6\x12\x00\x01", 4);
	pkt_opt(&p, DHCP_OPT_REQUESTED_IP, "\xc6\x12\x00\x64", 4);
	pkt_byte(&p, DHCP_OPT_END);
	is_int(ask(&c, &p, PXE_PORT_DHCP, 0, NULL)->verdict, PXE_IGNORE,
	       "REQUEST naming our address but asking for an address: ignored");

	pkt_header(&p);
	pkt_type(&p, DHCP_REQUEST);
	pkt_str(&p, DHCP_OPT_VENDOR_CLASS, "PXEClient:Arch:00000:UNDI:002001");
	pkt_opt(&p, DHCP_OPT_VENDOR, "\x47\x04\x80\x01\x00\x00\xff", 7);
	pkt_byte(&p, DHCP_OPT_END);
	s = ask(&c, &p, PXE_PORT_DHCP, 0, NULL);
	ok(s->verdict == PXE_REPLY && s->v.msgtype == DHCP_ACK,
	   "boot-server REQUEST with 43.71 on 67: ACK");
	ok(s->has43 && s->len43 == 7 &&
	   memcmp(s->opt43, "\x47\x04\x80\x01\x00\x00\xff", 7) == 0,
	   "43.71 echoed");
	s = ask(&c, &p, PXE_PORT_BINL, CLIENT, NULL);
	ok(s->has43 && memcmp(s->opt43, "\x47\x04\x80\x01", 4) == 0,
	   "43.71 echoed on 4011");
	is_str(s->v.file, "undionly.kpxe", "with the file");

	pkt_header(&p);
	pkt_type(&p, DHCP_REQUEST);
	pkt_str(&p, DHCP_OPT_VENDOR_CLASS, "PXEClient:Arch:00000:UNDI:002001");
	pkt_opt(&p, DHCP_OPT_VENDOR, "\x47\x04\x00\x00\x00\x00\xff", 7);
	pkt_byte(&p, DHCP_OPT_END);
	s = ask(&c, &p, PXE_PORT_BINL, CLIENT, NULL);
	ok(s->verdict == PXE_REPLY && s->has43 &&
	   memcmp(s->opt43, "\x47\x04\x00\x00\x00\x00\xff", 7) == 0,
	   "bootstrap server (type 0) request: ACK echoing 43.71");
	is_str(s->v.file, "undionly.kpxe", "with the boot file");
}

static void check_ipxe(const struct pxe_config *c, uint16_t arch,
		       const char *want)
{
	struct pkt p;
	struct seen *s;

	pkt_pxe(&p, DHCP_DISCOVER, arch, true);
	s = ask(c, &p, PXE_PORT_DHCP, 0, NULL);
	if (want == NULL) {
		is_int(s->verdict, PXE_IGNORE, "iPXE: nothing to give");
		return;
	}
	ok(s->ans.ipxe, "arch %u: iPXE recognised", arch);
	is_str(s->v.file, want, "iPXE OFFER names the script");
	pkt_pxe(&p, DHCP_REQUEST, arch, true);
	s = ask(c, &p, PXE_PORT_BINL, CLIENT, NULL);
	is_str(s->v.file, want, "iPXE 4011 ACK names the script");
}

static void test_ipxe(void)
{
	struct pxe_config c = base_config();
	uint8_t params[] = { 1, 3, 175 };
	struct pkt p;
	struct seen *s;

	check_ipxe(&c, 0, "boot.ipxe");
	check_ipxe(&c, 7, "boot.ipxe");
	check_ipxe(&c, 9, "boot.ipxe");
	check_ipxe(&c, 11, "boot.ipxe");

	pkt_header(&p);
	pkt_type(&p, DHCP_DISCOVER);
	pkt_str(&p, DHCP_OPT_VENDOR_CLASS, "PXEClient:Arch:00007:UNDI:003016");
	pkt_opt(&p, DHCP_OPT_PARAM_LIST, params, sizeof(params));
	pkt_byte(&p, DHCP_OPT_END);
	s = ask(&c, &p, PXE_PORT_DHCP, 0, NULL);
	ok(s->ans.ipxe, "asking for 175 is iPXE");
	is_str(s->v.file, "boot.ipxe", "and gets the script");

	/* Without a script, never the iPXE binary again. */
	c.ipxe_script = NULL;
	check_ipxe(&c, 0, NULL);
	check_ipxe(&c, 7, NULL);
	c.file[PXE_BIOS] = "pxelinux.0";
	check_ipxe(&c, 0, "pxelinux.0");
	ok(pxe_file_is_ipxe("ipxe/snponly.efi") && pxe_file_is_ipxe("ipxe.efi") &&
	   pxe_file_is_ipxe("x/undionly.kkpxe") && !pxe_file_is_ipxe("pxelinux.0"),
	   "iPXE binaries told by name");
}

static void test_http(void)
{
	struct pxe_config c = base_config();
	struct pkt p;
	struct seen *s;

	pkt_header(&p);
	pkt_type(&p, DHCP_DISCOVER);
	pkt_str(&p, DHCP_OPT_VENDOR_CLASS, "HTTPClient:Arch:00016:UNDI:003001");
	pkt_arch(&p, 16);
	pkt_opt(&p, DHCP_OPT_CLIENT_UUID, test_uuid, 17);
	pkt_byte(&p, DHCP_OPT_END);
	s = ask(&c, &p, PXE_PORT_DHCP, 0, NULL);
	is_int(s->verdict, PXE_REPLY, "HTTP boot answered");
	is_str(s->vc, "HTTPClient", "60 HTTPClient");
	is_str(s->v.file, "http://198.18.0.1/boot.efi", "URL in file");
	ok(!s->has43, "no 43");
	ok(uuid_echoed(s), "97 echoed");

	pkt_header(&p);
	pkt_type(&p, DHCP_DISCOVER);
	pkt_str(&p, DHCP_OPT_VENDOR_CLASS, "HTTPClient:Arch:00007:UNDI:003001");
	pkt_arch(&p, 7);
	pkt_byte(&p, DHCP_OPT_END);
	s = ask(&c, &p, PXE_PORT_DHCP, 0, NULL);
	is_str(s->v.file, "http://198.18.0.1/boot.efi",
	       "HTTPClient of type 7: the URL, not the TFTP file");
	is_str(s->vc, "HTTPClient", "... as HTTPClient");

	c.http_url = NULL;
	is_int(ask(&c, &p, PXE_PORT_DHCP, 0, NULL)->verdict, PXE_IGNORE,
	       "no URL: ignored");
}

static struct table *mktable(const char *text)
{
	char err[256];
	struct table *t = table_parse(text, strlen(text), "t", err, sizeof(err));

	if (t == NULL)
		diag("table: %s", err);
	return t;
}

static void test_table(void)
{
	struct pxe_config c = base_config();
	struct table *t;
	struct pkt p;
	struct seen *s;

	t = mktable("mac=52:54:00:12:34:56 file=special.0 tftp-server=198.18.0.2 bcd=\"\\\\Boot\\\\BCD\"\n"
		    "arch=bios file=generic.0\n");
	c.table = t;
	pkt_pxe(&p, DHCP_DISCOVER, 0, false);
	s = ask(&c, &p, PXE_PORT_DHCP, 0, NULL);
	is_str(s->v.file, "special.0", "MAC rule first: it wins");
	is_int(s->v.siaddr, TFTP, "its tftp-server");
	ok(dhcp_view_opt(&s->v, DHCP_OPT_BCD_PATH, NULL) != NULL, "its bcd as 252");
	is_int(s->ans.rule_line, 1, "rule line 1");
	table_free(t);

	t = mktable("arch=bios file=generic.0\n"
		    "mac=52:54:00:12:34:56 file=special.0\n");
	c.table = t;
	s = ask(&c, &p, PXE_PORT_DHCP, 0, NULL);
	is_str(s->v.file, "generic.0", "first match wins, in file order");
	table_free(t);

	t = mktable("mac=52:54:00:12:34:56 ignore\n");
	c.table = t;
	is_int(ask(&c, &p, PXE_PORT_DHCP, 0, NULL)->verdict, PXE_IGNORE,
	       "ignore rule");
	table_free(t);

	t = mktable("mac=52:54:00:00:00:01 ignore\narch=efi-x64 file=x.efi\n");
	c.table = t;
	s = ask(&c, &p, PXE_PORT_DHCP, 0, NULL);
	is_str(s->v.file, "undionly.kpxe", "no rule matches: command line");
	pkt_pxe(&p, DHCP_REQUEST, 9, false);
	s = ask(&c, &p, PXE_PORT_BINL, CLIENT, NULL);
	is_str(s->v.file, "x.efi", "arch rule for type 9");
	table_free(t);

	t = mktable("mac=52:54:00:12:34:56 tftp-server=198.18.0.2\n");
	c.table = t;
	s = ask(&c, &p, PXE_PORT_BINL, CLIENT, NULL);
	is_str(s->v.file, "snponly.efi", "rule without file: command line file");
	is_int(s->v.siaddr, TFTP, "with the rule's server");
	table_free(t);

	t = mktable("ipxe=yes mac=52:54:00:12:34:56 script=http://x/node.ipxe\n"
		    "mac=52:54:00:12:34:56 file=snponly.efi\n");
	c.table = t;
	pkt_pxe(&p, DHCP_DISCOVER, 7, true);
	s = ask(&c, &p, PXE_PORT_DHCP, 0, NULL);
	is_str(s->v.file, "http://x/node.ipxe", "iPXE gets the rule's script");
	pkt_pxe(&p, DHCP_REQUEST, 7, false);
	s = ask(&c, &p, PXE_PORT_BINL, CLIENT, NULL);
	is_str(s->v.file, "snponly.efi", "firmware gets the rule's file");
	table_free(t);

	t = mktable("mac=52:54:00:12:34:56 file=ipxe-only.efi\n");
	c.table = t;
	c.ipxe_script = NULL;
	pkt_pxe(&p, DHCP_DISCOVER, 7, true);
	is_int(ask(&c, &p, PXE_PORT_DHCP, 0, NULL)->verdict, PXE_IGNORE,
	       "rule file is an iPXE binary: not for iPXE");
	table_free(t);
}

static void test_table_needs_ip(void)
{
	struct pxe_config c = base_config();
	struct table *t = mktable("host=node1 file=node1.0\n"
				  "ip=198.18.0.0/24 file=lab.0\n");
	struct pkt p;
	struct seen *s;

	c.table = t;
	pkt_pxe(&p, DHCP_DISCOVER, 0, false);
	s = ask(&c, &p, PXE_PORT_DHCP, 0, NULL);
	ok(s->verdict == PXE_REPLY && s->ans.deferred, "host rule, no address: deferred");
	ok(s->v.file[0] == '\0' && !s->has43, "no file, no 43");
	pkt_pxe(&p, DHCP_REQUEST, 0, false);
	s = ask(&c, &p, PXE_PORT_BINL, CLIENT, "node1.lab.example");
	is_str(s->v.file, "node1.0", "4011 with the host name");
	s = ask(&c, &p, PXE_PORT_BINL, CLIENT, "node2");
	is_str(s->v.file, "lab.0", "other host in the subnet");
	s = ask(&c, &p, PXE_PORT_BINL, 0x0a000001u, NULL);
	is_str(s->v.file, "undionly.kpxe", "outside: command line");
	table_free(t);
}

static void test_menu(void)
{
	struct pxe_config c = base_config();
	struct table *t = mktable("arch=bios ipxe=no prompt=\"5,Pick\" "
				  "menu=\"1,a.0,Alpha\" menu=\"2,b.0,Beta, gamma\"\n");
	struct pkt p;
	struct seen *s;

	c.table = t;
	pkt_pxe(&p, DHCP_DISCOVER, 0, false);
	s = ask(&c, &p, PXE_PORT_DHCP, 0, NULL);
	is_int(s->verdict, PXE_REPLY, "menu OFFER");
	ok(s->v.file[0] == '\0', "no file with a menu");
	ok(s->has43 && s->opt43[0] == 6 && s->opt43[2] == 7, "discovery control 7");
	ok(s->has43 && s->opt43[3] == 8 && s->opt43[4] == 14, "two boot servers");
	ok(s->has43 && s->opt43[s->len43 - 1] == 255, "43 ends with End");

	pkt_header(&p);
	pkt_type(&p, DHCP_REQUEST);
	pkt_str(&p, DHCP_OPT_VENDOR_CLASS, "PXEClient:Arch:00000:UNDI:002001");
	pkt_opt(&p, DHCP_OPT_VENDOR, "\x47\x04\x00\x02\x00\x00\xff", 7);
	pkt_byte(&p, DHCP_OPT_END);
	s = ask(&c, &p, PXE_PORT_BINL, CLIENT, NULL);
	is_str(s->v.file, "b.0", "item 2 chosen: its file");
	ok(s->has43 && memcmp(s->opt43, "\x47\x04\x00\x02\x00\x00\xff", 7) == 0,
	   "43.71 echoed");
	table_free(t);
}

static struct xcat_cfg *mkxcat(const char *name, const char *path)
{
	uint8_t rec[XCAT_RECORD_LEN];
	char err[128];

	memset(rec, 0, sizeof(rec));
	memcpy(rec, name, strlen(name));
	memcpy(rec + XCAT_NAME_LEN, path, strlen(path));
	return xcat_parse(rec, sizeof(rec), "x", err, sizeof(err));
}

static void test_xcat(void)
{
	struct pxe_config c = base_config();
	struct xcat_cfg *x = mkxcat("win01", "winpe/");
	struct pkt p;
	struct seen *s;
	uint8_t len = 0;
	const uint8_t *o;

	c.xcat = x;
	pkt_pxe(&p, DHCP_DISCOVER, 0, false);
	s = ask(&c, &p, PXE_PORT_DHCP, 0, NULL);
	ok(s->verdict == PXE_REPLY && s->ans.deferred,
	   "xCAT loaded, no address: deferred to 4011");
	pkt_pxe(&p, DHCP_REQUEST, 0, false);
	s = ask(&c, &p, PXE_PORT_BINL, CLIENT, "win01.cluster");
	is_str(s->v.file, "winpe/Boot/pxeboot.0", "BIOS: pxeboot.0");
	o = dhcp_view_opt(&s->v, DHCP_OPT_BCD_PATH, &len);
	ok(o && len == 14 && memcmp(o, "winpe/Boot/BCD", 14) == 0, "252 BCD path");
	pkt_pxe(&p, DHCP_REQUEST, 7, false);
	s = ask(&c, &p, PXE_PORT_BINL, CLIENT, "WIN01");
	is_str(s->v.file, "winpe/Boot/bootmgfw.efi", "UEFI: bootmgfw.efi");
	s = ask(&c, &p, PXE_PORT_BINL, CLIENT, "other");
	is_str(s->v.file, "snponly.efi", "unknown node: command line");
	struct table *t = mktable("arch=bios file=table.0\n");

	c.table = t;
	pkt_pxe(&p, DHCP_REQUEST, 0, false);
	s = ask(&c, &p, PXE_PORT_BINL, CLIENT, "win01");
	is_str(s->v.file, "table.0", "a rule's file wins over the record");
	o = dhcp_view_opt(&s->v, DHCP_OPT_BCD_PATH, &len);
	ok(o && len == 14 && memcmp(o, "winpe/Boot/BCD", 14) == 0,
	   "the record still gives 252");
	table_free(t);
	xcat_free(x);
}

int main(void)
{
	test_bios();
	test_uefi();
	test_arch_sources();
	test_not_pxe();
	test_request_on_67();
	test_ipxe();
	test_http();
	test_table();
	test_table_needs_ip();
	test_menu();
	test_xcat();
	return tap_done();
}
