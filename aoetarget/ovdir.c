/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "ovdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "mac.h"
#include "opts.h"
#include "overlay.h"

#define NAME_MAX_OV 40          /* "52-54-00-12-34-56.discard" and more */
#define IDENT_BUF (64u * ATA_SECTOR)

enum client_state {
	CL_NONE,        /* no overlay: reads from the base */
	CL_OPEN,        /* its overlay is open and locked */
	CL_REFUSED,     /* its overlay does not fit: every I/O fails */
};

struct client {
	uint8_t mac[6];
	enum client_state state;
	bool create_failed;     /* logged once; tried again at each write */
	struct disk file;       /* the overlay; base = its data offset */
	struct ovl_map map;
	uint8_t *img, *dirty;   /* img: in live, or allocated */
	uint8_t *live;          /* the live map, mapped; or NULL */
	size_t live_len;
};

struct ovdir {
	char *dir;
	int dirfd;
	int livefd;             /* the live maps' directory, or -1 */
	struct disk *base;      /* &own */
	struct disk own;        /* the base file, taken over at open */
	uint64_t ident;
	struct client *cl;
	unsigned ncl;
	unsigned last;          /* the client served last: checked first */
};

static void file_name(char *buf, const uint8_t mac[6], const char *ext)
{
	char m[MAC_STRLEN];

	snprintf(buf, NAME_MAX_OV, "%s%s", mac_format(mac, MAC_FMT_HEXHYP, m),
		 ext);
}

/* The MAC an overlay directory entry is named after, or -1. */
static int name_mac(const char *name, const char *ext, uint8_t mac[6])
{
	size_t n = strlen(name), e = strlen(ext);

	if (n <= e || strcmp(name + n - e, ext) != 0)
		return -1;
	return mac_parse_mem(name, n - e, mac) < 0 ? -1 : 0;
}

static int pread_full(int fd, uint8_t *buf, size_t len, uint64_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, buf + done, len - done,
				  (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		done += (size_t)n;
	}
	return 0;
}

static int pwrite_full(int fd, const uint8_t *buf, size_t len, uint64_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pwrite(fd, buf + done, len - done,
				   (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		done += (size_t)n;
	}
	return 0;
}

/* --- live maps ----------------------------------------------------------------- */

/*
 * Depth 0: the run directory; 1: the live maps' directory under it; 2:
 * the one of the overlay directory whose status is st, named after its
 * device and inode (a reboot, which may renumber devices, empties it).
 */
static int live_path(const struct stat *st, unsigned depth, char *buf,
		     size_t len)
{
	const char *run = getenv("AOETARGET_RUNDIR");
	int n;

	if (run == NULL || *run == '\0')
		run = OVDIR_RUNDIR;
	if (depth == 0)
		n = snprintf(buf, len, "%s", run);
	else if (depth == 1)
		n = snprintf(buf, len, "%s/ovmap", run);
	else
		n = snprintf(buf, len, "%s/ovmap/%jx-%jx", run,
			     (uintmax_t)st->st_dev, (uintmax_t)st->st_ino);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int ovdir_live_path(const char *dir, unsigned depth, char *buf, size_t len)
{
	struct stat st;

	if (depth >= 2 && stat(dir, &st) < 0)
		return -errno;
	return live_path(&st, depth, buf, len);
}

/* The live maps' directory of the overlay directory dirfd (made when make). */
static int live_dir_open(int dirfd, bool make, char *path, size_t len)
{
	struct stat st;
	int rc = fstat(dirfd, &st) < 0 ? -errno : 0, fd;

	if (rc == 0)
		rc = live_path(&st, 2, path, len);
	if (rc < 0)
		return rc;
	if (make && mkdir(path, 0700) < 0 && errno != EEXIST)
		return -errno;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* At a clean stop: the live maps' directory goes when it is empty. */
static void live_dir_remove(int dirfd)
{
	char path[PATH_MAX];
	struct stat st;

	if (fstat(dirfd, &st) == 0 &&
	    live_path(&st, 2, path, sizeof(path)) == 0)
		(void)unlinkat(AT_FDCWD, path, AT_REMOVEDIR);
}

/* --- the base's identity --------------------------------------------------- */

static int base_ident(struct disk *base, uint64_t *ident)
{
	uint8_t *buf = malloc(IDENT_BUF);
	uint64_t h = ovl_ident_start(base->sectors), lba;
	unsigned count;
	int rc = buf ? 0 : -ENOMEM;

	for (unsigned n = 0; rc == 0 &&
	     ovl_ident_sample(base->sectors, n, &lba, &count); n++) {
		while (rc == 0 && count > 0) {
			unsigned c = count < 64 ? count : 64;

			rc = disk_read(base, buf, lba, c);
			h = ovl_hash64(h, buf, (size_t)c * ATA_SECTOR);
			lba += c;
			count -= c;
		}
	}
	free(buf);
	*ident = h;
	return rc;
}

/* --- one client's overlay -------------------------------------------------- */

static void client_close(struct client *c)
{
	if (c->file.fd >= 0)
		close(c->file.fd);
	c->file.fd = -1;
	if (c->live)
		munmap(c->live, c->live_len);
	else
		free(c->img);
	free(c->dirty);
	c->img = c->dirty = c->live = NULL;
	c->state = CL_NONE;
}

/*
 * The live map of a client whose map was just read from its overlay
 * (header h): one left by a process that died is adopted, its marks
 * added to the file's (they map data the page cache still holds: /run
 * did not survive a reboot); otherwise it is made afresh from the file's.
 * The map in use is then the mapped one: marking a chunk costs nothing
 * more.  0, or -errno when there is no live map (the map stays in memory).
 */
static int live_map(struct ovdir *ov, struct client *c, const struct ovl_hdr *h)
{
	struct ovl_live want = { .hdr = *h };
	size_t len = (size_t)ovl_data_offset(h->nblocks);
	char name[NAME_MAX_OV], ovl[NAME_MAX_OV];
	const char *why = NULL;
	struct stat st;
	uint8_t *live;
	int fd, rc = 0;

	if (ov->livefd < 0 || fstat(c->file.fd, &st) < 0)
		return -ENOENT;
	want.dev = st.st_dev;
	want.ino = st.st_ino;
	file_name(name, c->mac, ".map");
	file_name(ovl, c->mac, ".ovl");
	fd = openat(ov->livefd, name, O_RDWR | O_CREAT | O_CLOEXEC |
		    O_NOFOLLOW, 0600);
	if (fd < 0 || fstat(fd, &st) < 0)
		rc = -errno;
	else if ((size_t)st.st_size != len &&
		 (ftruncate(fd, 0) < 0 || ftruncate(fd, (off_t)len) < 0))
		rc = -errno;
	live = rc == 0 ? mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED,
			      fd, 0) : MAP_FAILED;
	if (rc == 0 && live == MAP_FAILED)
		rc = -errno;
	if (fd >= 0)
		close(fd);
	if (rc < 0) {
		log_err("%s/%s: live map: %s; the map is kept in memory only",
			ov->dir, ovl, strerror(-rc));
		return rc;
	}
	if (ovl_live_parse(live, len, &want, &why) == 0) {
		uint32_t n = ovl_live_adopt(&c->map, live + OVL_BLOCK, c->dirty,
					    h->sectors, c->img);

		if (n)
			log_notice("%s/%s: %u map block%s not yet flushed taken "
				   "from its live map", ov->dir, ovl, n,
				   n == 1 ? "" : "s");
	} else {
		if ((size_t)st.st_size == len)
			log_notice("%s/%s: live map not used: %s", ov->dir,
				   ovl, why);
		memcpy(live + OVL_BLOCK, c->img, len - OVL_BLOCK);
		ovl_live_adopt(&c->map, live + OVL_BLOCK, c->dirty, h->sectors,
			       c->img);
		/* Last: a live map without its header is never adopted. */
		ovl_live_format(&want, live);
	}
	free(c->img);
	c->img = live + OVL_BLOCK;
	c->live = live;
	c->live_len = len;
	return 0;
}

/*
 * Header of an open overlay checked against the base, then (unless
 * header_only) its map read and checked.
 */
static int client_load(struct ovdir *ov, struct client *c, bool header_only,
		       const char **why)
{
	uint8_t hb[OVL_BLOCK];
	struct ovl_hdr h;
	size_t len;
	int rc = pread_full(c->file.fd, hb, sizeof(hb), 0);

	if (rc < 0)
		return *why = "reading the header", rc;
	if (ovl_hdr_parse(hb, sizeof(hb), &h, why) < 0)
		return -EINVAL;
	if (h.sectors != ov->base->sectors || h.ident != ov->ident)
		return *why = "made for another base image (size or content "
			      "differs)", -EINVAL;
	if (memcmp(h.mac, c->mac, 6) != 0)
		return *why = "made for another client", -EINVAL;
	if (header_only)
		return 0;
	len = (size_t)h.nblocks * OVL_BLOCK;
	c->img = malloc(len);
	c->dirty = malloc(h.nblocks);
	if (c->img == NULL || c->dirty == NULL)
		return *why = "memory", -ENOMEM;
	rc = pread_full(c->file.fd, c->img, len, OVL_BLOCK);
	if (rc < 0)
		return *why = "reading the map", rc;
	if (ovl_map_parse(&c->map, c->img, len, c->dirty, h.sectors, why) < 0)
		return -EINVAL;
	c->file.base = ovl_data_offset(h.nblocks);
	(void)live_map(ov, c, &h);
	return 0;
}

/*
 * Takes the lock of an overlay just opened.  A file unlinked before we
 * held it was discarded: -ENOENT.
 */
static int lock_open(int fd)
{
	struct stat st;

	if (flock(fd, LOCK_EX | LOCK_NB) < 0)
		return errno == EWOULDBLOCK ? -EBUSY : -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	return st.st_nlink == 0 ? -ENOENT : 0;
}

/*
 * Finds the client's overlay in the directory, if it has one, and opens
 * it (header_only: checks its header and leaves it closed).
 */
static void client_find(struct ovdir *ov, struct client *c, bool header_only)
{
	char name[NAME_MAX_OV];
	const char *why = "open";
	int rc;

	file_name(name, c->mac, ".ovl");
	c->file = (struct disk){ .fd = -1, .sectors = ov->base->sectors };
	c->file.fd = openat(ov->dirfd, name, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	rc = c->file.fd < 0 ? -errno : lock_open(c->file.fd);
	if (rc == -ENOENT) {
		client_close(c);
		return;
	}
	if (rc == 0)
		rc = client_load(ov, c, header_only, &why);
	else
		why = rc == -EBUSY ? "locked by another process" : "open";
	if (rc < 0) {
		/* -EINVAL: the file itself is wrong, why says how. */
		log_err("%s/%s: %s%s%s; refused (aoetarget overlay discard %s "
			"removes it)", ov->dir, name, why, rc == -EINVAL ? "" : ": ",
			rc == -EINVAL ? "" : strerror(-rc), ov->dir);
		client_close(c);
		c->state = CL_REFUSED;
		return;
	}
	c->state = CL_OPEN;
}

static struct client *client_get(struct ovdir *ov, const uint8_t mac[6])
{
	struct client *c;

	if (ov->last < ov->ncl && memcmp(ov->cl[ov->last].mac, mac, 6) == 0)
		return &ov->cl[ov->last];
	for (unsigned i = 0; i < ov->ncl; i++)
		if (memcmp(ov->cl[i].mac, mac, 6) == 0)
			return &ov->cl[ov->last = i];
	c = realloc(ov->cl, (ov->ncl + 1) * sizeof(*c));
	if (c == NULL)
		return NULL;
	ov->cl = c;
	c = &ov->cl[ov->last = ov->ncl++];
	memset(c, 0, sizeof(*c));
	memcpy(c->mac, mac, 6);
	client_find(ov, c, false);
	return c;
}

/* A new overlay: written whole under a temporary name, synced, renamed. */
static int client_create(struct ovdir *ov, struct client *c)
{
	char name[NAME_MAX_OV], tmp[NAME_MAX_OV];
	struct ovl_hdr h = { .version = OVL_VERSION,
			     .nblocks = ovl_map_blocks(ov->base->sectors),
			     .sectors = ov->base->sectors, .ident = ov->ident,
			     .created = (uint64_t)time(NULL) };
	uint8_t hb[OVL_BLOCK];
	size_t len = (size_t)h.nblocks * OVL_BLOCK;
	int fd, rc;

	file_name(name, c->mac, ".ovl");
	file_name(tmp, c->mac, ".new");
	memcpy(h.mac, c->mac, 6);
	c->img = malloc(len);
	c->dirty = malloc(h.nblocks);
	fd = openat(ov->dirfd, tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC |
		    O_NOFOLLOW, 0600);
	if (c->img == NULL || c->dirty == NULL || fd < 0) {
		rc = fd < 0 ? -errno : -ENOMEM;
		goto fail;
	}
	c->file.fd = fd;
	ovl_map_init(&c->map, c->img, c->dirty, h.sectors);
	ovl_hdr_format(&h, hb);
	rc = pwrite_full(fd, hb, sizeof(hb), 0);
	if (rc == 0)
		rc = pwrite_full(fd, c->img, len, OVL_BLOCK);
	if (rc == 0 && (flock(fd, LOCK_EX | LOCK_NB) < 0 || fdatasync(fd) < 0 ||
			renameat(ov->dirfd, tmp, ov->dirfd, name) < 0 ||
			fsync(ov->dirfd) < 0))
		rc = -errno;
	if (rc < 0)
		goto fail;
	c->file.base = ovl_data_offset(h.nblocks);
	c->state = CL_OPEN;
	(void)live_map(ov, c, &h);
	log_info("%s/%s: created", ov->dir, name);
	c->create_failed = false;
	return 0;
fail:
	if (!c->create_failed)
		log_err("%s/%s: creating: %s", ov->dir, name, strerror(-rc));
	c->create_failed = true;
	(void)unlinkat(ov->dirfd, tmp, 0);
	client_close(c);
	return rc;
}

/* Chunk ch completed from the base around the part of [lba, end) in it. */
static int fill_chunk(struct ovdir *ov, struct client *c, uint64_t ch,
		      const uint8_t *src, uint64_t lba, uint64_t end)
{
	uint8_t buf[OVL_CHUNK];
	uint64_t first, from, to;
	unsigned count;
	int rc;

	ovl_chunk_span(c->map.sectors, ch, &first, &count);
	rc = disk_read(ov->base, buf, first, count);
	if (rc < 0)
		return rc;
	from = lba > first ? lba : first;
	to = end < first + count ? end : first + count;
	memcpy(buf + (from - first) * ATA_SECTOR,
	       src + (from - lba) * ATA_SECTOR, (to - from) * ATA_SECTOR);
	return disk_write(&c->file, buf, first, count);
}

static int client_write(struct ovdir *ov, struct client *c, const uint8_t *src,
			uint64_t lba, unsigned count)
{
	uint64_t end = lba + count, from = lba, to = end;
	struct ovl_write_plan p;
	int rc = 0;

	if (ovl_plan_write(&c->map, lba, count, &p) < 0)
		return -EINVAL;
	if (p.head_fill) {
		rc = fill_chunk(ov, c, p.first, src, lba, end);
		from = (p.first + 1) * OVL_CHUNK_SECTORS;
	}
	if (rc == 0 && p.tail_fill) {
		rc = fill_chunk(ov, c, p.last, src, lba, end);
		to = p.last * OVL_CHUNK_SECTORS;
	}
	if (rc == 0 && from < to)
		rc = disk_write(&c->file, src + (from - lba) * ATA_SECTOR, from,
				(unsigned)(to - from));
	if (rc == 0)
		ovl_map_mark(&c->map, p.first, p.last);
	return rc;
}

static int client_read(struct ovdir *ov, struct client *c, uint8_t *dst,
		       uint64_t lba, unsigned count)
{
	struct ovl_run runs[64];
	unsigned n = ovl_lookup(&c->map, lba, count, runs, 64);
	int rc = n ? 0 : -EINVAL;

	for (unsigned i = 0; rc == 0 && i < n; i++) {
		rc = disk_read(runs[i].overlay ? &c->file : ov->base, dst,
			       runs[i].lba, runs[i].count);
		dst += (size_t)runs[i].count * ATA_SECTOR;
	}
	return rc;
}

/* FLUSH: the data on stable storage, then the map blocks that changed. */
static int client_flush(struct client *c)
{
	bool wrote = false;
	int rc = fdatasync(c->file.fd) < 0 ? -errno : 0;

	for (uint32_t i = 0; rc == 0 && i < c->map.nblocks; i++) {
		if (!c->dirty[i])
			continue;
		ovl_map_seal(&c->map, i);
		rc = pwrite_full(c->file.fd, c->img + (size_t)i * OVL_BLOCK,
				 OVL_BLOCK, (1 + (uint64_t)i) * OVL_BLOCK);
		if (rc < 0)
			c->dirty[i] = 1;
		wrote = true;
	}
	if (rc == 0 && wrote && fdatasync(c->file.fd) < 0)
		rc = -errno;
	return rc;
}

int ovdir_io(struct ovdir *ov, const uint8_t mac[6],
	     const struct aoe_decision *d, uint8_t *rdata)
{
	struct client *c = client_get(ov, mac);

	if (c == NULL)
		return -ENOMEM;
	if (c->state == CL_REFUSED)
		return -EINVAL;
	switch (d->io) {
	case AOE_IO_READ:
		if (c->state == CL_NONE)
			return disk_read(ov->base, rdata, d->lba, d->count);
		return client_read(ov, c, rdata, d->lba, d->count);
	case AOE_IO_WRITE:
		if (c->state == CL_NONE && client_create(ov, c) < 0)
			return -EIO;
		return client_write(ov, c, d->wdata, d->lba, d->count);
	case AOE_IO_FLUSH:
		return c->state == CL_OPEN ? client_flush(c) : 0;
	default:
		return 0;
	}
}

/* --- discarding -------------------------------------------------------------- */

static bool marked(int dirfd, const uint8_t mac[6])
{
	char name[NAME_MAX_OV];
	struct stat st;

	file_name(name, mac, ".discard");
	return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

/*
 * Removes the overlay of mac, its mark and its live map (livefd: -1 when
 * none); the caller holds its lock or knows nobody does.
 */
static void drop_files(int dirfd, int livefd, const uint8_t mac[6])
{
	char name[NAME_MAX_OV];

	file_name(name, mac, ".ovl");
	(void)unlinkat(dirfd, name, 0);
	file_name(name, mac, ".discard");
	(void)unlinkat(dirfd, name, 0);
	(void)fsync(dirfd);
	file_name(name, mac, ".map");
	if (livefd >= 0)
		(void)unlinkat(livefd, name, 0);
}

void ovdir_note(struct ovdir *ov, const struct aoe_req *req)
{
	struct client *c;
	char m[MAC_STRLEN];

	if (req->cmd != AOE_CMD_ATA || req->arglen < AOE_ATA_LEN ||
	    req->arg[AOE_ATA_CMDSTAT] != ATA_IDENTIFY)
		return;
	c = client_get(ov, req->src);
	if (c == NULL)
		return;
	if (marked(ov->dirfd, req->src)) {
		client_close(c);
		drop_files(ov->dirfd, ov->livefd, req->src);
		log_notice("%s: overlay of %s discarded at its attach", ov->dir,
			   mac_format(req->src, MAC_FMT_COLON, m));
	}
	/* Not open (none, or refused): look again, the admin may have acted. */
	if (c->state != CL_OPEN)
		client_find(ov, c, false);
	/* Its last use, for `overlay list`: a boot that writes nothing too. */
	if (c->state == CL_OPEN)
		(void)futimens(c->file.fd, NULL);
}

/* --- opening the directory ----------------------------------------------------- */

/* Whether an overlay nobody holds could be locked: then it is removed. */
static int discard_unheld(int dirfd, int livefd, const uint8_t mac[6])
{
	char name[NAME_MAX_OV];
	int fd, rc;

	file_name(name, mac, ".ovl");
	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno != ENOENT)
			return -errno;
		drop_files(dirfd, livefd, mac);
		return 0;
	}
	rc = flock(fd, LOCK_EX | LOCK_NB) < 0 ? -errno : 0;
	if (rc == 0)
		drop_files(dirfd, livefd, mac);
	close(fd);
	return rc == -EWOULDBLOCK ? -EBUSY : rc;
}

/* At start: marked overlays (all, when reset) go; the others are checked. */
static void scan_start(struct ovdir *ov, bool reset)
{
	DIR *d = opendir(ov->dir);
	struct dirent *e;
	uint8_t mac[6];

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		struct client c = { .file.fd = -1 };

		if (name_mac(e->d_name, ".ovl", mac) < 0)
			continue;
		if (reset || marked(ov->dirfd, mac)) {
			if (discard_unheld(ov->dirfd, ov->livefd, mac) < 0)
				log_warn("%s/%s: in use elsewhere; not "
					 "discarded", ov->dir, e->d_name);
			continue;
		}
		memcpy(c.mac, mac, 6);
		client_find(ov, &c, true);
		client_close(&c);
	}
	closedir(d);
}

/* Once per overlay directory: without live maps, say what it costs. */
static void live_start(struct ovdir *ov)
{
	char path[PATH_MAX];

	ov->livefd = live_dir_open(ov->dirfd, true, path, sizeof(path));
	if (ov->livefd < 0)
		log_warn("%s: live maps in %s: %s; a client's writes since its "
			 "last FLUSH are lost if the target dies", ov->dir,
			 path, strerror(-ov->livefd));
}

int ovdir_open(struct ovdir **out, const char *dir, struct disk *base,
	       bool reset, const char **why)
{
	struct ovdir *ov = calloc(1, sizeof(*ov));
	int rc;

	if (ov == NULL || (ov->dir = strdup(dir)) == NULL) {
		free(ov);
		return *why = "memory", -ENOMEM;
	}
	ov->own.fd = -1;
	ov->livefd = -1;
	ov->base = &ov->own;
	ov->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	rc = ov->dirfd < 0 ? -errno : base_ident(base, &ov->ident);
	if (rc < 0) {
		*why = ov->dirfd < 0 ? "overlay directory" : "reading the base";
		ovdir_close(ov);
		return rc;
	}
	/* Ours from now on: the target's struct may move (a reload). */
	ov->own = *base;
	base->fd = -1;
	base->bounce = NULL;
	log_info("%s: base identity %016" PRIx64, dir, ov->ident);
	live_start(ov);
	scan_start(ov, reset);
	*out = ov;
	return 0;
}

void ovdir_close(struct ovdir *ov)
{
	if (ov == NULL)
		return;
	for (unsigned i = 0; i < ov->ncl; i++) {
		struct client *c = &ov->cl[i];
		char name[NAME_MAX_OV];

		file_name(name, c->mac, ".map");
		if (c->state == CL_OPEN && client_flush(c) < 0)
			log_err("%s: writing a map at exit failed", ov->dir);
		else if (c->live)       /* the overlay's own map is as new */
			(void)unlinkat(ov->livefd, name, 0);
		client_close(c);
	}
	if (ov->livefd >= 0) {
		close(ov->livefd);
		live_dir_remove(ov->dirfd);
	}
	if (ov->dirfd >= 0)
		close(ov->dirfd);
	disk_close(&ov->own);
	free(ov->cl);
	free(ov->dir);
	free(ov);
}

/* --- aoetarget overlay list|discard ---------------------------------------------- */

static void list_one(int dirfd, const char *name, const uint8_t mac[6],
		     FILE *out)
{
	char when[32], m[MAC_STRLEN];
	struct stat st;
	struct tm tm;
	const char *use = "idle";
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0 || fstat(fd, &st) < 0) {
		if (fd >= 0)
			close(fd);
		return;
	}
	if (flock(fd, LOCK_SH | LOCK_NB) < 0)
		use = "in-use";
	if (marked(dirfd, mac))
		use = "discard-pending";
	close(fd);
	gmtime_r(&st.st_mtime, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(out, "%s %" PRIu64 " %s %s\n", mac_format(mac, MAC_FMT_COLON, m),
		(uint64_t)st.st_blocks * 512, when, use);
}

/*
 * Calls fn for each overlay in the directory (mac NULL) or mac's.
 * Returns how many, or -errno.
 */
static int each_overlay(int dirfd, const char *dir, const uint8_t *mac,
			void (*fn)(int, const char *, const uint8_t *, FILE *),
			FILE *out)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	uint8_t m[6];
	int n = 0;

	if (d == NULL)
		return -errno;
	while ((e = readdir(d)) != NULL)
		if (name_mac(e->d_name, ".ovl", m) == 0 &&
		    (mac == NULL || memcmp(m, mac, 6) == 0)) {
			fn(dirfd, e->d_name, m, out);
			n++;
		}
	closedir(d);
	return n;
}

static void discard_one(int dirfd, const char *name, const uint8_t mac[6],
			FILE *out)
{
	char mark[NAME_MAX_OV], m[MAC_STRLEN], live[PATH_MAX];
	int livefd = live_dir_open(dirfd, false, live, sizeof(live));
	int rc = discard_unheld(dirfd, livefd, mac), fd;

	if (livefd >= 0)
		close(livefd);
	mac_format(mac, MAC_FMT_COLON, m);
	if (rc == 0) {
		fprintf(out, "%s: discarded\n", m);
		return;
	}
	file_name(mark, mac, ".discard");
	fd = openat(dirfd, mark, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
		    0644);
	if (fd < 0 || fsync(dirfd) < 0) {
		fprintf(out, "%s: %s: %s\n", m, name, strerror(errno));
	} else {
		fprintf(out, "%s: in use; discarded at its next attach "
			"(IDENTIFY) or the target's next start\n", m);
	}
	if (fd >= 0)
		close(fd);
}

int ovdir_admin(int argc, char **argv, FILE *out)
{
	uint8_t mac[6];
	bool all;
	int dirfd, rc;

	if (argc < 2 || (strcmp(argv[0], "list") == 0 && argc != 2) ||
	    (strcmp(argv[0], "discard") == 0 && argc != 3) ||
	    (strcmp(argv[0], "list") && strcmp(argv[0], "discard"))) {
		fprintf(stderr, "usage: aoetarget overlay list DIR\n"
			"       aoetarget overlay discard DIR MAC|all\n");
		return EXIT_USAGE;
	}
	all = argc == 3 && strcmp(argv[2], "all") == 0;
	if (argc == 3 && !all && mac_parse(argv[2], mac) < 0) {
		fprintf(stderr, "aoetarget: %s: not a MAC address\n", argv[2]);
		return EXIT_USAGE;
	}
	dirfd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		fprintf(stderr, "aoetarget: %s: %s\n", argv[1], strerror(errno));
		return EXIT_FAIL;
	}
	if (argc == 2)
		rc = each_overlay(dirfd, argv[1], NULL, list_one, out);
	else
		rc = each_overlay(dirfd, argv[1], all ? NULL : mac,
				  discard_one, out);
	close(dirfd);
	if (rc == 0 && argc == 3 && !all)
		fprintf(out, "%s: no overlay\n", argv[2]);
	if (rc < 0)
		fprintf(stderr, "aoetarget: %s: %s\n", argv[1], strerror(-rc));
	return rc < 0 ? EXIT_FAIL : EXIT_OK;
}
