/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kseccomp node load|ls|sync|status|scan: the node's Localhost profiles, where a real kubelet
 * looks for them (ROOT/seccomp/), and the containers that run them. One file per verb:
 * node-load.c, node-ls.c, node-sync.c, node-status.c, node-scan.c.
 */
#include <stdio.h>

#include "cli.h"
#include "node.h"

int
cli_node_parse_sub(const char *command, const char *from, const char *as, char *buf, size_t size)
{
	if (!as)
		cli_last_component(from, buf, size);
	else
		snprintf(buf, size, "%s", as);
	if (!*buf || strstr(buf, "..") || buf[0] == '/' || buf[0] == '.')
		return cli_usage_error(command,
		                       "--as '%s': must be a relative path without '..' that does "
		                       "not start with a dot",
		                       buf);
	return 0;
}

const struct verb node_verbs[] = {
	{ "load", cli_node_load, "install profiles where the kubelet looks for them, atomically" },
	{ "ls", cli_node_ls, "list the node's Localhost profiles" },
	{ "sync", cli_node_sync, "keep a directory of profiles (a ConfigMap) installed" },
	{ "status", cli_node_status, "what the last sync did: a readiness probe" },
	{ "scan", cli_node_scan, "every container of a CRI runtime, its real filter, and drift" },
};
const size_t n_node_verbs = ELEMENTSOF(node_verbs);

int
verb_node(int argc, char **argv)
{
	return cli_dispatch("node", node_verbs, ELEMENTSOF(node_verbs), argc, argv);
}
