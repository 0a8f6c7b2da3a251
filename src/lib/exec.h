/* SPDX-License-Identifier: Apache-2.0 */
/*
 * exec: what a runtime does to a process between fork and execve. For now the capability
 * sets, shared by `run` and the local node's host executor.
 *
 * These run in a forked child, where nothing should allocate: reasons go to a caller's
 * buffer, not to a struct ksc_error.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* The calling process's effective and permitted capability sets (capget), either pointer
 * NULL; 0 or -errno. */
int exec_current_capabilities(uint64_t *ret_effective, uint64_t *ret_permitted);

/* What a runtime does with a container's capabilities: the bounding set cut down to caps,
 * and effective, permitted and inheritable set to what remains (ambient cleared). Returns
 * 0, or -errno with the reason in why. */
int exec_drop_capabilities(uint64_t caps, char *why, size_t why_size);
