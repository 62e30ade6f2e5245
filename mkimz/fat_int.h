/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by fat.c and fat_scan.c; not part of the interface. */
#ifndef MKIMZ_FAT_INT_H
#define MKIMZ_FAT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "fat.h"

uint32_t fat_rd16(const uint8_t *p);
uint32_t fat_rd32(const uint8_t *p);
void fat_wr16(uint8_t *p, uint32_t v);
void fat_wr32(uint8_t *p, uint32_t v);
__attribute__((format(printf, 3, 4))) void
fat_errf(char *err, size_t errlen, const char *fmt, ...);

/* Recomputes a FAT32 FSInfo's (and its backup's) free count and next free
 * from fat; no-op without a valid FSInfo. */
void fat_fsinfo_update(const struct fat_geom *g, uint8_t *reserved,
		       const uint8_t *fat);
/* Copies sectors 0..2 over the FAT32 backup boot sectors. */
void fat_backup_boot(const struct fat_geom *g, uint8_t *reserved);

#endif
