/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The local node's defaults and names: its state directory, the kubelet's root, the image
 * store, the executor, and the formats of times and paths under the state directory.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/utsname.h>
#include <time.h>

#include "images.h"
#include "node.h"

static char state_buf[PATH_MAX], store_buf[PATH_MAX], root_buf[PATH_MAX];

static const char *
env_or(const char *name, const char *fallback)
{
	const char *v = getenv(name);

	return v && *v ? v : fallback;
}

const char *
node_kubelet_root(char *buf, size_t size)
{
	const char *data = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	const char *env = getenv("KSECCOMP_ROOT_DIR");

	if (env && *env)
		return env;
	if (geteuid() == 0)
		return "/var/lib/kubelet";
	if (data && *data)
		snprintf(buf, size, "%s/kseccomp/kubelet", data);
	else
		snprintf(buf, size, "%s/.local/share/kseccomp/kubelet", home ? home : ".");
	return buf;
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
		o->root_dir = node_kubelet_root(root_buf, sizeof(root_buf));
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
	if (!o->runtime_endpoint)
		o->runtime_endpoint = env_or("CONTAINER_RUNTIME_ENDPOINT",
		                             "unix:///run/containerd/containerd.sock");
}

void
pathf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
}

void
node_name(char *buf, size_t size)
{
	struct utsname u;

	snprintf(buf, size, "%s", uname(&u) == 0 ? u.nodename : "localhost");
}

void
node_format_rfc3339(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, size, "1970-01-01T00:00:00Z");
}

static const char *const executor_names[] = {
	[EXECUTOR_HOST] = "host",
	[EXECUTOR_RUNC] = "runc",
	[EXECUTOR_CRUN] = "crun",
	[EXECUTOR_CONTAINERD] = "containerd",
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
	char dirs[PATH_MAX];

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

void
node_names_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
