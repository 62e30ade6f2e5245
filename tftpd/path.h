/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Keeping every file tftpd touches beneath its root.  Two independent
 * layers, so that a mistake in one is still caught by the other: the name a
 * client sends is cleaned as plain text (no "..", nothing absolute), then
 * opened with openat2(2) RESOLVE_BENEATH, so the kernel itself refuses any
 * walk out of the root directory, whatever symlinks the root holds.
 *
 * Windows boot clients ask for "\Boot\BCD" in any case; the cleaning turns
 * backslashes into slashes and the opening may match names ignoring case.
 */
#ifndef TFTPD_PATH_H
#define TFTPD_PATH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * Cleans a client-supplied name (name, len: any bytes, no NUL needed) into
 * a relative path under the root, written NUL-terminated to out:
 *  - backslashes become slashes (Windows bootmgr asks "\Boot\BCD",
 *    "/Boot\x64\wdsnbp.com");
 *  - when rootpath is not NULL and the name is absolute and starts with
 *    rootpath followed by '/' (tftp-hpa users write full paths such as
 *    /srv/tftp/pxelinux.0), that prefix is removed; trailing slashes of
 *    rootpath are ignored;
 *  - leading slashes are removed, repeated slashes collapse, "." components
 *    are dropped;
 *  - a ".." component anywhere is refused with -EACCES, even in "a/../b":
 *    a simple rule leaves nothing to reason about;
 *  - an embedded NUL byte or a control character (< 0x20) is refused with
 *    -EACCES;
 *  - an empty result ("", "/", "./") is -ENOENT; a result that does not
 *    fit outlen (with its NUL) is -ENAMETOOLONG.
 * Refusals take precedence over -ENOENT, which takes precedence over
 * -ENAMETOOLONG.  On failure out holds "" (when outlen > 0).
 * Returns 0 on success.  Pure function, no I/O.
 */
int tftp_path_clean(const char *name, size_t len, const char *rootpath,
		    char *out, size_t outlen);

/*
 * Opens rel (a cleaned path) beneath the directory rootfd with openat2(2)
 * RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS, so neither "..", absolute
 * symlinks, symlinks pointing outside nor /proc magic links can escape;
 * the kernel's EXDEV and ELOOP become -EACCES.  flags and mode are those of
 * open(2); O_CLOEXEC is added and mode is used only when a file is created.
 * The file type is not checked: callers that want a regular file fstat()
 * the result (and pass O_NONBLOCK so a FIFO cannot stall them).
 *
 * When the exact name does not exist (ENOENT) and nocase is true, each
 * missing component is looked up ignoring case (readdir of its directory,
 * itself opened beneath rootfd; an exact match always wins, otherwise the
 * first match in readdir order) and that path is opened.  With O_CREAT a
 * last component that matches nothing is created as written.
 *
 * The relative path actually opened is written to actual (may be NULL;
 * -ENAMETOOLONG if it does not fit).  Returns an fd or -errno; -ENOSYS on
 * kernels without openat2 (older than 5.6): there is no less safe fallback.
 */
int tftp_path_open(int rootfd, const char *rel, int flags, mode_t mode,
		   bool nocase, char *actual, size_t actuallen);

/*
 * For uploads written to a temporary then renamed: opens the parent
 * directory of rel beneath rootfd (same rules, same case fallback for the
 * directory components; the root itself when rel has no slash) and writes
 * the last component to base.  A last component of "." or ".." is -EACCES,
 * an empty one -ENOENT.  Returns a directory fd (O_RDONLY, so it can also
 * be fsync'ed) or -errno.
 */
int tftp_path_open_parent(int rootfd, const char *rel, bool nocase,
			  char *base, size_t baselen);

/*
 * For a file named on the command line that the server rereads or
 * replaces after it may have chrooted (-m, --metrics): opens the directory
 * holding path, as given and without any confinement ("." when path has
 * no slash), and writes the last component to base.  Returns a directory
 * fd (O_RDONLY, close-on-exec) or -errno; -ENAMETOOLONG when a part does
 * not fit, -EISDIR when path ends in a slash.
 */
int local_open_parent(const char *path, char *base, size_t baselen);

#endif
