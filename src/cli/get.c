/* SPDX-License-Identifier: Apache-2.0 */
/* kseccomp get pods [NAME...] [-o FORMAT]: the local node's pods in kubectl's columns. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "cli.h"
#include "pods.h"
#include "strbuf.h"

static const char get_help[] =
        ("Usage: kseccomp get pods [NAME...] [-o table|wide|json|yaml|name] [--state-dir DIR]\n"
         "\n"
         "The local node's pods in kubectl's columns: NAME READY STATUS RESTARTS AGE;\n"
         "wide adds the node, the runtime and each container's seccomp profile; json and\n"
         "yaml give a List of Pods; name gives pod/NAME, one per line.\n"
         "\n"
         "Options:\n"
         "  -o, --output FORMAT     table (the default), wide, json, yaml or "
         "name\n" NODE_OPTIONS_HELP);

static void
json_container(struct strbuf *sb, const char *state, const char *pod_name,
               const struct pod_container_status *c, bool first)
{
	char t[40];

	strbuf_puts(sb, first ? "" : ",");
	strbuf_puts(sb, "\n          {\"name\": ");
	strbuf_put_json_str(sb, c->name);
	strbuf_printf(sb, ", \"ready\": %s, \"restartCount\": %d, \"state\": {",
	              c->ready ? "true" : "false", c->restarts);
	if (streq(c->state, "running")) {
		node_format_rfc3339(c->started, t, sizeof(t));
		strbuf_printf(sb, "\"running\": {\"startedAt\": \"%s\"}", t);
	} else if (streq(c->state, "terminated")) {
		strbuf_printf(sb, "\"terminated\": {\"exitCode\": %d, \"signal\": %d, \"reason\": ",
		              c->exit_code, c->signal);
		strbuf_put_json_str(sb, c->reason);
		/* the runtime's reason for the end (StartError: runc's refusal) */
		if (*c->message) {
			strbuf_puts(sb, ", \"message\": ");
			strbuf_put_json_str(sb, c->message);
		}
		node_format_rfc3339(c->finished, t, sizeof(t));
		strbuf_printf(sb, ", \"finishedAt\": \"%s\"}", t);
	} else {
		strbuf_puts(sb, "\"waiting\": {\"reason\": ");
		strbuf_put_json_str(sb, c->reason);
		if (*c->message) {
			strbuf_puts(sb, ", \"message\": ");
			strbuf_put_json_str(sb, c->message);
		}
		strbuf_puts(sb, "}");
	}
	strbuf_puts(sb, "}, \"seccompProfile\": ");
	strbuf_put_json_str(sb, c->profile);
	if (streq(c->state, "running")) {
		/* the processes in the container's cgroup (host and runc executors) */
		_cleanup_(freep) int64_t *pids = NULL;
		size_t n = 0;

		strbuf_puts(sb, ", \"processes\": [");
		if (pod_cgroup_pids(state, pod_name, c->name, &pids, &n) < 0)
			n = 0;
		for (size_t i = 0; i < n; i++)
			strbuf_printf(sb, "%s%" PRId64, i ? ", " : "", pids[i]);
		strbuf_puts(sb, "]");
	}
	strbuf_puts(sb, "}");
}

static void
json_pod(struct strbuf *sb, const char *state, const struct pod_row *row, bool first)
{
	static const char *const lists[] = { "initContainerStatuses", "containerStatuses" };
	char t[40];

	node_format_rfc3339(row->created, t, sizeof(t));
	strbuf_puts(sb, first ? "\n" : ",\n");
	strbuf_puts(
	        sb,
	        "    {\"apiVersion\": \"v1\", \"kind\": \"Pod\",\n      \"metadata\": {\"name\": ");
	strbuf_put_json_str(sb, row->name);
	strbuf_printf(sb, ", \"creationTimestamp\": \"%s\"},\n      \"spec\": {\"nodeName\": ", t);
	strbuf_put_json_str(sb, row->info.node);
	strbuf_puts(sb, "},\n      \"status\": {\"phase\": ");
	strbuf_put_json_str(sb, *row->st.phase ? row->st.phase : "Pending");
	strbuf_puts(sb, ", \"kseccompStatus\": ");
	strbuf_put_json_str(sb, row->status);
	strbuf_puts(sb, ", \"kseccompRuntime\": ");
	strbuf_put_json_str(sb, executor_name(row->info.executor));
	for (size_t l = 0; l < 2; l++) {
		bool any = false;

		strbuf_printf(sb, ",\n        \"%s\": [", lists[l]);
		for (size_t i = 0; i < row->st.n; i++) {
			const struct pod_container_status *c = &row->st.c[i];
			bool init = streq(c->kind, "init") || streq(c->kind, "sidecar");

			if ((l == 0) != init || streq(c->kind, "ephemeral"))
				continue;
			json_container(sb, state, row->name, c, !any);
			any = true;
		}
		strbuf_puts(sb, any ? "\n        ]" : "]");
	}
	strbuf_puts(sb, "}}");
}

int
verb_get(int argc, char **argv)
{
	static const struct option options[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct node_opts o = { 0 };
	enum cli_list_format format = CLI_LIST_TABLE;
	bool data, wide;
	char **names = NULL;
	size_t n = 0;
	bool all;
	int c, r, status = 0;
	struct strbuf sb = { 0 };
	int64_t now = time(NULL);
	unsigned header = 0;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", options, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (cli_parse_list_format("get", optarg,
			                          CLI_LIST(WIDE) | CLI_LIST(JSON) | CLI_LIST(YAML) |
			                                  CLI_LIST(NAME),
			                          &format) != 0)
				return EXIT_USAGE;
			break;
		case 'h':
			fputs(get_help, stdout);
			return 0;
		case '?':
		case ':':
			return cli_bad_option("get", argv, c);
		default:
			r = pods_option(c, optarg, &o, "get");
			if (r)
				return r;
		}
	}
	if (optind >= argc)
		return cli_usage_error("get", "missing the resource type (pods)");
	if (!pods_word(argv[optind]))
		return cli_usage_error("get", "unknown resource type '%s': the local node has pods",
		                       argv[optind]);
	node_opts_defaults(&o);
	data = format == CLI_LIST_JSON || format == CLI_LIST_YAML;
	wide = format == CLI_LIST_WIDE;
	optind++;
	all = optind >= argc;
	if (all) {
		r = pod_list(&o, &names, &n);
		if (r < 0)
			return cli_fail(r, NULL, o.state);
	}
	if (data)
		strbuf_puts(&sb,
		            "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"List\",\n  \"items\": [");
	for (size_t i = 0; i < (all ? n : (size_t)(argc - optind)); i++) {
		const char *name = all ? names[i] : argv[optind + i];
		struct pod_row row;
		char ready[32], age[32];

		if (pod_row_load(&o, name, &row) < 0) {
			cli_error("pods \"%s\" not found", name);
			status = 1;
			continue;
		}
		if (data) {
			json_pod(&sb, o.state, &row, i == 0);
			continue;
		}
		if (format == CLI_LIST_NAME) {
			strbuf_printf(&sb, "pod/%s\n", cli_escape(row.name));
			continue;
		}
		if (!header++)
			strbuf_printf(&sb, "%-20s %-7s %-26s %-9s %s%s\n", "NAME", "READY",
			              "STATUS", "RESTARTS", wide ? "AGE   " : "AGE",
			              wide ? " NODE         RUNTIME SECCOMP" : "");
		snprintf(ready, sizeof(ready), "%d/%d", row.ready, row.total);
		pods_format_age(now - row.created, age, sizeof(age));
		strbuf_printf(&sb, "%-20s %-7s %-26s %-9d %s", cli_escape(row.name), ready,
		              cli_escape(row.status), row.restarts, wide ? "" : age);
		if (wide) {
			bool first = true;

			strbuf_printf(&sb, "%-6s %-12s %-7s ", age, cli_escape(row.info.node),
			              executor_name(row.info.executor));
			for (size_t k = 0; k < row.st.n; k++) {
				if (streq(row.st.c[k].kind, "ephemeral"))
					continue;
				strbuf_printf(&sb, "%s%s=%s", first ? "" : ",",
				              cli_escape(row.st.c[k].name),
				              *row.st.c[k].profile ? cli_escape(row.st.c[k].profile)
				                                   : "<pending>");
				first = false;
			}
		}
		strbuf_puts(&sb, "\n");
	}
	if (data)
		strbuf_puts(&sb, n || !all ? "\n  ]\n}\n" : "]\n}\n");
	else if (all && n == 0)
		fputs("No resources found in default namespace.\n", stderr);
	if (format == CLI_LIST_YAML && !sb.oom)
		status = cli_write_document("-", CLI_DOC_YAML, sb.buf, sb.len) < 0 ? 1 : status;
	else
		fwrite(sb.buf ? sb.buf : "", 1, sb.len, stdout);
	strbuf_done(&sb);
	node_names_free(names, n);
	return status;
}
