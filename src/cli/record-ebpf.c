/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The eBPF backend of `kseccomp record`: load src/bpf/record.bpf.c (compiled with clang at
 * build time and embedded; CO-RE, relocated against this kernel's BTF by libbpf), point it
 * at the workload, and read what it saw.
 *
 * A launched command gets a cgroup v2 of its own, so that its descendants are recorded
 * wherever they fork and nothing else is; recording is armed just before its execve.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/audit.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "cli.h"
#include "error.h"
#include "pods.h"
#include "record.h"

#ifdef HAVE_LIBBPF
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

extern const char record_bpf_object[];
extern const size_t record_bpf_object_len;

struct seen_key {
	uint32_t token;
	uint32_t nr;
};

struct arg_key {
	uint32_t token;
	uint32_t nr;
	uint64_t value;
};

struct config {
	uint64_t cgroup_id;
	uint32_t armed;
	uint32_t want_args;
	uint32_t native_token;
	uint32_t compat_token;
};

struct loaded {
	struct bpf_object *obj;
	struct bpf_link *links[2];
	int config_fd, seen_fd, args_fd, refine_fd, tgids_fd;
};

static int
silent_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_WARN && getenv("KSECCOMP_DEBUG_BPF"))
		return vfprintf(stderr, fmt, ap);
	return 0;
}

/* The arch of a compat syscall of this machine (i386 on x86_64), 0 when none. */
static uint32_t
compat_token(void)
{
#if defined(__x86_64__)
	return AUDIT_ARCH_I386;
#else
	return 0;
#endif
}

static void
unload(struct loaded *l)
{
	for (size_t i = 0; i < ELEMENTSOF(l->links); i++)
		bpf_link__destroy(l->links[i]);
	bpf_object__close(l->obj);
	*l = (struct loaded){ 0 };
}

static int
load(struct loaded *l, bool want_args, bool follow_forks, struct ksc_error **reterr)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = "kseccomp_record");
	struct bpf_program *prog;
	int r;

	*l = (struct loaded){ 0 };
	libbpf_set_print(silent_print);
	l->obj = bpf_object__open_mem(record_bpf_object, record_bpf_object_len, &opts);
	if (!l->obj)
		return ksc_error_setf(reterr, -errno, "cannot open the BPF object: %s",
		                      strerror(errno));
	if (!follow_forks) {
		prog = bpf_object__find_program_by_name(l->obj, "on_fork");
		if (prog)
			bpf_program__set_autoload(prog, false);
	}
	r = bpf_object__load(l->obj);
	if (r < 0) {
		unload(l);
		return ksc_error_setf(
		        reterr, r,
		        "cannot load the BPF program: %s (root, a kernel with BTF and "
		        "tracepoints are needed; --backend ptrace works without)",
		        strerror(-r));
	}
	l->config_fd = bpf_object__find_map_fd_by_name(l->obj, "config");
	l->seen_fd = bpf_object__find_map_fd_by_name(l->obj, "seen");
	l->args_fd = bpf_object__find_map_fd_by_name(l->obj, "seen_args");
	l->refine_fd = bpf_object__find_map_fd_by_name(l->obj, "refine");
	l->tgids_fd = bpf_object__find_map_fd_by_name(l->obj, "tgids");
	if (want_args) {
		static const char *const names[] = { "socket", "personality", "clone" };
		enum ksc_arch arches[2] = { ksc_arch_native(), KSC_ARCH_NONE };
		uint32_t tokens[2] = { ksc_arch_audit_token(ksc_arch_native()), compat_token() };

		if (tokens[1])
			(void)ksc_arch_from_audit_token(tokens[1], 0, &arches[1]);
		for (size_t a = 0; a < 2; a++)
			for (size_t i = 0; arches[a] != KSC_ARCH_NONE && i < ELEMENTSOF(names);
			     i++) {
				struct seen_key key = { .token = tokens[a] };
				uint32_t arg = (uint32_t)recording_refined_arg(names[i]);

				if (ksc_syscall_resolve_name(arches[a], names[i], &key.nr) == 0)
					(void)bpf_map_update_elem(l->refine_fd, &key, &arg,
					                          BPF_ANY);
			}
	}
	bpf_object__for_each_program(prog, l->obj)
	{
		size_t n = 0;

		if (!bpf_program__autoload(prog))
			continue;
		while (n < ELEMENTSOF(l->links) && l->links[n])
			n++;
		if (n == ELEMENTSOF(l->links))
			break;
		l->links[n] = bpf_program__attach(prog);
		if (!l->links[n]) {
			r = -errno;
			l->links[n] = NULL;
			unload(l);
			return ksc_error_setf(reterr, r, "cannot attach %s: %s",
			                      bpf_program__name(prog), strerror(-r));
		}
	}
	return 0;
}

static int
set_config(const struct loaded *l, uint64_t cgroup_id, bool armed, bool want_args)
{
	struct config cfg = {
		.cgroup_id = cgroup_id,
		.armed = armed,
		.want_args = want_args,
		.native_token = ksc_arch_audit_token(ksc_arch_native()),
		.compat_token = compat_token(),
	};
	uint32_t zero = 0;

	return bpf_map_update_elem(l->config_fd, &zero, &cfg, BPF_ANY) < 0 ? -errno : 0;
}

/* Everything the maps hold, into rec. */
static void
harvest(const struct loaded *l, struct recording *rec, bool want_args)
{
	struct seen_key key, next;
	struct arg_key akey, anext;
	void *prev = NULL;

	if (want_args) {
		prev = NULL;
		while (bpf_map_get_next_key(l->args_fd, prev, &anext) == 0) {
			enum ksc_arch arch;
			uint64_t args[6] = { 0 };
			const char *name;
			int arg;

			akey = anext;
			prev = &akey;
			if (ksc_arch_from_audit_token(akey.token, akey.nr, &arch) < 0)
				continue;
			name = ksc_syscall_name(arch, akey.nr);
			arg = name ? recording_refined_arg(name) : -1;
			if (arg < 0)
				continue;
			args[arg] = akey.value;
			recording_add(rec, arch, akey.nr, args);
		}
	}
	prev = NULL;
	while (bpf_map_get_next_key(l->seen_fd, prev, &next) == 0) {
		enum ksc_arch arch;

		key = next;
		prev = &key;
		if (ksc_arch_from_audit_token(key.token, key.nr, &arch) == 0)
			recording_add(rec, arch, key.nr, NULL);
	}
}

bool
record_ebpf_available(void)
{
	return geteuid() == 0 && access("/sys/kernel/btf/vmlinux", R_OK) == 0;
}

/* A cgroup v2 of the recording's own; its id is what bpf_get_current_cgroup_id() says. */
static int
make_cgroup(char *path, size_t size, uint64_t *ret_id, struct ksc_error **reterr)
{
	char name[64];
	struct stat st;
	int r;

	snprintf(name, sizeof(name), "record-%d", (int)getpid());
	r = pod_cgroup_create("/run/kseccomp-record", name, "workload", path, size);
	if (r < 0)
		return ksc_error_setf(
		        reterr, r,
		        "no cgroup v2 hierarchy to put the command in (%s); --backend "
		        "ptrace works without",
		        strerror(-r));
	if (stat(path, &st) < 0)
		return ksc_error_setf(reterr, -errno, "%s: %s", path, strerror(errno));
	*ret_id = (uint64_t)st.st_ino;
	return 0;
}

int
record_ebpf_run(struct recording *rec, bool want_args, bool nnp, char **argv, int *ret_status,
                struct ksc_error **reterr)
{
	struct loaded l;
	char cgroup[PATH_MAX], procs[PATH_MAX + 16], name[64];
	uint64_t cgroup_id = 0;
	int go[2], ready[2] = { -1, -1 }, r, status;
	pid_t pid;

	r = make_cgroup(cgroup, sizeof(cgroup), &cgroup_id, reterr);
	if (r < 0)
		return r;
	snprintf(name, sizeof(name), "record-%d", (int)getpid());
	r = load(&l, want_args, false, reterr);
	if (r < 0)
		goto out_cgroup;
	r = set_config(&l, cgroup_id, false, want_args);
	if (r < 0 || pipe2(go, O_CLOEXEC) < 0 || pipe2(ready, O_CLOEXEC) < 0) {
		r = ksc_error_setf(reterr, r < 0 ? r : -errno, "cannot configure the recording");
		goto out_unload;
	}
	pathf(procs, sizeof(procs), "%s/cgroup.procs", cgroup);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		r = ksc_error_setf(reterr, -errno, "fork: %s", strerror(errno));
		close(go[0]);
		close(go[1]);
		goto out_unload;
	}
	if (pid == 0) {
		char c;
		int fd;

		close(go[1]);
		close(ready[0]);
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
		fd = open(procs, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, "0", 1) != 1) {
			fprintf(stderr, "kseccomp: %s: %s\n", procs, strerror(errno));
			_exit(126);
		}
		close(fd);
		if (nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			_exit(126);
		/* in the cgroup: say so, and wait until recording is armed; from here on,
		 * the workload's execve */
		if (write(ready[1], "r", 1) != 1 || read(go[0], &c, 1) < 0)
			_exit(126);
		execvp(argv[0], argv);
		fprintf(stderr, "kseccomp: %s: %s\n", argv[0], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	close(go[0]);
	close(ready[1]);
	{
		char c;

		while (read(ready[0], &c, 1) < 0 && errno == EINTR)
			;
		close(ready[0]);
	}
	r = set_config(&l, cgroup_id, true, want_args);
	close(go[1]); /* go */
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			r = -errno;
			break;
		}
	if (r >= 0) {
		*ret_status = status;
		harvest(&l, rec, want_args);
	} else
		(void)ksc_error_setf(reterr, r, "recording failed: %s", strerror(-r));
	/* the cgroup's stragglers (daemons the command left behind) are the command's too */
out_unload:
	unload(&l);
out_cgroup:
	(void)pod_cgroup_destroy("/run/kseccomp-record", name);
	return r;
}

int
record_ebpf_attach(struct recording *rec, bool want_args, const pid_t *pids, size_t n_pids,
                   volatile sig_atomic_t *stop, struct ksc_error **reterr)
{
	struct loaded l;
	uint8_t one = 1;
	int r;

	r = load(&l, want_args, true, reterr);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n_pids; i++) {
		uint32_t tgid = (uint32_t)pids[i];

		(void)bpf_map_update_elem(l.tgids_fd, &tgid, &one, BPF_ANY);
	}
	r = set_config(&l, 0, true, want_args);
	if (r < 0) {
		unload(&l);
		return ksc_error_setf(reterr, r, "cannot configure the recording");
	}
	/* until every process is gone, or SIGINT/SIGTERM */
	while (!*stop) {
		bool any = false;

		for (size_t i = 0; i < n_pids && !any; i++)
			any = kill(pids[i], 0) == 0 || errno == EPERM;
		if (!any)
			break;
		(void)poll(NULL, 0, 100);
	}
	harvest(&l, rec, want_args);
	unload(&l);
	return 0;
}

#else /* !HAVE_LIBBPF */

bool
record_ebpf_available(void)
{
	return false;
}

int
record_ebpf_run(struct recording *rec, bool want_args, bool nnp, char **argv, int *ret_status,
                struct ksc_error **reterr)
{
	return ksc_error_setf(reterr, -EOPNOTSUPP,
	                      "this kseccomp was built without libbpf: use --backend ptrace");
}

int
record_ebpf_attach(struct recording *rec, bool want_args, const pid_t *pids, size_t n_pids,
                   volatile sig_atomic_t *stop, struct ksc_error **reterr)
{
	return ksc_error_setf(reterr, -EOPNOTSUPP,
	                      "this kseccomp was built without libbpf: use --backend ptrace");
}

#endif
