/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The JSON reader (src/lib/doc-json.c) on arbitrary bytes, with three properties beyond not
 * crashing: a refusal always names a position; every string it decodes is valid UTF-8 apart
 * from NULs written as \u0000 (surrogates become characters or U+FFFD); and where libyaml
 * also reads the input, the two trees agree node for node, positions included. Inputs with a
 * carriage return are left out of that comparison: libyaml counts a lone one as a line break,
 * JSON's positions do not.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* RFC 3629 UTF-8: no overlong forms, no surrogates, nothing past U+10FFFF. NUL is fine. */
static bool
is_utf8(const unsigned char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		unsigned char c = s[i];
		size_t n = c < 0x80                 ? 1
		           : c >= 0xc2 && c <= 0xdf ? 2
		           : c >= 0xe0 && c <= 0xef ? 3
		           : c >= 0xf0 && c <= 0xf4 ? 4
		                                    : 0;
		uint32_t cp = n == 1 ? c : n == 2 ? c & 0x1fu : n == 3 ? c & 0x0fu : c & 0x07u;

		if (n == 0 || len - i < n)
			return false;
		for (size_t k = 1; k < n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3fu);
		}
		if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += n;
	}
	return true;
}

static void
check_string(const struct ksc_node *n)
{
	if (n->text[n->len] != '\0' || !is_utf8((const unsigned char *)n->text, n->len))
		abort();
}

static void
visit(const struct ksc_node *n)
{
	if (n->line == 0 || n->column == 0)
		abort();
	if (n->kind == KSC_NODE_SCALAR) {
		if (n->type == KSC_SCALAR_STRING)
			check_string(n);
		return;
	}
	for (size_t i = 0; i < n->count; i++) {
		if (n->kind == KSC_NODE_MAP) {
			if (n->keys[i]->type != KSC_SCALAR_STRING)
				abort();
			visit(n->keys[i]);
		}
		visit(n->items[i]);
	}
}

static bool
same(const struct ksc_node *a, const struct ksc_node *b)
{
	if (a->kind != b->kind || a->line != b->line || a->column != b->column)
		return false;
	if (a->kind == KSC_NODE_SCALAR)
		return a->type == b->type && a->len == b->len &&
		       memcmp(a->text, b->text, a->len) == 0;
	if (a->count != b->count)
		return false;
	for (size_t i = 0; i < a->count; i++)
		if ((a->kind == KSC_NODE_MAP && !same(a->keys[i], b->keys[i])) ||
		    !same(a->items[i], b->items[i]))
			return false;
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ksc_doc *json = NULL, *yaml = NULL;
	struct ksc_error *error = NULL;
	const char *buf = (const char *)data;
	unsigned line, column;
	int r;

	r = ksc_doc_parse("fuzz", buf, size, KSC_DOC_JSON, &json, &error);
	if (r < 0) {
		/* "fuzz: document contains a NUL byte" has no position; every other refusal
		 * does. */
		if (r == -EINVAL && !memchr(buf, '\0', size) &&
		    (!ksc_error_message(error) ||
		     sscanf(ksc_error_message(error), "fuzz:%u:%u:", &line, &column) != 2 ||
		     line == 0 || column == 0))
			abort();
		ksc_error_free(error);
		return 0;
	}
	visit(ksc_doc_root(json, 0));
	if (!memchr(buf, '\r', size) && ksc_doc_parse("fuzz", buf, size, 0, &yaml, NULL) == 0 &&
	    ksc_doc_count(yaml) == 1 && ksc_doc_root(json, 0)->kind != KSC_NODE_SCALAR &&
	    !same(ksc_doc_root(json, 0), ksc_doc_root(yaml, 0)))
		abort();
	ksc_doc_free(yaml);
	ksc_doc_free(json);
	return 0;
}
