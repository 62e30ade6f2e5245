/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * From a host and its profile to what one firmware family boots: settings
 * looked up (host, profile, [defaults]; arch variants first) and their
 * @TAG@s expanded.  Pure functions; problems go to the diag.
 */
#ifndef BC_BOOT_H
#define BC_BOOT_H

#include "profiles.h"

/* The restore environment's files under the TFTP root (netboot(7)). */
#define BC_RESTORE_KERNEL "restore/vmlinuz"
#define BC_RESTORE_INITRD "restore/initrd.img"

struct bc_env {
	const struct bc_hosts *hs;
	const struct bc_profiles *ps;
	struct diag *d;
};

/*
 * Appends text with every @TAG@ replaced for host h: NAME, IP, MAC,
 * MACDASH, MACHEX, PROFILE, ARCH, or any setting KEY (upper case; the key
 * is its lower-case spelling).  "@@" is one '@'; an '@' that does not start
 * a tag is kept.  A tag with no value is an error naming file:line and the
 * host.  Returns false after an error.
 */
bool bc_expand(const struct bc_env *e, const struct bc_host *h,
	       enum bc_arch arch, const char *text, size_t len,
	       const char *file, unsigned line, struct sbuf *out);

/*
 * bc_expand() with each tag's value checked and quoted for syn, an enum
 * bc_syntax (escape.h): how a template's tags are filled in.
 */
bool bc_expand_as(const struct bc_env *e, const struct bc_host *h,
		  enum bc_arch arch, int syn, const char *text, size_t len,
		  const char *file, unsigned line, struct sbuf *out);

/*
 * The expanded setting key for h on arch, allocated in a (NULL when unset,
 * or dflt if given).  *ok is cleared on an expansion error.
 */
const char *bc_setting(const struct bc_env *e, const struct bc_host *h,
		       const char *key, enum bc_arch arch, const char *dflt,
		       struct arena *a, bool *ok);

struct bc_boot {
	enum bc_kind kind;      /* BC_KIND_NONE: no boot file for this arch */
	const char *why;        /* then: "no kernel.efi-arm64", ... */
	const char *kernel, *initrd, *append;   /* initrd: blank-separated */
						/* (restore: its environment) */
	const char *target;                     /* sanboot URI */
	const char *winpe, *wimboot;            /* winpe ends in '/' */
	const char *memdisk, *iso;
	const char *ipxe_lkrn, *ipxe_efi;       /* to reach a SAN from pxelinux/GRUB */
};

/*
 * What h boots on arch (a disabled host boots locally).  The unsuffixed
 * files of a profile (kernel, initrd, winpe, wimboot, memdisk, iso) are
 * x86 files, for bios and efi-x64 only; efi-ia32 and efi-arm64 take only
 * KEY.ARCH values, and a file set to "-" is none.  A profile without a
 * file for arch gives kind BC_KIND_NONE and says why.  False on error.
 */
bool bc_boot_resolve(const struct bc_env *e, const struct bc_host *h,
		     enum bc_arch arch, struct arena *a, struct bc_boot *b);

#endif
