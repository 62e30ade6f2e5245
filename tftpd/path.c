/* SPDX-License-Identifier: GPL-2.0-or-later */
/* File names confined to the TFTP root: text cleaning, then openat2(2). */
#include "path.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_openat2
#define SYS_openat2 437 /* the same number on every architecture */
#endif

#define RESOLVE_ROOTED (RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS)
/* openat2 says EAGAIN when a rename raced a ".." walk: retrying is the cure. */
#define OPENAT2_TRIES 8

/* --- cleaning: pure text ------------------------------------------------ */

enum comp_kind {
	COMP_SKIP,   /* "" or ".": adds nothing */
	COMP_DOTDOT, /* "..": refused */
	COMP_NAME,
};

/* Output being assembled.  full: a component did not fit; the scan goes on
 * so that a later ".." is still reported as a refusal, not a length error. */
struct pbuf {
	char *p;
	size_t size;
	size_t used;
	bool full;
};

static bool is_sep(char c)
{
	/* Windows clients send backslashes, often mixed with slashes. */
	return c == '/' || c == '\\';
}

/* NUL would silently cut the name short in every later system call; control
 * characters have no place in a boot file name and garble logs. */
static bool bytes_ok(const char *name, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)name[i] < 0x20)
			return false;
	return true;
}

/* How many leading bytes of name are rootpath plus one separator, or 0. */
static size_t root_prefix(const char *name, size_t len, const char *rootpath)
{
	size_t rlen;

	if (rootpath == NULL)
		return 0;
	rlen = strlen(rootpath);
	while (rlen > 0 && rootpath[rlen - 1] == '/')
		rlen--;
	/* A root of "/" strips nothing: leading slashes go anyway. */
	if (rlen == 0 || rlen >= len || !is_sep(name[0]) || !is_sep(name[rlen]))
		return 0;
	for (size_t i = 0; i < rlen; i++) {
		char c = is_sep(name[i]) ? '/' : name[i];

		if (c != rootpath[i])
			return 0;
	}
	return rlen + 1;
}

static enum comp_kind comp_kind(const char *c, size_t n)
{
	if (n == 0 || (n == 1 && c[0] == '.'))
		return COMP_SKIP;
	if (n == 2 && c[0] == '.' && c[1] == '.')
		return COMP_DOTDOT;
	return COMP_NAME;
}

static void pbuf_add(struct pbuf *b, const char *c, size_t n)
{
	size_t need = n + (b->used > 0);

	/* used < size always holds, so size - used cannot wrap. */
	if (b->full || need >= b->size - b->used) {
		b->full = true;
		return;
	}
	if (b->used > 0)
		b->p[b->used++] = '/';
	memcpy(b->p + b->used, c, n);
	b->used += n;
	b->p[b->used] = '\0';
}

/* Copies the components of name[i..len) to b.  Returns 0 or -EACCES;
 * *any says whether a component was kept. */
static int walk(const char *name, size_t len, size_t i, struct pbuf *b,
		bool *any)
{
	while (i < len) {
		size_t start;

		while (i < len && is_sep(name[i]))
			i++;
		start = i;
		while (i < len && !is_sep(name[i]))
			i++;
		switch (comp_kind(name + start, i - start)) {
		case COMP_SKIP:
			break;
		case COMP_DOTDOT:
			return -EACCES;
		case COMP_NAME:
			pbuf_add(b, name + start, i - start);
			*any = true;
			break;
		}
	}
	return 0;
}

int tftp_path_clean(const char *name, size_t len, const char *rootpath,
		    char *out, size_t outlen)
{
	struct pbuf b = { out, outlen, 0, false };
	bool any = false;
	int rc;

	if (outlen > 0)
		out[0] = '\0';
	if (name == NULL)
		len = 0;
	if (!bytes_ok(name, len))
		return -EACCES;
	rc = walk(name, len, root_prefix(name, len, rootpath), &b, &any);
	if (rc == 0 && !any)
		rc = -ENOENT;
	else if (rc == 0 && b.full)
		rc = -ENAMETOOLONG;
	if (rc < 0 && outlen > 0)
		out[0] = '\0';
	return rc;
}

/* --- opening: openat2 beneath the root ---------------------------------- */

static int copy_str(char *dst, size_t dstlen, const char *src)
{
	size_t n = strlen(src);

	if (n >= dstlen)
		return -ENAMETOOLONG;
	memcpy(dst, src, n + 1);
	return 0;
}

/* Appends "/comp" to path (just "comp" when empty), which holds len bytes. */
static int path_append(char *path, size_t size, size_t len, const char *comp)
{
	size_t n = strlen(comp), need = n + (len > 0);

	if (need >= size - len)
		return -ENAMETOOLONG;
	if (len > 0)
		path[len++] = '/';
	memcpy(path + len, comp, n + 1);
	return 0;
}

static int open_beneath(int rootfd, const char *rel, int flags, mode_t mode)
{
	struct open_how how;
	int fd, tries = 0;

	memset(&how, 0, sizeof(how));
	how.flags = (uint64_t)(unsigned)(flags | O_CLOEXEC);
	/* Unlike open(2), openat2 refuses a mode when nothing is created. */
	if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE)
		how.mode = mode & 07777;
	how.resolve = RESOLVE_ROOTED;
	do
		fd = (int)syscall(SYS_openat2, rootfd, rel, &how, sizeof(how));
	while (fd < 0 && (errno == EAGAIN || errno == EINTR) &&
	       ++tries < OPENAT2_TRIES);
	if (fd >= 0)
		return fd;
	/* EXDEV: the walk would leave the root; ELOOP: a magic link. */
	if (errno == EXDEV || errno == ELOOP)
		return -EACCES;
	return -errno;
}

/* Whether name is the directory entry to take for want: exact, or the
 * first that differs only in case. */
static bool better_match(const char *name, const char *want, bool have)
{
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;
	if (strcmp(name, want) == 0)
		return true;
	return !have && strcasecmp(name, want) == 0;
}

/*
 * Looks in directory dir (relative to rootfd; "" for the root) for an entry
 * equal to want ignoring case and writes its name to match (NAME_MAX + 1
 * bytes).  The directory is itself opened beneath the root.
 */
static int find_nocase(int rootfd, const char *dir, const char *want,
		       char *match)
{
	int fd = open_beneath(rootfd, *dir ? dir : ".", O_RDONLY | O_DIRECTORY,
			      0);
	const struct dirent *e;
	bool have = false;
	DIR *d;

	if (fd < 0)
		return fd;
	d = fdopendir(fd);
	if (d == NULL) {
		int err = errno;

		close(fd);
		return -err;
	}
	while ((e = readdir(d)) != NULL) {
		if (!better_match(e->d_name, want, have))
			continue;
		if (copy_str(match, NAME_MAX + 1, e->d_name) == 0)
			have = true;
		if (strcmp(e->d_name, want) == 0)
			break;
	}
	closedir(d);
	return have ? 0 : -ENOENT;
}

/* Copies the next component of *rel to comp and advances *rel past it.
 * Returns its length, 0 at the end, or -ENAMETOOLONG. */
static int next_comp(const char **rel, char *comp)
{
	const char *p = *rel, *start;
	size_t n;

	while (*p == '/')
		p++;
	start = p;
	while (*p != '\0' && *p != '/')
		p++;
	n = (size_t)(p - start);
	if (n > NAME_MAX)
		return -ENAMETOOLONG;
	memcpy(comp, start, n);
	comp[n] = '\0';
	*rel = p;
	return (int)n;
}

/* Whether path names something beneath rootfd: 0, -ENOENT or another -errno. */
static int probe(int rootfd, const char *path)
{
	int fd = open_beneath(rootfd, path, O_PATH, 0);

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

/*
 * Rebuilds rel in res one component at a time: each one as written when it
 * exists, else its match ignoring case.  Every prefix is probed with
 * open_beneath, so a match can never lead outside the root.  With create,
 * a last component that matches nothing is kept as written.
 */
static int resolve_nocase(int rootfd, const char *rel, bool create, char *res,
			  size_t reslen)
{
	char comp[NAME_MAX + 1], match[NAME_MAX + 1];
	size_t len = 0;
	int n, rc;

	res[0] = '\0';
	while ((n = next_comp(&rel, comp)) > 0) {
		rc = path_append(res, reslen, len, comp);
		if (rc == 0)
			rc = probe(rootfd, res);
		if (rc == -ENOENT) {
			res[len] = '\0';
			rc = find_nocase(rootfd, res, comp, match);
			if (rc == -ENOENT && create && *rel == '\0')
				rc = path_append(res, reslen, len, comp);
			else if (rc == 0)
				rc = path_append(res, reslen, len, match);
		}
		if (rc < 0)
			return rc;
		len = strlen(res);
	}
	return n;
}

int tftp_path_open(int rootfd, const char *rel, int flags, mode_t mode,
		   bool nocase, char *actual, size_t actuallen)
{
	char res[PATH_MAX];
	const char *path = rel;
	int fd = open_beneath(rootfd, rel, flags, mode);

	if (fd == -ENOENT && nocase) {
		int rc = resolve_nocase(rootfd, rel, flags & O_CREAT, res,
					sizeof(res));

		if (rc < 0)
			return rc;
		path = res;
		fd = open_beneath(rootfd, res, flags, mode);
	}
	if (fd < 0)
		return fd;
	if (actual != NULL && copy_str(actual, actuallen, path) < 0) {
		close(fd);
		return -ENAMETOOLONG;
	}
	return fd;
}

int tftp_path_open_parent(int rootfd, const char *rel, bool nocase,
			  char *base, size_t baselen)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(rel, '/');
	const char *last = slash ? slash + 1 : rel;
	size_t dlen = slash ? (size_t)(slash - rel) : 0;
	int fd;

	/* The caller renames onto base: "." or ".." would mean a directory. */
	switch (comp_kind(last, strlen(last))) {
	case COMP_SKIP:
		return *last ? -EACCES : -ENOENT;
	case COMP_DOTDOT:
		return -EACCES;
	case COMP_NAME:
		break;
	}
	if (dlen >= sizeof(dir) || strlen(last) >= baselen)
		return -ENAMETOOLONG;
	memcpy(dir, rel, dlen);
	dir[dlen] = '\0';
	fd = tftp_path_open(rootfd, dlen ? dir : ".", O_RDONLY | O_DIRECTORY, 0,
			    nocase, NULL, 0);
	if (fd >= 0)
		copy_str(base, baselen, last);
	return fd;
}

int local_open_parent(const char *path, char *base, size_t baselen)
{
	const char *slash = strrchr(path, '/');
	const char *last = slash ? slash + 1 : path;
	/* "/name" lives in "/", not in "" */
	size_t dlen = slash ? (size_t)(slash - path) + (slash == path) : 0;
	char dir[PATH_MAX];
	int fd;

	if (*last == '\0')
		return -EISDIR;
	if (dlen >= sizeof(dir) || strlen(last) >= baselen)
		return -ENAMETOOLONG;
	memcpy(dir, path, dlen);
	dir[dlen] = '\0';
	fd = open(dlen ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	copy_str(base, baselen, last);
	return fd;
}
