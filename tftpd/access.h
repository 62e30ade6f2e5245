/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Who may read or write what: the name a request asks for turned into a
 * path under the root (rules, cleaning, hidden names), the checks a file
 * must pass to be read, and how an upload is written (a temporary renamed
 * over the target, or, only when asked for, the target in place).
 *
 * The decisions are pure functions that return a plain verdict; the few
 * opening functions below them do the openat(2) calls those verdicts ask
 * for and return a file descriptor, 0 or a negative errno.
 */
#ifndef TFTPD_ACCESS_H
#define TFTPD_ACCESS_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "remap.h"
#include "tftp.h"

/* What the command line allows. */
struct access_policy {
	const char *rootpath;     /* real path of the root, for absolute names */
	bool create;              /* -c: uploads may create files */
	bool permissive;          /* -p: no world-readable/writable checks */
	bool nocase;              /* case-insensitive fallback */
	bool in_place;            /* --in-place-writes */
	bool dotfiles;            /* --dotfiles: serve names starting with '.' */
	mode_t umask;             /* -U, for created files */
};

/*
 * Turns the name of a request into a cleaned relative path in out: the
 * rules of rm (may be NULL) first, then tftp_path_clean, then the hidden
 * name check on the result.  Returns 0, or -1 with *why saying which ERROR
 * to send.  Pure apart from regexec(3).
 */
int access_map_name(const struct access_policy *pol, const struct remap *rm,
		    const struct tftp_req *req, const struct sockaddr *peer,
		    char *out, size_t outlen, struct tftp_reject *why);

/*
 * Whether a cleaned path has a component starting with '.': such names
 * (.bootcfg-manifest, an upload's temporary, editor backups) are not
 * served unless --dotfiles.
 */
bool access_name_hidden(const char *rel);

/* The ERROR a failed open with -errno err is reported as. */
struct tftp_reject access_errno_reject(int err);

/* Whether an opened file may be read: 0 or a refusal in *why. */
int access_check_read(const struct access_policy *pol, const struct stat *st,
		      struct tftp_reject *why);

/*
 * Opens rel beneath rootfd for reading and checks it: returns an fd (its
 * stat in *st, the path actually opened in actual) or -errno with *why.
 */
int access_open_read(const struct access_policy *pol, int rootfd,
		     const char *rel, char *actual, size_t actuallen,
		     struct stat *st, struct tftp_reject *why);

/* How an upload is written. */
enum upload_how {
	UPLOAD_REFUSE,    /* *why says why */
	UPLOAD_CREATE,    /* a new file: temporary, then rename */
	UPLOAD_REPLACE,   /* an existing file: temporary, then rename over it */
	UPLOAD_IN_PLACE,  /* the existing file overwritten (--in-place-writes) */
};

/* What access_upload_decide reads from the file system. */
struct upload_facts {
	bool exists;              /* the target exists (target is valid) */
	struct stat target;
	struct stat dir;          /* its directory */
	bool dir_writable;        /* faccessat(dir, W_OK) with our euid */
	uid_t euid;
};

struct upload_plan {
	enum upload_how how;
	mode_t mode;              /* for the written file */
	struct tftp_reject why;   /* UPLOAD_REFUSE */
};

/*
 * Decides how an upload is written.  A rename needs a directory the server
 * may write in and, in a sticky one (/tmp style), a target the server owns;
 * where it cannot be done the upload is refused unless pol->in_place.
 * Pure.
 */
struct upload_plan access_upload_decide(const struct access_policy *pol,
					const struct upload_facts *f);

/* An upload's file: where it goes and what is being written. */
struct upload_target {
	int dirfd;                /* directory of the target */
	int wfd;                  /* the file being written, -1 when none */
	bool in_place;            /* wfd is the target itself */
	char tmp[32];             /* the temporary's name in dirfd */
	char base[NAME_MAX + 1];  /* the target's name in dirfd */
};

void upload_target_init(struct upload_target *t);

/*
 * Opens an upload to rel beneath rootfd as the policy decides: 0, -errno,
 * or -EPERM with *why set when the policy refused (why is always set on
 * failure).  On failure t holds nothing to release but dirfd.
 */
int upload_open(const struct access_policy *pol, int rootfd, const char *rel,
		struct upload_target *t, struct tftp_reject *why);

/*
 * Makes size bytes written the target's content: the temporary is flushed
 * and renamed over the target (the directory flushed too); in place, the
 * old tail is cut and the file flushed.  Returns 0 or -errno (the
 * temporary is gone either way).
 */
int upload_commit(struct upload_target *t, uint64_t size);

/* Writes len bytes at off: 0 or -errno. */
int upload_write(struct upload_target *t, const uint8_t *data, size_t len,
		 uint64_t off);

/* Drops an unfinished upload: the temporary is removed. */
void upload_discard(struct upload_target *t);

/* Closes everything t holds (after commit or discard). */
void upload_close(struct upload_target *t);

#endif
