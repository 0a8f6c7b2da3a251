/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libseccomp adapter (libseccomp.h): the only file of the library that includes
 * <seccomp.h>. It translates kseccomp's arches, operators and rules into libseccomp's
 * calls and its answers back into -errno; what to build, and in which order, is the
 * callers' (compile-libseccomp.c follows runc's InitSeccomp()).
 */
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>

#include "libseccomp.h"

struct libseccomp_filter {
	scmp_filter_ctx ctx;
	bool has_native; /* libseccomp_filter_add_arch() added libseccomp's native arch */
};

static enum scmp_compare
libseccomp_op(enum ksc_op op)
{
	switch (op) {
	case KSC_OP_NE:
		return SCMP_CMP_NE;
	case KSC_OP_LT:
		return SCMP_CMP_LT;
	case KSC_OP_LE:
		return SCMP_CMP_LE;
	case KSC_OP_EQ:
		return SCMP_CMP_EQ;
	case KSC_OP_GE:
		return SCMP_CMP_GE;
	case KSC_OP_GT:
		return SCMP_CMP_GT;
	case KSC_OP_MASKED_EQ:
	default:
		return SCMP_CMP_MASKED_EQ;
	}
}

const char *
ksc_libseccomp_version(void)
{
	static char version[32];
	const struct scmp_version *v = seccomp_version();

	if (!version[0] && v)
		snprintf(version, sizeof(version), "%u.%u.%u", v->major, v->minor, v->micro);
	return version;
}

/* libseccomp's SCMP_ARCH_* for arch, 0 when it has none: its arch names are the audit
 * names kseccomp uses (seccomp_arch_resolve_name()). */
static uint32_t
arch_token(enum ksc_arch arch)
{
	const char *name = ksc_arch_name(arch);

	return name ? seccomp_arch_resolve_name(name) : 0;
}

bool
libseccomp_arch_known(enum ksc_arch arch)
{
	return arch_token(arch) != 0;
}

bool
libseccomp_arch_name_known(const char *name)
{
	return seccomp_arch_resolve_name(name) != 0;
}

int
libseccomp_resolve(enum ksc_arch arch, const char *name, int *ret_nr)
{
	uint32_t token = arch == KSC_ARCH_NONE ? 0 : arch_token(arch);
	int nr;

	if (arch != KSC_ARCH_NONE && !token)
		return -EOPNOTSUPP;
	nr = arch == KSC_ARCH_NONE ? seccomp_syscall_resolve_name(name)
	                           : seccomp_syscall_resolve_name_arch(token, name);
	if (nr == __NR_SCMP_ERROR)
		return -ENOENT;
	*ret_nr = nr;
	return 0;
}

int
libseccomp_filter_new(uint32_t default_action, struct libseccomp_filter **ret)
{
	struct libseccomp_filter *f = calloc(1, sizeof(*f));

	if (!f)
		return -ENOMEM;
	f->ctx = seccomp_init(default_action);
	if (!f->ctx) {
		free(f);
		return -EINVAL;
	}
	*ret = f;
	return 0;
}

void
libseccomp_filter_free(struct libseccomp_filter *f)
{
	if (!f)
		return;
	if (f->ctx)
		seccomp_release(f->ctx);
	free(f);
}

int
libseccomp_filter_add_arch(struct libseccomp_filter *f, enum ksc_arch arch)
{
	uint32_t token = arch_token(arch);
	int r;

	if (!token)
		return -EOPNOTSUPP;
	f->has_native = f->has_native || token == seccomp_arch_native();
	r = seccomp_arch_add(f->ctx, token);
	return r == -EEXIST ? 0 : r;
}

int
libseccomp_filter_drop_native(struct libseccomp_filter *f)
{
	return f->has_native ? 0 : seccomp_arch_remove(f->ctx, SCMP_ARCH_NATIVE);
}

int
libseccomp_filter_binary_tree(struct libseccomp_filter *f)
{
	return seccomp_attr_set(f->ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
}

int
libseccomp_filter_add_rule(struct libseccomp_filter *f, int nr, uint32_t action,
                           const struct libseccomp_cond *conds, size_t n_conds)
{
	struct scmp_arg_cmp cmps[6];

	if (n_conds > ELEMENTSOF(cmps))
		return -EINVAL;
	for (size_t i = 0; i < n_conds; i++)
		cmps[i] = (struct scmp_arg_cmp){
			.arg = conds[i].arg,
			.op = libseccomp_op(conds[i].op),
			/* libseccomp-golang MakeCondition(index, op, value, valueTwo) */
			.datum_a = conds[i].value,
			.datum_b = conds[i].value_two,
		};
	return seccomp_rule_add_array(f->ctx, action, nr, (unsigned)n_conds, n_conds ? cmps : NULL);
}

int
libseccomp_filter_export(struct libseccomp_filter *f, int fd)
{
	return seccomp_export_bpf(f->ctx, fd);
}
