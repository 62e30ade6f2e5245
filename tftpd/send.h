/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Sending a read transfer's DATA blocks: read from the file and handed to
 * the kernel in batches (sendmmsg), or with UDP segmentation offload as one
 * send the kernel cuts into datagrams.  I/O only; what to send is decided
 * by xfer.c.
 */
#ifndef TFTPD_SEND_H
#define TFTPD_SEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/*
 * A lock-step transfer's next blocks, read ahead: small blocks many to a
 * pread, so that those that follow go out without a system call of their
 * own; large ones one at a time.  Either way the next block is read as
 * soon as the last one is sent, while its ACK is on the way, and the ACK
 * is answered without a read.
 */
#define READAHEAD_LEN (16u << 10)

struct readahead {
	uint8_t *buf;             /* cap bytes, or NULL */
	size_t cap;               /* READAHEAD_LEN, or one block if larger */
	uint64_t off;             /* file offset of buf[0] */
	size_t len;               /* bytes held */
};

/* Where and how a transfer's blocks go. */
struct block_sender {
	int fd;                   /* the transfer's socket */
	const struct sockaddr *peer;
	socklen_t peerlen;
	int filefd;               /* the file read */
	uint64_t size;            /* its size when the transfer began */
	unsigned blksize;
	uint8_t *scratch;         /* a shared buffer... */
	size_t scratch_len;       /* ...of at least 64 blocks plus headers */
	bool *no_gso;             /* set once UDP_SEGMENT is refused */
	struct readahead *ra;     /* lock step: blocks read ahead, or NULL */
};

struct send_result {
	uint64_t count;           /* blocks handed to the kernel */
	bool blocked;             /* the socket buffer was full */
	int err;                  /* -EIO when the file could not be read */
};

/* Sends blocks first..last (block b holds bytes (b-1)*blksize on). */
struct send_result send_blocks(const struct block_sender *bs, uint64_t first,
			       uint64_t last);

/* Sends one datagram; a lost one is recovered by a timeout. */
void send_packet(int fd, const struct sockaddr *to, socklen_t tolen,
		 const uint8_t *buf, size_t len);

#endif
