/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The containerd executor: the local node as the kubelet, over the CRI (src/lib/cri/). A pod
 * is a pod sandbox on the host network (always RuntimeDefault, privileged when a container
 * is, as the kubelet asks for it); a container is CreateContainer with what the kubelet
 * sends in linux.security_context: the seccomp profile's type and, for Localhost, its path
 * ROOT/seccomp/PROFILE, never its content; capabilities, privileged, no_new_privs and the
 * user. containerd loads the profile and the image, and its answers are the container's:
 * a CreateContainer error is the container's CreateContainerError, a start that fails is
 * its StartError with containerd's exit code.
 *
 * The monitor's forked process for a container starts it and waits for it to end, copying
 * containerd's log (CRI format) to the container's log as plain lines; its exit status is
 * the container's. Ids: containerd names containers and sandboxes itself; the node keeps
 * them in DIR/cri-sandbox and STATE/cri/ID (ID the node's own container id).
 */
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cri/cri.h"
#include "doc.h"
#include "executor.h"
#include "oci.h"

/* How long one CRI call may take (StopContainer waits out the grace period on top). */
#define CRI_CALL_MS 30000

struct ctd_launch {
	char cid[160];      /* containerd's container id */
	char log[PATH_MAX]; /* containerd's log of it (CRI format) */
};

static int
ctd_open(const struct node_opts *o, unsigned ms, struct cri **ret, struct ksc_error **reterr)
{
	return cri_connect(o->runtime_endpoint, ms, ret, reterr);
}

/* STATE/cri/ID: containerd's id of the node's container ID. */
static void
id_path(const struct node_opts *o, const char *id, char *buf, size_t size)
{
	pathf(buf, size, "%s/cri/%s", o->state, id);
}

static bool
read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "re");
	bool ok = f && fgets(buf, (int)size, f);

	if (f)
		fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = '\0';
	return ok && *buf;
}

static int
ctd_check(const struct node_executor *ex, const struct node_opts *o, struct ksc_error **reterr)
{
	_cleanup_(cri_closep) struct cri *c = NULL;
	struct cri_version v = { 0 };
	int r;

	(void)ex;
	r = ctd_open(o, 5000, &c, reterr);
	if (r < 0)
		return ksc_error_prefixf(reterr, r, "--runtime containerd: ");
	r = cri_version(c, &v, reterr);
	cri_version_done(&v);
	return r < 0 ? ksc_error_prefixf(reterr, r, "--runtime containerd: ") : 0;
}

/* Capabilities as the kubelet hands them on: the manifest's list as written ("NET_ADMIN",
 * "ALL"), in its order, which is the order of containerd's capability rules. */
static size_t
cap_names(const char **list, const char **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; list && list[i] && n < max; i++)
		out[n++] = list[i];
	return n;
}

/* The pod as the kubelet describes it for RunPodSandbox (and again for CreateContainer). */
static void
pod_config(const struct node_launch *l, struct cri_pod_config *pod, char *uid, size_t uid_size,
           char *logdir, size_t logdir_size, struct cri_kv *labels)
{
	const char *ns = *l->pod->namespace ? l->pod->namespace : "default";
	bool privileged = false;

	for (size_t i = 0; i < l->pod->n_containers; i++)
		privileged = privileged || l->pod->containers[i].privileged;
	snprintf(uid, uid_size, "kseccomp-%s-%s", ns, l->pod->name);
	pathf(logdir, logdir_size, "%s/cri-logs", l->dir);
	labels[0] = (struct cri_kv){ "io.kubernetes.pod.name", l->pod->name };
	labels[1] = (struct cri_kv){ "io.kubernetes.pod.namespace", ns };
	labels[2] = (struct cri_kv){ "io.kubernetes.pod.uid", uid };
	*pod = (struct cri_pod_config){
		.name = l->pod->name,
		.uid = uid,
		.namespace = ns,
		.log_directory = logdir,
		.labels = labels,
		.n_labels = 3,
		/* the host's network, as the other executors: no CNI, and no hostname (runc
		 * refuses one without a UTS namespace); a pid namespace per container, as the
		 * kubelet asks without shareProcessNamespace */
		.ns = { .network = CRI_NS_NODE, .pid = CRI_NS_CONTAINER, .ipc = CRI_NS_POD },
		.privileged = privileged,
		.has_run_as_user = l->pod->run_as_user >= 0,
		.run_as_user = l->pod->run_as_user,
		.has_run_as_group = l->pod->run_as_group >= 0,
		.run_as_group = l->pod->run_as_group,
		/* the kubelet always asks RuntimeDefault for the sandbox */
		.seccomp = { .set = true, .type = CRI_PROFILE_RUNTIME_DEFAULT },
	};
}

/* The pod's sandbox: the one this pod has, or a new one. 0, or -1 with the status saying
 * why (and the kubelet's event). */
static int
ensure_sandbox(struct cri *c, const struct node_launch *l, const struct cri_pod_config *pod,
               char *id, size_t size)
{
	struct ksc_error *error = NULL;
	_cleanup_(freep) char *got = NULL;
	char path[PATH_MAX];

	pathf(path, sizeof(path), "%s/cri-sandbox", l->dir);
	if (read_line(path, id, size))
		return 0;
	(void)mkdir(pod->log_directory, 0755);
	if (cri_run_pod_sandbox(c, pod, NULL, &got, &error) < 0) {
		pod_container_wait(l->s, "ContainerCreating", "%s", ksc_error_message(error));
		pod_event(l->dir, "Warning", "FailedCreatePodSandBox",
		          "Failed to create pod sandbox: %s", ksc_error_message(error));
		ksc_error_free(error);
		return -1;
	}
	snprintf(id, size, "%s", got);
	(void)pod_write_file(l->dir, "cri-sandbox", got, strlen(got));
	return 0;
}

/* The runtime's message alone, as the kubelet shows it: without the method the client names
 * and the gRPC status it adds. */
static const char *
runtime_message(const char *msg, char *buf, size_t size)
{
	const char *colon = strstr(msg, ": ");
	size_t len;

	if (colon && startswith(msg, "CreateContainer: "))
		msg = colon + 2;
	snprintf(buf, size, "%s", msg);
	len = strlen(buf);
	if (len > 0 && buf[len - 1] == ')') {
		char *open = strrchr(buf, '(');

		if (open && open > buf && startswith(open, "(gRPC ") && open[-1] == ' ')
			open[-1] = '\0';
	}
	return buf;
}

static int
ctd_prepare(const struct node_executor *ex, struct node_launch *l)
{
	_cleanup_(cri_closep) struct cri *c = NULL;
	struct ctd_launch *d = calloc(1, sizeof(*d));
	struct ksc_error *error = NULL;
	const struct kube_container *k = l->c;
	struct cri_pod_config pod;
	struct cri_kv pod_labels[3], labels[4];
	const char *add[64], *drop[64], *cmd[64], *args[64];
	size_t n_cmd = 0, n_args = 0;
	char uid[600], logdir[PATH_MAX], sandbox[160], logname[128], path[PATH_MAX], msg[1024];
	_cleanup_(freep) char *cid = NULL;
	struct cri_container_config cfg;

	(void)ex;
	if (!d) {
		pod_container_wait(l->s, "CreateContainerError", "out of memory");
		return -1;
	}
	l->data = d;
	if (ctd_open(l->o, CRI_CALL_MS, &c, &error) < 0) {
		pod_container_fail(l->dir, l->s, "CreateContainerError", "%s",
		                   ksc_error_message(error));
		ksc_error_free(error);
		return -1;
	}
	pod_config(l, &pod, uid, sizeof(uid), logdir, sizeof(logdir), pod_labels);
	if (ensure_sandbox(c, l, &pod, sandbox, sizeof(sandbox)) < 0)
		return -1;
	for (size_t i = 0; k->command && k->command[i] && n_cmd < ELEMENTSOF(cmd); i++)
		cmd[n_cmd++] = k->command[i];
	for (size_t i = 0; k->args && k->args[i] && n_args < ELEMENTSOF(args); i++)
		args[n_args++] = k->args[i];
	memcpy(labels, pod_labels, sizeof(pod_labels));
	labels[3] = (struct cri_kv){ "io.kubernetes.container.name", k->name };
	snprintf(logname, sizeof(logname), "%s_%d.log", k->name, l->s->restarts);
	cfg = (struct cri_container_config){
		.name = k->name,
		.attempt = (uint32_t)l->s->restarts,
		.image = k->image,
		.command = cmd,
		.n_command = n_cmd,
		.args = args,
		.n_args = n_args,
		.labels = labels,
		.n_labels = ELEMENTSOF(labels),
		.log_path = logname,
		.add_caps = add,
		.n_add_caps = cap_names(k->cap_add_names, add, ELEMENTSOF(add)),
		.drop_caps = drop,
		.n_drop_caps = cap_names(k->cap_drop_names, drop, ELEMENTSOF(drop)),
		.privileged = k->privileged,
		.no_new_privs = l->no_new_privs,
		.ns = { .network = CRI_NS_NODE, .pid = CRI_NS_CONTAINER, .ipc = CRI_NS_POD },
		.has_run_as_user = l->uid >= 0,
		.run_as_user = l->uid,
		.has_run_as_group = l->gid >= 0,
		.run_as_group = l->gid,
		.seccomp = { .set = true,
		             .type = l->kubelet->type == KUBE_PROFILE_LOCALHOST
		                             ? CRI_PROFILE_LOCALHOST
		                     : l->kubelet->type == KUBE_PROFILE_RUNTIME_DEFAULT
		                             ? CRI_PROFILE_RUNTIME_DEFAULT
		                             : CRI_PROFILE_UNCONFINED,
		             .localhost_ref = l->kubelet->localhost_ref },
	};
	if (cri_create_container(c, sandbox, &cfg, &pod, &cid, &error) < 0) {
		pod_container_fail(l->dir, l->s, "CreateContainerError", "%s",
		                   runtime_message(ksc_error_message(error), msg, sizeof(msg)));
		ksc_error_free(error);
		return -1;
	}
	snprintf(d->cid, sizeof(d->cid), "%s", cid);
	pathf(d->log, sizeof(d->log), "%s/%s", logdir, logname);
	pathf(path, sizeof(path), "%s/cri", l->o->state);
	(void)mkdir(path, 0700);
	if (pod_write_file(path, l->id, cid, strlen(cid)) < 0) {
		(void)cri_remove_container(c, cid, NULL);
		pod_container_fail(l->dir, l->s, "CreateContainerError",
		                   "%s/%s: cannot record the id", path, l->id);
		return -1;
	}
	return 0;
}

static volatile sig_atomic_t child_stop;

static void
ctd_on_child_term(int sig)
{
	(void)sig;
	child_stop = 1;
}

/* Copy what containerd added to its log (CRI lines: TIME STREAM TAG MESSAGE, TAG F for a full
 * line, P for part of one) to standard output, from *offset on. */
static void
pump_log(const char *path, off_t *offset)
{
	static char pending[65536];
	static size_t n_pending;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t got;

	if (fd < 0)
		return;
	while ((got = pread(fd, pending + n_pending, sizeof(pending) - n_pending, *offset)) > 0) {
		char *line = pending, *nl;

		*offset += got;
		n_pending += (size_t)got;
		while ((nl = memchr(line, '\n', n_pending - (size_t)(line - pending)))) {
			char *f1 = memchr(line, ' ', (size_t)(nl - line)), *f2, *f3;

			*nl = '\0';
			f2 = f1 ? strchr(f1 + 1, ' ') : NULL;
			f3 = f2 ? strchr(f2 + 1, ' ') : NULL;
			if (f3) {
				(void)!write(STDOUT_FILENO, f3 + 1, strlen(f3 + 1));
				if (f2[1] == 'F')
					(void)!write(STDOUT_FILENO, "\n", 1);
			}
			line = nl + 1;
		}
		n_pending -= (size_t)(line - pending);
		memmove(pending, line, n_pending);
		if (n_pending == sizeof(pending))
			n_pending = 0; /* a line longer than the buffer: dropped */
	}
	close(fd);
}

/* The container's process, from containerd's info, recorded with the pod's other pids:
 * audit records name its pod and container by it (node_attribute_pid()). */
static void
record_pid(struct cri *c, const struct node_launch *l, const char *cid)
{
	_cleanup_(ksc_doc_freep) struct ksc_doc *doc = NULL;
	struct cri_container k = { 0 };
	const struct ksc_node *pid = NULL;
	uint64_t v;

	if (cri_container_status(c, cid, true, &k, NULL) == 0 && k.info_is_json &&
	    ksc_doc_parse("info", k.info, strlen(k.info), KSC_DOC_JSON, &doc, NULL) == 0)
		pid = ksc_node_get(ksc_doc_root(doc, 0), "pid");
	if (pid && ksc_node_to_u64(pid, &v, NULL) == 0 && v > 0 && v < INT32_MAX)
		pod_record_pid(l->dir, (pid_t)v, l->c->name);
	cri_container_done(&k);
}

/* The child: start the container, copy its log, stop it on SIGTERM, and end as it ends. */
static void
ctd_exec(const struct node_executor *ex, struct node_launch *l)
{
	const struct ctd_launch *d = l->data;
	struct sigaction sa = { .sa_handler = ctd_on_child_term };
	struct cri *c = NULL;
	struct ksc_error *error = NULL;
	int grace = pod_grace_read(l->dir);
	bool stopping = false;
	off_t offset = 0;

	(void)ex;
	sigaction(SIGTERM, &sa, NULL);
	if (ctd_open(l->o, (unsigned)(grace + 30) * 1000, &c, &error) < 0 ||
	    cri_start_container(c, d->cid, &error) < 0) {
		/* containerd keeps the reason (StartError) for exited() to read */
		fprintf(stderr, "kseccomp: %s\n", ksc_error_message(error));
		_exit(128);
	}
	record_pid(c, l, d->cid);
	for (;;) {
		struct cri_container k = { 0 };

		pump_log(d->log, &offset);
		if (child_stop && !stopping) {
			stopping = true;
			(void)cri_stop_container(c, d->cid, grace, NULL);
		}
		if (cri_container_status(c, d->cid, false, &k, &error) < 0) {
			fprintf(stderr, "kseccomp: %s\n", ksc_error_message(error));
			_exit(128);
		}
		if (k.state == CRI_CONTAINER_EXITED) {
			pump_log(d->log, &offset);
			_exit(k.exit_code & 0xff);
		}
		cri_container_done(&k);
		(void)poll(NULL, 0, 200);
	}
}

static void
ctd_release(const struct node_executor *ex, struct node_launch *l)
{
	(void)ex;
	free(l->data);
	l->data = NULL;
}

/* The child asks containerd to stop the container (with the grace period) and follows it. */
static void
ctd_stop(const struct node_executor *ex, const struct node_opts *o, const char *id, pid_t pid)
{
	(void)ex;
	(void)o;
	(void)id;
	(void)kill(pid, SIGTERM);
}

static bool
container_id(const struct node_opts *o, const char *id, char *cid, size_t size)
{
	char path[PATH_MAX];

	id_path(o, id, path, sizeof(path));
	return read_line(path, cid, size);
}

static void
ctd_kill(const struct node_executor *ex, const struct node_opts *o, const char *id, pid_t pid)
{
	_cleanup_(cri_closep) struct cri *c = NULL;
	char cid[160];

	(void)ex;
	(void)pid;
	if (container_id(o, id, cid, sizeof(cid)) && ctd_open(o, CRI_CALL_MS, &c, NULL) == 0)
		(void)cri_stop_container(c, cid, 0, NULL);
}

/* containerd's account of the end: StartError with exit code 128 when runc refused the
 * start, the workload's own code otherwise. */
static void
ctd_exited(const struct node_executor *ex, const struct node_opts *o, const char *id,
           struct pod_container_status *s)
{
	_cleanup_(cri_closep) struct cri *c = NULL;
	struct cri_container k = { 0 };
	char cid[160];

	(void)ex;
	if (!container_id(o, id, cid, sizeof(cid)) || ctd_open(o, CRI_CALL_MS, &c, NULL) < 0 ||
	    cri_container_status(c, cid, false, &k, NULL) < 0 || k.state != CRI_CONTAINER_EXITED)
		return;
	s->exit_code = k.exit_code;
	s->signal = 0;
	if (k.reason && *k.reason)
		snprintf(s->reason, sizeof(s->reason), "%s", k.reason);
	snprintf(s->message, sizeof(s->message), "%s", k.message ? k.message : "");
	cri_container_done(&k);
}

static void
ctd_remove(const struct node_executor *ex, const struct node_opts *o, const char *id)
{
	_cleanup_(cri_closep) struct cri *c = NULL;
	char cid[160], path[PATH_MAX];

	(void)ex;
	if (!container_id(o, id, cid, sizeof(cid)))
		return;
	if (ctd_open(o, CRI_CALL_MS, &c, NULL) == 0)
		(void)cri_remove_container(c, cid, NULL);
	id_path(o, id, path, sizeof(path));
	(void)unlink(path);
}

static void
ctd_cleanup(const struct node_executor *ex, const struct node_opts *o, const char *pod,
            const struct pod_container_status *s)
{
	char id[320];

	oci_container_id(pod, s->name, id, sizeof(id));
	ctd_kill(ex, o, id, 0);
	ctd_remove(ex, o, id);
}

static void
ctd_pod_done(const struct node_executor *ex, const struct node_opts *o, const char *dir)
{
	_cleanup_(cri_closep) struct cri *c = NULL;
	char sandbox[160], path[PATH_MAX];

	(void)ex;
	pathf(path, sizeof(path), "%s/cri-sandbox", dir);
	if (!read_line(path, sandbox, sizeof(sandbox)))
		return;
	if (ctd_open(o, CRI_CALL_MS, &c, NULL) == 0 &&
	    cri_stop_pod_sandbox(c, sandbox, NULL) == 0 &&
	    cri_remove_pod_sandbox(c, sandbox, NULL) == 0)
		(void)unlink(path);
}

const struct node_executor node_executor_containerd = {
	.id = EXECUTOR_CONTAINERD,
	.runtime_resolves = true,
	.check = ctd_check,
	.prepare = ctd_prepare,
	.exec = ctd_exec,
	.release = ctd_release,
	.stop = ctd_stop,
	.kill = ctd_kill,
	.exited = ctd_exited,
	.remove = ctd_remove,
	.cleanup = ctd_cleanup,
	.pod_done = ctd_pod_done,
};
