/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The tftpd process: listening sockets, the epoll loop, requests turned
 * into transfers, signals.  Everything about a running transfer is in
 * xfer.c; who may read or write what is in access.c (over path.c and
 * remap.c); open files shared between transfers are in filecache.c.
 */
#include "server.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "access.h"
#include "counters.h"
#include "addr.h"
#include "atomic.h"
#include "daemon.h"
#include "log.h"
#include "metrics.h"
#include "opts.h"
#include "filecache.h"
#include "path.h"
#include "priv.h"
#include "remap.h"
#include "sandbox.h"
#include "send.h"
#include "timer.h"
#include "xfer.h"

#define MAX_LISTEN 2
#define SCRATCH_LEN (4u << 20)
/* epoll tags: listening socket i is i, signals MAX_LISTEN, the metrics
 * timer next, anything else is a transfer (no pointer is that small). */
#define TAG_SIGNAL MAX_LISTEN
#define TAG_TIMER (MAX_LISTEN + 1)

struct listener {
	int fd;
	int family;
};

struct server {
	const struct tftpd_conf *conf;
	int epfd, sigfd, rootfd, timerfd;
	char rootpath[PATH_MAX];
	struct listener ls[MAX_LISTEN];
	int nls;
	bool inetd;
	struct access_policy pol;
	struct remap *remap;
	int mapdirfd;
	char mapname[NAME_MAX + 1];
	struct timer_heap timers;
	struct transfer *transfers;
	unsigned ntransfers;
	struct file_cache files;
	struct xfer_cfg xcfg;
	uint8_t *scratch;         /* file blocks on their way out */
	bool no_gso;              /* UDP_SEGMENT refused once: plain sends */
	struct tftpd_counters count; /* logged on SIGUSR1, --metrics */
	int metricsdirfd;         /* --metrics: its directory, its name and */
	char metricsname[NAME_MAX + 1];  /* the temporary beside it, kept so */
	char metricstmp[NAME_MAX + 1];   /* a chroot does not lose them */
	bool metrics_failing;     /* the last write failed (logged once) */
	bool pidfile_written;     /* -P: removed on the way out */
	bool chrooted;
	uint64_t idle_since;
	uint8_t rbuf[TFTP_PKT_MAX + 1];
};

/* One transfer: its socket, its peer, what it reads or writes, and its
 * protocol state (xfer.c). */
struct transfer {
	struct timer_node timer;  /* first: the heap hands back this */
	struct transfer *next, *prev;
	int fd;
	bool watch_out;           /* EPOLLOUT is in the set */
	struct sockaddr_storage peer;
	socklen_t peerlen;
	char name[PATH_MAX];      /* relative path, for the log */
	struct shared_file *file; /* RRQ */
	struct readahead ra;      /* RRQ in lock step */
	uint64_t size;
	struct upload_target up;  /* WRQ */
	struct xfer x;
};

/* A request on its way to becoming a transfer. */
struct request {
	struct listener *ls;
	struct sockaddr_storage peer, local;
	socklen_t peerlen, locallen;
	struct tftp_req req;
	char peertxt[ADDR_STRLEN];
	char name[PATH_MAX];
};

/* ---- small helpers ---------------------------------------------------- */

static int set_int_opt(int fd, int level, int name, int value)
{
	return setsockopt(fd, level, name, &value, sizeof(value));
}

static const char *op_name(enum tftp_opcode op)
{
	return op == TFTP_WRQ ? "WRQ" : "RRQ";
}

/* Every ERROR packet goes out here, to be counted by its code. */
static void send_error(struct server *s, int fd, const void *to,
		       socklen_t tolen, enum tftp_errcode code, const char *msg)
{
	uint8_t pkt[256];

	tftpd_count_error_sent(&s->count, code);
	send_packet(fd, to, tolen, pkt,
		    tftp_build_error(pkt, sizeof(pkt), code, msg));
}

static void reply_error(struct server *s, const struct request *r,
			enum tftp_errcode code, const char *msg)
{
	send_error(s, r->ls->fd, &r->peer, r->peerlen, code, msg);
}

/* Refuses a request: ERROR to the peer, one log line. */
static void refuse(struct server *s, const struct request *r,
		   enum tftp_errcode code, const char *msg)
{
	char esc[LOG_ESCAPE_SIZE(64)];

	tftpd_count_refused(&s->count, r->req.op);
	reply_error(s, r, code, msg);
	log_info("%s %s %s refused: %s", r->peertxt, op_name(r->req.op),
		 log_escape(esc, sizeof(esc), r->req.filename,
			    r->req.filename_len < 64 ? r->req.filename_len : 64),
		 msg);
}

static void refuse_with(struct server *s, const struct request *r,
			struct tftp_reject why)
{
	refuse(s, r, why.code, why.msg);
}

/* ---- the epoll set ---------------------------------------------------- */

static int watch(struct server *s, int fd, uint64_t tag, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.u64 = tag };

	return epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

static int watch_transfer(struct server *s, struct transfer *t)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = t };

	return epoll_ctl(s->epfd, EPOLL_CTL_ADD, t->fd, &ev) < 0 ? -errno : 0;
}

/* Watches the socket for room while the machine says it is blocked. */
static void watch_room(struct server *s, struct transfer *t)
{
	struct epoll_event ev = {
		.events = EPOLLIN | (t->x.blocked ? EPOLLOUT : 0),
		.data.ptr = t,
	};

	if (t->x.blocked == t->watch_out)
		return;
	t->watch_out = t->x.blocked;
	(void)epoll_ctl(s->epfd, EPOLL_CTL_MOD, t->fd, &ev);
}

/* ---- transfers -------------------------------------------------------- */

static void transfer_log(const struct transfer *t)
{
	const struct xfer *x = &t->x;
	char peer[ADDR_STRLEN], esc[LOG_ESCAPE_SIZE(128)];
	uint64_t us = (x->ended_us ? x->ended_us : now_us()) - x->started_us;

	log_info("%s %s %s: %s, %llu bytes, blksize %u, window %u, "
		 "%llu retransmits, %llu.%03llu s",
		 addr_format((const struct sockaddr *)&t->peer, peer,
			     sizeof(peer)),
		 op_name(x->op),
		 log_escape(esc, sizeof(esc), t->name,
			    strnlen(t->name, 128)),
		 x->result ? x->result : "aborted",
		 (unsigned long long)x->bytes, x->p.blksize, x->p.windowsize,
		 (unsigned long long)x->retrans,
		 (unsigned long long)(us / 1000000),
		 (unsigned long long)(us / 1000 % 1000));
}

/* Everything a transfer holds, whether or not it ever started; an upload
 * that was not committed leaves no temporary behind. */
static void transfer_release(struct server *s, struct transfer *t)
{
	upload_close(&t->up);
	timer_cancel(&s->timers, &t->timer);
	free(t->ra.buf);
	if (t->fd >= 0)
		close(t->fd);
	file_put(&s->files, t->file);
	free(t);
}

static void transfer_free(struct server *s, struct transfer *t)
{
	transfer_log(t);
	tftpd_count_ended(&s->count, &t->x);
	if (t->prev)
		t->prev->next = t->next;
	else
		s->transfers = t->next;
	if (t->next)
		t->next->prev = t->prev;
	s->ntransfers--;
	if (s->ntransfers == 0)
		s->idle_since = now_us();
	transfer_release(s, t);
}

static void reap(struct server *s, struct transfer *t)
{
	if (t->x.state == XS_DONE)
		transfer_free(s, t);
}

static void send_to_peer(const struct transfer *t, const uint8_t *buf,
			 size_t len)
{
	send_packet(t->fd, (const struct sockaddr *)&t->peer, t->peerlen, buf,
		    len);
}

static void error_to_peer(struct server *s, const struct transfer *t,
			  enum tftp_errcode code, const char *msg)
{
	send_error(s, t->fd, &t->peer, t->peerlen, code, msg);
}

/* A netascii block: read at the machine's offset, encoded by it, sent. */
static struct send_result send_netascii(struct server *s, struct transfer *t)
{
	struct send_result res = { .count = 1 };
	struct xfer *x = &t->x;
	uint8_t *src = s->scratch + TFTP_HDR_LEN + x->p.blksize;
	uint64_t off = xfer_netascii_offset(x);
	size_t srclen = (size_t)(off < x->size ? x->size - off : 0), n;

	srclen = srclen < x->p.blksize ? srclen : x->p.blksize;
	if (srclen && pread(t->file->fd, src, srclen, (off_t)off) !=
			      (ssize_t)srclen) {
		res.err = -EIO;
		return res;
	}
	n = xfer_netascii_block(x, src, srclen, s->scratch + TFTP_HDR_LEN);
	tftp_build_data_hdr(s->scratch, TFTP_HDR_LEN, (uint16_t)x->base);
	send_to_peer(t, s->scratch, TFTP_HDR_LEN + n);
	return res;
}

static struct send_result send_data(struct server *s, struct transfer *t,
				    const struct xfer_action *a)
{
	struct block_sender bs = {
		.fd = t->fd,
		.peer = (const struct sockaddr *)&t->peer,
		.peerlen = t->peerlen,
		.filefd = t->file->fd,
		.size = t->x.size,
		.blksize = t->x.p.blksize,
		.scratch = s->scratch,
		.scratch_len = SCRATCH_LEN,
		.no_gso = &s->no_gso,
		.ra = &t->ra,
	};

	if (t->x.mode == TFTP_MODE_NETASCII)
		return send_netascii(s, t);
	return send_blocks(&bs, a->first, a->last);
}

/*
 * Performs one action of the transfer machine.  Returns true with *next
 * set when the action has a result the machine must hear.
 */
static bool perform(struct server *s, struct transfer *t,
		    const struct xfer_action *a, struct xfer_event *next)
{
	uint8_t pkt[512];
	struct send_result sr;

	switch (a->what) {
	case XA_NONE:
		return false;
	case XA_SEND_OACK:
		send_to_peer(t, pkt, tftp_build_oack(pkt, sizeof(pkt), &t->x.p));
		return false;
	case XA_SEND_ACK:
		send_to_peer(t, pkt, tftp_build_ack(pkt, sizeof(pkt), a->block));
		return false;
	case XA_SEND_ERROR:
		error_to_peer(s, t, a->code, a->msg);
		return false;
	case XA_SEND_DATA:
		sr = send_data(s, t, a);
		*next = (struct xfer_event){ .type = XE_SENT, .count = sr.count,
					     .blocked = sr.blocked,
					     .err = sr.err };
		return true;
	case XA_WRITE:
		*next = (struct xfer_event){ .type = XE_WRITTEN,
			.err = upload_write(&t->up, a->data, a->len, a->off) };
		return true;
	case XA_COMMIT:
		*next = (struct xfer_event){ .type = XE_COMMITTED,
			.err = upload_commit(&t->up, a->off) };
		return true;
	}
	return false;
}

/* Sets the transfer's deadline (lock step moves it on at every block). */
static int arm_timer(struct server *s, struct transfer *t, uint64_t when)
{
	return timer_defer(&s->timers, &t->timer, when);
}

/* Feeds ev to the machine and performs what it asks until it waits. */
static void transfer_event(struct server *s, struct transfer *t,
			   const struct xfer_event *ev)
{
	struct xfer_action a = xfer_step(&t->x, ev);
	struct xfer_event next;

	for (;;) {
		bool more = perform(s, t, &a, &next);

		if (a.arm && arm_timer(s, t, a.arm_at) < 0) {
			error_to_peer(s, t, TFTP_EUNDEF, "out of memory");
			xfer_finish(&t->x, now_us(), XEND_ERROR,
				    "out of memory");
			return;
		}
		if (!more)
			break;
		next.now = now_us();
		a = xfer_step(&t->x, &next);
	}
	watch_room(s, t);
}

static struct transfer *find_transfer(struct server *s,
				      const struct request *r)
{
	for (struct transfer *t = s->transfers; t; t = t->next)
		if (t->peerlen == r->peerlen &&
		    memcmp(&t->peer, &r->peer, r->peerlen) == 0)
			return t;
	return NULL;
}

/* A port from -R, or any port when no range was given. */
static int bind_transfer(const struct server *s, int fd,
			 struct sockaddr_storage *local, socklen_t len)
{
	unsigned lo = s->conf->port_lo, hi = s->conf->port_hi;
	unsigned span = lo ? hi - lo + 1 : 1;
	unsigned start = (unsigned)random() % span;

	for (unsigned i = 0; i < span; i++) {
		addr_set_port((struct sockaddr *)local,
			      lo ? (uint16_t)(lo + (start + i) % span) : 0);
		if (bind(fd, (struct sockaddr *)local, len) == 0)
			return 0;
		if (errno != EADDRINUSE)
			return -errno;
	}
	return -EADDRINUSE;
}

static int transfer_socket(const struct server *s, struct request *r,
			   const struct tftp_params *p)
{
	int fd = socket(r->local.ss_family,
			SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int rc;

	if (fd < 0)
		return -errno;
	rc = bind_transfer(s, fd, &r->local, r->locallen);
	if (rc < 0) {
		close(fd);
		return rc;
	}
	/* A whole window must fit in the socket buffer to go out at once. */
	if (p->windowsize > 1) {
		uint64_t want = (uint64_t)p->windowsize * (p->blksize + 64);

		want = want > (8u << 20) ? (8u << 20) : want;
		if (set_int_opt(fd, SOL_SOCKET, SO_SNDBUFFORCE, (int)want) < 0)
			(void)set_int_opt(fd, SOL_SOCKET, SO_SNDBUF, (int)want);
	}
	return fd;
}

/* ---- opening what a request names ------------------------------------- */

static int open_for_read(struct server *s, struct request *r,
			 struct transfer *t, struct tftp_reject *why)
{
	struct stat st;
	int fd = access_open_read(&s->pol, s->rootfd, r->name, t->name,
				  sizeof(t->name), &st, why);

	if (fd < 0)
		return fd;
	t->file = file_get(&s->files, fd, &st);
	if (t->file == NULL) {
		close(fd);
		*why = access_errno_reject(-ENOMEM);
		return -ENOMEM;
	}
	t->size = (uint64_t)st.st_size;
	return 0;
}

static int open_for_write(struct server *s, struct request *r,
			  struct transfer *t, struct tftp_reject *why)
{
	snprintf(t->name, sizeof(t->name), "%s", r->name);
	return upload_open(&s->pol, s->rootfd, r->name, &t->up, why);
}

/* ---- requests --------------------------------------------------------- */

static struct transfer *new_transfer(const struct request *r)
{
	struct transfer *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	timer_init_node(&t->timer);
	t->fd = -1;
	upload_target_init(&t->up);
	memcpy(&t->peer, &r->peer, r->peerlen);
	t->peerlen = r->peerlen;
	return t;
}

static void start_transfer(struct server *s, struct request *r,
			   struct transfer *t)
{
	char esc[LOG_ESCAPE_SIZE(128)];
	struct xfer_event ev = { .type = XE_START };
	struct tftp_params p;

	tftp_negotiate(&r->req, &s->conf->lim, t->size, &p);
	xfer_init(&t->x, &s->xcfg, r->req.op, r->req.mode, &p, t->size);
	/* Lock step: blocks read ahead (without the buffer, they are read
	 * one by one when sent). */
	if (r->req.op == TFTP_RRQ && r->req.mode == TFTP_MODE_OCTET &&
	    p.windowsize == 1) {
		t->ra.cap = p.blksize > READAHEAD_LEN ? p.blksize
						      : READAHEAD_LEN;
		t->ra.buf = malloc(t->ra.cap);
	}
	t->fd = transfer_socket(s, r, &p);
	if (t->fd < 0 || watch_transfer(s, t) < 0) {
		refuse(s, r, TFTP_EUNDEF, "no socket for the transfer");
		transfer_release(s, t);
		return;
	}
	t->next = s->transfers;
	if (s->transfers)
		s->transfers->prev = t;
	s->transfers = t;
	s->ntransfers++;
	log_debug("%s %s %s: blksize %u, window %u, size %llu", r->peertxt,
		  op_name(r->req.op),
		  log_escape(esc, sizeof(esc), t->name, strnlen(t->name, 128)),
		  p.blksize, p.windowsize, (unsigned long long)t->size);
	ev.now = now_us();
	transfer_event(s, t, &ev);
	reap(s, t);
}

static void open_request(struct server *s, struct request *r)
{
	struct transfer *t = new_transfer(r);
	struct tftp_reject why;
	int rc;

	if (t == NULL) {
		refuse(s, r, TFTP_EUNDEF, "out of memory");
		return;
	}
	rc = r->req.op == TFTP_RRQ ? open_for_read(s, r, t, &why)
				   : open_for_write(s, r, t, &why);
	if (rc < 0) {
		refuse_with(s, r, why);
		transfer_release(s, t);
		return;
	}
	start_transfer(s, r, t);
}

static void stray_packet(struct server *s, struct request *r, unsigned op,
			 size_t len)
{
	if (op == TFTP_ERROR) {
		/* never answer an error with an error */
		tftpd_count_error_received(&s->count, s->rbuf, len);
		return;
	}
	if (op == TFTP_ACK || op == TFTP_DATA || op == TFTP_OACK)
		reply_error(s, r, TFTP_EBADID, "no transfer in progress");
	else
		reply_error(s, r, TFTP_EBADOP, "illegal TFTP operation");
	log_debug("%s: stray packet, opcode %u", r->peertxt, op);
}

static void handle_request(struct server *s, struct request *r, size_t len)
{
	struct tftp_reject why;
	unsigned op = tftp_opcode(s->rbuf, len);

	addr_format((struct sockaddr *)&r->peer, r->peertxt,
		    sizeof(r->peertxt));
	if (len < 2)
		return;
	if (op != TFTP_RRQ && op != TFTP_WRQ) {
		stray_packet(s, r, op, len);
		return;
	}
	if (tftp_parse_request(s->rbuf, len, &r->req, &why) < 0) {
		reply_error(s, r, why.code, why.msg);
		log_debug("%s: malformed request: %s", r->peertxt, why.msg);
		return;
	}
	if (find_transfer(s, r))
		return; /* a repeated request: the transfer already answers */
	tftpd_count_request(&s->count, r->req.op);
	if (s->ntransfers >= s->conf->max_clients) {
		refuse(s, r, TFTP_EUNDEF, "server busy, try again later");
		return;
	}
	if (access_map_name(&s->pol, s->remap, &r->req,
			    (const struct sockaddr *)&r->peer, r->name,
			    sizeof(r->name), &why) < 0) {
		refuse_with(s, r, why);
		return;
	}
	open_request(s, r);
}

/* The local address a request came to, so the transfer answers from it. */
static void local_from_cmsg(struct msghdr *m, struct request *r)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;
			struct sockaddr_in *sin = (struct sockaddr_in *)&r->local;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			memset(sin, 0, sizeof(*sin));
			sin->sin_family = AF_INET;
			sin->sin_addr = pi.ipi_spec_dst;
			r->locallen = sizeof(*sin);
		} else if (c->cmsg_level == IPPROTO_IPV6 &&
			   c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;
			struct sockaddr_in6 *sin6 =
				(struct sockaddr_in6 *)&r->local;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			memset(sin6, 0, sizeof(*sin6));
			sin6->sin6_family = AF_INET6;
			sin6->sin6_addr = pi.ipi6_addr;
			if (IN6_IS_ADDR_LINKLOCAL(&pi.ipi6_addr))
				sin6->sin6_scope_id = pi.ipi6_ifindex;
			r->locallen = sizeof(*sin6);
		}
	}
}

static void listener_input(struct server *s, struct listener *ls)
{
	for (int i = 0; i < 64; i++) {
		struct request r = { .ls = ls };
		union {
			struct cmsghdr align;
			char buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) +
				 CMSG_SPACE(sizeof(struct in_pktinfo))];
		} ctl;
		struct iovec iov = { s->rbuf, sizeof(s->rbuf) };
		struct msghdr m = {
			.msg_name = &r.peer, .msg_namelen = sizeof(r.peer),
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
		};
		ssize_t n = recvmsg(ls->fd, &m, MSG_DONTWAIT);

		if (n < 0)
			return;
		r.peerlen = m.msg_namelen;
		/* Without PKTINFO, answer from the wildcard address. */
		r.local.ss_family = (sa_family_t)ls->family;
		r.locallen = ls->family == AF_INET6
				     ? sizeof(struct sockaddr_in6)
				     : sizeof(struct sockaddr_in);
		local_from_cmsg(&m, &r);
		handle_request(s, &r, (size_t)n);
		s->idle_since = now_us();
	}
}

static bool same_peer(const struct transfer *t,
		      const struct sockaddr_storage *from, socklen_t fromlen)
{
	return fromlen == t->peerlen && memcmp(from, &t->peer, fromlen) == 0;
}

/* A datagram on a transfer's socket from someone else: RFC 1350 says
 * answer ERROR 5 and leave the transfer alone. */
static void wrong_tid(struct server *s, const struct transfer *t,
		      unsigned op, const struct sockaddr_storage *from,
		      socklen_t fromlen)
{
	if (op != TFTP_ERROR)
		send_error(s, t->fd, from, fromlen, TFTP_EBADID,
			   "unknown transfer ID");
}

static void transfer_input(struct server *s, struct transfer *t,
			   uint32_t events)
{
	struct xfer_event ev = { .type = XE_WRITABLE, .scratch = s->scratch };

	if (events & EPOLLOUT) {
		ev.now = now_us();
		transfer_event(s, t, &ev);
		if (t->x.state == XS_DONE) {
			reap(s, t);
			return;
		}
	}
	/*
	 * A reader gets one ACK per window: read it and go, level-triggered
	 * epoll says if there is more.  An upload drains its window at once.
	 */
	int batch = t->x.op == TFTP_RRQ ? 1 : 64;

	for (int i = 0; i < batch && (events & EPOLLIN); i++) {
		struct sockaddr_storage from;
		socklen_t fromlen = sizeof(from);
		ssize_t n = recvfrom(t->fd, s->rbuf, sizeof(s->rbuf),
				     MSG_DONTWAIT, (struct sockaddr *)&from,
				     &fromlen);

		if (n < 0)
			break;
		tftpd_count_error_received(&s->count, s->rbuf, (size_t)n);
		if (!same_peer(t, &from, fromlen)) {
			wrong_tid(s, t, tftp_opcode(s->rbuf, (size_t)n), &from,
				  fromlen);
			continue;
		}
		ev.type = XE_PACKET;
		ev.now = now_us();
		ev.pkt = s->rbuf;
		ev.len = (size_t)n;
		transfer_event(s, t, &ev);
		if (t->x.state == XS_DONE)
			break;
	}
	reap(s, t);
}

/* ---- rules file --------------------------------------------------------- */

/* Loads or reloads -m, every problem logged as FILE:LINE; a broken file
 * leaves the rules in force as they were. */
static int load_rules(struct server *s)
{
	struct remap *rm = remap_load_printed(s->mapdirfd, s->mapname,
					      s->conf->mapfile, false, NULL);

	if (rm == NULL)
		return -1;
	remap_free(s->remap);
	s->remap = rm;
	return 0;
}

static int open_rules(struct server *s)
{
	/* Kept open so SIGHUP can reread it from inside a chroot. */
	s->mapdirfd = local_open_parent(s->conf->mapfile, s->mapname,
					sizeof(s->mapname));
	if (s->mapdirfd < 0) {
		log_err("%s: its directory: %s", s->conf->mapfile,
			strerror(-s->mapdirfd));
		return -1;
	}
	return load_rules(s);
}

/* ---- signals and the loop --------------------------------------------- */

static int setup_signals(struct server *s)
{
	s->sigfd = daemon_signalfd();
	if (s->sigfd < 0)
		return s->sigfd;
	return watch(s, s->sigfd, TAG_SIGNAL, EPOLLIN);
}

/* The counters with what running transfers have moved so far. */
static struct tftpd_counters snapshot(const struct server *s)
{
	struct tftpd_counters c = s->count;

	for (const struct transfer *t = s->transfers; t; t = t->next)
		tftpd_count_running(&c, &t->x);
	return c;
}

static void log_counters(const struct server *s)
{
	struct tftpd_counters c = snapshot(s);

	log_notice("counters: %llu requests, %llu refused, %llu transfers ok, "
		   "%llu failed, %u running, %llu bytes sent, %llu received, "
		   "%llu retransmits",
		   (unsigned long long)(c.requests[0] + c.requests[1]),
		   (unsigned long long)(c.refused[0] + c.refused[1]),
		   (unsigned long long)tftpd_count_ok(&c),
		   (unsigned long long)tftpd_count_failed(&c), s->ntransfers,
		   (unsigned long long)c.sent_bytes,
		   (unsigned long long)c.received_bytes,
		   (unsigned long long)c.retransmits);
}

/*
 * --metrics: the counters replace the file through a temporary beside it,
 * both named relative to the directory opened at start, so that this
 * works from inside a chroot.  Returns 0 or -errno.
 */
static int replace_metrics(const struct server *s, const struct metrics *m)
{
	int fd = openat(s->metricsdirfd, s->metricstmp,
			O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
			0644);
	int rc;

	if (fd < 0)
		return -errno;
	rc = fchmod(fd, 0644) < 0 ? -errno : write_all(fd, m->buf, m->len);
	if (rc == 0 && fsync(fd) < 0)
		rc = -errno;
	close(fd);
	if (rc == 0 && renameat(s->metricsdirfd, s->metricstmp,
				s->metricsdirfd, s->metricsname) < 0)
		rc = -errno;
	if (rc < 0)
		(void)unlinkat(s->metricsdirfd, s->metricstmp, 0);
	return rc;
}

/* Writes --metrics; a failure is logged once, until a write works again. */
static void write_metrics(struct server *s)
{
	struct tftpd_counters c;
	struct metrics m = { 0 };
	int rc;

	if (s->metricsdirfd < 0)
		return;
	c = snapshot(s);
	tftpd_count_metrics(&m, &c, s->ntransfers);
	rc = m.failed ? -ENOMEM : replace_metrics(s, &m);
	metrics_free(&m);
	if (rc < 0 && !s->metrics_failing)
		log_warn("%s: %s", s->conf->metrics, strerror(-rc));
	else if (rc == 0 && s->metrics_failing)
		log_notice("%s: written again", s->conf->metrics);
	s->metrics_failing = rc < 0;
}

/* HUP rereads -m, USR1 logs the counters and writes --metrics; returns
 * true to stop. */
static bool signal_input(struct server *s)
{
	struct signalfd_siginfo si;

	while (read(s->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGUSR1) {
			log_counters(s);
			write_metrics(s);
		} else if (si.ssi_signo == SIGHUP) {
			if (s->conf->mapfile && load_rules(s) == 0)
				log_notice("%s: rules reloaded",
					   s->conf->mapfile);
		} else {
			log_notice("signal %u, exiting", si.ssi_signo);
			return true;
		}
	}
	return false;
}

/* --metrics: a timer every --metrics-interval seconds, armed once. */
static int setup_timer(struct server *s)
{
	time_t secs = (time_t)s->conf->metrics_interval;
	struct itimerspec every = { .it_interval.tv_sec = secs,
				    .it_value.tv_sec = secs };

	if (s->metricsdirfd < 0)
		return 0;
	s->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (s->timerfd < 0 || timerfd_settime(s->timerfd, 0, &every, NULL) < 0)
		return -errno;
	return watch(s, s->timerfd, TAG_TIMER, EPOLLIN);
}

static void timer_input(struct server *s)
{
	uint64_t ticks;

	if (read(s->timerfd, &ticks, sizeof(ticks)) == (ssize_t)sizeof(ticks))
		write_metrics(s);
}

static int loop_timeout(const struct server *s)
{
	struct timer_node *t = timer_first(&s->timers);
	uint64_t now = now_us(), due = UINT64_MAX;

	if (t)
		due = t->when;
	if (s->inetd && s->ntransfers == 0) {
		uint64_t idle = s->idle_since +
				(uint64_t)s->conf->idle_timeout * 1000000;
		due = idle < due ? idle : due;
	}
	if (due == UINT64_MAX)
		return -1;
	return due <= now ? 0 : (int)((due - now + 999) / 1000);
}

static void run_timers(struct server *s)
{
	uint64_t now = now_us();
	struct timer_node *t;

	while ((t = timer_expired(&s->timers, now))) {
		struct transfer *tr = (struct transfer *)t;
		struct xfer_event ev = { .type = XE_TIMEOUT, .now = now };

		transfer_event(s, tr, &ev);
		reap(s, tr);
	}
}

static bool idle_expired(const struct server *s)
{
	return s->inetd && s->ntransfers == 0 &&
	       now_us() - s->idle_since >=
		       (uint64_t)s->conf->idle_timeout * 1000000;
}

static int serve(struct server *s)
{
	struct epoll_event evs[64];

	for (;;) {
		int n = epoll_wait(s->epfd, evs, 64, loop_timeout(s));

		if (n < 0 && errno != EINTR) {
			log_err("epoll_wait: %s", strerror(errno));
			return EXIT_FAIL;
		}
		for (int i = 0; i < n; i++) {
			uint64_t tag = evs[i].data.u64;

			if (tag == TAG_SIGNAL) {
				if (signal_input(s))
					return EXIT_OK;
			} else if (tag == TAG_TIMER) {
				timer_input(s);
			} else if (tag < MAX_LISTEN) {
				listener_input(s, &s->ls[tag]);
			} else {
				transfer_input(s, evs[i].data.ptr,
					       evs[i].events);
			}
		}
		run_timers(s);
		if (idle_expired(s))
			return EXIT_OK;
	}
}

/* ---- setting up ---------------------------------------------------------- */

static int prepare_listener(struct listener *l, int fd, int family)
{
	l->fd = fd;
	l->family = family;
	if (family == AF_INET6)
		return set_int_opt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1);
	return set_int_opt(fd, IPPROTO_IP, IP_PKTINFO, 1);
}

static int open_listener(struct server *s, const struct sockaddr_storage *ss,
			 socklen_t len, bool v6only)
{
	char txt[ADDR_STRLEN];
	int fd = socket(ss->ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			0);

	if (fd < 0)
		return -errno;
	(void)set_int_opt(fd, SOL_SOCKET, SO_REUSEADDR, 1);
	if (ss->ss_family == AF_INET6)
		(void)set_int_opt(fd, IPPROTO_IPV6, IPV6_V6ONLY, v6only);
	if (bind(fd, (const struct sockaddr *)ss, len) < 0 ||
	    prepare_listener(&s->ls[s->nls], fd, ss->ss_family) < 0) {
		int err = errno;

		log_err("bind %s: %s",
			addr_format((const struct sockaddr *)ss, txt, sizeof(txt)),
			strerror(err));
		close(fd);
		return -err;
	}
	s->nls++;
	return 0;
}

static int open_listeners(struct server *s)
{
	const struct tftpd_conf *c = s->conf;
	struct sockaddr_storage ss;
	socklen_t len;

	if (c->address || c->family != AF_UNSPEC) {
		if (addr_parse(c->address ? c->address : "", c->family, 69, &ss,
			       &len) < 0) {
			log_err("-a %s: not an address[:port]", c->address);
			return -EINVAL;
		}
		return open_listener(s, &ss, len, true);
	}
	addr_parse("", AF_INET, 69, &ss, &len);
	if (open_listener(s, &ss, len, true) < 0)
		return -1;
	addr_parse("", AF_INET6, 69, &ss, &len);
	if (open_listener(s, &ss, len, true) < 0)
		log_warn("IPv6 unavailable, serving IPv4 only");
	return 0;
}

/* inetd "dgram udp wait" hands over the bound socket as stdin. */
static bool adopt_inetd(struct server *s)
{
	int type = 0;
	socklen_t tlen = sizeof(type);
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockopt(0, SOL_SOCKET, SO_TYPE, &type, &tlen) < 0 ||
	    type != SOCK_DGRAM ||
	    getsockname(0, (struct sockaddr *)&ss, &len) < 0)
		return false;
	fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
	if (prepare_listener(&s->ls[0], 0, ss.ss_family) < 0)
		return false;
	s->nls = 1;
	return true;
}

static int open_root(struct server *s)
{
	const char *dir = s->conf->dir;

	if (realpath(dir, s->rootpath) == NULL) {
		log_err("%s: %s", dir, strerror(errno));
		return -1;
	}
	s->rootfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->rootfd < 0) {
		log_err("%s: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

/* --metrics: its directory, kept open for a chroot to come. */
static int open_metrics(struct server *s)
{
	const char *path = s->conf->metrics;
	int n;

	if (path == NULL)
		return 0;
	s->metricsdirfd = local_open_parent(path, s->metricsname,
					    sizeof(s->metricsname));
	if (s->metricsdirfd < 0) {
		log_err("%s: its directory: %s", path,
			strerror(-s->metricsdirfd));
		return -1;
	}
	n = snprintf(s->metricstmp, sizeof(s->metricstmp), ".%s.%ld",
		     s->metricsname, (long)getpid());
	if (n < 0 || (size_t)n >= sizeof(s->metricstmp)) {
		log_err("%s: name too long", path);
		return -1;
	}
	return 0;
}

static int go_background(struct server *s)
{
	const struct tftpd_conf *c = s->conf;

	if (s->inetd)
		log_open(log_ident(), LOG_TO_SYSLOG, LOG_DAEMON);
	if (daemon_setup(c->daemonize, c->pidfile, LOG_DAEMON) < 0)
		return -1;
	s->pidfile_written = c->pidfile != NULL;
	return 0;
}

static int drop_privileges(struct server *s)
{
	const char *why = "";
	bool chroot_it = s->conf->secure && geteuid() == 0;
	int rc = priv_drop(s->conf->user, chroot_it ? s->rootpath : NULL, &why);

	s->chrooted = chroot_it && rc == 0;
	if (rc < 0) {
		log_err("dropping privileges: %s: %s", why, strerror(-rc));
		return -1;
	}
	return 0;
}

/*
 * What the loop may do once set up, on top of what sandbox_enter allows
 * every daemon (exit, signals, time, memory, log lines).  Anything else
 * kills the process with a log line naming the call.
 */
static const struct sandbox_rule loop_rules[] = {
	/* the event loop; SIGHUP, SIGUSR1 and SIGTERM come from a signalfd */
	SANDBOX_ALLOW("epoll_wait"), SANDBOX_ALLOW("epoll_pwait"),
	SANDBOX_ALLOW("epoll_pwait2"), SANDBOX_ALLOW("epoll_ctl"),
	SANDBOX_ALLOW("read"),
	/* requests in, replies and DATA out (sendmmsg batches, UDP GSO) */
	SANDBOX_ALLOW("recvmsg"), SANDBOX_ALLOW("recvfrom"),
	SANDBOX_ALLOW("recvmmsg"), SANDBOX_ALLOW("sendmsg"),
	SANDBOX_ALLOW("sendmmsg"),
	/* a UDP socket of each transfer's own, of the request's family */
	SANDBOX_ALLOW_ARG0("socket", AF_INET),
	SANDBOX_ALLOW_ARG0("socket", AF_INET6),
	SANDBOX_ALLOW("bind"), SANDBOX_ALLOW("setsockopt"),
	/* names opened beneath the root (openat2), the case fallback's
	 * directory reads, and the -m rules reread on SIGHUP (openat) */
	SANDBOX_ALLOW("openat2"), SANDBOX_ALLOW("openat"),
	SANDBOX_ALLOW("fstat"), SANDBOX_ALLOW("newfstatat"),
	SANDBOX_ALLOW("fcntl"),
	SANDBOX_ALLOW("getdents64"),
	/* reads: blocks of shared open files */
	SANDBOX_ALLOW("pread64"), SANDBOX_ALLOW("preadv"),
	/* uploads: may we rename here, the temporary written, flushed and
	 * renamed over the target, or removed; in place, the tail cut */
	SANDBOX_ALLOW("geteuid"), SANDBOX_ALLOW("faccessat"),
	SANDBOX_ALLOW("faccessat2"), SANDBOX_ALLOW("fchmod"),
	SANDBOX_ALLOW("pwrite64"), SANDBOX_ALLOW("fsync"),
	SANDBOX_ALLOW("ftruncate"),
	SANDBOX_ALLOW("renameat"), SANDBOX_ALLOW("renameat2"),
	SANDBOX_ALLOW("unlinkat"),
	/* --metrics, on its timerfd (read) and SIGUSR1, takes only calls
	 * above: a temporary opened beside the file (openat), fchmod, write,
	 * fsync, renameat, or unlinkat on failure, all relative to its
	 * directory opened before any chroot.  SIGTERM and SIGINT remove
	 * the pid file on the way out. */
	SANDBOX_ALLOW("unlink"),
};

static int enter_sandbox(void)
{
	const char *why = "";
	int rc = sandbox_enter(loop_rules,
			       sizeof(loop_rules) / sizeof(loop_rules[0]), &why);

	if (rc < 0)
		log_err("sandbox: %s: %s", why, strerror(-rc));
	return rc < 0 ? -1 : 0;
}

static int setup(struct server *s)
{
	const struct tftpd_conf *c = s->conf;

	/* Blocked from the start: a signal before the signalfd exists waits
	 * for it instead of killing a server half set up. */
	daemon_block_signals();
	srandom((unsigned)(now_us() ^ (uint64_t)getpid()));
	s->inetd = !c->standalone && adopt_inetd(s);
	if (!s->inetd && open_listeners(s) < 0)
		return -1;
	if (open_root(s) < 0 || (c->mapfile && open_rules(s) < 0))
		return -1;
	/* Fork first: a signalfd polled before a fork wakes only the parent. */
	if (go_background(s) < 0 || open_metrics(s) < 0)
		return -1;
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (s->epfd < 0 || setup_signals(s) < 0 || setup_timer(s) < 0)
		return -1;
	for (int i = 0; i < s->nls; i++)
		if (watch(s, s->ls[i].fd, (uint64_t)i, EPOLLIN) < 0)
			return -1;
	sandbox_prepare();	/* before a chroot hides /dev/log */
	if (drop_privileges(s) < 0)
		return -1;
	s->scratch = malloc(SCRATCH_LEN);
	if (s->scratch == NULL)
		return -1;
	/* syslog(3) stamps lines with local time: read the zone file now,
	 * not from inside the sandbox on the first line logged. */
	tzset();
	return c->no_sandbox ? 0 : enter_sandbox();
}

static void stop_transfers(struct server *s)
{
	while (s->transfers) {
		xfer_finish(&s->transfers->x, now_us(), XEND_ABORTED,
			    "server stopping");
		transfer_free(s, s->transfers);
	}
}

/*
 * The pid file goes when the daemon does.  It was written as root; the
 * user the daemon became may not write its directory (/run), which is
 * said at debug level only, as is a pid file left outside a chroot.
 */
static void remove_pidfile(const struct server *s)
{
	if (!s->pidfile_written)
		return;
	if (s->chrooted)
		log_debug("%s: not removed: outside the chroot",
			  s->conf->pidfile);
	else
		pidfile_remove(s->conf->pidfile);
}

static void teardown(struct server *s)
{
	stop_transfers(s);
	remove_pidfile(s);
	timer_heap_free(&s->timers);
	remap_free(s->remap);
	free(s->scratch);
}

int tftpd_serve(const struct tftpd_conf *conf)
{
	struct server *s = calloc(1, sizeof(*s));
	int rc = EXIT_FAIL;

	if (s == NULL)
		return EXIT_FAIL;
	s->conf = conf;
	s->pol = (struct access_policy){
		.rootpath = s->rootpath,
		.create = conf->create,
		.permissive = conf->permissive,
		.nocase = conf->nocase,
		.in_place = conf->in_place,
		.dotfiles = conf->dotfiles,
		.umask = conf->umask,
	};
	s->epfd = s->sigfd = s->rootfd = s->mapdirfd = -1;
	s->timerfd = s->metricsdirfd = -1;
	s->xcfg = (struct xfer_cfg){
		.base_timeout_us = conf->retransmit_us,
		.max_retries = conf->max_retries,
	};
	log_set_level(conf->verbose ? LOG_DEBUG : LOG_INFO);
	if (setup(s) == 0) {
		s->idle_since = now_us();
		log_notice("serving %s%s", s->rootpath,
			   s->inetd ? " (inetd)" : "");
		write_metrics(s);
		rc = serve(s);
		stop_transfers(s);
		log_counters(s);
		write_metrics(s);
	}
	teardown(s);
	free(s);
	return rc;
}
