/* SPDX-License-Identifier: Apache-2.0 */
/*
 * try-syscall NR [ARG0..ARG5]: make one raw syscall and print its outcome, "ret N" or
 * "errno N", on standard output. The live tests run it under a filter (built static, and also
 * for i386) and compare the kernel's outcome with the interpreter's prediction. Arguments
 * are decimal, 0x hexadecimal or negative. `try-syscall wait` blocks reading standard input
 * until it closes, so that a test can read the filters of a live, confined process.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	long args[6] = { 0 };
	long nr, r;

	if (argc < 2 || argc > 8) {
		fprintf(stderr, "usage: %s NR [ARG0..ARG5]\n", argv[0]);
		return 2;
	}
	if (argc == 2 && argv[1][0] == 'w') {
		char c;

		while (read(STDIN_FILENO, &c, 1) > 0)
			;
		return 0;
	}
	nr = (long)strtoull(argv[1], NULL, 0);
	for (int i = 2; i < argc; i++)
		args[i - 2] = (long)strtoull(argv[i], NULL, 0);
	errno = 0;
	r = syscall(nr, args[0], args[1], args[2], args[3], args[4], args[5]);
	if (r == -1 && errno)
		printf("errno %d\n", errno);
	else
		printf("ret %ld\n", r);
	return 0;
}
