/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Every syntax bootcfg writes a value into, and what each gives meaning
 * to.  Every generator writes settings through bc_escape() (or bc_put(),
 * which reports a refusal), so what is special in an output is decided in
 * one table in escape.c: a value is quoted where its consumer has a safe
 * quoting, and refused where it has none.  Control bytes and bytes above
 * 0x7e are refused everywhere.
 */
#ifndef BC_ESCAPE_H
#define BC_ESCAPE_H

#include "boot.h"

enum bc_syntax {
	/*
	 * Words of an iPXE script line.  iPXE has no quoting: a line splits
	 * at blanks, a word "&&", "||" or ";" ends the command, a word that
	 * starts with '#' starts a comment, "${" expands a setting anywhere
	 * in a word (and the result again), and a '\' at the end of a line
	 * joins the next one.  All of these are refused.
	 */
	BC_SYN_IPXE,
	/* The rest of a pxelinux keyword line (KERNEL, APPEND): as is. */
	BC_SYN_PXELINUX,
	/* One word of a GRUB script: single-quoted unless plainly safe. */
	BC_SYN_GRUB,
	/* An ISC dhcpd string: double quotes, '"' and '\' escaped. */
	BC_SYN_DHCPD,
	/* An unquoted ISC dhcpd word (host name, address). */
	BC_SYN_DHCPD_WORD,
	/* One comma-separated field of a dnsmasq line: no ',', '#', blank. */
	BC_SYN_DNSMASQ,
	/* The VALUE of a proxydhcp(5) KEY=VALUE: double-quoted when needed. */
	BC_SYN_PROXYDHCP,
	/* A tag's value in a template that is not an iPXE script. */
	BC_SYN_TEXT,
	BC_SYN_COUNT
};

/* Why a value cannot be written: the bytes at fault and what they do. */
struct bc_refusal {
	size_t at, len;         /* offset and length in the value */
	const char *why;        /* "starts a comment", ... */
};

/* "iPXE script", "GRUB script", ... */
const char *bc_syntax_name(enum bc_syntax syn);

/*
 * Appends (s, n) to out as one value of syntax syn, quoted as that syntax
 * needs.  Returns true, or false with *r filled and out unchanged.
 */
bool bc_escape(enum bc_syntax syn, const char *s, size_t n, struct sbuf *out,
	       struct bc_refusal *r);

/* "'&&' in an iPXE script ends the command ...; refused", into buf. */
void bc_refusal_text(enum bc_syntax syn, const char *s,
		     const struct bc_refusal *r, char *buf, size_t size);

/*
 * bc_escape() for generators: a refusal is reported as an error at host
 * h's line, naming what (e.g. "kernel arguments"), the bytes and why.
 */
bool bc_put(const struct bc_env *e, const struct bc_host *h,
	    enum bc_syntax syn, const char *what, const char *s,
	    struct sbuf *out);

/* One file being generated for one host. */
struct bc_emit {
	const struct bc_env *e;
	const struct bc_host *h;
	struct sbuf *out;
	bool ok;                /* cleared by the first refusal */
};

/* bc_put() into m->out; a refusal clears m->ok. */
void bc_emit_put(struct bc_emit *m, enum bc_syntax syn, const char *what,
		 const char *s);

/* The syntax a template's tag values are checked for, by its name. */
enum bc_syntax bc_template_syntax(const char *name);

#endif
