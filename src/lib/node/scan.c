/* SPDX-License-Identifier: Apache-2.0 */
/*
 * node scan over the CRI. For each running container, containerd's verbose ContainerStatus
 * says what the kubelet asked for (info.config.linux.security_context: privileged, seccomp
 * type and Localhost path), what the runtime spec carries (info.runtimeSpec.linux.seccomp,
 * process.noNewPrivileges), which OCI runtime built it (info.runtimeOptions) and the main
 * process (info.pid). The kernel's filters of that process are read (ksc_process_filters())
 * and compared by their decisions with the spec's profile as that runtime enforces it
 * (kube_oci_seccomp()), and, for Localhost, with the file as it is installed now.
 *
 * Containers of one workload share their spec and their filter: each profile is compiled,
 * and each (profile, filter) pair compared, once per scan.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>

#include "doc.h"
#include "fs.h"
#include "kube/godecode.h"
#include "ksc-cleanup.h"
#include "kube/kube.h"
#include "macro.h"
#include "node.h"
#include "pods.h"
#include "profile.h"
#include "scan.h"
#include "strbuf.h"

static const char *const verdict_names[] = {
	[SCAN_OK] = "ok",
	[SCAN_UNCONFINED] = "unconfined",
	[SCAN_PRIVILEGED] = "privileged",
	[SCAN_FILTER_DIFFERS] = "filter-differs",
	[SCAN_LOCALHOST_CHANGED] = "localhost-changed",
	[SCAN_LOCALHOST_MISSING] = "localhost-missing",
	[SCAN_UNKNOWN] = "unknown",
};

const char *
scan_verdict_name(enum scan_verdict v)
{
	return v < _SCAN_VERDICT_MAX ? verdict_names[v] : "?";
}

const char *
scan_seccomp_name(enum scan_seccomp s)
{
	return s == SCAN_SECCOMP_RUNTIME_DEFAULT ? "RuntimeDefault"
	       : s == SCAN_SECCOMP_UNCONFINED    ? "Unconfined"
	       : s == SCAN_SECCOMP_LOCALHOST     ? "Localhost"
	                                         : NULL;
}

int
scan_verdict_parse(const char *name, enum scan_verdict *ret)
{
	for (size_t i = 0; i < ELEMENTSOF(verdict_names); i++)
		if (streq(name, verdict_names[i])) {
			*ret = (enum scan_verdict)i;
			return 0;
		}
	return -EINVAL;
}

/* ---------------------------------------------------------------------------------------- */
/* What is compared once per scan                                                            */

struct compiled {
	char *json; /* the profile as the runtime enforces it */
	bool crun;
	int r; /* <0: it does not compile, why in message */
	char message[256];
	struct ksc_profile *profile;
	struct ksc_bpf *prog;
	enum ksc_arch arches[_KSC_ARCH_MAX];
	size_t n_arches;
};

struct compared {
	size_t compiled; /* index into cache.compiled */
	uint64_t live_hash;
	bool same;
	char *detail;
};

struct cache {
	enum ksc_arch native;
	struct compiled *compiled;
	size_t n_compiled;
	struct compared *compared;
	size_t n_compared;
};

static void
cache_done(struct cache *c)
{
	for (size_t i = 0; i < c->n_compiled; i++) {
		free(c->compiled[i].json);
		ksc_profile_free(c->compiled[i].profile);
		ksc_bpf_free(c->compiled[i].prog);
	}
	for (size_t i = 0; i < c->n_compared; i++)
		free(c->compared[i].detail);
	free(c->compiled);
	free(c->compared);
}

static uint64_t
live_hash(struct ksc_bpf *const *live, size_t n)
{
	uint64_t h = 0xcbf29ce484222325u ^ n;

	for (size_t i = 0; i < n; i++) {
		const unsigned char *p = (const unsigned char *)ksc_bpf_insns(live[i]);
		size_t len = ksc_bpf_count(live[i]) * sizeof(struct ksc_bpf_insn);

		for (size_t k = 0; k < len; k++)
			h = (h ^ p[k]) * 0x100000001b3u;
		h = (h ^ 0xff) * 0x100000001b3u;
	}
	return h;
}

/* The profile (JSON) compiled as the runtime builds it: its index in the cache, or -ENOMEM. */
static int
compile_cached(struct cache *c, const char *json, bool crun)
{
	struct ksc_compile_opts copts = { .native = c->native, .no_enosys_stub = crun };
	struct ksc_profile_parse_opts popts = { .native_arch = c->native };
	struct ksc_error *error = NULL;
	struct compiled *e, *grown;

	for (size_t i = 0; i < c->n_compiled; i++)
		if (c->compiled[i].crun == crun && streq(c->compiled[i].json, json))
			return (int)i;
	grown = realloc(c->compiled, (c->n_compiled + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	c->compiled = grown;
	e = &c->compiled[c->n_compiled];
	*e = (struct compiled){ .json = strdup(json), .crun = crun };
	if (!e->json)
		return -ENOMEM;
	c->n_compiled++;
	e->r = ksc_profile_parse("linux.seccomp", json, strlen(json), &popts, &e->profile, NULL,
	                         &error);
	if (e->r >= 0)
		e->r = ksc_profile_compile(e->profile, &copts, &e->prog, NULL, &error);
	if (e->r == -ENOMEM)
		return -ENOMEM;
	if (e->r < 0)
		snprintf(e->message, sizeof(e->message), "%s",
		         error ? ksc_error_message(error) : strerror(-e->r));
	else
		e->n_arches =
		        ksc_compile_arches(e->profile, &copts, e->arches, ELEMENTSOF(e->arches));
	ksc_error_free(error);
	return (int)(c->n_compiled - 1);
}

/* "N of M inputs differ: mkdir (x86_64) kernel ERRNO(1), WHAT ALLOW; ..." */
static char *
describe_differences(const struct ksc_difference *d, size_t shown, size_t n_diffs, size_t cases,
                     const char *what)
{
	struct strbuf sb = { 0 };
	char *text = NULL;
	size_t len;

	strbuf_printf(&sb, "%zu of %zu inputs differ", n_diffs, cases);
	for (size_t i = 0, listed = 0; i < shown && listed < 3; i++) {
		char ra[32], rb[32];
		enum ksc_arch a = KSC_ARCH_NONE;
		const char *name = NULL;
		bool seen = false;

		/* one line per call: the first input that shows it */
		for (size_t k = 0; k < i && !seen; k++)
			seen = d[k].data.arch == d[i].data.arch && d[k].data.nr == d[i].data.nr;
		if (seen)
			continue;
		listed++;
		if (ksc_arch_from_audit_token(d[i].data.arch, (uint32_t)d[i].data.nr, &a) == 0)
			name = ksc_syscall_name(a, (uint32_t)d[i].data.nr);
		ksc_ret_format(d[i].ret_a, ra, sizeof(ra));
		ksc_ret_format(d[i].ret_b, rb, sizeof(rb));
		if (name)
			strbuf_printf(&sb, "%s %s (%s): kernel %s, %s %s", listed > 1 ? ";" : ":",
			              name, ksc_arch_name(a), ra, what, rb);
		else
			strbuf_printf(&sb, "%s nr %u (arch 0x%08x): kernel %s, %s %s",
			              listed > 1 ? ";" : ":", (unsigned)(uint32_t)d[i].data.nr,
			              d[i].data.arch, ra, what, rb);
	}
	if (strbuf_finish(&sb, &text, &len) < 0)
		return NULL;
	return text;
}

/* Whether the kernel's filters decide as json (as the runtime enforces it). 0 with *ret_same
 * and, when not, *ret_detail (borrowed from the cache); -ENOMEM. */
static int
compare_cached(struct cache *c, struct ksc_bpf *const *live, size_t n_live, const char *json,
               bool crun, const char *what, bool *ret_same, const char **ret_detail)
{
	struct ksc_difference diffs[64];
	size_t cases = 0, n_diffs = 0;
	struct compared *grown, *e;
	uint64_t h = live_hash(live, n_live);
	int k = compile_cached(c, json, crun), r;

	if (k < 0)
		return k;
	for (size_t i = 0; i < c->n_compared; i++)
		if (c->compared[i].compiled == (size_t)k && c->compared[i].live_hash == h) {
			*ret_same = c->compared[i].same;
			*ret_detail = c->compared[i].detail;
			return 0;
		}
	grown = realloc(c->compared, (c->n_compared + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	c->compared = grown;
	e = &c->compared[c->n_compared++];
	*e = (struct compared){ .compiled = (size_t)k, .live_hash = h };
	if (c->compiled[k].r < 0) {
		if (asprintf(&e->detail, "kseccomp cannot build the %s's filter: %s", what,
		             c->compiled[k].message) < 0)
			return -ENOMEM;
	} else {
		r = ksc_bpf_compare(live, n_live, &c->compiled[k].prog, 1, c->compiled[k].profile,
		                    c->compiled[k].arches, c->compiled[k].n_arches, &cases, diffs,
		                    ELEMENTSOF(diffs), &n_diffs);
		if (r < 0)
			return r;
		e->same = n_diffs == 0;
		if (!e->same &&
		    !(e->detail = describe_differences(diffs, MIN(n_diffs, ELEMENTSOF(diffs)),
		                                       n_diffs, cases, what)))
			return -ENOMEM;
	}
	*ret_same = e->same;
	*ret_detail = e->detail;
	return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* One container                                                                              */

static const struct ksc_node *
path_get(const struct ksc_node *n, const char *const *keys)
{
	for (; n && *keys; keys++)
		n = n->kind == KSC_NODE_MAP ? ksc_node_get(n, *keys) : NULL;
	return n;
}

#define GET(n, ...) path_get((n), (const char *const[]){ __VA_ARGS__, NULL })

static bool
node_true(const struct ksc_node *n)
{
	return n && n->kind == KSC_NODE_SCALAR && n->type == KSC_SCALAR_BOOL &&
	       streq(n->text, "true");
}

/* A subtree written back as JSON. */
static void
put_json(struct strbuf *sb, const struct ksc_node *n)
{
	if (n->kind == KSC_NODE_MAP || n->kind == KSC_NODE_SEQ) {
		strbuf_putc(sb, n->kind == KSC_NODE_MAP ? '{' : '[');
		for (size_t i = 0; i < n->count; i++) {
			if (i)
				strbuf_putc(sb, ',');
			if (n->kind == KSC_NODE_MAP) {
				strbuf_put_json_string(sb, n->keys[i]->text, n->keys[i]->len);
				strbuf_putc(sb, ':');
			}
			put_json(sb, n->items[i]);
		}
		strbuf_putc(sb, n->kind == KSC_NODE_MAP ? '}' : ']');
	} else if (n->type == KSC_SCALAR_STRING)
		strbuf_put_json_string(sb, n->text, n->len);
	else
		strbuf_append(sb, n->text, n->len);
}

/* What node scan reads of /proc/PID/status. */
struct proc_status {
	char comm[32]; /* Name, control characters as '?' */
	long ppid;     /* -1 unknown */
	int mode;      /* Seccomp: -1 unknown */
	int filters;   /* Seccomp_filters: -1 unknown */
	bool no_new_privs;
	bool ns_init; /* pid 1 of its own pid namespace (NSpid ends in 1) */
};

static int
proc_status(int pid, struct proc_status *st)
{
	char path[64], line[256];
	FILE *f;

	*st = (struct proc_status){ .ppid = -1, .mode = -1, .filters = -1 };
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (startswith(line, "Name:")) {
			const char *v = line + strlen("Name:");
			size_t k = 0;

			v += strspn(v, " \t");
			for (; *v && *v != '\n' && k + 1 < sizeof(st->comm); v++)
				st->comm[k++] = (unsigned char)*v < 0x20 || *v == 0x7f ? '?' : *v;
			st->comm[k] = '\0';
		} else if (startswith(line, "PPid:"))
			st->ppid = atol(line + strlen("PPid:"));
		else if (startswith(line, "Seccomp:"))
			st->mode = atoi(line + strlen("Seccomp:"));
		else if (startswith(line, "Seccomp_filters:"))
			st->filters = atoi(line + strlen("Seccomp_filters:"));
		else if (startswith(line, "NoNewPrivs:"))
			st->no_new_privs = atoi(line + strlen("NoNewPrivs:")) != 0;
		else if (startswith(line, "NSpid:")) {
			const char *last = strrchr(line, '\t');

			st->ns_init = last && atoi(last + 1) == 1;
		}
	}
	fclose(f);
	return 0;
}

static int
set_detail(struct scan_row *row, enum scan_verdict v, const char *fmt, ...) _printf_(3, 4);

static int
set_detail(struct scan_row *row, enum scan_verdict v, const char *fmt, ...)
{
	va_list ap;
	int r;

	row->verdict = v;
	free(row->detail);
	va_start(ap, fmt);
	r = vasprintf(&row->detail, fmt, ap);
	va_end(ap);
	if (r < 0) {
		row->detail = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* The Localhost file as the runtime would take it now, compared with the running filter. */
static int
judge_localhost(struct cache *cache, struct scan_row *row, struct ksc_bpf *const *live,
                size_t n_live, const struct kube_oci *oci)
{
	_cleanup_(freep) char *buf = NULL, *json = NULL, *message = NULL;
	struct ksc_error *error = NULL;
	struct kube_oci_result res;
	const char *detail = NULL;
	size_t len = 0;
	bool same = true;
	int r;

	r = ksc_doc_read_file(row->localhost, KSC_PROFILE_MAX_BYTES, &buf, &len, &error);
	if (r == -ENOENT) {
		ksc_error_free(error);
		return set_detail(row, SCAN_LOCALHOST_MISSING,
		                  "%s is gone: a restart of the "
		                  "container fails (CreateContainerError)",
		                  row->localhost);
	}
	if (r < 0) {
		r = set_detail(row, SCAN_LOCALHOST_CHANGED, "%s",
		               error ? ksc_error_message(error) : strerror(-r));
		ksc_error_free(error);
		return r;
	}
	r = go_seccomp_decode(buf, len, &json, &message);
	if (r == -EINVAL)
		return set_detail(row, SCAN_LOCALHOST_CHANGED,
		                  "%s no longer loads (containerd: %s): a restart fails",
		                  row->localhost, message);
	if (r < 0)
		return r;
	r = kube_oci_seccomp(oci, json, row->no_new_privs, &res);
	if (r < 0)
		return r == -ENOMEM ? r : -EIO;
	if (res.error)
		r = set_detail(row, SCAN_LOCALHOST_CHANGED, "%s: a restart fails: %s",
		               row->localhost, res.error);
	else if (res.no_seccomp)
		r = set_detail(row, SCAN_LOCALHOST_CHANGED,
		               "%s: a restart runs the container with no filter", row->localhost);
	else {
		r = compare_cached(cache, live, n_live, res.enforced, oci->name == KUBE_OCI_CRUN,
		                   "file", &same, &detail);
		if (r >= 0 && !same)
			r = set_detail(row, SCAN_LOCALHOST_CHANGED, "%s: %s", row->localhost,
			               detail);
	}
	kube_oci_result_done(&res);
	return r;
}

static int
judge(struct cache *cache, struct scan_row *row, const char *spec_json)
{
	struct kube_oci oci = row->runtime[0] == 'c' ? KUBE_OCI_CRUN_NEWEST : KUBE_OCI_RUNC_NEWEST;
	struct ksc_bpf **live = NULL;
	struct ksc_error *error = NULL;
	struct kube_oci_result res = { 0 };
	const char *detail = NULL;
	size_t n_live = 0;
	bool same = true;
	struct proc_status st;
	int r;

	r = proc_status(row->pid, &st);
	if (r < 0)
		return set_detail(row, SCAN_UNKNOWN, "/proc/%d: %s", row->pid, strerror(-r));
	row->mode = st.mode;
	row->filters = st.filters;
	if (row->privileged)
		return set_detail(row, SCAN_PRIVILEGED,
		                  "privileged: the runtime applies no "
		                  "seccomp filter");
	if (!spec_json)
		return set_detail(row, SCAN_UNCONFINED, "%s",
		                  row->filters > 0 ? "the spec carries no seccomp; the process "
		                                     "installed filters of its own"
		                                   : "the spec carries no seccomp");
	r = ksc_process_filters(row->pid, &live, &n_live, &error);
	if (r < 0) {
		r = set_detail(row, SCAN_UNKNOWN, "reading the filters of process %d: %s", row->pid,
		               error ? ksc_error_message(error) : strerror(-r));
		ksc_error_free(error);
		return r;
	}
	/* the spec as the runtime takes it; kseccomp's own reader would refuse a few of the
	 * shapes containerd writes (a rule without names) */
	r = kube_oci_seccomp(&oci, spec_json, row->no_new_privs, &res);
	if (r < 0)
		r = r == -ENOMEM ? r
		                 : set_detail(row, SCAN_UNKNOWN, "the spec's seccomp: not JSON");
	else if (res.no_seccomp)
		r = n_live ? set_detail(row, SCAN_FILTER_DIFFERS,
		                        "the runtime sets no filter for this spec, the kernel "
		                        "holds %zu",
		                        n_live)
		           : set_detail(row, SCAN_UNCONFINED, "the spec's seccomp sets no filter");
	else if (res.error)
		r = set_detail(row, SCAN_UNKNOWN, "the runtime would refuse the spec: %s",
		               res.error);
	else if (n_live == 0)
		r = set_detail(row, SCAN_FILTER_DIFFERS,
		               "the spec has a profile, the kernel holds "
		               "no filter");
	else {
		r = compare_cached(cache, live, n_live, res.enforced, oci.name == KUBE_OCI_CRUN,
		                   "spec", &same, &detail);
		if (r >= 0 && !same)
			r = set_detail(row, SCAN_FILTER_DIFFERS, "%s", detail);
		else if (r >= 0 && row->seccomp == SCAN_SECCOMP_LOCALHOST && row->localhost)
			r = judge_localhost(cache, row, live, n_live, &oci);
	}
	kube_oci_result_done(&res);
	for (size_t i = 0; i < n_live; i++)
		ksc_bpf_free(live[i]);
	free(live);
	return r;
}

static char *
strdup_or_dash(const char *s)
{
	return strdup(s && *s ? s : "-");
}

int
node_scan_row_from_status(const struct cri_container *st, struct scan_row *row, char **ret_spec)
{
	_cleanup_(ksc_doc_freep) struct ksc_doc *doc = NULL;
	const struct ksc_node *info, *sc, *seccomp, *v;
	uint64_t pid = 0;
	const char *why;
	int r;

	*ret_spec = NULL;
	row->id = strdup(st->id);
	row->namespace = strdup_or_dash(cri_labels_get(&st->labels, "io.kubernetes.pod.namespace"));
	row->pod = strdup_or_dash(cri_labels_get(&st->labels, "io.kubernetes.pod.name"));
	row->container = strdup_or_dash(st->name);
	row->image = strdup_or_dash(st->image);
	if (!row->id || !row->namespace || !row->pod || !row->container || !row->image)
		return -ENOMEM;
	row->seccomp = SCAN_SECCOMP_NOT_SAID;
	row->mode = row->filters = -1;
	snprintf(row->runtime, sizeof(row->runtime), "runc");
	if (!st->info || !st->info_is_json)
		return set_detail(row, SCAN_UNKNOWN, "the runtime gives no verbose status");
	r = ksc_doc_parse("info", st->info, strlen(st->info), KSC_DOC_JSON, &doc, NULL);
	if (r < 0)
		return r == -ENOMEM ? r : set_detail(row, SCAN_UNKNOWN, "its status is not JSON");
	info = ksc_doc_root(doc, 0);
	v = GET(info, "pid");
	if (!v || ksc_node_to_u64(v, &pid, &why) < 0 || pid == 0 || pid > INT32_MAX)
		return set_detail(row, SCAN_UNKNOWN, "the runtime names no process");
	row->pid = (int)pid;
	sc = GET(info, "config", "linux", "security_context");
	/* containerd says what the kubelet asked; CRI-O's status carries "privileged" on top */
	row->privileged = node_true(GET(sc, "privileged")) || node_true(GET(info, "privileged"));
	seccomp = GET(sc, "seccomp");
	if (seccomp && seccomp->kind == KSC_NODE_MAP) {
		uint64_t type = 0; /* absent: the protobuf default, RUNTIME_DEFAULT */

		v = GET(seccomp, "profile_type");
		if (v && ksc_node_to_u64(v, &type, &why) < 0)
			type = SCAN_SECCOMP_NOT_SAID;
		row->seccomp = type <= SCAN_SECCOMP_LOCALHOST ? (enum scan_seccomp)type
		                                              : SCAN_SECCOMP_NOT_SAID;
		v = GET(seccomp, "localhost_ref");
		if (row->seccomp == SCAN_SECCOMP_LOCALHOST && v && ksc_node_is_string(v) &&
		    !(row->localhost = strdup(v->text)))
			return -ENOMEM;
	}
	row->no_new_privs = node_true(GET(info, "runtimeSpec", "process", "noNewPrivileges"));
	v = GET(info, "runtimeOptions", "binary_name");
	if (v && ksc_node_is_string(v) && strstr(v->text, "crun"))
		snprintf(row->runtime, sizeof(row->runtime), "crun");
	v = GET(info, "runtimeSpec", "linux", "seccomp");
	row->spec_seccomp = v && !ksc_node_is_null(v);
	if (row->spec_seccomp) {
		struct strbuf sb = { 0 };
		size_t len;

		put_json(&sb, v);
		if (strbuf_finish(&sb, ret_spec, &len) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int
row_cmp(const void *a, const void *b)
{
	const struct scan_row *x = a, *y = b;
	int c = strcmp(x->namespace, y->namespace);

	if (!c)
		c = strcmp(x->pod, y->pod);
	if (!c)
		c = strcmp(x->container, y->container);
	return c ? c : strcmp(x->id, y->id);
}

int
node_scan_cri(struct cri *c, const struct scan_opts *o, struct scan_row **ret, size_t *ret_n,
              struct ksc_error **reterr)
{
	struct cache cache = { .native = o && o->native ? o->native : ksc_arch_native() };
	struct cri_container *list = NULL;
	struct scan_row *rows = NULL;
	size_t n_list = 0, n = 0;
	int r;

	r = cri_list_containers(c, NULL, &list, &n_list, reterr);
	if (r < 0)
		return r;
	rows = calloc(n_list ? n_list : 1, sizeof(*rows));
	if (!rows) {
		cri_containers_free(list, n_list);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n_list && r >= 0; i++) {
		struct cri_container st = { 0 };
		_cleanup_(freep) char *spec = NULL;
		struct ksc_error *error = NULL;

		if (list[i].state != CRI_CONTAINER_RUNNING)
			continue;
		r = cri_container_status(c, list[i].id, true, &st, &error);
		if (r == -ENOENT || (r < 0 && r != -ENOMEM)) {
			/* gone between the list and its status, or refused: not an error of
			 * the scan */
			ksc_error_free(error);
			cri_container_done(&st);
			r = 0;
			continue;
		}
		if (r >= 0)
			r = node_scan_row_from_status(&st, &rows[n], &spec);
		n++;
		if (r >= 0 && rows[n - 1].verdict == SCAN_OK)
			r = judge(&cache, &rows[n - 1], spec);
		cri_container_done(&st);
	}
	cri_containers_free(list, n_list);
	cache_done(&cache);
	if (r < 0) {
		scan_rows_free(rows, n);
		return r == -ENOMEM ? r : ksc_error_setf(reterr, r, "scan: %s", strerror(-r));
	}
	qsort(rows, n, sizeof(*rows), row_cmp);
	*ret = rows;
	*ret_n = n;
	return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* The local node                                                                             */

/* The container's main process: of those in its cgroup, the one whose parent is not. */
static int
main_of(const int64_t *pids, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct proc_status st;
		bool inside = false;

		if (proc_status((int)pids[i], &st) < 0)
			continue;
		for (size_t k = 0; k < n; k++)
			inside = inside || pids[k] == st.ppid;
		if (!inside)
			return (int)pids[i];
	}
	return n ? (int)pids[0] : 0;
}

static int
local_container(struct cache *cache, const struct node_opts *no, const struct pod_row *row,
                const struct kube_pod *pod, const struct pod_container_status *cs,
                struct scan_row *out)
{
	const struct kube_container *c = NULL;
	_cleanup_(freep) int64_t *pids = NULL;
	_cleanup_(freep) char *spec = NULL;
	char dir[PATH_MAX], path[PATH_MAX];
	size_t n_pids = 0, len = 0;

	for (size_t i = 0; pod && i < pod->n_containers; i++)
		if (streq(pod->containers[i].name, cs->name))
			c = &pod->containers[i];
	out->namespace = strdup(pod && *pod->namespace ? pod->namespace : "default");
	out->pod = strdup(row->name);
	out->container = strdup(cs->name);
	out->image = strdup(c && c->image ? c->image : "-");
	if (asprintf(&out->id, "%s_%s", row->name, cs->name) < 0)
		out->id = NULL;
	if (!out->namespace || !out->pod || !out->container || !out->image || !out->id)
		return -ENOMEM;
	out->mode = out->filters = -1;
	out->privileged = c && c->privileged;
	out->no_new_privs =
	        c && c->allow_privilege_escalation_set && !c->allow_privilege_escalation;
	snprintf(out->runtime, sizeof(out->runtime), "%s",
	         row->info.executor == EXECUTOR_CRUN ? "crun" : "runc");
	if (startswith(cs->profile, "Localhost ")) {
		out->seccomp = SCAN_SECCOMP_LOCALHOST;
		if (!(out->localhost = strdup(cs->profile + strlen("Localhost "))))
			return -ENOMEM;
	} else
		out->seccomp = startswith(cs->profile, "RuntimeDefault")
		                       ? SCAN_SECCOMP_RUNTIME_DEFAULT
		               : startswith(cs->profile, "Unconfined") ? SCAN_SECCOMP_UNCONFINED
		                                                       : SCAN_SECCOMP_NOT_SAID;
	if (pod_cgroup_pids(no->state, row->name, cs->name, &pids, &n_pids) < 0 || !n_pids)
		return set_detail(out, SCAN_UNKNOWN, "no process in the container's cgroup");
	out->pid = main_of(pids, n_pids);
	(void)pod_dir(no, row->name, dir, sizeof(dir));
	pathf(path, sizeof(path), "%s/seccomp.%s.json", dir, cs->name);
	if (ksc_doc_read_file(path, KSC_PROFILE_MAX_BYTES, &spec, &len, NULL) < 0)
		return set_detail(out, SCAN_UNKNOWN,
		                  "its monitor recorded no seccomp (started "
		                  "before kseccomp recorded it?)");
	if (startswith(spec, "null")) {
		free(spec);
		spec = NULL;
	}
	out->spec_seccomp = spec != NULL;
	return judge(cache, out, spec);
}

int
node_scan_local(const struct node_opts *no, const struct scan_opts *o, struct scan_row **ret,
                size_t *ret_n, struct ksc_error **reterr)
{
	struct cache cache = { .native = o && o->native ? o->native : ksc_arch_native() };
	struct scan_row *rows = NULL, *grown;
	char **names = NULL;
	size_t n_names = 0, n = 0;
	int r;

	r = pod_list(no, &names, &n_names);
	if (r == -ENOENT)
		n_names = 0, r = 0;
	if (r < 0)
		return ksc_error_setf(reterr, r, "%s/pods: %s", no->state, strerror(-r));
	for (size_t i = 0; i < n_names && r >= 0; i++) {
		_cleanup_(kube_manifest_freep) struct kube_manifest *m = NULL;
		const struct kube_pod *pod = NULL;
		struct pod_row row;

		if (pod_row_load(no, names[i], &row) < 0 ||
		    row.info.executor == EXECUTOR_CONTAINERD)
			continue;
		pod_spec_load(no, &row, &m, &pod);
		for (size_t k = 0; k < row.st.n && r >= 0; k++) {
			if (!streq(row.st.c[k].state, "running"))
				continue;
			grown = realloc(rows, (n + 1) * sizeof(*rows));
			if (!grown) {
				r = -ENOMEM;
				break;
			}
			rows = grown;
			rows[n] = (struct scan_row){ 0 };
			r = local_container(&cache, no, &row, pod, &row.st.c[k], &rows[n++]);
		}
	}
	node_names_free(names, n_names);
	cache_done(&cache);
	if (r < 0) {
		scan_rows_free(rows, n);
		return r == -ENOMEM ? r : ksc_error_setf(reterr, r, "scan: %s", strerror(-r));
	}
	if (n)
		qsort(rows, n, sizeof(*rows), row_cmp);
	*ret = rows;
	*ret_n = n;
	return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* The processes of a container                                                              */

const char *
scan_proc_verdict_name(enum scan_proc_verdict v)
{
	static const char *const names[] = { "main", "same", "extra", "escaped" };

	return v < ELEMENTSOF(names) ? names[v] : "?";
}

/* /proc/PID/cgroup as one string (all hierarchies), "" when unreadable. */
static void
read_cgroups(int pid, char *buf, size_t size)
{
	char path[64];
	size_t n = 0;
	FILE *f;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/cgroup", pid);
	f = fopen(path, "re");
	if (!f)
		return;
	n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
}

static void
read_link(int pid, const char *what, char *buf, size_t size)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, what);
	n = readlink(path, buf, size - 1);
	buf[n > 0 ? (size_t)n : 0] = '\0';
}

static int
proc_cmp(const void *a, const void *b)
{
	const struct scan_proc *x = a, *y = b;

	if (x->verdict == SCAN_PROC_MAIN || y->verdict == SCAN_PROC_MAIN)
		return x->verdict == SCAN_PROC_MAIN ? -1 : 1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

int
scan_processes(int main_pid, const int *others, size_t n_others, struct scan_proc **ret,
               size_t *ret_n)
{
	char main_cg[4096], cg[4096], main_ns[64], own_ns[64], ns[64];
	_cleanup_(closedirp) DIR *d = NULL;
	_cleanup_(freep) char *other_cgs = NULL; /* n_others of 4096 bytes */
	struct scan_proc *v = NULL, *grown;
	struct dirent *de;
	size_t n = 0;
	bool own_pidns;
	int main_filters;

	read_cgroups(main_pid, main_cg, sizeof(main_cg));
	read_link(main_pid, "ns/pid", main_ns, sizeof(main_ns));
	read_link(getpid(), "ns/pid", own_ns, sizeof(own_ns));
	if (!*main_cg)
		return -ESRCH;
	own_pidns = *main_ns && !streq(main_ns, own_ns);
	other_cgs = malloc(n_others ? n_others * sizeof(cg) : 1);
	if (!other_cgs)
		return -ENOMEM;
	for (size_t i = 0; i < n_others; i++)
		read_cgroups(others[i], other_cgs + i * sizeof(cg), sizeof(cg));
	d = opendir("/proc");
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		struct proc_status st;
		bool member, have_st = false;

		if (*end || pid <= 0 || pid > INT32_MAX)
			continue;
		read_cgroups((int)pid, cg, sizeof(cg));
		member = pid == main_pid || (*cg && streq(cg, main_cg));
		if (!member && own_pidns) {
			read_link((int)pid, "ns/pid", ns, sizeof(ns));
			have_st = streq(ns, main_ns) && proc_status((int)pid, &st) == 0;
			member = have_st && !st.ns_init;
			for (size_t i = 0; member && i < n_others; i++) {
				const char *other = other_cgs + i * sizeof(cg);

				member = !*other || !streq(other, cg);
			}
		}
		if (!member)
			continue;
		grown = realloc(v, (n + 1) * sizeof(*v));
		if (!grown) {
			free(v);
			return -ENOMEM;
		}
		v = grown;
		if (!have_st)
			(void)proc_status((int)pid,
			                  &st); /* gone meanwhile: what is unknown says so */
		v[n] = (struct scan_proc){ .pid = (int)pid,
			                   .filters = st.filters,
			                   .no_new_privs = st.no_new_privs,
			                   .verdict = pid == main_pid ? SCAN_PROC_MAIN
			                                              : SCAN_PROC_SAME };
		snprintf(v[n].comm, sizeof(v[n].comm), "%s", st.comm);
		n++;
	}
	main_filters = -1;
	for (size_t i = 0; i < n; i++)
		if (v[i].verdict == SCAN_PROC_MAIN)
			main_filters = v[i].filters;
	for (size_t i = 0; i < n; i++)
		if (v[i].verdict != SCAN_PROC_MAIN && main_filters >= 0 && v[i].filters >= 0)
			v[i].verdict = v[i].filters < main_filters   ? SCAN_PROC_ESCAPED
			               : v[i].filters > main_filters ? SCAN_PROC_EXTRA
			                                             : SCAN_PROC_SAME;
	qsort(v, n, sizeof(*v), proc_cmp);
	*ret = v;
	*ret_n = n;
	return 0;
}

void
scan_rows_free(struct scan_row *rows, size_t n)
{
	for (size_t i = 0; rows && i < n; i++) {
		free(rows[i].id);
		free(rows[i].namespace);
		free(rows[i].pod);
		free(rows[i].container);
		free(rows[i].image);
		free(rows[i].localhost);
		free(rows[i].detail);
	}
	free(rows);
}
