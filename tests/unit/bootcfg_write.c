/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Planning and writing into a scratch directory: create, keep, prune. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../bootcfg/write.h"
#include "tap.h"

static const char profiles[] = "[profile l]\nkernel = k\n";
static char root[] = "/tmp/bootcfg-unit.XXXXXX";
static char manifest[64];       /* beside root, outside it */

/* One full run over hosts; returns the stats (errors: created = 999). */
static struct bc_stats run(const char *hosts, bool dry_run)
{
	struct bc_hosts hs = { 0 };
	struct bc_profiles ps = { 0 };
	struct diag d = { 0 };
	struct bc_env e = { .hs = &hs, .ps = &ps, .d = &d };
	struct bc_opts o = { .root = root, .manifest = manifest };
	struct bc_outset out = { 0 };
	struct bc_write_opts wo = { .dry_run = dry_run };
	FILE *devnull = fopen("/dev/null", "w");
	struct bc_stats st = { .created = 999 };
	char agg[64];

	wo.report = devnull;
	snprintf(agg, sizeof(agg), "%s/dhcpd.conf", root);
	o.out[BC_OUT_PXELINUX] = o.out[BC_OUT_IPXE] = true;
	o.dhcpd = agg;
	bc_profiles_parse(&ps, "P", profiles, strlen(profiles), &d);
	bc_hosts_parse(&hs, "H", hosts, strlen(hosts), &d);
	bc_hosts_resolve(&hs, &ps, &d);
	if (d.errors == 0 && bc_plan(&o, &e, NULL, &out) &&
	    bc_write(&o, &out, &wo, &st) < 0)
		st.created = 999;
	bc_outset_free(&out);
	bc_hosts_free(&hs);
	bc_profiles_free(&ps);
	diag_free(&d);
	if (devnull)
		fclose(devnull);
	return st;
}

static bool exists(const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	return access(path, F_OK) == 0;
}

static ino_t inode(const char *rel)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	return stat(path, &st) == 0 ? st.st_ino : 0;
}

/* Nothing named *.bc* (staging directories, temporaries) under root. */
static bool no_leftovers(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd),
		 "test -z \"$(find '%s' -name '*.bc*' | head -n 1)\"", root);
	return system(cmd) == 0;
}

static void cycle(void)
{
	const char two[] = "52:54:00:00:00:01 a 198.18.0.1 l\n"
			   "52:54:00:00:00:02 b 198.18.0.2 l\n";
	const char one[] = "52:54:00:00:00:01 a 198.18.0.1 l\n"
			   "!52:54:00:00:00:02 b 198.18.0.2 l\n";
	const char gone[] = "52:54:00:00:00:01 a 198.18.0.1 l\n";
	struct bc_stats st;
	ino_t ino;

	st = run(two, true);
	is_int(st.created, 7, "dry run: 7 files to create");
	ok(!exists("pxelinux.cfg"), "dry run writes nothing");
	st = run(two, false);
	is_int(st.created, 7, "first run creates 7 files");
	ok(exists("pxelinux.cfg/01-52-54-00-00-00-02"), "per-host file");
	ok(access(manifest, F_OK) == 0, "manifest written where asked");
	ok(!exists(BC_MANIFEST_OLD), "and not in the served tree");
	ok(no_leftovers(), "no staging directory or temporary left");
	ino = inode("pxelinux.cfg/01-52-54-00-00-00-01");
	st = run(two, false);
	is_int(st.created + st.changed + st.removed, 0, "second run touches nothing");
	is_int(st.unchanged, 7, "all unchanged");
	ok(inode("pxelinux.cfg/01-52-54-00-00-00-01") == ino, "same inode");
	ok(no_leftovers(), "none after an unchanged run");
	st = run(one, false);
	is_int(st.changed, 2, "disabling changes that host's two files only");
	ok(exists("pxelinux.cfg/01-52-54-00-00-00-02"), "disabled host keeps a file");
	st = run(gone, false);
	is_int(st.removed, 2, "removed host: both files pruned");
	ok(!exists("pxelinux.cfg/01-52-54-00-00-00-02"), "pruned");
	ok(!exists("ipxe/52-54-00-00-00-02.ipxe"), "pruned too");
	ok(exists("pxelinux.cfg/01-52-54-00-00-00-01"), "others kept");
	ok(no_leftovers(), "none after changes either");
}

static void rel_kinds(void)
{
	static const struct {
		const char *rel;
		int kind;
	} cases[] = {
		{ "pxelinux.cfg/01-aa", BC_OUT_PXELINUX },
		{ "hosts/n1/ks.cfg", BC_OUT_HOSTS },
		{ "ipxe/x.ipxe", BC_OUT_IPXE },
		{ "grub/grub.cfg-01", BC_OUT_GRUB },
		{ "pxelinux.cfg/../../etc/passwd", -1 },
		{ "hosts/../x", -1 },
		{ "/etc/passwd", -1 },
		{ "pxelinux.cfg/", -1 },
		{ "pxelinux.cfg//x", -1 },
		{ "hosts/./x", -1 },
		{ "other/x", -1 },
		{ "pxelinux.cfgx/y", -1 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		is_int(bc_rel_kind(cases[i].rel, strlen(cases[i].rel)),
		       cases[i].kind, cases[i].rel);
}

static void hostile_manifest(void)
{
	char path[256], victim[256];
	const char gone[] = "52:54:00:00:00:01 a 198.18.0.1 l\n";
	int fd;

	snprintf(victim, sizeof(victim), "%s/keep", root);
	fd = open(victim, O_CREAT | O_WRONLY, 0644);
	close(fd);
	snprintf(path, sizeof(path), "%s", manifest);
	fd = open(path, O_WRONLY | O_APPEND);
	ok(fd >= 0 && write(fd, "pxelinux.cfg/../keep\n", 21) == 21,
	   "manifest edited");
	close(fd);
	run(gone, false);
	ok(access(victim, F_OK) == 0, "a path leaving its directory is never pruned");
}

/* A manifest older versions left in the root is taken over once. */
static void migration(void)
{
	const char two[] = "52:54:00:00:00:01 a 198.18.0.1 l\n"
			   "52:54:00:00:00:02 b 198.18.0.2 l\n";
	const char gone[] = "52:54:00:00:00:01 a 198.18.0.1 l\n";
	char old[256];
	struct bc_stats st;

	run(two, false);
	snprintf(old, sizeof(old), "%s/" BC_MANIFEST_OLD, root);
	ok(rename(manifest, old) == 0, "manifest moved back into the root");
	st = run(gone, false);
	is_int(st.removed, 2, "the old manifest's files are pruned");
	ok(!exists("pxelinux.cfg/01-52-54-00-00-00-02"), "pruned");
	ok(access(old, F_OK) < 0, "old manifest removed from the root");
	ok(access(manifest, F_OK) == 0, "new one written");
	st = run(gone, false);
	is_int(st.created + st.changed + st.removed, 0, "then nothing to do");
}

static void manifest_names(void)
{
	static const char *const cases[][2] = {
		{ "/srv/tftp", "srv-tftp.manifest" },
		{ "/", "root.manifest" },
		{ "/srv/my-tftp root", "srv-my%2Dtftp%20root.manifest" },
		{ "/a_b/c.d", "a_b-c.d.manifest" },
		{ "/a%2F", "a%252F.manifest" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sbuf b = { 0 };

		bc_manifest_name(cases[i][0], &b);
		is_str(b.p, cases[i][1], cases[i][0]);
		sb_free(&b);
	}
}

/* A write that fails halfway leaves nothing: no staging, no temporary. */
static void failure(void)
{
	const char two[] = "52:54:00:00:00:01 a 198.18.0.1 l\n";
	char cmd[300], path[256];
	struct bc_stats st;
	int fd;

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'/* '%s'", root, manifest);
	if (system(cmd) != 0)
		diag("could not empty %s", root);
	snprintf(path, sizeof(path), "%s/pxelinux.cfg", root);
	fd = open(path, O_CREAT | O_WRONLY, 0644);   /* a file, not a directory */
	close(fd);
	st = run(two, false);
	is_int(st.created, 999, "a directory that is a file: the run fails");
	ok(!exists("ipxe"), "the other kind's new directory is gone too");
	ok(!exists("dhcpd.conf"), "no aggregate written");
	ok(no_leftovers(), "no staging directory or temporary left");
}

int main(void)
{
	char cmd[300];

	if (mkdtemp(root) == NULL)
		return 1;
	snprintf(manifest, sizeof(manifest), "%s.manifest", root);
	cycle();
	rel_kinds();
	hostile_manifest();
	migration();
	manifest_names();
	failure();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", root, manifest);
	if (system(cmd) != 0)
		diag("could not remove %s", root);
	return tap_done();
}
