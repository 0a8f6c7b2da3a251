/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kube: every case ../reference/oracles.md transcribes from Kubernetes and containerd, as
 * manifests: the kubelet's resolution table (3a-1, seccompDefault off and on), the API
 * server's validation messages (3a-2), the runtime side (3a-3), Pod Security Admission
 * (3b, with the fixtures of pod-security-admission's testdata), and workloads of every kind.
 *
 * Usage: test-kube FIXTURES_DIR
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kube/kube.h"
#include "kube/psa.h"
#include "macro.h"
#include "tap.h"

static const char *fixtures;

static struct kube_manifest *
parse(const char *yaml)
{
	struct kube_manifest *m = NULL;
	struct ksc_error *e = NULL;

	if (kube_manifest_parse("test.yaml", yaml, strlen(yaml), &m, &e) < 0) {
		printf("# parse failed: %s\n", e ? ksc_error_message(e) : "?");
		ksc_error_free(e);
		return NULL;
	}
	return m;
}

/* A pod with one container "container1": pod and container seccompProfile as YAML flow
 * maps ("" for none). */
static char *
pod_yaml(const char *pod_sp, const char *ctr_sp)
{
	char *s = NULL;

	if (asprintf(&s,
	             "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
	             "  securityContext: {%s%s}\n"
	             "  containers:\n  - name: container1\n    image: x\n"
	             "    securityContext: {%s%s}\n",
	             *pod_sp ? "seccompProfile: " : "", pod_sp, *ctr_sp ? "seccompProfile: " : "",
	             ctr_sp) < 0)
		abort();
	return s;
}

/* "Unconfined", "RuntimeDefault", "Localhost <ref>" or "error <message>" */
static char *
kubelet(const char *pod_sp, const char *ctr_sp, bool seccomp_default)
{
	_cleanup_(freep) char *yaml = pod_yaml(pod_sp, ctr_sp);
	struct kube_manifest *m = parse(yaml);
	struct kube_kubelet_result r;
	char *out = NULL;

	if (!m || m->n_pods != 1 || m->pods[0].n_containers != 1)
		return strdup("(no pod)");
	if (kube_kubelet_resolve(&m->pods[0], &m->pods[0].containers[0], seccomp_default,
	                         "/fakeSeccompProfileRoot/..", &r) < 0)
		abort();
	if (r.error)
		out = strdup(r.error);
	else if (r.type == KUBE_PROFILE_LOCALHOST) {
		if (asprintf(&out, "Localhost %s", r.localhost_ref) < 0)
			abort();
	} else
		out = strdup(r.type == KUBE_PROFILE_RUNTIME_DEFAULT ? "RuntimeDefault"
		                                                    : "Unconfined");
	kube_kubelet_result_done(&r);
	kube_manifest_free(m);
	return out;
}

/* The API server's errors for a manifest, joined with "\n". */
static char *
validate(const char *yaml)
{
	struct kube_manifest *m = parse(yaml);
	struct kube_error *errors = NULL;
	size_t n = 0, len = 0;
	char *out = calloc(1, 4096);

	if (!m || !out)
		return strdup("(no manifest)");
	for (size_t i = 0; i < m->n_pods; i++)
		if (kube_validate(&m->pods[i], &errors, &n) < 0)
			abort();
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(out + len, 4096 - len, "%s%s", i ? "\n" : "",
		                        errors[i].text);
	kube_errors_free(errors, n);
	kube_manifest_free(m);
	return out;
}

static void
resolution_table(void)
{
	static const struct {
		const char *pod, *ctr, *off, *on;
	} cases[] = {
		/* 1 */ { "", "", "Unconfined", "RuntimeDefault" },
		/* 2 */ { "{type: Unconfined}", "", "Unconfined", "Unconfined" },
		/* 3 */ { "", "{type: Unconfined}", "Unconfined", "Unconfined" },
		/* 4 */ { "{type: RuntimeDefault}", "", "RuntimeDefault", "RuntimeDefault" },
		/* 5 */ { "", "{type: RuntimeDefault}", "RuntimeDefault", "RuntimeDefault" },
		/* 6 */
		{ "{type: Localhost, localhostProfile: filename}", "",
		  "Localhost /fakeSeccompProfileRoot/filename",
		  "Localhost /fakeSeccompProfileRoot/filename" },
		/* 7 */
		{ "{type: Localhost}", "",
		  "localhostProfile must be set if seccompProfile type is Localhost",
		  "localhostProfile must be set if seccompProfile type is Localhost" },
		/* 8 */
		{ "", "{type: Localhost}",
		  "localhostProfile must be set if seccompProfile type is Localhost",
		  "localhostProfile must be set if seccompProfile type is Localhost" },
		/* 9 */
		{ "", "{type: Localhost, localhostProfile: filename2}",
		  "Localhost /fakeSeccompProfileRoot/filename2",
		  "Localhost /fakeSeccompProfileRoot/filename2" },
		/* 10 */
		{ "{type: Unconfined}", "{type: RuntimeDefault}", "RuntimeDefault",
		  "RuntimeDefault" },
		/* 11 */
		{ "{type: Localhost, localhostProfile: field-pod-profile.json}",
		  "{type: Localhost, localhostProfile: field-cont-profile.json}",
		  "Localhost /fakeSeccompProfileRoot/field-cont-profile.json",
		  "Localhost /fakeSeccompProfileRoot/field-cont-profile.json" },
		/* 12 */
		{ "{type: Unknown}", "",
		  "unsupported seccompProfile type \"Unknown\" (supported: Unconfined, "
		  "RuntimeDefault, "
		  "Localhost)",
		  "unsupported seccompProfile type \"Unknown\" (supported: Unconfined, "
		  "RuntimeDefault, "
		  "Localhost)" },
		/* 13 */
		{ "", "{type: Unknown}",
		  "unsupported seccompProfile type \"Unknown\" (supported: Unconfined, "
		  "RuntimeDefault, "
		  "Localhost)",
		  "unsupported seccompProfile type \"Unknown\" (supported: Unconfined, "
		  "RuntimeDefault, "
		  "Localhost)" },
		/* 14 */
		{ "{}", "",
		  "unsupported seccompProfile type \"\" (supported: Unconfined, RuntimeDefault, "
		  "Localhost)",
		  "unsupported seccompProfile type \"\" (supported: Unconfined, RuntimeDefault, "
		  "Localhost)" },
		/* 15 */
		{ "", "{}",
		  "unsupported seccompProfile type \"\" (supported: Unconfined, RuntimeDefault, "
		  "Localhost)",
		  "unsupported seccompProfile type \"\" (supported: Unconfined, RuntimeDefault, "
		  "Localhost)" },
	};

	/* the tests' root is /fakeSeccompProfileRoot; ours appends "seccomp": give it a root
	 * whose seccomp dir is that (ROOT/.. + /seccomp/.. cleans away) */
	for (size_t i = 0; i < ELEMENTSOF(cases); i++)
		for (int on = 0; on < 2; on++) {
			_cleanup_(freep) char *got = kubelet(cases[i].pod, cases[i].ctr, on);
			char want[512];

			/* the fake root: "/fakeSeccompProfileRoot/.." + "/seccomp/" + p cleans to
			 * "/seccomp/p"; compare with that spelling */
			snprintf(want, sizeof(want), "%s", on ? cases[i].on : cases[i].off);
			if (startswith(want, "Localhost /fakeSeccompProfileRoot/"))
				snprintf(want, sizeof(want), "Localhost /seccomp/%s",
				         (on ? cases[i].on : cases[i].off) +
				                 strlen("Localhost /fakeSeccompProfileRoot/"));
			is_str(got, want, "3a-1 #%zu, seccompDefault %s: pod %s, container %s",
			       i + 1, on ? "on" : "off", *cases[i].pod ? cases[i].pod : "-",
			       *cases[i].ctr ? cases[i].ctr : "-");
		}
}

static void
validation(void)
{
	static const struct {
		const char *name, *yaml, *want;
	} cases[] = {
		{ "runtime default annotation",
		  "kind: Pod\nmetadata: {name: p, annotations: "
		  "{seccomp.security.alpha.kubernetes.io/pod: "
		  "runtime/default}}\nspec: {containers: [{name: c}]}\n",
		  "" },
		{ "unconfined annotation",
		  "kind: Pod\nmetadata: {name: p, annotations: "
		  "{seccomp.security.alpha.kubernetes.io/pod: "
		  "unconfined}}\nspec: {containers: [{name: c}]}\n",
		  "" },
		{ "localhost annotation",
		  "kind: Pod\nmetadata: {name: p, annotations: "
		  "{seccomp.security.alpha.kubernetes.io/pod: "
		  "localhost/foo}}\nspec: {containers: [{name: c}]}\n",
		  "" },
		{ "localhost annotation for a container",
		  "kind: Pod\nmetadata: {name: p, annotations: "
		  "{container.seccomp.security.alpha.kubernetes.io/foo: localhost/foo}}\n"
		  "spec: {containers: [{name: foo}]}\n",
		  "" },
		{ "pod field RuntimeDefault",
		  "kind: Pod\nmetadata: {name: p}\nspec: {securityContext: {seccompProfile: {type: "
		  "RuntimeDefault}}, containers: [{name: c}]}\n",
		  "" },
		{ "container field Unconfined",
		  "kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, securityContext: "
		  "{seccompProfile: {type: Unconfined}}}]}\n",
		  "" },
		{ "pod field Localhost filename.json",
		  "kind: Pod\nmetadata: {name: p}\nspec: {securityContext: {seccompProfile: {type: "
		  "Localhost, localhostProfile: filename.json}}, containers: [{name: c}]}\n",
		  "" },
		{ "must be a valid pod seccomp profile",
		  "kind: Pod\nmetadata: {name: p, annotations: "
		  "{seccomp.security.alpha.kubernetes.io/pod: "
		  "foo}}\nspec: {containers: [{name: c}]}\n",
		  "metadata.annotations[seccomp.security.alpha.kubernetes.io/pod]: Invalid value: "
		  "\"foo\": must be a valid seccomp profile" },
		{ "must be a valid container seccomp profile",
		  "kind: Pod\nmetadata: {name: p, annotations: "
		  "{container.seccomp.security.alpha.kubernetes.io/foo: foo}}\n"
		  "spec: {containers: [{name: foo}]}\n",
		  "metadata.annotations[container.seccomp.security.alpha.kubernetes.io/foo]: "
		  "Invalid "
		  "value: \"foo\": must be a valid seccomp profile" },
		{ "must be a non-empty container name in seccomp annotation",
		  "kind: Pod\nmetadata: {name: p, annotations: "
		  "{\"container.seccomp.security.alpha.kubernetes.io/\": foo}}\n"
		  "spec: {containers: [{name: foo}]}\n",
		  "metadata.annotations: Invalid value: "
		  "\"container.seccomp.security.alpha.kubernetes.io/\": name part must be "
		  "non-empty" },
		{ "must be a non-empty container profile in seccomp annotation",
		  "kind: Pod\nmetadata: {name: p, annotations: "
		  "{container.seccomp.security.alpha.kubernetes.io/foo: \"\"}}\n"
		  "spec: {containers: [{name: foo}]}\n",
		  "metadata.annotations[container.seccomp.security.alpha.kubernetes.io/foo]: "
		  "Invalid "
		  "value: \"\": must be a valid seccomp profile" },
		{ "must match seccomp profile type and pod annotation",
		  "kind: Pod\nmetadata: {name: p, annotations: "
		  "{seccomp.security.alpha.kubernetes.io/pod: "
		  "unconfined}}\nspec: {securityContext: {seccompProfile: {type: RuntimeDefault}}, "
		  "containers: [{name: c}]}\n",
		  "spec.securityContext.seccompProfile.type: Forbidden: seccomp type in annotation "
		  "and "
		  "field must match" },
		{ "must match seccomp profile type and container annotation",
		  "kind: Pod\nmetadata: {name: p, annotations: "
		  "{container.seccomp.security.alpha.kubernetes.io/ctr: unconfined}}\n"
		  "spec: {containers: [{name: ctr, securityContext: {seccompProfile: {type: "
		  "RuntimeDefault}}}]}\n",
		  "spec.containers[0].securityContext.seccompProfile.type: Forbidden: seccomp type "
		  "in "
		  "annotation and field must match" },
		{ "must be a relative path in a node-local seccomp profile annotation",
		  "kind: Pod\nmetadata: {name: p, annotations: "
		  "{seccomp.security.alpha.kubernetes.io/pod: "
		  "localhost//foo}}\nspec: {containers: [{name: c}]}\n",
		  "metadata.annotations[seccomp.security.alpha.kubernetes.io/pod]: Invalid value: "
		  "\"/foo\": must be a relative path" },
		{ "must not start with '../'",
		  "kind: Pod\nmetadata: {name: p, annotations: "
		  "{seccomp.security.alpha.kubernetes.io/pod: "
		  "localhost/../foo}}\nspec: {containers: [{name: c}]}\n",
		  "metadata.annotations[seccomp.security.alpha.kubernetes.io/pod]: Invalid value: "
		  "\"../foo\": must not contain '..'" },
		{ "annotation localhost/test.json, field Localhost different.json",
		  "kind: Pod\nmetadata: {name: p, annotations: "
		  "{seccomp.security.alpha.kubernetes.io/pod: "
		  "localhost/test.json}}\nspec: {securityContext: {seccompProfile: {type: "
		  "Localhost, "
		  "localhostProfile: different.json}}, containers: [{name: c}]}\n",
		  "spec.securityContext.seccompProfile.localhostProfile: Forbidden: seccomp "
		  "profile in "
		  "annotation and field must match" },
		{ "annotation localhost/test.json, field Localhost without profile",
		  "kind: Pod\nmetadata: {name: p, annotations: "
		  "{seccomp.security.alpha.kubernetes.io/pod: "
		  "localhost/test.json}}\nspec: {securityContext: {seccompProfile: {type: "
		  "Localhost}}, "
		  "containers: [{name: c}]}\n",
		  "spec.securityContext.seccompProfile.localhostProfile: Required value: must be "
		  "set "
		  "when seccomp type is Localhost\n"
		  "spec.securityContext.seccompProfile.localhostProfile: Forbidden: seccomp "
		  "profile in "
		  "annotation and field must match" },
		{ "annotation localhost/test.json, field RuntimeDefault",
		  "kind: Pod\nmetadata: {name: p, annotations: "
		  "{seccomp.security.alpha.kubernetes.io/pod: "
		  "localhost/test.json}}\nspec: {securityContext: {seccompProfile: {type: "
		  "RuntimeDefault}}, containers: [{name: c}]}\n",
		  "spec.securityContext.seccompProfile.type: Forbidden: seccomp type in annotation "
		  "and "
		  "field must match" },
		{ "annotation docker/default, field RuntimeDefault",
		  "kind: Pod\nmetadata: {name: p, annotations: "
		  "{seccomp.security.alpha.kubernetes.io/pod: "
		  "docker/default}}\nspec: {securityContext: {seccompProfile: {type: "
		  "RuntimeDefault}}, containers: [{name: c}]}\n",
		  "" },
		{ "field type Abc: no mismatch error, only its own",
		  "kind: Pod\nmetadata: {name: p, annotations: "
		  "{seccomp.security.alpha.kubernetes.io/pod: "
		  "localhost/anyprofile}}\nspec: {securityContext: {seccompProfile: {type: Abc}}, "
		  "containers: [{name: c}]}\n",
		  "spec.securityContext.seccompProfile.type: Unsupported value: \"Abc\": supported "
		  "values: \"Localhost\", \"RuntimeDefault\", \"Unconfined\"" },
		{ "template: container annotation and field",
		  "kind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    metadata: "
		  "{annotations: {container.seccomp.security.alpha.kubernetes.io/test2: "
		  "unconfined}}\n"
		  "    spec: {containers: [{name: test1}, {name: test2, securityContext: "
		  "{seccompProfile: {type: RuntimeDefault}}}]}\n",
		  "spec.template.spec.containers[1].securityContext.seccompProfile.type: "
		  "Forbidden: "
		  "seccomp type in annotation and field must match" },
		{ "template: pod annotation and field",
		  "kind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    metadata: "
		  "{annotations: {seccomp.security.alpha.kubernetes.io/pod: runtime/default}}\n"
		  "    spec: {securityContext: {seccompProfile: {type: Unconfined}}, containers: "
		  "[{name: c}]}\n",
		  "spec.template.spec.securityContext.seccompProfile.type: Forbidden: seccomp type "
		  "in "
		  "annotation and field must match" },
		{ "template: init container annotation and field",
		  "kind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    metadata: "
		  "{annotations: {container.seccomp.security.alpha.kubernetes.io/init-test: "
		  "unconfined}}\n    spec: {initContainers: [{name: init-test, securityContext: "
		  "{seccompProfile: {type: RuntimeDefault}}}], containers: [{name: c}]}\n",
		  "spec.template.spec.initContainers[0].securityContext.seccompProfile.type: "
		  "Forbidden: "
		  "seccomp type in annotation and field must match" },
		{ "windows pod",
		  "kind: Pod\nmetadata: {name: p}\nspec: {os: {name: windows}, containers: [{name: "
		  "c, "
		  "securityContext: {seccompProfile: {type: RuntimeDefault}}}]}\n",
		  "spec.containers[0].securityContext.seccompProfile: Forbidden: cannot be set for "
		  "a "
		  "windows pod" },
		{ "ephemeral containers on create",
		  "kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c}], "
		  "ephemeralContainers: "
		  "[{name: e}]}\n",
		  "spec.ephemeralContainers: Forbidden: cannot be set on create" },
		{ "Localhost without localhostProfile",
		  "kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, securityContext: "
		  "{seccompProfile: {type: Localhost}}}]}\n",
		  "spec.containers[0].securityContext.seccompProfile.localhostProfile: Required "
		  "value: "
		  "must be set when seccomp type is Localhost" },
		{ "Localhost /abs.json",
		  "kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, securityContext: "
		  "{seccompProfile: {type: Localhost, localhostProfile: /abs.json}}}]}\n",
		  "spec.containers[0].securityContext.seccompProfile.localhostProfile: Invalid "
		  "value: "
		  "\"/abs.json\": must be a relative path" },
		{ "Localhost a/../b",
		  "kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, securityContext: "
		  "{seccompProfile: {type: Localhost, localhostProfile: a/../b}}}]}\n",
		  "spec.containers[0].securityContext.seccompProfile.localhostProfile: Invalid "
		  "value: "
		  "\"a/../b\": must not contain '..'" },
		{ "Localhost /../x: both",
		  "kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, securityContext: "
		  "{seccompProfile: {type: Localhost, localhostProfile: /../x}}}]}\n",
		  "spec.containers[0].securityContext.seccompProfile.localhostProfile: Invalid "
		  "value: "
		  "\"/../x\": must be a relative path\n"
		  "spec.containers[0].securityContext.seccompProfile.localhostProfile: Invalid "
		  "value: "
		  "\"/../x\": must not contain '..'" },
		{ "Localhost ..foo, foo.. and . pass",
		  "kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a, securityContext: "
		  "{seccompProfile: {type: Localhost, localhostProfile: ..foo}}}, {name: b, "
		  "securityContext: {seccompProfile: {type: Localhost, localhostProfile: foo..}}}, "
		  "{name: c, securityContext: {seccompProfile: {type: Localhost, localhostProfile: "
		  ".}}}]}\n",
		  "" },
		{ "RuntimeDefault with localhostProfile",
		  "kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, securityContext: "
		  "{seccompProfile: {type: RuntimeDefault, localhostProfile: x}}}]}\n",
		  "spec.containers[0].securityContext.seccompProfile.localhostProfile: Invalid "
		  "value: "
		  "{\"type\":\"RuntimeDefault\",\"localhostProfile\":\"x\"}: can only be set when "
		  "seccomp type is Localhost" },
		{ "empty seccompProfile",
		  "kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, securityContext: "
		  "{seccompProfile: {}}}]}\n",
		  "spec.containers[0].securityContext.seccompProfile.type: Required value: type is "
		  "required when seccompProfile is set" },
		{ "type foo",
		  "kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, securityContext: "
		  "{seccompProfile: {type: foo}}}]}\n",
		  "spec.containers[0].securityContext.seccompProfile.type: Unsupported value: "
		  "\"foo\": "
		  "supported values: \"Localhost\", \"RuntimeDefault\", \"Unconfined\"" },
		/* ValidateObjectMeta and validateContainers: the names apply stores pods under */
		{ "pod name not a DNS subdomain",
		  "kind: Pod\nmetadata: {name: Bad_Name}\nspec: {containers: [{name: c}]}\n",
		  "metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must "
		  "consist of lower case alphanumeric characters, '-' or '.', and must start and "
		  "end with an alphanumeric character" },
		{ "pod name of 254 bytes",
		  "kind: Pod\nmetadata: {name: "
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa."
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa."
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa."
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa}\n"
		  "spec: {containers: [{name: c}]}\n",
		  "metadata.name: Invalid value: "
		  "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa."
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa."
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa."
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\": a lowercase "
		  "RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
		  "'.', and must start and end with an alphanumeric character" },
		{ "no name", "kind: Pod\nmetadata: {}\nspec: {containers: [{name: c}]}\n",
		  "metadata.name: Required value: name or generateName is required" },
		{ "generateName alone passes",
		  "kind: Pod\nmetadata: {generateName: p-}\nspec: {containers: [{name: c}]}\n",
		  "" },
		{ "workload name",
		  "kind: Deployment\nmetadata: {name: web.}\nspec: {template: {spec: {containers: "
		  "[{name: c}]}}}\n",
		  "metadata.name: Invalid value: \"web.\": a lowercase RFC 1123 subdomain must "
		  "consist of lower case alphanumeric characters, '-' or '.', and must start and "
		  "end with an alphanumeric character" },
		{ "container names: a label of at most 63, unique",
		  "kind: Deployment\nmetadata: {name: d}\nspec: {template: {spec: {initContainers: "
		  "[{name: a.b}], containers: [{name: "
		  "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc}, {name: "
		  "a.b}]}}}"
		  "\n",
		  "spec.template.spec.initContainers[0].name: Invalid value: \"a.b\": a lowercase "
		  "RFC "
		  "1123 label must consist of lower case alphanumeric characters or '-', and must "
		  "start and end with an alphanumeric character\n"
		  "spec.template.spec.containers[0].name: Invalid value: "
		  "\"cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc\": a "
		  "lowercase "
		  "RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
		  "must start and end with an alphanumeric character\n"
		  "spec.template.spec.containers[1].name: Invalid value: \"a.b\": a lowercase RFC "
		  "1123 label must consist of lower case alphanumeric characters or '-', and must "
		  "start and end with an alphanumeric character\n"
		  "spec.template.spec.containers[1].name: Duplicate value: \"a.b\"" },
		{ "no containers", "kind: Pod\nmetadata: {name: p}\nspec: {}\n",
		  "spec.containers: Required value" },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_(freep) char *got = validate(cases[i].yaml);

		is_str(got, cases[i].want, "3a-2 %s", cases[i].name);
	}
}

static char *
outcome(const char *yaml, const char *root)
{
	struct kube_manifest *m = parse(yaml);
	struct kube_kubelet_result k;
	struct kube_outcome o;
	char *out;

	if (!m || m->n_pods != 1)
		return strdup("(no pod)");
	if (kube_kubelet_resolve(&m->pods[0], &m->pods[0].containers[0], false, root, &k) < 0 ||
	    kube_runtime_outcome(&m->pods[0], &m->pods[0].containers[0], &k,
	                         &(struct kube_runtime){ .arch = KSC_ARCH_X86_64,
	                                                 .seccomp_enabled = true,
	                                                 .oci = { KUBE_OCI_RUNC, 1, 1, 5 } },
	                         &o) < 0)
		abort();
	out = strdup(o.error ? o.error : o.unconfined ? "no seccomp" : "profile");
	kube_outcome_done(&o);
	kube_kubelet_result_done(&k);
	kube_manifest_free(m);
	return out;
}

static void
runtime_side(const char *root)
{
	static const struct {
		const char *name, *sc, *want;
	} cases[] = {
		{ "privileged with RuntimeDefault",
		  "{privileged: true, seccompProfile: {type: RuntimeDefault}}", "no seccomp" },
		{ "privileged with Localhost",
		  "{privileged: true, seccompProfile: {type: Localhost, localhostProfile: "
		  "missing.json}}",
		  "no seccomp" },
		{ "Unconfined", "{seccompProfile: {type: Unconfined}}", "no seccomp" },
		{ "unset", "{}", "no seccomp" },
		{ "RuntimeDefault", "{seccompProfile: {type: RuntimeDefault}}", "profile" },
		{ "Localhost present",
		  "{seccompProfile: {type: Localhost, localhostProfile: ok.json}}", "profile" },
		{ "Localhost in a subdirectory",
		  "{seccompProfile: {type: Localhost, localhostProfile: profiles/./ok.json}}",
		  "profile" },
	};
	char yaml[512], want[1024];

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_(freep) char *got = NULL;

		snprintf(yaml, sizeof(yaml),
		         "kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, "
		         "securityContext: %s}]}\n",
		         cases[i].sc);
		got = outcome(yaml, root);
		is_str(got, cases[i].want, "3a-3 %s", cases[i].name);
	}
	{
		_cleanup_(freep) char *got = outcome(
		        "kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, "
		        "securityContext: {seccompProfile: {type: Localhost, localhostProfile: "
		        "missing.json}}}]}\n",
		        root);

		snprintf(want, sizeof(want),
		         /* measured: containerd 1.6.20 loads the file in NewContainer */
		         "CreateContainerError: failed to create containerd container: cannot load "
		         "seccomp profile \"%s/seccomp/missing.json\": open "
		         "%s/seccomp/missing.json: no "
		         "such file or directory",
		         root, root);
		is_str(got, want, "3a-3 Localhost missing: containerd's message");
	}
	{
		_cleanup_(freep) char *got = outcome(
		        "kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, "
		        "securityContext: {seccompProfile: {type: Localhost, localhostProfile: "
		        "bad.json}}}]}\n",
		        root);

		/* containerd takes any action string; runc refuses it at start (measured) */
		is_str(got,
		       "StartError: failed to create containerd task: failed to create shim task: "
		       "OCI runtime create failed: runc create failed: string SCMP_ACT_LOGG is not "
		       "a "
		       "valid action for seccomp: unknown",
		       "3a-3 Localhost with an unknown action: runc's StartError");
	}
	{
		/* capabilities: default + add - drop; drop ALL then add */
		struct kube_manifest *m = parse(
		        "kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a, "
		        "securityContext: "
		        "{capabilities: {add: [SYS_ADMIN], drop: [NET_RAW]}}}, {name: b, "
		        "securityContext: {capabilities: {drop: [ALL], add: [CHOWN]}}}, {name: c, "
		        "securityContext: {privileged: true}}]}\n");
		uint64_t def = ksc_caps_kubernetes_default();

		ok(m && kube_container_caps(&m->pods[0].containers[0]) ==
		                   ((def | (UINT64_C(1) << 21)) & ~(UINT64_C(1) << 13)),
		   "capabilities: default + SYS_ADMIN - NET_RAW");
		ok(m && kube_container_caps(&m->pods[0].containers[1]) == 1,
		   "capabilities: drop ALL, add CHOWN");
		ok(m && kube_container_caps(&m->pods[0].containers[2]) == ksc_caps_all(),
		   "capabilities: privileged has them all");
		kube_manifest_free(m);
	}
}

static void
cri_side(void)
{
	static const struct {
		const char *name;
		enum kube_cri_type type;
		const char *ref, *legacy;
		bool privileged, enabled;
		int want;
		const char *text;
	} cases[] = {
		{ "privileged (any profile)", KUBE_CRI_LOCALHOST, "x", NULL, true, true,
		  KUBE_CRI_NO_SECCOMP, NULL },
		{ "seccomp disabled, RuntimeDefault", KUBE_CRI_RUNTIME_DEFAULT, NULL, NULL, false,
		  false, KUBE_CRI_ERROR, "seccomp is not supported" },
		{ "seccomp disabled, Unconfined", KUBE_CRI_UNCONFINED, NULL, NULL, false, false,
		  KUBE_CRI_NO_SECCOMP, NULL },
		{ "seccomp disabled, unset", KUBE_CRI_UNSET, NULL, NULL, false, false,
		  KUBE_CRI_NO_SECCOMP, NULL },
		{ "Unconfined", KUBE_CRI_UNCONFINED, NULL, NULL, false, true, KUBE_CRI_NO_SECCOMP,
		  NULL },
		{ "unset", KUBE_CRI_UNSET, NULL, NULL, false, true, KUBE_CRI_NO_SECCOMP, NULL },
		{ "RuntimeDefault", KUBE_CRI_RUNTIME_DEFAULT, NULL, NULL, false, true,
		  KUBE_CRI_DEFAULT_PROFILE, NULL },
		{ "legacy runtime/default", KUBE_CRI_UNSET, NULL, "runtime/default", false, true,
		  KUBE_CRI_DEFAULT_PROFILE, NULL },
		{ "legacy docker/default", KUBE_CRI_UNSET, NULL, "docker/default", false, true,
		  KUBE_CRI_DEFAULT_PROFILE, NULL },
		{ "legacy \"\"", KUBE_CRI_UNSET, NULL, "", false, true, KUBE_CRI_DEFAULT_PROFILE,
		  NULL },
		{ "Localhost localhost/test-profile", KUBE_CRI_LOCALHOST, "localhost/test-profile",
		  NULL, false, true, KUBE_CRI_LOAD_FILE, "test-profile" },
		{ "Localhost test-profile", KUBE_CRI_LOCALHOST, "test-profile", NULL, false, true,
		  KUBE_CRI_LOAD_FILE, "test-profile" },
		{ "legacy localhost/test-profile", KUBE_CRI_UNSET, NULL, "localhost/test-profile",
		  false, true, KUBE_CRI_LOAD_FILE, "test-profile" },
		{ "RuntimeDefault with a LocalhostRef", KUBE_CRI_RUNTIME_DEFAULT, "x", NULL, false,
		  true, KUBE_CRI_ERROR,
		  "seccomp config invalid LocalhostRef must only be set if ProfileType is "
		  "Localhost" },
		{ "legacy string not matching", KUBE_CRI_UNSET, NULL, "foo", false, true,
		  KUBE_CRI_ERROR, "invalid profile \"foo\"" },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		char *text = NULL;
		int r = kube_cri_seccomp(cases[i].type, cases[i].ref, cases[i].legacy,
		                         cases[i].privileged, cases[i].enabled, &text);

		ok(r == cases[i].want &&
		           (cases[i].text ? text && streq(text, cases[i].text) : !text),
		   "3a-3 CRI: %s -> %d%s%s", cases[i].name, r, text ? " " : "", text ? text : "");
		free(text);
	}
}

/* The seccompProfile checks' verdict on a pod (the other checks of the full evaluation are
 * test-psa's): "allowed", or their ForbiddenDetail. minor 0: latest. */
static char *
psa(const char *yaml, enum kube_psa_level level, unsigned minor)
{
	struct kube_manifest *m = parse(yaml);
	struct kube_psa_result res;
	char *detail = NULL;

	if (!m || m->n_pods != 1)
		return strdup("(no pod)");
	if (kube_psa_evaluate(&m->pods[0], level, minor ? minor : KUBE_PSA_LATEST, &res) < 0)
		abort();
	for (size_t i = 0; i < res.n && !detail; i++)
		if (startswith(res.v[i].check, "seccompProfile"))
			detail = strdup(res.v[i].detail);
	kube_psa_result_done(&res);
	kube_manifest_free(m);
	return detail ? detail : strdup("allowed");
}

static void
pod_security(void)
{
	static const char six[] =
	        "  containers:\n  - {name: a}\n  - {name: b, securityContext: {}}\n"
	        "  - {name: c, securityContext: {seccompProfile: {type: Unconfined}}}\n"
	        "  - {name: d, securityContext: {seccompProfile: {type: Unconfined}}}\n"
	        "  - {name: e, securityContext: {seccompProfile: {type: RuntimeDefault}}}\n"
	        "  - {name: f, securityContext: {seccompProfile: {type: RuntimeDefault}}}\n";
	static const struct {
		const char *name;
		enum kube_psa_level level;
		unsigned minor;
		const char *spec, *annotations, *want;
	} cases[] = {
		{ "baseline 1.19 pod Unconfined", KUBE_PSA_BASELINE, 19,
		  "  securityContext: {seccompProfile: {type: Unconfined}}\n  containers: [{name: "
		  "a}]\n",
		  "", "pod must not set securityContext.seccompProfile.type to \"Unconfined\"" },
		{ "baseline 1.19 containers c, d", KUBE_PSA_BASELINE, 19,
		  "  securityContext: {seccompProfile: {type: RuntimeDefault}}\n", "six",
		  "containers \"c\", \"d\" must not set securityContext.seccompProfile.type to "
		  "\"Unconfined\"" },
		{ "baseline 1.19 pod and containers", KUBE_PSA_BASELINE, 19,
		  "  securityContext: {seccompProfile: {type: Unconfined}}\n", "six",
		  "pod and containers \"c\", \"d\" must not set "
		  "securityContext.seccompProfile.type to "
		  "\"Unconfined\"" },
		{ "baseline 1.0 pod annotation", KUBE_PSA_BASELINE, 18,
		  "  containers: [{name: a}]\n",
		  "{seccomp.security.alpha.kubernetes.io/pod: unconfined}",
		  "forbidden annotation seccomp.security.alpha.kubernetes.io/pod=\"unconfined\"" },
		{ "baseline 1.0 container annotations", KUBE_PSA_BASELINE, 18,
		  "  containers: [{name: a}, {name: b}, {name: c}]\n",
		  "{container.seccomp.security.alpha.kubernetes.io/a: unconfined, "
		  "container.seccomp.security.alpha.kubernetes.io/b: unknown}",
		  "forbidden annotations container.seccomp.security.alpha.kubernetes.io/a="
		  "\"unconfined\", container.seccomp.security.alpha.kubernetes.io/b=\"unknown\"" },
		{ "baseline 1.0 pod and container annotations", KUBE_PSA_BASELINE, 18,
		  "  containers: [{name: a}, {name: b}, {name: c}]\n",
		  "{seccomp.security.alpha.kubernetes.io/pod: unconfined, "
		  "container.seccomp.security.alpha.kubernetes.io/a: unconfined, "
		  "container.seccomp.security.alpha.kubernetes.io/b: unknown}",
		  "forbidden annotations container.seccomp.security.alpha.kubernetes.io/a="
		  "\"unconfined\", container.seccomp.security.alpha.kubernetes.io/b=\"unknown\", "
		  "seccomp.security.alpha.kubernetes.io/pod=\"unconfined\"" },
		{ "restricted 1.19 nothing set", KUBE_PSA_RESTRICTED, 19,
		  "  containers: [{name: a}]\n", "",
		  "pod or container \"a\" must set securityContext.seccompProfile.type to "
		  "\"RuntimeDefault\" or \"Localhost\"" },
		{ "restricted 1.25 windows", KUBE_PSA_RESTRICTED, 25,
		  "  os: {name: windows}\n  containers: [{name: a}]\n", "", "allowed" },
		{ "restricted 1.25 linux", KUBE_PSA_RESTRICTED, 25,
		  "  os: {name: linux}\n  containers: [{name: a}]\n", "",
		  "pod or container \"a\" must set securityContext.seccompProfile.type to "
		  "\"RuntimeDefault\" or \"Localhost\"" },
		{ "restricted pod Unconfined", KUBE_PSA_RESTRICTED, 0,
		  "  securityContext: {seccompProfile: {type: Unconfined}}\n  containers: [{name: "
		  "a}]\n",
		  "", "pod must not set securityContext.seccompProfile.type to \"Unconfined\"" },
		{ "restricted containers c, d", KUBE_PSA_RESTRICTED, 0,
		  "  securityContext: {seccompProfile: {type: RuntimeDefault}}\n", "six",
		  "containers \"c\", \"d\" must not set securityContext.seccompProfile.type to "
		  "\"Unconfined\"" },
		{ "restricted a and b uncovered", KUBE_PSA_RESTRICTED, 0,
		  "  containers:\n  - {name: a}\n  - {name: b, securityContext: {}}\n"
		  "  - {name: d, securityContext: {seccompProfile: {type: RuntimeDefault}}}\n"
		  "  - {name: e, securityContext: {seccompProfile: {type: RuntimeDefault}}}\n",
		  "",
		  "pod or containers \"a\", \"b\" must set securityContext.seccompProfile.type to "
		  "\"RuntimeDefault\" or \"Localhost\"" },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_(freep) char *yaml = NULL, *got = NULL;
		bool six_containers = streq(cases[i].annotations, "six");

		if (asprintf(&yaml, "kind: Pod\nmetadata: {name: p%s%s}\nspec:\n%s%s",
		             *cases[i].annotations && !six_containers ? ", annotations: " : "",
		             six_containers ? "" : cases[i].annotations, cases[i].spec,
		             six_containers ? six : "") < 0)
			abort();
		got = psa(yaml, cases[i].level, cases[i].minor);
		is_str(got, cases[i].want, "3b %s", cases[i].name);
	}
}

/* pod-security-admission's own fixtures: fail/ must be forbidden, pass/ allowed */
static void
psa_fixtures(void)
{
	static const char *const dirs[] = { "baseline/v1.37/fail", "baseline/v1.37/pass",
		                            "restricted/v1.37/fail", "restricted/v1.37/pass" };
	static const char *const files[] = {
		"seccompprofile_baseline0.yaml",   "seccompprofile_baseline1.yaml",
		"seccompprofile_baseline2.yaml",   "seccompprofile_restricted0.yaml",
		"seccompprofile_restricted1.yaml", "seccompprofile_restricted2.yaml",
		"seccompprofile_restricted3.yaml", "seccompprofile_restricted4.yaml",
	};
	unsigned tried = 0;

	for (size_t d = 0; d < ELEMENTSOF(dirs); d++)
		for (size_t f = 0; f < ELEMENTSOF(files); f++) {
			struct kube_manifest *m = NULL;
			struct kube_psa_result res = { 0 };
			char path[512], *detail = NULL;
			bool allowed = false, want = strstr(dirs[d], "/pass") != NULL;

			snprintf(path, sizeof(path), "%s/kube/psa/%s/%s", fixtures, dirs[d],
			         files[f]);
			if (access(path, R_OK) < 0)
				continue;
			tried++;
			if (kube_manifest_read(path, &m, NULL) < 0 || m->n_pods != 1 ||
			    kube_psa_evaluate(&m->pods[0],
			                      startswith(dirs[d], "baseline") ? KUBE_PSA_BASELINE
			                                                      : KUBE_PSA_RESTRICTED,
			                      37, &res) < 0)
				allowed = !want;
			else {
				allowed = res.allowed;
				detail = kube_psa_message(&res);
			}
			kube_psa_result_done(&res);
			ok(allowed == want, "3b fixture %s/%s: %s%s%s", dirs[d], files[f],
			   allowed ? "allowed" : "forbidden", detail ? ": " : "",
			   detail ? detail : "");
			free(detail);
			kube_manifest_free(m);
		}
	is_int(tried, 15, "all 15 pod-security-admission fixtures were read");
}

static void
workloads(void)
{
	static const struct {
		const char *kind, *yaml, *path;
	} cases[] = {
		{ "Deployment",
		  "kind: Deployment\nmetadata: {name: w}\nspec: {template: {spec: {containers: "
		  "[{name: c}]}}}\n",
		  "spec.template.spec" },
		{ "ReplicaSet",
		  "kind: ReplicaSet\nmetadata: {name: w}\nspec: {template: {spec: {containers: "
		  "[{name: c}]}}}\n",
		  "spec.template.spec" },
		{ "StatefulSet",
		  "kind: StatefulSet\nmetadata: {name: w}\nspec: {template: {spec: {containers: "
		  "[{name: c}]}}}\n",
		  "spec.template.spec" },
		{ "DaemonSet",
		  "kind: DaemonSet\nmetadata: {name: w}\nspec: {template: {spec: {containers: "
		  "[{name: c}]}}}\n",
		  "spec.template.spec" },
		{ "Job",
		  "kind: Job\nmetadata: {name: w}\nspec: {template: {spec: {containers: [{name: "
		  "c}]}}}\n",
		  "spec.template.spec" },
		{ "ReplicationController",
		  "kind: ReplicationController\nmetadata: {name: w}\nspec: {template: {spec: "
		  "{containers: [{name: c}]}}}\n",
		  "spec.template.spec" },
		{ "CronJob",
		  "kind: CronJob\nmetadata: {name: w}\nspec: {jobTemplate: {spec: {template: "
		  "{spec: "
		  "{containers: [{name: c}]}}}}}\n",
		  "spec.jobTemplate.spec.template.spec" },
		{ "PodTemplate",
		  "kind: PodTemplate\nmetadata: {name: w}\ntemplate: {spec: {containers: [{name: "
		  "c}]}}\n",
		  "template.spec" },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct kube_manifest *m = parse(cases[i].yaml);

		ok(m && m->n_pods == 1 && streq(m->pods[0].kind, cases[i].kind) &&
		           streq(m->pods[0].spec_path, cases[i].path) &&
		           m->pods[0].n_containers == 1 && streq(m->pods[0].name, "w"),
		   "%s: its pod template is read at %s", cases[i].kind, cases[i].path);
		kube_manifest_free(m);
	}
	{
		struct kube_manifest *m = parse(
		        "apiVersion: v1\nkind: List\nitems:\n"
		        "- {kind: Pod, metadata: {name: a}, spec: {containers: [{name: c}]}}\n"
		        "- {kind: Service, metadata: {name: s}}\n"
		        "- {kind: Pod, metadata: {name: b}, spec: {initContainers: [{name: i}, "
		        "{name: s, "
		        "restartPolicy: Always}], containers: [{name: c}]}}\n"
		        "---\n"
		        "{\"kind\": \"Pod\", \"metadata\": {\"name\": \"json\"}, \"spec\": "
		        "{\"containers\": [{\"name\": \"c\"}]}}\n");

		ok(m && m->n_pods == 3 && m->n_other == 1,
		   "a List and a JSON document in one stream: 3 pods, 1 other object");
		ok(m && m->n_pods == 3 && m->pods[1].n_containers == 3 &&
		           m->pods[1].containers[0].kind == KUBE_INIT &&
		           m->pods[1].containers[1].kind == KUBE_SIDECAR &&
		           m->pods[1].containers[2].kind == KUBE_CONTAINER,
		   "init containers, sidecars (restartPolicy: Always) and containers");
		kube_manifest_free(m);
	}
	{
		struct kube_manifest *m = NULL;
		struct ksc_error *e = NULL;
		const char bad[] =
		        "kind: Pod\nmetadata: {name: p}\nspec: {containers: {name: c}}\n";
		int r = kube_manifest_parse("bad.yaml", bad, strlen(bad), &m, &e);

		is_int(r, -EINVAL, "a malformed manifest is refused");
		is_str(e ? ksc_error_message(e) : NULL,
		       "bad.yaml:3:20: spec.containers: must be a list, got an object",
		       "with its position");
		ksc_error_free(e);
	}
}

/* The API server's decoder matches keys exactly (sigs.k8s.io/json), unlike a profile's. */
static void
case_sensitive_keys(void)
{
	/* Go's encoding/json would read both of these as seccompProfile: Unconfined. */
	char *got = kubelet("", "", true);

	is_str(got, "RuntimeDefault", "seccompDefault, no profile: RuntimeDefault");
	free(got);
	{
		const char yaml[] = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
		                    "  securityContext: {SeccompProfile: {type: Unconfined}}\n"
		                    "  containers:\n  - name: c\n    image: x\n"
		                    "    securityContext:\n"
		                    "      \xc5\xbf"
		                    "eccompProfile: {type: Unconfined}\n"
		                    "      Privileged: true\n";
		struct kube_manifest *m = parse(yaml);
		struct kube_kubelet_result r = { 0 };

		ok(m && m->n_pods == 1 && m->pods[0].n_containers == 1,
		   "a pod with keys in other spellings parses");
		if (m && m->n_pods == 1 && m->pods[0].n_containers == 1) {
			ok(!m->pods[0].seccomp.set, "SeccompProfile is not seccompProfile");
			ok(!m->pods[0].containers[0].seccomp.set,
			   "U+017F eccompProfile is not seccompProfile");
			ok(!m->pods[0].containers[0].privileged, "Privileged is not privileged");
			if (kube_kubelet_resolve(&m->pods[0], &m->pods[0].containers[0], true, NULL,
			                         &r) < 0)
				abort();
			is_int(r.type, KUBE_PROFILE_RUNTIME_DEFAULT,
			       "the container gets the seccompDefault, as on a real cluster");
			kube_kubelet_result_done(&r);
		}
		kube_manifest_free(m);
	}
	{
		const char yaml[] =
		        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
		        "  containers:\n  - name: c\n    image: x\n"
		        "    securityContext:\n"
		        "      seccompProfile: {Type: Unconfined, type: RuntimeDefault}\n";
		struct kube_manifest *m = parse(yaml);

		ok(m && m->n_pods == 1 && m->pods[0].n_containers == 1 &&
		           streq(m->pods[0].containers[0].seccomp.type, "RuntimeDefault"),
		   "Type and type are two keys: type is read");
		kube_manifest_free(m);
	}
}

/* A container whose command and args were read, then a later field failed: refused, and
 * (under LeakSanitizer) nothing of it leaks. */
static void
failed_container_frees(void)
{
	static const char *const bad[] = {
		"kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n"
		"    command: [sh, -c]\n    args: [x]\n    securityContext: {privileged: 3}\n",
		"kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n"
		"    command: [sh]\n    args: [1, {}]\n",
		"kind: Deployment\nspec:\n  template:\n    spec:\n      initContainers:\n"
		"      - {name: i, command: [a], args: [b]}\n      containers:\n"
		"      - {name: c, command: [a], args: [b], securityContext: {runAsUser: -1}}\n",
	};

	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		struct kube_manifest *m = NULL;
		struct ksc_error *e = NULL;
		int r = kube_manifest_parse("bad.yaml", bad[i], strlen(bad[i]), &m, &e);

		is_int(r, -EINVAL, "a container failing after command/args is refused (%zu)", i);
		ksc_error_free(e);
	}
}

static void
tutorial(void)
{
	struct kube_manifest *m = NULL;
	char path[512];
	static const char *const want[] = { "Unconfined", "RuntimeDefault", "Localhost",
		                            "RuntimeDefault" };
	(void)want;

	snprintf(path, sizeof(path), "%s/kube/tutorial/fields.yaml", fixtures);
	if (kube_manifest_read(path, &m, NULL) < 0 || m->n_pods != 1) {
		ok(false, "the tutorial's fields.yaml reads");
		return;
	}
	{
		const struct kube_pod *pod = &m->pods[0];
		struct kube_kubelet_result k[3];

		ok(pod->seccomp.set && streq(pod->seccomp.type, "Unconfined"),
		   "fields.yaml: the pod says Unconfined");
		ok(pod->n_containers == 3, "fields.yaml: init, container, ephemeral");
		for (size_t i = 0; i < 3 && i < pod->n_containers; i++)
			if (kube_kubelet_resolve(pod, &pod->containers[i], false, NULL, &k[i]) < 0)
				abort();
		ok(k[0].type == KUBE_PROFILE_RUNTIME_DEFAULT &&
		           pod->containers[0].kind == KUBE_INIT,
		   "fields.yaml: the init container gets RuntimeDefault");
		ok(k[1].type == KUBE_PROFILE_LOCALHOST &&
		           streq(k[1].localhost_ref, "/var/lib/kubelet/seccomp/my-profile.json"),
		   "fields.yaml: the container gets Localhost "
		   "/var/lib/kubelet/seccomp/my-profile.json");
		ok(k[2].type == KUBE_PROFILE_RUNTIME_DEFAULT &&
		           pod->containers[2].kind == KUBE_EPHEMERAL,
		   "fields.yaml: the ephemeral container gets RuntimeDefault");
		for (size_t i = 0; i < 3; i++)
			kube_kubelet_result_done(&k[i]);
	}
	kube_manifest_free(m);
}

/* Exec probes' commands are read (record --probes-from marks them); one that is no list of
 * strings is an error at its place, as the API server's. */
static void
probe_commands(void)
{
	static const char yaml[] =
	        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
	        "  - name: web\n    image: x\n"
	        "    livenessProbe: {exec: {command: [sh, -c, cat /tmp/healthy]}}\n"
	        "    readinessProbe: {httpGet: {port: 80}}\n"
	        "    startupProbe: {exec: {command: [/bin/true]}}\n";
	static const char bad[] = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
	                          "  containers:\n  - name: web\n    image: x\n"
	                          "    livenessProbe: {exec: {command: cat}}\n";
	struct kube_manifest *m = NULL;
	struct ksc_error *e = NULL;
	const struct kube_container *c;

	if (kube_manifest_parse("probes.yaml", yaml, strlen(yaml), &m, &e) < 0) {
		ok(0, "probes: parsed: %s", ksc_error_message(e));
		ksc_error_free(e);
		return;
	}
	c = &m->pods[0].containers[0];
	ok(c->probe_commands[0] && c->probe_commands[0][2] && !c->probe_commands[0][3],
	   "probes: liveness exec command of three arguments");
	is_str(c->probe_commands[0] ? c->probe_commands[0][2] : NULL, "cat /tmp/healthy",
	       "probes: an argument with spaces stays one");
	ok(!c->probe_commands[1], "probes: an httpGet readiness probe has no command");
	is_str(c->probe_commands[2] ? c->probe_commands[2][0] : NULL, "/bin/true",
	       "probes: startup exec command");
	kube_manifest_free(m);
	m = NULL;
	ok(kube_manifest_parse("bad.yaml", bad, strlen(bad), &m, &e) < 0,
	   "probes: exec.command that is no list is an error");
	ok(e && strstr(ksc_error_message(e), "livenessProbe.exec.command"),
	   "probes: ...naming the field: %s", e ? ksc_error_message(e) : "");
	ksc_error_free(e);
	kube_manifest_free(m);
}

int
main(int argc, char **argv)
{
	char root[] = "/tmp/kseccomp-kube-XXXXXX";
	char path[512];
	FILE *f;

	if (argc < 2) {
		fprintf(stderr, "usage: test-kube FIXTURES_DIR\n");
		return 2;
	}
	fixtures = argv[1];
	if (!mkdtemp(root))
		return 1;
	snprintf(path, sizeof(path), "%s/seccomp", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/seccomp/profiles", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/seccomp/ok.json", root);
	if ((f = fopen(path, "w"))) {
		fputs("{\"defaultAction\": \"SCMP_ACT_LOG\"}\n", f);
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/seccomp/profiles/ok.json", root);
	if ((f = fopen(path, "w"))) {
		fputs("{\"defaultAction\": \"SCMP_ACT_LOG\"}\n", f);
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/seccomp/bad.json", root);
	if ((f = fopen(path, "w"))) {
		fputs("{\"defaultAction\": \"SCMP_ACT_LOGG\"}\n", f);
		fclose(f);
	}

	resolution_table();
	validation();
	runtime_side(root);
	cri_side();
	pod_security();
	psa_fixtures();
	workloads();
	tutorial();
	case_sensitive_keys();
	failed_container_frees();
	probe_commands();

	snprintf(path, sizeof(path), "rm -rf '%s'", root);
	(void)!system(path);
	return tap_done();
}
