/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "counters.h"

void aoe_count_io(struct aoe_counters *c, enum aoe_io io)
{
	c->reads += io == AOE_IO_READ;
	c->writes += io == AOE_IO_WRITE;
	c->flushes += io == AOE_IO_FLUSH;
}

void aoe_count_fault(struct aoe_counters *c, const uint8_t *reply, size_t len)
{
	enum aoe_fault f = aoe_reply_fault(reply, len);

	c->faults[f == AOE_FAULT_NONE ? AOE_FAULT_OTHER : f]++;
}

uint64_t aoe_count_errors(const struct aoe_counters *c)
{
	uint64_t n = 0;

	for (unsigned f = AOE_FAULT_NONE + 1; f < AOE_FAULT_COUNT; f++)
		n += c->faults[f];
	return n;
}

/* The plain counters: one family each. */
static const struct family {
	const char *name, *help;
	size_t off;
} families[] = {
	{ "aoetarget_frames_total", "AoE request frames addressed to the target.",
	  offsetof(struct aoe_counters, in) },
	{ "aoetarget_replies_total", "Replies the target sent.",
	  offsetof(struct aoe_counters, out) },
	{ "aoetarget_reads_total", "ATA READ commands taken to the backing file.",
	  offsetof(struct aoe_counters, reads) },
	{ "aoetarget_writes_total", "ATA WRITE commands taken to the backing file.",
	  offsetof(struct aoe_counters, writes) },
	{ "aoetarget_flushes_total", "ATA FLUSH CACHE commands.",
	  offsetof(struct aoe_counters, flushes) },
	{ "aoetarget_read_bytes_total", "Bytes read from the backing file for replies.",
	  offsetof(struct aoe_counters, rbytes) },
	{ "aoetarget_written_bytes_total", "Bytes written to the backing file.",
	  offsetof(struct aoe_counters, wbytes) },
};

static uint64_t field(const struct aoe_counters *c, size_t off)
{
	return *(const uint64_t *)(const void *)((const char *)c + off);
}

void aoe_count_metrics(struct metrics *m, const struct aoe_counted *t,
		       unsigned n)
{
	for (size_t k = 0; k < sizeof(families) / sizeof(families[0]); k++) {
		const struct family *fam = &families[k];

		metrics_family(m, fam->name, "counter", fam->help);
		for (unsigned i = 0; i < n; i++)
			metrics_sample(m, fam->name, field(t[i].c, fam->off),
				       "target", t[i].target, "iface",
				       t[i].iface, (const char *)NULL);
	}
	metrics_family(m, "aoetarget_errors_total", "counter",
		       "Error replies, by the AoE error, ATA error or MAC "
		       "Mask List error they report.");
	for (unsigned i = 0; i < n; i++)
		for (unsigned f = AOE_FAULT_NONE + 1; f < AOE_FAULT_COUNT; f++)
			metrics_sample(m, "aoetarget_errors_total",
				       t[i].c->faults[f], "target", t[i].target,
				       "iface", t[i].iface, "code",
				       aoe_fault_name((enum aoe_fault)f),
				       (const char *)NULL);
}
