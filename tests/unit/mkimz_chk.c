/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The .chk file: encode/decode round trip, the update counter, refusals
 * (truncated, oversize, no signature, not a FAT boot sector). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../mkimz/chk.h"
#include "../../mkimz/format.h"
#include "cursor.h"
#include "tap.h"

/* A FAT16 boot sector from the quick formatter, and its geometry. */
static void boot16(uint8_t bs[CHK_LEN], struct fat_geom *g)
{
	struct fmt16_plan p;
	struct fmt16_id id = { 63, 255, 63, 0xdeadbeef, "CHK" };
	char err[160];
	uint8_t *meta;

	if (fmt16_plan(65536, &p, err, sizeof(err)))
		abort();
	meta = malloc((size_t)p.meta_sectors * FMT16_SECTOR);
	if (!meta)
		abort();
	fmt16_build(&p, &id, meta);
	memcpy(bs, meta, CHK_LEN);
	free(meta);
	if (fat_parse_boot(bs, CHK_LEN, g, err, sizeof(err)))
		abort();
}

static void test_round_trip(void)
{
	uint8_t bs[CHK_LEN], out[CHK_LEN];
	struct fat_geom g;
	struct chk c;
	char err[160];

	boot16(bs, &g);
	is_int(chk_serial_offset(&g), FAT16_BS_VOLID, "FAT16 serial at 0x27");
	chk_encode(bs, &g, 7, 0xbeef, out);
	is_int(get_le32(out + FAT16_BS_VOLID), 0x0007beef,
	       "serial = counter << 16 | checksum16");
	ok(!memcmp(out, bs, FAT16_BS_VOLID) &&
		   !memcmp(out + FAT16_BS_VOLID + 4, bs + FAT16_BS_VOLID + 4,
			   CHK_LEN - FAT16_BS_VOLID - 4),
	   "every other byte is the boot sector's");
	is_int(chk_decode(out, sizeof(out), &c, err, sizeof(err)), 0,
	       "decodes");
	is_int(c.counter, 7, "counter");
	is_int(c.checksum16, 0xbeef, "checksum16");
	is_int(c.serial_offset, FAT16_BS_VOLID, "offset");
	is_int(chk_next_counter(out, sizeof(out)), 8, "next counter: 8");
	chk_encode(bs, &g, 0xffff, 1, out);
	is_int(chk_next_counter(out, sizeof(out)), 0, "counter wraps at 16 bits");
	out[FAT16_BS_BOOTSIG] = 0;
	is_int(chk_decode(out, sizeof(out), &c, err, sizeof(err)), 0,
	       "no extended boot signature: still decodes");
	is_int(c.serial_offset, FAT16_BS_VOLID, "and the FAT16 offset is used");
}

static void refused(const uint8_t *buf, size_t len, const char *want,
		    const char *name)
{
	struct chk c;
	char err[160] = "";

	is_int(chk_decode(buf, len, &c, err, sizeof(err)), -1, name);
	if (!ok(strstr(err, want) != NULL, "%s: says '%s'", name, want))
		diag("got '%s'", err);
	is_int(chk_next_counter(buf, len), 1, "and the next counter is 1");
}

static void test_refusals(void)
{
	uint8_t bs[CHK_LEN + 1], bad[CHK_LEN];
	struct fat_geom g;

	boot16(bs, &g);
	bs[CHK_LEN] = 0;
	is_int(chk_next_counter(NULL, 0), 1, "no old .chk: counter 1");
	refused(bs, 0, "0 bytes", "empty");
	refused(bs, CHK_LEN - 1, "511 bytes", "truncated");
	refused(bs, CHK_LEN + 1, "513 bytes", "oversize");
	memcpy(bad, bs, sizeof(bad));
	bad[CHK_LEN - 1] = 0;
	refused(bad, sizeof(bad), "55 AA", "no signature");
	memcpy(bad, bs, sizeof(bad));
	put_le16(bad + FAT_BPB_BYTSPERSEC, 100);
	refused(bad, sizeof(bad), "sector", "bytes per sector 100");
	memset(bad, 0, sizeof(bad));
	bad[CHK_LEN - 2] = 0x55;
	bad[CHK_LEN - 1] = 0xaa;
	refused(bad, sizeof(bad), "", "zeros with a signature");
}

int main(void)
{
	test_round_trip();
	test_refusals();
	return tap_done();
}
