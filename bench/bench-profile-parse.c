/* SPDX-License-Identifier: Apache-2.0 */
/*
 * How long reading a profile takes, side by side in one run: the JSON reader (doc-json.c)
 * and libyaml (the YAML reader, which read JSON profiles before) on the same bytes, then the
 * whole ksc_profile_parse() (reading plus the profile model). The three are interleaved
 * within each iteration so that load on the machine falls on all of them alike.
 *
 * Usage: bench-profile-parse [-n ITERATIONS] [--only json|libyaml|profile] FILE...
 *
 * --only runs one way and prints nothing but errors: for counting instructions with
 * `valgrind --tool=callgrind`, which a noisy machine does not disturb. The program uses
 * only ksc_doc_parse() and ksc_profile_parse(), so it also builds against an older
 * libkseccomp.a (see BENCHMARKS.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "doc.h"
#include "kseccomp.h"

enum { JSON_READER, LIBYAML, PROFILE, N_WAYS };

static const char *const way_names[N_WAYS] = {
	[JSON_READER] = "JSON reader",
	[LIBYAML] = "libyaml",
	[PROFILE] = "ksc_profile_parse",
};

static double
now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int
run_once(int way, const char *path, const char *buf, size_t len)
{
	struct ksc_profile *p = NULL;
	struct ksc_doc *doc = NULL;

	if (way == PROFILE) {
		if (ksc_profile_parse(path, buf, len, NULL, &p, NULL, NULL) < 0)
			return -1;
		ksc_profile_free(p);
		return 0;
	}
	if (ksc_doc_parse(path, buf, len, way == JSON_READER ? KSC_DOC_JSON : 0, &doc, NULL) < 0)
		return -1;
	ksc_doc_free(doc);
	return 0;
}

static int
read_input(const char *path, char **ret_buf, size_t *ret_len)
{
	if (ksc_doc_read_file(path, KSC_PROFILE_MAX_BYTES, ret_buf, ret_len, NULL) < 0) {
		fprintf(stderr, "%s: cannot read\n", path);
		return -1;
	}
	return 0;
}

static int
only_way(int way, const char *path, long n)
{
	char *buf = NULL;
	size_t len = 0;
	int r = 0;

	if (read_input(path, &buf, &len) < 0)
		return 1;
	for (long i = 0; i < n && r == 0; i++)
		if (run_once(way, path, buf, len) < 0) {
			fprintf(stderr, "%s: %s refused it\n", path, way_names[way]);
			r = 1;
		}
	free(buf);
	return r;
}

static int
bench_file(const char *path, long n)
{
	double *t[N_WAYS], median[N_WAYS];
	char *buf = NULL;
	size_t len = 0;
	int r = 1;

	if (read_input(path, &buf, &len) < 0)
		return 1;
	for (int w = 0; w < N_WAYS; w++)
		t[w] = calloc((size_t)n, sizeof(double));
	for (long i = 0; i < n; i++)
		for (int w = 0; w < N_WAYS; w++) {
			double a = now_us();

			if (!t[w] || run_once(w, path, buf, len) < 0) {
				fprintf(stderr, "%s: %s refused it\n", path, way_names[w]);
				goto out;
			}
			t[w][i] = now_us() - a;
		}
	printf("%s: %zu bytes, %ld iterations, median (p90)\n", path, len, n);
	for (int w = 0; w < N_WAYS; w++) {
		qsort(t[w], (size_t)n, sizeof(double), cmp_double);
		median[w] = t[w][n / 2];
		printf("  %-18s %9.1f us (%9.1f us)\n", way_names[w], median[w],
		       t[w][(n * 9) / 10]);
	}
	printf("  libyaml / JSON reader: %.1fx\n", median[LIBYAML] / median[JSON_READER]);
	r = 0;
out:
	for (int w = 0; w < N_WAYS; w++)
		free(t[w]);
	free(buf);
	return r;
}

int
main(int argc, char **argv)
{
	static const char *const only_names[N_WAYS] = { "json", "libyaml", "profile" };
	long n = 1000;
	int i = 1, r = 0, only = -1;

	for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (strcmp(argv[i], "-n") == 0)
			n = strtol(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--only") == 0) {
			for (int w = 0; w < N_WAYS; w++)
				if (strcmp(argv[i + 1], only_names[w]) == 0)
					only = w;
			if (only < 0)
				break;
		} else
			break;
	}
	if (i >= argc || n <= 0 || argv[i][0] == '-') {
		fprintf(stderr, "usage: %s [-n ITERATIONS] [--only json|libyaml|profile] FILE...\n",
		        argv[0]);
		return 2;
	}
	for (; i < argc; i++)
		r |= only >= 0 ? only_way(only, argv[i], n) : bench_file(argv[i], n);
	return r;
}
