/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Name mapping, read checks and how uploads are written. */
#include "access.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "path.h"

static int refuse(struct tftp_reject *why, enum tftp_errcode code,
		  const char *msg)
{
	why->code = code;
	why->msg = msg;
	return -1;
}

bool access_name_hidden(const char *rel)
{
	for (const char *p = rel; *p; p++)
		if (*p == '.' && (p == rel || p[-1] == '/'))
			return true;
	return false;
}

struct tftp_reject access_errno_reject(int err)
{
	switch (err) {
	case -ENOENT:
	case -ENOTDIR:
		return (struct tftp_reject){ TFTP_ENOTFOUND, "file not found" };
	case -EACCES:
	case -EPERM:
	case -EXDEV:
	case -ELOOP:
	case -EISDIR:
		return (struct tftp_reject){ TFTP_EACCESS, "access violation" };
	case -ENAMETOOLONG:
		return (struct tftp_reject){ TFTP_EACCESS, "file name too long" };
	case -ENOSPC:
	case -EDQUOT:
		return (struct tftp_reject){ TFTP_ENOSPACE,
					     "disk full or allocation exceeded" };
	default:
		return (struct tftp_reject){ TFTP_EUNDEF, strerror(-err) };
	}
}

int access_map_name(const struct access_policy *pol, const struct remap *rm,
		    const struct tftp_req *req, const struct sockaddr *peer,
		    char *out, size_t outlen, struct tftp_reject *why)
{
	char mapped[PATH_MAX];
	const char *name = req->filename;
	int rc;

	if (rm) {
		switch (remap_apply(rm, name, req->op == TFTP_WRQ, peer, mapped,
				    sizeof(mapped))) {
		case REMAP_OK:
			name = mapped;
			break;
		case REMAP_DENIED:
			return refuse(why, TFTP_EACCESS, "access denied by rules");
		default:
			return refuse(why, TFTP_EACCESS, "file name too long");
		}
	}
	rc = tftp_path_clean(name, strlen(name), pol->rootpath, out, outlen);
	if (rc < 0) {
		*why = access_errno_reject(rc);
		return -1;
	}
	if (!pol->dotfiles && access_name_hidden(out))
		return refuse(why, TFTP_EACCESS,
			      "names starting with '.' are not served");
	return 0;
}

int access_check_read(const struct access_policy *pol, const struct stat *st,
		      struct tftp_reject *why)
{
	if (!S_ISREG(st->st_mode) ||
	    (!pol->permissive && !(st->st_mode & S_IROTH))) {
		*why = access_errno_reject(-EACCES);
		return -1;
	}
	return 0;
}

int access_open_read(const struct access_policy *pol, int rootfd,
		     const char *rel, char *actual, size_t actuallen,
		     struct stat *st, struct tftp_reject *why)
{
	int fd = tftp_path_open(rootfd, rel, O_RDONLY | O_NONBLOCK, 0,
				pol->nocase, actual, actuallen);

	if (fd < 0) {
		*why = access_errno_reject(fd);
		return fd;
	}
	if (fstat(fd, st) < 0 || access_check_read(pol, st, why) < 0) {
		close(fd);
		*why = access_errno_reject(-EACCES);
		return -EACCES;
	}
	return fd;
}

/* ---- uploads ------------------------------------------------------------ */

/*
 * Whether an existing target can be replaced by renaming a temporary over
 * it: not in a directory we cannot write, nor in a sticky one (/tmp style)
 * where only the owner may replace it.
 */
static bool can_replace(const struct upload_facts *f)
{
	if (!f->dir_writable)
		return false;
	return !(f->dir.st_mode & S_ISVTX) || f->target.st_uid == f->euid;
}

struct upload_plan access_upload_decide(const struct access_policy *pol,
					const struct upload_facts *f)
{
	struct upload_plan p = { .how = UPLOAD_REFUSE,
				 .why = { TFTP_EACCESS, "access violation" } };

	if (!f->exists) {
		if (!pol->create) {
			p.why.msg = "creating files is not allowed";
			return p;
		}
		p.how = UPLOAD_CREATE;
		p.mode = 0666 & ~pol->umask;
		return p;
	}
	if (!S_ISREG(f->target.st_mode))
		return p;
	if (!pol->permissive && !(f->target.st_mode & S_IWOTH)) {
		p.why = (struct tftp_reject){ TFTP_EEXISTS,
			"file exists and is not world-writable" };
		return p;
	}
	p.mode = f->target.st_mode & 07777;
	if (can_replace(f))
		p.how = UPLOAD_REPLACE;
	else if (pol->in_place)
		p.how = UPLOAD_IN_PLACE;
	else
		p.why.msg = "directory not writable by the server: "
			    "the file cannot be replaced whole";
	return p;
}

void upload_target_init(struct upload_target *t)
{
	memset(t, 0, sizeof(*t));
	t->dirfd = t->wfd = -1;
}

/* Creates the temporary an upload is written to, beside its target. */
static int make_temp(struct upload_target *t, mode_t mode)
{
	for (int i = 0; i < 16; i++) {
		snprintf(t->tmp, sizeof(t->tmp), ".tftpd.%08lx",
			 (unsigned long)random());
		t->wfd = openat(t->dirfd, t->tmp,
				O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (t->wfd >= 0)
			return fchmod(t->wfd, mode) < 0 ? -errno : 0;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

/* Overwrites in place what cannot be replaced: flushed before the ACK. */
static int open_in_place(struct upload_target *t)
{
	t->wfd = openat(t->dirfd, t->base,
			O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	t->in_place = t->wfd >= 0;
	return t->wfd < 0 ? -errno : 0;
}

static int gather_facts(int dirfd, const char *base, struct upload_facts *f)
{
	memset(f, 0, sizeof(*f));
	f->euid = geteuid();
	if (fstatat(dirfd, base, &f->target, AT_SYMLINK_NOFOLLOW) == 0)
		f->exists = true;
	else if (errno != ENOENT)
		return -errno;
	if (fstat(dirfd, &f->dir) < 0)
		return -errno;
	f->dir_writable = faccessat(dirfd, ".", W_OK, AT_EACCESS) == 0;
	return 0;
}

int upload_open(const struct access_policy *pol, int rootfd, const char *rel,
		struct upload_target *t, struct tftp_reject *why)
{
	struct upload_facts f;
	struct upload_plan plan;
	int rc;

	t->dirfd = tftp_path_open_parent(rootfd, rel, pol->nocase, t->base,
					 sizeof(t->base));
	rc = t->dirfd < 0 ? t->dirfd : gather_facts(t->dirfd, t->base, &f);
	if (rc < 0)
		goto failed;
	plan = access_upload_decide(pol, &f);
	if (plan.how == UPLOAD_REFUSE) {
		*why = plan.why;
		return -EPERM;
	}
	rc = plan.how == UPLOAD_IN_PLACE ? open_in_place(t)
					 : make_temp(t, plan.mode);
	if (rc == 0)
		return 0;
	if (t->wfd >= 0) {
		close(t->wfd);
		unlinkat(t->dirfd, t->tmp, 0);
		t->wfd = -1;
	}
failed:
	*why = access_errno_reject(rc);
	return rc;
}

int upload_write(struct upload_target *t, const uint8_t *data, size_t len,
		 uint64_t off)
{
	while (len > 0) {
		ssize_t n = pwrite(t->wfd, data, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		data += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

int upload_commit(struct upload_target *t, uint64_t size)
{
	int rc = 0;

	/* In place, the old tail goes only now that the new content is in. */
	if (t->in_place && ftruncate(t->wfd, (off_t)size) < 0)
		rc = -errno;
	if (rc == 0 && fsync(t->wfd) < 0)
		rc = -errno;
	if (close(t->wfd) < 0 && rc == 0)
		rc = -errno;
	t->wfd = -1;
	if (t->in_place)
		return rc;
	if (rc == 0 && renameat(t->dirfd, t->tmp, t->dirfd, t->base) < 0)
		rc = -errno;
	if (rc < 0) {
		unlinkat(t->dirfd, t->tmp, 0);
		return rc;
	}
	return fsync(t->dirfd) < 0 ? -errno : 0;
}

void upload_discard(struct upload_target *t)
{
	if (t->wfd < 0)
		return;
	close(t->wfd);
	t->wfd = -1;
	if (!t->in_place)
		unlinkat(t->dirfd, t->tmp, 0);
}

void upload_close(struct upload_target *t)
{
	upload_discard(t);
	if (t->dirfd >= 0)
		close(t->dirfd);
	t->dirfd = -1;
}
