/* SPDX-License-Identifier: Apache-2.0 */
/* kseccomp profile merge [-o json|yaml] [--output-file OUT] [--coverage] A B... */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"

static void
help(void)
{
	fputs("Usage: kseccomp profile merge [OPTIONS] PROFILE...\n"
	      "\n"
	      "Combine profiles (recordings of the replicas of a workload, say) into one that\n"
	      "decides, for every call, the least restrictive of what they decide:\n"
	      "KILL_PROCESS < KILL_THREAD < TRAP < ERRNO < TRACE < NOTIFY < LOG < ALLOW. The\n"
	      "architectures are united; rules with conditions are kept, and lifted where\n"
	      "another profile allows more for the same syscall. The result is checked by its\n"
	      "decisions on every syscall and boundary argument value: a merge that would lose\n"
	      "precision is refused with the call where it would, and nothing is written.\n"
	      "\n"
	      "Options:\n" CLI_DOC_OUTPUT_HELP
	      "      --coverage           say on standard error how many of the profiles allow\n"
	      "                           each syscall: those all of them allow counted, the\n"
	      "                           others named with the profiles that do or do not\n"
	      "  -h, --help               show this help\n",
	      stdout);
}

/* --coverage: the syscalls all profiles allow counted, the others grouped by which do. */
static int
say_coverage(const struct ksc_profile *const *ps, size_t n, char **paths)
{
	struct ksc_coverage *v = NULL;
	size_t n_v = 0, all = 0;
	int r = ksc_profile_coverage(ps, n, &v, &n_v);

	if (r < 0)
		return cli_fail(r, NULL, "profile merge");
	for (size_t i = 0; i < n_v; i++)
		all += v[i].count == n;
	fprintf(stderr,
	        "kseccomp: profile merge: %zu profiles allow %zu syscalls, %zu of them all %zu\n",
	        n, n_v, all, n);
	cli_print_coverage(v, n_v, n, (const char *const *)paths);
	ksc_coverage_free(v, n_v);
	return 0;
}

int
verb_profile_merge(int argc, char **argv)
{
	static const struct option options[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "output-file", required_argument, NULL, CLI_OUTPUT_FILE_OPTION },
		{ "coverage", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	_cleanup_(ksc_diags_freep) struct ksc_diags *warnings = NULL;
	_cleanup_(ksc_profile_freep) struct ksc_profile *merged = NULL;
	_cleanup_(freep) struct ksc_profile **ps = NULL;
	_cleanup_(freep) char *text = NULL;
	struct ksc_error *error = NULL;
	const char *output = "-";
	enum cli_doc_format format = CLI_DOC_JSON;
	size_t n = 0, len = 0;
	int c, r, status = 0;
	bool coverage = false;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", options, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (cli_parse_doc_format("profile merge", optarg, &format) != 0)
				return EXIT_USAGE;
			break;
		case CLI_OUTPUT_FILE_OPTION:
			if (cli_parse_output_file("profile merge", optarg, &output) != 0)
				return EXIT_USAGE;
			break;
		case 'C':
			coverage = true;
			break;
		case 'h':
			help();
			return 0;
		default:
			return cli_bad_option("profile merge", argv, c);
		}
	}
	if (optind >= argc)
		return cli_usage_error("profile merge", "missing PROFILE");
	warnings = ksc_diags_new();
	ps = calloc((size_t)(argc - optind), sizeof(*ps));
	if (!warnings || !ps)
		return cli_fail(-ENOMEM, NULL, NULL);
	for (int i = optind; i < argc; i++) {
		_cleanup_(ksc_diags_freep) struct ksc_diags *diags = ksc_diags_new();

		if (!diags) {
			status = cli_fail(-ENOMEM, NULL, NULL);
			goto out;
		}
		r = ksc_profile_load(argv[i], NULL, &ps[n], diags, &error);
		if (r < 0) {
			status = cli_report_invalid(r, diags, error, argv[i]);
			goto out;
		}
		n++;
	}
	r = ksc_profile_merge((const struct ksc_profile *const *)ps, n, &merged, warnings, &error);
	cli_print_warnings(warnings);
	if (r < 0) {
		status = cli_fail(r, error, NULL);
		goto out;
	}
	r = ksc_profile_write_json(merged, &text, &len);
	if (r < 0) {
		status = cli_fail(r, NULL, NULL);
		goto out;
	}
	status = cli_write_document(output, format, text, len) < 0 ? 1 : 0;
	if (status == 0 && coverage)
		status = say_coverage((const struct ksc_profile *const *)ps, n, argv + optind);
out:
	for (size_t i = 0; i < n; i++)
		ksc_profile_free(ps[i]);
	return status;
}
