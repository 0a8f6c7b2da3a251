/* SPDX-License-Identifier: Apache-2.0 */
/* kseccomp profile complain [--runtime R] [--write FILE] PROFILE */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "node/oci.h"

#define COMMAND "profile complain"

static void
help(void)
{
	fputs("Usage: kseccomp profile complain [OPTIONS] PROFILE\n"
	      "\n"
	      "Print the profile in complain mode: every call it denies is logged and allowed\n"
	      "instead (SCMP_ACT_LOG), and every other decision is kept. A denying\n"
	      "defaultAction (SCMP_ACT_ERRNO, _KILL, _KILL_THREAD, _KILL_PROCESS, _TRAP,\n"
	      "_TRACE) becomes SCMP_ACT_LOG, and so does every rule with one, keeping its\n"
	      "names, args and includes/excludes; errnoRet goes with the denial.\n"
	      "SCMP_ACT_ALLOW, SCMP_ACT_LOG and SCMP_ACT_NOTIFY rules stay as they are. The\n"
	      "ENOSYS runc answers for a syscall newer than every one the profile names is\n"
	      "logged too. The flags gain SECCOMP_FILTER_FLAG_LOG, so that the kernel logs\n"
	      "any decision left that does not allow; absent flags, which mean SPEC_ALLOW,\n"
	      "become SPEC_ALLOW and LOG. runc before 1.2 refuses any flags: for it a profile\n"
	      "without flags stays so, with a warning. Calls of an architecture the profile\n"
	      "does not cover are still killed, as runc's filter does.\n"
	      "\n"
	      "The result is checked by its decisions on every syscall and boundary argument\n"
	      "value, as runc enforces both. runc leaves out a rule whose action is the\n"
	      "default action, SCMP_ACT_LOG in complain mode: where a denying rule took\n"
	      "precedence over another rule of its syscall (socket if arg0 == 40 denied, socket\n"
	      "if arg0 != 16 allowed), the rules of that syscall are rewritten from what the\n"
	      "original decides, as rules that do not overlap, with a warning. A profile where\n"
	      "that cannot be done (a template's rules: expand it first with 'profile\n"
	      "default'; SCMP_CMP_MASKED_EQ) is refused with the call where it would differ,\n"
	      "and nothing is written. Warnings also say when complain mode changes no\n"
	      "decision, or only the rules'.\n"
	      "\n"
	      "Options:\n"
	      "      --runtime R      the runtime the profile is for: runc, crun (with their\n"
	      "                       version: runc@1.1.5, crun@1.8) or host (kseccomp run and\n"
	      "                       the local node's host executor). Default: the runc\n"
	      "                       installed here, else the newest runc\n" CLI_DOC_OUTPUT_HELP
	      "  -h, --help           show this help\n",
	      stdout);
}

/* --runtime: whether it takes seccomp flags, and its name for the notes. 0, or a usage
 * error's exit status. */
static int
parse_runtime(const char *arg, struct ksc_complain_opts *opts, char *name, size_t size)
{
	struct kube_oci rt;
	char why[160];
	size_t len = strcspn(arg, "@");

	if (streq(arg, "host")) {
		opts->no_flags = false;
		snprintf(name, size, "kseccomp run");
		return 0;
	}
	if (!((len == 4 && strncmp(arg, "runc", 4) == 0) ||
	      (len == 4 && strncmp(arg, "crun", 4) == 0)))
		return cli_usage_error(COMMAND, "--runtime: runc[@V], crun[@V] or host, not '%s'",
		                       arg);
	if (kube_oci_parse(arg, &rt, why, sizeof(why)) < 0)
		return cli_usage_error(COMMAND, "--runtime: %s", why);
	opts->no_flags = !kube_oci_takes_flags(&rt);
	kube_oci_format(&rt, name, size);
	return 0;
}

int
verb_profile_complain(int argc, char **argv)
{
	enum { OPT_RUNTIME = 256, OPT_WRITE };
	static const struct option options[] = {
		{ "runtime", required_argument, NULL, OPT_RUNTIME },
		{ "output", required_argument, NULL, 'o' },
		{ "output-file", required_argument, NULL, OPT_WRITE },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	_cleanup_(ksc_diags_freep) struct ksc_diags *diags = NULL, *notes = NULL;
	_cleanup_(ksc_profile_freep) struct ksc_profile *profile = NULL, *complain = NULL;
	_cleanup_(freep) char *text = NULL;
	struct ksc_complain_opts opts = { 0 };
	struct ksc_error *error = NULL;
	const char *output = "-", *runtime = NULL, *file;
	enum cli_doc_format format = CLI_DOC_JSON;
	char name[64];
	size_t len = 0;
	int c, r;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", options, NULL)) != -1) {
		switch (c) {
		case OPT_RUNTIME:
			runtime = optarg;
			break;
		case OPT_WRITE:
			if (cli_parse_output_file(COMMAND, optarg, &output) != 0)
				return EXIT_USAGE;
			break;
		case 'o':
			if (cli_parse_doc_format(COMMAND, optarg, &format) != 0)
				return EXIT_USAGE;
			break;
		case 'h':
			help();
			return 0;
		default:
			return cli_bad_option(COMMAND, argv, c);
		}
	}
	r = cli_one_operand(COMMAND, argc, "PROFILE");
	if (r)
		return r;
	file = argv[optind];
	if (runtime) {
		r = parse_runtime(runtime, &opts, name, sizeof(name));
		if (r)
			return r;
	} else {
		/* as kube resolve --oci-runtime: the runc installed here, else the newest */
		struct kube_oci rt;

		if (oci_installed_version(EXECUTOR_RUNC, &rt) < 0)
			rt = KUBE_OCI_RUNC_NEWEST;
		opts.no_flags = !kube_oci_takes_flags(&rt);
		kube_oci_format(&rt, name, sizeof(name));
	}
	opts.runtime = name;

	diags = ksc_diags_new();
	notes = ksc_diags_new();
	if (!diags || !notes)
		return cli_fail(-ENOMEM, NULL, NULL);
	r = ksc_profile_load(file, NULL, &profile, diags, &error);
	if (r < 0)
		return cli_report_invalid(r, diags, error, file);
	r = ksc_profile_complain(profile, &opts, &complain, notes, &error);
	if (r < 0)
		return cli_fail(r, error, file);
	r = ksc_profile_write_json(complain, &text, &len);
	if (r < 0)
		return cli_fail(r, NULL, file);
	cli_print_warnings(notes);
	return cli_write_document(output, format, text, len) < 0 ? 1 : 0;
}
