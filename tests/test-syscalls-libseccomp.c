/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Differential test of our syscall tables against the system's libseccomp, on every
 * architecture both know. Our table is newer than the installed libseccomp (Debian 12 ships
 * 2.5.4), so names libseccomp does not know are expected and only counted; where libseccomp
 * gives a number or a name, ours must be the same.
 *
 * libseccomp conventions this test relies on (src/arch*.c, include/seccomp-syscalls.h):
 *  - seccomp_syscall_resolve_name_arch() returns the number the kernel sees (x32 numbers
 *    carry the x32 bit, MIPS numbers their ABI base), __NR_SCMP_ERROR (-1) for a name it
 *    does not know, and a negative pseudo number (__PNR_*) for a name that is no syscall of
 *    that arch.
 *  - On arches with socketcall(2) or ipc(2), it returns __PNR_socket - (call - 1)
 *    (-101..-120) for the socket calls and __PNR_semop - (call - 1) (-201..-224) for the
 *    SysV IPC calls, even where a direct syscall exists too (i386 socket(2)): it rewrites
 *    those rules itself. The call number is encoded in the pseudo number, which lets this
 *    test check ours.
 *  - libseccomp's x32 token is its own (EM_X86_64 | __AUDIT_ARCH_LE, 0x4000003e): the kernel
 *    reports x32 as AUDIT_ARCH_X86_64, which is what ksc_arch_audit_token() returns.
 */
#include <errno.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "kseccomp.h"
#include "libseccomp.h"
#include "macro.h"
#include "syscalls.h"
#include "tap.h"

/* How far past an arch's first syscall number the reverse comparison looks. */
#define SCAN_SPAN 1024u

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Every name our table has on some arch, sorted and unique, gathered through the public API.
 * The caller frees the array (the names are static).
 */
static int
collect_names(const char ***ret_names, size_t *ret_n)
{
	_cleanup_(freep) const char **names = NULL;
	size_t total = 0, j = 0, n = 0;

	for (enum ksc_arch a = KSC_ARCH_NONE + 1; a < _KSC_ARCH_MAX; a++)
		total += ksc_syscall_count(a);
	names = calloc(total, sizeof(*names));
	if (!names)
		return -ENOMEM;
	for (enum ksc_arch a = KSC_ARCH_NONE + 1; a < _KSC_ARCH_MAX; a++)
		for (size_t i = 0; i < ksc_syscall_count(a); i++)
			if (ksc_syscall_by_index(a, i, &names[j], NULL) == 0)
				j++;
	qsort(names, j, sizeof(*names), cmp_str);
	for (size_t i = 0; i < j; i++)
		if (n == 0 || !streq(names[n - 1], names[i]))
			names[n++] = names[i];
	*ret_names = TAKE_PTR(names);
	*ret_n = n;
	return 0;
}

/* libseccomp's token for arch, or 0 if it does not know arch. */
static uint32_t
lib_token(enum ksc_arch arch)
{
	return seccomp_arch_resolve_name(ksc_arch_name(arch));
}

static void
check_token(enum ksc_arch arch, uint32_t token)
{
	/* Exception: libseccomp's x32 token is not the kernel's; see the comment on top. */
	uint32_t want = arch == KSC_ARCH_X32 ? (uint32_t)SCMP_ARCH_X32 : ksc_arch_audit_token(arch);

	is_int(token, want, "%s: libseccomp's token %08x", ksc_arch_name(arch), want);
}

/*
 * Where libseccomp knows a number and we, following the kernel, do not. Each is a change
 * the kernel made after libseccomp's table was written.
 */
static const struct {
	enum ksc_arch arch;
	const char *name;
	uint32_t nr;
} lib_only[] = {
	/* Kernel commit da3680f564bd ("parisc: _llseek syscall is only available for 32-bit
	 * userspace") made arch/parisc/kernel/syscalls/syscall.tbl say "140 32 _llseek";
	 * libseccomp 2.5.4 still lists it for parisc64. */
	{ KSC_ARCH_PARISC64, "_llseek", 140 },
};

static bool
is_lib_only(enum ksc_arch arch, const char *name, uint32_t nr)
{
	for (size_t i = 0; i < ELEMENTSOF(lib_only); i++)
		if (lib_only[i].arch == arch && streq(lib_only[i].name, name) &&
		    lib_only[i].nr == nr)
			return true;
	return false;
}

/*
 * libseccomp's pseudo numbers of calls reached through socketcall(2) (__PNR_socket is
 * -100 - SYS_SOCKET ...) and ipc(2) (__PNR_semop is -200 - SEMOP ...). They mean
 * "multiplexed" only on an arch that has the multiplexer; elsewhere they are plain
 * "not on this arch" (x86_64 send).
 */
static bool
pnr_is_socketcall(uint32_t token, int pnr)
{
	return pnr <= __PNR_socket && pnr >= __PNR_sendmmsg &&
	       seccomp_syscall_resolve_name_arch(token, "socketcall") >= 0;
}

static bool
pnr_is_ipc(uint32_t token, int pnr)
{
	return pnr <= __PNR_semop && pnr >= __PNR_shmctl &&
	       seccomp_syscall_resolve_name_arch(token, "ipc") >= 0;
}

/* For a pseudo number libseccomp gives a multiplexed call, ours must agree on the call. */
static bool
mux_agrees(enum ksc_arch arch, const char *name, int pnr)
{
	uint32_t mux_nr = 0, call = 0, want_mux = 0, want_call;
	const char *mux_name;

	if (pnr <= __PNR_socket && pnr >= __PNR_sendmmsg) {
		mux_name = "socketcall";
		want_call = (uint32_t)(-100 - pnr);
	} else {
		mux_name = "ipc";
		want_call = (uint32_t)(-200 - pnr);
	}
	if (ksc_syscall_multiplexed(arch, name, &mux_nr, &call) != 1)
		return false;
	if (ksc_syscall_resolve_name(arch, mux_name, &want_mux) < 0)
		return false;
	return mux_nr == want_mux && call == want_call &&
	       seccomp_syscall_resolve_name_arch(lib_token(arch), mux_name) == (int)want_mux;
}

/* name -> number on arch: libseccomp's answer, where it has one, must be ours. */
static void
check_forward(enum ksc_arch arch, uint32_t token, const char *const *names, size_t n,
              size_t *unknown_total)
{
	const char *arch_name = ksc_arch_name(arch);
	size_t compared = 0, mismatches = 0, unknown = 0, newer = 0, muxed = 0;

	for (size_t i = 0; i < n; i++) {
		int lib = seccomp_syscall_resolve_name_arch(token, names[i]);
		uint32_t nr = 0;
		int r = ksc_syscall_resolve_name(arch, names[i], &nr);

		if (lib >= 0) {
			compared++;
			if (r < 0 && is_lib_only(arch, names[i], (uint32_t)lib)) {
				printf("# %s %s: libseccomp %d, not in ours, as the kernel says\n",
				       arch_name, names[i], lib);
				continue;
			}
			if (r < 0 || nr != (uint32_t)lib) {
				mismatches++;
				printf("# %s %s: libseccomp %d, ours %s%u (r=%d)\n", arch_name,
				       names[i], lib, r < 0 ? "none " : "", nr, r);
			}
		} else if (lib == __NR_SCMP_ERROR) {
			/* A name newer than the installed libseccomp. */
			unknown++;
		} else if (pnr_is_socketcall(token, lib) || pnr_is_ipc(token, lib)) {
			/* libseccomp reaches it through socketcall/ipc; so must we, with the
			 * same call number (whether or not a direct syscall exists too). */
			muxed++;
			if (!mux_agrees(arch, names[i], lib)) {
				mismatches++;
				printf("# %s %s: libseccomp multiplexes it (%d), we do not agree\n",
				       arch_name, names[i], lib);
			}
		} else if (r == 0) {
			/* libseccomp knows the name but not on this arch: the syscall was wired
			 * up there after its tables were made, or the tables disagree. Against
			 * 2.5.4 the one case is x32 map_shadow_stack: libseccomp's newer csv
			 * (ours) gives x32 453, while the kernel's syscall_64.tbl marks 453 "64"
			 * (x86_64 only), so on x32 that number is ENOSYS either way. */
			newer++;
			printf("# %s %s: %u in our table, not in libseccomp's (%d)\n", arch_name,
			       names[i], nr, lib);
		}
	}
	is_int(mismatches, 0, "%s: %zu numbers libseccomp resolves are ours too", arch_name,
	       compared);
	ok(compared > 0, "%s: libseccomp resolved some names", arch_name);
	printf("# %s: %zu names newer than libseccomp, %zu newly wired up, %zu multiplexed\n",
	       arch_name, unknown, newer, muxed);
	*unknown_total += unknown;
}

static void
scan_numbers(enum ksc_arch arch, uint32_t token, uint32_t lo, uint32_t hi, size_t *compared,
             size_t *mismatches, size_t *ours_only)
{
	for (uint32_t nr = lo; nr < hi; nr++) {
		char *lib = seccomp_syscall_resolve_num_arch(token, (int)nr);
		const char *ours = ksc_syscall_name(arch, nr);

		if (lib) {
			(*compared)++;
			if (!ours && is_lib_only(arch, lib, nr)) {
				free(lib);
				continue;
			}
			if (!streq_ptr(lib, ours)) {
				(*mismatches)++;
				printf("# %s %u: libseccomp %s, ours %s\n", ksc_arch_name(arch), nr,
				       lib, ours ? ours : "(none)");
			}
		} else if (ours)
			(*ours_only)++;
		free(lib);
	}
}

/*
 * number -> name on arch, over the numbers around the arch's table: from its first number
 * (the ABI base) on, and the 256 numbers around its last (ARM's private syscalls).
 * No aliases had to be allowed: no number has two names in either table.
 */
static void
check_reverse(enum ksc_arch arch, uint32_t token)
{
	size_t count = ksc_syscall_count(arch), compared = 0, mismatches = 0, ours_only = 0;
	uint32_t first = 0, last = 0, last_lo;

	if (count == 0 || ksc_syscall_by_index(arch, 0, NULL, &first) < 0 ||
	    ksc_syscall_by_index(arch, count - 1, NULL, &last) < 0) {
		ok(false, "%s: the table has a first and a last number", ksc_arch_name(arch));
		return;
	}
	scan_numbers(arch, token, first, first + SCAN_SPAN, &compared, &mismatches, &ours_only);
	last_lo = last & ~0xffu;
	if (last_lo >= first + SCAN_SPAN)
		scan_numbers(arch, token, last_lo, last_lo + 0x100, &compared, &mismatches,
		             &ours_only);

	is_int(mismatches, 0, "%s: %zu numbers libseccomp names have our names",
	       ksc_arch_name(arch), compared);
	printf("# %s: %zu numbers only in our table\n", ksc_arch_name(arch), ours_only);
}

static void
test_arches(const char *const *names, size_t n)
{
	static const enum ksc_arch required[] = {
		KSC_ARCH_X86_64, KSC_ARCH_X86, KSC_ARCH_X32, KSC_ARCH_ARM, KSC_ARCH_AARCH64,
	};
	size_t unknown_total = 0, both = 0;

	for (size_t i = 0; i < ELEMENTSOF(required); i++)
		ok(lib_token(required[i]) != 0, "libseccomp knows %s", ksc_arch_name(required[i]));

	for (enum ksc_arch a = KSC_ARCH_NONE + 1; a < _KSC_ARCH_MAX; a++) {
		uint32_t token = lib_token(a);

		if (token == 0) {
			printf("# libseccomp %u.%u.%u does not know %s: skipped\n",
			       seccomp_version()->major, seccomp_version()->minor,
			       seccomp_version()->micro, ksc_arch_name(a));
			continue;
		}
		both++;
		check_token(a, token);
		check_forward(a, token, names, n, &unknown_total);
		check_reverse(a, token);
	}
	printf("# %zu arches compared; %zu (arch, name) pairs unknown to libseccomp %u.%u.%u\n",
	       both, unknown_total, seccomp_version()->major, seccomp_version()->minor,
	       seccomp_version()->micro);
}

/* Syscalls newer than libseccomp 2.5.4 that our table must have, with their x86_64 numbers
 * (arch/x86/entry/syscalls/syscall_64.tbl). */
static void
test_newer_syscalls(void)
{
	static const struct {
		const char *name;
		uint32_t nr;
	} cases[] = {
		{ "cachestat", 451 },         { "fchmodat2", 452 },
		{ "map_shadow_stack", 453 },  { "futex_wake", 454 },
		{ "futex_wait", 455 },        { "futex_requeue", 456 },
		{ "statmount", 457 },         { "listmount", 458 },
		{ "lsm_get_self_attr", 459 }, { "lsm_set_self_attr", 460 },
		{ "lsm_list_modules", 461 },  { "mseal", 462 },
		{ "setxattrat", 463 },        { "getxattrat", 464 },
		{ "listxattrat", 465 },       { "removexattrat", 466 },
	};
	uint32_t token = lib_token(KSC_ARCH_X86_64);

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		uint32_t nr = 0;
		int r = ksc_syscall_resolve_name(KSC_ARCH_X86_64, cases[i].name, &nr);

		ok(r == 0 && nr == cases[i].nr, "x86_64 %s is %u (libseccomp says %d)",
		   cases[i].name, cases[i].nr,
		   seccomp_syscall_resolve_name_arch(token, cases[i].name));
	}
}

/* The adapter asks libseccomp once per (arch, name) and keeps the answer: asked twice, on
 * every arch libseccomp knows and its native one, it must give libseccomp's own answer, and
 * so must a name outside kseccomp's tables (never kept). */
static void
test_adapter_memo(void)
{
	size_t asked = 0, wrong = 0;

	for (int round = 0; round < 2; round++)
		for (int a = KSC_ARCH_NONE; a < _KSC_ARCH_MAX; a++) {
			uint32_t token = a == KSC_ARCH_NONE ? 0 : lib_token((enum ksc_arch)a);

			if (a != KSC_ARCH_NONE && !token)
				continue;
			for (size_t id = 0; id <= syscalls_names_count; id++) {
				const char *name = id < syscalls_names_count ? syscalls_names[id]
				                                             : "no_such_syscall";
				int want = a == KSC_ARCH_NONE
				                   ? seccomp_syscall_resolve_name(name)
				                   : seccomp_syscall_resolve_name_arch(token, name);
				int nr = 12345, r = libseccomp_resolve((enum ksc_arch)a, name, &nr);

				asked++;
				if (want == __NR_SCMP_ERROR ? r != -ENOENT : r != 0 || nr != want) {
					if (wrong++ < 3)
						tap_diagf("arch %d %s: libseccomp %d, adapter %d "
						          "(%d)",
						          a, name, want, r, nr);
				}
			}
		}
	is_int((int)wrong, 0, "the adapter's kept answers are libseccomp's (%zu asked)", asked);
}

int
main(void)
{
	_cleanup_(freep) const char **names = NULL;
	size_t n = 0;

	if (collect_names(&names, &n) < 0) {
		printf("Bail out! out of memory\n");
		return 1;
	}
	is_int(n, 508, "our table has 508 names (the csv's rows)");
	test_arches(names, n);
	test_newer_syscalls();
	test_adapter_memo();
	return tap_done();
}
