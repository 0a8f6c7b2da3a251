/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Go's encoding/json on a seccomp profile, as containerd's LoadProfile() and runc read it.
 * Go first checks the whole input (scanner.go: its messages are reproduced), then decodes
 * into the struct (decode.go): keys match a field exactly, else under case folding; a later
 * key overwrites an earlier one; unknown keys are dropped; null leaves a field as it is (a
 * slice nil); a value of the wrong kind is the first error kept, decoding going on. The
 * types are runtime-spec's specs.LinuxSeccomp, LinuxSyscall and LinuxSeccompArg.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "godecode.h"
#include "ksc-cleanup.h"
#include "macro.h"
#include "strbuf.h"

/* ---------------------------------------------------------------------------------------- */
/* The scanner: Go's checkValid()                                                            */

struct scan {
	const unsigned char *p, *end;
	char msg[160];
	unsigned depth;
};

/* Go's quoteChar(): the byte as a quoted character literal. */
static void
quote_char(unsigned char c, char *buf, size_t size)
{
	static const char esc[] = { ['\a'] = 'a', ['\b'] = 'b', ['\f'] = 'f', ['\n'] = 'n',
		                    ['\r'] = 'r', ['\t'] = 't', ['\v'] = 'v' };

	if (c == '\'')
		snprintf(buf, size, "'\\''");
	else if (c == '"')
		snprintf(buf, size, "'\"'");
	else if (c < sizeof(esc) && esc[c])
		snprintf(buf, size, "'\\%c'", esc[c]);
	else if (c < 0x20 || c == 0x7f)
		snprintf(buf, size, "'\\x%02x'", c);
	else if (c < 0x80)
		snprintf(buf, size, "'%c'", c);
	else if (c < 0xa1 || c == 0xad) /* C1 controls, no-break space, soft hyphen */
		snprintf(buf, size, "'\\u00%02x'", c);
	else /* the Latin-1 letter as UTF-8 */
		snprintf(buf, size, "'%c%c'", 0xc0 | (c >> 6), 0x80 | (c & 0x3f));
}

static int
scan_fail(struct scan *s, const char *context)
{
	char q[16];

	if (s->p >= s->end)
		snprintf(s->msg, sizeof(s->msg), "unexpected end of JSON input");
	else {
		quote_char(*s->p, q, sizeof(q));
		snprintf(s->msg, sizeof(s->msg), "invalid character %s %s", q, context);
	}
	return -EINVAL;
}

static void
skip_ws(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

static bool
is_hex(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int
scan_string(struct scan *s)
{
	s->p++; /* the opening quote */
	while (s->p < s->end) {
		unsigned char c = *s->p;

		if (c == '"') {
			s->p++;
			return 0;
		}
		if (c < 0x20)
			return scan_fail(s, "in string literal");
		s->p++;
		if (c != '\\')
			continue;
		if (s->p >= s->end)
			break;
		if (!strchr("\"\\/bfnrtu", *s->p) || !*s->p)
			return scan_fail(s, "in string escape code");
		if (*s->p++ != 'u')
			continue;
		for (int i = 0; i < 4; i++, s->p++)
			if (s->p >= s->end || !is_hex(*s->p))
				return scan_fail(s, "in \\u hexadecimal character escape");
	}
	return scan_fail(s, "");
}

static bool
is_digit(const struct scan *s)
{
	return s->p < s->end && *s->p >= '0' && *s->p <= '9';
}

static int
scan_number(struct scan *s)
{
	if (*s->p == '-') {
		s->p++;
		if (!is_digit(s))
			return scan_fail(s, "in numeric literal");
	}
	if (*s->p == '0')
		s->p++;
	else
		while (is_digit(s))
			s->p++;
	if (s->p < s->end && *s->p == '.') {
		s->p++;
		if (!is_digit(s))
			return scan_fail(s, "after decimal point in numeric literal");
		while (is_digit(s))
			s->p++;
	}
	if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
		s->p++;
		if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
			s->p++;
		if (!is_digit(s))
			return scan_fail(s, "in exponent of numeric literal");
		while (is_digit(s))
			s->p++;
	}
	return 0;
}

static int
scan_literal(struct scan *s, const char *word)
{
	char context[48];

	for (size_t i = 0; word[i]; i++, s->p++)
		if (s->p >= s->end || *s->p != (unsigned char)word[i]) {
			snprintf(context, sizeof(context), "in literal %s (expecting '%c')", word,
			         word[i]);
			return scan_fail(s, context);
		}
	return 0;
}

static int scan_value(struct scan *s);

static int
scan_container(struct scan *s, bool object)
{
	int r;

	if (++s->depth > 10000) /* Go's maxNestingDepth */
		return snprintf(s->msg, sizeof(s->msg), "exceeded max depth"), -EINVAL;
	s->p++;
	skip_ws(s);
	if (s->p < s->end && *s->p == (object ? '}' : ']')) {
		s->p++;
		s->depth--;
		return 0;
	}
	for (;;) {
		if (object) {
			if (s->p >= s->end || *s->p != '"')
				return scan_fail(s, "looking for beginning of object key string");
			r = scan_string(s);
			if (r < 0)
				return r;
			skip_ws(s);
			if (s->p >= s->end || *s->p != ':')
				return scan_fail(s, "after object key");
			s->p++;
		}
		r = scan_value(s);
		if (r < 0)
			return r;
		skip_ws(s);
		if (s->p < s->end && *s->p == ',') {
			s->p++;
			skip_ws(s);
			continue;
		}
		if (s->p < s->end && *s->p == (object ? '}' : ']')) {
			s->p++;
			s->depth--;
			return 0;
		}
		return scan_fail(s, object ? "after object key:value pair" : "after array element");
	}
}

static int
scan_value(struct scan *s)
{
	skip_ws(s);
	if (s->p >= s->end)
		return scan_fail(s, "");
	switch (*s->p) {
	case '{':
		return scan_container(s, true);
	case '[':
		return scan_container(s, false);
	case '"':
		return scan_string(s);
	case 't':
		return scan_literal(s, "true");
	case 'f':
		return scan_literal(s, "false");
	case 'n':
		return scan_literal(s, "null");
	default:
		if (*s->p == '-' || (*s->p >= '0' && *s->p <= '9'))
			return scan_number(s);
		return scan_fail(s, "looking for beginning of value");
	}
}

/* ---------------------------------------------------------------------------------------- */
/* The decoder, on the tree of the document (repeated keys kept, in order)                  */

struct dec {
	char error[320]; /* the first UnmarshalTypeError */
	struct strbuf out;
};

/* Go's name for what a JSON value is, in an UnmarshalTypeError. */
static const char *
kind_of(const struct ksc_node *n)
{
	if (n->kind == KSC_NODE_MAP)
		return "object";
	if (n->kind == KSC_NODE_SEQ)
		return "array";
	if (n->type == KSC_SCALAR_BOOL)
		return "bool";
	if (n->type == KSC_SCALAR_NUMBER)
		return "number";
	return "string";
}

static void
type_error(struct dec *d, const char *value, const char *strct, const char *path, const char *type)
{
	if (!*d->error)
		snprintf(d->error, sizeof(d->error),
		         "json: cannot unmarshal %s into Go struct field %s.%s of type %s", value,
		         strct, path, type);
}

/* A string field: the value's text, or why not (null leaves it as it was). */
static void
get_str(struct dec *d, const struct ksc_node *v, const char *strct, const char *path,
        const char *type, const char **out)
{
	if (ksc_node_is_null(v))
		return;
	if (!ksc_node_is_string(v)) {
		type_error(d, kind_of(v), strct, path, type);
		return;
	}
	*out = v->text;
}

/* An unsigned field (uint and uint64 are 64 bits on the runtimes' platforms). */
static void
get_uint(struct dec *d, const struct ksc_node *v, const char *strct, const char *path,
         const char *type, bool *has, uint64_t *out)
{
	char value[80];
	char *end;
	unsigned long long n;

	if (ksc_node_is_null(v)) {
		if (has)
			*has = false; /* a pointer set to nil */
		return;
	}
	if (v->kind != KSC_NODE_SCALAR || v->type != KSC_SCALAR_NUMBER) {
		type_error(d, kind_of(v), strct, path, type);
		return;
	}
	errno = 0;
	n = strtoull(v->text, &end, 10);
	if (*end || errno || v->text[0] == '-' || v->text[0] == '+') {
		/* strconv.ParseUint refuses it: Go names the number */
		snprintf(value, sizeof(value), "number %s", v->text);
		type_error(d, value, strct, path, type);
		return;
	}
	if (has)
		*has = true;
	*out = n;
}

/* A []string-like field: its elements, "" for those of the wrong kind. NULL: nil. */
static const struct ksc_node *
get_strings(struct dec *d, const struct ksc_node *v, const char *strct, const char *path,
            const char *slice_type, const char *elem_type, bool *is_nil)
{
	if (ksc_node_is_null(v)) {
		*is_nil = true;
		return NULL;
	}
	if (v->kind != KSC_NODE_SEQ) {
		type_error(d, kind_of(v), strct, path, slice_type);
		return NULL;
	}
	*is_nil = false;
	for (size_t i = 0; i < v->count; i++)
		if (!ksc_node_is_null(v->items[i]) && !ksc_node_is_string(v->items[i]))
			type_error(d, kind_of(v->items[i]), strct, path, elem_type);
	return v;
}

static void
put_strings(struct strbuf *sb, const struct ksc_node *v)
{
	strbuf_puts(sb, "[");
	for (size_t i = 0; i < v->count; i++) {
		strbuf_puts(sb, i ? ", " : "");
		strbuf_put_json_str(sb, ksc_node_is_string(v->items[i]) ? v->items[i]->text : "");
	}
	strbuf_puts(sb, "]");
}

static const char *const seccomp_fields[] = { "defaultAction", "defaultErrnoRet",
	                                      "architectures", "flags",
	                                      "listenerPath",  "listenerMetadata",
	                                      "syscalls" };
static const char *const syscall_fields[] = { "names", "action", "errnoRet", "args" };
static const char *const arg_fields[] = { "index", "value", "valueTwo", "op" };

/* One LinuxSeccompArg (an element of args): written as Go writes it. */
static void
decode_arg(struct dec *d, const struct ksc_node *m, bool first)
{
	const char *op = "";
	uint64_t index = 0, value = 0, value_two = 0;

	if (m->kind == KSC_NODE_MAP)
		for (size_t i = 0; i < m->count; i++) {
			size_t f = ksc_key_field_go(m->keys[i], arg_fields, ELEMENTSOF(arg_fields),
			                            NULL);
			const struct ksc_node *v = m->items[i];

			if (f == 0)
				get_uint(d, v, "LinuxSeccompArg", "syscalls.args.index", "uint",
				         NULL, &index);
			else if (f == 1)
				get_uint(d, v, "LinuxSeccompArg", "syscalls.args.value", "uint64",
				         NULL, &value);
			else if (f == 2)
				get_uint(d, v, "LinuxSeccompArg", "syscalls.args.valueTwo",
				         "uint64", NULL, &value_two);
			else if (f == 3)
				get_str(d, v, "LinuxSeccompArg", "syscalls.args.op",
				        "specs.LinuxSeccompOperator", &op);
		}
	else if (!ksc_node_is_null(m))
		type_error(d, kind_of(m), "LinuxSyscall", "syscalls.args", "specs.LinuxSeccompArg");
	strbuf_printf(&d->out, "%s{\"index\": %llu, \"value\": %llu", first ? "" : ", ",
	              (unsigned long long)index, (unsigned long long)value);
	if (value_two) /* omitempty */
		strbuf_printf(&d->out, ", \"valueTwo\": %llu", (unsigned long long)value_two);
	strbuf_puts(&d->out, ", \"op\": ");
	strbuf_put_json_str(&d->out, op);
	strbuf_puts(&d->out, "}");
}

/* One LinuxSyscall (an element of syscalls): written as Go writes it. */
static void
decode_syscall(struct dec *d, const struct ksc_node *m, bool first)
{
	const struct ksc_node *names = NULL, *args = NULL;
	const char *action = "";
	bool names_nil = true, args_nil = true, has_errno = false;
	uint64_t errno_ret = 0;

	if (m->kind == KSC_NODE_MAP)
		for (size_t i = 0; i < m->count; i++) {
			size_t f = ksc_key_field_go(m->keys[i], syscall_fields,
			                            ELEMENTSOF(syscall_fields), NULL);
			const struct ksc_node *v = m->items[i];

			if (f == 0)
				names = get_strings(d, v, "LinuxSyscall", "syscalls.names",
				                    "[]string", "string", &names_nil);
			else if (f == 1)
				get_str(d, v, "LinuxSyscall", "syscalls.action",
				        "specs.LinuxSeccompAction", &action);
			else if (f == 2)
				get_uint(d, v, "LinuxSyscall", "syscalls.errnoRet", "uint",
				         &has_errno, &errno_ret);
			else if (f == 3 && ksc_node_is_null(v))
				args = NULL, args_nil = true;
			else if (f == 3 && v->kind != KSC_NODE_SEQ)
				type_error(d, kind_of(v), "LinuxSyscall", "syscalls.args",
				           "[]specs.LinuxSeccompArg");
			else if (f == 3)
				args = v, args_nil = false;
		}
	else if (!ksc_node_is_null(m))
		type_error(d, kind_of(m), "LinuxSeccomp", "syscalls", "specs.LinuxSyscall");
	strbuf_puts(&d->out, first ? "\n{\"names\": " : ",\n{\"names\": ");
	if (names_nil || !names)
		strbuf_puts(&d->out, "null");
	else
		put_strings(&d->out, names);
	strbuf_puts(&d->out, ", \"action\": ");
	strbuf_put_json_str(&d->out, action);
	if (has_errno)
		strbuf_printf(&d->out, ", \"errnoRet\": %llu", (unsigned long long)errno_ret);
	if (!args_nil && args && args->count) { /* omitempty */
		strbuf_puts(&d->out, ", \"args\": [");
		for (size_t i = 0; i < args->count; i++)
			decode_arg(d, args->items[i], i == 0);
		strbuf_puts(&d->out, "]");
	}
	strbuf_puts(&d->out, "}");
}

static void
decode_seccomp(struct dec *d, const struct ksc_node *m)
{
	const struct ksc_node *arches = NULL, *flags = NULL, *syscalls = NULL;
	const char *def = "", *lpath = "", *lmeta = "";
	bool has_def_errno = false, arches_nil = true, flags_nil = true;
	uint64_t def_errno = 0;

	for (size_t i = 0; i < m->count; i++) {
		size_t f = ksc_key_field_go(m->keys[i], seccomp_fields, ELEMENTSOF(seccomp_fields),
		                            NULL);
		const struct ksc_node *v = m->items[i];

		if (f == 0)
			get_str(d, v, "LinuxSeccomp", "defaultAction", "specs.LinuxSeccompAction",
			        &def);
		else if (f == 1)
			get_uint(d, v, "LinuxSeccomp", "defaultErrnoRet", "uint", &has_def_errno,
			         &def_errno);
		else if (f == 2)
			arches = get_strings(d, v, "LinuxSeccomp", "architectures", "[]specs.Arch",
			                     "specs.Arch", &arches_nil);
		else if (f == 3)
			flags = get_strings(d, v, "LinuxSeccomp", "flags",
			                    "[]specs.LinuxSeccompFlag", "specs.LinuxSeccompFlag",
			                    &flags_nil);
		else if (f == 4)
			get_str(d, v, "LinuxSeccomp", "listenerPath", "string", &lpath);
		else if (f == 5)
			get_str(d, v, "LinuxSeccomp", "listenerMetadata", "string", &lmeta);
		else if (f == 6 && ksc_node_is_null(v))
			syscalls = NULL;
		else if (f == 6 && v->kind != KSC_NODE_SEQ)
			type_error(d, kind_of(v), "LinuxSeccomp", "syscalls",
			           "[]specs.LinuxSyscall");
		else if (f == 6)
			syscalls = v;
	}
	strbuf_puts(&d->out, "{\"defaultAction\": ");
	strbuf_put_json_str(&d->out, def);
	if (has_def_errno)
		strbuf_printf(&d->out, ", \"defaultErrnoRet\": %llu",
		              (unsigned long long)def_errno);
	if (!arches_nil && arches && arches->count) {
		strbuf_puts(&d->out, ", \"architectures\": ");
		put_strings(&d->out, arches);
	}
	if (!flags_nil && flags && flags->count) {
		strbuf_puts(&d->out, ", \"flags\": ");
		put_strings(&d->out, flags);
	}
	if (*lpath) {
		strbuf_puts(&d->out, ", \"listenerPath\": ");
		strbuf_put_json_str(&d->out, lpath);
	}
	if (*lmeta) {
		strbuf_puts(&d->out, ", \"listenerMetadata\": ");
		strbuf_put_json_str(&d->out, lmeta);
	}
	if (syscalls && syscalls->count) {
		strbuf_puts(&d->out, ", \"syscalls\": [");
		for (size_t i = 0; i < syscalls->count; i++)
			decode_syscall(d, syscalls->items[i], i == 0);
		strbuf_puts(&d->out, "\n]");
	}
	strbuf_puts(&d->out, "}\n");
}

int
go_seccomp_decode(const char *buf, size_t len, char **ret_json, char **ret_message)
{
	struct scan s = { (const unsigned char *)buf, (const unsigned char *)buf + len };
	_cleanup_(ksc_doc_freep) struct ksc_doc *doc = NULL;
	const struct ksc_node *root;
	struct dec d = { 0 };
	size_t out_len = 0;
	int r;

	*ret_json = *ret_message = NULL;
	r = scan_value(&s);
	if (r >= 0) {
		skip_ws(&s);
		if (s.p < s.end)
			r = scan_fail(&s, "after top-level value");
	}
	if (r < 0)
		return (*ret_message = strdup(s.msg)) ? -EINVAL : -ENOMEM;
	r = ksc_doc_parse("profile", buf, len, KSC_DOC_JSON | KSC_DOC_KEEP_REPEATED_KEYS, &doc,
	                  NULL);
	if (r < 0)
		/* valid JSON to Go that kseccomp's reader still refuses (invalid UTF-8) */
		return r == -ENOMEM
		               ? r
		               : ((*ret_message = strdup("kseccomp cannot read this JSON as Go "
		                                         "does (invalid UTF-8?)"))
		                          ? -EINVAL
		                          : -ENOMEM);
	root = ksc_doc_root(doc, 0);
	if (root->kind != KSC_NODE_MAP && !ksc_node_is_null(root)) {
		r = asprintf(ret_message,
		             "json: cannot unmarshal %s into Go value of type specs.LinuxSeccomp",
		             kind_of(root));
		return r < 0 ? -ENOMEM : -EINVAL;
	}
	if (ksc_node_is_null(root))
		strbuf_puts(&d.out, "{\"defaultAction\": \"\"}\n");
	else
		decode_seccomp(&d, root);
	if (*d.error) {
		strbuf_done(&d.out);
		return (*ret_message = strdup(d.error)) ? -EINVAL : -ENOMEM;
	}
	return strbuf_finish(&d.out, ret_json, &out_len);
}
