/* SPDX-License-Identifier: GPL-2.0-or-later */
/* .imz header, part header and trailer encode/decode (see imz.h). */
#include "imz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "cursor.h"
#include "hash.h"

uint32_t imz_chunk_clusters(uint32_t cluster_bytes)
{
	uint32_t n = cluster_bytes ? IMZ_CHUNK_RAW / cluster_bytes : 1;

	return n ? n : 1;
}

uint64_t imz_reserved_bytes(const struct imz_header *h)
{
	return (uint64_t)h->reserved_sectors * h->sector_size;
}

uint64_t imz_fat_bytes(const struct imz_header *h)
{
	return (uint64_t)h->fat_sectors * h->sector_size;
}

uint64_t imz_root_bytes(const struct imz_header *h)
{
	uint64_t b = (uint64_t)h->root_entries * 32;

	return (b + h->sector_size - 1) / h->sector_size * h->sector_size;
}

uint64_t imz_map_bytes(const struct imz_header *h)
{
	return ((uint64_t)h->cluster_count + 2 + 7) / 8;
}

uint64_t imz_chunk_bytes(const struct imz_header *h, uint32_t i)
{
	uint64_t first = (uint64_t)i * h->chunk_clusters;
	uint64_t n = h->used_clusters - first;

	if (n > h->chunk_clusters)
		n = h->chunk_clusters;
	return n * h->cluster_bytes;
}

void imz_header_encode(const struct imz_header *h, uint8_t out[IMZ_HDR_LEN])
{
	memset(out, 0, IMZ_HDR_LEN);
	memcpy(out + IMZ_H_MAGIC, IMZ_MAGIC, 8);
	put_le16(out + IMZ_H_VERSION, IMZ_VERSION);
	put_le16(out + IMZ_H_HDRLEN, IMZ_HDR_LEN);
	put_le32(out + IMZ_H_FATTYPE, h->fat_type);
	put_le32(out + IMZ_H_SECSIZE, h->sector_size);
	put_le32(out + IMZ_H_CLUSBYTES, h->cluster_bytes);
	put_le32(out + IMZ_H_RSVDSECS, h->reserved_sectors);
	put_le32(out + IMZ_H_NFATS, h->nfats);
	put_le32(out + IMZ_H_ROOTENTS, h->root_entries);
	put_le32(out + IMZ_H_FATSECS, h->fat_sectors);
	put_le64(out + IMZ_H_TOTSECS, h->total_sectors);
	put_le32(out + IMZ_H_CLUSTERS, h->cluster_count);
	put_le32(out + IMZ_H_USED, h->used_clusters);
	put_le32(out + IMZ_H_LASTUSED, h->last_used);
	put_le32(out + IMZ_H_CHUNKCLUS, h->chunk_clusters);
	put_le64(out + IMZ_H_MINSECS, h->min_sectors);
	put_le32(out + IMZ_H_NCHUNKS, h->nchunks);
	put_le32(out + IMZ_H_SERIAL, h->serial);
	memcpy(out + IMZ_H_LABEL, h->label, 11);
	put_le32(out + IMZ_H_EXCLFILES, h->excluded_files);
	put_le64(out + IMZ_H_EXCLBYTES, h->excluded_bytes);
	put_le32(out + IMZ_H_LOST, h->lost_freed);
	put_le64(out + IMZ_H_HASH, XXH64(out, IMZ_H_HASH, 0));
}

static void header_fields(const uint8_t *b, struct imz_header *h)
{
	memset(h, 0, sizeof(*h));
	h->version = get_le16(b + IMZ_H_VERSION);
	h->fat_type = get_le32(b + IMZ_H_FATTYPE);
	h->sector_size = get_le32(b + IMZ_H_SECSIZE);
	h->cluster_bytes = get_le32(b + IMZ_H_CLUSBYTES);
	h->reserved_sectors = get_le32(b + IMZ_H_RSVDSECS);
	h->nfats = get_le32(b + IMZ_H_NFATS);
	h->root_entries = get_le32(b + IMZ_H_ROOTENTS);
	h->fat_sectors = get_le32(b + IMZ_H_FATSECS);
	h->total_sectors = get_le64(b + IMZ_H_TOTSECS);
	h->cluster_count = get_le32(b + IMZ_H_CLUSTERS);
	h->used_clusters = get_le32(b + IMZ_H_USED);
	h->last_used = get_le32(b + IMZ_H_LASTUSED);
	h->chunk_clusters = get_le32(b + IMZ_H_CHUNKCLUS);
	h->min_sectors = get_le64(b + IMZ_H_MINSECS);
	h->nchunks = get_le32(b + IMZ_H_NCHUNKS);
	h->serial = get_le32(b + IMZ_H_SERIAL);
	memcpy(h->label, b + IMZ_H_LABEL, 11);
	h->label[11] = '\0';
	h->excluded_files = get_le32(b + IMZ_H_EXCLFILES);
	h->excluded_bytes = get_le64(b + IMZ_H_EXCLBYTES);
	h->lost_freed = get_le32(b + IMZ_H_LOST);
}

static int pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* Geometry a FAT could have; keeps every later allocation bounded. */
static const char *header_absurd(const struct imz_header *h)
{
	uint64_t data_clusters;

	if (h->fat_type != 12 && h->fat_type != 16 && h->fat_type != 32)
		return "FAT type not 12, 16 or 32";
	if (h->sector_size < 512 || h->sector_size > 4096 ||
	    !pow2(h->sector_size))
		return "sector size not 512..4096";
	if (!pow2(h->cluster_bytes) || h->cluster_bytes < h->sector_size ||
	    h->cluster_bytes > 128u * 1024)
		return "cluster size out of range";
	if (!h->reserved_sectors || h->reserved_sectors > 65535 ||
	    !h->nfats || h->nfats > 8 || h->root_entries > 65535 ||
	    !h->fat_sectors)
		return "reserved sectors, FATs or root entries out of range";
	if (h->fat_type == 32 ? h->root_entries != 0 : h->root_entries == 0)
		return "root entries do not match the FAT type";
	if (h->cluster_count < 1 || h->cluster_count > IMZ_MAX_CLUSTERS)
		return "cluster count out of range";
	if ((uint64_t)(h->cluster_count + 2) * h->fat_type / 8 >
	    imz_fat_bytes(h) + 1)
		return "FAT too small for the cluster count";
	if (imz_fat_bytes(h) > (256u << 20))
		return "FAT larger than 256 MiB";
	data_clusters = h->total_sectors / (h->cluster_bytes / h->sector_size);
	if (data_clusters < h->cluster_count)
		return "more clusters than sectors";
	if (h->used_clusters > h->cluster_count ||
	    (h->used_clusters && (h->last_used < 2 ||
				  h->last_used > h->cluster_count + 1)) ||
	    (!h->used_clusters && h->last_used))
		return "used clusters out of range";
	if (h->chunk_clusters != imz_chunk_clusters(h->cluster_bytes))
		return "chunk size not the format's";
	if (h->nchunks != (h->used_clusters + (uint64_t)h->chunk_clusters - 1) /
				  h->chunk_clusters)
		return "chunk count does not match the used clusters";
	if (h->min_sectors > h->total_sectors)
		return "minimum target larger than the source";
	return NULL;
}

int imz_header_decode(const uint8_t *buf, size_t len, struct imz_header *h,
		      char *err, size_t errlen)
{
	const char *why;

	if (len < IMZ_HDR_LEN) {
		snprintf(err, errlen, "truncated");
		return -1;
	}
	if (memcmp(buf, IMZ_MAGIC, 8)) {
		snprintf(err, errlen, "bad magic (not an .imz image)");
		return -1;
	}
	header_fields(buf, h);
	if (h->version != IMZ_VERSION ||
	    get_le16(buf + IMZ_H_HDRLEN) != IMZ_HDR_LEN) {
		snprintf(err, errlen, "unsupported format version %u",
			 h->version);
		return -1;
	}
	if (get_le64(buf + IMZ_H_HASH) != XXH64(buf, IMZ_H_HASH, 0)) {
		snprintf(err, errlen, "checksum mismatch");
		return -1;
	}
	why = header_absurd(h);
	if (why) {
		snprintf(err, errlen, "%s", why);
		return -1;
	}
	return 0;
}

void imz_part_encode(const struct imz_part *p, uint8_t out[IMZ_PART_LEN])
{
	memset(out, 0, IMZ_PART_LEN);
	put_le32(out + IMZ_P_MAGIC, p->magic);
	put_le32(out + IMZ_P_INDEX, p->index);
	put_le64(out + IMZ_P_RAWLEN, p->raw_len);
	put_le64(out + IMZ_P_COMPLEN, p->comp_len);
	put_le64(out + IMZ_P_RAWHASH, p->raw_hash);
	put_le64(out + IMZ_P_HASH, XXH64(out, IMZ_P_HASH, 0));
}

int imz_part_decode(const uint8_t *buf, size_t len, uint32_t magic,
		    uint32_t index, uint64_t want_raw, struct imz_part *p,
		    char *err, size_t errlen)
{
	if (len < IMZ_PART_LEN) {
		snprintf(err, errlen, "truncated");
		return -1;
	}
	p->magic = get_le32(buf + IMZ_P_MAGIC);
	p->index = get_le32(buf + IMZ_P_INDEX);
	p->raw_len = get_le64(buf + IMZ_P_RAWLEN);
	p->comp_len = get_le64(buf + IMZ_P_COMPLEN);
	p->raw_hash = get_le64(buf + IMZ_P_RAWHASH);
	if (p->magic != magic) {
		snprintf(err, errlen, "bad magic");
		return -1;
	}
	if (get_le64(buf + IMZ_P_HASH) != XXH64(buf, IMZ_P_HASH, 0)) {
		snprintf(err, errlen, "part header checksum mismatch");
		return -1;
	}
	if (p->index != index || p->raw_len != want_raw) {
		snprintf(err, errlen, "part header does not match the image");
		return -1;
	}
	if (!p->comp_len || p->comp_len > ZSTD_compressBound(want_raw)) {
		snprintf(err, errlen, "compressed length out of range");
		return -1;
	}
	return 0;
}

void imz_trailer_encode(const struct imz_trailer *t,
			uint8_t out[IMZ_PART_LEN])
{
	memset(out, 0, IMZ_PART_LEN);
	put_le32(out + IMZ_P_MAGIC, IMZ_TRAILER);
	put_le32(out + IMZ_T_NCHUNKS, t->nchunks);
	put_le64(out + IMZ_T_STORED, t->stored);
	put_le64(out + IMZ_T_IMGBYTES, t->image_bytes);
	put_le64(out + IMZ_T_WHOLE, t->whole);
	put_le64(out + IMZ_P_HASH, XXH64(out, IMZ_P_HASH, 0));
}

int imz_trailer_decode(const uint8_t *buf, size_t len, struct imz_trailer *t,
		       char *err, size_t errlen)
{
	if (len < IMZ_PART_LEN) {
		snprintf(err, errlen, "truncated");
		return -1;
	}
	if (get_le32(buf) != IMZ_TRAILER) {
		snprintf(err, errlen, "bad magic");
		return -1;
	}
	if (get_le64(buf + IMZ_P_HASH) != XXH64(buf, IMZ_P_HASH, 0)) {
		snprintf(err, errlen, "checksum mismatch");
		return -1;
	}
	t->nchunks = get_le32(buf + IMZ_T_NCHUNKS);
	t->stored = get_le64(buf + IMZ_T_STORED);
	t->image_bytes = get_le64(buf + IMZ_T_IMGBYTES);
	t->whole = get_le64(buf + IMZ_T_WHOLE);
	return 0;
}

const char *imz_part_name(uint32_t magic)
{
	switch (magic) {
	case IMZ_RESERVED: return "reserved area";
	case IMZ_FAT: return "FAT";
	case IMZ_ROOT: return "root directory";
	case IMZ_MAP: return "cluster map";
	case IMZ_CHUNK: return "data chunk";
	case IMZ_TRAILER: return "trailer";
	default: return "header";
	}
}

/* ---- sequential reader ---- */

/* Reads exactly len bytes: 0, or -1 with "truncated" / the errno text. */
static int rd_full(struct imz_reader *r, void *buf, size_t len, char *err,
		   size_t errlen, const char *part)
{
	long n = r->read(r->ctx, buf, len);

	if (n < 0) {
		snprintf(err, errlen, "%s: read error", part);
		return -1;
	}
	r->pos += (uint64_t)n;
	if ((size_t)n != len) {
		snprintf(err, errlen, "%s: truncated", part);
		return -1;
	}
	return 0;
}

int imz_read_frame(struct imz_reader *r, uint32_t magic, uint32_t index,
		   uint64_t want, const char *part, struct imz_part *p,
		   uint8_t **cbuf, size_t *cbuf_len, char *err, size_t errlen)
{
	uint8_t ph[IMZ_PART_LEN];
	char why[96];

	if (rd_full(r, ph, sizeof(ph), err, errlen, part))
		return -1;
	if (imz_part_decode(ph, sizeof(ph), magic, index, want, p, why,
			    sizeof(why))) {
		snprintf(err, errlen, "%s: %s", part, why);
		return -1;
	}
	if (p->comp_len > *cbuf_len) {
		uint8_t *nb = realloc(*cbuf, p->comp_len);

		if (!nb) {
			snprintf(err, errlen, "%s: out of memory", part);
			return -1;
		}
		*cbuf = nb;
		*cbuf_len = p->comp_len;
	}
	return rd_full(r, *cbuf, p->comp_len, err, errlen, part);
}

/* One part: header, frame, decompress into raw (want bytes), check. */
static int rd_part(struct imz_reader *r, uint32_t magic, uint32_t index,
		   uint8_t *raw, uint64_t want, const char *part, char *err,
		   size_t errlen)
{
	struct imz_part p;
	size_t got;

	if (imz_read_frame(r, magic, index, want, part, &p, &r->cbuf,
			   &r->cbuf_len, err, errlen))
		return -1;
	got = ZSTD_decompressDCtx(r->dctx, raw, want, r->cbuf, p.comp_len);
	if (ZSTD_isError(got) || got != want) {
		snprintf(err, errlen, "%s: corrupt compressed data", part);
		return -1;
	}
	if (XXH64(raw, want, 0) != p.raw_hash) {
		snprintf(err, errlen, "%s: checksum mismatch", part);
		return -1;
	}
	XXH64_update(r->whole, raw, want);
	r->stored += want;
	return 0;
}

/* The map must name exactly used_clusters clusters, the last last_used. */
static int map_check(const struct imz_reader *r, char *err, size_t errlen)
{
	const struct imz_header *h = &r->h;
	uint64_t bits = imz_map_bytes(h) * 8, n = 0, last = 0;

	for (uint64_t c = 0; c < bits; c++) {
		if (!((r->map[c >> 3] >> (c & 7)) & 1))
			continue;
		if (c < 2 || c > (uint64_t)h->cluster_count + 1) {
			snprintf(err, errlen,
				 "cluster map: cluster %llu out of range",
				 (unsigned long long)c);
			return -1;
		}
		n++;
		last = c;
	}
	if (n != h->used_clusters || last != h->last_used) {
		snprintf(err, errlen,
			 "cluster map: does not match the header's counts");
		return -1;
	}
	return 0;
}

static int rd_meta(struct imz_reader *r, uint8_t **buf, uint32_t magic,
		   uint64_t len, char *err, size_t errlen)
{
	*buf = calloc(1, len ? len : 1);
	if (!*buf) {
		snprintf(err, errlen, "%s: out of memory",
			 imz_part_name(magic));
		return -1;
	}
	return rd_part(r, magic, 0, *buf, len, imz_part_name(magic), err,
		       errlen);
}

int imz_open(struct imz_reader *r, imz_read_fn rd, void *ctx, char *err,
	     size_t errlen)
{
	uint8_t hb[IMZ_HDR_LEN];
	char why[96];

	memset(r, 0, sizeof(*r));
	r->read = rd;
	r->ctx = ctx;
	r->whole = XXH64_createState();
	r->dctx = ZSTD_createDCtx();
	if (!r->whole || XXH64_reset(r->whole, 0) != XXH_OK || !r->dctx) {
		snprintf(err, errlen, "header: out of memory");
		return -1;
	}
	if (rd_full(r, hb, sizeof(hb), err, errlen, "header"))
		return -1;
	if (imz_header_decode(hb, sizeof(hb), &r->h, why, sizeof(why))) {
		snprintf(err, errlen, "header: %s", why);
		return -1;
	}
	if (rd_meta(r, &r->reserved, IMZ_RESERVED, imz_reserved_bytes(&r->h),
		    err, errlen) ||
	    rd_meta(r, &r->fat, IMZ_FAT, imz_fat_bytes(&r->h), err, errlen))
		return -1;
	if (r->h.root_entries &&
	    rd_meta(r, &r->root, IMZ_ROOT, imz_root_bytes(&r->h), err, errlen))
		return -1;
	if (rd_meta(r, &r->map, IMZ_MAP, imz_map_bytes(&r->h), err, errlen))
		return -1;
	return map_check(r, err, errlen);
}

int imz_read_chunk(struct imz_reader *r, uint8_t *raw, char *err,
		   size_t errlen)
{
	char part[32];
	uint32_t i = r->next_chunk;

	snprintf(part, sizeof(part), "data chunk %u", i);
	if (i >= r->h.nchunks) {
		snprintf(err, errlen, "%s: past the last chunk", part);
		return -1;
	}
	if (rd_part(r, IMZ_CHUNK, i, raw, imz_chunk_bytes(&r->h, i), part, err,
		    errlen))
		return -1;
	r->next_chunk++;
	return 0;
}

int imz_finish(struct imz_reader *r, char *err, size_t errlen)
{
	uint8_t tb[IMZ_PART_LEN], extra;
	uint64_t before = r->pos;
	char why[96];

	if (rd_full(r, tb, sizeof(tb), err, errlen, "trailer"))
		return -1;
	if (imz_trailer_decode(tb, sizeof(tb), &r->trailer, why, sizeof(why))) {
		snprintf(err, errlen, "trailer: %s", why);
		return -1;
	}
	if (r->trailer.nchunks != r->h.nchunks ||
	    r->trailer.stored != r->stored ||
	    r->trailer.image_bytes != before) {
		snprintf(err, errlen, "trailer: totals do not match the image");
		return -1;
	}
	if (r->trailer.whole != XXH64_digest(r->whole)) {
		snprintf(err, errlen, "trailer: whole-data checksum mismatch");
		return -1;
	}
	if (r->read(r->ctx, &extra, 1) != 0) {
		snprintf(err, errlen, "trailer: data after the trailer");
		return -1;
	}
	return 0;
}

void imz_close(struct imz_reader *r)
{
	free(r->reserved);
	free(r->fat);
	free(r->root);
	free(r->map);
	free(r->cbuf);
	ZSTD_freeDCtx(r->dctx);
	XXH64_freeState(r->whole);
	memset(r, 0, sizeof(*r));
}

struct membuf {
	const uint8_t *p;
	size_t len, off;
};

static long mem_read(void *ctx, void *buf, size_t len)
{
	struct membuf *m = ctx;
	size_t n = m->len - m->off;

	if (n > len)
		n = len;
	memcpy(buf, m->p + m->off, n);
	m->off += n;
	return (long)n;
}

int imz_verify_mem(const uint8_t *buf, size_t len, char *err, size_t errlen)
{
	struct membuf m = { buf, len, 0 };
	struct imz_reader r;
	uint8_t *raw = NULL;
	int rc = -1;

	if (imz_open(&r, mem_read, &m, err, errlen))
		goto out;
	raw = malloc(IMZ_CHUNK_RAW > r.h.cluster_bytes ? IMZ_CHUNK_RAW
						       : r.h.cluster_bytes);
	if (!raw) {
		snprintf(err, errlen, "data chunk 0: out of memory");
		goto out;
	}
	while (r.next_chunk < r.h.nchunks)
		if (imz_read_chunk(&r, raw, err, errlen))
			goto out;
	rc = imz_finish(&r, err, errlen);
out:
	free(raw);
	imz_close(&r);
	return rc;
}
