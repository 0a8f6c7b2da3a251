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
 * allowed numbers is one interval (filter_intervals(), one merge of the sorted number
 * indexes). x32 is thereby split off on x86_64 by the search itself, and the stub's "above
 * the last number" is one interval more.
 *
 * Every syscall decided without its arguments reaches its "ret" through loads of the arch
 * and the number and jeq/jge/ja only, which is what the kernel's constant-action emulator
 * (seccomp_is_const_allow) follows: an allowed syscall is cached and never runs the filter.
 *
 * Argument checks follow the filter's comparison trees node by node, each node loading its
 * word afresh (libseccomp's generator tracks the accumulator statically and can compare a
 * stale word; reloading cannot). Equal code is then kept once: syscalls with equal rules
 * share their comparisons, and so do the subtrees several parents reach. The program is
 * laid out from its end, where a conditional target farther than 255 instructions gets a
 * stepping stone right after its jump (a copy of its "ret", or a "ja"), shared with every
 * jump within reach before it.
 *
 * Of the variants made, the shortest whose longest path stays within 25 instructions is
 * taken when that is no longer than libseccomp could make the program; otherwise the
 * shortest. Either way the program is never longer than libseccomp's (tests/test-native.c
 * measures it on thousands of profiles), but for the loads libseccomp leaves out where it
 * compares a stale word.
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

/* Far more than the kernel takes: a program over its limit is still counted, so that the
 * error says by how much; only pathological input (trees copied per parent, many times
 * over) stops here. */
#define GEN_MAX_INSNS (64u * KSC_BPF_MAXINSNS)

/* Working arrays of the passes after generation, kept from one variant to the next: a
 * variant frees nothing of its own (freeing at the top of the heap returns memory to the
 * kernel, and taking it back costs more than the passes). */
enum {
	SCR_MOVED,
	SCR_READS,
	SCR_TABLE,
	SCR_CLS,
	SCR_LAST,
	SCR_LABEL_AT,
	SCR_REACHED,
	SCR_POS,
	SCR_RET_COPY,
	SCR_RET_K,
	SCR_JA_STONE,
	SCR_RL,
	_SCR_MAX,
};

struct scratch {
	void *p;
	size_t cap;
};

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
	/* the variant: how many exceptions an item may have */
	size_t max_exc;
	struct scratch scr[_SCR_MAX];
	int r;
};

/* Scratch array `which`, of at least bytes (zeroed when asked), or NULL. */
static void *
scratch(struct gen *g, unsigned which, size_t bytes, bool zero)
{
	struct scratch *sc = &g->scr[which];

	if (sc->cap < bytes) {
		size_t cap = MAX(bytes, 2 * sc->cap);
		void *p = realloc(sc->p, cap);

		if (!p)
			return NULL;
		sc->p = p;
		sc->cap = cap;
	}
	if (zero)
		memset(sc->p, 0, bytes);
	return sc->p;
}

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
		size_t cap = g->cap ? g->cap * 2 : 256;
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
	bool placed; /* a tree's code is out already */
};

/* A single number an item tests with "jeq" before its base: each saves the search two
 * bounds for one comparison, and costs the numbers behind it one instruction more.
 * compile_native() tries several limits on how many an item has (gen.max_exc). */
struct exception {
	uint32_t nr;
	int label;
	size_t iv; /* the interval that decides it */
};

/* What the search tells apart: an interval, with single numbers inside it that decide
 * otherwise (X, {n}: Y, {n + 1}: Z, X is one item; where the items take any number
 * of them, so is X, {n, n + 1}: Y, X, up to ITEM_RUN_MAX numbers in a row): section.exc[exc, exc + n_exc). */
#define ITEM_RUN_MAX 3

struct item {
	uint32_t start;
	int base; /* the label of the interval's leaf */
	size_t exc, n_exc;
};

struct section {
	uint32_t token;
	struct interval *iv;
	size_t n_iv;
	struct item *items;
	size_t n_items;
	struct exception *exc;
	size_t n_exc;
	int label;
	bool trivial; /* one action for every number: the dispatch jumps to its ret */
};

static int
range_label(struct gen *g, const struct item *it, size_t lo, size_t hi)
{
	return lo == hi && it[lo].n_exc == 0 ? it[lo].base : label_new(g);
}

/* The code that tells items [lo, hi] apart, here: "jge" on the start of the upper half,
 * down to single items, whose exceptions are tested with "jeq". */
static void
gen_tree(struct gen *g, struct interval *iv)
{
	iv->placed = true;
	label_here(g, iv->label);
	gen_level(g, iv->leaf.root, iv->leaf.arch, ret_label(g, filter_default_action(g->f)),
	          (struct acc){ 0 }, 0);
}

/* The exceptions of an item, then its base: a syscall's argument checks right after its
 * "jeq" (as libseccomp lays them out), so that neither branch jumps far. */
static void
gen_exceptions(struct gen *g, struct section *sec, const struct item *it)
{
	for (size_t e = 0; e < it->n_exc; e++) {
		const struct exception *x = &sec->exc[it->exc + e];
		struct interval *iv = &sec->iv[x->iv];
		bool last = e + 1 == it->n_exc;
		int next;

		if (iv->leaf.kind != FILTER_LEAF_TREE || iv->placed) {
			emit(g, BPF_JMP | BPF_JEQ | BPF_K, x->nr, x->label,
			     last ? it->base : LABEL_NEXT);
			continue;
		}
		next = last ? it->base : label_new(g);
		emit(g, BPF_JMP | BPF_JEQ | BPF_K, x->nr, x->label, next);
		gen_tree(g, iv);
		if (!last)
			label_here(g, next);
	}
}

static void
gen_range(struct gen *g, struct section *sec, size_t lo, size_t hi)
{
	const struct item *it = sec->items;
	size_t mid;
	int upper, lower;

	if (g->r < 0)
		return;
	if (lo == hi) {
		gen_exceptions(g, sec, &it[lo]);
		return;
	}
	mid = lo + (hi - lo + 1) / 2;
	upper = range_label(g, it, mid, hi);
	lower = range_label(g, it, lo, mid - 1);
	emit(g, BPF_JMP | BPF_JGE | BPF_K, it[mid].start, upper, lower);
	if (lower != it[lo].base || mid - 1 != lo) {
		label_here(g, lower);
		gen_range(g, sec, lo, mid - 1);
	}
	if (upper != it[mid].base || mid != hi) {
		label_here(g, upper);
		gen_range(g, sec, mid, hi);
	}
}

/* The intervals of one arch token, and room for its items. */
static void
section_build(struct gen *g, struct section *sec)
{
	size_t cap = 256, n;
	_cleanup_(freep) uint32_t *starts = NULL;
	_cleanup_(freep) struct filter_leaf *leaves = NULL;

	for (;;) {
		starts = malloc(cap * sizeof(*starts));
		leaves = malloc(cap * sizeof(*leaves));
		if (!starts || !leaves) {
			g->r = -ENOMEM;
			return;
		}
		n = filter_intervals(g->f, sec->token, starts, leaves, cap);
		if (n <= cap)
			break;
		cap = n;
		free(TAKE_PTR(starts));
		free(TAKE_PTR(leaves));
	}
	sec->iv = malloc(n * sizeof(*sec->iv));
	/* an item per interval at most; an interval gives an item at most ITEM_RUN_MAX
	 * exceptions */
	sec->items = malloc(n * sizeof(*sec->items));
	sec->exc = malloc(n * ITEM_RUN_MAX * sizeof(*sec->exc));
	if (!sec->iv || !sec->items || !sec->exc) {
		g->r = -ENOMEM;
		return;
	}
	for (size_t i = 0; i < n; i++)
		sec->iv[i] =
		        (struct interval){ .start = starts[i], .leaf = leaves[i], .label = -1 };
	sec->n_iv = n;
	sec->trivial = n == 1 && sec->iv[0].leaf.kind != FILTER_LEAF_TREE;
}

/* Labels for the leaves, and the items: X, {n}: Y, X folds into one, and so does a single
 * number at either end of the space ({0}: Y, X and X, {2^32 - 1}: Y). */
static void
section_items(struct gen *g, struct section *sec)
{
	struct interval *iv = sec->iv;
	size_t i = 0;

	sec->n_items = 0;
	sec->n_exc = 0;
	/* a tree's number is one interval: every tree leaf is distinct */
	for (size_t k = 0; k < sec->n_iv; k++) {
		iv[k].label = iv[k].leaf.kind == FILTER_LEAF_TREE ? label_new(g)
		                                                  : ret_label(g, iv[k].leaf.ret);
		iv[k].placed = false;
	}
	if (g->max_exc > 0 && sec->n_iv >= 2 && iv[1].start == 1) {
		sec->items[0] = (struct item){ .start = 0, .base = iv[1].label, .n_exc = 1 };
		sec->exc[sec->n_exc++] = (struct exception){ 0, iv[0].label, 0 };
		sec->n_items = 1;
		i = 1;
	}
	for (; i < sec->n_iv; i++) {
		struct item *it;

		if (sec->n_items > 0 && i == 1 && sec->items[0].n_exc == 1 && sec->exc[0].nr == 0)
			it = &sec->items[0]; /* {0} folded already: iv[1] is its base */
		else {
			it = &sec->items[sec->n_items++];
			*it = (struct item){ .start = iv[i].start,
				             .base = iv[i].label,
				             .exc = sec->n_exc };
		}
		/* the intervals after iv[i] up to the next one of its base (or the end of the
		 * space), if each has few numbers and they are few in all */
		while (i + 1 < sec->n_iv) {
			uint64_t numbers = 0, run_max = g->max_exc == SIZE_MAX ? ITEM_RUN_MAX : 1;
			size_t j;

			for (j = i + 1; j < sec->n_iv && iv[j].label != it->base; j++) {
				uint64_t end =
				        j + 1 < sec->n_iv ? iv[j + 1].start : UINT64_C(1) << 32;

				if (end - iv[j].start > run_max ||
				    it->n_exc + numbers + (end - iv[j].start) > g->max_exc)
					break;
				numbers += end - iv[j].start;
			}
			if (j < sec->n_iv && iv[j].label != it->base)
				break;
			for (size_t k = i + 1; k < j; k++) {
				uint64_t end =
				        k + 1 < sec->n_iv ? iv[k + 1].start : UINT64_C(1) << 32;

				for (uint64_t nr = iv[k].start; nr < end; nr++)
					sec->exc[sec->n_exc++] =
					        (struct exception){ (uint32_t)nr, iv[k].label, k };
			}
			it->n_exc += numbers;
			i = j < sec->n_iv ? j : sec->n_iv - 1;
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

/* One arch token: ld nr, the search, the argument checks not out yet, its rets. */
static void
gen_section(struct gen *g, struct section *sec)
{
	section_items(g, sec);
	emit(g, BPF_LD | BPF_W | BPF_ABS, OFF_NR, 0, 0);
	if (sec->n_items == 1 && sec->items[0].n_exc == 0)
		emit(g, BPF_JMP | BPF_JA, 0, sec->items[0].base, 0);
	else
		gen_range(g, sec, 0, sec->n_items - 1);

	/* the argument checks not out yet; none deciding means the default action */
	for (size_t i = 0; i < sec->n_iv; i++)
		if (sec->iv[i].leaf.kind == FILTER_LEAF_TREE && !sec->iv[i].placed)
			gen_tree(g, &sec->iv[i]);
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

/* Drop "ja" to the next instruction; labels on it move to that one. */
static void
drop_null_jumps(struct gen *g)
{
	size_t w = 0;
	size_t *moved = scratch(g, SCR_MOVED, (g->n + 1) * sizeof(*moved), false);

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

/*
 * Equal code, once. Jumps only go forward, so from the end: two instructions are equal when
 * they are the same instruction going on with equal code (a "ja" is the code it goes to).
 * Equal code computes the same from the same accumulator and input, whatever the context
 * it is entered from; so every jump may go to the last copy of its target instead (which
 * is forward of the first), and the copies no jump reaches any more are dropped. This is
 * how the comparison trees of syscalls with equal rules, and the subtrees a tree's model
 * reaches from several parents, become one piece of code.
 */
struct code_key {
	uint32_t code, k, jt, jf; /* jt, jf: the classes the code goes on with */
};

static size_t
code_key_hash(const struct code_key *key, size_t mask)
{
	uint64_t h = ((uint64_t)key->code << 32 | key->k) * 0x9e3779b97f4a7c15ull;

	h ^= ((uint64_t)key->jt << 32 | key->jf) * 0xc2b2ae3d27d4eb4full;
	return (size_t)(h ^ h >> 29) & mask;
}

/* The class of every instruction: equal code, equal class. A load no code reads (the next
 * one loads again, or returns a constant), and a conditional jump going on alike either
 * way, are the code they go on with. */
static int
code_classes(struct gen *g, uint32_t *cls)
{
	bool *reads_acc = scratch(g, SCR_READS, g->n * sizeof(*reads_acc) + 1, false);
	size_t size = 64, used = 0;
	struct slot {
		struct code_key key;
		uint32_t cls; /* + 1; 0: empty */
	} * table;

	while (size < 2 * g->n)
		size *= 2;
	table = scratch(g, SCR_TABLE, size * sizeof(*table), true);
	if (!table || !reads_acc)
		return -ENOMEM;
	for (size_t i = g->n; i-- > 0;) {
		const struct cinsn *c = &g->v[i];
		struct code_key key = { c->code, c->k, 0, 0 };
		size_t h;

		if (BPF_CLASS(c->code) == BPF_JMP && BPF_OP(c->code) == BPF_JA) {
			cls[i] = cls[target(g, i, c->jt)];
			continue;
		}
		if (is_cond(c)) {
			key.jt = cls[target(g, i, c->jt)];
			key.jf = cls[target(g, i, c->jf)];
			if (key.jt == key.jf) { /* goes on alike either way */
				cls[i] = key.jt;
				continue;
			}
		} else if (BPF_CLASS(c->code) != BPF_RET) {
			key.jt = cls[i + 1];
			if (BPF_CLASS(c->code) == BPF_LD && !reads_acc[key.jt]) { /* a dead load */
				cls[i] = key.jt;
				continue;
			}
		}
		for (h = code_key_hash(&key, size - 1); table[h].cls; h = (h + 1) & (size - 1))
			if (memcmp(&table[h].key, &key, sizeof(key)) == 0)
				break;
		if (!table[h].cls) {
			/* what the code does first with the accumulator: compare it, or not */
			reads_acc[used] = is_cond(c) || BPF_CLASS(c->code) == BPF_ALU;
			table[h] = (struct slot){ key, (uint32_t)++used };
		}
		cls[i] = table[h].cls - 1;
	}
	return 0;
}

static int
share_equal_code(struct gen *g)
{
	uint32_t *cls = scratch(g, SCR_CLS, g->n * sizeof(*cls), false);
	size_t *last = scratch(g, SCR_LAST, g->n * sizeof(*last), false);
	int *label_at = scratch(g, SCR_LABEL_AT, g->n * sizeof(*label_at), false);
	size_t *moved = scratch(g, SCR_MOVED, (g->n + 1) * sizeof(*moved), false);
	bool *reached = scratch(g, SCR_REACHED, g->n * sizeof(*reached) + 1, true);
	size_t w = 0;

	if (!cls || !last || !label_at || !moved || !reached || code_classes(g, cls) < 0)
		return 0; /* correct as it is, only longer */
	for (size_t i = 0; i < g->n; i++) {
		last[cls[i]] = i; /* never a "ja": its class is that of a later instruction */
		label_at[i] = -1;
	}
	/* every jump to the last copy; the first instruction is reached */
	reached[0] = g->n > 0;
	for (size_t i = 0; i < g->n; i++) {
		struct cinsn *c = &g->v[i];
		int *branches[2] = { &c->jt, is_cond(c) ? &c->jf : NULL };

		if (!reached[i])
			continue;
		if (BPF_CLASS(c->code) == BPF_RET)
			continue;
		if (BPF_CLASS(c->code) != BPF_JMP) {
			reached[i + 1] = true;
			continue;
		}
		for (size_t b = 0; b < 2 && branches[b]; b++) {
			size_t to = last[cls[target(g, i, *branches[b])]];

			if (label_at[to] < 0) {
				label_at[to] = label_new(g);
				if (g->r < 0)
					return g->r;
				g->labels[label_at[to]] = to;
			}
			*branches[b] = label_at[to];
			reached[to] = true;
		}
	}
	for (size_t i = 0; i < g->n; i++) {
		moved[i] = w;
		if (reached[i])
			g->v[w++] = g->v[i];
	}
	moved[g->n] = w;
	for (size_t l = 0; l < g->n_labels; l++)
		if (g->labels[l] != SIZE_MAX)
			g->labels[l] = moved[g->labels[l]];
	g->n = w;
	return 0;
}

/*
 * The program from its end: every jump's targets are placed before it, at a distance that
 * no later placement changes. A conditional target farther than 255 instructions goes
 * through a stepping stone right after the jump: a copy of its "ret" (the nearest copy
 * placed so far is taken when it is in reach, so one copy serves every jump up to 255
 * instructions before it), or a "ja" to its code (likewise shared). Positions count from
 * the end of the program (rpos).
 */
struct rlayout {
	struct rinsn {
		uint16_t code;
		uint32_t k;
		size_t jt, jf; /* rpos of the targets */
	} * v;
	size_t m, cap;
	size_t *ret_copy; /* per ret value slot: rpos of its nearest copy, + 1 */
	uint32_t *ret_k;
	size_t ret_slots;
	size_t *ja_stone; /* per instruction of the input: rpos of the nearest "ja" to it, + 1 */
};

static int
rl_emit(struct rlayout *rl, struct rinsn in)
{
	if (rl->m >= GEN_MAX_INSNS)
		return -E2BIG;
	if (rl->m == rl->cap) {
		size_t cap = rl->cap ? rl->cap * 2 : 256;
		struct rinsn *v = realloc(rl->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		rl->v = v;
		rl->cap = cap;
	}
	rl->v[rl->m] = in;
	return (int)rl->m++;
}

/* The slot of ret k in the table of copies (open addressing; at most half full). */
static size_t *
rl_ret_slot(struct rlayout *rl, uint32_t k)
{
	size_t h = (k * 0x9e3779b9u) & (rl->ret_slots - 1);

	while (rl->ret_copy[h] && rl->ret_k[h] != k)
		h = (h + 1) & (rl->ret_slots - 1);
	rl->ret_k[h] = k;
	return &rl->ret_copy[h];
}

/* The rpos a jump placed next (at rl->m) reaches input instruction `to` (at rpos `at`)
 * through: `at` itself, a stone in reach, or a new stone. */
static int
rl_reach(struct rlayout *rl, const struct gen *g, size_t to, size_t at, size_t *ret)
{
	const struct cinsn *t = &g->v[to];
	bool is_ret = BPF_CLASS(t->code) == BPF_RET;
	size_t *copy = is_ret ? rl_ret_slot(rl, t->k) : &rl->ja_stone[to];
	int r;

	if (rl->m - at - 1 <= 255) {
		*ret = at;
		return 0;
	}
	if (*copy && rl->m - (*copy - 1) - 1 <= 255) {
		*ret = *copy - 1;
		return 0;
	}
	r = rl_emit(rl, is_ret ? (struct rinsn){ t->code, t->k, 0, 0 }
	                       : (struct rinsn){ BPF_JMP | BPF_JA, 0, at, 0 });
	if (r < 0)
		return r;
	*copy = (size_t)r + 1;
	*ret = (size_t)r;
	return 0;
}

static int
layout(struct gen *g, struct ksc_bpf_insn **ret, size_t *ret_n)
{
	struct rlayout rl = { .ret_slots = 64 };
	size_t *pos;
	struct ksc_bpf_insn *out = NULL;
	int r = 0;

	if (share_equal_code(g) < 0)
		return g->r;
	drop_null_jumps(g);
	while (rl.ret_slots < 2 * g->n)
		rl.ret_slots *= 2;
	pos = scratch(g, SCR_POS, g->n * sizeof(*pos) + 1, false);
	rl.ret_copy = scratch(g, SCR_RET_COPY, rl.ret_slots * sizeof(*rl.ret_copy), true);
	rl.ret_k = scratch(g, SCR_RET_K, rl.ret_slots * sizeof(*rl.ret_k), true);
	rl.ja_stone = scratch(g, SCR_JA_STONE, g->n * sizeof(*rl.ja_stone) + 1, true);
	rl.v = g->scr[SCR_RL].p;
	rl.cap = g->scr[SCR_RL].cap / sizeof(*rl.v);
	if (!pos || !rl.ret_copy || !rl.ret_k || !rl.ja_stone)
		r = -ENOMEM;

	for (size_t i = g->n; i-- > 0 && r >= 0;) {
		const struct cinsn *c = &g->v[i];
		struct rinsn in = { c->code, c->k, 0, 0 };

		if (is_cond(c)) {
			size_t to_t = target(g, i, c->jt), to_f = target(g, i, c->jf);
			size_t m0;

			in.jt = pos[to_t];
			in.jf = pos[to_f];
			/* a stone for one branch moves the jump one farther from the other's */
			do {
				m0 = rl.m;
				r = rl_reach(&rl, g, to_t, in.jt, &in.jt);
				if (r >= 0)
					r = rl_reach(&rl, g, to_f, in.jf, &in.jf);
			} while (r >= 0 && rl.m != m0);
		} else if (BPF_CLASS(c->code) == BPF_JMP)
			in.jt = pos[target(g, i, c->jt)];
		if (r < 0)
			break;
		r = rl_emit(&rl, in);
		if (r < 0)
			break;
		pos[i] = (size_t)r;
		if (BPF_CLASS(c->code) == BPF_RET)
			*rl_ret_slot(&rl, c->k) = pos[i] + 1;
		r = 0;
	}

	if (r >= 0 && !(out = calloc(MAX(rl.m, 1u), sizeof(*out))))
		r = -ENOMEM;
	for (size_t i = 0; r >= 0 && i < rl.m; i++) {
		const struct rinsn *c = &rl.v[rl.m - 1 - i];
		size_t self = rl.m - 1 - i;

		out[i] = (struct ksc_bpf_insn){ .code = c->code, .k = c->k };
		if (BPF_CLASS(c->code) == BPF_JMP && BPF_OP(c->code) != BPF_JA) {
			out[i].jt = (uint8_t)(self - c->jt - 1);
			out[i].jf = (uint8_t)(self - c->jf - 1);
		} else if (BPF_CLASS(c->code) == BPF_JMP)
			out[i].k = (uint32_t)(self - c->jt - 1);
	}
	/* the stepping stones' array goes on to the next variant */
	g->scr[SCR_RL] = (struct scratch){ rl.v, rl.cap * sizeof(*rl.v) };
	if (r < 0) {
		free(out);
		return r;
	}
	*ret = out;
	*ret_n = rl.m;
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

/* One variant of the program, in g (its arrays kept from the last variant). */
static int
generate(struct gen *g, struct section *secs, size_t n, size_t max_exc, struct ksc_bpf_insn **ret,
         size_t *ret_n)
{
	int bad_arch;

	g->n = g->n_labels = g->n_rets = 0;
	g->max_exc = max_exc;
	g->r = 0;
	/* the dispatch, then the rets of the bad arch and of the sections with one action;
	 * each section's after it */
	emit(g, BPF_LD | BPF_W | BPF_ABS, OFF_ARCH, 0, 0);
	bad_arch = ret_label(g, filter_bad_arch_action(g->f));
	for (size_t i = 0; i < n && g->r >= 0; i++) {
		secs[i].label =
		        secs[i].trivial ? ret_label(g, secs[i].iv[0].leaf.ret) : label_new(g);
		emit(g, BPF_JMP | BPF_JEQ | BPF_K, secs[i].token, secs[i].label,
		     i + 1 == n ? bad_arch : LABEL_NEXT);
	}
	if (n == 0)
		emit(g, BPF_JMP | BPF_JA, 0, bad_arch, 0);
	pool_emit(g);
	for (size_t i = 0; i < n; i++)
		if (!secs[i].trivial) {
			label_here(g, secs[i].label);
			gen_section(g, &secs[i]);
		}
	return g->r < 0 ? g->r : layout(g, ret, ret_n);
}

/* The longest path a variant may have: the bound the native backend promises for the
 * runtimes' default profiles, in BPF instructions. */
#define PATH_BOUND 25

struct variant {
	struct ksc_bpf_insn *v;
	size_t n, path;
};

/* Is a better than b: shorter, or as long with a shorter longest path? */
static bool
variant_shorter(const struct variant *a, const struct variant *b)
{
	return !b->v || a->n < b->n || (a->n == b->n && a->path < b->path);
}

/*
 * A few variants: more exceptions per item make sparse profiles shorter and their paths
 * longer; without a limit, the search is a chain of "jeq" (the linear layout). The shortest whose longest path stays within PATH_BOUND is taken when it is no longer
 * than the least libseccomp can make of the same filter (filter_libseccomp_min_insns():
 * a "jeq" per distinct number and constant): so it is never longer than the program runc
 * would load. Otherwise the shortest of all is: a program the kernel refuses, or one longer
 * than libseccomp's, costs more than a longer path.
 */
int
compile_native(const struct ksc_filter *f, struct ksc_bpf_insn **ret, size_t *ret_n,
               struct ksc_error **reterr)
{
	static const size_t limits[] = { 0, 2, 4, 8, SIZE_MAX };
	struct variant bounded = { 0 }, shortest = { 0 };
	uint32_t tokens[_KSC_ARCH_MAX];
	enum ksc_arch arches[_KSC_ARCH_MAX];
	struct section secs[_KSC_ARCH_MAX] = { 0 };
	size_t n_secs = filter_sections(f, tokens, arches, ELEMENTSOF(tokens));
	struct gen g = { .f = f };
	bool too_large = false;
	int r = 0;

	/* what decides each number is the same for every variant */
	for (size_t i = 0; i < n_secs && g.r >= 0; i++) {
		secs[i].token = tokens[i];
		section_build(&g, &secs[i]);
	}
	r = g.r;
	for (size_t l = 0; l < ELEMENTSOF(limits) && r >= 0; l++) {
		struct variant v = { 0 };

		r = generate(&g, secs, n_secs, limits[l], &v.v, &v.n);
		if (r == -E2BIG) { /* another variant may fit */
			too_large = true;
			r = 0;
			continue;
		}
		if (r < 0)
			break;
		v.path = longest_path(v.v, v.n);
		if (v.path <= PATH_BOUND && variant_shorter(&v, &bounded)) {
			free(bounded.v == shortest.v ? NULL : bounded.v);
			bounded = v;
		}
		if (variant_shorter(&v, &shortest)) {
			free(shortest.v == bounded.v ? NULL : shortest.v);
			shortest = v;
		}
		if (v.v != bounded.v && v.v != shortest.v)
			free(v.v);
	}
	if (r >= 0 && bounded.v && bounded.v != shortest.v &&
	    bounded.n <= filter_libseccomp_min_insns(f)) {
		free(shortest.v);
		shortest = bounded;
	} else if (bounded.v != shortest.v)
		free(bounded.v);
	for (size_t i = 0; i < n_secs; i++) {
		free(secs[i].iv);
		free(secs[i].items);
		free(secs[i].exc);
	}
	free(g.v);
	free(g.labels);
	free(g.rets);
	for (size_t i = 0; i < _SCR_MAX; i++)
		free(g.scr[i].p);
	if (r >= 0 && !shortest.v && too_large)
		r = -E2BIG;
	if (r < 0) {
		free(shortest.v);
		return ksc_error_setf(reterr, r, "the native compiler failed: %s",
		                      r == -E2BIG ? "the program grew too large" : strerror(-r));
	}
	*ret = shortest.v;
	*ret_n = shortest.n;
	return 0;
}
