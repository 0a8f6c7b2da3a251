/* SPDX-License-Identifier: Apache-2.0 */
/*
 * name-index: lookups that keep the verbs linear on large profiles. Profiles of 100,000
 * rules repeat a few hundred names: lint, merge, compare and show ask "which rules name
 * this?" for each name, and scanning every rule per name made those verbs quadratic.
 *
 *   - struct name_index: the distinct strings (syscall names), each with a dense id in order
 *     of first appearance;
 *   - struct name_index_rules: one profile's rules by name id, in profile order;
 *   - struct id_map: 64-bit keys (pairs of ids, return values) to ids.
 *
 * Open-addressing hash tables (linear probing, at most half full). Strings are borrowed:
 * they must outlive the index.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "profile.h"

struct name_index {
	const char **names; /* by id */
	size_t n;
	uint32_t *slots; /* id + 1; 0: empty */
	size_t n_slots;  /* a power of two, more than twice n */
};

/* Add name (borrowed) unless it is there. Returns 1 if it was added, 0 if it was there,
 * -ENOMEM; *ret_id is its id either way. */
int name_index_put(struct name_index *x, const char *name, size_t *ret_id);
/* The id of name, if it is in the index. */
bool name_index_get(const struct name_index *x, const char *name, size_t *ret_id);
void name_index_done(struct name_index *x);

struct name_index_rules {
	size_t *start; /* the rules of name n are rules[start[n]] .. rules[start[n + 1] - 1] */
	size_t *rules; /* indexes into the profile's rules, ascending within a name */
};

enum {
	NAME_INDEX_SKIP_SINGLE_NAME = 1 << 0, /* leave out Docker's single-"name" rules */
	NAME_INDEX_ARGS_ONLY = 1 << 1,        /* only rules with conditions on arguments */
};

/* The rules of p that name each name of x (names x lacks are left out), each rule once per
 * name, as flags select. */
int name_index_rules_build(const struct ksc_profile *p, const struct name_index *x, unsigned flags,
                           struct name_index_rules *ret);
void name_index_rules_done(struct name_index_rules *b);

struct id_map {
	uint64_t *keys;
	uint32_t *ids; /* id + 1; 0: empty */
	size_t n;
	size_t n_slots; /* a power of two, more than twice n */
};

/* Map key to id unless it is mapped. Returns 1 if it was added, 0 if it was there (then
 * *ret_id is the id it has), -ENOMEM or -ERANGE (id UINT32_MAX). */
int id_map_put(struct id_map *m, uint64_t key, uint32_t id, uint32_t *ret_id);
bool id_map_get(const struct id_map *m, uint64_t key, uint32_t *ret_id);
void id_map_done(struct id_map *m);
