/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What each PXE, UEFI, HTTP boot or iPXE client is given. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "num.h"
#include "policy.h"

static bool starts_with(const struct dhcp_val *v, const char *s)
{
	size_t n = strlen(s);

	return v->len >= n && memcmp(v->p, s, n) == 0;
}

/* "PXEClient:Arch:00007:UNDI:003016": the five digits after "Arch:". */
static bool arch_from_class(const struct dhcp_val *v, uint16_t *type)
{
	static const char pxe[] = "PXEClient:", http[] = "HTTPClient:";
	static const char arch[] = "Arch:";
	enum { ARCH_LEN = sizeof(arch) - 1, DIGITS = 5 };
	const char *p = (const char *)v->p;
	size_t skip = starts_with(v, pxe) ? sizeof(pxe) - 1
		      : starts_with(v, http) ? sizeof(http) - 1 : 0;
	uint64_t t;

	if (skip == 0 || v->len < skip + ARCH_LEN + DIGITS ||
	    memcmp(p + skip, arch, ARCH_LEN) ||
	    num_parse_mem(p + skip + ARCH_LEN, DIGITS, 0, UINT16_MAX, &t) < 0)
		return false;
	*type = (uint16_t)t;
	return true;
}

uint16_t pxe_client_arch(const struct dhcp_req *req)
{
	uint16_t t = PXE_ARCH_TYPE_BIOS;

	if (req->narch)
		return req->arch[0];
	arch_from_class(&req->vendor_class, &t);
	return t;
}

bool pxe_client_is_ipxe(const struct dhcp_req *req)
{
	const struct dhcp_val *uc = &req->user_class;

	return (uc->len == 4 && memcmp(uc->p, "iPXE", 4) == 0) ||
	       req->has_ipxe_encap || req->wants_ipxe_encap;
}

bool pxe_needs_host(const struct pxe_config *cfg)
{
	return cfg->xcat || (cfg->table && cfg->table->uses_host);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcasecmp(s + a - b, suffix) == 0;
}

bool pxe_file_is_ipxe(const char *file)
{
	const char *base = strrchr(file, '/');

	base = base ? base + 1 : file;
	return strncasecmp(base, "undionly", 8) == 0 ||
	       strncasecmp(base, "snponly", 7) == 0 ||
	       strncasecmp(base, "ipxe", 4) == 0 ||
	       ends_with(base, ".kpxe") || ends_with(base, ".kkpxe") ||
	       ends_with(base, ".kkkpxe");
}

static enum pxe_verdict ignore(struct pxe_answer *ans, const char *why)
{
	ans->reason = why;
	return PXE_IGNORE;
}

/* The message type to answer with, or 0 to stay silent. */
static uint8_t reply_type(const struct pxe_config *cfg,
			  const struct pxe_query *q, const char **why)
{
	const struct dhcp_req *req = q->req;

	if (q->port == PXE_PORT_BINL) {
		if (req->msgtype == DHCP_REQUEST || req->msgtype == DHCP_INFORM)
			return DHCP_ACK;
		*why = "not a REQUEST or INFORM on port 4011";
		return 0;
	}
	if (req->msgtype == DHCP_DISCOVER)
		return DHCP_OFFER;
	/*
	 * A REQUEST asking for an address is the address server's, even when
	 * that server shares our address (--no-bind on its host).
	 */
	if (req->msgtype == DHCP_REQUEST &&
	    (req->has_boot_item ||
	     (req->has_server_id && req->server_id == cfg->self &&
	      !req->has_requested_ip)))
		return DHCP_ACK;
	*why = req->msgtype == DHCP_REQUEST ? "REQUEST for another server"
					    : "not a DISCOVER or REQUEST";
	return 0;
}

/* What the command line gives an architecture. */
static const char *simple_file(const struct pxe_config *cfg,
			       const struct pxe_answer *ans)
{
	if (ans->http || pxe_arch_is_http(ans->arch))
		return cfg->http_url;
	if (cfg->file[ans->arch])
		return cfg->file[ans->arch];
	return pxe_arch_is_efi(ans->arch) ? cfg->efi_file : NULL;
}

/* The file for firmware (not iPXE): rule, then xCAT, then command line. */
static const char *firmware_file(const struct pxe_config *cfg,
				 const struct table_rule *rule,
				 const struct xcat_node *xn,
				 struct pxe_answer *ans)
{
	bool from_xcat = xn && !ans->http &&
			 xcat_boot_paths(xn, pxe_arch_is_efi(ans->arch),
					 ans->file, sizeof(ans->file), ans->bcd,
					 sizeof(ans->bcd)) == 0;

	/* A rule's file wins; the record still gives the BCD path. */
	if (rule && rule->file)
		return rule->file;
	return from_xcat ? ans->file : simple_file(cfg, ans);
}

/* iPXE gets a script, never an iPXE binary again. */
static const char *ipxe_file(const struct pxe_config *cfg,
			     const struct table_rule *rule,
			     const struct xcat_node *xn, struct pxe_answer *ans)
{
	const char *f;

	if (rule && rule->script)
		return rule->script;
	if (rule && rule->file && (rule->match & TM_IPXE) && rule->ipxe)
		return rule->file;
	if (cfg->ipxe_script)
		return cfg->ipxe_script;
	f = firmware_file(cfg, rule, xn, ans);
	return f && !pxe_file_is_ipxe(f) ? f : NULL;
}

static void classify(const struct dhcp_req *req, struct pxe_answer *ans)
{
	ans->arch_type = pxe_client_arch(req);
	ans->arch = pxe_arch_class(ans->arch_type);
	ans->ipxe = pxe_client_is_ipxe(req);
	ans->http = starts_with(&req->vendor_class, "HTTPClient");
}

/* Whether the offer must send the client to port 4011 to be decided there. */
static bool must_defer(const struct pxe_config *cfg, const struct pxe_query *q,
		       const struct table_rule *rule, bool needs_ip,
		       const struct pxe_answer *ans)
{
	if (q->has_ip || ans->http)
		return false;
	if (needs_ip)
		return true;
	if (cfg->xcat == NULL ||
	    (rule && (rule->file || rule->script || rule->nmenu)))
		return false;
	return !(ans->ipxe && cfg->ipxe_script);
}

static void set_vendor(struct pxe_answer *ans, const uint8_t *p, size_t n)
{
	memcpy(ans->vendor, p, n);
	ans->rep.vendor = ans->vendor;
	ans->rep.vendor_len = n;
}

/* An OFFER without file or option 43 (UEFI, or deciding later): the
 * client asks siaddr (or option 54) on port 4011. */
static enum pxe_verdict offer_binl(const struct pxe_config *cfg,
				   struct pxe_answer *ans)
{
	ans->deferred = true;
	ans->rep.siaddr = cfg->self;
	ans->rep.file = NULL;
	ans->rep.bcd = NULL;
	return PXE_REPLY;
}

static enum pxe_verdict offer(const struct pxe_config *cfg,
			      const struct table_rule *rule, const char *file,
			      struct pxe_answer *ans)
{
	static const uint8_t direct[] = { PXE_DISCOVERY_CONTROL, 1,
					  PXE_DC_USE_FILE, DHCP_OPT_END };
	bool firmware = !ans->ipxe && !ans->http;

	if (rule && rule->nmenu && firmware && !pxe_arch_is_efi(ans->arch)) {
		size_t n = table_menu_encode(rule, cfg->self, ans->vendor,
					     sizeof(ans->vendor));

		if (n == 0)
			return ignore(ans, "menu does not fit option 43");
		offer_binl(cfg, ans);
		ans->deferred = false;
		set_vendor(ans, ans->vendor, n);
		return PXE_REPLY;
	}
	if (file == NULL)
		return ignore(ans, "no boot file for this client");
	if (firmware && pxe_arch_is_efi(ans->arch))
		return offer_binl(cfg, ans);
	ans->rep.file = file;
	if (firmware)
		set_vendor(ans, direct, sizeof(direct));
	return PXE_REPLY;
}

static enum pxe_verdict ack(const struct dhcp_req *req,
			    const struct table_rule *rule, const char *file,
			    struct pxe_answer *ans)
{
	if (req->has_boot_item) {
		uint16_t type = (uint16_t)(req->boot_item[0] << 8 |
					   req->boot_item[1]);
		const struct table_menu_item *it = table_menu_item(rule, type);
		uint8_t echo[DHCP_OPT_HDR_LEN + PXE_BOOT_ITEM_LEN + 1] = {
			PXE_BOOT_ITEM, PXE_BOOT_ITEM_LEN
		};

		/* Type 0 is the PXE bootstrap server: the plain boot file. */
		if (it && it->type != 0)
			file = it->file;
		memcpy(echo + DHCP_OPT_HDR_LEN, req->boot_item,
		       PXE_BOOT_ITEM_LEN);
		echo[DHCP_OPT_HDR_LEN + PXE_BOOT_ITEM_LEN] = DHCP_OPT_END;
		set_vendor(ans, echo, sizeof(echo));
	}
	if (file == NULL)
		return ignore(ans, "no boot file for this client");
	ans->rep.file = file;
	return PXE_REPLY;
}

static void start_reply(const struct pxe_config *cfg,
			const struct table_rule *rule, uint8_t type,
			struct pxe_answer *ans)
{
	if (rule && rule->bcd)
		snprintf(ans->bcd, sizeof(ans->bcd), "%s", rule->bcd);
	ans->rep.msgtype = type;
	ans->rep.server_id = cfg->self;
	ans->rep.siaddr = rule && rule->has_tftp ? rule->tftp
			  : cfg->tftp_server ? cfg->tftp_server : cfg->self;
	ans->rep.vendor_class = ans->http ? "HTTPClient" : "PXEClient";
	ans->rep.bcd = ans->bcd[0] ? ans->bcd : NULL;
}

enum pxe_verdict pxe_decide(const struct pxe_config *cfg,
			    const struct pxe_query *q, struct pxe_answer *ans)
{
	const struct dhcp_req *req = q->req;
	const struct table_rule *rule;
	const struct xcat_node *xn;
	const char *file, *why = "";
	struct pxe_client c;
	bool needs_ip;
	uint8_t type;

	memset(ans, 0, sizeof(*ans));
	if (!starts_with(&req->vendor_class, "PXEClient") &&
	    !starts_with(&req->vendor_class, "HTTPClient")) {
		ans->not_pxe = true;
		return ignore(ans, "no PXEClient or HTTPClient vendor class");
	}
	type = reply_type(cfg, q, &why);
	if (type == 0)
		return ignore(ans, why);
	if (req->vendor.len > PXE_VENDOR_REQ_MAX)
		return ignore(ans, "option 43 longer than PXE clients send");
	classify(req, ans);
	c = (struct pxe_client){ req->chaddr, q->has_ip, q->ip, q->host,
				 ans->arch_type, ans->ipxe };
	rule = table_match(cfg->table, &c, &needs_ip);
	ans->rule_line = rule ? rule->line : 0;
	if (rule && rule->ignore)
		return ignore(ans, "the table says ignore");
	xn = xcat_find(cfg->xcat, q->host);
	file = ans->ipxe ? ipxe_file(cfg, rule, xn, ans)
			 : firmware_file(cfg, rule, xn, ans);
	start_reply(cfg, rule, type, ans);
	if (type == DHCP_OFFER && must_defer(cfg, q, rule, needs_ip, ans))
		return offer_binl(cfg, ans);
	return type == DHCP_OFFER ? offer(cfg, rule, file, ans)
				  : ack(req, rule, file, ans);
}
