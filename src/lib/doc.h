/* SPDX-License-Identifier: Apache-2.0 */
/*
 * doc: one document model for JSON and YAML, with a source position on every node.
 *
 * A document is a tree of scalars, maps and sequences; every node knows its 1-based line and
 * column. Typed conversions are checked (no floats, negatives or overflow where an unsigned
 * integer is wanted); duplicate keys are rejected; input size, nesting depth and node count
 * are bounded.
 *
 * JSON mode (KSC_DOC_JSON) reads with kseccomp's own reader (doc-json.c) exactly the RFC 8259
 * JSON that the Go decoders of runc and containerd accept, so YAML-isms (comments, single
 * quotes, bare keys, trailing commas, a BOM) are errors with their position, and strings
 * decode as Go decodes them (UTF-16 surrogate pairs included). YAML mode reads YAML 1.1
 * streams (several documents) through libyaml; doc.c is the only file that talks to it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

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
	/* JSON only: a map may repeat a key (both stay, in order), as Go's decoders take it
	 * (the last one wins there); without it a repeated key is an error */
	KSC_DOC_KEEP_REPEATED_KEYS = 1u << 1,
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

/*
 * Read a whole file ("-" is standard input) of at most max_bytes bytes: 0, -EFBIG, -EISDIR,
 * -EINVAL for anything but a regular file ("PATH: not a regular file (a FIFO)"; standard
 * input may be a pipe or a terminal), -errno. Never blocks on a FIFO or reads a device.
 */
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

/* n zeroed bytes, aligned for anything, that live as long as doc: what is built from a
 * document (a profile's name lists, say) can live with its strings. NULL on ENOMEM. */
void *ksc_doc_alloc(struct ksc_doc *doc, size_t n);

/* The name given at parse time. Borrowed. */
const char *ksc_doc_name(const struct ksc_doc *doc);
/* Documents in the stream; a JSON doc always has exactly one. Empty YAML documents count. */
size_t ksc_doc_count(const struct ksc_doc *doc);
/* The root of the i-th document; a scalar null node for an empty document. */
const struct ksc_node *ksc_doc_root(const struct ksc_doc *doc, size_t i);

/* Map lookup by exact key (all len bytes); NULL when absent. This is how Go decodes a JSON
 * object into a map, and how Kubernetes' case-sensitive decoder reads struct fields. */
const struct ksc_node *ksc_node_get(const struct ksc_node *map, const char *key);

/*
 * Go's encoding/json reads a JSON object into a struct (runc, crun's Go peers, containerd,
 * the OCI seccomp agent's consumers): a key sets the field whose JSON name equals it exactly,
 * else the first field (in declaration order) whose name equals it under bytes.EqualFold,
 * Unicode simple case folding. For the ASCII field names of these structs that is ASCII
 * case, plus U+017F LATIN SMALL LETTER LONG S for s and U+212A KELVIN SIGN for k (Go's
 * unicode.SimpleFold orbits {S, s, U+017F} and {K, k, U+212A}). A later key setting a field
 * overwrites an earlier one. (Go before 1.21: fold.go equalFoldRight; 1.21 and later:
 * foldName with unicode.SimpleFold. Both give this result for ASCII names.)
 */
enum ksc_key_match {
	KSC_KEY_NONE = 0,
	KSC_KEY_EXACT,
	KSC_KEY_FOLDED, /* equal to the field only under Go's folding */
};

/* How key (a scalar map key) matches the field name `field` (ASCII). */
enum ksc_key_match ksc_key_match_go(const struct ksc_node *key, const char *field);

/*
 * The field of fields[0..n) that Go sets from key: an exact match wins, else the first that
 * folds. Returns its index, or n when key sets no field; *ret_match (optional) says how.
 */
size_t ksc_key_field_go(const struct ksc_node *key, const char *const *fields, size_t n,
                        enum ksc_key_match *ret_match);

/*
 * Why two keys set one field under Go's rules, for messages: "Go's JSON decoder matches keys
 * case-insensitively", or which non-ASCII letter Go folds (U+017F to s, U+212A to k). `b` may
 * be NULL. A static string.
 */
const char *ksc_key_fold_reason(const struct ksc_node *a, const struct ksc_node *b);

/*
 * Read map as Go decodes it into a struct with the JSON field names fields[0..n): values[i]
 * is the value of the key that sets fields[i], NULL when none. Two keys that set one field
 * (Go silently keeps the later) are an error: -EINVAL with *ret_dup the later key and
 * *ret_first the earlier. Keys that set no field are ignored, as Go does.
 */
int ksc_node_get_fields_go(const struct ksc_node *map, const char *const *fields, size_t n,
                           const struct ksc_node **values, const struct ksc_node **ret_dup,
                           const struct ksc_node **ret_first);

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
