/* SPDX-License-Identifier: Apache-2.0 */
/* Linux capability names (include/uapi/linux/capability.h), for Docker-style rule
 * conditions and, later, the capability sets of containers. */
#pragma once

#include <stdint.h>

#define KSC_CAP_LAST 40 /* CAP_CHECKPOINT_RESTORE, Linux 5.9 */

/* "CAP_SYS_ADMIN" -> 21. Returns the number or -EINVAL. Case-sensitive, prefix required. */
int ksc_cap_from_name(const char *name);
/* 21 -> "CAP_SYS_ADMIN"; NULL when out of range. */
const char *ksc_cap_name(unsigned cap);
