#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# aoetarget's per-target state: Query Config string semantics (read, test,
# prefix test, set if empty, force), the MAC mask list, reservations, the
# start announcement, and all of it kept across a restart in --state-dir.
# A second initiator is played with --src (another source MAC on the same
# link; the target's answers to it still reach our packet socket).

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/aoe.sh"

aoe_require

aoe_disk_net 256
IMAC=$(aoe_mac i "$AOE_IIF")
OTHER=02:00:5e:00:00:99
QUICK="--timeout 300 --retries 0"

# --- the announcement at start ---
start_bg L in_ns i "$AOEINIT" -i "$AOE_IIF" --timeout 15000 listen
wait_log L listening || fatal "the listener does not start"
aoe_start A 1 2 "$AOE_TIF" "$DISK" || fatal "aoetarget e1.2 does not answer"
wait_log L '^to=' 15
like "$(grep '^to=' "$T/L.log")" "^to=ff:ff:ff:ff:ff:ff e1\\.2 .*ver=1 cfg=''" \
	"at start the target broadcasts a Query Config announcement"

# --- config string ---
run aoe -t 1.2 config read
like "$(cat "$T/out")" "^bufcnt=[0-9]+ fw=[0-9]+ spf=2 ver=1 ccmd=0 aoe_error=0 cfg=''\$" \
	"config read: empty string"
run aoe -t 1.2 $QUICK config test ''
like "$(cat "$T/out")" "cfg=''" "test for the empty string matches an empty string"
run aoe -t 1.2 config set hello
like "$(cat "$T/out")" "ccmd=3 aoe_error=0 cfg='hello'\$" "set if empty: stored"
run aoe -t 1.2 config set other
like "$(cat "$T/out")" "ccmd=3 aoe_error=4 cfg='hello'\$" "set if empty when set: error 4 with the current string"
is "$RC" 1 "... which the initiator reports as a failure"
run aoe -t 1.2 $QUICK config test hello
like "$(cat "$T/out")" "ccmd=1 aoe_error=0 cfg='hello'\$" "test: exact match answers"
run aoe -t 1.2 $QUICK config test hell
is "$(cat "$T/out")" "no reply" "test: a prefix is not an exact match, no answer"
run aoe -t 1.2 $QUICK config test hello!
is "$(cat "$T/out")" "no reply" "test: a longer string, no answer"
run aoe -t 1.2 $QUICK config prefix hel
like "$(cat "$T/out")" "ccmd=2 aoe_error=0 cfg='hello'\$" "prefix test: a prefix answers"
run aoe -t 1.2 $QUICK config prefix help
is "$(cat "$T/out")" "no reply" "prefix test: no match, no answer"
run aoe $QUICK config test hello
like "$(cat "$T/out")" "cfg='hello'" "test by broadcast answers on a match"
run aoe -t 1.2 config force world
like "$(cat "$T/out")" "ccmd=4 aoe_error=0 cfg='world'\$" "force set replaces the string"
run aoe discover
like "$(cat "$T/out")" "^e1\\.2 .* cfg='world'\$" "discovery shows the new string"
LONG=$(head -c 1024 /dev/zero | tr '\0' x)
run aoe -t 1.2 config force "$LONG"
like "$(cat "$T/out")" "aoe_error=0 cfg='$LONG'\$" "a 1024-byte config string is accepted"
run aoe -t 1.2 $QUICK config force "${LONG}y"
nok "a 1025-byte string is refused or ignored" grep -q "aoe_error=0 cfg='${LONG}y'" "$T/out"
run aoe -t 1.2 config read
like "$(cat "$T/out")" "cfg='$LONG'\$" "and the 1024-byte string stays"
run aoe -t 1.2 config force ''
like "$(cat "$T/out")" "aoe_error=0 cfg=''\$" "force set to empty clears it"
run aoe -t 1.2 config set persisted-string
like "$(cat "$T/out")" "aoe_error=0 cfg='persisted-string'" "set if empty works again"

# --- MAC mask list ---
run aoe -t 1.2 mask read
is "$(cat "$T/out")" "n=0 merror=0 aoe_error=0 macs=" "mask list: empty at first"
run aoe -t 1.2 mask edit add "$IMAC" 02:00:5e:00:00:01
is "$(cat "$T/out")" "n=2 merror=0 aoe_error=0 macs=$IMAC,02:00:5e:00:00:01" "mask list: two added"
ok "a listed initiator is served" aoe -t 1.2 identify
run aoe -t 1.2 --src $OTHER $QUICK ata 0xec --count 1
is "$(cat "$T/out")" "no reply" "an unlisted MAC gets no answer to ATA"
run aoe -t 1.2 --src $OTHER $QUICK config read
is "$(cat "$T/out")" "no reply" "... nor to Query Config"
run aoe -t 1.2 mask edit del 02:00:5e:00:00:01
is "$(cat "$T/out")" "n=1 merror=0 aoe_error=0 macs=$IMAC" "mask list: one deleted"
# aoetarget.8: the list holds up to 128 addresses
MACS=$(i=1; while [ $i -le 127 ]; do printf '02:00:5e:01:%02x:%02x ' $((i / 256)) $((i % 256)); i=$((i + 1)); done)
run aoe -t 1.2 mask edit add $MACS
like "$(cat "$T/out")" '^n=128 merror=0 aoe_error=0 ' "mask list: 128 entries fit"
run aoe -t 1.2 mask edit add 02:00:5e:02:00:00
like "$(cat "$T/out")" 'merror=3|aoe_error=3' "mask list full: error 3"
run aoe -t 1.2 mask read
like "$(cat "$T/out")" '^n=128 ' "the full list is unchanged"
run aoe -t 1.2 mask edit del $MACS
is "$(cat "$T/out")" "n=1 merror=0 aoe_error=0 macs=$IMAC" "127 deleted in one edit"
run aoe -t 1.2 mask edit add "$OTHER"

# --- reservations ---
run aoe -t 1.2 reserve read
is "$(cat "$T/out")" "n=0 aoe_error=0 macs=" "reserve list: empty at first"
run aoe -t 1.2 reserve set "$IMAC"
is "$(cat "$T/out")" "n=1 aoe_error=0 macs=$IMAC" "reserve set: reserved for us"
ok "the holder is served" aoe -t 1.2 read 0 4
run aoe -t 1.2 --src $OTHER ata 0xec --count 1
like "$(cat "$T/out")" 'aoe_error=6 ' "another initiator: error 6 (reserved)"
run aoe -t 1.2 --src $OTHER reserve set "$OTHER"
like "$(cat "$T/out")" 'aoe_error=6 ' "another initiator cannot take it with set"
run aoe -t 1.2 --src $OTHER reserve force "$OTHER"
is "$(cat "$T/out")" "n=1 aoe_error=0 macs=$OTHER" "force set takes the reservation"
run aoe -t 1.2 ata 0xec --count 1
like "$(cat "$T/out")" 'aoe_error=6 ' "now we get error 6"
run aoe -t 1.2 reserve force "$IMAC" "$OTHER"
is "$(cat "$T/out")" "n=2 aoe_error=0 macs=$IMAC,$OTHER" "force set with two holders"
ok "a holder of two is served" aoe -t 1.2 read 0 4

# --- restart: everything is still there ---
stop_bg A
ls "$T/state" >"$T/files"
ok "the state directory holds the target's state" test -s "$T/files"
aoe_start A2 1 2 "$AOE_TIF" "$DISK" || fatal "aoetarget does not restart"
run aoe -t 1.2 config read
like "$(cat "$T/out")" "cfg='persisted-string'\$" "restart: the config string is back"
run aoe -t 1.2 mask read
is "$(cat "$T/out")" "n=2 merror=0 aoe_error=0 macs=$IMAC,$OTHER" "restart: the mask list is back"
run aoe -t 1.2 reserve read
is "$(cat "$T/out")" "n=2 aoe_error=0 macs=$IMAC,$OTHER" "restart: the reservation is back"

# --- a corrupt state file is reported and ignored ---
stop_bg A2
for f in "$T"/state/*; do
	printf 'garbage\n\001\002' >"$f"
done
aoe_start A3 1 2 "$AOE_TIF" "$DISK" || fatal "aoetarget does not start with a corrupt state file"
pass "a corrupt state file does not stop the target"
like "$(cat "$T/A3.log")" "$T/state/" "the log names the corrupt state file"
run aoe -t 1.2 config read
like "$(cat "$T/out")" "cfg=''\$" "the target starts from an empty state"
run aoe -t 1.2 mask read
is "$(cat "$T/out")" "n=0 merror=0 aoe_error=0 macs=" "... with an empty mask list"

# --- -m: the initial mask list ---
stop_bg A3
rm -f "$T"/state/*
start_bg LM in_ns i "$AOEINIT" -i "$AOE_IIF" --timeout 15000 listen
wait_log LM listening || fatal "the listener does not start"
aoe_start M -m "$IMAC,02:00:5e:00:00:07" 1 2 "$AOE_TIF" "$DISK" ||
	fatal "aoetarget -m does not answer"
wait_log LM '^to=' 15
like "$(grep '^to=' "$T/LM.log")" "^to=$IMAC e1\\.2 " \
	"with -m the announcement goes to the listed MACs"
run aoe -t 1.2 mask read
is "$(cat "$T/out")" "n=2 merror=0 aoe_error=0 macs=$IMAC,02:00:5e:00:00:07" "-m sets the initial mask list"
run aoe -t 1.2 --src $OTHER $QUICK ata 0xec --count 1
is "$(cat "$T/out")" "no reply" "-m: a MAC not listed gets no answer"
done_testing
