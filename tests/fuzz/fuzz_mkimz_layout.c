/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * layout_parse, layout_compute and layout_mbr over arbitrary bytes.  The
 * first two bytes pick the heads and sectors per track, the next four
 * the disk size in sectors; the rest is the TABFILE.  A parsed table must
 * place inside the disk without overlaps, and the MBR built from it must
 * hold exactly those extents and the next boot name when it fits there; labelled partitions that FAT16 can hold
 * must format with the cluster count in range.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../mkimz/format.h"
#include "../../mkimz/layout.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void check_format(uint64_t sectors)
{
	struct fmt16_plan p;
	struct fmt16_id id = { 63, 255, 63, 1, "FUZZ" };
	char err[160];
	uint8_t *buf;

	if (fmt16_plan(sectors, &p, err, sizeof(err)) != 0)
		return;
	if (p.clusters < 4085 || p.clusters > 65524 ||
	    (uint64_t)p.meta_sectors + (uint64_t)p.clusters *
	    p.sectors_per_cluster > sectors)
		abort();
	buf = malloc((size_t)p.meta_sectors * FMT16_SECTOR);
	if (buf == NULL)
		return;
	fmt16_build(&p, &id, buf);
	free(buf);
}

static void check_mbr(const struct layout_spec *sp,
		      const struct layout_geom *g,
		      const struct layout_extent ext[LAYOUT_PARTS])
{
	uint8_t mbr[MBR_SECTOR] = { 0 };
	int skipped;

	layout_mbr(sp, g, ext, mbr, &skipped);
	if (mbr[MBR_SIGNATURE] != 0x55 ||
	    skipped != (strlen(sp->next_boot) > MBR_NEXTBOOT_MAX ?
			LAYOUT_NB_LONG : LAYOUT_NB_STORED) ||
	    (skipped == LAYOUT_NB_STORED &&
	     strcmp((const char *)mbr + MBR_NEXTBOOT, sp->next_boot) != 0))
		abort();
	for (unsigned i = 0; i < LAYOUT_PARTS; i++) {
		const uint8_t *pe = mbr + MBR_PTABLE + i * MBR_PENTRY_LEN;

		if (rd32(pe + MBR_PE_LBA) != ext[i].start ||
		    rd32(pe + MBR_PE_COUNT) != ext[i].count)
			abort();
		if (ext[i].count == 0)
			continue;
		if (ext[i].start == 0 ||
		    ext[i].start + ext[i].count > g->disk_sectors)
			abort();
		for (unsigned j = 0; j < i; j++)
			if (ext[j].count != 0 &&
			    ext[i].start < ext[j].start + ext[j].count &&
			    ext[j].start < ext[i].start + ext[i].count)
				abort();
		if (sp->part[i].label[0] != '\0' && ext[i].count < 300000)
			check_format(ext[i].count);
	}
}

/* An error names a line of the input, or 0 for the whole file. */
static unsigned count_lines(const uint8_t *p, size_t n)
{
	unsigned lines = 1;

	for (size_t i = 0; i < n; i++)
		lines += p[i] == '\n';
	return lines;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct layout_geom g;
	struct layout_spec sp;
	struct layout_extent ext[LAYOUT_PARTS];
	char err[160];
	unsigned line;

	if (size < 6)
		return 0;
	g.heads = data[0] ? data[0] : 255;
	g.sectors = data[1] % 64 ? data[1] % 64 : 63;
	g.disk_sectors = rd32(data + 2);
	if (layout_parse((const char *)data + 6, size - 6, &sp, &line, err,
			 sizeof(err)) != 0) {
		if (err[0] == '\0' || line > count_lines(data + 6, size - 6))
			abort();
		return 0;
	}
	if (layout_compute(&sp, &g, ext, &line, err, sizeof(err)) != 0) {
		if (err[0] == '\0')
			abort();
		return 0;
	}
	check_mbr(&sp, &g, ext);
	return 0;
}
