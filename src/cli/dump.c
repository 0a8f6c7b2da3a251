/* SPDX-License-Identifier: Apache-2.0 */
/* kseccomp dump [--profile FILE] [--native ARCH] [--save PREFIX] [-o FORMAT] PID */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>

#include "cli.h"
#include "strbuf.h"

static void
help(void)
{
	fputs("Usage: kseccomp dump [OPTIONS] PID\n"
	      "\n"
	      "Read the seccomp filters the kernel enforces on a live process\n"
	      "(PTRACE_SECCOMP_GET_FILTER: needs CAP_SYS_ADMIN) and list them, newest first.\n"
	      "With --profile, compile the profile as runc (or --runtime crun) does and say\n"
	      "whether the process' filters decide every input as it does: every syscall\n"
	      "number of each of the profile's arches and one arch outside them, and\n"
	      "arguments at and around every constant the profile compares with.\n"
	      "\n"
	      "Options:\n"
	      "      --profile FILE   compare with this profile\n"
	      "      --native ARCH    the host the profile is compiled for (default: this\n"
	      "                       machine's)\n"
	      "      --runtime R      runc (default) or crun: crun builds no ENOSYS stub, so\n"
	      "                       calls above the profile's last get its default action\n"
	      "      --save PREFIX    also write each filter to PREFIX.N.bpf\n"
	      "  -o, --output FORMAT  text (the default), json or yaml: the pid and each\n"
	      "                       filter (index, newest, instructions and the program,\n"
	      "                       instruction by instruction: code, jt, jf, k and its\n"
	      "                       listed line), with --profile the comparison (inputs,\n"
	      "                       same, differences and the first of them, shown)\n"
	      "  -h, --help           show this help\n"
	      "\n"
	      "Exit status: 0, or 1 on failure or when --profile finds a difference.\n",
	      stdout);
}

static void
free_filters(struct ksc_bpf **progs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ksc_bpf_free(progs[i]);
	free(progs);
}

/* Print how many instructions each filter has (print; and with disasm, the program), and
 * save each to SAVE.N.bpf; 0, or 1 after saying why. */
static int
show_filters(long pid, struct ksc_bpf *const *progs, size_t n, const char *save, bool disasm,
             bool print)
{
	if (n == 0 && print)
		printf("process %ld: no seccomp filter (unconfined)\n", pid);
	for (size_t i = 0; i < n; i++) {
		_cleanup_(freep) char *text = NULL;

		if (print)
			printf("filter %zu%s: %zu instructions\n", i, i == 0 ? " (newest)" : "",
			       ksc_bpf_count(progs[i]));
		if (save) {
			_cleanup_(freep) char *path = NULL;

			if (asprintf(&path, "%s.%zu.bpf", save, i) < 0)
				return cli_fail(-ENOMEM, NULL, NULL);
			if (cli_write_file(path, (const char *)ksc_bpf_insns(progs[i]),
			                   ksc_bpf_count(progs[i]) * sizeof(struct ksc_bpf_insn)) <
			    0)
				return 1;
		}
		if (disasm && ksc_bpf_disasm(progs[i], &text) == 0)
			fputs(text, stdout);
	}
	return 0;
}

/* -o json: one difference as an object of "differences". */
static void
json_difference(struct strbuf *sb, const struct ksc_difference *diff, const char *name)
{
	const struct ksc_seccomp_data *d = &diff->data;
	enum ksc_arch a;
	char ra[32], rb[32];

	ksc_ret_format(diff->ret_a, ra, sizeof(ra));
	ksc_ret_format(diff->ret_b, rb, sizeof(rb));
	strbuf_printf(sb, "{\"archToken\": %" PRIu32 ", \"arch\": ", d->arch);
	if (ksc_arch_from_audit_token(d->arch, (uint32_t)d->nr, &a) == 0)
		strbuf_printf(sb, "\"%s\"", ksc_arch_name(a));
	else
		strbuf_puts(sb, "null");
	strbuf_printf(sb, ", \"nr\": %" PRIu32 ", \"syscall\": ", (uint32_t)d->nr);
	if (name)
		strbuf_put_json_str(sb, name);
	else
		strbuf_puts(sb, "null");
	strbuf_puts(sb, ", \"args\": [");
	for (size_t k = 0; k < 6; k++)
		strbuf_printf(sb, "%s%" PRIu64, k ? ", " : "", d->args[k]);
	strbuf_printf(sb, "], \"live\": \"%s\", \"profile\": \"%s\"}", ra, rb);
}

/* Compare the live filters with the profile as the runtime compiles it: 0 when they decide
 * alike, 1 when not, -1 on failure (said). Printed, or with json the "comparison" member. */
static int
compare_with_profile(int pid, struct ksc_bpf **live, size_t n_live, const char *file,
                     const struct ksc_compile_opts *copts, struct strbuf *json)
{
	_cleanup_(ksc_profile_freep) struct ksc_profile *profile = NULL;
	struct ksc_profile_parse_opts popts = { .native_arch = copts->native };
	struct ksc_difference diffs[20];
	enum ksc_arch arches[_KSC_ARCH_MAX];
	_cleanup_(ksc_bpf_freep) struct ksc_bpf *prog = NULL;
	size_t n_arches, cases = 0, n_diffs = 0;
	int r;

	_cleanup_(ksc_diags_freep) struct ksc_diags *diags = ksc_diags_new();
	struct ksc_error *error = NULL;

	if (!diags)
		return -cli_fail(-ENOMEM, NULL, NULL);
	r = ksc_profile_load(file, &popts, &profile, diags, &error);
	if (r < 0)
		return -cli_report_invalid(r, diags, error, file);
	r = ksc_profile_compile(profile, copts, &prog, NULL, &error);
	if (r < 0)
		return -cli_fail(r, error, file);
	n_arches = ksc_compile_arches(profile, copts, arches, ELEMENTSOF(arches));
	r = ksc_bpf_compare(live, n_live, &prog, 1, profile, arches, n_arches, &cases, diffs,
	                    ELEMENTSOF(diffs), &n_diffs);
	if (r < 0)
		return -cli_fail(r, NULL, NULL);
	if (json) {
		strbuf_puts(json, ",\n  \"comparison\": {\"profile\": ");
		strbuf_put_json_str(json, file);
		strbuf_printf(json,
		              ", \"runtime\": \"%s\", \"inputs\": %zu, \"same\": %s, "
		              "\"differences\": %zu,\n    \"shown\": [",
		              copts->no_enosys_stub ? "crun" : "runc", cases,
		              n_diffs ? "false" : "true", n_diffs);
	} else if (n_diffs == 0) {
		printf("process %d decides as %s does: %zu inputs compared, no difference\n", pid,
		       cli_escape(file), cases);
		return 0;
	} else
		printf("process %d differs from %s on %zu of %zu inputs:\n", pid, cli_escape(file),
		       n_diffs, cases);
	for (size_t i = 0; i < MIN(n_diffs, ELEMENTSOF(diffs)); i++) {
		const struct ksc_seccomp_data *d = &diffs[i].data;
		char ra[32], rb[32];
		enum ksc_arch a;
		const char *name = NULL;

		if (ksc_arch_from_audit_token(d->arch, (uint32_t)d->nr, &a) == 0)
			name = ksc_syscall_name(a, (uint32_t)d->nr);
		if (json) {
			strbuf_puts(json, i ? ",\n      " : "\n      ");
			json_difference(json, &diffs[i], name);
			continue;
		}
		ksc_ret_format(diffs[i].ret_a, ra, sizeof(ra));
		ksc_ret_format(diffs[i].ret_b, rb, sizeof(rb));
		printf("  arch 0x%08" PRIx32 " nr %" PRIu32 " (%s) args 0x%" PRIx64 " 0x%" PRIx64
		       " 0x%" PRIx64 " ...: live %s, profile %s\n",
		       d->arch, (uint32_t)d->nr, name ? name : "?", d->args[0], d->args[1],
		       d->args[2], ra, rb);
	}
	if (json)
		strbuf_puts(json, n_diffs ? "\n    ]}" : "]}");
	return n_diffs ? 1 : 0;
}

/* -o json: the filters, each with its program as instructions (and their listing). */
static int
json_filters(struct strbuf *sb, long pid, struct ksc_bpf *const *progs, size_t n)
{
	strbuf_printf(sb, "{\n  \"pid\": %ld,\n  \"filters\": [", pid);
	for (size_t i = 0; i < n; i++) {
		const struct ksc_bpf_insn *insns = ksc_bpf_insns(progs[i]);
		size_t count = ksc_bpf_count(progs[i]);
		_cleanup_(freep) char *text = NULL;
		const char *line;

		if (ksc_bpf_disasm(progs[i], &text) < 0)
			return -ENOMEM;
		strbuf_printf(sb,
		              "%s\n    {\"index\": %zu, \"newest\": %s, \"instructions\": %zu, "
		              "\"program\": [",
		              i ? "," : "", i, i == 0 ? "true" : "false", count);
		line = text;
		for (size_t k = 0; k < count; k++) {
			char *end = NULL;
			size_t len;

			strbuf_printf(
			        sb,
			        "%s\n      {\"code\": %u, \"jt\": %u, \"jf\": %u, \"k\": %" PRIu32,
			        k ? "," : "", insns[k].code, insns[k].jt, insns[k].jf, insns[k].k);
			/* the listing's line of this instruction: "NNNN: text" (a warning about
			 * the program has no number and is skipped) */
			while (line && *line && (strtoul(line, &end, 10) != k || *end != ':'))
				line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL;
			if (line && *line) {
				end += 2;
				len = strcspn(end, "\n");
				strbuf_puts(sb, ", \"asm\": ");
				strbuf_put_json_string(sb, end, len);
			}
			strbuf_putc(sb, '}');
		}
		strbuf_puts(sb, count ? "\n    ]}" : "]}");
	}
	strbuf_puts(sb, n ? "\n  ]" : "]");
	return 0;
}

int
verb_dump(int argc, char **argv)
{
	static const struct option options[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "native", required_argument, NULL, 'n' },
		{ "save", required_argument, NULL, 's' },
		{ "runtime", required_argument, NULL, 'r' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct ksc_compile_opts copts = { .backend = KSC_BACKEND_DEFAULT };
	const char *profile = NULL, *save = NULL;
	struct ksc_bpf **progs = NULL;
	struct ksc_error *error = NULL;
	size_t n = 0;
	struct strbuf json = { 0 };
	char *end = NULL;
	long pid;
	int c, r, format = 0; /* text, json, yaml */

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", options, NULL)) != -1) {
		switch (c) {
		case 'p':
			profile = optarg;
			break;
		case 'o':
			if (cli_parse_output("dump", optarg, CLI_OUTPUT_TEXT_JSON_YAML, 3,
			                     &format) != 0)
				return EXIT_USAGE;
			if (format == 2 && cli_output_yaml() < 0) /* the json, as YAML */
				return cli_fail(-ENOMEM, NULL, NULL);
			break;
		case 'n':
			if (cli_parse_arch("dump", optarg, &copts.native) != 0)
				return EXIT_USAGE;
			break;
		case 's':
			save = optarg;
			break;
		case 'r':
			if (!streq(optarg, "runc") && !streq(optarg, "crun"))
				return cli_usage_error("dump", "--runtime: runc or crun, not '%s'",
				                       optarg);
			copts.no_enosys_stub = streq(optarg, "crun");
			break;
		case 'h':
			help();
			return 0;
		default:
			return cli_bad_option("dump", argv, c);
		}
	}
	r = cli_one_operand("dump", argc, "PID");
	if (r)
		return r;
	errno = 0;
	pid = strtol(argv[optind], &end, 10);
	if (errno || !end || *end || pid <= 0 || pid > INT32_MAX)
		return cli_usage_error("dump", "'%s' is not a process id", argv[optind]);
	if (copts.native == KSC_ARCH_NONE)
		copts.native = ksc_arch_native();

	r = ksc_process_filters((int)pid, &progs, &n, &error);
	if (r < 0)
		return cli_fail(r, error, NULL);
	/* r: 0, 1 when --profile differs, -1 after a failure was said */
	r = -show_filters(pid, progs, n, save, !profile && !format, !format);
	if (r == 0 && format && json_filters(&json, pid, progs, n) < 0)
		r = -cli_fail(-ENOMEM, NULL, NULL);
	if (r == 0 && profile)
		r = compare_with_profile((int)pid, progs, n, profile, &copts,
		                         format ? &json : NULL);
	/* the document is whole unless something failed: a difference is in it */
	if (format && r >= 0) {
		_cleanup_(freep) char *text = NULL;

		strbuf_puts(&json, "\n}\n");
		if (strbuf_finish(&json, &text, NULL) < 0)
			r = -cli_fail(-ENOMEM, NULL, NULL);
		else
			fputs(text, stdout);
	}
	strbuf_done(&json);
	free_filters(progs, n);
	return r < 0 ? 1 : r;
}
