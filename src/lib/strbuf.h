/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A growable NUL-terminated string. An allocation failure is sticky: later appends are
 * no-ops and strbuf_finish() reports -ENOMEM, so writers check once at the end.
 */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "macro.h"

struct strbuf {
	char *buf;
	size_t len;
	size_t cap;
	bool oom;
};

void strbuf_append(struct strbuf *sb, const char *s, size_t n);
void strbuf_puts(struct strbuf *sb, const char *s);
void strbuf_putc(struct strbuf *sb, char c);
_printf_(2, 3) void strbuf_printf(struct strbuf *sb, const char *fmt, ...);
/* v in decimal: what "%" PRIu64 prints, without printf's cost (writers of large profiles). */
void strbuf_put_u64(struct strbuf *sb, uint64_t v);
_printf_(2, 0) void strbuf_vprintf(struct strbuf *sb, const char *fmt, va_list ap);
/* Append s as a JSON string literal, quotes included. */
void strbuf_put_json_string(struct strbuf *sb, const char *s, size_t n);
/* The same for a NUL-terminated string; NULL writes "" (an absent value that the format
 * writes as empty). */
void strbuf_put_json_str(struct strbuf *sb, const char *s);
/* Append s for a person to read on a terminal, every byte of it visible and the original
 * recoverable: a backslash becomes \\; the C0 controls and DEL become \a \b \t \n \v \f \r
 * \e or \xHH; the C1 controls (U+0080..U+009F, which terminals obey as escape sequences
 * when written as UTF-8) become \u0080..\u009f; a byte that is not part of valid UTF-8
 * becomes \xHH. Everything else (printable ASCII, valid UTF-8) is copied. JSON output uses
 * strbuf_put_json_string() instead, which carries the exact text. */
void strbuf_put_escaped(struct strbuf *sb, const char *s, size_t n);
/* The same for an error or a warning, except that a backslash stays as it is: messages
 * have their own ("\u must be followed by four hex digits"), which doubled would read
 * wrong. A control character is still never written raw; what is lost is only telling a
 * backslash the input had from one an escape added, which no one reads a message back for. */
void strbuf_put_escaped_message(struct strbuf *sb, const char *s, size_t n);
/* A diagnostic line: "kseccomp: " KIND (may be NULL) and the formatted text escaped as
 * strbuf_put_escaped_message() escapes it, then a newline. */
_printf_(3, 0) void strbuf_put_vmessage(struct strbuf *sb, const char *kind, const char *fmt,
                                        va_list ap);
/* Whether strbuf_put_escaped() would change s[0..n). */
bool strbuf_needs_escape(const char *s, size_t n);
/* Move the text out: 0 and *ret (caller frees), or -ENOMEM. The buffer is left empty. */
int strbuf_finish(struct strbuf *sb, char **ret, size_t *ret_len);
void strbuf_done(struct strbuf *sb);
