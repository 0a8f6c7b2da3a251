/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ocirt: what an OCI runtime (runc, crun, by version) does with the linux.seccomp that
 * containerd hands it: whether the container starts, the runtime's exact message when it does
 * not, and the profile it then enforces. Measured on runc 1.1.5 (Debian) and crun 1.8.1,
 * driven directly and under containerd 1.6.20; other versions from their sources, as
 * data/oci-runtimes/README.md lists.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

enum kube_oci_name {
	KUBE_OCI_RUNC = 0,
	KUBE_OCI_CRUN,
	/* kseccomp's own launcher (`run`, the local node's host executor): only its start-up
	 * calls are modelled (kube/startup.h), never parsed from a name */
	KUBE_OCI_KSECCOMP,
};

struct kube_oci {
	enum kube_oci_name name;
	unsigned major, minor, patch;
};

/* The newest release of each whose seccomp behaviour kseccomp models. */
#define KUBE_OCI_RUNC_NEWEST ((struct kube_oci){ KUBE_OCI_RUNC, 1, 5, 0 })
#define KUBE_OCI_CRUN_NEWEST ((struct kube_oci){ KUBE_OCI_CRUN, 1, 25, 0 })

/* "runc", "runc@1.1", "runc@1.1.5", "crun@1.8.1" (a name alone: its newest). 0, or -EINVAL
 * with why (at most why_size bytes) saying what is wrong. */
int kube_oci_parse(const char *text, struct kube_oci *ret, char *why, size_t why_size);

/* Whether the runtime takes seccomp flags: runc before 1.2 refuses any, even one it knows
 * ("seccomp flags are not yet supported by runc"); an empty list it takes. */
bool kube_oci_takes_flags(const struct kube_oci *rt);

/* "runc 1.1.5", "crun 1.8" (the patch level when not 0). */
void kube_oci_format(const struct kube_oci *rt, char *buf, size_t size);

/* The versions `runc --version` and `crun --version` print: "runc version 1.1.5+ds1" and
 * "crun version 1.8.1". 0, or -EINVAL. */
int kube_oci_parse_version_output(enum kube_oci_name name, const char *text, struct kube_oci *ret);

struct kube_oci_result {
	/* The container runs without any filter (runc: no default action and no rules). */
	bool no_seccomp;
	/* The runtime's refusal as containerd reports it after "OCI runtime create failed: "
	 * ("runc create failed: string SCMP_ACT_LOGG is not a valid action for seccomp"),
	 * NULL when the container starts. */
	char *error;
	/* What the runtime enforces when it starts the container, as a profile (JSON): the rules
	 * it leaves out gone (runc: rules without names), errnoRet only where the action takes
	 * one, errno values cut to 16 bits, NOTIFY without a listener as the kernel answers it
	 * (ENOSYS). NULL with error or no_seccomp. */
	char *enforced;
};

/*
 * spec: linux.seccomp as Go wrote it (go_seccomp_decode()); no_new_privs: the process's
 * (runc's messages depend on it). The listener socket is looked up on this host, as the
 * runtime would when it starts the container. 0, or -ENOMEM, or -EINVAL when spec is not
 * what Go writes.
 */
int kube_oci_seccomp(const struct kube_oci *rt, const char *spec, bool no_new_privs,
                     struct kube_oci_result *ret);
void kube_oci_result_done(struct kube_oci_result *r);
