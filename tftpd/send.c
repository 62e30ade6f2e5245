/* SPDX-License-Identifier: GPL-2.0-or-later */
/* DATA blocks out: sendmmsg batches or UDP segmentation offload. */
#include "send.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "log.h"
#include "tftp.h"

/* Datagrams handed to one sendmmsg call. */
#define BATCH 64

static uint64_t min64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

void send_packet(int fd, const struct sockaddr *to, socklen_t tolen,
		 const uint8_t *buf, size_t len)
{
	if (len > 0)
		(void)sendto(fd, buf, len, MSG_DONTWAIT, to, tolen);
}

static int pread_full(int fd, uint8_t *buf, size_t len, uint64_t off)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = pread(fd, buf + got, len - got, (off_t)(off + got));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1; /* error, or the file shrank under us */
		got += (size_t)n;
	}
	return 0;
}

/*
 * Where the want bytes at off are: in the read-ahead buffer, refilled
 * from off when it does not hold them all, or NULL on a read error.
 */
static const uint8_t *readahead_get(const struct block_sender *bs,
				    uint64_t off, size_t want)
{
	struct readahead *ra = bs->ra;
	size_t len;

	if (off >= ra->off && off + want <= ra->off + ra->len)
		return ra->buf + (off - ra->off);
	len = (size_t)min64(ra->cap, bs->size - off);
	ra->len = 0;
	if (len < want || pread_full(bs->filefd, ra->buf, len, off) < 0)
		return NULL;
	ra->off = off;
	ra->len = len;
	return ra->buf;
}

/* Sends n blocks from first as one sendmmsg; returns how many went. */
static int send_batch(const struct block_sender *bs, uint64_t first, size_t n)
{
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH][2];
	uint8_t hdr[BATCH][TFTP_HDR_LEN];
	unsigned b = bs->blksize;
	uint64_t off = (first - 1) * b;
	size_t want = (size_t)min64((uint64_t)n * b, bs->size - off);
	const uint8_t *data = bs->scratch;
	int r;

	if (bs->ra && bs->ra->buf && want <= bs->ra->cap)
		data = readahead_get(bs, off, want);
	else if (pread_full(bs->filefd, bs->scratch, want, off) < 0)
		data = NULL;
	if (data == NULL)
		return -EIO;
	memset(msgs, 0, sizeof(msgs[0]) * n);
	for (size_t i = 0; i < n; i++) {
		size_t at = i * b;

		tftp_build_data_hdr(hdr[i], TFTP_HDR_LEN, (uint16_t)(first + i));
		iov[i][0] = (struct iovec){ hdr[i], TFTP_HDR_LEN };
		iov[i][1] = (struct iovec){ (void *)(uintptr_t)(data + at),
					    at < want ? min64(b, want - at) : 0 };
		msgs[i].msg_hdr.msg_name = (void *)(uintptr_t)bs->peer;
		msgs[i].msg_hdr.msg_namelen = bs->peerlen;
		msgs[i].msg_hdr.msg_iov = iov[i];
		msgs[i].msg_hdr.msg_iovlen = 2;
	}
	r = sendmmsg(bs->fd, msgs, (unsigned)n, MSG_DONTWAIT);
	if (r < 0)
		return errno == EAGAIN ? 0 : -errno;
	return r;
}

/*
 * UDP segmentation offload: the blocks of a window laid out header, data,
 * header, data in one buffer, read with one preadv and handed to the
 * kernel as one send that it cuts into datagrams of one block each.
 */
#define GSO_MAX_BYTES 65000
#define GSO_MAX_SEGS 64

static size_t gso_blocks(const struct block_sender *bs, size_t n)
{
	size_t seg = TFTP_HDR_LEN + bs->blksize;
	size_t fit = GSO_MAX_BYTES / seg;

	fit = fit < GSO_MAX_SEGS ? fit : GSO_MAX_SEGS;
	return n < fit ? n : fit;
}

static int send_gso(const struct block_sender *bs, uint64_t first, size_t n)
{
	struct iovec riov[GSO_MAX_SEGS];
	size_t seg = TFTP_HDR_LEN + bs->blksize, want = 0;
	uint64_t off = (first - 1) * bs->blksize;
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(uint16_t))];
	} ctl;
	struct iovec iov;
	struct msghdr m = { .msg_name = (void *)(uintptr_t)bs->peer,
			    .msg_namelen = bs->peerlen,
			    .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = ctl.buf,
			    .msg_controllen = sizeof(ctl.buf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	uint16_t gso = (uint16_t)seg;

	for (size_t i = 0; i < n; i++) {
		size_t len = (size_t)min64(bs->blksize, bs->size - off - want);

		riov[i] = (struct iovec){ bs->scratch + i * seg + TFTP_HDR_LEN,
					  len };
		tftp_build_data_hdr(bs->scratch + i * seg, TFTP_HDR_LEN,
				    (uint16_t)(first + i));
		want += len;
	}
	if (want && preadv(bs->filefd, riov, (int)n, (off_t)off) !=
			    (ssize_t)want)
		return -EIO;
	iov = (struct iovec){ bs->scratch,
			      (n - 1) * seg + TFTP_HDR_LEN + riov[n - 1].iov_len };
	c->cmsg_level = SOL_UDP;
	c->cmsg_type = UDP_SEGMENT;
	c->cmsg_len = CMSG_LEN(sizeof(gso));
	memcpy(CMSG_DATA(c), &gso, sizeof(gso));
	if (sendmsg(bs->fd, &m, MSG_DONTWAIT) >= 0)
		return (int)n;
	return errno == EAGAIN ? 0 : -errno;
}

/* One GSO send, or a batch when GSO is off or refused. */
static int send_some(const struct block_sender *bs, uint64_t first, size_t *n)
{
	/* Fewer than two segments fit one GSO send at blksizes near the
	 * 64 KiB limit (none above 64996 bytes): plain datagrams then. */
	size_t segs = gso_blocks(bs, *n);
	int r;

	if (segs < 2 || *bs->no_gso)
		return send_batch(bs, first, *n);
	*n = segs;
	r = send_gso(bs, first, *n);
	/* Refused (old kernel, a device or path that cannot segment):
	 * plain datagrams from now on. */
	if (r < 0 && r != -EIO && r != -ENOBUFS) {
		log_notice("UDP segmentation offload refused; sending datagrams one by one");
		*bs->no_gso = true;
		r = send_batch(bs, first, *n);
	}
	return r;
}

/* Lock step: block next read now, unless held already or past the end;
 * a read that fails is tried again, and reported, when the block is sent. */
static void readahead_next(const struct block_sender *bs, uint64_t next)
{
	uint64_t off = (next - 1) * bs->blksize;

	if (off < bs->size)
		(void)readahead_get(bs, off,
				    (size_t)min64(bs->blksize, bs->size - off));
}

struct send_result send_blocks(const struct block_sender *bs, uint64_t first,
			       uint64_t last)
{
	struct send_result res = { 0 };
	size_t per = bs->scratch_len / (bs->blksize + TFTP_HDR_LEN);

	while (first + res.count <= last) {
		size_t n = (size_t)min64(min64(last - first - res.count + 1,
					       BATCH), per);
		int r = send_some(bs, first + res.count, &n);

		if (r == -EIO) {
			res.err = -EIO;
			return res;
		}
		if (r < 0) /* ENOBUFS and the like: as if lost on the wire */
			r = (int)n;
		res.count += (uint64_t)r;
		if ((size_t)r < n) {
			res.blocked = true;
			return res;
		}
	}
	if (bs->ra && bs->ra->buf)
		readahead_next(bs, last + 1);
	return res;
}
