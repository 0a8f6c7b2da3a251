/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The hand-off of a seccomp notification listener to the agent at listenerPath, as runc does
 * it. The child installs the filter with a listener and, as its only syscalls before execve,
 * writes the fd's number to the parent and reads the go-ahead. The parent takes a copy of
 * the fd with pidfd_getfd(2), connects to the agent and sends it the container process state
 * with the fd, and only then lets the child go on: when the agent cannot be reached, the
 * command never runs. The profile may not send write to the agent (runc refuses it), and
 * the filter must let write and read through (or, for read, to the agent).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "kseccomp.h"
#include "notify.h"

struct listener_handoff {
	int parent_fd, child_fd; /* a SOCK_SEQPACKET pair; -1 when closed */
};

/* 0 or -errno. */
int listener_handoff_open(struct listener_handoff *h);
void listener_handoff_close(struct listener_handoff *h);

/* In the child, right after ksc_enforce_install_listener(): hand over and wait. 0 or
 * -errno (the parent failed or is gone: do not go on). */
int listener_handoff_child(struct listener_handoff *h, int listener_fd);

/* In the parent: take the child's listener and give it to the agent at `path`. The state's
 * pid is the child's. Returns 0, -ECHILD when the child ended first (it says why on its
 * own channel), or -errno with the reason in why ("failed to connect with seccomp agent
 * specified in the seccomp profile: ..."). */
int listener_handoff_parent(struct listener_handoff *h, pid_t child, const char *path,
                            const struct notify_state *st, char *why, size_t why_size);

/* Whether a program lets the hand-off through on this arch: write allowed or logged, read
 * allowed, logged or notified, whatever the arguments. 0, or -EPERM with why not for `what`
 * (a profile's name) in reterr. */
int listener_check_program(const struct ksc_bpf *prog, enum ksc_arch native, const char *what,
                           struct ksc_error **reterr);

/* Whether a profile has a SCMP_ACT_NOTIFY rule (runc creates a listener only then). */
bool listener_profile_notifies(const struct ksc_profile *profile);
