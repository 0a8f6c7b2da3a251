/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What runc and crun do with linux.seccomp, step by step in the order each takes, with the
 * message of the first step that fails. The sources of each fact are in
 * data/oci-runtimes/README.md; the ones measured on the runtimes installed here are checked
 * again under containerd by tests/cri-differential.py (with runc, and with crun), the
 * others by tests/test-ocirt.c.
 *
 * runc converts the spec when it creates the container (specconv: "runc create failed:
 * MSG"), then sets the filter up in its init process ("unable to start container process:",
 * then, from 1.2, "error during container init:", then with no_new_privs "unable to init
 * seccomp:"), and its parent hands the listener fd on. crun checks the listener first,
 * then builds the filter in its parent, then applies it, flags last, in the container.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "doc.h"
#include "ksc-cleanup.h"
#include "libseccomp.h"
#include "macro.h"
#include "ocirt.h"
#include "strbuf.h"

#define V(maj, min, pat) (((maj) << 20) | ((min) << 10) | (pat))

static unsigned
version_of(const struct kube_oci *rt)
{
	return V(rt->major, rt->minor, rt->patch);
}

/* ---------------------------------------------------------------------------------------- */
/* Names and versions                                                                        */

static int
parse_version(const char *s, unsigned *major, unsigned *minor, unsigned *patch, bool loose)
{
	unsigned v[3] = { 0 };
	size_t n = 0;

	for (;;) {
		unsigned long x;
		char *end;

		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		errno = 0;
		x = strtoul(s, &end, 10);
		if (errno || x > 1000 || n == 3)
			return -EINVAL;
		v[n++] = (unsigned)x;
		s = end;
		if (*s != '.')
			break;
		s++;
	}
	/* runc --version says "1.1.5+ds1", "1.2.0-rc.1": what follows the numbers is the
	 * build's, not another release */
	if (n < 2 || (*s && !(loose && (*s == '+' || *s == '-' || *s == '~'))))
		return -EINVAL;
	*major = v[0], *minor = v[1], *patch = v[2];
	return 0;
}

int
kube_oci_parse(const char *text, struct kube_oci *ret, char *why, size_t why_size)
{
	const char *at = strchr(text, '@');
	size_t name_len = at ? (size_t)(at - text) : strlen(text);
	struct kube_oci rt;

	if (name_len == 4 && strncmp(text, "runc", 4) == 0)
		rt = KUBE_OCI_RUNC_NEWEST;
	else if (name_len == 4 && strncmp(text, "crun", 4) == 0)
		rt = KUBE_OCI_CRUN_NEWEST;
	else {
		snprintf(why, why_size,
		         "'%.*s' is not an OCI runtime kseccomp models (runc or crun)",
		         (int)MIN(name_len, 64), text);
		return -EINVAL;
	}
	if (at && parse_version(at + 1, &rt.major, &rt.minor, &rt.patch, false) < 0) {
		snprintf(why, why_size,
		         "'%.64s' is not a version (MAJOR.MINOR or MAJOR.MINOR.PATCH)", at + 1);
		return -EINVAL;
	}
	if (rt.name == KUBE_OCI_RUNC && version_of(&rt) < V(1, 1, 0)) {
		snprintf(why, why_size, "runc %u.%u is older than the oldest modelled, 1.1",
		         rt.major, rt.minor);
		return -EINVAL;
	}
	if (rt.name == KUBE_OCI_CRUN && version_of(&rt) < V(1, 8, 0)) {
		snprintf(why, why_size, "crun %u.%u is older than the oldest modelled, 1.8",
		         rt.major, rt.minor);
		return -EINVAL;
	}
	*ret = rt;
	return 0;
}

bool
kube_oci_takes_flags(const struct kube_oci *rt)
{
	return rt->name != KUBE_OCI_RUNC || version_of(rt) >= V(1, 2, 0);
}

void
kube_oci_format(const struct kube_oci *rt, char *buf, size_t size)
{
	const char *name = rt->name == KUBE_OCI_CRUN ? "crun" : "runc";

	if (rt->patch)
		snprintf(buf, size, "%s %u.%u.%u", name, rt->major, rt->minor, rt->patch);
	else
		snprintf(buf, size, "%s %u.%u", name, rt->major, rt->minor);
}

int
kube_oci_parse_version_output(enum kube_oci_name name, const char *text, struct kube_oci *ret)
{
	const char *prefix = name == KUBE_OCI_CRUN ? "crun version " : "runc version ";
	const char *p = strstr(text, prefix);
	char word[64];
	size_t n;

	if (!p)
		return -EINVAL;
	p += strlen(prefix);
	n = strcspn(p, " \t\r\n");
	if (n == 0 || n >= sizeof(word))
		return -EINVAL;
	memcpy(word, p, n);
	word[n] = '\0';
	ret->name = name;
	return parse_version(word, &ret->major, &ret->minor, &ret->patch, true);
}

/* ---------------------------------------------------------------------------------------- */
/* The spec as Go wrote it                                                                   */

struct arg {
	uint64_t index, value, value_two;
	const char *op;
};

struct rule {
	const struct ksc_node *names; /* NULL: null */
	const char *action;
	bool has_errno;
	uint64_t errno_ret;
	struct arg *args;
	size_t n_args;
};

struct spec {
	const char *def;
	bool has_def_errno;
	uint64_t def_errno;
	const struct ksc_node *arches, *flags; /* NULL when absent */
	const char *listener, *metadata;       /* "" when absent */
	struct rule *rules;
	size_t n_rules;
};

static const char *
str_of(const struct ksc_node *n)
{
	return n && ksc_node_is_string(n) ? n->text : "";
}

static int
u64_of(const struct ksc_node *n, uint64_t *v)
{
	const char *why;

	return n ? ksc_node_to_u64(n, v, &why) : 0;
}

static int
read_spec(struct ksc_doc *doc, struct spec *s)
{
	const struct ksc_node *root = ksc_doc_root(doc, 0), *v;

	if (!root || root->kind != KSC_NODE_MAP)
		return -EINVAL;
	s->def = str_of(ksc_node_get(root, "defaultAction"));
	v = ksc_node_get(root, "defaultErrnoRet");
	s->has_def_errno = v != NULL;
	if (u64_of(v, &s->def_errno) < 0)
		return -EINVAL;
	s->arches = ksc_node_get(root, "architectures");
	s->flags = ksc_node_get(root, "flags");
	s->listener = str_of(ksc_node_get(root, "listenerPath"));
	s->metadata = str_of(ksc_node_get(root, "listenerMetadata"));
	v = ksc_node_get(root, "syscalls");
	if (!v || v->kind != KSC_NODE_SEQ)
		return 0;
	s->rules = ksc_doc_alloc(doc, v->count * sizeof(*s->rules));
	if (v->count && !s->rules)
		return -ENOMEM;
	s->n_rules = v->count;
	for (size_t i = 0; i < v->count; i++) {
		const struct ksc_node *m = v->items[i], *names, *e, *args;
		struct rule *r = &s->rules[i];

		if (m->kind != KSC_NODE_MAP)
			return -EINVAL;
		names = ksc_node_get(m, "names");
		r->names = names && names->kind == KSC_NODE_SEQ ? names : NULL;
		r->action = str_of(ksc_node_get(m, "action"));
		e = ksc_node_get(m, "errnoRet");
		r->has_errno = e != NULL;
		if (u64_of(e, &r->errno_ret) < 0)
			return -EINVAL;
		args = ksc_node_get(m, "args");
		if (!args || args->kind != KSC_NODE_SEQ)
			continue;
		r->args = ksc_doc_alloc(doc, args->count * sizeof(*r->args));
		if (args->count && !r->args)
			return -ENOMEM;
		r->n_args = args->count;
		for (size_t k = 0; k < args->count; k++) {
			const struct ksc_node *a = args->items[k];

			if (a->kind != KSC_NODE_MAP ||
			    u64_of(ksc_node_get(a, "index"), &r->args[k].index) < 0 ||
			    u64_of(ksc_node_get(a, "value"), &r->args[k].value) < 0 ||
			    u64_of(ksc_node_get(a, "valueTwo"), &r->args[k].value_two) < 0)
				return -EINVAL;
			r->args[k].op = str_of(ksc_node_get(a, "op"));
		}
	}
	return 0;
}

static size_t
n_of(const struct ksc_node *seq)
{
	return seq && seq->kind == KSC_NODE_SEQ ? seq->count : 0;
}

static const char *
item(const struct ksc_node *seq, size_t i)
{
	return str_of(seq->items[i]);
}

/* ---------------------------------------------------------------------------------------- */
/* What both take                                                                            */

#define ERRNO_LIMIT 4095 /* libseccomp 2.5: an errno action's data must be below it */
#define EPERM_VALUE 1

enum act {
	ACT_INVALID = 0,
	ACT_KILL_THREAD, /* SCMP_ACT_KILL is this one */
	ACT_KILL_PROCESS,
	ACT_TRAP,
	ACT_ERRNO,
	ACT_TRACE,
	ACT_LOG,
	ACT_ALLOW,
	ACT_NOTIFY,
};

static enum act
action_of(const char *s, bool kill_variants)
{
	static const struct {
		const char *name;
		enum act act;
	} table[] = {
		{ "SCMP_ACT_KILL", ACT_KILL_THREAD },
		{ "SCMP_ACT_ERRNO", ACT_ERRNO },
		{ "SCMP_ACT_TRAP", ACT_TRAP },
		{ "SCMP_ACT_ALLOW", ACT_ALLOW },
		{ "SCMP_ACT_TRACE", ACT_TRACE },
		{ "SCMP_ACT_LOG", ACT_LOG },
		{ "SCMP_ACT_NOTIFY", ACT_NOTIFY },
		{ "SCMP_ACT_KILL_THREAD", ACT_KILL_THREAD },
		{ "SCMP_ACT_KILL_PROCESS", ACT_KILL_PROCESS },
	};

	for (size_t i = 0; i < ELEMENTSOF(table); i++)
		if (streq(table[i].name, s))
			return table[i].act == ACT_KILL_PROCESS ||
			                       (table[i].act == ACT_KILL_THREAD &&
			                        !streq(s, "SCMP_ACT_KILL"))
			               ? (kill_variants ? table[i].act : ACT_INVALID)
			               : table[i].act;
	return ACT_INVALID;
}

/* An action with its data, as libseccomp compares them: ERRNO and TRACE carry 16 bits,
 * EPERM when no errnoRet is given. */
static uint32_t
action_value(enum act a, bool has_errno, uint64_t errno_ret)
{
	uint32_t data = has_errno ? (uint32_t)(errno_ret & 0xffff) : EPERM_VALUE;

	return (uint32_t)a << 16 | (a == ACT_ERRNO || a == ACT_TRACE ? data : 0);
}

static bool
errno_refused(enum act a, bool has_errno, uint64_t errno_ret)
{
	return a == ACT_ERRNO && (has_errno ? (errno_ret & 0xffff) : EPERM_VALUE) >= ERRNO_LIMIT;
}

static bool
syscall_known(const char *name)
{
	int nr;

	return *name && libseccomp_resolve(KSC_ARCH_NONE, name, &nr) == 0;
}

/* libseccomp refuses (EDOM) an arch whose byte order is not the native one's. */
static bool
arch_other_endian(const char *lower)
{
	static const char *const big[] = { "mips",  "mips64", "mips64n32", "ppc",  "ppc64", "s390",
		                           "s390x", "parisc", "parisc64",  "m68k", "sheb" };
	bool native_big = __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__, is_big = false;

	for (size_t i = 0; i < ELEMENTSOF(big); i++)
		if (streq(big[i], lower))
			is_big = true;
	return is_big != native_big;
}

struct check {
	char msg[640];
	bool failed;
};

static void _printf_(2, 3) fail(struct check *c, const char *fmt, ...)
{
	va_list ap;

	if (c->failed)
		return;
	c->failed = true;
	va_start(ap, fmt);
	vsnprintf(c->msg, sizeof(c->msg), fmt, ap);
	va_end(ap);
}

/* ---------------------------------------------------------------------------------------- */
/* runc                                                                                      */

/* runc's seccomp.ConvertStringToArch(): the arch's libseccomp name, NULL when unknown. */
static const char *
runc_arch(const struct kube_oci *rt, const char *s)
{
	static const struct {
		const char *name, *lower;
		unsigned since;
	} table[] = {
		{ "SCMP_ARCH_X86", "x86", 0 },
		{ "SCMP_ARCH_X86_64", "x86_64", 0 },
		{ "SCMP_ARCH_X32", "x32", 0 },
		{ "SCMP_ARCH_ARM", "arm", 0 },
		{ "SCMP_ARCH_AARCH64", "aarch64", 0 },
		{ "SCMP_ARCH_MIPS", "mips", 0 },
		{ "SCMP_ARCH_MIPS64", "mips64", 0 },
		{ "SCMP_ARCH_MIPS64N32", "mips64n32", 0 },
		{ "SCMP_ARCH_MIPSEL", "mipsel", 0 },
		{ "SCMP_ARCH_MIPSEL64", "mipsel64", 0 },
		{ "SCMP_ARCH_MIPSEL64N32", "mipsel64n32", 0 },
		{ "SCMP_ARCH_PPC", "ppc", 0 },
		{ "SCMP_ARCH_PPC64", "ppc64", 0 },
		{ "SCMP_ARCH_PPC64LE", "ppc64le", 0 },
		{ "SCMP_ARCH_S390", "s390", 0 },
		{ "SCMP_ARCH_S390X", "s390x", 0 },
		{ "SCMP_ARCH_RISCV64", "riscv64", V(1, 1, 8) },
		{ "SCMP_ARCH_LOONGARCH64", "loongarch64", V(1, 4, 1) },
	};

	for (size_t i = 0; i < ELEMENTSOF(table); i++)
		if (streq(table[i].name, s))
			return version_of(rt) >= table[i].since ? table[i].lower : NULL;
	return NULL;
}

/* The operators both runtimes know. */
static bool
op_known(const char *op)
{
	static const char *const ops[] = { "SCMP_CMP_NE",       "SCMP_CMP_LT", "SCMP_CMP_LE",
		                           "SCMP_CMP_EQ",       "SCMP_CMP_GE", "SCMP_CMP_GT",
		                           "SCMP_CMP_MASKED_EQ" };

	for (size_t i = 0; i < ELEMENTSOF(ops); i++)
		if (streq(ops[i], op))
			return true;
	return false;
}

/* 1.2 and later: the flags it knows (TSYNC it takes and ignores). */
static bool
runc_flag_known(const struct kube_oci *rt, const char *flag)
{
	return streq(flag, "SECCOMP_FILTER_FLAG_TSYNC") ||
	       streq(flag, "SECCOMP_FILTER_FLAG_SPEC_ALLOW") ||
	       streq(flag, "SECCOMP_FILTER_FLAG_LOG") ||
	       (streq(flag, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") &&
	        version_of(rt) >= V(1, 5, 0));
}

static void
runc_check(const struct kube_oci *rt, const struct spec *s, bool nnp, struct check *c,
           bool *ret_none)
{
	bool v12 = version_of(rt) >= V(1, 2, 0), kill_variants = version_of(rt) >= V(1, 1, 3);
	bool notify_used = false;
	char init[160], parent[128];
	enum act def;
	uint32_t def_value;

	/* specconv.SetupSeccomp(), when runc create converts the spec */
	if (!*s->def && s->n_rules == 0) {
		*ret_none = true;
		return;
	}
	if (!kube_oci_takes_flags(rt) && n_of(s->flags))
		fail(c, "runc create failed: seccomp flags are not yet supported by runc");
	for (size_t i = 0; i < n_of(s->flags); i++)
		if (!runc_flag_known(rt, item(s->flags, i)))
			fail(c, "runc create failed: seccomp flag %s is not known to runc",
			     item(s->flags, i));
	for (size_t i = 0; i < n_of(s->arches); i++)
		if (!runc_arch(rt, item(s->arches, i)))
			fail(c, "runc create failed: string %s is not a valid arch for seccomp",
			     item(s->arches, i));
	def = action_of(s->def, kill_variants);
	if (!def)
		fail(c, "runc create failed: string %s is not a valid action for seccomp", s->def);
	for (size_t i = 0; i < s->n_rules; i++) {
		const struct rule *r = &s->rules[i];

		if (!action_of(r->action, kill_variants))
			fail(c, "runc create failed: string %s is not a valid action for seccomp",
			     r->action);
		for (size_t n = 0; n < n_of(r->names); n++)
			for (size_t k = 0; k < r->n_args; k++)
				if (!op_known(r->args[k].op))
					fail(c,
					     "runc create failed: string %s is not a valid "
					     "operator "
					     "for seccomp",
					     r->args[k].op);
	}
	if (c->failed)
		return;

	/* InitSeccomp(), in runc init */
	snprintf(parent, sizeof(parent),
	         "runc create failed: unable to start container process: %s",
	         v12 ? "error during container init: " : "");
	snprintf(init, sizeof(init), "%s%s", parent, nnp ? "unable to init seccomp: " : "");
	for (size_t i = 0; i < s->n_rules; i++)
		for (size_t n = 0; n < n_of(s->rules[i].names); n++)
			if (action_of(s->rules[i].action, true) == ACT_NOTIFY) {
				notify_used = true;
				if (streq(item(s->rules[i].names, n), "write"))
					fail(c,
					     "%sSCMP_ACT_NOTIFY cannot be used for the write "
					     "syscall",
					     init);
			}
	if (def == ACT_NOTIFY)
		fail(c, "%sSCMP_ACT_NOTIFY cannot be used as default action", init);
	if (errno_refused(def, s->has_def_errno, s->def_errno))
		fail(c, "%serror creating filter: could not create filter", init);
	for (size_t i = 0; i < n_of(s->arches); i++)
		if (arch_other_endian(runc_arch(rt, item(s->arches, i))))
			fail(c,
			     "%serror adding architecture to seccomp filter: numerical argument "
			     "out "
			     "of domain",
			     init);
	def_value = action_value(def, s->has_def_errno, s->def_errno);
	for (size_t i = 0; i < s->n_rules; i++) {
		const struct rule *r = &s->rules[i];
		enum act a = action_of(r->action, true);

		for (size_t n = 0; n < n_of(r->names); n++) {
			const char *name = item(r->names, n);

			if (!*name)
				fail(c, "%sempty string is not a valid syscall", init);
			if (action_value(a, r->has_errno, r->errno_ret) == def_value ||
			    !syscall_known(name))
				continue;
			for (size_t k = 0; k < r->n_args; k++)
				if (r->args[k].index > 5)
					fail(c,
					     "%serror creating seccomp syscall condition for "
					     "syscall "
					     "%s: syscalls only have up to 6 arguments (%llu "
					     "given)",
					     init, name, (unsigned long long)r->args[k].index);
			/* libseccomp-golang words libseccomp's EINVAL so */
			if (errno_refused(a, r->has_errno, r->errno_ret))
				fail(c,
				     "%serror adding seccomp %s for syscall %s: two checks on same "
				     "syscall argument",
				     init, r->n_args ? "rule" : "filter rule", name);
		}
	}

	/* the parent, handed the listener's fd */
	if (notify_used && !*s->listener)
		fail(c, "%s%s", parent,
		     v12 ? "seccomp listenerPath is not set" : "listenerPath is not set");
	else if (notify_used && access(s->listener, F_OK) < 0 && errno == ENOENT)
		fail(c,
		     "%sfailed to connect with seccomp agent specified in the seccomp profile: "
		     "dial "
		     "unix %s: connect: no such file or directory",
		     parent, s->listener);
}

/* ---------------------------------------------------------------------------------------- */
/* crun                                                                                      */

static void
crun_check(const struct kube_oci *rt, const struct spec *s, struct check *c)
{
	/* 1.8.6 quoted more strings; 1.25 reports the action's own failure */
	const char *q = version_of(rt) >= V(1, 8, 6) ? "`" : "";
	bool v125 = version_of(rt) >= V(1, 25, 0);
	enum act def;
	uint32_t def_value;

	/* containerd writes null for a rule without names; crun's config parser wants them */
	for (size_t i = 0; i < s->n_rules; i++)
		if (!s->rules[i].names)
			fail(c, "error loading config.json");
	/* the receiver, connected before anything else */
	if (*s->listener && s->listener[0] != '/')
		fail(c, "the seccomp receiver `%s` is not an absolute path", s->listener);
	else if (*s->listener && access(s->listener, F_OK) < 0 && errno == ENOENT)
		fail(c, "open seccomp receiver: connect socket to `%s`: No such file or directory",
		     s->listener);
	/* libcrun_generate_seccomp(), in the parent */
	def = action_of(s->def, true);
	if (s->has_def_errno && def != ACT_ERRNO && def != ACT_TRACE)
		fail(c, "errno value specified for action `%s`", s->def);
	if (!def)
		fail(c, v125 ? "seccomp get action `%s`" : "invalid seccomp action `%s`", s->def);
	if (errno_refused(def, s->has_def_errno, s->def_errno))
		fail(c, "error seccomp_init");
	for (size_t i = 0; i < n_of(s->arches); i++) {
		const char *arch = item(s->arches, i);
		const char *bare =
		        startswith(arch, "SCMP_ARCH_") ? arch + strlen("SCMP_ARCH_") : arch;
		char lower[64];
		size_t n = 0;

		for (; bare[n] && n + 1 < sizeof(lower); n++)
			lower[n] = (char)tolower((unsigned char)bare[n]);
		lower[n] = '\0';
		if (!libseccomp_arch_name_known(lower))
			fail(c, "seccomp unknown architecture %s%s%s", q, bare, q);
		else if (arch_other_endian(lower))
			fail(c, "seccomp adding architecture: Numerical argument out of domain");
	}
	def_value = action_value(def, s->has_def_errno, s->def_errno);
	for (size_t i = 0; i < s->n_rules; i++) {
		const struct rule *r = &s->rules[i];
		enum act a = action_of(r->action, true);

		if (r->has_errno && a != ACT_ERRNO && a != ACT_TRACE)
			fail(c, "errno value specified for action `%s`", r->action);
		if (!a)
			fail(c, v125 ? "seccomp get action `%s`" : "invalid seccomp action `%s`",
			     r->action);
		if (action_value(a, r->has_errno, r->errno_ret) == def_value)
			continue;
		for (size_t n = 0; n < n_of(r->names); n++) {
			const char *name = item(r->names, n);

			if (!syscall_known(name))
				continue;
			for (size_t k = 0; k < r->n_args; k++)
				if (r->args[k].index > 5)
					fail(c, "invalid seccomp index %s%zu%s", q, i, q);
			for (size_t k = 0; k < r->n_args; k++)
				if (!op_known(r->args[k].op))
					fail(c, "get_seccomp_operator");
			if (errno_refused(a, r->has_errno, r->errno_ret) && r->n_args)
				fail(c, "seccomp_rule_add_array: Invalid argument");
			else if (errno_refused(a, r->has_errno, r->errno_ret))
				fail(c, "seccomp_rule_add `%s`: Invalid argument", name);
		}
	}
	/* libcrun_apply_seccomp(), in the container */
	for (size_t i = 0; i < n_of(s->flags); i++) {
		const char *flag = item(s->flags, i);

		if (!streq(flag, "SECCOMP_FILTER_FLAG_TSYNC") &&
		    !streq(flag, "SECCOMP_FILTER_FLAG_SPEC_ALLOW") &&
		    !streq(flag, "SECCOMP_FILTER_FLAG_LOG") &&
		    !streq(flag, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"))
			fail(c, "unknown seccomp option %s%s%s", q, flag, q);
	}
}

/* ---------------------------------------------------------------------------------------- */
/* The profile the runtime enforces                                                         */

static void
put_string_list(struct strbuf *sb, const struct ksc_node *seq)
{
	strbuf_putc(sb, '[');
	for (size_t i = 0; i < n_of(seq); i++) {
		if (i)
			strbuf_puts(sb, ", ");
		strbuf_put_json_string(sb, seq->items[i]->text, seq->items[i]->len);
	}
	strbuf_putc(sb, ']');
}

/* The arches as libseccomp takes them: crun also takes "x86_64" and "SCMP_ARCH_x86_64". */
static void
put_arches(struct strbuf *sb, const struct kube_oci *rt, const struct ksc_node *seq)
{
	if (rt->name != KUBE_OCI_CRUN) {
		put_string_list(sb, seq);
		return;
	}
	strbuf_putc(sb, '[');
	for (size_t i = 0; i < n_of(seq); i++) {
		const char *arch = item(seq, i);
		const char *bare =
		        startswith(arch, "SCMP_ARCH_") ? arch + strlen("SCMP_ARCH_") : arch;
		char name[80];
		size_t n = 0;

		n = (size_t)snprintf(name, sizeof(name), "SCMP_ARCH_");
		for (; *bare && n + 1 < sizeof(name); bare++)
			name[n++] = (char)toupper((unsigned char)*bare);
		name[n] = '\0';
		strbuf_puts(sb, i ? ", " : "");
		strbuf_put_json_str(sb, name);
	}
	strbuf_putc(sb, ']');
}

/* The names of a rule that libseccomp knows (both runtimes skip the others, unread). */
static size_t
put_known_names(struct strbuf *sb, const struct ksc_node *names)
{
	size_t n = 0;

	for (size_t i = 0; i < n_of(names); i++) {
		if (!syscall_known(item(names, i)))
			continue;
		strbuf_puts(sb, n++ ? ", " : "[");
		strbuf_put_json_string(sb, names->items[i]->text, names->items[i]->len);
	}
	if (n)
		strbuf_putc(sb, ']');
	return n;
}

static size_t
count_known_names(const struct ksc_node *names)
{
	size_t n = 0;

	for (size_t i = 0; i < n_of(names); i++)
		n += syscall_known(item(names, i));
	return n;
}

/* The action as enforced, its errno in *errno_ret (-1: none). crun without a listener loads
 * the filter with none, and the kernel answers a notifying call with ENOSYS. */
static const char *
enforced_action(const struct kube_oci *rt, const struct spec *s, const char *action, bool has_errno,
                uint64_t errno_value, long *errno_ret)
{
	enum act a = action_of(action, true);

	*errno_ret = -1;
	if (a == ACT_NOTIFY && rt->name == KUBE_OCI_CRUN && !*s->listener) {
		*errno_ret = ENOSYS;
		return "SCMP_ACT_ERRNO";
	}
	if ((a == ACT_ERRNO || a == ACT_TRACE) && has_errno)
		*errno_ret = (long)(errno_value & 0xffff);
	return action;
}

static int
enforced_profile(const struct kube_oci *rt, const struct spec *s, char **ret)
{
	uint32_t def_value = action_value(action_of(s->def, true), s->has_def_errno, s->def_errno);
	struct strbuf sb = { 0 };
	size_t len;
	long e;
	bool first = true;

	strbuf_puts(&sb, "{\"defaultAction\": ");
	strbuf_put_json_str(&sb,
	                    enforced_action(rt, s, s->def, s->has_def_errno, s->def_errno, &e));
	if (e >= 0) {
		strbuf_puts(&sb, ", \"defaultErrnoRet\": ");
		strbuf_put_u64(&sb, (uint64_t)e);
	}
	if (n_of(s->arches)) {
		strbuf_puts(&sb, ", \"architectures\": ");
		put_arches(&sb, rt, s->arches);
	}
	if (n_of(s->flags)) {
		strbuf_puts(&sb, ", \"flags\": ");
		put_string_list(&sb, s->flags);
	}
	if (*s->listener) {
		strbuf_puts(&sb, ", \"listenerPath\": ");
		strbuf_put_json_str(&sb, s->listener);
	}
	if (*s->metadata && *s->listener) {
		strbuf_puts(&sb, ", \"listenerMetadata\": ");
		strbuf_put_json_str(&sb, s->metadata);
	}
	strbuf_puts(&sb, ", \"syscalls\": [");
	for (size_t i = 0; i < s->n_rules; i++) {
		const struct rule *r = &s->rules[i];
		const char *action;

		/* the runtimes loop over a rule's names, skipping those libseccomp does not
		 * know: none, nothing; a rule that does what the default does is skipped, its
		 * arguments unread */
		if (!count_known_names(r->names) ||
		    action_value(action_of(r->action, true), r->has_errno, r->errno_ret) ==
		            def_value)
			continue;
		action = enforced_action(rt, s, r->action, r->has_errno, r->errno_ret, &e);
		strbuf_puts(&sb, first ? "\n{\"names\": " : ",\n{\"names\": ");
		first = false;
		put_known_names(&sb, r->names);
		strbuf_puts(&sb, ", \"action\": ");
		strbuf_put_json_str(&sb, action);
		if (e >= 0) {
			strbuf_puts(&sb, ", \"errnoRet\": ");
			strbuf_put_u64(&sb, (uint64_t)e);
		}
		if (r->n_args)
			strbuf_puts(&sb, ", \"args\": [");
		for (size_t k = 0; k < r->n_args; k++) {
			strbuf_puts(&sb, k ? ", {\"index\": " : "{\"index\": ");
			strbuf_put_u64(&sb, r->args[k].index);
			strbuf_puts(&sb, ", \"value\": ");
			strbuf_put_u64(&sb, r->args[k].value);
			if (r->args[k].value_two) {
				strbuf_puts(&sb, ", \"valueTwo\": ");
				strbuf_put_u64(&sb, r->args[k].value_two);
			}
			strbuf_puts(&sb, ", \"op\": ");
			strbuf_put_json_str(&sb, r->args[k].op);
			strbuf_putc(&sb, '}');
		}
		if (r->n_args)
			strbuf_putc(&sb, ']');
		strbuf_putc(&sb, '}');
	}
	strbuf_puts(&sb, "\n]}\n");
	return strbuf_finish(&sb, ret, &len);
}

/* ---------------------------------------------------------------------------------------- */

int
kube_oci_seccomp(const struct kube_oci *rt, const char *spec, bool no_new_privs,
                 struct kube_oci_result *ret)
{
	_cleanup_(ksc_doc_freep) struct ksc_doc *doc = NULL;
	struct spec s = { 0 };
	struct check c = { 0 };
	bool none = false;
	int r;

	*ret = (struct kube_oci_result){ 0 };
	if (rt->major == 0) /* not filled in */
		return -EINVAL;
	r = ksc_doc_parse("linux.seccomp", spec, strlen(spec), KSC_DOC_JSON, &doc, NULL);
	if (r < 0)
		return r == -ENOMEM ? r : -EINVAL;
	r = read_spec(doc, &s);
	if (r < 0)
		return r;
	if (rt->name == KUBE_OCI_CRUN)
		crun_check(rt, &s, &c);
	else
		runc_check(rt, &s, no_new_privs, &c, &none);
	if (none) {
		ret->no_seccomp = true;
		return 0;
	}
	if (c.failed)
		return (ret->error = strdup(c.msg)) ? 0 : -ENOMEM;
	return enforced_profile(rt, &s, &ret->enforced);
}

void
kube_oci_result_done(struct kube_oci_result *r)
{
	free(r->error);
	free(r->enforced);
	*r = (struct kube_oci_result){ 0 };
}
