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
			  "0 1 1 $40 254 63 $0E Y boot  # full CHS\n"
			  "  $41 0 1 +300 Mb 6 N Data\n"
			  "+10% $0B n\r\n"
			  "-100Mb $83 N\n"
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
	is_int(sp.part[1].size, 300, "+300 Mb");
	is_int(sp.part[1].unit, LAYOUT_MIB, "Mb unit as a separate word");
	is_str(sp.part[1].label, "DATA", "second label");
	is_int(sp.part[2].form, LAYOUT_SIZE, "size only");
	is_int(sp.part[2].unit, LAYOUT_PERCENT, "attached %");
	is_int(sp.part[2].boot, 0, "boot flag n");
	is_int(sp.part[3].minus, 1, "-100Mb is remaining minus");
	is_str(sp.next_boot, "next.imz", "next boot image");
	is_int(sp.next_boot_line, 7, "next boot line");
}

static void test_unused(void)
{
	struct layout_spec sp;
	struct layout_extent ext[4];
	unsigned line;
	char err[160];

	is_int(parse("0\n-\n0\n-\n", &sp, &line, err), 0,
	       "four empty slots parse");
	is_int(sp.part[1].form, LAYOUT_UNUSED, "- is an empty slot");
	is_int(place("+40 Mb $0E Y\n0\n0\n0\n", ext, &line, err), 0,
	       "one partition, three empty");
	is_int(ext[0].start, 63, "size-only first partition at LBA 63");
	is_int(ext[0].count, 5 * CYL - 63, "40 MiB rounded down to 5 cylinders");
	is_int(ext[1].count, 0, "slot 2 empty");
}

static void test_sizes(void)
{
	struct layout_extent ext[4];
	unsigned line;
	char err[160];
	int rc = place("+50 %  6 N\n+50 % 6 N\n0\n0\n", ext, &line, err);

	is_int(rc, 0, "two halves fit");
	is_int(ext[0].start + ext[0].count, 130 * CYL, "half ends at cylinder 130");
	is_int(ext[1].start, 130 * CYL, "second half starts there");
	is_int(ext[1].start + ext[1].count, 260 * CYL, "and ends at 260");
	rc = place("+1 Mb 6 N\n-0 Mb 6 N\n0\n0\n", ext, &line, err);
	is_int(rc, -1, "1 MiB is less than a cylinder");
	is_int(line, 1, "error on line 1");
	ok(strstr(err, "cylinder") != NULL, "message says cylinder: %s", err);
	rc = place("+8 Mb 6 N\n-0 Mb 6 N\n0\n0\n", ext, &line, err);
	is_int(rc, 0, "-0 Mb takes the rest");
	is_int(ext[1].start + ext[1].count, 261 * CYL, "to the last whole cylinder");
	rc = place("-10 % 6 N\n0\n0\n0\n", ext, &line, err);
	is_int(rc, 0, "-10 %% parses and fits");
	is_int(ext[0].start + ext[0].count, 234 * CYL, "remaining minus 10 %%");
	rc = place("1 0 1 -0 Mb 6 N\n0\n0\n0\n", ext, &line, err);
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
		0x80, 0x01, 0x01, 0x00, 0x0e, 0xfe, 0x3f, 0x04,
		0x3f, 0x00, 0x00, 0x00, 0x86, 0x39, 0x01, 0x00 };
	static const uint8_t want2[16] = {
		0x00, 0xfe, 0xff, 0xff, 0x83, 0xfe, 0xff, 0xff,
		0x4c, 0xa5, 0x0d, 0x01, 0x48, 0xa6, 0x11, 0x00 };
	/* partition 4 starts at cylinder 1100: its CHS fields are capped */
	struct layout_geom big = { 255, 63, 20000000u };

	parse("+40 Mb $0E Y\n0\n0\n1100 0 1 +570 Mb $83 N\nnb.imz\n", &sp,
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
}

struct bad_case {
	const char *tab;
	unsigned line;
	const char *msg;
};

static const struct bad_case bad_parse[] = {
	{ "0\n0\n0\n", 3, "need exactly 4" },
	{ "", 0, "need exactly 4" },
	{ "0\n0\n0\n0\nname\nextra\n", 6, "extra line" },
	{ "+40 Mb $0E Y\n0\n0\n+40", 4, "missing size unit" },
	{ "+40 Mb $0E\n0\n0\n0\n", 1, "missing boot flag" },
	{ "+40 Mb $0E X\n0\n0\n0\n", 1, "bad boot flag" },
	{ "+40 Gb 6 N\n0\n0\n0\n", 1, "bad size unit" },
	{ "+40 Mb 0 N\n0\n0\n0\n", 1, "bad type" },
	{ "+40 Mb 256 N\n0\n0\n0\n", 1, "bad type" },
	{ "+40 Mb $1G N\n0\n0\n0\n", 1, "bad type" },
	{ "+40 Mb $0x6 N\n0\n0\n0\n", 1, "bad type" },
	{ "+99999999999999999999999 Mb 6 N\n0\n0\n0\n", 1, "bad size" },
	{ "+0 Mb 6 N\n0\n0\n0\n", 1, "empty" },
	{ "+101 % 6 N\n0\n0\n0\n", 1, "percentage" },
	{ "0 1 1 6 N\n0\n0\n0\n", 1, "bad head" },
	{ "0 255 1 +4 Mb 6 N\n0\n0\n0\n", 1, "bad head" },
	{ "0 0 64 +4 Mb 6 N\n0\n0\n0\n", 1, "bad sector" },
	{ "0 1 1 1 254 63 6 N LABEL.TOOLONG\n0\n0\n0\n", 1, "bad label" },
	{ "0 1 1 1 254 63 6 N A.B\n0\n0\n0\n", 1, "bad label" },
	{ "0 1 1 1 254 63 6 N OK more\n0\n0\n0\n", 1, "after the label" },
	{ "garbage\n0\n0\n0\n", 1, "bad cylinder" },
	{ "0\n0\n0\n0\nname with blanks\n", 5, "one name" },
	{ "0\n0\n0\n0\nabcdefghijklmnopqrstuvwxyz\n", 5, "longer" },
	{ "0\n0\n\x01\n0\n", 3, "bad cylinder" },
	{ "0 0 0 0 0 0 0 0 0 0 0 0 0\n0\n0\n0\n", 1, "too many" },
};

static const struct bad_case bad_place[] = {
	{ "+100 Mb 6 Y\n+100 Mb 6 Y\n0\n0\n", 2, "second boot flag" },
	{ "0 1 1 10 254 63 6 N\n5 0 1 +20 Mb 6 N\n0\n0\n", 2, "overlaps" },
	{ "0\n0\n0 1 1 10 254 63 6 N\n0 1 1 0 254 63 6 N\n", 4, "overlaps" },
	{ "+3000 Mb 6 N\n0\n0\n0\n", 1, "past the end" },
	{ "0 1 1 300 0 1 6 N\n0\n0\n0\n", 1, "past the end" },
	{ "+2000 Mb 6 N\n+100 Mb 6 N\n0\n0\n", 2, "past the end" },
	{ "-3000 Mb 6 N\n0\n0\n0\n", 1, "no space left" },
	{ "0 0 1 1 0 1 6 N\n0\n0\n0\n", 1, "sector 0" },
	{ "2 0 1 1 0 1 6 N\n0\n0\n0\n", 1, "before it starts" },
	{ "+7 Mb 6 N\n0\n0\n0\n", 1, "one cylinder" },
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
	test_unused();
	test_sizes();
	test_mbr_bytes();
	test_bad();
	test_limits();
	test_format();
	test_labels();
	return tap_done();
}
