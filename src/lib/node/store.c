/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The pod store: each pod's directory under STATE/pods, its status (written by its monitor,
 * read by get, describe, logs and delete), the pod file apply writes, its events and the
 * pids of its containers.
 */
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>

#include "doc.h"
#include "fs.h"
#include "kube/kube.h"
#include "node.h"
#include "pods.h"
#include "strbuf.h"

static void
clean(char *s)
{
	for (; *s; s++)
		if (*s == '\n' || *s == '\t')
			*s = ' ';
}

void
pod_status_format(struct strbuf *sb, struct pod_status *st)
{
	strbuf_printf(sb, "pod\tphase=%s\tmonitor=%" PRId64 "\tcreated=%" PRId64 "\tdeleting=%d\n",
	              st->phase, st->monitor, st->created, st->deleting);
	for (size_t i = 0; i < st->n; i++) {
		struct pod_container_status *c = &st->c[i];

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
 * NAME was (a link, a FIFO) is replaced, not followed or opened. Not durable (no fsync), by
 * the rule in fs.h: the pod store is runtime state under the state dir (/run/kseccomp, a
 * tmpfs, like runc's /run/runc), which a crash of the machine empties anyway, and the monitor
 * rewrites it at every change of a container. */
int
pod_write_file(const char *dir, const char *name, const char *text, size_t len)
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

int
pod_status_read(const char *dir, struct pod_status *st)
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
		} else if (startswith(line, "container\t") && st->n < POD_MAX_CONTAINERS) {
			struct pod_container_status *c = &st->c[st->n++];

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

int
pod_info_read(const char *dir, struct pod_info *info)
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
		else if (streq(line, "runtime-endpoint"))
			snprintf(info->runtime_endpoint, sizeof(info->runtime_endpoint), "%s",
			         value);
		else if (streq(line, "complain"))
			info->complain = streq(value, "true");
		else if (streq(line, "containerd-version"))
			snprintf(info->containerd_version, sizeof(info->containerd_version), "%s",
			         value);
	}
	return 0;
}

/* An event, as the kubelet records them: time, type, reason, from, message. */
void
pod_event(const char *dir, const char *type, const char *reason, const char *fmt, ...)
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

int
pod_dir(const struct node_opts *o, const char *name, char *buf, size_t size)
{
	if (!ksc_kube_dns_name(name, 253, true))
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

int
pod_rm_rf(const char *dir)
{
	return nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS) < 0 && errno != ENOENT ? -errno : 0;
}

void
pod_record_pid(const char *dir, pid_t pid, const char *container)
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

int
pod_grace_read(const char *dir)
{
	char path[PATH_MAX], buf[32] = "";
	_cleanup_(fclosep) FILE *f = NULL;

	pathf(path, sizeof(path), "%s/grace", dir);
	f = fopen(path, "re");
	if (!f || !fgets(buf, sizeof(buf), f))
		return POD_DEFAULT_GRACE;
	return (int)MIN(strtol(buf, NULL, 10), 3600);
}

/* True while the pod's monitor lives: it holds monitor.lock. */
bool
pod_monitor_alive(const char *dir)
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

static bool
is_regular(const struct pod_container_status *c)
{
	return streq(c->kind, "container") || streq(c->kind, "sidecar");
}

/* kubectl's STATUS column (printPod): the first unfinished init container, else the last
 * container with a reason, Terminating while deleted. */
static void
pod_row_compute(const char *dir, struct pod_row *row)
{
	const struct pod_status *st = &row->st;
	size_t n_init = 0, i_init = 0;
	bool initializing = false, has_running = false;
	char reason[96];

	snprintf(reason, sizeof(reason), "%s", *st->phase ? st->phase : "Pending");
	row->ready = row->total = row->restarts = 0;
	for (size_t i = 0; i < st->n; i++) {
		const struct pod_container_status *c = &st->c[i];

		row->restarts += c->restarts;
		if (is_regular(c)) {
			row->total++;
			row->ready += c->ready;
		}
		n_init += streq(c->kind, "init") || streq(c->kind, "sidecar");
	}
	for (size_t i = 0; i < st->n; i++) {
		const struct pod_container_status *c = &st->c[i];

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
			const struct pod_container_status *c = &st->c[i];

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
	else if (!pod_monitor_alive(dir) && st->monitor != 0)
		snprintf(reason, sizeof(reason), "Unknown"); /* the monitor was killed */
	snprintf(row->status, sizeof(row->status), "%s", reason);
	row->created = st->created;
}

int
pod_row_load(const struct node_opts *o, const char *name, struct pod_row *row)
{
	char dir[PATH_MAX];
	struct stat sb;
	int r;

	memset(row, 0, sizeof(*row));
	if (pod_dir(o, name, dir, sizeof(dir)) < 0 || stat(dir, &sb) < 0)
		return -ENOENT;
	snprintf(row->name, sizeof(row->name), "%s", name);
	(void)pod_info_read(dir, &row->info);
	r = pod_status_read(dir, &row->st);
	if (r < 0) /* apply is still writing it */
		row->st.created = (int64_t)sb.st_mtime;
	pod_row_compute(dir, row);
	return 0;
}

/* The names of every pod on the node, sorted. */
int
pod_list(const struct node_opts *o, char ***ret, size_t *ret_n)
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

		if (!ksc_kube_dns_name(de->d_name, 253, true))
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
		qsort(v, n, sizeof(*v), strp_cmp);
	*ret = v;
	*ret_n = n;
	return 0;
}

int
pod_events_read(const char *dir, struct pod_event **ret, size_t *ret_n)
{
	char path[PATH_MAX], line[2048];
	_cleanup_(fclosep) FILE *f = NULL;
	struct pod_event *v = NULL;
	size_t n = 0;

	*ret = NULL;
	*ret_n = 0;
	pathf(path, sizeof(path), "%s/events", dir);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *fields[5] = { 0 }, *save = NULL;
		struct pod_event *grown, *e;
		size_t k = 0;

		line[strcspn(line, "\n")] = '\0';
		for (char *tok = strtok_r(line, "\t", &save); tok && k < 5;
		     tok = strtok_r(NULL, "\t", &save))
			fields[k++] = tok;
		if (k < 5)
			continue;
		grown = reallocarray(v, n + 1, sizeof(*v));
		if (!grown) {
			pod_events_free(v, n);
			return -ENOMEM;
		}
		v = grown;
		e = &v[n++];
		*e = (struct pod_event){ .time = strtoll(fields[0], NULL, 10),
			                 .type = strdup(fields[1]),
			                 .reason = strdup(fields[2]),
			                 .from = strdup(fields[3]),
			                 .message = strdup(fields[4]) };
		if (!e->type || !e->reason || !e->from || !e->message) {
			pod_events_free(v, n);
			return -ENOMEM;
		}
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

void
pod_events_free(struct pod_event *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].type);
		free(v[i].reason);
		free(v[i].from);
		free(v[i].message);
	}
	free(v);
}

void
pod_spec_load(const struct node_opts *o, const struct pod_row *row, struct kube_manifest **ret_m,
              const struct kube_pod **ret_pod)
{
	_cleanup_(freep) char *buf = NULL;
	char dir[PATH_MAX], path[PATH_MAX];
	size_t len = 0;

	*ret_m = NULL;
	*ret_pod = NULL;
	(void)pod_dir(o, row->name, dir, sizeof(dir));
	pathf(path, sizeof(path), "%s/manifest", dir);
	if (ksc_doc_read_file(path, POD_MANIFEST_MAX_BYTES, &buf, &len, NULL) == 0 &&
	    kube_manifest_parse(row->info.source, buf, len, ret_m, NULL) == 0 &&
	    row->info.index < (*ret_m)->n_pods)
		*ret_pod = &(*ret_m)->pods[row->info.index];
}

void
pod_log_path(const struct node_opts *o, const char *name, const char *container, bool previous,
             char *buf, size_t size)
{
	char dir[PATH_MAX];

	(void)pod_dir(o, name, dir, sizeof(dir));
	pathf(buf, size, "%s/logs/%s%s.log", dir, container, previous ? ".previous" : "");
}

_printf_(3, 0) static void container_vwait(struct pod_container_status *s, const char *reason,
                                           const char *fmt, va_list ap)
{
	snprintf(s->state, sizeof(s->state), "waiting");
	snprintf(s->reason, sizeof(s->reason), "%s", reason);
	vsnprintf(s->message, sizeof(s->message), fmt, ap);
	s->ready = false;
}

void
pod_container_wait(struct pod_container_status *s, const char *reason, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	container_vwait(s, reason, fmt, ap);
	va_end(ap);
}

void
pod_container_fail(const char *dir, struct pod_container_status *s, const char *reason,
                   const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	container_vwait(s, reason, fmt, ap);
	va_end(ap);
	pod_event(dir, "Warning", "Failed", "Error: %s", s->message);
}
