/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Filename remapping for -m RULESFILE, in tftp-hpa's rules-file syntax.
 *
 * One rule a line: FLAGS REGEX [REPLACEMENT], fields separated by blanks.
 * '#' starts a comment; a backslash keeps a blank or '#' inside a field.
 * REGEX is POSIX extended.  FLAGS is any combination of:
 *
 *   r  replace the first match with REPLACEMENT (required with r, refused
 *      without it)
 *   g  with r: replace every match, left to right, as sed's s///g
 *   i  match case-insensitively
 *   e  when the rule matched, stop: the name is final
 *   s  when the rule matched, start again at the first rule
 *   a  when the rule matched, deny the request
 *   G  the rule applies to reads (RRQ) only
 *   P  the rule applies to writes (WRQ) only
 *   ~  the rule matches when REGEX does not (not with r)
 *
 * REPLACEMENT escapes: \0 the whole match, \1..\9 a group (empty when it
 * took no part in the match), \i the client address as text, \x the client
 * address in upper-case hex (8 digits for IPv4, as pxelinux names its
 * per-host files; 32 for IPv6), \\ a backslash; \c is c for any other c.
 * An IPv4 client seen on a dual-stack socket (::ffff:a.b.c.d) counts as
 * IPv4 for \i and \x.
 */
#ifndef TFTPD_REMAP_H
#define TFTPD_REMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

/* Longest name, with its NUL, that remap_apply reads, builds or returns. */
#define REMAP_NAME_MAX 4096
/* Restarts ('s' rules that matched) allowed in one remap_apply. */
#define REMAP_MAX_RESTARTS 100
/* remap_load refuses rules files larger than this. */
#define REMAP_FILE_MAX (1024 * 1024)

/* A parsed rules file: opaque, immutable once parsed. */
struct remap;

/* Receives each problem found: its line (0: the file as a whole) and what
 * is wrong, without the file's name. */
typedef void remap_report(void *arg, unsigned line, const char *msg);

/*
 * Parses a rules file held in (buf, len), which need not be NUL-terminated.
 * A bad line goes to report (when not NULL) and parsing goes on, so that
 * every bad line is reported; returns NULL when there was any, else the
 * rules.  Free the result with remap_free().
 */
struct remap *remap_parse_each(const char *buf, size_t len,
			       remap_report *report, void *arg);

/*
 * The same, keeping only the first problem, as "line N: what is wrong",
 * in err (errlen bytes; err may be NULL).
 */
struct remap *remap_parse(const char *buf, size_t len, char *err,
			  size_t errlen);
void remap_free(struct remap *rm);

/*
 * Reads (lib/file.h file_read, at most REMAP_FILE_MAX bytes) and parses the
 * file name relative to dirfd (AT_FDCWD, or a directory kept open so that a
 * chrooted server can reread it), as remap_parse_each does.  A file that
 * cannot be read is one problem, at line 0.  NULL when there was any.
 */
struct remap *remap_load(int dirfd, const char *name, remap_report *report,
			 void *arg);

/*
 * remap_load with each problem printed as "SHOWN:LINE: what is wrong", or
 * "SHOWN: why" for a file that cannot be read (SHOWN is name when shown
 * is NULL): through the logger, or when plain is set as a bare line on
 * standard error (--check-config).  *problems (when not NULL) counts them.
 */
struct remap *remap_load_printed(int dirfd, const char *name,
				 const char *shown, bool plain,
				 unsigned *problems);

/* Number of rules in rm (0 for NULL). */
size_t remap_count(const struct remap *rm);

enum remap_result {
	REMAP_OK = 0,      /* out holds the name to use */
	REMAP_DENIED = 1,  /* an 'a' rule matched, or 's' rules looped */
	REMAP_TOOLONG = 2, /* a name grew past outlen or REMAP_NAME_MAX */
};

/*
 * Applies the rules in order to name, for a read (is_write false) or a
 * write from peer (AF_INET or AF_INET6; NULL or another family leaves \i
 * and \x empty).  On REMAP_OK writes the NUL-terminated result to out; on
 * anything else leaves out empty (when outlen > 0).  A NULL rm copies name.
 * Pure apart from regexec(3); safe to call from several threads at once.
 */
enum remap_result remap_apply(const struct remap *rm, const char *name,
			      bool is_write, const struct sockaddr *peer,
			      char *out, size_t outlen);

#endif
