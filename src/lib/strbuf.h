/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A growable NUL-terminated string. An allocation failure is sticky: later appends are
 * no-ops and strbuf_finish() reports -ENOMEM, so writers check once at the end.
 */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

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
_printf_(2, 0) void strbuf_vprintf(struct strbuf *sb, const char *fmt, va_list ap);
/* Append s as a JSON string literal, quotes included. */
void strbuf_put_json_string(struct strbuf *sb, const char *s, size_t n);
/* Move the text out: 0 and *ret (caller frees), or -ENOMEM. The buffer is left empty. */
int strbuf_finish(struct strbuf *sb, char **ret, size_t *ret_len);
void strbuf_done(struct strbuf *sb);
