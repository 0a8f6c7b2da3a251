/* SPDX-License-Identifier: Apache-2.0 */
/* What kseccomp audit reports at the end (src/cli/audit-report.c), for src/cli/audit.c. */
#pragma once

#include "audit/read.h"
#include "cli.h"

struct denial;

struct against {
	const char *path;
	struct ksc_profile *profile;
	struct ksc_filter *filter;
	struct denial *denials;
	size_t n_denials;
	uint64_t checked, denied, unknown_arch;
	bool oom;
};

/* Load and model the profile: 0, or the exit status of a failure (reported). */
int against_open(struct against *a, const char *path);
void against_close(struct against *a);
/* A selected record, replayed through the profile. */
void against_record(struct against *a, const struct audit_record *r, const struct audit_who *who);
/* The would-be denials, most frequent first (a table or JSON lines), and a summary on
 * stderr. 0, or the exit status of a failure. */
int against_report(struct against *a, bool json);

/* -o summary: the counts per command, arch, syscall and action. */
void print_summary(struct audit_groups *groups);
/* --generate: the profile the records call for, written to path (reported). 0 or -errno. */
int write_profile(const struct audit_groups *groups, const char *path);
