/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cursor.h"
#include "tap.h"

static void test_reads(void)
{
	static const uint8_t buf[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
				       0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c,
				       0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12,
				       0x13, 0x14, 0x15, 0x16, 0x17 };
	struct cur c = cur_init(buf, sizeof(buf));

	is_int(cur_u8(&c), 0x01, "u8");
	is_int(cur_be16(&c), 0x0203, "be16");
	is_int(cur_be32(&c), 0x04050607, "be32");
	ok(cur_be64(&c) == 0x08090a0b0c0d0e0fULL, "be64");
	is_int(cur_le16(&c), 0x1110, "le16");
	is_int(cur_le32(&c), 0x15141312, "le32");
	is_int(cur_left(&c), 2, "two bytes left");
	ok(cur_ok(&c), "cursor still good");
}

static void test_truncated(void)
{
	static const uint8_t buf[] = { 0xaa, 0xbb, 0xcc };
	struct cur c = cur_init(buf, sizeof(buf));

	is_int(cur_be32(&c), 0, "be32 past the end reads 0");
	ok(!cur_ok(&c), "and marks the cursor bad");
	is_int(cur_left(&c), 3, "without consuming anything");
	is_int(cur_u8(&c), 0, "bad is sticky: a fitting read fails too");

	c = cur_init(buf, sizeof(buf));
	ok(cur_bytes(&c, 3) != NULL, "exact-length read fits");
	ok(cur_bytes(&c, 0) != NULL, "zero-length read at the end fits");
	ok(cur_bytes(&c, 1) == NULL && !cur_ok(&c), "one more byte fails");

	c = cur_init(buf, sizeof(buf));
	ok(!cur_skip(&c, SIZE_MAX), "huge skip fails without wrapping");
	c = cur_init(NULL, 100);
	is_int(cur_left(&c), 0, "NULL buffer has no bytes");
	ok(cur_le64(&c) == 0 && !cur_ok(&c), "le64 on empty fails");
}

static void test_cstr(void)
{
	static const char pkt[] = "file\0octet\0blk"; /* last is unterminated */
	struct cur c = cur_init(pkt, sizeof(pkt) - 1);
	size_t n = 0;

	is_str(cur_cstr(&c, &n), "file", "first string");
	is_int(n, 4, "its length");
	is_str(cur_cstr(&c, NULL), "octet", "second string");
	ok(cur_cstr(&c, &n) == NULL, "unterminated string refused");
	ok(!cur_ok(&c), "and the cursor is bad");

	c = cur_init("", 0);
	ok(cur_cstr(&c, &n) == NULL, "empty buffer has no string");
	c = cur_init("\0", 1);
	is_str(cur_cstr(&c, &n), "", "an empty string is a string");
}

static void test_writes(void)
{
	uint8_t buf[16];
	static const uint8_t want[] = { 0x7f, 0x12, 0x34, 0xde, 0xad, 0xbe,
					0xef, 0x34, 0x12, 0x78, 0x56, 0x34,
					0x12, 'h', 'i', 0 };
	struct wcur w = wcur_init(buf, sizeof(buf));

	wcur_u8(&w, 0x7f);
	wcur_be16(&w, 0x1234);
	wcur_be32(&w, 0xdeadbeef);
	wcur_le16(&w, 0x1234);
	wcur_le32(&w, 0x12345678);
	wcur_cstr(&w, "hi");
	ok(wcur_ok(&w), "16 bytes fit in 16");
	is_int(wcur_used(&w), 16, "used 16");
	is_mem(buf, want, sizeof(want), "bytes in the right order");
	ok(!wcur_u8(&w, 1) && !wcur_ok(&w), "17th byte refused");
	is_int(wcur_used(&w), 16, "nothing written past the end");

	w = wcur_init(buf, 7);
	ok(wcur_be32(&w, 1) && !wcur_be32(&w, 2), "second be32 does not fit");
	ok(!wcur_zero(&w, 1), "bad is sticky for writes too");

	w = wcur_init(buf, sizeof(buf));
	wcur_be64(&w, 0x0102030405060708ULL);
	wcur_le64(&w, 0x0102030405060708ULL);
	struct cur c = cur_init(buf, wcur_used(&w));
	ok(cur_be64(&c) == 0x0102030405060708ULL &&
		   cur_le64(&c) == 0x0102030405060708ULL,
	   "64-bit round trip in both orders");
}

int main(void)
{
	test_reads();
	test_truncated();
	test_cstr();
	test_writes();
	return tap_done();
}
