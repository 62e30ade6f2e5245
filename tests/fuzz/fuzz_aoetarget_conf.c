/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tgt_conf_parse (aoetarget -c) over arbitrary bytes.  A success must give
 * targets within the ranges the options promise; a failure must allocate
 * nothing and name the file and a line inside the input, or say that
 * there are no targets.
 */
#include <net/if.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../aoetarget/conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_target(const struct tgt_conf *tc)
{
	size_t n = tc->netif ? strlen(tc->netif) : 0;

	if (tc->shelf > 65534 || tc->slot > 254 || n == 0 || n >= IFNAMSIZ ||
	    tc->file == NULL || tc->file[0] == '\0' || tc->bufcnt < 1 ||
	    tc->bufcnt > AOE_BUFCNT_MAX || tc->nmask > AOE_LIST_MAX)
		abort();
}

static void check_error(const char *err, const uint8_t *data, size_t size)
{
	static const char name[] = "fuzz.conf:";
	size_t lines = 1;
	char *end;
	long line;

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (strncmp(err, name, sizeof(name) - 1) != 0)
		abort();
	if (strcmp(err, "fuzz.conf: no targets") == 0)
		return;
	line = strtol(err + sizeof(name) - 1, &end, 10);
	if (line < 1 || (size_t)line > lines || *end != ':')
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tgt_raw def;
	struct tgt_conf *tcs = (struct tgt_conf *)&def;
	char err[1024] = "";
	int n;

	memset(&def, 0, sizeof(def));
	n = tgt_conf_parse((const char *)data, size, "fuzz.conf", &def, &tcs,
			   err, sizeof(err));
	if (n < 0) {
		if (n != -1 || tcs != NULL)
			abort();
		check_error(err, data, size);
		return 0;
	}
	if (n == 0 || tcs == NULL)
		abort();
	for (int i = 0; i < n; i++) {
		check_target(&tcs[i]);
		tgt_conf_free(&tcs[i]);
	}
	free(tcs);
	return 0;
}
