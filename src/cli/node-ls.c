/* SPDX-License-Identifier: Apache-2.0 */
/* kseccomp node ls [--root-dir D]: the node's Localhost profiles. */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <sys/stat.h>

#include "cli.h"
#include "fs.h"
#include "node.h"
#include "node/node.h"
#include "node/profiles.h"

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
		char sub[PATH_MAX], full[2 * PATH_MAX];
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

int
cli_node_ls(int argc, char **argv)
{
	static const struct option options[] = {
		{ "root-dir", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	char rootbuf[PATH_MAX], base[PATH_MAX];
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
			      "valid.\n"
			      "\n"
			      "Options:\n"
			      "      --root-dir ROOT   the kubelet's root (default: "
			      "/var/lib/kubelet "
			      "for\n"
			      "                        root, ~/.local/share/kseccomp/kubelet "
			      "otherwise)\n"
			      "  -h, --help            show this help\n",
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
