/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The host executor: each container is a process of the monitor, with its own process group
 * and cgroup, the image's files as its working directory, the capabilities and user the
 * runtime would give it, the filter installed in runc's order (exec_container()), and
 * PR_SET_PDEATHSIG (set by the monitor) so that nothing outlives a killed monitor. A profile with SCMP_ACT_NOTIFY
 * gets its listener handed to the agent at listenerPath before the workload runs.
 */
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "child.h"
#include "exec.h"
#include "executor.h"
#include "listener.h"
#include "notify.h"

struct host_launch {
	char exe[PATH_MAX];
	char cgroup[PATH_MAX];
	bool have_cgroup;
	struct ksc_bpf *prog; /* NULL: unconfined */
	struct ksc_enforce_opts eopts;
	struct listener_handoff handoff;
};

/* An illegal instruction, written as such rather than as __builtin_trap(): a sanitizer
 * runtime runs its own code before a noreturn call, which needs syscalls a filter may deny
 * (it would spin there), and it leaves SIGILL's default action alone. */
static inline void
die_by_trap(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__asm__ volatile("ud2");
#elif defined(__aarch64__)
	__asm__ volatile("udf #0");
#else
	__builtin_trap();
#endif
}

/* The host executor's execve path for a container's argv[0]: a path inside the image's
 * rootfs, or a name looked up in the image's PATH, then the host's (an image of one
 * host binary uses the host's libraries and tools). */
static int
find_executable(const char *rootfs, const char *name, char *buf, size_t size)
{
	static const char *const dirs[] = { "/usr/local/sbin", "/usr/local/bin", "/usr/sbin",
		                            "/usr/bin",        "/sbin",          "/bin" };

	if (strchr(name, '/')) {
		pathf(buf, size, "%s%s%s", rootfs, name[0] == '/' ? "" : "/", name);
		if (access(buf, X_OK) == 0)
			return 0;
		snprintf(buf, size, "%s", name);
		return access(buf, X_OK) == 0 ? 0 : -ENOENT;
	}
	for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
		pathf(buf, size, "%s%s/%s", rootfs, dirs[i], name);
		if (access(buf, X_OK) == 0)
			return 0;
	}
	for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
		pathf(buf, size, "%s/%s", dirs[i], name);
		if (access(buf, X_OK) == 0)
			return 0;
	}
	return -ENOENT;
}

static int
host_prepare(const struct node_executor *ex, struct node_launch *l)
{
	struct host_launch *h = calloc(1, sizeof(*h));
	struct ksc_error *error = NULL;
	int r;

	if (!h) {
		pod_container_wait(l->s, "CreateContainerError", "out of memory");
		return -1;
	}
	h->handoff = (struct listener_handoff){ -1, -1 };
	l->data = h;
	h->have_cgroup = geteuid() == 0 && pod_cgroup_create(l->o->state, l->pod->name, l->c->name,
	                                                     h->cgroup, sizeof(h->cgroup)) == 0;
	h->eopts.no_new_privs = l->no_new_privs;
	if (find_executable(l->rootfs, l->argv[0], h->exe, sizeof(h->exe)) < 0) {
		pod_container_fail(l->dir, l->s, "StartError",
		                   "exec: \"%s\": executable file not found in $PATH", l->argv[0]);
		return -1;
	}
	if (!l->profile)
		return 0;
	r = ksc_profile_compile(l->profile, NULL, &h->prog, NULL, &error);
	if (r < 0) {
		pod_container_fail(l->dir, l->s, "CreateContainerError", "%s",
		                   error ? ksc_error_message(error) : strerror(-r));
		ksc_error_free(error);
		return -1;
	}
	{
		bool present;

		h->eopts.flags = ksc_profile_flags(l->profile, &present);
		h->eopts.flags_set = present;
	}
	h->eopts.listener = listener_profile_notifies(l->profile);
	if (h->eopts.listener && listener_handoff_open(&h->handoff) < 0) {
		pod_container_wait(l->s, "CreateContainerError", "socketpair: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* The child side of the host executor: never returns. */
static void
host_exec(const struct node_executor *ex, struct node_launch *l)
{
	struct host_launch *h = l->data;
	const char *cgroup = h->have_cgroup ? h->cgroup : NULL, *rootfs = l->rootfs;
	bool root = geteuid() == 0;
	/* the capabilities and user a runtime gives the container; without root, ours */
	struct exec_spec spec = {
		.path = h->exe,
		.argv = (char *const *)l->argv,
		.no_new_privs = l->no_new_privs,
		.set_caps = root,
		.caps = kube_container_caps(l->c),
		.uid = root ? l->uid : -1,
		.gid = root ? l->gid : -1,
		.prog = h->prog,
		.eopts = &h->eopts,
		.handoff = &h->handoff,
	};
	struct exec_failure f;
	char path[PATH_MAX];
	int fd;

	if (cgroup) {
		pathf(path, sizeof(path), "%s/cgroup.procs", cgroup);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			(void)!write(fd, "0", 1);
			close(fd);
		}
	}
	if (l->o->host_namespaces)
		node_enter_namespaces(l->o->host_namespaces, l->pod->name);
	if (chdir(rootfs) < 0) {
		node_child_error("%s: %s", rootfs, strerror(errno));
		_exit(128);
	}
	exec_container(&spec, &f);
	if (f.stage == EXEC_FAILED_SETUP)
		node_child_error("%s", f.message);
	if (f.stage != EXEC_FAILED_EXECVE)
		_exit(128);
	/* The filter may deny this write, and exit_group too: then the process cannot end
	 * by a syscall at all, and dies of a trap instead (as a Go runtime such as runc's
	 * dies of a fault), rather than spin where a libc's _exit() would. The name is
	 * escaped only when it needs it: then with memory the filter may deny (a message
	 * saying "out of memory" at worst). */
	node_child_exec_failed(l->argv[0], f.error);
	(void)syscall(SYS_exit_group, f.error == ENOENT ? 127 : 126);
	for (;;)
		die_by_trap();
}

/* The monitor hands the listener to the agent before the workload runs. */
static int
host_started(const struct node_executor *ex, struct node_launch *l, pid_t pid)
{
	struct host_launch *h = l->data;
	struct notify_state st = { 0 };
	char why[600];
	int r;

	if (!h->eopts.listener)
		return 0;
	st = (struct notify_state){
		.metadata = ksc_profile_listener_metadata(l->profile),
		.id = l->id,
		.status = "creating",
		.bundle = l->dir,
		.annotations = l->annotations,
	};
	r = listener_handoff_parent(&h->handoff, pid, ksc_profile_listener_path(l->profile), &st,
	                            why, sizeof(why));
	listener_handoff_close(&h->handoff);
	if (r >= 0)
		return 0;
	(void)kill(pid, SIGKILL);
	(void)waitpid(pid, NULL, 0);
	if (r == -ECHILD)
		snprintf(why, sizeof(why),
		         "the container process failed before its "
		         "filter was in place (see its log)");
	pod_container_fail(l->dir, l->s, "StartError", "%s", why);
	return -1;
}

static void
host_release(const struct node_executor *ex, struct node_launch *l)
{
	struct host_launch *h = l->data;

	if (!h)
		return;
	listener_handoff_close(&h->handoff);
	ksc_bpf_free(h->prog);
	free(h);
	l->data = NULL;
}

/* The container is its process group: signals go to all of it. */
static void
host_stop(const struct node_executor *ex, const struct node_opts *o, const char *id, pid_t pid)
{
	(void)kill(-pid, SIGTERM);
}

static void
host_kill(const struct node_executor *ex, const struct node_opts *o, const char *id, pid_t pid)
{
	(void)kill(-pid, SIGKILL);
}

/* Without a cgroup (not root), the containers' process groups. */
static void
host_cleanup(const struct node_executor *ex, const struct node_opts *o, const char *pod,
             const struct pod_container_status *c)
{
	if (c->pid > 0)
		(void)kill(-(pid_t)c->pid, SIGKILL);
}

const struct node_executor node_executor_host = {
	.id = EXECUTOR_HOST,
	.runtime_parent = false,
	.prepare = host_prepare,
	.exec = host_exec,
	.started = host_started,
	.release = host_release,
	.stop = host_stop,
	.kill = host_kill,
	.cleanup = host_cleanup,
};
