/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kube check: Pod Security Admission's verdict on every pod of a manifest, every check of
 * the Pod Security Standards (src/lib/kube/psa.c), worded as the admission controller words
 * it; and the API server's warnings, which kube validate, resolve and check all print.
 */
#include <stdio.h>

#include "cli.h"
#include "kube-node.h"
#include "kube/kube.h"
#include "kube/psa.h"

int
cli_kube_print_warnings(const struct kube_pod *pod)
{
	struct kube_error *warnings = NULL;
	size_t n = 0;

	if (kube_warnings(pod, &warnings, &n) < 0) {
		cli_error("out of memory");
		return -ENOMEM;
	}
	for (size_t k = 0; k < n; k++)
		cli_warning("%s:%u:%u: %s%s%s%s: %s", pod->file, warnings[k].line,
		            warnings[k].column, pod->kind, *pod->name ? " \"" : "", pod->name,
		            *pod->name ? "\"" : "", warnings[k].text);
	kube_errors_free(warnings, n);
	return 0;
}

static void
json_field(const char *key, const char *value, bool comma)
{
	printf("%s\"%s\": ", comma ? ", " : "", key);
	cli_print_json_string(value);
}

/* The start of a pod's JSON object, in an array: where it is and what it is named. */
static void
json_pod_open(const struct kube_pod *pod, bool first)
{
	printf("%s\n  {", first ? "" : ",");
	json_field("file", pod->file, false);
	printf(", \"line\": %u, \"column\": %u", pod->line, pod->column);
	json_field("kind", pod->kind, true);
	json_field("name", pod->name, true);
	json_field("namespace", pod->namespace, true);
}

/* One pod as a JSON object: where it is, and its failed checks. */
static void
print_json_pod(const struct kube_pod *pod, const struct kube_psa_result *res, bool first)
{
	json_pod_open(pod, first);
	printf(", \"allowed\": %s, \"violations\": [", res->allowed ? "true" : "false");
	for (size_t i = 0; i < res->n; i++) {
		printf("%s{", i ? ", " : "");
		json_field("check", res->v[i].check, false);
		json_field("reason", res->v[i].reason, true);
		json_field("detail", res->v[i].detail, true);
		printf("}");
	}
	printf("]}");
}

int
cli_kube_check(const struct kube_manifest *m, const char *file, int level, unsigned minor,
               bool json)
{
	const char *level_name = level == KUBE_PSA_RESTRICTED ? "restricted" : "baseline";
	size_t violations = 0;
	char version[16];

	if (minor == KUBE_PSA_LATEST)
		snprintf(version, sizeof(version), "latest");
	else
		snprintf(version, sizeof(version), "v1.%u", minor);
	for (size_t i = 0; i < m->n_pods; i++)
		if (cli_kube_print_warnings(&m->pods[i]) < 0)
			return 1;
	if (json)
		printf("[");
	for (size_t i = 0; i < m->n_pods; i++) {
		const struct kube_pod *pod = &m->pods[i];
		struct kube_psa_result res;
		_cleanup_(freep) char *message = NULL;
		int r = kube_psa_evaluate(pod, level, minor, &res);

		if (r < 0)
			return cli_fail(r, NULL, NULL);
		violations += !res.allowed;
		if (json)
			print_json_pod(pod, &res, i == 0);
		else if (!res.allowed && (message = kube_psa_message(&res)))
			printf("%s:%u:%u: %s \"%s\" violates PodSecurity \"%s:%s\": %s\n",
			       cli_escape(pod->file), pod->line, pod->column, cli_escape(pod->kind),
			       cli_escape(pod->name), level_name, version, cli_escape(message));
		else if (!res.allowed)
			r = -ENOMEM;
		kube_psa_result_done(&res);
		if (r < 0)
			return cli_fail(r, NULL, NULL);
	}
	if (json)
		printf("%s]\n", m->n_pods ? "\n" : "");
	else if (!violations)
		printf("%s: %zu pod%s allowed by PodSecurity \"%s:%s\" (every check of the "
		       "Pod Security Standards)\n",
		       cli_escape(file), m->n_pods, m->n_pods == 1 ? "" : "s", level_name, version);
	return violations ? 1 : 0;
}

static void
json_errors(const char *key, const struct kube_error *v, size_t n)
{
	printf(", \"%s\": [", key);
	for (size_t i = 0; i < n; i++) {
		printf("%s{\"line\": %u, \"column\": %u, \"message\": ", i ? ", " : "", v[i].line,
		       v[i].column);
		cli_print_json_string(v[i].text);
		printf("}");
	}
	printf("]");
}

int
cli_kube_validate_json(const struct kube_manifest *m)
{
	bool invalid = false;

	printf("[");
	for (size_t i = 0; i < m->n_pods; i++) {
		const struct kube_pod *pod = &m->pods[i];
		struct kube_error *errors = NULL, *warnings = NULL;
		size_t n_errors = 0, n_warnings = 0;

		if (kube_validate(pod, &errors, &n_errors) < 0 ||
		    kube_warnings(pod, &warnings, &n_warnings) < 0) {
			kube_errors_free(errors, n_errors);
			return cli_fail(-ENOMEM, NULL, NULL);
		}
		json_pod_open(pod, i == 0);
		printf(", \"valid\": %s", n_errors ? "false" : "true");
		json_errors("errors", errors, n_errors);
		json_errors("warnings", warnings, n_warnings);
		printf("}");
		invalid = invalid || n_errors;
		kube_errors_free(errors, n_errors);
		kube_errors_free(warnings, n_warnings);
	}
	printf("%s]\n", m->n_pods ? "\n" : "");
	return invalid ? 1 : 0;
}
