/* SPDX-License-Identifier: GPL-2.0-or-later */
/* TFTP packet parsing, option negotiation and packet building: pure code. */
#include <stdio.h>
#include <strings.h>

#include "cursor.h"
#include "num.h"
#include "tftp.h"

static const struct {
	const char *name;
	uint64_t min, max;
} opt_table[TFTP_OPT_COUNT] = {
	/* RFC 2348 lets the server answer a smaller size than asked: a
	 * request above 65464 is granted what -B allows, not ignored. */
	[TFTP_OPT_BLKSIZE] = { "blksize", TFTP_BLKSIZE_MIN, UINT64_MAX },
	[TFTP_OPT_TIMEOUT] = { "timeout", TFTP_TIMEOUT_MIN, TFTP_TIMEOUT_MAX },
	[TFTP_OPT_TSIZE] = { "tsize", 0, UINT64_MAX },
	[TFTP_OPT_WINDOWSIZE] = { "windowsize", TFTP_WINDOW_MIN,
				  TFTP_WINDOW_MAX },
	[TFTP_OPT_UTIMEOUT] = { "utimeout", TFTP_UTIMEOUT_MIN,
				TFTP_UTIMEOUT_MAX },
};

const char *tftp_opt_name(enum tftp_opt o)
{
	return (unsigned)o < TFTP_OPT_COUNT ? opt_table[o].name : "?";
}

static int reject(struct tftp_reject *why, enum tftp_errcode code,
		  const char *msg)
{
	if (why) {
		why->code = code;
		why->msg = msg;
	}
	return -1;
}

static int parse_mode(const char *mode, enum tftp_mode *out)
{
	if (strcasecmp(mode, "octet") == 0)
		*out = TFTP_MODE_OCTET;
	else if (strcasecmp(mode, "netascii") == 0)
		*out = TFTP_MODE_NETASCII;
	else
		return -1;
	return 0;
}

/* Records one name/value pair; unknown, repeated or invalid are ignored. */
static void take_option(struct tftp_req *req, const char *name,
			const char *value, size_t vlen)
{
	for (unsigned o = 0; o < TFTP_OPT_COUNT; o++) {
		uint64_t v;

		if (strcasecmp(name, opt_table[o].name) != 0)
			continue;
		if (req->asked & (1u << o))
			return;
		if (num_parse_mem(value, vlen, opt_table[o].min,
				  opt_table[o].max, &v) == 0) {
			req->asked |= 1u << o;
			req->val[o] = v;
		}
		return;
	}
}

static void parse_options(struct cur *c, struct tftp_req *req)
{
	while (cur_left(c) > 0) {
		size_t nlen, vlen;
		const char *name = cur_cstr(c, &nlen);
		const char *value = name ? cur_cstr(c, &vlen) : NULL;

		/* Padding or a truncated pair: nothing more to negotiate. */
		if (name == NULL || nlen == 0 || value == NULL)
			return;
		take_option(req, name, value, vlen);
	}
}

int tftp_parse_request(const uint8_t *buf, size_t len, struct tftp_req *req,
		       struct tftp_reject *why)
{
	struct cur c = cur_init(buf, len);
	unsigned op = cur_be16(&c);
	const char *mode;
	size_t mlen;

	memset(req, 0, sizeof(*req));
	if (!cur_ok(&c) || (op != TFTP_RRQ && op != TFTP_WRQ))
		return reject(why, TFTP_EBADOP, "expected a read or write request");
	req->op = (enum tftp_opcode)op;
	req->filename = cur_cstr(&c, &req->filename_len);
	if (req->filename == NULL)
		return reject(why, TFTP_EBADOP, "unterminated file name");
	if (req->filename_len == 0)
		return reject(why, TFTP_EBADOP, "empty file name");
	mode = cur_cstr(&c, &mlen);
	if (mode == NULL)
		return reject(why, TFTP_EBADOP, "unterminated transfer mode");
	if (parse_mode(mode, &req->mode) < 0)
		return reject(why, TFTP_EBADOP, "unsupported transfer mode");
	parse_options(&c, req);
	return 0;
}

unsigned tftp_block_charge(unsigned blksize)
{
	/* Small datagrams sit in a slab buffer of the next power of two,
	 * large ones in pages: about twice the payload, or a page more. */
	return blksize < 16384 ? 2 * blksize : blksize + 4096;
}

static unsigned clamp_u(uint64_t v, unsigned lo, unsigned hi)
{
	return v < lo ? lo : v > hi ? hi : (unsigned)v;
}

static uint64_t negotiated_timeout(const struct tftp_req *req, unsigned asked,
				   unsigned *oack)
{
	/* utimeout is the finer of the two; a client sending both gets it. */
	if (asked & (1u << TFTP_OPT_UTIMEOUT)) {
		*oack |= 1u << TFTP_OPT_UTIMEOUT;
		return req->val[TFTP_OPT_UTIMEOUT];
	}
	if (asked & (1u << TFTP_OPT_TIMEOUT)) {
		*oack |= 1u << TFTP_OPT_TIMEOUT;
		return req->val[TFTP_OPT_TIMEOUT] * 1000000;
	}
	return 0;
}

void tftp_negotiate(const struct tftp_req *req, const struct tftp_limits *lim,
		    uint64_t size, struct tftp_params *out)
{
	unsigned asked = req->asked & ~lim->refused;

	memset(out, 0, sizeof(*out));
	out->blksize = TFTP_DEFAULT_BLKSIZE;
	out->windowsize = 1;
	if (asked & (1u << TFTP_OPT_BLKSIZE)) {
		out->blksize = clamp_u(req->val[TFTP_OPT_BLKSIZE],
				       TFTP_BLKSIZE_MIN, lim->max_blksize);
		out->oack |= 1u << TFTP_OPT_BLKSIZE;
	}
	/* netascii changes lengths: a window could not be resent exactly. */
	if ((asked & (1u << TFTP_OPT_WINDOWSIZE)) &&
	    req->mode == TFTP_MODE_OCTET) {
		unsigned cap = lim->max_window;
		unsigned cost = tftp_block_charge(out->blksize);

		if (lim->max_window_bytes && cap > lim->max_window_bytes / cost)
			cap = lim->max_window_bytes / cost;
		out->windowsize = clamp_u(req->val[TFTP_OPT_WINDOWSIZE],
					  TFTP_WINDOW_MIN, cap ? cap : 1);
		out->oack |= 1u << TFTP_OPT_WINDOWSIZE;
	}
	out->timeout_us = negotiated_timeout(req, asked, &out->oack);
	/* tsize is only meaningful for octet: netascii sizes change. */
	if ((asked & (1u << TFTP_OPT_TSIZE)) && req->mode == TFTP_MODE_OCTET) {
		out->tsize = req->op == TFTP_RRQ ? size : req->val[TFTP_OPT_TSIZE];
		out->oack |= 1u << TFTP_OPT_TSIZE;
	}
}

size_t tftp_build_error(uint8_t *buf, size_t len, enum tftp_errcode code,
			const char *msg)
{
	struct wcur w = wcur_init(buf, len);

	wcur_be16(&w, TFTP_ERROR);
	wcur_be16(&w, (uint16_t)code);
	wcur_cstr(&w, msg ? msg : "");
	return wcur_ok(&w) ? wcur_used(&w) : 0;
}

static uint64_t param_value(const struct tftp_params *p, unsigned o)
{
	switch (o) {
	case TFTP_OPT_BLKSIZE: return p->blksize;
	case TFTP_OPT_WINDOWSIZE: return p->windowsize;
	case TFTP_OPT_TSIZE: return p->tsize;
	case TFTP_OPT_UTIMEOUT: return p->timeout_us;
	default: return p->timeout_us / 1000000;
	}
}

size_t tftp_build_oack(uint8_t *buf, size_t len, const struct tftp_params *p)
{
	struct wcur w = wcur_init(buf, len);

	wcur_be16(&w, TFTP_OACK);
	for (unsigned o = 0; o < TFTP_OPT_COUNT; o++) {
		char num[24];

		if (!(p->oack & (1u << o)))
			continue;
		snprintf(num, sizeof(num), "%llu",
			 (unsigned long long)param_value(p, o));
		wcur_cstr(&w, opt_table[o].name);
		wcur_cstr(&w, num);
	}
	return wcur_ok(&w) ? wcur_used(&w) : 0;
}

static size_t build_hdr(uint8_t *buf, size_t len, unsigned op, uint16_t v)
{
	struct wcur w = wcur_init(buf, len);

	wcur_be16(&w, (uint16_t)op);
	wcur_be16(&w, v);
	return wcur_ok(&w) ? wcur_used(&w) : 0;
}

size_t tftp_build_ack(uint8_t *buf, size_t len, uint16_t block)
{
	return build_hdr(buf, len, TFTP_ACK, block);
}

size_t tftp_build_data_hdr(uint8_t *buf, size_t len, uint16_t block)
{
	return build_hdr(buf, len, TFTP_DATA, block);
}

unsigned tftp_opcode(const uint8_t *buf, size_t len)
{
	struct cur c = cur_init(buf, len);

	return cur_be16(&c);
}

int tftp_parse_ack(const uint8_t *buf, size_t len, uint16_t *block)
{
	struct cur c = cur_init(buf, len);

	if (cur_be16(&c) != TFTP_ACK)
		return -1;
	*block = cur_be16(&c);
	/* Trailing bytes after an ACK are tolerated, as every peer does. */
	return cur_ok(&c) ? 0 : -1;
}

int tftp_parse_data(const uint8_t *buf, size_t len, uint16_t *block,
		    const uint8_t **data, size_t *datalen)
{
	struct cur c = cur_init(buf, len);

	if (cur_be16(&c) != TFTP_DATA)
		return -1;
	*block = cur_be16(&c);
	if (!cur_ok(&c))
		return -1;
	*datalen = cur_left(&c);
	*data = cur_bytes(&c, *datalen);
	return 0;
}

int tftp_parse_error(const uint8_t *buf, size_t len, uint16_t *code,
		     const char **msg)
{
	struct cur c = cur_init(buf, len);
	size_t n;

	if (cur_be16(&c) != TFTP_ERROR)
		return -1;
	*code = cur_be16(&c);
	if (!cur_ok(&c))
		return -1;
	/* A missing or unterminated message is common; report it as empty. */
	*msg = cur_left(&c) ? cur_cstr(&c, &n) : "";
	if (*msg == NULL)
		*msg = "";
	return 0;
}
