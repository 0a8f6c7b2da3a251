/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A container's own process between the monitor's fork and execve. Its standard output and
 * error are the container's log: what it says there is the container's output (as a
 * runtime's init writes "exec: ...: not found" to the container's stderr), and it ends with
 * _exit() when it cannot go on, never returning to the monitor's code.
 */
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "child.h"
#include "strbuf.h"

void
node_child_error(const char *fmt, ...)
{
	struct strbuf sb = { 0 };
	_cleanup_(freep) char *out = NULL;
	char plain[1024];
	va_list ap;
	int n;

	/* A message that needs no escaping goes out without memory, which the filter may
	 * deny by then (runc's order puts it in before the capabilities change). */
	va_start(ap, fmt);
	n = vsnprintf(plain, sizeof(plain), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(plain) && !strbuf_needs_escape(plain, (size_t)n)) {
		fprintf(stderr, "kseccomp: %s\n", plain);
		return;
	}
	/* as the CLI says it (cli_error()): the whole message escaped for a terminal */
	va_start(ap, fmt);
	strbuf_put_vmessage(&sb, NULL, fmt, ap);
	va_end(ap);
	if (strbuf_finish(&sb, &out, NULL) < 0)
		fputs("kseccomp: out of memory\n", stderr);
	else
		fputs(out, stderr);
}

void
node_child_exec_failed(const char *name, int err)
{
	struct strbuf sb = { 0 };
	const char *shown = name;

	/* The name is escaped only when it needs it: then with memory the filter may deny (a
	 * message saying "out of memory" at worst). */
	if (strbuf_needs_escape(name, strlen(name))) {
		strbuf_put_escaped(&sb, name, strlen(name));
		shown = sb.oom ? "(out of memory)" : sb.buf;
	}
	fprintf(stderr, "exec %s: %s\n", shown, strerror(err));
	strbuf_done(&sb);
}

static volatile pid_t ns_child;

static void
ns_forward(int sig)
{
	if (ns_child > 0)
		(void)kill(ns_child, sig);
}

/* The host executor's optional namespaces (CLONE_NEW* flags): uts gets the pod's name as
 * host name, mount a private propagation, pid a fork so that the workload is pid 1 there
 * (this process stays outside, passing signals on and ending as the workload ends), and
 * with both pid and mount a /proc of the namespace's own. */
void
node_enter_namespaces(unsigned long flags, const char *hostname)
{
	int status;

	if (unshare((int)flags) < 0) {
		fprintf(stderr, "kseccomp: unshare: %s\n", strerror(errno));
		_exit(128);
	}
	if ((flags & CLONE_NEWUTS) && sethostname(hostname, strlen(hostname)) < 0) {
		fprintf(stderr, "kseccomp: sethostname: %s\n", strerror(errno));
		_exit(128);
	}
	if ((flags & CLONE_NEWNS) && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		fprintf(stderr, "kseccomp: mount propagation: %s\n", strerror(errno));
		_exit(128);
	}
	if (!(flags & CLONE_NEWPID))
		return;
	ns_child = fork();
	if (ns_child < 0) {
		fprintf(stderr, "kseccomp: fork: %s\n", strerror(errno));
		_exit(128);
	}
	if (ns_child == 0) {
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
		if ((flags & CLONE_NEWNS) &&
		    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
			fprintf(stderr, "kseccomp: mount /proc: %s\n", strerror(errno));
			_exit(128);
		}
		return;
	}
	{
		struct sigaction sa = { .sa_handler = ns_forward, .sa_flags = SA_RESTART };

		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
	}
	while (waitpid(ns_child, &status, 0) < 0)
		if (errno != EINTR)
			_exit(128);
	if (WIFSIGNALED(status)) {
		signal(WTERMSIG(status), SIG_DFL);
		(void)kill(getpid(), WTERMSIG(status));
	}
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}
