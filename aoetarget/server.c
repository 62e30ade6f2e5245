/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * aoetarget's event loop.  Frames arrive through libpcap (immediate mode,
 * a kernel filter on the AoE EtherType and our shelves, the mmap ring) and
 * are taken in batches of up to the advertised buffer count; each is
 * decided by proto.c, its I/O done with pread/pwrite/fdatasync before its
 * reply is queued, and the batch's replies leave in one sendmmsg on a
 * packet socket that bypasses the qdisc.  One pcap and one socket per
 * interface serve every target on it.
 */
#include "server.h"

#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "counters.h"
#include "daemon.h"
#include "file.h"
#include "iface.h"
#include "log.h"
#include "mac.h"
#include "metrics.h"
#include "opts.h"
#include "ovdir.h"
#include "priv.h"
#include "sandbox.h"
#include "state.h"

#define QUEUE_MAX 64            /* replies per sendmmsg */
#define DISPATCH_MAX 256        /* frames per pcap_dispatch */
#define PCAP_BUFFER (16 << 20)  /* kernel ring for bursts of requests */
#define FW_VERSION 0x4001       /* advertised in Query Config */
#ifndef SPIN_NS
#define SPIN_NS 50000           /* busy polling after the last frame */
#endif

/* epoll keys: the signalfd, the metrics timer, then each interface. */
enum { KEY_SIGNAL, KEY_TIMER, KEY_IFACE };

struct target {
	struct aoe_target t;
	struct disk disk;
	struct ovdir *ov;       /* --overlay: the clients' overlays, or NULL */
	const struct tgt_conf *conf;
	char state_path[PATH_MAX];
	char name[16];          /* "e<shelf>.<slot>" */
	struct aoe_counters cnt;
};

/* A read whose reply is queued, done at the end of the batch. */
struct pending {
	struct target *tg;
	uint64_t lba;
	unsigned count;
	unsigned q;             /* index of its reply in the queue */
};

struct iface {
	char name[IFNAMSIZ];
	unsigned index, mtu;
	uint8_t mac[6];
	pcap_t *pcap;
	int sock;
	struct target **tgts;
	unsigned ntgts;
	unsigned batch;         /* frames per pcap_dispatch */
	size_t slot;            /* bytes per reply buffer */
	unsigned nq;            /* replies queued */
	uint8_t *bufs;          /* QUEUE_MAX reply buffers */
	struct mmsghdr msgs[QUEUE_MAX];
	struct iovec iov[QUEUE_MAX][2]; /* per reply: frame, or header + map */
	struct sockaddr_ll to;
	struct pending pend[QUEUE_MAX];
	unsigned npend;
	bool failing;           /* the last receive failed (logged once) */
	bool send_failing;      /* the last send failed (logged once) */
};

struct server {
	const struct aoetarget_conf *conf;
	struct target *tgts;
	unsigned ntgts;
	struct iface *ifs;
	unsigned nifs;
	int epfd, sigfd, timerfd;
	struct tgt_conf_file loaded;    /* the -c file as last reloaded */
	bool stop;
	bool metrics_failing;   /* the last metrics write failed (logged once) */
	bool pidfile_written;
};

/* --- reads -------------------------------------------------------------- */

/* A read failed: its queued reply becomes an ATA error without data. */
static void fail_read(struct iface *ifc, const struct pending *p)
{
	uint8_t *buf = ifc->bufs + p->q * ifc->slot;
	struct aoe_decision d = { .reply = true, .io = AOE_IO_READ };

	aoe_fail_ata(buf, &d, ATA_ER_UNC);
	aoe_count_fault(&p->tg->cnt, buf, d.len);
	memset(buf + d.len, 0, AOE_ETH_MIN - d.len);
	ifc->iov[p->q][0].iov_len = AOE_ETH_MIN;
	ifc->msgs[p->q].msg_hdr.msg_iovlen = 1;
}

/* The pending reads from i on that continue each other: their count. */
static unsigned read_run(const struct iface *ifc, unsigned i,
			 unsigned *sectors)
{
	const struct pending *p = ifc->pend;
	unsigned j = i + 1;

	*sectors = p[i].count;
	while (j < ifc->npend && p[j].tg == p[i].tg &&
	       p[j].lba == p[j - 1].lba + p[j - 1].count) {
		*sectors += p[j].count;
		j++;
	}
	return j - i;
}

/* A run of pending reads that continue each other. */
struct run {
	unsigned i, n;          /* pend[i] to pend[i + n - 1] */
	unsigned sectors;
	bool done;
	bool miss;              /* not in the page cache */
};

static void run_iov(const struct iface *ifc, const struct run *r,
		    struct iovec *iov)
{
	for (unsigned k = 0; k < r->n; k++) {
		const struct pending *p = &ifc->pend[r->i + k];

		iov[k].iov_base = ifc->bufs + p->q * ifc->slot + AOE_ATA_DATA;
		iov[k].iov_len = (size_t)p->count * ATA_SECTOR;
	}
}

static void run_wait(struct iface *ifc, const struct run *r)
{
	const struct pending *p = &ifc->pend[r->i];
	struct iovec iov[QUEUE_MAX];
	int rc;

	run_iov(ifc, r, iov);
	rc = disk_readv(&p->tg->disk, iov, (int)r->n, p->lba, r->sectors);
	if (rc == 0) {
		p->tg->cnt.rbytes += (uint64_t)r->sectors * ATA_SECTOR;
		return;
	}
	log_err("e%u.%u: read at sector %llu: %s", p->tg->t.shelf,
		p->tg->t.slot, (unsigned long long)p->lba, strerror(-rc));
	for (unsigned k = 0; k < r->n; k++)
		fail_read(ifc, &p[k]);
}

/*
 * A run whose sectors are all in memory goes out from the page cache: each
 * reply is its header and the mapped sectors, copied once, by the send.
 */
static bool run_mapped(struct iface *ifc, const struct run *r)
{
	const struct pending *p = &ifc->pend[r->i];
	const uint8_t *m = disk_mapped(&p->tg->disk, p->lba, r->sectors);

	if (m == NULL)
		return false;
	for (unsigned k = 0; k < r->n; k++, p++) {
		struct iovec *iov = ifc->iov[p->q];

		iov[0].iov_len = AOE_ATA_DATA;
		iov[1].iov_base = (void *)(uintptr_t)m;
		iov[1].iov_len = (size_t)p->count * ATA_SECTOR;
		ifc->msgs[p->q].msg_hdr.msg_iovlen = 2;
		m += iov[1].iov_len;
	}
	return true;
}

/*
 * Does the batch's pending reads, each run of requests that continue each
 * other (the frames of one initiator request) at once.  With zero_copy
 * (the replies are sent next, no write in between), a run in memory is
 * sent from the map; otherwise one preadv per run.  Runs in the page
 * cache are read at once without blocking; if more than one must wait
 * for the device, all of them are started first, so that the device
 * works on them together rather than one after the other.
 */
static void run_reads(struct iface *ifc, bool zero_copy)
{
	struct run runs[QUEUE_MAX];
	struct iovec iov[QUEUE_MAX];
	unsigned nr = 0, misses = 0;

	for (unsigned i = 0; i < ifc->npend; i += runs[nr++].n) {
		struct run *r = &runs[nr];
		const struct pending *p = &ifc->pend[i];
		int rc;

		r->i = i;
		r->n = read_run(ifc, i, &r->sectors);
		r->miss = false;
		r->done = zero_copy && run_mapped(ifc, r);
		if (!r->done) {
			run_iov(ifc, r, iov);
			rc = disk_readv_cached(&p->tg->disk, iov, (int)r->n,
					       p->lba, r->sectors);
			r->done = rc == 0;
			r->miss = rc == -EAGAIN;
			misses += r->miss;
		}
		if (r->done)
			p->tg->cnt.rbytes += (uint64_t)r->sectors * ATA_SECTOR;
	}
	for (unsigned k = 0; misses > 1 && k < nr; k++)
		if (runs[k].miss)
			disk_prefetch(&ifc->pend[runs[k].i].tg->disk,
				      ifc->pend[runs[k].i].lba, runs[k].sectors);
	for (unsigned k = 0; k < nr; k++)
		if (!runs[k].done)
			run_wait(ifc, &runs[k]);
}

/*
 * A reply from the map failed to go out with EFAULT: the file lost those
 * pages (truncated, or an I/O error).  The read becomes an ATA error.
 */
static bool unmapped(struct iface *ifc, unsigned q)
{
	if (ifc->msgs[q].msg_hdr.msg_iovlen < 2)
		return false;
	for (unsigned i = 0; i < ifc->npend; i++) {
		if (ifc->pend[i].q != q)
			continue;
		log_err("e%u.%u: read at sector %llu: the file is shorter now",
			ifc->pend[i].tg->t.shelf, ifc->pend[i].tg->t.slot,
			(unsigned long long)ifc->pend[i].lba);
		fail_read(ifc, &ifc->pend[i]);
		return true;
	}
	return false;
}

/* --- sending ----------------------------------------------------------- */

static void flush_queue(struct iface *ifc)
{
	unsigned done = 0;

	run_reads(ifc, true);
	while (done < ifc->nq) {
		int n = sendmmsg(ifc->sock, ifc->msgs + done, ifc->nq - done, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EFAULT && unmapped(ifc, done))
			continue;
		if (n > 0) {
			done += (unsigned)n;
			ifc->send_failing = false;
			continue;
		}
		/* Drop the reply that failed, keep the others; log once. */
		if (!ifc->send_failing)
			log_warn("%s: send: %s", ifc->name,
				 n < 0 ? strerror(errno) : "nothing sent");
		ifc->send_failing = true;
		done++;
	}
	ifc->nq = 0;
	ifc->npend = 0;
}

/* Queues the reply built in the next buffer, padded to the Ethernet minimum. */
static void queue_reply(struct iface *ifc, size_t len)
{
	uint8_t *buf = ifc->bufs + ifc->nq * ifc->slot;

	if (len < AOE_ETH_MIN) {
		memset(buf + len, 0, AOE_ETH_MIN - len);
		len = AOE_ETH_MIN;
	}
	ifc->iov[ifc->nq][0].iov_base = buf;
	ifc->iov[ifc->nq][0].iov_len = len;
	ifc->msgs[ifc->nq].msg_hdr.msg_iovlen = 1;
	ifc->nq++;
}

static uint8_t *next_buffer(struct iface *ifc)
{
	if (ifc->nq == QUEUE_MAX)
		flush_queue(ifc);
	return ifc->bufs + ifc->nq * ifc->slot;
}

/* --- one frame ----------------------------------------------------------- */

/*
 * Writes and flushes, in order after every read queued before them; on an
 * overlay target reads as well, into rdata.
 */
static int do_io(struct iface *ifc, struct target *tg, const uint8_t *src,
		 const struct aoe_decision *d, uint8_t *rdata)
{
	size_t bytes = (size_t)d->count * ATA_SECTOR;
	int rc = 0;

	run_reads(ifc, false);
	ifc->npend = 0;
	if (tg->ov)
		rc = ovdir_io(tg->ov, src, d, rdata);
	else if (d->io == AOE_IO_WRITE)
		rc = disk_write(&tg->disk, d->wdata, d->lba, d->count);
	else if (d->io == AOE_IO_FLUSH)
		rc = disk_flush(&tg->disk);
	if (rc == 0 && d->io == AOE_IO_READ)
		tg->cnt.rbytes += bytes;
	else if (rc == 0 && d->io == AOE_IO_WRITE)
		tg->cnt.wbytes += bytes;
	if (rc < 0)
		log_err("e%u.%u: %s at sector %llu: %s", tg->t.shelf, tg->t.slot,
			d->io == AOE_IO_FLUSH ? "flush" :
			d->io == AOE_IO_READ ? "read" : "write",
			(unsigned long long)d->lba, strerror(-rc));
	return rc;
}

static bool addressed(const struct aoe_target *t, const struct aoe_req *req)
{
	return (req->shelf == t->shelf || req->shelf == AOE_SHELF_BCAST) &&
	       (req->slot == t->slot || req->slot == AOE_SLOT_BCAST);
}

/* Decides with the state saved first, so a failed save can undo it. */
static void decide_persisted(struct target *tg, const struct aoe_req *req,
			     uint8_t *out, size_t outlen,
			     struct aoe_decision *d)
{
	struct aoe_state saved = tg->t.st;

	aoe_decide(&tg->t, req, out, outlen, d);
	if (d->reply && d->persist &&
	    aoe_state_save(tg->state_path, &tg->t.st) < 0) {
		tg->t.st = saved;
		aoe_fail_aoe(out, d, AOE_ERR_UNAVAIL);
	}
}

static void serve_frame(struct iface *ifc, struct target *tg,
			const struct aoe_req *req)
{
	uint8_t *out = next_buffer(ifc);
	struct aoe_decision d;

	if (!addressed(&tg->t, req))
		return;
	tg->cnt.in++;
	if (tg->ov)
		ovdir_note(tg->ov, req);
	if (req->cmd == AOE_CMD_ATA)
		aoe_decide(&tg->t, req, out, ifc->slot, &d);
	else
		decide_persisted(tg, req, out, ifc->slot, &d);
	if (!d.reply)
		return;
	aoe_count_io(&tg->cnt, d.io);
	if (d.io == AOE_IO_READ && tg->ov == NULL) {
		ifc->pend[ifc->npend++] = (struct pending){ tg, d.lba, d.count,
							    ifc->nq };
	} else if (d.io != AOE_IO_NONE &&
		   do_io(ifc, tg, req->src, &d, out + AOE_ATA_DATA) < 0) {
		aoe_fail_ata(out, &d, d.io == AOE_IO_FLUSH ? ATA_ER_ABRT
							    : ATA_ER_UNC);
	}
	tg->cnt.out++;
	if (d.error)
		aoe_count_fault(&tg->cnt, out, d.len);
	queue_reply(ifc, d.len);
}

static void on_frame(u_char *user, const struct pcap_pkthdr *h,
		     const u_char *frame)
{
	struct iface *ifc = (struct iface *)(void *)user;
	struct aoe_req req;

	if (aoe_parse(frame, h->caplen, &req) < 0)
		return;
	for (unsigned i = 0; i < ifc->ntgts; i++)
		serve_frame(ifc, ifc->tgts[i], &req);
}

/* Serves what the ring holds; returns the number of frames taken. */
static unsigned pump(struct iface *ifc)
{
	unsigned total = 0;

	for (int round = 0; round < 64; round++) {
		int n = pcap_dispatch(ifc->pcap, (int)ifc->batch, on_frame,
				      (u_char *)ifc);

		flush_queue(ifc);
		if (n < 0 && !ifc->failing)
			log_err("%s: %s", ifc->name, pcap_geterr(ifc->pcap));
		ifc->failing = n < 0;
		if (n > 0)
			total += (unsigned)n;
		/* A short batch emptied the ring: back to epoll, no empty poll. */
		if (n < (int)ifc->batch)
			break;
	}
	return total;
}

/* --- setup --------------------------------------------------------------- */

/* Opens and sizes tc's backing file; a failure is "FILE: why: error" in msg. */
static int open_disk(struct disk *d, const struct tgt_conf *tc, char *msg,
		     size_t msglen)
{
	struct disk_opts o = tc->dopts;
	const char *why;
	int rc;

	o.readonly |= tc->overlay != NULL;
	rc = disk_open(d, tc->file, &o, &why);

	if (rc < 0)
		snprintf(msg, msglen, "%s: %s: %s", tc->file, why,
			 strerror(-rc));
	return rc;
}

/* --overlay: the base read only, the clients' overlays beside it. */
static int open_overlays(struct target *tg, const struct tgt_conf *tc)
{
	const char *why;
	int rc;

	if (tc->overlay == NULL)
		return 0;
	rc = ovdir_open(&tg->ov, tc->overlay, &tg->disk, tc->overlay_reset,
			&why);
	if (rc < 0)
		log_err("%s: %s: %s", tc->overlay, why, strerror(-rc));
	return rc;
}

static int open_target(struct target *tg, const struct tgt_conf *tc,
		       const char *state_dir)
{
	char msg[PATH_MAX + 64];

	if (open_disk(&tg->disk, tc, msg, sizeof(msg)) < 0) {
		log_err("%s", msg);
		return -1;
	}
	if (open_overlays(tg, tc) < 0)
		return -1;
	if (tc->overlay == NULL)
		disk_map(&tg->disk);
	tg->conf = tc;
	tg->t.shelf = (uint16_t)tc->shelf;
	tg->t.slot = (uint8_t)tc->slot;
	tg->t.sectors = tg->disk.sectors;
	tg->t.bufcnt = (uint16_t)tc->bufcnt;
	tg->t.fwver = FW_VERSION;
	snprintf(tg->name, sizeof(tg->name), "e%u.%u", tc->shelf, tc->slot);
	tg->t.readonly = tc->dopts.readonly;
	tg->t.write_cache = !tc->dopts.sync;
	memcpy(tg->t.st.mask, tc->mask, sizeof(tc->mask));
	tg->t.st.nmask = tc->nmask;
	if (aoe_state_path(tg->state_path, sizeof(tg->state_path), state_dir,
			   tc->shelf, tc->slot, tc->netif) < 0) {
		log_err("%s: state directory name too long", state_dir);
		return -1;
	}
	aoe_state_load(tg->state_path, &tg->t.st);
	return 0;
}

static char *pcap_filter(const struct iface *ifc)
{
	size_t len = 128 + (size_t)ifc->ntgts * 32;
	char *f = malloc(len);
	size_t used;

	if (f == NULL)
		return NULL;
	used = (size_t)snprintf(f, len, "ether proto %#x and "
				"ether[%zu] & %#x = 0 and (ether[%zu:2] = %#x",
				AOE_ETHERTYPE, AOE_OFF_VERFLAGS, AOE_FLAG_R,
				AOE_OFF_MAJOR, AOE_SHELF_BCAST);
	for (unsigned i = 0; i < ifc->ntgts; i++)
		used += (size_t)snprintf(f + used, len - used,
					 " or ether[%zu:2] = %u", AOE_OFF_MAJOR,
					 ifc->tgts[i]->t.shelf);
	snprintf(f + used, len - used, ")");
	return f;
}

static int set_filter(struct iface *ifc)
{
	struct bpf_program prog;
	char *f = pcap_filter(ifc);
	int rc = -1;

	if (f == NULL)
		return -1;
	if (pcap_compile(ifc->pcap, &prog, f, 1, PCAP_NETMASK_UNKNOWN) == 0) {
		rc = pcap_setfilter(ifc->pcap, &prog);
		pcap_freecode(&prog);
	}
	free(f);
	return rc;
}

static int open_pcap(struct iface *ifc)
{
	char err[PCAP_ERRBUF_SIZE];

	ifc->pcap = pcap_create(ifc->name, err);
	if (ifc->pcap == NULL) {
		log_err("%s: %s", ifc->name, err);
		return -1;
	}
	if (pcap_set_snaplen(ifc->pcap, (int)ifc->mtu + AOE_ETH_LEN) != 0 ||
	    pcap_set_immediate_mode(ifc->pcap, 1) != 0 ||
	    pcap_set_buffer_size(ifc->pcap, PCAP_BUFFER) != 0 ||
	    pcap_set_promisc(ifc->pcap, 0) != 0 ||
	    pcap_activate(ifc->pcap) < 0 ||
	    pcap_setdirection(ifc->pcap, PCAP_D_IN) != 0 ||
	    set_filter(ifc) != 0 ||
	    pcap_setnonblock(ifc->pcap, 1, err) != 0) {
		log_err("%s: %s", ifc->name, pcap_geterr(ifc->pcap));
		return -1;
	}
	if (pcap_datalink(ifc->pcap) != DLT_EN10MB) {
		log_err("%s: not an Ethernet interface", ifc->name);
		return -1;
	}
	return 0;
}

static int open_socket(struct iface *ifc)
{
	int one = 1, sndbuf = 4 << 20;

	ifc->sock = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (ifc->sock < 0) {
		log_err("%s: packet socket: %s", ifc->name, strerror(errno));
		return -1;
	}
	/* Replies skip the qdisc: we already batch them. */
	(void)setsockopt(ifc->sock, SOL_PACKET, PACKET_QDISC_BYPASS, &one,
			 sizeof(one));
	(void)setsockopt(ifc->sock, SOL_SOCKET, SO_SNDBUF, &sndbuf,
			 sizeof(sndbuf));
	ifc->to.sll_family = AF_PACKET;
	ifc->to.sll_protocol = htons(AOE_ETHERTYPE);
	ifc->to.sll_ifindex = (int)ifc->index;
	ifc->to.sll_halen = 6;
	for (unsigned i = 0; i < QUEUE_MAX; i++) {
		ifc->msgs[i].msg_hdr.msg_name = &ifc->to;
		ifc->msgs[i].msg_hdr.msg_namelen = sizeof(ifc->to);
		ifc->msgs[i].msg_hdr.msg_iov = ifc->iov[i];
		ifc->msgs[i].msg_hdr.msg_iovlen = 1;
	}
	return 0;
}

static int iface_facts(struct iface *ifc)
{
	int rc = iface_index(ifc->name, &ifc->index);

	if (rc == 0)
		rc = iface_mac(ifc->name, ifc->mac);
	if (rc == 0)
		rc = iface_mtu(ifc->name, &ifc->mtu);
	if (rc < 0) {
		log_err("%s: %s", ifc->name, strerror(-rc));
		return -1;
	}
	if (aoe_max_sectors(ifc->mtu) == 0) {
		log_err("%s: MTU %u too small for AoE", ifc->name, ifc->mtu);
		return -1;
	}
	return 0;
}

static struct iface *iface_get(struct server *s, const char *name)
{
	struct iface *ifc;

	for (unsigned i = 0; i < s->nifs; i++)
		if (strcmp(s->ifs[i].name, name) == 0)
			return &s->ifs[i];
	ifc = &s->ifs[s->nifs++];
	snprintf(ifc->name, sizeof(ifc->name), "%s", name);
	ifc->sock = -1;
	return iface_facts(ifc) < 0 ? NULL : ifc;
}

static int attach(struct server *s, struct target *tg)
{
	struct iface *ifc = iface_get(s, tg->conf->netif);
	struct target **p;

	if (ifc == NULL)
		return -1;
	p = realloc(ifc->tgts, (ifc->ntgts + 1) * sizeof(*p));
	if (p == NULL)
		return -1;
	ifc->tgts = p;
	p[ifc->ntgts++] = tg;
	memcpy(tg->t.mac, ifc->mac, 6);
	tg->t.mtu = ifc->mtu;
	if (tg->t.bufcnt > ifc->batch)
		ifc->batch = tg->t.bufcnt;
	return 0;
}

static int open_iface(struct iface *ifc)
{
	if (ifc->batch > DISPATCH_MAX)
		ifc->batch = DISPATCH_MAX;
	ifc->slot = ifc->mtu + AOE_ETH_LEN;
	if (ifc->slot < AOE_ETH_MIN)
		ifc->slot = AOE_ETH_MIN;
	ifc->bufs = calloc(QUEUE_MAX, ifc->slot);
	if (ifc->bufs == NULL)
		return -1;
	return open_pcap(ifc) < 0 || open_socket(ifc) < 0 ? -1 : 0;
}

/*
 * The state directory (and each overlay directory) is given to the user
 * the daemon becomes: a state file is replaced by a temporary and a
 * rename, an overlay created the same way, which needs write access to
 * the directory.  Opened without following a link, so that a link
 * planted in its place gives nothing else away.
 */
static int state_dir_ready(const char *dir, const struct passwd *pw,
			   const char *what)
{
	int fd;

	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		log_warn("%s: %s; %s will not be saved", dir, strerror(errno),
			 what);
		return -1;
	}
	if (pw == NULL)
		return 0;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fchown(fd, pw->pw_uid, pw->pw_gid) < 0)
		log_warn("%s: giving it to %s: %s; %s may not be saved",
			 dir, pw->pw_name, strerror(errno), what);
	if (fd >= 0)
		close(fd);
	return 0;
}

/*
 * The live maps of the overlays of dir (aoetarget-overlay(5)): their
 * directories under /run made and given to the user too, since an overlay
 * is opened (and its live map made) after the privilege drop.
 */
static void live_dirs_ready(const char *dir, const struct passwd *pw)
{
	char path[PATH_MAX];

	for (unsigned depth = 0; depth < 3; depth++) {
		if (ovdir_live_path(dir, depth, path, sizeof(path)) < 0) {
			log_warn("%s: no directory for its live maps", dir);
			return;
		}
		if (state_dir_ready(path, pw, "live overlay maps") < 0)
			return;
	}
}

/* The user to become, looked up while /etc/passwd is at hand; NULL when not root. */
static int user_lookup(const char *user, struct passwd **pw)
{
	*pw = NULL;
	if (geteuid() != 0)
		return 0;
	errno = 0;
	*pw = getpwnam(user);
	if (*pw == NULL) {
		log_err("user %s: %s", user,
			errno ? strerror(errno) : "no such user");
		return -1;
	}
	return 0;
}

/* Opens every backing file, then every interface the targets are on. */
static int open_targets(struct server *s)
{
	const struct aoetarget_conf *c = s->conf;

	struct passwd *pw;

	if (user_lookup(c->user, &pw) < 0)
		return -1;
	s->tgts = calloc(c->ntgts, sizeof(*s->tgts));
	s->ifs = calloc(c->ntgts, sizeof(*s->ifs));
	if (s->tgts == NULL || s->ifs == NULL)
		return -1;
	state_dir_ready(c->state_dir, pw, "state");
	for (unsigned i = 0; i < c->ntgts; i++) {
		if (c->tgts[i].overlay) {
			state_dir_ready(c->tgts[i].overlay, pw, "overlays");
			live_dirs_ready(c->tgts[i].overlay, pw);
		}
		s->tgts[i].disk.fd = -1;
		s->ntgts++;
		if (open_target(&s->tgts[i], &c->tgts[i], c->state_dir) < 0 ||
		    attach(s, &s->tgts[i]) < 0)
			return -1;
	}
	for (unsigned i = 0; i < s->nifs; i++)
		if (open_iface(&s->ifs[i]) < 0)
			return -1;
	return 0;
}

/* --- announcements and counters ------------------------------------------ */

static void send_one(struct iface *ifc, const struct target *tg,
		     const uint8_t dst[6])
{
	uint8_t *out = next_buffer(ifc);
	size_t len = aoe_announce(&tg->t, dst, out, ifc->slot);

	if (len)
		queue_reply(ifc, len);
}

/* A target's Query Config response, unasked, to everyone it serves. */
static void announce_to(struct iface *ifc, const struct target *tg)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	if (tg->t.st.nmask == 0)
		send_one(ifc, tg, bcast);
	for (unsigned k = 0; k < tg->t.st.nmask; k++)
		send_one(ifc, tg, tg->t.st.mask[k]);
}

static void announce(struct server *s)
{
	for (unsigned i = 0; i < s->nifs; i++) {
		struct iface *ifc = &s->ifs[i];

		for (unsigned j = 0; j < ifc->ntgts; j++)
			announce_to(ifc, ifc->tgts[j]);
		flush_queue(ifc);
	}
}

static void log_start(const struct target *tg)
{
	log_notice("e%u.%u on %s: %s, %llu sectors, %u sectors/frame, bufcnt %u",
		   tg->t.shelf, tg->t.slot, tg->conf->netif, tg->conf->file,
		   (unsigned long long)tg->t.sectors,
		   aoe_max_sectors(tg->t.mtu), tg->t.bufcnt);
}

static void log_counters(const struct server *s)
{
	for (unsigned i = 0; i < s->ntgts; i++) {
		const struct target *tg = &s->tgts[i];
		const struct aoe_counters *c = &tg->cnt;

		log_notice("%s on %s: frames in %" PRIu64 ", out %" PRIu64
			   ", reads %" PRIu64 ", writes %" PRIu64 ", flushes %"
			   PRIu64 ", errors %" PRIu64 ", bytes read %" PRIu64
			   ", written %" PRIu64, tg->name, tg->conf->netif,
			   c->in, c->out, c->reads, c->writes, c->flushes,
			   aoe_count_errors(c), c->rbytes, c->wbytes);
	}
}

/* --metrics: every target's counters, replaced atomically; failures logged once. */
static void write_metrics(struct server *s)
{
	struct aoe_counted *counted;
	struct metrics m = { 0 };
	int rc = -ENOMEM;

	if (s->conf->metrics == NULL)
		return;
	counted = calloc(s->ntgts, sizeof(*counted));
	for (unsigned i = 0; counted && i < s->ntgts; i++)
		counted[i] = (struct aoe_counted){ s->tgts[i].name,
						   s->tgts[i].conf->netif,
						   &s->tgts[i].cnt };
	if (counted) {
		aoe_count_metrics(&m, counted, s->ntgts);
		rc = metrics_commit(&m, s->conf->metrics);
	}
	free(counted);
	if (rc < 0 && !s->metrics_failing)
		log_warn("%s: %s", s->conf->metrics, strerror(-rc));
	else if (rc == 0 && s->metrics_failing)
		log_notice("%s: written again", s->conf->metrics);
	s->metrics_failing = rc < 0;
}

static void reload_state(struct server *s)
{
	for (unsigned i = 0; i < s->ntgts; i++)
		aoe_state_load(s->tgts[i].state_path, &s->tgts[i].t.st);
	log_notice("state reloaded");
}

/* --- reload (SIGHUP with -c) ---------------------------------------------- */

/* The running target at tc's address, or NULL. */
static struct target *running(struct server *s, const struct tgt_conf *tc)
{
	for (unsigned i = 0; i < s->ntgts; i++) {
		const struct tgt_conf *o = s->tgts[i].conf;

		if (o->shelf == tc->shelf && o->slot == tc->slot &&
		    strcmp(o->netif, tc->netif) == 0)
			return &s->tgts[i];
	}
	return NULL;
}

static struct iface *iface_find(struct server *s, const char *name)
{
	for (unsigned i = 0; i < s->nifs; i++)
		if (strcmp(s->ifs[i].name, name) == 0)
			return &s->ifs[i];
	return NULL;
}

/*
 * Raw sockets are opened as root at start and not after: a target on an
 * interface not open yet needs a restart.  Every such line is reported.
 */
static unsigned new_interfaces(struct server *s, const struct tgt_conf_file *f)
{
	unsigned bad = 0;

	for (unsigned i = 0; i < f->ntgts; i++) {
		if (iface_find(s, f->tgts[i].netif))
			continue;
		log_err("%s:%u: %s: not an interface this process opened at "
			"start; adding an interface needs a restart",
			s->conf->config, f->tgts[i].line, f->tgts[i].netif);
		bad++;
	}
	return bad;
}

static void close_target(struct target *tg)
{
	ovdir_close(tg->ov);
	disk_close(&tg->disk);
	tg->ov = NULL;
}

/* What a reload builds before the running targets are touched. */
struct reload {
	struct tgt_conf_file f;
	struct target *nt;      /* f.ntgts new targets */
	struct target **from;   /* per new target: the running one it keeps */
	bool *keep;             /* per running target: kept */
	bool *fresh;            /* per new target: opened now */
};

/* Pairs each target of the file with a running one that serves alike. */
static void reload_match(struct server *s, struct reload *r)
{
	for (unsigned i = 0; i < r->f.ntgts; i++) {
		struct target *old = running(s, &r->f.tgts[i]);

		if (old && tgt_conf_same(old->conf, &r->f.tgts[i])) {
			r->from[i] = old;
			r->keep[old - s->tgts] = true;
		}
	}
}

/*
 * The targets of the file: the running ones unchanged are moved over with
 * their state and counters, the others opened afresh (one that fails is
 * reported and left out); running targets not kept are closed first, so
 * that a changed one can take its overlays back.  Returns the count.
 */
static unsigned reload_targets(struct server *s, struct reload *r)
{
	unsigned n = 0;

	for (unsigned i = 0; i < s->ntgts; i++)
		if (!r->keep[i])
			close_target(&s->tgts[i]);
	for (unsigned i = 0; i < r->f.ntgts; i++) {
		struct target *tg = &r->nt[n];

		if (r->from[i]) {
			*tg = *r->from[i];
			tg->conf = &r->f.tgts[i];
			aoe_state_load(tg->state_path, &tg->t.st);
			n++;
			continue;
		}
		tg->disk.fd = -1;
		if (open_target(tg, &r->f.tgts[i], s->conf->state_dir) == 0) {
			r->fresh[n++] = true;
		} else {
			close_target(tg);
			memset(tg, 0, sizeof(*tg));
		}
	}
	return n;
}

static void announce_one(struct server *s, const struct target *tg)
{
	struct iface *ifc = iface_find(s, tg->conf->netif);

	announce_to(ifc, tg);
	flush_queue(ifc);
}

/* Each interface serves the targets on it now; its filter follows. */
static void reattach(struct server *s)
{
	for (unsigned i = 0; i < s->nifs; i++)
		s->ifs[i].ntgts = 0;
	for (unsigned i = 0; i < s->ntgts; i++)
		if (attach(s, &s->tgts[i]) < 0)
			log_err("e%u.%u: %s", s->tgts[i].t.shelf,
				s->tgts[i].t.slot, strerror(ENOMEM));
	for (unsigned i = 0; i < s->nifs; i++) {
		struct iface *ifc = &s->ifs[i];

		if (ifc->batch > DISPATCH_MAX)
			ifc->batch = DISPATCH_MAX;
		if (set_filter(ifc) != 0)
			log_err("%s: filter: %s", ifc->name,
				pcap_geterr(ifc->pcap));
	}
}

static void reload_free(struct reload *r)
{
	tgt_conf_file_free(&r->f);
	free(r->nt);
	free(r->from);
	free(r->keep);
	free(r->fresh);
}

/*
 * SIGHUP: the -c file read again.  A file with any problem (each reported
 * as FILE:LINE) or a target on an interface not open changes nothing.
 * Otherwise targets unchanged keep serving untouched, removed ones close,
 * added and changed ones open (as the user the daemon runs as) and
 * announce themselves.  Without -c, state files are read again.
 */
static void reload(struct server *s)
{
	const struct aoetarget_conf *c = s->conf;
	struct reload r = { 0 };
	unsigned n;

	if (c->config == NULL) {
		reload_state(s);
		return;
	}
	if (tgt_conf_load(c->config, c->defaults, false, &r.f) < 0 ||
	    new_interfaces(s, &r.f) > 0) {
		log_err("%s: not reloaded; the running configuration stays",
			c->config);
		reload_free(&r);
		return;
	}
	r.nt = calloc(r.f.ntgts, sizeof(*r.nt));
	r.from = calloc(r.f.ntgts, sizeof(*r.from));
	r.keep = calloc(s->ntgts + 1, sizeof(*r.keep));
	r.fresh = calloc(r.f.ntgts, sizeof(*r.fresh));
	if (!r.nt || !r.from || !r.keep || !r.fresh) {
		log_err("%s: not reloaded: %s", c->config, strerror(ENOMEM));
		reload_free(&r);
		return;
	}
	reload_match(s, &r);
	n = reload_targets(s, &r);
	free(s->tgts);
	s->tgts = r.nt;
	s->ntgts = n;
	r.nt = NULL;
	tgt_conf_file_free(&s->loaded);
	s->loaded = r.f;
	r.f = (struct tgt_conf_file){ 0 };
	reattach(s);
	for (unsigned i = 0; i < n; i++) {
		if (!r.fresh[i])
			continue;
		log_start(&s->tgts[i]);
		announce_one(s, &s->tgts[i]);
	}
	log_notice("%s: reloaded, %u target%s", c->config, n,
		   n == 1 ? "" : "s");
	reload_free(&r);
}

/* --- loop ------------------------------------------------------------------ */

static void signal_input(struct server *s)
{
	struct signalfd_siginfo si;

	while (read(s->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGUSR1) {
			log_counters(s);
			write_metrics(s);
		} else if (si.ssi_signo == SIGHUP)
			reload(s);
		else
			s->stop = true;
	}
}

static int epoll_add(int epfd, int fd, uint64_t key)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = key };

	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

static int setup_signals(struct server *s)
{
	s->sigfd = daemon_signalfd();
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (s->sigfd < 0 || s->epfd < 0 ||
	    epoll_add(s->epfd, s->sigfd, KEY_SIGNAL) < 0)
		return -1;
	for (unsigned i = 0; i < s->nifs; i++) {
		int fd = pcap_get_selectable_fd(s->ifs[i].pcap);

		if (fd < 0 || epoll_add(s->epfd, fd, KEY_IFACE + i) < 0)
			return -1;
	}
	return 0;
}

/* --metrics: a timer every --metrics-interval seconds, armed once. */
static int setup_timer(struct server *s)
{
	struct itimerspec every = { .it_interval.tv_sec = s->conf->metrics_interval,
				    .it_value.tv_sec = s->conf->metrics_interval };

	if (s->conf->metrics == NULL)
		return 0;
	s->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (s->timerfd < 0 || timerfd_settime(s->timerfd, 0, &every, NULL) < 0 ||
	    epoll_add(s->epfd, s->timerfd, KEY_TIMER) < 0)
		return -1;
	return 0;
}

static void timer_input(struct server *s)
{
	uint64_t ticks;

	if (read(s->timerfd, &ticks, sizeof(ticks)) == (ssize_t)sizeof(ticks))
		write_metrics(s);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * While frames keep coming, poll without sleeping for SPIN_NS after the
 * last one: an initiator with requests in flight sends the next within
 * microseconds, and catching it awake saves a wakeup on both sides.
 */
static int serve(struct server *s)
{
	struct epoll_event ev[16];
	uint64_t spin_until = 0;

	while (!s->stop) {
		bool spin = spin_until && now_ns() < spin_until;
		int n = epoll_wait(s->epfd, ev, 16, spin ? 0 : -1);
		unsigned served = 0;

		if (n < 0 && errno != EINTR) {
			log_err("epoll: %s", strerror(errno));
			return EXIT_FAIL;
		}
		for (int i = 0; i < n; i++) {
			if (ev[i].data.u64 == KEY_SIGNAL)
				signal_input(s);
			else if (ev[i].data.u64 == KEY_TIMER)
				timer_input(s);
			else
				served += pump(&s->ifs[ev[i].data.u64 -
						       KEY_IFACE]);
		}
		if (served)
			spin_until = SPIN_NS ? now_ns() + SPIN_NS : 0;
		else if (!spin)
			spin_until = 0;
	}
	return EXIT_OK;
}

/*
 * The pid file goes when the daemon does.  It was written as root; the
 * user the daemon became may not write its directory (/run), which is
 * expected and said at debug level only.
 */
static void teardown(struct server *s)
{
	if (s->pidfile_written)
		pidfile_remove(s->conf->pidfile);
	for (unsigned i = 0; i < s->nifs; i++) {
		struct iface *ifc = &s->ifs[i];

		if (ifc->pcap)
			pcap_close(ifc->pcap);
		if (ifc->sock >= 0)
			close(ifc->sock);
		free(ifc->bufs);
		free(ifc->tgts);
	}
	for (unsigned i = 0; i < s->ntgts; i++)
		close_target(&s->tgts[i]);
	if (s->sigfd >= 0)
		close(s->sigfd);
	if (s->timerfd >= 0)
		close(s->timerfd);
	if (s->epfd >= 0)
		close(s->epfd);
	free(s->ifs);
	free(s->tgts);
	tgt_conf_file_free(&s->loaded);
}

/*
 * Every raw socket and backing file is open by now.  A SIGHUP reload
 * opens the files of targets it adds as the user, and refuses a new
 * interface (a restart is needed): nothing later needs root or any
 * capability.
 */
static int drop_privileges(const struct aoetarget_conf *c)
{
	const char *why = "";
	int rc = priv_drop(c->user, NULL, &why);

	if (rc < 0) {
		log_err("dropping privileges to %s: %s: %s", c->user, why,
			strerror(-rc));
		return -1;
	}
	if (access(c->state_dir, W_OK | X_OK) < 0)
		log_warn("%s: %s; state will not be saved", c->state_dir,
			 strerror(errno));
	return 0;
}

/* --- sandbox -------------------------------------------------------------- */

/*
 * What the loop, SIGHUP and SIGUSR1 need once set up, on top of the base
 * list of lib/sandbox.c (exit, signals, clock, memory, write and close,
 * logging).  Nothing here opens a socket or changes an identity.
 */
static const struct sandbox_rule allowed[] = {
	/* The loop: epoll, the signalfd, the pcap ring (libpcap polls its
	 * socket for errors before it reads the mmap ring). */
	SANDBOX_ALLOW("epoll_wait"), SANDBOX_ALLOW("epoll_pwait"),
	SANDBOX_ALLOW("read"), SANDBOX_ALLOW("poll"), SANDBOX_ALLOW("ppoll"),
	/* Replies: one sendmmsg per batch on the packet socket. */
	SANDBOX_ALLOW("sendmmsg"),
	/* The backing files: reads (from the page cache first), writes,
	 * read-ahead hints, FLUSH CACHE. */
	SANDBOX_ALLOW("pread64"), SANDBOX_ALLOW("preadv"),
	SANDBOX_ALLOW("preadv2"), SANDBOX_ALLOW("pwrite64"),
	SANDBOX_ALLOW("pwritev"), SANDBOX_ALLOW("fadvise64"),
	SANDBOX_ALLOW("fdatasync"), SANDBOX_ALLOW("fsync"),
	/* Replies sent from the mapped file: are its pages in memory?  And,
	 * for a target a reload adds, is its file on tmpfs? */
	SANDBOX_ALLOW("mincore"), SANDBOX_ALLOW("fstatfs"),
	/* State files: read on SIGHUP; saved as a temporary (random name),
	 * synced, renamed over the old one, the directory synced. */
	SANDBOX_ALLOW("openat"), SANDBOX_ALLOW("fstat"),
	SANDBOX_ALLOW("newfstatat"), SANDBOX_ALLOW("lseek"),
	SANDBOX_ALLOW("getrandom"), SANDBOX_ALLOW("fchmod"),
	SANDBOX_ALLOW("rename"), SANDBOX_ALLOW("renameat"),
	SANDBOX_ALLOW("renameat2"), SANDBOX_ALLOW("unlink"),
	SANDBOX_ALLOW("unlinkat"),
	/* Overlays (--overlay): created as a temporary, synced, renamed, the
	 * directory synced; each held with a flock; marks for discard looked
	 * up at IDENTIFY, where the overlay's time of last use is set;
	 * the directory read at a target's start.  Each open overlay's map
	 * mapped (mmap, in the base list) from a file in /run, sized with
	 * ftruncate; a target added by a reload makes its directory there. */
	SANDBOX_ALLOW("flock"), SANDBOX_ALLOW("getdents64"),
	SANDBOX_ALLOW("utimensat"), SANDBOX_ALLOW("ftruncate"),
	SANDBOX_ALLOW("mkdir"), SANDBOX_ALLOW("mkdirat"),
	/* Reload: a new capture filter (libpcap sets it with setsockopt
	 * and drains frames the old one let through, the socket made
	 * non-blocking for that with fcntl). */
	SANDBOX_ALLOW("fcntl"), SANDBOX_ALLOW("recvfrom"),
	/* Exit: pcap_close releases the receive ring with setsockopt. */
	SANDBOX_ALLOW("setsockopt"),
};

static int enter_sandbox(const struct aoetarget_conf *c)
{
	const char *why = "";
	int rc;

	if (c->no_sandbox)
		return 0;
	rc = sandbox_enter(allowed, sizeof(allowed) / sizeof(allowed[0]), &why);
	if (rc < 0) {
		log_err("sandbox: %s: %s", why, strerror(-rc));
		return -1;
	}
	return 0;
}

/*
 * Opens everything while root (backing files, pcaps and packet sockets),
 * goes to the background when asked (-D), takes signals through a signalfd, becomes the
 * unprivileged user and installs the system-call allowlist.
 */
static int setup(struct server *s)
{
	const struct aoetarget_conf *c = s->conf;

	if (c->verbose)
		log_set_level(LOG_DEBUG);
	/* Blocked from the start: a signal before the signalfd exists waits
	 * for it instead of killing a target half set up. */
	daemon_block_signals();
	if (open_targets(s) < 0)
		return -1;
	for (unsigned i = 0; i < s->ntgts; i++)
		log_start(&s->tgts[i]);
	/* Fork first: a signalfd polled before a fork wakes only the parent. */
	if (daemon_setup(c->daemon, c->pidfile, LOG_DAEMON) < 0)
		return -1;
	s->pidfile_written = c->pidfile != NULL;
	if (setup_signals(s) < 0 || setup_timer(s) < 0) {
		log_err("event loop: %s", strerror(errno));
		return -1;
	}
	if (drop_privileges(c) < 0)
		return -1;
	return enter_sandbox(c);
}

unsigned aoetarget_check(const struct aoetarget_conf *conf, const char *config)
{
	char msg[PATH_MAX + 64];
	struct passwd *pw;
	unsigned bad = 0;

	for (unsigned i = 0; i < conf->ntgts; i++) {
		const struct tgt_conf *tc = &conf->tgts[i];
		struct disk d;

		if (open_disk(&d, tc, msg, sizeof(msg)) == 0) {
			disk_close(&d);
			continue;
		}
		bad++;
		if (config)
			fprintf(stderr, "%s:%u: %s\n", config, tc->line, msg);
		else
			fprintf(stderr, "%s\n", msg);
	}
	if (user_lookup(conf->user, &pw) < 0)
		bad++;
	bad += file_parent_report("--pidfile", conf->pidfile);
	bad += file_parent_report("--metrics", conf->metrics);
	return bad;
}

int aoetarget_serve(const struct aoetarget_conf *conf)
{
	struct server s = { .conf = conf, .epfd = -1, .sigfd = -1,
			    .timerfd = -1 };
	int rc = EXIT_FAIL;

	if (setup(&s) == 0) {
		announce(&s);
		write_metrics(&s);
		rc = serve(&s);
		log_counters(&s);
		write_metrics(&s);
	}
	teardown(&s);
	return rc;
}
