/* SPDX-License-Identifier: Apache-2.0 */
/*
 * notify: the OCI seccomp agent protocol and the agent's answer policy. The container
 * process state as runc 1.1.5 and crun 1.8.1 really send it (tests/fixtures/notify), what
 * we send byte for byte against runc's, every refusal of the parser with its position, the
 * framing of a state on a stream that stays open, the handoff over real AF_UNIX sockets
 * (path and abstract) with the fd in SCM_RIGHTS, and the policy: parse (YAML and JSON),
 * every error with its position, first-match decisions, verdict text.
 *
 * Usage: test-notify FIXTURES_DIR
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "macro.h"
#include "notify.h"
#include "tap.h"

static const char *fixtures;

__attribute__((format(printf, 1, 2))) static char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	return s;
}

/* A fixture's bytes, NUL-terminated; NULL (and a failed check) when it cannot be read. */
static char *
slurp(const char *name, size_t *ret_len)
{
	char *path = xasprintf("%s/notify/%s", fixtures, name);
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long len;

	if (!f || fseek(f, 0, SEEK_END) < 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) < 0 ||
	    !(buf = calloc(1, (size_t)len + 1)) || fread(buf, 1, (size_t)len, f) != (size_t)len) {
		ok(false, "read %s", path);
		free(buf);
		buf = NULL;
	} else
		*ret_len = (size_t)len;
	if (f)
		fclose(f);
	free(path);
	return buf;
}

/* The length of text without the whitespace at its end: a fixture's object. */
static size_t
trimmed(const char *text, size_t len)
{
	while (len > 0 && strchr(" \t\r\n", text[len - 1]))
		len--;
	return len;
}

/* The 1-based column of the first occurrence of `marker` in a one-line text. */
static size_t
col(const char *text, const char *marker)
{
	const char *p = strstr(text, marker);

	if (!p)
		abort();
	return (size_t)(p - text) + 1;
}

/* ---------------------------------------------------------------------------------------- */
/* notify_state_parse on what the runtimes send                                               */

static void
check_peer(const struct notify_peer *p, const char *what, const char *oci_version, int pid,
           const char *id)
{
	is_str(p->oci_version, oci_version, "%s: ociVersion", what);
	is_int(p->pid, pid, "%s: pid", what);
	is_str(p->metadata, "bar", "%s: metadata (listenerMetadata)", what);
	is_str(p->id, id, "%s: state.id", what);
	is_str(p->status, "creating", "%s: state.status", what);
	is_str(p->bundle, "/tmp/ag/bundle", "%s: state.bundle", what);
	is_str(p->pod, "web", "%s: pod from io.kubernetes.cri.sandbox-name", what);
	is_str(p->namespace, "prod", "%s: namespace from io.kubernetes.cri.sandbox-namespace",
	       what);
	is_str(p->container, "nginx", "%s: container from io.kubernetes.cri.container-name", what);
	is_int(p->seccomp_fd_index, 0, "%s: seccompFd is fds[0]", what);
}

static void
test_fixtures(void)
{
	static const struct {
		const char *file, *oci_version, *id;
		int pid;
	} cases[] = {
		{ "runc-1.1.5-state.json", "1.0.2-dev", "ksc-ag2", 11839 },
		{ "crun-1.8.1-state.json", "0.2.0", "ksc-ag3", 11914 },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct notify_peer p = { 0 };
		struct ksc_error *e = NULL;
		size_t len = 0;
		char *buf = slurp(cases[i].file, &len);
		int r;

		if (!buf)
			continue;
		r = notify_state_parse(cases[i].file, buf, len, &p, &e);
		if (!is_int(r, 0, "%s parses", cases[i].file))
			tap_diagf("%s", e ? ksc_error_message(e) : "(no message)");
		else
			check_peer(&p, cases[i].file, cases[i].oci_version, cases[i].pid,
			           cases[i].id);
		/* as an agent reads it off the stream: the object, not the newlines after it */
		is_int(notify_state_complete(buf, len), trimmed(buf, len),
		       "%s: complete once the closing brace is in", cases[i].file);
		notify_peer_done(&p);
		ok(!p.id && !p.pod, "%s: notify_peer_done clears the peer", cases[i].file);
		ksc_error_free(e);
		free(buf);
	}
}

static int
parse_ok(const char *json, struct notify_peer *p)
{
	struct ksc_error *e = NULL;
	int r;

	*p = (struct notify_peer){ 0 };
	r = notify_state_parse("state", json, strlen(json), p, &e);
	if (r < 0)
		tap_diagf("unexpected error: %s", e ? ksc_error_message(e) : "(no message)");
	ksc_error_free(e);
	return r;
}

static void
test_annotations(void)
{
	struct notify_peer p;

	/* CRI-O's keys */
	if (is_int(parse_ok("{\"ociVersion\":\"1.0.0\",\"fds\":[\"seccompFd\"],\"pid\":5,"
	                    "\"state\":{\"id\":\"crio-1\",\"annotations\":{"
	                    "\"io.kubernetes.pod.name\":\"db-0\","
	                    "\"io.kubernetes.pod.namespace\":\"data\","
	                    "\"io.kubernetes.container.name\":\"postgres\"}}}",
	                    &p),
	           0, "CRI-O annotations: parses")) {
		is_str(p.pod, "db-0", "CRI-O: pod from io.kubernetes.pod.name");
		is_str(p.namespace, "data", "CRI-O: namespace from io.kubernetes.pod.namespace");
		is_str(p.container, "postgres",
		       "CRI-O: container from io.kubernetes.container.name");
		is_int(p.pid, 5, "CRI-O: pid");
		is_str(p.id, "crio-1", "CRI-O: id");
		ok(!p.metadata && !p.status && !p.bundle,
		   "absent metadata, status and bundle stay NULL");
	}
	notify_peer_done(&p);

	/* both: containerd's win, whatever the order */
	if (is_int(parse_ok("{\"ociVersion\":\"1.0.0\",\"pid\":5,\"state\":{\"id\":\"x\","
	                    "\"annotations\":{"
	                    "\"io.kubernetes.pod.name\":\"crio-pod\","
	                    "\"io.kubernetes.pod.namespace\":\"crio-ns\","
	                    "\"io.kubernetes.container.name\":\"crio-ctr\","
	                    "\"io.kubernetes.cri.sandbox-name\":\"cd-pod\","
	                    "\"io.kubernetes.cri.sandbox-namespace\":\"cd-ns\","
	                    "\"io.kubernetes.cri.container-name\":\"cd-ctr\"}}}",
	                    &p),
	           0, "both runtimes' annotations: parses")) {
		is_str(p.pod, "cd-pod", "both: containerd's pod name wins");
		is_str(p.namespace, "cd-ns", "both: containerd's namespace wins");
		is_str(p.container, "cd-ctr", "both: containerd's container name wins");
		is_int(p.seccomp_fd_index, 0, "no fds: seccomp_fd_index 0");
	}
	notify_peer_done(&p);

	/* an empty containerd value does not hide CRI-O's; a non-string one is ignored */
	if (is_int(parse_ok("{\"ociVersion\":\"1\",\"pid\":0,\"state\":{\"id\":\"x\","
	                    "\"annotations\":{"
	                    "\"io.kubernetes.cri.sandbox-name\":\"\","
	                    "\"io.kubernetes.pod.name\":\"crio-pod\","
	                    "\"io.kubernetes.cri.container-name\":7,"
	                    "\"io.kubernetes.container.name\":\"crio-ctr\"}}}",
	                    &p),
	           0, "empty and non-string annotations: parses")) {
		is_str(p.pod, "crio-pod", "an empty containerd pod name falls back to CRI-O's");
		is_str(p.container, "crio-ctr",
		       "a non-string containerd container name falls back to CRI-O's");
		ok(!p.namespace, "no namespace annotation: NULL");
		is_int(p.pid, 0, "pid 0 is accepted");
	}
	notify_peer_done(&p);

	/* null annotations and null fds are as good as absent */
	if (is_int(parse_ok("{\"ociVersion\":\"1\",\"fds\":null,\"pid\":1,\"state\":{\"id\":"
	                    "\"x\",\"annotations\":null}}",
	                    &p),
	           0, "null fds and annotations: parses"))
		ok(!p.pod && !p.namespace && !p.container, "null annotations: no names");
	notify_peer_done(&p);

	/* the largest pid */
	if (is_int(parse_ok("{\"ociVersion\":\"1\",\"pid\":2147483647,\"state\":{\"id\":\"x\"}}",
	                    &p),
	           0, "pid 2147483647: parses"))
		is_int(p.pid, 2147483647, "pid 2147483647");
	notify_peer_done(&p);

	/* seccompFd among other fds: its position */
	if (is_int(parse_ok("{\"ociVersion\":\"1\",\"fds\":[\"pidfd\",\"seccompFd\",\"x\"],"
	                    "\"pid\":1,\"state\":{\"id\":\"x\"}}",
	                    &p),
	           0, "fds with seccompFd second: parses"))
		is_int(p.seccomp_fd_index, 1, "seccompFd at index 1");
	notify_peer_done(&p);

	/* keys as Go's encoding/json reads them (ASCII case, U+017F for s), annotation keys
	 * exactly (a map[string]string) */
	if (is_int(parse_ok("{\"OCIVERSION\":\"1\",\"Pid\":7,\"\xc5\xbftate\":{\"ID\":\"go\","
	                    "\"\xc5\xbftatu\xc5\xbf\":\"running\",\"annotations\":{"
	                    "\"IO.KUBERNETES.CRI.SANDBOX-NAME\":\"ignored\","
	                    "\"io.kubernetes.cri.sandbox-name\":\"web\"}}}",
	                    &p),
	           0, "keys in Go's folded spellings: parses")) {
		is_str(p.oci_version, "1", "OCIVERSION is ociVersion");
		is_int(p.pid, 7, "Pid is pid");
		is_str(p.id, "go", "U+017F tate is state, ID is id");
		is_str(p.status, "running", "U+017F tatu U+017F is status");
		is_str(p.pod, "web", "annotation keys are exact");
	}
	notify_peer_done(&p);
}

/* ---------------------------------------------------------------------------------------- */
/* notify_state_json                                                                          */

static void
test_state_json(void)
{
	static const char *const annotations[] = {
		"io.kubernetes.cri.container-name",
		"nginx",
		"io.kubernetes.cri.sandbox-name",
		"web",
		"io.kubernetes.cri.sandbox-namespace",
		"prod",
		NULL,
	};
	struct notify_state st = {
		.pid = 11839,
		.metadata = "bar",
		.id = "ksc-ag2",
		.status = "creating",
		.bundle = "/tmp/ag/bundle",
		.annotations = annotations,
	};
	struct notify_peer p = { 0 };
	struct ksc_error *e = NULL;
	char *text = NULL, *runc;
	size_t len = 0, runc_len = 0;
	int r;

	runc = slurp("runc-1.1.5-state.json", &runc_len);
	r = notify_state_json(&st, &text, &len);
	is_int(r, 0, "notify_state_json succeeds");
	if (runc && text) {
		ok(runc_len > 0 && runc[runc_len - 1] == '\n', "runc's fixture ends in a newline");
		is_int(len, runc_len - 1, "same length as runc's state");
		is_str(text, strndupa(runc, runc_len - 1), "byte for byte what runc 1.1.5 sends");
		is_int(strlen(text), len, "the length returned is the text's");
		is_int(notify_state_complete(text, len), len, "our state is complete as sent");
		r = notify_state_parse("ours", text, len, &p, &e);
		if (is_int(r, 0, "our state parses back")) {
			is_str(p.oci_version, NOTIFY_OCI_VERSION, "round trip: ociVersion");
			is_int(p.pid, 11839, "round trip: pid");
			is_str(p.metadata, "bar", "round trip: metadata");
			is_str(p.id, "ksc-ag2", "round trip: id");
			is_str(p.status, "creating", "round trip: status");
			is_str(p.bundle, "/tmp/ag/bundle", "round trip: bundle");
			is_str(p.pod, "web", "round trip: pod");
			is_str(p.namespace, "prod", "round trip: namespace");
			is_str(p.container, "nginx", "round trip: container");
			is_int(p.seccomp_fd_index, 0, "round trip: seccomp_fd_index");
		} else
			tap_diagf("%s", e ? ksc_error_message(e) : "(no message)");
		notify_peer_done(&p);
		ksc_error_free(e);
		e = NULL;
	}
	free(text);
	free(runc);

	/* no annotations: no key; NULL metadata left out, as runc 1.1.5 leaves it out
	 * (fixtures/notify/runc-1.1.5-state-no-metadata.json); NULL status: "creating"; pid 0:
	 * the state's pid left out, as encoding/json omits an empty one */
	{
		static const char *const none[] = { NULL };
		struct notify_state bare = { .pid = 0, .id = "c1", .bundle = "" };

		text = NULL;
		if (is_int(notify_state_json(&bare, &text, &len), 0, "a bare state"))
			is_str(text,
			       "{\"ociVersion\":\"1.0.2-dev\",\"fds\":[\"seccompFd\"],\"pid\":0,"
			       "\"state\":{\"ociVersion\":\"1.0.2-dev\","
			       "\"id\":\"c1\",\"status\":\"creating\",\"bundle\":\"\"}}",
			       "no annotations, no state pid, empty metadata, status creating");
		free(text);
		bare.annotations = none;
		bare.pid = 7;
		text = NULL;
		if (is_int(notify_state_json(&bare, &text, &len), 0, "empty annotations")) {
			ok(!strstr(text, "annotations"), "an empty annotation list: no key");
			ok(strstr(text, "\"status\":\"creating\",\"pid\":7,\"bundle\":\"\"}}") !=
			           NULL,
			   "the state's pid between status and bundle");
		}
		free(text);
	}

	/* odd strings: quotes, backslashes, control characters, UTF-8, invalid UTF-8 */
	{
		static const char odd[] = "q\"b\\s/\n\r\t\b\f\x01\x1f\x7f \xc3\xa9\xe2\x98\x83"
		                          "\xf0\x9d\x84\x9e";
		static const char *const ann[] = {
			"io.kubernetes.cri.sandbox-name",
			"w\xc3\xa9"
			"b\"}{",
			"we\"ird\\key\n",
			"v",
			"io.kubernetes.cri.container-name",
			"bad\xff utf8",
			NULL,
		};
		struct notify_state o = {
			.pid = 1, .metadata = "m\"\\", .id = odd, .bundle = "/b", .annotations = ann
		};

		text = NULL;
		r = notify_state_json(&o, &text, &len);
		if (is_int(r, 0, "odd strings: notify_state_json")) {
			ok(strstr(text, "\"id\":\"q\\\"b\\\\s/\\n\\r\\t\\b\\f\\u0001\\u001f\\u007f "
			                "\xc3\xa9\xe2\x98\x83\xf0\x9d\x84\x9e\"") != NULL,
			   "quotes, backslashes and control characters escaped, UTF-8 kept");
			ok(strstr(text, "\"metadata\":\"m\\\"\\\\\"") != NULL, "metadata escaped");
			ok(strstr(text, "\"we\\\"ird\\\\key\\n\":\"v\"") != NULL,
			   "an annotation key escaped");
			ok(strstr(text, "\"bad\\ufffd utf8\"") != NULL,
			   "invalid UTF-8 becomes U+FFFD");
			ok(memchr(text, '\n', len) == NULL, "no raw newline in the text");
			is_int(notify_state_complete(text, len), len,
			       "odd strings: complete at the last byte");
			r = notify_state_parse("odd", text, len, &p, &e);
			if (is_int(r, 0, "odd strings: parses back")) {
				is_str(p.id, odd, "odd strings: id round-trips");
				is_str(p.metadata, "m\"\\", "odd strings: metadata round-trips");
				is_str(p.pod,
				       "w\xc3\xa9"
				       "b\"}{",
				       "odd strings: pod round-trips");
				is_str(p.container, "bad\xef\xbf\xbd utf8",
				       "odd strings: invalid UTF-8 reads back as U+FFFD");
			} else
				tap_diagf("%s\n%s", e ? ksc_error_message(e) : "(no message)",
				          text);
			notify_peer_done(&p);
			ksc_error_free(e);
			e = NULL;
		}
		free(text);
	}
}

/* ---------------------------------------------------------------------------------------- */
/* notify_state_parse's refusals                                                              */

/* json is refused with exactly the message want, and the peer is left alone. */
static void
state_err(const char *json, const char *want, const char *what)
{
	struct notify_peer p = { .pid = -42 };
	struct ksc_error *e = NULL;
	int r = notify_state_parse("state", json, strlen(json), &p, &e);

	if (!is_int(r, -EINVAL, "%s: -EINVAL", what))
		notify_peer_done(&p);
	else
		ok(p.pid == -42 && !p.oci_version && !p.id, "%s: the peer is left alone", what);
	is_str(e ? ksc_error_message(e) : NULL, want, "%s: message", what);
	ksc_error_free(e);
}

#define ST_HEAD "{\"ociVersion\":\"1.0.2-dev\","

static void
test_state_errors(void)
{
	static const struct {
		const char *json, *marker, *reason, *what;
	} cases[] = {
		{ "[1,2]", "[", "the container process state must be an object, got an array",
		  "an array" },
		{ "\"state\"", "\"", "the container process state must be an object, got a string",
		  "a string" },
		{ "{\"pid\":1,\"state\":{\"id\":\"x\"}}", "{", "ociVersion: required",
		  "no ociVersion" },
		{ "{\"ociVersion\":1,\"pid\":1,\"state\":{\"id\":\"x\"}}", "1,",
		  "ociVersion: must be a string, got a number", "ociVersion a number" },
		{ ST_HEAD "\"state\":{\"id\":\"x\"}}", "{", "pid: required", "no pid" },
		{ ST_HEAD "\"pid\":-1,\"state\":{\"id\":\"x\"}}", "-1",
		  "pid: must be an unsigned integer, got a negative number", "pid negative" },
		{ ST_HEAD "\"pid\":2147483648,\"state\":{\"id\":\"x\"}}", "2147483648",
		  "pid: out of range", "pid 2^31" },
		{ ST_HEAD "\"pid\":99999999999999999999,\"state\":{\"id\":\"x\"}}", "9999",
		  "pid: is too large for an unsigned 64-bit integer", "pid beyond 64 bits" },
		{ ST_HEAD "\"pid\":\"5\",\"state\":{\"id\":\"x\"}}", "\"5\"",
		  "pid: must be an unsigned integer, got a string", "pid a string" },
		{ ST_HEAD "\"pid\":1.5,\"state\":{\"id\":\"x\"}}", "1.5",
		  "pid: must be an unsigned integer, got a fraction or exponent",
		  "pid a fraction" },
		{ ST_HEAD "\"pid\":1,\"metadata\":false,\"state\":{\"id\":\"x\"}}", "false",
		  "metadata: must be a string, got a boolean", "metadata a boolean" },
		{ ST_HEAD "\"fds\":\"seccompFd\",\"pid\":1,\"state\":{\"id\":\"x\"}}",
		  "\"seccompFd\"", "fds: must be an array, got a string", "fds a string" },
		{ ST_HEAD "\"fds\":{},\"pid\":1,\"state\":{\"id\":\"x\"}}", "{}",
		  "fds: must be an array, got an object", "fds an object" },
		{ ST_HEAD "\"fds\":[\"pidfd\"],\"pid\":1,\"state\":{\"id\":\"x\"}}", "[",
		  "fds: no \"seccompFd\" among the fds", "fds without seccompFd" },
		{ ST_HEAD "\"fds\":[],\"pid\":1,\"state\":{\"id\":\"x\"}}", "[",
		  "fds: no \"seccompFd\" among the fds", "fds empty" },
		{ ST_HEAD "\"fds\":[\"seccompFd\",\"x\",\"seccompFd\"],\"pid\":1,\"state\":{\"id\":"
		          "\"x\"}}",
		  "\"seccompFd\"]", "fds[2]: \"seccompFd\" is named twice", "seccompFd twice" },
		{ ST_HEAD "\"fds\":[\"seccompFd\",3],\"pid\":1,\"state\":{\"id\":\"x\"}}", "3]",
		  "fds[1]: must be a string, got a number", "an fd name a number" },
		{ ST_HEAD "\"pid\":1}", "{", "state: required", "no state" },
		{ ST_HEAD "\"pid\":1,\"state\":[]}", "[]", "state: must be an object, got an array",
		  "state an array" },
		{ ST_HEAD "\"pid\":1,\"state\":{\"status\":\"creating\"}}", "{\"status",
		  "state.id: required", "no state.id" },
		{ ST_HEAD "\"pid\":1,\"state\":{\"id\":null}}", "null",
		  "state.id: must be a string, got null", "state.id null" },
		{ ST_HEAD "\"pid\":1,\"state\":{\"id\":\"x\",\"status\":3}}", "3}",
		  "state.status: must be a string, got a number", "state.status a number" },
		{ ST_HEAD "\"pid\":1,\"state\":{\"id\":\"x\",\"bundle\":[]}}", "[]",
		  "state.bundle: must be a string, got an array", "state.bundle an array" },
		{ ST_HEAD "\"pid\":1,\"state\":{\"id\":\"x\",\"annotations\":[\"a\"]}}", "[\"a\"]",
		  "state.annotations: must be an object, got an array", "annotations an array" },
		{ ST_HEAD "\"pid\":1,\"state\":{\"id\":\"x\",\"annotations\":\"a=b\"}}", "\"a=b\"",
		  "state.annotations: must be an object, got a string", "annotations a string" },
		/* keys as the protocol's Go consumers read them: two keys for one field */
		{ ST_HEAD "\"pid\":1,\"PID\":2,\"state\":{\"id\":\"x\"}}", "\"PID\"",
		  "pid: duplicate key: \"pid\" at line 1 sets the same field (Go's JSON decoder "
		  "matches keys case-insensitively)",
		  "pid and PID" },
		{ ST_HEAD "\"pid\":1,\"state\":{\"id\":\"x\"},\"\xc5\xbftate\":{\"id\":\"y\"}}",
		  "\"\xc5\xbftate\"",
		  "state: duplicate key: \"state\" at line 1 sets the same field (Go's JSON "
		  "decoder, "
		  "used by runc and containerd, folds U+017F (LATIN SMALL LETTER LONG S) to s)",
		  "state and U+017F tate" },
		{ ST_HEAD "\"pid\":1,\"state\":{\"id\":\"x\",\"Id\":\"y\"}}", "\"Id\"",
		  "state.id: duplicate key: \"id\" at line 1 sets the same field (Go's JSON "
		  "decoder "
		  "matches keys case-insensitively)",
		  "state.id and Id" },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		char *want = xasprintf("state:1:%zu: %s", col(cases[i].json, cases[i].marker),
		                       cases[i].reason);

		state_err(cases[i].json, want, cases[i].what);
		free(want);
	}

	/* a position on a later line: crun's pretty-printed state with a bad pid */
	{
		size_t len = 0;
		char *crun = slurp("crun-1.8.1-state.json", &len), *at;

		if (crun && (at = strstr(crun, "\"pid\": 11914"))) {
			memcpy(at + 7, "-1914", 5);
			state_err(crun,
			          "state:6:12: pid: must be an unsigned integer, got a negative "
			          "number",
			          "crun's state, pid -1914 on line 6");
		} else
			ok(false, "crun's fixture has \"pid\": 11914");
		free(crun);
	}

	/* invalid JSON: the document parser's message, with its position */
	{
		static const struct {
			const char *json, *prefix, *what;
		} bad[] = {
			{ "{\"ociVersion\":", "state:1:", "truncated" },
			{ "{ociVersion: \"1\"}", "state:1:2: ", "a bare key" },
			{ "{\"ociVersion\":\"1\",}", "state:1:", "a trailing comma" },
			{ "{\"a\":1}\n{\"b\":2}", "state:2:1: ", "two objects" },
			{ "{\"a\":1,\"a\":2}", "state:1:", "a duplicate key" },
			{ "", "state:", "empty" },
		};

		for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
			struct notify_peer p = { 0 };
			struct ksc_error *e = NULL;
			int r = notify_state_parse("state", bad[i].json, strlen(bad[i].json), &p,
			                           &e);
			const char *msg = e ? ksc_error_message(e) : "";

			is_int(r, -EINVAL, "invalid JSON, %s: -EINVAL", bad[i].what);
			if (!ok(strncmp(msg, bad[i].prefix, strlen(bad[i].prefix)) == 0,
			        "invalid JSON, %s: the message starts with \"%s\"", bad[i].what,
			        bad[i].prefix))
				tap_diagf("got: %s", msg);
			if (r == 0)
				notify_peer_done(&p);
			ksc_error_free(e);
		}
	}

	/* the size bound: NOTIFY_STATE_MAX bytes pass, one more does not */
	{
		static const char small[] =
		        "{\"ociVersion\":\"1\",\"pid\":1,\"state\":{\"id\":\"x\"}}";
		char *big = malloc(NOTIFY_STATE_MAX + 1);
		struct notify_peer p = { 0 };
		struct ksc_error *e = NULL;
		int r;

		if (!big)
			abort();
		memset(big, ' ', NOTIFY_STATE_MAX + 1);
		memcpy(big, small, strlen(small));
		r = notify_state_parse("big", big, NOTIFY_STATE_MAX, &p, &e);
		is_int(r, 0, "a state of exactly NOTIFY_STATE_MAX bytes parses");
		notify_peer_done(&p);
		ksc_error_free(e);
		e = NULL;
		r = notify_state_parse("big", big, NOTIFY_STATE_MAX + 1, &p, &e);
		is_int(r, -EINVAL, "one byte more: -EINVAL");
		is_str(e ? ksc_error_message(e) : NULL,
		       "big: 1048577 bytes, more than the 1048576 allowed",
		       "one byte more: the message");
		if (r == 0)
			notify_peer_done(&p);
		ksc_error_free(e);
		free(big);
	}
}

/* ---------------------------------------------------------------------------------------- */
/* notify_state_complete                                                                      */

static size_t
complete(const char *s)
{
	return notify_state_complete(s, strlen(s));
}

static void
prefixes(const char *name)
{
	size_t len = 0, n, bad = (size_t)-1;
	char *buf = slurp(name, &len);

	if (!buf)
		return;
	n = trimmed(buf, len); /* without the newlines */
	ok(n < len, "%s ends in a newline", name);
	for (size_t k = 0; k < n && bad == (size_t)-1; k++) {
		/* an exact-size copy, so that ASan sees any read past the prefix */
		char *copy = malloc(k ? k : 1);

		if (!copy)
			abort();
		memcpy(copy, buf, k);
		if (notify_state_complete(copy, k) != 0)
			bad = k;
		free(copy);
	}
	if (!ok(bad == (size_t)-1, "%s: every one of the %zu strict prefixes is incomplete", name,
	        n))
		tap_diagf("the prefix of %zu bytes counts as %zu", bad,
		          notify_state_complete(buf, bad));
	is_int(notify_state_complete(buf, n), n, "%s: the whole object is complete", name);
	free(buf);
}

static void
test_complete(void)
{
	static const struct {
		const char *text;
		size_t want;
		const char *what;
	} cases[] = {
		{ "{}", 2, "an empty object" },
		{ "{\"a\":{\"b\":[1,{\"c\":[]}],\"d\":{}}}", 31, "nested objects and arrays" },
		{ "{\"a\":{\"b\":[1,{\"c\":[]}],\"d\":{}}", 0, "nested, one brace short" },
		{ "{\"a\":\"}}}]]\"}", 13, "braces inside a string" },
		{ "{\"a\":\"}}}", 0, "braces inside an unterminated string" },
		{ "{\"a\":\"x\\\"}\"}", 12, "an escaped quote and a brace in a string" },
		{ "{\"a\":\"x\\\"}", 0, "an escaped quote does not end the string" },
		{ "{\"a\":\"x\\\\\"}", 11, "an escaped backslash before the closing quote" },
		{ "{\"a\":\"\\u007b\"}", 14, "a \\u escape" },
		{ "{\"a\":\"\\", 0, "text ending in a backslash inside a string" },
		{ " \t\r\n{\"a\":1}", 11, "leading whitespace" },
		{ "{\"a\":1} \n", 7, "trailing whitespace is not counted" },
		{ "{\"a\":1}{\"b\":2}", 7, "a second object is not counted" },
		{ "{\"a\":1}garbage", 7, "trailing garbage is not counted" },
		{ "{", 0, "an opening brace" },
		{ "   {", 0, "whitespace and an opening brace" },
		{ "", 0, "empty" },
		{ " \t\r\n ", 0, "whitespace only" },
		{ "[1,2,3]", 7, "an array is complete as it is" },
		{ "[1,2", 4, "an unterminated array is complete as it is" },
		{ "null", 4, "null is complete as it is" },
		{ "  x", 3, "text that is not an object, after whitespace: all of it" },
		{ "\"{\"", 3, "a string starting with a brace is not an object" },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++)
		is_int(complete(cases[i].text), cases[i].want, "complete: %s", cases[i].what);
	/* a NUL byte is just a byte */
	is_int(notify_state_complete("{\"a\":\"\0}\"}", 10), 10, "complete: a NUL in a string");
	is_int(notify_state_complete("{}", 1), 0, "complete: the length bounds the scan");
	prefixes("runc-1.1.5-state.json");
	prefixes("crun-1.8.1-state.json");
}

/* ---------------------------------------------------------------------------------------- */
/* notify_connect and notify_send over real sockets                                           */

static int
listen_on(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len = strlen(path);
	socklen_t salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || len >= sizeof(sa.sun_path))
		abort();
	memcpy(sa.sun_path, path, len);
	if (path[0] == '@')
		sa.sun_path[0] = '\0';
	else
		salen++;
	if (bind(fd, (struct sockaddr *)&sa, salen) < 0 || listen(fd, 4) < 0) {
		tap_diagf("bind %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Accept one connection, read it to EOF: the bytes and the fds that came with them. */
static int
receive(int lfd, char **ret_text, size_t *ret_len, int *fds, size_t max_fds, size_t *n_fds,
        size_t *fd_at)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	int conn = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

	*n_fds = 0;
	if (conn < 0 || !buf) {
		free(buf);
		return -1;
	}
	for (;;) {
		union {
			char buf[CMSG_SPACE(4 * sizeof(int))];
			struct cmsghdr align;
		} control;
		struct iovec iov;
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n;

		if (cap - len < 4096) {
			cap *= 2;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		iov = (struct iovec){ .iov_base = buf + len, .iov_len = cap - len - 1 };
		msg.msg_control = control.buf;
		msg.msg_controllen = sizeof(control.buf);
		n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			close(conn);
			return -1;
		}
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
			if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
				continue;
			for (size_t k = 0; k < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int); k++) {
				int fd;

				memcpy(&fd, CMSG_DATA(c) + k * sizeof(int), sizeof(int));
				if (*n_fds < max_fds) {
					fds[(*n_fds)++] = fd;
					*fd_at = len;
				} else
					close(fd);
			}
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(conn);
	buf[len] = '\0';
	*ret_text = buf;
	*ret_len = len;
	return 0;
}

/* The whole handoff at `path`: connect, send text with a pipe's write end from a child,
 * receive in this process, write through the fd received, read it from the pipe. */
static void
handoff(const char *path, const char *text, size_t len, const char *what)
{
	struct ksc_error *e = NULL;
	int lfd = listen_on(path), sock = -1, pipefd[2], fds[4], status = 0, r;
	size_t n_fds = 0, got_len = 0, fd_at = 0;
	char *got = NULL, buf[16] = { 0 };
	pid_t child;

	if (!ok(lfd >= 0, "%s: listening", what))
		return;
	r = notify_connect(path, &sock, &e);
	if (!is_int(r, 0, "%s: notify_connect", what)) {
		tap_diagf("%s", e ? ksc_error_message(e) : "(no message)");
		ksc_error_free(e);
		close(lfd);
		return;
	}
	ok(fcntl(sock, F_GETFD) & FD_CLOEXEC, "%s: the socket is close-on-exec", what);
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		abort();
	child = fork();
	if (child < 0)
		abort();
	if (child == 0) {
		close(lfd);
		close(pipefd[0]);
		r = notify_send(sock, text, len, pipefd[1], NULL);
		_exit(r == 0 ? 0 : 1);
	}
	close(sock);
	r = receive(lfd, &got, &got_len, fds, ELEMENTSOF(fds), &n_fds, &fd_at);
	close(lfd);
	waitpid(child, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s: notify_send succeeded", what);
	close(pipefd[1]);
	if (!is_int(r, 0, "%s: received to EOF", what)) {
		close(pipefd[0]);
		return;
	}
	is_int(got_len, len, "%s: all %zu bytes arrived", what, len);
	ok(got_len == len && memcmp(got, text, len) == 0, "%s: the exact text", what);
	is_int(n_fds, 1, "%s: one fd in SCM_RIGHTS", what);
	is_int(fd_at, 0, "%s: the fd came with the first bytes", what);
	if (n_fds >= 1) {
		ok(write(fds[0], "ping", 4) == 4, "%s: writing through the fd received", what);
		close(fds[0]);
		ok(read(pipefd[0], buf, sizeof(buf) - 1) == 4 && streq(buf, "ping"),
		   "%s: the pipe's read end gets it: the fd is the pipe's write end", what);
		/* the only write end left was the one received, now closed: EOF */
		ok(read(pipefd[0], buf, sizeof(buf)) == 0, "%s: no other copy of the fd", what);
	}
	for (size_t k = 1; k < n_fds; k++)
		close(fds[k]);
	close(pipefd[0]);
	free(got);
}

static void
connect_err(const char *path, int want_r, const char *want_msg, const char *what)
{
	struct ksc_error *e = NULL;
	int fd = -1, r = notify_connect(path, &fd, &e);

	is_int(r, want_r, "%s: %s", what, strerror(-want_r));
	ok(fd == -1, "%s: no fd", what);
	is_str(e ? ksc_error_message(e) : NULL, want_msg, "%s: message", what);
	if (r == 0)
		close(fd);
	ksc_error_free(e);
}

static void
test_sockets(void)
{
	char dir[] = "/tmp/kseccomp-notify-XXXXXX";
	char *path, *abstract, *missing, *msg, *text = NULL, *big;
	struct notify_state st = { .pid = getpid(), .metadata = "bar", .id = "t", .bundle = "" };
	size_t len = 0;

	if (!mkdtemp(dir)) {
		ok(false, "mkdtemp: %s", strerror(errno));
		return;
	}
	if (notify_state_json(&st, &text, &len) < 0)
		abort();

	path = xasprintf("%s/agent.sock", dir);
	handoff(path, text, len, "a socket path");
	unlink(path);

	abstract = xasprintf("@ksc-test-%d", (int)getpid());
	handoff(abstract, text, len, "an abstract socket");

	/* big enough that the kernel takes it in several pieces */
	big = malloc(3u << 20);
	if (!big)
		abort();
	for (size_t i = 0; i < (3u << 20); i++)
		big[i] = (char)('a' + i % 26);
	handoff(path, big, 3u << 20, "3 MiB through a socket path");
	unlink(path);
	free(big);

	/* the errors */
	missing = xasprintf("%s/missing.sock", dir);
	msg = xasprintf("dial unix %s: connect: %s", missing, strerror(ENOENT));
	connect_err(missing, -ENOENT, msg, "a missing socket");
	free(msg);
	free(missing);
	missing = xasprintf("@ksc-test-missing-%d", (int)getpid());
	msg = xasprintf("dial unix %s: connect: %s", missing, strerror(ECONNREFUSED));
	connect_err(missing, -ECONNREFUSED, msg, "a missing abstract socket");
	free(msg);
	free(missing);
	connect_err("", -EINVAL, "the listener path is empty", "an empty path");
	{
		char p108[109], p107[108];

		memset(p108, 'x', 108);
		p108[0] = '/';
		p108[108] = '\0';
		msg = xasprintf("\"%s\": a socket path has at most 107 bytes", p108);
		connect_err(p108, -ENAMETOOLONG, msg, "a path of 108 bytes");
		free(msg);
		p108[0] = '@';
		msg = xasprintf("\"%s\": a socket path has at most 107 bytes", p108);
		connect_err(p108, -ENAMETOOLONG, msg, "an abstract name of 108 bytes");
		free(msg);
		/* 107 bytes fit: the kernel's answer, not ours */
		memset(p107, 'x', 107);
		p107[0] = '/';
		p107[107] = '\0';
		msg = xasprintf("dial unix %s: connect: %s", p107, strerror(ENOENT));
		connect_err(p107, -ENOENT, msg, "a path of 107 bytes reaches connect");
		free(msg);
	}
	/* a regular file is not a socket */
	{
		char *file = xasprintf("%s/file", dir);
		FILE *f = fopen(file, "w");

		if (f)
			fclose(f);
		msg = xasprintf("dial unix %s: connect: %s", file, strerror(ECONNREFUSED));
		connect_err(file, -ECONNREFUSED, msg, "a regular file");
		free(msg);
		unlink(file);
		free(file);
	}
	/* sending to a closed peer: EPIPE, no SIGPIPE */
	{
		struct ksc_error *e = NULL;
		int sv[2], r;

		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
			abort();
		close(sv[1]);
		r = notify_send(sv[0], text, len, sv[0], &e);
		is_int(r, -EPIPE, "notify_send to a closed peer: -EPIPE");
		msg = xasprintf("sendmsg: %s", strerror(EPIPE));
		is_str(e ? ksc_error_message(e) : NULL, msg,
		       "notify_send to a closed peer: message");
		free(msg);
		ksc_error_free(e);
		close(sv[0]);
	}

	free(abstract);
	free(path);
	free(text);
	rmdir(dir);
}

/* ---------------------------------------------------------------------------------------- */
/* The policy                                                                                 */

static struct notify_policy *
policy(const char *name, const char *text)
{
	struct notify_policy *p = NULL;
	struct ksc_error *e = NULL;

	if (notify_policy_parse(name, text, strlen(text), &p, &e) < 0) {
		tap_diagf("policy %s: %s", name, e ? ksc_error_message(e) : "(no message)");
		p = NULL;
	}
	ksc_error_free(e);
	return p;
}

static void
policy_err(const char *name, const char *text, const char *want, const char *what)
{
	struct notify_policy *p = NULL;
	struct ksc_error *e = NULL;
	int r = notify_policy_parse(name, text, strlen(text), &p, &e);

	is_int(r, -EINVAL, "policy, %s: -EINVAL", what);
	ok(r == 0 || p == NULL, "policy, %s: no policy", what);
	is_str(e ? ksc_error_message(e) : NULL, want, "policy, %s: message", what);
	if (r == 0)
		notify_policy_free(p);
	ksc_error_free(e);
}

/* "allow #-1", "errno EACCES #0", "kill #2" */
static char *
decide(const struct notify_policy *p, const struct notify_peer *peer, const char *syscall)
{
	struct notify_verdict v = { 0 };
	char buf[64];

	notify_policy_decide(p, peer, syscall, &v);
	notify_verdict_format(&v, buf, sizeof(buf));
	return xasprintf("%s #%d", buf, v.rule);
}

static void
check_decide(const struct notify_policy *p, const struct notify_peer *peer, const char *syscall,
             const char *want, const char *what)
{
	char *got = decide(p, peer, syscall);

	is_str(got, want, "%s: %s -> %s", what, syscall ? syscall : "(no name)", want);
	free(got);
}

static const char full_yaml[] = "# the agent's policy\n"
                                "defaultAction: errno\n"
                                "defaultErrno: EACCES\n"
                                "rules:\n"
                                "  - syscalls: [mkdir, mkdirat]\n"
                                "    action: errno\n"
                                "    errno: 30            # EROFS\n"
                                "    pod: \"web-*\"\n"
                                "    namespace: prod\n"
                                "    container: nginx\n"
                                "    metadata: bar\n"
                                "  - syscalls:\n"
                                "      - ptrace\n"
                                "    action: kill\n"
                                "  - syscalls: \"*\"\n"
                                "    namespace: \"kube-?\"\n"
                                "    action: continue\n"
                                "  - action: allow\n"
                                "    container: \"side*\"\n"
                                "  - syscalls: [unlink]\n"
                                "    action: errno\n"
                                "    pod: db\n";

static const char full_json[] =
        "{\n"
        "  \"defaultAction\": \"errno\",\n"
        "  \"defaultErrno\": 13,\n"
        "  \"rules\": [\n"
        "    {\"syscalls\": [\"mkdir\", \"mkdirat\"], \"action\": \"errno\", \"errno\": "
        "\"EROFS\",\n"
        "     \"pod\": \"web-*\", \"namespace\": \"prod\", \"container\": \"nginx\",\n"
        "     \"metadata\": \"bar\"},\n"
        "    {\"syscalls\": [\"ptrace\"], \"action\": \"kill\"},\n"
        "    {\"syscalls\": \"*\", \"namespace\": \"kube-?\", \"action\": \"continue\"},\n"
        "    {\"action\": \"allow\", \"container\": \"side*\"},\n"
        "    {\"syscalls\": [\"unlink\"], \"action\": \"errno\", \"pod\": \"db\"}\n"
        "  ]\n"
        "}\n";

static void
test_policy_full(void)
{
	static const struct {
		const char *pod, *ns, *ctr, *md, *syscall, *want;
	} table[] = {
		/* rule 0: all four patterns */
		{ "web-1", "prod", "nginx", "bar", "mkdir", "errno EROFS #0" },
		{ "web-1", "prod", "nginx", "bar", "mkdirat", "errno EROFS #0" },
		{ "web-1", "prod", "nginx", "bar", "unlink", "errno EACCES #-1" },
		{ "web-1", "prod", "nginx", "bar", NULL, "errno EACCES #-1" },
		{ "web-1", "prod", "nginx", NULL, "mkdir", "errno EACCES #-1" },
		{ "web-1", "prod", "nginx", "baz", "mkdir", "errno EACCES #-1" },
		{ "web-1", "dev", "nginx", "bar", "mkdir", "errno EACCES #-1" },
		{ "web-1", "prod", "nginx2", "bar", "mkdir", "errno EACCES #-1" },
		{ "db-1", "prod", "nginx", "bar", "mkdir", "errno EACCES #-1" },
		{ "web-", "prod", "nginx", "bar", "mkdir", "errno EROFS #0" },
		{ NULL, "prod", "nginx", "bar", "mkdir", "errno EACCES #-1" },
		/* rule 1: any peer */
		{ "web-1", "prod", "nginx", "bar", "ptrace", "kill #1" },
		{ NULL, NULL, NULL, NULL, "ptrace", "kill #1" },
		{ NULL, "kube-a", NULL, NULL, "ptrace", "kill #1" },
		/* rule 2: "*", "?" */
		{ NULL, "kube-a", NULL, NULL, "mkdir", "allow #2" },
		{ NULL, "kube-a", NULL, NULL, NULL, "allow #2" },
		{ NULL, "kube-ab", NULL, NULL, "mkdir", "errno EACCES #-1" },
		{ NULL, "kube-", NULL, NULL, "mkdir", "errno EACCES #-1" },
		/* rule 3: no syscalls */
		{ NULL, NULL, "sidecar", NULL, "read", "allow #3" },
		{ NULL, NULL, "side", NULL, NULL, "allow #3" },
		{ NULL, NULL, "aside", NULL, "read", "errno EACCES #-1" },
		/* rule 4: errno without errno: EPERM */
		{ "db", NULL, NULL, NULL, "unlink", "errno EPERM #4" },
		{ "db", NULL, NULL, NULL, "read", "errno EACCES #-1" },
		/* nothing */
		{ NULL, NULL, NULL, NULL, "read", "errno EACCES #-1" },
		{ NULL, NULL, NULL, NULL, NULL, "errno EACCES #-1" },
	};
	struct notify_policy *y = policy("full.yaml", full_yaml);
	struct notify_policy *j = policy("full.json", full_json);

	ok(y != NULL, "the full policy in YAML parses");
	ok(j != NULL, "the same policy in JSON parses");
	for (size_t i = 0; i < ELEMENTSOF(table) && y && j; i++) {
		struct notify_peer peer = {
			.pod = (char *)table[i].pod,
			.namespace = (char *)table[i].ns,
			.container = (char *)table[i].ctr,
			.metadata = (char *)table[i].md,
		};
		char *what = xasprintf("pod %s ns %s ctr %s md %s", table[i].pod ?: "-",
		                       table[i].ns ?: "-", table[i].ctr ?: "-", table[i].md ?: "-");
		char *wy = xasprintf("YAML, %s", what), *wj = xasprintf("JSON, %s", what);

		check_decide(y, &peer, table[i].syscall, table[i].want, wy);
		check_decide(j, &peer, table[i].syscall, table[i].want, wj);
		free(what);
		free(wy);
		free(wj);
	}
	notify_policy_free(y);
	notify_policy_free(j);
}

static void
test_policy_errors(void)
{
	static const struct {
		const char *name, *text, *want, *what;
	} cases[] = {
		{ "p.yaml", "defaultAction: allow\nrulez: []\n",
		  "p.yaml:2:1: unknown field \"rulez\" (defaultAction, defaultErrno, rules)",
		  "unknown top-level field" },
		{ "p.yaml", "rules:\n  - action: allow\n    sycalls: [read]\n",
		  "p.yaml:3:5: rules[0]: unknown field \"sycalls\" (syscalls, action, errno, pod, "
		  "namespace, container, metadata)",
		  "unknown rule field" },
		{ "p.yaml", "rules:\n  - syscalls: [read]\n    pod: web\n",
		  "p.yaml:2:5: rules[0].action: required (allow, errno or kill)",
		  "missing action" },
		{ "p.yaml", "rules:\n  - action: allow\n  - syscalls: [read]\n",
		  "p.yaml:3:5: rules[1].action: required (allow, errno or kill)",
		  "missing action in the second rule" },
		{ "p.yaml", "rules:\n- action: deny\n",
		  "p.yaml:2:11: rules[0].action: unknown action \"deny\" (allow, errno or kill)",
		  "unknown action" },
		{ "p.yaml", "rules:\n- action: [errno]\n",
		  "p.yaml:2:11: rules[0].action: must be a string, got an array",
		  "action not a string" },
		{ "p.yaml", "defaultAction: notify\n",
		  "p.yaml:1:16: defaultAction: unknown action \"notify\" (allow, errno or kill)",
		  "unknown defaultAction" },
		{ "p.yaml", "rules:\n- action: allow\n  errno: EPERM\n",
		  "p.yaml:3:10: rules[0].errno: only goes with action errno",
		  "errno with action allow" },
		{ "p.yaml", "rules:\n- errno: 1\n  action: kill\n",
		  "p.yaml:2:10: rules[0].errno: only goes with action errno",
		  "errno with action kill, errno first" },
		{ "p.yaml", "defaultErrno: EPERM\n",
		  "p.yaml:1:15: defaultErrno: only goes with defaultAction errno",
		  "defaultErrno without defaultAction" },
		{ "p.yaml", "defaultErrno: EPERM\ndefaultAction: kill\n",
		  "p.yaml:1:15: defaultErrno: only goes with defaultAction errno",
		  "defaultErrno with defaultAction kill" },
		{ "p.yaml", "defaultAction: errno\ndefaultErrno: EFOO\n",
		  "p.yaml:2:15: defaultErrno: unknown errno name \"EFOO\" (EPERM, EACCES, ... or a "
		  "number)",
		  "unknown defaultErrno name" },
		{ "p.yaml", "rules:\n- action: errno\n  errno: eacces\n",
		  "p.yaml:3:10: rules[0].errno: unknown errno name \"eacces\" (EPERM, EACCES, ... "
		  "or a number)",
		  "errno names are upper case" },
		{ "p.yaml", "rules:\n- action: errno\n  errno: 0\n",
		  "p.yaml:3:10: rules[0].errno: 0 is not an errno (1 to 4095)", "errno 0" },
		{ "p.yaml", "rules:\n- action: errno\n  errno: 4096\n",
		  "p.yaml:3:10: rules[0].errno: 4096 is not an errno (1 to 4095)", "errno 4096" },
		{ "p.yaml", "defaultAction: errno\ndefaultErrno: -1\n",
		  "p.yaml:2:15: defaultErrno: must be an unsigned integer, got a negative number",
		  "errno -1" },
		{ "p.yaml", "defaultAction: errno\ndefaultErrno: 1.5\n",
		  "p.yaml:2:15: defaultErrno: must be an unsigned integer, got a fraction or "
		  "exponent",
		  "errno 1.5" },
		{ "p.yaml", "rules:\n- syscalls: [read, nosuchcall]\n  action: kill\n",
		  "p.yaml:2:20: rules[0].syscalls[1]: unknown syscall \"nosuchcall\"",
		  "unknown syscall name" },
		{ "p.yaml", "rules:\n- syscalls: [\"*\"]\n  action: kill\n",
		  "p.yaml:2:14: rules[0].syscalls[0]: unknown syscall \"*\"",
		  "\"*\" inside the list" },
		{ "p.yaml", "rules:\n- syscalls: [read, 3]\n  action: kill\n",
		  "p.yaml:2:20: rules[0].syscalls[1]: must be a string, got a number",
		  "a syscall number" },
		{ "p.yaml", "rules:\n- syscalls: []\n  action: kill\n",
		  "p.yaml:2:13: rules[0].syscalls: an empty list matches nothing; leave it out to "
		  "match every call",
		  "empty syscalls list" },
		{ "p.yaml", "rules:\n- syscalls: read\n  action: kill\n",
		  "p.yaml:2:13: rules[0].syscalls: must be a list of syscall names or \"*\", got a "
		  "string",
		  "syscalls a string" },
		{ "p.yaml", "rules:\n- syscalls: {read: 1}\n  action: kill\n",
		  "p.yaml:2:13: rules[0].syscalls: must be a list of syscall names or \"*\", got "
		  "an object",
		  "syscalls an object" },
		{ "p.yaml", "rules:\n- action: kill\n  pod: [a]\n",
		  "p.yaml:3:8: rules[0].pod: must be a string, got an array", "pod a list" },
		{ "p.yaml", "rules: {action: kill}\n",
		  "p.yaml:1:8: rules: must be a list, got an object", "rules not a list" },
		{ "p.yaml", "rules: kill\n", "p.yaml:1:8: rules: must be a list, got a string",
		  "rules a string" },
		{ "p.yaml", "rules:\n- read\n",
		  "p.yaml:2:3: rules[0]: must be an object, got a string", "a rule not an object" },
		{ "p.yaml", "rules:\n- action: allow\n- [kill]\n",
		  "p.yaml:3:3: rules[1]: must be an object, got an array",
		  "the second rule not an object" },
		{ "p.yaml", "[allow]\n", "p.yaml:1:1: a policy must be an object, got an array",
		  "a policy not an object" },
		{ "p.yaml", "allow\n", "p.yaml:1:1: a policy must be an object, got a string",
		  "a policy a string" },
		{ "p.yaml", "defaultAction: allow\n---\ndefaultAction: kill\n",
		  "p.yaml: one policy document, not 2", "two YAML documents" },
		{ "p.json", "{\"rules\": [{\"action\": \"deny\"}]}",
		  "p.json:1:23: rules[0].action: unknown action \"deny\" (allow, errno or kill)",
		  "JSON: unknown action" },
		{ "p.json", "{\n  \"defaultAction\": \"errno\",\n  \"defaultErrno\": 0\n}\n",
		  "p.json:3:19: defaultErrno: 0 is not an errno (1 to 4095)", "JSON: errno 0" },
		{ "p.json", "{\"rules\": [{\"syscalls\": [\"read\"], \"actoin\": \"kill\"}]}",
		  "p.json:1:35: rules[0]: unknown field \"actoin\" (syscalls, action, errno, pod, "
		  "namespace, container, metadata)",
		  "JSON: unknown rule field" },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++)
		policy_err(cases[i].name, cases[i].text, cases[i].want, cases[i].what);

	/* syntax errors: the document parser's, with a position */
	{
		struct notify_policy *p = NULL;
		struct ksc_error *e = NULL;
		const char *msg;
		int r;

		r = notify_policy_parse("p.yaml", "rules: [\n", 9, &p, &e);
		msg = e ? ksc_error_message(e) : "";
		is_int(r, -EINVAL, "policy, a YAML syntax error: -EINVAL");
		if (!ok(strncmp(msg, "p.yaml:2:", 9) == 0,
		        "policy, a YAML syntax error: the message has its position"))
			tap_diagf("got: %s", msg);
		if (r == 0)
			notify_policy_free(p);
		ksc_error_free(e);
		e = NULL;
		r = notify_policy_parse("p.yaml", "a: 1\na: 2\n", 10, &p, &e);
		msg = e ? ksc_error_message(e) : "";
		is_int(r, -EINVAL, "policy, a duplicate key: -EINVAL");
		if (!ok(strncmp(msg, "p.yaml:2:1: ", 12) == 0,
		        "policy, a duplicate key: the message has its position"))
			tap_diagf("got: %s", msg);
		if (r == 0)
			notify_policy_free(p);
		ksc_error_free(e);
	}
}

static void
test_policy_decide(void)
{
	struct notify_peer web = {
		.pod = "web-1", .namespace = "prod", .container = "nginx", .metadata = "bar"
	};
	struct notify_peer nobody = { 0 };
	struct notify_policy *p;

	/* an empty file, a comment, an empty document, null: the default, allow */
	{
		static const char *const empty[] = { "",   "# nothing\n", "---\n",   "null\n",
			                             "{}", "rules: []\n", "rules:\n" };

		for (size_t i = 0; i < ELEMENTSOF(empty); i++) {
			p = policy("empty.yaml", empty[i]);
			ok(p != NULL, "policy %zu (empty-ish) parses", i);
			if (p) {
				check_decide(p, &web, "read", "allow #-1", "an empty policy");
				check_decide(p, &nobody, NULL, "allow #-1", "an empty policy");
			}
			notify_policy_free(p);
		}
	}
	if (is_int(notify_policy_new_default(&p), 0, "notify_policy_new_default")) {
		check_decide(p, &web, "mkdir", "allow #-1", "the default policy");
		check_decide(p, &nobody, NULL, "allow #-1", "the default policy");
		notify_policy_free(p);
	}
	notify_policy_free(NULL);

	/* first match wins */
	p = policy("first.yaml", "rules:\n"
	                         "- {syscalls: [mkdir], action: errno, errno: EACCES}\n"
	                         "- {syscalls: [mkdir, unlink], action: kill}\n"
	                         "- {syscalls: [unlink, rmdir], action: errno, errno: 13}\n");
	if (ok(p != NULL, "first-match policy parses")) {
		check_decide(p, &web, "mkdir", "errno EACCES #0", "first match");
		check_decide(p, &web, "unlink", "kill #1", "first match");
		check_decide(p, &web, "rmdir", "errno EACCES #2", "first match");
		check_decide(p, &web, "read", "allow #-1", "first match, none");
		check_decide(p, &web, NULL, "allow #-1", "a rule with syscalls never matches");
		check_decide(p, &web, "", "allow #-1", "an empty name matches no syscalls");
	}
	notify_policy_free(p);

	/* "*" and no syscalls match every call, a nameless one too */
	p = policy("star.yaml", "defaultAction: kill\n"
	                        "rules:\n"
	                        "- {syscalls: [read], action: errno, errno: EIO}\n"
	                        "- {syscalls: \"*\", action: errno, errno: EACCES, pod: a}\n"
	                        "- {action: errno, pod: b}\n");
	if (ok(p != NULL, "star policy parses")) {
		struct notify_peer a = { .pod = "a" }, b = { .pod = "b" };

		check_decide(p, &a, "mkdir", "errno EACCES #1", "\"*\"");
		check_decide(p, &a, NULL, "errno EACCES #1", "\"*\"");
		check_decide(p, &a, "read", "errno EIO #0", "\"*\" after a named rule");
		check_decide(p, &b, "mkdir", "errno EPERM #2", "no syscalls");
		check_decide(p, &b, NULL, "errno EPERM #2", "no syscalls");
		check_decide(p, &nobody, "mkdir", "kill #-1", "defaultAction kill");
		check_decide(p, &nobody, NULL, "kill #-1", "defaultAction kill");
	}
	notify_policy_free(p);

	/* patterns against absent peer fields: only what matches "" */
	p = policy("absent.yaml", "defaultAction: errno\n"
	                          "rules:\n"
	                          "- {pod: \"?\", action: errno, errno: 1}\n"
	                          "- {namespace: \"web-*\", action: errno, errno: 2}\n"
	                          "- {container: \"\", metadata: \"*\", action: kill}\n"
	                          "- {pod: \"*\", action: allow}\n");
	if (ok(p != NULL, "absent-fields policy parses")) {
		struct notify_peer x = { .pod = "x", .namespace = "web-a", .container = "c" };
		struct notify_peer xy = { .pod = "xy", .namespace = "web-a", .container = "c" };
		struct notify_peer c = {
			.pod = "xy", .namespace = "db", .container = "c", .metadata = ""
		};
		struct notify_peer ns = { .namespace = "web-" };

		check_decide(p, &x, "read", "errno EPERM #0", "\"?\" matches one character");
		check_decide(p, &xy, "read", "errno ENOENT #1", "\"?\" not two; \"web-*\"");
		check_decide(p, &ns, "read", "errno ENOENT #1", "\"?\" not an absent pod");
		check_decide(p, &nobody, "read", "kill #2", "absent fields match \"\" and \"*\"");
		check_decide(p, &c, "read", "allow #3", "\"*\" matches any pod");
	}
	notify_policy_free(p);

	/* defaultAction errno: EPERM unless defaultErrno says; names and numbers alike */
	{
		static const struct {
			const char *text, *want;
		} cases[] = {
			{ "defaultAction: errno\n", "errno EPERM #-1" },
			{ "defaultAction: errno\ndefaultErrno: EACCES\n", "errno EACCES #-1" },
			{ "defaultAction: errno\ndefaultErrno: 13\n", "errno EACCES #-1" },
			{ "defaultErrno: 13\ndefaultAction: errno\n", "errno EACCES #-1" },
			{ "defaultAction: errno\ndefaultErrno: 0x0d\n", "errno EACCES #-1" },
			{ "defaultAction: errno\ndefaultErrno: 4095\n", "errno 4095 #-1" },
			{ "defaultAction: errno\ndefaultErrno: ENOSYS\n", "errno ENOSYS #-1" },
			{ "defaultAction: continue\n", "allow #-1" },
			{ "defaultAction: allow\n", "allow #-1" },
			{ "defaultAction: kill\n", "kill #-1" },
			{ "{\"defaultAction\": \"errno\", \"defaultErrno\": \"EACCES\"}",
			  "errno EACCES #-1" },
			{ "rules: [{action: continue}]\n", "allow #0" },
			{ "rules: [{action: kill}]\n", "kill #0" },
			{ "rules: [{action: errno, errno: EACCES}]\n", "errno EACCES #0" },
			{ "rules: [{action: errno, errno: 13}]\n", "errno EACCES #0" },
			{ "rules: [{action: errno, errno: 4000}]\n", "errno 4000 #0" },
			{ "rules: [{action: errno, errno: 1}]\n", "errno EPERM #0" },
		};

		for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
			p = policy("d.yaml", cases[i].text);
			if (ok(p != NULL, "policy \"%s\" parses", cases[i].text))
				check_decide(p, &web, "getpid", cases[i].want, cases[i].text);
			notify_policy_free(p);
		}
	}

	/* notify_policy_load */
	{
		char path[] = "/tmp/kseccomp-notify-policy-XXXXXX";
		struct ksc_error *e = NULL;
		int fd = mkstemp(path), r;

		if (fd >= 0) {
			(void)!write(fd, full_yaml, strlen(full_yaml));
			close(fd);
			r = notify_policy_load(path, &p, &e);
			if (is_int(r, 0, "notify_policy_load")) {
				check_decide(p, &web, "mkdir", "errno EROFS #0", "a loaded policy");
				notify_policy_free(p);
			}
			ksc_error_free(e);
			e = NULL;
			unlink(path);
			r = notify_policy_load(path, &p, &e);
			ok(r < 0 && e && strstr(ksc_error_message(e), path),
			   "notify_policy_load of a missing file fails, naming it");
			ksc_error_free(e);
		} else
			ok(false, "mkstemp: %s", strerror(errno));
	}
}

/* ---------------------------------------------------------------------------------------- */
/* socketcall(2) and ipc(2): the policy answers the call the first argument selects           */

/* The arches whose tables have socketcall or ipc: every one must be demultiplexed. */
static const enum ksc_arch mux_arches[] = {
	KSC_ARCH_X86,   KSC_ARCH_M68K,  KSC_ARCH_MIPS,    KSC_ARCH_MIPSEL,
	KSC_ARCH_PPC,   KSC_ARCH_PPC64, KSC_ARCH_PPC64LE, KSC_ARCH_S390,
	KSC_ARCH_S390X, KSC_ARCH_SH,    KSC_ARCH_SHEB,
};

/* A notification as the kernel fills seccomp_data for a call of `syscall` on arch with this
 * first argument, decided by p: "errno EACCES #0 connect (socketcall)". */
static char *
decide_notified(const struct notify_policy *p, const struct notify_peer *peer, enum ksc_arch arch,
                const char *syscall, uint64_t arg0)
{
	struct notify_verdict v = { 0 };
	struct notify_call call;
	char buf[64];
	uint32_t nr;

	if (ksc_syscall_resolve_name(arch, syscall, &nr) < 0)
		return xasprintf("no %s on %s", syscall, ksc_arch_name(arch));
	notify_call_decode(ksc_arch_audit_token(arch), (int32_t)nr, arg0, &call);
	if (call.arch != arch || !call.syscall || strcmp(call.syscall, syscall) != 0)
		return xasprintf("decoded as %s %s", ksc_arch_name(call.arch),
		                 call.syscall ? call.syscall : "(null)");
	notify_policy_decide_call(p, peer, &call, &v);
	notify_verdict_format(&v, buf, sizeof(buf));
	if (call.mux)
		return xasprintf("%s #%d %s (%s)", buf, v.rule, call.name, call.mux);
	return xasprintf("%s #%d %s", buf, v.rule, call.name);
}

static void
check_notified(const struct notify_policy *p, const struct notify_peer *peer, enum ksc_arch arch,
               const char *syscall, uint64_t arg0, const char *want, const char *what)
{
	char *got = decide_notified(p, peer, arch, syscall, arg0);

	is_str(got, want, "%s: %s %s(%#llx)", what, ksc_arch_name(arch), syscall,
	       (unsigned long long)arg0);
	free(got);
}

static const struct notify_peer mux_web = { .pod = "web-1", .container = "nginx" };
static const struct notify_peer mux_trusted = { .pod = "web-1", .container = "trusted" };

/* In a mux_call: on each arch of mux_arches whose table has the syscall. */
#define EVERY_MUX_ARCH KSC_ARCH_NONE

/* A call as check_notified makes it: want is decide_notified's text. */
struct mux_call {
	const struct notify_peer *peer;
	enum ksc_arch arch;
	const char *syscall;
	uint64_t arg0;
	const char *want, *what;
};

/* Policies with rules for multiplexed calls, and what they answer. */
static const struct {
	const char *name, *text, *parses;
	struct mux_call calls[16];
} mux_policies[] = {
	{ "mux.yaml",
	  "rules:\n"
	  "- {syscalls: [connect], action: errno, errno: EACCES}\n"
	  "- {syscalls: [semop], action: kill}\n"
	  "- {syscalls: [shmat], action: errno, errno: 4000}\n",
	  "demultiplexing policy parses",
	  {
	          /* through socketcall and ipc, answered by the call they select */
	          { &mux_web, EVERY_MUX_ARCH, "socketcall", 3,
	            "errno EACCES #0 connect (socketcall)", "SYS_CONNECT" },
	          /* the kernel reads int call: the high half does not count */
	          { &mux_web, EVERY_MUX_ARCH, "socketcall", 0x100000003ull,
	            "errno EACCES #0 connect (socketcall)", "SYS_CONNECT, high bits set" },
	          { &mux_web, EVERY_MUX_ARCH, "socketcall", 1, "allow #-1 socket (socketcall)",
	            "SYS_SOCKET" },
	          { &mux_web, EVERY_MUX_ARCH, "socketcall", 20, "allow #-1 sendmmsg (socketcall)",
	            "SYS_SENDMMSG" },
	          { &mux_web, EVERY_MUX_ARCH, "socketcall", 21, "allow #-1 socketcall",
	            "no such call: the multiplexer's own name" },
	          { &mux_web, EVERY_MUX_ARCH, "ipc", 1, "kill #1 semop (ipc)", "SEMOP" },
	          { &mux_web, EVERY_MUX_ARCH, "ipc", 0x10001, "kill #1 semop (ipc)",
	            "SEMOP, version 1" },
	          { &mux_web, EVERY_MUX_ARCH, "ipc", 21, "errno 4000 #2 shmat (ipc)", "SHMAT" },
	          { &mux_web, EVERY_MUX_ARCH, "ipc", 24, "allow #-1 shmctl (ipc)", "SHMCTL" },
	          { &mux_web, EVERY_MUX_ARCH, "ipc", 0, "allow #-1 ipc", "no such call" },
	          /* a direct syscall of the same name decides as before */
	          { &mux_web, EVERY_MUX_ARCH, "connect", 3, "errno EACCES #0 connect",
	            "the direct syscall" },
	          /* arches without the multiplexers: the number is another call */
	          { &mux_web, KSC_ARCH_X86_64, "getuid", 3, "allow #-1 getuid",
	            "x86_64 102 is getuid whatever arg0 says" },
	          { &mux_web, KSC_ARCH_X86_64, "setresuid", 1, "allow #-1 setresuid",
	            "x86_64 117 is setresuid" },
	          { &mux_web, KSC_ARCH_X86_64, "connect", 0, "errno EACCES #0 connect",
	            "x86_64 connect" },
	          { &mux_web, KSC_ARCH_AARCH64, "connect", 0, "errno EACCES #0 connect",
	            "aarch64 connect" },
	          { &mux_web, KSC_ARCH_ARM, "connect", 0, "errno EACCES #0 connect",
	            "arm connect" },
	  } },
	/* the default and "*" rules count for the call's own name, not for the multiplexer */
	{ "allowlist.yaml",
	  "defaultAction: errno\n"
	  "rules: [{syscalls: [connect, socket], action: allow}]\n",
	  "allow-list policy parses",
	  {
	          { &mux_web, KSC_ARCH_X86, "socketcall", 3, "allow #0 connect (socketcall)",
	            "allow-listed connect through socketcall" },
	          { &mux_web, KSC_ARCH_X86, "socketcall", 2, "errno EPERM #-1 bind (socketcall)",
	            "bind gets the default" },
	  } },
	/* a rule for the multiplexer applies to every call through it, when stricter */
	{ "mux-rule.yaml",
	  "rules:\n"
	  "- {syscalls: [socketcall], action: errno, errno: EIO}\n",
	  "multiplexer-rule policy parses",
	  {
	          { &mux_web, KSC_ARCH_X86, "socketcall", 3, "errno EIO #0 connect (socketcall)",
	            "a rule for socketcall" },
	          { &mux_web, KSC_ARCH_S390X, "socketcall", 1, "errno EIO #0 socket (socketcall)",
	            "a rule for socketcall" },
	          { &mux_web, KSC_ARCH_X86, "socketcall", 99, "errno EIO #0 socketcall",
	            "a rule for socketcall, an unknown call" },
	          { &mux_web, KSC_ARCH_X86, "ipc", 1, "allow #-1 semop (ipc)", "not for ipc" },
	  } },
	/* never weaker than the direct call, whatever the order */
	{ "order.yaml",
	  "rules:\n"
	  "- {syscalls: [socketcall], action: allow}\n"
	  "- {syscalls: [connect], action: errno}\n",
	  "allow-socketcall-first policy parses",
	  {
	          { &mux_web, KSC_ARCH_X86, "socketcall", 3, "errno EPERM #1 connect (socketcall)",
	            "an earlier allow for socketcall does not weaken connect's errno" },
	  } },
	{ "stricter.yaml",
	  "rules:\n"
	  "- {syscalls: [connect], action: errno}\n"
	  "- {syscalls: [ipc, socketcall], action: kill}\n",
	  "kill-socketcall policy parses",
	  {
	          { &mux_web, KSC_ARCH_X86, "socketcall", 3, "kill #1 connect (socketcall)",
	            "kill for socketcall is stricter than connect's errno" },
	          { &mux_web, KSC_ARCH_PPC64LE, "ipc", 2, "kill #1 semget (ipc)", "kill for ipc" },
	          { &mux_web, KSC_ARCH_X86_64, "connect", 3, "errno EPERM #0 connect",
	            "the direct call is not touched by a socketcall rule" },
	  } },
	/* a "*" rule before the multiplexer's rule decides the multiplexer for its peers */
	{ "star-first.yaml",
	  "rules:\n"
	  "- {container: trusted, action: allow}\n"
	  "- {syscalls: [socketcall], action: errno}\n",
	  "star-first policy parses",
	  {
	          { &mux_trusted, KSC_ARCH_X86, "socketcall", 3, "allow #0 connect (socketcall)",
	            "trusted: the \"*\" rule" },
	          { &mux_web, KSC_ARCH_X86, "socketcall", 3, "errno EPERM #1 connect (socketcall)",
	            "others: the socketcall rule" },
	  } },
	/* send and recv are sendto and recvfrom in the kernel, through socketcall or direct */
	{ "sendto.yaml",
	  "rules:\n"
	  "- {syscalls: [sendto], action: errno, errno: EACCES}\n"
	  "- {syscalls: [recvfrom], action: kill}\n",
	  "sendto policy parses",
	  {
	          { &mux_web, KSC_ARCH_X86, "socketcall", 9, "errno EACCES #0 send (socketcall)",
	            "SYS_SEND is sendto" },
	          { &mux_web, KSC_ARCH_X86, "socketcall", 10, "kill #1 recv (socketcall)",
	            "SYS_RECV is recvfrom" },
	          { &mux_web, KSC_ARCH_X86, "socketcall", 11, "errno EACCES #0 sendto (socketcall)",
	            "SYS_SENDTO" },
	          { &mux_web, KSC_ARCH_ARM, "send", 0, "errno EACCES #0 send",
	            "arm's direct send" },
	          { &mux_web, KSC_ARCH_PARISC, "recv", 0, "kill #1 recv", "parisc's direct recv" },
	  } },
	{ "send.yaml",
	  "defaultAction: kill\n"
	  "rules: [{syscalls: [send], action: allow}]\n",
	  "send policy parses",
	  {
	          { &mux_web, KSC_ARCH_X86, "socketcall", 9, "allow #0 send (socketcall)",
	            "sendto's default does not count for send" },
	  } },
};

static void
test_demultiplex(void)
{
	struct notify_policy *p;
	const char *name, *mux;

	/* every arch with a multiplexer in its table is in the list, and no other */
	for (enum ksc_arch a = KSC_ARCH_NONE + 1; a < _KSC_ARCH_MAX; a++) {
		uint32_t nr;
		bool has = ksc_syscall_resolve_name(a, "socketcall", &nr) == 0 ||
		           ksc_syscall_resolve_name(a, "ipc", &nr) == 0;
		bool listed = false;

		for (size_t i = 0; i < ELEMENTSOF(mux_arches); i++)
			listed = listed || mux_arches[i] == a;
		ok(has == listed, "%s %s, and the test %s it", ksc_arch_name(a),
		   has ? "has a multiplexer" : "has no multiplexer",
		   listed ? "lists" : "does not list");
	}

	/* ksc_syscall_demultiplex itself */
	is_int(ksc_syscall_demultiplex(KSC_ARCH_X86, 102, 3, &name, &mux), 1,
	       "demultiplex: i386 102 is socketcall");
	is_str(name, "connect", "demultiplex: SYS_CONNECT (3) is connect");
	is_str(mux, "socketcall", "demultiplex: through socketcall");
	is_int(ksc_syscall_demultiplex(KSC_ARCH_X86, 117, 0x1000c, &name, &mux), 1,
	       "demultiplex: i386 117 is ipc, version 1 in the high 16 bits");
	is_str(name, "msgrcv", "demultiplex: MSGRCV (12) with a version is msgrcv");
	is_str(mux, "ipc", "demultiplex: through ipc");
	is_int(ksc_syscall_demultiplex(KSC_ARCH_X86, 102, 21, &name, &mux), -ENOENT,
	       "demultiplex: socketcall 21 is no call (the kernel says EINVAL)");
	is_int(ksc_syscall_demultiplex(KSC_ARCH_X86, 102, 0, &name, &mux), -ENOENT,
	       "demultiplex: socketcall 0 is no call");
	is_int(ksc_syscall_demultiplex(KSC_ARCH_X86, 117, 5, &name, &mux), -ENOENT,
	       "demultiplex: ipc 5 is no call (ENOSYS)");
	is_int(ksc_syscall_demultiplex(KSC_ARCH_X86_64, 102, 3, &name, &mux), 0,
	       "demultiplex: x86_64 102 is getuid, no multiplexer");
	is_int(ksc_syscall_demultiplex(KSC_ARCH_X86, 20, 3, &name, &mux), 0,
	       "demultiplex: i386 20 is getpid, no multiplexer");
	is_int(ksc_syscall_demultiplex(KSC_ARCH_NONE, 102, 3, &name, &mux), -EINVAL,
	       "demultiplex: no arch");

	for (size_t i = 0; i < ELEMENTSOF(mux_policies); i++) {
		p = policy(mux_policies[i].name, mux_policies[i].text);
		if (!ok(p != NULL, "%s", mux_policies[i].parses)) {
			notify_policy_free(p);
			continue;
		}
		for (const struct mux_call *c = mux_policies[i].calls;
		     c < mux_policies[i].calls + ELEMENTSOF(mux_policies[i].calls) && c->syscall;
		     c++) {
			if (c->arch != EVERY_MUX_ARCH) {
				check_notified(p, c->peer, c->arch, c->syscall, c->arg0, c->want,
				               c->what);
				continue;
			}
			for (size_t j = 0; j < ELEMENTSOF(mux_arches); j++) {
				uint32_t nr;

				if (ksc_syscall_resolve_name(mux_arches[j], c->syscall, &nr) == 0)
					check_notified(p, c->peer, mux_arches[j], c->syscall,
					               c->arg0, c->want, c->what);
			}
		}
		notify_policy_free(p);
	}

	/* an arch token the tables do not know: no name, no demultiplexing */
	{
		struct notify_call call;

		notify_call_decode(0x12345678, 102, 3, &call);
		ok(call.arch == KSC_ARCH_NONE && !call.syscall && !call.name && !call.mux,
		   "an unknown audit token decodes to nothing");
		notify_call_decode(ksc_arch_audit_token(KSC_ARCH_X86), 99999, 3, &call);
		ok(call.arch == KSC_ARCH_X86 && !call.syscall && !call.name && !call.mux,
		   "an unknown number decodes to no name");
	}
}

static void
test_verdict_format(void)
{
	static const struct {
		struct notify_verdict v;
		const char *want;
	} cases[] = {
		{ { .answer = NOTIFY_ALLOW, .rule = -1 }, "allow" },
		{ { .answer = NOTIFY_ERRNO, .errnum = EACCES }, "errno EACCES" },
		{ { .answer = NOTIFY_ERRNO, .errnum = EPERM }, "errno EPERM" },
		{ { .answer = NOTIFY_ERRNO, .errnum = 4000 }, "errno 4000" },
		{ { .answer = NOTIFY_KILL }, "kill" },
	};
	char buf[64];

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		memset(buf, 'x', sizeof(buf));
		notify_verdict_format(&cases[i].v, buf, sizeof(buf));
		is_str(buf, cases[i].want, "verdict %zu: %s", i, buf);
	}
	memset(buf, 'x', sizeof(buf));
	notify_verdict_format(&cases[1].v, buf, 6);
	is_str(buf, "errno", "verdict: truncated to the buffer, NUL-terminated");
	ok(buf[6] == 'x', "verdict: nothing written past the buffer");
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: test-notify FIXTURES_DIR\n");
		return 2;
	}
	fixtures = argv[1];
	test_fixtures();
	test_annotations();
	test_state_json();
	test_state_errors();
	test_complete();
	test_sockets();
	test_policy_full();
	test_policy_errors();
	test_policy_decide();
	test_demultiplex();
	test_verdict_format();
	return tap_done();
}
