/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { FILE_STEP = 65536 };

/* Grows *buf so that it has room for at least one more byte than need. */
static int grow(char **buf, size_t *cap, size_t need)
{
	size_t ncap = *cap ? *cap : FILE_STEP;
	char *nb;

	while (ncap <= need)
		ncap *= 2;
	if (*buf != NULL && ncap == *cap)
		return 0;
	nb = realloc(*buf, ncap);
	if (nb == NULL)
		return -ENOMEM;
	*buf = nb;
	*cap = ncap;
	return 0;
}

/* Reads fd to its end: no more than max bytes, one spare for the '\0'. */
static int read_to_end(int fd, size_t max, char **bufp, size_t *lenp)
{
	size_t len = 0, cap = 0;
	char *buf = NULL;
	struct stat st;
	int rc;

	/* Regular files: one read of the right size in the common case. */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (unsigned long long)st.st_size <= max)
		rc = grow(&buf, &cap, (size_t)st.st_size + 1);
	else
		rc = grow(&buf, &cap, 0);
	if (rc < 0)
		return rc;
	for (;;) {
		ssize_t n;

		if ((rc = grow(&buf, &cap, len + 1)) < 0)
			break;
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = n < 0 ? -errno : 0;
			break;
		}
		len += (size_t)n;
		if (len > max) {
			rc = -EFBIG;
			break;
		}
	}
	if (rc < 0) {
		free(buf);
		return rc;
	}
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	return 0;
}

int file_read(int dirfd, const char *path, size_t max, char **buf,
	      size_t *len)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	int rc;

	if (fd < 0)
		return -errno;
	rc = read_to_end(fd, max, buf, len);
	close(fd);
	return rc;
}

int file_parent_check(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 1;
	struct stat st;

	if (n >= sizeof(dir))
		return -ENAMETOOLONG;
	if (slash == NULL)
		memcpy(dir, ".", 1);
	else if (n == 0)
		memcpy(dir, "/", (n = 1));
	else
		memcpy(dir, path, n);
	dir[n] = '\0';
	if (stat(dir, &st) < 0)
		return -errno;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

unsigned file_parent_report(const char *opt, const char *path)
{
	int rc = path ? file_parent_check(path) : 0;

	if (rc == 0)
		return 0;
	fprintf(stderr, "%s %s: its directory: %s\n", opt, path, strerror(-rc));
	return 1;
}
