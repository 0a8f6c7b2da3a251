/* SPDX-License-Identifier: Apache-2.0 */
/* kseccomp profile diff [--native A] [-o text|json] A B */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>

#include "cli.h"

#define FIRST_DIFFS (1u << 16)

static void
help(void)
{
	fputs("Usage: kseccomp profile diff [OPTIONS] A B\n"
	      "\n"
	      "Compare two profiles by what they decide, as runc enforces them: every syscall\n"
	      "number of every architecture either covers (and one neither covers), with\n"
	      "arguments at and around every constant either compares with. Prints, per\n"
	      "architecture and syscall, the decision of A and of B, and the arguments where they\n"
	      "differ when that depends on the arguments. Two profiles written differently that\n"
	      "decide alike are equivalent.\n"
	      "\n"
	      "Options:\n"
	      "      --native ARCH    the host both are compiled for (default: this machine's)\n"
	      "  -o, --output FMT     text (default) or json\n"
	      "  -h, --help           show this help\n"
	      "\n"
	      "Exit status: 0 equivalent, 1 different (or a profile is invalid), 2 usage error.\n",
	      stdout);
}

static struct ksc_profile *
load(const char *file)
{
	_cleanup_(ksc_diags_freep) struct ksc_diags *diags = ksc_diags_new();
	struct ksc_profile *p = NULL;
	struct ksc_error *error = NULL;
	int r;

	if (!diags)
		return NULL;
	r = ksc_profile_load(file, NULL, &p, diags, &error);
	if (r < 0) {
		(void)cli_report_invalid(r, diags, error, file);
		return NULL;
	}
	return p;
}

static const char *
call_name(const struct ksc_seccomp_data *d, enum ksc_arch *ret_arch, char *buf, size_t size)
{
	enum ksc_arch arch = KSC_ARCH_NONE;
	const char *name;

	(void)ksc_arch_from_audit_token(d->arch, (uint32_t)d->nr, &arch);
	*ret_arch = arch;
	name = arch ? ksc_syscall_name(arch, (uint32_t)d->nr) : NULL;
	if (name)
		return name;
	snprintf(buf, size, "%" PRIu32, (uint32_t)d->nr);
	return buf;
}

static void
print_json(const struct ksc_difference *diffs, size_t n_diffs, size_t cases,
           const struct ksc_difference_group *groups, size_t n_groups)
{
	printf("{\n  \"equivalent\": %s,\n  \"inputs\": %zu,\n  \"differences\": [",
	       n_diffs ? "false" : "true", cases);
	for (size_t g = 0; g < n_groups; g++) {
		const struct ksc_difference *first = &diffs[groups[g].first];
		const struct ksc_seccomp_data *d = &first->data;
		char ra[32], rb[32], buf[16];
		enum ksc_arch arch;
		const char *name = call_name(d, &arch, buf, sizeof(buf));

		ksc_ret_format(first->ret_a, ra, sizeof(ra));
		ksc_ret_format(first->ret_b, rb, sizeof(rb));
		printf("%s\n    {\"arch\": \"%s\", \"syscall\": \"%s\", \"nr\": %" PRIu32
		       ", \"a\": \"%s\", \"b\": \"%s\"",
		       g ? "," : "", arch ? ksc_arch_name(arch) : "unknown", name, (uint32_t)d->nr,
		       ra, rb);
		if (!groups[g].unconditional)
			printf(", \"args\": [%" PRIu64 ", %" PRIu64 ", %" PRIu64 ", %" PRIu64
			       ", %" PRIu64 ", %" PRIu64 "]",
			       d->args[0], d->args[1], d->args[2], d->args[3], d->args[4],
			       d->args[5]);
		printf("}");
	}
	printf("%s]\n}\n", n_groups ? "\n  " : "");
}

static void
print_text(const struct ksc_difference *diffs, size_t n_diffs, size_t cases,
           const struct ksc_difference_group *groups, size_t n_groups)
{
	for (size_t g = 0; g < n_groups; g = groups[g].range_end + 1) {
		const struct ksc_difference *first = &diffs[groups[g].first];
		const struct ksc_seccomp_data *d = &first->data;
		char ra[32], rb[32], buf[16];
		enum ksc_arch arch;
		const char *name = call_name(d, &arch, buf, sizeof(buf));
		const char *arch_name = arch ? ksc_arch_name(arch) : "unknown-arch";

		ksc_ret_format(first->ret_a, ra, sizeof(ra));
		ksc_ret_format(first->ret_b, rb, sizeof(rb));
		if (groups[g].range_end > g) {
			printf("%s %" PRIu32 "-%" PRIu32 ": %s -> %s\n", arch_name, (uint32_t)d->nr,
			       (uint32_t)diffs[groups[groups[g].range_end].first].data.nr, ra, rb);
			continue;
		}
		printf("%s %s: %s -> %s", arch_name, name, ra, rb);
		if (!groups[g].unconditional)
			printf(" for args 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64
			       " 0x%" PRIx64 " 0x%" PRIx64,
			       d->args[0], d->args[1], d->args[2], d->args[3], d->args[4],
			       d->args[5]);
		printf("\n");
	}
	if (n_diffs == 0)
		printf("equivalent: %zu inputs decided alike\n", cases);
	else
		printf("%zu syscalls decided differently (%zu of %zu inputs)\n", n_groups, n_diffs,
		       cases);
}

int
verb_profile_diff(int argc, char **argv)
{
	static const struct option options[] = {
		{ "native", required_argument, NULL, 'n' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	_cleanup_(ksc_profile_freep) struct ksc_profile *a = NULL, *b = NULL;
	_cleanup_(freep) struct ksc_difference *diffs = NULL;
	_cleanup_(freep) struct ksc_difference_group *groups = NULL;
	struct ksc_compile_opts copts = { 0 };
	struct ksc_error *error = NULL;
	size_t cases = 0, n_diffs = 0, n_groups = 0;
	int c, r, json = 0;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", options, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (cli_parse_arch("profile diff", optarg, &copts.native) != 0)
				return EXIT_USAGE;
			break;
		case 'o':
			if (cli_parse_output("profile diff", optarg, CLI_OUTPUT_TEXT_JSON, 2,
			                     &json) != 0)
				return EXIT_USAGE;
			break;
		case 'h':
			help();
			return 0;
		default:
			return cli_bad_option("profile diff", argv, c);
		}
	}
	if (argc - optind != 2)
		return cli_usage_error("profile diff", "expected two profiles, A and B");
	a = load(argv[optind]);
	if (!a)
		return 1;
	b = load(argv[optind + 1]);
	if (!b)
		return 1;
	/* every differing input, so that every differing syscall is counted: when more
	 * differ than the first guess holds, compare again with room for all */
	for (size_t room = FIRST_DIFFS;; room = n_diffs) {
		free(diffs);
		diffs = calloc(room, sizeof(*diffs));
		if (!diffs)
			return cli_fail(-ENOMEM, NULL, NULL);
		r = ksc_profile_compare(a, b, &copts, &cases, diffs, room, &n_diffs, &error);
		if (r < 0)
			return cli_fail(r, error, NULL);
		if (n_diffs <= room)
			break;
	}
	/* One entry per (arch, syscall): the first difference found for it, and whether the
	 * change holds whatever the arguments (it already shows with all of them zero). */
	r = ksc_differences_group(diffs, n_diffs, &groups, &n_groups);
	if (r < 0)
		return cli_fail(r, NULL, NULL);
	if (json)
		print_json(diffs, n_diffs, cases, groups, n_groups);
	else
		print_text(diffs, n_diffs, cases, groups, n_groups);
	return n_diffs ? 1 : 0;
}
