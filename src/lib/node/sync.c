/* SPDX-License-Identifier: Apache-2.0 */
/*
 * node sync: keep ROOT/seccomp/SUBDIR identical to DIR, typically a mounted ConfigMap: its
 * files are symlinks into ..data, a symlink the kubelet swaps atomically to a new timestamped
 * directory. Each pass reads one generation as a whole (source.c), validates every profile,
 * and installs the valid ones that changed, each atomically (temporary file, fsync, rename):
 * a runtime reading a profile at any moment, and a sync killed at any moment, leave the old
 * file or the new one, never a part. An invalid profile is rejected and the installed one
 * kept. Files gone from DIR are removed only with prune. Every pass writes a status file,
 * which `node status` (a readiness probe) reads.
 *
 * It runs as root beside the kubelet, so neither side may lead it elsewhere: beneath ROOT no
 * link is followed (a link planted at ROOT/seccomp/SUBDIR would send the installs, and
 * prune's removals, into its target), in DIR only the generation ..data names is read and
 * only regular files in it (a link to /etc/shadow would be installed world-readable and
 * quoted in the status), and nothing is opened in a way that blocks (a FIFO).
 */
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>

#include "doc.h"
#include "error.h"
#include "fs.h"
#include "node.h"
#include "profiles.h"
#include "strbuf.h"

void
node_sync_pass_done(struct node_sync_pass *p)
{
	for (size_t i = 0; p->reasons && i < p->src.n; i++)
		free(p->reasons[i]);
	free(p->reasons);
	node_source_done(&p->src);
	node_names_free(p->installed, p->n_installed);
	node_names_free(p->unchanged, p->n_unchanged);
	node_names_free(p->removed, p->n_removed);
	node_names_free(p->kept, p->n_kept);
	free(p->error);
	*p = (struct node_sync_pass){ 0 };
}

static int
add_name(char ***v, size_t *n, const char *name)
{
	char **grown = reallocarray(*v, *n + 1, sizeof(**v));

	if (!grown)
		return -ENOMEM;
	*v = grown;
	(*v)[*n] = strdup(name);
	if (!(*v)[*n])
		return -ENOMEM;
	(*n)++;
	return 0;
}

_printf_(2, 3) static void pass_fail(struct node_sync_pass *p, const char *fmt, ...)
{
	va_list ap;

	if (p->error)
		return;
	va_start(ap, fmt);
	if (vasprintf(&p->error, fmt, ap) < 0)
		p->error = NULL;
	va_end(ap);
}

/* Read and validate the source: p->reasons[i] says why file i is rejected, or is NULL. */
static int
read_source(const struct node_sync_opts *o, struct node_sync_pass *p)
{
	_cleanup_(ksc_error_freep) struct ksc_error *error = NULL;
	int r;

	r = node_source_read(o->from, &p->src, &error);
	if (r < 0) {
		pass_fail(p, "%s",
		          error && ksc_error_message(error) ? ksc_error_message(error)
		                                            : strerror(-r));
		return r;
	}
	p->reasons = calloc(p->src.n + 1, sizeof(*p->reasons));
	if (!p->reasons)
		return -ENOMEM;
	for (size_t i = 0; i < p->src.n; i++) {
		const struct node_source_file *f = &p->src.files[i];
		_cleanup_(ksc_diags_freep) struct ksc_diags *diags = ksc_diags_new();
		struct ksc_profile *profile = NULL;
		struct ksc_error *perror = NULL;

		if (f->r < 0) {
			p->reasons[i] = strdup(f->read_why);
			if (!p->reasons[i])
				return -ENOMEM;
			continue;
		}
		r = ksc_profile_parse(f->name, f->text, f->len, NULL, &profile, diags, &perror);
		ksc_profile_free(profile);
		if (r < 0) {
			p->reasons[i] =
			        node_reject_reason(f->name, f->text, f->len, r, diags, perror);
			if (!p->reasons[i])
				return -ENOMEM;
		}
	}
	return 0;
}

/* Whether the regular file target/name holds exactly text (a FIFO or a link there does not:
 * it is replaced, never opened). */
static bool
same_content(int targetfd, const char *name, const char *text, size_t len)
{
	_cleanup_(freep) char *old = NULL;
	size_t old_len;

	if (ksc_fs_read_at(targetfd, name, KSC_PROFILE_MAX_BYTES, &old, &old_len, NULL, NULL) < 0)
		return false;
	return old_len == len && memcmp(old, text, len) == 0;
}

/* A temporary file of an install that did not finish (a sync killed between its write and
 * its rename): ksc_fs_is_temp_name(), or ".NAME.json.XXXXXX" of earlier versions. */
static bool
leftover_temp(const char *name)
{
	size_t len = strlen(name);
	const char *dot = strrchr(name, '.');

	if (ksc_fs_is_temp_name(name))
		return true;
	return name[0] == '.' && dot && dot > name && len > 12 && strlen(dot) == 7 &&
	       dot - 5 >= name && strncmp(dot - 5, ".json", 5) == 0;
}
static int
sync_target(const struct node_sync_opts *o, struct node_sync_pass *p)
{
	_cleanup_(closep) int targetfd = -1;
	_cleanup_(ksc_error_freep) struct ksc_error *error = NULL;
	char **names = NULL, rel[600];
	size_t n_names = 0;
	int r;

	snprintf(rel, sizeof(rel), "seccomp/%s", o->sub);
	targetfd = node_open_target(o->root, rel, &error);
	if (targetfd < 0) {
		pass_fail(p, "%s",
		          error && ksc_error_message(error) ? ksc_error_message(error)
		                                            : strerror(-targetfd));
		return targetfd;
	}
	for (size_t i = 0; i < p->src.n; i++) {
		const struct node_source_file *f = &p->src.files[i];
		struct ksc_error *ierror = NULL;
		char what[8192];

		if (p->reasons[i])
			continue; /* rejected: whatever is installed stays */
		if (same_content(targetfd, f->name, f->text, f->len)) {
			r = add_name(&p->unchanged, &p->n_unchanged, f->name);
			if (r < 0)
				return r;
			continue;
		}
		snprintf(what, sizeof(what), "%s/%s", o->target, f->name);
		r = ksc_fs_install_at(targetfd, f->name, f->text, f->len, 0644, KSC_FS_DURABLE,
		                      what, &ierror);
		if (r < 0) {
			/* the others are still installed: one bad entry blocks no other profile */
			pass_fail(p, "%s", ierror ? ksc_error_message(ierror) : strerror(-r));
			ksc_error_free(ierror);
			continue;
		}
		r = add_name(&p->installed, &p->n_installed, f->name);
		if (r < 0)
			return r;
	}
	r = node_list_names(targetfd, &names, &n_names);
	if (r < 0) {
		pass_fail(p, "%s: %s", o->target, strerror(-r));
		return r;
	}
	r = 0;
	for (size_t k = 0; k < n_names && r >= 0; k++) {
		const char *name = names[k];
		bool in_source = false;

		if (leftover_temp(name)) {
			(void)unlinkat(targetfd, name, 0);
			continue;
		}
		if (!node_profile_name(name))
			continue;
		for (size_t i = 0; i < p->src.n && !in_source; i++)
			in_source = streq(p->src.files[i].name, name);
		if (in_source)
			continue;
		if (o->prune) {
			/* unlinkat() removes a link itself, never what it points to */
			if (unlinkat(targetfd, name, 0) < 0 && errno != ENOENT)
				pass_fail(p, "%s/%s: %s", o->target, name, strerror(errno));
			else
				r = add_name(&p->removed, &p->n_removed, name);
		} else
			r = add_name(&p->kept, &p->n_kept, name);
	}
	node_names_free(names, n_names);
	return r;
}

static void
put_names(struct strbuf *sb, const char *key, char **v, size_t n)
{
	strbuf_printf(sb, ",\n  \"%s\": [", key);
	for (size_t i = 0; i < n; i++) {
		strbuf_puts(sb, i ? ", " : "");
		strbuf_put_json_str(sb, v[i]);
	}
	strbuf_puts(sb, "]");
}

/* Where the status file goes: the directory's fd and the file's name in it. */
static int
open_status_dir(const struct node_sync_opts *o, char *name, size_t size, struct ksc_error **reterr)
{
	const char *slash;
	char dir[PATH_MAX];
	int fd;

	if (!o->status) {
		/* beneath ROOT, as the profiles: no link followed */
		snprintf(name, size, "%s.json", o->sub);
		for (char *s = name; *s; s++)
			if (*s == '/')
				*s = '_';
		return node_open_target(o->root, "seccomp/.kseccomp-sync", reterr);
	}
	/* --status FILE: where the operator says, the last component replaced, not followed */
	slash = strrchr(o->status, '/');
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - o->status) : 1,
	         slash ? (slash == o->status ? "/" : o->status) : ".");
	snprintf(name, size, "%s", slash ? slash + 1 : o->status);
	fd = ksc_fs_mkdir_p(dir, 0755, NULL);
	if (fd >= 0) {
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			fd = negative_errno();
	}
	if (fd < 0)
		return ksc_error_setf(reterr, fd, "%s: %s", dir, strerror(-fd));
	return fd;
}

void
node_sync_write_status(const struct node_sync_opts *o, const struct node_sync_pass *p,
                       struct ksc_diags *diags)
{
	struct strbuf sb = { 0 };
	_cleanup_(freep) char *text = NULL;
	_cleanup_(ksc_error_freep) struct ksc_error *error = NULL;
	_cleanup_(closep) int dirfd = -1;
	struct ksc_error *werror = NULL;
	char when[64], name[600];
	time_t now = time(NULL);
	size_t len, n_rejected = 0;

	node_format_rfc3339(now, when, sizeof(when));
	strbuf_puts(&sb, "{\n  \"source\": ");
	strbuf_put_json_str(&sb, o->from);
	strbuf_puts(&sb, ",\n  \"target\": ");
	strbuf_put_json_str(&sb, o->target);
	strbuf_puts(&sb, ",\n  \"generation\": ");
	strbuf_put_json_str(&sb, p->src.generation);
	strbuf_printf(&sb, ",\n  \"lastSync\": \"%s\",\n  \"lastSyncUnix\": %" PRId64, when,
	              (int64_t)now);
	strbuf_puts(&sb, ",\n  \"error\": ");
	if (p->error)
		strbuf_put_json_str(&sb, p->error);
	else
		strbuf_puts(&sb, "null");
	put_names(&sb, "installed", p->installed, p->n_installed);
	put_names(&sb, "unchanged", p->unchanged, p->n_unchanged);
	strbuf_puts(&sb, ",\n  \"rejected\": [");
	for (size_t i = 0; p->reasons && i < p->src.n; i++) {
		const char *fname = p->src.files[i].name;

		if (!p->reasons[i])
			continue;
		strbuf_puts(&sb, n_rejected++ ? ",\n    {\"name\": " : "\n    {\"name\": ");
		strbuf_put_json_str(&sb, fname);
		strbuf_puts(&sb, ", \"reason\": ");
		strbuf_put_json_str(&sb, p->reasons[i]);
		strbuf_puts(&sb, "}");
	}
	strbuf_puts(&sb, n_rejected ? "\n  ]" : "]");
	put_names(&sb, "removed", p->removed, p->n_removed);
	put_names(&sb, "kept", p->kept, p->n_kept);
	strbuf_puts(&sb, "\n}\n");
	if (strbuf_finish(&sb, &text, &len) < 0)
		return;
	dirfd = open_status_dir(o, name, sizeof(name), &error);
	if (dirfd < 0) {
		(void)ksc_diags_addf(diags, KSC_SEVERITY_WARNING, NULL, 0, 0, NULL,
		                     "cannot write the status file: %s",
		                     error && ksc_error_message(error) ? ksc_error_message(error)
		                                                       : strerror(-dirfd));
		return;
	}
	if (ksc_fs_install_at(dirfd, name, text, len, 0644, KSC_FS_DURABLE, NULL, &werror) < 0)
		(void)ksc_diags_addf(diags, KSC_SEVERITY_WARNING, NULL, 0, 0, NULL,
		                     "cannot write the status file %s: %s",
		                     o->status ? o->status : name,
		                     werror ? ksc_error_message(werror) : "unknown error");
	ksc_error_free(werror);
}

/* One pass; returns the number of rejected profiles, or -errno when the pass failed. */

int
node_sync_run(const struct node_sync_opts *o, struct node_sync_pass *p)
{
	int r;

	*p = (struct node_sync_pass){ 0 };
	r = read_source(o, p);
	if (r >= 0)
		r = sync_target(o, p);
	if (r == -ENOMEM)
		pass_fail(p, "%s", strerror(ENOMEM));
	return r;
}

void
node_sync_status_path(const char *root, const char *sub, char *buf, size_t size)
{
	char name[512];

	snprintf(name, sizeof(name), "%s", sub);
	for (char *s = name; *s; s++)
		if (*s == '/')
			*s = '_';
	snprintf(buf, size, "%s/seccomp/.kseccomp-sync/%s.json", root, name);
}

/* A readiness probe must answer: the status file is read without blocking (a FIFO there is
 * refused) and only when it is a regular file. */
/* A readiness probe must answer: the status file is read without blocking (a FIFO there is
 * refused) and only when it is a regular file. */
static int
read_status_file(const char *path, char **ret_text, size_t *ret_len, struct ksc_error **reterr)
{
	_cleanup_(closep) int dirfd = -1;
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) : 1,
	         slash ? (slash == path ? "/" : path) : ".");
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return ksc_error_setf(reterr, negative_errno(), "%s: %s", path, strerror(errno));
	return ksc_fs_read_at(dirfd, slash ? slash + 1 : path, 16u << 20, ret_text, ret_len, path,
	                      reterr);
}

int
node_sync_status_load(const char *path, char **ret_text, size_t *ret_len,
                      struct node_sync_status *ret, struct ksc_error **reterr)
{
	_cleanup_(ksc_doc_freep) struct ksc_doc *doc = NULL;
	_cleanup_(freep) char *text = NULL;
	const struct ksc_node *top, *n;
	struct node_sync_status st = { 0 };
	const char *why;
	size_t len = 0;
	int r;

	r = read_status_file(path, &text, &len, reterr);
	if (r >= 0)
		r = ksc_doc_parse(path, text, len, KSC_DOC_JSON, &doc, reterr);
	if (r < 0)
		return r;
	top = ksc_doc_root(doc, 0);
	n = top->kind == KSC_NODE_MAP ? ksc_node_get(top, "lastSyncUnix") : NULL;
	if (!n || ksc_node_to_u64(n, &st.last_sync, &why) < 0)
		return ksc_error_setf(reterr, -EINVAL, "%s: not a node sync status file", path);
	n = ksc_node_get(top, "rejected");
	if (n && n->kind == KSC_NODE_SEQ)
		st.rejected = n->count;
	n = ksc_node_get(top, "installed");
	st.installed = n && n->kind == KSC_NODE_SEQ ? n->count : 0;
	n = ksc_node_get(top, "unchanged");
	st.unchanged = n && n->kind == KSC_NODE_SEQ ? n->count : 0;
	n = ksc_node_get(top, "removed");
	st.removed = n && n->kind == KSC_NODE_SEQ ? n->count : 0;
	n = ksc_node_get(top, "error");
	st.failed = n && !ksc_node_is_null(n);
	*ret_text = TAKE_PTR(text);
	*ret_len = len;
	*ret = st;
	return 0;
}

void
node_sync_watch_open(struct node_sync_watch *w, const struct node_sync_opts *o, bool poll_only,
                     double interval, struct ksc_diags *diags)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	w->signal_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	w->inotify_fd = -1;
	if (poll_only)
		return;
	w->inotify_fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (w->inotify_fd < 0)
		(void)ksc_diags_addf(diags, KSC_SEVERITY_WARNING, NULL, 0, 0, NULL,
		                     "no inotify (%s): a pass every %g s", strerror(errno),
		                     interval);
	/* ..data is swapped by a rename into DIR; a plain directory's files are written in
	 * place */
	if (w->inotify_fd >= 0 &&
	    inotify_add_watch(w->inotify_fd, o->from,
	                      IN_CREATE | IN_DELETE | IN_MOVED_TO | IN_MOVED_FROM | IN_CLOSE_WRITE |
	                              IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF) < 0) {
		(void)ksc_diags_addf(diags, KSC_SEVERITY_WARNING, NULL, 0, 0, NULL,
		                     "%s: no inotify (%s): a pass every %g s", o->from,
		                     strerror(errno), interval);
		close(w->inotify_fd);
		w->inotify_fd = -1;
	}
}

bool
node_sync_watch_wait(struct node_sync_watch *w, double interval)
{
	struct pollfd pfd[2] = { { .fd = w->signal_fd, .events = POLLIN },
		                 { .fd = w->inotify_fd, .events = POLLIN } };
	struct timespec deadline, t;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += (time_t)interval;
	deadline.tv_nsec += (long)((interval - floor(interval)) * 1e9);
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	for (;;) {
		long ms;
		int r;

		clock_gettime(CLOCK_MONOTONIC, &t);
		ms = (long)(deadline.tv_sec - t.tv_sec) * 1000 +
		     (deadline.tv_nsec - t.tv_nsec) / 1000000;
		if (ms <= 0)
			return false;
		r = poll(pfd, w->inotify_fd >= 0 ? 2 : 1, (int)ms);
		if (r < 0 && errno != EINTR)
			return false;
		if (r > 0 && (pfd[0].revents & POLLIN))
			return true;
		if (r > 0 && (pfd[1].revents & POLLIN)) {
			char buf[4096];

			/* a swap is several events: let them settle, then one pass */
			(void)poll(NULL, 0, 100);
			while (read(w->inotify_fd, buf, sizeof(buf)) > 0)
				;
			return false;
		}
	}
}

void
node_sync_watch_close(struct node_sync_watch *w)
{
	if (w->inotify_fd >= 0)
		close(w->inotify_fd);
	if (w->signal_fd >= 0)
		close(w->signal_fd);
	w->inotify_fd = w->signal_fd = -1;
}
