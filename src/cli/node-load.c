/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kseccomp node load DIR [--as SUBDIR] [--root-dir D]
 *
 * Every profile is validated here first; the node module installs them all or none
 * (node_load_install()).
 */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "node.h"
#include "node/node.h"
#include "node/profiles.h"

static const char load_help[] =
        "Usage: kseccomp node load DIR [--as SUBDIR] [--root-dir ROOT]\n"
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
        "link beneath ROOT is either.\n"
        "\n"
        "Options:\n"
        "      --as SUBDIR       install under ROOT/seccomp/SUBDIR (default: DIR's name)\n"
        "      --root-dir ROOT   the kubelet's root (see 'kseccomp node ls --help')\n"
        "  -h, --help            show this help\n";

int
cli_node_load(int argc, char **argv)
{
	static const struct option options[] = {
		{ "as", required_argument, NULL, 'a' },
		{ "root-dir", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	char rootbuf[PATH_MAX], target[PATH_MAX];
	const char *root = NULL, *sub = NULL, *dir;
	struct node_source src = { 0 };
	_cleanup_(ksc_error_freep) struct ksc_error *error = NULL;
	_cleanup_(ksc_diags_freep) struct ksc_diags *install_diags = ksc_diags_new();
	_cleanup_(freep) size_t *order = NULL;
	size_t n = 0;
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
			fputs(load_help, stdout);
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
		status = cli_fail(r, TAKE_PTR(error), NULL);
		goto out;
	}
	order = calloc(src.n + 1, sizeof(*order));
	if (!order || !install_diags) {
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
	r = node_load_install(root, sub, &src, order, n, install_diags);
	cli_print_diags(install_diags);
	if (r < 0) {
		status = 1;
		goto out;
	}
	snprintf(target, sizeof(target), "%s/seccomp/%s", root, sub);
	for (size_t k = 0; k < n; k++)
		printf("loaded %s/%s (localhostProfile: %s/%s)\n", cli_escape(target),
		       cli_escape(src.files[order[k]].name), cli_escape(sub),
		       cli_escape(src.files[order[k]].name));
out:
	node_source_done(&src);
	return status;
}
