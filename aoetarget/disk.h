/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The backing file or block device of a target: whole-sector reads and
 * writes at an LBA, never short, and a flush that returns once every
 * completed write is on stable storage.
 */
#ifndef AOETARGET_DISK_H
#define AOETARGET_DISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

struct disk {
	int fd;
	uint64_t base;          /* byte offset of sector 0 (-o) */
	uint64_t sectors;       /* exported size (-l, or what is left) */
	bool direct;            /* O_DIRECT: I/O goes through bounce */
	uint8_t *bounce;        /* 4096-aligned, 255 sectors */
	bool no_nowait;         /* the file refuses RWF_NOWAIT reads */
	uint8_t *map;           /* disk_map: the file from its page start, read only */
	size_t maplen;
	size_t mapskip;         /* bytes before sector 0 in the map */
	bool in_memory;         /* on tmpfs or ramfs, no holes: all resident */
};

/* How to open a disk: the vblade options. */
struct disk_opts {
	bool readonly;          /* -r */
	bool direct;            /* -d */
	bool sync;              /* -s */
	uint64_t offset;        /* -o, in sectors */
	uint64_t length;        /* -l, in sectors; 0: the rest of the file */
};

/*
 * Opens path and sizes it (fstat, or BLKGETSIZE64 for a block device).
 * Returns 0 or -errno; *why names what failed (a static string).
 */
int disk_open(struct disk *d, const char *path, const struct disk_opts *o,
	      const char **why);
void disk_close(struct disk *d);

/* count sectors at lba; 0 or -errno (-EIO at end of file: never short). */
int disk_read(struct disk *d, uint8_t *dst, uint64_t lba, unsigned count);
int disk_write(struct disk *d, const uint8_t *src, uint64_t lba,
	       unsigned count);
/*
 * count sectors at lba scattered over n buffers of whole sectors (their
 * lengths add up to count * 512), in one preadv where it can.
 */
int disk_readv(struct disk *d, struct iovec *iov, int n, uint64_t lba,
	       unsigned count);
/*
 * disk_readv from the page cache only: 0 when all of it was cached,
 * -EAGAIN when some of it would wait for the device (nothing is then
 * promised about the buffers), -EOPNOTSUPP when the file cannot tell
 * (O_DIRECT, or a file system without RWF_NOWAIT reads).
 */
int disk_readv_cached(struct disk *d, struct iovec *iov, int n, uint64_t lba,
		      unsigned count);
/* Starts reading sectors into the page cache without waiting for them. */
void disk_prefetch(struct disk *d, uint64_t lba, unsigned count);
/*
 * Maps the exported sectors read-only (best effort: without a map, or
 * with O_DIRECT, disk_mapped finds nothing), so that a reply can be sent
 * from the page cache without a copy in between.  disk_close unmaps.
 */
void disk_map(struct disk *d);
/*
 * count sectors at lba in the map, when all of them are in the page cache
 * now; NULL when some would wait for the device (or, in a sparse file,
 * would take memory to read: a hole), or there is no map.  Only
 * the kernel should read them (a send): a page the file lost since (a
 * truncation, an I/O error) then fails that send with EFAULT rather than
 * killing the process.
 */
const uint8_t *disk_mapped(const struct disk *d, uint64_t lba,
			   unsigned count);
/* fdatasync: what FLUSH CACHE promises. */
int disk_flush(struct disk *d);

#endif
