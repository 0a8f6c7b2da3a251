/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the pod verbs share (pods.c): the options every one of them takes and kubectl's way
 * of showing ages and times. The verbs are one file each: apply.c, get.c, describe.c,
 * logs.c, delete.c; the pods themselves are the node module's (src/lib/node/pods.h).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "node/node.h"
#include "node/pods.h"
#include "record/record.h"

enum {
	OPT_STATE_DIR = 0x100,
	OPT_ROOT_DIR,
	OPT_IMAGE_STORE,
	OPT_RUNTIME,
	OPT_SECCOMP_DEFAULT,
	OPT_WAIT,
	OPT_NOW,
	OPT_GRACE,
	OPT_NAMESPACES,
	OPT_RUNTIME_ENDPOINT,
	OPT_CONTAINERD_VERSION,
	OPT_COMPLAIN,
	OPT_FORCE,
};

#define NODE_OPTIONS_HELP                                                                       \
	"      --state-dir DIR     the pods' state (default: /run/kseccomp for root,\n"         \
	"                          $XDG_RUNTIME_DIR/kseccomp otherwise; $KSECCOMP_STATE_DIR)\n" \
	"  -h, --help              show this help\n"

/* An option of node_opts (--state-dir, --root-dir, --image-store, --runtime,
 * --seccomp-default): 0 when taken, a usage error's status, or -1 when c is none of them. */
int pods_option(int c, const char *arg, struct node_opts *o, const char *command);

/* "pods", "pod" or "po", as kubectl takes them. */
bool pods_word(const char *s);

/* kubectl's ages: 45s, 3m20s, 12m, 5h10m, 3d4h, 12d. */
void pods_format_age(int64_t seconds, char *buf, size_t size);
/* describe's times: "Mon, 23 Nov 2026 18:03:12 +0000", "<unknown>" for none. */
void pods_format_time(int64_t t, char *buf, size_t size);

/* --pod NAME must name a pod of the local node: records and processes are matched to pods
 * through its state, so any other name would match nothing and look like a pod without
 * activity. 0, or the exit status after saying so (with the node's pods). While following
 * (a pod may be applied after the command starts) a pod not there yet is a warning. */
int
pods_check_known(const char *command, const struct node_opts *o, const char *name, bool following);

/* describe -o json|yaml (describe-json.c): one pod as a JSON object into sb, the facts the text
 * shows (pod is its spec, NULL when it cannot be read). */
struct strbuf;
void describe_pod_json(struct strbuf *sb, const struct node_opts *o, const struct pod_row *row,
                       const struct kube_pod *pod);

/* The processes of a pod of the local node: those in its containers' cgroups. 0 with *ret
 * (malloc'd), -ENOENT when it has none, -ENOMEM. */
int pods_pids(const char *pod, pid_t **ret, size_t *ret_n);

/* The running containers of a pod of the local node (only the one called name, when not
 * NULL), each with its process's cgroup v2, for the eBPF recorder. 0 with *ret (free with
 * record_containers_free()), -ENOENT when it has none running, -ESRCH when none runs but one
 * started at or after exited_since (nanoseconds since the epoch; 0: not asked) has ended,
 * said in *reterr, -ENOMEM. */
int pods_containers(const char *pod, const char *name, int64_t exited_since,
                    struct record_container **ret, size_t *ret_n, struct ksc_error **reterr);

/* The manifest a pod of the local node was applied from, as the node keeps it, and the pod's
 * index among its objects. 0, or -ENOENT when there is no such pod. */
int pods_manifest(const char *pod, char *path, size_t size, size_t *ret_index);
