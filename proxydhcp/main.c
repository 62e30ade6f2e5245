/* SPDX-License-Identifier: GPL-2.0-or-later */
/* proxydhcp: PXE ProxyDHCP responder.  Only --help and --version work so far. */
#include "opts.h"

int main(int argc, char **argv)
{
	opts_stub_main("proxydhcp", "[options]", argc, argv);
}
