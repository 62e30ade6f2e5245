/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The backing file: sizing with -o and -l, whole-sector reads and writes
 * at the right offsets, scattered reads, refusals past the end, O_DIRECT
 * through the aligned buffer; the map replies are sent from: at the
 * right offset, coherent with writes, nothing for a hole of a sparse file,
 * past the end or with O_DIRECT.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

#include "../../aoetarget/disk.h"
#include "tap.h"

#define FILE_SECTORS 64

static char path[] = "/var/tmp/aoetarget-disk-XXXXXX";

/* A file whose sector i is filled with byte i, plus half a sector. */
static int make_file(void)
{
	uint8_t sec[512];
	int fd = mkstemp(path);

	if (fd < 0)
		return -1;
	for (int i = 0; i < FILE_SECTORS; i++) {
		memset(sec, i, sizeof(sec));
		if (write(fd, sec, sizeof(sec)) != (ssize_t)sizeof(sec))
			return -1;
	}
	if (write(fd, sec, 256) != 256)
		return -1;
	return close(fd);
}

static int filled(const uint8_t *p, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return 0;
	return 1;
}

static void test_sizes(void)
{
	struct disk_opts o = { 0 };
	struct disk d;
	const char *why = NULL;

	is_int(disk_open(&d, path, &o, &why), 0, "open");
	is_int(d.sectors, FILE_SECTORS, "half a sector at the end is left out");
	disk_close(&d);
	o.offset = 10;
	is_int(disk_open(&d, path, &o, &why), 0, "-o 10");
	is_int(d.sectors, FILE_SECTORS - 10, "-o 10: the rest");
	disk_close(&d);
	o.length = 20;
	is_int(disk_open(&d, path, &o, &why), 0, "-o 10 -l 20");
	is_int(d.sectors, 20, "-l 20: 20 sectors");
	disk_close(&d);
	o.length = FILE_SECTORS - 9;
	is_int(disk_open(&d, path, &o, &why), -EINVAL, "-l past the end");
	ok(why && strstr(why, "length"), "says length");
	o.length = 0;
	o.offset = FILE_SECTORS + 1;
	is_int(disk_open(&d, path, &o, &why), -EINVAL, "-o past the end");
	o.offset = 0;
	is_int(disk_open(&d, "/nonexistent/disk", &o, &why), -ENOENT,
	       "missing file");
	is_int(disk_open(&d, "/dev/null", &o, &why), -EINVAL,
	       "a character device is refused");
}

static void test_io(int direct)
{
	struct disk_opts o = { .offset = 4, .direct = direct };
	uint8_t buf[4 * 512], a[512], b[1024];
	struct iovec iov[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	struct disk d;
	const char *why;
	const char *mode = direct ? "O_DIRECT" : "buffered";
	int rc;

	if (disk_open(&d, path, &o, &why) != 0) {
		ok(direct, "%s: open (%s)", mode, why);
		if (direct)
			diag("O_DIRECT not supported here");
		return;
	}
	is_int(disk_read(&d, buf, 0, 2), 0, "read 2 sectors at 0");
	ok(filled(buf, 512, 4) && filled(buf + 512, 512, 5),
	   "%s: sector 0 is sector 4 of the file", mode);
	is_int(disk_readv(&d, iov, 2, 10, 3), 0, "readv over two buffers");
	ok(filled(a, 512, 14) && filled(b, 512, 15) && filled(b + 512, 512, 16),
	   "%s: readv fills each buffer in order", mode);
	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	rc = disk_readv_cached(&d, iov, 2, 10, 3);
	ok(direct ? rc == -EOPNOTSUPP : rc == 0 || rc == -EOPNOTSUPP,
	   direct ? "O_DIRECT: never from the page cache"
		  : "cached sectors: read without waiting");
	ok(rc != 0 || (filled(a, 512, 14) && filled(b + 512, 512, 16)),
	   "%s: and in order", mode);
	ok(disk_readv_cached(&d, iov, 2, FILE_SECTORS - 6, 3) < 0,
	   "a cached read across the end is refused");
	disk_prefetch(&d, 0, 8);
	disk_prefetch(&d, FILE_SECTORS, 8);
	is_int(disk_read(&d, buf, FILE_SECTORS - 5, 2), -EINVAL,
	       "a read across the end is refused");
	is_int(disk_read(&d, buf, (uint64_t)1 << 47, 1), -EINVAL,
	       "a read far past the end is refused");
	memset(buf, 0xab, sizeof(buf));
	is_int(disk_write(&d, buf, 20, 3), 0, "write 3 sectors at 20");
	is_int(disk_flush(&d), 0, "flush");
	memset(buf, 0, sizeof(buf));
	disk_read(&d, buf, 19, 4);
	ok(filled(buf, 512, 23) && filled(buf + 512, 3 * 512, 0xab),
	   "%s: the write landed at sector 24 of the file", mode);
	is_int(disk_write(&d, buf, FILE_SECTORS - 4, 1), -EINVAL,
	       "a write past the end is refused");
	for (int i = 0; i < 3; i++) {
		memset(buf, 24 + i, 512);
		disk_write(&d, buf, 20 + (unsigned)i, 1);
	}
	disk_close(&d);
}

static void test_map(void)
{
	struct disk_opts o = { .offset = 3, .length = 40 };
	struct disk d;
	const char *why;
	const uint8_t *m;
	uint8_t buf[512];

	if (disk_open(&d, path, &o, &why) != 0) {
		ok(0, "open for the map");
		return;
	}
	for (uint64_t i = 0; i < d.sectors; i++) /* into the page cache */
		disk_read(&d, buf, i, 1);
	disk_map(&d);
	ok(d.map != NULL, "the exported sectors are mapped");
	m = disk_mapped(&d, 5, 2);
	ok(m && filled(m, 512, 8) && filled(m + 512, 512, 9),
	   "sectors 5-6 of -o 3 are file sectors 8-9");
	memset(buf, 0x5a, sizeof(buf));
	disk_write(&d, buf, 5, 1);
	m = disk_mapped(&d, 5, 1);
	ok(m && filled(m, 512, 0x5a), "the map sees a write at once");
	memset(buf, 8, sizeof(buf));
	disk_write(&d, buf, 5, 1);
	ok(disk_mapped(&d, 39, 1) != NULL, "the last sector is mapped");
	ok(disk_mapped(&d, 39, 2) == NULL, "a run past the end is not");
	ok(disk_mapped(&d, (uint64_t)1 << 50, 1) == NULL,
	   "nor one far past the end");
	disk_close(&d);
	ok(d.map == NULL, "closed: unmapped");

	o.direct = true;
	o.offset = 0;
	o.length = 0;
	if (disk_open(&d, path, &o, &why) != 0) {
		ok(0, "open with O_DIRECT");
		return;
	}
	disk_map(&d);
	ok(disk_mapped(&d, 0, 1) == NULL, "O_DIRECT: no map");
	disk_close(&d);
}

/* A hole of a sparse file is not in memory: the map gives it up. */
static void test_map_hole(void)
{
	char sparse[] = "/var/tmp/aoetarget-sparse-XXXXXX";
	struct disk_opts o = { 0 };
	int fd = mkstemp(sparse);
	uint8_t sec[512];
	struct disk d;
	const char *why;

	memset(sec, 7, sizeof(sec));
	if (fd < 0 || ftruncate(fd, 16 << 20) < 0 ||
	    pwrite(fd, sec, sizeof(sec), 0) != (ssize_t)sizeof(sec) ||
	    close(fd) < 0 || disk_open(&d, sparse, &o, &why) != 0) {
		ok(0, "cannot make %s", sparse);
		unlink(sparse);
		return;
	}
	disk_map(&d);
	ok(d.map && !d.in_memory, "a sparse file is not all in memory");
	ok(disk_mapped(&d, 0, 1) != NULL, "its written sector is");
	ok(disk_mapped(&d, 16384, 8) == NULL, "a hole in the middle is not");
	disk_close(&d);
	unlink(sparse);
}

int main(void)
{
	if (make_file() < 0) {
		ok(0, "cannot make %s", path);
		return tap_done();
	}
	test_sizes();
	test_io(0);
	test_io(1);
	test_map();
	test_map_hole();
	unlink(path);
	return tap_done();
}
