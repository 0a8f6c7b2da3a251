/* SPDX-License-Identifier: Apache-2.0 */
/*
 * How long reading and validating a profile takes: parse + validate a file N times and
 * print the median per-iteration time. Usage: bench-profile-parse FILE [ITERATIONS].
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "doc.h"
#include "kseccomp.h"

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
	char *buf = NULL;
	size_t len = 0;
	long n = argc > 2 ? strtol(argv[2], NULL, 10) : 1000;
	double *t;

	if (argc < 2 || n <= 0) {
		fprintf(stderr, "usage: %s FILE [ITERATIONS]\n", argv[0]);
		return 2;
	}
	if (ksc_doc_read_file(argv[1], KSC_PROFILE_MAX_BYTES, &buf, &len, NULL) < 0) {
		fprintf(stderr, "%s: cannot read\n", argv[1]);
		return 1;
	}
	t = calloc((size_t)n, sizeof(*t));
	if (!t)
		return 1;
	for (long i = 0; i < n; i++) {
		struct ksc_profile *p = NULL;
		struct timespec a, b;

		clock_gettime(CLOCK_MONOTONIC, &a);
		if (ksc_profile_parse(argv[1], buf, len, NULL, &p, NULL, NULL) < 0) {
			fprintf(stderr, "%s: invalid profile\n", argv[1]);
			return 1;
		}
		clock_gettime(CLOCK_MONOTONIC, &b);
		ksc_profile_free(p);
		t[i] = (double)(b.tv_sec - a.tv_sec) * 1e6 + (double)(b.tv_nsec - a.tv_nsec) / 1e3;
	}
	qsort(t, (size_t)n, sizeof(*t), cmp_double);
	printf("%s: %zu bytes, median %.1f us, p90 %.1f us over %ld iterations\n", argv[1], len,
	       t[n / 2], t[(n * 9) / 10], n);
	free(t);
	free(buf);
	return 0;
}
