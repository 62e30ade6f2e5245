/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tftp_parse_request over arbitrary bytes, then negotiation and the OACK.
 * The input is the packet itself, exactly as long as libFuzzer made it, so
 * ASan sees any read past it.  A success must give a file name
 * NUL-terminated inside the packet, a known opcode and mode, and option
 * values within their RFC ranges (blksize only from below); negotiating
 * it under pxelinux-like limits must stay within them and echo only
 * options the client asked; the OACK must fit 512 bytes and be well
 * formed.  A failure must say ERROR 4 with a message.  The last byte also
 * picks a set of refused options for a second negotiation, which must echo
 * none of them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../tftpd/tftp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint64_t opt_min[TFTP_OPT_COUNT] = {
	[TFTP_OPT_BLKSIZE] = TFTP_BLKSIZE_MIN,
	[TFTP_OPT_TIMEOUT] = TFTP_TIMEOUT_MIN,
	[TFTP_OPT_TSIZE] = 0,
	[TFTP_OPT_WINDOWSIZE] = TFTP_WINDOW_MIN,
	[TFTP_OPT_UTIMEOUT] = TFTP_UTIMEOUT_MIN,
};

static const uint64_t opt_max[TFTP_OPT_COUNT] = {
	/* Above 65464 is kept: negotiation answers with less (RFC 2348). */
	[TFTP_OPT_BLKSIZE] = UINT64_MAX,
	[TFTP_OPT_TIMEOUT] = TFTP_TIMEOUT_MAX,
	[TFTP_OPT_TSIZE] = UINT64_MAX,
	[TFTP_OPT_WINDOWSIZE] = TFTP_WINDOW_MAX,
	[TFTP_OPT_UTIMEOUT] = TFTP_UTIMEOUT_MAX,
};

static void check_request(const uint8_t *data, size_t size,
			  const struct tftp_req *req)
{
	const uint8_t *name = (const uint8_t *)req->filename;

	if (req->op != TFTP_RRQ && req->op != TFTP_WRQ)
		abort();
	if (req->mode != TFTP_MODE_OCTET && req->mode != TFTP_MODE_NETASCII)
		abort();
	/* The name and its NUL lie inside the packet, after the opcode. */
	if (name < data + 2 || req->filename_len == 0 ||
	    req->filename_len >= size ||
	    (size_t)(name - data) > size - req->filename_len - 1)
		abort();
	if (name[req->filename_len] != '\0' ||
	    memchr(name, '\0', req->filename_len) != NULL ||
	    strlen(req->filename) != req->filename_len)
		abort();
	if (req->asked >> TFTP_OPT_COUNT)
		abort();
	for (unsigned o = 0; o < TFTP_OPT_COUNT; o++)
		if ((req->asked & (1u << o)) &&
		    (req->val[o] < opt_min[o] || req->val[o] > opt_max[o]))
			abort();
}

/* An OACK is the opcode and then whole name/value pairs. */
static void check_oack(const uint8_t *pkt, size_t len, unsigned oack)
{
	unsigned strings = 0;

	if (len < 2 || pkt[0] != 0 || pkt[1] != TFTP_OACK)
		abort();
	for (size_t i = 2; i < len; i++)
		strings += pkt[i] == '\0';
	if (len > 2 && pkt[len - 1] != '\0')
		abort();
	if (strings != 2 * (unsigned)__builtin_popcount(oack))
		abort();
}

static void check_params(const struct tftp_req *req,
			 const struct tftp_limits *lim,
			 const struct tftp_params *p)
{
	uint8_t oack[512];
	size_t len;

	if (p->blksize < TFTP_BLKSIZE_MIN || p->blksize > lim->max_blksize)
		abort();
	if (p->windowsize < TFTP_WINDOW_MIN || p->windowsize > lim->max_window)
		abort();
	if (p->timeout_us != 0 && (p->timeout_us < TFTP_UTIMEOUT_MIN ||
				   p->timeout_us > TFTP_UTIMEOUT_MAX))
		abort();
	/* pxelinux fails on an option it did not ask for. */
	if (p->oack & ~req->asked & ((1u << TFTP_OPT_COUNT) - 1))
		abort();
	if (p->oack & lim->refused)
		abort();
	if (req->mode == TFTP_MODE_NETASCII &&
	    (p->oack & (1u << TFTP_OPT_WINDOWSIZE | 1u << TFTP_OPT_TSIZE)))
		abort();
	len = tftp_build_oack(oack, sizeof(oack), p);
	if (len == 0)
		abort();
	check_oack(oack, len, p->oack);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tftp_limits lim = { .max_blksize = 1468, .max_window = 16 };
	struct tftp_reject why = { TFTP_EUNDEF, NULL };
	struct tftp_params p;
	struct tftp_req req;
	uint64_t fsize = (uint64_t)size * 0x9e3779b97f4a7c15ULL;

	if (tftp_parse_request(data, size, &req, &why) != 0) {
		if (why.code != TFTP_EBADOP || why.msg == NULL ||
		    why.msg[0] == '\0')
			abort();
		return 0;
	}
	check_request(data, size, &req);

	tftp_negotiate(&req, &lim, fsize, &p);
	check_params(&req, &lim, &p);
	if ((req.asked & (1u << TFTP_OPT_TSIZE)) &&
	    req.mode == TFTP_MODE_OCTET &&
	    p.tsize != (req.op == TFTP_RRQ ? fsize : req.val[TFTP_OPT_TSIZE]))
		abort();

	lim.refused = data[size - 1] & ((1u << TFTP_OPT_COUNT) - 1);
	tftp_negotiate(&req, &lim, fsize, &p);
	check_params(&req, &lim, &p);
	return 0;
}
