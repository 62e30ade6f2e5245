/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The --table node table (format in proxydhcp(5)): rules checked in file
 * order, the first match wins.
 */
#ifndef PROXYDHCP_TABLE_H
#define PROXYDHCP_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pxe.h"

#define TABLE_FILE_MAX (1024 * 1024)
#define TABLE_LINE_MAX 1023
#define TABLE_MENU_MAX 16
#define TABLE_ARCH_MAX 16
/* Longest boot file: it must fit the 128-byte file field with its NUL. */
#define TABLE_FILE_LEN 127

/* Match keys, bits of table_rule.match. */
enum {
	TM_MAC = 1 << 0,
	TM_IP = 1 << 1,
	TM_HOST = 1 << 2,
	TM_ARCH = 1 << 3,
	TM_IPXE = 1 << 4,
};

struct table_menu_item {
	uint16_t type;       /* boot server type, 0 = local boot */
	char *file;
	char *text;
};

struct table_rule {
	unsigned line;
	unsigned match;      /* TM_* */
	uint8_t mac[6];
	uint32_t ip, mask;   /* host order */
	char *host;
	uint16_t arch[TABLE_ARCH_MAX];
	unsigned narch;
	bool ipxe;
	bool ignore;
	char *file, *script, *bcd;
	bool has_tftp;
	uint32_t tftp;       /* network order */
	struct table_menu_item menu[TABLE_MENU_MAX];
	unsigned nmenu;
	int prompt_secs;     /* -1: no prompt */
	char *prompt;
};

/*
 * Rules in file order, and an index so that a lookup visits only the rules
 * without mac= and those whose MAC hashes like the client's, still in file
 * order: a table of one rule per node stays fast.
 */
struct table {
	struct table_rule *rules;
	size_t n;
	bool uses_host;      /* some rule has host= */
	size_t *generic;     /* indexes of the rules without mac=, ascending */
	size_t ngeneric;
	size_t *bucket;      /* first rule with mac= per hash, or TABLE_NONE */
	size_t nbucket;      /* a power of two */
	size_t *chain;       /* per rule: next rule of its bucket, ascending */
};

#define TABLE_NONE ((size_t)-1)

/*
 * Parses a table (buf, len), reading on past a bad line: every problem
 * goes to rep as "NAME:LINE: why" (name is the file name for messages),
 * in line order.  Returns the table, or NULL when there was any problem.
 */
struct table *table_parse_all(const char *buf, size_t len, const char *name,
			      struct pxe_report *rep);

/* The same, with the first problem only in err (errlen > 0). */
struct table *table_parse(const char *buf, size_t len, const char *name,
			  char *err, size_t errlen);
void table_free(struct table *t);

/*
 * The first rule matching c, or NULL.  *needs_ip is set when a rule with
 * ip= or host= came before that point and could not be checked because
 * the client has no address yet.
 */
const struct table_rule *table_match(const struct table *t,
				     const struct pxe_client *c,
				     bool *needs_ip);

/* Whether c satisfies every match key of r. */
bool table_rule_matches(const struct table_rule *r, const struct pxe_client *c);

/* The menu item of a boot server type, or NULL. */
const struct table_menu_item *table_menu_item(const struct table_rule *r,
					      uint16_t type);

/*
 * Option 43 for r's menu with server as the boot server (network order):
 * sub-options 6, 8, 9, 10 and End.  Returns its length, or 0 when it
 * does not fit cap (255 at most for an option).
 */
size_t table_menu_encode(const struct table_rule *r, uint32_t server,
			 uint8_t *out, size_t cap);

#endif
