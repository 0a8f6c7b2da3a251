/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <grp.h>
#include <inttypes.h>
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

/* runc's finalizeNamespace(): the user and the capabilities. A user other than root keeps
 * none: setuid() clears them, the bounding set cut down first. */
static int
set_credentials(const struct exec_spec *spec, struct exec_failure *f)
{
	if (spec->uid > 0) {
		for (unsigned cap = 0; spec->set_caps && cap <= 63; cap++)
			if (!(spec->caps & (UINT64_C(1) << cap)))
				(void)prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
		if (setgroups(0, NULL) < 0 || setgid((gid_t)(spec->gid >= 0 ? spec->gid : 0)) < 0 ||
		    setuid((uid_t)spec->uid) < 0) {
			f->error = errno;
			snprintf(f->message, sizeof(f->message), "cannot run as %" PRId64 ": %s",
			         spec->uid, strerror(errno));
			return -f->error;
		}
		return 0;
	}
	if (spec->gid > 0 && (setgroups(0, NULL) < 0 || setgid((gid_t)spec->gid) < 0)) {
		f->error = errno;
		snprintf(f->message, sizeof(f->message), "cannot run as group %" PRId64 ": %s",
		         spec->gid, strerror(errno));
		return -f->error;
	}
	if (spec->set_caps) {
		int r = exec_drop_capabilities(spec->caps, f->message, sizeof(f->message));

		if (r < 0) {
			f->error = -r;
			return r;
		}
	}
	return 0;
}

/* The filter, and its listener to the parent (runc's InitSeccomp, then syncParentSeccomp). */
static int
install_filter(const struct exec_spec *spec, struct exec_failure *f)
{
	struct ksc_enforce_opts eopts = *spec->eopts;
	struct ksc_error *error = NULL;
	int listener = -1, r;

	eopts.no_new_privs = spec->no_new_privs;
	if (eopts.listener)
		r = ksc_enforce_install_listener(spec->prog, &eopts, &listener, &error);
	else
		r = ksc_enforce_install(spec->prog, &eopts, &error);
	if (r < 0) {
		f->error = -r;
		snprintf(f->message, sizeof(f->message), "%s",
		         ksc_error_message(error) ? ksc_error_message(error) : "");
		ksc_error_free(error);
		return r;
	}
	/* the parent gives the listener to the agent before the command runs */
	if (eopts.listener && listener_handoff_child(spec->handoff, listener) < 0) {
		f->stage = EXEC_FAILED_HANDOFF;
		f->error = EPIPE;
		return -EPIPE;
	}
	return 0;
}

void
exec_container(const struct exec_spec *spec, struct exec_failure *ret)
{
	struct exec_failure f = { .stage = EXEC_FAILED_SETUP };

	/* allowPrivilegeEscalation: false holds with or without a filter */
	if (spec->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		f.error = errno;
		snprintf(f.message, sizeof(f.message), "cannot set no_new_privs: %s",
		         strerror(errno));
		goto fail;
	}
	/* Without no_new_privs installing a filter takes CAP_SYS_ADMIN: before the user and
	 * the capabilities change, which the filter then sees. */
	if (spec->prog && !spec->no_new_privs && install_filter(spec, &f) < 0)
		goto fail;
	if (set_credentials(spec, &f) < 0)
		goto fail;
	/* With no_new_privs as late as possible: fewer syscalls for the profile to allow. */
	if (spec->prog && spec->no_new_privs && install_filter(spec, &f) < 0)
		goto fail;
	execve(spec->path, spec->argv, environ);
	f = (struct exec_failure){ .stage = EXEC_FAILED_EXECVE, .error = errno };
fail:
	*ret = f;
}
