/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The seccomp agent's readers on arbitrary bytes: the framing of a container process state
 * on a stream (notify_state_complete), the state parser, and the answer policy. A parsed
 * state is written back with notify_state_json and must parse to the same peer; a parsed
 * policy decides a few calls for a fixed peer and an empty one. A failure always says why;
 * anything else is a bug, reported by aborting so that libFuzzer keeps the input.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "notify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
same(const char *a, const char *b)
{
	return a && b ? strcmp(a, b) == 0 : a == b;
}

/* The peer written back as a state, as runc would send it, parses to the same peer. */
static void
round_trip(const struct notify_peer *p)
{
	const char *const names[] = { "io.kubernetes.cri.sandbox-name",      p->pod,
		                      "io.kubernetes.cri.sandbox-namespace", p->namespace,
		                      "io.kubernetes.cri.container-name",    p->container };
	const char *ann[7] = { NULL };
	struct notify_state st = {
		.pid = p->pid,
		.metadata = p->metadata,
		.id = p->id,
		.status = p->status,
		.bundle = p->bundle,
		.annotations = ann,
	};
	struct notify_peer q = { 0 };
	char *text = NULL;
	size_t len = 0, n = 0;

	/* the names present, as key, value pairs */
	for (size_t i = 0; i < 6; i += 2)
		if (names[i + 1]) {
			ann[n++] = names[i];
			ann[n++] = names[i + 1];
		}
	if (notify_state_json(&st, &text, &len) < 0)
		return; /* out of memory */
	if (strlen(text) != len || notify_state_complete(text, len) != len)
		abort();
	if (notify_state_parse("again", text, len, &q, NULL) < 0)
		abort(); /* what we send, we read */
	if (q.pid != p->pid || !same(q.id, p->id) || !same(q.pod, p->pod) ||
	    !same(q.namespace, p->namespace) || !same(q.container, p->container) ||
	    /* an empty metadata is left out, as runc leaves it out */
	    !same(q.metadata, p->metadata && *p->metadata ? p->metadata : NULL) ||
	    !same(q.status, p->status ? p->status : "creating") ||
	    !same(q.bundle, p->bundle ? p->bundle : "") || q.seccomp_fd_index != 0)
		abort();
	notify_peer_done(&q);
	free(text);
}

static void
state(const char *buf, size_t size)
{
	struct notify_peer p = { 0 };
	struct ksc_error *error = NULL;
	int r;

	r = notify_state_parse("fuzz.json", buf, size, &p, &error);
	if (r < 0) {
		if (r == -EINVAL && (!error || !ksc_error_message(error)))
			abort();
		ksc_error_free(error);
		return;
	}
	if (!p.oci_version || !p.id || p.pid < 0)
		abort();
	round_trip(&p);
	notify_peer_done(&p);
}

static void
policy(const char *buf, size_t size)
{
	static const char *const names[] = { "read",   "mkdir", "mkdirat", "ptrace",
		                             "unlink", "",      NULL };
	const struct notify_peer peers[] = {
		{ .pod = "web-1", .namespace = "prod", .container = "nginx", .metadata = "bar" },
		{ 0 },
	};
	struct notify_policy *p = NULL;
	struct ksc_error *error = NULL;
	int r;

	r = notify_policy_parse("fuzz.yaml", buf, size, &p, &error);
	if (r < 0) {
		if (r == -EINVAL && (!error || !ksc_error_message(error)))
			abort();
		ksc_error_free(error);
		return;
	}
	for (size_t k = 0; k < sizeof(peers) / sizeof(peers[0]); k++)
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			struct notify_verdict v = { 0 };
			char text[64];

			notify_policy_decide(p, &peers[k], names[i], &v);
			if (v.answer != NOTIFY_ALLOW && v.answer != NOTIFY_ERRNO &&
			    v.answer != NOTIFY_KILL)
				abort();
			if (v.answer == NOTIFY_ERRNO && (v.errnum == 0 || v.errnum > 4095))
				abort();
			if (v.rule < -1)
				abort();
			notify_verdict_format(&v, text, sizeof(text));
			if (!text[0])
				abort();
		}
	notify_policy_free(p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	size_t n = notify_state_complete(buf, size);

	/* 0, all of it, or up to a closing bracket; and then that prefix is complete itself */
	if (n > size)
		abort();
	if (n > 0 && n < size) {
		if (buf[n - 1] != '}' && buf[n - 1] != ']')
			abort();
		if (notify_state_complete(buf, n) != n)
			abort();
		state(buf, n); /* what an agent reads off the stream */
	}
	state(buf, size);
	policy(buf, size);
	return 0;
}
