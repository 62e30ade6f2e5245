#!/bin/sh
# tftpd as a service manager runs it: --check-config lists every problem
# of what the options name (each bad -m line as FILE:LINE) and serves
# nothing.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/tftpd.sh"

require_root
require_netns
require_cmd perl ss cmp
tftpd_require
ours || skip_all "--check-config, --metrics and the signals are ours"

R=$T/root
chmod 755 "$T"
mkdir -p "$R" || fatal "mkdir"
printf 'hello\n' >"$R/hello.txt"
chmod -R a+rX "$R"

# --- --check-config --------------------------------------------------------

cat >"$T/good.rules" <<EOF
# two rules
r ^x$ hello.txt
rg \\\\ /
EOF
# outside any namespace: no socket is opened, so port 69 is never taken
run "$TFTPD" --check-config -m "$T/good.rules" "$R"
is "$RC" 0 "--check-config, good rules: exit 0"
like "$(cat "$T/out")" "good\\.rules: no problems" "and says so"
is "$(cat "$T/err")" "" "nothing on stderr"

cat >"$T/bad.rules" <<EOF
r ^a$ b
q x
# a comment
r (open x
e fine
r ^x$
e a b
GP x
EOF
B=$T/bad.rules
run "$TFTPD" --check-config -m "$B" -u no-such-user-here -P "$T/none/pid" \
	"$T/missing"
is "$RC" 1 "--check-config, broken rules and more: exit 1"
like "$(cat "$T/err")" "^$T/missing: No such file" "the missing directory"
like "$(cat "$T/err")" "-u no-such-user-here: no such user" "the missing user"
like "$(cat "$T/err")" "^$B:2: unknown flag 'q'\$" "line 2: the unknown flag"
like "$(cat "$T/err")" "^$B:4: bad regular expression: " "line 4: the bad regex"
like "$(cat "$T/err")" "^$B:6: flag 'r' needs a replacement\$" \
	"line 6: no replacement"
like "$(cat "$T/err")" "^$B:7: replacement without flag 'r'\$" \
	"line 7: a replacement without r"
like "$(cat "$T/err")" "^$B:8: flags 'G' and 'P' together" "line 8: G with P"
like "$(cat "$T/err")" "^-P $T/none/pid: its directory: No such file" \
	"the pid file's missing directory"
is "$(grep -c "^$B:" "$T/err")" 5 "five bad lines, every one listed"
is "$(wc -l <"$T/err" | tr -d ' ')" 8 "eight problems in all"
is "$(cat "$T/out")" "" "nothing on stdout"

run "$TFTPD" --check-config "$R/hello.txt"
is "$RC" 1 "--check-config, a file for the directory: exit 1"
like "$(cat "$T/err")" "hello\\.txt: Not a directory" "and says so"
run "$TFTPD" --check-config -m "$T/no.rules" "$R"
is "$RC" 1 "--check-config, a missing rules file: exit 1"
like "$(cat "$T/err")" "^$T/no\\.rules: No such file" "naming it"
run "$TFTPD" --check-config -B 7 "$R"
is "$RC" 2 "--check-config -B 7: a usage error, as without it"

done_testing
