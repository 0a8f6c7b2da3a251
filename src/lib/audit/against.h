/* SPDX-License-Identifier: Apache-2.0 */
/*
 * audit --against: what a profile would have done with the calls the kernel's records show.
 * A profile in complain mode (`kseccomp profile complain`) logs every call its original
 * would deny and lets it run; replaying those records through the original says which call
 * would have been denied, by which rule, and for which process, before it is enforced.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "audit.h"
#include "kseccomp.h"

struct audit_verdict {
	struct ksc_decision decision; /* with all six arguments 0 */
	bool denied;                  /* neither ALLOW, LOG nor NOTIFY */
	/* Rules of the profile name this call with argument conditions, and the record carries
	 * no arguments. Counted as denied when some path of the call denies. */
	bool depends_on_args;
};

/* The decision for a record's (arch, syscall). The profile and filter are the original's
 * (ksc_filter_new() of it). Returns 0, or -ENOENT when the record has no known arch. */
int audit_against(const struct ksc_profile *profile, const struct ksc_filter *filter,
                  const struct audit_record *r, struct audit_verdict *ret);

/* "rule syscalls[3] (mkdir)", "defaultAction", "runc's ENOSYS stub (...)", "the bad-arch
 * action (...)" for a verdict, into buf. */
void audit_verdict_describe(const struct audit_verdict *v, char *buf, size_t size);
