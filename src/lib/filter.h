/* SPDX-License-Identifier: Apache-2.0 */
/*
 * filter: the intermediate form every backend compiles from (DESIGN.md "filter").
 *
 * Two layers, both with the runtimes' semantics applied:
 *
 *   - the rule list: what runc hands to libseccomp, in order. One rule per syscall name of
 *     each profile entry, rules equal to the default action and Docker-only entries
 *     dropped, names the runtime's libseccomp does not know dropped with a warning, an
 *     entry whose argument indexes repeat split into one rule per condition (OR), and the
 *     conditions of a rule sorted by argument index as libseccomp stores them;
 *
 *   - per architecture, the decision structure libseccomp builds from that list: for each
 *     syscall number either an action or a tree of 32-bit comparisons, merged rule by rule
 *     with libseccomp's rules for overlapping and conflicting conditions, the socketcall and
 *     ipc multiplexers of x86, s390, ppc and mips o32, the x32 and bad-arch checks, and
 *     runc's ENOSYS stub.
 *
 * ksc_filter_decide() evaluates the second layer. The libseccomp backend compiles the first.
 */
#pragma once

#include "kseccomp.h"
#include "profile.h"

/* One comparison of a rule, as libseccomp's scmp_arg_cmp: for MASKED_EQ, value is the mask
 * and value_two the datum; other operators compare with value. */
struct filter_cond {
	unsigned arg;
	enum ksc_op op;
	uint64_t value;
	uint64_t value_two;
};

/* One rule as runc adds it with seccomp_rule_add_array(). */
struct filter_rule {
	const char *name; /* borrowed from the profile */
	uint32_t action;  /* SECCOMP_RET_* with its data */
	struct filter_cond conds[6];
	size_t n_conds;
	size_t profile_rule; /* index in the profile's syscalls[] */
	int split_arg;       /* -1, or the args[] entry an OR split made this rule from */
};

/* libseccomp's number for name on arch: >= 0, or a negative pseudo number for a name it
 * knows but arch lacks. -ENOENT when libseccomp does not know the name at all. */
int filter_libseccomp_resolve(enum ksc_arch arch, const char *name, int *ret_nr);

/* The rule list (first layer). Borrowed from the filter. */
const struct filter_rule *filter_rules(const struct ksc_filter *f, size_t *ret_count);

/* The largest syscall number the ENOSYS stub lets through on arch, 0 when arch has no
 * stub. */
uint32_t filter_stub_max(const struct ksc_filter *f, enum ksc_arch arch);

/* The architectures of the stub (the profile's listed ones, or the --arch list). */
size_t filter_stub_arches(const struct ksc_filter *f, const enum ksc_arch **ret_arches);
