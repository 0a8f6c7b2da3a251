/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The document reader (YAML streams and strict JSON) on arbitrary bytes. The first byte
 * picks the mode so that one corpus covers both. Every node is visited and every typed
 * conversion tried, so that a malformed tree cannot hide behind the parser.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t
visit(const struct ksc_node *n, unsigned depth)
{
	const char *reason, *s;
	uint64_t u64;
	uint32_t u32;
	size_t count = 1;
	bool b;

	if (depth > KSC_DOC_MAX_DEPTH + 1 || n->line == 0 || n->column == 0)
		abort();
	switch (n->kind) {
	case KSC_NODE_SCALAR:
		if (!n->text || n->text[n->len] != '\0')
			abort();
		(void)ksc_node_to_u64(n, &u64, &reason);
		(void)ksc_node_to_u32(n, &u32, &reason);
		(void)ksc_node_to_bool(n, &b, &reason);
		(void)ksc_node_to_string(n, &s, &reason);
		return 1;
	case KSC_NODE_MAP:
		for (size_t i = 0; i < n->count; i++) {
			if (n->keys[i]->kind != KSC_NODE_SCALAR)
				abort();
			if (ksc_node_get(n, n->keys[i]->text) == NULL &&
			    strlen(n->keys[i]->text) == n->keys[i]->len)
				abort();
			count += visit(n->items[i], depth + 1);
		}
		return count;
	case KSC_NODE_SEQ:
		for (size_t i = 0; i < n->count; i++)
			count += visit(n->items[i], depth + 1);
		return count;
	}
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ksc_doc *doc = NULL;
	struct ksc_error *error = NULL;
	unsigned flags;
	int r;

	if (size == 0)
		return 0;
	flags = (data[0] & 1) ? KSC_DOC_JSON : 0;
	r = ksc_doc_parse("fuzz", (const char *)data + 1, size - 1, flags, &doc, &error);
	if (r < 0) {
		if (r == -EINVAL && !ksc_error_message(error))
			abort();
		ksc_error_free(error);
		return 0;
	}
	for (size_t i = 0; i < ksc_doc_count(doc); i++)
		(void)visit(ksc_doc_root(doc, i), 0);
	ksc_doc_free(doc);
	return 0;
}
