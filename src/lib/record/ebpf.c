/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The eBPF backend of the recorder (record.h): load src/bpf/record.bpf.c (compiled with clang at
 * build time and embedded), point it at the workload, and read what it saw. The program
 * needs no relocation against the kernel's types for a launched command (the registers it
 * reads have the user ABI's fixed layout), so loading it does not parse the kernel's 5 MB
 * of BTF; following forks (--pid) reads task_struct's tgid at the offset the kernel's BTF
 * gives, found here and handed to the program as a constant.
 *
 * A launched command gets a cgroup v2 of its own (the caller's), so that its descendants are
 * recorded wherever they fork and nothing else is; recording is armed just before its execve.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/audit.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <linux/sched.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "fs.h"
#include "record.h"

#ifdef HAVE_LIBBPF
#include <bpf/bpf.h>
#include <bpf/btf.h>
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
	uint64_t cgroup;
	uint64_t session;
};

struct group_key {
	uint64_t cgroup;
	uint64_t session;
};

#define SEEN_SLOT  8192
#define SEEN_WORDS (3 * SEEN_SLOT / 64)
/* per-cgroup recording (--wait): how many cgroups it keeps apart, 3 KiB each */
#define PENDING_CGROUPS 1024
/* sessions: how many a recording keeps apart (3 KiB each), and how many processes' it notes */
#define SESSIONS_MAX  64
#define SESSION_TGIDS 16384

/* What a recording follows: the processes of a cgroup v2 and of the cgroups below it (cgroup:
 * its id, level: its depth), or with cgroup 0 the tgids map's process trees. */
struct target {
	uint64_t cgroup;
	uint32_t level;
	bool per_cgroup; /* each cgroup below it apart, by its own id (cgroup_seen) */
	bool sessions;   /* sessions told apart (once user space has noted them) */
};

struct loaded {
	struct bpf_object *obj;
	struct bpf_link *links[4];
	int args_fd, refine_fd, tgids_fd;
	char *bss; /* the .bss map, mapped into our memory */
	size_t bss_size;
	volatile uint32_t *armed;
	volatile uint8_t *seen;
	size_t seen_size;
	volatile uint64_t *lost_args, *lost_tgids, *beyond_table, *lost_cgroups, *lost_sessions;
	volatile uint32_t *classify, *own_pending;
	volatile uint64_t *sessions_gen;
	int cgroup_seen_fd, sessions_fd, commands_fd, classified_fd;
	const char *method; /* "fentry" or "tracepoint" */
};

static struct bpf_map *
section_map(struct bpf_object *obj, const char *section)
{
	struct bpf_map *map, *found = NULL;

	bpf_object__for_each_map(map, obj)
	{
		const char *n = bpf_map__name(map);
		size_t len = strlen(n), slen = strlen(section);

		if (len >= slen && streq(n + len - slen, section))
			found = map;
	}
	return found;
}

/* Where a global variable of the BPF object's .rodata or .bss lies in its section, from the
 * object's BTF: 0 with the offset and size, or -ENOENT. */
static int
var_offset(struct bpf_object *obj, const char *section, const char *name, size_t *ret_offset,
           size_t *ret_size)
{
	struct btf *btf = bpf_object__btf(obj);
	const struct btf_type *t;
	const struct btf_var_secinfo *v;
	int id;

	if (!btf || (id = btf__find_by_name_kind(btf, section, BTF_KIND_DATASEC)) < 0)
		return -ENOENT;
	t = btf__type_by_id(btf, (uint32_t)id);
	v = btf_var_secinfos(t);
	for (unsigned i = 0; i < btf_vlen(t); i++, v++) {
		const struct btf_type *vt = btf__type_by_id(btf, v->type);

		if (streq(btf__name_by_offset(btf, vt->name_off), name)) {
			*ret_offset = v->offset;
			*ret_size = v->size;
			return 0;
		}
	}
	return -ENOENT;
}

/* A variable of .rodata, before load: its bytes in the initial value libbpf will load. */
static void *
section_var(struct bpf_object *obj, const char *section, const char *name, size_t *ret_size)
{
	struct bpf_map *map = section_map(obj, section);
	size_t size = 0, offset, vsize;
	char *data;

	/* the map's own initial value (skeletons write through it the same way) */
	if (!map || !(data = (char *)(uintptr_t)bpf_map__initial_value(map, &size)) ||
	    var_offset(obj, section, name, &offset, &vsize) < 0 || offset + vsize > size)
		return NULL;
	if (ret_size)
		*ret_size = vsize;
	return data + offset;
}

static int
set_rodata(struct bpf_object *obj, const char *name, const void *value, size_t size)
{
	size_t have = 0;
	void *p = section_var(obj, ".rodata", name, &have);

	if (!p || have != size)
		return -ENOENT;
	memcpy(p, value, size);
	return 0;
}

/* Where libbpf's warnings go while load() runs, with KSECCOMP_DEBUG_BPF set: libbpf's print
 * callback is process-wide and takes no context. */
static struct ksc_diags *libbpf_diags;

_printf_(2, 0) static int silent_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	_cleanup_(freep) char *text = NULL;
	size_t len;
	int n;

	if (level != LIBBPF_WARN || !libbpf_diags || !getenv("KSECCOMP_DEBUG_BPF"))
		return 0;
	n = vasprintf(&text, fmt, ap);
	if (n < 0)
		return 0;
	len = (size_t)n;
	if (len && text[len - 1] == '\n')
		text[--len] = '\0';
	/* a verifier's log says why at its end */
	(void)ksc_diags_addf(libbpf_diags, KSC_SEVERITY_WARNING, NULL, 0, 0, NULL, "%s%s",
	                     len > 6000 ? "..." : "", text + (len > 6000 ? len - 6000 : 0));
	return n;
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
	if (l->bss)
		munmap(l->bss, l->bss_size);
	for (size_t i = 0; i < ELEMENTSOF(l->links); i++)
		bpf_link__destroy(l->links[i]);
	bpf_object__close(l->obj);
	*l = (struct loaded){ 0 };
}

/* The running kernel's version, major * 1000 + minor; 0 when unknown. */
static unsigned
kernel_version(void)
{
	struct utsname u;
	unsigned major = 0, minor = 0;

	if (uname(&u) < 0 || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return 0;
	return major * 1000 + minor;
}

/* How the BPF program tells a compat call on the tracepoint: 2, the TS_COMPAT bit through the
 * BTF-typed current task (Linux 5.11 on: thread_info.status after flags and syscall_work, and
 * bpf_get_current_task_btf()); 0, the saved CS register. */
static uint32_t
thread_status_layout(void)
{
	return kernel_version() >= 5011 ? 2 : 0;
}

/* Whether this kernel runs x32 syscalls (x32_sys_call is then there for fentry): a kernel
 * built without them, or with them off (syscall.x32=n), answers ENOSYS. */
static bool
kernel_runs_x32(void)
{
#if defined(__x86_64__)
	return syscall(0x40000000 | SYS_getpid) >= 0 || errno != ENOSYS;
#else
	return false;
#endif
}

/* Which programs a recording loads: the syscall entry by one method, and on_fork when it
 * follows process trees. ia32: whether fentry takes ia32_sys_call too. */
static void
choose_programs(struct bpf_object *obj, bool fentry, bool ia32, bool follow_forks)
{
	static const struct {
		const char *name;
		int kind; /* 0 tracepoint, 1 fentry native, 2 fentry ia32, 3 fentry x32, 4 fork */
	} programs[] = {
		{ "on_sys_enter", 0 },    { "on_x64_sys_call", 1 }, { "on_ia32_sys_call", 2 },
		{ "on_x32_sys_call", 3 }, { "on_fork", 4 },
	};

	for (size_t i = 0; i < ELEMENTSOF(programs); i++) {
		struct bpf_program *prog = bpf_object__find_program_by_name(obj, programs[i].name);
		bool load;

		if (!prog)
			continue;
		switch (programs[i].kind) {
		case 0:
			load = !fentry;
			break;
		case 1:
			load = fentry;
			break;
		case 2:
			load = fentry && ia32;
			break;
		case 3:
			load = fentry && kernel_runs_x32();
			break;
		default:
			load = follow_forks;
		}
		bpf_program__set_autoload(prog, load);
	}
}

/* Following forks reads the child's tgid: where it is in task_struct, from the kernel's
 * BTF, into the program's configuration. 0, or -ENOENT. */
static int
set_tgid_offset(struct bpf_object *obj)
{
	struct btf *vmlinux = btf__load_vmlinux_btf();
	uint32_t offset = 0;
	int id = vmlinux ? btf__find_by_name_kind(vmlinux, "task_struct", BTF_KIND_STRUCT) : -1;

	if (id > 0) {
		const struct btf_type *t = btf__type_by_id(vmlinux, (uint32_t)id);
		const struct btf_member *m = btf_members(t);

		for (unsigned i = 0; i < btf_vlen(t); i++, m++)
			if (streq(btf__name_by_offset(vmlinux, m->name_off), "tgid"))
				offset = btf_member_bit_offset(t, i) / 8;
	}
	btf__free(vmlinux);
	if (!offset || set_rodata(obj, "tgid_offset", &offset, sizeof(offset)) < 0)
		return -ENOENT;
	return 0;
}

/* Whether the kernel has the syscall dispatchers fentry attaches to: x64_sys_call came
 * with Linux 6.9 (x86_64). */
static bool
fentry_expected(void)
{
#if defined(__x86_64__)
	return kernel_version() >= 6009;
#else
	return false;
#endif
}

/* Sessions are named by the native execve and execveat: their numbers, for the program. */
static int
set_session_config(struct bpf_object *obj)
{
	uint32_t on = 1, execve = 0, execveat = 0;

	(void)ksc_syscall_resolve_name(ksc_arch_native(), "execve", &execve);
	(void)ksc_syscall_resolve_name(ksc_arch_native(), "execveat", &execveat);
	if (set_rodata(obj, "sessions_on", &on, sizeof(on)) < 0 ||
	    set_rodata(obj, "execve_nr", &execve, sizeof(execve)) < 0 ||
	    set_rodata(obj, "execveat_nr", &execveat, sizeof(execveat)) < 0)
		return -ENOENT;
	return 0;
}

/* Hash maps are preallocated: the ones this recording does not use are sized down, the
 * per-cgroup and session tables up to what it keeps apart. */
static void
size_maps(struct bpf_object *obj, bool want_args, const struct target *target)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, "tgids");

	if (map && target->cgroup)
		(void)bpf_map__set_max_entries(map, 1);
	map = bpf_object__find_map_by_name(obj, "seen_args");
	if (map && !want_args)
		(void)bpf_map__set_max_entries(map, 1);
	map = bpf_object__find_map_by_name(obj, "refine");
	if (map && !want_args)
		(void)bpf_map__set_max_entries(map, 1);
	map = bpf_object__find_map_by_name(obj, "cgroup_seen");
	if (map)
		(void)bpf_map__set_max_entries(map, (target->per_cgroup ? PENDING_CGROUPS : 0) +
		                                            (target->sessions ? SESSIONS_MAX : 0) +
		                                            1);
	map = bpf_object__find_map_by_name(obj, "sessions");
	if (map)
		(void)bpf_map__set_max_entries(map, target->sessions ? SESSION_TGIDS : 1);
	map = bpf_object__find_map_by_name(obj, "classified");
	if (map && !target->per_cgroup)
		(void)bpf_map__set_max_entries(map, 1);
}

/* The program's .bss, shared with it: mapped here (libbpf maps it for skeletons only), each
 * variable user space reads or sets pointed at. 0 or -errno with a message. */
static int
map_state(struct loaded *l, struct ksc_error **reterr)
{
	const struct {
		const char *name;
		volatile void **at; /* the struct loaded member that points at it */
	} vars[] = {
		{ "armed", (volatile void **)&l->armed },
		{ "seen", (volatile void **)&l->seen },
		{ "lost_args", (volatile void **)&l->lost_args },
		{ "lost_tgids", (volatile void **)&l->lost_tgids },
		{ "beyond_table", (volatile void **)&l->beyond_table },
		{ "lost_cgroups", (volatile void **)&l->lost_cgroups },
		{ "lost_sessions", (volatile void **)&l->lost_sessions },
		{ "classify", (volatile void **)&l->classify },
		{ "own_pending", (volatile void **)&l->own_pending },
		{ "sessions_gen", (volatile void **)&l->sessions_gen },
	};
	struct bpf_map *bss = section_map(l->obj, ".bss");
	size_t offsets[ELEMENTSOF(vars)], size;
	int r;

	for (size_t i = 0; i < ELEMENTSOF(vars); i++)
		if (!bss || var_offset(l->obj, ".bss", vars[i].name, &offsets[i],
		                       streq(vars[i].name, "seen") ? &l->seen_size : &size) < 0)
			return ksc_error_setf(reterr, -EINVAL, "the BPF object lacks its state");
	l->bss_size = bpf_map__value_size(bss);
	l->bss = mmap(NULL, l->bss_size, PROT_READ | PROT_WRITE, MAP_SHARED, bpf_map__fd(bss), 0);
	if (l->bss == MAP_FAILED) {
		r = -errno;
		l->bss = NULL;
		return ksc_error_setf(reterr, r, "cannot map the BPF program's state: %s",
		                      strerror(-r));
	}
	for (size_t i = 0; i < ELEMENTSOF(vars); i++)
		*vars[i].at = l->bss + offsets[i];
	return 0;
}

static int
load_object(struct loaded *l, bool want_args, const struct target *target, bool fentry, bool ia32,
            struct ksc_error **reterr)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = "kseccomp_record");
	uint32_t native = ksc_arch_audit_token(ksc_arch_native()), compat = compat_token(),
	         args = want_args, layout = thread_status_layout(), per_cgroup = target->per_cgroup;
	struct bpf_program *prog;
	int r;

	*l = (struct loaded){ 0 };
	libbpf_set_print(silent_print);
	l->obj = bpf_object__open_mem(record_bpf_object, record_bpf_object_len, &opts);
	if (!l->obj)
		return ksc_error_setf(reterr, -errno, "cannot open the BPF object: %s",
		                      strerror(errno));
	choose_programs(l->obj, fentry, ia32 && compat, !target->cgroup || target->sessions);
	l->method = fentry ? "fentry" : "tracepoint";
	size_maps(l->obj, want_args, target);
	if ((!target->cgroup || target->sessions) && set_tgid_offset(l->obj) < 0) {
		unload(l);
		return ksc_error_setf(reterr, -ENOENT,
		                      "following a process's children needs the kernel's BTF "
		                      "(/sys/kernel/btf/vmlinux)");
	}
	if (target->sessions && set_session_config(l->obj) < 0) {
		unload(l);
		return ksc_error_setf(reterr, -EINVAL, "the BPF object lacks its configuration");
	}
	if (set_rodata(l->obj, "target_cgroup", &target->cgroup, sizeof(target->cgroup)) < 0 ||
	    set_rodata(l->obj, "target_level", &target->level, sizeof(target->level)) < 0 ||
	    set_rodata(l->obj, "per_cgroup", &per_cgroup, sizeof(per_cgroup)) < 0 ||
	    set_rodata(l->obj, "native_token", &native, sizeof(native)) < 0 ||
	    set_rodata(l->obj, "compat_token", &compat, sizeof(compat)) < 0 ||
	    set_rodata(l->obj, "want_args", &args, sizeof(args)) < 0 ||
	    set_rodata(l->obj, "status_layout", &layout, sizeof(layout)) < 0) {
		unload(l);
		return ksc_error_setf(reterr, -EINVAL, "the BPF object lacks its configuration");
	}
	r = bpf_object__load(l->obj);
	if (r < 0) {
		unload(l);
		if (fentry && r == -EPERM && fentry_expected())
			return ksc_error_setf(reterr, r,
			                      "cannot load the BPF program on x64_sys_call: %s "
			                      "(this kernel refuses fentry programs, by a security "
			                      "policy or lockdown; --attach tracepoint works)",
			                      strerror(-r));
		return ksc_error_setf(
		        reterr, r,
		        fentry ? "cannot load the BPF program on x64_sys_call: %s (fentry needs "
		                 "Linux 6.9 or later on x86_64, with BTF; --attach tracepoint "
		                 "works on older kernels)"
		               : "cannot load the BPF program: %s (root, a kernel with BTF and "
		                 "tracepoints are needed; --backend ptrace works without)",
		        strerror(-r));
	}
	r = map_state(l, reterr);
	if (r < 0) {
		unload(l);
		return r;
	}
	l->args_fd = bpf_object__find_map_fd_by_name(l->obj, "seen_args");
	l->refine_fd = bpf_object__find_map_fd_by_name(l->obj, "refine");
	l->tgids_fd = bpf_object__find_map_fd_by_name(l->obj, "tgids");
	l->cgroup_seen_fd = bpf_object__find_map_fd_by_name(l->obj, "cgroup_seen");
	l->sessions_fd = bpf_object__find_map_fd_by_name(l->obj, "sessions");
	l->commands_fd = bpf_object__find_map_fd_by_name(l->obj, "commands");
	l->classified_fd = bpf_object__find_map_fd_by_name(l->obj, "classified");
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
load(struct loaded *l, bool want_args, enum record_attach attach, const struct target *target,
     struct ksc_diags *diags, struct ksc_error **reterr)
{
	bool fentry = attach == RECORD_ATTACH_FENTRY ||
	              (attach == RECORD_ATTACH_AUTO && fentry_expected());
	int r;

	libbpf_diags = diags;
	r = load_object(l, want_args, target, fentry, true, reterr);
	/* a kernel without ia32 emulation has no ia32_sys_call, and no i386 calls to record */
	if (r < 0 && fentry && compat_token()) {
		ksc_error_free(*reterr);
		*reterr = NULL;
		r = load_object(l, want_args, target, true, false, reterr);
	}
	if (r < 0 && fentry && attach == RECORD_ATTACH_AUTO) {
		if (getenv("KSECCOMP_DEBUG_BPF"))
			(void)ksc_diags_addf(diags, KSC_SEVERITY_WARNING, NULL, 0, 0, NULL,
			                     "fentry: %s; the tracepoint instead",
			                     ksc_error_message(*reterr));
		ksc_error_free(*reterr);
		*reterr = NULL;
		r = load_object(l, want_args, target, false, false, reterr);
	}
	libbpf_diags = NULL;
	return r;
}

/* A seen (slot, nr) into rec: slot 0 native, 1 compat, 2 x32. */
static void
add_seen(struct recording *rec, size_t i)
{
	size_t slot = i / SEEN_SLOT;
	uint32_t nr = (uint32_t)(i % SEEN_SLOT), token;
	enum ksc_arch arch;

	token = slot == 1 ? compat_token() : ksc_arch_audit_token(ksc_arch_native());
	if (slot == 2)
		nr |= 0x40000000;
	if (ksc_arch_from_audit_token(token, nr, &arch) == 0)
		recording_add(rec, arch, nr, NULL);
}

/* Where a session's calls go: rec itself for the container's own, else one of its sessions,
 * named by the command the program kept. NULL when out of memory. */
static struct recording *
session_recording(const struct loaded *l, struct recording *rec, uint64_t session)
{
	struct record_command c;
	const char *argv[RECORDING_COMMAND_ARGS + 1] = { 0 };
	struct recording *known;

	if (session == 0)
		return rec;
	if ((known = recording_find_session(rec, session)))
		return known; /* its command read already */
	if (session != 1 && bpf_map_lookup_elem(l->commands_fd, &session, &c) == 0)
		for (size_t a = 0; a < RECORDING_COMMAND_ARGS && c.argv[a][0]; a++) {
			c.argv[a][RECORDING_COMMAND_ARG - 1] = '\0';
			argv[a] = c.argv[a];
		}
	return recording_session(rec, session, argv);
}

/* Everything the maps hold of one cgroup (per_cgroup; else cgroup 0: all), into rec and its
 * sessions. */
static void
harvest_cgroup(const struct loaded *l, uint64_t cgroup, struct recording *rec, bool want_args)
{
	struct arg_key akey, anext;
	struct group_key gkey, gnext;
	struct recording *to;
	void *prev = NULL;

	while (want_args && bpf_map_get_next_key(l->args_fd, prev, &anext) == 0) {
		enum ksc_arch arch;
		uint64_t args[6] = { 0 };
		const char *name;
		int arg;

		akey = anext;
		prev = &akey;
		if (akey.cgroup != cgroup ||
		    ksc_arch_from_audit_token(akey.token, akey.nr, &arch) < 0)
			continue;
		name = ksc_syscall_name(arch, akey.nr);
		arg = name ? recording_refined_arg(name) : -1;
		if (arg < 0 || !(to = session_recording(l, rec, akey.session)))
			continue;
		args[arg] = akey.value;
		recording_add(to, arch, akey.nr, args);
	}
	/* cgroup_seen: per_cgroup, each cgroup's sessions (its own: 0); else the sessions */
	for (prev = NULL; bpf_map_get_next_key(l->cgroup_seen_fd, prev, &gnext) == 0;) {
		uint64_t w[SEEN_WORDS];

		gkey = gnext;
		prev = &gkey;
		if (gkey.cgroup != cgroup || bpf_map_lookup_elem(l->cgroup_seen_fd, &gkey, w) < 0 ||
		    !(to = session_recording(l, rec, gkey.session)))
			continue;
		for (size_t i = 0; i < 3 * SEEN_SLOT; i++)
			if (w[i / 64] & (1ull << (i % 64)))
				add_seen(to, i);
	}
	/* seen[]: native calls, then compat calls, then x32 calls */
	for (size_t i = 0; !cgroup && i < l->seen_size; i++)
		if (l->seen[i])
			add_seen(rec, i);
	rec->method = l->method;
	rec->lost_args += *l->lost_args;
	rec->lost_children += *l->lost_tgids;
	rec->beyond_table += *l->beyond_table;
	rec->lost_sessions += *l->lost_sessions;
}

/* One pass of seed_sessions(): the processes cgroup holds noted with their sessions (flags:
 * BPF_ANY, or BPF_NOEXIST to leave those the program noted alone). How many, or -errno. */
static ssize_t
seed_pass(const struct loaded *l, const char *cgroup, pid_t init, uint64_t flags)
{
	struct record_seed *seeds = NULL;
	size_t n = 0;
	int r = record_sessions_scan(cgroup, init, &seeds, &n);

	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		if (seeds[i].session)
			(void)bpf_map_update_elem(l->commands_fd, &seeds[i].session,
			                          &seeds[i].command, BPF_NOEXIST);
		if (bpf_map_update_elem(l->sessions_fd, &seeds[i].tgid, &seeds[i].session, flags) <
		            0 &&
		    errno != EEXIST)
			(*l->lost_sessions)++;
	}
	free(seeds);
	return (ssize_t)n;
}

/* Note the sessions of the processes cgroup holds (init: the container's first process)
 * and tell sessions apart from now on (classified: the cgroup's id for a per-cgroup
 * recording, else 0). A process forked while the first pass ran, by a parent it had not
 * noted yet, is found by a second. 0 or -errno. */
static int
seed_sessions(const struct loaded *l, const char *cgroup, pid_t init, uint64_t classified)
{
	uint8_t one = 1;
	ssize_t n = seed_pass(l, cgroup, init, BPF_ANY);

	if (n < 0)
		return (int)n;
	/* nothing there yet: the first process to come is the container's own */
	if (n == 0 && !classified)
		*l->own_pending = 1;
	*l->classify = 1;
	if (classified && bpf_map_update_elem(l->classified_fd, &classified, &one, BPF_ANY) < 0)
		return -errno;
	n = seed_pass(l, cgroup, init, BPF_NOEXIST);
	if (n < 0)
		return (int)n;
	/* what the CPUs keep of the processes they saw gives way to what was noted */
	__atomic_fetch_add(l->sessions_gen, 1, __ATOMIC_SEQ_CST);
	/* a first process the second pass found is noted as the container's own already */
	if (n > 0)
		*l->own_pending = 0;
	return 0;
}

static void
harvest(const struct loaded *l, struct recording *rec, bool want_args)
{
	harvest_cgroup(l, 0, rec, want_args);
}

bool
record_ebpf_available(void)
{
	return geteuid() == 0 && access("/sys/kernel/btf/vmlinux", R_OK) == 0;
}

/* A cgroup v2 directory as the program matches it: its id (what bpf_get_current_cgroup_id()
 * says in it, the directory's inode number) and its depth below the hierarchy's root. */
static int
cgroup_target(const char *path, struct target *ret, struct ksc_error **reterr)
{
	char real[PATH_MAX];
	struct statfs sfs;
	struct stat st;
	uint32_t level = 0;

	if (!realpath(path, real) || statfs(real, &sfs) < 0 || stat(real, &st) < 0)
		return ksc_error_setf(reterr, -errno, "%s: %s", path, strerror(errno));
	if (sfs.f_type != CGROUP2_SUPER_MAGIC || !S_ISDIR(st.st_mode))
		return ksc_error_setf(reterr, -ENOTDIR, "%s: not a cgroup v2 directory", path);
	/* up to the hierarchy's root: the last directory whose parent is no cgroup2 */
	for (char *slash; (slash = strrchr(real, '/')) && slash != real; level++) {
		*slash = '\0';
		if (statfs(real, &sfs) < 0 || sfs.f_type != CGROUP2_SUPER_MAGIC)
			break;
	}
	*ret = (struct target){ .cgroup = (uint64_t)st.st_ino, .level = level };
	return 0;
}

/* The launched child: in the cgroup, wait for recording to be armed, exec. Failures are
 * reported on report_fd. armed: the program's flag, mapped before the fork. */
_noreturn_ static void
child(const char *procs, bool nnp, char **argv, int ready_fd, const volatile uint32_t *armed,
      int report_fd)
{
	int fd, err;

	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (procs) {
		fd = open(procs, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, "0", 1) != 1) {
			record_child_report(report_fd, procs, errno);
			_exit(RECORD_EXIT_CANNOT_EXEC);
		}
		close(fd);
	}
	if (nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		_exit(RECORD_EXIT_CANNOT_EXEC);
	/* in the cgroup: say so, and wait until recording is armed; from here on, the
	 * workload's execve. The wait spins on the flag: a syscall to wait in (a read of a
	 * pipe) would be recorded whenever the parent arms before the child has entered it. */
	if (write(ready_fd, "r", 1) != 1)
		_exit(RECORD_EXIT_CANNOT_EXEC);
	while (!*armed)
		;
	execvp(argv[0], argv);
	err = errno;
	record_child_report(report_fd, argv[0], err);
	_exit(err == ENOENT ? RECORD_EXIT_NOT_FOUND : RECORD_EXIT_CANNOT_EXEC);
}

/* Fork a child born in the cgroup (CLONE_INTO_CGROUP, Linux 5.7): moving a process into one
 * costs an RCU grace period; fork and a write to cgroup.procs where clone3 cannot. Like
 * fork(): the pid, 0 in the child (*ret_moved: whether it still has to move itself), -1. */
static pid_t
fork_into_cgroup(const char *cgroup, bool *ret_moved)
{
	int cgfd = open(cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct clone_args ca = {
		.flags = CLONE_INTO_CGROUP,
		.exit_signal = SIGCHLD,
		.cgroup = (uint64_t)(cgfd >= 0 ? cgfd : 0),
	};
	pid_t pid;

	*ret_moved = false;
	pid = cgfd >= 0 ? (pid_t)syscall(SYS_clone3, &ca, sizeof(ca)) : -1;
	if (pid == 0)
		*ret_moved = true; /* already there */
	else if (pid < 0)
		pid = fork();
	if (cgfd >= 0 && pid != 0)
		close(cgfd);
	return pid;
}

int
record_ebpf_run(struct recording *rec, bool want_args, enum record_attach attach, bool nnp,
                const char *cgroup, char **argv, int *ret_status, struct ksc_diags *diags,
                struct ksc_error **reterr)
{
	struct loaded l;
	char procs[PATH_MAX + 16];
	struct target target = { 0 };
	int ready[2] = { -1, -1 }, report[2] = { -1, -1 }, r, status;
	bool moved;
	pid_t pid;

	r = cgroup_target(cgroup, &target, reterr);
	if (r < 0)
		return r;
	if ((size_t)snprintf(procs, sizeof(procs), "%s/cgroup.procs", cgroup) >= sizeof(procs))
		return ksc_error_setf(reterr, -ENAMETOOLONG, "%s: %s", cgroup,
		                      strerror(ENAMETOOLONG));
	r = load(&l, want_args, attach, &target, diags, reterr);
	if (r < 0)
		return r;
	if (pipe2(ready, O_CLOEXEC) < 0 || pipe2(report, O_CLOEXEC) < 0) {
		r = ksc_error_setf(reterr, -errno, "pipe: %s", strerror(errno));
		goto out;
	}
	pid = fork_into_cgroup(cgroup, &moved);
	if (pid < 0) {
		r = ksc_error_setf(reterr, -errno, "fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		close(ready[0]);
		close(report[0]);
		child(moved ? NULL : procs, nnp, argv, ready[1], l.armed, report[1]);
	}
	close(TAKE_FD(ready[1]));
	close(TAKE_FD(report[1]));
	{
		char c;

		while (read(ready[0], &c, 1) < 0 && errno == EINTR)
			;
	}
	*l.armed = 1; /* go */
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			r = -errno;
			break;
		}
	if (r >= 0) {
		*ret_status = status;
		harvest(&l, rec, want_args);
		r = record_child_diag(report[0], diags);
	} else
		(void)ksc_error_setf(reterr, r, "recording failed: %s", strerror(-r));
	/* the cgroup's stragglers (daemons the command left behind) are the command's too:
	 * the caller removes the cgroup */
out:
	for (size_t i = 0; i < 2; i++) {
		if (ready[i] >= 0)
			close(ready[i]);
		if (report[i] >= 0)
			close(report[i]);
	}
	unload(&l);
	return r;
}

int
record_ebpf_attach(struct recording *rec, bool want_args, enum record_attach attach,
                   const pid_t *pids, size_t n_pids, volatile sig_atomic_t *stop,
                   struct ksc_diags *diags, struct ksc_error **reterr)
{
	struct loaded l;
	uint8_t one = 1;
	int r;

	r = load(&l, want_args, attach, &(const struct target){ 0 }, diags, reterr);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n_pids; i++) {
		uint32_t tgid = (uint32_t)pids[i];

		(void)bpf_map_update_elem(l.tgids_fd, &tgid, &one, BPF_ANY);
	}
	*l.armed = 1;
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

/* Whether the program has seen any syscall yet. */
static bool
any_seen(const struct loaded *l)
{
	for (size_t i = 0; i < l->seen_size; i++)
		if (l->seen[i])
			return true;
	return false;
}

/* Whether a cgroup v2 directory has processes: 1, 0, or -errno (gone). */
static int
cgroup_populated(const char *path)
{
	char file[PATH_MAX + 16], text[256];
	ssize_t n;
	int fd;

	if ((size_t)snprintf(file, sizeof(file), "%s/cgroup.events", path) >= sizeof(file))
		return -ENAMETOOLONG;
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n < 0)
		return -errno;
	text[n] = '\0';
	return strstr(text, "populated 1") != NULL;
}

int
record_ebpf_follow_cgroups(struct recording *recs, const char *const *cgroups, const pid_t *inits,
                           size_t n, bool want_args, enum record_attach attach,
                           volatile sig_atomic_t *stop, struct ksc_diags *diags,
                           struct ksc_error **reterr)
{
	struct loaded *l = calloc(n, sizeof(*l));
	/* 0 waiting for its first process, 1 populated, 2 done */
	uint8_t *phase = calloc(n, 1);
	size_t done = 0;
	int r = 0;

	if (!l || !phase) {
		free(l);
		free(phase);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n && r >= 0; i++) {
		struct target target;

		r = cgroup_target(cgroups[i], &target, reterr);
		target.sessions = true;
		if (r >= 0)
			r = load(&l[i], want_args, attach, &target, diags, reterr);
		if (r >= 0 && (r = seed_sessions(&l[i], cgroups[i], inits ? inits[i] : 0, 0)) < 0)
			(void)ksc_error_setf(reterr, r, "%s: %s", cgroups[i], strerror(-r));
		if (r >= 0)
			*l[i].armed = 1;
	}
	/* each until its cgroup has had processes and has none left, or is removed; all until
	 * SIGINT/SIGTERM */
	while (r >= 0 && !*stop && done < n) {
		for (size_t i = 0; i < n; i++) {
			int populated;

			if (phase[i] == 2)
				continue;
			populated = cgroup_populated(cgroups[i]);
			if (populated < 0 || (phase[i] == 1 && !populated)) {
				phase[i] = 2;
				done++;
				continue;
			}
			/* a process too short-lived to be seen populating it has left its
			 * syscalls */
			if (populated || any_seen(&l[i]))
				phase[i] = 1;
		}
		if (done < n)
			(void)poll(NULL, 0, 100);
	}
	for (size_t i = 0; i < n; i++) {
		if (r >= 0)
			harvest(&l[i], &recs[i], want_args);
		if (l[i].obj)
			unload(&l[i]);
	}
	free(l);
	free(phase);
	return r;
}

struct record_pending {
	struct loaded l;
	bool want_args;
};

int
record_ebpf_pending_start(const char *parent, bool want_args, enum record_attach attach,
                          struct record_pending **ret, struct ksc_diags *diags,
                          struct ksc_error **reterr)
{
	struct record_pending *p;
	struct target target;
	char root[PATH_MAX];
	int r;

	*ret = NULL;
	if (!parent) {
		r = ksc_fs_cgroup2_mount(root, sizeof(root));
		if (r < 0)
			return ksc_error_setf(reterr, r, "no cgroup v2 hierarchy: %s",
			                      strerror(-r));
		parent = root;
	}
	r = cgroup_target(parent, &target, reterr);
	if (r < 0)
		return r;
	target.per_cgroup = true;
	target.sessions = true;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	r = load(&p->l, want_args, attach, &target, diags, reterr);
	if (r < 0) {
		free(p);
		return r;
	}
	p->want_args = want_args;
	*p->l.armed = 1;
	*ret = p;
	return 0;
}

int
record_ebpf_pending_classify(struct record_pending *p, const char *cgroup, uint64_t id, pid_t init)
{
	return seed_sessions(&p->l, cgroup, init, id);
}

int
record_ebpf_pending_harvest(struct record_pending *p, uint64_t id, struct recording *rec)
{
	uint64_t w[SEEN_WORDS];
	struct group_key own = { .cgroup = id };

	if (bpf_map_lookup_elem(p->l.cgroup_seen_fd, &own, w) < 0)
		return *p->l.lost_cgroups ? -ENOSPC : -ENOENT;
	harvest_cgroup(&p->l, id, rec, p->want_args);
	return 0;
}

void
record_ebpf_pending_free(struct record_pending *p)
{
	if (!p)
		return;
	unload(&p->l);
	free(p);
}

int
record_cgroup_id(const char *cgroup, uint64_t *ret, struct ksc_error **reterr)
{
	struct target target;
	int r = cgroup_target(cgroup, &target, reterr);

	if (r >= 0)
		*ret = target.cgroup;
	return r;
}

int
record_cgroup_populated(const char *cgroup)
{
	return cgroup_populated(cgroup);
}

#else /* !HAVE_LIBBPF */

bool
record_ebpf_available(void)
{
	return false;
}

int
record_ebpf_run(struct recording *rec, bool want_args, enum record_attach attach, bool nnp,
                const char *cgroup, char **argv, int *ret_status, struct ksc_diags *diags,
                struct ksc_error **reterr)
{
	return ksc_error_setf(reterr, -EOPNOTSUPP,
	                      "this kseccomp was built without libbpf: use --backend ptrace");
}

int
record_ebpf_attach(struct recording *rec, bool want_args, enum record_attach attach,
                   const pid_t *pids, size_t n_pids, volatile sig_atomic_t *stop,
                   struct ksc_diags *diags, struct ksc_error **reterr)
{
	return ksc_error_setf(reterr, -EOPNOTSUPP,
	                      "this kseccomp was built without libbpf: use --backend ptrace");
}

int
record_ebpf_follow_cgroups(struct recording *recs, const char *const *cgroups, const pid_t *inits,
                           size_t n, bool want_args, enum record_attach attach,
                           volatile sig_atomic_t *stop, struct ksc_diags *diags,
                           struct ksc_error **reterr)
{
	return ksc_error_setf(reterr, -EOPNOTSUPP,
	                      "this kseccomp was built without libbpf: --cgroup needs it");
}

int
record_ebpf_pending_start(const char *parent, bool want_args, enum record_attach attach,
                          struct record_pending **ret, struct ksc_diags *diags,
                          struct ksc_error **reterr)
{
	*ret = NULL;
	return ksc_error_setf(reterr, -EOPNOTSUPP,
	                      "this kseccomp was built without libbpf: --wait needs it");
}

int
record_ebpf_pending_classify(struct record_pending *p, const char *cgroup, uint64_t id, pid_t init)
{
	return -EOPNOTSUPP;
}

int
record_ebpf_pending_harvest(struct record_pending *p, uint64_t id, struct recording *rec)
{
	return -EOPNOTSUPP;
}

void
record_ebpf_pending_free(struct record_pending *p)
{
}

int
record_cgroup_id(const char *cgroup, uint64_t *ret, struct ksc_error **reterr)
{
	return ksc_error_setf(reterr, -EOPNOTSUPP, "this kseccomp was built without libbpf");
}

int
record_cgroup_populated(const char *cgroup)
{
	return -EOPNOTSUPP;
}

#endif
