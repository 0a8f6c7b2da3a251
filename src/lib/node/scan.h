/* SPDX-License-Identifier: Apache-2.0 */
/*
 * node scan: every running container of a CRI runtime, the seccomp its runtime spec carries,
 * the filters the kernel holds for its main process, and a verdict: does the kernel's
 * program decide as the spec says, and as the Localhost file says today?
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "cri/cri.h"
#include "kube/ocirt.h"

enum scan_verdict {
	SCAN_OK = 0,
	SCAN_UNCONFINED,        /* the spec carries no seccomp */
	SCAN_PRIVILEGED,        /* privileged: the runtime applies none */
	SCAN_FILTER_DIFFERS,    /* the kernel's program does not decide as the spec's profile */
	SCAN_LOCALHOST_CHANGED, /* the installed file no longer decides as the running filter */
	SCAN_LOCALHOST_MISSING, /* the installed file is gone */
	SCAN_UNKNOWN,           /* the process could not be read (detail says why) */
	_SCAN_VERDICT_MAX,
};

/* "ok", "unconfined", "privileged", "filter-differs", "localhost-changed",
 * "localhost-missing", "unknown". */
const char *scan_verdict_name(enum scan_verdict v);
/* The reverse: 0 with *ret, or -EINVAL. */
int scan_verdict_parse(const char *name, enum scan_verdict *ret);

enum scan_seccomp {
	SCAN_SECCOMP_RUNTIME_DEFAULT = 0, /* as the CRI numbers them */
	SCAN_SECCOMP_UNCONFINED,
	SCAN_SECCOMP_LOCALHOST,
	SCAN_SECCOMP_NOT_SAID, /* the runtime does not say what the kubelet asked for */
};

/* "RuntimeDefault", "Unconfined", "Localhost"; NULL for SCAN_SECCOMP_NOT_SAID. */
const char *scan_seccomp_name(enum scan_seccomp s);

struct scan_row {
	char *id, *namespace, *pod, *container, *image;
	enum scan_seccomp seccomp; /* what the kubelet asked for */
	char *localhost;           /* its Localhost path, or NULL */
	bool spec_seccomp;         /* the runtime spec carries linux.seccomp */
	char runtime[8];           /* "runc", "crun": how the filter was built */
	bool privileged, no_new_privs;
	int pid;
	int mode;    /* /proc/PID/status Seccomp: 0, 1, 2; -1 unknown */
	int filters; /* Seccomp_filters; -1 unknown */
	enum scan_verdict verdict;
	char *detail; /* why, for anything but ok (NULL for ok) */
};

struct scan_opts {
	enum ksc_arch native; /* KSC_ARCH_NONE: this machine's */
};

/* Every running container of the runtime behind c. 0 with *ret (n rows, sorted by namespace,
 * pod, container), or -errno with a message. A container whose process cannot be read gets
 * SCAN_UNKNOWN, not an error. */
int node_scan_cri(struct cri *c, const struct scan_opts *o, struct scan_row **ret, size_t *ret_n,
                  struct ksc_error **reterr);

/* The row of one container from its verbose status (the runtime's info JSON, untrusted):
 * *ret_spec the spec's linux.seccomp as JSON, NULL when it has none. 0, with row->verdict
 * SCAN_UNKNOWN and its detail when the status does not say enough; -ENOMEM. The row's
 * strings are freed by scan_rows_free(). */
int
node_scan_row_from_status(const struct cri_container *st, struct scan_row *row, char **ret_spec);

void scan_rows_free(struct scan_row *rows, size_t n);

struct node_opts;

/* The same for the local node's pods (kseccomp apply) run by the host, runc and crun
 * executors: the seccomp each container was started with (recorded by its monitor), its
 * processes from the pod's cgroup. Pods of the containerd executor are scanned over the CRI
 * (node_scan_cri()) and left out here. */
int node_scan_local(const struct node_opts *no, const struct scan_opts *o, struct scan_row **ret,
                    size_t *ret_n, struct ksc_error **reterr);

/* One process of a container (scan_processes()). */
enum scan_proc_verdict {
	SCAN_PROC_MAIN = 0, /* the container's main process */
	SCAN_PROC_SAME,     /* as many filters as the main process */
	SCAN_PROC_EXTRA,    /* more: it (or a parent) added a filter of its own */
	SCAN_PROC_ESCAPED,  /* fewer: it does not run under its container's filter */
};

const char *scan_proc_verdict_name(enum scan_proc_verdict v);

struct scan_proc {
	int pid;
	char comm[32]; /* control characters as '?' */
	int filters;   /* Seccomp_filters, -1 unknown */
	bool no_new_privs;
	enum scan_proc_verdict verdict;
};

/* Every process of the container whose main process is main_pid: those in its cgroup, and,
 * when it has a pid namespace other than ours, those in that namespace (an exec'd process
 * joins both; one entered with nsenter may join only the namespace) but for its init when
 * that is not main_pid (a pod's sandbox, with shareProcessNamespace) and those in the
 * cgroups of the `others` (the pod's other containers' main processes). Sorted by pid,
 * the main one first. 0 with *ret, or -errno. */
int scan_processes(int main_pid, const int *others, size_t n_others, struct scan_proc **ret,
                   size_t *ret_n);
