/* SPDX-License-Identifier: Apache-2.0 */
/*
 * audit: seccomp audit records (kernel/auditsc.c audit_seccomp(): "auid=%u uid=%u gid=%u
 * ses=%u subj=... pid=%d comm=%s exe=%s sig=%ld arch=%x syscall=%ld compat=%d ip=0x%lx
 * code=0x%x") in every place they are written. comm and exe are quoted, or hex-encoded
 * when they hold characters audit would not print (audit_log_untrustedstring()).
 */
#include <ctype.h>
#include <inttypes.h>

#include "audit.h"
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

/* A value: "quoted", or a token up to the next space; hex-encoded strings decoded when
 * decode_hex. Returns the length consumed, 0 on a malformed value. */
static size_t
read_value(const char *p, const char *end, char *out, size_t size, bool decode_hex)
{
	size_t n = 0, used;

	if (p < end && *p == '"') {
		const char *q = memchr(p + 1, '"', (size_t)(end - p - 1));

		if (!q)
			return 0;
		used = (size_t)(q - p - 1);
		n = MIN(used, size - 1);
		memcpy(out, p + 1, n);
		out[n] = '\0';
		return used + 2;
	}
	used = 0;
	while (p + used < end && p[used] != ' ' && p[used] != '\x1d')
		used++;
	if (decode_hex && used % 2 == 0 && used > 0 && !streq_n(p, used, "(null)")) {
		bool hex = true;

		for (size_t i = 0; i < used && hex; i++)
			hex = hex_value(p[i]) >= 0;
		if (hex) {
			for (size_t i = 0; i + 1 < used && n + 1 < size; i += 2)
				out[n++] = (char)(hex_value(p[i]) * 16 + hex_value(p[i + 1]));
			out[n] = '\0';
			return used;
		}
	}
	n = MIN(used, size - 1);
	memcpy(out, p, n);
	out[n] = '\0';
	return used;
}

static bool
parse_number(const char *s, int base, int64_t *ret)
{
	char *end = NULL;
	long long v;

	errno = 0;
	v = strtoll(s, &end, base);
	if (errno || end == s || *end)
		return false;
	*ret = v;
	return true;
}

static bool
parse_unsigned(const char *s, int base, uint64_t *ret)
{
	char *end = NULL;
	unsigned long long v;

	if (*s == '-')
		return false;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || end == s || *end)
		return false;
	*ret = v;
	return true;
}

/* "audit(1594067860.484:14536): key=value ..." up to the end (or the 0x1d separator). */
static bool
parse_body(const char *p, const char *end, struct audit_record *r)
{
	const char *q = memmem(p, (size_t)(end - p), "audit(", 6);
	char buf[600];
	bool have_arch = false, have_syscall = false, have_code = false;

	if (!q)
		return false;
	p = q + 6;
	q = memchr(p, ')', (size_t)(end - p));
	if (!q || (size_t)(q - p) >= 64)
		return false;
	{
		char stamp[64];
		char *colon, *tail = NULL;

		memcpy(stamp, p, (size_t)(q - p));
		stamp[q - p] = '\0';
		colon = strchr(stamp, ':');
		if (!colon)
			return false;
		*colon = '\0';
		errno = 0;
		r->time = strtod(stamp, &tail);
		if (errno || tail == stamp || *tail)
			return false;
		if (!parse_unsigned(colon + 1, 10, &r->serial))
			return false;
	}
	p = q + 1;
	if (p < end && *p == ':')
		p++;
	while (p < end && *p != '\x1d') {
		const char *key, *eq;
		size_t klen, used;

		while (p < end && *p == ' ')
			p++;
		if (p >= end || *p == '\x1d')
			break;
		key = p;
		eq = p;
		while (eq < end && *eq != '=' && *eq != ' ' && *eq != '\x1d')
			eq++;
		if (eq >= end || *eq != '=')
			return false;
		klen = (size_t)(eq - key);
		p = eq + 1;
		used = read_value(p, end, buf, sizeof(buf),
		                  streq_n(key, klen, "comm") || streq_n(key, klen, "exe"));
		if (used == 0 && p < end && *p == '"')
			return false;
		p += used;
		if (streq_n(key, klen, "auid") || streq_n(key, klen, "uid") ||
		    streq_n(key, klen, "gid") || streq_n(key, klen, "ses") ||
		    streq_n(key, klen, "pid")) {
			int64_t v;
			int64_t *slot = streq_n(key, klen, "auid")  ? &r->auid
			                : streq_n(key, klen, "uid") ? &r->uid
			                : streq_n(key, klen, "gid") ? &r->gid
			                : streq_n(key, klen, "ses") ? &r->ses
			                                            : &r->pid;

			if (!parse_number(buf, 10, &v))
				return false;
			*slot = v;
		} else if (streq_n(key, klen, "subj"))
			snprintf(r->subj, sizeof(r->subj), "%s", buf);
		else if (streq_n(key, klen, "comm"))
			snprintf(r->comm, sizeof(r->comm), "%s", buf);
		else if (streq_n(key, klen, "exe"))
			snprintf(r->exe, sizeof(r->exe), "%s", buf);
		else if (streq_n(key, klen, "sig")) {
			int64_t v;

			if (!parse_number(buf, 10, &v) || v < 0 || v > 64)
				return false;
			r->sig = (int)v;
		} else if (streq_n(key, klen, "arch")) {
			uint64_t v;

			if (!parse_unsigned(buf, 16, &v) || v > UINT32_MAX)
				return false;
			r->arch_token = (uint32_t)v;
			have_arch = true;
		} else if (streq_n(key, klen, "syscall")) {
			int64_t v;

			/* the kernel prints a long: x32 numbers carry bit 30, -1 happens */
			if (!parse_number(buf, 10, &v) || v < INT32_MIN || v > UINT32_MAX)
				return false;
			r->syscall = (uint32_t)v;
			have_syscall = true;
		} else if (streq_n(key, klen, "compat")) {
			int64_t v;

			if (!parse_number(buf, 10, &v) || v < 0 || v > 1)
				return false;
			r->compat = (int)v;
		} else if (streq_n(key, klen, "ip")) {
			if (!parse_unsigned(buf, 16, &r->ip))
				return false;
		} else if (streq_n(key, klen, "code")) {
			uint64_t v;

			if (!parse_unsigned(buf, 16, &v) || v > UINT32_MAX)
				return false;
			r->code = (uint32_t)v;
			have_code = true;
		}
		/* other keys (newer kernels add some) are skipped */
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
		if (n + 1 < size)
			buf[n++] = c;
	}
	if (p >= end)
		return false;
	buf[n] = '\0';
	*ret_len = n;
	return true;
}

enum audit_line
audit_parse_line(const char *line, size_t len, struct audit_record *ret, char *ret_lost,
                 size_t lost_size)
{
	const char *end = line + len, *body;
	struct audit_record r = {
		.auid = -1, .uid = -1, .gid = -1, .ses = -1, .pid = -1, .compat = -1
	};
	char msg[2048];
	bool seccomp;

	/* the fast path: most lines of a log are something else */
	seccomp = has(line, len, "type=1326") || has(line, len, "type=SECCOMP");
	if (!seccomp) {
		if (has(line, len, "suppressed") || has(line, len, "backlog limit") ||
		    has(line, len, "audit_lost=") || has(line, len, "rate limit"))
			return lost_line(line, len, ret_lost, lost_size) ? AUDIT_LINE_LOST
			                                                 : AUDIT_LINE_OTHER;
		return AUDIT_LINE_OTHER;
	}

	if (len > 0 && line[0] == '{') {
		size_t mlen = 0;

		if (!json_message(line, len, msg, sizeof(msg), &mlen))
			return AUDIT_LINE_MALFORMED;
		r.format = AUDIT_FORMAT_JOURNAL_JSON;
		line = msg;
		len = mlen;
		end = msg + mlen;
	} else if (startswith_n(line, len, "type=SECCOMP"))
		r.format = AUDIT_FORMAT_AUDITD;
	else if (len > 0 && line[0] == '[')
		r.format = AUDIT_FORMAT_DMESG;
	else if (len > 0 && isdigit((unsigned char)line[0]) && memchr(line, ';', MIN(len, 64)))
		r.format = AUDIT_FORMAT_KMSG;
	else if (startswith_n(line, len, "audit:") || startswith_n(line, len, "type=1326"))
		r.format = AUDIT_FORMAT_BARE;
	else
		r.format = AUDIT_FORMAT_SYSLOG;

	body = memmem(line, len, "audit(", 6);
	if (!body || !parse_body(line, end, &r))
		return AUDIT_LINE_MALFORMED;
	if (ret)
		*ret = r;
	return AUDIT_LINE_RECORD;
}

void
audit_action_format(uint32_t code, char *buf, size_t size)
{
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
