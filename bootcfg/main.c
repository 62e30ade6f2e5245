/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bootcfg: every per-host network boot file from one hosts table. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgi.h"
#include "file.h"
#include "num.h"
#include "opts.h"
#include "write.h"

struct raw_opts {
	char *profiles, *templates, *root, *dhcpd, *dnsmasq, *proxydhcp;
	char *xcat, *reload, *manifest;
	int pxelinux, grub, ipxe, templates_out, all, dry_run, quiet, cgi;
	int verbose;
};

struct inputs {
	struct bc_hosts hs;
	struct bc_profiles ps;
	struct bc_templates t;
	struct diag d;
	char *hbuf, *pbuf;
};

/* Parses and checks hosts, profiles and templates; errors land in in->d. */
static void load_inputs(struct inputs *in, const char *hosts,
			const char *profiles, const char *templates)
{
	size_t hl, pl;

	memset(in, 0, sizeof(*in));
	diag_read(&in->d, profiles, BC_INPUT_MAX, &in->pbuf, &pl);
	diag_read(&in->d, hosts, BC_INPUT_MAX, &in->hbuf, &hl);
	if (in->d.errors)
		return;
	bc_profiles_parse(&in->ps, profiles, in->pbuf, pl, &in->d);
	bc_hosts_parse(&in->hs, hosts, in->hbuf, hl, &in->d);
	bc_hosts_resolve(&in->hs, &in->ps, &in->d);
	if (templates)
		bc_templates_load(&in->t, templates, &in->d);
}

static void free_inputs(struct inputs *in)
{
	bc_hosts_free(&in->hs);
	bc_profiles_free(&in->ps);
	bc_templates_free(&in->t);
	diag_free(&in->d);
	free(in->hbuf);
	free(in->pbuf);
}

/* Sends SIGHUP to the process named in pidfile. */
static int reload(const char *pidfile)
{
	char *buf;
	size_t len;
	uint64_t pid;
	int rc = file_read(AT_FDCWD, pidfile, 64, &buf, &len);

	if (rc < 0) {
		log_err("%s: %s", pidfile, rc == -EFBIG ? "too large"
							: strerror(-rc));
		return -1;
	}
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
		len--;
	rc = num_parse_mem(buf, len, 2, 4194304, &pid);
	free(buf);
	if (rc < 0) {
		log_err("%s: no process id in it", pidfile);
		return -1;
	}
	if (kill((pid_t)pid, SIGHUP) < 0) {
		log_err("%s: kill %llu: %s", pidfile, (unsigned long long)pid,
			strerror(errno));
		return -1;
	}
	return 0;
}

static int run_cgi(const char *hosts, const char *profiles)
{
	struct inputs in;
	struct bc_env env = { .hs = &in.hs, .ps = &in.ps, .d = &in.d };
	const char *qs = getenv("QUERY_STRING");
	struct sbuf out = { 0 };

	bool loaded;

	load_inputs(&in, hosts, profiles, NULL);
	env.d = &in.d;
	loaded = in.d.errors == 0;
	if (!loaded)
		fputs(in.d.text.p, stderr);
	bc_cgi_answer(loaded ? &env : NULL, qs ? qs : "", qs ? strlen(qs) : 0,
		      &out);
	/* Warnings, and why a host's script was refused, for the log. */
	if (loaded && in.d.text.len)
		fputs(in.d.text.p, stderr);
	fwrite(out.p, 1, out.len, stdout);
	sb_free(&out);
	free_inputs(&in);
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
}

static int run(const struct bc_opts *o, const struct raw_opts *r,
	       const char *hosts)
{
	struct inputs in;
	struct bc_env env;
	struct bc_outset out = { 0 };
	struct bc_write_opts wo = { .dry_run = r->dry_run,
				    .verbose = r->verbose > 0 };
	struct bc_stats st;
	int rc = EXIT_FAIL;

	load_inputs(&in, hosts, r->profiles, r->templates);
	env = (struct bc_env){ .hs = &in.hs, .ps = &in.ps, .d = &in.d };
	if (in.d.errors == 0) {
		if (o->check_files)
			bc_check_files(&in.ps, o->root, &in.d);
		bc_plan(o, &env, &in.t, &out);
	}
	if (in.d.text.len && (!r->quiet || in.d.errors))
		fputs(in.d.text.p, stderr);
	if (in.d.errors) {
		log_err("%u error%s: nothing written", in.d.errors,
			in.d.errors == 1 ? "" : "s");
		goto done;
	}
	if (bc_write(o, &out, &wo, &st) < 0)
		goto done;
	if (!r->quiet)
		printf("%s%u hosts: %u created, %u changed, %u unchanged, "
		       "%u removed\n", r->dry_run ? "dry run: " : "",
		       (unsigned)in.hs.n, st.created, st.changed,
		       st.unchanged, st.removed);
	rc = EXIT_OK;
	if (!r->dry_run && r->reload &&
	    st.created + st.changed + st.removed > 0 && reload(r->reload) < 0)
		rc = EXIT_FAIL;
done:
	bc_outset_free(&out);
	free_inputs(&in);
	return rc;
}

/* dir with "." and empty components dropped and ".." applied, absolute. */
static void absolute(const char *dir, struct sbuf *out)
{
	char cwd[4096];
	const char *p = dir;

	if (dir[0] != '/') {
		if (getcwd(cwd, sizeof(cwd)) == NULL)
			die(EXIT_FAIL, "current directory: %s", strerror(errno));
		absolute(cwd, out);
	}
	while (*p) {
		size_t n;

		p += strspn(p, "/");
		n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (out->len > 0 && out->p[--out->len] != '/')
				;
			out->p[out->len] = '\0';
		} else if (n && !(n == 1 && p[0] == '.')) {
			sb_printf(out, "/%.*s", (int)n, p);
		}
		p += n;
	}
}

/* STATE_DIR/NAME.manifest for the output directory root. */
static char *default_manifest(const char *root)
{
	const char *dir = getenv("BOOTCFG_STATE_DIR");
	struct sbuf abs = { 0 }, path = { 0 };

	absolute(root, &abs);
	sb_printf(&path, "%s/", dir && *dir ? dir : BC_STATE_DIR);
	bc_manifest_name(abs.p ? abs.p : "/", &path);
	sb_free(&abs);
	return sb_steal(&path, NULL);
}

/* Two aggregates in one file would each overwrite the other. */
static void check_distinct(const struct bc_opts *o, poptContext ctx)
{
	const char *agg[] = { o->dhcpd, o->dnsmasq, o->proxydhcp, o->xcat };
	const size_t n = sizeof(agg) / sizeof(agg[0]);

	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (agg[i] && agg[j] && strcmp(agg[i], agg[j]) == 0)
				opts_usage_error(ctx, "'%s' named for two "
						 "outputs", agg[i]);
}

static void convert(struct bc_opts *o, struct raw_opts *r, poptContext ctx)
{
	memset(o, 0, sizeof(*o));
	o->root = r->root ? r->root : ".";
	o->manifest = r->manifest ? r->manifest : default_manifest(o->root);
	o->check_files = r->root != NULL;
	o->templates_dir = r->templates;
	o->out[BC_OUT_PXELINUX] = r->pxelinux || r->all;
	o->out[BC_OUT_GRUB] = r->grub || r->all;
	o->out[BC_OUT_IPXE] = r->ipxe || r->all;
	o->out[BC_OUT_HOSTS] = r->templates_out || (r->all && r->templates);
	o->dhcpd = r->dhcpd;
	o->dnsmasq = r->dnsmasq;
	o->proxydhcp = r->proxydhcp;
	o->xcat = r->xcat;
	check_distinct(o, ctx);
	if (r->templates_out && !r->templates)
		opts_usage_error(ctx, "--templates-out needs -T DIR");
	if (!r->cgi && !o->out[BC_OUT_PXELINUX] && !o->out[BC_OUT_GRUB] &&
	    !o->out[BC_OUT_IPXE] && !o->out[BC_OUT_HOSTS] && !o->dhcpd &&
	    !o->dnsmasq && !o->proxydhcp && !o->xcat)
		opts_usage_error(ctx, "nothing to write: choose outputs "
				 "(-a, --pxelinux, --dhcpd FILE, ...)");
}

int main(int argc, char **argv)
{
	struct raw_opts r;
	struct bc_opts o;
	const struct poptOption table[] = {
		{ "profiles", 'p', POPT_ARG_STRING, &r.profiles, 0, "Profiles file (env BOOTCFG_PROFILES)", "FILE" },
		{ "templates", 'T', POPT_ARG_STRING, &r.templates, 0, "Directory of per-host templates", "DIR" },
		{ "tftp-root", 'o', POPT_ARG_STRING, &r.root, 0, "Where per-host files go (default .)", "DIR" },
		{ "pxelinux", '\0', POPT_ARG_NONE, &r.pxelinux, 0, "Write pxelinux.cfg/01-MAC and default", NULL },
		{ "grub", '\0', POPT_ARG_NONE, &r.grub, 0, "Write grub/grub.cfg-01-MAC and grub/grub.cfg", NULL },
		{ "ipxe", '\0', POPT_ARG_NONE, &r.ipxe, 0, "Write ipxe/MAC.ipxe and boot.ipxe", NULL },
		{ "templates-out", '\0', POPT_ARG_NONE, &r.templates_out, 0, "Write rendered templates to hosts/NAME/", NULL },
		{ "all", 'a', POPT_ARG_NONE, &r.all, 0, "All per-host files (templates too with -T)", NULL },
		{ "dhcpd", '\0', POPT_ARG_STRING, &r.dhcpd, 0, "Write ISC dhcpd host declarations", "FILE" },
		{ "dnsmasq", '\0', POPT_ARG_STRING, &r.dnsmasq, 0, "Write dnsmasq dhcp-host lines", "FILE" },
		{ "proxydhcp-table", '\0', POPT_ARG_STRING, &r.proxydhcp, 0, "Write a proxydhcp node table", "FILE" },
		{ "xcat-cfg", '\0', POPT_ARG_STRING, &r.xcat, 0, "Write xCAT proxydhcp.cfg records", "FILE" },
		{ "manifest", '\0', POPT_ARG_STRING, &r.manifest, 0, "List of files written, for pruning (default in " BC_STATE_DIR ")", "FILE" },
		{ "dry-run", 'n', POPT_ARG_NONE, &r.dry_run, 0, "Show what would change, with diffs; write nothing", NULL },
		{ "reload", '\0', POPT_ARG_STRING, &r.reload, 0, "SIGHUP this process after files changed", "PIDFILE" },
		{ "quiet", 'q', POPT_ARG_NONE, &r.quiet, 0, "No summary and no warnings", NULL },
		{ "verbose", 'v', POPT_ARG_NONE, &r.verbose, 0, "Name every file written or removed", NULL },
		{ "cgi", '\0', POPT_ARG_NONE, &r.cgi, 0, "Answer QUERY_STRING with an iPXE script (env BOOTCFG_HOSTS)", NULL },
		OPTS_COMMON_TABLE,
		POPT_AUTOHELP
		POPT_TABLEEND
	};
	poptContext ctx;
	const char **args;
	const char *hosts;
	int nargs, rc;

	memset(&r, 0, sizeof(r));
	log_open("bootcfg", LOG_TO_STDERR, LOG_USER);
	ctx = opts_context("bootcfg", argc, argv, table, "[OPTION...] HOSTS");
	while (opts_next(ctx, "bootcfg") > 0)
		;
	convert(&o, &r, ctx);
	args = opts_args(ctx, &nargs);
	if (nargs > 1)
		opts_usage_error(ctx, "one hosts file at most (got %d)", nargs);
	hosts = nargs ? args[0] : r.cgi ? getenv("BOOTCFG_HOSTS") : NULL;
	if (r.profiles == NULL)
		r.profiles = getenv("BOOTCFG_PROFILES");
	if (hosts == NULL)
		opts_usage_error(ctx, "no HOSTS file%s",
				 r.cgi ? " (argument or BOOTCFG_HOSTS)" : "");
	if (r.profiles == NULL)
		opts_usage_error(ctx, "no profiles file (-p FILE or "
				 "BOOTCFG_PROFILES)");
	rc = r.cgi ? run_cgi(hosts, r.profiles) : run(&o, &r, hosts);
	poptFreeContext(ctx);
	return rc;
}
