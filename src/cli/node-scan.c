/* SPDX-License-Identifier: Apache-2.0 */
/* kseccomp node scan: every container of a CRI runtime, the filter it really has, and drift */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "node.h"
#include "node/node.h"
#include "node/scan.h"
#include "strbuf.h"

static const char help[] =
        "Usage: kseccomp node scan [-r SOCK] [-o table|wide|json|yaml] [--fail-on LIST]\n"
        "                          [--pod NAMESPACE/NAME] [--timeout SECONDS]\n"
        "       kseccomp node scan --serve ADDR [-r SOCK] [--interval SECONDS] [--audit]\n"
        "       kseccomp node scan --local [--state-dir DIR] [-o ...] [--pod ...]\n"
        "\n"
        "Every running container of a CRI runtime (containerd; CRI-O untested): its\n"
        "namespace, pod, container and image, the seccomp the kubelet asked for\n"
        "(RuntimeDefault, Localhost and its path, Unconfined), privileged, no_new_privs,\n"
        "the number of filters the kernel holds for its main process, and a verdict:\n"
        "  ok                 the kernel's filter decides as the runtime spec's profile\n"
        "  unconfined         the spec carries no seccomp\n"
        "  privileged         privileged: the runtime applies none\n"
        "  filter-differs     the kernel's program does not decide as the spec's profile\n"
        "                     (compiled as the container's runtime, runc or crun, builds it)\n"
        "                     on some inputs: the first are shown\n"
        "  localhost-changed  the installed Localhost file no longer decides as the filter\n"
        "                     the container runs (or no longer loads): a restart changes it\n"
        "  localhost-missing  the installed Localhost file is gone: a restart fails\n"
        "  unknown            the process could not be read (the detail says why)\n"
        "Filters are read with PTRACE_SECCOMP_GET_FILTER (root), each process stopped for\n"
        "the moment it takes.\n"
        "\n"
        "With --pod, the pod's containers and every process of each (those in its cgroup\n"
        "or its pid namespace: exec'd processes too), with its filter count and how it\n"
        "compares with the container's main process: same, extra (a filter of its own on\n"
        "top), or escaped (fewer filters: it does not run under its container's filter).\n"
        "\n"
        "Options:\n"
        "  -r, --runtime-endpoint SOCK  the runtime's CRI socket (default:\n"
        "                               $CONTAINER_RUNTIME_ENDPOINT, else\n"
        "                               " CRI_DEFAULT_ENDPOINT ")\n"
        "  -o, --output FORMAT          table (default), wide (with the container id, pid,\n"
        "                               runtime and detail), json or yaml\n"
        "      --fail-on LIST           exit 1 when a verdict of LIST (comma-separated,\n"
        "                               e.g. unconfined,filter-differs) occurs; with --pod\n"
        "                               also escaped and extra\n"
        "      --pod NAMESPACE/NAME     one pod, process by process\n"
        "      --local                  the local node's pods (kseccomp apply) of the host,\n"
        "                               runc and crun executors instead of a CRI runtime\n"
        "                               (those of the containerd executor are containerd's)\n"
        "      --state-dir DIR          the local node's state (see 'kseccomp apply --help')\n"
        "      --serve ADDR             serve the findings in the Prometheus text format on\n"
        "                               http://ADDR/metrics (HOST:PORT or :PORT) until\n"
        "                               SIGTERM or SIGINT, scanning when scraped, at most\n"
        "                               once per --interval (default 10 s). Metrics:\n"
        "                               kseccomp_containers{seccomp,verdict},\n"
        "                               kseccomp_container_verdict{namespace,pod,container,\n"
        "                               seccomp,verdict}, kseccomp_container_filters{...},\n"
        "                               kseccomp_scan_duration_seconds,\n"
        "                               kseccomp_scan_timestamp_seconds,\n"
        "                               kseccomp_scan_errors_total\n"
        "      --interval SECONDS       with --serve: scan at most once per SECONDS, 0 to\n"
        "                               86400 (default 10)\n"
        "      --audit                  with --serve: also follow the kernel's seccomp\n"
        "                               audit records (/dev/kmsg) from now on and count\n"
        "                               them: kseccomp_denials_total{namespace,pod,\n"
        "                               container,syscall,action} (a process gone before\n"
        "                               its record is read has empty names),\n"
        "                               kseccomp_audit_lost_total\n"
        "      --timeout SECONDS        how long each CRI call may take (default 10)\n"
        "  -h, --help                   show this help\n"
        "\n"
        "Exit status: 0, 1 on failure or a --fail-on verdict, 2 on a usage error.\n";

enum {
	OPT_FAIL_ON = 0x100,
	OPT_TIMEOUT,
	OPT_POD,
	OPT_SERVE,
	OPT_INTERVAL,
	OPT_LOCAL,
	OPT_STATE_DIR,
	OPT_AUDIT,
};

static const char *
seccomp_column(const struct scan_row *r)
{
	const char *name = scan_seccomp_name(r->seccomp);

	return name ? name : r->spec_seccomp ? "(a profile)" : "-";
}

/* A row as a JSON object, left open for the caller to add to and close. */
static void
json_row_open(struct strbuf *sb, const struct scan_row *r)
{
	strbuf_puts(sb, "{\"namespace\": ");
	strbuf_put_json_str(sb, r->namespace);
	strbuf_puts(sb, ", \"pod\": ");
	strbuf_put_json_str(sb, r->pod);
	strbuf_puts(sb, ", \"container\": ");
	strbuf_put_json_str(sb, r->container);
	strbuf_puts(sb, ", \"id\": ");
	strbuf_put_json_str(sb, r->id);
	strbuf_puts(sb, ", \"image\": ");
	strbuf_put_json_str(sb, r->image);
	strbuf_puts(sb, ", \"seccomp\": ");
	strbuf_put_json_str(sb, seccomp_column(r));
	if (r->localhost) {
		strbuf_puts(sb, ", \"localhostProfile\": ");
		strbuf_put_json_str(sb, r->localhost);
	}
	strbuf_printf(sb,
	              ", \"specSeccomp\": %s, \"runtime\": \"%s\", \"privileged\": %s, "
	              "\"noNewPrivs\": %s, \"pid\": %d, \"seccompMode\": %d, \"filters\": %d, "
	              "\"verdict\": \"%s\"",
	              r->spec_seccomp ? "true" : "false", r->runtime,
	              r->privileged ? "true" : "false", r->no_new_privs ? "true" : "false", r->pid,
	              r->mode, r->filters, scan_verdict_name(r->verdict));
	if (r->detail) {
		strbuf_puts(sb, ", \"detail\": ");
		strbuf_put_json_str(sb, r->detail);
	}
}

static void
print_rows(const struct scan_row *rows, size_t n, enum cli_list_format format)
{
	if (format == CLI_LIST_JSON) {
		struct strbuf sb = { 0 };
		_cleanup_(freep) char *text = NULL;
		size_t len;

		strbuf_puts(&sb, "[");
		for (size_t i = 0; i < n; i++) {
			strbuf_puts(&sb, i ? ",\n  " : "\n  ");
			json_row_open(&sb, &rows[i]);
			strbuf_putc(&sb, '}');
		}
		strbuf_puts(&sb, n ? "\n]\n" : "]\n");
		if (strbuf_finish(&sb, &text, &len) == 0)
			fputs(text, stdout);
		return;
	}
	printf("%-16s %-24s %-20s %-15s %-4s %-3s %-7s %s%s\n", "NAMESPACE", "POD", "CONTAINER",
	       "SECCOMP", "PRIV", "NNP", "FILTERS", "VERDICT",
	       format == CLI_LIST_WIDE ? "  ID  PID  RUNTIME  IMAGE  PROFILE  DETAIL" : "");
	for (size_t i = 0; i < n; i++) {
		const struct scan_row *r = &rows[i];
		char filters[16];

		if (r->filters >= 0)
			snprintf(filters, sizeof(filters), "%d", r->filters);
		else
			snprintf(filters, sizeof(filters), "?");
		printf("%-16s %-24s %-20s %-15s %-4s %-3s %-7s %s", cli_escape(r->namespace),
		       cli_escape(r->pod), cli_escape(r->container), seccomp_column(r),
		       r->privileged ? "yes" : "no", r->no_new_privs ? "yes" : "no", filters,
		       scan_verdict_name(r->verdict));
		if (format == CLI_LIST_WIDE)
			printf("  %.13s  %d  %s  %s  %s  %s", r->id, r->pid, r->runtime,
			       cli_escape(r->image), r->localhost ? cli_escape(r->localhost) : "-",
			       r->detail ? cli_escape(r->detail) : "-");
		putchar('\n');
	}
}

/* Move the rows of pod NS/NAME to the front: how many. */
static size_t
keep_pod(struct scan_row *rows, size_t n, const char *pod)
{
	const char *slash = strchr(pod, '/');
	size_t kept = 0, ns_len = (size_t)(slash - pod);

	for (size_t i = 0; i < n; i++)
		if (strlen(rows[i].namespace) == ns_len &&
		    strncmp(rows[i].namespace, pod, ns_len) == 0 && streq(rows[i].pod, slash + 1)) {
			struct scan_row t = rows[kept];

			rows[kept++] = rows[i];
			rows[i] = t;
		}
	return kept;
}

/* The containers of one pod, process by process. 0, 1 when a process verdict of --fail-on
 * occurs, or -errno. */
static int
print_processes(const struct scan_row *rows, size_t n, enum cli_list_format format,
                bool fail_escaped, bool fail_extra)
{
	struct strbuf sb = { 0 };
	bool hit = false;

	if (format == CLI_LIST_JSON)
		strbuf_puts(&sb, "[");
	else
		printf("%-20s %-8s %-16s %-7s %-3s %s\n", "CONTAINER", "PID", "COMMAND", "FILTERS",
		       "NNP", "VERDICT");
	for (size_t i = 0; i < n; i++) {
		struct scan_proc *procs = NULL;
		size_t n_procs = 0, n_others = 0;
		int others[64], r;

		for (size_t k = 0; k < n && n_others < ELEMENTSOF(others); k++)
			if (k != i && rows[k].pid > 0)
				others[n_others++] = rows[k].pid;
		r = rows[i].pid > 0
		            ? scan_processes(rows[i].pid, others, n_others, &procs, &n_procs)
		            : -ESRCH;

		if (r < 0 && r != -ESRCH) {
			strbuf_done(&sb);
			return r;
		}
		if (format == CLI_LIST_JSON) {
			strbuf_puts(&sb, i ? ",\n  " : "\n  ");
			json_row_open(&sb, &rows[i]);
			strbuf_puts(&sb, ", \"processes\": [");
		}
		for (size_t k = 0; k < n_procs; k++) {
			const struct scan_proc *p = &procs[k];

			hit = hit || (fail_escaped && p->verdict == SCAN_PROC_ESCAPED) ||
			      (fail_extra && p->verdict == SCAN_PROC_EXTRA);
			if (format == CLI_LIST_JSON) {
				strbuf_printf(&sb, "%s{\"pid\": %d, \"command\": ", k ? ", " : "",
				              p->pid);
				strbuf_put_json_str(&sb, p->comm);
				strbuf_printf(&sb,
				              ", \"filters\": %d, \"noNewPrivs\": %s, \"verdict\": "
				              "\"%s\"}",
				              p->filters, p->no_new_privs ? "true" : "false",
				              scan_proc_verdict_name(p->verdict));
			} else
				printf("%-20s %-8d %-16s %-7d %-3s %s\n",
				       cli_escape(rows[i].container), p->pid, cli_escape(p->comm),
				       p->filters, p->no_new_privs ? "yes" : "no",
				       scan_proc_verdict_name(p->verdict));
		}
		if (format == CLI_LIST_JSON)
			strbuf_puts(&sb, "]}");
		free(procs);
	}
	if (format == CLI_LIST_JSON) {
		_cleanup_(freep) char *text = NULL;
		size_t len;

		strbuf_puts(&sb, "\n]\n");
		if (strbuf_finish(&sb, &text, &len) < 0)
			return -ENOMEM;
		fputs(text, stdout);
	}
	return hit ? 1 : 0;
}

/* --fail-on LIST into fail_on[] and the process verdicts: 0 or EXIT_USAGE. */
static int
parse_fail_on(const char *list, bool *fail_on, bool *fail_escaped, bool *fail_extra)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "%s", list);
	for (char *save = NULL, *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		enum scan_verdict v;

		if (streq(w, "escaped") || streq(w, "extra")) {
			*fail_escaped = *fail_escaped || streq(w, "escaped");
			*fail_extra = *fail_extra || streq(w, "extra");
			continue;
		}
		if (scan_verdict_parse(w, &v) < 0 || v == SCAN_OK)
			return cli_usage_error("node scan",
			                       "--fail-on: '%s' is not a verdict (unconfined, "
			                       "privileged, filter-differs, localhost-changed, "
			                       "localhost-missing, unknown; escaped, extra)",
			                       w);
		fail_on[v] = true;
	}
	return 0;
}

/* --OPTION SECONDS, min to max: 0 or EXIT_USAGE. */
static int
parse_seconds(const char *option, const char *arg, long min, long max, unsigned *ret)
{
	char *end;
	long v = strtol(arg, &end, 10);

	if (*end || end == arg || v < min || v > max)
		return cli_usage_error("node scan",
		                       "--%s takes whole seconds, %ld to %ld, not '%s'", option,
		                       min, max, arg);
	*ret = (unsigned)v;
	return 0;
}

int
cli_node_scan(int argc, char **argv)
{
	static const struct option options[] = {
		{ "runtime-endpoint", required_argument, NULL, 'r' },
		{ "output", required_argument, NULL, 'o' },
		{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "pod", required_argument, NULL, OPT_POD },
		{ "serve", required_argument, NULL, OPT_SERVE },
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		{ "local", no_argument, NULL, OPT_LOCAL },
		{ "audit", no_argument, NULL, OPT_AUDIT },
		{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	_cleanup_(cri_closep) struct cri *cri = NULL;
	const char *endpoint = getenv("CONTAINER_RUNTIME_ENDPOINT");
	struct ksc_error *error = NULL;
	struct scan_row *rows = NULL;
	bool fail_on[_SCAN_VERDICT_MAX] = { false }, failed = false, fail_escaped = false,
	     fail_extra = false;
	const char *pod = NULL;
	unsigned timeout_ms = 10000, interval_s = 10;
	const char *serve_addr = NULL;
	struct node_opts local = { 0 };
	bool local_set = false, audit = false;
	enum cli_list_format format = CLI_LIST_TABLE;
	int c, r;
	size_t n = 0;

	if (endpoint && !*endpoint)
		endpoint = NULL;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":r:o:h", options, NULL)) != -1) {
		switch (c) {
		case 'r':
			endpoint = optarg;
			break;
		case 'o':
			if (cli_parse_list_format("node scan", optarg,
			                          CLI_LIST(WIDE) | CLI_LIST(JSON) | CLI_LIST(YAML),
			                          &format) != 0)
				return EXIT_USAGE;
			if (format == CLI_LIST_YAML) { /* the json, as YAML */
				format = CLI_LIST_JSON;
				if (cli_output_yaml() < 0)
					return cli_fail(-ENOMEM, NULL, NULL);
			}
			break;
		case OPT_FAIL_ON:
			if (parse_fail_on(optarg, fail_on, &fail_escaped, &fail_extra) != 0)
				return EXIT_USAGE;
			break;
		case OPT_TIMEOUT:
			if (parse_seconds("timeout", optarg, 1, 3600, &timeout_ms) != 0)
				return EXIT_USAGE;
			timeout_ms *= 1000;
			break;
		case OPT_SERVE:
			serve_addr = optarg;
			break;
		case OPT_LOCAL:
			local_set = true;
			break;
		case OPT_AUDIT:
			audit = true;
			break;
		case OPT_STATE_DIR:
			local.state = optarg;
			break;
		case OPT_INTERVAL:
			if (parse_seconds("interval", optarg, 0, 86400, &interval_s) != 0)
				return EXIT_USAGE;
			break;
		case OPT_POD:
			if (!strchr(optarg, '/') || optarg[0] == '/' ||
			    strchr(optarg, '/')[1] == '\0')
				return cli_usage_error("node scan",
				                       "--pod: NAMESPACE/NAME, not '%s'", optarg);
			pod = optarg;
			break;
		case 'h':
			fputs(help, stdout);
			return 0;
		default:
			return cli_bad_option("node scan", argv, c);
		}
	}
	if (optind < argc)
		return cli_usage_error("node scan", "unexpected argument '%s'", argv[optind]);
	if (!pod && (fail_escaped || fail_extra))
		return cli_usage_error("node scan", "--fail-on escaped or extra: with --pod");
	if (serve_addr && (pod || format != CLI_LIST_TABLE))
		return cli_usage_error("node scan", "--serve takes no --pod and no -o");
	if (local.state && !local_set)
		return cli_usage_error("node scan", "--state-dir: with --local");
	if (serve_addr && local_set)
		return cli_usage_error("node scan", "--serve scans a CRI runtime, not --local");
	if (audit && !serve_addr)
		return cli_usage_error("node scan", "--audit: with --serve");
	if (serve_addr)
		return cli_node_scan_serve(serve_addr, endpoint, timeout_ms, interval_s, audit);
	if (local_set) {
		node_opts_defaults(&local);
		r = node_scan_local(&local, &(struct scan_opts){ 0 }, &rows, &n, &error);
	} else {
		r = cri_connect(endpoint, timeout_ms, &cri, &error);
		if (r >= 0)
			r = node_scan_cri(cri, &(struct scan_opts){ 0 }, &rows, &n, &error);
	}
	if (r < 0)
		return cli_fail(r, error, NULL);
	if (pod) {
		size_t kept = keep_pod(rows, n, pod);

		if (!kept) {
			scan_rows_free(rows, n);
			cli_error("node scan: no running container of pod %s", cli_escape(pod));
			return 1;
		}
		r = print_processes(rows, kept, format, fail_escaped, fail_extra);
		for (size_t i = 0; i < kept; i++)
			failed = failed || fail_on[rows[i].verdict];
		scan_rows_free(rows, n);
		return r < 0 ? cli_fail(r, NULL, NULL) : failed || r > 0 ? 1 : 0;
	}
	print_rows(rows, n, format);
	for (size_t i = 0; i < n; i++)
		failed = failed || fail_on[rows[i].verdict];
	scan_rows_free(rows, n);
	return failed ? 1 : 0;
}
