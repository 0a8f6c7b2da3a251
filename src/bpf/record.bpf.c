/* SPDX-License-Identifier: Apache-2.0 OR GPL-2.0-only */
/*
 * kseccomp record's kernel side: on every syscall entry of a recorded process, note its
 * (arch, number) once. Recorded processes are those of one cgroup (a launched command, a
 * pod's containers) or of a set of thread-group IDs that grows as they fork (--pid). The
 * first occurrence of each syscall is a map insert; every later one is one lookup. User
 * space reads the maps when the workload ends. With want_args, the argument the profile
 * refines (socket's family, personality's persona, clone's flags) is noted per value.
 *
 * Dual-licensed, and declared GPL to the kernel: the helpers it needs on tracepoints
 * (bpf_get_current_task, bpf_probe_read_kernel) are GPL-only there.
 */
#include <linux/bpf.h>
#include <linux/types.h>

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

/* What CO-RE needs of the kernel's types: libbpf relocates these fields with its BTF. */
struct thread_info {
	__u32 status;
} __attribute__((preserve_access_index));

struct task_struct {
	struct thread_info thread_info;
	int pid;
	int tgid;
} __attribute__((preserve_access_index));

#define TS_COMPAT 0x0002 /* x86: a 32-bit syscall is active */

/* raw_syscalls:sys_enter, whose format has been the same since it exists */
struct sys_enter_args {
	__u64 common;
	long id;
	unsigned long args[6];
};

struct config {
	__u64 cgroup_id;      /* record this cgroup; 0: the tgids map instead */
	__u32 armed;          /* recording starts when user space says so (the execve) */
	__u32 want_args;
	__u32 native_token;   /* AUDIT_ARCH_* of a native syscall */
	__u32 compat_token;   /* and of a compat one (i386 on x86_64), 0 when none */
};

struct seen_key {
	__u32 token;
	__u32 nr;
};

struct arg_key {
	__u32 token;
	__u32 nr;
	__u64 value;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct config);
} config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, struct seen_key);
	__type(value, __u8);
} seen SEC(".maps");

/* (token, nr) -> which argument to note, for the refined syscalls */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, struct seen_key);
	__type(value, __u32);
} refine SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct arg_key);
	__type(value, __u8);
} seen_args SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u8);
} tgids SEC(".maps");

static __always_inline const struct config *
get_config(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&config, &zero);
}

static __always_inline int
recorded(const struct config *cfg)
{
	if (cfg->cgroup_id)
		return bpf_get_current_cgroup_id() == cfg->cgroup_id;
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;

	return bpf_map_lookup_elem(&tgids, &tgid) != 0;
}

SEC("tracepoint/raw_syscalls/sys_enter")
int on_sys_enter(struct sys_enter_args *ctx)
{
	const struct config *cfg = get_config();
	struct seen_key key;
	__u8 one = 1;

	if (!cfg || !cfg->armed || !recorded(cfg))
		return 0;
	key.token = cfg->native_token;
#if defined(__TARGET_ARCH_x86)
	if (cfg->compat_token) {
		struct task_struct *task = (struct task_struct *)bpf_get_current_task();

		if (BPF_CORE_READ(task, thread_info.status) & TS_COMPAT)
			key.token = cfg->compat_token;
	}
#endif
	key.nr = (__u32)ctx->id;
	if (cfg->want_args) {
		__u32 *arg = bpf_map_lookup_elem(&refine, &key);

		if (arg && *arg < 6) {
			struct arg_key ak = { .token = key.token, .nr = key.nr };

			/* the context is read at constant offsets only: copy, then index */
			unsigned long args[8] = { 0 };
			__u32 idx = *arg & 7;

			__builtin_memcpy(args, ctx->args, sizeof(ctx->args));
			ak.value = args[idx];
			bpf_map_update_elem(&seen_args, &ak, &one, BPF_ANY);
		}
	}
	if (bpf_map_lookup_elem(&seen, &key))
		return 0;
	bpf_map_update_elem(&seen, &key, &one, BPF_NOEXIST);
	return 0;
}

/* --pid: a recorded process's children are recorded too */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct *parent, struct task_struct *child)
{
	const struct config *cfg = get_config();
	__u32 ptgid, ctgid;
	__u8 one = 1;

	if (!cfg || cfg->cgroup_id)
		return 0;
	ptgid = BPF_CORE_READ(parent, tgid);
	if (!bpf_map_lookup_elem(&tgids, &ptgid))
		return 0;
	ctgid = BPF_CORE_READ(child, tgid);
	bpf_map_update_elem(&tgids, &ctgid, &one, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
