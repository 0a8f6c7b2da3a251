/* SPDX-License-Identifier: Apache-2.0 */
/* What the pod verbs share: their node options, kubectl's ages and times. */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>

#include "cli.h"
#include "pods.h"
#include "strbuf.h"

int
pods_option(int c, const char *arg, struct node_opts *o, const char *command)
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
			return cli_usage_error(command,
			                       "--runtime: unknown runtime '%s' (host, runc, crun, "
			                       "containerd)",
			                       arg);
		o->executor_set = true;
		return 0;
	case OPT_RUNTIME_ENDPOINT:
		/* it goes into the pod's key=value file */
		if (!*arg || strpbrk(arg, "\n\r"))
			return cli_usage_error(command, "--runtime-endpoint: not a socket: '%s'",
			                       arg);
		o->runtime_endpoint = arg;
		return 0;
	case OPT_SECCOMP_DEFAULT:
		o->seccomp_default = true;
		return 0;
	default:
		return -1;
	}
}

bool
pods_word(const char *s)
{
	return streq(s, "pods") || streq(s, "pod") || streq(s, "po");
}

void
pods_format_age(int64_t seconds, char *buf, size_t size)
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

void
pods_format_time(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!t || !gmtime_r(&tt, &tm) || !strftime(buf, size, "%a, %d %b %Y %H:%M:%S +0000", &tm))
		snprintf(buf, size, "<unknown>");
}

int
pods_check_known(const char *command, const struct node_opts *o, const char *name, bool following)
{
	char **names = NULL;
	size_t n = 0;
	bool found = false;
	struct strbuf sb = { 0 };
	int r = pod_list(o, &names, &n);

	if (r < 0)
		return cli_fail(r, NULL, o->state);
	for (size_t i = 0; i < n && !found; i++)
		found = streq(names[i], name);
	for (size_t i = 0; i < n && i < 5 && !found; i++)
		strbuf_printf(&sb, "%s%s", i ? ", " : "", names[i]);
	if (!found && following) /* a pod about to be applied: watched from its start */
		cli_warning("%s: --pod %s: no such pod on the local node yet (%s): its records "
		            "show once it runs",
		            command, cli_escape(name), cli_escape(o->state));
	else if (!found)
		cli_error("%s: --pod %s: no such pod on the local node (%s); %s%s%s", command,
		          cli_escape(name), cli_escape(o->state),
		          n ? "its pods: " : "it has no pods", n ? cli_escape(sb.buf) : "",
		          n > 5 ? ", ..." : "");
	strbuf_done(&sb);
	node_names_free(names, n);
	return found || following ? 0 : 1;
}

int
pods_pids(const char *pod, pid_t **ret, size_t *ret_n)
{
	struct node_opts o = { .executor_set = true };
	char path[PATH_MAX], line[64];
	pid_t *v = NULL;
	size_t n = 0;
	FILE *f;

	node_opts_defaults(&o);
	*ret = NULL;
	*ret_n = 0;
	if (pod_cgroup_path(o.state, pod, NULL, path, sizeof(path)) < 0)
		return -ENOENT;
	/* every container's cgroup.procs */
	{
		_cleanup_(closedirp) DIR *d = opendir(path);
		struct dirent *de;

		while (d && (de = readdir(d))) {
			char procs[PATH_MAX + 300];

			if (de->d_name[0] == '.' || de->d_type != DT_DIR)
				continue;
			pathf(procs, sizeof(procs), "%s/%s/cgroup.procs", path, de->d_name);
			f = fopen(procs, "re");
			while (f && fgets(line, sizeof(line), f)) {
				pid_t *grown = reallocarray(v, n + 1, sizeof(*v));

				if (!grown) {
					fclose(f);
					free(v);
					return -ENOMEM;
				}
				v = grown;
				v[n++] = (pid_t)strtol(line, NULL, 10);
			}
			if (f)
				fclose(f);
		}
	}
	*ret = v;
	*ret_n = n;
	return n ? 0 : -ENOENT;
}

/* A container's own process and its cgroup v2: the status's pid (the host, runc and crun
 * executors start it), else the newest live one of the pod's pid records for it (the
 * containerd executor's status names its monitor; the container's process is recorded
 * there). The pid, or 0. */
static int
container_process(const char *dir, const struct pod_container_status *c, char *cgroup, size_t size)
{
	char path[PATH_MAX + 8], line[128], name[64];
	int pid = 0, p;
	FILE *f;

	if (record_container_cgroup((pid_t)c->pid, cgroup, size) == 0)
		return (int)c->pid;
	pathf(path, sizeof(path), "%s/pids", dir);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%d\t%63s", &p, name) == 2 && p > 0 && streq(name, c->name) &&
		    kill(p, 0) == 0)
			pid = p; /* the newest record wins */
	if (f)
		fclose(f);
	return pid > 0 && record_container_cgroup((pid_t)pid, cgroup, size) == 0 ? pid : 0;
}

int
pods_containers(const char *pod, const char *name, int64_t exited_since,
                struct record_container **ret, size_t *ret_n, struct ksc_error **reterr)
{
	struct node_opts o = { .executor_set = true };
	struct pod_status st = { 0 };
	struct record_container *v;
	char dir[PATH_MAX], cgroup[PATH_MAX];
	size_t n = 0;
	int r, pid;

	node_opts_defaults(&o);
	*ret = NULL;
	*ret_n = 0;
	if (pod_dir(&o, pod, dir, sizeof(dir)) < 0 || pod_status_read(dir, &st) < 0)
		return -ENOENT;
	v = calloc(st.n ? st.n : 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < st.n; i++) {
		const struct pod_container_status *c = &st.c[i];

		if (!streq(c->state, "running") || c->pid <= 0 || c->pid > INT32_MAX ||
		    (name && !streq(c->name, name)) || streq(c->kind, "init"))
			continue;
		pid = container_process(dir, c, cgroup, sizeof(cgroup));
		r = pid > 0 ? 0 : -ENOENT;
		v[n] = (struct record_container){
			.id = strdup(c->name),
			.name = strdup(c->name),
			.pod = strdup(pod),
			.namespace = strdup(""),
			.pid = pid > 0 ? pid : (int)c->pid,
			.cgroup = r == 0 ? strdup(cgroup) : NULL,
		};
		n++;
		if (!v[n - 1].id || !v[n - 1].name || !v[n - 1].pod || !v[n - 1].namespace ||
		    (r == 0 && !v[n - 1].cgroup)) {
			record_containers_free(v, n);
			return -ENOMEM;
		}
	}
	for (size_t i = 0; !n && exited_since && i < st.n; i++) {
		const struct pod_container_status *c = &st.c[i];

		/* the node's times are whole seconds */
		/* an init container ends before the others start: not the one waited for */
		if (streq(c->state, "terminated") && (!name || streq(c->name, name)) &&
		    !streq(c->kind, "init") && c->started >= exited_since / 1000000000) {
			free(v);
			return ksc_error_setf(
			        reterr, -ESRCH,
			        "container %s of pod %s started and exited (exit code "
			        "%d, %s) between two looks: its cgroup is gone, and its "
			        "calls cannot be told from other cgroups' any more",
			        c->name, pod, c->exit_code, c->reason);
		}
	}
	*ret = v;
	*ret_n = n;
	return n ? 0 : -ENOENT;
}

int
pods_manifest(const char *pod, char *path, size_t size, size_t *ret_index)
{
	struct node_opts o = { .executor_set = true };
	struct pod_info info = { 0 };
	char dir[PATH_MAX];

	node_opts_defaults(&o);
	if (pod_dir(&o, pod, dir, sizeof(dir)) < 0 || pod_info_read(dir, &info) < 0)
		return -ENOENT;
	if ((size_t)snprintf(path, size, "%s/manifest", dir) >= size)
		return -ENAMETOOLONG;
	*ret_index = info.index;
	return 0;
}
