/* SPDX-License-Identifier: Apache-2.0 */
/*
 * node load's install. Profiles land where a real kubelet looks for Localhost profiles:
 * ROOT/seccomp/. All or nothing and atomic per file: each is written to a temporary file in
 * its directory, flushed, and renamed over the old one, so that a runtime reading the file at
 * any moment sees the old profile or the new one; when one install fails, those installed
 * before are put back.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>

#include "error.h"
#include "fs.h"
#include "profiles.h"

/* What a target entry held before this run installed over it, to put it back. */
struct saved {
	bool existed;
	char *text;
	size_t len;
	mode_t mode;
};

_printf_(2, 3) static void load_fail(struct ksc_diags *diags, const char *fmt, ...)
{
	_cleanup_(freep) char *text = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		text = NULL;
	(void)ksc_diags_addf(diags, KSC_SEVERITY_ERROR, NULL, 0, 0, NULL, "%s",
	                     text ? text : strerror(ENOMEM));
}

/* Put back what this run installed (files[0..n) in target), last first. Returns how many
 * could not be put back, each reported. */
static size_t
roll_back(int targetfd, const char *target, const struct node_source *src, const size_t *order,
          const struct saved *saved, size_t n, struct ksc_diags *diags)
{
	size_t failed = 0;

	while (n-- > 0) {
		const char *name = src->files[order[n]].name;
		struct ksc_error *error = NULL;
		int r;

		if (saved[n].existed)
			r = ksc_fs_install_at(targetfd, name, saved[n].text, saved[n].len,
			                      saved[n].mode, KSC_FS_DURABLE, NULL, &error);
		else
			r = unlinkat(targetfd, name, 0) < 0 ? negative_errno() : 0;
		if (r < 0) {
			load_fail(diags, "%s/%s: cannot put the previous file back: %s", target,
			          name, error ? ksc_error_message(error) : strerror(-r));
			failed++;
		}
		ksc_error_free(error);
	}
	return failed;
}

/* What each name holds now: a regular file to put back if a later install fails, or
 * nothing; anything else there (a link, a FIFO) is not ours to replace. */
static int
save_previous(int targetfd, const char *target, const struct node_source *src, const size_t *order,
              struct saved *saved, size_t n, struct ksc_diags *diags)
{
	for (size_t k = 0; k < n; k++) {
		const char *name = src->files[order[k]].name;
		struct ksc_error *rerror = NULL;
		struct stat st;
		int r;

		if (fstatat(targetfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno == ENOENT)
				continue;
			r = negative_errno();
			load_fail(diags, "%s/%s: %s: nothing installed", target, name,
			          strerror(-r));
			return r;
		}
		r = ksc_fs_read_at(targetfd, name, KSC_PROFILE_MAX_BYTES, &saved[k].text,
		                   &saved[k].len, NULL, &rerror);
		if (r < 0) {
			load_fail(diags, "%s/%s: nothing installed", target,
			          rerror ? ksc_error_message(rerror) : strerror(-r));
			ksc_error_free(rerror);
			return r;
		}
		saved[k].existed = true;
		saved[k].mode = st.st_mode & 07777;
	}
	return 0;
}

static int
install_all(int targetfd, const char *target, const struct node_source *src, const size_t *order,
            const struct saved *saved, size_t n, struct ksc_diags *diags)
{
	for (size_t installed = 0; installed < n; installed++) {
		const struct node_source_file *f = &src->files[order[installed]];
		struct ksc_error *ierror = NULL;
		char what[8192];
		size_t failed;
		int r;

		snprintf(what, sizeof(what), "%s/%s", target, f->name);
		r = ksc_fs_install_at(targetfd, f->name, f->text, f->len, 0644, KSC_FS_DURABLE,
		                      what, &ierror);
		if (r >= 0)
			continue;
		load_fail(diags, "%s", ierror ? ksc_error_message(ierror) : strerror(-r));
		ksc_error_free(ierror);
		failed = roll_back(targetfd, target, src, order, saved, installed, diags);
		if (failed)
			load_fail(diags,
			          "%s: %zu of the %zu profiles installed before could not be put "
			          "back",
			          target, failed, installed);
		else
			load_fail(diags,
			          "%s: nothing installed (the %zu installed before were put back)",
			          target, installed);
		return r;
	}
	return 0;
}

int
node_load_install(const char *root, const char *sub, const struct node_source *src,
                  const size_t *order, size_t n, struct ksc_diags *diags)
{
	_cleanup_(ksc_error_freep) struct ksc_error *error = NULL;
	_cleanup_(freep) struct saved *saved = calloc(n + 1, sizeof(*saved));
	_cleanup_(closep) int targetfd = -1;
	char target[PATH_MAX], rel[PATH_MAX + 104];
	int r;

	if (!saved) {
		load_fail(diags, "%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	snprintf(target, sizeof(target), "%s/seccomp/%s", root, sub);
	snprintf(rel, sizeof(rel), "seccomp/%s", sub);
	targetfd = node_open_target(root, rel, &error);
	if (targetfd < 0) {
		load_fail(diags, "%s: nothing installed",
		          error && ksc_error_message(error) ? ksc_error_message(error)
		                                            : strerror(-targetfd));
		return targetfd;
	}
	r = save_previous(targetfd, target, src, order, saved, n, diags);
	if (r >= 0)
		r = install_all(targetfd, target, src, order, saved, n, diags);
	for (size_t k = 0; k < n; k++)
		free(saved[k].text);
	return r;
}
