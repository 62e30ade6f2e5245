/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../tftpd/remap.h"
#include "tap.h"

static struct sockaddr_storage peer4, peer6, peer_mapped;

static void set_peer(struct sockaddr_storage *ss, int family, const char *ip)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	ss->ss_family = (sa_family_t)family;
	if (family == AF_INET)
		inet_pton(AF_INET, ip, &sin->sin_addr);
	else
		inet_pton(AF_INET6, ip, &sin6->sin6_addr);
}

/* The error text of rules, or "(parsed)" when they parse. */
static const char *parse_error(const char *rules)
{
	static char err[256];
	struct remap *rm = remap_parse(rules, strlen(rules), err, sizeof(err));

	if (rm == NULL)
		return err;
	remap_free(rm);
	return "(parsed)";
}

/* The name rules make of name, "(denied)", "(too long)" or "(error)". */
static const char *apply_as(const char *rules, const char *name,
			    bool is_write, const struct sockaddr_storage *peer)
{
	static char out[REMAP_NAME_MAX];
	char err[256];
	struct remap *rm = remap_parse(rules, strlen(rules), err, sizeof(err));
	enum remap_result res;

	if (rm == NULL) {
		diag("%s", err);
		return "(error)";
	}
	res = remap_apply(rm, name, is_write, (const struct sockaddr *)peer,
			  out, sizeof(out));
	remap_free(rm);
	if (res == REMAP_DENIED)
		return "(denied)";
	if (res == REMAP_TOOLONG)
		return "(too long)";
	return out;
}

static const char *apply(const char *rules, const char *name)
{
	return apply_as(rules, name, false, &peer4);
}

static void test_parse_errors(void)
{
	is_str(parse_error("x foo"), "line 1: unknown flag 'x'",
	       "unknown flag");
	is_str(parse_error("r\x01 a b"), "line 1: unknown flag '\\x01'",
	       "unprintable flag is escaped");
	ok(strncmp(parse_error("# c\n\nr a b\nr (open x\n"),
		   "line 4: bad regular expression: ", 32) == 0,
	   "bad regex, line 4");
	is_str(parse_error("\n\nr foo\n"),
	       "line 3: flag 'r' needs a replacement", "missing replacement");
	is_str(parse_error("r~ a b"),
	       "line 1: flag 'r' cannot be combined with '~'", "r with ~");
	is_str(parse_error("a foo bar"), "line 1: replacement without flag 'r'",
	       "replacement without r");
	is_str(parse_error("r a b c"), "line 1: too many fields",
	       "too many fields");
	is_str(parse_error("r"), "line 1: missing regular expression",
	       "flags alone");
	is_str(parse_error("e x\nGP a"),
	       "line 2: flags 'G' and 'P' together match nothing", "G and P");
	is_str(parse_error("r a b\\"),
	       "line 1: replacement ends in a lone backslash",
	       "lone backslash");
	is_str(parse_error("r (.++++++++++++++++++++) x"),
	       "line 1: regular expression too complex", "stacked +");
	is_str(parse_error("e ((((((((((((((a+)+)+)+)+)+)+)+)+)+)+)+)+)+)+"),
	       "line 1: regular expression too complex", "nested +");
	is_str(parse_error("e a{1000}{1000}"),
	       "line 1: regular expression too complex", "stacked counts");
	is_str(parse_error("e (.*){999}"),
	       "line 1: regular expression too complex", "many optional parts");
	is_str(parse_error("e ^pxelinux\\.cfg/01(-[[:xdigit:]]{2}){6}$\n"
			   "e [^]{(]{1,255}\ne \\((){499}"),
	       "(parsed)", "counts a real rule uses");
	{
		static const char nul[] = "e x\na a\0b";
		char err[64];
		struct remap *rm = remap_parse(nul, sizeof(nul) - 1, err,
					       sizeof(err));

		ok(rm == NULL, "NUL byte in regex refused");
		is_str(err, "line 2: NUL byte in regular expression",
		       "NUL byte in regex");
		remap_free(rm);
	}
}

static void test_parse_edges(void)
{
	char err[64];
	struct remap *rm;

	ok(remap_parse("x", 1, NULL, 0) == NULL, "error without err buffer");
	ok(remap_parse("x y", 3, err, 8) == NULL && strlen(err) == 7,
	   "error truncated to errlen");
	rm = remap_parse("", 0, err, sizeof(err));
	ok(rm != NULL && remap_count(rm) == 0, "empty file, no rules");
	remap_free(rm);
	rm = remap_parse(NULL, 0, err, sizeof(err));
	ok(rm != NULL && remap_count(rm) == 0, "NULL buffer, no rules");
	remap_free(rm);
	rm = remap_parse("# only\n\n   \t\n  # indented\n", 26, err,
			 sizeof(err));
	ok(rm != NULL && remap_count(rm) == 0, "comments and blank lines");
	remap_free(rm);
	rm = remap_parse("r a b # why\r\n\r\ne c#d\r\n", 22, err, sizeof(err));
	ok(rm != NULL && remap_count(rm) == 2, "trailing comments, CRLF");
	remap_free(rm);
	rm = remap_parse("r a b", 3, err, sizeof(err));
	ok(rm == NULL, "len bounds the buffer");
	is_str(err, "line 1: flag 'r' needs a replacement",
	       "only len bytes read");
	remap_free(rm);
	remap_free(NULL);
	is_int(remap_count(NULL), 0, "count of NULL");
}

static void test_fields(void)
{
	is_str(apply("r my\\ file your\\ file", "my file"), "your file",
	       "escaped spaces");
	is_str(apply("r a\\#b c\\#d # comment", "a#b"), "c#d", "escaped '#'");
	is_str(apply("r a b#c", "a"), "b", "'#' ends a field");
	is_str(apply("r\ta\t\tb \r", "a"), "b", "tabs and CR separate");
	is_str(apply("r x\\\\ y", "x\\"), "y",
	       "escaped backslash ends before a blank");
	is_str(apply("r x\\\\\\  y", "x\\ "), "y",
	       "escaped backslash, then escaped blank");
	is_str(apply("r a \\\\\\q\\ ", "a"), "\\q ",
	       "replacement: \\\\, \\q and escaped blank");
}

static void test_rewrite(void)
{
	const char *prefix = "r ^/tftpboot/(.*) \\1";

	is_str(apply(prefix, "/tftpboot/pxelinux.0"), "pxelinux.0",
	       "prefix removed");
	is_str(apply(prefix, "pxelinux.0"), "pxelinux.0", "no match unchanged");
	is_str(apply("r a b", "banana"), "bbnana", "r: first match only");
	is_str(apply("rg a b", "banana"), "bbnbnb", "g: every match");
	is_str(apply("rg an|b _", "banana"), "___a", "g: alternation");
	is_str(apply("rg \\\\ /", "\\Boot\\BCD"), "/Boot/BCD",
	       "backslashes to slashes");
	is_str(apply("rg x* -", "abc"), "-a-b-c-", "g: empty matches advance");
	is_str(apply("rg x* -", "xab"), "-a-b-", "g: no empty match after one");
	is_str(apply("rg ^ /", "abc"), "/abc", "g: ^ only at the start");
	is_str(apply("rg $ .", "abc"), "abc.", "g: $ once");
	is_str(apply("r ^ /", ""), "/", "empty name");
	is_str(apply("r .* \\0\\0", "ab"), "abab", "\\0 twice");
}

static void test_case(void)
{
	const char *rule = "ri ^/?pxelinux\\.cfg/(.*) pxelinux.cfg/\\1";

	is_str(apply(rule, "/PXELINUX.CFG/default"), "pxelinux.cfg/default",
	       "i: any case");
	is_str(apply(rule, "pxelinux.cfg/01-52-54-00-12-34-56"),
	       "pxelinux.cfg/01-52-54-00-12-34-56", "i: same case");
	is_str(apply("r ^/?pxelinux\\.cfg/(.*) x", "/PXELINUX.CFG/a"),
	       "/PXELINUX.CFG/a", "without i, case matters");
	is_str(apply("ai \\.PVT$", "secret.pvt"), "(denied)", "i on a test");
}

static void test_control(void)
{
	const char *strip = "r ^b B\nrs ^a(.*) \\1";

	is_str(apply("re ^a b\nr b c", "a"), "b", "e: stops after a match");
	is_str(apply("re ^a b\nr b c", "b"), "c", "e: no match, go on");
	is_str(apply("e ^keep\nr .* x", "keep.me"), "keep.me",
	       "e without r");
	is_str(apply(strip, "aab"), "B", "s: restarts at the first rule");
	is_str(apply("r ^b B\nr ^a(.*) \\1", "aab"), "ab", "without s");
	is_str(apply("s .", "x"), "(denied)", "s: endless loop denied");
	is_str(apply("rs a a", "a"), "(denied)", "s: rewrite loop denied");
	{
		char name[REMAP_MAX_RESTARTS + 3];

		memset(name, 'a', REMAP_MAX_RESTARTS);
		strcpy(name + REMAP_MAX_RESTARTS, "b");
		is_str(apply(strip, name), "B", "s: the last allowed restart");
		memset(name, 'a', REMAP_MAX_RESTARTS + 1);
		strcpy(name + REMAP_MAX_RESTARTS + 1, "b");
		is_str(apply(strip, name), "(denied)",
		       "s: one restart too many");
	}
	is_str(apply("a \\.pvt$", "secret.pvt"), "(denied)", "a: denied");
	is_str(apply("a \\.pvt$", "public.cfg"), "public.cfg", "a: allowed");
	is_str(apply("r (.*)\\.pvt$ \\1\nra \\.cfg$ x", "s.pvt"), "s",
	       "a after a rewrite that does not match");
	is_str(apply("ra secret x", "secret"), "(denied)", "r and a");
}

static void test_direction(void)
{
	const char *rules = "rG ^a b\nrP ^a c";

	is_str(apply_as(rules, "a", false, &peer4), "b", "G on a read");
	is_str(apply_as(rules, "a", true, &peer4), "c", "P on a write");
	is_str(apply_as("aP .", "f", true, &peer4), "(denied)",
	       "deny all writes");
	is_str(apply_as("aP .", "f", false, &peer4), "f", "reads still pass");
	is_str(apply_as("aG .", "f", true, &peer4), "f", "G skipped on write");
}

static void test_invert(void)
{
	is_str(apply("a~ ^pxelinux", "other"), "(denied)", "~: no match hits");
	is_str(apply("a~ ^pxelinux", "pxelinux.0"), "pxelinux.0",
	       "~: a match misses");
	is_str(apply("e~ \\.cfg$\nr .* x", "boot.img"), "boot.img",
	       "~ with e");
	is_str(apply("e~ \\.cfg$\nr .* x", "a.cfg"), "x", "~ with e, match");
}

static void test_escapes(void)
{
	is_str(apply("r (a)(b)(c)(d)(e)(f)(g)(h)(i) "
		     "\\9\\8\\7\\6\\5\\4\\3\\2\\1-\\0",
		     "abcdefghi"),
	       "ihgfedcba-abcdefghi", "\\0 to \\9");
	is_str(apply("r (x)|(y) [\\1][\\2]", "y"), "[][y]",
	       "unmatched group is empty");
	is_str(apply("r (x) [\\5]", "x"), "[]", "missing group is empty");
	is_str(apply("r b(.)d <\\1>", "abcde"), "a<c>e", "group in context");
	is_str(apply_as("r .* \\i-\\x", "f", false, &peer4),
	       "198.18.0.1-C6120001", "\\i and \\x, IPv4");
	is_str(apply_as("r .* \\i-\\x", "f", false, &peer6),
	       "2001:db8::1-20010DB8000000000000000000000001",
	       "\\i and \\x, IPv6");
	is_str(apply_as("r .* \\i-\\x", "f", false, &peer_mapped),
	       "198.18.0.1-C6120001", "IPv4-mapped counts as IPv4");
	is_str(apply_as("r .* [\\i\\x]", "f", false, NULL), "[]",
	       "no peer, empty");
	is_str(apply("r ^pxelinux\\.cfg/default$ pxelinux.cfg/\\x",
		     "pxelinux.cfg/default"),
	       "pxelinux.cfg/C6120001", "per-host file by hex address");
}

static void test_toolong(void)
{
	static char big[REMAP_NAME_MAX + 1];
	char out[5];
	struct remap *rm = remap_parse("rg . xx", 7, NULL, 0);

	is_int(remap_apply(NULL, "abcd", false, NULL, out, sizeof(out)),
	       REMAP_OK, "no rules: fits");
	is_str(out, "abcd", "no rules: copied");
	is_int(remap_apply(NULL, "abcde", false, NULL, out, sizeof(out)),
	       REMAP_TOOLONG, "no rules: out too small");
	is_str(out, "", "out emptied");
	is_int(remap_apply(rm, "ab", false, NULL, out, sizeof(out)), REMAP_OK,
	       "grown name fits");
	is_str(out, "xxxx", "grown name");
	is_int(remap_apply(rm, "abc", false, NULL, out, sizeof(out)),
	       REMAP_TOOLONG, "grown name too long for out");
	memset(big, 'a', REMAP_NAME_MAX / 2);
	is_int(remap_apply(rm, big, false, NULL, out, sizeof(out)),
	       REMAP_TOOLONG, "grown past REMAP_NAME_MAX");
	memset(big, 'a', REMAP_NAME_MAX);
	is_int(remap_apply(NULL, big, false, NULL, out, sizeof(out)),
	       REMAP_TOOLONG, "name longer than REMAP_NAME_MAX");
	is_int(remap_apply(NULL, "", false, NULL, out, 0), REMAP_TOOLONG,
	       "outlen 0");
	remap_free(rm);
}

/* Every problem reported, one "LINE: message" a line. */
struct problems {
	char text[1024];
	size_t len;
	unsigned n;
};

static void collect(void *arg, unsigned line, const char *msg)
{
	struct problems *pr = arg;
	int n = snprintf(pr->text + pr->len, sizeof(pr->text) - pr->len,
			 "%u: %s\n", line, msg);

	if (n > 0 && (size_t)n < sizeof(pr->text) - pr->len)
		pr->len += (size_t)n;
	pr->n++;
}

static void test_every_problem(void)
{
	static const char rules[] =
		"r ^a$ b\n"          /* 1: good */
		"q x\n"              /* 2: unknown flag */
		"# comment\n"
		"r (open x\n"        /* 4: bad regex */
		"e ok\n"             /* 5: good */
		"r ^x$\n"            /* 6: no replacement */
		"e a b\n"            /* 7: replacement without r */
		"GP x\n"             /* 8: G and P */
		"e \\(\\)\n";          /* 9: good */
	struct problems pr = { .len = 0 };
	struct remap *rm = remap_parse_each(rules, sizeof(rules) - 1, collect,
					    &pr);

	ok(rm == NULL, "several bad lines: refused as a whole");
	is_int(pr.n, 5, "each of the five bad lines reported");
	ok(strncmp(pr.text, "2: unknown flag 'q'\n4: bad regular expression: ",
		   47) == 0, "line 2, then line 4");
	ok(strstr(pr.text, "\n6: flag 'r' needs a replacement\n"
			   "7: replacement without flag 'r'\n"
			   "8: flags 'G' and 'P' together match nothing\n") != NULL,
	   "then lines 6, 7 and 8, in order");
	pr = (struct problems){ .len = 0 };
	rm = remap_parse_each("x\n\ny\n", 5, collect, &pr);
	ok(rm == NULL && pr.n == 2, "two bad lines around a blank one");
	is_str(pr.text, "1: unknown flag 'x'\n3: unknown flag 'y'\n",
	       "lines 1 and 3");
	pr = (struct problems){ .len = 0 };
	rm = remap_parse_each("r a b\ne c\n", 10, collect, &pr);
	ok(rm != NULL && remap_count(rm) == 2 && pr.n == 0,
	   "good rules: nothing reported");
	remap_free(rm);
	ok(remap_parse_each("x\ny", 3, NULL, NULL) == NULL,
	   "bad lines without a report function");
	is_str(parse_error("e a\nq\nz"), "line 2: unknown flag 'q'",
	       "remap_parse keeps the first problem");
}

static void test_load(void)
{
	char path[] = "/tmp/tftpd_remap_XXXXXX";
	char want[300];
	const char *text = "# rules\nrg \\\\ /\nq x\n";
	struct problems pr = { .len = 0 };
	struct remap *rm;
	int fd = mkstemp(path);

	if (!ok(fd >= 0, "temporary file"))
		return;
	ok(write(fd, text, strlen(text)) == (ssize_t)strlen(text), "written");
	close(fd);
	ok(remap_load(AT_FDCWD, path, collect, &pr) == NULL, "load: parse error");
	is_str(pr.text, "3: unknown flag 'q'\n", "load: LINE: message");
	fd = open(path, O_WRONLY | O_TRUNC);
	ok(write(fd, text, 16) == 16, "rewritten");
	close(fd);
	pr = (struct problems){ .len = 0 };
	rm = remap_load(AT_FDCWD, path, collect, &pr);
	ok(rm != NULL && remap_count(rm) == 1, "load: one rule");
	remap_free(rm);
	unlink(path);
	ok(remap_load(AT_FDCWD, path, collect, &pr) == NULL, "load: missing file");
	snprintf(want, sizeof(want), "0: No such file or directory\n");
	is_str(pr.text, want, "load: line 0, why");
}

int main(void)
{
	set_peer(&peer4, AF_INET, "198.18.0.1");
	set_peer(&peer6, AF_INET6, "2001:db8::1");
	set_peer(&peer_mapped, AF_INET6, "::ffff:198.18.0.1");
	test_parse_errors();
	test_parse_edges();
	test_fields();
	test_rewrite();
	test_case();
	test_control();
	test_direction();
	test_invert();
	test_escapes();
	test_toolong();
	test_every_problem();
	test_load();
	return tap_done();
}
