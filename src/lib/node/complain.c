/* SPDX-License-Identifier: Apache-2.0 */
/*
 * apply --complain: a pod's Localhost profiles run in complain mode (ksc_profile_complain()):
 * every call the profile would deny is logged by the kernel and let through, every other
 * decision stays. `kseccomp audit --against PROFILE --pod NAME` then lists what enforcing
 * would deny. RuntimeDefault and Unconfined containers run as they would.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "executor.h"
#include "oci.h"

/* The runtime the profile is for, and whether it takes seccomp flags. */
static void
complain_runtime(const struct node_executor *ex, struct ksc_complain_opts *opts, char *name,
                 size_t size)
{
	struct kube_oci oci = KUBE_OCI_RUNC_NEWEST;

	if (ex->id == EXECUTOR_HOST) {
		/* kseccomp installs the filter itself: every flag the kernel has */
		snprintf(name, size, "kseccomp");
		opts->no_flags = false;
	} else {
		/* runc and crun here, or the runc containerd runs */
		(void)oci_installed_version(ex->id == EXECUTOR_CRUN ? EXECUTOR_CRUN : EXECUTOR_RUNC,
		                            &oci);
		kube_oci_format(&oci, name, size);
		opts->no_flags = !kube_oci_takes_flags(&oci);
	}
	opts->runtime = name;
}

int
node_complain_profile(const struct node_executor *ex, const char *pod_dir, const char *container,
                      struct ksc_profile **profile, char **localhost_ref, struct ksc_error **reterr)
{
	_cleanup_(ksc_profile_freep) struct ksc_profile *original = NULL, *complain = NULL;
	_cleanup_(freep) char *json = NULL;
	struct ksc_complain_opts opts = { 0 };
	char runtime[64], name[128], path[PATH_MAX], abs_dir[PATH_MAX];
	size_t len = 0;
	int r;

	complain_runtime(ex, &opts, runtime, sizeof(runtime));
	if (*profile)
		r = ksc_profile_complain(*profile, &opts, &complain, NULL, reterr);
	else {
		/* the runtime reads the file: a complain-mode copy in the pod's directory. A
		 * file the runtime would refuse is left to it, to fail as it would. */
		if (!*localhost_ref ||
		    ksc_profile_load(*localhost_ref, NULL, &original, NULL, NULL) < 0)
			return 0;
		r = ksc_profile_complain(original, &opts, &complain, NULL, reterr);
	}
	if (r < 0)
		return r;
	if (!*profile) {
		snprintf(name, sizeof(name), "complain.%s.json", container);
		if (!realpath(pod_dir, abs_dir))
			return ksc_error_setf(reterr, negative_errno(), "%s: %s", pod_dir,
			                      strerror(errno));
		r = ksc_profile_write_json(complain, &json, &len);
		if (r >= 0)
			r = pod_write_file(pod_dir, name, json, len);
		if (r < 0)
			return ksc_error_setf(reterr, r, "%s/%s: %s", pod_dir, name, strerror(-r));
		pathf(path, sizeof(path), "%s/%s", abs_dir, name);
		free(*localhost_ref);
		*localhost_ref = strdup(path);
		return *localhost_ref ? 0 : -ENOMEM;
	}
	ksc_profile_free(*profile);
	*profile = TAKE_PTR(complain);
	return 0;
}
