/* SPDX-License-Identifier: Apache-2.0 */
/* The node verbs (node.c dispatches): one file each. */
#pragma once

#include <stddef.h>

int cli_node_load(int argc, char **argv);
int cli_node_ls(int argc, char **argv);
int cli_node_sync(int argc, char **argv);
int cli_node_status(int argc, char **argv);
int cli_node_scan(int argc, char **argv);
/* node scan --serve (node-scan-serve.c): serves until SIGTERM or SIGINT; the exit status. */
int cli_node_scan_serve(const char *addr, const char *endpoint, unsigned timeout_ms,
                        unsigned interval_s, bool audit);

/* --as SUBDIR of node sync and node status (DIR's last component without it): 0, or a usage
 * error's exit status after saying why. */
int
cli_node_parse_sub(const char *command, const char *from, const char *as, char *buf, size_t size);
