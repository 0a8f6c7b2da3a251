/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mkdir-loop: mkdir and rmdir one directory five times a second, for ever. Static, for images
 * that hold no libc: a long-lived process whose seccomp audit records can still be traced to
 * its container when they are read (node scan --serve --audit's test).
 */
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int
main(void)
{
	const struct timespec pause = { .tv_nsec = 200 * 1000 * 1000 };

	for (;;) {
		(void)mkdir("/tmp/kseccomp-mkdir-loop", 0700);
		(void)rmdir("/tmp/kseccomp-mkdir-loop");
		nanosleep(&pause, NULL);
	}
}
