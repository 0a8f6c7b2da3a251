/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What a recorder saw, and the profile it makes: every (arch, syscall number) once, and for
 * the syscalls the default profiles condition on, the argument values seen.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kseccomp.h"

#define RECORDING_MAX_VALUES 32

struct recording_args {
	enum ksc_arch arch;
	uint32_t nr;
	uint64_t values[RECORDING_MAX_VALUES]; /* of the argument rule_arg() names */
	size_t n;
	bool overflow; /* too many values: the rule stays unconditional */
};

struct recording_session;

struct recording {
	struct {
		enum ksc_arch arch;
		uint32_t nr;
	} * seen;
	size_t n_seen, cap_seen;
	struct recording_args *args;
	size_t n_args, cap_args;
	/* an open-addressed index over seen: (index + 1), 0 free; power-of-two size */
	uint32_t *slots;
	size_t n_slots;
	bool oom;
	/* how the eBPF backend saw the syscalls ("fentry", "tracepoint"), NULL for ptrace */
	const char *method;
	/* what could not be recorded: argument values (--args; their rules then stay
	 * unconditional), children of followed processes (their syscalls are missing), and
	 * calls with a number beyond every table (the kernel answers them ENOSYS) */
	uint64_t lost_args, lost_children, beyond_table;
	/* The process trees that entered the recorded cgroup from outside it, as an exec into a
	 * container does (kubectl exec, exec probes), each with what it called there: not in
	 * seen above, for the caller to include or leave out (recording_include()). Processes
	 * whose session could not be noted are recorded as the container's own
	 * (lost_sessions). */
	struct recording_session *sessions;
	size_t n_sessions;
	uint64_t lost_sessions;
};

/* At most this many arguments of at most RECORDING_COMMAND_ARG - 1 bytes name a session. */
#define RECORDING_COMMAND_ARGS 6
#define RECORDING_COMMAND_ARG  64

struct recording_session {
	uint64_t key; /* 1: the runtime's work before the command's execve; else its hash */
	/* the command it exec'd first: argv, NULL-terminated (truncated as above); argv[0]
	 * NULL when unknown (key 1, or more commands than the recorder keeps) */
	char *argv[RECORDING_COMMAND_ARGS + 1];
	struct recording calls;
};

/* Which argument of a syscall --args refines, or -1: socket's domain, personality's persona,
 * clone's flags (namespace bits), and so on. */
int recording_refined_arg(const char *name);

/* Note a syscall (and, when args is not NULL, its six arguments). */
void recording_add(struct recording *rec, enum ksc_arch arch, uint32_t nr, const uint64_t *args);
bool recording_has(const struct recording *rec, enum ksc_arch arch, uint32_t nr);
/* Free what rec holds, its sessions too. */
void recording_done(struct recording *rec);

/* The session of key in rec, added (with argv copied, up to its first NULL; argv may be
 * NULL) when it is not there: its calls, or NULL when out of memory (rec->oom set). */
struct recording *recording_session(struct recording *rec, uint64_t key, const char *const *argv);
/* The calls of rec's session key, or NULL when it has none yet. */
struct recording *recording_find_session(struct recording *rec, uint64_t key);
/* Add what from saw (its calls and argument values) to rec. */
void recording_include(struct recording *rec, const struct recording *from);

/* Which of n recordings (a workload's replicas) made each syscall name, on any arch: 0 with
 * *ret and *ret_n (free with ksc_coverage_free()), or -ENOMEM. */
int recording_coverage(const struct recording *const *recs, size_t n, struct ksc_coverage **ret,
                       size_t *ret_n);

/* The profile: defaultAction SCMP_ACT_ERRNO, the arches seen plus the host's, one ALLOW list,
 * and with refine the conditional rules for the refined syscalls. execve is always allowed
 * (the runtime's call that starts the workload). A syscall number without a name is left out
 * with a warning in diags (may be NULL). 0 with *ret (owned) and *ret_n_names (the names
 * allowed), or -ENOMEM (also when recording ran out of memory), or a parse error. */
int recording_profile(const struct recording *rec, bool refine, struct ksc_profile **ret,
                      size_t *ret_n_names, struct ksc_diags *diags, struct ksc_error **reterr);
