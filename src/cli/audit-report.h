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
/* The would-be denials, most frequent first (a table, JSON lines or YAML documents), and a
 * summary on stderr. 0, or the exit status of a failure. */
int against_report(struct against *a, bool json, bool yaml);

/* A record's time as RFC 3339 with milliseconds, in UTC. */
void audit_format_time(double t, char *buf, size_t size);
/* -o json and yaml: a record as one JSON object into sb (its strings exact, escaped). */
void
audit_record_json(struct strbuf *sb, const struct audit_record *r, const struct audit_who *who);

/* -o summary: the counts per command, arch, syscall and action. */
void print_summary(struct audit_groups *groups);
/* --generate: the profile the records call for, written to path (reported). 0 or -errno. */
int write_profile(const struct audit_groups *groups, const char *path);
