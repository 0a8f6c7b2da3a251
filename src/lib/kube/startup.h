/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kube/startup: the calls an OCI runtime makes after it has installed the container's filter
 * and before the workload's first instruction, per runtime, version and no_new_privs (with
 * it the filter goes in last, just before execve; without it, before the runtime sets up the
 * user and capabilities), and what a profile that denies one of them does to the container:
 * it starts, or the runtime fails with its own words. Measured on this project's machines
 * (scripts/measure-startup.sh, data/oci-runtimes/startup/), other versions from their
 * published changes.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kseccomp.h"
#include "ocirt.h"

/* Where the runtime fails. */
enum kube_startup_phase {
	KUBE_STARTUP_CREATE = 1, /* runc create: StartError (exit code 128) */
	KUBE_STARTUP_START,      /* runc start: StartError at StartContainer */
	KUBE_STARTUP_EXEC,       /* runc init after start: its message in the container's
	                          * log, exit code 1 (Error, then CrashLoopBackOff) */
	KUBE_STARTUP_HANG,       /* the runtime never returns (its init's thread was killed) */
	KUBE_STARTUP_KILLED,     /* the runtime's init is killed by SIGSYS */
};

/* One of the runtime's calls the profile does not let through. */
struct kube_startup_denial {
	const char *call; /* the syscall (static storage) */
	const char *args; /* its arguments in words, "" when they do not matter (static) */
	uint32_t ret;     /* what the profile gives it */
	char by[128];     /* "defaultAction", "syscalls[3] (prctl)", "runc's ENOSYS stub" */
	bool fatal;       /* the runtime fails on it (else it carries on) */
	bool sometimes;   /* the runtime makes it in only some starts (Go's runtime) */
};

struct kube_startup {
	bool starts;
	struct kube_oci rt;
	bool no_new_privs;
	bool measured;      /* the calls were measured on this version (else read) */
	const char *source; /* where the calls come from (static) */
	size_t n_calls;     /* the runtime's calls after the filter, checked */
	struct kube_startup_denial *denials; /* in the runtime's order */
	size_t n_denials;
	/* The first fatal denial: the phase, the runtime's own words (runc: the error its
	 * init reports, without containerd's wrapping) and the exit code; NULL when it starts. */
	enum kube_startup_phase phase;
	char *message;
	char *detail; /* containerd's words where they differ (runc's start), or NULL */
	int exit_code;
	bool silent; /* a crash: message is kseccomp's account, the runtime writes none */
};

/*
 * Whether a container whose filter is profile starts under rt with no_new_privs: each call
 * the runtime makes after installing the filter decided as the runtime's filter decides it
 * (runc's ENOSYS stub; crun has none) on this machine's architecture, with the arguments
 * the runtime passes where a rule may compare them. 0, or -errno with a message (a profile
 * whose filter cannot be built: the runtime refuses it, see kube_oci_seccomp()).
 */
int kube_startup_check(const struct ksc_profile *profile, const struct kube_oci *rt,
                       bool no_new_privs, struct kube_startup *ret, struct ksc_error **reterr);
/* The same in two steps, for a caller that checks both no_new_privs settings: the filter as
 * rt builds it from profile (runc's ENOSYS stub; crun has none), then the check on it. */
int kube_startup_filter(const struct ksc_profile *profile, const struct kube_oci *rt,
                        struct ksc_filter **ret_filter, struct ksc_error **reterr);
int
kube_startup_check_filter(const struct ksc_filter *filter, const struct kube_oci *rt,
                          bool no_new_privs, struct kube_startup *ret, struct ksc_error **reterr);
void kube_startup_done(struct kube_startup *r);

/* The failure as containerd reports it to the kubelet ("StartError: failed to create
 * containerd task: ...", "Error: exit code 1: ..."), into a new string; NULL when it starts
 * or out of memory. */
char *kube_startup_containerd_message(const struct kube_startup *r);

/* "runc 1.1.5 with no_new_privs" / "crun 1.8.1 without no_new_privs" into buf. */
void kube_startup_describe(const struct kube_startup *r, char *buf, size_t size);

/*
 * profile with the runtime's calls that r found denied and fatal allowed: one SCMP_ACT_ALLOW
 * rule, first in syscalls, whose comment names the runtime. A call that a rule of the
 * profile denies is not added over it (-EEXIST, naming the rule). 0 with the profile and its
 * canonical JSON (both owned by the caller), or -errno with a message.
 */
int kube_startup_fix(const struct ksc_profile *profile, const struct kube_startup *r,
                     struct ksc_profile **ret_profile, char **ret_json, size_t *ret_len,
                     struct ksc_error **reterr);
