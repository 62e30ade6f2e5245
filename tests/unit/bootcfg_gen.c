/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Every generator over one small table. */
#include <stdlib.h>
#include <string.h>

#include "../../bootcfg/dhcp.h"
#include "../../bootcfg/gen.h"
#include "tap.h"

static const char profiles[] =
	"[defaults]\nnext-server = 198.18.0.1\n"
	"[profile lin]\nkernel = k\nkernel.efi-x64 = k.efi\ninitrd = i1 i2\n"
	"append = console=ttyS0 'q'\nkickstart = http://s/@NAME@.ks\n"
	"[profile san]\nsanboot = aoe:e3.1\n"
	"[profile win]\nwinpe = w/@NAME@\n"
	"[profile iso]\niso = t.iso\n"
	"[profile off]\nlocal = yes\n"
	"[profile all]\nkernel = k\nkernel.efi-arm64 = ka\nkernel.efi-ia32 = ki\n"
	"initrd.efi-arm64 = ia\nipxe-efi-ia32 = i32.efi\n"
	"ipxe-efi-arm64 = a64.efi\nipxe-efi-x64-http = http://s/x.efi\n"
	"ipxe-efi-arm64-http = http://s/a.efi\n"
	"[profile bios]\nkernel = k\nkernel.efi-x64 = -\nipxe-efi = -\n"
	"[profile url]\nkernel = k\ninitrd = http://s/d/i.img?x=1 /a/b/c.gz\n"
	"[profile own]\nkernel = k\ninitrd = i1\nappend = initrd=mine quiet\n"
	"[profile rst]\nrestore = lab-@NAME@\nrestore-layout = t/@NAME@.tab\n"
	"restore-partition = 2\nappend = console=ttyS0\n";
static const char hosts[] =
	"52:54:00:00:00:01 n1 198.18.0.11 lin\n"
	"52:54:00:00:00:02 n2 198.18.0.12 san\n"
	"52:54:00:00:00:03 win3 198.18.0.13 win\n"
	"52:54:00:00:00:04 n4 - iso\n"
	"!52:54:00:00:00:05 n5 198.18.0.15 lin\n"
	"52:54:00:00:00:06 n6 198.18.0.16 off\n"
	"52:54:00:00:00:07 n7 198.18.0.17 all\n"
	"52:54:00:00:00:08 n8 198.18.0.18 bios\n"
	"52:54:00:AB:CD:EF n9 198.18.0.19 url\n"
	"52:54:00:00:00:0a n10 198.18.0.20 own\n"
	"52:54:00:00:00:0b n11 198.18.0.21 rst\n";

static struct bc_hosts hs;
static struct bc_profiles ps;
static struct diag d;
static struct bc_env e = { .hs = &hs, .ps = &ps, .d = &d };

#define has(text, want, name) ok(strstr((text), (want)) != NULL, "%s", name)
#define hasnt(text, want, name) ok(strstr((text), (want)) == NULL, "%s", name)

typedef bool (*gen_fn)(const struct bc_env *, const struct bc_host *,
		       struct sbuf *);

static char *host_file(gen_fn fn, int i)
{
	static char out[4096];
	struct sbuf b = { 0 };

	if (!fn(&e, &hs.v[i], &b))
		diag("generator failed: %s", d.text.p);
	snprintf(out, sizeof(out), "%s", b.p);
	sb_free(&b);
	return out;
}

static bool ipxe_any(const struct bc_env *env, const struct bc_host *h,
		     struct sbuf *b)
{
	return bc_gen_ipxe(env, h, -1, b);
}

static void paths(void)
{
	struct sbuf b = { 0 };

	bc_path_pxelinux(&hs.v[0], &b);
	is_str(b.p, "pxelinux.cfg/01-52-54-00-00-00-01", "pxelinux name");
	sb_free(&b);
	bc_path_grub(&hs.v[0], &b);
	is_str(b.p, "grub/grub.cfg-01-52-54-00-00-00-01", "grub name");
	sb_free(&b);
	bc_path_ipxe(&hs.v[0], &b);
	is_str(b.p, "ipxe/52-54-00-00-00-01.ipxe", "ipxe name");
	sb_free(&b);
}

static void pxelinux(void)
{
	char *s = host_file(bc_gen_pxelinux, 0);

	has(s, "KERNEL k\n", "BIOS kernel");
	has(s, "APPEND initrd=i1,i2 console=ttyS0 'q' inst.ks=http://s/n1.ks\n",
	    "initrds, append, kickstart");
	has(host_file(bc_gen_pxelinux, 1), "APPEND dhcp && sanboot aoe:e3.1",
	    "SAN through ipxe.lkrn");
	has(host_file(bc_gen_pxelinux, 2), "KERNEL w/win3/Boot/pxeboot.0",
	    "WinPE chain");
	has(host_file(bc_gen_pxelinux, 3), "APPEND initrd=t.iso iso raw",
	    "memdisk ISO");
	s = host_file(bc_gen_pxelinux, 4);
	has(s, "LOCALBOOT 0", "disabled host boots locally");
	has(s, "disabled", "and says why");
	has(host_file(bc_gen_pxelinux, 5), "LOCALBOOT 0", "local profile");
}

static void grub(void)
{
	char *s = host_file(bc_gen_grub, 0);

	has(s, "linux /k.efi console=ttyS0 ''\\''q'\\''' inst.ks=", "UEFI kernel, quoting");
	has(s, "initrd /i1 /i2\n", "initrds");
	has(host_file(bc_gen_grub, 1), "chainloader /ipxe.efi 'dhcp && sanboot aoe:e3.1'",
	    "SAN through iPXE");
	has(host_file(bc_gen_grub, 2), "chainloader /w/win3/Boot/bootmgfw.efi",
	    "WinPE");
	has(host_file(bc_gen_grub, 4), "  exit\n", "disabled: exit to firmware");
}

static void ipxe(void)
{
	char *s = host_file(ipxe_any, 0);
	struct sbuf b = { 0 };

	ok(strncmp(s, "#!ipxe\n", 7) == 0, "script magic first");
	has(s, "iseq ${platform} pcbios && goto bios ||", "arch dispatch");
	has(s, ":efi-x64\nkernel /k.efi ", "UEFI branch");
	has(s, ":bios\nkernel /k console", "BIOS branch");
	has(s, ":efi-arm64\necho no boot file for efi-arm64 in profile lin "
	       "(no kernel.efi-arm64): booting locally\nexit\n",
	    "no x86 kernel for ARM64: a message and local boot");
	has(s, ":efi-ia32\necho no boot file for efi-ia32 in profile lin",
	    "nor for 32-bit UEFI");
	has(s, "iseq ${buildarch} x86_64 && goto efi-x64 ||\n"
	       "echo no boot file for ${buildarch} ${platform} in profile lin: "
	       "booting locally\nexit\n", "any other family told so too");
	has(s, "initrd /i1\ninitrd /i2\nboot\n", "one initrd line each");
	has(s, ":efi-x64\nkernel /k.efi initrd=i1 initrd=i2 console=ttyS0 ",
	    "UEFI: each initrd named on the kernel line");
	has(s, ":bios\nkernel /k console=ttyS0 ", "BIOS: none named");
	s = host_file(ipxe_any, 2);
	has(s, "iseq ${buildarch} x86_64 && goto bios ||", "same body, same label");
	hasnt(s, ":efi-x64", "no label for a body already there");
	s = host_file(ipxe_any, 1);
	has(s, "sanboot aoe:e3.1 ||\necho Could not boot the disk aoe:e3.1 "
	       "(with Secure Boot on, the boot loader on the disk must be "
	       "signed): booting locally\nexit\n",
	    "sanboot; if refused, why and local boot");
	hasnt(s, "goto", "no dispatch when every arch is the same");
	has(host_file(ipxe_any, 2), "kernel /wimboot\ninitrd /w/win3/Boot/BCD BCD\n",
	    "wimboot");
	s = host_file(ipxe_any, 3);
	has(s, "kernel /memdisk iso raw\ninitrd /t.iso\n", "memdisk");
	has(s, ":efi-x64\necho no boot file for efi-x64 in profile iso "
	       "(memdisk needs BIOS firmware)", "memdisk is for BIOS only");
	has(host_file(ipxe_any, 4), "exit\n", "disabled");
	bc_gen_ipxe(&e, &hs.v[0], BC_ARCH_EFI_X64, &b);
	has(b.p, "kernel /k.efi initrd=i1 initrd=i2 ", "one arch asked for");
	hasnt(b.p, "goto", "no dispatch then");
	sb_free(&b);
	bc_gen_ipxe_default(&b);
	has(b.p, "chain ${mac:hexhyp}.ipxe", "default chains per MAC");
	sb_free(&b);
}

/* A profile with every family's files, and one for BIOS alone. */
/* initrd= on UEFI kernel lines: last components, or the profile's own. */
/* A restore host: the restore environment everywhere, GRUB checking the
 * local-boot flag first; GRUB handed to its x86 firmware, iPXE or not. */
static void restore(void)
{
	static const char cmdline[] = "netboot.image=lab-n11 "
		"netboot.layout=t/n11.tab netboot.partition=2 console=ttyS0";
	char *s = host_file(bc_gen_grub, 10), *p;

	has(s, "insmod part_msdos\nset netboot_part='(hd0,msdos2)'\n"
	    "set netboot_env=\"$netboot_part\"" BC_RESTORE_ENVBLK "\n"
	    "if load_env --file \"$netboot_env\" netboot_next; then\n"
	    "  if [ \"$netboot_next\" = local ]; then\n",
	    "GRUB reads the one-shot flag from the restored partition");
	has(s, "    save_env --file \"$netboot_env\" netboot_next\n"
	    "    if [ \"$?\" != 0 ]; then\n",
	    "clears it, and boots the disk even when it cannot");
	has(s, "    set root=\"$netboot_part\"\n    chainloader +1\n",
	    "BIOS: the partition's boot sector");
	has(s, "      exit\n", "UEFI: back to the firmware");
	p = strstr(s, "menuentry");
	ok(p && strstr(p, "linux /restore/vmlinuz ") && strstr(p, cmdline) &&
	   strstr(p, "initrd /restore/initrd.img\n"),
	   "then the restore environment");
	has(host_file(bc_gen_pxelinux, 10), "APPEND initrd=restore/initrd.img ",
	    "pxelinux boots it too");
	has(host_file(bc_gen_pxelinux, 10), cmdline, "with the command line");
	s = host_file(ipxe_any, 10);
	has(s, ":bios\nchain /" BC_RESTORE_GRUB_BIOS "\n", "iPXE on BIOS: GRUB");
	has(s, ":efi-x64\nchain /" BC_RESTORE_GRUB_EFI "\n", "iPXE on UEFI: GRUB");
	has(s, "(no restore-kernel.efi-arm64)", "none for ARM64");
	hasnt(host_file(bc_gen_grub, 0), "load_env", "no flag check elsewhere");
}

static void ipxe_initrd_names(void)
{
	char *s = host_file(ipxe_any, 8);

	has(s, ":bios\nkernel /k\ninitrd http://s/d/i.img?x=1\n"
	       "initrd /a/b/c.gz\nboot\n", "BIOS: initrd lines only");
	has(s, "kernel /k initrd=i.img initrd=c.gz\n",
	    "UEFI: a URL's name without its query, a path's last component");
	s = host_file(ipxe_any, 9);
	has(s, "kernel /k initrd=mine quiet\ninitrd /i1\n",
	    "an initrd= in append is left alone");
	hasnt(s, "initrd=i1", "and none added");
}

/* grub/grub.cfg: GRUB's $net_default_mac turned into bc_path_grub()'s name. */
static void grub_dispatcher(void)
{
	struct sbuf b = { 0 }, path = { 0 }, want = { 0 };
	char mac[MAC_STRLEN];

	bc_gen_grub_default(&b);
	has(b.p, "regexp --set 1:m1 --set 2:m2 --set 3:m3 --set 4:m4 --set 5:m5 "
		 "--set 6:m6 '^(..):(..):(..):(..):(..):(..)$' "
		 "\"$net_default_mac\"\n", "MAC split into six variables");
	has(b.p, "configfile \"$prefix/grub.cfg-01-$m1-$m2-$m3-$m4-$m5-$m6\"\n",
	    "configfile of the host's own file");
	has(b.p, "echo \"No boot entry for $net_default_mac: booting locally\"\n"
		 "exit\n", "without one: a message and back to the firmware");
	/* As GRUB prints it: lower case, colons (net.c's "%02x:"). */
	mac_format(hs.v[8].mac, MAC_FMT_COLON, mac);
	is_str(mac, "52:54:00:ab:cd:ef", "GRUB's form of the MAC");
	sb_puts(&want, "grub/grub.cfg-01-");
	for (char *p = mac; *p; p++)
		sb_add(&want, *p == ':' ? "-" : p, 1);
	bc_path_grub(&hs.v[8], &path);
	is_str(path.p, want.p, "what GRUB asks for is the file bootcfg writes");
	sb_free(&b);
	sb_free(&path);
	sb_free(&want);
}

static void ipxe_per_arch(void)
{
	char *s = host_file(ipxe_any, 6);
	struct sbuf b = { 0 };

	has(s, ":efi-arm64\nkernel /ka initrd=ia\ninitrd /ia\nboot\n",
	    "ARM64 kernel, its initrd named for the EFI stub");
	has(s, ":efi-ia32\nkernel /ki\nboot\n",
	    "32-bit UEFI kernel, no x86 initrd");
	has(s, ":bios\nkernel /k\nboot\n", "unsuffixed files: BIOS ...");
	has(s, "iseq ${buildarch} x86_64 && goto bios ||", "... and x86-64 UEFI");
	s = host_file(ipxe_any, 7);
	has(s, ":efi-x64\necho no boot file for efi-x64 in profile bios "
	       "(no kernel.efi-x64)", "'-' takes a family's file away");
	has(host_file(bc_gen_grub, 7),
	    "  echo 'no boot file for efi-x64 in profile bios (no "
	    "kernel.efi-x64): booting locally'\n  exit\n", "GRUB says so too");
	has(host_file(bc_gen_pxelinux, 7), "KERNEL k\n", "BIOS still boots");
	bc_gen_ipxe(&e, &hs.v[0], BC_ARCH_EFI_ARM64, &b);
	has(b.p, "echo no boot file for efi-arm64", "one arch asked for: refused");
	sb_free(&b);
}

static char *aggregate(bool (*fn)(const struct bc_env *, struct sbuf *),
		       size_t *len)
{
	static char out[16384];
	struct sbuf b = { 0 };

	ok(fn(&e, &b), "aggregate generated");
	*len = b.len < sizeof(out) ? b.len : sizeof(out) - 1;
	memcpy(out, b.p, *len);
	out[*len] = '\0';
	sb_free(&b);
	return out;
}

/* Each firmware its own file, or none with a reason; HTTP gets URLs. */
static void firmware_aggregates(void)
{
	size_t len;
	char *s = aggregate(bc_gen_proxydhcp, &len);

	has(s, "mac=52:54:00:00:00:07 arch=bios ipxe=no file=undionly.kpxe "
	       "tftp-server=198.18.0.1\n", "table: BIOS");
	has(s, "mac=52:54:00:00:00:07 arch=efi-ia32 ipxe=no file=i32.efi ",
	    "table: 32-bit UEFI");
	has(s, "mac=52:54:00:00:00:07 arch=efi-arm64 ipxe=no file=a64.efi ",
	    "table: ARM64");
	has(s, "mac=52:54:00:00:00:07 arch=efi-x64-http ipxe=no "
	       "file=http://s/x.efi\n", "table: HTTP URL, no TFTP server");
	has(s, "mac=52:54:00:00:00:07 arch=efi-arm64-http ipxe=no "
	       "file=http://s/a.efi\n", "table: ARM64 HTTP URL");
	has(s, "mac=52:54:00:00:00:07 ignore  # any other architecture\n",
	    "table: the rest ignored");
	has(s, "mac=52:54:00:00:00:01 arch=efi-arm64 ignore  # no ipxe-efi-arm64 "
	       "in profile lin\n", "table: no file, no answer, and why");
	has(s, "mac=52:54:00:00:00:08 arch=efi-x64 ignore  # no ipxe-efi-x64 "
	       "in profile bios\n", "table: '-' is no file");
	hasnt(s, "mac=52:54:00:00:00:01 ipxe=no file=undionly.kpxe",
	      "table: no rule hands BIOS iPXE to every firmware");

	s = aggregate(bc_gen_dhcpd, &len);
	has(s, "option arch code 93 = unsigned integer 16;\n", "dhcpd: option 93");
	has(s, "  } elsif option arch = 00:0b {\n    filename \"a64.efi\";\n",
	    "dhcpd: ARM64");
	has(s, "  } elsif option arch = 00:10 and\n          substring (option "
	       "vendor-class-identifier, 0, 10) = \"HTTPClient\" {\n"
	       "    option vendor-class-identifier \"HTTPClient\";\n"
	       "    filename \"http://s/x.efi\";\n", "dhcpd: HTTP boot");
	has(s, "  } elsif option arch = 00:07 or option arch = 00:09 {\n"
	       "    # no ipxe-efi-x64 in profile bios: no boot file\n",
	    "dhcpd: no file, and why");
	hasnt(s, "} else {", "dhcpd: no catch-all boot file");

	s = aggregate(bc_gen_dnsmasq, &len);
	has(s, "dhcp-match=set:bc-efi-arm64,option:client-arch,11\n",
	    "dnsmasq: ARM64 by option 93");
	has(s, "dhcp-vendorclass=set:bc-http,HTTPClient\n",
	    "dnsmasq: HTTP boot by vendor class");
	has(s, "dhcp-boot=tag:bc-525400000007,tag:!ipxe,tag:bc-efi-arm64,"
	       "a64.efi,,198.18.0.1\n", "dnsmasq: ARM64 file");
	has(s, "dhcp-boot=tag:bc-525400000007,tag:!ipxe,tag:bc-efi-x64-http,"
	       "tag:bc-http,http://s/x.efi\n"
	       "dhcp-option-force=tag:bc-525400000007,tag:bc-efi-x64-http,"
	       "tag:bc-http,60,HTTPClient\n", "dnsmasq: HTTP URL, HTTPClient back");
	has(s, "# efi-arm64: no ipxe-efi-arm64 in profile lin, no boot file\n",
	    "dnsmasq: no file, and why");
}

static void aggregates(void)
{
	size_t len;
	char *s = aggregate(bc_gen_dhcpd, &len);

	has(s, "host n1 {\n  hardware ethernet 52:54:00:00:00:01;\n"
	       "  fixed-address 198.18.0.11;\n  option host-name \"n1\";\n"
	       "  next-server 198.18.0.1;\n", "dhcpd host");
	has(s, "option user-class = \"iPXE\" {\n    filename \"ipxe/52-54-00-00-00-01.ipxe\"",
	    "iPXE gets its script");
	has(s, "\"Etherboot\"", "Etherboot vendor class");
	has(s, "filename \"undionly.kpxe\"", "firmware gets iPXE");
	has(s, "option root-path \"aoe:e3.1\"", "AoE root path");
	has(s, "host n4 {\n  hardware ethernet 52:54:00:00:00:04;\n  option host-name",
	    "no fixed-address without an IP");
	s = aggregate(bc_gen_dnsmasq, &len);
	has(s, "dhcp-host=52:54:00:00:00:01,set:bc-525400000001,198.18.0.11,n1\n",
	    "dnsmasq host");
	has(s, "dhcp-boot=tag:bc-525400000001,tag:ipxe,ipxe/52-54-00-00-00-01.ipxe,,198.18.0.1\n",
	    "dnsmasq iPXE boot");
	has(s, "dhcp-option=tag:bc-525400000002,option:root-path,aoe:e3.1", "dnsmasq AoE");
	s = aggregate(bc_gen_proxydhcp, &len);
	has(s, "mac=52:54:00:00:00:01 ipxe=yes script=ipxe/52-54-00-00-00-01.ipxe tftp-server=198.18.0.1\n",
	    "table: iPXE rule");
	has(s, "mac=52:54:00:00:00:05 ignore\n", "table: disabled host ignored");
	has(s, "file=w/win3/Boot/bootmgfw.efi bcd=w/win3/Boot/BCD", "table: WinPE");
	firmware_aggregates();
	s = aggregate(bc_gen_xcat, &len);
	is_int(len, BC_XCAT_NAME + BC_XCAT_PATH, "one xCAT record");
	is_str(s, "win3", "record name");
	is_str(s + BC_XCAT_NAME, "w/win3/", "record path with its slash");
}

static void xcat_limits(void)
{
	struct bc_hosts h2 = { 0 };
	struct diag d2 = { 0 };
	struct bc_env e2 = { .hs = &h2, .ps = &ps, .d = &d2 };
	struct sbuf b = { 0 };
	char line[256];

	snprintf(line, sizeof(line), "52:54:00:00:00:09 %.*s - win\n", 50,
		 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	bc_hosts_parse(&h2, "H2", line, strlen(line), &d2);
	bc_hosts_resolve(&h2, &ps, &d2);
	ok(!bc_gen_xcat(&e2, &b), "50-byte name refused for xCAT");
	has(d2.text.p, "H2:1: host", "names the host line");
	sb_free(&b);
	bc_hosts_free(&h2);
	diag_free(&d2);
}

int main(void)
{
	bc_profiles_parse(&ps, "P", profiles, strlen(profiles), &d);
	bc_hosts_parse(&hs, "H", hosts, strlen(hosts), &d);
	bc_hosts_resolve(&hs, &ps, &d);
	is_int(d.errors, 0, "table parses");
	paths();
	pxelinux();
	grub();
	ipxe();
	ipxe_per_arch();
	ipxe_initrd_names();
	restore();
	grub_dispatcher();
	aggregates();
	xcat_limits();
	bc_hosts_free(&hs);
	bc_profiles_free(&ps);
	diag_free(&d);
	return tap_done();
}
