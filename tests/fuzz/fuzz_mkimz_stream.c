/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The streaming unpack path over arbitrary bytes: the image arrives through
 * a pipe, written by a thread in pieces whose sizes the input's first four
 * bytes choose, and imz_unpack() reads it sequentially, decompresses and
 * checks chunks on two workers and lays the volume out on a memory target
 * (a memfd the source volume's size, at most 32 MiB).  Inputs whose header
 * asks for more than 16 MiB of metadata are skipped so each run stays fast.
 */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <syslog.h>
#include <unistd.h>

#include "../../mkimz/imz.h"
#include "../../mkimz/unpack.h"
#include "log.h"

#define SIZES		4
#define TARGET_MAX	(32u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct feed {
	int fd;
	const uint8_t *p, *sizes;
	size_t len;
};

/* Writes the image in pieces of 1 to 9436 bytes, then closes the pipe; an
 * unpack that stops reading early makes the write fail (EPIPE). */
static void *writer(void *arg)
{
	struct feed *f = arg;

	for (size_t i = 0; f->len; i++) {
		size_t n = 1 + (size_t)f->sizes[i % SIZES] * 37;
		ssize_t w = write(f->fd, f->p, n < f->len ? n : f->len);

		if (w <= 0)
			break;
		f->p += w;
		f->len -= (size_t)w;
	}
	close(f->fd);
	return NULL;
}

static uint64_t target_bytes(const uint8_t *img, size_t len)
{
	struct imz_header h;
	char err[256];
	uint64_t n;

	if (imz_header_decode(img, len, &h, err, sizeof(err)))
		return 1u << 20;
	if (imz_reserved_bytes(&h) + imz_fat_bytes(&h) + imz_root_bytes(&h) +
		    imz_map_bytes(&h) > (16u << 20))
		return 0;
	n = h.total_sectors * h.sector_size;
	return n < TARGET_MAX ? n : TARGET_MAX;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int once;
	struct feed f;
	char image[64], target[64];
	uint64_t tsize;
	pthread_t tid;
	int p[2], m, rc;

	if (!once) {
		signal(SIGPIPE, SIG_IGN);
		log_set_level(LOG_EMERG);
		once = 1;
	}
	if (size < SIZES)
		return 0;
	tsize = target_bytes(data + SIZES, size - SIZES);
	if (!tsize)
		return 0;
	m = memfd_create("target", MFD_CLOEXEC);
	if (m < 0 || ftruncate(m, (off_t)tsize) || pipe2(p, O_CLOEXEC))
		__builtin_trap();
	f = (struct feed){ p[1], data + SIZES, data, size - SIZES };
	if (pthread_create(&tid, NULL, writer, &f))
		__builtin_trap();
	snprintf(image, sizeof(image), "/proc/self/fd/%d", p[0]);
	snprintf(target, sizeof(target), "/proc/self/fd/%d", m);
	rc = imz_unpack(image, target, 0, 2, 1);
	close(p[0]);
	pthread_join(tid, NULL);
	close(m);
	if (rc == 0 && size - SIZES < IMZ_HDR_LEN + IMZ_PART_LEN)
		__builtin_trap();	/* cannot be a whole image */
	return 0;
}
