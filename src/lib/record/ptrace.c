/* SPDX-License-Identifier: Apache-2.0 */
/* The ptrace backend of the recorder (record.h). */
#include <dirent.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "record.h"

static int
note_stop(struct recording *rec, pid_t pid, bool want_args)
{
	struct __ptrace_syscall_info info;
	enum ksc_arch arch;
	uint32_t nr;
	const uint64_t *args;

	memset(&info, 0, sizeof(info));
	if (ptrace(PTRACE_GET_SYSCALL_INFO, pid, (void *)sizeof(info), &info) <= 0)
		return -errno;
	if (info.op == PTRACE_SYSCALL_INFO_SECCOMP) {
		nr = (uint32_t)info.seccomp.nr;
		args = info.seccomp.args;
	} else if (info.op == PTRACE_SYSCALL_INFO_ENTRY) {
		nr = (uint32_t)info.entry.nr;
		args = info.entry.args;
	} else
		return 0;
	if (ksc_arch_from_audit_token(info.arch, nr, &arch) < 0)
		return 0;
	if (want_args) {
		uint64_t a[6];

		for (int i = 0; i < 6; i++)
			a[i] = args[i];
		recording_add(rec, arch, nr, a);
	} else
		recording_add(rec, arch, nr, NULL);
	return 0;
}

struct tracer {
	struct recording *rec;
	bool want_args;
	bool seccomp_mode; /* stops come from the RET_TRACE filter, else PTRACE_SYSCALL */
	pid_t main;        /* the command, whose status is ours */
	int main_status;
	size_t tracees;
	volatile sig_atomic_t *stop; /* attached: detach when set */
};

/* The wait loop: every stop of every tracee until none is left. */
static int
trace_loop(struct tracer *t)
{
	enum __ptrace_request resume = t->seccomp_mode ? PTRACE_CONT : PTRACE_SYSCALL;

	while (t->tracees > 0) {
		int status, sig = 0;
		pid_t pid = waitpid(-1, &status, __WALL);

		if (pid < 0) {
			if (errno == EINTR) {
				if (t->stop && *t->stop && !t->seccomp_mode)
					break; /* --pid: detach below */
				continue;
			}
			if (errno == ECHILD)
				break;
			return -errno;
		}
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			if (pid == t->main)
				t->main_status = status;
			t->tracees--;
			continue;
		}
		if (!WIFSTOPPED(status))
			continue;
		switch (status >> 16) {
		case PTRACE_EVENT_SECCOMP:
			(void)note_stop(t->rec, pid, t->want_args);
			break;
		case PTRACE_EVENT_FORK:
		case PTRACE_EVENT_VFORK:
		case PTRACE_EVENT_CLONE:
			t->tracees++; /* its first stop follows */
			break;
		case PTRACE_EVENT_EXEC:
		case PTRACE_EVENT_EXIT:
			break;
		case PTRACE_EVENT_STOP:
			break;
		default:
			if (WSTOPSIG(status) == (SIGTRAP | 0x80))
				(void)note_stop(t->rec, pid, t->want_args); /* PTRACE_SYSCALL */
			else if (WSTOPSIG(status) != SIGSTOP && WSTOPSIG(status) != SIGTRAP)
				sig = WSTOPSIG(status); /* a signal for the tracee: deliver it */
			else if (WSTOPSIG(status) == SIGSTOP && pid == t->main)
				sig = 0;
		}
		if (ptrace(resume, pid, NULL, (void *)(long)sig) < 0 && errno != ESRCH)
			return -errno;
	}
	return 0;
}

static const unsigned long trace_options = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK |
                                           PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
                                           PTRACE_O_TRACEEXEC;

/* The launched child: stop for the tracer, install the RET_TRACE filter, exec. Failures are
 * reported on report_fd. */
_noreturn_ static void
child(bool nnp, char **argv, int report_fd)
{
	struct sock_filter insns[] = {
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
	};
	struct sock_fprog prog = { .len = ELEMENTSOF(insns), .filter = insns };
	int err;

	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0) {
		record_child_report(report_fd, "ptrace", errno);
		_exit(RECORD_EXIT_CANNOT_EXEC);
	}
	raise(SIGSTOP);
	/* a filter needs no_new_privs without CAP_SYS_ADMIN; as root it is left off unless
	 * asked for, so that set-user-ID programs behave as they do */
	if ((nnp || geteuid() != 0) && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		record_child_report(report_fd, "no_new_privs", errno);
		_exit(RECORD_EXIT_CANNOT_EXEC);
	}
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0) {
		record_child_report(report_fd, "seccomp", errno);
		_exit(RECORD_EXIT_CANNOT_EXEC);
	}
	execvp(argv[0], argv);
	err = errno;
	record_child_report(report_fd, argv[0], err);
	_exit(err == ENOENT ? RECORD_EXIT_NOT_FOUND : RECORD_EXIT_CANNOT_EXEC);
}

int
record_ptrace_run(struct recording *rec, bool want_args, bool nnp, char **argv, int *ret_status,
                  struct ksc_diags *diags)
{
	struct tracer t = { .rec = rec, .want_args = want_args, .seccomp_mode = true };
	_cleanup_(closep) int report_read = -1;
	int report[2], status, r;
	pid_t pid;

	if (pipe2(report, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		r = -errno;
		close(report[0]);
		close(report[1]);
		return r;
	}
	if (pid == 0) {
		close(report[0]);
		child(nnp, argv, report[1]);
	}
	report_read = report[0];
	close(report[1]);
	if (waitpid(pid, &status, 0) < 0 || !WIFSTOPPED(status)) {
		r = -ECHILD;
		goto fail;
	}
	if (ptrace(PTRACE_SETOPTIONS, pid, NULL,
	           (void *)(trace_options | PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL)) < 0) {
		r = -errno;
		goto fail;
	}
	/* execvp looks the command up first: those calls are ours, not the workload's, and
	 * the filter is installed after them anyway; recording starts at the execve */
	t.main = pid;
	t.tracees = 1;
	if (ptrace(PTRACE_CONT, pid, NULL, NULL) < 0) {
		r = -errno;
		goto fail;
	}
	r = trace_loop(&t);
	if (r < 0)
		goto fail;
	r = record_child_diag(report_read, diags);
	if (r < 0)
		return r;
	*ret_status = t.main_status;
	return 0;
fail:
	(void)kill(pid, SIGKILL);
	(void)waitpid(pid, NULL, 0);
	(void)record_child_diag(report_read, diags);
	return r;
}

/* Seize every thread of pid; their ids are added to *attached. */
static int
attach_threads(pid_t pid, pid_t **attached, size_t *n_attached, size_t *cap,
               struct ksc_diags *diags)
{
	char path[64];
	_cleanup_(closedirp) DIR *d = NULL;
	struct dirent *de;
	int r;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d) {
		r = -errno;
		(void)ksc_diags_addf(diags, KSC_SEVERITY_ERROR, NULL, 0, 0, NULL, "process %d: %s",
		                     (int)pid, strerror(-r));
		return r;
	}
	while ((de = readdir(d))) {
		pid_t tid = (pid_t)strtol(de->d_name, NULL, 10);

		if (tid <= 0)
			continue;
		if (ptrace(PTRACE_SEIZE, tid, NULL, (void *)trace_options) < 0) {
			r = -errno;
			(void)ksc_diags_addf(diags, KSC_SEVERITY_ERROR, NULL, 0, 0, NULL,
			                     "cannot attach to %d: %s%s", (int)tid, strerror(-r),
			                     r == -EPERM ? " (ptrace needs the same user, or root; "
			                                   "see /proc/sys/kernel/yama/ptrace_scope)"
			                                 : "");
			return r;
		}
		if (*n_attached == *cap) {
			pid_t *grown = reallocarray(*attached, *cap = *cap ? 2 * *cap : 16,
			                            sizeof(*grown));

			if (!grown)
				return -ENOMEM;
			*attached = grown;
		}
		(*attached)[(*n_attached)++] = tid;
		(void)ptrace(PTRACE_INTERRUPT, tid, NULL, NULL);
	}
	return 0;
}

int
record_ptrace_attach(struct recording *rec, bool want_args, const pid_t *pids, size_t n_pids,
                     volatile sig_atomic_t *stop, struct ksc_diags *diags)
{
	struct tracer t = { .rec = rec, .want_args = want_args, .stop = stop };
	_cleanup_(freep) pid_t *attached = NULL;
	size_t n_attached = 0, cap = 0;
	int r;

	for (size_t i = 0; i < n_pids; i++) {
		r = attach_threads(pids[i], &attached, &n_attached, &cap, diags);
		if (r < 0)
			return r;
	}
	t.tracees = n_attached;
	r = trace_loop(&t);
	for (size_t i = 0; i < n_attached; i++)
		(void)ptrace(PTRACE_DETACH, attached[i], NULL, NULL);
	return r;
}
