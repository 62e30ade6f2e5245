/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Output files written under a temporary name and renamed when complete.
 *
 * The temporary for DIR/NAME is DIR/.NAME.tmpPID.XXXXXX: hidden (tftpd
 * serves no name with a component starting with '.'), in the same
 * directory so the rename is atomic, and naming the process that writes
 * it.  The writer holds an flock on it while it lives.  SIGINT, SIGTERM
 * and SIGHUP remove every registered temporary before the process dies of
 * the signal; after a SIGKILL or a crash, the next run on the same output
 * removes temporaries whose process is gone (kill(PID, 0) fails with
 * ESRCH) and that nobody holds locked.
 */
#ifndef MKIMZ_TEMP_H
#define MKIMZ_TEMP_H

#include <stdbool.h>
#include <sys/types.h>

#include "atomic.h"

struct imz_temp {
	struct atomic_file af;	/* af.fd: write here; af.tmp, af.path */
	int slot;		/* in the signal handler's list, or -1 */
};

/*
 * Creates the temporary for path with exactly mode, locked and registered
 * for removal on SIGINT, SIGTERM and SIGHUP (whose handlers the first call
 * installs).  Returns 0 or -errno.
 */
int imz_temp_begin(struct imz_temp *t, const char *path, mode_t mode);
/* fsync, rename over path (or, with noreplace, only if path does not
 * exist: -EEXIST otherwise), unregister.  On failure the temporary is
 * removed.  Returns 0 or -errno. */
int imz_temp_commit(struct imz_temp *t, bool noreplace);
/* Removes the temporary; harmless after commit or a failed begin. */
void imz_temp_abort(struct imz_temp *t);

/* Removes the temporaries of path left by processes that are gone. */
void imz_temp_clean(const char *path);
/* The writer's pid when entry (a directory entry's name) is a temporary
 * of an output whose file name is base, else 0. */
pid_t imz_temp_owner(const char *entry, const char *base);

#endif
