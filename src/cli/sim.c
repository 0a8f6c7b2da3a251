/* SPDX-License-Identifier: Apache-2.0 */
/* kseccomp sim [--arch A] [--native A] PROFILE|PROGRAM SYSCALL [ARG0..ARG5] */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>

#include "cli.h"
#include "strbuf.h"

static void
help(void)
{
	fputs("Usage: kseccomp sim [OPTIONS] PROFILE|PROGRAM SYSCALL [ARG0 ... ARG5]\n"
	      "\n"
	      "What happens to a syscall under a profile (compiled as runc compiles it) or a\n"
	      "BPF program, without running anything: the program is run on the seccomp_data\n"
	      "the kernel would build, by an interpreter that matches the kernel's. The first\n"
	      "line is the action in libseccomp's notation: ALLOW, ERRNO(n), KILL_PROCESS,\n"
	      "KILL (the thread), TRAP, TRACE(n), LOG or NOTIFY. For a profile, a second line\n"
	      "says what decided it (and a third when runc's program decides otherwise).\n"
	      "\n"
	      "SYSCALL is a name (resolved on --arch) or a number; arguments are decimal, 0x\n"
	      "hexadecimal or negative (two's complement, as the kernel sees -1). A socket or\n"
	      "IPC call that the arch only reaches through socketcall(2) or ipc(2) (accept on\n"
	      "x86) is simulated as that multiplexer with the call number in arg0.\n"
	      "\n"
	      "Options:\n"
	      "      --arch ARCH      the ABI of the call (default: this machine's)\n"
	      "      --native ARCH    the host a profile is compiled for (default: this\n"
	      "                       machine's)\n"
	      "      --backend NAME   the compiler of a profile: native (the default) or\n"
	      "                       libseccomp\n"
	      "  -o, --output FORMAT  text (the default), json or yaml: the action, its\n"
	      "                       value (ret) and data (the errno of ERRNO, TRACE's\n"
	      "                       number), the arch, number and arguments simulated, and\n"
	      "                       what decided it (decidedBy: kind, rule, text)\n"
	      "  -h, --help           show this help\n",
	      stdout);
}

static int
parse_u64(const char *s, uint64_t *ret)
{
	char *end = NULL;

	errno = 0;
	if (*s == '-') {
		long long v = strtoll(s, &end, 0);

		if (errno || !end || *end)
			return -EINVAL;
		*ret = (uint64_t)v;
		return 0;
	}
	*ret = strtoull(s, &end, 0);
	if (errno || !end || *end || !*s)
		return -EINVAL;
	return 0;
}

/* Whether the filter compiled from p with opts covers arch. */
static bool
covers(const struct ksc_profile *p, const struct ksc_compile_opts *opts, enum ksc_arch arch)
{
	enum ksc_arch arches[_KSC_ARCH_MAX];
	size_t n = ksc_compile_arches(p, opts, arches, ELEMENTSOF(arches));

	for (size_t i = 0; i < n; i++)
		if (arches[i] == arch)
			return true;
	return false;
}

/* What sim found, for the text and the JSON. */
struct sim_result {
	uint32_t ret;
	struct ksc_decision dec; /* a profile's: what decided it */
	const char *by_kind;     /* rule, default, stub, bad-arch, merge; NULL for a program */
	struct strbuf by;        /* a profile's: the "decided by" text */
	struct strbuf warning;   /* runc's program decides otherwise: why */
};

/* What decided the result, for a profile: a rule, the default, the ENOSYS stub, the arch. */
static int
explain(const struct ksc_filter *filter, const struct ksc_profile *p,
        const struct ksc_compile_opts *opts, const char *file, enum ksc_arch arch,
        const struct ksc_seccomp_data *data, uint32_t runc_ret, struct sim_result *res)
{
	const char *name = ksc_syscall_name(arch, (uint32_t)data->nr);
	enum ksc_arch twin = arch == KSC_ARCH_X32 ? KSC_ARCH_X86_64 : KSC_ARCH_X32;
	struct ksc_decision dec;
	struct strbuf *sb = &res->by;
	char want[32], got[32];

	(void)ksc_filter_decide(filter, data, &dec);
	res->dec = dec;
	switch (dec.by) {
	case KSC_DECIDED_BY_BAD_ARCH:
		res->by_kind = "bad-arch";
		/* x86_64 and x32 share AUDIT_ARCH_X86_64: say so only when the filter has the
		 * other one (an x86 or aarch64 filter covers neither) */
		if ((arch == KSC_ARCH_X32 || arch == KSC_ARCH_X86_64) && covers(p, opts, twin))
			strbuf_printf(sb,
			              "the bad-arch action: the filter covers %s but not %s "
			              "(they share AUDIT_ARCH_X86_64; bit 30 of the number tells "
			              "them apart)",
			              ksc_arch_name(twin), ksc_arch_name(arch));
		else
			strbuf_printf(sb,
			              "the bad-arch action: %s is not an architecture of the "
			              "filter",
			              ksc_arch_name(arch));
		break;
	case KSC_DECIDED_BY_STUB:
		res->by_kind = "stub";
		strbuf_printf(sb,
		              "runc's ENOSYS stub: %" PRIu32 " is above the largest number "
		              "libseccomp resolves for the profile's names on %s",
		              (uint32_t)data->nr, ksc_arch_name(dec.arch));
		break;
	case KSC_DECIDED_BY_RULE: {
		const struct ksc_rule *rule =
		        dec.rule < ksc_profile_rule_count(p) ? ksc_profile_rule(p, dec.rule) : NULL;
		_cleanup_(freep) char *cond = NULL;
		int r;

		res->by_kind = rule ? "rule" : "merge";
		if (!rule) {
			strbuf_printf(sb,
			              "libseccomp's merge of the rules for %s (see 'kseccomp "
			              "compile -o asm %s')",
			              name ? name : "this number", file);
			break;
		}
		r = dec.split_arg >= 0 ? ksc_rule_arg_text(rule, (size_t)dec.split_arg, &cond)
		                       : ksc_rule_condition_text(rule, &cond);
		if (r < 0)
			return r;
		if (dec.split_arg >= 0)
			strbuf_printf(sb, "syscalls[%zu].args[%d] (%s %s if %s)", dec.rule,
			              dec.split_arg, ksc_action_name(ksc_rule_action(rule)),
			              dec.name, cond);
		else
			strbuf_printf(sb, "syscalls[%zu] (%s %s%s%s)", dec.rule,
			              ksc_action_name(ksc_rule_action(rule)), dec.name,
			              *cond ? " if " : "", cond);
		if (dec.multiplexed)
			strbuf_printf(sb, " through %s", name ? name : "its multiplexer");
		break;
	}
	case KSC_DECIDED_BY_DEFAULT:
	default:
		res->by_kind = "default";
		if (dec.nr_not_loaded)
			strbuf_printf(sb,
			              "defaultAction %s: libseccomp %s built the %s section "
			              "without loading the syscall number (its first syscall is a "
			              "name %s lacks), so no rule can match there",
			              ksc_action_name(ksc_profile_default_action(p)),
			              ksc_libseccomp_version(), ksc_arch_name(dec.arch),
			              ksc_arch_name(dec.arch));
		else
			strbuf_printf(sb, "defaultAction %s (no rule for %s matches)",
			              ksc_action_name(ksc_profile_default_action(p)),
			              name ? name : "this number");
		break;
	}
	if (dec.ret != runc_ret) {
		ksc_ret_format(dec.ret, want, sizeof(want));
		ksc_ret_format(runc_ret, got, sizeof(got));
		strbuf_printf(&res->warning,
		              "the rules say %s, but libseccomp %s compiled them into a program "
		              "that returns %s here (it compares a stale argument word); runc "
		              "enforces the program",
		              want, ksc_libseccomp_version(), got);
	}
	return 0;
}

/* -o json: the result as one object (printed as YAML with -o yaml). */
static int
print_json(const struct sim_result *res, enum ksc_arch arch, const struct ksc_seccomp_data *data)
{
	const char *name = ksc_syscall_name(arch, (uint32_t)data->nr);
	uint32_t action = res->ret & KSC_RET_ACTION_FULL, value = res->ret & KSC_RET_DATA;
	struct strbuf sb = { 0 };
	_cleanup_(freep) char *text = NULL;
	char notation[32];

	ksc_ret_format(res->ret, notation, sizeof(notation));
	strbuf_printf(&sb, "{\n  \"action\": \"%s\",\n  \"ret\": %" PRIu32, notation, res->ret);
	if (action == KSC_RET_ERRNO || action == KSC_RET_TRACE)
		strbuf_printf(&sb, ",\n  \"data\": %" PRIu32, value);
	if (action == KSC_RET_ERRNO && ksc_errno_name(value))
		strbuf_printf(&sb, ",\n  \"errno\": \"%s\"", ksc_errno_name(value));
	strbuf_printf(&sb, ",\n  \"arch\": \"%s\",\n  \"nr\": %" PRIu32 ",\n  \"syscall\": ",
	              ksc_arch_name(arch), (uint32_t)data->nr);
	if (name)
		strbuf_put_json_str(&sb, name);
	else
		strbuf_puts(&sb, "null");
	strbuf_puts(&sb, ",\n  \"args\": [");
	for (size_t i = 0; i < 6; i++)
		strbuf_printf(&sb, "%s%" PRIu64, i ? ", " : "", data->args[i]);
	strbuf_puts(&sb, "],\n  \"decidedBy\": ");
	if (res->by_kind) {
		strbuf_printf(&sb, "{\"kind\": \"%s\"", res->by_kind);
		if (streq(res->by_kind, "rule")) {
			strbuf_printf(&sb, ", \"rule\": %zu", res->dec.rule);
			if (res->dec.split_arg >= 0)
				strbuf_printf(&sb, ", \"arg\": %d", res->dec.split_arg);
			strbuf_puts(&sb, ", \"name\": ");
			strbuf_put_json_str(&sb, res->dec.name);
			strbuf_printf(&sb, ", \"multiplexed\": %s",
			              res->dec.multiplexed ? "true" : "false");
		}
		strbuf_puts(&sb, ", \"text\": ");
		strbuf_put_json_str(&sb, res->by.buf);
		strbuf_putc(&sb, '}');
	} else
		strbuf_puts(&sb, "null");
	if (res->warning.len) {
		strbuf_puts(&sb, ",\n  \"warning\": ");
		strbuf_put_json_str(&sb, res->warning.buf);
	}
	strbuf_puts(&sb, "\n}\n");
	if (strbuf_finish(&sb, &text, NULL) < 0)
		return -ENOMEM;
	fputs(text, stdout);
	return 0;
}

/* The text: the action, what decided it, the warning. 0 or -ENOMEM. */
static int
print_text(const struct sim_result *res)
{
	char action[32];

	if (res->by.oom || res->warning.oom)
		return -ENOMEM;
	ksc_ret_format(res->ret, action, sizeof(action));
	printf("%s\n", action);
	if (res->by_kind)
		printf("decided by: %s\n", cli_escape(res->by.buf));
	if (res->warning.len)
		printf("warning: %s\n", cli_escape(res->warning.buf));
	return 0;
}

/* SYSCALL and its arguments (argv[0] is SYSCALL) into data: 0 or a usage error's status. */
static int
parse_call(enum ksc_arch arch, int argc, char **argv, struct ksc_seccomp_data *data)
{
	const char *sysarg = argv[0];
	uint32_t nr, mux, call;
	int first_arg = 0;

	data->arch = ksc_arch_audit_token(arch);
	if (ksc_syscall_resolve_name(arch, sysarg, &nr) == 0) {
		data->nr = (int32_t)nr;
	} else if (ksc_syscall_multiplexed(arch, sysarg, &mux, &call) > 0) {
		data->nr = (int32_t)mux;
		data->args[0] = call;
		first_arg = 1;
		fprintf(stderr,
		        "kseccomp: note: %s reaches %s only through %s (call %" PRIu32 ")\n",
		        ksc_arch_name(arch), sysarg, ksc_syscall_name(arch, mux), call);
	} else {
		uint64_t v;

		if (parse_u64(sysarg, &v) < 0 || v > UINT32_MAX)
			return cli_usage_error("sim", "'%s' is not a syscall on %s", sysarg,
			                       ksc_arch_name(arch));
		data->nr = (int32_t)(uint32_t)v;
	}
	for (int i = 1; i < argc; i++) {
		if (first_arg + i - 1 >= 6)
			return cli_usage_error("sim", "at most %d arguments for %s", 6 - first_arg,
			                       sysarg);
		if (parse_u64(argv[i], &data->args[first_arg + i - 1]) < 0)
			return cli_usage_error("sim", "'%s' is not a number", argv[i]);
	}
	return 0;
}

int
verb_sim(int argc, char **argv)
{
	static const struct option options[] = {
		{ "arch", required_argument, NULL, 'a' },
		{ "native", required_argument, NULL, 'n' },
		{ "backend", required_argument, NULL, 'b' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct ksc_compile_opts copts = { .backend = KSC_BACKEND_DEFAULT };
	struct ksc_seccomp_data data = { 0 };
	enum ksc_arch arch = KSC_ARCH_NONE;
	_cleanup_(ksc_profile_freep) struct ksc_profile *profile = NULL;
	_cleanup_(ksc_filter_freep) struct ksc_filter *filter = NULL;
	_cleanup_(ksc_bpf_freep) struct ksc_bpf *prog = NULL;
	_cleanup_(ksc_diags_freep) struct ksc_diags *diags = NULL;
	struct ksc_profile_parse_opts popts = { 0 };
	struct sim_result res = { 0 };
	struct ksc_error *error = NULL;
	const char *file;
	uint32_t runc_ret;
	int c, r, format = 0; /* text, json, yaml */

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:o:h", options, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (cli_parse_arch("sim", optarg, &arch) != 0)
				return EXIT_USAGE;
			break;
		case 'n':
			if (cli_parse_arch("sim", optarg, &copts.native) != 0)
				return EXIT_USAGE;
			break;
		case 'b':
			r = cli_parse_backend("sim", optarg, &copts.backend);
			if (r)
				return r;
			break;
		case 'o':
			if (cli_parse_output("sim", optarg, CLI_OUTPUT_TEXT_JSON_YAML, 3,
			                     &format) != 0)
				return EXIT_USAGE;
			if (format == 2 && cli_output_yaml() < 0) /* the json, as YAML */
				return cli_fail(-ENOMEM, NULL, NULL);
			break;
		case 'h':
			help();
			return 0;
		default:
			return cli_bad_option("sim", argv, c);
		}
	}
	if (argc - optind < 2)
		return cli_usage_error("sim", "missing %s",
		                       optind >= argc ? "PROFILE|PROGRAM" : "SYSCALL");
	if (argc - optind > 8)
		return cli_usage_error("sim", "at most 6 arguments");
	file = argv[optind];
	if (copts.native == KSC_ARCH_NONE)
		copts.native = ksc_arch_native();
	if (arch == KSC_ARCH_NONE)
		arch = copts.native;
	r = parse_call(arch, argc - optind - 1, argv + optind + 1, &data);
	if (r)
		return r;

	/* A profile is text (JSON or YAML, whatever it starts with: the parser says what is
	 * wrong with it), a program is binary (its opcodes leave zero bytes; ksc_bpf_parse()
	 * says what is wrong with any other bytes); '-' works for both. */
	diags = ksc_diags_new();
	if (!diags)
		return cli_fail(-ENOMEM, NULL, NULL);
	popts.native_arch = copts.native;
	r = ksc_profile_or_bpf_load(file, &popts, &profile, &prog, diags, &error);
	if (r < 0)
		return cli_report_invalid(r, diags, error, file);
	if (profile) {
		r = ksc_profile_compile(profile, &copts, &prog, NULL, &error);
		if (r < 0)
			return cli_fail(r, error, file);
		r = ksc_filter_new(profile, &copts, &filter, NULL, &error);
		if (r < 0)
			return cli_fail(r, error, file);
	} else {
		_cleanup_(ksc_error_freep) struct ksc_error *refusal = NULL;

		if (ksc_bpf_check(prog, &refusal) < 0) {
			cli_error("%s: the kernel would refuse this program: %s", file,
			          ksc_error_message(refusal));
			return 1;
		}
	}
	res.ret = runc_ret = ksc_bpf_run(prog, &data);
	/* what runc's program (libseccomp's) does here, for the warning where it errs */
	if (profile && copts.backend != KSC_BACKEND_LIBSECCOMP) {
		struct ksc_compile_opts lopts = copts;
		_cleanup_(ksc_bpf_freep) struct ksc_bpf *lib = NULL;

		lopts.backend = KSC_BACKEND_LIBSECCOMP;
		if (ksc_profile_compile(profile, &lopts, &lib, NULL, NULL) == 0)
			runc_ret = ksc_bpf_run(lib, &data);
	}
	r = profile ? explain(filter, profile, &copts, file, arch, &data, runc_ret, &res) : 0;
	if (r == 0)
		r = format ? print_json(&res, arch, &data) : print_text(&res);
	strbuf_done(&res.by);
	strbuf_done(&res.warning);
	return r < 0 ? cli_fail(r, NULL, file) : 0;
}
