/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tftpd: TFTP server for network boot clients.  Only --help and --version work so far. */
#include "opts.h"

int main(int argc, char **argv)
{
	opts_stub_main("tftpd", "[options] [directory]", argc, argv);
}
