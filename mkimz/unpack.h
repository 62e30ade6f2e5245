/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading an image from a file or stdin ("-"). */
#ifndef MKIMZ_UNPACK_H
#define MKIMZ_UNPACK_H

#include <stddef.h>

/* imz_read_fn over a file descriptor (ctx: int *). */
long imz_fd_read(void *ctx, void *buf, size_t len);
/* Opens IMAGE (or stdin for "-"): 0, or -1 after logging. */
int imz_open_image(const char *path, int *fd);

#endif
