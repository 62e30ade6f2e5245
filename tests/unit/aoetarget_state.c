/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Persisted target state: format/parse round trips, corrupt files
 * reported by line and ignored, atomic save and load; config file lines,
 * every problem of a config file reported with its line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../aoetarget/conf.h"
#include "../../aoetarget/state.h"
#include "log.h"
#include "tap.h"

#define PARSE(lit, st, why) \
	aoe_state_parse((lit), sizeof(lit) - 1, (st), (why))

static void fill(struct aoe_state *st)
{
	memset(st, 0, sizeof(*st));
	memcpy(st->cfg, "a\0b\xff config", 12);
	st->cfglen = 12;
	for (unsigned i = 0; i < 3; i++) {
		uint8_t m[6] = { 0x02, 0, 0, 0, 1, (uint8_t)i };

		memcpy(st->mask[st->nmask++], m, 6);
		m[4] = 2;
		memcpy(st->resv[st->nresv++], m, 6);
	}
}

static int same(const struct aoe_state *a, const struct aoe_state *b)
{
	return a->cfglen == b->cfglen &&
	       memcmp(a->cfg, b->cfg, a->cfglen) == 0 &&
	       a->nmask == b->nmask && a->nresv == b->nresv &&
	       memcmp(a->mask, b->mask, a->nmask * 6) == 0 &&
	       memcmp(a->resv, b->resv, a->nresv * 6) == 0;
}

static void test_round_trip(void)
{
	struct aoe_state a, b;
	char buf[AOE_STATE_MAX];
	const char *why;
	size_t n;

	fill(&a);
	n = aoe_state_format(&a, buf, sizeof(buf));
	ok(n > 0, "format");
	is_int(aoe_state_parse(buf, n, &b, &why), 0, "parse what was formatted");
	ok(same(&a, &b), "round trip keeps string and lists");

	memset(&a, 0, sizeof(a));
	memset(a.cfg, 0xab, AOE_CFG_MAX);
	a.cfglen = AOE_CFG_MAX;
	for (unsigned i = 0; i < AOE_LIST_MAX; i++) {
		uint8_t m[6] = { 0x02, 0xaa, 0xbb, 0xcc, 1, (uint8_t)i };

		memcpy(a.mask[i], m, 6);
		m[4] = 2;
		memcpy(a.resv[i], m, 6);
	}
	a.nmask = a.nresv = AOE_LIST_MAX;
	n = aoe_state_format(&a, buf, sizeof(buf));
	ok(n > 0, "the largest state fits AOE_STATE_MAX");
	ok(aoe_state_parse(buf, n, &b, &why) == 0 && same(&a, &b),
	   "the largest state round-trips");
	is_int(aoe_state_format(&a, buf, 100), 0, "a small buffer: 0");

	memset(&a, 0, sizeof(a));
	n = aoe_state_format(&a, buf, sizeof(buf));
	ok(aoe_state_parse(buf, n, &b, &why) == 0 && same(&a, &b),
	   "the empty state round-trips");
}

static void test_corrupt(void)
{
	struct aoe_state st;
	const char *why;

	is_int(PARSE("", &st, &why), 1, "empty file: line 1");
	is_int(PARSE("hello\n", &st, &why), 1, "wrong magic: line 1");
	is_int(PARSE("aoetarget-state 1\nconfig 6\n", &st, &why), 2,
	       "odd hex: line 2");
	is_int(PARSE("aoetarget-state 1\nconfig 0x\n", &st, &why), 2,
	       "0x is not two hex digits");
	is_int(PARSE("aoetarget-state 1\n# c\n\nmask zz\n", &st, &why), 4,
	       "a bad MAC: its line");
	ok(why && why[0], "with a reason");
	is_int(PARSE("aoetarget-state 1\nmask 02:00:00:00:00:01\n"
		     "mask 02:00:00:00:00:01\n", &st, &why), 3,
	       "a MAC twice: line 3");
	is_int(PARSE("aoetarget-state 1\nbogus 1\n", &st, &why), 2,
	       "unknown keyword");
	is_int(PARSE("aoetarget-state 1\nconfig 41\nconfig 42\n", &st, &why),
	       3, "config twice");
	is_int(st.cfglen, 0, "a corrupt file leaves the state empty");
	is_int(PARSE("aoetarget-state 1\nconfig 4142\nreserve 0200000000ff",
		     &st, &why), 0, "no final newline is fine");
	ok(st.cfglen == 2 && st.nresv == 1 && st.resv[0][5] == 0xff,
	   "and is parsed");
}

static void write_file(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(s, f);
		fclose(f);
	}
}

static void test_files(void)
{
	char dir[] = "/tmp/aoetarget-unit-XXXXXX";
	char path[300];
	struct aoe_state a, b;

	if (mkdtemp(dir) == NULL) {
		ok(0, "mkdtemp");
		return;
	}
	is_int(aoe_state_path(path, sizeof(path), dir, 3, 7, "eth0"), 0,
	       "state path");
	ok(strstr(path, "/e3.7-eth0") != NULL, "named e3.7-eth0");
	is_int(aoe_state_path(path, 10, dir, 3, 7, "eth0"), -ENAMETOOLONG,
	       "a path that does not fit");
	aoe_state_path(path, sizeof(path), dir, 3, 7, "eth0");
	memset(&b, 0, sizeof(b));
	is_int(aoe_state_load(path, &b), 0, "no file: 0");
	fill(&a);
	is_int(aoe_state_save(path, &a), 0, "save");
	ok(aoe_state_load(path, &b) == 1 && same(&a, &b), "load what was saved");

	write_file(path, "aoetarget-state 1\nmask nonsense\n");
	fill(&b);
	is_int(aoe_state_load(path, &b), -1, "a corrupt file: -1");
	ok(same(&a, &b), "and the state is left as it was");
	unlink(path);
	rmdir(dir);
}

/* --overlay and --overlay-reset on a line; what a reload compares. */
static void test_conf_overlay(void)
{
	struct tgt_raw def;
	struct tgt_conf a, b;
	char err[256];

	memset(&def, 0, sizeof(def));
	is_int(tgt_conf_line("1 2 eth0 /srv/base.img --overlay /var/ov "
			     "--overlay-reset", &def, &a, err, sizeof(err)), 1,
	       "--overlay DIR --overlay-reset");
	ok(a.overlay && strcmp(a.overlay, "/var/ov") == 0 && a.overlay_reset,
	   "... both kept");
	is_int(tgt_conf_line("1 2 eth0 /srv/base.img --overlay /var/ov "
			     "--overlay-reset", &def, &b, err, sizeof(err)), 1,
	       "the same line again");
	ok(tgt_conf_same(&a, &b), "two equal lines serve alike");
	tgt_conf_free(&b);
	is_int(tgt_conf_line("1 2 eth0 /srv/base.img --overlay /var/ov2 "
			     "--overlay-reset", &def, &b, err, sizeof(err)), 1,
	       "another overlay directory");
	ok(!tgt_conf_same(&a, &b), "... is a change");
	tgt_conf_free(&b);
	is_int(tgt_conf_line("1 2 eth0 /srv/base.img -b 8", &def, &b, err,
			     sizeof(err)), 1, "no overlay, another -b");
	ok(!tgt_conf_same(&a, &b) && b.overlay == NULL, "... is a change");
	tgt_conf_free(&b);
	tgt_conf_free(&a);
	is_int(tgt_conf_line("1 2 eth0 f --overlay d -r", &def, &a, err,
			     sizeof(err)), -1, "--overlay with -r: error");
	is_str(err, "--overlay and -r contradict each other", "... saying so");
	is_int(tgt_conf_line("1 2 eth0 f --overlay d -s", &def, &a, err,
			     sizeof(err)), -1, "--overlay with -s: error");
	is_int(tgt_conf_line("1 2 eth0 f --overlay-reset", &def, &a, err,
			     sizeof(err)), -1, "--overlay-reset alone: error");
	is_str(err, "--overlay-reset without --overlay", "... saying so");
	is_int(tgt_conf_line("1 2 eth0 f --overlay ''", &def, &a, err,
			     sizeof(err)), -1, "an empty directory name: error");
}

static void shared_report(void *arg, unsigned line, const char *msg)
{
	if (line == 2)
		snprintf(arg, 256, "%s", msg);
}

static void test_conf_overlay_shared(void)
{
	static const char text[] = "1 1 eth0 a.img --overlay /ov\n"
				   "1 2 eth0 b.img --overlay /ov\n";
	struct tgt_raw def;
	struct tgt_conf_file f;
	char msg[256] = "";

	memset(&def, 0, sizeof(def));
	tgt_conf_parse(text, sizeof(text) - 1, &def, shared_report, msg, &f);
	is_int(f.ntgts, 1, "two targets in one overlay directory: one kept");
	is_str(msg, "--overlay /ov: already used on line 1 (one directory "
		    "per target)", "... the second line says why");
	tgt_conf_file_free(&f);
}

static void test_conf_lines(void)
{
	struct tgt_raw def;
	struct tgt_conf tc;
	char err[256];

	memset(&def, 0, sizeof(def));
	is_int(tgt_conf_line("   ", &def, &tc, err, sizeof(err)), 0,
	       "blank line");
	is_int(tgt_conf_line("1 2 eth0 /tmp/disk -r -b 32 -o 8 -l 100 "
			     "-m 02:00:00:00:00:01,020000000002",
			     &def, &tc, err, sizeof(err)), 1, "a full line");
	ok(tc.shelf == 1 && tc.slot == 2 && strcmp(tc.netif, "eth0") == 0 &&
		   strcmp(tc.file, "/tmp/disk") == 0,
	   "positional arguments");
	ok(tc.dopts.readonly && tc.bufcnt == 32 && tc.dopts.offset == 8 &&
		   tc.dopts.length == 100 && tc.nmask == 2,
	   "options");
	tgt_conf_free(&tc);

	def.bufcnt = (char *)(uintptr_t)"64";
	def.sync = 1;
	is_int(tgt_conf_line("4 5 eth1 '/tmp/with space' --direct", &def, &tc,
			     err, sizeof(err)), 1, "long option, quoted file");
	ok(tc.bufcnt == 64 && tc.dopts.sync && tc.dopts.direct &&
		   strcmp(tc.file, "/tmp/with space") == 0,
	   "command line options are defaults");
	tgt_conf_free(&tc);

	is_int(tgt_conf_line("1 2 eth0", &def, &tc, err, sizeof(err)), -1,
	       "three arguments: error");
	ok(strstr(err, "got 3") != NULL, "saying how many");
	is_int(tgt_conf_line("65535 2 eth0 f", &def, &tc, err, sizeof(err)),
	       -1, "shelf 65535: error");
	is_int(tgt_conf_line("1 255 eth0 f", &def, &tc, err, sizeof(err)), -1,
	       "slot 255: error");
	is_int(tgt_conf_line("1 2 eth0 f -x", &def, &tc, err, sizeof(err)), -1,
	       "unknown option: error");
	is_int(tgt_conf_line("1 2 eth0 f -m 02:00", &def, &tc, err,
			     sizeof(err)), -1, "bad MAC: error");
	is_int(tgt_conf_line("1 2 eth0 f -b 0", &def, &tc, err, sizeof(err)),
	       -1, "bufcnt 0: error");
	is_int(tgt_conf_line("1 2 averyveryverylongname f", &def, &tc, err,
			     sizeof(err)), -1, "interface name too long");
}

static void test_conf_file(void)
{
	char path[] = "/tmp/aoetarget-conf-XXXXXX";
	int fd = mkstemp(path);
	struct tgt_raw def;
	struct tgt_conf_file f;

	memset(&def, 0, sizeof(def));
	if (fd < 0) {
		ok(0, "mkstemp");
		return;
	}
	close(fd);
	write_file(path, "# targets\n1 0 eth0 /a  # first\n\n2 1 eth1 /b -r\n");
	is_int(tgt_conf_load(path, &def, false, &f), 0, "a good file: 0");
	is_int((int)f.ntgts, 2, "two targets");
	if (f.ntgts == 2)
		ok(f.tgts[0].shelf == 1 && strcmp(f.tgts[0].file, "/a") == 0 &&
			   f.tgts[1].dopts.readonly,
		   "in order, comments stripped");
	ok(f.ntgts == 2 && f.tgts[0].line == 2 && f.tgts[1].line == 4,
	   "each target knows its line");
	tgt_conf_file_free(&f);
	write_file(path, "1 0 eth0 /a\n1 x eth0 /a\n");
	is_int(tgt_conf_load(path, &def, false, &f), -1, "a bad line: -1");
	ok(f.problems == 1 && f.ntgts == 1, "the good line's target is kept");
	tgt_conf_file_free(&f);
	write_file(path, "# nothing\n");
	is_int(tgt_conf_load(path, &def, false, &f), -1, "no targets: -1");
	unlink(path);
	is_int(tgt_conf_load(path, &def, false, &f), -1, "no file: -1");
	is_int((int)f.problems, 1, "no file: one problem");
}

/* What tgt_conf_parse reported: "t.conf[:LINE]: message" lines. */
struct reported {
	char text[4096];
	size_t len;
	unsigned n;
};

static void collect(void *arg, unsigned line, const char *msg)
{
	struct reported *r = arg;
	char where[16] = "";

	if (line)
		snprintf(where, sizeof(where), ":%u", line);
	r->len += (size_t)snprintf(r->text + r->len, sizeof(r->text) - r->len,
				   "t.conf%s: %s\n", where, msg);
	if (r->len >= sizeof(r->text))
		r->len = sizeof(r->text) - 1;
	r->n++;
}

/*
 * tgt_conf_parse over a buffer: the count of targets when nothing was
 * reported, else -1 with the first report checked against want.
 */
static int conf_parse(const char *buf, size_t len, const char *want,
		      const char *desc)
{
	struct tgt_raw def;
	struct tgt_conf_file f;
	struct reported r = { .len = 0 };
	int n;

	memset(&def, 0, sizeof(def));
	tgt_conf_parse(buf, len, &def, collect, &r, &f);
	n = f.problems ? -1 : (int)f.ntgts;
	if (want)
		ok(n == -1 && r.n == f.problems && strstr(r.text, want) == r.text,
		   "%s: %.*s", desc, (int)strcspn(r.text, "\n"), r.text);
	tgt_conf_file_free(&f);
	return n;
}

/* Every problem of a file is reported with its line; good lines are kept. */
static void test_conf_problems(void)
{
	static char buf[8192];
	static const char *const want[] = {
		"t.conf:2: slot 'x': ",
		"t.conf:3: -b '0': ",
		"t.conf:4: e1.0 on eth0: already given on line 1",
		"t.conf:6: line too long",
		"t.conf:7: a NUL byte in the line",
		"t.conf:8: expected shelf slot netif file [options], got 3 ",
	};
	struct tgt_raw def;
	struct tgt_conf_file f;
	struct reported r = { .len = 0 };
	const char *line = r.text;
	size_t len = 0;

	memset(&def, 0, sizeof(def));
	len += (size_t)sprintf(buf, "1 0 eth0 /a\n1 x eth0 /a\n"
			       "2 0 eth0 /b -b 0\n1 0 eth0 /c\n1 0 eth1 /c\n");
	memset(buf + len, 'x', 5000);
	len += 5000;
	buf[len++] = '\n';
	memcpy(buf + len, "3 0 eth0 /d\0\n3 1 eth0\n4 0 eth0 /e", 33);
	len += 33;
	tgt_conf_parse(buf, len, &def, collect, &r, &f);
	is_int((int)f.problems, 6, "six bad lines, six problems");
	is_int((int)r.n, 6, "each reported once");
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		ok(strncmp(line, want[i], strlen(want[i])) == 0,
		   "in line order: %s", want[i]);
		line = strchr(line, '\n');
		line = line ? line + 1 : "";
	}
	is_int((int)f.ntgts, 3, "the three good lines give targets");
	ok(f.ntgts == 3 && f.tgts[0].line == 1 && f.tgts[1].line == 5 &&
		   f.tgts[2].line == 9 && strcmp(f.tgts[1].netif, "eth1") == 0,
	   "with their lines; the same address on another interface is fine");
	tgt_conf_file_free(&f);

	r = (struct reported){ .len = 0 };
	tgt_conf_parse("1 x e f\n1\n", 10, &def, collect, &r, &f);
	ok(f.problems == 2 && f.ntgts == 0 && strstr(r.text, "no targets") == NULL,
	   "only bad lines: their problems, no \"no targets\" besides");
	tgt_conf_file_free(&f);
}

static void test_conf_parse(void)
{
	static char big[6000];
	static const char nul[] = "1 0 eth0 /a\n2 0 eth0 /b\0c\n";

	is_int(conf_parse("1 0 eth0 /a", 11, NULL, ""), 1,
	       "the last line needs no newline");
	is_int(conf_parse("1 0 eth0 /a\r\n2 0 eth0 /b -r\r\n", 29, NULL, ""),
	       2, "CRLF line ends");
	is_int(conf_parse("1 0 eth0 /a\n1 0 eth0 /a", 10, NULL, ""), 1,
	       "a buffer cut inside the first line still parses what it holds");
	conf_parse("1 0 eth0 /a\n\n1 x eth0 /a\n", 26, "t.conf:3: ",
		   "a bad slot names FILE:LINE");
	conf_parse("1 0 eth0 /a\n1 0 eth0", 20, "t.conf:2: ",
		   "a truncated last line names its line");
	conf_parse("# only\n\n", 8, "t.conf: no targets", "no targets");
	conf_parse("", 0, "t.conf: no targets", "an empty buffer");
	conf_parse(nul, sizeof(nul) - 1, "t.conf:2: a NUL byte",
		   "a NUL byte is refused");
	memset(big, 'x', sizeof(big));
	memcpy(big, "1 0 eth0 /", 10);
	conf_parse(big, sizeof(big), "t.conf:1: line too long",
		   "an oversize line is refused");
	conf_parse("1 0 eth0 /a 'unterminated\n", 26, "t.conf:1: ",
		   "an unterminated quote");
}

int main(void)
{
	log_open("aoetarget_state", LOG_TO_STDERR, LOG_DAEMON);
	test_round_trip();
	test_corrupt();
	test_files();
	test_conf_lines();
	test_conf_overlay();
	test_conf_overlay_shared();
	test_conf_file();
	test_conf_parse();
	test_conf_problems();
	return tap_done();
}
