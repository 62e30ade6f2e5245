/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bootcfg --cgi: one HTTP answer (CGI headers and an iPXE script). */
#ifndef BC_CGI_H
#define BC_CGI_H

#include "boot.h"

/*
 * The whole answer to QUERY_STRING (qs, len), headers included.  e NULL
 * means the configuration could not be read (status 500).  Nothing of the
 * query is copied into the answer.
 */
void bc_cgi_answer(const struct bc_env *e, const char *qs, size_t len,
		   struct sbuf *out);

#endif
