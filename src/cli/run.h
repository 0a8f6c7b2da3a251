/* SPDX-License-Identifier: Apache-2.0 */
/* kseccomp run: what the verb prepares (run.c) and how the command then runs (run-job.c). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "kseccomp.h"

#define EXIT_CANNOT_EXEC 126
#define EXIT_NOT_FOUND   127

/* What verb_run prepared before the fork: the program and how to install it. */
struct run_job {
	struct ksc_compile_opts copts;
	struct ksc_enforce_opts eopts;
	bool caps_set, log_denials, strict;
	uint64_t caps;
	const char *profile_path; /* NULL: unconfined */
	struct ksc_profile *profile;
	struct ksc_bpf *prog;
	const char *name; /* the container ID an agent is told */
};

void run_job_done(struct run_job *job);
/* Compile, check the kernel and the program for what running the command needs: 0, or the
 * exit status after saying why. */
int prepare_filter(struct run_job *job, const char *cmd);
/* Fork, install in the child, hand the listener off, wait: the command's exit status. */
int run_command(struct run_job *job, char **argv);
