/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Creating and deleting the local node's pods: what apply checks beyond the API server, the
 * pod's directory and files, its monitor; and delete, which works whether or not the
 * monitor is still alive: nothing of the pod outlives it.
 */
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>

#include "doc.h"
#include "error.h"
#include "fs.h"
#include "pods.h"

int
node_manifest_read(const char *file, char **ret_buf, size_t *ret_len, struct kube_manifest **ret,
                   struct ksc_error **reterr)
{
	_cleanup_(freep) char *buf = NULL;
	size_t len = 0;
	int r;

	r = ksc_doc_read_file(file, POD_MANIFEST_MAX_BYTES, &buf, &len, reterr);
	if (r >= 0)
		r = kube_manifest_parse(file, buf, len, ret, reterr);
	if (r < 0)
		return r;
	*ret_buf = TAKE_PTR(buf);
	*ret_len = len;
	return 0;
}

#define check_error(diags, ...) \
	(void)ksc_diags_addf(diags, KSC_SEVERITY_ERROR, NULL, 0, 0, NULL, __VA_ARGS__)

/* What the local node needs beyond the API server's checks (kube_validate(), names
 * included): a name to store the pod under, and at most POD_MAX_CONTAINERS containers.
 * Returns the errors added. */
static size_t
check_pod(const struct kube_pod *pod, struct ksc_diags *diags)
{
	if (!*pod->name) {
		check_error(diags,
		            "%s:%u:%u: %s: metadata.generateName: not supported on the local node, "
		            "which needs metadata.name",
		            pod->file, pod->line, pod->column, pod->kind);
		return 1;
	}
	if (pod->n_containers > POD_MAX_CONTAINERS) {
		check_error(diags, "%s:%u:%u: %s \"%s\": more than %d containers", pod->file,
		            pod->line, pod->column, pod->kind, pod->name, POD_MAX_CONTAINERS);
		return 1;
	}
	return 0;
}

size_t
node_apply_check(const struct kube_manifest *m, const char *file, struct ksc_diags *diags)
{
	size_t bad = 0;

	for (size_t i = 0; i < m->n_pods; i++)
		bad += check_pod(&m->pods[i], diags);
	for (size_t i = 0; i < m->n_pods && !bad; i++)
		for (size_t j = 0; j < i; j++)
			if (streq(m->pods[i].name, m->pods[j].name)) {
				check_error(diags, "%s:%u:%u: a second pod named \"%s\"", file,
				            m->pods[i].line, m->pods[i].column, m->pods[i].name);
				bad++;
			}
	if (!bad && m->n_pods == 0) {
		check_error(diags, "%s: no Pod or workload with a pod template", file);
		bad++;
	}
	if (!bad && m->n_other)
		(void)ksc_diags_addf(diags, KSC_SEVERITY_WARNING, NULL, 0, 0, NULL,
		                     "%s: %zu object%s that %s not pods ignored: the local node "
		                     "runs pods",
		                     file, m->n_other, m->n_other == 1 ? "" : "s",
		                     m->n_other == 1 ? "is" : "are");
	return bad;
}

/* The pod's directory exists: the same manifest applied again is unchanged, anything else
 * is refused. */
static int
apply_existing(const char *dir, const struct kube_pod *pod, size_t index, const char *buf,
               size_t len, enum node_apply_result *ret, struct ksc_error **reterr)
{
	struct pod_info old;
	_cleanup_(freep) char *old_buf = NULL;
	char path[PATH_MAX];
	size_t old_len = 0;

	pathf(path, sizeof(path), "%s/manifest", dir);
	if (pod_info_read(dir, &old) == 0 && old.index == index &&
	    ksc_doc_read_file(path, POD_MANIFEST_MAX_BYTES, &old_buf, &old_len, NULL) == 0 &&
	    old_len == len && memcmp(old_buf, buf, len) == 0) {
		*ret = NODE_POD_UNCHANGED;
		return 0;
	}
	return ksc_error_setf(reterr, -EEXIST,
	                      "%s:%u:%u: pods \"%s\" already exists; its spec cannot change "
	                      "(delete it first: kseccomp delete pod %s)",
	                      pod->file, pod->line, pod->column, pod->name, pod->name);
}

static int
write_text(const char *dir, const char *name, const char *text, size_t len,
           struct ksc_error **reterr)
{
	int r = pod_write_file(dir, name, text, len);

	if (r < 0)
		return ksc_error_setf(reterr, r, "%s/%s: %s", dir, name, strerror(-r));
	return r;
}

int
node_apply_pod(const struct node_opts *o, const struct kube_pod *pod, size_t index,
               const char *source, const char *buf, size_t len, enum node_apply_result *ret,
               struct ksc_error **reterr)
{
	char dir[PATH_MAX], path[PATH_MAX], node[128];
	_cleanup_(freep) char *info = NULL;
	int r;

	(void)pod_dir(o, pod->name, dir, sizeof(dir));
	pathf(path, sizeof(path), "%s/pods", o->state);
	r = ksc_fs_mkdir_p(path, 0755, NULL);
	if (r < 0)
		return ksc_error_setf(reterr, r, "%s: %s", path, strerror(-r));
	if (mkdir(dir, 0755) < 0) {
		if (errno != EEXIST)
			return ksc_error_setf(reterr, negative_errno(), "%s: %s", dir,
			                      strerror(errno));
		return apply_existing(dir, pod, index, buf, len, ret, reterr);
	}
	pathf(path, sizeof(path), "%s/logs", dir);
	node_name(node, sizeof(node));
	if (mkdir(path, 0755) < 0 ||
	    asprintf(&info,
	             "name=%s\nsource=%s\nindex=%zu\nruntime=%s\nroot-dir=%s\nseccomp-default=%s\n"
	             "node=%s\nruntime-endpoint=%s\ncontainerd-version=%s\ncomplain=%s\n",
	             pod->name, source, index, executor_name(o->executor), o->root_dir,
	             o->seccomp_default ? "true" : "false", node,
	             o->runtime_endpoint ? o->runtime_endpoint : "",
	             o->containerd_version ? o->containerd_version : "",
	             o->complain ? "true" : "false") < 0 ||
	    (r = write_text(dir, "manifest", buf, len, reterr)) < 0 ||
	    (r = write_text(dir, "pod", info, strlen(info), reterr)) < 0) {
		if (!info)
			r = ksc_error_setf(reterr, negative_errno(), "%s: %s", path,
			                   strerror(errno));
		(void)pod_rm_rf(dir);
		return r;
	}
	r = node_monitor_spawn(dir, o, pod);
	if (r < 0) {
		(void)ksc_error_setf(reterr, r, "pod %s: cannot start its monitor: %s", pod->name,
		                     strerror(-r));
		node_pod_cleanup(o, dir, pod->name);
		return r;
	}
	*ret = NODE_POD_CREATED;
	return 0;
}

int
node_delete_pod(const struct node_opts *o, const char *name, int grace, struct ksc_error **reterr)
{
	char dir[PATH_MAX], text[32];
	struct pod_status st;
	int r;

	if (pod_dir(o, name, dir, sizeof(dir)) < 0 || access(dir, F_OK) < 0)
		return -ENOENT;
	snprintf(text, sizeof(text), "%d\n", grace);
	if ((r = pod_write_file(dir, "grace", text, strlen(text))) < 0 ||
	    (r = pod_write_file(dir, "deleted", "", 0)) < 0) {
		if (access(dir, F_OK) < 0) /* deleted meanwhile */
			return 0;
		return ksc_error_setf(reterr, r, "%s: %s", dir, strerror(-r));
	}
	if (pod_status_read(dir, &st) == 0 && st.monitor > 0 && pod_monitor_alive(dir))
		(void)kill((pid_t)st.monitor, SIGTERM);
	else
		node_pod_cleanup(o, dir, name); /* no monitor to do it */
	return 0;
}

int
node_delete_wait(const struct node_opts *o, const char *name, int grace, struct ksc_error **reterr)
{
	char dir[PATH_MAX];
	int64_t deadline = time(NULL) + grace + 10;

	(void)pod_dir(o, name, dir, sizeof(dir));
	while (access(dir, F_OK) == 0 && pod_monitor_alive(dir) && time(NULL) < deadline)
		(void)poll(NULL, 0, 50);
	if (access(dir, F_OK) == 0)
		node_pod_cleanup(o, dir, name); /* the monitor died or hangs: finish for it */
	if (access(dir, F_OK) == 0)
		return ksc_error_setf(reterr, -EBUSY, "pod %s: %s is left behind", name, dir);
	return 0;
}
