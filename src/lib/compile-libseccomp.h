/* SPDX-License-Identifier: Apache-2.0 */
/*
 * compile (libseccomp backend): the program runc builds, libseccomp's with runc's ENOSYS
 * stub in front (compile-libseccomp.c). Called by the dispatcher (compile.c).
 */
#pragma once

#include "filter.h"

/* How a libseccomp build went, beyond its program. */
struct libseccomp_run {
	bool exact;         /* in: build even a program sure to be over the kernel's limit */
	unsigned long ms;   /* out: how long libseccomp took (0: it did not run) */
	size_t lower_bound; /* out: filter_libseccomp_min_insns() + the stub, when it did not */
};

/*
 * The program of filter (built from p and opts) for arches: libseccomp's, built in a child
 * with a deadline (opts->timeout_ms, else KSC_LIBSECCOMP_TIMEOUT_MS), with runc's stub in
 * front. The filter has been built, so libseccomp does not loop on it (filter.c refuses
 * what it loops on): only its time is bounded. Unless run->exact, a program sure to be
 * over the kernel's limit is not built (-E2BIG, with run->lower_bound). Returns 0 with the
 * instructions (owned by the caller; not yet checked), or -errno with the reason in
 * reterr: -E2BIG, -ETIMEDOUT, -EOPNOTSUPP, -EINVAL, -ENOMEM, -EIO.
 */
int compile_libseccomp(const struct ksc_profile *p, const struct ksc_compile_opts *opts,
                       const struct ksc_filter *filter, const enum ksc_arch *arches,
                       size_t n_arches, struct libseccomp_run *run, struct ksc_bpf_insn **ret,
                       size_t *ret_n, struct ksc_error **reterr);

/* Where prog (compile_libseccomp()'s, checked) compares a stale argument word and so
 * decides otherwise than filter, one warning per syscall and arch in diags. Returns 0 or
 * -ENOMEM. */
int compile_libseccomp_warnings(const struct ksc_filter *filter, struct ksc_bpf *prog,
                                const struct ksc_profile *p, const enum ksc_arch *arches,
                                size_t n_arches, struct ksc_diags *diags);
