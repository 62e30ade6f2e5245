/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Files open for reading, shared by every transfer of the same file (same
 * device and inode): a hundred clients booting one kernel hold one
 * descriptor and one page cache walk.
 */
#ifndef TFTPD_FILECACHE_H
#define TFTPD_FILECACHE_H

#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

struct shared_file {
	struct shared_file *next;
	int fd;
	dev_t dev;
	ino_t ino;
	unsigned refs;
};

/* The list of open files; starts empty ({ NULL }). */
struct file_cache {
	struct shared_file *head;
};

/*
 * Takes a reference on the file fd (described by st): an entry already
 * open for the same file is shared and fd closed, else fd is kept.
 * Returns NULL (fd left open) when out of memory.
 */
struct shared_file *file_get(struct file_cache *c, int fd,
			     const struct stat *st);
/* Drops a reference (f may be NULL); the last one closes the file. */
void file_put(struct file_cache *c, struct shared_file *f);

#endif
