/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The node table parser (every error with file:line, quoting, the menu
 * size limit, matching) and xCAT proxydhcp.cfg records; the parsers read
 * on past a bad line or record and report every problem in file order.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../proxydhcp/table.h"
#include "../../proxydhcp/xcat.h"
#include "tap.h"

static struct table *parse(const char *text, char *err, size_t errlen)
{
	err[0] = '\0';
	return table_parse(text, strlen(text), "nodes.tab", err, errlen);
}

/* Every problem reported, one per line, into a buffer. */
struct collected {
	char text[2048];
	size_t len;
};

static void collect(void *arg, const char *msg)
{
	struct collected *c = arg;
	int n = snprintf(c->text + c->len, sizeof(c->text) - c->len, "%s\n",
			 msg);

	if (n > 0 && (size_t)n < sizeof(c->text) - c->len)
		c->len += (size_t)n;
}

static void test_all_errors(void)
{
	static const char text[] =
		"# good, bad, good, bad, bad, good\n"
		"mac=52:54:00:00:00:01 file=a.0\n"
		"mac=52:54:00:zz:00:02 file=b.0\n"
		"arch=bios file=c.0\n"
		"arch=efi-x64\n"
		"ip=198.18.0.1/33 file=d.0 file=e.0\n"
		"\n"
		"ignore file=f.0\n"
		"ipxe=yes script=boot.ipxe";
	struct collected c = { "", 0 };
	struct pxe_report rep = { collect, &c, 0 };
	struct table *t = table_parse_all(text, sizeof(text) - 1, "n.tab", &rep);
	char err[256];

	ok(t == NULL, "a table with bad lines is refused");
	is_int(rep.n, 4, "four problems counted");
	is_str(c.text,
	       "n.tab:3: mac=52:54:00:zz:00:02: not a MAC address\n"
	       "n.tab:5: no action (file, script, tftp-server, bcd, menu or "
	       "ignore)\n"
	       "n.tab:6: ip=198.18.0.1/33: expected A.B.C.D[/N]\n"
	       "n.tab:8: ignore with an action\n",
	       "each one with its line, in line order");
	t = table_parse(text, sizeof(text) - 1, "n.tab", err, sizeof(err));
	ok(t == NULL, "table_parse refuses it too");
	is_str(err, "n.tab:3: mac=52:54:00:zz:00:02: not a MAC address",
	       "naming the first problem");

	/* A line too long and a NUL byte do not stop the reading either. */
	{
		char buf[1200 + 64];
		size_t n = 0;

		memset(buf, 'x', 1100);
		n = 1100;
		memcpy(buf + n, "\nmac=52:54:00:00:00:01\0 file=a\nfoo=1\n", 37);
		n += 37;
		c.len = 0;
		c.text[0] = '\0';
		rep.n = 0;
		t = table_parse_all(buf, n, "n.tab", &rep);
		ok(t == NULL && rep.n == 3, "long line, NUL byte, unknown key: "
		   "three problems");
		ok(strstr(c.text, "n.tab:1: line longer") &&
		   strstr(c.text, "n.tab:2: NUL byte") &&
		   strstr(c.text, "n.tab:3: foo: unknown key"),
		   "each with its line");
	}
	rep = (struct pxe_report){ NULL, NULL, 0 };
	t = table_parse_all("arch=bios file=a.0\n", 19, "n.tab", &rep);
	ok(t && t->n == 1 && rep.n == 0, "a good table: no problem, no reporter");
	table_free(t);
}


static void test_good(void)
{
	char err[256];
	struct table *t = parse(
		"# comment\n"
		"\n"
		"   \t\n"
		"mac=52-54-00-12-34-56 file=a.0   # trailing comment\n"
		"ip=198.18.5.0/24 tftp-server=198.18.5.1\r\n"
		"host=Node7 arch=bios,efi-x64,16 ipxe=no bcd=\"\\\\Boot\\\\BCD\"\n"
		"ipxe=yes script=\"http://198.18.0.1/a b#c.ipxe\"\n"
		"mac=525400000099 ignore",
		err, sizeof(err));

	ok(t != NULL, "good table parses");
	if (t == NULL) {
		diag("%s", err);
		return;
	}
	is_int(t->n, 5, "five rules");
	is_int(t->rules[0].line, 4, "line numbers kept");
	is_str(t->rules[0].file, "a.0", "file");
	is_int(t->rules[1].mask, 0xffffff00u, "prefix mask");
	is_int(t->rules[1].ip, 0xc6120500u, "network");
	ok(t->rules[1].has_tftp, "tftp-server");
	is_str(t->rules[2].host, "Node7", "host");
	is_int(t->rules[2].narch, 4, "bios, efi-x64 (7, 9) and 16");
	is_str(t->rules[2].bcd, "\\Boot\\BCD", "quoted backslashes");
	is_str(t->rules[3].script, "http://198.18.0.1/a b#c.ipxe",
	       "quoted blank and hash");
	ok(t->rules[4].ignore, "ignore without a final newline");
	ok(t->uses_host, "uses host names");
	table_free(t);

	t = parse("", err, sizeof(err));
	ok(t && t->n == 0, "empty table");
	table_free(t);
}

static void is_error(const char *text, const char *want, const char *name)
{
	char err[256];
	struct table *t = parse(text, err, sizeof(err));

	ok(t == NULL, "%s: refused", name);
	if (!ok(strncmp(err, want, strlen(want)) == 0, "%s: says %s", name, want))
		diag("got '%s'", err);
	table_free(t);
}

static void test_errors(void)
{
	char big[1200];

	is_error("file=a\nmac=zz file=a\n", "nodes.tab:2: mac=zz", "bad MAC");
	is_error("ip=198.18.0.300 file=a\n", "nodes.tab:1: ip=", "bad address");
	is_error("ip=198.18.0.0/33 file=a\n", "nodes.tab:1: ip=", "prefix too long");
	is_error("arch=sparc file=a\n", "nodes.tab:1: arch=sparc", "unknown arch");
	is_error("arch=70000 file=a\n", "nodes.tab:1: arch=", "arch out of range");
	is_error("ipxe=maybe file=a\n", "nodes.tab:1: ipxe=maybe", "ipxe not yes/no");
	is_error("tftp-server=x file=a\n", "nodes.tab:1: tftp-server=x", "bad tftp-server");
	is_error("colour=red file=a\n", "nodes.tab:1: colour: unknown key", "unknown key");
	is_error("mac=52:54:00:12:34:56\n", "nodes.tab:1: no action", "no action");
	is_error("mac=52:54:00:12:34:56 ignore file=a\n", "nodes.tab:1: ignore with",
		 "ignore with an action");
	is_error("ignore=yes\n", "nodes.tab:1: ignore takes", "ignore with a value");
	is_error("file=a file=b\n", "nodes.tab:1: file: given twice", "duplicate key");
	is_error("file\n", "nodes.tab:1: file: expected key=value", "key without value");
	is_error("file=\n", "nodes.tab:1: file=: empty value", "empty value");
	is_error("file=\"a\n", "nodes.tab:1: unterminated", "unterminated quote");
	is_error("file=\"a\"b\n", "nodes.tab:1: garbage", "garbage after quote");
	is_error("file=a\"b\n", "nodes.tab:1: quote inside", "quote in bare value");
	is_error("file=\"a\\nb\"\n", "nodes.tab:1: unknown escape", "bad escape");
	is_error("file=a\x01\n", "nodes.tab:1: control", "control character");
	is_error("FILE=a\n", "nodes.tab:1: expected key=value", "upper-case key");
	{
		static const char nul[] = "\n\nfile=a\0b\n";
		char err[256];
		struct table *t = table_parse(nul, sizeof(nul) - 1, "nodes.tab",
					      err, sizeof(err));

		ok(t == NULL && strcmp(err, "nodes.tab:3: NUL byte") == 0,
		   "NUL byte refused with its line");
	}
	is_error("prompt=\"5,x\" file=a\n", "nodes.tab:1: prompt without menu",
		 "prompt without menu");
	is_error("prompt=\"300,x\" menu=\"1,a,b\"\n", "nodes.tab:1: prompt=",
		 "prompt timeout out of range");
	is_error("menu=\"x,a,b\"\n", "nodes.tab:1: menu=", "menu type not a number");
	is_error("menu=\"1,a\"\n", "nodes.tab:1: menu=", "menu without text");
	is_error("menu=\"1,,b\"\n", "nodes.tab:1: menu=", "menu without file");
	is_error("menu=\"1,a,b\" menu=\"1,c,d\"\n", "nodes.tab:1: menu=",
		 "menu type twice");
	memset(big, 'a', sizeof(big));
	memcpy(big, "file=", 5);
	big[sizeof(big) - 1] = '\0';
	is_error(big, "nodes.tab:1: line longer", "line too long");
	big[200] = '\0';
	is_error(big, "nodes.tab:1: file: value too long", "file name too long");
}

static void test_menu_limit(void)
{
	char text[2048], err[256];
	struct table *t;
	size_t n = 0;

	/* Each entry costs 7 bytes in 43.8 and 3 + 20 in 43.9. */
	for (int i = 1; i <= 9; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "menu=\"%d,f.0,ABCDEFGHIJKLMNOPQRST\" ", i);
	snprintf(text + n, sizeof(text) - n, "\n");
	t = parse(text, err, sizeof(err));
	ok(t == NULL && strstr(err, "nodes.tab:1: menu does not fit"),
	   "menu over 255 bytes refused at load");
	table_free(t);

	n = 0;
	for (int i = 1; i <= 7; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "menu=\"%d,f.0,ABCDEFGHIJKLMNOPQRST\" ", i);
	snprintf(text + n, sizeof(text) - n, "\n");
	t = parse(text, err, sizeof(err));
	ok(t != NULL, "seven entries fit");
	if (t) {
		uint8_t opt[255];
		size_t len = table_menu_encode(&t->rules[0], 0x01020304, opt,
					       sizeof(opt));

		ok(len > 200 && len <= 255, "encoded within 255 bytes (%zu)", len);
	}
	table_free(t);
}

static void test_match(void)
{
	char err[256];
	struct table *t = parse("ip=198.18.1.0/24 file=net.0\n"
				"host=node7 file=host.0\n"
				"arch=efi-x64 ipxe=yes script=s.ipxe\n"
				"file=default.0\n",
				err, sizeof(err));
	uint8_t mac[6] = { 1, 2, 3, 4, 5, 6 };
	struct pxe_client c = { mac, false, 0, NULL, 0, false };
	const struct table_rule *r;
	bool needs_ip;

	if (!ok(t != NULL, "matching table parses"))
		return;
	r = table_match(t, &c, &needs_ip);
	ok(r && r->line == 4 && needs_ip, "no address: default, needs address");
	c.has_ip = true;
	c.ip = htonl(0xc6120105);
	r = table_match(t, &c, &needs_ip);
	ok(r && r->line == 1 && !needs_ip, "address in the prefix");
	c.ip = htonl(0xc6120205);
	c.host = "NODE7.example";
	r = table_match(t, &c, &needs_ip);
	ok(r && r->line == 2, "short host name, any case");
	c.host = "node77";
	c.arch = 9;
	c.ipxe = true;
	r = table_match(t, &c, &needs_ip);
	ok(r && r->line == 3, "arch 9 is efi-x64, with iPXE");
	c.ipxe = false;
	r = table_match(t, &c, &needs_ip);
	ok(r && r->line == 4, "not iPXE: default");
	ok(table_match(NULL, &c, &needs_ip) == NULL, "no table");
	table_free(t);
	t = parse("arch=efi-x64 ip=198.18.1.0/24 file=net.efi\n"
		  "file=default.0\n", err, sizeof(err));
	c = (struct pxe_client){ mac, false, 0, NULL, 0, false };
	r = table_match(t, &c, &needs_ip);
	ok(r && r->line == 2 && !needs_ip,
	   "an address rule for another arch does not put BIOS off");
	c.arch = 7;
	r = table_match(t, &c, &needs_ip);
	ok(r && r->line == 2 && needs_ip, "nor is it skipped for its own arch");
	ok(pxe_host_matches("a.b", "A.B") && !pxe_host_matches("a", "ab.c") &&
	   !pxe_host_matches("", "a") && !pxe_host_matches("a", NULL),
	   "host name matching");
	table_free(t);
}

/* 3000 per-MAC rules with a generic rule every 100 lines, and a repeat. */
static void test_index(void)
{
	size_t cap = 3100 * 64, n = 0;
	char *text = malloc(cap), err[256];
	uint8_t mac[6] = { 0x52, 0x54, 0, 0, 0, 0 };
	struct pxe_client c = { mac, false, 0, NULL, 0, false };
	const struct table_rule *r;
	struct table *t;
	bool needs_ip, all = true;

	if (text == NULL)
		return;
	for (unsigned i = 1; i <= 3000; i++) {
		if (i % 100 == 0)
			n += (size_t)snprintf(text + n, cap - n,
					      "arch=efi-x64 file=g%u\n", i);
		else
			n += (size_t)snprintf(text + n, cap - n,
					      "mac=52:54:00:00:%02x:%02x file=m%u\n",
					      i >> 8, i & 0xff, i);
	}
	n += (size_t)snprintf(text + n, cap - n, "mac=52:54:00:00:00:05 file=again\n");
	t = table_parse(text, n, "big", err, sizeof(err));
	free(text);
	if (!ok(t != NULL, "3001 rules parse"))
		return;
	for (unsigned i = 1; i <= 3000 && all; i++) {
		char want[16];

		if (i % 100 == 0)
			continue;
		mac[4] = (uint8_t)(i >> 8);
		mac[5] = (uint8_t)i;
		c.arch = 0;
		r = table_match(t, &c, &needs_ip);
		snprintf(want, sizeof(want), "m%u", i);
		all = r && r->file && strcmp(r->file, want) == 0;
		c.arch = 7;
		r = table_match(t, &c, &needs_ip);
		snprintf(want, sizeof(want), i < 100 ? "m%u" : "g100", i);
		all = all && r && r->file && strcmp(r->file, want) == 0;
		if (!all)
			diag("MAC %u: got %s", i, r && r->file ? r->file : "none");
	}
	ok(all, "every MAC finds its own rule, or an earlier generic one");
	mac[4] = 0;
	mac[5] = 5;
	c.arch = 0;
	r = table_match(t, &c, &needs_ip);
	ok(r && r->line == 5, "a repeated MAC: the first rule wins");
	mac[4] = 0x7f;
	c.arch = 0;
	ok(table_match(t, &c, &needs_ip) == NULL, "unknown MAC, BIOS: no rule");
	table_free(t);
}

static void rec(uint8_t *buf, const char *name, size_t nlen, const char *path,
		size_t plen)
{
	memset(buf, 0, XCAT_RECORD_LEN);
	memcpy(buf, name, nlen);
	memcpy(buf + XCAT_NAME_LEN, path, plen);
}

/* Bad records in the middle and a partial one at the end: each reported. */
static void test_xcat_all(void)
{
	uint8_t buf[4 * XCAT_RECORD_LEN + 9];
	char longname[XCAT_NAME_LEN];
	struct collected c = { "", 0 };
	struct pxe_report rep = { collect, &c, 0 };
	struct xcat_cfg *x;

	memset(buf, 0, sizeof(buf));
	memset(longname, 'n', sizeof(longname));
	rec(buf, "node1", 5, "a/", 2);
	rec(buf + XCAT_RECORD_LEN, "", 0, "b/", 2);
	rec(buf + 2 * XCAT_RECORD_LEN, longname, sizeof(longname), "c/", 2);
	rec(buf + 3 * XCAT_RECORD_LEN, "node4", 5, "d/", 2);
	x = xcat_parse_all(buf, sizeof(buf), "cfg", &rep);
	ok(x == NULL, "xCAT: a file with bad records is refused");
	is_int(rep.n, 3, "xCAT: three problems counted");
	is_str(c.text, "cfg: empty node name at offset 200\n"
		       "cfg: unterminated node name at offset 400\n"
		       "cfg: partial record at offset 800\n",
	       "xCAT: each with its offset, in file order");
}

static void test_xcat(void)
{
	uint8_t buf[4 * XCAT_RECORD_LEN];
	char err[128], longpath[XCAT_PATH_LEN], longname[XCAT_NAME_LEN];
	char file[256], bcd[256];
	struct xcat_cfg *x;

	rec(buf, "node1", 5, "/install/winpe/", 15);
	rec(buf + XCAT_RECORD_LEN, "", 0, "", 0);
	memset(longpath, 'p', sizeof(longpath));
	rec(buf + 2 * XCAT_RECORD_LEN, "node2", 5, longpath, sizeof(longpath));
	x = xcat_parse(buf, 3 * XCAT_RECORD_LEN, "cfg", err, sizeof(err));
	ok(x != NULL, "valid records parse");
	if (x) {
		is_int(x->n, 2, "all-NUL record skipped");
		ok(xcat_find(x, "node1.cluster") == &x->nodes[0], "found by short name");
		ok(xcat_find(x, "node3") == NULL, "unknown node");
		is_int(strlen(x->nodes[1].path), 150, "150-byte path without NUL kept");
		is_int(xcat_boot_paths(&x->nodes[0], false, file, sizeof(file),
				       bcd, sizeof(bcd)), 0, "paths");
		is_str(file, "/install/winpe/Boot/pxeboot.0", "BIOS file");
		is_str(bcd, "/install/winpe/Boot/BCD", "BCD");
		xcat_boot_paths(&x->nodes[0], true, file, sizeof(file), bcd,
				sizeof(bcd));
		is_str(file, "/install/winpe/Boot/bootmgfw.efi", "UEFI file");
		ok(xcat_boot_paths(&x->nodes[1], true, file, 100, bcd, sizeof(bcd)) < 0,
		   "path too long for the buffer");
	}
	xcat_free(x);

	x = xcat_parse(buf, 2 * XCAT_RECORD_LEN + 17, "cfg", err, sizeof(err));
	ok(x == NULL, "partial record refused");
	is_str(err, "cfg: partial record at offset 400", "naming the offset");

	memset(longname, 'n', sizeof(longname));
	rec(buf + XCAT_RECORD_LEN, longname, sizeof(longname), "x/", 2);
	x = xcat_parse(buf, 2 * XCAT_RECORD_LEN, "cfg", err, sizeof(err));
	ok(x == NULL, "unterminated name refused");
	is_str(err, "cfg: unterminated node name at offset 200", "naming the offset");

	rec(buf, "", 0, "x/", 2);
	x = xcat_parse(buf, XCAT_RECORD_LEN, "cfg", err, sizeof(err));
	ok(x == NULL && strstr(err, "empty node name at offset 0"), "empty name refused");

	x = xcat_parse(buf, 0, "cfg", err, sizeof(err));
	ok(x && x->n == 0, "empty file: no nodes");
	xcat_free(x);
	test_xcat_all();
}

int main(void)
{
	test_good();
	test_errors();
	test_all_errors();
	test_menu_limit();
	test_match();
	test_index();
	test_xcat();
	return tap_done();
}
