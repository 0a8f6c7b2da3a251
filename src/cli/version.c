/* SPDX-License-Identifier: Apache-2.0 */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"

static void
help(void)
{
	fputs("Usage: kseccomp version [-o text|json|yaml]\n"
	      "\n"
	      "Print kseccomp's version, the kernel version its syscall tables come from and\n"
	      "the host architecture.\n"
	      "\n"
	      "Options:\n"
	      "  -o, --output FORMAT  text (default), json or yaml\n"
	      "  -h, --help           show this help\n",
	      stdout);
}

int
verb_version(int argc, char **argv)
{
	static const struct option options[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	int json = 0, c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:o:h", options, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (cli_parse_output("version", optarg, CLI_OUTPUT_TEXT_JSON_YAML, 3,
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
			return cli_bad_option("version", argv, c);
		}
	}
	if (optind < argc)
		return cli_usage_error("version", "unexpected argument '%s'", argv[optind]);

	if (json)
		printf("{\"version\": \"%s\", \"syscallTable\": \"%s\", \"nativeArch\": \"%s\"}\n",
		       ksc_version(), ksc_syscall_table_version(),
		       ksc_arch_name(ksc_arch_native()));
	else
		printf("kseccomp %s\nsyscall table: Linux %s\nnative arch: %s\n", ksc_version(),
		       ksc_syscall_table_version(), ksc_arch_name(ksc_arch_native()));
	return 0;
}
