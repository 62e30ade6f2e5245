/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Targets as the command line and the -c file describe them.  A -c line is
 * "shelf slot netif file [options...]" with the command line's per-target
 * options; options on the command line are defaults for every line.
 */
#ifndef AOETARGET_CONF_H
#define AOETARGET_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "disk.h"
#include "proto.h"

#define AOE_BUFCNT_DEFAULT 16
#define AOE_BUFCNT_MAX 8192

/* Per-target options as text, before conversion. */
struct tgt_raw {
	char *bufcnt, *macs, *offset, *length, *overlay;
	int direct, sync, readonly, overlay_reset;
};

struct tgt_conf {
	unsigned shelf;                 /* 0..65534 */
	unsigned slot;                  /* 0..254 */
	char *netif;                    /* owned */
	char *file;                     /* owned */
	unsigned bufcnt;
	struct disk_opts dopts;
	uint8_t mask[AOE_LIST_MAX][6];  /* -m: the mask list without state */
	unsigned nmask;
	char *overlay;                  /* --overlay DIR, or NULL; owned */
	bool overlay_reset;             /* --overlay-reset */
	unsigned line;                  /* of the -c file; 0: the command line */
};

/*
 * Converts raw options and the four positional arguments into tc.
 * Returns 0, or -1 with a message in err.
 */
int tgt_conf_make(struct tgt_conf *tc, const struct tgt_raw *raw,
		  const char *const args[4], char *err, size_t errlen);
void tgt_conf_free(struct tgt_conf *tc);

/* Whether two targets at one address serve alike (a reload keeps it). */
bool tgt_conf_same(const struct tgt_conf *a, const struct tgt_conf *b);

/*
 * Parses one -c line (already without comment) into tc, over the defaults
 * in raw.  Returns 1 for a target, 0 for a blank line, -1 with err.
 */
int tgt_conf_line(const char *line, const struct tgt_raw *defaults,
		  struct tgt_conf *tc, char *err, size_t errlen);

/* Receives each problem of a -c file: its line (0: the file as a whole). */
typedef void tgt_conf_report(void *arg, unsigned line, const char *msg);

/* What a -c file gave. */
struct tgt_conf_file {
	struct tgt_conf *tgts;  /* the targets of the good lines, in order */
	unsigned ntgts;
	unsigned problems;      /* how many were reported */
};

/*
 * Parses a whole -c file held in (buf, len): every line (up to 4095 bytes,
 * no NUL byte) through tgt_conf_line, each target against those before it
 * (one shelf.slot twice on one interface is a problem on the later line).
 * Every problem goes to report and parsing goes on with the next line; a
 * file without targets and without other problems is one at line 0.
 * Fills f (free it with tgt_conf_file_free).
 */
void tgt_conf_parse(const char *buf, size_t len, const struct tgt_raw *defaults,
		    tgt_conf_report *report, void *arg, struct tgt_conf_file *f);
void tgt_conf_file_free(struct tgt_conf_file *f);

/*
 * Reads and parses a -c file.  Each problem is printed as "PATH:LINE:
 * message": through the logger, or when plain is set as a bare line on
 * standard error (--check-config).  Returns 0 when there was none, else
 * -1; f holds the good lines' targets either way.
 */
int tgt_conf_load(const char *path, const struct tgt_raw *defaults,
		  bool plain, struct tgt_conf_file *f);

#endif
