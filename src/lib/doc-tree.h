/* SPDX-License-Identifier: Apache-2.0 */
/*
 * doc-tree: what the document module's two readers share: the arena every node lives in, the
 * document itself and the duplicate-key rule. doc.c reads YAML through libyaml; doc-json.c
 * reads JSON with its own scanner. Nothing outside src/lib/doc*.c includes this.
 */
#pragma once

#include <stdalign.h>
#include <stddef.h>

#include "doc.h"

/* Every node, array and string of a document lives in an arena and dies with it. */
struct doc_arena_block {
	struct doc_arena_block *next;
	size_t used;
	size_t size;
	size_t mapped; /* bytes mapped with mmap(), or 0 when malloc()ed */
	max_align_t data[];
};

struct doc_arena {
	struct doc_arena_block *head;
};

void *doc_arena_alloc_slow(struct doc_arena *a, size_t n, size_t align);
void doc_arena_free(struct doc_arena *a);

/* n bytes aligned to align (a power of two, at most alignof(max_align_t)); NULL on ENOMEM. */
static inline void *
doc_arena_alloc(struct doc_arena *a, size_t n, size_t align)
{
	struct doc_arena_block *b = a->head;

	if (b) {
		size_t at = (b->used + align - 1) & ~(align - 1);

		if (at <= b->size && b->size - at >= n) {
			b->used = at + n;
			return (char *)b->data + at;
		}
	}
	return doc_arena_alloc_slow(a, n, align);
}

#define doc_arena_new(a, type, n) ((type *)doc_arena_alloc((a), sizeof(type) * (n), alignof(type)))

/* The value of a hex digit, or -1. */
static inline int
doc_hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

struct ksc_doc {
	char *name;
	struct doc_arena arena;
	struct ksc_node **roots;
	size_t n_roots;
};

/*
 * The duplicate-key rule of both readers: a map may not name a key twice (Go's decoders let
 * the last one win silently; kseccomp refuses, so what a reader sees is what runc sees).
 * Returns 0 when the n keys are distinct, -EINVAL with *failure naming the first repetition
 * in document order and where the key first appeared, or -ENOMEM.
 */
int
doc_check_duplicate_keys(struct ksc_node *const *keys, size_t n, struct ksc_doc_failure *failure);
