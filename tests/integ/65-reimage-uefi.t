#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Re-imaging on UEFI, end to end (netboot(7), "Re-imaging"): as
# 64-reimage-bios.t, with OVMF's own PXE client booting an unsigned GRUB
# (grub/grubnetx64.efi from mkaoeinitrd --restore --install --server, the
# name bootcfg's table gives restore hosts) and an EFI system partition as the image: a FAT32 volume whose
# \EFI\BOOT\BOOTX64.EFI, a GRUB made by grub-mkstandalone, prints its
# GREETING.TXT.  The host's GRUB file chain-loads that program once the
# restore environment has left netboot_next=local on the volume (it
# searches for \EFI\BOOT\BOOTX64.EFI).
# 1. first power-on: the .imz is fetched, the greeting appears;
# 2. second power-on: only the .chk, the greeting again.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/bootcfg.sh"
. "$HERE/tools/proxydhcp.sh"
. "$HERE/tools/qemu.sh"
. "$HERE/tools/kernel.sh"
. "$HERE/tools/mkimz.sh"
. "$HERE/tools/glue.sh"
. "$HERE/tools/reimage.sh"

REIMAGE_MAC=52:54:00:0a:00:65
pd_firmware_require
glue_require
bootcfg_require
require_cmd grub-mknetdir grub-mkstandalone grub-mkimage mkfs.fat mcopy mmd \
    mtype busybox gzip
[ -r /usr/lib/grub/x86_64-efi/efinet.mod ] ||
	skip_all "no GRUB for UEFI (grub-efi-amd64-bin)"
kernel_fetch || skip_all "$KERNEL_WHY"
chmod 755 "$T"
TR=$T/tftp

run reimage_tftp_root "$TR" "$PD_SERVER"
is "$RC" 0 "mkaoeinitrd --restore --install --server builds and installs"
[ "$RC" = 0 ] || fatal "$(cat "$T/err")"
ok "... an unsigned GRUB for UEFI with the server in its prefix" \
    grep -aq "(tftp,$PD_SERVER)/grub" "$TR/grub/grubnetx64.efi"
reimage_volume_uefi "$T/vol.img" GREETING-UEFI-ONE || fatal "cannot make the ESP"
reimage_capture "$T/vol.img" "$TR"
is "$RC" 0 "netboot-capture publishes the ESP as lab.imz"
reimage_servers "$TR" '$0C Y +48 Mb'
reimage_first_two GREETING-UEFI-ONE --uefi --rom none
done_testing
