/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kseccomp node status [--as SUBDIR] [--root-dir ROOT] [--status FILE] [--max-age S]: what
 * the last node sync pass did, from its status file; a readiness probe.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "cli.h"
#include "node.h"
#include "node/node.h"
#include "node/profiles.h"

int
cli_node_status(int argc, char **argv)
{
	static const struct option options[] = {
		{ "as", required_argument, NULL, 'a' },
		{ "root-dir", required_argument, NULL, 'r' },
		{ "status", required_argument, NULL, 's' },
		{ "max-age", required_argument, NULL, 'm' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	_cleanup_(freep) char *text = NULL;
	size_t len = 0;
	const char *root = NULL, *as = NULL, *status = NULL;
	char rootbuf[PATH_MAX], path[PATH_MAX], sub[512];
	struct ksc_error *error = NULL;
	struct node_sync_status st;
	uint64_t max_age = 0;
	enum cli_doc_format format = CLI_DOC_JSON;
	int c, r;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", options, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (cli_parse_doc_format("node status", optarg, &format) != 0)
				return EXIT_USAGE;
			break;
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
			      "                            [-o json|yaml]\n"
			      "\n"
			      "Print what the last 'node sync' pass did, from its status file. "
			      "Exit\n"
			      "status 0 when that pass installed every profile (none rejected, no\n"
			      "error) and, with --max-age, ran within that many seconds: a "
			      "readiness\n"
			      "probe for the sync's DaemonSet. 1 otherwise, or when there is no "
			      "status.\n"
			      "\n"
			      "Options:\n"
			      "      --as SUBDIR       the status of the sync that installs as "
			      "SUBDIR,\n"
			      "                        under ROOT/seccomp\n"
			      "      --status FILE     the status file itself\n"
			      "      --root-dir ROOT   the kubelet's root (see 'kseccomp node ls "
			      "--help')\n"
			      "      --max-age SECONDS the pass must have run within that many "
			      "seconds\n"
			      "  -o, --output FORMAT   json (the status file as it is, the "
			      "default) or "
			      "yaml\n"
			      "  -h, --help            show this help\n",
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
		r = cli_node_parse_sub("node status", as, as, sub, sizeof(sub));
		if (r)
			return r;
		node_sync_status_path(root, sub, path, sizeof(path));
	}
	r = node_sync_status_load(path, &text, &len, &st, &error);
	if (r < 0) {
		if (r == -ENOENT) {
			ksc_error_free(error);
			cli_error("%s: no status: 'kseccomp node sync' has not run a pass yet",
			          path);
			return 1;
		}
		return cli_fail(r, error, path);
	}
	if (cli_write_document("-", format, text, len) < 0)
		return 1;
	if (st.failed) {
		cli_error("the last pass failed");
		return 1;
	}
	if (st.rejected) {
		cli_error("the last pass rejected %zu profile%s", st.rejected,
		          st.rejected == 1 ? "" : "s");
		return 1;
	}
	if (max_age && (uint64_t)time(NULL) > st.last_sync + max_age) {
		cli_error("the last pass ran %" PRIu64 " s ago (more than %" PRIu64 ")",
		          (uint64_t)time(NULL) - st.last_sync, max_age);
		return 1;
	}
	return 0;
}
