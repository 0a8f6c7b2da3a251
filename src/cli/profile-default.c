/* SPDX-License-Identifier: Apache-2.0 */
/* kseccomp profile default [--flavor F] [--arch A] [--caps LIST] [--kernel X.Y] [--template] */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"

static void
help(void)
{
	fputs("Usage: kseccomp profile default [OPTIONS]\n"
	      "\n"
	      "Print RuntimeDefault, the profile a container runtime gives a container whose\n"
	      "seccompProfile is RuntimeDefault (or every container when the kubelet runs with\n"
	      "seccompDefault), as that runtime builds it for the container: the rules for its\n"
	      "capabilities, its architecture and the kernel, in plain OCI form.\n"
	      "\n"
	      "Options:\n"
	      "      --flavor F       containerd (the default: kind and most Kubernetes nodes),\n"
	      "                       docker (moby's default.json) or podman (containers-common:\n"
	      "                       ENOSYS by default, EPERM for a list of dangerous calls)\n"
	      "      --arch ARCH      the node's architecture (default: this machine's)\n"
	      "      --caps LIST      the container's capability bounding set: 'default'\n"
	      "                       (Kubernetes' default set, the default), 'all', 'none', or\n"
	      "                       names separated by commas (NET_ADMIN or CAP_NET_ADMIN)\n"
	      "      --kernel X.Y     the node's kernel version (default: the running one)\n"
	      "      --containerd-version V\n"
	      "                       containerd's RuntimeDefault as release V renders it (1.6\n"
	      "                       to 2.2 and later, e.g. 1.6 or 1.7.20), capability rules\n"
	      "                       in the bounding set's order (Kubernetes' default set,\n"
	      "                       then the others by number; 'all': all by number)\n"
	      "      --template       print the flavour's template instead: Docker's format with\n"
	      "                       includes/excludes, before expansion\n" CLI_DOC_OUTPUT_HELP
	      "  -h, --help           show this help\n",
	      stdout);
}

int
verb_profile_default(int argc, char **argv)
{
	static const struct option options[] = {
		{ "flavor", required_argument, NULL, 'f' },
		{ "flavour", required_argument, NULL, 'f' },
		{ "arch", required_argument, NULL, 'a' },
		{ "caps", required_argument, NULL, 'c' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "containerd-version", required_argument, NULL, 'C' },
		{ "template", no_argument, NULL, 't' },
		{ "output", required_argument, NULL, 'o' },
		{ "output-file", required_argument, NULL, CLI_OUTPUT_FILE_OPTION },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	static const char *const all[] = { "ALL", NULL };
	struct ksc_expand_opts opts = { .caps = ksc_caps_kubernetes_default() };
	_cleanup_(ksc_profile_freep) struct ksc_profile *profile = NULL;
	_cleanup_(freep) char *text = NULL;
	enum ksc_flavor flavor = KSC_FLAVOR_CONTAINERD;
	struct ksc_error *error = NULL;
	const char *output = "-", *template_text;
	enum cli_doc_format format = CLI_DOC_JSON;
	bool template = false;
	size_t len = 0;
	int c, r;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", options, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (cli_parse_flavor("profile default", optarg, &flavor) != 0)
				return EXIT_USAGE;
			break;
		case 'a':
			if (cli_parse_arch("profile default", optarg, &opts.arch) != 0)
				return EXIT_USAGE;
			break;
		case 'c':
			if (cli_parse_caps("profile default", optarg, &opts.caps) != 0)
				return EXIT_USAGE;
			/* containerd orders every capability by number when ALL is added, and
			 * none stays of its defaults when ALL is dropped */
			opts.caps_added = streq(optarg, "all") ? all : NULL;
			opts.caps_dropped = streq(optarg, "none") ? all : NULL;
			break;
		case 'k':
			if (ksc_kernel_version_parse(optarg, &opts.kernel_major,
			                             &opts.kernel_minor) < 0)
				return cli_usage_error(
				        "profile default",
				        "--kernel: '%s' is not a MAJOR.MINOR version", optarg);
			break;
		case 't':
			template = true;
			break;
		case 'C': {
			char release[32];

			if (ksc_containerd_template_release(optarg, release, sizeof(release),
			                                    &error) < 0) {
				cli_usage_error("profile default", "--containerd-version: %s",
				                ksc_error_message(error));
				ksc_error_free(error);
				return EXIT_USAGE;
			}
			opts.containerd_version = optarg;
			break;
		}
		case 'o':
			if (cli_parse_doc_format("profile default", optarg, &format) != 0)
				return EXIT_USAGE;
			break;
		case CLI_OUTPUT_FILE_OPTION:
			if (cli_parse_output_file("profile default", optarg, &output) != 0)
				return EXIT_USAGE;
			break;
		case 'h':
			help();
			return 0;
		default:
			return cli_bad_option("profile default", argv, c);
		}
	}
	if (optind < argc)
		return cli_usage_error("profile default", "unexpected argument '%s'", argv[optind]);
	if (opts.containerd_version && (flavor != KSC_FLAVOR_CONTAINERD || template))
		return cli_usage_error("profile default",
		                       "--containerd-version renders the containerd flavour, not "
		                       "its template or another flavour");

	if (template) {
		r = ksc_default_template(flavor, &template_text, &len);
		if (r < 0)
			return cli_fail(r, NULL, NULL);
		return cli_write_document(output, format, template_text, len) < 0 ? 1 : 0;
	}
	r = ksc_default_profile(flavor, &opts, &profile, &error);
	if (r < 0)
		return cli_fail(r, error, NULL);
	r = ksc_profile_write_json(profile, &text, &len);
	if (r < 0)
		return cli_fail(r, NULL, NULL);
	return cli_write_document(output, format, text, len) < 0 ? 1 : 0;
}
