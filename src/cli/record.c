/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kseccomp record [OPTIONS] -- CMD | --pid PID | --pod [NS/]NAME | --container ID | --cgroup DIR
 *
 * Run a command (or follow running processes, a cgroup, containers) and write the
 * least-privilege profile that lets it run again. The recorders are the library's
 * (src/lib/record/record.h); this file parses the options, makes the cgroup of a launched
 * command on the local node, and prints; containers are record-cri.c's.
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
#include "record-cri.h"
#include "record/record.h"

static void
help(void)
{
	fputs("Usage: kseccomp record [OPTIONS] -- CMD [ARGS]\n"
	      "       kseccomp record [OPTIONS] --pid PID | --pod NAME | --cgroup DIR\n"
	      "       kseccomp record [OPTIONS] --container ID | --pod NAMESPACE/NAME\n"
	      "\n"
	      "Run CMD (or follow running processes until they end or SIGINT) and write the\n"
	      "least-privilege profile that lets it run again: every syscall of it and of its\n"
	      "descendants, per architecture (i386 and x32 included), from its execve on.\n"
	      "The profile: defaultAction SCMP_ACT_ERRNO, the architectures seen and this\n"
	      "machine's, one SCMP_ACT_ALLOW list. Then 'kseccomp run --profile PROFILE -- CMD'\n"
	      "runs it confined.\n"
	      "\n"
	      "Options:\n"
	      "  -b, --backend B         ebpf (the default as root): a BPF program that\n"
	      "                          filters by the workload's cgroup and deduplicates in\n"
	      "                          the kernel; ptrace (the default otherwise): no\n"
	      "                          privileges needed\n"
	      "      --attach A          how ebpf sees syscalls: fentry (on x64_sys_call and\n"
	      "                          its ia32 and x32 siblings, Linux 6.9 on x86_64: other\n"
	      "                          processes keep the fast syscall path), tracepoint\n"
	      "                          (raw_syscalls:sys_enter, any kernel: every process of\n"
	      "                          the machine takes the slow path while it records), or\n"
	      "                          auto (the default: fentry where the kernel has it)\n"
	      "  -o, --output FORMAT     json (the default) or yaml\n"
	      "      --output-file PROFILE\n"
	      "                          where to write the profile (default: standard output)\n"
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
	      "      --container ID      record a container of the CRI runtime (an id or a\n"
	      "                          unique prefix of one) by its cgroup, exec'd processes\n"
	      "                          included, until it exits or SIGINT (ebpf only)\n"
	      "      --pod NAMESPACE/NAME\n"
	      "                          the same for a pod's container (with ebpf, also a\n"
	      "                          local pod's): the one it has, or -c NAME's\n"
	      "  -c, --container-name NAME\n"
	      "                          the pod's container to record\n"
	      "      --all-containers    each of the pod's containers, one profile each\n"
	      "      --output-dir DIR    where --all-containers writes them: DIR/NAME.json\n"
	      "      --wait              the container or pod may not run yet: record every new\n"
	      "                          cgroup apart until it does, so that it is recorded\n"
	      "                          from its first process, until it ends (ebpf only)\n"
	      "  -r, --runtime-endpoint SOCK\n"
	      "                          the CRI socket ($CONTAINER_RUNTIME_ENDPOINT, else\n"
	      "                          containerd's)\n"
	      "      --cgroup DIR        follow the processes of a cgroup v2 directory and the\n"
	      "                          cgroups below it, from now (or its first process)\n"
	      "                          until it has none left or SIGINT (ebpf only)\n"
	      "  -q, --quiet             no summary on standard error\n"
	      "  -h, --help              show this help\n"
	      "\n"
	      "The summary names how syscalls were seen and anything that could not be\n"
	      "recorded: argument values beyond the recorder's table (--args: the rules then\n"
	      "stay unconditional), children of followed processes beyond its table (their\n"
	      "syscalls are missing: exit status 1), calls with numbers beyond every table\n"
	      "(seen by the tracepoint only: the kernel answers them ENOSYS).\n"
	      "\n"
	      "Exit status: CMD's, or 1 when recording failed or missed processes.\n",
	      stdout);
}

static int
parse_pid_list(const char *s, pid_t **ret, size_t *ret_n)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v <= 0 || v > INT32_MAX || !(*ret = malloc(sizeof(pid_t))))
		return -EINVAL; /* out of memory too: it says which option */
	(*ret)[0] = (pid_t)v;
	*ret_n = 1;
	return 0;
}

/* What the options asked for. */
struct record_args {
	const char *backend, *output, *baseline, *pod, *cgroup;
	const char *container, *container_name, *endpoint, *output_dir;
	bool all_containers, wait;
	enum cli_doc_format format;
	enum record_attach attach;
	bool append, want_args, nnp, quiet;
	pid_t *pids; /* owned */
	size_t n_pids;
	char **argv; /* the command, or NULL */
};

/* Whether the options name containers of a CRI runtime: --container, --pod NAMESPACE/NAME. */
static bool
cri_target(const struct record_args *ra)
{
	return ra->container || (ra->pod && strchr(ra->pod, '/'));
}

/* The options only a CRI recording takes, and --output-dir's company. 0 or a usage error. */
static int
check_cri_options(const struct record_args *ra)
{
	if (!cri_target(ra) && ra->endpoint)
		return cli_usage_error("record", "--runtime-endpoint is for --container and --pod "
		                                 "NAMESPACE/NAME");
	if ((!ra->pod && (ra->container_name || ra->all_containers)) ||
	    (ra->wait && !ra->container && !ra->pod))
		return cli_usage_error("record",
		                       "-c and --all-containers are for --pod, --wait for "
		                       "--pod and --container");
	if (ra->container_name && ra->all_containers)
		return cli_usage_error("record", "give -c NAME or --all-containers, not both");
	if (ra->output_dir && (!ra->all_containers || !streq(ra->output, "-")))
		return cli_usage_error("record",
		                       "--output-dir is for --all-containers, in place of "
		                       "--output-file");
	if (cri_target(ra) && (ra->append || ra->baseline || ra->nnp))
		return cli_usage_error("record", "--append, --with-runtime-baseline and "
		                                 "--no-new-privs are not for containers");
	return 0;
}

/* The options: 0, or the exit status of a usage error or --help (-1 for --help's 0). */
static int
parse_args(int argc, char **argv, struct record_args *ra)
{
	static const struct option options[] = {
		{ "backend", required_argument, NULL, 'b' },
		{ "attach", required_argument, NULL, 'T' },
		{ "output", required_argument, NULL, 'o' },
		{ "output-file", required_argument, NULL, CLI_OUTPUT_FILE_OPTION },
		{ "append", no_argument, NULL, 'A' },
		{ "args", no_argument, NULL, 'a' },
		{ "with-runtime-baseline", required_argument, NULL, 'B' },
		{ "no-new-privs", no_argument, NULL, 'n' },
		{ "pid", required_argument, NULL, 'p' },
		{ "pod", required_argument, NULL, 'P' },
		{ "cgroup", required_argument, NULL, 'C' },
		{ "container", required_argument, NULL, 'I' },
		{ "container-name", required_argument, NULL, 'c' },
		{ "all-containers", no_argument, NULL, 'L' },
		{ "runtime-endpoint", required_argument, NULL, 'r' },
		{ "output-dir", required_argument, NULL, 'D' },
		{ "wait", no_argument, NULL, 'W' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	int c, r;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:b:c:o:p:r:qh", options, NULL)) != -1) {
		switch (c) {
		case 'b':
			if (!streq(optarg, "ebpf") && !streq(optarg, "ptrace"))
				return cli_usage_error(
				        "record", "--backend: expected ebpf or ptrace, got '%s'",
				        optarg);
			ra->backend = optarg;
			break;
		case 'T':
			if (streq(optarg, "auto"))
				ra->attach = RECORD_ATTACH_AUTO;
			else if (streq(optarg, "fentry"))
				ra->attach = RECORD_ATTACH_FENTRY;
			else if (streq(optarg, "tracepoint"))
				ra->attach = RECORD_ATTACH_TRACEPOINT;
			else
				return cli_usage_error(
				        "record",
				        "--attach: expected auto, fentry or tracepoint, got '%s'",
				        optarg);
			break;
		case 'o':
			if (cli_parse_doc_format("record", optarg, &ra->format) != 0)
				return EXIT_USAGE;
			break;
		case CLI_OUTPUT_FILE_OPTION:
			ra->output = optarg;
			break;
		case 'A':
			ra->append = true;
			break;
		case 'a':
			ra->want_args = true;
			break;
		case 'B':
			if (!streq(optarg, "runc") && !streq(optarg, "crun"))
				return cli_usage_error(
				        "record",
				        "--with-runtime-baseline: expected runc or crun, got '%s'",
				        optarg);
			ra->baseline = optarg;
			break;
		case 'n':
			ra->nnp = true;
			break;
		case 'p':
			free(ra->pids);
			ra->pids = NULL;
			if (parse_pid_list(optarg, &ra->pids, &ra->n_pids) < 0)
				return cli_usage_error("record", "--pid '%s': not a process ID",
				                       optarg);
			break;
		case 'P':
			ra->pod = optarg;
			break;
		case 'C':
			ra->cgroup = optarg;
			break;
		case 'I':
			ra->container = optarg;
			break;
		case 'c':
			ra->container_name = optarg;
			break;
		case 'L':
			ra->all_containers = true;
			break;
		case 'r':
			ra->endpoint = optarg;
			break;
		case 'D':
			ra->output_dir = optarg;
			break;
		case 'W':
			ra->wait = true;
			break;
		case 'q':
			ra->quiet = true;
			break;
		case 'h':
			help();
			return -1;
		default:
			return cli_bad_option("record", argv, c);
		}
	}
	if ((ra->n_pids > 0) + (ra->pod != NULL) + (ra->cgroup != NULL) + (ra->container != NULL) +
	            (optind < argc) !=
	    1)
		return cli_usage_error("record", "give exactly one of: -- CMD [ARGS], --pid PID, "
		                                 "--pod NAME, --cgroup DIR, --container ID");
	r = check_cri_options(ra);
	if (r != 0)
		return r;
	if ((ra->cgroup || cri_target(ra)) && ra->backend && !streq(ra->backend, "ebpf"))
		return cli_usage_error("record",
		                       "--cgroup, --container and --pod NAMESPACE/NAME need "
		                       "--backend ebpf");
	if (ra->attach != RECORD_ATTACH_AUTO && ra->backend && !streq(ra->backend, "ebpf"))
		return cli_usage_error("record", "--attach is for --backend ebpf");
	if (ra->append && streq(ra->output, "-"))
		return cli_usage_error("record", "--append needs --output-file PROFILE");
	if (optind < argc)
		ra->argv = argv + optind;
	return 0;
}

static volatile sig_atomic_t record_stop;

static void
on_record_signal(int sig)
{
	(void)sig;
	record_stop = 1;
}

/* The eBPF backend on a launched command, in a cgroup v2 of the recording's own on the local
 * node's hierarchy. 0, or 1 after saying why. */
static int
record_ebpf_launch(struct recording *rec, const struct record_args *ra, int *ret_status,
                   struct ksc_diags *diags, struct ksc_error **reterr)
{
	char cgroup[PATH_MAX], name[64];
	int r;

	snprintf(name, sizeof(name), "record-%d", (int)getpid());
	r = pod_cgroup_create("/run/kseccomp-record", name, "workload", cgroup, sizeof(cgroup));
	if (r < 0)
		return ksc_error_setf(
		        reterr, r,
		        "no cgroup v2 hierarchy to put the command in (%s); --backend "
		        "ptrace works without",
		        strerror(-r));
	r = record_ebpf_run(rec, ra->want_args, ra->attach, ra->nnp, cgroup, ra->argv, ret_status,
	                    diags, reterr);
	(void)pod_cgroup_destroy("/run/kseccomp-record", name);
	return r;
}

/* Record with the chosen backend; what the recorders said goes to diags. 0 or -errno. */
static int
record_with_backend(struct recording *rec, const struct record_args *ra, int *ret_status,
                    struct ksc_diags *diags, struct ksc_error **reterr)
{
	struct sigaction sa = { .sa_handler = on_record_signal };

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (streq(ra->backend, "ebpf")) {
		if (ra->cgroup)
			return record_ebpf_follow_cgroups(rec, &ra->cgroup, 1, ra->want_args,
			                                  ra->attach, &record_stop, diags, reterr);
		if (ra->n_pids)
			return record_ebpf_attach(rec, ra->want_args, ra->attach, ra->pids,
			                          ra->n_pids, &record_stop, diags, reterr);
		return record_ebpf_launch(rec, ra, ret_status, diags, reterr);
	}
	if (ra->n_pids)
		return record_ptrace_attach(rec, ra->want_args, ra->pids, ra->n_pids, &record_stop,
		                            diags);
	return record_ptrace_run(rec, ra->want_args, ra->nnp, ra->argv, ret_status, diags);
}

/* --append: the profile merged into OUTPUT's, when there is one. 0, or 1 after saying why. */
static int
append_to_output(const char *output, struct ksc_profile **profile)
{
	_cleanup_(ksc_profile_freep) struct ksc_profile *old = NULL;
	struct ksc_profile *merged = NULL;
	_cleanup_(ksc_error_freep) struct ksc_error *error = NULL;
	int r;

	r = ksc_profile_load(output, NULL, &old, NULL, &error);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return cli_fail(r, TAKE_PTR(error), output);
	r = ksc_profile_merge((const struct ksc_profile *[]){ old, *profile }, 2, &merged, NULL,
	                      &error);
	if (r < 0)
		return cli_fail(r, TAKE_PTR(error), output);
	ksc_profile_free(*profile);
	*profile = merged;
	return 0;
}

/* Write the profile and say what was recorded. 0, or 1. */
static int
write_profile(const struct record_args *ra, const char *method, struct ksc_profile **profile,
              size_t n_names)
{
	_cleanup_(freep) char *text = NULL;
	size_t len = 0;
	int r;

	if (ra->append && append_to_output(ra->output, profile))
		return 1;
	r = ksc_profile_write_json(*profile, &text, &len);
	if (r == 0)
		r = cli_write_document(ra->output, ra->format, text, len);
	if (r < 0)
		return 1;
	if (!ra->quiet) {
		size_t allowed = record_runtime_default_allowed();

		/* the comparison users ask for: how much smaller than RuntimeDefault */
		fprintf(stderr, "kseccomp: recorded %zu syscalls with %s", n_names, ra->backend);
		if (method)
			fprintf(stderr, "/%s", method);
		if (allowed)
			fprintf(stderr, " (RuntimeDefault allows %zu)", allowed);
		fprintf(stderr, "%s%s\n", streq(ra->output, "-") ? "" : ": wrote ",
		        streq(ra->output, "-") ? "" : cli_escape(ra->output));
	}
	return 0;
}

/* --container ID, --pod NAMESPACE/NAME: through the CRI runtime. The exit status. */
static int
record_containers(const struct record_args *ra)
{
	struct record_cri_opts o = {
		.query = { .endpoint = ra->endpoint,
		           .id = ra->container,
		           .container_name = ra->container_name },
		.pod = ra->pod,
		.all_containers = ra->all_containers,
		.output_file = streq(ra->output, "-") ? NULL : ra->output,
		.output_dir = ra->output_dir,
		.format = ra->format,
		.want_args = ra->want_args,
		.quiet = ra->quiet,
		.attach = ra->attach,
		.wait = ra->wait,
	};
	struct sigaction sa = { .sa_handler = on_record_signal };

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	return record_cri(&o, &record_stop);
}

int
verb_record(int argc, char **argv)
{
	struct record_args ra = { .output = "-" };
	struct recording rec = { 0 };
	_cleanup_(ksc_profile_freep) struct ksc_profile *profile = NULL;
	_cleanup_(ksc_diags_freep) struct ksc_diags *diags = NULL;
	struct ksc_error *error = NULL;
	const char *method;
	size_t n_names = 0;
	int r, status = 0, exit_code = 0;

	r = parse_args(argc, argv, &ra);
	if (r != 0) {
		free(ra.pids);
		return r < 0 ? 0 : r;
	}
	if (!ra.backend)
		ra.backend = geteuid() == 0 && record_ebpf_available() ? "ebpf" : "ptrace";
	if ((ra.cgroup || cri_target(&ra) || ra.container_name || ra.all_containers || ra.wait) &&
	    !streq(ra.backend, "ebpf")) {
		cli_error("%s needs the ebpf backend: root and a kernel with BTF",
		          ra.cgroup ? "--cgroup" : "recording containers");
		return 1;
	}
	/* a local pod by its containers' cgroups; the ptrace backend follows its pids */
	if (cri_target(&ra) || (ra.pod && streq(ra.backend, "ebpf")))
		return record_containers(&ra);
	if (ra.pod && pods_pids(ra.pod, &ra.pids, &ra.n_pids) < 0) {
		cli_error("pod %s: no running process on the local node", ra.pod);
		return 1;
	}
	diags = ksc_diags_new();
	if (!diags) {
		free(ra.pids);
		return cli_fail(-ENOMEM, NULL, "record");
	}
	r = record_with_backend(&rec, &ra, &status, diags, &error);
	free(ra.pids);
	for (size_t i = 0; i < ksc_diags_count(diags); i++)
		cli_print_diag(ksc_diags_get(diags, i));
	if (r < 0) {
		recording_done(&rec);
		return cli_fail(r, error, "record");
	}
	if (ra.argv)
		exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	if (ra.baseline)
		(void)record_add_runtime_baseline(&rec, ra.baseline);
	ksc_diags_free(TAKE_PTR(diags));
	diags = ksc_diags_new();
	r = diags ? recording_profile(&rec, ra.want_args, &profile, &n_names, diags, &error)
	          : -ENOMEM;
	method = rec.method;
	if (record_report_losses(&rec))
		exit_code = 1;
	recording_done(&rec);
	cli_print_warnings(diags);
	if (r < 0)
		return cli_fail(r, error, "record");
	if (write_profile(&ra, method, &profile, n_names))
		return 1;
	return exit_code;
}
