/* SPDX-License-Identifier: Apache-2.0 */
/* kseccomp node ls [--root-dir D] [-o FORMAT]: the node's Localhost profiles. */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <sys/stat.h>

#include "cli.h"
#include "fs.h"
#include "node.h"
#include "node/node.h"
#include "node/profiles.h"
#include "strbuf.h"

struct ls_out {
	struct cli_list list; /* the format, and the array of json and yaml */
	size_t n;             /* profiles so far */
};

/* -o wide: the architectures the profile lists ("-" for none), comma-separated. */
static void
wide_arches(const struct ksc_profile *p, char *buf, size_t size)
{
	size_t len = 0, n = p ? ksc_profile_arch_count(p) : 0;

	snprintf(buf, size, "-");
	for (size_t i = 0; i < n && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? "," : "",
		                        ksc_arch_name(ksc_profile_arch(p, i)));
}

/* One profile: a row of the table, an object of the array, or its name. */
static void
ls_row(struct ls_out *out, const char *base, const char *name, const struct ksc_profile *p,
       const char *error)
{
	enum cli_list_format format = out->list.format;

	if (format == CLI_LIST_NAME) {
		printf("%s\n", cli_escape(name));
	} else if (cli_list_is_data(&out->list)) {
		struct strbuf *sb = cli_list_next(&out->list);

		strbuf_puts(sb, "{\"localhostProfile\": ");
		strbuf_put_json_str(sb, name);
		strbuf_printf(sb, ", \"valid\": %s", p ? "true" : "false");
		if (p)
			strbuf_printf(sb, ", \"defaultAction\": \"%s\", \"rules\": %zu}",
			              ksc_action_name(ksc_profile_default_action(p)),
			              ksc_profile_rule_count(p));
		else {
			strbuf_puts(sb, ", \"error\": ");
			strbuf_put_json_str(sb, error);
			strbuf_puts(sb, "}");
		}
	} else {
		bool wide = format == CLI_LIST_WIDE;
		char rules[24], arches[128], path[2 * PATH_MAX];

		if (out->n == 0) {
			printf("%-44s %-22s %-6s ", "LOCALHOST PROFILE", "DEFAULT ACTION", "RULES");
			if (wide)
				printf("%-24s %-44s ", "ARCHITECTURES", "PATH");
			printf("STATUS\n");
		}
		if (p)
			snprintf(rules, sizeof(rules), "%zu", ksc_profile_rule_count(p));
		else
			snprintf(rules, sizeof(rules), "-");
		printf("%-44s %-22s %-6s ", cli_escape(name),
		       p ? ksc_action_name(ksc_profile_default_action(p)) : "-", rules);
		if (wide) {
			wide_arches(p, arches, sizeof(arches));
			snprintf(path, sizeof(path), "%s/%s", base, name);
			printf("%-24s %-44s ", arches, cli_escape(path));
		}
		if (p)
			printf("valid\n");
		else
			printf("invalid: %s\n", cli_escape(error));
	}
	out->n++;
}

/* The profiles beneath dirfd (ROOT/seccomp/rel), depth first in name order. Nothing is
 * followed or opened that could block: a link or a FIFO is listed as what it is. */
static void
list_dir(int dirfd, const char *base, const char *rel, struct ls_out *out)
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
				list_dir(fd, base, sub, out);
			continue;
		}
		r = ksc_fs_read_at(dirfd, name, KSC_PROFILE_MAX_BYTES, &text, &len, full, &error);
		if (r >= 0)
			r = ksc_profile_parse(full, text, len, NULL, &p, diags, &error);
		ls_row(out, base, sub, r < 0 ? NULL : p,
		       error && ksc_error_message(error) ? ksc_error_message(error)
		                                         : "see 'profile validate'");
		ksc_error_free(error);
		ksc_profile_free(p);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static const char ls_help[] =
        "Usage: kseccomp node ls [--root-dir ROOT] [-o table|wide|json|yaml|name]\n"
        "\n"
        "List the Localhost profiles under ROOT/seccomp, as localhostProfile names,\n"
        "with their default action, number of rules and whether they are valid.\n"
        "\n"
        "Options:\n"
        "      --root-dir ROOT   the kubelet's root (default: /var/lib/kubelet for\n"
        "                        root, ~/.local/share/kseccomp/kubelet otherwise)\n"
        "  -o, --output FORMAT   table (the default), wide (with the architectures\n"
        "                        each lists and its file), json, yaml or name (the\n"
        "                        localhostProfile names, one per line)\n"
        "  -h, --help            show this help\n";

int
cli_node_ls(int argc, char **argv)
{
	static const struct option options[] = {
		{ "root-dir", required_argument, NULL, 'r' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	char rootbuf[PATH_MAX], base[PATH_MAX];
	const char *root = NULL;
	_cleanup_(closep) int basefd = -1;
	struct ls_out out = { 0 };
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", options, NULL)) != -1) {
		switch (c) {
		case 'r':
			root = optarg;
			break;
		case 'o':
			if (cli_parse_list_format("node ls", optarg,
			                          CLI_LIST(WIDE) | CLI_LIST(JSON) | CLI_LIST(YAML) |
			                                  CLI_LIST(NAME),
			                          &out.list.format) != 0)
				return EXIT_USAGE;
			break;
		case 'h':
			fputs(ls_help, stdout);
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
		list_dir(basefd, base, "", &out);
	if (!out.n && !cli_list_is_data(&out.list) && out.list.format != CLI_LIST_NAME)
		printf("no profiles under %s\n", cli_escape(base));
	return cli_list_finish(&out.list);
}
