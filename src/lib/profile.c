/* SPDX-License-Identifier: Apache-2.0 */
/*
 * profile: read and validate an OCI seccomp profile.
 *
 * The rules come from the OCI runtime-spec (config-linux.md "Seccomp", schema
 * defs-linux.json), from what runc and crun accept or refuse, and from the Docker/moby and
 * containers/common extensions found in real default profiles. Every finding is a
 * diagnostic with the file, line:column and JSON path of the value it is about; the parser
 * goes on after an error so that one run reports everything, and the first error decides.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <strings.h>

#include "caps.h"
#include "profile.h"
#include "strbuf.h"
#include "syscalls.h"

#define PATH_MAX_LEN 256

struct ctx {
	const char *source;
	struct ksc_diags *diags;
	bool strict;
	enum ksc_arch native;
	struct ksc_profile *profile;
	struct ksc_doc *doc; /* what the rules' names and arrays live in */
	bool quiet;          /* the caller takes no diagnostics */
	int oom;
	unsigned searched; /* unknown names searched for a "did you mean": the first few only,
	                    * so that a profile of a million unknown names costs no search each */
};

_printf_(5, 6) static void diag(struct ctx *c, enum ksc_severity severity,
                                const struct ksc_node *at, const char *path, const char *fmt, ...);

_printf_(5, 0) static void vdiag(struct ctx *c, enum ksc_severity severity,
                                 const struct ksc_node *at, const char *path, const char *fmt,
                                 va_list ap)
{
	_cleanup_(freep) char *reason = NULL;

	if (severity == KSC_SEVERITY_WARNING && c->strict)
		severity = KSC_SEVERITY_ERROR;
	/* a caller that takes no diagnostics sees only the first error: warnings go unsaid */
	if (severity == KSC_SEVERITY_WARNING && c->quiet)
		return;
	if (vasprintf(&reason, fmt, ap) < 0) {
		reason = NULL;
		c->oom = -ENOMEM;
		return;
	}
	if (ksc_diags_addf(c->diags, severity, c->source, at ? at->line : 0, at ? at->column : 0,
	                   path, "%s", reason) < 0)
		c->oom = -ENOMEM;
}

static void
diag(struct ctx *c, enum ksc_severity severity, const struct ksc_node *at, const char *path,
     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag(c, severity, at, path, fmt, ap);
	va_end(ap);
}

#define error_at(c, at, path, ...)   diag(c, KSC_SEVERITY_ERROR, at, path, __VA_ARGS__)
#define warning_at(c, at, path, ...) diag(c, KSC_SEVERITY_WARNING, at, path, __VA_ARGS__)

/* Child paths: "syscalls[3]" + ".action", "names" + "[2]". A path longer than the buffer is
 * cut short: that shortens a message, never changes a decision. */
static void
path_join(char *buf, const char *parent, const char *sep, const char *child, const char *end)
{
	size_t n = 0;

	for (const char *part[] = { parent, sep, child, end }, **p = part; p < part + 4; p++) {
		size_t len = MIN(strlen(*p), (size_t)PATH_MAX_LEN - 1 - n);

		memmove(buf + n, *p, len); /* parent may be buf itself */
		n += len;
	}
	buf[n] = '\0';
}

static void
path_key(char *buf, const char *parent, const char *key)
{
	path_join(buf, parent, *parent ? "." : "", key, "");
}

static void
path_index(char *buf, const char *parent, size_t i)
{
	char num[24], *d = num + sizeof(num);

	/* By hand: a profile's paths are many, and snprintf() was a tenth of its parse. */
	*--d = '\0';
	do
		*--d = (char)('0' + i % 10);
	while ((i /= 10) > 0);
	path_join(buf, parent, "[", d, "]");
}

/* ---------------------------------------------------------------------------------------- */
/* Object fields: known keys, Go's case-insensitive matching, unknown keys.                  */

struct field_spec {
	const char *key;
	const char *note; /* for extension keys only: whose extension it is, for `show` */
};

struct field_match {
	const struct ksc_node *key;
	const struct ksc_node *value;
};

/*
 * Match the keys of an object against the known ones as Go's encoding/json does (runc,
 * containerd; see ksc_key_match_go): an exact key, else one equal under Go's case folding,
 * so "DefaultAction" does set defaultAction in a real runtime, and so does "ſyscalls"
 * (U+017F) set syscalls. Accept a folded key the same way, with a warning; two keys that set
 * one field are an error, since Go silently keeps the later one. Keys the model does not
 * know are collected in extras (a warning each: runtimes ignore them).
 */
static int
object_fields(struct ctx *c, const struct ksc_node *obj, const char *path,
              const struct field_spec *specs, size_t n_specs, struct field_match *out,
              struct ksc_extra **extras, size_t *n_extras)
{
	char sub[PATH_MAX_LEN];

	for (size_t i = 0; i < obj->count; i++) {
		const struct ksc_node *key = obj->keys[i];
		enum ksc_key_match how = KSC_KEY_NONE;
		size_t f = n_specs;

		for (size_t j = 0; j < n_specs; j++) {
			enum ksc_key_match m = ksc_key_match_go(key, specs[j].key);

			if (m == KSC_KEY_EXACT) {
				f = j;
				how = m;
				break;
			}
			if (m == KSC_KEY_FOLDED && f == n_specs) {
				f = j;
				how = m;
			}
		}
		path_key(sub, path, key->text);
		if (f < n_specs) {
			/* ASCII case keeps the length; U+017F and U+212A are longer in UTF-8. */
			bool beyond_ascii =
			        (out[f].key && out[f].key->len != strlen(specs[f].key)) ||
			        key->len != strlen(specs[f].key);

			if (out[f].key)
				error_at(c, key, sub,
				         "duplicate key: \"%s\" at line %u sets the same field "
				         "(%s%s)",
				         out[f].key->text, out[f].key->line,
				         ksc_key_fold_reason(out[f].key, key),
				         beyond_ascii ? "; Go keeps the later value" : "");
			else if (how == KSC_KEY_FOLDED && beyond_ascii)
				warning_at(
				        c, key, sub,
				        "key is read as \"%s\": %s; crun and other tools may not "
				        "read it",
				        specs[f].key, ksc_key_fold_reason(key, NULL));
			else if (how == KSC_KEY_FOLDED)
				warning_at(
				        c, key, sub,
				        "key is spelled \"%s\"; runc and containerd accept it "
				        "because Go's JSON decoder ignores case, other tools may "
				        "not",
				        specs[f].key);
			out[f] = (struct field_match){ key, obj->items[i] };
			continue;
		}
		if (strlen(key->text) != key->len)
			/* Go compares every byte: "syscalls\u0000" is not syscalls */
			warning_at(
			        c, key, sub,
			        "unknown key \"%s\" followed by a NUL character (runtimes ignore "
			        "it)",
			        key->text);
		else
			warning_at(c, key, sub, "unknown key \"%s\" (runtimes ignore it)",
			           key->text);
		if (extras) {
			struct ksc_extra *e =
			        reallocarray(*extras, *n_extras + 1, sizeof(**extras));

			if (!e)
				return -ENOMEM;
			*extras = e;
			/* all the key's bytes: `fmt` must not turn an ignored key into a field */
			e[*n_extras].key = malloc(key->len + 1);
			if (!e[*n_extras].key)
				return -ENOMEM;
			memcpy(e[*n_extras].key, key->text, key->len + 1);
			e[*n_extras].key_len = key->len;
			e[*n_extras].value = obj->items[i];
			(*n_extras)++;
		}
	}
	return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* Typed values with messages.                                                               */

static bool
get_string(struct ctx *c, const struct ksc_node *n, const char *path, const char **ret)
{
	const char *reason = NULL;

	if (ksc_node_to_string(n, ret, &reason) < 0) {
		error_at(c, n, path, "%s", reason);
		return false;
	}
	return true;
}

static bool
get_u32(struct ctx *c, const struct ksc_node *n, const char *path, uint32_t *ret)
{
	const char *reason = NULL;

	if (ksc_node_to_u32(n, ret, &reason) < 0) {
		error_at(c, n, path, "%s", reason);
		return false;
	}
	return true;
}

static bool
get_u64(struct ctx *c, const struct ksc_node *n, const char *path, uint64_t *ret)
{
	const char *reason = NULL;

	if (ksc_node_to_u64(n, ret, &reason) < 0) {
		error_at(c, n, path, "%s", reason);
		return false;
	}
	return true;
}

/* An array, or null (Go decodes null as an empty slice). */
static bool
get_array(struct ctx *c, const struct ksc_node *n, const char *path)
{
	if (n->kind == KSC_NODE_SEQ || ksc_node_is_null(n))
		return true;
	error_at(c, n, path, "must be an array, got %s", ksc_node_type_name(n));
	return false;
}

static bool
get_object(struct ctx *c, const struct ksc_node *n, const char *path)
{
	if (n->kind == KSC_NODE_MAP)
		return true;
	error_at(c, n, path, "must be an object, got %s", ksc_node_type_name(n));
	return false;
}

static char *
xstrdup(struct ctx *c, const char *s)
{
	char *d = strdup(s);

	if (!d)
		c->oom = -ENOMEM;
	return d;
}

/* "one of A, B, C" from a NULL-terminated or counted name table. */
static void
list_names(struct strbuf *sb, const char *(*name_of)(unsigned), unsigned first, unsigned last)
{
	bool any = false;

	for (unsigned i = first; i <= last; i++) {
		const char *n = name_of(i);

		if (!n)
			continue;
		strbuf_printf(sb, "%s%s", any ? ", " : "", n);
		any = true;
	}
}

static const char *
action_name_of(unsigned i)
{
	return ksc_action_name((enum ksc_action)i);
}

static const char *
op_name_of(unsigned i)
{
	return ksc_op_name((enum ksc_op)i);
}

static const char *
arch_name_of(unsigned i)
{
	return ksc_arch_oci_name((enum ksc_arch)i);
}

static const char *
flag_name_of(unsigned i)
{
	return i < 4 ? ksc_flag_name((enum ksc_filter_flag)(1u << i)) : NULL;
}

/* A hint for a near miss: the same name in another case, or without its prefix. */
static const char *
suggest(const char *got, const char *prefix, const char *(*name_of)(unsigned), unsigned first,
        unsigned last)
{
	for (unsigned i = first; i <= last; i++) {
		const char *n = name_of(i);

		if (!n)
			continue;
		if (strcasecmp(got, n) == 0)
			return n;
		if (strncmp(n, prefix, strlen(prefix)) == 0 &&
		    strcasecmp(got, n + strlen(prefix)) == 0)
			return n;
	}
	return NULL;
}

static void
unknown_enum(struct ctx *c, const struct ksc_node *n, const char *path, const char *what,
             const char *got, const char *prefix, const char *(*name_of)(unsigned), unsigned first,
             unsigned last)
{
	struct strbuf sb = { 0 };
	const char *hint = suggest(got, prefix, name_of, first, last);

	list_names(&sb, name_of, first, last);
	if (hint)
		error_at(c, n, path, "unknown %s \"%s\" (did you mean \"%s\"?)", what, got, hint);
	else
		error_at(c, n, path, "unknown %s \"%s\" (expected one of %s)", what, got,
		         sb.buf ? sb.buf : "");
	if (sb.oom)
		c->oom = -ENOMEM;
	strbuf_done(&sb);
}

static bool
parse_action(struct ctx *c, const struct ksc_node *n, const char *path, enum ksc_action *ret)
{
	const char *s;

	if (!get_string(c, n, path, &s))
		return false;
	if (ksc_action_from_name(s, ret) == 0)
		return true;
	unknown_enum(c, n, path, "action", s, "SCMP_ACT_", action_name_of, 1, _KSC_ACT_MAX - 1);
	return false;
}

static bool
parse_arch(struct ctx *c, const struct ksc_node *n, const char *path, enum ksc_arch *ret)
{
	const char *s;

	if (!get_string(c, n, path, &s))
		return false;
	/* Only the OCI spelling: runc maps SCMP_ARCH_* names and nothing else. */
	for (unsigned a = 1; a < _KSC_ARCH_MAX; a++)
		if (streq(s, ksc_arch_oci_name((enum ksc_arch)a))) {
			*ret = (enum ksc_arch)a;
			switch (*ret) {
			case KSC_ARCH_PARISC:
			case KSC_ARCH_PARISC64:
			case KSC_ARCH_M68K:
			case KSC_ARCH_SH:
			case KSC_ARCH_SHEB:
				warning_at(c, n, path,
				           "runc refuses %s (\"not a valid arch for seccomp\"); "
				           "crun accepts it",
				           s);
				break;
			default:
				break;
			}
			return true;
		}
	unknown_enum(c, n, path, "architecture", s, "SCMP_ARCH_", arch_name_of, 1,
	             _KSC_ARCH_MAX - 1);
	return false;
}

/* errnoRet / defaultErrnoRet: the value must be encodable in SECCOMP_RET_DATA and should be
 * one the kernel returns unchanged. */
static void
check_errno_value(struct ctx *c, const struct ksc_node *n, const char *path, enum ksc_action action,
                  uint32_t value)
{
	if (value > KSC_RET_DATA_MAX) {
		error_at(c, n, path,
		         "%" PRIu32 " does not fit in the 16 bits of SECCOMP_RET_DATA "
		         "(libseccomp would silently use %" PRIu32 ")",
		         value, value & KSC_RET_DATA_MAX);
		return;
	}
	if (action == KSC_ACT_ERRNO && value > KSC_LIBSECCOMP_MAX_ERRNO)
		warning_at(c, n, path,
		           "runc and crun (through libseccomp 2.5) refuse errno values above %u: a "
		           "container with this profile does not start",
		           KSC_LIBSECCOMP_MAX_ERRNO);
}

/* containers/common writes the errno's name next to the number ("errno": "EPERM"). */
static char *
parse_errno_name(struct ctx *c, const struct ksc_node *n, const char *path, bool has_number,
                 uint32_t number, const char *number_key)
{
	const char *s;
	uint32_t v;

	if (!get_string(c, n, path, &s))
		return NULL;
	if (ksc_errno_from_name(s, &v) < 0)
		warning_at(c, n, path, "unknown errno name \"%s\" (runtimes ignore this key)", s);
	else if (!has_number)
		warning_at(c, n, path,
		           "runtimes ignore this containers/common key: set %s to %" PRIu32
		           " for %s to take effect",
		           number_key, v, s);
	else if (v != number)
		warning_at(c, n, path,
		           "\"%s\" is %" PRIu32 " but %s is %" PRIu32 "; runtimes use %s", s, v,
		           number_key, number, number_key);
	return xstrdup(c, s);
}

int
ksc_kernel_version_parse(const char *s, unsigned *ret_major, unsigned *ret_minor)
{
	unsigned long major, minor;
	char *end;

	/* moby's minKernel: "MAJOR.MINOR", digits only, not 0.0. */
	if (!isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	major = strtoul(s, &end, 10);
	if (errno || *end != '.' || !isdigit((unsigned char)end[1]) || major > 65535)
		return -EINVAL;
	minor = strtoul(end + 1, &end, 10);
	if (errno || *end != '\0' || minor > 65535 || (major == 0 && minor == 0))
		return -EINVAL;
	*ret_major = (unsigned)major;
	*ret_minor = (unsigned)minor;
	return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* Rules.                                                                                    */

static int
parse_string_list(struct ctx *c, const struct ksc_node *n, const char *path, char ***ret,
                  size_t *ret_n)
{
	char sub[PATH_MAX_LEN];

	if (!get_array(c, n, path) || n->kind != KSC_NODE_SEQ)
		return 0;
	*ret = calloc(n->count ? n->count : 1, sizeof(char *));
	if (!*ret)
		return -ENOMEM;
	for (size_t i = 0; i < n->count; i++) {
		const char *s;

		if (!ksc_node_is_string(n->items[i])) {
			path_index(sub, path, i);
			(void)get_string(c, n->items[i], sub, &s); /* reports why */
			continue;
		}
		s = n->items[i]->text;
		(*ret)[*ret_n] = xstrdup(c, s);
		if (!(*ret)[*ret_n])
			return -ENOMEM;
		(*ret_n)++;
	}
	return 0;
}

/* A rule's names: the document's own strings, in an array of the document's. */
static int
parse_name_list(struct ctx *c, const struct ksc_node *n, const char *path, struct ksc_rule *rule)
{
	char sub[PATH_MAX_LEN];

	if (!get_array(c, n, path) || n->kind != KSC_NODE_SEQ)
		return 0;
	rule->names = ksc_doc_alloc(c->doc, n->count * sizeof(*rule->names));
	if (!rule->names)
		return -ENOMEM;
	for (size_t i = 0; i < n->count; i++) {
		const char *s;

		if (!ksc_node_is_string(n->items[i])) {
			path_index(sub, path, i);
			(void)get_string(c, n->items[i], sub, &s); /* reports why */
			continue;
		}
		rule->names[rule->n_names++] = n->items[i]->text;
	}
	return 0;
}

static bool
is_moby_arch(const char *s)
{
	enum ksc_arch a;

	if (streq(s, "mips3l64n32")) /* moby's own spelling of mipsel64n32 */
		return true;
	if (ksc_arch_from_name(s, &a) < 0)
		return false;
	return ksc_arch_go_name(a) && streq(ksc_arch_go_name(a), s);
}

static int
parse_rule_filter(struct ctx *c, const struct ksc_node *n, const char *path,
                  struct ksc_rule_filter *f)
{
	static const struct field_spec specs[] = {
		{ "caps", NULL },
		{ "arches", NULL },
		{ "minKernel", NULL },
	};
	struct field_match m[ELEMENTSOF(specs)] = { 0 };
	char sub[PATH_MAX_LEN], item[PATH_MAX_LEN];
	int r;

	if (ksc_node_is_null(n))
		return 0;
	if (!get_object(c, n, path))
		return 0;
	f->present = true;
	r = object_fields(c, n, path, specs, ELEMENTSOF(specs), m, NULL, NULL);
	if (r < 0)
		return r;
	if (m[0].value) {
		path_key(sub, path, "caps");
		r = parse_string_list(c, m[0].value, sub, &f->caps, &f->n_caps);
		if (r < 0)
			return r;
		for (size_t i = 0; m[0].value->kind == KSC_NODE_SEQ && i < m[0].value->count; i++) {
			const struct ksc_node *cn = m[0].value->items[i];

			if (!ksc_node_is_string(cn))
				continue;
			path_index(item, sub, i);
			if (ksc_cap_from_name(cn->text) < 0)
				warning_at(c, cn, item, "unknown capability \"%s\"", cn->text);
		}
	}
	if (m[1].value) {
		path_key(sub, path, "arches");
		r = parse_string_list(c, m[1].value, sub, &f->arches, &f->n_arches);
		if (r < 0)
			return r;
		for (size_t i = 0; m[1].value->kind == KSC_NODE_SEQ && i < m[1].value->count; i++) {
			const struct ksc_node *an = m[1].value->items[i];

			if (!ksc_node_is_string(an))
				continue;
			path_index(item, sub, i);
			if (!is_moby_arch(an->text))
				warning_at(c, an, item,
				           "unknown architecture \"%s\" (moby compares these with "
				           "names such as amd64, x86, x32, arm, arm64, ppc64le, "
				           "s390x, riscv64)",
				           an->text);
		}
	}
	if (m[2].value && !ksc_node_is_null(m[2].value)) {
		const struct ksc_node *kn = m[2].value;
		const char *s;

		path_key(sub, path, "minKernel");
		if (!ksc_node_is_string(kn))
			error_at(c, kn, sub,
			         "invalid kernel version: must be a string \"MAJOR.MINOR\", got %s",
			         ksc_node_type_name(kn));
		else if (get_string(c, kn, sub, &s) && *s) {
			if (ksc_kernel_version_parse(s, &f->min_kernel_major,
			                             &f->min_kernel_minor) < 0)
				error_at(c, kn, sub,
				         "invalid kernel version \"%s\" (expected \"MAJOR.MINOR\", "
				         "e.g. \"4.8\")",
				         s);
			else {
				f->min_kernel = xstrdup(c, s);
				if (!f->min_kernel)
					return -ENOMEM;
			}
		}
	}
	return 0;
}

static int
parse_arg(struct ctx *c, const struct ksc_node *n, const char *path, struct ksc_arg *arg,
          bool *ret_ok)
{
	static const struct field_spec specs[] = {
		{ "index", NULL },
		{ "value", NULL },
		{ "valueTwo", NULL },
		{ "op", NULL },
	};
	struct field_match m[ELEMENTSOF(specs)] = { 0 };
	char sub[PATH_MAX_LEN];
	bool ok = true;
	const char *s;
	int r;

	*ret_ok = false;
	if (!get_object(c, n, path))
		return 0;
	r = object_fields(c, n, path, specs, ELEMENTSOF(specs), m, NULL, NULL);
	if (r < 0)
		return r;
	arg->pos = (struct ksc_pos){ n->line, n->column };

	path_key(sub, path, "index");
	if (!m[0].value) {
		error_at(c, n, sub, "required field is missing");
		ok = false;
	} else if (get_u32(c, m[0].value, sub, &arg->index)) {
		if (arg->index >= 6) {
			error_at(c, m[0].value, sub,
			         "%" PRIu32 " is out of range: a syscall has six arguments, "
			         "index 0 to 5",
			         arg->index);
			ok = false;
		}
	} else
		ok = false;

	path_key(sub, path, "value");
	if (!m[1].value) {
		error_at(c, n, sub, "required field is missing");
		ok = false;
	} else if (!get_u64(c, m[1].value, sub, &arg->value))
		ok = false;

	path_key(sub, path, "valueTwo");
	if (m[2].value) {
		if (get_u64(c, m[2].value, sub, &arg->value_two))
			arg->has_value_two = true;
		else
			ok = false;
	}

	path_key(sub, path, "op");
	if (m[3].value && ksc_node_is_string(m[3].value) &&
	    streq(m[3].value->text, "SCMP_CMP_MASKED_EQ") && m[1].value && ok) {
		/* How libseccomp compiles it (db.c): (arg & value) == (valueTwo & value), each
		 * 32-bit half with a zero mask skipped. */
		if (arg->value == 0)
			warning_at(
			        c, m[1].value, path,
			        "SCMP_CMP_MASKED_EQ with mask 0 always matches: libseccomp drops "
			        "the comparison");
		else if (arg->value_two & ~arg->value)
			warning_at(c, m[2].value ? m[2].value : n, path,
			           "valueTwo 0x%" PRIx64 " has bits outside the mask 0x%" PRIx64
			           ": libseccomp compares (arg & 0x%" PRIx64 ") == 0x%" PRIx64
			           ", not what is written",
			           arg->value_two, arg->value, arg->value,
			           arg->value_two & arg->value);
	}
	if (!m[3].value) {
		error_at(c, n, sub, "required field is missing");
		ok = false;
	} else if (get_string(c, m[3].value, sub, &s)) {
		if (ksc_op_from_name(s, &arg->op) < 0) {
			unknown_enum(c, m[3].value, sub, "operator", s, "SCMP_CMP_", op_name_of, 1,
			             _KSC_OP_MAX - 1);
			ok = false;
		}
	} else
		ok = false;

	*ret_ok = ok;
	return 0;
}

static bool
syscall_name_valid(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '_'))
			return false;
	return true;
}

static bool
filter_has_arch(const struct ksc_rule_filter *f, enum ksc_arch a)
{
	const char *go = ksc_arch_go_name(a);

	for (size_t i = 0; i < f->n_arches; i++)
		if (go && streq(f->arches[i], go))
			return true;
	return false;
}

/*
 * The arches a rule's names are checked against: those of includes.arches when the rule is
 * restricted to some (Docker's per-arch rules), else the profile's targets on the host,
 * minus excludes.arches.
 */
static size_t
rule_target_arches(const struct ksc_profile *p, const struct ksc_rule *rule, enum ksc_arch native,
                   enum ksc_arch *out)
{
	enum ksc_arch all[_KSC_ARCH_MAX];
	size_t n = 0, k = 0;

	if (rule->includes.n_arches > 0) {
		for (unsigned a = 1; a < _KSC_ARCH_MAX; a++)
			if (filter_has_arch(&rule->includes, (enum ksc_arch)a))
				all[n++] = (enum ksc_arch)a;
	} else
		n = ksc_profile_target_arches(p, native, all, ELEMENTSOF(all));
	for (size_t i = 0; i < n; i++)
		if (!filter_has_arch(&rule->excludes, all[i]))
			out[k++] = all[i];
	return k;
}

struct name_ref {
	const char *name;
	size_t index;
};

static int
name_ref_cmp(const void *a, const void *b)
{
	const struct name_ref *x = a, *y = b;
	int r = strcmp(x->name, y->name);

	if (r)
		return r;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* The id of a name string in the syscall tables, or -1 (a name with a NUL is none). */
static int
name_id(const struct ksc_node *item)
{
	return syscalls_name_id_len(item->text, item->len);
}

/* The architectures a rule filters. */
struct targets {
	const enum ksc_arch *v;
	size_t n;
};

/* Whether the name of id is a syscall, or a multiplexed call, on one of the targets. */
static bool
on_targets(int id, void *userdata)
{
	const struct targets *t = userdata;

	for (size_t i = 0; i < t->n; i++) {
		uint32_t nr, mux, call;

		if (syscalls_resolve_id((int)t->v[i], id, &nr) == 0 ||
		    syscalls_multiplexed_id((int)t->v[i], id, &mux, &call) > 0)
			return true;
	}
	return false;
}

/* parent + "[index]" is the name's path, built only when there is something to say
 * (index SIZE_MAX: the path is parent itself). */
static void
check_one_name(struct ctx *c, const char *name, int id, const struct ksc_node *at,
               const char *parent, size_t index, const enum ksc_arch *targets, size_t n_targets,
               bool repeated)
{
	struct strbuf sb = { 0 };
	struct targets filtered = { targets, n_targets };
	char path[PATH_MAX_LEN];
	bool fine = id >= 0 && !repeated; /* a name of the tables is valid syntax */

	if (fine && (n_targets == 0 || on_targets(id, &filtered)))
		return;
	if (index == SIZE_MAX)
		path_key(path, "", parent);
	else
		path_index(path, parent, index);

	if (!syscall_name_valid(name)) {
		error_at(c, at, path,
		         "\"%s\" is not a syscall name (lower-case letters, digits and '_')", name);
		return;
	}
	if (repeated)
		warning_at(c, at, path, "\"%s\" is listed twice in this rule", name);
	if (id < 0) {
		const char *closest = c->searched++ < 16
		                              ? syscalls_closest_name(name, on_targets, &filtered)
		                              : NULL;

		warning_at(c, at, path,
		           "unknown syscall \"%s\" (not in the %s syscall table of any "
		           "architecture; runtimes skip it)%s%s%s",
		           name, ksc_syscall_table_version(), closest ? ": did you mean \"" : "",
		           closest ? closest : "", closest ? "\"?" : "");
		return;
	}
	if (n_targets == 0 || on_targets(id, &filtered)) /* a repeated name, all the same */
		return;
	for (size_t t = 0; t < n_targets; t++)
		strbuf_printf(&sb, "%s%s", t ? ", " : "", ksc_arch_name(targets[t]));
	warning_at(c, at, path, "\"%s\" is not a syscall on %s (runtimes skip it there)", name,
	           sb.buf ? sb.buf : "");
	if (sb.oom)
		c->oom = -ENOMEM;
	strbuf_done(&sb);
}

/* Check every name of a rule at its own position: the syntax, repetitions (found by sorting,
 * so that Docker's 360-name lists stay cheap), and whether it is a syscall on the arches the
 * rule applies to. */
static void
check_rule_names(struct ctx *c, const struct ksc_rule *rule, const struct ksc_node *names_node,
                 const char *names_path)
{
	/* most lists are short: their scratch space is on the stack */
	struct name_ref refs_small[16];
	int ids_small[16];
	bool repeated_small[16];
	uint64_t seen_small[32];
	_cleanup_(freep) struct name_ref *refs_big = NULL;
	_cleanup_(freep) int *ids_big = NULL;
	_cleanup_(freep) bool *repeated_big = NULL;
	_cleanup_(freep) uint64_t *seen_big = NULL;
	struct name_ref *refs = refs_small;
	int *ids = ids_small;
	bool *repeated = repeated_small;
	uint64_t *seen = seen_small;
	size_t words = syscalls_names_count / 64 + 1, count = names_node->count;
	enum ksc_arch targets[_KSC_ARCH_MAX];
	size_t n_targets = rule_target_arches(c->profile, rule, c->native, targets), n = 0;

	if (names_node->kind != KSC_NODE_SEQ) {
		if (rule->n_names == 1)
			check_one_name(c, rule->names[0], name_id(names_node), names_node,
			               names_path, SIZE_MAX, targets, n_targets, false);
		return;
	}
	if (count > ELEMENTSOF(refs_small)) {
		refs = refs_big = calloc(count, sizeof(*refs));
		ids = ids_big = calloc(count, sizeof(*ids));
		repeated = repeated_big = calloc(count, sizeof(*repeated));
		if (!refs_big || !ids_big || !repeated_big) {
			c->oom = -ENOMEM;
			return;
		}
	}
	if (words > ELEMENTSOF(seen_small)) {
		seen = seen_big = calloc(words, sizeof(*seen));
		if (!seen_big) {
			c->oom = -ENOMEM;
			return;
		}
	} else
		memset(seen_small, 0, sizeof(seen_small));
	/* A name the tables know repeats when its id was seen before in this list; the others
	 * (unknown names, rare) are found by sorting them, so that Docker's 360-name lists stay
	 * cheap either way. */
	for (size_t j = 0; j < count; j++) {
		const struct ksc_node *item = names_node->items[j];
		int id;

		repeated[j] = false;
		ids[j] = -1;
		if (!ksc_node_is_string(item))
			continue;
		ids[j] = id = name_id(item);
		if (id < 0)
			refs[n++] = (struct name_ref){ item->text, j };
		else if (seen[id / 64] & (1ull << (id % 64)))
			repeated[j] = true;
		else
			seen[id / 64] |= 1ull << (id % 64);
	}
	qsort(refs, n, sizeof(*refs), name_ref_cmp);
	for (size_t k = 1; k < n; k++)
		if (streq(refs[k].name, refs[k - 1].name))
			repeated[refs[k].index] = true;

	for (size_t j = 0; j < count; j++) {
		const struct ksc_node *item = names_node->items[j];

		if (!ksc_node_is_string(item))
			continue; /* already reported */
		check_one_name(c, item->text, ids[j], item, names_path, j, targets, n_targets,
		               repeated[j]);
	}
}

/* Where each name was written, for messages about a rule after parsing (a runtime that
 * skips one name of a list). Left NULL when a name that is not a string was dropped: the
 * profile is invalid then. */
static int
rule_name_positions(struct ctx *c, struct ksc_rule *rule, const struct ksc_node *names_node)
{
	size_t count = names_node->kind == KSC_NODE_SEQ ? names_node->count : 1;

	if (rule->n_names == 0 || count != rule->n_names)
		return 0;
	rule->name_pos = ksc_doc_alloc(c->doc, rule->n_names * sizeof(*rule->name_pos));
	if (!rule->name_pos)
		return -ENOMEM;
	for (size_t j = 0; j < rule->n_names; j++) {
		const struct ksc_node *at =
		        names_node->kind == KSC_NODE_SEQ ? names_node->items[j] : names_node;

		rule->name_pos[j] = (struct ksc_pos){ at->line, at->column };
	}
	return 0;
}

/* names / name. moby refuses a rule where both are non-empty ("both 'name' and 'names' are
 * specified"); otherwise a non-empty one wins. *ret_names_node is the node the names were
 * read from, NULL when none. */
static int
parse_rule_names(struct ctx *c, const struct ksc_node *n, const char *path,
                 const struct field_match *names, const struct field_match *name,
                 struct ksc_rule *rule, const struct ksc_node **ret_names_node)
{
	const struct ksc_node *nn = names->value, *n1 = name->value;
	bool names_set = nn && nn->kind == KSC_NODE_SEQ && nn->count > 0;
	bool name_set = n1 && !ksc_node_is_null(n1) && !(ksc_node_is_string(n1) && n1->len == 0);
	char sub[PATH_MAX_LEN];
	const char *s;

	*ret_names_node = NULL;
	if (names_set && name_set) {
		path_key(sub, path, "name");
		error_at(c, name->key, sub,
		         "both 'name' and 'names' are specified in the seccomp profile, use "
		         "either 'name' or 'names'");
	} else if (name_set) {
		*ret_names_node = n1;
		path_key(sub, path, "name");
		if (get_string(c, n1, sub, &s)) {
			rule->names = ksc_doc_alloc(c->doc, sizeof(*rule->names));
			if (!rule->names)
				return -ENOMEM;
			rule->names[0] = s;
			rule->n_names = 1;
			rule->single_name = true;
			warning_at(c, name->key, sub,
			           "\"name\" is a Docker extension: runc, crun and containerd "
			           "read only \"names\", so under Kubernetes this rule matches "
			           "no syscall");
		}
	} else if (nn) {
		*ret_names_node = nn;
		path_key(sub, path, "names");
		if (!names_set && (nn->kind == KSC_NODE_SEQ || ksc_node_is_null(nn)))
			error_at(c, nn, sub,
			         "must list at least one syscall (runtime-spec: minItems 1)");
		return parse_name_list(c, nn, sub, rule);
	} else {
		path_key(sub, path, "names");
		error_at(c, n, sub, "required field is missing");
	}
	return 0;
}

/* errnoRet (v) and containers/common's errno (name). runtime-spec: "when the action doesn't
 * support an errno, the runtime MUST print an error and fail" (crun does; runc silently
 * ignores it). */
static int
parse_rule_errno(struct ctx *c, const struct ksc_node *v, const struct ksc_node *name,
                 const char *path, bool action_ok, struct ksc_rule *rule)
{
	char sub[PATH_MAX_LEN];

	if (v && !ksc_node_is_null(v)) {
		path_key(sub, path, "errnoRet");
		if (get_u32(c, v, sub, &rule->errno_ret)) {
			rule->has_errno = true;
			rule->errno_pos = (struct ksc_pos){ v->line, v->column };
			if (action_ok && rule->action != KSC_ACT_ERRNO &&
			    rule->action != KSC_ACT_TRACE)
				error_at(c, v, sub,
				         "only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take an errno, "
				         "not %s",
				         ksc_action_name(rule->action));
			else if (action_ok)
				check_errno_value(c, v, sub, rule->action, rule->errno_ret);
		}
	}
	if (name) {
		path_key(sub, path, "errno");
		rule->errno_name = parse_errno_name(c, name, sub, rule->has_errno, rule->errno_ret,
		                                    "errnoRet");
		if (c->oom)
			return c->oom;
	}
	return 0;
}

static int
parse_rule_args(struct ctx *c, const struct ksc_node *an, const char *path, struct ksc_rule *rule)
{
	char sub[PATH_MAX_LEN], item[PATH_MAX_LEN];
	int r;

	path_key(sub, path, "args");
	if (!get_array(c, an, sub) || an->kind != KSC_NODE_SEQ || an->count == 0)
		return 0;
	rule->args = ksc_doc_alloc(c->doc, an->count * sizeof(*rule->args));
	if (!rule->args)
		return -ENOMEM;
	for (size_t i = 0; i < an->count; i++) {
		bool ok;

		path_index(item, sub, i);
		r = parse_arg(c, an->items[i], item, &rule->args[rule->n_args], &ok);
		if (r < 0)
			return r;
		if (ok)
			rule->n_args++;
	}
	return 0;
}

/* NOTIFY: runc refuses it for write(2) (the agent could never be told). */
static void
check_notify_write(struct ctx *c, const struct ksc_node *action, const char *path,
                   const struct ksc_rule *rule)
{
	char sub[PATH_MAX_LEN];

	for (size_t i = 0; i < rule->n_names; i++)
		if (streq(rule->names[i], "write")) {
			path_key(sub, path, "action");
			error_at(c, action, sub,
			         "SCMP_ACT_NOTIFY cannot be used for the write syscall "
			         "(the process could deadlock writing to its agent)");
			return;
		}
}

static int
parse_rule(struct ctx *c, const struct ksc_node *n, const char *path, struct ksc_rule *rule)
{
	static const struct field_spec specs[] = {
		{ "names", NULL },      { "name", "moby" },     { "action", NULL },
		{ "errnoRet", NULL },   { "args", NULL },       { "comment", "moby" },
		{ "includes", "moby" }, { "excludes", "moby" }, { "errno", "containers/common" },
	};
	enum {
		F_NAMES,
		F_NAME,
		F_ACTION,
		F_ERRNO_RET,
		F_ARGS,
		F_COMMENT,
		F_INCLUDES,
		F_EXCLUDES,
		F_ERRNO
	};
	struct field_match m[ELEMENTSOF(specs)] = { 0 };
	char sub[PATH_MAX_LEN];
	const struct ksc_node *names_node = NULL;
	bool action_ok = false;
	const char *s;
	int r;

	if (!get_object(c, n, path))
		return 0;
	rule->pos = (struct ksc_pos){ n->line, n->column };
	r = object_fields(c, n, path, specs, ELEMENTSOF(specs), m, &rule->extras, &rule->n_extras);
	if (r < 0)
		return r;

	/* Conditions first: they decide which arches the names are checked on. */
	if (m[F_INCLUDES].value) {
		path_key(sub, path, "includes");
		r = parse_rule_filter(c, m[F_INCLUDES].value, sub, &rule->includes);
		if (r < 0)
			return r;
	}
	if (m[F_EXCLUDES].value) {
		path_key(sub, path, "excludes");
		r = parse_rule_filter(c, m[F_EXCLUDES].value, sub, &rule->excludes);
		if (r < 0)
			return r;
	}
	r = parse_rule_names(c, n, path, &m[F_NAMES], &m[F_NAME], rule, &names_node);
	if (r < 0)
		return r;

	path_key(sub, path, "action");
	if (!m[F_ACTION].value)
		error_at(c, n, sub, "required field is missing");
	else
		action_ok = parse_action(c, m[F_ACTION].value, sub, &rule->action);
	r = parse_rule_errno(c, m[F_ERRNO_RET].value, m[F_ERRNO].value, path, action_ok, rule);
	if (r < 0)
		return r;
	if (m[F_ARGS].value) {
		r = parse_rule_args(c, m[F_ARGS].value, path, rule);
		if (r < 0)
			return r;
	}
	if (m[F_COMMENT].value && !ksc_node_is_null(m[F_COMMENT].value)) {
		path_key(sub, path, "comment");
		if (get_string(c, m[F_COMMENT].value, sub, &s)) {
			rule->comment = xstrdup(c, s);
			if (!rule->comment)
				return -ENOMEM;
		}
	}
	if (action_ok && rule->action == KSC_ACT_NOTIFY)
		check_notify_write(c, m[F_ACTION].value, path, rule);

	if (names_node) {
		path_key(sub, path, rule->single_name ? "name" : "names");
		check_rule_names(c, rule, names_node, sub);
		r = rule_name_positions(c, rule, names_node);
		if (r < 0)
			return r;
	}
	return c->oom;
}

/* ---------------------------------------------------------------------------------------- */
/* The profile.                                                                              */

static int
parse_arch_list(struct ctx *c, const struct ksc_node *n, const char *path, enum ksc_arch **ret,
                size_t *ret_n)
{
	char sub[PATH_MAX_LEN];

	if (!get_array(c, n, path) || n->kind != KSC_NODE_SEQ || n->count == 0)
		return 0;
	*ret = calloc(n->count, sizeof(**ret));
	if (!*ret)
		return -ENOMEM;
	for (size_t i = 0; i < n->count; i++) {
		enum ksc_arch a;
		bool dup = false;

		path_index(sub, path, i);
		if (!parse_arch(c, n->items[i], sub, &a))
			continue;
		for (size_t j = 0; j < *ret_n; j++)
			dup = dup || (*ret)[j] == a;
		if (dup) {
			warning_at(c, n->items[i], sub, "%s is listed twice", ksc_arch_oci_name(a));
			continue;
		}
		(*ret)[(*ret_n)++] = a;
	}
	return 0;
}

static int
parse_arch_map(struct ctx *c, const struct ksc_node *n, const char *path, struct ksc_profile *p)
{
	static const struct field_spec specs[] = {
		{ "architecture", NULL },
		{ "subArchitectures", NULL },
	};
	char sub[PATH_MAX_LEN], item[PATH_MAX_LEN];
	int r;

	if (!get_array(c, n, path) || n->kind != KSC_NODE_SEQ)
		return 0;
	p->has_arch_map = true;
	if (n->count == 0)
		return 0;
	p->arch_map = calloc(n->count, sizeof(*p->arch_map));
	if (!p->arch_map)
		return -ENOMEM;
	for (size_t i = 0; i < n->count; i++) {
		struct field_match m[ELEMENTSOF(specs)] = { 0 };
		struct ksc_arch_map_entry *e = &p->arch_map[p->n_arch_map];

		path_index(sub, path, i);
		if (!get_object(c, n->items[i], sub))
			continue;
		r = object_fields(c, n->items[i], sub, specs, ELEMENTSOF(specs), m, NULL, NULL);
		if (r < 0)
			return r;
		path_key(item, sub, "architecture");
		if (!m[0].value) {
			error_at(c, n->items[i], item, "required field is missing");
			continue;
		}
		if (!parse_arch(c, m[0].value, item, &e->arch))
			continue;
		for (size_t j = 0; j < p->n_arch_map; j++)
			if (p->arch_map[j].arch == e->arch)
				warning_at(c, m[0].value, item,
				           "%s has an earlier archMap entry, which moby uses",
				           ksc_arch_oci_name(e->arch));
		if (m[1].value) {
			path_key(item, sub, "subArchitectures");
			r = parse_arch_list(c, m[1].value, item, &e->subs, &e->n_subs);
			if (r < 0)
				return r;
		}
		p->n_arch_map++;
	}
	return 0;
}

static int
parse_flags(struct ctx *c, const struct ksc_node *n, const char *path, struct ksc_profile *p)
{
	char sub[PATH_MAX_LEN];

	if (!get_array(c, n, path))
		return 0;
	/* An explicit null decodes as a nil slice in Go: the same as an absent key. */
	if (ksc_node_is_null(n))
		return 0;
	p->flags_present = true;
	if (n->count == 0)
		return 0;
	p->flag_order = calloc(n->count, sizeof(char *));
	if (!p->flag_order)
		return -ENOMEM;
	for (size_t i = 0; i < n->count; i++) {
		enum ksc_filter_flag f;
		const char *s;

		path_index(sub, path, i);
		if (!get_string(c, n->items[i], sub, &s))
			continue;
		if (ksc_flag_from_name(s, &f) < 0) {
			unknown_enum(c, n->items[i], sub, "flag", s, "SECCOMP_FILTER_FLAG_",
			             flag_name_of, 0, 3);
			continue;
		}
		if (p->flags & f) {
			warning_at(c, n->items[i], sub, "%s is listed twice", s);
			continue;
		}
		p->flags |= f;
		p->flag_order[p->n_flag_order] = xstrdup(c, s);
		if (!p->flag_order[p->n_flag_order])
			return -ENOMEM;
		p->n_flag_order++;
	}
	return 0;
}

/* defaultAction: required. runc runs a container whose profile has neither a defaultAction
 * nor syscalls with no seccomp filter at all: refuse that here. Returns whether the action
 * is one the errno fields can be checked against. */
static bool
parse_default_action(struct ctx *c, const struct ksc_node *root, const struct ksc_node *v)
{
	struct ksc_profile *p = c->profile;

	if (!v) {
		error_at(c, root, "defaultAction",
		         "required field is missing (runc would run the workload without any "
		         "seccomp filter)");
		return false;
	}
	if (!parse_action(c, v, "defaultAction", &p->default_action))
		return false;
	if (p->default_action == KSC_ACT_NOTIFY) {
		error_at(c, v, "defaultAction", "SCMP_ACT_NOTIFY cannot be the default action");
		return false;
	}
	return true;
}

/* defaultErrnoRet (v) and containers/common's defaultErrno (name). */
static int
parse_default_errno(struct ctx *c, const struct ksc_node *v, const struct ksc_node *name,
                    bool default_ok)
{
	struct ksc_profile *p = c->profile;

	if (v && !ksc_node_is_null(v) && get_u32(c, v, "defaultErrnoRet", &p->default_errno)) {
		p->has_default_errno = true;
		p->default_errno_pos = (struct ksc_pos){ v->line, v->column };
		if (default_ok && p->default_action != KSC_ACT_ERRNO &&
		    p->default_action != KSC_ACT_TRACE)
			error_at(c, v, "defaultErrnoRet",
			         "only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take an errno, not %s",
			         ksc_action_name(p->default_action));
		else if (default_ok)
			check_errno_value(c, v, "defaultErrnoRet", p->default_action,
			                  p->default_errno);
	}
	if (name) {
		p->default_errno_name =
		        parse_errno_name(c, name, "defaultErrno", p->has_default_errno,
		                         p->default_errno, "defaultErrnoRet");
		if (c->oom)
			return c->oom;
	}
	return 0;
}

/* architectures, or moby's archMap; moby compares the lengths: an empty list does not
 * conflict. */
static int
parse_profile_arches(struct ctx *c, const struct field_match *arches,
                     const struct field_match *arch_map)
{
	struct ksc_profile *p = c->profile;
	int r;

	if (arches->value && arch_map->value && arches->value->kind == KSC_NODE_SEQ &&
	    arches->value->count > 0 && arch_map->value->kind == KSC_NODE_SEQ &&
	    arch_map->value->count > 0)
		error_at(c, arch_map->key, "archMap",
		         "both 'architectures' and 'archMap' are specified in the seccomp "
		         "profile, use either 'architectures' or 'archMap'");
	if (arches->value) {
		r = parse_arch_list(c, arches->value, "architectures", &p->arches, &p->n_arches);
		if (r < 0)
			return r;
	}
	if (arch_map->value) {
		r = parse_arch_map(c, arch_map->value, "archMap", p);
		if (r < 0)
			return r;
	}
	return 0;
}

/* listenerPath and listenerMetadata. */
static int
parse_listener(struct ctx *c, const struct ksc_node *path, const struct ksc_node *metadata)
{
	struct ksc_profile *p = c->profile;
	const char *s;

	if (path && !ksc_node_is_null(path) && get_string(c, path, "listenerPath", &s)) {
		p->listener_path = xstrdup(c, s);
		if (!p->listener_path)
			return -ENOMEM;
		if (s[0] == '@')
			warning_at(c, path, "listenerPath",
			           "\"%s\" is an abstract socket: runc connects to it, crun "
			           "refuses it (not an absolute path)",
			           s);
		else if (s[0] && s[0] != '/')
			warning_at(c, path, "listenerPath",
			           "\"%s\" is relative: crun refuses it and runc resolves it "
			           "against the runtime's working directory",
			           s);
	}
	if (metadata && !ksc_node_is_null(metadata) &&
	    get_string(c, metadata, "listenerMetadata", &s)) {
		p->listener_metadata = xstrdup(c, s);
		if (!p->listener_metadata)
			return -ENOMEM;
		/* runtime-spec: "MUST NOT be set if listenerPath is not set". */
		if (!p->listener_path || !*p->listener_path)
			error_at(c, metadata, "listenerMetadata",
			         "must not be set without listenerPath (runtime-spec)");
	}
	return 0;
}

/* syscalls[]. *ret_notify_action is the value of the first SCMP_ACT_NOTIFY rule's action
 * key, when there is one. */
static int
parse_rules(struct ctx *c, const struct ksc_node *sn, const struct ksc_node **ret_notify_action)
{
	struct ksc_profile *p = c->profile;
	char sub[PATH_MAX_LEN];
	int r;

	if (!sn || !get_array(c, sn, "syscalls") || sn->kind != KSC_NODE_SEQ || sn->count == 0)
		return 0;
	p->rules = calloc(sn->count, sizeof(*p->rules));
	if (!p->rules)
		return -ENOMEM;
	for (size_t i = 0; i < sn->count; i++) {
		struct ksc_rule *rule = &p->rules[p->n_rules];

		path_index(sub, "syscalls", i);
		r = parse_rule(c, sn->items[i], sub, rule);
		p->n_rules++; /* counted even when partial: ksc_profile_free frees it */
		if (r < 0)
			return r;
		if (rule->action == KSC_ACT_NOTIFY && !*ret_notify_action &&
		    sn->items[i]->kind == KSC_NODE_MAP)
			/* the key that set the action, spelled as Go accepts it */
			for (size_t k = 0; k < sn->items[i]->count; k++)
				if (ksc_key_match_go(sn->items[i]->keys[k], "action"))
					*ret_notify_action = sn->items[i]->items[k];
	}
	return 0;
}

static int
parse_profile(struct ctx *c, const struct ksc_node *root)
{
	static const struct field_spec specs[] = {
		{ "defaultAction", NULL },
		{ "defaultErrnoRet", NULL },
		{ "architectures", NULL },
		{ "archMap", "moby" },
		{ "flags", NULL },
		{ "listenerPath", NULL },
		{ "listenerMetadata", NULL },
		{ "syscalls", NULL },
		{ "defaultErrno", "containers/common" },
	};
	enum {
		F_DEFAULT_ACTION,
		F_DEFAULT_ERRNO_RET,
		F_ARCHES,
		F_ARCH_MAP,
		F_FLAGS,
		F_LISTENER_PATH,
		F_LISTENER_METADATA,
		F_SYSCALLS,
		F_DEFAULT_ERRNO
	};
	struct field_match m[ELEMENTSOF(specs)] = { 0 };
	struct ksc_profile *p = c->profile;
	const struct ksc_node *notify_action = NULL;
	bool default_ok;
	int r;

	if (root->kind != KSC_NODE_MAP) {
		error_at(c, root, "", "a seccomp profile must be a JSON object, got %s",
		         ksc_node_type_name(root));
		return 0;
	}
	r = object_fields(c, root, "", specs, ELEMENTSOF(specs), m, &p->extras, &p->n_extras);
	if (r < 0)
		return r;

	default_ok = parse_default_action(c, root, m[F_DEFAULT_ACTION].value);
	r = parse_default_errno(c, m[F_DEFAULT_ERRNO_RET].value, m[F_DEFAULT_ERRNO].value,
	                        default_ok);
	if (r < 0)
		return r;
	r = parse_profile_arches(c, &m[F_ARCHES], &m[F_ARCH_MAP]);
	if (r < 0)
		return r;
	if (m[F_FLAGS].value) {
		r = parse_flags(c, m[F_FLAGS].value, "flags", p);
		if (r < 0)
			return r;
	}
	r = parse_listener(c, m[F_LISTENER_PATH].value, m[F_LISTENER_METADATA].value);
	if (r < 0)
		return r;
	r = parse_rules(c, m[F_SYSCALLS].value, &notify_action);
	if (r < 0)
		return r;

	/* runc: "seccomp listenerPath is not set" when a NOTIFY rule has nowhere to go. */
	if (notify_action && (!p->listener_path || !*p->listener_path))
		error_at(c, notify_action, "listenerPath",
		         "SCMP_ACT_NOTIFY is used but listenerPath is not set: runc refuses to "
		         "start the container");
	else if (!notify_action && p->listener_path && *p->listener_path)
		warning_at(c, m[F_LISTENER_PATH].value, "listenerPath",
		           "no rule uses SCMP_ACT_NOTIFY: runc ignores listenerPath, crun still "
		           "connects to it");
	return c->oom;
}

static void
rule_filter_done(struct ksc_rule_filter *f)
{
	for (size_t i = 0; i < f->n_caps; i++)
		free(f->caps[i]);
	free(f->caps);
	for (size_t i = 0; i < f->n_arches; i++)
		free(f->arches[i]);
	free(f->arches);
	free(f->min_kernel);
}

static void
extras_free(struct ksc_extra *extras, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(extras[i].key);
	free(extras);
}

void
ksc_profile_free(struct ksc_profile *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_rules; i++) {
		struct ksc_rule *rule = &p->rules[i];

		free(rule->errno_name);
		free(rule->comment);
		rule_filter_done(&rule->includes);
		rule_filter_done(&rule->excludes);
		extras_free(rule->extras, rule->n_extras);
	}
	free(p->rules);
	for (size_t i = 0; i < p->n_arch_map; i++)
		free(p->arch_map[i].subs);
	free(p->arch_map);
	free(p->arches);
	for (size_t i = 0; i < p->n_flag_order; i++)
		free(p->flag_order[i]);
	free(p->flag_order);
	free(p->listener_path);
	free(p->listener_metadata);
	free(p->default_errno_name);
	extras_free(p->extras, p->n_extras);
	ksc_doc_free(p->doc);
	free(p->source);
	free(p);
}

static int
profile_from_doc(const char *name, struct ksc_doc *doc, const struct ksc_profile_parse_opts *opts,
                 struct ksc_profile **ret, struct ksc_diags *diags, struct ksc_error **reterr)
{
	_cleanup_(ksc_profile_freep) struct ksc_profile *p = NULL;
	_cleanup_(ksc_diags_freep) struct ksc_diags *own = NULL;
	struct ctx c = {
		.source = name,
		.diags = diags,
		.strict = opts && (opts->flags & KSC_PROFILE_STRICT),
		.native = opts && opts->native_arch != KSC_ARCH_NONE ? opts->native_arch
		                                                     : ksc_arch_native(),
		.doc = doc,
	};
	size_t first;
	int r;

	if (!c.diags) {
		own = ksc_diags_new();
		if (!own)
			return -ENOMEM;
		c.diags = own;
		c.quiet = true;
	}
	first = ksc_diags_count(c.diags);
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->source = strdup(name);
	if (!p->source)
		return -ENOMEM;
	c.profile = p;

	r = parse_profile(&c, ksc_doc_root(doc, 0));
	if (r < 0)
		return r;
	if (c.oom)
		return c.oom;

	ksc_diags_sort(c.diags, first);
	for (size_t i = first; i < ksc_diags_count(c.diags); i++) {
		const struct ksc_diag *d = ksc_diags_get(c.diags, i);

		if (ksc_diag_severity(d) == KSC_SEVERITY_ERROR)
			return ksc_error_setf(reterr, -EINVAL, "%s", ksc_diag_message(d));
	}
	p->doc = doc;
	*ret = TAKE_PTR(p);
	return 0;
}

int
ksc_profile_parse(const char *name, const char *buf, size_t len,
                  const struct ksc_profile_parse_opts *opts, struct ksc_profile **ret_profile,
                  struct ksc_diags *diags, struct ksc_error **reterr)
{
	_cleanup_(ksc_doc_freep) struct ksc_doc *doc = NULL;
	struct ksc_doc_failure failure = { 0 };
	int r;

	if (!name)
		name = "-";
	if (len > KSC_PROFILE_MAX_BYTES)
		return ksc_error_setf(reterr, -EFBIG, "%s: profile is larger than %u bytes", name,
		                      KSC_PROFILE_MAX_BYTES);
	r = ksc_doc_parse_at(name, buf, len, KSC_DOC_JSON, &doc, &failure, reterr);
	if (r < 0) {
		/* Syntax errors are diagnostics too, so that `validate` lists them. */
		if (r == -EINVAL)
			(void)ksc_diags_addf(diags, KSC_SEVERITY_ERROR, name, failure.line,
			                     failure.column, NULL, "%s", failure.reason);
		return r;
	}
	r = profile_from_doc(name, doc, opts, ret_profile, diags, reterr);
	if (r < 0)
		return r;
	TAKE_PTR(doc); /* now owned by the profile */
	return 0;
}

int
ksc_profile_load_text(const char *path, const struct ksc_profile_parse_opts *opts,
                      struct ksc_profile **ret_profile, char **ret_text, size_t *ret_len,
                      struct ksc_diags *diags, struct ksc_error **reterr)
{
	_cleanup_(ksc_error_freep) struct ksc_error *read_error = NULL;
	_cleanup_(freep) char *buf = NULL;
	size_t len = 0;
	int r;

	r = ksc_doc_read_file(path, KSC_PROFILE_MAX_BYTES, &buf, &len, &read_error);
	if (r < 0) {
		/* The same failure as a diagnostic: the file, and the reason alone ("is a
		 * directory", "not a regular file (a FIFO)", "file is larger than N bytes"). */
		const char *msg = read_error ? read_error->message : NULL;
		size_t n = strlen(path);

		if (msg && strncmp(msg, path, n) == 0 && startswith(msg + n, ": "))
			(void)ksc_diags_addf(diags, KSC_SEVERITY_ERROR, path, 0, 0, NULL, "%s",
			                     msg + n + 2);
		else
			(void)ksc_diags_addf(diags, KSC_SEVERITY_ERROR, path, 0, 0, NULL, "%s",
			                     strerror(-r));
		if (msg)
			return ksc_error_setf(reterr, r, "%s", msg);
		return r;
	}
	r = ksc_profile_parse(path, buf, len, opts, ret_profile, diags, reterr);
	if (r < 0)
		return r;
	if (ret_text) {
		*ret_text = TAKE_PTR(buf);
		*ret_len = len;
	}
	return 0;
}

int
ksc_profile_load(const char *path, const struct ksc_profile_parse_opts *opts,
                 struct ksc_profile **ret_profile, struct ksc_diags *diags,
                 struct ksc_error **reterr)
{
	return ksc_profile_load_text(path, opts, ret_profile, NULL, NULL, diags, reterr);
}

/* ---------------------------------------------------------------------------------------- */
/* Accessors.                                                                                */

enum ksc_action
ksc_profile_default_action(const struct ksc_profile *p)
{
	return p->default_action;
}

int64_t
ksc_profile_default_errno(const struct ksc_profile *p)
{
	return p->has_default_errno ? (int64_t)p->default_errno : -1;
}

size_t
ksc_profile_arch_count(const struct ksc_profile *p)
{
	return p->n_arches;
}

enum ksc_arch
ksc_profile_arch(const struct ksc_profile *p, size_t i)
{
	return i < p->n_arches ? p->arches[i] : KSC_ARCH_NONE;
}

bool
ksc_profile_has_arch_map(const struct ksc_profile *p)
{
	return p->has_arch_map;
}

size_t
ksc_profile_target_arches(const struct ksc_profile *p, enum ksc_arch native,
                          enum ksc_arch *ret_arches, size_t max)
{
	enum ksc_arch all[_KSC_ARCH_MAX];
	size_t n = 0, k = 0;

	if (native != KSC_ARCH_NONE)
		all[n++] = native;
	if (p->n_arches > 0) {
		for (size_t i = 0; i < p->n_arches; i++)
			all[n++] = p->arches[i];
	} else {
		/* moby: the first entry whose architecture is the native one. */
		for (size_t i = 0; i < p->n_arch_map; i++) {
			if (p->arch_map[i].arch != native)
				continue;
			for (size_t j = 0; j < p->arch_map[i].n_subs; j++)
				all[n++] = p->arch_map[i].subs[j];
			break;
		}
	}
	for (size_t i = 0; i < n; i++) {
		bool dup = false;

		for (size_t j = 0; j < k && !dup; j++)
			dup = ret_arches[j] == all[i];
		if (!dup && k < max)
			ret_arches[k++] = all[i];
	}
	return k;
}

unsigned
ksc_profile_flags(const struct ksc_profile *p, bool *ret_present)
{
	if (ret_present)
		*ret_present = p->flags_present;
	return p->flags;
}

const char *
ksc_profile_listener_path(const struct ksc_profile *p)
{
	return p->listener_path;
}

const char *
ksc_profile_listener_metadata(const struct ksc_profile *p)
{
	return p->listener_metadata;
}

size_t
ksc_profile_rule_count(const struct ksc_profile *p)
{
	return p->n_rules;
}

const struct ksc_rule *
ksc_profile_rule(const struct ksc_profile *p, size_t i)
{
	return i < p->n_rules ? &p->rules[i] : NULL;
}

size_t
ksc_rule_name_count(const struct ksc_rule *rule)
{
	return rule->n_names;
}

const char *
ksc_rule_name(const struct ksc_rule *rule, size_t i)
{
	return i < rule->n_names ? rule->names[i] : NULL;
}

enum ksc_action
ksc_rule_action(const struct ksc_rule *rule)
{
	return rule->action;
}

int64_t
ksc_rule_errno(const struct ksc_rule *rule)
{
	return rule->has_errno ? (int64_t)rule->errno_ret : -1;
}

size_t
ksc_rule_arg_count(const struct ksc_rule *rule)
{
	return rule->n_args;
}

int
ksc_rule_arg(const struct ksc_rule *rule, size_t i, uint32_t *ret_index, enum ksc_op *ret_op,
             uint64_t *ret_value, uint64_t *ret_value_two)
{
	if (i >= rule->n_args)
		return -ERANGE;
	if (ret_index)
		*ret_index = rule->args[i].index;
	if (ret_op)
		*ret_op = rule->args[i].op;
	if (ret_value)
		*ret_value = rule->args[i].value;
	if (ret_value_two)
		*ret_value_two = rule->args[i].value_two;
	return 0;
}

bool
ksc_rule_is_conditional(const struct ksc_rule *rule)
{
	return rule->includes.n_caps || rule->includes.n_arches || rule->includes.min_kernel ||
	       rule->excludes.n_caps || rule->excludes.n_arches || rule->excludes.min_kernel;
}

const char *
ksc_rule_comment(const struct ksc_rule *rule)
{
	return rule->comment;
}

bool
ksc_rule_args_are_ored(const struct ksc_rule *rule)
{
	for (size_t i = 0; i < rule->n_args; i++)
		for (size_t j = i + 1; j < rule->n_args; j++)
			if (rule->args[i].index == rule->args[j].index)
				return true;
	return false;
}

static void
put_number(struct strbuf *sb, uint64_t v)
{
	if (v < 0x1000)
		strbuf_printf(sb, "%" PRIu64, v);
	else
		strbuf_printf(sb, "0x%" PRIx64, v);
}

static void
put_filter(struct strbuf *sb, const struct ksc_rule_filter *f, bool exclude, bool *any)
{
	if (f->n_caps) {
		strbuf_puts(sb, *any ? "; " : "");
		strbuf_puts(sb, exclude ? "without " : "with ");
		for (size_t i = 0; i < f->n_caps; i++)
			strbuf_printf(sb, "%s%s", i ? (exclude ? " or " : " and ") : "",
			              f->caps[i]);
		*any = true;
	}
	if (f->n_arches) {
		strbuf_puts(sb, *any ? "; " : "");
		strbuf_puts(sb, exclude ? "not on " : "on ");
		for (size_t i = 0; i < f->n_arches; i++)
			strbuf_printf(sb, "%s%s", i ? ", " : "", f->arches[i]);
		*any = true;
	}
	if (f->min_kernel) {
		strbuf_puts(sb, *any ? "; " : "");
		strbuf_printf(sb, "%skernel >= %s", exclude ? "not on " : "on ", f->min_kernel);
		*any = true;
	}
}

static void
put_arg(struct strbuf *sb, const struct ksc_arg *a)
{
	static const char *const ops[_KSC_OP_MAX] = {
		[KSC_OP_NE] = "!=", [KSC_OP_LT] = "<",  [KSC_OP_LE] = "<=",
		[KSC_OP_EQ] = "==", [KSC_OP_GE] = ">=", [KSC_OP_GT] = ">",
	};

	if (a->op == KSC_OP_MASKED_EQ) {
		strbuf_printf(sb, "(arg%" PRIu32 " & 0x%" PRIx64 ") == ", a->index, a->value);
		put_number(sb, a->value_two);
	} else {
		strbuf_printf(sb, "arg%" PRIu32 " %s ", a->index, ops[a->op]);
		put_number(sb, a->value);
	}
}

int
ksc_rule_condition_text(const struct ksc_rule *rule, char **ret_text)
{
	bool ored = ksc_rule_args_are_ored(rule), any = false;
	struct strbuf sb = { 0 };

	for (size_t i = 0; i < rule->n_args; i++) {
		if (i)
			strbuf_puts(&sb, ored ? " || " : " && ");
		put_arg(&sb, &rule->args[i]);
		any = true;
	}
	put_filter(&sb, &rule->includes, false, &any);
	put_filter(&sb, &rule->excludes, true, &any);
	return strbuf_finish(&sb, ret_text, NULL);
}

int
ksc_rule_arg_text(const struct ksc_rule *rule, size_t i, char **ret_text)
{
	struct strbuf sb = { 0 };

	if (i >= rule->n_args)
		return -ERANGE;
	put_arg(&sb, &rule->args[i]);
	return strbuf_finish(&sb, ret_text, NULL);
}

/* runc's getAction(): errnoRet only for ERRNO and TRACE, EPERM when absent (Go converts it
 * with int16(), keeping the low 16 bits); SCMP_ACT_KILL is KILL_THREAD. */
static uint32_t
ret_of(enum ksc_action action, bool has_errno, uint32_t errnum)
{
	uint32_t data = (has_errno ? errnum : EPERM) & KSC_RET_DATA;

	switch (action) {
	case KSC_ACT_KILL:
	case KSC_ACT_KILL_THREAD:
		return KSC_RET_KILL_THREAD;
	case KSC_ACT_KILL_PROCESS:
		return KSC_RET_KILL_PROCESS;
	case KSC_ACT_TRAP:
		return KSC_RET_TRAP;
	case KSC_ACT_ERRNO:
		return KSC_RET_ERRNO | data;
	case KSC_ACT_TRACE:
		return KSC_RET_TRACE | data;
	case KSC_ACT_LOG:
		return KSC_RET_LOG;
	case KSC_ACT_NOTIFY:
		return KSC_RET_USER_NOTIF;
	case KSC_ACT_ALLOW:
	default:
		return KSC_RET_ALLOW;
	}
}

uint32_t
ksc_rule_ret(const struct ksc_rule *rule)
{
	return ret_of(rule->action, rule->has_errno, rule->errno_ret);
}

uint32_t
ksc_profile_default_ret(const struct ksc_profile *p)
{
	return ret_of(p->default_action, p->has_default_errno, p->default_errno);
}

static bool
arg_matches(const struct ksc_arg *a, uint64_t v)
{
	switch (a->op) {
	case KSC_OP_NE:
		return v != a->value;
	case KSC_OP_LT:
		return v < a->value;
	case KSC_OP_LE:
		return v <= a->value;
	case KSC_OP_EQ:
		return v == a->value;
	case KSC_OP_GE:
		return v >= a->value;
	case KSC_OP_GT:
		return v > a->value;
	case KSC_OP_MASKED_EQ:
		/* libseccomp masks the datum too (db.c _db_node_mask_fixup()): bits of
		 * valueTwo outside value never count. */
		return (v & a->value) == (a->value_two & a->value);
	default:
		return false;
	}
}

bool
ksc_rule_matches_args(const struct ksc_rule *rule, const uint64_t args[6])
{
	bool ored = ksc_rule_args_are_ored(rule);

	if (rule->n_args == 0)
		return true;
	for (size_t i = 0; i < rule->n_args; i++) {
		bool m = arg_matches(&rule->args[i], args[rule->args[i].index]);

		if (ored && m)
			return true;
		if (!ored && !m)
			return false;
	}
	return !ored;
}
