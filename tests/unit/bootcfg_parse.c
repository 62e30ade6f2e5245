/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The hosts and profiles parsers: good tables, every kind of bad line. */
#include <stdlib.h>
#include <string.h>

#include "../../bootcfg/boot.h"
#include "tap.h"

static const char profiles[] =
	"[defaults]\nnext-server = 198.18.0.1\n"
	"[profile lin]\nkernel = k\nkernel.efi-x64 = k.efi\ninitrd = i1 i2\n"
	"append = \"console=ttyS0 x=@NAME@\"\n"
	"[profile san]\nsanboot = aoe:e1.0\n"
	"[profile off]\nlocal = yes\n";

struct parsed {
	struct bc_hosts h;
	struct bc_profiles p;
	struct diag d;
};

static unsigned parse(struct parsed *x, const char *hosts, size_t hl,
		      const char *prof)
{
	memset(x, 0, sizeof(*x));
	bc_profiles_parse(&x->p, "P", prof, strlen(prof), &x->d);
	bc_hosts_parse(&x->h, "H", hosts, hl, &x->d);
	bc_hosts_resolve(&x->h, &x->p, &x->d);
	return x->d.errors;
}

static void done(struct parsed *x)
{
	bc_hosts_free(&x->h);
	bc_profiles_free(&x->p);
	diag_free(&x->d);
}

/* The diagnostics of a hosts table (with the profiles above). */
static char *hosts_errors(const char *hosts)
{
	static char out[2048];
	struct parsed x;

	parse(&x, hosts, strlen(hosts), profiles);
	snprintf(out, sizeof(out), "%s", x.d.text.p ? x.d.text.p : "");
	done(&x);
	return out;
}

static char *profile_errors(const char *prof)
{
	static char out[2048];
	struct bc_profiles p = { 0 };
	struct diag d = { 0 };

	bc_profiles_parse(&p, "P", prof, strlen(prof), &d);
	snprintf(out, sizeof(out), "%s", d.text.p ? d.text.p : "");
	bc_profiles_free(&p);
	diag_free(&d);
	return out;
}

#define has(text, want, name) ok(strstr((text), (want)) != NULL, "%s", name)

static void good_table(void)
{
	const char hosts[] =
		"# comment\n\n"
		"52:54:00:00:00:01 n1 198.18.0.1 lin site=a note=\"two words\"\n"
		"!52-54-00-00-00-02 n2 198.18.0.2 lin\r\n"
		"525400000003 - - san   # trailing comment\n"
		"52:54:00:00:00:04, off\n"
		"52:54:00:00:00:05 ,off\n"
		"52:54:00:00:00:06 n6 198.18.0.6 lin disabled=yes";
	struct parsed x;
	const char *f;

	is_int(parse(&x, hosts, strlen(hosts), profiles), 0, "good table parses");
	is_int(x.h.n, 6, "six hosts");
	is_str(x.h.v[0].name, "n1", "name");
	is_str(x.h.v[0].ipstr, "198.18.0.1", "address");
	is_int(x.h.v[0].nkv, 2, "two settings");
	is_str(x.h.v[0].kv[1].val, "two words", "quoted value");
	ok(x.h.v[1].disabled, "leading ! disables");
	ok(x.h.v[5].disabled, "disabled=yes disables");
	ok(!x.h.v[0].disabled, "others enabled");
	is_str(x.h.v[2].name, "mac-525400000003", "name derived from the MAC");
	ok(!x.h.v[2].has_ip, "- is no address");
	ok(x.h.v[3].short_form && x.h.v[4].short_form, "MAC, PROFILE form");
	is_str(x.h.v[3].profile, "off", "short form profile");
	is_int(x.p.v[x.h.v[0].prof].kind, BC_KIND_LINUX, "linux kind");
	is_int(x.p.v[x.h.v[2].prof].kind, BC_KIND_SANBOOT, "sanboot kind");
	is_str(bc_lookup(&x.h, &x.p, &x.h.v[0], "kernel", BC_ARCH_EFI_X64,
			 &f)->val, "k.efi", "arch variant first");
	is_str(bc_lookup(&x.h, &x.p, &x.h.v[0], "kernel", BC_ARCH_BIOS,
			 &f)->val, "k", "plain key otherwise");
	is_str(bc_lookup(&x.h, &x.p, &x.h.v[0], "next-server", BC_ARCH_BIOS,
			 &f)->val, "198.18.0.1", "defaults last");
	is_str(bc_lookup(&x.h, &x.p, &x.h.v[0], "site", BC_ARCH_BIOS,
			 &f)->val, "a", "host setting");
	ok(bc_lookup(&x.h, &x.p, &x.h.v[1], "site", BC_ARCH_BIOS, &f) == NULL,
	   "unset is NULL");
	ok(bc_hosts_find(&x.h, x.h.v[3].mac) == &x.h.v[3], "find by MAC");
	done(&x);
}

static void bad_hosts(void)
{
	has(hosts_errors("52:54:00:00:00:01 n1 198.18.0.1 lin\n"
			 "52:54:00:00:00:01 n2 198.18.0.2 lin\n"),
	    "H:2: MAC already used on line 1", "duplicate MAC with both lines");
	has(hosts_errors("52:54:00:00:00:01 n1 198.18.0.1 lin\n\n"
			 "52:54:00:00:00:02 n2 198.18.0.1 lin\n"),
	    "H:3: IP address 198.18.0.1 already used on line 1",
	    "duplicate IP with both lines");
	has(hosts_errors("52:54:00:00:00:01 n1 198.18.0.1 lin\n"
			 "52:54:00:00:00:02 N1 198.18.0.2 lin\n"),
	    "H:2: name 'N1' already used on line 1",
	    "duplicate name, any case");
	has(hosts_errors("52:54:00:00:00:0g n1 198.18.0.1 lin\n"),
	    "H:1: '52:54:00:00:00:0g' is not a MAC address", "bad MAC");
	has(hosts_errors("01:00:5e:00:00:01 n1 198.18.0.1 lin\n"),
	    "not a unicast MAC", "multicast MAC");
	has(hosts_errors("52:54:00:00:00:01 n1 198.18.0.256 lin\n"),
	    "is not an IPv4 address", "bad IP");
	has(hosts_errors("52:54:00:00:00:01 n1 0.0.0.0 lin\n"),
	    "not a host address", "zero IP");
	has(hosts_errors("52:54:00:00:00:01 n_1 198.18.0.1 lin\n"),
	    "is not a host name", "bad name");
	has(hosts_errors("52:54:00:00:00:01 n1 198.18.0.1 nope\n"),
	    "H:1: unknown profile 'nope'", "unknown profile");
	has(hosts_errors("52:54:00:00:00:01 n1 198.18.0.1 defaults\n"),
	    "unknown profile 'defaults'", "[defaults] is not a profile");
	has(hosts_errors("52:54:00:00:00:01 n1 198.18.0.1\n"),
	    "H:1: expected MAC NAME IP PROFILE", "truncated line");
	has(hosts_errors("52:54:00:00:00:01 n1 198.18.0.1 lin junk\n"),
	    "expected KEY=VALUE", "setting without =");
	has(hosts_errors("52:54:00:00:00:01 n1 198.18.0.1 lin a=1 a=2\n"),
	    "key 'a' given twice", "key twice");
	has(hosts_errors("52:54:00:00:00:01 n1 198.18.0.1 lin a=\"x\n"),
	    "unterminated quote", "unterminated quote");
	has(hosts_errors("52:54:00:00:00:01 n1 198.18.0.1 lin kernel=x\n"),
	    "set by the profile", "kind key per host");
	has(hosts_errors("52:54:00:00:00:01 n1 198.18.0.1 lin a=x`y\n"),
	    "backquote", "unsafe value");
	has(hosts_errors("52:54:00:00:00:01 n1 198.18.0.1 lin Bad=1\n"),
	    "bad key", "upper-case key");
	has(hosts_errors("52:54:00:00:00:01 n1 198.18.0.1 lin disabled=maybe\n"),
	    "disabled= takes yes or no", "disabled value");
	has(hosts_errors("52:54:00:00:00:01 n1 198.18.0.1 lin uuid=12\n"),
	    "uuid= takes 32 hex digits", "bad uuid");
	has(hosts_errors("52:54:00:00:00:01 n1 198.18.0.1 lin next-server=x\n"),
	    "H:1: next-server: expected an IPv4 address", "host settings checked too");
	has(hosts_errors("52:54:00:00:00:01 n1 198.18.0.1 lin script=a,b\n"),
	    "no blanks or commas", "host script checked");
	has(hosts_errors("52:54:00:00:00:01, lin, extra\n"),
	    "expected 'MAC, PROFILE'", "short form with extra field");
}

static void oversize_and_binary(void)
{
	char *big = malloc(BC_LINE_MAX + 100);
	struct parsed x;
	char nul[] = "52:54:00:00:00:01 n1 198.18.0.1 lin\0x\n";
	char many[4096] = "52:54:00:00:00:01 n1 198.18.0.1 lin";

	memset(big, 'a', BC_LINE_MAX + 99);
	big[BC_LINE_MAX + 99] = '\n';
	parse(&x, big, BC_LINE_MAX + 100, profiles);
	has(x.d.text.p, "H:1: line longer than", "oversize line");
	is_int(x.h.n, 0, "nothing kept from it");
	done(&x);
	parse(&x, nul, sizeof(nul) - 1, profiles);
	has(x.d.text.p, "H:1: NUL byte", "NUL byte");
	done(&x);
	for (int i = 0; i < BC_KV_MAX + 2; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many),
			 " k%d=v", i);
	has(hosts_errors(many), "too many fields", "too many settings");
	parse(&x, "52:54:00:00:00:01 n1 198.18.0.1 lin", 20, profiles);
	ok(x.d.errors > 0, "truncated mid-line is an error");
	done(&x);
	parse(&x, "", 0, profiles);
	is_int(x.d.errors + x.h.n, 0, "empty table is fine");
	done(&x);
	free(big);
}

static void bad_profiles(void)
{
	has(profile_errors("kernel = x\n"), "P:1: setting outside",
	    "setting before a section");
	has(profile_errors("[profile a]\nkernel = x\n[profile a]\nlocal = yes\n"),
	    "P:3: profile 'a' already defined on line 1", "duplicate profile");
	has(profile_errors("[profile a]\nkernel = x\nkernel = y\n"),
	    "P:3: 'kernel' already set on line 2", "duplicate key");
	has(profile_errors("[profile a]\nappend = x\n"), "P:1: profile 'a' boots nothing",
	    "no kind");
	has(profile_errors("[profile a]\nkernel = x\nsanboot = aoe:e1.0\n"),
	    "exclude each other", "two kinds");
	has(profile_errors("[profile a]\nkernel.efi-x64 = x\n"),
	    "needs a value without an arch suffix", "only an arch variant");
	has(profile_errors("[profile a]\nkernel.sparc = x\n"), "unknown arch",
	    "unknown arch");
	has(profile_errors("[profile a]\nsanboot = aoe:e65535.0\n"),
	    "shelf 0-65534", "AoE shelf out of range");
	has(profile_errors("[profile a]\nsanboot = aoe:e1.255\n"),
	    "slot 0-254", "AoE slot out of range");
	has(profile_errors("[profile a]\nsanboot = nbd:x\n"), "expected aoe",
	    "unknown SAN scheme");
	has(profile_errors("[profile a]\nkernel = a b\n"), "no blanks",
	    "blank in a path");
	has(profile_errors("[profile a]\nrestore = ../x\n"), "P:2: restore: an image name",
	    "restore: no path");
	has(profile_errors("[profile a]\nrestore = a b\n"), "restore: an image name",
	    "restore: no blank");
	has(profile_errors("[profile a]\nrestore = x\nrestore-partition = 0\n"),
	    "P:3: restore-partition: expected 1 to 4", "restore-partition 0");
	has(profile_errors("[profile a]\nrestore = x\nrestore-kernel = a,b\n"),
	    "P:3: expected one file name", "restore-kernel: one file");
	has(profile_errors("[profile a]\nrestore = x\nlocal = yes\n"),
	    "exclude each other", "restore and local = yes");
	has(profile_errors("[defaults]\nkernel = x\n"), "[defaults] cannot hold",
	    "kind in defaults");
	has(profile_errors("[defaults]\nnext-server = nowhere\n"),
	    "expected an IPv4 address", "bad next-server");
	has(profile_errors("[profile]\n"), "expected [profile NAME]", "no name");
	has(profile_errors("[profile a b]\nlocal = yes\n"), "not a profile name",
	    "bad name");
	has(profile_errors("[profile a]\nlocal = maybe\n"), "yes or no",
	    "bad local");
	has(profile_errors("[profile a]\nnoequals\n"), "expected KEY = VALUE",
	    "no =");
	is_str(profile_errors("[profile a]\nkernel.efi = x\nkernel = y\n"
			      "[profile b]\nlocal = no\niso = x.iso\n"), "",
	       "aliases and local = no accepted");
}

/* Per-firmware boot files: their keys, the older name, URLs for HTTP. */
static void firmware_keys(void)
{
	const char hosts[] = "52:54:00:00:00:01 n1 - lin ipxe-efi=h.efi\n"
			     "52:54:00:00:00:02 n2 - lin\n";
	const char prof[] = "[defaults]\nipxe-efi = d.efi\n"
			    "[profile lin]\nkernel = k\nipxe-efi-arm64 = a.efi\n"
			    "ipxe-efi-x64-http = http://s/x.efi\n";
	struct parsed x;
	struct bc_env e = { .hs = &x.h, .ps = &x.p, .d = &x.d };
	struct arena a = { 0 };
	bool good = true;

	has(profile_errors("[profile a]\nlocal = yes\nipxe-efi-x64-http = x.efi\n"),
	    "P:3: HTTP boot clients need an http:// or https:// URL",
	    "HTTP boot file must be a URL");
	has(profile_errors("[profile a]\nlocal = yes\n"
			   "ipxe-efi-arm64-http = tftp://s/a.efi\n"),
	    "need an http:// or https:// URL", "a TFTP URL is not HTTP");
	has(profile_errors("[profile a]\nlocal = yes\n"
			   "ipxe-efi-arm64-http = http://s/a b\n"),
	    "blank", "blank in a URL");
	has(profile_errors("[profile a]\nlocal = yes\nipxe-efi = a.efi\n"
			   "ipxe-efi-x64 = b.efi\n"),
	    "P:4: 'ipxe-efi-x64' already set on line 3",
	    "ipxe-efi and ipxe-efi-x64 are one key");
	has(profile_errors("[profile a]\nlocal = yes\nipxe-efi-ia32 = a b\n"),
	    "no blanks", "blank in an iPXE file");
	is_str(profile_errors("[profile a]\nlocal = yes\nipxe-efi-ia32 = -\n"
			      "ipxe-efi-x64-http = https://s/x.efi\n"
			      "ipxe-efi-arm64-http = -\n"), "",
	       "'-' and https:// accepted");
	has(hosts_errors("52:54:00:00:00:01 n1 - lin ipxe-efi-x64-http=a.efi\n"),
	    "H:1: HTTP boot clients need", "host's HTTP file checked too");

	is_int(parse(&x, hosts, strlen(hosts), prof), 0, "firmware keys parse");
	is_str(bc_setting(&e, &x.h.v[0], "ipxe-efi-x64", BC_ARCH_EFI_X64, NULL,
			  &a, &good), "h.efi", "host's ipxe-efi is ipxe-efi-x64");
	is_str(bc_setting(&e, &x.h.v[1], "ipxe-efi-x64", BC_ARCH_EFI_X64, NULL,
			  &a, &good), "d.efi", "so is [defaults]' ipxe-efi");
	is_str(bc_setting(&e, &x.h.v[1], "ipxe-efi", BC_ARCH_EFI_X64, NULL,
			  &a, &good), "d.efi", "and the old name finds it");
	ok(good, "no expansion error");
	arena_free(&a);
	done(&x);
}

static void expand(void)
{
	const char hosts[] = "52:54:00:00:00:01 n1 198.18.0.1 lin site=lab\n"
			     "52:54:00:00:00:02 n2 - lin\n";
	struct parsed x;
	struct bc_env e = { .hs = &x.h, .ps = &x.p, .d = &x.d };
	struct sbuf b = { 0 };
	const char *t = "@NAME@ @IP@ @MAC@ @MACDASH@ @MACHEX@ @PROFILE@ "
			"@ARCH@ @SITE@ @NEXT-SERVER@ a@@b x@y @lower@ @";

	parse(&x, hosts, strlen(hosts), profiles);
	ok(bc_expand(&e, &x.h.v[0], BC_ARCH_BIOS, t, strlen(t), "T", 1, &b),
	   "every tag has a value");
	is_str(b.p, "n1 198.18.0.1 52:54:00:00:00:01 52-54-00-00-00-01 "
		    "525400000001 lin bios lab 198.18.0.1 a@b x@y @lower@ @",
	       "expansion");
	sb_free(&b);
	ok(!bc_expand(&e, &x.h.v[1], BC_ARCH_BIOS, "@IP@ @SITE@", 11, "T", 7,
		      &b), "missing tags fail");
	has(x.d.text.p, "T:7: tag @IP@ has no value for host n2 (H:2)",
	    "names template line and host");
	has(x.d.text.p, "T:7: tag @SITE@ has no value", "each missing tag");
	sb_free(&b);
	done(&x);
}

int main(void)
{
	good_table();
	bad_hosts();
	oversize_and_binary();
	bad_profiles();
	firmware_keys();
	expand();
	return tap_done();
}
