/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kseccomp record --container ID | --pod NAMESPACE/NAME: the containers of a CRI runtime,
 * each recorded by its cgroup into a profile of its own (record-cri.c); and what every
 * recording says of what it could not record.
 */
#pragma once

#include <signal.h>
#include <stdbool.h>

#include "cli.h"
#include "record/record.h"

/* What to do with the processes that entered a container from outside (recording.h's
 * sessions): all go into its profile, or with exclude_exec only the probes' (each probe a
 * command, its words separated by spaces) and the runtime's exec they need. */
struct record_session_opts {
	bool exclude_exec, quiet;
	const char *const *probes;
	size_t n_probes;
};

/* Say each session of rec apart (what: "container NAME", whose it is), with the calls the
 * container's own processes did not make, and add those the options keep to rec. */
void
record_sessions_apply(struct recording *rec, const char *what, const struct record_session_opts *o);

struct record_cri_opts {
	struct record_container_query query; /* its pod: from pod */
	const char *pod;                     /* NAMESPACE/NAME, or NULL */
	bool all_containers;                 /* every container of the pod, not one */
	const char *output_file, *output_dir;
	enum cli_doc_format format;
	bool want_args, quiet;
	bool wait; /* the containers may not run yet: record them from their first process */
	enum record_attach attach;
	struct record_session_opts sessions;
};

/* Record the containers the options name until each ends or *stop is set, and write their
 * profiles. The exit status. */
int record_cri(const struct record_cri_opts *o, volatile sig_atomic_t *stop);

/* Say what a recording could not record (whatever --quiet says). Whether it missed
 * processes. */
bool record_report_losses(const struct recording *rec);
