/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tftp_path_clean over arbitrary bytes.  The first byte picks the output
 * size and the second the server root; the rest is the client's name.
 * The output buffer is allocated at exactly that size so ASan sees any
 * write past it.  A success must be a confined relative path: no leading
 * '/', no backslash, no "." or ".." component, no empty component, no
 * control byte, NUL-terminated within the buffer; cleaning it again must
 * give it back unchanged.  A failure must leave "" and a known code.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../tftpd/path.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const roots[] = { "/srv/tftp", "/srv/tftp/", "/", NULL };

static void check_component(const char *c, size_t n)
{
	if (n == 0 || (n == 1 && c[0] == '.') ||
	    (n == 2 && c[0] == '.' && c[1] == '.'))
		abort();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)c[i] < 0x20 || c[i] == '\\')
			abort();
}

static void check_clean(const char *out, size_t outlen)
{
	const char *end = memchr(out, '\0', outlen), *p = out;

	if (end == NULL || end == out || out[0] == '/')
		abort();
	for (;;) {
		const char *slash = memchr(p, '/', (size_t)(end - p));
		const char *stop = slash ? slash : end;

		check_component(p, (size_t)(stop - p));
		if (slash == NULL)
			break;
		p = slash + 1;
	}
}

/* Cleaning a clean path is the identity. */
static void check_stable(const char *out)
{
	size_t n = strlen(out);
	char *again = malloc(n + 1);

	if (again == NULL)
		return;
	if (tftp_path_clean(out, n, NULL, again, n + 1) != 0 ||
	    strcmp(again, out) != 0)
		abort();
	free(again);
}

/* The result is never longer than the input, so input size + 1 fits it. */
static void check_too_long(const char *name, size_t len, const char *root,
			   size_t outlen)
{
	char *big = malloc(len + 1);

	if (big == NULL)
		return;
	if (tftp_path_clean(name, len, root, big, len + 1) != 0 ||
	    strlen(big) < outlen)
		abort();
	free(big);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *name, *root;
	size_t outlen, len;
	char *out;
	int rc;

	if (size < 2)
		return 0;
	outlen = data[0];
	root = roots[data[1] % (sizeof(roots) / sizeof(roots[0]))];
	name = (const char *)data + 2;
	len = size - 2;
	/* malloc(0) may be NULL: outlen 0 gets one canary byte instead. */
	out = malloc(outlen ? outlen : 1);
	if (out == NULL)
		return 0;
	out[0] = 'X';
	rc = tftp_path_clean(name, len, root, out, outlen);
	if (rc == 0)
		check_clean(out, outlen);
	else if (rc != -EACCES && rc != -ENOENT && rc != -ENAMETOOLONG)
		abort();
	else if (outlen > 0 ? out[0] != '\0' : out[0] != 'X')
		abort();
	if (rc == 0)
		check_stable(out);
	if (rc == -ENAMETOOLONG)
		check_too_long(name, len, root, outlen);
	free(out);
	return 0;
}
