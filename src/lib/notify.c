/* SPDX-License-Identifier: Apache-2.0 */
/*
 * notify: the OCI seccomp agent protocol (container process state over AF_UNIX with the
 * listener fd in SCM_RIGHTS) and the agent's answer policy. See notify.h.
 */
#include <fnmatch.h>
#include <inttypes.h>
#include <stdarg.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "doc.h"
#include "error.h"
#include "notify.h"
#include "strbuf.h"

/* ---------------------------------------------------------------------------------------- */
/* The runtime's side                                                                         */

static void
put_member(struct strbuf *sb, const char *key, const char *value)
{
	strbuf_put_json_string(sb, key, strlen(key));
	strbuf_putc(sb, ':');
	strbuf_put_json_string(sb, value ? value : "", value ? strlen(value) : 0);
}

int
notify_state_json(const struct notify_state *st, char **ret_text, size_t *ret_len)
{
	struct strbuf sb = { 0 };

	/* specs.ContainerProcessState and specs.State as encoding/json writes them: fields in
	 * declaration order, "pid" and "annotations" of the state omitted when empty. */
	strbuf_puts(&sb, "{");
	put_member(&sb, "ociVersion", NOTIFY_OCI_VERSION);
	strbuf_printf(&sb, ",\"fds\":[\"seccompFd\"],\"pid\":%d,", st->pid);
	/* "metadata,omitempty" */
	if (st->metadata && *st->metadata) {
		put_member(&sb, "metadata", st->metadata);
		strbuf_puts(&sb, ",");
	}
	strbuf_puts(&sb, "\"state\":{");
	put_member(&sb, "ociVersion", NOTIFY_OCI_VERSION);
	strbuf_puts(&sb, ",");
	put_member(&sb, "id", st->id);
	strbuf_puts(&sb, ",");
	put_member(&sb, "status", st->status ? st->status : "creating");
	if (st->pid > 0)
		strbuf_printf(&sb, ",\"pid\":%d", st->pid);
	strbuf_puts(&sb, ",");
	put_member(&sb, "bundle", st->bundle);
	if (st->annotations && st->annotations[0]) {
		strbuf_puts(&sb, ",\"annotations\":{");
		for (size_t i = 0; st->annotations[i] && st->annotations[i + 1]; i += 2) {
			if (i)
				strbuf_puts(&sb, ",");
			put_member(&sb, st->annotations[i], st->annotations[i + 1]);
		}
		strbuf_puts(&sb, "}");
	}
	strbuf_puts(&sb, "}}");
	return strbuf_finish(&sb, ret_text, ret_len);
}

int
notify_address(const char *path, struct sockaddr_un *ret, unsigned *ret_len,
               struct ksc_error **reterr)
{
	size_t len = strlen(path);

	if (len == 0)
		return ksc_error_setf(reterr, -EINVAL, "the listener path is empty");
	if (len >= sizeof(ret->sun_path))
		return ksc_error_setf(reterr, -ENAMETOOLONG,
		                      "\"%s\": a socket path has at most %zu bytes", path,
		                      sizeof(ret->sun_path) - 1);
	*ret = (struct sockaddr_un){ .sun_family = AF_UNIX };
	memcpy(ret->sun_path, path, len);
	*ret_len = (unsigned)(offsetof(struct sockaddr_un, sun_path) + len);
	if (path[0] == '@')
		ret->sun_path[0] = '\0'; /* abstract: the name is the bytes after the NUL */
	else
		(*ret_len)++; /* the terminating NUL */
	return 0;
}

int
notify_connect(const char *path, int *ret_fd, struct ksc_error **reterr)
{
	struct sockaddr_un sa;
	unsigned salen;
	int fd, r;

	r = notify_address(path, &sa, &salen, reterr);
	if (r < 0)
		return r;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return ksc_error_setf(reterr, negative_errno(), "socket: %s", strerror(errno));
	while (connect(fd, (struct sockaddr *)&sa, (socklen_t)salen) < 0) {
		if (errno == EINTR)
			continue;
		r = negative_errno();
		close(fd);
		return ksc_error_setf(reterr, r, "dial unix %s: connect: %s", path, strerror(-r));
	}
	*ret_fd = fd;
	return 0;
}

int
notify_send(int sock, const char *text, size_t len, int fd, struct ksc_error **reterr)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	size_t off = 0;

	memset(&control, 0, sizeof(control));
	while (off < len) {
		struct iovec iov = { .iov_base = (char *)text + off, .iov_len = len - off };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n;

		if (off == 0) {
			struct cmsghdr *cmsg;

			msg.msg_control = control.buf;
			msg.msg_controllen = sizeof(control.buf);
			cmsg = CMSG_FIRSTHDR(&msg);
			cmsg->cmsg_level = SOL_SOCKET;
			cmsg->cmsg_type = SCM_RIGHTS;
			cmsg->cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
		}
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return ksc_error_setf(reterr, negative_errno(), "sendmsg: %s",
			                      strerror(errno));
		}
		off += (size_t)n;
	}
	return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* The agent's side                                                                           */

_printf_(4, 5) static int state_error(const char *name, const struct ksc_node *at,
                                      struct ksc_error **reterr, const char *fmt, ...)
{
	char reason[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (at)
		return ksc_error_setf(reterr, -EINVAL, "%s:%u:%u: %s", name, at->line, at->column,
		                      reason);
	return ksc_error_setf(reterr, -EINVAL, "%s: %s", name, reason);
}

/* A string member (its value node, NULL when absent), when a string: duplicated into *ret. */
static int
take_string(const char *name, const struct ksc_node *map, const struct ksc_node *n,
            const char *path, bool required, char **ret, struct ksc_error **reterr)
{
	const char *s, *why;

	if (!n) {
		if (required)
			return state_error(name, map, reterr, "%s: required", path);
		return 0;
	}
	if (ksc_node_to_string(n, &s, &why) < 0)
		return state_error(name, n, reterr, "%s: %s", path, why);
	*ret = strdup(s);
	return *ret ? 0 : -ENOMEM;
}

/*
 * The members of an object as the protocol's Go consumers decode it into a struct
 * (encoding/json: exact key, else Go's case folding; see ksc_key_match_go): the state's
 * keys are read the same way, and two keys that set one field are refused, since Go would
 * silently keep the later one.
 */
static int
state_fields(const char *name, const struct ksc_node *map, const char *prefix,
             const char *const *fields, size_t n, const struct ksc_node **values,
             struct ksc_error **reterr)
{
	const struct ksc_node *dup = NULL, *first = NULL;
	int r;

	r = ksc_node_get_fields_go(map, fields, n, values, &dup, &first);
	if (r == -EINVAL)
		return state_error(name, dup, reterr,
		                   "%s%s: duplicate key: \"%s\" at line %u sets the same field "
		                   "(%s)",
		                   prefix, fields[ksc_key_field_go(dup, fields, n, NULL)],
		                   first->text, first->line, ksc_key_fold_reason(first, dup));
	return r;
}

static const char *
annotation(const struct ksc_node *annotations, const char *key)
{
	const struct ksc_node *n = annotations ? ksc_node_get(annotations, key) : NULL;
	const char *s, *why;

	if (!n || ksc_node_to_string(n, &s, &why) < 0 || !*s)
		return NULL;
	return s;
}

static int
take_annotation(const struct ksc_node *annotations, const char *const *keys, char **ret)
{
	for (size_t i = 0; keys[i]; i++) {
		const char *s = annotation(annotations, keys[i]);

		if (s) {
			*ret = strdup(s);
			return *ret ? 0 : -ENOMEM;
		}
	}
	return 0;
}

static int
parse_state(const char *name, const struct ksc_node *root, struct notify_peer *p,
            struct ksc_error **reterr)
{
	static const char *const pod_keys[] = { "io.kubernetes.cri.sandbox-name",
		                                "io.kubernetes.pod.name", NULL };
	static const char *const ns_keys[] = { "io.kubernetes.cri.sandbox-namespace",
		                               "io.kubernetes.pod.namespace", NULL };
	static const char *const ctr_keys[] = { "io.kubernetes.cri.container-name",
		                                "io.kubernetes.container.name", NULL };
	/* specs.ContainerProcessState and specs.State (runtime-spec) */
	static const char *const process_fields[] = { "ociVersion", "fds", "pid", "metadata",
		                                      "state" };
	enum { P_OCI_VERSION, P_FDS, P_PID, P_METADATA, P_STATE };
	static const char *const state_fields_[] = { "ociVersion", "id",     "status",
		                                     "pid",        "bundle", "annotations" };
	enum { S_OCI_VERSION, S_ID, S_STATUS, S_PID, S_BUNDLE, S_ANNOTATIONS };
	const struct ksc_node *pv[ELEMENTSOF(process_fields)], *sv[ELEMENTSOF(state_fields_)];
	const struct ksc_node *n, *state, *annotations;
	const char *why;
	uint64_t pid = 0; /* ksc_node_to_u64 leaves it alone when it fails */
	int r;

	if (root->kind != KSC_NODE_MAP)
		return state_error(name, root, reterr,
		                   "the container process state must be an "
		                   "object, got %s",
		                   ksc_node_type_name(root));
	r = state_fields(name, root, "", process_fields, ELEMENTSOF(process_fields), pv, reterr);
	if (r < 0)
		return r;
	r = take_string(name, root, pv[P_OCI_VERSION], "ociVersion", true, &p->oci_version, reterr);
	if (r < 0)
		return r;
	n = pv[P_PID];
	if (!n)
		return state_error(name, root, reterr, "pid: required");
	if (ksc_node_to_u64(n, &pid, &why) < 0 || pid > INT32_MAX)
		return state_error(name, n, reterr, "pid: %s",
		                   pid > INT32_MAX ? "out of range" : why);
	p->pid = (int)pid;
	r = take_string(name, root, pv[P_METADATA], "metadata", false, &p->metadata, reterr);
	if (r < 0)
		return r;

	/* "fds": the names of the fds sent, in order; seccompFd must be among them once */
	n = pv[P_FDS];
	if (n && !ksc_node_is_null(n)) {
		bool found = false;

		if (n->kind != KSC_NODE_SEQ)
			return state_error(name, n, reterr, "fds: must be an array, got %s",
			                   ksc_node_type_name(n));
		for (size_t i = 0; i < n->count; i++) {
			const char *s;

			if (ksc_node_to_string(n->items[i], &s, &why) < 0)
				return state_error(name, n->items[i], reterr, "fds[%zu]: %s", i,
				                   why);
			if (!streq(s, "seccompFd"))
				continue;
			if (found)
				return state_error(name, n->items[i], reterr,
				                   "fds[%zu]: \"seccompFd\" is named twice", i);
			found = true;
			p->seccomp_fd_index = i;
		}
		if (!found)
			return state_error(name, n, reterr, "fds: no \"seccompFd\" among the fds");
	}

	state = pv[P_STATE];
	if (!state)
		return state_error(name, root, reterr, "state: required");
	if (state->kind != KSC_NODE_MAP)
		return state_error(name, state, reterr, "state: must be an object, got %s",
		                   ksc_node_type_name(state));
	r = state_fields(name, state, "state.", state_fields_, ELEMENTSOF(state_fields_), sv,
	                 reterr);
	if (r >= 0)
		r = take_string(name, state, sv[S_ID], "state.id", true, &p->id, reterr);
	if (r >= 0)
		r = take_string(name, state, sv[S_STATUS], "state.status", false, &p->status,
		                reterr);
	if (r >= 0)
		r = take_string(name, state, sv[S_BUNDLE], "state.bundle", false, &p->bundle,
		                reterr);
	if (r < 0)
		return r;
	/* annotations is a map[string]string: its keys are exact, as any Go map's */
	annotations = sv[S_ANNOTATIONS];
	if (annotations && !ksc_node_is_null(annotations) && annotations->kind != KSC_NODE_MAP)
		return state_error(name, annotations, reterr,
		                   "state.annotations: must be an object, got %s",
		                   ksc_node_type_name(annotations));
	if (annotations && annotations->kind != KSC_NODE_MAP)
		annotations = NULL;
	r = take_annotation(annotations, pod_keys, &p->pod);
	if (r >= 0)
		r = take_annotation(annotations, ns_keys, &p->namespace);
	if (r >= 0)
		r = take_annotation(annotations, ctr_keys, &p->container);
	return r;
}

int
notify_state_parse(const char *name, const char *buf, size_t len, struct notify_peer *ret,
                   struct ksc_error **reterr)
{
	_cleanup_(ksc_doc_freep) struct ksc_doc *doc = NULL;
	struct notify_peer p = { 0 };
	int r;

	if (len > NOTIFY_STATE_MAX)
		return ksc_error_setf(reterr, -EINVAL, "%s: %zu bytes, more than the %u allowed",
		                      name, len, NOTIFY_STATE_MAX);
	r = ksc_doc_parse(name, buf, len, KSC_DOC_JSON, &doc, reterr);
	if (r < 0)
		return r;
	r = parse_state(name, ksc_doc_root(doc, 0), &p, reterr);
	if (r < 0) {
		notify_peer_done(&p);
		return r;
	}
	*ret = p;
	return 0;
}

size_t
notify_state_complete(const char *buf, size_t len)
{
	size_t depth = 0, i = 0;
	bool in_string = false;

	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' || buf[i] == '\r'))
		i++;
	if (i == len)
		return 0;
	if (buf[i] != '{')
		return len;
	for (; i < len; i++) {
		char ch = buf[i];

		if (in_string) {
			if (ch == '\\')
				i++; /* the escaped character, whatever it is */
			else if (ch == '"')
				in_string = false;
			continue;
		}
		if (ch == '"')
			in_string = true;
		else if (ch == '{' || ch == '[')
			depth++;
		else if ((ch == '}' || ch == ']') && --depth == 0)
			return i + 1;
	}
	return 0;
}

void
notify_peer_done(struct notify_peer *peer)
{
	free(peer->oci_version);
	free(peer->metadata);
	free(peer->id);
	free(peer->status);
	free(peer->bundle);
	free(peer->pod);
	free(peer->namespace);
	free(peer->container);
	*peer = (struct notify_peer){ 0 };
}

/* ---------------------------------------------------------------------------------------- */
/* The policy                                                                                 */

struct policy_rule {
	char **syscalls; /* NULL: every call */
	size_t n_syscalls;
	char *pod, *namespace, *container, *metadata; /* fnmatch patterns, NULL: any */
	struct notify_verdict verdict;
};

struct notify_policy {
	struct notify_verdict fallback;
	struct policy_rule *rules;
	size_t n_rules;
};

int
notify_policy_new_default(struct notify_policy **ret)
{
	struct notify_policy *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	p->fallback = (struct notify_verdict){ .answer = NOTIFY_ALLOW, .rule = -1 };
	*ret = p;
	return 0;
}

void
notify_policy_free(struct notify_policy *policy)
{
	if (!policy)
		return;
	for (size_t i = 0; i < policy->n_rules; i++) {
		struct policy_rule *r = &policy->rules[i];

		for (size_t j = 0; j < r->n_syscalls; j++)
			free(r->syscalls[j]);
		free(r->syscalls);
		free(r->pod);
		free(r->namespace);
		free(r->container);
		free(r->metadata);
	}
	free(policy->rules);
	free(policy);
}

struct policy_ctx {
	const char *name;
	struct ksc_error **reterr;
};

_printf_(3, 4) static int policy_error(const struct policy_ctx *c, const struct ksc_node *at,
                                       const char *fmt, ...)
{
	char reason[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	return ksc_error_setf(c->reterr, -EINVAL, "%s:%u:%u: %s", c->name, at->line, at->column,
	                      reason);
}

static int
policy_string(const struct policy_ctx *c, const struct ksc_node *n, const char *path,
              const char **ret)
{
	const char *why;

	if (ksc_node_to_string(n, ret, &why) < 0)
		return policy_error(c, n, "%s: %s", path, why);
	return 0;
}

static int
policy_answer(const struct policy_ctx *c, const struct ksc_node *n, const char *path,
              enum notify_answer *ret)
{
	static const struct {
		const char *name;
		enum notify_answer answer;
	} answers[] = {
		{ "allow", NOTIFY_ALLOW },
		{ "continue", NOTIFY_ALLOW },
		{ "errno", NOTIFY_ERRNO },
		{ "kill", NOTIFY_KILL },
	};
	const char *s;
	int r = policy_string(c, n, path, &s);

	if (r < 0)
		return r;
	for (size_t i = 0; i < ELEMENTSOF(answers); i++)
		if (streq(s, answers[i].name)) {
			*ret = answers[i].answer;
			return 0;
		}
	return policy_error(c, n, "%s: unknown action \"%s\" (allow, errno or kill)", path, s);
}

static int
policy_errno(const struct policy_ctx *c, const struct ksc_node *n, const char *path, uint32_t *ret)
{
	const char *why, *s;
	uint64_t v;

	if (n->kind == KSC_NODE_SCALAR && n->type == KSC_SCALAR_NUMBER) {
		if (ksc_node_to_u64(n, &v, &why) < 0)
			return policy_error(c, n, "%s: %s", path, why);
		if (v == 0 || v > 4095)
			return policy_error(c, n, "%s: %" PRIu64 " is not an errno (1 to 4095)",
			                    path, v);
		*ret = (uint32_t)v;
		return 0;
	}
	if (ksc_node_to_string(n, &s, &why) < 0)
		return policy_error(c, n, "%s: %s", path, why);
	if (ksc_errno_from_name(s, ret) < 0 || *ret == 0)
		return policy_error(c, n,
		                    "%s: unknown errno name \"%s\" (EPERM, EACCES, ... or a "
		                    "number)",
		                    path, s);
	return 0;
}

static int
policy_pattern(const struct policy_ctx *c, const struct ksc_node *n, const char *path, char **ret)
{
	const char *s;
	int r = policy_string(c, n, path, &s);

	if (r < 0)
		return r;
	*ret = strdup(s);
	return *ret ? 0 : -ENOMEM;
}

static int
policy_syscalls(const struct policy_ctx *c, const struct ksc_node *n, const char *path,
                struct policy_rule *rule)
{
	char sub[128];
	const char *s;
	int r;

	if (n->kind == KSC_NODE_SCALAR && n->type == KSC_SCALAR_STRING && streq(n->text, "*"))
		return 0;
	if (n->kind != KSC_NODE_SEQ)
		return policy_error(c, n, "%s: must be a list of syscall names or \"*\", got %s",
		                    path, ksc_node_type_name(n));
	if (n->count == 0)
		return policy_error(c, n,
		                    "%s: an empty list matches nothing; leave it out to "
		                    "match every call",
		                    path);
	rule->syscalls = calloc(n->count, sizeof(char *));
	if (!rule->syscalls)
		return -ENOMEM;
	for (size_t i = 0; i < n->count; i++) {
		snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
		r = policy_string(c, n->items[i], sub, &s);
		if (r < 0)
			return r;
		if (!ksc_syscall_name_known(s))
			return policy_error(c, n->items[i], "%s: unknown syscall \"%s\"", sub, s);
		rule->syscalls[rule->n_syscalls] = strdup(s);
		if (!rule->syscalls[rule->n_syscalls])
			return -ENOMEM;
		rule->n_syscalls++;
	}
	return 0;
}

static int
policy_rule(const struct policy_ctx *c, const struct ksc_node *n, size_t index,
            struct policy_rule *rule)
{
	const struct ksc_node *action = NULL, *errnum = NULL;
	char path[64], sub[96];
	int r = 0;

	snprintf(path, sizeof(path), "rules[%zu]", index);
	if (n->kind != KSC_NODE_MAP)
		return policy_error(c, n, "%s: must be an object, got %s", path,
		                    ksc_node_type_name(n));
	rule->verdict = (struct notify_verdict){ .rule = (int)index };
	for (size_t i = 0; i < n->count && r >= 0; i++) {
		const char *key = n->keys[i]->text;
		const struct ksc_node *v = n->items[i];

		snprintf(sub, sizeof(sub), "%s.%s", path, key);
		if (streq(key, "syscalls"))
			r = policy_syscalls(c, v, sub, rule);
		else if (streq(key, "action"))
			action = v;
		else if (streq(key, "errno"))
			errnum = v;
		else if (streq(key, "pod"))
			r = policy_pattern(c, v, sub, &rule->pod);
		else if (streq(key, "namespace"))
			r = policy_pattern(c, v, sub, &rule->namespace);
		else if (streq(key, "container"))
			r = policy_pattern(c, v, sub, &rule->container);
		else if (streq(key, "metadata"))
			r = policy_pattern(c, v, sub, &rule->metadata);
		else
			r = policy_error(c, n->keys[i],
			                 "%s: unknown field \"%s\" (syscalls, action, errno, pod, "
			                 "namespace, container, metadata)",
			                 path, key);
	}
	if (r < 0)
		return r;
	if (!action)
		return policy_error(c, n, "%s.action: required (allow, errno or kill)", path);
	snprintf(sub, sizeof(sub), "%s.action", path);
	r = policy_answer(c, action, sub, &rule->verdict.answer);
	if (r < 0)
		return r;
	snprintf(sub, sizeof(sub), "%s.errno", path);
	if (errnum && rule->verdict.answer != NOTIFY_ERRNO)
		return policy_error(c, errnum, "%s: only goes with action errno", sub);
	rule->verdict.errnum = EPERM;
	if (errnum)
		return policy_errno(c, errnum, sub, &rule->verdict.errnum);
	return 0;
}

static int
policy_from_doc(const struct policy_ctx *c, const struct ksc_node *root, struct notify_policy *p)
{
	const struct ksc_node *rules = NULL, *def = NULL, *def_errno = NULL;
	int r;

	if (ksc_node_is_null(root))
		return 0; /* an empty file: the default policy */
	if (root->kind != KSC_NODE_MAP)
		return policy_error(c, root, "a policy must be an object, got %s",
		                    ksc_node_type_name(root));
	for (size_t i = 0; i < root->count; i++) {
		const char *key = root->keys[i]->text;

		if (streq(key, "defaultAction"))
			def = root->items[i];
		else if (streq(key, "defaultErrno"))
			def_errno = root->items[i];
		else if (streq(key, "rules"))
			rules = root->items[i];
		else
			return policy_error(c, root->keys[i],
			                    "unknown field \"%s\" (defaultAction, defaultErrno, "
			                    "rules)",
			                    key);
	}
	if (def) {
		r = policy_answer(c, def, "defaultAction", &p->fallback.answer);
		if (r < 0)
			return r;
	}
	if (def_errno) {
		if (p->fallback.answer != NOTIFY_ERRNO)
			return policy_error(c, def_errno,
			                    "defaultErrno: only goes with defaultAction errno");
		r = policy_errno(c, def_errno, "defaultErrno", &p->fallback.errnum);
		if (r < 0)
			return r;
	}
	if (!rules || ksc_node_is_null(rules))
		return 0;
	if (rules->kind != KSC_NODE_SEQ)
		return policy_error(c, rules, "rules: must be a list, got %s",
		                    ksc_node_type_name(rules));
	p->rules = calloc(rules->count ? rules->count : 1, sizeof(*p->rules));
	if (!p->rules)
		return -ENOMEM;
	for (size_t i = 0; i < rules->count; i++) {
		r = policy_rule(c, rules->items[i], i, &p->rules[i]);
		p->n_rules++; /* freed by notify_policy_free even when partial */
		if (r < 0)
			return r;
	}
	return 0;
}

int
notify_policy_parse(const char *name, const char *buf, size_t len, struct notify_policy **ret,
                    struct ksc_error **reterr)
{
	_cleanup_(ksc_doc_freep) struct ksc_doc *doc = NULL;
	struct policy_ctx c = { .name = name, .reterr = reterr };
	struct notify_policy *p = NULL;
	int r;

	r = ksc_doc_parse(name, buf, len, 0, &doc, reterr);
	if (r < 0)
		return r;
	if (ksc_doc_count(doc) > 1)
		return ksc_error_setf(reterr, -EINVAL, "%s: one policy document, not %zu", name,
		                      ksc_doc_count(doc));
	r = notify_policy_new_default(&p);
	if (r < 0)
		return r;
	p->fallback.errnum = EPERM;
	r = policy_from_doc(&c, ksc_doc_root(doc, 0), p);
	if (r < 0) {
		notify_policy_free(p);
		return r;
	}
	*ret = p;
	return 0;
}

int
notify_policy_load(const char *path, struct notify_policy **ret, struct ksc_error **reterr)
{
	_cleanup_(freep) char *buf = NULL;
	size_t len;
	int r;

	r = ksc_doc_read_file(path, 4u * 1024u * 1024u, &buf, &len, reterr);
	if (r < 0)
		return r;
	return notify_policy_parse(path, buf, len, ret, reterr);
}

static bool
pattern_matches(const char *pattern, const char *value)
{
	if (!pattern)
		return true;
	return fnmatch(pattern, value ? value : "", 0) == 0;
}

void
notify_policy_decide(const struct notify_policy *policy, const struct notify_peer *peer,
                     const char *syscall, struct notify_verdict *ret)
{
	for (size_t i = 0; i < policy->n_rules; i++) {
		const struct policy_rule *r = &policy->rules[i];
		bool named = !r->syscalls;

		for (size_t j = 0; j < r->n_syscalls && !named && syscall; j++)
			named = streq(r->syscalls[j], syscall);
		if (named && pattern_matches(r->pod, peer->pod) &&
		    pattern_matches(r->namespace, peer->namespace) &&
		    pattern_matches(r->container, peer->container) &&
		    pattern_matches(r->metadata, peer->metadata)) {
			*ret = r->verdict;
			return;
		}
	}
	*ret = policy->fallback;
}

void
notify_call_decode(uint32_t arch_token, int32_t nr, uint64_t arg0, struct notify_call *ret)
{
	struct notify_call call = { .arch = KSC_ARCH_NONE };
	const char *name, *mux;

	if (ksc_arch_from_audit_token(arch_token, (uint32_t)nr, &call.arch) < 0)
		call.arch = KSC_ARCH_NONE;
	else
		call.syscall = ksc_syscall_name(call.arch, (uint32_t)nr);
	call.name = call.syscall;
	/* a call number the multiplexer does not know stays the multiplexer: the kernel fails
	 * it, and only a rule for the multiplexer itself can name it */
	if (call.syscall &&
	    ksc_syscall_demultiplex(call.arch, (uint32_t)nr, arg0, &name, &mux) > 0) {
		call.name = name;
		call.mux = mux;
	}
	*ret = call;
}

/* The call the kernel runs for one that has its own name on some arches: sys_send() and
 * sys_recv() in net/socket.c are __sys_sendto() and __sys_recvfrom() without an address. */
static const char *
kernel_equivalent(const char *name)
{
	if (!name)
		return NULL;
	if (streq(name, "send"))
		return "sendto";
	if (streq(name, "recv"))
		return "recvfrom";
	return NULL;
}

static int
strictness(enum notify_answer answer)
{
	switch (answer) {
	case NOTIFY_KILL:
		return 2;
	case NOTIFY_ERRNO:
		return 1;
	case NOTIFY_ALLOW:
	default:
		return 0;
	}
}

void
notify_policy_decide_call(const struct notify_policy *policy, const struct notify_peer *peer,
                          const struct notify_call *call, struct notify_verdict *ret)
{
	const char *also[] = { call->mux, kernel_equivalent(call->name) };
	struct notify_verdict v, w;

	notify_policy_decide(policy, peer, call->name, &v);
	for (size_t i = 0; i < ELEMENTSOF(also); i++) {
		if (!also[i])
			continue;
		notify_policy_decide(policy, peer, also[i], &w);
		/* only a rule that names it: the default and "*" answered call->name already */
		if (w.rule < 0 || !policy->rules[w.rule].syscalls)
			continue;
		if (strictness(w.answer) > strictness(v.answer))
			v = w;
	}
	*ret = v;
}

/* ---------------------------------------------------------------------------------------- */
/* Answering                                                                                  */

#ifndef ANON_INODE_FS_MAGIC
#define ANON_INODE_FS_MAGIC 0x09041934
#endif

int
notify_listener_check(int fd, struct ksc_error **reterr)
{
	static const char want[] = "anon_inode:seccomp notify";
	char proc[64], link[128];
	struct statfs sfs;
	struct stat st;
	uint64_t id = 0;
	ssize_t n;

	if (fstat(fd, &st) < 0 || fstatfs(fd, &sfs) < 0)
		return ksc_error_setf(reterr, negative_errno(), "fstat: %s", strerror(errno));
	if (sfs.f_type != ANON_INODE_FS_MAGIC) {
		const char *what = S_ISFIFO(st.st_mode)   ? "a pipe"
		                   : S_ISSOCK(st.st_mode) ? "a socket"
		                   : S_ISREG(st.st_mode)  ? "a regular file"
		                   : S_ISDIR(st.st_mode)  ? "a directory"
		                   : S_ISCHR(st.st_mode)  ? "a character device"
		                   : S_ISBLK(st.st_mode)  ? "a block device"
		                                          : "not an anonymous inode";

		return ksc_error_setf(reterr, -ENOTTY, "%s, not a seccomp listener", what);
	}
	/* Every anon inode fd (eventfd, epoll, signalfd, ...) shares that file system: the
	 * name tells them apart where /proc is mounted, the ioctl everywhere. */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	n = readlink(proc, link, sizeof(link) - 1);
	if (n >= 0) {
		link[n] = '\0';
		if (!streq(link, want))
			return ksc_error_setf(reterr, -ENOTTY, "\"%s\", not a seccomp listener",
			                      link);
	}
	/* ENOENT: a listener without a notification of that ID; a listener answers no other
	 * way, anything else ENOTTY */
	if (ioctl(fd, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) < 0 && errno != ENOENT)
		return ksc_error_setf(reterr, -ENOTTY,
		                      "not a seccomp listener (SECCOMP_IOCTL_NOTIF_ID_VALID: %s)",
		                      strerror(errno));
	return 0;
}

#ifndef SECCOMP_USER_NOTIF_FLAG_CONTINUE
#define SECCOMP_USER_NOTIF_FLAG_CONTINUE (1UL << 0)
#endif

int
notify_receive(int listener, struct seccomp_notif *req, size_t size)
{
	memset(req, 0, size); /* the kernel refuses a buffer that is not zeroed */
	while (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, req) < 0) {
		if (errno != EINTR)
			return negative_errno();
	}
	return 0;
}

bool
notify_id_valid(int listener, uint64_t id)
{
	return ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

static int
kill_caller(int listener, const struct seccomp_notif *req)
{
	int pidfd, r;

	if (req->pid == 0)
		return -ESRCH; /* not in our pid namespace */
	pidfd = (int)syscall(SYS_pidfd_open, req->pid, 0);
	if (pidfd < 0)
		return errno == ESRCH ? -ENOENT : negative_errno();
	/* the pidfd names a process now: it is the caller only if the call still waits */
	if (!notify_id_valid(listener, req->id)) {
		close(pidfd);
		return -ENOENT;
	}
	r = (int)syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
	r = r < 0 ? negative_errno() : 0;
	close(pidfd);
	return r;
}

int
notify_answer(int listener, const struct seccomp_notif *req, struct seccomp_notif_resp *resp,
              size_t resp_size, const struct notify_verdict *v)
{
	int killed = 0;

	if (!notify_id_valid(listener, req->id))
		return -ENOENT;
	memset(resp, 0, resp_size);
	resp->id = req->id;
	switch (v->answer) {
	case NOTIFY_ERRNO:
		resp->error = -(int32_t)v->errnum;
		break;
	case NOTIFY_KILL:
		killed = kill_caller(listener, req);
		if (killed == -ENOENT)
			return -ENOENT;
		/* the call fails either way: its process is dying, or could not be killed */
		resp->error = -EPERM;
		break;
	case NOTIFY_ALLOW:
	default:
		resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		break;
	}
	while (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0) {
		if (errno == EINTR)
			continue;
		/* ENOENT: the caller was interrupted, or killed by us */
		if (errno == ENOENT && v->answer == NOTIFY_KILL && killed == 0)
			return 0;
		return negative_errno();
	}
	return killed < 0 ? -ESRCH : 0;
}

void
notify_verdict_format(const struct notify_verdict *v, char *buf, size_t size)
{
	const char *name;

	switch (v->answer) {
	case NOTIFY_ERRNO:
		name = ksc_errno_name(v->errnum);
		if (name)
			snprintf(buf, size, "errno %s", name);
		else
			snprintf(buf, size, "errno %u", v->errnum);
		return;
	case NOTIFY_KILL:
		snprintf(buf, size, "kill");
		return;
	case NOTIFY_ALLOW:
	default:
		snprintf(buf, size, "allow");
		return;
	}
}
