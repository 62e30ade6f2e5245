/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The .imz image format (man/mkimz.5).  All integers little-endian.
 *
 *   file header (128 bytes)
 *   part: reserved area, FAT, root directory (FAT12/16 only), cluster map,
 *         data chunk 0..n-1; each a 48-byte part header + one zstd frame
 *   trailer (48 bytes, no frame)
 *
 * Encode/decode only: no I/O here, so unit tests and fuzzers feed buffers.
 */
#ifndef MKIMZ_IMZ_H
#define MKIMZ_IMZ_H

#include <stddef.h>
#include <stdint.h>
#include <xxhash.h>

#define IMZ_MAGIC		"\x89IMZ\r\n\x1a\n"
#define IMZ_VERSION		1
#define IMZ_HDR_LEN		128
#define IMZ_PART_LEN		48
#define IMZ_CHUNK_RAW		(4u << 20)	/* raw bytes per chunk (max) */
#define IMZ_MAX_CLUSTERS		0x0ffffff5u	/* most clusters any FAT has */

/* File header offsets. */
#define IMZ_H_MAGIC		0	/* 8 bytes */
#define IMZ_H_VERSION		8	/* u16 */
#define IMZ_H_HDRLEN		10	/* u16: 128 */
#define IMZ_H_FATTYPE		12	/* u32: 12, 16, 32 */
#define IMZ_H_SECSIZE		16	/* u32 */
#define IMZ_H_CLUSBYTES		20	/* u32 */
#define IMZ_H_RSVDSECS		24	/* u32 */
#define IMZ_H_NFATS		28	/* u32 */
#define IMZ_H_ROOTENTS		32	/* u32 */
#define IMZ_H_FATSECS		36	/* u32 */
#define IMZ_H_TOTSECS		40	/* u64 */
#define IMZ_H_CLUSTERS		48	/* u32 */
#define IMZ_H_USED		52	/* u32 */
#define IMZ_H_LASTUSED		56	/* u32 */
#define IMZ_H_CHUNKCLUS		60	/* u32: clusters per chunk */
#define IMZ_H_MINSECS		64	/* u64 */
#define IMZ_H_NCHUNKS		72	/* u32 */
#define IMZ_H_SERIAL		76	/* u32 */
#define IMZ_H_LABEL		80	/* 11 bytes + NUL */
#define IMZ_H_EXCLFILES		92	/* u32 */
#define IMZ_H_EXCLBYTES		96	/* u64 */
#define IMZ_H_LOST		104	/* u32 */
#define IMZ_H_FLAGS		108	/* u32: 0 */
#define IMZ_H_ZERO		112	/* u64: 0 */
#define IMZ_H_HASH		120	/* u64: XXH64 of bytes 0..119 */

/* Part magics. */
enum imz_kind {
	IMZ_RESERVED = 0x31535249,	/* "IRS1" */
	IMZ_FAT = 0x31544649,		/* "IFT1" */
	IMZ_ROOT = 0x31545249,		/* "IRT1" */
	IMZ_MAP = 0x31504d49,		/* "IMP1" */
	IMZ_CHUNK = 0x31484349,		/* "ICH1" */
	IMZ_TRAILER = 0x31444e49,	/* "IND1" */
};

/* Part header offsets. */
#define IMZ_P_MAGIC		0	/* u32 */
#define IMZ_P_INDEX		4	/* u32: chunk number, else 0 */
#define IMZ_P_RAWLEN		8	/* u64 */
#define IMZ_P_COMPLEN		16	/* u64: zstd frame bytes that follow */
#define IMZ_P_RAWHASH		24	/* u64: XXH64 of the raw bytes */
#define IMZ_P_ZERO		32	/* u64: 0 */
#define IMZ_P_HASH		40	/* u64: XXH64 of bytes 0..39 */

/* Trailer (same 48-byte shape, magic IMZ_TRAILER). */
#define IMZ_T_NCHUNKS		4	/* u32 */
#define IMZ_T_STORED		8	/* u64: raw bytes stored */
#define IMZ_T_IMGBYTES		16	/* u64: file bytes before the trailer */
#define IMZ_T_WHOLE		24	/* u64: XXH64 of all raw bytes in order */

struct imz_header {
	uint32_t version;
	uint32_t fat_type;
	uint32_t sector_size;
	uint32_t cluster_bytes;
	uint32_t reserved_sectors;
	uint32_t nfats;
	uint32_t root_entries;
	uint32_t fat_sectors;
	uint64_t total_sectors;
	uint32_t cluster_count;
	uint32_t used_clusters;
	uint32_t last_used;
	uint32_t chunk_clusters;
	uint64_t min_sectors;
	uint32_t nchunks;
	uint32_t serial;
	char label[12];
	uint32_t excluded_files;
	uint64_t excluded_bytes;
	uint32_t lost_freed;
};

struct imz_part {
	uint32_t magic;
	uint32_t index;
	uint64_t raw_len;
	uint64_t comp_len;
	uint64_t raw_hash;
};

struct imz_trailer {
	uint32_t nchunks;
	uint64_t stored;
	uint64_t image_bytes;
	uint64_t whole;
};

/* Derived sizes of a checked header. */
uint64_t imz_reserved_bytes(const struct imz_header *h);
uint64_t imz_fat_bytes(const struct imz_header *h);
uint64_t imz_root_bytes(const struct imz_header *h);
uint64_t imz_map_bytes(const struct imz_header *h);
/* Raw bytes of chunk i (i < nchunks). */
uint64_t imz_chunk_bytes(const struct imz_header *h, uint32_t i);
/* Clusters per chunk for a cluster size (IMZ_CHUNK_RAW worth, >= 1). */
uint32_t imz_chunk_clusters(uint32_t cluster_bytes);

void imz_header_encode(const struct imz_header *h, uint8_t out[IMZ_HDR_LEN]);
/* 0, or -1 with a one-line reason: magic, version, hash, geometry. */
int imz_header_decode(const uint8_t *buf, size_t len, struct imz_header *h,
		      char *err, size_t errlen);

void imz_part_encode(const struct imz_part *p, uint8_t out[IMZ_PART_LEN]);
/*
 * Decodes and checks one part header against what the reader expects
 * (magic, index, raw length exactly want_raw); the compressed length is
 * capped at the zstd bound of want_raw.  0 or -1 (err).
 */
int imz_part_decode(const uint8_t *buf, size_t len, uint32_t magic,
		    uint32_t index, uint64_t want_raw, struct imz_part *p,
		    char *err, size_t errlen);

void imz_trailer_encode(const struct imz_trailer *t,
			uint8_t out[IMZ_PART_LEN]);
int imz_trailer_decode(const uint8_t *buf, size_t len, struct imz_trailer *t,
		       char *err, size_t errlen);

/* The header's name for part kind k (for messages). */
const char *imz_part_name(uint32_t magic);

/*
 * Sequential reader (works on a pipe).  read returns the bytes read, fewer
 * than len only at the end of the input, or -1 (errno set).
 */
typedef long (*imz_read_fn)(void *ctx, void *buf, size_t len);

struct imz_reader {
	imz_read_fn read;
	void *ctx;
	struct imz_header h;
	uint8_t *reserved, *fat, *root, *map;	/* raw metadata parts */
	uint8_t *cbuf;				/* compressed part */
	size_t cbuf_len;
	void *dctx;				/* ZSTD_DCtx */
	XXH64_state_t *whole;			/* of every raw byte so far */
	uint64_t stored;			/* raw bytes read so far */
	uint64_t pos;				/* file bytes consumed */
	uint32_t next_chunk;
	struct imz_trailer trailer;
};

/*
 * Reads and checks the header and the metadata parts (reserved area, FAT,
 * root directory, cluster map).  Errors read "PART: what" in err.
 */
int imz_open(struct imz_reader *r, imz_read_fn rd, void *ctx, char *err,
	     size_t errlen);
/* Reads, decompresses and checks the next data chunk into raw (at least
 * imz_chunk_bytes() long).  0 or -1 (err "data chunk N: what"). */
int imz_read_chunk(struct imz_reader *r, uint8_t *raw, char *err,
		   size_t errlen);
/* The next part's header (checked against magic, index and want raw
 * bytes) into p and its compressed frame into *cbuf, grown to fit
 * (*cbuf_len bytes): the raw read that imz_read_chunk() and threaded
 * readers share.  Decompressing and checking raw_hash is the caller's.
 * 0 or -1 (err "PART: what"). */
int imz_read_frame(struct imz_reader *r, uint32_t magic, uint32_t index,
		   uint64_t want, const char *part, struct imz_part *p,
		   uint8_t **cbuf, size_t *cbuf_len, char *err, size_t errlen);
/* After the last chunk: reads the trailer and checks totals and the whole
 * hash, and that nothing follows.  0 or -1 (err). */
int imz_finish(struct imz_reader *r, char *err, size_t errlen);
void imz_close(struct imz_reader *r);

/* Verifies a whole image held in memory (fuzzing, tests).  0 or -1. */
int imz_verify_mem(const uint8_t *buf, size_t len, char *err, size_t errlen);

#endif
