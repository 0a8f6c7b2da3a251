/* SPDX-License-Identifier: Apache-2.0 */
/*
 * compile (dispatcher): ksc_profile_compile() picks a backend (compile.c). This header is
 * for library modules above it that already hold the filter.
 */
#pragma once

#include "filter.h"

/* ksc_profile_compile() with the filter of p and opts already built (borrowed) and
 * filter_diags what building it said (they go to diags where compiling would have added
 * them): a caller that needs both builds the filter once. A NULL filter is built here. */
int compile_profile_filtered(const struct ksc_profile *p, const struct ksc_compile_opts *opts,
                             const struct ksc_filter *filter, const struct ksc_diags *filter_diags,
                             struct ksc_bpf **ret_prog, struct ksc_diags *diags,
                             struct ksc_error **reterr);

/* ksc_profile_size() with the filter of p and opts already built (borrowed). */
int compile_size(const struct ksc_profile *p, const struct ksc_compile_opts *opts,
                 const struct ksc_filter *filter, unsigned flags, struct ksc_size *ret,
                 struct ksc_diags *diags, struct ksc_error **reterr);

/* The warning libseccomp's time of ms deserves (from a second: runc pays it at every
 * container start) into buf: 1, or 0 when it is not worth one. */
int compile_slow_note(unsigned long ms, char *buf, size_t len);
