/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The seccomp agent's readers on arbitrary bytes: the framing of a container process state
 * on a stream (notify_state_complete), the state parser, and the answer policy. A parsed
 * state is written back with notify_state_json and must parse to the same peer; a parsed
 * policy decides a few calls for a fixed peer and an empty one, and a few notifications
 * through socketcall(2)/ipc(2) and the first bytes read as one, never more weakly than the
 * call they demultiplex to would be answered made directly. A failure always says why;
 * anything else is a bug, reported by aborting so that libFuzzer keeps the input.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kseccomp.h"
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

static int
strictness(enum notify_answer answer)
{
	return answer == NOTIFY_KILL ? 2 : answer == NOTIFY_ERRNO ? 1 : 0;
}

static void
check_verdict(const struct notify_verdict *v)
{
	char text[64];

	if (v->answer != NOTIFY_ALLOW && v->answer != NOTIFY_ERRNO && v->answer != NOTIFY_KILL)
		abort();
	if (v->answer == NOTIFY_ERRNO && (v->errnum == 0 || v->errnum > 4095))
		abort();
	if (v->rule < -1)
		abort();
	notify_verdict_format(v, text, sizeof(text));
	if (!text[0])
		abort();
}

/* A notification decided as the agent decides it: never weaker than its name alone. */
static void
notified(const struct notify_policy *p, const struct notify_peer *peer, uint32_t token, int32_t nr,
         uint64_t arg0)
{
	struct notify_verdict v = { 0 }, direct = { 0 };
	struct notify_call call;

	notify_call_decode(token, nr, arg0, &call);
	if (call.mux && (!call.name || !call.syscall || strcmp(call.syscall, call.mux) != 0))
		abort();
	if (!call.mux && !same(call.name, call.syscall))
		abort();
	notify_policy_decide_call(p, peer, &call, &v);
	check_verdict(&v);
	notify_policy_decide(p, peer, call.name, &direct);
	if (strictness(v.answer) < strictness(direct.answer))
		abort(); /* fail-open */
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
	for (size_t k = 0; k < sizeof(peers) / sizeof(peers[0]); k++) {
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			struct notify_verdict v = { 0 };

			notify_policy_decide(p, &peers[k], names[i], &v);
			check_verdict(&v);
		}
		/* i386 socketcall 102 and ipc 117, s390x's, x86_64's getuid 102, arm's send */
		notified(p, &peers[k], ksc_arch_audit_token(KSC_ARCH_X86), 102, 3);
		notified(p, &peers[k], ksc_arch_audit_token(KSC_ARCH_X86), 102, 9);
		notified(p, &peers[k], ksc_arch_audit_token(KSC_ARCH_X86), 102, 77);
		notified(p, &peers[k], ksc_arch_audit_token(KSC_ARCH_X86), 117, 0x10001);
		notified(p, &peers[k], ksc_arch_audit_token(KSC_ARCH_S390X), 102, 10);
		notified(p, &peers[k], ksc_arch_audit_token(KSC_ARCH_X86_64), 102, 3);
		notified(p, &peers[k], ksc_arch_audit_token(KSC_ARCH_ARM), 289, 0);
		/* the input's first bytes as a notification: token, nr, arg0 */
		if (size >= 16) {
			uint32_t token, nr;
			uint64_t arg0;

			memcpy(&token, buf, 4);
			memcpy(&nr, buf + 4, 4);
			memcpy(&arg0, buf + 8, 8);
			notified(p, &peers[k], token, (int32_t)nr, arg0);
		}
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
