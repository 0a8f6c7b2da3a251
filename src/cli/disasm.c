/* SPDX-License-Identifier: Apache-2.0 */
/* kseccomp disasm PROGRAM */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"

static void
help(void)
{
	fputs("Usage: kseccomp disasm [OPTIONS] PROGRAM\n"
	      "\n"
	      "Print a BPF program (raw struct sock_filter records in host byte order, as\n"
	      "'kseccomp compile' and libseccomp's seccomp_export_bpf() write them) one\n"
	      "instruction a line, with jump targets and comments naming seccomp_data fields,\n"
	      "architectures, actions and, where every path has checked the arch, the syscall\n"
	      "each number is. A program the kernel would refuse is listed anyway, with a\n"
	      "warning saying why. '-' reads standard input.\n"
	      "\n"
	      "Options:\n"
	      "  -o, --output FORMAT  asm (the listing, the default) or dot (a Graphviz graph\n"
	      "                       of the same: 'kseccomp disasm -o dot P | dot -Tsvg')\n"
	      "  -h, --help           show this help\n",
	      stdout);
}

int
verb_disasm(int argc, char **argv)
{
	static const struct option options[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	_cleanup_(freep) char *text = NULL;
	_cleanup_(ksc_bpf_freep) struct ksc_bpf *prog = NULL;
	_cleanup_(ksc_error_freep) struct ksc_error *error = NULL;
	int c, r, format = 0;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", options, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (cli_parse_output("disasm", optarg,
			                     (const char *const[]){ "asm", "dot", NULL }, 2,
			                     &format) != 0)
				return EXIT_USAGE;
			break;
		case 'h':
			help();
			return 0;
		default:
			return cli_bad_option("disasm", argv, c);
		}
	}
	r = cli_one_operand("disasm", argc, "PROGRAM");
	if (r)
		return r;
	r = ksc_bpf_load(argv[optind], &prog, &error);
	if (r < 0)
		return cli_fail(r, TAKE_PTR(error), argv[optind]);
	if (ksc_bpf_check(prog, &error) < 0)
		cli_warning("%s: the kernel would refuse this program: %s", argv[optind],
		            ksc_error_message(error));
	r = format == 1 ? ksc_bpf_dot(prog, &text) : ksc_bpf_disasm(prog, &text);
	if (r < 0)
		return cli_fail(r, NULL, NULL);
	fputs(text, stdout);
	return 0;
}
