/* SPDX-License-Identifier: Apache-2.0 */
/*
 * enforce: install a program on the current process, as container runtimes do. Kept small:
 * probe, check, set no_new_privs, seccomp(2). Everything else happens before.
 */
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <sys/syscall.h>

#include "error.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

static const struct {
	const char *name; /* as in actions_avail */
	enum ksc_action action;
	uint32_t ret;
} kernel_actions[] = {
	{ "kill_process", KSC_ACT_KILL_PROCESS, KSC_RET_KILL_PROCESS },
	{ "kill_thread", KSC_ACT_KILL_THREAD, KSC_RET_KILL_THREAD },
	{ "trap", KSC_ACT_TRAP, KSC_RET_TRAP },
	{ "errno", KSC_ACT_ERRNO, KSC_RET_ERRNO },
	{ "user_notif", KSC_ACT_NOTIFY, KSC_RET_USER_NOTIF },
	{ "trace", KSC_ACT_TRACE, KSC_RET_TRACE },
	{ "log", KSC_ACT_LOG, KSC_RET_LOG },
	{ "allow", KSC_ACT_ALLOW, KSC_RET_ALLOW },
};

static unsigned long
kernel_flag(enum ksc_filter_flag f)
{
	switch (f) {
	case KSC_FLAG_TSYNC:
		return SECCOMP_FILTER_FLAG_TSYNC;
	case KSC_FLAG_LOG:
		return SECCOMP_FILTER_FLAG_LOG;
	case KSC_FLAG_SPEC_ALLOW:
		return SECCOMP_FILTER_FLAG_SPEC_ALLOW;
	case KSC_FLAG_WAIT_KILLABLE_RECV:
		return SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
	}
	return 0;
}

static unsigned long
kernel_flags(unsigned flags)
{
	unsigned long k = 0;

	for (unsigned bit = 0; bit < 4; bit++)
		if (flags & (1u << bit))
			k |= kernel_flag((enum ksc_filter_flag)(1u << bit));
	return k;
}

/* libseccomp's probe: a known flag with a NULL program faults, an unknown one is EINVAL. */
static bool
flag_supported(unsigned long flag)
{
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flag, NULL) < 0 && errno == EFAULT;
}

int
ksc_kernel_probe(struct ksc_kernel_support *ret)
{
	struct ksc_kernel_support s = { 0 };
	_cleanup_(fclosep) FILE *f = NULL;
	char word[32];

	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) < 0 && errno == EINVAL) {
		*ret = s;
		return 0;
	}
	s.seccomp_filter = flag_supported(0);
	f = fopen("/proc/sys/kernel/seccomp/actions_avail", "re");
	if (f) {
		while (fscanf(f, "%31s", word) == 1)
			for (size_t i = 0; i < ELEMENTSOF(kernel_actions); i++)
				if (streq(word, kernel_actions[i].name))
					s.actions |= 1u << kernel_actions[i].action;
	} else if (s.seccomp_filter) {
		/* Kernels before 4.14 have no actions_avail: the original set. */
		s.actions = 1u << KSC_ACT_KILL_THREAD | 1u << KSC_ACT_TRAP | 1u << KSC_ACT_ERRNO |
		            1u << KSC_ACT_TRACE | 1u << KSC_ACT_ALLOW;
	}
	if (s.actions & (1u << KSC_ACT_KILL_THREAD))
		s.actions |= 1u << KSC_ACT_KILL;
	for (unsigned bit = 0; bit < 4; bit++)
		if (flag_supported(kernel_flag((enum ksc_filter_flag)(1u << bit))))
			s.flags |= 1u << bit;
	s.new_listener = flag_supported(SECCOMP_FILTER_FLAG_NEW_LISTENER);
	*ret = s;
	return 0;
}

static unsigned
effective_flags(const struct ksc_enforce_opts *opts, const struct ksc_kernel_support *support)
{
	if (opts && opts->flags_set)
		return opts->flags;
	/* runc and crun: no "flags" in the profile means SPEC_ALLOW if the kernel has it. */
	return support->flags & KSC_FLAG_SPEC_ALLOW;
}

int
ksc_enforce_check(const struct ksc_bpf *prog, const struct ksc_enforce_opts *opts,
                  const struct ksc_kernel_support *support, struct ksc_error **reterr)
{
	unsigned flags = effective_flags(opts, support);
	const struct ksc_bpf_insn *insns = ksc_bpf_insns(prog);

	if (!support->seccomp_filter)
		return ksc_error_setf(reterr, -ENOSYS,
		                      "this kernel has no seccomp filters (CONFIG_SECCOMP_FILTER)");
	for (size_t pc = 0; pc < ksc_bpf_count(prog); pc++) {
		uint32_t action;

		if (insns[pc].code != (BPF_RET | BPF_K))
			continue;
		action = insns[pc].k & KSC_RET_ACTION_FULL;
		for (size_t i = 0; i < ELEMENTSOF(kernel_actions); i++)
			if (kernel_actions[i].ret == action &&
			    !(support->actions & (1u << kernel_actions[i].action)))
				return ksc_error_setf(
				        reterr, -EOPNOTSUPP,
				        "the filter uses %s, which this kernel does not "
				        "have (/proc/sys/kernel/seccomp/actions_avail)",
				        ksc_action_name(kernel_actions[i].action));
	}
	for (unsigned bit = 0; bit < 4; bit++)
		if ((flags & (1u << bit)) && !(support->flags & (1u << bit)))
			return ksc_error_setf(reterr, -EOPNOTSUPP,
			                      "this kernel does not support %s",
			                      ksc_flag_name((enum ksc_filter_flag)(1u << bit)));
	if (opts && opts->listener && !support->new_listener)
		return ksc_error_setf(reterr, -EOPNOTSUPP,
		                      "this kernel has no seccomp notification listeners "
		                      "(SECCOMP_FILTER_FLAG_NEW_LISTENER, Linux 5.0)");
	if ((flags & KSC_FLAG_WAIT_KILLABLE_RECV) && !(opts && opts->listener))
		return ksc_error_setf(reterr, -EOPNOTSUPP,
		                      "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV needs a notification "
		                      "listener (a SCMP_ACT_NOTIFY rule and its agent)");
	return 0;
}

static bool
have_cap_sys_admin(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { 0 };

	if (syscall(SYS_capget, &hdr, data) < 0)
		return false;
	return data[CAP_SYS_ADMIN / 32].effective & (1u << (CAP_SYS_ADMIN % 32));
}

/* The filters already attached to the calling task (/proc/self/status "Seccomp_filters",
 * Linux 5.9+); 0 when unknown. Their sizes cannot be read from inside: the kernel lets only
 * an unfiltered CAP_SYS_ADMIN task read filters (seccomp_get_filter()). */
static unsigned
attached_filters(void)
{
	_cleanup_(fclosep) FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	unsigned n = 0;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Seccomp_filters: %u", &n) == 1)
			break;
	return n;
}

#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif

static int
install(const struct ksc_bpf *prog, const struct ksc_enforce_opts *opts, int *ret_listener_fd,
        struct ksc_error **reterr)
{
	unsigned attached;
	struct ksc_kernel_support support;
	struct sock_fprog fprog;
	unsigned long flags;
	int r;

	r = ksc_kernel_probe(&support);
	if (r < 0)
		return ksc_error_setf(reterr, r, "cannot probe seccomp support: %s", strerror(-r));
	r = ksc_enforce_check(prog, opts, &support, reterr);
	if (r < 0)
		return r;
	if (ksc_bpf_count(prog) > KSC_BPF_MAXINSNS)
		return ksc_error_setf(reterr, -E2BIG,
		                      "the filter has %zu instructions (at most %u)",
		                      ksc_bpf_count(prog), KSC_BPF_MAXINSNS);
	/* seccomp_attach_filter(): the new program plus every attached one, each counting 4
	 * more, in eBPF instructions, must stay within MAX_INSNS_PER_PATH. The attached ones
	 * cannot be read from inside, but each takes at least KSC_BPF_MIN_ATTACHED_LEN:
	 * refuse what is sure to fail. */
	attached = attached_filters();
	if (ksc_bpf_kernel_len(prog) + KSC_BPF_MIN_ATTACHED_LEN * (size_t)attached >
	    KSC_BPF_MAX_INSNS_PER_PATH)
		return ksc_error_setf(
		        reterr, -ENOMEM,
		        "the filter takes %zu of the kernel's %u instructions per "
		        "task (MAX_INSNS_PER_PATH, counted in eBPF) and the %u filters "
		        "this task already has take at least %u: it cannot be added",
		        ksc_bpf_kernel_len(prog), KSC_BPF_MAX_INSNS_PER_PATH, attached,
		        KSC_BPF_MIN_ATTACHED_LEN * attached);
	/* seccomp_prepare_filter(): without CAP_SYS_ADMIN the kernel demands no_new_privs. */
	if ((opts && opts->no_new_privs) || !have_cap_sys_admin()) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			return ksc_error_setf(reterr, negative_errno(),
			                      "cannot set no_new_privs: %s", strerror(errno));
	}
	flags = kernel_flags(effective_flags(opts, &support));
	if (ret_listener_fd) {
		flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
		/* the kernel refuses TSYNC with a listener unless a failed sync is ESRCH */
		if (flags & SECCOMP_FILTER_FLAG_TSYNC)
			flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
	}
	fprog = (struct sock_fprog){
		.len = (unsigned short)ksc_bpf_count(prog),
		.filter = (struct sock_filter *)ksc_bpf_insns(prog),
	};
	r = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &fprog);
	if (r < 0) {
		r = negative_errno();
		if (r == -ENOMEM)
			return ksc_error_setf(reterr, r,
			                      "the kernel refused the filter: with the %u filters "
			                      "this task already has, the filters would exceed %u "
			                      "eBPF instructions (MAX_INSNS_PER_PATH; this one "
			                      "takes %zu)",
			                      attached, KSC_BPF_MAX_INSNS_PER_PATH,
			                      ksc_bpf_kernel_len(prog));
		return ksc_error_setf(reterr, r, "seccomp(SECCOMP_SET_MODE_FILTER): %s",
		                      strerror(-r));
	}
	if (ret_listener_fd)
		*ret_listener_fd = r;
	return 0;
}

int
ksc_enforce_install(const struct ksc_bpf *prog, const struct ksc_enforce_opts *opts,
                    struct ksc_error **reterr)
{
	return install(prog, opts, NULL, reterr);
}

int
ksc_enforce_install_listener(const struct ksc_bpf *prog, const struct ksc_enforce_opts *opts,
                             int *ret_listener_fd, struct ksc_error **reterr)
{
	struct ksc_enforce_opts o = opts ? *opts : (struct ksc_enforce_opts){ 0 };

	o.listener = true;
	return install(prog, &o, ret_listener_fd, reterr);
}

#ifndef PTRACE_SECCOMP_GET_FILTER
#define PTRACE_SECCOMP_GET_FILTER 0x420c
#endif

static void
free_progs(struct ksc_bpf **progs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ksc_bpf_free(progs[i]);
	free(progs);
}

int
ksc_process_filters(int pid, struct ksc_bpf ***ret_progs, size_t *ret_count,
                    struct ksc_error **reterr)
{
	struct ksc_bpf **progs = NULL;
	size_t n = 0;
	int r = 0, status;

	if (ptrace(PTRACE_SEIZE, pid, NULL, NULL) < 0) {
		r = negative_errno();
		if (r == -EPERM)
			return ksc_error_setf(
			        reterr, r,
			        "process %d: cannot attach with ptrace (needs "
			        "CAP_SYS_ADMIN and ptrace access; is it traced already?)",
			        pid);
		return ksc_error_setf(reterr, r, "process %d: %s", pid, strerror(-r));
	}
	if (ptrace(PTRACE_INTERRUPT, pid, NULL, NULL) < 0 || waitpid(pid, &status, __WALL) < 0) {
		r = negative_errno();
		(void)ptrace(PTRACE_DETACH, pid, NULL, NULL);
		return ksc_error_setf(reterr, r, "process %d: cannot stop it: %s", pid,
		                      strerror(-r));
	}
	for (long i = 0;; i++) {
		_cleanup_(freep) struct ksc_bpf_insn *insns = NULL;
		struct ksc_bpf **grown, *prog = NULL;
		long count = ptrace(PTRACE_SECCOMP_GET_FILTER, pid, (void *)i, NULL);

		if (count < 0) {
			/* kernel/seccomp.c seccomp_get_filter(): ENOENT past the oldest filter,
			 * EINVAL when the task is not in filter mode (unconfined), EACCES when
			 * the caller lacks CAP_SYS_ADMIN or is itself filtered, EMEDIUMTYPE for
			 * a filter with no classic program; EIO: no such ptrace request. */
			if (errno == ENOENT || (errno == EINVAL && i == 0))
				break;
			r = negative_errno();
			if (r == -EMEDIUMTYPE)
				r = ksc_error_setf(
				        reterr, -EOPNOTSUPP,
				        "process %d: filter %ld has no classic BPF program to "
				        "read",
				        pid, i);
			else if (r == -EIO)
				r = ksc_error_setf(reterr, -EOPNOTSUPP,
				                   "this kernel cannot read seccomp filters "
				                   "(PTRACE_SECCOMP_GET_FILTER needs "
				                   "CONFIG_CHECKPOINT_RESTORE)");
			else if (r == -EACCES)
				r = ksc_error_setf(
				        reterr, -EPERM,
				        "reading seccomp filters needs CAP_SYS_ADMIN, and a "
				        "reader that is not itself under seccomp");
			else
				r = ksc_error_setf(reterr, r, "process %d: %s", pid, strerror(-r));
			break;
		}
		insns = calloc((size_t)count, sizeof(*insns));
		if (!insns) {
			r = -ENOMEM;
			break;
		}
		if (ptrace(PTRACE_SECCOMP_GET_FILTER, pid, (void *)i, insns) != count) {
			r = ksc_error_setf(reterr, negative_errno(), "process %d: filter %ld: %s",
			                   pid, i, strerror(errno));
			break;
		}
		r = ksc_bpf_new(insns, (size_t)count, &prog);
		if (r < 0)
			break;
		grown = reallocarray(progs, n + 1, sizeof(*progs));
		if (!grown) {
			ksc_bpf_free(prog);
			r = -ENOMEM;
			break;
		}
		progs = grown;
		progs[n++] = prog;
	}
	(void)ptrace(PTRACE_DETACH, pid, NULL, NULL);
	if (r < 0) {
		free_progs(progs, n);
		return r;
	}
	*ret_progs = progs;
	*ret_count = n;
	return 0;
}
