/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The records of an audit read counted per (comm, arch, syscall, action): the summary, and the
 * least-privilege profile the tutorial writes by hand from them.
 */
#pragma once

#include <stdint.h>

#include "kseccomp.h"

struct audit_group {
	char comm[32]; /* a kernel's comm has at most 15 bytes */
	enum ksc_arch arch;
	uint32_t syscall;
	uint32_t code;
	uint64_t count;
};

/* Zero-initialised, it is empty. */
struct audit_groups {
	struct audit_group *v; /* in the order first seen */
	size_t n;
	/* open addressing over v: index + 1, 0 for a free slot; power-of-two size */
	uint32_t *slots;
	size_t n_slots;
};

/* Count n more for (comm, arch, syscall, code); comm is cut to what a group keeps. 0 or
 * -ENOMEM. */
int audit_groups_add(struct audit_groups *g, const char *comm, enum ksc_arch arch, uint32_t syscall,
                     uint32_t code, uint64_t n);

/* Most frequent first; ties in a fixed order (comm, arch, syscall, action), whatever order
 * the records came in. The lookup still works afterwards. */
void audit_groups_sort(struct audit_groups *g);

void audit_groups_done(struct audit_groups *g);

/* A profile that allows every syscall the groups show. */
struct audit_profile {
	char *json; /* canonical, as 'profile fmt' writes it; owned by the caller */
	size_t len;
	size_t n_syscalls, n_arches;
};

/* The tutorial's manual step: defaultAction SCMP_ACT_ERRNO, the arches seen and this
 * machine's, one SCMP_ACT_ALLOW rule for every syscall seen plus execve. name is the
 * document's name for its diagnostics (the file it will be written to). A syscall without a
 * name in its arch's table is left out with a warning in diags. 0 with *ret filled, -ENOENT
 * when no syscall remains, -ENOMEM. */
int
audit_profile_generate(const struct audit_groups *g, const char *name, struct audit_profile *ret,
                       struct ksc_diags *diags, struct ksc_error **reterr);
