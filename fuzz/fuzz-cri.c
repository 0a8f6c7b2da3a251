/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The CRI client's readers on arbitrary bytes, as a runtime's answer would bring them. The
 * first byte chooses the reader (modulo 6): VersionResponse, Container, ContainerStatusResponse,
 * ListContainersResponse, ListPodSandboxResponse, or a raw walk of pb_next() that goes into
 * every length-delimited field as if it were a message, down to a depth limit. The rest is
 * the message.
 *
 * A reader returns 0, -EBADMSG, -E2BIG or -ENOMEM; after a success every string is NUL-terminated,
 * every label can be found by its key (the last of a repeated key, as a Go map keeps it) and
 * every enum is one the API defines; whatever a reader filled, also after a failure, is freed
 * (LeakSanitizer checks in the replay). A decoded ListContainersResponse's containers are the
 * ones cri_decode_container() reads from each item. A failure always says why; anything else
 * is a bug, reported by aborting so that libFuzzer keeps the input.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cri/cri.h"
#include "cri/pb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Deeper than any CRI message the client reads (ContainerStatusResponse.status.metadata
 * is three), shallow enough that the walk stays fast on nested garbage. */
#define WALK_MAX_DEPTH 8

enum reader {
	READ_VERSION,
	READ_CONTAINER,
	READ_CONTAINER_STATUS,
	READ_CONTAINERS,
	READ_PODS,
	READ_WALK,
	N_READERS,
};

static void
check_result(int r)
{
	if (r != 0 && r != -EBADMSG && r != -E2BIG && r != -ENOMEM)
		abort();
}

static bool
same(const char *a, const char *b)
{
	return a && b ? strcmp(a, b) == 0 : a == b;
}

/* A decoded string: NULL or NUL-terminated within what strlen() may read (ASan checks). */
static void
check_string(const char *s, size_t max)
{
	if (s && strlen(s) > max)
		abort(); /* no string is longer than the message it came from */
}

static void
check_labels(const struct cri_labels *l, size_t max)
{
	if (l->n && (!l->keys || !l->values))
		abort();
	for (size_t i = 0; i < l->n; i++) {
		const char *found;
		size_t last = i;

		if (!l->keys[i] || !l->values[i])
			abort(); /* a key or value left out is the empty string */
		check_string(l->keys[i], max);
		check_string(l->values[i], max);
		for (size_t j = i + 1; j < l->n; j++)
			if (strcmp(l->keys[j], l->keys[i]) == 0)
				last = j;
		found = cri_labels_get(l, l->keys[i]);
		if (found != l->values[last])
			abort();
	}
}

static void
check_container(const struct cri_container *c, size_t max)
{
	const char *const strings[] = { c->id,      c->pod_sandbox_id, c->name,
		                        c->image,   c->image_ref,      c->reason,
		                        c->message, c->log_path,       c->info };

	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
		check_string(strings[i], max);
	if ((unsigned)c->state > CRI_CONTAINER_UNKNOWN)
		abort();
	if (c->info_is_json && !c->info)
		abort();
	if (!cri_container_state_name(c->state))
		abort();
	check_labels(&c->labels, max);
	check_labels(&c->annotations, max);
}

static bool
same_labels(const struct cri_labels *a, const struct cri_labels *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (!same(a->keys[i], b->keys[i]) || !same(a->values[i], b->values[i]))
			return false;
	return true;
}

static bool
same_container(const struct cri_container *a, const struct cri_container *b)
{
	return same(a->id, b->id) && same(a->pod_sandbox_id, b->pod_sandbox_id) &&
	       same(a->name, b->name) && a->attempt == b->attempt && same(a->image, b->image) &&
	       same(a->image_ref, b->image_ref) && a->state == b->state &&
	       a->created_at == b->created_at && same_labels(&a->labels, &b->labels) &&
	       same_labels(&a->annotations, &b->annotations);
}

static void
version(const uint8_t *data, size_t size)
{
	struct cri_version v = { 0 };
	int r = cri_decode_version(data, size, &v);

	check_result(r);
	if (r == 0) {
		check_string(v.version, size);
		check_string(v.runtime_name, size);
		check_string(v.runtime_version, size);
		check_string(v.runtime_api_version, size);
	}
	cri_version_done(&v);
}

static void
container(const uint8_t *data, size_t size, bool status)
{
	struct cri_container c = { 0 };
	int r = status ? cri_decode_container_status(data, size, &c)
	               : cri_decode_container(data, size, &c);

	check_result(r);
	if (r == 0)
		check_container(&c, size);
	if (!status && (c.reason || c.message || c.log_path || c.info || c.started_at ||
	                c.finished_at || c.exit_code))
		abort(); /* a Container has none of ContainerStatus's own fields */
	if (r < 0 && c.info)
		abort(); /* the info of an answer that failed is not kept */
	cri_container_done(&c);
}

/* Each item of a decoded list, read alone, is the container the list holds. */
static void
containers_again(const uint8_t *data, size_t size, const struct cri_container *v, size_t n)
{
	struct pb_reader r = pb_reader_init(data, size);
	struct pb_field f;
	size_t i = 0;
	int k;

	while ((k = pb_next(&r, &f)) > 0) {
		struct cri_container c = { 0 };

		if (f.number != 1)
			continue; /* ListContainersResponse.containers = 1; the rest is skipped */
		if (f.wire != PB_LEN || i >= n)
			abort();
		k = cri_decode_container(f.data, f.len, &c);
		if (k == -ENOMEM) {
			cri_container_done(&c);
			return;
		}
		if (k != 0 || !same_container(&c, &v[i]))
			abort();
		cri_container_done(&c);
		i++;
	}
	if (k != 0 || i != n)
		abort();
}

static void
containers(const uint8_t *data, size_t size)
{
	struct cri_container *v = NULL;
	size_t n = 0;
	int r = cri_decode_containers(data, size, &v, &n);

	check_result(r);
	if (n && !v)
		abort();
	if (r == 0) {
		for (size_t i = 0; i < n; i++)
			check_container(&v[i], size);
		containers_again(data, size, v, n);
	}
	cri_containers_free(v, n);
}

static void
pods(const uint8_t *data, size_t size)
{
	struct cri_pod *v = NULL;
	size_t n = 0;
	int r = cri_decode_pods(data, size, &v, &n);

	check_result(r);
	if (n && !v)
		abort();
	for (size_t i = 0; r == 0 && i < n; i++) {
		const struct cri_pod *p = &v[i];

		check_string(p->id, size);
		check_string(p->name, size);
		check_string(p->uid, size);
		check_string(p->namespace, size);
		check_string(p->runtime_handler, size);
		if (p->state != CRI_POD_READY && p->state != CRI_POD_NOTREADY)
			abort();
		if (!cri_pod_state_name(p->state))
			abort();
		check_labels(&p->labels, size);
		check_labels(&p->annotations, size);
	}
	cri_pods_free(v, n);
}

/* Every field of a message, and every length-delimited one read as a message in turn: the
 * reader moves forward on each field, stays inside its bytes and ends where they end. */
static void
walk(const uint8_t *data, size_t size, unsigned depth)
{
	const uint8_t *end = data + size;
	struct pb_reader r = pb_reader_init(data, size);
	struct pb_field f;
	int k;

	for (;;) {
		const uint8_t *at = r.p;

		k = pb_next(&r, &f);
		if (k <= 0)
			break;
		if (k != 1 || r.p <= at || r.p > end || f.number == 0)
			abort();
		switch (f.wire) {
		case PB_VARINT:
		case PB_FIXED64:
		case PB_FIXED32:
			break;
		case PB_LEN: {
			char *s = NULL;
			int sr;

			if (f.data < at || f.len > (size_t)(end - f.data) || f.data + f.len != r.p)
				abort();
			sr = pb_string(&f, &s);
			if (sr == 0 && (strlen(s) != f.len || memcmp(s, f.data, f.len) != 0))
				abort();
			if (sr != 0 && sr != -ENOMEM &&
			    (sr != -EBADMSG || !memchr(f.data, 0, f.len)))
				abort(); /* refused only for a NUL */
			free(s);
			if (depth < WALK_MAX_DEPTH)
				walk(f.data, f.len, depth + 1);
			break;
		}
		default:
			abort(); /* a wire type pb_next() must refuse */
		}
		if (f.wire != PB_LEN && (f.data || f.len))
			abort();
	}
	if (k < 0 && k != -EBADMSG)
		abort();
	if (k == 0 && r.p != end)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	switch ((enum reader)(data[0] % N_READERS)) {
	case READ_VERSION:
		version(data + 1, size - 1);
		break;
	case READ_CONTAINER:
		container(data + 1, size - 1, false);
		break;
	case READ_CONTAINER_STATUS:
		container(data + 1, size - 1, true);
		break;
	case READ_CONTAINERS:
		containers(data + 1, size - 1);
		break;
	case READ_PODS:
		pods(data + 1, size - 1);
		break;
	default:
		walk(data + 1, size - 1, 0);
		break;
	}
	return 0;
}
