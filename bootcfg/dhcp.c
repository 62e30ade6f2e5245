/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Aggregate files: one entry per host, in hosts-file order.  A firmware
 * client gets the iPXE binary for its family (bootcfg(5) FIRMWARE FILES),
 * or nothing when the profile has none for it, never another family's;
 * iPXE (and older Etherboot/gPXE) gets the host's script, so iPXE never
 * loads itself again.  A restore host's BIOS and x86-64 UEFI clients get
 * GRUB instead, iPXE or not: GRUB checks the local-boot flag (netboot(7)).
 */
#include "dhcp.h"

#include <string.h>

#include "escape.h"
#include "gen.h"

/* Settings every aggregate needs for one host. */
struct agg {
	const char *next_server;        /* NULL: none */
	const char *script;             /* what iPXE fetches */
	const char *fw[BC_FW_COUNT];    /* iPXE per firmware; NULL: none */
	struct bc_boot boot;            /* on BIOS, for the root path */
	struct bc_boot boot_x64;        /* on x86-64 UEFI, for WinPE */
	struct arena a;
};

/* Whether f gets GRUB whatever the client is (a restore host's x86 ones). */
static bool fw_grub(const struct agg *g, enum bc_fw f)
{
	return g->boot.kind == BC_KIND_RESTORE &&
	       (f == BC_FW_BIOS || f == BC_FW_EFI_X64);
}

static bool agg_get(const struct bc_env *e, const struct bc_host *h,
		    struct agg *g)
{
	struct sbuf path = { 0 };
	bool ok;

	memset(g, 0, sizeof(*g));
	ok = bc_boot_resolve(e, h, BC_ARCH_BIOS, &g->a, &g->boot);
	ok = bc_boot_resolve(e, h, BC_ARCH_EFI_X64, &g->a, &g->boot_x64) && ok;
	bc_path_ipxe(h, &path);
	g->next_server = bc_setting(e, h, "next-server", BC_ARCH_BIOS, NULL,
				    &g->a, &ok);
	g->script = bc_setting(e, h, "script", BC_ARCH_BIOS,
			       arena_strndup(&g->a, path.p, path.len),
			       &g->a, &ok);
	for (int f = 0; f < BC_FW_COUNT; f++) {
		const struct bc_fw_info *fi = bc_fw_info((enum bc_fw)f);
		const char *v = bc_setting(e, h, fi->key, fi->arch, fi->dflt,
					   &g->a, &ok);

		g->fw[f] = bc_value_none(v) ? NULL : v;
		if (fw_grub(g, (enum bc_fw)f))
			g->fw[f] = f == BC_FW_BIOS ? BC_RESTORE_GRUB_BIOS
						   : BC_RESTORE_GRUB_EFI;
	}
	sb_free(&path);
	return ok;
}

static bool is_aoe(const struct agg *g)
{
	return g->boot.kind == BC_KIND_SANBOOT &&
	       strncmp(g->boot.target, "aoe:", 4) == 0;
}

/*
 * "no ipxe-efi-arm64 in profile P", for a comment in syntax syn: why a
 * firmware gets no boot file.
 */
static void fw_none(struct bc_emit *m, enum bc_syntax syn, enum bc_fw f)
{
	sb_printf(m->out, "no %s in profile ", bc_fw_info(f)->key);
	bc_emit_put(m, syn, "profile", m->h->profile);
}

/* --- ISC dhcpd ------------------------------------------------------------ */

static void dhcpd_filename(struct bc_emit *m, const char *indent,
			   const char *what, const char *file)
{
	sb_printf(m->out, "%s  filename ", indent);
	bc_emit_put(m, BC_SYN_DHCPD, what, file);
	sb_puts(m->out, ";\n");
}

/*
 * "} elsif option arch = 00:07 or option arch = 00:09 {" (kw: "  if " or
 * "  } elsif "), HTTP clients by name too.  The types are written as the
 * option's two bytes: dhcpd compares data, and "option arch = 7" is
 * silently never true.
 */
static void dhcpd_fw_test(struct sbuf *out, const char *kw,
			  const struct bc_fw_info *fi)
{
	sb_puts(out, kw);
	for (unsigned i = 0; i < fi->ntype; i++)
		sb_printf(out, "%soption arch = %02x:%02x", i ? " or " : "",
			  fi->type[i] >> 8, fi->type[i] & 0xff);
	if (fi->http)
		sb_puts(out, " and\n          substring (option "
			     "vendor-class-identifier, 0, 10) = \"HTTPClient\"");
	sb_puts(out, " {\n");
}

static void dhcpd_fw(struct bc_emit *m, const struct agg *g, enum bc_fw f,
		     const char *kw)
{
	const struct bc_fw_info *fi = bc_fw_info(f);

	dhcpd_fw_test(m->out, kw, fi);
	if (g->fw[f] == NULL) {
		sb_puts(m->out, "    # ");
		fw_none(m, BC_SYN_DHCPD_WORD, f);
		sb_puts(m->out, ": no boot file\n");
		return;
	}
	if (fi->http)
		sb_puts(m->out, "    option vendor-class-identifier "
				"\"HTTPClient\";\n");
	dhcpd_filename(m, "  ", fi->key, g->fw[f]);
}

static void dhcpd_host(struct bc_emit *m, const struct agg *g)
{
	const struct bc_host *h = m->h;
	struct sbuf *out = m->out;
	char mac[MAC_STRLEN];
	const char *kw = "  if ";

	sb_puts(out, "host ");
	bc_emit_put(m, BC_SYN_DHCPD_WORD, "name", h->name);
	sb_printf(out, " {\n  hardware ethernet %s;\n",
		  mac_format(h->mac, MAC_FMT_COLON, mac));
	if (h->has_ip)
		sb_printf(out, "  fixed-address %s;\n", h->ipstr);
	sb_puts(out, "  option host-name ");
	bc_emit_put(m, BC_SYN_DHCPD, "name", h->name);
	sb_puts(out, ";\n");
	if (g->next_server) {
		sb_puts(out, "  next-server ");
		bc_emit_put(m, BC_SYN_DHCPD_WORD, "next-server", g->next_server);
		sb_puts(out, ";\n");
	}
	if (is_aoe(g)) {
		sb_puts(out, "  option root-path ");
		bc_emit_put(m, BC_SYN_DHCPD, "sanboot", g->boot.target);
		sb_puts(out, ";\n");
	}
	for (int f = 0; f < BC_FW_COUNT; f++)
		if (fw_grub(g, (enum bc_fw)f)) {
			dhcpd_fw(m, g, (enum bc_fw)f, kw);
			kw = "  } elsif ";
		}
	sb_printf(out, "%sexists user-class and option user-class = \"iPXE\" {\n",
		  kw);
	dhcpd_filename(m, "  ", "script", g->script);
	sb_puts(out, "  } elsif substring (option vendor-class-identifier, 0, 9) = \"Etherboot\" {\n");
	dhcpd_filename(m, "  ", "script", g->script);
	for (int f = 0; f < BC_FW_COUNT; f++)
		if (!fw_grub(g, (enum bc_fw)f))
			dhcpd_fw(m, g, (enum bc_fw)f, "  } elsif ");
	sb_puts(out, "  }\n}\n");
}

static const char dhcpd_head[] =
	"# generated by bootcfg: ISC dhcpd host declarations\n"
	"# Include at the top level: option definitions may not be scoped.\n"
	"# Firmware of an architecture not named below gets no boot file.\n"
	"option arch code 93 = unsigned integer 16;\n";

/* --- dnsmasq -------------------------------------------------------------- */

/* dhcp-boot=tag:bc-TAG,TAGS,FILE[,,SERVER] */
static void dnsmasq_boot(struct bc_emit *m, const char *tag, const char *tags,
			 const char *what, const char *file,
			 const char *next_server)
{
	sb_printf(m->out, "dhcp-boot=tag:bc-%s,%s,", tag, tags);
	bc_emit_put(m, BC_SYN_DNSMASQ, what, file);
	if (next_server) {
		sb_puts(m->out, ",,");
		bc_emit_put(m, BC_SYN_DNSMASQ, "next-server", next_server);
	}
	sb_puts(m->out, "\n");
}

/* One firmware's boot file; an HTTP boot client is told HTTPClient back. */
static void dnsmasq_fw(struct bc_emit *m, const struct agg *g, const char *tag,
		       enum bc_fw f)
{
	const struct bc_fw_info *fi = bc_fw_info(f);
	struct sbuf tags = { 0 };

	if (g->fw[f] == NULL) {
		sb_printf(m->out, "# %s: ", fi->name);
		fw_none(m, BC_SYN_DNSMASQ, f);
		sb_puts(m->out, ", no boot file\n");
		return;
	}
	sb_printf(&tags, "%stag:bc-%s%s", fw_grub(g, f) ? "" : "tag:!ipxe,",
		  fi->name, fi->http ? ",tag:bc-http" : "");
	dnsmasq_boot(m, tag, tags.p, fi->key, g->fw[f],
		     fi->http ? NULL : g->next_server);
	if (fi->http)
		sb_printf(m->out, "dhcp-option-force=tag:bc-%s,tag:bc-%s,"
			  "tag:bc-http,60,HTTPClient\n", tag, fi->name);
	sb_free(&tags);
}

static void dnsmasq_host(struct bc_emit *m, const struct agg *g)
{
	const struct bc_host *h = m->h;
	struct sbuf *out = m->out;
	struct sbuf ipxe = { 0 };
	char mac[MAC_STRLEN], tag[MAC_STRLEN];

	mac_format(h->mac, MAC_FMT_COLON, mac);
	mac_format(h->mac, MAC_FMT_BARE, tag);
	sb_printf(out, "dhcp-host=%s,set:bc-%s,%s%s", mac, tag,
		  h->has_ip ? h->ipstr : "", h->has_ip ? "," : "");
	bc_emit_put(m, BC_SYN_DNSMASQ, "name", h->name);
	sb_puts(out, "\n");
	sb_puts(&ipxe, "tag:ipxe");
	for (int f = 0; f < BC_FW_COUNT; f++)
		if (fw_grub(g, (enum bc_fw)f))
			sb_printf(&ipxe, ",tag:!bc-%s",
				  bc_fw_info((enum bc_fw)f)->name);
	dnsmasq_boot(m, tag, ipxe.p, "script", g->script, g->next_server);
	sb_free(&ipxe);
	for (int f = 0; f < BC_FW_COUNT; f++)
		dnsmasq_fw(m, g, tag, (enum bc_fw)f);
	if (is_aoe(g)) {
		sb_printf(out, "dhcp-option=tag:bc-%s,option:root-path,", tag);
		bc_emit_put(m, BC_SYN_DNSMASQ, "sanboot", g->boot.target);
		sb_puts(out, "\n");
	}
}

/* The tags: iPXE, each firmware by option 93, HTTP boot by vendor class. */
static void dnsmasq_head(struct sbuf *out)
{
	sb_puts(out, "# generated by bootcfg: dnsmasq hosts\n"
		     "# Firmware of an architecture not named below gets no "
		     "boot file.\n"
		     "dhcp-userclass=set:ipxe,iPXE\n"
		     "dhcp-vendorclass=set:ipxe,Etherboot\n");
	for (int f = 0; f < BC_FW_COUNT; f++) {
		const struct bc_fw_info *fi = bc_fw_info((enum bc_fw)f);

		for (unsigned i = 0; i < fi->ntype; i++)
			sb_printf(out, "dhcp-match=set:bc-%s,option:client-arch,"
				  "%u\n", fi->name, fi->type[i]);
	}
	sb_puts(out, "dhcp-vendorclass=set:bc-http,HTTPClient\n");
}

/* --- proxydhcp table (proxydhcp(5)) --------------------------------------- */

/* " KEY=VAL+SUFFIX", the value quoted as the table needs. */
static void proxydhcp_kv(struct bc_emit *m, const char *key, const char *what,
			 const char *val, const char *suffix)
{
	struct sbuf v = { 0 };

	sb_printf(&v, "%s%s", val, suffix);
	sb_printf(m->out, " %s=", key);
	bc_emit_put(m, BC_SYN_PROXYDHCP, what, v.p);
	sb_free(&v);
}

/*
 * One rule: mac=MAC, the rest of its head, file or script, and
 * tftp-server= unless the file is a URL.
 */
static void proxydhcp_rule(struct bc_emit *m, const char *mac, const char *head,
			   const char *key, const char *what, const char *val,
			   const char *suffix, const struct agg *g)
{
	sb_printf(m->out, "mac=%s %s", mac, head);
	proxydhcp_kv(m, key, what, val, suffix);
	if (suffix[0] && strcmp(key, "file") == 0)
		proxydhcp_kv(m, "bcd", what, val, "Boot/BCD");
	if (g->next_server && !strstr(val, "://"))
		proxydhcp_kv(m, "tftp-server", "next-server", g->next_server,
			     "");
	sb_puts(m->out, "\n");
}

/* Each firmware its own iPXE, or no answer: never another's binary. */
static void proxydhcp_fw(struct bc_emit *m, const char *mac,
			 const struct agg *g, enum bc_fw f)
{
	const struct bc_fw_info *fi = bc_fw_info(f);
	struct sbuf head = { 0 };

	if (g->fw[f] == NULL) {
		sb_printf(m->out, "mac=%s arch=%s ignore  # ", mac, fi->name);
		fw_none(m, BC_SYN_PROXYDHCP, f);
		sb_puts(m->out, "\n");
		return;
	}
	sb_printf(&head, "arch=%s%s", fi->name, fw_grub(g, f) ? "" : " ipxe=no");
	proxydhcp_rule(m, mac, head.p, "file", fi->key, g->fw[f], "", g);
	sb_free(&head);
}

static void proxydhcp_host(struct bc_emit *m, const struct agg *g)
{
	const struct bc_host *h = m->h;
	char mac[MAC_STRLEN];

	mac_format(h->mac, MAC_FMT_COLON, mac);
	sb_printf(m->out, "# %s\n", h->name);
	if (h->disabled) {
		sb_printf(m->out, "mac=%s ignore\n", mac);
		return;
	}
	if (g->boot.kind == BC_KIND_WINPE)
		proxydhcp_rule(m, mac, "arch=bios ipxe=no", "file", "winpe",
			       g->boot.winpe, "Boot/pxeboot.0", g);
	if (g->boot_x64.kind == BC_KIND_WINPE)
		proxydhcp_rule(m, mac, "arch=efi-x64 ipxe=no", "file", "winpe",
			       g->boot_x64.winpe, "Boot/bootmgfw.efi", g);
	for (int f = 0; f < BC_FW_COUNT; f++)
		if (fw_grub(g, (enum bc_fw)f))
			proxydhcp_fw(m, mac, g, (enum bc_fw)f);
	proxydhcp_rule(m, mac, "ipxe=yes", "script", "script", g->script, "",
		       g);
	for (int f = 0; f < BC_FW_COUNT; f++)
		if (!fw_grub(g, (enum bc_fw)f))
			proxydhcp_fw(m, mac, g, (enum bc_fw)f);
	sb_printf(m->out, "mac=%s ignore  # any other architecture\n", mac);
}

static const char proxydhcp_head[] =
	"# generated by bootcfg: proxydhcp node table, see proxydhcp(5)\n";

/* --- xCAT proxydhcp.cfg --------------------------------------------------- */

static bool xcat_host(const struct bc_env *e, const struct bc_host *h,
		      const struct agg *g, struct sbuf *out)
{
	char rec[BC_XCAT_NAME + BC_XCAT_PATH] = { 0 };
	size_t nl = strlen(h->name), pl = strlen(g->boot.winpe);

	if (nl >= BC_XCAT_NAME || pl > BC_XCAT_PATH) {
		diag_err(e->d, e->hs->file, h->line,
			 "host %s: xCAT records hold names of at most %d bytes "
			 "and paths of at most %d", h->name, BC_XCAT_NAME - 1,
			 BC_XCAT_PATH);
		return false;
	}
	memcpy(rec, h->name, nl);
	memcpy(rec + BC_XCAT_NAME, g->boot.winpe, pl);
	sb_add(out, rec, sizeof(rec));
	return true;
}

/* --- all of them, one pass ---------------------------------------------- */

static void (*const host_writers[BC_AGG_XCAT])(struct bc_emit *,
					       const struct agg *) = {
	[BC_AGG_DHCPD] = dhcpd_host,
	[BC_AGG_DNSMASQ] = dnsmasq_host,
	[BC_AGG_PROXYDHCP] = proxydhcp_host,
};

bool bc_gen_aggregates(const struct bc_env *e, struct sbuf *out[BC_AGG_COUNT])
{
	static const char *const heads[BC_AGG_COUNT] = {
		[BC_AGG_DHCPD] = dhcpd_head,
		[BC_AGG_PROXYDHCP] = proxydhcp_head,
		[BC_AGG_XCAT] = "",
	};
	bool ok = true;

	for (int k = 0; k < BC_AGG_COUNT; k++)
		if (out[k] && k == BC_AGG_DNSMASQ)
			dnsmasq_head(out[k]);
		else if (out[k])
			sb_puts(out[k], heads[k]);
	for (size_t i = 0; i < e->hs->n; i++) {
		const struct bc_host *h = &e->hs->v[i];
		struct agg g;

		ok = agg_get(e, h, &g) && ok;
		for (int k = BC_AGG_DHCPD; k <= BC_AGG_PROXYDHCP; k++) {
			struct bc_emit m = { .e = e, .h = h, .out = out[k],
					  .ok = true };

			if (out[k])
				host_writers[k](&m, &g);
			ok = m.ok && ok;
		}
		if (out[BC_AGG_XCAT] && g.boot.kind == BC_KIND_WINPE)
			ok = xcat_host(e, h, &g, out[BC_AGG_XCAT]) && ok;
		arena_free(&g.a);
	}
	return ok;
}

static bool gen_one(const struct bc_env *e, enum bc_agg k, struct sbuf *b)
{
	struct sbuf *out[BC_AGG_COUNT] = { NULL };

	out[k] = b;
	return bc_gen_aggregates(e, out);
}

bool bc_gen_dhcpd(const struct bc_env *e, struct sbuf *out)
{
	return gen_one(e, BC_AGG_DHCPD, out);
}

bool bc_gen_dnsmasq(const struct bc_env *e, struct sbuf *out)
{
	return gen_one(e, BC_AGG_DNSMASQ, out);
}

bool bc_gen_proxydhcp(const struct bc_env *e, struct sbuf *out)
{
	return gen_one(e, BC_AGG_PROXYDHCP, out);
}

bool bc_gen_xcat(const struct bc_env *e, struct sbuf *out)
{
	return gen_one(e, BC_AGG_XCAT, out);
}
