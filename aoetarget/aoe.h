/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ATA over Ethernet on the wire, as Coraid's AoE specification revision 11
 * describes it.  Every multi-byte field is big-endian except the LBA bytes
 * of the ATA argument, which are sent lowest byte first.  A frame is
 *
 *   | Ethernet header (14) | AoE header (10) | command argument | data |
 *
 * The structs below are documentation and size checks: the code reads and
 * writes frames through lib/cursor.h at the offsets they define.
 */
#ifndef AOETARGET_AOE_H
#define AOETARGET_AOE_H

#include <stddef.h>
#include <stdint.h>

#define AOE_ETHERTYPE 0x88A2
#define AOE_MAC_LEN 6           /* an Ethernet address */
#define AOE_TAG_LEN 4           /* the AoE header's tag */
#define AOE_VERSION 1

/* Ethernet II header. */
struct aoe_eth_hdr {
	uint8_t dst[6];         /* our MAC, or ff:ff:ff:ff:ff:ff */
	uint8_t src[6];         /* the initiator: replies go back here */
	uint8_t type[2];        /* AOE_ETHERTYPE */
};

/* AoE common header, after the Ethernet header. */
struct aoe_hdr {
	uint8_t verflags;       /* version (high 4 bits) | flags (low 4) */
#define AOE_VER_SHIFT 4
#define AOE_FLAGS_MASK 0x0f
#define AOE_FLAG_R 0x08         /* response: targets ignore these */
#define AOE_FLAG_E 0x04         /* error: the error field is meaningful */
	uint8_t error;          /* enum aoe_error, with AOE_FLAG_E */
	uint8_t major[2];       /* shelf, big-endian; 0xffff broadcast */
	uint8_t minor;          /* slot; 0xff broadcast */
	uint8_t command;        /* enum aoe_cmd */
	uint8_t tag[4];         /* chosen by the initiator, echoed verbatim */
};

enum aoe_cmd {
	AOE_CMD_ATA = 0,
	AOE_CMD_CONFIG = 1,     /* Query Config Information */
	AOE_CMD_MASK = 2,       /* MAC Mask List */
	AOE_CMD_RESERVE = 3,    /* Reserve/Release */
};

enum aoe_error {
	AOE_ERR_BADCMD = 1,     /* unrecognized command code */
	AOE_ERR_BADARG = 2,     /* bad argument parameter */
	AOE_ERR_UNAVAIL = 3,    /* device unavailable */
	AOE_ERR_CFGSET = 4,     /* config string present */
	AOE_ERR_BADVER = 5,     /* unsupported version */
	AOE_ERR_RESERVED = 6,   /* target is reserved */
};

#define AOE_SHELF_BCAST 0xffff
#define AOE_SLOT_BCAST 0xff

/* ATA command argument (command 0); sector data follows it. */
struct aoe_ata {
	uint8_t aflags;
#define AOE_AFLAG_E 0x40        /* extended: LBA48 */
#define AOE_AFLAG_D 0x10        /* device/head register bit (legacy) */
#define AOE_AFLAG_A 0x02        /* asynchronous write (r11: may be ignored) */
#define AOE_AFLAG_W 0x01        /* data follows: a write */
	uint8_t errfeat;        /* request: feature; response: ATA error */
	uint8_t scnt;           /* sector count */
	uint8_t cmdstat;        /* request: ATA command; response: status */
	uint8_t lba[6];         /* lba[0] lowest byte; LBA28 uses lba0..3 */
	uint8_t reserved[2];
};

/* ATA commands served; anything else is aborted. */
enum ata_cmd {
	ATA_READ = 0x20,        /* READ SECTORS, LBA28 */
	ATA_READ_EXT = 0x24,    /* READ SECTORS EXT, LBA48 */
	ATA_WRITE = 0x30,       /* WRITE SECTORS, LBA28 */
	ATA_WRITE_EXT = 0x34,   /* WRITE SECTORS EXT, LBA48 */
	ATA_CHECK_POWER = 0xE5, /* CHECK POWER MODE */
	ATA_FLUSH = 0xE7,       /* FLUSH CACHE */
	ATA_FLUSH_EXT = 0xEA,   /* FLUSH CACHE EXT */
	ATA_IDENTIFY = 0xEC,    /* IDENTIFY DEVICE */
};

/* ATA status and error register bits used in responses. */
#define ATA_ST_ERR 0x01
#define ATA_ST_DSC 0x10
#define ATA_ST_DRDY 0x40
#define ATA_ST_OK ATA_ST_DRDY
#define ATA_ST_FAIL (ATA_ST_DRDY | ATA_ST_DSC | ATA_ST_ERR) /* 0x51 */
#define ATA_ER_ABRT 0x04        /* command aborted */
#define ATA_ER_IDNF 0x10        /* address out of range */
#define ATA_ER_UNC 0x40         /* uncorrectable: the backing I/O failed */
#define ATA_LBA28_MASK 0x0fffffffu
#define ATA_LBA3_MASK 0x0f      /* LBA28: lba3 bits above are device/head */
#define ATA_SCNT_MAX 255        /* the sector count register is one byte */
#define ATA_SECTOR 512
#define ATA_IDENTIFY_WORDS 256

/* Query Config Information argument (command 1); the string follows. */
struct aoe_cfg {
	uint8_t bufcnt[2];      /* requests the target queues */
	uint8_t fwver[2];       /* firmware version */
	uint8_t scnt;           /* sectors per ATA frame; 0 means 2 */
	uint8_t vercmd;         /* AoE version (high 4) | ccmd (low 4) */
#define AOE_CCMD_MASK 0x0f
	uint8_t cslen[2];       /* config string length, at most 1024 */
};

enum aoe_ccmd {
	AOE_CCMD_READ = 0,      /* answer with our string */
	AOE_CCMD_TEST = 1,      /* answer only if the string equals ours */
	AOE_CCMD_PREFIX = 2,    /* answer only if it is a prefix of ours */
	AOE_CCMD_SET = 3,       /* set if ours is empty, else error 4 */
	AOE_CCMD_FORCE = 4,     /* set unconditionally */
};

#define AOE_CFG_MAX 1024

/* MAC Mask List argument (command 2); Dir Count directives follow. */
struct aoe_mask {
	uint8_t reserved;
	uint8_t mcmd;           /* enum aoe_mcmd */
	uint8_t merror;         /* enum aoe_merror, response only */
	uint8_t dcount;         /* directives that follow */
};

/* One MAC Mask List directive. */
struct aoe_mask_dir {
	uint8_t reserved;
	uint8_t dcmd;           /* enum aoe_dcmd */
	uint8_t mac[6];
};

enum aoe_mcmd { AOE_MCMD_READ = 0, AOE_MCMD_EDIT = 1 };
enum aoe_dcmd { AOE_DCMD_NONE = 0, AOE_DCMD_ADD = 1, AOE_DCMD_DEL = 2 };
enum aoe_merror {
	AOE_MERR_UNSPEC = 1,    /* unspecified error */
	AOE_MERR_BADDCMD = 2,   /* bad DCmd directive */
	AOE_MERR_FULL = 3,      /* mask list full */
};

/* Reserve/Release argument (command 3); NMACs addresses follow. */
struct aoe_resv {
	uint8_t rcmd;           /* enum aoe_rcmd */
	uint8_t nmacs;          /* 6-byte MAC addresses that follow */
};

enum aoe_rcmd { AOE_RCMD_READ = 0, AOE_RCMD_SET = 1, AOE_RCMD_FORCE = 2 };

#define AOE_ETH_LEN 14
#define AOE_HDR_LEN 10
#define AOE_ATA_LEN 12
#define AOE_CFG_LEN 8
#define AOE_MASK_LEN 4
#define AOE_DIR_LEN 8
#define AOE_RESV_LEN 2
/* Offset of sector data in an ATA frame. */
#define AOE_ATA_DATA (AOE_ETH_LEN + AOE_HDR_LEN + AOE_ATA_LEN)
/*
 * Offsets of the fields read or patched in place (the rest go through
 * lib/cursor.h in order): in a frame, and within each argument.
 */
#define AOE_OFF_VERFLAGS (AOE_ETH_LEN + offsetof(struct aoe_hdr, verflags))
#define AOE_OFF_ERROR (AOE_ETH_LEN + offsetof(struct aoe_hdr, error))
#define AOE_OFF_MAJOR (AOE_ETH_LEN + offsetof(struct aoe_hdr, major))
#define AOE_OFF_CMD (AOE_ETH_LEN + offsetof(struct aoe_hdr, command))
#define AOE_OFF_ARG (AOE_ETH_LEN + AOE_HDR_LEN)
#define AOE_ATA_AFLAGS offsetof(struct aoe_ata, aflags)
#define AOE_ATA_ERRFEAT offsetof(struct aoe_ata, errfeat)
#define AOE_ATA_SCNT offsetof(struct aoe_ata, scnt)
#define AOE_ATA_CMDSTAT offsetof(struct aoe_ata, cmdstat)
#define AOE_ATA_LBA offsetof(struct aoe_ata, lba)
#define AOE_ATA_LBA_LEN 6
#define AOE_CFG_VERCMD offsetof(struct aoe_cfg, vercmd)
#define AOE_MASK_MCMD offsetof(struct aoe_mask, mcmd)
#define AOE_MASK_MERROR offsetof(struct aoe_mask, merror)
#define AOE_MASK_DCOUNT offsetof(struct aoe_mask, dcount)
#define AOE_DIR_DCMD offsetof(struct aoe_mask_dir, dcmd)
#define AOE_DIR_MAC offsetof(struct aoe_mask_dir, mac)
#define AOE_RESV_RCMD offsetof(struct aoe_resv, rcmd)
#define AOE_RESV_NMACS offsetof(struct aoe_resv, nmacs)
/* Ethernet frames are padded to this on the wire. */
#define AOE_ETH_MIN 60

_Static_assert(sizeof(struct aoe_eth_hdr) == AOE_ETH_LEN, "Ethernet header");
_Static_assert(sizeof(struct aoe_hdr) == AOE_HDR_LEN, "AoE header");
_Static_assert(sizeof(struct aoe_ata) == AOE_ATA_LEN, "ATA argument");
_Static_assert(sizeof(struct aoe_cfg) == AOE_CFG_LEN, "config argument");
_Static_assert(sizeof(struct aoe_mask) == AOE_MASK_LEN, "mask argument");
_Static_assert(sizeof(struct aoe_mask_dir) == AOE_DIR_LEN, "mask directive");
_Static_assert(sizeof(struct aoe_resv) == AOE_RESV_LEN, "reserve argument");

#endif
