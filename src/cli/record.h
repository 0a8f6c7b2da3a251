/* SPDX-License-Identifier: Apache-2.0 */
/* The eBPF backend of `kseccomp record` (record-ebpf.c). */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "kseccomp.h"
#include "record/recording.h"

/* True when this build has the backend and the kernel can run it (root, BTF, tracepoints). */
bool record_ebpf_available(void);

/* Launch argv in a cgroup of its own and record its syscalls, and its descendants', from its
 * execve until it exits. *ret_status: its wait status. 0 or -errno with a message. */
int record_ebpf_run(struct recording *rec, bool want_args, bool nnp, char **argv, int *ret_status,
                    struct ksc_error **reterr);

/* Record running processes (their cgroups, else their process trees) until they all end or
 * *stop is set. 0 or -errno with a message. */
int record_ebpf_attach(struct recording *rec, bool want_args, const pid_t *pids, size_t n_pids,
                       volatile sig_atomic_t *stop, struct ksc_error **reterr);
