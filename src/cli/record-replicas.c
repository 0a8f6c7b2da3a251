/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kseccomp record --selector: the same container in each pod the selector matches (a
 * workload's replicas on this node), recorded at once; the recordings of each container name
 * merged into one profile, and the syscalls only some replicas made named with the pods that
 * made them, since a replica that has not made them yet may make them later.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record-cri.h"

/* Whether a recording made a syscall of this name, on any arch. */
static bool
made(const struct recording *rec, const char *name)
{
	for (size_t i = 0; i < rec->n_seen; i++) {
		const char *seen = ksc_syscall_name(rec->seen[i].arch, rec->seen[i].nr);

		if (seen && streq(seen, name))
			return true;
	}
	return false;
}

static int
by_count(const void *a, const void *b)
{
	const struct ksc_coverage *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->name, y->name);
}

/* The coverage of merged's syscalls by the replicas recs[idx[0..m-1]], said. */
static void
say_replicas(const char *name, const struct record_container *cs, const struct recording *recs,
             const size_t *idx, size_t m, const struct recording *merged)
{
	struct ksc_coverage *v = calloc(merged->n_seen + 1, sizeof(*v));
	const char **labels = calloc(m, sizeof(*labels));
	size_t n_v = 0, all = 0;

	for (size_t i = 0; v && labels && i < merged->n_seen; i++) {
		const char *sys = ksc_syscall_name(merged->seen[i].arch, merged->seen[i].nr);
		bool known = false;

		for (size_t k = 0; sys && k < n_v && !known; k++)
			known = streq(v[k].name, sys);
		if (!sys || known)
			continue;
		v[n_v] =
		        (struct ksc_coverage){ .name = strdup(sys), .in = calloc(m, sizeof(bool)) };
		if (!v[n_v].name || !v[n_v].in) {
			n_v++;
			goto out;
		}
		for (size_t k = 0; k < m; k++)
			if ((v[n_v].in[k] = made(&recs[idx[k]], sys)))
				v[n_v].count++;
		all += v[n_v].count == m;
		n_v++;
	}
	if (!v || !labels)
		goto out;
	qsort(v, n_v, sizeof(*v), by_count);
	for (size_t k = 0; k < m; k++)
		labels[k] = cs[idx[k]].pod;
	fprintf(stderr,
	        "kseccomp: container %s: %zu replicas made %zu syscalls, %zu of them all %zu\n",
	        cli_escape(name), m, n_v, all, m);
	cli_print_coverage(v, n_v, m, labels);
	free(labels);
	ksc_coverage_free(v, n_v);
	return;
out:
	cli_fail(-ENOMEM, NULL, "record");
	free(labels);
	ksc_coverage_free(v, n_v);
}

int
record_write_replicas(const struct record_cri_opts *o, const struct record_container *cs,
                      struct recording *recs, size_t n)
{
	bool *done = calloc(n ? n : 1, sizeof(*done));
	size_t *idx = calloc(n ? n : 1, sizeof(*idx));
	int status = 0;

	if (!done || !idx) {
		free(done);
		free(idx);
		return cli_fail(-ENOMEM, NULL, "record");
	}
	for (size_t i = 0; i < n; i++) {
		struct recording merged = { 0 };
		size_t m = 0;

		if (done[i])
			continue;
		for (size_t j = i; j < n; j++)
			if (!done[j] && streq(cs[j].name, cs[i].name)) {
				done[j] = true;
				idx[m++] = j;
				recording_include(&merged, &recs[j]);
				merged.method = recs[j].method;
			}
		if (!o->quiet && m > 1)
			say_replicas(cs[i].name, cs, recs, idx, m, &merged);
		if (record_write_container(o, &cs[i], &merged, m))
			status = 1;
		recording_done(&merged);
	}
	free(done);
	free(idx);
	return status;
}
