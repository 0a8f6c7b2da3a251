/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the runc and crun executors hand to the runtime: the OCI bundle's config.json and
 * its linux.seccomp.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caps.h"
#include "fs.h"
#include "node.h"
#include "oci.h"
#include "profile.h"
#include "strbuf.h"

static void
put_caps(struct strbuf *sb, const char *key, uint64_t caps)
{
	bool first = true;

	strbuf_printf(sb, "      \"%s\": [", key);
	for (unsigned cap = 0; cap <= KSC_CAP_LAST; cap++) {
		if (!(caps & (UINT64_C(1) << cap)) || !ksc_cap_name(cap))
			continue;
		strbuf_puts(sb, first ? "" : ", ");
		strbuf_put_json_str(sb, ksc_cap_name(cap));
		first = false;
	}
	strbuf_puts(sb, "]");
}

int
oci_write_bundle(const char *bundle, const struct oci_process *p, char *why, size_t why_size)
{
	struct strbuf sb = { 0 };
	_cleanup_(freep) char *text = NULL;
	_cleanup_(closep) int dirfd = -1;
	char path[PATH_MAX];
	size_t len = 0;
	int r;

	strbuf_puts(&sb, "{\n  \"ociVersion\": \"1.0.2\",\n  \"process\": {\n"
	                 "    \"terminal\": false,\n");
	strbuf_printf(&sb, "    \"user\": { \"uid\": %" PRId64 ", \"gid\": %" PRId64 " },\n",
	              p->uid, p->gid);
	strbuf_puts(&sb, "    \"args\": [");
	for (size_t i = 0; p->argv[i]; i++) {
		strbuf_puts(&sb, i ? ", " : "");
		strbuf_put_json_str(&sb, p->argv[i]);
	}
	strbuf_puts(&sb, "],\n    \"env\": [\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:"
	                 "/usr/bin:/sbin:/bin\", ");
	{
		char host[300];

		snprintf(host, sizeof(host), "HOSTNAME=%s", p->hostname);
		strbuf_put_json_str(&sb, host);
	}
	strbuf_puts(&sb, "],\n    \"cwd\": ");
	strbuf_put_json_str(&sb, p->cwd && *p->cwd ? p->cwd : "/");
	strbuf_puts(&sb, ",\n    \"capabilities\": {\n");
	put_caps(&sb, "bounding", p->caps);
	strbuf_puts(&sb, ",\n");
	/* a non-root process keeps none, as the runtimes do without ambient capabilities */
	put_caps(&sb, "effective", p->uid == 0 ? p->caps : 0);
	strbuf_puts(&sb, ",\n");
	put_caps(&sb, "permitted", p->uid == 0 ? p->caps : 0);
	strbuf_printf(&sb, "\n    },\n    \"noNewPrivileges\": %s\n  },\n",
	              p->no_new_privs ? "true" : "false");
	if (p->annotations && p->annotations[0]) {
		strbuf_puts(&sb, "  \"annotations\": {");
		for (size_t i = 0; p->annotations[i] && p->annotations[i + 1]; i += 2) {
			strbuf_puts(&sb, i ? ",\n    " : "\n    ");
			strbuf_put_json_str(&sb, p->annotations[i]);
			strbuf_puts(&sb, ": ");
			strbuf_put_json_str(&sb, p->annotations[i + 1]);
		}
		strbuf_puts(&sb, "\n  },\n");
	}
	strbuf_puts(&sb, "  \"root\": { \"path\": ");
	strbuf_put_json_str(&sb, p->rootfs);
	strbuf_puts(&sb, ", \"readonly\": false },\n  \"hostname\": ");
	strbuf_put_json_str(&sb, p->hostname);
	strbuf_puts(
	        &sb,
	        (",\n  \"mounts\": [\n"
	         "    { \"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\" },\n"
	         "    { \"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\",\n"
	         "      \"options\": [\"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\"] "
	         "},\n"
	         "    { \"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": "
	         "\"devpts\",\n"
	         "      \"options\": [\"nosuid\", \"noexec\", \"newinstance\", \"ptmxmode=0666\","
	         " \"mode=0620\"] },\n"
	         "    { \"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": \"shm\",\n"
	         "      \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"mode=1777\","
	         " \"size=65536k\"] },\n"
	         "    { \"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", \"source\": "
	         "\"mqueue\",\n"
	         "      \"options\": [\"nosuid\", \"noexec\", \"nodev\"] },\n"
	         "    { \"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": \"sysfs\",\n"
	         "      \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"ro\"] },\n"
	         "    { \"destination\": \"/etc/resolv.conf\", \"type\": \"bind\", \"source\": "
	         "\"/etc/resolv.conf\",\n"
	         "      \"options\": [\"rbind\", \"ro\"] }\n"
	         "  ],\n"
	         "  \"linux\": {\n"
	         "    \"namespaces\": [{ \"type\": \"pid\" }, { \"type\": \"ipc\" }, { \"type\": "
	         "\"uts\" }, { \"type\": \"mount\" }],\n"
	         "    \"maskedPaths\": [\"/proc/acpi\", \"/proc/kcore\", \"/proc/keys\", "
	         "\"/proc/latency_stats\", \"/proc/timer_list\", \"/proc/timer_stats\", "
	         "\"/proc/sched_debug\", \"/sys/firmware\", \"/proc/scsi\"],\n"
	         "    \"readonlyPaths\": [\"/proc/asound\", \"/proc/bus\", \"/proc/fs\", "
	         "\"/proc/irq\", \"/proc/sys\", \"/proc/sysrq-trigger\"]"));
	if (p->cgroups_path) {
		strbuf_puts(&sb, ",\n    \"cgroupsPath\": ");
		strbuf_put_json_str(&sb, p->cgroups_path);
	}
	if (p->seccomp_json) {
		strbuf_puts(&sb, ",\n    \"seccomp\": ");
		strbuf_puts(&sb, p->seccomp_json);
	}
	strbuf_puts(&sb, "\n  }\n}\n");
	if (strbuf_finish(&sb, &text, &len) < 0) {
		snprintf(why, why_size, "out of memory");
		return -ENOMEM;
	}
	if (mkdir(bundle, 0700) < 0 && errno != EEXIST) {
		r = -errno;
		snprintf(why, why_size, "%s: %s", bundle, strerror(errno));
		return r;
	}
	pathf(path, sizeof(path), "%s/config.json", bundle);
	/* the bundle is ours: config.json is replaced whatever it is, never followed */
	dirfd = open(bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	r = dirfd < 0 ? negative_errno()
	              : ksc_fs_install_at(dirfd, "config.json", text, len, 0644, KSC_FS_DURABLE,
	                                  NULL, NULL);
	if (r < 0)
		snprintf(why, why_size, "%s: %s", path, strerror(-r));
	return r;
}

int
oci_seccomp_json(const struct ksc_profile *profile, char **ret_text, size_t *ret_len)
{
	_cleanup_(freep) bool *keep = calloc(profile->n_rules + 1, sizeof(bool));

	if (!keep)
		return -ENOMEM;
	/* what the runtime passes on: specs.LinuxSeccomp, without Docker's extensions */
	for (size_t i = 0; i < profile->n_rules; i++)
		keep[i] = !profile->rules[i].single_name;
	return profile_write_oci(profile, profile->arches, profile->n_arches, keep, ret_text,
	                         ret_len);
}

/* Run a helper (the runtime's kill/delete) to completion, output discarded. */
static int
run_quiet(const char *const *argv)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (fd >= 0) {
			dup2(fd, STDIN_FILENO);
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* BIN --version's first bytes on standard output, into buf. */
static int
version_output(const char *bin, char *buf, size_t size)
{
	const char *argv[] = { bin, "--version", NULL };
	size_t n = 0;
	int pipefd[2], status;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		int r = -errno;

		close(pipefd[0]);
		close(pipefd[1]);
		return r;
	}
	if (pid == 0) {
		int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

		dup2(pipefd[1], STDOUT_FILENO);
		if (fd >= 0) {
			dup2(fd, STDIN_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(pipefd[1]);
	while (n + 1 < size) {
		ssize_t k = read(pipefd[0], buf + n, size - 1 - n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		n += (size_t)k;
	}
	buf[n] = '\0';
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EINVAL;
}

int
oci_installed_version(enum executor e, struct kube_oci *ret)
{
	static struct {
		bool asked;
		int r;
		struct kube_oci version;
	} known[2];
	size_t i = e == EXECUTOR_CRUN ? 1 : 0;
	char bin[PATH_MAX], out[512];

	if (e != EXECUTOR_RUNC && e != EXECUTOR_CRUN)
		return -EINVAL;
	if (!known[i].asked) {
		known[i].asked = true;
		if (!executor_binary(e, bin, sizeof(bin)))
			known[i].r = -ENOENT;
		else if ((known[i].r = version_output(bin, out, sizeof(out))) == 0)
			known[i].r = kube_oci_parse_version_output(
			        e == EXECUTOR_CRUN ? KUBE_OCI_CRUN : KUBE_OCI_RUNC, out,
			        &known[i].version);
	}
	if (known[i].r == 0)
		*ret = known[i].version;
	return known[i].r;
}

/* The OCI runtime's state root for this node. */
void
oci_runtime_root(const char *state, enum executor e, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", state, executor_name(e));
}

void
oci_container_id(const char *pod, const char *container, char *buf, size_t size)
{
	snprintf(buf, size, "%s_%s", pod, container);
}

/* runc/crun delete --force ID (or kill ID SIGNAL): the runtime's side of a container. */
void
oci_command(const char *state, enum executor e, const char *id, const char *verb,
            const char *signal_name)
{
	char bin[PATH_MAX], root[PATH_MAX];
	const char *argv[10];
	size_t n = 0;

	if (!executor_binary(e, bin, sizeof(bin)))
		return;
	oci_runtime_root(state, e, root, sizeof(root));
	argv[n++] = bin;
	if (e == EXECUTOR_CRUN)
		argv[n++] = "--cgroup-manager=disabled";
	argv[n++] = "--root";
	argv[n++] = root;
	argv[n++] = verb;
	if (streq(verb, "delete"))
		argv[n++] = "--force";
	argv[n++] = id;
	if (signal_name)
		argv[n++] = signal_name;
	argv[n] = NULL;
	(void)run_quiet(argv);
}
