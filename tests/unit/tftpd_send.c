/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DATA blocks out of a file, over loopback UDP: one datagram per block
 * with the right block numbers and bytes, in batches and with UDP
 * segmentation offload, with and without the lock-step read-ahead; a
 * file cut short under a transfer is a read error.  The open-file cache
 * shares one entry per file.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../tftpd/filecache.h"
#include "../../tftpd/send.h"
#include "tap.h"

#define BLK 1000
#define FILE_LEN (5 * BLK + 123)        /* six blocks, the last short */

static char path[] = "/var/tmp/tftpd-send-XXXXXX";
static uint8_t content[FILE_LEN];
static uint8_t scratch[64 * (BLK + 4)];
static int rx = -1, tx = -1;
static struct sockaddr_in to;

static int make_file(void)
{
	int fd = mkstemp(path);

	for (size_t i = 0; i < sizeof(content); i++)
		content[i] = (uint8_t)(i * 7 + i / 251);
	if (fd < 0 || write(fd, content, sizeof(content)) !=
			      (ssize_t)sizeof(content))
		return -1;
	return close(fd);
}

static int make_sockets(void)
{
	socklen_t len = sizeof(to);

	to.sin_family = AF_INET;
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	rx = socket(AF_INET, SOCK_DGRAM, 0);
	tx = socket(AF_INET, SOCK_DGRAM, 0);
	if (rx < 0 || tx < 0 ||
	    bind(rx, (struct sockaddr *)&to, sizeof(to)) < 0 ||
	    getsockname(rx, (struct sockaddr *)&to, &len) < 0)
		return -1;
	return 0;
}

/* Receives blocks first..last and checks each against the file. */
static int received(uint64_t first, uint64_t last)
{
	uint8_t buf[BLK + 4];

	for (uint64_t b = first; b <= last; b++) {
		size_t off = (size_t)(b - 1) * BLK;
		size_t want = FILE_LEN - off < BLK ? FILE_LEN - off : BLK;
		ssize_t n = recv(rx, buf, sizeof(buf), MSG_DONTWAIT);

		if (n != (ssize_t)(want + 4) || buf[0] != 0 || buf[1] != 3 ||
		    (buf[2] << 8 | buf[3]) != (int)b ||
		    memcmp(buf + 4, content + off, want) != 0)
			return 0;
	}
	return recv(rx, buf, sizeof(buf), MSG_DONTWAIT) < 0;
}

static struct block_sender sender(const struct shared_file *f, bool *no_gso)
{
	return (struct block_sender){
		.fd = tx, .peer = (const struct sockaddr *)&to,
		.peerlen = sizeof(to), .filefd = f->fd, .size = FILE_LEN,
		.blksize = BLK, .scratch = scratch,
		.scratch_len = sizeof(scratch), .no_gso = no_gso,
	};
}

static struct shared_file *open_file(struct file_cache *c, const char *p)
{
	struct stat st;
	int fd = open(p, O_RDONLY);

	if (fd < 0 || fstat(fd, &st) < 0)
		return NULL;
	return file_get(c, fd, &st);
}

static void test_sends(void)
{
	struct file_cache c = { NULL };
	struct shared_file *f = open_file(&c, path), *g;
	bool no_gso = false;
	struct block_sender bs;
	struct send_result r;
	struct readahead ra = { NULL, READAHEAD_LEN, 0, 0 };

	if (f == NULL) {
		ok(0, "open %s", path);
		return;
	}
	g = open_file(&c, path);
	ok(g == f && f->refs == 2, "a second open shares the entry");
	file_put(&c, g);

	bs = sender(f, &no_gso);
	r = send_blocks(&bs, 1, 1);
	ok(r.count == 1 && r.err == 0 && received(1, 1), "one block");
	r = send_blocks(&bs, 2, 6);
	ok(r.count == 5 && r.err == 0 && received(2, 6),
	   "a window as one GSO send, the last block short");
	no_gso = true;
	r = send_blocks(&bs, 2, 6);
	ok(r.count == 5 && r.err == 0 && received(2, 6),
	   "the same window as a batch of datagrams");
	no_gso = false;
	bs.ra = &ra;
	ra.buf = malloc(READAHEAD_LEN);
	for (uint64_t b = 1; b <= 6; b++)
		r = send_blocks(&bs, b, b);
	ok(ra.buf && r.count == 1 && r.err == 0 && received(1, 6),
	   "lock step from the read-ahead buffer");
	ok(ra.off == 0 && ra.len == FILE_LEN, "one read held the whole file");

	/* A buffer of one block: each block is read as the one before goes. */
	ra.cap = BLK;
	ra.len = 0;
	r = send_blocks(&bs, 1, 1);
	ok(r.count == 1 && received(1, 1) && ra.off == BLK && ra.len == BLK,
	   "one-block buffer: block 2 read once block 1 is sent");
	r = send_blocks(&bs, 2, 2);
	ok(r.count == 1 && received(2, 2) && ra.off == 2 * BLK,
	   "... block 2 sent from it, block 3 read");
	r = send_blocks(&bs, 1, 1);
	ok(r.count == 1 && received(1, 1) && ra.off == BLK,
	   "a block sent again is read again");
	for (uint64_t b = 2; b <= 6; b++)
		r = send_blocks(&bs, b, b);
	ok(r.count == 1 && received(2, 6) && ra.off == 5 * BLK &&
	   ra.len == FILE_LEN - 5 * BLK,
	   "the last block: nothing read past the end");
	ra.cap = READAHEAD_LEN;

	bs = sender(f, &no_gso);
	if (truncate(path, 0) < 0) {
		ok(0, "truncate");
	} else {
		r = send_blocks(&bs, 5, 6);
		is_int(r.err, -EIO, "the file cut short: a read error (window)");
		r = send_blocks(&bs, 6, 6);
		is_int(r.err, -EIO, "the file cut short: a read error (one)");
		bs.ra = &ra;
		ra.len = 0;
		r = send_blocks(&bs, 6, 6);
		is_int(r.err, -EIO, "... and through the read-ahead buffer");
		while (recv(rx, scratch, sizeof(scratch), MSG_DONTWAIT) > 0)
			;
	}
	free(ra.buf);
	file_put(&c, f);
	ok(c.head == NULL, "the last put drops the entry");
}

int main(void)
{
	if (make_file() < 0 || make_sockets() < 0) {
		ok(0, "cannot set up (%s)", strerror(errno));
		return tap_done();
	}
	test_sends();
	unlink(path);
	return tap_done();
}
