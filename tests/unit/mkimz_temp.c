/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mkimz's output temporaries: which names are whose, begin/commit/abort,
 * commit without replacing, and the removal of a stale one. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../mkimz/temp.h"
#include "tap.h"

static char dir[] = "/tmp/mkimz_temp.XXXXXX";

static const char *at(const char *name)
{
	static char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return p;
}

static int exists(const char *name)
{
	struct stat st;

	return !lstat(at(name), &st);
}

static void test_owner(void)
{
	static const struct {
		const char *entry;
		pid_t want;
	} t[] = {
		{ ".out.imz.tmp1234.abcDEF", 1234 },
		{ ".out.imz.tmp1.zzzzzz", 1 },
		{ "out.imz.tmp1234.abcdef", 0 },	/* not hidden */
		{ ".out.imz.tmp0.abcdef", 0 },
		{ ".out.imz.tmp01.abcdef", 0 },
		{ ".out.imz.tmp.abcdef", 0 },
		{ ".out.imz.tmp12.abcde", 0 },		/* 5 characters */
		{ ".out.imz.tmp12.abcdefg", 0 },
		{ ".out.imz.tmp12x.abcdef", 0 },
		{ ".out.imz.tmp99999999999.abcdef", 0 },
		{ ".out.imzz.tmp12.abcdef", 0 },	/* another output */
		{ ".out.chk.tmp12.abcdef", 0 },
		{ ".out.imz", 0 },
		{ ".", 0 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		is_int(imz_temp_owner(t[i].entry, "out.imz"), t[i].want,
		       t[i].entry);
}

/* The one hidden entry in dir, or "" */
static const char *hidden(void)
{
	static char name[NAME_MAX + 1];
	char cmd[PATH_MAX + 64];
	FILE *f;

	snprintf(cmd, sizeof(cmd), "ls -A %s | grep '^\\.' | head -1", dir);
	name[0] = '\0';
	f = popen(cmd, "r");
	if (f && fgets(name, sizeof(name), f))
		name[strcspn(name, "\n")] = '\0';
	if (f)
		pclose(f);
	return name;
}

static void test_cycle(void)
{
	struct imz_temp t;
	char want[64];
	struct stat st;

	is_int(imz_temp_begin(&t, at("a.imz"), 0640), 0, "begin");
	snprintf(want, sizeof(want), ".a.imz.tmp%ld.", (long)getpid());
	ok(!strncmp(hidden(), want, strlen(want)), "temporary named %s*",
	   want);
	ok(!stat(t.af.tmp, &st) && (st.st_mode & 0777) == 0640,
	   "mode exactly 0640");
	is_int(write(t.af.fd, "x", 1), 1, "written");
	is_int(imz_temp_commit(&t, false), 0, "commit");
	ok(exists("a.imz") && !hidden()[0], "renamed, no temporary left");

	is_int(imz_temp_begin(&t, at("a.imz"), 0644), 0, "begin again");
	is_int(imz_temp_commit(&t, true), -EEXIST,
	       "commit without replacing an existing file: -EEXIST");
	ok(!hidden()[0], "and the temporary is gone");

	is_int(imz_temp_begin(&t, at("b.img"), 0644), 0, "begin b.img");
	imz_temp_abort(&t);
	ok(!exists("b.img") && !hidden()[0], "abort leaves nothing");
	imz_temp_abort(&t);
	ok(1, "a second abort is harmless");
}

static void test_clean(void)
{
	char gone[64], live[64];
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	snprintf(gone, sizeof(gone), ".c.imz.tmp%ld.abcdef", (long)pid);
	snprintf(live, sizeof(live), ".c.imz.tmp%ld.abcdef", (long)getppid());
	fclose(fopen(at(gone), "w"));
	fclose(fopen(at(live), "w"));
	fclose(fopen(at(".c.imz.tmpX.abcdef"), "w"));
	imz_temp_clean(at("c.imz"));
	ok(!exists(gone), "a temporary of a process that is gone: removed");
	ok(exists(live), "one of a live process: kept");
	ok(exists(".c.imz.tmpX.abcdef"), "a name that is not ours: kept");
	unlink(at(live));
	unlink(at(".c.imz.tmpX.abcdef"));
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	test_owner();
	test_cycle();
	test_clean();
	unlink(at("a.imz"));
	rmdir(dir);
	return tap_done();
}
