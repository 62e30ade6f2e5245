/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * AoE request handling over constructed frames: every command path, its
 * errors, and the frames that must be dropped.  Frames are built into
 * buffers exactly as long as the request, so a read past the end shows
 * under ASan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../aoetarget/proto.h"
#include "tap.h"

static const uint8_t tmac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t imac[6] = { 0x02, 0, 0, 0, 0, 0x02 };
static const uint8_t other[6] = { 0x02, 0, 0, 0, 0, 0x03 };
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

struct frame {
	uint8_t b[9100];
	size_t len;
};

static uint8_t out[9100];
static struct aoe_decision d;

static void init_target(struct aoe_target *t)
{
	memset(t, 0, sizeof(*t));
	t->shelf = 3;
	t->slot = 7;
	memcpy(t->mac, tmac, 6);
	t->mtu = 1500;
	t->sectors = 1000;
	t->bufcnt = 16;
	t->fwver = 0x4001;
	t->write_cache = true;
}

static void hdr(struct frame *f, const uint8_t *dst, const uint8_t *src,
		uint8_t verflags, uint16_t shelf, uint8_t slot, uint8_t cmd)
{
	memcpy(f->b, dst, 6);
	memcpy(f->b + 6, src, 6);
	f->b[12] = 0x88;
	f->b[13] = 0xa2;
	f->b[14] = verflags;
	f->b[15] = 0;
	f->b[16] = (uint8_t)(shelf >> 8);
	f->b[17] = (uint8_t)shelf;
	f->b[18] = slot;
	f->b[19] = cmd;
	memcpy(f->b + 20, "\x12\x34\x56\x78", 4);
	f->len = 24;
}

static void put(struct frame *f, const void *p, size_t n)
{
	if (n == 0)
		return;
	memcpy(f->b + f->len, p, n);
	f->len += n;
}

static void ata(struct frame *f, const uint8_t *src, uint8_t aflags,
		uint8_t cmd, uint64_t lba, uint8_t count)
{
	uint8_t a[12] = { aflags, 0, count, cmd };

	for (int i = 0; i < 6; i++)
		a[4 + i] = (uint8_t)(lba >> (8 * i));
	hdr(f, tmac, src, 0x10, 3, 7, AOE_CMD_ATA);
	put(f, a, sizeof(a));
}

/* Runs the frame through a copy exactly as long as it is. */
static void run(struct aoe_target *t, const struct frame *f)
{
	uint8_t *copy = malloc(f->len ? f->len : 1);

	memcpy(copy, f->b, f->len);
	memset(out, 0xee, sizeof(out));
	aoe_handle(t, copy, f->len, out, sizeof(out), &d);
	free(copy);
}

static unsigned aoe_err(void) { return out[14] & AOE_FLAG_E ? out[15] : 0; }

static uint16_t id_word(unsigned w)
{
	return (uint16_t)(out[36 + 2 * w] | out[36 + 2 * w + 1] << 8);
}

static void test_headers(struct aoe_target *t)
{
	struct frame f;

	ata(&f, imac, 0, ATA_CHECK_POWER, 0, 0);
	run(t, &f);
	ok(d.reply, "CHECK POWER MODE answered");
	is_mem(out, imac, 6, "reply goes to the initiator");
	is_mem(out + 6, tmac, 6, "reply comes from our MAC");
	is_int(out[14], 0x18, "version 1 with R set");
	is_mem(out + 20, "\x12\x34\x56\x78", 4, "tag echoed");
	is_int(out[27], ATA_ST_DRDY, "status DRDY");
	is_int(out[26], 0xff, "count 0xff: active");

	f.b[14] = 0x18;
	run(t, &f);
	ok(!d.reply, "a frame with R set is ignored");

	ata(&f, imac, 0, ATA_CHECK_POWER, 0, 0);
	f.b[18] = 8;
	run(t, &f);
	ok(!d.reply, "another slot: ignored");
	f.b[18] = 0xff;
	f.b[16] = 0xff;
	f.b[17] = 0xff;
	memcpy(f.b, bcast, 6);
	run(t, &f);
	ok(d.reply, "broadcast shelf and slot: answered");
	is_int(out[16] << 8 | out[17], 3, "the reply names our shelf");
	is_int(out[18], 7, "the reply names our slot");
	f.b[17] = 2;
	run(t, &f);
	ok(!d.reply, "another shelf, broadcast slot: ignored");

	ata(&f, imac, 0, ATA_CHECK_POWER, 0, 0);
	memcpy(f.b, other, 6);
	run(t, &f);
	ok(!d.reply, "unicast to another MAC: ignored");

	f.b[12] = 0x08;
	f.b[13] = 0x00;
	memcpy(f.b, tmac, 6);
	run(t, &f);
	ok(!d.reply, "not AoE: ignored");
	for (size_t n = 0; n < 24; n++) {
		ata(&f, imac, 0, ATA_CHECK_POWER, 0, 0);
		f.len = n;
		run(t, &f);
		if (d.reply)
			break;
	}
	ok(!d.reply, "frames shorter than the AoE header are dropped");
}

static void test_version_cmd(struct aoe_target *t)
{
	struct frame f;

	hdr(&f, tmac, imac, 0x20, 3, 7, AOE_CMD_CONFIG);
	run(t, &f);
	ok(d.reply && aoe_err() == AOE_ERR_BADVER,
	   "version 2 addressed to us: error 5");
	hdr(&f, bcast, imac, 0x20, 0xffff, 0xff, AOE_CMD_CONFIG);
	run(t, &f);
	ok(!d.reply, "version 2 by broadcast: dropped");

	hdr(&f, tmac, imac, 0x10, 3, 7, 0x55);
	run(t, &f);
	ok(d.reply && aoe_err() == AOE_ERR_BADCMD, "unknown command: error 1");
	is_int(out[19], 0x55, "error reply echoes the command");
	is_mem(out + 20, "\x12\x34\x56\x78", 4, "error reply echoes the tag");
	ok(d.error, "error replies are counted as errors");

	hdr(&f, tmac, imac, 0x10, 3, 7, AOE_CMD_ATA);
	put(&f, "\0\0\0", 3);
	run(t, &f);
	ok(d.reply && aoe_err() == AOE_ERR_BADARG,
	   "ATA argument cut short: error 2");
}

static void test_read_write(struct aoe_target *t)
{
	struct frame f;
	uint8_t data[1024];

	ata(&f, imac, 0x40, ATA_READ_EXT, 998, 2);
	run(t, &f);
	ok(d.reply && d.io == AOE_IO_READ && d.lba == 998 && d.count == 2,
	   "READ EXT of the last two sectors");
	is_int(d.len, 36 + 1024, "the reply has room for the data");
	is_int(out[27], ATA_ST_DRDY, "read: status DRDY");
	is_int(out[26], 2, "read: count echoed");

	ata(&f, imac, 0, ATA_READ, 0x0e00000fULL | 0xe0ULL << 24, 1);
	f.b[24 + 7] = 0xe0;
	run(t, &f);
	ok(d.io == AOE_IO_READ && d.lba == 15,
	   "LBA28: the device bits of lba3 are masked off");

	ata(&f, imac, 0x40, ATA_READ_EXT, 0x10000000000ULL, 1);
	run(t, &f);
	ok(d.reply && d.io == AOE_IO_NONE && out[27] == ATA_ST_FAIL &&
		   out[25] == ATA_ER_IDNF,
	   "LBA48 far past the end: IDNF");
	ata(&f, imac, 0x40, ATA_READ_EXT, 999, 2);
	run(t, &f);
	ok(out[27] == ATA_ST_FAIL && out[25] == ATA_ER_IDNF && d.io == 0,
	   "a read across the end: IDNF, no short read");
	is_int(d.len, 36, "the IDNF reply carries no data");

	ata(&f, imac, 0x40, ATA_READ_EXT, 0, 3);
	run(t, &f);
	ok(d.reply && aoe_err() == AOE_ERR_BADARG && d.io == AOE_IO_NONE,
	   "3 sectors at MTU 1500: error 2");
	t->mtu = 9000;
	ata(&f, imac, 0x40, ATA_READ_EXT, 0, 17);
	run(t, &f);
	ok(d.io == AOE_IO_READ && d.count == 17, "17 sectors at MTU 9000");
	ata(&f, imac, 0x40, ATA_READ_EXT, 0, 18);
	run(t, &f);
	ok(aoe_err() == AOE_ERR_BADARG, "18 sectors at MTU 9000: error 2");
	t->mtu = 1500;

	ata(&f, imac, 0x41, ATA_WRITE_EXT, 10, 2);
	memset(data, 0x5a, sizeof(data));
	put(&f, data, sizeof(data));
	run(t, &f);
	ok(d.reply && d.io == AOE_IO_WRITE && d.lba == 10 && d.count == 2,
	   "WRITE EXT of two sectors");
	is_int(d.len, 36, "the write reply has no data");
	ata(&f, imac, 0x41, ATA_WRITE_EXT, 10, 2);
	put(&f, data, sizeof(data) - 1);
	run(t, &f);
	ok(aoe_err() == AOE_ERR_BADARG && d.io == AOE_IO_NONE,
	   "a write one byte short: error 2, nothing written");
	ata(&f, imac, 0x41, ATA_WRITE, 0xf0000000ULL | 5, 1);
	put(&f, data, 512);
	put(&f, "trailing", 8);
	run(t, &f);
	ok(d.io == AOE_IO_WRITE && d.lba == 5 && d.count == 1,
	   "LBA28 write, device bits masked, trailing bytes ignored");

	t->readonly = true;
	ata(&f, imac, 0x41, ATA_WRITE_EXT, 10, 1);
	put(&f, data, 512);
	run(t, &f);
	ok(out[27] == ATA_ST_FAIL && out[25] == ATA_ER_ABRT &&
		   d.io == AOE_IO_NONE,
	   "a write to a read-only target: ABRT");
	t->readonly = false;

	ata(&f, imac, 0x40, ATA_READ_EXT, 5, 0);
	run(t, &f);
	ok(d.reply && d.io == AOE_IO_NONE && out[27] == ATA_ST_DRDY,
	   "count 0: success without data");
}

/* The W flag disagrees with the command: ABRT, and no data moves. */
static void test_write_flag(struct aoe_target *t)
{
	struct frame f;
	uint8_t data[1024];

	memset(data, 0x5a, sizeof(data));
	ata(&f, imac, 0x40, ATA_WRITE_EXT, 10, 2);
	put(&f, data, sizeof(data));
	run(t, &f);
	ok(d.reply && d.io == AOE_IO_NONE && out[27] == ATA_ST_FAIL &&
		   out[25] == ATA_ER_ABRT && d.error,
	   "WRITE EXT without W: ABRT, nothing written");
	is_int(d.len, 36, "the refusal carries no data");
	is_int(out[26], 0, "the refusal moves no sectors");
	ata(&f, imac, 0x00, ATA_WRITE, 10, 1);
	put(&f, data, 512);
	run(t, &f);
	ok(d.io == AOE_IO_NONE && out[27] == ATA_ST_FAIL &&
		   out[25] == ATA_ER_ABRT,
	   "WRITE (LBA28) without W: ABRT, nothing written");
	ata(&f, imac, 0x40, ATA_WRITE_EXT, 10, 2);
	run(t, &f);
	ok(d.io == AOE_IO_NONE && out[25] == ATA_ER_ABRT,
	   "WRITE EXT without W or data: ABRT");
	ata(&f, imac, 0x41, ATA_READ_EXT, 10, 2);
	run(t, &f);
	ok(d.reply && d.io == AOE_IO_NONE && out[27] == ATA_ST_FAIL &&
		   out[25] == ATA_ER_ABRT && d.len == 36,
	   "READ EXT with W: ABRT, nothing read");
	ata(&f, imac, 0x01, ATA_READ, 10, 1);
	put(&f, data, 512);
	run(t, &f);
	ok(d.io == AOE_IO_NONE && out[25] == ATA_ER_ABRT,
	   "READ (LBA28) with W and data: ABRT");
	ata(&f, imac, 0x41, ATA_WRITE_EXT, 10, 1);
	put(&f, data, 512);
	run(t, &f);
	ok(d.io == AOE_IO_WRITE && d.count == 1,
	   "the same WRITE EXT with W writes");
}

static void test_other_ata(struct aoe_target *t)
{
	struct frame f;

	ata(&f, imac, 0, ATA_FLUSH, 0, 0);
	run(t, &f);
	ok(d.reply && d.io == AOE_IO_FLUSH, "FLUSH CACHE flushes");
	ata(&f, imac, 0x40, ATA_FLUSH_EXT, 0, 0);
	run(t, &f);
	ok(d.reply && d.io == AOE_IO_FLUSH, "FLUSH CACHE EXT flushes");
	ata(&f, imac, 0, 0xc8, 0, 1);
	run(t, &f);
	ok(out[27] == ATA_ST_FAIL && out[25] == ATA_ER_ABRT,
	   "READ DMA: ABRT");
	ata(&f, imac, 0, 0x00, 0, 0);
	run(t, &f);
	ok(out[27] == ATA_ST_FAIL && out[25] == ATA_ER_ABRT, "NOP: ABRT");
}

static void test_identify(struct aoe_target *t)
{
	struct frame f;

	t->sectors = 0x123456789ULL;
	ata(&f, imac, 0, ATA_IDENTIFY, 0, 1);
	run(t, &f);
	ok(d.reply && d.len == 36 + 512, "IDENTIFY: 512 bytes");
	is_int(out[27], ATA_ST_DRDY, "IDENTIFY: status DRDY");
	ok(id_word(49) & 0x0200, "word 49: LBA");
	is_int(id_word(60) | id_word(61) << 16, 0x0fffffff,
	       "words 60-61: LBA28 count capped");
	ok((id_word(83) & 0xc000) == 0x4000, "word 83 valid (bit 14 only)");
	ok(id_word(83) & 0x0400, "word 83: LBA48");
	ok(id_word(83) & 0x1000, "word 83: FLUSH CACHE");
	ok(id_word(83) & 0x2000, "word 83: FLUSH CACHE EXT");
	is_int(id_word(86) & 0x3400, 0x3400, "word 86: the same enabled");
	is_int((uint64_t)id_word(100) | (uint64_t)id_word(101) << 16 |
		       (uint64_t)id_word(102) << 32 |
		       (uint64_t)id_word(103) << 48,
	       0x123456789ULL, "words 100-103: the LBA48 count");
	is_mem(out + 36 + 54, "enbtoo toateraeg t", 18,
	       "model string in ATA byte order");
	is_mem(out + 36 + 20, "00300.-7", 8, "serial starts with shelf.slot");
	t->sectors = 1000;
	ata(&f, imac, 0, ATA_IDENTIFY, 0, 1);
	run(t, &f);
	is_int(id_word(60) | id_word(61) << 16, 1000,
	       "words 60-61 below the cap: exact");
}

static void cfg(struct frame *f, const uint8_t *src, uint8_t ccmd,
		const char *s)
{
	uint8_t a[8] = { 0, 0, 0, 0, 0, (uint8_t)(0x10 | ccmd), 0,
			 (uint8_t)strlen(s) };

	hdr(f, tmac, src, 0x10, 3, 7, AOE_CMD_CONFIG);
	put(f, a, sizeof(a));
	put(f, s, strlen(s));
}

static void test_config(struct aoe_target *t)
{
	struct frame f;

	cfg(&f, imac, AOE_CCMD_READ, "");
	run(t, &f);
	ok(d.reply && !d.persist, "config read answered");
	is_int(out[24] << 8 | out[25], 16, "bufcnt");
	is_int(out[26] << 8 | out[27], 0x4001, "firmware version");
	is_int(out[28], 2, "sectors per frame at MTU 1500");
	is_int(out[29], 0x10, "AoE version 1, ccmd 0");
	is_int(out[30] << 8 | out[31], 0, "empty string");

	cfg(&f, imac, AOE_CCMD_TEST, "x");
	run(t, &f);
	ok(!d.reply, "test on a mismatch: no answer");
	cfg(&f, imac, AOE_CCMD_SET, "hello");
	run(t, &f);
	ok(d.reply && d.persist && aoe_err() == 0, "set if empty: set");
	is_mem(out + 32, "hello", 5, "the reply carries the new string");
	cfg(&f, imac, AOE_CCMD_SET, "other");
	run(t, &f);
	ok(d.reply && aoe_err() == AOE_ERR_CFGSET && !d.persist,
	   "set when set: error 4");
	is_mem(out + 32, "hello", 5, "error 4 carries our string");
	cfg(&f, imac, AOE_CCMD_TEST, "hello");
	run(t, &f);
	ok(d.reply, "test on an exact match: answered");
	cfg(&f, imac, AOE_CCMD_TEST, "hell");
	run(t, &f);
	ok(!d.reply, "test on a prefix: no answer");
	cfg(&f, imac, AOE_CCMD_PREFIX, "hell");
	run(t, &f);
	ok(d.reply, "prefix test on a prefix: answered");
	cfg(&f, imac, AOE_CCMD_PREFIX, "hello!");
	run(t, &f);
	ok(!d.reply, "prefix test longer than ours: no answer");
	cfg(&f, imac, AOE_CCMD_FORCE, "forced");
	run(t, &f);
	ok(d.reply && d.persist && t->st.cfglen == 6 &&
		   memcmp(t->st.cfg, "forced", 6) == 0,
	   "force set replaces");
	cfg(&f, imac, 5, "");
	run(t, &f);
	ok(aoe_err() == AOE_ERR_BADARG, "ccmd 5: error 2");

	cfg(&f, imac, AOE_CCMD_FORCE, "abc");
	f.len--;
	run(t, &f);
	ok(aoe_err() == AOE_ERR_BADARG && t->st.cfglen == 6,
	   "string length past the end: error 2, unchanged");
	hdr(&f, tmac, imac, 0x10, 3, 7, AOE_CMD_CONFIG);
	put(&f, "\0\0\0\0\0\x14\x04\x01", 8);
	memset(f.b + f.len, 'a', 1025);
	f.len += 1025;
	run(t, &f);
	ok(aoe_err() == AOE_ERR_BADARG, "string of 1025 bytes: error 2");
	hdr(&f, tmac, imac, 0x10, 3, 7, AOE_CMD_CONFIG);
	put(&f, "\0\0\0\0\0\x14\x04\x00", 8);
	memset(f.b + f.len, 'a', 1024);
	f.len += 1024;
	run(t, &f);
	ok(d.reply && t->st.cfglen == 1024, "string of 1024 bytes: set");
	t->mtu = 9000;
	cfg(&f, imac, AOE_CCMD_READ, "");
	run(t, &f);
	is_int(out[28], 17, "sectors per frame at MTU 9000");
	t->mtu = 1500;
}

static void mask(struct frame *f, const uint8_t *src, uint8_t mcmd,
		 uint8_t dcount)
{
	uint8_t a[4] = { 0, mcmd, 0, dcount };

	hdr(f, tmac, src, 0x10, 3, 7, AOE_CMD_MASK);
	put(f, a, sizeof(a));
}

static void dir(struct frame *f, uint8_t dcmd, const uint8_t *mac)
{
	uint8_t a[2] = { 0, dcmd };

	put(f, a, 2);
	put(f, mac, 6);
}

static void test_mask(struct aoe_target *t)
{
	struct frame f;
	uint8_t mac[6] = { 0x02, 0x10, 0, 0, 0, 0 };

	mask(&f, imac, AOE_MCMD_EDIT, 1);
	dir(&f, AOE_DCMD_ADD, imac);
	run(t, &f);
	ok(d.reply && d.persist && t->st.nmask == 1, "mask: add");
	is_int(out[27], 1, "the reply lists one entry");
	is_mem(out + 30, imac, 6, "the entry is the MAC added");

	ata(&f, other, 0, ATA_CHECK_POWER, 0, 0);
	run(t, &f);
	ok(!d.reply, "ATA from a MAC not in the mask list: dropped");
	cfg(&f, other, AOE_CCMD_READ, "");
	run(t, &f);
	ok(!d.reply, "config from a MAC not in the mask list: dropped");
	mask(&f, other, AOE_MCMD_READ, 0);
	run(t, &f);
	ok(d.reply && out[27] == 1, "mask read from anyone: answered");
	ata(&f, imac, 0, ATA_CHECK_POWER, 0, 0);
	run(t, &f);
	ok(d.reply, "ATA from a listed MAC: answered");

	mask(&f, imac, AOE_MCMD_EDIT, 2);
	dir(&f, AOE_DCMD_ADD, other);
	run(t, &f);
	ok(d.reply && aoe_err() == AOE_ERR_BADARG && t->st.nmask == 1,
	   "directive count past the end: error 2, unchanged");
	mask(&f, imac, AOE_MCMD_EDIT, 2);
	dir(&f, AOE_DCMD_ADD, other);
	dir(&f, 7, other);
	run(t, &f);
	ok(out[26] == AOE_MERR_BADDCMD && out[27] == 1 && t->st.nmask == 1,
	   "bad DCmd: MError 2 at directive 1, nothing applied");
	mask(&f, imac, AOE_MCMD_EDIT, 1);
	dir(&f, AOE_DCMD_DEL, imac);
	run(t, &f);
	ok(t->st.nmask == 0 && out[27] == 0, "mask: delete empties the list");

	for (unsigned i = 0; i < AOE_LIST_MAX; i++) {
		mac[5] = (uint8_t)i;
		mask(&f, imac, AOE_MCMD_EDIT, 1);
		dir(&f, AOE_DCMD_ADD, mac);
		run(t, &f);
	}
	is_int(t->st.nmask, AOE_LIST_MAX, "the list fills up");
	ok(d.reply && d.len <= 1514, "a full list reply fits the frame");
	mask(&f, imac, AOE_MCMD_EDIT, 1);
	dir(&f, AOE_DCMD_ADD, imac);
	run(t, &f);
	ok(out[26] == AOE_MERR_FULL && t->st.nmask == AOE_LIST_MAX,
	   "adding to a full list: MError 3");
	mask(&f, imac, 9, 0);
	run(t, &f);
	ok(aoe_err() == AOE_ERR_BADARG, "bad MCmd: error 2");
	t->st.nmask = 0;
}

static void resv(struct frame *f, const uint8_t *src, uint8_t rcmd,
		 uint8_t n, const uint8_t *macs)
{
	uint8_t a[2] = { rcmd, n };

	hdr(f, tmac, src, 0x10, 3, 7, AOE_CMD_RESERVE);
	put(f, a, 2);
	put(f, macs, (size_t)n * 6);
}

static void test_reserve(struct aoe_target *t)
{
	struct frame f;

	resv(&f, imac, AOE_RCMD_SET, 1, imac);
	run(t, &f);
	ok(d.reply && d.persist && t->st.nresv == 1, "reserve: set");
	is_int(out[25], 1, "the reply lists one MAC");
	ata(&f, other, 0, ATA_CHECK_POWER, 0, 0);
	run(t, &f);
	ok(aoe_err() == AOE_ERR_RESERVED, "ATA from another MAC: error 6");
	cfg(&f, other, AOE_CCMD_FORCE, "x");
	run(t, &f);
	ok(aoe_err() == AOE_ERR_RESERVED, "config set from another: error 6");
	cfg(&f, other, AOE_CCMD_READ, "");
	run(t, &f);
	ok(d.reply && aoe_err() == 0, "config read from another: answered");
	ata(&f, imac, 0, ATA_CHECK_POWER, 0, 0);
	run(t, &f);
	ok(d.reply && aoe_err() == 0, "ATA from the holder: answered");
	resv(&f, other, AOE_RCMD_SET, 1, other);
	run(t, &f);
	ok(aoe_err() == AOE_ERR_RESERVED && t->st.nresv == 1,
	   "set by another: error 6");
	resv(&f, other, AOE_RCMD_READ, 0, NULL);
	run(t, &f);
	ok(d.reply && out[25] == 1 && memcmp(out + 26, imac, 6) == 0,
	   "read by anyone");
	resv(&f, other, AOE_RCMD_FORCE, 1, other);
	run(t, &f);
	ok(d.reply && t->st.nresv == 1 && memcmp(t->st.resv[0], other, 6) == 0,
	   "force set by another");
	uint8_t two[12];

	memcpy(two, imac, 6);
	memcpy(two + 6, other, 6);
	resv(&f, other, AOE_RCMD_SET, 2, two);
	f.len -= 6;
	run(t, &f);
	ok(aoe_err() == AOE_ERR_BADARG, "NMACs past the end: error 2");
	resv(&f, other, AOE_RCMD_SET, 0, NULL);
	run(t, &f);
	ok(d.reply && t->st.nresv == 0, "an empty list releases");
	resv(&f, other, 3, 0, NULL);
	run(t, &f);
	ok(aoe_err() == AOE_ERR_BADARG, "RCmd 3: error 2");
}

static void test_helpers(struct aoe_target *t)
{
	uint8_t buf[1514];
	struct aoe_decision dd;
	size_t n = aoe_announce(t, bcast, buf, sizeof(buf));

	ok(n == 32u + t->st.cfglen && memcmp(buf, bcast, 6) == 0 &&
		   buf[14] == 0x18 && buf[19] == AOE_CMD_CONFIG,
	   "announcement: a config response to broadcast");
	is_int(aoe_max_sectors(1500), 2, "MTU 1500: 2 sectors");
	is_int(aoe_max_sectors(9000), 17, "MTU 9000: 17 sectors");
	is_int(aoe_max_sectors(200000), 255, "huge MTU: 255 sectors");
	is_int(aoe_max_sectors(10), 0, "tiny MTU: none");

	memset(&dd, 0, sizeof(dd));
	memset(buf, 0, sizeof(buf));
	dd.io = AOE_IO_READ;
	dd.len = 36 + 1024;
	aoe_fail_ata(buf, &dd, ATA_ER_UNC);
	ok(dd.len == 36 && dd.io == AOE_IO_NONE && buf[27] == ATA_ST_FAIL &&
		   buf[25] == ATA_ER_UNC && dd.error,
	   "a failed read becomes an ATA error without data");
	aoe_fail_aoe(buf, &dd, AOE_ERR_UNAVAIL);
	ok(dd.len == 24 && (buf[14] & AOE_FLAG_E) && buf[15] == 3,
	   "a failed save becomes AoE error 3");
}

/* The reply just decided, as the counters read it. */
static const char *fault(void)
{
	return aoe_fault_name(aoe_reply_fault(out, d.len));
}

/* What each error reply reports, as errors_total{code} counts it. */
static void test_faults(void)
{
	struct aoe_target t;
	struct frame f;
	const uint8_t bad_dir[6] = { 0x02, 0x10, 0, 0, 0, 0 };

	init_target(&t);
	ata(&f, imac, 0x40, ATA_READ_EXT, 0, 1);
	run(&t, &f);
	is_str(fault(), "none", "a read that succeeds: no fault");
	is_str(aoe_fault_name(aoe_reply_fault(out, 20)), "none",
	       "a reply shorter than the AoE header: no fault");
	hdr(&f, tmac, imac, 0x10, 3, 7, 0x55);
	run(&t, &f);
	is_str(fault(), "bad_command", "AoE error 1: bad_command");
	hdr(&f, tmac, imac, 0x10, 3, 7, AOE_CMD_ATA);
	put(&f, "\0\0\0", 3);
	run(&t, &f);
	is_str(fault(), "bad_argument", "AoE error 2: bad_argument");
	hdr(&f, tmac, imac, 0x20, 3, 7, AOE_CMD_CONFIG);
	run(&t, &f);
	is_str(fault(), "unsupported_version", "AoE error 5");
	cfg(&f, imac, AOE_CCMD_SET, "a");
	run(&t, &f);
	cfg(&f, imac, AOE_CCMD_SET, "b");
	run(&t, &f);
	is_str(fault(), "config_string_present", "AoE error 4");
	aoe_fail_aoe(out, &d, AOE_ERR_UNAVAIL);
	is_str(fault(), "device_unavailable", "AoE error 3, a failed save");
	ata(&f, imac, 0x40, ATA_READ_EXT, 1000, 1);
	run(&t, &f);
	is_str(fault(), "ata_out_of_range", "a read past the end: IDNF");
	ata(&f, imac, 0x40, ATA_READ_EXT, 0, 1);
	run(&t, &f);
	aoe_fail_ata(out, &d, ATA_ER_UNC);
	is_str(fault(), "ata_io_error", "a failed read of the file: UNC");
	t.readonly = true;
	ata(&f, imac, 0x41, ATA_WRITE_EXT, 0, 1);
	put(&f, out, 512);
	run(&t, &f);
	is_str(fault(), "ata_aborted", "a write to a read-only target: ABRT");
	mask(&f, imac, AOE_MCMD_EDIT, 1);
	dir(&f, 7, bad_dir);
	run(&t, &f);
	is_str(fault(), "mask_bad_directive", "MAC Mask List MError 2");
	resv(&f, imac, AOE_RCMD_SET, 1, other);
	run(&t, &f);
	ata(&f, imac, 0, ATA_CHECK_POWER, 0, 0);
	run(&t, &f);
	is_str(fault(), "target_reserved", "AoE error 6");
	for (int k = AOE_FAULT_NONE; k <= AOE_FAULT_COUNT; k++)
		ok(strspn(aoe_fault_name((enum aoe_fault)k),
			  "abcdefghijklmnopqrstuvwxyz_") ==
			   strlen(aoe_fault_name((enum aoe_fault)k)),
		   "fault %d has a label: %s", k,
		   aoe_fault_name((enum aoe_fault)k));
}

int main(void)
{
	struct aoe_target t;

	init_target(&t);
	test_headers(&t);
	test_version_cmd(&t);
	test_read_write(&t);
	test_write_flag(&t);
	test_other_ata(&t);
	test_identify(&t);
	test_config(&t);
	test_mask(&t);
	test_reserve(&t);
	test_helpers(&t);
	test_faults();
	return tap_done();
}
