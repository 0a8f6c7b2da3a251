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
#include "syscalls.h"

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
 * names kseccomp uses (seccomp_arch_resolve_name()). Asked once per arch and process: the
 * name lookup is a scan of libseccomp's arch names. */
static uint32_t
arch_token(enum ksc_arch arch)
{
	static uint64_t tokens[_KSC_ARCH_MAX]; /* token | ASKED; 0: not asked yet */
	const uint64_t asked = UINT64_C(1) << 32;
	const char *name;
	uint64_t t;

	if ((unsigned)arch >= _KSC_ARCH_MAX)
		return 0;
	t = __atomic_load_n(&tokens[arch], __ATOMIC_RELAXED);
	if (t)
		return (uint32_t)t;
	name = ksc_arch_name(arch);
	t = asked | (name ? seccomp_arch_resolve_name(name) : 0);
	__atomic_store_n(&tokens[arch], t, __ATOMIC_RELAXED);
	return (uint32_t)t;
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

static int
resolve_uncached(enum ksc_arch arch, uint32_t token, const char *name)
{
	return arch == KSC_ARCH_NONE ? seccomp_syscall_resolve_name(name)
	                             : seccomp_syscall_resolve_name_arch(token, name);
}

/*
 * libseccomp's answer for (arch, name) is fixed for the process: for the names of
 * kseccomp's tables it is asked once. libseccomp finds a name by comparing it with a list
 * of names on the arches that multiplex (x86, s390, ...), and a profile asks about every
 * name on every arch; a large node compiles many profiles.
 *
 * cache[arch * syscalls_names_count + id]: 0 not asked yet, -1 unknown to libseccomp
 * (__NR_SCMP_ERROR), nr + 1 for a number, the pseudo number itself (<= -2) otherwise.
 */
static int32_t *cache;

static int32_t *
cache_get(void)
{
	int32_t *c = __atomic_load_n(&cache, __ATOMIC_ACQUIRE), *fresh;

	if (c)
		return c;
	fresh = calloc((size_t)_KSC_ARCH_MAX * syscalls_names_count, sizeof(*fresh));
	if (!fresh)
		return NULL;
	if (__atomic_compare_exchange_n(&cache, &c, fresh, false, __ATOMIC_ACQ_REL,
	                                __ATOMIC_ACQUIRE))
		return fresh;
	free(fresh); /* another thread's is there: c */
	return c;
}

int
libseccomp_resolve_id(enum ksc_arch arch, int id, const char *name, int *ret_nr)
{
	uint32_t token = arch == KSC_ARCH_NONE ? 0 : arch_token(arch);
	int32_t *c, *slot, v;
	int nr;

	if (arch != KSC_ARCH_NONE && !token)
		return -EOPNOTSUPP;
	c = id >= 0 && (size_t)id < syscalls_names_count && (unsigned)arch < _KSC_ARCH_MAX
	            ? cache_get()
	            : NULL;
	if (!c) {
		nr = resolve_uncached(arch, token, name);
		if (nr == __NR_SCMP_ERROR)
			return -ENOENT;
		*ret_nr = nr;
		return 0;
	}
	slot = &c[(size_t)arch * syscalls_names_count + (size_t)id];
	v = __atomic_load_n(slot, __ATOMIC_RELAXED);
	if (v == 0) {
		nr = resolve_uncached(arch, token, name);
		v = nr == __NR_SCMP_ERROR ? -1 : nr >= 0 ? nr + 1 : nr;
		__atomic_store_n(slot, v, __ATOMIC_RELAXED);
	}
	if (v == -1)
		return -ENOENT;
	*ret_nr = v > 0 ? v - 1 : v;
	return 0;
}

int
libseccomp_resolve(enum ksc_arch arch, const char *name, int *ret_nr)
{
	return libseccomp_resolve_id(arch, syscalls_name_id(name), name, ret_nr);
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
