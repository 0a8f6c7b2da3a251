/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Coverage (kseccomp.h's struct ksc_coverage): which of n inputs (profiles, recordings) use
 * each syscall name, built one name and input at a time.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "kseccomp.h"

struct coverage_builder {
	struct ksc_coverage *v;
	size_t n, cap, n_inputs;
	bool oom;
};

/* Note that input i uses name. */
void coverage_note(struct coverage_builder *b, const char *name, size_t i);
/* The coverage, sorted by count (most first), then by name: 0 with *ret and *ret_n (free with
 * ksc_coverage_free()), or -ENOMEM. The builder is emptied either way. */
int coverage_finish(struct coverage_builder *b, struct ksc_coverage **ret, size_t *ret_n);
