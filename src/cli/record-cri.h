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
 * sessions): all go into its profile, or with exclude_exec only the probes' and the
 * runtime's exec they need. */
struct record_session_opts {
	bool exclude_exec, quiet;
	char ***probes; /* each an argv, NULL-terminated; all owned */
	size_t n_probes;
	const char *probes_from; /* --probes-from MANIFEST, read per container */
};

/* A probe's command, copied: argv (NULL-terminated), or words separated by spaces. 0 or
 * -ENOMEM. */
int record_probe_add(struct record_session_opts *o, const char *const *argv);
int record_probe_add_words(struct record_session_opts *o, const char *words);
/* Add the exec probes of a manifest's containers named container (NULL: every one), of
 * its pods (index: only the pod at that index; SIZE_MAX: all). 0 with *ret_added, or 1
 * after saying why the manifest could not be read. */
int record_probes_from(struct record_session_opts *o, const char *manifest, size_t index,
                       const char *container, size_t *ret_added);
void record_session_opts_done(struct record_session_opts *o);

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

/* One container's recording into its profile (replicas: how many recordings of the same
 * container, in pods the selector matched, it merges). 0, or 1 after saying why. */
int record_write_container(const struct record_cri_opts *o, const struct record_container *c,
                           struct recording *rec, size_t replicas);

/* --selector: the recordings of the same container in the pods matched merged, one profile
 * per container name, with the syscalls only some replicas made said. 0, or 1. */
int record_write_replicas(const struct record_cri_opts *o, const struct record_container *cs,
                          struct recording *recs, size_t n);

/* Record the containers the options name until each ends or *stop is set, and write their
 * profiles. The exit status. */
int record_cri(const struct record_cri_opts *o, volatile sig_atomic_t *stop);

/* Say what a recording could not record (whatever --quiet says). Whether it missed
 * processes. */
bool record_report_losses(const struct recording *rec);
