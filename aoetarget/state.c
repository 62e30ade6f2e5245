/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic.h"
#include "file.h"
#include "log.h"
#include "mac.h"
#include "num.h"

#define STATE_MAGIC "aoetarget-state 1"

static int put(char *buf, size_t len, size_t *used, const char *s)
{
	size_t n = strlen(s);

	if (n >= len - *used)
		return -1;
	memcpy(buf + *used, s, n + 1);
	*used += n;
	return 0;
}

static int put_list(char *buf, size_t len, size_t *used, const char *key,
		    const uint8_t (*list)[6], unsigned n)
{
	char line[64], mac[MAC_STRLEN];

	for (unsigned i = 0; i < n; i++) {
		snprintf(line, sizeof(line), "%s %s\n", key,
			 mac_format(list[i], MAC_FMT_COLON, mac));
		if (put(buf, len, used, line) < 0)
			return -1;
	}
	return 0;
}

size_t aoe_state_format(const struct aoe_state *st, char *buf, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t used = 0;

	if (len == 0 || put(buf, len, &used, STATE_MAGIC "\n") < 0)
		return 0;
	if (st->cfglen) {
		if (put(buf, len, &used, "config ") < 0 ||
		    len - used <= 2u * st->cfglen + 1)
			return 0;
		for (unsigned i = 0; i < st->cfglen; i++) {
			buf[used++] = hex[st->cfg[i] >> 4];
			buf[used++] = hex[st->cfg[i] & 15];
		}
		buf[used] = '\0';
		if (put(buf, len, &used, "\n") < 0)
			return 0;
	}
	if (put_list(buf, len, &used, "mask", st->mask, st->nmask) < 0 ||
	    put_list(buf, len, &used, "reserve", st->resv, st->nresv) < 0)
		return 0;
	return used;
}

static const char *parse_config(const char *v, size_t n, struct aoe_state *st)
{
	if (n % 2 || n / 2 > AOE_CFG_MAX)
		return "config: odd length or longer than 1024 bytes";
	for (size_t i = 0; i < n; i += 2) {
		uint64_t b;

		/* Two digits each, so never a 0x prefix. */
		if (v[i + 1] == 'x' || v[i + 1] == 'X' ||
		    num_parse_hex_mem(v + i, 2, 0, 255, &b) < 0)
			return "config: not hexadecimal";
		st->cfg[i / 2] = (uint8_t)b;
	}
	st->cfglen = (uint16_t)(n / 2);
	return NULL;
}

static const char *parse_mac(const char *v, size_t n, uint8_t (*list)[6],
			     unsigned *count)
{
	uint8_t mac[6];

	if (mac_parse_mem(v, n, mac) < 0)
		return "not a MAC address";
	if (aoe_list_has(list, *count, mac))
		return "MAC address listed twice";
	if (*count == AOE_LIST_MAX)
		return "too many MAC addresses";
	memcpy(list[(*count)++], mac, 6);
	return NULL;
}

/* One line without its newline; returns NULL or what is wrong with it. */
static const char *parse_line(const char *s, size_t n, struct aoe_state *st,
			      bool *seen_config)
{
	const char *sp = memchr(s, ' ', n);
	size_t klen = sp ? (size_t)(sp - s) : n;
	const char *v = sp ? sp + 1 : s + n;
	size_t vlen = n - (size_t)(v - s);

	if (klen == 6 && memcmp(s, "config", 6) == 0) {
		if (*seen_config)
			return "config given twice";
		*seen_config = true;
		return parse_config(v, vlen, st);
	}
	if (klen == 4 && memcmp(s, "mask", 4) == 0)
		return parse_mac(v, vlen, st->mask, &st->nmask);
	if (klen == 7 && memcmp(s, "reserve", 7) == 0)
		return parse_mac(v, vlen, st->resv, &st->nresv);
	return "unknown keyword";
}

int aoe_state_parse(const char *buf, size_t len, struct aoe_state *st,
		    const char **why)
{
	bool seen_config = false;
	size_t off = 0;
	int line = 0;

	memset(st, 0, sizeof(*st));
	*why = NULL;
	while (off < len && *why == NULL) {
		const char *s = buf + off;
		const char *nl = memchr(s, '\n', len - off);
		size_t n = nl ? (size_t)(nl - s) : len - off;

		line++;
		off += n + (nl != NULL);
		if (line == 1)
			*why = n == strlen(STATE_MAGIC) &&
				       memcmp(s, STATE_MAGIC, n) == 0
				       ? NULL
				       : "not an aoetarget state file";
		else if (n != 0 && s[0] != '#')
			*why = parse_line(s, n, st, &seen_config);
	}
	if (line == 0)
		*why = "empty file";
	if (*why == NULL)
		return 0;
	memset(st, 0, sizeof(*st));
	return line ? line : 1;
}

int aoe_state_path(char *buf, size_t len, const char *dir, unsigned shelf,
		   unsigned slot, const char *netif)
{
	int n = snprintf(buf, len, "%s/e%u.%u-%s", dir, shelf, slot, netif);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int aoe_state_load(const char *path, struct aoe_state *st)
{
	struct aoe_state tmp;
	const char *why;
	char *buf;
	size_t len;
	int rc = file_read(AT_FDCWD, path, AOE_STATE_MAX, &buf, &len);
	int line;

	if (rc == -ENOENT)
		return 0;
	if (rc < 0) {
		log_err("%s: %s; state ignored", path, strerror(-rc));
		return -1;
	}
	line = aoe_state_parse(buf, len, &tmp, &why);
	free(buf);
	if (line) {
		log_err("%s:%d: %s; corrupt state ignored", path, line, why);
		return -1;
	}
	*st = tmp;
	return 1;
}

int aoe_state_save(const char *path, const struct aoe_state *st)
{
	char buf[AOE_STATE_MAX];
	size_t n = aoe_state_format(st, buf, sizeof(buf));
	int rc;

	if (n == 0)
		rc = -EOVERFLOW;
	else
		rc = atomic_write(path, buf, n, 0644);
	if (rc < 0)
		log_err("%s: %s; state not saved", path, strerror(-rc));
	return rc;
}
