/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mkimz unpack: read and check the metadata, compute the layout for the
 * target's size, then zero the boot sector, write the FATs and the root
 * directory, each verified chunk's clusters in place, and after the
 * trailer checks out the reserved area with sector 0 last.
 *
 * Chunks: this thread reads part headers and frames (a pipe will do) into
 * 2 * T slots, slot i % nslots for chunk i; T workers decompress, check and
 * hand the clusters to a sink (pwrite to disjoint places, any order); this
 * thread feeds the whole-data hash with finished chunks in index order and
 * only then reuses their slot.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "cmd.h"
#include "fat.h"
#include "hash.h"
#include "imz.h"
#include "opts.h"
#include "pack.h"
#include "progress.h"
#include "temp.h"
#include "unpack.h"
#include "vol.h"

struct unpack {
	const char *image, *target;
	int quiet, partition;
	unsigned threads;
	struct imz_reader r;
	struct fat_meta src, dst;
	struct vol v;
	struct imz_temp tmp;	/* a TARGET that did not exist, until renamed */
	int created;
	uint64_t lost;
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

/* ---- chunk pipeline ---- */

enum { SLOT_FREE, SLOT_READ, SLOT_DONE };

struct slot {
	uint8_t *cbuf, *raw;
	size_t cbuf_len;
	uint64_t comp_len, raw_len, raw_hash;
	uint32_t index, first;
	int state;			/* under pool.mu */
};

struct pool {
	struct imz_reader *r;
	const char *image;
	imz_sink_fn sink;
	void *ctx;
	struct slot *s;
	unsigned nslots;
	size_t raw_max;
	uint32_t cursor;		/* next cluster to look at (reader) */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	/* Under mu: */
	uint32_t queued, taken;		/* chunks read / taken by workers */
	int eof;			/* the reader reads no more */
	uint32_t err_index;		/* earliest failed chunk or UINT32_MAX */
	char err[256];
};

/* Keeps the error of the earliest chunk; wakes everyone. */
static void pool_fail(struct pool *pl, uint32_t index, const char *msg)
{
	pthread_mutex_lock(&pl->mu);
	if (index < pl->err_index) {
		pl->err_index = index;
		snprintf(pl->err, sizeof(pl->err), "%s", msg);
	}
	pthread_cond_broadcast(&pl->cv);
	pthread_mutex_unlock(&pl->mu);
}

static uint32_t next_used(const struct imz_reader *r, uint32_t c)
{
	while (c <= r->h.last_used && !fat_bit(r->map, c))
		c++;
	return c;
}

/* Decompress, check, sink: 0 or -1 (msg). */
static int chunk_work(struct pool *pl, ZSTD_DCtx *dc, const struct slot *s,
		      char *msg, size_t len)
{
	size_t got;

	if (!dc) {
		snprintf(msg, len, "%s: data chunk %u: out of memory",
			 pl->image, s->index);
		return -1;
	}
	got = ZSTD_decompressDCtx(dc, s->raw, s->raw_len, s->cbuf,
				  s->comp_len);
	if (ZSTD_isError(got) || got != s->raw_len) {
		snprintf(msg, len, "%s: data chunk %u: corrupt compressed data",
			 pl->image, s->index);
		return -1;
	}
	if (XXH64(s->raw, s->raw_len, 0) != s->raw_hash) {
		snprintf(msg, len, "%s: data chunk %u: checksum mismatch",
			 pl->image, s->index);
		return -1;
	}
	return pl->sink ? pl->sink(pl->ctx, s->index, s->first, s->raw,
				   s->raw_len, msg, len)
			: 0;
}

static void *worker(void *arg)
{
	struct pool *pl = arg;
	ZSTD_DCtx *dc = ZSTD_createDCtx();
	char msg[256];

	pthread_mutex_lock(&pl->mu);
	for (;;) {
		uint32_t i;
		struct slot *s;
		int rc;

		while (!(pl->taken < pl->queued && pl->taken < pl->err_index) &&
		       !pl->eof)
			pthread_cond_wait(&pl->cv, &pl->mu);
		if (!(pl->taken < pl->queued && pl->taken < pl->err_index))
			break;
		i = pl->taken++;
		s = &pl->s[i % pl->nslots];
		pthread_mutex_unlock(&pl->mu);
		rc = chunk_work(pl, dc, s, msg, sizeof(msg));
		if (rc)
			pool_fail(pl, i, msg);
		pthread_mutex_lock(&pl->mu);
		if (!rc)
			s->state = SLOT_DONE;
		pthread_cond_broadcast(&pl->cv);
	}
	pthread_mutex_unlock(&pl->mu);
	ZSTD_freeDCtx(dc);
	return NULL;
}

/* Part header and frame of chunk i into its slot (this thread only). */
static int read_one(struct pool *pl, struct slot *s, uint32_t i, char *msg,
		    size_t mlen)
{
	const struct imz_header *h = &pl->r->h;
	uint64_t want = imz_chunk_bytes(h, i);
	char part[32], why[160];
	struct imz_part p;
	uint32_t c;

	snprintf(part, sizeof(part), "data chunk %u", i);
	if (!s->raw)
		s->raw = malloc(pl->raw_max);
	if (!s->raw) {
		snprintf(msg, mlen, "%s: %s: out of memory", pl->image, part);
		return -1;
	}
	if (imz_read_frame(pl->r, IMZ_CHUNK, i, want, part, &p, &s->cbuf,
			   &s->cbuf_len, why, sizeof(why))) {
		snprintf(msg, mlen, "%s: %s", pl->image, why);
		return -1;
	}
	s->comp_len = p.comp_len;
	s->raw_len = want;
	s->raw_hash = p.raw_hash;
	s->index = i;
	s->first = c = next_used(pl->r, pl->cursor);
	for (uint64_t k = want / h->cluster_bytes; k; k--)
		c = next_used(pl->r, c) + 1;
	pl->cursor = c;
	return 0;
}

/* Waits for chunk i, feeds the whole hash, frees its slot: 0 or -1. */
static int collect(struct pool *pl, uint32_t i, struct progress *pr)
{
	struct slot *s = &pl->s[i % pl->nslots];
	struct imz_reader *r = pl->r;
	int done;

	pthread_mutex_lock(&pl->mu);
	while (s->state != SLOT_DONE && pl->err_index == UINT32_MAX)
		pthread_cond_wait(&pl->cv, &pl->mu);
	done = s->state == SLOT_DONE;
	pthread_mutex_unlock(&pl->mu);
	if (!done)
		return -1;
	XXH64_update(r->whole, s->raw, s->raw_len);
	r->stored += s->raw_len;
	if (pr)
		progress_add(pr, s->raw_len);
	s->state = SLOT_FREE;
	return 0;
}

/* The reader's side: 0 when every chunk was read and hashed. */
static int pool_feed(struct pool *pl, struct progress *pr)
{
	uint32_t n = pl->r->h.nchunks, i, hashed = 0;
	char msg[256];

	for (i = 0; i < n; i++) {
		struct slot *s = &pl->s[i % pl->nslots];

		if (i >= pl->nslots && collect(pl, hashed++, pr))
			return -1;
		if (read_one(pl, s, i, msg, sizeof(msg))) {
			pool_fail(pl, i, msg);
			return -1;
		}
		pthread_mutex_lock(&pl->mu);
		s->state = SLOT_READ;
		pl->queued++;
		pthread_cond_signal(&pl->cv);
		pthread_mutex_unlock(&pl->mu);
	}
	while (hashed < n)
		if (collect(pl, hashed++, pr))
			return -1;
	return 0;
}

static void pool_free(struct pool *pl)
{
	for (unsigned k = 0; k < pl->nslots; k++) {
		free(pl->s[k].raw);
		free(pl->s[k].cbuf);
	}
	free(pl->s);
	pthread_cond_destroy(&pl->cv);
	pthread_mutex_destroy(&pl->mu);
}

int imz_read_chunks(struct imz_reader *r, const char *image,
		    unsigned nthreads, imz_sink_fn sink, void *ctx,
		    struct progress *pr, char *err, size_t errlen)
{
	struct pool pl = { .r = r, .image = image, .sink = sink, .ctx = ctx,
			   .nslots = 2 * nthreads, .cursor = 2,
			   .err_index = UINT32_MAX };
	pthread_t tid[64];
	unsigned nt = 0;
	int rc;

	if (r->next_chunk || !r->h.nchunks)
		return 0;
	pl.raw_max = imz_chunk_bytes(&r->h, 0);
	pl.s = calloc(pl.nslots, sizeof(*pl.s));
	if (!pl.s) {
		snprintf(err, errlen, "%s: data chunk 0: out of memory", image);
		return -1;
	}
	pthread_mutex_init(&pl.mu, NULL);
	pthread_cond_init(&pl.cv, NULL);
	while (nt < nthreads && nt < 64 &&
	       !pthread_create(&tid[nt], NULL, worker, &pl))
		nt++;
	rc = nt ? pool_feed(&pl, pr) : -1;
	pthread_mutex_lock(&pl.mu);
	pl.eof = 1;
	pthread_cond_broadcast(&pl.cv);
	pthread_mutex_unlock(&pl.mu);
	while (nt)
		pthread_join(tid[--nt], NULL);
	if (pl.err_index != UINT32_MAX)
		snprintf(err, errlen, "%s", pl.err);
	else if (rc)
		snprintf(err, errlen, "%s: data chunk 0: cannot start threads",
			 image);
	else
		r->next_chunk = r->h.nchunks;
	rc = rc || pl.err_index != UINT32_MAX ? -1 : 0;
	pool_free(&pl);
	return rc;
}

/* ---- unpack ---- */

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

/* A TARGET that does not exist (and no -p) is written as a hidden
 * temporary beside it, the source volume's size, renamed when complete. */
static int open_target(struct unpack *u)
{
	const struct imz_header *h = &u->r.h;
	const char *path = u->target;
	struct stat st;
	char err[200];
	mode_t um;
	int rc;

	if (!u->partition)
		imz_temp_clean(u->target);
	if (!u->partition && lstat(u->target, &st) && errno == ENOENT) {
		um = umask(0);
		umask(um);
		rc = imz_temp_begin(&u->tmp, u->target, 0644 & ~um);
		if (!rc && ftruncate(u->tmp.af.fd,
				     (off_t)(h->total_sectors * h->sector_size)))
			rc = -errno;
		if (rc) {
			log_err("%s: %s", u->target, strerror(-rc));
			return -1;
		}
		u->created = 1;
		path = u->tmp.af.tmp;
	}
	if (vol_open(&u->v, path, u->partition, 1, err, sizeof(err))) {
		log_err("%s: %s", u->target, err);
		return -1;
	}
	return 0;
}

static int relayout(struct unpack *u)
{
	const struct imz_header *h = &u->r.h;
	struct fat_geom dg;
	char err[200];
	uint64_t have;

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

/* imz_sink_fn: chunk clusters to their places, contiguous runs in one
 * pwrite (runs from different chunks never overlap). */
static int write_chunk(void *ctx, uint32_t index, uint32_t c,
		       const uint8_t *raw, size_t len, char *err,
		       size_t errlen)
{
	const struct unpack *u = ctx;
	const struct imz_header *h = &u->r.h;
	uint32_t n = (uint32_t)(len / h->cluster_bytes), last = h->last_used;
	uint64_t from = fat_cluster_offset(&u->dst.g, c);

	(void)index;
	for (uint32_t j = 0, k, run; j < n; j = k) {
		while (c <= last && !fat_bit(u->r.map, c))
			c++;
		run = c;
		for (k = j + 1, c++; k < n && c <= last && fat_bit(u->r.map, c);
		     k++, c++)
			;
		if (vol_write(&u->v, fat_cluster_offset(&u->dst.g, run),
			      raw + (size_t)j * h->cluster_bytes,
			      (size_t)(k - j) * h->cluster_bytes)) {
			snprintf(err, errlen, "%s: write error: %s", u->target,
				 strerror(errno));
			return -1;
		}
	}
	/* Start writeback now so the final fdatasync finds little left;
	 * errors surface there. */
	sync_file_range(u->v.fd, (off64_t)(u->v.off + from),
			(off64_t)(fat_cluster_offset(&u->dst.g, c) - from),
			SYNC_FILE_RANGE_WRITE);
	return 0;
}

static int write_data(struct unpack *u)
{
	const struct imz_header *h = &u->r.h;
	char err[300];

	progress_init(&u->pr, (uint64_t)h->used_clusters * h->cluster_bytes,
		      u->quiet);
	if (imz_read_chunks(&u->r, u->image, u->threads, write_chunk, u,
			    &u->pr, err, sizeof(err))) {
		progress_end(&u->pr);
		log_err("%s", err);
		return -1;
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

static int commit_target(struct unpack *u)
{
	int rc = u->created ? imz_temp_commit(&u->tmp, true) : 0;

	if (rc)
		log_err("%s: %s", u->target, strerror(-rc));
	return rc ? -1 : 0;
}

static int unpack_run(struct unpack *u);

int imz_unpack(const char *image, const char *target, int partition,
	       unsigned threads, int quiet)
{
	struct unpack u = { .image = image, .target = target,
			    .partition = partition, .threads = threads,
			    .quiet = quiet, .v = { .fd = -1 } };

	return unpack_run(&u);
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
	if (source_meta(u) || open_target(u) || relayout(u))
		goto out;
	if (!write_meta(u) && !write_data(u) && !write_boot(u) &&
	    !commit_target(u))
		rc = EXIT_OK;
out:
	if (fd > STDIN_FILENO)
		close(fd);
	fat_meta_free(&u->dst);
	vol_close(&u->v);
	imz_close(&u->r);
	if (u->created)
		imz_temp_abort(&u->tmp);
	return rc;
}

int cmd_unpack(int argc, char **argv)
{
	struct unpack u = { .v = { .fd = -1 } };
	char *part = NULL, *threads = NULL;
	int force = 0, partition = 0;
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
		partition = (int)opts_num(ctx, "--partition", part, 1, 4);
	u.threads = imz_threads(ctx, threads);
	args = opts_args(ctx, &nargs);
	if (nargs != 2)
		opts_usage_error(ctx, "need IMAGE and TARGET");
	rc = imz_unpack(args[0], args[1], partition, u.threads, u.quiet);
	free(part);
	free(threads);
	poptFreeContext(ctx);
	return rc;
}
