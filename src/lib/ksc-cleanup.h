/* SPDX-License-Identifier: Apache-2.0 */
/* Cleanup helpers for the public types, for _cleanup_() in the library, the CLI and tests. */
#pragma once

#include "kseccomp.h"
#include "macro.h"

static inline void
ksc_error_freep(struct ksc_error **e)
{
	ksc_error_free(*e);
}

static inline void
ksc_diags_freep(struct ksc_diags **d)
{
	ksc_diags_free(*d);
}

static inline void
ksc_profile_freep(struct ksc_profile **p)
{
	ksc_profile_free(*p);
}

static inline void
ksc_filter_freep(struct ksc_filter **f)
{
	ksc_filter_free(*f);
}

static inline void
ksc_bpf_freep(struct ksc_bpf **prog)
{
	ksc_bpf_free(*prog);
}
