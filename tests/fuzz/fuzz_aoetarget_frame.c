/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * aoe_handle over arbitrary frames, against a target with a small
 * in-memory disk.  The input is the frame itself, exactly as long as
 * libFuzzer made it.  Frames longer than 1514 bytes are served at MTU
 * 9000.  A reply must fit the buffer, go back to the sender from our MAC
 * with R set and the tag echoed; its I/O must lie inside the disk and, for
 * a write, inside the frame; the state must stay within its limits; the
 * counters must read a fault from a reply exactly when it reports an
 * error.  The I/O is done on the in-memory disk so ASan checks the bounds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../aoetarget/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DISK_SECTORS 64

static void check_io(const struct aoe_decision *d, const uint8_t *data,
		     size_t size, uint8_t *out, uint8_t *disk)
{
	size_t bytes = (size_t)d->count * ATA_SECTOR;

	if (d->io == AOE_IO_NONE || d->io == AOE_IO_FLUSH)
		return;
	if (d->count == 0 || d->lba + d->count > DISK_SECTORS)
		abort();
	if (d->io == AOE_IO_READ) {
		if (d->len != AOE_ATA_DATA + bytes)
			abort();
		memcpy(out + AOE_ATA_DATA, disk + d->lba * ATA_SECTOR, bytes);
		return;
	}
	if (d->wdata < data + AOE_ATA_DATA ||
	    (size_t)(d->wdata - data) + bytes > size)
		abort();
	memcpy(disk + d->lba * ATA_SECTOR, d->wdata, bytes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t disk[DISK_SECTORS * ATA_SECTOR];
	static uint8_t out[9014];
	static struct aoe_target t;
	struct aoe_decision d;
	size_t outlen;

	memset(&t, 0, sizeof(t));
	t.shelf = 1;
	t.slot = 0;
	memcpy(t.mac, "\x02\0\0\0\0\x01", 6);
	t.mtu = size > 1514 ? 9000 : 1500;
	t.sectors = DISK_SECTORS;
	t.bufcnt = 16;
	t.readonly = size % 7 == 0;
	outlen = t.mtu + 14;
	aoe_handle(&t, data, size, out, outlen, &d);
	if (!d.reply) {
		if (d.io != AOE_IO_NONE || d.persist)
			abort();
		return 0;
	}
	if (size < 24 || d.len < 24 || d.len > outlen)
		abort();
	if (memcmp(out, data + 6, 6) != 0 || memcmp(out + 6, t.mac, 6) != 0 ||
	    (out[14] & 0xf8) != 0x18 || memcmp(out + 20, data + 20, 4) != 0)
		abort();
	if (t.st.nmask > AOE_LIST_MAX || t.st.nresv > AOE_LIST_MAX ||
	    t.st.cfglen > AOE_CFG_MAX)
		abort();
	if ((aoe_reply_fault(out, d.len) != AOE_FAULT_NONE) != d.error)
		abort();
	check_io(&d, data, size, out, disk);
	return 0;
}
