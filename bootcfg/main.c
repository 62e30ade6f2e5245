/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bootcfg: per-host network boot file generator.  Only --help and --version work so far. */
#include "opts.h"

int main(int argc, char **argv)
{
	opts_stub_main("bootcfg", "[options] HOSTS", argc, argv);
}
