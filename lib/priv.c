/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "priv.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <unistd.h>

static int fail(const char **why, const char *step, int err)
{
	if (why)
		*why = step;
	return -err;
}

static int enter_dir(const char *dir, const char **why)
{
	if (dir == NULL)
		return 0;
	if (geteuid() == 0 && chroot(dir) < 0)
		return fail(why, "chroot", errno);
	if (chdir(geteuid() == 0 ? "/" : dir) < 0)
		return fail(why, "chdir", errno);
	return 0;
}

static int become(const struct passwd *pw, const char **why)
{
	gid_t gid = pw->pw_gid;

	if (setgroups(1, &gid) < 0)
		return fail(why, "setgroups", errno);
	if (setresgid(gid, gid, gid) < 0)
		return fail(why, "setresgid", errno);
	if (setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) < 0)
		return fail(why, "setresuid", errno);
	/* A process that can get root back has not dropped it. */
	if (pw->pw_uid != 0 && (setuid(0) == 0 || seteuid(0) == 0))
		return fail(why, "regained root", EPERM);
	return 0;
}

int priv_drop(const char *user, const char *dir, const char **why)
{
	struct passwd pwcopy, *pw = NULL;
	int rc;

	if (geteuid() == 0 && user != NULL) {
		/* Look the user up before chroot hides /etc/passwd. */
		errno = 0;
		pw = getpwnam(user);
		if (pw == NULL)
			return fail(why, "no such user", errno ? errno : ENOENT);
		pwcopy = *pw;
		pw = &pwcopy;
	}
	rc = enter_dir(dir, why);
	if (rc == 0 && pw != NULL)
		rc = become(pw, why);
	if (rc == 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		rc = fail(why, "no_new_privs", errno);
	return rc;
}
