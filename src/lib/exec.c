/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "exec.h"

int
exec_current_capabilities(uint64_t *ret_effective, uint64_t *ret_permitted)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { 0 };

	if (syscall(SYS_capget, &hdr, data) < 0)
		return -errno;
	if (ret_effective)
		*ret_effective = (uint64_t)data[0].effective | (uint64_t)data[1].effective << 32;
	if (ret_permitted)
		*ret_permitted = (uint64_t)data[0].permitted | (uint64_t)data[1].permitted << 32;
	return 0;
}

int
exec_drop_capabilities(uint64_t caps, char *why, size_t why_size)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { 0 };
	uint64_t permitted;
	int r;

	r = exec_current_capabilities(NULL, &permitted);
	if (r < 0) {
		snprintf(why, why_size, "capget: %s", strerror(-r));
		return r;
	}
	for (unsigned cap = 0; cap <= 63; cap++) {
		if (caps & (UINT64_C(1) << cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL) {
			snprintf(why, why_size,
			         "cannot drop capability %u from the bounding set: %s", cap,
			         strerror(errno));
			return -errno;
		}
	}
	(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	caps &= permitted;
	for (int i = 0; i < 2; i++)
		data[i].effective = data[i].permitted = data[i].inheritable =
		        (uint32_t)(caps >> (32 * i));
	if (syscall(SYS_capset, &hdr, data) < 0) {
		snprintf(why, why_size, "capset: %s", strerror(errno));
		return -errno;
	}
	return 0;
}
