/* SPDX-License-Identifier: Apache-2.0 */
/*
 * filter: the intermediate form every backend compiles from (DESIGN.md "filter").
 *
 * Two layers, both with the runtimes' semantics applied:
 *
 *   - the rule list: what runc hands to libseccomp, in order. One rule per syscall name of
 *     each profile entry, rules equal to the default action and Docker-only entries
 *     dropped, names the runtime's libseccomp does not know dropped with a warning, an
 *     entry whose argument indexes repeat split into one rule per condition (OR), and the
 *     conditions of a rule sorted by argument index as libseccomp stores them;
 *
 *   - per architecture, the decision structure libseccomp builds from that list: for each
 *     syscall number either an action or a tree of 32-bit comparisons, merged rule by rule
 *     with libseccomp's rules for overlapping and conflicting conditions, the socketcall and
 *     ipc multiplexers of x86, s390, ppc and mips o32, the x32 and bad-arch checks, and
 *     runc's ENOSYS stub.
 *
 * ksc_filter_decide() evaluates the second layer. The libseccomp backend compiles the first.
 */
#pragma once

#include "kseccomp.h"
#include "profile.h"

/* Whether an arch is little-endian (__AUDIT_ARCH_LE in its token): seccomp_data's 64-bit
 * arguments are in its byte order. */
static inline bool
filter_arch_le(enum ksc_arch arch)
{
	return ksc_arch_audit_token(arch) & 0x40000000u;
}

/* One comparison of a rule, as libseccomp's scmp_arg_cmp: for MASKED_EQ, value is the mask
 * and value_two the datum; other operators compare with value. */
struct filter_cond {
	unsigned arg;
	enum ksc_op op;
	uint64_t value;
	uint64_t value_two;
};

/* The most comparisons a rule can have: one per syscall argument. */
#define FILTER_MAX_CONDS 6

/* One rule as runc adds it with seccomp_rule_add_array(). */
struct filter_rule {
	const char *name; /* borrowed from the profile */
	uint32_t action;  /* SECCOMP_RET_* with its data */
	/* n_conds comparisons, sorted by argument; borrowed from the filter, which keeps one
	 * copy per profile entry (or per OR-split argument) for all the entry's names: a
	 * large profile has hundreds of thousands of rules and few conditions */
	const struct filter_cond *conds;
	size_t n_conds;
	size_t profile_rule; /* index in the profile's syscalls[] */
	size_t name_id;      /* the filter's own numbering of the profile's names */
	int split_arg;       /* -1, or the args[] entry an OR split made this rule from */
};

/* ksc_filter_new(), also saying whose rules libseccomp would refuse or loop on: on -EINVAL
 * or -ETIMEDOUT for a rule, *blame (when blame is not NULL) is its syscall's name, borrowed
 * from the profile. */
int filter_new_blame(const struct ksc_profile *p, const struct ksc_compile_opts *opts,
                     struct ksc_filter **ret_filter, const char **blame, struct ksc_diags *diags,
                     struct ksc_error **reterr);

/* The rule list (first layer). Borrowed from the filter. */
const struct filter_rule *filter_rules(const struct ksc_filter *f, size_t *ret_count);

/* Whether rule i of the list changes nothing in libseccomp's database: on every arch, an
 * earlier unconditional rule already decides its syscall, and an earlier rule passed its
 * action. Leaving such rules out gives libseccomp's program unchanged, faster (libseccomp
 * 2.5.4 walks its list of every earlier rule for each one added). */
bool filter_rule_inert(const struct ksc_filter *f, size_t i);

/* A lower bound of the length of libseccomp's program for the filter, 0 on ENOMEM. Its code
 * generator (gen_bpf.c _gen_bpf_syscall(), _gen_bpf_node()) emits a "jeq #nr" for each
 * syscall of its database and a jeq, jgt or jge on the datum for each comparison node; it
 * shares identical blocks, but one instruction never stands for two different (opcode, k)
 * pairs, so the distinct pairs are a bound. It takes minutes to generate the programs of
 * trees with thousands of comparisons, which the kernel would refuse anyway. */
size_t filter_libseccomp_min_insns(const struct ksc_filter *f);

/* The largest syscall number the ENOSYS stub lets through on arch, 0 when arch has no
 * stub. */
uint32_t filter_stub_max(const struct ksc_filter *f, enum ksc_arch arch);

/* The architectures of the stub (the profile's listed ones, or the --arch list). */
size_t filter_stub_arches(const struct ksc_filter *f, const enum ksc_arch **ret_arches);

/* ---------------------------------------------------------------------------------------- */
/* The decision structure, for code generators                                               */

enum filter_leaf_kind {
	FILTER_LEAF_DEFAULT,  /* no rule names the number: the default action */
	FILTER_LEAF_RULE,     /* one action for every argument */
	FILTER_LEAF_TREE,     /* the arguments decide: a tree of comparisons */
	FILTER_LEAF_STUB,     /* runc's ENOSYS stub */
	FILTER_LEAF_BAD_ARCH, /* an arch (or x32/x86_64 ABI) the filter does not cover */
};

/* What decides the calls of one (arch token, syscall number) before any argument is read. */
struct filter_leaf {
	enum filter_leaf_kind kind;
	uint32_t ret;       /* the action, unless kind is FILTER_LEAF_TREE */
	uint32_t root;      /* FILTER_LEAF_TREE: the first level; when no node of the tree
	                     * decides, the default action does */
	enum ksc_arch arch; /* the section (its word order); KSC_ARCH_NONE for the bad arch */
	bool nr_not_loaded; /* see struct ksc_decision */
};

/*
 * ksc_filter_decide() for a caller that decides many inputs of one syscall in a row (compare,
 * on its millions of inputs): the lookup of (arch, nr) is kept in *cache (zero it first) and
 * reused while they stay the same. A cache belongs to one filter.
 */
struct filter_syscall;
struct filter_lookup {
	bool valid;
	uint32_t token;
	uint32_t nr;
	struct filter_leaf leaf;
	const struct filter_syscall *sys;
};

uint32_t filter_decide_cached(const struct ksc_filter *f, struct filter_lookup *cache,
                              const struct ksc_seccomp_data *d, struct ksc_decision *ret);

/* ksc_filter_decide() without the arguments: the same lookup, stopped at the tree. */
void filter_leaf(const struct ksc_filter *f, uint32_t token, uint32_t nr, struct filter_leaf *ret);

uint32_t filter_default_action(const struct ksc_filter *f);
uint32_t filter_bad_arch_action(const struct ksc_filter *f);

/* The distinct arch tokens the filter covers, in its order, each with the arch of its first
 * section (x86_64 and x32 share AUDIT_ARCH_X86_64). Returns how many (at most max). */
size_t filter_sections(const struct ksc_filter *f, uint32_t *ret_tokens, enum ksc_arch *ret_arches,
                       size_t max);

/* Do a and b decide alike: one action without the arguments, or the same tree read in the
 * same word order? */
bool filter_leaf_same(const struct filter_leaf *a, const struct filter_leaf *b);

/* The intervals of token's syscall numbers (0 to 2^32 - 1) that decide alike: ascending
 * starts, 0 the first, each with its filter_leaf(); two in a row never decide alike.
 * Writes at most max and returns how many there are. */
size_t filter_intervals(const struct ksc_filter *f, uint32_t token, uint32_t *ret_starts,
                        struct filter_leaf *ret_leaves, size_t max);

/* One comparison of a tree: the word (arg, high or low half) & mask against datum with op
 * (EQ, MASKED_EQ as EQ after the mask, GT, GE). When true: the level t if any, else act_t
 * if has_t, else the next sibling; when false likewise with f. A level whose siblings all
 * fall through decides nothing: its parent goes on with its own next sibling. */
struct filter_node {
	unsigned arg;
	bool hi;
	enum ksc_op op;
	uint32_t mask, datum;
	bool has_t, has_f;
	uint32_t act_t, act_f;
	uint32_t t, f; /* 0: none */
	uint32_t next; /* 0: none */
};

/* The first sibling of the level n belongs to. */
uint32_t filter_level_first(const struct ksc_filter *f, uint32_t n);
void filter_node(const struct ksc_filter *f, uint32_t n, struct filter_node *ret);
