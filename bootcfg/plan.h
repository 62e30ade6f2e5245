/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Everything one run would write, built in memory before any file is
 * touched (plan.c), then written by write.h's bc_write().
 */
#ifndef BC_PLAN_H
#define BC_PLAN_H

#include "boot.h"

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

#endif
