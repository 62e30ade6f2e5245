/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mkimz: FAT partition imager.  Only --help and --version work so far. */
#include "opts.h"

int main(int argc, char **argv)
{
	opts_stub_main("mkimz", "pack|unpack|verify|info ...", argc, argv);
}
