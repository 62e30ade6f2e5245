/* SPDX-License-Identifier: GPL-2.0-or-later */
/* DHCP request parsing and reply building over bounded cursors. */
#include <errno.h>
#include <string.h>

#include "cursor.h"
#include "dhcp.h"

#define REJECT(msg)                  \
	do {                         \
		if (why)             \
			*why = (msg); \
		return -EINVAL;      \
	} while (0)

/*
 * The next option of an options area (RFC 2132, section 2): Pad is
 * skipped.  Returns 1 with *code, *val and *len set, 0 at End, -EINVAL
 * for an option whose length runs past the buffer, -ENODATA at the end
 * of the buffer without End.
 */
static int next_option(struct cur *c, uint8_t *code, const uint8_t **val,
		       uint8_t *len)
{
	while (cur_left(c) > 0) {
		*code = cur_u8(c);
		if (*code == DHCP_OPT_PAD)
			continue;
		if (*code == DHCP_OPT_END)
			return 0;
		*len = cur_u8(c);
		*val = cur_bytes(c, *len);
		return *val ? 1 : -EINVAL;
	}
	return -ENODATA;
}

int dhcp_parse_vendor(const uint8_t *p, size_t len, bool *has_item,
		      uint8_t item[PXE_BOOT_ITEM_LEN])
{
	struct cur c = cur_init(p, len);
	const uint8_t *val;
	uint8_t code, olen;
	int rc;

	while ((rc = next_option(&c, &code, &val, &olen)) > 0) {
		if (code == PXE_BOOT_ITEM) {
			if (olen != PXE_BOOT_ITEM_LEN)
				return -EINVAL;
			if (has_item) {
				*has_item = true;
				memcpy(item, val, PXE_BOOT_ITEM_LEN);
			}
		}
	}
	return rc == -EINVAL ? -EINVAL : 0;	/* End is optional here */
}

static void keep(struct dhcp_val *v, const uint8_t *p, uint8_t len)
{
	/* First occurrence wins: a repeat cannot change what was read. */
	if (v->p == NULL) {
		v->p = p;
		v->len = len;
	}
}

static int take_arch(struct dhcp_req *req, const uint8_t *p, uint8_t len)
{
	if (len == 0 || len % 2)
		return -EINVAL;
	if (req->narch)
		return 0;
	for (unsigned i = 0; i < len / 2u && i < DHCP_ARCH_MAX; i++)
		req->arch[req->narch++] = (uint16_t)(p[2 * i] << 8 | p[2 * i + 1]);
	return 0;
}

static bool in_list(const uint8_t *p, uint8_t len, uint8_t code)
{
	return memchr(p, code, len) != NULL;
}

/* One option; returns 0 or a rejection message. */
static const char *take_option(struct dhcp_req *req, uint8_t code,
			       const uint8_t *p, uint8_t len)
{
	switch (code) {
	case DHCP_OPT_MSGTYPE:
		if (len != 1)
			return "option 53 not 1 byte";
		if (req->msgtype == 0)
			req->msgtype = p[0];
		break;
	case DHCP_OPT_SERVER_ID:
		if (len != DHCP_ADDR_LEN)
			return "option 54 not 4 bytes";
		if (!req->has_server_id)
			memcpy(&req->server_id, p, DHCP_ADDR_LEN);
		req->has_server_id = true;
		break;
	case DHCP_OPT_REQUESTED_IP:
		req->has_requested_ip = true;
		break;
	case DHCP_OPT_PARAM_LIST:
		req->wants_ipxe_encap |= in_list(p, len, DHCP_OPT_IPXE_ENCAP);
		break;
	case DHCP_OPT_CLIENT_ARCH:
		if (take_arch(req, p, len) < 0)
			return "option 93 of odd or zero length";
		break;
	case DHCP_OPT_VENDOR:
		if (req->vendor.p == NULL &&
		    dhcp_parse_vendor(p, len, &req->has_boot_item,
				      req->boot_item) < 0)
			return "malformed option 43";
		keep(&req->vendor, p, len);
		break;
	case DHCP_OPT_VENDOR_CLASS: keep(&req->vendor_class, p, len); break;
	case DHCP_OPT_USER_CLASS: keep(&req->user_class, p, len); break;
	case DHCP_OPT_CLIENT_UUID: keep(&req->uuid, p, len); break;
	case DHCP_OPT_HOSTNAME: keep(&req->hostname, p, len); break;
	case DHCP_OPT_CLIENT_NDI: keep(&req->ndi, p, len); break;
	case DHCP_OPT_IPXE_ENCAP: req->has_ipxe_encap = true; break;
	default:
		break;
	}
	return NULL;
}

static int parse_options(struct cur *c, struct dhcp_req *req,
			 const char **why)
{
	const uint8_t *val;
	uint8_t code, len;
	int rc;

	while ((rc = next_option(c, &code, &val, &len)) > 0) {
		const char *bad = take_option(req, code, val, len);

		if (bad)
			REJECT(bad);
	}
	if (rc == 0)
		return 0;
	if (rc == -EINVAL)
		REJECT("option runs past the end");
	REJECT("no End option");
}

int dhcp_parse(const uint8_t *buf, size_t len, struct dhcp_req *req,
	       const char **why)
{
	struct cur c = cur_init(buf, len);
	uint8_t op;

	memset(req, 0, sizeof(*req));
	if (len > DHCP_REQ_MAX) {
		if (why)
			*why = "message too long";
		return -EMSGSIZE;
	}
	if (len < DHCP_MIN_LEN)
		REJECT("shorter than header and cookie");
	op = cur_u8(&c);
	req->htype = cur_u8(&c);
	req->hlen = cur_u8(&c);
	cur_skip(&c, 1); /* hops */
	if (op != DHCP_BOOTREQUEST)
		REJECT("not a BOOTREQUEST");
	if (req->hlen == 0 || req->hlen > DHCP_CHADDR_LEN ||
	    (req->htype == DHCP_HTYPE_ETHER && req->hlen != DHCP_HLEN_ETHER))
		REJECT("bad hardware address length");
	req->xid = cur_be32(&c);
	req->secs = cur_be16(&c);
	req->flags = cur_be16(&c);
	cur_copy(&c, &req->ciaddr, DHCP_ADDR_LEN);
	cur_skip(&c, 2 * DHCP_ADDR_LEN); /* yiaddr, siaddr */
	cur_copy(&c, &req->giaddr, DHCP_ADDR_LEN);
	cur_copy(&c, req->chaddr, DHCP_CHADDR_LEN);
	cur_skip(&c, DHCP_SNAME_LEN + DHCP_FILE_LEN);
	if (cur_be32(&c) != DHCP_COOKIE)
		REJECT("bad magic cookie");
	return parse_options(&c, req, why);
}

/* ---- replies ------------------------------------------------------------ */

static bool put_opt(struct wcur *w, uint8_t code, const void *val, size_t len)
{
	if (len > DHCP_OPT_MAX_LEN)
		return false;
	return wcur_u8(w, code) && wcur_u8(w, (uint8_t)len) &&
	       wcur_bytes(w, val, len);
}

static bool put_str(struct wcur *w, uint8_t code, const char *s)
{
	return s == NULL || put_opt(w, code, s, strlen(s));
}

static bool put_header(struct wcur *w, const struct dhcp_req *req,
		       const struct dhcp_reply *rep)
{
	uint8_t *file;
	size_t flen = rep->file ? strlen(rep->file) : 0;

	/* A longer name goes in option 67 alone. */
	if (flen >= DHCP_FILE_LEN)
		flen = 0;
	wcur_u8(w, DHCP_BOOTREPLY);
	wcur_u8(w, req->htype);
	wcur_u8(w, req->hlen);
	wcur_u8(w, 0);                   /* hops */
	wcur_be32(w, req->xid);
	wcur_be16(w, 0);                 /* secs */
	wcur_be16(w, req->flags);
	wcur_bytes(w, &req->ciaddr, DHCP_ADDR_LEN);
	wcur_zero(w, DHCP_ADDR_LEN);     /* yiaddr: never an address */
	wcur_bytes(w, &rep->siaddr, DHCP_ADDR_LEN);
	wcur_bytes(w, &req->giaddr, DHCP_ADDR_LEN);
	wcur_bytes(w, req->chaddr, DHCP_CHADDR_LEN);
	wcur_zero(w, DHCP_SNAME_LEN);
	file = wcur_reserve(w, DHCP_FILE_LEN);
	if (file) {
		memset(file, 0, DHCP_FILE_LEN);
		if (flen)
			memcpy(file, rep->file, flen);
	}
	return wcur_be32(w, DHCP_COOKIE);
}

size_t dhcp_build_reply(uint8_t *buf, size_t cap, const struct dhcp_req *req,
			const struct dhcp_reply *rep)
{
	struct wcur w = wcur_init(buf, cap);
	bool ok;

	ok = put_header(&w, req, rep) &&
	     put_opt(&w, DHCP_OPT_MSGTYPE, &rep->msgtype, 1) &&
	     put_opt(&w, DHCP_OPT_SERVER_ID, &rep->server_id, DHCP_ADDR_LEN) &&
	     put_str(&w, DHCP_OPT_VENDOR_CLASS, rep->vendor_class) &&
	     (req->uuid.p == NULL ||
	      put_opt(&w, DHCP_OPT_CLIENT_UUID, req->uuid.p, req->uuid.len)) &&
	     (rep->vendor == NULL ||
	      put_opt(&w, DHCP_OPT_VENDOR, rep->vendor, rep->vendor_len)) &&
	     (rep->file == NULL || strlen(rep->file) < DHCP_FILE_LEN ||
	      put_str(&w, DHCP_OPT_BOOTFILE, rep->file)) &&
	     put_str(&w, DHCP_OPT_BCD_PATH, rep->bcd) &&
	     wcur_u8(&w, DHCP_OPT_END);
	if (ok && wcur_used(&w) < DHCP_REPLY_MIN)
		ok = wcur_zero(&w, DHCP_REPLY_MIN - wcur_used(&w));
	return ok && wcur_ok(&w) ? wcur_used(&w) : 0;
}

/* ---- replies, as a client reads them ------------------------------------ */

static bool view_add(struct dhcp_view *v, uint8_t code, const uint8_t *p,
		     uint8_t len)
{
	if (dhcp_view_opt(v, code, NULL))
		return true;
	if (v->nopt >= sizeof(v->opt) / sizeof(v->opt[0]))
		return false;
	v->opt[v->nopt].code = code;
	v->opt[v->nopt].len = len;
	v->opt[v->nopt].p = p;
	v->nopt++;
	if (code == DHCP_OPT_MSGTYPE && len == 1)
		v->msgtype = p[0];
	return true;
}

int dhcp_parse_reply(const uint8_t *buf, size_t len, struct dhcp_view *v)
{
	struct cur c = cur_init(buf, len);
	const uint8_t *val;
	uint8_t code, olen;
	int rc;

	memset(v, 0, sizeof(*v));
	if (len < DHCP_MIN_LEN || cur_u8(&c) != DHCP_BOOTREPLY)
		return -EINVAL;
	cur_skip(&c, 3);                 /* htype, hlen, hops */
	v->xid = cur_be32(&c);
	cur_skip(&c, 4 + DHCP_ADDR_LEN); /* secs, flags, ciaddr */
	cur_copy(&c, &v->yiaddr, DHCP_ADDR_LEN);
	cur_copy(&c, &v->siaddr, DHCP_ADDR_LEN);
	cur_skip(&c, DHCP_ADDR_LEN + DHCP_CHADDR_LEN + DHCP_SNAME_LEN);
	cur_copy(&c, v->file, DHCP_FILE_LEN);
	if (cur_be32(&c) != DHCP_COOKIE)
		return -EINVAL;
	while ((rc = next_option(&c, &code, &val, &olen)) > 0)
		if (!view_add(v, code, val, olen))
			return -EINVAL;
	return rc == 0 ? 0 : -EINVAL;
}

const uint8_t *dhcp_view_opt(const struct dhcp_view *v, uint8_t code,
			     uint8_t *len)
{
	for (unsigned i = 0; i < v->nopt; i++) {
		if (v->opt[i].code != code)
			continue;
		if (len)
			*len = v->opt[i].len;
		return v->opt[i].p;
	}
	return NULL;
}
