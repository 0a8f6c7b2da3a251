/* SPDX-License-Identifier: Apache-2.0 */
/*
 * exec: what a runtime does to a process between fork and execve, shared by `run` and the
 * local node's host executor: the capability sets and user, no_new_privs, the filter, the
 * hand-off of its listener, execve, in runc's order.
 *
 * These run in a forked child, where nothing should allocate: reasons go to a caller's
 * buffer, not to a struct ksc_error.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kseccomp.h"
#include "listener.h"

/* The calling process's effective and permitted capability sets (capget), either pointer
 * NULL; 0 or -errno. */
int exec_current_capabilities(uint64_t *ret_effective, uint64_t *ret_permitted);

/* What a runtime does with a container's capabilities: the bounding set cut down to caps,
 * and effective, permitted and inheritable set to what remains (ambient cleared). Returns
 * 0, or -errno with the reason in why. */
int exec_drop_capabilities(uint64_t caps, char *why, size_t why_size);

/* The process a runtime starts: everything resolved and checked before the fork. */
struct exec_spec {
	const char *path; /* the executable, found before the fork */
	char *const *argv;
	bool no_new_privs; /* allowPrivilegeEscalation: false */
	/* The capability sets a runtime gives the container (exec_drop_capabilities()); false:
	 * the caller's stay. */
	bool set_caps;
	uint64_t caps;
	/* A user and group to run as, -1: the caller's. A user other than root keeps no
	 * capabilities (its bounding set cut down to caps when set_caps). */
	int64_t uid, gid;
	const struct ksc_bpf *prog; /* NULL: no filter */
	/* flags and listener; no_new_privs is the field above */
	const struct ksc_enforce_opts *eopts;
	struct listener_handoff *handoff; /* with eopts->listener: the parent's channel */
};

enum exec_stage {
	EXEC_FAILED_SETUP = 1,   /* a step before execve; message says why */
	EXEC_FAILED_EXECVE = 2,  /* execve itself; error is its errno */
	EXEC_FAILED_HANDOFF = 3, /* the parent failed or is gone: it says why, not the child */
};

/* Why exec_container() returned; plain data, so that a child can write it to a pipe. */
struct exec_failure {
	int stage; /* enum exec_stage */
	int error; /* errno, when known */
	char message[480];
};

/*
 * Run spec->path in the calling (forked, single-threaded) process as runc's init does it
 * (libcontainer/standard_init_linux.go): no_new_privs first when asked; without it, the
 * filter goes in while the process still holds CAP_SYS_ADMIN (the kernel demands
 * no_new_privs from a task without it, seccomp_prepare_filter()), before the user and
 * capabilities change, so that those syscalls are filtered too and must be allowed by the
 * profile; with no_new_privs, the filter goes in last, right before execve. The listener is
 * handed to the parent right after the filter. Returns only on failure, with *ret saying
 * where and why. Nothing allocates once the filter is in.
 */
void exec_container(const struct exec_spec *spec, struct exec_failure *ret);
