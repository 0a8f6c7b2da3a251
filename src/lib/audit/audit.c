/* SPDX-License-Identifier: Apache-2.0 */
/*
 * audit: seccomp audit records (kernel/auditsc.c audit_seccomp(): "auid=%u uid=%u gid=%u
 * ses=%u subj=... pid=%d comm=%s exe=%s sig=%ld arch=%x syscall=%ld compat=%d ip=0x%lx
 * code=0x%x") in every place they are written. comm and exe are quoted, or hex-encoded
 * when they hold characters audit would not print (audit_log_untrustedstring()).
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "audit.h"
#include "doc.h"
#include "macro.h"

static bool
has(const char *s, size_t len, const char *needle)
{
	return memmem(s, len, needle, strlen(needle)) != NULL;
}

/* The kernel's and auditd's words for lost records. */
static bool
lost_line(const char *line, size_t len, char *out, size_t size)
{
	static const char *const markers[] = { "callbacks suppressed", "backlog limit exceeded",
		                               "audit_lost=", "audit: rate limit exceeded" };

	for (size_t i = 0; i < ELEMENTSOF(markers); i++) {
		const char *at = memmem(line, len, markers[i], strlen(markers[i]));
		const char *start = line;

		if (!at)
			continue;
		/* "audit_lost=" appears in every AUDIT_STATUS reply: only a nonzero count */
		if (i == 2) {
			const char *v = at + strlen("audit_lost=");

			if ((size_t)(v - line) < len && *v == '0' &&
			    ((size_t)(v + 1 - line) >= len || !isdigit((unsigned char)v[1])))
				return false;
		}
		/* "audit_printk_skb: 42 callbacks suppressed" is audit's own; other subsystems
		 * have callbacks too */
		if (i == 0 && !has(line, len, "audit"))
			return false;
		if (out && size) {
			size_t n = MIN(len, size - 1);

			memcpy(out, start, n);
			out[n] = '\0';
		}
		return true;
	}
	return false;
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Where a value lies: "quoted" (without the quotes) or a token up to the next space. */
struct span {
	const char *p;
	size_t len;
	bool quoted;
};

/* Returns the bytes consumed, 0 for an unterminated quote. */
static size_t
value_span(const char *p, const char *end, struct span *ret)
{
	if (p < end && *p == '"') {
		const char *q = memchr(p + 1, '"', (size_t)(end - p - 1));

		if (!q)
			return 0;
		*ret = (struct span){ p + 1, (size_t)(q - p - 1), true };
		return (size_t)(q - p) + 1;
	}
	{
		const char *sp = memchr(p, ' ', (size_t)(end - p));
		const char *stop = sp ? sp : end;
		const char *gs = memchr(p, '\x1d', (size_t)(stop - p));

		*ret = (struct span){ p, (size_t)((gs ? gs : stop) - p), false };
	}
	return ret->len;
}

/* A string field: quoted as is, unquoted hex-encoded (audit_log_untrustedstring()). */
static void
span_string(const struct span *v, char *out, size_t size)
{
	size_t n = 0;

	if (!v->quoted && v->len % 2 == 0 && v->len > 0) {
		bool hex = true;

		for (size_t i = 0; i < v->len && hex; i++)
			hex = hex_value(v->p[i]) >= 0;
		if (hex) {
			for (size_t i = 0; i + 1 < v->len && n + 1 < size; i += 2)
				out[n++] = (char)(hex_value(v->p[i]) * 16 + hex_value(v->p[i + 1]));
			out[n] = '\0';
			return;
		}
	}
	n = MIN(v->len, size - 1);
	memcpy(out, v->p, n);
	out[n] = '\0';
}

/* Digits in base 10 or 16 (optionally 0x), negative in base 10 when allowed; 64 bits. */
static bool
span_number(const struct span *v, unsigned base, bool allow_negative, int64_t *ret_signed,
            uint64_t *ret_unsigned)
{
	const char *p = v->p, *end = v->p + v->len;
	bool negative = false;
	uint64_t n = 0;

	if (v->quoted || p == end)
		return false;
	if (*p == '-') {
		if (!allow_negative || base != 10)
			return false;
		negative = true;
		if (++p == end)
			return false;
	}
	if (base == 16) {
		if (end - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
			p += 2;
		if (end - p > 16 || p == end)
			return false;
		for (; p < end; p++) {
			int d = hex_value(*p);

			if (d < 0)
				return false;
			n = n << 4 | (uint64_t)d;
		}
	} else {
		for (; p < end; p++) {
			unsigned d = (unsigned)(*p - '0');

			if (d > 9 || __builtin_mul_overflow(n, 10, &n) ||
			    __builtin_add_overflow(n, d, &n))
				return false;
		}
	}
	if (ret_signed && n > (uint64_t)INT64_MAX)
		return false;
	if (ret_unsigned)
		*ret_unsigned = n;
	if (ret_signed)
		*ret_signed = negative ? -(int64_t)n : (int64_t)n;
	return true;
}

/*
 * code=: the kernel writes "code=0x%x" of the action alone (kernel/seccomp.c
 * __seccomp_filter() passes filter_ret & SECCOMP_RET_ACTION_FULL to seccomp_log(); data is
 * never logged), and it is the last field of the record (auditsc.c audit_seccomp()). So a
 * record whose line was cut (a log line size limit, a line still being written) ends in a
 * prefix of it, e.g. "code=0x7ff" of 0x7ffc0000 (LOG), which as a number is KILL_THREAD
 * with data 0x7ff. Such a value is refused, which makes the record unreadable instead of
 * wrong: the 0x the kernel writes; 1 to 8 hex digits, without a leading zero unless all 8
 * are written; a known action in the high 16 bits (every prefix of 5 to 7 digits of a real
 * code has an unknown one); and for KILL_THREAD, 0x0 alone (every prefix of 1 to 4 digits
 * is KILL_THREAD with data). Other actions may carry data (sources that log the filter's
 * whole return value). What stays ambiguous: "0x0" cut from a zero-padded "0x00050000",
 * which the kernel never writes.
 */
static bool
span_code(const struct span *v, uint32_t *ret)
{
	uint64_t code = 0;

	if (v->quoted || v->len < 3 || v->len > 10 || v->p[0] != '0' || v->p[1] != 'x')
		return false;
	/* %x has no leading zero; a source that pads writes all 8 digits */
	if (v->p[2] == '0' && v->len != 3 && v->len != 10)
		return false;
	for (size_t i = 2; i < v->len; i++) {
		int d = hex_value(v->p[i]);

		if (d < 0)
			return false;
		code = code << 4 | (uint64_t)d;
	}
	switch (code & KSC_RET_ACTION_FULL) {
	case KSC_RET_KILL_THREAD:
		if (code != 0)
			return false;
		break;
	case KSC_RET_KILL_PROCESS:
	case KSC_RET_TRAP:
	case KSC_RET_ERRNO:
	case KSC_RET_USER_NOTIF:
	case KSC_RET_TRACE:
	case KSC_RET_LOG:
	case KSC_RET_ALLOW:
		break;
	default:
		return false;
	}
	*ret = (uint32_t)code;
	return true;
}

static bool
parse_body(const char *p, const char *end, struct audit_record *r)
{
	const char *q = memmem(p, (size_t)(end - p), "audit(", 6);
	bool have_arch = false, have_syscall = false, have_code = false;

	if (!q)
		return false;
	p = q + 6;
	q = memchr(p, ')', (size_t)(end - p));
	if (!q || (size_t)(q - p) >= 64)
		return false;
	{
		/* "SECONDS.FRACTION:SERIAL" */
		const char *colon = memchr(p, ':', (size_t)(q - p)), *dot;
		struct span secs, frac = { 0 }, serial;
		uint64_t s_val = 0, f_val = 0;

		if (!colon)
			return false;
		dot = memchr(p, '.', (size_t)(colon - p));
		secs = (struct span){ p, (size_t)((dot ? dot : colon) - p), false };
		if (dot)
			frac = (struct span){ dot + 1, (size_t)(colon - dot - 1), false };
		serial = (struct span){ colon + 1, (size_t)(q - colon - 1), false };
		if (!span_number(&secs, 10, false, NULL, &s_val) ||
		    (dot && (frac.len == 0 || frac.len > 9 ||
		             !span_number(&frac, 10, false, NULL, &f_val))) ||
		    !span_number(&serial, 10, false, NULL, &r->serial))
			return false;
		r->time = (double)s_val;
		if (dot) {
			double scale = 1;

			for (size_t i = 0; i < frac.len; i++)
				scale *= 10;
			r->time += (double)f_val / scale;
		}
	}
	p = q + 1;
	if (p < end && *p == ':')
		p++;
	while (p < end && *p != '\x1d') {
		const char *key, *eq;
		struct span v;
		size_t klen, used;
		int64_t sv;
		uint64_t uv;

		while (p < end && *p == ' ')
			p++;
		if (p >= end || *p == '\x1d')
			break;
		key = p;
		eq = memchr(p, '=', MIN((size_t)(end - p), 32));
		if (!eq)
			return false;
		klen = (size_t)(eq - key);
		if (memchr(key, ' ', klen) || memchr(key, '\x1d', klen))
			return false;
		p = eq + 1;
		used = value_span(p, end, &v);
		if (used == 0 && p < end && *p == '"')
			return false;
		p += used;
		/* dispatch on the key's length and letters: this runs once per field */
		switch (klen) {
		case 2: /* ip */
			if (key[0] == 'i' && key[1] == 'p' &&
			    !span_number(&v, 16, false, NULL, &r->ip))
				return false;
			break;
		case 3: /* uid gid ses pid sig exe */
			if (memcmp(key, "exe", 3) == 0) {
				span_string(&v, r->exe, sizeof(r->exe));
				break;
			}
			if (memcmp(key, "uid", 3) && memcmp(key, "gid", 3) &&
			    memcmp(key, "ses", 3) && memcmp(key, "pid", 3) && memcmp(key, "sig", 3))
				break;
			if (!span_number(&v, 10, true, &sv, NULL))
				return false;
			if (key[0] == 'u')
				r->uid = sv;
			else if (key[0] == 'g')
				r->gid = sv;
			else if (key[0] == 'p')
				r->pid = sv;
			else if (key[1] == 'e')
				r->ses = sv;
			else if (sv < 0 || sv > 64)
				return false;
			else
				r->sig = (int)sv;
			break;
		case 4: /* auid arch comm code subj */
			if (memcmp(key, "auid", 4) == 0) {
				if (!span_number(&v, 10, true, &r->auid, NULL))
					return false;
			} else if (memcmp(key, "arch", 4) == 0) {
				if (!span_number(&v, 16, false, NULL, &uv) || uv > UINT32_MAX)
					return false;
				r->arch_token = (uint32_t)uv;
				have_arch = true;
			} else if (memcmp(key, "comm", 4) == 0)
				span_string(&v, r->comm, sizeof(r->comm));
			else if (memcmp(key, "code", 4) == 0) {
				if (!span_code(&v, &r->code))
					return false;
				have_code = true;
			} else if (memcmp(key, "subj", 4) == 0) {
				size_t n = MIN(v.len, sizeof(r->subj) - 1);

				memcpy(r->subj, v.p, n);
				r->subj[n] = '\0';
			}
			break;
		case 6: /* compat */
			if (memcmp(key, "compat", 6) == 0) {
				if (!span_number(&v, 10, false, &sv, NULL) || sv > 1)
					return false;
				r->compat = (int)sv;
			}
			break;
		case 7: /* syscall: the kernel prints a long; x32 numbers carry bit 30, -1 happens */
			if (memcmp(key, "syscall", 7) == 0) {
				if (!span_number(&v, 10, true, &sv, NULL) || sv < INT32_MIN ||
				    sv > (int64_t)UINT32_MAX)
					return false;
				r->syscall = (uint32_t)sv;
				have_syscall = true;
			}
			break;
		default:
			break; /* other keys (newer kernels add some) are skipped */
		}
	}
	if (!have_arch || !have_syscall || !have_code)
		return false;
	if (ksc_arch_from_audit_token(r->arch_token, r->syscall, &r->arch) < 0)
		r->arch = KSC_ARCH_NONE;
	r->name = r->arch != KSC_ARCH_NONE ? ksc_syscall_name(r->arch, r->syscall) : NULL;
	return true;
}

/* journalctl -o json: the MESSAGE string (escapes decoded into buf). */
static bool
json_message(const char *line, size_t len, char *buf, size_t size, size_t *ret_len)
{
	const char *end = line + len, *p = memmem(line, len, "\"MESSAGE\"", 9);
	size_t n = 0;

	if (!p)
		return false;
	p += 9;
	while (p < end && (*p == ' ' || *p == ':'))
		p++;
	if (p >= end || *p != '"')
		return false; /* a byte array (non-UTF-8 message): not handled */
	for (p++; p < end && *p != '"'; p++) {
		char c = *p;

		if (c == '\\') {
			if (++p >= end)
				return false;
			switch (*p) {
			case 'n':
				c = '\n';
				break;
			case 't':
				c = '\t';
				break;
			case 'u': {
				unsigned v = 0;

				if (end - p < 5)
					return false;
				for (int i = 1; i <= 4; i++) {
					int h = hex_value(p[i]);

					if (h < 0)
						return false;
					v = v * 16 + (unsigned)h;
				}
				p += 4;
				c = v < 0x80 ? (char)v : '?';
				break;
			}
			default:
				c = *p; /* \" \\ \/ */
				break;
			}
		}
		/* a message cut to fit would end in a field cut mid-value: unreadable */
		if (n + 1 >= size)
			return false;
		buf[n++] = c;
	}
	if (p >= end)
		return false;
	buf[n] = '\0';
	*ret_len = n;
	return true;
}

static void
audit_record_reset(struct audit_record *rec)
{
	rec->time = 0;
	rec->serial = 0;
	rec->auid = rec->uid = rec->gid = rec->ses = rec->pid = -1;
	rec->subj[0] = rec->comm[0] = rec->exe[0] = '\0';
	rec->sig = 0;
	rec->compat = -1;
	rec->ip = 0;
}

/* ---------------------------------------------------------------------------------------- */
/* kseccomp audit -o json, read back                                                         */

/* A string member of a line's object into buf: false when absent, not a string, or longer. */
static bool
own_json_string(const struct ksc_node *obj, const char *key, char *buf, size_t size)
{
	const struct ksc_node *v = ksc_node_get(obj, key);

	if (!v || v->kind != KSC_NODE_SCALAR || v->type != KSC_SCALAR_STRING || v->len >= size ||
	    strlen(v->text) != v->len)
		return false;
	memcpy(buf, v->text, v->len + 1);
	return true;
}

/* An integer member (the ids may be -1). */
static bool
own_json_int(const struct ksc_node *obj, const char *key, int64_t *ret)
{
	const struct ksc_node *v = ksc_node_get(obj, key);
	char *end = NULL;

	if (!v || v->kind != KSC_NODE_SCALAR || v->type != KSC_SCALAR_NUMBER)
		return false;
	errno = 0;
	*ret = strtoll(v->text, &end, 10);
	return errno == 0 && end == v->text + v->len;
}

/* A "0x..." string member. */
static bool
own_json_hex(const struct ksc_node *obj, const char *key, uint64_t *ret)
{
	char num[24], *end = NULL;

	if (!own_json_string(obj, key, num, sizeof(num)) || !startswith(num, "0x") || !num[2])
		return false;
	errno = 0;
	*ret = strtoull(num + 2, &end, 16);
	return errno == 0 && *end == '\0';
}

/* One line of `kseccomp audit -o json`, read with the project's JSON reader: the kernel's
 * stamp ("record": "audit(T:S)"), the numbers and the names as printed; the syscall's name
 * and the action are derived again. */
static bool
parse_own_json(const char *line, size_t len, struct audit_record *r)
{
	_cleanup_(ksc_doc_freep) struct ksc_doc *doc = NULL;
	const struct ksc_node *obj;
	char arch[32], stamp[64];
	int64_t v;
	uint64_t u;

	if (ksc_doc_parse("-", line, len, KSC_DOC_JSON, &doc, NULL) < 0)
		return false;
	obj = ksc_doc_root(doc, 0);
	if (obj->kind != KSC_NODE_MAP || !own_json_string(obj, "record", stamp, sizeof(stamp)) ||
	    sscanf(stamp, "audit(%lf:%" SCNu64 ")", &r->time, &r->serial) != 2)
		return false;
	if (!own_json_int(obj, "nr", &v) || v < 0 || v > (int64_t)UINT32_MAX)
		return false;
	r->syscall = (uint32_t)v;
	if (!own_json_hex(obj, "code", &u) || u > UINT32_MAX)
		return false;
	r->code = (uint32_t)u;
	if (!own_json_string(obj, "arch", arch, sizeof(arch)))
		return false;
	if (ksc_arch_from_name(arch, &r->arch) < 0)
		r->arch = KSC_ARCH_NONE;
	r->arch_token = r->arch ? ksc_arch_audit_token(r->arch) : 0;
	r->name = r->arch ? ksc_syscall_name(r->arch, r->syscall) : NULL;
	if (!own_json_string(obj, "comm", r->comm, sizeof(r->comm)) ||
	    !own_json_string(obj, "exe", r->exe, sizeof(r->exe)))
		return false;
	(void)own_json_string(obj, "subj", r->subj, sizeof(r->subj));
	(void)own_json_int(obj, "pid", &r->pid);
	(void)own_json_int(obj, "auid", &r->auid);
	(void)own_json_int(obj, "uid", &r->uid);
	(void)own_json_int(obj, "gid", &r->gid);
	(void)own_json_int(obj, "ses", &r->ses);
	if (own_json_int(obj, "sig", &v) && v >= 0 && v <= 64)
		r->sig = (int)v;
	if (own_json_int(obj, "compat", &v) && v >= -1 && v <= 1)
		r->compat = (int)v;
	if (own_json_hex(obj, "ip", &u))
		r->ip = u;
	return true;
}

enum audit_line
audit_parse_line(const char *line, size_t len, struct audit_record *ret, char *ret_lost,
                 size_t lost_size)
{
	const char *end = line + len, *body;
	struct audit_record scratch, *rec = ret ? ret : &scratch;
	char msg[16384]; /* a MESSAGE longer than this is unreadable: json_message() */
	bool seccomp;

	/* The fast path: most lines of a log are something else. Every seccomp record and
	 * every lost-record notice says "audit" (kauditd, audit:, msg=audit(). */
	if (!memmem(line, len, "audit", 5))
		return AUDIT_LINE_OTHER;
	if (len > 0 && line[0] == '{' &&
	    memmem(line, len, "\"record\": \"audit(", strlen("\"record\": \"audit("))) {
		audit_record_reset(rec);
		rec->format = AUDIT_FORMAT_JSON;
		return parse_own_json(line, len, rec) ? AUDIT_LINE_RECORD : AUDIT_LINE_MALFORMED;
	}
	seccomp = false;
	for (const char *t = memmem(line, len, "type=", 5); t && !seccomp;
	     t = memmem(t + 1, (size_t)(end - t - 1), "type=", 5)) {
		size_t rest = (size_t)(end - t) - 5;

		seccomp = (rest >= 4 && memcmp(t + 5, "1326", 4) == 0) ||
		          (rest >= 7 && memcmp(t + 5, "SECCOMP", 7) == 0);
	}
	if (!seccomp)
		return lost_line(line, len, ret_lost, lost_size) ? AUDIT_LINE_LOST
		                                                 : AUDIT_LINE_OTHER;

	audit_record_reset(rec);
	if (len > 0 && line[0] == '{') {
		size_t mlen = 0;

		if (!json_message(line, len, msg, sizeof(msg), &mlen))
			return AUDIT_LINE_MALFORMED;
		rec->format = AUDIT_FORMAT_JOURNAL_JSON;
		line = msg;
		len = mlen;
		end = msg + mlen;
	} else if (startswith_n(line, len, "type=SECCOMP"))
		rec->format = AUDIT_FORMAT_AUDITD;
	else if (len > 0 && line[0] == '[')
		rec->format = AUDIT_FORMAT_DMESG;
	else if (len > 0 && isdigit((unsigned char)line[0]) && memchr(line, ';', MIN(len, 64)))
		rec->format = AUDIT_FORMAT_KMSG;
	else if (startswith_n(line, len, "audit:") || startswith_n(line, len, "type=1326"))
		rec->format = AUDIT_FORMAT_BARE;
	else
		rec->format = AUDIT_FORMAT_SYSLOG;

	body = memmem(line, len, "audit(", 6);
	if (!body || !parse_body(body, end, rec))
		return AUDIT_LINE_MALFORMED;
	return AUDIT_LINE_RECORD;
}

/* The kernel logs the action without its data (seccomp_log() is handed the filter's return
 * masked with SECCOMP_RET_ACTION_FULL): an ERRNO or TRACE record says nothing of the errno
 * or the tracer's value, and "ERRNO(0)" would claim one. A record that does carry data
 * (written by another tool) keeps it. */
void
audit_action_format(uint32_t code, char *buf, size_t size)
{
	uint32_t action = code & KSC_RET_ACTION_FULL;

	if ((code & KSC_RET_DATA) == 0 && (action == KSC_RET_ERRNO || action == KSC_RET_TRACE))
		snprintf(buf, size, "%s", action == KSC_RET_ERRNO ? "ERRNO" : "TRACE");
	else
		ksc_ret_format(code, buf, size);
}

/* ---------------------------------------------------------------------------------------- */
/* Attribution                                                                               */

/* A 64-hex-digit container ID after prefix ("cri-containerd-", "crio-", "docker-") or as a
 * path element of its own (cgroupfs layouts). */
static bool
find_container_id(const char *line, char *out, size_t size)
{
	static const char *const prefixes[] = { "cri-containerd-", "crio-", "docker-", "/" };

	for (size_t i = 0; i < ELEMENTSOF(prefixes); i++)
		for (const char *p = strstr(line, prefixes[i]); p; p = strstr(p + 1, prefixes[i])) {
			const char *id = p + strlen(prefixes[i]);
			size_t n = 0;

			while (isxdigit((unsigned char)id[n]))
				n++;
			if (n == 64 && (!id[n] || id[n] == '.' || id[n] == '/' || id[n] == '\n')) {
				snprintf(out, size, "%.*s", (int)n, id);
				return true;
			}
		}
	return false;
}

/* The pod UID: "kubepods-besteffort-pod<uid with _>.slice" (systemd) or "/pod<uid>/"
 * (cgroupfs). */
static bool
find_pod_uid(const char *line, char *out, size_t size)
{
	for (const char *p = strstr(line, "pod"); p; p = strstr(p + 1, "pod")) {
		const char *u = p + 3;
		size_t n = 0;

		while (isxdigit((unsigned char)u[n]) || u[n] == '_' || u[n] == '-')
			n++;
		if (n == 36 && (u[n] == '.' || u[n] == '/' || !u[n] || u[n] == '\n')) {
			snprintf(out, size, "%.*s", (int)n, u);
			for (char *c = out; *c; c++)
				if (*c == '_')
					*c = '-';
			return true;
		}
	}
	return false;
}

int
audit_attribute(int64_t pid, char *pod_uid, size_t pod_size, char *container_id,
                size_t container_size)
{
	_cleanup_(fclosep) FILE *f = NULL;
	char path[64], line[4096];

	pod_uid[0] = container_id[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%" PRId64 "/cgroup", pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (!*pod_uid)
			(void)find_pod_uid(line, pod_uid, pod_size);
		if (!*container_id)
			(void)find_container_id(line, container_id, container_size);
	}
	return 0;
}
