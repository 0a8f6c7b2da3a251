/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kseccomp record [OPTIONS] -- CMD | --pid PID | --pod [NS/]NAME | --container ID | --cgroup DIR
 *
 * Run a command (or follow running processes, a cgroup, containers) and write the
 * least-privilege profile that lets it run again. The recorders are the library's
 * (src/lib/record/record.h); this file parses the options, makes the cgroup of a launched
 * command on the local node, and prints; containers are record-cri.c's.
 */
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "cli.h"
#include "pods.h"
#include "record-args.h"
#include "record-cri.h"
#include "record/record.h"

static volatile sig_atomic_t record_stop;

static void
on_record_signal(int sig)
{
	(void)sig;
	record_stop = 1;
}

/* The eBPF backend on a launched command, in a cgroup v2 of the recording's own on the local
 * node's hierarchy. 0, or 1 after saying why. */
static int
record_ebpf_launch(struct recording *rec, const struct record_args *ra, int *ret_status,
                   struct ksc_diags *diags, struct ksc_error **reterr)
{
	char cgroup[PATH_MAX], name[64];
	int r;

	snprintf(name, sizeof(name), "record-%d", (int)getpid());
	r = pod_cgroup_create("/run/kseccomp-record", name, "workload", cgroup, sizeof(cgroup));
	if (r < 0)
		return ksc_error_setf(
		        reterr, r,
		        "no cgroup v2 hierarchy to put the command in (%s); --backend "
		        "ptrace works without",
		        strerror(-r));
	r = record_ebpf_run(rec, ra->want_args, ra->attach, ra->nnp, cgroup, ra->argv, ret_status,
	                    diags, reterr);
	(void)pod_cgroup_destroy("/run/kseccomp-record", name);
	return r;
}

/* Record with the chosen backend; what the recorders said goes to diags. 0 or -errno. */
static int
record_with_backend(struct recording *rec, const struct record_args *ra, int *ret_status,
                    struct ksc_diags *diags, struct ksc_error **reterr)
{
	struct sigaction sa = { .sa_handler = on_record_signal };

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (streq(ra->backend, "ebpf")) {
		if (ra->cgroup)
			return record_ebpf_follow_cgroups(rec, &ra->cgroup, NULL, 1, ra->want_args,
			                                  ra->attach, &record_stop, diags, reterr);
		if (ra->n_pids)
			return record_ebpf_attach(rec, ra->want_args, ra->attach, ra->pids,
			                          ra->n_pids, &record_stop, diags, reterr);
		return record_ebpf_launch(rec, ra, ret_status, diags, reterr);
	}
	if (ra->n_pids)
		return record_ptrace_attach(rec, ra->want_args, ra->pids, ra->n_pids, &record_stop,
		                            diags);
	return record_ptrace_run(rec, ra->want_args, ra->nnp, ra->argv, ret_status, diags);
}

/* --append: the profile merged into OUTPUT's, when there is one. 0, or 1 after saying why. */
static int
append_to_output(const char *output, struct ksc_profile **profile)
{
	_cleanup_(ksc_profile_freep) struct ksc_profile *old = NULL;
	struct ksc_profile *merged = NULL;
	_cleanup_(ksc_error_freep) struct ksc_error *error = NULL;
	int r;

	r = ksc_profile_load(output, NULL, &old, NULL, &error);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return cli_fail(r, TAKE_PTR(error), output);
	r = ksc_profile_merge((const struct ksc_profile *[]){ old, *profile }, 2, &merged, NULL,
	                      &error);
	if (r < 0)
		return cli_fail(r, TAKE_PTR(error), output);
	ksc_profile_free(*profile);
	*profile = merged;
	return 0;
}

/* Write the profile and say what was recorded. 0, or 1. */
static int
write_profile(const struct record_args *ra, const char *method, struct ksc_profile **profile,
              size_t n_names)
{
	_cleanup_(freep) char *text = NULL;
	size_t len = 0;
	int r;

	if (ra->append && append_to_output(ra->output, profile))
		return 1;
	r = ksc_profile_write_json(*profile, &text, &len);
	if (r == 0)
		r = cli_write_document(ra->output, ra->format, text, len);
	if (r < 0)
		return 1;
	if (!ra->quiet) {
		size_t allowed = record_runtime_default_allowed();

		/* the comparison users ask for: how much smaller than RuntimeDefault */
		fprintf(stderr, "kseccomp: recorded %zu syscalls with %s", n_names, ra->backend);
		if (method)
			fprintf(stderr, "/%s", method);
		if (allowed)
			fprintf(stderr, " (RuntimeDefault allows %zu)", allowed);
		fprintf(stderr, "%s%s\n", streq(ra->output, "-") ? "" : ": wrote ",
		        streq(ra->output, "-") ? "" : cli_escape(ra->output));
	}
	return 0;
}

/* --container ID, --pod NAMESPACE/NAME: through the CRI runtime. The exit status. */
static int
record_containers(const struct record_args *ra)
{
	struct record_cri_opts o = {
		.query = { .endpoint = ra->endpoint,
		           .id = ra->container,
		           .container_name = ra->container_name,
		           .selector = ra->selector,
		           .pod_namespace = ra->selector
		                                    ? (ra->namespace ? ra->namespace : "default")
		                                    : NULL },
		.pod = ra->pod,
		.all_containers = ra->all_containers,
		.output_file = streq(ra->output, "-") ? NULL : ra->output,
		.output_dir = ra->output_dir,
		.format = ra->format,
		.want_args = ra->want_args,
		.quiet = ra->quiet,
		.attach = ra->attach,
		.wait = ra->wait,
		.sessions = ra->sessions,
	};
	struct sigaction sa = { .sa_handler = on_record_signal };

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	return record_cri(&o, &record_stop);
}

/* The verb, with ra's allocations left to the caller. */
static int
record_main(int argc, char **argv, struct record_args *ra)
{
	struct recording rec = { 0 };
	_cleanup_(ksc_profile_freep) struct ksc_profile *profile = NULL;
	_cleanup_(ksc_diags_freep) struct ksc_diags *diags = NULL;
	struct ksc_error *error = NULL;
	const char *method;
	size_t n_names = 0;
	int r, status = 0, exit_code = 0;

	r = record_parse_args(argc, argv, ra);
	if (r != 0)
		return r < 0 ? 0 : r;
	if (!ra->backend)
		ra->backend = geteuid() == 0 && record_ebpf_available() ? "ebpf" : "ptrace";
	if ((ra->cgroup || record_cri_target(ra) || ra->container_name || ra->all_containers ||
	     ra->wait || ra->sessions.exclude_exec || ra->sessions.n_probes ||
	     ra->sessions.probes_from) &&
	    !streq(ra->backend, "ebpf")) {
		cli_error("%s needs the ebpf backend: root and a kernel with BTF",
		          ra->cgroup ? "--cgroup" : "recording containers");
		return 1;
	}
	/* a manifest that cannot be read is said now, not after the recording */
	if (ra->sessions.probes_from) {
		struct record_session_opts check = { 0 };

		r = record_probes_from(&check, ra->sessions.probes_from, SIZE_MAX, NULL,
		                       &(size_t){ 0 });
		record_session_opts_done(&check);
		if (r)
			return r;
	}
	/* a local pod by its containers' cgroups; the ptrace backend follows its pids */
	if (record_cri_target(ra) || (ra->pod && streq(ra->backend, "ebpf")))
		return record_containers(ra);
	if (ra->pod && pods_pids(ra->pod, &ra->pids, &ra->n_pids) < 0) {
		cli_error("pod %s: no running process on the local node", ra->pod);
		return 1;
	}
	diags = ksc_diags_new();
	if (!diags)
		return cli_fail(-ENOMEM, NULL, "record");
	r = record_with_backend(&rec, ra, &status, diags, &error);
	cli_print_diags(diags);
	if (r < 0) {
		recording_done(&rec);
		return cli_fail(r, error, "record");
	}
	if (ra->argv)
		exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	if (ra->baseline)
		(void)record_add_runtime_baseline(&rec, ra->baseline);
	if (ra->cgroup) {
		char what[PATH_MAX + 16];

		snprintf(what, sizeof(what), "cgroup %s", cli_escape(ra->cgroup));
		if (ra->sessions.probes_from &&
		    record_probes_from(&ra->sessions, ra->sessions.probes_from, SIZE_MAX, NULL,
		                       &(size_t){ 0 })) {
			recording_done(&rec);
			return 1;
		}
		record_sessions_apply(&rec, what, &ra->sessions);
	}
	ksc_diags_free(TAKE_PTR(diags));
	diags = ksc_diags_new();
	r = diags ? recording_profile(&rec, ra->want_args, &profile, &n_names, diags, &error)
	          : -ENOMEM;
	method = rec.method;
	if (record_report_losses(&rec))
		exit_code = 1;
	recording_done(&rec);
	cli_print_warnings(diags);
	if (r < 0)
		return cli_fail(r, error, "record");
	if (write_profile(ra, method, &profile, n_names))
		return 1;
	return exit_code;
}

int
verb_record(int argc, char **argv)
{
	struct record_args ra = { .output = "-" };
	int r = record_main(argc, argv, &ra);

	free(ra.pids);
	record_session_opts_done(&ra.sessions);
	return r;
}
