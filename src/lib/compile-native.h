/* SPDX-License-Identifier: Apache-2.0 */
/*
 * compile (native backend): a program laid out by kseccomp that decides as the filter
 * does (compile-native.c). Called by the dispatcher (compile.c).
 */
#pragma once

#include "filter.h"

/* Returns 0 with the instructions (owned by the caller; not yet checked), or -E2BIG or
 * -ENOMEM with the reason in reterr. */
int compile_native(const struct ksc_filter *f, struct ksc_bpf_insn **ret, size_t *ret_n,
                   struct ksc_error **reterr);
