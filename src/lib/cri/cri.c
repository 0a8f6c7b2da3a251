/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cri.h"
#include "doc.h"
#include "grpc.h"
#include "ksc-cleanup.h"
#include "macro.h"

/*
 * Field numbers of runtime.v1 (k8s.io/cri-api, pkg/apis/runtime/v1), by message. Only the
 * fields kseccomp writes or reads are named; the reader skips the others.
 */
enum {
	/* VersionResponse */
	F_VERSION_VERSION = 1,
	F_VERSION_RUNTIME_NAME = 2,
	F_VERSION_RUNTIME_VERSION = 3,
	F_VERSION_RUNTIME_API_VERSION = 4,
	/* KeyValue, and the entries of map<string, string> fields */
	F_KV_KEY = 1,
	F_KV_VALUE = 2,
	/* PodSandboxMetadata */
	F_PODMETA_NAME = 1,
	F_PODMETA_UID = 2,
	F_PODMETA_NAMESPACE = 3,
	F_PODMETA_ATTEMPT = 4,
	/* PodSandboxConfig */
	F_PODCFG_METADATA = 1,
	F_PODCFG_HOSTNAME = 2,
	F_PODCFG_LOG_DIRECTORY = 3,
	F_PODCFG_LABELS = 6,
	F_PODCFG_ANNOTATIONS = 7,
	F_PODCFG_LINUX = 8,
	/* LinuxPodSandboxConfig */
	F_LINUXPOD_CGROUP_PARENT = 1,
	F_LINUXPOD_SECURITY_CONTEXT = 2,
	/* LinuxSandboxSecurityContext */
	F_PODSEC_NAMESPACE_OPTIONS = 1,
	F_PODSEC_RUN_AS_USER = 3,
	F_PODSEC_READONLY_ROOTFS = 4,
	F_PODSEC_PRIVILEGED = 6,
	F_PODSEC_RUN_AS_GROUP = 8,
	F_PODSEC_SECCOMP = 9,
	/* NamespaceOption */
	F_NS_NETWORK = 1,
	F_NS_PID = 2,
	F_NS_IPC = 3,
	/* Int64Value */
	F_INT64_VALUE = 1,
	/* SecurityProfile */
	F_PROFILE_TYPE = 1,
	F_PROFILE_LOCALHOST_REF = 2,
	/* Capability */
	F_CAP_ADD = 1,
	F_CAP_DROP = 2,
	/* LinuxContainerSecurityContext */
	F_CSEC_CAPABILITIES = 1,
	F_CSEC_PRIVILEGED = 2,
	F_CSEC_NAMESPACE_OPTIONS = 3,
	F_CSEC_RUN_AS_USER = 5,
	F_CSEC_RUN_AS_USERNAME = 6,
	F_CSEC_READONLY_ROOTFS = 7,
	F_CSEC_NO_NEW_PRIVS = 11,
	F_CSEC_RUN_AS_GROUP = 12,
	F_CSEC_SECCOMP = 15,
	/* LinuxContainerConfig */
	F_LINUXC_SECURITY_CONTEXT = 2,
	/* ContainerMetadata */
	F_CMETA_NAME = 1,
	F_CMETA_ATTEMPT = 2,
	/* ImageSpec */
	F_IMAGE_IMAGE = 1,
	/* ContainerConfig */
	F_CCFG_METADATA = 1,
	F_CCFG_IMAGE = 2,
	F_CCFG_COMMAND = 3,
	F_CCFG_ARGS = 4,
	F_CCFG_WORKING_DIR = 5,
	F_CCFG_ENVS = 6,
	F_CCFG_LABELS = 9,
	F_CCFG_ANNOTATIONS = 10,
	F_CCFG_LOG_PATH = 11,
	F_CCFG_LINUX = 15,
	/* RunPodSandboxRequest / Response */
	F_RUNPOD_CONFIG = 1,
	F_RUNPOD_RUNTIME_HANDLER = 2,
	F_RUNPOD_RESP_ID = 1,
	/* {Stop,Remove}PodSandboxRequest */
	F_POD_ID = 1,
	/* PodSandboxFilter, ListPodSandboxRequest, ListPodSandboxResponse */
	F_PODFILTER_ID = 1,
	F_LISTPOD_FILTER = 1,
	F_LISTPOD_ITEMS = 1,
	/* PodSandbox */
	F_POD_SB_ID = 1,
	F_POD_SB_METADATA = 2,
	F_POD_SB_STATE = 3,
	F_POD_SB_CREATED_AT = 4,
	F_POD_SB_LABELS = 5,
	F_POD_SB_ANNOTATIONS = 6,
	F_POD_SB_RUNTIME_HANDLER = 7,
	/* CreateContainerRequest / Response */
	F_CREATE_POD_ID = 1,
	F_CREATE_CONFIG = 2,
	F_CREATE_SANDBOX_CONFIG = 3,
	F_CREATE_RESP_ID = 1,
	/* {Start,Stop,Remove}ContainerRequest, ContainerStatusRequest */
	F_CONTAINER_ID = 1,
	F_STOP_TIMEOUT = 2,
	F_STATUS_VERBOSE = 2,
	/* ContainerFilter, ListContainersRequest, ListContainersResponse */
	F_CFILTER_POD_ID = 3,
	F_LISTC_FILTER = 1,
	F_LISTC_CONTAINERS = 1,
	/* Container */
	F_C_ID = 1,
	F_C_POD_ID = 2,
	F_C_METADATA = 3,
	F_C_IMAGE = 4,
	F_C_IMAGE_REF = 5,
	F_C_STATE = 6,
	F_C_CREATED_AT = 7,
	F_C_LABELS = 8,
	F_C_ANNOTATIONS = 9,
	/* ContainerStatus */
	F_CS_ID = 1,
	F_CS_METADATA = 2,
	F_CS_STATE = 3,
	F_CS_CREATED_AT = 4,
	F_CS_STARTED_AT = 5,
	F_CS_FINISHED_AT = 6,
	F_CS_EXIT_CODE = 7,
	F_CS_IMAGE = 8,
	F_CS_IMAGE_REF = 9,
	F_CS_REASON = 10,
	F_CS_MESSAGE = 11,
	F_CS_LABELS = 12,
	F_CS_ANNOTATIONS = 13,
	F_CS_LOG_PATH = 15,
	/* ContainerStatusResponse */
	F_CSR_STATUS = 1,
	F_CSR_INFO = 2,
};

#define SERVICE "/runtime.v1.RuntimeService/"

/* ---------------------------------------------------------------------------------------- */
/* Requests                                                                                   */

static void
put_strings(struct pb_buf *b, uint32_t field, const char *const *v, size_t n)
{
	/* repeated string: every element, empty ones included */
	for (size_t i = 0; i < n; i++) {
		struct pb_buf one = { 0 };

		if (v[i] && *v[i]) {
			pb_put_string(b, field, v[i]);
			continue;
		}
		pb_put_message(b, field, &one); /* an empty length-delimited field */
	}
}

static void
put_map(struct pb_buf *b, uint32_t field, const struct cri_kv *kv, size_t n)
{
	for (size_t i = 0; i < n; i++)
		pb_put_map_entry(b, field, kv[i].key, kv[i].value);
}

static void
put_sub(struct pb_buf *b, uint32_t field, struct pb_buf *sub)
{
	pb_put_message(b, field, sub);
	pb_buf_done(sub);
}

static void
put_int64_value(struct pb_buf *b, uint32_t field, bool has, int64_t v)
{
	struct pb_buf sub = { 0 };

	if (!has)
		return;
	pb_put_int64(&sub, F_INT64_VALUE, v);
	put_sub(b, field, &sub);
}

static void
put_profile(struct pb_buf *b, uint32_t field, const struct cri_profile *p)
{
	struct pb_buf sub = { 0 };

	if (!p->set)
		return;
	pb_put_uint64(&sub, F_PROFILE_TYPE, p->type);
	if (p->type == CRI_PROFILE_LOCALHOST)
		pb_put_string(&sub, F_PROFILE_LOCALHOST_REF, p->localhost_ref);
	put_sub(b, field, &sub);
}

static void
put_namespaces(struct pb_buf *b, uint32_t field, const struct cri_namespaces *ns)
{
	struct pb_buf sub = { 0 };

	pb_put_uint64(&sub, F_NS_NETWORK, ns->network);
	pb_put_uint64(&sub, F_NS_PID, ns->pid);
	pb_put_uint64(&sub, F_NS_IPC, ns->ipc);
	put_sub(b, field, &sub);
}

void
cri_encode_pod_config(struct pb_buf *b, const struct cri_pod_config *pod)
{
	struct pb_buf meta = { 0 }, linux_cfg = { 0 }, sec = { 0 };

	pb_put_string(&meta, F_PODMETA_NAME, pod->name);
	pb_put_string(&meta, F_PODMETA_UID, pod->uid);
	pb_put_string(&meta, F_PODMETA_NAMESPACE, pod->namespace);
	pb_put_uint64(&meta, F_PODMETA_ATTEMPT, pod->attempt);
	put_sub(b, F_PODCFG_METADATA, &meta);
	pb_put_string(b, F_PODCFG_HOSTNAME, pod->hostname);
	pb_put_string(b, F_PODCFG_LOG_DIRECTORY, pod->log_directory);
	put_map(b, F_PODCFG_LABELS, pod->labels, pod->n_labels);
	put_map(b, F_PODCFG_ANNOTATIONS, pod->annotations, pod->n_annotations);

	put_namespaces(&sec, F_PODSEC_NAMESPACE_OPTIONS, &pod->ns);
	put_int64_value(&sec, F_PODSEC_RUN_AS_USER, pod->has_run_as_user, pod->run_as_user);
	pb_put_bool(&sec, F_PODSEC_READONLY_ROOTFS, pod->readonly_rootfs);
	pb_put_bool(&sec, F_PODSEC_PRIVILEGED, pod->privileged);
	put_int64_value(&sec, F_PODSEC_RUN_AS_GROUP, pod->has_run_as_group, pod->run_as_group);
	put_profile(&sec, F_PODSEC_SECCOMP, &pod->seccomp);
	pb_put_string(&linux_cfg, F_LINUXPOD_CGROUP_PARENT, pod->cgroup_parent);
	put_sub(&linux_cfg, F_LINUXPOD_SECURITY_CONTEXT, &sec);
	put_sub(b, F_PODCFG_LINUX, &linux_cfg);
}

void
cri_encode_container_config(struct pb_buf *b, const struct cri_container_config *c)
{
	struct pb_buf meta = { 0 }, image = { 0 }, linux_cfg = { 0 }, sec = { 0 }, caps = { 0 };

	pb_put_string(&meta, F_CMETA_NAME, c->name);
	pb_put_uint64(&meta, F_CMETA_ATTEMPT, c->attempt);
	put_sub(b, F_CCFG_METADATA, &meta);
	pb_put_string(&image, F_IMAGE_IMAGE, c->image);
	put_sub(b, F_CCFG_IMAGE, &image);
	put_strings(b, F_CCFG_COMMAND, c->command, c->n_command);
	put_strings(b, F_CCFG_ARGS, c->args, c->n_args);
	pb_put_string(b, F_CCFG_WORKING_DIR, c->working_dir);
	for (size_t i = 0; i < c->n_envs; i++) {
		struct pb_buf kv = { 0 };

		pb_put_string(&kv, F_KV_KEY, c->envs[i].key);
		pb_put_string(&kv, F_KV_VALUE, c->envs[i].value);
		put_sub(b, F_CCFG_ENVS, &kv);
	}
	put_map(b, F_CCFG_LABELS, c->labels, c->n_labels);
	put_map(b, F_CCFG_ANNOTATIONS, c->annotations, c->n_annotations);
	pb_put_string(b, F_CCFG_LOG_PATH, c->log_path);

	put_strings(&caps, F_CAP_ADD, c->add_caps, c->n_add_caps);
	put_strings(&caps, F_CAP_DROP, c->drop_caps, c->n_drop_caps);
	if (c->n_add_caps || c->n_drop_caps)
		put_sub(&sec, F_CSEC_CAPABILITIES, &caps);
	else
		pb_buf_done(&caps);
	pb_put_bool(&sec, F_CSEC_PRIVILEGED, c->privileged);
	put_namespaces(&sec, F_CSEC_NAMESPACE_OPTIONS, &c->ns);
	put_int64_value(&sec, F_CSEC_RUN_AS_USER, c->has_run_as_user, c->run_as_user);
	pb_put_string(&sec, F_CSEC_RUN_AS_USERNAME, c->run_as_username);
	pb_put_bool(&sec, F_CSEC_READONLY_ROOTFS, c->readonly_rootfs);
	pb_put_bool(&sec, F_CSEC_NO_NEW_PRIVS, c->no_new_privs);
	put_int64_value(&sec, F_CSEC_RUN_AS_GROUP, c->has_run_as_group, c->run_as_group);
	put_profile(&sec, F_CSEC_SECCOMP, &c->seccomp);
	put_sub(&linux_cfg, F_LINUXC_SECURITY_CONTEXT, &sec);
	put_sub(b, F_CCFG_LINUX, &linux_cfg);
}

/* ---------------------------------------------------------------------------------------- */
/* Answers                                                                                    */

#define TRY(expr)                  \
	do {                       \
		int r_ = (expr);   \
		if (r_ < 0)        \
			return r_; \
	} while (0)

/* Arrays grow by doubling from 4: element n needs a larger array when n is 0 or a power of
 * two from 4 on, and then one of grow(n) elements. */
static bool
full(size_t n)
{
	return n == 0 || (n >= 4 && (n & (n - 1)) == 0);
}

static size_t
grow(size_t n)
{
	return n == 0 ? 4 : 2 * n;
}

static int
get_string(const struct pb_field *f, char **ret)
{
	if (f->wire != PB_LEN)
		return -EBADMSG;
	return pb_string(f, ret);
}

static int
get_varint(const struct pb_field *f, uint64_t *ret)
{
	if (f->wire != PB_VARINT)
		return -EBADMSG;
	*ret = f->value;
	return 0;
}

/* One map<string, string> entry appended to l. */
static int
get_map_entry(const struct pb_field *f, struct cri_labels *l)
{
	struct pb_reader r;
	struct pb_field g;
	char *key = NULL, *value = NULL;
	char **keys, **values;
	int k;

	if (f->wire != PB_LEN)
		return -EBADMSG;
	r = pb_sub(f);
	while ((k = pb_next(&r, &g)) > 0) {
		if (g.number == F_KV_KEY)
			k = get_string(&g, &key);
		else if (g.number == F_KV_VALUE)
			k = get_string(&g, &value);
		if (k < 0)
			break;
	}
	if (k >= 0 && (!key && !(key = strdup(""))))
		k = -ENOMEM;
	if (k >= 0 && (!value && !(value = strdup(""))))
		k = -ENOMEM;
	if (k >= 0) {
		keys = l->n >= CRI_MAX_LABELS ? NULL
		       : full(l->n)           ? reallocarray(l->keys, grow(l->n), sizeof(*keys))
		                              : l->keys;
		if (keys)
			l->keys = keys;
		values = !keys        ? NULL
		         : full(l->n) ? reallocarray(l->values, grow(l->n), sizeof(*values))
		                      : l->values;
		if (values)
			l->values = values;
		if (!keys || !values)
			k = l->n < CRI_MAX_LABELS ? -ENOMEM : -E2BIG;
	}
	if (k < 0) {
		free(key);
		free(value);
		return k;
	}
	l->keys[l->n] = key;
	l->values[l->n++] = value;
	return 0;
}

static void
labels_done(struct cri_labels *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->keys[i]);
		free(l->values[i]);
	}
	free(l->keys);
	free(l->values);
	*l = (struct cri_labels){ 0 };
}

const char *
cri_labels_get(const struct cri_labels *l, const char *key)
{
	/* the last of repeated keys, as a Go map keeps it */
	for (size_t i = l->n; i-- > 0;)
		if (streq(l->keys[i], key))
			return l->values[i];
	return NULL;
}

static int
get_container_metadata(const struct pb_field *f, char **name, uint32_t *attempt)
{
	struct pb_reader r;
	struct pb_field g;
	uint64_t v;
	int k;

	if (f->wire != PB_LEN)
		return -EBADMSG;
	r = pb_sub(f);
	while ((k = pb_next(&r, &g)) > 0) {
		if (g.number == F_CMETA_NAME)
			TRY(get_string(&g, name));
		else if (g.number == F_CMETA_ATTEMPT) {
			TRY(get_varint(&g, &v));
			*attempt = (uint32_t)v;
		}
	}
	return k;
}

static int
get_image(const struct pb_field *f, char **image)
{
	struct pb_reader r;
	struct pb_field g;
	int k;

	if (f->wire != PB_LEN)
		return -EBADMSG;
	r = pb_sub(f);
	while ((k = pb_next(&r, &g)) > 0)
		if (g.number == F_IMAGE_IMAGE)
			TRY(get_string(&g, image));
	return k;
}

void
cri_container_done(struct cri_container *c)
{
	free(c->id);
	free(c->pod_sandbox_id);
	free(c->name);
	free(c->image);
	free(c->image_ref);
	free(c->reason);
	free(c->message);
	free(c->log_path);
	free(c->info);
	labels_done(&c->labels);
	labels_done(&c->annotations);
	*c = (struct cri_container){ 0 };
}

void
cri_containers_free(struct cri_container *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		cri_container_done(&v[i]);
	free(v);
}

void
cri_pod_done(struct cri_pod *p)
{
	free(p->id);
	free(p->name);
	free(p->uid);
	free(p->namespace);
	free(p->runtime_handler);
	labels_done(&p->labels);
	labels_done(&p->annotations);
	*p = (struct cri_pod){ 0 };
}

void
cri_pods_free(struct cri_pod *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		cri_pod_done(&v[i]);
	free(v);
}

void
cri_version_done(struct cri_version *v)
{
	free(v->version);
	free(v->runtime_name);
	free(v->runtime_version);
	free(v->runtime_api_version);
	*v = (struct cri_version){ 0 };
}

const char *
cri_container_state_name(enum cri_container_state s)
{
	switch (s) {
	case CRI_CONTAINER_CREATED:
		return "Created";
	case CRI_CONTAINER_RUNNING:
		return "Running";
	case CRI_CONTAINER_EXITED:
		return "Exited";
	default:
		return "Unknown";
	}
}

const char *
cri_pod_state_name(enum cri_pod_state s)
{
	return s == CRI_POD_READY ? "Ready" : "NotReady";
}

int
cri_decode_version(const uint8_t *data, size_t len, struct cri_version *ret)
{
	struct pb_reader r = pb_reader_init(data, len);
	struct pb_field f;
	int k;

	while ((k = pb_next(&r, &f)) > 0) {
		switch (f.number) {
		case F_VERSION_VERSION:
			TRY(get_string(&f, &ret->version));
			break;
		case F_VERSION_RUNTIME_NAME:
			TRY(get_string(&f, &ret->runtime_name));
			break;
		case F_VERSION_RUNTIME_VERSION:
			TRY(get_string(&f, &ret->runtime_version));
			break;
		case F_VERSION_RUNTIME_API_VERSION:
			TRY(get_string(&f, &ret->runtime_api_version));
			break;
		}
	}
	return k;
}

/* An enum, an int64 or an int32 field: varints, the negative ones ten bytes long. */
static int
get_int(const struct pb_field *f, int64_t *ret)
{
	uint64_t v;

	TRY(get_varint(f, &v));
	*ret = (int64_t)v;
	return 0;
}

int
cri_decode_container(const uint8_t *data, size_t len, struct cri_container *ret)
{
	struct pb_reader r = pb_reader_init(data, len);
	struct pb_field f;
	int64_t v;
	int k;

	while ((k = pb_next(&r, &f)) > 0) {
		switch (f.number) {
		case F_C_ID:
			TRY(get_string(&f, &ret->id));
			break;
		case F_C_POD_ID:
			TRY(get_string(&f, &ret->pod_sandbox_id));
			break;
		case F_C_METADATA:
			TRY(get_container_metadata(&f, &ret->name, &ret->attempt));
			break;
		case F_C_IMAGE:
			TRY(get_image(&f, &ret->image));
			break;
		case F_C_IMAGE_REF:
			TRY(get_string(&f, &ret->image_ref));
			break;
		case F_C_STATE:
			TRY(get_int(&f, &v));
			ret->state = (enum cri_container_state)MIN((uint64_t)v, 3u);
			break;
		case F_C_CREATED_AT:
			TRY(get_int(&f, &ret->created_at));
			break;
		case F_C_LABELS:
			TRY(get_map_entry(&f, &ret->labels));
			break;
		case F_C_ANNOTATIONS:
			TRY(get_map_entry(&f, &ret->annotations));
			break;
		}
	}
	return k;
}

static int
decode_status(const uint8_t *data, size_t len, struct cri_container *ret)
{
	struct pb_reader r = pb_reader_init(data, len);
	struct pb_field f;
	int64_t v;
	int k;

	while ((k = pb_next(&r, &f)) > 0) {
		switch (f.number) {
		case F_CS_ID:
			TRY(get_string(&f, &ret->id));
			break;
		case F_CS_METADATA:
			TRY(get_container_metadata(&f, &ret->name, &ret->attempt));
			break;
		case F_CS_STATE:
			TRY(get_int(&f, &v));
			ret->state = (enum cri_container_state)MIN((uint64_t)v, 3u);
			break;
		case F_CS_CREATED_AT:
			TRY(get_int(&f, &ret->created_at));
			break;
		case F_CS_STARTED_AT:
			TRY(get_int(&f, &ret->started_at));
			break;
		case F_CS_FINISHED_AT:
			TRY(get_int(&f, &ret->finished_at));
			break;
		case F_CS_EXIT_CODE:
			TRY(get_int(&f, &v));
			ret->exit_code = (int32_t)v;
			break;
		case F_CS_IMAGE:
			TRY(get_image(&f, &ret->image));
			break;
		case F_CS_IMAGE_REF:
			TRY(get_string(&f, &ret->image_ref));
			break;
		case F_CS_REASON:
			TRY(get_string(&f, &ret->reason));
			break;
		case F_CS_MESSAGE:
			TRY(get_string(&f, &ret->message));
			break;
		case F_CS_LABELS:
			TRY(get_map_entry(&f, &ret->labels));
			break;
		case F_CS_ANNOTATIONS:
			TRY(get_map_entry(&f, &ret->annotations));
			break;
		case F_CS_LOG_PATH:
			TRY(get_string(&f, &ret->log_path));
			break;
		}
	}
	return k;
}

int
cri_decode_container_status(const uint8_t *data, size_t len, struct cri_container *ret)
{
	struct pb_reader r = pb_reader_init(data, len);
	struct cri_labels info = { 0 };
	struct pb_field f;
	const char *json;
	int k;

	while ((k = pb_next(&r, &f)) > 0) {
		if (f.number == F_CSR_STATUS) {
			if (f.wire != PB_LEN) {
				k = -EBADMSG;
				break;
			}
			k = decode_status(f.data, f.len, ret);
		} else if (f.number == F_CSR_INFO)
			k = get_map_entry(&f, &info);
		if (k < 0)
			break;
	}
	json = k >= 0 ? cri_labels_get(&info, "info") : NULL;
	if (json && !(ret->info = strdup(json)))
		k = -ENOMEM;
	if (ret->info) {
		struct ksc_doc *doc = NULL;

		ret->info_is_json = ksc_doc_parse("info", ret->info, strlen(ret->info),
		                                  KSC_DOC_JSON, &doc, NULL) >= 0;
		ksc_doc_free(doc);
	}
	labels_done(&info);
	return k;
}

/* Room for one more item (zeroed) of a list the answer repeats, within CRI_MAX_ITEMS. 0, or
 * -E2BIG, -ENOMEM. */
static int
list_add(void **v, size_t *n, size_t size)
{
	void *grown;

	if (*n >= CRI_MAX_ITEMS)
		return -E2BIG;
	grown = full(*n) ? reallocarray(*v, grow(*n), size) : *v;
	if (!grown)
		return -ENOMEM;
	*v = grown;
	memset((char *)grown + *n * size, 0, size);
	(*n)++;
	return 0;
}

int
cri_decode_containers(const uint8_t *data, size_t len, struct cri_container **ret, size_t *ret_n)
{
	struct pb_reader r = pb_reader_init(data, len);
	struct pb_field f;
	int k;

	*ret = NULL;
	*ret_n = 0;
	while ((k = pb_next(&r, &f)) > 0) {
		if (f.number != F_LISTC_CONTAINERS)
			continue;
		if (f.wire != PB_LEN)
			return -EBADMSG;
		TRY(list_add((void **)ret, ret_n, sizeof(**ret)));
		TRY(cri_decode_container(f.data, f.len, &(*ret)[*ret_n - 1]));
	}
	return k;
}

static int
decode_pod_metadata(const struct pb_field *f, struct cri_pod *p)
{
	struct pb_reader r;
	struct pb_field g;
	uint64_t v;
	int k;

	if (f->wire != PB_LEN)
		return -EBADMSG;
	r = pb_sub(f);
	while ((k = pb_next(&r, &g)) > 0) {
		switch (g.number) {
		case F_PODMETA_NAME:
			TRY(get_string(&g, &p->name));
			break;
		case F_PODMETA_UID:
			TRY(get_string(&g, &p->uid));
			break;
		case F_PODMETA_NAMESPACE:
			TRY(get_string(&g, &p->namespace));
			break;
		case F_PODMETA_ATTEMPT:
			TRY(get_varint(&g, &v));
			p->attempt = (uint32_t)v;
			break;
		}
	}
	return k;
}

static int
decode_pod(const uint8_t *data, size_t len, struct cri_pod *p)
{
	struct pb_reader r = pb_reader_init(data, len);
	struct pb_field f;
	int64_t v;
	int k;

	while ((k = pb_next(&r, &f)) > 0) {
		switch (f.number) {
		case F_POD_SB_ID:
			TRY(get_string(&f, &p->id));
			break;
		case F_POD_SB_METADATA:
			TRY(decode_pod_metadata(&f, p));
			break;
		case F_POD_SB_STATE:
			TRY(get_int(&f, &v));
			p->state = v == CRI_POD_READY ? CRI_POD_READY : CRI_POD_NOTREADY;
			break;
		case F_POD_SB_CREATED_AT:
			TRY(get_int(&f, &p->created_at));
			break;
		case F_POD_SB_LABELS:
			TRY(get_map_entry(&f, &p->labels));
			break;
		case F_POD_SB_ANNOTATIONS:
			TRY(get_map_entry(&f, &p->annotations));
			break;
		case F_POD_SB_RUNTIME_HANDLER:
			TRY(get_string(&f, &p->runtime_handler));
			break;
		}
	}
	return k;
}

int
cri_decode_pods(const uint8_t *data, size_t len, struct cri_pod **ret, size_t *ret_n)
{
	struct pb_reader r = pb_reader_init(data, len);
	struct pb_field f;
	int k;

	*ret = NULL;
	*ret_n = 0;
	while ((k = pb_next(&r, &f)) > 0) {
		if (f.number != F_LISTPOD_ITEMS)
			continue;
		if (f.wire != PB_LEN)
			return -EBADMSG;
		TRY(list_add((void **)ret, ret_n, sizeof(**ret)));
		TRY(decode_pod(f.data, f.len, &(*ret)[*ret_n - 1]));
	}
	return k;
}

/* A response field that must be a non-empty string (an id). */
static int
decode_id(const uint8_t *data, size_t len, uint32_t field, char **ret)
{
	struct pb_reader r = pb_reader_init(data, len);
	struct pb_field f;
	int k;

	while ((k = pb_next(&r, &f)) > 0)
		if (f.number == field)
			TRY(get_string(&f, ret));
	if (k < 0)
		return k;
	return *ret && **ret ? 0 : -EBADMSG;
}

/* ---------------------------------------------------------------------------------------- */
/* Calls                                                                                      */

struct cri {
	struct grpc_conn *conn;
	char *endpoint;
};

int
cri_connect(const char *endpoint, unsigned timeout_ms, struct cri **ret, struct ksc_error **reterr)
{
	_cleanup_(cri_closep) struct cri *c = calloc(1, sizeof(*c));
	int r;

	if (!c)
		return -ENOMEM;
	if (!endpoint)
		endpoint = CRI_DEFAULT_ENDPOINT;
	c->endpoint = strdup(endpoint);
	if (!c->endpoint)
		return -ENOMEM;
	r = grpc_connect(endpoint, timeout_ms, &c->conn, reterr);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(c);
	return 0;
}

void
cri_close(struct cri *c)
{
	if (!c)
		return;
	grpc_close(c->conn);
	free(c->endpoint);
	free(c);
}

const char *
cri_endpoint(const struct cri *c)
{
	return c->endpoint;
}

/* Call SERVICE + method with req, which it frees; a failure reads "METHOD: why". */
static int
call(struct cri *c, const char *method, struct pb_buf *req, uint8_t **resp, size_t *len,
     struct ksc_error **reterr)
{
	char path[96];
	int r;

	snprintf(path, sizeof(path), SERVICE "%s", method);
	r = grpc_call(c->conn, path, req, resp, len, NULL, reterr);
	pb_buf_done(req);
	if (r < 0)
		return ksc_error_prefixf(reterr, r, "%s: ", method);
	return 0;
}

/* A decoding failure of method's answer. */
static int
bad_answer(const char *method, int r, struct ksc_error **reterr)
{
	if (r == -ENOMEM)
		return r;
	if (r == -E2BIG)
		return ksc_error_setf(reterr, r,
		                      "%s: the runtime's answer lists more than %u items or an "
		                      "object with more than %u labels",
		                      method, CRI_MAX_ITEMS, CRI_MAX_LABELS);
	return ksc_error_setf(reterr, -EPROTO, "%s: the runtime's answer is not a %sResponse",
	                      method, method);
}

int
cri_version(struct cri *c, struct cri_version *ret, struct ksc_error **reterr)
{
	struct pb_buf req = { 0 };
	_cleanup_(freep) uint8_t *resp = NULL;
	size_t len = 0;
	int r;

	/* the CRI version the client speaks */
	pb_put_string(&req, F_VERSION_VERSION, "v1");
	r = call(c, "Version", &req, &resp, &len, reterr);
	if (r < 0)
		return r;
	r = cri_decode_version(resp, len, ret);
	return r < 0 ? bad_answer("Version", r, reterr) : 0;
}

/* A request whose only field is one id; the answer is empty or ignored. */
static int
call_with_id(struct cri *c, const char *method, const char *id, struct ksc_error **reterr)
{
	struct pb_buf req = { 0 };
	_cleanup_(freep) uint8_t *resp = NULL;
	size_t len = 0;
	int r;

	pb_put_string(&req, 1, id);
	r = call(c, method, &req, &resp, &len, reterr);
	return r;
}

int
cri_run_pod_sandbox(struct cri *c, const struct cri_pod_config *pod, const char *runtime_handler,
                    char **ret_id, struct ksc_error **reterr)
{
	struct pb_buf req = { 0 }, cfg = { 0 };
	_cleanup_(freep) uint8_t *resp = NULL;
	size_t len = 0;
	int r;

	cri_encode_pod_config(&cfg, pod);
	put_sub(&req, F_RUNPOD_CONFIG, &cfg);
	pb_put_string(&req, F_RUNPOD_RUNTIME_HANDLER, runtime_handler);
	r = call(c, "RunPodSandbox", &req, &resp, &len, reterr);
	if (r < 0)
		return r;
	r = decode_id(resp, len, F_RUNPOD_RESP_ID, ret_id);
	return r < 0 ? bad_answer("RunPodSandbox", r, reterr) : 0;
}

int
cri_stop_pod_sandbox(struct cri *c, const char *id, struct ksc_error **reterr)
{
	return call_with_id(c, "StopPodSandbox", id, reterr);
}

int
cri_remove_pod_sandbox(struct cri *c, const char *id, struct ksc_error **reterr)
{
	return call_with_id(c, "RemovePodSandbox", id, reterr);
}

int
cri_list_pod_sandbox(struct cri *c, const char *id, struct cri_pod **ret, size_t *ret_n,
                     struct ksc_error **reterr)
{
	struct pb_buf req = { 0 }, filter = { 0 };
	_cleanup_(freep) uint8_t *resp = NULL;
	size_t len = 0;
	int r;

	if (id) {
		pb_put_string(&filter, F_PODFILTER_ID, id);
		put_sub(&req, F_LISTPOD_FILTER, &filter);
	}
	r = call(c, "ListPodSandbox", &req, &resp, &len, reterr);
	if (r < 0)
		return r;
	r = cri_decode_pods(resp, len, ret, ret_n);
	if (r < 0) {
		cri_pods_free(*ret, *ret_n);
		*ret = NULL;
		*ret_n = 0;
		return bad_answer("ListPodSandbox", r, reterr);
	}
	return 0;
}

int
cri_create_container(struct cri *c, const char *pod_id, const struct cri_container_config *cfg,
                     const struct cri_pod_config *pod, char **ret_id, struct ksc_error **reterr)
{
	struct pb_buf req = { 0 }, ccfg = { 0 }, pcfg = { 0 };
	_cleanup_(freep) uint8_t *resp = NULL;
	size_t len = 0;
	int r;

	pb_put_string(&req, F_CREATE_POD_ID, pod_id);
	cri_encode_container_config(&ccfg, cfg);
	put_sub(&req, F_CREATE_CONFIG, &ccfg);
	cri_encode_pod_config(&pcfg, pod);
	put_sub(&req, F_CREATE_SANDBOX_CONFIG, &pcfg);
	r = call(c, "CreateContainer", &req, &resp, &len, reterr);
	if (r < 0)
		return r;
	r = decode_id(resp, len, F_CREATE_RESP_ID, ret_id);
	return r < 0 ? bad_answer("CreateContainer", r, reterr) : 0;
}

int
cri_start_container(struct cri *c, const char *id, struct ksc_error **reterr)
{
	return call_with_id(c, "StartContainer", id, reterr);
}

int
cri_stop_container(struct cri *c, const char *id, int64_t timeout_s, struct ksc_error **reterr)
{
	struct pb_buf req = { 0 };
	_cleanup_(freep) uint8_t *resp = NULL;
	size_t len = 0;
	int r;

	pb_put_string(&req, F_CONTAINER_ID, id);
	pb_put_int64(&req, F_STOP_TIMEOUT, timeout_s);
	r = call(c, "StopContainer", &req, &resp, &len, reterr);
	return r;
}

int
cri_remove_container(struct cri *c, const char *id, struct ksc_error **reterr)
{
	return call_with_id(c, "RemoveContainer", id, reterr);
}

int
cri_list_containers(struct cri *c, const char *pod_id, struct cri_container **ret, size_t *ret_n,
                    struct ksc_error **reterr)
{
	struct pb_buf req = { 0 }, filter = { 0 };
	_cleanup_(freep) uint8_t *resp = NULL;
	size_t len = 0;
	int r;

	if (pod_id) {
		pb_put_string(&filter, F_CFILTER_POD_ID, pod_id);
		put_sub(&req, F_LISTC_FILTER, &filter);
	}
	r = call(c, "ListContainers", &req, &resp, &len, reterr);
	if (r < 0)
		return r;
	r = cri_decode_containers(resp, len, ret, ret_n);
	if (r < 0) {
		cri_containers_free(*ret, *ret_n);
		*ret = NULL;
		*ret_n = 0;
		return bad_answer("ListContainers", r, reterr);
	}
	return 0;
}

int
cri_container_status(struct cri *c, const char *id, bool verbose, struct cri_container *ret,
                     struct ksc_error **reterr)
{
	struct pb_buf req = { 0 };
	_cleanup_(freep) uint8_t *resp = NULL;
	size_t len = 0;
	int r;

	pb_put_string(&req, F_CONTAINER_ID, id);
	pb_put_bool(&req, F_STATUS_VERBOSE, verbose);
	r = call(c, "ContainerStatus", &req, &resp, &len, reterr);
	if (r < 0)
		return r;
	r = cri_decode_container_status(resp, len, ret);
	if (r < 0) {
		cri_container_done(ret);
		return bad_answer("ContainerStatus", r, reterr);
	}
	return 0;
}
