/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lint: what is wrong with a valid profile. Each finding has a stable ID (documented in
 * kseccomp(1)), a severity and, where one rule is to blame, its position. Decisions are the
 * filter model's (what runc enforces), on the native architecture.
 */
#include <inttypes.h>
#include <stdarg.h>

#include "compile.h"
#include "error.h"
#include "filter.h"
#include "libseccomp.h"
#include "name-index.h"
#include "profile.h"

struct findings {
	struct ksc_finding *v;
	size_t n, cap;
};

_printf_(6, 7) static int add(struct findings *f, const char *id,
                              enum ksc_finding_severity severity, const struct ksc_rule *rule,
                              size_t rule_index, const char *fmt, ...)
{
	struct ksc_finding *grown;
	char *message = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&message, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	if (f->n == f->cap) {
		/* doubling: a large profile has a finding for every shadowed name */
		size_t cap = f->cap ? 2 * f->cap : 16;

		grown = reallocarray(f->v, cap, sizeof(*grown));
		if (!grown) {
			free(message);
			return -ENOMEM;
		}
		f->v = grown;
		f->cap = cap;
	}
	f->v[f->n++] = (struct ksc_finding){
		.id = id,
		.severity = severity,
		.rule = rule ? rule_index : SIZE_MAX,
		.line = rule ? rule->pos.line : 0,
		.column = rule ? rule->pos.column : 0,
		.message = message,
	};
	return 0;
}

static uint32_t
decide(const struct ksc_filter *filter, enum ksc_arch arch, const char *name, uint64_t arg0,
       uint64_t rest, struct ksc_decision *ret)
{
	struct ksc_seccomp_data d = { .arch = ksc_arch_audit_token(arch) };
	uint32_t nr;

	if (ksc_syscall_resolve_name(arch, name, &nr) < 0)
		return UINT32_MAX;
	d.nr = (int32_t)nr;
	d.args[0] = arg0;
	for (int i = 1; i < 6; i++)
		d.args[i] = rest;
	return ksc_filter_decide(filter, &d, ret);
}

static bool
lets_run(uint32_t ret)
{
	ret &= KSC_RET_ACTION_FULL;
	return ret == KSC_RET_ALLOW || ret == KSC_RET_LOG;
}

/* Calls that break out of a container or into the kernel, with why. */
static const struct {
	const char *name;
	const char *why;
} dangerous[] = {
	{ "ptrace", "reads and writes the container's other processes (and before Linux 4.8 it "
	            "bypassed seccomp)" },
	{ "mount", "changes the mount table" },
	{ "umount2", "changes the mount table" },
	{ "pivot_root", "changes the root filesystem" },
	{ "bpf", "loads programs into the kernel" },
	{ "perf_event_open", "a large kernel attack surface; leaks kernel addresses" },
	{ "kexec_load", "replaces the running kernel" },
	{ "kexec_file_load", "replaces the running kernel" },
	{ "init_module", "loads kernel modules" },
	{ "finit_module", "loads kernel modules" },
	{ "delete_module", "unloads kernel modules" },
	{ "userfaultfd", "the usual tool to win kernel races" },
	{ "keyctl", "the kernel keyring is not namespaced" },
	{ "add_key", "the kernel keyring is not namespaced" },
	{ "request_key", "the kernel keyring is not namespaced" },
	{ "setns", "enters other namespaces" },
	{ "io_uring_setup", "io_uring bypasses seccomp for the operations it performs" },
	{ "io_uring_enter", "io_uring bypasses seccomp for the operations it performs" },
	{ "io_uring_register", "io_uring bypasses seccomp for the operations it performs" },
	{ "open_by_handle_at", "opens files outside the container's mounts (shocker)" },
	{ "iopl", "direct hardware port access" },
	{ "ioperm", "direct hardware port access" },
	{ "swapon", "changes the host's swap" },
	{ "reboot", "reboots the host" },
	{ "syslog", "reads and clears the kernel log" },
	{ "lookup_dcookie", "leaks kernel information" },
};

static int
check_dangerous(struct findings *f, const struct ksc_profile *p, const struct ksc_filter *filter,
                enum ksc_arch arch)
{
	const uint64_t clone_newuser = 0x10000000;
	struct ksc_decision dec;
	int r;

	char by_default[512] = "";
	size_t len = 0;

	for (size_t i = 0; i < ELEMENTSOF(dangerous); i++) {
		/* allowed whatever the arguments: with all of them zero and all of them set */
		if (!lets_run(decide(filter, arch, dangerous[i].name, 0, 0, NULL)) ||
		    !lets_run(
		            decide(filter, arch, dangerous[i].name, UINT64_MAX, UINT64_MAX, &dec)))
			continue;
		if (dec.by != KSC_DECIDED_BY_RULE || dec.rule >= p->n_rules) {
			/* a deny-list: one finding for all of them */
			if (len < sizeof(by_default))
				len += (size_t)snprintf(by_default + len, sizeof(by_default) - len,
				                        "%s%s", len ? ", " : "", dangerous[i].name);
			continue;
		}
		r = add(f, "dangerous-syscall", KSC_FINDING_WARNING, &p->rules[dec.rule], dec.rule,
		        "%s is allowed without conditions: %s", dangerous[i].name,
		        dangerous[i].why);
		if (r < 0)
			return r;
	}
	if (len > 0) {
		r = add(f, "dangerous-syscall", KSC_FINDING_WARNING, NULL, 0,
		        "the default action lets these run: %s", by_default);
		if (r < 0)
			return r;
	}
	/* namespaces: unshare and clone with CLONE_NEWUSER (and friends) */
	for (int k = 0; k < 2; k++) {
		const char *name = k == 0 ? "unshare" : "clone";
		/* s390 passes clone's flags in arg1 */
		bool s390 = arch == KSC_ARCH_S390 || arch == KSC_ARCH_S390X;
		uint32_t ret = k == 1 && s390 ? decide(filter, arch, name, 0, clone_newuser, &dec)
		                              : decide(filter, arch, name, clone_newuser, 0, &dec);

		if (!lets_run(ret))
			continue;
		r = add(f, "namespace-creation", KSC_FINDING_WARNING,
		        dec.by == KSC_DECIDED_BY_RULE && dec.rule < p->n_rules ? &p->rules[dec.rule]
		                                                               : NULL,
		        dec.rule,
		        "%s with CLONE_NEWUSER is allowed: a container can make user namespaces, "
		        "the way into most kernel exploits (RuntimeDefault allows it only with "
		        "CAP_SYS_ADMIN)",
		        name);
		if (r < 0)
			return r;
	}
	if (lets_run(decide(filter, arch, "clone3", 0, 0, &dec))) {
		r = add(f, "clone3-allowed", KSC_FINDING_INFO,
		        dec.by == KSC_DECIDED_BY_RULE && dec.rule < p->n_rules ? &p->rules[dec.rule]
		                                                               : NULL,
		        dec.rule,
		        "clone3 is allowed: its flags are behind a pointer, so no filter can keep "
		        "it from creating namespaces (RuntimeDefault answers ENOSYS, and glibc "
		        "falls back to clone)");
		if (r < 0)
			return r;
	}
	return 0;
}

static int
check_breakage(struct findings *f, const struct ksc_profile *p, const struct ksc_filter *filter,
               enum ksc_arch arch)
{
	struct ksc_decision dec;
	uint32_t ret;
	char text[32];
	int r;

	ret = decide(filter, arch, "clone3", 0, 0, &dec);
	if ((ret & KSC_RET_ACTION_FULL) == KSC_RET_ERRNO && (ret & KSC_RET_DATA) != ENOSYS) {
		ksc_ret_format(ret, text, sizeof(text));
		r = add(f, "clone3-not-enosys", KSC_FINDING_ERROR,
		        dec.by == KSC_DECIDED_BY_RULE && dec.rule < p->n_rules ? &p->rules[dec.rule]
		                                                               : NULL,
		        dec.rule,
		        "clone3 gets %s: glibc's pthread_create() falls back to clone only on "
		        "ENOSYS, so no thread can start; answer clone3 with errnoRet 38",
		        text);
		if (r < 0)
			return r;
	}
	ret = decide(filter, arch, "execve", 0, 0, &dec);
	/* TRACE and NOTIFY: a tracer or an agent decides */
	if (ret != UINT32_MAX && !lets_run(ret) && (ret & KSC_RET_ACTION_FULL) != KSC_RET_TRACE &&
	    (ret & KSC_RET_ACTION_FULL) != KSC_RET_USER_NOTIF) {
		ksc_ret_format(ret, text, sizeof(text));
		r = add(f, "execve-denied", KSC_FINDING_ERROR,
		        dec.by == KSC_DECIDED_BY_RULE && dec.rule < p->n_rules ? &p->rules[dec.rule]
		                                                               : NULL,
		        dec.rule,
		        "execve gets %s: the runtime installs the filter before it executes the "
		        "container's process, which can then never start",
		        text);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Rules that never decide anything, as libseccomp merges them. The first unconditional rule
 * for a name decides it; any rule for that name after it is ignored, and conditional ones
 * before it replaced. So each name needs only the index of its first unconditional rule
 * (kept per name in a hash table: comparing every rule with every other took minutes on a
 * profile of 100,000 rules). */
static int
check_rules(struct findings *f, const struct ksc_profile *p)
{
	_cleanup_(name_index_done) struct name_index names = { 0 };
	_cleanup_(freep) size_t *first = NULL;
	uint32_t def = ksc_profile_default_ret(p);
	size_t id;
	int r;

	for (size_t i = 0; i < p->n_rules; i++)
		for (size_t j = 0; j < p->rules[i].n_names; j++) {
			r = name_index_put(&names, p->rules[i].names[j], &id);
			if (r < 0)
				return r;
		}
	first = malloc(MAX(names.n, (size_t)1) * sizeof(*first));
	if (!first)
		return -ENOMEM;
	for (size_t n = 0; n < names.n; n++)
		first[n] = SIZE_MAX;
	for (size_t k = 0; k < p->n_rules; k++) {
		const struct ksc_rule *other = &p->rules[k];

		if (other->single_name || other->n_args > 0 || ksc_rule_ret(other) == def)
			continue;
		for (size_t m = 0; m < other->n_names; m++)
			if (name_index_get(&names, other->names[m], &id) && first[id] == SIZE_MAX)
				first[id] = k;
	}

	for (size_t i = 0; i < p->n_rules; i++) {
		const struct ksc_rule *rule = &p->rules[i];

		if (rule->single_name)
			continue; /* validate says it */
		if (ksc_rule_ret(rule) == def) {
			r = add(f, "redundant-rule", KSC_FINDING_INFO, rule, i,
			        "syscalls[%zu] has the default action: runtimes skip it", i);
			if (r < 0)
				return r;
			continue;
		}
		for (size_t j = 0; j < rule->n_names; j++) {
			size_t k;

			if (!name_index_get(&names, rule->names[j], &id))
				continue;
			k = first[id];
			/* an unconditional rule is only shadowed by one before it (it is its own
			 * first otherwise) */
			if (k == SIZE_MAX || (rule->n_args == 0 && k >= i))
				continue;
			r = add(f, "shadowed-rule", KSC_FINDING_WARNING, rule, i,
			        "syscalls[%zu] never decides %s: syscalls[%zu] decides it "
			        "whatever the arguments%s",
			        i, rule->names[j], k,
			        k > i ? " (libseccomp lets an unconditional rule replace "
			                "conditional ones)"
			              : " first");
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* What each distinct name of the profile is, worked out once: a large profile repeats a few
 * hundred names. */
enum {
	NAME_UNKNOWN_TO_LIBSECCOMP = 1 << 0, /* but a syscall name kseccomp knows */
	NAME_MISSING_FIRST_ARCH = 1 << 1,    /* bit a + 1: not a syscall on arches[a] */
};

static int
name_facts(const struct ksc_profile *p, const enum ksc_arch *arches, size_t n_arches,
           struct name_index *names, unsigned **ret)
{
	_cleanup_(freep) unsigned *facts = NULL;
	size_t id;
	int r, nr;

	for (size_t i = 0; i < p->n_rules; i++)
		for (size_t j = 0; j < p->rules[i].n_names; j++) {
			r = name_index_put(names, p->rules[i].names[j], &id);
			if (r < 0)
				return r;
		}
	facts = calloc(MAX(names->n, (size_t)1), sizeof(*facts));
	if (!facts)
		return -ENOMEM;
	for (id = 0; id < names->n; id++) {
		const char *name = names->names[id];

		if (libseccomp_resolve(KSC_ARCH_NONE, name, &nr) < 0 &&
		    ksc_syscall_name_known(name))
			facts[id] |= NAME_UNKNOWN_TO_LIBSECCOMP;
		for (size_t a = 0; a < n_arches; a++) {
			uint32_t unused, mux, call;

			if (ksc_syscall_resolve_name(arches[a], name, &unused) < 0 &&
			    ksc_syscall_multiplexed(arches[a], name, &mux, &call) <= 0)
				facts[id] |= (unsigned)NAME_MISSING_FIRST_ARCH << a;
		}
	}
	*ret = TAKE_PTR(facts);
	return 0;
}

static int
check_names(struct findings *f, const struct ksc_profile *p, const enum ksc_arch *arches,
            size_t n_arches)
{
	_cleanup_(name_index_done) struct name_index names = { 0 };
	_cleanup_(freep) unsigned *facts = NULL;
	size_t id;
	int r;

	r = name_facts(p, arches, n_arches, &names, &facts);
	if (r < 0)
		return r;
	/* one finding per rule: the names in it libseccomp does not know */
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct ksc_rule *rule = &p->rules[i];
		char list[256] = "";
		size_t unknown = 0, len = 0;

		for (size_t j = 0; j < rule->n_names; j++) {
			if (!name_index_get(&names, rule->names[j], &id) ||
			    !(facts[id] & NAME_UNKNOWN_TO_LIBSECCOMP))
				continue;
			if (unknown++ < 6 && len < sizeof(list))
				len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
				                        unknown > 1 ? ", " : "", rule->names[j]);
		}
		if (unknown == 0)
			continue;
		r = add(f, "unknown-to-libseccomp", KSC_FINDING_WARNING, rule, i,
		        "libseccomp %s does not know %s%s: runc skips %s, and calls get the "
		        "ENOSYS stub or the default action",
		        ksc_libseccomp_version(), list, unknown > 6 ? ", ..." : "",
		        unknown > 1 ? "them" : "it");
		if (r < 0)
			return r;
	}
	/* per listed arch: how many names are not syscalls there (one finding per arch) */
	for (size_t a = 0; a < n_arches; a++) {
		size_t missing = 0, total = 0;
		const char *example = NULL;

		for (size_t i = 0; i < p->n_rules; i++)
			for (size_t j = 0; j < p->rules[i].n_names; j++) {
				total++;
				if (!name_index_get(&names, p->rules[i].names[j], &id) ||
				    !(facts[id] & ((unsigned)NAME_MISSING_FIRST_ARCH << a)))
					continue;
				missing++;
				example = example ? example : p->rules[i].names[j];
			}
		if (missing == 0)
			continue;
		r = add(f, "names-missing-on-arch", KSC_FINDING_INFO, NULL, 0,
		        "%zu of the %zu names are not syscalls on %s (e.g. %s): their rules do "
		        "nothing there",
		        missing, total, ksc_arch_name(arches[a]), example);
		if (r < 0)
			return r;
	}
	return 0;
}

int
ksc_profile_lint(const struct ksc_profile *p, const struct ksc_compile_opts *opts,
                 struct ksc_finding **ret, size_t *ret_n, struct ksc_error **reterr)
{
	_cleanup_(ksc_filter_freep) struct ksc_filter *filter = NULL;
	_cleanup_(ksc_diags_freep) struct ksc_diags *diags = ksc_diags_new();
	_cleanup_(ksc_diags_freep) struct ksc_diags *filter_diags = ksc_diags_new();
	struct findings f = { 0 };
	enum ksc_arch arch =
	        opts && opts->native != KSC_ARCH_NONE ? opts->native : ksc_arch_native();
	enum ksc_arch arches[_KSC_ARCH_MAX];
	struct ksc_size size;
	uint32_t def = ksc_profile_default_ret(p) & KSC_RET_ACTION_FULL;
	size_t n_arches;
	int r;

	if (!diags || !filter_diags)
		return -ENOMEM;
	n_arches = ksc_compile_arches(p, opts, arches, ELEMENTSOF(arches));
	if (p->n_arches == 0)
		r = add(&f, "no-architectures", KSC_FINDING_WARNING, NULL, 0,
		        "no \"architectures\": only %s is filtered (other ABIs, i386 and x32 "
		        "included, get the bad-arch action, KILL), and runc adds no ENOSYS stub, "
		        "so syscalls newer than the profile get the default errno",
		        ksc_arch_name(arch));
	else
		r = 0;
	for (size_t i = 0; r >= 0 && i < p->n_rules; i++)
		if (p->rules[i].includes.present || p->rules[i].excludes.present) {
			r = add(&f, "docker-template", KSC_FINDING_WARNING, &p->rules[i], i,
			        "includes/excludes are Docker's: runc and crun apply every rule to "
			        "every container, whatever its capabilities and architecture "
			        "(expand "
			        "the template for a container with 'kseccomp profile default', or "
			        "judge what runc enforces below)");
			break;
		}
	if (r >= 0 && (def == KSC_RET_ALLOW || def == KSC_RET_LOG))
		r = add(&f, "default-allows", KSC_FINDING_WARNING, NULL, 0,
		        "the default action lets every syscall the profile does not name run: "
		        "a deny-list, which new kernels' syscalls walk around");
	if (r < 0)
		goto fail;

	/* built once: compiling below goes on from it */
	r = ksc_filter_new(p, opts, &filter, filter_diags, reterr);
	if (r == -EINVAL || r == -ETIMEDOUT || r == -ETIME) {
		/* what runc would fail on is the finding */
		r = add(&f,
		        r == -EINVAL      ? "conflicting-rules"
		        : r == -ETIMEDOUT ? "libseccomp-loops"
		                          : "libseccomp-slow",
		        KSC_FINDING_ERROR, NULL, 0, "%s",
		        reterr && *reterr ? ksc_error_message(*reterr) : "refused");
		if (reterr && *reterr) {
			ksc_error_free(*reterr);
			*reterr = NULL;
		}
		if (r < 0)
			goto fail;
		goto done;
	}
	if (r < 0)
		goto fail;
	r = check_dangerous(&f, p, filter, arch);
	if (r >= 0)
		r = check_breakage(&f, p, filter, arch);
	if (r >= 0)
		r = check_rules(&f, p);
	if (r >= 0)
		r = check_names(&f, p, arches, n_arches);
	if (r < 0)
		goto fail;

	/* the size verdict every verb gives (ksc_profile_size()), and what compiling as runc
	 * says: libseccomp's time and its own mistakes */
	r = compile_size(p, opts, filter, 0, &size, diags, NULL);
	if (r == 0) {
		size_t longest = MAX(size.native, size.runc);
		char text[768];

		(void)ksc_size_describe(&size, text, sizeof(text));
		if (!ksc_size_fits(&size, KSC_BACKEND_LIBSECCOMP) ||
		    !ksc_size_fits(&size, KSC_BACKEND_NATIVE))
			r = add(&f, "size-over-limit", KSC_FINDING_ERROR, NULL, 0, "%s", text);
		else if (longest > KSC_BPF_MAXINSNS * 3 / 4)
			r = add(&f, "size-near-limit", KSC_FINDING_WARNING, NULL, 0, "%s", text);
		if (r >= 0 && compile_slow_note(size.runc_ms, text, sizeof(text)))
			r = add(&f, "libseccomp-slow", KSC_FINDING_WARNING, NULL, 0, "%s", text);
		if (r < 0)
			goto fail;
	} else if (r == -ETIMEDOUT) {
		r = add(&f, "libseccomp-slow", KSC_FINDING_ERROR, NULL, 0,
		        "libseccomp %s did not finish compiling the profile within %u s: runc "
		        "would take at least as long to start every container",
		        ksc_libseccomp_version(),
		        (opts && opts->timeout_ms ? opts->timeout_ms : KSC_LIBSECCOMP_TIMEOUT_MS) /
		                1000);
		if (r < 0)
			goto fail;
	} else if (r == -ENOMEM)
		goto fail;
	r = 0;
	/* what building the filter said (libseccomp's order of syscalls), then compiling */
	for (size_t i = 0; i < ksc_diags_count(filter_diags) + ksc_diags_count(diags); i++) {
		size_t nf = ksc_diags_count(filter_diags);
		const char *msg = ksc_diag_message(i < nf ? ksc_diags_get(filter_diags, i)
		                                          : ksc_diags_get(diags, i - nf));

		if (strstr(msg, "miscompiles") || strstr(msg, "without loading the syscall"))
			r = add(&f, "libseccomp-miscompiles", KSC_FINDING_WARNING, NULL, 0, "%s",
			        msg);
		if (r < 0)
			goto fail;
	}
done:
	*ret = f.v;
	*ret_n = f.n;
	return 0;
fail:
	ksc_findings_free(f.v, f.n);
	return r;
}

void
ksc_findings_free(struct ksc_finding *findings, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(findings[i].message);
	free(findings);
}
