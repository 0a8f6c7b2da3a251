/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kseccomp apply -f FILE: the pods of a manifest on the local node, each run by a monitor
 * (src/lib/node/monitor.c) with the executor --runtime names.
 */
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "pods.h"

static const char apply_help[] =
        ("Usage: kseccomp apply -f FILE [--runtime host|runc|crun|containerd]\n"
         "                      [--runtime-endpoint SOCK] [--seccomp-default]\n"
         "                      [--namespaces LIST] [--root-dir DIR] [--image-store DIR]\n"
         "                      [--containerd-version V] [--complain] [--force]\n"
         "                      [--state-dir DIR]\n"
         "\n"
         "Create the Pods of FILE ('-': standard input) on the local node; a workload\n"
         "(Deployment, Job, ...) gives one pod named after it. Every pod is validated as\n"
         "the API server does first: nothing starts when one is invalid. Each pod gets a\n"
         "monitor process that runs its init containers in order, then its containers,\n"
         "each under the seccomp profile the kubelet and containerd give it (see 'kseccomp\n"
         "kube resolve'), and restarts them per restartPolicy with the kubelet's back-off.\n"
         "\n"
         "Options:\n"
         "  -f, --filename FILE     the manifests\n"
         "      --runtime R         host: processes of the monitor, kseccomp installing the\n"
         "                          filter; runc or crun: an OCI bundle run by the runtime\n"
         "                          (default: $KSECCOMP_RUNTIME, else runc when installed,\n"
         "                          else host). crun runs without cgroups on hybrid hosts.\n"
         "                          containerd: the node speaks the CRI to containerd as the\n"
         "                          kubelet does (profile type and Localhost path, never its\n"
         "                          content); images are containerd's ('ctr -n k8s.io images\n"
         "                          import')\n"
         "      --runtime-endpoint SOCK  containerd's CRI socket (default:\n"
         "                          $CONTAINER_RUNTIME_ENDPOINT, else\n"
         "                          unix:///run/containerd/containerd.sock)\n"
         "      --containerd-version V  host, runc and crun: give RuntimeDefault as\n"
         "                          containerd V renders it (1.6 to 2.2 and later;\n"
         "                          default: the latest); containerd renders its own\n"
         "      --complain          run the pods' Localhost profiles in complain mode\n"
         "                          ('kseccomp profile complain'): every call a profile\n"
         "                          would deny is logged and let through; then 'kseccomp\n"
         "                          audit --against PROFILE --pod NAME' lists them. Apply\n"
         "                          again without it (after deleting the pod) to enforce\n"
         "      --force             apply pods whose containers the runtime cannot start:\n"
         "                          by default a container whose profile denies the\n"
         "                          runtime's own calls after the filter ('kseccomp\n"
         "                          profile check') is refused before anything runs\n"
         "      --seccomp-default   the kubelet's seccompDefault: RuntimeDefault for\n"
         "                          containers that set no profile\n"
         "      --root-dir DIR      the kubelet root; Localhost profiles are read from\n"
         "                          DIR/seccomp (default: $KSECCOMP_ROOT_DIR, else\n"
         "                          /var/lib/kubelet for root)\n"
         "      --image-store DIR   where 'kseccomp image import' put the images\n"
         "      --namespaces LIST   the host executor's namespaces: pid, mount, uts, ipc\n"
         "                          (default: none; runc and crun use all "
         "four)\n" NODE_OPTIONS_HELP);

static int
parse_namespaces(const char *list, unsigned long *ret)
{
	static const struct {
		const char *name;
		unsigned long flag;
	} names[] = {
		{ "pid", CLONE_NEWPID },
		{ "mount", CLONE_NEWNS },
		{ "uts", CLONE_NEWUTS },
		{ "ipc", CLONE_NEWIPC },
	};
	char buf[256];

	*ret = 0;
	snprintf(buf, sizeof(buf), "%s", list);
	for (char *save = NULL, *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		size_t i;

		for (i = 0; i < ELEMENTSOF(names) && !streq(w, names[i].name); i++)
			;
		if (i == ELEMENTSOF(names))
			return -EINVAL;
		*ret |= names[i].flag;
	}
	return *ret ? 0 : -EINVAL;
}

/* Create one pod and say so: 0, or 1 after saying why not. */
static int
apply_pod(const struct node_opts *o, const struct kube_pod *pod, size_t index, const char *source,
          const char *buf, size_t len)
{
	struct ksc_error *error = NULL;
	enum node_apply_result result;
	int r;

	r = node_apply_pod(o, pod, index, source, buf, len, &result, &error);
	if (r < 0)
		return cli_fail(r, error, NULL);
	printf("pod/%s %s\n", cli_escape(pod->name),
	       result == NODE_POD_UNCHANGED ? "unchanged" : "created");
	return 0;
}

int
verb_apply(int argc, char **argv)
{
	static const struct option options[] = {
		{ "filename", required_argument, NULL, 'f' },
		{ "runtime", required_argument, NULL, OPT_RUNTIME },
		{ "runtime-endpoint", required_argument, NULL, OPT_RUNTIME_ENDPOINT },
		{ "seccomp-default", no_argument, NULL, OPT_SECCOMP_DEFAULT },
		{ "root-dir", required_argument, NULL, OPT_ROOT_DIR },
		{ "image-store", required_argument, NULL, OPT_IMAGE_STORE },
		{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
		{ "namespaces", required_argument, NULL, OPT_NAMESPACES },
		{ "containerd-version", required_argument, NULL, OPT_CONTAINERD_VERSION },
		{ "complain", no_argument, NULL, OPT_COMPLAIN },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct node_opts o = { 0 };
	struct kube_manifest *m = NULL;
	struct ksc_error *error = NULL;
	_cleanup_(ksc_diags_freep) struct ksc_diags *diags = ksc_diags_new();
	_cleanup_(freep) char *buf = NULL;
	char source[PATH_MAX];
	const char *file = NULL;
	size_t len = 0, bad;
	bool force = false;
	int c, r, status = 0;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":f:h", options, NULL)) != -1) {
		switch (c) {
		case 'f':
			file = optarg;
			break;
		case 'h':
			fputs(apply_help, stdout);
			return 0;
		case OPT_NAMESPACES:
			if (parse_namespaces(optarg, &o.host_namespaces) < 0)
				return cli_usage_error(
				        "apply",
				        "--namespaces: expected a list of pid, mount, uts, "
				        "ipc; got '%s'",
				        optarg);
			break;
		case OPT_COMPLAIN:
			o.complain = true;
			break;
		case OPT_FORCE:
			force = true;
			break;
		case OPT_CONTAINERD_VERSION: {
			char release[32];

			if (ksc_containerd_template_release(optarg, release, sizeof(release),
			                                    &error) < 0) {
				cli_usage_error("apply", "--containerd-version: %s",
				                ksc_error_message(error));
				ksc_error_free(error);
				return EXIT_USAGE;
			}
			o.containerd_version = optarg;
			break;
		}
		case '?':
		case ':':
			return cli_bad_option("apply", argv, c);
		default:
			r = pods_option(c, optarg, &o, "apply");
			if (r)
				return r;
		}
	}
	if (!file)
		return cli_usage_error("apply", "missing -f FILE");
	if (optind < argc)
		return cli_usage_error("apply", "unexpected argument '%s'", argv[optind]);
	node_opts_defaults(&o);
	if (o.containerd_version && o.executor == EXECUTOR_CONTAINERD)
		return cli_usage_error("apply", "--containerd-version: the containerd executor's "
		                                "RuntimeDefault is the running containerd's own");
	r = node_executor_check(&o, &error);
	if (r < 0)
		return cli_fail(r, error, NULL);

	r = node_manifest_read(file, &buf, &len, &m, &error);
	if (r < 0)
		return cli_fail(r, error, file);
	if (cli_kube_print_validation(m, false) > 0) {
		kube_manifest_free(m);
		return 1;
	}
	if (!diags) {
		kube_manifest_free(m);
		return cli_fail(-ENOMEM, NULL, NULL);
	}
	bad = node_apply_check(m, file, diags);
	if (!bad && !force)
		bad = node_apply_preflight(&o, m, file, diags);
	cli_print_diags(diags);
	if (bad) {
		kube_manifest_free(m);
		return 1;
	}
	if (streq(file, "-") || !realpath(file, source))
		snprintf(source, sizeof(source), "%s", file);
	for (size_t i = 0; i < m->n_pods; i++)
		status |= apply_pod(&o, &m->pods[i], i, source, buf, len);
	kube_manifest_free(m);
	return status;
}
