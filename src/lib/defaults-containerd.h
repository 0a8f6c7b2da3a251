/* SPDX-License-Identifier: Apache-2.0 */
/*
 * defaults-containerd: containerd's RuntimeDefault as each release renders it (the templates
 * of data/containerd/, in containerd's order). ksc_default_profile() comes here for the
 * containerd flavour when opts->containerd_version is set.
 */
#pragma once

#include "kseccomp.h"

/* containerd's and Docker's default capabilities in containerd's order (defaults.c): the
 * set ksc_caps_kubernetes_default() holds, and the start of a bounding set's order. */
#define KUBERNETES_DEFAULT_CAPS 14
extern const char *const kubernetes_default_caps[KUBERNETES_DEFAULT_CAPS];

/* Render release `version` ("1.6", "1.6.20", "2.2"; later than every template: the newest)
 * for opts (arch, kernel, the bounding set and the capabilities added and dropped as
 * written). Returns 0, or -EINVAL / -EOPNOTSUPP (before 1.6) with a message. */
int containerd_default_profile(const char *version, const struct ksc_expand_opts *opts,
                               struct ksc_profile **ret, struct ksc_error **reterr);
