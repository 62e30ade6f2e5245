/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cgi.h"

#include <string.h>

#include "gen.h"
#include "query.h"

/* The host whose uuid= setting is this UUID (SMBIOS, option 97), or NULL. */
static const struct bc_host *find_uuid(const struct bc_env *e,
				       const uint8_t uuid[16])
{
	for (size_t i = 0; i < e->hs->n; i++) {
		const struct bc_host *h = &e->hs->v[i];

		for (size_t k = 0; k < h->nkv; k++) {
			const struct bc_kv *kv = &h->kv[k];
			uint8_t u[16];

			if (strcmp(kv->key, "uuid") == 0 &&
			    bc_uuid_parse(kv->val, strlen(kv->val), u) == 0 &&
			    memcmp(u, uuid, 16) == 0)
				return h;
		}
	}
	return NULL;
}

static void answer(struct sbuf *out, const char *status, const char *why)
{
	if (status)
		sb_printf(out, "Status: %s\n", status);
	sb_puts(out, "Content-Type: text/plain\n\n");
	bc_gen_ipxe_unknown(out, why);
}

void bc_cgi_answer(const struct bc_env *e, const char *qs, size_t len,
		   struct sbuf *out)
{
	struct bc_query q;
	const struct bc_host *h;
	const char *why;
	struct sbuf script = { 0 };

	if (e == NULL) {
		answer(out, "500 Internal Server Error", "configuration error");
		return;
	}
	if (bc_query_parse(qs, len, &q, &why) < 0) {
		answer(out, "400 Bad Request", "bad request");
		return;
	}
	h = bc_hosts_find(e->hs, q.mac);
	if (h == NULL && q.has_uuid)
		h = find_uuid(e, q.uuid);
	if (h == NULL) {
		answer(out, "404 Not Found", "no entry for this machine");
		return;
	}
	if (!bc_gen_ipxe(e, h, q.arch, &script)) {
		sb_free(&script);
		answer(out, "500 Internal Server Error", "configuration error");
		return;
	}
	sb_puts(out, "Content-Type: text/plain\n\n");
	sb_add(out, script.p, script.len);
	sb_free(&script);
}
