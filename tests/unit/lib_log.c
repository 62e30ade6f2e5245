/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "log.h"
#include "tap.h"

static void test_escape(void)
{
	char buf[64];

	is_str(log_escape(buf, sizeof(buf), "pxelinux.0", 10), "pxelinux.0",
	       "plain text kept");
	is_str(log_escape(buf, sizeof(buf), "a\nb", 3), "a\\x0ab",
	       "newline escaped");
	is_str(log_escape(buf, sizeof(buf), "\\Boot\\BCD", 9),
	       "\\\\Boot\\\\BCD", "backslash doubled");
	is_str(log_escape(buf, sizeof(buf), "x\0y", 3), "x\\x00y",
	       "NUL escaped");
	is_str(log_escape(buf, sizeof(buf), "\xff\x1b[2J", 5),
	       "\\xff\\x1b[2J", "high byte and terminal escape");
	is_str(log_escape(buf, sizeof(buf), "", 0), "", "empty");
}

static void test_truncation(void)
{
	char big[300], buf[16];

	memset(big, 'A', sizeof(big));
	is_str(log_escape(buf, sizeof(buf), big, sizeof(big)),
	       "AAAAAAAAAAAA...", "long input cut with ...");
	is_str(log_escape(buf, 13, "\n\n\n\n\n", 5), "\\x0a\\x0a...",
	       "never cuts an escape in half");
	is_str(log_escape(buf, 5, "abcd", 4), "abcd", "exact fit kept whole");
	is_str(log_escape(buf, 4, "abcd", 4), "...", "tiny buffer");
	is_str(log_escape(buf, 1, "abcd", 4), "", "one byte: just NUL");
	buf[0] = 'z';
	log_escape(buf, 0, "abcd", 4);
	ok(buf[0] == 'z', "zero-size buffer untouched");

	char worst[LOG_ESCAPE_SIZE(4)];
	is_str(log_escape(worst, sizeof(worst), "\x01\x02\x03\x04", 4),
	       "\\x01\\x02\\x03\\x04", "LOG_ESCAPE_SIZE holds the worst case");
}

static void test_level(void)
{
	log_set_level(99);
	is_int(log_get_level(), LOG_DEBUG, "level clamped high");
	log_set_level(-5);
	is_int(log_get_level(), LOG_EMERG, "level clamped low");
	log_set_level(LOG_INFO);
	log_open("lib_log", LOG_TO_STDERR, LOG_DAEMON);
	is_str(log_ident(), "lib_log", "ident kept");
}

int main(void)
{
	test_escape();
	test_truncation();
	test_level();
	return tap_done();
}
