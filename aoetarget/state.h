/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A target's persisted state (config string, MAC mask list, reserve list)
 * as a small text file in the state directory, one per target:
 *
 *   aoetarget-state 1
 *   config 68656c6c6f          (the string in hex; absent when empty)
 *   mask 52:54:00:12:34:56     (one line per entry, in list order)
 *   reserve 52:54:00:12:34:57
 *
 * Lines starting with '#' and empty lines are ignored.  Files are replaced
 * atomically (lib/atomic.h), so a reader sees the old or the new state.
 */
#ifndef AOETARGET_STATE_H
#define AOETARGET_STATE_H

#include <stddef.h>

#include "proto.h"

/* The largest state file: header, hex string, two full lists. */
#define AOE_STATE_MAX (64 + 2 * AOE_CFG_MAX + 2 * AOE_LIST_MAX * 32)

/* Writes st as text into buf; returns the length, or 0 if it does not fit. */
size_t aoe_state_format(const struct aoe_state *st, char *buf, size_t len);

/*
 * Parses (buf, len) into st.  Returns 0, or the 1-based number of the first
 * bad line (st is then left empty) with *why saying what is wrong.
 */
int aoe_state_parse(const char *buf, size_t len, struct aoe_state *st,
		    const char **why);

/* The state file name for a target: DIR/e<shelf>.<slot>-<netif>. */
int aoe_state_path(char *buf, size_t len, const char *dir, unsigned shelf,
		   unsigned slot, const char *netif);

/*
 * Loads path into st.  Returns 1 when loaded, 0 when there is no file,
 * -1 when it could not be read or is corrupt (logged with the file name;
 * st is left unchanged).
 */
int aoe_state_load(const char *path, struct aoe_state *st);

/* Saves st to path atomically.  Returns 0 or -errno (logged). */
int aoe_state_save(const char *path, const struct aoe_state *st);

#endif
