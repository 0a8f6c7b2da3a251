/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The OCI side of the runc and crun executors: the bundle a runtime runs, and the runtime's
 * own commands on a container (kill, delete).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kube/ocirt.h"
#include "node.h"

/* Write BUNDLE/config.json for runc or crun: the container's process (argv, user,
 * capabilities, no_new_privs), the image's rootfs, pid/ipc/uts/mount namespaces (the host's
 * network, as a hostNetwork pod), the cgroup path, and linux.seccomp from seccomp_json
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

/* The OCI runtime's state root for this node: STATE/RUNTIME. */
void oci_runtime_root(const char *state, enum executor e, char *buf, size_t size);

/* The release of runc or crun installed here (`BINARY --version`), remembered for the
 * process: 0, -ENOENT when it is not installed, -EINVAL when its answer has no version. */
int oci_installed_version(enum executor e, struct kube_oci *ret);
/* A container's id for the runtime (and the agent's state): POD_CONTAINER. */
void oci_container_id(const char *pod, const char *container, char *buf, size_t size);
/* runc/crun delete --force ID, or kill ID SIGNAL: the runtime's side of a container, run to
 * completion with its output discarded. */
void oci_command(const char *state, enum executor e, const char *id, const char *verb,
                 const char *signal_name);
