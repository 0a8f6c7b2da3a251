/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kseccomp node sync --from DIR [--as SUBDIR] [--root-dir ROOT] [--interval S | --once]
 *                    [--prune] [--poll] [--status FILE]
 * kseccomp node status [--as SUBDIR] [--root-dir ROOT] [--status FILE] [--max-age S]
 *
 * Keep ROOT/seccomp/SUBDIR identical to DIR, typically a mounted ConfigMap: its files are
 * symlinks into ..data, a symlink the kubelet swaps atomically to a new timestamped
 * directory. Each pass reads one generation as a whole (..data is resolved once, read from,
 * and checked again afterwards; a swap meanwhile starts the pass over), validates every
 * profile, and installs the valid ones that changed, each atomically (temporary file, fsync,
 * rename): a runtime reading a profile at any moment, and a sync killed at any moment, leave
 * the old file or the new one, never a part. An invalid profile is rejected and the
 * installed one kept. Files gone from DIR are removed only with --prune. Every pass writes
 * a status file, which `node status` (a readiness probe) reads.
 *
 * It runs as root beside the kubelet, so neither side may lead it elsewhere: beneath ROOT no
 * link is followed (a link planted at ROOT/seccomp/SUBDIR would send the installs, and
 * --prune's removals, into its target), in DIR only the generation ..data names is read and
 * only regular files in it (a link to /etc/shadow would be installed world-readable and
 * quoted in the status), and nothing is opened in a way that blocks (a FIFO).
 */
#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "doc.h"
#include "fs.h"
#include "node.h"
#include "node/node.h"
#include "strbuf.h"

#define PASS_RETRIES 10

struct pass {
	struct node_source src;
	char **reasons; /* per source file: why it is rejected, or NULL */
	/* what the pass did, names only */
	char **installed, **unchanged, **removed, **kept;
	size_t n_installed, n_unchanged, n_removed, n_kept;
	char *error; /* the first failure of the pass (source unreadable, target unwritable) */
};

struct sync_opts {
	const char *from;
	const char *root;
	char sub[512];
	char target[4096];  /* ROOT/seccomp/SUBDIR, for messages */
	const char *status; /* --status FILE, or NULL: ROOT/seccomp/.kseccomp-sync/SUBDIR.json */
	bool prune;
};

static void
free_names(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* ---------------------------------------------------------------------------------------- */
/* The source, shared with node load (node.h). */

bool
node_profile_name(const char *name)
{
	return name[0] != '.' && endswith(name, ".json") && strlen(name) > 5;
}

void
node_source_done(struct node_source *src)
{
	for (size_t i = 0; i < src->n; i++) {
		free(src->files[i].name);
		free(src->files[i].text);
		free(src->files[i].read_why);
	}
	free(src->files);
	*src = (struct node_source){ 0 };
}

_printf_(2, 3) static int set_error(char **ret_error, const char *fmt, ...)
{
	va_list ap;

	if (*ret_error)
		return 0;
	va_start(ap, fmt);
	if (vasprintf(ret_error, fmt, ap) < 0)
		*ret_error = NULL;
	va_end(ap);
	return 0;
}

/* The directory to read the files from: DIR, or in a ConfigMap's layout the generation ..data
 * names. -EAGAIN when that generation is gone (swapped meanwhile). */
static int
open_generation(int srcfd, const char *from, char *generation, size_t size, char **ret_error)
{
	ssize_t n = readlinkat(srcfd, "..data", generation, size - 1);
	int fd;

	if (n < 0) {
		generation[0] = '\0';
		/* no ..data, or not a link: a plain directory */
		if (errno != ENOENT && errno != EINVAL) {
			int r = negative_errno();

			set_error(ret_error, "%s/..data: %s", from, strerror(-r));
			return r;
		}
		fd = openat(srcfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0) {
			int r = negative_errno();

			set_error(ret_error, "%s: %s", from, strerror(-r));
			return r;
		}
		return fd;
	}
	generation[n] = '\0';
	/* The kubelet's atomic writer (pkg/volume/util/atomic_writer.go) points ..data at a
	 * directory it created beside it, "..2006_01_02_15_04_05.RANDOM": one name, no slash.
	 * Anything else leads out of the ConfigMap. */
	if (!*generation || strchr(generation, '/') || streq(generation, ".") ||
	    streq(generation, "..")) {
		set_error(
		        ret_error,
		        "%s/..data: points to a path, not to a generation directory of %s: refused",
		        from, from);
		return -ELOOP;
	}
	fd = openat(srcfd, generation, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		int r = negative_errno();

		if (r == -ENOENT)
			return -EAGAIN; /* removed after a swap */
		if (r == -ELOOP || r == -ENOTDIR)
			set_error(ret_error,
			          "%s/..data: its generation is not a directory: refused", from);
		else
			set_error(ret_error, "%s/%s: %s", from, generation, strerror(-r));
		return r;
	}
	return fd;
}

static int
add_source_file(struct node_source *src, struct node_source_file *f)
{
	struct node_source_file *grown = reallocarray(src->files, src->n + 1, sizeof(*grown));

	if (!grown)
		return -ENOMEM;
	src->files = grown;
	src->files[src->n++] = *f;
	*f = (struct node_source_file){ 0 };
	return 0;
}

/* One read of the source; -EAGAIN when ..data moved meanwhile. */
static int
read_generation(int srcfd, const char *from, struct node_source *src, char **ret_error)
{
	_cleanup_(closep) int genfd = -1;
	_cleanup_(closedirp) DIR *d = NULL;
	char **names = NULL, again[256];
	size_t n_names = 0;
	struct dirent *e;
	ssize_t n;
	int r = 0, fd;

	genfd = open_generation(srcfd, from, src->generation, sizeof(src->generation), ret_error);
	if (genfd < 0)
		return genfd;
	fd = openat(genfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		r = negative_errno();
		if (fd >= 0)
			close(fd);
		set_error(ret_error, "%s: %s", from, strerror(-r));
		return r;
	}
	while ((errno = 0, e = readdir(d))) {
		char **grown;

		if (!node_profile_name(e->d_name))
			continue;
		grown = reallocarray(names, n_names + 1, sizeof(*names));
		if (!grown || !(grown[n_names] = strdup(e->d_name))) {
			if (grown)
				names = grown;
			r = -ENOMEM;
			break;
		}
		names = grown;
		n_names++;
	}
	if (r >= 0 && errno) {
		r = negative_errno();
		set_error(ret_error, "%s: %s", from, strerror(-r));
	}
	if (r >= 0)
		qsort(names, n_names, sizeof(*names), strp_cmp);
	for (size_t i = 0; i < n_names && r >= 0; i++) {
		struct ksc_error *error = NULL;
		struct node_source_file f = { .name = names[i] };

		names[i] = NULL;
		f.r = ksc_fs_read_at(genfd, f.name, KSC_PROFILE_MAX_BYTES, &f.text, &f.len, NULL,
		                     &error);
		if (f.r == -ENOENT && src->generation[0])
			r = -EAGAIN; /* the kubelet removed it after a swap */
		else if (f.r == -EISDIR)
			f.r = 0; /* not a profile: a key cannot name a directory */
		else if (f.r < 0 && !(f.read_why = strdup(error && ksc_error_message(error)
		                                                  ? ksc_error_message(error)
		                                                  : strerror(-f.r))))
			r = -ENOMEM;
		ksc_error_free(error);
		if (r >= 0 && (f.text || f.r < 0))
			r = add_source_file(src, &f);
		free(f.name);
		free(f.text);
		free(f.read_why);
	}
	free_names(names, n_names);
	if (r < 0)
		return r;
	/* the same generation from start to end, or read it again */
	if (src->generation[0]) {
		n = readlinkat(srcfd, "..data", again, sizeof(again) - 1);
		if (n < 0 || (again[n] = '\0', !streq(again, src->generation)))
			return -EAGAIN;
	}
	return 0;
}

int
node_source_read(const char *from, struct node_source *src, char **ret_error)
{
	/* DIR itself is followed: the operator names it (a ConfigMap's mount point) */
	_cleanup_(closep) int srcfd = open(from, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r = -EAGAIN;

	*ret_error = NULL;
	if (srcfd < 0) {
		r = negative_errno();
		set_error(ret_error, "%s: %s", from, strerror(-r));
		return r;
	}
	for (int attempt = 0; attempt < PASS_RETRIES && r == -EAGAIN; attempt++) {
		node_source_done(src);
		r = read_generation(srcfd, from, src, ret_error);
	}
	if (r == -EAGAIN)
		set_error(ret_error, "%s: ..data kept moving during %d reads", from, PASS_RETRIES);
	else if (r == -ENOMEM)
		set_error(ret_error, "%s", strerror(ENOMEM));
	return r;
}

bool
node_not_json(const char *name, const char *text, size_t len, char **ret_reason)
{
	_cleanup_(ksc_doc_freep) struct ksc_doc *doc = NULL;
	struct ksc_doc_failure failure = { 0 };
	const char *reason = failure.reason;

	/* the syntax check's reasons all start "invalid JSON"; a duplicate key or a limit is
	 * a JSON document's, a profile's, and said as the profile's error */
	if (ksc_doc_parse_at(name, text, len, KSC_DOC_JSON, &doc, &failure, NULL) != -EINVAL ||
	    !startswith(failure.reason, "invalid JSON"))
		return false;
	/* The parser's syntax reasons are fixed phrases, but some quote the byte found ("found
	 * 'r'"): of a file that is not JSON (/etc/shadow put among the profiles) say where,
	 * never what. */
	if (strpbrk(failure.reason, "'\"") || !*failure.reason)
		reason = "invalid JSON";
	*ret_reason = ksc_diag_format(name, failure.line, failure.column, NULL, reason);
	return true;
}

char *
node_reject_reason(const char *name, const char *text, size_t len, int r,
                   const struct ksc_diags *diags, struct ksc_error *error)
{
	char *s = NULL;

	if (text && node_not_json(name, text, len, &s)) {
		ksc_error_free(error);
		return s;
	}
	for (size_t i = 0; diags && i < ksc_diags_count(diags); i++) {
		const struct ksc_diag *d = ksc_diags_get(diags, i);

		if (ksc_diag_severity(d) != KSC_SEVERITY_ERROR)
			continue;
		s = ksc_diag_format(name, ksc_diag_line(d), ksc_diag_column(d), ksc_diag_path(d),
		                    ksc_diag_reason(d));
		break;
	}
	if (!s && error && ksc_error_message(error))
		s = strdup(ksc_error_message(error));
	if (!s && asprintf(&s, "%s", strerror(-r)) < 0)
		s = NULL;
	ksc_error_free(error);
	return s;
}

int
node_open_target(const char *root, const char *rel, char **ret_error)
{
	_cleanup_(closep) int rootfd = -1;
	struct ksc_error *error = NULL;
	int r;

	*ret_error = NULL;
	r = ksc_fs_mkdir_p(root, 0755, &error);
	if (r >= 0) {
		rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (rootfd < 0)
			r = ksc_error_setf(&error, negative_errno(), "%s: %s", root,
			                   strerror(errno));
	}
	if (r >= 0)
		r = ksc_fs_mkdir_beneath(rootfd, rel, 0755, root, &error);
	if (r < 0) {
		set_error(ret_error, "%s",
		          error && ksc_error_message(error) ? ksc_error_message(error)
		                                            : strerror(-r));
		ksc_error_free(error);
	}
	return r;
}

/* ---------------------------------------------------------------------------------------- */

static void
pass_done(struct pass *p)
{
	for (size_t i = 0; p->reasons && i < p->src.n; i++)
		free(p->reasons[i]);
	free(p->reasons);
	node_source_done(&p->src);
	free_names(p->installed, p->n_installed);
	free_names(p->unchanged, p->n_unchanged);
	free_names(p->removed, p->n_removed);
	free_names(p->kept, p->n_kept);
	free(p->error);
	*p = (struct pass){ 0 };
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

_printf_(2, 3) static void pass_fail(struct pass *p, const char *fmt, ...)
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
read_source(const struct sync_opts *o, struct pass *p)
{
	_cleanup_(freep) char *error = NULL;
	int r;

	r = node_source_read(o->from, &p->src, &error);
	if (r < 0) {
		pass_fail(p, "%s", error ? error : strerror(-r));
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

int
node_list_names(int dirfd, char ***ret, size_t *ret_n)
{
	_cleanup_(closedirp) DIR *d = NULL;
	char **names = NULL;
	size_t n = 0;
	struct dirent *e;
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return negative_errno();
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return negative_errno();
	}
	while ((errno = 0, e = readdir(d))) {
		char **grown;

		if (streq(e->d_name, ".") || streq(e->d_name, ".."))
			continue;
		grown = reallocarray(names, n + 1, sizeof(*names));
		if (!grown) {
			free_names(names, n);
			return -ENOMEM;
		}
		names = grown;
		names[n] = strdup(e->d_name);
		if (!names[n]) {
			free_names(names, n);
			return -ENOMEM;
		}
		n++;
	}
	if (errno) {
		int r = negative_errno();

		free_names(names, n);
		return r;
	}
	qsort(names, n, sizeof(*names), strp_cmp);
	*ret = names;
	*ret_n = n;
	return 0;
}

static int
sync_target(const struct sync_opts *o, struct pass *p)
{
	_cleanup_(closep) int targetfd = -1;
	_cleanup_(freep) char *error = NULL;
	char **names = NULL, rel[600];
	size_t n_names = 0;
	int r;

	snprintf(rel, sizeof(rel), "seccomp/%s", o->sub);
	targetfd = node_open_target(o->root, rel, &error);
	if (targetfd < 0) {
		pass_fail(p, "%s", error ? error : strerror(-targetfd));
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
	free_names(names, n_names);
	return r;
}

static void
put_names(struct strbuf *sb, const char *key, char **v, size_t n)
{
	strbuf_printf(sb, ",\n  \"%s\": [", key);
	for (size_t i = 0; i < n; i++) {
		strbuf_puts(sb, i ? ", " : "");
		strbuf_put_json_string(sb, v[i], strlen(v[i]));
	}
	strbuf_puts(sb, "]");
}

/* Where the status file goes: the directory's fd and the file's name in it. */
static int
open_status_dir(const struct sync_opts *o, char *name, size_t size, char **ret_error)
{
	const char *slash;
	char dir[4096];
	int fd;

	if (!o->status) {
		/* beneath ROOT, as the profiles: no link followed */
		snprintf(name, size, "%s.json", o->sub);
		for (char *s = name; *s; s++)
			if (*s == '/')
				*s = '_';
		return node_open_target(o->root, "seccomp/.kseccomp-sync", ret_error);
	}
	/* --status FILE: where the operator says, the last component replaced, not followed */
	slash = strrchr(o->status, '/');
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - o->status) : 1,
	         slash ? (slash == o->status ? "/" : o->status) : ".");
	snprintf(name, size, "%s", slash ? slash + 1 : o->status);
	*ret_error = NULL;
	fd = ksc_fs_mkdir_p(dir, 0755, NULL);
	if (fd >= 0) {
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			fd = negative_errno();
	}
	if (fd < 0 && asprintf(ret_error, "%s: %s", dir, strerror(-fd)) < 0)
		*ret_error = NULL;
	return fd;
}

static void
write_status(const struct sync_opts *o, const struct pass *p)
{
	struct strbuf sb = { 0 };
	_cleanup_(freep) char *text = NULL, *error = NULL;
	_cleanup_(closep) int dirfd = -1;
	struct ksc_error *werror = NULL;
	char when[64], name[600];
	time_t now = time(NULL);
	size_t len, n_rejected = 0;

	node_format_rfc3339(now, when, sizeof(when));
	strbuf_puts(&sb, "{\n  \"source\": ");
	strbuf_put_json_string(&sb, o->from, strlen(o->from));
	strbuf_puts(&sb, ",\n  \"target\": ");
	strbuf_put_json_string(&sb, o->target, strlen(o->target));
	strbuf_puts(&sb, ",\n  \"generation\": ");
	strbuf_put_json_string(&sb, p->src.generation, strlen(p->src.generation));
	strbuf_printf(&sb, ",\n  \"lastSync\": \"%s\",\n  \"lastSyncUnix\": %" PRId64, when,
	              (int64_t)now);
	strbuf_puts(&sb, ",\n  \"error\": ");
	if (p->error)
		strbuf_put_json_string(&sb, p->error, strlen(p->error));
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
		strbuf_put_json_string(&sb, fname, strlen(fname));
		strbuf_puts(&sb, ", \"reason\": ");
		strbuf_put_json_string(&sb, p->reasons[i], strlen(p->reasons[i]));
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
		cli_warning("cannot write the status file: %s", error ? error : strerror(-dirfd));
		return;
	}
	if (ksc_fs_install_at(dirfd, name, text, len, 0644, KSC_FS_DURABLE, NULL, &werror) < 0)
		cli_warning("cannot write the status file %s: %s", o->status ? o->status : name,
		            werror ? ksc_error_message(werror) : "unknown error");
	ksc_error_free(werror);
}

/* One pass; returns the number of rejected profiles, or -errno when the pass failed. */
static int
sync_once(const struct sync_opts *o)
{
	struct pass p = { 0 };
	size_t rejected = 0;
	int r;

	r = read_source(o, &p);
	if (r >= 0)
		r = sync_target(o, &p);
	for (size_t i = 0; p.reasons && i < p.src.n; i++)
		if (p.reasons[i]) {
			rejected++;
			cli_error("%s/%s: rejected, the installed profile stays: %s", o->from,
			          p.src.files[i].name, p.reasons[i]);
		}
	for (size_t i = 0; i < p.n_installed; i++)
		printf("installed %s/%s\n", cli_escape(o->target), cli_escape(p.installed[i]));
	for (size_t i = 0; i < p.n_removed; i++)
		printf("removed %s/%s\n", cli_escape(o->target), cli_escape(p.removed[i]));
	for (size_t i = 0; i < p.n_kept; i++)
		printf("kept %s/%s: no longer in %s (--prune removes it)\n", cli_escape(o->target),
		       cli_escape(p.kept[i]), cli_escape(o->from));
	fflush(stdout);
	if (r == -ENOMEM)
		pass_fail(&p, "%s", strerror(ENOMEM));
	if (p.error)
		cli_error("%s", p.error);
	write_status(o, &p);
	if (r >= 0 && p.error)
		r = -EIO;
	pass_done(&p);
	if (r < 0)
		return r;
	return (int)rejected;
}

/* ---------------------------------------------------------------------------------------- */

static void
default_status_path(const char *root, const char *sub, char *buf, size_t size)
{
	char name[512];

	snprintf(name, sizeof(name), "%s", sub);
	for (char *s = name; *s; s++)
		if (*s == '/')
			*s = '_';
	snprintf(buf, size, "%s/seccomp/.kseccomp-sync/%s.json", root, name);
}

static int
parse_sub(const char *command, const char *from, const char *as, char *buf, size_t size)
{
	if (!as)
		cli_last_component(from, buf, size);
	else
		snprintf(buf, size, "%s", as);
	if (!*buf || strstr(buf, "..") || buf[0] == '/' || buf[0] == '.')
		return cli_usage_error(command,
		                       "--as '%s': must be a relative path without '..' that does "
		                       "not start with a dot",
		                       buf);
	return 0;
}

static void
sync_help(void)
{
	fputs("Usage: kseccomp node sync --from DIR [--as SUBDIR] [--root-dir ROOT]\n"
	      "                          [--interval SECONDS | --once] [--prune] [--poll]\n"
	      "                          [--status FILE]\n"
	      "\n"
	      "Keep ROOT/seccomp/SUBDIR identical to DIR, a directory of *.json profiles such as\n"
	      "a mounted ConfigMap (whose files the kubelet swaps at once through ..data).\n"
	      "Every pass reads one generation of DIR as a whole, validates every profile, and\n"
	      "installs the valid ones that changed, each atomically: a runtime never reads a\n"
	      "partial profile, even if the sync is killed. An invalid profile is rejected and\n"
	      "the installed one stays. Files no longer in DIR stay unless --prune.\n"
	      "Only regular files are read (in a ConfigMap, those of the directory ..data\n"
	      "names); no link beneath ROOT is followed.\n"
	      "\n"
	      "Options:\n"
	      "      --from DIR          the profiles to install (required)\n"
	      "      --as SUBDIR         under ROOT/seccomp (default: DIR's name); pods name\n"
	      "                          them localhostProfile: SUBDIR/NAME.json\n"
	      "      --root-dir ROOT     the kubelet root (default /var/lib/kubelet for root)\n"
	      "      --once              one pass; exit 1 if a profile was rejected or the pass\n"
	      "                          failed\n"
	      "      --interval SECONDS  without --once: a full pass at least this often\n"
	      "                          (default 60), and at once when DIR changes (inotify)\n"
	      "      --poll              do not use inotify: passes every --interval only\n"
	      "      --prune             remove installed profiles that are no longer in DIR\n"
	      "      --status FILE       where each pass writes what it did (default\n"
	      "                          ROOT/seccomp/.kseccomp-sync/SUBDIR.json): 'kseccomp\n"
	      "                          node status' reads it\n"
	      "  -h, --help              show this help\n"
	      "\n"
	      "Without --once it runs until SIGTERM or SIGINT, and exits 0 then.\n",
	      stdout);
}

static volatile sig_atomic_t stop;

int
cli_node_sync(int argc, char **argv)
{
	static const struct option options[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "as", required_argument, NULL, 'a' },
		{ "root-dir", required_argument, NULL, 'r' },
		{ "interval", required_argument, NULL, 'i' },
		{ "once", no_argument, NULL, '1' },
		{ "prune", no_argument, NULL, 'P' },
		{ "poll", no_argument, NULL, 'p' },
		{ "status", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct sync_opts o = { 0 };
	char rootbuf[4096];
	const char *root = NULL, *as = NULL;
	double interval = 60;
	bool once = false, interval_set = false, poll_only = false;
	int c, r, ifd = -1, sfd;
	sigset_t mask;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (c) {
		case 'f':
			o.from = optarg;
			break;
		case 'a':
			as = optarg;
			break;
		case 'r':
			root = optarg;
			break;
		case 'i': {
			char *end;

			errno = 0;
			interval = strtod(optarg, &end);
			if (errno || *end || !(interval >= 0.1 && interval <= 86400))
				return cli_usage_error("node sync",
				                       "--interval '%s': seconds, 0.1 to 86400",
				                       optarg);
			interval_set = true;
			break;
		}
		case '1':
			once = true;
			break;
		case 'P':
			o.prune = true;
			break;
		case 'p':
			poll_only = true;
			break;
		case 's':
			o.status = optarg;
			break;
		case 'h':
			sync_help();
			return 0;
		default:
			return cli_bad_option("node sync", argv, c);
		}
	}
	if (optind < argc)
		return cli_usage_error("node sync", "unexpected argument '%s'", argv[optind]);
	if (!o.from)
		return cli_usage_error("node sync", "missing --from DIR");
	if (once && (interval_set || poll_only))
		return cli_usage_error("node sync",
		                       "--once makes one pass: no --interval or --poll");
	r = parse_sub("node sync", o.from, as, o.sub, sizeof(o.sub));
	if (r)
		return r;
	if (!root)
		root = node_kubelet_root(rootbuf, sizeof(rootbuf));
	o.root = root;
	snprintf(o.target, sizeof(o.target), "%s/seccomp/%s", root, o.sub);

	if (once) {
		r = sync_once(&o);
		return r == 0 ? 0 : 1;
	}

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (!poll_only) {
		ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
		if (ifd < 0)
			cli_warning("no inotify (%s): a pass every %g s", strerror(errno),
			            interval);
		/* ..data is swapped by a rename into DIR; a plain directory's files are written
		 * in place */
		if (ifd >= 0 &&
		    inotify_add_watch(ifd, o.from,
		                      IN_CREATE | IN_DELETE | IN_MOVED_TO | IN_MOVED_FROM |
		                              IN_CLOSE_WRITE | IN_ATTRIB | IN_DELETE_SELF |
		                              IN_MOVE_SELF) < 0) {
			cli_warning("%s: no inotify (%s): a pass every %g s", o.from,
			            strerror(errno), interval);
			close(ifd);
			ifd = -1;
		}
	}
	for (;;) {
		struct pollfd pfd[2] = { { .fd = sfd, .events = POLLIN },
			                 { .fd = ifd, .events = POLLIN } };
		struct timespec deadline, t;

		(void)sync_once(&o);
		clock_gettime(CLOCK_MONOTONIC, &deadline);
		deadline.tv_sec += (time_t)interval;
		deadline.tv_nsec += (long)((interval - floor(interval)) * 1e9);
		if (deadline.tv_nsec >= 1000000000L) {
			deadline.tv_sec++;
			deadline.tv_nsec -= 1000000000L;
		}
		for (;;) {
			long ms;

			clock_gettime(CLOCK_MONOTONIC, &t);
			ms = (long)(deadline.tv_sec - t.tv_sec) * 1000 +
			     (deadline.tv_nsec - t.tv_nsec) / 1000000;
			if (ms <= 0)
				break;
			r = poll(pfd, ifd >= 0 ? 2 : 1, (int)ms);
			if (r < 0 && errno != EINTR)
				break;
			if (r > 0 && (pfd[0].revents & POLLIN))
				stop = 1;
			if (stop)
				break;
			if (r > 0 && (pfd[1].revents & POLLIN)) {
				char buf[4096];

				/* a swap is several events: let them settle, then one pass */
				(void)poll(NULL, 0, 100);
				while (read(ifd, buf, sizeof(buf)) > 0)
					;
				break;
			}
		}
		if (stop)
			break;
	}
	if (ifd >= 0)
		close(ifd);
	if (sfd >= 0)
		close(sfd);
	return 0;
}

/* ---------------------------------------------------------------------------------------- */

/* A readiness probe must answer: the status file is read without blocking (a FIFO there is
 * refused) and only when it is a regular file. */
static int
read_status_file(const char *path, char **ret_text, size_t *ret_len, struct ksc_error **reterr)
{
	_cleanup_(closep) int dirfd = -1;
	const char *slash = strrchr(path, '/');
	char dir[4096];

	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) : 1,
	         slash ? (slash == path ? "/" : path) : ".");
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return ksc_error_setf(reterr, negative_errno(), "%s: %s", path, strerror(errno));
	return ksc_fs_read_at(dirfd, slash ? slash + 1 : path, 16u << 20, ret_text, ret_len, path,
	                      reterr);
}

int
cli_node_status(int argc, char **argv)
{
	static const struct option options[] = {
		{ "as", required_argument, NULL, 'a' },
		{ "root-dir", required_argument, NULL, 'r' },
		{ "status", required_argument, NULL, 's' },
		{ "max-age", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	_cleanup_(ksc_doc_freep) struct ksc_doc *doc = NULL;
	_cleanup_(freep) char *text = NULL;
	size_t len = 0;
	const char *root = NULL, *as = NULL, *status = NULL, *why;
	char rootbuf[4096], path[4096], sub[512];
	struct ksc_error *error = NULL;
	const struct ksc_node *top, *n;
	uint64_t last = 0, max_age = 0;
	size_t rejected = 0;
	int c, r;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (c) {
		case 'a':
			as = optarg;
			break;
		case 'r':
			root = optarg;
			break;
		case 's':
			status = optarg;
			break;
		case 'm': {
			char *end;

			errno = 0;
			max_age = strtoull(optarg, &end, 10);
			if (errno || *end || !*optarg || max_age == 0)
				return cli_usage_error("node status",
				                       "--max-age '%s': a number of seconds",
				                       optarg);
			break;
		}
		case 'h':
			fputs("Usage: kseccomp node status [--as SUBDIR | --status FILE]\n"
			      "                            [--root-dir ROOT] [--max-age SECONDS]\n"
			      "\n"
			      "Print what the last 'node sync' pass did, from its status file. "
			      "Exit\n"
			      "status 0 when that pass installed every profile (none rejected, no\n"
			      "error) and, with --max-age, ran within that many seconds: a "
			      "readiness\n"
			      "probe for the sync's DaemonSet. 1 otherwise, or when there is no "
			      "status.\n",
			      stdout);
			return 0;
		default:
			return cli_bad_option("node status", argv, c);
		}
	}
	if (optind < argc)
		return cli_usage_error("node status", "unexpected argument '%s'", argv[optind]);
	if (!status && !as)
		return cli_usage_error("node status",
		                       "say which sync: --as SUBDIR or --status FILE");
	if (!root)
		root = node_kubelet_root(rootbuf, sizeof(rootbuf));
	if (status)
		snprintf(path, sizeof(path), "%s", status);
	else {
		r = parse_sub("node status", as, as, sub, sizeof(sub));
		if (r)
			return r;
		default_status_path(root, sub, path, sizeof(path));
	}
	r = read_status_file(path, &text, &len, &error);
	if (r >= 0)
		r = ksc_doc_parse(path, text, len, KSC_DOC_JSON, &doc, &error);
	if (r < 0) {
		if (r == -ENOENT) {
			ksc_error_free(error);
			cli_error("%s: no status: 'kseccomp node sync' has not run a pass yet",
			          path);
			return 1;
		}
		return cli_fail(r, error, path);
	}
	top = ksc_doc_root(doc, 0);
	n = top->kind == KSC_NODE_MAP ? ksc_node_get(top, "lastSyncUnix") : NULL;
	if (!n || ksc_node_to_u64(n, &last, &why) < 0) {
		cli_error("%s: not a node sync status file", path);
		return 1;
	}
	n = ksc_node_get(top, "rejected");
	if (n && n->kind == KSC_NODE_SEQ)
		rejected = n->count;
	fwrite(text, 1, len, stdout);
	n = ksc_node_get(top, "error");
	if (n && !ksc_node_is_null(n)) {
		cli_error("the last pass failed");
		return 1;
	}
	if (rejected) {
		cli_error("the last pass rejected %zu profile%s", rejected,
		          rejected == 1 ? "" : "s");
		return 1;
	}
	if (max_age && (uint64_t)time(NULL) > last + max_age) {
		cli_error("the last pass ran %" PRIu64 " s ago (more than %" PRIu64 ")",
		          (uint64_t)time(NULL) - last, max_age);
		return 1;
	}
	return 0;
}
