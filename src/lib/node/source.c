/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The node's profile sources, shared by node load and node sync: a plain directory or a
 * directory laid out as the kubelet mounts a ConfigMap (..data -> ..TIMESTAMP), and the
 * directory they are installed into, ROOT/seccomp/SUBDIR, opened without following a link
 * beneath ROOT.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>

#include "doc.h"
#include "fs.h"
#include "node.h"
#include "profiles.h"

#define PASS_RETRIES 10

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

/* The directory to read the files from: DIR, or in a ConfigMap's layout the generation ..data
 * names. -EAGAIN when that generation is gone (swapped meanwhile). */
static int
open_generation(int srcfd, const char *from, char *generation, size_t size,
                struct ksc_error **reterr)
{
	ssize_t n = readlinkat(srcfd, "..data", generation, size - 1);
	int fd;

	if (n < 0) {
		generation[0] = '\0';
		/* no ..data, or not a link: a plain directory */
		if (errno != ENOENT && errno != EINVAL) {
			int r = negative_errno();

			(void)ksc_error_setf(reterr, 0, "%s/..data: %s", from, strerror(-r));
			return r;
		}
		fd = openat(srcfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0) {
			int r = negative_errno();

			(void)ksc_error_setf(reterr, 0, "%s: %s", from, strerror(-r));
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
		(void)ksc_error_setf(
		        reterr, 0,
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
			(void)ksc_error_setf(
			        reterr, 0, "%s/..data: its generation is not a directory: refused",
			        from);
		else
			(void)ksc_error_setf(reterr, 0, "%s/%s: %s", from, generation,
			                     strerror(-r));
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
read_generation(int srcfd, const char *from, struct node_source *src, struct ksc_error **reterr)
{
	_cleanup_(closep) int genfd = -1;
	_cleanup_(closedirp) DIR *d = NULL;
	char **names = NULL, again[256];
	size_t n_names = 0;
	struct dirent *e;
	ssize_t n;
	int r = 0, fd;

	genfd = open_generation(srcfd, from, src->generation, sizeof(src->generation), reterr);
	if (genfd < 0)
		return genfd;
	fd = openat(genfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		r = negative_errno();
		if (fd >= 0)
			close(fd);
		(void)ksc_error_setf(reterr, 0, "%s: %s", from, strerror(-r));
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
		(void)ksc_error_setf(reterr, 0, "%s: %s", from, strerror(-r));
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
	node_names_free(names, n_names);
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
node_source_read(const char *from, struct node_source *src, struct ksc_error **reterr)
{
	/* DIR itself is followed: the operator names it (a ConfigMap's mount point) */
	_cleanup_(closep) int srcfd = open(from, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r = -EAGAIN;

	if (srcfd < 0) {
		r = negative_errno();
		(void)ksc_error_setf(reterr, 0, "%s: %s", from, strerror(-r));
		return r;
	}
	for (int attempt = 0; attempt < PASS_RETRIES && r == -EAGAIN; attempt++) {
		node_source_done(src);
		r = read_generation(srcfd, from, src, reterr);
	}
	if (r == -EAGAIN)
		(void)ksc_error_setf(reterr, 0, "%s: ..data kept moving during %d reads", from,
		                     PASS_RETRIES);
	else if (r == -ENOMEM)
		(void)ksc_error_setf(reterr, 0, "%s", strerror(ENOMEM));
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
node_open_target(const char *root, const char *rel, struct ksc_error **reterr)
{
	_cleanup_(closep) int rootfd = -1;
	int r;

	r = ksc_fs_mkdir_p(root, 0755, reterr);
	if (r < 0)
		return r;
	rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return ksc_error_setf(reterr, negative_errno(), "%s: %s", root, strerror(errno));
	return ksc_fs_mkdir_beneath(rootfd, rel, 0755, root, reterr);
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
			node_names_free(names, n);
			return -ENOMEM;
		}
		names = grown;
		names[n] = strdup(e->d_name);
		if (!names[n]) {
			node_names_free(names, n);
			return -ENOMEM;
		}
		n++;
	}
	if (errno) {
		int r = negative_errno();

		node_names_free(names, n);
		return r;
	}
	qsort(names, n, sizeof(*names), strp_cmp);
	*ret = names;
	*ret_n = n;
	return 0;
}
