/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench-record KSECCOMP [ROUNDS] [-- CMD ARGS...]: the cost of recording a syscall-heavy
 * workload, side by side in one run: unrecorded, `kseccomp record --backend ebpf`,
 * `kseccomp record --backend ptrace`, and `strace -f -o /dev/null`. The variants run in
 * turn within each round (so that drift in the machine hits them alike), each round starting
 * one variant further (so that no variant always follows the same one: the run after
 * strace's is slower); the median of the rounds counts. Then recall: the syscalls `strace -f` sees the workload make, against the
 * names each backend's profile allows.
 *
 * The default workload: tar -cf /dev/null /usr/include /usr/lib/python3 (tens of thousands
 * of syscalls: stat, open, read, close).
 *
 * --ebpf-only: only the unrecorded run and the eBPF recorder, for more rounds of the
 * overhead figure in the same time.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ROUNDS 31

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Run argv with stdout and stderr to /dev/null; seconds taken, or -1 when it failed. */
static double
timed(char *const *argv)
{
	double t0 = now();
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -1;
	return now() - t0;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* argv = prefix... workload... */
static char **
join(char **prefix, size_t n_prefix, char **workload, size_t n_workload)
{
	char **v = calloc(n_prefix + n_workload + 1, sizeof(*v));

	if (!v)
		exit(1);
	memcpy(v, prefix, n_prefix * sizeof(*v));
	memcpy(v + n_prefix, workload, n_workload * sizeof(*v));
	return v;
}

/* The names of a file's words that look like syscalls "name(" at a line's start after a
 * pid (strace -f) or the names in a profile's JSON ("name",). */
static bool
in_list(char **list, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], name) == 0)
			return true;
	return false;
}

static size_t
strace_names(const char *path, char **out, size_t max)
{
	FILE *f = fopen(path, "r");
	char line[8192];
	size_t n = 0;

	while (f && fgets(line, sizeof(line), f)) {
		char *p = line, name[64];
		size_t k = 0;

		while (*p >= '0' && *p <= '9')
			p++;
		while (*p == ' ')
			p++;
		if (strncmp(p, "<... ", 5) == 0 || *p == '+' || *p == '-')
			continue; /* resumed calls, exits, signals */
		while (k < sizeof(name) - 1 &&
		       ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			name[k++] = *p++;
		name[k] = '\0';
		if (k && *p == '(' && n < max && !in_list(out, n, name))
			out[n++] = strdup(name);
	}
	if (f)
		fclose(f);
	return n;
}

static size_t
profile_names(const char *path, char **out, size_t max)
{
	FILE *f = fopen(path, "r");
	char line[512];
	size_t n = 0;

	/* the canonical form: one name per line, inside "names" */
	while (f && fgets(line, sizeof(line), f)) {
		char *q1 = strchr(line, '"'), *q2 = q1 ? strchr(q1 + 1, '"') : NULL;

		if (!q1 || !q2 || strchr(q2 + 1, ':') || strstr(line, "SCMP_"))
			continue;
		*q2 = '\0';
		if (n < max && !in_list(out, n, q1 + 1))
			out[n++] = strdup(q1 + 1);
	}
	if (f)
		fclose(f);
	return n;
}

int
main(int argc, char **argv)
{
	static char *default_workload[] = { "tar", "-cf", "/dev/null", "/usr/include",
		                            "/usr/lib/python3" };
	char **workload = default_workload;
	size_t n_workload = sizeof(default_workload) / sizeof(*default_workload);
	const char *k;
	int rounds = 7;
	char ebpf_out[] = "/tmp/bench-record-ebpf.json",
	     ptrace_out[] = "/tmp/bench-record-ptrace.json",
	     strace_out[] = "/tmp/bench-record-strace.txt";
	const char *names[] = { "unrecorded", "record --backend ebpf", "record --backend ptrace",
		                "strace -f -o /dev/null" };
	double times[4][MAX_ROUNDS];
	char **variants[4];
	int n_variants = 4;

	if (argc < 2) {
		fprintf(stderr, "usage: %s KSECCOMP [ROUNDS] [--ebpf-only] [-- CMD ARGS...]\n",
		        argv[0]);
		return 2;
	}
	k = argv[1];
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			workload = argv + i + 1;
			n_workload = (size_t)(argc - i - 1);
			break;
		}
		if (strcmp(argv[i], "--ebpf-only") == 0)
			n_variants = 2;
		else
			rounds = atoi(argv[i]);
	}
	if (rounds < 1 || rounds > MAX_ROUNDS || n_workload == 0) {
		fprintf(stderr, "bench-record: ROUNDS is 1..%d, and a workload is needed\n",
		        MAX_ROUNDS);
		return 2;
	}
	{
		char *ebpf[] = { (char *)k, "record", "--backend", "ebpf",
			         "-q",      "-o",     ebpf_out,    "--" };
		char *ptr[] = { (char *)k, "record", "--backend", "ptrace",
			        "-q",      "-o",     ptrace_out,  "--" };
		char *st[] = { "strace", "-f", "-o", "/dev/null", "--" };

		variants[0] = join(NULL, 0, workload, n_workload);
		variants[1] = join(ebpf, 8, workload, n_workload);
		variants[2] = join(ptr, 8, workload, n_workload);
		variants[3] = join(st, 5, workload, n_workload);
	}
	(void)timed(variants[0]); /* warm the page cache */
	for (int r = 0; r < rounds; r++)
		for (int i = 0; i < n_variants; i++) {
			int v = (r + i) % n_variants;

			times[v][r] = timed(variants[v]);
			if (times[v][r] < 0) {
				fprintf(stderr,
				        "bench-record: '%s' failed (root for ebpf; strace "
				        "installed?)\n",
				        names[v]);
				return 1;
			}
		}
	printf("workload:");
	for (size_t i = 0; i < n_workload; i++)
		printf(" %s", workload[i]);
	printf("\n%d rounds; the median and the best wall time of each, and their ratios to the\n"
	       "unrecorded run's\n\n",
	       rounds);
	printf("%-26s %10s %8s %10s %8s\n", "variant", "median ms", "ratio", "best ms", "ratio");
	{
		double base_med, base_min;

		for (int v = 0; v < n_variants; v++)
			qsort(times[v], (size_t)rounds, sizeof(double), cmp_double);
		base_med = times[0][rounds / 2];
		base_min = times[0][0];
		for (int v = 0; v < n_variants; v++)
			printf("%-26s %10.1f %7.2fx %10.1f %7.2fx\n", names[v],
			       times[v][rounds / 2] * 1e3, times[v][rounds / 2] / base_med,
			       times[v][0] * 1e3, times[v][0] / base_min);
	}

	/* recall against strace's view of the same workload */
	{
		char *st[] = { "strace", "-f", "-qq", "-o", strace_out, "--" };
		char *seen[1024], *ebpf_names[1024], *ptrace_names[1024];
		size_t n_seen, n_ebpf, n_ptrace, miss_ebpf = 0, miss_ptrace = 0;

		if (timed(join(st, 6, workload, n_workload)) < 0)
			return 1;
		n_seen = strace_names(strace_out, seen, 1024);
		n_ebpf = profile_names(ebpf_out, ebpf_names, 1024);
		n_ptrace = profile_names(ptrace_out, ptrace_names, 1024);
		printf("\nrecall: strace saw %zu distinct syscalls\n", n_seen);
		for (size_t i = 0; i < n_seen; i++) {
			bool e = in_list(ebpf_names, n_ebpf, seen[i]);
			bool p = n_variants < 3 || in_list(ptrace_names, n_ptrace, seen[i]);

			miss_ebpf += !e;
			miss_ptrace += !p;
			if (!e || !p)
				printf("  missing %s:%s%s\n", seen[i], e ? "" : " ebpf",
				       p ? "" : " ptrace");
		}
		printf("  ebpf:   %zu of %zu (%.1f%%), profile allows %zu\n", n_seen - miss_ebpf,
		       n_seen, 100.0 * (double)(n_seen - miss_ebpf) / (double)n_seen, n_ebpf);
		if (n_variants > 2)
			printf("  ptrace: %zu of %zu (%.1f%%), profile allows %zu\n",
			       n_seen - miss_ptrace, n_seen,
			       100.0 * (double)(n_seen - miss_ptrace) / (double)n_seen, n_ptrace);
	}
	return 0;
}
