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

/* What a compilation measured, beyond its program. */
struct compile_run {
	struct libseccomp_run lib; /* lib.exact in: build libseccomp's even when sure too long */
	size_t length;             /* the program's length, also when over the limit (0: none) */
};

/* Milliseconds from which libseccomp's time is worth a warning: runc pays it at every
 * start. */
#define SLOW_LIBSECCOMP_MS 1000u

int
compile_slow_note(unsigned long ms, char *buf, size_t len)
{
	if (ms < SLOW_LIBSECCOMP_MS)
		return 0;
	snprintf(buf, len,
	         "libseccomp %s took %lu.%lu s to compile this profile: runc takes as long to "
	         "start every container under it",
	         ksc_libseccomp_version(), ms / 1000, ms % 1000 / 100);
	return 1;
}

/* shared: the filter of p and opts, already built (borrowed), with shared_diags what
 * building it said; NULL to build it here. run: NULL, or what to measure. */
static int
compile(const struct ksc_profile *p, const struct ksc_compile_opts *opts,
        const struct ksc_filter *shared, const struct ksc_diags *shared_diags,
        struct compile_run *run, struct ksc_bpf **ret_prog, struct ksc_diags *diags,
        struct ksc_error **reterr)
{
	struct compile_run own = { 0 };
	char slow[256];
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
	if (!run)
		run = &own;
	if (backend == KSC_BACKEND_NATIVE)
		r = compile_native(filter, &all, &total, reterr);
	else
		r = compile_libseccomp(p, opts, filter, arches, n_arches, &run->lib, &all, &total,
		                       reterr);
	if (r < 0)
		return r;
	run->length = total;
	if (compile_slow_note(run->lib.ms, slow, sizeof(slow)))
		(void)ksc_diags_addf(diags, KSC_SEVERITY_WARNING, NULL, 0, 0, NULL, "%s", slow);

	if (total > KSC_BPF_MAXINSNS)
		return ksc_error_setf(reterr, -E2BIG,
		                      "%s program has %zu instructions; the kernel takes at most "
		                      "%u (BPF_MAXINSNS)",
		                      backend == KSC_BACKEND_NATIVE ? "kseccomp's (native)"
		                                                    : "runc's (libseccomp)",
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
	int r = compile(p, opts, filter, filter_diags, NULL, ret_prog, diags, reterr);

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

/* ---------------------------------------------------------------------------------------- */
/* Size: the one verdict                                                                      */

/* One backend's length into *ret (and its eBPF length): from the program, or counted in
 * the error that it is too long. */
static int
size_of(const struct ksc_profile *p, const struct ksc_compile_opts *opts,
        const struct ksc_filter *filter, struct compile_run *run, size_t *ret, size_t *ret_ebpf,
        struct ksc_diags *diags, struct ksc_error **reterr)
{
	_cleanup_(ksc_error_freep) struct ksc_error *error = NULL;
	struct ksc_bpf *prog = NULL;
	int r = compile(p, opts, filter, NULL, run, &prog, diags, &error);

	if (r == 0) {
		*ret = ksc_bpf_count(prog);
		*ret_ebpf = ksc_bpf_kernel_len(prog);
		ksc_bpf_free(prog);
		return 0;
	}
	if (r == -E2BIG && run->length > 0) {
		*ret = run->length;
		return 0;
	}
	if (reterr)
		*reterr = TAKE_PTR(error);
	return r;
}

int
compile_size(const struct ksc_profile *p, const struct ksc_compile_opts *opts,
             const struct ksc_filter *filter, unsigned flags, struct ksc_size *ret,
             struct ksc_diags *diags, struct ksc_error **reterr)
{
	struct ksc_compile_opts o = opts ? *opts : (struct ksc_compile_opts){ 0 };
	struct compile_run native = { 0 }, lib = { .lib.exact = flags & KSC_SIZE_EXACT };
	int r;

	*ret = (struct ksc_size){ .runc_stub = !o.no_enosys_stub };
	o.backend = KSC_BACKEND_NATIVE;
	r = size_of(p, &o, filter, &native, &ret->native, &ret->native_ebpf, NULL, reterr);
	if (r < 0)
		return r;
	/* runc's program is never shorter than kseccomp's (tests/test-native.c): over the
	 * limit, libseccomp need not run to say so, unless asked */
	if (ret->native > KSC_BPF_MAXINSNS && !(flags & KSC_SIZE_EXACT)) {
		ret->runc = ret->native;
		ret->runc_at_least = true;
		return 0;
	}
	o.backend = KSC_BACKEND_LIBSECCOMP;
	r = size_of(p, &o, filter, &lib, &ret->runc, &ret->runc_ebpf, diags, reterr);
	ret->runc_ms = lib.lib.ms;
	if (r == -E2BIG && lib.lib.lower_bound > 0) { /* sure to be over: not built */
		ret->runc = MAX(lib.lib.lower_bound, ret->native);
		ret->runc_at_least = true;
		if (reterr) {
			ksc_error_free(*reterr);
			*reterr = NULL;
		}
		return 0;
	}
	return r;
}

int
ksc_profile_size(const struct ksc_profile *p, const struct ksc_compile_opts *opts, unsigned flags,
                 struct ksc_size *ret, struct ksc_diags *diags, struct ksc_error **reterr)
{
	_cleanup_(ksc_filter_freep) struct ksc_filter *filter = NULL;
	int r = ksc_filter_new(p, opts, &filter, diags, reterr);

	*ret = (struct ksc_size){ .runc_stub = !(opts && opts->no_enosys_stub) };
	if (r < 0)
		return r;
	r = compile_size(p, opts, filter, flags, ret, diags, reterr);
	/* every failure names the profile, as ksc_profile_compile()'s */
	if (r < 0 && reterr && *reterr && !startswith(ksc_error_message(*reterr), p->source))
		(void)ksc_error_prefixf(reterr, r, "%s: ", p->source);
	return r;
}

bool
ksc_size_fits(const struct ksc_size *s, enum ksc_backend backend)
{
	return backend == KSC_BACKEND_LIBSECCOMP ? !s->runc_at_least && s->runc <= KSC_BPF_MAXINSNS
	                                         : s->native <= KSC_BPF_MAXINSNS;
}

int
ksc_size_describe(const struct ksc_size *s, char *buf, size_t len)
{
	const char *runtime = s->runc_stub ? "runc" : "crun";
	bool native = ksc_size_fits(s, KSC_BACKEND_NATIVE);
	bool lib = ksc_size_fits(s, KSC_BACKEND_LIBSECCOMP);
	char lengths[256];
	int n;

	if (s->runc_at_least && s->runc <= s->native)
		snprintf(lengths, sizeof(lengths),
		         "kseccomp's program has %zu instructions, and %s's (libseccomp %s) is "
		         "never shorter",
		         s->native, runtime, ksc_libseccomp_version());
	else
		snprintf(lengths, sizeof(lengths),
		         "%s's program (libseccomp %s) %s %zu instructions and kseccomp's %zu",
		         runtime, ksc_libseccomp_version(),
		         s->runc_at_least ? "would have at least" : "has", s->runc, s->native);
	if (native && lib)
		n = snprintf(buf, len,
		             "%s, within the kernel's %u per program; they take %zu and %zu of the "
		             "%u eBPF instructions all filters of a task share",
		             lengths, KSC_BPF_MAXINSNS, s->runc_ebpf, s->native_ebpf,
		             KSC_BPF_MAX_INSNS_PER_PATH);
	else if (lib)
		n = snprintf(buf, len,
		             "%s; the kernel takes at most %u in one program (BPF_MAXINSNS): %s "
		             "loads its own, kseccomp cannot",
		             lengths, KSC_BPF_MAXINSNS, runtime);
	else
		n = snprintf(buf, len,
		             "%s; the kernel takes at most %u in one program (BPF_MAXINSNS): %s "
		             "fails to start the container (%s)",
		             lengths, KSC_BPF_MAXINSNS, runtime,
		             s->runc_stub ? "\"unable to init seccomp: error loading seccomp "
		                            "filter into kernel: error loading seccomp filter: "
		                            "invalid argument\""
		                          : "the kernel refuses the filter: EINVAL");
	return n < 0 ? -EINVAL : n;
}

int
ksc_profile_check_size(const struct ksc_profile *p, const struct ksc_compile_opts *opts,
                       struct ksc_diags *diags, struct ksc_size *ret_size)
{
	_cleanup_(ksc_error_freep) struct ksc_error *error = NULL;
	struct ksc_size size;
	char text[768];
	/* what compiling says besides the size is the business of compile and lint */
	int r = ksc_profile_size(p, opts, 0, &size, NULL, &error);

	if (ret_size)
		*ret_size = size;
	if (r == -ENOMEM)
		return r;
	if (r < 0) /* refused for another reason: the runtime would not start it either */
		return ksc_diags_addf(diags, KSC_SEVERITY_ERROR, NULL, 0, 0, NULL, "%s",
		                      error ? ksc_error_message(error) : strerror(-r)) < 0
		               ? -ENOMEM
		               : 1;
	if (compile_slow_note(size.runc_ms, text, sizeof(text)) &&
	    ksc_diags_addf(diags, KSC_SEVERITY_WARNING, p->source, 0, 0, NULL, "%s", text) < 0)
		return -ENOMEM;
	if (ksc_size_fits(&size, KSC_BACKEND_LIBSECCOMP) &&
	    ksc_size_fits(&size, KSC_BACKEND_NATIVE))
		return 0;
	(void)ksc_size_describe(&size, text, sizeof(text));
	return ksc_diags_addf(diags, KSC_SEVERITY_ERROR, p->source, 0, 0, NULL, "%s", text) < 0
	               ? -ENOMEM
	               : 1;
}
