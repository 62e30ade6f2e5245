/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mkimz verify (decompress and check everything) and info (header only). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "hash.h"
#include "imz.h"
#include "opts.h"
#include "pack.h"
#include "progress.h"
#include "unpack.h"

static int verify_run(const char *image, int quiet, unsigned threads)
{
	struct imz_reader r;
	struct progress pr;
	char err[300];
	int fd, rc = EXIT_FAIL;

	if (imz_open_image(image, &fd))
		return EXIT_FAIL;
	if (imz_open(&r, imz_fd_read, &fd, err, sizeof(err)))
		goto bad;
	progress_init(&pr, (uint64_t)r.h.used_clusters * r.h.cluster_bytes,
		      quiet);
	if (imz_read_chunks(&r, image, threads, NULL, NULL, &pr, err,
			    sizeof(err))) {
		progress_end(&pr);
		log_err("%s", err);
		goto out;
	}
	progress_end(&pr);
	if (imz_finish(&r, err, sizeof(err)))
		goto bad;
	rc = EXIT_OK;
	if (!quiet)
		printf("%s: OK\n", image);
	goto out;
bad:
	log_err("%s: %s", image, err);
out:
	imz_close(&r);
	if (fd > STDIN_FILENO)
		close(fd);
	return rc;
}

int cmd_verify(int argc, char **argv)
{
	int quiet = 0, nargs, rc;
	char *threads = NULL;
	unsigned nt;
	struct poptOption table[] = {
		{ "quiet", 'q', POPT_ARG_NONE, &quiet, 0,
		  "print nothing on success", NULL },
		{ "threads", 'T', POPT_ARG_STRING, &threads, 0,
		  "threads (1-64, default: CPUs)", "N" },
		OPTS_COMMON_TABLE,
		POPT_AUTOHELP POPT_TABLEEND
	};
	poptContext ctx = opts_parse("mkimz verify", argc, argv, table,
				     "IMAGE");
	const char **args;

	nt = imz_threads(ctx, threads);
	args = opts_args(ctx, &nargs);
	if (nargs != 1)
		opts_usage_error(ctx, "need one IMAGE");
	rc = verify_run(args[0], quiet, nt);
	free(threads);
	poptFreeContext(ctx);
	return rc;
}

/* ---- info ---- */

struct info {
	struct imz_header h;
	struct imz_trailer t;
	int have_trailer;
	uint64_t image_bytes;
};

static uint64_t stored_bytes(const struct imz_header *h)
{
	return imz_reserved_bytes(h) + imz_fat_bytes(h) +
	       (h->root_entries ? imz_root_bytes(h) : 0) + imz_map_bytes(h) +
	       (uint64_t)h->used_clusters * h->cluster_bytes;
}

static int info_read(const char *image, struct info *in)
{
	uint8_t hb[IMZ_HDR_LEN], tb[IMZ_PART_LEN];
	char err[160];
	struct stat st;
	int fd;

	memset(in, 0, sizeof(*in));
	if (imz_open_image(image, &fd))
		return -1;
	if (imz_fd_read(&fd, hb, sizeof(hb)) != (long)sizeof(hb)) {
		snprintf(err, sizeof(err), "header: truncated");
	} else if (imz_header_decode(hb, sizeof(hb), &in->h, err, sizeof(err))) {
		memmove(err + 8, err, strlen(err) + 1 < sizeof(err) - 8 ?
					       strlen(err) + 1 : sizeof(err) - 8);
		memcpy(err, "header: ", 8);
	} else {
		err[0] = '\0';
		if (!fstat(fd, &st) && S_ISREG(st.st_mode) &&
		    st.st_size >= IMZ_HDR_LEN + IMZ_PART_LEN &&
		    pread(fd, tb, sizeof(tb), st.st_size - IMZ_PART_LEN) ==
			    (ssize_t)sizeof(tb) &&
		    !imz_trailer_decode(tb, sizeof(tb), &in->t, err,
					sizeof(err))) {
			in->have_trailer = 1;
			in->image_bytes = (uint64_t)st.st_size;
		}
		err[0] = '\0';
	}
	if (fd > STDIN_FILENO)
		close(fd);
	if (err[0]) {
		log_err("%s: %s", image, err);
		return -1;
	}
	return 0;
}

static void info_print(const struct info *in, int porcelain)
{
	const struct imz_header *h = &in->h;
	char sum[8] = "", hash[24] = "", img[24] = "";
	const char *fmt = porcelain ? "%s=%s\n" : "%-20s %s\n";
	char v[32];

	if (in->have_trailer) {
		snprintf(sum, sizeof(sum), "%04x", xxh64_fold16(in->t.whole));
		snprintf(hash, sizeof(hash), "%016llx",
			 (unsigned long long)in->t.whole);
		snprintf(img, sizeof(img), "%llu",
			 (unsigned long long)in->image_bytes);
	}
#define KV(k, name, ...)                                                      \
	do {                                                                  \
		snprintf(v, sizeof(v), __VA_ARGS__);                          \
		printf(fmt, porcelain ? k : name ":", v);                     \
	} while (0)
	KV("format_version", "Format version", "%u", h->version);
	KV("fat_type", "FAT type", "%u", h->fat_type);
	KV("sector_size", "Sector size", "%u", h->sector_size);
	KV("cluster_size", "Cluster size", "%u", h->cluster_bytes);
	KV("source_sectors", "Source sectors", "%llu",
	   (unsigned long long)h->total_sectors);
	KV("clusters", "Clusters", "%u", h->cluster_count);
	KV("used_clusters", "Used clusters", "%u", h->used_clusters);
	KV("last_used_cluster", "Last used cluster", "%u", h->last_used);
	KV("min_target_sectors", "Min target sectors", "%llu",
	   (unsigned long long)h->min_sectors);
	KV("stored_bytes", "Stored bytes", "%llu",
	   (unsigned long long)stored_bytes(h));
	KV("image_bytes", "Image bytes", "%s", img);
	KV("chunks", "Chunks", "%u", h->nchunks);
	KV("checksum16", "Checksum16", "%s", sum);
	KV("hash", "Hash", "%s", hash);
	KV("serial", "Serial", "%08x", h->serial);
	KV("label", "Label", "%s", h->label);
	KV("excluded_files", "Excluded files", "%u", h->excluded_files);
	KV("excluded_bytes", "Excluded bytes", "%llu",
	   (unsigned long long)h->excluded_bytes);
	KV("lost_clusters_freed", "Lost clusters freed", "%u", h->lost_freed);
#undef KV
}

int cmd_info(int argc, char **argv)
{
	int porcelain = 0, nargs, rc = EXIT_FAIL;
	struct poptOption table[] = {
		{ "porcelain", '\0', POPT_ARG_NONE, &porcelain, 0,
		  "key=value lines for scripts", NULL },
		OPTS_COMMON_TABLE,
		POPT_AUTOHELP POPT_TABLEEND
	};
	poptContext ctx = opts_parse("mkimz info", argc, argv, table, "IMAGE");
	const char **args = opts_args(ctx, &nargs);
	struct info in;

	if (nargs != 1)
		opts_usage_error(ctx, "need one IMAGE");
	if (!info_read(args[0], &in)) {
		info_print(&in, porcelain);
		rc = EXIT_OK;
	}
	poptFreeContext(ctx);
	return rc;
}
