/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The .chk file: decode, encode, the next update counter (see chk.h). */
#include "chk.h"

#include <stdio.h>
#include <string.h>

#include "cursor.h"

uint32_t chk_serial_offset(const struct fat_geom *g)
{
	if (g->serial_offset)
		return g->serial_offset;
	return g->type == FAT_32 ? FAT32_BS_VOLID : FAT16_BS_VOLID;
}

int chk_decode(const uint8_t *buf, size_t len, struct chk *c, char *err,
	       size_t errlen)
{
	struct fat_geom g;
	uint32_t serial;

	if (len != CHK_LEN) {
		snprintf(err, errlen, "%zu bytes, not %d", len, CHK_LEN);
		return -1;
	}
	if (buf[FAT_BS_SIGNATURE] != 0x55 || buf[FAT_BS_SIGNATURE + 1] != 0xaa) {
		snprintf(err, errlen, "no 55 AA signature");
		return -1;
	}
	if (fat_parse_boot(buf, len, &g, err, errlen))
		return -1;
	c->serial_offset = chk_serial_offset(&g);
	serial = get_le32(buf + c->serial_offset);
	c->counter = (uint16_t)(serial >> 16);
	c->checksum16 = (uint16_t)serial;
	return 0;
}

void chk_encode(const uint8_t boot[CHK_LEN], const struct fat_geom *g,
		uint16_t counter, uint16_t checksum16, uint8_t out[CHK_LEN])
{
	memcpy(out, boot, CHK_LEN);
	put_le32(out + chk_serial_offset(g),
		 (uint32_t)counter << 16 | checksum16);
}

uint16_t chk_next_counter(const uint8_t *old, size_t len)
{
	struct chk c;
	char err[128];

	if (chk_decode(old, len, &c, err, sizeof(err)))
		return 1;
	return (uint16_t)(c.counter + 1);
}
