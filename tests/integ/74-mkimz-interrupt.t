#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# An interrupted mkimz leaves nothing a TFTP server would serve: pack
# writes OUT.imz and OUT.chk through hidden temporaries (.OUT.imz.tmpPID.*)
# that SIGTERM and SIGHUP remove and that the next run on the same output
# removes after a SIGKILL, unless their process still runs; unpack writes a
# TARGET it creates under a hidden name and renames it only when complete.
#
# Every stall is a FIFO nobody writes to (pack's SOURCE) or a FIFO this
# shell holds open (unpack's IMAGE), so each process is interrupted at a
# known point without any timing.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/mkimz.sh"

mkimz_require
cd "$T" || fatal "cd $T"

SRC=$T/src.img
fat_new "$SRC" 16 32768 && fat_populate "$SRC" || fatal "no fixture"
"$MKIMZ" pack -q "$SRC" "$T/img" 2>"$T/err" || fatal "no image"
mkdir "$T/k"
mkfifo "$T/stall" || fatal "mkfifo"

temps() {	# PATTERN: the names in $T/k matching it, one a line
	(cd "$T/k" && for f in .* *; do
		case $f in $1) echo "$f" ;; esac
	done)
}
has_temp() { [ -n "$(temps "$1")" ]; }

# pack_bg OUT: a pack of the stalled SOURCE in the background (PID)
pack_bg() {
	"$MKIMZ" pack -q "$T/stall" "$T/k/$1" 2>"$T/bg.err" &
	PID=$!
}

# stop PID SIG: sends SIG and waits for the process; STATUS its status
stop() {
	kill -s "$2" "$1"
	wait "$1"
	STATUS=$?
}

# --- pack: SIGTERM and SIGHUP -------------------------------------------------

for sig in TERM HUP; do
	pack_bg out
	ok "pack ($sig): its temporary is hidden (.out.imz.tmp*)" \
	    wait_for 10 has_temp '.out.imz.tmp[1-9]*.??????'
	is "$(temps 'out.imz.tmp*')" "" "pack ($sig): no visible temporary"
	stop "$PID" "$sig"
	ok "pack ($sig): the process died of the signal ($STATUS)" \
	    test "$STATUS" -gt 128
	is "$(ls -A "$T/k")" "" "pack ($sig): nothing left behind"
done

# --- pack: SIGKILL, then the next run ----------------------------------------

# a pack that keeps running through all this
pack_bg out
live=$PID
wait_for 10 has_temp ".out.imz.tmp$live.*"
pack_bg out
wait_for 10 has_temp ".out.imz.tmp$PID.*"
stop "$PID" KILL
is "$(temps '.out.imz.tmp*' | wc -l)" 2 "SIGKILL leaves its temporary"
stale=$(temps '.out.imz.tmp*' | grep -v "tmp$live\\.")
# a .chk temporary of a process that is gone, and one of a live process
sh -c 'exit 0' &
dead=$!
wait "$dead"
: >"$T/k/.out.chk.tmp$dead.abcdef"
: >"$T/k/.out.chk.tmp$$.ghijkl"
run "$MKIMZ" pack -q "$SRC" "$T/k/out"
is "$RC" 0 "the next pack on the same output exits 0" ||
    sed 's/^/# /' "$T/err" >&2
nok "it removed the killed run's temporary" test -e "$T/k/$stale"
like "$(cat "$T/err")" "$stale: removed" "and said so"
nok "it removed the .chk temporary of a process that is gone" \
    test -e "$T/k/.out.chk.tmp$dead.abcdef"
ok "it kept the .chk temporary of a live process" \
    test -e "$T/k/.out.chk.tmp$$.ghijkl"
ok "it kept the temporary of a pack still running" \
    has_temp ".out.imz.tmp$live.*"
ok "out.imz and out.chk written" test -s "$T/k/out.imz" -a -s "$T/k/out.chk"
stop "$live" TERM
rm -f "$T/k/.out.chk.tmp$$.ghijkl"
is "$(temps '.*tmp*')" "" "no temporary left"

# --- unpack to a new file ------------------------------------------------------

# unpack_bg TARGET: an unpack reading $T/stall, fed the whole image by this
# shell, which keeps the FIFO open so that unpack waits for its end
unpack_bg() {
	"$MKIMZ" unpack -q "$T/stall" "$T/k/$1" 2>"$T/bg.err" &
	PID=$!
	exec 7>"$T/stall"
	cat "$T/img.imz" >&7
}

rm -rf "$T/k"
mkdir "$T/k"
unpack_bg new.img
ok "unpack: a hidden temporary while it runs" \
    wait_for 10 has_temp '.new.img.tmp[1-9]*.??????'
nok "unpack: no file under the final name before the end" \
    test -e "$T/k/new.img"
stop "$PID" TERM
exec 7>&-
nok "unpack (TERM): the final name does not exist" test -e "$T/k/new.img"
is "$(ls -A "$T/k")" "" "unpack (TERM): nothing left behind"

unpack_bg new.img
wait_for 10 has_temp '.new.img.tmp*'
stop "$PID" KILL
exec 7>&-
nok "unpack (KILL): the final name does not exist" test -e "$T/k/new.img"
run "$MKIMZ" unpack -q "$T/img.imz" "$T/k/new.img"
is "$RC" 0 "the next unpack to the same target exits 0" ||
    sed 's/^/# /' "$T/err" >&2
is "$(ls -A "$T/k")" "new.img" "it removed the killed run's temporary"
ok "and the target is whole: fsck.fat -n" fat_fsck "$T/k/new.img"
ok "with the same files" fat_same_files "$SRC" "$T/k/new.img"

done_testing
