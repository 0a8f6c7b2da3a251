/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Large profiles: how every verb that reads a profile scales with its number of rules.
 *
 *   bench-large-profile gen RULES FILE [VARIANT [PERCENT]]
 *       write a profile of RULES rules (VARIANT 1: the same profile with one rule's action
 *       changed, for diff and merge; PERCENT of the rules conditional, default 5)
 *   bench-large-profile run KSECCOMP WORKDIR [--before KSECCOMP] [--timeout S] [--rounds N]
 *                           [--conditional PERCENT] [--verb NAME]... RULES...
 *       write the profiles of each size into WORKDIR, run each verb on them and print a
 *       Markdown table of seconds, wall-clock and (in parentheses) CPU, user and system
 *       (the best of --rounds, default 1); with --before, another build's binary runs each
 *       verb right before this one, and a cell reads "before → after"
 *
 * The profiles are deterministic (a fixed seed): SCMP_ACT_ERRNO by default, x86_64, x86,
 * x32 and aarch64, names drawn from the union of those arches' tables (so some are not
 * syscalls on every listed arch, socketcall and the multiplexed calls included) and a few
 * names no arch knows; one unconditional rule in ten also names a syscall of its own that
 * no arch has (as a profile written for a kernel newer than libseccomp's tables): tens of
 * thousands of distinct names. Most rules are unconditional, with one to six names each,
 * names repeated across rules (a name's first rule decides, the later ones are shadowed) and
 * several actions (ALLOW, ERRNO with several errnos, LOG, TRACE, KILL_PROCESS). One rule in
 * twenty is conditional (--conditional): one to three names of a separate pool (about 115
 * names, so some 90 conditional rules per name at 100,000 rules; libseccomp's merge of the
 * rules of one syscall, which the filter model reproduces, is quadratic in them), one or
 * two conditions
 * (EQ, NE, GE, LE, MASKED_EQ; a repeated index sometimes, which runtimes turn into
 * alternatives) on values unique to the rule. A conditional name's action depends on the
 * name only, so no two rules end on one comparison with different actions (which runc
 * refuses): the profiles are valid, and each verb does its whole work on them.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kseccomp.h"
#include "rng.h"

static unsigned conditional_pct = 5;

static const enum ksc_arch arches[] = { KSC_ARCH_X86_64, KSC_ARCH_X86, KSC_ARCH_X32,
	                                KSC_ARCH_AARCH64 };

/* The union of the arches' names, in table order (first arch first), with a few unknown. */
static const char **pool;
static size_t n_pool;

static int
pool_build(void)
{
	size_t cap = 64;

	for (size_t a = 0; a < sizeof(arches) / sizeof(arches[0]); a++)
		cap += ksc_syscall_count(arches[a]);
	pool = calloc(cap, sizeof(*pool));
	if (!pool)
		return -ENOMEM;
	for (size_t a = 0; a < sizeof(arches) / sizeof(arches[0]); a++)
		for (size_t i = 0; i < ksc_syscall_count(arches[a]); i++) {
			const char *name;
			uint32_t nr;
			bool seen = false;

			if (ksc_syscall_by_index(arches[a], i, &name, &nr) < 0)
				continue;
			/* a one-off quadratic dedup of a thousand names */
			for (size_t k = 0; k < n_pool && !seen; k++)
				seen = strcmp(pool[k], name) == 0;
			if (!seen)
				pool[n_pool++] = name;
		}
	pool[n_pool++] = "kseccomp_bench_unknown_a";
	pool[n_pool++] = "kseccomp_bench_unknown_b";
	return 0;
}

/* Every fourth name of the pool is conditional: only conditional rules name it. A
 * conditional name's action class is its place among them modulo 6 (see gen()). */
static size_t
pool_pick(bool conditional, size_t class)
{
	size_t quarter = n_pool / 4;

	if (!conditional) {
		uint32_t mux, call;
		size_t k;

		/* On x86 a socket or IPC call is socketcall/ipc with "arg0 == call": two
		 * unconditional rules for it with different actions would end on one
		 * comparison. */
		do
			k = 4 * pick((unsigned)quarter) + 1 + pick(3);
		while (ksc_syscall_multiplexed(KSC_ARCH_X86, pool[k], &mux, &call) > 0);
		return k;
	}
	return 4 * (pick((unsigned)(quarter / 6)) * 6 + class);
}

static void
put_action(FILE *f, unsigned kind)
{
	static const unsigned errnos[] = { 13, 38, 95, 22, 1 };

	if (kind < 60)
		fputs("\"action\":\"SCMP_ACT_ALLOW\"", f);
	else if (kind < 80)
		fprintf(f, "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":%u", errnos[kind % 5]);
	else if (kind < 88)
		fputs("\"action\":\"SCMP_ACT_LOG\"", f);
	else if (kind < 94)
		fprintf(f, "\"action\":\"SCMP_ACT_TRACE\",\"errnoRet\":%u", kind);
	else
		fputs("\"action\":\"SCMP_ACT_KILL_PROCESS\"", f);
}

static int
gen(unsigned long n_rules, const char *path, int variant)
{
	static const char *const ops[] = { "SCMP_CMP_EQ", "SCMP_CMP_NE", "SCMP_CMP_GE",
		                           "SCMP_CMP_LE", "SCMP_CMP_MASKED_EQ" };
	FILE *f = fopen(path, "we");

	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return 1;
	}
	rng_state = 42;
	fputs("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[", f);
	for (size_t a = 0; a < sizeof(arches) / sizeof(arches[0]); a++)
		fprintf(f, "%s\"%s\"", a ? "," : "", ksc_arch_oci_name(arches[a]));
	fputs("],\"syscalls\":[\n", f);
	for (unsigned long i = 0; i < n_rules; i++) {
		bool conditional = pick(100) < conditional_pct;
		unsigned n_names = conditional ? 1 + pick(3) : 1 + pick(6);
		size_t class = pick(6);

		size_t picked[6];

		fputs(i ? ",\n{\"names\":[" : "{\"names\":[", f);
		for (unsigned k = 0; k < n_names; k++) {
			bool again;

			do {
				picked[k] = pool_pick(conditional, class);
				again = false;
				for (unsigned m = 0; m < k; m++)
					again = again || picked[m] == picked[k];
			} while (again);
			fprintf(f, "%s\"%s\"", k ? "," : "", pool[picked[k]]);
		}
		if (!conditional && i % 10 == 9)
			fprintf(f, ",\"kseccomp_bench_%lu\"", i);
		fputs("],", f);
		if (!conditional) {
			unsigned kind = pick(100);

			/* the variant differs from the profile in its first rule's action */
			if (variant && i == 0)
				fputs("\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":99", f);
			else
				put_action(f, kind);
		} else {
			/* the action is the names' class's: two rules never end on one comparison
			 * with different actions */
			static const unsigned kinds[] = { 0, 61, 62, 85, 90, 97 };

			put_action(f, kinds[class]);
			fputs(",\"args\":[", f);
			for (unsigned k = 0, n_args = 1 + pick(2); k < n_args; k++) {
				unsigned op = pick(5);
				uint64_t mask = (uint64_t)0xffff << (8 * pick(4));
				/* a repeated index now and then: runtimes OR such conditions */
				unsigned index = k == 1 && pick(4) == 0 ? 1 : 1 + k + pick(2) * 2;

				fprintf(f,
				        "%s{\"index\":%u,\"value\":%" PRIu64
				        ",\"valueTwo\":%" PRIu64 ",\"op\":\"%s\"}",
				        k ? "," : "", index, op == 4 ? mask : (uint64_t)i * 8 + k,
				        op == 4 ? ((uint64_t)i * 8 + k) & mask : 0, ops[op]);
			}
			fputs("]", f);
		}
		fputs("}", f);
	}
	fputs("\n]}\n", f);
	if (fclose(f) != 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return 1;
	}
	return 0;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Wall-clock seconds of one run, its CPU seconds (user and system) in *ret_cpu, its exit
 * status in *ret_status (-1 if it timed out). */
static double
run_one(char *const *argv, const char *out, double timeout, double *ret_cpu, int *ret_status)
{
	double start = now_s(), end;
	struct rusage ru = { 0 };
	int status = 0;
	pid_t pid, w;

	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

		if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(127);
		alarm((unsigned)timeout);
		execv(argv[0], argv);
		_exit(127);
	}
	do
		w = wait4(pid, &status, 0, &ru);
	while (w < 0 && errno == EINTR);
	end = now_s();
	*ret_cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
		*ret_status = -1;
	else if (WIFSIGNALED(status))
		*ret_status = 128 + WTERMSIG(status);
	else
		*ret_status = WEXITSTATUS(status);
	return end - start;
}

struct verb {
	const char *name;
	const char *args[8]; /* %A: the profile, %B: its variant, %R: the kubelet root, %D the
	                      * directory of the profile alone, %M the manifest, %O a file */
};

static const struct verb verbs[] = {
	{ "profile validate", { "profile", "validate", "%A" } },
	{ "profile fmt", { "profile", "fmt", "%A" } },
	{ "profile show", { "profile", "show", "%A" } },
	{ "profile show -o json", { "profile", "show", "-o", "json", "%A" } },
	{ "profile lint", { "profile", "lint", "%A" } },
	{ "profile diff", { "profile", "diff", "%A", "%B" } },
	{ "profile merge", { "profile", "merge", "%A", "%B" } },
	{ "profile bundle", { "profile", "bundle", "%D" } },
	{ "compile --backend native", { "compile", "--backend", "native", "-o", "%O", "%A" } },
	{ "compile --backend libseccomp",
	  { "compile", "--backend", "libseccomp", "-o", "%O", "%A" } },
	{ "sim", { "sim", "%A", "read" } },
	{ "sim --backend libseccomp", { "sim", "--backend", "libseccomp", "%A", "read" } },
	{ "kube resolve (Localhost)", { "kube", "resolve", "--root-dir", "%R", "-f", "%M" } },
};

static int
write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");

	if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static const char manifest[] = "apiVersion: v1\n"
                               "kind: Pod\n"
                               "metadata:\n"
                               "  name: large\n"
                               "spec:\n"
                               "  securityContext:\n"
                               "    seccompProfile:\n"
                               "      type: Localhost\n"
                               "      localhostProfile: large.json\n"
                               "  containers:\n"
                               "  - name: c\n"
                               "    image: busybox\n";

int
main(int argc, char **argv)
{
	const char *kseccomp, *dir, *before = NULL;
	const char *only[32];
	size_t n_only = 0;
	unsigned long sizes[16];
	size_t n_sizes = 0;
	double timeout = 120;
	int rounds = 1;

	if (pool_build() < 0)
		return 1;
	if (argc >= 4 && strcmp(argv[1], "gen") == 0) {
		if (argc > 5)
			conditional_pct = (unsigned)atoi(argv[5]);
		return gen(strtoul(argv[2], NULL, 10), argv[3], argc > 4 ? atoi(argv[4]) : 0);
	}
	if (argc < 5 || strcmp(argv[1], "run") != 0) {
		fprintf(stderr,
		        "usage: %s gen RULES FILE [VARIANT [PERCENT]]\n"
		        "       %s run KSECCOMP WORKDIR [--before KSECCOMP] [--timeout S] "
		        "[--rounds N] [--conditional PERCENT] [--verb NAME]... RULES...\n",
		        argv[0], argv[0]);
		return 2;
	}
	kseccomp = argv[2];
	dir = argv[3];
	for (int i = 4; i < argc; i++) {
		if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc)
			timeout = atof(argv[++i]);
		else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
			rounds = atoi(argv[++i]);
		else if (strcmp(argv[i], "--before") == 0 && i + 1 < argc)
			before = argv[++i];
		else if (strcmp(argv[i], "--conditional") == 0 && i + 1 < argc)
			conditional_pct = (unsigned)atoi(argv[++i]);
		else if (strcmp(argv[i], "--verb") == 0 && i + 1 < argc && n_only < 32)
			only[n_only++] = argv[++i];
		else if (n_sizes < 16)
			sizes[n_sizes++] = strtoul(argv[i], NULL, 10);
	}
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "%s: %s\n", dir, strerror(errno));
		return 1;
	}
	printf("| verb |");
	for (size_t s = 0; s < n_sizes; s++)
		printf(" %lu rules |", sizes[s]);
	printf("\n|---|");
	for (size_t s = 0; s < n_sizes; s++)
		printf("---|");
	printf("\n");
	fflush(stdout);

	/* the files of every size first, then the verbs */
	for (size_t s = 0; s < n_sizes; s++) {
		char p[4096];

		snprintf(p, sizeof(p), "%s/%lu", dir, sizes[s]);
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return 1;
		snprintf(p, sizeof(p), "%s/%lu/root", dir, sizes[s]);
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return 1;
		snprintf(p, sizeof(p), "%s/%lu/root/seccomp", dir, sizes[s]);
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return 1;
		snprintf(p, sizeof(p), "%s/%lu/root/seccomp/large.json", dir, sizes[s]);
		if (gen(sizes[s], p, 0) != 0)
			return 1;
		snprintf(p, sizeof(p), "%s/%lu/variant.json", dir, sizes[s]);
		if (gen(sizes[s], p, 1) != 0)
			return 1;
		snprintf(p, sizeof(p), "%s/%lu/pod.yaml", dir, sizes[s]);
		if (write_text(p, manifest) < 0)
			return 1;
	}
	for (size_t v = 0; v < sizeof(verbs) / sizeof(verbs[0]); v++) {
		bool wanted = n_only == 0;

		for (size_t k = 0; k < n_only; k++)
			wanted = wanted || strcmp(only[k], verbs[v].name) == 0;
		if (!wanted)
			continue;
		printf("| `%s` |", verbs[v].name);
		fflush(stdout);
		for (size_t s = 0; s < n_sizes; s++) {
			char paths[5][4096], out[4096];
			char *args[16];
			int n = 0;

			snprintf(paths[0], sizeof(paths[0]), "%s/%lu/root/seccomp/large.json", dir,
			         sizes[s]);
			snprintf(paths[1], sizeof(paths[1]), "%s/%lu/variant.json", dir, sizes[s]);
			snprintf(paths[2], sizeof(paths[2]), "%s/%lu/root", dir, sizes[s]);
			snprintf(paths[3], sizeof(paths[3]), "%s/%lu/root/seccomp", dir, sizes[s]);
			snprintf(paths[4], sizeof(paths[4]), "%s/%lu/pod.yaml", dir, sizes[s]);
			snprintf(out, sizeof(out), "%s/%lu/out.bpf", dir, sizes[s]);
			args[n++] = NULL; /* the binary, below */
			for (size_t a = 0; a < 8 && verbs[v].args[a]; a++) {
				const char *arg = verbs[v].args[a];

				if (strcmp(arg, "%A") == 0)
					arg = paths[0];
				else if (strcmp(arg, "%B") == 0)
					arg = paths[1];
				else if (strcmp(arg, "%R") == 0)
					arg = paths[2];
				else if (strcmp(arg, "%D") == 0)
					arg = paths[3];
				else if (strcmp(arg, "%M") == 0)
					arg = paths[4];
				else if (strcmp(arg, "%O") == 0)
					arg = out;
				args[n++] = (char *)arg;
			}
			args[n] = NULL;
			/* the binary before the change, then after: side by side, interleaved */
			for (int which = before ? 0 : 1; which < 2; which++) {
				double best = -1, best_cpu = 0;
				int status = 0;

				args[0] = (char *)(which == 0 ? before : kseccomp);
				for (int r = 0; r < rounds; r++) {
					char log[4200];
					double t, cpu = 0;

					snprintf(log, sizeof(log), "%s/%lu/verb-%zu-%d.log", dir,
					         sizes[s], v, which);
					t = run_one(args, log, timeout, &cpu, &status);
					if (best < 0 || t < best) {
						best = t;
						best_cpu = cpu;
					}
					if (status < 0)
						break;
				}
				printf("%s", which == 1 && before ? " →" : "");
				if (status < 0)
					printf(" > %.0f s (timeout)", timeout);
				else if (status != 0)
					printf(" %.2f s (%.2f), exit %d", best, best_cpu, status);
				else
					printf(" %.2f s (%.2f)", best, best_cpu);
			}
			printf(" |");
			fflush(stdout);
		}
		printf("\n");
	}
	return 0;
}
