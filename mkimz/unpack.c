/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mkimz unpack: read and check the metadata, compute the layout for the
 * target's size, then zero the boot sector, write the FATs and the root
 * directory, each verified chunk's clusters in place, and after the
 * trailer checks out the reserved area with sector 0 last.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "fat.h"
#include "imz.h"
#include "opts.h"
#include "pack.h"
#include "progress.h"
#include "unpack.h"
#include "vol.h"

struct unpack {
	const char *image, *target;
	int quiet, partition;
	struct imz_reader r;
	struct fat_meta src, dst;
	struct vol v;
	uint64_t lost;
	uint8_t *raw;
	struct progress pr;
};

long imz_fd_read(void *ctx, void *buf, size_t len)
{
	int fd = *(int *)ctx;
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, (uint8_t *)buf + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (long)got;
}

int imz_open_image(const char *path, int *fd)
{
	if (!strcmp(path, "-")) {
		*fd = STDIN_FILENO;
		return 0;
	}
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0) {
		log_err("%s: %s", path, strerror(errno));
		return -1;
	}
	posix_fadvise(*fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	return 0;
}

/* The stored boot sector must describe the volume the header does. */
static int source_meta(struct unpack *u)
{
	const struct imz_header *h = &u->r.h;
	struct fat_geom *g = &u->src.g;
	char err[160];

	if (fat_parse_boot(u->r.reserved, imz_reserved_bytes(h), g, err,
			   sizeof(err))) {
		log_err("%s: reserved area: %s", u->image, err);
		return -1;
	}
	if ((uint32_t)g->type != h->fat_type ||
	    g->cluster_count != h->cluster_count ||
	    g->cluster_bytes != h->cluster_bytes ||
	    g->fat_sectors != h->fat_sectors ||
	    g->reserved_sectors != h->reserved_sectors ||
	    g->root_entries != h->root_entries) {
		log_err("%s: reserved area: boot sector does not match the header",
			u->image);
		return -1;
	}
	u->src.reserved = u->r.reserved;
	u->src.fat = u->r.fat;
	u->src.root = u->r.root;
	return 0;
}

static int relayout(struct unpack *u, uint64_t create)
{
	const struct imz_header *h = &u->r.h;
	struct fat_geom dg;
	char err[200];
	uint64_t have;

	if (vol_open(&u->v, u->target, u->partition, 1, create, err,
		     sizeof(err))) {
		log_err("%s: %s", u->target, err);
		return -1;
	}
	have = u->v.size / h->sector_size;
	if (have < h->min_sectors) {
		log_err("%s: too small: needs at least %llu sectors, has %llu",
			u->target, (unsigned long long)h->min_sectors,
			(unsigned long long)have);
		return -1;
	}
	if (fat_relayout_geom(&u->src.g, have, h->last_used, &dg, &u->lost,
			      err, sizeof(err))) {
		log_err("%s: %s", u->target, err);
		return -1;
	}
	if (fat_relayout(&u->src, &dg, u->partition ? u->v.start_lba
						    : UINT32_MAX,
			 &u->dst, err, sizeof(err))) {
		log_err("%s: %s", u->target, err);
		return -1;
	}
	if (u->lost)
		log_warn("%s: %llu MiB left unused beyond the FAT%u cluster limit",
			 u->target,
			 (unsigned long long)(u->lost * h->sector_size >> 20),
			 h->fat_type);
	return 0;
}

static int wr(struct unpack *u, uint64_t off, const void *buf, size_t len)
{
	if (vol_write(&u->v, off, buf, len)) {
		log_err("%s: write error: %s", u->target, strerror(errno));
		return -1;
	}
	return 0;
}

/* Zeroed boot sector, every FAT copy, the root directory. */
static int write_meta(struct unpack *u)
{
	const struct fat_geom *g = &u->dst.g;
	uint8_t zero[4096] = { 0 };
	uint64_t off = fat_reserved_bytes(g);

	if (wr(u, 0, zero, g->bytes_per_sector))
		return -1;
	for (uint32_t k = 0; k < g->nfats; k++, off += fat_fat_bytes(g))
		if (wr(u, off, u->dst.fat, fat_fat_bytes(g)))
			return -1;
	if (u->dst.root && wr(u, off, u->dst.root, fat_root_bytes(g)))
		return -1;
	return 0;
}

/* Chunk clusters to their places, contiguous runs in one write. */
static int write_chunk(struct unpack *u, uint32_t *c, size_t len)
{
	const struct imz_header *h = &u->r.h;
	uint32_t n = (uint32_t)(len / h->cluster_bytes), last = h->last_used;
	uint32_t run[1];

	for (uint32_t j = 0, k; j < n; j = k) {
		while (*c <= last && !fat_bit(u->r.map, *c))
			(*c)++;
		run[0] = *c;
		for (k = j + 1, (*c)++; k < n && *c <= last &&
					fat_bit(u->r.map, *c); k++, (*c)++)
			;
		if (wr(u, fat_cluster_offset(&u->dst.g, run[0]),
		       u->raw + (size_t)j * h->cluster_bytes,
		       (size_t)(k - j) * h->cluster_bytes))
			return -1;
	}
	return 0;
}

static int write_data(struct unpack *u)
{
	const struct imz_header *h = &u->r.h;
	char err[200];
	uint32_t c = 2;

	progress_init(&u->pr, (uint64_t)h->used_clusters * h->cluster_bytes,
		      u->quiet);
	while (u->r.next_chunk < h->nchunks) {
		size_t len = imz_chunk_bytes(h, u->r.next_chunk);

		if (imz_read_chunk(&u->r, u->raw, err, sizeof(err))) {
			log_err("%s: %s", u->image, err);
			return -1;
		}
		if (write_chunk(u, &c, len))
			return -1;
		progress_add(&u->pr, len);
	}
	progress_end(&u->pr);
	if (imz_finish(&u->r, err, sizeof(err))) {
		log_err("%s: %s", u->image, err);
		return -1;
	}
	return 0;
}

/* The reserved area with sector 0 last, then everything to stable storage. */
static int write_boot(struct unpack *u)
{
	const struct fat_geom *g = &u->dst.g;
	size_t ss = g->bytes_per_sector;

	if (wr(u, ss, u->dst.reserved + ss, fat_reserved_bytes(g) - ss) ||
	    fdatasync(u->v.fd) || wr(u, 0, u->dst.reserved, ss) ||
	    fdatasync(u->v.fd)) {
		log_err("%s: %s", u->target, strerror(errno));
		return -1;
	}
	return 0;
}

static int unpack_run(struct unpack *u)
{
	char err[200];
	int fd = -1, rc = EXIT_FAIL;

	if (imz_open_image(u->image, &fd))
		return EXIT_FAIL;
	if (imz_open(&u->r, imz_fd_read, &fd, err, sizeof(err))) {
		log_err("%s: %s", u->image, err);
		goto out;
	}
	u->raw = malloc(IMZ_CHUNK_RAW);
	if (!u->raw || source_meta(u) ||
	    relayout(u, u->r.h.total_sectors * u->r.h.sector_size))
		goto out;
	if (!write_meta(u) && !write_data(u) && !write_boot(u))
		rc = EXIT_OK;
out:
	if (fd > STDIN_FILENO)
		close(fd);
	fat_meta_free(&u->dst);
	vol_close(&u->v);
	free(u->raw);
	imz_close(&u->r);
	return rc;
}

int cmd_unpack(int argc, char **argv)
{
	struct unpack u = { .v = { .fd = -1 } };
	char *part = NULL, *threads = NULL;
	int force = 0;
	struct poptOption table[] = {
		{ "quiet", 'q', POPT_ARG_NONE, &u.quiet, 0, "no progress line",
		  NULL },
		{ "force", 'f', POPT_ARG_NONE, &force, 0,
		  "accepted for symmetry with pack", NULL },
		{ "partition", 'p', POPT_ARG_STRING, &part, 0,
		  "TARGET is a disk: use MBR partition N (1-4)", "N" },
		{ "threads", 'T', POPT_ARG_STRING, &threads, 0,
		  "threads (1-64, default: CPUs)", "N" },
		OPTS_COMMON_TABLE,
		POPT_AUTOHELP POPT_TABLEEND
	};
	poptContext ctx = opts_parse("mkimz unpack", argc, argv, table,
				     "IMAGE TARGET");
	const char **args;
	int nargs, rc;

	if (part)
		u.partition = (int)opts_num(ctx, "--partition", part, 1, 4);
	if (threads)
		opts_num(ctx, "--threads", threads, 1, 64);
	args = opts_args(ctx, &nargs);
	if (nargs != 2)
		opts_usage_error(ctx, "need IMAGE and TARGET");
	u.image = args[0];
	u.target = args[1];
	rc = unpack_run(&u);
	free(part);
	free(threads);
	poptFreeContext(ctx);
	return rc;
}
