/* SPDX-License-Identifier: Apache-2.0 */
/* kseccomp kube validate|resolve|check|inspect -f FILE|- */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>

#include "cli.h"
#include "kube-node.h"
#include "kube/kube.h"
#include "kube/psa.h"
#include "kube/report.h"
#include "node/node.h"
#include "strbuf.h"

struct kube_opts {
	const char *file;
	const char *root_dir;
	const char *container;
	const char *pod;
	bool seccomp_default;
	bool no_seccomp; /* a node without seccomp */
	struct cli_kube_node
	        node; /* the runtime side: containerd's and the OCI runtime's versions */
	enum ksc_arch arch;
	int json;
	bool enforced; /* inspect --enforced: the profile the runtime enforces */
	enum kube_psa_level level;
	unsigned minor;
};

static int
parse_opts(const char *verb, int argc, char **argv, struct kube_opts *o)
{
	static const struct option options[] = {
		{ "filename", required_argument, NULL, 'f' },
		{ "root-dir", required_argument, NULL, 'D' },
		{ "seccomp-default", no_argument, NULL, 's' },
		{ "node-without-seccomp", no_argument, NULL, 'N' },
		{ "container", required_argument, NULL, 'c' },
		{ "pod", required_argument, NULL, 'p' },
		{ "arch", required_argument, NULL, 'a' },
		{ "output", required_argument, NULL, 'o' },
		{ "level", required_argument, NULL, 'l' },
		{ "version", required_argument, NULL, 'v' },
		{ "containerd-version", required_argument, NULL, CLI_KUBE_NODE_CONTAINERD },
		{ "oci-runtime", required_argument, NULL, CLI_KUBE_NODE_OCI },
		{ "runtime-endpoint", required_argument, NULL, 'r' },
		{ "enforced", no_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	char command[32];
	int c;

	snprintf(command, sizeof(command), "kube %s", verb);
	static char root[PATH_MAX];

	*o = (struct kube_opts){ .root_dir = node_kubelet_root(root, sizeof(root)),
		                 .arch = ksc_arch_native(),
		                 .minor = KUBE_PSA_LATEST };
	optind = 0;
	opterr = 0;
	for (;;) {
		int longindex = -1;

		c = getopt_long(argc, argv, ":f:c:o:r:h", options, &longindex);
		if (c == -1)
			break;
		if (c != '?' && c != ':' && !cli_kube_verb_takes(verb, c)) {
			if (longindex >= 0)
				return cli_usage_error(command, "--%s is not an option of %s",
				                       options[longindex].name, command);
			return cli_usage_error(command, "-%c is not an option of %s", c, command);
		}
		switch (c) {
		case 'f':
			o->file = optarg;
			break;
		case 'D':
			o->root_dir = optarg;
			break;
		case 's':
			o->seccomp_default = true;
			break;
		case 'N':
			o->no_seccomp = true;
			break;
		case 'c':
			o->container = optarg;
			break;
		case 'p':
			o->pod = optarg;
			break;
		case 'a':
			if (cli_parse_arch(command, optarg, &o->arch) != 0)
				return EXIT_USAGE;
			break;
		case 'o': {
			/* "text" is taken for "table", as the other verbs' -o takes it; inspect
			 * prints a document: json (its default) or yaml */
			static const char *const table[] = { "table", "json", "yaml", "text",
				                             NULL };
			static const char *const document[] = { "json", "yaml", NULL };
			bool inspect = streq(verb, "inspect");

			if (cli_parse_output(command, optarg, inspect ? document : table,
			                     inspect ? 2 : 3, &o->json) != 0)
				return EXIT_USAGE;
			o->json += inspect;                        /* as table[] */
			if (o->json == 2 && cli_output_yaml() < 0) /* the json, as YAML */
				return cli_fail(-ENOMEM, NULL, NULL);
			o->json = o->json == 1 || o->json == 2;
			break;
		}
		case 'l':
			if (streq(optarg, "baseline"))
				o->level = KUBE_PSA_BASELINE;
			else if (streq(optarg, "restricted"))
				o->level = KUBE_PSA_RESTRICTED;
			else
				return cli_usage_error(
				        command, "unknown level '%s' (baseline or restricted)",
				        optarg);
			break;
		case 'v': {
			unsigned major = 0, minor = 0;
			char rest;

			if (streq(optarg, "latest"))
				o->minor = KUBE_PSA_LATEST;
			else if (sscanf(optarg, "v%u.%u%c", &major, &minor, &rest) == 2 &&
			         major == 1 && minor < KUBE_PSA_LATEST)
				o->minor = minor;
			else
				return cli_usage_error(
				        command, "--version '%s': expected latest or v1.N", optarg);
			break;
		}
		case 'r':
			c = CLI_KUBE_NODE_ENDPOINT;
			/* fall through */
		case CLI_KUBE_NODE_CONTAINERD:
		case CLI_KUBE_NODE_OCI:
		case CLI_KUBE_NODE_ENDPOINT:
			if (!streq(verb, "resolve") && !streq(verb, "inspect"))
				return cli_usage_error(
				        command,
				        "--%s is an option of kube resolve and kube "
				        "inspect",
				        c == CLI_KUBE_NODE_CONTAINERD ? "containerd-version"
				        : c == CLI_KUBE_NODE_OCI      ? "oci-runtime"
				                                      : "runtime-endpoint");
			if (cli_kube_node_option(command, c, optarg, &o->node) != 0)
				return EXIT_USAGE;
			break;
		case 'e':
			if (!streq(verb, "inspect"))
				return cli_usage_error(command,
				                       "--enforced is an option of kube inspect");
			o->enforced = true;
			break;
		case 'h':
			cli_kube_help(verb);
			return -1;
		default:
			return cli_bad_option(command, argv, c);
		}
	}
	if (optind < argc)
		return cli_usage_error(command, "unexpected argument '%s'", argv[optind]);
	if (!o->file)
		return cli_usage_error(command, "missing -f FILE");
	if (streq(verb, "check") && !o->level)
		return cli_usage_error(command, "missing --level baseline|restricted");
	if (streq(verb, "inspect") && !o->container)
		return cli_usage_error(command, "missing -c CONTAINER");
	if (streq(verb, "resolve") || streq(verb, "inspect"))
		return cli_kube_node_finish(command, &o->node);
	return 0;
}

/* Print the API server's errors for every object; returns how many there were. */
size_t
cli_kube_print_validation(const struct kube_manifest *m, bool as_warnings)
{
	size_t total = 0;

	for (size_t i = 0; i < m->n_pods; i++) {
		const struct kube_pod *pod = &m->pods[i];
		struct kube_error *errors = NULL;
		size_t n = 0;

		if (kube_validate(pod, &errors, &n) < 0) {
			cli_error("out of memory");
			return total + 1;
		}
		for (size_t k = 0; k < n; k++) {
			const struct kube_error *err = &errors[k];

			/* an object without a name is named by its kind alone */
			if (!*pod->name && as_warnings)
				cli_warning("%s:%u:%u: %s: %s", pod->file, err->line, err->column,
				            pod->kind, err->text);
			else if (!*pod->name)
				cli_error("%s:%u:%u: %s: %s", pod->file, err->line, err->column,
				          pod->kind, err->text);
			else if (as_warnings)
				cli_warning("%s:%u:%u: %s \"%s\" is invalid: %s", pod->file,
				            err->line, err->column, pod->kind, pod->name,
				            err->text);
			else
				cli_error("%s:%u:%u: %s \"%s\" is invalid: %s", pod->file,
				          err->line, err->column, pod->kind, pod->name, err->text);
		}
		total += n;
		kube_errors_free(errors, n);
		if (cli_kube_print_warnings(pod) < 0)
			return total + 1;
	}
	return total;
}

static int
load(const struct kube_opts *o, struct kube_manifest **ret)
{
	struct ksc_error *error = NULL;
	int r = kube_manifest_read(o->file, ret, &error);

	if (r < 0)
		return cli_fail(r, error, o->file);
	return 0;
}

static int
kube_validate_verb(int argc, char **argv)
{
	_cleanup_(kube_manifest_freep) struct kube_manifest *m = NULL;
	struct kube_opts o;
	size_t errors;
	int r;

	r = parse_opts("validate", argc, argv, &o);
	if (r)
		return r < 0 ? 0 : r;
	r = load(&o, &m);
	if (r)
		return r;
	if (o.json)
		return cli_kube_validate_json(m);
	errors = cli_kube_print_validation(m, false);
	if (!errors)
		printf("%s: %zu pod%s valid\n", cli_escape(o.file), m->n_pods,
		       m->n_pods == 1 ? "" : "s");
	return errors ? 1 : 0;
}

/* Text from the manifest (names, the Localhost path) on stderr with control characters as
 * \xNN, so that a name cannot drive the terminal. */
static void
put_escaped(const char *s)
{
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch < 0x20 || ch == 0x7f)
			fprintf(stderr, "\\x%02x", ch);
		else
			fputc(ch, stderr);
	}
}

/* A warning for each rule the container's runtime leaves out, naming the workload and the
 * container. */
static void
print_unenforced(const struct kube_report *rep)
{
	for (size_t i = 0; rep->unenforced && i < ksc_diags_count(rep->unenforced); i++) {
		fputs("kseccomp: warning: ", stderr);
		put_escaped(rep->pod->kind);
		fputc('/', stderr);
		put_escaped(rep->pod->name);
		fputs(" container ", stderr);
		put_escaped(rep->container->name);
		fputs(": ", stderr);
		put_escaped(ksc_diag_message(ksc_diags_get(rep->unenforced, i)));
		fputc('\n', stderr);
	}
}

static struct kube_node_opts
node_opts(const struct kube_opts *o)
{
	return (struct kube_node_opts){ .root_dir = o->root_dir,
		                        .seccomp_default = o->seccomp_default,
		                        .seccomp_enabled = !o->no_seccomp,
		                        .arch = o->arch,
		                        .containerd_version = o->node.containerd_version,
		                        .oci = o->node.oci };
}

/* One row of kube resolve; false on an error (printed). */
static bool
print_row(const struct kube_report *rep, bool json, bool first)
{
	if (json) {
		struct strbuf sb = { 0 };
		_cleanup_(freep) char *text = NULL;

		kube_report_json(rep, &sb);
		if (strbuf_finish(&sb, &text, NULL) < 0)
			return false;
		printf("%s\n  %s", first ? "" : ",", text);
	} else
		printf("%-28s %-22s %-9s %-14s %-40s %s\n", cli_escape(rep->workload),
		       cli_escape(rep->container->name),
		       kube_container_kind_name(rep->container->kind), rep->type,
		       cli_escape(rep->profile), cli_escape(rep->status));
	return true;
}

static int
kube_resolve_verb(int argc, char **argv)
{
	_cleanup_(kube_manifest_freep) struct kube_manifest *m = NULL;
	struct kube_opts o;
	struct kube_node_opts node;
	bool failed = false, first = true;
	int r;

	r = parse_opts("resolve", argc, argv, &o);
	if (r)
		return r < 0 ? 0 : r;
	r = load(&o, &m);
	if (r)
		return r;
	node = node_opts(&o);
	if (cli_kube_print_validation(m, true))
		failed = true;
	if (o.json)
		printf("[");
	else
		printf("%-28s %-22s %-9s %-14s %-40s %s\n", "WORKLOAD", "CONTAINER", "KIND", "TYPE",
		       "PROFILE", "OUTCOME");
	for (size_t i = 0; i < m->n_pods; i++)
		for (size_t k = 0; k < m->pods[i].n_containers; k++) {
			struct kube_report rep;
			bool printed;

			r = kube_report_container(&m->pods[i], &m->pods[i].containers[k], &node,
			                          &rep);
			if (r < 0)
				return cli_fail(r, NULL, NULL);
			if (!o.json)
				print_unenforced(&rep);
			failed = failed || rep.outcome.error;
			printed = print_row(&rep, o.json, first);
			kube_report_done(&rep);
			if (!printed)
				return cli_fail(-ENOMEM, NULL, NULL);
			first = false;
		}
	if (o.json)
		printf("%s]\n", first ? "" : "\n");
	return failed ? 1 : 0;
}

static int
kube_check_verb(int argc, char **argv)
{
	_cleanup_(kube_manifest_freep) struct kube_manifest *m = NULL;
	struct kube_opts o;
	int r;

	r = parse_opts("check", argc, argv, &o);
	if (r)
		return r < 0 ? 0 : r;
	r = load(&o, &m);
	if (r)
		return r;
	return cli_kube_check(m, o.file, (int)o.level, o.minor, o.json);
}

static int
kube_inspect_verb(int argc, char **argv)
{
	_cleanup_(kube_manifest_freep) struct kube_manifest *m = NULL;
	struct kube_opts o;
	struct kube_node_opts node;
	const struct kube_pod *pod;
	const struct kube_container *c;
	struct kube_report rep;
	int r, status = 0;

	r = parse_opts("inspect", argc, argv, &o);
	if (r)
		return r < 0 ? 0 : r;
	r = load(&o, &m);
	if (r)
		return r;
	r = kube_manifest_find_container(m, o.pod, o.container, &pod, &c);
	if (r == -ENOTUNIQ) {
		cli_error("%s: several containers are named %s: say which pod with --pod", o.file,
		          o.container);
		return 1;
	}
	if (r < 0) {
		cli_error("%s: no container %s%s%s", o.file, o.container, o.pod ? " in pod " : "",
		          o.pod ? o.pod : "");
		return 1;
	}
	node = node_opts(&o);
	r = kube_report_container(pod, c, &node, &rep);
	if (r < 0)
		return cli_fail(r, NULL, NULL);
	print_unenforced(&rep);
	if (rep.outcome.error) {
		cli_error("%s", rep.outcome.error);
		status = 1;
	} else if (!o.enforced && rep.outcome.spec && (rep.outcome.note || rep.outcome.unconfined))
		/* what containerd hands on, where the node's reading differs from kseccomp's */
		fputs(rep.outcome.spec, stdout);
	else if (rep.outcome.unconfined)
		printf("null\n");
	else if (!rep.outcome.profile) {
		cli_error("%s", rep.outcome.note);
		status = 1;
	} else {
		_cleanup_(freep) char *text = NULL;

		if (oci_seccomp_json(rep.outcome.profile, &text, NULL) < 0)
			status = cli_fail(-ENOMEM, NULL, NULL);
		else
			fputs(text, stdout);
	}
	kube_report_done(&rep);
	return status;
}

const struct verb kube_verbs[] = {
	{ "validate", kube_validate_verb, "check names and seccomp fields as the API server does" },
	{ "resolve", kube_resolve_verb, "the profile each container gets, and whether it starts" },
	{ "check", kube_check_verb,
	  "Pod Security Admission: every check of the Pod Security Standards" },
	{ "inspect", kube_inspect_verb, "the OCI linux.seccomp a container's runtime receives" },
};
const size_t n_kube_verbs = ELEMENTSOF(kube_verbs);

int
verb_kube(int argc, char **argv)
{
	return cli_dispatch("kube", kube_verbs, ELEMENTSOF(kube_verbs), argc, argv);
}
