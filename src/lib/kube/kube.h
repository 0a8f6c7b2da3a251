/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kube: which seccomp profile each container of a Kubernetes workload gets.
 *
 *   manifests   YAML or JSON streams, `kind: List`, Pods and the pod templates of workloads
 *   validation  the API server's checks of seccompProfile fields and annotations
 *   resolution  the kubelet's getSeccompProfile(), then the runtime side as containerd does it
 *   admission   Pod Security Admission's seccompProfile checks, baseline and restricted
 */
#pragma once

#include "kseccomp.h"
#include "doc.h"
#include "ocirt.h"

enum kube_container_kind {
	KUBE_CONTAINER = 0,
	KUBE_INIT,      /* initContainers */
	KUBE_SIDECAR,   /* initContainers with restartPolicy: Always */
	KUBE_EPHEMERAL, /* ephemeralContainers */
};

/* A securityContext.seccompProfile as written. Strings are borrowed from the document. */
struct kube_seccomp {
	bool set;              /* present and not null */
	const char *type;      /* NULL when the key is absent */
	bool has_localhost;    /* localhostProfile present and not null */
	const char *localhost; /* its value */
	unsigned line, column;
};

struct kube_container {
	const char *name;
	enum kube_container_kind kind;
	const char *list; /* "containers", "initContainers", "ephemeralContainers" */
	size_t index;
	struct kube_seccomp seccomp;
	bool has_security_context;
	bool privileged;
	bool allow_privilege_escalation_set, allow_privilege_escalation;
	uint64_t caps_add, caps_drop; /* capabilities.add / drop ("ALL" sets every bit) */
	/* the same lists as written, NULL-terminated, NULL when absent: the kubelet hands
	 * them to the runtime as they are, and their order is the order of the runtime's
	 * capability rules */
	const char **cap_add_names, **cap_drop_names;
	int64_t run_as_user, run_as_group; /* -1 when absent (the pod's, then the image's) */
	const char *image;                 /* NULL when absent */
	const char **command;              /* NULL-terminated, NULL when absent */
	const char **args;
	/* the commands of its exec probes: livenessProbe, readinessProbe, startupProbe's
	 * exec.command (the kubelet runs them in the container, as an exec), NULL when absent */
	const char **probe_commands[3];
	unsigned line, column;
};

struct kube_annotation {
	const char *key;
	const char *value;
	unsigned line, column;
};

struct kube_pod {
	const char *file;
	const char *kind;          /* Pod, Deployment, CronJob, PodTemplate, ... */
	const char *name;          /* the object's metadata.name, "" when absent */
	const char *generate_name; /* its metadata.generateName, "" when absent */
	const char *namespace;     /* "" when absent */
	char *spec_path;           /* "spec", "spec.template.spec", ... (owned) */
	bool is_pod;               /* a Pod (created as such: ephemeral containers forbidden) */
	/* read back from a cluster (metadata.resourceVersion or uid, or a status): checked as an
	 * update, whose rules differ from a create's */
	bool existing;
	struct kube_seccomp seccomp;
	bool has_security_context;
	const char *os;             /* spec.os.name, NULL when absent */
	const char *restart_policy; /* spec.restartPolicy: Always (default), OnFailure, Never */
	int64_t run_as_user, run_as_group;   /* spec.securityContext's, -1 when absent */
	struct kube_annotation *annotations; /* only the seccomp ones */
	size_t n_annotations;
	struct kube_container *containers;
	size_t n_containers;
	unsigned line, column;
	/* the document's nodes (owned by the manifest): the pod spec (NULL when absent) and
	 * the metadata of the pod (a workload's template metadata; NULL when absent) */
	const struct ksc_node *spec_node, *meta_node;
};

struct kube_manifest {
	struct ksc_doc *doc;
	struct kube_pod *pods;
	size_t n_pods;
	size_t n_other; /* objects that carry no pod (Services, ConfigMaps, ...) */
};

/* The largest manifest file read (a file, or standard input, may hold many objects). */
#define KUBE_MANIFEST_MAX_BYTES (64u * 1024u * 1024u)

/* Read manifests ("-": standard input). Returns 0 or -errno with "FILE:LINE:COL: reason". */
int kube_manifest_read(const char *path, struct kube_manifest **ret, struct ksc_error **reterr);
int kube_manifest_parse(const char *name, const char *buf, size_t len, struct kube_manifest **ret,
                        struct ksc_error **reterr);
void kube_manifest_free(struct kube_manifest *m);

static inline void
kube_manifest_freep(struct kube_manifest **m)
{
	kube_manifest_free(*m);
}

/* One API validation error: "PATH: TYPE: DETAIL" as the API server words it. */
struct kube_error {
	unsigned line, column;
	char *text;
};

/* The API server's checks of a pod that decide what runs (ValidatePodCreate for a Pod, the
 * template validation otherwise): the object's and the containers' names, and the seccomp
 * fields and annotations. Appends to *errors; returns 0 or -ENOMEM. */
int kube_validate(const struct kube_pod *pod, struct kube_error **errors, size_t *n_errors);

/* The API server's warnings for the pod (pkg/api/pod/warnings.go), those about seccomp:
 * a deprecated seccomp annotation without the field, with its words and what it means on a
 * node. Appends to *warnings; returns 0 or -ENOMEM. */
int kube_warnings(const struct kube_pod *pod, struct kube_error **warnings, size_t *n_warnings);

void kube_errors_free(struct kube_error *errors, size_t n);

enum kube_profile_type {
	KUBE_PROFILE_UNCONFINED = 0,
	KUBE_PROFILE_RUNTIME_DEFAULT,
	KUBE_PROFILE_LOCALHOST,
};

/* What the kubelet sends the runtime for a container (CRI SecurityProfile), or its error. */
struct kube_kubelet_result {
	enum kube_profile_type type;
	char *localhost_ref; /* absolute, for Localhost */
	char *error;         /* the kubelet refuses to create the container */
	bool from_pod;       /* decided by the pod-level field */
	bool defaulted;      /* neither field: seccompDefault decided */
};

/* The kubelet's getSeccompProfile(): container field, else pod field, else RuntimeDefault
 * with seccompDefault or Unconfined; Localhost resolves to ROOT_DIR/seccomp/PROFILE. */
int
kube_kubelet_resolve(const struct kube_pod *pod, const struct kube_container *c,
                     bool seccomp_default, const char *root_dir, struct kube_kubelet_result *ret);
void kube_kubelet_result_done(struct kube_kubelet_result *r);

/* The capabilities the runtime gives the container: Kubernetes' default set + add - drop,
 * every capability for a privileged container. */
uint64_t kube_container_caps(const struct kube_container *c);

/* The runtime side (containerd's GenerateSeccompSpecOpts): what the container runs with. */
struct kube_outcome {
	bool unconfined;             /* no seccomp at all */
	struct ksc_profile *profile; /* otherwise the profile (owned) */
	char *error;                 /* "CreateContainerError: ..." when it cannot start */
	char *note;                  /* why, when not obvious ("privileged: no seccomp") */
	/* Localhost: linux.seccomp as containerd hands it to runc (the file decoded and
	 * written again by Go's encoding/json), or NULL */
	char *spec;
	/* The node takes the profile while kseccomp's own checks refuse it (the note says
	 * both): profile is what the runtime enforces, NULL when kseccomp cannot model it. */
	bool kseccomp_refuses;
};

/* The node's runtime side, what the outcome is modelled on. */
struct kube_runtime {
	enum ksc_arch arch;
	bool seccomp_enabled;           /* false: a node whose kernel has no seccomp */
	const char *containerd_version; /* whose RuntimeDefault; NULL: the flavour's template */
	struct kube_oci oci;            /* the OCI runtime containerd runs the container with */
};

int kube_runtime_outcome(const struct kube_pod *pod, const struct kube_container *c,
                         const struct kube_kubelet_result *k, const struct kube_runtime *rt,
                         struct kube_outcome *ret);
void kube_outcome_done(struct kube_outcome *o);

/* containerd's GenerateSeccompSpecOpts() on what the CRI carries: a SecurityProfile (type
 * and LocalhostRef) or, from older kubelets, a legacy profile string. */
enum kube_cri_type {
	KUBE_CRI_UNSET = 0,
	KUBE_CRI_RUNTIME_DEFAULT,
	KUBE_CRI_UNCONFINED,
	KUBE_CRI_LOCALHOST,
};

enum kube_cri_decision {
	KUBE_CRI_NO_SECCOMP = 0,
	KUBE_CRI_DEFAULT_PROFILE,
	KUBE_CRI_LOAD_FILE, /* *ret_text: the file to load */
	KUBE_CRI_ERROR,     /* *ret_text: containerd's error */
};

/* legacy: NULL unless the legacy string form is used. Returns the decision; *ret_text is
 * owned by the caller (NULL when there is none), or -ENOMEM. */
int kube_cri_seccomp(enum kube_cri_type type, const char *localhost_ref, const char *legacy,
                     bool privileged, bool seccomp_enabled, char **ret_text);

enum kube_psa_level {
	KUBE_PSA_BASELINE = 1,
	KUBE_PSA_RESTRICTED,
};

/* "container", "init", "sidecar", "ephemeral". */
const char *kube_container_kind_name(enum kube_container_kind kind);
