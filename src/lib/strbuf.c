/* SPDX-License-Identifier: Apache-2.0 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

static bool
strbuf_reserve(struct strbuf *sb, size_t extra)
{
	size_t need, cap;
	char *p;

	if (sb->oom)
		return false;
	if (extra > SIZE_MAX - sb->len - 1) {
		sb->oom = true;
		return false;
	}
	need = sb->len + extra + 1;
	if (need <= sb->cap)
		return true;
	cap = sb->cap ? sb->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = realloc(sb->buf, cap);
	if (!p) {
		sb->oom = true;
		return false;
	}
	sb->buf = p;
	sb->cap = cap;
	return true;
}

void
strbuf_append(struct strbuf *sb, const char *s, size_t n)
{
	if (!strbuf_reserve(sb, n))
		return;
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void
strbuf_puts(struct strbuf *sb, const char *s)
{
	strbuf_append(sb, s, strlen(s));
}

void
strbuf_putc(struct strbuf *sb, char c)
{
	strbuf_append(sb, &c, 1);
}

void
strbuf_vprintf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0) {
		sb->oom = true;
		return;
	}
	if (!strbuf_reserve(sb, (size_t)n))
		return;
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void
strbuf_put_vmessage(struct strbuf *sb, const char *kind, const char *fmt, va_list ap)
{
	struct strbuf text = { 0 };

	strbuf_vprintf(&text, fmt, ap);
	strbuf_puts(sb, "kseccomp: ");
	if (kind)
		strbuf_puts(sb, kind);
	if (text.buf)
		strbuf_put_escaped_message(sb, text.buf, text.len);
	strbuf_putc(sb, '\n');
	strbuf_done(&text);
}

void
strbuf_put_u64(struct strbuf *sb, uint64_t v)
{
	char digits[20], *d = digits + sizeof(digits);

	do
		*--d = (char)('0' + v % 10);
	while ((v /= 10) > 0);
	strbuf_append(sb, d, (size_t)(digits + sizeof(digits) - d));
}

void
strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vprintf(sb, fmt, ap);
	va_end(ap);
}

/* Length of the UTF-8 sequence at s (at most n bytes) and its code point, or 0 when the
 * bytes are not valid UTF-8 (overlong forms and surrogates included). */
static size_t
utf8_decode(const unsigned char *s, size_t n, uint32_t *ret_cp)
{
	size_t len;
	uint32_t cp;

	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	len = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	if (n < len)
		return 0;
	cp = s[0] & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*ret_cp = cp;
	return len;
}

void
strbuf_put_json_string(struct strbuf *sb, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	strbuf_putc(sb, '"');
	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		uint32_t cp = 0;
		size_t len;

		if (c >= 0x80) {
			/* Escape what YAML (and so libyaml, which reads our JSON back) does not
			 * allow raw: C1 controls, the BOM, U+FFFE/U+FFFF; bytes that are not
			 * UTF-8 become U+FFFD, so that the output is always valid JSON. */
			len = utf8_decode(p + i, n - i, &cp);
			if (len == 0) {
				strbuf_puts(sb, "\\ufffd");
				i++;
			} else if (cp <= 0x9f || cp == 0xfeff || cp == 0xfffe || cp == 0xffff) {
				strbuf_printf(sb, "\\u%04x", cp);
				i += len;
			} else {
				strbuf_append(sb, s + i, len);
				i += len;
			}
			continue;
		}
		switch (c) {
		case '"':
			strbuf_puts(sb, "\\\"");
			break;
		case '\\':
			strbuf_puts(sb, "\\\\");
			break;
		case '\b':
			strbuf_puts(sb, "\\b");
			break;
		case '\f':
			strbuf_puts(sb, "\\f");
			break;
		case '\n':
			strbuf_puts(sb, "\\n");
			break;
		case '\r':
			strbuf_puts(sb, "\\r");
			break;
		case '\t':
			strbuf_puts(sb, "\\t");
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				strbuf_printf(sb, "\\u%04x", c);
			else
				strbuf_putc(sb, (char)c);
		}
		i++;
	}
	strbuf_putc(sb, '"');
}

void
strbuf_put_json_str(struct strbuf *sb, const char *s)
{
	strbuf_put_json_string(sb, s ? s : "", s ? strlen(s) : 0);
}

/* The one-letter escapes of C, and \e for ESC as bash's $'...' and GNU printf write it. */
static char
escape_letter(unsigned char c)
{
	switch (c) {
	case '\a':
		return 'a';
	case '\b':
		return 'b';
	case '\t':
		return 't';
	case '\n':
		return 'n';
	case '\v':
		return 'v';
	case '\f':
		return 'f';
	case '\r':
		return 'r';
	case 0x1b:
		return 'e';
	default:
		return 0;
	}
}

/* How many bytes at s[0..n) are copied as they are: printable ASCII other than the
 * backslash, and valid UTF-8 sequences of code points above the C1 block. */
static size_t
plain_span(const unsigned char *s, size_t n, bool backslash_plain)
{
	size_t i = 0;

	while (i < n) {
		uint32_t cp = 0;
		size_t len;

		if (s[i] >= 0x20 && s[i] < 0x7f && (s[i] != '\\' || backslash_plain)) {
			i++;
			continue;
		}
		if (s[i] < 0x80)
			break;
		len = utf8_decode(s + i, n - i, &cp);
		if (len == 0 || cp <= 0x9f)
			break;
		i += len;
	}
	return i;
}

bool
strbuf_needs_escape(const char *s, size_t n)
{
	return plain_span((const unsigned char *)s, n, false) < n;
}

static void
put_escaped(struct strbuf *sb, const char *s, size_t n, bool backslash_plain)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		size_t plain = plain_span(p + i, n - i, backslash_plain);
		uint32_t cp = 0;
		size_t len;
		char letter;

		strbuf_append(sb, s + i, plain);
		i += plain;
		if (i >= n)
			break;
		letter = escape_letter(p[i]);
		if (p[i] == '\\')
			strbuf_puts(sb, "\\\\");
		else if (letter)
			strbuf_printf(sb, "\\%c", letter);
		else if (p[i] < 0x80)
			strbuf_printf(sb, "\\x%02x", p[i]);
		else if ((len = utf8_decode(p + i, n - i, &cp)) > 0) {
			/* a C1 control, the only valid UTF-8 plain_span() stops at */
			strbuf_printf(sb, "\\u%04x", cp);
			i += len;
			continue;
		} else
			strbuf_printf(sb, "\\x%02x", p[i]);
		i++;
	}
}

void
strbuf_put_escaped(struct strbuf *sb, const char *s, size_t n)
{
	put_escaped(sb, s, n, false);
}

void
strbuf_put_escaped_message(struct strbuf *sb, const char *s, size_t n)
{
	put_escaped(sb, s, n, true);
}

int
strbuf_finish(struct strbuf *sb, char **ret, size_t *ret_len)
{
	if (sb->oom) {
		strbuf_done(sb);
		return -ENOMEM;
	}
	if (!sb->buf) {
		sb->buf = strdup("");
		if (!sb->buf)
			return -ENOMEM;
	}
	*ret = sb->buf;
	if (ret_len)
		*ret_len = sb->len;
	*sb = (struct strbuf){ 0 };
	return 0;
}

void
strbuf_done(struct strbuf *sb)
{
	free(sb->buf);
	*sb = (struct strbuf){ 0 };
}
