/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SOURCE and TARGET volumes (see vol.h). */
#include "vol.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cursor.h"
#include "layout.h"

int vol_mbr_entry(const uint8_t *mbr, size_t len, int n, uint32_t *start,
		  uint32_t *count, char *err, size_t errlen)
{
	const uint8_t *e;

	if (len < 512 || mbr[MBR_SIGNATURE] != 0x55 ||
	    mbr[MBR_SIGNATURE + 1] != 0xaa) {
		snprintf(err, errlen, "no MBR partition table");
		return -1;
	}
	if (n < 1 || n > 4) {
		snprintf(err, errlen, "partition %d not 1..4", n);
		return -1;
	}
	e = mbr + MBR_PTABLE + (n - 1) * MBR_PENTRY_LEN;
	*start = get_le32(e + MBR_PE_LBA);
	*count = get_le32(e + MBR_PE_COUNT);
	if (!e[MBR_PE_TYPE] || !*start || !*count) {
		snprintf(err, errlen, "partition %d is empty", n);
		return -1;
	}
	return 0;
}

static int dev_size(int fd, uint64_t *size)
{
	struct stat st;

	if (fstat(fd, &st))
		return -1;
	if (S_ISBLK(st.st_mode))
		return ioctl(fd, BLKGETSIZE64, size);
	*size = (uint64_t)st.st_size;
	return 0;
}

static int vol_partition(struct vol *v, char *err, size_t errlen)
{
	uint8_t mbr[512];
	uint32_t start, count;

	if (vol_read(v, 0, mbr, sizeof(mbr))) {
		snprintf(err, errlen, "cannot read the MBR: %s",
			 errno ? strerror(errno) : "too short");
		return -1;
	}
	if (vol_mbr_entry(mbr, sizeof(mbr), v->partition, &start, &count,
			  err, errlen))
		return -1;
	if (((uint64_t)start + count) * 512 > v->size) {
		snprintf(err, errlen, "partition %d ends past the disk",
			 v->partition);
		return -1;
	}
	v->off = (uint64_t)start * 512;
	v->size = (uint64_t)count * 512;
	v->start_lba = start;
	return 0;
}

int vol_open(struct vol *v, const char *path, int partition, int write,
	     char *err, size_t errlen)
{
	memset(v, 0, sizeof(*v));
	v->partition = partition;
	v->fd = open(path, (write ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (v->fd < 0 || dev_size(v->fd, &v->size)) {
		snprintf(err, errlen, "%s", strerror(errno));
		if (v->fd >= 0)
			close(v->fd);
		v->fd = -1;
		return -1;
	}
	if (partition && vol_partition(v, err, errlen)) {
		vol_close(v);
		return -1;
	}
	return 0;
}

void vol_close(struct vol *v)
{
	if (v->fd >= 0)
		close(v->fd);
	v->fd = -1;
}

/* The whole range or -1; a read past the end fails with errno 0. */
static int vol_io(const struct vol *v, uint64_t off, uint8_t *p, size_t len,
		  int write)
{
	errno = 0;
	while (len) {
		ssize_t n = write ? pwrite(v->fd, p, len, (off_t)(v->off + off))
				  : pread(v->fd, p, len, (off_t)(v->off + off));

		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

int vol_read(const struct vol *v, uint64_t off, void *buf, size_t len)
{
	return vol_io(v, off, buf, len, 0);
}

int vol_write(const struct vol *v, uint64_t off, const void *buf,
	      size_t len)
{
	return vol_io(v, off, (uint8_t *)(uintptr_t)buf, len, 1);
}
