/* SPDX-License-Identifier: Apache-2.0 */
/* kseccomp profile validate [--strict] [--arch A] [-q] [-o text|json|yaml] FILE... */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "strbuf.h"

static void
help(void)
{
	fputs("Usage: kseccomp profile validate [OPTIONS] FILE...\n"
	      "\n"
	      "Check OCI seccomp profiles (the JSON of a Localhost profile, Docker's and\n"
	      "Podman's defaults, a runtime's linux.seccomp) and report every problem as\n"
	      "  FILE:LINE:COL: json.path: reason\n"
	      "Errors make a profile invalid: a runtime would refuse it or run the workload\n"
	      "with a filter other than the one written. Warnings point at what runtimes\n"
	      "ignore (unknown keys, syscall names not on the target architectures), and at\n"
	      "rules runc and crun do not enforce although the profile asks for them (a\n"
	      "syscall their libseccomp does not know, an architecture it builds without\n"
	      "loading the syscall number): the call gets a default action that lets it run.\n"
	      "'-' reads standard input.\n"
	      "\n"
	      "Options:\n"
	      "      --strict         treat warnings as errors (rules the runtimes would not\n"
	      "                       enforce included)\n"
	      "      --arch ARCH      the host architecture the profile is meant for (default:\n"
	      "                       this machine's); it selects the archMap entry and is\n"
	      "                       always a target, as runc adds the native arch\n"
	      "  -q, --quiet          print errors only: nothing for a valid profile\n"
	      "  -o, --output FORMAT  text (default), json (an array, one object per file) or\n"
	      "                       yaml\n"
	      "  -h, --help           show this help\n"
	      "\n"
	      "Exit status: 0 if every profile is valid, 1 if any is not, 2 on usage errors.\n",
	      stdout);
}

static void
json_diags(struct strbuf *sb, const struct ksc_diags *diags)
{
	strbuf_puts(sb, "[");
	for (size_t i = 0; i < ksc_diags_count(diags); i++) {
		const struct ksc_diag *d = ksc_diags_get(diags, i);
		const char *s;

		strbuf_printf(sb,
		              "%s{\"severity\": \"%s\", \"line\": %u, \"column\": %u, \"path\": ",
		              i ? ", " : "",
		              ksc_diag_severity(d) == KSC_SEVERITY_ERROR ? "error" : "warning",
		              ksc_diag_line(d), ksc_diag_column(d));
		s = ksc_diag_path(d);
		strbuf_put_json_str(sb, s);
		strbuf_puts(sb, ", \"reason\": ");
		s = ksc_diag_reason(d);
		strbuf_put_json_str(sb, s);
		strbuf_puts(sb, ", \"message\": ");
		s = ksc_diag_message(d);
		strbuf_put_json_str(sb, s);
		strbuf_puts(sb, "}");
	}
	strbuf_puts(sb, "]");
}

int
verb_profile_validate(int argc, char **argv)
{
	static const struct option options[] = {
		{ "strict", no_argument, NULL, 's' }, { "arch", required_argument, NULL, 'a' },
		{ "quiet", no_argument, NULL, 'q' },  { "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },   {},
	};
	struct ksc_profile_parse_opts opts = { 0 };
	struct strbuf out = { 0 };
	bool quiet = false;
	int json = 0, c, status = 0;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":qo:h", options, NULL)) != -1) {
		switch (c) {
		case 's':
			opts.flags |= KSC_PROFILE_STRICT;
			break;
		case 'a':
			if (cli_parse_arch("profile validate", optarg, &opts.native_arch) != 0)
				return EXIT_USAGE;
			break;
		case 'q':
			quiet = true;
			break;
		case 'o':
			if (cli_parse_output("profile validate", optarg, CLI_OUTPUT_TEXT_JSON_YAML,
			                     3, &json) != 0)
				return EXIT_USAGE;
			if (json == 2 && cli_output_yaml() < 0) /* the json, as YAML */
				return cli_fail(-ENOMEM, NULL, NULL);
			break;
		case 'h':
			help();
			return 0;
		default:
			return cli_bad_option("profile validate", argv, c);
		}
	}
	if (optind >= argc)
		return cli_usage_error("profile validate", "missing FILE");

	if (json)
		strbuf_puts(&out, "[");
	for (int i = optind; i < argc; i++) {
		_cleanup_(ksc_diags_freep) struct ksc_diags *diags = ksc_diags_new();
		_cleanup_(ksc_profile_freep) struct ksc_profile *profile = NULL;
		_cleanup_(ksc_error_freep) struct ksc_error *error = NULL;
		size_t errors, warnings;
		int r;

		if (!diags)
			return cli_fail(-ENOMEM, NULL, NULL);
		r = ksc_profile_load(argv[i], &opts, &profile, diags, &error);
		if (r == 0) {
			/* valid, but is every rule enforced by the runtime? */
			struct ksc_compile_opts copts = { .native = opts.native_arch };
			bool strict = opts.flags & KSC_PROFILE_STRICT;
			int n = ksc_profile_unenforced(
			        profile, &copts, strict ? KSC_SEVERITY_ERROR : KSC_SEVERITY_WARNING,
			        diags);

			if (n < 0)
				r = n;
			else if (n > 0 && strict)
				r = -EINVAL;
			/* does the runtime load its program, and kseccomp its own? */
			if (r == 0 && ksc_profile_check_size(profile, &copts, diags, NULL) != 0)
				r = -EINVAL;
		}
		if (r == -ENOMEM)
			return cli_fail(r, TAKE_PTR(error), argv[i]);
		if (r < 0 && ksc_diags_error_count(diags) == 0)
			/* Failed without a diagnostic (cannot happen today): say why. */
			(void)cli_fail(r, TAKE_PTR(error), argv[i]);
		errors = ksc_diags_error_count(diags);
		warnings = ksc_diags_count(diags) - errors;
		if (r < 0)
			status = 1;

		if (json) {
			strbuf_printf(&out, "%s\n  {\"file\": ", i > optind ? "," : "");
			strbuf_put_json_str(&out, argv[i]);
			strbuf_printf(&out,
			              ", \"valid\": %s, \"errors\": %zu, \"warnings\": %zu, "
			              "\"diagnostics\": ",
			              r < 0 ? "false" : "true", errors, warnings);
			json_diags(&out, diags);
			strbuf_puts(&out, "}");
			continue;
		}
		for (size_t k = 0; k < ksc_diags_count(diags); k++)
			if (!quiet ||
			    ksc_diag_severity(ksc_diags_get(diags, k)) == KSC_SEVERITY_ERROR)
				cli_print_diag(ksc_diags_get(diags, k));
		if (r == 0 && !quiet) {
			if (warnings)
				printf("%s: ok (%zu warning%s)\n", cli_escape(argv[i]), warnings,
				       warnings == 1 ? "" : "s");
			else
				printf("%s: ok\n", cli_escape(argv[i]));
		}
	}
	if (json) {
		char *text = NULL;

		strbuf_puts(&out, "\n]\n");
		if (strbuf_finish(&out, &text, NULL) < 0)
			return cli_fail(-ENOMEM, NULL, NULL);
		fputs(text, stdout);
		free(text);
	}
	return status;
}
