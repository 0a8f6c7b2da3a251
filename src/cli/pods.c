/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The local node's pods: kseccomp apply -f FILE, get pods, describe pod NAME, logs NAME
 * [-c C], delete pod NAME [--wait] [--now].
 *
 * apply starts one monitor per pod, a daemon (like conmon) that runs the init containers in
 * order, then the containers, each with the profile the kubelet and containerd would give
 * it, and restarts them per the pod's restartPolicy with the kubelet's back-off. Executors:
 *
 *   host  each container is a process of the monitor: its own process group and cgroup,
 *         the image's files as its working directory, the capabilities and user the
 *         runtime would give it, the filter installed last before execve, and
 *         PR_SET_PDEATHSIG so that nothing outlives a killed monitor;
 *   runc  an OCI bundle (the image's rootfs, pid/ipc/uts/mount namespaces, the host's
 *   crun  network) whose linux.seccomp is the resolved profile, run by the real runtime.
 *
 * State: STATE/pods/NAME/{pod, manifest, status, events, pids, monitor.lock, logs/C.log,
 * bundles/C/config.json}. The monitor holds monitor.lock while it lives; status is rewritten
 * atomically, so readers never see half of it.
 */
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include <grp.h>

#include "cli.h"
#include "fs.h"
#include "doc.h"
#include "exec.h"
#include "images.h"
#include "kube.h"
#include "listener.h"
#include "pods.h"
#include "strbuf.h"

#define BACKOFF_START  10
#define BACKOFF_MAX    300
#define BACKOFF_RESET  600
#define MAX_CONTAINERS 64
#define DEFAULT_GRACE  30

/* ---------------------------------------------------------------------------------------- */
/* Status: a "pod" line and one line per container, tab-separated key=value fields           */

struct cstatus {
	char name[64];
	char kind[16];
	char state[16];    /* waiting, running, terminated */
	char reason[48];   /* ContainerCreating, CrashLoopBackOff, Completed, Error, ... */
	char profile[600]; /* Unconfined, RuntimeDefault, Localhost PATH */
	char message[600];
	int exit_code, signal, restarts;
	int64_t pid, started, finished;
	bool ready;
	/* the previous run, for describe's "Last State" */
	char last_reason[48];
	int last_exit, last_signal;
	int64_t last_started, last_finished;
};

struct pstatus {
	char phase[32];
	int64_t monitor, created;
	bool deleting;
	struct cstatus c[MAX_CONTAINERS];
	size_t n;
};

static void
clean(char *s)
{
	for (; *s; s++)
		if (*s == '\n' || *s == '\t')
			*s = ' ';
}

static void
format_status(struct strbuf *sb, struct pstatus *st)
{
	strbuf_printf(sb, "pod\tphase=%s\tmonitor=%" PRId64 "\tcreated=%" PRId64 "\tdeleting=%d\n",
	              st->phase, st->monitor, st->created, st->deleting);
	for (size_t i = 0; i < st->n; i++) {
		struct cstatus *c = &st->c[i];

		clean(c->message);
		clean(c->profile);
		strbuf_printf(
		        sb,
		        "container\tname=%s\tkind=%s\tstate=%s\treason=%s\texit=%d\tsignal=%d\t"
		        "restarts=%d\tpid=%" PRId64 "\tstarted=%" PRId64 "\tfinished=%" PRId64
		        "\tready=%d\tlast_reason=%s\tlast_exit=%d\tlast_signal=%d\t"
		        "last_started=%" PRId64 "\tlast_finished=%" PRId64 "\tprofile=%s\t"
		        "message=%s\n",
		        c->name, c->kind, c->state, c->reason, c->exit_code, c->signal, c->restarts,
		        c->pid, c->started, c->finished, c->ready, c->last_reason, c->last_exit,
		        c->last_signal, c->last_started, c->last_finished, c->profile, c->message);
	}
}

/* Write DIR/NAME atomically: a reader sees the old or the new text, never a mix. Whatever
 * NAME was (a link, a FIFO) is replaced, not followed or opened. */
static int
write_atomic(const char *dir, const char *name, const char *text, size_t len)
{
	_cleanup_(closep) int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (dirfd < 0)
		return -errno;
	return ksc_fs_install_at(dirfd, name, text, len, 0600, 0, NULL, NULL);
}

static const char *
field(const char *line, const char *key, char *out, size_t size)
{
	char pat[40];
	const char *p, *end;

	snprintf(pat, sizeof(pat), "\t%s=", key);
	p = strstr(line, pat);
	out[0] = '\0';
	if (!p)
		return out;
	p += strlen(pat);
	end = p + strcspn(p, "\t\n");
	snprintf(out, size, "%.*s", (int)(end - p), p);
	return out;
}

#define FIELD_STR(line, key, dst) snprintf(dst, sizeof(dst), "%s", field(line, key, v, sizeof(v)))
#define FIELD_INT(line, key)      strtoll(field(line, key, v, sizeof(v)), NULL, 10)

static int
read_status(const char *dir, struct pstatus *st)
{
	char path[PATH_MAX], line[4096], v[700];
	_cleanup_(fclosep) FILE *f = NULL;

	memset(st, 0, sizeof(*st));
	pathf(path, sizeof(path), "%s/status", dir);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (startswith(line, "pod\t")) {
			FIELD_STR(line, "phase", st->phase);
			st->monitor = FIELD_INT(line, "monitor");
			st->created = FIELD_INT(line, "created");
			st->deleting = FIELD_INT(line, "deleting");
		} else if (startswith(line, "container\t") && st->n < MAX_CONTAINERS) {
			struct cstatus *c = &st->c[st->n++];

			FIELD_STR(line, "name", c->name);
			FIELD_STR(line, "kind", c->kind);
			FIELD_STR(line, "state", c->state);
			FIELD_STR(line, "reason", c->reason);
			FIELD_STR(line, "profile", c->profile);
			FIELD_STR(line, "message", c->message);
			FIELD_STR(line, "last_reason", c->last_reason);
			c->exit_code = (int)FIELD_INT(line, "exit");
			c->signal = (int)FIELD_INT(line, "signal");
			c->restarts = (int)FIELD_INT(line, "restarts");
			c->pid = FIELD_INT(line, "pid");
			c->started = FIELD_INT(line, "started");
			c->finished = FIELD_INT(line, "finished");
			c->ready = FIELD_INT(line, "ready");
			c->last_exit = (int)FIELD_INT(line, "last_exit");
			c->last_signal = (int)FIELD_INT(line, "last_signal");
			c->last_started = FIELD_INT(line, "last_started");
			c->last_finished = FIELD_INT(line, "last_finished");
		}
	}
	return 0;
}

/* The pod file: what apply decided, key=value lines. */
struct pod_info {
	char name[256];
	char source[PATH_MAX];
	char root_dir[PATH_MAX];
	char node[128];
	enum executor executor;
	size_t index; /* which pod of the manifest */
	bool seccomp_default;
};

static int
read_pod_info(const char *dir, struct pod_info *info)
{
	char path[PATH_MAX], line[PATH_MAX + 64];
	_cleanup_(fclosep) FILE *f = NULL;

	memset(info, 0, sizeof(*info));
	pathf(path, sizeof(path), "%s/pod", dir);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *eq = strchr(line, '='), *value;

		if (!eq)
			continue;
		*eq = '\0';
		value = eq + 1;
		value[strcspn(value, "\n")] = '\0';
		if (streq(line, "name"))
			snprintf(info->name, sizeof(info->name), "%s", value);
		else if (streq(line, "source"))
			snprintf(info->source, sizeof(info->source), "%s", value);
		else if (streq(line, "root-dir"))
			snprintf(info->root_dir, sizeof(info->root_dir), "%s", value);
		else if (streq(line, "node"))
			snprintf(info->node, sizeof(info->node), "%s", value);
		else if (streq(line, "runtime"))
			(void)executor_parse(value, &info->executor);
		else if (streq(line, "index"))
			info->index = strtoul(value, NULL, 10);
		else if (streq(line, "seccomp-default"))
			info->seccomp_default = streq(value, "true");
	}
	return 0;
}

/* An event, as the kubelet records them: time, type, reason, from, message. */
_printf_(4, 5) static void event(const char *dir, const char *type, const char *reason,
                                 const char *fmt, ...)
{
	char path[PATH_MAX], msg[1024];
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	clean(msg);
	pathf(path, sizeof(path), "%s/events", dir);
	f = fopen(path, "ae");
	if (f) {
		fprintf(f, "%" PRId64 "\t%s\t%s\t%s\t%s\n", (int64_t)time(NULL), type, reason,
		        streq(reason, "Scheduled") ? "default-scheduler" : "kubelet", msg);
		fclose(f);
	}
}

static int
pod_dir(const struct node_opts *o, const char *name, char *buf, size_t size)
{
	if (!kube_dns_name(name, 253, true))
		return -EINVAL;
	snprintf(buf, size, "%s/pods/%s", o->state, name);
	return 0;
}

static int
rm_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if (type == FTW_DP)
		return rmdir(path) < 0 && errno != ENOENT ? -1 : 0;
	return unlink(path) < 0 && errno != ENOENT ? -1 : 0;
}

static int
rm_rf(const char *dir)
{
	return nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS) < 0 && errno != ENOENT ? -errno : 0;
}

/* Run a helper (the runtime's kill/delete) to completion, output discarded. */
static int
run_quiet(const char *const *argv)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (fd >= 0) {
			dup2(fd, STDIN_FILENO);
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The OCI runtime's state root for this node. */
static void
runtime_root(const char *state, enum executor e, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", state, executor_name(e));
}

static void
oci_container_id(const char *pod, const char *container, char *buf, size_t size)
{
	snprintf(buf, size, "%s_%s", pod, container);
}

/* runc/crun delete --force ID (or kill ID SIGNAL): the runtime's side of a container. */
static void
oci_command(const char *state, enum executor e, const char *id, const char *verb,
            const char *signal_name)
{
	char bin[PATH_MAX], root[PATH_MAX];
	const char *argv[10];
	size_t n = 0;

	if (!executor_binary(e, bin, sizeof(bin)))
		return;
	runtime_root(state, e, root, sizeof(root));
	argv[n++] = bin;
	if (e == EXECUTOR_CRUN)
		argv[n++] = "--cgroup-manager=disabled";
	argv[n++] = "--root";
	argv[n++] = root;
	argv[n++] = verb;
	if (streq(verb, "delete"))
		argv[n++] = "--force";
	argv[n++] = id;
	if (signal_name)
		argv[n++] = signal_name;
	argv[n] = NULL;
	(void)run_quiet(argv);
}

/* ---------------------------------------------------------------------------------------- */
/* The monitor                                                                                */

struct ctr {
	const struct kube_container *c;
	struct cstatus *s;
	pid_t pid;          /* the container (host) or its runtime (runc, crun) */
	int64_t next_start; /* when a container waiting to restart may start */
	int backoff;        /* the next back-off in seconds, 0: restart at once */
	int runs;
	bool done;    /* will not run again */
	bool failed;  /* and failed: an init container that blocks the pod for good */
	bool adopted; /* the OCI runtime's container process is known */
	char id[320];
};

struct monitor {
	const char *dir;
	const struct node_opts *o;
	const struct kube_pod *pod;
	struct pstatus st;
	struct ctr ctr[MAX_CONTAINERS];
	size_t n;
	char *last_status;
};

static volatile sig_atomic_t monitor_stop;

static void
on_term(int sig)
{
	(void)sig;
	monitor_stop = 1;
}

static void set_waiting(struct cstatus *s, const char *reason, const char *fmt, ...) _printf_(3, 4);

static void
set_waiting(struct cstatus *s, const char *reason, const char *fmt, ...)
{
	va_list ap;

	snprintf(s->state, sizeof(s->state), "waiting");
	snprintf(s->reason, sizeof(s->reason), "%s", reason);
	va_start(ap, fmt);
	vsnprintf(s->message, sizeof(s->message), fmt, ap);
	va_end(ap);
	s->ready = false;
}

static void
record_pid(const char *dir, pid_t pid, const char *container)
{
	char path[PATH_MAX];
	FILE *f;

	pathf(path, sizeof(path), "%s/pids", dir);
	f = fopen(path, "ae");
	if (f) {
		fprintf(f, "%d\t%s\n", (int)pid, container);
		fclose(f);
	}
}

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

static volatile pid_t ns_child;

static void
ns_forward(int sig)
{
	if (ns_child > 0)
		(void)kill(ns_child, sig);
}

/* The host executor's optional namespaces (CLONE_NEW* flags): uts gets the pod's name as
 * host name, mount a private propagation, pid a fork so that the workload is pid 1 there
 * (this process stays outside, passing signals on and ending as the workload ends), and
 * with both pid and mount a /proc of the namespace's own. */
static void
enter_namespaces(unsigned long flags, const char *hostname)
{
	int status;

	if (unshare((int)flags) < 0) {
		fprintf(stderr, "kseccomp: unshare: %s\n", strerror(errno));
		_exit(128);
	}
	if ((flags & CLONE_NEWUTS) && sethostname(hostname, strlen(hostname)) < 0) {
		fprintf(stderr, "kseccomp: sethostname: %s\n", strerror(errno));
		_exit(128);
	}
	if ((flags & CLONE_NEWNS) && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		fprintf(stderr, "kseccomp: mount propagation: %s\n", strerror(errno));
		_exit(128);
	}
	if (!(flags & CLONE_NEWPID))
		return;
	ns_child = fork();
	if (ns_child < 0) {
		fprintf(stderr, "kseccomp: fork: %s\n", strerror(errno));
		_exit(128);
	}
	if (ns_child == 0) {
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
		if ((flags & CLONE_NEWNS) &&
		    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
			fprintf(stderr, "kseccomp: mount /proc: %s\n", strerror(errno));
			_exit(128);
		}
		return;
	}
	{
		struct sigaction sa = { .sa_handler = ns_forward, .sa_flags = SA_RESTART };

		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
	}
	while (waitpid(ns_child, &status, 0) < 0)
		if (errno != EINTR)
			_exit(128);
	if (WIFSIGNALED(status)) {
		signal(WTERMSIG(status), SIG_DFL);
		(void)kill(getpid(), WTERMSIG(status));
	}
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

/* The capabilities a privileged container gets from a runtime executor: containerd's
 * WithAllCurrentCapabilities, every capability the runtime's own process holds (its
 * effective set), not every capability the kernel knows. Where the node itself runs without
 * one (a sandbox whose bounding set lacks CAP_SYS_MODULE), asking runc for it fails the
 * start with "unable to apply caps: operation not permitted". */
static uint64_t
privileged_caps(const struct kube_container *c)
{
	uint64_t effective;

	if (exec_current_capabilities(&effective, NULL) < 0)
		return kube_container_caps(c);
	return kube_container_caps(c) & effective;
}

/* The child side of the host executor: never returns. */
_noreturn_ static void
exec_host(const struct monitor *m, const struct kube_container *c, int64_t uid, int64_t gid,
          const char *cgroup, const char *rootfs, const char *exe, const char *const *argv,
          struct ksc_bpf *prog, const struct ksc_enforce_opts *eopts,
          struct listener_handoff *handoff)
{
	uint64_t caps = kube_container_caps(c);
	struct ksc_error *error = NULL;
	char why[256], path[PATH_MAX];
	int fd;

	if (cgroup) {
		pathf(path, sizeof(path), "%s/cgroup.procs", cgroup);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			(void)!write(fd, "0", 1);
			close(fd);
		}
	}
	if (m->o->host_namespaces)
		enter_namespaces(m->o->host_namespaces, m->pod->name);
	if (chdir(rootfs) < 0) {
		cli_error("%s: %s", rootfs, strerror(errno));
		_exit(128);
	}
	if (geteuid() == 0) {
		/* the capabilities a runtime gives the container; a non-root user keeps none */
		if (uid > 0) {
			for (unsigned cap = 0; cap <= 63; cap++)
				if (!(caps & (UINT64_C(1) << cap)))
					(void)prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
			if (setgroups(0, NULL) < 0 || setgid((gid_t)(gid >= 0 ? gid : 0)) < 0 ||
			    setuid((uid_t)uid) < 0) {
				fprintf(stderr, "kseccomp: cannot run as %" PRId64 ": %s\n", uid,
				        strerror(errno));
				_exit(128);
			}
		} else {
			if (gid > 0 && (setgroups(0, NULL) < 0 || setgid((gid_t)gid) < 0)) {
				fprintf(stderr, "kseccomp: cannot run as group %" PRId64 ": %s\n",
				        gid, strerror(errno));
				_exit(128);
			}
			if (exec_drop_capabilities(caps, why, sizeof(why)) < 0) {
				cli_error("%s", why);
				_exit(128);
			}
		}
	}
	if (!prog && eopts->no_new_privs)
		(void)prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	if (prog && eopts->listener) {
		int listener = -1;

		if (ksc_enforce_install_listener(prog, eopts, &listener, &error) < 0) {
			cli_error("%s", ksc_error_message(error));
			_exit(128);
		}
		/* the monitor hands the listener to the agent before the workload runs */
		if (listener_handoff_child(handoff, listener) < 0)
			_exit(128);
	} else if (prog && ksc_enforce_install(prog, eopts, &error) < 0) {
		cli_error("%s", ksc_error_message(error));
		_exit(128);
	}
	execv(exe, (char *const *)argv);
	/* The filter may deny this write, and exit_group too: then the process cannot end
	 * by a syscall at all, and dies of a trap instead (as a Go runtime such as runc's
	 * dies of a fault), rather than spin where a libc's _exit() would. The name is
	 * escaped only when it needs it: then with memory the filter may deny (a message
	 * saying "out of memory" at worst). */
	{
		int err = errno;

		fprintf(stderr, "exec %s: %s\n", cli_escape(argv[0]), strerror(err));
		(void)syscall(SYS_exit_group, err == ENOENT ? 127 : 126);
	}
	for (;;)
		die_by_trap();
}

/* The child side of the runc and crun executors: never returns. */
_noreturn_ static void
exec_runtime(const struct monitor *m, const struct ctr *r, const char *bundle)
{
	char bin[PATH_MAX], root[PATH_MAX];
	const char *argv[12];
	size_t n = 0;

	if (!executor_binary(m->o->executor, bin, sizeof(bin))) {
		fprintf(stderr, "kseccomp: %s is not installed\n", executor_name(m->o->executor));
		_exit(127);
	}
	runtime_root(m->o->state, m->o->executor, root, sizeof(root));
	argv[n++] = bin;
	if (m->o->executor == EXECUTOR_CRUN) {
		/* crun wants the cgroup v2 hierarchy to itself, or none: on a hybrid host it
		 * runs in a mount namespace of its own without the unified mount */
		if (unshare(CLONE_NEWNS) < 0 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
			fprintf(stderr, "kseccomp: a mount namespace for crun: %s\n",
			        strerror(errno));
			_exit(128);
		}
		(void)umount2("/sys/fs/cgroup/unified", MNT_DETACH);
		argv[n++] = "--cgroup-manager=disabled";
	}
	argv[n++] = "--root";
	argv[n++] = root;
	argv[n++] = "run";
	argv[n++] = "--bundle";
	argv[n++] = bundle;
	argv[n++] = r->id;
	argv[n] = NULL;
	execv(bin, (char *const *)argv);
	{
		int err = errno;

		fprintf(stderr, "exec %s: %s\n", cli_escape(bin), strerror(err));
	}
	_exit(127);
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

/* Start one container. Returns 0 with r->pid set, or -1 with its status saying why. */
static int
start_container(struct monitor *m, struct ctr *r)
{
	const struct kube_pod *pod = m->pod;
	const struct kube_container *c = r->c;
	struct cstatus *s = r->s;
	struct kube_kubelet_result k = { 0 };
	struct kube_outcome out = { 0 };
	struct ksc_bpf *prog = NULL;
	struct ksc_enforce_opts eopts = { 0 };
	struct listener_handoff handoff = { -1, -1 };
	struct ksc_error *error = NULL;
	_cleanup_(freep) char *seccomp_json = NULL;
	/* containerd's, which a seccomp agent reads to name the pod and the container */
	const char *annotations[] = { "io.kubernetes.cri.container-type",
		                      "container",
		                      "io.kubernetes.cri.container-name",
		                      c->name,
		                      "io.kubernetes.cri.sandbox-name",
		                      pod->name,
		                      "io.kubernetes.cri.sandbox-namespace",
		                      *pod->namespace ? pod->namespace : "default",
		                      NULL };
	struct image img;
	char logpath[PATH_MAX], prev[PATH_MAX], exe[PATH_MAX], cgroup[PATH_MAX], bundle[PATH_MAX];
	const char *argv[64];
	bool have_cgroup;
	int64_t uid, gid;
	size_t argc = 0;
	pid_t pid;
	int ret = -1, rr;

	rr = kube_kubelet_resolve(pod, c, m->o->seccomp_default, m->o->root_dir, &k);
	if (rr >= 0)
		rr = kube_runtime_outcome(pod, c, &k, ksc_arch_native(), true, &out);
	if (rr >= 0 && k.type == KUBE_PROFILE_LOCALHOST && k.localhost_ref)
		snprintf(s->profile, sizeof(s->profile), "Localhost %s", k.localhost_ref);
	if (rr < 0 || out.error) {
		const char *msg = out.error ? out.error : strerror(-rr), *colon = strstr(msg, ": ");
		bool config = startswith(msg, "CreateContainerConfigError");

		set_waiting(s, config ? "CreateContainerConfigError" : "CreateContainerError", "%s",
		            out.error && colon ? colon + 2 : msg);
		event(m->dir, "Warning", "Failed", "Error: %s", s->message);
		goto out;
	}
	if (out.unconfined)
		snprintf(s->profile, sizeof(s->profile), "Unconfined%s",
		         c->privileged ? " (privileged)" : "");
	else if (k.type == KUBE_PROFILE_LOCALHOST)
		snprintf(s->profile, sizeof(s->profile), "Localhost %s", k.localhost_ref);
	else
		snprintf(s->profile, sizeof(s->profile), "RuntimeDefault%s",
		         k.defaulted ? " (seccompDefault)" : "");

	/* the image: its files, its entrypoint unless the container says otherwise */
	if (!c->image || image_lookup(m->o->store, c->image, &img) < 0) {
		set_waiting(s, "ErrImageNeverPull",
		            "Container image \"%s\" is not present with pull policy of Never "
		            "(kseccomp image import it)",
		            c->image ? c->image : "");
		event(m->dir, "Warning", "ErrImageNeverPull", "%s", s->message);
		goto out;
	}
	if (c->command)
		for (size_t i = 0; c->command[i] && argc < 60; i++)
			argv[argc++] = c->command[i];
	else if (*img.entrypoint)
		argv[argc++] = img.entrypoint;
	for (size_t i = 0; c->args && c->args[i] && argc < 62; i++)
		argv[argc++] = c->args[i];
	argv[argc] = NULL;
	if (argc == 0) {
		set_waiting(s, "CreateContainerError", "no command specified");
		event(m->dir, "Warning", "Failed", "Error: %s", s->message);
		goto out;
	}
	uid = c->run_as_user >= 0 ? c->run_as_user : pod->run_as_user;
	gid = c->run_as_group >= 0 ? c->run_as_group : pod->run_as_group;
	have_cgroup =
	        geteuid() == 0 && m->o->executor == EXECUTOR_HOST &&
	        pod_cgroup_create(m->o->state, pod->name, c->name, cgroup, sizeof(cgroup)) == 0;
	oci_container_id(pod->name, c->name, r->id, sizeof(r->id));
	eopts.no_new_privs = c->allow_privilege_escalation_set && !c->allow_privilege_escalation;

	if (m->o->executor == EXECUTOR_HOST) {
		if (find_executable(img.rootfs, argv[0], exe, sizeof(exe)) < 0) {
			set_waiting(s, "StartError",
			            "exec: \"%s\": executable file not found in $PATH", argv[0]);
			event(m->dir, "Warning", "Failed", "Error: %s", s->message);
			goto out;
		}
		if (out.profile) {
			bool present;

			rr = ksc_profile_compile(out.profile, NULL, &prog, NULL, &error);
			if (rr < 0) {
				set_waiting(s, "CreateContainerError", "%s",
				            error ? ksc_error_message(error) : strerror(-rr));
				event(m->dir, "Warning", "Failed", "Error: %s", s->message);
				ksc_error_free(error);
				goto out;
			}
			eopts.flags = ksc_profile_flags(out.profile, &present);
			eopts.flags_set = present;
			eopts.listener = listener_profile_notifies(out.profile);
			if (eopts.listener && listener_handoff_open(&handoff) < 0) {
				set_waiting(s, "CreateContainerError", "socketpair: %s",
				            strerror(errno));
				goto out;
			}
		}
	} else {
		struct oci_process p = {
			.annotations = annotations,
			.argv = argv,
			.uid = uid >= 0 ? uid : 0,
			.gid = gid >= 0 ? gid : 0,
			.caps = c->privileged ? privileged_caps(c) : kube_container_caps(c),
			.no_new_privs = eopts.no_new_privs,
			.hostname = pod->name,
			.rootfs = img.rootfs,
		};
		char why[512], cgpath[600];

		if (out.profile && oci_seccomp_json(out.profile, &seccomp_json, NULL) < 0) {
			set_waiting(s, "CreateContainerError", "out of memory");
			goto out;
		}
		p.seccomp_json = seccomp_json;
		if (m->o->executor == EXECUTOR_RUNC && geteuid() == 0) {
			char slice[64];

			node_cgroup_slice(m->o->state, slice, sizeof(slice));
			snprintf(cgpath, sizeof(cgpath), "/%s/%s/%s", slice, pod->name, c->name);
			p.cgroups_path = cgpath;
		}
		pathf(bundle, sizeof(bundle), "%s/bundles", m->dir);
		(void)mkdir(bundle, 0700);
		pathf(bundle, sizeof(bundle), "%s/bundles/%s", m->dir, c->name);
		if (oci_write_bundle(bundle, &p, why, sizeof(why)) < 0) {
			set_waiting(s, "CreateContainerError", "%s", why);
			event(m->dir, "Warning", "Failed", "Error: %s", s->message);
			goto out;
		}
		/* a previous run's state, if the runtime kept it */
		oci_command(m->o->state, m->o->executor, r->id, "delete", NULL);
	}

	pathf(logpath, sizeof(logpath), "%s/logs/%s.log", m->dir, c->name);
	if (r->runs > 0) {
		pathf(prev, sizeof(prev), "%s/logs/%s.previous.log", m->dir, c->name);
		(void)rename(logpath, prev);
	}
	if (r->runs == 0)
		event(m->dir, "Normal", "Pulled",
		      "Container image \"%s\" already present on machine", c->image);
	event(m->dir, "Normal", "Created", "Created container %s", c->name);

	pid = fork();
	if (pid == 0) {
		pid_t monitor_pid = (pid_t)m->st.monitor;
		int fd;

		(void)setpgid(0, 0);
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != monitor_pid)
			_exit(128); /* the monitor died before PR_SET_PDEATHSIG */
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			dup2(fd, STDIN_FILENO);
		if (m->o->executor == EXECUTOR_HOST)
			exec_host(m, c, uid, gid, have_cgroup ? cgroup : NULL, img.rootfs, exe,
			          argv, prog, &eopts, &handoff);
		exec_runtime(m, r, bundle);
	}
	if (pid < 0) {
		set_waiting(s, "CreateContainerError", "fork: %s", strerror(errno));
		goto out;
	}
	if (eopts.listener) {
		struct notify_state st = {
			.metadata = ksc_profile_listener_metadata(out.profile),
			.id = r->id,
			.status = "creating",
			.bundle = m->dir,
			.annotations = annotations,
		};
		char why[600];

		rr = listener_handoff_parent(&handoff, pid, ksc_profile_listener_path(out.profile),
		                             &st, why, sizeof(why));
		listener_handoff_close(&handoff);
		if (rr < 0) {
			(void)kill(pid, SIGKILL);
			(void)waitpid(pid, NULL, 0);
			if (rr == -ECHILD)
				snprintf(why, sizeof(why),
				         "the container process failed before its "
				         "filter was in place (see its log)");
			set_waiting(s, "StartError", "%s", why);
			event(m->dir, "Warning", "Failed", "Error: %s", s->message);
			goto out;
		}
	}
	(void)setpgid(pid, pid); /* both sides, so that kill(-pid) works at once */
	if (m->o->executor == EXECUTOR_HOST)
		record_pid(m->dir, pid, c->name);
	if (r->runs > 0)
		s->restarts++;
	r->runs++;
	r->pid = pid;
	r->adopted = m->o->executor == EXECUTOR_HOST;
	snprintf(s->state, sizeof(s->state), "running");
	s->reason[0] = s->message[0] = '\0';
	s->pid = pid;
	s->started = time(NULL);
	s->finished = 0;
	s->exit_code = s->signal = 0;
	s->ready = true;
	event(m->dir, "Normal", "Started", "Started container %s", c->name);
	ret = 0;
out:
	listener_handoff_close(&handoff);
	ksc_bpf_free(prog);
	kube_outcome_done(&out);
	kube_kubelet_result_done(&k);
	return ret;
}

static void
stop_all(struct monitor *m, int grace)
{
	int64_t deadline = time(NULL) + grace;
	bool any = false;

	for (size_t i = 0; i < m->n; i++)
		if (m->ctr[i].pid > 0) {
			event(m->dir, "Normal", "Killing", "Stopping container %s",
			      m->ctr[i].c->name);
			/* the runtime passes the signal on to the container */
			(void)kill(m->o->executor == EXECUTOR_HOST ? -m->ctr[i].pid : m->ctr[i].pid,
			           SIGTERM);
			any = true;
		}
	while (any) {
		any = false;
		for (size_t i = 0; i < m->n; i++)
			if (m->ctr[i].pid > 0) {
				if (waitpid(m->ctr[i].pid, NULL, WNOHANG) == 0)
					any = true;
				else
					m->ctr[i].pid = -1;
			}
		if (!any || time(NULL) >= deadline)
			break;
		(void)poll(NULL, 0, 50);
	}
	for (size_t i = 0; i < m->n; i++) {
		struct ctr *r = &m->ctr[i];

		if (r->pid > 0) {
			if (m->o->executor == EXECUTOR_HOST)
				(void)kill(-r->pid, SIGKILL);
			else
				oci_command(m->o->state, m->o->executor, r->id, "kill", "KILL");
			(void)kill(r->pid, SIGKILL);
			(void)waitpid(r->pid, NULL, 0);
			r->pid = -1;
		}
		if (m->o->executor != EXECUTOR_HOST && r->runs > 0)
			oci_command(m->o->state, m->o->executor, r->id, "delete", NULL);
	}
}

/* The pod's phase: Pending until every container has started, Running while one runs or
 * will restart, then Succeeded or Failed. */
static const char *
phase_of(const struct monitor *m)
{
	bool all_done = true, any_failed = false, all_started = true, any_regular = false;

	for (size_t i = 0; i < m->n; i++) {
		const struct ctr *r = &m->ctr[i];

		if (r->c->kind == KUBE_INIT && r->done && r->failed)
			return "Failed";
		if (r->c->kind != KUBE_CONTAINER)
			continue;
		any_regular = true;
		all_started = all_started && r->runs > 0;
		all_done = all_done && r->done && r->pid <= 0;
		any_failed = any_failed || (streq(r->s->state, "terminated") && r->s->exit_code);
	}
	if (!any_regular || !all_started)
		return "Pending";
	if (all_done)
		return any_failed ? "Failed" : "Succeeded";
	return "Running";
}

static void
save_status(struct monitor *m)
{
	struct strbuf sb = { 0 };
	_cleanup_(freep) char *text = NULL;
	size_t len = 0;

	snprintf(m->st.phase, sizeof(m->st.phase), "%s", phase_of(m));
	format_status(&sb, &m->st);
	if (strbuf_finish(&sb, &text, &len) < 0)
		return;
	if (m->last_status && streq(m->last_status, text))
		return;
	if (write_atomic(m->dir, "status", text, len) == 0) {
		free(m->last_status);
		m->last_status = TAKE_PTR(text);
	}
}

/* The container process of runc or crun: the runtime's child (its init execs the
 * workload, keeping its pid). Recorded for audit attribution; crun, which runs without
 * cgroups here, has it moved into the pod's cgroup so that delete reaches it. */
static void
adopt_oci_processes(struct monitor *m)
{
	_cleanup_(closedirp) DIR *d = NULL;
	struct dirent *de;
	bool pending = false;

	for (size_t i = 0; i < m->n; i++)
		pending = pending || (m->ctr[i].pid > 0 && !m->ctr[i].adopted);
	if (!pending || !(d = opendir("/proc")))
		return;
	while ((de = readdir(d))) {
		char path[300], buf[512], *p;
		_cleanup_(fclosep) FILE *f = NULL;
		long ppid;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		f = fopen(path, "re");
		if (!f || !fgets(buf, sizeof(buf), f) || !(p = strrchr(buf, ')')))
			continue;
		if (sscanf(p + 1, " %*c %ld", &ppid) != 1)
			continue;
		for (size_t i = 0; i < m->n; i++) {
			struct ctr *r = &m->ctr[i];
			char cg[PATH_MAX], procs[PATH_MAX + 16];
			int fd;

			if (r->pid <= 0 || r->adopted || ppid != r->pid)
				continue;
			r->adopted = true;
			record_pid(m->dir, (pid_t)strtol(de->d_name, NULL, 10), r->c->name);
			if (m->o->executor != EXECUTOR_CRUN || geteuid() != 0 ||
			    pod_cgroup_create(m->o->state, m->pod->name, r->c->name, cg,
			                      sizeof(cg)) < 0)
				continue;
			pathf(procs, sizeof(procs), "%s/cgroup.procs", cg);
			fd = open(procs, O_WRONLY | O_CLOEXEC);
			if (fd >= 0) {
				(void)!write(fd, de->d_name, strlen(de->d_name));
				close(fd);
			}
		}
	}
}

/* A container ended: its status, and when it runs again. */
static void
container_exited(struct monitor *m, struct ctr *r, int status)
{
	const char *policy = m->pod->restart_policy ? m->pod->restart_policy : "Always";
	struct cstatus *s = r->s;
	int64_t now = time(NULL);
	bool failed;

	r->pid = -1;
	s->pid = 0;
	s->ready = false;
	snprintf(s->state, sizeof(s->state), "terminated");
	s->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	s->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	s->finished = now;
	failed = s->exit_code != 0;
	snprintf(s->reason, sizeof(s->reason), "%s", failed ? "Error" : "Completed");
	s->message[0] = '\0';
	snprintf(s->last_reason, sizeof(s->last_reason), "%s", s->reason);
	s->last_exit = s->exit_code;
	s->last_signal = s->signal;
	s->last_started = s->started;
	s->last_finished = now;
	if (m->o->executor != EXECUTOR_HOST)
		oci_command(m->o->state, m->o->executor, r->id, "delete", NULL);

	if (r->c->kind == KUBE_INIT && !failed) {
		r->done = true;
		return;
	}
	if (r->c->kind != KUBE_SIDECAR &&
	    (streq(policy, "Never") || (streq(policy, "OnFailure") && !failed))) {
		/* a failed init container of a Never pod fails the pod: nothing after it runs */
		r->done = true;
		r->failed = failed;
		return;
	}
	/* the kubelet's back-off: the first restart at once, then 10 s doubling to 5 min;
	 * a container that ran for 10 min starts over */
	if (now - s->started >= BACKOFF_RESET)
		r->backoff = 0;
	r->next_start = now + r->backoff;
	if (r->backoff) {
		set_waiting(s, "CrashLoopBackOff",
		            "back-off %ds restarting failed container=%s pod=%s", r->backoff,
		            r->c->name, m->pod->name);
		event(m->dir, "Warning", "BackOff",
		      "Back-off restarting failed container %s in pod %s", r->c->name,
		      m->pod->name);
	}
	r->backoff = r->backoff ? MIN(2 * r->backoff, BACKOFF_MAX) : BACKOFF_START;
}

/* Start what may start now: init containers one at a time (a sidecar counts as done once
 * it runs), then every container. */
static void
start_due(struct monitor *m)
{
	int64_t now = time(NULL);

	for (size_t i = 0; i < m->n; i++) {
		struct ctr *r = &m->ctr[i];

		if (r->c->kind != KUBE_INIT && r->c->kind != KUBE_SIDECAR)
			continue;
		if (r->done && r->failed)
			return; /* the pod failed */
		if (r->done || (r->c->kind == KUBE_SIDECAR && r->runs > 0))
			continue; /* a sidecar that ran once restarts below, in parallel */
		if (r->pid <= 0 && now >= r->next_start && start_container(m, r) < 0) {
			r->next_start = now + (r->backoff ? r->backoff : BACKOFF_START);
			r->backoff = r->backoff ? MIN(2 * r->backoff, BACKOFF_MAX) : BACKOFF_START;
		}
		if (r->c->kind == KUBE_INIT || r->pid <= 0)
			return; /* wait for this one */
	}
	for (size_t i = 0; i < m->n; i++) {
		struct ctr *r = &m->ctr[i];

		if (r->c->kind == KUBE_EPHEMERAL || r->c->kind == KUBE_INIT || r->done ||
		    r->pid > 0 || now < r->next_start)
			continue;
		if (r->c->kind == KUBE_SIDECAR && r->runs == 0)
			continue;
		if (start_container(m, r) < 0) {
			r->next_start = now + (r->backoff ? r->backoff : BACKOFF_START);
			r->backoff = r->backoff ? MIN(2 * r->backoff, BACKOFF_MAX) : BACKOFF_START;
		}
	}
}

static int
read_grace(const char *dir)
{
	char path[PATH_MAX], buf[32] = "";
	_cleanup_(fclosep) FILE *f = NULL;

	pathf(path, sizeof(path), "%s/grace", dir);
	f = fopen(path, "re");
	if (!f || !fgets(buf, sizeof(buf), f))
		return DEFAULT_GRACE;
	return (int)MIN(strtol(buf, NULL, 10), 3600);
}

/* Remove what is left of a pod: its runtime state, cgroups and directory. */
static void
pod_cleanup(const struct node_opts *o, const char *dir, const char *name)
{
	struct pod_info info;
	struct pstatus st;

	if (read_pod_info(dir, &info) == 0 && info.executor != EXECUTOR_HOST &&
	    read_status(dir, &st) == 0)
		for (size_t i = 0; i < st.n; i++) {
			char id[320];

			oci_container_id(name, st.c[i].name, id, sizeof(id));
			oci_command(o->state, info.executor, id, "kill", "KILL");
			oci_command(o->state, info.executor, id, "delete", NULL);
		}
	/* without a cgroup (not root), the containers' process groups */
	if (read_status(dir, &st) == 0)
		for (size_t i = 0; i < st.n; i++)
			if (st.c[i].pid > 0 && info.executor == EXECUTOR_HOST)
				(void)kill(-(pid_t)st.c[i].pid, SIGKILL);
	(void)pod_cgroup_destroy(o->state, name);
	(void)rm_rf(dir);
}

_noreturn_ static void
monitor_main(const char *dir, const struct node_opts *o, const struct kube_pod *pod, int lock_fd)
{
	struct monitor m = { .dir = dir, .o = o, .pod = pod };
	struct sigaction sa = { .sa_handler = on_term };
	char path[PATH_MAX];

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	(void)lock_fd; /* held until exit */
	m.st.monitor = getpid();
	m.st.created = time(NULL);
	m.n = m.st.n = MIN(pod->n_containers, (size_t)MAX_CONTAINERS);
	for (size_t i = 0; i < m.n; i++) {
		const struct kube_container *c = &pod->containers[i];
		struct cstatus *s = &m.st.c[i];

		m.ctr[i] = (struct ctr){ .c = c, .s = s, .pid = -1 };
		snprintf(s->name, sizeof(s->name), "%s", c->name);
		snprintf(s->kind, sizeof(s->kind), "%s", kube_container_kind_name(c->kind));
		snprintf(s->state, sizeof(s->state), "waiting");
		snprintf(s->reason, sizeof(s->reason), "%s",
		         c->kind == KUBE_CONTAINER ? "ContainerCreating" : "PodInitializing");
		/* ephemeral containers are added to running pods by kubectl debug, never here */
		m.ctr[i].done = c->kind == KUBE_EPHEMERAL;
	}
	{
		char node[128];

		node_name(node, sizeof(node));
		event(dir, "Normal", "Scheduled", "Successfully assigned %s/%s to %s",
		      *pod->namespace ? pod->namespace : "default", pod->name, node);
	}
	save_status(&m);

	while (!monitor_stop) {
		int status;
		pid_t pid;

		start_due(&m);
		adopt_oci_processes(&m);
		save_status(&m);
		pid = waitpid(-1, &status, WNOHANG);
		if (pid <= 0) {
			(void)poll(NULL, 0, 100);
			continue;
		}
		for (size_t i = 0; i < m.n; i++)
			if (m.ctr[i].pid == pid)
				container_exited(&m, &m.ctr[i], status);
	}

	m.st.deleting = true;
	save_status(&m);
	stop_all(&m, read_grace(dir));
	pathf(path, sizeof(path), "%s/deleted", dir);
	if (access(path, F_OK) == 0) {
		/* delete: nothing of the pod stays */
		pod_cleanup(o, dir, pod->name);
		_exit(0);
	}
	for (size_t i = 0; i < m.n; i++)
		if (streq(m.st.c[i].state, "running")) {
			snprintf(m.st.c[i].state, sizeof(m.st.c[i].state), "terminated");
			snprintf(m.st.c[i].reason, sizeof(m.st.c[i].reason), "Completed");
		}
	m.st.monitor = 0;
	save_status(&m);
	_exit(0);
}

/* ---------------------------------------------------------------------------------------- */
/* Reading a pod's state                                                                      */

/* True while the pod's monitor lives: it holds monitor.lock. */
static bool
monitor_alive(const char *dir)
{
	char path[PATH_MAX];
	_cleanup_(closep) int fd = -1;

	pathf(path, sizeof(path), "%s/monitor.lock", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (flock(fd, LOCK_SH | LOCK_NB) == 0) {
		(void)flock(fd, LOCK_UN);
		return false;
	}
	return errno == EWOULDBLOCK;
}

struct pod_row {
	char name[256];
	char status[96];
	int ready, total, restarts;
	int64_t created;
	struct pstatus st;
	struct pod_info info;
};

static bool
is_regular(const struct cstatus *c)
{
	return streq(c->kind, "container") || streq(c->kind, "sidecar");
}

/* kubectl's STATUS column (printPod): the first unfinished init container, else the last
 * container with a reason, Terminating while deleted. */
static void
pod_row_compute(const char *dir, struct pod_row *row)
{
	const struct pstatus *st = &row->st;
	size_t n_init = 0, i_init = 0;
	bool initializing = false, has_running = false;
	char reason[96];

	snprintf(reason, sizeof(reason), "%s", *st->phase ? st->phase : "Pending");
	row->ready = row->total = row->restarts = 0;
	for (size_t i = 0; i < st->n; i++) {
		const struct cstatus *c = &st->c[i];

		row->restarts += c->restarts;
		if (is_regular(c)) {
			row->total++;
			row->ready += c->ready;
		}
		n_init += streq(c->kind, "init") || streq(c->kind, "sidecar");
	}
	for (size_t i = 0; i < st->n; i++) {
		const struct cstatus *c = &st->c[i];

		if (!streq(c->kind, "init") && !streq(c->kind, "sidecar"))
			continue;
		i_init++;
		if (streq(c->state, "terminated") && c->exit_code == 0)
			continue;
		if (streq(c->kind, "sidecar") && streq(c->state, "running"))
			continue;
		if (streq(c->state, "terminated")) {
			if (*c->reason)
				snprintf(reason, sizeof(reason), "Init:%s", c->reason);
			else if (c->signal)
				snprintf(reason, sizeof(reason), "Init:Signal:%d", c->signal);
			else
				snprintf(reason, sizeof(reason), "Init:ExitCode:%d", c->exit_code);
		} else if (streq(c->state, "waiting") && *c->reason &&
		           !streq(c->reason, "PodInitializing"))
			snprintf(reason, sizeof(reason), "Init:%s", c->reason);
		else
			snprintf(reason, sizeof(reason), "Init:%zu/%zu", i_init - 1, n_init);
		initializing = true;
		break;
	}
	if (!initializing) {
		for (size_t i = st->n; i-- > 0;) {
			const struct cstatus *c = &st->c[i];

			if (!streq(c->kind, "container"))
				continue;
			if (streq(c->state, "waiting") && *c->reason)
				snprintf(reason, sizeof(reason), "%s", c->reason);
			else if (streq(c->state, "terminated") && *c->reason)
				snprintf(reason, sizeof(reason), "%s", c->reason);
			else if (streq(c->state, "terminated"))
				snprintf(reason, sizeof(reason), "%s:%d",
				         c->signal ? "Signal" : "ExitCode",
				         c->signal ? c->signal : c->exit_code);
			else if (streq(c->state, "running") && c->ready)
				has_running = true;
		}
		if (streq(reason, "Completed") && has_running)
			snprintf(reason, sizeof(reason), "Running");
	}
	if (st->deleting || access(dir, F_OK) < 0)
		snprintf(reason, sizeof(reason), "Terminating");
	else if (!monitor_alive(dir) && st->monitor != 0)
		snprintf(reason, sizeof(reason), "Unknown"); /* the monitor was killed */
	snprintf(row->status, sizeof(row->status), "%s", reason);
	row->created = st->created;
}

static int
pod_row_load(const struct node_opts *o, const char *name, struct pod_row *row)
{
	char dir[PATH_MAX];
	struct stat sb;
	int r;

	memset(row, 0, sizeof(*row));
	if (pod_dir(o, name, dir, sizeof(dir)) < 0 || stat(dir, &sb) < 0)
		return -ENOENT;
	snprintf(row->name, sizeof(row->name), "%s", name);
	(void)read_pod_info(dir, &row->info);
	r = read_status(dir, &row->st);
	if (r < 0) /* apply is still writing it */
		row->st.created = (int64_t)sb.st_mtime;
	pod_row_compute(dir, row);
	return 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of every pod on the node, sorted. */
static int
list_pods(const struct node_opts *o, char ***ret, size_t *ret_n)
{
	char path[PATH_MAX];
	_cleanup_(closedirp) DIR *d = NULL;
	struct dirent *de;
	char **v = NULL;
	size_t n = 0;

	*ret = NULL;
	*ret_n = 0;
	pathf(path, sizeof(path), "%s/pods", o->state);
	d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		char **grown;

		if (!kube_dns_name(de->d_name, 253, true))
			continue;
		grown = reallocarray(v, n + 1, sizeof(*v));
		if (!grown || !(grown[n] = strdup(de->d_name))) {
			free(grown ? grown : v);
			return -ENOMEM;
		}
		v = grown;
		n++;
	}
	if (n) /* qsort()'s array may not be NULL, even for no element (C11 7.22.5) */
		qsort(v, n, sizeof(*v), name_cmp);
	*ret = v;
	*ret_n = n;
	return 0;
}

static void
free_names(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* kubectl's ages: 45s, 3m20s, 12m, 5h10m, 3d4h, 12d. */
static void
format_age(int64_t seconds, char *buf, size_t size)
{
	int64_t s = MAX(seconds, 0), m = s / 60, h = m / 60, d = h / 24;

	if (s < 120)
		snprintf(buf, size, "%" PRId64 "s", s);
	else if (m < 10)
		snprintf(buf, size, "%" PRId64 "m%" PRId64 "s", m, s % 60);
	else if (h < 3)
		snprintf(buf, size, "%" PRId64 "m", m);
	else if (h < 8)
		snprintf(buf, size, "%" PRId64 "h%" PRId64 "m", h, m % 60);
	else if (h < 48)
		snprintf(buf, size, "%" PRId64 "h", h);
	else if (d < 8)
		snprintf(buf, size, "%" PRId64 "d%" PRId64 "h", d, h % 24);
	else
		snprintf(buf, size, "%" PRId64 "d", d);
}

static void
format_time(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!t || !gmtime_r(&tt, &tm) || !strftime(buf, size, "%a, %d %b %Y %H:%M:%S +0000", &tm))
		snprintf(buf, size, "<unknown>");
}

/* ---------------------------------------------------------------------------------------- */
/* Options shared by the verbs                                                                 */

enum {
	OPT_STATE_DIR = 0x100,
	OPT_ROOT_DIR,
	OPT_IMAGE_STORE,
	OPT_RUNTIME,
	OPT_SECCOMP_DEFAULT,
	OPT_WAIT,
	OPT_NOW,
	OPT_GRACE,
	OPT_NAMESPACES,
};

#define NODE_OPTIONS_HELP                                                                       \
	"      --state-dir DIR     the pods' state (default: /run/kseccomp for root,\n"         \
	"                          $XDG_RUNTIME_DIR/kseccomp otherwise; $KSECCOMP_STATE_DIR)\n" \
	"  -h, --help              show this help\n"

static int
node_option(int c, const char *arg, struct node_opts *o, const char *command)
{
	switch (c) {
	case OPT_STATE_DIR:
		o->state = arg;
		return 0;
	case OPT_ROOT_DIR:
		o->root_dir = arg;
		return 0;
	case OPT_IMAGE_STORE:
		o->store = arg;
		return 0;
	case OPT_RUNTIME:
		if (executor_parse(arg, &o->executor) < 0)
			return cli_usage_error(
			        command, "--runtime: unknown runtime '%s' (host, runc, crun)", arg);
		o->executor_set = true;
		return 0;
	case OPT_SECCOMP_DEFAULT:
		o->seccomp_default = true;
		return 0;
	default:
		return -1;
	}
}

/* ---------------------------------------------------------------------------------------- */
/* apply                                                                                       */

static const char apply_help[] =
        ("Usage: kseccomp apply -f FILE [--runtime host|runc|crun] [--seccomp-default]\n"
         "                      [--namespaces LIST] [--root-dir DIR] [--image-store DIR]\n"
         "                      [--state-dir DIR]\n"
         "\n"
         "Create the Pods of FILE ('-': standard input) on the local node; a workload\n"
         "(Deployment, Job, ...) gives one pod named after it. Every pod is validated as\n"
         "the API server does first: nothing starts when one is invalid. Each pod gets a\n"
         "monitor process that runs its init containers in order, then its containers,\n"
         "each under the seccomp profile the kubelet and containerd give it (see 'kseccomp\n"
         "kube resolve'), and restarts them per restartPolicy with the kubelet's back-off.\n"
         "\n"
         "Options:\n"
         "  -f, --filename FILE     the manifests\n"
         "      --runtime R         host: processes of the monitor, kseccomp installing the\n"
         "                          filter; runc or crun: an OCI bundle run by the runtime\n"
         "                          (default: $KSECCOMP_RUNTIME, else runc when installed,\n"
         "                          else host). crun runs without cgroups on hybrid hosts.\n"
         "      --seccomp-default   the kubelet's seccompDefault: RuntimeDefault for\n"
         "                          containers that set no profile\n"
         "      --root-dir DIR      the kubelet root; Localhost profiles are read from\n"
         "                          DIR/seccomp (default: $KSECCOMP_ROOT_DIR, else\n"
         "                          /var/lib/kubelet for root)\n"
         "      --image-store DIR   where 'kseccomp image import' put the images\n"
         "      --namespaces LIST   the host executor's namespaces: pid, mount, uts, ipc\n"
         "                          (default: none; runc and crun use all "
         "four)\n" NODE_OPTIONS_HELP);

static int
parse_namespaces(const char *list, unsigned long *ret)
{
	static const struct {
		const char *name;
		unsigned long flag;
	} names[] = {
		{ "pid", CLONE_NEWPID },
		{ "mount", CLONE_NEWNS },
		{ "uts", CLONE_NEWUTS },
		{ "ipc", CLONE_NEWIPC },
	};
	char buf[256];

	*ret = 0;
	snprintf(buf, sizeof(buf), "%s", list);
	for (char *save = NULL, *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		size_t i;

		for (i = 0; i < ELEMENTSOF(names) && !streq(w, names[i].name); i++)
			;
		if (i == ELEMENTSOF(names))
			return -EINVAL;
		*ret |= names[i].flag;
	}
	return *ret ? 0 : -EINVAL;
}

static int
check_names(const struct kube_pod *pod)
{
	int bad = 0;

	if (!*pod->name) {
		cli_error("%s:%u:%u: %s: metadata.name: Required value: name or generateName is "
		          "required",
		          pod->file, pod->line, pod->column, pod->kind);
		return 1;
	}
	if (!kube_dns_name(pod->name, 253, true)) {
		cli_error("%s:%u:%u: %s \"%s\" is invalid: metadata.name: Invalid value: \"%s\": a "
		          "lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
		          "characters, '-' or '.', and must start and end with an alphanumeric "
		          "character",
		          pod->file, pod->line, pod->column, pod->kind, pod->name, pod->name);
		return 1;
	}
	for (size_t i = 0; i < pod->n_containers; i++) {
		const struct kube_container *c = &pod->containers[i];

		if (!kube_dns_name(c->name, 63, false)) {
			cli_error("%s:%u:%u: %s \"%s\" is invalid: %s.%s[%zu].name: Invalid value: "
			          "\"%s\": a lowercase RFC 1123 label must consist of lower case "
			          "alphanumeric characters or '-', and must start and end with an "
			          "alphanumeric character",
			          pod->file, c->line, c->column, pod->kind, pod->name,
			          pod->spec_path, c->list, c->index, c->name);
			bad = 1;
		}
		for (size_t j = 0; j < i; j++)
			if (streq(c->name, pod->containers[j].name)) {
				cli_error("%s:%u:%u: %s \"%s\" is invalid: %s.%s[%zu].name: "
				          "Duplicate "
				          "value: \"%s\"",
				          pod->file, c->line, c->column, pod->kind, pod->name,
				          pod->spec_path, c->list, c->index, c->name);
				bad = 1;
			}
	}
	if (pod->n_containers > MAX_CONTAINERS) {
		cli_error("%s:%u:%u: %s \"%s\": more than %d containers", pod->file, pod->line,
		          pod->column, pod->kind, pod->name, MAX_CONTAINERS);
		bad = 1;
	}
	if (!bad && !pod->n_containers) {
		cli_error("%s:%u:%u: %s \"%s\" is invalid: %s.containers: Required value",
		          pod->file, pod->line, pod->column, pod->kind, pod->name, pod->spec_path);
		bad = 1;
	}
	return bad;
}

/* Fork the monitor as a daemon (double fork, new session); return once its status exists. */
static int
spawn_monitor(const char *dir, const struct node_opts *o, const struct kube_pod *pod)
{
	char path[PATH_MAX];
	int status;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int fd, lock_fd;
		pid_t pid2;

		(void)setsid();
		pid2 = fork();
		if (pid2 != 0)
			_exit(pid2 < 0 ? 1 : 0);
		pathf(path, sizeof(path), "%s/monitor.lock", dir);
		lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
		if (lock_fd < 0 || flock(lock_fd, LOCK_EX | LOCK_NB) < 0)
			_exit(1);
		(void)prctl(PR_SET_NAME, "ksc-monitor");
		umask(022);
		if (chdir("/") < 0)
			_exit(1);
		fd = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (fd >= 0)
			dup2(fd, STDIN_FILENO);
		pathf(path, sizeof(path), "%s/monitor.log", dir);
		fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		monitor_main(dir, o, pod, lock_fd);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -ECHILD;
	pathf(path, sizeof(path), "%s/status", dir);
	for (int i = 0; i < 100 && access(path, F_OK) < 0; i++)
		(void)poll(NULL, 0, 20);
	return access(path, F_OK) < 0 ? -ETIMEDOUT : 0;
}

static int
write_text(const char *dir, const char *name, const char *text, size_t len)
{
	int r = write_atomic(dir, name, text, len);

	if (r < 0)
		cli_error("%s/%s: %s", dir, name, strerror(-r));
	return r;
}

/* Create one pod: its directory (mkdir: two applies cannot both win), files, monitor. */
static int
apply_pod(const struct node_opts *o, const struct kube_pod *pod, size_t index, const char *source,
          const char *buf, size_t len)
{
	char dir[PATH_MAX], path[PATH_MAX], node[128];
	_cleanup_(freep) char *info = NULL;
	int r;

	(void)pod_dir(o, pod->name, dir, sizeof(dir));
	pathf(path, sizeof(path), "%s/pods", o->state);
	r = ksc_fs_mkdir_p(path, 0755, NULL);
	if (r < 0) {
		cli_error("%s: %s", path, strerror(-r));
		return 1;
	}
	if (mkdir(dir, 0755) < 0) {
		struct pod_info old;
		_cleanup_(freep) char *old_buf = NULL;
		size_t old_len = 0;

		if (errno != EEXIST) {
			cli_error("%s: %s", dir, strerror(errno));
			return 1;
		}
		pathf(path, sizeof(path), "%s/manifest", dir);
		if (read_pod_info(dir, &old) == 0 && old.index == index &&
		    ksc_doc_read_file(path, 64u << 20, &old_buf, &old_len, NULL) == 0 &&
		    old_len == len && memcmp(old_buf, buf, len) == 0) {
			printf("pod/%s unchanged\n", cli_escape(pod->name));
			return 0;
		}
		cli_error("%s:%u:%u: pods \"%s\" already exists; its spec cannot change (delete it "
		          "first: kseccomp delete pod %s)",
		          pod->file, pod->line, pod->column, pod->name, pod->name);
		return 1;
	}
	pathf(path, sizeof(path), "%s/logs", dir);
	node_name(node, sizeof(node));
	if (mkdir(path, 0755) < 0 ||
	    asprintf(&info,
	             "name=%s\nsource=%s\nindex=%zu\nruntime=%s\nroot-dir=%s\nseccomp-default=%s\n"
	             "node=%s\n",
	             pod->name, source, index, executor_name(o->executor), o->root_dir,
	             o->seccomp_default ? "true" : "false", node) < 0 ||
	    write_text(dir, "manifest", buf, len) < 0 ||
	    write_text(dir, "pod", info, strlen(info)) < 0) {
		if (!info)
			cli_error("%s: %s", path, strerror(errno));
		(void)rm_rf(dir);
		return 1;
	}
	r = spawn_monitor(dir, o, pod);
	if (r < 0) {
		cli_error("pod %s: cannot start its monitor: %s", pod->name, strerror(-r));
		pod_cleanup(o, dir, pod->name);
		return 1;
	}
	printf("pod/%s created\n", cli_escape(pod->name));
	return 0;
}

int
verb_apply(int argc, char **argv)
{
	static const struct option options[] = {
		{ "filename", required_argument, NULL, 'f' },
		{ "runtime", required_argument, NULL, OPT_RUNTIME },
		{ "seccomp-default", no_argument, NULL, OPT_SECCOMP_DEFAULT },
		{ "root-dir", required_argument, NULL, OPT_ROOT_DIR },
		{ "image-store", required_argument, NULL, OPT_IMAGE_STORE },
		{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
		{ "namespaces", required_argument, NULL, OPT_NAMESPACES },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct node_opts o = { 0 };
	struct kube_manifest *m = NULL;
	struct ksc_error *error = NULL;
	_cleanup_(freep) char *buf = NULL;
	char source[PATH_MAX];
	const char *file = NULL;
	size_t len = 0;
	int c, r, status = 0;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":f:h", options, NULL)) != -1) {
		switch (c) {
		case 'f':
			file = optarg;
			break;
		case 'h':
			fputs(apply_help, stdout);
			return 0;
		case OPT_NAMESPACES:
			if (parse_namespaces(optarg, &o.host_namespaces) < 0)
				return cli_usage_error(
				        "apply",
				        "--namespaces: expected a list of pid, mount, uts, "
				        "ipc; got '%s'",
				        optarg);
			break;
		case '?':
		case ':':
			return cli_bad_option("apply", argv, c);
		default:
			r = node_option(c, optarg, &o, "apply");
			if (r)
				return r;
		}
	}
	if (!file)
		return cli_usage_error("apply", "missing -f FILE");
	if (optind < argc)
		return cli_usage_error("apply", "unexpected argument '%s'", argv[optind]);
	node_opts_defaults(&o);
	if (o.executor != EXECUTOR_HOST && !executor_binary(o.executor, source, sizeof(source))) {
		cli_error("--runtime %s: %s is not installed", executor_name(o.executor),
		          executor_name(o.executor));
		return 1;
	}
	if (o.executor != EXECUTOR_HOST && geteuid() != 0) {
		cli_error("--runtime %s: needs root (use --runtime host)",
		          executor_name(o.executor));
		return 1;
	}

	r = ksc_doc_read_file(file, 64u << 20, &buf, &len, &error);
	if (r >= 0)
		r = kube_manifest_parse(file, buf, len, &m, &error);
	if (r < 0)
		return cli_fail(r, error, file);
	if (cli_kube_print_validation(m, false) > 0) {
		kube_manifest_free(m);
		return 1;
	}
	for (size_t i = 0; i < m->n_pods; i++)
		status |= check_names(&m->pods[i]);
	for (size_t i = 0; i < m->n_pods && !status; i++)
		for (size_t j = 0; j < i; j++)
			if (streq(m->pods[i].name, m->pods[j].name)) {
				cli_error("%s:%u:%u: a second pod named \"%s\"", file,
				          m->pods[i].line, m->pods[i].column, m->pods[i].name);
				status = 1;
			}
	if (!status && m->n_pods == 0) {
		cli_error("%s: no Pod or workload with a pod template", file);
		status = 1;
	}
	if (status) {
		kube_manifest_free(m);
		return 1;
	}
	if (m->n_other)
		cli_warning("%s: %zu object%s that %s not pods ignored: the local node runs pods",
		            file, m->n_other, m->n_other == 1 ? "" : "s",
		            m->n_other == 1 ? "is" : "are");
	if (streq(file, "-") || !realpath(file, source))
		snprintf(source, sizeof(source), "%s", file);
	for (size_t i = 0; i < m->n_pods; i++)
		status |= apply_pod(&o, &m->pods[i], i, source, buf, len);
	kube_manifest_free(m);
	return status;
}

/* ---------------------------------------------------------------------------------------- */
/* get pods                                                                                    */

static const char get_help[] =
        ("Usage: kseccomp get pods [NAME...] [-o wide|json] [--state-dir DIR]\n"
         "\n"
         "The local node's pods in kubectl's columns: NAME READY STATUS RESTARTS AGE;\n"
         "wide adds the node, the runtime and each container's seccomp profile.\n"
         "\n"
         "Options:\n"
         "  -o, --output FORMAT     wide or json\n" NODE_OPTIONS_HELP);

static bool
is_pods_word(const char *s)
{
	return streq(s, "pods") || streq(s, "pod") || streq(s, "po");
}

static void
json_str(struct strbuf *sb, const char *s)
{
	strbuf_put_json_string(sb, s, strlen(s));
}

static void
json_container(struct strbuf *sb, const char *state, const char *pod_name, const struct cstatus *c,
               bool first)
{
	char t[40];

	strbuf_puts(sb, first ? "" : ",");
	strbuf_puts(sb, "\n          {\"name\": ");
	json_str(sb, c->name);
	strbuf_printf(sb, ", \"ready\": %s, \"restartCount\": %d, \"state\": {",
	              c->ready ? "true" : "false", c->restarts);
	if (streq(c->state, "running")) {
		node_format_rfc3339(c->started, t, sizeof(t));
		strbuf_printf(sb, "\"running\": {\"startedAt\": \"%s\"}", t);
	} else if (streq(c->state, "terminated")) {
		strbuf_printf(sb, "\"terminated\": {\"exitCode\": %d, \"signal\": %d, \"reason\": ",
		              c->exit_code, c->signal);
		json_str(sb, c->reason);
		node_format_rfc3339(c->finished, t, sizeof(t));
		strbuf_printf(sb, ", \"finishedAt\": \"%s\"}", t);
	} else {
		strbuf_puts(sb, "\"waiting\": {\"reason\": ");
		json_str(sb, c->reason);
		if (*c->message) {
			strbuf_puts(sb, ", \"message\": ");
			json_str(sb, c->message);
		}
		strbuf_puts(sb, "}");
	}
	strbuf_puts(sb, "}, \"seccompProfile\": ");
	json_str(sb, c->profile);
	if (streq(c->state, "running")) {
		/* the processes in the container's cgroup (host and runc executors) */
		char cg[PATH_MAX], path[PATH_MAX + 16], line[32];
		_cleanup_(fclosep) FILE *f = NULL;
		bool first_pid = true;

		strbuf_puts(sb, ", \"processes\": [");
		if (pod_cgroup_path(state, pod_name, c->name, cg, sizeof(cg)) == 0) {
			pathf(path, sizeof(path), "%s/cgroup.procs", cg);
			f = fopen(path, "re");
		}
		while (f && fgets(line, sizeof(line), f)) {
			strbuf_printf(sb, "%s%ld", first_pid ? "" : ", ", strtol(line, NULL, 10));
			first_pid = false;
		}
		strbuf_puts(sb, "]");
	}
	strbuf_puts(sb, "}");
}

static void
json_pod(struct strbuf *sb, const char *state, const struct pod_row *row, bool first)
{
	static const char *const lists[] = { "initContainerStatuses", "containerStatuses" };
	char t[40];

	node_format_rfc3339(row->created, t, sizeof(t));
	strbuf_puts(sb, first ? "\n" : ",\n");
	strbuf_puts(
	        sb,
	        "    {\"apiVersion\": \"v1\", \"kind\": \"Pod\",\n      \"metadata\": {\"name\": ");
	json_str(sb, row->name);
	strbuf_printf(sb, ", \"creationTimestamp\": \"%s\"},\n      \"spec\": {\"nodeName\": ", t);
	json_str(sb, row->info.node);
	strbuf_puts(sb, "},\n      \"status\": {\"phase\": ");
	json_str(sb, *row->st.phase ? row->st.phase : "Pending");
	strbuf_puts(sb, ", \"kseccompStatus\": ");
	json_str(sb, row->status);
	strbuf_puts(sb, ", \"kseccompRuntime\": ");
	json_str(sb, executor_name(row->info.executor));
	for (size_t l = 0; l < 2; l++) {
		bool any = false;

		strbuf_printf(sb, ",\n        \"%s\": [", lists[l]);
		for (size_t i = 0; i < row->st.n; i++) {
			const struct cstatus *c = &row->st.c[i];
			bool init = streq(c->kind, "init") || streq(c->kind, "sidecar");

			if ((l == 0) != init || streq(c->kind, "ephemeral"))
				continue;
			json_container(sb, state, row->name, c, !any);
			any = true;
		}
		strbuf_puts(sb, any ? "\n        ]" : "]");
	}
	strbuf_puts(sb, "}}");
}

int
verb_get(int argc, char **argv)
{
	static const struct option options[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct node_opts o = { 0 };
	const char *output = NULL;
	char **names = NULL;
	size_t n = 0;
	bool all;
	int c, r, status = 0;
	struct strbuf sb = { 0 };
	int64_t now = time(NULL);
	unsigned header = 0;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", options, NULL)) != -1) {
		switch (c) {
		case 'o':
			output = optarg;
			break;
		case 'h':
			fputs(get_help, stdout);
			return 0;
		case '?':
		case ':':
			return cli_bad_option("get", argv, c);
		default:
			r = node_option(c, optarg, &o, "get");
			if (r)
				return r;
		}
	}
	if (optind >= argc)
		return cli_usage_error("get", "missing the resource type (pods)");
	if (!is_pods_word(argv[optind]))
		return cli_usage_error("get", "unknown resource type '%s': the local node has pods",
		                       argv[optind]);
	if (output && !streq(output, "wide") && !streq(output, "json"))
		return cli_usage_error("get", "-o: unknown format '%s' (wide, json)", output);
	node_opts_defaults(&o);
	optind++;
	all = optind >= argc;
	if (all) {
		r = list_pods(&o, &names, &n);
		if (r < 0)
			return cli_fail(r, NULL, o.state);
	}
	if (output && streq(output, "json"))
		strbuf_puts(&sb,
		            "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"List\",\n  \"items\": [");
	for (size_t i = 0; i < (all ? n : (size_t)(argc - optind)); i++) {
		const char *name = all ? names[i] : argv[optind + i];
		struct pod_row row;
		char ready[32], age[32];

		if (pod_row_load(&o, name, &row) < 0) {
			cli_error("pods \"%s\" not found", name);
			status = 1;
			continue;
		}
		if (output && streq(output, "json")) {
			json_pod(&sb, o.state, &row, i == 0);
			continue;
		}
		if (!header++)
			strbuf_printf(&sb, "%-20s %-7s %-26s %-9s %s%s\n", "NAME", "READY",
			              "STATUS", "RESTARTS", output ? "AGE   " : "AGE",
			              output ? " NODE         RUNTIME SECCOMP" : "");
		snprintf(ready, sizeof(ready), "%d/%d", row.ready, row.total);
		format_age(now - row.created, age, sizeof(age));
		strbuf_printf(&sb, "%-20s %-7s %-26s %-9d %s", cli_escape(row.name), ready,
		              cli_escape(row.status), row.restarts, output ? "" : age);
		if (output) {
			bool first = true;

			strbuf_printf(&sb, "%-6s %-12s %-7s ", age, cli_escape(row.info.node),
			              executor_name(row.info.executor));
			for (size_t k = 0; k < row.st.n; k++) {
				if (streq(row.st.c[k].kind, "ephemeral"))
					continue;
				strbuf_printf(&sb, "%s%s=%s", first ? "" : ",",
				              cli_escape(row.st.c[k].name),
				              *row.st.c[k].profile ? cli_escape(row.st.c[k].profile)
				                                   : "<pending>");
				first = false;
			}
		}
		strbuf_puts(&sb, "\n");
	}
	if (output && streq(output, "json"))
		strbuf_puts(&sb, n || !all ? "\n  ]\n}\n" : "]\n}\n");
	else if (all && n == 0)
		fputs("No resources found in default namespace.\n", stderr);
	fwrite(sb.buf ? sb.buf : "", 1, sb.len, stdout);
	strbuf_done(&sb);
	free_names(names, n);
	return status;
}

/* ---------------------------------------------------------------------------------------- */
/* describe pod                                                                                */

static const char describe_help[] =
        ("Usage: kseccomp describe pod NAME [--state-dir DIR]\n"
         "\n"
         "A pod as 'kubectl describe' shows it, with each container's effective seccomp\n"
         "profile (Unconfined, RuntimeDefault, Localhost PATH), its state, last exit code\n"
         "or signal, and the pod's events.\n"
         "\n"
         "Options:\n" NODE_OPTIONS_HELP);

static const char *
signal_name(int sig)
{
	const char *s = sigabbrev_np(sig);

	return s ? s : "?";
}

static void
describe_state(const char *label, const char *state, const char *reason, int exit_code, int sig,
               int64_t started, int64_t finished, const char *message)
{
	char t[64];

	if (streq(state, "running")) {
		format_time(started, t, sizeof(t));
		printf("    %-16s Running\n      %-14s %s\n", label, "Started:", t);
		return;
	}
	if (streq(state, "waiting")) {
		printf("    %-16s Waiting\n      %-14s %s\n", label, "Reason:", cli_escape(reason));
		if (*message)
			printf("      %-14s %s\n", "Message:", cli_escape(message));
		return;
	}
	printf("    %-16s Terminated\n      %-14s %s\n", label, "Reason:", cli_escape(reason));
	printf("      %-14s %d\n", "Exit Code:", exit_code);
	if (sig)
		printf("      %-14s %d (SIG%s)\n", "Signal:", sig, signal_name(sig));
	format_time(started, t, sizeof(t));
	printf("      %-14s %s\n", "Started:", t);
	format_time(finished, t, sizeof(t));
	printf("      %-14s %s\n", "Finished:", t);
}

static void
describe_list(const char *label, const char *const *v)
{
	if (!v)
		return;
	printf("    %s\n", label);
	for (size_t i = 0; v[i]; i++)
		printf("      %s\n", cli_escape(v[i]));
}

static void
describe_containers(const struct pod_row *row, const struct kube_pod *pod, bool init)
{
	bool header = false;

	for (size_t i = 0; i < row->st.n; i++) {
		const struct cstatus *c = &row->st.c[i];
		const struct kube_container *kc = NULL;
		bool is_init = streq(c->kind, "init") || streq(c->kind, "sidecar");

		if (is_init != init || streq(c->kind, "ephemeral"))
			continue;
		if (!header)
			printf("%s:\n", init ? "Init Containers" : "Containers");
		header = true;
		for (size_t k = 0; pod && k < pod->n_containers; k++)
			if (streq(pod->containers[k].name, c->name))
				kc = &pod->containers[k];
		printf("  %s:\n", cli_escape(c->name));
		if (kc) {
			printf("    %-16s %s\n", "Image:", kc->image ? cli_escape(kc->image) : "");
			describe_list("Command:", kc->command);
			describe_list("Args:", kc->args);
		}
		if (streq(c->kind, "sidecar"))
			printf("    %-16s Always\n", "Restart Policy:");
		describe_state("State:", c->state, c->reason, c->exit_code, c->signal, c->started,
		               c->finished, c->message);
		if (*c->last_reason && !streq(c->state, "terminated"))
			describe_state("Last State:", "terminated", c->last_reason, c->last_exit,
			               c->last_signal, c->last_started, c->last_finished, "");
		printf("    %-16s %s\n", "Ready:", c->ready ? "True" : "False");
		printf("    %-16s %d\n", "Restart Count:", c->restarts);
		printf("    %-16s %s\n",
		       "Seccomp:", *c->profile ? cli_escape(c->profile) : "<not resolved yet>");
		if (kc && kc->has_security_context && kc->allow_privilege_escalation_set)
			printf("    %-16s %s\n",
			       "No New Privs:", kc->allow_privilege_escalation ? "false" : "true");
	}
}

static void
describe_events(const char *dir)
{
	char path[PATH_MAX], line[2048];
	_cleanup_(fclosep) FILE *f = NULL;
	int64_t now = time(NULL);
	bool any = false;

	pathf(path, sizeof(path), "%s/events", dir);
	f = fopen(path, "re");
	printf("Events:\n");
	while (f && fgets(line, sizeof(line), f)) {
		char *fields[5] = { 0 }, *save = NULL, age[32];
		size_t n = 0;

		line[strcspn(line, "\n")] = '\0';
		for (char *tok = strtok_r(line, "\t", &save); tok && n < 5;
		     tok = strtok_r(NULL, "\t", &save))
			fields[n++] = tok;
		if (n < 5)
			continue;
		if (!any)
			printf("  %-8s %-18s %-6s %-18s %s\n  %-8s %-18s %-6s %-18s %s\n", "Type",
			       "Reason", "Age", "From", "Message", "----", "------", "----", "----",
			       "-------");
		any = true;
		format_age(now - strtoll(fields[0], NULL, 10), age, sizeof(age));
		printf("  %-8s %-18s %-6s %-18s %s\n", cli_escape(fields[1]), cli_escape(fields[2]),
		       age, cli_escape(fields[3]), cli_escape(fields[4]));
	}
	if (!any)
		printf("  <none>\n");
}

int
verb_describe(int argc, char **argv)
{
	static const struct option options[] = {
		{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct node_opts o = { 0 };
	int c, r, status = 0;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(describe_help, stdout);
			return 0;
		case '?':
		case ':':
			return cli_bad_option("describe", argv, c);
		default:
			r = node_option(c, optarg, &o, "describe");
			if (r)
				return r;
		}
	}
	if (optind >= argc || !is_pods_word(argv[optind]))
		return cli_usage_error("describe", "expected 'pod NAME'");
	if (optind + 1 >= argc)
		return cli_usage_error("describe", "missing the pod's NAME");
	node_opts_defaults(&o);
	for (int i = optind + 1; i < argc; i++) {
		struct kube_manifest *m = NULL;
		const struct kube_pod *pod = NULL;
		_cleanup_(freep) char *buf = NULL;
		char dir[PATH_MAX], path[PATH_MAX], t[64];
		struct pod_row row;
		size_t len = 0;

		if (pod_row_load(&o, argv[i], &row) < 0) {
			cli_error("pods \"%s\" not found", argv[i]);
			status = 1;
			continue;
		}
		(void)pod_dir(&o, argv[i], dir, sizeof(dir));
		pathf(path, sizeof(path), "%s/manifest", dir);
		if (ksc_doc_read_file(path, 64u << 20, &buf, &len, NULL) == 0 &&
		    kube_manifest_parse(row.info.source, buf, len, &m, NULL) == 0 &&
		    row.info.index < m->n_pods)
			pod = &m->pods[row.info.index];
		if (i > optind + 1)
			printf("\n\n");
		format_time(row.created, t, sizeof(t));
		printf("%-17s %s\n", "Name:", cli_escape(row.name));
		printf("%-17s %s\n", "Namespace:",
		       pod && *pod->namespace ? cli_escape(pod->namespace) : "default");
		printf("%-17s %s (kseccomp, runtime %s)\n", "Node:", cli_escape(row.info.node),
		       executor_name(row.info.executor));
		printf("%-17s %s\n", "Start Time:", t);
		printf("%-17s %s\n", "Status:", cli_escape(row.status));
		if (pod && !streq(pod->kind, "Pod"))
			printf("%-17s %s/%s\n", "Controlled By:", cli_escape(pod->kind),
			       cli_escape(pod->name));
		if (pod && pod->seccomp.set && pod->seccomp.type)
			printf("%-17s %s%s%s\n", "Seccomp Profile:", cli_escape(pod->seccomp.type),
			       pod->seccomp.has_localhost ? " " : "",
			       pod->seccomp.has_localhost ? cli_escape(pod->seccomp.localhost)
			                                  : "");
		printf("%-17s %s\n",
		       "Seccomp Default:", row.info.seccomp_default ? "true" : "false");
		printf("%-17s %s/seccomp\n", "Profile Root:", cli_escape(row.info.root_dir));
		describe_containers(&row, pod, true);
		describe_containers(&row, pod, false);
		describe_events(dir);
		kube_manifest_free(m);
	}
	return status;
}

/* ---------------------------------------------------------------------------------------- */
/* logs                                                                                        */

static const char logs_help[] =
        ("Usage: kseccomp logs NAME [-c CONTAINER] [-p] [-f] [--state-dir DIR]\n"
         "\n"
         "What a container of a pod wrote to its standard output and error.\n"
         "\n"
         "Options:\n"
         "  -c, --container C       the container (default: the pod's only or first one)\n"
         "  -p, --previous          the previous run of a restarted container\n"
         "  -f, --follow            keep printing until the pod is deleted\n" NODE_OPTIONS_HELP);

static volatile sig_atomic_t follow_stop;

static void
on_follow_signal(int sig)
{
	(void)sig;
	follow_stop = 1;
}

int
verb_logs(int argc, char **argv)
{
	static const struct option options[] = {
		{ "container", required_argument, NULL, 'c' },
		{ "previous", no_argument, NULL, 'p' },
		{ "follow", no_argument, NULL, 'f' },
		{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct node_opts o = { 0 };
	const char *container = NULL, *name;
	bool previous = false, follow = false, found = false;
	char dir[PATH_MAX], path[PATH_MAX], buf[65536];
	struct pod_row row;
	_cleanup_(closep) int fd = -1;
	int c, r;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:pfh", options, NULL)) != -1) {
		switch (c) {
		case 'c':
			container = optarg;
			break;
		case 'p':
			previous = true;
			break;
		case 'f':
			follow = true;
			break;
		case 'h':
			fputs(logs_help, stdout);
			return 0;
		case '?':
		case ':':
			return cli_bad_option("logs", argv, c);
		default:
			r = node_option(c, optarg, &o, "logs");
			if (r)
				return r;
		}
	}
	if (optind < argc && is_pods_word(argv[optind]) && optind + 1 < argc)
		optind++; /* "logs pod NAME" */
	r = cli_one_operand("logs", argc, "the pod's NAME");
	if (r)
		return r;
	name = argv[optind];
	if (startswith(name, "pod/"))
		name += 4;
	node_opts_defaults(&o);
	if (pod_row_load(&o, name, &row) < 0) {
		cli_error("pods \"%s\" not found", name);
		return 1;
	}
	if (!container) {
		size_t n_regular = 0;

		for (size_t i = 0; i < row.st.n; i++)
			if (streq(row.st.c[i].kind, "container") && !n_regular++)
				container = row.st.c[i].name;
		if (n_regular > 1) {
			fprintf(stderr,
			        "Defaulted container \"%s\" out of:", cli_escape(container));
			for (size_t i = 0, k = 0; i < row.st.n; i++)
				if (!streq(row.st.c[i].kind, "ephemeral"))
					fprintf(stderr, "%s %s", k++ ? "," : "",
					        cli_escape(row.st.c[i].name));
			fputc('\n', stderr);
		}
		if (!container) {
			cli_error("pod %s has no container", name);
			return 1;
		}
	}
	for (size_t i = 0; i < row.st.n; i++)
		found = found || streq(row.st.c[i].name, container);
	if (!found) {
		cli_error("container %s is not valid for pod %s", container, name);
		return 1;
	}
	(void)pod_dir(&o, name, dir, sizeof(dir));
	pathf(path, sizeof(path), "%s/logs/%s%s.log", dir, container, previous ? ".previous" : "");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (previous) {
			cli_error("previous terminated container \"%s\" in pod \"%s\" not found",
			          container, name);
			return 1;
		}
		if (!follow)
			return 0; /* not started yet: nothing written */
	}
	if (follow) {
		struct sigaction sa = { .sa_handler = on_follow_signal };

		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
	}
	for (;;) {
		ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf)) : 0;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			cli_error("%s: %s", path, strerror(errno));
			return 1;
		}
		if (n > 0) {
			/* The container's own output stream, copied byte for byte as kubectl logs
			 * does: not escaped (its controls are its own, as if it ran in the
			 * terminal). Only what kseccomp itself says about it (the headers and
			 * messages above) is escaped. */
			fwrite(buf, 1, (size_t)n, stdout);
			continue;
		}
		if (!follow || follow_stop || access(dir, F_OK) < 0)
			break;
		fflush(stdout);
		(void)poll(NULL, 0, 200);
		if (fd < 0)
			fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* delete pod                                                                                  */

static const char delete_help[] =
        ("Usage: kseccomp delete pod NAME... [--wait[=true|false]] [--now]\n"
         "                       [--grace-period SECONDS] [--state-dir DIR]\n"
         "       kseccomp delete -f FILE [...]\n"
         "\n"
         "Stop a pod's containers (SIGTERM, then SIGKILL after the grace period) and remove\n"
         "the pod: its processes, cgroups, runtime state, logs and status. Works whether or\n"
         "not its monitor is still alive: nothing of the pod outlives the command.\n"
         "\n"
         "Options:\n"
         "  -f, --filename FILE     the pods of a manifest\n"
         "      --wait[=BOOL]       return once the pod is gone (default: true)\n"
         "      --now               a grace period of 1 second\n"
         "      --grace-period N    seconds between SIGTERM and SIGKILL (default: "
         "30)\n" NODE_OPTIONS_HELP);

static int
delete_pod(const struct node_opts *o, const char *name, int grace, bool wait)
{
	char dir[PATH_MAX], text[32];
	struct pstatus st;
	int64_t deadline;
	int r;

	if (pod_dir(o, name, dir, sizeof(dir)) < 0 || access(dir, F_OK) < 0) {
		cli_error("pods \"%s\" not found", name);
		return 1;
	}
	snprintf(text, sizeof(text), "%d\n", grace);
	if ((r = write_atomic(dir, "grace", text, strlen(text))) < 0 ||
	    (r = write_atomic(dir, "deleted", "", 0)) < 0) {
		if (access(dir, F_OK) < 0) /* deleted meanwhile */
			goto deleted;
		cli_error("%s: %s", dir, strerror(-r));
		return 1;
	}
	if (read_status(dir, &st) == 0 && st.monitor > 0 && monitor_alive(dir))
		(void)kill((pid_t)st.monitor, SIGTERM);
	else
		pod_cleanup(o, dir, name); /* no monitor to do it */
deleted:
	printf("pod \"%s\" deleted\n", cli_escape(name));
	fflush(stdout);
	if (!wait)
		return 0;
	deadline = time(NULL) + grace + 10;
	while (access(dir, F_OK) == 0 && monitor_alive(dir) && time(NULL) < deadline)
		(void)poll(NULL, 0, 50);
	if (access(dir, F_OK) == 0)
		pod_cleanup(o, dir, name); /* the monitor died or hangs: finish for it */
	if (access(dir, F_OK) == 0) {
		cli_error("pod %s: %s is left behind", name, dir);
		return 1;
	}
	return 0;
}

int
verb_delete(int argc, char **argv)
{
	static const struct option options[] = {
		{ "filename", required_argument, NULL, 'f' },
		{ "wait", optional_argument, NULL, OPT_WAIT },
		{ "now", no_argument, NULL, OPT_NOW },
		{ "grace-period", required_argument, NULL, OPT_GRACE },
		{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct node_opts o = { 0 };
	const char *file = NULL;
	bool wait = true;
	int grace = DEFAULT_GRACE, c, r, status = 0;
	char *end;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":f:h", options, NULL)) != -1) {
		switch (c) {
		case 'f':
			file = optarg;
			break;
		case OPT_WAIT:
			if (!optarg || streq(optarg, "true"))
				wait = true;
			else if (streq(optarg, "false"))
				wait = false;
			else
				return cli_usage_error("delete",
				                       "--wait: expected true or false, got '%s'",
				                       optarg);
			break;
		case OPT_NOW:
			grace = 1;
			break;
		case OPT_GRACE:
			errno = 0;
			grace = (int)strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || grace < 0 || grace > 3600)
				return cli_usage_error("delete",
				                       "--grace-period: expected 0..3600 "
				                       "seconds, got '%s'",
				                       optarg);
			grace = MAX(grace,
			            1); /* 0 means "immediately" to kubectl too, with --force */
			break;
		case 'h':
			fputs(delete_help, stdout);
			return 0;
		case '?':
		case ':':
			return cli_bad_option("delete", argv, c);
		default:
			r = node_option(c, optarg, &o, "delete");
			if (r)
				return r;
		}
	}
	node_opts_defaults(&o);
	if (file) {
		struct kube_manifest *m = NULL;
		struct ksc_error *error = NULL;

		if (optind < argc)
			return cli_usage_error("delete", "-f and names cannot be combined");
		r = kube_manifest_read(file, &m, &error);
		if (r < 0)
			return cli_fail(r, error, file);
		for (size_t i = 0; i < m->n_pods; i++)
			status |= delete_pod(&o, m->pods[i].name, grace, wait);
		kube_manifest_free(m);
		return status;
	}
	if (optind >= argc)
		return cli_usage_error("delete", "expected 'pod NAME...' or -f FILE");
	if (is_pods_word(argv[optind]))
		optind++;
	else if (!startswith(argv[optind], "pod/") && !startswith(argv[optind], "pods/"))
		return cli_usage_error("delete",
		                       "unknown resource type '%s': the local node has pods",
		                       argv[optind]);
	if (optind >= argc)
		return cli_usage_error("delete", "missing the pod's NAME");
	for (int i = optind; i < argc; i++) {
		const char *name = argv[i], *slash = strchr(name, '/');

		status |= delete_pod(&o, slash ? slash + 1 : name, grace, wait);
	}
	return status;
}
