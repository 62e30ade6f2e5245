# SPDX-License-Identifier: GPL-2.0-or-later
# tests/integ/tools/kernel.sh - a Debian kernel and its modules for boot
# tests, fetched without installing anything.
#
# Sourced after tests/lib.sh:
#   . "$HERE/../lib.sh"; . "$HERE/tools/kernel.sh"
#
#   kernel_fetch
#       Sets KERNEL_VMLINUZ, KERNEL_MODDIR and KERNEL_KVER and returns 0,
#       or sets KERNEL_WHY and returns 1.  The package linux-image-amd64
#       depends on (apt-cache depends) is fetched with `apt-get download`
#       and unpacked with `dpkg-deb -x` into $KERNEL_CACHE/<package>/,
#       which later runs reuse; when the package lists cannot be read (no
#       network, no apt), the newest tree already there is taken.
#
#   initramfs_marker OUT MARK
#       a gzip'd newc cpio at OUT with busybox (and the libraries ldd
#       names) whose /init prints "MARK NAME" (NAME from host=NAME on the
#       kernel command line) and the kernel's Secure Boot lines, then
#       powers off.  Built in $T/initramfs.
#
# Environment: KERNEL_CACHE ($NB_BIN/cache/kernel), KERNEL_DIR (a tree
# unpacked beforehand, with boot/vmlinuz-* and lib/modules/*: used as is).

KERNEL_CACHE=${KERNEL_CACHE:-$NB_BIN/cache/kernel}

# _kernel_take DIR: the kernel unpacked in DIR, if complete.
_kernel_take() {
	KERNEL_VMLINUZ=$(ls "$1"/boot/vmlinuz-* 2>/dev/null | head -n 1)
	[ -n "$KERNEL_VMLINUZ" ] || return 1
	KERNEL_KVER=${KERNEL_VMLINUZ##*/vmlinuz-}
	KERNEL_MODDIR=$1/lib/modules/$KERNEL_KVER
	[ -d "$KERNEL_MODDIR" ]
}

kernel_fetch() {
	KERNEL_WHY=
	if [ -n "${KERNEL_DIR-}" ]; then
		_kernel_take "$KERNEL_DIR" && return 0
		KERNEL_WHY="KERNEL_DIR=$KERNEL_DIR holds no boot/vmlinuz-* with its modules"
		return 1
	fi
	for _kf_c in apt-cache apt-get dpkg-deb; do
		command -v "$_kf_c" >/dev/null 2>&1 && continue
		KERNEL_WHY="no $_kf_c: cannot fetch a kernel"
		return 1
	done
	mkdir -p "$KERNEL_CACHE" || { KERNEL_WHY="cannot make $KERNEL_CACHE"; return 1; }
	_kf_pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[^ ]*\)$/\1/p' | head -n 1)
	if [ -z "$_kf_pkg" ]; then
		# a tree a previous run left
		for _kf_d in "$KERNEL_CACHE"/linux-image-*/; do
			_kernel_take "${_kf_d%/}" && return 0
		done
		KERNEL_WHY="apt-cache does not name the package linux-image-amd64 depends on"
		return 1
	fi
	_kf_dir=$KERNEL_CACHE/$_kf_pkg
	[ -f "$_kf_dir/.complete" ] && _kernel_take "$_kf_dir" && return 0
	# private download and unpack directories, then one rename: parallel
	# or interrupted runs never see half a tree
	_kf_dl=$KERNEL_CACHE/dl.$$
	rm -rf "$_kf_dl" "$_kf_dir.$$"
	mkdir -p "$_kf_dl" || return 1
	if ! (cd "$_kf_dl" && timeout 600 apt-get download -q "$_kf_pkg") \
	    >"$_kf_dl.log" 2>&1; then
		KERNEL_WHY="apt-get download $_kf_pkg failed: $(tail -n 1 "$_kf_dl.log")"
		rm -rf "$_kf_dl" "$_kf_dl.log"
		return 1
	fi
	rm -f "$_kf_dl.log"
	if ! dpkg-deb -x "$_kf_dl"/*.deb "$_kf_dir.$$"; then
		KERNEL_WHY="dpkg-deb -x of $_kf_pkg failed"
		rm -rf "$_kf_dl" "$_kf_dir.$$"
		return 1
	fi
	rm -rf "$_kf_dl"
	: >"$_kf_dir.$$/.complete" || return 1
	[ -f "$_kf_dir/.complete" ] || rm -rf "$_kf_dir"
	mv -T "$_kf_dir.$$" "$_kf_dir" 2>/dev/null || rm -rf "$_kf_dir.$$"
	_kernel_take "$_kf_dir" && return 0
	KERNEL_WHY="$_kf_pkg holds no boot/vmlinuz-* with its modules"
	return 1
}

initramfs_marker() {
	_ir=$T/initramfs
	rm -rf "$_ir"
	mkdir -p "$_ir/bin" "$_ir/proc" "$_ir/dev" || return 1
	cp "$(command -v busybox)" "$_ir/bin/busybox" || return 1
	for _ir_lib in $(ldd "$_ir/bin/busybox" 2>/dev/null |
	    sed -n 's,.* => \(/[^ ]*\) .*,\1,p; s,^[[:space:]]*\(/[^ ]*\) .*,\1,p'); do
		mkdir -p "$_ir${_ir_lib%/*}" && cp -L "$_ir_lib" "$_ir$_ir_lib" ||
			return 1
	done
	cat >"$_ir/init" <<EOF
#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
for w in \$(/bin/busybox cat /proc/cmdline); do
	case \$w in host=*) echo "$2 \${w#host=}" ;; esac
done
/bin/busybox dmesg | /bin/busybox grep -i 'secure boot'
/bin/busybox poweroff -f
EOF
	chmod 755 "$_ir/init"
	(cd "$_ir" && find . | busybox cpio -o -H newc 2>/dev/null) |
	    gzip -1 >"$1"
}

# mbr_one_partition FILE START SECTORS [TYPE]: write an MBR to the first
# sector of FILE with one primary partition (type 0x83 by default) from
# LBA START, SECTORS long.  The CHS fields are the "use LBA" values.
mbr_one_partition() {
	_mbr_le32() {
		printf "\\$(printf %03o $(($1 & 255)))\\$(printf %03o $(($1 >> 8 & 255)))"
		printf "\\$(printf %03o $(($1 >> 16 & 255)))\\$(printf %03o $(($1 >> 24 & 255)))"
	}
	{
		dd if=/dev/zero bs=446 count=1 2>/dev/null
		printf '\000\376\377\377'
		printf "\\$(printf %03o "$((${4:-0x83}))")"
		printf '\376\377\377'
		_mbr_le32 "$2"
		_mbr_le32 "$3"
		dd if=/dev/zero bs=48 count=1 2>/dev/null
		printf '\125\252'
	} | dd of="$1" conv=notrunc 2>/dev/null
}

# disk_of_fs FS DISK: DISK made of a 1 MiB gap and the file system image FS
# (removed) as its one partition, from sector 2048.
disk_of_fs() {
	_dof_sectors=$(($(wc -c <"$1") / 512))
	dd if=/dev/zero of="$2" bs=512 count=2048 2>/dev/null &&
		cat "$1" >>"$2" && rm -f "$1" &&
		mbr_one_partition "$2" 2048 "$_dof_sectors"
}
