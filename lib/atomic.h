/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Replacing a file so that a reader sees the old or the new content, never
 * a mix, and a crash leaves one or the other: write a temporary file in the
 * same directory, fsync it, rename it over the target, fsync the directory.
 */
#ifndef NB_ATOMIC_H
#define NB_ATOMIC_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

struct atomic_file {
	int fd;                 /* write the new content here */
	char path[PATH_MAX];    /* the file being replaced */
	char tmp[PATH_MAX];     /* the temporary beside it */
};

/* Creates the temporary with exactly mode (umask ignored).  Returns 0 or -errno. */
int atomic_begin(struct atomic_file *af, const char *path, mode_t mode);
/* fsync + rename + directory fsync; on failure the temporary is removed. */
int atomic_commit(struct atomic_file *af);
/* Removes the temporary; harmless after commit or a failed begin. */
void atomic_abort(struct atomic_file *af);

/* The whole cycle for content already in memory. */
int atomic_write(const char *path, const void *buf, size_t len, mode_t mode);

/* write(2) until done or a real error: returns 0 or -errno. */
int write_all(int fd, const void *buf, size_t len);

#endif
