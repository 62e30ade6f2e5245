/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Template rendering and every output's escaping over arbitrary bytes.
 * Input: one selector byte, then the host's settings as KEY=VALUE lines
 * (any bytes in a value, control bytes too), then "\n%%\n" and the text
 * of a template, rendered both as a plain file and as an iPXE script.
 * The selector picks what the profile boots.  The host is built directly, not parsed,
 * so values the hosts parser would refuse reach the escapers as well.
 *
 * Checked whenever the plan succeeds: no generated boot file or DHCP
 * fragment holds a control byte other than '\n' or a byte above 0x7e,
 * and no line of an iPXE script that carries settings (kernel, initrd,
 * sanboot) holds a word "&&", "||" or ";", a word starting with '#', or
 * "${".  A failed plan must have said why.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../bootcfg/plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_KV 16

static const char *const profiles[] = {
	"[defaults]\nboot-url = @B@\nnext-server = 198.18.0.1\n"
	"templates = t t.ipxe\n"
	"[profile p]\nkernel = k@K@\ninitrd = i @I@\nappend = @A@ x\n"
	"kickstart = http://s/@A@\n",
	"[defaults]\ntemplates = t t.ipxe\n"
	"[profile p]\nsanboot = http://s/@A@\nscript = @S@\n",
	"[defaults]\ntemplates = t t.ipxe\n"
	"[profile p]\nwinpe = w/@A@\nwimboot = @K@\n",
	"[defaults]\ntemplates = t t.ipxe\n"
	"[profile p]\niso = @A@.iso\nipxe-bios = @S@\nipxe-efi = @S@\n",
};

/* KEY=VALUE lines of (s, n) into kv; the strings are copied into a. */
static size_t parse_values(const char *s, size_t n, struct bc_kv *kv,
			   struct arena *a)
{
	size_t count = 0, pos = 0;

	while (pos < n && count < MAX_KV) {
		const char *p = s + pos;
		const char *nl = memchr(p, '\n', n - pos);
		size_t len = nl ? (size_t)(nl - p) : n - pos;
		const char *eq = memchr(p, '=', len);

		pos += len + 1;
		if (eq == NULL || eq == p || memchr(p, '\0', len))
			continue;
		kv[count].key = arena_strndup(a, p, (size_t)(eq - p));
		kv[count].val = arena_strndup(a, eq + 1,
					      len - (size_t)(eq - p) - 1);
		kv[count].line = 1;
		count++;
	}
	return count;
}

static bool is_word(const char *w, size_t n, const char *want)
{
	return strlen(want) == n && memcmp(w, want, n) == 0;
}

/* A settings-carrying line of an iPXE script holds nothing iPXE acts on. */
static void check_ipxe_line(const char *s, size_t n)
{
	size_t i = 0;

	if (!(n > 7 && (memcmp(s, "kernel ", 7) == 0 ||
			memcmp(s, "initrd ", 7) == 0 ||
			memcmp(s, "sanboot ", 8) == 0)))
		return;
	if (memmem(s, n, "${", 2))
		abort();
	while (i < n) {
		size_t start;

		while (i < n && s[i] == ' ')
			i++;
		start = i;
		while (i < n && s[i] != ' ')
			i++;
		if (i > start && (is_word(s + start, i - start, "&&") ||
				  is_word(s + start, i - start, "||") ||
				  is_word(s + start, i - start, ";") ||
				  s[start] == '#'))
			abort();
	}
}

static void check_file(const struct bc_file *f)
{
	bool ipxe = f->rel && strncmp(f->rel, "ipxe/", 5) == 0;
	size_t start = 0;

	if (f->kind == BC_OUT_HOSTS)
		return;         /* the template's own text is the admin's */
	if (f->rel == NULL && strstr(f->path, "xcat"))
		return;         /* fixed-size binary records */
	for (size_t i = 0; i <= f->len; i++) {
		unsigned char c = i < f->len ? (unsigned char)f->data[i] : '\n';

		if (c != '\n' && (c < 0x20 || c >= 0x7f))
			abort();
		if (c == '\n') {
			if (ipxe)
				check_ipxe_line(f->data + start, i - start);
			start = i + 1;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	const char *sep = size ? memmem(s + 1, size - 1, "\n%%\n", 4) : NULL;
	struct bc_kv kv[MAX_KV];
	struct arena a = { 0 };
	struct bc_host host = { .mac = { 0x52, 0x54, 0, 0, 0, 1 },
				.name = "n1", .profile = "p", .prof = -1,
				.has_ip = true, .ipstr = "198.18.0.11",
				.line = 1, .kv = kv };
	struct bc_hosts hs = { .file = "H", .v = &host, .n = 1 };
	struct bc_profiles ps = { 0 };
	struct diag d = { 0 };
	struct bc_env e = { .hs = &hs, .ps = &ps, .d = &d };
	struct bc_template tp[2] = { { .name = "t", .path = "T/t" },
				     { .name = "t.ipxe", .path = "T/t.ipxe" } };
	struct bc_templates t = { .v = tp, .n = 2 };
	struct bc_opts o = { .root = "r", .templates_dir = "T",
			     .dhcpd = "dhcpd", .dnsmasq = "dnsmasq",
			     .proxydhcp = "table", .xcat = "xcat" };
	struct bc_outset out = { 0 };
	const char *prof;
	bool ok;

	if (size < 1 || sep == NULL)
		return 0;
	prof = profiles[data[0] % 4];
	host.nkv = parse_values(s + 1, (size_t)(sep - s - 1), kv, &a);
	for (int i = 0; i < 2; i++) {
		tp[i].len = size - (size_t)(sep + 4 - s);
		tp[i].data = arena_strndup(&a, sep + 4, tp[i].len);
	}
	for (int k = 0; k < BC_OUT_KINDS; k++)
		o.out[k] = true;
	bc_profiles_parse(&ps, "P", prof, strlen(prof), &d);
	bc_hosts_resolve(&hs, &ps, &d);
	if (d.errors == 0) {
		ok = bc_plan(&o, &e, &t, &out);
		if (ok)
			for (size_t i = 0; i < out.n; i++)
				check_file(&out.v[i]);
		else if (d.text.len == 0)
			abort();
	}
	bc_outset_free(&out);
	bc_profiles_free(&ps);
	diag_free(&d);
	arena_free(&a);
	return 0;
}
