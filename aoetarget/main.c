/* SPDX-License-Identifier: GPL-2.0-or-later */
/* aoetarget: ATA over Ethernet target.  Only --help and --version work so far. */
#include "opts.h"

int main(int argc, char **argv)
{
	opts_stub_main("aoetarget", "[-b bufcnt] [-d] [-s] [-r] [-m mac[,mac...]] [-o offset] [-l length] shelf slot netif file", argc, argv);
}
