/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A client's copy-on-write overlay file, as pure code over buffers: the
 * header, the map of written chunks, and the decisions a read or a write
 * needs (which sectors come from the base, which from the overlay, which
 * chunks must be completed from the base first).  No I/O here; the
 * format is drawn in aoetarget-overlay(5).
 *
 *   offset 0                 header, one block (OVL_BLOCK bytes)
 *   offset OVL_BLOCK         map, nblocks blocks (ovl_map_blocks)
 *   offset (1 + nblocks) * OVL_BLOCK
 *                            data: chunk c of the exported disk at
 *                            data offset + c * OVL_CHUNK, present only
 *                            where its map bit is set (a sparse file)
 *
 * Header, little endian:
 *    0  8  magic "NBAOEOVL"
 *    8  4  version (1)
 *   12  4  block size (4096)
 *   16  4  chunk size (4096)
 *   20  4  map blocks
 *   24  8  base sectors (the exported size)
 *   32  8  base identity (ovl_ident)
 *   40  6  client MAC address, then 2 zero bytes
 *   48  8  created, seconds since 1970 (informational)
 *   56  4  FNV-1a 32 of bytes 0..55
 *   60     zero to the end of the block
 *
 * Map block i, little endian:
 *    0  4  FNV-1a 32 of bytes 4..4095
 *    4  4  i
 *    8     OVL_MAP_BITS bits: bit b (byte b / 8, bit b % 8) set when chunk
 *          i * OVL_MAP_BITS + b has been written; bits past the last chunk
 *          are zero
 *
 * Bits only ever go from 0 to 1 while an overlay lives, and a map block
 * is written (whole, one block) only at a FLUSH, after the data it maps
 * is on stable storage: a block torn by a power cut fails its checksum
 * and the overlay is refused, never read with a wrong map.
 *
 * The live map: the map being marked, kept in a file on a tmpfs (/run)
 * so that it outlives the process (not a reboot, which also loses the
 * page cache holding the data it marks).  One header block, then the
 * nblocks map blocks as above except that the checksum of a block
 * marked since the last FLUSH is stale.  Header, little endian:
 *    0  8  magic "NBAOEMAP"
 *    8  4  version (1)
 *   12  4  map blocks
 *   16  8  base sectors      \
 *   24  8  base identity      | as in the overlay's header
 *   32  6  client MAC, 2 zero |
 *   40  8  created           /
 *   48  8  the overlay file's device
 *   56  8  the overlay file's inode
 *   64  4  FNV-1a 32 of bytes 0..63
 *   68     zero to the end of the block
 * (Not the overlay file's size: it grows with every write past its end.)
 */
#ifndef AOETARGET_OVERLAY_H
#define AOETARGET_OVERLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OVL_MAGIC "NBAOEOVL"
#define OVL_VERSION 1
#define OVL_BLOCK 4096u
#define OVL_CHUNK 4096u
#define OVL_CHUNK_SECTORS (OVL_CHUNK / 512u)
#define OVL_MAP_HDR 8u
#define OVL_MAP_BITS ((OVL_BLOCK - OVL_MAP_HDR) * 8u)
#define OVL_HDR_SUMMED 56u
/* Exported sizes the format allows: LBA48. */
#define OVL_SECTORS_MAX ((1ULL << 48) - 1)

struct ovl_hdr {
	uint32_t version;
	uint32_t nblocks;       /* map blocks */
	uint64_t sectors;       /* base size */
	uint64_t ident;         /* base identity */
	uint8_t mac[6];         /* the client */
	uint64_t created;
};

/* The map as the file holds it, in memory. */
struct ovl_map {
	uint8_t *img;           /* nblocks * OVL_BLOCK bytes (not owned) */
	uint32_t nblocks;
	uint64_t sectors;       /* of the exported disk */
	uint64_t nchunks;
	uint8_t *dirty;         /* a byte per block: set since written out */
};

/* Where a run of sectors is read from. */
struct ovl_run {
	bool overlay;           /* false: from the base */
	uint64_t lba;
	unsigned count;
};

/* What a write of count sectors at lba needs. */
struct ovl_write_plan {
	uint64_t first, last;   /* chunks touched */
	bool head_fill;         /* first chunk: unmapped and partly written */
	bool tail_fill;         /* last chunk (other than first): likewise */
};

/* Which overlay file a live map belongs to. */
struct ovl_live {
	struct ovl_hdr hdr;     /* the overlay's header */
	uint64_t dev, ino;      /* the overlay file's */
};

#define OVL_LIVE_MAGIC "NBAOEMAP"
#define OVL_LIVE_SUMMED 64u

/* Chunks and map blocks of a disk of this many sectors. */
uint64_t ovl_chunks(uint64_t sectors);
uint32_t ovl_map_blocks(uint64_t sectors);
/* Byte offset of the data region. */
uint64_t ovl_data_offset(uint32_t nblocks);
/* First sector and sector count of chunk c (the last may be short). */
void ovl_chunk_span(uint64_t sectors, uint64_t c, uint64_t *lba,
		    unsigned *count);

/* FNV-1a 64 (h: OVL_HASH_INIT to start) and 32 over len bytes. */
#define OVL_HASH_INIT 0xcbf29ce484222325ULL
uint64_t ovl_hash64(uint64_t h, const uint8_t *p, size_t len);
uint32_t ovl_hash32(const uint8_t *p, size_t len);

/*
 * The base identity: which sectors are sampled (ovl_ident_sample gives the
 * nth range of at most OVL_IDENT_RANGE sectors, false past the last), and
 * the hash is ovl_hash64 over the size then each range in order.
 */
#define OVL_IDENT_RANGE 2048u   /* 1 MiB */
#define OVL_IDENT_PROBES 64u    /* 4 KiB probes spread between */
bool ovl_ident_sample(uint64_t sectors, unsigned n, uint64_t *lba,
		      unsigned *count);
uint64_t ovl_ident_start(uint64_t sectors);

/* Header to and from its block.  parse: 0, or -1 with *why. */
void ovl_hdr_format(const struct ovl_hdr *h, uint8_t out[OVL_BLOCK]);
int ovl_hdr_parse(const uint8_t *buf, size_t len, struct ovl_hdr *h,
		  const char **why);

/*
 * A fresh map (every bit clear, every block sealed) in img, or the map of
 * a file checked: len must be nblocks * OVL_BLOCK for sectors, every
 * block's checksum and index right, no bit past the last chunk.  dirty
 * must hold nblocks bytes.  parse: 0, or -1 with *why.
 */
void ovl_map_init(struct ovl_map *m, uint8_t *img, uint8_t *dirty,
		  uint64_t sectors);
int ovl_map_parse(struct ovl_map *m, uint8_t *img, size_t len, uint8_t *dirty,
		  uint64_t sectors, const char **why);

bool ovl_map_test(const struct ovl_map *m, uint64_t chunk);
/* Sets chunks first..last, marking their blocks dirty. */
void ovl_map_mark(struct ovl_map *m, uint64_t first, uint64_t last);
/* Recomputes block i's checksum before it is written; clears its dirty mark. */
void ovl_map_seal(struct ovl_map *m, uint32_t i);

/*
 * The live map's header block, and a live map file of len bytes checked
 * against the overlay it must belong to: header, identity (every field of
 * want), length, each block's index, no bit past the last chunk; block
 * checksums are not (a marked block's is stale).  0, or -1 with *why.
 */
void ovl_live_format(const struct ovl_live *l, uint8_t out[OVL_BLOCK]);
int ovl_live_parse(const uint8_t *buf, size_t len, const struct ovl_live *want,
		   const char **why);

/*
 * The map of a live file checked by ovl_live_parse (img: its blocks) made
 * the map in use: the bits of the overlay file's own map (file, as read
 * and parsed) added, every block sealed, dirty set where it differs from
 * the file's.  Returns how many blocks differ.
 */
uint32_t ovl_live_adopt(struct ovl_map *m, uint8_t *img, uint8_t *dirty,
			uint64_t sectors, const uint8_t *file);

/*
 * Splits count sectors at lba into runs from the base and from the
 * overlay, in order, at most max of them (a 255-sector request touches at
 * most 33 chunks, so 64 is always enough for one).  Returns how many, or
 * 0 when the range is outside the disk or needs more than max.
 */
unsigned ovl_lookup(const struct ovl_map *m, uint64_t lba, unsigned count,
		    struct ovl_run *runs, unsigned max);

/* What a write needs; -1 when the range is outside the disk or empty. */
int ovl_plan_write(const struct ovl_map *m, uint64_t lba, unsigned count,
		   struct ovl_write_plan *p);

#endif
