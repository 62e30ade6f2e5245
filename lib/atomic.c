/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* fsync the directory holding path so the rename itself is durable. */
static int sync_parent(const char *path)
{
	char copy[PATH_MAX];
	int fd, rc = 0;

	snprintf(copy, sizeof(copy), "%s", path);
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

int atomic_begin(struct atomic_file *af, const char *path, mode_t mode)
{
	int n;

	af->fd = -1;
	af->tmp[0] = '\0';
	n = snprintf(af->path, sizeof(af->path), "%s", path);
	if (n < 0 || (size_t)n >= sizeof(af->path))
		return -ENAMETOOLONG;
	n = snprintf(af->tmp, sizeof(af->tmp), "%s.tmpXXXXXX", path);
	if (n < 0 || (size_t)n >= sizeof(af->tmp)) {
		af->tmp[0] = '\0';
		return -ENAMETOOLONG;
	}
	af->fd = mkostemp(af->tmp, O_CLOEXEC);
	if (af->fd < 0) {
		int err = errno;

		af->tmp[0] = '\0';
		return -err;
	}
	if (fchmod(af->fd, mode) < 0) {
		int err = errno;

		atomic_abort(af);
		return -err;
	}
	return 0;
}

int atomic_commit(struct atomic_file *af)
{
	int rc = 0;

	if (af->fd < 0)
		return -EBADF;
	if (fsync(af->fd) < 0)
		rc = -errno;
	if (close(af->fd) < 0 && rc == 0)
		rc = -errno;
	af->fd = -1;
	if (rc == 0 && rename(af->tmp, af->path) < 0)
		rc = -errno;
	if (rc < 0) {
		atomic_abort(af);
		return rc;
	}
	af->tmp[0] = '\0';
	return sync_parent(af->path);
}

void atomic_abort(struct atomic_file *af)
{
	if (af->fd >= 0)
		close(af->fd);
	af->fd = -1;
	if (af->tmp[0] != '\0')
		unlink(af->tmp);
	af->tmp[0] = '\0';
}

int atomic_write(const char *path, const void *buf, size_t len, mode_t mode)
{
	struct atomic_file af;
	int rc = atomic_begin(&af, path, mode);

	if (rc < 0)
		return rc;
	rc = write_all(af.fd, buf, len);
	if (rc < 0) {
		atomic_abort(&af);
		return rc;
	}
	return atomic_commit(&af);
}
