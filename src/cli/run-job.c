/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kseccomp run, once the profile is chosen: the checks before the fork, the child (the one
 * exec sequence of exec.c), the listener hand-off and the wait.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "exec.h"
#include "listener.h"
#include "run.h"

extern char **environ;

/* Refuse a filter that would leave the command unable to start (exec_denies_execve()). */
static int
check_execve(const struct ksc_bpf *prog, enum ksc_arch native, const char *profile, const char *cmd)
{
	uint32_t ret;
	char action[32];

	if (!exec_denies_execve(prog, native, &ret))
		return 0;
	ksc_ret_format(ret, action, sizeof(action));
	cli_error("%s denies execve (%s): %s cannot start under it (a runtime shows such a "
	          "container as crashing)",
	          profile, action, cmd);
	return EXIT_CANNOT_EXEC;
}

/*
 * Rules runc and crun leave out (libseccomp does not know the syscall, or builds the arch's
 * part of the filter blind) while the call then runs: say so at each rule. Both backends
 * compile runc's rule list, so kseccomp run leaves them out too; --strict refuses.
 */
static int
check_unenforced(const struct ksc_profile *profile, const struct ksc_compile_opts *copts,
                 bool strict, const char *profile_path)
{
	_cleanup_(ksc_diags_freep) struct ksc_diags *diags = ksc_diags_new();
	int n;

	if (!diags)
		return cli_fail(-ENOMEM, NULL, NULL);
	n = ksc_profile_unenforced(profile, copts,
	                           strict ? KSC_SEVERITY_ERROR : KSC_SEVERITY_WARNING, diags);
	if (n < 0)
		return cli_fail(n, NULL, profile_path);
	cli_print_diags(diags);
	if (n == 0)
		return 0;
	if (strict) {
		cli_error("%s: refused (--strict): %d rule%s the runtimes would not enforce",
		          profile_path, n, n == 1 ? "" : "s");
		return 1;
	}
	cli_error("warning: kseccomp run compiles %s as runc does: it does not enforce %s "
	          "either (--strict refuses such a profile)",
	          profile_path, n == 1 ? "this rule" : "these rules");
	return 0;
}

void
run_job_done(struct run_job *job)
{
	ksc_profile_free(job->profile);
	ksc_bpf_free(job->prog);
}

/* The listener: runc creates one only when a rule notifies (crun: whenever listenerPath is
 * set); the kernel and the program must let the hand-off through. */
static int
check_listener(struct run_job *job, const struct ksc_kernel_support *support)
{
	struct ksc_error *error = NULL;
	int r;

	if (!listener_profile_notifies(job->profile))
		return 0;
	job->eopts.listener = true;
	r = ksc_enforce_check(job->prog, &job->eopts, support, &error);
	if (r == 0)
		r = listener_check_program(job->prog, job->copts.native, job->profile_path, &error);
	if (r < 0)
		return cli_fail(r, error, job->profile_path);
	return 0;
}

/* Read, compile and check the profile: everything that can fail is done before the fork.
 * 0, or the exit status after saying why. */
int
prepare_filter(struct run_job *job, const char *cmd)
{
	_cleanup_(ksc_diags_freep) struct ksc_diags *diags = ksc_diags_new();
	struct ksc_profile_parse_opts popts = { .native_arch = job->copts.native,
		                                .flags = job->strict ? KSC_PROFILE_STRICT : 0 };
	struct ksc_kernel_support support;
	struct ksc_error *error = NULL;
	bool present;
	int r;

	if (!diags)
		return cli_fail(-ENOMEM, NULL, NULL);
	if (!job->profile) {
		r = ksc_profile_load(job->profile_path, &popts, &job->profile, diags, &error);
		if (r < 0)
			return cli_report_invalid(r, diags, error, job->profile_path);
	}
	/* Compile the profile just read: reading the file again could see another one. */
	r = ksc_profile_compile(job->profile, &job->copts, &job->prog, NULL, &error);
	if (r < 0)
		return cli_fail(r, error, job->profile_path);
	r = check_unenforced(job->profile, &job->copts, job->strict, job->profile_path);
	if (r)
		return r;
	job->eopts.flags = ksc_profile_flags(job->profile, &present);
	job->eopts.flags_set = present;
	r = ksc_kernel_probe(&support);
	if (r < 0)
		return cli_fail(r, NULL, "probing seccomp");
	if (job->log_denials) {
		if (!job->eopts.flags_set)
			job->eopts.flags = support.flags & KSC_FLAG_SPEC_ALLOW;
		job->eopts.flags |= KSC_FLAG_LOG;
		job->eopts.flags_set = true;
	}
	r = ksc_enforce_check(job->prog, &job->eopts, &support, &error);
	if (r < 0)
		return cli_fail(r, error, job->profile_path);
	r = check_execve(job->prog, job->copts.native, job->profile_path, cmd);
	if (r)
		return r;
	return check_listener(job, &support);
}

static volatile pid_t forward_to;

static void
forward_signal(int sig)
{
	if (forward_to > 0)
		(void)kill(forward_to, sig);
}

/* The child: the exec sequence, and why it failed on the pipe. Never returns. */
_noreturn_ static void
run_child(const struct run_job *job, const char *command, char **argv, pid_t parent,
          struct listener_handoff *handoff, int pipefd[2])
{
	struct exec_spec spec = {
		.path = command,
		.argv = argv,
		.no_new_privs = job->eopts.no_new_privs,
		.set_caps = job->caps_set,
		.caps = job->caps,
		.uid = -1,
		.gid = -1,
		.prog = job->prog,
		.eopts = &job->eopts,
		.handoff = handoff,
	};
	struct exec_failure f;

	close(pipefd[0]);
	/* the command does not outlive us (a SIGKILL we cannot forward) */
	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	exec_container(&spec, &f);
	if (f.stage == EXEC_FAILED_HANDOFF)
		_exit(1);
	/* The filter may deny this write too; then the parent sees only the status. */
	(void)!write(pipefd[1], &f, sizeof(f));
	if (f.stage == EXEC_FAILED_SETUP)
		_exit(1);
	_exit(f.error == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC);
}

/* Give the child's listener to the agent at listenerPath before the command runs. 0, or 1
 * after killing the child and saying why. */
static int
hand_off(const struct run_job *job, struct listener_handoff *handoff, pid_t pid)
{
	char why[600], id[64];
	struct notify_state st = {
		.metadata = ksc_profile_listener_metadata(job->profile),
		.id = job->name,
		.status = "creating",
		.bundle = "",
	};
	int r;

	if (!job->name) {
		snprintf(id, sizeof(id), "run-%d", (int)pid);
		st.id = id;
	}
	r = listener_handoff_parent(handoff, pid, ksc_profile_listener_path(job->profile), &st, why,
	                            sizeof(why));
	listener_handoff_close(handoff);
	if (r < 0 && r != -ECHILD) {
		(void)kill(pid, SIGKILL);
		(void)waitpid(pid, NULL, 0);
		cli_error("%s", why);
		return 1;
	}
	return 0;
}

/* Wait for the command: its exit status, 128 + its signal, or what the child said. */
static int
wait_command(const struct run_job *job, const char *command, pid_t pid, int fd)
{
	struct exec_failure failure;
	ssize_t n;
	int status;

	/* Like system(3): the terminal's signals go to the command, not to us; the signals
	 * sent to us (kill, a supervisor) are passed on to it, as runc run does. */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	forward_to = pid;
	{
		struct sigaction sa = { .sa_handler = forward_signal, .sa_flags = SA_RESTART };

		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
		sigaction(SIGUSR1, &sa, NULL);
		sigaction(SIGUSR2, &sa, NULL);
	}
	n = read(fd, &failure, sizeof(failure));
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return cli_fail(negative_errno(), NULL, "waitpid");
	if (n == (ssize_t)sizeof(failure)) {
		if (failure.stage == EXEC_FAILED_SETUP) {
			cli_error("%s", failure.message);
			return 1;
		}
		cli_error("%s: cannot execute: %s%s", command, strerror(failure.error),
		          job->prog || job->profile ? " (does the profile allow execve?)" : "");
		return failure.error == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC;
	}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* Fork, run the command in the child, wait in the parent. */
int
run_command(struct run_job *job, char **argv)
{
	_cleanup_(freep) char *command = exec_find_command(argv[0]);
	struct listener_handoff handoff = { -1, -1 };
	int pipefd[2], r;
	pid_t pid, parent;

	if (!command) {
		cli_error("%s: command not found", argv[0]);
		return EXIT_NOT_FOUND;
	}
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return cli_fail(negative_errno(), NULL, "pipe");
	if (job->eopts.listener && listener_handoff_open(&handoff) < 0)
		return cli_fail(negative_errno(), NULL, "socketpair");
	fflush(stdout);
	fflush(stderr);
	parent = getpid();
	pid = fork();
	if (pid < 0)
		return cli_fail(negative_errno(), NULL, "fork");
	if (pid == 0)
		run_child(job, command, argv, parent, &handoff, pipefd);
	close(pipefd[1]);
	/* the program is in the child now; the parent keeps the profile for the hand-off */
	ksc_bpf_free(TAKE_PTR(job->prog));
	if (job->eopts.listener && hand_off(job, &handoff, pid)) {
		close(pipefd[0]);
		return 1;
	}
	r = wait_command(job, command, pid, pipefd[0]);
	close(pipefd[0]);
	return r;
}
