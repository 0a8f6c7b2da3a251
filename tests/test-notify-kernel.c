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
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kseccomp.h"
#include "macro.h"
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

/* The listener a child sent with notify_send on sock (SCM_RIGHTS), or -1. */
static int
recv_listener(int sock)
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
	int fd = -1;

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) > 0 && (cm = CMSG_FIRSTHDR(&msg)) &&
	    cm->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/* Start a child and take its listener; *ret_pid, returns the listener fd or -1. */
static int
start(const char *path, int hold_fd, pid_t *ret_pid)
{
	int sv[2], fd;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		child(sv[1], path, hold_fd);
	}
	close(sv[1]);
	fd = recv_listener(sv[0]);
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

/* notify_listener_check: a real listener passes; what else a runtime could send does not. */
static void
test_listener_check(void)
{
	static const struct {
		const char *what, *want;
	} others[] = {
		{ "a pipe", "a pipe, not a seccomp listener" },
		{ "an eventfd", "\"anon_inode:[eventfd]\", not a seccomp listener" },
		{ "a socket", "a socket, not a seccomp listener" },
		{ "/dev/zero", "a character device, not a seccomp listener" },
		{ "a directory", "a directory, not a seccomp listener" },
	};
	int fds[ELEMENTSOF(others)], pipefd[2], sv[2], listener = -1;
	struct ksc_error *e = NULL;
	pid_t pid;
	int r;

	if (pipe2(pipefd, O_CLOEXEC) < 0 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return;
	fds[0] = pipefd[0];
	fds[1] = eventfd(0, EFD_CLOEXEC);
	fds[2] = sv[0];
	fds[3] = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	fds[4] = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (size_t i = 0; i < ELEMENTSOF(others); i++) {
		struct stat st;

		if (i == 3 && (fstat(fds[i], &st) < 0 || !S_ISCHR(st.st_mode))) {
			ok(true, "listener check: %s # SKIP it is not a character device here",
			   others[i].what);
			close(fds[i]);
			continue;
		}
		r = notify_listener_check(fds[i], &e);
		ok(r == -ENOTTY && e && strcmp(ksc_error_message(e), others[i].want) == 0,
		   "listener check: %s is refused (%d: %s)", others[i].what, r,
		   e ? ksc_error_message(e) : "no message");
		ksc_error_free(e);
		e = NULL;
		close(fds[i]);
	}
	close(pipefd[1]);
	close(sv[1]);

	/* a real one, from a child's filter */
	listener = start("/nonexistent/never", -1, &pid);
	r = listener >= 0 ? notify_listener_check(listener, &e) : -EBADF;
	ok(r == 0, "listener check: a seccomp listener passes (%d: %s)", r,
	   e ? ksc_error_message(e) : "");
	ksc_error_free(e);
	if (listener >= 0)
		close(listener); /* the child's mkdir fails with ENOSYS */
	finish(pid);
}

/*
 * A real notification through the agent's decoding and policy: what the kernel puts in
 * seccomp_data (arch token, nr, args[0]) is what notify_call_decode() reads, here for the
 * machine's own arch. connect is answered by the policy's rule for connect. On x86_64, getuid
 * is number 102, which is socketcall on i386: called with args[0] = SYS_CONNECT it must stay
 * getuid. Where the machine's arch has socketcall(2) itself, socketcall(SYS_CONNECT) is
 * made for real and must get connect's answer; x86_64 has none (the i386 case needs ia32
 * emulation: tests/live-agent.sh runs it where the kernel allows).
 */
static void
test_decode_real(void)
{
	static const char policy_text[] = "rules:\n"
	                                  "- {syscalls: [connect], action: errno, errno: EACCES}\n";
	enum ksc_arch native = ksc_arch_native();
	struct notify_policy *policy = NULL;
	struct ksc_profile *profile = NULL;
	struct ksc_bpf *bpf = NULL;
	struct seccomp_notif *req = new_req();
	struct seccomp_notif_resp *resp = calloc(1, resp_size());
	char profile_text2[512], seen[512] = "";
	uint32_t getuid_nr = 0, i386_socketcall = 0;
	bool has_socketcall;
	int results[3] = { -1, -1, -1 }, sv[2], out[2], listener = -1;
	uid_t uid = getuid(); /* before the filter, which notifies getuid */
	pid_t pid;

	has_socketcall = ksc_syscall_resolve_name(native, "socketcall", NULL) == 0;
	snprintf(profile_text2, sizeof(profile_text2),
	         "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"/unused\","
	         " \"syscalls\": [{\"names\": [\"connect\", \"getuid\"%s],"
	         " \"action\": \"SCMP_ACT_NOTIFY\"}]}",
	         has_socketcall ? ", \"socketcall\"" : "");
	if (!req || !resp ||
	    notify_policy_parse("p.yaml", policy_text, strlen(policy_text), &policy, NULL) < 0 ||
	    ksc_profile_parse("decode.json", profile_text2, strlen(profile_text2), NULL, &profile,
	                      NULL, NULL) < 0 ||
	    ksc_profile_compile(profile, NULL, &bpf, NULL, NULL) < 0 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0 ||
	    pipe2(out, O_CLOEXEC) < 0) {
		ok(false, "decode: set up");
		goto out;
	}
	pid = fork();
	if (pid == 0) {
		int l = -1;

		close(sv[0]);
		close(out[0]);
		if (ksc_enforce_install_listener(bpf, NULL, &l, NULL) < 0 ||
		    notify_send(sv[1], "{}", 2, l, NULL) < 0)
			_exit(200);
		close(l);
		close(sv[1]);
		/* allowed, connect(-1) fails with EBADF; the policy says EACCES */
		results[0] = syscall(SYS_connect, -1, NULL, 0) < 0 ? errno : 0;
		results[1] = (uid_t)syscall(SYS_getuid, 3L, 0L, 0L) == uid ? 0 : errno;
#ifdef SYS_socketcall
		{
			unsigned long args[3] = { (unsigned long)-1, 0, 0 };

			results[2] =
			        syscall(SYS_socketcall, 3 /* SYS_CONNECT */, args) < 0 ? errno : 0;
		}
#endif
		(void)!write(out[1], results, sizeof(results));
		_exit(0);
	}
	close(sv[1]);
	close(out[1]);
	listener = recv_listener(sv[0]);
	close(sv[0]);
	/* the agent's loop: every notification decoded, decided and answered */
	for (;;) {
		struct pollfd pfd = { .fd = listener, .events = POLLIN };
		struct notify_verdict v;
		struct notify_call call;
		size_t n = strlen(seen);

		if (listener < 0 || poll(&pfd, 1, 5000) != 1 || !(pfd.revents & POLLIN))
			break;
		if (notify_receive(listener, req, req_size()) < 0)
			continue;
		notify_call_decode(req->data.arch, req->data.nr, req->data.args[0], &call);
		notify_policy_decide_call(policy, &(struct notify_peer){ 0 }, &call, &v);
		snprintf(seen + n, sizeof(seen) - n, "%s%s %s%s%s%s", n ? ", " : "",
		         call.arch != KSC_ARCH_NONE ? ksc_arch_name(call.arch) : "?",
		         call.name ? call.name : "?", call.mux ? " (" : "",
		         call.mux ? call.mux : "", call.mux ? ")" : "");
		(void)notify_answer(listener, req, resp, resp_size(), &v);
	}
	if (read(out[0], results, sizeof(results)) != sizeof(results))
		ok(false, "decode: the child's results");
	close(out[0]);
	ok(finish(pid) == 0, "decode: the child ran to the end");
	{
		char want[256];

		snprintf(want, sizeof(want), "%s connect, %s getuid%s%s%s", ksc_arch_name(native),
		         ksc_arch_name(native), has_socketcall ? ", " : "",
		         has_socketcall ? ksc_arch_name(native) : "",
		         has_socketcall ? " connect (socketcall)" : "");
		is_str(seen, want,
		       "decode: the notifications the kernel sent, as the agent names them");
	}
	is_int(results[0], EACCES, "decode: connect gets the policy's errno (allowed: EBADF)");
	(void)ksc_syscall_resolve_name(native, "getuid", &getuid_nr);
	(void)ksc_syscall_resolve_name(KSC_ARCH_X86, "socketcall", &i386_socketcall);
	is_int(results[1], 0,
	       "decode: getuid (nr %u%s) with args[0] = SYS_CONNECT is getuid, allowed", getuid_nr,
	       getuid_nr == i386_socketcall ? ", i386's socketcall" : "");
	if (has_socketcall)
		is_int(results[2], EACCES, "decode: socketcall(SYS_CONNECT) gets connect's errno");
	else
		ok(true,
		   "decode: socketcall(SYS_CONNECT) # SKIP %s has no socketcall(2); i386 "
		   "needs ia32 emulation (tests/live-agent.sh)",
		   ksc_arch_name(native));
out:
	if (listener >= 0)
		close(listener);
	notify_policy_free(policy);
	ksc_bpf_free(bpf);
	ksc_profile_free(profile);
	free(req);
	free(resp);
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
	test_listener_check();
	test_decode_real();

	ksc_bpf_free(prog);
	ksc_profile_free(profile);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		(void)!system(cmd);
	}
	return tap_done();
}
