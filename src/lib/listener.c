/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The hand-off of a seccomp notification listener to its agent. See listener.h.
 */
#include <poll.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "error.h"
#include "listener.h"
#include "profile.h"

/* How long the parent waits for the child to install its filter. */
#define HANDOFF_TIMEOUT_MS 10000

int
listener_handoff_open(struct listener_handoff *h)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		h->parent_fd = h->child_fd = -1;
		return negative_errno();
	}
	h->parent_fd = sv[0];
	h->child_fd = sv[1];
	return 0;
}

void
listener_handoff_close(struct listener_handoff *h)
{
	if (h->parent_fd >= 0)
		close(h->parent_fd);
	if (h->child_fd >= 0)
		close(h->child_fd);
	h->parent_fd = h->child_fd = -1;
}

int
listener_handoff_child(struct listener_handoff *h, int listener_fd)
{
	char go;
	ssize_t n;

	/* write: the profile cannot send it to the agent; read may wait for the agent, who by
	 * then has the fd */
	if (write(h->child_fd, &listener_fd, sizeof(listener_fd)) != sizeof(listener_fd))
		return -EPIPE;
	do
		n = read(h->child_fd, &go, 1);
	while (n < 0 && errno == EINTR);
	return n == 1 && go == 'g' ? 0 : -EPIPE;
}

static int
pidfd_getfd_of(pid_t pid, int fd)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0), r;

	if (pidfd < 0)
		return negative_errno();
	r = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	if (r < 0)
		r = negative_errno();
	close(pidfd);
	return r;
}

int
listener_handoff_parent(struct listener_handoff *h, pid_t child, const char *path,
                        const struct notify_state *st, char *why, size_t why_size)
{
	struct pollfd pfd = { .fd = h->parent_fd, .events = POLLIN };
	struct notify_state state = *st;
	_cleanup_(freep) char *text = NULL;
	struct ksc_error *error = NULL;
	int child_fd = -1, fd = -1, sock = -1, r;
	size_t len;
	ssize_t n;

	if (h->child_fd >= 0) {
		close(h->child_fd);
		h->child_fd = -1;
	}
	do
		r = poll(&pfd, 1, HANDOFF_TIMEOUT_MS);
	while (r < 0 && errno == EINTR);
	if (r == 0) {
		snprintf(why, why_size,
		         "the container process did not install its filter within "
		         "%d s",
		         HANDOFF_TIMEOUT_MS / 1000);
		return -ETIMEDOUT;
	}
	do
		n = read(h->parent_fd, &child_fd, sizeof(child_fd));
	while (n < 0 && errno == EINTR);
	if (n != sizeof(child_fd))
		return -ECHILD; /* it failed before: it says why on its own channel */

	fd = pidfd_getfd_of(child, child_fd);
	if (fd < 0) {
		snprintf(why, why_size,
		         "cannot take the seccomp listener from process %d: "
		         "pidfd_getfd: %s",
		         (int)child, strerror(-fd));
		return fd;
	}
	state.pid = (int)child;
	r = notify_state_json(&state, &text, &len);
	if (r < 0) {
		snprintf(why, why_size, "out of memory");
		goto out;
	}
	r = notify_connect(path, &sock, &error);
	if (r < 0) {
		/* runc's words, which tools and users grep for */
		snprintf(why, why_size,
		         "failed to connect with seccomp agent specified in the seccomp "
		         "profile: %s",
		         ksc_error_message(error));
		goto out;
	}
	r = notify_send(sock, text, len, fd, &error);
	if (r < 0) {
		snprintf(why, why_size, "cannot send seccomp fd to %s: %s", path,
		         ksc_error_message(error));
		goto out;
	}
	if (write(h->parent_fd, "g", 1) != 1) {
		r = negative_errno();
		snprintf(why, why_size, "cannot let the container process go on: %s", strerror(-r));
	}
out:
	ksc_error_free(error);
	if (sock >= 0)
		close(sock);
	close(fd);
	return r < 0 ? r : 0;
}

int
listener_check_program(const struct ksc_bpf *prog, enum ksc_arch native, const char *what,
                       struct ksc_error **reterr)
{
	static const char *const calls[] = { "write", "read" };

	for (size_t i = 0; i < ELEMENTSOF(calls); i++) {
		uint32_t ret, action;
		char text[32];

		if (!ksc_bpf_call_return(prog, native, calls[i], &ret))
			continue; /* the arguments decide: the kernel will */
		action = ret & KSC_RET_ACTION_FULL;
		if (action == KSC_RET_ALLOW || action == KSC_RET_LOG ||
		    (action == KSC_RET_USER_NOTIF && i == 1))
			continue;
		ksc_ret_format(ret, text, sizeof(text));
		return ksc_error_setf(reterr, -EPERM,
		                      "%s denies %s (%s), which the runtime calls after installing "
		                      "the filter to hand its listener to the agent: a runtime "
		                      "cannot start a container under it",
		                      what, calls[i], text);
	}
	return 0;
}

bool
listener_profile_notifies(const struct ksc_profile *profile)
{
	for (size_t i = 0; i < ksc_profile_rule_count(profile); i++)
		if (ksc_rule_action(ksc_profile_rule(profile, i)) == KSC_ACT_NOTIFY)
			return true;
	return false;
}
