/* SPDX-License-Identifier: Apache-2.0 */
/*
 * compile (libseccomp backend): a profile compiled the way runc compiles it.
 *
 * runc's path (libcontainer/specconv SetupSeccomp, libcontainer/seccomp InitSeccomp and
 * matchCall, seccomp/patchbpf), reproduced step by step:
 *   - one rule per syscall name, in profile order; Docker's single "name" and its
 *     includes/excludes are not OCI fields, so runc never sees them;
 *   - the action with its errno (EPERM when errnoRet is absent, for ERRNO and TRACE);
 *     SCMP_ACT_KILL is KILL_THREAD; a rule whose action equals the default is skipped;
 *   - names resolved with libseccomp's table for the native arch (pseudo numbers for
 *     names that exist only elsewhere, translated per arch by libseccomp); names it does not
 *     know at all are skipped;
 *   - no args: one unconditional rule; args with a repeated index: one rule per condition
 *     (OR); otherwise one rule with all conditions (AND);
 *   - the binary-tree layout when more than 32 names are listed; the bad-arch action is
 *     libseccomp's default, KILL (thread);
 *   - the ENOSYS stub prepended to the exported program: for each architecture the profile
 *     lists, syscall numbers above the largest one it names return ERRNO(ENOSYS), unless
 *     the default action is ALLOW, LOG or TRACE. Only the listed architectures get a stub:
 *     runc 1.1.5 with a profile that lists none returns EPERM for syscall 1000 (checked
 *     against Debian's runc on this project's test machine).
 *
 * libseccomp itself is reached through its adapter (libseccomp.h).
 */
#include <linux/filter.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

#include "compile-libseccomp.h"
#include "error.h"
#include "libseccomp.h"
#include "profile.h"

/* The program libseccomp exported into fd. */
static int
read_program(int fd, struct ksc_bpf_insn **ret, size_t *ret_n)
{
	_cleanup_(freep) struct ksc_bpf_insn *insns = NULL;
	off_t size;

	size = lseek(fd, 0, SEEK_END);
	if (size <= 0 || size % (off_t)sizeof(struct ksc_bpf_insn) != 0)
		return -EIO;
	insns = malloc((size_t)size);
	if (!insns)
		return -ENOMEM;
	if (pread(fd, insns, (size_t)size, 0) != size)
		return -EIO;
	*ret = TAKE_PTR(insns);
	*ret_n = (size_t)size / sizeof(struct ksc_bpf_insn);
	return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* runc's ENOSYS stub (patchbpf/enosys_linux.go), generated from the same facts. The layout  */
/* is ours; what each (arch, nr) gets is runc's.                                              */

#define STUB_MAX 512

struct stub {
	struct ksc_bpf_insn insns[STUB_MAX];
	size_t n;
	/* Jumps to fix up: to the shared "ret ENOSYS" or to the first filter instruction. */
	size_t to_enosys[STUB_MAX];
	size_t n_to_enosys;
	size_t to_filter[STUB_MAX];
	size_t n_to_filter;
};

static void
emit(struct stub *s, uint16_t code, uint8_t jt, uint8_t jf, uint32_t k)
{
	if (s->n < STUB_MAX)
		s->insns[s->n] = (struct ksc_bpf_insn){ code, jt, jf, k };
	s->n++;
}

/* A conditional jump whose true branch goes to ENOSYS, false falls through. */
static void
emit_to_enosys(struct stub *s, uint16_t code, uint32_t k)
{
	if (s->n_to_enosys < STUB_MAX)
		s->to_enosys[s->n_to_enosys++] = s->n;
	emit(s, code, 0, 0, k);
}

static void
emit_ja_filter(struct stub *s)
{
	if (s->n_to_filter < STUB_MAX)
		s->to_filter[s->n_to_filter++] = s->n;
	emit(s, BPF_JMP | BPF_JA, 0, 0, 0);
}

struct stub_arch {
	uint32_t token; /* AUDIT_ARCH */
	enum ksc_arch arch;
	uint32_t max; /* largest syscall number named, 0: none */
};

/* A rule of the filter's list, as libseccomp takes it. */
static int
add_rule(struct libseccomp_filter *lf, const struct filter_rule *rule, int nr)
{
	struct libseccomp_cond conds[FILTER_MAX_CONDS];

	for (size_t i = 0; i < rule->n_conds; i++)
		conds[i] = (struct libseccomp_cond){
			.arg = rule->conds[i].arg,
			.op = rule->conds[i].op,
			.value = rule->conds[i].value,
			.value_two = rule->conds[i].value_two,
		};
	return libseccomp_filter_add_rule(lf, nr, rule->action, conds, rule->n_conds);
}

/* The libseccomp part of runc's InitSeccomp(): filter, arches, rules, export to fd. Runs in
 * a child (build_isolated()). Returns 0 or -errno with the reason in why. */
static int
build_with_libseccomp(const struct ksc_profile *p, const struct ksc_filter *filter,
                      const enum ksc_arch *arches, size_t n_arches, uint32_t def, size_t n_names,
                      int out_fd, char *why, size_t why_size)
{
	_cleanup_(libseccomp_filter_freep) struct libseccomp_filter *lf = NULL;
	const struct filter_rule *rules;
	size_t n_rules;
	int r;

	r = libseccomp_filter_new(def, &lf);
	if (r == -ENOMEM) {
		snprintf(why, why_size, "cannot set up libseccomp: %s", strerror(-r));
		return r;
	}
	if (r < 0) {
		snprintf(why, why_size, "libseccomp refused the default action %s",
		         ksc_action_name(p->default_action));
		return -EINVAL;
	}
	for (size_t i = 0; i < n_arches; i++) {
		if (!libseccomp_arch_known(arches[i])) {
			snprintf(why, why_size, "libseccomp %s does not know the architecture %s",
			         ksc_libseccomp_version(), ksc_arch_name(arches[i]));
			return -EOPNOTSUPP;
		}
		r = libseccomp_filter_add_arch(lf, arches[i]);
		if (r < 0) {
			snprintf(why, why_size,
			         "error adding architecture %s to seccomp filter: %s",
			         ksc_arch_name(arches[i]), strerror(-r));
			return r;
		}
	}
	r = libseccomp_filter_drop_native(lf);
	if (r < 0) {
		snprintf(why, why_size, "cannot drop the build architecture: %s", strerror(-r));
		return r;
	}
	/* runc: "Enable libseccomp binary tree optimization for longer rulesets." */
	if (n_names > 32) {
		r = libseccomp_filter_binary_tree(lf);
		if (r < 0) {
			snprintf(why, why_size, "libseccomp: cannot use the binary tree: %s",
			         strerror(-r));
			return r;
		}
	}
	/* runc's matchCall() for each rule of the filter's list: redundant rules, Docker-only
	 * entries and unknown names are already out, repeated indexes already split. */
	rules = filter_rules(filter, &n_rules);
	for (size_t i = 0; i < n_rules; i++) {
		int nr;

		/* libseccomp 2.5.4 walks every earlier rule for each one added
		 * (db_col_transaction_commit()): quadratic on large profiles. A rule that
		 * changes nothing in its database is left out; the program is the same. */
		if (libseccomp_resolve(KSC_ARCH_NONE, rules[i].name, &nr) < 0 ||
		    filter_rule_inert(filter, i))
			continue;
		r = add_rule(lf, &rules[i], nr);
		if (r < 0) {
			snprintf(why, why_size, "error adding seccomp rule for syscall %s: %s",
			         rules[i].name, strerror(-r));
			return -EINVAL;
		}
	}
	r = libseccomp_filter_export(lf, out_fd);
	if (r < 0) {
		snprintf(why, why_size, "libseccomp could not export the filter: %s", strerror(-r));
		return r;
	}
	return 0;
}

struct build_result {
	int r;
	char why[400];
};

/*
 * libseccomp 2.5.4 can loop forever on some rule sets (two rules on one syscall that share a
 * 64-bit comparison: runc's init then spins at 100% CPU and the container never starts),
 * and takes minutes to merge thousands of rules on one syscall. The filter model refuses
 * the first; a deadline bounds the second. Build in a child, timed (*ret_ms).
 */
static int
build_isolated(const struct ksc_profile *p, const struct ksc_filter *filter,
               const enum ksc_arch *arches, size_t n_arches, uint32_t def, size_t n_names,
               unsigned timeout_ms, struct ksc_bpf_insn **ret, size_t *ret_n, unsigned long *ret_ms,
               struct ksc_error **reterr)
{
	_cleanup_(closep) int out_fd = -1, result_read = -1, result_write = -1;
	struct build_result res = { 0 };
	struct timespec start, end;
	struct pollfd pfd;
	int fds[2], status, r;
	pid_t pid;

	out_fd = memfd_create("kseccomp-bpf", MFD_CLOEXEC);
	if (out_fd < 0 || pipe2(fds, O_CLOEXEC) < 0)
		return ksc_error_setf(reterr, negative_errno(), "cannot set up the compiler: %s",
		                      strerror(errno));
	result_read = fds[0];
	result_write = fds[1];
	(void)clock_gettime(CLOCK_MONOTONIC, &start);
	pid = fork();
	if (pid < 0)
		return ksc_error_setf(reterr, negative_errno(), "cannot fork the compiler: %s",
		                      strerror(errno));
	if (pid == 0) {
		res.r = build_with_libseccomp(p, filter, arches, n_arches, def, n_names, out_fd,
		                              res.why, sizeof(res.why));
		_exit(write(result_write, &res, sizeof(res)) == (ssize_t)sizeof(res) ? 0 : 1);
	}
	close(TAKE_FD(result_write));
	pfd = (struct pollfd){ .fd = result_read, .events = POLLIN };
	do
		r = poll(&pfd, 1, (int)MIN(timeout_ms, (unsigned)INT32_MAX));
	while (r < 0 && errno == EINTR);
	(void)clock_gettime(CLOCK_MONOTONIC, &end);
	*ret_ms = (unsigned long)((end.tv_sec - start.tv_sec) * 1000 +
	                          (end.tv_nsec - start.tv_nsec) / 1000000);
	if (r == 0) {
		(void)kill(pid, SIGKILL);
		(void)waitpid(pid, &status, 0);
		return ksc_error_setf(reterr, -ETIMEDOUT,
		                      "libseccomp %s did not finish compiling this profile within "
		                      "%u %s: it does not loop on it (the filter model finishes), "
		                      "but its merge of the rules of one syscall is quadratic; "
		                      "runc would take at least as long to start every container",
		                      ksc_libseccomp_version(),
		                      timeout_ms < 1000 ? timeout_ms : timeout_ms / 1000,
		                      timeout_ms < 1000 ? "ms" : "s");
	}
	if (read(result_read, &res, sizeof(res)) != (ssize_t)sizeof(res))
		res = (struct build_result){ .r = -EIO, .why = "the compiler died" };
	(void)waitpid(pid, &status, 0);
	if (res.r < 0)
		return ksc_error_setf(reterr, res.r, "%s", res.why);
	return read_program(out_fd, ret, ret_n);
}

static int
build_stub(const struct ksc_filter *filter, struct stub *s)
{
	struct stub_arch found[_KSC_ARCH_MAX];
	size_t n_found = 0, enosys, filter_start;
	size_t section_of[_KSC_ARCH_MAX], jeq_of[_KSC_ARCH_MAX], n_groups = 0;
	uint32_t group_token[_KSC_ARCH_MAX];
	const enum ksc_arch *arches;
	size_t n_arches = filter_stub_arches(filter, &arches);

	/* findLastSyscalls(), computed by the filter: per listed arch, the largest number any
	 * name of the profile has there. */
	for (size_t i = 0; i < n_arches; i++) {
		uint32_t max = filter_stub_max(filter, arches[i]);
		bool dup = false;

		for (size_t j = 0; j < n_found; j++)
			dup = dup || found[j].arch == arches[i];
		if (dup || max == 0)
			continue;
		found[n_found++] =
		        (struct stub_arch){ ksc_arch_audit_token(arches[i]), arches[i], max };
	}

	if (n_found == 0)
		return 0; /* nothing to answer ENOSYS for: no stub at all */

	/* Dispatch on the arch: x86_64 and x32 share AUDIT_ARCH_X86_64 and one section. */
	emit(s, BPF_LD | BPF_W | BPF_ABS, 0, 0, 4);
	for (size_t i = 0; i < n_found; i++) {
		bool seen = false;

		for (size_t g = 0; g < n_groups; g++)
			seen = seen || group_token[g] == found[i].token;
		if (seen)
			continue;
		group_token[n_groups] = found[i].token;
		jeq_of[n_groups++] = s->n;
		emit(s, BPF_JMP | BPF_JEQ | BPF_K, 0, 0, found[i].token);
	}
	emit_ja_filter(s);

	for (size_t g = 0; g < n_groups; g++) {
		const struct stub_arch *a64 = NULL, *ax32 = NULL, *one = NULL;

		for (size_t i = 0; i < n_found; i++) {
			if (found[i].token != group_token[g])
				continue;
			if (found[i].arch == KSC_ARCH_X32)
				ax32 = &found[i];
			else if (found[i].arch == KSC_ARCH_X86_64)
				a64 = &found[i];
			else
				one = &found[i];
		}
		section_of[g] = s->n;
		emit(s, BPF_LD | BPF_W | BPF_ABS, 0, 0, 0);
		if (one) {
			/* s390(x): syscall 0 (setup) multiplexes unknown large numbers. */
			if (one->arch == KSC_ARCH_S390 || one->arch == KSC_ARCH_S390X)
				emit_to_enosys(s, BPF_JMP | BPF_JEQ | BPF_K, 0);
			emit_to_enosys(s, BPF_JMP | BPF_JGT | BPF_K, one->max);
			emit_ja_filter(s);
		} else if (a64 && ax32) {
			/* jset x32-bit: x32 check, else x86_64 check. */
			emit(s, BPF_JMP | BPF_JSET | BPF_K, 2, 0, KSC_X32_SYSCALL_BIT);
			emit_to_enosys(s, BPF_JMP | BPF_JGT | BPF_K, a64->max);
			emit_ja_filter(s);
			emit_to_enosys(s, BPF_JMP | BPF_JGT | BPF_K, ax32->max);
			emit_ja_filter(s);
		} else if (a64) {
			/* Only x86_64 listed: x32 numbers go straight to the filter. */
			emit(s, BPF_JMP | BPF_JSET | BPF_K, 1, 0, KSC_X32_SYSCALL_BIT);
			emit_to_enosys(s, BPF_JMP | BPF_JGT | BPF_K, a64->max);
			emit_ja_filter(s);
		} else if (ax32) {
			/* Only x32 listed: other numbers go straight to the filter. */
			emit(s, BPF_JMP | BPF_JSET | BPF_K, 1, 0, KSC_X32_SYSCALL_BIT);
			emit_ja_filter(s);
			emit_to_enosys(s, BPF_JMP | BPF_JGT | BPF_K, ax32->max);
			emit_ja_filter(s);
		}
	}
	enosys = s->n;
	emit(s, BPF_RET | BPF_K, 0, 0, KSC_RET_ERRNO | ENOSYS);
	filter_start = s->n;
	if (s->n > STUB_MAX)
		return -E2BIG;

	/* Fix up: every conditional target here is within the stub and near. */
	for (size_t g = 0; g < n_groups; g++) {
		size_t d = section_of[g] - jeq_of[g] - 1;

		if (d > 255)
			return -E2BIG;
		s->insns[jeq_of[g]].jt = (uint8_t)d;
	}
	for (size_t i = 0; i < s->n_to_enosys; i++) {
		size_t d = enosys - s->to_enosys[i] - 1;

		if (d > 255)
			return -E2BIG;
		s->insns[s->to_enosys[i]].jt = (uint8_t)d;
	}
	for (size_t i = 0; i < s->n_to_filter; i++)
		s->insns[s->to_filter[i]].k = (uint32_t)(filter_start - s->to_filter[i] - 1);
	return 0;
}

/* ---------------------------------------------------------------------------------------- */

int
compile_libseccomp_warnings(const struct ksc_filter *filter, struct ksc_bpf *prog,
                            const struct ksc_profile *p, const enum ksc_arch *arches,
                            size_t n_arches, struct ksc_diags *diags)
{
	_cleanup_(freep) struct ksc_difference *diffs = NULL;
	size_t stale[1], cases = 0, n_diffs = 0, max = 4096;
	int r;

	r = ksc_bpf_stale_compares(prog, stale, ELEMENTSOF(stale));
	if (r <= 0)
		return r;
	diffs = calloc(max, sizeof(*diffs));
	if (!diffs)
		return -ENOMEM;
	r = ksc_filter_compare(filter, &prog, 1, p, arches, n_arches, &cases, diffs, max, &n_diffs);
	if (r < 0)
		return r;
	n_diffs = MIN(n_diffs, max);
	/* one warning per syscall and arch: its first input, and how many more there are */
	for (size_t i = 0; i < n_diffs; i++) {
		const struct ksc_seccomp_data *d = &diffs[i].data;
		enum ksc_arch arch = KSC_ARCH_NONE;
		const char *name;
		char want[32], got[32];
		size_t more = 0;
		bool seen = false;

		for (size_t k = 0; k < i && !seen; k++)
			seen = diffs[k].data.arch == d->arch && diffs[k].data.nr == d->nr;
		if (seen)
			continue;
		for (size_t k = i + 1; k < n_diffs; k++)
			if (diffs[k].data.arch == d->arch && diffs[k].data.nr == d->nr &&
			    memcmp(&diffs[k].data, d, sizeof(*d)) != 0)
				more++;
		(void)ksc_arch_from_audit_token(d->arch, (uint32_t)d->nr, &arch);
		name = ksc_syscall_name(arch, (uint32_t)d->nr);
		ksc_ret_format(diffs[i].ret_a, want, sizeof(want));
		ksc_ret_format(diffs[i].ret_b, got, sizeof(got));
		(void)ksc_diags_addf(
		        diags, KSC_SEVERITY_WARNING, NULL, 0, 0, NULL,
		        "libseccomp %s miscompiles the rules for %s on %s: for arguments 0x%" PRIx64
		        " 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64
		        " its program returns %s where the rules say %s%s (it compares a stale "
		        "argument word; runc enforces the program)",
		        ksc_libseccomp_version(), name ? name : "this syscall", ksc_arch_name(arch),
		        d->args[0], d->args[1], d->args[2], d->args[3], d->args[4], d->args[5], got,
		        want, more ? ", and so on for other arguments" : "");
	}
	return 0;
}

int
compile_libseccomp(const struct ksc_profile *p, const struct ksc_compile_opts *opts,
                   const struct ksc_filter *filter, const enum ksc_arch *arches, size_t n_arches,
                   struct libseccomp_run *run, struct ksc_bpf_insn **ret, size_t *ret_n,
                   struct ksc_error **reterr)
{
	_cleanup_(freep) struct ksc_bpf_insn *prog = NULL;
	_cleanup_(freep) struct stub *stub = NULL;
	struct ksc_bpf_insn *all;
	size_t n_names = 0, n_prog = 0;
	int r;

	for (size_t i = 0; i < p->n_rules; i++)
		if (!p->rules[i].single_name)
			n_names += p->rules[i].n_names;
	stub = calloc(1, sizeof(*stub));
	if (!stub)
		return -ENOMEM;
	r = build_stub(filter, stub);
	if (r < 0)
		return ksc_error_setf(reterr, r, "the ENOSYS stub is too large");
	/* libseccomp takes minutes to generate programs far over the kernel's limit */
	run->ms = 0;
	run->lower_bound = filter_libseccomp_min_insns(filter) + stub->n;
	if (!run->exact && run->lower_bound > KSC_BPF_MAXINSNS)
		return ksc_error_setf(reterr, -E2BIG,
		                      "runc's program (libseccomp %s) would have at least %zu "
		                      "instructions; the kernel takes at most %u (BPF_MAXINSNS)",
		                      ksc_libseccomp_version(), run->lower_bound, KSC_BPF_MAXINSNS);
	r = build_isolated(p, filter, arches, n_arches, ksc_profile_default_ret(p), n_names,
	                   opts && opts->timeout_ms ? opts->timeout_ms : KSC_LIBSECCOMP_TIMEOUT_MS,
	                   &prog, &n_prog, &run->ms, reterr);
	if (r < 0)
		return r;

	all = malloc((stub->n + n_prog) * sizeof(*all));
	if (!all)
		return -ENOMEM;
	memcpy(all, stub->insns, stub->n * sizeof(*all));
	memcpy(all + stub->n, prog, n_prog * sizeof(*all));
	*ret = all;
	*ret_n = stub->n + n_prog;
	return 0;
}
