/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mkimz: pack a FAT partition's used clusters into a compressed .imz and
 * restore it onto a partition of any size that holds them.
 */
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "cmd.h"
#include "opts.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} cmds[] = {
	{ "pack", cmd_pack },
	{ "unpack", cmd_unpack },
	{ "verify", cmd_verify },
	{ "info", cmd_info },
	{ "layout", cmd_layout },
};

static void usage(FILE *f)
{
	fputs("Usage: mkimz pack [-q] [-f] [-p N] [-T N] [-l LEVEL] "
	      "[-x PATTERN]... [--no-default-excludes] [--chk FILE] SOURCE "
	      "OUT[.imz]\n"
	      "       mkimz unpack [-q] [-f] [-p N] [-T N] IMAGE TARGET\n"
	      "       mkimz verify [-q] [-T N] IMAGE\n"
	      "       mkimz info [--porcelain] IMAGE\n"
	      "       mkimz layout [-q] [-H HEADS] [-S SECTORS] DISK TABFILE\n"
	      "       mkimz layout --print-next TABFILE\n"
	      "       mkimz -h | --help | -V | --version\n"
	      "Run mkimz SUBCOMMAND --help for its options.\n", f);
}

int main(int argc, char **argv)
{
	log_open("mkimz", LOG_TO_STDERR, LOG_USER);
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "-?")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("mkimz (netboot suite) %s\n", NETBOOT_VERSION);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].run(argc - 1, argv + 1);
	fprintf(stderr, "mkimz: unknown subcommand '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
