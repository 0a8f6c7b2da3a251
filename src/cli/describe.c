/* SPDX-License-Identifier: Apache-2.0 */
/* kseccomp describe pod NAME: a pod as 'kubectl describe' shows it. */
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "pods.h"
#include "strbuf.h"

static const char describe_help[] =
        ("Usage: kseccomp describe pod NAME... [-o table|json|yaml] [--state-dir DIR]\n"
         "\n"
         "A pod as 'kubectl describe' shows it, with each container's effective seccomp\n"
         "profile (Unconfined, RuntimeDefault, Localhost PATH), its state, last exit code\n"
         "or signal, and the pod's events.\n"
         "\n"
         "Options:\n"
         "  -o, --output FORMAT     table (the default), json or yaml: the same facts as\n"
         "                          an object per pod (an array of them for several\n"
         "                          pods): its status, each container's seccompProfile\n"
         "                          (type, localhostProfile), state (exitCode, signal)\n"
         "                          and the events\n" NODE_OPTIONS_HELP);

static const char *
signal_name(int sig)
{
	const char *s = sigabbrev_np(sig);

	return s ? s : "?";
}

static void
describe_state(const char *label, const char *state, const char *reason, int exit_code, int sig,
               int64_t started, int64_t finished, const char *message)
{
	char t[64];

	if (streq(state, "running")) {
		pods_format_time(started, t, sizeof(t));
		printf("    %-16s Running\n      %-14s %s\n", label, "Started:", t);
		return;
	}
	if (streq(state, "waiting")) {
		printf("    %-16s Waiting\n      %-14s %s\n", label, "Reason:", cli_escape(reason));
		if (*message)
			printf("      %-14s %s\n", "Message:", cli_escape(message));
		return;
	}
	printf("    %-16s Terminated\n      %-14s %s\n", label, "Reason:", cli_escape(reason));
	if (message && *message)
		printf("      %-14s %s\n", "Message:", cli_escape(message));
	printf("      %-14s %d\n", "Exit Code:", exit_code);
	if (sig)
		printf("      %-14s %d (SIG%s)\n", "Signal:", sig, signal_name(sig));
	pods_format_time(started, t, sizeof(t));
	printf("      %-14s %s\n", "Started:", t);
	pods_format_time(finished, t, sizeof(t));
	printf("      %-14s %s\n", "Finished:", t);
}

static void
describe_list(const char *label, const char *const *v)
{
	if (!v)
		return;
	printf("    %s\n", label);
	for (size_t i = 0; v[i]; i++)
		printf("      %s\n", cli_escape(v[i]));
}

static void
describe_containers(const struct pod_row *row, const struct kube_pod *pod, bool init)
{
	bool header = false;

	for (size_t i = 0; i < row->st.n; i++) {
		const struct pod_container_status *c = &row->st.c[i];
		const struct kube_container *kc = NULL;
		bool is_init = streq(c->kind, "init") || streq(c->kind, "sidecar");

		if (is_init != init || streq(c->kind, "ephemeral"))
			continue;
		if (!header)
			printf("%s:\n", init ? "Init Containers" : "Containers");
		header = true;
		for (size_t k = 0; pod && k < pod->n_containers; k++)
			if (streq(pod->containers[k].name, c->name))
				kc = &pod->containers[k];
		printf("  %s:\n", cli_escape(c->name));
		if (kc) {
			printf("    %-16s %s\n", "Image:", kc->image ? cli_escape(kc->image) : "");
			describe_list("Command:", kc->command);
			describe_list("Args:", kc->args);
		}
		if (streq(c->kind, "sidecar"))
			printf("    %-16s Always\n", "Restart Policy:");
		describe_state("State:", c->state, c->reason, c->exit_code, c->signal, c->started,
		               c->finished, c->message);
		if (*c->last_reason && !streq(c->state, "terminated"))
			describe_state("Last State:", "terminated", c->last_reason, c->last_exit,
			               c->last_signal, c->last_started, c->last_finished, "");
		printf("    %-16s %s\n", "Ready:", c->ready ? "True" : "False");
		printf("    %-16s %d\n", "Restart Count:", c->restarts);
		printf("    %-16s %s\n",
		       "Seccomp:", *c->profile ? cli_escape(c->profile) : "<not resolved yet>");
		if (kc && kc->has_security_context && kc->allow_privilege_escalation_set)
			printf("    %-16s %s\n",
			       "No New Privs:", kc->allow_privilege_escalation ? "false" : "true");
	}
}

static void
describe_events(const struct node_opts *o, const char *name)
{
	struct pod_event *events = NULL;
	char dir[PATH_MAX];
	int64_t now = time(NULL);
	size_t n = 0;

	(void)pod_dir(o, name, dir, sizeof(dir));
	if (pod_events_read(dir, &events, &n) < 0)
		n = 0;
	printf("Events:\n");
	for (size_t i = 0; i < n; i++) {
		const struct pod_event *e = &events[i];
		char age[32];

		if (i == 0)
			printf("  %-8s %-18s %-6s %-18s %s\n  %-8s %-18s %-6s %-18s %s\n", "Type",
			       "Reason", "Age", "From", "Message", "----", "------", "----", "----",
			       "-------");
		pods_format_age(now - e->time, age, sizeof(age));
		printf("  %-8s %-18s %-6s %-18s %s\n", cli_escape(e->type), cli_escape(e->reason),
		       age, cli_escape(e->from), cli_escape(e->message));
	}
	if (n == 0)
		printf("  <none>\n");
	pod_events_free(events, n);
}

/* One pod as text. */
static void
describe_pod(const struct node_opts *o, const struct pod_row *row, const struct kube_pod *pod)
{
	char t[64];

	pods_format_time(row->created, t, sizeof(t));
	printf("%-17s %s\n", "Name:", cli_escape(row->name));
	printf("%-17s %s\n",
	       "Namespace:", pod && *pod->namespace ? cli_escape(pod->namespace) : "default");
	printf("%-17s %s (kseccomp, runtime %s)\n", "Node:", cli_escape(row->info.node),
	       executor_name(row->info.executor));
	printf("%-17s %s\n", "Start Time:", t);
	printf("%-17s %s\n", "Status:", cli_escape(row->status));
	if (pod && !streq(pod->kind, "Pod"))
		printf("%-17s %s/%s\n", "Controlled By:", cli_escape(pod->kind),
		       cli_escape(pod->name));
	if (pod && pod->seccomp.set && pod->seccomp.type)
		printf("%-17s %s%s%s\n", "Seccomp Profile:", cli_escape(pod->seccomp.type),
		       pod->seccomp.has_localhost ? " " : "",
		       pod->seccomp.has_localhost ? cli_escape(pod->seccomp.localhost) : "");
	printf("%-17s %s\n", "Seccomp Default:", row->info.seccomp_default ? "true" : "false");
	printf("%-17s %s/seccomp\n", "Profile Root:", cli_escape(row->info.root_dir));
	if (row->info.complain)
		printf("%-17s %s\n",
		       "Complain Mode:", "yes: Localhost profiles log what they would deny");
	if (*row->info.containerd_version)
		printf("%-17s containerd %s's\n",
		       "RuntimeDefault:", cli_escape(row->info.containerd_version));
	describe_containers(row, pod, true);
	describe_containers(row, pod, false);
	describe_events(o, row->name);
}

int
verb_describe(int argc, char **argv)
{
	static const struct option options[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct node_opts o = { 0 };
	enum cli_list_format format = CLI_LIST_TABLE;
	struct cli_list list = { 0 }; /* several NAMEs: an array of objects */
	struct strbuf one = { 0 };    /* one NAME: its object */
	int c, r, status = 0;
	bool data, several;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", options, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (cli_parse_list_format("describe", optarg,
			                          CLI_LIST(JSON) | CLI_LIST(YAML), &format) != 0)
				return EXIT_USAGE;
			break;
		case 'h':
			fputs(describe_help, stdout);
			return 0;
		case '?':
		case ':':
			return cli_bad_option("describe", argv, c);
		default:
			r = pods_option(c, optarg, &o, "describe");
			if (r)
				return r;
		}
	}
	if (optind >= argc || !pods_word(argv[optind]))
		return cli_usage_error("describe", "expected 'pod NAME'");
	if (optind + 1 >= argc)
		return cli_usage_error("describe", "missing the pod's NAME");
	node_opts_defaults(&o);
	list.format = format;
	data = cli_list_is_data(&list);
	several = argc - optind > 2;
	for (int i = optind + 1; i < argc; i++) {
		struct kube_manifest *m = NULL;
		const struct kube_pod *pod = NULL;
		struct pod_row row;

		if (pod_row_load(&o, argv[i], &row) < 0) {
			cli_error("pods \"%s\" not found", argv[i]);
			status = 1;
			continue;
		}
		pod_spec_load(&o, &row, &m, &pod);
		if (data)
			describe_pod_json(several ? cli_list_next(&list) : &one, &o, &row, pod);
		else {
			if (i > optind + 1)
				printf("\n\n");
			describe_pod(&o, &row, pod);
		}
		kube_manifest_free(m);
	}
	if (data && several)
		return cli_list_finish(&list) | status;
	if (data && one.len) {
		_cleanup_(freep) char *json = NULL;
		size_t len = 0;

		strbuf_putc(&one, '\n');
		if (strbuf_finish(&one, &json, &len) < 0)
			return cli_fail(-ENOMEM, NULL, NULL);
		r = cli_write_document("-", format == CLI_LIST_YAML ? CLI_DOC_YAML : CLI_DOC_JSON,
		                       json, len);
		return r < 0 ? 1 : status;
	}
	return status;
}
