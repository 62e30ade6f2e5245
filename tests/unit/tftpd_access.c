/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tftpd/access.c: name mapping, hidden names, how uploads are written. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "../../tftpd/access.h"
#include "tap.h"

static const struct access_policy base = { .rootpath = "/srv/tftp",
					   .create = true, .umask = 022 };

/* A world-writable file of uid 0 in a directory of mode dirmode. */
static struct upload_facts existing(mode_t dirmode, bool writable)
{
	struct upload_facts f = { .exists = true, .dir_writable = writable,
				  .euid = 65534 };

	f.target.st_mode = S_IFREG | 0666;
	f.dir.st_mode = S_IFDIR | dirmode;
	return f;
}

static void test_upload_decide(void)
{
	struct access_policy pol = base;
	struct upload_facts f = { .dir_writable = true, .euid = 65534 };
	struct upload_plan p;

	p = access_upload_decide(&pol, &f);
	ok(p.how == UPLOAD_CREATE && p.mode == 0644, "new file, -c: created 0644");
	pol.create = false;
	p = access_upload_decide(&pol, &f);
	ok(p.how == UPLOAD_REFUSE && p.why.code == TFTP_EACCESS,
	   "new file without -c: access violation");
	pol = base;

	f = existing(0777, true);
	p = access_upload_decide(&pol, &f);
	ok(p.how == UPLOAD_REPLACE && p.mode == 0666,
	   "world-writable file, writable directory: replaced, mode kept");
	f.target.st_mode = S_IFREG | 0644;
	p = access_upload_decide(&pol, &f);
	ok(p.how == UPLOAD_REFUSE && p.why.code == TFTP_EEXISTS,
	   "file not world-writable: ERROR 6");
	pol.permissive = true;
	p = access_upload_decide(&pol, &f);
	is_int(p.how, UPLOAD_REPLACE, "... unless -p");
	pol = base;
	f.target.st_mode = S_IFDIR | 0777;
	p = access_upload_decide(&pol, &f);
	ok(p.how == UPLOAD_REFUSE && p.why.code == TFTP_EACCESS,
	   "a directory: access violation");

	/* Defect: a directory the server cannot write meant in-place writes. */
	f = existing(0755, false);
	p = access_upload_decide(&pol, &f);
	ok(p.how == UPLOAD_REFUSE && p.why.code == TFTP_EACCESS &&
		   strstr(p.why.msg, "directory") != NULL,
	   "directory not writable: refused, saying why");
	f = existing(01777, true);
	p = access_upload_decide(&pol, &f);
	is_int(p.how, UPLOAD_REFUSE, "sticky directory, another's file: refused");
	f.target.st_uid = 65534;
	p = access_upload_decide(&pol, &f);
	is_int(p.how, UPLOAD_REPLACE, "sticky directory, our own file: replaced");
	pol.in_place = true;
	f = existing(0755, false);
	p = access_upload_decide(&pol, &f);
	is_int(p.how, UPLOAD_IN_PLACE,
	       "--in-place-writes: directory not writable, written in place");
	f = existing(01777, true);
	p = access_upload_decide(&pol, &f);
	is_int(p.how, UPLOAD_IN_PLACE, "--in-place-writes: sticky, in place");
}

static void test_hidden(void)
{
	ok(access_name_hidden(".bootcfg-manifest"), ".bootcfg-manifest");
	ok(access_name_hidden("sub/.hidden"), "sub/.hidden");
	ok(access_name_hidden("up/.tftpd.0badf00d"), "an upload's temporary");
	ok(access_name_hidden(".d/x"), "a hidden directory");
	ok(access_name_hidden("x.imz.tmpAbC/.x"), "deep");
	ok(!access_name_hidden("pxelinux.0"), "pxelinux.0 is not hidden");
	ok(!access_name_hidden("a.b/c.d."), "dots inside names are fine");
	ok(!access_name_hidden(""), "empty");
}

static int map(const struct access_policy *pol, const struct remap *rm,
	       const char *name, enum tftp_opcode op, char *out,
	       struct tftp_reject *why)
{
	struct tftp_req req = { .op = op, .filename = name,
				.filename_len = strlen(name) };

	return access_map_name(pol, rm, &req, NULL, out, 256, why);
}

static void test_map_name(void)
{
	struct access_policy pol = base;
	struct tftp_reject why = { 0, NULL };
	char out[256];
	const char *rules = "r ^manifest$ .bootcfg-manifest\n"
			    "r ^\\.plain$ plain\n"
			    "a ^secret$\n";
	struct remap *rm = remap_parse(rules, strlen(rules), NULL, 0);

	ok(rm != NULL, "rules parse");
	ok(map(&pol, NULL, "/srv/tftp/a/./b", TFTP_RRQ, out, &why) == 0 &&
		   strcmp(out, "a/b") == 0, "root prefix and . removed");
	ok(map(&pol, NULL, ".bootcfg-manifest", TFTP_RRQ, out, &why) < 0 &&
		   why.code == TFTP_EACCESS, ".bootcfg-manifest: ERROR 2");
	ok(map(&pol, NULL, "sub/.hidden", TFTP_WRQ, out, &why) < 0 &&
		   why.code == TFTP_EACCESS, "WRQ sub/.hidden: ERROR 2");
	ok(map(&pol, NULL, "\\.x.tmp1234", TFTP_RRQ, out, &why) < 0,
	   "\\.x.tmp1234 (backslash): refused");
	ok(map(&pol, NULL, "../x", TFTP_RRQ, out, &why) < 0 &&
		   why.code == TFTP_EACCESS, ".. still refused");
	ok(map(&pol, rm, "manifest", TFTP_RRQ, out, &why) < 0 &&
		   why.code == TFTP_EACCESS, "a rule mapping to a dot name: refused");
	ok(map(&pol, rm, ".plain", TFTP_RRQ, out, &why) == 0 &&
		   strcmp(out, "plain") == 0, "a rule mapping a dot name away: served");
	ok(map(&pol, rm, "secret", TFTP_RRQ, out, &why) < 0 &&
		   why.code == TFTP_EACCESS, "an 'a' rule: access violation");
	pol.dotfiles = true;
	ok(map(&pol, NULL, "sub/.hidden", TFTP_RRQ, out, &why) == 0 &&
		   strcmp(out, "sub/.hidden") == 0, "--dotfiles: served");
	remap_free(rm);
}

static void test_errno(void)
{
	ok(access_errno_reject(-ENOENT).code == TFTP_ENOTFOUND, "ENOENT: 1");
	ok(access_errno_reject(-EXDEV).code == TFTP_EACCESS, "EXDEV: 2");
	ok(access_errno_reject(-ENOSPC).code == TFTP_ENOSPACE, "ENOSPC: 3");
	ok(access_errno_reject(-EIO).code == TFTP_EUNDEF, "EIO: 0");
}

int main(void)
{
	test_upload_decide();
	test_hidden();
	test_map_name();
	test_errno();
	return tap_done();
}
