/* SPDX-License-Identifier: Apache-2.0 */
/*
 * doc-json: kseccomp's own JSON reader. One pass over the bytes builds the document tree in
 * the arena; the only other memory is one growing stack of the open containers' children, so
 * nothing is allocated per token beyond the tree itself. The reader works on a copy of the
 * input in the arena: a string's text is decoded where it lies and ends with a NUL written
 * over its closing quote, and the copy's final NUL stops every scanning loop (the input has
 * none of its own: ksc_doc_parse_at() refuses NUL bytes).
 *
 * It accepts exactly what Go's encoding/json (runc, containerd and the other Go consumers of
 * these files) accepts, except that invalid UTF-8 in a string is refused where Go would read
 * U+FFFD: a profile nobody can read back the same way is not one to enforce. Strings decode
 * as Go's decoder decodes them (encoding/json's unquote): \uXXXX escapes of a UTF-16
 * surrogate pair become the one character they encode, and a surrogate escape that is not
 * half of a pair becomes U+FFFD.
 *
 * Every refusal names the line and the column (in characters) where the reader stopped, and
 * the reasons say what JSON expected there.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc-json.h"
#include "macro.h"

struct reader {
	struct ksc_doc *doc;
	/* The copy being read: end points at its terminating NUL. */
	unsigned char *p;
	unsigned char *end;
	/* Lines: the current one and where it starts (only whitespace holds a line feed). */
	unsigned line;
	const unsigned char *line_start;
	/* UTF-8 continuation bytes between line_start and the scanner. */
	size_t line_continuations;
	size_t nodes;
	/* Children of the open containers, innermost last: maps push key and value in turn. */
	struct ksc_node **stack;
	size_t n_stack;
	size_t cap_stack;
	/* Maps with two keys or more, in the order they closed: checked for duplicates once the
	 * whole input is known to be JSON, so a syntax error anywhere wins as it does in Go. */
	struct ksc_node **maps;
	size_t n_maps;
	size_t cap_maps;
	struct ksc_doc_failure *failure;
};

/*
 * The column of `at` on the current line, in characters: bytes since the line began, less
 * the UTF-8 continuation bytes among them. Those occur only inside strings (anywhere else a
 * byte over 0x7f is an error at that byte), and scan_string() counts them as it passes.
 */
static unsigned
reader_column(const struct reader *r, const unsigned char *at)
{
	return (unsigned)((size_t)(at - r->line_start) - r->line_continuations + 1);
}

static int
reader_fail_as(struct reader *r, const unsigned char *at, const char *prefix, const char *reason)
{
	r->failure->line = r->line;
	r->failure->column = reader_column(r, at);
	snprintf(r->failure->reason, sizeof(r->failure->reason), "%s%s", prefix, reason);
	return -EINVAL;
}

/* Input that is not JSON. */
static int
reader_fail(struct reader *r, const unsigned char *at, const char *reason)
{
	return reader_fail_as(r, at, "invalid JSON: ", reason);
}

/* "EXPECTED, found X" where X describes what is at the current position. */
static int
reader_fail_found(struct reader *r, const char *expected)
{
	const unsigned char *p = r->p;
	char reason[128];

	if (p >= r->end)
		snprintf(reason, sizeof(reason), "%s, found the end of the input", expected);
	else if (*p == '#' || (*p == '/' && p + 1 < r->end && (p[1] == '/' || p[1] == '*')))
		snprintf(reason, sizeof(reason), "%s, found a comment (JSON has no comments)",
		         expected);
	else if (*p == '\'')
		snprintf(reason, sizeof(reason),
		         "%s, found a single quote (JSON strings use double quotes)", expected);
	else if (*p >= 0x21 && *p < 0x7f)
		snprintf(reason, sizeof(reason), "%s, found '%c'", expected, *p);
	else
		snprintf(reason, sizeof(reason), "%s, found byte 0x%02x", expected, *p);
	return reader_fail(r, p, reason);
}

/* Byte classes: JSON's whitespace, and what a string holds as it is. */
enum {
	WS = 1 << 0,
	PLAIN = 1 << 1, /* printable ASCII other than '"' and '\\' */
};

static const unsigned char byte_class[256] = {
	[' '] = WS | PLAIN,
	['\t'] = WS,
	['\n'] = WS,
	['\r'] = WS,
	['!'] = PLAIN,
	['#' ... '['] = PLAIN,
	[']' ... 0x7f] = PLAIN,
};

static void
skip_whitespace(struct reader *r)
{
	unsigned char *p = r->p;

	for (; byte_class[*p] & WS; p++)
		if (*p == '\n') {
			r->line++;
			r->line_start = p + 1;
			r->line_continuations = 0;
		}
	r->p = p;
}

static int
push(struct ksc_node ***v, size_t *n, size_t *cap, struct ksc_node *node)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 256;
		struct ksc_node **grown = reallocarray(*v, c, sizeof(**v));

		if (!grown)
			return -ENOMEM;
		*v = grown;
		*cap = c;
	}
	(*v)[(*n)++] = node;
	return 0;
}

static struct ksc_node *
node_new(struct reader *r, enum ksc_node_kind kind, int *ret)
{
	struct ksc_node *n;

	if (r->nodes >= KSC_DOC_MAX_NODES) {
		*ret = reader_fail_as(r, r->p, "", "too many nodes");
		return NULL;
	}
	n = doc_arena_new(&r->doc->arena, struct ksc_node, 1);
	if (!n) {
		*ret = -ENOMEM;
		return NULL;
	}
	*n = (struct ksc_node){
		.kind = kind,
		.line = r->line,
		.column = reader_column(r, r->p),
	};
	r->nodes++;
	return n;
}

/* The four hex digits after "\u" at p (checked before), as a UTF-16 code unit. */
static uint32_t
hex4(const unsigned char *p)
{
	return (uint32_t)(doc_hexval(p[0]) << 12 | doc_hexval(p[1]) << 8 | doc_hexval(p[2]) << 4 |
	                  doc_hexval(p[3]));
}

/* Length of a valid UTF-8 sequence at p (1..4), or 0. Rejects overlongs and surrogates. */
static size_t
utf8_valid_len(const unsigned char *p, const unsigned char *end)
{
	unsigned char c = p[0];
	size_t n;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else
		return 0;
	if ((size_t)(end - p) < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

static size_t
utf8_put(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * Check the string whose opening quote is at r->p, leaving r->p after its closing quote.
 * *ret_escapes tells whether it holds any escape (else its text is its bytes).
 */
static int
scan_string(struct reader *r, bool *ret_escapes)
{
	unsigned char *p = r->p + 1, *end = r->end;
	bool escapes = false;

	for (;;) {
		/* The common case: printable ASCII up to the next quote or backslash. */
		while (byte_class[*p] & PLAIN)
			p++;
		if (*p == '"')
			break;
		if (p >= end)
			return reader_fail(r, p, "unterminated string");
		if (*p < 0x20)
			return reader_fail(r, p,
			                   "control character in a string (escape it, e.g. \\n)");
		if (*p == '\\') {
			/* Errors point at the backslash that starts the escape. */
			if (p + 1 >= end)
				return reader_fail(r, p, "unterminated string");
			escapes = true;
			if (p[1] == 'u') {
				for (int i = 2; i <= 5; i++)
					if (p + i >= end || doc_hexval(p[i]) < 0)
						return reader_fail(
						        r, p,
						        "\\u must be followed by four hex digits");
				p += 6;
				continue;
			}
			if (p[1] == '\0' || !strchr("\"\\/bfnrt", p[1]))
				return reader_fail(r, p, "invalid escape sequence in a string");
			p += 2;
			continue;
		}
		size_t n = utf8_valid_len(p, end);

		if (n == 0)
			return reader_fail(r, p, "invalid UTF-8 in a string");
		r->line_continuations += n - 1;
		p += n;
	}
	r->p = p + 1;
	*ret_escapes = escapes;
	return 0;
}

/* Decode the checked string body [p, end) into out, which may be p itself; returns the
 * length written. Decoding never lengthens (every escape is at least as long as the UTF-8
 * it stands for), so what it writes never overtakes what it has still to read. */
static size_t
decode_string(const unsigned char *p, const unsigned char *end, char *out)
{
	size_t n = 0;

	while (p < end) {
		if (*p != '\\') {
			out[n++] = (char)*p++;
			continue;
		}
		unsigned char c = p[1];

		if (c != 'u') {
			static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";

			out[n++] = to[strchr(from, c) - from];
			p += 2;
			continue;
		}
		uint32_t cp = hex4(p + 2);

		p += 6;
		if (cp >= 0xd800 && cp <= 0xdfff) {
			/* A high surrogate followed by an escaped low one is one character;
			 * anything else is U+FFFD, and what follows is read on its own. */
			uint32_t low = 0;

			if (cp < 0xdc00 && end - p >= 6 && p[0] == '\\' && p[1] == 'u')
				low = hex4(p + 2);
			if (low >= 0xdc00 && low <= 0xdfff) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
				p += 6;
			} else
				cp = 0xfffd;
		}
		n += utf8_put(out + n, cp);
	}
	return n;
}

static int
read_string(struct reader *r, struct ksc_node **ret)
{
	unsigned char *start = r->p;
	struct ksc_node *n;
	bool escapes = false;
	char *text = (char *)start + 1;
	size_t len;
	int k = 0;

	n = node_new(r, KSC_NODE_SCALAR, &k);
	if (!n)
		return k;
	k = scan_string(r, &escapes);
	if (k < 0)
		return k;
	len = (size_t)(r->p - start) - 2;
	if (escapes)
		len = decode_string(start + 1, r->p - 1, text);
	text[len] = '\0'; /* over the closing quote, or within what decoding freed */
	n->type = KSC_SCALAR_STRING;
	n->text = text;
	n->len = len;
	*ret = n;
	return 0;
}

static bool
is_digit(const unsigned char *p, const unsigned char *end)
{
	return p < end && *p >= '0' && *p <= '9';
}

/* RFC 8259 numbers; the node keeps the text, converted on use (ksc_node_to_u64). */
static int
read_number(struct reader *r, struct ksc_node **ret)
{
	unsigned char *start = r->p, *p = r->p, *end = r->end;
	struct ksc_node *n;
	char *text;
	int k = 0;

	if (*p == '-')
		p++;
	if (!is_digit(p, end))
		return reader_fail(r, p, "invalid number: a digit must follow '-'");
	if (*p == '0') {
		p++;
		if (is_digit(p, end))
			return reader_fail(r, p, "invalid number: leading zeros are not allowed");
	} else
		while (is_digit(p, end))
			p++;
	if (p < end && *p == '.') {
		p++;
		if (!is_digit(p, end))
			return reader_fail(r, p, "invalid number: a digit must follow '.'");
		while (is_digit(p, end))
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (!is_digit(p, end))
			return reader_fail(r, p,
			                   "invalid number: a digit must follow the exponent");
		while (is_digit(p, end))
			p++;
	}
	n = node_new(r, KSC_NODE_SCALAR, &k);
	if (!n)
		return k;
	text = doc_arena_alloc(&r->doc->arena, (size_t)(p - start) + 1, 1);
	if (!text)
		return -ENOMEM;
	memcpy(text, start, (size_t)(p - start));
	text[p - start] = '\0';
	n->type = KSC_SCALAR_NUMBER;
	n->text = text;
	n->len = (size_t)(p - start);
	r->p = p;
	*ret = n;
	return 0;
}

static int
read_literal(struct reader *r, struct ksc_node **ret)
{
	static const struct {
		const char *word;
		enum ksc_scalar_type type;
	} literals[] = {
		{ "true", KSC_SCALAR_BOOL },
		{ "false", KSC_SCALAR_BOOL },
		{ "null", KSC_SCALAR_NULL },
	};

	for (size_t i = 0; i < ELEMENTSOF(literals); i++) {
		size_t len = strlen(literals[i].word);
		unsigned char *after = r->p + len;
		struct ksc_node *n;
		int k = 0;

		if ((size_t)(r->end - r->p) < len || memcmp(r->p, literals[i].word, len) != 0)
			continue;
		/* "nullx" is not null followed by garbage but no value at all. */
		if (after < r->end &&
		    ((*after >= 'a' && *after <= 'z') || (*after >= 'A' && *after <= 'Z') ||
		     is_digit(after, r->end) || *after == '_'))
			break;
		n = node_new(r, KSC_NODE_SCALAR, &k);
		if (!n)
			return k;
		n->type = literals[i].type;
		n->text = literals[i].word;
		n->len = len;
		r->p = after;
		*ret = n;
		return 0;
	}
	return reader_fail_found(r, "expected a value");
}

static int read_value(struct reader *r, unsigned depth, struct ksc_node **ret);

/* Move the container's children, stack[base...], into the arena and off the stack. */
static int
close_container(struct reader *r, struct ksc_node *n, size_t base)
{
	size_t count = r->n_stack - base;
	struct ksc_node **from = count > 0 ? r->stack + base : NULL;

	if (n->kind == KSC_NODE_MAP) {
		count /= 2;
		if (count > 0) {
			n->keys = doc_arena_new(&r->doc->arena, struct ksc_node *, count);
			n->items = doc_arena_new(&r->doc->arena, struct ksc_node *, count);
			if (!n->keys || !n->items)
				return -ENOMEM;
		}
		for (size_t i = 0; i < count; i++) {
			n->keys[i] = from[2 * i];
			n->items[i] = from[2 * i + 1];
		}
		if (count >= 2 && push(&r->maps, &r->n_maps, &r->cap_maps, n) < 0)
			return -ENOMEM;
	} else if (count > 0) {
		n->items = doc_arena_new(&r->doc->arena, struct ksc_node *, count);
		if (!n->items)
			return -ENOMEM;
		memcpy(n->items, from, count * sizeof(*from));
	}
	n->count = count;
	r->n_stack = base;
	return 0;
}

/* After a member of an object or an element of an array: 0 at the closing byte (left for the
 * caller), 1 after a ',' that another member follows, or the error. */
static int
after_member(struct reader *r, unsigned char close)
{
	skip_whitespace(r);
	if (r->p < r->end && *r->p == close)
		return 0;
	if (r->p >= r->end || *r->p != ',')
		return reader_fail_found(r, close == '}' ? "expected ',' or '}'"
		                                         : "expected ',' or ']'");
	r->p++;
	skip_whitespace(r);
	if (r->p < r->end && (*r->p == '}' || *r->p == ']'))
		return reader_fail(r, r->p, "trailing comma before the end of an object or array");
	return 1;
}

/* The members of the object whose '{' was just consumed, up to and including its '}'. */
static int
read_members(struct reader *r, unsigned depth)
{
	struct ksc_node *key, *value;
	int k;

	skip_whitespace(r);
	if (r->p < r->end && *r->p == '}')
		return 0;
	for (;;) {
		skip_whitespace(r);
		if (r->p >= r->end || *r->p != '"')
			return reader_fail_found(r, "expected a double-quoted object key");
		k = read_string(r, &key);
		if (k < 0)
			return k;
		skip_whitespace(r);
		if (r->p >= r->end || *r->p != ':')
			return reader_fail_found(r, "expected ':' after an object key");
		r->p++;
		k = read_value(r, depth, &value);
		if (k < 0)
			return k;
		if (push(&r->stack, &r->n_stack, &r->cap_stack, key) < 0 ||
		    push(&r->stack, &r->n_stack, &r->cap_stack, value) < 0)
			return -ENOMEM;
		k = after_member(r, '}');
		if (k <= 0)
			return k;
	}
}

/* The elements of the array whose '[' was just consumed, up to and including its ']'. */
static int
read_elements(struct reader *r, unsigned depth)
{
	struct ksc_node *value;
	int k;

	skip_whitespace(r);
	if (r->p < r->end && *r->p == ']')
		return 0;
	for (;;) {
		k = read_value(r, depth, &value);
		if (k < 0)
			return k;
		if (push(&r->stack, &r->n_stack, &r->cap_stack, value) < 0)
			return -ENOMEM;
		k = after_member(r, ']');
		if (k <= 0)
			return k;
	}
}

/* One value; depth counts the containers open around it. */
static int
read_value(struct reader *r, unsigned depth, struct ksc_node **ret)
{
	struct ksc_node *n;
	size_t base;
	int k = 0;

	skip_whitespace(r);
	if (r->p >= r->end)
		return reader_fail_found(r, "expected a value");
	switch (*r->p) {
	case '"':
		return read_string(r, ret);
	case '-':
	case '0' ... '9':
		return read_number(r, ret);
	case 't':
	case 'f':
	case 'n':
		return read_literal(r, ret);
	case '{':
	case '[':
		break;
	default:
		return reader_fail_found(r, "expected a value");
	}
	if (depth >= KSC_DOC_MAX_DEPTH)
		return reader_fail(r, r->p, "nesting is too deep");
	n = node_new(r, *r->p == '{' ? KSC_NODE_MAP : KSC_NODE_SEQ, &k);
	if (!n)
		return k;
	r->p++;
	base = r->n_stack;
	k = n->kind == KSC_NODE_MAP ? read_members(r, depth + 1) : read_elements(r, depth + 1);
	if (k < 0)
		return k;
	r->p++; /* the closing '}' or ']' */
	k = close_container(r, n, base);
	if (k < 0)
		return k;
	*ret = n;
	return 0;
}

int
doc_json_read(struct ksc_doc *doc, const char *buf, size_t len, bool keep_repeated_keys,
              struct ksc_node **ret_root, struct ksc_doc_failure *failure)
{
	unsigned char *copy = doc_arena_alloc(&doc->arena, len + 1, 1);
	struct reader r = {
		.doc = doc,
		.p = copy,
		.end = copy + len,
		.line = 1,
		.line_start = copy,
		.failure = failure,
	};
	struct ksc_node *root = NULL;
	int k;

	if (!copy)
		return -ENOMEM;
	memcpy(copy, buf, len);
	copy[len] = '\0';

	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
		k = reader_fail(&r, r.p,
		                "a UTF-8 byte-order mark is not allowed in JSON (Go's decoder, "
		                "used by runc and containerd, rejects it)");
		goto out;
	}
	k = read_value(&r, 0, &root);
	if (k < 0)
		goto out;
	skip_whitespace(&r);
	if (r.p < r.end) {
		k = reader_fail_found(&r, "expected the end of the input after the JSON value");
		goto out;
	}
	for (size_t i = 0; i < r.n_maps && !keep_repeated_keys; i++) {
		k = doc_check_duplicate_keys(r.maps[i]->keys, r.maps[i]->count, failure);
		if (k < 0)
			goto out;
	}
	*ret_root = root;
out:
	free(r.stack);
	free(r.maps);
	return k;
}
