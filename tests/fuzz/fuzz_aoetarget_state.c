/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * aoe_state_parse over arbitrary bytes.  A success must give a state
 * within its limits that formats and parses back to itself; a failure must
 * name a line inside the input (or line 1 of an empty one) and a reason.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../aoetarget/state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[AOE_STATE_MAX];
	static struct aoe_state st, again;
	const char *why;
	size_t lines = 1, n;
	int rc = aoe_state_parse((const char *)data, size, &st, &why);

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (rc != 0) {
		if (rc < 1 || (size_t)rc > lines || why == NULL)
			abort();
		return 0;
	}
	if (st.nmask > AOE_LIST_MAX || st.nresv > AOE_LIST_MAX ||
	    st.cfglen > AOE_CFG_MAX)
		abort();
	n = aoe_state_format(&st, buf, sizeof(buf));
	if (n == 0 || aoe_state_parse(buf, n, &again, &why) != 0 ||
	    again.cfglen != st.cfglen || again.nmask != st.nmask ||
	    again.nresv != st.nresv ||
	    memcmp(again.cfg, st.cfg, st.cfglen) != 0 ||
	    memcmp(again.mask, st.mask, sizeof(st.mask)) != 0 ||
	    memcmp(again.resv, st.resv, sizeof(st.resv)) != 0)
		abort();
	return 0;
}
