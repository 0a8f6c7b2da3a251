/* SPDX-License-Identifier: Apache-2.0 */
/*
 * threads: start a thread with pthread_create() and join it. glibc tries clone3(2) first and
 * falls back to clone(2) only on ENOSYS, so under a profile that answers clone3 with EPERM
 * this fails; under RuntimeDefault (clone3: ENOSYS) it prints "threads ok".
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static void *
worker(void *arg)
{
	return arg;
}

int
main(void)
{
	pthread_t t;
	void *ret = NULL;
	int r;

	r = pthread_create(&t, NULL, worker, (void *)&t);
	if (r != 0) {
		printf("pthread_create: %s\n", strerror(r));
		return 1;
	}
	r = pthread_join(t, &ret);
	if (r != 0 || ret != (void *)&t) {
		printf("pthread_join: %s\n", strerror(r));
		return 1;
	}
	printf("threads ok\n");
	return 0;
}
