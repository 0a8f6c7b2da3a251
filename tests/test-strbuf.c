/* SPDX-License-Identifier: Apache-2.0 */
/*
 * strbuf: the escaping every human-readable printer uses for input-derived text
 * (strbuf_put_escaped()): each terminal control comes out as visible text that names it,
 * a backslash is doubled so that the result reads back unambiguously, valid UTF-8 beyond
 * the C1 block is kept, and JSON (strbuf_put_json_string()) still carries the exact text.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "tap.h"

static char *
escaped(const char *s, size_t n)
{
	struct strbuf sb = { 0 };
	char *text = NULL;

	strbuf_put_escaped(&sb, s, n);
	if (strbuf_finish(&sb, &text, NULL) < 0)
		return NULL;
	return text;
}

/* Whether s has a byte a terminal acts on: C0 controls, DEL, and the UTF-8 form of a C1
 * control (0xc2 0x80..0x9f), or any byte >= 0x80 that is not valid UTF-8. */
static bool
terminal_safe(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p >= 0x80)
			return false; /* our cases keep non-ASCII only where checked exactly */
	return true;
}

static void
check(const char *what, const char *in, size_t n, const char *want)
{
	char *got = escaped(in, n);

	is_str(got, want, "%s", what);
	is_int(strbuf_needs_escape(in, n), strcmp(want, in) != 0 || strlen(in) != n,
	       "%s: needs_escape agrees", what);
	free(got);
}

int
main(void)
{
	static const char title[] = "\033]0;pwned\007";
	char all[256], *text;

	check("plain ASCII is kept", "http-echo", 9, "http-echo");
	check("empty", "", 0, "");
	check("the OSC title sequence is visible", title, strlen(title), "\\e]0;pwned\\a");
	check("CSI", "\033[2J\033[H", 7, "\\e[2J\\e[H");
	check("newline, tab, carriage return", "a\nb\tc\rd", 7, "a\\nb\\tc\\rd");
	check("other C0 controls and DEL as \\xHH", "\001\002\177", 3, "\\x01\\x02\\x7f");
	check("a NUL inside the span", "a\0b", 3, "a\\x00b");
	check("a backslash is doubled: \"\\e\" typed is not ESC", "\\e", 2, "\\\\e");
	check("C1 CSI (U+009B) as \\u009b",
	      "x\xc2\x9b"
	      "2J",
	      5, "x\\u009b2J");
	check("C1 first and last", "\xc2\x80\xc2\x9f", 4, "\\u0080\\u009f");
	check("a raw 8-bit C1 byte is not UTF-8: \\x9b", "\x9b", 1, "\\x9b");
	check("a truncated UTF-8 sequence", "\xe2\x82", 2, "\\xe2\\x82");
	check("an overlong form", "\xc0\xaf", 2, "\\xc0\\xaf");
	check("a surrogate", "\xed\xa0\x80", 3, "\\xed\\xa0\\x80");
	check("valid UTF-8 past C1 is kept", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xa7", 14,
	      "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xa7");
	check("U+00A0 (just past C1) is kept", "\xc2\xa0", 2, "\xc2\xa0");

	/* every byte value: the result never holds a control or a lone high byte */
	for (int i = 0; i < 256; i++)
		all[i] = (char)i;
	text = escaped(all, sizeof(all));
	ok(text && terminal_safe(text), "all 256 byte values come out as printable ASCII");
	free(text);

	/* messages: the same, except that a backslash stays single */
	{
		struct strbuf sb = { 0 };
		static const char msg[] = "\\u must be followed by four hex digits: \033[2J";

		strbuf_put_escaped_message(&sb, msg, strlen(msg));
		ok(sb.buf && strcmp(sb.buf, "\\u must be followed by four hex digits: \\e[2J") == 0,
		   "a message keeps its backslash and still shows ESC as \\e (got %s)",
		   sb.buf ? sb.buf : "");
		strbuf_done(&sb);
		strbuf_put_escaped_message(&sb, all, sizeof(all));
		ok(sb.buf && terminal_safe(sb.buf),
		   "a message of all 256 byte values comes out as printable ASCII");
		strbuf_done(&sb);
	}

	/* JSON carries the real bytes: the escapes are JSON's own, decoded back exactly */
	{
		struct strbuf sb = { 0 };

		strbuf_put_json_string(&sb, title, strlen(title));
		ok(sb.buf && strcmp(sb.buf, "\"\\u001b]0;pwned\\u0007\"") == 0,
		   "JSON keeps ESC and BEL as \\u001b and \\u0007 (got %s)", sb.buf ? sb.buf : "");
		strbuf_done(&sb);
	}

	/* the NUL-terminated form writes the same bytes, and "" for NULL */
	{
		struct strbuf a = { 0 }, b = { 0 };
		char every[sizeof(all)]; /* every byte value but NUL, then the NUL */

		memcpy(every, all + 1, sizeof(all) - 1);
		every[sizeof(all) - 1] = '\0';
		strbuf_put_json_string(&a, every, sizeof(all) - 1);
		strbuf_put_json_str(&b, every);
		ok(a.buf && b.buf && strcmp(a.buf, b.buf) == 0,
		   "strbuf_put_json_str() writes what strbuf_put_json_string() writes");
		strbuf_done(&b);
		strbuf_put_json_str(&b, NULL);
		is_str(b.buf, "\"\"", "NULL is the empty string");
		strbuf_done(&a);
		strbuf_done(&b);
	}
	/* strbuf_put_u64() writes what printf's PRIu64 writes */
	{
		static const uint64_t values[] = { 0,           1,           9,
			                           10,          99,          100,
			                           4294967295u, 4294967296u, 10000000000000000000u,
			                           UINT64_MAX };
		bool same = true;

		for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
			struct strbuf a = { 0 }, b = { 0 };

			strbuf_put_u64(&a, values[i]);
			strbuf_printf(&b, "%" PRIu64, values[i]);
			if (!a.buf || !b.buf || strcmp(a.buf, b.buf) != 0) {
				same = false;
				tap_diagf("%" PRIu64 ": %s", values[i], a.buf ? a.buf : "(null)");
			}
			strbuf_done(&a);
			strbuf_done(&b);
		}
		ok(same, "strbuf_put_u64() writes what PRIu64 writes, 0 to UINT64_MAX");
	}
	return tap_done();
}
