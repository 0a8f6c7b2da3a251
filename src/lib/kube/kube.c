/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kube: Kubernetes manifests, and which seccomp profile each container really gets.
 *
 * The rules are the API server's (pkg/apis/core/validation), the kubelet's
 * (pkg/kubelet/kuberuntime getSeccompProfile), containerd's CRI plugin
 * (internal/cri/sputil GenerateSeccompSpecOpts) and Pod Security Admission's
 * (policy/check_seccompProfile_*), with their messages, as ../reference/oracles.md 3a and 3b
 * transcribe their tests.
 *
 * Keys are matched exactly, case-sensitively (ksc_node_get): the API server decodes an object
 * (YAML is converted to JSON first, sigs.k8s.io/yaml) with k8s.io/apimachinery's
 * runtime/serializer/json, which uses sigs.k8s.io/json UnmarshalCaseSensitivePreserveInts
 * since Kubernetes 1.23 ("object keys must exactly match json tag names") and a json-iterator
 * configured CaseSensitive before that. So "SeccompProfile" or "ſeccompProfile" (U+017F) set
 * nothing there (strict field validation reports them as unknown fields) and nothing here.
 * The kubelet reads static pod files with the same decoder. Profiles are different: runc and
 * containerd read those with encoding/json's case folding (profile.c).
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>

#include "caps.h"
#include "error.h"
#include "godecode.h"
#include "kube.h"
#include "strbuf.h"

#define ANNOTATION_POD       "seccomp.security.alpha.kubernetes.io/pod"
#define ANNOTATION_CONTAINER "container.seccomp.security.alpha.kubernetes.io/"

const char *
kube_container_kind_name(enum kube_container_kind kind)
{
	switch (kind) {
	case KUBE_INIT:
		return "init";
	case KUBE_SIDECAR:
		return "sidecar";
	case KUBE_EPHEMERAL:
		return "ephemeral";
	default:
		return "container";
	}
}

/* ---------------------------------------------------------------------------------------- */
/* Reading manifests                                                                         */

struct reader {
	const char *file;
	struct kube_manifest *m;
	struct ksc_error **reterr;
};

_printf_(3, 4) static int fail_at(struct reader *rd, const struct ksc_node *n, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ksc_error_setf(rd->reterr, -EINVAL, "%s:%u:%u: %s", rd->file, n ? n->line : 0,
	                      n ? n->column : 0, msg);
}

/* A string field; NULL when absent or null. Anything else is an error. */
static int
get_string(struct reader *rd, const struct ksc_node *map, const char *key, const char *path,
           const char **ret)
{
	const struct ksc_node *n = map ? ksc_node_get(map, key) : NULL;
	const char *reason = NULL;

	*ret = NULL;
	if (!n || ksc_node_is_null(n))
		return 0;
	if (ksc_node_to_string(n, ret, &reason) < 0)
		return fail_at(rd, n, "%s.%s: %s", path, key, reason);
	return 0;
}

static int
get_bool(struct reader *rd, const struct ksc_node *map, const char *key, const char *path,
         bool *ret_set, bool *ret)
{
	const struct ksc_node *n = map ? ksc_node_get(map, key) : NULL;
	const char *reason = NULL;

	*ret_set = false;
	*ret = false;
	if (!n || ksc_node_is_null(n))
		return 0;
	if (ksc_node_to_bool(n, ret, &reason) < 0)
		return fail_at(rd, n, "%s.%s: %s", path, key, reason);
	*ret_set = true;
	return 0;
}

/* runAsUser / runAsGroup: an id the kernel can take; -1 when absent or null. */
static int
get_id(struct reader *rd, const struct ksc_node *map, const char *key, const char *path,
       int64_t *ret)
{
	const struct ksc_node *n = map ? ksc_node_get(map, key) : NULL;
	const char *reason = NULL;
	uint32_t v;

	*ret = -1;
	if (!n || ksc_node_is_null(n))
		return 0;
	if (ksc_node_to_u32(n, &v, &reason) < 0)
		return fail_at(rd, n, "%s.%s: %s", path, key, reason);
	if (v == UINT32_MAX)
		return fail_at(rd, n, "%s.%s: must be less than 4294967295", path, key);
	*ret = v;
	return 0;
}

/* A field of one kind (a map or a list); NULL when absent or null. */
static int
get_of_kind(struct reader *rd, const struct ksc_node *map, const char *key, const char *path,
            enum ksc_node_kind kind, const struct ksc_node **ret)
{
	const struct ksc_node *n = map ? ksc_node_get(map, key) : NULL;

	*ret = NULL;
	if (!n || ksc_node_is_null(n))
		return 0;
	if (n->kind != kind)
		return fail_at(rd, n, "%s.%s: must be %s, got %s", path, key,
		               kind == KSC_NODE_MAP ? "an object" : "a list",
		               ksc_node_type_name(n));
	*ret = n;
	return 0;
}

static int
get_map(struct reader *rd, const struct ksc_node *map, const char *key, const char *path,
        const struct ksc_node **ret)
{
	return get_of_kind(rd, map, key, path, KSC_NODE_MAP, ret);
}

static int
get_seq(struct reader *rd, const struct ksc_node *map, const char *key, const char *path,
        const struct ksc_node **ret)
{
	return get_of_kind(rd, map, key, path, KSC_NODE_SEQ, ret);
}

static int
read_seccomp(struct reader *rd, const struct ksc_node *sc, const char *path,
             struct kube_seccomp *ret)
{
	const struct ksc_node *sp = NULL;
	char sub[700];
	int r;

	*ret = (struct kube_seccomp){ 0 };
	r = get_map(rd, sc, "seccompProfile", path, &sp);
	if (r < 0 || !sp)
		return r;
	snprintf(sub, sizeof(sub), "%s.seccompProfile", path);
	ret->set = true;
	ret->line = sp->line;
	ret->column = sp->column;
	r = get_string(rd, sp, "type", sub, &ret->type);
	if (r < 0)
		return r;
	r = get_string(rd, sp, "localhostProfile", sub, &ret->localhost);
	ret->has_localhost = ret->localhost != NULL;
	return r;
}

/* capabilities.add / drop: Kubernetes writes NET_ADMIN, some write CAP_NET_ADMIN; ALL. */
static int
read_caps(struct reader *rd, const struct ksc_node *caps, const char *key, const char *path,
          uint64_t *ret)
{
	const struct ksc_node *list = NULL;
	int r;

	*ret = 0;
	r = get_seq(rd, caps, key, path, &list);
	for (size_t i = 0; r >= 0 && list && i < list->count; i++) {
		const char *name = NULL, *reason = NULL;
		char full[64];
		int cap;

		if (ksc_node_to_string(list->items[i], &name, &reason) < 0)
			return fail_at(rd, list->items[i], "%s.%s[%zu]: %s", path, key, i, reason);
		if (streq(name, "ALL")) {
			*ret |= UINT64_C(1) << 63; /* bit 63: "ALL" was written */
			continue;
		}
		snprintf(full, sizeof(full), "%s%s", startswith(name, "CAP_") ? "" : "CAP_", name);
		cap = ksc_cap_from_name(full);
		if (cap >= 0)
			*ret |= UINT64_C(1) << cap;
		/* an unknown name is the runtime's problem, not the profile's */
	}
	return r;
}

/* A list of strings, NULL-terminated (the array owned by the manifest's string list). */
static int
read_strings(struct reader *rd, const struct ksc_node *map, const char *key, const char *path,
             const char ***ret)
{
	const struct ksc_node *seq = NULL;
	const char **v;
	int r;

	*ret = NULL;
	r = get_seq(rd, map, key, path, &seq);
	if (r < 0 || !seq)
		return r;
	v = calloc(seq->count + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < seq->count; i++) {
		const char *reason = NULL;

		if (ksc_node_to_string(seq->items[i], &v[i], &reason) < 0) {
			free(v);
			return fail_at(rd, seq->items[i], "%s.%s[%zu]: %s", path, key, i, reason);
		}
	}
	*ret = v;
	return 0;
}

/* The exec probes' commands. */
static int
read_probes(struct reader *rd, const struct ksc_node *n, const char *path,
            struct kube_container *ret)
{
	static const char *const keys[] = { "livenessProbe", "readinessProbe", "startupProbe" };
	int r = 0;

	for (size_t i = 0; r >= 0 && i < ELEMENTSOF(keys); i++) {
		const struct ksc_node *probe = NULL, *exec = NULL;
		char ppath[600], epath[620];

		snprintf(ppath, sizeof(ppath), "%s.%s", path, keys[i]);
		r = get_map(rd, n, keys[i], path, &probe);
		if (r >= 0 && probe)
			r = get_map(rd, probe, "exec", ppath, &exec);
		if (r >= 0 && exec) {
			snprintf(epath, sizeof(epath), "%s.exec", ppath);
			r = read_strings(rd, exec, "command", epath, &ret->probe_commands[i]);
		}
	}
	return r;
}

static int
read_container_fields(struct reader *rd, const struct ksc_node *n, const char *path,
                      enum kube_container_kind kind, const char *list, size_t index,
                      struct kube_container *ret)
{
	const struct ksc_node *sc = NULL, *caps = NULL;
	const char *restart = NULL;
	char scpath[600];
	bool set;
	int r;

	*ret = (struct kube_container){
		.kind = kind, .list = list, .index = index, .run_as_user = -1, .run_as_group = -1
	};
	if (n->kind != KSC_NODE_MAP)
		return fail_at(rd, n, "%s: must be an object, got %s", path, ksc_node_type_name(n));
	ret->line = n->line;
	ret->column = n->column;
	r = get_string(rd, n, "name", path, &ret->name);
	if (r < 0)
		return r;
	if (!ret->name)
		ret->name = "";
	r = get_string(rd, n, "restartPolicy", path, &restart);
	if (r >= 0)
		r = get_string(rd, n, "image", path, &ret->image);
	if (r >= 0)
		r = read_strings(rd, n, "command", path, &ret->command);
	if (r >= 0)
		r = read_strings(rd, n, "args", path, &ret->args);
	if (r >= 0)
		r = read_probes(rd, n, path, ret);
	if (r < 0)
		return r;
	if (kind == KUBE_INIT && restart && streq(restart, "Always"))
		ret->kind = KUBE_SIDECAR;
	r = get_map(rd, n, "securityContext", path, &sc);
	if (r < 0 || !sc)
		return r;
	ret->has_security_context = true;
	snprintf(scpath, sizeof(scpath), "%s.securityContext", path);
	r = get_bool(rd, sc, "privileged", scpath, &set, &ret->privileged);
	if (r >= 0)
		r = get_bool(rd, sc, "allowPrivilegeEscalation", scpath,
		             &ret->allow_privilege_escalation_set,
		             &ret->allow_privilege_escalation);
	if (r >= 0)
		r = get_id(rd, sc, "runAsUser", scpath, &ret->run_as_user);
	if (r >= 0)
		r = get_id(rd, sc, "runAsGroup", scpath, &ret->run_as_group);
	if (r >= 0)
		r = get_map(rd, sc, "capabilities", scpath, &caps);
	if (r >= 0 && caps) {
		char cpath[700];

		snprintf(cpath, sizeof(cpath), "%s.capabilities", scpath);
		r = read_caps(rd, caps, "add", cpath, &ret->caps_add);
		if (r >= 0)
			r = read_caps(rd, caps, "drop", cpath, &ret->caps_drop);
		if (r >= 0)
			r = read_strings(rd, caps, "add", cpath, &ret->cap_add_names);
		if (r >= 0)
			r = read_strings(rd, caps, "drop", cpath, &ret->cap_drop_names);
	}
	if (r >= 0)
		r = read_seccomp(rd, sc, scpath, &ret->seccomp);
	return r;
}

/* One container. On failure nothing of it is left allocated: the caller does not count a
 * container that failed, so kube_manifest_free() would never see its string lists. */
static int
read_container(struct reader *rd, const struct ksc_node *n, const char *path,
               enum kube_container_kind kind, const char *list, size_t index,
               struct kube_container *ret)
{
	int r = read_container_fields(rd, n, path, kind, list, index, ret);

	if (r < 0) {
		free(ret->command);
		free(ret->args);
		free(ret->cap_add_names);
		free(ret->cap_drop_names);
		for (size_t i = 0; i < ELEMENTSOF(ret->probe_commands); i++) {
			free(ret->probe_commands[i]);
			ret->probe_commands[i] = NULL;
		}
		ret->command = ret->args = NULL;
		ret->cap_add_names = ret->cap_drop_names = NULL;
	}
	return r;
}

/* An object the API server already has (kubectl get -o yaml): the server gave it a
 * resourceVersion and a uid, and a Pod's status. */
static int
object_existing(struct reader *rd, const struct ksc_node *object, const struct ksc_node *meta,
                bool *ret)
{
	const char *version = NULL, *uid = NULL;
	int r = get_string(rd, meta, "resourceVersion", "metadata", &version);

	if (r >= 0)
		r = get_string(rd, meta, "uid", "metadata", &uid);
	if (r < 0)
		return r;
	*ret = (version && *version) || (uid && *uid) || ksc_node_get(object, "status");
	return 0;
}

static int
add_pod(struct reader *rd, const struct ksc_node *object, const char *kind,
        const struct ksc_node *object_meta, const struct ksc_node *template_meta,
        const struct ksc_node *spec, const char *spec_path)
{
	static const struct {
		const char *key;
		enum kube_container_kind kind;
	} lists[] = {
		{ "initContainers", KUBE_INIT },
		{ "containers", KUBE_CONTAINER },
		{ "ephemeralContainers", KUBE_EPHEMERAL },
	};
	struct kube_manifest *m = rd->m;
	struct kube_pod *pods, *pod;
	const struct ksc_node *sc = NULL, *os = NULL, *annotations = NULL;
	int r;

	pods = reallocarray(m->pods, m->n_pods + 1, sizeof(*pods));
	if (!pods)
		return -ENOMEM;
	m->pods = pods;
	pod = &m->pods[m->n_pods++];
	*pod = (struct kube_pod){
		.file = rd->file,
		.kind = kind,
		.is_pod = streq(kind, "Pod"),
		.line = object->line,
		.column = object->column,
		.run_as_user = -1,
		.run_as_group = -1,
		.spec_node = spec,
		.meta_node = template_meta,
	};
	pod->spec_path = strdup(spec_path);
	if (!pod->spec_path)
		return -ENOMEM;
	r = get_string(rd, object_meta, "name", "metadata", &pod->name);
	if (r >= 0)
		r = get_string(rd, object_meta, "generateName", "metadata", &pod->generate_name);
	if (r >= 0)
		r = get_string(rd, object_meta, "namespace", "metadata", &pod->namespace);
	if (r < 0)
		return r;
	r = object_existing(rd, object, object_meta, &pod->existing);
	if (r < 0)
		return r;
	pod->name = pod->name ? pod->name : "";
	pod->generate_name = pod->generate_name ? pod->generate_name : "";
	pod->namespace = pod->namespace ? pod->namespace : "";

	/* the seccomp annotations of the pod (the template's for a workload) */
	r = get_map(rd, template_meta, "annotations", "metadata", &annotations);
	if (r < 0)
		return r;
	for (size_t i = 0; annotations && i < annotations->count; i++) {
		const char *key = annotations->keys[i]->text, *value = NULL, *reason = NULL;
		struct kube_annotation *grown;

		if (!streq(key, ANNOTATION_POD) && !startswith(key, ANNOTATION_CONTAINER))
			continue;
		if (ksc_node_to_string(annotations->items[i], &value, &reason) < 0)
			return fail_at(rd, annotations->items[i], "metadata.annotations[%s]: %s",
			               key, reason);
		grown = reallocarray(pod->annotations, pod->n_annotations + 1, sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		pod->annotations = grown;
		pod->annotations[pod->n_annotations++] =
		        (struct kube_annotation){ key, value, annotations->keys[i]->line,
			                          annotations->keys[i]->column };
	}

	if (!spec)
		return 0;
	r = get_map(rd, spec, "securityContext", spec_path, &sc);
	if (r < 0)
		return r;
	pod->has_security_context = sc != NULL;
	{
		char path[600];

		snprintf(path, sizeof(path), "%s.securityContext", spec_path);
		r = read_seccomp(rd, sc, path, &pod->seccomp);
		if (r >= 0)
			r = get_id(rd, sc, "runAsUser", path, &pod->run_as_user);
		if (r >= 0)
			r = get_id(rd, sc, "runAsGroup", path, &pod->run_as_group);
	}
	if (r >= 0)
		r = get_string(rd, spec, "restartPolicy", spec_path, &pod->restart_policy);
	if (r >= 0)
		r = get_map(rd, spec, "os", spec_path, &os);
	if (r >= 0 && os)
		r = get_string(rd, os, "name", "spec.os", &pod->os);
	for (size_t l = 0; r >= 0 && l < ELEMENTSOF(lists); l++) {
		const struct ksc_node *seq = NULL;

		r = get_seq(rd, spec, lists[l].key, spec_path, &seq);
		for (size_t i = 0; r >= 0 && seq && i < seq->count; i++) {
			struct kube_container *grown;
			char path[512];

			grown = reallocarray(pod->containers, pod->n_containers + 1,
			                     sizeof(*grown));
			if (!grown)
				return -ENOMEM;
			pod->containers = grown;
			snprintf(path, sizeof(path), "%s.%s[%zu]", spec_path, lists[l].key, i);
			r = read_container(rd, seq->items[i], path, lists[l].kind, lists[l].key, i,
			                   &pod->containers[pod->n_containers]);
			if (r >= 0)
				pod->n_containers++;
		}
	}
	return r;
}

/* One object: a Pod, a workload with a pod template, a List of objects, or anything else. */
static int
read_object(struct reader *rd, const struct ksc_node *obj, unsigned depth)
{
	const struct ksc_node *meta = NULL, *spec = NULL, *tmpl = NULL, *tmeta = NULL,
	                      *tspec = NULL, *items = NULL;
	const char *kind = NULL;
	int r;

	if (ksc_node_is_null(obj))
		return 0; /* an empty document */
	if (obj->kind != KSC_NODE_MAP)
		return fail_at(rd, obj, "not a Kubernetes object: %s", ksc_node_type_name(obj));
	r = get_string(rd, obj, "kind", "", &kind);
	if (r < 0)
		return r;
	if (!kind)
		return fail_at(rd, obj, "kind: missing");
	r = get_map(rd, obj, "metadata", "", &meta);
	if (r < 0)
		return r;
	if (streq(kind, "List") || endswith(kind, "List")) {
		if (depth > 4)
			return fail_at(rd, obj, "Lists nested too deep");
		r = get_seq(rd, obj, "items", "", &items);
		for (size_t i = 0; r >= 0 && items && i < items->count; i++)
			r = read_object(rd, items->items[i], depth + 1);
		return r;
	}
	if (streq(kind, "Pod")) {
		r = get_map(rd, obj, "spec", "", &spec);
		return r < 0 ? r : add_pod(rd, obj, kind, meta, meta, spec, "spec");
	}
	if (streq(kind, "PodTemplate")) {
		r = get_map(rd, obj, "template", "", &tmpl);
		if (r >= 0 && tmpl)
			r = get_map(rd, tmpl, "metadata", "template", &tmeta);
		if (r >= 0 && tmpl)
			r = get_map(rd, tmpl, "spec", "template", &tspec);
		return r < 0 ? r : add_pod(rd, obj, kind, meta, tmeta, tspec, "template.spec");
	}
	if (streq(kind, "Deployment") || streq(kind, "ReplicaSet") || streq(kind, "StatefulSet") ||
	    streq(kind, "DaemonSet") || streq(kind, "Job") ||
	    streq(kind, "ReplicationController") || streq(kind, "CronJob")) {
		const char *prefix = "spec.template";

		r = get_map(rd, obj, "spec", "", &spec);
		if (r >= 0 && spec && streq(kind, "CronJob")) {
			const struct ksc_node *jt = NULL;

			r = get_map(rd, spec, "jobTemplate", "spec", &jt);
			spec = NULL;
			if (r >= 0 && jt)
				r = get_map(rd, jt, "spec", "spec.jobTemplate", &spec);
			prefix = "spec.jobTemplate.spec.template";
		}
		if (r >= 0 && spec)
			r = get_map(rd, spec, "template", "spec", &tmpl);
		if (r >= 0 && tmpl)
			r = get_map(rd, tmpl, "metadata", prefix, &tmeta);
		if (r >= 0 && tmpl)
			r = get_map(rd, tmpl, "spec", prefix, &tspec);
		if (r < 0)
			return r;
		{
			char path[96];

			snprintf(path, sizeof(path), "%s.spec", prefix);
			return add_pod(rd, obj, kind, meta, tmeta, tspec, path);
		}
	}
	rd->m->n_other++;
	return 0;
}

void
kube_manifest_free(struct kube_manifest *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n_pods; i++) {
		for (size_t k = 0; k < m->pods[i].n_containers; k++) {
			free(m->pods[i].containers[k].command);
			free(m->pods[i].containers[k].args);
			free(m->pods[i].containers[k].cap_add_names);
			free(m->pods[i].containers[k].cap_drop_names);
			for (size_t p = 0; p < ELEMENTSOF(m->pods[i].containers[k].probe_commands);
			     p++)
				free(m->pods[i].containers[k].probe_commands[p]);
		}
		free(m->pods[i].spec_path);
		free(m->pods[i].annotations);
		free(m->pods[i].containers);
	}
	free(m->pods);
	ksc_doc_free(m->doc);
	free(m);
}

int
kube_manifest_parse(const char *name, const char *buf, size_t len, struct kube_manifest **ret,
                    struct ksc_error **reterr)
{
	struct kube_manifest *m;
	struct reader rd = { .file = name, .reterr = reterr };
	int r;

	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	r = ksc_doc_parse(name, buf, len, 0, &m->doc, reterr);
	if (r < 0) {
		kube_manifest_free(m);
		return r;
	}
	rd.file = ksc_doc_name(m->doc);
	rd.m = m;
	for (size_t i = 0; r >= 0 && i < ksc_doc_count(m->doc); i++)
		r = read_object(&rd, ksc_doc_root(m->doc, i), 0);
	if (r < 0) {
		kube_manifest_free(m);
		return r;
	}
	*ret = m;
	return 0;
}

int
kube_manifest_read(const char *path, struct kube_manifest **ret, struct ksc_error **reterr)
{
	_cleanup_(freep) char *buf = NULL;
	size_t len = 0;
	int r;

	r = ksc_doc_read_file(path, KUBE_MANIFEST_MAX_BYTES, &buf, &len, reterr);
	if (r < 0)
		return r;
	return kube_manifest_parse(path, buf, len, ret, reterr);
}

/* ---------------------------------------------------------------------------------------- */
/* API validation                                                                             */

struct errors {
	struct kube_error **v;
	size_t *n;
};

_printf_(4, 5) static int api_error(struct errors *e, unsigned line, unsigned column,
                                    const char *fmt, ...)
{
	struct kube_error *grown;
	char *text = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	grown = reallocarray(*e->v, *e->n + 1, sizeof(*grown));
	if (!grown) {
		free(text);
		return -ENOMEM;
	}
	*e->v = grown;
	(*e->v)[(*e->n)++] = (struct kube_error){ line, column, text };
	return 0;
}

void
kube_errors_free(struct kube_error *errors, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(errors[i].text);
	free(errors);
}

/* validateLocalDescendingPath()'s reasons, and the kubelet's for an empty localhostProfile */
#define LOCAL_NOT_RELATIVE "must be a relative path"
#define LOCAL_DOTDOT       "must not contain '..'"
#define LOCALHOST_REQUIRED "localhostProfile must be set if seccompProfile type is Localhost"
/* the kubelet's --root-dir default */
#define KUBELET_ROOT_DIR "/var/lib/kubelet"

/* Whether an element of p is "..". */
static bool
has_dotdot(const char *p)
{
	for (const char *s = p; s;) {
		const char *slash = strchr(s, '/');
		size_t len = slash ? (size_t)(slash - s) : strlen(s);

		if (len == 2 && s[0] == '.' && s[1] == '.')
			return true;
		s = slash ? slash + 1 : NULL;
	}
	return false;
}

/* validateLocalDescendingPath(): relative, and no element "..". Both can be reported. */
static int
local_path(struct errors *e, const char *p, const char *path, unsigned line, unsigned column)
{
	int r = 0;

	if (p[0] == '/')
		r = api_error(e, line, column, "%s: Invalid value: \"%s\": " LOCAL_NOT_RELATIVE,
		              path, p);
	if (r >= 0 && has_dotdot(p))
		r = api_error(e, line, column, "%s: Invalid value: \"%s\": " LOCAL_DOTDOT, path, p);
	return r;
}

/* validateSeccompProfileField() */
static int
seccomp_field(struct errors *e, const struct kube_seccomp *sp, const char *path)
{
	const char *t = sp->type ? sp->type : "";

	if (!sp->set)
		return 0;
	if (streq(t, "Localhost")) {
		char sub[700];

		snprintf(sub, sizeof(sub), "%s.localhostProfile", path);
		if (!sp->has_localhost)
			return api_error(
			        e, sp->line, sp->column,
			        "%s: Required value: must be set when seccomp type is Localhost",
			        sub);
		return local_path(e, sp->localhost, sub, sp->line, sp->column);
	}
	if (streq(t, "RuntimeDefault") || streq(t, "Unconfined")) {
		if (sp->has_localhost)
			return api_error(
			        e, sp->line, sp->column,
			        "%s.localhostProfile: Invalid value: {\"type\":\"%s\","
			        "\"localhostProfile\":\"%s\"}: can only be set when seccomp "
			        "type is Localhost",
			        path, t, sp->localhost);
		return 0;
	}
	if (!*t)
		return api_error(
		        e, sp->line, sp->column,
		        "%s.type: Required value: type is required when seccompProfile is set",
		        path);
	return api_error(e, sp->line, sp->column,
	                 "%s.type: Unsupported value: \"%s\": supported values: \"Localhost\", "
	                 "\"RuntimeDefault\", \"Unconfined\"",
	                 path, t);
}

/* ValidateSeccompProfile(): an annotation's value. */
static int
annotation_value(struct errors *e, const struct kube_annotation *a, const char *path)
{
	if (streq(a->value, "runtime/default") || streq(a->value, "docker/default") ||
	    streq(a->value, "unconfined"))
		return 0;
	if (startswith(a->value, "localhost/"))
		return local_path(e, a->value + strlen("localhost/"), path, a->line, a->column);
	return api_error(e, a->line, a->column,
	                 "%s: Invalid value: \"%s\": must be a valid seccomp profile", path,
	                 a->value);
}

/* validateSeccompAnnotationsAndFieldsMatch() */
static int
annotation_matches(struct errors *e, const char *value, const struct kube_seccomp *sp,
                   const char *path)
{
	const char *t;

	if (!sp->set || !value || !*value)
		return 0;
	t = sp->type ? sp->type : "";
	if (streq(t, "Unconfined")) {
		if (streq(value, "unconfined"))
			return 0;
	} else if (streq(t, "RuntimeDefault")) {
		if (streq(value, "runtime/default") || streq(value, "docker/default"))
			return 0;
	} else if (streq(t, "Localhost")) {
		if (startswith(value, "localhost/")) {
			if (sp->has_localhost && streq(value + strlen("localhost/"), sp->localhost))
				return 0;
			return api_error(
			        e, sp->line, sp->column,
			        "%s.localhostProfile: Forbidden: seccomp profile in annotation "
			        "and field must match",
			        path);
		}
	} else
		return 0; /* an unknown type: its own error */
	return api_error(e, sp->line, sp->column,
	                 "%s.type: Forbidden: seccomp type in annotation and field must match",
	                 path);
}

static const char *
container_path(const struct kube_pod *pod, const struct kube_container *c, char *buf, size_t size)
{
	snprintf(buf, size, "%s.%s[%zu].securityContext.seccompProfile", pod->spec_path, c->list,
	         c->index);
	return buf;
}

static const char *
meta_path(const struct kube_pod *pod)
{
	if (streq(pod->spec_path, "spec"))
		return "metadata";
	/* "spec.template.spec" -> "spec.template.metadata" */
	return streq(pod->spec_path, "template.spec") ? "template.metadata"
	       : startswith(pod->spec_path, "spec.jobTemplate")
	               ? "spec.jobTemplate.spec.template.metadata"
	               : "spec.template.metadata";
}

bool
ksc_kube_dns_name(const char *s, size_t max, bool dots)
{
	size_t n = strlen(s);

	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		/* a label's first and last characters */
		bool edge = i == 0 || i == n - 1 || s[i - 1] == '.' || s[i + 1] == '.';

		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
			continue;
		if (ch == '-' && !edge)
			continue;
		if (ch == '.' && dots && !edge)
			continue;
		return false;
	}
	return true;
}

/* ValidateObjectMeta()'s name (a DNS subdomain: ValidatePodName, and the workloads' names
 * alike), then the containers' names (validateContainers(): DNS labels, unique) and that
 * there is one (validatePodSpec()). A bad object name says nothing of the containers. */
static int
validate_names(struct errors *e, const struct kube_pod *pod)
{
	size_t bad = 0;
	int r = 0;

	if (!*pod->name && !*pod->generate_name)
		return api_error(e, pod->line, pod->column,
		                 "metadata.name: Required value: name or generateName is required");
	if (*pod->name && !ksc_kube_dns_name(pod->name, 253, true))
		return api_error(
		        e, pod->line, pod->column,
		        "metadata.name: Invalid value: \"%s\": a lowercase RFC 1123 "
		        "subdomain must consist of lower case alphanumeric characters, "
		        "'-' or '.', and must start and end with an alphanumeric character",
		        pod->name);
	for (size_t i = 0; r >= 0 && i < pod->n_containers; i++) {
		const struct kube_container *c = &pod->containers[i];

		if (!ksc_kube_dns_name(c->name, 63, false)) {
			r = api_error(
			        e, c->line, c->column,
			        "%s.%s[%zu].name: Invalid value: \"%s\": a lowercase RFC 1123 "
			        "label must consist of lower case alphanumeric characters or "
			        "'-', and must start and end with an alphanumeric character",
			        pod->spec_path, c->list, c->index, c->name);
			bad++;
		}
		for (size_t j = 0; r >= 0 && j < i; j++)
			if (streq(c->name, pod->containers[j].name)) {
				r = api_error(e, c->line, c->column,
				              "%s.%s[%zu].name: Duplicate value: \"%s\"",
				              pod->spec_path, c->list, c->index, c->name);
				bad++;
			}
	}
	if (r >= 0 && !bad && !pod->n_containers)
		r = api_error(e, pod->line, pod->column, "%s.containers: Required value",
		              pod->spec_path);
	return r;
}

int
kube_validate(const struct kube_pod *pod, struct kube_error **errors, size_t *n_errors)
{
	struct errors e = { errors, n_errors };
	char path[700], pod_path[600];
	bool windows = pod->os && streq(pod->os, "windows");
	int r;

	snprintf(pod_path, sizeof(pod_path), "%s.securityContext.seccompProfile", pod->spec_path);
	r = validate_names(&e, pod);

	/* the deprecated annotations: valid values, and a container name */
	for (size_t i = 0; r >= 0 && i < pod->n_annotations; i++) {
		const struct kube_annotation *a = &pod->annotations[i];

		if (streq(a->key, ANNOTATION_CONTAINER)) {
			r = api_error(&e, a->line, a->column,
			              "%s.annotations: Invalid value: \"%s\": name part must be "
			              "non-empty",
			              meta_path(pod), a->key);
			continue;
		}
		snprintf(path, sizeof(path), "%s.annotations[%s]", meta_path(pod), a->key);
		r = annotation_value(&e, a, path);
	}
	if (r >= 0)
		r = seccomp_field(&e, &pod->seccomp, pod_path);
	for (size_t i = 0; r >= 0 && i < pod->n_containers; i++)
		r = seccomp_field(&e, &pod->containers[i].seccomp,
		                  container_path(pod, &pod->containers[i], path, sizeof(path)));

	/* annotations and fields must agree, on create (validateSeccompAnnotationsAndFieldsMatch
	 * is ValidatePodCreate's) */
	for (size_t i = 0; r >= 0 && !pod->existing && i < pod->n_annotations; i++) {
		const struct kube_annotation *a = &pod->annotations[i];

		if (streq(a->key, ANNOTATION_POD)) {
			r = annotation_matches(&e, a->value, &pod->seccomp, pod_path);
			continue;
		}
		for (size_t k = 0; r >= 0 && k < pod->n_containers; k++) {
			const struct kube_container *c = &pod->containers[k];

			if (streq(a->key + strlen(ANNOTATION_CONTAINER), c->name) && *c->name)
				r = annotation_matches(&e, a->value, &c->seccomp,
				                       container_path(pod, c, path, sizeof(path)));
		}
	}

	/* a windows pod has no seccomp */
	if (r >= 0 && windows && pod->seccomp.set)
		r = api_error(&e, pod->seccomp.line, pod->seccomp.column,
		              "%s: Forbidden: cannot be set for a windows pod", pod_path);
	for (size_t i = 0; r >= 0 && windows && i < pod->n_containers; i++)
		if (pod->containers[i].seccomp.set)
			r = api_error(&e, pod->containers[i].seccomp.line,
			              pod->containers[i].seccomp.column,
			              "%s: Forbidden: cannot be set for a windows pod",
			              container_path(pod, &pod->containers[i], path, sizeof(path)));

	/* ephemeral containers are added to a running pod, never created with it; a pod read
	 * back from the cluster may have them */
	for (size_t i = 0; r >= 0 && pod->is_pod && !pod->existing && i < pod->n_containers; i++)
		if (pod->containers[i].kind == KUBE_EPHEMERAL) {
			r = api_error(
			        &e, pod->containers[i].line, pod->containers[i].column,
			        "spec.ephemeralContainers: Forbidden: cannot be set on create");
			break;
		}
	return r;
}

/* warnings.go's words, then what they mean on a node */
#define ANNOTATION_WARNING                                                                     \
	"%s.annotations[%s]: non-functional in v1.27+; use the \"seccompProfile\" field "      \
	"instead (kubelets ignore the annotation since v1.25, and since v1.27 the API server " \
	"no longer copies it into the field: the %s gets the profile of the seccompProfile "   \
	"fields, or the node's default when none is set)"

int
kube_warnings(const struct kube_pod *pod, struct kube_error **warnings, size_t *n_warnings)
{
	struct errors e = { warnings, n_warnings };
	int r = 0;

	for (size_t i = 0; r >= 0 && i < pod->n_annotations; i++) {
		const struct kube_annotation *a = &pod->annotations[i];

		if (streq(a->key, ANNOTATION_POD)) {
			if (!pod->seccomp.set)
				r = api_error(&e, a->line, a->column, ANNOTATION_WARNING,
				              meta_path(pod), a->key, "pod");
			continue;
		}
		/* a container's annotation, when a container of that name lacks the field */
		for (size_t k = 0; r >= 0 && k < pod->n_containers; k++) {
			const struct kube_container *c = &pod->containers[k];

			if (c->seccomp.set || !*c->name ||
			    !streq(a->key + strlen(ANNOTATION_CONTAINER), c->name))
				continue;
			r = api_error(&e, a->line, a->column, ANNOTATION_WARNING, meta_path(pod),
			              a->key, "container");
			break;
		}
	}
	return r;
}

/* ---------------------------------------------------------------------------------------- */
/* The kubelet and the runtime                                                                */

/* Go's filepath.Join(root, "seccomp", p): joined and cleaned lexically. */
static char *
join_clean(const char *root, const char *p)
{
	_cleanup_(freep) char *joined = NULL;
	char *out, *parts[512];
	size_t n = 0, len = 0;
	bool absolute;

	if (asprintf(&joined, "%s/seccomp/%s", root, p) < 0)
		return NULL;
	absolute = joined[0] == '/';
	for (char *s = joined, *save = NULL, *t = strtok_r(s, "/", &save); t;
	     t = strtok_r(NULL, "/", &save)) {
		if (streq(t, "."))
			continue;
		if (streq(t, "..")) {
			if (n > 0 && !streq(parts[n - 1], ".."))
				n--;
			else if (!absolute)
				parts[n++] = t;
			continue;
		}
		if (n < ELEMENTSOF(parts))
			parts[n++] = t;
	}
	out = malloc(strlen(root) + strlen(p) + 16);
	if (!out)
		return NULL;
	if (absolute)
		out[len++] = '/';
	for (size_t i = 0; i < n; i++)
		len += (size_t)sprintf(out + len, "%s%s", i ? "/" : "", parts[i]);
	if (len == 0)
		out[len++] = '.';
	out[len] = '\0';
	return out;
}

int
kube_kubelet_resolve(const struct kube_pod *pod, const struct kube_container *c,
                     bool seccomp_default, const char *root_dir, struct kube_kubelet_result *ret)
{
	const struct kube_seccomp *sp = c->seccomp.set     ? &c->seccomp
	                                : pod->seccomp.set ? &pod->seccomp
	                                                   : NULL;
	const char *t;

	*ret = (struct kube_kubelet_result){ .from_pod = !c->seccomp.set && pod->seccomp.set };
	if (!sp) {
		ret->defaulted = true;
		ret->type =
		        seccomp_default ? KUBE_PROFILE_RUNTIME_DEFAULT : KUBE_PROFILE_UNCONFINED;
		return 0;
	}
	t = sp->type ? sp->type : "";
	if (streq(t, "RuntimeDefault"))
		ret->type = KUBE_PROFILE_RUNTIME_DEFAULT;
	else if (streq(t, "Unconfined"))
		ret->type = KUBE_PROFILE_UNCONFINED;
	else if (streq(t, "Localhost")) {
		ret->type = KUBE_PROFILE_LOCALHOST;
		if (!sp->has_localhost || !*sp->localhost) {
			ret->error = strdup(LOCALHOST_REQUIRED);
			return ret->error ? 0 : -ENOMEM;
		}
		ret->localhost_ref =
		        join_clean(root_dir ? root_dir : KUBELET_ROOT_DIR, sp->localhost);
		return ret->localhost_ref ? 0 : -ENOMEM;
	} else if (asprintf(&ret->error,
	                    "unsupported seccompProfile type \"%s\" (supported: Unconfined, "
	                    "RuntimeDefault, Localhost)",
	                    t) < 0) {
		ret->error = NULL;
		return -ENOMEM;
	}
	return 0;
}

int
ksc_kube_localhost_path(const char *root_dir, const char *localhost_profile, char **ret_path,
                        struct ksc_error **reterr)
{
	const char *p = localhost_profile;
	char *path;

	if (!p || !*p)
		return ksc_error_setf(reterr, -EINVAL, LOCALHOST_REQUIRED);
	if (p[0] == '/')
		return ksc_error_setf(reterr, -EINVAL, LOCAL_NOT_RELATIVE);
	if (has_dotdot(p))
		return ksc_error_setf(reterr, -EINVAL, LOCAL_DOTDOT);
	path = join_clean(root_dir ? root_dir : KUBELET_ROOT_DIR, p);
	if (!path)
		return -ENOMEM;
	*ret_path = path;
	return 0;
}

void
kube_kubelet_result_done(struct kube_kubelet_result *r)
{
	free(r->localhost_ref);
	free(r->error);
	*r = (struct kube_kubelet_result){ 0 };
}

uint64_t
kube_container_caps(const struct kube_container *c)
{
	const uint64_t all_written = UINT64_C(1) << 63;
	uint64_t caps = ksc_caps_kubernetes_default();

	if (c->privileged)
		return ksc_caps_all();
	/* containerd: "ALL" first, so that individual adds and drops still apply */
	if (c->caps_add & all_written)
		caps = ksc_caps_all();
	if (c->caps_drop & all_written)
		caps = 0;
	caps |= c->caps_add & ~all_written & ksc_caps_all();
	caps &= ~(c->caps_drop & ~all_written);
	return caps;
}

/*
 * A Localhost file as the node takes it: containerd decodes it with Go's encoding/json
 * (refusing it at CreateContainer with Go's message) and hands what Go wrote (ret->spec) to
 * the OCI runtime, which refuses it when it starts the container (StartError, exit code 128),
 * runs it without a filter, or enforces *ret_enforced. 0 with ret->error set on a refusal.
 */
static int
localhost_as_runtime(const struct kube_container *c, const struct kube_runtime *rt,
                     const char *path, const char *buf, size_t len, struct kube_outcome *ret,
                     char **ret_enforced)
{
	_cleanup_(freep) char *message = NULL;
	struct kube_oci_result res;
	int r = go_seccomp_decode(buf, len, &ret->spec, &message);

	if (r == -EINVAL)
		return asprintf(&ret->error,
		                "CreateContainerError: failed to create containerd container: "
		                "decoding seccomp profile failed \"%s\": %s",
		                path, message) < 0
		               ? -ENOMEM
		               : 0;
	if (r < 0)
		return r;
	r = kube_oci_seccomp(&rt->oci, ret->spec,
	                     c->allow_privilege_escalation_set && !c->allow_privilege_escalation,
	                     &res);
	if (r < 0)
		return r == -EINVAL ? -EIO : r;
	if (res.error)
		r = asprintf(&ret->error,
		             "StartError: failed to create containerd task: failed to create shim "
		             "task: OCI runtime create failed: %s: unknown",
		             res.error) < 0
		            ? -ENOMEM
		            : 0;
	ret->unconfined = res.no_seccomp;
	*ret_enforced = TAKE_PTR(res.enforced);
	kube_oci_result_done(&res);
	return r;
}

/* The first error of a parse, with its position, as validate reports it. */
static const char *
first_error(const struct ksc_diags *diags, const struct ksc_error *error, int r)
{
	for (size_t i = 0; diags && i < ksc_diags_count(diags); i++)
		if (ksc_diag_severity(ksc_diags_get(diags, i)) == KSC_SEVERITY_ERROR)
			return ksc_diag_message(ksc_diags_get(diags, i));
	return error ? ksc_error_message(error) : strerror(-r);
}

int
kube_runtime_outcome(const struct kube_pod *pod, const struct kube_container *c,
                     const struct kube_kubelet_result *k, const struct kube_runtime *rt,
                     struct kube_outcome *ret)
{
	_cleanup_(freep) char *text = NULL;
	struct ksc_error *error = NULL;
	int r;

	(void)pod;
	*ret = (struct kube_outcome){ 0 };
	if (k->error)
		return asprintf(&ret->error, "CreateContainerConfigError: %s", k->error) < 0
		               ? -ENOMEM
		               : 0;
	/* containerd's GenerateSeccompSpecOpts() on what the kubelet sent */
	r = kube_cri_seccomp(k->type == KUBE_PROFILE_LOCALHOST         ? KUBE_CRI_LOCALHOST
	                     : k->type == KUBE_PROFILE_RUNTIME_DEFAULT ? KUBE_CRI_RUNTIME_DEFAULT
	                                                               : KUBE_CRI_UNCONFINED,
	                     k->localhost_ref, NULL, c->privileged, rt->seccomp_enabled, &text);
	if (r < 0)
		return r;
	if (r == KUBE_CRI_ERROR) {
		r = asprintf(&ret->error,
		             "CreateContainerError: failed to generate seccomp spec "
		             "opts: %s",
		             text);
		return r < 0 ? -ENOMEM : 0;
	}
	if (r == KUBE_CRI_NO_SECCOMP) {
		ret->unconfined = true;
		if (c->privileged && k->type != KUBE_PROFILE_UNCONFINED)
			ret->note = strdup("privileged: the runtime applies no seccomp profile");
		return 0;
	}
	if (k->type == KUBE_PROFILE_RUNTIME_DEFAULT) {
		struct ksc_expand_opts opts = {
			.arch = rt->arch,
			.caps = kube_container_caps(c),
			.containerd_version = rt->containerd_version,
			.caps_added = c->cap_add_names,
			.caps_dropped = c->cap_drop_names,
		};

		r = ksc_default_profile(KSC_FLAVOR_CONTAINERD, &opts, &ret->profile, &error);
		if (r < 0) {
			r = asprintf(&ret->error, "CreateContainerError: %s",
			             error ? ksc_error_message(error) : strerror(-r));
			ksc_error_free(error);
			return r < 0 ? -ENOMEM : 0;
		}
		return 0;
	}
	/* Localhost: containerd reads the file when it creates the container */
	{
		_cleanup_(freep) char *buf = NULL, *enforced = NULL;
		_cleanup_(ksc_diags_freep) struct ksc_diags *diags = ksc_diags_new();
		struct ksc_profile_parse_opts popts = { .native_arch = rt->arch };
		size_t len = 0;

		if (!diags)
			return -ENOMEM;
		r = ksc_doc_read_file(k->localhost_ref, KSC_PROFILE_MAX_BYTES, &buf, &len, &error);
		if (r < 0) {
			/* Go's os.ReadFile: open fails, or read does (a directory); its errno
			 * texts are strerror's in lower case */
			char why_buf[128];
			const char *why = why_buf, *step = r == -EISDIR ? "read" : "open";

			snprintf(why_buf, sizeof(why_buf), "%s", strerror(-r));
			why_buf[0] = (char)tolower((unsigned char)why_buf[0]);

			/* A FIFO or a device: containerd's os.ReadFile would wait on a FIFO
			 * forever; refuse it, saying what it is. */
			if (r == -EINVAL && error && error->message &&
			    strncmp(error->message, k->localhost_ref, strlen(k->localhost_ref)) ==
			            0 &&
			    startswith(error->message + strlen(k->localhost_ref), ": "))
				why = error->message + strlen(k->localhost_ref) + 2;

			/* the profile loads when containerd creates the container (a spec
			 * option of NewContainer), whose failure it wraps */
			r = asprintf(&ret->error,
			             "CreateContainerError: failed to create containerd container: "
			             "cannot load seccomp profile \"%s\": %s %s: %s",
			             k->localhost_ref, step, k->localhost_ref, why);
			ksc_error_free(error);
			return r < 0 ? -ENOMEM : 0;
		}
		r = localhost_as_runtime(c, rt, k->localhost_ref, buf, len, ret, &enforced);
		if (r < 0 || ret->error)
			return r < 0 ? r : 0;
		r = ksc_profile_parse(k->localhost_ref, buf, len, &popts, &ret->profile, diags,
		                      &error);
		if (r >= 0 && !ret->unconfined)
			return 0;
		if (r >= 0) {
			/* runc takes a profile without defaultAction and rules as none */
			ksc_profile_free(TAKE_PTR(ret->profile));
			return asprintf(&ret->note,
			                "the node runs it with no seccomp filter (%s takes a "
			                "profile "
			                "without defaultAction and rules as none)",
			                rt->oci.name == KUBE_OCI_CRUN ? "crun" : "runc") < 0
			               ? -ENOMEM
			               : 0;
		}
		{
			_cleanup_(freep) char *finding = strdup(first_error(diags, error, r));
			char source[PATH_MAX + 64], name[32];

			ksc_error_free(TAKE_PTR(error));
			if (!finding)
				return -ENOMEM;
			kube_oci_format(&rt->oci, name, sizeof(name));
			if (ret->unconfined) {
				ret->kseccomp_refuses = true;
				return asprintf(&ret->note,
				                "the node runs it with no seccomp filter (%s takes "
				                "a "
				                "profile without defaultAction and rules as none); "
				                "kseccomp refuses it: %s",
				                name, finding) < 0
				               ? -ENOMEM
				               : 0;
			}
			/* kseccomp refuses what the node takes (a repeated key, a rule without
			 * names, an errnoRet the runtime ignores): the model is what the runtime
			 * enforces, and the finding a note */
			snprintf(source, sizeof(source), "%s (as %s enforces it)", k->localhost_ref,
			         name);
			ret->kseccomp_refuses = true;
			r = ksc_profile_parse(source, enforced, strlen(enforced), &popts,
			                      &ret->profile, NULL, NULL);
			if (r == -ENOMEM)
				return r;
			if (r < 0)
				ret->profile = NULL;
			return asprintf(&ret->note,
			                r < 0 ? "OK on the node (%s takes it), but kseccomp "
			                        "refuses it "
			                        "and cannot model it: %s"
			                      : "OK on the node (%s takes it), but kseccomp "
			                        "refuses it: "
			                        "%s",
			                name, finding) < 0
			               ? -ENOMEM
			               : 0;
		}
	}
}

int
kube_cri_seccomp(enum kube_cri_type type, const char *localhost_ref, const char *legacy,
                 bool privileged, bool seccomp_enabled, char **ret_text)
{
	*ret_text = NULL;
	/* a privileged container gets no seccomp, whatever it asked for */
	if (privileged)
		return KUBE_CRI_NO_SECCOMP;
	if (legacy) {
		if (!seccomp_enabled && !streq(legacy, "unconfined"))
			return (*ret_text = strdup("seccomp is not supported")) ? KUBE_CRI_ERROR
			                                                        : -ENOMEM;
		if (streq(legacy, "unconfined"))
			return KUBE_CRI_NO_SECCOMP;
		if (!*legacy || streq(legacy, "runtime/default") || streq(legacy, "docker/default"))
			return KUBE_CRI_DEFAULT_PROFILE;
		if (startswith(legacy, "localhost/"))
			return (*ret_text = strdup(legacy + strlen("localhost/")))
			               ? KUBE_CRI_LOAD_FILE
			               : -ENOMEM;
		return asprintf(ret_text, "invalid profile \"%s\"", legacy) < 0 ? -ENOMEM
		                                                                : KUBE_CRI_ERROR;
	}
	if (!seccomp_enabled && type != KUBE_CRI_UNCONFINED && type != KUBE_CRI_UNSET)
		return (*ret_text = strdup("seccomp is not supported")) ? KUBE_CRI_ERROR : -ENOMEM;
	if (type != KUBE_CRI_LOCALHOST && localhost_ref && *localhost_ref)
		return (*ret_text =
		                strdup("seccomp config invalid LocalhostRef must only be set if "
		                       "ProfileType is Localhost"))
		               ? KUBE_CRI_ERROR
		               : -ENOMEM;
	switch (type) {
	case KUBE_CRI_RUNTIME_DEFAULT:
		return KUBE_CRI_DEFAULT_PROFILE;
	case KUBE_CRI_LOCALHOST:
		/* "localhost/" is trimmed: older kubelets sent it */
		if (localhost_ref && startswith(localhost_ref, "localhost/"))
			localhost_ref += strlen("localhost/");
		return (*ret_text = strdup(localhost_ref ? localhost_ref : "")) ? KUBE_CRI_LOAD_FILE
		                                                                : -ENOMEM;
	default:
		return KUBE_CRI_NO_SECCOMP;
	}
}

void
kube_outcome_done(struct kube_outcome *o)
{
	ksc_profile_free(o->profile);
	free(o->error);
	free(o->note);
	free(o->spec);
	*o = (struct kube_outcome){ 0 };
}
