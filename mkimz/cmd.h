/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mkimz's subcommands.  main() picks one by its first argument and calls
 * it with argv[0] set to the subcommand's name; each parses its own
 * options (popt) and returns the exit status (0, 1 failure, 2 usage).
 */
#ifndef MKIMZ_CMD_H
#define MKIMZ_CMD_H

int cmd_pack(int argc, char **argv);
int cmd_unpack(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_layout(int argc, char **argv);

#endif
