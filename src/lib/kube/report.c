/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kube/report: one container's profile on a node, from the manifest to what the runtime
 * enforces -- the kubelet's getSeccompProfile(), containerd's GenerateSeccompSpecOpts()
 * (kube.c), then what runc and crun leave out of the profile (ksc_profile_unenforced()).
 */
#include <errno.h>
#include <stdio.h>

#include "ksc-cleanup.h"
#include "macro.h"
#include "report.h"
#include "startup.h"

const char *
kube_profile_type_name(enum kube_profile_type t)
{
	return t == KUBE_PROFILE_LOCALHOST         ? "Localhost"
	       : t == KUBE_PROFILE_RUNTIME_DEFAULT ? "RuntimeDefault"
	                                           : "Unconfined";
}

const char *
kube_psa_level_name(enum kube_psa_level level)
{
	return level == KUBE_PSA_RESTRICTED ? "restricted" : "baseline";
}

/*
 * The rules of the container's profile that the node's runtime leaves out while the call
 * then runs: runc and crun build the filter with libseccomp, which skips syscalls it does
 * not know and builds some arches' part blind.
 */
static int
report_unenforced(struct kube_report *r, enum ksc_arch arch)
{
	const struct kube_outcome *out = &r->outcome;
	struct ksc_compile_opts copts = { .native = arch };
	int n;

	if (!out->profile || out->error || out->unconfined)
		return 0;
	r->unenforced = ksc_diags_new();
	if (!r->unenforced)
		return -ENOMEM;
	n = ksc_profile_unenforced(out->profile, &copts, KSC_SEVERITY_WARNING, r->unenforced);
	if (n < 0)
		return n;
	r->n_unenforced = (size_t)n;
	return 0;
}

/* Whether the runtime can start the container under its profile at all: its own calls after
 * the filter (startup.h). A container it cannot start gets the runtime's failure as the
 * outcome, as containerd reports it; versions whose calls kseccomp does not know are left. */
static int
report_startup(struct kube_report *r, const struct kube_node_opts *node)
{
	struct kube_outcome *out = &r->outcome;
	const struct kube_container *c = r->container;
	struct kube_startup s = { 0 };
	int e;

	if (!out->profile || out->error || out->unconfined || !node->seccomp_enabled)
		return 0;
	e = kube_startup_check(out->profile, &node->oci,
	                       c->allow_privilege_escalation_set && !c->allow_privilege_escalation,
	                       &s, NULL);
	if (e == -ENOMEM)
		return e;
	if (e < 0 || s.starts) {
		kube_startup_done(&s);
		return 0;
	}
	out->error = kube_startup_containerd_message(&s);
	r->exit_code = s.exit_code;
	kube_startup_done(&s);
	return out->error ? 0 : -ENOMEM;
}

static void
report_columns(struct kube_report *r)
{
	const struct kube_kubelet_result *kr = &r->kubelet;
	const struct kube_outcome *out = &r->outcome;

	snprintf(r->workload, sizeof(r->workload), "%s/%s", r->pod->kind, r->pod->name);
	r->type = kr->error         ? "-"
	          : out->unconfined ? "Unconfined"
	                            : kube_profile_type_name(kr->type);
	r->profile = kr->error || out->unconfined               ? "-"
	             : kr->type == KUBE_PROFILE_LOCALHOST       ? kr->localhost_ref
	             : kr->type == KUBE_PROFILE_RUNTIME_DEFAULT ? "containerd default"
	                                                        : "-";
	if (r->n_unenforced > 0)
		snprintf(r->ok, sizeof(r->ok), "OK, but %zu rule%s not enforced (see warnings)",
		         r->n_unenforced, r->n_unenforced == 1 ? "" : "s");
	else
		snprintf(r->ok, sizeof(r->ok), "OK");
	r->status = out->error ? out->error : out->note ? out->note : r->ok;
}

int
kube_report_container(const struct kube_pod *pod, const struct kube_container *c,
                      const struct kube_node_opts *node, struct kube_report *ret)
{
	int r;

	*ret = (struct kube_report){ .pod = pod, .container = c };
	r = kube_kubelet_resolve(pod, c, node->seccomp_default, node->root_dir, &ret->kubelet);
	if (r >= 0)
		r = kube_runtime_outcome(pod, c, &ret->kubelet,
		                         &(struct kube_runtime){
		                                 .arch = node->arch,
		                                 .seccomp_enabled = node->seccomp_enabled,
		                                 .containerd_version = node->containerd_version,
		                                 .oci = node->oci,
		                         },
		                         &ret->outcome);
	if (r >= 0)
		r = report_startup(ret, node);
	if (r >= 0)
		r = report_unenforced(ret, node->arch);
	if (r < 0) {
		kube_report_done(ret);
		return r;
	}
	report_columns(ret);
	return 0;
}

void
kube_report_done(struct kube_report *r)
{
	kube_outcome_done(&r->outcome);
	kube_kubelet_result_done(&r->kubelet);
	ksc_diags_free(r->unenforced);
	*r = (struct kube_report){ 0 };
}

static void
json_unenforced(const struct ksc_diags *diags, struct strbuf *sb)
{
	strbuf_puts(sb, ", \"unenforced\": [");
	for (size_t i = 0; i < ksc_diags_count(diags); i++) {
		const struct ksc_diag *d = ksc_diags_get(diags, i);

		strbuf_printf(sb, "%s{\"file\": ", i ? ", " : "");
		strbuf_put_json_str(sb, ksc_diag_file(d));
		strbuf_printf(sb, ", \"line\": %u, \"column\": %u, \"path\": ", ksc_diag_line(d),
		              ksc_diag_column(d));
		strbuf_put_json_str(sb, ksc_diag_path(d));
		strbuf_puts(sb, ", \"reason\": ");
		strbuf_put_json_str(sb, ksc_diag_reason(d));
		strbuf_puts(sb, "}");
	}
	strbuf_puts(sb, "]");
}

void
kube_report_json(const struct kube_report *r, struct strbuf *sb)
{
	const struct kube_kubelet_result *kr = &r->kubelet;
	const struct kube_outcome *out = &r->outcome;

	strbuf_puts(sb, "{\"workload\": ");
	strbuf_put_json_str(sb, r->workload);
	strbuf_puts(sb, ", \"container\": ");
	strbuf_put_json_str(sb, r->container->name);
	strbuf_printf(sb, ", \"kind\": \"%s\", \"type\": \"%s\", \"effective\": \"%s\"",
	              kube_container_kind_name(r->container->kind),
	              kr->error ? "invalid" : kube_profile_type_name(kr->type),
	              out->error        ? "none"
	              : out->unconfined ? "Unconfined"
	                                : kube_profile_type_name(kr->type));
	if (kr->localhost_ref) {
		strbuf_puts(sb, ", \"localhostRef\": ");
		strbuf_put_json_str(sb, kr->localhost_ref);
	}
	strbuf_puts(sb, ", \"outcome\": ");
	strbuf_put_json_str(sb, out->error ? out->error : out->note ? out->note : "OK");
	/* containerd reports a start the OCI runtime refused as exit code 128; a container
	 * whose runtime fails after it started exits with the runtime's code */
	if (r->exit_code && r->exit_code != 128)
		strbuf_printf(sb, ", \"exitCode\": %d", r->exit_code);
	else if (out->error && startswith(out->error, "StartError"))
		strbuf_puts(sb, ", \"exitCode\": 128");
	if (r->n_unenforced > 0)
		json_unenforced(r->unenforced, sb);
	strbuf_puts(sb, "}");
}

int
kube_manifest_find_container(const struct kube_manifest *m, const char *pod, const char *name,
                             const struct kube_pod **ret_pod, const struct kube_container **ret_c)
{
	*ret_pod = NULL;
	*ret_c = NULL;
	for (size_t i = 0; i < m->n_pods; i++) {
		if (pod && !streq(m->pods[i].name, pod))
			continue;
		for (size_t k = 0; k < m->pods[i].n_containers; k++) {
			if (!streq(m->pods[i].containers[k].name, name))
				continue;
			if (*ret_c)
				return -ENOTUNIQ;
			*ret_pod = &m->pods[i];
			*ret_c = &m->pods[i].containers[k];
		}
	}
	return *ret_c ? 0 : -ENOENT;
}
