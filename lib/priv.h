/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Giving up root once the sockets are open. */
#ifndef NB_PRIV_H
#define NB_PRIV_H

/*
 * Looks user up, chroots into dir when dir is not NULL, then sets the
 * supplementary groups to the user's primary group only, the real, effective
 * and saved gid and uid to the user's, and PR_SET_NO_NEW_PRIVS; checks that
 * root cannot be regained.  A process that is not root only chroots (when
 * it can) and sets no-new-privs.  Returns 0 or -errno; *why (when not NULL)
 * names the step that failed.
 */
int priv_drop(const char *user, const char *dir, const char **why);

#endif
