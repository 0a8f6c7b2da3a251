/* SPDX-License-Identifier: Apache-2.0 */
/* kseccomp profile show [--arch A] [-o text|json] FILE */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>

#include "cli.h"
#include "strbuf.h"

static void
help(void)
{
	fputs("Usage: kseccomp profile show [OPTIONS] FILE\n"
	      "\n"
	      "Summarise a profile: its default action, the architectures it filters (those\n"
	      "listed and, for the host, those it really applies to), its flags, how many\n"
	      "syscalls each action gets, and every conditional rule in words. Argument\n"
	      "comparisons on the same index are shown joined by '||': runc and crun split\n"
	      "them into separate rules, so they are alternatives, not a range.\n"
	      "\n"
	      "Options:\n"
	      "      --arch ARCH      the host architecture (default: this machine's)\n"
	      "  -o, --output FORMAT  text (default), json or yaml\n"
	      "  -h, --help           show this help\n",
	      stdout);
}

/* An action with its errno, "SCMP_ACT_ERRNO(38 ENOSYS)". */
static void
put_action(struct strbuf *sb, enum ksc_action action, int64_t errnum)
{
	strbuf_puts(sb, ksc_action_name(action));
	if (action != KSC_ACT_ERRNO && action != KSC_ACT_TRACE)
		return;
	if (errnum < 0)
		errnum = 1; /* runtimes default to EPERM */
	if (action == KSC_ACT_ERRNO && ksc_errno_name((uint32_t)errnum))
		strbuf_printf(sb, "(%" PRId64 " %s)", errnum, ksc_errno_name((uint32_t)errnum));
	else
		strbuf_printf(sb, "(%" PRId64 ")", errnum);
}

/* The flags in a mask, comma-separated, each in quotes for JSON. */
static void
put_flags(struct strbuf *sb, unsigned flags, bool json)
{
	bool first = true;

	for (unsigned bit = 0; bit < 4; bit++)
		if (flags & (1u << bit)) {
			const char *name = ksc_flag_name((enum ksc_filter_flag)(1u << bit));

			strbuf_printf(sb, json ? "%s\"%s\"" : "%s%s", first ? "" : ", ", name);
			first = false;
		}
}

static void
put_names(struct strbuf *sb, const struct ksc_rule *rule, bool json)
{
	for (size_t k = 0; k < ksc_rule_name_count(rule); k++) {
		const char *name = ksc_rule_name(rule, k);

		if (k)
			strbuf_puts(sb, json ? ", " : ",");
		if (json)
			strbuf_put_json_str(sb, name);
		else
			strbuf_puts(sb, name);
	}
}

static int
show_text(const char *file, const struct ksc_profile *p, enum ksc_arch native, struct strbuf *sb)
{
	_cleanup_(freep) struct ksc_action_count *groups = NULL;
	enum ksc_arch targets[_KSC_ARCH_MAX];
	size_t n_groups = 0, n_targets, n_rules = ksc_profile_rule_count(p), n_names = 0,
	       n_conditional = 0;
	unsigned flags;
	bool flags_present;
	char label[32];
	int r;

	strbuf_printf(sb, "File:            %s\n", cli_escape(file));
	strbuf_puts(sb, "Default action:  ");
	put_action(sb, ksc_profile_default_action(p), ksc_profile_default_errno(p));
	strbuf_putc(sb, '\n');

	strbuf_puts(sb, "Architectures:   ");
	if (ksc_profile_arch_count(p) > 0) {
		for (size_t i = 0; i < ksc_profile_arch_count(p); i++)
			strbuf_printf(sb, "%s%s", i ? ", " : "",
			              ksc_arch_oci_name(ksc_profile_arch(p, i)));
		strbuf_putc(sb, '\n');
	} else if (ksc_profile_has_arch_map(p))
		strbuf_puts(sb, "archMap (a Docker extension: Docker, Podman and CRI-O use the "
		                "host's entry, below; runc, crun and containerd ignore it and "
		                "filter the native arch only)\n");
	else
		strbuf_puts(sb, "none listed (runtimes filter the native arch only)\n");
	n_targets = ksc_profile_target_arches(p, native, targets, ELEMENTSOF(targets));
	snprintf(label, sizeof(label), "On %s:", ksc_arch_name(native));
	strbuf_printf(sb, "%-17s", label);
	for (size_t i = 0; i < n_targets; i++)
		strbuf_printf(sb, "%s%s", i ? ", " : "", ksc_arch_name(targets[i]));
	strbuf_puts(sb, " (others get the bad-arch action)\n");

	flags = ksc_profile_flags(p, &flags_present);
	strbuf_puts(sb, "Flags:           ");
	if (!flags_present)
		strbuf_puts(sb, "none listed (runtimes add SECCOMP_FILTER_FLAG_SPEC_ALLOW where "
		                "the kernel supports it)\n");
	else if (flags == 0)
		strbuf_puts(sb, "none (an empty list: no SPEC_ALLOW)\n");
	else {
		put_flags(sb, flags, false);
		strbuf_putc(sb, '\n');
	}
	if (ksc_profile_listener_path(p)) {
		strbuf_printf(sb, "Listener:        %s", cli_escape(ksc_profile_listener_path(p)));
		if (ksc_profile_listener_metadata(p))
			strbuf_printf(sb, " (metadata \"%s\")",
			              cli_escape(ksc_profile_listener_metadata(p)));
		strbuf_putc(sb, '\n');
	}
	for (size_t i = 0; i < n_rules; i++)
		n_names += ksc_rule_name_count(ksc_profile_rule(p, i));
	strbuf_printf(sb, "Rules:           %zu (%zu syscall names)\n", n_rules, n_names);

	r = ksc_profile_count_actions(p, &groups, &n_groups);
	if (r < 0)
		return r;
	strbuf_puts(sb, "\nSyscalls per action (unconditional rules):\n");
	if (n_groups == 0)
		strbuf_puts(sb, "  none\n");
	for (size_t g = 0; g < n_groups; g++) {
		struct strbuf a = { 0 };

		put_action(&a, groups[g].action, groups[g].errnum);
		strbuf_printf(sb, "  %-28s %4zu\n", a.buf ? a.buf : "", groups[g].names);
		strbuf_done(&a);
	}

	strbuf_puts(sb, "\nConditional rules:\n");
	for (size_t i = 0; i < n_rules; i++) {
		const struct ksc_rule *rule = ksc_profile_rule(p, i);
		_cleanup_(freep) char *cond = NULL;
		char where[32];

		if (ksc_rule_arg_count(rule) == 0 && !ksc_rule_is_conditional(rule))
			continue;
		r = ksc_rule_condition_text(rule, &cond);
		if (r < 0)
			return r;
		snprintf(where, sizeof(where), "syscalls[%zu]", i);
		strbuf_printf(sb, "  %-14s ", where);
		put_action(sb, ksc_rule_action(rule), ksc_rule_errno(rule));
		strbuf_puts(sb, " ");
		put_names(sb, rule, false);
		strbuf_printf(sb, " if %s\n", cond);
		n_conditional++;
	}
	if (n_conditional == 0)
		strbuf_puts(sb, "  none\n");
	return 0;
}

static int
show_json(const char *file, const struct ksc_profile *p, enum ksc_arch native, struct strbuf *sb)
{
	_cleanup_(freep) struct ksc_action_count *groups = NULL;
	enum ksc_arch targets[_KSC_ARCH_MAX];
	size_t n_groups = 0, n_targets, n_rules = ksc_profile_rule_count(p);
	unsigned flags;
	bool flags_present, first = true;
	int r;

	strbuf_puts(sb, "{\n  \"file\": ");
	strbuf_put_json_str(sb, file);
	strbuf_printf(sb, ",\n  \"defaultAction\": \"%s\"",
	              ksc_action_name(ksc_profile_default_action(p)));
	if (ksc_profile_default_errno(p) >= 0)
		strbuf_printf(sb, ",\n  \"defaultErrnoRet\": %" PRId64,
		              ksc_profile_default_errno(p));
	strbuf_puts(sb, ",\n  \"architectures\": [");
	for (size_t i = 0; i < ksc_profile_arch_count(p); i++)
		strbuf_printf(sb, "%s\"%s\"", i ? ", " : "",
		              ksc_arch_oci_name(ksc_profile_arch(p, i)));
	strbuf_printf(sb, "],\n  \"archMap\": %s", ksc_profile_has_arch_map(p) ? "true" : "false");
	n_targets = ksc_profile_target_arches(p, native, targets, ELEMENTSOF(targets));
	strbuf_printf(sb, ",\n  \"host\": \"%s\",\n  \"targetArches\": [", ksc_arch_name(native));
	for (size_t i = 0; i < n_targets; i++)
		strbuf_printf(sb, "%s\"%s\"", i ? ", " : "", ksc_arch_name(targets[i]));
	flags = ksc_profile_flags(p, &flags_present);
	strbuf_puts(sb, "],\n  \"flags\": ");
	if (!flags_present)
		strbuf_puts(sb, "null");
	else {
		strbuf_puts(sb, "[");
		put_flags(sb, flags, true);
		strbuf_puts(sb, "]");
	}
	if (ksc_profile_listener_path(p)) {
		strbuf_puts(sb, ",\n  \"listenerPath\": ");
		strbuf_put_json_str(sb, ksc_profile_listener_path(p));
	}
	strbuf_printf(sb, ",\n  \"rules\": %zu", n_rules);

	r = ksc_profile_count_actions(p, &groups, &n_groups);
	if (r < 0)
		return r;
	strbuf_puts(sb, ",\n  \"actions\": [");
	for (size_t g = 0; g < n_groups; g++) {
		strbuf_printf(sb, "%s\n    {\"action\": \"%s\"", g ? "," : "",
		              ksc_action_name(groups[g].action));
		if (groups[g].errnum >= 0)
			strbuf_printf(sb, ", \"errnoRet\": %" PRId64, groups[g].errnum);
		strbuf_printf(sb, ", \"syscalls\": %zu, \"rules\": %zu}", groups[g].names,
		              groups[g].rules);
	}
	strbuf_puts(sb, n_groups ? "\n  ],\n  \"conditionalRules\": ["
	                         : "],\n  \"conditionalRules\": [");
	first = true;
	for (size_t i = 0; i < n_rules; i++) {
		const struct ksc_rule *rule = ksc_profile_rule(p, i);
		_cleanup_(freep) char *cond = NULL;

		if (ksc_rule_arg_count(rule) == 0 && !ksc_rule_is_conditional(rule))
			continue;
		r = ksc_rule_condition_text(rule, &cond);
		if (r < 0)
			return r;
		strbuf_printf(sb, "%s\n    {\"index\": %zu, \"names\": [", first ? "" : ",", i);
		put_names(sb, rule, true);
		strbuf_printf(sb, "], \"action\": \"%s\"", ksc_action_name(ksc_rule_action(rule)));
		if (ksc_rule_errno(rule) >= 0)
			strbuf_printf(sb, ", \"errnoRet\": %" PRId64, ksc_rule_errno(rule));
		strbuf_puts(sb, ", \"condition\": ");
		strbuf_put_json_str(sb, cond);
		strbuf_printf(sb, ", \"argsOred\": %s}",
		              ksc_rule_args_are_ored(rule) ? "true" : "false");
		first = false;
	}
	strbuf_puts(sb, first ? "]\n}\n" : "\n  ]\n}\n");
	return 0;
}

int
verb_profile_show(int argc, char **argv)
{
	static const struct option options[] = {
		{ "arch", required_argument, NULL, 'a' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct ksc_profile_parse_opts opts = { 0 };
	_cleanup_(ksc_diags_freep) struct ksc_diags *diags = NULL;
	_cleanup_(ksc_profile_freep) struct ksc_profile *profile = NULL;
	struct ksc_error *error = NULL;
	struct strbuf sb = { 0 };
	_cleanup_(freep) char *text = NULL;
	int json = 0, c, r;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", options, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (cli_parse_arch("profile show", optarg, &opts.native_arch) != 0)
				return EXIT_USAGE;
			break;
		case 'o':
			if (cli_parse_output("profile show", optarg, CLI_OUTPUT_TEXT_JSON_YAML, 3,
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
			return cli_bad_option("profile show", argv, c);
		}
	}
	r = cli_one_operand("profile show", argc, "FILE");
	if (r)
		return r;
	if (opts.native_arch == KSC_ARCH_NONE)
		opts.native_arch = ksc_arch_native();

	diags = ksc_diags_new();
	if (!diags)
		return cli_fail(-ENOMEM, NULL, NULL);
	r = ksc_profile_load(argv[optind], &opts, &profile, diags, &error);
	if (r < 0)
		return cli_report_invalid(r, diags, error, argv[optind]);
	r = json ? show_json(argv[optind], profile, opts.native_arch, &sb)
	         : show_text(argv[optind], profile, opts.native_arch, &sb);
	if (r < 0 || strbuf_finish(&sb, &text, NULL) < 0) {
		strbuf_done(&sb);
		return cli_fail(-ENOMEM, NULL, NULL);
	}
	fputs(text, stdout);
	return 0;
}
