#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# aoetarget started as root with its default user: once serving it runs as
# nobody with no capability left, inside its seccomp filter, and still
# reads, writes, flushes, saves and reloads state (the state file then
# belongs to nobody) and stops cleanly.  --no-sandbox leaves the filter out.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/aoe.sh"

aoe_require
id nobody >/dev/null 2>&1 || skip_all "no user nobody"

aoe_disk_net 256
aoe_start A 5 1 "$AOE_TIF" "$DISK" || fatal "aoetarget e5.1 does not answer"
PID=$(bg_pid A)

# status FIELD: the first value of FIELD in /proc/PID/status
status() {
	sed -n "s/^$1:[[:space:]]*\\([^[:space:]]*\\).*/\\1/p" "/proc/$PID/status"
}

is "$(status Uid)" "$(id -u nobody)" "the real uid is nobody's"
is "$(sed -n 's/^Uid:[[:space:]]*//p' "/proc/$PID/status" | tr -s '\t ' '\n' | sort -u | wc -l)" 1 \
	"real, effective, saved and file-system uid are all the same"
is "$(status Gid)" "$(id -g nobody)" "the gid is nobody's group"
is "$(status CapEff)" 0000000000000000 "no effective capability"
is "$(status CapPrm)" 0000000000000000 "no permitted capability"
is "$(status NoNewPrivs)" 1 "no new privileges"
is "$(status Seccomp)" 2 "a seccomp filter is installed"

run aoe -t 5.1 read 0 256
ok "an ATA read still works" cmp "$T/out" "$DISK"
aoe_mkdisk "$T/w" 8
aoe -t 5.1 write 100 <"$T/w" >/dev/null 2>"$T/err"
is "$?" 0 "a write still works"
run aoe -t 5.1 flush
is "$RC" 0 "and a flush"
aoe_sectors "$DISK" 100 8 >"$T/got"
ok "the file holds the write" cmp "$T/w" "$T/got"

run aoe -t 5.1 config set dropped
like "$(cat "$T/out")" "aoe_error=0 cfg='dropped'\$" "a Query Config set succeeds"
STATE=$T/state/e5.1-$AOE_TIF
is "$(stat -c %U "$STATE" 2>&1)" nobody "the state file is written as nobody"
like "$(cat "$STATE")" "^config 64726f70706564\$" "and holds the string"
is "$(stat -c %U "$T/state")" nobody "the state directory was given to nobody"

# SIGHUP reads the state files again, inside the filter
printf 'aoetarget-state 1\nconfig 72656c6f61646564\n' >"$STATE.new" &&
	mv "$STATE.new" "$STATE"
kill -s HUP "$PID"
wait_log A 'state reloaded'
run aoe -t 5.1 config read
like "$(cat "$T/out")" "cfg='reloaded'\$" "SIGHUP reloads the state file"
kill -s USR1 "$PID"
wait_log A 'frames in [0-9]+'
ok "SIGUSR1 logs the counters and the target still serves" aoe -t 5.1 read 0 1

stop_bg A
is "$BG_STATUS" 0 "SIGTERM: exit status 0"
nok "no system call was refused" grep -q 'sandbox:' "$T/A.log"
aoe_start B 5 1 "$AOE_TIF" "$DISK" || fatal "aoetarget does not start again"
run aoe -t 5.1 config read
like "$(cat "$T/out")" "cfg='reloaded'\$" "the string survives a restart"
stop_bg B

aoe_start C --no-sandbox 5 1 "$AOE_TIF" "$DISK" ||
	fatal "aoetarget --no-sandbox does not start"
PID=$(bg_pid C)
is "$(status Seccomp)" 0 "--no-sandbox: no seccomp filter"
is "$(status CapEff)" 0000000000000000 "--no-sandbox: still no capability"
ok "--no-sandbox: the target serves" aoe -t 5.1 read 0 1
done_testing
