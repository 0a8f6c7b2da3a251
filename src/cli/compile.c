/* SPDX-License-Identifier: Apache-2.0 */
/* kseccomp compile [--arch LIST] [--native ARCH] [--backend native|libseccomp] [--format bpf|asm]
 *                  [-o OUT] PROFILE */
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "cli.h"

static void
help(void)
{
	fputs("Usage: kseccomp compile [OPTIONS] PROFILE\n"
	      "\n"
	      "Compile a seccomp profile to the classic BPF program the kernel runs, with the\n"
	      "decisions runc's program makes: one rule per syscall name, rules equal to the\n"
	      "default action skipped, repeated argument indexes as alternatives (OR),\n"
	      "libseccomp's resolution of overlapping conditions, and runc's ENOSYS stub for\n"
	      "syscalls newer than the profile on each listed architecture. Docker's \"name\" and\n"
	      "includes/excludes are not OCI fields: runc ignores the former and applies the\n"
	      "rule regardless of the latter, and so does this command (with a warning).\n"
	      "\n"
	      "The native backend lays the program out itself: the architecture first, then a\n"
	      "binary search over ranges of syscall numbers (at most 25 instructions for any\n"
	      "call of the runtimes' default profiles), argument checks only where a rule has\n"
	      "some, and every syscall allowed without conditions in the form the kernel's\n"
	      "seccomp cache recognises. The libseccomp backend builds it as runc does: "
	      "libseccomp\n"
	      "2.5 (its binary tree above 32 names) with runc's stub in front; where libseccomp\n"
	      "miscompiles overlapping argument rules (it compares a stale word), a warning says\n"
	      "so.\n"
	      "\n"
	      "Options:\n"
	      "      --arch LIST      filter exactly these architectures (comma-separated),\n"
	      "                       instead of the native one plus the profile's list\n"
	      "      --native ARCH    the host the filter is for (default: this machine's)\n"
	      "      --backend NAME   native (the default) or libseccomp\n"
	      "  -o, --output FORMAT  bpf (raw struct sock_filter records, host byte order; the\n"
	      "                       default), asm (a listing, with the syscalls compared) or\n"
	      "                       dot (a Graphviz graph of it)\n"
	      "      --output-file FILE  write the program there (atomically) instead of\n"
	      "                       standard output\n"
	      "  -h, --help           show this help\n",
	      stdout);
}

int
cli_parse_backend(const char *command, const char *name, enum ksc_backend *ret)
{
	if (streq(name, "native"))
		*ret = KSC_BACKEND_NATIVE;
	else if (streq(name, "libseccomp"))
		*ret = KSC_BACKEND_LIBSECCOMP;
	else
		return cli_usage_error(command, "unknown backend '%s' (native, libseccomp)", name);
	return 0;
}

int
cli_parse_arch(const char *command, const char *name, enum ksc_arch *ret)
{
	if (ksc_arch_from_name(name, ret) < 0)
		return cli_usage_error(command, "unknown architecture '%s'", name);
	return 0;
}

int
cli_parse_arch_list(const char *command, const char *list, enum ksc_arch *arches, size_t max,
                    size_t *ret_n)
{
	_cleanup_(freep) char *copy = strdup(list);
	char *save = NULL;
	size_t n = 0;

	if (!copy)
		return cli_fail(-ENOMEM, NULL, NULL);
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		enum ksc_arch a;
		int r = cli_parse_arch(command, t, &a);

		if (r)
			return r;
		if (n == max)
			return cli_usage_error(command, "too many architectures");
		arches[n++] = a;
	}
	if (n == 0)
		return cli_usage_error(command, "empty architecture list");
	*ret_n = n;
	return 0;
}

/* Load, validate and compile, printing the compiler's warnings; 0 or an exit status. */
static int
load_and_compile(const char *file, const struct ksc_compile_opts *copts, struct ksc_bpf **ret)
{
	_cleanup_(ksc_diags_freep) struct ksc_diags *diags = ksc_diags_new();
	_cleanup_(ksc_profile_freep) struct ksc_profile *profile = NULL;
	struct ksc_profile_parse_opts popts = { .native_arch = copts->native };
	struct ksc_error *error = NULL;
	int r;

	if (!diags)
		return cli_fail(-ENOMEM, NULL, NULL);
	r = ksc_profile_load(file, &popts, &profile, diags, &error);
	if (r < 0)
		return cli_report_invalid(r, diags, error, file);
	/* Validation warnings belong to `profile validate`; compilation warnings matter. */
	ksc_diags_free(TAKE_PTR(diags));
	diags = ksc_diags_new();
	if (!diags)
		return cli_fail(-ENOMEM, NULL, NULL);
	r = ksc_profile_compile(profile, copts, ret, diags, &error);
	cli_print_warnings(diags);
	if (r < 0)
		return cli_fail(r, error, file);
	return 0;
}

int
verb_compile(int argc, char **argv)
{
	static const struct option options[] = {
		{ "arch", required_argument, NULL, 'a' },
		{ "native", required_argument, NULL, 'n' },
		{ "backend", required_argument, NULL, 'b' },
		{ "output", required_argument, NULL, 'o' },
		{ "output-file", required_argument, NULL, CLI_OUTPUT_FILE_OPTION },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct ksc_compile_opts copts = { .backend = KSC_BACKEND_DEFAULT };
	enum ksc_arch arches[_KSC_ARCH_MAX];
	const char *output = "-";
	_cleanup_(ksc_bpf_freep) struct ksc_bpf *prog = NULL;
	bool asm_format = false, dot_format = false;
	int c, r;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", options, NULL)) != -1) {
		switch (c) {
		case 'a':
			r = cli_parse_arch_list("compile", optarg, arches, ELEMENTSOF(arches),
			                        &copts.n_arches);
			if (r)
				return r;
			copts.arches = arches;
			break;
		case 'n':
			if (cli_parse_arch("compile", optarg, &copts.native) != 0)
				return EXIT_USAGE;
			break;
		case 'b':
			r = cli_parse_backend("compile", optarg, &copts.backend);
			if (r)
				return r;
			break;
		case 'o': {
			int format;

			if (cli_parse_output("compile", optarg,
			                     (const char *const[]){ "bpf", "asm", "dot", NULL }, 3,
			                     &format) != 0)
				return EXIT_USAGE;
			asm_format = format >= 1;
			dot_format = format == 2;
			break;
		}
		case CLI_OUTPUT_FILE_OPTION:
			if (cli_parse_output_file("compile", optarg, &output) != 0)
				return EXIT_USAGE;
			break;
		case 'h':
			help();
			return 0;
		default:
			return cli_bad_option("compile", argv, c);
		}
	}
	r = cli_one_operand("compile", argc, "PROFILE");
	if (r)
		return r;
	if (!asm_format && streq(output, "-") && isatty(STDOUT_FILENO))
		return cli_usage_error("compile",
		                       "refusing to write a binary program to a terminal "
		                       "(use --output-file FILE or -o asm)");

	r = load_and_compile(argv[optind], &copts, &prog);
	if (r)
		return r;
	if (asm_format) {
		_cleanup_(freep) char *text = NULL;

		r = dot_format ? ksc_bpf_dot(prog, &text) : ksc_bpf_disasm(prog, &text);
		if (r < 0)
			return cli_fail(r, NULL, NULL);
		return cli_write_file(output, text, strlen(text)) < 0 ? 1 : 0;
	}
	r = cli_write_file(output, (const char *)ksc_bpf_insns(prog),
	                   ksc_bpf_count(prog) * sizeof(struct ksc_bpf_insn));
	return r < 0 ? 1 : 0;
}
