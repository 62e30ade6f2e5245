/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../mkimz/fat.h"
#include "../../mkimz/format.h"
#include "../../mkimz/layout.h"
#include "tap.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))
#define DISK_2G 4194304u	/* sectors */
#define CYL 16065u

static const struct layout_geom geom = { 255, 63, DISK_2G };

static int parse(const char *s, struct layout_spec *sp, unsigned *line,
		 char *err)
{
	return layout_parse(s, strlen(s), sp, line, err, 160);
}

static int place(const char *s, struct layout_extent ext[4], unsigned *line,
		 char *err)
{
	struct layout_spec sp;

	if (parse(s, &sp, line, err))
		return -2;
	return layout_compute(&sp, &geom, ext, line, err, 160);
}

static void test_forms(void)
{
	struct layout_spec sp;
	unsigned line;
	char err[160] = "";
	const char *tab = "# comment only\n\n"
			  "$0E Y 0 1 1 $40 254 63 boot  # full CHS\n"
			  "  6 N $41 0 1 +300 Mb Data\n"
			  "$0B n +10%\r\n"
			  "$83 N -100Mb\n"
			  "next.imz   # fifth line\n";
	int rc = parse(tab, &sp, &line, err);

	is_int(rc, 0, "all three forms parse");
	if (rc)
		diag("%u: %s", line, err);
	is_int(sp.part[0].form, LAYOUT_CHS, "line 3 is full CHS");
	is_int(sp.part[0].line, 3, "line numbers count comments and blanks");
	is_int(sp.part[0].end.c, 0x40, "hex cylinder");
	is_int(sp.part[0].type, 0x0e, "hex type");
	is_int(sp.part[0].boot, 1, "boot flag Y");
	is_str(sp.part[0].label, "BOOT", "label upper-cased");
	is_int(sp.part[1].form, LAYOUT_CHS_SIZE, "start CHS + size");
	is_int(sp.part[1].start.c, 0x41, "start cylinder after type and flag");
	is_int(sp.part[1].size, 300, "+300 Mb");
	is_int(sp.part[1].unit, LAYOUT_MIB, "Mb unit as a separate word");
	is_str(sp.part[1].label, "DATA", "second label");
	is_int(sp.part[2].form, LAYOUT_SIZE, "size only");
	is_int(sp.part[2].unit, LAYOUT_PERCENT, "attached %");
	is_int(sp.part[2].boot, 0, "boot flag n");
	is_int(sp.part[3].minus, 1, "-100Mb leaves room");
	is_str(sp.next_boot, "next.imz", "next boot image");
	is_int(sp.next_boot_line, 7, "next boot line");
	rc = parse("6 N + 10 Mb\n6 N - 70 %\n4 N +$10 Mb\n6 N -0 Mb LAST\n",
		   &sp, &line, err);
	is_int(rc, 0, "blanks after the sign and before the unit");
	is_int(sp.part[0].size, 10, "+ 10 Mb");
	ok(sp.part[1].minus && sp.part[1].size == 70 &&
	   sp.part[1].unit == LAYOUT_PERCENT, "- 70 %%");
	is_int(sp.part[2].size, 16, "hex size");
	is_str(sp.part[3].label, "LAST", "label after a size");
}

/* The seed's own XXXclean.tab, verbatim, on a 2 GB disk. */
static void test_seed(void)
{
	static const char tab[] =
		"# Comments are allowed, but file should not exceed 512 bytes\n"
		"# Hex numbers should be prefixed by $\n"
		"\n"
		"# Part |       |  Part\n"
		"# type | Boot? |  Size\n"
		"   6      Y       +500 Mb\n"
		"  $82     N       +31 Mb\n"
		"  $83     N       -50 Mb\n"
		"   0\n"
		"\n"
		"# Bootimage to chain\n"
		"/tftpboot/XXXmenu\n";
	struct layout_spec sp;
	struct layout_extent ext[4];
	unsigned line;
	char err[160] = "";
	int rc = place(tab, ext, &line, err);

	is_int(rc, 0, "the seed's example is accepted");
	if (rc)
		diag("%u: %s", line, err);
	parse(tab, &sp, &line, err);
	ok(sp.part[0].type == 6 && sp.part[0].boot && sp.part[1].type == 0x82 &&
	   sp.part[2].type == 0x83 && sp.part[3].form == LAYOUT_UNUSED,
	   "types, boot flag, empty entry");
	is_str(sp.next_boot, "/tftpboot/XXXmenu", "the image to chain");
	is_int(ext[0].start, 63, "BIGDOS from sector 63");
	is_int(ext[0].start + ext[0].count, 64 * CYL,
	       "+500 Mb: at least 500 MiB, up to cylinder 64");
	ok(ext[0].count >= 500 * 2048, "at least 500 MiB");
	is_int(ext[1].start, 64 * CYL, "swap right after");
	is_int(ext[1].start + ext[1].count, 68 * CYL, "+31 Mb: 4 cylinders");
	ok(ext[1].count >= 31 * 2048, "at least 31 MiB");
	is_int(ext[2].start, 68 * CYL, "ext2 right after");
	is_int(ext[2].start + ext[2].count, 254 * CYL,
	       "-50 Mb: ends where 50 MiB or more stay free");
	ok(DISK_2G - (ext[2].start + ext[2].count) >= 50 * 2048,
	   "at least 50 MiB left");
	ok(DISK_2G - (ext[2].start + ext[2].count) < 50 * 2048 + 2 * CYL,
	   "and not a cylinder more than needed");
	is_int(ext[3].count, 0, "entry 4 empty");
}

static void test_unused(void)
{
	struct layout_spec sp;
	struct layout_extent ext[4];
	unsigned line;
	char err[160];

	is_int(parse("0\n0\n0\n0\n", &sp, &line, err), 0,
	       "four empty entries parse");
	is_int(sp.part[1].form, LAYOUT_UNUSED, "0 is an empty entry");
	is_int(place("$0E Y +40 Mb\n0\n0\n0\n", ext, &line, err), 0,
	       "one partition, three empty");
	is_int(ext[0].start, 63, "size-only first partition at LBA 63");
	is_int(ext[0].count, 6 * CYL - 63, "40 MiB rounded up to 6 cylinders");
	is_int(ext[1].count, 0, "slot 2 empty");
}

static void test_sizes(void)
{
	struct layout_extent ext[4];
	unsigned line;
	char err[160];
	int rc = place("6 N +50 %\n6 N +50 %\n0\n0\n", ext, &line, err);

	is_int(rc, 0, "two halves fit");
	is_int(ext[0].start + ext[0].count, 131 * CYL,
	       "half of the disk, rounded up: cylinder 131");
	is_int(ext[1].start, 131 * CYL, "second starts there");
	is_int(ext[1].start + ext[1].count, 196 * CYL,
	       "and takes half of what is left: 196");
	rc = place("6 N +1 Mb\n6 N -0 Mb\n0\n0\n", ext, &line, err);
	is_int(rc, 0, "1 MiB rounds up");
	is_int(ext[0].start + ext[0].count, CYL, "to one cylinder");
	is_int(ext[1].start + ext[1].count, 261 * CYL,
	       "-0 Mb: to the last whole cylinder");
	rc = place("6 N -10 %\n0\n0\n0\n", ext, &line, err);
	is_int(rc, 0, "-10 %% parses and fits");
	is_int(ext[0].start + ext[0].count, 234 * CYL,
	       "leaves at least 10 %% free, rounded down");
	rc = place("6 N + 30 %\n6 N - 70 %\n0\n0\n", ext, &line, err);
	is_int(rc, 0, "+ 30 %%, - 70 %%");
	is_int(ext[0].start + ext[0].count, 79 * CYL, "30 %% of the disk, up");
	is_int(ext[1].start + ext[1].count, 133 * CYL,
	       "30 %% of what is left after it, down");
	rc = place("6 N 1 0 1 -0 Mb\n0\n0\n0\n", ext, &line, err);
	is_int(ext[0].start, CYL, "start CHS 1/0/1");
}

static void test_mbr_bytes(void)
{
	struct layout_spec sp;
	struct layout_extent ext[4];
	uint8_t mbr[512];
	unsigned line;
	char err[160];
	int skipped;
	static const uint8_t want1[16] = {
		0x80, 0x01, 0x01, 0x00, 0x0e, 0xfe, 0x3f, 0x05,
		0x3f, 0x00, 0x00, 0x00, 0x47, 0x78, 0x01, 0x00 };
	static const uint8_t want2[16] = {
		0x00, 0xfe, 0xff, 0xff, 0x83, 0xfe, 0xff, 0xff,
		0x4c, 0xa5, 0x0d, 0x01, 0x09, 0xe5, 0x11, 0x00 };
	/* partition 4 starts at cylinder 1100: its CHS fields are capped */
	struct layout_geom big = { 255, 63, 20000000u };

	parse("$0E Y +40 Mb\n0\n0\n$83 N 1100 0 1 +570 Mb\nnb.imz\n", &sp,
	      &line, err);
	is_int(layout_compute(&sp, &big, ext, &line, err, sizeof(err)), 0,
	       "known table places");
	memset(mbr, 0xcc, sizeof(mbr));
	memset(mbr + MBR_NEXTBOOT, 0, MBR_NEXTBOOT_LEN);
	layout_mbr(&sp, &big, ext, mbr, &skipped);
	is_mem(mbr + MBR_PTABLE, want1, 16, "entry 1 bytes");
	is_mem(mbr + MBR_PTABLE + 48, want2, 16, "entry 4 bytes (CHS capped)");
	ok(mbr[MBR_PTABLE + 16] == 0 && mbr[MBR_PTABLE + 31] == 0,
	   "empty slot zeroed");
	ok(mbr[0] == 0xcc && mbr[MBR_DISKSIG] == 0xcc, "code and signature kept");
	ok(mbr[510] == 0x55 && mbr[511] == 0xaa, "0x55AA");
	is_str((char *)mbr + MBR_NEXTBOOT, "nb.imz", "next boot name stored");
	is_int(skipped, 0, "not skipped");
	memset(mbr + MBR_NEXTBOOT, 0x90, 4);
	layout_mbr(&sp, &big, ext, mbr, &skipped);
	is_int(skipped, 1, "boot code in 0x1a0: name skipped");
	is_int(mbr[MBR_NEXTBOOT], 0x90, "boot code kept");
	sp.next_boot[0] = '\0';
	memset(mbr + MBR_NEXTBOOT, 0, MBR_NEXTBOOT_LEN);
	memcpy(mbr + MBR_NEXTBOOT, "old.imz", 7);
	layout_mbr(&sp, &big, ext, mbr, &skipped);
	is_int(mbr[MBR_NEXTBOOT], 0, "no fifth line clears an old name");
	strcpy(sp.next_boot, "/tftpboot/a-name-of-24-b");
	layout_mbr(&sp, &big, ext, mbr, &skipped);
	is_int(skipped, LAYOUT_NB_LONG, "a name over 23 bytes: not stored");
	is_int(mbr[MBR_NEXTBOOT], 0, "and the region left clear");
}

struct bad_case {
	const char *tab;
	unsigned line;
	const char *msg;
};

#define NAME128 "0123456789abcdef0123456789abcdef0123456789abcdef" \
		"0123456789abcdef0123456789abcdef0123456789abcdef" \
		"0123456789abcdef0123456789abcdef"

static const struct bad_case bad_parse[] = {
	{ "0\n0\n0\n", 3, "need exactly 4" },
	{ "", 0, "need exactly 4" },
	{ "0\n0\n0\n0\nname\nextra\n", 6, "extra line" },
	{ "$0E Y +40 Mb\n0\n0\n6 N +40", 4, "missing size unit" },
	{ "$0E\n0\n0\n0\n", 1, "missing boot flag" },
	{ "$0E X +40 Mb\n0\n0\n0\n", 1, "bad boot flag" },
	{ "6 N\n0\n0\n0\n", 1, "missing size" },
	{ "6 N +\n0\n0\n0\n", 1, "missing size after" },
	{ "6 N + Mb\n0\n0\n0\n", 1, "bad size" },
	{ "6 N +40 Gb\n0\n0\n0\n", 1, "bad size unit" },
	{ "0 N +40 Mb\n0\n0\n0\n", 1, "bad type" },
	{ "256 N +40 Mb\n0\n0\n0\n", 1, "bad type" },
	{ "$1G N +40 Mb\n0\n0\n0\n", 1, "bad type" },
	{ "$0x6 N +40 Mb\n0\n0\n0\n", 1, "bad type" },
	{ "-\n0\n0\n0\n", 1, "bad type" },
	{ "+40 Mb $0E Y\n0\n0\n0\n", 1, "bad type" },
	{ "6 N +99999999999999999999999 Mb\n0\n0\n0\n", 1, "bad size" },
	{ "6 N +0 Mb\n0\n0\n0\n", 1, "empty" },
	{ "6 N +101 %\n0\n0\n0\n", 1, "percentage" },
	{ "6 N 0 1 1\n0\n0\n0\n", 1, "missing cylinder" },
	{ "6 N 0 255 1 +4 Mb\n0\n0\n0\n", 1, "bad head" },
	{ "6 N 0 0 64 +4 Mb\n0\n0\n0\n", 1, "bad sector" },
	{ "6 N 0 1 1 1 254 63 LABEL.TOOLONG\n0\n0\n0\n", 1, "bad label" },
	{ "6 N 0 1 1 1 254 63 A.B\n0\n0\n0\n", 1, "bad label" },
	{ "6 N 0 1 1 1 254 63 OK more\n0\n0\n0\n", 1, "after the label" },
	{ "6 N +10 Mb OK more\n0\n0\n0\n", 1, "after the label" },
	{ "garbage\n0\n0\n0\n", 1, "bad type" },
	{ "0\n0\n0\n0\nname with blanks\n", 5, "one name" },
	{ "0\n0\n0\n0\n" NAME128 "\n", 5, "longer" },
	{ "0\n0\n\x01\n0\n", 3, "bad type" },
	{ "0 0 0 0 0 0 0 0 0 0 0 0 0\n0\n0\n0\n", 1, "too many" },
};

static const struct bad_case bad_place[] = {
	{ "6 Y +100 Mb\n6 Y +100 Mb\n0\n0\n", 2, "second boot flag" },
	{ "6 N 0 1 1 10 254 63\n6 N 5 0 1 +20 Mb\n0\n0\n", 2, "overlaps" },
	{ "0\n0\n6 N 0 1 1 10 254 63\n6 N 0 1 1 0 254 63\n", 4, "overlaps" },
	{ "6 N +3000 Mb\n0\n0\n0\n", 1, "past the end" },
	{ "6 N 0 1 1 300 0 1\n0\n0\n0\n", 1, "past the end" },
	{ "6 N +2000 Mb\n6 N +100 Mb\n0\n0\n", 2, "past the end" },
	{ "6 N +100 %\n6 N +1 Mb\n0\n0\n", 2, "past the end" },
	{ "6 N -3000 Mb\n0\n0\n0\n", 1, "no space left" },
	{ "6 N -100 %\n0\n0\n0\n", 1, "no space left" },
	{ "6 N 0 0 1 1 0 1\n0\n0\n0\n", 1, "sector 0" },
	{ "6 N 2 0 1 1 0 1\n0\n0\n0\n", 1, "before it starts" },
	{ "6 N -2040 Mb\n0\n0\n0\n", 1, "one cylinder" },
};

static void check_bad(const struct bad_case *c, int compute)
{
	struct layout_extent ext[4];
	unsigned line = 99;
	char err[160] = "";
	struct layout_spec sp;
	int rc = compute ? place(c->tab, ext, &line, err) :
			   parse(c->tab, &sp, &line, err);

	ok(rc == -1 && line == c->line && strstr(err, c->msg) != NULL,
	   "refused at line %u: %s", c->line, c->msg);
	if (rc != -1 || line != c->line || strstr(err, c->msg) == NULL)
		diag("rc %d line %u err '%s'", rc, line, err);
}

static void test_bad(void)
{
	for (size_t i = 0; i < N_ELEMS(bad_parse); i++)
		check_bad(&bad_parse[i], 0);
	for (size_t i = 0; i < N_ELEMS(bad_place); i++)
		check_bad(&bad_place[i], 1);
}

static void test_limits(void)
{
	char big[LAYOUT_MAX_BYTES + 2];
	struct layout_spec sp;
	unsigned line;
	char err[160];

	memset(big, ' ', sizeof(big));
	memcpy(big, "0\n0\n0\n0\n", 8);
	is_int(layout_parse(big, LAYOUT_MAX_BYTES, &sp, &line, err, sizeof(err)),
	       0, "512 bytes with trailing blanks parse");
	is_int(layout_parse(big, LAYOUT_MAX_BYTES + 1, &sp, &line, err,
			    sizeof(err)), -1, "513 bytes refused");
	is_int(layout_parse("0\n0\0\n0\n0\n", 9, &sp, &line, err, sizeof(err)),
	       -1, "NUL byte refused");
	is_int(layout_parse("0\n0\n0\n0", 7, &sp, &line, err, sizeof(err)), 0,
	       "no final newline");
	is_int(layout_parse("0\n0\n0\n0\n", 3, &sp, &line, err, sizeof(err)),
	       -1, "truncated table refused");
	is_int(line, 2, "truncation reported at the last line");
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static void check_format(uint64_t sectors, uint32_t want_spc)
{
	struct fmt16_plan p;
	struct fmt16_id id = { 63, 255, 63, 0x12345678, "VOL1" };
	char err[160];
	uint8_t *buf;

	if (!ok(fmt16_plan(sectors, &p, err, sizeof(err)) == 0,
		"%llu sectors format", (unsigned long long)sectors))
		return;
	is_int(p.sectors_per_cluster, want_spc, "cluster size as mkfs.fat");
	ok(p.clusters >= 4085 && p.clusters <= 65524, "FAT16 cluster count %u",
	   p.clusters);
	ok(p.fat_sectors * 256 >= p.clusters + 2, "FAT holds every cluster");
	ok(p.meta_sectors % p.sectors_per_cluster == 0, "data area aligned");
	buf = malloc((size_t)p.meta_sectors * 512);
	if (buf == NULL)
		return;
	fmt16_build(&p, &id, buf);
	ok(buf[510] == 0x55 && buf[511] == 0xaa && buf[0] == 0xeb, "boot sector");
	is_int(buf[FAT_BPB_SECPERCLUS], want_spc, "BPB cluster size");
	is_int(rd16(buf + FAT_BPB_FATSZ16), p.fat_sectors, "BPB FAT size");
	is_int(rd16(buf + FAT_BPB_RSVDSECCNT), p.reserved_sectors, "BPB reserved");
	is_int(buf[FAT16_BS_VOLID], 0x78, "serial");
	ok(memcmp(buf + FAT16_BS_VOLLAB, "VOL1       FAT16   ", 19) == 0,
	   "label and type in the boot sector");
	ok(rd16(buf + p.reserved_sectors * 512) == 0xfff8 &&
	   rd16(buf + (p.reserved_sectors + p.fat_sectors) * 512 + 2) == 0xffff,
	   "both FATs start F8 FF FF FF");
	ok(memcmp(buf + (p.reserved_sectors + 2 * p.fat_sectors) * 512,
		  "VOL1       \x08", 12) == 0, "root holds the label entry");
	free(buf);
}

static void test_format(void)
{
	struct fmt16_plan p;
	char err[160];

	check_format(32768, 4);		/* 16 MiB */
	check_format(409600, 8);	/* 200 MiB */
	check_format(1048576, 16);	/* 512 MiB */
	check_format(2097152, 32);	/* 1 GiB */
	check_format(4192902, 64);	/* 2 GiB - 1 cylinder */
	check_format(8192, 1);		/* 4 MiB: smaller clusters */
	is_int(fmt16_plan(4000, &p, err, sizeof(err)), -1, "2 MB refused");
	ok(strstr(err, "too small") != NULL, "too small: %s", err);
	is_int(fmt16_plan(8400000, &p, err, sizeof(err)), -1, "4 GB refused");
	ok(strstr(err, "too large") != NULL, "too large: %s", err);
	is_int(fmt16_plan(UINT64_C(1) << 40, &p, err, sizeof(err)), -1,
	       "huge refused");
}

static void test_labels(void)
{
	char out[12];

	is_int(layout_label_check("a-b_c", 5, out), 0, "label chars");
	is_str(out, "A-B_C", "upper-cased");
	is_int(layout_label_check("", 0, out), -1, "empty label");
	is_int(layout_label_check("a*b", 3, out), -1, "* refused");
	is_int(layout_label_check("\xe9t\xe9", 3, out), -1, "non-ASCII refused");
}

int main(void)
{
	test_forms();
	test_seed();
	test_unused();
	test_sizes();
	test_mbr_bytes();
	test_bad();
	test_limits();
	test_format();
	test_labels();
	return tap_done();
}
