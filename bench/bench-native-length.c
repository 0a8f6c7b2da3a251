/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Program length on profiles of many conditional rules: the native compiler against
 * libseccomp (the program runc loads), with no deadline on libseccomp.
 *
 *   bench-native-length [--check] [--seeds N] RULES...
 *
 * For each RULES and seed, a deterministic profile of RULES rules, every one conditional:
 * one syscall of x86_64's first 335 (so a few rules per syscall, as a recorded or
 * hand-written fine-grained profile has), one or two conditions (EQ, NE, LT, LE, GE, GT,
 * MASKED_EQ on any of the six arguments, 12- and 40-bit values), an action that depends on
 * the syscall only (so that runc accepts the profile), default SCMP_ACT_ERRNO, x86_64.
 * ksc_profile_size(KSC_SIZE_EXACT) compiles it with both backends, counting a program over
 * the kernel's 4096 instructions too. Prints a Markdown table: instructions of each, their
 * ratio, and the seconds each took (the filter model and the native compiler; libseccomp in
 * its child). libseccomp 2.5.4 is quadratic in the rules of one
 * syscall: about 18 s at 1000 rules here, minutes at 5000.
 *
 * With --check the exit status is 1 when a native program is longer than libseccomp's (the
 * large-profile lengths test in tests/ runs it so).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kseccomp.h"
#include "rng.h"

static const char *const ops[] = { "SCMP_CMP_EQ", "SCMP_CMP_NE", "SCMP_CMP_LT",       "SCMP_CMP_LE",
	                           "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ" };
static const char *const actions[] = { "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_KILL_PROCESS",
	                               "SCMP_ACT_TRAP" };

#define N_SYSCALLS 335u

static char *
generate(unsigned rules)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fputs("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": [\"SCMP_ARCH_X86_64\"], "
	      "\"syscalls\": [",
	      f);
	for (unsigned i = 0; i < rules; i++) {
		unsigned sys = pick(N_SYSCALLS), n_args = 1 + pick(2);
		const char *name = NULL;

		if (ksc_syscall_by_index(KSC_ARCH_X86_64, sys, &name, NULL) < 0 || !name)
			name = "read";
		fprintf(f, "%s{\"names\": [\"%s\"], \"action\": \"%s\", \"args\": [", i ? ", " : "",
		        name, actions[sys % 4]);
		for (unsigned k = 0; k < n_args; k++) {
			/* one draw per statement: the order of a call's arguments is unspecified */
			unsigned op = pick(7);
			uint64_t value = pick(2) ? rnd() % (1u << 12) : rnd() % (UINT64_C(1) << 40);
			unsigned index = pick(6);
			unsigned masked = pick(1u << 12);

			if (op == 6)
				fprintf(f,
				        "%s{\"index\": %u, \"value\": %u, \"valueTwo\": %" PRIu64
				        ", \"op\": \"%s\"}",
				        k ? ", " : "", index, masked, value, ops[op]);
			else
				fprintf(f,
				        "%s{\"index\": %u, \"value\": %" PRIu64 ", \"op\": \"%s\"}",
				        k ? ", " : "", index, value, ops[op]);
		}
		fputs("]}", f);
	}
	fputs("]}", f);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	unsigned seeds = 1;
	bool check = false, longer = false;
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--check") == 0)
			check = true;
		else if (strcmp(argv[i], "--seeds") == 0 && i + 1 < argc)
			seeds = (unsigned)strtoul(argv[++i], NULL, 10);
		else {
			fprintf(stderr, "usage: %s [--check] [--seeds N] RULES...\n", argv[0]);
			return 2;
		}
	}
	if (i == argc || seeds == 0) {
		fprintf(stderr, "usage: %s [--check] [--seeds N] RULES...\n", argv[0]);
		return 2;
	}
	printf("| conditional rules | seed | native | libseccomp (runc) | native / libseccomp | "
	       "model + native s | libseccomp s |\n|---|---|---|---|---|---|---|\n");
	for (; i < argc; i++) {
		unsigned rules = (unsigned)strtoul(argv[i], NULL, 10);

		for (unsigned seed = 1; seed <= seeds; seed++) {
			struct ksc_compile_opts opts = { .timeout_ms = 3600u * 1000u };
			struct ksc_profile *p = NULL;
			struct ksc_error *err = NULL;
			struct ksc_size size;
			size_t n_native = 0, n_lib = 0;
			double s_native = 0, s_lib = 0, t0, total;
			char *json;
			int r;

			rng_state = 0x6c656e677468ull * seed + rules;
			json = generate(rules);
			if (!json || ksc_profile_parse("generated.json", json, strlen(json), NULL,
			                               &p, NULL, NULL) < 0) {
				fprintf(stderr, "bench-native-length: cannot make the profile\n");
				free(json);
				return 1;
			}
			free(json);
			t0 = now();
			r = ksc_profile_size(p, &opts, KSC_SIZE_EXACT, &size, NULL, &err);
			if (r < 0) {
				fprintf(stderr, "bench-native-length: %s\n",
				        err ? ksc_error_message(err) : strerror(-r));
				ksc_error_free(err);
				ksc_profile_free(p);
				return 1;
			}
			total = now() - t0;
			n_native = size.native;
			n_lib = size.runc;
			s_lib = (double)size.runc_ms / 1000.0;
			s_native = total - s_lib;
			ksc_profile_free(p);
			longer |= n_native > n_lib;
			printf("| %u | %u | %zu | %zu | %.2fx | %.3f | %.1f |\n", rules, seed,
			       n_native, n_lib, (double)n_native / (double)n_lib, s_native, s_lib);
			fflush(stdout);
		}
	}
	return check && longer ? 1 : 0;
}
