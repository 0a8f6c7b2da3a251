/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench-record-cost KSECCOMP [ROUNDS] [-- CMD ARGS...]: what a running recording costs the
 * node, side by side in one run, for each way the eBPF recorder can attach. A recorder runs
 * as it would on a node (`kseccomp record --cgroup`, recording one cgroup until told to
 * stop) while the workload runs twice: once in the recorded cgroup (the recorded workload)
 * and once in a sibling cgroup (an unrelated process of the node). The same two runs with no
 * recorder at all are the baseline. Each round runs every variant (no recorder, tracepoint,
 * fentry when the kernel loads it), starting one variant further along each round; the
 * median of the rounds counts. The recorder's own start and stop are not timed: this is the
 * cost to workloads while it records, not the cost of a recording. A process stays parked in
 * the recorded cgroup, so that the recorder runs through both runs of a round.
 *
 * The default workload: tar -cf /dev/null /usr/include /usr/share (about 350,000 syscalls:
 * stat, open, read, close).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ROUNDS 51

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		exit(1);
	}
	close(fd);
}

/* Run argv in the cgroup (its directory), output to /dev/null; seconds, or -1. */
static double
timed_in(const char *cgroup, char *const *argv)
{
	char procs[PATH_MAX];
	double t0 = now();
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		snprintf(procs, sizeof(procs), "%s/cgroup.procs", cgroup);
		write_file(procs, "0");
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -1;
	return now() - t0;
}

/* Start `KSECCOMP record --cgroup CGROUP --attach METHOD` and give it time to arm. */
static pid_t
start_recorder(const char *kseccomp, const char *method, const char *cgroup, const char *out)
{
	pid_t pid = fork();

	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		dup2(fd, STDERR_FILENO);
		execl(kseccomp, kseccomp, "record", "-q", "--backend", "ebpf", "--attach", method,
		      "--cgroup", cgroup, "--output-file", out, (char *)NULL);
		_exit(127);
	}
	usleep(500 * 1000); /* it loads in tens of milliseconds */
	return pid;
}

/* Stop it; whether it wrote its profile and exited 0. */
static bool
stop_recorder(pid_t pid)
{
	int status;

	kill(pid, SIGINT);
	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Whether the kernel loads the fentry recorder. */
static bool
fentry_loads(const char *kseccomp)
{
	char cmd[PATH_MAX + 128];

	snprintf(cmd, sizeof(cmd),
	         "%s record -q --backend ebpf --attach fentry -- true "
	         ">/dev/null 2>&1",
	         kseccomp);
	return system(cmd) == 0;
}

/* The first cgroup2 mount point. */
static bool
cgroup2_root(char *buf, size_t size)
{
	FILE *f = fopen("/proc/self/mounts", "re");
	char dev[256], dir[PATH_MAX], type[64];
	bool found = false;

	while (f && !found && fscanf(f, "%255s %4095s %63s %*[^\n]", dev, dir, type) == 3)
		if (strcmp(type, "cgroup2") == 0) {
			snprintf(buf, size, "%s", dir);
			found = true;
		}
	if (f)
		fclose(f);
	return found;
}

int
main(int argc, char **argv)
{
	static const char *const methods[] = { "none", "tracepoint", "fentry" };
	static char *default_workload[] = { "tar",          "-cf",        "/dev/null",
		                            "/usr/include", "/usr/share", NULL };
	double times[3][2][MAX_ROUNDS];
	char root[PATH_MAX], base[PATH_MAX + 32], rec[PATH_MAX + 48], other[PATH_MAX + 48],
	        out[PATH_MAX + 16];
	char **workload = default_workload;
	int rounds = 11, n_methods;
	pid_t holder;

	if (argc < 2) {
		fprintf(stderr, "usage: bench-record-cost KSECCOMP [ROUNDS] [-- CMD ARGS...]\n");
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0 && i + 1 < argc) {
			workload = argv + i + 1;
			break;
		}
		rounds = atoi(argv[i]);
	}
	if (rounds < 1 || rounds > MAX_ROUNDS) {
		fprintf(stderr, "ROUNDS: 1 to %d\n", MAX_ROUNDS);
		return 2;
	}
	if (geteuid() != 0 || !cgroup2_root(root, sizeof(root))) {
		fprintf(stderr, "needs root and a cgroup v2 hierarchy\n");
		return 1;
	}
	snprintf(base, sizeof(base), "%s/kseccomp-bench-%d", root, (int)getpid());
	snprintf(rec, sizeof(rec), "%s/rec", base);
	snprintf(other, sizeof(other), "%s/other", base);
	snprintf(out, sizeof(out), "/tmp/bench-record-cost-%d.json", (int)getpid());
	if (mkdir(base, 0755) < 0 || mkdir(rec, 0755) < 0 || mkdir(other, 0755) < 0) {
		fprintf(stderr, "%s: %s\n", base, strerror(errno));
		return 1;
	}
	/* a process parked in the recorded cgroup for the whole run: a recorder ends once its
	 * cgroup has had processes and has none left, which would otherwise be after the
	 * recorded run, before the unrelated one */
	holder = fork();
	if (holder == 0) {
		char procs[PATH_MAX + 64];

		snprintf(procs, sizeof(procs), "%s/cgroup.procs", rec);
		write_file(procs, "0");
		pause();
		_exit(0);
	}
	n_methods = fentry_loads(argv[1]) ? 3 : 2;
	if (n_methods == 2)
		printf("fentry: this kernel does not load it (kseccomp record --attach fentry "
		       "says why); the tracepoint only\n");
	/* one untimed run to warm the page cache */
	if (timed_in(other, workload) < 0) {
		fprintf(stderr, "%s failed\n", workload[0]);
		return 1;
	}
	for (int r = 0; r < rounds; r++) {
		for (int k = 0; k < n_methods; k++) {
			int m = (r + k) % n_methods;
			pid_t recorder = m ? start_recorder(argv[1], methods[m], rec, out) : 0;

			/* the recorded cgroup's run and the other's, alternately first */
			for (int w = 0; w < 2; w++) {
				int which = (w + r) % 2;

				times[m][which][r] = timed_in(which ? other : rec, workload);
				if (times[m][which][r] < 0) {
					fprintf(stderr, "%s failed\n", workload[0]);
					return 1;
				}
			}
			if (recorder && !stop_recorder(recorder)) {
				fprintf(stderr, "the %s recorder failed\n", methods[m]);
				return 1;
			}
		}
		fprintf(stderr, "round %d/%d\n", r + 1, rounds);
	}
	kill(holder, SIGKILL);
	waitpid(holder, NULL, 0);
	rmdir(rec);
	rmdir(other);
	rmdir(base);
	unlink(out);

	printf("workload:");
	for (char **a = workload; *a; a++)
		printf(" %s", *a);
	printf("\n%d rounds, median ms\n\n", rounds);
	printf("| recorder | recorded workload | ratio | unrelated process | ratio |\n");
	printf("|---|---|---|---|---|\n");
	{
		double base_rec = median(times[0][0], rounds) * 1e3,
		       base_other = median(times[0][1], rounds) * 1e3;

		for (int m = 0; m < n_methods; m++) {
			double a = median(times[m][0], rounds) * 1e3,
			       b = median(times[m][1], rounds) * 1e3;

			printf("| %s | %.1f | %.3fx | %.1f | %.3fx |\n", methods[m], a,
			       a / base_rec, b, b / base_other);
		}
	}
	return 0;
}
