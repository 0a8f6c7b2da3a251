/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The local node's pods: the pod store (store.c), creating and deleting pods (apply.c), and
 * the monitor that runs each pod (monitor.c, with its executors behind executor.h).
 *
 * State: STATE/pods/NAME/{pod, manifest, status, events, pids, monitor.lock, logs/C.log,
 * bundles/C/config.json}. The monitor holds monitor.lock while it lives; status is rewritten
 * atomically, so readers never see half of it.
 */
#pragma once

#include <stdbool.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "kseccomp.h"
#include "kube/kube.h"
#include "node.h"

#define POD_MAX_CONTAINERS 64
#define POD_DEFAULT_GRACE  30
/* manifests and the pod's copy of its manifest */
#define POD_MANIFEST_MAX_BYTES KUBE_MANIFEST_MAX_BYTES

/* ---------------------------------------------------------------------------------------- */
/* Status: a "pod" line and one line per container, tab-separated key=value fields           */

struct pod_container_status {
	char name[64];
	char kind[16];
	char state[16];    /* waiting, running, terminated */
	char reason[48];   /* ContainerCreating, CrashLoopBackOff, Completed, Error, ... */
	char profile[600]; /* Unconfined, RuntimeDefault, Localhost PATH */
	char message[600];
	int exit_code, signal, restarts;
	int64_t pid, started, finished;
	bool ready;
	/* the previous run, for describe's "Last State" */
	char last_reason[48];
	int last_exit, last_signal;
	int64_t last_started, last_finished;
};

struct pod_status {
	char phase[32];
	int64_t monitor, created;
	bool deleting;
	struct pod_container_status c[POD_MAX_CONTAINERS];
	size_t n;
};

/* The pod file: what apply decided, key=value lines. */
struct pod_info {
	char name[256];
	char source[PATH_MAX];
	char root_dir[PATH_MAX];
	char node[128];
	enum executor executor;
	size_t index; /* which pod of the manifest */
	bool seccomp_default;
	char containerd_version[64];     /* apply --containerd-version, "" when not given */
	char runtime_endpoint[PATH_MAX]; /* the containerd executor's CRI socket */
	bool complain;                   /* apply --complain */
};

/* What get and describe show of a pod. */
struct pod_row {
	char name[256];
	char status[96]; /* kubectl's STATUS column */
	int ready, total, restarts;
	int64_t created;
	struct pod_status st;
	struct pod_info info;
};

/* An event, as the kubelet records them. */
struct pod_event {
	int64_t time;
	char *type, *reason, *from, *message;
};

/* The status text of st (messages and profiles with tabs and newlines made spaces). */
struct strbuf;
void pod_status_format(struct strbuf *sb, struct pod_status *st);
/* Read DIR/status: 0 or -errno. */
int pod_status_read(const char *dir, struct pod_status *st);
/* Read DIR/pod: 0 or -errno (info zeroed: the host executor). */
int pod_info_read(const char *dir, struct pod_info *info);

/* Write DIR/NAME atomically, mode 0600: a reader sees the old or the new text, never a mix.
 * Whatever NAME was (a link, a FIFO) is replaced, not followed or opened. 0 or -errno. */
int pod_write_file(const char *dir, const char *name, const char *text, size_t len);
/* Remove a directory and everything beneath it (links not followed): 0 or -errno. */
int pod_rm_rf(const char *dir);

/* Append an event to DIR/events: time, type, reason, from, message. */
_printf_(4, 5) void pod_event(const char *dir, const char *type, const char *reason,
                              const char *fmt, ...);
/* Every event of DIR/events, oldest first; pod_events_free() frees them. 0 or -errno. */
int pod_events_read(const char *dir, struct pod_event **ret, size_t *ret_n);
void pod_events_free(struct pod_event *v, size_t n);
/* A container waiting to (re)start, and why. */
_printf_(3, 4) void pod_container_wait(struct pod_container_status *s, const char *reason,
                                       const char *fmt, ...);
/* The same, and the kubelet's event for it: Warning Failed "Error: MESSAGE". */
_printf_(4, 5) void pod_container_fail(const char *dir, struct pod_container_status *s,
                                       const char *reason, const char *fmt, ...);
/* Append "PID\tCONTAINER" to DIR/pids, the record node_attribute_pid() reads. */
void pod_record_pid(const char *dir, pid_t pid, const char *container);
/* DIR/grace as delete wrote it, else POD_DEFAULT_GRACE (at most an hour). */
int pod_grace_read(const char *dir);

/* STATE/pods/NAME: 0, or -EINVAL when name is not a Kubernetes name. */
int pod_dir(const struct node_opts *o, const char *name, char *buf, size_t size);
/* True while the pod's monitor lives: it holds monitor.lock. */
bool pod_monitor_alive(const char *dir);
/* The names of every pod on the node, sorted; node_names_free() frees them. */
int pod_list(const struct node_opts *o, char ***ret, size_t *ret_n);
/* A pod's row: 0, or -ENOENT when there is no such pod. */
int pod_row_load(const struct node_opts *o, const char *name, struct pod_row *row);
/* The pod's manifest as apply stored it and the pod in it (*ret_pod NULL when it cannot be
 * read again); *ret_m is freed by the caller. */
void pod_spec_load(const struct node_opts *o, const struct pod_row *row,
                   struct kube_manifest **ret_m, const struct kube_pod **ret_pod);
/* STATE/pods/NAME/logs/CONTAINER[.previous].log */
void pod_log_path(const struct node_opts *o, const char *name, const char *container, bool previous,
                  char *buf, size_t size);

/* ---------------------------------------------------------------------------------------- */
/* apply and delete                                                                            */

/* Read and parse a manifest ("-": standard input); *ret_buf keeps its text. 0 or -errno. */
int node_manifest_read(const char *file, char **ret_buf, size_t *ret_len,
                       struct kube_manifest **ret, struct ksc_error **reterr);

/* What the local node refuses in a manifest the API server accepted (kube_validate(): a pod
 * with only a generateName, duplicate pods, too many containers, no pod at all), as errors
 * in diags, and objects that are not pods, as a warning. Returns the number of errors. */
size_t node_apply_check(const struct kube_manifest *m, const char *file, struct ksc_diags *diags);

/* Whether the node's runtime can start container c of pod under the profile it gets (the
 * runtime's own calls after the filter: kube/startup.h). 0 when it can (or kseccomp cannot
 * tell: the host executor, complain mode, a profile the node refuses otherwise), 1 with
 * *ret_message saying why not (owned by the caller), -errno. */
int node_predict_start(const struct node_opts *o, const struct kube_pod *pod,
                       const struct kube_container *c, char **ret_message);
/* The same for the profile the container gets (NULL: none), already resolved. */
int node_predict_start_profile(const struct node_opts *o, const struct kube_container *c,
                               const struct ksc_profile *profile, char **ret_message);
/* apply's pre-flight: an error per container the node's runtime cannot start; how many. */
size_t node_apply_preflight(const struct node_opts *o, const struct kube_manifest *m,
                            const char *file, struct ksc_diags *diags);

/* Whether the node can run pods with o->executor: 0, or -errno with why. */
int node_executor_check(const struct node_opts *o, struct ksc_error **reterr);

enum node_apply_result {
	NODE_POD_CREATED,
	NODE_POD_UNCHANGED, /* the same manifest applied again */
};
/* Create one pod: its directory (mkdir: two applies cannot both win), its files, and its
 * monitor, a daemon; returns once the monitor has written the pod's status. source is the
 * manifest's path, buf its text. 0 with *ret, or -errno with a message. */
int node_apply_pod(const struct node_opts *o, const struct kube_pod *pod, size_t index,
                   const char *source, const char *buf, size_t len, enum node_apply_result *ret,
                   struct ksc_error **reterr);

/* Ask for a pod's deletion: the monitor stops its containers within grace seconds and
 * removes it; with no monitor alive, it is removed here. 0, -ENOENT when there is no such
 * pod, or -errno with a message. */
int
node_delete_pod(const struct node_opts *o, const char *name, int grace, struct ksc_error **reterr);
/* Wait until the pod is gone (removing what a dead or hung monitor left); 0, or -EBUSY with
 * "pod NAME: DIR is left behind". */
int
node_delete_wait(const struct node_opts *o, const char *name, int grace, struct ksc_error **reterr);

/* Remove what is left of a pod: its containers as its executor keeps them, its cgroups and
 * its directory. */
void node_pod_cleanup(const struct node_opts *o, const char *dir, const char *name);

/* Start a pod's monitor as a daemon (double fork, new session); 0 once its status exists,
 * or -errno. */
int node_monitor_spawn(const char *dir, const struct node_opts *o, const struct kube_pod *pod);
