/* SPDX-License-Identifier: Apache-2.0 */
/* name-index: hash tables for names and ids (see name-index.h). */
#include "name-index.h"

#include "macro.h"

static uint64_t
string_hash(const char *s)
{
	/* FNV-1a */
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}

/* The slot of name, or the empty slot where it would go. */
static size_t
name_slot(const struct name_index *x, const char *name)
{
	size_t mask = x->n_slots - 1, k = (size_t)string_hash(name) & mask;

	while (x->slots[k] && !streq(x->names[x->slots[k] - 1], name))
		k = (k + 1) & mask;
	return k;
}

bool
name_index_get(const struct name_index *x, const char *name, size_t *ret_id)
{
	size_t k;

	if (x->n == 0)
		return false;
	k = name_slot(x, name);
	if (!x->slots[k])
		return false;
	*ret_id = x->slots[k] - 1;
	return true;
}

int
name_index_put(struct name_index *x, const char *name, size_t *ret_id)
{
	size_t k;

	if (2 * (x->n + 1) >= x->n_slots) {
		size_t n_slots = x->n_slots ? 2 * x->n_slots : 64;
		uint32_t *slots;
		const char **names;

		if (n_slots / 2 > UINT32_MAX)
			return -ENOMEM;
		names = reallocarray(x->names, n_slots / 2, sizeof(*names));
		if (!names)
			return -ENOMEM;
		x->names = names;
		slots = calloc(n_slots, sizeof(*slots));
		if (!slots)
			return -ENOMEM;
		free(x->slots);
		x->slots = slots;
		x->n_slots = n_slots;
		for (size_t id = 0; id < x->n; id++)
			x->slots[name_slot(x, x->names[id])] = (uint32_t)id + 1;
	}
	k = name_slot(x, name);
	if (x->slots[k]) {
		*ret_id = x->slots[k] - 1;
		return 0;
	}
	x->names[x->n] = name;
	x->slots[k] = (uint32_t)++x->n;
	*ret_id = x->n - 1;
	return 1;
}

void
name_index_done(struct name_index *x)
{
	free(x->names);
	free(x->slots);
	*x = (struct name_index){ 0 };
}

int
name_index_rules_build(const struct ksc_profile *p, const struct name_index *x, unsigned flags,
                       struct name_index_rules *ret)
{
	_cleanup_(freep) size_t *last = NULL, *fill = NULL;
	_cleanup_(freep) uint32_t *ids = NULL; /* each selected name's id + 1 (0: not in x) */
	struct name_index_rules b = { 0 };
	size_t id, n_ids = 0, at;

	for (size_t k = 0; k < p->n_rules; k++)
		n_ids += p->rules[k].n_names;
	b.start = calloc(x->n + 1, sizeof(*b.start));
	last = malloc(MAX(x->n, (size_t)1) * sizeof(*last));
	fill = calloc(x->n + 1, sizeof(*fill));
	ids = calloc(MAX(n_ids, (size_t)1), sizeof(*ids));
	if (!b.start || !last || !fill || !ids) {
		free(b.start);
		return -ENOMEM;
	}
	/* count, then fill: a rule naming a name twice is listed once */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t n = 0; n < x->n; n++)
			last[n] = SIZE_MAX;
		at = 0;
		for (size_t k = 0; k < p->n_rules; k++) {
			const struct ksc_rule *r = &p->rules[k];

			if (((flags & NAME_INDEX_SKIP_SINGLE_NAME) && r->single_name) ||
			    ((flags & NAME_INDEX_ARGS_ONLY) && r->n_args == 0)) {
				at += r->n_names;
				continue;
			}
			for (size_t j = 0; j < r->n_names; j++, at++) {
				/* names are hashed once: the second pass reads the ids */
				if (pass == 0 && name_index_get(x, r->names[j], &id))
					ids[at] = (uint32_t)id + 1;
				if (ids[at] == 0 || last[ids[at] - 1] == k)
					continue;
				id = ids[at] - 1;
				last[id] = k;
				if (pass == 0)
					b.start[id + 1]++;
				else
					b.rules[b.start[id] + fill[id]++] = k;
			}
		}
		if (pass == 0) {
			for (size_t n = 0; n < x->n; n++)
				b.start[n + 1] += b.start[n];
			b.rules = malloc(MAX(b.start[x->n], (size_t)1) * sizeof(*b.rules));
			if (!b.rules) {
				free(b.start);
				return -ENOMEM;
			}
		}
	}
	*ret = b;
	return 0;
}

void
name_index_rules_done(struct name_index_rules *b)
{
	free(b->start);
	free(b->rules);
	*b = (struct name_index_rules){ 0 };
}

static size_t
key_slot(const struct id_map *m, uint64_t key)
{
	size_t mask = m->n_slots - 1;
	/* splitmix64's finalizer: keys are often small and sequential */
	uint64_t h = key;

	h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
	h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
	h ^= h >> 31;
	for (size_t k = (size_t)h & mask;; k = (k + 1) & mask)
		if (!m->ids[k] || m->keys[k] == key)
			return k;
}

int
id_map_put(struct id_map *m, uint64_t key, uint32_t id, uint32_t *ret_id)
{
	size_t k;

	if (id == UINT32_MAX)
		return -ERANGE;
	if (2 * (m->n + 1) >= m->n_slots) {
		size_t n_slots = m->n_slots ? 2 * m->n_slots : 64;
		struct id_map grown = {
			.keys = calloc(n_slots, sizeof(uint64_t)),
			.ids = calloc(n_slots, sizeof(uint32_t)),
			.n = m->n,
			.n_slots = n_slots,
		};

		if (!grown.keys || !grown.ids) {
			free(grown.keys);
			free(grown.ids);
			return -ENOMEM;
		}
		for (size_t i = 0; i < m->n_slots; i++)
			if (m->ids[i]) {
				k = key_slot(&grown, m->keys[i]);
				grown.keys[k] = m->keys[i];
				grown.ids[k] = m->ids[i];
			}
		free(m->keys);
		free(m->ids);
		*m = grown;
	}
	k = key_slot(m, key);
	if (m->ids[k]) {
		if (ret_id)
			*ret_id = m->ids[k] - 1;
		return 0;
	}
	m->keys[k] = key;
	m->ids[k] = id + 1;
	m->n++;
	if (ret_id)
		*ret_id = id;
	return 1;
}

bool
id_map_get(const struct id_map *m, uint64_t key, uint32_t *ret_id)
{
	size_t k;

	if (m->n == 0)
		return false;
	k = key_slot(m, key);
	if (!m->ids[k])
		return false;
	*ret_id = m->ids[k] - 1;
	return true;
}

void
id_map_done(struct id_map *m)
{
	free(m->keys);
	free(m->ids);
	*m = (struct id_map){ 0 };
}
