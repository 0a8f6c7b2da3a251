/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The JSON reader (src/lib/doc-json.c) against libyaml: on random JSON that both can read
 * (printable characters, no surrogate escapes, short keys), the two trees must agree node by
 * node, positions included. Then what only the JSON reader does: Go's decoding of UTF-16
 * surrogate escapes, syntax errors before duplicate keys, input libyaml cannot take.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "rng.h"
#include "strbuf.h"
#include "tap.h"

/* ---------------------------------------------------------------------------------------- */
/* Random JSON */

static void
gen_ws(struct strbuf *b)
{
	static const char *const ws[] = { "",   "",   "",     " ",      "  ",
		                          "\t", "\n", "\r\n", "\n\t\t", " \n " };

	strbuf_puts(b, ws[pick(ELEMENTSOF(ws))]);
}

static void
gen_string(struct strbuf *b, unsigned serial)
{
	/* Printable pieces only: libyaml refuses the C1 controls and U+FFFE/U+FFFF that JSON
	 * allows. Escapes are every one JSON has except surrogates. */
	static const char *const pieces[] = {
		"a",
		"read",
		"SCMP_ACT_ALLOW",
		" ",
		"-",
		"_",
		"/",
		"\xc3\xa9",
		"\xe2\x82\xac",
		"\xf0\x9f\x98\x80",
		"\\n",
		"\\t",
		"\\\"",
		"\\\\",
		"\\/",
		"\\b",
		"\\f",
		"\\r",
		"\\u0041",
		"\\u00e9",
		"\\u20ac",
		"\\u0000",
		"\\u001f",
	};
	unsigned n = pick(6);

	strbuf_putc(b, '"');
	/* A serial number keeps the keys of one object distinct. */
	strbuf_printf(b, "k%u", serial);
	for (unsigned i = 0; i < n; i++)
		strbuf_puts(b, pieces[pick(ELEMENTSOF(pieces))]);
	strbuf_putc(b, '"');
}

static void
gen_number(struct strbuf *b)
{
	static const char *const numbers[] = {
		"0",   "-0",   "7",        "4294967295",          "-12", "1.5", "-0.25",
		"1e3", "2E-7", "6.02e+23", "18446744073709551615"
	};

	strbuf_puts(b, numbers[pick(ELEMENTSOF(numbers))]);
}

static unsigned serial;

static void
gen_value(struct strbuf *b, unsigned depth)
{
	unsigned kind = depth >= 5 ? pick(4) : pick(6);

	switch (kind) {
	case 0:
		gen_string(b, serial++);
		return;
	case 1:
		gen_number(b);
		return;
	case 2:
		strbuf_puts(b, pick(2) ? "true" : "false");
		return;
	case 3:
		strbuf_puts(b, "null");
		return;
	case 4: {
		unsigned n = pick(5);

		strbuf_putc(b, '{');
		for (unsigned i = 0; i < n; i++) {
			if (i)
				strbuf_putc(b, ',');
			gen_ws(b);
			gen_string(b, serial++);
			/* A YAML key ends on its own line: no line break before ':'. */
			strbuf_puts(b, pick(2) ? "" : pick(2) ? " " : "\t");
			/* libyaml needs room after ':' before a plain scalar it could read as a
			 * key of its own; JSON does not care. */
			strbuf_puts(b, ": ");
			gen_value(b, depth + 1);
			gen_ws(b);
		}
		strbuf_putc(b, '}');
		return;
	}
	default: {
		unsigned n = pick(5);

		strbuf_putc(b, '[');
		for (unsigned i = 0; i < n; i++) {
			if (i)
				strbuf_putc(b, ',');
			gen_ws(b);
			gen_value(b, depth + 1);
			gen_ws(b);
		}
		strbuf_putc(b, ']');
		return;
	}
	}
}

/* ---------------------------------------------------------------------------------------- */

static bool
same_tree(const struct ksc_node *a, const struct ksc_node *b, char *why, size_t size)
{
	if (a->kind != b->kind || a->line != b->line || a->column != b->column) {
		snprintf(why, size, "kind/position %d %u:%u vs %d %u:%u", a->kind, a->line,
		         a->column, b->kind, b->line, b->column);
		return false;
	}
	if (a->kind == KSC_NODE_SCALAR) {
		if (a->type != b->type || a->len != b->len ||
		    memcmp(a->text, b->text, a->len) != 0) {
			snprintf(why, size, "scalar at %u:%u: type %d \"%.40s\" vs %d \"%.40s\"",
			         a->line, a->column, a->type, a->text, b->type, b->text);
			return false;
		}
		return true;
	}
	if (a->count != b->count) {
		snprintf(why, size, "count at %u:%u: %zu vs %zu", a->line, a->column, a->count,
		         b->count);
		return false;
	}
	for (size_t i = 0; i < a->count; i++) {
		if (a->kind == KSC_NODE_MAP && !same_tree(a->keys[i], b->keys[i], why, size))
			return false;
		if (!same_tree(a->items[i], b->items[i], why, size))
			return false;
	}
	return true;
}

static void
test_against_libyaml(void)
{
	unsigned agreed = 0, runs = 3000;

	rng_state = 0x6a736f6e;
	for (unsigned run = 0; run < runs; run++) {
		_cleanup_(strbuf_done) struct strbuf b = { 0 };
		struct ksc_doc *json = NULL, *yaml = NULL;
		struct ksc_error *e1 = NULL, *e2 = NULL;
		char why[200] = "";

		/* Outside the root object, libyaml is in block context, where a tab is no
		 * whitespace. */
		strbuf_puts(&b, pick(2) ? "\n " : "");
		/* Profiles are objects; libyaml reads a bare top-level scalar differently. */
		strbuf_puts(&b, "{\"top\": ");
		gen_value(&b, 0);
		strbuf_putc(&b, '}');
		strbuf_puts(&b, pick(2) ? " \r\n" : "");
		if (ksc_doc_parse("t", b.buf, b.len, KSC_DOC_JSON, &json, &e1) < 0 ||
		    ksc_doc_parse("t", b.buf, b.len, 0, &yaml, &e2) < 0) {
			ok(false, "run %u: %s / %s: %s", run, e1 ? ksc_error_message(e1) : "ok",
			   e2 ? ksc_error_message(e2) : "ok", b.buf);
		} else if (!same_tree(ksc_doc_root(json, 0), ksc_doc_root(yaml, 0), why,
		                      sizeof(why))) {
			ok(false, "run %u: trees differ: %s in %s", run, why, b.buf);
		} else
			agreed++;
		ksc_error_free(e1);
		ksc_error_free(e2);
		ksc_doc_free(json);
		ksc_doc_free(yaml);
		if (agreed <= run)
			break; /* one counterexample is enough to read */
	}
	is_int(agreed, runs, "the JSON reader and libyaml agree on %u random documents", runs);
}

static const char *
string_of(const char *json, struct ksc_doc **doc)
{
	struct ksc_error *e = NULL;
	const struct ksc_node *v;

	if (ksc_doc_parse("t", json, strlen(json), KSC_DOC_JSON, doc, &e) < 0) {
		tap_diagf("%s", ksc_error_message(e));
		ksc_error_free(e);
		return NULL;
	}
	v = ksc_node_get(ksc_doc_root(*doc, 0), "s");
	return v ? v->text : NULL;
}

static void
expect_string(const char *json, const char *want, size_t want_len, const char *what)
{
	struct ksc_doc *doc = NULL;
	const char *got = string_of(json, &doc);
	const struct ksc_node *v = doc ? ksc_node_get(ksc_doc_root(doc, 0), "s") : NULL;

	ok(got && v->len == want_len && memcmp(got, want, want_len) == 0, "%s", what);
	ksc_doc_free(doc);
}

static void
test_surrogates(void)
{
	/* Go's encoding/json (unquote): a surrogate pair is one character; a surrogate that
	 * is not half of a pair is U+FFFD and what follows it is read on its own. */
	expect_string("{\"s\": \"\\ud83d\\ude00\"}", "\xf0\x9f\x98\x80", 4,
	              "a surrogate pair decodes to U+1F600");
	expect_string("{\"s\": \"\\uD83D\\uDE00x\"}", "\xf0\x9f\x98\x80x", 5,
	              "upper-case hex digits too");
	expect_string("{\"s\": \"\\udbff\\udfff\"}", "\xf4\x8f\xbf\xbf", 4,
	              "the last pair is U+10FFFF");
	expect_string("{\"s\": \"a\\ud83d\"}", "a\xef\xbf\xbd", 4,
	              "a lone high surrogate is U+FFFD");
	expect_string("{\"s\": \"\\ude00a\"}",
	              "\xef\xbf\xbd"
	              "a",
	              4, "a lone low surrogate is U+FFFD");
	expect_string("{\"s\": \"\\ud83d\\u0041\"}",
	              "\xef\xbf\xbd"
	              "A",
	              4, "a high surrogate before a non-surrogate escape: U+FFFD, then the escape");
	expect_string("{\"s\": \"\\ud83d\\ud83d\\ude00\"}", "\xef\xbf\xbd\xf0\x9f\x98\x80", 7,
	              "two highs then a low: U+FFFD, then the pair");
	expect_string("{\"s\": \"\\ude00\\ud83d\"}", "\xef\xbf\xbd\xef\xbf\xbd", 6,
	              "a low before a high is two U+FFFD");
	expect_string("{\"s\": \"\\ud83dx\\ude00\"}", "\xef\xbf\xbdx\xef\xbf\xbd", 7,
	              "a pair split by a character is two U+FFFD");
	expect_string("{\"s\": \"\\u0000\"}", "\0", 1, "\\u0000 is a NUL inside the text");
}

static void
expect_error(const char *json, const char *want)
{
	struct ksc_doc *doc = NULL;
	struct ksc_error *e = NULL;
	int r = ksc_doc_parse("t", json, strlen(json), KSC_DOC_JSON, &doc, &e);

	ok(r == -EINVAL && e && strcmp(ksc_error_message(e), want) == 0, "%s -> %s (got %s)", json,
	   want, e ? ksc_error_message(e) : "success");
	ksc_error_free(e);
	ksc_doc_free(doc);
}

static void
test_errors(void)
{
	/* The whole input is JSON before keys are compared: Go's Unmarshal checks the syntax
	 * first, so a syntax error after a repeated key is the one to report. */
	expect_error("{\"a\": 1, \"a\": 2, }",
	             "t:1:18: invalid JSON: trailing comma before the end of an object or array");
	expect_error("{\"a\": 1, \"a\": 2}",
	             "t:1:10: duplicate key \"a\" (first at line 1, column 2)");
	/* Many keys take the sorted path; the report is the same. */
	expect_error(
	        "{\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5,\"f\":6,\"g\":7,\"h\":8,\"i\":9,\"c\":0}",
	        "t:1:56: duplicate key \"c\" (first at line 1, column 14)");
	expect_error("{\"x\": [1, 2]\n,\t\"é\": nul}",
	             "t:2:8: invalid JSON: expected a value, found 'n'");
	expect_error("[\"\\ud83\"]",
	             "t:1:3: invalid JSON: \\u must be followed by four hex digits");
	expect_error("[\"abc", "t:1:6: invalid JSON: unterminated string");
	expect_error("[\"abc\\", "t:1:6: invalid JSON: unterminated string");
	expect_error("[1.]", "t:1:4: invalid JSON: invalid number: a digit must follow '.'");
	expect_error("[01]", "t:1:3: invalid JSON: invalid number: leading zeros are not allowed");
	expect_error("[-]", "t:1:3: invalid JSON: invalid number: a digit must follow '-'");
	expect_error("[1e+]",
	             "t:1:5: invalid JSON: invalid number: a digit must follow the exponent");
	expect_error("[truex]", "t:1:2: invalid JSON: expected a value, found 't'");
	expect_error("{]", "t:1:2: invalid JSON: expected a double-quoted object key, found ']'");
	expect_error("[}", "t:1:2: invalid JSON: expected a value, found '}'");
	expect_error("[1 2]", "t:1:4: invalid JSON: expected ',' or ']', found '2'");
	expect_error("{\"a\" 1}",
	             "t:1:6: invalid JSON: expected ':' after an object key, found '1'");
	expect_error("", "t:1:1: invalid JSON: expected a value, found the end of the input");
	expect_error(" \n\t", "t:2:2: invalid JSON: expected a value, found the end of the input");
	expect_error("[\"\xe2\x82\"]", "t:1:3: invalid JSON: invalid UTF-8 in a string");
	expect_error("[\"a\tb\"]",
	             "t:1:4: invalid JSON: control character in a string (escape it, e.g. \\n)");
	expect_error("\xef\xbb\xbf{}",
	             "t:1:1: invalid JSON: a UTF-8 byte-order mark is not allowed "
	             "in JSON (Go's decoder, used by runc and containerd, rejects it)");
}

static void
test_beyond_libyaml(void)
{
	/* What a Go decoder reads and libyaml could not: a key over 1024 characters, and
	 * characters YAML calls non-printable. */
	_cleanup_(strbuf_done) struct strbuf b = { 0 };
	struct ksc_doc *doc = NULL;
	const char *s;

	strbuf_puts(&b, "{\"");
	for (int i = 0; i < 2000; i++)
		strbuf_putc(&b, 'k');
	strbuf_puts(&b, "\": 1, \"s\": \"\xc2\x85\xef\xbf\xbf\"}");
	is_int(ksc_doc_parse("t", b.buf, b.len, KSC_DOC_JSON, &doc, NULL), 0,
	       "a 2000-character key and non-printable characters are JSON");
	if (doc) {
		s = ksc_node_get(ksc_doc_root(doc, 0), "s")->text;
		is_str(s, "\xc2\x85\xef\xbf\xbf", "and read as they are");
		ksc_doc_free(doc);
	}
}

static void
test_one_long_line(void)
{
	/* Positions on a minified document: each column is counted once, so a long line costs
	 * what its bytes cost (this would take minutes if every node counted from the start of
	 * its line). */
	_cleanup_(strbuf_done) struct strbuf b = { 0 };
	struct ksc_doc *doc = NULL;
	const struct ksc_node *root;
	size_t n = 200000;

	strbuf_putc(&b, '[');
	for (size_t i = 0; i < n; i++)
		strbuf_puts(&b, i ? ",\"\xc3\xa9\"" : "\"\xc3\xa9\"");
	strbuf_putc(&b, ']');
	is_int(ksc_doc_parse("t", b.buf, b.len, KSC_DOC_JSON, &doc, NULL), 0,
	       "a one-line array of %zu strings", n);
	if (!doc)
		return;
	root = ksc_doc_root(doc, 0);
	is_int(root->count, n, "every element read");
	/* Element i starts at byte 1 + 5i, character 1 + 4i (é is two bytes, one character). */
	is_int(root->items[n - 1]->column, 2 + 4 * (n - 1), "the last column counts characters");
	ksc_doc_free(doc);
}

int
main(void)
{
	test_against_libyaml();
	test_surrogates();
	test_errors();
	test_beyond_libyaml();
	test_one_long_line();
	return tap_done();
}
