/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The recorders of `kseccomp record`: every syscall of a workload and its descendants, per
 * arch, from the workload's execve on, into a struct recording (recording.h).
 *
 *   ptrace  no privileges needed. A launched command gets a one-instruction filter,
 *           SECCOMP_RET_TRACE, so each syscall costs one stop (PTRACE_EVENT_SECCOMP), not
 *           strace's two, and PTRACE_GET_SYSCALL_INFO says its arch, number and arguments.
 *           Forks, vforks, clones and execs are followed. Attached processes (--pid) have
 *           no such filter: they stop at every syscall entry (PTRACE_SYSCALL).
 *   ebpf    root: a BPF program on raw_syscalls/sys_enter, filtering by the workload's
 *           cgroup and deduplicating in the kernel, so that only first occurrences cost
 *           anything in user space (src/bpf/record.bpf.c).
 *
 * A launched command that cannot start (its execve fails, or what comes before) exits with
 * RECORD_EXIT_NOT_FOUND or RECORD_EXIT_CANNOT_EXEC, as `run` does, and the reason is an error
 * in diags; the recorder still returns 0 with that wait status.
 */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "kseccomp.h"
#include "recording.h"

/* Exit statuses of a command that could not be started, as `run` uses them. */
#define RECORD_EXIT_CANNOT_EXEC 126
#define RECORD_EXIT_NOT_FOUND   127

/* Launch argv under ptrace and record it until it and its descendants end. 0 with
 * *ret_status (its wait status), or -errno. A failure to start it goes to diags. */
int record_ptrace_run(struct recording *rec, bool want_args, bool nnp, char **argv, int *ret_status,
                      struct ksc_diags *diags);

/* Attach to running processes (every thread of each, and their descendants as they fork)
 * until they end or *stop is set (the caller's SIGINT/SIGTERM handler; the wait is
 * interrupted by the signal), then detach. 0, or -errno with the process that could not be
 * followed and why in diags. */
int record_ptrace_attach(struct recording *rec, bool want_args, const pid_t *pids, size_t n_pids,
                         volatile sig_atomic_t *stop, struct ksc_diags *diags);

/* How the eBPF backend sees syscalls: fentry on the kernel's dispatchers (x64_sys_call and
 * its ia32 and x32 siblings, Linux 6.9 on x86_64; only the recorded tasks pay more than a
 * trampoline call) or the raw_syscalls:sys_enter tracepoint (any kernel with BTF; every task
 * of the machine takes the slow syscall entry while it is attached). AUTO: fentry where the
 * kernel has it, else the tracepoint. */
enum record_attach {
	RECORD_ATTACH_AUTO,
	RECORD_ATTACH_TRACEPOINT,
	RECORD_ATTACH_FENTRY,
};

/* True when this build has the eBPF backend and the kernel can run it (root, BTF). */
bool record_ebpf_available(void);

/* Launch argv in `cgroup` (a cgroup v2 directory the caller made for it, and removes after)
 * and record its syscalls, and its descendants', from its execve until it exits.
 * *ret_status: its wait status. 0 or -errno with a message; a failure to start the command
 * goes to diags. */
int record_ebpf_run(struct recording *rec, bool want_args, enum record_attach attach, bool nnp,
                    const char *cgroup, char **argv, int *ret_status, struct ksc_diags *diags,
                    struct ksc_error **reterr);

/* Record running processes (their cgroups, else their process trees) until they all end or
 * *stop is set. 0 or -errno with a message. With KSECCOMP_DEBUG_BPF set in the environment,
 * libbpf's warnings go to diags (both eBPF calls). */
int record_ebpf_attach(struct recording *rec, bool want_args, enum record_attach attach,
                       const pid_t *pids, size_t n_pids, volatile sig_atomic_t *stop,
                       struct ksc_diags *diags, struct ksc_error **reterr);

/* Record the processes of cgroup v2 directories and of the cgroups below them (a container's,
 * a pod's), cgroups[i] into recs[i], each by a program of its own: from now until the cgroup
 * has had processes and has none left, or is removed, or *stop is set. A cgroup still empty
 * (a container created, not yet started) is recorded from its first process on.
 * inits[i] (inits may be NULL, an entry 0): the container's first process. Its process tree
 * is the container's own; the trees that enter the cgroup from outside go to
 * recs[i].sessions (a cgroup empty at the start: its first process is its own; without
 * inits[i], all processes already there are). 0 or -errno with a message. */
int record_ebpf_follow_cgroups(struct recording *recs, const char *const *cgroups,
                               const pid_t *inits, size_t n, bool want_args,
                               enum record_attach attach, volatile sig_atomic_t *stop,
                               struct ksc_diags *diags, struct ksc_error **reterr);

/* Recording from before the containers exist (--wait): every cgroup below parent (a cgroup v2
 * directory; NULL: the hierarchy's root, for all) is recorded apart, by its own id, from now until
 * freed, so that a container that appears later is recorded from its first process on,
 * whatever cgroup its runtime makes for it. Up to 1024 cgroups are told apart; calls of
 * the ones beyond are counted. */
struct record_pending;
int record_ebpf_pending_start(const char *parent, bool want_args, enum record_attach attach,
                              struct record_pending **ret, struct ksc_diags *diags,
                              struct ksc_error **reterr);
/* From now on, tell apart the sessions of the cgroup directory cgroup (a container's, found;
 * id: its id), as record_ebpf_follow_cgroups() does: init is the container's first process.
 * 0 or -errno (-ENOSPC: more containers than the recorder tells apart). */
int
record_ebpf_pending_classify(struct record_pending *p, const char *cgroup, uint64_t id, pid_t init);
/* What the cgroup of this id has called so far, into rec: 0, -ENOENT when it
 * has called nothing, -ENOSPC when it may be among those that could not be told apart. */
int record_ebpf_pending_harvest(struct record_pending *p, uint64_t id, struct recording *rec);
void record_ebpf_pending_free(struct record_pending *p);

/* A cgroup v2 directory's id (what the kernel's helpers name it by). 0 or -errno. */
int record_cgroup_id(const char *cgroup, uint64_t *ret, struct ksc_error **reterr);
/* Whether it has processes: 1, 0, or -errno (removed). */
int record_cgroup_populated(const char *cgroup);

/* A container of a CRI runtime, as a recording follows it. */
struct record_container {
	char *id, *name, *pod, *namespace; /* pod and namespace: "" when the runtime names none */
	int pid;                           /* its first process (the runtime's verbose status), 0 */
	char *cgroup; /* that process's cgroup v2 directory here, NULL when it has none */
};

/* Which containers: the one whose id is or starts with id, or those of the pod
 * pod_namespace/pod_name, or those of the pods of pod_namespace whose labels match selector
 * (a workload's replicas; record_selector_check()'s syntax); only the ones named
 * container_name, when set. Created or running ones. endpoint NULL: the CRI client's
 * default. */
struct record_container_query {
	const char *endpoint, *id, *pod_namespace, *pod_name, *container_name, *selector;
	/* When no live container matches and the query names one (container_name, id): a
	 * match created at or after this time (the CRI's nanoseconds since the epoch) that has
	 * exited already came and went between two looks, and is -ESRCH, said. 0: not asked. */
	int64_t exited_since;
};

/* A label selector as kubectl's -l takes it, equality-based: requirements separated by
 * commas, each KEY=VALUE, KEY==VALUE, KEY!=VALUE, KEY (the label is set) or !KEY (it is
 * not). 0, or -EINVAL with the requirement that is none of these. */
int record_selector_check(const char *selector, struct ksc_error **reterr);

/* Ask the runtime for the live containers q names. 0 with *ret (free with
 * record_containers_free()), -ENOENT when none matches, -ESRCH when none does but one
 * exited since q->exited_since, -EINVAL when an id prefix matches several, or the client's
 * error; each with a message. */
int record_find_containers(const struct record_container_query *q, struct record_container **ret,
                           size_t *ret_n, struct ksc_error **reterr);
void record_containers_free(struct record_container *v, size_t n);

/* The cgroup v2 directory a process is in, on this machine's hierarchy: 0, or -ENOENT when it
 * is at the root or in none (a cgroup v1 runtime's), or -errno. */
int record_process_cgroup(pid_t pid, char *buf, size_t size);
/* The same for a container's first process, and only a cgroup of its own: -EEXIST when its
 * parent (the runtime's shim, a monitor) is in the same one, as when a runtime on cgroup v1
 * leaves its processes where it was started, a service's or a user's session cgroup, which
 * a recording must not take for the container's. */
int record_container_cgroup(pid_t pid, char *buf, size_t size);
/* A process's parent, from /proc/PID/stat; 0 when it is gone. */
pid_t record_parent_pid(pid_t pid);

/* A command as sessions are named by it: up to RECORDING_COMMAND_ARGS arguments, each
 * NUL-terminated within RECORDING_COMMAND_ARG bytes, the rest zero. */
struct record_command {
	char argv[RECORDING_COMMAND_ARGS][RECORDING_COMMAND_ARG];
};
/* Its session key: FNV-1a over its 64-bit words, bit 1 set (the BPF program's hash). */
uint64_t record_command_hash(const struct record_command *c);

/* A process already in a recorded cgroup, and its session: 0, the container's own, or the
 * hash of the command of the topmost process of its tree in the cgroup. */
struct record_seed {
	uint32_t tgid;
	uint64_t session;
	struct record_command command; /* when session is not 0 */
};
/* The processes of a cgroup v2 directory and of those below it, with their sessions: the
 * process tree of init (the container's first process) is its own; with init 0 or not
 * there, all are. 0 with *ret (free()), or -errno. */
int record_sessions_scan(const char *cgroup, pid_t init, struct record_seed **ret, size_t *ret_n);

/* Add what an OCI runtime ("runc" or "crun") calls itself after it installs the filter and
 * before the workload's execve, on this machine's arch. 0, or -EINVAL for another name. */
int record_add_runtime_baseline(struct recording *rec, const char *runtime);

/* How many syscall names containerd's RuntimeDefault allows here (some conditionally), for
 * Kubernetes' default capabilities; 0 when it cannot be expanded. */
size_t record_runtime_default_allowed(void);

/* Internal to the recorders: a launched child that cannot go on reports what failed and
 * errno on fd (a close-on-exec pipe) before it exits; the parent turns the report into an
 * error in diags once the child is gone. */
void record_child_report(int fd, const char *what, int err);
int record_child_diag(int fd, struct ksc_diags *diags);
