/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The generated files, each appended to an sbuf: per-host boot loader
 * configurations (pxelinux, GRUB, iPXE), in gen.c; the DHCP fragments
 * are in dhcp.h.  Pure: no file is touched here.  Functions that expand settings return false
 * after reporting an error to e->d.
 */
#ifndef BC_GEN_H
#define BC_GEN_H

#include "boot.h"

/* Where per-host files go, relative to the TFTP root. */
#define BC_DIR_PXELINUX "pxelinux.cfg"
#define BC_DIR_GRUB "grub"
#define BC_DIR_IPXE "ipxe"
#define BC_DIR_HOSTS "hosts"

/*
 * Restore hosts (profile key restore, netboot(7)): the GRUB every BIOS
 * and x86-64 UEFI client of theirs gets from DHCP, and the GRUB
 * environment block on the client's own disk that holds the one-shot
 * netboot_next=local flag: a file in the restored FAT partition (the
 * profile's restore-partition, else 1), as GRUB 2.06's save_env writes
 * files in place but refuses block lists such as (hd0)1+2.
 */
#define BC_RESTORE_GRUB_BIOS "grub/i386-pc/core.0"
#define BC_RESTORE_GRUB_EFI "grub/grubnetx64.efi"
#define BC_RESTORE_ENVBLK "/NETBOOT.ENV"

/* File names (relative to the TFTP root) of host h's boot files. */
void bc_path_pxelinux(const struct bc_host *h, struct sbuf *out);
void bc_path_grub(const struct bc_host *h, struct sbuf *out);
void bc_path_ipxe(const struct bc_host *h, struct sbuf *out);

bool bc_gen_pxelinux(const struct bc_env *e, const struct bc_host *h,
		     struct sbuf *out);
bool bc_gen_grub(const struct bc_env *e, const struct bc_host *h,
		 struct sbuf *out);
/* arch < 0: one script for every firmware, choosing at run time. */
bool bc_gen_ipxe(const struct bc_env *e, const struct bc_host *h, int arch,
		 struct sbuf *out);

/*
 * pxelinux.cfg/default, grub/grub.cfg and ipxe/boot.ipxe: each sends a
 * machine to its own file, or to local boot.  grub/grub.cfg is what a
 * GRUB with prefix /grub (Debian's signed grubnetx64.efi) reads first.
 */
void bc_gen_pxelinux_default(struct sbuf *out);
void bc_gen_grub_default(struct sbuf *out);
void bc_gen_ipxe_default(struct sbuf *out);
/* What a CGI answers a client it does not know, or a bad query. */
void bc_gen_ipxe_unknown(struct sbuf *out, const char *why);

#endif
