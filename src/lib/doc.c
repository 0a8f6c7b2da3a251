/* SPDX-License-Identifier: Apache-2.0 */
/*
 * doc: JSON and YAML documents through libyaml, with positions, checked conversions and
 * limits. See doc.h for the contract.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "doc-json.h"
#include "doc.h"
#include "fs.h"
#include "strbuf.h"

/* ---------------------------------------------------------------------------------------- */

static const struct ksc_node null_node = {
	.kind = KSC_NODE_SCALAR,
	.type = KSC_SCALAR_NULL,
	.text = "",
};

void
ksc_doc_free(struct ksc_doc *doc)
{
	if (!doc)
		return;
	doc_arena_free(&doc->arena);
	free(doc->name);
	free(doc);
}

void *
ksc_doc_alloc(struct ksc_doc *doc, size_t n)
{
	void *m = doc_arena_alloc(&doc->arena, n ? n : 1, alignof(max_align_t));

	if (m)
		memset(m, 0, n);
	return m;
}

const char *
ksc_doc_name(const struct ksc_doc *doc)
{
	return doc->name;
}

size_t
ksc_doc_count(const struct ksc_doc *doc)
{
	return doc->n_roots;
}

const struct ksc_node *
ksc_doc_root(const struct ksc_doc *doc, size_t i)
{
	if (i >= doc->n_roots || !doc->roots[i])
		return &null_node;
	return doc->roots[i];
}

/* ---------------------------------------------------------------------------------------- */
/* YAML: the tree built from libyaml events.                                                 */

struct frame {
	struct ksc_node *node;
	char *anchor; /* registered when the node is complete */
	struct ksc_node **keys;
	struct ksc_node **items;
	size_t count;
	size_t cap;
	struct ksc_node *pending_key; /* maps: key waiting for its value */
};

struct anchor {
	char *name;
	struct ksc_node *node;
};

struct builder {
	struct ksc_doc *doc;
	struct frame stack[KSC_DOC_MAX_DEPTH + 1];
	size_t depth;
	struct anchor *anchors;
	size_t n_anchors;
	size_t cap_anchors;
	size_t nodes;
	/* roots under construction */
	struct ksc_node **roots;
	size_t n_roots;
	size_t cap_roots;
	struct ksc_node *root; /* root of the current document */
	struct ksc_doc_failure failure;
	bool failed;
};

static int
builder_fail(struct builder *b, const yaml_mark_t *mark, const char *reason)
{
	b->failure.line = (unsigned)mark->line + 1;
	b->failure.column = (unsigned)mark->column + 1;
	snprintf(b->failure.reason, sizeof(b->failure.reason), "%s", reason);
	b->failed = true;
	return -EINVAL;
}

static bool
is_plain_null(const char *t, size_t n)
{
	return n == 0 || (n == 1 && t[0] == '~') ||
	       (n == 4 && (memcmp(t, "null", 4) == 0 || memcmp(t, "Null", 4) == 0 ||
	                   memcmp(t, "NULL", 4) == 0));
}

static bool
is_plain_bool(const char *t, size_t n)
{
	/* YAML 1.1 booleans, as the go-yaml v2 decoder behind Kubernetes resolves them. */
	static const char *const words[] = {
		"true", "True", "TRUE", "false", "False", "FALSE", "yes", "Yes", "YES", "no", "No",
		"NO",   "on",   "On",   "ON",    "off",   "Off",   "OFF", "y",   "Y",   "n",  "N",
	};

	for (size_t i = 0; i < ELEMENTSOF(words); i++)
		if (strlen(words[i]) == n && memcmp(words[i], t, n) == 0)
			return true;
	return false;
}

static bool
is_plain_number(const char *t, size_t n)
{
	size_t i = 0;
	bool digits = false;

	if (n == 0)
		return false;
	if (t[0] == '+' || t[0] == '-')
		i++;
	if (n - i >= 2 && t[i] == '0' && (t[i + 1] == 'x' || t[i + 1] == 'o')) {
		bool hex = t[i + 1] == 'x';

		i += 2;
		if (i == n)
			return false;
		for (; i < n; i++)
			if (!(hex ? doc_hexval((unsigned char)t[i]) >= 0
			          : (t[i] >= '0' && t[i] <= '7')))
				return false;
		return true;
	}
	if (n - i == 4 && t[i] == '.' &&
	    (memcmp(t + i, ".inf", 4) == 0 || memcmp(t + i, ".Inf", 4) == 0 ||
	     memcmp(t + i, ".INF", 4) == 0))
		return true;
	if (n == 4 &&
	    (memcmp(t, ".nan", 4) == 0 || memcmp(t, ".NaN", 4) == 0 || memcmp(t, ".NAN", 4) == 0))
		return true;
	for (; i < n && t[i] >= '0' && t[i] <= '9'; i++)
		digits = true;
	if (i < n && t[i] == '.') {
		i++;
		for (; i < n && t[i] >= '0' && t[i] <= '9'; i++)
			digits = true;
	}
	if (!digits)
		return false;
	if (i < n && (t[i] == 'e' || t[i] == 'E')) {
		i++;
		if (i < n && (t[i] == '+' || t[i] == '-'))
			i++;
		if (i == n)
			return false;
		for (; i < n; i++)
			if (!(t[i] >= '0' && t[i] <= '9'))
				return false;
	}
	return i == n;
}

static int
scalar_type(struct builder *b, const yaml_event_t *e, enum ksc_scalar_type *ret)
{
	const char *t = (const char *)e->data.scalar.value;
	size_t n = e->data.scalar.length;
	const char *tag = (const char *)e->data.scalar.tag;

	if (tag) {
		if (streq(tag, "tag:yaml.org,2002:str") || streq(tag, "!"))
			*ret = KSC_SCALAR_STRING;
		else if (streq(tag, "tag:yaml.org,2002:int") ||
		         streq(tag, "tag:yaml.org,2002:float"))
			*ret = KSC_SCALAR_NUMBER;
		else if (streq(tag, "tag:yaml.org,2002:bool"))
			*ret = KSC_SCALAR_BOOL;
		else if (streq(tag, "tag:yaml.org,2002:null"))
			*ret = KSC_SCALAR_NULL;
		else
			return builder_fail(b, &e->start_mark, "unsupported YAML tag");
		return 0;
	}
	if (e->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) {
		*ret = KSC_SCALAR_STRING;
		return 0;
	}
	if (is_plain_null(t, n))
		*ret = KSC_SCALAR_NULL;
	else if (is_plain_bool(t, n))
		*ret = KSC_SCALAR_BOOL;
	else if (is_plain_number(t, n))
		*ret = KSC_SCALAR_NUMBER;
	else
		*ret = KSC_SCALAR_STRING;
	return 0;
}

static struct ksc_node *
node_new(struct builder *b, enum ksc_node_kind kind, const yaml_mark_t *mark)
{
	struct ksc_node *n;

	if (b->nodes >= KSC_DOC_MAX_NODES)
		return NULL;
	n = doc_arena_new(&b->doc->arena, struct ksc_node, 1);
	if (!n)
		return NULL;
	*n = (struct ksc_node){
		.kind = kind,
		.line = (unsigned)mark->line + 1,
		.column = (unsigned)mark->column + 1,
	};
	b->nodes++;
	return n;
}

static int
frame_push_child(struct frame *f, struct ksc_node *child)
{
	if (f->node->kind == KSC_NODE_MAP && !f->pending_key) {
		f->pending_key = child;
		return 0;
	}
	if (f->count == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 8;
		struct ksc_node **items = reallocarray(f->items, cap, sizeof(*items));

		if (!items)
			return -ENOMEM;
		f->items = items;
		if (f->node->kind == KSC_NODE_MAP) {
			struct ksc_node **keys = reallocarray(f->keys, cap, sizeof(*keys));

			if (!keys)
				return -ENOMEM;
			f->keys = keys;
		}
		f->cap = cap;
	}
	if (f->node->kind == KSC_NODE_MAP)
		f->keys[f->count] = TAKE_PTR(f->pending_key);
	f->items[f->count++] = child;
	return 0;
}

static int
builder_add(struct builder *b, struct ksc_node *node, const yaml_mark_t *mark)
{
	if (b->depth == 0) {
		b->root = node;
		return 0;
	}
	struct frame *f = &b->stack[b->depth - 1];

	if (f->node->kind == KSC_NODE_MAP && !f->pending_key && node->kind != KSC_NODE_SCALAR)
		return builder_fail(b, mark, "mapping keys must be scalars");
	return frame_push_child(f, node);
}

static int
anchor_register(struct builder *b, char *name, struct ksc_node *node)
{
	if (b->n_anchors == b->cap_anchors) {
		size_t cap = b->cap_anchors ? b->cap_anchors * 2 : 8;
		struct anchor *a = reallocarray(b->anchors, cap, sizeof(*a));

		if (!a) {
			free(name);
			return -ENOMEM;
		}
		b->anchors = a;
		b->cap_anchors = cap;
	}
	/* A later anchor of the same name shadows the earlier one (YAML 1.1). */
	b->anchors[b->n_anchors++] = (struct anchor){ .name = name, .node = node };
	return 0;
}

static struct ksc_node *
anchor_find(struct builder *b, const char *name)
{
	for (size_t i = b->n_anchors; i > 0; i--)
		if (streq(b->anchors[i - 1].name, name))
			return b->anchors[i - 1].node;
	return NULL;
}

/* Total node count of a subtree with aliases expanded, saturating at limit. */
static size_t
node_weight(const struct ksc_node *n, size_t limit)
{
	size_t w = 1;

	if (n->kind == KSC_NODE_SCALAR)
		return 1;
	for (size_t i = 0; i < n->count && w < limit; i++) {
		w += node_weight(n->items[i], limit - w);
		if (n->kind == KSC_NODE_MAP)
			w++;
	}
	return MIN(w, limit);
}

static int
builder_end_container(struct builder *b, const yaml_mark_t *mark)
{
	struct frame *f = &b->stack[b->depth - 1];
	struct ksc_node *n = f->node;
	int r;

	if (n->kind == KSC_NODE_MAP) {
		r = doc_check_duplicate_keys(f->keys, f->count, &b->failure);
		if (r < 0) {
			b->failed = r == -EINVAL;
			return r;
		}
	}
	n->count = f->count;
	if (f->count > 0) {
		n->items = doc_arena_new(&b->doc->arena, struct ksc_node *, f->count);
		if (!n->items)
			return -ENOMEM;
		memcpy(n->items, f->items, f->count * sizeof(*n->items));
		if (n->kind == KSC_NODE_MAP) {
			n->keys = doc_arena_new(&b->doc->arena, struct ksc_node *, f->count);
			if (!n->keys)
				return -ENOMEM;
			memcpy(n->keys, f->keys, f->count * sizeof(*n->keys));
		}
	}
	free(f->items);
	free(f->keys);
	char *anchor = TAKE_PTR(f->anchor);

	*f = (struct frame){ 0 };
	b->depth--;
	if (anchor) {
		r = anchor_register(b, anchor, n);
		if (r < 0)
			return r;
	}
	return builder_add(b, n, mark);
}

static char *
dup_anchor(const yaml_char_t *anchor)
{
	return anchor ? strdup((const char *)anchor) : NULL;
}

static int
builder_event(struct builder *b, yaml_event_t *e)
{
	struct ksc_node *n;
	int r;

	switch (e->type) {
	case YAML_DOCUMENT_START_EVENT:
		b->root = NULL;
		return 0;
	case YAML_DOCUMENT_END_EVENT:
		if (b->n_roots == b->cap_roots) {
			size_t cap = b->cap_roots ? b->cap_roots * 2 : 4;
			struct ksc_node **roots = reallocarray(b->roots, cap, sizeof(*roots));

			if (!roots)
				return -ENOMEM;
			b->roots = roots;
			b->cap_roots = cap;
		}
		b->roots[b->n_roots++] = b->root;
		/* Anchors do not cross documents. */
		for (size_t i = 0; i < b->n_anchors; i++)
			free(b->anchors[i].name);
		b->n_anchors = 0;
		return 0;
	case YAML_MAPPING_START_EVENT:
	case YAML_SEQUENCE_START_EVENT: {
		const yaml_char_t *tag = e->type == YAML_MAPPING_START_EVENT
		                                 ? e->data.mapping_start.tag
		                                 : e->data.sequence_start.tag;

		if (tag && !streq((const char *)tag, "tag:yaml.org,2002:map") &&
		    !streq((const char *)tag, "tag:yaml.org,2002:seq"))
			return builder_fail(b, &e->start_mark, "unsupported YAML tag");
		if (b->depth >= KSC_DOC_MAX_DEPTH)
			return builder_fail(b, &e->start_mark, "nesting is too deep");
		n = node_new(b, e->type == YAML_MAPPING_START_EVENT ? KSC_NODE_MAP : KSC_NODE_SEQ,
		             &e->start_mark);
		if (!n)
			return b->nodes >= KSC_DOC_MAX_NODES
			               ? builder_fail(b, &e->start_mark, "too many nodes")
			               : -ENOMEM;
		b->stack[b->depth++] = (struct frame){
			.node = n,
			.anchor = dup_anchor(e->type == YAML_MAPPING_START_EVENT
			                             ? e->data.mapping_start.anchor
			                             : e->data.sequence_start.anchor),
		};
		return 0;
	}
	case YAML_MAPPING_END_EVENT:
	case YAML_SEQUENCE_END_EVENT:
		return builder_end_container(b, &e->start_mark);
	case YAML_SCALAR_EVENT: {
		char *text;

		n = node_new(b, KSC_NODE_SCALAR, &e->start_mark);
		if (!n)
			return b->nodes >= KSC_DOC_MAX_NODES
			               ? builder_fail(b, &e->start_mark, "too many nodes")
			               : -ENOMEM;
		r = scalar_type(b, e, &n->type);
		if (r < 0)
			return r;
		text = doc_arena_alloc(&b->doc->arena, e->data.scalar.length + 1, 1);
		if (!text)
			return -ENOMEM;
		memcpy(text, e->data.scalar.value, e->data.scalar.length);
		text[e->data.scalar.length] = '\0';
		n->text = text;
		n->len = e->data.scalar.length;
		if (e->data.scalar.anchor) {
			char *anchor = dup_anchor(e->data.scalar.anchor);

			if (!anchor)
				return -ENOMEM;
			r = anchor_register(b, anchor, n);
			if (r < 0)
				return r;
		}
		return builder_add(b, n, &e->start_mark);
	}
	case YAML_ALIAS_EVENT:
		n = anchor_find(b, (const char *)e->data.alias.anchor);
		if (!n)
			return builder_fail(b, &e->start_mark,
			                    "alias to an undefined (or not yet complete) anchor");
		/* Aliases share the anchored node: bound the expanded size so that a small
		 * document cannot stand for billions of nodes. */
		b->nodes += node_weight(n, KSC_DOC_MAX_NODES);
		if (b->nodes >= KSC_DOC_MAX_NODES)
			return builder_fail(b, &e->start_mark, "too many nodes (through aliases)");
		return builder_add(b, n, &e->start_mark);
	default:
		return 0;
	}
}

static void
builder_done(struct builder *b)
{
	for (size_t i = 0; i < b->depth; i++) {
		free(b->stack[i].items);
		free(b->stack[i].keys);
		free(b->stack[i].anchor);
	}
	for (size_t i = 0; i < b->n_anchors; i++)
		free(b->anchors[i].name);
	free(b->anchors);
	free(b->roots);
}

/* Run libyaml over buf, feeding the builder; then hand the roots to the document. */
static int
yaml_read(struct builder *b, const char *buf, size_t len)
{
	yaml_parser_t parser;
	int r = 0;

	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	for (;;) {
		yaml_event_t event;
		yaml_event_type_t type;

		if (!yaml_parser_parse(&parser, &event)) {
			if (parser.error == YAML_MEMORY_ERROR) {
				r = -ENOMEM;
				break;
			}
			snprintf(b->failure.reason, sizeof(b->failure.reason),
			         "invalid YAML: %s%s%s",
			         parser.problem ? parser.problem : "syntax error",
			         parser.context ? " " : "", parser.context ? parser.context : "");
			b->failure.line = (unsigned)parser.problem_mark.line + 1;
			b->failure.column = (unsigned)parser.problem_mark.column + 1;
			b->failed = true;
			r = -EINVAL;
			break;
		}
		type = event.type;
		r = builder_event(b, &event);
		yaml_event_delete(&event);
		if (r < 0 || type == YAML_STREAM_END_EVENT)
			break;
	}
	yaml_parser_delete(&parser);
	if (r == 0 && b->n_roots > 0) {
		struct ksc_doc *doc = b->doc;

		doc->roots = doc_arena_new(&doc->arena, struct ksc_node *, b->n_roots);
		if (!doc->roots)
			return -ENOMEM;
		memcpy(doc->roots, b->roots, b->n_roots * sizeof(*doc->roots));
		doc->n_roots = b->n_roots;
	}
	return r;
}

/* JSON through doc-json.c: one value, one root. */
static int
json_read(struct ksc_doc *doc, const char *buf, size_t len, bool keep_repeated_keys,
          struct ksc_doc_failure *failure)
{
	int r;

	doc->roots = doc_arena_new(&doc->arena, struct ksc_node *, 1);
	if (!doc->roots)
		return -ENOMEM;
	r = doc_json_read(doc, buf, len, keep_repeated_keys, &doc->roots[0], failure);
	if (r < 0)
		return r;
	doc->n_roots = 1;
	return 0;
}

int
ksc_doc_parse_at(const char *name, const char *buf, size_t len, unsigned flags,
                 struct ksc_doc **ret_doc, struct ksc_doc_failure *ret_failure,
                 struct ksc_error **reterr)
{
	_cleanup_(ksc_doc_freep) struct ksc_doc *doc = NULL;
	struct ksc_doc_failure failure = { 0 };
	int r;

	if (!name)
		name = "-";
	if (len > INT_MAX)
		return ksc_error_setf(reterr, -EFBIG, "%s: document too large", name);
	if (memchr(buf, '\0', len)) {
		if (ret_failure)
			*ret_failure =
			        (struct ksc_doc_failure){ .reason =
				                                  "document contains a NUL byte" };
		return ksc_error_setf(reterr, -EINVAL, "%s: document contains a NUL byte", name);
	}

	doc = calloc(1, sizeof(*doc));
	if (!doc)
		return -ENOMEM;
	doc->name = strdup(name);
	if (!doc->name)
		return -ENOMEM;

	if (flags & KSC_DOC_JSON)
		r = json_read(doc, buf, len, flags & KSC_DOC_KEEP_REPEATED_KEYS, &failure);
	else {
		struct builder b = { .doc = doc };

		r = yaml_read(&b, buf, len);
		failure = b.failure;
		builder_done(&b);
	}
	if (r == -EINVAL) {
		if (ret_failure)
			*ret_failure = failure;
		return ksc_error_setf(reterr, r, "%s:%u:%u: %s", name, failure.line, failure.column,
		                      failure.reason);
	}
	if (r < 0)
		return r;
	*ret_doc = TAKE_PTR(doc);
	return 0;
}

int
ksc_doc_parse(const char *name, const char *buf, size_t len, unsigned flags,
              struct ksc_doc **ret_doc, struct ksc_error **reterr)
{
	return ksc_doc_parse_at(name, buf, len, flags, ret_doc, NULL, reterr);
}

int
ksc_doc_read_file(const char *path, size_t max_bytes, char **ret_buf, size_t *ret_len,
                  struct ksc_error **reterr)
{
	_cleanup_(closep) int fd = -1;
	struct stat st;

	if (streq(path, "-"))
		fd = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3);
	else {
		/*
		 * Only regular files (and standard input) are documents: a FIFO blocks open()
		 * and read() until some writer comes, forever (a pod stuck in
		 * ContainerCreating), a character device such as /dev/zero never ends, and
		 * merely opening some devices acts (a watchdog arms). So look at the file through
		 * an O_PATH descriptor, which opens nothing, and open that same inode for reading
		 * only when it is a regular file (or a directory, refused below with its own
		 * message). Without /proc, open the path again, non-blocking so that a FIFO
		 * swapped in meanwhile cannot block; what was opened is checked below.
		 */
		_cleanup_(closep) int path_fd = open(path, O_PATH | O_CLOEXEC);
		char proc[64];

		if (path_fd < 0)
			return ksc_error_setf(reterr, negative_errno(), "%s: %s", path,
			                      strerror(errno));
		if (fstat(path_fd, &st) < 0)
			return ksc_error_setf(reterr, negative_errno(), "%s: %s", path,
			                      strerror(errno));
		if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
			return ksc_error_setf(reterr, -EINVAL, "%s: not a regular file (%s)", path,
			                      ksc_file_type_name(st.st_mode));
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", path_fd);
		fd = open(proc, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
		if (fd < 0 && errno == ENOENT)
			fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	}
	if (fd < 0)
		return ksc_error_setf(reterr, negative_errno(), "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0)
		return ksc_error_setf(reterr, negative_errno(), "%s: %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return ksc_error_setf(reterr, -EISDIR, "%s: is a directory", path);
	if (!S_ISREG(st.st_mode) && !streq(path, "-"))
		return ksc_error_setf(reterr, -EINVAL, "%s: not a regular file (%s)", path,
		                      ksc_file_type_name(st.st_mode));
	return ksc_fs_read_fd(fd, S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0, max_bytes,
	                      ret_buf, ret_len, path, reterr);
}

int
ksc_doc_read(const char *path, size_t max_bytes, unsigned flags, struct ksc_doc **ret_doc,
             struct ksc_error **reterr)
{
	_cleanup_(freep) char *buf = NULL;
	size_t len = 0;
	int r;

	r = ksc_doc_read_file(path, max_bytes, &buf, &len, reterr);
	if (r < 0)
		return r;
	return ksc_doc_parse(path, buf, len, flags, ret_doc, reterr);
}

/* ---------------------------------------------------------------------------------------- */
/* Access and checked conversions.                                                           */

const struct ksc_node *
ksc_node_get(const struct ksc_node *map, const char *key)
{
	size_t n;

	if (!map || map->kind != KSC_NODE_MAP)
		return NULL;
	n = strlen(key);
	for (size_t i = 0; i < map->count; i++)
		if (map->keys[i]->len == n && memcmp(map->keys[i]->text, key, n) == 0)
			return map->items[i];
	return NULL;
}

/* The UTF-8 encodings of the two non-ASCII letters whose fold orbit holds an ASCII letter. */
#define LONG_S_UTF8 "\xc5\xbf"     /* U+017F LATIN SMALL LETTER LONG S, folds with s and S */
#define KELVIN_UTF8 "\xe2\x84\xaa" /* U+212A KELVIN SIGN, folds with k and K */

static bool
ascii_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

enum ksc_key_match
ksc_key_match_go(const struct ksc_node *key, const char *field)
{
	const unsigned char *k = (const unsigned char *)key->text;
	size_t klen = key->len, flen = strlen(field), i = 0;

	if (key->kind != KSC_NODE_SCALAR)
		return KSC_KEY_NONE;
	/* All len bytes count: "syscalls\u0000x" is not "syscalls" to Go. */
	if (klen == flen && memcmp(k, field, flen) == 0)
		return KSC_KEY_EXACT;
	/* bytes.EqualFold(field, key) for an ASCII field: rune by rune. A byte that does not
	 * start valid UTF-8 is U+FFFD to Go, which folds with nothing ASCII. */
	for (size_t j = 0; j < flen; j++) {
		unsigned char c = (unsigned char)field[j];

		if (i >= klen)
			return KSC_KEY_NONE;
		if (k[i] < 0x80) {
			if (k[i] != c && !(ascii_alpha(c) && (k[i] | 0x20) == (c | 0x20)))
				return KSC_KEY_NONE;
			i++;
			continue;
		}
		if ((c | 0x20) == 's' && klen - i >= 2 && memcmp(k + i, LONG_S_UTF8, 2) == 0) {
			i += 2;
			continue;
		}
		if ((c | 0x20) == 'k' && klen - i >= 3 && memcmp(k + i, KELVIN_UTF8, 3) == 0) {
			i += 3;
			continue;
		}
		return KSC_KEY_NONE;
	}
	return i == klen ? KSC_KEY_FOLDED : KSC_KEY_NONE;
}

size_t
ksc_key_field_go(const struct ksc_node *key, const char *const *fields, size_t n,
                 enum ksc_key_match *ret_match)
{
	size_t folded = n;

	for (size_t j = 0; j < n; j++) {
		enum ksc_key_match m = ksc_key_match_go(key, fields[j]);

		if (m == KSC_KEY_EXACT) {
			if (ret_match)
				*ret_match = m;
			return j;
		}
		if (m == KSC_KEY_FOLDED && folded == n)
			folded = j;
	}
	if (ret_match)
		*ret_match = folded < n ? KSC_KEY_FOLDED : KSC_KEY_NONE;
	return folded;
}

static bool
key_contains(const struct ksc_node *key, const char *needle)
{
	return key && key->kind == KSC_NODE_SCALAR &&
	       memmem(key->text, key->len, needle, strlen(needle));
}

const char *
ksc_key_fold_reason(const struct ksc_node *a, const struct ksc_node *b)
{
	bool long_s = key_contains(a, LONG_S_UTF8) || key_contains(b, LONG_S_UTF8);
	bool kelvin = key_contains(a, KELVIN_UTF8) || key_contains(b, KELVIN_UTF8);

	if (long_s && kelvin)
		return "Go's JSON decoder, used by runc and containerd, folds U+017F (LATIN SMALL "
		       "LETTER LONG S) to s and U+212A (KELVIN SIGN) to k";
	if (long_s)
		return "Go's JSON decoder, used by runc and containerd, folds U+017F (LATIN SMALL "
		       "LETTER LONG S) to s";
	if (kelvin)
		return "Go's JSON decoder, used by runc and containerd, folds U+212A (KELVIN SIGN) "
		       "to k";
	return "Go's JSON decoder matches keys case-insensitively";
}

int
ksc_node_get_fields_go(const struct ksc_node *map, const char *const *fields, size_t n,
                       const struct ksc_node **values, const struct ksc_node **ret_dup,
                       const struct ksc_node **ret_first)
{
	_cleanup_(freep) const struct ksc_node **keys = NULL;

	for (size_t j = 0; j < n; j++)
		values[j] = NULL;
	if (!map || map->kind != KSC_NODE_MAP)
		return 0;
	keys = calloc(n ? n : 1, sizeof(*keys));
	if (!keys)
		return -ENOMEM;
	for (size_t i = 0; i < map->count; i++) {
		size_t j = ksc_key_field_go(map->keys[i], fields, n, NULL);

		if (j == n)
			continue;
		if (keys[j]) {
			if (ret_dup)
				*ret_dup = map->keys[i];
			if (ret_first)
				*ret_first = keys[j];
			return -EINVAL;
		}
		keys[j] = map->keys[i];
		values[j] = map->items[i];
	}
	return 0;
}

const char *
ksc_node_type_name(const struct ksc_node *node)
{
	switch (node->kind) {
	case KSC_NODE_MAP:
		return "an object";
	case KSC_NODE_SEQ:
		return "an array";
	case KSC_NODE_SCALAR:
		break;
	}
	switch (node->type) {
	case KSC_SCALAR_STRING:
		return "a string";
	case KSC_SCALAR_NUMBER:
		return "a number";
	case KSC_SCALAR_BOOL:
		return "a boolean";
	case KSC_SCALAR_NULL:
		return "null";
	}
	return "a value";
}

bool
ksc_node_is_null(const struct ksc_node *node)
{
	return node->kind == KSC_NODE_SCALAR && node->type == KSC_SCALAR_NULL;
}

bool
ksc_node_is_string(const struct ksc_node *node)
{
	return node->kind == KSC_NODE_SCALAR && node->type == KSC_SCALAR_STRING;
}

int
ksc_node_to_u64(const struct ksc_node *node, uint64_t *ret, const char **ret_reason)
{
	const char *t = node->text;
	size_t n = node->len, i = 0;
	unsigned base = 10;
	uint64_t v = 0;

	if (node->kind != KSC_NODE_SCALAR || node->type != KSC_SCALAR_NUMBER) {
		switch (node->kind == KSC_NODE_SCALAR ? node->type : 0) {
		case KSC_SCALAR_STRING:
			*ret_reason = "must be an unsigned integer, got a string";
			break;
		case KSC_SCALAR_BOOL:
			*ret_reason = "must be an unsigned integer, got a boolean";
			break;
		case KSC_SCALAR_NULL:
			*ret_reason = "must be an unsigned integer, got null";
			break;
		default:
			*ret_reason = node->kind == KSC_NODE_MAP
			                      ? "must be an unsigned integer, got an object"
			                      : "must be an unsigned integer, got an array";
		}
		return -EINVAL;
	}
	if (n > 0 && t[0] == '-') {
		/* "-0" is not an unsigned integer to Go's decoder either. */
		*ret_reason = "must be an unsigned integer, got a negative number";
		return -ERANGE;
	}
	if (n > 0 && t[0] == '+')
		i++;
	if (n - i >= 2 && t[i] == '0' && (t[i + 1] == 'x' || t[i + 1] == 'o')) {
		base = t[i + 1] == 'x' ? 16 : 8;
		i += 2;
	} else if (n - i >= 2 && t[i] == '0' && !memchr(t + i, '.', n - i))
		base = 8; /* YAML 1.1 octal; JSON forbids leading zeros earlier. */
	if (i == n) {
		*ret_reason = "must be an unsigned integer";
		return -EINVAL;
	}
	for (; i < n; i++) {
		int d = doc_hexval((unsigned char)t[i]);

		if (d < 0 || (unsigned)d >= base) {
			*ret_reason = (t[i] == '.' || t[i] == 'e' || t[i] == 'E')
			                      ? "must be an unsigned integer, got a fraction or "
			                        "exponent"
			                      : "must be an unsigned integer";
			return -EINVAL;
		}
		if (v > (UINT64_MAX - (uint64_t)d) / base) {
			*ret_reason = "is too large for an unsigned 64-bit integer";
			return -ERANGE;
		}
		v = v * base + (uint64_t)d;
	}
	*ret = v;
	return 0;
}

int
ksc_node_to_u32(const struct ksc_node *node, uint32_t *ret, const char **ret_reason)
{
	uint64_t v;
	int r;

	r = ksc_node_to_u64(node, &v, ret_reason);
	if (r == 0 && v > UINT32_MAX)
		r = -ERANGE;
	else if (r < 0 && !(r == -ERANGE && node->text[0] != '-'))
		return r;
	if (r < 0) {
		*ret_reason = "is too large for an unsigned 32-bit integer";
		return r;
	}
	*ret = (uint32_t)v;
	return 0;
}

int
ksc_node_to_bool(const struct ksc_node *node, bool *ret, const char **ret_reason)
{
	static const char *const truthy[] = { "true", "True", "TRUE", "yes", "Yes", "YES",
		                              "on",   "On",   "ON",   "y",   "Y" };

	if (node->kind != KSC_NODE_SCALAR || node->type != KSC_SCALAR_BOOL) {
		*ret_reason = "must be a boolean";
		return -EINVAL;
	}
	for (size_t i = 0; i < ELEMENTSOF(truthy); i++)
		if (streq(node->text, truthy[i])) {
			*ret = true;
			return 0;
		}
	*ret = false;
	return 0;
}

int
ksc_node_to_string(const struct ksc_node *node, const char **ret, const char **ret_reason)
{
	if (node->kind != KSC_NODE_SCALAR || node->type != KSC_SCALAR_STRING) {
		if (node->kind == KSC_NODE_MAP)
			*ret_reason = "must be a string, got an object";
		else if (node->kind == KSC_NODE_SEQ)
			*ret_reason = "must be a string, got an array";
		else if (node->type == KSC_SCALAR_NUMBER)
			*ret_reason = "must be a string, got a number";
		else if (node->type == KSC_SCALAR_BOOL)
			*ret_reason = "must be a string, got a boolean";
		else
			*ret_reason = "must be a string, got null";
		return -EINVAL;
	}
	if (strlen(node->text) != node->len) {
		*ret_reason = "must not contain a NUL character";
		return -EINVAL;
	}
	*ret = node->text;
	return 0;
}

bool
ksc_doc_is_text(const void *buf, size_t len)
{
	const unsigned char *s = buf;

	for (size_t i = 0; i < len;) {
		unsigned char c = s[i];
		uint32_t cp;
		size_t n;

		if (c < 0x80) {
			if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
				return false;
			i++;
			continue;
		}
		/* the lead byte says how many continuation bytes follow */
		if (c >= 0xc2 && c <= 0xdf)
			n = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3, cp = c & 0x07;
		else
			return false;
		if (len - i <= n)
			return false;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		/* no overlong forms, surrogates or code points above U+10FFFF */
		if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += n + 1;
	}
	return true;
}
