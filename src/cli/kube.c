/* SPDX-License-Identifier: Apache-2.0 */
/* kseccomp kube validate|resolve|check|inspect -f FILE|- */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>

#include "cli.h"
#include "kube/kube.h"
#include "node/node.h"
#include "profile.h"
#include "strbuf.h"

struct kube_opts {
	const char *file;
	const char *root_dir;
	const char *container;
	const char *pod;
	bool seccomp_default;
	bool no_seccomp; /* a node without seccomp */
	enum ksc_arch arch;
	int json;
	enum kube_psa_level level;
	unsigned minor;
};

static void
help_kube(const char *verb)
{
	if (streq(verb, "validate"))
		fputs("Usage: kseccomp kube validate -f FILE\n"
		      "\n"
		      "Check the seccomp fields and annotations of Pods and workload templates as "
		      "the\n"
		      "API server does, with its field paths and messages. FILE holds YAML or "
		      "JSON,\n"
		      "several documents or a List ('-': standard input, so that\n"
		      "'kubectl get pods -A -o yaml | kseccomp kube validate -f -' works).\n",
		      stdout);
	else if (streq(verb, "resolve"))
		fputs("Usage: kseccomp kube resolve -f FILE [--seccomp-default] [--root-dir DIR]\n"
		      "                              [--arch ARCH] [-o table|json]\n"
		      "\n"
		      "One row per container (init, sidecar, regular, ephemeral): the profile the\n"
		      "kubelet resolves (container field, else pod field, else RuntimeDefault "
		      "with\n"
		      "--seccomp-default or Unconfined; Localhost as DIR/seccomp/PROFILE) and "
		      "what\n"
		      "the runtime then does, as containerd does it: privileged containers run\n"
		      "Unconfined, a Localhost file must exist and be a valid profile, "
		      "RuntimeDefault\n"
		      "is expanded for the container's capabilities. The outcome is OK or the "
		      "error\n"
		      "the container would show. Exit status 1 if a container cannot start or the\n"
		      "API server would refuse the object. --node-without-seccomp: a node whose\n"
		      "kernel has no seccomp (containerd refuses every profile but Unconfined).\n"
		      "A profile with rules the node's runtime would not enforce (runc and crun\n"
		      "skip syscalls their libseccomp does not know; see 'kseccomp profile "
		      "validate\n"
		      "--help') shows 'OK, but N rules not enforced' and a warning per rule, with\n"
		      "its position, on stderr (-o json: \"unenforced\").\n",
		      stdout);
	else if (streq(verb, "check"))
		fputs("Usage: kseccomp kube check --level baseline|restricted [--version v1.N]\n"
		      "                            -f FILE\n"
		      "\n"
		      "Pod Security Admission's seccompProfile check at a level (and policy "
		      "version,\n"
		      "default latest), with its messages. Exit status 1 on a violation.\n",
		      stdout);
	else
		fputs("Usage: kseccomp kube inspect -f FILE -c CONTAINER [--pod NAME]\n"
		      "                              [--seccomp-default] [--root-dir DIR] [--arch "
		      "ARCH]\n"
		      "\n"
		      "Print the OCI linux.seccomp a container's runtime receives, as 'crictl "
		      "inspect\n"
		      "| jq .info.runtimeSpec.linux.seccomp' shows it on a node: null when the\n"
		      "container runs Unconfined. Rules of it the node's runtime would not "
		      "enforce\n"
		      "get a warning each on stderr (see 'kseccomp kube resolve --help').\n",
		      stdout);
	fputs("\n"
	      "Options:\n"
	      "  -f, --filename FILE     the manifests ('-': standard input)\n"
	      "  -h, --help              show this help\n",
	      stdout);
}

static int
parse_opts(const char *verb, int argc, char **argv, struct kube_opts *o)
{
	static const struct option options[] = {
		{ "filename", required_argument, NULL, 'f' },
		{ "root-dir", required_argument, NULL, 'r' },
		{ "seccomp-default", no_argument, NULL, 's' },
		{ "node-without-seccomp", no_argument, NULL, 'N' },
		{ "container", required_argument, NULL, 'c' },
		{ "pod", required_argument, NULL, 'p' },
		{ "arch", required_argument, NULL, 'a' },
		{ "output", required_argument, NULL, 'o' },
		{ "level", required_argument, NULL, 'l' },
		{ "version", required_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	char command[32];
	int c;

	snprintf(command, sizeof(command), "kube %s", verb);
	static char root[PATH_MAX];

	*o = (struct kube_opts){ .root_dir = node_kubelet_root(root, sizeof(root)),
		                 .arch = ksc_arch_native() };
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":f:c:o:h", options, NULL)) != -1) {
		switch (c) {
		case 'f':
			o->file = optarg;
			break;
		case 'r':
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
		case 'o':
			/* "text" is taken for "table", as the other verbs' -o takes it */
			if (cli_parse_output(command, optarg,
			                     (const char *const[]){ "table", "json", "text", NULL },
			                     2, &o->json) != 0)
				return EXIT_USAGE;
			o->json = o->json == 1;
			break;
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
				o->minor = 0;
			else if (sscanf(optarg, "v%u.%u%c", &major, &minor, &rest) == 2 &&
			         major == 1 && minor > 0)
				o->minor = minor;
			else
				return cli_usage_error(
				        command, "--version '%s': expected latest or v1.N", optarg);
			break;
		}
		case 'h':
			help_kube(verb);
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
		for (size_t k = 0; k < n; k++)
			if (as_warnings)
				cli_warning("%s:%u:%u: %s \"%s\" is invalid: %s", pod->file,
				            errors[k].line, errors[k].column, pod->kind, pod->name,
				            errors[k].text);
			else
				cli_error("%s:%u:%u: %s \"%s\" is invalid: %s", pod->file,
				          errors[k].line, errors[k].column, pod->kind, pod->name,
				          errors[k].text);
		total += n;
		kube_errors_free(errors, n);
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
	errors = cli_kube_print_validation(m, false);
	if (!errors)
		printf("%s: %zu pod%s valid\n", cli_escape(o.file), m->n_pods,
		       m->n_pods == 1 ? "" : "s");
	return errors ? 1 : 0;
}

static const char *
type_name(enum kube_profile_type t)
{
	return t == KUBE_PROFILE_LOCALHOST         ? "Localhost"
	       : t == KUBE_PROFILE_RUNTIME_DEFAULT ? "RuntimeDefault"
	                                           : "Unconfined";
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

/*
 * The rules of the container's profile that the node's runtime leaves out while the call
 * then runs (runc and crun build the filter with libseccomp, which skips syscalls it does
 * not know and builds some arches' part blind): one warning on stderr each, naming the
 * workload and container. Returns how many, or -ENOMEM; *ret_diags (owned) has them.
 */
static int
unenforced_warnings(const struct kube_pod *pod, const struct kube_container *c,
                    const struct kube_outcome *out, enum ksc_arch arch, bool print,
                    struct ksc_diags **ret_diags)
{
	_cleanup_(ksc_diags_freep) struct ksc_diags *diags = NULL;
	struct ksc_compile_opts copts = { .native = arch };
	int n;

	*ret_diags = NULL;
	if (!out->profile || out->error || out->unconfined)
		return 0;
	diags = ksc_diags_new();
	if (!diags)
		return -ENOMEM;
	n = ksc_profile_unenforced(out->profile, &copts, KSC_SEVERITY_WARNING, diags);
	if (n < 0)
		return n;
	for (size_t i = 0; print && i < ksc_diags_count(diags); i++) {
		fputs("kseccomp: warning: ", stderr);
		put_escaped(pod->kind);
		fputc('/', stderr);
		put_escaped(pod->name);
		fputs(" container ", stderr);
		put_escaped(c->name);
		fputs(": ", stderr);
		put_escaped(ksc_diag_message(ksc_diags_get(diags, i)));
		fputc('\n', stderr);
	}
	*ret_diags = TAKE_PTR(diags);
	return n;
}

static void
json_unenforced(const struct ksc_diags *diags)
{
	printf(", \"unenforced\": [");
	for (size_t i = 0; i < ksc_diags_count(diags); i++) {
		const struct ksc_diag *d = ksc_diags_get(diags, i);

		printf("%s{\"file\": ", i ? ", " : "");
		cli_print_json_string(ksc_diag_file(d));
		printf(", \"line\": %u, \"column\": %u, \"path\": ", ksc_diag_line(d),
		       ksc_diag_column(d));
		cli_print_json_string(ksc_diag_path(d));
		printf(", \"reason\": ");
		cli_print_json_string(ksc_diag_reason(d));
		printf("}");
	}
	printf("]");
}

static int
kube_resolve_verb(int argc, char **argv)
{
	_cleanup_(kube_manifest_freep) struct kube_manifest *m = NULL;
	struct kube_opts o;
	bool failed = false, first = true;
	int r;

	r = parse_opts("resolve", argc, argv, &o);
	if (r)
		return r < 0 ? 0 : r;
	r = load(&o, &m);
	if (r)
		return r;
	if (cli_kube_print_validation(m, true))
		failed = true;
	if (o.json)
		printf("[");
	else
		printf("%-28s %-22s %-9s %-14s %-40s %s\n", "WORKLOAD", "CONTAINER", "KIND", "TYPE",
		       "PROFILE", "OUTCOME");
	for (size_t i = 0; i < m->n_pods; i++) {
		const struct kube_pod *pod = &m->pods[i];

		for (size_t k = 0; k < pod->n_containers; k++) {
			const struct kube_container *c = &pod->containers[k];
			struct kube_kubelet_result kr;
			struct kube_outcome out = { 0 };
			_cleanup_(ksc_diags_freep) struct ksc_diags *unenforced = NULL;
			char workload[300], ok[96];
			const char *profile;
			int n = 0;

			r = kube_kubelet_resolve(pod, c, o.seccomp_default, o.root_dir, &kr);
			if (r >= 0)
				r = kube_runtime_outcome(pod, c, &kr, o.arch, !o.no_seccomp, &out);
			if (r >= 0)
				r = n = unenforced_warnings(pod, c, &out, o.arch, !o.json,
				                            &unenforced);
			if (r < 0) {
				kube_outcome_done(&out);
				kube_kubelet_result_done(&kr);
				return cli_fail(r, NULL, NULL);
			}
			if (n > 0)
				snprintf(ok, sizeof(ok),
				         "OK, but %d rule%s not enforced (see warnings)", n,
				         n == 1 ? "" : "s");
			else
				snprintf(ok, sizeof(ok), "OK");
			snprintf(workload, sizeof(workload), "%s/%s", pod->kind, pod->name);
			profile = kr.error                                  ? "-"
			          : out.unconfined                          ? "-"
			          : kr.type == KUBE_PROFILE_LOCALHOST       ? kr.localhost_ref
			          : kr.type == KUBE_PROFILE_RUNTIME_DEFAULT ? "containerd default"
			                                                    : "-";
			failed = failed || out.error;
			if (o.json) {
				printf("%s\n  {\"workload\": ", first ? "" : ",");
				cli_print_json_string(workload);
				printf(", \"container\": ");
				cli_print_json_string(c->name);
				printf(", \"kind\": \"%s\", \"type\": \"%s\", \"effective\": "
				       "\"%s\"",
				       kube_container_kind_name(c->kind),
				       kr.error ? "invalid" : type_name(kr.type),
				       out.error        ? "none"
				       : out.unconfined ? "Unconfined"
				                        : type_name(kr.type));
				if (kr.localhost_ref) {
					printf(", \"localhostRef\": ");
					cli_print_json_string(kr.localhost_ref);
				}
				printf(", \"outcome\": ");
				cli_print_json_string(out.error  ? out.error
				                      : out.note ? out.note
				                                 : "OK");
				if (n > 0)
					json_unenforced(unenforced);
				printf("}");
			} else
				printf("%-28s %-22s %-9s %-14s %-40s %s\n", cli_escape(workload),
				       cli_escape(c->name), kube_container_kind_name(c->kind),
				       kr.error         ? "-"
				       : out.unconfined ? "Unconfined"
				                        : type_name(kr.type),
				       cli_escape(profile),
				       cli_escape(out.error  ? out.error
				                  : out.note ? out.note
				                             : ok));
			first = false;
			kube_outcome_done(&out);
			kube_kubelet_result_done(&kr);
		}
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
	size_t violations = 0;
	char version[16];
	int r;

	r = parse_opts("check", argc, argv, &o);
	if (r)
		return r < 0 ? 0 : r;
	r = load(&o, &m);
	if (r)
		return r;
	if (o.minor)
		snprintf(version, sizeof(version), "v1.%u", o.minor);
	else
		snprintf(version, sizeof(version), "latest");
	for (size_t i = 0; i < m->n_pods; i++) {
		const struct kube_pod *pod = &m->pods[i];
		_cleanup_(freep) char *detail = NULL;
		bool allowed = true;

		r = kube_psa_check(pod, o.level, o.minor, &allowed, &detail);
		if (r < 0)
			return cli_fail(r, NULL, NULL);
		if (allowed)
			continue;
		violations++;
		printf("%s:%u:%u: %s \"%s\" violates PodSecurity \"%s:%s\": seccompProfile (%s)\n",
		       cli_escape(pod->file), pod->line, pod->column, cli_escape(pod->kind),
		       cli_escape(pod->name),
		       o.level == KUBE_PSA_RESTRICTED ? "restricted" : "baseline", version,
		       cli_escape(detail));
	}
	if (!violations)
		printf("%s: %zu pod%s allowed by PodSecurity \"%s:%s\"\n", cli_escape(o.file),
		       m->n_pods, m->n_pods == 1 ? "" : "s",
		       o.level == KUBE_PSA_RESTRICTED ? "restricted" : "baseline", version);
	return violations ? 1 : 0;
}

static int
kube_inspect_verb(int argc, char **argv)
{
	_cleanup_(kube_manifest_freep) struct kube_manifest *m = NULL;
	struct kube_opts o;
	const struct kube_pod *found_pod = NULL;
	const struct kube_container *found = NULL;
	struct kube_kubelet_result kr = { 0 };
	struct kube_outcome out = { 0 };
	int r, status = 0;

	r = parse_opts("inspect", argc, argv, &o);
	if (r)
		return r < 0 ? 0 : r;
	r = load(&o, &m);
	if (r)
		return r;
	for (size_t i = 0; i < m->n_pods; i++) {
		if (o.pod && !streq(m->pods[i].name, o.pod))
			continue;
		for (size_t k = 0; k < m->pods[i].n_containers; k++)
			if (streq(m->pods[i].containers[k].name, o.container)) {
				if (found) {
					cli_error("%s: several containers are named %s: say which "
					          "pod "
					          "with --pod",
					          o.file, o.container);
					return 1;
				}
				found_pod = &m->pods[i];
				found = &m->pods[i].containers[k];
			}
	}
	if (!found) {
		cli_error("%s: no container %s%s%s", o.file, o.container, o.pod ? " in pod " : "",
		          o.pod ? o.pod : "");
		return 1;
	}
	r = kube_kubelet_resolve(found_pod, found, o.seccomp_default, o.root_dir, &kr);
	if (r >= 0)
		r = kube_runtime_outcome(found_pod, found, &kr, o.arch, !o.no_seccomp, &out);
	if (r >= 0) {
		_cleanup_(ksc_diags_freep) struct ksc_diags *unenforced = NULL;

		r = unenforced_warnings(found_pod, found, &out, o.arch, true, &unenforced);
	}
	if (r < 0)
		status = cli_fail(r, NULL, NULL);
	else if (out.error) {
		cli_error("%s", out.error);
		status = 1;
	} else if (out.unconfined)
		printf("null\n");
	else {
		_cleanup_(freep) char *text = NULL;
		size_t len = 0;

		if (oci_seccomp_json(out.profile, &text, &len) < 0)
			status = cli_fail(-ENOMEM, NULL, NULL);
		else
			fputs(text, stdout);
	}
	kube_outcome_done(&out);
	kube_kubelet_result_done(&kr);
	return status;
}

static const struct verb kube_verbs[] = {
	{ "validate", kube_validate_verb, "check seccomp fields as the API server does" },
	{ "resolve", kube_resolve_verb, "the profile each container gets, and whether it starts" },
	{ "check", kube_check_verb, "Pod Security Admission's seccompProfile check" },
	{ "inspect", kube_inspect_verb, "the OCI linux.seccomp a container's runtime receives" },
};

int
verb_kube(int argc, char **argv)
{
	return cli_dispatch("kube", kube_verbs, ELEMENTSOF(kube_verbs), argc, argv);
}
