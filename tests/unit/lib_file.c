/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "file.h"
#include "tap.h"

static char dir[] = "/tmp/nb-file-XXXXXX";

static void put(const char *name, const char *data, size_t len)
{
	char p[256];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0) {
		if (write(fd, data, len) != (ssize_t)len)
			perror("write");
		close(fd);
	}
}

int main(void)
{
	char *buf = NULL, *big;
	size_t len = 99;
	int dfd;

	if (mkdtemp(dir) == NULL)
		return 1;
	dfd = open(dir, O_RDONLY | O_DIRECTORY);

	put("empty", "", 0);
	tap_ok(file_read(dfd, "empty", 10, &buf, &len) == 0 && len == 0 &&
		       buf[0] == '\0', "an empty file reads as \"\" of length 0");
	free(buf);

	put("text", "a b\nc", 5);
	tap_ok(file_read(dfd, "text", 5, &buf, &len) == 0 && len == 5 &&
		       strcmp(buf, "a b\nc") == 0,
	       "a file of exactly max bytes is read whole, '\\0' after it");
	free(buf);
	buf = NULL;
	tap_ok(file_read(dfd, "text", 4, &buf, &len) == -EFBIG && buf == NULL,
	       "one byte over max is refused with EFBIG");
	tap_ok(file_read(dfd, "missing", 4, &buf, &len) == -ENOENT,
	       "a missing file gives -ENOENT");
	tap_ok(file_read(dfd, ".", 4, &buf, &len) == -EISDIR,
	       "a directory gives -EISDIR");

	big = malloc(300000);
	for (size_t i = 0; i < 300000; i++)
		big[i] = (char)('a' + i % 26);
	put("big", big, 300000);
	tap_ok(file_read(dfd, "big", 1u << 20, &buf, &len) == 0 &&
		       len == 300000 && memcmp(buf, big, len) == 0,
	       "a file larger than one read step arrives whole");
	free(buf);
	tap_ok(file_read(AT_FDCWD, "/proc/self/stat", 1u << 16, &buf, &len) ==
			       0 && len > 0 && strlen(buf) == len,
	       "a /proc file (size 0 to stat) is read to its end");
	free(buf);
	free(big);

	{
		char p[300];

		snprintf(p, sizeof(p), "%s/metrics.prom", dir);
		tap_ok(file_parent_check(p) == 0, "a file in an existing directory");
		tap_ok(file_parent_check("relative.pid") == 0,
		       "a bare name: its directory is the current one");
		tap_ok(file_parent_check("/x.pid") == 0, "a file in /");
		snprintf(p, sizeof(p), "%s/nowhere/x.pid", dir);
		tap_ok(file_parent_check(p) == -ENOENT, "a missing directory: -ENOENT");
		snprintf(p, sizeof(p), "%s/big/x.pid", dir);
		tap_ok(file_parent_check(p) == -ENOTDIR,
		       "a file where the directory should be: -ENOTDIR");
		tap_ok(file_parent_report("-P", NULL) == 0, "no path: no problem");
		tap_ok(file_parent_report("-P", p) == 1, "a problem is counted once");
	}

	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			perror(cmd);
	}
	close(dfd);
	return tap_done();
}
