/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kseccomp run [--profile FILE | --type Unconfined|RuntimeDefault|Localhost
 *              [--localhost-profile P] [--root-dir D]] [--caps LIST] [--no-new-privs]
 *              [--log-denials] [--strict] -- CMD [ARGS]
 *
 * Everything that can fail is done before the fork: the profile is read, validated and
 * compiled, and the kernel is checked for every action and flag it needs. The child installs
 * the filter as its last step before execve(2); the parent waits and returns the command's
 * exit status, or 128 + the signal that ended it.
 */
#include <fcntl.h>
#include <getopt.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "exec.h"
#include "listener.h"
#include "node/node.h"

#define EXIT_CANNOT_EXEC 126
#define EXIT_NOT_FOUND   127

extern char **environ;

static void
help(void)
{
	fputs("Usage: kseccomp run [OPTIONS] -- CMD [ARGS...]\n"
	      "\n"
	      "Run a command under a seccomp profile, enforced as runc enforces it: the profile\n"
	      "is compiled the way runc compiles it (see 'kseccomp compile --help'), the\n"
	      "filter is installed as the last step before execve(2), and the flags are the\n"
	      "profile's (none listed: SECCOMP_FILTER_FLAG_SPEC_ALLOW where supported). A\n"
	      "profile that is invalid, or that needs an action or flag this kernel lacks, is\n"
	      "refused and nothing runs.\n"
	      "\n"
	      "Options:\n"
	      "      --profile FILE            the profile to enforce\n"
	      "      --type TYPE               Unconfined, RuntimeDefault or Localhost, as a\n"
	      "                                Pod's securityContext.seccompProfile.type;\n"
	      "                                RuntimeDefault is containerd's, expanded for\n"
	      "                                this machine and the command's capabilities\n"
	      "      --flavor F                with RuntimeDefault: containerd (default),\n"
	      "                                docker or podman\n"
	      "      --localhost-profile PATH  with --type Localhost: the profile, relative to\n"
	      "                                ROOT/seccomp, as the kubelet resolves it\n"
	      "      --root-dir ROOT           the kubelet root (default /var/lib/kubelet)\n"
	      "      --caps LIST               run the command with these capabilities only, as\n"
	      "                                a runtime runs a container: 'default'\n"
	      "                                (Kubernetes' default set), 'none', or names\n"
	      "                                separated by commas (default: keep them all)\n"
	      "      --no-new-privs            set no_new_privs (allowPrivilegeEscalation: "
	      "false);\n"
	      "                                without CAP_SYS_ADMIN it is always set\n"
	      "      --log-denials             add SECCOMP_FILTER_FLAG_LOG: the kernel logs every\n"
	      "                                action but ALLOW (see 'kseccomp audit')\n"
	      "      --native ARCH             compile for this host arch (default: this\n"
	      "                                machine's)\n"
	      "      --backend NAME            the compiler: native (the default) or libseccomp\n"
	      "                                (as runc builds the program; the same decisions)\n"
	      "      --name ID                 the container ID a SCMP_ACT_NOTIFY agent is told\n"
	      "                                (default: run-PID)\n"
	      "      --strict                  refuse a profile with warnings, as 'profile\n"
	      "                                validate --strict' does (rules runc and crun\n"
	      "                                would not enforce included)\n"
	      "  -h, --help                    show this help\n"
	      "\n"
	      "A profile with SCMP_ACT_NOTIFY rules is installed with a notification listener,\n"
	      "handed to the agent at its listenerPath as runc hands it (the OCI container\n"
	      "process state with the fd), before the command runs; when the agent cannot be\n"
	      "reached nothing runs. See 'kseccomp agent --help'.\n"
	      "\n"
	      "A rule runc and crun leave out while the call then runs (a syscall their\n"
	      "libseccomp does not know, such as mseal or statmount with libseccomp 2.5.4, or\n"
	      "an x86 part of the filter libseccomp builds without loading the syscall number)\n"
	      "is named with its position before the command runs: kseccomp run compiles the\n"
	      "same rule list, so it does not enforce the rule either.\n"
	      "\n"
	      "Exit status: the command's, or 128 + the signal that ended it (a filter's KILL\n"
	      "shows as 159, SIGSYS); 1 if the profile was refused, 126 if the command could not\n"
	      "be executed (a filter that denies execve), 127 if it was not found.\n",
	      stdout);
}

/* execvp()'s search, done before the filter is installed. */
static char *
find_command(const char *cmd)
{
	const char *path = getenv("PATH");
	_cleanup_(freep) char *copy = NULL;
	char *save = NULL;

	if (strchr(cmd, '/'))
		return strdup(cmd);
	copy = strdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	if (!copy)
		return NULL;
	for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char *candidate = NULL;

		if (asprintf(&candidate, "%s/%s", *dir ? dir : ".", cmd) < 0)
			return NULL;
		if (access(candidate, X_OK) == 0)
			return candidate;
		free(candidate);
	}
	return NULL;
}

/* The kubelet's Localhost resolution with the API server's checks (ksc_kube_localhost_path(),
 * as kube resolve and the local node resolve it): 0, or the exit status after saying why. */
static int
localhost_path(const char *root, const char *profile, char **ret)
{
	struct ksc_error *error = NULL;
	int r = ksc_kube_localhost_path(root, profile, ret, &error);

	if (r == -EINVAL && (!profile || !*profile))
		r = cli_usage_error("run", "%s.", ksc_error_message(error));
	else if (r == -EINVAL)
		r = cli_usage_error("run", "--localhost-profile '%s': %s", profile,
		                    ksc_error_message(error));
	else if (r < 0)
		return cli_fail(r, error, NULL);
	ksc_error_free(error);
	return r;
}

/*
 * A filter that denies execve(2) leaves the child unable to start the command, or even to
 * say so (its write and exit are usually denied too: runtimes show such a container as
 * crashing). Ask the interpreter first and refuse with a clear message. Only when the
 * decision does not depend on the arguments: otherwise, let the kernel decide.
 */
static int
check_execve(const struct ksc_bpf *prog, enum ksc_arch native, const char *profile, const char *cmd)
{
	uint32_t ret;
	char action[32];

	/* NOTIFY: the agent decides */
	if (!ksc_bpf_call_return(prog, native, "execve", &ret) ||
	    (ret & KSC_RET_ACTION_FULL) == KSC_RET_ALLOW ||
	    (ret & KSC_RET_ACTION_FULL) == KSC_RET_LOG ||
	    (ret & KSC_RET_ACTION_FULL) == KSC_RET_USER_NOTIF)
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
	for (size_t i = 0; i < ksc_diags_count(diags); i++)
		cli_print_diag(ksc_diags_get(diags, i));
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

/* What verb_run prepared before the fork: the program and how to install it. */
struct run_job {
	struct ksc_compile_opts copts;
	struct ksc_enforce_opts eopts;
	bool caps_set, log_denials, strict;
	uint64_t caps;
	const char *profile_path; /* NULL: unconfined */
	struct ksc_profile *profile;
	struct ksc_bpf *prog;
	const char *name; /* the container ID an agent is told */
};

static void
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
static int
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
static int
run_command(struct run_job *job, char **argv)
{
	_cleanup_(freep) char *command = find_command(argv[0]);
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

/* --type and --localhost-profile: the profile to read, or containerd's RuntimeDefault
 * expanded for the command's capabilities. 0, or the exit status after saying why. */
static int
select_profile(struct run_job *job, const char *type, const char *localhost, const char *root,
               enum ksc_flavor flavor, bool flavor_set, char **ret_local)
{
	struct ksc_error *error = NULL;
	char root_buf[PATH_MAX];
	int r;

	if (job->profile_path && type)
		return cli_usage_error("run", "--profile and --type exclude each other");
	if (type && !streq(type, "Unconfined") && !streq(type, "Localhost") &&
	    !streq(type, "RuntimeDefault"))
		return cli_usage_error("run",
		                       "unsupported seccompProfile type \"%s\" (supported: "
		                       "\"Localhost\", \"RuntimeDefault\", \"Unconfined\")",
		                       type);
	if (flavor_set && !(type && streq(type, "RuntimeDefault")))
		return cli_usage_error("run", "--flavor goes with --type RuntimeDefault");
	if (localhost && !(type && streq(type, "Localhost")))
		return cli_usage_error("run", "--localhost-profile can only be set with --type "
		                              "Localhost");
	if (type && streq(type, "Localhost")) {
		r = localhost_path(root ? root : node_kubelet_root(root_buf, sizeof(root_buf)),
		                   localhost, ret_local);
		if (r)
			return r;
		job->profile_path = *ret_local;
	}
	if (!job->profile_path && !type)
		return cli_usage_error("run", "say which profile: --profile FILE, or --type");
	if (type && streq(type, "RuntimeDefault")) {
		/* the runtime expands it for the container's capabilities */
		struct ksc_expand_opts xopts = { .arch = job->copts.native, .caps = job->caps };

		if (!job->caps_set) {
			r = ksc_caps_bounding(&xopts.caps);
			if (r < 0)
				return cli_fail(r, NULL, "reading the capability bounding set");
		}
		r = ksc_default_profile(flavor, &xopts, &job->profile, &error);
		if (r < 0)
			return cli_fail(r, error, NULL);
		job->profile_path = "RuntimeDefault";
	}
	return 0;
}

int
verb_run(int argc, char **argv)
{
	static const struct option options[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "type", required_argument, NULL, 't' },
		{ "localhost-profile", required_argument, NULL, 'l' },
		{ "root-dir", required_argument, NULL, 'r' },
		{ "no-new-privs", no_argument, NULL, 'N' },
		{ "log-denials", no_argument, NULL, 'L' },
		{ "native", required_argument, NULL, 'n' },
		{ "backend", required_argument, NULL, 'b' },
		{ "caps", required_argument, NULL, 'c' },
		{ "flavor", required_argument, NULL, 'f' },
		{ "flavour", required_argument, NULL, 'f' },
		{ "name", required_argument, NULL, 'I' },
		{ "strict", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct ksc_compile_opts copts = { .backend = KSC_BACKEND_DEFAULT };
	enum ksc_flavor flavor = KSC_FLAVOR_CONTAINERD;
	bool caps_set = false, flavor_set = false;
	uint64_t caps = 0;
	struct ksc_enforce_opts eopts = { 0 };
	_cleanup_(freep) char *local = NULL;
	const char *profile_path = NULL, *type = NULL, *localhost = NULL, *root = NULL;
	bool log_denials = false, strict = false;
	const char *name = NULL;
	struct run_job job;
	int c, r;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", options, NULL)) != -1) {
		switch (c) {
		case 'p':
			profile_path = optarg;
			break;
		case 't':
			type = optarg;
			break;
		case 'l':
			localhost = optarg;
			break;
		case 'r':
			root = optarg;
			break;
		case 'N':
			eopts.no_new_privs = true;
			break;
		case 'L':
			log_denials = true;
			break;
		case 'n':
			if (cli_parse_arch("run", optarg, &copts.native) != 0)
				return EXIT_USAGE;
			break;
		case 'b':
			r = cli_parse_backend("run", optarg, &copts.backend);
			if (r)
				return r;
			break;
		case 'c':
			if (cli_parse_caps("run", optarg, &caps) != 0)
				return EXIT_USAGE;
			caps_set = true;
			break;
		case 'f':
			if (cli_parse_flavor("run", optarg, &flavor) != 0)
				return EXIT_USAGE;
			flavor_set = true;
			break;
		case 'I':
			name = optarg;
			break;
		case 'S':
			strict = true;
			break;
		case 'h':
			help();
			return 0;
		default:
			return cli_bad_option("run", argv, c);
		}
	}
	if (optind >= argc)
		return cli_usage_error("run", "missing CMD");
	job = (struct run_job){ .copts = copts,
		                .eopts = eopts,
		                .caps_set = caps_set,
		                .log_denials = log_denials,
		                .strict = strict,
		                .caps = caps,
		                .profile_path = profile_path,
		                .name = name };
	r = select_profile(&job, type, localhost, root, flavor, flavor_set, &local);
	if (r == 0 && job.profile_path)
		r = prepare_filter(&job, argv[optind]);
	if (r == 0)
		r = run_command(&job, argv + optind);
	run_job_done(&job);
	return r;
}
