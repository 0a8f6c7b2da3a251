/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The runc and crun executors: an OCI bundle (the image's rootfs, pid/ipc/uts/mount
 * namespaces, the host's network) whose linux.seccomp is the resolved profile, run by the
 * real runtime with a state root of the node's own. The runtime's child becomes the
 * container's process (its init execs the workload, keeping its pid).
 */
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "child.h"
#include "exec.h"
#include "executor.h"
#include "oci.h"

struct oci_launch {
	char bundle[PATH_MAX];
	char *seccomp_json;
};

static int
oci_check(const struct node_executor *ex, const struct node_opts *o, struct ksc_error **reterr)
{
	char bin[PATH_MAX];

	if (!executor_binary(ex->id, bin, sizeof(bin)))
		return ksc_error_setf(reterr, -ENOENT, "--runtime %s: %s is not installed",
		                      executor_name(ex->id), executor_name(ex->id));
	if (geteuid() != 0)
		return ksc_error_setf(reterr, -EPERM,
		                      "--runtime %s: needs root (use --runtime host)",
		                      executor_name(ex->id));
	return 0;
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

static int
oci_prepare(const struct node_executor *ex, struct node_launch *l)
{
	struct oci_launch *d = calloc(1, sizeof(*d));
	struct oci_process p = {
		.annotations = l->annotations,
		.argv = l->argv,
		.uid = l->uid >= 0 ? l->uid : 0,
		.gid = l->gid >= 0 ? l->gid : 0,
		.caps = l->c->privileged ? privileged_caps(l->c) : kube_container_caps(l->c),
		.no_new_privs = l->no_new_privs,
		.hostname = l->pod->name,
		.rootfs = l->rootfs,
	};
	char why[512], cgpath[600];

	if (!d || (l->profile && oci_seccomp_json(l->profile, &d->seccomp_json, NULL) < 0)) {
		free(d);
		pod_container_wait(l->s, "CreateContainerError", "out of memory");
		return -1;
	}
	l->data = d;
	p.seccomp_json = d->seccomp_json;
	if (ex->id == EXECUTOR_RUNC && geteuid() == 0) {
		char slice[64];

		node_cgroup_slice(l->o->state, slice, sizeof(slice));
		snprintf(cgpath, sizeof(cgpath), "/%s/%s/%s", slice, l->pod->name, l->c->name);
		p.cgroups_path = cgpath;
	}
	pathf(d->bundle, sizeof(d->bundle), "%s/bundles", l->dir);
	(void)mkdir(d->bundle, 0700);
	pathf(d->bundle, sizeof(d->bundle), "%s/bundles/%s", l->dir, l->c->name);
	if (oci_write_bundle(d->bundle, &p, why, sizeof(why)) < 0) {
		pod_container_fail(l->dir, l->s, "CreateContainerError", "%s", why);
		return -1;
	}
	/* a previous run's state, if the runtime kept it */
	oci_command(l->o->state, ex->id, l->id, "delete", NULL);
	return 0;
}

/* crun, which runs without cgroups here, has the container's process moved into the pod's
 * cgroup so that delete reaches it. */
static void
crun_adopt(const struct node_executor *ex, const struct node_opts *o, const char *pod,
           const char *container, pid_t pid)
{
	char cg[PATH_MAX], procs[PATH_MAX + 16], text[32];
	int fd;

	if (geteuid() != 0 || pod_cgroup_create(o->state, pod, container, cg, sizeof(cg)) < 0)
		return;
	pathf(procs, sizeof(procs), "%s/cgroup.procs", cg);
	snprintf(text, sizeof(text), "%d", (int)pid);
	fd = open(procs, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		(void)!write(fd, text, strlen(text));
		close(fd);
	}
}

/* The child side of the runc and crun executors: never returns. */
static void
oci_exec(const struct node_executor *ex, struct node_launch *l)
{
	const struct oci_launch *d = l->data;
	char bin[PATH_MAX], root[PATH_MAX];
	const char *argv[12];
	size_t n = 0;

	if (!executor_binary(ex->id, bin, sizeof(bin))) {
		fprintf(stderr, "kseccomp: %s is not installed\n", executor_name(ex->id));
		_exit(127);
	}
	oci_runtime_root(l->o->state, ex->id, root, sizeof(root));
	argv[n++] = bin;
	if (ex->id == EXECUTOR_CRUN) {
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
	argv[n++] = d->bundle;
	argv[n++] = l->id;
	argv[n] = NULL;
	execv(bin, (char *const *)argv);
	{
		int err = errno;

		node_child_exec_failed(bin, err);
	}
	_exit(127);
}

static void
oci_release(const struct node_executor *ex, struct node_launch *l)
{
	struct oci_launch *d = l->data;

	if (!d)
		return;
	free(d->seccomp_json);
	free(d);
	l->data = NULL;
}

/* the runtime passes the signal on to the container */
static void
oci_stop(const struct node_executor *ex, const struct node_opts *o, const char *id, pid_t pid)
{
	(void)kill(pid, SIGTERM);
}

static void
oci_kill(const struct node_executor *ex, const struct node_opts *o, const char *id, pid_t pid)
{
	oci_command(o->state, ex->id, id, "kill", "KILL");
}

static void
oci_remove(const struct node_executor *ex, const struct node_opts *o, const char *id)
{
	oci_command(o->state, ex->id, id, "delete", NULL);
}

static void
oci_cleanup(const struct node_executor *ex, const struct node_opts *o, const char *pod,
            const struct pod_container_status *c)
{
	char id[320];

	oci_container_id(pod, c->name, id, sizeof(id));
	oci_command(o->state, ex->id, id, "kill", "KILL");
	oci_command(o->state, ex->id, id, "delete", NULL);
}

const struct node_executor node_executor_runc = {
	.id = EXECUTOR_RUNC,
	.runtime_parent = true,
	.check = oci_check,
	.prepare = oci_prepare,
	.exec = oci_exec,
	.release = oci_release,
	.stop = oci_stop,
	.kill = oci_kill,
	.remove = oci_remove,
	.cleanup = oci_cleanup,
};

const struct node_executor node_executor_crun = {
	.id = EXECUTOR_CRUN,
	.runtime_parent = true,
	.check = oci_check,
	.prepare = oci_prepare,
	.exec = oci_exec,
	.release = oci_release,
	.adopt = crun_adopt,
	.stop = oci_stop,
	.kill = oci_kill,
	.remove = oci_remove,
	.cleanup = oci_cleanup,
};
