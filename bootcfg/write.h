/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Writing a plan (write.c): only files whose content differs, each to a
 * temporary beside it, one syncfs() per file system, then renames and one
 * more syncfs().  A manifest outside the TFTP root remembers the per-host
 * files written, so those of removed hosts are pruned next time.
 */
#ifndef BC_WRITE_H
#define BC_WRITE_H

#include <stdio.h>

#include "plan.h"

/*
 * The manifest of an output directory lives outside it (tftpd would serve
 * the host list otherwise): by default in BC_STATE_DIR (or the directory
 * in the environment variable BOOTCFG_STATE_DIR), named after the output
 * directory's absolute path.  Older versions kept it in the root itself
 * under BC_MANIFEST_OLD; that file is taken over once and removed.
 */
#define BC_STATE_DIR "/var/lib/netboot/bootcfg"
#define BC_MANIFEST_SUFFIX ".manifest"
#define BC_MANIFEST_OLD ".bootcfg-manifest"
#define BC_MANIFEST_MAX (64u << 20)

struct bc_stats {
	unsigned created, changed, unchanged, removed;
};

struct bc_write_opts {
	bool dry_run;
	FILE *report;           /* dry-run report (NULL: stdout) */
	bool verbose;
};

/* "srv-tftp.manifest" for /srv/tftp: '/' as '-', other bytes as %XX. */
void bc_manifest_name(const char *abs_root, struct sbuf *out);

/* Writes (or with dry_run describes) out; returns 0 or -1 (logged). */
int bc_write(const struct bc_opts *o, const struct bc_outset *out,
	     const struct bc_write_opts *wo, struct bc_stats *st);

#endif
