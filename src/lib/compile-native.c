/* SPDX-License-Identifier: Apache-2.0 */
/*
 * compile (native backend): classic BPF generated from the filter's decision structure.
 *
 * The program decides exactly what ksc_filter_decide() decides (runc + libseccomp's
 * semantics, runc's ENOSYS stub included), laid out for speed:
 *
 *   ld arch; jeq token1; jeq token2; ...; ret bad-arch
 *   per arch token: ld nr; a balanced binary search (jge) over the intervals of syscall
 *   numbers that decide alike; then the leaves: one "ret" per distinct action, and the
 *   argument checks of the syscalls that have some.
 *
 * The whole 32-bit number space of a token is cut into intervals at every number where
 * filter_leaf() may change (every number a rule names, the stub's limit, the x32 bit and
 * the halves above it, -1), and adjacent intervals that decide alike are merged: a run of
 * allowed numbers is one interval. x32 is thereby split off on x86_64 by the search itself,
 * and the stub's "above the last number" is one interval more.
 *
 * Every syscall decided without its arguments reaches its "ret" through loads of the arch
 * and the number and jeq/jge/ja only, which is what the kernel's constant-action emulator
 * (seccomp_is_const_allow) follows: an allowed syscall is cached and never runs the filter.
 *
 * Argument checks follow the filter's comparison trees node by node, each node loading its
 * word afresh (libseccomp's generator tracks the accumulator statically and can compare a
 * stale word; reloading cannot). Conditional jumps reach 255 instructions; a farther target
 * gets a copy of its "ret" right after the jump, or a "ja" there when it is longer.
 */
#include <linux/filter.h>
#include <stddef.h>

#include "compile-native.h"
#include "error.h"
#include "profile.h"

#define LABEL_NEXT (-1) /* the instruction that follows */

/* seccomp_data offsets */
#define OFF_NR   0u
#define OFF_ARCH 4u
#define OFF_ARGS 16u

/* Generated code can only grow so far before the kernel would refuse it anyway; trees
 * shared by several parents are copied per parent, so stop early on pathological input. */
#define GEN_MAX_INSNS (4u * KSC_BPF_MAXINSNS)

struct cinsn {
	uint16_t code;
	uint32_t k;
	int jt, jf; /* labels (LABEL_NEXT) of conditional jumps; jt is the target of "ja" */
};

struct gen {
	const struct ksc_filter *f;
	struct cinsn *v;
	size_t n, cap;
	size_t *labels; /* label -> instruction index */
	size_t n_labels, cap_labels;
	/* "ret K" leaves of the current section, placed after its search */
	struct ret_leaf {
		uint32_t k;
		int label;
	} * rets;
	size_t n_rets, cap_rets;
	/* the variant: exceptions per item, and one pool of rets at the end of the program
	 * (shared by every section) instead of one after each section */
	size_t max_exc;
	bool global_pool;
	int r;
};

static int
label_new(struct gen *g)
{
	if (g->r < 0)
		return 0;
	if (g->n_labels == g->cap_labels) {
		size_t cap = g->cap_labels ? g->cap_labels * 2 : 256;
		size_t *l = realloc(g->labels, cap * sizeof(*l));

		if (!l) {
			g->r = -ENOMEM;
			return 0;
		}
		g->labels = l;
		g->cap_labels = cap;
	}
	g->labels[g->n_labels] = SIZE_MAX;
	return (int)g->n_labels++;
}

static void
label_here(struct gen *g, int label)
{
	if (g->r >= 0)
		g->labels[label] = g->n;
}

static void
emit(struct gen *g, uint16_t code, uint32_t k, int jt, int jf)
{
	if (g->r < 0)
		return;
	if (g->n >= GEN_MAX_INSNS) {
		g->r = -E2BIG;
		return;
	}
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 1024;
		struct cinsn *v = realloc(g->v, cap * sizeof(*v));

		if (!v) {
			g->r = -ENOMEM;
			return;
		}
		g->v = v;
		g->cap = cap;
	}
	g->v[g->n++] = (struct cinsn){ code, k, jt, jf };
}

/* The label of "ret k" in the current section's leaves. */
static int
ret_label(struct gen *g, uint32_t k)
{
	for (size_t i = 0; i < g->n_rets; i++)
		if (g->rets[i].k == k)
			return g->rets[i].label;
	if (g->n_rets == g->cap_rets) {
		size_t cap = g->cap_rets ? g->cap_rets * 2 : 16;
		struct ret_leaf *v = realloc(g->rets, cap * sizeof(*v));

		if (!v) {
			g->r = -ENOMEM;
			return 0;
		}
		g->rets = v;
		g->cap_rets = cap;
	}
	g->rets[g->n_rets].k = k;
	g->rets[g->n_rets].label = label_new(g);
	return g->rets[g->n_rets++].label;
}

/* The offset of an argument's 32-bit half in seccomp_data: args are 64-bit in the byte
 * order of the arch. */
static uint32_t
word_offset(enum ksc_arch arch, unsigned arg, bool hi)
{
	bool second = filter_arch_le(arch) ? hi : !hi;

	return OFF_ARGS + 8u * arg + (second ? 4u : 0u);
}

/* What the accumulator is known to hold where code starts: a word of seccomp_data, masked. */
struct acc {
	bool known;
	uint32_t offset, mask;
};

/* A comparison whose outcome does not depend on the word: 1 always true, 0 always false,
 * -1 depends. (The word & mask is at most mask.) */
static int
node_constant(const struct filter_node *nd)
{
	switch (nd->op) {
	case KSC_OP_GT:
		return nd->datum >= nd->mask ? 0 : -1;
	case KSC_OP_GE:
		if (nd->datum == 0)
			return 1;
		return nd->datum > nd->mask ? 0 : -1;
	default:
		if (nd->mask == 0)
			return nd->datum == 0;
		return (nd->datum & ~nd->mask) ? 0 : -1;
	}
}

/* Where a side of a node without a subtree goes: its action's ret, or the next sibling. */
static int
side_target(struct gen *g, bool has, uint32_t act, int next)
{
	return has ? ret_label(g, act) : next;
}

static void gen_level(struct gen *g, uint32_t first, enum ksc_arch arch, int fail, struct acc acc,
                      unsigned depth);

/* One node's comparison and its subtrees, right after it. Returns what the accumulator
 * holds where the next sibling starts. */
static struct acc
gen_compare(struct gen *g, const struct filter_node *nd, enum ksc_arch arch, int next,
            struct acc acc, unsigned depth)
{
	uint32_t offset = word_offset(arch, nd->arg, nd->hi);
	int yes_sub = nd->t ? label_new(g) : -1, no_sub = nd->f ? label_new(g) : -1;
	int yes = nd->t ? yes_sub : side_target(g, nd->has_t, nd->act_t, next);
	int no = nd->f ? no_sub : side_target(g, nd->has_f, nd->act_f, next);
	uint16_t jmp;

	if (!acc.known || acc.offset != offset ||
	    (acc.mask != nd->mask && acc.mask != UINT32_MAX)) {
		emit(g, BPF_LD | BPF_W | BPF_ABS, offset, 0, 0);
		acc = (struct acc){ true, offset, UINT32_MAX };
	}
	if (nd->mask != acc.mask) {
		emit(g, BPF_ALU | BPF_AND | BPF_K, nd->mask, 0, 0);
		acc.mask = nd->mask;
	}
	switch (nd->op) {
	case KSC_OP_GT:
		jmp = BPF_JMP | BPF_JGT | BPF_K;
		break;
	case KSC_OP_GE:
		jmp = BPF_JMP | BPF_JGE | BPF_K;
		break;
	default:
		jmp = BPF_JMP | BPF_JEQ | BPF_K;
		break;
	}
	emit(g, jmp, nd->datum, yes, no);
	/* a subtree is entered from this jump alone: the word is still there */
	if (nd->t) {
		label_here(g, yes_sub);
		gen_level(g, nd->t, arch, next, acc, depth + 1);
	}
	if (nd->f) {
		label_here(g, no_sub);
		gen_level(g, nd->f, arch, next, acc, depth + 1);
	}
	/* the next sibling too, unless a subtree can fail over to it */
	return nd->t || nd->f ? (struct acc){ 0 } : acc;
}

/*
 * One level of a comparison tree, then what follows it: each sibling's comparison, its
 * true and false subtrees right after it, then the next sibling. A subtree that decides
 * nothing goes on with the next sibling of its parent (forward, as BPF requires); the last
 * sibling of a level goes on with `fail`. `acc` is what the accumulator holds on entry to
 * the first sibling: a comparison of the word already there needs no load.
 */
static void
gen_level(struct gen *g, uint32_t first, enum ksc_arch arch, int fail, struct acc acc,
          unsigned depth)
{
	uint32_t n = filter_level_first(g->f, first);

	if (depth > 64) {
		g->r = g->r < 0 ? g->r : -E2BIG;
		return;
	}
	while (n && g->r >= 0) {
		struct filter_node nd;
		int next, constant;

		filter_node(g->f, n, &nd);
		next = nd.next ? label_new(g) : fail;
		constant = node_constant(&nd);
		if (constant < 0)
			acc = gen_compare(g, &nd, arch, next, acc, depth);
		else if (constant ? nd.t : nd.f) {
			/* one side only, without a comparison: its subtree right here */
			gen_level(g, constant ? nd.t : nd.f, arch, next, acc, depth + 1);
			acc = (struct acc){ 0 };
		} else
			emit(g, BPF_JMP | BPF_JA, 0,
			     constant ? side_target(g, nd.has_t, nd.act_t, next)
			              : side_target(g, nd.has_f, nd.act_f, next),
			     0);
		if (nd.next)
			label_here(g, next);
		n = nd.next;
	}
}

/* An interval of syscall numbers [start, next interval's start) and what decides it. */
struct interval {
	uint32_t start;
	struct filter_leaf leaf;
	int label;
};

/* At most this many single numbers an item tests with "jeq" before its base: each saves
 * the search two bounds for one comparison, and costs the numbers behind it one
 * instruction more. compile_native() tries several limits up to it. */
#define ITEM_MAX_EXCEPTIONS 8

/* What the search tells apart: an interval, with up to ITEM_MAX_EXCEPTIONS single numbers
 * inside it that decide otherwise (X, {n}: Y, X is one item). */
struct item {
	uint32_t start;
	int base; /* the label of the interval's leaf */
	uint32_t exc_nr[ITEM_MAX_EXCEPTIONS];
	int exc_label[ITEM_MAX_EXCEPTIONS];
	size_t n_exc;
};

struct section {
	uint32_t token;
	struct interval *iv;
	size_t n_iv;
	struct item *items;
	size_t n_items;
	int label;
	bool trivial; /* one action for every number: the dispatch jumps to its ret */
};

static bool
leaf_same(const struct filter_leaf *a, const struct filter_leaf *b)
{
	bool ta = a->kind == FILTER_LEAF_TREE, tb = b->kind == FILTER_LEAF_TREE;

	if (ta != tb)
		return false;
	return ta ? a->root == b->root && a->arch == b->arch : a->ret == b->ret;
}

static int
range_label(struct gen *g, const struct item *it, size_t lo, size_t hi)
{
	return lo == hi && it[lo].n_exc == 0 ? it[lo].base : label_new(g);
}

/* The code that tells items [lo, hi] apart, here: "jge" on the start of the upper half,
 * down to single items, whose exceptions are tested with "jeq". */
static void
gen_range(struct gen *g, const struct item *it, size_t lo, size_t hi)
{
	size_t mid;
	int upper, lower;

	if (g->r < 0)
		return;
	if (lo == hi) {
		for (size_t e = 0; e < it[lo].n_exc; e++)
			emit(g, BPF_JMP | BPF_JEQ | BPF_K, it[lo].exc_nr[e], it[lo].exc_label[e],
			     e + 1 == it[lo].n_exc ? it[lo].base : LABEL_NEXT);
		return;
	}
	mid = lo + (hi - lo + 1) / 2;
	upper = range_label(g, it, mid, hi);
	lower = range_label(g, it, lo, mid - 1);
	emit(g, BPF_JMP | BPF_JGE | BPF_K, it[mid].start, upper, lower);
	if (lower != it[lo].base || mid - 1 != lo) {
		label_here(g, lower);
		gen_range(g, it, lo, mid - 1);
	}
	if (upper != it[mid].base || mid != hi) {
		label_here(g, upper);
		gen_range(g, it, mid, hi);
	}
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The intervals and items of one arch token. Labels of non-tree leaves come from the
 * current ret pool. */
static void
section_build(struct gen *g, struct section *sec)
{
	_cleanup_(freep) uint64_t *points = NULL;
	size_t n_points;

	n_points = filter_breakpoints(g->f, sec->token, NULL, 0);
	points = malloc(n_points * sizeof(*points));
	sec->iv = malloc(n_points * sizeof(*sec->iv));
	sec->items = malloc(n_points * sizeof(*sec->items));
	if (!points || !sec->iv || !sec->items) {
		g->r = -ENOMEM;
		return;
	}
	(void)filter_breakpoints(g->f, sec->token, points, n_points);
	qsort(points, n_points, sizeof(*points), cmp_u64);
	/* points hold 0, so the first interval starts there */
	for (size_t i = 0; i < n_points; i++) {
		struct filter_leaf leaf;

		if (points[i] > UINT32_MAX || (i > 0 && points[i] == points[i - 1]))
			continue;
		filter_leaf(g->f, sec->token, (uint32_t)points[i], &leaf);
		if (sec->n_iv > 0 && leaf_same(&sec->iv[sec->n_iv - 1].leaf, &leaf))
			continue;
		sec->iv[sec->n_iv++] = (struct interval){ .start = (uint32_t)points[i],
			                                  .leaf = leaf,
			                                  .label = -1 };
	}
	sec->trivial = sec->n_iv == 1 && sec->iv[0].leaf.kind != FILTER_LEAF_TREE;
}

/* Labels for the leaves, and the items: X, {n}: Y, X folds into one, and so does a single
 * number at either end of the space ({0}: Y, X and X, {2^32 - 1}: Y). */
static void
section_items(struct gen *g, struct section *sec)
{
	struct interval *iv = sec->iv;
	size_t i = 0;

	sec->n_items = 0;
	/* a tree's number is one interval: every tree leaf is distinct */
	for (size_t k = 0; k < sec->n_iv; k++)
		iv[k].label = iv[k].leaf.kind == FILTER_LEAF_TREE ? label_new(g)
		                                                  : ret_label(g, iv[k].leaf.ret);
	if (g->max_exc > 0 && sec->n_iv >= 2 && iv[1].start == 1) {
		sec->items[0] = (struct item){ .start = 0, .base = iv[1].label };
		sec->items[0].exc_nr[0] = 0;
		sec->items[0].exc_label[0] = iv[0].label;
		sec->items[0].n_exc = 1;
		sec->n_items = 1;
		i = 1;
	}
	for (; i < sec->n_iv; i++) {
		struct item *it;

		if (sec->n_items > 0 && i == 1 && sec->items[0].n_exc == 1 &&
		    sec->items[0].exc_nr[0] == 0)
			it = &sec->items[0]; /* {0} folded already: iv[1] is its base */
		else {
			it = &sec->items[sec->n_items++];
			*it = (struct item){ .start = iv[i].start, .base = iv[i].label };
		}
		while (it->n_exc < g->max_exc && i + 1 < sec->n_iv &&
		       (i + 2 < sec->n_iv ? iv[i + 2].start - iv[i + 1].start == 1 &&
		                                    iv[i + 2].label == it->base
		                          : iv[i + 1].start == UINT32_MAX)) {
			it->exc_nr[it->n_exc] = iv[i + 1].start;
			it->exc_label[it->n_exc++] = iv[i + 1].label;
			i += i + 2 < sec->n_iv ? 2 : 1;
		}
	}
}

static void
pool_emit(struct gen *g)
{
	for (size_t i = 0; i < g->n_rets; i++) {
		label_here(g, g->rets[i].label);
		emit(g, BPF_RET | BPF_K, g->rets[i].k, 0, 0);
	}
	g->n_rets = 0;
}

/* One arch token: ld nr, the search, the argument checks, the rets (unless they wait for
 * the global pool). */
static void
gen_section(struct gen *g, struct section *sec)
{
	section_items(g, sec);
	emit(g, BPF_LD | BPF_W | BPF_ABS, OFF_NR, 0, 0);
	if (sec->n_items == 1 && sec->items[0].n_exc == 0)
		emit(g, BPF_JMP | BPF_JA, 0, sec->items[0].base, 0);
	else
		gen_range(g, sec->items, 0, sec->n_items - 1);

	/* argument checks; none deciding means the default action */
	for (size_t i = 0; i < sec->n_iv; i++) {
		if (sec->iv[i].leaf.kind != FILTER_LEAF_TREE)
			continue;
		label_here(g, sec->iv[i].label);
		gen_level(g, sec->iv[i].leaf.root, sec->iv[i].leaf.arch,
		          ret_label(g, filter_default_action(g->f)), (struct acc){ 0 }, 0);
	}
	if (!g->global_pool)
		pool_emit(g);
}

/* ---------------------------------------------------------------------------------------- */
/* Layout: labels to offsets, far conditional targets through a nearby copy or "ja"           */

static bool
is_cond(const struct cinsn *c)
{
	return BPF_CLASS(c->code) == BPF_JMP && BPF_OP(c->code) != BPF_JA;
}

static size_t
target(const struct gen *g, size_t i, int label)
{
	return label == LABEL_NEXT ? i + 1 : g->labels[label];
}

/* Insert one instruction at index at; labels at or after it move with their instruction. */
static int
insert_at(struct gen *g, size_t at, struct cinsn c)
{
	if (g->n == g->cap) {
		size_t cap = g->cap * 2;
		struct cinsn *v = realloc(g->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		g->v = v;
		g->cap = cap;
	}
	memmove(&g->v[at + 1], &g->v[at], (g->n - at) * sizeof(*g->v));
	g->v[at] = c;
	g->n++;
	for (size_t l = 0; l < g->n_labels; l++)
		if (g->labels[l] != SIZE_MAX && g->labels[l] >= at)
			g->labels[l]++;
	return 0;
}

/* Give jump i's far branch (jt, or jf) a stepping stone right after it. */
static int
bridge(struct gen *g, size_t i, bool jt)
{
	int branch = jt ? g->v[i].jt : g->v[i].jf;
	size_t to = target(g, i, branch);
	struct cinsn stone = g->v[to];
	int here, r;

	/* the other branch, if it says "next", must keep meaning the old next instruction */
	if (g->v[i].jt == LABEL_NEXT || g->v[i].jf == LABEL_NEXT) {
		int next = label_new(g);

		if (g->r < 0)
			return g->r;
		g->labels[next] = i + 1;
		if (g->v[i].jt == LABEL_NEXT)
			g->v[i].jt = next;
		if (g->v[i].jf == LABEL_NEXT)
			g->v[i].jf = next;
	}
	if (BPF_CLASS(stone.code) != BPF_RET)
		stone = (struct cinsn){ BPF_JMP | BPF_JA, 0, branch, 0 };
	r = insert_at(g, i + 1, stone);
	if (r < 0)
		return r;
	here = label_new(g);
	if (g->r < 0)
		return g->r;
	g->labels[here] = i + 1;
	if (jt)
		g->v[i].jt = here;
	else
		g->v[i].jf = here;
	return 0;
}

/* Drop "ja" to the next instruction; labels on it move to that one. */
static void
drop_null_jumps(struct gen *g)
{
	size_t w = 0;
	_cleanup_(freep) size_t *moved = calloc(g->n + 1, sizeof(*moved));

	if (!moved)
		return; /* correct as it is, only longer */
	for (size_t i = 0; i < g->n; i++) {
		const struct cinsn *c = &g->v[i];

		moved[i] = w;
		if (BPF_CLASS(c->code) == BPF_JMP && BPF_OP(c->code) == BPF_JA &&
		    target(g, i, c->jt) == i + 1)
			continue;
		g->v[w++] = *c;
	}
	moved[g->n] = w;
	for (size_t l = 0; l < g->n_labels; l++)
		if (g->labels[l] != SIZE_MAX)
			g->labels[l] = moved[g->labels[l]];
	g->n = w;
}

static int
layout(struct gen *g, struct ksc_bpf_insn **ret, size_t *ret_n)
{
	struct ksc_bpf_insn *out;
	bool again = true;

	drop_null_jumps(g);
	while (again) {
		again = false;
		for (size_t i = 0; i < g->n; i++) {
			struct cinsn *c = &g->v[i];
			int r = 0;

			if (!is_cond(c))
				continue;
			if (target(g, i, c->jt) - i - 1 > 255)
				r = bridge(g, i, true);
			else if (target(g, i, c->jf) - i - 1 > 255)
				r = bridge(g, i, false);
			else
				continue;
			if (r < 0)
				return r;
			if (g->n > GEN_MAX_INSNS)
				return -E2BIG;
			again = true;
			i--; /* look at the same jump again: the other branch may be far too */
		}
	}

	out = calloc(g->n, sizeof(*out));
	if (!out)
		return -ENOMEM;
	for (size_t i = 0; i < g->n; i++) {
		const struct cinsn *c = &g->v[i];

		out[i] = (struct ksc_bpf_insn){ .code = c->code, .k = c->k };
		if (is_cond(c)) {
			out[i].jt = (uint8_t)(target(g, i, c->jt) - i - 1);
			out[i].jf = (uint8_t)(target(g, i, c->jf) - i - 1);
		} else if (BPF_CLASS(c->code) == BPF_JMP)
			out[i].k = (uint32_t)(target(g, i, c->jt) - i - 1);
	}
	*ret = out;
	*ret_n = g->n;
	return 0;
}

/* The most instructions any input runs: jumps only go forward, so from the end. */
static size_t
longest_path(const struct ksc_bpf_insn *v, size_t n)
{
	_cleanup_(freep) size_t *len = calloc(n, sizeof(*len));

	if (!len)
		return SIZE_MAX;
	for (size_t i = n; i-- > 0;) {
		uint16_t code = v[i].code;

		if (BPF_CLASS(code) == BPF_RET)
			len[i] = 1;
		else if (BPF_CLASS(code) != BPF_JMP)
			len[i] = 1 + (i + 1 < n ? len[i + 1] : 0);
		else if (BPF_OP(code) == BPF_JA)
			len[i] = 1 + len[i + 1 + v[i].k];
		else
			len[i] = 1 + MAX(len[i + 1 + v[i].jt], len[i + 1 + v[i].jf]);
	}
	return len[0];
}

/* One variant of the program. */
static int
generate(const struct ksc_filter *f, struct section *secs, size_t n, size_t max_exc,
         bool global_pool, struct ksc_bpf_insn **ret, size_t *ret_n)
{
	struct gen g = { .f = f, .max_exc = max_exc, .global_pool = global_pool };
	int bad_arch, r;

	/* the dispatch, then (without the global pool) the rets of the bad arch and of the
	 * sections with one action */
	emit(&g, BPF_LD | BPF_W | BPF_ABS, OFF_ARCH, 0, 0);
	bad_arch = ret_label(&g, filter_bad_arch_action(f));
	for (size_t i = 0; i < n && g.r >= 0; i++) {
		secs[i].label =
		        secs[i].trivial ? ret_label(&g, secs[i].iv[0].leaf.ret) : label_new(&g);
		emit(&g, BPF_JMP | BPF_JEQ | BPF_K, secs[i].token, secs[i].label,
		     i + 1 == n ? bad_arch : LABEL_NEXT);
	}
	if (n == 0)
		emit(&g, BPF_JMP | BPF_JA, 0, bad_arch, 0);
	if (!global_pool)
		pool_emit(&g);
	for (size_t i = 0; i < n; i++)
		if (!secs[i].trivial) {
			label_here(&g, secs[i].label);
			gen_section(&g, &secs[i]);
		}
	pool_emit(&g);

	r = g.r;
	if (r >= 0)
		r = layout(&g, ret, ret_n);
	free(g.v);
	free(g.labels);
	free(g.rets);
	return r;
}

/* The longest path a variant may have: the bound the native backend promises for the
 * runtimes' default profiles, in BPF instructions. */
#define PATH_BOUND 25

/*
 * The shortest of a few variants whose longest path stays within PATH_BOUND (or the one
 * with the shortest longest path, when none does): more exceptions per item make sparse
 * profiles shorter and their paths longer; a pool of rets at the end suits small programs,
 * one per section large ones.
 */
int
compile_native(const struct ksc_filter *f, struct ksc_bpf_insn **ret, size_t *ret_n,
               struct ksc_error **reterr)
{
	static const size_t limits[] = { 0, 2, 4, 8 };
	struct ksc_bpf_insn *best = NULL;
	size_t best_n = 0, best_path = 0;
	uint32_t tokens[_KSC_ARCH_MAX];
	enum ksc_arch arches[_KSC_ARCH_MAX];
	struct section secs[_KSC_ARCH_MAX] = { 0 };
	size_t n_secs = filter_sections(f, tokens, arches, ELEMENTSOF(tokens));
	struct gen g = { .f = f };
	int r = 0;

	/* what decides each number is the same for every variant */
	for (size_t i = 0; i < n_secs && g.r >= 0; i++) {
		secs[i].token = tokens[i];
		section_build(&g, &secs[i]);
	}
	r = g.r;
	for (size_t l = 0; l < ELEMENTSOF(limits) && r >= 0; l++)
		for (int pool = 0; pool < 2; pool++) {
			struct ksc_bpf_insn *v = NULL;
			size_t n = 0, path;
			bool better;

			r = generate(f, secs, n_secs, limits[l], pool, &v, &n);
			if (r < 0)
				break;
			path = longest_path(v, n);
			if (!best)
				better = true;
			else if ((path <= PATH_BOUND) != (best_path <= PATH_BOUND))
				better = path <= PATH_BOUND;
			else if (path > PATH_BOUND)
				better = path < best_path || (path == best_path && n < best_n);
			else
				better = n < best_n || (n == best_n && path < best_path);
			if (better) {
				free(best);
				best = v;
				best_n = n;
				best_path = path;
			} else
				free(v);
		}
	for (size_t i = 0; i < n_secs; i++) {
		free(secs[i].iv);
		free(secs[i].items);
	}
	if (r < 0) {
		free(best);
		return ksc_error_setf(reterr, r, "the native compiler failed: %s",
		                      r == -E2BIG ? "the program grew too large" : strerror(-r));
	}
	*ret = best;
	*ret_n = best_n;
	return 0;
}
