/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Whether the node's runtime can start a container under the profile it gets: the calls
 * runc or crun make after installing the filter (kube/startup.h). apply refuses a pod whose
 * container would not start (unless forced), and the monitor says why in the pod's events
 * when it starts one anyway.
 */
#include <stdio.h>
#include <stdlib.h>

#include "executor.h"
#include "kube/startup.h"
#include "oci.h"

/* The runtime the executor runs containers with: the runc or crun installed here (containerd
 * runs runc); the host executor follows runc's rules. */
static struct kube_oci
executor_runtime(const struct node_opts *o)
{
	struct kube_oci oci = KUBE_OCI_RUNC_NEWEST;

	if (o->executor != EXECUTOR_HOST)
		(void)oci_installed_version(
		        o->executor == EXECUTOR_CRUN ? EXECUTOR_CRUN : EXECUTOR_RUNC, &oci);
	return oci;
}

int
node_predict_start_profile(const struct node_opts *o, const struct kube_container *c,
                           const struct ksc_profile *profile, char **ret_message)
{
	/* the host executor's container is started by kseccomp's own launcher */
	struct kube_oci launcher = o->executor == EXECUTOR_HOST
	                                   ? (struct kube_oci){ KUBE_OCI_KSECCOMP, 0, 0, 0 }
	                                   : executor_runtime(o);
	struct kube_startup s = { 0 };
	bool nnp = c->allow_privilege_escalation_set && !c->allow_privilege_escalation;
	char name[96];
	int r = 0;

	*ret_message = NULL;
	/* no filter, or complain mode, which lets every call through */
	if (!profile || o->complain || c->privileged)
		return 0;
	if (kube_startup_check(profile, &launcher, nnp, &s, NULL) >= 0 && !s.starts) {
		kube_startup_describe(&s, name, sizeof(name));
		if (asprintf(ret_message, "%s cannot start it: %s", name, s.message) < 0) {
			*ret_message = NULL;
			r = -ENOMEM;
		}
	}
	kube_startup_done(&s);
	return r < 0 ? r : *ret_message ? 1 : 0;
}

int
node_predict_start(const struct node_opts *o, const struct kube_pod *pod,
                   const struct kube_container *c, char **ret_message)
{
	struct kube_runtime rt = { .arch = ksc_arch_native(),
		                   .seccomp_enabled = true,
		                   .containerd_version = o->containerd_version,
		                   .oci = executor_runtime(o) };
	struct kube_kubelet_result k = { 0 };
	struct kube_outcome out = { 0 };
	int r;

	*ret_message = NULL;
	if (o->complain || c->privileged)
		return 0;
	r = kube_kubelet_resolve(pod, c, o->seccomp_default, o->root_dir, &k);
	if (r >= 0 && !k.error)
		r = kube_runtime_outcome(pod, c, &k, &rt, &out);
	/* a profile that cannot be resolved fails as the node reports it, not here */
	if (r >= 0 && !k.error && !out.error)
		r = node_predict_start_profile(o, c, out.profile, ret_message);
	kube_outcome_done(&out);
	kube_kubelet_result_done(&k);
	return r;
}

size_t
node_apply_preflight(const struct node_opts *o, const struct kube_manifest *m, const char *file,
                     struct ksc_diags *diags)
{
	size_t bad = 0;

	for (size_t i = 0; i < m->n_pods; i++) {
		const struct kube_pod *pod = &m->pods[i];

		for (size_t j = 0; j < pod->n_containers; j++) {
			const struct kube_container *c = &pod->containers[j];
			_cleanup_(freep) char *why = NULL;

			if (node_predict_start(o, pod, c, &why) <= 0)
				continue;
			(void)ksc_diags_addf(
			        diags, KSC_SEVERITY_ERROR, NULL, 0, 0, NULL,
			        "%s: pod %s, container %s: %s (its profile denies the runtime's "
			        "own "
			        "calls after the filter: see 'kseccomp profile check'; "
			        "allowPrivilegeEscalation: false lets runc install it last); "
			        "--force "
			        "applies it anyway",
			        file, pod->name, c->name, why);
			bad++;
		}
	}
	return bad;
}
