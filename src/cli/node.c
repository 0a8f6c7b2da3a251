/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kseccomp node load DIR [--as SUBDIR] [--root-dir D]
 * kseccomp node ls [--root-dir D]
 *
 * Profiles land where a real kubelet looks for Localhost profiles: ROOT/seccomp/. Loading is
 * all or nothing and atomic per file: every profile is validated first, then each is
 * written to a temporary file in its directory, flushed, and renamed over the old one, so
 * that a runtime reading the file at any moment sees the old profile or the new one.
 */
#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <sys/stat.h>

#include "cli.h"
#include "doc.h"
#include "fs.h"
#include "node.h"
#include "node/node.h"

/* What a target entry held before this run installed over it, to put it back. */
struct saved {
	bool existed;
	char *text;
	size_t len;
	mode_t mode;
};

/* Put back what this run installed (files[0..n) in target), last first. Returns how many
 * could not be put back, each reported. */
static size_t
roll_back(int targetfd, const char *target, const struct node_source *src, const size_t *order,
          const struct saved *saved, size_t n)
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
			cli_error("%s/%s: cannot put the previous file back: %s", target, name,
			          error ? ksc_error_message(error) : strerror(-r));
			failed++;
		}
		ksc_error_free(error);
	}
	return failed;
}

static int
node_load(int argc, char **argv)
{
	static const struct option options[] = {
		{ "as", required_argument, NULL, 'a' },
		{ "root-dir", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	char rootbuf[4096], target[4096], rel[4200];
	const char *root = NULL, *sub = NULL, *dir;
	struct node_source src = { 0 };
	_cleanup_(freep) char *error = NULL;
	_cleanup_(freep) size_t *order = NULL;
	_cleanup_(freep) struct saved *saved = NULL;
	_cleanup_(closep) int targetfd = -1;
	size_t n = 0, installed = 0;
	bool invalid = false;
	int c, r, status = 0;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (c) {
		case 'a':
			sub = optarg;
			break;
		case 'r':
			root = optarg;
			break;
		case 'h':
			fputs("Usage: kseccomp node load DIR [--as SUBDIR] [--root-dir ROOT]\n"
			      "\n"
			      "Install the profiles of DIR (its *.json files) under "
			      "ROOT/seccomp/SUBDIR,\n"
			      "where the kubelet resolves Localhost profiles (ROOT: "
			      "/var/lib/kubelet for\n"
			      "root, ~/.local/share/kseccomp/kubelet otherwise; SUBDIR: DIR's "
			      "name, so\n"
			      "that ./profiles/audit.json is localhostProfile "
			      "profiles/audit.json).\n"
			      "All or nothing: every profile is validated first, and if one is "
			      "invalid,\n"
			      "none is installed; if an install fails, the files this run "
			      "installed "
			      "are\n"
			      "put back as they were. Each is written to a temporary file, flushed "
			      "and\n"
			      "renamed into place, so a reader never sees a partial profile.\n"
			      "\n"
			      "The profiles must be regular files of DIR (or of the generation its "
			      "..data\n"
			      "names, in a mounted ConfigMap); links elsewhere are not followed, "
			      "and "
			      "no\n"
			      "link beneath ROOT is either.\n",
			      stdout);
			return 0;
		default:
			return cli_bad_option("node load", argv, c);
		}
	}
	r = cli_one_operand("node load", argc, "DIR");
	if (r)
		return r;
	dir = argv[optind];
	if (!root)
		root = node_kubelet_root(rootbuf, sizeof(rootbuf));
	if (!sub) {
		cli_last_component(dir, target, sizeof(target));
		sub = strdupa(target);
	}
	if (strstr(sub, "..") || sub[0] == '/')
		return cli_usage_error("node load",
		                       "--as '%s': must be a relative path without '..'", sub);

	r = node_source_read(dir, &src, &error);
	if (r < 0) {
		cli_error("%s", error ? error : strerror(-r));
		status = 1;
		goto out;
	}
	order = calloc(src.n + 1, sizeof(*order));
	saved = calloc(src.n + 1, sizeof(*saved));
	if (!order || !saved) {
		status = cli_fail(-ENOMEM, NULL, NULL);
		goto out;
	}
	/* read and validate everything first, in name order: all or nothing */
	for (size_t i = 0; i < src.n; i++) {
		const struct node_source_file *f = &src.files[i];
		_cleanup_(ksc_diags_freep) struct ksc_diags *diags = ksc_diags_new();
		_cleanup_(freep) char *reason = NULL;
		struct ksc_profile *p = NULL;
		struct ksc_error *perror = NULL;
		char path[8192];

		snprintf(path, sizeof(path), "%s/%s", dir, f->name);
		if (f->r < 0) {
			cli_error("%s/%s", dir, f->read_why);
			invalid = true;
			continue;
		}
		if (node_not_json(path, f->text, f->len, &reason)) {
			cli_error("%s", reason ? reason : path);
			invalid = true;
			continue;
		}
		r = ksc_profile_parse(path, f->text, f->len, NULL, &p, diags, &perror);
		if (r < 0) {
			(void)cli_report_invalid(r, diags, perror, path);
			invalid = true;
			continue;
		}
		ksc_profile_free(p);
		order[n++] = i;
	}
	if (invalid) {
		cli_error("%s: invalid profiles: nothing installed", dir);
		status = 1;
		goto out;
	}
	if (n == 0) {
		cli_error("%s: no *.json profiles", dir);
		status = 1;
		goto out;
	}
	snprintf(target, sizeof(target), "%s/seccomp/%s", root, sub);
	snprintf(rel, sizeof(rel), "seccomp/%s", sub);
	free(error);
	error = NULL;
	targetfd = node_open_target(root, rel, &error);
	if (targetfd < 0) {
		cli_error("%s: nothing installed", error ? error : strerror(-targetfd));
		status = 1;
		goto out;
	}
	/* what each name holds now: a regular file to put back if a later install fails, or
	 * nothing; anything else there (a link, a FIFO) is not ours to replace */
	for (size_t k = 0; k < n; k++) {
		const char *name = src.files[order[k]].name;
		struct ksc_error *rerror = NULL;
		struct stat st;

		if (fstatat(targetfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno == ENOENT)
				continue;
			cli_error("%s/%s: %s: nothing installed", target, name, strerror(errno));
			status = 1;
			goto out;
		}
		r = ksc_fs_read_at(targetfd, name, KSC_PROFILE_MAX_BYTES, &saved[k].text,
		                   &saved[k].len, NULL, &rerror);
		if (r < 0) {
			cli_error("%s/%s: nothing installed", target,
			          rerror ? ksc_error_message(rerror) : strerror(-r));
			ksc_error_free(rerror);
			status = 1;
			goto out;
		}
		saved[k].existed = true;
		saved[k].mode = st.st_mode & 07777;
	}
	for (; installed < n; installed++) {
		const struct node_source_file *f = &src.files[order[installed]];
		struct ksc_error *ierror = NULL;
		char what[8192];

		snprintf(what, sizeof(what), "%s/%s", target, f->name);
		r = ksc_fs_install_at(targetfd, f->name, f->text, f->len, 0644, KSC_FS_DURABLE,
		                      what, &ierror);
		if (r < 0) {
			size_t failed;

			cli_error("%s", ierror ? ksc_error_message(ierror) : strerror(-r));
			ksc_error_free(ierror);
			failed = roll_back(targetfd, target, &src, order, saved, installed);
			if (failed)
				cli_error(
				        "%s: %zu of the %zu profiles installed before could not be "
				        "put back",
				        target, failed, installed);
			else
				cli_error(
				        "%s: nothing installed (the %zu installed before were put "
				        "back)",
				        target, installed);
			status = 1;
			goto out;
		}
	}
	for (size_t k = 0; k < n; k++)
		printf("loaded %s/%s (localhostProfile: %s/%s)\n", cli_escape(target),
		       cli_escape(src.files[order[k]].name), cli_escape(sub),
		       cli_escape(src.files[order[k]].name));
out:
	for (size_t k = 0; saved && k < n; k++)
		free(saved[k].text);
	node_source_done(&src);
	return status;
}

/* The profiles beneath dirfd (ROOT/seccomp/rel), depth first in name order. Nothing is
 * followed or opened that could block: a link or a FIFO is listed as what it is. */
static void
list_dir(int dirfd, const char *base, const char *rel, bool *any)
{
	char **names = NULL;
	size_t n = 0;

	if (node_list_names(dirfd, &names, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		const char *name = names[i];
		_cleanup_(ksc_diags_freep) struct ksc_diags *diags = ksc_diags_new();
		_cleanup_(freep) char *text = NULL;
		struct ksc_profile *p = NULL;
		struct ksc_error *error = NULL;
		char sub[4096], full[8192];
		struct stat st;
		size_t len = 0;
		int r;

		if (name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", name);
		snprintf(full, sizeof(full), "%s/%s", base, sub);
		if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			_cleanup_(closep) int fd = openat(
			        dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (fd >= 0)
				list_dir(fd, base, sub, any);
			continue;
		}
		if (!*any)
			printf("%-44s %-22s %-6s %s\n", "LOCALHOST PROFILE", "DEFAULT ACTION",
			       "RULES", "STATUS");
		*any = true;
		r = ksc_fs_read_at(dirfd, name, KSC_PROFILE_MAX_BYTES, &text, &len, full, &error);
		if (r >= 0)
			r = ksc_profile_parse(full, text, len, NULL, &p, diags, &error);
		if (r < 0) {
			printf("%-44s %-22s %-6s invalid: %s\n", cli_escape(sub), "-", "-",
			       error ? cli_escape(ksc_error_message(error))
			             : "see 'profile validate'");
			ksc_error_free(error);
		} else {
			printf("%-44s %-22s %-6zu valid\n", cli_escape(sub),
			       ksc_action_name(ksc_profile_default_action(p)),
			       ksc_profile_rule_count(p));
			ksc_profile_free(p);
		}
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static int
node_ls(int argc, char **argv)
{
	static const struct option options[] = {
		{ "root-dir", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	char rootbuf[4096], base[4096];
	const char *root = NULL;
	_cleanup_(closep) int basefd = -1;
	bool any = false;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (c) {
		case 'r':
			root = optarg;
			break;
		case 'h':
			fputs("Usage: kseccomp node ls [--root-dir ROOT]\n"
			      "\n"
			      "List the Localhost profiles under ROOT/seccomp, as localhostProfile "
			      "names,\n"
			      "with their default action, number of rules and whether they are "
			      "valid.\n",
			      stdout);
			return 0;
		default:
			return cli_bad_option("node ls", argv, c);
		}
	}
	if (optind < argc)
		return cli_usage_error("node ls", "unexpected argument '%s'", argv[optind]);
	if (!root)
		root = node_kubelet_root(rootbuf, sizeof(rootbuf));
	snprintf(base, sizeof(base), "%s/seccomp", root);
	basefd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (basefd >= 0)
		list_dir(basefd, base, "", &any);
	if (!any)
		printf("no profiles under %s\n", cli_escape(base));
	return 0;
}

static const struct verb node_verbs[] = {
	{ "load", node_load, "install profiles where the kubelet looks for them, atomically" },
	{ "ls", node_ls, "list the node's Localhost profiles" },
	{ "sync", cli_node_sync, "keep a directory of profiles (a ConfigMap) installed" },
	{ "status", cli_node_status, "what the last sync did: a readiness probe" },
};

int
verb_node(int argc, char **argv)
{
	return cli_dispatch("node", node_verbs, ELEMENTSOF(node_verbs), argc, argv);
}
