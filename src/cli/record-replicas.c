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

/* Which of the replicas recs[idx[0..m-1]] made which syscalls, said. */
static void
say_replicas(const char *name, const struct record_container *cs, const struct recording *recs,
             const size_t *idx, size_t m)
{
	const struct recording **group = calloc(m, sizeof(*group));
	const char **labels = calloc(m, sizeof(*labels));
	struct ksc_coverage *v = NULL;
	size_t n_v = 0, all = 0;

	for (size_t k = 0; group && labels && k < m; k++) {
		group[k] = &recs[idx[k]];
		labels[k] = cs[idx[k]].pod;
	}
	if (!group || !labels || recording_coverage(group, m, &v, &n_v) < 0) {
		cli_fail(-ENOMEM, NULL, "record");
	} else {
		for (size_t i = 0; i < n_v; i++)
			all += v[i].count == m;
		fprintf(stderr,
		        "kseccomp: container %s: %zu replicas made %zu syscalls, %zu of them all "
		        "%zu\n",
		        cli_escape(name), m, n_v, all, m);
		cli_print_coverage(v, n_v, m, labels);
	}
	free(group);
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
			say_replicas(cs[i].name, cs, recs, idx, m);
		if (record_write_container(o, &cs[i], &merged, m))
			status = 1;
		recording_done(&merged);
	}
	free(done);
	free(idx);
	return status;
}
