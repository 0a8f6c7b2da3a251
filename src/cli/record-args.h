/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kseccomp record's options (record-args.c), for record.c.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "cli.h"
#include "record-cri.h"
#include "record/record.h"

/* What the options asked for. */
struct record_args {
	const char *backend, *output, *baseline, *pod, *cgroup;
	const char *container, *container_name, *endpoint, *output_dir;
	const char *selector, *namespace; /* --selector, --namespace */
	bool all_containers, wait;
	enum cli_doc_format format;
	enum record_attach attach;
	bool append, want_args, nnp, quiet;
	pid_t *pids; /* owned */
	size_t n_pids;
	char **argv; /* the command, or NULL */
	/* --exclude-exec, --probe-command (probes: owned, not its strings) */
	struct record_session_opts sessions;
};

/* The options: 0, or the exit status of a usage error or --help (-1 for --help's 0). */
int record_parse_args(int argc, char **argv, struct record_args *ra);

/* Whether the options name containers of a CRI runtime: --container, --pod NAMESPACE/NAME. */
bool record_cri_target(const struct record_args *ra);
