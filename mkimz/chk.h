/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The .chk file (mkimz.5): a 512-byte copy of the source volume's boot
 * sector whose 32-bit volume serial number (at 0x27 on FAT12/16, 0x43 on
 * FAT32; little-endian) holds counter << 16 | checksum16.  A client
 * compares it with the copy it cached to decide whether to fetch the .imz
 * again.  Pure functions over buffers: pack reads the old .chk with
 * file_read() and hands it here; the fuzzer does the same.
 */
#ifndef MKIMZ_CHK_H
#define MKIMZ_CHK_H

#include <stddef.h>
#include <stdint.h>

#include "fat.h"

#define CHK_LEN		512

struct chk {
	uint32_t serial_offset;	/* where the serial lies in the sector */
	uint16_t counter;	/* packs to this name, counting from 1 */
	uint16_t checksum16;	/* xxh64_fold16() of the whole raw data */
};

/* Where g's volume serial lies: its boot signature's, else the offset its
 * FAT type has. */
uint32_t chk_serial_offset(const struct fat_geom *g);

/*
 * Decodes a .chk held in buf[0..len): exactly CHK_LEN bytes ending in
 * 55 AA that parse as a FAT boot sector.  0, or -1 with the reason in err.
 */
int chk_decode(const uint8_t *buf, size_t len, struct chk *c, char *err,
	       size_t errlen);

/* out = boot with the serial at chk_serial_offset(g) replaced. */
void chk_encode(const uint8_t boot[CHK_LEN], const struct fat_geom *g,
		uint16_t counter, uint16_t checksum16, uint8_t out[CHK_LEN]);

/* The counter the next .chk gets after old[0..len) (len 0: none): the old
 * counter + 1 (wrapping), or 1 when old is not a .chk. */
uint16_t chk_next_counter(const uint8_t *old, size_t len);

#endif
