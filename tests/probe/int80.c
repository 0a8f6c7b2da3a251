/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A 64-bit process that makes one i386 syscall through int 0x80: getppid (i386 64; on
 * x86_64, 64 is semget). The kernel runs it as a compat call, and seccomp filters it as
 * AUDIT_ARCH_I386: a recorder must name it so. x86_64 only.
 */
#include <stdio.h>

int
main(void)
{
	long ret;

	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(64L) : "memory");
	printf("%ld\n", ret);
	return ret > 0 ? 0 : 1;
}
