/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "disk.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "aoe.h"

#define BOUNCE_LEN (255 * ATA_SECTOR)

static int disk_size(int fd, uint64_t *bytes)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISBLK(st.st_mode))
		return ioctl(fd, BLKGETSIZE64, bytes) < 0 ? -errno : 0;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	*bytes = (uint64_t)st.st_size;
	return 0;
}

static int disk_fit(struct disk *d, const struct disk_opts *o, uint64_t bytes,
		    const char **why)
{
	uint64_t sectors = bytes / ATA_SECTOR;

	if (o->offset > sectors) {
		*why = "offset past the end";
		return -EINVAL;
	}
	sectors -= o->offset;
	if (o->length) {
		if (o->length > sectors) {
			*why = "length past the end";
			return -EINVAL;
		}
		sectors = o->length;
	}
	d->base = o->offset * ATA_SECTOR;
	d->sectors = sectors;
	return 0;
}

int disk_open(struct disk *d, const char *path, const struct disk_opts *o,
	      const char **why)
{
	int flags = (o->readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC |
		    (o->direct ? O_DIRECT : 0) | (o->sync ? O_SYNC : 0);
	uint64_t bytes;
	int rc;

	memset(d, 0, sizeof(*d));
	d->fd = open(path, flags);
	if (d->fd < 0) {
		*why = "open";
		return -errno;
	}
	*why = "size";
	rc = disk_size(d->fd, &bytes);
	if (rc == 0)
		rc = disk_fit(d, o, bytes, why);
	if (rc == 0 && o->direct) {
		*why = "buffer";
		rc = -posix_memalign((void **)&d->bounce, 4096, BOUNCE_LEN);
		d->direct = rc == 0;
	}
	if (rc < 0) {
		close(d->fd);
		d->fd = -1;
	}
	return rc;
}

void disk_close(struct disk *d)
{
	if (d->map)
		munmap(d->map, d->maplen);
	d->map = NULL;
	if (d->fd >= 0)
		close(d->fd);
	free(d->bounce);
	d->fd = -1;
	d->bounce = NULL;
}

/* Moves len bytes at off, to dst (a read) or from src (a write). */
static int io_full(int fd, uint8_t *dst, const uint8_t *src, size_t len,
		   uint64_t off)
{
	size_t done = 0;

	while (done < len) {
		off_t at = (off_t)(off + done);
		ssize_t n = src ? pwrite(fd, src + done, len - done, at)
				: pread(fd, dst + done, len - done, at);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		done += (size_t)n;
	}
	return 0;
}

int disk_read(struct disk *d, uint8_t *dst, uint64_t lba, unsigned count)
{
	size_t len = (size_t)count * ATA_SECTOR;
	uint64_t off = d->base + lba * ATA_SECTOR;
	int rc;

	if (count > 255 || lba > d->sectors || count > d->sectors - lba)
		return -EINVAL;
	if (!d->direct)
		return io_full(d->fd, dst, NULL, len, off);
	rc = io_full(d->fd, d->bounce, NULL, len, off);
	if (rc == 0)
		memcpy(dst, d->bounce, len);
	return rc;
}

int disk_write(struct disk *d, const uint8_t *src, uint64_t lba,
	       unsigned count)
{
	size_t len = (size_t)count * ATA_SECTOR;
	uint64_t off = d->base + lba * ATA_SECTOR;

	if (count > 255 || lba > d->sectors || count > d->sectors - lba)
		return -EINVAL;
	if (!d->direct)
		return io_full(d->fd, NULL, src, len, off);
	memcpy(d->bounce, src, len);
	return io_full(d->fd, NULL, d->bounce, len, off);
}

/* Drops done bytes from the front of iov; returns the new start. */
static struct iovec *iov_advance(struct iovec *iov, int *n, size_t done)
{
	while (*n > 0 && done >= iov->iov_len) {
		done -= iov->iov_len;
		iov++;
		(*n)--;
	}
	if (*n > 0) {
		iov->iov_base = (uint8_t *)iov->iov_base + done;
		iov->iov_len -= done;
	}
	return iov;
}

int disk_readv(struct disk *d, struct iovec *iov, int n, uint64_t lba,
	       unsigned count)
{
	uint64_t off = d->base + lba * ATA_SECTOR;

	if (lba > d->sectors || count > d->sectors - lba)
		return -EINVAL;
	if (d->direct) {
		/* Through the aligned buffer, one request at a time. */
		for (int i = 0; i < n; i++) {
			unsigned c = (unsigned)(iov[i].iov_len / ATA_SECTOR);
			int rc = disk_read(d, iov[i].iov_base, lba, c);

			if (rc < 0)
				return rc;
			lba += c;
		}
		return 0;
	}
	while (n > 0) {
		ssize_t got = preadv(d->fd, iov, n, (off_t)off);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return -errno;
		if (got == 0)
			return -EIO;
		off += (uint64_t)got;
		iov = iov_advance(iov, &n, (size_t)got);
	}
	return 0;
}

int disk_readv_cached(struct disk *d, struct iovec *iov, int n, uint64_t lba,
		      unsigned count)
{
	size_t len = (size_t)count * ATA_SECTOR;
	ssize_t got;

	if (d->direct || d->no_nowait || lba > d->sectors ||
	    count > d->sectors - lba)
		return -EOPNOTSUPP;
	got = preadv2(d->fd, iov, n, (off_t)(d->base + lba * ATA_SECTOR),
		      RWF_NOWAIT);
	if (got < 0 && (errno == EOPNOTSUPP || errno == EINVAL)) {
		/* tmpfs, for one: every read is from memory anyway. */
		d->no_nowait = true;
		return -EOPNOTSUPP;
	}
	return got == (ssize_t)len ? 0 : -EAGAIN;
}

void disk_prefetch(struct disk *d, uint64_t lba, unsigned count)
{
	if (d->direct || lba > d->sectors || count > d->sectors - lba)
		return;
	(void)posix_fadvise(d->fd, (off_t)(d->base + lba * ATA_SECTOR),
			    (off_t)count * ATA_SECTOR, POSIX_FADV_WILLNEED);
}

/*
 * A file on tmpfs or ramfs without holes: every page of it is in memory,
 * so no page of the map needs a look before a send.
 */
static bool all_in_memory(int fd)
{
	struct statfs sf;
	struct stat st;

	return fstatfs(fd, &sf) == 0 &&
	       (sf.f_type == TMPFS_MAGIC || sf.f_type == RAMFS_MAGIC) &&
	       fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	       (uint64_t)st.st_blocks * 512 >= (uint64_t)st.st_size;
}

void disk_map(struct disk *d)
{
	long page = sysconf(_SC_PAGESIZE);
	uint64_t skip, len;
	void *m;

	if (d->direct || d->sectors == 0 || page <= 0 || d->map)
		return;
	skip = d->base % (uint64_t)page;
	len = skip + d->sectors * ATA_SECTOR;
	if (len > SIZE_MAX / 2)
		return;
	m = mmap(NULL, (size_t)len, PROT_READ, MAP_SHARED, d->fd,
		 (off_t)(d->base - skip));
	if (m == MAP_FAILED)
		return;
	d->map = m;
	d->maplen = (size_t)len;
	d->mapskip = (size_t)skip;
	d->in_memory = all_in_memory(d->fd);
}

/* Are the pages of [at, at + len) of the map in memory? */
static bool resident(const uint8_t *at, size_t len)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t lo = (uintptr_t)at & ~(page - 1);
	uintptr_t hi = ((uintptr_t)at + len + page - 1) & ~(page - 1);
	unsigned char vec[256];

	while (lo < hi) {
		size_t n = (hi - lo) / page;

		n = n < sizeof(vec) ? n : sizeof(vec);
		if (mincore((void *)lo, n * page, vec) < 0)
			return false;
		for (size_t i = 0; i < n; i++)
			if (!(vec[i] & 1))
				return false;
		lo += n * page;
	}
	return true;
}

const uint8_t *disk_mapped(const struct disk *d, uint64_t lba,
			   unsigned count)
{
	const uint8_t *at;

	if (d->map == NULL || lba > d->sectors || count > d->sectors - lba)
		return NULL;
	at = d->map + d->mapskip + lba * ATA_SECTOR;
	if (!d->in_memory && !resident(at, (size_t)count * ATA_SECTOR))
		return NULL;
	return at;
}

int disk_flush(struct disk *d)
{
	return fdatasync(d->fd) < 0 ? -errno : 0;
}
