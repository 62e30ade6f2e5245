/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Range-checked number parsing for options, config files and packets.
 * Decimal only, as strtonum(3): no sign, no leading blanks, no trailing
 * bytes, no empty string.  Returns 0, or -EINVAL (not a number) or
 * -ERANGE (outside [min, max]); *out is written only on success.
 */
#ifndef NB_NUM_H
#define NB_NUM_H

#include <stddef.h>
#include <stdint.h>

int num_parse_mem(const char *s, size_t len, uint64_t min, uint64_t max,
		  uint64_t *out);
int num_parse(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* Same, for hexadecimal digits (an optional 0x/0X prefix is allowed). */
int num_parse_hex_mem(const char *s, size_t len, uint64_t min, uint64_t max,
		      uint64_t *out);

/* "not a number", "out of range" or strerror() text for the return code. */
const char *num_strerror(int rc);

#endif
