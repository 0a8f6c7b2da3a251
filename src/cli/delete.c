/* SPDX-License-Identifier: Apache-2.0 */
/* kseccomp delete pod NAME... | -f FILE: stop a pod's containers and remove the pod. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "pods.h"

static const char delete_help[] =
        ("Usage: kseccomp delete pod NAME... [--wait[=true|false]] [--now]\n"
         "                       [--grace-period SECONDS] [--state-dir DIR]\n"
         "       kseccomp delete -f FILE [...]\n"
         "\n"
         "Stop a pod's containers (SIGTERM, then SIGKILL after the grace period) and remove\n"
         "the pod: its processes, cgroups, runtime state, logs and status. Works whether or\n"
         "not its monitor is still alive: nothing of the pod outlives the command.\n"
         "\n"
         "Options:\n"
         "  -f, --filename FILE     the pods of a manifest\n"
         "      --wait[=BOOL]       return once the pod is gone (default: true)\n"
         "      --now               a grace period of 1 second\n"
         "      --grace-period N    seconds between SIGTERM and SIGKILL (default: "
         "30)\n" NODE_OPTIONS_HELP);

static int
delete_pod(const struct node_opts *o, const char *name, int grace, bool wait)
{
	struct ksc_error *error = NULL;
	int r;

	r = node_delete_pod(o, name, grace, &error);
	if (r == -ENOENT) {
		cli_error("pods \"%s\" not found", name);
		return 1;
	}
	if (r < 0)
		return cli_fail(r, error, NULL);
	printf("pod \"%s\" deleted\n", cli_escape(name));
	fflush(stdout);
	if (!wait)
		return 0;
	r = node_delete_wait(o, name, grace, &error);
	if (r < 0)
		return cli_fail(r, error, NULL);
	return 0;
}

int
verb_delete(int argc, char **argv)
{
	static const struct option options[] = {
		{ "filename", required_argument, NULL, 'f' },
		{ "wait", optional_argument, NULL, OPT_WAIT },
		{ "now", no_argument, NULL, OPT_NOW },
		{ "grace-period", required_argument, NULL, OPT_GRACE },
		{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct node_opts o = { 0 };
	const char *file = NULL;
	bool wait = true;
	int grace = POD_DEFAULT_GRACE, c, r, status = 0;
	char *end;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":f:h", options, NULL)) != -1) {
		switch (c) {
		case 'f':
			file = optarg;
			break;
		case OPT_WAIT:
			if (!optarg || streq(optarg, "true"))
				wait = true;
			else if (streq(optarg, "false"))
				wait = false;
			else
				return cli_usage_error("delete",
				                       "--wait: expected true or false, got '%s'",
				                       optarg);
			break;
		case OPT_NOW:
			grace = 1;
			break;
		case OPT_GRACE:
			errno = 0;
			grace = (int)strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || grace < 0 || grace > 3600)
				return cli_usage_error("delete",
				                       "--grace-period: expected 0..3600 "
				                       "seconds, got '%s'",
				                       optarg);
			grace = MAX(grace,
			            1); /* 0 means "immediately" to kubectl too, with --force */
			break;
		case 'h':
			fputs(delete_help, stdout);
			return 0;
		case '?':
		case ':':
			return cli_bad_option("delete", argv, c);
		default:
			r = pods_option(c, optarg, &o, "delete");
			if (r)
				return r;
		}
	}
	node_opts_defaults(&o);
	if (file) {
		struct kube_manifest *m = NULL;
		struct ksc_error *error = NULL;
		_cleanup_(freep) char *buf = NULL;
		size_t len = 0;

		if (optind < argc)
			return cli_usage_error("delete", "-f and names cannot be combined");
		r = node_manifest_read(file, &buf, &len, &m, &error);
		if (r < 0)
			return cli_fail(r, error, file);
		for (size_t i = 0; i < m->n_pods; i++)
			status |= delete_pod(&o, m->pods[i].name, grace, wait);
		kube_manifest_free(m);
		return status;
	}
	if (optind >= argc)
		return cli_usage_error("delete", "expected 'pod NAME...' or -f FILE");
	if (pods_word(argv[optind]))
		optind++;
	else if (!startswith(argv[optind], "pod/") && !startswith(argv[optind], "pods/"))
		return cli_usage_error("delete",
		                       "unknown resource type '%s': the local node has pods",
		                       argv[optind]);
	if (optind >= argc)
		return cli_usage_error("delete", "missing the pod's NAME");
	for (int i = optind; i < argc; i++) {
		const char *name = argv[i], *slash = strchr(name, '/');

		status |= delete_pod(&o, slash ? slash + 1 : name, grace, wait);
	}
	return status;
}
