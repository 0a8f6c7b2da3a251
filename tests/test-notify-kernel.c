/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The agent's answers against the real kernel: a child installs a filter that sends mkdir to
 * a listener, hands the listener over with notify_send() (the protocol's own sendmsg), and
 * calls mkdir; the parent, as the agent, receives and answers. Allow, errno and kill do
 * what they say; a caller that died before the answer is never answered, and a process that
 * got its pid (forced with ns_last_pid) is never killed in its place; the listener reports
 * the end of its tasks; a closed listener makes the call fail with ENOSYS.
 *
 * Needs seccomp notifications (Linux 5.5 for CONTINUE); the pid-reuse case needs root.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kseccomp.h"
#include "notify.h"
#include "tap.h"

static const char profile_text[] =
        "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"/unused\","
        " \"syscalls\": [{\"names\": [\"mkdir\", \"mkdirat\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}";

static struct ksc_bpf *prog;
static char dir[64];
static struct seccomp_notif_sizes sizes;

/* The child: filter, hand-over, then mkdir; exits with 0 or the errno. */
__attribute__((noreturn)) static void
child(int sock, const char *path, int hold_fd)
{
	int listener = -1;

	if (ksc_enforce_install_listener(prog, NULL, &listener, NULL) < 0)
		_exit(200);
	if (notify_send(sock, "{}", 2, listener, NULL) < 0)
		_exit(201);
	close(listener);
	close(sock);
	if (hold_fd >= 0) {
		char c;

		(void)!read(hold_fd, &c, 1); /* wait until told */
	}
	_exit(mkdir(path, 0700) == 0 ? 0 : errno);
}

/* Start a child and take its listener; *ret_pid, returns the listener fd or -1. */
static int
start(const char *path, int hold_fd, pid_t *ret_pid)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	char data[8];
	struct iovec iov = { .iov_base = data, .iov_len = sizeof(data) };
	struct msghdr msg = { .msg_iov = &iov,
		              .msg_iovlen = 1,
		              .msg_control = control.buf,
		              .msg_controllen = sizeof(control.buf) };
	struct cmsghdr *cm;
	int sv[2], fd = -1;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		child(sv[1], path, hold_fd);
	}
	close(sv[1]);
	if (recvmsg(sv[0], &msg, MSG_CMSG_CLOEXEC) > 0 && (cm = CMSG_FIRSTHDR(&msg)) &&
	    cm->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	close(sv[0]);
	*ret_pid = pid;
	return fd;
}

static int
finish(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) < 0)
		return -1;
	if (WIFSIGNALED(status))
		return 1000 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

static struct seccomp_notif *
new_req(void)
{
	return calloc(1, sizes.seccomp_notif > sizeof(struct seccomp_notif)
	                         ? sizes.seccomp_notif
	                         : sizeof(struct seccomp_notif));
}

static size_t
resp_size(void)
{
	return sizes.seccomp_notif_resp > sizeof(struct seccomp_notif_resp)
	               ? sizes.seccomp_notif_resp
	               : sizeof(struct seccomp_notif_resp);
}

static size_t
req_size(void)
{
	return sizes.seccomp_notif > sizeof(struct seccomp_notif) ? sizes.seccomp_notif
	                                                          : sizeof(struct seccomp_notif);
}

/* One child, one mkdir, one answer: the child's outcome. */
static int
answer_one(const struct notify_verdict *v, const char *name, int *ret_answer)
{
	struct seccomp_notif *req = new_req();
	struct seccomp_notif_resp *resp = calloc(1, resp_size());
	char path[128];
	pid_t pid;
	int fd, r;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = start(path, -1, &pid);
	if (fd < 0 || !req || !resp) {
		free(req);
		free(resp);
		return -1;
	}
	r = notify_receive(fd, req, req_size());
	if (r == 0) {
		ok(req->pid == (uint32_t)pid, "%s: the notification names the caller (%u, %d)",
		   name, req->pid, (int)pid);
		ok(notify_id_valid(fd, req->id), "%s: the ID is valid while the call waits", name);
		r = notify_answer(fd, req, resp, resp_size(), v);
	}
	*ret_answer = r;
	close(fd);
	free(req);
	free(resp);
	return finish(pid);
}

/* Force the next pid: ns_last_pid, as checkpoint/restore does. The forked process sleeps. */
static pid_t
fork_with_pid(pid_t want)
{
	for (int attempt = 0; attempt < 50; attempt++) {
		FILE *f = fopen("/proc/sys/kernel/ns_last_pid", "we");
		pid_t pid;

		if (!f)
			return -1;
		fprintf(f, "%d", (int)want - 1);
		if (fclose(f) != 0)
			return -1;
		pid = fork();
		if (pid == 0) {
			pause();
			_exit(0);
		}
		if (pid == want || pid < 0)
			return pid;
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	return -1;
}

static void
test_pid_reuse(void)
{
	struct seccomp_notif *req = new_req();
	struct seccomp_notif_resp *resp = calloc(1, resp_size());
	struct notify_verdict kill_v = { .answer = NOTIFY_KILL, .rule = -1 };
	struct notify_verdict errno_v = { .answer = NOTIFY_ERRNO, .errnum = EACCES, .rule = -1 };
	char path[128];
	pid_t pid, impostor;
	int fd, status;

	snprintf(path, sizeof(path), "%s/reuse", dir);
	fd = start(path, -1, &pid);
	if (fd < 0 || notify_receive(fd, req, req_size()) < 0) {
		ok(false, "pid reuse: a notification to start from");
		goto out;
	}
	/* the caller dies and is reaped before the answer */
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	ok(!notify_id_valid(fd, req->id), "pid reuse: the ID is invalid once the caller is gone");
	if (geteuid() != 0) {
		ok(true, "pid reuse # SKIP forcing a pid needs root (ns_last_pid)");
		goto out;
	}
	impostor = fork_with_pid(pid);
	if (impostor != pid) {
		if (impostor > 0) {
			kill(impostor, SIGKILL);
			waitpid(impostor, NULL, 0);
		}
		ok(true, "pid reuse # SKIP could not get pid %d again (ns_last_pid)", (int)pid);
		goto out;
	}
	ok(notify_answer(fd, req, resp, resp_size(), &kill_v) == -ENOENT,
	   "pid reuse: kill is refused for a dead caller whose pid %d is taken", (int)pid);
	ok(notify_answer(fd, req, resp, resp_size(), &errno_v) == -ENOENT,
	   "pid reuse: errno is not sent either");
	ok(waitpid(impostor, &status, WNOHANG) == 0 && kill(impostor, 0) == 0,
	   "pid reuse: the process that got pid %d lives on", (int)pid);
	kill(impostor, SIGKILL);
	waitpid(impostor, NULL, 0);
out:
	if (fd >= 0)
		close(fd);
	free(req);
	free(resp);
}

static void
test_hangup_and_enosys(void)
{
	struct seccomp_notif *req = new_req();
	struct pollfd pfd;
	char path[128];
	int hold[2], fd, r;
	pid_t pid;

	/* the listener reports when every task of the filter is gone */
	snprintf(path, sizeof(path), "%s/hup", dir);
	if (pipe2(hold, O_CLOEXEC) < 0)
		return;
	fd = start(path, hold[0], &pid);
	pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
	ok(poll(&pfd, 1, 0) == 0, "no event while the child holds still");
	(void)!write(hold[1], "x", 1);
	close(hold[1]);
	close(hold[0]);
	r = poll(&pfd, 1, 5000);
	ok(r == 1 && (pfd.revents & POLLIN), "the listener is readable when the call comes");
	if (notify_receive(fd, req, req_size()) == 0) {
		struct notify_verdict allow = { .answer = NOTIFY_ALLOW, .rule = -1 };
		struct seccomp_notif_resp *resp = calloc(1, resp_size());

		if (resp)
			ok(notify_answer(fd, req, resp, resp_size(), &allow) == 0, "answered");
		free(resp);
	}
	ok(finish(pid) == 0, "the child's mkdir ran");
	pfd.revents = 0;
	r = poll(&pfd, 1, 5000);
	ok(r == 1 && (pfd.revents & POLLHUP), "POLLHUP once the child is reaped (revents %#x)",
	   (unsigned)pfd.revents);
	close(fd);

	/* the agent goes away: the waiting call fails with ENOSYS */
	snprintf(path, sizeof(path), "%s/enosys", dir);
	fd = start(path, -1, &pid);
	close(fd);
	ok(finish(pid) == ENOSYS, "with the listener closed, mkdir fails with ENOSYS");
	free(req);
}

int
main(void)
{
	struct ksc_profile *profile = NULL;
	struct notify_verdict v;
	struct stat st;
	char path[128];
	int r, answer;

	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0) {
		printf("1..0 # SKIP this kernel has no seccomp notifications\n");
		return 0;
	}
	if (ksc_profile_parse("notify.json", profile_text, strlen(profile_text), NULL, &profile,
	                      NULL, NULL) < 0 ||
	    ksc_profile_compile(profile, NULL, &prog, NULL, NULL) < 0) {
		printf("Bail out! the test profile does not compile\n");
		return 1;
	}
	snprintf(dir, sizeof(dir), "/tmp/ksc-notify-kernel-%d", (int)getpid());
	if (mkdir(dir, 0700) < 0) {
		printf("Bail out! %s: %s\n", dir, strerror(errno));
		return 1;
	}

	v = (struct notify_verdict){ .answer = NOTIFY_ALLOW, .rule = -1 };
	r = answer_one(&v, "allow", &answer);
	snprintf(path, sizeof(path), "%s/allow", dir);
	ok(answer == 0 && r == 0 && stat(path, &st) == 0,
	   "allow: the call runs (answer %d, child %d)", answer, r);

	v = (struct notify_verdict){ .answer = NOTIFY_ERRNO, .errnum = EACCES, .rule = -1 };
	r = answer_one(&v, "errno", &answer);
	snprintf(path, sizeof(path), "%s/errno", dir);
	ok(answer == 0 && r == EACCES && stat(path, &st) < 0,
	   "errno: the call fails with EACCES and does nothing (child %d)", r);

	v = (struct notify_verdict){ .answer = NOTIFY_ERRNO, .errnum = 4000, .rule = -1 };
	r = answer_one(&v, "errno-large", &answer);
	ok(answer == 0 && r == 4000 % 256, "errno 4000 reaches the caller (exit %d)", r);

	v = (struct notify_verdict){ .answer = NOTIFY_KILL, .rule = -1 };
	r = answer_one(&v, "kill", &answer);
	snprintf(path, sizeof(path), "%s/kill", dir);
	ok(answer == 0 && r == 1000 + SIGKILL && stat(path, &st) < 0,
	   "kill: the caller dies of SIGKILL before the call runs (child %d)", r);

	test_pid_reuse();
	test_hangup_and_enosys();

	ksc_bpf_free(prog);
	ksc_profile_free(profile);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		(void)!system(cmd);
	}
	return tap_done();
}
