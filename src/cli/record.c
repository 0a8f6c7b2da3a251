/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kseccomp record [--backend ebpf|ptrace] [-o PROFILE] [--append] [--args] -- CMD [ARGS]
 * kseccomp record --pid PID | --pod NAME ...
 *
 * Run a command (or follow running processes) and write the least-privilege profile that
 * lets it run again: every syscall of it and its descendants, per arch, from the workload's
 * execve on.
 *
 *   ptrace  no privileges needed. A launched command gets a one-instruction filter,
 *           SECCOMP_RET_TRACE, so each syscall costs one stop (PTRACE_EVENT_SECCOMP), not
 *           strace's two, and PTRACE_GET_SYSCALL_INFO says its arch, number and arguments.
 *           Forks, vforks, clones and execs are followed. Attached processes (--pid) have
 *           no such filter: they stop at every syscall entry (PTRACE_SYSCALL).
 *   ebpf    root: a BPF program on raw_syscalls/sys_enter, filtering by the workload's
 *           cgroup and deduplicating in the kernel, so that only first occurrences cost
 *           anything in user space (src/cli/record-ebpf.c).
 */
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "cli.h"
#include "pods.h"
#include "record.h"
#include "record/recording.h"

extern char **environ;

/* Exit statuses of a command that could not be started, as `run` uses them. */
#define EXIT_CANNOT_EXEC 126
#define EXIT_NOT_FOUND   127

static void
help(void)
{
	fputs("Usage: kseccomp record [OPTIONS] -- CMD [ARGS]\n"
	      "       kseccomp record [OPTIONS] --pid PID | --pod NAME\n"
	      "\n"
	      "Run CMD (or follow running processes until they end or SIGINT) and write the\n"
	      "least-privilege profile that lets it run again: every syscall of it and of its\n"
	      "descendants, per architecture (i386 and x32 included), from its execve on.\n"
	      "The profile: defaultAction SCMP_ACT_ERRNO, the architectures seen and this\n"
	      "machine's, one SCMP_ACT_ALLOW list. Then 'kseccomp run --profile PROFILE -- CMD'\n"
	      "runs it confined.\n"
	      "\n"
	      "Options:\n"
	      "  -b, --backend B         ebpf (the default as root): a BPF program on the\n"
	      "                          raw_syscalls:sys_enter tracepoint, filtering by the\n"
	      "                          workload's cgroup, deduplicating in the kernel;\n"
	      "                          ptrace (the default otherwise): no privileges needed\n"
	      "  -o, --output PROFILE    where to write the profile (default: standard output)\n"
	      "      --append            merge into PROFILE's rules (kseccomp profile merge)\n"
	      "      --args              refine socket (address family), personality and clone\n"
	      "                          (namespace flags) by the argument values seen:\n"
	      "                          conditional rules instead of unconditional ones\n"
	      "      --with-runtime-baseline R\n"
	      "                          add what runc or crun calls itself after it installs\n"
	      "                          the filter, before the workload's execve\n"
	      "      --no-new-privs      run CMD with no_new_privs, as `run --no-new-privs`\n"
	      "  -p, --pid PID           follow this running process, its threads and children\n"
	      "      --pod NAME          follow the processes of a pod of the local node\n"
	      "  -q, --quiet             no summary on standard error\n"
	      "  -h, --help              show this help\n"
	      "\n"
	      "Exit status: CMD's, or 1 when recording failed.\n",
	      stdout);
}

/* ---------------------------------------------------------------------------------------- */
/* ptrace                                                                                      */

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
};

static volatile sig_atomic_t record_stop;

static void
on_record_signal(int sig)
{
	(void)sig;
	record_stop = 1;
}

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
				if (record_stop && !t->seccomp_mode)
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

/* Launch argv under ptrace. Returns 0 with *ret_status the command's wait status. */
static int
record_ptrace_run(struct recording *rec, bool want_args, bool nnp, char **argv, int *ret_status)
{
	struct sock_filter insns[] = {
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
	};
	struct sock_fprog prog = { .len = ELEMENTSOF(insns), .filter = insns };
	struct tracer t = { .rec = rec, .want_args = want_args, .seccomp_mode = true };
	int status, r;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0) {
			fprintf(stderr, "kseccomp: ptrace: %s\n", strerror(errno));
			_exit(EXIT_CANNOT_EXEC);
		}
		raise(SIGSTOP);
		/* a filter needs no_new_privs without CAP_SYS_ADMIN; as root it is left off
		 * unless asked for, so that set-user-ID programs behave as they do */
		if ((nnp || geteuid() != 0) && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
			fprintf(stderr, "kseccomp: no_new_privs: %s\n", strerror(errno));
			_exit(EXIT_CANNOT_EXEC);
		}
		if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0) {
			fprintf(stderr, "kseccomp: seccomp: %s\n", strerror(errno));
			_exit(EXIT_CANNOT_EXEC);
		}
		execvp(argv[0], argv);
		{
			int err = errno; /* before printing, which may change it */

			cli_error("%s: %s", argv[0], strerror(err));
			_exit(err == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC);
		}
	}
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
	*ret_status = t.main_status;
	return 0;
fail:
	(void)kill(pid, SIGKILL);
	(void)waitpid(pid, NULL, 0);
	return r;
}

/* Attach to running processes: every thread of each, and their descendants as they fork.
 * Stops at every syscall entry until they end or SIGINT/SIGTERM, then detaches. */
static int
record_ptrace_attach(struct recording *rec, bool want_args, const pid_t *pids, size_t n_pids)
{
	struct tracer t = { .rec = rec, .want_args = want_args };
	_cleanup_(freep) pid_t *attached = NULL;
	size_t n_attached = 0, cap = 0;
	int r;

	for (size_t i = 0; i < n_pids; i++) {
		char path[64];
		_cleanup_(closedirp) DIR *d = NULL;
		struct dirent *de;

		snprintf(path, sizeof(path), "/proc/%d/task", (int)pids[i]);
		d = opendir(path);
		if (!d) {
			cli_error("process %d: %s", (int)pids[i], strerror(errno));
			return -errno;
		}
		while ((de = readdir(d))) {
			pid_t tid = (pid_t)strtol(de->d_name, NULL, 10);

			if (tid <= 0)
				continue;
			if (ptrace(PTRACE_SEIZE, tid, NULL, (void *)trace_options) < 0) {
				r = -errno;
				cli_error("cannot attach to %d: %s%s", (int)tid, strerror(errno),
				          errno == EPERM
				                  ? " (ptrace needs the same user, or root; see "
				                    "/proc/sys/kernel/yama/ptrace_scope)"
				                  : "");
				return r;
			}
			if (n_attached == cap) {
				pid_t *grown = reallocarray(attached, cap = cap ? 2 * cap : 16,
				                            sizeof(*grown));

				if (!grown)
					return -ENOMEM;
				attached = grown;
			}
			attached[n_attached++] = tid;
			(void)ptrace(PTRACE_INTERRUPT, tid, NULL, NULL);
		}
	}
	t.tracees = n_attached;
	r = trace_loop(&t);
	for (size_t i = 0; i < n_attached; i++)
		(void)ptrace(PTRACE_DETACH, attached[i], NULL, NULL);
	return r;
}

/* ---------------------------------------------------------------------------------------- */

/* What an OCI runtime calls itself after it installs the filter and before the workload's
 * execve: the profile must allow these, or the runtime cannot start the container. Measured
 * (tests/live-record.sh measures it again): SCMP_ACT_LOG profiles run by runc 1.1.5 and
 * crun 1.8.1, with and without no_new_privs (which moves the filter's place in runc), the
 * records of their init process read with `kseccomp audit`; plus, for runc, the Go
 * runtime's scheduling calls its init thread may make at any time. */
static const char *const runc_baseline[] = {
	"capget",  "capset",     "chdir",        "close",          "epoll_ctl",    "epoll_pwait",
	"execve",  "exit_group", "faccessat2",   "fcntl",          "fstat",        "fstatfs",
	"futex",   "getcwd",     "getdents64",   "getpid",         "getppid",      "gettid",
	"madvise", "mmap",       "munmap",       "nanosleep",      "newfstatat",   "openat",
	"prctl",   "read",       "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sched_yield",
	"setgid",  "setgroups",  "setuid",       "sigaltstack",    "tgkill",       "write",
};

static const char *const crun_baseline[] = {
	"capset",         "close",     "execve",    "prctl", "rt_sigaction",
	"rt_sigprocmask", "setresgid", "setresuid", "write",
};

static int
parse_pid_list(const char *s, pid_t **ret, size_t *ret_n)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v <= 0 || v > INT32_MAX)
		return -EINVAL;
	*ret = malloc(sizeof(pid_t));
	if (!*ret)
		return -ENOMEM;
	(*ret)[0] = (pid_t)v;
	*ret_n = 1;
	return 0;
}

/* The processes of a local pod: its cgroup's, else its pid records. */
static int
pod_pids(const char *pod, pid_t **ret, size_t *ret_n)
{
	struct node_opts o = { .executor_set = true };
	char path[PATH_MAX], line[64];
	pid_t *v = NULL;
	size_t n = 0;
	FILE *f;

	node_opts_defaults(&o);
	*ret = NULL;
	*ret_n = 0;
	if (pod_cgroup_path(o.state, pod, NULL, path, sizeof(path)) < 0)
		return -ENOENT;
	/* every container's cgroup.procs */
	{
		_cleanup_(closedirp) DIR *d = opendir(path);
		struct dirent *de;

		while (d && (de = readdir(d))) {
			char procs[PATH_MAX + 300];

			if (de->d_name[0] == '.' || de->d_type != DT_DIR)
				continue;
			pathf(procs, sizeof(procs), "%s/%s/cgroup.procs", path, de->d_name);
			f = fopen(procs, "re");
			while (f && fgets(line, sizeof(line), f)) {
				pid_t *grown = reallocarray(v, n + 1, sizeof(*v));

				if (!grown) {
					fclose(f);
					free(v);
					return -ENOMEM;
				}
				v = grown;
				v[n++] = (pid_t)strtol(line, NULL, 10);
			}
			if (f)
				fclose(f);
		}
	}
	*ret = v;
	*ret_n = n;
	return n ? 0 : -ENOENT;
}

/* How many syscall names containerd's RuntimeDefault allows here (some conditionally), for
 * Kubernetes' default capabilities; 0 when it cannot be expanded. */
static size_t
runtime_default_allowed(void)
{
	struct ksc_profile *p = NULL;
	const char **names;
	size_t n = 0, cap = 0;

	if (ksc_default_profile(KSC_FLAVOR_CONTAINERD, NULL, &p, NULL) < 0)
		return 0;
	for (size_t i = 0; i < ksc_profile_rule_count(p); i++)
		cap += ksc_rule_name_count(ksc_profile_rule(p, i));
	names = calloc(cap + 1, sizeof(*names));
	for (size_t i = 0; names && i < ksc_profile_rule_count(p); i++) {
		const struct ksc_rule *rule = ksc_profile_rule(p, i);

		if (ksc_rule_action(rule) != KSC_ACT_ALLOW)
			continue;
		for (size_t k = 0; k < ksc_rule_name_count(rule); k++) {
			const char *name = ksc_rule_name(rule, k);
			bool dup = false;

			for (size_t j = 0; j < n && !dup; j++)
				dup = streq(names[j], name);
			if (!dup)
				names[n++] = name;
		}
	}
	free(names);
	ksc_profile_free(p);
	return n;
}

int
verb_record(int argc, char **argv)
{
	static const struct option options[] = {
		{ "backend", required_argument, NULL, 'b' },
		{ "output", required_argument, NULL, 'o' },
		{ "append", no_argument, NULL, 'A' },
		{ "args", no_argument, NULL, 'a' },
		{ "with-runtime-baseline", required_argument, NULL, 'B' },
		{ "no-new-privs", no_argument, NULL, 'n' },
		{ "pid", required_argument, NULL, 'p' },
		{ "pod", required_argument, NULL, 'P' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct recording rec = { 0 };
	struct ksc_profile *profile = NULL, *merged = NULL;
	_cleanup_(ksc_diags_freep) struct ksc_diags *diags = NULL;
	struct ksc_error *error = NULL;
	const char *backend = NULL, *output = "-", *baseline = NULL, *pod = NULL;
	bool append = false, want_args = false, nnp = false, quiet = false;
	_cleanup_(freep) pid_t *pids = NULL;
	size_t n_pids = 0, n_names = 0;
	int c, r, status = 0, exit_code = 0;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:b:o:p:qh", options, NULL)) != -1) {
		switch (c) {
		case 'b':
			if (!streq(optarg, "ebpf") && !streq(optarg, "ptrace"))
				return cli_usage_error(
				        "record", "--backend: expected ebpf or ptrace, got '%s'",
				        optarg);
			backend = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'A':
			append = true;
			break;
		case 'a':
			want_args = true;
			break;
		case 'B':
			if (!streq(optarg, "runc") && !streq(optarg, "crun"))
				return cli_usage_error(
				        "record",
				        "--with-runtime-baseline: expected runc or crun, got '%s'",
				        optarg);
			baseline = optarg;
			break;
		case 'n':
			nnp = true;
			break;
		case 'p':
			free(pids);
			pids = NULL;
			if (parse_pid_list(optarg, &pids, &n_pids) < 0)
				return cli_usage_error("record", "--pid '%s': not a process ID",
				                       optarg);
			break;
		case 'P':
			pod = optarg;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			help();
			return 0;
		default:
			return cli_bad_option("record", argv, c);
		}
	}
	if ((n_pids > 0) + (pod != NULL) + (optind < argc) != 1)
		return cli_usage_error("record",
		                       "give exactly one of: -- CMD [ARGS], --pid PID, --pod NAME");
	if (append && streq(output, "-"))
		return cli_usage_error("record", "--append needs -o PROFILE");
	if (!backend)
		backend = geteuid() == 0 && record_ebpf_available() ? "ebpf" : "ptrace";
	if (pod) {
		r = pod_pids(pod, &pids, &n_pids);
		if (r < 0) {
			cli_error("pod %s: no running process on the local node", pod);
			return 1;
		}
	}

	{
		struct sigaction sa = { .sa_handler = on_record_signal };

		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
	}
	if (streq(backend, "ebpf")) {
		if (n_pids)
			r = record_ebpf_attach(&rec, want_args, pids, n_pids, &record_stop, &error);
		else
			r = record_ebpf_run(&rec, want_args, nnp, argv + optind, &status, &error);
	} else if (n_pids)
		r = record_ptrace_attach(&rec, want_args, pids, n_pids);
	else
		r = record_ptrace_run(&rec, want_args, nnp, argv + optind, &status);
	if (r < 0) {
		cli_fail(r, error, "record");
		recording_done(&rec);
		return 1;
	}
	if (!n_pids)
		exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);

	if (baseline) {
		bool runc = streq(baseline, "runc");
		const char *const *names = runc ? runc_baseline : crun_baseline;
		size_t n = runc ? ELEMENTSOF(runc_baseline) : ELEMENTSOF(crun_baseline);

		for (size_t i = 0; i < n; i++) {
			uint32_t nr;

			if (ksc_syscall_resolve_name(ksc_arch_native(), names[i], &nr) == 0)
				recording_add(&rec, ksc_arch_native(), nr, NULL);
		}
	}
	diags = ksc_diags_new();
	r = diags ? recording_profile(&rec, want_args, &profile, &n_names, diags, &error) : -ENOMEM;
	recording_done(&rec);
	cli_print_warnings(diags);
	if (r < 0)
		return cli_fail(r, error, "record");
	if (append) {
		struct ksc_profile *old = NULL;

		r = ksc_profile_load(output, NULL, &old, NULL, &error);
		if (r == -ENOENT) {
			ksc_error_free(error);
			error = NULL;
		} else if (r < 0) {
			ksc_profile_free(profile);
			return cli_fail(r, error, output);
		} else {
			const struct ksc_profile *both[2] = { old, profile };

			r = ksc_profile_merge(both, 2, &merged, NULL, &error);
			ksc_profile_free(old);
			if (r < 0) {
				ksc_profile_free(profile);
				return cli_fail(r, error, output);
			}
			ksc_profile_free(profile);
			profile = merged;
		}
	}
	{
		_cleanup_(freep) char *text = NULL;
		size_t len = 0;

		r = ksc_profile_write_json(profile, &text, &len);
		if (r == 0)
			r = cli_write_file(output, text, len);
	}
	ksc_profile_free(profile);
	if (r < 0)
		return 1;
	if (!quiet) {
		size_t allowed = runtime_default_allowed();

		/* the comparison users ask for: how much smaller than RuntimeDefault */
		fprintf(stderr, "kseccomp: recorded %zu syscalls with %s", n_names, backend);
		if (allowed)
			fprintf(stderr, " (RuntimeDefault allows %zu)", allowed);
		fprintf(stderr, "%s%s\n", streq(output, "-") ? "" : ": wrote ",
		        streq(output, "-") ? "" : cli_escape(output));
	}
	return exit_code;
}
