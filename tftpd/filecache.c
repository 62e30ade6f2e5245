/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Open files shared between transfers. */
#include "filecache.h"

#include <stdlib.h>
#include <unistd.h>

struct shared_file *file_get(struct file_cache *c, int fd,
			     const struct stat *st)
{
	struct shared_file *f;

	for (f = c->head; f; f = f->next)
		if (f->dev == st->st_dev && f->ino == st->st_ino)
			break;
	if (f) {
		close(fd);
	} else {
		f = calloc(1, sizeof(*f));
		if (f == NULL)
			return NULL;
		f->fd = fd;
		f->dev = st->st_dev;
		f->ino = st->st_ino;
		f->next = c->head;
		c->head = f;
	}
	f->refs++;
	return f;
}

void file_put(struct file_cache *c, struct shared_file *f)
{
	struct shared_file **pp;

	if (f == NULL || --f->refs > 0)
		return;
	for (pp = &c->head; *pp && *pp != f; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = f->next;
	close(f->fd);
	free(f);
}
