/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>

#include "num.h"
#include "tap.h"

static void test_decimal(void)
{
	uint64_t v = 42;

	is_int(num_parse("0", 0, 10, &v), 0, "zero");
	is_int(v, 0, "zero value");
	is_int(num_parse("65464", 8, 65464, &v), 0, "upper bound included");
	is_int(num_parse("8", 8, 65464, &v), 0, "lower bound included");
	is_int(num_parse("7", 8, 65464, &v), -ERANGE, "below range");
	is_int(num_parse("65465", 8, 65464, &v), -ERANGE, "above range");
	is_int(v, 8, "value untouched on error");
	is_int(num_parse("18446744073709551615", 0, UINT64_MAX, &v), 0,
	       "UINT64_MAX");
	ok(v == UINT64_MAX, "UINT64_MAX value");
	is_int(num_parse("18446744073709551616", 0, UINT64_MAX, &v), -ERANGE,
	       "one past UINT64_MAX");
	is_int(num_parse("99999999999999999999", 1, 255, &v), -ERANGE,
	       "20 digits");
	is_int(num_parse("0000000000000000000000000001", 1, 1, &v), 0,
	       "leading zeros are fine");
}

static void test_malformed(void)
{
	static const char *const bad[] = { "",   " 1", "1 ", "-1", "+1", "1x",
					   "0x10", "1.5", "١", "\t" };
	uint64_t v;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		is_int(num_parse(bad[i], 0, UINT64_MAX, &v), -EINVAL,
		       "malformed number refused");
	is_int(num_parse(NULL, 0, 1, &v), -EINVAL, "NULL refused");
	is_int(num_parse_mem("123", 2, 0, 1000, &v), 0, "mem: prefix only");
	is_int(v, 12, "mem: length respected");
	is_int(num_parse_mem("12\0003", 4, 0, 1000, &v), -EINVAL,
	       "mem: embedded NUL refused");
	is_int(num_parse_mem("5", 0, 0, 10, &v), -EINVAL, "mem: empty");
}

static void test_hex(void)
{
	uint64_t v;

	is_int(num_parse_hex_mem("88a2", 4, 0, 0xffff, &v), 0, "hex");
	is_int(v, 0x88a2, "hex value");
	is_int(num_parse_hex_mem("0xFFFF", 6, 0, 0xffff, &v), 0, "0x prefix");
	is_int(num_parse_hex_mem("0x", 2, 0, 0xffff, &v), -EINVAL, "bare 0x");
	is_int(num_parse_hex_mem("10000", 5, 0, 0xffff, &v), -ERANGE,
	       "hex range");
	is_int(num_parse_hex_mem("fg", 2, 0, 0xffff, &v), -EINVAL, "not hex");
	is_int(num_parse_hex_mem("1ffffffffffffffff", 17, 0, UINT64_MAX, &v),
	       -ERANGE, "hex overflow");
	is_str(num_strerror(-ERANGE), "out of range", "range message");
	is_str(num_strerror(-EINVAL), "not a number", "syntax message");
}

int main(void)
{
	test_decimal();
	test_malformed();
	test_hex();
	return tap_done();
}
