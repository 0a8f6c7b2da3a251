/* SPDX-License-Identifier: Apache-2.0 */
/* The node kube resolve and kube inspect predict for (kube-node.c). */
#pragma once

#include "kube/ocirt.h"

enum {
	CLI_KUBE_NODE_CONTAINERD = 0x200, /* --containerd-version V */
	CLI_KUBE_NODE_OCI,                /* --oci-runtime NAME[@V] */
	CLI_KUBE_NODE_ENDPOINT,           /* -r, --runtime-endpoint SOCK */
};

struct cli_kube_node {
	const char *containerd_version; /* as given, asked, or "latest" */
	const char *endpoint;           /* NULL: $CONTAINER_RUNTIME_ENDPOINT, else the default */
	struct kube_oci oci;
	bool oci_set;
	char asked[64];
};

/* The options' lines of --help. */
extern const char cli_kube_node_help[];

/* One of the options above: 0, or EXIT_USAGE after printing why. */
int cli_kube_node_option(const char *command, int opt, const char *arg, struct cli_kube_node *n);

/* Fill what was not given. 0, or 1 after printing why (a named endpoint did not answer). */
int cli_kube_node_finish(const char *command, struct cli_kube_node *n);

/* kube VERB --help (kube-help.c). */
void cli_kube_help(const char *verb);
/* Whether kube VERB takes the option getopt returned as c (kube.c's parse_opts()). */
bool cli_kube_verb_takes(const char *verb, int c);
