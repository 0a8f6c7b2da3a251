/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>

#include "against.h"
#include "macro.h"

/* Whether a rule of the profile names this call with argument conditions, and whether any
 * rule that names it, or the default action, denies. */
static void
call_rules(const struct ksc_profile *profile, const char *name, bool *ret_conditional,
           bool *ret_some_path_denies)
{
	bool conditional = false, denies = ksc_ret_denies(ksc_profile_default_ret(profile));

	for (size_t i = 0; name && i < ksc_profile_rule_count(profile); i++) {
		const struct ksc_rule *rule = ksc_profile_rule(profile, i);
		bool names_it = false;

		for (size_t j = 0; j < ksc_rule_name_count(rule) && !names_it; j++)
			names_it = streq(ksc_rule_name(rule, j), name);
		if (!names_it)
			continue;
		if (ksc_rule_arg_count(rule) > 0 || ksc_rule_is_conditional(rule))
			conditional = true;
		if (ksc_ret_denies(ksc_rule_ret(rule)))
			denies = true;
	}
	*ret_conditional = conditional;
	*ret_some_path_denies = denies;
}

int
audit_against(const struct ksc_profile *profile, const struct ksc_filter *filter,
              const struct audit_record *r, struct audit_verdict *ret)
{
	struct ksc_seccomp_data data = { .nr = (int32_t)r->syscall, .arch = r->arch_token };
	struct audit_verdict v = { 0 };
	bool some_path_denies;

	if (!r->arch_token)
		return -ENOENT;
	(void)ksc_filter_decide(filter, &data, &v.decision);
	v.denied = ksc_ret_denies(v.decision.ret);
	if (v.decision.by == KSC_DECIDED_BY_RULE || v.decision.by == KSC_DECIDED_BY_DEFAULT) {
		call_rules(profile, r->name, &v.depends_on_args, &some_path_denies);
		if (v.depends_on_args && some_path_denies)
			v.denied = true;
	}
	*ret = v;
	return 0;
}

void
audit_verdict_describe(const struct audit_verdict *v, char *buf, size_t size)
{
	char by[128];

	ksc_decision_describe(&v->decision, by, sizeof(by));
	if (v->decision.by == KSC_DECIDED_BY_STUB)
		snprintf(buf, size, "%s (a number above every syscall the profile names)", by);
	else if (v->decision.by == KSC_DECIDED_BY_BAD_ARCH)
		snprintf(buf, size, "%s (an architecture the profile leaves out)", by);
	else
		snprintf(buf, size, "%s%s", by,
		         v->depends_on_args ? "; depends on its arguments, which the record does "
		                              "not carry"
		                            : "");
}
