/* SPDX-License-Identifier: Apache-2.0 */
/*
 * doc: one document model for JSON and YAML, with a source position on every node.
 *
 * This is the only module that talks to the parser library (libyaml). A document is a tree
 * of scalars, maps and sequences; every node knows its 1-based line and column. Typed
 * conversions are checked (no floats, negatives or overflow where an unsigned integer is
 * wanted); duplicate keys are rejected; input size, nesting depth and node count are bounded.
 *
 * JSON mode (KSC_DOC_JSON) accepts exactly RFC 8259 JSON, as the Go decoders of runc and
 * containerd do: a strict syntax check runs before the tree is built, so YAML-isms (comments,
 * single quotes, bare keys, trailing commas, a BOM) are errors with their position. YAML mode
 * accepts YAML 1.1 streams (several documents), of which JSON is a subset.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

enum ksc_node_kind {
	KSC_NODE_SCALAR = 1,
	KSC_NODE_MAP,
	KSC_NODE_SEQ,
};

/* The JSON type a scalar denotes. */
enum ksc_scalar_type {
	KSC_SCALAR_STRING = 1,
	KSC_SCALAR_NUMBER,
	KSC_SCALAR_BOOL,
	KSC_SCALAR_NULL,
};

struct ksc_node {
	enum ksc_node_kind kind;
	unsigned line;   /* 1-based */
	unsigned column; /* 1-based, in characters */
	/* scalars */
	enum ksc_scalar_type type;
	const char *text; /* NUL-terminated; may contain NUL bytes up to len (JSON \u0000) */
	size_t len;
	/* maps (keys[i] -> items[i], keys are scalars) and sequences (items[i]) */
	size_t count;
	struct ksc_node **keys;
	struct ksc_node **items;
};

enum ksc_doc_flags {
	KSC_DOC_JSON = 1u << 0, /* strict JSON, one document */
};

/* Bounds on what a document may contain, whatever the byte size. */
#define KSC_DOC_MAX_DEPTH 128
#define KSC_DOC_MAX_NODES (4u * 1024u * 1024u)

struct ksc_doc;

/*
 * Parse buf (len bytes; need not be NUL-terminated). `name` names the input in messages.
 * Errors read "NAME:LINE:COL: reason". Returns 0, -EINVAL (syntax or limits), -ENOMEM.
 */
int ksc_doc_parse(const char *name, const char *buf, size_t len, unsigned flags,
                  struct ksc_doc **ret_doc, struct ksc_error **reterr);

/* Where and why a parse failed, for callers that report structured diagnostics. */
struct ksc_doc_failure {
	unsigned line; /* 0 when the failure has no position (a NUL byte, size) */
	unsigned column;
	char reason[192];
};

/* As ksc_doc_parse(), also filling *failure (when not NULL) on -EINVAL. */
int ksc_doc_parse_at(const char *name, const char *buf, size_t len, unsigned flags,
                     struct ksc_doc **ret_doc, struct ksc_doc_failure *failure,
                     struct ksc_error **reterr);

/* Read a whole file ("-" is standard input) of at most max_bytes bytes: 0, -EFBIG, -errno. */
int ksc_doc_read_file(const char *path, size_t max_bytes, char **ret_buf, size_t *ret_len,
                      struct ksc_error **reterr);

/* Whether buf is text a document could be: valid UTF-8 (RFC 3629) without NUL or control
 * characters other than tab, line feed and carriage return (the whitespace JSON allows;
 * YAML's printable set excludes the others too). A BPF program never is (its opcodes leave
 * zero bytes); random bytes almost never are. */
bool ksc_doc_is_text(const void *buf, size_t len);

int ksc_doc_read(const char *path, size_t max_bytes, unsigned flags, struct ksc_doc **ret_doc,
                 struct ksc_error **reterr);

void ksc_doc_free(struct ksc_doc *doc);

static inline void
ksc_doc_freep(struct ksc_doc **doc)
{
	ksc_doc_free(*doc);
}

/* The name given at parse time. Borrowed. */
const char *ksc_doc_name(const struct ksc_doc *doc);
/* Documents in the stream; a JSON doc always has exactly one. Empty YAML documents count. */
size_t ksc_doc_count(const struct ksc_doc *doc);
/* The root of the i-th document; a scalar null node for an empty document. */
const struct ksc_node *ksc_doc_root(const struct ksc_doc *doc, size_t i);

/* Map lookup by exact key; NULL when absent. */
const struct ksc_node *ksc_node_get(const struct ksc_node *map, const char *key);

/* "an object", "an array", "a string", "a number", "a boolean", "null". */
const char *ksc_node_type_name(const struct ksc_node *node);

bool ksc_node_is_null(const struct ksc_node *node);
bool ksc_node_is_string(const struct ksc_node *node);

/*
 * Checked conversions. On failure they return -EINVAL (wrong type or malformed) or -ERANGE
 * (negative, too large) and set *ret_reason to a static phrase such as
 * "must be an unsigned integer, got a string"; the caller adds file, position and path.
 */
int ksc_node_to_u64(const struct ksc_node *node, uint64_t *ret, const char **ret_reason);
int ksc_node_to_u32(const struct ksc_node *node, uint32_t *ret, const char **ret_reason);
int ksc_node_to_bool(const struct ksc_node *node, bool *ret, const char **ret_reason);
/* A string scalar (not null, a number or a boolean); the text is borrowed. Strings with NUL
 * bytes are rejected: no field kseccomp reads can hold one. */
int ksc_node_to_string(const struct ksc_node *node, const char **ret, const char **ret_reason);
