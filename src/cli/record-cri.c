/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kseccomp record --container ID | --pod [NAMESPACE/]NAME [-c NAME | --all-containers]
 *
 * The containers of any CRI runtime (containerd, CRI-O), found through the CRI client, or of
 * a pod of the local node, whatever its executor, found in the node's state: each
 * one's first process, from the runtime's verbose status, and that process's cgroup v2 on
 * this machine, which the eBPF recorder follows (the cgroups below it too), so that what
 * the container runs later, exec'd processes included, is recorded; each container into a
 * profile of its own, until it exits or SIGINT.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <poll.h>
#include <string.h>
#include <time.h>

#include "pods.h"
#include "record-cri.h"

bool
record_report_losses(const struct recording *rec)
{
	if (rec->lost_args)
		cli_warning("%" PRIu64 " argument value%s could not be noted (the recorder's "
		            "table is full): socket, personality and clone stay unconditional",
		            rec->lost_args, rec->lost_args == 1 ? "" : "s");
	if (rec->beyond_table)
		cli_warning("%" PRIu64 " call%s with a number beyond every syscall table "
		            "(answered ENOSYS) left out",
		            rec->beyond_table, rec->beyond_table == 1 ? "" : "s");
	if (rec->lost_sessions)
		cli_warning("%" PRIu64 " process%s could not be told apart as exec'd or the "
		            "container's own (the recorder's table is full): recorded as its own",
		            rec->lost_sessions, rec->lost_sessions == 1 ? "" : "es");
	if (rec->lost_children)
		cli_error("%" PRIu64 " child process%s of the followed ones could not be followed "
		          "(the recorder's table is full): their syscalls are missing",
		          rec->lost_children, rec->lost_children == 1 ? "" : "es");
	return rec->lost_children > 0;
}

/* Where a container's profile goes: the one file, standard output, or DIR/NAME.json. */
static int
profile_path(const struct record_cri_opts *o, const struct record_container *c, char *buf,
             size_t size)
{
	if (!o->output_dir) {
		snprintf(buf, size, "%s", o->output_file ? o->output_file : "-");
		return 0;
	}
	/* a container name is a DNS label: nothing that leaves the directory */
	if (!*c->name || strchr(c->name, '/') || c->name[0] == '.') {
		cli_error("container %s: its name '%s' cannot name a file", cli_escape(c->id),
		          cli_escape(c->name));
		return -EINVAL;
	}
	if ((size_t)snprintf(buf, size, "%s/%s.json", o->output_dir, c->name) >= size)
		return -ENAMETOOLONG;
	return 0;
}

int
record_write_container(const struct record_cri_opts *o, const struct record_container *c,
                       struct recording *rec, size_t replicas)
{
	_cleanup_(ksc_profile_freep) struct ksc_profile *profile = NULL;
	_cleanup_(ksc_diags_freep) struct ksc_diags *diags = ksc_diags_new();
	_cleanup_(freep) char *text = NULL;
	struct ksc_error *error = NULL;
	char path[PATH_MAX];
	size_t n_names = 0, len = 0;
	int r;

	r = diags ? recording_profile(rec, o->want_args, &profile, &n_names, diags, &error)
	          : -ENOMEM;
	cli_print_warnings(diags);
	if (r < 0)
		return cli_fail(r, error, c->id);
	if (profile_path(o, c, path, sizeof(path)) < 0)
		return 1;
	r = ksc_profile_write_json(profile, &text, &len);
	if (r == 0)
		r = cli_write_document(path, o->format, text, len);
	if (r < 0)
		return 1;
	if (!o->quiet) {
		fprintf(stderr, "kseccomp: recorded %zu syscalls of container %s", n_names,
		        cli_escape(c->name));
		if (replicas > 1)
			fprintf(stderr, " (%zu pods of %s matching %s", replicas,
			        cli_escape(o->query.pod_namespace), cli_escape(o->query.selector));
		else
			fprintf(stderr, " (%.13s", cli_escape(c->id));
		if (replicas == 1 && *c->pod)
			fprintf(stderr, ", pod %s/%s", cli_escape(c->namespace),
			        cli_escape(c->pod));
		fprintf(stderr, ") with ebpf/%s%s%s\n", rec->method ? rec->method : "",
		        streq(path, "-") ? "" : ": wrote ",
		        streq(path, "-") ? "" : cli_escape(path));
	}
	return 0;
}

/* Whether the options name a pod of the local node (no namespace). */
static bool
local_pod(const struct record_cri_opts *o)
{
	return o->pod && !strchr(o->pod, '/');
}

/* The containers the options name, of the local node's pod or of the CRI runtime. 0, or
 * -errno (the runtime's with its message in *reterr). */
static int
lookup(const struct record_cri_opts *o, struct record_container **ret, size_t *ret_n,
       struct ksc_error **reterr)
{
	*ret = NULL;
	*ret_n = 0;
	if (local_pod(o))
		return pods_containers(o->pod, o->query.container_name, o->query.exited_since, ret,
		                       ret_n, reterr);
	return record_find_containers(&o->query, ret, ret_n, reterr);
}

/* The containers, once each has a cgroup (--wait): 1, or 0 until then, errors unsaid but
 * for a container that came and went unseen (-ESRCH): -1 after saying so. */
static int
find_quietly(const struct record_cri_opts *o, struct record_container **ret, size_t *ret_n)
{
	struct ksc_error *error = NULL;
	int r = lookup(o, ret, ret_n, &error);

	if (r == -ESRCH)
		(void)cli_fail(r, TAKE_PTR(error), "record");
	ksc_error_free(error);
	for (size_t i = 0; r == 0 && i < *ret_n; i++)
		if (!(*ret)[i].cgroup)
			r = -EAGAIN;
	if (r < 0 || !*ret_n) {
		record_containers_free(*ret, *ret_n);
		*ret = NULL;
		*ret_n = 0;
		return r == -ESRCH ? -1 : 0;
	}
	return 1;
}

/* What was found, against what the options allow. 0, or 1 after saying why. */
static int
check_found(const struct record_cri_opts *o, const struct record_container *cs, size_t n)
{
	/* one profile per container name: a selector's replicas share theirs */
	size_t names = 0;

	for (size_t i = 0; i < n; i++) {
		bool seen = false;

		for (size_t j = 0; j < i && !seen; j++)
			seen = streq(cs[j].name, cs[i].name);
		names += !seen;
	}
	if (names > 1 && !o->query.id && !o->all_containers) {
		if (o->query.selector)
			cli_error(
			        "the pods matching %s have %zu containers: name one with -c NAME, "
			        "or record them all with --all-containers --output-dir DIR",
			        cli_escape(o->query.selector), names);
		else
			cli_error(
			        "pod %s has %zu containers: name one with -c NAME, or record them "
			        "all with --all-containers --output-dir DIR",
			        cli_escape(o->pod), n);
		for (size_t i = 0; i < n; i++)
			fprintf(stderr, "  %s\n", cli_escape(cs[i].name));
		return 1;
	}
	if (names > 1 && !o->output_dir) {
		cli_error("%zu containers, one profile each: give --output-dir DIR", names);
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		if (!cs[i].cgroup) {
			cli_error(
			        "container %s: its process (%d) is in no cgroup v2 of its own here "
			        "(a runtime on cgroup v1 only): record it with --pid",
			        cli_escape(cs[i].id), cs[i].pid);
			return 1;
		}
	return 0;
}

/* The containers found, or 1 after saying why. */
static int
find(const struct record_cri_opts *o, struct record_container **ret, size_t *ret_n)
{
	struct ksc_error *error = NULL;
	int r = lookup(o, ret, ret_n, &error);

	if (r == -ENOENT && local_pod(o)) {
		cli_error("pod %s: no running container%s%s on the local node", cli_escape(o->pod),
		          o->query.container_name ? " named " : "",
		          o->query.container_name ? cli_escape(o->query.container_name) : "");
		return 1;
	}
	if (r < 0)
		return cli_fail(r, error, "record");
	return check_found(o, *ret, *ret_n);
}

/* A container's session options: the options', with its probes: --probe-command's, those
 * --probes-from's manifest names for a container of its name, and a local pod's own. 0, or 1
 * after saying why. */
static int
container_probes(const struct record_cri_opts *o, const struct record_container *c,
                 struct record_session_opts *ret)
{
	char manifest[PATH_MAX];
	size_t index, added = 0;

	*ret = o->sessions;
	ret->probes = NULL;
	ret->n_probes = 0;
	for (size_t i = 0; i < o->sessions.n_probes; i++)
		if (record_probe_add(ret, (const char *const *)o->sessions.probes[i]) < 0)
			return cli_fail(-ENOMEM, NULL, "record");
	if (o->sessions.probes_from &&
	    record_probes_from(ret, o->sessions.probes_from, SIZE_MAX, c->name, &added))
		return 1;
	if (o->sessions.probes_from && !added && !o->quiet)
		cli_warning("%s: no exec probe for a container named %s",
		            cli_escape(o->sessions.probes_from), cli_escape(c->name));
	/* a local pod's own: a manifest the node no longer has costs only the marking */
	if (local_pod(o) && pods_manifest(o->pod, manifest, sizeof(manifest), &index) == 0 &&
	    record_probes_from(ret, manifest, index, c->name, &added))
		cli_warning("pod %s: its probes cannot be told apart", cli_escape(o->pod));
	return 0;
}

/* Each container's session options, read once it is found (a local pod's manifest goes
 * with the pod): *ret[i] for cs[i]. 0, or 1 after saying why. */
static int
prepare_sessions(const struct record_cri_opts *o, const struct record_container *cs, size_t n,
                 struct record_session_opts **ret)
{
	*ret = calloc(n ? n : 1, sizeof(**ret));
	if (!*ret)
		return cli_fail(-ENOMEM, NULL, "record");
	for (size_t i = 0; i < n; i++)
		if (container_probes(o, &cs[i], &(*ret)[i]))
			return 1;
	return 0;
}

/* What --wait follows: the containers found so far, their cgroups' ids and session
 * options, growing as a selector's replicas start. */
struct waited {
	struct record_container *cs;
	uint64_t *ids;
	struct record_session_opts *sos;
	size_t n;
};

/* Add the containers found that are not followed yet (found's entries are taken, or left to
 * free): their cgroups' ids, sessions told apart from now on. 0, or 1 after saying why. */
static int
adopt(const struct record_cri_opts *o, struct record_pending *p, struct record_container *found,
      size_t n_found, struct waited *w)
{
	struct ksc_error *error = NULL;
	size_t cap = w->n + n_found;
	struct record_container *cs = reallocarray(w->cs, cap ? cap : 1, sizeof(*cs));
	uint64_t *ids = cs ? reallocarray(w->ids, cap ? cap : 1, sizeof(*ids)) : NULL;
	struct record_session_opts *sos =
	        ids ? reallocarray(w->sos, cap ? cap : 1, sizeof(*sos)) : NULL;

	if (cs)
		w->cs = cs;
	if (ids)
		w->ids = ids;
	if (!sos)
		return cli_fail(-ENOMEM, NULL, "record");
	w->sos = sos;
	for (size_t i = 0; i < n_found; i++) {
		struct record_container *c = &w->cs[w->n];
		bool known = false;

		for (size_t j = 0; j < w->n && !known; j++)
			known = streq(w->cs[j].id, found[i].id);
		if (known)
			continue;
		*c = found[i];
		found[i] = (struct record_container){ 0 };
		w->sos[w->n] = (struct record_session_opts){ 0 };
		w->n++;
		if (record_cgroup_id(c->cgroup, &w->ids[w->n - 1], &error) < 0)
			return cli_fail(-ENOENT, error, "record");
		if (check_found(o, w->cs, w->n) || container_probes(o, c, &w->sos[w->n - 1]))
			return 1;
		/* from here, what enters it is told apart from its own */
		if (record_ebpf_pending_classify(p, c->cgroup, w->ids[w->n - 1], c->pid) < 0)
			cli_warning("container %s: processes exec'd into it cannot be told apart "
			            "from its own",
			            cli_escape(c->id));
		if (!o->quiet && o->query.selector)
			fprintf(stderr, "kseccomp: found container %s of pod %s\n",
			        cli_escape(c->name), cli_escape(c->pod));
	}
	return 0;
}

/* --wait: every cgroup recorded apart until the containers appear, then until each has had
 * its run, or *stop (a selector's replicas that start meanwhile join); recs[i] for cs[i]. 0,
 * or 1 after saying why. */
static int
wait_and_record(const struct record_cri_opts *o, volatile sig_atomic_t *stop,
                struct record_container **ret_cs, size_t *ret_n, struct recording **ret_recs,
                struct record_session_opts **ret_sos)
{
	_cleanup_(ksc_diags_freep) struct ksc_diags *diags = ksc_diags_new();
	struct record_pending *p = NULL;
	struct ksc_error *error = NULL;
	struct record_container *found = NULL;
	struct waited w = { 0 };
	/* a container created from now on that exits before it is seen is said, not waited
	 * for forever (the first look only: a selector's replica after that is not missed) */
	struct record_cri_opts first = *o;
	struct timespec now;
	size_t n_found = 0, left = 1;
	int r;

	clock_gettime(CLOCK_REALTIME, &now);
	first.query.exited_since = now.tv_sec * INT64_C(1000000000) + now.tv_nsec;
	r = diags ? record_ebpf_pending_start(NULL, o->want_args, o->attach, &p, diags, &error)
	          : -ENOMEM;
	cli_print_diags(diags);
	if (r < 0)
		return cli_fail(r, error, "record");
	if (!o->quiet)
		fprintf(stderr, "kseccomp: recording every new cgroup; waiting for %s\n",
		        cli_escape(o->pod        ? o->pod
		                   : o->query.id ? o->query.id
		                                 : o->query.selector));
	while (!*stop && (r = find_quietly(&first, &found, &n_found)) == 0)
		(void)poll(NULL, 0, 100);
	if (r < 0)
		r = 1;
	else if (*stop) {
		cli_error("interrupted before the containers ran");
		r = 1;
	} else
		r = adopt(o, p, found, n_found, &w);
	record_containers_free(found, n_found);
	/* until every container has had its run: none left in its cgroup, or the cgroup gone */
	while (r == 0 && left && !*stop) {
		(void)poll(NULL, 0, 100);
		if (o->query.selector && find_quietly(o, &found, &n_found) > 0) {
			r = adopt(o, p, found, n_found, &w);
			record_containers_free(found, n_found);
		}
		left = 0;
		for (size_t i = 0; i < w.n; i++)
			left += record_cgroup_populated(w.cs[i].cgroup) > 0;
	}
	*ret_recs = r == 0 ? calloc(w.n ? w.n : 1, sizeof(**ret_recs)) : NULL;
	if (r == 0 && !*ret_recs)
		r = cli_fail(-ENOMEM, NULL, "record");
	for (size_t i = 0; r == 0 && i < w.n; i++)
		if (record_ebpf_pending_harvest(p, w.ids[i], &(*ret_recs)[i]) == -ENOSPC)
			cli_error("container %s: more cgroups were busy than the recorder tells "
			          "apart; its calls may be missing",
			          cli_escape(w.cs[i].id));
	record_ebpf_pending_free(p);
	free(w.ids);
	*ret_cs = w.cs;
	*ret_sos = w.sos;
	*ret_n = w.n;
	return r;
}

/* The query with its pod's NAMESPACE/NAME split and the default endpoint. 0 or a usage
 * error. */
static int
complete_query(const struct record_cri_opts *o, struct record_container_query *q, char *ns,
               size_t size)
{
	const char *slash = o->pod ? strchr(o->pod, '/') : NULL;

	*q = o->query;
	if (!q->endpoint)
		q->endpoint = getenv("CONTAINER_RUNTIME_ENDPOINT");
	if (q->endpoint && !*q->endpoint)
		q->endpoint = NULL;
	if (!o->pod || !slash) /* none, or the local node's */
		return 0;
	if (!slash || slash == o->pod || !slash[1] || strchr(slash + 1, '/') ||
	    (size_t)(slash - o->pod) >= size)
		return cli_usage_error("record", "--pod '%s': expected NAMESPACE/NAME",
		                       cli_escape(o->pod));
	snprintf(ns, size, "%.*s", (int)(slash - o->pod), o->pod);
	q->pod_namespace = ns;
	q->pod_name = slash + 1;
	return 0;
}

int
record_cri(const struct record_cri_opts *opts, volatile sig_atomic_t *stop)
{
	struct record_cri_opts resolved = *opts, *o = &resolved;
	char ns[256];
	_cleanup_(ksc_diags_freep) struct ksc_diags *diags = NULL;
	struct record_container *cs = NULL;
	struct recording *recs = NULL;
	const char **cgroups = NULL;
	pid_t *inits = NULL;
	struct record_session_opts *sos = NULL;
	struct ksc_error *error = NULL;
	size_t n = 0;
	int r, status = 0;

	r = complete_query(opts, &o->query, ns, sizeof(ns));
	if (r != 0)
		return r;
	if (o->wait) {
		r = wait_and_record(o, stop, &cs, &n, &recs, &sos);
		if (r != 0)
			goto out;
	} else {
		if (find(o, &cs, &n) || prepare_sessions(o, cs, n, &sos)) {
			r = 1;
			goto out;
		}
		recs = calloc(n, sizeof(*recs));
		cgroups = calloc(n, sizeof(*cgroups));
		inits = calloc(n, sizeof(*inits));
		diags = ksc_diags_new();
		if (!recs || !cgroups || !inits || !diags) {
			r = cli_fail(-ENOMEM, NULL, "record");
			goto out;
		}
		for (size_t i = 0; i < n; i++) {
			cgroups[i] = cs[i].cgroup;
			inits[i] = cs[i].pid;
		}
		r = record_ebpf_follow_cgroups(recs, cgroups, inits, n, o->want_args, o->attach,
		                               stop, diags, &error);
		cli_print_diags(diags);
		if (r < 0) {
			r = cli_fail(r, error, "record");
			goto out;
		}
	}
	for (size_t i = 0; i < n; i++) {
		char what[512];

		if (o->query.selector)
			snprintf(what, sizeof(what), "container %s of pod %s",
			         cli_escape(cs[i].name), cli_escape(cs[i].pod));
		else
			snprintf(what, sizeof(what), "container %s", cli_escape(cs[i].name));
		record_sessions_apply(&recs[i], what, &sos[i]);
		if (record_report_losses(&recs[i]))
			status = 1;
		if (!o->query.selector && record_write_container(o, &cs[i], &recs[i], 1))
			status = 1;
	}
	if (o->query.selector && record_write_replicas(o, cs, recs, n))
		status = 1;
	r = status;
out:
	for (size_t i = 0; recs && i < n; i++)
		recording_done(&recs[i]);
	free(recs);
	free(cgroups);
	free(inits);
	for (size_t i = 0; sos && i < n; i++)
		record_session_opts_done(&sos[i]);
	free(sos);
	record_containers_free(cs, n);
	return r;
}
