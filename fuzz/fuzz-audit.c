/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The audit record parser on arbitrary bytes, line by line as 'kseccomp audit' feeds it: it
 * classifies every line without reading past it, and a record it accepts is consistent
 * (a known arch resolves its own number; the action formats).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A record that ends in its code= field (the kernel's last) and is cut anywhere inside that
 * value is unreadable, never a record with another action. Values with a leading zero are
 * left out: "0x0" (KILL_THREAD) has no shorter form, and "0x0" cut from a zero-padded
 * "0x00050000" (which the kernel never writes) is the one ambiguity span_code() keeps. */
static void
cut_inside_code(const char *line, size_t len)
{
	const char *code = NULL, *v;
	size_t n_codes = 0;

	if (line[0] == '{')
		return; /* journal or kseccomp JSON: a cut line is not JSON */
	for (const char *p = line; (p = memmem(p, (size_t)(line + len - p), " code=", 6)); p++) {
		code = p;
		n_codes++;
	}
	/* with two, the other one is read when the last is cut */
	if (n_codes != 1)
		return;
	v = code + 6;
	if (memchr(v, ' ', (size_t)(line + len - v)) ||
	    memchr(v, '\x1d', (size_t)(line + len - v)) || (line + len - v > 2 && v[2] == '0'))
		return;
	for (const char *cut = v; cut < line + len; cut++) {
		struct audit_record r;

		if (audit_parse_line(line, (size_t)(cut - line), &r, NULL, 0) == AUDIT_LINE_RECORD)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		/* a copy of exactly the line, so that ASan sees any read past it */
		char *line = malloc(len ? len : 1);
		struct audit_record r;
		char lost[64], action[32];

		if (!line)
			return 0;
		memcpy(line, p, len);
		switch (audit_parse_line(line, len, &r, lost, sizeof(lost))) {
		case AUDIT_LINE_RECORD:
			if (r.arch != KSC_ARCH_NONE && r.name &&
			    strcmp(r.name, ksc_syscall_name(r.arch, r.syscall)) != 0)
				abort();
			audit_action_format(r.code, action, sizeof(action));
			if (!action[0] || strlen(r.comm) >= sizeof(r.comm) ||
			    strlen(r.exe) >= sizeof(r.exe))
				abort();
			cut_inside_code(line, len);
			break;
		case AUDIT_LINE_LOST:
			if (strlen(lost) >= sizeof(lost))
				abort();
			break;
		default:
			break;
		}
		free(line);
		p += len + 1;
	}
	return 0;
}
