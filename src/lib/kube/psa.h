/* SPDX-License-Identifier: Apache-2.0 */
/*
 * psa: the Pod Security Standards as Pod Security Admission evaluates them
 * (k8s.io/pod-security-admission, package policy): every baseline and restricted check, each
 * policy version from v1.0 to the newest this engine knows, with the library's
 * ForbiddenReason and ForbiddenDetail texts.
 *
 * The pod is read from its document nodes (kube_pod.spec_node and .meta_node), the way the
 * API server's typed decoding would see it. A field of the wrong JSON type (which the API
 * server would refuse to decode) counts as the check's forbidden value: such a pod is never
 * reported as allowed.
 */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "kube.h"

/* The `minor` that asks for the newest policy ("latest"). Any minor newer than the newest
 * known one is evaluated as that one, as the library does. */
#define KUBE_PSA_LATEST UINT_MAX

struct kube_psa_violation {
	const char *check;  /* the check's ID, "privileged", "seccompProfile_restricted" (static) */
	const char *reason; /* its ForbiddenReason, "host namespaces" (static) */
	char *detail;       /* its ForbiddenDetail (owned; may be "") */
};

struct kube_psa_result {
	bool allowed;
	struct kube_psa_violation *v; /* the failed checks, in the library's order */
	size_t n;
};

/*
 * Evaluate pod at level and policy version v1.`minor` (0 is v1.0; KUBE_PSA_LATEST for
 * latest). Checks run in the library's order: the baseline checks by ID, then the restricted
 * ones by ID, a restricted check replacing the baseline checks it overrides at that version.
 * Strings in the result are the document's as they are, control characters included: escape
 * them when printing. *ret is written on success (free with kube_psa_result_done()).
 * Returns 0, -EINVAL (a level that is neither baseline nor restricted) or -ENOMEM.
 */
int kube_psa_evaluate(const struct kube_pod *pod, enum kube_psa_level level, unsigned minor,
                      struct kube_psa_result *ret);

void kube_psa_result_done(struct kube_psa_result *r);

/*
 * What the admission controller prints after `violates PodSecurity "restricted:latest": `:
 * "reason (detail), reason2 (detail2)", a reason without its parentheses when its detail is
 * empty (AggregateCheckResult.ForbiddenDetail()). "" for an allowed pod. Owned; NULL on
 * ENOMEM.
 */
char *kube_psa_message(const struct kube_psa_result *r);

/* The newest policy version's minor (what "latest" evaluates). */
unsigned kube_psa_latest_minor(void);
