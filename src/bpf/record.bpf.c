/* SPDX-License-Identifier: Apache-2.0 OR GPL-2.0-only */
/*
 * kseccomp record's kernel side: on every syscall entry of a recorded process, note its
 * (arch, number) once. Recorded processes are those of one cgroup (a launched command, a
 * pod's containers) or of a set of thread-group IDs that grows as they fork (--pid). The
 * first occurrence of each syscall is a map insert; every later one is one lookup. User
 * space reads the maps when the workload ends. With want_args, the argument the profile
 * refines (socket's family, personality's persona, clone's flags) is noted per value.
 *
 * Dual-licensed, and declared GPL to the kernel: bpf_probe_read_kernel is GPL-only there.
 */
#include <linux/bpf.h>
#include <linux/types.h>

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

/* The user registers a syscall entered with, as the kernel saves them: struct pt_regs of
 * the user ABI (asm/ptrace.h), a layout that never changes, so no BTF is needed to read it.
 * x86_64: the code segment tells a 32-bit (i386) syscall, di and bx hold the first argument
 * of a 64-bit and a 32-bit one. */
#if defined(__TARGET_ARCH_x86)
#define REGS_DI_OFFSET 112
#define REGS_BX_OFFSET 40
#define REGS_CS_OFFSET 136
#define USER32_CS      0x23
#elif defined(__TARGET_ARCH_arm64)
#define REGS_X0_OFFSET 0
#endif

/* Set by user space before the program is loaded (.rodata: the verifier sees constants). */
const volatile __u64 target_cgroup = 0; /* record this cgroup; 0: the tgids map instead */
const volatile __u32 target_level = 0;  /* its depth in the cgroup v2 hierarchy (root: 0) */
const volatile __u32 native_token = 0;  /* AUDIT_ARCH_* of a native syscall */
const volatile __u32 compat_token = 0;  /* and of a compat one (i386 on x86_64), 0: none */
const volatile __u32 want_args = 0;
/* note each cgroup below the target apart, by its own id, into cgroup_seen (--wait: the
 * containers to record do not exist yet, and are picked out when they appear) */
const volatile __u32 per_cgroup = 0;
const volatile __u32 tgid_offset = 0; /* of struct task_struct, from the kernel's BTF (--pid) */

/* Set by user space while the program runs (.bss, one map value it reads and writes). */
#define SEEN_SLOT 8192 /* syscall numbers below this: mips' go to 6000-odd */
/* per_cgroup: one bit per (slot, nr), as seen[] has one byte */
#define SEEN_WORDS (3 * SEEN_SLOT / 64)
struct seen_bits {
	__u64 w[SEEN_WORDS];
};

/* x86: whether the syscall is a compat (i386) one is the kernel's own TS_COMPAT bit, which
 * it sets in thread_info.status on a 32-bit entry (int 0x80 from 64-bit code too) and
 * clears on the way back. thread_info is the first member of task_struct; status follows
 * flags and, since Linux 5.11, syscall_work (5.11 also brought bpf_get_current_task_btf()).
 * A direct load through the BTF-typed current task costs a nanosecond where a probe read
 * of the saved CS costs about 30; the CS read stays for older kernels. */
#define TS_COMPAT 0x0002
struct thread_info_5_11 {
	unsigned long flags;
	unsigned long syscall_work;
	__u32 status;
};
const volatile __u32 status_layout = 0; /* 2: Linux 5.11 on; 0: read the saved CS instead */
__u32 armed = 0; /* recording starts when user space says so (the workload's execve) */
/* [0]: native calls, [1]: compat calls, [2]: x32 calls (the native token, bit 30 set) */
__u8 seen[3 * SEEN_SLOT] = {};
/* What could not be recorded, for user space to report with the profile */
__u64 lost_args = 0;    /* argument values (--args) the full seen_args map could not take */
__u64 lost_tgids = 0;   /* children of followed processes (--pid) the tgids map could not take */
__u64 lost_cgroups = 0; /* per_cgroup: calls of cgroups the full cgroup_seen map could not take */
struct seen_bits zero_bits = {}; /* a new cgroup's first value in cgroup_seen */
__u64 beyond_table = 0; /* syscalls with a number beyond every table (ENOSYS, not recorded) */

struct seen_key {
	__u32 token;
	__u32 nr;
};

struct arg_key {
	__u32 token;
	__u32 nr;
	__u64 value;
	__u64 cgroup; /* with per_cgroup, the caller's cgroup; else 0 */
};

/* (token, nr) -> 0 for the refined syscalls: their first argument is noted per value */
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

/* per_cgroup: cgroup id -> the calls of its processes (sized by user space) */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, __u64);
	__type(value, struct seen_bits);
} cgroup_seen SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u8);
} tgids SEC(".maps");

static __always_inline int
recorded(void)
{
	/* the cgroup or one below it: its ancestor at the target's depth is the target */
	if (target_cgroup)
		return bpf_get_current_ancestor_cgroup_id(target_level) == target_cgroup;
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;

	return bpf_map_lookup_elem(&tgids, &tgid) != 0;
}

static __always_inline __u64
read_reg(const void *regs, unsigned offset)
{
	__u64 v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), (const char *)regs + offset);
	return v;
}

#if defined(__TARGET_ARCH_x86)
static __always_inline int
is_compat(const void *regs)
{
	if (status_layout == 2)
		return ((struct thread_info_5_11 *)bpf_get_current_task_btf())->status & TS_COMPAT;
	return (read_reg(regs, REGS_CS_OFFSET) & 0xffff) == USER32_CS;
}
#endif

/* Note one syscall of a recorded process: slot 0 native, 1 compat (i386), 2 x32 (nr with
 * bit 30 set). regs: the user registers it was entered with, for --args. */
static __always_inline void
note(const void *regs, __u32 nr, __u32 slot)
{
	/* 64 bits: a 32-bit index is zero-extended afresh from the unchecked register where it
	 * is used (fentry, where slot is a constant), and the verifier rejects the access */
	__u64 idx;

	if ((slot == 2 ? nr & ~0x40000000u : nr) >= SEEN_SLOT) {
		/* a number beyond every table (the kernel answers ENOSYS) */
		__sync_fetch_and_add(&beyond_table, 1);
		return;
	}
	idx = slot * SEEN_SLOT + (nr & (SEEN_SLOT - 1));
	/* a check the verifier sees: the compiler, knowing it always holds, would drop it */
	asm volatile("" : "+r"(idx));
	if (idx >= 3 * SEEN_SLOT)
		return;
	if (want_args) {
		struct seen_key key = { .token = slot == 1 ? compat_token : native_token,
			                .nr = nr };

		if (bpf_map_lookup_elem(&refine, &key)) {
			struct arg_key ak = { .token = key.token, .nr = nr };

			if (per_cgroup)
				ak.cgroup = bpf_get_current_cgroup_id();
			__u8 one = 1;

#if defined(__TARGET_ARCH_x86)
			ak.value = slot == 1 ? (__u32)read_reg(regs, REGS_BX_OFFSET)
			                     : read_reg(regs, REGS_DI_OFFSET);
#elif defined(__TARGET_ARCH_arm64)
			ak.value = read_reg(regs, REGS_X0_OFFSET);
#endif
			/* a value already noted costs a lookup; one that cannot be is counted */
			if (!bpf_map_lookup_elem(&seen_args, &ak) &&
			    bpf_map_update_elem(&seen_args, &ak, &one, BPF_NOEXIST) < 0 &&
			    !bpf_map_lookup_elem(&seen_args, &ak))
				__sync_fetch_and_add(&lost_args, 1);
		}
	}
	if (per_cgroup) {
		__u64 id = bpf_get_current_cgroup_id(), bit = 1ull << (idx & 63);
		struct seen_bits *b = bpf_map_lookup_elem(&cgroup_seen, &id);

		if (!b) {
			(void)bpf_map_update_elem(&cgroup_seen, &id, &zero_bits, BPF_NOEXIST);
			b = bpf_map_lookup_elem(&cgroup_seen, &id);
		}
		if (!b) {
			__sync_fetch_and_add(&lost_cgroups, 1);
			return;
		}
		if (!(b->w[idx >> 6] & bit))
			__sync_fetch_and_or(&b->w[idx >> 6], bit);
		return;
	}
	if (!seen[idx])
		seen[idx] = 1;
}

/* raw_syscalls:sys_enter as a raw tracepoint (regs, id): no perf event in between, so it
 * costs less per syscall and detaches without waiting for an RCU grace period. While it is
 * attached, every task of the machine takes the kernel's slow syscall entry. */
SEC("raw_tracepoint/sys_enter")
int
on_sys_enter(struct bpf_raw_tracepoint_args *ctx)
{
	const void *regs = (const void *)ctx->args[0];
	__u32 nr = (__u32)ctx->args[1], slot = 0;

	if (!armed || !recorded())
		return 0;
	if (nr & 0x40000000)
		slot = 2;
#if defined(__TARGET_ARCH_x86)
	if (compat_token && is_compat(regs))
		slot = 1;
#endif
	note(regs, nr, slot);
	return 0;
}

/* fentry on the kernel's syscall dispatchers (Linux 6.9 on x86): x64_sys_call(regs, nr),
 * ia32_sys_call(regs, nr) and x32_sys_call(regs, nr without the x32 bit). Each is called
 * after seccomp and ptrace have passed the call, with a number below the table's size, as
 * the tracepoint sees it, but through a trampoline of its own: the other tasks' syscalls keep
 * the fast entry. Which function was called tells the ABI. A number beyond every table
 * reaches none of them: do_syscall_64() answers it ENOSYS through __x64_sys_ni_syscall(),
 * which ftrace cannot attach to (nor does it call sys_ni_syscall()), so beyond_table counts
 * such calls for the tracepoint only. */
SEC("fentry/x64_sys_call")
int
on_x64_sys_call(__u64 *ctx)
{
	if (!armed || !recorded())
		return 0;
	note((const void *)ctx[0], (__u32)ctx[1], 0);
	return 0;
}

SEC("fentry/ia32_sys_call")
int
on_ia32_sys_call(__u64 *ctx)
{
	if (!armed || !recorded())
		return 0;
	note((const void *)ctx[0], (__u32)ctx[1], 1);
	return 0;
}

SEC("fentry/x32_sys_call")
int
on_x32_sys_call(__u64 *ctx)
{
	if (!armed || !recorded())
		return 0;
	note((const void *)ctx[0], (__u32)ctx[1] | 0x40000000u, 2);
	return 0;
}

/* --pid: a recorded process's children are recorded too (parent, child) */
SEC("raw_tracepoint/sched_process_fork")
int
on_fork(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 ptgid = 0, ctgid = 0;
	__u8 one = 1;

	if (target_cgroup || !tgid_offset)
		return 0;
	bpf_probe_read_kernel(&ptgid, sizeof(ptgid), (const char *)ctx->args[0] + tgid_offset);
	if (!bpf_map_lookup_elem(&tgids, &ptgid))
		return 0;
	bpf_probe_read_kernel(&ctgid, sizeof(ctgid), (const char *)ctx->args[1] + tgid_offset);
	if (bpf_map_update_elem(&tgids, &ctgid, &one, BPF_ANY) < 0)
		__sync_fetch_and_add(&lost_tgids, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
