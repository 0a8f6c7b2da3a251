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
	      "arguments at and around every constant either compares with. Prints the\n"
	      "syscalls grouped by architecture and by the decisions of A and of B, and the\n"
	      "arguments where they differ when that depends on the arguments. Two profiles\n"
	      "written differently that decide alike are equivalent.\n"
	      "\n"
	      "Options:\n"
	      "      --native ARCH    the host both are compiled for (default: this machine's)\n"
	      "  -o, --output FMT     text (default), json or yaml\n"
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

/* One line of the text form: an unconditional difference (a syscall, or a range of
 * numbers), or one that depends on the arguments. */
struct text_entry {
	const char *arch;
	char ra[32], rb[32];
	char label[80];
	bool conditional;
	bool printed;
};

static void
text_entry_fill(struct text_entry *e, const struct ksc_difference *diffs,
                const struct ksc_difference_group *groups, size_t g)
{
	const struct ksc_difference *first = &diffs[groups[g].first];
	const struct ksc_seccomp_data *d = &first->data;
	char buf[16];
	enum ksc_arch arch;
	const char *name = call_name(d, &arch, buf, sizeof(buf));

	*e = (struct text_entry){ .arch = arch ? ksc_arch_name(arch) : "unknown-arch",
		                  .conditional = !groups[g].unconditional };
	ksc_ret_format(first->ret_a, e->ra, sizeof(e->ra));
	ksc_ret_format(first->ret_b, e->rb, sizeof(e->rb));
	if (groups[g].range_end > g)
		snprintf(e->label, sizeof(e->label), "%" PRIu32 "-%" PRIu32, (uint32_t)d->nr,
		         (uint32_t)diffs[groups[groups[g].range_end].first].data.nr);
	else if (e->conditional)
		snprintf(e->label, sizeof(e->label),
		         "%s for args 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64
		         " 0x%" PRIx64 " 0x%" PRIx64,
		         name, d->args[0], d->args[1], d->args[2], d->args[3], d->args[4],
		         d->args[5]);
	else
		snprintf(e->label, sizeof(e->label), "%s", name);
}

static bool
same_group(const struct text_entry *a, const struct text_entry *b)
{
	return streq(a->arch, b->arch) && streq(a->ra, b->ra) && streq(a->rb, b->rb) &&
	       a->conditional == b->conditional;
}

/* Grouped by architecture and by what A and B decide: a heading, then the syscalls (or
 * number ranges) wrapped; those that depend on the arguments one a line with them. */
static int
print_text(const struct ksc_difference *diffs, size_t n_diffs, size_t cases,
           const struct ksc_difference_group *groups, size_t n_groups)
{
	_cleanup_(freep) struct text_entry *v = calloc(MAX(n_groups, 1u), sizeof(*v));
	size_t n = 0;

	if (!v)
		return -ENOMEM;
	for (size_t g = 0; g < n_groups; g = groups[g].range_end + 1)
		text_entry_fill(&v[n++], diffs, groups, g);
	for (size_t i = 0; i < n; i++) {
		size_t count = 0, col = 2;

		if (v[i].printed)
			continue;
		for (size_t j = i; j < n; j++)
			count += same_group(&v[i], &v[j]);
		printf("%s: %s -> %s%s, %zu:\n ", v[i].arch, v[i].ra, v[i].rb,
		       v[i].conditional ? " depending on the arguments" : "", count);
		for (size_t j = i; j < n; j++) {
			if (!same_group(&v[i], &v[j]))
				continue;
			if (v[i].conditional || (col > 2 && col + 1 + strlen(v[j].label) > 88)) {
				printf("%s", col > 2 ? "\n " : "");
				col = 2;
			}
			printf(" %s", cli_escape(v[j].label));
			col += 1 + strlen(v[j].label);
			v[j].printed = true;
		}
		printf("\n");
	}
	if (n_diffs == 0)
		printf("equivalent: %zu inputs decided alike\n", cases);
	else
		printf("%zu syscalls decided differently (%zu of %zu inputs)\n", n_groups, n_diffs,
		       cases);
	return 0;
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
			if (cli_parse_output("profile diff", optarg, CLI_OUTPUT_TEXT_JSON_YAML, 3,
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
	else if (print_text(diffs, n_diffs, cases, groups, n_groups) < 0)
		return cli_fail(-ENOMEM, NULL, NULL);
	return n_diffs ? 1 : 0;
}
