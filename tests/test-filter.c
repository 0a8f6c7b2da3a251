/* SPDX-License-Identifier: Apache-2.0 */
/*
 * filter: the model of runc + libseccomp against libseccomp itself. Random profiles built
 * to collide (few syscalls, overlapping conditions on the same arguments, repeated indexes,
 * 64-bit values on both sides of the word boundary, several arches including x86 socketcall
 * and x32) are compiled by libseccomp and modelled by ksc_filter; both must refuse the
 * same profiles, and on every boundary input the model must decide what libseccomp's
 * program decides, except where libseccomp's generator compares a stale accumulator (the
 * divergence the model documents), which is counted and bounded.
 *
 * KSC_TEST_SEED and KSC_TEST_PROFILES pick the seed and the number of profiles;
 * KSC_TEST_VERBOSE=1 prints every disagreeing profile.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kseccomp.h"
#include "macro.h"
#include "tap.h"

__attribute__((format(printf, 1, 2))) static void
diag(const char *fmt, ...)
{
	char buf[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	tap_diag(buf);
}

static uint64_t rng_state;

static uint64_t
rnd(void)
{
	/* splitmix64 */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static unsigned
pick(unsigned n)
{
	return (unsigned)(rnd() % n);
}

/* socket, accept, semop, recv and shmat are multiplexed on x86, s390, ppc and mips; fork
 * and socketcall exist on some arches only */
static const char *const names[] = { "fsync", "read",   "socket",   "accept",    "personality",
	                             "ioctl", "getpid", "semop",    "recv",      "clone",
	                             "fork",  "shmat",  "recvmmsg", "socketcall" };
static const char *const ops[] = { "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",       "SCMP_CMP_EQ",
	                           "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ" };
static const uint64_t values[] = { 0,
	                           1,
	                           2,
	                           3,
	                           8,
	                           0x20008,
	                           0xffffffff,
	                           0x100000000ull,
	                           0x100000001ull,
	                           0xffffffff00000000ull,
	                           UINT64_MAX };
static const char *const actions[] = { "SCMP_ACT_ALLOW",       "SCMP_ACT_ERRNO", "SCMP_ACT_KILL",
	                               "SCMP_ACT_TRAP",        "SCMP_ACT_LOG",   "SCMP_ACT_TRACE",
	                               "SCMP_ACT_KILL_PROCESS" };
static const char *const arches[] = { "SCMP_ARCH_X86_64",  "SCMP_ARCH_X86",     "SCMP_ARCH_X32",
	                              "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM",     "SCMP_ARCH_X86",
	                              "SCMP_ARCH_X32",     "SCMP_ARCH_PPC64LE", "SCMP_ARCH_MIPSEL",
	                              "SCMP_ARCH_RISCV64" };

__attribute__((format(printf, 4, 5))) static void
append(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(*buf + *len, *cap - *len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < *cap - *len)
			break;
		*cap = *cap * 2 + (size_t)n;
		*buf = realloc(*buf, *cap);
		if (!*buf)
			abort();
	}
	*len += (size_t)n;
}

static const char *
action_json(unsigned a, unsigned errno_value)
{
	static char buf[96];

	if (streq(actions[a], "SCMP_ACT_ERRNO") || streq(actions[a], "SCMP_ACT_TRACE"))
		snprintf(buf, sizeof(buf), "\"%s\", \"errnoRet\": %u", actions[a], errno_value);
	else
		snprintf(buf, sizeof(buf), "\"%s\"", actions[a]);
	return buf;
}

static char *
random_profile(void)
{
	size_t len = 0, cap = 1024;
	char *s = malloc(cap);
	unsigned def = pick(ELEMENTSOF(actions)), n_rules = 1 + pick(6), n_arches = pick(3);

	if (!s)
		abort();
	append(&s, &len, &cap, "{\"defaultAction\": %s, \"architectures\": [", action_json(def, 1));
	for (unsigned i = 0; i < n_arches; i++)
		append(&s, &len, &cap, "%s\"%s\"", i ? ", " : "", arches[pick(ELEMENTSOF(arches))]);
	append(&s, &len, &cap, "], \"syscalls\": [");
	for (unsigned i = 0; i < n_rules; i++) {
		unsigned n_names = 1 + pick(2), n_args = pick(4), a = pick(ELEMENTSOF(actions));

		append(&s, &len, &cap, "%s{\"names\": [", i ? ", " : "");
		/* few names, so that rules meet on the same syscall */
		for (unsigned k = 0; k < n_names; k++)
			append(&s, &len, &cap, "%s\"%s\"", k ? ", " : "",
			       names[pick(4 + i % (ELEMENTSOF(names) - 3))]);
		append(&s, &len, &cap, "], \"action\": %s, \"args\": [",
		       action_json(a, 2 + pick(3)));
		for (unsigned k = 0; k < n_args; k++) {
			unsigned op = pick(ELEMENTSOF(ops));

			append(&s, &len, &cap,
			       "%s{\"index\": %u, \"value\": %" PRIu64 ", \"valueTwo\": %" PRIu64
			       ", \"op\": \"%s\"}",
			       k ? ", " : "", pick(3), values[pick(ELEMENTSOF(values))],
			       op == 6 ? values[pick(ELEMENTSOF(values))] : 0, ops[op]);
		}
		append(&s, &len, &cap, "]}");
	}
	/* sometimes more than 32 names, for libseccomp's binary tree */
	if (pick(6) == 0) {
		append(&s, &len, &cap, ", {\"names\": [");
		for (unsigned k = 0; k < 30 + pick(20); k++) {
			const char *name = NULL;

			(void)ksc_syscall_by_index(KSC_ARCH_X86_64, pick(300), &name, NULL);
			append(&s, &len, &cap, "%s\"%s\"", k ? ", " : "", name);
		}
		append(&s, &len, &cap, "], \"action\": %s}",
		       action_json(pick(ELEMENTSOF(actions)), 5));
	}
	append(&s, &len, &cap, "]}");
	return s;
}

/* Whether every differing input ran through a comparison of a path-dependent accumulator
 * in libseccomp's program: libseccomp's bug, not the model's. */
static bool
all_stale(const struct ksc_bpf *prog, const struct ksc_difference *diffs, size_t n)
{
	size_t count = ksc_bpf_count(prog), stale[256];
	int n_stale = ksc_bpf_stale_compares(prog, stale, ELEMENTSOF(stale));
	bool *visited = calloc(count, sizeof(bool)), all = n_stale > 0;

	if (!visited || n_stale < 0 || (size_t)n_stale > ELEMENTSOF(stale))
		abort();
	for (size_t i = 0; i < n && all; i++) {
		bool hit = false;

		(void)ksc_bpf_run_traced(prog, &diffs[i].data, visited);
		for (int k = 0; k < n_stale; k++)
			hit = hit || visited[stale[k]];
		all = hit;
	}
	free(visited);
	return all;
}

int
main(void)
{
	const char *seed_env = getenv("KSC_TEST_SEED"), *count_env = getenv("KSC_TEST_PROFILES");
	bool verbose = getenv("KSC_TEST_VERBOSE") != NULL;
	unsigned count = count_env ? (unsigned)strtoul(count_env, NULL, 0) : 1500;
	size_t both_refused = 0, refusal_mismatch = 0, compared = 0, cases = 0, diff_profiles = 0;
	size_t diff_inputs = 0, stale_profiles = 0, stale_inputs = 0, both_loop = 0;
	struct ksc_compile_opts opts = { .timeout_ms = 2000 };

	rng_state = seed_env ? strtoull(seed_env, NULL, 0) : 0x6b736563636f6d70ull;
	diag("seed 0x%" PRIx64 ", %u profiles", rng_state, count);

	for (unsigned i = 0; i < count; i++) {
		char *json = random_profile();
		struct ksc_profile *p = NULL;
		struct ksc_filter *f = NULL;
		struct ksc_bpf *prog = NULL;
		struct ksc_error *ef = NULL, *ec = NULL;
		enum ksc_arch targets[_KSC_ARCH_MAX];
		struct ksc_difference diffs[64];
		size_t n_targets, n_cases = 0, n_diffs = 0;
		int rf, rc;

		if (ksc_profile_parse("random.json", json, strlen(json), NULL, &p, NULL, NULL) <
		    0) {
			free(json);
			continue; /* invalid by construction (e.g. valueTwo rules): not the point */
		}
		rf = ksc_filter_new(p, &opts, &f, NULL, &ef);
		rc = ksc_profile_compile(p, &opts, &prog, NULL, &ec);
		if ((rf < 0) != (rc < 0) || (rf < 0 && rf != rc)) {
			refusal_mismatch++;
			diag("refusal differs (model %d: %s; libseccomp %d: %s): %s", rf,
			     ef ? ksc_error_message(ef) : "-", rc, ec ? ksc_error_message(ec) : "-",
			     json);
		} else if (rf < 0) {
			both_refused++;
			if (rf == -ETIMEDOUT)
				both_loop++;
		} else {
			n_targets = ksc_compile_arches(p, &opts, targets, ELEMENTSOF(targets));
			if (ksc_filter_compare(f, &prog, 1, p, targets, n_targets, &n_cases, diffs,
			                       ELEMENTSOF(diffs), &n_diffs) < 0)
				abort();
			compared++;
			cases += n_cases;
			if (n_diffs && all_stale(prog, diffs, MIN(n_diffs, ELEMENTSOF(diffs)))) {
				stale_profiles++;
				stale_inputs += n_diffs;
			} else if (n_diffs) {
				diff_profiles++;
				diff_inputs += n_diffs;
				if (verbose) {
					diag("%zu inputs differ: %s", n_diffs, json);
					for (size_t k = 0; k < MIN(n_diffs, ELEMENTSOF(diffs)); k++)
						diag("  arch %08x nr %d args %" PRIx64 " %" PRIx64
						     " %" PRIx64 ": model %08x, libseccomp %08x",
						     diffs[k].data.arch, diffs[k].data.nr,
						     diffs[k].data.args[0], diffs[k].data.args[1],
						     diffs[k].data.args[2], diffs[k].ret_a,
						     diffs[k].ret_b);
				}
			}
		}
		ksc_error_free(ef);
		ksc_error_free(ec);
		ksc_bpf_free(prog);
		ksc_filter_free(f);
		ksc_profile_free(p);
		free(json);
	}
	diag("%zu refused because libseccomp loops forever", both_loop);
	diag("%zu profiles compared on %zu inputs; %zu refused by both; %zu profiles with "
	     "differing inputs (%zu inputs); %zu where libseccomp compares a stale word (%zu "
	     "inputs)",
	     compared, cases, both_refused, diff_profiles, diff_inputs, stale_profiles,
	     stale_inputs);
	ok(compared > count / 2, "most random profiles compile (%zu of %u)", compared, count);
	ok(both_refused > 0, "some random profiles are refused by libseccomp (%zu)", both_refused);
	is_int((int)refusal_mismatch, 0,
	       "the model refuses exactly the profiles libseccomp refuses");
	is_int((int)diff_profiles, 0,
	       "the model decides as libseccomp's program on every input, except...");
	ok(stale_profiles * 10 < compared,
	   "...where the program compares a stale accumulator, in under 10%% of the profiles (%zu)",
	   stale_profiles);
	return tap_done();
}
