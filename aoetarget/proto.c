/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * AoE r11 request handling.  Choices the specification leaves open:
 *
 *  - A request of another AoE version addressed exactly to us (not by
 *    broadcast) gets error 5; by broadcast it is dropped, so a newer
 *    initiator's discovery does not draw errors from every target.
 *  - Malformed requests (an argument shorter than its command needs, more
 *    sectors than a frame carries, a write shorter than its sector count,
 *    a config string or directive list past the end of the frame) get AoE
 *    error 2, bad argument: the initiator learns at once, nothing is read
 *    or written.  ATA-level refusals use the ATA registers: ABRT for a write
 *    to a read-only target, for unknown commands and for a READ or WRITE
 *    whose W flag (aflags 0x01) disagrees with the command (a WRITE without
 *    it writes nothing, a READ with it reads nothing), IDNF for an address
 *    past the end.
 *  - LBA28 or LBA48 is chosen by the ATA command (0x20/0x30 or 0x24/0x34);
 *    in LBA28 only the low four bits of lba3 count.  A sector count of 0
 *    moves no data.
 *  - The mask list restricts ATA and Query Config requests; MAC Mask List
 *    and Reserve/Release requests are always answered so that an admin can
 *    never lock every initiator out for good.  The reserve list refuses
 *    (error 6) ATA requests and config string changes from anyone else.
 *  - A mask list edit is all or nothing: on a bad directive or a full list
 *    nothing changes, MError says why and Dir Count is the index of the
 *    directive that failed.
 */
#include "proto.h"

#include <stdio.h>
#include <string.h>

#include "cursor.h"
#include "mac.h"

static const uint8_t bcast_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/*
 * The Ethernet, AoE and ATA headers come before the data; the Ethernet
 * header is counted against the MTU as the Linux aoe driver counts it.
 */
unsigned aoe_max_sectors(unsigned mtu)
{
	unsigned n = mtu > AOE_ATA_DATA ? (mtu - AOE_ATA_DATA) / ATA_SECTOR : 0;

	return n > ATA_SCNT_MAX ? ATA_SCNT_MAX : n;
}

bool aoe_list_has(const uint8_t (*list)[6], unsigned n, const uint8_t mac[6])
{
	for (unsigned i = 0; i < n; i++)
		if (memcmp(list[i], mac, AOE_MAC_LEN) == 0)
			return true;
	return false;
}

int aoe_parse(const uint8_t *frame, size_t len, struct aoe_req *req)
{
	struct cur c = cur_init(frame, len);
	uint8_t vf;

	memset(req, 0, sizeof(*req));
	req->dst = cur_bytes(&c, AOE_MAC_LEN);
	req->src = cur_bytes(&c, AOE_MAC_LEN);
	if (cur_be16(&c) != AOE_ETHERTYPE || !cur_ok(&c))
		return -1;
	vf = cur_u8(&c);
	req->ver = vf >> AOE_VER_SHIFT;
	req->flags = vf & AOE_FLAGS_MASK;
	(void)cur_u8(&c); /* error: meaningless in a request */
	req->shelf = cur_be16(&c);
	req->slot = cur_u8(&c);
	req->cmd = cur_u8(&c);
	req->tag = cur_bytes(&c, AOE_TAG_LEN);
	if (!cur_ok(&c))
		return -1;
	req->arg = c.p;
	req->arglen = cur_left(&c);
	return 0;
}

/* Ethernet and AoE headers of a reply; the argument follows. */
static void put_headers(struct wcur *w, const struct aoe_target *t,
			const struct aoe_req *req, uint8_t flags, uint8_t err)
{
	wcur_bytes(w, req->src, AOE_MAC_LEN);
	wcur_bytes(w, t->mac, AOE_MAC_LEN);
	wcur_be16(w, AOE_ETHERTYPE);
	wcur_u8(w, (uint8_t)(AOE_VERSION << AOE_VER_SHIFT | AOE_FLAG_R | flags));
	wcur_u8(w, err);
	wcur_be16(w, t->shelf);
	wcur_u8(w, t->slot);
	wcur_u8(w, req->cmd);
	wcur_bytes(w, req->tag, AOE_TAG_LEN);
}

/* Bytes of argument an error reply echoes for each command. */
static size_t arg_echo_len(uint8_t cmd)
{
	switch (cmd) {
	case AOE_CMD_ATA: return AOE_ATA_LEN;
	case AOE_CMD_CONFIG: return AOE_CFG_LEN;
	case AOE_CMD_MASK: return AOE_MASK_LEN;
	case AOE_CMD_RESERVE: return AOE_RESV_LEN;
	default: return 0;
	}
}

static void reply_error(const struct aoe_target *t, const struct aoe_req *req,
			uint8_t *out, size_t outlen, struct aoe_decision *d,
			uint8_t err)
{
	struct wcur w = wcur_init(out, outlen);
	size_t n = arg_echo_len(req->cmd);

	if (n > req->arglen)
		n = req->arglen;
	put_headers(&w, t, req, AOE_FLAG_E, err);
	wcur_bytes(&w, req->arg, n);
	d->reply = wcur_ok(&w);
	d->len = wcur_used(&w);
	d->io = AOE_IO_NONE;
	d->error = true;
}

/* --- ATA ------------------------------------------------------------- */

static void put_words_string(uint8_t *id, unsigned word, unsigned nwords,
			     const char *s)
{
	size_t n = strlen(s);

	/* Each word holds two characters, the first in its high byte. */
	for (unsigned i = 0; i < nwords * 2; i++) {
		uint8_t ch = i < n ? (uint8_t)s[i] : ' ';

		id[word * 2 + (i ^ 1)] = ch;
	}
}

static void put_word(uint8_t *id, unsigned word, uint16_t v)
{
	id[word * 2] = (uint8_t)v;
	id[word * 2 + 1] = (uint8_t)(v >> 8);
}

static void identify_strings(const struct aoe_target *t, uint8_t *id)
{
	char serial[32], mac[MAC_STRLEN];

	/* shelf.slot and the interface MAC: unique per target per host. */
	snprintf(serial, sizeof(serial), "%04x.%02x-%s", t->shelf, t->slot,
		 mac_format(t->mac, MAC_FMT_BARE, mac));
	put_words_string(id, 10, 10, serial);
	put_words_string(id, 23, 4, NETBOOT_VERSION);
	put_words_string(id, 27, 20, "netboot aoetarget");
}

void aoe_identify(const struct aoe_target *t, uint8_t out[ATA_SECTOR])
{
	uint64_t n = t->sectors;
	uint32_t n28 = n > ATA_LBA28_MASK ? ATA_LBA28_MASK : (uint32_t)n;
	uint64_t cyl = n / (16 * 63);

	memset(out, 0, ATA_SECTOR);
	put_word(out, 0, 0x0040);               /* fixed device */
	put_word(out, 1, (uint16_t)(cyl > 16383 ? 16383 : cyl));
	put_word(out, 3, 16);                   /* heads */
	put_word(out, 6, 63);                   /* sectors per track */
	identify_strings(t, out);
	put_word(out, 47, 0);                   /* no READ MULTIPLE */
	put_word(out, 49, 0x0200);              /* LBA supported */
	put_word(out, 59, 0);
	put_word(out, 60, (uint16_t)n28);
	put_word(out, 61, (uint16_t)(n28 >> 16));
	put_word(out, 80, 0x007e);              /* ATA-1 to ATA-6 */
	put_word(out, 81, 0);
	/* 82/85 bit 5: volatile write cache; 83/86: LBA48 and both FLUSHes. */
	put_word(out, 82, 0x4020);
	put_word(out, 83, 0x7400);
	put_word(out, 84, 0x4000);
	put_word(out, 85, (uint16_t)(0x4000 | (t->write_cache ? 0x0020 : 0)));
	put_word(out, 86, 0x3400);
	put_word(out, 87, 0x4000);
	for (unsigned i = 0; i < 4; i++)
		put_word(out, 100 + i, (uint16_t)(n >> (16 * i)));
}

/* The ATA reply: headers and the argument with status, error and count. */
static bool put_ata_reply(struct wcur *w, const struct aoe_target *t,
			  const struct aoe_req *req, uint8_t status,
			  uint8_t err, uint8_t scnt)
{
	put_headers(w, t, req, 0, 0);
	wcur_u8(w, req->arg[AOE_ATA_AFLAGS]);
	wcur_u8(w, err);
	wcur_u8(w, scnt);
	wcur_u8(w, status);
	wcur_bytes(w, req->arg + AOE_ATA_LBA, AOE_ATA_LBA_LEN);
	wcur_zero(w, AOE_ATA_LEN - AOE_ATA_LBA - AOE_ATA_LBA_LEN);
	return wcur_ok(w);
}

static void ata_status(const struct aoe_target *t, const struct aoe_req *req,
		       uint8_t *out, size_t outlen, struct aoe_decision *d,
		       uint8_t status, uint8_t err, uint8_t scnt)
{
	struct wcur w = wcur_init(out, outlen);

	d->reply = put_ata_reply(&w, t, req, status, err, scnt);
	d->len = wcur_used(&w);
	d->error = status & ATA_ST_ERR;
}

static uint64_t ata_lba(const uint8_t *arg, bool lba48)
{
	const uint8_t *b = arg + AOE_ATA_LBA;
	uint64_t lba = 0;

	if (!lba48)
		return (uint64_t)b[0] | (uint64_t)b[1] << 8 |
		       (uint64_t)b[2] << 16 |
		       (uint64_t)(b[3] & ATA_LBA3_MASK) << 24;
	for (int i = AOE_ATA_LBA_LEN - 1; i >= 0; i--)
		lba = lba << 8 | b[i];
	return lba;
}

static void ata_rw(const struct aoe_target *t, const struct aoe_req *req,
		   uint8_t *out, size_t outlen, struct aoe_decision *d)
{
	uint8_t cmd = req->arg[AOE_ATA_CMDSTAT];
	bool write = cmd == ATA_WRITE || cmd == ATA_WRITE_EXT;
	unsigned count = req->arg[AOE_ATA_SCNT];
	uint64_t lba = ata_lba(req->arg, cmd == ATA_READ_EXT ||
					 cmd == ATA_WRITE_EXT);
	size_t bytes = (size_t)count * ATA_SECTOR;

	/* The W flag must say what the command says: else nothing moves. */
	if (write != ((req->arg[AOE_ATA_AFLAGS] & AOE_AFLAG_W) != 0)) {
		ata_status(t, req, out, outlen, d, ATA_ST_FAIL, ATA_ER_ABRT, 0);
		return;
	}
	if (count > aoe_max_sectors(t->mtu) ||
	    (write && req->arglen - AOE_ATA_LEN < bytes) ||
	    (!write && outlen < AOE_ATA_DATA + bytes)) {
		reply_error(t, req, out, outlen, d, AOE_ERR_BADARG);
		return;
	}
	if (write && t->readonly) {
		ata_status(t, req, out, outlen, d, ATA_ST_FAIL, ATA_ER_ABRT, 0);
		return;
	}
	if (lba > t->sectors || count > t->sectors - lba) {
		ata_status(t, req, out, outlen, d, ATA_ST_FAIL, ATA_ER_IDNF, 0);
		return;
	}
	ata_status(t, req, out, outlen, d, ATA_ST_OK, 0, (uint8_t)count);
	if (!d->reply || count == 0)
		return;
	d->lba = lba;
	d->count = count;
	if (write) {
		d->io = AOE_IO_WRITE;
		d->wdata = req->arg + AOE_ATA_LEN;
	} else {
		d->io = AOE_IO_READ;
		d->len += bytes;
	}
}

static void ata_identify(const struct aoe_target *t, const struct aoe_req *req,
			 uint8_t *out, size_t outlen, struct aoe_decision *d)
{
	ata_status(t, req, out, outlen, d, ATA_ST_OK, 0, 1);
	if (!d->reply)
		return;
	if (outlen - d->len < ATA_SECTOR) {
		d->reply = false;
		return;
	}
	aoe_identify(t, out + d->len);
	d->len += ATA_SECTOR;
}

static void do_ata(const struct aoe_target *t, const struct aoe_req *req,
		   uint8_t *out, size_t outlen, struct aoe_decision *d)
{
	if (req->arglen < AOE_ATA_LEN) {
		reply_error(t, req, out, outlen, d, AOE_ERR_BADARG);
		return;
	}
	if (t->st.nresv && !aoe_list_has(t->st.resv, t->st.nresv, req->src)) {
		reply_error(t, req, out, outlen, d, AOE_ERR_RESERVED);
		return;
	}
	switch (req->arg[AOE_ATA_CMDSTAT]) {
	case ATA_READ:
	case ATA_READ_EXT:
	case ATA_WRITE:
	case ATA_WRITE_EXT:
		ata_rw(t, req, out, outlen, d);
		break;
	case ATA_IDENTIFY:
		ata_identify(t, req, out, outlen, d);
		break;
	case ATA_FLUSH:
	case ATA_FLUSH_EXT:
		ata_status(t, req, out, outlen, d, ATA_ST_OK, 0, 0);
		if (d->reply)
			d->io = AOE_IO_FLUSH;
		break;
	case ATA_CHECK_POWER:
		/* Count 0xff: active or idle. */
		ata_status(t, req, out, outlen, d, ATA_ST_OK, 0, 0xff);
		break;
	default:
		ata_status(t, req, out, outlen, d, ATA_ST_FAIL, ATA_ER_ABRT, 0);
		break;
	}
}

/* --- Query Config ------------------------------------------------------ */

static void config_reply(const struct aoe_target *t, const struct aoe_req *req,
			 uint8_t *out, size_t outlen, struct aoe_decision *d,
			 uint8_t ccmd, uint8_t err)
{
	struct wcur w = wcur_init(out, outlen);

	put_headers(&w, t, req, err ? AOE_FLAG_E : 0, err);
	wcur_be16(&w, t->bufcnt);
	wcur_be16(&w, t->fwver);
	wcur_u8(&w, (uint8_t)aoe_max_sectors(t->mtu));
	wcur_u8(&w, (uint8_t)(AOE_VERSION << AOE_VER_SHIFT | ccmd));
	wcur_be16(&w, t->st.cfglen);
	wcur_bytes(&w, t->st.cfg, t->st.cfglen);
	d->reply = wcur_ok(&w);
	d->len = wcur_used(&w);
	d->error = err != 0;
}

static void set_config(struct aoe_target *t, const uint8_t *s, uint16_t len,
		       struct aoe_decision *d)
{
	if (len != t->st.cfglen || memcmp(s, t->st.cfg, len) != 0)
		d->persist = true;
	memcpy(t->st.cfg, s, len);
	t->st.cfglen = len;
}

static void do_config(struct aoe_target *t, const struct aoe_req *req,
		      uint8_t *out, size_t outlen, struct aoe_decision *d)
{
	struct cur c = cur_init(req->arg, req->arglen);
	const uint8_t *s;
	uint16_t len;
	uint8_t ccmd;

	cur_skip(&c, AOE_CFG_VERCMD);
	ccmd = cur_u8(&c) & AOE_CCMD_MASK;
	len = cur_be16(&c);
	s = cur_bytes(&c, len);
	if (s == NULL || len > AOE_CFG_MAX || ccmd > AOE_CCMD_FORCE) {
		reply_error(t, req, out, outlen, d, AOE_ERR_BADARG);
		return;
	}
	if (ccmd >= AOE_CCMD_SET && t->st.nresv &&
	    !aoe_list_has(t->st.resv, t->st.nresv, req->src)) {
		reply_error(t, req, out, outlen, d, AOE_ERR_RESERVED);
		return;
	}
	switch (ccmd) {
	case AOE_CCMD_TEST:
		if (len != t->st.cfglen || memcmp(s, t->st.cfg, len) != 0)
			return;
		break;
	case AOE_CCMD_PREFIX:
		if (len > t->st.cfglen || memcmp(s, t->st.cfg, len) != 0)
			return;
		break;
	case AOE_CCMD_SET:
		if (t->st.cfglen != 0) {
			config_reply(t, req, out, outlen, d, ccmd,
				     AOE_ERR_CFGSET);
			return;
		}
		set_config(t, s, len, d);
		break;
	case AOE_CCMD_FORCE:
		set_config(t, s, len, d);
		break;
	default:
		break;
	}
	config_reply(t, req, out, outlen, d, ccmd, 0);
}

/* --- MAC Mask List ----------------------------------------------------- */

static void mask_reply(const struct aoe_target *t, const struct aoe_req *req,
		       uint8_t *out, size_t outlen, struct aoe_decision *d,
		       uint8_t merror, uint8_t dcount)
{
	struct wcur w = wcur_init(out, outlen);

	put_headers(&w, t, req, 0, 0);
	wcur_u8(&w, 0);
	wcur_u8(&w, req->arg[AOE_MASK_MCMD]);
	wcur_u8(&w, merror);
	if (merror) {
		wcur_u8(&w, dcount);
	} else {
		wcur_u8(&w, (uint8_t)t->st.nmask);
		for (unsigned i = 0; i < t->st.nmask; i++) {
			wcur_u8(&w, 0);
			wcur_u8(&w, AOE_DCMD_NONE);
			wcur_bytes(&w, t->st.mask[i], AOE_MAC_LEN);
		}
	}
	d->reply = wcur_ok(&w);
	d->len = wcur_used(&w);
	d->error = merror != 0;
}

static void list_del(uint8_t (*list)[6], unsigned *n, const uint8_t mac[6])
{
	for (unsigned i = 0; i < *n; i++)
		if (memcmp(list[i], mac, AOE_MAC_LEN) == 0) {
			memmove(list[i], list[i + 1],
				(*n - i - 1) * AOE_MAC_LEN);
			(*n)--;
			return;
		}
}

/* Applies the directives to a copy; returns 0 or an MError with *at. */
static uint8_t mask_edit(struct aoe_state *st, const uint8_t *dir,
			 unsigned count, unsigned *at)
{
	uint8_t list[AOE_LIST_MAX][6];
	unsigned n = st->nmask;

	memcpy(list, st->mask, sizeof(list));
	for (*at = 0; *at < count; (*at)++, dir += AOE_DIR_LEN) {
		const uint8_t *mac = dir + AOE_DIR_MAC;

		switch (dir[AOE_DIR_DCMD]) {
		case AOE_DCMD_NONE:
			break;
		case AOE_DCMD_ADD:
			if (aoe_list_has(list, n, mac))
				break;
			if (n == AOE_LIST_MAX)
				return AOE_MERR_FULL;
			memcpy(list[n++], mac, AOE_MAC_LEN);
			break;
		case AOE_DCMD_DEL:
			list_del(list, &n, mac);
			break;
		default:
			return AOE_MERR_BADDCMD;
		}
	}
	memcpy(st->mask, list, sizeof(list));
	st->nmask = n;
	return 0;
}

static void do_mask(struct aoe_target *t, const struct aoe_req *req,
		    uint8_t *out, size_t outlen, struct aoe_decision *d)
{
	unsigned count, at = 0;
	uint8_t merror = 0;

	if (req->arglen < AOE_MASK_LEN) {
		reply_error(t, req, out, outlen, d, AOE_ERR_BADARG);
		return;
	}
	count = req->arg[AOE_MASK_DCOUNT];
	if (req->arg[AOE_MASK_MCMD] == AOE_MCMD_EDIT) {
		if ((req->arglen - AOE_MASK_LEN) / AOE_DIR_LEN < count) {
			reply_error(t, req, out, outlen, d, AOE_ERR_BADARG);
			return;
		}
		merror = mask_edit(&t->st, req->arg + AOE_MASK_LEN, count, &at);
		d->persist = merror == 0 && count > 0;
	} else if (req->arg[AOE_MASK_MCMD] != AOE_MCMD_READ) {
		reply_error(t, req, out, outlen, d, AOE_ERR_BADARG);
		return;
	}
	mask_reply(t, req, out, outlen, d, merror, (uint8_t)at);
}

/* --- Reserve/Release --------------------------------------------------- */

static void resv_reply(const struct aoe_target *t, const struct aoe_req *req,
		       uint8_t *out, size_t outlen, struct aoe_decision *d)
{
	struct wcur w = wcur_init(out, outlen);

	put_headers(&w, t, req, 0, 0);
	wcur_u8(&w, req->arg[AOE_RESV_RCMD]);
	wcur_u8(&w, (uint8_t)t->st.nresv);
	for (unsigned i = 0; i < t->st.nresv; i++)
		wcur_bytes(&w, t->st.resv[i], AOE_MAC_LEN);
	d->reply = wcur_ok(&w);
	d->len = wcur_used(&w);
}

static void do_reserve(struct aoe_target *t, const struct aoe_req *req,
		       uint8_t *out, size_t outlen, struct aoe_decision *d)
{
	unsigned n;
	uint8_t rcmd;

	if (req->arglen < AOE_RESV_LEN) {
		reply_error(t, req, out, outlen, d, AOE_ERR_BADARG);
		return;
	}
	rcmd = req->arg[AOE_RESV_RCMD];
	n = req->arg[AOE_RESV_NMACS];
	if (rcmd > AOE_RCMD_FORCE ||
	    (rcmd != AOE_RCMD_READ &&
	     (n > AOE_LIST_MAX || (req->arglen - AOE_RESV_LEN) / AOE_MAC_LEN < n))) {
		reply_error(t, req, out, outlen, d, AOE_ERR_BADARG);
		return;
	}
	if (rcmd == AOE_RCMD_SET && t->st.nresv &&
	    !aoe_list_has(t->st.resv, t->st.nresv, req->src)) {
		reply_error(t, req, out, outlen, d, AOE_ERR_RESERVED);
		return;
	}
	if (rcmd != AOE_RCMD_READ) {
		d->persist = n != t->st.nresv ||
			     memcmp(t->st.resv, req->arg + AOE_RESV_LEN,
				    (size_t)n * AOE_MAC_LEN) != 0;
		memcpy(t->st.resv, req->arg + AOE_RESV_LEN,
		       (size_t)n * AOE_MAC_LEN);
		t->st.nresv = n;
	}
	resv_reply(t, req, out, outlen, d);
}

/* --- dispatch ---------------------------------------------------------- */

static bool for_us(const struct aoe_target *t, const struct aoe_req *req)
{
	if (memcmp(req->dst, t->mac, AOE_MAC_LEN) != 0 &&
	    !mac_is_broadcast(req->dst))
		return false;
	return (req->shelf == t->shelf || req->shelf == AOE_SHELF_BCAST) &&
	       (req->slot == t->slot || req->slot == AOE_SLOT_BCAST);
}

static bool masked(const struct aoe_target *t, const struct aoe_req *req)
{
	if (req->cmd != AOE_CMD_ATA && req->cmd != AOE_CMD_CONFIG)
		return false;
	return t->st.nmask && !aoe_list_has(t->st.mask, t->st.nmask, req->src);
}

void aoe_decide(struct aoe_target *t, const struct aoe_req *req, uint8_t *out,
		size_t outlen, struct aoe_decision *d)
{
	memset(d, 0, sizeof(*d));
	if ((req->flags & AOE_FLAG_R) || !for_us(t, req) || masked(t, req))
		return;
	if (req->ver != AOE_VERSION) {
		if (req->shelf == t->shelf && req->slot == t->slot)
			reply_error(t, req, out, outlen, d, AOE_ERR_BADVER);
		return;
	}
	switch (req->cmd) {
	case AOE_CMD_ATA:
		do_ata(t, req, out, outlen, d);
		break;
	case AOE_CMD_CONFIG:
		do_config(t, req, out, outlen, d);
		break;
	case AOE_CMD_MASK:
		do_mask(t, req, out, outlen, d);
		break;
	case AOE_CMD_RESERVE:
		do_reserve(t, req, out, outlen, d);
		break;
	default:
		reply_error(t, req, out, outlen, d, AOE_ERR_BADCMD);
		break;
	}
}

void aoe_handle(struct aoe_target *t, const uint8_t *frame, size_t len,
		uint8_t *out, size_t outlen, struct aoe_decision *d)
{
	struct aoe_req req;

	memset(d, 0, sizeof(*d));
	if (aoe_parse(frame, len, &req) == 0)
		aoe_decide(t, &req, out, outlen, d);
}

void aoe_fail_ata(uint8_t *out, struct aoe_decision *d, uint8_t err)
{
	uint8_t *arg = out + AOE_OFF_ARG;

	arg[AOE_ATA_ERRFEAT] = err;
	arg[AOE_ATA_SCNT] = 0;
	arg[AOE_ATA_CMDSTAT] = ATA_ST_FAIL;
	d->len = AOE_ATA_DATA;
	d->io = AOE_IO_NONE;
	d->error = true;
}

void aoe_fail_aoe(uint8_t *out, struct aoe_decision *d, uint8_t err)
{
	out[AOE_OFF_VERFLAGS] |= AOE_FLAG_E;
	out[AOE_OFF_ERROR] = err;
	d->len = AOE_OFF_ARG;
	d->io = AOE_IO_NONE;
	d->error = true;
}

/* The ATA error register of a reply whose status has ERR set. */
static enum aoe_fault ata_fault(uint8_t err)
{
	if (err & ATA_ER_UNC)
		return AOE_FAULT_ATA_IO;
	if (err & ATA_ER_IDNF)
		return AOE_FAULT_ATA_RANGE;
	return err & ATA_ER_ABRT ? AOE_FAULT_ATA_ABORT : AOE_FAULT_OTHER;
}

enum aoe_fault aoe_reply_fault(const uint8_t *reply, size_t len)
{
	const uint8_t *arg = reply + AOE_OFF_ARG;
	uint8_t err;

	if (len < AOE_OFF_ARG)
		return AOE_FAULT_NONE;
	if (reply[AOE_OFF_VERFLAGS] & AOE_FLAG_E) {
		err = reply[AOE_OFF_ERROR];
		return err >= AOE_ERR_BADCMD && err <= AOE_ERR_RESERVED
			       ? (enum aoe_fault)(AOE_FAULT_BADCMD + err - 1)
			       : AOE_FAULT_OTHER;
	}
	switch (reply[AOE_OFF_CMD]) {
	case AOE_CMD_ATA:
		if (len < AOE_ATA_DATA || !(arg[AOE_ATA_CMDSTAT] & ATA_ST_ERR))
			return AOE_FAULT_NONE;
		return ata_fault(arg[AOE_ATA_ERRFEAT]);
	case AOE_CMD_MASK:
		if (len < AOE_OFF_ARG + AOE_MASK_LEN || !arg[AOE_MASK_MERROR])
			return AOE_FAULT_NONE;
		err = arg[AOE_MASK_MERROR];
		return err == AOE_MERR_BADDCMD ? AOE_FAULT_MASK_DCMD
		       : err == AOE_MERR_FULL  ? AOE_FAULT_MASK_FULL
					       : AOE_FAULT_OTHER;
	default:
		return AOE_FAULT_NONE;
	}
}

const char *aoe_fault_name(enum aoe_fault f)
{
	static const char *const names[AOE_FAULT_COUNT] = {
		[AOE_FAULT_NONE] = "none",
		[AOE_FAULT_BADCMD] = "bad_command",
		[AOE_FAULT_BADARG] = "bad_argument",
		[AOE_FAULT_UNAVAIL] = "device_unavailable",
		[AOE_FAULT_CFGSET] = "config_string_present",
		[AOE_FAULT_BADVER] = "unsupported_version",
		[AOE_FAULT_RESERVED] = "target_reserved",
		[AOE_FAULT_ATA_ABORT] = "ata_aborted",
		[AOE_FAULT_ATA_RANGE] = "ata_out_of_range",
		[AOE_FAULT_ATA_IO] = "ata_io_error",
		[AOE_FAULT_MASK_DCMD] = "mask_bad_directive",
		[AOE_FAULT_MASK_FULL] = "mask_list_full",
		[AOE_FAULT_OTHER] = "other",
	};

	return (unsigned)f < AOE_FAULT_COUNT ? names[f] : "other";
}

size_t aoe_announce(const struct aoe_target *t, const uint8_t dst[6],
		    uint8_t *out, size_t outlen)
{
	static const uint8_t tag[AOE_TAG_LEN];
	struct aoe_req req;
	struct aoe_decision d;

	memset(&req, 0, sizeof(req));
	req.dst = bcast_mac;
	req.src = dst;
	req.cmd = AOE_CMD_CONFIG;
	req.tag = tag;
	memset(&d, 0, sizeof(d));
	config_reply(t, &req, out, outlen, &d, AOE_CCMD_READ, 0);
	return d.reply ? d.len : 0;
}
