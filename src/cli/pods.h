/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The local node's shared pieces: where its state lives, the executors, the OCI bundle the
 * runc and crun executors hand to the runtime, and the pod cgroups that let audit records
 * and `delete` find every process of a pod.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "kube.h"
#include "macro.h"

enum executor {
	EXECUTOR_HOST = 0,
	EXECUTOR_RUNC,
	EXECUTOR_CRUN,
};

struct node_opts {
	const char *state;    /* pods live in STATE/pods/NAME */
	const char *root_dir; /* the kubelet root: Localhost profiles are ROOT/seccomp/... */
	const char *store;    /* the image store */
	enum executor executor;
	bool executor_set;
	bool seccomp_default;
	unsigned long host_namespaces; /* CLONE_NEW* for the host executor */
};

/* Fill what was not given: $KSECCOMP_STATE_DIR, /run/kseccomp for root,
 * $XDG_RUNTIME_DIR/kseccomp otherwise; $KSECCOMP_ROOT_DIR or /var/lib/kubelet; the image
 * store's default; $KSECCOMP_RUNTIME, else runc when installed (and running as root), else
 * host. */
void node_opts_defaults(struct node_opts *o);

/* snprintf() for paths under the state directory, whose length node_opts_defaults() bounds
 * (names are at most 253 bytes), so that they cannot be cut short. */
_printf_(3, 4) void pathf(char *buf, size_t size, const char *fmt, ...);

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

/* Which local pod and container a process belongs to: from /proc/PID/cgroup while it lives,
 * then from the pods' pid records. 0 when found, -ENOENT otherwise. */
int node_attribute_pid(const char *state, int64_t pid, char *pod, size_t pod_size, char *container,
                       size_t container_size);

/* Write BUNDLE/config.json for runc or crun: the container's process (argv, user,
 * capabilities, no_new_privs), the image's rootfs, pid/ipc/uts/mount namespaces (the host's
 * network, as a hostNetwork pod), the cgroup path, and linux.seccomp from profile_json
 * (NULL: none). Returns 0 or -errno with why filled. */
struct oci_process {
	const char *const *argv;
	const char *cwd;
	int64_t uid, gid;
	uint64_t caps;
	bool no_new_privs;
	const char *hostname;
	const char *rootfs;
	const char *cgroups_path;
	const char *seccomp_json;
	/* key, value pairs, NULL-terminated (a seccomp agent reads them); may be NULL */
	const char *const *annotations;
};
int oci_write_bundle(const char *bundle, const struct oci_process *p, char *why, size_t why_size);
