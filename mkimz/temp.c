/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Hidden, self-cleaning temporaries for mkimz's outputs (see temp.h). */
#include "temp.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

/* pack writes the .imz and the .chk; unpack one target. */
#define TEMP_SLOTS 2

/* Read by the signal handler: a name is complete before its slot is
 * marked used, and mkostemp() fills in the X's in place. */
static char temp_names[TEMP_SLOTS][PATH_MAX];
static volatile sig_atomic_t temp_used[TEMP_SLOTS];

static void on_fatal_signal(int sig)
{
	for (int i = 0; i < TEMP_SLOTS; i++)
		if (temp_used[i])
			unlink(temp_names[i]);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* A signal ignored from the start (nohup, a background job's SIGINT)
 * stays ignored. */
static void install_handlers(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	static int done;
	struct sigaction sa, old;

	if (done)
		return;
	done = 1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal_signal;
	sigfillset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (!sigaction(sigs[i], NULL, &old) && old.sa_handler != SIG_IGN)
			sigaction(sigs[i], &sa, NULL);
}

/* Splits path into its directory (static "." when none) and file name. */
static void split(const char *path, char *dir, size_t dirlen,
		  const char **base)
{
	const char *slash = strrchr(path, '/');

	if (!slash) {
		snprintf(dir, dirlen, ".");
		*base = path;
	} else {
		snprintf(dir, dirlen, "%.*s",
			 (int)(slash == path ? 1 : slash - path), path);
		*base = slash + 1;
	}
}

int imz_temp_begin(struct imz_temp *t, const char *path, mode_t mode)
{
	char dir[PATH_MAX];
	const char *base;
	int n, slot = 0, err;

	memset(t, 0, sizeof(*t));
	t->af.fd = -1;
	t->slot = -1;
	install_handlers();
	while (slot < TEMP_SLOTS && temp_used[slot])
		slot++;
	if (slot == TEMP_SLOTS)
		return -EMFILE;
	split(path, dir, sizeof(dir), &base);
	n = snprintf(t->af.path, sizeof(t->af.path), "%s", path);
	if (n < 0 || (size_t)n >= sizeof(t->af.path))
		return -ENAMETOOLONG;
	n = snprintf(temp_names[slot], sizeof(temp_names[slot]),
		     "%s/.%s.tmp%ld.XXXXXX", dir, base, (long)getpid());
	if (n < 0 || (size_t)n >= sizeof(temp_names[slot]))
		return -ENAMETOOLONG;
	temp_used[slot] = 1;
	t->slot = slot;
	t->af.fd = mkostemp(temp_names[slot], O_CLOEXEC);
	if (t->af.fd < 0) {
		err = errno;
		temp_used[slot] = 0;
		t->slot = -1;
		return -err;
	}
	snprintf(t->af.tmp, sizeof(t->af.tmp), "%s", temp_names[slot]);
	if (flock(t->af.fd, LOCK_EX | LOCK_NB) || fchmod(t->af.fd, mode)) {
		err = errno;
		imz_temp_abort(t);
		return -err;
	}
	return 0;
}

static void unregister(struct imz_temp *t)
{
	if (t->slot >= 0)
		temp_used[t->slot] = 0;
	t->slot = -1;
}

/* Without replacing: the temporary's data to disk, then a rename that
 * fails if path has appeared meanwhile. */
static int commit_new(struct imz_temp *t)
{
	int rc = 0;

	if (fsync(t->af.fd))
		rc = -errno;
	if (!rc && renameat2(AT_FDCWD, t->af.tmp, AT_FDCWD, t->af.path,
			     RENAME_NOREPLACE))
		rc = -errno;
	if (rc)
		return rc;
	close(t->af.fd);
	t->af.fd = -1;
	t->af.tmp[0] = '\0';
	return 0;
}

int imz_temp_commit(struct imz_temp *t, bool noreplace)
{
	int rc;

	if (t->af.fd < 0)
		return -EBADF;
	rc = noreplace ? commit_new(t) : atomic_commit(&t->af);
	if (rc)
		atomic_abort(&t->af);
	unregister(t);
	return rc;
}

void imz_temp_abort(struct imz_temp *t)
{
	atomic_abort(&t->af);
	unregister(t);
}

pid_t imz_temp_owner(const char *entry, const char *base)
{
	size_t n = strlen(base);
	const char *p, *dot;
	char *end;
	long pid;

	if (entry[0] != '.' || strncmp(entry + 1, base, n) ||
	    strncmp(entry + 1 + n, ".tmp", 4))
		return 0;
	p = entry + 1 + n + 4;
	if (*p < '1' || *p > '9')
		return 0;
	errno = 0;
	pid = strtol(p, &end, 10);
	dot = end;
	if (errno || pid <= 0 || pid > INT_MAX || *dot != '.' ||
	    strlen(dot + 1) != 6)
		return 0;
	return (pid_t)pid;
}

/* Gone: its process does not exist and nobody holds its lock. */
static int stale(int dirfd, const char *name, pid_t pid)
{
	int fd, unlocked;

	if (pid == getpid() || kill(pid, 0) == 0 || errno != ESRCH)
		return 0;
	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
					 O_NONBLOCK);
	if (fd < 0)
		return 0;
	unlocked = !flock(fd, LOCK_EX | LOCK_NB);
	close(fd);
	return unlocked;
}

void imz_temp_clean(const char *path)
{
	char dir[PATH_MAX];
	const char *base;
	struct dirent *e;
	DIR *d;

	split(path, dir, sizeof(dir), &base);
	d = opendir(dir);
	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		pid_t pid = imz_temp_owner(e->d_name, base);

		if (pid && stale(dirfd(d), e->d_name, pid) &&
		    !unlinkat(dirfd(d), e->d_name, 0))
			log_warn("%s/%s: removed: left by process %ld, which is gone",
				 dir, e->d_name, (long)pid);
	}
	closedir(d);
}
