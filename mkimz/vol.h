/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Opening a volume: a file, a block device, or MBR partition N of a disk. */
#ifndef MKIMZ_VOL_H
#define MKIMZ_VOL_H

#include <stddef.h>
#include <stdint.h>

struct vol {
	int fd;
	uint64_t off;		/* volume start in the file or device */
	uint64_t size;		/* volume bytes */
	uint32_t start_lba;	/* partition start (-p), else 0 */
	int partition;		/* 1..4, or 0 for the whole file */
};

/* MBR partition n (1..4) of a 512-byte sector: 0 or -1 (err). */
int vol_mbr_entry(const uint8_t *mbr, size_t len, int n, uint32_t *start,
		  uint32_t *count, char *err, size_t errlen);

/* Opens path read-only (write = 0) or read-write.  0 or -1 (err). */
int vol_open(struct vol *v, const char *path, int partition, int write,
	     char *err, size_t errlen);
void vol_close(struct vol *v);

/* pread/pwrite of the whole range relative to the volume start. */
int vol_read(const struct vol *v, uint64_t off, void *buf, size_t len);
int vol_write(const struct vol *v, uint64_t off, const void *buf,
	      size_t len);

#endif
