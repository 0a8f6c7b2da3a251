/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The pods' cgroups (v2): STATE's slice, a cgroup per pod and per container, and which pod a
 * process belongs to.
 */
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>

#include "audit/audit.h"
#include "fs.h"
#include "node.h"

/* The first cgroup2 mount, where the node makes its cgroups: 0, or -EACCES when it cannot
 * write there, -ENOENT. */
static int
cgroup2_root(char *buf, size_t size)
{
	int r = ksc_fs_cgroup2_mount(buf, size);

	if (r < 0)
		return r;
	return access(buf, W_OK) == 0 ? 0 : -EACCES;
}

/* "kseccomp" for the default state directory, "kseccomp-HASH" for any other, so that two
 * nodes on one machine (tests, users) never share a pod's cgroup. */
void
node_cgroup_slice(const char *state, char *buf, size_t size)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	if (streq(state, "/run/kseccomp")) {
		snprintf(buf, size, "kseccomp");
		return;
	}
	for (const char *c = state; *c; c++)
		h = (h ^ (uint8_t)*c) * 16777619u;
	snprintf(buf, size, "kseccomp-%08" PRIx32, h);
}

int
pod_cgroup_path(const char *state, const char *pod, const char *container, char *buf, size_t size)
{
	char root[PATH_MAX], slice[64];
	int r = cgroup2_root(root, sizeof(root));

	if (r < 0)
		return r;
	node_cgroup_slice(state, slice, sizeof(slice));
	if (container)
		pathf(buf, size, "%s/%s/%s/%s", root, slice, pod, container);
	else
		pathf(buf, size, "%s/%s/%s", root, slice, pod);
	return 0;
}

int
pod_cgroup_create(const char *state, const char *pod, const char *container, char *buf, size_t size)
{
	char dir[PATH_MAX];
	int r = pod_cgroup_path(state, pod, container, buf, size);

	if (r < 0)
		return r;
	/* The slice goes with the last pod (pod_cgroup_destroy()): another kseccomp may
	 * remove it between two of these mkdirs. Then the chain starts again. */
	for (int tries = 0;; tries++) {
		pathf(dir, sizeof(dir), "%s", buf);
		*strrchr(dir, '/') = '\0';
		*strrchr(dir, '/') = '\0';
		(void)mkdir(dir, 0755); /* the node's slice */
		pathf(dir, sizeof(dir), "%s", buf);
		*strrchr(dir, '/') = '\0';
		(void)mkdir(dir, 0755); /* the pod's */
		if (mkdir(buf, 0755) == 0 || errno == EEXIST)
			return 0;
		if (errno != ENOENT || tries == 100)
			return -errno;
	}
}

static bool
cgroup_empty(const char *dir)
{
	char path[PATH_MAX], line[64];
	_cleanup_(fclosep) FILE *f = NULL;

	pathf(path, sizeof(path), "%s/cgroup.procs", dir);
	f = fopen(path, "re");
	return !f || !fgets(line, sizeof(line), f);
}

/* Kill the processes of one cgroup (cgroup.kill where the kernel has it, 5.14) and wait
 * until it is empty, then remove it. */
static int
cgroup_kill_remove(const char *dir)
{
	char path[PATH_MAX];
	int fd;

	pathf(path, sizeof(path), "%s/cgroup.kill", dir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		(void)!write(fd, "1", 1);
		close(fd);
	}
	for (int tries = 0; tries < 100 && !cgroup_empty(dir); tries++) {
		_cleanup_(fclosep) FILE *f = NULL;
		char line[64];

		pathf(path, sizeof(path), "%s/cgroup.procs", dir);
		f = fopen(path, "re");
		while (f && fgets(line, sizeof(line), f))
			(void)kill((pid_t)strtol(line, NULL, 10), SIGKILL);
		(void)poll(NULL, 0, 20);
	}
	return rmdir(dir) < 0 && errno != ENOENT ? -errno : 0;
}

int
pod_cgroup_destroy(const char *state, const char *pod)
{
	char dir[PATH_MAX];
	_cleanup_(closedirp) DIR *d = NULL;
	struct dirent *de;
	int r = pod_cgroup_path(state, pod, NULL, dir, sizeof(dir)), ret = 0;

	if (r < 0)
		return r == -ENOENT ? 0 : r;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	/* the pod's own cgroup.kill reaches the containers' cgroups too */
	while ((de = readdir(d))) {
		char sub[PATH_MAX];
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		pathf(sub, sizeof(sub), "%s/%s", dir, de->d_name);
		if (stat(sub, &st) == 0 && S_ISDIR(st.st_mode)) {
			r = cgroup_kill_remove(sub);
			ret = ret < 0 ? ret : r;
		}
	}
	r = cgroup_kill_remove(dir);
	/* the node's slice goes with its last pod */
	*strrchr(dir, '/') = '\0';
	(void)rmdir(dir);
	return ret < 0 ? ret : r;
}

int
pod_cgroup_pids(const char *state, const char *pod, const char *container, int64_t **ret,
                size_t *ret_n)
{
	char cg[PATH_MAX], path[PATH_MAX + 16], line[32];
	_cleanup_(fclosep) FILE *f = NULL;
	_cleanup_(freep) int64_t *pids = NULL;
	size_t n = 0;
	int r = pod_cgroup_path(state, pod, container, cg, sizeof(cg));

	if (r < 0)
		return r;
	pathf(path, sizeof(path), "%s/cgroup.procs", cg);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		int64_t *grown = reallocarray(pids, n + 1, sizeof(*pids));

		if (!grown)
			return -ENOMEM;
		pids = grown;
		pids[n++] = strtol(line, NULL, 10);
	}
	*ret = TAKE_PTR(pids);
	*ret_n = n;
	return 0;
}

/* A container of the containerd executor: its cgroup names containerd's container id, which
 * STATE/cri/POD_CONTAINER holds from the container's creation on (exec-cri.c), before its
 * first instruction. Kubernetes names have no '_'. 0, or -ENOENT. */
static int
cri_attribute(const char *state, int64_t pid, char *pod, size_t pod_size, char *container,
              size_t container_size)
{
	char uid[64], cid[80], path[PATH_MAX], line[160];
	_cleanup_(closedirp) DIR *d = NULL;
	struct dirent *de;

	if (audit_attribute(pid, uid, sizeof(uid), cid, sizeof(cid)) < 0 || !*cid)
		return -ENOENT;
	pathf(path, sizeof(path), "%s/cri", state);
	d = opendir(path);
	while (d && (de = readdir(d))) {
		char file[PATH_MAX + 300];
		const char *sep = strchr(de->d_name, '_');
		FILE *f;
		bool same;

		if (de->d_name[0] == '.' || !sep)
			continue;
		pathf(file, sizeof(file), "%s/cri/%s", state, de->d_name);
		f = fopen(file, "re");
		same = f && fgets(line, sizeof(line), f) && strncmp(line, cid, strlen(cid)) == 0 &&
		       (line[strlen(cid)] == '\0' || line[strlen(cid)] == '\n');
		if (f)
			fclose(f);
		if (!same)
			continue;
		snprintf(pod, pod_size, "%.*s", (int)(sep - de->d_name), de->d_name);
		snprintf(container, container_size, "%s", sep + 1);
		return 0;
	}
	return -ENOENT;
}

/* The parent of a live process, from /proc/PID/status; 0 when it is gone. */
static int64_t
parent_pid(int64_t pid)
{
	char path[64], line[256];
	_cleanup_(fclosep) FILE *f = NULL;

	snprintf(path, sizeof(path), "/proc/%" PRId64 "/status", pid);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f))
		if (startswith(line, "PPid:"))
			return strtoll(line + 5, NULL, 10);
	return 0;
}

int
node_attribute_pid(const char *state, int64_t pid, char *pod, size_t pod_size, char *container,
                   size_t container_size)
{
	char path[PATH_MAX], line[4096], slice[80] = ":/";
	int64_t ppid;
	_cleanup_(closedirp) DIR *d = NULL;
	struct dirent *de;
	FILE *f;

	pod[0] = container[0] = '\0';
	node_cgroup_slice(state, slice + 2, sizeof(slice) - 3);
	strcat(slice, "/");
	pathf(path, sizeof(path), "/proc/%" PRId64 "/cgroup", pid);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f)) {
		/* "0::/SLICE/POD/CONTAINER", or a v1 line of the runc executor's cgroup */
		char *p = strstr(line, slice);
		size_t n;

		if (!p)
			continue;
		p += strlen(slice);
		n = strcspn(p, "/\n");
		snprintf(pod, pod_size, "%.*s", (int)n, p);
		p += n;
		if (*p == '/')
			p++;
		snprintf(container, container_size, "%.*s", (int)strcspn(p, "/\n"), p);
		break;
	}
	if (f)
		fclose(f);
	if (*pod)
		return 0;
	if (cri_attribute(state, pid, pod, pod_size, container, container_size) == 0)
		return 0;

	/* the pods' records: "PID\tCONTAINER" lines, for processes that are gone, and for the
	 * children of a runtime the monitor started (runc init, crun's container), which are
	 * the pod's before the runtime has moved them anywhere */
	ppid = parent_pid(pid);
	pathf(path, sizeof(path), "%s/pods", state);
	d = opendir(path);
	while (d && (de = readdir(d))) {
		char file[PATH_MAX + 300];

		if (de->d_name[0] == '.')
			continue;
		pathf(file, sizeof(file), "%s/pods/%s/pids", state, de->d_name);
		f = fopen(file, "re");
		while (f && fgets(line, sizeof(line), f)) {
			char *tab = strchr(line, '\t');
			int64_t recorded = strtoll(line, NULL, 10);

			if (!tab || (recorded != pid && (ppid <= 1 || recorded != ppid)))
				continue;
			snprintf(pod, pod_size, "%s", de->d_name);
			snprintf(container, container_size, "%.*s", (int)strcspn(tab + 1, "\n"),
			         tab + 1);
		}
		if (f)
			fclose(f);
		if (*pod)
			return 0;
	}
	return -ENOENT;
}
