/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Kubernetes manifest reader on arbitrary bytes: parse; for every pod, validate as the
 * API server, resolve every container as the kubelet (seccompDefault off and on), and run
 * both Pod Security levels. A failure always says why; anything else is a bug.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kube/kube.h"
#include "kube/psa.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kube_manifest *m = NULL;
	struct ksc_error *error = NULL;
	int r;

	r = kube_manifest_parse("fuzz.yaml", (const char *)data, size, &m, &error);
	if (r < 0) {
		if (r == -EINVAL && (!error || !ksc_error_message(error)))
			abort();
		ksc_error_free(error);
		return 0;
	}
	for (size_t i = 0; i < m->n_pods; i++) {
		const struct kube_pod *pod = &m->pods[i];
		struct kube_error *errors = NULL;
		size_t n = 0;

		if (kube_validate(pod, &errors, &n) < 0)
			abort();
		for (size_t k = 0; k < n; k++)
			if (!errors[k].text || !*errors[k].text)
				abort();
		kube_errors_free(errors, n);
		for (size_t k = 0; k < pod->n_containers; k++)
			for (int on = 0; on < 2; on++) {
				struct kube_kubelet_result res;

				if (kube_kubelet_resolve(pod, &pod->containers[k], on,
				                         "/nonexistent", &res) < 0)
					abort();
				/* Localhost always resolves under the root, or fails */
				if (res.type == KUBE_PROFILE_LOCALHOST && !res.error &&
				    strncmp(res.localhost_ref, "/nonexistent", 12) != 0 &&
				    strncmp(res.localhost_ref, "/", 1) != 0)
					abort();
				(void)kube_container_caps(&pod->containers[k]);
				kube_kubelet_result_done(&res);
			}
		/* every check at two versions: a forbidden pod always says why, and the warnings
		 * never fail */
		for (int level = KUBE_PSA_BASELINE; level <= KUBE_PSA_RESTRICTED; level++)
			for (int v = 0; v < 2; v++) {
				struct kube_psa_result res;
				char *message;

				if (kube_psa_evaluate(pod, (enum kube_psa_level)level,
				                      v ? KUBE_PSA_LATEST : 18, &res) < 0)
					abort();
				message = kube_psa_message(&res);
				if (!message || res.allowed != (res.n == 0) ||
				    (!res.allowed && !*message))
					abort();
				free(message);
				kube_psa_result_done(&res);
			}
		errors = NULL;
		n = 0;
		if (kube_warnings(pod, &errors, &n) < 0)
			abort();
		kube_errors_free(errors, n);
	}
	kube_manifest_free(m);
	return 0;
}
