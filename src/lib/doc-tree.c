/* SPDX-License-Identifier: Apache-2.0 */
/*
 * doc-tree: what the two readers (doc.c for YAML, doc-json.c for JSON) share: the arena a
 * document lives in and the rule against repeated keys. See doc-tree.h.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "doc-tree.h"
#include "ksc-cleanup.h"
#include "macro.h"

/*
 * Blocks double from 16 KiB, so a small document costs one small block and a large one a
 * few dozen. Blocks from 1 MiB on are mapped with MAP_POPULATE: a 10 MB profile has some
 * 80 MB of nodes, and faulting that in one page at a time cost more than reading it (most
 * of the time of a 100,000-rule parse, in a VM where a fault is a hypervisor exit).
 */
#define ARENA_FIRST_BLOCK (16u * 1024u)
#define ARENA_MAX_BLOCK   (8u * 1024u * 1024u)
#define ARENA_MAP_FROM    (1024u * 1024u)

void *
doc_arena_alloc_slow(struct doc_arena *a, size_t n, size_t align)
{
	size_t size = a->head ? MIN(a->head->size * 2, (size_t)ARENA_MAX_BLOCK) : ARENA_FIRST_BLOCK;
	struct doc_arena_block *b;
	size_t total;

	(void)align; /* a new block's data is aligned for anything */
	size = MAX(size, n);
	if (size > SIZE_MAX - sizeof(*b))
		return NULL;
	total = sizeof(*b) + size;
	if (total >= ARENA_MAP_FROM) {
		b = mmap(NULL, total, PROT_READ | PROT_WRITE,
		         MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (b == MAP_FAILED)
			return NULL;
		b->mapped = total;
	} else {
		b = malloc(total);
		if (!b)
			return NULL;
		b->mapped = 0;
	}
	b->used = n;
	b->size = size;
	b->next = a->head;
	a->head = b;
	return b->data;
}

void
doc_arena_free(struct doc_arena *a)
{
	while (a->head) {
		struct doc_arena_block *b = a->head;

		a->head = b->next;
		if (b->mapped)
			munmap(b, b->mapped);
		else
			free(b);
	}
}

/* ---------------------------------------------------------------------------------------- */

static int
key_cmp(const void *a, const void *b)
{
	const struct ksc_node *x = *(struct ksc_node *const *)a, *y = *(struct ksc_node *const *)b;
	int c;

	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	c = memcmp(x->text, y->text, x->len);
	if (c)
		return c;
	/* Equal keys: order by position, so the first occurrence comes first. */
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->column < y->column ? -1 : (x->column > y->column);
}

int
doc_check_duplicate_keys(struct ksc_node *const *keys, size_t n, struct ksc_doc_failure *failure)
{
	_cleanup_(freep) struct ksc_node **sorted = NULL;
	const struct ksc_node *dup = NULL, *first = NULL;

	if (n < 2)
		return 0;
	if (n <= 8) {
		/* Small maps (most of a profile's): compare each key with those before it. */
		for (size_t i = 1; i < n && !dup; i++)
			for (size_t j = 0; j < i; j++)
				if (keys[i]->len == keys[j]->len &&
				    memcmp(keys[i]->text, keys[j]->text, keys[i]->len) == 0) {
					dup = keys[i];
					first = keys[j];
					break;
				}
	} else {
		sorted = malloc(n * sizeof(*sorted));
		if (!sorted)
			return -ENOMEM;
		memcpy(sorted, keys, n * sizeof(*sorted));
		qsort(sorted, n, sizeof(*sorted), key_cmp);
		for (size_t i = 1; i < n; i++) {
			if (sorted[i]->len != sorted[i - 1]->len ||
			    memcmp(sorted[i]->text, sorted[i - 1]->text, sorted[i]->len) != 0)
				continue;
			/* Equal keys sort by position: sorted[i] is a repetition. Report the
			 * one that comes first in the document. */
			if (!dup || sorted[i]->line < dup->line ||
			    (sorted[i]->line == dup->line && sorted[i]->column < dup->column))
				dup = sorted[i];
		}
		for (size_t i = 0; dup && i < n; i++)
			if (keys[i]->len == dup->len &&
			    memcmp(keys[i]->text, dup->text, dup->len) == 0) {
				first = keys[i];
				break;
			}
	}
	if (!dup)
		return 0;
	failure->line = dup->line;
	failure->column = dup->column;
	snprintf(failure->reason, sizeof(failure->reason),
	         "duplicate key \"%.*s\" (first at line %u, column %u)",
	         (int)MIN(dup->len, (size_t)60), dup->text, first->line, first->column);
	return -EINVAL;
}
