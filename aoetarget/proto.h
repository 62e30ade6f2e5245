/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The AoE target's protocol logic as pure functions: a received frame is
 * parsed, then decided against the target's state into either nothing (the
 * frame is dropped) or a reply frame plus one I/O operation the caller
 * performs before sending it.  No I/O here; the only side effect is on the
 * target's persisted state (config string, mask and reserve lists), and the
 * decision says when that changed so the caller saves it before replying.
 */
#ifndef AOETARGET_PROTO_H
#define AOETARGET_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aoe.h"

/*
 * Entries in the MAC mask list and in the reserve list.  A reply carries
 * the whole list, so it must fit one 1500-byte frame: 128 mask directives
 * take 4 + 1024 bytes, 128 reserve entries 2 + 768.
 */
#define AOE_LIST_MAX 128

/* What survives a restart: saved in the state directory. */
struct aoe_state {
	uint8_t cfg[AOE_CFG_MAX];       /* config string, not NUL-terminated */
	uint16_t cfglen;
	uint8_t mask[AOE_LIST_MAX][6];  /* allowed initiators; empty: all */
	unsigned nmask;
	uint8_t resv[AOE_LIST_MAX][6];  /* reserve list; empty: released */
	unsigned nresv;
};

/* One exported device as the protocol sees it. */
struct aoe_target {
	uint16_t shelf;                 /* 0..65534 */
	uint8_t slot;                   /* 0..254 */
	uint8_t mac[6];                 /* our interface's address */
	unsigned mtu;                   /* our interface's MTU */
	uint64_t sectors;               /* exported size in 512-byte sectors */
	uint16_t bufcnt;                /* advertised buffer count */
	uint16_t fwver;                 /* advertised firmware version */
	bool readonly;                  /* -r: writes aborted */
	bool write_cache;               /* writes may sit in the page cache */
	struct aoe_state st;
};

/* A frame parsed far enough to route it.  Pointers point into the frame. */
struct aoe_req {
	const uint8_t *dst;             /* 6 bytes */
	const uint8_t *src;             /* 6 bytes: the initiator */
	uint8_t ver;                    /* high nibble of verflags */
	uint8_t flags;                  /* low nibble of verflags */
	uint16_t shelf;
	uint8_t slot;
	uint8_t cmd;
	const uint8_t *tag;             /* 4 bytes, echoed verbatim */
	const uint8_t *arg;             /* the command argument and data */
	size_t arglen;
};

/* The I/O a reply needs before it is sent. */
enum aoe_io {
	AOE_IO_NONE,
	AOE_IO_READ,    /* read count sectors at lba into the reply data */
	AOE_IO_WRITE,   /* write count sectors at lba from wdata */
	AOE_IO_FLUSH,   /* make every completed write durable */
};

struct aoe_decision {
	bool reply;             /* false: drop the frame, send nothing */
	size_t len;             /* reply length, data included, unpadded */
	enum aoe_io io;
	uint64_t lba;
	unsigned count;
	const uint8_t *wdata;   /* write: count * 512 bytes in the request */
	bool persist;           /* state changed: save it before replying */
	bool error;             /* the reply reports an error (for counters) */
};

/*
 * Splits an Ethernet frame into its AoE header fields.  Returns 0, or -1
 * when the frame is shorter than the headers or is not AoE.
 */
int aoe_parse(const uint8_t *frame, size_t len, struct aoe_req *req);

/*
 * Decides what to do with req for target t, writing any reply into out
 * (outlen bytes, at least 14 + the MTU).  May change t->st (then
 * d->persist is set).  Never reads outside req's frame or writes outside out.
 */
void aoe_decide(struct aoe_target *t, const struct aoe_req *req, uint8_t *out,
		size_t outlen, struct aoe_decision *d);

/* parse + decide: what the I/O loop and the fuzzer call. */
void aoe_handle(struct aoe_target *t, const uint8_t *frame, size_t len,
		uint8_t *out, size_t outlen, struct aoe_decision *d);

/* The I/O for an ATA reply failed: turn it into ATA error err, no data. */
void aoe_fail_ata(uint8_t *out, struct aoe_decision *d, uint8_t err);

/* Turns any reply into an AoE error reply (headers only). */
void aoe_fail_aoe(uint8_t *out, struct aoe_decision *d, uint8_t err);

/*
 * Builds the unsolicited Query Config response announced at start, to dst
 * (a MAC or broadcast).  Returns its length, or 0 if out is too small.
 */
size_t aoe_announce(const struct aoe_target *t, const uint8_t dst[6],
		    uint8_t *out, size_t outlen);

/* What an error reply reports, for the counters (errors_total{code}). */
enum aoe_fault {
	AOE_FAULT_NONE,
	AOE_FAULT_BADCMD,       /* AoE error 1 .. */
	AOE_FAULT_BADARG,
	AOE_FAULT_UNAVAIL,
	AOE_FAULT_CFGSET,
	AOE_FAULT_BADVER,
	AOE_FAULT_RESERVED,     /* .. AoE error 6 */
	AOE_FAULT_ATA_ABORT,    /* ATA status ERR with ABRT */
	AOE_FAULT_ATA_RANGE,    /* with IDNF: past the last sector */
	AOE_FAULT_ATA_IO,       /* with UNC: the backing file failed */
	AOE_FAULT_MASK_DCMD,    /* MAC Mask List MError 2 */
	AOE_FAULT_MASK_FULL,    /* MError 3 */
	AOE_FAULT_OTHER,        /* any other error a reply reports */
	AOE_FAULT_COUNT
};

/*
 * Reads what error the reply frame (len bytes, as aoe_decide or the
 * aoe_fail_* functions left it) reports: AOE_FAULT_NONE for a success.
 */
enum aoe_fault aoe_reply_fault(const uint8_t *reply, size_t len);

/* A label for f: lower case words joined by '_' ("bad_argument"). */
const char *aoe_fault_name(enum aoe_fault f);

/* Sectors one frame carries at this MTU: (MTU - 36) / 512, at most 255. */
unsigned aoe_max_sectors(unsigned mtu);

/* The 512-byte IDENTIFY DEVICE block for t. */
void aoe_identify(const struct aoe_target *t, uint8_t out[ATA_SECTOR]);

/* Whether mac is in a list of n entries. */
bool aoe_list_has(const uint8_t (*list)[6], unsigned n, const uint8_t mac[6]);

#endif
