/* SPDX-License-Identifier: Apache-2.0 */
/* doc: positions, strict JSON, YAML streams, duplicate keys, checked conversions, limits. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "doc.h"
#include "kseccomp.h"
#include "tap.h"

/* Parse and return the error message, or NULL on success (doc returned in *ret). */
static char *
parse_error(const char *text, unsigned flags, struct ksc_doc **ret)
{
	struct ksc_doc *doc = NULL;
	struct ksc_error *e = NULL;
	char *msg = NULL;

	if (ksc_doc_parse("t", text, strlen(text), flags, &doc, &e) < 0) {
		msg = strdup(ksc_error_message(e) ? ksc_error_message(e) : "(no message)");
		ksc_error_free(e);
		return msg;
	}
	if (ret)
		*ret = doc;
	else
		ksc_doc_free(doc);
	return NULL;
}

static void
expect_json_error(const char *text, const char *want)
{
	char *got = parse_error(text, KSC_DOC_JSON, NULL);

	is_str(got, want, "JSON %s -> %s", text, want);
	free(got);
}

static void
test_json_strict(void)
{
	expect_json_error(
	        "{\"a\": 1,}",
	        "t:1:9: invalid JSON: trailing comma before the end of an object or array");
	expect_json_error(
	        "[1, 2,]",
	        "t:1:7: invalid JSON: trailing comma before the end of an object or array");
	expect_json_error("{\"a\": 1} # c",
	                  "t:1:10: invalid JSON: expected the end of the input after the JSON "
	                  "value, found a comment (JSON has no comments)");
	expect_json_error("{\n  // c\n  \"a\": 1\n}",
	                  "t:2:3: invalid JSON: expected a double-quoted object key, found a "
	                  "comment (JSON has no comments)");
	expect_json_error("{'a': 1}", "t:1:2: invalid JSON: expected a double-quoted object key, "
	                              "found a single quote (JSON strings use double quotes)");
	expect_json_error("{a: 1}",
	                  "t:1:2: invalid JSON: expected a double-quoted object key, found 'a'");
	expect_json_error("{\"a\": 01}",
	                  "t:1:8: invalid JSON: invalid number: leading zeros are not allowed");
	expect_json_error("{\"a\" 1}",
	                  "t:1:6: invalid JSON: expected ':' after an object key, found '1'");
	expect_json_error("{\"a\": tru}", "t:1:7: invalid JSON: expected a value, found 't'");
	expect_json_error(
	        "{\"a\": \"x\ny\"}",
	        "t:1:9: invalid JSON: control character in a string (escape it, e.g. \\n)");
	expect_json_error("{\"a\": \"\\x\"}",
	                  "t:1:8: invalid JSON: invalid escape sequence in a string");
	expect_json_error("\xef\xbb\xbf{}",
	                  "t:1:1: invalid JSON: a UTF-8 byte-order mark is not allowed in JSON "
	                  "(Go's decoder, used by runc and containerd, rejects it)");
	expect_json_error("", "t:1:1: invalid JSON: expected a value, found the end of the input");
	expect_json_error("{\"a\": [1, 2}", "t:1:12: invalid JSON: expected ',' or ']', found '}'");
	expect_json_error("{\"a\": \"\xff\"}", "t:1:8: invalid JSON: invalid UTF-8 in a string");
	expect_json_error("{\"a\": 1, \"a\": 2}",
	                  "t:1:10: duplicate key \"a\" (first at line 1, column 2)");
	expect_json_error("{\"a\": {\"b\": 1, \"c\": 2, \"b\": 3}}",
	                  "t:1:24: duplicate key \"b\" (first at line 1, column 8)");
	expect_json_error("{}{}", "t:1:3: invalid JSON: expected the end of the input after the "
	                          "JSON value, found '{'");
}

static void
test_nul_byte(void)
{
	struct ksc_doc *doc = NULL;
	struct ksc_error *e = NULL;

	is_int(ksc_doc_parse("t", "{\"a\": 1}\0", 9, KSC_DOC_JSON, &doc, &e), -EINVAL,
	       "a NUL byte is refused");
	is_str(ksc_error_message(e), "t: document contains a NUL byte", "NUL byte message");
	ksc_error_free(e);
}

static void
test_json_positions(void)
{
	struct ksc_doc *doc = NULL;
	const struct ksc_node *root, *v;
	char *err = parse_error(
	        "{\n\t\"a\": [\n\t\t10,\n\t\t\"x\\u00e9\\/\"\n\t],\n  \"é\": true, \"n\": null\n}",
	        KSC_DOC_JSON, &doc);

	ok(err == NULL, "tabs, escapes and UTF-8 keys parse (%s)", err ? err : "");
	free(err);
	if (!doc)
		return;
	root = ksc_doc_root(doc, 0);
	is_int(root->kind, KSC_NODE_MAP, "root is a map");
	v = ksc_node_get(root, "a");
	ok(v && v->kind == KSC_NODE_SEQ && v->count == 2, "a is a 2-element array");
	if (v && v->count == 2) {
		is_int(v->line, 2, "array line");
		is_int(v->column, 7, "array column (tab counts 1)");
		is_int(v->items[0]->line, 3, "number line");
		is_int(v->items[0]->column, 3, "number column");
		is_int(v->items[0]->type, KSC_SCALAR_NUMBER, "10 is a number");
		is_str(v->items[1]->text, "x\xc3\xa9/", "escapes decoded");
		is_int(v->items[1]->type, KSC_SCALAR_STRING, "quoted is a string");
	}
	v = ksc_node_get(root, "\xc3\xa9");
	ok(v && v->type == KSC_SCALAR_BOOL, "true is a boolean");
	if (v)
		is_int(v->column, 8, "columns count characters, not bytes");
	v = ksc_node_get(root, "n");
	ok(v && ksc_node_is_null(v), "null is null");
	ksc_doc_free(doc);
}

static void
expect_u64(const char *text, unsigned flags, int want_r, uint64_t want, const char *want_reason)
{
	struct ksc_doc *doc = NULL;
	char *err = parse_error(text, flags, &doc);
	const char *reason = NULL;
	uint64_t v = 0;
	int r;

	if (err) {
		ok(0, "%s parses: %s", text, err);
		free(err);
		return;
	}
	r = ksc_node_to_u64(ksc_node_get(ksc_doc_root(doc, 0), "v"), &v, &reason);
	is_int(r, want_r, "u64 %s: return", text);
	if (r == 0)
		ok(v == want, "u64 %s = %llu", text, (unsigned long long)want);
	else
		is_str(reason, want_reason, "u64 %s: reason", text);
	ksc_doc_free(doc);
}

static void
test_conversions(void)
{
	struct ksc_doc *doc = NULL;
	const char *reason = NULL;
	uint32_t u32;

	expect_u64("{\"v\": 0}", KSC_DOC_JSON, 0, 0, NULL);
	expect_u64("{\"v\": 18446744073709551615}", KSC_DOC_JSON, 0, UINT64_MAX, NULL);
	expect_u64("{\"v\": 18446744073709551616}", KSC_DOC_JSON, -ERANGE, 0,
	           "is too large for an unsigned 64-bit integer");
	expect_u64("{\"v\": -1}", KSC_DOC_JSON, -ERANGE, 0,
	           "must be an unsigned integer, got a negative number");
	expect_u64("{\"v\": -0}", KSC_DOC_JSON, -ERANGE, 0,
	           "must be an unsigned integer, got a negative number");
	expect_u64("{\"v\": 1.0}", KSC_DOC_JSON, -EINVAL, 0,
	           "must be an unsigned integer, got a fraction or exponent");
	expect_u64("{\"v\": 1e3}", KSC_DOC_JSON, -EINVAL, 0,
	           "must be an unsigned integer, got a fraction or exponent");
	expect_u64("{\"v\": \"1\"}", KSC_DOC_JSON, -EINVAL, 0,
	           "must be an unsigned integer, got a string");
	expect_u64("{\"v\": true}", KSC_DOC_JSON, -EINVAL, 0,
	           "must be an unsigned integer, got a boolean");
	expect_u64("{\"v\": null}", KSC_DOC_JSON, -EINVAL, 0,
	           "must be an unsigned integer, got null");
	expect_u64("{\"v\": []}", KSC_DOC_JSON, -EINVAL, 0,
	           "must be an unsigned integer, got an array");
	expect_u64("v: 0x10", 0, 0, 16, NULL);
	expect_u64("v: 0o17", 0, 0, 15, NULL);
	expect_u64("v: 42", 0, 0, 42, NULL);
	expect_u64("v: '42'", 0, -EINVAL, 0, "must be an unsigned integer, got a string");

	if (parse_error("{\"v\": 4294967296, \"w\": 4294967295}", KSC_DOC_JSON, &doc) == NULL) {
		is_int(ksc_node_to_u32(ksc_node_get(ksc_doc_root(doc, 0), "v"), &u32, &reason),
		       -ERANGE, "u32 overflow");
		is_str(reason, "is too large for an unsigned 32-bit integer",
		       "u32 overflow reason");
		is_int(ksc_node_to_u32(ksc_node_get(ksc_doc_root(doc, 0), "w"), &u32, &reason), 0,
		       "u32 max");
		ok(u32 == UINT32_MAX, "u32 max value");
		ksc_doc_free(doc);
	}
}

static void
test_yaml(void)
{
	struct ksc_doc *doc = NULL;
	char *err;
	const struct ksc_node *root, *v;
	bool b = false;
	const char *reason, *s;

	err = parse_error("a: 1\n---\n# empty\n---\n- x\n- 'y'\n- yes\n- ~\n- \"3\"\n- 3\n", 0,
	                  &doc);
	ok(!err, "multi-document YAML parses (%s)", err ? err : "");
	free(err);
	if (doc) {
		is_int(ksc_doc_count(doc), 3, "three documents");
		ok(ksc_node_is_null(ksc_doc_root(doc, 1)), "an empty document is null");
		root = ksc_doc_root(doc, 2);
		ok(root->kind == KSC_NODE_SEQ && root->count == 6, "third is a sequence of 6");
		if (root->count == 6) {
			is_int(root->items[0]->type, KSC_SCALAR_STRING, "plain word is a string");
			is_int(root->items[1]->type, KSC_SCALAR_STRING, "single quoted string");
			is_int(root->items[2]->type, KSC_SCALAR_BOOL, "yes is a YAML 1.1 boolean");
			is_int(ksc_node_to_bool(root->items[2], &b, &reason), 0, "yes converts");
			ok(b, "yes is true");
			ok(ksc_node_is_null(root->items[3]), "~ is null");
			is_int(ksc_node_to_string(root->items[4], &s, &reason), 0,
			       "\"3\" is a string");
			is_int(ksc_node_to_string(root->items[5], &s, &reason), -EINVAL,
			       "3 is not a string");
			is_str(reason, "must be a string, got a number", "number vs string reason");
			is_int(root->items[5]->line, 10, "line of the last item");
			is_int(root->items[5]->column, 3, "column of the last item");
		}
		ksc_doc_free(doc);
	}

	err = parse_error("a: 1\nb: 2\na: 3\n", 0, NULL);
	is_str(err, "t:3:1: duplicate key \"a\" (first at line 1, column 1)", "YAML duplicate key");
	free(err);

	err = parse_error("a: [1, 2\n", 0, NULL);
	ok(err && strncmp(err, "t:2:1: invalid YAML: ", 21) == 0,
	   "YAML syntax error has a position (%s)", err ? err : "");
	free(err);

	err = parse_error("base: &b {x: 1}\nuse: *b\n", 0, &doc);
	ok(!err, "aliases resolve");
	free(err);
	if (doc) {
		v = ksc_node_get(ksc_node_get(ksc_doc_root(doc, 0), "use"), "x");
		ok(v && streq(v->text, "1"), "alias points at the anchored map");
		ksc_doc_free(doc);
	}
	err = parse_error("a: *nope\n", 0, NULL);
	is_str(err, "t:1:4: alias to an undefined (or not yet complete) anchor", "undefined alias");
	free(err);
	err = parse_error("? [a]\n: 1\n", 0, NULL);
	ok(err && strstr(err, "mapping keys must be scalars"), "complex keys refused (%s)",
	   err ? err : "");
	free(err);
	err = parse_error("a: !custom 1\n", 0, NULL);
	ok(err && strstr(err, "unsupported YAML tag"), "unknown tags refused");
	free(err);
}

static void
test_limits(void)
{
	char deep[KSC_DOC_MAX_DEPTH * 2 + 8];
	char *err;
	size_t n = 0;

	/* One level too deep, in JSON and in YAML flow syntax. */
	for (int i = 0; i < KSC_DOC_MAX_DEPTH + 1; i++)
		deep[n++] = '[';
	for (int i = 0; i < KSC_DOC_MAX_DEPTH + 1; i++)
		deep[n++] = ']';
	deep[n] = '\0';
	err = parse_error(deep, KSC_DOC_JSON, NULL);
	is_str(err, "t:1:129: invalid JSON: nesting is too deep", "JSON depth limit");
	free(err);
	err = parse_error(deep, 0, NULL);
	ok(err && strstr(err, "nesting is too deep"), "YAML depth limit (%s)", err ? err : "");
	free(err);

	/* Exponential alias expansion ("billion laughs") is bounded. */
	{
		const char *bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
		                   "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
		                   "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
		                   "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
		                   "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
		                   "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
		                   "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n";

		err = parse_error(bomb, 0, NULL);
		ok(err && strstr(err, "too many nodes"), "alias bomb refused (%s)", err ? err : "");
		free(err);
	}
}

static void
test_read_file(void)
{
	struct ksc_error *e = NULL;
	char *buf = NULL;
	size_t len = 0;
	int r;

	r = ksc_doc_read_file("/nonexistent/x.json", 100, &buf, &len, &e);
	is_int(r, -ENOENT, "missing file");
	is_str(ksc_error_message(e), "/nonexistent/x.json: No such file or directory",
	       "missing file message");
	ksc_error_free(e);
	e = NULL;
	r = ksc_doc_read_file("/", 100, &buf, &len, &e);
	is_int(r, -EISDIR, "directory refused");
	ksc_error_free(e);
	e = NULL;
	r = ksc_doc_read_file("/proc/self/status", 16, &buf, &len, &e);
	is_int(r, -EFBIG, "size limit applies to files of unknown size");
	ksc_error_free(e);
}

/* A scalar key node over bytes (len may cover NUL bytes). */
static struct ksc_node
key_node(const char *bytes, size_t len)
{
	return (struct ksc_node){
		.kind = KSC_NODE_SCALAR, .type = KSC_SCALAR_STRING, .text = bytes, .len = len
	};
}

#define LONG_S "\xc5\xbf"     /* U+017F LATIN SMALL LETTER LONG S */
#define KELVIN "\xe2\x84\xaa" /* U+212A KELVIN SIGN */

static void
test_go_keys(void)
{
	/* Go's encoding/json: exact, else bytes.EqualFold with the field's name. */
	static const struct {
		const char *key;
		size_t len; /* 0: strlen */
		const char *field;
		enum ksc_key_match want;
	} cases[] = {
		{ "syscalls", 0, "syscalls", KSC_KEY_EXACT },
		{ "Syscalls", 0, "syscalls", KSC_KEY_FOLDED },
		{ "SYSCALLS", 0, "syscalls", KSC_KEY_FOLDED },
		{ LONG_S "yscalls", 0, "syscalls", KSC_KEY_FOLDED },
		{ "syscall" LONG_S, 0, "syscalls", KSC_KEY_FOLDED },
		{ LONG_S "y" LONG_S "calls", 0, "syscalls", KSC_KEY_FOLDED },
		{ "name" LONG_S, 0, "names", KSC_KEY_FOLDED },
		{ "min" KELVIN "ernel", 0, "minKernel", KSC_KEY_FOLDED },
		{ KELVIN, 0, "k", KSC_KEY_FOLDED },
		{ KELVIN, 0, "K", KSC_KEY_FOLDED },
		{ LONG_S, 0, "S", KSC_KEY_FOLDED },
		/* U+017F is not k, the Kelvin sign is not s */
		{ KELVIN, 0, "s", KSC_KEY_NONE },
		{ LONG_S, 0, "k", KSC_KEY_NONE },
		/* other look-alikes do not fold to ASCII: U+0131 dotless i, U+0130, U+FF53
		 * fullwidth s, U+212B angstrom sign */
		{ "\xc4\xb1"
		  "d",
		  0, "id", KSC_KEY_NONE },
		{ "\xc4\xb0"
		  "d",
		  0, "id", KSC_KEY_NONE },
		{ "\xef\xbd\x93yscalls", 0, "syscalls", KSC_KEY_NONE },
		{ "\xe2\x84\xab", 0, "a", KSC_KEY_NONE },
		/* ASCII case only for letters: '@' is not '`' */
		{ "valueTwo", 0, "valuetwo", KSC_KEY_FOLDED },
		{ "a@", 0, "a`", KSC_KEY_NONE },
		{ "a_b", 0, "a_B", KSC_KEY_FOLDED },
		{ "a\x7f", 0, "a_", KSC_KEY_NONE },
		/* every byte counts: a NUL inside a key is not the end of it */
		{ "syscalls\0x", 10, "syscalls", KSC_KEY_NONE },
		{ "syscall", 0, "syscalls", KSC_KEY_NONE },
		{ "syscallss", 0, "syscalls", KSC_KEY_NONE },
		{ "syscalls" LONG_S, 0, "syscalls", KSC_KEY_NONE },
		/* a truncated UTF-8 sequence is U+FFFD to Go */
		{ "\xc5yscalls", 0, "syscalls", KSC_KEY_NONE },
		{ "", 0, "", KSC_KEY_EXACT },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ksc_node k =
		        key_node(cases[i].key, cases[i].len ? cases[i].len : strlen(cases[i].key));

		is_int(ksc_key_match_go(&k, cases[i].field), cases[i].want,
		       "Go key match, case %zu: field \"%s\"", i, cases[i].field);
	}

	/* exact wins over a fold; the first folding field otherwise */
	{
		static const char *const fields[] = { "Name", "name", "names" };
		struct ksc_node k = key_node("name", 4), K = key_node("NAME", 4),
		                s = key_node("name" LONG_S, 6);
		enum ksc_key_match how;

		is_int(ksc_key_field_go(&k, fields, 3, &how), 1, "exact match chosen over a fold");
		is_int(how, KSC_KEY_EXACT, "... and said to be exact");
		is_int(ksc_key_field_go(&K, fields, 3, &how), 0, "first folding field chosen");
		is_int(how, KSC_KEY_FOLDED, "... and said to be folded");
		is_int(ksc_key_field_go(&s, fields, 3, &how), 2, "long s folds to names");
	}

	/* an object read as Go does: values by field, and two keys for one field refused */
	{
		static const char *const fields[] = { "state", "pid" };
		const struct ksc_node *v[2], *dup = NULL, *first = NULL;
		struct ksc_doc *doc = NULL;
		char *err;
		int r;

		err = parse_error("{\"" LONG_S "tate\": 1, \"Pid\": 2, \"other\": 3}", KSC_DOC_JSON,
		                  &doc);
		ok(!err, "an object with folded keys parses");
		free(err);
		if (doc) {
			r = ksc_node_get_fields_go(ksc_doc_root(doc, 0), fields, 2, v, &dup,
			                           &first);
			is_int(r, 0, "folded keys set their fields");
			ok(v[0] && streq(v[0]->text, "1") && v[1] && streq(v[1]->text, "2"),
			   "state and pid are read through U+017F and ASCII case");
			ksc_doc_free(doc);
			doc = NULL;
		}
		err = parse_error("{\"state\": 1,\n \"" LONG_S "tate\": 2}", KSC_DOC_JSON, &doc);
		free(err);
		if (doc) {
			r = ksc_node_get_fields_go(ksc_doc_root(doc, 0), fields, 2, v, &dup,
			                           &first);
			is_int(r, -EINVAL, "two keys for one field: -EINVAL");
			ok(dup && first && dup->line == 2 && first->line == 1,
			   "the later key and the first are named");
			is_str(ksc_key_fold_reason(first, dup),
			       "Go's JSON decoder, used by runc and containerd, folds U+017F "
			       "(LATIN "
			       "SMALL LETTER LONG S) to s",
			       "the reason names the letter Go folds");
			ksc_doc_free(doc);
		}
	}
}

static void
alarm_fail(int sig)
{
	static const char msg[] = "not ok - reading a FIFO blocked (killed after 10 s)\n";

	(void)sig;
	(void)!write(STDOUT_FILENO, msg, sizeof(msg) - 1);
	_exit(1);
}

static void
test_read_special_files(void)
{
	char dir[] = "/tmp/ksc-test-doc-XXXXXX", fifo[64];
	struct ksc_error *e = NULL;
	char *buf = NULL, *want;
	size_t len = 0;
	int r;

	if (!mkdtemp(dir)) {
		ok(false, "mkdtemp: %s", strerror(errno));
		return;
	}
	snprintf(fifo, sizeof(fifo), "%s/profile.json", dir);
	if (mkfifo(fifo, 0600) < 0) {
		ok(false, "mkfifo: %s", strerror(errno));
		rmdir(dir);
		return;
	}
	/* The attack: a FIFO nobody writes to. Opening it blocks a reader forever. */
	signal(SIGALRM, alarm_fail);
	alarm(10);
	r = ksc_doc_read_file(fifo, 100, &buf, &len, &e);
	alarm(0);
	is_int(r, -EINVAL, "a FIFO is refused, not read");
	if (asprintf(&want, "%s: not a regular file (a FIFO)", fifo) < 0)
		want = NULL;
	is_str(ksc_error_message(e), want, "the message says it is a FIFO");
	free(want);
	ksc_error_free(e);
	e = NULL;
	unlink(fifo);
	rmdir(dir);

	r = ksc_doc_read_file("/dev/zero", 1u << 20, &buf, &len, &e);
	is_int(r, -EINVAL, "a character device is refused");
	is_str(ksc_error_message(e), "/dev/zero: not a regular file (a character device)",
	       "the message says it is a character device");
	ksc_error_free(e);
}

/* Do a (from JSON) and b (from the YAML written for it) hold the same values? */
static bool
same_tree(const struct ksc_node *a, const struct ksc_node *b)
{
	if (a->kind != b->kind || a->count != b->count)
		return false;
	if (a->kind != KSC_NODE_MAP && a->kind != KSC_NODE_SEQ)
		return a->type == b->type && a->len == b->len &&
		       memcmp(a->text, b->text, a->len) == 0;
	for (size_t i = 0; i < a->count; i++)
		if ((a->kind == KSC_NODE_MAP && !same_tree(a->keys[i], b->keys[i])) ||
		    !same_tree(a->items[i], b->items[i]))
			return false;
	return true;
}

static void
expect_yaml_round_trip(const char *json, const char *want_yaml)
{
	struct ksc_doc *from_json = NULL, *from_yaml = NULL;
	char *yaml = NULL;
	size_t len = 0;
	bool same = false;

	if (ksc_json_to_yaml(json, strlen(json), &yaml, &len, NULL) == 0 &&
	    ksc_doc_parse("j", json, strlen(json), KSC_DOC_JSON, &from_json, NULL) == 0 &&
	    ksc_doc_parse("y", yaml, len, 0, &from_yaml, NULL) == 0)
		same = same_tree(ksc_doc_root(from_json, 0), ksc_doc_root(from_yaml, 0));
	ok(same, "JSON %s written as YAML reads back the same", json);
	if (want_yaml)
		is_str(yaml, want_yaml, "and is written as expected");
	free(yaml);
	ksc_doc_free(from_json);
	ksc_doc_free(from_yaml);
}

static void
test_json_to_yaml(void)
{
	struct ksc_error *e = NULL;
	char *yaml = NULL;

	expect_yaml_round_trip("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
	                       "[\"read\", \"write\"], \"action\": \"SCMP_ACT_ALLOW\"}]}",
	                       "defaultAction: SCMP_ACT_ERRNO\nsyscalls:\n- names:\n  - read\n  "
	                       "- write\n  action: SCMP_ACT_ALLOW\n");
	/* strings a YAML 1.1 or 1.2 reader would take for something else stay strings */
	expect_yaml_round_trip(
	        "[\"yes\", \"no\", \"on\", \"Off\", \"y\", \"true\", \"null\", \"~\", "
	        "\"012\", \"1e5\", \"0x1f\", \"0o7\", \"1_000\", \"12:30\", "
	        "\"2026-12-07\", \".inf\", \"-.5\", \"\", \" x\", \"x \"]",
	        NULL);
	expect_yaml_round_trip("{\"n\": 12, \"f\": -2.5e3, \"b\": false, \"z\": null, \"e\": [], "
	                       "\"m\": {}}",
	                       /* "n" is YAML 1.1's "no" */
	                       "\"n\": 12\nf: -2.5e3\nb: false\nz: null\ne: []\nm: {}\n");
	expect_yaml_round_trip(
	        "{\"k: v\": \"# not a comment\", \"-\": \"a\\nb\", \"t\": \"\\u0001\", "
	        "\"u\": \"\u00e9\\u2028\", \"q\": \"'\\\"\"}",
	        NULL);
	ok(ksc_json_to_yaml("{", 1, &yaml, NULL, &e) == -EINVAL && e && !yaml,
	   "what is not JSON is refused: %s", e ? ksc_error_message(e) : "(no message)");
	ksc_error_free(e);
}

int
main(void)
{
	test_json_strict();
	test_nul_byte();
	test_json_positions();
	test_conversions();
	test_yaml();
	test_limits();
	test_read_file();
	test_read_special_files();
	test_go_keys();
	test_json_to_yaml();
	return tap_done();
}
