/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --probe: a PXE client that broadcasts one DISCOVER (and, when told, asks
 * the proxy on port 4011) and prints every reply as shell assignments.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cursor.h"
#include "dhcp.h"
#include "iface.h"
#include "log.h"
#include "opts.h"
#include "server.h"

/* Option 57: the largest reply the probe says it takes. */
#define PROBE_MAX_SIZE 1464
/* secs in every request: a client that has been trying for a while. */
#define PROBE_SECS 4

struct probe {
	const struct probe_conf *conf;
	int fd;
	uint32_t xid;
	uint8_t mac[6], uuid[PXE_UUID_LEN];
	unsigned nreplies;
	bool got_proxy, got_ack;
	uint32_t proxy;              /* option 54 of the first proxy offer */
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ---- output ------------------------------------------------------------- */

/* Single-quoted for sh: ' becomes '\''. */
static void put_quoted(FILE *out, const uint8_t *p, size_t n)
{
	fputc('\'', out);
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\'')
			fputs("'\\''", out);
		else
			fputc(p[i], out);
	}
	fputc('\'', out);
}

static bool printable(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] > 0x7e)
			return false;
	return n > 0;
}

static void put_value(FILE *out, const uint8_t *p, size_t n)
{
	char hex[2 * 255 + 1];

	if (printable(p, n)) {
		put_quoted(out, p, n);
		return;
	}
	for (size_t i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", p[i]);
	hex[2 * n] = '\0';
	put_quoted(out, (const uint8_t *)hex, 2 * n);
}

static void put_addr(FILE *out, const char *name, uint32_t a)
{
	char txt[INET_ADDRSTRLEN];
	struct in_addr in = { a };

	inet_ntop(AF_INET, &in, txt, sizeof(txt));
	fprintf(out, "%s='%s'\n", name, txt);
}

void probe_print(FILE *out, unsigned n, const struct dhcp_view *v,
		 uint16_t port)
{
	uint8_t len = 0;
	const uint8_t *p;
	uint32_t sid = 0;

	fprintf(out, "dhcp_reply=%u\ndhcp_port=%u\ndhcp_msgtype=%u\n", n, port,
		v->msgtype);
	p = dhcp_view_opt(v, DHCP_OPT_SERVER_ID, &len);
	if (p && len == 4) {
		memcpy(&sid, p, 4);
		put_addr(out, "dhcp_server", sid);
	} else {
		fputs("dhcp_server=''\n", out);
	}
	put_addr(out, "dhcp_yiaddr", v->yiaddr);
	put_addr(out, "dhcp_siaddr", v->siaddr);
	fputs("dhcp_file=", out);
	put_quoted(out, (const uint8_t *)v->file, strlen(v->file));
	fputs("\ndhcp_vendor_class=", out);
	p = dhcp_view_opt(v, DHCP_OPT_VENDOR_CLASS, &len);
	put_quoted(out, p, p ? len : 0);
	fputc('\n', out);
	for (unsigned i = 0; i < v->nopt; i++) {
		uint8_t code = v->opt[i].code;

		if (code == DHCP_OPT_MSGTYPE || code == DHCP_OPT_SERVER_ID ||
		    code == DHCP_OPT_VENDOR_CLASS)
			continue;
		fprintf(out, "dhcp_option_%u=", code);
		put_value(out, v->opt[i].p, v->opt[i].len);
		fputc('\n', out);
	}
	fputc('\n', out);
	fflush(out);
}

/* A ProxyDHCP answer: no address, vendor class PXEClient or HTTPClient. */
static bool is_proxy(const struct dhcp_view *v)
{
	uint8_t len = 0;
	const uint8_t *p = dhcp_view_opt(v, DHCP_OPT_VENDOR_CLASS, &len);

	return v->yiaddr == 0 && p &&
	       ((len >= 9 && memcmp(p, "PXEClient", 9) == 0) ||
		(len >= 10 && memcmp(p, "HTTPClient", 10) == 0));
}

/* ---- requests ----------------------------------------------------------- */

static void put_options(struct wcur *w, const struct probe *pr)
{
	const struct probe_conf *c = pr->conf;
	static const uint8_t params[] = { 1, 3, 6, 12, 15, 43, 54, 60, 66, 67,
					  97, 252, 175 };
	char vc[64];
	int n = snprintf(vc, sizeof(vc), "%s:Arch:%05u:UNDI:%s",
			 c->http ? "HTTPClient" : "PXEClient", c->arch,
			 c->arch ? "003016" : "002001");

	wcur_u8(w, DHCP_OPT_MAX_SIZE);
	wcur_u8(w, 2);
	wcur_be16(w, PROBE_MAX_SIZE);
	wcur_u8(w, DHCP_OPT_PARAM_LIST);
	wcur_u8(w, (uint8_t)(sizeof(params) - !c->ipxe));
	wcur_bytes(w, params, sizeof(params) - !c->ipxe);
	wcur_u8(w, DHCP_OPT_VENDOR_CLASS);
	wcur_u8(w, (uint8_t)n);
	wcur_bytes(w, vc, (size_t)n);
	wcur_u8(w, DHCP_OPT_CLIENT_ARCH);
	wcur_u8(w, 2);
	wcur_be16(w, c->arch);
	wcur_u8(w, DHCP_OPT_CLIENT_NDI);
	wcur_u8(w, 3);
	wcur_bytes(w, c->arch ? "\x01\x03\x10" : "\x01\x02\x01", 3);
	wcur_u8(w, DHCP_OPT_CLIENT_UUID);
	wcur_u8(w, 1 + PXE_UUID_LEN);
	wcur_u8(w, 0);                   /* type 0: a GUID follows */
	wcur_bytes(w, pr->uuid, PXE_UUID_LEN);
	if (c->ipxe) {
		wcur_u8(w, DHCP_OPT_USER_CLASS);
		wcur_u8(w, 4);
		wcur_bytes(w, "iPXE", 4);
	}
	wcur_u8(w, DHCP_OPT_END);
}

static size_t build_request(const struct probe *pr, uint8_t type,
			    uint32_t ciaddr, uint8_t *buf, size_t cap)
{
	struct wcur w = wcur_init(buf, cap);

	wcur_u8(&w, DHCP_BOOTREQUEST);
	wcur_u8(&w, DHCP_HTYPE_ETHER);
	wcur_u8(&w, DHCP_HLEN_ETHER);
	wcur_u8(&w, 0);                  /* hops */
	wcur_be32(&w, pr->xid);
	wcur_be16(&w, PROBE_SECS);
	wcur_be16(&w, ciaddr ? 0 : DHCP_FLAG_BROADCAST);
	wcur_bytes(&w, &ciaddr, DHCP_ADDR_LEN);
	wcur_zero(&w, 3 * DHCP_ADDR_LEN);  /* yiaddr, siaddr, giaddr */
	wcur_bytes(&w, pr->mac, DHCP_HLEN_ETHER);
	wcur_zero(&w, DHCP_CHADDR_LEN - DHCP_HLEN_ETHER + DHCP_SNAME_LEN +
		      DHCP_FILE_LEN);
	wcur_be32(&w, DHCP_COOKIE);
	wcur_u8(&w, DHCP_OPT_MSGTYPE);
	wcur_u8(&w, 1);
	wcur_u8(&w, type);
	put_options(&w, pr);
	if (wcur_used(&w) < DHCP_REPLY_MIN)
		wcur_zero(&w, DHCP_REPLY_MIN - wcur_used(&w));
	return wcur_ok(&w) ? wcur_used(&w) : 0;
}

static int send_to(const struct probe *pr, uint8_t type, uint32_t ciaddr,
		   uint32_t dst, uint16_t port)
{
	uint8_t buf[DHCP_REPLY_MAX];
	size_t n = build_request(pr, type, ciaddr, buf, sizeof(buf));
	struct sockaddr_in sin = { .sin_family = AF_INET };

	sin.sin_addr.s_addr = dst;
	sin.sin_port = htons(port);
	if (n == 0 || sendto(pr->fd, buf, n, 0, (struct sockaddr *)&sin,
			     sizeof(sin)) < 0) {
		log_err("%s: sendto: %s", pr->conf->iface, strerror(errno));
		return -1;
	}
	return 0;
}

/* ---- receiving ---------------------------------------------------------- */

/* Reads replies until the deadline (or the 4011 ACK when want_ack). */
static void collect(struct probe *pr, bool want_ack)
{
	uint64_t deadline = now_ms() + pr->conf->timeout * 1000u;
	uint8_t buf[4096];

	for (uint64_t now; (now = now_ms()) < deadline;) {
		struct pollfd pfd = { pr->fd, POLLIN, 0 };
		struct sockaddr_in src;
		socklen_t slen = sizeof(src);
		struct dhcp_view v;
		ssize_t n;
		uint16_t port;

		if (poll(&pfd, 1, (int)(deadline - now)) <= 0)
			continue;
		n = recvfrom(pr->fd, buf, sizeof(buf), MSG_DONTWAIT,
			     (struct sockaddr *)&src, &slen);
		if (n < 0 || dhcp_parse_reply(buf, (size_t)n, &v) < 0 ||
		    v.xid != pr->xid)
			continue;
		port = ntohs(src.sin_port);
		probe_print(stdout, ++pr->nreplies, &v, port);
		if (is_proxy(&v) && !want_ack && !pr->got_proxy) {
			uint8_t len = 0;
			const uint8_t *sid = dhcp_view_opt(&v, DHCP_OPT_SERVER_ID, &len);

			pr->got_proxy = true;
			if (sid && len == 4)
				memcpy(&pr->proxy, sid, 4);
		}
		if (want_ack && port == PXE_BINL_PORT && v.msgtype == DHCP_ACK) {
			pr->got_ack = true;
			return;
		}
	}
}

static int open_client(const struct probe_conf *c)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), one = 1;

	sin.sin_port = htons(DHCP_CLIENT_PORT);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, c->iface,
		       (socklen_t)strlen(c->iface)) < 0 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		log_err("%s: UDP port 68: %s", c->iface, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int request_ack(struct probe *pr)
{
	struct in_addr own;
	int rc = iface_ipv4(pr->conf->iface, &own);

	if (!pr->got_proxy || pr->proxy == 0) {
		log_err("no ProxyDHCP offer to ask on port 4011");
		return -1;
	}
	if (rc < 0) {
		log_err("%s: no IPv4 address: %s", pr->conf->iface,
			strerror(-rc));
		return -1;
	}
	if (send_to(pr, DHCP_REQUEST, own.s_addr, pr->proxy, PXE_BINL_PORT) < 0)
		return -1;
	collect(pr, true);
	return pr->got_ack ? 0 : -1;
}

int probe_main(const struct probe_conf *conf)
{
	struct probe pr;
	int rc;

	memset(&pr, 0, sizeof(pr));
	pr.conf = conf;
	if (conf->has_mac)
		memcpy(pr.mac, conf->mac, 6);
	else if ((rc = iface_mac(conf->iface, pr.mac)) < 0)
		die(EXIT_FAIL, "%s: %s", conf->iface, strerror(-rc));
	if (conf->has_uuid) {
		memcpy(pr.uuid, conf->uuid, PXE_UUID_LEN);
	} else {
		memcpy(pr.uuid, "netboot-", 8);
		memcpy(pr.uuid + 10, pr.mac, 6);
	}
	srandom((unsigned)(now_ms() ^ (uint64_t)getpid()));
	pr.xid = (uint32_t)random() ^ (uint32_t)random() << 16;
	pr.fd = open_client(conf);
	if (pr.fd < 0)
		return EXIT_FAIL;
	rc = send_to(&pr, DHCP_DISCOVER, 0, INADDR_BROADCAST, DHCP_SERVER_PORT);
	if (rc == 0)
		collect(&pr, false);
	if (rc == 0 && conf->request)
		rc = request_ack(&pr);
	close(pr.fd);
	return rc == 0 && pr.got_proxy ? EXIT_OK : EXIT_FAIL;
}
