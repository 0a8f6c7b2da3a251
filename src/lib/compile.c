/* SPDX-License-Identifier: Apache-2.0 */
/*
 * compile (dispatcher): ksc_profile_compile(), the one entry to both backends.
 *
 * What is the same for both: the arches (ksc_compile_arches()), what runc and libseccomp
 * refuse before building anything (errno values, a foreign byte order), what runc says about
 * Docker-only fields, the filter (the decisions both backends compile), and the checks of
 * the result (the kernel's length limit, ksc_bpf_check()). Then the backend: native
 * (compile-native.c) or libseccomp (compile-libseccomp.c, runc's own way, whose
 * miscompiles it reports).
 */
#include "compile.h"

#include "compile-libseccomp.h"
#include "compile-native.h"
#include "error.h"
#include "profile.h"

/* libseccomp refuses these; say so with the position instead of its EINVAL. */
static int
check_errno_values(const struct ksc_profile *p, struct ksc_error **reterr)
{
	if (p->has_default_errno && p->default_action == KSC_ACT_ERRNO &&
	    p->default_errno > KSC_LIBSECCOMP_MAX_ERRNO)
		return ksc_error_setf(reterr, -EINVAL,
		                      "%s:%u:%u: defaultErrnoRet: libseccomp %s refuses errno %u "
		                      "(above %u): runc would not start the container",
		                      p->source, p->default_errno_pos.line,
		                      p->default_errno_pos.column, ksc_libseccomp_version(),
		                      p->default_errno, KSC_LIBSECCOMP_MAX_ERRNO);
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct ksc_rule *r = &p->rules[i];

		if (!r->single_name && r->has_errno && r->action == KSC_ACT_ERRNO &&
		    r->errno_ret > KSC_LIBSECCOMP_MAX_ERRNO)
			return ksc_error_setf(
			        reterr, -EINVAL,
			        "%s:%u:%u: syscalls[%zu].errnoRet: libseccomp %s refuses "
			        "errno %u (above %u): runc would not start the container",
			        p->source, r->errno_pos.line, r->errno_pos.column, i,
			        ksc_libseccomp_version(), r->errno_ret, KSC_LIBSECCOMP_MAX_ERRNO);
	}
	return 0;
}

/* What runc says about the Docker-only parts of a profile: it never sees them (they are not
 * OCI fields), so the rule is dropped or applies to every container. */
static int
docker_field_warnings(const struct ksc_profile *p, struct ksc_diags *diags)
{
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct ksc_rule *rule = &p->rules[i];

		if (rule->single_name) {
			(void)ksc_diags_addf(
			        diags, KSC_SEVERITY_WARNING, NULL, 0, 0, NULL,
			        "syscalls[%zu]: Docker's \"name\" is not an OCI field: "
			        "runc ignores this rule",
			        i);
			continue;
		}
		if (rule->includes.present || rule->excludes.present)
			(void)ksc_diags_addf(
			        diags, KSC_SEVERITY_WARNING, NULL, 0, 0, NULL,
			        "syscalls[%zu]: includes/excludes are Docker extensions: "
			        "runc applies this rule to every container",
			        i);
	}
	return 0;
}

/* The diagnostics of src, after those of dst, in their order. */
static int
diags_append(struct ksc_diags *dst, const struct ksc_diags *src)
{
	int r;

	for (size_t i = 0; dst && src && i < ksc_diags_count(src); i++) {
		const struct ksc_diag *d = ksc_diags_get(src, i);

		r = ksc_diags_addf(dst, ksc_diag_severity(d), ksc_diag_file(d), ksc_diag_line(d),
		                   ksc_diag_column(d), ksc_diag_path(d), "%s", ksc_diag_reason(d));
		if (r < 0)
			return r;
	}
	return 0;
}

/* shared: the filter of p and opts, already built (borrowed), with shared_diags what
 * building it said; NULL to build it here. */
static int
compile(const struct ksc_profile *p, const struct ksc_compile_opts *opts,
        const struct ksc_filter *shared, const struct ksc_diags *shared_diags,
        struct ksc_bpf **ret_prog, struct ksc_diags *diags, struct ksc_error **reterr)
{
	_cleanup_(freep) struct ksc_bpf_insn *all = NULL;
	_cleanup_(ksc_filter_freep) struct ksc_filter *owned = NULL;
	const struct ksc_filter *filter = shared;
	enum ksc_backend backend = opts && opts->backend ? opts->backend : KSC_BACKEND_DEFAULT;
	enum ksc_arch arches[_KSC_ARCH_MAX];
	size_t n_arches = 0, total = 0;
	struct ksc_bpf *bpf = NULL;
	int r;

	if (backend != KSC_BACKEND_LIBSECCOMP && backend != KSC_BACKEND_NATIVE)
		return ksc_error_setf(reterr, -EOPNOTSUPP, "unknown compiler backend");

	n_arches = ksc_compile_arches(p, opts, arches, ELEMENTSOF(arches));
	r = check_errno_values(p, reterr);
	if (r < 0)
		return r;
	/* libseccomp writes a program in the byte order of its arches and refuses to mix
	 * them (EDOM); the stub and this interpreter speak the host's. */
	for (size_t i = 0; i < n_arches; i++)
		if (filter_arch_le(arches[i]) != filter_arch_le(ksc_arch_native()))
			return ksc_error_setf(reterr, -EOPNOTSUPP,
			                      "%s: cannot compile for %s on this %s-endian host "
			                      "(libseccomp builds a filter in one byte order)",
			                      p->source, ksc_arch_name(arches[i]),
			                      filter_arch_le(ksc_arch_native()) ? "little" : "big");

	r = docker_field_warnings(p, diags);
	if (r < 0)
		return r;
	/* The filter refuses what libseccomp refuses (conflicting rules, rule sets it loops
	 * on) with the rule's position, before libseccomp gets the chance to hang. */
	if (shared)
		r = diags_append(diags, shared_diags);
	else {
		r = ksc_filter_new(p, opts, &owned, diags, reterr);
		filter = owned;
	}
	if (r < 0)
		return r;
	if (backend == KSC_BACKEND_NATIVE)
		r = compile_native(filter, &all, &total, reterr);
	else
		r = compile_libseccomp(p, opts, filter, arches, n_arches, &all, &total, reterr);
	if (r < 0)
		return r;

	if (total > KSC_BPF_MAXINSNS)
		return ksc_error_setf(reterr, -E2BIG,
		                      "the compiled filter has %zu instructions; the kernel takes "
		                      "at most %u (BPF_MAXINSNS)",
		                      total, KSC_BPF_MAXINSNS);
	r = ksc_bpf_new(all, total, &bpf);
	if (r < 0)
		return r;
	r = ksc_bpf_check(bpf, reterr);
	if (r < 0) {
		ksc_bpf_free(bpf);
		return ksc_error_prefixf(reterr, -EIO,
		                         "internal error: the compiled program is "
		                         "not valid: ");
	}
	if (backend == KSC_BACKEND_LIBSECCOMP) {
		r = compile_libseccomp_warnings(filter, bpf, p, arches, n_arches, diags);
		if (r < 0) {
			ksc_bpf_free(bpf);
			return r;
		}
	}
	*ret_prog = bpf;
	return 0;
}

int
compile_profile_filtered(const struct ksc_profile *p, const struct ksc_compile_opts *opts,
                         const struct ksc_filter *filter, const struct ksc_diags *filter_diags,
                         struct ksc_bpf **ret_prog, struct ksc_diags *diags,
                         struct ksc_error **reterr)
{
	int r = compile(p, opts, filter, filter_diags, ret_prog, diags, reterr);

	/* Every failure names the profile; positioned messages already start with it. */
	if (r < 0 && reterr && *reterr && !startswith(ksc_error_message(*reterr), p->source))
		(void)ksc_error_prefixf(reterr, r, "%s: ", p->source);
	return r;
}

int
ksc_profile_compile(const struct ksc_profile *p, const struct ksc_compile_opts *opts,
                    struct ksc_bpf **ret_prog, struct ksc_diags *diags, struct ksc_error **reterr)
{
	return compile_profile_filtered(p, opts, NULL, NULL, ret_prog, diags, reterr);
}
