/* SPDX-License-Identifier: Apache-2.0 */
/* kseccomp profile fmt [-w | --check | -o OUT] FILE */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"

static void
help(void)
{
	fputs("Usage: kseccomp profile fmt [OPTIONS] FILE\n"
	      "\n"
	      "Print a valid profile in canonical JSON: keys in the OCI order (then the\n"
	      "Docker/containers extensions, then unknown keys as found), two-space\n"
	      "indentation, one array element per line. Formatting twice changes nothing and\n"
	      "the result means exactly what the input meant. An invalid profile is refused\n"
	      "with its errors, as 'profile validate' reports them.\n"
	      "\n"
	      "Options:\n"
	      "  -w, --write          rewrite FILE in place (atomically)\n"
	      "      --check          write nothing; exit 1 if FILE is not canonical\n"
	      "  -o, --output FORMAT  json (the default: the canonical form) or yaml\n"
	      "      --output-file FILE  write the result to FILE (atomically) instead of\n"
	      "                       standard output\n"
	      "  -h, --help           show this help\n",
	      stdout);
}

int
verb_profile_fmt(int argc, char **argv)
{
	static const struct option options[] = {
		{ "write", no_argument, NULL, 'w' },
		{ "check", no_argument, NULL, 'c' },
		{ "output", required_argument, NULL, 'o' },
		{ "output-file", required_argument, NULL, CLI_OUTPUT_FILE_OPTION },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	_cleanup_(freep) char *input = NULL, *text = NULL;
	_cleanup_(ksc_diags_freep) struct ksc_diags *diags = NULL;
	_cleanup_(ksc_profile_freep) struct ksc_profile *profile = NULL;
	struct ksc_error *error = NULL;
	const char *output = "-", *file;
	bool write_back = false, check = false;
	enum cli_doc_format format = CLI_DOC_JSON;
	size_t input_len = 0, len = 0;
	int c, r;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":wo:h", options, NULL)) != -1) {
		switch (c) {
		case 'w':
			write_back = true;
			break;
		case 'c':
			check = true;
			break;
		case 'o':
			if (cli_parse_doc_format("profile fmt", optarg, &format) != 0)
				return EXIT_USAGE;
			break;
		case CLI_OUTPUT_FILE_OPTION:
			if (cli_parse_output_file("profile fmt", optarg, &output) != 0)
				return EXIT_USAGE;
			break;
		case 'h':
			help();
			return 0;
		default:
			return cli_bad_option("profile fmt", argv, c);
		}
	}
	r = cli_one_operand("profile fmt", argc, "FILE");
	if (r)
		return r;
	if ((write_back || check) && !streq(output, "-"))
		return cli_usage_error("profile fmt",
		                       "--output-file does not go with --write or --check");
	if ((write_back || check) && format != CLI_DOC_JSON)
		return cli_usage_error("profile fmt",
		                       "--write and --check keep the canonical JSON: not with -o "
		                       "yaml");
	file = argv[optind];
	if (write_back && streq(file, "-"))
		return cli_usage_error("profile fmt", "--write needs a file, not standard input");

	diags = ksc_diags_new();
	if (!diags)
		return cli_fail(-ENOMEM, NULL, NULL);
	r = ksc_profile_load_text(file, NULL, &profile, &input, &input_len, diags, &error);
	if (r < 0)
		return cli_report_invalid(r, diags, error, file);
	r = ksc_profile_write_json(profile, &text, &len);
	if (r < 0)
		return cli_fail(r, NULL, file);

	if (check) {
		if (len == input_len && memcmp(text, input, len) == 0)
			return 0;
		printf("%s: not in canonical form\n", cli_escape(file));
		return 1;
	}
	r = cli_write_document(write_back ? file : output, format, text, len);
	return r < 0 ? 1 : 0;
}
