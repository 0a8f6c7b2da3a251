/* SPDX-License-Identifier: Apache-2.0 */
/*
 * summary: the figures `profile show` and `profile diff` print, computed here so that the
 * front end only prints them: a profile's unconditional rules counted per action, and a
 * comparison's differences grouped per call.
 *
 * Both look things up in hash tables (name-index.h): a profile of 100,000 rules repeats its
 * names thousands of times and a comparison reports up to hundreds of thousands of
 * differences; comparing each with every earlier one took minutes.
 */
#include <stdlib.h>

#include "kseccomp.h"
#include "macro.h"
#include "name-index.h"

int
ksc_profile_count_actions(const struct ksc_profile *profile, struct ksc_action_count **ret_counts,
                          size_t *ret_n)
{
	_cleanup_(name_index_done) struct name_index names = { 0 };
	_cleanup_(id_map_done) struct id_map group_of = { 0 }, counted = { 0 };
	size_t n_rules = ksc_profile_rule_count(profile), n_groups = 0;
	/* there can be no more groups than rules */
	_cleanup_(freep) struct ksc_action_count *groups =
	        calloc(n_rules ? n_rules : 1, sizeof(*groups));
	int r;

	if (!groups)
		return -ENOMEM;
	for (size_t i = 0; i < n_rules; i++) {
		const struct ksc_rule *rule = ksc_profile_rule(profile, i);
		enum ksc_action a = ksc_rule_action(rule);
		int64_t e = ksc_rule_errno(rule);
		uint32_t g;

		if (ksc_rule_arg_count(rule) > 0 || ksc_rule_is_conditional(rule))
			continue;
		if (a == KSC_ACT_ERRNO && e < 0)
			e = 1; /* runtimes default to EPERM */
		/* errnoRet and TRACE's data are 16 bits at most; -1: none */
		r = id_map_put(&group_of, ((uint64_t)a << 32) | (uint32_t)(e + 1),
		               (uint32_t)n_groups, &g);
		if (r < 0)
			return r;
		if (r > 0)
			groups[n_groups++] = (struct ksc_action_count){ .action = a, .errnum = e };
		groups[g].rules++;
		for (size_t k = 0; k < ksc_rule_name_count(rule); k++) {
			size_t id;

			/* A name counts once per group, however many rules (or one rule)
			 * repeat it. */
			r = name_index_put(&names, ksc_rule_name(rule, k), &id);
			if (r >= 0)
				r = id_map_put(&counted, ((uint64_t)g << 32) | id, 0, NULL);
			if (r < 0)
				return r;
			if (r > 0)
				groups[g].names++;
		}
	}
	*ret_counts = TAKE_PTR(groups);
	*ret_n = n_groups;
	return 0;
}

static bool
args_zero(const struct ksc_seccomp_data *d)
{
	for (int i = 0; i < 6; i++)
		if (d->args[i])
			return false;
	return true;
}

/* By arch token, then number (x32's come after x86_64's: they carry bit 30). */
static int
group_cmp(const void *x, const void *y, void *userdata)
{
	const struct ksc_difference *diffs = userdata;
	const struct ksc_seccomp_data *a =
	        &diffs[((const struct ksc_difference_group *)x)->first].data;
	const struct ksc_seccomp_data *b =
	        &diffs[((const struct ksc_difference_group *)y)->first].data;

	if (a->arch != b->arch)
		return a->arch < b->arch ? -1 : 1;
	if (a->nr != b->nr)
		return (uint32_t)a->nr < (uint32_t)b->nr ? -1 : 1;
	return 0;
}

static enum ksc_arch
arch_of(const struct ksc_seccomp_data *d)
{
	enum ksc_arch arch = KSC_ARCH_NONE;

	(void)ksc_arch_from_audit_token(d->arch, (uint32_t)d->nr, &arch);
	return arch;
}

/* Whether group b continues a's range: the next number on the same arch, neither a
 * syscall there, decided alike. */
static bool
continues(const struct ksc_difference *diffs, const struct ksc_difference_group *a,
          const struct ksc_difference_group *b)
{
	const struct ksc_difference *x = &diffs[a->first], *y = &diffs[b->first];
	enum ksc_arch arch = arch_of(&x->data);

	return !ksc_syscall_name(arch, (uint32_t)x->data.nr) && arch_of(&y->data) == arch &&
	       (uint32_t)y->data.nr == (uint32_t)x->data.nr + 1u &&
	       !ksc_syscall_name(arch, (uint32_t)y->data.nr) && y->ret_a == x->ret_a &&
	       y->ret_b == x->ret_b;
}

int
ksc_differences_group(const struct ksc_difference *diffs, size_t n_diffs,
                      struct ksc_difference_group **ret_groups, size_t *ret_n_groups)
{
	_cleanup_(id_map_done) struct id_map group_of = { 0 };
	_cleanup_(freep) struct ksc_difference_group *groups =
	        calloc(n_diffs ? n_diffs : 1, sizeof(*groups));
	size_t n_groups = 0;
	int r;

	if (!groups)
		return -ENOMEM;
	for (size_t i = 0; i < n_diffs; i++) {
		const struct ksc_seccomp_data *d = &diffs[i].data;
		uint32_t k;

		r = id_map_put(&group_of, ((uint64_t)d->arch << 32) | (uint32_t)d->nr,
		               (uint32_t)n_groups, &k);
		if (r < 0)
			return r;
		if (r > 0)
			groups[n_groups++] = (struct ksc_difference_group){ i, args_zero(d) };
		else if (args_zero(d) && diffs[i].ret_a == diffs[groups[k].first].ret_a &&
		         diffs[i].ret_b == diffs[groups[k].first].ret_b)
			groups[k].unconditional = true;
	}
	/* qsort_r's comparator gets diffs: a group is an index into it */
	qsort_r(groups, n_groups, sizeof(*groups), group_cmp, (void *)diffs);
	for (size_t g = n_groups; g-- > 0;)
		groups[g].range_end =
		        g + 1 < n_groups && continues(diffs, &groups[g], &groups[g + 1])
		                ? groups[g + 1].range_end
		                : g;
	*ret_groups = TAKE_PTR(groups);
	*ret_n_groups = n_groups;
	return 0;
}
