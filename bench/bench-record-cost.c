/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench-record-cost KSECCOMP [ROUNDS] [-- CMD ARGS...]: what a running recording costs the
 * node, side by side in one run, for each way the eBPF recorder can attach. A recorder runs
 * as it would on a node (`kseccomp record --cgroup`, recording one cgroup until told to
 * stop) while the workload runs three times: as the container's own process (forked by the
 * process that was first in the recorded cgroup, which stays there for the whole run, as a
 * container's first process does), as a process exec'd into the container (it enters the
 * cgroup from outside, as kubectl exec does: the recorder keeps its calls apart), and in a
 * sibling cgroup (an unrelated process of the node). The same runs with no recorder at all
 * are the baseline. Each round runs every variant (no recorder, tracepoint, fentry when the
 * kernel loads it), starting one variant further along each round; the median of the rounds
 * counts. The recorder's own start and stop are not timed: this is the cost to workloads
 * while it records, not the cost of a recording.
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

/* The container's first process: in the cgroup, it runs the workload each time it is asked
 * to (a byte on req), and answers with its exit status (a byte on resp). */
static void
launcher(const char *cgroup, char *const *argv, int req, int resp)
{
	char procs[PATH_MAX + 64], c;

	snprintf(procs, sizeof(procs), "%s/cgroup.procs", cgroup);
	write_file(procs, "0");
	while (read(req, &c, 1) == 1) {
		int status = -1;
		pid_t pid = fork();

		if (pid == 0) {
			int fd = open("/dev/null", O_WRONLY);

			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
			execvp(argv[0], argv);
			_exit(127);
		}
		c = pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
		                    WEXITSTATUS(status) == 0
		            ? 0
		            : 1;
		if (write(resp, &c, 1) != 1)
			break;
	}
	_exit(0);
}

/* Run the workload as the container's own process; seconds, or -1. */
static double
timed_own(int req, int resp)
{
	double t0 = now();
	char c = 0;

	if (write(req, &c, 1) != 1 || read(resp, &c, 1) != 1 || c != 0)
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
	/* [method][own, exec'd, unrelated][round] */
	double times[3][3][MAX_ROUNDS];
	int req[2], resp[2];
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
	/* the container's first process, in the recorded cgroup for the whole run (a recorder
	 * also ends once its cgroup has had processes and has none left) */
	if (pipe(req) < 0 || pipe(resp) < 0) {
		fprintf(stderr, "pipe: %s\n", strerror(errno));
		return 1;
	}
	holder = fork();
	if (holder == 0) {
		close(req[1]);
		close(resp[0]);
		launcher(rec, workload, req[0], resp[1]);
	}
	close(req[0]);
	close(resp[1]);
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

			/* the container's own run, the exec'd one and the unrelated one, each
			 * round another first */
			for (int w = 0; w < 3; w++) {
				int which = (w + r) % 3;

				times[m][which][r] =
				        which == 0 ? timed_own(req[1], resp[0])
				                   : timed_in(which == 1 ? rec : other, workload);
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
	close(req[1]);
	close(resp[0]);
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
	printf("| recorder | container's own | ratio | exec'd into it | ratio | unrelated process "
	       "| ratio |\n");
	printf("|---|---|---|---|---|---|---|\n");
	{
		double none[3];

		for (int w = 0; w < 3; w++)
			none[w] = median(times[0][w], rounds) * 1e3;
		for (int m = 0; m < n_methods; m++) {
			printf("| %s", methods[m]);
			for (int w = 0; w < 3; w++) {
				double t = median(times[m][w], rounds) * 1e3;

				printf(" | %.1f | %.3fx", t, t / none[w]);
			}
			printf(" |\n");
		}
	}
	return 0;
}
