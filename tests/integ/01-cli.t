#!/bin/sh
# The command-line contract every tool shares: --help, --version, and exit
# status 2 for a usage error.  Needs no root and no network.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"

TOOLS="aoetarget proxydhcp tftpd bootcfg mkimz"
CHECKS=10	# per tool, so a missing binary skips the same number

# A tool that starts serving instead of parsing its options would hang the
# whole run: bound every call.
if command -v timeout >/dev/null 2>&1; then
	BOUND="timeout 10"
else
	BOUND=
fi

# The user scripts make the same promises, in POSIX sh.
SCRIPTS="netboot-assign netboot-capture netboot-cast netboot-restore netboot-sign mkaoeinitrd netboot-demo"
SCHECKS=8

set -- $TOOLS
_nt=$#
set -- $SCRIPTS
plan $((_nt * CHECKS + $# * SCHECKS))

for tool in $TOOLS; do
	bin=$NB_BIN/$tool
	if [ ! -x "$bin" ]; then
		skip "$tool not built in $NB_BIN" "$CHECKS"
		continue
	fi

	run $BOUND "$bin" --help
	is "$RC" 0 "$tool --help exits 0"
	ok "$tool --help names the tool" grep -q -- "$tool" "$T/out"

	run $BOUND "$bin" --version
	is "$RC" 0 "$tool --version exits 0"
	ok "$tool --version prints a version number" \
		grep -Eq '(^|[^0-9.])[0-9]+\.[0-9]+\.[0-9]+' "$T/out"

	run $BOUND "$bin" -h
	is "$RC" 0 "$tool -h exits 0"
	ok "$tool -h prints the same help as --help" \
		sh -c "$BOUND '$bin' --help | cmp -s - '$T/out'"

	run $BOUND "$bin" -V
	is "$RC" 0 "$tool -V exits 0"
	ok "$tool -V prints the same as --version" \
		sh -c "$BOUND '$bin' --version | cmp -s - '$T/out'"

	run $BOUND "$bin" --no-such-option
	is "$RC" 2 "$tool --no-such-option exits 2"
	ok "$tool --no-such-option explains on stderr" test -s "$T/err"
done

for script in $SCRIPTS; do
	sh_=$NB_SRC/scripts/$script
	run $BOUND sh "$sh_" --help
	is "$RC" 0 "$script --help exits 0"
	ok "$script --help starts with its usage" grep -q "^usage: $script" "$T/out"
	run $BOUND sh "$sh_" -h
	ok "$script -h prints the same" \
		sh -c "$BOUND sh '$sh_' --help | cmp -s - '$T/out'"
	run $BOUND sh "$sh_" --version
	is "$RC" 0 "$script --version exits 0"
	like "$(cat "$T/out")" "^$script \\(netboot suite\\) [0-9]+\\.[0-9]+\\.[0-9]+\$" \
		"$script --version prints its name and the suite's version"
	run $BOUND sh "$sh_" -V
	ok "$script -V prints the same" \
		sh -c "$BOUND sh '$sh_' --version | cmp -s - '$T/out'"
	run $BOUND sh "$sh_" --no-such-option
	is "$RC" 2 "$script --no-such-option exits 2"
	ok "$script --no-such-option explains on stderr" test -s "$T/err"
done

done_testing
