/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The I/O side: sockets on 67 and 4011 (or a capture on 67 with
 * --no-bind), the reply queue for --reply-delay, table reloads on signals.
 * Every decision is pxe_decide()'s.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libnet.h>
#include <netdb.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pwd.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "counters.h"
#include "daemon.h"
#include "dhcp.h"
#include "file.h"
#include "frame.h"
#include "hostcache.h"
#include "iface.h"
#include "log.h"
#include "mac.h"
#include "metrics.h"
#include "opts.h"
#include "policy.h"
#include "priv.h"
#include "sandbox.h"
#include "server.h"

/* Most replies waiting out --reply-delay; more are dropped. */
#define QUEUE_MAX 8192
/* Datagrams taken from a socket in one system call, replies sent in one. */
#define BATCH 32
/* Frames taken from the capture in one turn of the loop. */
#define CAPTURE_BATCH 64
/* Bytes kept of each captured frame: a whole Ethernet frame and more. */
#define CAPTURE_SNAPLEN 2048
/* Time to live of the IPv4 header of a broadcast reply frame. */
#define FRAME_TTL 64

enum tag { TAG_SIGNAL, TAG_DHCP, TAG_BINL, TAG_PCAP, TAG_TIMER, TAG_METRICS };

/* How a reply leaves. */
enum route { ROUTE_DHCP, ROUTE_BINL, ROUTE_FRAME };

struct pending {
	struct pending *next;
	uint64_t due_ns;
	enum route route;
	struct sockaddr_in dst;
	size_t len;
	uint8_t buf[];
};

/* One pass over a socket: the datagrams in, the replies out. */
struct batch {
	struct mmsghdr in[BATCH];
	struct iovec in_iov[BATCH];
	struct sockaddr_in src[BATCH];
	uint8_t in_buf[BATCH][DHCP_REQ_MAX + 1];
	struct mmsghdr out[BATCH];
	struct iovec out_iov[BATCH];
	struct sockaddr_in dst[BATCH];
	uint8_t out_buf[BATCH][DHCP_REPLY_MAX];
	unsigned nout;
};

struct server {
	const struct proxydhcp_conf *conf;
	struct pxe_config pcfg;
	struct table *table;
	struct xcat_cfg *xcat;
	uint32_t self;               /* network order */
	uint8_t mac[6];
	int epfd, sigfd, dhcp_fd, binl_fd, timer_fd;
	int metrics_fd;              /* --metrics-interval timer */
	bool metrics_failing;        /* the last --metrics write failed (logged once) */
	bool pidfile_written;
	struct pxe_counters cnt;
	pcap_t *pcap;
	libnet_t *ln;
	struct pending *head, *tail;
	unsigned queued;
	struct hostcache hosts;
	struct batch batch;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- the table and the xCAT file ---------------------------------------- */

typedef void *parse_fn(const char *buf, size_t len, const char *name,
		       struct pxe_report *rep);

static void *parse_table(const char *buf, size_t len, const char *name,
			 struct pxe_report *rep)
{
	return table_parse_all(buf, len, name, rep);
}

static void *parse_xcat(const char *buf, size_t len, const char *name,
			struct pxe_report *rep)
{
	return xcat_parse_all((const uint8_t *)buf, len, name, rep);
}

/* Reads path and parses it; NULL, every problem told to rep, if it cannot be used. */
static void *read_parsed(const char *path, size_t max, parse_fn *parse,
			 struct pxe_report *rep)
{
	char *buf = NULL;
	size_t len = 0;
	int rc = file_read(AT_FDCWD, path, max, &buf, &len);
	void *v;

	if (rc < 0) {
		pxe_report(rep, "%s: %s", path, strerror(-rc));
		return NULL;
	}
	v = parse(buf, len, path, rep);
	free(buf);
	return v;
}

static void log_problem(void *arg, const char *msg)
{
	(void)arg;
	log_err("%s", msg);
}

/* A file with any problem is not used: what is in force stays as it was. */
static int refused(const char *path, const struct pxe_report *rep)
{
	log_err("%s: %u problem%s, not loaded", path, rep->n,
		rep->n == 1 ? "" : "s");
	return -1;
}

static int load_table(struct server *s)
{
	struct pxe_report rep = { log_problem, NULL, 0 };
	const char *path = s->conf->table;
	struct table *t = read_parsed(path, TABLE_FILE_MAX, parse_table, &rep);

	if (t == NULL)
		return refused(path, &rep);
	table_free(s->table);
	s->table = t;
	s->pcfg.table = t;
	log_notice("%s: %zu rules loaded", path, t->n);
	return 0;
}

static int load_xcat(struct server *s)
{
	struct pxe_report rep = { log_problem, NULL, 0 };
	const char *path = s->conf->xcat;
	struct xcat_cfg *x = read_parsed(path, XCAT_FILE_MAX, parse_xcat, &rep);

	if (x == NULL)
		return refused(path, &rep);
	xcat_free(s->xcat);
	s->xcat = x;
	s->pcfg.xcat = x;
	log_notice("%s: %zu nodes loaded", path, x->n);
	return 0;
}

/* ---- sending ------------------------------------------------------------ */

static int send_frame(struct server *s, const uint8_t *buf, size_t len)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	libnet_clear_packet(s->ln);
	if (libnet_build_udp(DHCP_SERVER_PORT, DHCP_CLIENT_PORT,
			     (uint16_t)(LIBNET_UDP_H + len), 0, buf,
			     (uint32_t)len, s->ln, 0) < 0 ||
	    libnet_build_ipv4((uint16_t)(LIBNET_IPV4_H + LIBNET_UDP_H + len),
			      0, (uint16_t)random(), 0, FRAME_TTL, IPPROTO_UDP, 0,
			      s->self, 0xffffffffu, NULL, 0, s->ln, 0) < 0 ||
	    libnet_build_ethernet(bcast, s->mac, ETHERTYPE_IP, NULL, 0, s->ln,
				  0) < 0 ||
	    libnet_write(s->ln) < 0) {
		log_warn("sending a frame: %s", libnet_geterror(s->ln));
		return -1;
	}
	return 0;
}

static void transmit(struct server *s, enum route route,
		     const struct sockaddr_in *dst, const uint8_t *buf,
		     size_t len)
{
	int fd = route == ROUTE_BINL ? s->binl_fd : s->dhcp_fd;
	char txt[INET_ADDRSTRLEN];

	if (route == ROUTE_FRAME) {
		send_frame(s, buf, len);
		return;
	}
	if (sendto(fd, buf, len, 0, (const struct sockaddr *)dst,
		   sizeof(*dst)) < 0)
		log_warn("%s:%u: sendto: %s",
			 inet_ntop(AF_INET, &dst->sin_addr, txt, sizeof(txt)),
			 ntohs(dst->sin_port), strerror(errno));
}

static void arm_timer(struct server *s)
{
	struct itimerspec its = { { 0, 0 }, { 0, 0 } };

	if (s->head) {
		its.it_value.tv_sec = (time_t)(s->head->due_ns / 1000000000u);
		its.it_value.tv_nsec = (long)(s->head->due_ns % 1000000000u);
	}
	timerfd_settime(s->timer_fd, TFD_TIMER_ABSTIME, &its, NULL);
}

/*
 * Every reply waits the same delay, so the queue stays in due order.
 * Returns 0, or -1 when the reply is dropped.
 */
static int enqueue(struct server *s, enum route route,
		   const struct sockaddr_in *dst, const uint8_t *buf,
		   size_t len)
{
	struct pending *p;

	if (s->queued >= QUEUE_MAX || (p = malloc(sizeof(*p) + len)) == NULL) {
		log_warn("reply queue full, reply dropped");
		return -1;
	}
	p->next = NULL;
	p->due_ns = now_ns() + (uint64_t)s->conf->reply_delay_ms * 1000000u;
	p->route = route;
	p->dst = *dst;
	p->len = len;
	memcpy(p->buf, buf, len);
	if (s->tail)
		s->tail->next = p;
	else
		s->head = p;
	s->tail = p;
	if (s->queued++ == 0)
		arm_timer(s);
	return 0;
}

static void timer_input(struct server *s)
{
	uint64_t ticks, now = now_ns();

	if (read(s->timer_fd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
		log_warn("timerfd: %s", strerror(errno));
	while (s->head && s->head->due_ns <= now) {
		struct pending *p = s->head;

		s->head = p->next;
		if (s->head == NULL)
			s->tail = NULL;
		s->queued--;
		transmit(s, p->route, &p->dst, p->buf, p->len);
		free(p);
	}
	arm_timer(s);
}

/* ---- requests ----------------------------------------------------------- */

/* Where the reply to a request goes (RFC 2131 4.1, PXE 2.1). */
static enum route reply_route(const struct server *s,
			      const struct dhcp_req *req, enum pxe_port port,
			      const struct sockaddr_in *src,
			      struct sockaddr_in *dst)
{
	memset(dst, 0, sizeof(*dst));
	dst->sin_family = AF_INET;
	if (port == PXE_PORT_BINL) {
		*dst = *src;
		/* A client that sent from no address hears only a broadcast. */
		if (src->sin_addr.s_addr == INADDR_ANY)
			dst->sin_addr.s_addr = INADDR_BROADCAST;
		return ROUTE_BINL;
	}
	if (req->giaddr || req->ciaddr) {
		dst->sin_addr.s_addr = req->giaddr ? req->giaddr : req->ciaddr;
		dst->sin_port = htons(req->giaddr ? DHCP_SERVER_PORT
						  : DHCP_CLIENT_PORT);
		/* Without port 67, unicast leaves from the 4011 socket. */
		return s->conf->no_bind ? ROUTE_BINL : ROUTE_DHCP;
	}
	dst->sin_addr.s_addr = INADDR_BROADCAST;
	dst->sin_port = htons(DHCP_CLIENT_PORT);
	return s->conf->no_bind ? ROUTE_FRAME : ROUTE_DHCP;
}

/* The client's name, from the cache or the resolver. */
static void lookup_host(struct server *s, uint32_t ip, char *host, size_t len)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	uint64_t now = now_ns() / 1000000000u;
	const char *known = hostcache_get(&s->hosts, ip, now);

	if (known) {
		snprintf(host, len, "%s", known);
		return;
	}
	sin.sin_addr.s_addr = ip;
	if (getnameinfo((const struct sockaddr *)&sin, sizeof(sin), host,
			(socklen_t)len, NULL, 0, NI_NAMEREQD) != 0)
		host[0] = '\0';
	hostcache_put(&s->hosts, ip, host, now);
}

static void log_reply(const struct dhcp_req *req, const struct pxe_answer *a,
		      const char *host)
{
	char mac[MAC_STRLEN], file[LOG_ESCAPE_SIZE(64)], srv[INET_ADDRSTRLEN];
	char name[LOG_ESCAPE_SIZE(64)];
	struct in_addr si = { a->rep.siaddr };
	const char *what = a->deferred ? "(ask on 4011)" : "(menu)";
	const char *h = host[0] ? host : "-";

	if (a->rep.file)
		what = log_escape(file, sizeof(file), a->rep.file,
				  strlen(a->rep.file));
	log_escape(name, sizeof(name), h, strlen(h));
	log_info("%s: host=%s arch=%s(%u) ipxe=%s%s: %s file=%s siaddr=%s%s%s%s",
		 mac_format(req->chaddr, MAC_FMT_COLON, mac), name,
		 pxe_arch_name(a->arch), a->arch_type,
		 a->ipxe ? "yes" : "no", a->http ? " http" : "",
		 a->rep.msgtype == DHCP_OFFER ? "OFFER" : "ACK", what,
		 inet_ntop(AF_INET, &si, srv, sizeof(srv)),
		 a->rep.bcd ? " bcd" : "", a->rep.vendor ? " option-43" : "",
		 a->rule_line ? " by the table" : "");
}

/* Queues a reply for the batch's single sendmmsg. */
static void batch_add(struct batch *b, const struct sockaddr_in *dst,
		      const uint8_t *buf, size_t len)
{
	unsigned i = b->nout++;

	memcpy(b->out_buf[i], buf, len);
	b->dst[i] = *dst;
	b->out_iov[i] = (struct iovec){ b->out_buf[i], len };
	b->out[i].msg_hdr = (struct msghdr){
		.msg_name = &b->dst[i], .msg_namelen = sizeof(b->dst[i]),
		.msg_iov = &b->out_iov[i], .msg_iovlen = 1,
	};
}

static void batch_flush(struct batch *b, int fd)
{
	unsigned done = 0;

	while (done < b->nout) {
		int n = sendmmsg(fd, b->out + done, b->nout - done, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			log_warn("sendmmsg: %s", strerror(errno));
			n = 1;  /* skip the one that failed */
		}
		done += (unsigned)n;
	}
	b->nout = 0;
}

/* A request the policy leaves alone, logged at debug level. */
static void ignored(struct server *s, const struct dhcp_req *req,
		    const struct pxe_answer *ans, enum pxe_port port,
		    const char *from)
{
	char mac[MAC_STRLEN];

	pxe_count_request(&s->cnt, ans->not_pxe ? PXE_NOT_PXE : PXE_IGNORED);
	log_debug("%s: %s port %d: ignored: %s",
		  mac_format(req->chaddr, MAC_FMT_COLON, mac), from,
		  port == PXE_PORT_BINL ? PXE_BINL_PORT : DHCP_SERVER_PORT,
		  ans->reason);
}

/* Answers one request; the reply joins b when given, else leaves now. */
static void handle(struct server *s, const uint8_t *buf, size_t len,
		   enum pxe_port port, const struct sockaddr_in *src,
		   struct batch *b)
{
	struct dhcp_req req;
	struct pxe_query q = { &req, port, false, 0, NULL };
	struct pxe_answer ans;
	struct sockaddr_in dst;
	uint8_t out[DHCP_REPLY_MAX];
	char from[INET_ADDRSTRLEN], host[NI_MAXHOST] = "";
	const char *why = "";
	enum route route;
	size_t n;

	inet_ntop(AF_INET, &src->sin_addr, from, sizeof(from));
	if (dhcp_parse(buf, len, &req, &why) < 0) {
		pxe_count_request(&s->cnt, PXE_MALFORMED);
		log_debug("%s:%u: dropped: %s", from, ntohs(src->sin_port), why);
		return;
	}
	q.ip = req.ciaddr ? req.ciaddr
	       : port == PXE_PORT_BINL ? src->sin_addr.s_addr : 0;
	q.has_ip = q.ip != 0;
	if (q.has_ip && pxe_needs_host(&s->pcfg)) {
		lookup_host(s, q.ip, host, sizeof(host));
		q.host = host[0] ? host : NULL;
	}
	if (pxe_decide(&s->pcfg, &q, &ans) == PXE_IGNORE) {
		ignored(s, &req, &ans, port, from);
		return;
	}
	n = dhcp_build_reply(out, sizeof(out), &req, &ans.rep);
	if (n == 0) {
		pxe_count_request(&s->cnt, PXE_DROPPED);
		log_warn("%s: reply does not fit a message", from);
		return;
	}
	route = reply_route(s, &req, port, src, &dst);
	log_reply(&req, &ans, host);
	if (s->conf->reply_delay_ms && enqueue(s, route, &dst, out, n) < 0) {
		pxe_count_request(&s->cnt, PXE_DROPPED);
		return;
	}
	if (s->conf->reply_delay_ms == 0 && b && route != ROUTE_FRAME)
		batch_add(b, &dst, out, n);
	else if (s->conf->reply_delay_ms == 0)
		transmit(s, route, &dst, out, n);
	pxe_count_reply(&s->cnt, &ans, port);
}

static int batch_receive(struct batch *b, int fd)
{
	for (unsigned i = 0; i < BATCH; i++) {
		b->in_iov[i] = (struct iovec){ b->in_buf[i], sizeof(b->in_buf[i]) };
		b->in[i].msg_hdr = (struct msghdr){
			.msg_name = &b->src[i], .msg_namelen = sizeof(b->src[i]),
			.msg_iov = &b->in_iov[i], .msg_iovlen = 1,
		};
	}
	return recvmmsg(fd, b->in, BATCH, MSG_DONTWAIT, NULL);
}

static void socket_input(struct server *s, int fd, enum pxe_port port)
{
	struct batch *b = &s->batch;

	/* A few rounds at most, so that signals and the other socket get a turn. */
	for (int round = 0; round < 4; round++) {
		int n = batch_receive(b, fd);

		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				log_warn("recvmmsg: %s", strerror(errno));
			return;
		}
		for (int i = 0; i < n; i++) {
			if (b->in[i].msg_hdr.msg_flags & MSG_TRUNC) {
				pxe_count_request(&s->cnt, PXE_MALFORMED);
				log_debug("dropped: datagram longer than %d bytes",
					  DHCP_REQ_MAX);
			} else
				handle(s, b->in_buf[i], b->in[i].msg_len, port,
				       &b->src[i], b);
		}
		batch_flush(b, fd);
		if (n < BATCH)
			return;
	}
}

static void frame_input(u_char *user, const struct pcap_pkthdr *h,
			const u_char *bytes)
{
	struct server *s = (struct server *)user;
	struct frame_udp f;
	struct sockaddr_in src = { .sin_family = AF_INET };

	if (h->caplen != h->len || frame_udp4(bytes, h->caplen, &f) < 0) {
		pxe_count_request(&s->cnt, PXE_MALFORMED);
		return;
	}
	if (f.dst_port != DHCP_SERVER_PORT)
		return;
	src.sin_addr.s_addr = f.src_ip;
	src.sin_port = htons(f.src_port);
	handle(s, f.payload, f.len, PXE_PORT_DHCP, &src, NULL);
}

/* ---- signals and the loop ----------------------------------------------- */

static int watch(struct server *s, int fd, enum tag tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = tag };

	return epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

/* Reload (HUP, USR1), counters (USR1) and stop (TERM, INT) arrive through a signalfd. */
static int setup_signals(struct server *s)
{
	s->sigfd = daemon_signalfd();
	if (s->sigfd < 0)
		return s->sigfd;
	return watch(s, s->sigfd, TAG_SIGNAL);
}

/* --metrics: the counters, replaced atomically; failures logged once. */
static void write_metrics(struct server *s)
{
	struct metrics m = { 0 };
	int rc;

	if (s->conf->metrics == NULL)
		return;
	pxe_count_metrics(&m, &s->cnt, s->table ? s->table->n : 0,
			  s->xcat ? s->xcat->n : 0);
	rc = metrics_commit(&m, s->conf->metrics);
	if (rc < 0 && !s->metrics_failing)
		log_warn("%s: %s", s->conf->metrics, strerror(-rc));
	else if (rc == 0 && s->metrics_failing)
		log_notice("%s: written again", s->conf->metrics);
	s->metrics_failing = rc < 0;
}

static void log_counters(const struct server *s)
{
	char line[512];

	pxe_count_format(&s->cnt, line, sizeof(line));
	log_notice("counters: %s", line);
}

/* --metrics: a timer every --metrics-interval seconds, armed once. */
static int setup_metrics_timer(struct server *s)
{
	struct itimerspec every = {
		.it_interval.tv_sec = (time_t)s->conf->metrics_interval,
		.it_value.tv_sec = (time_t)s->conf->metrics_interval,
	};

	if (s->conf->metrics == NULL)
		return 0;
	s->metrics_fd = timerfd_create(CLOCK_MONOTONIC,
				       TFD_NONBLOCK | TFD_CLOEXEC);
	if (s->metrics_fd < 0 ||
	    timerfd_settime(s->metrics_fd, 0, &every, NULL) < 0)
		return -errno;
	return watch(s, s->metrics_fd, TAG_METRICS);
}

static void metrics_input(struct server *s)
{
	uint64_t ticks;

	if (read(s->metrics_fd, &ticks, sizeof(ticks)) == (ssize_t)sizeof(ticks))
		write_metrics(s);
}

/* HUP rereads both files, USR1 the xCAT file (as xCAT expects); each counted. */
static void reload(struct server *s, bool table)
{
	/* Names may have moved along with the files. */
	hostcache_clear(&s->hosts);
	if (table && s->conf->table)
		pxe_count_reload(&s->cnt, PXE_SOURCE_TABLE, load_table(s));
	if (s->conf->xcat)
		pxe_count_reload(&s->cnt, PXE_SOURCE_XCAT, load_xcat(s));
}

/* Returns true when the process should stop. */
static bool signal_input(struct server *s)
{
	struct signalfd_siginfo si;

	while (read(s->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
			log_notice("signal %u, exiting", si.ssi_signo);
			return true;
		}
		reload(s, si.ssi_signo == SIGHUP);
		if (si.ssi_signo == SIGUSR1) {
			log_counters(s);
			write_metrics(s);
		}
	}
	return false;
}

static int serve(struct server *s)
{
	struct epoll_event evs[16];

	for (;;) {
		int n = epoll_wait(s->epfd, evs, 16, -1);

		if (n < 0 && errno != EINTR) {
			log_err("epoll_wait: %s", strerror(errno));
			return EXIT_FAIL;
		}
		for (int i = 0; i < n; i++) {
			switch ((enum tag)evs[i].data.u64) {
			case TAG_SIGNAL:
				if (signal_input(s))
					return EXIT_OK;
				break;
			case TAG_DHCP:
				socket_input(s, s->dhcp_fd, PXE_PORT_DHCP);
				break;
			case TAG_BINL:
				socket_input(s, s->binl_fd, PXE_PORT_BINL);
				break;
			case TAG_PCAP:
				pcap_dispatch(s->pcap, CAPTURE_BATCH, frame_input,
					      (u_char *)s);
				break;
			case TAG_TIMER:
				timer_input(s);
				break;
			case TAG_METRICS:
				metrics_input(s);
				break;
			}
		}
	}
}

/* ---- setting up ---------------------------------------------------------- */

static int set_int(int fd, int level, int name, int value)
{
	return setsockopt(fd, level, name, &value, sizeof(value));
}

static int open_udp(const struct server *s, uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	const char *iface = s->conf->iface;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	sin.sin_port = htons(port);
	if (fd < 0 || set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1) < 0 ||
	    set_int(fd, SOL_SOCKET, SO_BROADCAST, 1) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, iface,
		       (socklen_t)strlen(iface)) < 0 ||
	    bind(fd, (const struct sockaddr *)&sin, sizeof(sin)) < 0) {
		log_err("%s: UDP port %u: %s", iface, port, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int open_capture(struct server *s)
{
	char err[PCAP_ERRBUF_SIZE] = "", lerr[LIBNET_ERRBUF_SIZE] = "";
	const char *iface = s->conf->iface;
	struct bpf_program prog;

	s->pcap = pcap_create(iface, err);
	if (s->pcap == NULL || pcap_set_immediate_mode(s->pcap, 1) < 0 ||
	    pcap_set_snaplen(s->pcap, CAPTURE_SNAPLEN) < 0 ||
	    pcap_activate(s->pcap) < 0 ||
	    pcap_datalink(s->pcap) != DLT_EN10MB ||
	    pcap_setdirection(s->pcap, PCAP_D_IN) < 0 ||
	    pcap_compile(s->pcap, &prog, "udp dst port 67", 1,
			 PCAP_NETMASK_UNKNOWN) < 0) {
		log_err("%s: capture: %s", iface,
			s->pcap ? pcap_geterr(s->pcap) : err);
		return -1;
	}
	if (pcap_setfilter(s->pcap, &prog) < 0 ||
	    pcap_setnonblock(s->pcap, 1, err) < 0 ||
	    pcap_get_selectable_fd(s->pcap) < 0) {
		pcap_freecode(&prog);
		log_err("%s: capture: %s", iface, pcap_geterr(s->pcap));
		return -1;
	}
	pcap_freecode(&prog);
	s->ln = libnet_init(LIBNET_LINK, iface, lerr);
	if (s->ln == NULL) {
		log_err("%s: libnet: %s", iface, lerr);
		return -1;
	}
	return 0;
}

static int open_io(struct server *s)
{
	const char *iface = s->conf->iface;
	struct in_addr in;
	int rc;

	if ((rc = iface_ipv4(iface, &in)) < 0 ||
	    (rc = iface_mac(iface, s->mac)) < 0) {
		log_err("%s: %s", iface, strerror(-rc));
		return -1;
	}
	s->self = in.s_addr;
	if (s->conf->no_bind ? open_capture(s) < 0
			     : (s->dhcp_fd = open_udp(s, DHCP_SERVER_PORT)) < 0)
		return -1;
	s->binl_fd = open_udp(s, PXE_BINL_PORT);
	return s->binl_fd < 0 ? -1 : 0;
}

static int drop_privileges(const struct server *s)
{
	const char *why = "", *user = s->conf->user;
	int rc;

	if (user == NULL && geteuid() != 0)
		return 0;
	rc = priv_drop(user ? user : "nobody", NULL, &why);
	if (rc < 0) {
		log_err("dropping privileges: %s: %s", why, strerror(-rc));
		return -1;
	}
	return 0;
}

/*
 * What the loop may call once setup is done, on top of sandbox.h's base
 * list (exit, signals, clock, memory, log lines).
 */
static const struct sandbox_rule allowed[] = {
	/* The loop: events, the signalfd and the --reply-delay timer. */
	SANDBOX_ALLOW("epoll_wait"), SANDBOX_ALLOW("epoll_pwait"),
	SANDBOX_ALLOW("read"), SANDBOX_ALLOW("timerfd_settime"),
	/* Requests in and replies out, in batches or one at a time. */
	SANDBOX_ALLOW("recvmmsg"), SANDBOX_ALLOW("sendmmsg"),
	SANDBOX_ALLOW("sendto"), SANDBOX_ALLOW("sendmsg"),
	/* SIGHUP and SIGUSR1 reread --table and --xcat-cfg (file_read). */
	SANDBOX_ALLOW("openat"), SANDBOX_ALLOW("fstat"),
	SANDBOX_ALLOW("newfstatat"), SANDBOX_ALLOW("lseek"),
	/*
	 * --metrics, on its timer, SIGUSR1 and exit: a temporary (random
	 * name, openat above) is written, synced, renamed over the file and
	 * the directory synced; a failed write unlinks the temporary.
	 * SIGTERM's exit removes the pid file where the directory lets us.
	 */
	SANDBOX_ALLOW("fchmod"), SANDBOX_ALLOW("fsync"),
	SANDBOX_ALLOW("rename"), SANDBOX_ALLOW("renameat"),
	SANDBOX_ALLOW("renameat2"), SANDBOX_ALLOW("unlink"),
	SANDBOX_ALLOW("unlinkat"),
	/*
	 * Client names for host rules and xCAT (getnameinfo): /etc/hosts and
	 * the resolver's files, nscd's socket (AF_UNIX, in the base list), a
	 * DNS query over UDP to an IPv4 or IPv6 name server (with IP_RECVERR
	 * set on its socket), glibc's locks and uname for the domain.
	 * setsockopt is also how pcap_close() releases the --no-bind ring.
	 */
	SANDBOX_ALLOW_ARG0("socket", AF_INET),
	SANDBOX_ALLOW_ARG0("socket", AF_INET6),
	SANDBOX_ALLOW("setsockopt"), SANDBOX_ALLOW("connect"),
	SANDBOX_ALLOW("poll"), SANDBOX_ALLOW("ppoll"),
	SANDBOX_ALLOW("recvfrom"), SANDBOX_ALLOW("uname"),
	SANDBOX_ALLOW("futex"), SANDBOX_ALLOW("getrandom"),
};

/*
 * --no-bind adds ioctl, on libnet's descriptor only (opened before the
 * drop): libnet looks the interface index up before each frame it sends.
 */
static int enter_sandbox(const struct server *s)
{
	enum { N = sizeof(allowed) / sizeof(allowed[0]) };
	struct sandbox_rule rules[N + 1];
	unsigned n = N;
	const char *why = "";
	int rc;

	memcpy(rules, allowed, sizeof(allowed));
	if (s->ln)
		rules[n++] = (struct sandbox_rule)SANDBOX_ALLOW_ARG0(
			"ioctl", (unsigned long)libnet_getfd(s->ln));
	rc = sandbox_enter(rules, n, &why);
	if (rc < 0)
		log_err("sandbox: %s: %s", why, strerror(-rc));
	return rc < 0 ? -1 : 0;
}

static void init_config(struct server *s)
{
	const struct proxydhcp_conf *c = s->conf;

	s->pcfg.self = s->self;
	s->pcfg.tftp_server = c->tftp_server;
	memcpy(s->pcfg.file, c->file, sizeof(s->pcfg.file));
	s->pcfg.efi_file = c->efi_file;
	s->pcfg.http_url = c->http_url;
	s->pcfg.ipxe_script = c->ipxe_script;
}

static int setup(struct server *s)
{
	const struct proxydhcp_conf *c = s->conf;

	srandom((unsigned)(now_ns() ^ (uint64_t)getpid()));
	/* A reply to a peer that went away must not stop the server. */
	/* Blocked from the start: a signal before the signalfd exists waits
	 * for it instead of killing a server half set up. */
	daemon_block_signals();
	if (open_io(s) < 0)
		return -1;
	init_config(s);
	if ((c->table && load_table(s) < 0) || (c->xcat && load_xcat(s) < 0))
		return -1;
	/* Fork first: a signalfd polled before a fork wakes only the parent. */
	if (daemon_setup(!c->foreground, c->pidfile, LOG_DAEMON) < 0)
		return -1;
	s->pidfile_written = c->pidfile != NULL;
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	s->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (s->epfd < 0 || s->timer_fd < 0 || setup_signals(s) < 0 ||
	    setup_metrics_timer(s) < 0 ||
	    watch(s, s->binl_fd, TAG_BINL) < 0 ||
	    watch(s, s->timer_fd, TAG_TIMER) < 0 ||
	    (s->pcap ? watch(s, pcap_get_selectable_fd(s->pcap), TAG_PCAP)
		     : watch(s, s->dhcp_fd, TAG_DHCP)) < 0) {
		log_err("event loop: %s", strerror(errno));
		return -1;
	}
	if (drop_privileges(s) < 0)
		return -1;
	return c->no_sandbox ? 0 : enter_sandbox(s);
}

/*
 * The pid file goes when the daemon does.  It was written as root; the
 * user the daemon became may not write its directory (/run), which is
 * expected and said at debug level only.
 */
static void teardown(struct server *s)
{
	const int fds[] = { s->epfd, s->sigfd, s->dhcp_fd, s->binl_fd,
			    s->timer_fd, s->metrics_fd };

	if (s->pidfile_written)
		pidfile_remove(s->conf->pidfile);
	while (s->head) {
		struct pending *p = s->head;

		s->head = p->next;
		free(p);
	}
	if (s->pcap)
		pcap_close(s->pcap);
	if (s->ln)
		libnet_destroy(s->ln);
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (fds[i] >= 0)
			close(fds[i]);
	table_free(s->table);
	xcat_free(s->xcat);
}

/* --check-config prints a file's problems as they are: "FILE:LINE: why". */
static void print_problem(void *arg, const char *msg)
{
	(void)arg;
	fprintf(stderr, "%s\n", msg);
}

/* What the options mean together, beyond what each one's syntax allows. */
static unsigned check_options(const struct proxydhcp_conf *c)
{
	const char *url = c->http_url;
	unsigned bad = 0;

	if (c->ipxe_script && pxe_file_is_ipxe(c->ipxe_script)) {
		log_err("--ipxe-script %s: an iPXE binary; iPXE would load it "
			"again and again (give it a script)", c->ipxe_script);
		bad++;
	}
	if (url && strncasecmp(url, "http://", 7) != 0 &&
	    strncasecmp(url, "https://", 8) != 0) {
		log_err("--http-url %s: not an http:// or https:// URL", url);
		bad++;
	}
	return bad;
}

/* The user to become exists (a process that is not root stays itself). */
static unsigned check_user(const struct proxydhcp_conf *c)
{
	const char *user = c->user ? c->user : "nobody";

	if (geteuid() != 0)
		return 0;
	errno = 0;
	if (getpwnam(user) != NULL)
		return 0;
	log_err("user %s: %s", user, errno ? strerror(errno) : "no such user");
	return 1;
}

unsigned proxydhcp_check(const struct proxydhcp_conf *conf)
{
	struct pxe_report rep = { print_problem, NULL, 0 };
	unsigned bad = check_options(conf) + check_user(conf);

	if (conf->table)
		table_free(read_parsed(conf->table, TABLE_FILE_MAX, parse_table,
				       &rep));
	if (conf->xcat)
		xcat_free(read_parsed(conf->xcat, XCAT_FILE_MAX, parse_xcat,
				      &rep));
	bad += file_parent_report("-P", conf->pidfile);
	bad += file_parent_report("--metrics", conf->metrics);
	return bad + rep.n;
}

int proxydhcp_serve(const struct proxydhcp_conf *conf)
{
	struct server *s = calloc(1, sizeof(*s));
	char addr[INET_ADDRSTRLEN];
	int rc = EXIT_FAIL;

	if (s == NULL) {
		log_err("out of memory");
		return EXIT_FAIL;
	}
	s->conf = conf;
	s->epfd = s->sigfd = s->dhcp_fd = s->binl_fd = s->timer_fd = -1;
	s->metrics_fd = -1;
	log_set_level(conf->verbose ? LOG_DEBUG : LOG_INFO);
	if (setup(s) == 0) {
		log_notice("serving on %s (%s)%s", conf->iface,
			   inet_ntop(AF_INET, &s->self, addr, sizeof(addr)),
			   conf->no_bind ? ", port 67 captured" : "");
		write_metrics(s);
		rc = serve(s);
		log_counters(s);
		write_metrics(s);
	}
	teardown(s);
	free(s);
	return rc;
}
