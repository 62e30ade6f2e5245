/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * BOOTP/DHCP wire format (RFC 951, 2131, 2132) with the PXE additions
 * (PXE 2.1, RFC 4578) that a ProxyDHCP server reads and writes.
 *
 * A message is a fixed 236-byte header, the magic cookie 99.130.83.99 and
 * options: code(1) length(1) value(length), except Pad (0, one byte) and
 * End (255, one byte).  Every multi-byte field is big-endian.
 */
#ifndef PROXYDHCP_DHCP_H
#define PROXYDHCP_DHCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DHCP_SERVER_PORT 67
#define DHCP_CLIENT_PORT 68
#define PXE_BINL_PORT 4011

/*
 * The fixed header, as on the wire (RFC 951 section 3, RFC 2131 section 2):
 *
 *   offset  len  field
 *        0    1  op       BOOTREQUEST 1 or BOOTREPLY 2
 *        1    1  htype    hardware type, 1 = Ethernet
 *        2    1  hlen     hardware address length, 6 for Ethernet
 *        3    1  hops     relay hops
 *        4    4  xid      transaction id chosen by the client
 *        8    2  secs     seconds since the client began
 *       10    2  flags    bit 15: reply by broadcast
 *       12    4  ciaddr   client address, when it has one
 *       16    4  yiaddr   "your" address: always 0 from a proxy
 *       20    4  siaddr   next server (TFTP)
 *       24    4  giaddr   relay agent
 *       28   16  chaddr   client hardware address, hlen bytes used
 *       44   64  sname    server host name, NUL-terminated
 *      108  128  file     boot file name, NUL-terminated
 *      236    4  cookie   99.130.83.99, then the options
 */
struct dhcp_hdr {
	uint8_t op;          /* BOOTREQUEST 1 or BOOTREPLY 2 */
#define DHCP_BOOTREQUEST 1
#define DHCP_BOOTREPLY 2
	uint8_t htype;       /* hardware type */
#define DHCP_HTYPE_ETHER 1
	uint8_t hlen;        /* hardware address length, at most DHCP_CHADDR_LEN */
#define DHCP_HLEN_ETHER 6
	uint8_t hops;        /* relay hops */
	uint32_t xid;        /* transaction id chosen by the client */
	uint16_t secs;       /* seconds since the client began */
	uint16_t flags;      /* bit 15: reply by broadcast */
#define DHCP_FLAG_BROADCAST 0x8000
	uint32_t ciaddr;     /* client address, when it has one */
	uint32_t yiaddr;     /* "your" address: always 0 from a proxy */
	uint32_t siaddr;     /* next server (TFTP) */
	uint32_t giaddr;     /* relay agent */
	uint8_t chaddr[16];  /* client hardware address, hlen bytes used */
#define DHCP_CHADDR_LEN 16
	char sname[64];      /* server host name, NUL-terminated */
#define DHCP_SNAME_LEN 64
	char file[128];      /* boot file name, NUL-terminated */
#define DHCP_FILE_LEN 128
} __attribute__((packed));

/* Every address field: an IPv4 address in network order. */
#define DHCP_ADDR_LEN 4
#define DHCP_HDR_LEN 236
#define DHCP_COOKIE 0x63825363u
#define DHCP_COOKIE_LEN 4

_Static_assert(sizeof(struct dhcp_hdr) == DHCP_HDR_LEN,
	       "BOOTP header is 236 bytes");
_Static_assert(offsetof(struct dhcp_hdr, chaddr) == 28, "chaddr at 28");
_Static_assert(offsetof(struct dhcp_hdr, sname) == 44, "sname at 44");
_Static_assert(offsetof(struct dhcp_hdr, file) == 108, "file at 108");
_Static_assert(sizeof(((struct dhcp_hdr *)0)->sname) == DHCP_SNAME_LEN &&
	       sizeof(((struct dhcp_hdr *)0)->file) == DHCP_FILE_LEN &&
	       sizeof(((struct dhcp_hdr *)0)->chaddr) == DHCP_CHADDR_LEN,
	       "field lengths");

/* Smallest message: header and cookie (the options may be only End). */
#define DHCP_MIN_LEN (DHCP_HDR_LEN + DHCP_COOKIE_LEN)
/* BOOTP relays and old clients expect replies of at least 300 bytes. */
#define DHCP_REPLY_MIN 300
/*
 * Largest request accepted.  Clients send at most 576 bytes unless they
 * advertise more with option 57; anything past an Ethernet frame is junk.
 */
#define DHCP_REQ_MAX 1500
/* Room for any reply this server builds. */
#define DHCP_REPLY_MAX 1024

/* Option header: code(1) length(1); the longest value is 255 bytes. */
#define DHCP_OPT_HDR_LEN 2
#define DHCP_OPT_MAX_LEN 255

/* Option 97's value: type 0, then the client's 16-byte UUID. */
#define PXE_UUID_LEN 16

/* Option codes used here. */
enum dhcp_opt {
	DHCP_OPT_PAD = 0,
	DHCP_OPT_HOSTNAME = 12,
	DHCP_OPT_VENDOR = 43,        /* PXE sub-options, below */
	DHCP_OPT_REQUESTED_IP = 50,  /* a client choosing an address */
	DHCP_OPT_OVERLOAD = 52,      /* ignored: sname/file stay what they say */
	DHCP_OPT_MSGTYPE = 53,
	DHCP_OPT_SERVER_ID = 54,
	DHCP_OPT_PARAM_LIST = 55,
	DHCP_OPT_MAX_SIZE = 57,
	DHCP_OPT_VENDOR_CLASS = 60,  /* "PXEClient:Arch:xxxxx:UNDI:yyyzzz" */
	DHCP_OPT_BOOTFILE = 67,
	DHCP_OPT_USER_CLASS = 77,    /* iPXE sends "iPXE" */
	DHCP_OPT_CLIENT_ARCH = 93,   /* list of 16-bit types (RFC 4578) */
	DHCP_OPT_CLIENT_NDI = 94,    /* type 1, major, minor */
	DHCP_OPT_CLIENT_UUID = 97,   /* type 0 + 16-byte UUID */
	DHCP_OPT_IPXE_ENCAP = 175,   /* iPXE's encapsulated options */
	DHCP_OPT_BCD_PATH = 252,     /* Windows Boot Manager's BCD store */
	DHCP_OPT_END = 255,
};

/* Message types, option 53. */
enum dhcp_msgtype {
	DHCP_DISCOVER = 1,
	DHCP_OFFER = 2,
	DHCP_REQUEST = 3,
	DHCP_DECLINE = 4,
	DHCP_ACK = 5,
	DHCP_NAK = 6,
	DHCP_RELEASE = 7,
	DHCP_INFORM = 8,
};

/* PXE sub-options inside option 43. */
enum pxe_subopt {
	PXE_DISCOVERY_CONTROL = 6,   /* 1 byte of the bits below */
#define PXE_DC_NO_BCAST 0x01       /* no broadcast discovery */
#define PXE_DC_NO_MCAST 0x02       /* no multicast discovery */
#define PXE_DC_SERVERS_ONLY 0x04   /* only the servers of sub-option 8 */
#define PXE_DC_USE_FILE 0x08       /* boot the file of the offer directly */
	PXE_BOOT_SERVERS = 8,        /* type(2) count(1) count*IPv4 ... */
	PXE_BOOT_MENU = 9,           /* type(2) len(1) text ... */
	PXE_MENU_PROMPT = 10,        /* timeout(1) text */
	PXE_BOOT_ITEM = 71,          /* type(2) layer(2), in requests */
#define PXE_BOOT_ITEM_LEN 4
};

/* Client system architecture types (RFC 4578, IANA "Processor Architecture Types"). */
enum pxe_arch_type {
	PXE_ARCH_TYPE_BIOS = 0,
	PXE_ARCH_TYPE_EFI_IA32 = 6,
	PXE_ARCH_TYPE_EFI_BC = 7,      /* x64 in practice */
	PXE_ARCH_TYPE_EFI_X64 = 9,
	PXE_ARCH_TYPE_EFI_ARM32 = 10,
	PXE_ARCH_TYPE_EFI_ARM64 = 11,
	PXE_ARCH_TYPE_HTTP_X86 = 15,
	PXE_ARCH_TYPE_HTTP_X64 = 16,
	PXE_ARCH_TYPE_HTTP_ARM64 = 19,
};

/* Longest architecture list kept from option 93. */
#define DHCP_ARCH_MAX 8

/* An option's value inside the packet; len 0 and p NULL when absent. */
struct dhcp_val {
	const uint8_t *p;
	uint8_t len;
};

/*
 * What a request says, pointing into the packet it was parsed from: valid
 * only as long as that buffer.  Addresses stay in network byte order.
 */
struct dhcp_req {
	uint8_t htype, hlen;
	uint32_t xid;
	uint16_t secs, flags;
	uint32_t ciaddr, giaddr;       /* network order */
	uint8_t chaddr[DHCP_CHADDR_LEN];
	uint8_t msgtype;               /* option 53, 0 when absent */
	bool has_server_id;
	uint32_t server_id;            /* option 54, network order */
	bool has_requested_ip;         /* option 50 */
	struct dhcp_val vendor_class;  /* 60 */
	struct dhcp_val user_class;    /* 77 */
	struct dhcp_val uuid;          /* 97, echoed as it came */
	struct dhcp_val vendor;        /* 43, raw */
	struct dhcp_val hostname;      /* 12 */
	struct dhcp_val ndi;           /* 94 */
	uint16_t arch[DHCP_ARCH_MAX];  /* 93, first entries */
	unsigned narch;
	bool has_ipxe_encap;           /* 175 present */
	bool wants_ipxe_encap;         /* 175 in the parameter list */
	bool has_boot_item;            /* 43.71 present */
	uint8_t boot_item[PXE_BOOT_ITEM_LEN]; /* 43.71: type(2) layer(2) */
};

/*
 * Parses a BOOTREQUEST.  Returns 0, or -EINVAL when the message is not a
 * well-formed request (short, not a request, bad hardware address length,
 * bad cookie, an option running past the end, no End option, a malformed
 * option this server reads), -EMSGSIZE when longer than DHCP_REQ_MAX.
 * *why (when not NULL) says which, for debug logs.
 */
int dhcp_parse(const uint8_t *buf, size_t len, struct dhcp_req *req,
	       const char **why);

/*
 * Walks option 43's sub-options (len bytes at p): 0 when well formed (each
 * sub-option inside, Pad and End allowed), else -EINVAL.  Stores 71 when
 * item is not NULL and it is present.
 */
int dhcp_parse_vendor(const uint8_t *p, size_t len, bool *has_item,
		      uint8_t item[PXE_BOOT_ITEM_LEN]);

/* Option values for a reply. */
struct dhcp_reply {
	uint8_t msgtype;               /* DHCP_OFFER or DHCP_ACK */
	uint32_t server_id;            /* network order */
	uint32_t siaddr;               /* network order, 0 for none */
	const char *file;              /* NULL, or longer ones in option 67 */
	const char *vendor_class;      /* "PXEClient" or "HTTPClient" */
	const uint8_t *vendor;         /* option 43 content, or NULL */
	size_t vendor_len;             /* at most 255 */
	const char *bcd;               /* option 252, or NULL */
};

/*
 * Builds the reply to req into buf (cap bytes): header fields copied from
 * the request, yiaddr 0, options 53, 54, 60, 97 (echoed), 43, 67 (a file
 * name too long for the file field), 252, End,
 * padded to DHCP_REPLY_MIN.  Returns its length, or 0 when it does not
 * fit or a value is too long.
 */
size_t dhcp_build_reply(uint8_t *buf, size_t cap, const struct dhcp_req *req,
			const struct dhcp_reply *rep);

/* A reply as a client sees it, pointing into its buffer. */
struct dhcp_view {
	uint32_t xid;
	uint32_t yiaddr, siaddr;       /* network order */
	char file[DHCP_FILE_LEN + 1];  /* NUL-terminated copy */
	uint8_t msgtype;               /* option 53, 0 when absent */
	struct {
		uint8_t code, len;
		const uint8_t *p;
	} opt[254];                    /* first occurrence of each, in order */
	unsigned nopt;
};

/*
 * Parses a BOOTREPLY for a client: 0, or -EINVAL (short, not a reply, bad
 * cookie, an option past the end, no End).
 */
int dhcp_parse_reply(const uint8_t *buf, size_t len, struct dhcp_view *v);

/* The value of option code in v, or NULL (and *len untouched). */
const uint8_t *dhcp_view_opt(const struct dhcp_view *v, uint8_t code,
			     uint8_t *len);

#endif
