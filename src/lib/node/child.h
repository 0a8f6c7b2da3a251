/* SPDX-License-Identifier: Apache-2.0 */
/* A container's process between fork and execve (child.c): its messages and namespaces. */
#pragma once

#include "macro.h"

/* "kseccomp: MESSAGE\n" on the container's stderr, escaped as the CLI escapes messages. */
_printf_(1, 2) void node_child_error(const char *fmt, ...);
/* "exec NAME: REASON\n" on the container's stderr, NAME escaped when it needs it. */
void node_child_exec_failed(const char *name, int err);

/* The host executor's optional namespaces (CLONE_NEW* flags): uts gets hostname, mount a
 * private propagation, pid a fork so that the workload is pid 1 there (this process stays
 * outside, passing signals on and ending as the workload ends), and with both pid and mount
 * a /proc of the namespace's own. Returns in the process that goes on to exec; exits on
 * failure. */
void node_enter_namespaces(unsigned long flags, const char *hostname);
