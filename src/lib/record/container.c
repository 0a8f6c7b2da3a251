/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The containers a recording follows, asked of a CRI runtime (record.h): a container by its
 * id or a unique prefix of it, or those of a pod by namespace and name; for each, its first
 * process (the runtime's verbose status names it: containerd's and CRI-O's "pid") and the
 * cgroup v2 directory that process is in on this machine, which the eBPF recorder follows.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cri/cri.h"
#include "doc.h"
#include "error.h"
#include "fs.h"
#include "ksc-cleanup.h"
#include "macro.h"
#include "record.h"

void
record_containers_free(struct record_container *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].id);
		free(v[i].name);
		free(v[i].pod);
		free(v[i].namespace);
		free(v[i].cgroup);
	}
	free(v);
}

int
record_process_cgroup(pid_t pid, char *buf, size_t size)
{
	char path[64], line[4096], mnt[PATH_MAX];
	_cleanup_(fclosep) FILE *f = NULL;
	int r;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		size_t len = strlen(line);

		if (strncmp(line, "0::", 3) != 0)
			continue;
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		/* "/": the hierarchy's root, where no runtime puts a container (a cgroup v1
		 * runtime leaves its processes there) */
		if (streq(line + 3, "/") || strstr(line + 3, "/../"))
			return -ENOENT;
		r = ksc_fs_cgroup2_mount(mnt, sizeof(mnt));
		if (r < 0)
			return r;
		if ((size_t)snprintf(buf, size, "%s%s", mnt, line + 3) >= size)
			return -ENAMETOOLONG;
		return 0;
	}
	return -ENOENT;
}

int
record_container_cgroup(pid_t pid, char *buf, size_t size)
{
	char parent[PATH_MAX];
	pid_t ppid;
	int r = record_process_cgroup(pid, buf, size);

	if (r < 0)
		return r;
	ppid = record_parent_pid(pid);
	if (ppid > 0 && record_process_cgroup(ppid, parent, sizeof(parent)) == 0 &&
	    streq(parent, buf))
		return -EEXIST;
	return 0;
}

/* The process the runtime's verbose status names ("pid"), 0 when none. */
static int
status_pid(const struct cri_container *st)
{
	_cleanup_(ksc_doc_freep) struct ksc_doc *doc = NULL;
	const struct ksc_node *root, *v;
	const char *why;
	uint64_t pid = 0;

	if (!st->info || !st->info_is_json ||
	    ksc_doc_parse("info", st->info, strlen(st->info), KSC_DOC_JSON, &doc, NULL) < 0)
		return 0;
	root = ksc_doc_root(doc, 0);
	v = root && root->kind == KSC_NODE_MAP ? ksc_node_get(root, "pid") : NULL;
	if (!v || ksc_node_to_u64(v, &pid, &why) < 0 || pid > INT32_MAX)
		return 0;
	return (int)pid;
}

/* Fill one entry from the container's verbose status. */
static int
describe(struct cri *c, const struct cri_container *listed, const struct cri_pod *pod,
         struct record_container *out, struct ksc_error **reterr)
{
	struct cri_container st = { 0 };
	char cgroup[PATH_MAX];
	int r;

	r = cri_container_status(c, listed->id, true, &st, reterr);
	if (r < 0) {
		cri_container_done(&st);
		return r;
	}
	out->pid = status_pid(&st);
	cri_container_done(&st);
	out->id = strdup(listed->id);
	out->name = strdup(listed->name ? listed->name : "");
	out->pod = strdup(pod && pod->name ? pod->name : "");
	out->namespace = strdup(pod && pod->namespace ? pod->namespace : "");
	if (!out->id || !out->name || !out->pod || !out->namespace)
		return -ENOMEM;
	if (out->pid > 0 && record_container_cgroup(out->pid, cgroup, sizeof(cgroup)) == 0 &&
	    !(out->cgroup = strdup(cgroup)))
		return -ENOMEM;
	return 0;
}

/* One requirement of a selector, [req, end): its key, operator and value. */
struct requirement {
	const char *key, *value;
	size_t key_len, value_len;
	enum { REQ_EQ, REQ_NE, REQ_EXISTS, REQ_ABSENT } op;
};

/* A label key or value as Kubernetes allows them, loosely: no space, comma, '=' or '!'. */
static bool
word_ok(const char *s, size_t len, bool empty_ok)
{
	if (!len)
		return empty_ok;
	for (size_t i = 0; i < len; i++)
		if (strchr(" \t,=!", s[i]) || (unsigned char)s[i] < 0x20)
			return false;
	return true;
}

static int
parse_requirement(const char *req, size_t len, struct requirement *ret)
{
	const char *eq = memchr(req, '=', len);

	*ret = (struct requirement){ 0 };
	if (!eq) {
		ret->op = req[0] == '!' ? REQ_ABSENT : REQ_EXISTS;
		ret->key = req + (ret->op == REQ_ABSENT);
		ret->key_len = len - (ret->op == REQ_ABSENT);
		return word_ok(ret->key, ret->key_len, false) ? 0 : -EINVAL;
	}
	ret->key = req;
	ret->key_len = (size_t)(eq - req);
	ret->op = REQ_EQ;
	if (ret->key_len && req[ret->key_len - 1] == '!') {
		ret->op = REQ_NE;
		ret->key_len--;
	}
	ret->value = eq + 1 + (ret->op == REQ_EQ && eq + 1 < req + len && eq[1] == '=');
	ret->value_len = (size_t)(req + len - ret->value);
	return word_ok(ret->key, ret->key_len, false) && word_ok(ret->value, ret->value_len, true)
	               ? 0
	               : -EINVAL;
}

/* Parse each requirement of selector and, with labels, say whether they all hold
 * (*ret_match). 0, or -EINVAL naming the first that is none. */
static int
each_requirement(const char *selector, const struct cri_labels *labels, bool *ret_match,
                 struct ksc_error **reterr)
{
	bool match = true;

	for (const char *p = selector; *p;) {
		size_t len = strcspn(p, ","), vlen;
		struct requirement rq;
		const char *v;

		while (len && p[0] == ' ')
			p++, len--;
		vlen = len;
		while (vlen && p[vlen - 1] == ' ')
			vlen--;
		if (parse_requirement(p, vlen, &rq) < 0 || !vlen)
			return ksc_error_setf(reterr, -EINVAL,
			                      "selector '%s': '%.*s' is no requirement (KEY=VALUE, "
			                      "KEY!=VALUE, KEY or !KEY)",
			                      selector, (int)vlen, p);
		if (labels) {
			char key[256];

			snprintf(key, sizeof(key), "%.*s", (int)rq.key_len, rq.key);
			v = cri_labels_get(labels, key);
			if (rq.op == REQ_EXISTS)
				match &= v != NULL;
			else if (rq.op == REQ_ABSENT)
				match &= v == NULL;
			else {
				bool same = v && strlen(v) == rq.value_len &&
				            !strncmp(v, rq.value, rq.value_len);

				match &= rq.op == REQ_EQ ? same : !same;
			}
		}
		p += len;
		if (*p == ',')
			p++;
	}
	if (ret_match)
		*ret_match = match;
	return 0;
}

int
record_selector_check(const char *selector, struct ksc_error **reterr)
{
	if (!*selector)
		return ksc_error_setf(reterr, -EINVAL, "an empty selector selects every pod");
	return each_requirement(selector, NULL, NULL, reterr);
}

static bool
selected(const char *selector, const struct cri_labels *labels)
{
	bool match = false;

	return each_requirement(selector, labels, &match, NULL) == 0 && match;
}

static bool
live(const struct cri_container *c)
{
	return c->state == CRI_CONTAINER_RUNNING || c->state == CRI_CONTAINER_CREATED;
}

/* The pod of a container, from the pod list. */
static const struct cri_pod *
pod_of(const struct cri_pod *pods, size_t n, const char *id)
{
	for (size_t i = 0; id && i < n; i++)
		if (pods[i].id && streq(pods[i].id, id))
			return &pods[i];
	return NULL;
}

/* Which listed containers the request names, live ones, or with exited those that exited
 * since q->exited_since: indexes into matches, their count. */
static size_t
select_containers(const struct cri_container *cs, size_t n, const struct cri_pod *pods,
                  size_t n_pods, const struct record_container_query *q, bool exited,
                  size_t *matches)
{
	size_t m = 0;

	for (size_t i = 0; i < n; i++) {
		const struct cri_pod *pod = pod_of(pods, n_pods, cs[i].pod_sandbox_id);

		if (!cs[i].id || (exited ? cs[i].state != CRI_CONTAINER_EXITED ||
		                                   cs[i].created_at < q->exited_since
		                         : !live(&cs[i])))
			continue;
		if (q->id && strncmp(cs[i].id, q->id, strlen(q->id)) != 0)
			continue;
		if (q->pod_name && (!pod || !pod->name || !streq(pod->name, q->pod_name) ||
		                    !pod->namespace || !streq(pod->namespace, q->pod_namespace)))
			continue;
		if (q->selector && (!pod || !pod->namespace || !q->pod_namespace ||
		                    !streq(pod->namespace, q->pod_namespace) ||
		                    !selected(q->selector, &pod->labels)))
			continue;
		if (q->container_name && (!cs[i].name || !streq(cs[i].name, q->container_name)))
			continue;
		matches[m++] = i;
	}
	return m;
}

/* -ESRCH: a container that started and exited between two looks, said with its exit as
 * its status gives it (the list does not). */
static int
gone(struct cri *cri, const struct cri_container *c, const struct cri_pod *pod,
     struct ksc_error **reterr)
{
	struct cri_container k = { 0 };
	char how[96] = "";
	int r;

	if (cri_container_status(cri, c->id, false, &k, NULL) == 0 &&
	    k.state == CRI_CONTAINER_EXITED)
		snprintf(how, sizeof(how), " (exit code %" PRId32 "%s%.48s)", k.exit_code,
		         k.reason ? ", " : "", k.reason ? k.reason : "");
	r = ksc_error_setf(reterr, -ESRCH,
	                   "container %s (%.12s) of pod %s/%s started and exited%s between two "
	                   "looks: its cgroup is gone, and its calls cannot be told from other "
	                   "cgroups' any more",
	                   c->name ? c->name : "", c->id,
	                   pod && pod->namespace ? pod->namespace : "",
	                   pod && pod->name ? pod->name : "", how);
	cri_container_done(&k);
	return r;
}

int
record_find_containers(const struct record_container_query *q, struct record_container **ret,
                       size_t *ret_n, struct ksc_error **reterr)
{
	_cleanup_(cri_closep) struct cri *c = NULL;
	struct cri_container *cs = NULL;
	struct cri_pod *pods = NULL;
	struct record_container *out = NULL;
	size_t n = 0, n_pods = 0, m = 0, *matches = NULL;
	int r;

	*ret = NULL;
	*ret_n = 0;
	r = cri_connect(q->endpoint, 10000, &c, reterr);
	if (r < 0)
		return r;
	r = cri_list_containers(c, NULL, &cs, &n, reterr);
	if (r >= 0)
		r = cri_list_pod_sandbox(c, NULL, &pods, &n_pods, reterr);
	if (r < 0)
		goto out;
	matches = calloc(n + 1, sizeof(*matches));
	if (!matches) {
		r = -ENOMEM;
		goto out;
	}
	m = select_containers(cs, n, pods, n_pods, q, false, matches);
	/* only a container named (-c, an id): the CRI does not say which are a pod's init
	 * containers, and one that has ended is no sign that the others will not start */
	if (m == 0 && q->exited_since && (q->container_name || q->id) &&
	    select_containers(cs, n, pods, n_pods, q, true, matches) > 0) {
		r = gone(c, &cs[matches[0]], pod_of(pods, n_pods, cs[matches[0]].pod_sandbox_id),
		         reterr);
		goto out;
	}
	if (m == 0) {
		r = q->id ? ksc_error_setf(reterr, -ENOENT, "no running container %s at %s", q->id,
		                           cri_endpoint(c))
		    : q->selector ? ksc_error_setf(reterr, -ENOENT,
		                                   "no pod of namespace %s matching %s has a "
		                                   "running container%s%s at %s",
		                                   q->pod_namespace, q->selector,
		                                   q->container_name ? " named " : "",
		                                   q->container_name ? q->container_name : "",
		                                   cri_endpoint(c))
		                  : ksc_error_setf(reterr, -ENOENT,
		                                   "pod %s/%s has no running container%s%s at %s",
		                                   q->pod_namespace, q->pod_name,
		                                   q->container_name ? " named " : "",
		                                   q->container_name ? q->container_name : "",
		                                   cri_endpoint(c));
		goto out;
	}
	if (q->id && m > 1) {
		r = ksc_error_setf(reterr, -EINVAL,
		                   "%zu containers have ids starting %s: give more of it", m,
		                   q->id);
		goto out;
	}
	out = calloc(m, sizeof(*out));
	if (!out) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < m; i++) {
		const struct cri_container *x = &cs[matches[i]];

		r = describe(c, x, pod_of(pods, n_pods, x->pod_sandbox_id), &out[i], reterr);
		if (r < 0) {
			record_containers_free(out, m);
			out = NULL;
			goto out;
		}
	}
	*ret = out;
	*ret_n = m;
	r = 0;
out:
	free(matches);
	cri_containers_free(cs, n);
	cri_pods_free(pods, n_pods);
	return r;
}
