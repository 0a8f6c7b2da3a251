/* SPDX-License-Identifier: Apache-2.0 */
/*
 * node: the local node's shared pieces. Where its state lives (node_opts), the kubelet's
 * root, the executors' names, and the pod cgroups that let audit records and `delete` find
 * every process of a pod.
 *
 * The node module (src/lib/node/) never prints or exits in the calling process; what the
 * CLI used to print as warnings comes back as diagnostics.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "macro.h"

enum executor {
	EXECUTOR_HOST = 0,
	EXECUTOR_RUNC,
	EXECUTOR_CRUN,
	EXECUTOR_CONTAINERD, /* a CRI runtime: the node speaks to it as the kubelet does */
};

struct node_opts {
	const char *state;    /* pods live in STATE/pods/NAME */
	const char *root_dir; /* the kubelet root: Localhost profiles are ROOT/seccomp/... */
	const char *store;    /* the image store */
	enum executor executor;
	bool executor_set;
	bool seccomp_default;
	unsigned long host_namespaces; /* CLONE_NEW* for the host executor */
	const char *runtime_endpoint;  /* the CRI socket of the containerd executor */
	/* whose RuntimeDefault the host, runc and crun executors give (NULL: the latest) */
	const char *containerd_version;
	bool complain; /* apply --complain: Localhost profiles in complain mode */
};

/* Fill what was not given: $KSECCOMP_STATE_DIR, /run/kseccomp for root,
 * $XDG_RUNTIME_DIR/kseccomp otherwise; node_kubelet_root(); the image store's default;
 * $KSECCOMP_RUNTIME, else runc when installed (and running as root), else host; the CRI
 * endpoint from $CONTAINER_RUNTIME_ENDPOINT, else containerd's socket. The strings it fills
 * in stay valid for the process's life. */
void node_opts_defaults(struct node_opts *o);

/* The kubelet's root: $KSECCOMP_ROOT_DIR, /var/lib/kubelet for root, else
 * $XDG_DATA_HOME/kseccomp/kubelet (~/.local/share/kseccomp/kubelet). buf when it is
 * built there. */
const char *node_kubelet_root(char *buf, size_t size);

/* snprintf() for paths under the state directory, whose length node_opts_defaults() bounds
 * (names are at most 253 bytes), so that they cannot be cut short. */
_printf_(3, 4) void pathf(char *buf, size_t size, const char *fmt, ...);

/* This machine's name (uname's nodename), as the pods' NODE. */
void node_name(char *buf, size_t size);

/* A time as RFC 3339 in UTC ("2026-11-23T18:03:12Z"), as Kubernetes writes times. */
void node_format_rfc3339(int64_t t, char *buf, size_t size);

const char *executor_name(enum executor e);
/* "host", "runc", "crun": 0, or -EINVAL. */
int executor_parse(const char *name, enum executor *ret);
/* The runtime's binary on $PATH, or NULL. */
const char *executor_binary(enum executor e, char *buf, size_t size);

/* The node's cgroup: "kseccomp" for /run/kseccomp, "kseccomp-HASH" for another state dir. */
void node_cgroup_slice(const char *state, char *buf, size_t size);
/* The cgroup (v2) of a pod's container: CGROUP2/SLICE/POD/CONTAINER (CONTAINER NULL: the
 * pod's). Returns 0, or -ENOENT when there is no writable cgroup2 hierarchy. */
int
pod_cgroup_path(const char *state, const char *pod, const char *container, char *buf, size_t size);
/* The same, created with its parents. 0 or -errno. */
int pod_cgroup_create(const char *state, const char *pod, const char *container, char *buf,
                      size_t size);
/* Kill every process of a pod's cgroup and remove it. 0 or -errno. */
int pod_cgroup_destroy(const char *state, const char *pod);
/* The pids in a container's cgroup (cgroup.procs), in its order; *ret is freed by the caller
 * (NULL with none). 0, or -errno (-ENOENT: no such cgroup). */
int pod_cgroup_pids(const char *state, const char *pod, const char *container, int64_t **ret,
                    size_t *ret_n);

/* Which local pod and container a process belongs to: from /proc/PID/cgroup while it lives,
 * then from the pods' pid records. 0 when found, -ENOENT otherwise. */
int node_attribute_pid(const char *state, int64_t pid, char *pod, size_t pod_size, char *container,
                       size_t container_size);

/* The OCI linux.seccomp a runtime receives for a (resolved) profile: architectures as
 * given, Docker's extensions gone. 0 or -ENOMEM. */
struct ksc_profile;
int oci_seccomp_json(const struct ksc_profile *profile, char **ret_text, size_t *ret_len);

/* Free an array of n strings and the array. */
void node_names_free(char **v, size_t n);
