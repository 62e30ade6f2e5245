/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mkimz pack: read the metadata, walk the tree (fat_scan), then compress
 * the used clusters in fixed-size chunks on worker threads while the main
 * thread writes them in order and hashes the raw bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#include "atomic.h"
#include "chk.h"
#include "cmd.h"
#include "fat.h"
#include "file.h"
#include "hash.h"
#include "imz.h"
#include "opts.h"
#include "pack.h"
#include "progress.h"
#include "temp.h"
#include "vol.h"

struct pack_opts {
	int quiet, force, no_defaults, level;
	unsigned threads, partition;
	char **excl;
	const char *chk, *src, *out;
};

struct pack {
	const struct pack_opts *o;
	struct vol v;
	struct fat_meta m;
	struct fat_scan s;
	struct imz_header h;
	uint8_t boot[CHK_LEN];	/* sector 0 as read, for the .chk */
	uint32_t *ulist;	/* used clusters in order */
	int fd;
	XXH64_state_t *whole;	/* of every raw byte written */
	uint64_t stored, written;
	struct progress pr;
	void *cctx;
};

/* ---- shared helpers ---- */

unsigned imz_threads(poptContext ctx, const char *arg)
{
	long n;

	if (arg)
		return (unsigned)opts_num(ctx, "--threads", arg, 1, 64);
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 64 ? 64 : (unsigned)n;
}

size_t imz_compress(void *cctx, int level, void *dst, size_t cap,
		    const void *src, size_t len)
{
	size_t n;

	ZSTD_CCtx_reset(cctx, ZSTD_reset_session_and_parameters);
	ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level);
	ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
	ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 1);
	n = ZSTD_compress2(cctx, dst, cap, src, len);
	return ZSTD_isError(n) ? 0 : n;
}

/* ---- reading the source ---- */

static int src_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	return vol_read(ctx, off, buf, len);
}

static int read_meta(struct pack *pk)
{
	struct fat_geom *g = &pk->m.g;
	uint8_t bs[4096];
	size_t n = pk->v.size < sizeof(bs) ? (size_t)pk->v.size : sizeof(bs);
	char err[160];
	uint64_t fat_off;

	if (n < 512 || vol_read(&pk->v, 0, bs, n)) {
		log_err("%s: cannot read the boot sector", pk->o->src);
		return -1;
	}
	memcpy(pk->boot, bs, sizeof(pk->boot));
	if (fat_parse_boot(bs, n, g, err, sizeof(err))) {
		log_err("%s: not a FAT file system: %s", pk->o->src, err);
		return -1;
	}
	if (g->total_sectors * g->bytes_per_sector > pk->v.size) {
		log_err("%s: the file system is larger than the volume",
			pk->o->src);
		return -1;
	}
	fat_off = fat_reserved_bytes(g);
	pk->m.reserved = malloc(fat_reserved_bytes(g));
	pk->m.fat = malloc(fat_fat_bytes(g));
	pk->m.root = g->root_dir_sectors ? malloc(fat_root_bytes(g)) : NULL;
	if (!pk->m.reserved || !pk->m.fat ||
	    (g->root_dir_sectors && !pk->m.root)) {
		log_err("%s: out of memory", pk->o->src);
		return -1;
	}
	if (vol_read(&pk->v, 0, pk->m.reserved, fat_reserved_bytes(g)) ||
	    vol_read(&pk->v, fat_off, pk->m.fat, fat_fat_bytes(g)) ||
	    (pk->m.root &&
	     vol_read(&pk->v, fat_off + (uint64_t)g->nfats * fat_fat_bytes(g),
		      pk->m.root, fat_root_bytes(g)))) {
		log_err("%s: read error: %s", pk->o->src, strerror(errno));
		return -1;
	}
	return 0;
}

static void scan_warn(void *ctx, const char *msg)
{
	log_warn("%s: %s", (const char *)ctx, msg);
}

static int scan(struct pack *pk)
{
	const char *pat[256 + 64];
	size_t n = 0;
	char err[256];

	if (!pk->o->no_defaults)
		for (size_t i = 0; fat_default_excludes[i] && n < 64; i++)
			pat[n++] = fat_default_excludes[i];
	for (size_t i = 0; pk->o->excl && pk->o->excl[i] && i < 256; i++)
		pat[n++] = pk->o->excl[i];
	struct fat_excl ex = { pat, n };

	if (fat_scan(&pk->m, src_read, &pk->v, &ex,
		     pk->o->force ? FAT_SCAN_FORCE : 0, scan_warn,
		     (void *)(uintptr_t)pk->o->src, &pk->s, err,
		     sizeof(err))) {
		log_err("%s: %s (use --force to pack anyway)", pk->o->src,
			err);
		return -1;
	}
	if (pk->s.lost_freed)
		log_warn("%s: %u lost clusters freed", pk->o->src,
			 pk->s.lost_freed);
	return 0;
}

static int build_header(struct pack *pk)
{
	const struct fat_geom *g = &pk->m.g;
	struct imz_header *h = &pk->h;
	uint32_t n = 0;

	memset(h, 0, sizeof(*h));
	h->fat_type = g->type;
	h->sector_size = g->bytes_per_sector;
	h->cluster_bytes = g->cluster_bytes;
	h->reserved_sectors = g->reserved_sectors;
	h->nfats = g->nfats;
	h->root_entries = g->root_entries;
	h->fat_sectors = g->fat_sectors;
	h->total_sectors = g->total_sectors;
	h->cluster_count = g->cluster_count;
	h->used_clusters = pk->s.used_count;
	h->last_used = pk->s.last_used;
	h->chunk_clusters = imz_chunk_clusters(g->cluster_bytes);
	h->nchunks = (uint32_t)((h->used_clusters + (uint64_t)h->chunk_clusters -
				 1) / h->chunk_clusters);
	h->min_sectors = fat_min_sectors(g, pk->s.last_used);
	h->serial = g->serial;
	snprintf(h->label, sizeof(h->label), "%s", g->label);
	h->excluded_files = pk->s.excluded_files;
	h->excluded_bytes = pk->s.excluded_bytes;
	h->lost_freed = pk->s.lost_freed;
	pk->ulist = malloc(((size_t)h->used_clusters + 1) * sizeof(uint32_t));
	if (!pk->ulist) {
		log_err("%s: out of memory", pk->o->src);
		return -1;
	}
	for (uint32_t c = 2; c <= g->cluster_count + 1; c++)
		if (fat_bit(pk->s.used, c) && n < h->used_clusters)
			pk->ulist[n++] = c;
	if (n != h->used_clusters) {
		log_err("%s: used cluster count does not match the map",
			pk->o->src);
		return -1;
	}
	return 0;
}

/* ---- writing the image ---- */

static int out_write(struct pack *pk, const void *buf, size_t len)
{
	if (write_all(pk->fd, buf, len)) {
		log_err("%s: write error: %s", pk->o->out, strerror(errno));
		return -1;
	}
	pk->written += len;
	return 0;
}

static int put_part(struct pack *pk, uint32_t magic, uint32_t index,
		    const uint8_t *raw, size_t len, const uint8_t *comp,
		    size_t clen, uint64_t hash)
{
	struct imz_part p = { magic, index, len, clen, hash };
	uint8_t ph[IMZ_PART_LEN];

	imz_part_encode(&p, ph);
	if (out_write(pk, ph, sizeof(ph)) || out_write(pk, comp, clen))
		return -1;
	XXH64_update(pk->whole, raw, len);
	pk->stored += len;
	return 0;
}

static int put_meta(struct pack *pk, uint32_t magic, const uint8_t *raw,
		    size_t len)
{
	size_t cap = ZSTD_compressBound(len);
	uint8_t *comp = malloc(cap);
	size_t clen = comp ? imz_compress(pk->cctx, pk->o->level, comp, cap,
					  raw, len) : 0;
	int rc = -1;

	if (!clen)
		log_err("%s: %s: cannot compress", pk->o->out,
			imz_part_name(magic));
	else
		rc = put_part(pk, magic, 0, raw, len, comp, clen,
			      XXH64(raw, len, 0));
	free(comp);
	return rc;
}

/* ---- chunk workers ---- */

struct slot {
	int state;		/* 0 free, 1 taken, 2 done */
	uint8_t *raw, *comp;
	size_t raw_len, comp_len;
	uint64_t hash;
};

struct pool {
	struct pack *pk;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	uint32_t next, done;	/* next to take, chunks written */
	unsigned nslots;
	struct slot *slots;
	int fail;
};

/* Reads chunk i's clusters into raw, coalescing contiguous runs, and puts
 * in the patched directory clusters. */
static int gather(struct pack *pk, uint32_t i, uint8_t *raw, size_t *len)
{
	const struct imz_header *h = &pk->h;
	uint32_t first = i * h->chunk_clusters;
	uint32_t n = (uint32_t)(imz_chunk_bytes(h, i) / h->cluster_bytes);
	size_t cb = h->cluster_bytes;

	for (uint32_t j = 0, k; j < n; j = k) {
		for (k = j + 1; k < n && pk->ulist[first + k] ==
					      pk->ulist[first + k - 1] + 1; k++)
			;
		if (vol_read(&pk->v, fat_cluster_offset(&pk->m.g,
							pk->ulist[first + j]),
			     raw + j * cb, (k - j) * cb))
			return -1;
	}
	for (uint32_t j = 0; j < n && pk->s.ndir; j++) {
		const uint8_t *d = fat_scan_dir(&pk->s, pk->ulist[first + j]);

		if (d)
			memcpy(raw + j * cb, d, cb);
	}
	*len = n * cb;
	return 0;
}

static int work_one(struct pool *pl, void *cctx, uint32_t i, struct slot *s)
{
	struct pack *pk = pl->pk;

	if (gather(pk, i, s->raw, &s->raw_len)) {
		log_err("%s: read error in data chunk %u: %s", pk->o->src, i,
			strerror(errno));
		return -1;
	}
	s->hash = XXH64(s->raw, s->raw_len, 0);
	s->comp_len = imz_compress(cctx, pk->o->level, s->comp,
				   ZSTD_compressBound(IMZ_CHUNK_RAW), s->raw,
				   s->raw_len);
	if (!s->comp_len) {
		log_err("%s: data chunk %u: cannot compress", pk->o->out, i);
		return -1;
	}
	return 0;
}

static void *worker(void *arg)
{
	struct pool *pl = arg;
	void *cctx = ZSTD_createCCtx();

	pthread_mutex_lock(&pl->mu);
	while (!pl->fail && cctx && pl->next < pl->pk->h.nchunks) {
		uint32_t i;

		if (pl->next >= pl->done + pl->nslots) {
			pthread_cond_wait(&pl->cv, &pl->mu);
			continue;
		}
		i = pl->next++;
		struct slot *s = &pl->slots[i % pl->nslots];

		s->state = 1;
		pthread_mutex_unlock(&pl->mu);
		int rc = work_one(pl, cctx, i, s);

		pthread_mutex_lock(&pl->mu);
		if (rc)
			pl->fail = 1;
		s->state = 2;
		pthread_cond_broadcast(&pl->cv);
	}
	if (!cctx)
		pl->fail = 1;
	pthread_cond_broadcast(&pl->cv);
	pthread_mutex_unlock(&pl->mu);
	ZSTD_freeCCtx(cctx);
	return NULL;
}

/* Main thread: writes chunks in order as workers finish them. */
static int collect(struct pool *pl)
{
	struct pack *pk = pl->pk;

	for (uint32_t i = 0; i < pk->h.nchunks; i++) {
		struct slot *s = &pl->slots[i % pl->nslots];

		pthread_mutex_lock(&pl->mu);
		while (!pl->fail && s->state != 2)
			pthread_cond_wait(&pl->cv, &pl->mu);
		int fail = pl->fail;

		pthread_mutex_unlock(&pl->mu);
		if (fail || put_part(pk, IMZ_CHUNK, i, s->raw, s->raw_len,
				     s->comp, s->comp_len, s->hash))
			return -1;
		progress_add(&pk->pr, s->raw_len);
		pthread_mutex_lock(&pl->mu);
		s->state = 0;
		pl->done++;
		pthread_cond_broadcast(&pl->cv);
		pthread_mutex_unlock(&pl->mu);
	}
	return 0;
}

static int alloc_slots(struct pool *pl)
{
	pl->slots = calloc(pl->nslots, sizeof(*pl->slots));
	if (!pl->slots)
		return -1;
	for (unsigned k = 0; k < pl->nslots; k++) {
		pl->slots[k].raw = malloc(IMZ_CHUNK_RAW);
		pl->slots[k].comp = malloc(ZSTD_compressBound(IMZ_CHUNK_RAW));
		if (!pl->slots[k].raw || !pl->slots[k].comp)
			return -1;
	}
	return 0;
}

static int put_chunks(struct pack *pk)
{
	unsigned nt = pk->o->threads;
	struct pool pl = { .pk = pk, .nslots = 2 * nt };
	pthread_t tid[64];
	unsigned started = 0;
	int rc = -1;

	pthread_mutex_init(&pl.mu, NULL);
	pthread_cond_init(&pl.cv, NULL);
	if (alloc_slots(&pl)) {
		log_err("%s: out of memory", pk->o->out);
		pl.fail = 1;
	}
	for (; !pl.fail && started < nt; started++)
		if (pthread_create(&tid[started], NULL, worker, &pl))
			break;
	if (started && !pl.fail)
		rc = collect(&pl);
	pthread_mutex_lock(&pl.mu);
	pl.fail |= rc != 0;
	pthread_cond_broadcast(&pl.cv);
	pthread_mutex_unlock(&pl.mu);
	for (unsigned k = 0; k < started; k++)
		pthread_join(tid[k], NULL);
	for (unsigned k = 0; pl.slots && k < pl.nslots; k++) {
		free(pl.slots[k].raw);
		free(pl.slots[k].comp);
	}
	free(pl.slots);
	pthread_cond_destroy(&pl.cv);
	pthread_mutex_destroy(&pl.mu);
	return rc;
}

static int put_image(struct pack *pk)
{
	const struct fat_geom *g = &pk->m.g;
	uint8_t hb[IMZ_HDR_LEN], tb[IMZ_PART_LEN];
	struct imz_trailer t;

	XXH64_reset(pk->whole, 0);
	imz_header_encode(&pk->h, hb);
	if (out_write(pk, hb, sizeof(hb)) ||
	    put_meta(pk, IMZ_RESERVED, pk->m.reserved, fat_reserved_bytes(g)) ||
	    put_meta(pk, IMZ_FAT, pk->m.fat, fat_fat_bytes(g)) ||
	    (g->root_entries &&
	     put_meta(pk, IMZ_ROOT, pk->m.root, fat_root_bytes(g))) ||
	    put_meta(pk, IMZ_MAP, pk->s.used, imz_map_bytes(&pk->h)))
		return -1;
	progress_init(&pk->pr, (uint64_t)pk->h.used_clusters *
				       pk->h.cluster_bytes, pk->o->quiet);
	if (put_chunks(pk))
		return -1;
	progress_end(&pk->pr);
	t.nchunks = pk->h.nchunks;
	t.stored = pk->stored;
	t.image_bytes = pk->written;
	t.whole = XXH64_digest(pk->whole);
	imz_trailer_encode(&t, tb);
	return out_write(pk, tb, sizeof(tb));
}

/* ---- the .chk ---- */

/* Counts on from the .chk already at path, if it is one. */
static uint16_t chk_counter(const char *path)
{
	char *old = NULL;
	size_t len = 0;
	uint16_t next;

	if (file_read(AT_FDCWD, path, CHK_LEN, &old, &len))
		len = 0;
	next = chk_next_counter((const uint8_t *)old, len);
	free(old);
	return next;
}

static int put_chk(struct pack *pk, const char *path, uint64_t whole)
{
	uint8_t chk[CHK_LEN];
	struct imz_temp t;
	int rc;

	chk_encode(pk->boot, &pk->m.g, chk_counter(path), xxh64_fold16(whole),
		   chk);
	rc = imz_temp_begin(&t, path, 0644);
	if (!rc) {
		rc = write_all(t.af.fd, chk, sizeof(chk));
		rc = rc ? rc : imz_temp_commit(&t, false);
		imz_temp_abort(&t);
	}
	if (rc) {
		log_err("%s: %s", path, strerror(-rc));
		return -1;
	}
	return 0;
}

/* ---- the command ---- */

/* The image (to pk->fd), then its rename from the temporary t unless
 * it goes to stdout (t NULL), then the .chk. */
static int write_out(struct pack *pk, struct imz_temp *t, const char *chk)
{
	int rc;

	if (put_image(pk))
		return -1;
	rc = t ? imz_temp_commit(t, false) : 0;
	if (rc) {
		log_err("%s: %s", t->af.path, strerror(-rc));
		return -1;
	}
	return put_chk(pk, chk, XXH64_digest(pk->whole));
}

static int pack_source(struct pack *pk, struct imz_temp *t, const char *chk)
{
	char err[160];
	int rc = EXIT_FAIL;

	if (vol_open(&pk->v, pk->o->src, (int)pk->o->partition, 0, err,
		     sizeof(err))) {
		log_err("%s: %s", pk->o->src, err);
		return EXIT_FAIL;
	}
	pk->cctx = ZSTD_createCCtx();
	pk->whole = XXH64_createState();
	if (pk->cctx && pk->whole && !read_meta(pk) && !scan(pk) &&
	    !build_header(pk) && !write_out(pk, t, chk))
		rc = EXIT_OK;
	ZSTD_freeCCtx(pk->cctx);
	XXH64_freeState(pk->whole);
	free(pk->ulist);
	fat_scan_free(&pk->s);
	fat_meta_free(&pk->m);
	vol_close(&pk->v);
	return rc;
}

/* The temporary .imz is made before the source is opened, so that an
 * output directory that cannot be written fails at once. */
static int pack_run(const struct pack_opts *o)
{
	struct pack pk = { .o = o, .fd = STDOUT_FILENO };
	struct imz_temp t;
	char imz[4096], chk[4096];
	size_t n = strlen(o->out);
	int rc, std = !strcmp(o->out, "-");

	if (n > 4 && !strcmp(o->out + n - 4, ".imz"))
		n -= 4;
	snprintf(imz, sizeof(imz), "%.*s.imz", (int)n, o->out);
	snprintf(chk, sizeof(chk), "%.*s.chk", (int)n, o->out);
	if (o->chk)
		snprintf(chk, sizeof(chk), "%s", o->chk);
	imz_temp_clean(chk);
	if (std)
		return pack_source(&pk, NULL, chk);
	imz_temp_clean(imz);
	rc = imz_temp_begin(&t, imz, 0644);
	if (rc) {
		log_err("%s: %s", imz, strerror(-rc));
		return EXIT_FAIL;
	}
	pk.fd = t.af.fd;
	rc = pack_source(&pk, &t, chk);
	imz_temp_abort(&t);
	return rc;
}

int cmd_pack(int argc, char **argv)
{
	struct pack_opts o = { .level = 3 };
	char *part = NULL, *threads = NULL, *level = NULL, **excl = NULL;
	char *chk = NULL;
	struct poptOption table[] = {
		{ "quiet", 'q', POPT_ARG_NONE, &o.quiet, 0, "no progress line",
		  NULL },
		{ "force", 'f', POPT_ARG_NONE, &o.force, 0,
		  "pack a dirty or damaged file system anyway", NULL },
		{ "partition", 'p', POPT_ARG_STRING, &part, 0,
		  "SOURCE is a disk: use MBR partition N (1-4)", "N" },
		{ "threads", 'T', POPT_ARG_STRING, &threads, 0,
		  "compression threads (1-64, default: CPUs)", "N" },
		{ "level", 'l', POPT_ARG_STRING, &level, 0,
		  "zstd level (1-19, default 3)", "LEVEL" },
		{ "exclude", 'x', POPT_ARG_ARGV, &excl, 0,
		  "also leave out files matching PATTERN", "PATTERN" },
		{ "no-default-excludes", '\0', POPT_ARG_NONE, &o.no_defaults,
		  0, "keep *.SWP, pagefile.sys, hiberfil.sys, swapfile.sys",
		  NULL },
		{ "chk", '\0', POPT_ARG_STRING, &chk, 0,
		  "write the .chk here (required with OUT -)", "FILE" },
		OPTS_COMMON_TABLE,
		POPT_AUTOHELP POPT_TABLEEND
	};
	poptContext ctx = opts_parse("mkimz pack", argc, argv, table,
				     "SOURCE OUT[.imz]");
	const char **args;
	int nargs, rc;

	if (part)
		o.partition = (unsigned)opts_num(ctx, "--partition", part, 1, 4);
	o.threads = imz_threads(ctx, threads);
	if (level)
		o.level = (int)opts_num(ctx, "--level", level, 1, 19);
	args = opts_args(ctx, &nargs);
	if (nargs != 2)
		opts_usage_error(ctx, "need SOURCE and OUT");
	if (!strcmp(args[1], "-") && !chk)
		opts_usage_error(ctx, "OUT - (stdout) needs --chk FILE");
	o.src = args[0];
	o.out = args[1];
	o.chk = chk;
	o.excl = excl;
	rc = pack_run(&o);
	if (excl)
		for (char **x = excl; *x; x++)
			free(*x);
	free(excl);
	free(part);
	free(threads);
	free(level);
	free(chk);
	poptFreeContext(ctx);
	return rc;
}
