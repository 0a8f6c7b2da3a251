/* SPDX-License-Identifier: Apache-2.0 */
/*
 * filter: a profile's decisions per architecture, as runc + libseccomp 2.5 enforce them.
 *
 * The rule list is runc's (libcontainer/seccomp InitSeccomp and matchCall). The decision
 * structure is a model of libseccomp's filter database, established by differential tests
 * against the installed libseccomp (tests/test-filter.c), not by reading alone:
 *
 *   - per architecture and syscall number, either one action or a tree of comparisons on
 *     32-bit words of the arguments. A 64-bit argument is compared as its high word, then
 *     its low word (GT/GE/LT/LE as "high greater, or high equal and low compares"); on
 *     32-bit architectures only the low word exists, so the high halves of the profile's
 *     values are ignored;
 *   - a node's siblings on a level are alternatives tried in a fixed order (by argument,
 *     high word first, then by operator kind and value, descending); a node's subtree
 *     that decides nothing falls back to the node's next sibling;
 *   - rules merge into the tree one by one: an unconditional rule replaces conditional
 *     ones and is never replaced; a rule whose conditions extend an existing one with the
 *     same action is dropped; a shorter one prunes longer ones; two rules that end on the
 *     same comparison with different actions are refused (EEXIST: runc fails to create
 *     the container). These rules of libseccomp's db.c, its reference counting included,
 *     decide which rule wins where conditions overlap, so they are reproduced as they
 *     behave, including an assignment that updates the true action where the false one is
 *     meant (marked "sic" below);
 *   - x86, s390(x), ppc(64) and mips o32 reach socket and SysV IPC calls through
 *     socketcall(2)/ipc(2): a rule for such a call is also added to the multiplexer with
 *     arg0 replaced by "== call number" (the other conditions are kept), besides the
 *     direct syscall where the arch has one;
 *   - x86_64 without x32 sends x32 numbers to the bad-arch action (except -1, which
 *     tracers use to skip a call); x32 alone does the converse; with both, the numbers of
 *     either ABI fall to the default action when no rule names them;
 *   - runc's ENOSYS stub (patchbpf) answers first, for the listed architectures only.
 *
 * One documented divergence: libseccomp's code generator tracks the accumulator
 * statically, and when a subtree fails back to a sibling that compares the same word, the
 * generated program can compare a stale word. The model evaluates the tree as libseccomp
 * means it; `kseccomp compile` checks the generated program against the model on the
 * profile's boundary values and reports where libseccomp's program differs.
 */
#include "filter.h"

#include "error.h"
#include "libseccomp.h"
#include "name-index.h"
#include "syscalls.h"

/* libseccomp's arches that route socket and IPC calls through multiplexers
 * (abi_rule_add()). m68k, sh and others have socketcall(2) too, but libseccomp does not
 * multiplex there. */
static bool
arch_multiplexes(enum ksc_arch arch)
{
	switch (arch) {
	case KSC_ARCH_X86:
	case KSC_ARCH_S390:
	case KSC_ARCH_S390X:
	case KSC_ARCH_PPC:
	case KSC_ARCH_PPC64:
	case KSC_ARCH_PPC64LE:
	case KSC_ARCH_MIPS:
	case KSC_ARCH_MIPSEL:
		return true;
	default:
		return false;
	}
}

/* ---------------------------------------------------------------------------------------- */
/* The comparison trees                                                                       */

/* A step budget for adding one rule to one syscall. libseccomp 2.5.4 loops forever on some
 * rule sets: a level list becomes a cycle, which walk_step() sees. The budget bounds the
 * model's own time on what does end: per rule, not per profile (a profile of 100,000
 * valid rules takes more steps in all). */
#define TREE_MAX_STEPS (1u << 24)

struct node {
	unsigned arg;
	bool hi;             /* the high word of a 64-bit argument */
	enum ksc_op op;      /* as evaluated: EQ, MASKED_EQ, GT or GE */
	enum ksc_op op_orig; /* as written in the rule: orders the nodes of a level */
	uint32_t mask;       /* applied to the word before comparing */
	uint32_t datum;      /* already masked */
	uint64_t datum_full; /* the rule's 64-bit value */
	bool has_t, has_f;   /* an action when the comparison is true / false */
	uint32_t act_t, act_f;
	uint32_t src_t, src_f; /* the rule (index + 1) that set act_t / act_f */
	uint32_t prev, next;   /* siblings on this level */
	uint32_t t, f;         /* the level to go on with when true / false */
	unsigned refs;         /* as libseccomp counts them: its pruning depends on it */
};

/* All nodes of one filter, addressed by index; 0 is "none". Nodes are never reused, so a
 * stale index reads what libseccomp's freed node held. */
struct tree {
	struct node *nodes;
	uint32_t n, cap;
	unsigned long steps;
	bool looped;         /* stopped: a cycle, or out of steps */
	bool cycle;          /* a level list is a cycle, which libseccomp walks forever */
	unsigned released;   /* nodes tree_add() released replacing subtrees by actions */
	unsigned long edits; /* links changed or nodes released: what tree_prune() memoizes on */
};

#define N(t, i) ((t)->nodes[(i)])

static bool
tree_step(struct tree *t)
{
	if (++t->steps > TREE_MAX_STEPS)
		t->looped = true;
	return !t->looped;
}

/* One step along a level list. A level holds at most every node there is: a walk that
 * takes more steps has gone round a cycle, where libseccomp 2.5.4 would go on forever. */
static bool
walk_step(struct tree *t, uint32_t *walked)
{
	if (++*walked > t->n) {
		t->cycle = true;
		t->looped = true;
	}
	return tree_step(t);
}

static uint32_t
node_new(struct tree *t)
{
	if (t->n + 1 >= t->cap) {
		uint32_t cap = t->cap ? t->cap * 2 : 256;
		struct node *nodes;

		if (cap > UINT32_MAX / 2)
			return 0;
		nodes = realloc(t->nodes, (size_t)cap * sizeof(*nodes));
		if (!nodes)
			return 0;
		t->nodes = nodes;
		t->cap = cap;
		if (t->n == 0)
			t->n = 1; /* index 0 stays "none" */
	}
	N(t, t->n) = (struct node){ 0 };
	return t->n++;
}

static uint32_t
node_get(struct tree *t, uint32_t n)
{
	if (n)
		N(t, n).refs++;
	return n;
}

static unsigned
arg_rank(const struct node *a)
{
	return (a->arg << 1) + (a->hi ? 1 : 0);
}

static unsigned
op_rank(enum ksc_op op)
{
	switch (op) {
	case KSC_OP_MASKED_EQ:
	case KSC_OP_EQ:
	case KSC_OP_NE:
		return 3;
	case KSC_OP_LE:
	case KSC_OP_LT:
		return 2;
	case KSC_OP_GE:
	case KSC_OP_GT:
		return 1;
	default:
		return 0;
	}
}

/* The order of siblings: a level is kept in descending order of this relation. */
static bool
node_lt(const struct node *a, const struct node *b)
{
	if (arg_rank(a) != arg_rank(b))
		return arg_rank(a) < arg_rank(b);
	if (op_rank(a->op_orig) != op_rank(b->op_orig))
		return op_rank(a->op_orig) < op_rank(b->op_orig);
	/* LT/LE order by descending value so that smaller bounds come first */
	if (a->op_orig == KSC_OP_LT || a->op_orig == KSC_OP_LE)
		return a->datum > b->datum;
	return a->datum < b->datum;
}

static bool
node_same(const struct node *a, const struct node *b)
{
	return arg_rank(a) == arg_rank(b) && a->op == b->op && a->datum == b->datum &&
	       a->mask == b->mask;
}

static bool
node_leaf(const struct node *n)
{
	return !n->t && !n->f;
}

static bool
node_zombie(const struct node *n)
{
	return node_leaf(n) && !n->has_t && !n->has_f;
}

static unsigned tree_put(struct tree *t, uint32_t *slot);

/* Drop a reference. The last one unlinks the node from its level (the neighbours keep the
 * level together), drops its subtrees and points *slot at a neighbour. Returns the number
 * of nodes released. */
static unsigned
node_put(struct tree *t, uint32_t *slot)
{
	uint32_t n = *slot, p, q, nt, nf;
	unsigned cnt = 0;

	if (!n || !tree_step(t))
		return 0;
	if (--N(t, n).refs != 0)
		return 0;

	t->edits++;
	p = N(t, n).prev;
	q = N(t, n).next;
	nt = N(t, n).t;
	nf = N(t, n).f;
	if (p)
		N(t, p).next = 0;
	if (q)
		N(t, q).prev = 0;
	if (p)
		cnt += node_put(t, &p);
	if (q)
		cnt += node_put(t, &q);
	if (p)
		N(t, p).next = node_get(t, q);
	if (q)
		N(t, q).prev = node_get(t, p);
	*slot = p ? p : q;
	cnt += tree_put(t, &nt);
	cnt += tree_put(t, &nf);
	return cnt + 1;
}

/* Release a whole level when nothing outside it refers to it any more. */
static unsigned
level_clean(struct tree *t, uint32_t n)
{
	uint32_t start, back = 0, along = 0, release = 0;
	unsigned cnt = 0;

	while (N(t, n).prev && walk_step(t, &back))
		n = N(t, n).prev;
	start = n;
	for (; n && walk_step(t, &along); n = N(t, n).next) {
		unsigned links = (N(t, n).prev ? 1 : 0) + (N(t, n).next ? 1 : 0);

		if (N(t, n).refs > links)
			return cnt;
	}
	n = start;
	while (n && walk_step(t, &release))
		cnt += node_put(t, &n);
	return cnt;
}

static unsigned
tree_put(struct tree *t, uint32_t *slot)
{
	unsigned cnt = node_put(t, slot);

	if (*slot)
		cnt += level_clean(t, *slot);
	return cnt;
}

/* Unlink node (and what hangs below it) from the tree at *slot, releasing empty leaves met
 * on the way. Returns the number of nodes released. */
static unsigned
tree_remove(struct tree *t, uint32_t *slot, uint32_t node)
{
	unsigned cnt = 0;
	uint32_t c, back = 0, along = 0;

	if (!slot || !*slot || !node || !tree_step(t))
		return 0;
	c = *slot;
	while (N(t, c).prev && walk_step(t, &back))
		c = N(t, c).prev;
	for (;;) {
		if (c == node)
			break;
		cnt += tree_remove(t, &N(t, c).t, node);
		cnt += tree_remove(t, &N(t, c).f, node);
		if (node_zombie(&N(t, c)))
			break;
		c = N(t, c).next;
		if (!c || cnt != 0 || !walk_step(t, &along))
			return cnt;
	}
	t->edits++;
	if (c == *slot)
		*slot = N(t, c).prev ? N(t, c).prev : N(t, c).next;
	if (N(t, c).prev)
		N(t, N(t, c).prev).next = N(t, c).next;
	if (N(t, c).next)
		N(t, N(t, c).next).prev = N(t, c).prev;
	N(t, c).prev = N(t, c).next = 0;
	return cnt + node_put(t, &c);
}

/* 0 if every action in the tree is action, else -EEXIST. */
static int
tree_actions_are(struct tree *t, uint32_t n, uint32_t action)
{
	uint32_t back = 0, along = 0;

	if (!n)
		return 0;
	while (N(t, n).prev && walk_step(t, &back))
		n = N(t, n).prev;
	for (; n && walk_step(t, &along); n = N(t, n).next) {
		if (N(t, n).has_t && N(t, n).act_t != action)
			return -EEXIST;
		if (N(t, n).has_f && N(t, n).act_f != action)
			return -EEXIST;
		if (tree_actions_are(t, N(t, n).t, action) < 0 ||
		    tree_actions_are(t, N(t, n).f, action) < 0)
			return -EEXIST;
	}
	return 0;
}

/* What a pruning walk found (libseccomp's db_iter_state). */
enum {
	IST_MATCH = 0x001,
	IST_MATCH_ONCE = 0x002,
	IST_X_FINISHED = 0x010,
	IST_N_FINISHED = 0x020,
	IST_X_PREFIX = 0x100,
	IST_N_PREFIX = 0x200,
	IST_MATCHSET = IST_MATCH | IST_MATCH_ONCE,
	IST_REDUNDANT = IST_MATCH | IST_X_FINISHED | IST_N_PREFIX,
};

struct prune_state {
	unsigned flags;
	uint32_t action;
	uint32_t *chains; /* the syscall's tree: pruning may empty it */
};

/* Per side of the new chain, a walk below it that found nothing: t->edits + 1 when it ran
 * (0: none yet), and its steps. */
struct prune_memo {
	unsigned long edits, steps;
};

/* What a search below one node of a level tells the level's walk. */
enum prune_next {
	PRUNE_GO_ON,   /* nothing found: on to the next sibling */
	PRUNE_MATCHED, /* found: the walk is done */
	PRUNE_GONE,    /* the node was released on the way: on to the next sibling */
};

static unsigned
tree_prune(struct tree *t, uint32_t *existing, uint32_t n, struct prune_state *state);

/* Look for the existing node *x further down the new chain n (x ranks above n). */
static enum prune_next
prune_down_new(struct tree *t, uint32_t *x, uint32_t n, const struct prune_state *state,
               struct prune_state *st_new, struct prune_memo *memo, unsigned *cnt)
{
	struct prune_state st_nxt;
	unsigned long steps, edits;

	for (int side = 0; side < 2; side++) {
		uint32_t below = side == 0 ? N(t, n).t : N(t, n).f;

		if (!below)
			continue;
		/* The walk below starts over at the head of x's level, so for every sibling it
		 * is the same walk: once it found nothing and changed nothing, it would again,
		 * in as many steps. */
		if (memo[side].edits == t->edits + 1 &&
		    t->steps + memo[side].steps <= TREE_MAX_STEPS) {
			t->steps += memo[side].steps;
			continue;
		}
		steps = t->steps;
		edits = t->edits;
		node_get(t, *x);
		st_nxt = *state;
		st_nxt.flags &= ~(unsigned)IST_MATCH;
		st_nxt.flags |= IST_N_PREFIX;
		*cnt += tree_prune(t, x, below, &st_nxt);
		*cnt += node_put(t, x);
		if (st_nxt.flags & IST_MATCH) {
			st_new->flags |= st_nxt.flags;
			return PRUNE_MATCHED;
		}
		if (t->edits == edits)
			memo[side] = (struct prune_memo){ edits + 1, t->steps - steps };
		if (!*x)
			return PRUNE_GONE;
	}
	return PRUNE_GO_ON;
}

/* Look for the new chain (a single path) in the existing tree: drop existing subtrees the
 * new rule makes redundant, and tell the caller (IST_REDUNDANT) when the new rule adds
 * nothing. Returns the number of nodes released. */
static unsigned
tree_prune(struct tree *t, uint32_t *existing, uint32_t n, struct prune_state *state)
{
	struct prune_state st_new = *state, st_nxt;
	struct prune_memo memo[2] = { { 0, 0 }, { 0, 0 } };
	uint32_t x = *existing, x_next, back = 0, along = 0;
	unsigned long steps;
	unsigned cnt = 0;
	int acts;
	bool matched_nothing = false;

	if (!n || !x || !tree_step(t))
		goto done;
	if ((state->flags & IST_MATCHSET) == IST_MATCH_ONCE)
		goto done;
	while (N(t, x).prev && walk_step(t, &back))
		x = N(t, x).prev;

	for (;;) {
		x_next = N(t, x).next;
		if (node_same(&N(t, x), &N(t, n))) {
			st_new.flags |= IST_MATCHSET;
			if (node_leaf(&N(t, n)))
				st_new.flags |= IST_N_FINISHED;
			if (node_leaf(&N(t, x)))
				st_new.flags |= IST_X_FINISHED;

			/* keep the existing node if it decides more than the new one */
			if ((N(t, x).has_t || N(t, x).t) && !(N(t, n).has_t || N(t, n).t))
				goto done;
			if ((N(t, x).has_f || N(t, x).f) && !(N(t, n).has_f || N(t, n).f))
				goto done;
			if ((st_new.flags & IST_N_FINISHED) && (st_new.flags & IST_X_FINISHED)) {
				if (N(t, n).has_t != N(t, x).has_t ||
				    N(t, n).act_t != N(t, x).act_t ||
				    N(t, n).has_f != N(t, x).has_f ||
				    N(t, n).act_f != N(t, x).act_f)
					goto done;
			}
			if (N(t, n).t) {
				node_get(t, x);
				st_nxt = *state;
				st_nxt.flags |= IST_MATCHSET;
				cnt += tree_prune(t, &N(t, x).t, N(t, n).t, &st_nxt);
				cnt += node_put(t, &x);
				if (st_nxt.flags & IST_MATCH)
					st_new.flags |= st_nxt.flags;
				if (!x)
					goto next;
			}
			if (N(t, n).f) {
				node_get(t, x);
				st_nxt = *state;
				st_nxt.flags |= IST_MATCHSET;
				cnt += tree_prune(t, &N(t, x).f, N(t, n).f, &st_nxt);
				cnt += node_put(t, &x);
				if (st_nxt.flags & IST_MATCH)
					st_new.flags |= st_nxt.flags;
				if (!x)
					goto next;
			}
			steps = t->steps;
			acts = tree_actions_are(t, x, st_new.action);
			steps = t->steps - steps;
			if (acts == 0 && (st_new.flags & IST_MATCH) &&
			    (st_new.flags & IST_N_FINISHED) && (st_new.flags & IST_X_PREFIX)) {
				/* the new rule is shorter: the existing subtree goes */
				cnt += tree_remove(t, state->chains, x);
				if (!*state->chains)
					goto done;
			} else {
				/* the same question of the unchanged subtree: the same answer
				 * in as many steps, unless the budget runs out on the way */
				if (!t->looped && t->steps + steps <= TREE_MAX_STEPS)
					t->steps += steps;
				else
					acts = tree_actions_are(t, x, st_new.action);
				if (acts == 0 && (st_new.flags & IST_MATCH) &&
				    (st_new.flags & IST_X_FINISHED) &&
				    (st_new.flags & IST_N_PREFIX))
					/* the new rule is longer: nothing to prune */
					goto done;
			}
		} else if (node_lt(&N(t, x), &N(t, n))) {
			if (state->flags & IST_N_PREFIX)
				goto done;
			/* look for the new chain below the existing node */
			for (int side = 0; side < 2; side++) {
				uint32_t *below = side == 0 ? &N(t, x).t : &N(t, x).f;

				if (!*below)
					continue;
				node_get(t, x);
				st_nxt = *state;
				st_nxt.flags &= ~(unsigned)IST_MATCH;
				st_nxt.flags |= IST_X_PREFIX;
				cnt += tree_prune(t, below, n, &st_nxt);
				cnt += node_put(t, &x);
				if (st_nxt.flags & IST_MATCH) {
					st_new.flags |= st_nxt.flags;
					goto done;
				}
				if (!x)
					goto next;
			}
		} else {
			if (state->flags & IST_X_PREFIX)
				goto done;
			/* look for the existing node further down the new chain */
			switch (prune_down_new(t, &x, n, state, &st_new, memo, &cnt)) {
			case PRUNE_MATCHED:
				goto done;
			case PRUNE_GONE:
				goto next;
			case PRUNE_GO_ON:
				break;
			}
		}
	next:
		x = x_next;
		if (!x || !walk_step(t, &along)) {
			matched_nothing = true;
			break;
		}
	}
done:
	if (matched_nothing)
		st_new.flags &= ~(unsigned)IST_MATCH;
	if (st_new.flags & IST_MATCH)
		state->flags |= st_new.flags;
	else
		state->flags &= ~(unsigned)IST_MATCH;
	return cnt;
}

/* Merge the new chain into the existing tree. -EEXIST when both end on the same
 * comparison with different actions. */
static int
tree_add(struct tree *t, uint32_t *existing, uint32_t n)
{
	uint32_t x = *existing, along = 0;
	int r;

	while (x && walk_step(t, &along)) {
		struct node *xn = &N(t, x), *nn = &N(t, n);

		if (node_same(xn, nn)) {
			if (nn->has_t) {
				if (!xn->has_t) {
					r = tree_actions_are(t, xn->t, nn->act_t);
					if (r < 0)
						return r;
					t->released += node_put(t, &xn->t);
					xn->t = 0;
					xn->act_t = nn->act_t;
					xn->src_t = nn->src_t;
					xn->has_t = true;
				} else if (nn->act_t != xn->act_t) {
					/* a high word decides by the full 64-bit values */
					if (nn->hi && nn->datum_full > xn->datum_full) {
						xn->act_t = nn->act_t;
						xn->src_t = nn->src_t;
					}
					if (node_leaf(xn) || node_leaf(nn))
						return -EEXIST;
				}
			}
			if (nn->has_f) {
				if (!xn->has_f) {
					r = tree_actions_are(t, xn->f, nn->act_f);
					if (r < 0)
						return r;
					t->released += node_put(t, &xn->f);
					xn->f = 0;
					xn->act_f = nn->act_f;
					xn->src_f = nn->src_f;
					xn->has_f = true;
				} else if (nn->act_f != xn->act_f) {
					/* sic: libseccomp 2.5.4 updates the true action here */
					if (nn->hi && nn->datum_full < xn->datum_full) {
						xn->act_t = nn->act_t;
						xn->src_t = nn->src_t;
					}
					if (node_leaf(xn) || node_leaf(nn))
						return -EEXIST;
				}
			}
			if (nn->t) {
				if (xn->t) {
					r = tree_add(t, &xn->t, nn->t);
					if (r < 0)
						return r;
				} else if (!xn->has_t)
					xn->t = node_get(t, nn->t);
				else
					return 0; /* the existing rule is shorter */
			}
			xn = &N(t, x);
			nn = &N(t, n);
			if (nn->f) {
				if (xn->f) {
					r = tree_add(t, &xn->f, nn->f);
					if (r < 0)
						return r;
				} else if (!xn->has_f)
					xn->f = node_get(t, nn->f);
				else
					return 0;
			}
			return 0;
		}
		if (!node_lt(xn, nn)) {
			/* move along the level, or append */
			if (!xn->next) {
				nn->prev = node_get(t, x);
				xn->next = node_get(t, n);
				return 0;
			}
			x = xn->next;
			continue;
		}
		/* insert before the existing node */
		if (xn->prev) {
			N(t, xn->prev).next = node_get(t, n);
			nn->prev = xn->prev;
			xn->prev = node_get(t, n);
			nn->next = x;
		} else {
			xn->prev = node_get(t, n);
			nn->next = node_get(t, x);
		}
		if (*existing == x) {
			*existing = node_get(t, n);
			(void)node_put(t, &x);
		}
		return 0;
	}
	return !t->looped ? 0 : t->cycle ? -ELOOP : -ETIME;
}

/* ---------------------------------------------------------------------------------------- */
/* Syscalls of one architecture                                                               */

struct filter_syscall {
	int nr;          /* libseccomp's number; negative pseudo numbers never match */
	uint32_t chains; /* the tree; 0 when one action decides */
	uint32_t action; /* when there is no tree */
	uint32_t src;    /* the rule (index + 1) behind action */
	bool mux;        /* a socketcall/ipc entry made from a multiplexed rule */
	/* libseccomp's bookkeeping: its code generator orders syscalls by priority, and
	 * which one comes first matters (see section_nr()) */
	unsigned node_cnt;
	uint32_t priority;
};

#define PRI_MASK_CHAIN 0x0000ffffu

static void
priority_update(struct filter_syscall *sys)
{
	sys->priority &= ~PRI_MASK_CHAIN;
	sys->priority |= PRI_MASK_CHAIN - sys->node_cnt;
}

/* A syscall number and its entry in filter_arch.syscalls[]. */
struct nr_index {
	uint32_t nr, idx;
};

struct filter_arch {
	enum ksc_arch arch;
	uint32_t token; /* AUDIT_ARCH */
	bool is_64bit;
	struct filter_syscall *syscalls;
	size_t n_syscalls, cap_syscalls;
	struct id_map by_nr_build; /* libseccomp's number (pseudo ones too) -> syscalls[] */
	uint32_t stub_max;         /* 0: no stub for this arch */
	/* built once the rules are in: syscalls[] indexes by number (real numbers only), and
	 * whether libseccomp's section for this token never loads the number (section_nr()) */
	struct nr_index *by_nr;
	size_t n_by_nr;
	bool nr_not_loaded;
};

struct ksc_filter {
	const struct ksc_profile *profile; /* borrowed */
	uint32_t default_action;
	uint32_t bad_arch_action;
	struct filter_rule *rules;
	size_t n_rules, cap_rules;
	struct filter_cond *conds; /* what rules[].conds point into */
	struct filter_arch arches[_KSC_ARCH_MAX];
	size_t n_arches;
	enum ksc_arch stub_arches[_KSC_ARCH_MAX];
	size_t n_stub_arches;
	bool stub;
	bool bintree; /* runc asks for libseccomp's binary tree above 32 names */
	struct tree tree;
	/* which rules reached a multiplexer, by index */
	bool *rule_mux;
	/* the profile's names (rules of Docker's single "name" aside), and what each resolves
	 * to on each arch (name_arch[id * n_arches + arch slot]): a large profile repeats a few
	 * hundred names, resolved once each */
	struct name_index names;
	bool *name_known; /* by libseccomp, on any arch */
	struct name_arch *name_arch;
	/* per rule: some arch's syscall changed, some arch's syscall already had an
	 * unconditional rule (libseccomp leaves it as it is), and the rule changes nothing
	 * anywhere (filter_rule_inert()) */
	bool *rule_live, *rule_noop, *rule_inert;
};

/* A rule's chain while chain_new() builds it: the nodes of the last comparison added (cur)
 * and of the one before (prev). */
struct chain {
	uint32_t prev[3], cur[3], root;
	enum ksc_op prev_op;
	bool prev_true; /* 32-bit: continue on the true side of cur[0] */
	unsigned nodes;
};

/* One comparison on a 32-bit arch (_db_rule_gen_32): one node on the low word. */
static int
chain_add_32(struct tree *t, struct chain *ch, const struct filter_cond *c)
{
	bool masked = c->op == KSC_OP_MASKED_EQ;
	uint64_t mask = masked ? c->value : UINT64_MAX;
	uint64_t datum = masked ? c->value_two : c->value;
	uint32_t n;

	/* a zero mask compares nothing */
	if (masked && (uint32_t)mask == 0)
		return 0;
	n = node_new(t);
	if (!n)
		return -ENOMEM;
	ch->nodes++;
	N(t, n).arg = c->arg;
	N(t, n).op_orig = c->op;
	N(t, n).mask = (uint32_t)mask;
	N(t, n).datum_full = datum;
	if (ch->cur[0]) {
		if (ch->prev_true)
			N(t, ch->cur[0]).t = node_get(t, n);
		else
			N(t, ch->cur[0]).f = node_get(t, n);
	} else
		ch->root = node_get(t, n);
	/* NE, LT and LE become the false side of EQ, GE and GT */
	switch (c->op) {
	case KSC_OP_NE:
		N(t, n).op = KSC_OP_EQ;
		ch->prev_true = false;
		break;
	case KSC_OP_LT:
		N(t, n).op = KSC_OP_GE;
		ch->prev_true = false;
		break;
	case KSC_OP_LE:
		N(t, n).op = KSC_OP_GT;
		ch->prev_true = false;
		break;
	default:
		N(t, n).op = c->op;
		ch->prev_true = true;
		break;
	}
	N(t, n).datum = (uint32_t)datum & N(t, n).mask;
	ch->cur[0] = n;
	return 0;
}

/* The comparison before cur, on a 64-bit arch, goes on to cur[0] where it holds. */
static void
chain_link_64(struct tree *t, struct chain *ch)
{
	uint32_t *prev = ch->prev, to = ch->cur[0];

	switch (ch->prev_op) {
	case KSC_OP_GT:
	case KSC_OP_GE:
		N(t, prev[0]).t = node_get(t, to);
		N(t, prev[2]).t = node_get(t, to);
		break;
	case KSC_OP_LE:
	case KSC_OP_LT:
		N(t, prev[1]).f = node_get(t, to);
		N(t, prev[2]).f = node_get(t, to);
		break;
	case KSC_OP_NE:
		N(t, prev[0]).f = node_get(t, to);
		N(t, prev[1]).f = node_get(t, to);
		break;
	default:
		N(t, prev[1]).t = node_get(t, to);
		break;
	}
}

/* One comparison on a 64-bit arch (_db_rule_gen_64): the high word, then the low word. */
static int
chain_add_64(struct tree *t, struct chain *ch, const struct filter_cond *c)
{
	bool masked = c->op == KSC_OP_MASKED_EQ;
	uint64_t mask = masked ? c->value : UINT64_MAX;
	uint64_t datum = masked ? c->value_two : c->value;
	uint32_t *cur = ch->cur;

	if (masked && (uint32_t)(mask >> 32) == 0 && (uint32_t)mask == 0)
		return 0;
	for (int k = 0; k < 3; k++)
		cur[k] = 0;
	for (int k = 0; k < (masked || c->op == KSC_OP_EQ || c->op == KSC_OP_NE ? 2 : 3); k++) {
		cur[k] = node_new(t);
		if (!cur[k])
			return -ENOMEM;
		ch->nodes++;
	}
	for (int k = 0; k < 3 && cur[k]; k++) {
		struct node *nd = &N(t, cur[k]);
		bool lo = cur[2] ? k == 2 : k == 1;

		nd->arg = c->arg;
		nd->hi = !lo;
		nd->mask = lo ? (uint32_t)mask : (uint32_t)(mask >> 32);
		nd->datum = (lo ? (uint32_t)datum : (uint32_t)(datum >> 32)) & nd->mask;
		nd->datum_full = datum;
		nd->op_orig = c->op;
	}
	switch (c->op) {
	case KSC_OP_GT:
	case KSC_OP_GE:
	case KSC_OP_LE:
	case KSC_OP_LT:
		/* high greater, or high equal and low compares */
		N(t, cur[0]).op = KSC_OP_GT;
		N(t, cur[1]).op = KSC_OP_EQ;
		N(t, cur[2]).op = c->op == KSC_OP_GT || c->op == KSC_OP_LE ? KSC_OP_GT : KSC_OP_GE;
		N(t, cur[0]).f = node_get(t, cur[1]);
		N(t, cur[1]).t = node_get(t, cur[2]);
		break;
	default:
		N(t, cur[0]).op = masked ? KSC_OP_MASKED_EQ : KSC_OP_EQ;
		N(t, cur[1]).op = N(t, cur[0]).op;
		N(t, cur[0]).t = node_get(t, cur[1]);
		break;
	}
	if (ch->prev[0])
		chain_link_64(t, ch);
	else
		ch->root = node_get(t, cur[0]);
	memcpy(ch->prev, cur, sizeof(ch->prev));
	ch->prev_op = c->op;
	return 0;
}

static void
node_set_action(struct node *nd, bool on_true, uint32_t action, uint32_t src)
{
	if (on_true) {
		nd->has_t = true;
		nd->act_t = action;
		nd->src_t = src;
	} else {
		nd->has_f = true;
		nd->act_f = action;
		nd->src_f = src;
	}
}

/* The rule's action on the last level of its chain. */
static void
chain_set_action(struct tree *t, const struct chain *ch, bool is_64bit, uint32_t action,
                 uint32_t src)
{
	const uint32_t *cur = ch->cur;
	uint32_t a = 0, b = 0;
	bool on_true = true;

	if (!cur[0])
		return;
	if (!is_64bit) {
		node_set_action(&N(t, cur[0]), ch->prev_true, action, src);
		return;
	}
	switch (ch->prev_op) {
	case KSC_OP_GT:
	case KSC_OP_GE:
		a = cur[0], b = cur[2];
		break;
	case KSC_OP_LE:
	case KSC_OP_LT:
		a = cur[1], b = cur[2], on_true = false;
		break;
	case KSC_OP_NE:
		a = cur[0], b = cur[1], on_true = false;
		break;
	default:
		a = cur[1];
		break;
	}
	for (uint32_t *p = (uint32_t[]){ a, b, 0 }; *p; p++)
		node_set_action(&N(t, *p), on_true, action, src);
}

/* The chain of one rule as libseccomp's db builds it (_db_rule_gen_64/_32). Returns the
 * root (0 for an unconditional rule), or -ENOMEM. */
static int
chain_new(struct tree *t, const struct filter_rule *rule, uint32_t src, bool is_64bit,
          uint32_t *ret_root, unsigned *ret_nodes)
{
	struct chain ch = { .prev_true = true };
	int r;

	for (size_t i = 0; i < rule->n_conds; i++) {
		if (is_64bit)
			r = chain_add_64(t, &ch, &rule->conds[i]);
		else
			r = chain_add_32(t, &ch, &rule->conds[i]);
		if (r < 0)
			return r;
	}
	chain_set_action(t, &ch, is_64bit, rule->action, src);
	*ret_root = ch.root;
	*ret_nodes = ch.nodes;
	return 0;
}

static struct filter_syscall *
arch_syscall_find(struct filter_arch *a, int nr)
{
	uint32_t idx;

	/* a hash table, not a scan: every rule of a large profile looks its numbers up */
	if (!id_map_get(&a->by_nr_build, (uint32_t)nr, &idx))
		return NULL;
	return &a->syscalls[idx];
}

/* libseccomp's db_rule_add(): one rule into one syscall of one arch. */
static int
arch_rule_add(struct ksc_filter *f, struct filter_arch *a, int nr, const struct filter_rule *rule,
              uint32_t src, bool mux)
{
	struct tree *t = &f->tree;
	struct filter_syscall *sys;
	struct prune_state st;
	uint32_t root = 0;
	bool removed = false;
	unsigned cnt, nodes = 0;
	int r;

	t->steps = 0;
	r = chain_new(t, rule, src, a->is_64bit, &root, &nodes);
	if (r < 0)
		return r;

	sys = arch_syscall_find(a, nr);
	if (!sys) {
		if (a->n_syscalls == a->cap_syscalls) {
			size_t cap = a->cap_syscalls ? 2 * a->cap_syscalls : 64;
			struct filter_syscall *s = reallocarray(a->syscalls, cap, sizeof(*s));

			if (!s)
				return -ENOMEM;
			a->syscalls = s;
			a->cap_syscalls = cap;
		}
		r = id_map_put(&a->by_nr_build, (uint32_t)nr, (uint32_t)a->n_syscalls, NULL);
		if (r < 0)
			return r;
		f->rule_live[src - 1] = true;
		a->syscalls[a->n_syscalls++] = (struct filter_syscall){
			.nr = nr,
			.chains = root,
			.action = rule->action,
			.src = src,
			.mux = mux,
			.node_cnt = nodes,
			.priority = PRI_MASK_CHAIN - nodes,
		};
		return 0;
	}
	for (;;) {
		if (!sys->chains) {
			if (removed) {
				/* pruning emptied the tree: the new chain is all there is */
				sys->chains = root;
				sys->action = rule->action;
				sys->src = src;
				sys->mux = mux;
				sys->node_cnt = nodes;
				sys->priority = PRI_MASK_CHAIN - nodes;
				f->rule_live[src - 1] = true;
			} else {
				/* an unconditional rule came first and stays */
				(void)tree_put(t, &root);
				f->rule_noop[src - 1] = true;
			}
			priority_update(sys);
			return 0;
		}
		f->rule_live[src - 1] = true;
		if (!root) {
			/* an unconditional rule replaces every conditional one */
			(void)tree_put(t, &sys->chains);
			sys->chains = 0;
			sys->node_cnt = 0;
			sys->action = rule->action;
			sys->src = src;
			sys->mux = mux;
			priority_update(sys);
			return 0;
		}
		st = (struct prune_state){ .action = rule->action, .chains = &sys->chains };
		cnt = tree_prune(t, &sys->chains, root, &st);
		if (t->looped)
			return t->cycle ? -ELOOP : -ETIME;
		if (cnt > 0) {
			removed = true;
			sys->node_cnt -= cnt;
			if (!sys->chains)
				continue;
		} else if ((st.flags & IST_REDUNDANT) == IST_REDUNDANT) {
			/* an existing, shorter rule already decides the same */
			(void)tree_put(t, &root);
			priority_update(sys);
			return 0;
		}
		break;
	}
	t->released = 0;
	r = tree_add(t, &sys->chains, root);
	sys->node_cnt -= t->released;
	if (r < 0)
		return r;
	sys->node_cnt += nodes;
	sys->node_cnt -= tree_put(t, &root);
	priority_update(sys);
	return !t->looped ? 0 : t->cycle ? -ELOOP : -ETIME;
}

/* What a name is on one arch. */
struct name_arch {
	int lib_r, lib_nr;     /* libseccomp_resolve() */
	bool mux;              /* ksc_syscall_multiplexed() > 0 */
	uint32_t mux_nr, call; /* when mux */
	bool has_direct;       /* ksc_syscall_resolve_name() == 0 */
	uint32_t direct;
};

static int
names_build(struct ksc_filter *f)
{
	const struct ksc_profile *p = f->profile;
	size_t id;
	int r, nr;

	for (size_t i = 0; i < p->n_rules; i++)
		for (size_t j = 0; j < p->rules[i].n_names && !p->rules[i].single_name; j++) {
			r = name_index_put(&f->names, p->rules[i].names[j], &id);
			if (r < 0)
				return r;
		}
	f->name_known = calloc(MAX(f->names.n, (size_t)1), sizeof(*f->name_known));
	f->name_arch = calloc(MAX(f->names.n * f->n_arches, (size_t)1), sizeof(*f->name_arch));
	if (!f->name_known || !f->name_arch)
		return -ENOMEM;
	for (id = 0; id < f->names.n; id++) {
		const char *name = f->names.names[id];
		int sid = syscalls_name_id(name); /* -1: a name kseccomp's tables lack */

		f->name_known[id] = libseccomp_resolve_id(KSC_ARCH_NONE, sid, name, &nr) == 0;
		for (size_t a = 0; a < f->n_arches; a++) {
			struct name_arch *na = &f->name_arch[id * f->n_arches + a];
			int arch = (int)f->arches[a].arch;

			na->lib_r = libseccomp_resolve_id(arch, sid, name, &na->lib_nr);
			na->mux = sid >= 0 &&
			          syscalls_multiplexed_id(arch, sid, &na->mux_nr, &na->call) > 0;
			na->has_direct =
			        sid >= 0 && syscalls_resolve_id(arch, sid, &na->direct) == 0;
		}
	}
	return 0;
}

/* A rule on one arch: libseccomp's arch_filter_rule_add() and abi_rule_add(). */
static int
arch_add(struct ksc_filter *f, size_t slot, const struct filter_rule *rule, uint32_t src)
{
	struct filter_arch *a = &f->arches[slot];
	const struct name_arch *na = &f->name_arch[rule->name_id * f->n_arches + slot];
	uint32_t mux_nr = na->mux_nr, call = na->call;
	int nr = na->lib_nr, r;

	if (arch_multiplexes(a->arch) && na->mux) {
		struct filter_rule muxed = *rule;
		struct filter_cond conds[FILTER_MAX_CONDS];
		bool have_arg0 = false;

		if (rule->n_conds > ELEMENTSOF(conds))
			return -E2BIG;
		if (rule->n_conds > 0)
			memcpy(conds, rule->conds, rule->n_conds * sizeof(conds[0]));
		muxed.conds = conds;
		/* socketcall(call, args) / ipc(call, ...): arg0 becomes the call number */
		for (size_t i = 0; i < muxed.n_conds; i++)
			if (conds[i].arg == 0) {
				conds[i] = (struct filter_cond){ 0, KSC_OP_EQ, call, 0 };
				have_arg0 = true;
			}
		if (!have_arg0) {
			if (muxed.n_conds >= ELEMENTSOF(conds))
				return -E2BIG;
			memmove(&conds[1], &conds[0], muxed.n_conds * sizeof(conds[0]));
			conds[0] = (struct filter_cond){ 0, KSC_OP_EQ, call, 0 };
			muxed.n_conds++;
		}
		r = arch_rule_add(f, a, (int)mux_nr, &muxed, src, true);
		if (r < 0)
			return r;
		if (na->has_direct)
			return arch_rule_add(f, a, (int)na->direct, rule, src, false);
		/* No direct syscall: libseccomp still records the rule under its pseudo
		 * number. The program never reaches it, but it takes part in ordering. */
		if (na->lib_r == 0 && nr < 0)
			return arch_rule_add(f, a, nr, rule, src, false);
		return 0;
	}
	if (na->lib_r < 0)
		return 0;
	/* A name this arch lacks gets a pseudo-number entry, except on the multiplexing
	 * arches, whose abi_rule_add() drops it. */
	if (nr < 0 && arch_multiplexes(a->arch))
		return 0;
	return arch_rule_add(f, a, nr, rule, src, false);
}

static uint32_t section_nr_compute(const struct ksc_filter *f, uint32_t token, uint32_t nr);
static uint32_t section_nr(const struct ksc_filter *f, uint32_t token, uint32_t nr);
static int index_build(struct ksc_filter *f);

/* ---------------------------------------------------------------------------------------- */
/* The rule list                                                                              */

static int
cond_cmp(const void *a, const void *b)
{
	const struct filter_cond *x = a, *y = b;

	return x->arg < y->arg ? -1 : x->arg > y->arg;
}

static int
rules_append(struct ksc_filter *f, const struct filter_rule *rule)
{
	struct filter_rule *rules;

	if (f->n_rules == f->cap_rules) {
		size_t cap = f->cap_rules ? 2 * f->cap_rules : 64;

		rules = reallocarray(f->rules, cap, sizeof(*rules));
		if (!rules)
			return -ENOMEM;
		f->rules = rules;
		f->cap_rules = cap;
	}
	f->rules[f->n_rules++] = *rule;
	return 0;
}

/* runc's matchCall() for every name of every entry. */
static int
rules_build(struct ksc_filter *f, struct ksc_diags *diags)
{
	const struct ksc_profile *p = f->profile;
	size_t total = 0, total_conds = 0, n_conds = 0;
	int r;

	/* room for every rule of the list at once: a profile may have hundreds of thousands */
	for (size_t i = 0; i < p->n_rules; i++) {
		total += p->rules[i].n_names *
		         (ksc_rule_args_are_ored(&p->rules[i]) ? p->rules[i].n_args : 1);
		total_conds += p->rules[i].n_args;
	}
	f->rules = reallocarray(NULL, MAX(total, (size_t)1), sizeof(*f->rules));
	f->conds = reallocarray(NULL, MAX(total_conds, (size_t)1), sizeof(*f->conds));
	if (!f->rules || !f->conds)
		return -ENOMEM;
	f->cap_rules = MAX(total, (size_t)1);

	for (size_t i = 0; i < p->n_rules; i++) {
		const struct ksc_rule *pr = &p->rules[i];
		uint32_t action = ksc_rule_ret(pr);
		bool ored = ksc_rule_args_are_ored(pr);
		struct filter_cond *conds = f->conds + n_conds; /* the entry's, for each name */

		/* Docker's single "name" is not an OCI field: runc never sees the entry */
		if (pr->single_name || action == f->default_action)
			continue;
		if (pr->n_args > total_conds - n_conds)
			return -EINVAL; /* counted above */
		for (size_t k = 0; k < pr->n_args; k++)
			conds[k] = (struct filter_cond){ pr->args[k].index, pr->args[k].op,
				                         pr->args[k].value, pr->args[k].value_two };
		if (!ored)
			qsort(conds, pr->n_args, sizeof(conds[0]), cond_cmp);
		n_conds += pr->n_args;
		for (size_t j = 0; j < pr->n_names; j++) {
			struct filter_rule rule = {
				.name = pr->names[j],
				.action = action,
				.profile_rule = i,
				.split_arg = -1,
			};

			if (!name_index_get(&f->names, pr->names[j], &rule.name_id))
				return -EINVAL; /* names_build() saw every name */
			if (!f->name_known[rule.name_id]) {
				struct ksc_pos pos = pr->name_pos ? pr->name_pos[j] : pr->pos;
				char path[64];

				snprintf(path, sizeof(path), "syscalls[%zu].names[%zu]", i, j);
				(void)ksc_diags_addf(diags, KSC_SEVERITY_WARNING, p->source,
				                     pos.line, pos.column, path,
				                     "libseccomp %s does not know the syscall "
				                     "\"%s\": runc skips it",
				                     ksc_libseccomp_version(), pr->names[j]);
				continue;
			}
			if (pr->n_args > 0 && ored) {
				for (size_t k = 0; k < pr->n_args; k++) {
					rule.conds = &conds[k];
					rule.n_conds = 1;
					rule.split_arg = (int)k;
					r = rules_append(f, &rule);
					if (r < 0)
						return r;
				}
				continue;
			}
			if (pr->n_args > FILTER_MAX_CONDS)
				return -E2BIG;
			rule.conds = pr->n_args ? conds : NULL;
			rule.n_conds = pr->n_args;
			r = rules_append(f, &rule);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* runc's findLastSyscalls(): per listed arch, the largest number any name of the profile
 * has there (all entries count, even those equal to the default action). */
static void
stub_build(struct ksc_filter *f, struct ksc_diags *diags)
{
	uint32_t def = f->default_action & KSC_RET_ACTION_FULL;

	/* patchbpf isAllowAction(): no stub when the default lets calls through */
	f->stub = !(def == KSC_RET_ALLOW || def == KSC_RET_LOG || def == KSC_RET_TRACE);
	if (!f->stub)
		return;
	for (size_t a = 0; a < f->n_stub_arches; a++) {
		enum ksc_arch arch = f->stub_arches[a];
		uint32_t max = 0;
		bool dup = false;

		for (size_t b = 0; b < a; b++)
			dup = dup || f->stub_arches[b] == arch;
		if (dup)
			continue;
		/* every name of every entry, each distinct name once, as names_build() resolved
		 * it on this arch (every stub arch is one of the filter's) */
		for (size_t k = 0; k < f->n_arches; k++) {
			if (f->arches[k].arch != arch)
				continue;
			for (size_t id = 0; id < f->names.n; id++) {
				const struct name_arch *na = &f->name_arch[id * f->n_arches + k];

				if (na->lib_r == 0 && na->lib_nr >= 0 && (uint32_t)na->lib_nr > max)
					max = (uint32_t)na->lib_nr;
			}
			break;
		}
		if (max == 0) {
			(void)ksc_diags_addf(diags, KSC_SEVERITY_WARNING, NULL, 0, 0, NULL,
			                     "no syscall of the profile exists on %s: runc adds no "
			                     "ENOSYS stub for it",
			                     ksc_arch_name(arch));
			continue;
		}
		for (size_t k = 0; k < f->n_arches; k++)
			if (f->arches[k].arch == arch)
				f->arches[k].stub_max = max;
	}
}

/* A rule that met, on every arch, a syscall an earlier unconditional rule decides changes
 * nothing in libseccomp's database (db_rule_add() drops it), and neither would its action
 * fail libseccomp's checks where an earlier rule with that action passed them. */
static int
inert_build(struct ksc_filter *f)
{
	_cleanup_(id_map_done) struct id_map actions = { 0 };

	for (size_t i = 0; i < f->n_rules; i++) {
		uint32_t unused;
		int r;

		if (!f->rule_live[i] && f->rule_noop[i] &&
		    id_map_get(&actions, f->rules[i].action, &unused)) {
			f->rule_inert[i] = true;
			continue;
		}
		r = id_map_put(&actions, f->rules[i].action, 0, NULL);
		if (r < 0)
			return r;
	}
	return 0;
}

void
ksc_filter_free(struct ksc_filter *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n_arches; i++) {
		free(f->arches[i].syscalls);
		free(f->arches[i].by_nr);
		id_map_done(&f->arches[i].by_nr_build);
	}
	free(f->rules);
	free(f->conds);
	free(f->rule_mux);
	name_index_done(&f->names);
	free(f->name_known);
	free(f->name_arch);
	free(f->rule_live);
	free(f->rule_noop);
	free(f->rule_inert);
	free(f->tree.nodes);
	free(f);
}

static int
rule_error(const struct ksc_filter *f, const struct filter_rule *rule, int r,
           struct ksc_error **reterr)
{
	const struct ksc_profile *p = f->profile;
	const struct ksc_rule *pr = &p->rules[rule->profile_rule];

	if (r == -EEXIST)
		return ksc_error_setf(
		        reterr, -EINVAL,
		        "%s:%u:%u: syscalls[%zu]: libseccomp %s refuses the rule for %s: another "
		        "rule for it ends on the same comparison with a different action (runc: "
		        "\"unable to init seccomp: error adding seccomp rule for syscall %s: file "
		        "exists\")",
		        p->source, pr->pos.line, pr->pos.column, rule->profile_rule,
		        ksc_libseccomp_version(), rule->name, rule->name);
	if (r == -ETIME)
		return ksc_error_setf(
		        reterr, -ETIME,
		        "%s:%u:%u: syscalls[%zu]: libseccomp %s takes more than %u steps to add "
		        "the rule for %s after the earlier rules for it (it does not loop: its "
		        "merge of one syscall's rules is quadratic): kseccomp gives up, and runc "
		        "would take very long to start the container",
		        p->source, pr->pos.line, pr->pos.column, rule->profile_rule,
		        ksc_libseccomp_version(), TREE_MAX_STEPS, rule->name);
	if (r == -ELOOP)
		return ksc_error_setf(
		        reterr, -ETIMEDOUT,
		        "%s:%u:%u: syscalls[%zu]: libseccomp %s loops forever adding the rule for "
		        "%s after the earlier rules for it (its comparison tree becomes a cycle): "
		        "runc would hang creating the container",
		        p->source, pr->pos.line, pr->pos.column, rule->profile_rule,
		        ksc_libseccomp_version(), rule->name);
	return r;
}

/* runc's arches: the native one, then the profile's list (or exactly the --arch list). The
 * filter has a section for each, and compare and the backends cover the same ones. */
size_t
ksc_compile_arches(const struct ksc_profile *p, const struct ksc_compile_opts *opts,
                   enum ksc_arch *ret_arches, size_t max)
{
	enum ksc_arch native =
	        opts && opts->native != KSC_ARCH_NONE ? opts->native : ksc_arch_native();
	const enum ksc_arch *listed = p->arches;
	size_t n_listed = p->n_arches, n = 0;

	if (opts && opts->n_arches > 0) {
		listed = opts->arches;
		n_listed = opts->n_arches;
	} else if (max > 0)
		ret_arches[n++] = native;
	for (size_t i = 0; i < n_listed; i++) {
		bool dup = false;

		for (size_t j = 0; j < n && !dup; j++)
			dup = ret_arches[j] == listed[i];
		if (!dup && n < max)
			ret_arches[n++] = listed[i];
	}
	return n;
}

int
ksc_filter_new(const struct ksc_profile *p, const struct ksc_compile_opts *opts,
               struct ksc_filter **ret_filter, struct ksc_diags *diags, struct ksc_error **reterr)
{
	return filter_new_blame(p, opts, ret_filter, NULL, diags, reterr);
}

int
filter_new_blame(const struct ksc_profile *p, const struct ksc_compile_opts *opts,
                 struct ksc_filter **ret_filter, const char **blame, struct ksc_diags *diags,
                 struct ksc_error **reterr)
{
	_cleanup_(ksc_filter_freep) struct ksc_filter *f = NULL;
	enum ksc_arch arches[_KSC_ARCH_MAX];
	size_t n;
	int r;

	if (!p || !ret_filter)
		return -EINVAL;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->profile = p;
	f->default_action = ksc_profile_default_ret(p);
	f->bad_arch_action = KSC_RET_KILL_THREAD; /* libseccomp's default; runc keeps it */

	n = ksc_compile_arches(p, opts, arches, ELEMENTSOF(arches));
	for (size_t i = 0; i < n; i++) {
		int nr;

		if (libseccomp_resolve(arches[i], "read", &nr) == -EOPNOTSUPP)
			return ksc_error_setf(reterr, -EOPNOTSUPP,
			                      "%s: libseccomp %s does not know the architecture %s",
			                      p->source, ksc_libseccomp_version(),
			                      ksc_arch_name(arches[i]));
		f->arches[f->n_arches++] = (struct filter_arch){
			.arch = arches[i],
			.token = ksc_arch_audit_token(arches[i]),
			.is_64bit = ksc_arch_is_64bit(arches[i]),
		};
	}
	if (opts && opts->n_arches > 0) {
		for (size_t i = 0; i < opts->n_arches && i < ELEMENTSOF(f->stub_arches); i++)
			f->stub_arches[f->n_stub_arches++] = opts->arches[i];
	} else {
		for (size_t i = 0; i < p->n_arches && i < ELEMENTSOF(f->stub_arches); i++)
			f->stub_arches[f->n_stub_arches++] = p->arches[i];
	}

	r = names_build(f);
	if (r < 0)
		return r;
	r = rules_build(f, diags);
	if (r < 0)
		return r;
	{
		size_t n_names = 0;

		for (size_t i = 0; i < p->n_rules; i++)
			if (!p->rules[i].single_name)
				n_names += p->rules[i].n_names;
		f->bintree = n_names > 32;
	}
	f->rule_mux = calloc(f->n_rules ? f->n_rules : 1, sizeof(bool));
	f->rule_live = calloc(f->n_rules ? f->n_rules : 1, sizeof(bool));
	f->rule_noop = calloc(f->n_rules ? f->n_rules : 1, sizeof(bool));
	f->rule_inert = calloc(f->n_rules ? f->n_rules : 1, sizeof(bool));
	if (!f->rule_mux || !f->rule_live || !f->rule_noop || !f->rule_inert)
		return -ENOMEM;
	for (size_t i = 0; i < f->n_rules; i++)
		for (size_t a = 0; a < f->n_arches; a++) {
			r = arch_add(f, a, &f->rules[i], (uint32_t)i + 1);
			if (r < 0 && blame)
				*blame = f->rules[i].name;
			if (r < 0)
				return rule_error(f, &f->rules[i], r, reterr);
		}
	r = inert_build(f);
	if (r < 0)
		return r;
	/* crun builds no stub: every call the profile does not name gets the default */
	if (!(opts && opts->no_enosys_stub))
		stub_build(f, diags);
	r = index_build(f);
	if (r < 0)
		return r;
	for (size_t i = 0; i < f->n_arches; i++) {
		const struct filter_arch *a = &f->arches[i];
		bool seen = false;

		for (size_t k = 0; k < i; k++)
			seen = seen || f->arches[k].token == a->token;
		if (seen || section_nr(f, a->token, 0) == 0)
			continue;
		(void)ksc_diags_addf(
		        diags, KSC_SEVERITY_WARNING, NULL, 0, 0, NULL,
		        "libseccomp %s builds the %s part of this filter without loading "
		        "the syscall number (the first syscall there in its order is one "
		        "%s lacks): no rule takes effect on %s, every call gets the "
		        "default action",
		        ksc_libseccomp_version(), ksc_arch_name(a->arch), ksc_arch_name(a->arch),
		        ksc_arch_name(a->arch));
	}
	*ret_filter = TAKE_PTR(f);
	return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* Deciding                                                                                   */

static uint32_t
arg_word(const struct ksc_seccomp_data *d, unsigned arg, bool hi)
{
	uint64_t v = arg < 6 ? d->args[arg] : 0;

	return hi ? (uint32_t)(v >> 32) : (uint32_t)v;
}

/* Evaluate a level: the first sibling whose path decides. False when none does (the
 * caller goes on with its own next sibling, or the default action). */
static bool
level_eval(const struct tree *t, uint32_t n, const struct ksc_seccomp_data *d, uint32_t *ret_act,
           uint32_t *ret_src, unsigned depth)
{
	unsigned guard = 0;

	if (depth > 4096)
		return false;
	while (n && N(t, n).prev && guard++ < TREE_MAX_STEPS)
		n = N(t, n).prev;
	for (; n && guard++ < TREE_MAX_STEPS; n = N(t, n).next) {
		const struct node *nd = &N(t, n);
		uint32_t v = arg_word(d, nd->arg, nd->hi) & nd->mask;
		bool yes;

		switch (nd->op) {
		case KSC_OP_GT:
			yes = v > nd->datum;
			break;
		case KSC_OP_GE:
			yes = v >= nd->datum;
			break;
		default:
			yes = v == nd->datum;
			break;
		}
		if (yes ? nd->t : nd->f) {
			if (level_eval(t, yes ? nd->t : nd->f, d, ret_act, ret_src, depth + 1))
				return true;
		} else if (yes ? nd->has_t : nd->has_f) {
			*ret_act = yes ? nd->act_t : nd->act_f;
			*ret_src = yes ? nd->src_t : nd->src_f;
			return true;
		}
	}
	return false;
}

static const struct filter_arch *
filter_section(const struct ksc_filter *f, uint32_t token, uint32_t nr, bool *ret_bad_arch)
{
	const struct filter_arch *x86_64 = NULL, *x32 = NULL;

	*ret_bad_arch = false;
	for (size_t i = 0; i < f->n_arches; i++) {
		if (f->arches[i].token != token)
			continue;
		if (f->arches[i].arch == KSC_ARCH_X86_64)
			x86_64 = &f->arches[i];
		else if (f->arches[i].arch == KSC_ARCH_X32)
			x32 = &f->arches[i];
		else
			return &f->arches[i];
	}
	if (x86_64 && x32)
		return nr & KSC_X32_SYSCALL_BIT ? x32 : x86_64;
	if (x86_64) {
		/* x32 numbers are a bad arch, except -1 (a tracer skipping the call) */
		*ret_bad_arch = nr >= KSC_X32_SYSCALL_BIT && nr != UINT32_MAX;
		return x86_64;
	}
	if (x32) {
		*ret_bad_arch = nr < KSC_X32_SYSCALL_BIT;
		return x32;
	}
	*ret_bad_arch = true;
	return NULL;
}

/*
 * The number a section compares. libseccomp's generator loads seccomp_data.nr in the block
 * of the first syscall of a section in priority order; when that syscall is a pseudo
 * number (a name the arch lacks), its block is skipped and nothing loads the number: every
 * comparison of the section then sees the arch token left in the accumulator, and no rule
 * of the section ever matches. Sections that load the number elsewhere are safe: x86_64
 * or x32 alone (their ABI check loads it) and the binary tree (more than 32 names).
 *
 * section_head() is that first syscall, NULL for the safe sections.
 */
static const struct filter_syscall *
section_head(const struct ksc_filter *f, uint32_t token)
{
	const struct filter_syscall *head = NULL;
	const struct filter_arch *parts[2] = { NULL, NULL };
	size_t n_parts = 0;

	if (f->bintree)
		return NULL;
	for (size_t i = 0; i < f->n_arches && n_parts < 2; i++)
		if (f->arches[i].token == token)
			parts[n_parts++] = &f->arches[i];
	if (n_parts == 1 && (parts[0]->arch == KSC_ARCH_X86_64 || parts[0]->arch == KSC_ARCH_X32))
		return NULL;
	/* a stable sort by descending priority of the entries in ascending (unsigned) number
	 * order, primary arch first: the head is the first entry of highest priority */
	for (size_t p = 0; p < n_parts; p++) {
		const struct filter_arch *a = parts[p];
		const struct filter_syscall *first = NULL;

		for (size_t k = 0; k < a->n_syscalls; k++) {
			const struct filter_syscall *sys = &a->syscalls[k];

			if (!first || sys->priority > first->priority ||
			    (sys->priority == first->priority &&
			     (uint32_t)sys->nr < (uint32_t)first->nr))
				first = sys;
		}
		if (first && (!head || first->priority > head->priority))
			head = first;
	}
	return head;
}

static uint32_t
section_nr_compute(const struct ksc_filter *f, uint32_t token, uint32_t nr)
{
	const struct filter_syscall *head = section_head(f, token);

	return head && head->nr < 0 ? token : nr;
}

/* section_nr_compute(), from what index_build() found. */
static uint32_t
section_nr(const struct ksc_filter *f, uint32_t token, uint32_t nr)
{
	for (size_t i = 0; i < f->n_arches; i++)
		if (f->arches[i].token == token)
			return f->arches[i].nr_not_loaded ? token : nr;
	return nr;
}

/* Sorts v by number: least significant byte first, a stable pass per byte in which the
 * numbers differ (the syscall numbers of a section differ in their low two bytes). */
static int
nr_index_sort(struct nr_index *v, size_t n)
{
	_cleanup_(freep) struct nr_index *tmp = NULL;
	uint32_t differ = 0;

	for (size_t i = 1; i < n; i++)
		differ |= v[i].nr ^ v[0].nr;
	if (differ == 0)
		return 0;
	tmp = malloc(n * sizeof(*tmp));
	if (!tmp)
		return -ENOMEM;
	for (unsigned shift = 0; shift < 32; shift += 8) {
		size_t start[257] = { 0 };

		if (((differ >> shift) & 0xff) == 0)
			continue;
		for (size_t i = 0; i < n; i++)
			start[((v[i].nr >> shift) & 0xff) + 1]++;
		for (size_t b = 1; b < 257; b++)
			start[b] += start[b - 1];
		for (size_t i = 0; i < n; i++)
			tmp[start[(v[i].nr >> shift) & 0xff]++] = v[i];
		memcpy(v, tmp, n * sizeof(*v));
	}
	return 0;
}

/* Once every rule is in: the number index of each arch, and section_nr()'s answer. */
static int
index_build(struct ksc_filter *f)
{
	int r;

	for (size_t i = 0; i < f->n_arches; i++) {
		struct filter_arch *a = &f->arches[i];

		a->nr_not_loaded = section_nr_compute(f, a->token, 0) != 0;
		a->by_nr = malloc((a->n_syscalls + 1) * sizeof(*a->by_nr));
		if (!a->by_nr)
			return -ENOMEM;
		a->n_by_nr = 0;
		for (size_t k = 0; k < a->n_syscalls; k++)
			if (a->syscalls[k].nr >= 0)
				a->by_nr[a->n_by_nr++] =
				        (struct nr_index){ (uint32_t)a->syscalls[k].nr,
					                   (uint32_t)k };
		r = nr_index_sort(a->by_nr, a->n_by_nr);
		if (r < 0)
			return r;
		id_map_done(&a->by_nr_build); /* the rules are in */
	}
	return 0;
}

/* The entry for number nr in arch a, or NULL. */
static const struct filter_syscall *
arch_lookup(const struct filter_arch *a, uint32_t nr)
{
	size_t lo = 0, hi = a->n_by_nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint32_t m = a->by_nr[mid].nr;

		if (m == nr)
			return &a->syscalls[a->by_nr[mid].idx];
		if (m < nr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The stub's arch for (token, nr): x86_64 and x32 share a token, told apart by the bit. */
static const struct filter_arch *
stub_section(const struct ksc_filter *f, uint32_t token, uint32_t nr)
{
	for (size_t i = 0; i < f->n_arches; i++) {
		const struct filter_arch *a = &f->arches[i];

		if (a->token != token || !a->stub_max)
			continue;
		if (a->arch == KSC_ARCH_X86_64 && (nr & KSC_X32_SYSCALL_BIT))
			continue;
		if (a->arch == KSC_ARCH_X32 && !(nr & KSC_X32_SYSCALL_BIT))
			continue;
		return a;
	}
	return NULL;
}

/* leaf_find() up to the lookup of the syscall: the section of (token, nr), with ret made
 * its default; NULL when the stub or the bad arch decides (ret says which). */
static const struct filter_arch *
leaf_section(const struct ksc_filter *f, uint32_t token, uint32_t nr, struct filter_leaf *ret)
{
	const struct filter_arch *a, *stub;
	bool bad_arch;

	*ret = (struct filter_leaf){ .kind = FILTER_LEAF_DEFAULT, .ret = f->default_action };
	stub = f->stub ? stub_section(f, token, nr) : NULL;
	a = filter_section(f, token, nr, &bad_arch);
	if (stub && ((nr == 0 && (stub->arch == KSC_ARCH_S390 || stub->arch == KSC_ARCH_S390X)) ||
	             nr > stub->stub_max)) {
		*ret = (struct filter_leaf){ .kind = FILTER_LEAF_STUB,
			                     .ret = KSC_RET_ERRNO | ENOSYS,
			                     .arch = stub->arch };
		return NULL;
	}
	if (bad_arch) {
		*ret = (struct filter_leaf){ .kind = FILTER_LEAF_BAD_ARCH,
			                     .ret = f->bad_arch_action,
			                     .arch = KSC_ARCH_NONE };
		return NULL;
	}
	ret->arch = a->arch;
	ret->nr_not_loaded = section_nr(f, a->token, nr) != nr;
	return a;
}

/* The entry for nr among the arches of token: with both x86_64 and x32, one section holds
 * the numbers of both, the first arch's entry first. */
static const struct filter_syscall *
token_lookup(const struct ksc_filter *f, uint32_t token, uint32_t nr)
{
	const struct filter_syscall *sys = NULL;

	for (size_t i = 0; i < f->n_arches && !sys; i++)
		if (f->arches[i].token == token)
			sys = arch_lookup(&f->arches[i], nr);
	return sys;
}

static void
leaf_from_syscall(struct filter_leaf *ret, const struct filter_syscall *sys)
{
	if (!sys)
		return;
	if (sys->chains) {
		ret->kind = FILTER_LEAF_TREE;
		ret->root = sys->chains;
	} else {
		ret->kind = FILTER_LEAF_RULE;
		ret->ret = sys->action;
	}
}

/* What decides (token, nr) before the arguments are looked at. ret_sys is the syscall entry
 * behind a FILTER_LEAF_RULE or FILTER_LEAF_TREE leaf. */
static void
leaf_find(const struct ksc_filter *f, uint32_t token, uint32_t nr, struct filter_leaf *ret,
          const struct filter_syscall **ret_sys)
{
	const struct filter_arch *a = leaf_section(f, token, nr, ret);

	*ret_sys = NULL;
	if (!a)
		return;
	*ret_sys = token_lookup(f, a->token, ret->nr_not_loaded ? a->token : nr);
	leaf_from_syscall(ret, *ret_sys);
}

void
filter_leaf(const struct ksc_filter *f, uint32_t token, uint32_t nr, struct filter_leaf *ret)
{
	const struct filter_syscall *sys;

	leaf_find(f, token, nr, ret, &sys);
}

/* The whole decision once the lookup is done: which rule, which arch, why. */
static uint32_t
decision_explain(const struct ksc_filter *f, const struct filter_leaf *leaf,
                 const struct filter_syscall *sys, const struct ksc_seccomp_data *d,
                 struct ksc_decision *ret)
{
	struct ksc_decision dec = { .by = KSC_DECIDED_BY_DEFAULT, .split_arg = -1 };
	uint32_t src = 0, act = 0;
	bool decided = false;

	dec.ret = leaf->ret;
	dec.arch = leaf->arch;
	dec.nr_not_loaded = leaf->nr_not_loaded;
	switch (leaf->kind) {
	case FILTER_LEAF_STUB:
		dec.by = KSC_DECIDED_BY_STUB;
		break;
	case FILTER_LEAF_BAD_ARCH:
		dec.by = KSC_DECIDED_BY_BAD_ARCH;
		break;
	case FILTER_LEAF_RULE:
		src = sys->src;
		act = sys->action;
		decided = true;
		break;
	case FILTER_LEAF_TREE:
		decided = level_eval(&f->tree, sys->chains, d, &act, &src, 0);
		break;
	case FILTER_LEAF_DEFAULT:
		break;
	}
	if (decided) {
		dec.by = KSC_DECIDED_BY_RULE;
		dec.ret = act;
		dec.rule = SIZE_MAX;
		dec.multiplexed = sys->mux;
	}
	if (decided && src > 0 && src <= f->n_rules) {
		const struct filter_rule *rule = &f->rules[src - 1];

		dec.rule = rule->profile_rule;
		dec.name = rule->name;
		dec.split_arg = rule->split_arg;
	}
	*ret = dec;
	return dec.ret;
}

uint32_t
filter_decide_cached(const struct ksc_filter *f, struct filter_lookup *cache,
                     const struct ksc_seccomp_data *d, struct ksc_decision *ret)
{
	struct filter_lookup here;
	uint32_t src, act;

	if (!cache || !cache->valid || cache->token != d->arch || cache->nr != (uint32_t)d->nr) {
		if (!cache)
			cache = &here;
		leaf_find(f, d->arch, (uint32_t)d->nr, &cache->leaf, &cache->sys);
		cache->valid = true;
		cache->token = d->arch;
		cache->nr = (uint32_t)d->nr;
	}
	if (ret)
		return decision_explain(f, &cache->leaf, cache->sys, d, ret);
	/* only the answer: compare asks this millions of times */
	if (cache->leaf.kind == FILTER_LEAF_RULE)
		return cache->sys->action;
	if (cache->leaf.kind == FILTER_LEAF_TREE &&
	    level_eval(&f->tree, cache->sys->chains, d, &act, &src, 0))
		return act;
	return cache->leaf.ret;
}

void
ksc_decision_describe(const struct ksc_decision *d, char *buf, size_t size)
{
	switch (d->by) {
	case KSC_DECIDED_BY_RULE:
		if (d->rule == SIZE_MAX)
			snprintf(buf, size, "rules for %s", d->name ? d->name : "it");
		else
			snprintf(buf, size, "syscalls[%zu] (%s)", d->rule, d->name ? d->name : "?");
		break;
	case KSC_DECIDED_BY_STUB:
		snprintf(buf, size, "runc's ENOSYS stub");
		break;
	case KSC_DECIDED_BY_BAD_ARCH:
		snprintf(buf, size, "the bad-arch action");
		break;
	case KSC_DECIDED_BY_DEFAULT:
	default:
		snprintf(buf, size, "defaultAction");
		break;
	}
}

uint32_t
ksc_filter_decide(const struct ksc_filter *f, const struct ksc_seccomp_data *d,
                  struct ksc_decision *ret)
{
	return filter_decide_cached(f, NULL, d, ret);
}

const struct filter_rule *
filter_rules(const struct ksc_filter *f, size_t *ret_count)
{
	*ret_count = f->n_rules;
	return f->rules;
}

/* A distinct (opcode, k) of libseccomp's program: 0 jeq, 1 jgt, 2 jge. */
static int
insn_seen(struct id_map *seen, unsigned op, uint32_t k, size_t *count)
{
	int r = id_map_put(seen, ((uint64_t)op << 32) | k, 0, NULL);

	if (r > 0)
		(*count)++;
	return r;
}

size_t
filter_libseccomp_min_insns(const struct ksc_filter *f)
{
	_cleanup_(id_map_done) struct id_map seen = { 0 };
	_cleanup_(freep) bool *visited = NULL;
	_cleanup_(freep) uint32_t *stack = NULL;
	const struct tree *t = &f->tree;
	size_t count = 0, n_stack = 0;

	visited = calloc(MAX(t->n, 1u), sizeof(*visited));
	stack = malloc(MAX(t->n, 1u) * sizeof(*stack));
	if (!visited || !stack)
		return 0;
	for (size_t i = 0; i < f->n_arches; i++) {
		const struct filter_arch *a = &f->arches[i];

		for (size_t k = 0; k < a->n_syscalls; k++) {
			const struct filter_syscall *sys = &a->syscalls[k];

			/* _skip_syscall(): pseudo numbers are not in the program */
			if (sys->nr < 0)
				continue;
			if (insn_seen(&seen, 0, (uint32_t)sys->nr, &count) < 0)
				return 0;
			if (sys->chains)
				stack[n_stack++] = sys->chains;
			/* every node of the tree, each level once, from its first sibling */
			while (n_stack > 0) {
				uint32_t n = filter_level_first(f, stack[--n_stack]);

				if (visited[n])
					continue;
				visited[n] = true;
				for (uint32_t guard = 0; n && guard < t->n;
				     n = N(t, n).next, guard++) {
					const struct node *nd = &N(t, n);
					unsigned op = nd->op == KSC_OP_GT   ? 1
					              : nd->op == KSC_OP_GE ? 2
					                                    : 0;

					if (insn_seen(&seen, op, nd->datum, &count) < 0)
						return 0;
					/* a level several parents reach is walked once; a full
					 * stack only makes the bound lower */
					if (nd->t && n_stack < t->n)
						stack[n_stack++] = nd->t;
					if (nd->f && n_stack < t->n)
						stack[n_stack++] = nd->f;
				}
			}
		}
	}
	return count;
}

bool
filter_rule_inert(const struct ksc_filter *f, size_t i)
{
	return i < f->n_rules && f->rule_inert[i];
}

uint32_t
filter_stub_max(const struct ksc_filter *f, enum ksc_arch arch)
{
	if (!f->stub)
		return 0;
	for (size_t i = 0; i < f->n_arches; i++)
		if (f->arches[i].arch == arch)
			return f->arches[i].stub_max;
	return 0;
}

size_t
filter_stub_arches(const struct ksc_filter *f, const enum ksc_arch **ret_arches)
{
	*ret_arches = f->stub_arches;
	return f->n_stub_arches;
}

uint32_t
filter_default_action(const struct ksc_filter *f)
{
	return f->default_action;
}

uint32_t
filter_bad_arch_action(const struct ksc_filter *f)
{
	return f->bad_arch_action;
}

size_t
filter_sections(const struct ksc_filter *f, uint32_t *ret_tokens, enum ksc_arch *ret_arches,
                size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < f->n_arches; i++) {
		bool seen = false;

		for (size_t j = 0; j < i && !seen; j++)
			seen = f->arches[j].token == f->arches[i].token;
		if (seen || n >= max)
			continue;
		ret_tokens[n] = f->arches[i].token;
		ret_arches[n++] = f->arches[i].arch;
	}
	return n;
}

/* One ascending run of breakpoints: the numbers of an arch's syscalls, each followed by the
 * number after it, or a short sorted list. `value` is the current one, UINT64_MAX past the
 * end. */
struct bp_run {
	const struct filter_arch *arch;
	const uint64_t *list;
	size_t n, i; /* arch: 2 * n_by_nr values */
	uint64_t value;
};

static void
bp_run_set(struct bp_run *r)
{
	if (r->i >= r->n)
		r->value = UINT64_MAX;
	else
		r->value = r->arch ? (uint64_t)r->arch->by_nr[r->i / 2].nr + (r->i & 1)
		                   : r->list[r->i];
}

bool
filter_leaf_same(const struct filter_leaf *a, const struct filter_leaf *b)
{
	bool ta = a->kind == FILTER_LEAF_TREE, tb = b->kind == FILTER_LEAF_TREE;

	if (ta != tb)
		return false;
	return ta ? a->root == b->root && a->arch == b->arch : a->ret == b->ret;
}

/*
 * The breakpoints (the numbers where the leaf may change) are merged from ascending runs: the fixed ones and the stubs' limits, and
 * per arch of the token its numbers (from the number index) and the numbers after them. A
 * breakpoint that is a number of some arch's run has that arch's entry, the first arch's
 * first (token_lookup()); any other has none. So no number is searched for.
 */
size_t
filter_intervals(const struct ksc_filter *f, uint32_t token, uint32_t *ret_starts,
                 struct filter_leaf *ret_leaves, size_t max)
{
	struct filter_leaf prev = { 0 };
	uint64_t fixed[8] = { 0, 1, KSC_X32_SYSCALL_BIT, 0x80000000u, 0xc0000000u, UINT32_MAX };
	size_t n_fixed = 6, n_runs = 1, n = 0;
	struct bp_run runs[_KSC_ARCH_MAX + 1];

	for (size_t i = 0; i < f->n_arches; i++) {
		const struct filter_arch *a = &f->arches[i];

		if (a->token != token)
			continue;
		if (a->stub_max && n_fixed < ELEMENTSOF(fixed))
			fixed[n_fixed++] = (uint64_t)a->stub_max + 1;
		if (a->n_by_nr > 0)
			runs[n_runs++] = (struct bp_run){ .arch = a, .n = 2 * a->n_by_nr };
	}
	for (size_t i = 1; i < n_fixed; i++) /* a few values: insertion sort */
		for (size_t j = i; j > 0 && fixed[j - 1] > fixed[j]; j--) {
			uint64_t t = fixed[j];

			fixed[j] = fixed[j - 1];
			fixed[j - 1] = t;
		}
	runs[0] = (struct bp_run){ .list = fixed, .n = n_fixed };
	for (size_t r = 0; r < n_runs; r++)
		bp_run_set(&runs[r]);

	for (;;) {
		const struct filter_syscall *sys = NULL;
		const struct filter_arch *a;
		struct filter_leaf leaf;
		uint64_t v = runs[0].value;

		for (size_t r = 1; r < n_runs; r++)
			v = MIN(v, runs[r].value);
		if (v > UINT32_MAX)
			break;
		/* every run past v; the entry of the first run that has v as a number */
		for (size_t r = 0; r < n_runs; r++)
			for (struct bp_run *run = &runs[r]; run->value == v; bp_run_set(run)) {
				if (run->arch && !(run->i & 1) && !sys)
					sys = &run->arch
					               ->syscalls[run->arch->by_nr[run->i / 2].idx];
				run->i++;
			}
		a = leaf_section(f, token, (uint32_t)v, &leaf);
		if (a && leaf.nr_not_loaded)
			sys = token_lookup(f, a->token, a->token);
		if (a)
			leaf_from_syscall(&leaf, sys);
		if (n > 0 && filter_leaf_same(&prev, &leaf))
			continue;
		if (n < max) {
			ret_starts[n] = (uint32_t)v;
			ret_leaves[n] = leaf;
		}
		prev = leaf;
		n++;
	}
	return n;
}

uint32_t
filter_level_first(const struct ksc_filter *f, uint32_t n)
{
	const struct tree *t = &f->tree;
	unsigned guard = 0;

	while (n && N(t, n).prev && guard++ < TREE_MAX_STEPS)
		n = N(t, n).prev;
	return n;
}

void
filter_node(const struct ksc_filter *f, uint32_t n, struct filter_node *ret)
{
	const struct node *nd = &N(&f->tree, n);

	*ret = (struct filter_node){
		.arg = nd->arg,
		.hi = nd->hi,
		.op = nd->op,
		.mask = nd->mask,
		.datum = nd->datum,
		.has_t = nd->has_t,
		.has_f = nd->has_f,
		.act_t = nd->act_t,
		.act_f = nd->act_f,
		.t = nd->t,
		.f = nd->f,
		.next = nd->next,
	};
}

/* ---------------------------------------------------------------------------------------- */
/* Rules the runtimes do not enforce                                                          */

/*
 * How far an action keeps a call from running as it asked: ALLOW runs it, LOG runs it and
 * leaves a record, TRACE and NOTIFY hand the decision to a tracer or an agent, ERRNO, TRAP
 * and KILL stop it.
 */
static unsigned
ret_strength(uint32_t ret)
{
	switch (ret & KSC_RET_ACTION_FULL) {
	case KSC_RET_ALLOW:
		return 0;
	case KSC_RET_LOG:
		return 1;
	case KSC_RET_TRACE:
	case KSC_RET_USER_NOTIF:
		return 2;
	default:
		return 3;
	}
}

/* A rule whose absence lets a call through: the default action would have let it run where
 * the rule stops it, hands it off or logs it. A rule the default action is as strong as
 * (an ALLOW rule under an ERRNO default, a KILL rule under ERRNO) fails closed when it is
 * left out, and Docker's single "name" is never read by the runtimes (the parser says so). */
static bool
rule_fails_open(const struct ksc_rule *rule, uint32_t def)
{
	return !rule->single_name && ret_strength(def) < 3 &&
	       ret_strength(ksc_rule_ret(rule)) > ret_strength(def);
}

enum unenforced_cause {
	UNENFORCED_UNKNOWN, /* libseccomp does not know the name */
	UNENFORCED_NR_NOT_LOADED,
};

static int
unenforced_add(const struct ksc_filter *f, size_t i, size_t j, enum unenforced_cause cause,
               const enum ksc_arch *arches, size_t n_arches, const char *first,
               enum ksc_severity severity, struct ksc_diags *diags)
{
	const struct ksc_profile *p = f->profile;
	const struct ksc_rule *rule = &p->rules[i];
	struct ksc_pos pos = rule->name_pos ? rule->name_pos[j] : rule->pos;
	char path[64], def[32], want[32], where[256];
	size_t n = 0;

	snprintf(path, sizeof(path), "syscalls[%zu].names[%zu]", i, j);
	ksc_ret_format(f->default_action, def, sizeof(def));
	ksc_ret_format(ksc_rule_ret(rule), want, sizeof(want));
	where[0] = '\0';
	for (size_t k = 0; k < n_arches && n < sizeof(where); k++) {
		int w = snprintf(where + n, sizeof(where) - n, "%s%s",
		                 k == 0              ? ""
		                 : k + 1 == n_arches ? " and "
		                                     : ", ",
		                 ksc_arch_name(arches[k]));

		if (w < 0)
			break;
		n += (size_t)w;
	}
	switch (cause) {
	case UNENFORCED_UNKNOWN:
		return ksc_diags_addf(diags, severity, p->source, pos.line, pos.column, path,
		                      "runc and crun (libseccomp %s) do not enforce this rule for "
		                      "\"%s\" on %s: libseccomp does not know the syscall and they "
		                      "skip it, so the call gets the default action %s, not %s",
		                      ksc_libseccomp_version(), rule->names[j], where, def, want);
	case UNENFORCED_NR_NOT_LOADED:
	default:
		return ksc_diags_addf(
		        diags, severity, p->source, pos.line, pos.column, path,
		        "runc and crun (libseccomp %s) do not enforce this rule for \"%s\" on %s: "
		        "libseccomp builds the %s part of the filter without loading the syscall "
		        "number (its first syscall there, \"%s\", has no number of its own on %s), "
		        "so no rule takes effect there and the call gets the default action %s, "
		        "not %s",
		        ksc_libseccomp_version(), rule->names[j], where, where, first, where, def,
		        want);
	}
}

/* One rule name on every arch of the filter. Returns the number of diagnostics added. */
static int
unenforced_name(const struct ksc_filter *f, size_t i, size_t j, enum ksc_severity severity,
                struct ksc_diags *diags)
{
	const char *name = f->profile->rules[i].names[j];
	enum ksc_arch unknown[_KSC_ARCH_MAX];
	size_t n_unknown = 0;
	bool known;
	int nr, r, count = 0;

	known = libseccomp_resolve(KSC_ARCH_NONE, name, &nr) == 0;
	for (size_t k = 0; k < f->n_arches; k++) {
		const struct filter_arch *a = &f->arches[k];
		const struct filter_syscall *head;
		uint32_t knr, mux, call;
		bool direct = ksc_syscall_resolve_name(a->arch, name, &knr) == 0;
		bool muxed = ksc_syscall_multiplexed(a->arch, name, &mux, &call) > 0;

		/* not a syscall of this arch: there is no call to stop */
		if (!direct && !muxed)
			continue;
		if (!known) {
			unknown[n_unknown++] = a->arch;
			continue;
		}
		/* A name libseccomp knows but maps to a pseudo number on this arch is taken to
		 * be absent there: where its table and ours differ (map_shadow_stack on x32),
		 * the kernel's syscall_64.tbl agrees with libseccomp (ABI "64", not x32). */
		if (!a->nr_not_loaded)
			continue;
		head = section_head(f, a->token);
		r = unenforced_add(f, i, j, UNENFORCED_NR_NOT_LOADED, &a->arch, 1,
		                   head && head->src ? f->rules[head->src - 1].name : "?", severity,
		                   diags);
		if (r < 0)
			return r;
		count++;
	}
	if (n_unknown > 0) {
		r = unenforced_add(f, i, j, UNENFORCED_UNKNOWN, unknown, n_unknown, NULL, severity,
		                   diags);
		if (r < 0)
			return r;
		count++;
	}
	return count;
}

int
ksc_profile_unenforced(const struct ksc_profile *p, const struct ksc_compile_opts *opts,
                       enum ksc_severity severity, struct ksc_diags *diags)
{
	_cleanup_(ksc_filter_freep) struct ksc_filter *f = NULL;
	uint32_t def;
	bool any = false;
	int r, count = 0;

	if (!p)
		return -EINVAL;
	def = ksc_profile_default_ret(p);
	for (size_t i = 0; i < p->n_rules && !any; i++)
		any = rule_fails_open(&p->rules[i], def);
	if (!any)
		return 0;
	/* A profile libseccomp refuses or loops on never runs: compiling it says why. */
	r = ksc_filter_new(p, opts, &f, NULL, NULL);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return 0;
	for (size_t i = 0; i < p->n_rules; i++) {
		if (!rule_fails_open(&p->rules[i], def))
			continue;
		for (size_t j = 0; j < p->rules[i].n_names; j++) {
			r = unenforced_name(f, i, j, severity, diags);
			if (r < 0)
				return r;
			count += r;
		}
	}
	return count;
}
