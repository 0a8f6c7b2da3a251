/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kseccomp profile bundle DIR [--name NAME] [--namespace NS] [-o yaml] [--output-file FILE]
 *
 * A ConfigMap of the profiles of DIR, for `kseccomp node sync` to install on every node:
 * ksc_profile_bundle() writes it; this verb checks the options and prints.
 */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"

static void
help(void)
{
	fputs("Usage: kseccomp profile bundle DIR [--name NAME] [--namespace NS] [-o yaml]\n"
	      "                                [--output-file FILE]\n"
	      "\n"
	      "Print a ConfigMap holding the profiles of DIR (its *.json files), for 'kseccomp\n"
	      "node sync' to install on every node (see deploy/). Every profile is validated\n"
	      "first: one invalid profile and nothing is written. Keys are the file names,\n"
	      "values the files' exact bytes. A ConfigMap holds at most 1 MiB.\n"
	      "\n"
	      "Options:\n"
	      "      --name NAME        the ConfigMap's name (default kseccomp-profiles)\n"
	      "      --namespace NS     its namespace (default kseccomp)\n"
	      "  -o, --output FORMAT    yaml (the only one: the ConfigMap as kubectl applies it)\n"
	      "      --output-file FILE write it there (atomically) instead of to stdout\n"
	      "  -h, --help             show this help\n",
	      stdout);
}

int
verb_profile_bundle(int argc, char **argv)
{
	static const struct option options[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "namespace", required_argument, NULL, 'N' },
		{ "output", required_argument, NULL, 'o' },
		{ "output-file", required_argument, NULL, CLI_OUTPUT_FILE_OPTION },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	const char *dir, *name = "kseccomp-profiles", *ns = "kseccomp", *output = NULL;
	_cleanup_(ksc_diags_freep) struct ksc_diags *diags = NULL;
	_cleanup_(freep) char *text = NULL;
	struct ksc_error *error = NULL;
	size_t len = 0;
	int c, r;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", options, NULL)) != -1) {
		switch (c) {
		case 'n':
			name = optarg;
			break;
		case 'N':
			ns = optarg;
			break;
		case 'o': {
			int format;

			if (cli_parse_output("profile bundle", optarg,
			                     (const char *const[]){ "yaml", NULL }, 1,
			                     &format) != 0)
				return EXIT_USAGE;
			break;
		}
		case CLI_OUTPUT_FILE_OPTION:
			if (cli_parse_output_file("profile bundle", optarg, &output) != 0)
				return EXIT_USAGE;
			break;
		case 'h':
			help();
			return 0;
		default:
			return cli_bad_option("profile bundle", argv, c);
		}
	}
	r = cli_one_operand("profile bundle", argc, "DIR");
	if (r)
		return r;
	dir = argv[optind];
	if (!ksc_kube_dns_name(name, 253, true))
		return cli_usage_error("profile bundle",
		                       "--name '%s': not a DNS subdomain (lowercase letters, "
		                       "digits, '-' and '.', at most 253)",
		                       name);
	if (!ksc_kube_dns_name(ns, 63, false))
		return cli_usage_error("profile bundle",
		                       "--namespace '%s': not a DNS label (lowercase letters, "
		                       "digits and '-', at most 63)",
		                       ns);
	diags = ksc_diags_new();
	if (!diags)
		return cli_fail(-ENOMEM, NULL, NULL);
	r = ksc_profile_bundle(dir, name, ns, &text, &len, diags, &error);
	if (r < 0) {
		/* each invalid profile's errors (warnings are for `validate`), then why */
		for (size_t k = 0; k < ksc_diags_count(diags); k++)
			if (ksc_diag_severity(ksc_diags_get(diags, k)) == KSC_SEVERITY_ERROR)
				cli_print_diag(ksc_diags_get(diags, k));
		return cli_fail(r, error, NULL);
	}
	if (output)
		return cli_write_file(output, text, len) < 0 ? 1 : 0;
	return fwrite(text, 1, len, stdout) == len ? 0 : 1;
}
