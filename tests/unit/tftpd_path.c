/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../tftpd/path.h"
#include "log.h"
#include "tap.h"

#define ROOTPATH "/srv/tftp"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* One cleaning case: input (a C string), expected rc and output. */
struct clean_case {
	const char *in;
	int rc;
	const char *out;
};

static const struct clean_case clean_cases[] = {
	{ "pxelinux.0", 0, "pxelinux.0" },
	{ "pxelinux.cfg/01-52-54-00-12-34-56", 0,
	  "pxelinux.cfg/01-52-54-00-12-34-56" },
	{ "\\Boot\\BCD", 0, "Boot/BCD" },
	{ "/Boot\\x64\\wdsnbp.com", 0, "Boot/x64/wdsnbp.com" },
	{ "Boot/x64\\\\/\\pxeboot.n12", 0, "Boot/x64/pxeboot.n12" },
	{ "/srv/tftp/pxelinux.0", 0, "pxelinux.0" },
	{ "\\srv\\tftp\\Boot\\BCD", 0, "Boot/BCD" },
	{ "/srv/tftp//a", 0, "a" },
	{ "/srv/tftpx/a", 0, "srv/tftpx/a" },
	{ "/srv/tftp", 0, "srv/tftp" },
	{ "srv/tftp/a", 0, "srv/tftp/a" },
	{ "/srv/tftp/srv/tftp/a", 0, "srv/tftp/a" },
	{ "//a//b", 0, "a/b" },
	{ "./a/./b", 0, "a/b" },
	{ "a/b/", 0, "a/b" },
	{ "/etc/passwd", 0, "etc/passwd" },
	{ "...", 0, "..." },
	{ "a/.../b", 0, "a/.../b" },
	{ "..a/b..", 0, "..a/b.." },
	{ ".hidden", 0, ".hidden" },
	{ "caf\xc3\xa9", 0, "caf\xc3\xa9" },
	{ "../etc/passwd", -EACCES, "" },
	{ "\\..\\..\\x", -EACCES, "" },
	{ "a/../../x", -EACCES, "" },
	{ "a/../b", -EACCES, "" },
	{ "a/..", -EACCES, "" },
	{ "..", -EACCES, "" },
	{ "/..", -EACCES, "" },
	{ "a\\..", -EACCES, "" },
	{ "/srv/tftp/../etc/passwd", -EACCES, "" },
	{ "a\nb", -EACCES, "" },
	{ "a\x1f", -EACCES, "" },
	{ "\tfile", -EACCES, "" },
	{ "", -ENOENT, "" },
	{ "/", -ENOENT, "" },
	{ "./", -ENOENT, "" },
	{ "\\.\\.\\", -ENOENT, "" },
	{ "/srv/tftp/", -ENOENT, "" },
};

static void test_clean_table(void)
{
	for (size_t i = 0; i < N_ELEMS(clean_cases); i++) {
		const struct clean_case *c = &clean_cases[i];
		char out[64] = "junk", name[LOG_ESCAPE_SIZE(32)];
		int rc = tftp_path_clean(c->in, strlen(c->in), ROOTPATH, out,
					 sizeof(out));

		/* Some inputs hold newlines: escaped, or TAP would break. */
		log_escape(name, sizeof(name), c->in, strlen(c->in));
		if (!ok(rc == c->rc && strcmp(out, c->out) == 0, "clean '%s'",
			name))
			diag("got %d '%s', want %d '%s'", rc, out, c->rc,
			     c->out);
	}
}

static void test_clean_rootpath(void)
{
	char out[64];

	is_int(tftp_path_clean("/srv/tftp/a", 11, NULL, out, sizeof(out)), 0,
	       "no rootpath: ok");
	is_str(out, "srv/tftp/a", "no rootpath: nothing stripped");
	tftp_path_clean("/srv/tftp/a", 11, "/srv/tftp/", out, sizeof(out));
	is_str(out, "a", "rootpath with trailing slash stripped");
	tftp_path_clean("/a/b", 4, "/", out, sizeof(out));
	is_str(out, "a/b", "rootpath / strips only the slash");
	tftp_path_clean("/srv/tftp/a", 11, "", out, sizeof(out));
	is_str(out, "srv/tftp/a", "empty rootpath strips nothing");
	tftp_path_clean("/SRV/TFTP/a", 11, ROOTPATH, out, sizeof(out));
	is_str(out, "SRV/TFTP/a", "rootpath compared with case");
}

static void test_clean_bytes(void)
{
	char out[64] = "junk";

	is_int(tftp_path_clean("a\0b", 3, ROOTPATH, out, sizeof(out)), -EACCES,
	       "embedded NUL refused");
	is_str(out, "", "out emptied on refusal");
	is_int(tftp_path_clean("abc\0", 4, ROOTPATH, out, sizeof(out)), -EACCES,
	       "trailing NUL inside len refused");
	is_int(tftp_path_clean("pxelinux.0", 3, ROOTPATH, out, sizeof(out)), 0,
	       "len shorter than the string");
	is_str(out, "pxe", "only len bytes used");
	is_int(tftp_path_clean("pxelinux.0", 0, ROOTPATH, out, sizeof(out)),
	       -ENOENT, "zero length is empty");
	is_int(tftp_path_clean(NULL, 5, ROOTPATH, out, sizeof(out)), -ENOENT,
	       "NULL name is empty");
	is_int(tftp_path_clean("a/..x/..", 6, ROOTPATH, out, sizeof(out)), 0,
	       "truncation before .. keeps ..x");
	is_str(out, "a/..x", "truncated name");
	is_int(tftp_path_clean("/srv/tftp/a", 10, ROOTPATH, out, sizeof(out)),
	       -ENOENT, "truncated to rootpath and slash");
}

static void test_clean_lengths(void)
{
	char big[600], out[8];

	is_int(tftp_path_clean("abcdefg", 7, NULL, out, 8), 0, "exact fit");
	is_str(out, "abcdefg", "exact fit output");
	is_int(tftp_path_clean("abcdefgh", 8, NULL, out, 8), -ENAMETOOLONG,
	       "one byte over");
	is_str(out, "", "out emptied when too long");
	is_int(tftp_path_clean("abc/defg", 8, NULL, out, 8), -ENAMETOOLONG,
	       "separator counts");
	is_int(tftp_path_clean("abc/abcdefgh/..", 15, NULL, out, 8), -EACCES,
	       ".. after overflow still refused");
	is_int(tftp_path_clean("a", 1, NULL, out, 0), -ENAMETOOLONG,
	       "outlen 0");
	is_int(tftp_path_clean("a", 1, NULL, out, 1), -ENAMETOOLONG,
	       "outlen 1");
	out[0] = 'x';
	is_int(tftp_path_clean("/", 1, NULL, out, 1), -ENOENT,
	       "empty result, outlen 1");
	is_str(out, "", "outlen 1 holds the NUL");
	is_int(tftp_path_clean("..", 2, NULL, out, 0), -EACCES,
	       "refusal with outlen 0");
	memset(big, 'a', sizeof(big));
	is_int(tftp_path_clean(big, sizeof(big), NULL, out, sizeof(out)),
	       -ENAMETOOLONG, "overlong name");
}

/* --- opening -------------------------------------------------------------- */

static char top[] = "/tmp/nb-tftpd-path-XXXXXX";
static int rootfd = -1;

static const char *at(const char *rel)
{
	static char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s", top, rel);
	return p;
}

static void put(const char *rel, const char *content)
{
	FILE *f = fopen(at(rel), "w");

	if (f == NULL || fputs(content, f) < 0 || fclose(f) != 0) {
		perror(at(rel));
		exit(1);
	}
}

static void must(int rc, const char *what)
{
	if (rc < 0) {
		perror(what);
		exit(1);
	}
}

/*
 * top/outside/secret     a file the server must never serve
 * top/root/...           the TFTP root
 */
static void make_tree(void)
{
	char target[PATH_MAX];

	if (mkdtemp(top) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
	must(mkdir(at("outside"), 0755), "outside");
	put("outside/secret", "secret\n");
	must(mkdir(at("root"), 0755), "root");
	must(mkdir(at("root/Boot"), 0755), "Boot");
	must(mkdir(at("root/Boot/x64"), 0755), "x64");
	put("root/pxelinux.0", "pxe\n");
	put("root/Boot/BCD", "bcd\n");
	put("root/Boot/x64/wdsnbp.com", "wds\n");
	put("root/Exact", "exact\n");
	put("root/exact", "lower\n");
	must(mkdir(at("root/Dup"), 0755), "Dup");
	put("root/Dup/ab", "ab\n");
	put("root/Dup/AB", "AB\n");
	put("root/dang", "dang\n");
	must(symlink("nowhere", at("root/Dang")), "Dang");
	must(symlink("pxelinux.0", at("root/link")), "link");
	must(symlink("../pxelinux.0", at("root/Boot/up")), "up");
	must(symlink("/etc/passwd", at("root/abs")), "abs");
	must(symlink("../../../etc/passwd", at("root/rel")), "rel");
	must(symlink("../outside", at("root/outdir")), "outdir");
	snprintf(target, sizeof(target), "%s", at("outside"));
	must(symlink(target, at("root/absdir")), "absdir");
	must(symlink("/proc/self/root/etc/passwd", at("root/proc")), "proc");
	rootfd = open(at("root"), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	must(rootfd, "open root");
	if (tftp_path_open(rootfd, "pxelinux.0", O_RDONLY, 0, false, NULL,
			   0) == -ENOSYS)
		diag("openat2(2) unavailable (kernel < 5.6, seccomp, valgrind):"
		     " the open tests below fail, as tftpd would");
}

static void rm(const char *rel)
{
	unlink(at(rel));
}

static void remove_tree(void)
{
	static const char *const files[] = {
		"outside/secret", "root/pxelinux.0", "root/Boot/BCD",
		"root/Boot/x64/wdsnbp.com", "root/Exact", "root/exact",
		"root/link", "root/Boot/up", "root/abs", "root/rel",
		"root/outdir", "root/absdir", "root/proc", "root/Boot/new.bin",
		"root/top.bin", "root/Dup/ab", "root/Dup/AB",
		"root/dang", "root/Dang",
	};
	static const char *const dirs[] = {
		"root/Boot/x64", "root/Boot", "root/Dup", "root", "outside", "",
	};

	close(rootfd);
	for (size_t i = 0; i < N_ELEMS(files); i++)
		rm(files[i]);
	for (size_t i = 0; i < N_ELEMS(dirs); i++)
		rmdir(at(dirs[i]));
}

/* Reads fd into buf as a string and closes it; returns "" on any failure. */
static const char *slurp(int fd, char *buf, size_t len)
{
	ssize_t n = fd >= 0 ? read(fd, buf, len - 1) : -1;

	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static const char *read_rel(const char *rel, bool nocase, char *actual)
{
	static char buf[64];
	int fd = tftp_path_open(rootfd, rel, O_RDONLY, 0, nocase, actual,
				actual ? PATH_MAX : 0);

	return slurp(fd, buf, sizeof(buf));
}

/* Opens rel for reading and returns the fd (closed) or -errno. */
static int try_open(const char *rel, bool nocase)
{
	int fd = tftp_path_open(rootfd, rel, O_RDONLY, 0, nocase, NULL, 0);

	if (fd >= 0)
		close(fd);
	return fd >= 0 ? 0 : fd;
}

static void test_open_inside(void)
{
	char actual[PATH_MAX] = "";

	is_str(read_rel("pxelinux.0", false, actual), "pxe\n", "plain file");
	is_str(actual, "pxelinux.0", "actual is rel");
	is_str(read_rel("Boot/x64/wdsnbp.com", false, NULL), "wds\n",
	       "file in subdirectory");
	is_str(read_rel("link", false, NULL), "pxe\n",
	       "symlink inside to a file inside");
	is_str(read_rel("Boot/up", false, NULL), "pxe\n",
	       "symlink with .. staying inside");
	is_int(try_open("missing", false), -ENOENT, "missing file");
	is_int(tftp_path_open(rootfd, "pxelinux.0", O_RDONLY, 0644, false,
			      NULL, 0) >= 0, 1, "mode ignored without O_CREAT");
}

static void test_open_escapes(void)
{
	is_int(try_open("abs", false), -EACCES, "absolute symlink refused");
	is_int(try_open("rel", false), -EACCES, "../../../etc/passwd symlink");
	is_int(try_open("outdir/secret", false), -EACCES,
	       "symlink to directory outside");
	is_int(try_open("outdir", false), -EACCES, "that directory itself");
	is_int(try_open("absdir/secret", false), -EACCES,
	       "absolute symlink to directory outside");
	is_int(try_open("proc", false), -EACCES, "symlink through /proc");
	is_int(try_open("../outside/secret", false), -EACCES,
	       "uncleaned .. caught by the kernel");
	is_int(try_open("Boot/../../outside/secret", false), -EACCES,
	       "uncleaned deeper ..");
	is_int(try_open("/etc/passwd", false), -EACCES,
	       "uncleaned absolute path");
	is_int(try_open("OUTDIR/secret", true), -EACCES,
	       "case fallback does not escape");
	is_int(try_open("ABS", true), -EACCES, "case fallback to abs refused");
	is_int(tftp_path_open(rootfd, "outdir/new", O_WRONLY | O_CREAT, 0644,
			      false, NULL, 0), -EACCES, "no create outside");
	ok(access(at("outside/new"), F_OK) != 0, "nothing created outside");
}

static void test_open_nocase(void)
{
	char actual[PATH_MAX] = "";
	const char *got;

	is_str(read_rel("BOOT/bcd", true, actual), "bcd\n",
	       "BOOT/bcd finds Boot/BCD");
	is_str(actual, "Boot/BCD", "actual path reported");
	is_int(try_open("BOOT/bcd", false), -ENOENT, "nocase off: not found");
	is_str(read_rel("boot/X64/WDSNBP.COM", true, actual), "wds\n",
	       "every component matched");
	is_str(actual, "Boot/x64/wdsnbp.com", "actual deep path");
	is_str(read_rel("Boot/x64/WdsNbp.Com", true, actual), "wds\n",
	       "only the last component differs");
	is_str(read_rel("Exact", true, actual), "exact\n", "exact match wins");
	is_str(read_rel("exact", true, actual), "lower\n",
	       "exact match wins (other case)");
	got = read_rel("EXACT", true, actual);
	ok((!strcmp(actual, "Exact") && !strcmp(got, "exact\n")) ||
	   (!strcmp(actual, "exact") && !strcmp(got, "lower\n")),
	   "ambiguous: one of the two, reported as opened");
	is_str(read_rel("DUP/AB", true, actual), "AB\n",
	   "after a case match, exact wins again");
	is_str(actual, "Dup/AB", "actual Dup/AB");
	is_str(read_rel("dup/ab", true, actual), "ab\n",
	   "after a case match, exact wins (other case)");
	is_str(actual, "Dup/ab", "actual Dup/ab");
	is_int(try_open("Dang", true), -ENOENT,
	       "exact dangling symlink wins over a case match");
	is_int(try_open("BOOT/none", true), -ENOENT, "no match in directory");
	is_int(try_open("NONE/bcd", true), -ENOENT, "no matching directory");
	is_int(tftp_path_open(rootfd, "BOOT/bcd", O_RDONLY, 0, true, actual, 8),
	       -ENAMETOOLONG, "actual too small");
}

static void test_open_create(void)
{
	char actual[PATH_MAX] = "";
	struct stat st;
	int fd;

	fd = tftp_path_open(rootfd, "BOOT/new.bin", O_WRONLY | O_CREAT | O_EXCL,
			    0640, true, actual, sizeof(actual));
	ok(fd >= 0, "create through a case-matched directory");
	if (fd >= 0)
		close(fd);
	is_str(actual, "Boot/new.bin", "created name kept as written");
	ok(stat(at("root/Boot/new.bin"), &st) == 0 && S_ISREG(st.st_mode),
	   "file exists in Boot");
	is_int(tftp_path_open(rootfd, "boot/NEW.BIN",
			      O_WRONLY | O_CREAT | O_EXCL, 0640, true, NULL, 0),
	       -EEXIST,
	       "O_EXCL finds the case match");
	is_int(tftp_path_open(rootfd, "NONE/x", O_WRONLY | O_CREAT, 0640, true,
			      NULL, 0), -ENOENT, "create in missing directory");
}

static bool same_dir(int fd, const char *rel)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat(at(rel), &b) == 0 &&
	       S_ISDIR(a.st_mode) && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

static void test_open_parent(void)
{
	char base[NAME_MAX + 1];
	int fd;

	fd = tftp_path_open_parent(rootfd, "Boot/new.wim", false, base,
				   sizeof(base));
	ok(fd >= 0 && same_dir(fd, "root/Boot"), "parent of Boot/new.wim");
	is_str(base, "new.wim", "base of Boot/new.wim");
	if (fd >= 0)
		close(fd);
	fd = tftp_path_open_parent(rootfd, "BOOT/X64/new.wim", true, base,
				   sizeof(base));
	ok(fd >= 0 && same_dir(fd, "root/Boot/x64"), "parent matched by case");
	if (fd >= 0)
		close(fd);
	fd = tftp_path_open_parent(rootfd, "top.bin", false, base,
				   sizeof(base));
	ok(fd >= 0 && same_dir(fd, "root"), "parent of a top-level name");
	is_str(base, "top.bin", "base of a top-level name");
	if (fd >= 0) {
		int f = openat(fd, base, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

		ok(f >= 0, "create beside through the parent fd");
		if (f >= 0)
			close(f);
		close(fd);
	}
	is_int(tftp_path_open_parent(rootfd, "missing/x.bin", false, base,
				     sizeof(base)), -ENOENT, "missing parent");
	is_int(tftp_path_open_parent(rootfd, "missing/x.bin", true, base,
				     sizeof(base)), -ENOENT,
	       "missing parent, nocase");
	is_int(tftp_path_open_parent(rootfd, "outdir/x", true, base,
				     sizeof(base)), -EACCES, "parent outside");
	is_int(tftp_path_open_parent(rootfd, "Boot/..", false, base,
				     sizeof(base)), -EACCES, "base ..");
	is_int(tftp_path_open_parent(rootfd, "Boot/", false, base,
				     sizeof(base)), -ENOENT, "empty base");
	is_int(tftp_path_open_parent(rootfd, "Boot/new.wim", false, base, 7),
	       -ENAMETOOLONG, "base too small");
}

/* What the server does: clean the client's name, then open it. */
static void test_pipeline(void)
{
	char rel[PATH_MAX], actual[PATH_MAX] = "";
	static const char req[] = "\\boot\\bcd";

	is_int(tftp_path_clean(req, sizeof(req) - 1, ROOTPATH, rel,
			       sizeof(rel)), 0, "bootmgr name cleaned");
	is_str(read_rel(rel, true, actual), "bcd\n", "and found");
	is_str(actual, "Boot/BCD", "as Boot/BCD");
}

int main(void)
{
	test_clean_table();
	test_clean_rootpath();
	test_clean_bytes();
	test_clean_lengths();
	make_tree();
	test_open_inside();
	test_open_escapes();
	test_open_nocase();
	test_open_create();
	test_open_parent();
	test_pipeline();
	remove_tree();
	return tap_done();
}
