/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "tap.h"

static char dir[] = "/tmp/nb-atomic-XXXXXX";

static char *path_in(const char *name)
{
	static char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return p;
}

static int read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return (int)n;
}

/* Entries in dir other than . and .. */
static int count_entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	if (d)
		closedir(d);
	return n;
}

static void test_write(void)
{
	char buf[64];
	struct stat st;
	char *p = path_in("cfg");

	is_int(atomic_write(p, "old\n", 4, 0640), 0, "first write");
	read_file(p, buf, sizeof(buf));
	is_str(buf, "old\n", "content written");
	is_int(atomic_write(p, "new\n", 4, 0644), 0, "replace");
	read_file(p, buf, sizeof(buf));
	is_str(buf, "new\n", "content replaced");
	ok(stat(p, &st) == 0 && (st.st_mode & 07777) == 0644, "mode applied");
	is_int(count_entries(), 1, "no temporary left behind");
}

static void test_abort(void)
{
	struct atomic_file af;
	char buf[64];
	char *p = path_in("cfg");

	is_int(atomic_begin(&af, p, 0644), 0, "begin");
	ok(write_all(af.fd, "half", 4) == 0, "write to temporary");
	read_file(p, buf, sizeof(buf));
	is_str(buf, "new\n", "target unchanged before commit");
	atomic_abort(&af);
	read_file(p, buf, sizeof(buf));
	is_str(buf, "new\n", "target unchanged after abort");
	is_int(count_entries(), 1, "temporary removed on abort");
	atomic_abort(&af); /* twice is harmless */
	ok(1, "second abort is harmless");
}

static void test_errors(void)
{
	struct atomic_file af;
	char longname[PATH_MAX + 10];

	ok(atomic_write("/nonexistent-dir/x", "x", 1, 0644) == -ENOENT,
	   "missing directory reported as -ENOENT");
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	ok(atomic_begin(&af, longname, 0644) == -ENAMETOOLONG,
	   "overlong path refused");
	atomic_abort(&af);
	is_int(atomic_commit(&af), -EBADF, "commit without begin");
	/* rename over a directory fails: temporary must not linger. */
	mkdir(path_in("sub"), 0755);
	ok(atomic_write(path_in("sub"), "x", 1, 0644) < 0,
	   "replacing a directory fails");
	is_int(count_entries(), 2, "and leaves no temporary");
	rmdir(path_in("sub"));
}

int main(void)
{
	if (mkdtemp(dir) == NULL) {
		printf("1..0 # SKIP no temporary directory\n");
		return 0;
	}
	test_write();
	test_abort();
	test_errors();
	unlink(path_in("cfg"));
	rmdir(dir);
	return tap_done();
}
