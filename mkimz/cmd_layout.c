// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mkimz layout DISK TABFILE: writes the MBR a TABFILE describes and
 * quick-formats its labelled partitions as FAT16.  Everything is checked
 * before the first byte of DISK is written.  mkimz layout --print-next
 * TABFILE prints the table's fifth line, the image to restore next.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "file.h"
#include "format.h"
#include "layout.h"
#include "log.h"
#include "opts.h"

struct layout_job {
	const char *disk, *tab;
	int fd, quiet;
	struct layout_geom g;
	struct layout_spec spec;
	struct layout_extent ext[LAYOUT_PARTS];
	struct fmt16_plan plan[LAYOUT_PARTS];
	uint8_t mbr[MBR_SECTOR];
};

/* TABFILE into a new buffer (the caller frees it): 0 or -1 after logging. */
static int read_tab(const char *path, char **buf, size_t *len)
{
	int rc = file_read(AT_FDCWD, path, LAYOUT_MAX_BYTES, buf, len);

	if (rc == -EFBIG)
		log_err("%s: longer than %d bytes", path, LAYOUT_MAX_BYTES);
	else if (rc < 0)
		log_err("%s: %s", path, strerror(-rc));
	return rc < 0 ? -1 : 0;
}

static int disk_size(struct layout_job *j)
{
	struct stat st;
	uint64_t bytes;

	if (fstat(j->fd, &st) != 0) {
		log_err("%s: %s", j->disk, strerror(errno));
		return -1;
	}
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(j->fd, BLKGETSIZE64, &bytes) != 0) {
			log_err("%s: size: %s", j->disk, strerror(errno));
			return -1;
		}
	} else if (S_ISREG(st.st_mode)) {
		bytes = (uint64_t)st.st_size;
	} else {
		log_err("%s: not a disk image file or block device", j->disk);
		return -1;
	}
	j->g.disk_sectors = bytes / MBR_SECTOR;
	if (j->g.disk_sectors < 2) {
		log_err("%s: too small for a partition table", j->disk);
		return -1;
	}
	return 0;
}

/* The old MBR keeps its boot code and disk signature; without 0x55AA a
 * fresh one gets a new signature. */
static int load_mbr(struct layout_job *j)
{
	uint32_t sig = 0;
	ssize_t n = pread(j->fd, j->mbr, MBR_SECTOR, 0);

	if (n != MBR_SECTOR) {
		log_err("%s: reading sector 0: %s", j->disk,
			n < 0 ? strerror(errno) : "short read");
		return -1;
	}
	if (j->mbr[MBR_SIGNATURE] == 0x55 && j->mbr[MBR_SIGNATURE + 1] == 0xaa)
		return 0;
	memset(j->mbr, 0, sizeof(j->mbr));
	while (sig == 0)
		if (getrandom(&sig, sizeof(sig), 0) != sizeof(sig))
			sig = (uint32_t)getpid() * 2654435761u;
	memcpy(j->mbr + MBR_DISKSIG, &sig, sizeof(sig));
	return 0;
}

static int plan_formats(struct layout_job *j)
{
	char err[160];

	for (unsigned i = 0; i < LAYOUT_PARTS; i++) {
		const struct layout_part *pt = &j->spec.part[i];

		if (j->ext[i].count == 0 || pt->label[0] == '\0')
			continue;
		if (fmt16_plan(j->ext[i].count, &j->plan[i], err, sizeof(err))) {
			log_err("%s:%u: partition %u: %s", j->tab, pt->line,
				i + 1, err);
			return -1;
		}
	}
	return 0;
}

static int write_all(struct layout_job *j, const void *buf, size_t len,
		     uint64_t off)
{
	const uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = pwrite(j->fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			log_err("%s: writing at %llu: %s", j->disk,
				(unsigned long long)off,
				n < 0 ? strerror(errno) : "no space");
			return -1;
		}
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

static int format_one(struct layout_job *j, unsigned i)
{
	const struct fmt16_plan *p = &j->plan[i];
	struct fmt16_id id = {
		.hidden = (uint32_t)j->ext[i].start,
		.heads = (uint16_t)j->g.heads,
		.sectors_per_track = (uint16_t)j->g.sectors,
		.label = j->spec.part[i].label,
	};
	size_t len = (size_t)p->meta_sectors * FMT16_SECTOR;
	uint8_t *buf = malloc(len);
	int rc;

	if (buf == NULL) {
		log_err("%s: out of memory", j->disk);
		return -1;
	}
	if (getrandom(&id.serial, sizeof(id.serial), 0) != sizeof(id.serial))
		id.serial = (uint32_t)j->ext[i].start ^ (uint32_t)getpid();
	fmt16_build(p, &id, buf);
	rc = write_all(j, buf, len, j->ext[i].start * MBR_SECTOR);
	free(buf);
	return rc;
}

static void report(const struct layout_job *j)
{
	for (unsigned i = 0; i < LAYOUT_PARTS; i++) {
		const struct layout_part *pt = &j->spec.part[i];

		if (j->ext[i].count == 0)
			continue;
		printf("%u: start %llu, %llu sectors, type %02x%s%s%s\n", i + 1,
		       (unsigned long long)j->ext[i].start,
		       (unsigned long long)j->ext[i].count, pt->type,
		       pt->boot ? ", boot" : "",
		       pt->label[0] ? ", FAT16 " : "", pt->label);
	}
	if (j->spec.next_boot[0] != '\0')
		printf("next boot: %s\n", j->spec.next_boot);
}

static int write_disk(struct layout_job *j)
{
	int skipped;

	layout_mbr(&j->spec, &j->g, j->ext, j->mbr, &skipped);
	if (skipped == LAYOUT_NB_CODE)
		log_warn("%s:%u: %s: bytes 0x1a0..0x1b7 hold boot code: next boot image not stored",
			 j->tab, j->spec.next_boot_line, j->disk);
	else if (skipped == LAYOUT_NB_LONG)
		log_warn("%s:%u: %s: next boot image longer than %d bytes: not stored in the MBR",
			 j->tab, j->spec.next_boot_line, j->disk,
			 MBR_NEXTBOOT_MAX);
	for (unsigned i = 0; i < LAYOUT_PARTS; i++)
		if (j->plan[i].meta_sectors != 0 && format_one(j, i))
			return -1;
	if (write_all(j, j->mbr, MBR_SECTOR, 0))
		return -1;
	if (fdatasync(j->fd) != 0) {
		log_err("%s: fdatasync: %s", j->disk, strerror(errno));
		return -1;
	}
	return 0;
}

/* TABFILE read and parsed into j->spec: 0, or -1 after logging. */
static int load_tab(struct layout_job *j)
{
	char *buf, err[160];
	size_t len;
	unsigned line;
	int bad;

	if (read_tab(j->tab, &buf, &len))
		return -1;
	bad = layout_parse(buf, len, &j->spec, &line, err, sizeof(err));
	free(buf);
	if (bad)
		log_err("%s:%u: %s", j->tab, line, err);
	return bad ? -1 : 0;
}

/* --print-next: the fifth line alone, for a restore to use. */
static int print_next(struct layout_job *j)
{
	if (load_tab(j))
		return EXIT_FAIL;
	if (j->spec.next_boot[0] == '\0') {
		log_err("%s: no fifth line (next boot image)", j->tab);
		return EXIT_FAIL;
	}
	printf("%s\n", j->spec.next_boot);
	return EXIT_OK;
}

static int run(struct layout_job *j)
{
	char err[160];
	unsigned line;

	if (load_tab(j))
		return EXIT_FAIL;
	j->fd = open(j->disk, O_RDWR | O_CLOEXEC);
	if (j->fd < 0) {
		log_err("%s: %s", j->disk, strerror(errno));
		return EXIT_FAIL;
	}
	if (disk_size(j) || load_mbr(j))
		return EXIT_FAIL;
	if (layout_compute(&j->spec, &j->g, j->ext, &line, err, sizeof(err))) {
		log_err("%s:%u: %s", j->tab, line, err);
		return EXIT_FAIL;
	}
	if (plan_formats(j) || write_disk(j))
		return EXIT_FAIL;
	if (!j->quiet)
		report(j);
	return EXIT_OK;
}

int cmd_layout(int argc, char **argv)
{
	struct layout_job j = { .fd = -1, .g = { .heads = 255, .sectors = 63 } };
	char *heads = NULL, *sectors = NULL;
	int next = 0;
	struct poptOption table[] = {
		{ "print-next", 'n', POPT_ARG_NONE, &next, 0,
		  "print TABFILE's next boot image (its fifth line) and exit",
		  NULL },
		{ "quiet", 'q', POPT_ARG_NONE, &j.quiet, 0,
		  "print nothing on success", NULL },
		{ "heads", 'H', POPT_ARG_STRING, &heads, 0,
		  "heads per cylinder (1-255, default 255)", "HEADS" },
		{ "sectors", 'S', POPT_ARG_STRING, &sectors, 0,
		  "sectors per track (1-63, default 63)", "SECTORS" },
		OPTS_COMMON_TABLE,
		POPT_AUTOHELP POPT_TABLEEND
	};
	poptContext ctx = opts_parse("mkimz layout", argc, argv, table,
				     "DISK TABFILE | --print-next TABFILE");
	const char **args;
	int nargs, rc;

	if (heads)
		j.g.heads = (uint32_t)opts_num(ctx, "--heads", heads, 1, 255);
	if (sectors)
		j.g.sectors = (uint32_t)opts_num(ctx, "--sectors", sectors, 1, 63);
	args = opts_args(ctx, &nargs);
	if (next && nargs != 1)
		opts_usage_error(ctx, "--print-next needs TABFILE alone");
	if (!next && nargs != 2)
		opts_usage_error(ctx, "need DISK and TABFILE");
	j.disk = args[0];
	j.tab = args[nargs - 1];
	rc = next ? print_next(&j) : run(&j);
	if (j.fd >= 0 && close(j.fd) != 0 && rc == EXIT_OK) {
		log_err("%s: %s", j.disk, strerror(errno));
		rc = EXIT_FAIL;
	}
	poptFreeContext(ctx);
	return rc;
}
