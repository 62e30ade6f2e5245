/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading an image from a file or stdin ("-"). */
#ifndef MKIMZ_UNPACK_H
#define MKIMZ_UNPACK_H

#include <stddef.h>
#include <stdint.h>

struct imz_reader;
struct progress;

/* imz_read_fn over a file descriptor (ctx: int *). */
long imz_fd_read(void *ctx, void *buf, size_t len);
/*
 * mkimz unpack without its command line: IMAGE ("-": stdin) onto TARGET
 * (MBR partition N of it when partition is 1..4), on threads workers.
 * Returns the exit status, after logging any error.
 */
int imz_unpack(const char *image, const char *target, int partition,
	       unsigned threads, int quiet);
/* Opens IMAGE (or stdin for "-"): 0, or -1 after logging. */
int imz_open_image(const char *path, int *fd);

/*
 * Called on a worker thread with one checked chunk: its index, the first
 * cluster it holds and its raw bytes.  0, or -1 with the whole message
 * ("TARGET: what") in err.
 */
typedef int (*imz_sink_fn)(void *ctx, uint32_t index, uint32_t first,
			   const uint8_t *raw, size_t len, char *err,
			   size_t errlen);

/*
 * Reads every data chunk of an opened image on this thread and hands each
 * to one of nthreads workers (decompress, check, sink may be NULL); the
 * whole-data hash is fed in chunk order.  Errors name the earliest failing
 * chunk.  0, or -1 with the whole message ("IMAGE: data chunk N: what")
 * in err; imz_finish() comes next.
 */
int imz_read_chunks(struct imz_reader *r, const char *image,
		    unsigned nthreads, imz_sink_fn sink, void *ctx,
		    struct progress *pr, char *err, size_t errlen);

#endif
