/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The local node's shared pieces: defaults, executors, pod cgroups, pid attribution and the
 * OCI bundle for runc and crun.
 */
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>

#include "caps.h"
#include "cli.h"
#include "images.h"
#include "pods.h"
#include "profile.h"
#include "strbuf.h"

static char state_buf[PATH_MAX], store_buf[PATH_MAX], root_buf[PATH_MAX];

static const char *
env_or(const char *name, const char *fallback)
{
	const char *v = getenv(name);

	return v && *v ? v : fallback;
}

void
node_opts_defaults(struct node_opts *o)
{
	if (!o->state) {
		const char *env = env_or("KSECCOMP_STATE_DIR", NULL);

		if (env)
			o->state = env;
		else if (geteuid() == 0)
			o->state = "/run/kseccomp";
		else {
			pathf(state_buf, sizeof(state_buf), "%s/kseccomp",
			      env_or("XDG_RUNTIME_DIR", "/tmp"));
			o->state = state_buf;
		}
	}
	if (!o->root_dir)
		o->root_dir = cli_kubelet_root(root_buf, sizeof(root_buf));
	if (!o->store)
		o->store = image_store_default(store_buf, sizeof(store_buf));
	if (!o->executor_set) {
		const char *env = env_or("KSECCOMP_RUNTIME", NULL);
		char buf[PATH_MAX];

		if (!env || executor_parse(env, &o->executor) < 0)
			o->executor =
			        geteuid() == 0 && executor_binary(EXECUTOR_RUNC, buf, sizeof(buf))
			                ? EXECUTOR_RUNC
			                : EXECUTOR_HOST;
		o->executor_set = true;
	}
}

void
pathf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
}

static const char *const executor_names[] = {
	[EXECUTOR_HOST] = "host",
	[EXECUTOR_RUNC] = "runc",
	[EXECUTOR_CRUN] = "crun",
};

const char *
executor_name(enum executor e)
{
	return (size_t)e < ELEMENTSOF(executor_names) ? executor_names[e] : "?";
}

int
executor_parse(const char *name, enum executor *ret)
{
	for (size_t i = 0; i < ELEMENTSOF(executor_names); i++)
		if (streq(name, executor_names[i])) {
			*ret = (enum executor)i;
			return 0;
		}
	return -EINVAL;
}

const char *
executor_binary(enum executor e, char *buf, size_t size)
{
	const char *path = getenv("PATH");
	char dirs[4096];

	if (e == EXECUTOR_HOST)
		return NULL;
	snprintf(dirs, sizeof(dirs), "%s", path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	for (char *save = NULL, *d = strtok_r(dirs, ":", &save); d;
	     d = strtok_r(NULL, ":", &save)) {
		snprintf(buf, size, "%s/%s", d, executor_name(e));
		if (access(buf, X_OK) == 0)
			return buf;
	}
	/* root's PATH may lack sbin, where Debian puts runc */
	snprintf(buf, size, "/usr/sbin/%s", executor_name(e));
	return access(buf, X_OK) == 0 ? buf : NULL;
}

/* ---------------------------------------------------------------------------------------- */
/* Pod cgroups                                                                                 */

/* The first cgroup2 mount of /proc/self/mountinfo. */
static int
cgroup2_root(char *buf, size_t size)
{
	_cleanup_(fclosep) FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *sep = strstr(line, " - "), mnt[PATH_MAX], fstype[64];

		if (!sep || sscanf(sep, " - %63s", fstype) != 1 || !streq(fstype, "cgroup2"))
			continue;
		/* ID PARENT MAJ:MIN ROOT MOUNTPOINT ... */
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1)
			continue;
		snprintf(buf, size, "%s", mnt);
		return access(buf, W_OK) == 0 ? 0 : -EACCES;
	}
	return -ENOENT;
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

/* ---------------------------------------------------------------------------------------- */
/* Attribution                                                                                 */

int
node_attribute_pid(const char *state, int64_t pid, char *pod, size_t pod_size, char *container,
                   size_t container_size)
{
	char path[PATH_MAX], line[4096], slice[80] = ":/";
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

	/* the pods' records: "PID\tCONTAINER" lines, for processes that are gone */
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

			if (!tab || strtoll(line, NULL, 10) != pid)
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

/* ---------------------------------------------------------------------------------------- */
/* The OCI bundle                                                                              */

static void
put_string(struct strbuf *sb, const char *s)
{
	strbuf_put_json_string(sb, s, strlen(s));
}

static void
put_caps(struct strbuf *sb, const char *key, uint64_t caps)
{
	bool first = true;

	strbuf_printf(sb, "      \"%s\": [", key);
	for (unsigned cap = 0; cap <= KSC_CAP_LAST; cap++) {
		if (!(caps & (UINT64_C(1) << cap)) || !ksc_cap_name(cap))
			continue;
		strbuf_puts(sb, first ? "" : ", ");
		put_string(sb, ksc_cap_name(cap));
		first = false;
	}
	strbuf_puts(sb, "]");
}

int
oci_write_bundle(const char *bundle, const struct oci_process *p, char *why, size_t why_size)
{
	struct strbuf sb = { 0 };
	_cleanup_(freep) char *text = NULL;
	char path[PATH_MAX];
	size_t len = 0;
	int r;

	strbuf_puts(&sb, "{\n  \"ociVersion\": \"1.0.2\",\n  \"process\": {\n"
	                 "    \"terminal\": false,\n");
	strbuf_printf(&sb, "    \"user\": { \"uid\": %" PRId64 ", \"gid\": %" PRId64 " },\n",
	              p->uid, p->gid);
	strbuf_puts(&sb, "    \"args\": [");
	for (size_t i = 0; p->argv[i]; i++) {
		strbuf_puts(&sb, i ? ", " : "");
		put_string(&sb, p->argv[i]);
	}
	strbuf_puts(&sb, "],\n    \"env\": [\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:"
	                 "/usr/bin:/sbin:/bin\", ");
	{
		char host[300];

		snprintf(host, sizeof(host), "HOSTNAME=%s", p->hostname);
		put_string(&sb, host);
	}
	strbuf_puts(&sb, "],\n    \"cwd\": ");
	put_string(&sb, p->cwd && *p->cwd ? p->cwd : "/");
	strbuf_puts(&sb, ",\n    \"capabilities\": {\n");
	put_caps(&sb, "bounding", p->caps);
	strbuf_puts(&sb, ",\n");
	/* a non-root process keeps none, as the runtimes do without ambient capabilities */
	put_caps(&sb, "effective", p->uid == 0 ? p->caps : 0);
	strbuf_puts(&sb, ",\n");
	put_caps(&sb, "permitted", p->uid == 0 ? p->caps : 0);
	strbuf_printf(&sb, "\n    },\n    \"noNewPrivileges\": %s\n  },\n",
	              p->no_new_privs ? "true" : "false");
	if (p->annotations && p->annotations[0]) {
		strbuf_puts(&sb, "  \"annotations\": {");
		for (size_t i = 0; p->annotations[i] && p->annotations[i + 1]; i += 2) {
			strbuf_puts(&sb, i ? ",\n    " : "\n    ");
			put_string(&sb, p->annotations[i]);
			strbuf_puts(&sb, ": ");
			put_string(&sb, p->annotations[i + 1]);
		}
		strbuf_puts(&sb, "\n  },\n");
	}
	strbuf_puts(&sb, "  \"root\": { \"path\": ");
	put_string(&sb, p->rootfs);
	strbuf_puts(&sb, ", \"readonly\": false },\n  \"hostname\": ");
	put_string(&sb, p->hostname);
	strbuf_puts(
	        &sb,
	        (",\n  \"mounts\": [\n"
	         "    { \"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\" },\n"
	         "    { \"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\",\n"
	         "      \"options\": [\"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\"] "
	         "},\n"
	         "    { \"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": "
	         "\"devpts\",\n"
	         "      \"options\": [\"nosuid\", \"noexec\", \"newinstance\", \"ptmxmode=0666\","
	         " \"mode=0620\"] },\n"
	         "    { \"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": \"shm\",\n"
	         "      \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"mode=1777\","
	         " \"size=65536k\"] },\n"
	         "    { \"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", \"source\": "
	         "\"mqueue\",\n"
	         "      \"options\": [\"nosuid\", \"noexec\", \"nodev\"] },\n"
	         "    { \"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": \"sysfs\",\n"
	         "      \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"ro\"] },\n"
	         "    { \"destination\": \"/etc/resolv.conf\", \"type\": \"bind\", \"source\": "
	         "\"/etc/resolv.conf\",\n"
	         "      \"options\": [\"rbind\", \"ro\"] }\n"
	         "  ],\n"
	         "  \"linux\": {\n"
	         "    \"namespaces\": [{ \"type\": \"pid\" }, { \"type\": \"ipc\" }, { \"type\": "
	         "\"uts\" }, { \"type\": \"mount\" }],\n"
	         "    \"maskedPaths\": [\"/proc/acpi\", \"/proc/kcore\", \"/proc/keys\", "
	         "\"/proc/latency_stats\", \"/proc/timer_list\", \"/proc/timer_stats\", "
	         "\"/proc/sched_debug\", \"/sys/firmware\", \"/proc/scsi\"],\n"
	         "    \"readonlyPaths\": [\"/proc/asound\", \"/proc/bus\", \"/proc/fs\", "
	         "\"/proc/irq\", \"/proc/sys\", \"/proc/sysrq-trigger\"]"));
	if (p->cgroups_path) {
		strbuf_puts(&sb, ",\n    \"cgroupsPath\": ");
		put_string(&sb, p->cgroups_path);
	}
	if (p->seccomp_json) {
		strbuf_puts(&sb, ",\n    \"seccomp\": ");
		strbuf_puts(&sb, p->seccomp_json);
	}
	strbuf_puts(&sb, "\n  }\n}\n");
	if (strbuf_finish(&sb, &text, &len) < 0) {
		snprintf(why, why_size, "out of memory");
		return -ENOMEM;
	}
	if (mkdir(bundle, 0700) < 0 && errno != EEXIST) {
		r = -errno;
		snprintf(why, why_size, "%s: %s", bundle, strerror(errno));
		return r;
	}
	pathf(path, sizeof(path), "%s/config.json", bundle);
	/* the bundle is ours: config.json is replaced whatever it is, never followed */
	r = cli_install_file(bundle, "config.json", text, len);
	if (r < 0)
		snprintf(why, why_size, "%s: %s", path, strerror(-r));
	return r;
}

int
cli_oci_seccomp_json(const struct ksc_profile *profile, char **ret_text, size_t *ret_len)
{
	_cleanup_(freep) bool *keep = calloc(profile->n_rules + 1, sizeof(bool));

	if (!keep)
		return -ENOMEM;
	/* what the runtime passes on: specs.LinuxSeccomp, without Docker's extensions */
	for (size_t i = 0; i < profile->n_rules; i++)
		keep[i] = !profile->rules[i].single_name;
	return profile_write_oci(profile, profile->arches, profile->n_arches, keep, ret_text,
	                         ret_len);
}
