/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Everything one run would write, built in memory before any file is
 * touched, then written (write.c): only files whose content differs, each
 * to a temporary beside it, one syncfs() per file system, then renames and
 * directory fsyncs.  A manifest in the TFTP root remembers the per-host
 * files written, so those of removed hosts are pruned next time.
 */
#ifndef BC_PLAN_H
#define BC_PLAN_H

#include <stdio.h>

#include "boot.h"

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

/* Kinds of per-host file; the first component of their relative path. */
enum bc_out_kind {
	BC_OUT_PXELINUX,
	BC_OUT_GRUB,
	BC_OUT_IPXE,
	BC_OUT_HOSTS,           /* rendered templates */
	BC_OUT_KINDS,
	BC_OUT_AGGREGATE = BC_OUT_KINDS,
};

struct bc_opts {
	const char *root;               /* TFTP root, per-host files go here */
	const char *manifest;           /* the list of per-host files written */
	const char *templates_dir;
	bool out[BC_OUT_KINDS];         /* which per-host kinds to write */
	const char *dhcpd, *dnsmasq, *proxydhcp, *xcat;
	bool check_files;               /* warn about boot files missing in root */
};

struct bc_file {
	char *path;             /* as opened: root/rel, or an aggregate path */
	char *rel;              /* relative to root; NULL for aggregates */
	char *data;
	size_t len;
	enum bc_out_kind kind;
};

struct bc_outset {
	struct bc_file *v;
	size_t n, cap;
};

struct bc_template {
	char *name, *path, *data;
	size_t len;
};

struct bc_templates {
	struct bc_template *v;
	size_t n;
};

/* Reads every regular file in dir whose name does not start with '.'. */
int bc_templates_load(struct bc_templates *t, const char *dir,
		      struct diag *d);
void bc_templates_free(struct bc_templates *t);

/* Builds every file o asks for.  Returns false after errors (in e->d). */
bool bc_plan(const struct bc_opts *o, const struct bc_env *e,
	     const struct bc_templates *t, struct bc_outset *out);
void bc_outset_free(struct bc_outset *out);

/* The directory (under the TFTP root) of a per-host kind. */
const char *bc_out_dir(enum bc_out_kind kind);

/* Which per-host kind a manifest path belongs to; -1 for none (not ours). */
int bc_rel_kind(const char *rel, size_t len);

/* Warnings for kernel, initrd, ... files that are not under root. */
void bc_check_files(const struct bc_profiles *ps, const char *root,
		    struct diag *d);

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
