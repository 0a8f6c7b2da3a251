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
#define REGS_SI_OFFSET 104
#define REGS_DX_OFFSET 96
#define REGS_BX_OFFSET 40
#define REGS_CS_OFFSET 136
#define USER32_CS      0x23
#define REGS_ARG1      REGS_DI_OFFSET
#define REGS_ARG2      REGS_SI_OFFSET
#define REGS_ARG3      REGS_DX_OFFSET
#elif defined(__TARGET_ARCH_arm64)
#define REGS_X0_OFFSET 0
#define REGS_ARG1      0
#define REGS_ARG2      8
#define REGS_ARG3      16
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
/* Sessions: a recorded cgroup's processes are told apart by where they come from. The
 * container's own (SESSION_OWN) are its first process and what that forks. A process that
 * enters the cgroup from outside it, as an exec into a container does (kubectl exec, an exec
 * probe: the runtime forks a process outside and moves it in), starts a session of its own:
 * SESSION_ENTERED until its first execve, then the hash of that command's arguments (bit 1
 * set, so never one of the two), and what it forks stays in it. Own calls go to seen[];
 * a session's to cgroup_seen under (cgroup, session). */
const volatile __u32 sessions_on = 0; /* told apart at all (on_fork then tracks them) */
const volatile __u32 execve_nr = 0;   /* the native execve and execveat, which name a session */
const volatile __u32 execveat_nr = 0;
#define SESSION_OWN     0
#define SESSION_ENTERED 1
#define CMD_ARGS        6
#define CMD_ARG_LEN     64
struct command {
	char argv[CMD_ARGS][CMD_ARG_LEN]; /* each NUL-terminated, the rest zero */
};

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
/* processes whose session could not be noted (the sessions map full): recorded as the
 * container's own, so that nothing is left out of its profile */
__u64 lost_sessions = 0;
/* Set by user space once it has noted the processes already there (sessions_on):
 * classify, sessions are told apart from now on (with per_cgroup, in the cgroups of
 * `classified` only); own_pending, the recorded cgroup was empty, and the first process to
 * come is the container's own. */
__u32 classify = 0;
__u32 own_pending = 0;
/* Bumped whenever a process's session changes in the sessions map (a fork, an execve naming
 * its session, user space noting processes): what each CPU keeps of the last process it saw
 * (session_cache) holds while this has not moved. */
__u64 sessions_gen = 0;

struct seen_key {
	__u32 token;
	__u32 nr;
};

struct arg_key {
	__u32 token;
	__u32 nr;
	__u64 value;
	__u64 cgroup;  /* with per_cgroup, the caller's cgroup; else 0 */
	__u64 session; /* the caller's session */
};

/* cgroup_seen's key: per_cgroup, the caller's cgroup (else 0), and its session */
struct group_key {
	__u64 cgroup;
	__u64 session;
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

/* (cgroup id with per_cgroup, session) -> the calls of its processes (sized by user space) */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, struct group_key);
	__type(value, struct seen_bits);
} cgroup_seen SEC(".maps");

/* sessions_on: tgid -> its session (sized by user space) */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} sessions SEC(".maps");

/* a session's command, by its hash */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u64);
	__type(value, struct command);
} commands SEC(".maps");

/* per_cgroup: the cgroups whose sessions are told apart (a container's, once found) */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u64);
	__type(value, __u8);
} classified SEC(".maps");

/* per CPU, the session of the last process whose call it noted: a busy process's calls
 * cost an array access instead of a hash lookup each */
#define RECENT 8
struct session_cache {
	__u32 tgid; /* 0 (the idle task's, which makes no call): nothing kept yet */
	__u32 next;
	__u64 gen;
	__u64 session;
	/* the calls (index + 1 in the seen bits) this CPU noted last for one (cgroup, session)
	 * of cgroup_seen: set bits stay set, so these need no lookup */
	__u64 recent_cgroup, recent_session;
	__u32 recent[RECENT];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct session_cache);
} session_cache SEC(".maps");

/* where a command is read into, too big for the stack */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct command);
} scratch SEC(".maps");

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

/* The session an execve starts: its arguments (up to CMD_ARGS of CMD_ARG_LEN - 1 bytes)
 * hashed, FNV-1a over 64-bit words, as user space hashes the processes it finds there; the
 * command kept for user space. 0 when they cannot be read. */
static __always_inline __u64
command_session(const void *regs, int at)
{
	__u32 zero = 0;
	struct command *c = bpf_map_lookup_elem(&scratch, &zero);
	__u64 argv, h = 0xcbf29ce484222325ull;

	if (!c)
		return 0;
	__builtin_memset(c, 0, sizeof(*c));
	argv = read_reg(regs, at ? REGS_ARG3 : REGS_ARG2);
	for (int i = 0; i < CMD_ARGS; i++) {
		__u64 p = 0;

		if (bpf_probe_read_user(&p, sizeof(p), (const void *)(argv + i * 8)) < 0 || !p)
			break;
		bpf_probe_read_user_str(c->argv[i], CMD_ARG_LEN, (const void *)p);
	}
	for (int i = 0; i < (int)(sizeof(*c) / 8); i++) {
		h ^= ((const __u64 *)c)[i];
		h *= 0x100000001b3ull;
	}
	h |= 2;
	(void)bpf_map_update_elem(&commands, &h, c, BPF_NOEXIST);
	return h;
}

/* The session of the calling process (sessions_on), noted on its first call: the
 * container's own when user space said the cgroup was empty, else one that entered it. */
static __always_inline __u64
session_of(const void *regs, __u32 nr, __u32 slot, __u64 cgroup, struct session_cache *sc)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u64 *s, v, gen;
	int exec_call = slot == 0 && execve_nr && (nr == execve_nr || nr == execveat_nr);

	if (!sessions_on || !classify || (per_cgroup && !bpf_map_lookup_elem(&classified, &cgroup)))
		return SESSION_OWN;
	gen = sessions_gen;
	if (sc && sc->tgid == tgid && sc->gen == gen &&
	    !(sc->session == SESSION_ENTERED && exec_call))
		return sc->session;
	s = bpf_map_lookup_elem(&sessions, &tgid);
	if (!s) {
		v = SESSION_ENTERED;
		if (!per_cgroup && own_pending) {
			own_pending = 0;
			v = SESSION_OWN;
		}
		if (bpf_map_update_elem(&sessions, &tgid, &v, BPF_NOEXIST) < 0) {
			__sync_fetch_and_add(&lost_sessions, 1);
			return SESSION_OWN;
		}
		s = bpf_map_lookup_elem(&sessions, &tgid);
		if (!s)
			return SESSION_OWN;
	}
	v = *s;
	/* an entered process's first execve names its session */
	if (v == SESSION_ENTERED && exec_call) {
		v = command_session(regs, nr == execveat_nr);
		if (v) {
			*s = v;
			/* (no fetch of the old value: an atomic that returns one needs Linux 5.12) */
			__sync_fetch_and_add(&sessions_gen, 1);
			gen = sessions_gen;
		} else
			v = SESSION_ENTERED;
	}
	if (sc) {
		sc->tgid = tgid;
		sc->gen = gen;
		sc->session = v;
	}
	return v;
}

/* Note one syscall of a recorded process: slot 0 native, 1 compat (i386), 2 x32 (nr with
 * bit 30 set). regs: the user registers it was entered with, for --args. */
static __always_inline void
note(const void *regs, __u32 nr, __u32 slot)
{
	__u64 cgroup = per_cgroup ? bpf_get_current_cgroup_id() : 0, session;
	__u32 zero = 0;
	struct session_cache *sc = sessions_on ? bpf_map_lookup_elem(&session_cache, &zero) : 0;
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
	session = session_of(regs, nr, slot, cgroup, sc);
	if (want_args) {
		struct seen_key key = { .token = slot == 1 ? compat_token : native_token,
			                .nr = nr };

		if (bpf_map_lookup_elem(&refine, &key)) {
			struct arg_key ak = {
				.token = key.token, .nr = nr, .cgroup = cgroup, .session = session
			};
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
	if (per_cgroup || session != SESSION_OWN) {
		struct group_key gk = { .cgroup = cgroup, .session = session };
		__u64 bit = 1ull << (idx & 63), word;
		struct seen_bits *b;

		if (sc && sc->recent_cgroup == cgroup && sc->recent_session == session) {
			for (int i = 0; i < RECENT; i++)
				if (sc->recent[i] == idx + 1)
					return;
		}
		b = bpf_map_lookup_elem(&cgroup_seen, &gk);

		if (!b) {
			(void)bpf_map_update_elem(&cgroup_seen, &gk, &zero_bits, BPF_NOEXIST);
			b = bpf_map_lookup_elem(&cgroup_seen, &gk);
		}
		if (!b && session != SESSION_OWN) {
			/* no room for the session: the call is the container's own */
			__sync_fetch_and_add(&lost_sessions, 1);
			gk.session = SESSION_OWN;
			if (!per_cgroup) {
				if (!seen[idx])
					seen[idx] = 1;
				return;
			}
			b = bpf_map_lookup_elem(&cgroup_seen, &gk);
		}
		if (!b) {
			__sync_fetch_and_add(&lost_cgroups, 1);
			return;
		}
		/* the word's index checked where it is used: an older verifier (6.12) loses the
		 * unsigned bounds of idx, spilled to the stack and shifted */
		word = idx >> 6;
		asm volatile("" : "+r"(word));
		if (word >= SEEN_WORDS)
			return;
		if (!(b->w[word] & bit))
			__sync_fetch_and_or(&b->w[word], bit);
		if (sc && gk.session == session) {
			if (sc->recent_cgroup != cgroup || sc->recent_session != session) {
				sc->recent_cgroup = cgroup;
				sc->recent_session = session;
				for (int i = 0; i < RECENT; i++)
					sc->recent[i] = 0;
			}
			sc->recent[sc->next++ & (RECENT - 1)] = (__u32)idx + 1;
		}
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

/* --pid: a recorded process's children are recorded too (parent, child). sessions_on: a
 * child is in its parent's session; a process forked by one in none is in none, whatever
 * an earlier process of its tgid was in. */
SEC("raw_tracepoint/sched_process_fork")
int
on_fork(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 ptgid = 0, ctgid = 0;
	__u8 one = 1;

	if (!tgid_offset)
		return 0;
	bpf_probe_read_kernel(&ptgid, sizeof(ptgid), (const char *)ctx->args[0] + tgid_offset);
	bpf_probe_read_kernel(&ctgid, sizeof(ctgid), (const char *)ctx->args[1] + tgid_offset);
	if (sessions_on && ctgid != ptgid) { /* a new thread stays in its process's */
		__u64 *s = bpf_map_lookup_elem(&sessions, &ptgid), v;

		if (s) {
			v = *s;
			if (bpf_map_update_elem(&sessions, &ctgid, &v, BPF_ANY) < 0)
				__sync_fetch_and_add(&lost_sessions, 1);
			__sync_fetch_and_add(&sessions_gen, 1);
		} else if (bpf_map_delete_elem(&sessions, &ctgid) == 0)
			__sync_fetch_and_add(&sessions_gen, 1);
	}
	if (target_cgroup || !bpf_map_lookup_elem(&tgids, &ptgid))
		return 0;
	if (bpf_map_update_elem(&tgids, &ctgid, &one, BPF_ANY) < 0)
		__sync_fetch_and_add(&lost_tgids, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
