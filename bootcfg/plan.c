/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "plan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "escape.h"
#include "dhcp.h"
#include "gen.h"

static const char *const kind_dirs[BC_OUT_KINDS] = {
	[BC_OUT_PXELINUX] = BC_DIR_PXELINUX,
	[BC_OUT_GRUB] = BC_DIR_GRUB,
	[BC_OUT_IPXE] = BC_DIR_IPXE,
	[BC_OUT_HOSTS] = BC_DIR_HOSTS,
};

const char *bc_out_dir(enum bc_out_kind kind)
{
	return (unsigned)kind < BC_OUT_KINDS ? kind_dirs[kind] : "";
}

int bc_rel_kind(const char *rel, size_t len)
{
	const char *p = rel;
	int kind = -1;

	for (int k = 0; k < BC_OUT_KINDS; k++) {
		size_t n = strlen(kind_dirs[k]);

		if (len > n + 1 && memcmp(rel, kind_dirs[k], n) == 0 &&
		    rel[n] == '/')
			kind = k;
	}
	if (kind < 0 || memchr(rel, '\0', len))
		return -1;
	/* No empty, "." or ".." component: pruning stays inside its directory. */
	while (p < rel + len) {
		const char *slash = memchr(p, '/', (size_t)(rel + len - p));
		size_t n = slash ? (size_t)(slash - p) : (size_t)(rel + len - p);

		if (n == 0 || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			return -1;
		p += n + 1;
	}
	return rel[len - 1] == '/' ? -1 : kind;
}

static void add_file(struct bc_outset *out, const struct bc_opts *o,
		     enum bc_out_kind kind, const char *name, struct sbuf *data)
{
	struct bc_file *f;
	struct sbuf path = { 0 };

	if (out->n == out->cap) {
		out->cap = out->cap ? out->cap * 2 : 256;
		out->v = xrealloc(out->v, out->cap * sizeof(*out->v));
	}
	f = &out->v[out->n++];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	if (kind == BC_OUT_AGGREGATE) {
		sb_puts(&path, name);
	} else {
		sb_printf(&path, "%s/%s", o->root, name);
		f->rel = xrealloc(NULL, strlen(name) + 1);
		strcpy(f->rel, name);
	}
	f->path = sb_steal(&path, NULL);
	f->data = sb_steal(data, &f->len);
	if (f->data == NULL)
		f->data = xrealloc(NULL, 1);
}

void bc_outset_free(struct bc_outset *out)
{
	for (size_t i = 0; i < out->n; i++) {
		free(out->v[i].path);
		free(out->v[i].rel);
		free(out->v[i].data);
	}
	free(out->v);
	memset(out, 0, sizeof(*out));
}

/* --- templates ------------------------------------------------------------ */

static int cmp_template(const void *a, const void *b)
{
	return strcmp(((const struct bc_template *)a)->name,
		      ((const struct bc_template *)b)->name);
}

int bc_templates_load(struct bc_templates *t, const char *dir, struct diag *d)
{
	DIR *dh = opendir(dir);
	struct dirent *de;

	if (dh == NULL) {
		diag_err(d, dir, 0, "%s", strerror(errno));
		return -1;
	}
	while ((de = readdir(dh)) != NULL) {
		struct bc_template *tp;
		struct sbuf path = { 0 };
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		sb_printf(&path, "%s/%s", dir, de->d_name);
		if (stat(path.p, &st) < 0 || !S_ISREG(st.st_mode)) {
			sb_free(&path);
			continue;
		}
		t->v = xrealloc(t->v, (t->n + 1) * sizeof(*t->v));
		tp = &t->v[t->n];
		tp->path = sb_steal(&path, NULL);
		tp->name = xrealloc(NULL, strlen(de->d_name) + 1);
		strcpy(tp->name, de->d_name);
		if (diag_read(d, tp->path, BC_INPUT_MAX, &tp->data,
			      &tp->len) < 0) {
			free(tp->path);
			free(tp->name);
			continue;
		}
		t->n++;
	}
	closedir(dh);
	qsort(t->v, t->n, sizeof(*t->v), cmp_template);
	return 0;
}

void bc_templates_free(struct bc_templates *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].name);
		free(t->v[i].path);
		free(t->v[i].data);
	}
	free(t->v);
	memset(t, 0, sizeof(*t));
}

static const struct bc_template *find_template(const struct bc_templates *t,
					       const char *name, size_t n)
{
	for (size_t i = 0; t && i < t->n; i++)
		if (strlen(t->v[i].name) == n &&
		    memcmp(t->v[i].name, name, n) == 0)
			return &t->v[i];
	return NULL;
}

/* Line by line, so that a tag without a value names its line. */
static bool render(const struct bc_env *e, const struct bc_host *h,
		   const struct bc_template *tp, struct sbuf *out)
{
	size_t pos = 0;
	unsigned line = 0;
	bool ok = true;
	int syn = (int)bc_template_syntax(tp->name);

	while (pos < tp->len) {
		const char *p = tp->data + pos;
		const char *nl = memchr(p, '\n', tp->len - pos);
		size_t n = nl ? (size_t)(nl - p) + 1 : tp->len - pos;

		ok = bc_expand_as(e, h, BC_ARCH_BIOS, syn, p, n, tp->path,
				  ++line, out) && ok;
		pos += n;
	}
	return ok;
}

static bool plan_templates(const struct bc_opts *o, const struct bc_env *e,
			   const struct bc_host *h,
			   const struct bc_templates *t, struct bc_outset *out)
{
	const char *file;
	const struct bc_kv *kv = bc_lookup(e->hs, e->ps, h, "templates",
					   BC_ARCH_BIOS, &file);
	const char *p = kv ? kv->val : NULL;
	bool ok = true;

	while (p && *p) {
		size_t n = strcspn(p, " \t");
		const struct bc_template *tp = find_template(t, p, n);

		if (n && tp == NULL) {
			diag_err(e->d, file, kv->line, "no template '%.*s' in %s",
				 (int)n, p, o->templates_dir ? o->templates_dir
							     : "(no -T)");
			ok = false;
		} else if (n) {
			struct sbuf data = { 0 }, name = { 0 };

			ok = render(e, h, tp, &data) && ok;
			sb_printf(&name, BC_DIR_HOSTS "/%s/%s", h->name,
				  tp->name);
			add_file(out, o, BC_OUT_HOSTS, name.p, &data);
			sb_free(&name);
		}
		p += n;
		p += strspn(p, " \t");
	}
	return ok;
}

/* --- the plan ------------------------------------------------------------- */

typedef bool (*host_gen)(const struct bc_env *, const struct bc_host *,
			 struct sbuf *);
typedef void (*host_path)(const struct bc_host *, struct sbuf *);

static bool gen_ipxe_all(const struct bc_env *e, const struct bc_host *h,
			 struct sbuf *out)
{
	return bc_gen_ipxe(e, h, -1, out);
}

static const struct {
	host_gen gen;
	host_path path;
} host_files[] = {
	[BC_OUT_PXELINUX] = { bc_gen_pxelinux, bc_path_pxelinux },
	[BC_OUT_GRUB] = { bc_gen_grub, bc_path_grub },
	[BC_OUT_IPXE] = { gen_ipxe_all, bc_path_ipxe },
};

static bool plan_host(const struct bc_opts *o, const struct bc_env *e,
		      const struct bc_host *h, const struct bc_templates *t,
		      struct bc_outset *out)
{
	bool ok = true;

	for (int k = BC_OUT_PXELINUX; k <= BC_OUT_IPXE; k++) {
		struct sbuf data = { 0 }, name = { 0 };

		if (!o->out[k])
			continue;
		ok = host_files[k].gen(e, h, &data) && ok;
		host_files[k].path(h, &name);
		add_file(out, o, (enum bc_out_kind)k, name.p, &data);
		sb_free(&name);
	}
	if (o->out[BC_OUT_HOSTS])
		ok = plan_templates(o, e, h, t, out) && ok;
	return ok;
}

/* The aggregate files o asks for, in one pass over the hosts. */
static bool plan_aggregates(const struct bc_opts *o, const struct bc_env *e,
			    struct bc_outset *out)
{
	const char *paths[BC_AGG_COUNT] = {
		[BC_AGG_DHCPD] = o->dhcpd,
		[BC_AGG_DNSMASQ] = o->dnsmasq,
		[BC_AGG_PROXYDHCP] = o->proxydhcp,
		[BC_AGG_XCAT] = o->xcat,
	};
	struct sbuf data[BC_AGG_COUNT] = { { 0 } };
	struct sbuf *want[BC_AGG_COUNT] = { NULL };
	bool ok;

	for (int k = 0; k < BC_AGG_COUNT; k++)
		want[k] = paths[k] ? &data[k] : NULL;
	ok = bc_gen_aggregates(e, want);
	for (int k = 0; k < BC_AGG_COUNT; k++)
		if (paths[k])
			add_file(out, o, BC_OUT_AGGREGATE, paths[k], &data[k]);
	return ok;
}

/* The file of each kind that sends a machine to its own, or boots locally. */
static const struct {
	enum bc_out_kind kind;
	const char *name;
	void (*gen)(struct sbuf *);
} dispatchers[] = {
	{ BC_OUT_PXELINUX, BC_DIR_PXELINUX "/default", bc_gen_pxelinux_default },
	{ BC_OUT_GRUB, BC_DIR_GRUB "/grub.cfg", bc_gen_grub_default },
	{ BC_OUT_IPXE, BC_DIR_IPXE "/boot.ipxe", bc_gen_ipxe_default },
};

bool bc_plan(const struct bc_opts *o, const struct bc_env *e,
	     const struct bc_templates *t, struct bc_outset *out)
{
	bool ok = true;

	for (size_t i = 0; i < e->hs->n; i++)
		ok = plan_host(o, e, &e->hs->v[i], t, out) && ok;
	for (size_t i = 0; i < sizeof(dispatchers) / sizeof(dispatchers[0]);
	     i++) {
		struct sbuf data = { 0 };

		if (!o->out[dispatchers[i].kind])
			continue;
		dispatchers[i].gen(&data);
		add_file(out, o, dispatchers[i].kind, dispatchers[i].name,
			 &data);
	}
	return plan_aggregates(o, e, out) && ok;
}

/* --- boot files present? -------------------------------------------------- */

static void check_one(const struct bc_profiles *ps, const struct bc_kv *kv,
		      const char *root, struct diag *d)
{
	const char *p = kv->val;

	while (*p) {
		size_t n = strcspn(p, " \t");
		struct sbuf path = { 0 };

		bool none = n == 1 && *p == '-';

		if (n && !none && !memmem(p, n, "://", 3) &&
		    !memchr(p, '@', n)) {
			sb_printf(&path, "%s/%.*s", root, (int)n, p);
			if (access(path.p, F_OK) < 0)
				diag_warn(d, ps->file, kv->line,
					  "%.*s not found under %s", (int)n, p,
					  root);
		}
		sb_free(&path);
		p += n;
		p += strspn(p, " \t");
	}
}

void bc_check_files(const struct bc_profiles *ps, const char *root,
		    struct diag *d)
{
	static const char *const keys[] = { "kernel", "initrd", "wimboot",
					    "memdisk", "iso", "winpe",
					    "ipxe-lkrn", "restore-layout",
					    "restore-kernel",
					    "restore-initrd" };

	for (size_t i = 0; i < ps->nkv; i++) {
		const struct bc_kv *kv = &ps->kv[i];

		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			size_t n = strlen(keys[k]);

			if (strncmp(kv->key, keys[k], n) == 0 &&
			    (kv->key[n] == '\0' || kv->key[n] == '.'))
				check_one(ps, kv, root, d);
		}
	}
}
