/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The overlay directory of a target (--overlay DIR): the base file, read
 * only, and one copy-on-write overlay per initiator MAC, DIR/MAC.ovl
 * (MAC as 52-54-00-12-34-56), created on the client's first write.  The
 * format is overlay.h's.  A running target holds an exclusive flock on
 * every overlay it has open; `aoetarget overlay discard` removes an
 * overlay nobody holds at once, and marks one in use (DIR/MAC.discard),
 * which the target drops at that client's next IDENTIFY DEVICE (what
 * initiators send when they attach: at boot, or when Linux's aoe driver
 * finds the device not open) or at the target's next start.
 *
 * The map an open overlay is marking lives in RUNDIR/ovmap/DEV-INODE/MAC.map
 * (overlay.h's live map; RUNDIR is $AOETARGET_RUNDIR, else OVDIR_RUNDIR),
 * a tmpfs that outlives the process but not a reboot: after a kill the
 * next start takes the marks from it, after a reboot the overlay's own
 * map (as of the last FLUSH) is used.
 */
#ifndef AOETARGET_OVDIR_H
#define AOETARGET_OVDIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "disk.h"
#include "proto.h"

struct ovdir;

#define OVDIR_RUNDIR "/run/aoetarget"

/*
 * The directories of the live maps of overlay directory dir: depth 0 the
 * run directory, 1 its ovmap, 2 the one of dir (which must exist).  Made
 * and given to the target's user at setup.  0 or -errno.
 */
int ovdir_live_path(const char *dir, unsigned depth, char *buf, size_t len);

/*
 * Opens DIR for the base disk, computes the base's identity, drops the
 * overlays marked for discard (every overlay when reset is set), and logs
 * each overlay that does not fit the base.  On success the ovdir takes
 * the base over: *base keeps its size but no longer its file (closing it
 * is harmless); ovdir_close closes the file.  0, or -errno with *why (the
 * base then stays the caller's).
 */
int ovdir_open(struct ovdir **out, const char *dir, struct disk *base,
	       bool reset, const char **why);
/* Writes out every map (as a FLUSH would), closes every overlay. */
void ovdir_close(struct ovdir *ov);

/*
 * The I/O of decision d for initiator mac: a read into rdata, a write, or
 * a flush of that client's overlay (data, then map).  0 or -errno.
 */
int ovdir_io(struct ovdir *ov, const uint8_t mac[6],
	     const struct aoe_decision *d, uint8_t *rdata);

/* A request arrived: an IDENTIFY DEVICE applies a pending discard. */
void ovdir_note(struct ovdir *ov, const struct aoe_req *req);

/* `aoetarget overlay list|discard DIR [MAC|all]`: its exit status. */
int ovdir_admin(int argc, char **argv, FILE *out);

#endif
