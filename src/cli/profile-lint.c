/* SPDX-License-Identifier: Apache-2.0 */
/* kseccomp profile lint [--native A] [-o text|json] FILE... */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "kube/startup.h"
#include "node/oci.h"
#include "strbuf.h"

static void
help(void)
{
	fputs("Usage: kseccomp profile lint [OPTIONS] FILE...\n"
	      "\n"
	      "Find what is wrong with profiles that are valid: what runc would refuse, what\n"
	      "would break the workload, what lets it too far, and rules that do nothing; and\n"
	      "whether the runc installed here can start a container under them at all, with and\n"
	      "without no_new_privs ('kseccomp profile check'). Each\n"
	      "finding has a severity (error, warning, info) and a stable ID; 'man kseccomp'\n"
	      "lists them. An invalid profile is reported as 'profile validate' reports it.\n"
	      "\n"
	      "Options:\n"
	      "      --native ARCH    judge the profile as enforced on ARCH (default: this\n"
	      "                       machine's)\n"
	      "  -o, --output FMT     text (default), json or yaml\n"
	      "  -h, --help           show this help\n"
	      "\n"
	      "Exit status: 0 without error findings, 1 with one (or an invalid profile).\n",
	      stdout);
}

static const char *const severity_names[] = {
	[KSC_FINDING_INFO] = "info",
	[KSC_FINDING_WARNING] = "warning",
	[KSC_FINDING_ERROR] = "error",
};

/* One finding, in the form of the others. */
static void
print_finding(const char *file, const char *id, enum ksc_finding_severity severity,
              const char *message, bool json, int *printed)
{
	if (json) {
		printf("%s\n  {\"file\": ", (*printed)++ ? "," : "");
		cli_print_json_string(file);
		printf(", \"id\": \"%s\", \"severity\": \"%s\", \"message\": ", id,
		       severity_names[severity]);
		cli_print_json_string(message);
		printf("}");
		return;
	}
	printf("%s: %s [%s]: %s\n", cli_escape(file), severity_names[severity], id,
	       cli_escape(message));
}

/* "capget, prctl, setgroups and 4 more" */
static void
fatal_calls(const struct kube_startup *s, char *buf, size_t size)
{
	size_t shown = 0, n = 0, len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < s->n_denials; i++)
		n += s->denials[i].fatal;
	for (size_t i = 0; i < s->n_denials && len < size; i++) {
		if (!s->denials[i].fatal)
			continue;
		if (shown == 3) {
			snprintf(buf + len, size - len, " and %zu more", n - shown);
			return;
		}
		len += (size_t)snprintf(buf + len, size - len, "%s%s", shown ? ", " : "",
		                        s->denials[i].call);
		shown++;
	}
}

/* Whether the runc installed here (else the newest) can start a container under the profile
 * at all, with and without no_new_privs (`profile check`): an error when it cannot even with
 * no_new_privs, a warning when only with it. Returns the severity found, or -1. */
static int
lint_startup(const char *file, const struct ksc_profile *p, bool json, int *printed)
{
	struct kube_oci rt;
	_cleanup_(ksc_filter_freep) struct ksc_filter *filter = NULL;
	struct kube_startup with = { 0 }, without = { 0 };
	const struct kube_startup *failed;
	_cleanup_(freep) char *message = NULL;
	char name[96], calls[128];
	int severity = -1;

	if (oci_installed_version(EXECUTOR_RUNC, &rt) < 0)
		rt = KUBE_OCI_RUNC_NEWEST;
	/* one filter, as runc builds it, for both settings */
	if (kube_startup_filter(p, &rt, &filter, NULL) < 0 ||
	    kube_startup_check_filter(filter, &rt, true, &with, NULL) < 0 ||
	    kube_startup_check_filter(filter, &rt, false, &without, NULL) < 0) {
		kube_startup_done(&with);
		return -1;
	}
	kube_oci_format(&rt, name, sizeof(name));
	/* an error when it cannot start even with no_new_privs, a warning when only with it */
	failed = !with.starts ? &with : !without.starts ? &without : NULL;
	if (failed) {
		fatal_calls(failed, calls, sizeof(calls));
		if (asprintf(&message,
		             "%s %s: %sit denies the runtime's own %s after the filter (\"%s\"); "
		             "see "
		             "'kseccomp profile check'",
		             name,
		             failed == &with ? "cannot start a container under it, even with "
		                               "no_new_privs"
		                             : "starts a container under it only with no_new_privs "
		                               "(allowPrivilegeEscalation: false)",
		             failed == &with ? "" : "without, ", calls, failed->message) < 0)
			message = NULL;
		severity = failed == &with ? KSC_FINDING_ERROR : KSC_FINDING_WARNING;
	}
	if (message)
		print_finding(file,
		              severity == KSC_FINDING_ERROR ? "runtime-cannot-start"
		                                            : "runtime-needs-no-new-privs",
		              (enum ksc_finding_severity)severity, message, json, printed);
	kube_startup_done(&with);
	kube_startup_done(&without);
	return severity;
}

int
verb_profile_lint(int argc, char **argv)
{
	static const struct option options[] = {
		{ "native", required_argument, NULL, 'n' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct ksc_compile_opts copts = { 0 };
	int c, json = 0, status = 0, printed = 0;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", options, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (cli_parse_arch("profile lint", optarg, &copts.native) != 0)
				return EXIT_USAGE;
			break;
		case 'o':
			if (cli_parse_output("profile lint", optarg, CLI_OUTPUT_TEXT_JSON_YAML, 3,
			                     &json) != 0)
				return EXIT_USAGE;
			if (json == 2) { /* yaml: the json, written as YAML */
				json = 1;
				if (cli_output_yaml() < 0)
					return cli_fail(-ENOMEM, NULL, NULL);
			}
			break;
		case 'h':
			help();
			return 0;
		default:
			return cli_bad_option("profile lint", argv, c);
		}
	}
	if (optind >= argc)
		return cli_usage_error("profile lint", "missing FILE");
	if (json)
		printf("[");
	for (int i = optind; i < argc; i++) {
		_cleanup_(ksc_diags_freep) struct ksc_diags *diags = ksc_diags_new();
		_cleanup_(ksc_profile_freep) struct ksc_profile *p = NULL;
		struct ksc_finding *findings = NULL;
		struct ksc_error *error = NULL;
		size_t n = 0;
		int r;

		if (!diags)
			return cli_fail(-ENOMEM, NULL, NULL);
		r = ksc_profile_load(argv[i], NULL, &p, diags, &error);
		if (r < 0) {
			(void)cli_report_invalid(r, diags, error, argv[i]);
			status = 1;
			continue;
		}
		r = ksc_profile_lint(p, &copts, &findings, &n, &error);
		if (r < 0) {
			(void)cli_fail(r, error, argv[i]);
			status = 1;
			continue;
		}
		for (size_t k = 0; k < n; k++) {
			const struct ksc_finding *f = &findings[k];

			if (f->severity == KSC_FINDING_ERROR)
				status = 1;
			if (json) {
				printf("%s\n  {\"file\": ", printed++ ? "," : "");
				cli_print_json_string(argv[i]);
				printf(", \"id\": \"%s\", \"severity\": \"%s\"", f->id,
				       severity_names[f->severity]);
				if (f->line)
					printf(", \"line\": %u, \"column\": %u, \"rule\": %zu",
					       f->line, f->column, f->rule);
				printf(", \"message\": ");
				cli_print_json_string(f->message);
				printf("}");
				continue;
			}
			if (f->line)
				printf("%s:%u:%u: %s [%s]: %s\n", cli_escape(argv[i]), f->line,
				       f->column, severity_names[f->severity], f->id,
				       cli_escape(f->message));
			else
				printf("%s: %s [%s]: %s\n", cli_escape(argv[i]),
				       severity_names[f->severity], f->id, cli_escape(f->message));
		}
		ksc_findings_free(findings, n);
		if (lint_startup(argv[i], p, json, &printed) == KSC_FINDING_ERROR)
			status = 1;
	}
	if (json)
		printf("%s]\n", printed ? "\n" : "");
	return status;
}
