/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kube/report: what one container of a manifest runs with on a node, as `kube resolve`
 * lists it and `kube inspect` prints it: the kubelet's decision, the runtime's outcome,
 * the rules of the profile the runtime would leave out, and the row's columns.
 */
#pragma once

#include "kube.h"
#include "strbuf.h"

/* The node the containers would run on. */
struct kube_node_opts {
	const char *root_dir; /* the kubelet's root: Localhost is ROOT_DIR/seccomp/PROFILE */
	bool seccomp_default; /* the kubelet's seccompDefault */
	bool seccomp_enabled; /* false: a node whose kernel has no seccomp */
	enum ksc_arch arch;
	const char *containerd_version; /* whose RuntimeDefault; NULL: the flavour's template */
	struct kube_oci oci;            /* the OCI runtime containerd runs */
};

struct kube_report {
	const struct kube_pod *pod;
	const struct kube_container *container;
	struct kube_kubelet_result kubelet;
	struct kube_outcome outcome;
	/* The rules the runtime leaves out while the call then runs (owned; NULL when the
	 * container runs no profile), n_unenforced of them. */
	struct ksc_diags *unenforced;
	size_t n_unenforced;
	char workload[300];  /* "KIND/NAME", cut to fit */
	const char *type;    /* the TYPE column: what applies, "-" when the kubelet refuses */
	const char *profile; /* the PROFILE column: the Localhost path, "containerd default", "-" */
	const char *status;  /* the OUTCOME column: the error, the note, or ok */
	char ok[96];         /* "OK", or what the runtime leaves out */
	int exit_code;       /* the container's, when its runtime fails after starting it */
};

/* Resolve container c of pod on the node. 0, or -errno (ret is then left empty). The
 * report points into itself: it stays where it was filled in. */
int kube_report_container(const struct kube_pod *pod, const struct kube_container *c,
                          const struct kube_node_opts *node, struct kube_report *ret);
void kube_report_done(struct kube_report *r);

/* Append the report as `kube resolve -o json`'s object for the container. */
void kube_report_json(const struct kube_report *r, struct strbuf *sb);

/* The container named name, in the pod named pod (NULL: any pod). 0, -ENOENT when there is
 * none, -ENOTUNIQ when several pods have one. */
int
kube_manifest_find_container(const struct kube_manifest *m, const char *pod, const char *name,
                             const struct kube_pod **ret_pod, const struct kube_container **ret_c);

/* "Unconfined", "RuntimeDefault", "Localhost". */
const char *kube_profile_type_name(enum kube_profile_type t);
/* "baseline", "restricted". */
const char *kube_psa_level_name(enum kube_psa_level level);
