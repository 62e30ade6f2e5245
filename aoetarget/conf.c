/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "conf.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <popt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "log.h"
#include "mac.h"
#include "num.h"

/* A -c line, and the whole file: far more than any real list needs. */
#define CONF_LINE_MAX 4096
#define CONF_FILE_MAX (4u << 20)

/* Largest -o/-l: LBA48 addresses 2^48 sectors. */
#define SECTORS_MAX ((1ULL << 48) - 1)

/* A problem that names a directory (cut at 256 bytes). */
#define PATH_MAX_MSG 384

NB_PRINTF(3, 4)
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static int parse_num(const char *name, const char *s, uint64_t min,
		     uint64_t max, uint64_t *out, char *err, size_t errlen)
{
	int rc = num_parse(s, min, max, out);

	if (rc < 0)
		return fail(err, errlen, "%s '%s': %s (expected %llu to %llu)",
			    name, s, num_strerror(rc),
			    (unsigned long long)min, (unsigned long long)max);
	return 0;
}

static int parse_macs(struct tgt_conf *tc, const char *s, char *err,
		      size_t errlen)
{
	const char *p = s;

	tc->nmask = 0;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		uint8_t mac[6];

		if (mac_parse_mem(p, n, mac) < 0)
			return fail(err, errlen, "-m '%.*s': not a MAC address",
				    (int)n, p);
		if (!aoe_list_has(tc->mask, tc->nmask, mac)) {
			if (tc->nmask == AOE_LIST_MAX)
				return fail(err, errlen,
					    "-m: more than %d addresses",
					    AOE_LIST_MAX);
			memcpy(tc->mask[tc->nmask++], mac, 6);
		}
		if (comma == NULL)
			return 0;
		p = comma + 1;
	}
}

static int convert_raw(struct tgt_conf *tc, const struct tgt_raw *raw,
		       char *err, size_t errlen)
{
	uint64_t v;

	tc->bufcnt = AOE_BUFCNT_DEFAULT;
	if (raw->bufcnt) {
		if (parse_num("-b", raw->bufcnt, 1, AOE_BUFCNT_MAX, &v, err,
			      errlen) < 0)
			return -1;
		tc->bufcnt = (unsigned)v;
	}
	if (raw->offset && parse_num("-o", raw->offset, 0, SECTORS_MAX,
				     &tc->dopts.offset, err, errlen) < 0)
		return -1;
	if (raw->length && parse_num("-l", raw->length, 1, SECTORS_MAX,
				     &tc->dopts.length, err, errlen) < 0)
		return -1;
	tc->dopts.direct = raw->direct;
	tc->dopts.sync = raw->sync;
	tc->dopts.readonly = raw->readonly;
	tc->overlay_reset = raw->overlay_reset;
	if (raw->overlay && (raw->readonly || raw->sync))
		return fail(err, errlen, "--overlay and %s contradict each other",
			    raw->readonly ? "-r" : "-s");
	if (raw->overlay_reset && !raw->overlay)
		return fail(err, errlen, "--overlay-reset without --overlay");
	if (raw->overlay && raw->overlay[0] == '\0')
		return fail(err, errlen, "--overlay: empty directory name");
	if (raw->macs)
		return parse_macs(tc, raw->macs, err, errlen);
	return 0;
}

int tgt_conf_make(struct tgt_conf *tc, const struct tgt_raw *raw,
		  const char *const args[4], char *err, size_t errlen)
{
	uint64_t v;

	memset(tc, 0, sizeof(*tc));
	if (parse_num("shelf", args[0], 0, 65534, &v, err, errlen) < 0)
		return -1;
	tc->shelf = (unsigned)v;
	if (parse_num("slot", args[1], 0, 254, &v, err, errlen) < 0)
		return -1;
	tc->slot = (unsigned)v;
	if (args[2][0] == '\0' || strlen(args[2]) >= IFNAMSIZ ||
	    strchr(args[2], '/'))
		return fail(err, errlen, "netif '%s': not an interface name",
			    args[2]);
	if (args[3][0] == '\0')
		return fail(err, errlen, "file: empty name");
	if (convert_raw(tc, raw, err, errlen) < 0)
		return -1;
	tc->netif = strdup(args[2]);
	tc->file = strdup(args[3]);
	tc->overlay = raw->overlay ? strdup(raw->overlay) : NULL;
	if (tc->netif == NULL || tc->file == NULL ||
	    (raw->overlay && tc->overlay == NULL)) {
		tgt_conf_free(tc);
		return fail(err, errlen, "%s", strerror(ENOMEM));
	}
	return 0;
}

void tgt_conf_free(struct tgt_conf *tc)
{
	free(tc->netif);
	free(tc->file);
	free(tc->overlay);
	tc->netif = tc->file = tc->overlay = NULL;
}

static bool same_str(const char *a, const char *b)
{
	return a && b ? strcmp(a, b) == 0 : a == b;
}

bool tgt_conf_same(const struct tgt_conf *a, const struct tgt_conf *b)
{
	const struct disk_opts *x = &a->dopts, *y = &b->dopts;

	return a->shelf == b->shelf && a->slot == b->slot &&
	       strcmp(a->netif, b->netif) == 0 &&
	       strcmp(a->file, b->file) == 0 && a->bufcnt == b->bufcnt &&
	       x->readonly == y->readonly && x->direct == y->direct &&
	       x->sync == y->sync && x->offset == y->offset &&
	       x->length == y->length && a->nmask == b->nmask &&
	       memcmp(a->mask, b->mask, sizeof(a->mask)) == 0 &&
	       same_str(a->overlay, b->overlay) &&
	       a->overlay_reset == b->overlay_reset;
}

enum { L_BUFCNT = 1, L_DIRECT, L_SYNC, L_RO, L_RESET, L_MAC, L_OFFSET,
       L_LENGTH, L_OVERLAY };

static const struct poptOption line_table[] = {
	{ "bufcnt", 'b', POPT_ARG_STRING, NULL, L_BUFCNT, NULL, NULL },
	{ "direct", 'd', POPT_ARG_NONE, NULL, L_DIRECT, NULL, NULL },
	{ "sync", 's', POPT_ARG_NONE, NULL, L_SYNC, NULL, NULL },
	{ "read-only", 'r', POPT_ARG_NONE, NULL, L_RO, NULL, NULL },
	{ "mac", 'm', POPT_ARG_STRING, NULL, L_MAC, NULL, NULL },
	{ "offset", 'o', POPT_ARG_STRING, NULL, L_OFFSET, NULL, NULL },
	{ "length", 'l', POPT_ARG_STRING, NULL, L_LENGTH, NULL, NULL },
	{ "overlay", '\0', POPT_ARG_STRING, NULL, L_OVERLAY, NULL, NULL },
	{ "overlay-reset", '\0', POPT_ARG_NONE, NULL, L_RESET, NULL, NULL },
	POPT_TABLEEND
};

/* Option values of one line, owned until the line is converted. */
struct line_vals {
	char *str[L_OVERLAY + 1];
};

static void line_set(struct tgt_raw *raw, struct line_vals *lv, int code,
		     char *arg)
{
	if (code > L_BUFCNT && code < L_MAC) {
		*(code == L_DIRECT ? &raw->direct :
		  code == L_SYNC ? &raw->sync :
		  code == L_RO ? &raw->readonly : &raw->overlay_reset) = 1;
		free(arg);
		return;
	}
	free(lv->str[code]);
	lv->str[code] = arg;
	switch (code) {
	case L_BUFCNT: raw->bufcnt = arg; break;
	case L_MAC: raw->macs = arg; break;
	case L_OFFSET: raw->offset = arg; break;
	case L_OVERLAY: raw->overlay = arg; break;
	default: raw->length = arg; break;
	}
}

static int line_opts(poptContext ctx, struct tgt_raw *raw,
		     struct line_vals *lv, char *err, size_t errlen)
{
	int rc;

	while ((rc = poptGetNextOpt(ctx)) > 0)
		line_set(raw, lv, rc, poptGetOptArg(ctx));
	if (rc < -1)
		return fail(err, errlen, "%s: %s",
			    poptBadOption(ctx, POPT_BADOPTION_NOALIAS),
			    poptStrerror(rc));
	return 0;
}

int tgt_conf_line(const char *line, const struct tgt_raw *defaults,
		  struct tgt_conf *tc, char *err, size_t errlen)
{
	struct tgt_raw raw = *defaults;
	struct line_vals lv;
	const char **argv = NULL, **args;
	poptContext ctx;
	int argc = 0, n = 0, rc;

	memset(&lv, 0, sizeof(lv));
	rc = poptParseArgvString(line, &argc, &argv);
	if (rc == POPT_ERROR_NOARG)
		return 0;
	if (rc < 0)
		return fail(err, errlen, "%s", poptStrerror(rc));
	ctx = poptGetContext(NULL, argc, argv, line_table,
			     POPT_CONTEXT_KEEP_FIRST);
	rc = line_opts(ctx, &raw, &lv, err, errlen);
	args = poptGetArgs(ctx);
	while (rc == 0 && args && args[n])
		n++;
	if (rc == 0 && n != 4)
		rc = fail(err, errlen,
			  "expected shelf slot netif file [options], got %d "
			  "argument%s", n, n == 1 ? "" : "s");
	if (rc == 0)
		rc = tgt_conf_make(tc, &raw, args, err, errlen);
	poptFreeContext(ctx);
	free(argv);
	for (size_t i = 0; i < sizeof(lv.str) / sizeof(lv.str[0]); i++)
		free(lv.str[i]);
	return rc < 0 ? -1 : 1;
}

/* The line at *off, cut at its comment, into line; advances *off. */
static int next_line(const char *buf, size_t len, size_t *off, char *line,
		     size_t max, const char **why)
{
	const char *s = buf + *off;
	const char *nl = memchr(s, '\n', len - *off);
	size_t n = nl ? (size_t)(nl - s) : len - *off;

	*off += n + (nl != NULL);
	if (n >= max) {
		*why = "line too long";
		return -1;
	}
	if (memchr(s, '\0', n)) {
		*why = "a NUL byte in the line";
		return -1;
	}
	memcpy(line, s, n);
	line[n] = '\0';
	line[strcspn(line, "#\r")] = '\0';
	return 0;
}

/* One parse of a -c file: where problems go, what it gave so far. */
struct parse {
	tgt_conf_report *report;
	void *arg;
	struct tgt_conf_file *f;
	unsigned line;
};

static void problem(struct parse *p, unsigned line, const char *msg)
{
	p->f->problems++;
	p->report(p->arg, line, msg);
}

/* The line of an earlier target at tc's address on tc's interface, or 0. */
static unsigned given_before(const struct tgt_conf_file *f,
			     const struct tgt_conf *tc)
{
	for (unsigned i = 0; i < f->ntgts; i++) {
		const struct tgt_conf *o = &f->tgts[i];

		if (o->shelf == tc->shelf && o->slot == tc->slot &&
		    strcmp(o->netif, tc->netif) == 0)
			return o->line;
	}
	return 0;
}

/* The line of an earlier target with tc's overlay directory, or 0. */
static unsigned overlay_before(const struct tgt_conf_file *f,
			       const struct tgt_conf *tc)
{
	for (unsigned i = 0; tc->overlay && i < f->ntgts; i++)
		if (same_str(f->tgts[i].overlay, tc->overlay))
			return f->tgts[i].line;
	return 0;
}

/* Keeps the target of the current line, or reports why not and frees it. */
static void keep(struct parse *p, struct tgt_conf *tc)
{
	struct tgt_conf_file *f = p->f;
	unsigned before = given_before(f, tc), shared = overlay_before(f, tc);
	struct tgt_conf *grown;
	char msg[PATH_MAX_MSG];

	tc->line = p->line;
	if (before || shared) {
		if (before)
			snprintf(msg, sizeof(msg), "e%u.%u on %s: already given "
				 "on line %u", tc->shelf, tc->slot, tc->netif,
				 before);
		else
			snprintf(msg, sizeof(msg), "--overlay %.256s: already "
				 "used on line %u (one directory per target)",
				 tc->overlay, shared);
		problem(p, p->line, msg);
		tgt_conf_free(tc);
		return;
	}
	grown = realloc(f->tgts, (f->ntgts + 1) * sizeof(*grown));
	if (grown == NULL) {
		problem(p, p->line, strerror(ENOMEM));
		tgt_conf_free(tc);
		return;
	}
	f->tgts = grown;
	f->tgts[f->ntgts++] = *tc;
}

void tgt_conf_parse(const char *buf, size_t len, const struct tgt_raw *defaults,
		    tgt_conf_report *report, void *arg, struct tgt_conf_file *f)
{
	struct parse p = { .report = report, .arg = arg, .f = f };
	char line[CONF_LINE_MAX], msg[512];
	const char *why = NULL;
	size_t off = 0;
	struct tgt_conf tc;
	int rc;

	memset(f, 0, sizeof(*f));
	while (off < len) {
		p.line++;
		if (next_line(buf, len, &off, line, sizeof(line), &why) < 0) {
			problem(&p, p.line, why);
			continue;
		}
		rc = tgt_conf_line(line, defaults, &tc, msg, sizeof(msg));
		if (rc < 0)
			problem(&p, p.line, msg);
		else if (rc > 0)
			keep(&p, &tc);
	}
	if (f->ntgts == 0 && f->problems == 0)
		problem(&p, 0, "no targets");
}

void tgt_conf_file_free(struct tgt_conf_file *f)
{
	for (unsigned i = 0; i < f->ntgts; i++)
		tgt_conf_free(&f->tgts[i]);
	free(f->tgts);
	memset(f, 0, sizeof(*f));
}

int tgt_conf_load(const char *path, const struct tgt_raw *defaults,
		  bool plain, struct tgt_conf_file *f)
{
	struct problem_sink pr = { .path = path, .to_stderr = plain };
	char *buf;
	size_t len;
	int rc = file_read(AT_FDCWD, path, CONF_FILE_MAX, &buf, &len);

	if (rc < 0) {
		memset(f, 0, sizeof(*f));
		f->problems = 1;
		problem_report(&pr, 0, rc == -EFBIG ? "too large" : strerror(-rc));
		return -1;
	}
	tgt_conf_parse(buf, len, defaults, problem_report, &pr, f);
	free(buf);
	return f->problems ? -1 : 0;
}
