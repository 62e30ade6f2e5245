/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Writing a plan.  Per file, fsync() would cost more than everything else
 * together for thousands of hosts, so: every changed file goes to a
 * temporary beside it, then one syncfs() per file system makes them all
 * durable, then the renames, then one more syncfs() for the directories
 * (cheaper than an fsync() of each of thousands of them).  A crash leaves
 * each file old or new, never partial.  A per-host directory that does not
 * exist yet is filled under a staging name and renamed into place whole.
 * The manifest itself goes through atomic_write(), outside the TFTP root.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "atomic.h"
#include "file.h"
#include "write.h"

extern char **environ;

enum fstate { F_SAME, F_CREATE, F_CHANGE };

struct wstate {
	const struct bc_opts *o;
	const struct bc_outset *out;
	enum fstate *state;
	char **tmp;             /* temporaries, NULL when none */
	struct hindex dirs;     /* directories touched (keys in dirnames) */
	char **dirnames;
	size_t ndirs;
	pid_t pid;
	/*
	 * A kind's directory that does not exist yet is written whole under
	 * a staging name and renamed into place at once: one rename instead
	 * of one per file, and every file appears together.
	 */
	char *stage[BC_OUT_KINDS];
	size_t staged;
	bool verbose;
};

/* Whether path already holds exactly data. */
static enum fstate compare(const struct bc_file *f)
{
	struct stat st;
	int fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	enum fstate res = F_CHANGE;

	if (fd < 0)
		return errno == ENOENT ? F_CREATE : F_CHANGE;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (size_t)st.st_size == f->len) {
		char *buf = xrealloc(NULL, f->len + 1);
		size_t got = 0;
		ssize_t n;

		while (got < f->len &&
		       (n = read(fd, buf + got, f->len - got)) > 0)
			got += (size_t)n;
		if (got == f->len && memcmp(buf, f->data, f->len) == 0)
			res = F_SAME;
		free(buf);
	}
	close(fd);
	return res;
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 1;
	char *d = xrealloc(NULL, n + 1);

	if (slash == path)
		n = 1;
	memcpy(d, slash ? path : ".", n);
	d[n] = '\0';
	return d;
}

/* Which directories exist, so a first run does not look for each file. */
struct dircache {
	struct hindex known;    /* directory -> 1 missing, 0 present */
	char **names;
	size_t n;
};

static bool dir_missing(struct dircache *c, const char *path)
{
	char *d = dir_of(path);
	uint32_t missing;
	struct stat st;

	if (hindex_get(&c->known, d, strlen(d), &missing)) {
		free(d);
		return missing;
	}
	missing = stat(d, &st) < 0 && errno == ENOENT;
	c->names = xrealloc(c->names, (c->n + 1) * sizeof(char *));
	c->names[c->n++] = d;
	hindex_put(&c->known, d, strlen(d), missing, NULL);
	return missing;
}

static void dircache_free(struct dircache *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->names[i]);
	free(c->names);
	hindex_free(&c->known);
}

/* mkdir -p; remembers the directory for the syncfs pass. */
static int note_dir(struct wstate *w, const char *path, bool create)
{
	char *d = dir_of(path);
	uint32_t idx;

	if (hindex_get(&w->dirs, d, strlen(d), &idx)) {
		free(d);
		return 0;
	}
	if (create) {
		for (char *p = d + 1; *p; p++) {
			if (*p != '/')
				continue;
			*p = '\0';
			if (mkdir(d, 0755) < 0 && errno != EEXIST) {
				log_err("%s: %s", d, strerror(errno));
				*p = '/';
				free(d);
				return -1;
			}
			*p = '/';
		}
		if (mkdir(d, 0755) < 0 && errno != EEXIST) {
			log_err("%s: %s", d, strerror(errno));
			free(d);
			return -1;
		}
	}
	w->dirnames = xrealloc(w->dirnames, (w->ndirs + 1) * sizeof(char *));
	w->dirnames[w->ndirs] = d;
	hindex_put(&w->dirs, d, strlen(d), (uint32_t)w->ndirs, NULL);
	w->ndirs++;
	return 0;
}

/* Straight into the staging directory: nobody sees it before the rename. */
static int write_staged(struct wstate *w, size_t i)
{
	const struct bc_file *f = &w->out->v[i];
	const char *rest = strchr(f->rel, '/');
	struct sbuf path = { 0 };
	int fd, rc = -1;

	sb_printf(&path, "%s%s", w->stage[f->kind], rest);
	if (note_dir(w, path.p, true) < 0)
		goto done;
	fd = open(path.p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		log_err("%s: %s", path.p, strerror(errno));
		goto done;
	}
	rc = write_all(fd, f->data, f->len);
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc < 0)
		log_err("%s: %s", path.p, strerror(-rc));
	else
		w->staged++;
	if (rc == 0 && w->verbose)
		log_info("created %s", f->path);
done:
	sb_free(&path);
	return rc < 0 ? -1 : 0;
}

/*
 * Per-host files are served by tftpd; the aggregates list every host and
 * are read by DHCP servers only.
 */
static mode_t new_mode(const struct bc_file *f)
{
	return f->kind == BC_OUT_AGGREGATE ? 0640 : 0644;
}

/* A replaced file keeps its mode and owner, as an admin set them. */
static void keep_mode(int fd, const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return;
	if (geteuid() == 0 && fchown(fd, st.st_uid, st.st_gid) < 0)
		log_warn("%s: keeping its owner: %s", path, strerror(errno));
	if (fchmod(fd, st.st_mode & 07777) < 0)
		log_warn("%s: keeping its mode: %s", path, strerror(errno));
}

static int write_tmp(struct wstate *w, size_t i)
{
	const struct bc_file *f = &w->out->v[i];
	size_t n = strlen(f->path);
	char *tmp = xrealloc(NULL, n + 24);
	int fd, rc;

	if (note_dir(w, f->path, true) < 0) {
		free(tmp);
		return -1;
	}
	/* Our pid and the file's index make the name unique among writers. */
	snprintf(tmp, n + 24, "%s.bc%ld-%zu", f->path, (long)w->pid, i);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, new_mode(f));
	if (fd < 0 && errno == EEXIST) {
		/* Left by a run that crashed with the same pid. */
		unlink(tmp);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			  new_mode(f));
	}
	if (fd < 0) {
		log_err("%s: %s", f->path, strerror(errno));
		free(tmp);
		return -1;
	}
	w->tmp[i] = tmp;
	keep_mode(fd, f->path);
	rc = write_all(fd, f->data, f->len);
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc < 0) {
		log_err("%s: %s", tmp, strerror(-rc));
		return -1;
	}
	return 0;
}

/* One syncfs() per file system holding a directory we wrote into. */
static int sync_all(struct wstate *w)
{
	dev_t seen[16];
	size_t nseen = 0;

	for (size_t i = 0; i < w->ndirs; i++) {
		struct stat st;
		int fd = open(w->dirnames[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		bool dup = false;

		if (fd < 0 || fstat(fd, &st) < 0) {
			if (fd >= 0)
				close(fd);
			continue;
		}
		for (size_t j = 0; j < nseen; j++)
			dup = dup || seen[j] == st.st_dev;
		if (!dup) {
			if (syncfs(fd) < 0) {
				log_err("%s: syncfs: %s", w->dirnames[i],
					strerror(errno));
				close(fd);
				return -1;
			}
			if (nseen < sizeof(seen) / sizeof(seen[0]))
				seen[nseen++] = st.st_dev;
		}
		close(fd);
	}
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag,
			struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

static void drop_tmps(struct wstate *w)
{
	for (size_t i = 0; i < w->out->n; i++) {
		if (w->tmp[i])
			unlink(w->tmp[i]);
		free(w->tmp[i]);
		w->tmp[i] = NULL;
	}
	for (int k = 0; k < BC_OUT_KINDS; k++)
		if (w->stage[k])
			nftw(w->stage[k], remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Staging names for the kinds whose directory is not there yet. */
static void plan_stages(struct wstate *w)
{
	for (int k = 0; k < BC_OUT_KINDS; k++) {
		struct sbuf d = { 0 };
		struct stat st;

		if (!w->o->out[k])
			continue;
		sb_printf(&d, "%s/%s", w->o->root, bc_out_dir((enum bc_out_kind)k));
		if (lstat(d.p, &st) < 0 && errno == ENOENT) {
			sb_printf(&d, ".bc%ld", (long)w->pid);
			w->stage[k] = sb_steal(&d, NULL);
		}
		sb_free(&d);
	}
}

static int rename_stages(struct wstate *w)
{
	for (int k = 0; k < BC_OUT_KINDS; k++) {
		struct sbuf d = { 0 };
		int rc = 0;

		if (w->stage[k] == NULL || access(w->stage[k], F_OK) < 0)
			continue;
		sb_printf(&d, "%s/%s", w->o->root, bc_out_dir((enum bc_out_kind)k));
		if (rename(w->stage[k], d.p) < 0) {
			log_err("%s: %s", d.p, strerror(errno));
			rc = -1;
		}
		sb_free(&d);
		if (rc < 0)
			return -1;
		free(w->stage[k]);
		w->stage[k] = NULL;
	}
	return 0;
}

/* --- manifest ------------------------------------------------------------- */

struct manifest {
	char *buf;
	size_t len;
	struct sbuf next;       /* the manifest this run leaves */
	char *legacy;           /* ROOT/.bootcfg-manifest read instead, or NULL */
};

void bc_manifest_name(const char *abs_root, struct sbuf *out)
{
	const char *p = abs_root;

	while (*p == '/')
		p++;
	if (*p == '\0')
		sb_puts(out, "root");
	for (; *p; p++) {
		char c = *p;

		if (c == '/')
			sb_puts(out, "-");
		else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			 (c >= '0' && c <= '9') || c == '.' || c == '_')
			sb_add(out, &c, 1);
		else
			sb_printf(out, "%%%02X", (unsigned char)c);
	}
	sb_puts(out, BC_MANIFEST_SUFFIX);
}

/* Calls fn for every line of the old manifest that names a file of ours. */
static void manifest_each(const struct manifest *m,
			  void (*fn)(void *, const char *, size_t, int),
			  void *arg)
{
	size_t pos = 0;

	while (m->buf && pos < m->len) {
		const char *p = m->buf + pos;
		const char *nl = memchr(p, '\n', m->len - pos);
		size_t n = nl ? (size_t)(nl - p) : m->len - pos;
		int kind = n && p[0] != '#' ? bc_rel_kind(p, n) : -1;

		if (kind >= 0)
			fn(arg, p, n, kind);
		pos += n + 1;
	}
}

struct prune_ctx {
	const struct bc_opts *o;
	struct wstate *w;
	struct hindex *present;
	struct manifest *m;
	bool dry_run, verbose;
	FILE *report;
	unsigned removed;
};

static void prune_one(void *arg, const char *rel, size_t n, int kind)
{
	struct prune_ctx *c = arg;
	struct sbuf path = { 0 };
	uint32_t idx;

	if (hindex_get(c->present, rel, n, &idx))
		return;
	if (!c->o->out[kind]) {
		/* Not generated this run: still ours, keep remembering it. */
		sb_add(&c->m->next, rel, n);
		sb_add(&c->m->next, "\n", 1);
		return;
	}
	sb_printf(&path, "%s/%.*s", c->o->root, (int)n, rel);
	if (c->dry_run) {
		if (access(path.p, F_OK) == 0) {
			fprintf(c->report, "remove %s\n", path.p);
			c->removed++;
		}
	} else if (unlink(path.p) == 0) {
		c->removed++;
		note_dir(c->w, path.p, false);
		if (c->verbose)
			log_info("removed %s", path.p);
		if (kind == BC_OUT_HOSTS) {
			char *d = dir_of(path.p);

			rmdir(d);       /* only succeeds once empty */
			free(d);
		}
	} else if (errno != ENOENT) {
		log_warn("%s: %s", path.p, strerror(errno));
	}
	sb_free(&path);
}

/* The manifest, or (once, to migrate) the one older versions left in root. */
static void manifest_load(const struct bc_opts *o, struct manifest *m)
{
	struct sbuf old = { 0 };
	int rc;

	memset(m, 0, sizeof(*m));
	rc = file_read(AT_FDCWD, o->manifest, BC_MANIFEST_MAX, &m->buf,
		       &m->len);
	if (rc == -ENOENT) {
		sb_printf(&old, "%s/" BC_MANIFEST_OLD, o->root);
		rc = file_read(AT_FDCWD, old.p, BC_MANIFEST_MAX, &m->buf,
			       &m->len);
		if (rc == 0)
			m->legacy = sb_steal(&old, NULL);
		sb_free(&old);
	}
	if (rc < 0 && rc != -ENOENT)
		log_warn("%s: %s", o->manifest, rc == -EFBIG ? "too large"
							    : strerror(-rc));
	if (rc < 0) {
		m->buf = NULL;
		m->len = 0;
	}
}

/* mkdir -p of the directory holding path, new directories mode 0750. */
static int make_parents(const char *path)
{
	char *d = dir_of(path);
	int rc = 0;

	for (char *p = d + 1;; p++) {
		char c = *p;

		if (c != '/' && c != '\0')
			continue;
		*p = '\0';
		if (mkdir(d, 0750) < 0 && errno != EEXIST) {
			rc = -errno;
			log_err("%s: %s", d, strerror(errno));
		}
		*p = c;
		if (c == '\0' || rc < 0)
			break;
	}
	free(d);
	return rc;
}

static int manifest_save(const struct bc_opts *o, struct manifest *m)
{
	const char *path = o->manifest;
	int rc = 0;

	if (m->legacy || m->next.len != m->len ||
	    (m->len && memcmp(m->next.p, m->buf, m->len) != 0)) {
		if (m->next.len == 0) {
			if (unlink(path) < 0 && errno != ENOENT)
				rc = -errno;
		} else if ((rc = make_parents(path)) == 0) {
			rc = atomic_write(path, m->next.p, m->next.len, 0640);
		}
		if (rc < 0)
			log_err("%s: %s", path, strerror(-rc));
	}
	/* Taken over: the list of our files is no longer served by tftpd. */
	if (rc == 0 && m->legacy && unlink(m->legacy) < 0 && errno != ENOENT)
		log_warn("%s: %s", m->legacy, strerror(errno));
	return rc < 0 ? -1 : 0;
}

/* --- dry run -------------------------------------------------------------- */

/* diff -u of the file on disk against the new content. */
static void show_diff(const struct bc_file *f, FILE *report)
{
	char tmp[] = "/tmp/bootcfg-diff.XXXXXX";
	int fd = mkstemp(tmp);
	char *argv[] = { "diff", "-u", "--label", f->path, "--label",
			 f->path, f->path, tmp, NULL };
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status;

	if (fd < 0)
		return;
	if (write_all(fd, f->data, f->len) < 0 || close(fd) < 0) {
		unlink(tmp);
		return;
	}
	fflush(report);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fileno(report), STDOUT_FILENO);
	if (posix_spawnp(&pid, "diff", &fa, NULL, argv, environ) == 0)
		waitpid(pid, &status, 0);
	else
		fprintf(report, "(diff(1) not available)\n");
	posix_spawn_file_actions_destroy(&fa);
	unlink(tmp);
}

static void describe(const struct wstate *w, FILE *report)
{
	for (size_t i = 0; i < w->out->n; i++) {
		const struct bc_file *f = &w->out->v[i];

		if (w->state[i] == F_CREATE)
			fprintf(report, "create %s\n", f->path);
		else if (w->state[i] == F_CHANGE) {
			fprintf(report, "change %s\n", f->path);
			show_diff(f, report);
		}
	}
}

/* --- the whole write ------------------------------------------------------ */

static int write_changed(struct wstate *w, struct bc_stats *st, bool verbose)
{
	struct sbuf anchor = { 0 };

	/* The root itself, so the last syncfs finds it after the renames. */
	sb_printf(&anchor, "%s/.", w->o->root);
	note_dir(w, anchor.p, false);
	sb_free(&anchor);
	plan_stages(w);
	for (size_t i = 0; i < w->out->n; i++) {
		const struct bc_file *f = &w->out->v[i];
		bool stage = f->rel && w->stage[f->kind];

		if (w->state[i] == F_SAME)
			continue;
		if ((stage ? write_staged(w, i) : write_tmp(w, i)) < 0) {
			drop_tmps(w);
			return -1;
		}
	}
	if (sync_all(w) < 0 || rename_stages(w) < 0) {
		drop_tmps(w);
		return -1;
	}
	st->created += (unsigned)w->staged;
	for (size_t i = 0; i < w->out->n; i++) {
		const struct bc_file *f = &w->out->v[i];

		if (w->tmp[i] == NULL)
			continue;
		if (rename(w->tmp[i], f->path) < 0) {
			log_err("%s: %s", f->path, strerror(errno));
			drop_tmps(w);
			return -1;
		}
		free(w->tmp[i]);
		w->tmp[i] = NULL;
		if (verbose)
			log_info("%s %s", w->state[i] == F_CREATE ? "created"
								  : "changed",
				 f->path);
		if (w->state[i] == F_CREATE)
			st->created++;
		else
			st->changed++;
	}
	/* The renames are directory updates: one more syncfs makes them durable. */
	return sync_all(w);
}

static void wstate_free(struct wstate *w)
{
	for (size_t i = 0; i < w->ndirs; i++)
		free(w->dirnames[i]);
	free(w->dirnames);
	hindex_free(&w->dirs);
	for (int k = 0; k < BC_OUT_KINDS; k++)
		free(w->stage[k]);
	free(w->tmp);
	free(w->state);
}

int bc_write(const struct bc_opts *o, const struct bc_outset *out,
	     const struct bc_write_opts *wo, struct bc_stats *st)
{
	struct wstate w = { .o = o, .out = out, .pid = getpid(),
			    .verbose = wo->verbose };
	struct hindex present = { 0 };
	struct dircache missing = { 0 };
	struct manifest m;
	struct prune_ctx pc = { .o = o, .w = &w, .present = &present, .m = &m,
				.dry_run = wo->dry_run, .verbose = wo->verbose,
				.report = wo->report ? wo->report : stdout };
	int rc = 0;

	memset(st, 0, sizeof(*st));
	w.state = xrealloc(NULL, (out->n + 1) * sizeof(*w.state));
	w.tmp = xrealloc(NULL, (out->n + 1) * sizeof(*w.tmp));
	manifest_load(o, &m);
	for (size_t i = 0; i < out->n; i++) {
		const struct bc_file *f = &out->v[i];

		w.tmp[i] = NULL;
		w.state[i] = dir_missing(&missing, f->path) ? F_CREATE
							    : compare(f);
		st->unchanged += w.state[i] == F_SAME;
		if (f->rel) {
			hindex_put(&present, f->rel, strlen(f->rel), 0, NULL);
			sb_printf(&m.next, "%s\n", f->rel);
		}
	}
	if (wo->dry_run) {
		describe(&w, pc.report);
		for (size_t i = 0; i < out->n; i++) {
			st->created += w.state[i] == F_CREATE;
			st->changed += w.state[i] == F_CHANGE;
		}
	} else {
		rc = write_changed(&w, st, wo->verbose);
	}
	if (rc == 0) {
		manifest_each(&m, prune_one, &pc);
		st->removed = pc.removed;
		if (!wo->dry_run && pc.removed && sync_all(&w) < 0)
			rc = -1;
		if (!wo->dry_run)
			rc = manifest_save(o, &m);
	}
	sb_free(&m.next);
	free(m.buf);
	free(m.legacy);
	hindex_free(&present);
	dircache_free(&missing);
	wstate_free(&w);
	return rc;
}
