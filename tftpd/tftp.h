/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TFTP on the wire: RFC 1350 packets, RFC 2347 option extension (OACK),
 * RFC 2348 blksize, RFC 2349 timeout and tsize, RFC 7440 windowsize, and
 * tftp-hpa's utimeout.  All multi-byte fields are big-endian.
 *
 *   RRQ/WRQ  | opcode 1/2 (2) | filename | 0 | mode | 0 | [opt | 0 | val | 0]...
 *   DATA     | opcode 3 (2)   | block (2) | 0..blksize bytes
 *   ACK      | opcode 4 (2)   | block (2)
 *   ERROR    | opcode 5 (2)   | code (2)  | message | 0
 *   OACK     | opcode 6 (2)   | [opt | 0 | val | 0]...
 *
 * Block numbers count from 1 and wrap from 65535 to 0, as pxelinux, iPXE
 * and U-Boot expect; a transfer may so exceed 4 GiB.
 */
#ifndef TFTPD_TFTP_H
#define TFTPD_TFTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum tftp_opcode {
	TFTP_RRQ = 1,
	TFTP_WRQ = 2,
	TFTP_DATA = 3,
	TFTP_ACK = 4,
	TFTP_ERROR = 5,
	TFTP_OACK = 6,
};

/* ERROR codes of RFC 1350, plus 8 from RFC 2347. */
enum tftp_errcode {
	TFTP_EUNDEF = 0,    /* not defined, see message */
	TFTP_ENOTFOUND = 1, /* file not found */
	TFTP_EACCESS = 2,   /* access violation */
	TFTP_ENOSPACE = 3,  /* disk full or allocation exceeded */
	TFTP_EBADOP = 4,    /* illegal TFTP operation */
	TFTP_EBADID = 5,    /* unknown transfer ID */
	TFTP_EEXISTS = 6,   /* file already exists */
	TFTP_ENOUSER = 7,   /* no such user */
	TFTP_EOPTNEG = 8,   /* option negotiation refused */
};

#define TFTP_HDR_LEN 4           /* opcode + block (or code) */
#define TFTP_DEFAULT_BLKSIZE 512
#define TFTP_BLKSIZE_MIN 8       /* RFC 2348 */
#define TFTP_BLKSIZE_MAX 65464   /* RFC 2348: fits an IPv4 UDP datagram */
#define TFTP_TIMEOUT_MIN 1       /* RFC 2349, seconds */
#define TFTP_TIMEOUT_MAX 255
#define TFTP_UTIMEOUT_MIN 10000  /* tftp-hpa, microseconds */
#define TFTP_UTIMEOUT_MAX 255000000
#define TFTP_WINDOW_MIN 1        /* RFC 7440 */
#define TFTP_WINDOW_MAX 65535
/* The largest packet a peer may send us: a DATA of the largest blksize. */
#define TFTP_PKT_MAX (TFTP_HDR_LEN + TFTP_BLKSIZE_MAX)

enum tftp_mode {
	TFTP_MODE_OCTET,
	TFTP_MODE_NETASCII,
};

/* Options a request may carry; bit i of tftp_req.asked is option i. */
enum tftp_opt {
	TFTP_OPT_BLKSIZE,
	TFTP_OPT_TIMEOUT,
	TFTP_OPT_TSIZE,
	TFTP_OPT_WINDOWSIZE,
	TFTP_OPT_UTIMEOUT,
	TFTP_OPT_COUNT,
};

/* A parsed RRQ/WRQ.  Strings point into the packet buffer. */
struct tftp_req {
	enum tftp_opcode op;      /* TFTP_RRQ or TFTP_WRQ */
	const char *filename;     /* NUL-terminated inside the packet */
	size_t filename_len;
	enum tftp_mode mode;
	unsigned asked;           /* options present with a valid value */
	uint64_t val[TFTP_OPT_COUNT];
};

/* What the server agreed to: echoed in the OACK when oack is not zero. */
struct tftp_params {
	unsigned oack;            /* options to echo (bits of enum tftp_opt) */
	unsigned blksize;
	unsigned windowsize;
	uint64_t timeout_us;      /* 0: server default */
	uint64_t tsize;
};

/* Server-side limits applied to what a client asks. */
struct tftp_limits {
	unsigned max_blksize;     /* -B */
	unsigned max_window;      /* -W */
	unsigned max_window_bytes; /* receive buffer a window may fill, 0: any */
	unsigned refused;         /* -r: options never negotiated (bits) */
};

/* Why a request was not accepted: an ERROR code and its message. */
struct tftp_reject {
	enum tftp_errcode code;
	const char *msg;
};

/*
 * Parses an RRQ/WRQ in (buf, len).  Returns 0, or -1 with *why saying which
 * ERROR to send.  Unknown options (msftwindow, ...) are skipped; options
 * with invalid values are left out of asked (a blksize below 8 among
 * them, while one above 65464 is kept for tftp_negotiate to answer with a
 * smaller size); a repeated option keeps its
 * first value; bytes after an empty option name are ignored.
 */
int tftp_parse_request(const uint8_t *buf, size_t len, struct tftp_req *req,
		       struct tftp_reject *why);

/*
 * What one DATA of blksize bytes costs a receiving Linux socket's buffer,
 * near enough: windows are sized so the whole window fits.
 */
unsigned tftp_block_charge(unsigned blksize);

/* The name of option o as it appears on the wire. */
const char *tftp_opt_name(enum tftp_opt o);

/*
 * Decides the transfer parameters for req under lim.  size is the file
 * size for an RRQ (ignored for WRQ).  Pure: no I/O.
 */
void tftp_negotiate(const struct tftp_req *req, const struct tftp_limits *lim,
		    uint64_t size, struct tftp_params *out);

/* Packet builders: return the length written, or 0 if buf is too small. */
size_t tftp_build_error(uint8_t *buf, size_t len, enum tftp_errcode code,
			const char *msg);
size_t tftp_build_oack(uint8_t *buf, size_t len, const struct tftp_params *p);
size_t tftp_build_ack(uint8_t *buf, size_t len, uint16_t block);
/* Writes only the 4-byte DATA header; the payload follows it. */
size_t tftp_build_data_hdr(uint8_t *buf, size_t len, uint16_t block);

/* The opcode of a packet, or 0 if shorter than 2 bytes. */
unsigned tftp_opcode(const uint8_t *buf, size_t len);
/* ACK: returns 0 and the block, or -1 if not a well-formed ACK. */
int tftp_parse_ack(const uint8_t *buf, size_t len, uint16_t *block);
/* DATA: returns 0, the block and the payload, or -1. */
int tftp_parse_data(const uint8_t *buf, size_t len, uint16_t *block,
		    const uint8_t **data, size_t *datalen);
/* ERROR: returns 0, the code and a NUL-terminated message (may be ""). */
int tftp_parse_error(const uint8_t *buf, size_t len, uint16_t *code,
		     const char **msg);

#endif
