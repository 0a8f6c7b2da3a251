/* SPDX-License-Identifier: Apache-2.0 */
/* syscall-loop N [THREADS]: getppid(2) N times in all, spread over THREADS threads (1 by
 * default), then exit 0. Under a filter that logs getppid, exactly N audit records. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

static long per_thread;

static void *
loop(void *arg)
{
	(void)arg;
	for (long i = 0; i < per_thread; i++)
		(void)syscall(SYS_getppid);
	return NULL;
}

int
main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 0, threads = argc > 2 ? atol(argv[2]) : 1;
	pthread_t tids[64];

	if (n <= 0 || threads < 1 || threads > 64 || n % threads) {
		fprintf(stderr,
		        "usage: syscall-loop N [THREADS] (N a multiple of THREADS <= 64)\n");
		return 2;
	}
	per_thread = n / threads;
	for (long t = 1; t < threads; t++)
		if (pthread_create(&tids[t], NULL, loop, NULL) != 0)
			return 1;
	loop(NULL);
	for (long t = 1; t < threads; t++)
		pthread_join(tids[t], NULL);
	return 0;
}
