/* SPDX-License-Identifier: Apache-2.0 */
/*
 * profile: the OCI seccomp profile (runtime-spec config-linux.md "Seccomp") with the
 * Docker/moby and containers/common extensions, as a validated in-memory model.
 *
 * Other modules (filter, defaults, kube, record) read these structures directly; the public
 * API exposes them through accessors. A profile owns every string it points to.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "doc.h"
#include "kseccomp.h"

/* Where a value came from, for messages about the profile after parsing. 0 = unknown. */
struct ksc_pos {
	unsigned line;
	unsigned column;
};

struct ksc_arg {
	uint32_t index;
	enum ksc_op op;
	uint64_t value;
	uint64_t value_two;
	bool has_value_two; /* written back only if it was there */
	struct ksc_pos pos;
};

/* Docker/moby rule conditions (`includes` / `excludes`). */
struct ksc_rule_filter {
	bool present;
	char **caps;
	size_t n_caps;
	char **arches; /* moby arch names: amd64, x86, arm64... */
	size_t n_arches;
	char *min_kernel; /* as written, NULL when absent or "" */
	unsigned min_kernel_major;
	unsigned min_kernel_minor;
};

/* A key the model does not know, kept so that `fmt` does not lose it. */
struct ksc_extra {
	char *key; /* NUL-terminated copy; key_len bytes count (a key may hold NUL bytes) */
	size_t key_len;
	const struct ksc_node *value; /* borrowed from the profile's document */
};

struct ksc_rule {
	/* names, name_pos and args live in the profile's document (ksc_doc_alloc()), and
	 * each name is that document's string */
	const char **names;
	size_t n_names;
	struct ksc_pos *name_pos; /* where names[i] was written; NULL when not known */
	bool single_name;         /* written as Docker's "name": "x" */
	enum ksc_action action;
	bool has_errno;
	uint32_t errno_ret;
	struct ksc_pos errno_pos;
	char *errno_name; /* containers/common "errno": "EPERM" */
	struct ksc_arg *args;
	size_t n_args;
	char *comment;
	struct ksc_rule_filter includes;
	struct ksc_rule_filter excludes;
	struct ksc_extra *extras;
	size_t n_extras;
	struct ksc_pos pos;
};

struct ksc_arch_map_entry {
	enum ksc_arch arch;
	enum ksc_arch *subs;
	size_t n_subs;
};

struct ksc_profile {
	char *source;        /* file name given at parse time */
	struct ksc_doc *doc; /* kept alive for extras */
	enum ksc_action default_action;
	bool has_default_errno;
	uint32_t default_errno;
	struct ksc_pos default_errno_pos;
	char *default_errno_name; /* containers/common "defaultErrno": "ENOSYS" */
	enum ksc_arch *arches;
	size_t n_arches;
	bool has_arch_map;
	struct ksc_arch_map_entry *arch_map;
	size_t n_arch_map;
	bool flags_present;
	unsigned flags;
	char **flag_order; /* flags as written, for fmt */
	size_t n_flag_order;
	char *listener_path;
	char *listener_metadata;
	struct ksc_rule *rules;
	size_t n_rules;
	struct ksc_extra *extras;
	size_t n_extras;
};

/* libseccomp 2.5 refuses SCMP_ACT_ERRNO data of MAX_ERRNO (4095) and above
 * (system.c sys_chk_seccomp_action()), so runc and crun fail to start such a container. */
#define KSC_LIBSECCOMP_MAX_ERRNO 4094u

/* How long the libseccomp backend may take (see ksc_compile_opts.timeout_ms): the filter
 * model has refused what it loops on, so this bounds only how slow it is (110 s at 1000
 * conditional rules on a hundred syscalls here, BENCHMARKS.md), which runc pays at every
 * container start. */
#define KSC_LIBSECCOMP_TIMEOUT_MS 120000u

/* The OCI form of a profile as a runtime builds it from a template: `architectures` as
 * given (not archMap), the rules with keep[i] set, each with "names", action, errnoRet and
 * args only. */
int profile_write_oci(const struct ksc_profile *p, const enum ksc_arch *arches, size_t n_arches,
                      const bool *keep, char **ret_text, size_t *ret_len);
