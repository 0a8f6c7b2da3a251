/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench-compile [PROFILE] [ROUNDS]: the native compiler against libseccomp 2.5's two
 * layouts, side by side in one run, on one profile (default: containerd's RuntimeDefault for
 * amd64 with Kubernetes' default capabilities: x86_64, x86 and x32).
 *
 *   - compile time, JSON text to program: native (kseccomp's parser and filter, then the
 *     generator; the parse alone too) against parse + libseccomp in the same process as crun drives it
 *     (seccomp_init, seccomp_arch_add, seccomp_rule_add_array per name, seccomp_export_bpf),
 *     linear (libseccomp's default, crun) and binary tree (SCMP_FLTATR_CTL_OPTIMIZE 2, runc);
 *   - program length, and instructions executed for every x86_64 syscall number (0 to the
 *     table's end + 10), arguments zero, counted by kseccomp's interpreter;
 *   - the (arch, number) pairs the filter model allows without looking at the arguments,
 *     and how many of them the kernel's constant-action cache takes (its emulator);
 *   - kernel load time: seccomp(SECCOMP_SET_MODE_FILTER) in a fresh child, per program;
 *   - latency of getpid (cached), personality(0xffffffff) (argument-checked) and acct(0)
 *     (denied) in a child with the filter installed.
 *
 * Programs and libseccomp's exports lack runc's ENOSYS stub (crun adds none); the native
 * program has its semantics built in.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "filter.h"
#include "kseccomp.h"
#include "profile.h"

#define MAX_ROUNDS 2001

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static char *
read_all(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0, len = 0, n;

	if (!f)
		return NULL;
	do {
		if (len + 65536 > cap) {
			cap = cap * 2 + 65536;
			buf = realloc(buf, cap + 1);
			if (!buf)
				exit(1);
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	fclose(f);
	buf[len] = '\0';
	*ret_len = len;
	return buf;
}

static enum scmp_compare
op_of(enum ksc_op op)
{
	switch (op) {
	case KSC_OP_NE:
		return SCMP_CMP_NE;
	case KSC_OP_LT:
		return SCMP_CMP_LT;
	case KSC_OP_LE:
		return SCMP_CMP_LE;
	case KSC_OP_EQ:
		return SCMP_CMP_EQ;
	case KSC_OP_GE:
		return SCMP_CMP_GE;
	case KSC_OP_GT:
		return SCMP_CMP_GT;
	default:
		return SCMP_CMP_MASKED_EQ;
	}
}

/* Parse and build with libseccomp in this process, as crun does. Returns the program. */
static struct ksc_bpf *
libseccomp_build(const char *json, size_t len, bool tree)
{
	struct ksc_profile *p = NULL;
	struct ksc_bpf *prog = NULL;
	scmp_filter_ctx ctx;
	uint32_t def;
	int fd;

	if (ksc_profile_parse("bench.json", json, len, NULL, &p, NULL, NULL) < 0)
		exit(1);
	def = ksc_profile_default_ret(p);
	ctx = seccomp_init(def);
	if (!ctx)
		exit(1);
	for (size_t i = 0; i < p->n_arches; i++)
		(void)seccomp_arch_add(ctx, seccomp_arch_resolve_name(ksc_arch_name(p->arches[i])));
	if (tree)
		(void)seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct ksc_rule *r = &p->rules[i];
		struct scmp_arg_cmp cmps[6];
		uint32_t ret = ksc_rule_ret(r);

		if (ret == def)
			continue;
		for (size_t k = 0; k < r->n_args && k < 6; k++) {
			const struct ksc_arg *a = &r->args[k];

			cmps[k] = (struct scmp_arg_cmp){ a->index, op_of(a->op), a->value,
				                         a->value_two };
		}
		for (size_t j = 0; j < r->n_names; j++) {
			int nr = seccomp_syscall_resolve_name(r->names[j]);

			if (nr == __NR_SCMP_ERROR)
				continue;
			(void)seccomp_rule_add_array(ctx, ret, nr, (unsigned)r->n_args, cmps);
		}
	}
	fd = memfd_create("bpf", MFD_CLOEXEC);
	if (fd < 0 || seccomp_export_bpf(ctx, fd) < 0)
		exit(1);
	{
		off_t size = lseek(fd, 0, SEEK_END);
		void *buf = malloc((size_t)size);

		if (!buf || pread(fd, buf, (size_t)size, 0) != size ||
		    ksc_bpf_parse("libseccomp", buf, (size_t)size, &prog, NULL) < 0)
			exit(1);
		free(buf);
	}
	close(fd);
	seccomp_release(ctx);
	ksc_profile_free(p);
	return prog;
}

static struct ksc_bpf *
native_build(const char *json, size_t len)
{
	struct ksc_profile *p = NULL;
	struct ksc_bpf *prog = NULL;
	struct ksc_compile_opts opts = { .backend = KSC_BACKEND_NATIVE };

	if (ksc_profile_parse("bench.json", json, len, NULL, &p, NULL, NULL) < 0 ||
	    ksc_profile_compile(p, &opts, &prog, NULL, NULL) < 0)
		exit(1);
	ksc_profile_free(p);
	return prog;
}

enum { NATIVE, LINEAR, TREE, N_VARIANTS };
static const char *const variant_names[] = { "native", "libseccomp linear (crun)",
	                                     "libseccomp tree (runc)" };

static struct ksc_bpf *
build(int v, const char *json, size_t len)
{
	return v == NATIVE ? native_build(json, len) : libseccomp_build(json, len, v == TREE);
}

/* ns for seccomp(SET_MODE_FILTER) in a fresh child. */
static double
load_time(const struct ksc_bpf *prog)
{
	int pipefd[2];
	double ns = -1;
	pid_t pid;

	if (pipe(pipefd) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		struct sock_fprog fp = { .len = (unsigned short)ksc_bpf_count(prog),
			                 .filter = (struct sock_filter *)ksc_bpf_insns(prog) };
		double t0, t1;

		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		t0 = now_ns();
		if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp) < 0)
			_exit(1);
		t1 = now_ns();
		t1 -= t0;
		(void)!write(pipefd[1], &t1, sizeof(t1));
		_exit(0);
	}
	close(pipefd[1]);
	if (read(pipefd[0], &ns, sizeof(ns)) != sizeof(ns))
		ns = -1;
	close(pipefd[0]);
	waitpid(pid, NULL, 0);
	return ns;
}

/* ns per call of syscall nr(arg) under prog (NULL: none): the best of 7 runs of 200000. */
static double
latency(const struct ksc_bpf *prog, long nr, unsigned long arg)
{
	int pipefd[2];
	double ns = -1;
	pid_t pid;

	if (pipe(pipefd) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		double best = 1e18;

		if (prog) {
			struct sock_fprog fp = { .len = (unsigned short)ksc_bpf_count(prog),
				                 .filter = (struct sock_filter *)ksc_bpf_insns(
				                         prog) };

			prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
			if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp) < 0)
				_exit(1);
		}
		for (int rep = 0; rep < 7; rep++) {
			double t0 = now_ns(), t;

			for (int i = 0; i < 200000; i++)
				syscall(nr, arg);
			t = (now_ns() - t0) / 200000;
			best = t < best ? t : best;
		}
		(void)!write(pipefd[1], &best, sizeof(best));
		_exit(0);
	}
	close(pipefd[1]);
	if (read(pipefd[0], &ns, sizeof(ns)) != sizeof(ns))
		ns = -1;
	close(pipefd[0]);
	waitpid(pid, NULL, 0);
	return ns;
}

int
main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1]
	                            : "tests/fixtures/profiles/default/"
	                              "containerd-default-rendered-amd64-default-caps.json";
	int rounds = argc > 2 ? atoi(argv[2]) : 301;
	static double times[N_VARIANTS][MAX_ROUNDS], parse_times[MAX_ROUNDS];
	struct ksc_bpf *progs[N_VARIANTS];
	struct ksc_profile *p = NULL;
	struct ksc_filter *f = NULL;
	size_t len = 0;
	char *json = read_all(path, &len);
	uint32_t max_nr = 0;

	if (!json) {
		fprintf(stderr, "bench-compile: cannot read %s\n", path);
		return 1;
	}
	if (rounds < 1 || rounds > MAX_ROUNDS)
		rounds = 301;
	printf("profile: %s (%zu bytes)\n\n", path, len);

	/* compile time, variants interleaved in each round, and the parse alone (the first
	 * stage of every variant) */
	for (int r = 0; r < rounds; r++) {
		double start = now_ns();

		if (ksc_profile_parse("bench.json", json, len, NULL, &p, NULL, NULL) < 0)
			return 1;
		parse_times[r] = now_ns() - start;
		ksc_profile_free(p);
		p = NULL;
		for (int v = 0; v < N_VARIANTS; v++) {
			double t0 = now_ns();
			struct ksc_bpf *prog = build(v, json, len);

			times[v][r] = now_ns() - t0;
			ksc_bpf_free(prog);
		}
	}
	printf("compile time, JSON text to program (median of %d rounds)\n", rounds);
	{
		double base = 0;

		for (int v = N_VARIANTS - 1; v >= 0; v--) {
			double m = median(times[v], (size_t)rounds);

			if (v == LINEAR)
				base = m;
			times[v][0] = m;
		}
		for (int v = 0; v < N_VARIANTS; v++)
			printf("  %-28s %9.1f us  %6.3fx libseccomp linear\n", variant_names[v],
			       times[v][0] / 1000, times[v][0] / base);
		printf("  %-28s %9.1f us  (ksc_profile_parse, the first stage of each)\n",
		       "parse alone", median(parse_times, (size_t)rounds) / 1000);
	}

	for (int v = 0; v < N_VARIANTS; v++)
		progs[v] = build(v, json, len);
	if (ksc_profile_parse(path, json, len, NULL, &p, NULL, NULL) < 0 ||
	    ksc_filter_new(p, NULL, &f, NULL, NULL) < 0)
		return 1;
	for (uint32_t nr = 0; nr < 1000; nr++)
		if (ksc_syscall_name(KSC_ARCH_X86_64, nr))
			max_nr = nr;

	printf("\nprogram length and instructions executed per x86_64 syscall 0..%u\n",
	       max_nr + 10);
	for (int v = 0; v < N_VARIANTS; v++) {
		size_t n = ksc_bpf_count(progs[v]), most = 0, total = 0, count = 0;
		bool *seen = calloc(n, sizeof(bool));

		for (uint32_t nr = 0; nr <= max_nr + 10; nr++) {
			struct ksc_seccomp_data d = {
				.nr = (int32_t)nr, .arch = ksc_arch_audit_token(KSC_ARCH_X86_64)
			};
			size_t k = 0;

			(void)ksc_bpf_run_traced(progs[v], &d, seen);
			for (size_t i = 0; i < n; i++)
				k += seen[i];
			most = k > most ? k : most;
			total += k;
			count++;
		}
		printf("  %-28s %5zu instructions; executed max %3zu, mean %5.1f\n",
		       variant_names[v], n, most, (double)total / (double)count);
		free(seen);
	}

	printf("\nunconditionally allowed (arch, nr) pairs the kernel's cache takes\n");
	for (int v = 0; v < N_VARIANTS; v++) {
		size_t pairs = 0, cached = 0;

		for (size_t a = 0; a < p->n_arches; a++) {
			uint32_t token = ksc_arch_audit_token(p->arches[a]);
			uint32_t base = p->arches[a] == KSC_ARCH_X32 ? KSC_X32_SYSCALL_BIT : 0;

			for (uint32_t nr = base; nr < base + 1024; nr++) {
				struct filter_leaf leaf;

				filter_leaf(f, token, nr, &leaf);
				if (leaf.kind == FILTER_LEAF_TREE || leaf.ret != KSC_RET_ALLOW)
					continue;
				pairs++;
				cached += ksc_bpf_cache_allows(progs[v], token, nr);
			}
		}
		printf("  %-28s %zu of %zu (%.1f%%)\n", variant_names[v], cached, pairs,
		       100.0 * (double)cached / (double)pairs);
	}

	printf("\nkernel load time, seccomp(SET_MODE_FILTER) in a fresh child (median of 101)\n");
	{
		static double lt[N_VARIANTS][101];

		for (int r = 0; r < 101; r++)
			for (int v = 0; v < N_VARIANTS; v++)
				lt[v][r] = load_time(progs[v]);
		for (int v = 0; v < N_VARIANTS; v++)
			lt[v][0] = median(lt[v], 101);
		for (int v = 0; v < N_VARIANTS; v++)
			printf("  %-28s %7.1f us  %5.2fx tree, %5.2fx linear\n", variant_names[v],
			       lt[v][0] / 1000, lt[v][0] / lt[TREE][0], lt[v][0] / lt[LINEAR][0]);
	}

	printf("\nlatency, ns per call (best of 7 x 200000 in a child; 3 rounds, best)\n");
	{
		static const struct {
			const char *what;
			long nr;
			unsigned long arg;
		} calls[] = {
			{ "getpid (cached)", SYS_getpid, 0 },
			{ "personality(0xffffffff), arg-checked", SYS_personality, 0xffffffffu },
			{ "acct(0), denied", SYS_acct, 0 },
		};

		printf("  %-40s %9s", "", "none");
		for (int v = 0; v < N_VARIANTS; v++)
			printf(" %12.12s", variant_names[v]);
		printf("\n");
		for (size_t c = 0; c < sizeof(calls) / sizeof(calls[0]); c++) {
			double best[N_VARIANTS + 1];

			for (int v = 0; v <= N_VARIANTS; v++)
				best[v] = 1e18;
			for (int round = 0; round < 3; round++)
				for (int v = 0; v <= N_VARIANTS; v++) {
					double t = latency(v == N_VARIANTS ? NULL : progs[v],
					                   calls[c].nr, calls[c].arg);

					best[v] = t < best[v] ? t : best[v];
				}
			printf("  %-40s %9.1f", calls[c].what, best[N_VARIANTS]);
			for (int v = 0; v < N_VARIANTS; v++)
				printf(" %12.1f", best[v]);
			printf("\n  %-40s %9s", "  ratio to native", "");
			for (int v = 0; v < N_VARIANTS; v++)
				printf(" %11.2fx", best[v] / best[NATIVE]);
			printf("\n");
		}
	}
	for (int v = 0; v < N_VARIANTS; v++)
		ksc_bpf_free(progs[v]);
	ksc_filter_free(f);
	ksc_profile_free(p);
	free(json);
	return 0;
}
