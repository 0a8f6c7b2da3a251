/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "error.h"
#include "ksc-cleanup.h"
#include "macro.h"
#include "profile.h"
#include "startup.h"
#include "strbuf.h"

enum effect {
	TOLERATED = 0, /* denied, the runtime carries on */
	FAILS,         /* denied, the runtime fails with message (one %s: the errno's text) */
	BREAKS,        /* denied, the runtime fails without naming it: message as it is */
	ANYWHERE,      /* as BREAKS, but a call of the runtime's own machinery (Go's futex,
	                * crun's signal masks) that it makes at any time: it breaks first */
};

#define MAX_VARIANTS 6
#define AT_FDCWD_64  UINT64_C(0xffffffffffffff9c)

/* One call of the runtime after the filter is in. */
struct call {
	const char *name;
	enum effect effect;
	enum kube_startup_phase phase;
	const char *message;
	const char *args; /* in words */
	bool sometimes;   /* seen in only some starts */
	int exit_code;    /* 0: the phase's (128; 1 for EXEC) */
	/* the argument values a rule may compare (pointers as 0); none: all 0 */
	size_t n_variants;
	uint64_t variants[MAX_VARIANTS][6];
	/* made only on the way out after an earlier call failed: denied, it takes the
	 * runtime's report of that failure away (message and exit code are then these) */
	bool on_failure;
	/* ENOSYS (a kernel without it, or runc's stub) makes the runtime fall back: tolerated */
	bool enosys_ok;
	/* denied, the runtime makes this call instead, and fails only when it is denied too */
	const char *fallback;
};

/* The calls of one runtime, range of versions and no_new_privs setting. */
struct call_set {
	enum kube_oci_name runtime;
	unsigned min_major, min_minor, max_major, max_minor; /* inclusive */
	bool no_new_privs;
	bool measured;
	const char *source;
	const struct call *calls;
	size_t n_calls;
};

#include "startup-data.h"

static bool
in_range(const struct call_set *s, const struct kube_oci *rt)
{
	unsigned v = rt->major * 1000 + rt->minor;

	return s->runtime == rt->name && v >= s->min_major * 1000 + s->min_minor &&
	       v <= s->max_major * 1000 + s->max_minor;
}

static const struct call_set *
find_set(const struct kube_oci *rt, bool no_new_privs)
{
	for (size_t i = 0; i < ELEMENTSOF(call_sets); i++)
		if (call_sets[i].no_new_privs == no_new_privs && in_range(&call_sets[i], rt))
			return &call_sets[i];
	return NULL;
}

/* Whether the filter lets the call through (its arguments all 0). */
static bool
lets_through(const struct ksc_filter *filter, enum ksc_arch arch, const char *name)
{
	struct ksc_seccomp_data data = { .arch = ksc_arch_audit_token(arch) };
	uint32_t nr;

	if (ksc_syscall_resolve_name(arch, name, &nr) < 0)
		return false;
	data.nr = (int32_t)nr;
	return !ksc_ret_denies(ksc_filter_decide(filter, &data, NULL));
}

/* "operation not permitted": the errno's text as Go prints it (lower case). */
static void
errno_text(uint32_t e, char *buf, size_t size)
{
	snprintf(buf, size, "%s", strerror((int)e));
	if (buf[0] >= 'A' && buf[0] <= 'Z' && !(buf[1] >= 'A' && buf[1] <= 'Z'))
		buf[0] = (char)(buf[0] - 'A' + 'a');
}

/* The first fatal denial: what the runtime does, in its words. 0 or -ENOMEM. */
static int
fail(struct kube_startup *r, const struct call *c, uint32_t ret)
{
	uint32_t action = ret & KSC_RET_ACTION_FULL;
	uint32_t e = action == KSC_RET_ERRNO ? ret & KSC_RET_DATA : ENOSYS; /* TRACE: no tracer */
	char text[96];
	int n;

	bool killed = action == KSC_RET_KILL_PROCESS || action == KSC_RET_KILL_THREAD ||
	              action == KSC_RET_TRAP;

	r->phase = c->phase;
	r->exit_code = c->exit_code ? c->exit_code : c->phase == KUBE_STARTUP_EXEC ? 1 : 128;
	/* a crash: the exit code says it, no message does */
	r->silent = c->exit_code > 128;
	if (action == KSC_RET_KILL_THREAD && r->rt.name == KUBE_OCI_RUNC) {
		/* measured: the Go thread dies, the thread-group leader stays a zombie with
		 * live threads, and runc never returns */
		r->phase = KUBE_STARTUP_HANG;
		n = asprintf(&r->message,
		             "runc init's thread is killed at %s and runc never returns (the "
		             "container stays created, its init a zombie, until killed)",
		             c->name);
	} else if (killed && c->phase == KUBE_STARTUP_EXEC) {
		r->phase = KUBE_STARTUP_KILLED;
		r->exit_code = 128 + 31;
		r->silent = true;
		n = asprintf(&r->message, "killed by SIGSYS at %s (exit code 159, no message)",
		             c->name);
	} else if (killed) {
		/* measured: runc's start finds its init dead, crun's parent its pipe closed */
		r->phase = r->rt.name == KUBE_OCI_RUNC ? KUBE_STARTUP_START : KUBE_STARTUP_CREATE;
		n = asprintf(&r->message, "%s",
		             r->rt.name == KUBE_OCI_RUNC ? "cannot start a stopped process"
		                                         : "read from the init process");
	} else if (c->effect == FAILS) {
		const char *at = strstr(c->message, "%s");

		/* runc writes Go's text of the errno, crun and kseccomp C's */
		if (r->rt.name == KUBE_OCI_RUNC)
			errno_text(e, text, sizeof(text));
		else
			snprintf(text, sizeof(text), "%s", strerror((int)e));
		n = at ? asprintf(&r->message, "%.*s%s%s", (int)(at - c->message), c->message, text,
		                  at + 2)
		       : asprintf(&r->message, "%s", c->message);
	} else if (r->rt.name == KUBE_OCI_RUNC && c->phase == KUBE_STARTUP_START) {
		/* runc's init died: `runc run` says so, containerd's start finds it stopped */
		n = asprintf(&r->message, "container process is already dead");
		if (n >= 0 && !(r->detail = strdup(c->message)))
			n = -1;
	} else
		n = asprintf(&r->message, "%s", c->message);
	if (n < 0) {
		r->message = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* Add the denial of c (ret) to r; fatal when the runtime stops on it. 0 or -ENOMEM. */
static int
deny(struct kube_startup *r, const struct call *c, uint32_t ret, const struct ksc_decision *d,
     bool fallback_ok)
{
	uint32_t action = ret & KSC_RET_ACTION_FULL;
	struct kube_startup_denial *v;
	bool enosys = (action == KSC_RET_ERRNO && (ret & KSC_RET_DATA) == ENOSYS) ||
	              action == KSC_RET_TRACE;
	bool fatal = (c->effect != TOLERATED && !(c->enosys_ok && enosys) && !fallback_ok) ||
	             (action != KSC_RET_ERRNO && action != KSC_RET_TRACE);

	v = reallocarray(r->denials, r->n_denials + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	r->denials = v;
	v = &r->denials[r->n_denials++];
	*v = (struct kube_startup_denial){ .call = c->name,
		                           .args = c->args ? c->args : "",
		                           .ret = ret,
		                           .fatal = fatal,
		                           .sometimes = c->sometimes };
	ksc_decision_describe(d, v->by, sizeof(v->by));
	return 0;
}

/* How rt compiles a profile: crun builds no ENOSYS stub. */
static struct ksc_compile_opts
runtime_opts(const struct kube_oci *rt)
{
	return (struct ksc_compile_opts){ .no_enosys_stub = rt->name == KUBE_OCI_CRUN };
}

int
kube_startup_filter(const struct ksc_profile *profile, const struct kube_oci *rt,
                    struct ksc_filter **ret_filter, struct ksc_error **reterr)
{
	struct ksc_compile_opts opts = runtime_opts(rt);

	return ksc_filter_new(profile, &opts, ret_filter, NULL, reterr);
}

/* Before any call after it: does the runtime load the filter at all? The kernel refuses a
 * program of more than 4096 instructions (ksc_profile_size(), the verdict every verb
 * gives), and the runtime fails to create the container, in these words (runc 1.1.5 and
 * crun 1.8.1 measured here). Returns 1 with *ret filled when it does not, else 0. */
static int
startup_size(const struct ksc_profile *profile, const struct ksc_filter *filter,
             const struct kube_oci *rt, struct kube_startup *ret)
{
	struct ksc_compile_opts opts = runtime_opts(rt);
	struct ksc_size size;
	int n;

	/* on the filter kube_startup_filter() built with the same options */
	if (compile_size(profile, &opts, filter, 0, &size, NULL, NULL) < 0)
		return 0; /* refused otherwise: kube_startup_filter() says why */
	if (ksc_size_fits(&size, rt->name == KUBE_OCI_KSECCOMP ? KSC_BACKEND_NATIVE
	                                                       : KSC_BACKEND_LIBSECCOMP))
		return 0;
	*ret = (struct kube_startup){ .rt = *rt, .phase = KUBE_STARTUP_CREATE, .exit_code = 128 };
	switch (rt->name) {
	case KUBE_OCI_RUNC:
		n = asprintf(&ret->message,
		             "unable to init seccomp: error loading seccomp filter into "
		             "kernel: error loading seccomp filter: invalid argument");
		break;
	case KUBE_OCI_CRUN:
		n = asprintf(&ret->message, "seccomp (SECCOMP_SET_MODE_FILTER): Invalid argument");
		break;
	default:
		n = asprintf(&ret->message, "the filter has %zu instructions (at most %u)",
		             size.native, KSC_BPF_MAXINSNS);
		ret->exit_code = 1;
		break;
	}
	return n < 0 ? -ENOMEM : 1;
}

int
kube_startup_check(const struct ksc_profile *profile, const struct kube_oci *rt, bool no_new_privs,
                   struct kube_startup *ret, struct ksc_error **reterr)
{
	_cleanup_(ksc_filter_freep) struct ksc_filter *filter = NULL;
	int e = kube_startup_filter(profile, rt, &filter, reterr);

	if (e < 0)
		return e;
	e = startup_size(profile, filter, rt, ret);
	if (e != 0)
		return e < 0 ? e : 0;
	return kube_startup_check_filter(filter, rt, no_new_privs, ret, reterr);
}

int
kube_startup_check_filter(const struct ksc_filter *filter, const struct kube_oci *rt,
                          bool no_new_privs, struct kube_startup *ret, struct ksc_error **reterr)
{
	const struct call_set *set = find_set(rt, no_new_privs);
	enum ksc_arch native = ksc_arch_native();
	struct kube_startup r = { .starts = true, .rt = *rt, .no_new_privs = no_new_privs };
	const struct call *fatal = NULL;
	uint32_t fatal_ret = 0;
	int e;

	if (!set) {
		char name[64];

		kube_oci_format(rt, name, sizeof(name));
		return ksc_error_setf(reterr, -EOPNOTSUPP,
		                      "%s: its calls after the filter are not known to kseccomp",
		                      name);
	}
	r.measured = set->measured;
	r.source = set->source;
	r.n_calls = set->n_calls;
	for (size_t i = 0; i < set->n_calls; i++) {
		const struct call *c = &set->calls[i];
		struct ksc_seccomp_data data = { .arch = ksc_arch_audit_token(native) };
		struct ksc_decision d;
		uint32_t nr, decision = KSC_RET_ALLOW;

		if (c->on_failure && !fatal)
			continue; /* the runtime does not get there */
		if (ksc_syscall_resolve_name(native, c->name, &nr) < 0)
			continue; /* an arch without it: the runtime makes another call there */
		data.nr = (int32_t)nr;
		for (size_t v = 0; v < MAX(c->n_variants, (size_t)1); v++) {
			if (c->n_variants)
				memcpy(data.args, c->variants[v], sizeof(data.args));
			decision = ksc_filter_decide(filter, &data, &d);
			if (ksc_ret_denies(decision))
				break;
		}
		if (!ksc_ret_denies(decision))
			continue;
		e = deny(&r, c, decision, &d,
		         c->fallback && lets_through(filter, native, c->fallback));
		if (e < 0) {
			kube_startup_done(&r);
			return e;
		}
		if (r.denials[r.n_denials - 1].fatal &&
		    (!fatal || c->on_failure ||
		     (c->effect == ANYWHERE && fatal->effect != ANYWHERE))) {
			fatal = c;
			fatal_ret = decision;
		}
	}
	/* The first fatal call the runtime makes decides, except that a call of the runtime's
	 * own machinery (Go's futex, crun's signal masks) denied breaks it wherever it comes,
	 * most likely before the others: the measurements of the tutorial's violation.json
	 * (everything denied) show that. */
	if (fatal) {
		r.starts = false;
		e = fail(&r, fatal, fatal_ret);
		if (e < 0) {
			kube_startup_done(&r);
			return e;
		}
	}
	*ret = r;
	return 0;
}

void
kube_startup_done(struct kube_startup *r)
{
	free(r->denials);
	free(r->message);
	free(r->detail);
	*r = (struct kube_startup){ 0 };
}

char *
kube_startup_containerd_message(const struct kube_startup *r)
{
	char *s = NULL;
	int n = -1;

	switch (r->starts ? 0 : r->phase) {
	case KUBE_STARTUP_CREATE:
		/* crun's message reaches containerd without a prefix */
		n = asprintf(&s,
		             "StartError: failed to create containerd task: failed to create shim "
		             "task: OCI runtime create failed: %s%s: unknown",
		             r->rt.name == KUBE_OCI_RUNC
		                     ? "runc create failed: unable to start container process: "
		                     : "",
		             r->message);
		break;
	case KUBE_STARTUP_START:
		n = asprintf(&s, "StartError: failed to start containerd task: %s: unknown",
		             r->detail ? r->detail : r->message);
		break;
	case KUBE_STARTUP_EXEC:
		n = asprintf(&s, "Error: exit code %d: %s", r->exit_code, r->message);
		break;
	case KUBE_STARTUP_KILLED:
		n = asprintf(&s, "Error: exit code %d: %s", r->exit_code, r->message);
		break;
	case KUBE_STARTUP_HANG:
		n = asprintf(&s, "ContainerCreating: %s", r->message);
		break;
	default:
		return NULL;
	}
	return n < 0 ? NULL : s;
}

void
kube_startup_describe(const struct kube_startup *r, char *buf, size_t size)
{
	char name[64];

	if (r->rt.name == KUBE_OCI_KSECCOMP)
		snprintf(name, sizeof(name), "kseccomp's launcher");
	else
		kube_oci_format(&r->rt, name, sizeof(name));
	snprintf(buf, size, "%s %s no_new_privs", name, r->no_new_privs ? "with" : "without");
}

/* The rule fix adds, "    {...}" as the canonical writer indents an element of syscalls. */
static int
fix_rule(const struct kube_startup *r, struct strbuf *sb)
{
	char name[96];
	size_t n = 0;

	kube_startup_describe(r, name, sizeof(name));
	strbuf_puts(sb, "    {\n      \"names\": [");
	for (size_t i = 0; i < r->n_denials; i++) {
		const struct kube_startup_denial *d = &r->denials[i];
		bool dup = false;

		for (size_t j = 0; j < i; j++)
			dup = dup || (r->denials[j].fatal && streq(r->denials[j].call, d->call));
		if (!d->fatal || dup)
			continue;
		if (!streq(d->by, "defaultAction") && !streq(d->by, "runc's ENOSYS stub"))
			return -EEXIST;
		strbuf_printf(sb, "%s\n        \"%s\"", n++ ? "," : "", d->call);
	}
	strbuf_printf(sb,
	              "\n      ],\n      \"action\": \"SCMP_ACT_ALLOW\",\n      \"comment\": "
	              "\"kseccomp profile fix: what %s calls after installing the filter\"\n    }",
	              name);
	return (int)n;
}

int
kube_startup_fix(const struct ksc_profile *profile, const struct kube_startup *r,
                 struct ksc_profile **ret_profile, char **ret_json, size_t *ret_len,
                 struct ksc_error **reterr)
{
	_cleanup_(freep) char *json = NULL, *rule = NULL, *out = NULL;
	_cleanup_(ksc_profile_freep) struct ksc_profile *fixed = NULL;
	struct strbuf sb = { 0 }, whole = { 0 };
	const char *at;
	size_t len = 0;
	int n, e;

	n = fix_rule(r, &sb);
	e = strbuf_finish(&sb, &rule, NULL);
	if (n == -EEXIST) {
		for (size_t i = 0; i < r->n_denials; i++)
			if (r->denials[i].fatal && !streq(r->denials[i].by, "defaultAction") &&
			    !streq(r->denials[i].by, "runc's ENOSYS stub"))
				return ksc_error_setf(reterr, -EEXIST,
				                      "%s: %s denies %s, which the runtime needs: "
				                      "remove it there",
				                      (profile->source ? profile->source : "-"),
				                      r->denials[i].by, r->denials[i].call);
	}
	if (e < 0)
		return e;
	e = ksc_profile_write_json(profile, &json, &len);
	if (e < 0)
		return e;
	if (n > 0) {
		/* the rule goes first in syscalls, or syscalls comes last */
		at = strstr(json, "\n  \"syscalls\": [\n");
		if (at) {
			at += strlen("\n  \"syscalls\": [\n");
			strbuf_printf(&whole, "%.*s%s,\n%s", (int)(at - json), json, rule, at);
		} else {
			at = strrchr(json, '}');
			while (at > json && (at[-1] == '\n' || at[-1] == ' '))
				at--;
			if (!at)
				return -EINVAL;
			strbuf_printf(&whole, "%.*s,\n  \"syscalls\": [\n%s\n  ]\n}\n",
			              (int)(at - json), json, rule);
		}
		e = strbuf_finish(&whole, &out, &len);
		if (e < 0)
			return e;
	} else
		out = TAKE_PTR(json);
	e = ksc_profile_parse((profile->source ? profile->source : "-"), out, len, NULL, &fixed,
	                      NULL, reterr);
	if (e < 0)
		return e;
	free(json);
	json = NULL;
	e = ksc_profile_write_json(fixed, &json, &len);
	if (e < 0)
		return e;
	*ret_profile = TAKE_PTR(fixed);
	*ret_json = TAKE_PTR(json);
	*ret_len = len;
	return 0;
}
