/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A pod's monitor, a daemon (like conmon) that runs the init containers in order, then the
 * containers, each with the profile the kubelet and containerd would give it, and restarts
 * them per the pod's restartPolicy with the kubelet's back-off. How a container is started,
 * stopped and cleaned up is its executor's (executor.h); the rest is the same for every
 * executor.
 *
 * The monitor is a process of its own: node_monitor_spawn() forks it and returns in the
 * caller; the monitor ends with _exit() when its pod is deleted or done.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "executor.h"
#include "images.h"
#include "oci.h"
#include "strbuf.h"

#define BACKOFF_START 10
#define BACKOFF_MAX   300
#define BACKOFF_RESET 600

struct ctr {
	const struct kube_container *c;
	struct pod_container_status *s;
	pid_t pid;          /* the container (host) or its runtime (runc, crun) */
	int64_t next_start; /* when a container waiting to restart may start */
	int backoff;        /* the next back-off in seconds, 0: restart at once */
	int runs;
	bool done;    /* will not run again */
	bool failed;  /* and failed: an init container that blocks the pod for good */
	bool adopted; /* the container's own process is known */
	char id[320];
};

struct monitor {
	const char *dir;
	const struct node_opts *o;
	const struct kube_pod *pod;
	const struct node_executor *ex;
	struct pod_status st;
	struct ctr ctr[POD_MAX_CONTAINERS];
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

/* The profile the kubelet and containerd give the container (s->profile says which). 0, or
 * -1 with the status saying why. */
static int
resolve_profile(struct monitor *m, struct ctr *r, struct kube_kubelet_result *k,
                struct kube_outcome *out)
{
	const struct kube_container *c = r->c;
	struct pod_container_status *s = r->s;
	int rr;

	struct kube_runtime rt = { .arch = ksc_arch_native(),
		                   .seccomp_enabled = true,
		                   .containerd_version = m->o->containerd_version,
		                   .oci = KUBE_OCI_RUNC_NEWEST };

	/* the runc and crun executors: the release installed here; the host executor
	 * follows runc */
	if (m->ex->id == EXECUTOR_RUNC || m->ex->id == EXECUTOR_CRUN)
		(void)oci_installed_version(m->ex->id, &rt.oci);
	rr = kube_kubelet_resolve(m->pod, c, m->o->seccomp_default, m->o->root_dir, k);
	if (rr >= 0)
		rr = kube_runtime_outcome(m->pod, c, k, &rt, out);
	/* Fail closed: what kseccomp refuses runs here only as the profile the runtime
	 * would enforce, never with less (no filter, or one kseccomp cannot build). */
	if (rr >= 0 && !out->error && out->kseccomp_refuses && (out->unconfined || !out->profile)) {
		if (asprintf(&out->error, "CreateContainerError: kseccomp refuses to run it: %s",
		             out->note) < 0) {
			out->error = NULL;
			rr = -ENOMEM;
		}
		out->unconfined = false;
	}
	if (rr >= 0 && k->type == KUBE_PROFILE_LOCALHOST && k->localhost_ref)
		snprintf(s->profile, sizeof(s->profile), "Localhost %s", k->localhost_ref);
	if (rr < 0 || out->error) {
		const char *msg = out->error ? out->error : strerror(-rr),
		           *colon = strstr(msg, ": ");
		/* the phase the outcome names: the kubelet's, containerd's or runc's */
		const char *reason = startswith(msg, "CreateContainerConfigError")
		                             ? "CreateContainerConfigError"
		                     : startswith(msg, "StartError") ? "StartError"
		                                                     : "CreateContainerError";

		pod_container_fail(m->dir, s, reason, "%s", out->error && colon ? colon + 2 : msg);
		return -1;
	}
	if (out->unconfined)
		snprintf(s->profile, sizeof(s->profile), "Unconfined%s",
		         c->privileged ? " (privileged)" : "");
	else if (k->type == KUBE_PROFILE_LOCALHOST)
		snprintf(s->profile, sizeof(s->profile), "Localhost %s", k->localhost_ref);
	else
		snprintf(s->profile, sizeof(s->profile), "RuntimeDefault%s",
		         k->defaulted ? " (seccompDefault)" : "");
	return 0;
}

/* apply --complain: the Localhost profile logs what it would deny (s->profile says so). 0,
 * or -1 with the status saying why. */
static int
complain_mode(struct monitor *m, struct ctr *r, struct kube_kubelet_result *k,
              struct kube_outcome *out)
{
	struct pod_container_status *s = r->s;
	struct ksc_error *error = NULL;
	size_t n = strlen(s->profile);

	if (!m->ex->runtime_resolves && !out->profile)
		return 0; /* unconfined: nothing to log */
	if (node_complain_profile(m->ex, m->dir, r->c->name, &out->profile, &k->localhost_ref,
	                          &error) < 0) {
		pod_container_fail(m->dir, s, "CreateContainerError",
		                   "kseccomp cannot derive the complain mode of its profile: %s",
		                   error ? ksc_error_message(error) : "out of memory");
		ksc_error_free(error);
		return -1;
	}
	snprintf(s->profile + n, sizeof(s->profile) - n, " (complain mode)");
	return 0;
}

/* What the kubelet alone decides, for a runtime that loads the profile itself: the profile's
 * type and Localhost path (s->profile says which). 0, or -1 with the status saying why. */
static int
resolve_kubelet(struct monitor *m, struct ctr *r, struct kube_kubelet_result *k)
{
	const struct kube_container *c = r->c;
	struct pod_container_status *s = r->s;
	int rr = kube_kubelet_resolve(m->pod, c, m->o->seccomp_default, m->o->root_dir, k);

	if (rr < 0 || k->error) {
		const char *msg = k->error ? k->error : strerror(-rr), *colon = strstr(msg, ": ");

		pod_container_fail(m->dir, s, "CreateContainerConfigError", "%s",
		                   k->error && colon ? colon + 2 : msg);
		return -1;
	}
	/* containerd gives a privileged container no seccomp, whatever the kubelet sent */
	if (c->privileged)
		snprintf(s->profile, sizeof(s->profile), "Unconfined (privileged)");
	else if (k->type == KUBE_PROFILE_LOCALHOST)
		snprintf(s->profile, sizeof(s->profile), "Localhost %s", k->localhost_ref);
	else if (k->type == KUBE_PROFILE_RUNTIME_DEFAULT)
		snprintf(s->profile, sizeof(s->profile), "RuntimeDefault%s",
		         k->defaulted ? " (seccompDefault)" : "");
	else
		snprintf(s->profile, sizeof(s->profile), "Unconfined");
	return 0;
}

/* The image's files, and its entrypoint unless the container says otherwise: argv[0..63]. 0,
 * or -1 with the status saying why. */
static int
resolve_image(struct monitor *m, struct ctr *r, struct image *img, const char **argv)
{
	const struct kube_container *c = r->c;
	size_t argc = 0;

	if (!c->image || image_lookup(m->o->store, c->image, img) < 0) {
		pod_container_wait(r->s, "ErrImageNeverPull",
		                   "Container image \"%s\" is not present with pull policy of "
		                   "Never (kseccomp image import it)",
		                   c->image ? c->image : "");
		pod_event(m->dir, "Warning", "ErrImageNeverPull", "%s", r->s->message);
		return -1;
	}
	if (c->command)
		for (size_t i = 0; c->command[i] && argc < 60; i++)
			argv[argc++] = c->command[i];
	else if (*img->entrypoint)
		argv[argc++] = img->entrypoint;
	for (size_t i = 0; c->args && c->args[i] && argc < 62; i++)
		argv[argc++] = c->args[i];
	argv[argc] = NULL;
	if (argc == 0) {
		pod_container_fail(m->dir, r->s, "CreateContainerError", "no command specified");
		return -1;
	}
	return 0;
}

/* The forked child: the container's log as its stdout and stderr, then the executor. */
_noreturn_ static void
launch_child(const struct monitor *m, struct node_launch *l, const char *logpath)
{
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
	m->ex->exec(m->ex, l);
	_exit(127);
}

/* The container runs: its status and events. */
static void
container_running(struct monitor *m, struct ctr *r, pid_t pid)
{
	struct pod_container_status *s = r->s;

	(void)setpgid(pid, pid); /* both sides, so that kill(-pid) works at once */
	/* the container's process, or its runtime's, whose children (runc init, crun's
	 * container) are then the pod's from their first call (node_attribute_pid()) */
	pod_record_pid(m->dir, pid, r->c->name);
	if (r->runs > 0)
		s->restarts++;
	r->runs++;
	r->pid = pid;
	r->adopted = !m->ex->runtime_parent;
	snprintf(s->state, sizeof(s->state), "running");
	s->reason[0] = s->message[0] = '\0';
	s->pid = pid;
	s->started = time(NULL);
	s->finished = 0;
	s->exit_code = s->signal = 0;
	s->ready = true;
	pod_event(m->dir, "Normal", "Started", "Started container %s", r->c->name);
}

/* Fork the container's process (the container, or its runtime). 0, or -1 with the status
 * saying why. */
static int
launch(struct monitor *m, struct ctr *r, struct node_launch *l)
{
	const struct kube_container *c = r->c;
	char logpath[PATH_MAX], prev[PATH_MAX];
	pid_t pid;

	pathf(logpath, sizeof(logpath), "%s/logs/%s.log", m->dir, c->name);
	if (r->runs > 0) {
		pathf(prev, sizeof(prev), "%s/logs/%s.previous.log", m->dir, c->name);
		(void)rename(logpath, prev);
	}
	if (r->runs == 0)
		pod_event(m->dir, "Normal", "Pulled",
		          "Container image \"%s\" already present on machine", c->image);
	pod_event(m->dir, "Normal", "Created", "Created container %s", c->name);

	pid = fork();
	if (pid == 0)
		launch_child(m, l, logpath);
	if (pid < 0) {
		pod_container_wait(r->s, "CreateContainerError", "fork: %s", strerror(errno));
		return -1;
	}
	if (m->ex->started && m->ex->started(m->ex, l, pid) < 0)
		return -1;
	container_running(m, r, pid);
	return 0;
}

/* Start one container. Returns 0 with r->pid set, or -1 with its status saying why. */
static int
start_container(struct monitor *m, struct ctr *r)
{
	const struct kube_pod *pod = m->pod;
	const struct kube_container *c = r->c;
	struct kube_kubelet_result k = { 0 };
	struct kube_outcome out = { 0 };
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
	struct image img = { 0 };
	const char *argv[64] = { NULL };
	struct node_launch l = {
		.o = m->o,
		.dir = m->dir,
		.pod = pod,
		.c = c,
		.s = r->s,
		.rootfs = img.rootfs,
		.argv = argv,
		.uid = c->run_as_user >= 0 ? c->run_as_user : pod->run_as_user,
		.gid = c->run_as_group >= 0 ? c->run_as_group : pod->run_as_group,
		.no_new_privs = c->allow_privilege_escalation_set && !c->allow_privilege_escalation,
		.id = r->id,
		.annotations = annotations,
		.kubelet = &k,
	};
	int ret = -1;

	if (m->ex->runtime_resolves) {
		/* the runtime loads the profile, the image and its entrypoint itself */
		l.rootfs = NULL;
		if (resolve_kubelet(m, r, &k) < 0)
			goto out;
	} else if (resolve_profile(m, r, &k, &out) < 0 || resolve_image(m, r, &img, argv) < 0)
		goto out;
	if (m->o->complain && k.type == KUBE_PROFILE_LOCALHOST && !r->c->privileged &&
	    complain_mode(m, r, &k, &out) < 0)
		goto out;
	l.profile = out.profile;
	if (!m->ex->runtime_resolves) {
		/* what the container runs with, as linux.seccomp, for node scan */
		_cleanup_(freep) char *spec = NULL;
		char name[96];
		size_t len = 0;

		snprintf(name, sizeof(name), "seccomp.%s.json", c->name);
		if (!out.profile)
			(void)pod_write_file(m->dir, name, "null\n", 5);
		else if (oci_seccomp_json(out.profile, &spec, &len) == 0)
			(void)pod_write_file(m->dir, name, spec, len);
	}
	oci_container_id(pod->name, c->name, r->id, sizeof(r->id));
	{
		/* a container the runtime cannot start (apply --force): say why up front */
		_cleanup_(freep) char *why = NULL;

		/* resolved above, unless the runtime resolves it itself */
		if ((m->ex->runtime_resolves
		             ? node_predict_start(m->o, pod, c, &why)
		             : node_predict_start_profile(m->o, c, out.profile, &why)) > 0)
			pod_event(
			        m->dir, "Warning", "SeccompStartup",
			        "%s (its profile denies the runtime's own calls after the filter)",
			        why);
	}
	if (m->ex->prepare(m->ex, &l) < 0)
		goto out;
	ret = launch(m, r, &l);
out:
	if (m->ex->release)
		m->ex->release(m->ex, &l);
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
			pod_event(m->dir, "Normal", "Killing", "Stopping container %s",
			          m->ctr[i].c->name);
			m->ex->stop(m->ex, m->o, m->ctr[i].id, m->ctr[i].pid);
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
			m->ex->kill(m->ex, m->o, r->id, r->pid);
			(void)kill(r->pid, SIGKILL);
			(void)waitpid(r->pid, NULL, 0);
			r->pid = -1;
		}
		if (m->ex->remove && r->runs > 0)
			m->ex->remove(m->ex, m->o, r->id);
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
	pod_status_format(&sb, &m->st);
	if (strbuf_finish(&sb, &text, &len) < 0)
		return;
	if (m->last_status && streq(m->last_status, text))
		return;
	if (pod_write_file(m->dir, "status", text, len) == 0) {
		free(m->last_status);
		m->last_status = TAKE_PTR(text);
	}
}

/* The container's process of an executor whose forked process is the runtime: the runtime's
 * child (runc's and crun's init execs the workload, keeping its pid). Recorded for audit
 * attribution, then given to the executor (crun moves it into the pod's cgroup). */
static void
adopt_processes(struct monitor *m)
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
			pid_t pid;

			if (r->pid <= 0 || r->adopted || ppid != r->pid)
				continue;
			r->adopted = true;
			pid = (pid_t)strtol(de->d_name, NULL, 10);
			pod_record_pid(m->dir, pid, r->c->name);
			if (m->ex->adopt)
				m->ex->adopt(m->ex, m->o, m->pod->name, r->c->name, pid);
		}
	}
}

/* A container ended: its status, and when it runs again. */
static void
container_exited(struct monitor *m, struct ctr *r, int status)
{
	const char *policy = m->pod->restart_policy ? m->pod->restart_policy : "Always";
	struct pod_container_status *s = r->s;
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
	if (m->ex->exited) {
		m->ex->exited(m->ex, m->o, r->id, s);
		failed = s->exit_code != 0;
	}
	snprintf(s->last_reason, sizeof(s->last_reason), "%s", s->reason);
	s->last_exit = s->exit_code;
	s->last_signal = s->signal;
	s->last_started = s->started;
	s->last_finished = now;
	if (m->ex->remove)
		m->ex->remove(m->ex, m->o, r->id);

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
		pod_container_wait(s, "CrashLoopBackOff",
		                   "back-off %ds restarting failed container=%s pod=%s", r->backoff,
		                   r->c->name, m->pod->name);
		pod_event(m->dir, "Warning", "BackOff",
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

_noreturn_ static void
monitor_main(const char *dir, const struct node_opts *o, const struct kube_pod *pod, int lock_fd)
{
	struct monitor m = { .dir = dir, .o = o, .pod = pod, .ex = node_executor_get(o->executor) };
	struct sigaction sa = { .sa_handler = on_term };
	char path[PATH_MAX];

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	(void)lock_fd; /* held until exit */
	m.st.monitor = getpid();
	m.st.created = time(NULL);
	m.n = m.st.n = MIN(pod->n_containers, (size_t)POD_MAX_CONTAINERS);
	for (size_t i = 0; i < m.n; i++) {
		const struct kube_container *c = &pod->containers[i];
		struct pod_container_status *s = &m.st.c[i];

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
		pod_event(dir, "Normal", "Scheduled", "Successfully assigned %s/%s to %s",
		          *pod->namespace ? pod->namespace : "default", pod->name, node);
	}
	save_status(&m);

	while (!monitor_stop) {
		int status;
		pid_t pid;

		start_due(&m);
		adopt_processes(&m);
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
	stop_all(&m, pod_grace_read(dir));
	pathf(path, sizeof(path), "%s/deleted", dir);
	if (access(path, F_OK) == 0) {
		/* delete: nothing of the pod stays */
		node_pod_cleanup(o, dir, pod->name);
		_exit(0);
	}
	for (size_t i = 0; i < m.n; i++)
		if (streq(m.st.c[i].state, "running")) {
			snprintf(m.st.c[i].state, sizeof(m.st.c[i].state), "terminated");
			snprintf(m.st.c[i].reason, sizeof(m.st.c[i].reason), "Completed");
		}
	if (m.ex->pod_done)
		m.ex->pod_done(m.ex, o, dir);
	m.st.monitor = 0;
	save_status(&m);
	_exit(0);
}

/* Fork the monitor as a daemon (double fork, new session); return once its status exists. */
int
node_monitor_spawn(const char *dir, const struct node_opts *o, const struct kube_pod *pod)
{
	char path[PATH_MAX];
	int status;
	pid_t pid;

	/* what the caller has printed and not flushed would be written again by the monitor */
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
