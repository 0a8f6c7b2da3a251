/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The node kube resolve and kube inspect predict for: which containerd renders RuntimeDefault
 * (--containerd-version, else the node's, asked over the CRI, else the newest) and which OCI
 * runtime takes the spec (--oci-runtime, else the runc installed here, else the newest runc).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cri/cri.h"
#include "kube-node.h"
#include "node/node.h"
#include "node/oci.h"

#define ASK_TIMEOUT_MS 3000

const char cli_kube_node_help[] =
        "      --containerd-version V   render RuntimeDefault as containerd V does (1.6 to\n"
        "                               2.2 and later; 'latest'). Default: the node's,\n"
        "                               asked over the CRI, else the latest\n"
        "  -r, --runtime-endpoint SOCK  the node's CRI socket to ask (default:\n"
        "                               $CONTAINER_RUNTIME_ENDPOINT, else\n"
        "                               " CRI_DEFAULT_ENDPOINT ");\n"
        "                               given and unreachable is an error\n"
        "      --oci-runtime NAME[@V]   the OCI runtime containerd runs: runc or crun, with\n"
        "                               its version (runc@1.1, runc@1.2.5, crun@1.8.1).\n"
        "                               Default: the runc installed here, else the newest\n"
        "                               runc. Its version decides what starts: runc before\n"
        "                               1.2 refuses any seccomp flags, crun refuses\n"
        "                               errnoRet on actions that take none, and each has\n"
        "                               its own messages\n";

int
cli_kube_node_option(const char *command, int opt, const char *arg, struct cli_kube_node *n)
{
	struct ksc_error *error = NULL;
	char why[160], release[32];

	switch (opt) {
	case CLI_KUBE_NODE_CONTAINERD:
		if (ksc_containerd_template_release(arg, release, sizeof(release), &error) < 0) {
			cli_usage_error(command, "--containerd-version: %s",
			                ksc_error_message(error));
			ksc_error_free(error);
			return EXIT_USAGE;
		}
		n->containerd_version = arg;
		return 0;
	case CLI_KUBE_NODE_OCI:
		if (kube_oci_parse(arg, &n->oci, why, sizeof(why)) < 0)
			return cli_usage_error(command, "--oci-runtime: %s", why);
		n->oci_set = true;
		return 0;
	case CLI_KUBE_NODE_ENDPOINT:
		n->endpoint = arg;
		return 0;
	default:
		return cli_usage_error(command, "unknown option");
	}
}

/* The containerd version the node's CRI endpoint reports. 0 with n->containerd_version set;
 * 1 when there is no answer (printed as an error when the endpoint was named). */
static int
ask_node(const char *command, struct cli_kube_node *n)
{
	_cleanup_(cri_closep) struct cri *cri = NULL;
	struct cri_version v = { 0 };
	struct ksc_error *error = NULL;
	const char *endpoint = n->endpoint, *version;
	bool named = endpoint != NULL;
	char release[32];
	int r;

	if (!endpoint) {
		endpoint = getenv("CONTAINER_RUNTIME_ENDPOINT");
		named = endpoint && *endpoint;
		if (!named)
			endpoint = NULL;
	}
	r = cri_connect(endpoint, ASK_TIMEOUT_MS, &cri, &error);
	if (r >= 0)
		r = cri_version(cri, &v, &error);
	if (r < 0) {
		if (named) {
			cli_error("%s: asking the node's containerd version: %s", command,
			          error ? ksc_error_message(error) : strerror(-r));
			ksc_error_free(error);
			return 1;
		}
		ksc_error_free(error);
		n->containerd_version = "latest";
		return 0;
	}
	version = v.runtime_version ? v.runtime_version : "";
	if (!v.runtime_name || !streq(v.runtime_name, "containerd")) {
		cli_warning("the node's runtime is %s %s: RuntimeDefault is rendered as the latest "
		            "containerd does (--containerd-version to choose)",
		            cli_escape(v.runtime_name ? v.runtime_name : "?"), cli_escape(version));
		n->containerd_version = "latest";
	} else if (ksc_containerd_template_release(version, release, sizeof(release), &error) < 0) {
		cli_warning("the node's containerd %s: %s; RuntimeDefault is rendered as the "
		            "latest containerd does",
		            cli_escape(version), ksc_error_message(error));
		ksc_error_free(error);
		n->containerd_version = "latest";
	} else {
		snprintf(n->asked, sizeof(n->asked), "%s", version);
		n->containerd_version = n->asked;
	}
	cri_version_done(&v);
	return 0;
}

int
cli_kube_node_finish(const char *command, struct cli_kube_node *n)
{
	if (!n->oci_set && oci_installed_version(EXECUTOR_RUNC, &n->oci) < 0)
		n->oci = KUBE_OCI_RUNC_NEWEST;
	if (n->containerd_version)
		return 0;
	return ask_node(command, n);
}
