/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kseccomp record's options and --help: parsed and checked against each other here, acted
 * on by record.c.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "record-args.h"

static void
help(void)
{
	fputs("Usage: kseccomp record [OPTIONS] -- CMD [ARGS]\n"
	      "       kseccomp record [OPTIONS] --pid PID | --pod NAME | --cgroup DIR\n"
	      "       kseccomp record [OPTIONS] --container ID | --pod NAMESPACE/NAME\n"
	      "       kseccomp record [OPTIONS] --selector SELECTOR [-n NS]\n"
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
	      "                          unique prefix of one) by its cgroup, processes exec'd\n"
	      "                          into it told apart, until it exits or SIGINT (ebpf)\n"
	      "      --pod NAMESPACE/NAME\n"
	      "                          the same for a pod's container (with ebpf, also a\n"
	      "                          local pod's): the one it has, or -c NAME's\n"
	      "  -l, --selector SELECTOR\n"
	      "                          the same for the pods whose labels match (KEY=VALUE,\n"
	      "                          KEY!=VALUE, KEY, !KEY, comma-separated): a workload's\n"
	      "                          replicas, recorded at once and merged into one\n"
	      "                          profile, the calls only some made named\n"
	      "  -n, --namespace NS      the selector's namespace (default: default)\n"
	      "  -c, --container-name NAME\n"
	      "                          the pod's container to record\n"
	      "      --all-containers    each of the pod's containers, one profile each\n"
	      "      --output-dir DIR    where --all-containers writes them: DIR/NAME.json\n"
	      "      --wait              the container, pod or replicas may not run yet: record\n"
	      "                          every new cgroup apart until they do, so that each is\n"
	      "                          recorded from its first process, until all have ended\n"
	      "                          (ebpf only)\n"
	      "  -r, --runtime-endpoint SOCK\n"
	      "                          the CRI socket ($CONTAINER_RUNTIME_ENDPOINT, else\n"
	      "                          containerd's)\n"
	      "      --cgroup DIR        follow the processes of a cgroup v2 directory and the\n"
	      "                          cgroups below it, from now (or its first process)\n"
	      "                          until it has none left or SIGINT (ebpf only)\n"
	      "      --exclude-exec      leave out of the profile what processes exec'd into\n"
	      "                          the container (kubectl exec) alone called; the\n"
	      "                          summary names each such command and those calls\n"
	      "      --probe-command CMD an exec probe's command (words separated by spaces):\n"
	      "                          kept in the profile with --exclude-exec, and marked\n"
	      "                          in the summary; repeatable\n"
	      "      --probes-from MANIFEST\n"
	      "                          the recorded container's exec probes (liveness,\n"
	      "                          readiness, startup) in a manifest, by its name, as\n"
	      "                          --probe-command (a local pod's are its own manifest's)\n"
	      "  -q, --quiet             no summary on standard error\n"
	      "  -h, --help              show this help\n"
	      "\n"
	      "Recording a container, the summary names each command exec'd into it, with the\n"
	      "calls only it made, and whether they are in the profile (--exclude-exec).\n"
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

bool
record_cri_target(const struct record_args *ra)
{
	return ra->container || ra->selector || (ra->pod && strchr(ra->pod, '/'));
}

/* The options only a CRI recording takes, and --output-dir's company. 0 or a usage error. */
static int
check_cri_options(const struct record_args *ra)
{
	if (!record_cri_target(ra) && ra->endpoint)
		return cli_usage_error("record", "--runtime-endpoint is for --container and --pod "
		                                 "NAMESPACE/NAME");
	if ((!ra->pod && !ra->selector && (ra->container_name || ra->all_containers)) ||
	    (ra->wait && !ra->container && !ra->pod && !ra->selector))
		return cli_usage_error("record",
		                       "-c and --all-containers are for --pod and --selector, "
		                       "--wait for --pod, --container and --selector");
	if (ra->namespace && !ra->selector)
		return cli_usage_error("record", "--namespace is for --selector (--pod takes "
		                                 "NAMESPACE/NAME)");
	if (ra->container_name && ra->all_containers)
		return cli_usage_error("record", "give -c NAME or --all-containers, not both");
	if (ra->output_dir && (!ra->all_containers || !streq(ra->output, "-")))
		return cli_usage_error("record",
		                       "--output-dir is for --all-containers, in place of "
		                       "--output-file");
	if ((ra->sessions.exclude_exec || ra->sessions.n_probes || ra->sessions.probes_from) &&
	    !ra->cgroup && !ra->pod && !ra->container && !ra->selector)
		return cli_usage_error("record",
		                       "--exclude-exec, --probe-command and --probes-from "
		                       "are for --container, --pod, --selector and --cgroup");
	if (record_cri_target(ra) && (ra->append || ra->baseline || ra->nnp))
		return cli_usage_error("record", "--append, --with-runtime-baseline and "
		                                 "--no-new-privs are not for containers");
	return 0;
}

/* --attach: 0 or a usage error. */
static int
parse_attach(const char *value, enum record_attach *ret)
{
	if (streq(value, "auto"))
		*ret = RECORD_ATTACH_AUTO;
	else if (streq(value, "fentry"))
		*ret = RECORD_ATTACH_FENTRY;
	else if (streq(value, "tracepoint"))
		*ret = RECORD_ATTACH_TRACEPOINT;
	else
		return cli_usage_error(
		        "record", "--attach: expected auto, fentry or tracepoint, got '%s'", value);
	return 0;
}

/* The options against each other, once all are read (has_command: a CMD follows). 0 or a
 * usage error. */
static int
check_args(const struct record_args *ra, bool has_command)
{
	int r;

	if ((ra->n_pids > 0) + (ra->pod != NULL) + (ra->cgroup != NULL) + (ra->container != NULL) +
	            (ra->selector != NULL) + has_command !=
	    1)
		return cli_usage_error("record", "give exactly one of: -- CMD [ARGS], --pid PID, "
		                                 "--pod NAME, --cgroup DIR, --container ID, "
		                                 "--selector SELECTOR");
	r = check_cri_options(ra);
	if (r != 0)
		return r;
	if ((ra->cgroup || record_cri_target(ra)) && ra->backend && !streq(ra->backend, "ebpf"))
		return cli_usage_error("record",
		                       "--cgroup, --container and --pod NAMESPACE/NAME need "
		                       "--backend ebpf");
	if (ra->attach != RECORD_ATTACH_AUTO && ra->backend && !streq(ra->backend, "ebpf"))
		return cli_usage_error("record", "--attach is for --backend ebpf");
	if (ra->append && streq(ra->output, "-"))
		return cli_usage_error("record", "--append needs --output-file PROFILE");
	return 0;
}

int
record_parse_args(int argc, char **argv, struct record_args *ra)
{
	static const struct option options[] = {
		{ "backend", required_argument, NULL, 'b' },
		{ "attach", required_argument, NULL, 'T' },
		{ "output", required_argument, NULL, 'o' },
		{ "output-file", required_argument, NULL, CLI_OUTPUT_FILE_OPTION },
		{ "append", no_argument, NULL, 'A' },
		{ "args", no_argument, NULL, 'a' },
		{ "with-runtime-baseline", required_argument, NULL, 'B' },
		{ "no-new-privs", no_argument, NULL, 'N' },
		{ "pid", required_argument, NULL, 'p' },
		{ "pod", required_argument, NULL, 'P' },
		{ "cgroup", required_argument, NULL, 'C' },
		{ "container", required_argument, NULL, 'I' },
		{ "container-name", required_argument, NULL, 'c' },
		{ "all-containers", no_argument, NULL, 'L' },
		{ "runtime-endpoint", required_argument, NULL, 'r' },
		{ "output-dir", required_argument, NULL, 'D' },
		{ "wait", no_argument, NULL, 'W' },
		{ "selector", required_argument, NULL, 'l' },
		{ "namespace", required_argument, NULL, 'n' },
		{ "exclude-exec", no_argument, NULL, 'X' },
		{ "probe-command", required_argument, NULL, 'R' },
		{ "probes-from", required_argument, NULL, 'F' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	int c, r;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:b:c:l:n:o:p:r:qh", options, NULL)) != -1) {
		switch (c) {
		case 'b':
			if (!streq(optarg, "ebpf") && !streq(optarg, "ptrace"))
				return cli_usage_error(
				        "record", "--backend: expected ebpf or ptrace, got '%s'",
				        optarg);
			ra->backend = optarg;
			break;
		case 'T':
			if (parse_attach(optarg, &ra->attach) != 0)
				return EXIT_USAGE;
			break;
		case 'o':
			if (cli_parse_doc_format("record", optarg, &ra->format) != 0)
				return EXIT_USAGE;
			break;
		case CLI_OUTPUT_FILE_OPTION:
			if (cli_parse_output_file("record", optarg, &ra->output) != 0)
				return EXIT_USAGE;
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
		case 'N':
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
		case 'X':
			ra->sessions.exclude_exec = true;
			break;
		case 'R':
			if (record_probe_add_words(&ra->sessions, optarg) < 0)
				return cli_fail(-ENOMEM, NULL, "record");
			break;
		case 'F':
			if (streq(optarg, "-"))
				return cli_usage_error("record", "--probes-from: a manifest file, "
				                                 "not standard input");
			ra->sessions.probes_from = optarg;
			break;
		case 'l': {
			struct ksc_error *error = NULL;

			if (record_selector_check(optarg, &error) < 0) {
				r = cli_usage_error("record", "--selector: %s",
				                    ksc_error_message(error));
				ksc_error_free(error);
				return r;
			}
			ra->selector = optarg;
			break;
		}
		case 'n':
			ra->namespace = optarg;
			break;
		case 'q':
			ra->quiet = ra->sessions.quiet = true;
			break;
		case 'h':
			help();
			return -1;
		default:
			return cli_bad_option("record", argv, c);
		}
	}
	r = check_args(ra, optind < argc);
	if (r != 0)
		return r;
	if (optind < argc)
		ra->argv = argv + optind;
	return 0;
}
