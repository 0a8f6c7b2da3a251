/* SPDX-License-Identifier: Apache-2.0 */
/*
 * merge: one profile that decides, for every call, the least restrictive of what several
 * profiles decide (KILL_PROCESS < KILL_THREAD < TRAP < ERRNO < TRACE < NOTIFY < LOG <
 * ALLOW, as the Security Profiles Operator orders them): recordings of replicas combined.
 *
 * Per syscall name: when every profile decides it whatever the arguments (a rule without
 * conditions, or its default action), the merge has one rule with the least restrictive of
 * those decisions. When some profiles decide it by its arguments, their conditional rules
 * are kept, each lifted to the least restrictive of its action and what the unconditional
 * profiles decide for that name. The result is then checked against the inputs by their
 * decisions (ksc_profile_compare_merge()); a merge that would lose precision anywhere is
 * refused with the call where it would, never written.
 */
#include <inttypes.h>

#include "error.h"
#include "name-index.h"
#include "profile.h"
#include "strbuf.h"

/* What one profile decides for one name, as runc enforces it. */
struct decision {
	bool conditional; /* some rule for the name has conditions */
	uint32_t ret;     /* when unconditional: the decision */
};

/* libseccomp's rule: the first unconditional rule for a name decides, and it replaces any
 * conditional one; rules equal to the default are skipped. */
static struct decision
decision_of(const struct ksc_profile *p, const struct name_index_rules *b, size_t name)
{
	uint32_t def = ksc_profile_default_ret(p);
	struct decision d = { .ret = def };

	for (size_t x = b->start[name]; x < b->start[name + 1]; x++) {
		const struct ksc_rule *r = &p->rules[b->rules[x]];

		if (ksc_rule_ret(r) == def)
			continue;
		if (r->n_args == 0)
			return (struct decision){ .ret = ksc_rule_ret(r) };
		d.conditional = true;
	}
	return d;
}

/* "action": ... (or "defaultAction": ..., with "defaultErrnoRet") for a return value. */
static uint32_t
def_of_first_conditional(const struct ksc_profile *const *ps, const struct decision *dec,
                         size_t n_ps)
{
	for (size_t i = 0; i < n_ps; i++)
		if (dec[i].conditional)
			return ksc_profile_default_ret(ps[i]);
	return 0;
}

/* "KEY": (keys are the writer's own, no escaping needed) */
static void
put_key(struct strbuf *sb, const char *key)
{
	strbuf_putc(sb, '"');
	strbuf_puts(sb, key);
	strbuf_puts(sb, "\": ");
}

static void
put_action_key(struct strbuf *sb, uint32_t ret, bool is_default)
{
	const char *key = is_default ? "defaultAction" : "action";
	const char *errno_key = is_default ? "defaultErrnoRet" : "errnoRet";
	const char *name;

	switch (ret & KSC_RET_ACTION_FULL) {
	case KSC_RET_KILL_PROCESS:
		name = "SCMP_ACT_KILL_PROCESS";
		break;
	case KSC_RET_KILL_THREAD:
		name = "SCMP_ACT_KILL_THREAD";
		break;
	case KSC_RET_TRAP:
		name = "SCMP_ACT_TRAP";
		break;
	case KSC_RET_ERRNO:
	case KSC_RET_TRACE:
		put_key(sb, key);
		strbuf_puts(sb, (ret & KSC_RET_ACTION_FULL) == KSC_RET_ERRNO
		                        ? "\"SCMP_ACT_ERRNO\", "
		                        : "\"SCMP_ACT_TRACE\", ");
		put_key(sb, errno_key);
		strbuf_put_u64(sb, ret & KSC_RET_DATA);
		return;
	case KSC_RET_USER_NOTIF:
		name = "SCMP_ACT_NOTIFY";
		break;
	case KSC_RET_LOG:
		name = "SCMP_ACT_LOG";
		break;
	default:
		name = "SCMP_ACT_ALLOW";
		break;
	}
	put_key(sb, key);
	strbuf_putc(sb, '"');
	strbuf_puts(sb, name);
	strbuf_putc(sb, '"');
}

static void
put_rule(struct strbuf *sb, bool *first, const char *name, uint32_t ret, const struct ksc_arg *args,
         size_t n_args)
{
	strbuf_puts(sb, *first ? "\n    {\"names\": [" : ",\n    {\"names\": [");
	*first = false;
	strbuf_put_json_str(sb, name);
	strbuf_puts(sb, "], ");
	put_action_key(sb, ret, false);
	if (n_args) {
		strbuf_puts(sb, ", \"args\": [");
		for (size_t k = 0; k < n_args; k++) {
			strbuf_puts(sb, k ? ", {\"index\": " : "{\"index\": ");
			strbuf_put_u64(sb, args[k].index);
			strbuf_puts(sb, ", \"value\": ");
			strbuf_put_u64(sb, args[k].value);
			strbuf_puts(sb, ", \"valueTwo\": ");
			strbuf_put_u64(sb, args[k].value_two);
			strbuf_puts(sb, ", \"op\": \"");
			strbuf_puts(sb, ksc_op_name(args[k].op));
			strbuf_puts(sb, "\"}");
		}
		strbuf_puts(sb, "]");
	}
	strbuf_puts(sb, "}");
}

/* Every name any profile's rules mention, once, in order of first appearance (their ids). */
static int
all_names(const struct ksc_profile *const *ps, size_t n_ps, struct name_index *ret)
{
	size_t id;
	int r;

	for (size_t i = 0; i < n_ps; i++)
		for (size_t k = 0; k < ps[i]->n_rules; k++) {
			const struct ksc_rule *rule = &ps[i]->rules[k];

			for (size_t j = 0; j < rule->n_names && !rule->single_name; j++) {
				r = name_index_put(ret, rule->names[j], &id);
				if (r < 0)
					return r;
			}
		}
	return 0;
}

static int
refuse_templates(const struct ksc_profile *const *ps, size_t n_ps, struct ksc_diags *diags,
                 struct ksc_error **reterr)
{
	for (size_t i = 0; i < n_ps; i++)
		for (size_t k = 0; k < ps[i]->n_rules; k++) {
			const struct ksc_rule *r = &ps[i]->rules[k];

			if (r->includes.present || r->excludes.present)
				return ksc_error_setf(
				        reterr, -EINVAL,
				        "%s:%u:%u: syscalls[%zu]: a template (includes/excludes): "
				        "merge concrete profiles, e.g. expanded with 'kseccomp "
				        "profile "
				        "default' for a container",
				        ps[i]->source, r->pos.line, r->pos.column, k);
			if (r->single_name)
				(void)ksc_diags_addf(
				        diags, KSC_SEVERITY_WARNING, ps[i]->source, r->pos.line,
				        r->pos.column, NULL,
				        "syscalls[%zu]: Docker's \"name\" is not an OCI "
				        "field: runc ignores this rule, and so does the merge",
				        k);
		}
	return 0;
}

/* A profile applies every rule on every architecture it lists: rules from a profile would
 * reach architectures another never allowed, and no OCI profile can say otherwise. */
static int
refuse_different_arches(const struct ksc_profile *const *ps, size_t n_ps, struct ksc_error **reterr)
{
	for (size_t i = 1; i < n_ps; i++) {
		enum ksc_arch a0[_KSC_ARCH_MAX], ai[_KSC_ARCH_MAX];
		size_t n0 = ksc_compile_arches(ps[0], NULL, a0, ELEMENTSOF(a0));
		size_t ni = ksc_compile_arches(ps[i], NULL, ai, ELEMENTSOF(ai));
		bool same = n0 == ni;

		for (size_t k = 0; k < ni && same; k++) {
			bool found = false;

			for (size_t j = 0; j < n0 && !found; j++)
				found = a0[j] == ai[k];
			same = found;
		}
		if (!same)
			return ksc_error_setf(
			        reterr, -EDOM,
			        "%s and %s cover different architectures: a merged "
			        "profile applies its rules on every architecture it "
			        "lists, so the rules of one would reach architectures "
			        "the other never allowed; give them the same "
			        "\"architectures\"",
			        ps[0]->source, ps[i]->source);
	}
	return 0;
}

/* The merge being written. */
struct merge {
	const struct ksc_profile *const *ps;
	size_t n_ps;
	uint32_t def; /* the merged default: the least restrictive of the defaults */
	struct name_index index;
	struct name_index_rules *by; /* per profile, its rules by name id */
	struct decision *dec;        /* per profile, for the name at hand */
	uint32_t *uncond;            /* per name, its unconditional decision (def: none) */
	struct strbuf sb;
	bool first; /* no rule written yet */
};

/* defaultAction, the union of the architectures and the one listener. */
static int
put_header(struct merge *mg, struct ksc_error **reterr)
{
	enum ksc_arch arches[_KSC_ARCH_MAX];
	const char *listener = NULL, *metadata = NULL;
	size_t n_arches = 0;

	for (size_t i = 0; i < mg->n_ps; i++) {
		const struct ksc_profile *p = mg->ps[i];

		for (size_t k = 0; k < p->n_arches; k++) {
			bool seen = false;

			for (size_t m = 0; m < n_arches && !seen; m++)
				seen = arches[m] == p->arches[k];
			if (!seen && n_arches < ELEMENTSOF(arches))
				arches[n_arches++] = p->arches[k];
		}
		if (p->listener_path) {
			if (listener && !streq(listener, p->listener_path))
				return ksc_error_setf(
				        reterr, -EINVAL,
				        "%s: listenerPath \"%s\" differs from \"%s\": a "
				        "merged profile has one agent",
				        p->source, p->listener_path, listener);
			listener = p->listener_path;
			metadata = p->listener_metadata;
		}
	}
	strbuf_puts(&mg->sb, "{\n  ");
	put_action_key(&mg->sb, mg->def, true);
	strbuf_puts(&mg->sb, ",\n  \"architectures\": [");
	for (size_t i = 0; i < n_arches; i++) {
		strbuf_puts(&mg->sb, i ? ", " : "");
		strbuf_put_json_str(&mg->sb, ksc_arch_oci_name(arches[i]));
	}
	strbuf_puts(&mg->sb, "]");
	if (listener) {
		strbuf_puts(&mg->sb, ",\n  \"listenerPath\": ");
		strbuf_put_json_str(&mg->sb, listener);
		if (metadata) {
			strbuf_puts(&mg->sb, ",\n  \"listenerMetadata\": ");
			strbuf_put_json_str(&mg->sb, metadata);
		}
	}
	return 0;
}

/* The name index, each profile's rules by name, and room for the decisions. */
static int
merge_index(struct merge *mg)
{
	size_t n_names;
	int r;

	r = all_names(mg->ps, mg->n_ps, &mg->index);
	if (r < 0)
		return r;
	n_names = mg->index.n;
	mg->dec = calloc(mg->n_ps, sizeof(*mg->dec));
	mg->uncond = calloc(n_names ? n_names : 1, sizeof(*mg->uncond));
	mg->by = calloc(mg->n_ps, sizeof(*mg->by));
	if (!mg->dec || !mg->uncond || !mg->by)
		return -ENOMEM;
	for (size_t i = 0; i < mg->n_ps; i++) {
		r = name_index_rules_build(mg->ps[i], &mg->index, NAME_INDEX_SKIP_SINGLE_NAME,
		                           &mg->by[i]);
		if (r < 0)
			return r;
	}
	for (size_t m = 0; m < n_names; m++)
		mg->uncond[m] = mg->def; /* conditional or default: no unconditional rule */
	return 0;
}

static void
merge_done(struct merge *mg)
{
	if (mg->by)
		for (size_t i = 0; i < mg->n_ps; i++)
			name_index_rules_done(&mg->by[i]);
	free(mg->by);
	free(mg->dec);
	free(mg->uncond);
	name_index_done(&mg->index);
	strbuf_done(&mg->sb);
}

/* The conditional profiles' rules of name m, lifted to the floor (the least restrictive of
 * the unconditional profiles' decisions, when have_floor). */
static void
put_lifted_rules(struct merge *mg, size_t m, uint32_t floor, bool have_floor)
{
	for (size_t i = 0; i < mg->n_ps; i++) {
		const struct ksc_profile *p = mg->ps[i];

		if (!mg->dec[i].conditional)
			continue;
		for (size_t x = mg->by[i].start[m]; x < mg->by[i].start[m + 1]; x++) {
			const struct ksc_rule *rule = &p->rules[mg->by[i].rules[x]];
			uint32_t action = ksc_rule_ret(rule);

			if (action == ksc_profile_default_ret(p))
				continue;
			if (have_floor)
				action = ksc_ret_least_restrictive(action, floor);
			if (action == mg->def)
				continue;
			if (ksc_rule_args_are_ored(rule))
				for (size_t a = 0; a < rule->n_args; a++)
					put_rule(&mg->sb, &mg->first, mg->index.names[m], action,
					         &rule->args[a], 1);
			else
				put_rule(&mg->sb, &mg->first, mg->index.names[m], action,
				         rule->args, rule->n_args);
		}
	}
}

/* Name m: its unconditional decision in uncond[m], or its lifted conditional rules. */
static void
merge_name(struct merge *mg, size_t m)
{
	bool any_conditional = false, have_floor = false;
	uint32_t floor = 0, fallback;

	for (size_t i = 0; i < mg->n_ps; i++) {
		mg->dec[i] = decision_of(mg->ps[i], &mg->by[i], m);
		any_conditional = any_conditional || mg->dec[i].conditional;
		if (!mg->dec[i].conditional) {
			floor = have_floor ? ksc_ret_least_restrictive(floor, mg->dec[i].ret)
			                   : mg->dec[i].ret;
			have_floor = true;
		}
	}
	if (!any_conditional) {
		mg->uncond[m] = floor;
		return;
	}
	/* The conditional profiles' rules, lifted to the unconditional ones' floor. What decides
	 * when none matches is the floor and the conditional profiles' defaults; unless that is
	 * the merged default, only an unconditional rule can say it (in libseccomp it replaces
	 * conditional ones), which is exact when no lifted rule allows more. The check in
	 * check_merge() refuses the rest. */
	fallback = have_floor ? floor : def_of_first_conditional(mg->ps, mg->dec, mg->n_ps);
	for (size_t i = 0; i < mg->n_ps; i++)
		if (mg->dec[i].conditional)
			fallback = ksc_ret_least_restrictive(fallback,
			                                     ksc_profile_default_ret(mg->ps[i]));
	if (fallback != mg->def) {
		mg->uncond[m] = fallback;
		return;
	}
	put_lifted_rules(mg, m, floor, have_floor);
}

/* The unconditional decisions, one rule per action, in order of first appearance: each name
 * linked to the next name with its decision. */
static int
put_unconditional(struct merge *mg)
{
	size_t n_names = mg->index.n;
	_cleanup_(id_map_done) struct id_map group = { 0 };
	_cleanup_(freep) size_t *tail = calloc(n_names ? n_names : 1, sizeof(*tail));
	_cleanup_(freep) size_t *next_same = calloc(n_names ? n_names : 1, sizeof(*next_same));
	uint32_t n_groups = 0, g;
	int r;

	if (!tail || !next_same)
		return -ENOMEM;
	for (size_t m = 0; m < n_names; m++) {
		next_same[m] = SIZE_MAX;
		if (mg->uncond[m] == mg->def)
			continue;
		r = id_map_put(&group, mg->uncond[m], n_groups, &g);
		if (r < 0)
			return r;
		if (r > 0)
			n_groups++;
		else
			next_same[tail[g]] = m;
		tail[g] = m;
	}
	for (size_t m = 0; m < n_names; m++) {
		uint32_t action = mg->uncond[m];
		bool any = false;

		if (action == mg->def)
			continue;
		for (size_t k = m; k != SIZE_MAX; k = next_same[k]) {
			strbuf_puts(&mg->sb, any         ? ", "
			                     : mg->first ? "\n    {\"names\": ["
			                                 : ",\n    {\"names\": [");
			mg->first = false;
			any = true;
			strbuf_put_json_str(&mg->sb, mg->index.names[k]);
			if (k > m)
				mg->uncond[k] = mg->def;
		}
		strbuf_puts(&mg->sb, "], ");
		put_action_key(&mg->sb, action, false);
		strbuf_puts(&mg->sb, "}");
	}
	return 0;
}

/* The merge must decide what the least restrictive input decides, everywhere. */
static int
check_merge(const struct ksc_profile *merged, const struct ksc_profile *const *ps, size_t n_ps,
            struct ksc_error **reterr)
{
	struct ksc_compile_opts copts = { 0 };
	struct ksc_difference diff;
	size_t cases = 0, n_diffs = 0;
	enum ksc_arch arch = KSC_ARCH_NONE;
	const char *name;
	char got[32], want[32];
	int r;

	r = ksc_profile_compare_merge(merged, ps, n_ps, &copts, &cases, &diff, 1, &n_diffs, reterr);
	if (r == -EINVAL)
		/* the lifted rules conflict where the inputs' did not */
		return ksc_error_prefixf(reterr, -EDOM,
		                         "these profiles cannot be merged: the merged rules "
		                         "would not compile: ");
	if (r < 0)
		return r;
	if (n_diffs == 0)
		return 0;
	(void)ksc_arch_from_audit_token(diff.data.arch, (uint32_t)diff.data.nr, &arch);
	name = ksc_syscall_name(arch, (uint32_t)diff.data.nr);
	ksc_ret_format(diff.ret_a, got, sizeof(got));
	ksc_ret_format(diff.ret_b, want, sizeof(want));
	return ksc_error_setf(reterr, -EDOM,
	                      "these profiles cannot be merged without losing precision: "
	                      "for %s on %s with arguments 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64
	                      " the least restrictive of them says %s, but "
	                      "the merged rules decide %s (%zu such inputs): their "
	                      "conditions do not combine into one profile",
	                      name ? name : "this syscall", ksc_arch_name(arch), diff.data.args[0],
	                      diff.data.args[1], diff.data.args[2], want, got, n_diffs);
}

int
ksc_profile_merge(const struct ksc_profile *const *ps, size_t n_ps, struct ksc_profile **ret,
                  struct ksc_diags *diags, struct ksc_error **reterr)
{
	_cleanup_(merge_done) struct merge mg = { .ps = ps, .n_ps = n_ps, .first = true };
	_cleanup_(freep) char *text = NULL;
	_cleanup_(ksc_profile_freep) struct ksc_profile *merged = NULL;
	size_t len = 0;
	int r;

	if (!ps || n_ps == 0 || !ret)
		return -EINVAL;
	r = refuse_templates(ps, n_ps, diags, reterr);
	if (r < 0)
		return r;
	r = refuse_different_arches(ps, n_ps, reterr);
	if (r < 0)
		return r;

	mg.def = ksc_profile_default_ret(ps[0]);
	for (size_t i = 1; i < n_ps; i++)
		mg.def = ksc_ret_least_restrictive(mg.def, ksc_profile_default_ret(ps[i]));
	r = put_header(&mg, reterr);
	if (r < 0)
		return r;
	r = merge_index(&mg);
	if (r < 0)
		return r;
	strbuf_puts(&mg.sb, ",\n  \"syscalls\": [");
	for (size_t m = 0; m < mg.index.n; m++)
		merge_name(&mg, m);
	r = put_unconditional(&mg);
	if (r < 0)
		return r;
	strbuf_puts(&mg.sb, "\n  ]\n}\n");
	r = strbuf_finish(&mg.sb, &text, &len);
	if (r < 0)
		return r;
	r = ksc_profile_parse("merged profile", text, len, NULL, &merged, NULL, reterr);
	if (r < 0)
		return ksc_error_prefixf(reterr, r, "internal error: the merge is invalid: ");
	r = check_merge(merged, ps, n_ps, reterr);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(merged);
	return 0;
}
