/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An executor runs a pod's containers for its monitor (monitor.c). The monitor resolves
 * what a container gets (profile, image, command, user) the same way for every executor
 * and keeps the pod's status; an executor only starts, stops and cleans up a container its
 * own way. A new executor fills a struct node_executor and is added to executors.c's table;
 * the monitor does not change.
 *
 *   host        each container is a process of the monitor (exec-host.c)
 *   runc        an OCI bundle whose linux.seccomp is the resolved profile, run by the real
 *   crun        runtime (exec-oci.c)
 *   containerd  a CRI runtime, told what the kubelet tells it: the profile's type and
 *               Localhost path, never its content; it loads the profile, the image and the
 *               command itself, and its answers are the container's (exec-cri.c)
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "kube/kube.h"
#include "node.h"
#include "pods.h"

struct node_executor;

/* apply --complain (complain.c): a container's Localhost profile in complain mode, for ex.
 * *profile (the executors that are handed it) is replaced; or, where the runtime reads the
 * file (profile NULL), a complain-mode copy is written to the pod's directory and
 * *localhost_ref names it (a file that cannot be read is left to the runtime to refuse).
 * 0, or -errno with a message. */
int node_complain_profile(const struct node_executor *ex, const char *pod_dir,
                          const char *container, struct ksc_profile **profile, char **localhost_ref,
                          struct ksc_error **reterr);

/* One start of one container: what the monitor resolved, and the executor's own state. */
struct node_launch {
	const struct node_opts *o;
	const char *dir; /* the pod's directory */
	const struct kube_pod *pod;
	const struct kube_container *c;
	struct pod_container_status *s;    /* where a failure says why */
	const struct ksc_profile *profile; /* the runtime's profile; NULL: unconfined */
	const char *rootfs;                /* the image's files */
	const char *const *argv;
	int64_t uid, gid; /* -1: the image's (root) */
	bool no_new_privs;
	const char *id;                 /* the container's id for the runtime and a seccomp agent */
	const char *const *annotations; /* containerd's, key, value pairs, NULL-terminated */
	/* runtime_resolves: the kubelet's decision, which the runtime gets instead of profile */
	const struct kube_kubelet_result *kubelet;
	void *data; /* the executor's, from prepare() to release() */
};

struct node_executor {
	enum executor id;
	/* The forked process is the runtime, whose child is the container (the monitor finds
	 * it, see adopt); false: the forked process is the container. */
	bool runtime_parent;
	/* A CRI runtime: the monitor makes only the kubelet's decisions (kubelet, argv from the
	 * container's command and args, no local image) and the runtime's answers stand. */
	bool runtime_resolves;
	/* apply: whether this node can run pods with it. 0 or -errno with why. NULL: always */
	int (*check)(const struct node_executor *ex, const struct node_opts *o,
	             struct ksc_error **reterr);
	/* In the monitor, before the fork: 0, or -1 with l->s saying why (and the event). */
	int (*prepare)(const struct node_executor *ex, struct node_launch *l);
	/* In the child, its stdout and stderr the container's log: never returns. */
	void (*exec)(const struct node_executor *ex, struct node_launch *l);
	/* In the monitor, after the fork: 0, or -1 with the child killed and reaped and l->s
	 * saying why. NULL: nothing to do */
	int (*started)(const struct node_executor *ex, struct node_launch *l, pid_t pid);
	/* Free what prepare() made. NULL: nothing */
	void (*release)(const struct node_executor *ex, struct node_launch *l);
	/* The container's own process was found (runtime_parent). NULL: nothing */
	void (*adopt)(const struct node_executor *ex, const struct node_opts *o, const char *pod,
	              const char *container, pid_t pid);
	/* Ask a running container to stop (SIGTERM). pid is the forked process. */
	void (*stop)(const struct node_executor *ex, const struct node_opts *o, const char *id,
	             pid_t pid);
	/* The grace period is over: kill what is left (the monitor then kills and reaps pid). */
	void (*kill)(const struct node_executor *ex, const struct node_opts *o, const char *id,
	             pid_t pid);
	/* The runtime's own account of a container that ended (its reason, message and exit
	 * code), over what the monitor saw of the forked process. NULL: none */
	void (*exited)(const struct node_executor *ex, const struct node_opts *o, const char *id,
	               struct pod_container_status *s);
	/* The runtime's state of a container that ended. NULL: none */
	void (*remove)(const struct node_executor *ex, const struct node_opts *o, const char *id);
	/* The pod is gone: what the runtime keeps of it (a CRI pod sandbox). NULL: nothing */
	void (*pod_done)(const struct node_executor *ex, const struct node_opts *o,
	                 const char *dir);
	/* A pod removed without its monitor: what is left of one of its containers. */
	void (*cleanup)(const struct node_executor *ex, const struct node_opts *o, const char *pod,
	                const struct pod_container_status *c);
};

extern const struct node_executor node_executor_host, node_executor_runc, node_executor_crun,
        node_executor_containerd;

/* The executor of o->executor (executors.c). */
const struct node_executor *node_executor_get(enum executor e);
