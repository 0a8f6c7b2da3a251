/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "error.h"
#include "strbuf.h"

/* A runaway document must not make the list grow without bound. */
#define DIAGS_MAX 10000

struct ksc_diag {
	enum ksc_severity severity;
	char *file;
	unsigned line;
	unsigned column;
	char *path;
	char *reason;
	char *message;
	size_t seq; /* order found, the tie-break of document order */
};

struct ksc_diags {
	struct ksc_diag *items;
	size_t count;
	size_t cap;
	size_t errors;
	bool truncated;
};

struct ksc_diags *
ksc_diags_new(void)
{
	return calloc(1, sizeof(struct ksc_diags));
}

void
ksc_diags_free(struct ksc_diags *diags)
{
	if (!diags)
		return;
	for (size_t i = 0; i < diags->count; i++) {
		free(diags->items[i].file);
		free(diags->items[i].path);
		free(diags->items[i].reason);
		free(diags->items[i].message);
	}
	free(diags->items);
	free(diags);
}

size_t
ksc_diags_count(const struct ksc_diags *diags)
{
	return diags ? diags->count : 0;
}

size_t
ksc_diags_error_count(const struct ksc_diags *diags)
{
	return diags ? diags->errors : 0;
}

const struct ksc_diag *
ksc_diags_get(const struct ksc_diags *diags, size_t i)
{
	if (!diags || i >= diags->count)
		return NULL;
	return &diags->items[i];
}

enum ksc_severity
ksc_diag_severity(const struct ksc_diag *diag)
{
	return diag->severity;
}

const char *
ksc_diag_file(const struct ksc_diag *diag)
{
	return diag->file;
}

unsigned
ksc_diag_line(const struct ksc_diag *diag)
{
	return diag->line;
}

unsigned
ksc_diag_column(const struct ksc_diag *diag)
{
	return diag->column;
}

const char *
ksc_diag_path(const struct ksc_diag *diag)
{
	return diag->path;
}

const char *
ksc_diag_reason(const struct ksc_diag *diag)
{
	return diag->reason;
}

const char *
ksc_diag_message(const struct ksc_diag *diag)
{
	return diag->message;
}

char *
ksc_diag_format(const char *file, unsigned line, unsigned column, const char *path,
                const char *reason)
{
	struct strbuf sb = { 0 };
	char *text = NULL;

	if (file && *file) {
		strbuf_puts(&sb, file);
		if (line > 0)
			strbuf_printf(&sb, ":%u:%u", line, column);
		strbuf_puts(&sb, ": ");
	}
	if (path && *path)
		strbuf_printf(&sb, "%s: ", path);
	strbuf_puts(&sb, reason);
	if (strbuf_finish(&sb, &text, NULL) < 0)
		return NULL;
	return text;
}

int
ksc_diags_addf(struct ksc_diags *diags, enum ksc_severity severity, const char *file, unsigned line,
               unsigned column, const char *path, const char *fmt, ...)
{
	struct ksc_diag d = { .severity = severity, .line = line, .column = column };
	va_list ap;
	int n;

	if (!diags)
		return 0;
	if (severity == KSC_SEVERITY_ERROR)
		diags->errors++;
	if (diags->count >= DIAGS_MAX) {
		diags->truncated = true;
		return 0;
	}
	if (diags->count == diags->cap) {
		size_t cap = diags->cap ? diags->cap * 2 : 8;
		struct ksc_diag *items = reallocarray(diags->items, cap, sizeof(*items));

		if (!items)
			return -ENOMEM;
		diags->items = items;
		diags->cap = cap;
	}
	va_start(ap, fmt);
	n = vasprintf(&d.reason, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	d.file = strdup(file ? file : "");
	d.path = strdup(path ? path : "");
	d.message = ksc_diag_format(file, line, column, path, d.reason);
	if (!d.file || !d.path || !d.message) {
		free(d.file);
		free(d.path);
		free(d.reason);
		free(d.message);
		return -ENOMEM;
	}
	d.seq = diags->count;
	diags->items[diags->count++] = d;
	return 0;
}

static int
diag_position_cmp(const void *a, const void *b)
{
	const struct ksc_diag *x = a, *y = b;

	/* Diagnostics without a position (a file that cannot be read) come first. */
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->column != y->column)
		return x->column < y->column ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void
ksc_diags_sort(struct ksc_diags *diags, size_t from)
{
	if (!diags || from >= diags->count)
		return;
	qsort(diags->items + from, diags->count - from, sizeof(*diags->items), diag_position_cmp);
}
