/* SPDX-License-Identifier: Apache-2.0 */
/*
 * complain: a profile in complain mode. Every call it denies is logged and allowed instead
 * (SCMP_ACT_LOG), every other decision stays, and SECCOMP_FILTER_FLAG_LOG has the kernel
 * log what is left that does not allow.
 *
 * The profile is rewritten in the model (a shallow copy that borrows the original's strings
 * and document), written out and parsed back, so that the result owns everything and has
 * passed validation, and then checked by its decisions against the original's. Turning
 * each denying action into SCMP_ACT_LOG is not always enough: runc leaves out a rule whose
 * action is the default action (libseccomp refuses it), so a denying rule that libseccomp
 * let take precedence over another rule of its syscall (socket if arg0 == 40 denied ahead
 * of socket if arg0 != 16 allowed) vanishes in complain mode, and the other rule decides
 * its calls. Such a syscall's rules are rewritten from the original's decisions: its
 * arguments' values are cut into cells by the constants its rules compare with, each cell
 * decided by the original's filter, and the cells that do not get the default action
 * become rules that do not overlap. So are a syscall's rules that libseccomp would refuse
 * (two ending on one comparison) or loop forever on in complain mode: with their actions
 * changed, libseccomp merges them otherwise than the original's.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "filter.h"
#include "profile.h"

/* Bounds on rewriting one syscall's rules: the constants one argument is compared with, the
 * cells of all its arguments together, and the rules that come out. */
#define REWRITE_MAX_CONSTANTS 64
#define REWRITE_MAX_CELLS     (2 * REWRITE_MAX_CONSTANTS + 1)
#define REWRITE_MAX_TABLE     (1u << 16)
#define REWRITE_MAX_RULES     1024u
/* The differences one check looks at for the syscalls to rewrite. */
#define CHECK_MAX_DIFFS 256

/* A syscall whose rules complain mode replaces. */
struct rewritten {
	const char *name;       /* static storage (the syscall table) */
	size_t first_rule;      /* the original's first entry naming it, for the note */
	struct ksc_rule *rules; /* each names `name` (set when written); args owned here */
	size_t n_rules;
	char comment[128];
};

struct complain {
	const struct ksc_profile *p;
	const struct ksc_complain_opts *opts;
	struct ksc_filter *original; /* without runc's stub, as complain mode has none */
	enum ksc_action background;  /* the complain profile's default action */
	struct rewritten *rewrites;
	size_t n_rewrites;
};

static void
complain_done(struct complain *c)
{
	ksc_filter_free(c->original);
	for (size_t i = 0; i < c->n_rewrites; i++) {
		for (size_t k = 0; k < c->rewrites[i].n_rules; k++)
			free(c->rewrites[i].rules[k].args);
		free(c->rewrites[i].rules);
	}
	free(c->rewrites);
}

/* The actions that stop a call: the kernel does not run it (KILL_*, TRAP, ERRNO), or hands
 * it to a tracer, which without one fails it with ENOSYS (TRACE). */
static bool
action_denies(enum ksc_action action)
{
	switch (action) {
	case KSC_ACT_KILL:
	case KSC_ACT_KILL_THREAD:
	case KSC_ACT_KILL_PROCESS:
	case KSC_ACT_TRAP:
	case KSC_ACT_ERRNO:
	case KSC_ACT_TRACE:
		return true;
	default:
		return false;
	}
}

/* What complain mode makes of a filter's decision, as an action. */
static enum ksc_action
complain_action(uint32_t ret)
{
	switch (ret & KSC_RET_ACTION_FULL) {
	case KSC_RET_ALLOW:
		return KSC_ACT_ALLOW;
	case KSC_RET_USER_NOTIF:
		return KSC_ACT_NOTIFY;
	default:
		return KSC_ACT_LOG;
	}
}

static bool
rule_names(const struct ksc_rule *rule, const char *name)
{
	for (size_t i = 0; i < rule->n_names; i++)
		if (streq(rule->names[i], name))
			return true;
	return false;
}

static const struct rewritten *
rewrite_find(const struct complain *c, const char *name)
{
	for (size_t i = 0; i < c->n_rewrites; i++)
		if (streq(c->rewrites[i].name, name))
			return &c->rewrites[i];
	return NULL;
}

/* ---------------------------------------------------------------------------------------- */
/* Rewriting a syscall's rules                                                                */

/* One argument's values, cut where the rules' comparisons can change: every constant is a
 * cell of its own, and so is each gap between two. */
struct cells {
	unsigned index;
	uint64_t consts[REWRITE_MAX_CONSTANTS];
	size_t n_consts;
	uint64_t lo[REWRITE_MAX_CELLS], hi[REWRITE_MAX_CELLS];
	size_t n;
};

static int
u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void
cells_build(struct cells *cl)
{
	uint64_t next = 0;
	bool done = false;

	qsort(cl->consts, cl->n_consts, sizeof(*cl->consts), u64_cmp);
	cl->n = 0;
	for (size_t i = 0; i < cl->n_consts; i++) {
		uint64_t v = cl->consts[i];

		if (i > 0 && v == cl->consts[i - 1])
			continue;
		if (v > next) {
			cl->lo[cl->n] = next;
			cl->hi[cl->n++] = v - 1;
		}
		cl->lo[cl->n] = v;
		cl->hi[cl->n++] = v;
		done = v == UINT64_MAX;
		next = v + 1;
	}
	if (!done) {
		cl->lo[cl->n] = next;
		cl->hi[cl->n++] = UINT64_MAX;
	}
}

/* The decisions of every combination of cells, the first argument's cell most significant,
 * and what turns them into rules. */
struct table {
	struct cells *cells;
	size_t m;
	size_t stride[7]; /* stride[l]: combinations of the arguments from l on */
	uint8_t *action;  /* enum ksc_action per combination */
	enum ksc_action background;
	struct rewritten *rw;
};

static int
emit_rule(struct table *t, enum ksc_action action, const struct ksc_arg *conds, size_t n)
{
	struct rewritten *rw = t->rw;
	struct ksc_rule *rules, *rule;

	if (rw->n_rules >= REWRITE_MAX_RULES)
		return -E2BIG;
	rules = reallocarray(rw->rules, rw->n_rules + 1, sizeof(*rules));
	if (!rules)
		return -ENOMEM;
	rw->rules = rules;
	rule = &rules[rw->n_rules];
	*rule = (struct ksc_rule){ .n_names = 1, .action = action, .n_args = n };
	if (n > 0) {
		rule->args = calloc(n, sizeof(*rule->args));
		if (!rule->args)
			return -ENOMEM;
		memcpy(rule->args, conds, n * sizeof(*conds));
	}
	rw->n_rules++;
	return 0;
}

/* The comparisons whose OR is index's value in [lo, hi] (not every value): one, or aligned
 * blocks of values under a mask when the range is bounded on both sides, as a rule cannot
 * compare an argument twice (runc would OR the two comparisons). */
static size_t
range_conds(unsigned index, uint64_t lo, uint64_t hi, struct ksc_arg *out)
{
	size_t n = 0;

	if (lo == hi)
		out[n++] = (struct ksc_arg){ .index = index, .op = KSC_OP_EQ, .value = lo };
	else if (lo == 0)
		out[n++] = (struct ksc_arg){ .index = index, .op = KSC_OP_LE, .value = hi };
	else if (hi == UINT64_MAX)
		out[n++] = (struct ksc_arg){ .index = index, .op = KSC_OP_GE, .value = lo };
	else
		for (;;) {
			unsigned k = (unsigned)__builtin_ctzll(lo); /* lo > 0 */
			uint64_t size;

			while (k > 0 && lo + ((UINT64_C(1) << k) - 1) > hi)
				k--;
			size = UINT64_C(1) << k;
			if (size == 1)
				out[n++] = (struct ksc_arg){ .index = index,
					                     .op = KSC_OP_EQ,
					                     .value = lo };
			else
				out[n++] = (struct ksc_arg){ .index = index,
					                     .op = KSC_OP_MASKED_EQ,
					                     .value = ~(size - 1),
					                     .value_two = lo,
					                     .has_value_two = true };
			if (lo + (size - 1) == hi)
				break;
			lo += size;
		}
	return n;
}

static bool
all_background(const struct table *t, size_t off, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (t->action[off + i] != t->background)
			return false;
	return true;
}

static int
table_rules(struct table *t, size_t level, size_t off, struct ksc_arg *conds, size_t n_conds);

/* The rules of one group of cells of the argument at `level` (member[i]: cell i is in it),
 * which decide alike whatever the arguments after it: one comparison for the group, or one
 * per run of consecutive cells, each followed by the arguments after it. */
static int
group_rules(struct table *t, size_t level, size_t off, const bool *member, size_t count,
            struct ksc_arg *conds, size_t n_conds)
{
	const struct cells *cl = &t->cells[level];
	struct ksc_arg alt[2 * 64];
	size_t n_alt = 0, missing = 0;
	int r;

	if (count == cl->n)
		return table_rules(t, level + 1, off, conds, n_conds);
	for (size_t i = 0; i < cl->n; i++)
		if (!member[i])
			missing = i;
	if (count + 1 == cl->n && cl->lo[missing] == cl->hi[missing]) {
		conds[n_conds] = (struct ksc_arg){ .index = cl->index,
			                           .op = KSC_OP_NE,
			                           .value = cl->lo[missing] };
		return table_rules(t, level + 1, off, conds, n_conds + 1);
	}
	for (size_t i = 0; i < cl->n; i++) {
		size_t end = i;

		if (!member[i])
			continue;
		while (end + 1 < cl->n && member[end + 1])
			end++;
		n_alt = range_conds(cl->index, cl->lo[i], cl->hi[end], alt);
		for (size_t k = 0; k < n_alt; k++) {
			conds[n_conds] = alt[k];
			r = table_rules(t, level + 1, off, conds, n_conds + 1);
			if (r < 0)
				return r;
		}
		i = end;
	}
	return 0;
}

/* The rules for the combinations at off (those of the arguments from `level` on, after the
 * comparisons in conds): the cells of this argument grouped by what the rest decides. */
static int
table_rules(struct table *t, size_t level, size_t off, struct ksc_arg *conds, size_t n_conds)
{
	const struct cells *cl;
	bool grouped[REWRITE_MAX_CELLS] = { false };
	size_t stride;
	int r;

	if (level == t->m)
		return t->action[off] == t->background
		               ? 0
		               : emit_rule(t, (enum ksc_action)t->action[off], conds, n_conds);
	if (all_background(t, off, t->stride[level]))
		return 0;
	cl = &t->cells[level];
	stride = t->stride[level + 1];
	for (size_t i = 0; i < cl->n; i++) {
		bool member[REWRITE_MAX_CELLS] = { false };
		size_t count = 0;

		if (grouped[i])
			continue;
		for (size_t j = i; j < cl->n; j++)
			if (!grouped[j] && memcmp(t->action + off + i * stride,
			                          t->action + off + j * stride, stride) == 0) {
				member[j] = grouped[j] = true;
				count++;
			}
		if (all_background(t, off + i * stride, stride))
			continue;
		r = group_rules(t, level, off + i * stride, member, count, conds, n_conds);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The arguments the original's rules for name compare, with their constants. -EDOM with
 * why and *ret_rule the rule when one cannot be rewritten. */
static int
gather_cells(struct complain *c, const char *name, struct rewritten *rw, struct cells *cells,
             size_t *ret_m, size_t *ret_rule, char *why, size_t why_size)
{
	const struct ksc_profile *p = c->p;
	size_t m = 0;

	rw->first_rule = SIZE_MAX;
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct ksc_rule *rule = &p->rules[i];

		if (rule->single_name || !rule_names(rule, name))
			continue;
		if (rw->first_rule == SIZE_MAX)
			rw->first_rule = i;
		if (ksc_rule_is_conditional(rule)) {
			snprintf(why, why_size,
			         "a template's rule (includes/excludes) for it: expand the "
			         "template for the container first ('kseccomp profile default')");
			*ret_rule = i;
			return -EDOM;
		}
		for (size_t k = 0; k < rule->n_args; k++) {
			const struct ksc_arg *a = &rule->args[k];
			size_t j = 0;

			if (a->op == KSC_OP_MASKED_EQ) {
				snprintf(why, why_size,
				         "a rule for it compares with "
				         "SCMP_CMP_MASKED_EQ");
				*ret_rule = i;
				return -EDOM;
			}
			while (j < m && cells[j].index != a->index)
				j++;
			if (j == m)
				cells[m++] = (struct cells){ .index = a->index };
			if (cells[j].n_consts == REWRITE_MAX_CONSTANTS) {
				snprintf(why, why_size,
				         "its rules compare arg%u with more than %d values",
				         a->index, REWRITE_MAX_CONSTANTS);
				return -EDOM;
			}
			cells[j].consts[cells[j].n_consts++] = a->value;
		}
	}
	*ret_m = m;
	return 0;
}

static int
cells_index_cmp(const void *a, const void *b)
{
	const struct cells *x = a, *y = b;

	return x->index < y->index ? -1 : x->index > y->index;
}

/* The architecture whose decisions on name the rewritten rules are made from: the first
 * of the filter's (this machine's first) where name has a number and libseccomp loads the
 * number (a section whose first syscall the arch lacks decides everything by its default),
 * a 64-bit one if there is one, as those compare the values whole. */
static bool
decision_arch(const struct complain *c, const char *name, enum ksc_arch *ret_arch, uint32_t *ret_nr)
{
	enum ksc_arch arches[_KSC_ARCH_MAX];
	size_t n = ksc_compile_arches(c->p, NULL, arches, ELEMENTSOF(arches));

	for (int wide = 1; wide >= 0; wide--)
		for (size_t i = 0; i < n; i++) {
			struct ksc_seccomp_data d = { .arch = ksc_arch_audit_token(arches[i]) };
			struct ksc_decision dec;
			uint32_t nr;

			if (ksc_arch_is_64bit(arches[i]) != (bool)wide ||
			    ksc_syscall_resolve_name(arches[i], name, &nr) < 0)
				continue;
			d.nr = (int32_t)nr;
			(void)ksc_filter_decide(c->original, &d, &dec);
			if (dec.nr_not_loaded || dec.by == KSC_DECIDED_BY_BAD_ARCH)
				continue;
			*ret_arch = arches[i];
			*ret_nr = nr;
			return true;
		}
	return false;
}

/* Replace name's rules in complain mode by rules that do not overlap, from what the
 * original decides on each cell. 0, -EDOM with why (and *ret_rule the rule to blame, when
 * there is one), or -ENOMEM. */
static int
rewrite_syscall(struct complain *c, const char *name, size_t *ret_rule, char *why, size_t why_size)
{
	_cleanup_(freep) struct cells *cells = NULL;
	_cleanup_(freep) uint8_t *actions = NULL;
	struct ksc_arg conds[6];
	struct rewritten *rws, *rw;
	struct table t = { .background = c->background };
	enum ksc_arch arch;
	uint32_t nr;
	int r;

	if (!decision_arch(c, name, &arch, &nr)) {
		snprintf(why, why_size,
		         "no architecture of the filter decides it by its rules (it has no number, "
		         "or libseccomp does not load the number there)");
		return -EDOM;
	}
	rws = reallocarray(c->rewrites, c->n_rewrites + 1, sizeof(*rws));
	cells = calloc(6, sizeof(*cells));
	if (!rws || !cells) {
		if (rws)
			c->rewrites = rws;
		return -ENOMEM;
	}
	c->rewrites = rws;
	rw = &rws[c->n_rewrites++];
	/* the table's copy of the name: it outlives the profiles that lead here */
	name = ksc_syscall_name(arch, nr);
	*rw = (struct rewritten){ .name = name };
	snprintf(rw->comment, sizeof(rw->comment),
	         "complain mode: the rules for %s, rewritten so that they do not overlap", name);
	r = gather_cells(c, name, rw, cells, &t.m, ret_rule, why, why_size);
	if (r < 0)
		return r;
	qsort(cells, t.m, sizeof(*cells), cells_index_cmp);
	t.stride[t.m] = 1;
	for (size_t l = t.m; l-- > 0;) {
		cells_build(&cells[l]);
		if (t.stride[l + 1] * cells[l].n > REWRITE_MAX_TABLE) {
			snprintf(why, why_size, "its rules compare too many values");
			return -EDOM;
		}
		t.stride[l] = t.stride[l + 1] * cells[l].n;
	}
	actions = malloc(t.stride[0]);
	if (!actions)
		return -ENOMEM;
	for (size_t combo = 0; combo < t.stride[0]; combo++) {
		struct ksc_seccomp_data d = { .nr = (int32_t)nr,
			                      .arch = ksc_arch_audit_token(arch) };

		for (size_t l = 0; l < t.m; l++)
			d.args[cells[l].index] = cells[l].lo[combo / t.stride[l + 1] % cells[l].n];
		actions[combo] = (uint8_t)complain_action(ksc_filter_decide(c->original, &d, NULL));
	}
	t.cells = cells;
	t.action = actions;
	t.rw = rw;
	r = table_rules(&t, 0, 0, conds, 0);
	if (r == -E2BIG) {
		snprintf(why, why_size, "its rules would be more than %u", REWRITE_MAX_RULES);
		return -EDOM;
	}
	return r;
}

/* ---------------------------------------------------------------------------------------- */
/* The profile                                                                                */

/* The complain profile as text: p with its denials turned into SCMP_ACT_LOG, the rewritten
 * syscalls' rules replaced, and the LOG flag added. */
static int
complain_text(struct complain *c, char **ret_text, size_t *ret_len)
{
	/* writable copies of the names, for flag_order's type; the writer only reads them */
	char spec_allow[] = "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
	     log_flag[] = "SECCOMP_FILTER_FLAG_LOG";
	const struct ksc_profile *p = c->p;
	_cleanup_(freep) struct ksc_rule *rules = NULL;
	_cleanup_(freep) const char **names = NULL;
	_cleanup_(freep) char **flags = NULL;
	struct ksc_profile copy = *p; /* borrows everything p owns */
	bool add_flags = !(c->opts && c->opts->no_flags) || p->n_flag_order > 0;
	size_t n_rules = p->n_rules, n_names = 0, used = 0;

	for (size_t i = 0; i < c->n_rewrites; i++)
		n_rules += c->rewrites[i].n_rules;
	for (size_t i = 0; i < p->n_rules; i++)
		n_names += p->rules[i].n_names;
	rules = calloc(MAX(n_rules, 1u), sizeof(*rules));
	names = calloc(MAX(n_names, 1u), sizeof(*names));
	flags = calloc(p->n_flag_order + 2, sizeof(*flags));
	if (!rules || !names || !flags)
		return -ENOMEM;
	if (action_denies(p->default_action)) {
		copy.default_action = KSC_ACT_LOG;
		copy.has_default_errno = false;
		copy.default_errno_name = NULL;
	}
	copy.n_rules = 0;
	for (size_t i = 0; i < p->n_rules; i++) {
		struct ksc_rule rule = p->rules[i];

		if (action_denies(rule.action)) {
			rule.action = KSC_ACT_LOG;
			rule.has_errno = false;
			rule.errno_name = NULL;
		}
		if (c->n_rewrites > 0 && !rule.single_name) {
			rule.names = names + used;
			rule.n_names = 0;
			rule.name_pos = NULL;
			for (size_t k = 0; k < p->rules[i].n_names; k++)
				if (!rewrite_find(c, p->rules[i].names[k]))
					names[used + rule.n_names++] = p->rules[i].names[k];
			used += rule.n_names;
			if (rule.n_names == 0)
				continue;
		}
		rules[copy.n_rules++] = rule;
	}
	for (size_t i = 0; i < c->n_rewrites; i++)
		for (size_t k = 0; k < c->rewrites[i].n_rules; k++) {
			struct ksc_rule *rule = &rules[copy.n_rules++];

			*rule = c->rewrites[i].rules[k];
			rule->names = &c->rewrites[i].name;
			rule->comment = c->rewrites[i].comment;
		}
	copy.rules = rules;

	/* Absent flags mean SPEC_ALLOW where the runtime supports it (runc 1.2 and later,
	 * crun, kseccomp run); [] means none. */
	if (add_flags && !(p->flags & KSC_FLAG_LOG)) {
		size_t n = 0;

		if (!p->flags_present)
			flags[n++] = spec_allow;
		for (size_t i = 0; i < p->n_flag_order; i++)
			flags[n++] = p->flag_order[i];
		flags[n++] = log_flag;
		copy.flags_present = true;
		copy.flags |= KSC_FLAG_LOG | (p->flags_present ? 0 : KSC_FLAG_SPEC_ALLOW);
		copy.flag_order = flags;
		copy.n_flag_order = n;
	}
	return ksc_profile_write_json(&copy, ret_text, ret_len);
}

/* Complain mode that cannot be made exact: -EDOM, saying where (the rule to blame, when
 * rule is not SIZE_MAX), what (problem) and why the rules for name cannot be rewritten, or
 * (why NULL) that they were already. */
static int
refuse(const struct complain *c, size_t rule, const char *problem, const char *name,
       const char *why, struct ksc_error **reterr)
{
	char at[64] = "";

	if (rule != SIZE_MAX && c->p->rules[rule].pos.line > 0)
		snprintf(at, sizeof(at), ":%u:%u: syscalls[%zu]", c->p->rules[rule].pos.line,
		         c->p->rules[rule].pos.column, rule);
	else if (rule != SIZE_MAX)
		snprintf(at, sizeof(at), ": syscalls[%zu]", rule);
	if (!why)
		return ksc_error_setf(reterr, -EDOM,
		                      "%s%s: complain mode cannot keep this profile's decisions: "
		                      "%s, even with the rules for %s rewritten so that they do "
		                      "not overlap",
		                      c->p->source, at, problem, name);
	return ksc_error_setf(reterr, -EDOM,
	                      "%s%s: complain mode cannot keep this profile's decisions: %s, "
	                      "and the rules for %s cannot be rewritten so that they do not "
	                      "overlap: %s",
	                      c->p->source, at, problem, name, why);
}

/* Rewrite the rules of the syscalls where the complain profile decides otherwise than it
 * must. 0, or -EDOM with a message when one cannot be rewritten, or was in an earlier pass
 * and still decides otherwise (a 32-bit arch sees only the low halves of the values). */
static int
rewrite_differing(struct complain *c, const struct ksc_difference *diffs, size_t n, size_t n_diffs,
                  struct ksc_error **reterr)
{
	size_t before = c->n_rewrites;
	char why[256], problem[256];
	int r;

	for (size_t i = 0; i < n; i++) {
		enum ksc_arch arch = KSC_ARCH_NONE;
		const struct rewritten *rw;
		size_t rule = SIZE_MAX;
		char got[32], want[32];
		const char *name;

		(void)ksc_arch_from_audit_token(diffs[i].data.arch, (uint32_t)diffs[i].data.nr,
		                                &arch);
		name = ksc_syscall_name(arch, (uint32_t)diffs[i].data.nr);
		rw = name ? rewrite_find(c, name) : NULL;
		if (rw && (size_t)(rw - c->rewrites) >= before)
			continue; /* rewritten in this pass */
		ksc_ret_format(diffs[i].ret_a, got, sizeof(got));
		ksc_ret_format(diffs[i].ret_b, want, sizeof(want));
		snprintf(problem, sizeof(problem),
		         "for %s on %s with arguments 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64
		         " it must decide %s, but decides %s (%zu such inputs)",
		         name ? name : "a number no syscall has", ksc_arch_name(arch),
		         diffs[i].data.args[0], diffs[i].data.args[1], diffs[i].data.args[2], want,
		         got, n_diffs);
		if (!name)
			return refuse(c, SIZE_MAX, problem, "it", "no syscall has its number",
			              reterr);
		if (rw)
			return refuse(c, rw->first_rule, problem, name, NULL, reterr);
		r = rewrite_syscall(c, name, &rule, why, sizeof(why));
		if (r == -EDOM)
			return refuse(c, rule, problem, name, why, reterr);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The complain profile's own filter. Its actions changed, so libseccomp merges its rules
 * otherwise, and may refuse (two rules that end on one comparison) or loop forever on a
 * syscall's rules where it did not on the original's: those are rewritten. 0 when it
 * builds, 1 when rules were rewritten (try again), -EDOM with a message, -errno. */
static int
complain_builds(struct complain *c, const struct ksc_profile *complain, struct ksc_error **reterr)
{
	_cleanup_(ksc_filter_freep) struct ksc_filter *f = NULL;
	_cleanup_(ksc_error_freep) struct ksc_error *error = NULL;
	struct ksc_compile_opts copts = { .no_enosys_stub = true };
	const struct rewritten *rw;
	const char *blame = NULL;
	size_t rule = SIZE_MAX;
	char why[256], problem[160];
	int r;

	r = filter_new_blame(complain, &copts, &f, &blame, NULL, &error);
	if (r >= 0)
		return 0;
	if ((r != -EINVAL && r != -ETIMEDOUT) || !blame) {
		if (reterr && !*reterr)
			*reterr = TAKE_PTR(error);
		return r;
	}
	snprintf(problem, sizeof(problem),
	         "in complain mode libseccomp %s would %s the rules for %s",
	         ksc_libseccomp_version(), r == -EINVAL ? "refuse" : "loop forever on", blame);
	rw = rewrite_find(c, blame);
	if (rw)
		return refuse(c, rw->first_rule, problem, rw->name, NULL, reterr);
	r = rewrite_syscall(c, blame, &rule, why, sizeof(why));
	if (r == -EDOM)
		return refuse(c, rule, problem, blame, why, reterr);
	return r < 0 ? r : 1;
}

/* Where a top-level key's value is, read as Go's decoder reads it (as the parser did), for
 * a note about it; 0:0 when absent. */
static struct ksc_pos
top_field_pos(const struct ksc_profile *p, const char *key)
{
	const struct ksc_node *value = NULL, *dup = NULL, *first = NULL, *root;
	const char *fields[1] = { key };

	if (!p->doc)
		return (struct ksc_pos){ 0 };
	root = ksc_doc_root(p->doc, 0);
	if (!root || root->kind != KSC_NODE_MAP ||
	    ksc_node_get_fields_go(root, fields, 1, &value, &dup, &first) < 0 || !value)
		return (struct ksc_pos){ 0 };
	return (struct ksc_pos){ value->line, value->column };
}

/* The notes about what complain mode did to this profile. 0 or -ENOMEM. */
static int
notes(const struct complain *c, struct ksc_diags *diags)
{
	const struct ksc_profile *p = c->p;
	const char *runtime = c->opts && c->opts->runtime ? c->opts->runtime : "the runtime";
	struct ksc_pos def = top_field_pos(p, "defaultAction"), flags = top_field_pos(p, "flags");
	bool rule_denies = false;
	int r = 0;

	for (size_t i = 0; i < p->n_rules && !rule_denies; i++)
		rule_denies = action_denies(p->rules[i].action);
	if (!action_denies(p->default_action) && !rule_denies)
		r = ksc_diags_addf(diags, KSC_SEVERITY_WARNING, p->source, def.line, def.column,
		                   "defaultAction",
		                   "%s, and no rule denies a call: complain mode changes no "
		                   "decision",
		                   ksc_action_name(p->default_action));
	else if (!action_denies(p->default_action))
		r = ksc_diags_addf(diags, KSC_SEVERITY_WARNING, p->source, def.line, def.column,
		                   "defaultAction",
		                   "already %s: complain mode only logs the calls the rules deny",
		                   ksc_action_name(p->default_action));
	for (size_t i = 0; r >= 0 && i < c->n_rewrites; i++) {
		const struct rewritten *rw = &c->rewrites[i];
		struct ksc_pos at = { 0 };
		char path[32] = "syscalls";

		if (rw->first_rule != SIZE_MAX) {
			at = p->rules[rw->first_rule].pos;
			snprintf(path, sizeof(path), "syscalls[%zu]", rw->first_rule);
		}
		if (rw->n_rules == 0)
			r = ksc_diags_addf(
			        diags, KSC_SEVERITY_WARNING, p->source, at.line, at.column, path,
			        "the rules for %s are left out, so that the default action "
			        "decides its calls: runc leaves out a rule whose action is "
			        "the default action (SCMP_ACT_LOG in complain mode), so a "
			        "denying rule for it would no longer take precedence over "
			        "the others",
			        rw->name);
		else
			r = ksc_diags_addf(
			        diags, KSC_SEVERITY_WARNING, p->source, at.line, at.column, path,
			        "the rules for %s are rewritten as %zu rule%s that do not "
			        "overlap: runc leaves out a rule whose action is the "
			        "default action (SCMP_ACT_LOG in complain mode), so a "
			        "denying rule for it would no longer take precedence over "
			        "the others",
			        rw->name, rw->n_rules, rw->n_rules == 1 ? "" : "s");
	}
	if (r < 0 || !c->opts || !c->opts->no_flags)
		return r;
	if (p->n_flag_order > 0)
		return ksc_diags_addf(diags, KSC_SEVERITY_WARNING, p->source, flags.line,
		                      flags.column, "flags",
		                      "%s refuses any seccomp flags: it refuses this profile for "
		                      "them, as it refuses the original",
		                      runtime);
	return ksc_diags_addf(diags, KSC_SEVERITY_WARNING, p->source, flags.line, flags.column,
	                      "flags",
	                      "SECCOMP_FILTER_FLAG_LOG is left out: %s refuses any seccomp "
	                      "flags; the calls complain mode logs (SCMP_ACT_LOG) are logged "
	                      "without it",
	                      runtime);
}

int
ksc_profile_complain(const struct ksc_profile *p, const struct ksc_complain_opts *opts,
                     struct ksc_profile **ret, struct ksc_diags *diags, struct ksc_error **reterr)
{
	_cleanup_(complain_done) struct complain c = { .p = p, .opts = opts };
	_cleanup_(freep) struct ksc_difference *diffs = NULL;
	_cleanup_(freep) char *name = NULL;
	struct ksc_compile_opts copts = { .no_enosys_stub = true };
	int r;

	if (!p || !ret)
		return -EINVAL;
	c.background = action_denies(p->default_action) ? KSC_ACT_LOG : p->default_action;
	/* the original's filter first: when runc would refuse it, that is the message */
	r = ksc_filter_new(p, &copts, &c.original, NULL, reterr);
	if (r < 0)
		return r;
	diffs = calloc(CHECK_MAX_DIFFS, sizeof(*diffs));
	/* its own name: its positions are in the text written here, not in p's file */
	if (!diffs || asprintf(&name, "%s (complain mode)", p->source) < 0)
		return -ENOMEM;
	/* each pass rewrites at least one more syscall, or fails */
	for (;;) {
		_cleanup_(ksc_profile_freep) struct ksc_profile *complain = NULL;
		_cleanup_(freep) char *text = NULL;
		size_t len = 0, cases = 0, n_diffs = 0;

		r = complain_text(&c, &text, &len);
		if (r < 0)
			return r;
		r = ksc_profile_parse(name, text, len, NULL, &complain, NULL, reterr);
		if (r < 0)
			return ksc_error_prefixf(reterr, r,
			                         "internal error: the complain profile "
			                         "is invalid: ");
		r = complain_builds(&c, complain, reterr);
		if (r < 0)
			return r;
		if (r > 0)
			continue;
		r = ksc_profile_compare_complain(complain, p, NULL, &cases, diffs, CHECK_MAX_DIFFS,
		                                 &n_diffs, reterr);
		if (r < 0)
			return r;
		if (n_diffs == 0) {
			r = notes(&c, diags);
			if (r < 0)
				return r;
			*ret = TAKE_PTR(complain);
			return 0;
		}
		r = rewrite_differing(&c, diffs, MIN(n_diffs, (size_t)CHECK_MAX_DIFFS), n_diffs,
		                      reterr);
		if (r < 0)
			return r;
	}
}
