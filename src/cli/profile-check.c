/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kseccomp profile check PROFILE [--runtime R] [--no-new-privs] [-o text|json]
 * kseccomp profile fix PROFILE [--runtime R] [--no-new-privs] [-o json|yaml] [--output-file FILE]
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>

#include "cli.h"
#include "kube/godecode.h"
#include "kube/startup.h"
#include "node/oci.h"
#include "strbuf.h"

enum { OPT_RUNTIME = 0x100, OPT_NNP, OPT_WRITE };

static const char options_help[] =
        "      --runtime R      runc or crun, with a version (runc@1.1.5, crun@1.8): the\n"
        "                       default is the runc installed here, else the newest\n"
        "      --no-new-privs   the container runs with no_new_privs (Kubernetes:\n"
        "                       allowPrivilegeEscalation: false), where the runtime installs\n"
        "                       the filter last, just before execve; without it, before it\n"
        "                       sets up the user and capabilities\n";

static void
help_check(void)
{
	printf("Usage: kseccomp profile check [OPTIONS] PROFILE\n"
	       "\n"
	       "Say whether a container whose profile is PROFILE starts under an OCI runtime: the\n"
	       "runtime's own checks of the profile, then the calls the runtime itself makes "
	       "after\n"
	       "it has installed the filter and before the workload's first instruction (measured\n"
	       "for runc 1.1 and crun 1.8 on this project's machines, read for runc 1.2 and\n"
	       "later), each decided as the runtime's filter decides it. When one is denied, it\n"
	       "names the calls, the rule or default that denies each, and the error the user\n"
	       "sees: runc's or crun's own words, and containerd's report to the kubelet.\n"
	       "\n"
	       "Options:\n"
	       "%s"
	       "  -o, --output FMT     text (default), json or yaml\n"
	       "  -h, --help           show this help\n"
	       "\n"
	       "Exit status: 0 when the container starts, 1 when it does not (or PROFILE is\n"
	       "invalid), 2 for a usage error.\n",
	       options_help);
}

static void
help_fix(void)
{
	printf("Usage: kseccomp profile fix [OPTIONS] PROFILE\n"
	       "\n"
	       "Write PROFILE with exactly the runtime's own calls it denies and the runtime\n"
	       "cannot do without added (one SCMP_ACT_ALLOW rule, its comment saying why), so "
	       "that\n"
	       "the container starts (see 'kseccomp profile check'). The result is checked again.\n"
	       "A call that a rule of PROFILE denies is not added over it: remove it there.\n"
	       "\n"
	       "Options:\n"
	       "%s" CLI_DOC_OUTPUT_HELP "  -h, --help           show this help\n",
	       options_help);
}

struct check_args {
	struct kube_oci rt;
	bool no_new_privs, json;
	enum cli_doc_format format;
	const char *file, *write;
};

/* -1 to go on, else the exit status. */
static int
parse(const char *command, int argc, char **argv, struct check_args *a, bool fix)
{
	static const struct option options[] = {
		{ "runtime", required_argument, NULL, OPT_RUNTIME },
		{ "no-new-privs", no_argument, NULL, OPT_NNP },
		{ "output", required_argument, NULL, 'o' },
		{ "output-file", required_argument, NULL, OPT_WRITE },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	bool runtime_set = false;
	char why[256];
	int c, format;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", options, NULL)) != -1) {
		switch (c) {
		case OPT_RUNTIME:
			if (kube_oci_parse(optarg, &a->rt, why, sizeof(why)) < 0)
				return cli_usage_error(command, "--runtime: %s", why);
			runtime_set = true;
			break;
		case OPT_NNP:
			a->no_new_privs = true;
			break;
		case 'o':
			if (fix) {
				if (cli_parse_doc_format(command, optarg, &a->format) != 0)
					return EXIT_USAGE;
				break;
			}
			if (cli_parse_output(command, optarg, CLI_OUTPUT_TEXT_JSON_YAML, 3,
			                     &format) != 0)
				return EXIT_USAGE;
			if (format == 2) { /* yaml: the json, written as YAML */
				format = 1;
				if (cli_output_yaml() < 0)
					return cli_fail(-ENOMEM, NULL, NULL);
			}
			a->json = format == 1;
			break;
		case OPT_WRITE:
			if (!fix)
				return cli_bad_option(command, argv, '?');
			if (cli_parse_output_file(command, optarg, &a->write) != 0)
				return EXIT_USAGE;
			break;
		case 'h':
			fix ? help_fix() : help_check();
			return 0;
		default:
			return cli_bad_option(command, argv, c);
		}
	}
	if (cli_one_operand(command, argc, "PROFILE") != 0)
		return EXIT_USAGE;
	a->file = argv[optind];
	/* as kube resolve --oci-runtime: the runc installed here, else the newest */
	if (!runtime_set && oci_installed_version(EXECUTOR_RUNC, &a->rt) < 0)
		a->rt = KUBE_OCI_RUNC_NEWEST;
	return -1;
}

/* The profile the runtime enforces, after containerd's decoding and the runtime's own checks:
 * 0 with *ret_profile (NULL: the runtime runs no filter at all), 1 with *ret_refusal (the
 * runtime's words), or the exit status of a failure (reported). */
static int
as_runtime_takes_it(const struct check_args *a, struct ksc_profile **ret_profile,
                    char **ret_refusal)
{
	_cleanup_(ksc_diags_freep) struct ksc_diags *diags = ksc_diags_new();
	_cleanup_(ksc_error_freep) struct ksc_error *error = NULL;
	_cleanup_(ksc_profile_freep) struct ksc_profile *p = NULL;
	_cleanup_(freep) char *text = NULL, *spec = NULL, *message = NULL;
	struct kube_oci_result res = { 0 };
	size_t len = 0;
	int r;

	if (!diags)
		return cli_fail(-ENOMEM, NULL, NULL);
	r = ksc_profile_load_text(a->file, NULL, &p, &text, &len, diags, &error);
	if (r < 0)
		return cli_report_invalid(r, diags, TAKE_PTR(error), a->file);
	r = go_seccomp_decode(text, len, &spec, &message);
	if (r == 0)
		r = kube_oci_seccomp(&a->rt, spec, a->no_new_privs, &res);
	if (r < 0)
		return cli_fail(r, NULL, a->file);
	if (res.error) {
		*ret_refusal = TAKE_PTR(res.error);
		kube_oci_result_done(&res);
		return 1;
	}
	*ret_profile = NULL;
	if (!res.no_seccomp)
		r = ksc_profile_parse(a->file, res.enforced, strlen(res.enforced), NULL,
		                      ret_profile, NULL, &error);
	kube_oci_result_done(&res);
	if (r < 0)
		return cli_fail(r, TAKE_PTR(error), a->file);
	return 0;
}

static void
print_denials(const struct kube_startup *s)
{
	printf("  %-16s %-14s %-24s %s\n", "CALL", "ACTION", "BY", "THE RUNTIME");
	for (size_t i = 0; i < s->n_denials; i++) {
		const struct kube_startup_denial *d = &s->denials[i];
		char action[32];

		ksc_ret_format(d->ret, action, sizeof(action));
		printf("  %-16s %-14s %-24s %s%s\n", d->call, action, d->by,
		       d->fatal ? "fails" : "carries on", d->sometimes ? " (in some starts)" : "");
	}
}

static void
print_json(const struct check_args *a, const struct kube_startup *s, const char *refusal,
           bool no_filter)
{
	struct strbuf sb = { 0 };
	_cleanup_(freep) char *text = NULL, *ctd = s ? kube_startup_containerd_message(s) : NULL;
	char name[64];

	kube_oci_format(&a->rt, name, sizeof(name));
	strbuf_puts(&sb, "{\"profile\": ");
	strbuf_put_json_str(&sb, a->file);
	strbuf_printf(&sb, ", \"runtime\": \"%s\", \"noNewPrivs\": %s, \"starts\": %s", name,
	              a->no_new_privs ? "true" : "false",
	              refusal || (s && !s->starts) ? "false" : "true");
	if (no_filter)
		strbuf_puts(&sb, ", \"noFilter\": true");
	if (refusal) {
		strbuf_puts(&sb, ", \"refusal\": ");
		strbuf_put_json_str(&sb, refusal);
	}
	if (s) {
		strbuf_puts(&sb, ", \"source\": ");
		strbuf_put_json_str(&sb, s->source);
		strbuf_printf(&sb, ", \"calls\": %zu, \"denied\": [", s->n_calls);
		for (size_t i = 0; i < s->n_denials; i++) {
			const struct kube_startup_denial *d = &s->denials[i];
			char action[32];

			ksc_ret_format(d->ret, action, sizeof(action));
			strbuf_printf(&sb, "%s{\"call\": \"%s\", \"action\": \"%s\", \"by\": ",
			              i ? ", " : "", d->call, action);
			strbuf_put_json_str(&sb, d->by);
			strbuf_printf(&sb, ", \"fatal\": %s, \"sometimes\": %s}",
			              d->fatal ? "true" : "false", d->sometimes ? "true" : "false");
		}
		strbuf_puts(&sb, "]");
		if (s->message) {
			strbuf_puts(&sb, ", \"error\": ");
			strbuf_put_json_str(&sb, s->message);
			if (s->detail) {
				strbuf_puts(&sb, ", \"containerdError\": ");
				strbuf_put_json_str(&sb, s->detail);
			}
			strbuf_printf(&sb, ", \"exitCode\": %d, \"silent\": %s, \"containerd\": ",
			              s->exit_code, s->silent ? "true" : "false");
			strbuf_put_json_str(&sb, ctd);
		}
	}
	strbuf_puts(&sb, "}\n");
	if (strbuf_finish(&sb, &text, NULL) == 0)
		fputs(text, stdout);
}

static void
print_text(const struct check_args *a, const struct kube_startup *s, const char *refusal,
           bool no_filter)
{
	_cleanup_(freep) char *ctd = s ? kube_startup_containerd_message(s) : NULL;
	char name[96];

	kube_oci_format(&a->rt, name, sizeof(name));
	snprintf(name + strlen(name), sizeof(name) - strlen(name), " %s no_new_privs",
	         a->no_new_privs ? "with" : "without");
	if (refusal) {
		printf("%s: %s refuses it: the container does not start\n  %s\n",
		       cli_escape(a->file), name, cli_escape(refusal));
		return;
	}
	if (no_filter) {
		printf("%s: %s starts the container with no filter at all\n", cli_escape(a->file),
		       name);
		return;
	}
	if (s->starts)
		printf("%s: %s: the container starts (%zu of the runtime's calls after the filter "
		       "checked%s)\n",
		       cli_escape(a->file), name, s->n_calls,
		       s->n_denials ? "; it carries on past the denied ones below" : "");
	else
		printf("%s: %s: the container does not start\n  %s\n  containerd: %s\n",
		       cli_escape(a->file), name, cli_escape(s->message), cli_escape(ctd));
	if (s->n_denials) {
		printf("The runtime's own calls after it installs the filter that the profile "
		       "denies (%s):\n",
		       s->source);
		print_denials(s);
	}
	if (!s->starts && !a->no_new_privs)
		printf("With no_new_privs (allowPrivilegeEscalation: false) the runtime installs "
		       "the filter last: see --no-new-privs. 'kseccomp profile fix' adds the "
		       "calls.\n");
	else if (!s->starts)
		printf("'kseccomp profile fix' adds the calls.\n");
}

/* Load, take as the runtime does and check: 0 with *ret filled (*ret_refusal or
 * *ret_no_filter instead when so), else the exit status of a failure (reported). */
static int
check(const struct check_args *a, struct kube_startup *ret, char **ret_refusal, bool *ret_no_filter,
      struct ksc_profile **ret_profile)
{
	_cleanup_(ksc_error_freep) struct ksc_error *error = NULL;
	struct ksc_profile *p = NULL;
	int r = as_runtime_takes_it(a, &p, ret_refusal);

	if (r == 1)
		return 0;
	if (r != 0)
		return r;
	*ret_no_filter = !p;
	if (!p)
		return 0;
	r = kube_startup_check(p, &a->rt, a->no_new_privs, ret, &error);
	if (r < 0) {
		ksc_profile_free(p);
		return cli_fail(r, TAKE_PTR(error), a->file);
	}
	if (ret_profile)
		*ret_profile = p;
	else
		ksc_profile_free(p);
	return 0;
}

int
verb_profile_check(int argc, char **argv)
{
	struct check_args a = { 0 };
	struct kube_startup s = { 0 };
	_cleanup_(freep) char *refusal = NULL;
	bool no_filter = false;
	int r = parse("profile check", argc, argv, &a, false);

	if (r >= 0)
		return r;
	r = check(&a, &s, &refusal, &no_filter, NULL);
	if (r != 0)
		return r;
	if (a.json)
		print_json(&a, refusal || no_filter ? NULL : &s, refusal, no_filter);
	else
		print_text(&a, &s, refusal, no_filter);
	r = refusal || (!no_filter && !s.starts) ? 1 : 0;
	kube_startup_done(&s);
	return r;
}

int
verb_profile_fix(int argc, char **argv)
{
	_cleanup_(ksc_profile_freep) struct ksc_profile *p = NULL, *fixed = NULL;
	_cleanup_(ksc_error_freep) struct ksc_error *error = NULL;
	_cleanup_(freep) char *refusal = NULL, *json = NULL;
	struct check_args a = { 0 };
	struct kube_startup s = { 0 }, again = { 0 };
	bool no_filter = false;
	size_t len = 0;
	int r = parse("profile fix", argc, argv, &a, true);

	if (r >= 0)
		return r;
	r = check(&a, &s, &refusal, &no_filter, &p);
	if (r != 0)
		return r;
	if (refusal) {
		cli_error("%s: the runtime refuses the profile itself: %s", a.file, refusal);
		return 1;
	}
	if (no_filter) {
		cli_error("%s: the runtime runs it with no filter at all: nothing to fix", a.file);
		return 1;
	}
	r = kube_startup_fix(p, &s, &fixed, &json, &len, &error);
	kube_startup_done(&s);
	if (r < 0)
		return cli_fail(r, TAKE_PTR(error), a.file);
	r = kube_startup_check(fixed, &a.rt, a.no_new_privs, &again, &error);
	if (r < 0)
		return cli_fail(r, TAKE_PTR(error), a.file);
	if (!again.starts) {
		cli_error(
		        "%s: even with the runtime's calls added the container does not start: %s",
		        a.file, again.message);
		kube_startup_done(&again);
		return 1;
	}
	kube_startup_done(&again);
	return cli_write_document(a.write ? a.write : "-", a.format, json, len) < 0 ? 1 : 0;
}
