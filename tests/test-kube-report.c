/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kube/report: the row `kube resolve` shows for a container and the lookup `kube inspect`
 * does, called as a library user would, on manifests with each kind of outcome.
 *
 * Usage: test-kube-report FIXTURES_DIR
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kube/report.h"
#include "macro.h"
#include "tap.h"

static const char manifest[] =
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
        "  - name: local\n    securityContext:\n"
        "      seccompProfile: {type: Localhost, localhostProfile: profiles/audit.json}\n"
        "  - name: missing\n    securityContext:\n"
        "      seccompProfile: {type: Localhost, localhostProfile: nothing-here.json}\n"
        "  - name: noref\n    securityContext:\n      seccompProfile: {type: Localhost}\n"
        "  - name: priv\n    securityContext:\n      privileged: true\n"
        "      seccompProfile: {type: RuntimeDefault}\n"
        "  - name: plain\n"
        "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n"
        "  template:\n    spec:\n      containers:\n      - name: plain\n";

static void
check_row(const struct kube_manifest *m, const struct kube_node_opts *node, const char *name,
          const char *type, const char *profile_suffix, const char *status, const char *json)
{
	const struct kube_pod *pod;
	const struct kube_container *c;
	struct kube_report rep;
	struct strbuf sb = { 0 };
	_cleanup_(freep) char *text = NULL;
	size_t plen;

	is_int(kube_manifest_find_container(m, "p", name, &pod, &c), 0, "%s: found in p", name);
	if (!c)
		return;
	is_int(kube_report_container(pod, c, node, &rep), 0, "%s: reported", name);
	is_str(rep.workload, "Pod/p", "%s: workload", name);
	is_str(rep.type, type, "%s: TYPE", name);
	plen = strlen(rep.profile);
	ok(plen >= strlen(profile_suffix) &&
	           streq(rep.profile + plen - strlen(profile_suffix), profile_suffix),
	   "%s: PROFILE %s ends in %s", name, rep.profile, profile_suffix);
	ok(!strncmp(rep.status, status, strlen(status)), "%s: OUTCOME %s starts %s", name,
	   rep.status, status);
	kube_report_json(&rep, &sb);
	is_int(strbuf_finish(&sb, &text, NULL), 0, "%s: json written", name);
	ok(text && strstr(text, json), "%s: json %s has %s", name, text ? text : "", json);
	kube_report_done(&rep);
	ok(!rep.unenforced && !rep.outcome.profile && !rep.kubelet.localhost_ref,
	   "%s: done empties the report", name);
}

int
main(int argc, char **argv)
{
	struct kube_manifest *m = NULL;
	struct ksc_error *e = NULL;
	const struct kube_pod *pod;
	const struct kube_container *c;
	char root[512];
	struct kube_node_opts node = { .root_dir = root,
		                       .seccomp_enabled = true,
		                       .arch = KSC_ARCH_X86_64,
		                       .oci = { KUBE_OCI_RUNC, 1, 1, 5 } };

	if (argc < 2) {
		fprintf(stderr, "usage: test-kube-report FIXTURES_DIR\n");
		return 2;
	}
	snprintf(root, sizeof(root), "%s/kube/kubelet-root", argv[1]);
	if (kube_manifest_parse("t.yaml", manifest, strlen(manifest), &m, &e) < 0) {
		printf("Bail out! %s\n", e ? ksc_error_message(e) : "?");
		return 1;
	}

	is_int(kube_manifest_find_container(m, NULL, "plain", &pod, &c), -ENOTUNIQ,
	       "a name in two pods is ambiguous without the pod");
	is_int(kube_manifest_find_container(m, "d", "plain", &pod, &c), 0, "the pod decides");
	ok(pod == &m->pods[1] && c == &m->pods[1].containers[0], "... the Deployment's");
	is_int(kube_manifest_find_container(m, NULL, "absent", &pod, &c), -ENOENT,
	       "no such container");
	is_int(kube_manifest_find_container(m, "d", "local", &pod, &c), -ENOENT, "not in that pod");

	check_row(m, &node, "local", "Localhost", "seccomp/profiles/audit.json", "OK",
	          "\"type\": \"Localhost\", \"effective\": \"Localhost\", \"localhostRef\": ");
	check_row(m, &node, "missing", "Localhost", "seccomp/nothing-here.json",
	          "CreateContainerError", "\"effective\": \"none\"");
	check_row(m, &node, "noref", "-", "-", "CreateContainerConfigError: localhostProfile",
	          "\"type\": \"invalid\", \"effective\": \"none\"");
	check_row(m, &node, "priv", "Unconfined", "-", "",
	          "\"type\": \"RuntimeDefault\", \"effective\": \"Unconfined\"");
	check_row(m, &node, "plain", "Unconfined", "-", "OK",
	          "{\"workload\": \"Pod/p\", \"container\": \"plain\", \"kind\": \"container\"");
	node.seccomp_default = true;
	check_row(m, &node, "plain", "RuntimeDefault", "containerd default", "OK",
	          "\"outcome\": \"OK\"}");
	node.seccomp_enabled = false;
	check_row(m, &node, "plain", "RuntimeDefault", "containerd default", "CreateContainerError",
	          "\"effective\": \"none\"");

	is_str(kube_profile_type_name(KUBE_PROFILE_RUNTIME_DEFAULT), "RuntimeDefault", "type name");
	is_str(kube_psa_level_name(KUBE_PSA_RESTRICTED), "restricted", "level name");
	is_str(kube_psa_level_name(KUBE_PSA_BASELINE), "baseline", "level name");
	kube_manifest_free(m);
	return tap_done();
}
