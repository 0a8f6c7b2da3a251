/* SPDX-License-Identifier: Apache-2.0 */
/*
 * storm THREADS SECONDS: a syscall storm in which rare calls hide. THREADS threads call
 * getppid(2) as fast as they can for SECONDS; each thread, halfway through its loop, makes
 * once a call that nothing else in the program makes (a different one per thread, from the
 * list below). Prints the total rate ("calls/s N"), then the rare calls made, one name per
 * line, for the test to look for in a recorded profile: a recorder that drops events under
 * load misses some of them.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* Calls a static glibc program makes neither at startup nor at exit, and that do nothing
 * harmful with these arguments. */
static const struct {
	const char *name;
	long nr;
} rare[] = {
	{ "getpgid", SYS_getpgid },         { "getsid", SYS_getsid },
	{ "getpriority", SYS_getpriority }, { "sched_getscheduler", SYS_sched_getscheduler },
	{ "sched_yield", SYS_sched_yield }, { "times", SYS_times },
	{ "getitimer", SYS_getitimer },     { "getpgrp", SYS_getpgrp },
};
#define N_RARE (sizeof(rare) / sizeof(rare[0]))

static double seconds;
static atomic_long total;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *
storm(void *arg)
{
	size_t i = (size_t)arg;
	double start = now(), end = start + seconds;
	long n = 0, buf[4] = { 0 };
	int rare_done = 0;

	for (;;) {
		for (int k = 0; k < 1000; k++)
			(void)syscall(SYS_getppid);
		n += 1000;
		double t = now();

		if (!rare_done && t >= start + seconds / 2) {
			/* every argument harmless: a query of the caller itself */
			switch (rare[i].nr) {
			case SYS_getpriority:
				(void)syscall(rare[i].nr, 0 /* PRIO_PROCESS */, 0);
				break;
			case SYS_times:
			case SYS_getitimer:
				(void)syscall(rare[i].nr, 0, buf);
				break;
			default:
				(void)syscall(rare[i].nr, 0);
			}
			rare_done = 1;
		}
		if (t >= end)
			break;
	}
	atomic_fetch_add(&total, n);
	return NULL;
}

int
main(int argc, char **argv)
{
	long threads = argc > 2 ? atol(argv[1]) : 0;
	pthread_t tids[N_RARE];
	double start;

	seconds = argc > 2 ? atof(argv[2]) : 0;
	if (threads < 1 || threads > (long)N_RARE || seconds <= 0) {
		fprintf(stderr, "usage: storm THREADS SECONDS (THREADS <= %zu)\n", N_RARE);
		return 2;
	}
	start = now();
	for (long i = 0; i < threads; i++)
		if (pthread_create(&tids[i], NULL, storm, (void *)(size_t)i) != 0) {
			perror("pthread_create");
			return 1;
		}
	for (long i = 0; i < threads; i++)
		pthread_join(tids[i], NULL);
	printf("calls/s %.0f\n", (double)atomic_load(&total) / (now() - start));
	for (long i = 0; i < threads; i++)
		printf("%s\n", rare[i].name);
	return 0;
}
