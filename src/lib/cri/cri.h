/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cri: a client of the Container Runtime Interface (runtime.v1) as the kubelet speaks it to
 * containerd or CRI-O: gRPC on the runtime's unix socket (grpc.c), messages written and read
 * by this file from the API's field numbers (pb.c). The calls the local node and the node
 * scanner need: Version; RunPodSandbox, StopPodSandbox, RemovePodSandbox, ListPodSandbox;
 * CreateContainer, StartContainer, StopContainer, RemoveContainer, ListContainers and
 * ContainerStatus (verbose: the runtime's own view, for containerd the OCI spec it gave the
 * OCI runtime).
 *
 * Requests are written from plain structs (cri_encode_*(), usable without a runtime); answers
 * are read into structs the caller frees (cri_decode_*(), which check every length and are
 * fuzzed). A call that fails carries the method and the runtime's message:
 * "CreateContainer: failed to create containerd container: ... (gRPC UNKNOWN)".
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "pb.h"

/* What the kubelet uses when nothing is configured, and crictl's first guess. */
#define CRI_DEFAULT_ENDPOINT "unix:///run/containerd/containerd.sock"

enum cri_ns_mode {
	CRI_NS_POD = 0,
	CRI_NS_CONTAINER = 1,
	CRI_NS_NODE = 2,
	CRI_NS_TARGET = 3,
};

enum cri_profile_type {
	CRI_PROFILE_RUNTIME_DEFAULT = 0,
	CRI_PROFILE_UNCONFINED = 1,
	CRI_PROFILE_LOCALHOST = 2,
};

enum cri_container_state {
	CRI_CONTAINER_CREATED = 0,
	CRI_CONTAINER_RUNNING = 1,
	CRI_CONTAINER_EXITED = 2,
	CRI_CONTAINER_UNKNOWN = 3,
};

enum cri_pod_state {
	CRI_POD_READY = 0,
	CRI_POD_NOTREADY = 1,
};

struct cri_kv {
	const char *key, *value;
};

/* A seccomp or AppArmor profile as the CRI carries it (SecurityProfile). Not set: the field
 * is left out, which the runtime reads as RuntimeDefault (the enum's zero). */
struct cri_profile {
	bool set;
	enum cri_profile_type type;
	const char *localhost_ref; /* CRI_PROFILE_LOCALHOST: an absolute path */
};

struct cri_namespaces {
	enum cri_ns_mode network, pid, ipc;
};

/* The pod: PodSandboxConfig, as far as kseccomp sets it. */
struct cri_pod_config {
	const char *name, *uid, *namespace;
	uint32_t attempt;
	const char *hostname;      /* NULL on the host network: runc refuses it there */
	const char *log_directory; /* absolute; containers' log_path is relative to it */
	const struct cri_kv *labels, *annotations;
	size_t n_labels, n_annotations;
	const char *cgroup_parent;
	struct cri_namespaces ns;
	bool privileged;
	bool readonly_rootfs;
	bool has_run_as_user, has_run_as_group;
	int64_t run_as_user, run_as_group;
	struct cri_profile seccomp;
};

/* A container: ContainerConfig, as far as kseccomp sets it. */
struct cri_container_config {
	const char *name;
	uint32_t attempt;
	const char *image;
	const char *const *command, *const *args;
	size_t n_command, n_args;
	const char *working_dir;
	const struct cri_kv *envs, *labels, *annotations;
	size_t n_envs, n_labels, n_annotations;
	const char *log_path; /* relative to the pod's log_directory */
	/* linux.security_context */
	const char *const *add_caps, *const *drop_caps;
	size_t n_add_caps, n_drop_caps;
	bool privileged, no_new_privs, readonly_rootfs;
	struct cri_namespaces ns;
	bool has_run_as_user, has_run_as_group;
	int64_t run_as_user, run_as_group;
	const char *run_as_username;
	struct cri_profile seccomp;
};

struct cri_labels {
	char **keys, **values;
	size_t n;
};

/* A container as ListContainers and ContainerStatus describe it. */
struct cri_container {
	char *id, *pod_sandbox_id;
	char *name;
	uint32_t attempt;
	char *image, *image_ref;
	enum cri_container_state state;
	int64_t created_at, started_at, finished_at; /* nanoseconds since the epoch */
	int32_t exit_code;
	char *reason, *message, *log_path;
	struct cri_labels labels, annotations;
	/* ContainerStatus with verbose: the runtime's "info" (for containerd a JSON object
	 * whose runtimeSpec is the OCI spec it created), or NULL; info_is_json when it reads
	 * as one JSON document (a string to quote otherwise) */
	char *info;
	bool info_is_json;
};

struct cri_pod {
	char *id, *name, *uid, *namespace;
	uint32_t attempt;
	enum cri_pod_state state;
	int64_t created_at;
	struct cri_labels labels, annotations;
	char *runtime_handler;
};

struct cri_version {
	char *version, *runtime_name, *runtime_version, *runtime_api_version;
};

const char *cri_container_state_name(enum cri_container_state s);
const char *cri_pod_state_name(enum cri_pod_state s);
/* The value of key, or NULL. */
const char *cri_labels_get(const struct cri_labels *l, const char *key);

void cri_container_done(struct cri_container *c);
void cri_containers_free(struct cri_container *v, size_t n);
void cri_pod_done(struct cri_pod *p);
void cri_pods_free(struct cri_pod *v, size_t n);
void cri_version_done(struct cri_version *v);

/* Requests, written without a runtime (the tests read them back). */
void cri_encode_pod_config(struct pb_buf *b, const struct cri_pod_config *pod);
void cri_encode_container_config(struct pb_buf *b, const struct cri_container_config *c);

/* What a decoded answer may hold: every item is a struct and every label two strings, so
 * a small message of empty entries would otherwise take far more memory than its size.
 * Kubernetes bounds a pod's labels and annotations (256 KiB in all); a node runs a few
 * hundred pods. */
#define CRI_MAX_ITEMS  65536u /* containers or pods in a list */
#define CRI_MAX_LABELS 4096u  /* labels or annotations of one object */

/* Answers: 0, -EBADMSG (not the message), -E2BIG (over the bounds above), -ENOMEM. What
 * they fill is the caller's to free (cri_*_done()), also after a failure. */
int cri_decode_version(const uint8_t *data, size_t len, struct cri_version *ret);
int cri_decode_container(const uint8_t *data, size_t len, struct cri_container *ret);
int cri_decode_container_status(const uint8_t *data, size_t len, struct cri_container *ret);
int
cri_decode_containers(const uint8_t *data, size_t len, struct cri_container **ret, size_t *ret_n);
int cri_decode_pods(const uint8_t *data, size_t len, struct cri_pod **ret, size_t *ret_n);

struct cri;

/* Connect to a runtime's CRI endpoint (see grpc_connect()); timeout_ms bounds each call. */
int
cri_connect(const char *endpoint, unsigned timeout_ms, struct cri **ret, struct ksc_error **reterr);
void cri_close(struct cri *c);

static inline void
cri_closep(struct cri **c)
{
	cri_close(*c);
}

const char *cri_endpoint(const struct cri *c);

int cri_version(struct cri *c, struct cri_version *ret, struct ksc_error **reterr);
int cri_run_pod_sandbox(struct cri *c, const struct cri_pod_config *pod,
                        const char *runtime_handler, char **ret_id, struct ksc_error **reterr);
int cri_stop_pod_sandbox(struct cri *c, const char *id, struct ksc_error **reterr);
int cri_remove_pod_sandbox(struct cri *c, const char *id, struct ksc_error **reterr);
/* Every pod sandbox, or those of one id (NULL: all). */
int cri_list_pod_sandbox(struct cri *c, const char *id, struct cri_pod **ret, size_t *ret_n,
                         struct ksc_error **reterr);
int
cri_create_container(struct cri *c, const char *pod_id, const struct cri_container_config *cfg,
                     const struct cri_pod_config *pod, char **ret_id, struct ksc_error **reterr);
int cri_start_container(struct cri *c, const char *id, struct ksc_error **reterr);
int cri_stop_container(struct cri *c, const char *id, int64_t timeout_s, struct ksc_error **reterr);
int cri_remove_container(struct cri *c, const char *id, struct ksc_error **reterr);
/* Every container, or those of one pod sandbox (pod_id not NULL). */
int cri_list_containers(struct cri *c, const char *pod_id, struct cri_container **ret,
                        size_t *ret_n, struct ksc_error **reterr);
int cri_container_status(struct cri *c, const char *id, bool verbose, struct cri_container *ret,
                         struct ksc_error **reterr);
