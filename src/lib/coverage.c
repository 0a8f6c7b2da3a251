/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Which of several profiles (ksc_profile_coverage()) or recordings allow or use each syscall:
 * the annotation of a merge of a workload's replicas.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "coverage.h"
#include "macro.h"

void
coverage_note(struct coverage_builder *b, const char *name, size_t i)
{
	struct ksc_coverage *e = NULL;

	for (size_t k = 0; k < b->n && !e; k++)
		if (streq(b->v[k].name, name))
			e = &b->v[k];
	if (!e) {
		if (b->oom)
			return;
		if (b->n == b->cap) {
			size_t cap = b->cap ? b->cap * 2 : 64;
			struct ksc_coverage *grown = reallocarray(b->v, cap, sizeof(*grown));

			if (!grown) {
				b->oom = true;
				return;
			}
			b->v = grown;
			b->cap = cap;
		}
		e = &b->v[b->n];
		*e = (struct ksc_coverage){ .name = strdup(name),
			                    .in = calloc(b->n_inputs ? b->n_inputs : 1,
			                                 sizeof(bool)) };
		b->n++;
		if (!e->name || !e->in) {
			b->oom = true;
			return;
		}
	}
	if (!e->in[i]) {
		e->in[i] = true;
		e->count++;
	}
}

static int
coverage_order(const void *a, const void *b)
{
	const struct ksc_coverage *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->name, y->name);
}

int
coverage_finish(struct coverage_builder *b, struct ksc_coverage **ret, size_t *ret_n)
{
	*ret = NULL;
	*ret_n = 0;
	if (b->oom) {
		ksc_coverage_free(b->v, b->n);
		*b = (struct coverage_builder){ 0 };
		return -ENOMEM;
	}
	if (b->n > 1)
		qsort(b->v, b->n, sizeof(*b->v), coverage_order);
	*ret = b->v;
	*ret_n = b->n;
	*b = (struct coverage_builder){ 0 };
	return 0;
}

void
ksc_coverage_free(struct ksc_coverage *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].name);
		free(v[i].in);
	}
	free(v);
}

int
ksc_profile_coverage(const struct ksc_profile *const *ps, size_t n_ps, struct ksc_coverage **ret,
                     size_t *ret_n)
{
	struct coverage_builder b = { .n_inputs = n_ps };

	for (size_t i = 0; i < n_ps; i++) {
		uint32_t def = ksc_profile_default_ret(ps[i]);

		for (size_t r = 0; r < ksc_profile_rule_count(ps[i]); r++) {
			const struct ksc_rule *rule = ksc_profile_rule(ps[i], r);

			if (ksc_rule_ret(rule) == def)
				continue;
			for (size_t k = 0; k < ksc_rule_name_count(rule); k++)
				coverage_note(&b, ksc_rule_name(rule, k), i);
		}
	}
	return coverage_finish(&b, ret, ret_n);
}
