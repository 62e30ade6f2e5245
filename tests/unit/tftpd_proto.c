/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TFTP request parsing, option negotiation and packet building.  Requests
 * are written as string literals with their NULs spelled out; the length
 * is the literal's size without the compiler's closing NUL, so a request
 * that should end unterminated really does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../tftpd/tftp.h"
#include "tap.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))
#define BIT(o) (1u << (o))

/* Parses a literal request, leaving the trailing compiler NUL outside. */
#define PARSE(lit, req, why)                                                 \
	tftp_parse_request((const uint8_t *)(lit), sizeof(lit) - 1, (req), (why))

static const struct tftp_limits lim_pxe = { .max_blksize = 1468,
					    .max_window = 16 };

/* Checks a rejected request: -1, ERROR code 4 and some message. */
static void is_rejected(int rc, const struct tftp_reject *why,
			const char *name)
{
	if (!ok(rc == -1 && why->code == TFTP_EBADOP && why->msg &&
			why->msg[0],
		"%s: rejected with code 4 and a message", name))
		diag("rc %d, code %d, msg '%s'", rc, (int)why->code,
		     why->msg ? why->msg : "(null)");
}

static void test_request_basic(void)
{
	struct tftp_req r;
	struct tftp_reject why = { 0, NULL };

	is_int(PARSE("\0\1pxelinux.0\0octet\0", &r, &why), 0, "RRQ octet");
	is_int(r.op, TFTP_RRQ, "RRQ: opcode");
	is_str(r.filename, "pxelinux.0", "RRQ: file name");
	is_int(r.filename_len, 10, "RRQ: file name length");
	is_int(r.mode, TFTP_MODE_OCTET, "RRQ: octet mode");
	is_int(r.asked, 0, "RRQ without options asks nothing");

	is_int(PARSE("\0\2upload.bin\0netascii\0", &r, &why), 0,
	       "WRQ netascii");
	is_int(r.op, TFTP_WRQ, "WRQ: opcode");
	is_str(r.filename, "upload.bin", "WRQ: file name");
	is_int(r.mode, TFTP_MODE_NETASCII, "WRQ: netascii mode");

	is_int(PARSE("\0\1f\0OcTeT\0", &r, &why), 0, "mode OcTeT accepted");
	is_int(r.mode, TFTP_MODE_OCTET, "OcTeT is octet");
	is_int(PARSE("\0\1f\0NETASCII\0", &r, &why), 0,
	       "mode NETASCII accepted");
	is_int(r.mode, TFTP_MODE_NETASCII, "NETASCII is netascii");
	is_int(PARSE("\0\2f\0Octet\0", &r, &why), 0, "WRQ mode Octet accepted");
	is_int(r.mode, TFTP_MODE_OCTET, "WRQ Octet is octet");

	is_int(PARSE("\0\1f\0octet\0\0\0\0\0", &r, &why), 0,
	       "NUL padding after the mode accepted");
	is_int(r.asked, 0, "padding asks nothing");
	is_int(PARSE("\0\1f\0octet\0\0blksize\0001024\0", &r, &why), 0,
	       "bytes after an empty option name accepted");
	is_int(r.asked, 0, "and ignored");
}

static void test_request_options(void)
{
	struct tftp_req r;
	struct tftp_reject why = { 0, NULL };

	is_int(PARSE("\0\1f\0octet\0blksize\0001428\0timeout\0003\0"
		     "tsize\0000\0windowsize\0008\0utimeout\000500000\0",
		     &r, &why),
	       0, "RRQ with all five options");
	is_int(r.asked, BIT(TFTP_OPT_COUNT) - 1, "all five asked");
	is_int(r.val[TFTP_OPT_BLKSIZE], 1428, "blksize 1428");
	is_int(r.val[TFTP_OPT_TIMEOUT], 3, "timeout 3");
	is_int(r.val[TFTP_OPT_TSIZE], 0, "tsize 0");
	is_int(r.val[TFTP_OPT_WINDOWSIZE], 8, "windowsize 8");
	is_int(r.val[TFTP_OPT_UTIMEOUT], 500000, "utimeout 500000");

	is_int(PARSE("\0\2f\0octet\0TSIZE\00012345678901\0BlkSize\000512\0"
		     "WindowSize\00065535\0",
		     &r, &why),
	       0, "WRQ with upper- and mixed-case option names");
	is_int(r.asked,
	       BIT(TFTP_OPT_TSIZE) | BIT(TFTP_OPT_BLKSIZE) |
		       BIT(TFTP_OPT_WINDOWSIZE),
	       "case-insensitive names recorded");
	ok(r.val[TFTP_OPT_TSIZE] == 12345678901ULL, "tsize beyond 32 bits");
	is_int(r.val[TFTP_OPT_WINDOWSIZE], 65535, "windowsize 65535 is valid");

	is_int(PARSE("\0\1f\0octet\0blksize\0008\0timeout\000255\0"
		     "windowsize\0001\0utimeout\000255000000\0"
		     "tsize\00018446744073709551615\0",
		     &r, &why),
	       0, "options at the edges of their ranges");
	is_int(r.asked, BIT(TFTP_OPT_COUNT) - 1, "every edge value accepted");
	is_int(r.val[TFTP_OPT_BLKSIZE], 8, "blksize 8");
	is_int(r.val[TFTP_OPT_TIMEOUT], 255, "timeout 255");
	is_int(r.val[TFTP_OPT_UTIMEOUT], 255000000, "utimeout 255000000");
	ok(r.val[TFTP_OPT_TSIZE] == UINT64_MAX, "tsize UINT64_MAX");

	is_int(PARSE("\0\1f\0octet\0blksize\00065464\0utimeout\00010000\0",
		     &r, &why),
	       0, "blksize 65464 and utimeout 10000");
	is_int(r.asked, BIT(TFTP_OPT_BLKSIZE) | BIT(TFTP_OPT_UTIMEOUT),
	       "both accepted");

	is_int(PARSE("\0\1f\0octet\0msftwindow\00031416\0blksize\0001024\0",
		     &r, &why),
	       0, "unknown option msftwindow");
	is_int(r.asked, BIT(TFTP_OPT_BLKSIZE), "msftwindow ignored");
	is_int(r.val[TFTP_OPT_BLKSIZE], 1024, "the option after it is read");
}

struct bad_value {
	const char *name;
	const char *value;
};

static void test_request_bad_values(void)
{
	static const struct bad_value cases[] = {
		{ "blksize", "7" },
		{ "blksize", "0" },
		{ "timeout", "0" },
		{ "timeout", "256" },
		{ "windowsize", "0" },
		{ "windowsize", "65536" },
		{ "utimeout", "9999" },
		{ "utimeout", "255000001" },
		{ "timeout", "18446744073709551616" },
		{ "timeout", "99999999999999999999" },
		{ "utimeout", "18446744073709551616" },
		{ "utimeout", "99999999999999999999" },
		{ "tsize", "18446744073709551616" },
		{ "blksize", "12abc" },
		{ "timeout", "12abc" },
		{ "blksize", "" },
		{ "tsize", "" },
		{ "blksize", " 512" },
		{ "blksize", "+512" },
		{ "blksize", "-512" },
		{ "blksize", "0x200" },
		{ "timeout", "1.5" },
	};
	uint8_t pkt[128];
	struct tftp_req r;
	struct tftp_reject why = { 0, NULL };

	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		size_t n = 0, nl = strlen(cases[i].name),
		       vl = strlen(cases[i].value);
		int rc;

		memcpy(pkt, "\0\1f\0octet\0", 10);
		n = 10;
		memcpy(pkt + n, cases[i].name, nl + 1);
		n += nl + 1;
		memcpy(pkt + n, cases[i].value, vl + 1);
		n += vl + 1;
		memcpy(pkt + n, "tsize\0" "7\0", 8);
		n += 8;
		rc = tftp_parse_request(pkt, n, &r, &why);
		ok(rc == 0 && !(r.asked & ~BIT(TFTP_OPT_TSIZE)),
		   "%s '%s' accepted as a request, option left out",
		   cases[i].name, cases[i].value);
		if (strcmp(cases[i].name, "tsize") == 0)
			ok(r.val[TFTP_OPT_TSIZE] == 7,
			   "tsize '%s': the second, valid tsize is kept",
			   cases[i].value);
		else
			ok(r.asked == BIT(TFTP_OPT_TSIZE) &&
				   r.val[TFTP_OPT_TSIZE] == 7,
			   "%s '%s': the option after it is read",
			   cases[i].name, cases[i].value);
	}
}

static void test_request_repeats(void)
{
	struct tftp_req r;
	struct tftp_reject why = { 0, NULL };

	is_int(PARSE("\0\1f\0octet\0blksize\0001024\0blksize\000512\0"
		     "blksize\0001428\0",
		     &r, &why),
	       0, "blksize three times");
	is_int(r.val[TFTP_OPT_BLKSIZE], 1024, "the first blksize is kept");

	is_int(PARSE("\0\1f\0octet\0blksize\0007\0BLKSIZE\0001024\0"
		     "blksize\0001428\0",
		     &r, &why),
	       0, "blksize three times, the first invalid");
	is_int(r.asked, BIT(TFTP_OPT_BLKSIZE), "blksize asked");
	is_int(r.val[TFTP_OPT_BLKSIZE], 1024, "the first valid blksize is kept");

	is_int(PARSE("\0\1f\0octet\0timeout\0005\0timeout\0000\0timeout\0009\0",
		     &r, &why),
	       0, "timeout three times, a later one invalid");
	is_int(r.val[TFTP_OPT_TIMEOUT], 5, "the first timeout is kept");
}

/* A literal and its length without the compiler's closing NUL. */
#define LIT(s) (s), sizeof(s) - 1

struct bad_request {
	const char *pkt;
	size_t len;
	const char *name;
};

static void test_request_truncated(void)
{
	static const struct bad_request cases[] = {
		{ LIT(""), "empty packet" },
		{ LIT("\0"), "1 byte" },
		{ LIT("\0\1"), "opcode only" },
		{ LIT("\0\1pxelinux.0"), "unterminated file name" },
		{ LIT("\0\1\0octet\0"), "empty file name" },
		{ LIT("\0\1pxelinux.0\0"), "file name without a mode" },
		{ LIT("\0\1pxelinux.0\0oct"), "unterminated mode" },
		{ LIT("\0\1pxelinux.0\0octet"), "mode 'octet' without its NUL" },
		{ LIT("\0\1pxelinux.0\0mail\0"), "mode mail" },
		{ LIT("\0\2pxelinux.0\0mail\0"), "WRQ mode mail" },
		{ LIT("\0\1pxelinux.0\0\0"), "empty mode" },
		{ LIT("\0\1pxelinux.0\0octets\0"), "mode octets" },
		{ LIT("\0\1pxelinux.0\0binary\0"), "mode binary" },
	};
	struct tftp_req r;
	struct tftp_reject why;
	int rc;

	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		why.code = TFTP_EUNDEF;
		why.msg = NULL;
		rc = tftp_parse_request((const uint8_t *)cases[i].pkt,
					cases[i].len, &r, &why);
		is_rejected(rc, &why, cases[i].name);
	}
	why.code = TFTP_EUNDEF;
	why.msg = NULL;
	rc = tftp_parse_request(NULL, 0, &r, &why);
	is_rejected(rc, &why, "NULL packet");

	ok(tftp_parse_request((const uint8_t *)"\0\1f", 3, &r, NULL) == -1,
	   "a NULL reject pointer is allowed");

	is_int(PARSE("\0\1f\0octet\0blksize\0001024\0tsi", &r, &why), 0,
	       "unterminated trailing option name accepted");
	is_int(r.asked, BIT(TFTP_OPT_BLKSIZE), "earlier option kept");
	is_int(r.val[TFTP_OPT_BLKSIZE], 1024, "with its value");

	is_int(PARSE("\0\1f\0octet\0blksize\0001024\0tsize\0", &r, &why), 0,
	       "option name without a value accepted");
	is_int(r.asked, BIT(TFTP_OPT_BLKSIZE), "the valueless option left out");

	is_int(PARSE("\0\1f\0octet\0blksize\0001024\0tsize\00012", &r, &why),
	       0, "unterminated trailing option value accepted");
	is_int(r.asked, BIT(TFTP_OPT_BLKSIZE),
	       "the unterminated option left out");

	is_int(PARSE("\0\1f\0octet\0blksize\0001024", &r, &why), 0,
	       "the only option unterminated");
	is_int(r.asked, 0, "nothing asked");
}

static void test_request_opcodes(void)
{
	static const unsigned ops[] = { 0, 3, 4, 5, 6, 7, 99, 0x0101, 0xffff };
	uint8_t pkt[] = "\0\0f\0octet\0";
	struct tftp_req r;
	struct tftp_reject why;

	for (size_t i = 0; i < N_ELEMS(ops); i++) {
		char name[32];

		pkt[0] = (uint8_t)(ops[i] >> 8);
		pkt[1] = (uint8_t)ops[i];
		why.code = TFTP_EUNDEF;
		why.msg = NULL;
		snprintf(name, sizeof(name), "opcode %u", ops[i]);
		is_rejected(tftp_parse_request(pkt, sizeof(pkt) - 1, &r, &why),
			    &why, name);
	}
}

/* Appends a NUL-terminated string of n copies of ch (n may be 0). */
static size_t put_fill(uint8_t *p, char ch, size_t n)
{
	memset(p, ch, n);
	p[n] = '\0';
	return n + 1;
}

static size_t put_str(uint8_t *p, const char *s)
{
	size_t n = strlen(s) + 1;

	memcpy(p, s, n);
	return n;
}

static void test_request_huge(void)
{
	enum { LEN = 65535 };
	static const char tail[] = "tsize\0" "42";
	uint8_t *pkt = malloc(LEN);
	struct tftp_req r;
	struct tftp_reject why = { 0, NULL };
	size_t n = 0, unknown = 0;

	if (pkt == NULL) {
		ok(0, "malloc for the huge request");
		return;
	}
	pkt[n++] = 0;
	pkt[n++] = TFTP_RRQ;
	n += put_str(pkt + n, "images/vmlinuz");
	n += put_str(pkt + n, "octet");
	n += put_str(pkt + n, "blksize");
	n += put_str(pkt + n, "8");
	/* Long unknown options, then a short one to fill up to the tail. */
	while (LEN - n > 200 + sizeof(tail) + 16) {
		n += put_fill(pkt + n, (char)('a' + unknown % 26), 150);
		n += put_fill(pkt + n, '9', 48);
		unknown++;
	}
	n += put_str(pkt + n, "blksize");
	n += put_str(pkt + n, "1024");
	n += put_fill(pkt + n, 'z', LEN - n - sizeof(tail) - 3);
	n += put_str(pkt + n, "1");
	memcpy(pkt + n, tail, sizeof(tail));
	n += sizeof(tail);

	is_int(n, LEN, "request is 65535 bytes");
	ok(unknown > 300, "with %zu unknown options", unknown);
	is_int(tftp_parse_request(pkt, n, &r, &why), 0,
	       "huge request accepted");
	is_int(r.asked, BIT(TFTP_OPT_BLKSIZE) | BIT(TFTP_OPT_TSIZE),
	       "huge request: blksize and the final tsize asked");
	is_int(r.val[TFTP_OPT_BLKSIZE], 8, "huge request: blksize 8");
	is_int(r.val[TFTP_OPT_TSIZE], 42, "huge request: tsize 42 at the end");
	is_str(r.filename, "images/vmlinuz", "huge request: file name");
	free(pkt);
}

/* Parses lit and negotiates it under lim with size. */
#define NEGOTIATE(lit, lim, size, out)                                       \
	negotiate((const uint8_t *)(lit), sizeof(lit) - 1, (lim), (size), (out))

static int negotiate(const uint8_t *pkt, size_t len,
		     const struct tftp_limits *lim, uint64_t size,
		     struct tftp_params *out)
{
	struct tftp_req r;

	memset(out, 0xa5, sizeof(*out));
	if (tftp_parse_request(pkt, len, &r, NULL) < 0)
		return -1;
	tftp_negotiate(&r, lim, size, out);
	return 0;
}

/* RFC 2348: the server may answer a smaller blksize than asked, so a
 * request above 65464 gets min(-B, 65464), not the default 512. */
static void test_negotiate_big_blksize(void)
{
	struct tftp_params p;
	struct tftp_limits lim = lim_pxe, full = { .max_blksize = 65464,
						   .max_window = 1 };

	NEGOTIATE("\0\1f\0octet\0blksize\00065465\0", &lim, 0, &p);
	ok(p.blksize == 1468 && p.oack == BIT(TFTP_OPT_BLKSIZE),
	   "blksize 65465: -B 1468 granted and echoed");
	NEGOTIATE("\0\1f\0octet\0blksize\00065465\0", &full, 0, &p);
	is_int(p.blksize, 65464, "blksize 65465 with -B 65464: 65464");
	NEGOTIATE("\0\1f\0octet\0blksize\0001000000\0", &full, 0, &p);
	is_int(p.blksize, 65464, "blksize 1000000: 65464");
	NEGOTIATE("\0\1f\0octet\0blksize\00018446744073709551615\0", &full, 0,
		  &p);
	is_int(p.blksize, 65464, "blksize 2^64-1: 65464");
	NEGOTIATE("\0\1f\0octet\0blksize\00018446744073709551616\0", &full, 0,
		  &p);
	ok(p.blksize == 512 && p.oack == 0,
	   "blksize past 64 bits: not a number, ignored");
	NEGOTIATE("\0\1f\0octet\0blksize\0000\0", &full, 0, &p);
	ok(p.blksize == 512 && p.oack == 0, "blksize 0: ignored");
}

static void test_negotiate(void)
{
	struct tftp_params p;
	struct tftp_limits lim = lim_pxe;

	is_int(NEGOTIATE("\0\1f\0octet\0", &lim, 1000, &p), 0, "plain RRQ");
	is_int(p.blksize, 512, "default blksize 512");
	is_int(p.windowsize, 1, "default window 1");
	is_int(p.oack, 0, "no options: no OACK");
	is_int(p.timeout_us, 0, "server default timeout");
	is_int(p.tsize, 0, "tsize 0 when not asked");

	NEGOTIATE("\0\1f\0octet\0blksize\00065464\0", &lim, 0, &p);
	is_int(p.blksize, 1468, "blksize 65464 clamped to -B 1468");
	is_int(p.oack, BIT(TFTP_OPT_BLKSIZE), "clamped blksize echoed");
	NEGOTIATE("\0\1f\0octet\0blksize\0001468\0", &lim, 0, &p);
	is_int(p.blksize, 1468, "blksize at -B kept");
	NEGOTIATE("\0\1f\0octet\0blksize\0001024\0", &lim, 0, &p);
	is_int(p.blksize, 1024, "blksize under -B kept");
	NEGOTIATE("\0\1f\0octet\0blksize\0008\0", &lim, 0, &p);
	is_int(p.blksize, 8, "blksize 8 kept");
	NEGOTIATE("\0\1f\0octet\0blksize\0007\0", &lim, 0, &p);
	ok(p.blksize == 512 && p.oack == 0, "invalid blksize: default, no OACK");
	test_negotiate_big_blksize();

	NEGOTIATE("\0\1f\0octet\0windowsize\00064\0", &lim, 0, &p);
	is_int(p.windowsize, 16, "windowsize 64 clamped to -W 16");
	is_int(p.oack, BIT(TFTP_OPT_WINDOWSIZE), "clamped windowsize echoed");
	NEGOTIATE("\0\1f\0octet\0windowsize\0004\0", &lim, 0, &p);
	is_int(p.windowsize, 4, "windowsize under -W kept");
	NEGOTIATE("\0\2f\0octet\0windowsize\0004\0", &lim, 0, &p);
	ok(p.windowsize == 4 && p.oack == BIT(TFTP_OPT_WINDOWSIZE),
	   "WRQ windowsize negotiated too");

	NEGOTIATE("\0\1f\0netascii\0windowsize\0008\0tsize\0000\0"
		  "blksize\0001024\0",
		  &lim, 5000, &p);
	is_int(p.windowsize, 1, "netascii RRQ: window stays 1");
	is_int(p.oack, BIT(TFTP_OPT_BLKSIZE),
	       "netascii RRQ: only blksize echoed");
	is_int(p.blksize, 1024, "netascii RRQ: blksize 1024");
	NEGOTIATE("\0\2f\0netascii\0windowsize\0008\0tsize\000100\0", &lim,
		  5000, &p);
	ok(p.windowsize == 1 && p.oack == 0,
	   "netascii WRQ: no windowsize, no tsize");

	NEGOTIATE("\0\1f\0octet\0tsize\0000\0", &lim, 123456789012ULL, &p);
	ok(p.tsize == 123456789012ULL, "RRQ tsize is the file size");
	is_int(p.oack, BIT(TFTP_OPT_TSIZE), "RRQ tsize echoed");
	NEGOTIATE("\0\1f\0octet\0tsize\000999\0", &lim, 0, &p);
	ok(p.tsize == 0 && p.oack == BIT(TFTP_OPT_TSIZE),
	   "RRQ tsize of an empty file is 0 whatever the client sent");
	NEGOTIATE("\0\2f\0octet\0tsize\0004096\0", &lim, 77, &p);
	is_int(p.tsize, 4096, "WRQ tsize is the client's value");
	is_int(p.oack, BIT(TFTP_OPT_TSIZE), "WRQ tsize echoed");

	NEGOTIATE("\0\1f\0octet\0timeout\0005\0", &lim, 0, &p);
	ok(p.timeout_us == 5000000, "timeout 5 is 5 s");
	is_int(p.oack, BIT(TFTP_OPT_TIMEOUT), "timeout echoed");
	NEGOTIATE("\0\1f\0octet\0timeout\0003\0utimeout\000250000\0", &lim, 0,
		  &p);
	ok(p.timeout_us == 250000, "utimeout preferred over timeout");
	is_int(p.oack, BIT(TFTP_OPT_UTIMEOUT), "only utimeout echoed");
	NEGOTIATE("\0\1f\0octet\0utimeout\000250000\0timeout\0003\0", &lim, 0,
		  &p);
	ok(p.timeout_us == 250000 && p.oack == BIT(TFTP_OPT_UTIMEOUT),
	   "utimeout preferred whatever the order");
	NEGOTIATE("\0\1f\0octet\0timeout\000255\0", &lim, 0, &p);
	ok(p.timeout_us == 255000000ULL, "timeout 255 in microseconds");

	lim.refused = BIT(TFTP_OPT_BLKSIZE) | BIT(TFTP_OPT_TSIZE);
	NEGOTIATE("\0\1f\0octet\0blksize\0001024\0tsize\0000\0"
		  "windowsize\0004\0",
		  &lim, 99, &p);
	is_int(p.blksize, 512, "refused blksize: default 512");
	is_int(p.tsize, 0, "refused tsize: 0");
	is_int(p.oack, BIT(TFTP_OPT_WINDOWSIZE),
	       "refused options not echoed, the rest is");
	lim.refused = BIT(TFTP_OPT_UTIMEOUT);
	NEGOTIATE("\0\1f\0octet\0timeout\0003\0utimeout\000250000\0", &lim, 0,
		  &p);
	ok(p.timeout_us == 3000000 && p.oack == BIT(TFTP_OPT_TIMEOUT),
	   "refused utimeout falls back to timeout");
	lim.refused = BIT(TFTP_OPT_COUNT) - 1;
	NEGOTIATE("\0\1f\0octet\0blksize\0001024\0timeout\0003\0tsize\0000\0"
		  "windowsize\0004\0utimeout\000250000\0",
		  &lim, 99, &p);
	ok(p.oack == 0 && p.blksize == 512 && p.windowsize == 1 &&
		   p.timeout_us == 0,
	   "everything refused: plain RFC 1350");
	lim = lim_pxe;

	NEGOTIATE("\0\1f\0octet\0blksize\0001024\0timeout\0003\0tsize\0000\0"
		  "windowsize\0004\0",
		  &lim, 99, &p);
	is_int(p.oack,
	       BIT(TFTP_OPT_BLKSIZE) | BIT(TFTP_OPT_TIMEOUT) |
		       BIT(TFTP_OPT_TSIZE) | BIT(TFTP_OPT_WINDOWSIZE),
	       "four options asked, four echoed");
}

/* Every single option alone: the OACK never holds one not asked. */
/* The window is cut so that it fits the receiver's socket buffer. */
static void test_negotiate_window_bytes(void)
{
	struct tftp_params p;
	struct tftp_limits lim = { .max_blksize = 65464, .max_window = 64,
				   .max_window_bytes = 160 * 1024 };

	is_int(tftp_block_charge(1468), 2936, "small block: twice its size");
	is_int(tftp_block_charge(65464), 69560, "large block: a page more");
	NEGOTIATE("\0\1f\0octet\0blksize\0" "65464\0windowsize\0" "16\0",
		  &lim, 1 << 20, &p);
	is_int(p.windowsize, 2, "65464-byte blocks: window 2");
	ok(p.oack & BIT(TFTP_OPT_WINDOWSIZE), "window still echoed");
	NEGOTIATE("\0\1f\0octet\0blksize\0" "8192\0windowsize\0" "16\0",
		  &lim, 1 << 20, &p);
	is_int(p.windowsize, 10, "8192-byte blocks: window 10");
	NEGOTIATE("\0\1f\0octet\0blksize\0" "1468\0windowsize\0" "16\0",
		  &lim, 1 << 20, &p);
	is_int(p.windowsize, 16, "1468-byte blocks: window as asked");
	NEGOTIATE("\0\1f\0octet\0windowsize\0" "200\0", &lim, 1 << 20, &p);
	is_int(p.windowsize, 64, "512-byte blocks: -W caps first");
	lim.max_window_bytes = 1000;
	NEGOTIATE("\0\1f\0octet\0windowsize\0" "8\0", &lim, 1 << 20, &p);
	is_int(p.windowsize, 1, "a budget below one block still grants 1");
}

static void test_negotiate_only_asked(void)
{
	static const char *const reqs[] = {
		"blksize\0001432", "timeout\0002", "tsize\0000",
		"windowsize\0002", "utimeout\00020000",
	};
	static const unsigned bits[] = {
		BIT(TFTP_OPT_BLKSIZE), BIT(TFTP_OPT_TIMEOUT),
		BIT(TFTP_OPT_TSIZE), BIT(TFTP_OPT_WINDOWSIZE),
		BIT(TFTP_OPT_UTIMEOUT),
	};

	for (size_t i = 0; i < N_ELEMS(reqs); i++) {
		uint8_t pkt[64];
		size_t nl = strlen(reqs[i]), vl = strlen(reqs[i] + nl + 1);
		struct tftp_params p;

		memcpy(pkt, "\0\1pxelinux.0\0octet\0", 19);
		memcpy(pkt + 19, reqs[i], nl + vl + 2);
		ok(negotiate(pkt, 19 + nl + vl + 2, &lim_pxe, 40000, &p) == 0,
		   "%s alone: parsed", reqs[i]);
		if (!ok(p.oack == bits[i], "%s alone: only it echoed", reqs[i]))
			diag("oack %#x, want %#x", p.oack, bits[i]);
	}
}

static void test_build_oack(void)
{
	static const uint8_t want[] = "\0\6"
				      "blksize\0" "1428\0"
				      "timeout\0" "3\0"
				      "tsize\0" "1048576\0"
				      "windowsize\0" "8\0"
				      "utimeout\0" "3000000";
	static const uint8_t want_tsize[] = "\0\6tsize\0" "18446744073709551615";
	struct tftp_params p = { BIT(TFTP_OPT_COUNT) - 1, 1428, 8, 3000000,
				 1048576 };
	uint8_t buf[128];

	is_int(tftp_build_oack(buf, sizeof(buf), &p), sizeof(want),
	       "OACK of all options: length");
	is_mem(buf, want, sizeof(want), "OACK of all options: bytes in order");
	is_int(tftp_build_oack(buf, sizeof(want), &p), sizeof(want),
	       "OACK fits a buffer of its exact size");
	is_int(tftp_build_oack(buf, sizeof(want) - 1, &p), 0,
	       "OACK one byte too small: 0");
	is_int(tftp_build_oack(buf, 1, &p), 0, "OACK into 1 byte: 0");

	p.oack = 0;
	is_int(tftp_build_oack(buf, sizeof(buf), &p), 2,
	       "OACK of no option is the opcode alone");
	p.oack = BIT(TFTP_OPT_TSIZE);
	p.tsize = UINT64_MAX;
	is_int(tftp_build_oack(buf, sizeof(buf), &p), sizeof(want_tsize),
	       "OACK tsize UINT64_MAX: length");
	is_mem(buf, want_tsize, sizeof(want_tsize),
	       "OACK tsize UINT64_MAX: 20 digits");

	p.oack = BIT(TFTP_OPT_TIMEOUT);
	p.timeout_us = 255000000;
	is_int(tftp_build_oack(buf, sizeof(buf), &p), 14,
	       "OACK timeout: length");
	is_mem(buf, "\0\6timeout\000255", 14, "OACK timeout in seconds");
}

static void test_build_small(void)
{
	static const uint8_t want_err[] = "\0\5\0\1File not found";
	uint8_t buf[64];

	memset(buf, 0xee, sizeof(buf));
	is_int(tftp_build_error(buf, sizeof(buf), TFTP_ENOTFOUND,
				"File not found"),
	       sizeof(want_err), "ERROR length");
	is_mem(buf, want_err, sizeof(want_err), "ERROR bytes");
	is_int(tftp_build_error(buf, sizeof(want_err), TFTP_ENOTFOUND,
				"File not found"),
	       sizeof(want_err), "ERROR fits its exact size");
	is_int(tftp_build_error(buf, sizeof(want_err) - 1, TFTP_ENOTFOUND,
				"File not found"),
	       0, "ERROR one byte too small: 0");
	is_int(tftp_build_error(buf, 4, TFTP_ENOTFOUND, ""), 0,
	       "ERROR without room for the NUL: 0");
	is_int(tftp_build_error(buf, 0, TFTP_ENOTFOUND, "x"), 0,
	       "ERROR into nothing: 0");
	is_int(tftp_build_error(buf, sizeof(buf), TFTP_EOPTNEG, NULL), 5,
	       "ERROR with a NULL message");
	is_mem(buf, "\0\5\0\10", 5, "NULL message sent as empty");

	is_int(tftp_build_ack(buf, sizeof(buf), 0x1234), 4, "ACK length");
	is_mem(buf, "\0\4\x12\x34", 4, "ACK bytes");
	is_int(tftp_build_ack(buf, 4, 0), 4, "ACK fits 4 bytes");
	is_int(tftp_build_ack(buf, 3, 0), 0, "ACK into 3 bytes: 0");
	is_int(tftp_build_data_hdr(buf, sizeof(buf), 0xffff), 4,
	       "DATA header length");
	is_mem(buf, "\0\3\xff\xff", 4, "DATA header bytes");
	is_int(tftp_build_data_hdr(buf, 3, 1), 0, "DATA header into 3: 0");
}

static void test_parse_replies(void)
{
	static const uint8_t ack[] = { 0, 4, 0xab, 0xcd, 0xee };
	static const uint8_t data[] = { 0, 3, 0, 7, 'h', 'i' };
	static const uint8_t err[] = "\0\5\0\2Access violation";
	uint16_t block = 0, code = 0;
	const uint8_t *payload = NULL;
	const char *msg = NULL;
	size_t plen = 0;

	for (size_t n = 0; n < 4; n++) {
		ok(tftp_parse_ack(ack, n, &block) == -1, "ACK of %zu bytes", n);
		ok(tftp_parse_data(data, n, &block, &payload, &plen) == -1,
		   "DATA of %zu bytes", n);
		ok(tftp_parse_error(err, n, &code, &msg) == -1,
		   "ERROR of %zu bytes", n);
	}
	ok(tftp_parse_ack(NULL, 0, &block) == -1, "ACK of NULL");

	is_int(tftp_parse_ack(ack, 4, &block), 0, "ACK of 4 bytes");
	is_int(block, 0xabcd, "ACK block");
	is_int(tftp_parse_ack(ack, 5, &block), 0, "ACK with a trailing byte");
	is_int(tftp_parse_ack(data, 4, &block), -1, "DATA is not an ACK");

	is_int(tftp_parse_data(data, 4, &block, &payload, &plen), 0,
	       "DATA of 4 bytes");
	ok(block == 7 && plen == 0, "empty DATA: block 7, no payload");
	is_int(tftp_parse_data(data, sizeof(data), &block, &payload, &plen), 0,
	       "DATA with a payload");
	ok(plen == 2 && payload == data + 4, "payload points past the header");
	is_int(tftp_parse_data(ack, 4, &block, &payload, &plen), -1,
	       "ACK is not DATA");

	is_int(tftp_parse_error(err, sizeof(err), &code, &msg), 0, "ERROR");
	is_int(code, 2, "ERROR code");
	is_str(msg, "Access violation", "ERROR message");
	is_int(tftp_parse_error(err, 4, &code, &msg), 0,
	       "ERROR without a message");
	is_str(msg, "", "missing message is empty");
	is_int(tftp_parse_error(err, sizeof(err) - 1, &code, &msg), 0,
	       "ERROR without its NUL");
	is_str(msg, "", "unterminated message is empty");
	is_int(tftp_parse_error(ack, 4, &code, &msg), -1,
	       "ACK is not an ERROR");

	is_int(tftp_opcode(data, 0), 0, "opcode of 0 bytes");
	is_int(tftp_opcode(data, 1), 0, "opcode of 1 byte");
	is_int(tftp_opcode((const uint8_t *)"\0\6", 2), 6, "opcode 6");
	is_int(tftp_opcode((const uint8_t *)"\1\2", 2), 0x0102,
	       "opcode big-endian");

	is_str(tftp_opt_name(TFTP_OPT_BLKSIZE), "blksize", "name of blksize");
	is_str(tftp_opt_name(TFTP_OPT_UTIMEOUT), "utimeout",
	       "name of utimeout");
	is_str(tftp_opt_name(TFTP_OPT_COUNT), "?", "name out of range");
}

int main(void)
{
	test_request_basic();
	test_request_options();
	test_request_bad_values();
	test_request_repeats();
	test_request_truncated();
	test_request_opcodes();
	test_request_huge();
	test_negotiate();
	test_negotiate_window_bytes();
	test_negotiate_only_asked();
	test_build_oack();
	test_build_small();
	test_parse_replies();
	return tap_done();
}
