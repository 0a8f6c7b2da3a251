/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libseccomp adapter: the library's only door to libseccomp (<seccomp.h>), in kseccomp's
 * own types. Names and numbers as libseccomp resolves them (runc and crun resolve a
 * profile's names with it, so what it does not know they skip), its version, and a
 * libseccomp filter built step by step as runc's InitSeccomp() builds it.
 *
 * Everything above (the filter model, the backends) asks libseccomp through here and
 * never includes <seccomp.h>; the kernel's ABI comes from <linux/seccomp.h> and
 * <linux/filter.h>.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kseccomp.h"
#include "macro.h"

/* libseccomp's number for name on arch (KSC_ARCH_NONE: libseccomp's native arch, the
 * table runc resolves names with): >= 0, or a negative pseudo number for a name it knows
 * but arch lacks. -ENOENT when libseccomp does not know the name at all, -EOPNOTSUPP when
 * it does not know arch. */
int libseccomp_resolve(enum ksc_arch arch, const char *name, int *ret_nr);
/* The same for a name whose id in kseccomp's tables the caller has (syscalls_name_id(), -1
 * when they lack it). */
int libseccomp_resolve_id(enum ksc_arch arch, int id, const char *name, int *ret_nr);

/* Whether libseccomp knows arch (it has a token for the arch's name). */
bool libseccomp_arch_known(enum ksc_arch arch);
/* Whether libseccomp knows an arch by its own lower-case name ("x86_64", "parisc"). */
bool libseccomp_arch_name_known(const char *name);

/* One comparison as libseccomp's scmp_arg_cmp: for MASKED_EQ, value is the mask and
 * value_two the datum; other operators compare with value. */
struct libseccomp_cond {
	unsigned arg;
	enum ksc_op op;
	uint64_t value;
	uint64_t value_two;
};

/* A libseccomp filter under construction (its scmp_filter_ctx). */
struct libseccomp_filter;

/* seccomp_init() with the default action (SECCOMP_RET_* with its data): the filter has
 * libseccomp's native arch until libseccomp_filter_drop_native(). Returns 0, -EINVAL when
 * libseccomp refuses the action, -ENOMEM. */
int libseccomp_filter_new(uint32_t default_action, struct libseccomp_filter **ret);
void libseccomp_filter_free(struct libseccomp_filter *f);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct libseccomp_filter *, libseccomp_filter_free);

/* Adds arch (seccomp_arch_add()); an arch already there is no error. Returns 0,
 * -EOPNOTSUPP when libseccomp does not know arch, or libseccomp's -errno. */
int libseccomp_filter_add_arch(struct libseccomp_filter *f, enum ksc_arch arch);

/* Removes the native arch seccomp_init() put in, unless libseccomp_filter_add_arch() added
 * it too. Returns 0 or libseccomp's -errno. */
int libseccomp_filter_drop_native(struct libseccomp_filter *f);

/* Asks for libseccomp's binary tree layout (SCMP_FLTATR_CTL_OPTIMIZE 2). Returns 0 or
 * libseccomp's -errno. */
int libseccomp_filter_binary_tree(struct libseccomp_filter *f);

/* seccomp_rule_add_array(): action on syscall nr (libseccomp's number, from
 * libseccomp_resolve() with KSC_ARCH_NONE) when all n_conds comparisons hold. Returns 0 or
 * libseccomp's -errno (-EEXIST: a rule that conflicts with an earlier one). */
int libseccomp_filter_add_rule(struct libseccomp_filter *f, int nr, uint32_t action,
                               const struct libseccomp_cond *conds, size_t n_conds);

/* seccomp_export_bpf(): the program, raw struct sock_filter records, written to fd.
 * Returns 0 or libseccomp's -errno. */
int libseccomp_filter_export(struct libseccomp_filter *f, int fd);
