/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading a whole configuration or state file into memory. */
#ifndef NB_FILE_H
#define NB_FILE_H

#include <stddef.h>

/*
 * Reads the whole of path (relative to dirfd, or AT_FDCWD) into a new
 * buffer, read until end of file so that pipes and /proc files work too.
 * The buffer holds one byte more than *len, a '\0', so text parsers may
 * treat it as a string; free it with free().  A file longer than max bytes
 * is refused with -EFBIG (nothing is returned).  Returns 0 or -errno.
 */
int file_read(int dirfd, const char *path, size_t max, char **buf,
	      size_t *len);

/*
 * For --check-config: the directory a daemon will write path in (a pid
 * file, a metrics file) exists and is a directory.  Returns 0 or -errno.
 */
int file_parent_check(const char *path);

/*
 * The same, said as "OPT PATH: its directory: why" at error level.
 * Returns the number of problems: 0 or 1 (0 when path is NULL).
 */
unsigned file_parent_report(const char *opt, const char *path);

#endif
