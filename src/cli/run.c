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
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "node/node.h"
#include "run.h"

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
