/* SPDX-License-Identifier: Apache-2.0 */
/*
 * compare: two filter stacks, run side by side on the inputs where filters decide: every
 * syscall number of each arch, arguments at and around every constant a profile compares
 * with (both 32-bit halves), and an arch outside the filter.
 */
#include "error.h"
#include "filter.h"
#include "name-index.h"
#include "profile.h"

/* KILL_PROCESS < KILL_THREAD < TRAP < ERRNO < TRACE < NOTIFY < LOG < ALLOW */
#define RANK_LEAST 7

static int
ret_rank(uint32_t ret)
{
	switch (ret & KSC_RET_ACTION_FULL) {
	case KSC_RET_KILL_PROCESS:
		return 0;
	case KSC_RET_KILL_THREAD:
		return 1;
	case KSC_RET_TRAP:
		return 2;
	case KSC_RET_ERRNO:
		return 3;
	case KSC_RET_TRACE:
		return 4;
	case KSC_RET_USER_NOTIF:
		return 5;
	case KSC_RET_LOG:
		return 6;
	default:
		return RANK_LEAST;
	}
}

/* Something that decides: a filter stack, a filter (IR), or several filters whose least
 * restrictive decision counts (what a merge of their profiles must decide). */
struct decider {
	struct ksc_bpf *const *progs;
	size_t n_progs;
	const struct ksc_filter *filter;
	struct ksc_filter *const *filters;
	size_t n_filters;
	/* One per filter (filter, or filters[i]), or NULL: the inputs come syscall by syscall,
	 * so each filter's lookup of (arch, nr) is done once per syscall, not per input. */
	struct filter_lookup *lookups;
	/* filter's decisions in complain mode (ksc_profile_complain()): a denial is LOG */
	bool complain;
};

static uint32_t
decide_one(const struct decider *who, size_t i, const struct ksc_seccomp_data *d)
{
	const struct ksc_filter *f = who->filter ? who->filter : who->filters[i];

	return filter_decide_cached(f, who->lookups ? &who->lookups[i] : NULL, d, NULL);
}

/* What complain mode makes of a decision: KILL_PROCESS, KILL_THREAD, TRAP, ERRNO (runc's
 * ENOSYS stub included) and TRACE are logged instead; NOTIFY, LOG and ALLOW stay. The
 * bad-arch action is no decision of the profile's and stays too. */
static uint32_t
complain_ret(const struct ksc_filter *f, struct filter_lookup *lookup,
             const struct ksc_seccomp_data *d)
{
	uint32_t ret = filter_decide_cached(f, lookup, d, NULL); /* fills *lookup */

	if (lookup->leaf.kind != FILTER_LEAF_BAD_ARCH &&
	    ret_rank(ret) < ret_rank(KSC_RET_USER_NOTIF))
		return KSC_RET_LOG;
	return ret;
}

static uint32_t
decide(const struct decider *who, const struct ksc_seccomp_data *d)
{
	uint32_t ret;

	if (who->complain)
		return complain_ret(who->filter, who->lookups, d);
	if (who->filter)
		return decide_one(who, 0, d);
	if (who->filters) {
		ret = decide_one(who, 0, d);
		/* nothing is less restrictive than the top rank, and ties keep the first */
		for (size_t i = 1; i < who->n_filters && ret_rank(ret) < RANK_LEAST; i++)
			ret = ksc_ret_least_restrictive(ret, decide_one(who, i, d));
		return ret;
	}
	return ksc_bpf_run_stack(who->progs, who->n_progs, d);
}

uint32_t
ksc_ret_least_restrictive(uint32_t a, uint32_t b)
{
	return ret_rank(b) > ret_rank(a) ? b : a;
}

/* A hint profile's rules by name, and per arch the names it multiplexes: each syscall
 * number looks at the rules that name it, not at every rule (which made comparing profiles
 * of 100,000 rules take minutes). */
struct hint_index {
	struct name_index names;
	struct name_index_rules by_name, by_name_args; /* all rules; those with conditions */
	bool mux_done[_KSC_ARCH_MAX];
	struct mux_name {
		size_t id;
		uint32_t mux_nr, call;
	} * mux[_KSC_ARCH_MAX];
	size_t n_mux[_KSC_ARCH_MAX];
};

/* The inputs already tried on the current syscall. The hint profiles repeat each other's
 * constants (a merge holds its inputs' rules, the two sides of a diff mostly the same
 * ones), and an input decided again tells nothing: each is decided, and counted, once. */
struct seen_slot {
	uint64_t args[6];
	uint32_t gen; /* the syscall it was tried on; slots of older ones are free */
};

struct seen {
	struct seen_slot *slots;
	size_t cap, used; /* cap: a power of two */
	uint32_t gen;
};

struct inputs {
	struct decider a, b;
	struct seen seen;
	bool oom;
	const struct ksc_profile *const *hints; /* whose constants to try */
	size_t n_hints;
	struct hint_index *index; /* one per hint */
	size_t *scratch;          /* rule indexes, for try_hints() */
	size_t n_scratch;
	size_t cases;
	struct ksc_difference *diffs;
	size_t max_diffs;
	size_t n_diffs;
};

static size_t
seen_hash(const uint64_t *args)
{
	uint64_t h = 0x9e3779b97f4a7c15ull;

	for (size_t i = 0; i < 6; i++) {
		h ^= args[i];
		h *= 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	return (size_t)h;
}

static struct seen_slot *
seen_find(struct seen_slot *slots, size_t cap, uint32_t gen, const uint64_t *args, bool *found)
{
	for (size_t i = seen_hash(args) & (cap - 1);; i = (i + 1) & (cap - 1)) {
		if (slots[i].gen != gen) {
			*found = false;
			return &slots[i];
		}
		if (memcmp(slots[i].args, args, sizeof(slots[i].args)) == 0) {
			*found = true;
			return &slots[i];
		}
	}
}

/* Start over for the next syscall. */
static void
seen_reset(struct seen *s)
{
	s->used = 0;
	if (++s->gen == 0) {
		/* after 2^32 syscalls, generation 0 would look like a fresh slot's */
		for (size_t i = 0; i < s->cap; i++)
			s->slots[i].gen = 0;
		s->gen = 1;
	}
}

/* 1 if args were tried already on this syscall, else 0 (and they are now). */
static int
seen_add(struct seen *s, const uint64_t *args)
{
	struct seen_slot *slot;
	bool found;

	if ((s->used + 1) * 2 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		struct seen_slot *slots = calloc(cap, sizeof(*slots));

		if (!slots)
			return -ENOMEM;
		for (size_t i = 0; i < s->cap; i++)
			if (s->slots[i].gen == s->gen) {
				slot = seen_find(slots, cap, s->gen, s->slots[i].args, &found);
				*slot = s->slots[i];
			}
		free(s->slots);
		s->slots = slots;
		s->cap = cap;
	}
	slot = seen_find(s->slots, s->cap, s->gen, args, &found);
	if (found)
		return 1;
	memcpy(slot->args, args, sizeof(slot->args));
	slot->gen = s->gen;
	s->used++;
	return 0;
}

static void
try_input(struct inputs *in, const struct ksc_seccomp_data *d)
{
	uint32_t ra, rb;
	int r = seen_add(&in->seen, d->args);

	if (r != 0) {
		in->oom = in->oom || r < 0;
		return;
	}
	ra = decide(&in->a, d);
	rb = decide(&in->b, d);
	in->cases++;
	if (ra == rb)
		return;
	/* A merge may answer with any of the least restrictive decisions when they share
	 * the action but not the data: ERRNO(38) from runc's stub in one profile, ERRNO(1)
	 * from the default of another. */
	if (in->b.filters && ret_rank(ra) == ret_rank(rb))
		for (size_t i = 0; i < in->b.n_filters; i++)
			if (decide_one(&in->b, i, d) == ra)
				return;
	if (in->n_diffs < in->max_diffs)
		in->diffs[in->n_diffs] = (struct ksc_difference){ *d, ra, rb };
	in->n_diffs++;
}

/* Neighbours of a comparison constant on one argument. */
static size_t
neighbours(const struct ksc_arg *a, uint64_t *out)
{
	uint64_t v = a->op == KSC_OP_MASKED_EQ ? a->value_two : a->value;
	size_t n = 0;

	out[n++] = v;
	out[n++] = v + 1;
	out[n++] = v - 1;
	out[n++] = v ^ (1ull << 32);
	out[n++] = v & 0xffffffffull;
	out[n++] = v | 0xffffffff00000000ull;
	if (a->op == KSC_OP_MASKED_EQ) {
		out[n++] = v | ~a->value;              /* bits outside the mask set */
		out[n++] = v ^ (a->value & -a->value); /* the lowest mask bit flipped */
	}
	return n;
}

static int
size_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/* The names of hint h that karch multiplexes (socket calls through socketcall(2), SysV IPC
 * through ipc(2)), computed once per arch. */
static int
hint_mux(struct inputs *in, size_t h, enum ksc_arch karch)
{
	struct hint_index *x = &in->index[h];

	if (x->mux_done[karch])
		return 0;
	for (size_t id = 0; id < x->names.n; id++) {
		uint32_t mux_nr, call;
		struct mux_name *grown;

		if (ksc_syscall_multiplexed(karch, x->names.names[id], &mux_nr, &call) <= 0)
			continue;
		grown = reallocarray(x->mux[karch], x->n_mux[karch] + 1, sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		x->mux[karch] = grown;
		x->mux[karch][x->n_mux[karch]++] = (struct mux_name){ id, mux_nr, call };
	}
	x->mux_done[karch] = true;
	return 0;
}

/* The rules of hint h that decide anything in try_hints() for name (number nr on karch), in
 * order: those that name it with conditions, and, where nr multiplexes calls (socketcall,
 * ipc), every rule that names it or one of those calls. An unconditional rule that names
 * only name itself tries no input. */
static int
hint_rules(struct inputs *in, size_t h, enum ksc_arch karch, uint32_t nr, const char *name,
           const size_t **ret_rules, size_t *ret_n)
{
	struct hint_index *x = &in->index[h];
	size_t n = 0, id, need = 0;
	bool sorted = true, muxed = false, named;
	int r;

	r = hint_mux(in, h, karch);
	if (r < 0)
		return r;
	named = name_index_get(&x->names, name, &id);
	for (size_t m = 0; m < x->n_mux[karch]; m++)
		muxed = muxed || x->mux[karch][m].mux_nr == nr;
	if (!muxed) {
		*ret_rules = named ? &x->by_name_args.rules[x->by_name_args.start[id]] : NULL;
		*ret_n = named ? x->by_name_args.start[id + 1] - x->by_name_args.start[id] : 0;
		return 0;
	}
	if (named)
		need += x->by_name.start[id + 1] - x->by_name.start[id];
	for (size_t m = 0; m < x->n_mux[karch]; m++)
		if (x->mux[karch][m].mux_nr == nr)
			need += x->by_name.start[x->mux[karch][m].id + 1] -
			        x->by_name.start[x->mux[karch][m].id];
	if (need > in->n_scratch) {
		size_t *grown = reallocarray(in->scratch, need, sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		in->scratch = grown;
		in->n_scratch = need;
	}
	if (named)
		for (size_t k = x->by_name.start[id]; k < x->by_name.start[id + 1]; k++)
			in->scratch[n++] = x->by_name.rules[k];
	for (size_t m = 0; m < x->n_mux[karch]; m++) {
		size_t mid = x->mux[karch][m].id;

		if (x->mux[karch][m].mux_nr != nr)
			continue;
		for (size_t k = x->by_name.start[mid]; k < x->by_name.start[mid + 1]; k++) {
			sorted = sorted && (n == 0 || in->scratch[n - 1] < x->by_name.rules[k]);
			in->scratch[n++] = x->by_name.rules[k];
		}
	}
	if (!sorted) {
		size_t u = 0;

		qsort(in->scratch, n, sizeof(*in->scratch), size_cmp);
		for (size_t k = 0; k < n; k++)
			if (u == 0 || in->scratch[u - 1] != in->scratch[k])
				in->scratch[u++] = in->scratch[k];
		n = u;
	}
	*ret_rules = in->scratch;
	*ret_n = n;
	return 0;
}

static int
try_hints(struct inputs *in, uint32_t arch, uint32_t nr, size_t h, enum ksc_arch karch,
          const char *name)
{
	const struct ksc_profile *hints = in->hints[h];
	struct ksc_seccomp_data d = { .nr = (int32_t)nr, .arch = arch };
	const size_t *rules;
	size_t n_rules;
	int r;

	r = hint_rules(in, h, karch, nr, name, &rules, &n_rules);
	if (r < 0)
		return r;
	memset(d.args, 0xff, sizeof(d.args));
	for (size_t x = 0; x < n_rules; x++) {
		const struct ksc_rule *rule = &hints->rules[rules[x]];
		bool named = false;

		bool muxed = false;
		uint32_t mux_nr, call = 0;

		for (size_t j = 0; j < rule->n_names && !named; j++) {
			named = streq(rule->names[j], name);
			/* socket(2) on x86 is also socketcall(2) with arg0 SYS_SOCKET */
			if (!named &&
			    ksc_syscall_multiplexed(karch, rule->names[j], &mux_nr, &call) > 0 &&
			    mux_nr == nr) {
				named = muxed = true;
				d.args[0] = call;
				try_input(in, &d);
			}
		}
		if (!named || rule->n_args == 0)
			continue;
		memset(d.args, 0, sizeof(d.args));
		d.args[0] = muxed ? call : 0;
		for (size_t k = 0; k < rule->n_args; k++) {
			uint64_t vals[8];
			size_t nv = neighbours(&rule->args[k], vals);
			struct ksc_seccomp_data one = { .nr = (int32_t)nr, .arch = arch };

			one.args[0] = muxed ? call : 0;

			for (size_t m = 0; m < nv; m++) {
				one.args[rule->args[k].index] = vals[m];
				try_input(in, &one);
			}
			/* All conditions of the rule at their constants together (AND). */
			d.args[rule->args[k].index] = vals[0];
		}
		try_input(in, &d);
	}
	return 0;
}

/* Values worth trying on each argument of a syscall, from the conditions of every hint. */
struct arg_values {
	uint64_t v[6][64];
	size_t n[6];
};

static void
add_value(struct arg_values *av, unsigned index, uint64_t v)
{
	/* full: nothing more is added, and so nothing needs looking for */
	if (av->n[index] == ELEMENTSOF(av->v[index]))
		return;
	for (size_t i = 0; i < av->n[index]; i++)
		if (av->v[index][i] == v)
			return;
	if (av->n[index] < ELEMENTSOF(av->v[index]))
		av->v[index][av->n[index]++] = v;
}

/*
 * Rules of different profiles (or of one) that condition different arguments meet on
 * inputs neither rule's own constants make: arg0 matching one rule while arg1 matches
 * another. Try the product of every argument's values, up to a budget; beyond it, a fixed
 * pseudo-random sample of the product.
 */
static void
try_combinations(struct inputs *in, uint32_t arch, uint32_t nr, const char *name)
{
	struct arg_values av = { 0 };
	size_t total = 1, used = 0, budget = 4096;
	unsigned indexes[6];
	uint64_t state = nr * 0x9e3779b97f4a7c15ull + arch;

	for (size_t h = 0; h < in->n_hints; h++) {
		const struct ksc_profile *p = in->hints[h];
		const struct hint_index *x = &in->index[h];
		size_t id;

		if (!p || !name_index_get(&x->names, name, &id))
			continue;
		for (size_t i = x->by_name_args.start[id]; i < x->by_name_args.start[id + 1]; i++) {
			const struct ksc_rule *rule = &p->rules[x->by_name_args.rules[i]];

			for (size_t k = 0; k < rule->n_args; k++) {
				uint64_t vals[8];
				size_t nv = neighbours(&rule->args[k], vals);

				for (size_t m = 0; m < nv; m++)
					add_value(&av, rule->args[k].index, vals[m]);
			}
		}
	}
	for (unsigned i = 0; i < 6; i++)
		if (av.n[i]) {
			add_value(&av, i, 0);
			indexes[used++] = i;
			total *= av.n[i];
		}
	if (used < 2)
		return; /* one argument: try_hints() already tried its values */
	for (size_t c = 0; c < MIN(total, budget); c++) {
		struct ksc_seccomp_data d = { .nr = (int32_t)nr, .arch = arch };
		size_t code = c;

		if (total > budget) {
			state = state * 6364136223846793005ull + 1442695040888963407ull;
			code = (size_t)(state >> 17) % total;
		}
		for (size_t u = 0; u < used; u++) {
			unsigned i = indexes[u];

			d.args[i] = av.v[i][code % av.n[i]];
			code /= av.n[i];
		}
		try_input(in, &d);
	}
}

static int
try_syscall(struct inputs *in, uint32_t arch, uint32_t nr, enum ksc_arch karch)
{
	struct ksc_seccomp_data d = { .nr = (int32_t)nr, .arch = arch };
	const char *name = karch != KSC_ARCH_NONE ? ksc_syscall_name(karch, nr) : NULL;
	int r;

	seen_reset(&in->seen);
	try_input(in, &d);
	memset(d.args, 0xff, sizeof(d.args));
	try_input(in, &d);
	for (size_t h = 0; h < in->n_hints && name; h++)
		if (in->hints[h]) {
			r = try_hints(in, arch, nr, h, karch, name);
			if (r < 0)
				return r;
		}
	if (name)
		try_combinations(in, arch, nr, name);
	return 0;
}

static void
index_free(struct inputs *in)
{
	for (size_t h = 0; in->index && h < in->n_hints; h++) {
		name_index_done(&in->index[h].names);
		name_index_rules_done(&in->index[h].by_name);
		name_index_rules_done(&in->index[h].by_name_args);
		for (size_t a = 0; a < _KSC_ARCH_MAX; a++)
			free(in->index[h].mux[a]);
	}
	free(in->index);
	free(in->scratch);
	free(in->seen.slots);
	in->index = NULL;
	in->scratch = NULL;
	in->seen = (struct seen){ 0 };
}

static int
index_build(struct inputs *in)
{
	size_t id;
	int r;

	in->index = calloc(MAX(in->n_hints, (size_t)1), sizeof(*in->index));
	if (!in->index)
		return -ENOMEM;
	for (size_t h = 0; h < in->n_hints; h++) {
		const struct ksc_profile *p = in->hints[h];

		for (size_t i = 0; p && i < p->n_rules; i++)
			for (size_t j = 0; j < p->rules[i].n_names; j++) {
				r = name_index_put(&in->index[h].names, p->rules[i].names[j], &id);
				if (r < 0)
					return r;
			}
		if (p) {
			r = name_index_rules_build(p, &in->index[h].names, 0,
			                           &in->index[h].by_name);
			if (r >= 0)
				r = name_index_rules_build(p, &in->index[h].names,
				                           NAME_INDEX_ARGS_ONLY,
				                           &in->index[h].by_name_args);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int
compare_all(struct inputs *in, const enum ksc_arch *arches, size_t n_arches, size_t *ret_cases,
            size_t *ret_n_diffs)
{
	enum ksc_arch outside = KSC_ARCH_NONE;
	int r;

	/* An arch the filters do not list, for their bad-arch path. */
	for (unsigned c = 1; c < _KSC_ARCH_MAX && outside == KSC_ARCH_NONE; c++) {
		bool listed = false;

		for (size_t i = 0; i < n_arches; i++)
			listed = listed || ksc_arch_audit_token(arches[i]) ==
			                           ksc_arch_audit_token((enum ksc_arch)c);
		if (!listed)
			outside = (enum ksc_arch)c;
	}
	for (size_t i = 0; i <= n_arches; i++) {
		enum ksc_arch karch = i < n_arches ? arches[i] : outside;
		size_t count = ksc_syscall_count(karch);
		uint32_t token = ksc_arch_audit_token(karch), last = 0, base = 0;
		const char *name;

		if (karch == KSC_ARCH_NONE)
			continue;
		if (count > 0 && ksc_syscall_by_index(karch, count - 1, &name, &last) < 0)
			return -EINVAL;
		/* Numbers from the arch's base (x32 and MIPS tables do not start at 0). */
		if (count > 0 && ksc_syscall_by_index(karch, 0, &name, &base) < 0)
			return -EINVAL;
		if (karch == KSC_ARCH_X32)
			base = KSC_X32_SYSCALL_BIT;
		/* The dense range, then the table's far entries one by one (ARM's private
		 * syscalls sit at 0xf0000 and up). */
		for (uint32_t nr = base; nr <= MIN(last, base + 1024) + 64; nr++) {
			r = try_syscall(in, token, nr, karch);
			if (r < 0)
				return r;
		}
		for (size_t k = 0; k < count; k++) {
			uint32_t far;

			if (ksc_syscall_by_index(karch, k, &name, &far) < 0 || far <= base + 1088)
				continue;
			r = try_syscall(in, token, far, karch);
			if (r < 0)
				return r;
		}
		/* x32 shares AUDIT_ARCH_X86_64: try its numbers even when it is not listed. */
		if (karch == KSC_ARCH_X86_64) {
			bool x32_listed = false;

			for (size_t j = 0; j < n_arches; j++)
				x32_listed = x32_listed || arches[j] == KSC_ARCH_X32;
			for (uint32_t nr = KSC_X32_SYSCALL_BIT;
			     !x32_listed && nr <= KSC_X32_SYSCALL_BIT + 600; nr++) {
				r = try_syscall(in, token, nr, KSC_ARCH_X32);
				if (r < 0)
					return r;
			}
		}
		if (karch != KSC_ARCH_X32) {
			r = try_syscall(in, token, base + 1000, karch);
			if (r >= 0)
				r = try_syscall(in, token, 0xffffffffu, karch);
			if (r < 0)
				return r;
		}
	}
	if (in->oom)
		return -ENOMEM;
	*ret_cases = in->cases;
	*ret_n_diffs = in->n_diffs;
	return 0;
}

static int
compare(struct inputs *in, const enum ksc_arch *arches, size_t n_arches, size_t *ret_cases,
        size_t *ret_n_diffs)
{
	int r = index_build(in);

	if (r >= 0)
		r = compare_all(in, arches, n_arches, ret_cases, ret_n_diffs);
	index_free(in);
	return r;
}

int
ksc_bpf_compare(struct ksc_bpf *const *a, size_t n_a, struct ksc_bpf *const *b, size_t n_b,
                const struct ksc_profile *hints, const enum ksc_arch *arches, size_t n_arches,
                size_t *ret_cases, struct ksc_difference *diffs, size_t max_diffs,
                size_t *ret_n_diffs)
{
	const struct ksc_profile *h[1] = { hints };
	struct inputs in = {
		.a = { .progs = a, .n_progs = n_a },
		.b = { .progs = b, .n_progs = n_b },
		.hints = h,
		.n_hints = 1,
		.diffs = diffs,
		.max_diffs = max_diffs,
	};

	return compare(&in, arches, n_arches, ret_cases, ret_n_diffs);
}

int
ksc_filter_compare(const struct ksc_filter *filter, struct ksc_bpf *const *progs, size_t n_progs,
                   const struct ksc_profile *hints, const enum ksc_arch *arches, size_t n_arches,
                   size_t *ret_cases, struct ksc_difference *diffs, size_t max_diffs,
                   size_t *ret_n_diffs)
{
	struct filter_lookup lookup = { 0 };
	struct inputs in = {
		.a = { .filter = filter, .lookups = &lookup },
		.b = { .progs = progs, .n_progs = n_progs },
		.diffs = diffs,
		.max_diffs = max_diffs,
	};

	const struct ksc_profile *h[1] = { hints };

	if (!filter)
		return -EINVAL;
	in.hints = h;
	in.n_hints = 1;
	return compare(&in, arches, n_arches, ret_cases, ret_n_diffs);
}

/* The arches of several profiles, each once (a repeat is replaced by the last entry).
 * Returns the new count. */
static size_t
arches_dedup(enum ksc_arch *arches, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t k = i + 1; k < n; k++)
			if (arches[k] == arches[i])
				arches[k--] = arches[--n];
	return n;
}

/* a against b, over the arches of either: where one decides and the other has the bad-arch
 * action, they differ. b_complain: a is b in complain mode (struct decider). */
static int
compare_pair(const struct ksc_profile *a, const struct ksc_profile *b,
             const struct ksc_compile_opts *opts, bool b_complain, size_t *ret_cases,
             struct ksc_difference *diffs, size_t max_diffs, size_t *ret_n_diffs,
             struct ksc_error **reterr)
{
	_cleanup_(ksc_filter_freep) struct ksc_filter *fa = NULL, *fb = NULL;
	enum ksc_arch arches[2 * _KSC_ARCH_MAX];
	const struct ksc_profile *h[2] = { a, b };
	struct filter_lookup lookups[2] = { 0 };
	size_t n = 0;
	struct inputs in = {
		.hints = h,
		.n_hints = 2,
		.diffs = diffs,
		.max_diffs = max_diffs,
	};
	int r;

	r = ksc_filter_new(a, opts, &fa, NULL, reterr);
	if (r < 0)
		return r;
	r = ksc_filter_new(b, opts, &fb, NULL, reterr);
	if (r < 0)
		return r;
	in.a = (struct decider){ .filter = fa, .lookups = &lookups[0] };
	in.b = (struct decider){ .filter = fb, .lookups = &lookups[1], .complain = b_complain };
	n = ksc_compile_arches(a, opts, arches, _KSC_ARCH_MAX);
	n += ksc_compile_arches(b, opts, arches + n, _KSC_ARCH_MAX);
	n = arches_dedup(arches, n);
	return compare(&in, arches, n, ret_cases, ret_n_diffs);
}

int
ksc_profile_compare(const struct ksc_profile *a, const struct ksc_profile *b,
                    const struct ksc_compile_opts *opts, size_t *ret_cases,
                    struct ksc_difference *diffs, size_t max_diffs, size_t *ret_n_diffs,
                    struct ksc_error **reterr)
{
	return compare_pair(a, b, opts, false, ret_cases, diffs, max_diffs, ret_n_diffs, reterr);
}

int
ksc_profile_compare_merge(const struct ksc_profile *merged, const struct ksc_profile *const *ps,
                          size_t n_ps, const struct ksc_compile_opts *opts, size_t *ret_cases,
                          struct ksc_difference *diffs, size_t max_diffs, size_t *ret_n_diffs,
                          struct ksc_error **reterr)
{
	_cleanup_(ksc_filter_freep) struct ksc_filter *fm = NULL;
	_cleanup_(freep) struct ksc_filter **fs = NULL;
	_cleanup_(freep) struct filter_lookup *lookups = NULL;
	_cleanup_(freep) const struct ksc_profile **hints = NULL;
	_cleanup_(freep) enum ksc_arch *arches = NULL;
	size_t n = 0;
	struct inputs in = { .diffs = diffs, .max_diffs = max_diffs };
	int r;

	if (n_ps == 0)
		return -EINVAL;
	fs = calloc(n_ps, sizeof(*fs));
	lookups = calloc(n_ps + 1, sizeof(*lookups));
	hints = calloc(n_ps + 1, sizeof(*hints));
	arches = calloc((n_ps + 1) * _KSC_ARCH_MAX, sizeof(*arches));
	if (!fs || !lookups || !hints || !arches)
		return -ENOMEM;
	r = ksc_filter_new(merged, opts, &fm, NULL, reterr);
	for (size_t i = 0; r >= 0 && i < n_ps; i++)
		r = ksc_filter_new(ps[i], opts, &fs[i], NULL, reterr);
	if (r >= 0) {
		hints[0] = merged;
		n = ksc_compile_arches(merged, opts, arches, _KSC_ARCH_MAX);
		for (size_t i = 0; i < n_ps; i++) {
			hints[i + 1] = ps[i];
			n += ksc_compile_arches(ps[i], opts, arches + n, _KSC_ARCH_MAX);
		}
		n = arches_dedup(arches, n);
		in.a = (struct decider){ .filter = fm, .lookups = &lookups[n_ps] };
		in.b = (struct decider){ .filters = fs, .n_filters = n_ps, .lookups = lookups };
		in.hints = hints;
		in.n_hints = n_ps + 1;
		r = compare(&in, arches, n, ret_cases, ret_n_diffs);
	}
	for (size_t i = 0; i < n_ps; i++)
		ksc_filter_free(fs[i]);
	return r;
}

int
ksc_profile_compare_complain(const struct ksc_profile *complain, const struct ksc_profile *original,
                             const struct ksc_compile_opts *opts, size_t *ret_cases,
                             struct ksc_difference *diffs, size_t max_diffs, size_t *ret_n_diffs,
                             struct ksc_error **reterr)
{
	/* Without runc's stub: complain mode has none (its default does not deny), and what
	 * the stub answered is what the default or the rule beneath it decides. */
	struct ksc_compile_opts o = opts ? *opts : (struct ksc_compile_opts){ 0 };

	o.no_enosys_stub = true;
	return compare_pair(complain, original, &o, true, ret_cases, diffs, max_diffs, ret_n_diffs,
	                    reterr);
}
