/* SPDX-License-Identifier: Apache-2.0 */
/*
 * connect: a real socket client. It listens on an abstract AF_UNIX socket of its own, then
 * connects to it, and prints the outcome of connect, "ret 0" or "errno N". Built for i386
 * it makes every socket call through socketcall(2), as 32-bit programs did before Linux 4.3
 * gave i386 direct socket syscalls: connect is socketcall(SYS_CONNECT, args), the real
 * arguments in memory behind args. Built for any other arch it makes the direct calls. The
 * agent's live test runs it under a profile that notifies connect.
 */
#include <errno.h>
#include <linux/net.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#if defined(__i386__)
static long
sock_call(int call, unsigned long a0, unsigned long a1, unsigned long a2)
{
	unsigned long args[3] = { a0, a1, a2 };

	return syscall(SYS_socketcall, call, args);
}
#define SOCKET(d, t, p)      sock_call(SYS_SOCKET, (d), (t), (p))
#define BIND(fd, sa, len)    sock_call(SYS_BIND, (fd), (unsigned long)(sa), (len))
#define LISTEN(fd, n)        sock_call(SYS_LISTEN, (fd), (n), 0)
#define CONNECT(fd, sa, len) sock_call(SYS_CONNECT, (fd), (unsigned long)(sa), (len))
#else
#define SOCKET(d, t, p)      syscall(SYS_socket, (d), (t), (p))
#define BIND(fd, sa, len)    syscall(SYS_bind, (fd), (sa), (len))
#define LISTEN(fd, n)        syscall(SYS_listen, (fd), (n))
#define CONNECT(fd, sa, len) syscall(SYS_connect, (fd), (sa), (len))
#endif

int
main(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	socklen_t len;
	long server, client;

	/* abstract: "\0ksc-connect-PID" */
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
	                  (size_t)snprintf(sa.sun_path + 1, sizeof(sa.sun_path) - 1,
	                                   "ksc-connect-%d", (int)getpid()));
	server = SOCKET(AF_UNIX, SOCK_STREAM, 0);
	client = SOCKET(AF_UNIX, SOCK_STREAM, 0);
	if (server < 0 || client < 0 || BIND(server, &sa, len) < 0 || LISTEN(server, 1) < 0) {
		printf("setup errno %d\n", errno);
		return 1;
	}
	if (CONNECT(client, &sa, len) < 0)
		printf("errno %d\n", errno);
	else
		printf("ret 0\n");
	return 0;
}
