#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The Debian package: make deb builds it, lintian finds no error or
# warning, it holds the tools, the user scripts, the man pages, the units
# and the /etc skeletons (those as conffiles) and nothing of the demo or
# the tests; every unit passes systemd-analyze verify as make install
# writes it.

HERE=$(dirname "$0")
. "$HERE/../lib.sh"

require_root
require_cmd dpkg-buildpackage dpkg-deb lintian systemd-analyze git
git -C "$NB_SRC" rev-parse --git-dir >/dev/null 2>&1 ||
	skip_all "make deb packs the files git knows: not a git checkout"

VERSION=$(cat "$NB_SRC/VERSION")
DEB=$T/b/netboot_${VERSION}_$(dpkg --print-architecture).deb

run make -s -C "$NB_SRC" B="$T/b" deb
ok "make deb builds the package" [ "$RC" -eq 0 ] ||
	{ tail -30 "$T/out" "$T/err" | sed 's/^/# /' >&2; }
ok "... into B as netboot_${VERSION}_ARCH.deb" test -s "$DEB"

run lintian --fail-on error,warning --suppress-tags \
	package-supports-alternative-init-but-no-init.d-script "$DEB"
ok "lintian: no error, no warning" [ "$RC" -eq 0 ] ||
	sed 's/^/# /' "$T/out" >&2

# --- contents -------------------------------------------------------------------
dpkg-deb -x "$DEB" "$T/root"
(cd "$T/root" && find . ! -type d | sed 's|^\.||' | sort) >"$T/files"
want_files() {
	cat <<-LIST
	/etc/default/netboot
	/etc/netboot/aoetarget.conf
	/etc/netboot/hosts
	/etc/netboot/profiles
	/etc/netboot/proxydhcp.table
	/etc/netboot/tftpd.remap
	/lib/systemd/system/aoetarget.service
	/lib/systemd/system/proxydhcp.service
	/lib/systemd/system/tftpd-standalone.service
	/lib/systemd/system/tftpd.service
	/lib/systemd/system/tftpd.socket
	/usr/bin/bootcfg
	/usr/bin/mkimz
	/usr/bin/netboot-assign
	/usr/bin/netboot-capture
	/usr/bin/netboot-cast
	/usr/bin/netboot-restore
	/usr/bin/netboot-sign
	/usr/sbin/aoetarget
	/usr/sbin/mkaoeinitrd
	/usr/sbin/proxydhcp
	/usr/sbin/tftpd
	LIST
}
want_files >"$T/want"
grep -Ev '^/usr/share/(man|doc)/' "$T/files" >"$T/got"
ok "the package holds the tools, scripts, units and skeletons, nothing else" \
	diff -u "$T/want" "$T/got"
for m in "$NB_SRC"/man/*.[1-8]; do
	p=${m##*/}
	grep -qx "/usr/share/man/man${p##*.}/$p.gz" "$T/files" ||
		echo "$p" >>"$T/noman"
done
ok "every man page of man/ is in the package" test ! -e "$T/noman"
for s in netboot-demo netboot-vm mkbootsect deps; do
	nok "no $s (demo and test helper)" grep -q "/$s\$" "$T/files"
done

dpkg-deb --ctrl-tarfile "$DEB" | tar -xO ./conffiles | sort >"$T/conffiles"
grep '^/etc/' "$T/want" >"$T/want_conf"
ok "every file under /etc is a conffile" diff -u "$T/want_conf" "$T/conffiles"
dpkg-deb --ctrl-tarfile "$DEB" | tar -xO ./postinst >"$T/postinst"
like "$(grep -c 'adduser --system' "$T/postinst")" '^[1-9]' \
	"postinst creates the system user"
like "$(dpkg-deb -f "$DEB" Depends)" 'libseccomp2' \
	"Depends names libseccomp (the daemons' sandbox)"
for f in "$T"/root/etc/netboot/* "$T/root/etc/default/netboot"; do
	nok "${f#"$T/root"}: only comments and blank lines, or settings" \
		grep -Evq '^(#.*|[[:space:]]*|[A-Z_]+=.*)$' "$f"
done

# --- units ------------------------------------------------------------------------
# As make install writes them: with its own prefix, the commands they
# name exist here, and systemd-analyze checks them too.
run make -s -C "$NB_SRC" install PREFIX="$T/usr" SYSCONFDIR="$T/etc"
ok "make install into a prefix" [ "$RC" -eq 0 ]
UNITS=$T/usr/lib/systemd/system
for u in tftpd.socket tftpd.service tftpd-standalone.service \
	proxydhcp.service aoetarget.service; do
	ok "make install puts $u in place" test -s "$UNITS/$u"
	run sh -c "cd '$UNITS' && MANPATH='$T/usr/share/man' systemd-analyze verify ./$u"
	ok "systemd-analyze verify $u: clean" \
		[ "$RC" -eq 0 ] && [ ! -s "$T/out" ] && [ ! -s "$T/err" ] ||
		sed 's/^/# /' "$T/out" "$T/err" >&2
	cmp -s "$UNITS/$u" "$T/root/lib/systemd/system/$u" ||
		sed "s|$T/usr/sbin|/usr/sbin|g" "$UNITS/$u" |
		cmp -s - "$T/root/lib/systemd/system/$u"
	ok "$u: the package's copy is make install's with /usr/sbin" [ $? -eq 0 ]
done
for u in "$UNITS"/*.service; do
	for key in NoNewPrivileges=yes ProtectSystem= ProtectHome=yes \
		PrivateTmp=yes CapabilityBoundingSet= RestrictAddressFamilies=; do
		ok "${u##*/}: $key" grep -q "^$key" "$u"
	done
done
run make -s -C "$NB_SRC" install PREFIX="$T/usr" SYSCONFDIR="$T/etc"
like "$(cat "$T/out")" 'keeping .*/etc/netboot/hosts' \
	"a second make install keeps the admin's configuration"

done_testing
