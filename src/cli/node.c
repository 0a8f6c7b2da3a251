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

struct loaded {
	char *name;
	char *text;
	size_t len;
};

static int
cmp_loaded(const void *a, const void *b)
{
	return strcmp(((const struct loaded *)a)->name, ((const struct loaded *)b)->name);
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
	char rootbuf[4096], target[4096];
	const char *root = NULL, *sub = NULL, *dir;
	struct loaded *files = NULL;
	size_t n = 0;
	bool invalid = false;
	struct dirent **entries = NULL;
	int n_entries = 0, c, r, status = 0;

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
			      "Every profile is validated first: if one is invalid, none is "
			      "installed.\n"
			      "Each is written to a temporary file, flushed and renamed into "
			      "place, so\n"
			      "a reader never sees a partial profile.\n",
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
		root = cli_kubelet_root(rootbuf, sizeof(rootbuf));
	if (!sub) {
		cli_last_component(dir, target, sizeof(target));
		sub = strdupa(target);
	}
	if (strstr(sub, "..") || sub[0] == '/')
		return cli_usage_error("node load",
		                       "--as '%s': must be a relative path without '..'", sub);

	n_entries = scandir(dir, &entries, NULL, alphasort);
	if (n_entries < 0) {
		cli_error("%s: %s", dir, strerror(errno));
		return 1;
	}
	/* read and validate everything first, in name order: all or nothing */
	for (int k = 0; k < n_entries; k++) {
		struct dirent *e = entries[k];
		_cleanup_(ksc_diags_freep) struct ksc_diags *diags = ksc_diags_new();
		struct ksc_profile *p = NULL;
		struct ksc_error *error = NULL;
		struct loaded *grown;
		char path[4096];
		char *text = NULL;
		size_t len = 0;

		if (e->d_name[0] == '.' || !endswith(e->d_name, ".json"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		r = ksc_doc_read_file(path, KSC_PROFILE_MAX_BYTES, &text, &len, &error);
		if (r == 0)
			r = ksc_profile_parse(path, text, len, NULL, &p, diags, &error);
		if (r < 0) {
			(void)cli_report_invalid(r, diags, error, path);
			free(text);
			invalid = true;
			continue;
		}
		ksc_profile_free(p);
		grown = reallocarray(files, n + 1, sizeof(*files));
		if (!grown) {
			free(text);
			status = cli_fail(-ENOMEM, NULL, NULL);
			goto out;
		}
		files = grown;
		files[n++] = (struct loaded){ strdup(e->d_name), text, len };
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
	qsort(files, n, sizeof(*files), cmp_loaded);
	snprintf(target, sizeof(target), "%s/seccomp/%s", root, sub);
	r = cli_mkdir_p(target, 0755);
	if (r < 0) {
		cli_error("%s: %s", target, strerror(-r));
		status = 1;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		r = cli_install_file(target, files[i].name, files[i].text, files[i].len);
		if (r < 0) {
			cli_error("%s/%s: %s", target, files[i].name, strerror(-r));
			status = 1;
			goto out;
		}
		printf("loaded %s/%s (localhostProfile: %s/%s)\n", cli_escape(target),
		       cli_escape(files[i].name), cli_escape(sub), cli_escape(files[i].name));
	}
out:
	for (size_t i = 0; i < n; i++) {
		free(files[i].name);
		free(files[i].text);
	}
	free(files);
	for (int k = 0; k < n_entries; k++)
		free(entries[k]);
	free(entries);
	return status;
}

static void
list_dir(const char *base, const char *rel, bool *any)
{
	char path[4096];
	struct dirent **entries = NULL;
	int n;

	snprintf(path, sizeof(path), "%s%s%s", base, *rel ? "/" : "", rel);
	n = scandir(path, &entries, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		const char *name = entries[i]->d_name;
		char sub[4096], full[8192];
		struct stat st;

		if (name[0] == '.')
			goto next;
		snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", name);
		snprintf(full, sizeof(full), "%s/%s", base, sub);
		if (stat(full, &st) < 0)
			goto next;
		if (S_ISDIR(st.st_mode)) {
			list_dir(base, sub, any);
			goto next;
		}
		{
			_cleanup_(ksc_diags_freep) struct ksc_diags *diags = ksc_diags_new();
			struct ksc_profile *p = NULL;
			struct ksc_error *error = NULL;

			if (!*any)
				printf("%-44s %-22s %-6s %s\n", "LOCALHOST PROFILE",
				       "DEFAULT ACTION", "RULES", "STATUS");
			*any = true;
			if (ksc_profile_load(full, NULL, &p, diags, &error) < 0) {
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
	next:
		free(entries[i]);
	}
	free(entries);
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
		root = cli_kubelet_root(rootbuf, sizeof(rootbuf));
	snprintf(base, sizeof(base), "%s/seccomp", root);
	list_dir(base, "", &any);
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
