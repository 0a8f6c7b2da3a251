/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The native compiler against the filter model and against libseccomp: the real default
 * profiles (containerd, docker and podman flavours, the fixtures of moby, containers-common
 * and containerd), the tutorial's, runc's test profiles and thousands of random ones
 * (colliding rules on few syscalls; long lists of names with many actions and errno values,
 * whose programs need long jumps; dozens of rules with argument conditions), on several
 * arch sets. For each:
 *
 *   - both backends refuse the same profiles;
 *   - the native program decides exactly what the model decides on every boundary input
 *     (ksc_filter_compare: every syscall number, arguments at and around every constant)
 *     and on numbers across the whole 32-bit space (the x32 bit, the halves above it, -1,
 *     random ones), for every arch of the filter and one outside it;
 *   - against libseccomp's program, the only inputs that differ run through one of its
 *     stale-accumulator comparisons (libseccomp's miscompilation, see filter.c);
 *   - every (arch, number) the model allows without looking at the arguments is allowed by
 *     the kernel's constant-action cache (ksc_bpf_cache_allows());
 *   - the program is no longer than libseccomp's, but for the loads libseccomp leaves out
 *     where it compares a stale word (over 2000 random profiles: colliding, long lists of
 *     names, and heavy with argument conditions), and no call of a runtime's default
 *     profile runs more than 25 of its instructions.
 *
 * Usage: test-native FIXTURES. KSC_TEST_SEED and KSC_TEST_PROFILES as in test-filter;
 * KSC_TEST_DUMP=DIR writes the random profiles whose native program is longer there.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <linux/filter.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "filter.h"
#include "kseccomp.h"
#include "macro.h"
#include "random-profile.h"
#include "tap.h"

#define diag tap_diagf

struct totals {
	size_t profiles, refused, refusal_mismatch;
	size_t model_cases, model_diffs;
	size_t lib_cases, lib_diffs, lib_stale_profiles, lib_unexplained;
	size_t sweep_cases, sweep_diffs;
	size_t cache_pairs, cache_misses;
	size_t intervals, interval_errors;
	size_t longer, longer_stale;
	size_t native_insns, libseccomp_insns;
	size_t inert_rules, inert_mismatch, bound_over, bound_max;
};

static bool verbose;
/* KSC_TEST_DUMP=DIR: the random profiles whose native program is longer go there */
static const char *dump_dir, *current_json;
/* while the runtimes' default profiles are checked: the longest path of their programs */
static bool defaults_now;
static size_t defaults_path_max;

/* The most instructions any input runs (jumps go forward only). */
static size_t
longest_path(const struct ksc_bpf *prog)
{
	size_t n = ksc_bpf_count(prog);
	const struct ksc_bpf_insn *v = ksc_bpf_insns(prog);
	_cleanup_(freep) size_t *len = calloc(n + 1, sizeof(*len));

	if (!len)
		abort();
	for (size_t i = n; i-- > 0;) {
		size_t a = i + 1 + v[i].jt, b = i + 1 + v[i].jf, k = i + 1 + v[i].k;

		if (BPF_CLASS(v[i].code) == BPF_RET)
			len[i] = 1;
		else if (BPF_CLASS(v[i].code) != BPF_JMP)
			len[i] = 1 + len[MIN(i + 1, n)];
		else if (BPF_OP(v[i].code) == BPF_JA)
			len[i] = 1 + len[MIN(k, n)];
		else
			len[i] = 1 + MAX(len[MIN(a, n)], len[MIN(b, n)]);
	}
	return n ? len[0] : 0;
}

static void
dump_longer(void)
{
	static unsigned n;
	char path[4096];
	FILE *fp;

	if (!dump_dir || !current_json)
		return;
	snprintf(path, sizeof(path), "%s/longer-%u.json", dump_dir, n++);
	fp = fopen(path, "w");
	if (fp) {
		fputs(current_json, fp);
		fclose(fp);
	}
}

/* Numbers across the whole space: around every boundary the search cuts at. */
static const uint32_t sweep_numbers[] = {
	0,          1,          2,          0x3ffffffe, 0x3fffffff, 0x40000000, 0x40000001,
	0x40000200, 0x400003ff, 0x7fffffff, 0x80000000, 0x80000001, 0xbfffffff, 0xc0000000,
	0xc0000001, 0xfffffffe, 0xffffffff, 1000,       4096,       65535,      0x10000,
};

/* The numbers above, 64 random ones, and every number up to the table's end + 64, on each
 * token of the filter and one outside it, with all-zero and all-one arguments. */
static void
sweep(const struct ksc_filter *f, const struct ksc_bpf *prog, const enum ksc_arch *arches,
      size_t n_arches, struct totals *t, const char *what)
{
	uint32_t tokens[_KSC_ARCH_MAX + 1];
	size_t n_tokens = 0, shown = 0;

	for (size_t i = 0; i < n_arches; i++)
		tokens[n_tokens++] = ksc_arch_audit_token(arches[i]);
	tokens[n_tokens++] = 0x12345678; /* no arch at all */
	for (size_t i = 0; i < n_tokens; i++) {
		for (unsigned round = 0; round < 2; round++) {
			struct ksc_seccomp_data d = { .arch = tokens[i] };

			memset(d.args, round ? 0xff : 0, sizeof(d.args));
			for (size_t k = 0; k < ELEMENTSOF(sweep_numbers) + 64 + 600; k++) {
				uint32_t want, got;

				if (k < ELEMENTSOF(sweep_numbers))
					d.nr = (int32_t)sweep_numbers[k];
				else if (k < ELEMENTSOF(sweep_numbers) + 64)
					d.nr = (int32_t)(uint32_t)rnd();
				else
					d.nr = (int32_t)(k - ELEMENTSOF(sweep_numbers) - 64);
				want = ksc_filter_decide(f, &d, NULL);
				got = ksc_bpf_run(prog, &d);
				t->sweep_cases++;
				if (want != got) {
					t->sweep_diffs++;
					if (shown++ < 3)
						diag("%s: arch %08x nr %08x: model %08x, native "
						     "%08x",
						     what, d.arch, (uint32_t)d.nr, want, got);
				}
			}
		}
	}
}

/* filter_intervals() against filter_leaf(): each interval decides alike (the same action,
 * or the same tree) at its start, its end, and up to 64 numbers in, and never alike with
 * the one before it. */
static void
interval_check(const struct ksc_filter *f, const enum ksc_arch *arches, size_t n_arches,
               struct totals *t, const char *what)
{
	size_t shown = 0;

	for (size_t i = 0; i < n_arches; i++) {
		uint32_t token = ksc_arch_audit_token(arches[i]);
		size_t n = filter_intervals(f, token, NULL, NULL, 0);
		uint32_t *starts = calloc(n, sizeof(*starts));
		struct filter_leaf *leaves = calloc(n, sizeof(*leaves));

		if (!starts || !leaves || filter_intervals(f, token, starts, leaves, n) != n)
			abort();
		t->intervals += n;
		for (size_t k = 0; k < n; k++) {
			uint64_t end = k + 1 < n ? starts[k + 1] : UINT64_C(1) << 32;
			bool bad = k == 0 ? starts[k] != 0
			                  : starts[k] <= starts[k - 1] ||
			                            filter_leaf_same(&leaves[k - 1], &leaves[k]);

			for (uint64_t nr = starts[k]; nr < end && !bad; nr++) {
				struct filter_leaf leaf;

				if (nr == starts[k] + 64) /* and the last one */
					nr = MAX(nr, end - 1);
				filter_leaf(f, token, (uint32_t)nr, &leaf);
				bad = !filter_leaf_same(&leaf, &leaves[k]);
			}
			if (bad) {
				t->interval_errors++;
				if (shown++ < 3)
					diag("%s: %s interval %zu from %08x is not what "
					     "filter_leaf() decides",
					     what, ksc_arch_name(arches[i]), k, starts[k]);
			}
		}
		free(starts);
		free(leaves);
	}
}

/* Every unconditionally allowed (arch, number) must be cacheable. */
static void
cache_check(const struct ksc_filter *f, const struct ksc_bpf *prog, const enum ksc_arch *arches,
            size_t n_arches, struct totals *t, const char *what)
{
	size_t shown = 0;

	for (size_t i = 0; i < n_arches; i++) {
		uint32_t token = ksc_arch_audit_token(arches[i]);
		uint32_t base = arches[i] == KSC_ARCH_X32 ? KSC_X32_SYSCALL_BIT : 0;

		for (uint32_t nr = base; nr < base + 1100; nr++) {
			struct filter_leaf leaf;

			filter_leaf(f, token, nr, &leaf);
			if (leaf.kind == FILTER_LEAF_TREE || leaf.ret != KSC_RET_ALLOW)
				continue;
			t->cache_pairs++;
			if (!ksc_bpf_cache_allows(prog, token, nr)) {
				t->cache_misses++;
				if (shown++ < 3)
					diag("%s: %s nr %u is allowed but not cacheable", what,
					     ksc_arch_name(arches[i]), nr);
			}
		}
	}
}

static enum scmp_compare
scmp_op(enum ksc_op op)
{
	switch (op) {
	case KSC_OP_NE:
		return SCMP_CMP_NE;
	case KSC_OP_LT:
		return SCMP_CMP_LT;
	case KSC_OP_LE:
		return SCMP_CMP_LE;
	case KSC_OP_EQ:
		return SCMP_CMP_EQ;
	case KSC_OP_GE:
		return SCMP_CMP_GE;
	case KSC_OP_GT:
		return SCMP_CMP_GT;
	default:
		return SCMP_CMP_MASKED_EQ;
	}
}

/* libseccomp's program from every rule of the list, inert ones included, as runc adds them
 * (seccomp_rule_add_array() per rule, the binary tree above 32 names), written to fd. Runs
 * in a child, as the libseccomp backend does: libseccomp 2.5.4 leaks on some paths. */
static int
export_every_rule(const struct ksc_filter *f, const struct ksc_profile *p,
                  const enum ksc_arch *arches, size_t n_arches, int fd)
{
	scmp_filter_ctx ctx = seccomp_init(ksc_profile_default_ret(p));
	const struct filter_rule *rules;
	size_t n_rules, n_names = 0;
	bool have_native = false;

	if (!ctx)
		return -1;
	for (size_t i = 0; i < n_arches; i++) {
		uint32_t token = seccomp_arch_resolve_name(ksc_arch_name(arches[i]));

		have_native = have_native || token == seccomp_arch_native();
		if (!token || (seccomp_arch_add(ctx, token) < 0 && token != seccomp_arch_native()))
			return -1;
	}
	if (!have_native && seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE) < 0)
		return -1;
	for (size_t i = 0; i < ksc_profile_rule_count(p); i++)
		if (!p->rules[i].single_name)
			n_names += p->rules[i].n_names;
	if (n_names > 32 && seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2) < 0)
		return -1;
	rules = filter_rules(f, &n_rules);
	for (size_t i = 0; i < n_rules; i++) {
		struct scmp_arg_cmp cmps[6];
		int nr = seccomp_syscall_resolve_name(rules[i].name);

		if (nr == __NR_SCMP_ERROR)
			continue;
		for (size_t k = 0; k < rules[i].n_conds; k++)
			cmps[k] = (struct scmp_arg_cmp){ rules[i].conds[k].arg,
				                         scmp_op(rules[i].conds[k].op),
				                         rules[i].conds[k].value,
				                         rules[i].conds[k].value_two };
		if (seccomp_rule_add_array(ctx, rules[i].action, nr, (unsigned)rules[i].n_conds,
		                           cmps) < 0)
			return -1;
	}
	return seccomp_export_bpf(ctx, fd) < 0 ? -1 : 0;
}

/* The program export_every_rule() writes; the number of instructions, -1 on failure. */
static long
libseccomp_every_rule(const struct ksc_filter *f, const struct ksc_profile *p,
                      const enum ksc_arch *arches, size_t n_arches, struct ksc_bpf_insn **ret)
{
	int fd = memfd_create("every-rule", MFD_CLOEXEC), status = 0;
	long n = -1;
	off_t size;
	pid_t pid;

	if (fd < 0)
		abort();
	pid = fork();
	if (pid < 0)
		abort();
	if (pid == 0)
		_exit(export_every_rule(f, p, arches, n_arches, fd) < 0 ? 1 : 0);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		goto out;
	size = lseek(fd, 0, SEEK_END);
	*ret = malloc((size_t)size + 1);
	if (size <= 0 || !*ret || pread(fd, *ret, (size_t)size, 0) != size)
		abort();
	n = size / (off_t)sizeof(struct ksc_bpf_insn);
out:
	close(fd);
	return n;
}

static void
check_inert(const struct ksc_filter *f, const struct ksc_profile *p, const struct ksc_bpf *lib,
            const enum ksc_arch *arches, size_t n_arches, struct totals *t, const char *what)
{
	_cleanup_(freep) struct ksc_bpf_insn *every = NULL;
	size_t inert = 0, n_rules, bound = filter_libseccomp_min_insns(f);
	long n = libseccomp_every_rule(f, p, arches, n_arches, &every);
	size_t len = ksc_bpf_count(lib);

	(void)filter_rules(f, &n_rules);
	for (size_t i = 0; i < n_rules; i++)
		inert += filter_rule_inert(f, i);

	if (n < 0) {
		t->inert_mismatch++;
		diag("%s: libseccomp refuses the list with every rule", what);
		return;
	}
	t->inert_rules += inert;
	/* ksc's program is runc's stub, then libseccomp's */
	if ((size_t)n > len ||
	    memcmp(ksc_bpf_insns(lib) + len - (size_t)n, every, (size_t)n * sizeof(*every)) != 0) {
		t->inert_mismatch++;
		diag("%s: %zu inert rules left out change libseccomp's program (%ld instructions "
		     "with them, %zu without)",
		     what, inert, n, len);
	}
	if (bound > (size_t)n) {
		t->bound_over++;
		diag("%s: lower bound %zu, libseccomp's program %ld", what, bound, n);
	}
	t->bound_max = MAX(t->bound_max, bound);
}

/* The loads libseccomp's program leaves out: its stale comparisons that no other stale
 * comparison leads to (a run of them compares the word one missing load would give). */
static size_t
missing_loads(const struct ksc_bpf *prog)
{
	size_t n = ksc_bpf_count(prog), count = 0;
	const struct ksc_bpf_insn *v = ksc_bpf_insns(prog);
	_cleanup_(freep) size_t *pcs = malloc((n + 1) * sizeof(*pcs));
	_cleanup_(freep) bool *stale = calloc(n + 1, sizeof(*stale));
	_cleanup_(freep) bool *led = calloc(n + 1, sizeof(*led));
	int m;

	if (!pcs || !stale || !led)
		abort();
	m = ksc_bpf_stale_compares(prog, pcs, n);
	if (m < 0)
		abort();
	for (int i = 0; i < m; i++)
		stale[pcs[i]] = true;
	for (size_t pc = 0; pc < n; pc++) {
		if (!stale[pc])
			continue;
		if (pc + 1 + v[pc].jt < n)
			led[pc + 1 + v[pc].jt] = true;
		if (pc + 1 + v[pc].jf < n)
			led[pc + 1 + v[pc].jf] = true;
	}
	for (size_t pc = 0; pc < n; pc++)
		count += stale[pc] && !led[pc];
	return count;
}

static void
check_profile(const struct ksc_profile *p, const struct ksc_compile_opts *opts, struct totals *t,
              const char *what)
{
	_cleanup_(ksc_error_freep) struct ksc_error *en = NULL, *el = NULL;
	struct ksc_compile_opts nopts = *opts, lopts = *opts;
	struct ksc_bpf *native = NULL, *lib = NULL;
	struct ksc_filter *f = NULL;
	enum ksc_arch arches[_KSC_ARCH_MAX];
	struct ksc_difference diffs[64];
	size_t n_arches, cases = 0, n_diffs = 0;
	size_t stale;
	int rn, rl;

	nopts.backend = KSC_BACKEND_NATIVE;
	lopts.backend = KSC_BACKEND_LIBSECCOMP;
	rn = ksc_profile_compile(p, &nopts, &native, NULL, &en);
	rl = ksc_profile_compile(p, &lopts, &lib, NULL, &el);
	t->profiles++;
	if ((rn < 0) != (rl < 0) || (rn < 0 && rn != rl)) {
		t->refusal_mismatch++;
		diag("%s: native %d (%s), libseccomp %d (%s)", what, rn,
		     en ? ksc_error_message(en) : "-", rl, el ? ksc_error_message(el) : "-");
		goto out;
	}
	if (rn < 0) {
		t->refused++;
		goto out;
	}
	if (ksc_filter_new(p, opts, &f, NULL, NULL) < 0)
		abort();
	n_arches = ksc_compile_arches(p, opts, arches, ELEMENTSOF(arches));

	/* the model */
	if (ksc_filter_compare(f, &native, 1, p, arches, n_arches, &cases, diffs, ELEMENTSOF(diffs),
	                       &n_diffs) < 0)
		abort();
	t->model_cases += cases;
	t->model_diffs += n_diffs;
	if (n_diffs && (verbose || t->model_diffs == n_diffs))
		diag("%s: %zu inputs differ from the model, first arch %08x nr %d args %" PRIx64
		     " %" PRIx64 ": model %08x native %08x",
		     what, n_diffs, diffs[0].data.arch, diffs[0].data.nr, diffs[0].data.args[0],
		     diffs[0].data.args[1], diffs[0].ret_a, diffs[0].ret_b);

	/* libseccomp's program */
	if (ksc_bpf_compare(&lib, 1, &native, 1, p, arches, n_arches, &cases, diffs,
	                    ELEMENTSOF(diffs), &n_diffs) < 0)
		abort();
	t->lib_cases += cases;
	t->lib_diffs += n_diffs;
	/* every differing input must run through a stale comparison of libseccomp's */
	if (n_diffs && all_stale(lib, diffs, MIN(n_diffs, ELEMENTSOF(diffs))))
		t->lib_stale_profiles++;
	else if (n_diffs) {
		t->lib_unexplained++;
		diag("%s: %zu inputs differ from libseccomp, first arch %08x nr %d: libseccomp "
		     "%08x native %08x",
		     what, n_diffs, diffs[0].data.arch, diffs[0].data.nr, diffs[0].ret_a,
		     diffs[0].ret_b);
	}

	sweep(f, native, arches, n_arches, t, what);
	cache_check(f, native, arches, n_arches, t, what);
	interval_check(f, arches, n_arches, t, what);
	check_inert(f, p, lib, arches, n_arches, t, what);
	if (defaults_now)
		defaults_path_max = MAX(defaults_path_max, longest_path(native));
	t->native_insns += ksc_bpf_count(native);
	t->libseccomp_insns += ksc_bpf_count(lib);
	/* libseccomp's program is shorter by the loads it leaves out where it compares a
	 * stale word: a correct program has them */
	stale = missing_loads(lib);
	if (ksc_bpf_count(native) > ksc_bpf_count(lib) + stale) {
		t->longer++;
		diag("%s: native %zu instructions, libseccomp %zu (%zu loads left out)", what,
		     ksc_bpf_count(native), ksc_bpf_count(lib), stale);
		dump_longer();
	} else if (ksc_bpf_count(native) > ksc_bpf_count(lib))
		t->longer_stale++;
out:
	ksc_filter_free(f);
	ksc_bpf_free(native);
	ksc_bpf_free(lib);
}

/* A long list of names with many actions and errno values: hundreds of intervals, so that
 * jumps reach past 255 instructions. */
static char *
random_big_profile(void)
{
	size_t len = 0, cap = 4096;
	char *s = malloc(cap);
	/* one draw per declaration or statement: the order of a call's arguments is
	 * unspecified, and a seed must name the same profiles in every build */
	unsigned n_rules = 5 + pick(40), n_arches = pick(4), def = pick(ELEMENTSOF(actions)),
	         def_errno = 1 + pick(200);

	if (!s)
		abort();
	append(&s, &len, &cap, "{\"defaultAction\": %s, \"architectures\": [",
	       action_json(def, def_errno));
	for (unsigned i = 0; i < n_arches; i++)
		append(&s, &len, &cap, "%s\"%s\"", i ? ", " : "",
		       random_arches[pick(ELEMENTSOF(random_arches))]);
	append(&s, &len, &cap, "], \"syscalls\": [");
	for (unsigned i = 0; i < n_rules; i++) {
		unsigned n_names = 1 + pick(30), action, errno_value;

		append(&s, &len, &cap, "%s{\"names\": [", i ? ", " : "");
		for (unsigned k = 0; k < n_names; k++) {
			const char *name = NULL;

			(void)ksc_syscall_by_index(KSC_ARCH_X86_64, pick(460), &name, NULL);
			append(&s, &len, &cap, "%s\"%s\"", k ? ", " : "", name ? name : "read");
		}
		action = pick(ELEMENTSOF(actions));
		errno_value = 1 + pick(4000);
		append(&s, &len, &cap, "], \"action\": %s", action_json(action, errno_value));
		if (pick(5) == 0) {
			unsigned index = pick(6), value = pick(ELEMENTSOF(values)), op = pick(6);

			append(&s, &len, &cap,
			       ", \"args\": [{\"index\": %u, \"value\": %" PRIu64
			       ", \"op\": \"%s\"}]",
			       index, values[value], ops[op]);
		}
		append(&s, &len, &cap, "}");
	}
	append(&s, &len, &cap, "]}");
	return s;
}

/* Many rules with argument conditions over a few dozen syscalls: the shape of a recorded or
 * hand-written fine-grained profile, where the comparison trees are most of the program. A
 * syscall's action depends on the syscall only (as in bench-large-profile), so that most
 * profiles are valid: two rules ending on one comparison with different actions are
 * refused by runc. */
static char *
random_arg_heavy_profile(void)
{
	size_t len = 0, cap = 4096;
	char *s = malloc(cap);
	unsigned n_rules = 10 + pick(40), n_arches = pick(3), pool = 8 + pick(50);

	if (!s)
		abort();
	append(&s, &len, &cap, "{\"defaultAction\": %s, \"architectures\": [",
	       action_json(pick(ELEMENTSOF(actions)), 1));
	for (unsigned i = 0; i < n_arches; i++)
		append(&s, &len, &cap, "%s\"%s\"", i ? ", " : "",
		       random_arches[pick(ELEMENTSOF(random_arches))]);
	append(&s, &len, &cap, "], \"syscalls\": [");
	for (unsigned i = 0; i < n_rules; i++) {
		unsigned sys = pick(pool), n_names = 1 + pick(3), n_args = 1 + pick(3);

		append(&s, &len, &cap, "%s{\"names\": [", i ? ", " : "");
		for (unsigned k = 0; k < n_names; k++) {
			const char *name = NULL;

			/* neighbours in the table share the first name's action */
			(void)ksc_syscall_by_index(KSC_ARCH_X86_64, 3 * (sys + k * pool), &name,
			                           NULL);
			append(&s, &len, &cap, "%s\"%s\"", k ? ", " : "", name ? name : "read");
		}
		append(&s, &len, &cap, "], \"action\": %s, \"args\": [",
		       action_json(sys % ELEMENTSOF(actions), 1 + sys));
		for (unsigned k = 0; k < n_args; k++) {
			unsigned op = pick(ELEMENTSOF(ops));
			uint64_t value =
			        pick(3) ? values[pick(ELEMENTSOF(values))] : 16 + pick(4096);
			unsigned index = pick(6);
			uint64_t mask = op == 6 ? values[pick(ELEMENTSOF(values))] : 0;

			append_arg(&s, &len, &cap, k, index, value, mask, op);
		}
		append(&s, &len, &cap, "]}");
	}
	append(&s, &len, &cap, "]}");
	return s;
}

static void
load_dir(const char *dir, const struct ksc_compile_opts *const *optsets, size_t n_optsets,
         struct totals *t)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		_cleanup_(ksc_profile_freep) struct ksc_profile *p = NULL;
		_cleanup_(freep) char *path = NULL;

		if (!strstr(de->d_name, ".json") || asprintf(&path, "%s/%s", dir, de->d_name) < 0)
			continue;
		if (ksc_profile_load(path, NULL, &p, NULL, NULL) < 0)
			continue;
		for (size_t i = 0; i < n_optsets; i++)
			check_profile(p, optsets[i], t, path);
	}
	if (d)
		closedir(d);
}

static void
report(const struct totals *t, const char *what)
{
	diag("%s: %zu profiles (%zu refused by both), %zu model inputs, %zu libseccomp inputs "
	     "(%zu differing, in %zu profiles where libseccomp compares a stale word), %zu "
	     "numbers swept, %zu cacheable pairs; %zu native instructions against %zu",
	     what, t->profiles, t->refused, t->model_cases, t->lib_cases, t->lib_diffs,
	     t->lib_stale_profiles, t->sweep_cases, t->cache_pairs, t->native_insns,
	     t->libseccomp_insns);
	is_int((int)t->refusal_mismatch, 0, "%s: native refuses what libseccomp refuses", what);
	is_int((int)t->model_diffs, 0, "%s: native decides as the model on every input", what);
	is_int((int)t->sweep_diffs, 0, "%s: and on numbers across the 32-bit space", what);
	is_int((int)t->lib_unexplained, 0,
	       "%s: native decides as libseccomp's program, except where that compares a stale "
	       "word",
	       what);
	is_int((int)t->cache_misses, 0,
	       "%s: every unconditionally allowed syscall is cacheable (%zu pairs)", what,
	       t->cache_pairs);
	is_int((int)t->interval_errors, 0,
	       "%s: the filter's %zu intervals decide as filter_leaf() on every number tried", what,
	       t->intervals);
	is_int((int)t->inert_mismatch, 0,
	       "%s: leaving out the %zu inert rules does not change libseccomp's program", what,
	       t->inert_rules);
	is_int((int)t->bound_over, 0,
	       "%s: libseccomp's program is never shorter than the filter's lower bound (up to "
	       "%zu)",
	       what, t->bound_max);
}

int
main(int argc, char **argv)
{
	const char *seed_env = getenv("KSC_TEST_SEED"), *count_env = getenv("KSC_TEST_PROFILES");
	unsigned count = count_env ? (unsigned)strtoul(count_env, NULL, 0) : 1500;
	static const enum ksc_arch x86_three[] = { KSC_ARCH_X86_64, KSC_ARCH_X86, KSC_ARCH_X32 };
	static const enum ksc_arch x86_64_x32[] = { KSC_ARCH_X86_64, KSC_ARCH_X32 };
	static const enum ksc_arch others[] = { KSC_ARCH_AARCH64, KSC_ARCH_ARM, KSC_ARCH_PPC64LE,
		                                KSC_ARCH_MIPSEL, KSC_ARCH_RISCV64 };
	struct ksc_compile_opts own = { .timeout_ms = 2000 };
	struct ksc_compile_opts three = { .timeout_ms = 2000, .arches = x86_three, .n_arches = 3 };
	struct ksc_compile_opts with_x32 = { .timeout_ms = 2000,
		                             .arches = x86_64_x32,
		                             .n_arches = 2 };
	struct ksc_compile_opts other = { .timeout_ms = 2000,
		                          .arches = others,
		                          .n_arches = ELEMENTSOF(others) };
	const struct ksc_compile_opts *const optsets[] = { &own, &three, &with_x32, &other };
	struct totals real = { 0 }, colliding = { 0 }, big = { 0 }, heavy = { 0 };
	size_t random_profiles;
	char dir[4096];

	if (argc != 2) {
		fprintf(stderr, "usage: %s FIXTURES\n", argv[0]);
		return 2;
	}
	verbose = getenv("KSC_TEST_VERBOSE") != NULL;
	dump_dir = getenv("KSC_TEST_DUMP");
	rng_state = seed_env ? strtoull(seed_env, NULL, 0) : 0x6e6174697665ull;
	diag("seed 0x%" PRIx64 ", %u profiles", rng_state, count);

	/* the real profiles */
	defaults_now = true;
	for (int fl = KSC_FLAVOR_CONTAINERD; fl <= KSC_FLAVOR_PODMAN; fl++) {
		_cleanup_(ksc_profile_freep) struct ksc_profile *p = NULL;
		struct ksc_expand_opts eo = { .arch = KSC_ARCH_X86_64,
			                      .caps = ksc_caps_kubernetes_default(),
			                      .kernel_major = 6,
			                      .kernel_minor = 1 };

		if (ksc_default_profile((enum ksc_flavor)fl, &eo, &p, NULL) < 0)
			abort();
		for (size_t i = 0; i < ELEMENTSOF(optsets); i++)
			check_profile(p, optsets[i], &real, ksc_flavor_name((enum ksc_flavor)fl));
	}
	for (const char *const *sub =
	             (const char *const[]){ "default", "moby", "runc", "tutorial", NULL };
	     *sub; sub++) {
		snprintf(dir, sizeof(dir), "%s/profiles/%s", argv[1], *sub);
		load_dir(dir, optsets, ELEMENTSOF(optsets), &real);
		defaults_now = false; /* the first are the runtimes' default profiles */
	}
	ok(defaults_path_max > 0 && defaults_path_max <= 25,
	   "no call runs more than 25 instructions of a runtime's default profile (at most %zu)",
	   defaults_path_max);
	report(&real, "real profiles");
	ok(real.profiles >= 40, "the real profiles were all read (%zu compilations)",
	   real.profiles);
	is_int((int)real.longer, 0,
	       "no native program of a real profile is longer than libseccomp's");

	/* random colliding profiles */
	for (unsigned i = 0; i < count; i++) {
		_cleanup_(ksc_profile_freep) struct ksc_profile *p = NULL;
		char *json = random_profile();

		current_json = json;
		if (ksc_profile_parse("random.json", json, strlen(json), NULL, &p, NULL, NULL) == 0)
			check_profile(p, &own, &colliding, verbose ? json : "random");
		if (verbose && colliding.model_diffs + colliding.lib_unexplained +
		                               colliding.sweep_diffs + colliding.refusal_mismatch >
		                       0)
			diag("profile %u: %s", i, json);
		free(json);
		current_json = NULL;
	}
	report(&colliding, "colliding random profiles");
	ok(colliding.refused > 0, "some are refused by both (%zu)", colliding.refused);

	/* random long profiles */
	for (unsigned i = 0; i < count / 5; i++) {
		_cleanup_(ksc_profile_freep) struct ksc_profile *p = NULL;
		char *json = random_big_profile();

		current_json = json;
		if (ksc_profile_parse("big.json", json, strlen(json), NULL, &p, NULL, NULL) == 0)
			check_profile(p, pick(2) ? &own : &three, &big, "big");
		free(json);
		current_json = NULL;
	}
	report(&big, "long random profiles");

	/* random profiles heavy with argument conditions */
	for (unsigned i = 0; i < count / 2; i++) {
		_cleanup_(ksc_profile_freep) struct ksc_profile *p = NULL;
		char *json = random_arg_heavy_profile();

		current_json = json;
		if (ksc_profile_parse("args.json", json, strlen(json), NULL, &p, NULL, NULL) == 0)
			check_profile(p, &own, &heavy, "args");
		free(json);
		current_json = NULL;
	}
	report(&heavy, "argument-heavy random profiles");

	/* the length, over every random profile */
	random_profiles = colliding.profiles - colliding.refused + big.profiles - big.refused +
	                  heavy.profiles - heavy.refused;
	ok(random_profiles >= (count >= 1500 ? 2000u : count),
	   "%zu random profiles compiled by both", random_profiles);
	is_int((int)(colliding.longer + big.longer + heavy.longer), 0,
	       "no native program of a random profile is longer than libseccomp's, but for the "
	       "loads libseccomp leaves out where it compares a stale word (%zu profiles)",
	       colliding.longer_stale + big.longer_stale + heavy.longer_stale);
	return tap_done();
}
