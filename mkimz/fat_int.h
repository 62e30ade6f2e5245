/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by fat.c and fat_scan.c; not part of the interface. */
#ifndef MKIMZ_FAT_INT_H
#define MKIMZ_FAT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "cursor.h"
#include "fat.h"

__attribute__((format(printf, 3, 4))) void
fat_errf(char *err, size_t errlen, const char *fmt, ...);

/* Recomputes a FAT32 FSInfo's (and its backup's) free count and next free
 * from fat; no-op without a valid FSInfo. */
void fat_fsinfo_update(const struct fat_geom *g, uint8_t *reserved,
		       const uint8_t *fat);
/* Copies sectors 0..2 over the FAT32 backup boot sectors. */
void fat_backup_boot(const struct fat_geom *g, uint8_t *reserved);

#endif
