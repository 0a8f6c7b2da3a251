/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The CRI client against a real runtime (a private containerd that tests/cri-live.sh starts):
 * every call the client has, with the seccomp settings the kubelet sends, and what the
 * runtime made of them read back from its verbose ContainerStatus (the OCI spec it handed
 * to runc) and from the kernel (the container's Seccomp mode in /proc).
 *
 * Usage: test-cri-live ENDPOINT WORKDIR IMAGE [--keep | --replica NAME | --exiting NAME].
 * Prints TAP. With --keep, a pod "kept"
 * with a running RuntimeDefault container "kept" stays, its ids in WORKDIR/kept, and two
 * pods labelled app=web ("web-1", "web-2", each with a container "web"), for the CLI's
 * checks. With --replica NAME, only one more pod NAME labelled app=late, with a running
 * container "web"; with --exiting NAME, a pod NAME labelled app=gone whose container "web"
 * runs true, once it has exited.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cri/cri.h"
#include "doc.h"
#include "macro.h"
#include "tap.h"

static const char *endpoint, *workdir, *image;
static struct cri *cri;

static struct cri_pod_config
pod_config(const char *name)
{
	static char logdir[512];

	snprintf(logdir, sizeof(logdir), "%s/logs/%s", workdir, name);
	mkdir(logdir, 0755);
	return (struct cri_pod_config){
		.name = name,
		.uid = name,
		.namespace = "kseccomp-test",
		.log_directory = logdir,
		/* the host network: no CNI; no hostname there (runc refuses one) */
		.ns = { .network = CRI_NS_NODE, .pid = CRI_NS_CONTAINER, .ipc = CRI_NS_POD },
		.seccomp = { .set = true, .type = CRI_PROFILE_RUNTIME_DEFAULT },
	};
}

static const char *const sleep_cmd[] = { "/bin/sleep", "1000" };
static const char *const true_cmd[] = { "/bin/true" };
static bool exiting; /* --exiting: containers run true */

static struct cri_container_config
container_config(const char *name, struct cri_profile seccomp)
{
	return (struct cri_container_config){
		.name = name,
		.image = image,
		.command = exiting ? true_cmd : sleep_cmd,
		.n_command = exiting ? ELEMENTSOF(true_cmd) : ELEMENTSOF(sleep_cmd),
		.log_path = "c.log",
		.ns = { .network = CRI_NS_NODE, .pid = CRI_NS_CONTAINER, .ipc = CRI_NS_POD },
		.seccomp = seccomp,
	};
}

/* The OCI spec containerd generated, from the verbose status's info. */
static const struct ksc_node *
runtime_spec(const struct cri_container *k, struct ksc_doc **doc)
{
	const struct ksc_node *root;

	if (!k->info ||
	    ksc_doc_parse("info", k->info, strlen(k->info), KSC_DOC_JSON, doc, NULL) < 0)
		return NULL;
	root = ksc_doc_root(*doc, 0);
	return ksc_node_get(root, "runtimeSpec");
}

static const char *
seccomp_default_action(const struct ksc_node *spec)
{
	const struct ksc_node *linux_node = spec ? ksc_node_get(spec, "linux") : NULL;
	const struct ksc_node *seccomp = linux_node ? ksc_node_get(linux_node, "seccomp") : NULL;
	const struct ksc_node *def = seccomp ? ksc_node_get(seccomp, "defaultAction") : NULL;

	if (!linux_node)
		return "(no linux)";
	if (!seccomp || ksc_node_is_null(seccomp))
		return "(no seccomp)";
	return def && ksc_node_is_string(def) ? def->text : "(no defaultAction)";
}

/* Create and start a container with this seccomp profile; its id or NULL. */
static char *
start(const char *pod_id, const struct cri_pod_config *pod, const char *name,
      struct cri_profile seccomp, struct ksc_error **error)
{
	struct cri_container_config cfg = container_config(name, seccomp);
	char *id = NULL;

	if (cri_create_container(cri, pod_id, &cfg, pod, &id, error) < 0)
		return NULL;
	if (cri_start_container(cri, id, error) < 0) {
		(void)cri_remove_container(cri, id, NULL);
		free(id);
		return NULL;
	}
	return id;
}

/* "Seccomp:" of the container's main process (the pid in containerd's info), from /proc:
 * 0, 1 or 2, or -1. */
static int
kernel_seccomp_mode(const struct cri_container *k)
{
	_cleanup_(ksc_doc_freep) struct ksc_doc *doc = NULL;
	const struct ksc_node *pid = NULL;
	char path[64], line[256];
	int mode = -1;
	FILE *f;

	if (k->info &&
	    ksc_doc_parse("info", k->info, strlen(k->info), KSC_DOC_JSON, &doc, NULL) >= 0)
		pid = ksc_node_get(ksc_doc_root(doc, 0), "pid");
	if (!pid || !pid->text || atoi(pid->text) <= 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/status", atoi(pid->text));
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "Seccomp:", 8) == 0)
			mode = atoi(line + 8);
	fclose(f);
	return mode;
}

static void
check_container(const char *pod_id, const struct cri_pod_config *pod, const char *name,
                struct cri_profile seccomp, const char *want_action, int want_mode)
{
	_cleanup_(ksc_doc_freep) struct ksc_doc *doc = NULL;
	struct cri_container k = { 0 };
	struct ksc_error *error = NULL;
	char *id = start(pod_id, pod, name, seccomp, &error);

	if (!ok(id, "%s: created and started (%s)", name,
	        error ? ksc_error_message(error) : "ok")) {
		ksc_error_free(error);
		return;
	}
	if (ok(cri_container_status(cri, id, true, &k, &error) == 0, "%s: verbose status", name)) {
		is_str(k.name, name, "%s: the status names the container", name);
		is_int(k.state, CRI_CONTAINER_RUNNING, "%s: running", name);
		is_str(seccomp_default_action(runtime_spec(&k, &doc)), want_action,
		       "%s: the spec containerd gave runc has seccomp %s", name, want_action);
		is_int(kernel_seccomp_mode(&k), want_mode, "%s: the kernel's Seccomp mode is %d",
		       name, want_mode);
	}
	ok(cri_stop_container(cri, id, 0, &error) == 0, "%s: stopped", name);
	cri_container_done(&k);
	if (ok(cri_container_status(cri, id, false, &k, &error) == 0, "%s: status after stop",
	       name))
		is_int(k.state, CRI_CONTAINER_EXITED, "%s: exited after StopContainer", name);
	ok(cri_remove_container(cri, id, &error) == 0, "%s: removed", name);
	cri_container_done(&k);
	ksc_error_free(error);
	free(id);
}

/* --replica NAME: one more pod labelled app=late with a container "web", started now (for
 * record --selector --wait); --exiting NAME: app=gone, the container run to its end. */
static int
replica(const char *name)
{
	static const struct cri_kv late[] = { { "app", "late" } }, gone[] = { { "app", "gone" } };
	struct cri_pod_config pod = pod_config(name);
	struct cri_container k = { 0 };
	struct ksc_error *error = NULL;
	char *pod_id = NULL, *id = NULL;

	pod.labels = exiting ? gone : late;
	pod.n_labels = 1;
	if (ok(cri_connect(endpoint, 20000, &cri, &error) == 0, "connect to %s", endpoint) &&
	    ok(cri_run_pod_sandbox(cri, &pod, NULL, &pod_id, &error) == 0 &&
	               (id = start(pod_id, &pod, "web",
	                           (struct cri_profile){ true, CRI_PROFILE_RUNTIME_DEFAULT, NULL },
	                           &error)),
	       "replica %s of app=%s runs", name, exiting ? "gone" : "late"))
		printf("# %s\n", id);
	for (int i = 0; exiting && id && i < 100; i++) {
		cri_container_done(&k);
		k = (struct cri_container){ 0 };
		if (cri_container_status(cri, id, false, &k, &error) < 0 ||
		    k.state == CRI_CONTAINER_EXITED)
			break;
		usleep(50 * 1000);
	}
	if (exiting && id)
		ok(k.state == CRI_CONTAINER_EXITED && k.exit_code == 0,
		   "...and has exited, status 0");
	cri_container_done(&k);
	if (error)
		tap_diagf("%s", ksc_error_message(error));
	ksc_error_free(error);
	free(id);
	free(pod_id);
	cri_close(cri);
	return tap_done();
}

int
main(int argc, char **argv)
{
	struct cri_version v = { 0 };
	struct cri_pod_config pod;
	struct cri_pod *pods = NULL;
	struct cri_container *cs = NULL;
	struct ksc_error *error = NULL;
	char *pod_id = NULL, *id = NULL, profile[512], logs[512];
	size_t n = 0;
	bool listed = false;
	int r;
	FILE *f;

	if (argc != 4 && !(argc == 5 && streq(argv[4], "--keep")) &&
	    !(argc == 6 && (streq(argv[4], "--replica") || streq(argv[4], "--exiting")))) {
		fprintf(stderr,
		        "usage: %s ENDPOINT WORKDIR IMAGE [--keep | --replica NAME | --exiting "
		        "NAME]\n",
		        argv[0]);
		return 2;
	}
	endpoint = argv[1];
	workdir = argv[2];
	image = argv[3];
	snprintf(logs, sizeof(logs), "%s/logs", workdir);
	mkdir(logs, 0755);
	if (argc == 6) {
		exiting = streq(argv[4], "--exiting");
		return replica(argv[5]);
	}

	r = cri_connect(endpoint, 20000, &cri, &error);
	if (!ok(r == 0, "connect to %s", endpoint)) {
		tap_diagf("%s", ksc_error_message(error));
		return tap_done();
	}
	if (ok(cri_version(cri, &v, &error) == 0, "Version"))
		is_str(v.runtime_name, "containerd", "the runtime is containerd (%s)",
		       v.runtime_version);
	is_str(v.runtime_api_version, "v1", "it serves runtime.v1");
	cri_version_done(&v);

	pod = pod_config("cri-live");
	r = cri_run_pod_sandbox(cri, &pod, NULL, &pod_id, &error);
	if (!ok(r == 0, "RunPodSandbox (%s)", r < 0 ? ksc_error_message(error) : "ok")) {
		cri_close(cri);
		return tap_done();
	}
	if (ok(cri_list_pod_sandbox(cri, NULL, &pods, &n, &error) == 0, "ListPodSandbox"))
		for (size_t i = 0; i < n; i++)
			if (streq(pods[i].id, pod_id)) {
				listed = true;
				is_str(pods[i].name, "cri-live", "the pod's name");
				is_str(pods[i].namespace, "kseccomp-test", "the pod's namespace");
				is_int(pods[i].state, CRI_POD_READY, "the pod is ready");
			}
	ok(listed, "the pod is listed");
	cri_pods_free(pods, n);

	/* the kubelet's three kinds of profile, and what runc got */
	check_container(pod_id, &pod, "runtime-default",
	                (struct cri_profile){ true, CRI_PROFILE_RUNTIME_DEFAULT, NULL },
	                "SCMP_ACT_ERRNO", 2);
	check_container(pod_id, &pod, "unconfined",
	                (struct cri_profile){ true, CRI_PROFILE_UNCONFINED, NULL }, "(no seccomp)",
	                0);
	snprintf(profile, sizeof(profile), "%s/profile.json", workdir);
	f = fopen(profile, "we");
	if (f) {
		fputs("{\"defaultAction\": \"SCMP_ACT_LOG\"}\n", f);
		fclose(f);
	}
	check_container(pod_id, &pod, "localhost",
	                (struct cri_profile){ true, CRI_PROFILE_LOCALHOST, profile },
	                "SCMP_ACT_LOG", 2);

	/* a Localhost file that is not there: containerd's message, through gRPC */
	snprintf(profile, sizeof(profile), "%s/missing.json", workdir);
	{
		struct cri_container_config cfg = container_config(
		        "missing", (struct cri_profile){ true, CRI_PROFILE_LOCALHOST, profile });

		r = cri_create_container(cri, pod_id, &cfg, &pod, &id, &error);
		is_int(r, -EIO, "CreateContainer with a missing Localhost file fails");
		ok(error && strstr(ksc_error_message(error), "cannot load seccomp profile") &&
		           strstr(ksc_error_message(error), "no such file or directory") &&
		           strstr(ksc_error_message(error), "(gRPC UNKNOWN)") &&
		           strncmp(ksc_error_message(error), "CreateContainer: ", 17) == 0,
		   "...with containerd's message and the gRPC status: %s",
		   error ? ksc_error_message(error) : "(none)");
		ksc_error_free(error);
		error = NULL;
		free(id);
		id = NULL;
	}

	/* ListContainers sees a created container, filtered by pod */
	{
		struct cri_container_config cfg = container_config(
		        "listed", (struct cri_profile){ true, CRI_PROFILE_RUNTIME_DEFAULT, NULL });

		if (ok(cri_create_container(cri, pod_id, &cfg, &pod, &id, &error) == 0,
		       "CreateContainer without starting")) {
			listed = false;
			if (ok(cri_list_containers(cri, pod_id, &cs, &n, &error) == 0,
			       "ListContainers of the pod"))
				for (size_t i = 0; i < n; i++)
					if (streq(cs[i].id, id)) {
						listed = true;
						is_str(cs[i].name, "listed", "the listed name");
						is_int(cs[i].state, CRI_CONTAINER_CREATED,
						       "the listed state is Created");
						is_str(cs[i].pod_sandbox_id, pod_id, "its pod");
					}
			ok(listed, "the created container is listed");
			cri_containers_free(cs, n);
			ok(cri_remove_container(cri, id, &error) == 0, "RemoveContainer");
		}
		free(id);
		id = NULL;
	}

	/* an id the runtime does not know: its NOT_FOUND, turned into -ENOENT */
	r = cri_start_container(cri, "0123456789abcdef-no-such-container", &error);
	ok(r < 0 && error && strstr(ksc_error_message(error), "StartContainer: "),
	   "StartContainer of an unknown id fails with the method named: %s",
	   error ? ksc_error_message(error) : "(none)");
	tap_diagf("unknown id: r=%d", r);
	ksc_error_free(error);
	error = NULL;

	ok(cri_stop_pod_sandbox(cri, pod_id, &error) == 0, "StopPodSandbox");
	ok(cri_remove_pod_sandbox(cri, pod_id, &error) == 0, "RemovePodSandbox");
	if (ok(cri_list_pod_sandbox(cri, pod_id, &pods, &n, &error) == 0,
	       "ListPodSandbox by id after removal"))
		is_int(n, 0, "the pod is gone");
	cri_pods_free(pods, n);
	free(pod_id);
	pod_id = NULL;

	if (argc == 5) {
		pod = pod_config("kept");
		if (ok(cri_run_pod_sandbox(cri, &pod, NULL, &pod_id, &error) == 0,
		       "the kept pod runs") &&
		    ok((id = start(pod_id, &pod, "kept",
		                   (struct cri_profile){ true, CRI_PROFILE_RUNTIME_DEFAULT, NULL },
		                   &error)),
		       "the kept container runs")) {
			snprintf(profile, sizeof(profile), "%s/kept", workdir);
			f = fopen(profile, "we");
			if (f) {
				fprintf(f, "%s %s\n", pod_id, id);
				fclose(f);
			}
		}
		free(id);
		free(pod_id);
		/* two replicas of a workload, app=web, for record --selector */
		for (int i = 1; i <= 2; i++) {
			static const struct cri_kv labels[] = { { "app", "web" } };
			char name[16];

			snprintf(name, sizeof(name), "web-%d", i);
			pod = pod_config(name);
			pod.labels = labels;
			pod.n_labels = ELEMENTSOF(labels);
			pod_id = NULL;
			id = NULL;
			ok(cri_run_pod_sandbox(cri, &pod, NULL, &pod_id, &error) == 0 &&
			           (id = start(pod_id, &pod, "web",
			                       (struct cri_profile){
			                               true, CRI_PROFILE_RUNTIME_DEFAULT, NULL },
			                       &error)),
			   "replica %s of app=web runs", name);
			free(id);
			free(pod_id);
		}
	}
	if (error)
		tap_diagf("last error: %s", ksc_error_message(error));
	ksc_error_free(error);
	cri_close(cri);
	return tap_done();
}
