/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the architectures and syscall tables (src/lib/syscalls.c) and of the errno
 * names (src/lib/errno-names.c). Expected numbers come from the kernel's syscall tables
 * (arch/x86/entry/syscalls/syscall_64.tbl and syscall_32.tbl, include/uapi/asm-generic/
 * unistd.h) and from <linux/audit.h>, <linux/net.h> and <linux/ipc.h>, not from our table.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/ipc.h>
#include <linux/net.h>
#include <stdlib.h>
#include <string.h>

#include "kseccomp.h"
#include "macro.h"
#include "syscalls.h"
#include "tap.h"

#define NO_NR UINT32_MAX /* "not a syscall on that arch" in the tables below */

static const struct {
	const char *name;
	uint32_t x86_64, aarch64, x86;
} syscall_cases[] = {
	{ "accept4", 288, 242, 364 },
	{ "epoll_wait", 232, NO_NR, 256 },
	{ "pselect6", 270, 72, 308 },
	{ "futex", 202, 98, 240 },
	{ "getsockname", 51, 204, 367 },
	{ "setsockopt", 54, 208, 366 },
	{ "vfork", 58, NO_NR, 190 },
	{ "read", 0, 63, 3 },
	{ "write", 1, 64, 4 },
	{ "arch_prctl", 158, NO_NR, 384 },
	{ "open", 2, NO_NR, 5 },
	{ "openat", 257, 56, 295 },
	{ "dup2", 33, NO_NR, 63 },
	{ "clone", 56, 220, 120 },
	{ "clone3", 435, 435, 435 },
	{ "execve", 59, 221, 11 },
	{ "socket", 41, 198, 359 },
	{ "accept", 43, 202, NO_NR },
	{ "recvmmsg", 299, 243, 337 },
	{ "semop", 65, 193, NO_NR },
	{ "semtimedop", 220, 192, NO_NR },
	{ "socketcall", NO_NR, NO_NR, 102 },
	{ "ipc", NO_NR, NO_NR, 117 },
	{ "cachestat", 451, 451, 451 },
	{ "fchmodat2", 452, 452, 452 },
	{ "mseal", 462, 462, 462 },
	{ "setxattrat", 463, 463, 463 },
	{ "removexattrat", 466, 466, 466 },
	{ "uretprobe", 335, NO_NR, NO_NR },
};

static void
check_nr(enum ksc_arch arch, const char *name, uint32_t want)
{
	const char *arch_name = ksc_arch_name(arch);
	uint32_t nr = 0;
	int r;

	r = ksc_syscall_resolve_name(arch, name, &nr);
	if (want == NO_NR) {
		is_int(r, -ENOENT, "%s is not a syscall on %s", name, arch_name);
		return;
	}
	if (is_int(r, 0, "%s resolves on %s", name, arch_name))
		is_int(nr, want, "%s is %u on %s", name, want, arch_name);
	is_str(ksc_syscall_name(arch, want), name, "%u on %s is %s", want, arch_name, name);
}

static void
test_syscall_numbers(void)
{
	for (size_t i = 0; i < ELEMENTSOF(syscall_cases); i++) {
		check_nr(KSC_ARCH_X86_64, syscall_cases[i].name, syscall_cases[i].x86_64);
		check_nr(KSC_ARCH_AARCH64, syscall_cases[i].name, syscall_cases[i].aarch64);
		check_nr(KSC_ARCH_X86, syscall_cases[i].name, syscall_cases[i].x86);
	}

	/* Numbers no syscall has. */
	ok(!ksc_syscall_name(KSC_ARCH_X86_64, 400), "x86_64 400 is in the gap 337..423");
	ok(!ksc_syscall_name(KSC_ARCH_X86_64, 100000), "x86_64 100000 is no syscall");
	ok(!ksc_syscall_name(KSC_ARCH_X86_64, UINT32_MAX), "x86_64 0xffffffff is no syscall");
	ok(!ksc_syscall_name(KSC_ARCH_AARCH64, 244), "aarch64 244 is in the arch-specific gap");
}

static void
test_counts(void)
{
	/* Oracles: the number of non-PNR entries per column of libseccomp's csv. */
	is_int(ksc_syscall_count(KSC_ARCH_X86_64), 385, "x86_64 has 385 syscalls");
	is_int(ksc_syscall_count(KSC_ARCH_AARCH64), 327, "aarch64 has 327 syscalls");
	is_int(ksc_syscall_count(KSC_ARCH_X86), 461, "x86 has 461 syscalls");
	is_int(ksc_syscall_count(KSC_ARCH_X32), 374, "x32 has 374 syscalls");
	is_int(ksc_syscall_count(KSC_ARCH_ARM), 430, "arm has 430 syscalls");
	/* Arches sharing a csv column share its table. */
	is_int(ksc_syscall_count(KSC_ARCH_MIPSEL), ksc_syscall_count(KSC_ARCH_MIPS),
	       "mipsel has mips's table");
	is_int(ksc_syscall_count(KSC_ARCH_PPC64LE), ksc_syscall_count(KSC_ARCH_PPC64),
	       "ppc64le has ppc64's table");
	is_int(ksc_syscall_count(KSC_ARCH_SHEB), ksc_syscall_count(KSC_ARCH_SH),
	       "sheb has sh's table");
	is_int(ksc_syscall_count(KSC_ARCH_NONE), 0, "KSC_ARCH_NONE has no syscalls");
	is_int(ksc_syscall_count(_KSC_ARCH_MAX), 0, "_KSC_ARCH_MAX has no syscalls");
	is_str(ksc_syscall_table_version(), "7.1.0-rc4", "the table is Linux 7.1.0-rc4's");
}

/* by_index walks the table in ascending order and agrees with both lookups, on every arch. */
static void
test_iteration(void)
{
	for (enum ksc_arch a = KSC_ARCH_NONE + 1; a < _KSC_ARCH_MAX; a++) {
		size_t count = ksc_syscall_count(a), bad = 0;
		uint32_t prev = 0;

		for (size_t i = 0; i < count; i++) {
			const char *name = NULL;
			uint32_t nr = 0, back = 0;

			if (ksc_syscall_by_index(a, i, &name, &nr) < 0 || !name) {
				bad++;
				continue;
			}
			if (i > 0 && nr <= prev)
				bad++;
			prev = nr;
			if (ksc_syscall_resolve_name(a, name, &back) < 0 || back != nr)
				bad++;
			if (!streq_ptr(ksc_syscall_name(a, nr), name))
				bad++;
			if (!ksc_syscall_name_known(name))
				bad++;
		}
		is_int(bad, 0, "%s: %zu syscalls in ascending order, both lookups agree",
		       ksc_arch_name(a), count);
		is_int(ksc_syscall_by_index(a, count, NULL, NULL), -ERANGE,
		       "%s: index %zu is out of range", ksc_arch_name(a), count);
	}
	is_int(ksc_syscall_by_index(KSC_ARCH_NONE, 0, NULL, NULL), -EINVAL,
	       "by_index on KSC_ARCH_NONE is -EINVAL");
}

static void
test_abi_offsets(void)
{
	uint32_t nr = 0;

	/* x32: x86_64's numbers with __X32_SYSCALL_BIT, and its own compat calls from 512. */
	ok(ksc_syscall_resolve_name(KSC_ARCH_X32, "read", &nr) == 0 && nr == 0x40000000u,
	   "x32 read is 0x40000000");
	ok(ksc_syscall_resolve_name(KSC_ARCH_X32, "rt_sigaction", &nr) == 0 &&
	           nr == (512u | KSC_X32_SYSCALL_BIT),
	   "x32 rt_sigaction is 512|0x40000000");
	ok(ksc_syscall_resolve_name(KSC_ARCH_X32, "execve", &nr) == 0 &&
	           nr == (520u | KSC_X32_SYSCALL_BIT),
	   "x32 execve is 520|0x40000000");
	is_str(ksc_syscall_name(KSC_ARCH_X32, 0x40000000u), "read", "x32 0x40000000 is read");
	ok(!ksc_syscall_name(KSC_ARCH_X32, 0), "x32: 0 without the x32 bit is no x32 syscall");
	ok(!ksc_syscall_name(KSC_ARCH_X32, KSC_X32_SYSCALL_BIT | 59),
	   "x32 has no execve at 59 (x86_64's), only 520");
	is_int(ksc_syscall_resolve_name(KSC_ARCH_X32, "uselib", &nr), -ENOENT, "x32 has no uselib");

	/* MIPS: o32 from 4000, n64 from 5000, n32 from 6000; the little-endian twins alike. */
	ok(ksc_syscall_resolve_name(KSC_ARCH_MIPS, "read", &nr) == 0 && nr == 4003,
	   "mips read is 4003");
	ok(ksc_syscall_resolve_name(KSC_ARCH_MIPSEL, "read", &nr) == 0 && nr == 4003,
	   "mipsel read is 4003");
	ok(ksc_syscall_resolve_name(KSC_ARCH_MIPS64, "read", &nr) == 0 && nr == 5000,
	   "mips64 read is 5000");
	ok(ksc_syscall_resolve_name(KSC_ARCH_MIPSEL64, "read", &nr) == 0 && nr == 5000,
	   "mipsel64 read is 5000");
	ok(ksc_syscall_resolve_name(KSC_ARCH_MIPS64N32, "read", &nr) == 0 && nr == 6000,
	   "mips64n32 read is 6000");
	ok(ksc_syscall_resolve_name(KSC_ARCH_MIPSEL64N32, "read", &nr) == 0 && nr == 6000,
	   "mipsel64n32 read is 6000");
	ok(ksc_syscall_resolve_name(KSC_ARCH_MIPS, "cachestat", &nr) == 0 && nr == 4451,
	   "mips cachestat is 4451");
	is_str(ksc_syscall_name(KSC_ARCH_MIPS64, 5002), "open", "mips64 5002 is open");
	ok(!ksc_syscall_name(KSC_ARCH_MIPS64, 2), "mips64 2 is below the n64 base");
	ok(!ksc_syscall_name(KSC_ARCH_MIPS, 3), "mips 3 is below the o32 base");

	/* ARM's private syscalls are full numbers already: __ARM_NR_BASE 0x0f0000. */
	ok(ksc_syscall_resolve_name(KSC_ARCH_ARM, "breakpoint", &nr) == 0 && nr == 0xf0001,
	   "arm breakpoint is 0xf0001");
	ok(ksc_syscall_resolve_name(KSC_ARCH_ARM, "cacheflush", &nr) == 0 && nr == 0xf0002,
	   "arm cacheflush is 0xf0002");
	ok(ksc_syscall_resolve_name(KSC_ARCH_ARM, "set_tls", &nr) == 0 && nr == 0xf0005,
	   "arm set_tls is 0xf0005");

	/* ppc64le and sheb share their twins' numbers. */
	ok(ksc_syscall_resolve_name(KSC_ARCH_PPC64LE, "rt_sigaction", &nr) == 0 && nr == 173,
	   "ppc64le rt_sigaction is 173");
	ok(ksc_syscall_resolve_name(KSC_ARCH_SHEB, "socket", &nr) == 0 && nr == 340,
	   "sheb socket is 340");
}

static void
test_lookup_errors(void)
{
	uint32_t nr = 12345;

	is_int(ksc_syscall_resolve_name(KSC_ARCH_X86_64, "no_such_syscall", &nr), -ENOENT,
	       "an unknown name is -ENOENT");
	is_int(nr, 12345, "ret_nr is untouched on failure");
	is_int(ksc_syscall_resolve_name(KSC_ARCH_X86_64, "", &nr), -ENOENT,
	       "the empty name is -ENOENT");
	is_int(ksc_syscall_resolve_name(KSC_ARCH_X86_64, "READ", &nr), -ENOENT,
	       "names are case-sensitive");
	is_int(ksc_syscall_resolve_name(KSC_ARCH_NONE, "read", &nr), -EINVAL,
	       "KSC_ARCH_NONE is -EINVAL");
	is_int(ksc_syscall_resolve_name(_KSC_ARCH_MAX, "read", &nr), -EINVAL,
	       "_KSC_ARCH_MAX is -EINVAL");
	is_int(ksc_syscall_resolve_name((enum ksc_arch) - 1, "read", &nr), -EINVAL,
	       "a negative arch is -EINVAL");
	is_int(ksc_syscall_resolve_name(KSC_ARCH_X86_64, NULL, &nr), -EINVAL,
	       "a NULL name is -EINVAL");
	is_int(ksc_syscall_resolve_name(KSC_ARCH_X86_64, "read", NULL), 0, "ret_nr may be NULL");
	ok(!ksc_syscall_name(KSC_ARCH_NONE, 0), "no name on KSC_ARCH_NONE");

	ok(ksc_syscall_name_known("read"), "read is known");
	ok(ksc_syscall_name_known("breakpoint"), "breakpoint (arm only) is known");
	ok(ksc_syscall_name_known("_llseek"),
	   "_llseek, the first name in strcmp() order, is known");
	ok(ksc_syscall_name_known("writev"), "writev, the last name in strcmp() order, is known");
	ok(ksc_syscall_name_known("socketcall"), "socketcall is known");
	ok(!ksc_syscall_name_known("no_such_syscall"), "no_such_syscall is unknown");
	ok(!ksc_syscall_name_known(""), "the empty name is unknown");
	ok(!ksc_syscall_name_known(NULL), "NULL is unknown");
}

static void
check_mux(enum ksc_arch arch, const char *name, int want_r, uint32_t want_mux, uint32_t want_call)
{
	uint32_t mux = 0, call = 0;
	int r;

	r = ksc_syscall_multiplexed(arch, name, &mux, &call);
	if (!is_int(r, want_r, "%s on %s: multiplexed is %d", name, ksc_arch_name(arch), want_r))
		return;
	if (r == 1)
		ok(mux == want_mux && call == want_call, "%s on %s is call %u of syscall %u", name,
		   ksc_arch_name(arch), want_call, want_mux);
}

static void
test_multiplexing(void)
{
	static const struct {
		const char *name;
		uint32_t call;
	} socket_calls[] = {
		{ "socket", SYS_SOCKET },
		{ "bind", SYS_BIND },
		{ "connect", SYS_CONNECT },
		{ "listen", SYS_LISTEN },
		{ "accept", SYS_ACCEPT },
		{ "getsockname", SYS_GETSOCKNAME },
		{ "getpeername", SYS_GETPEERNAME },
		{ "socketpair", SYS_SOCKETPAIR },
		{ "send", SYS_SEND },
		{ "recv", SYS_RECV },
		{ "sendto", SYS_SENDTO },
		{ "recvfrom", SYS_RECVFROM },
		{ "shutdown", SYS_SHUTDOWN },
		{ "setsockopt", SYS_SETSOCKOPT },
		{ "getsockopt", SYS_GETSOCKOPT },
		{ "sendmsg", SYS_SENDMSG },
		{ "recvmsg", SYS_RECVMSG },
		{ "accept4", SYS_ACCEPT4 },
		{ "recvmmsg", SYS_RECVMMSG },
		{ "sendmmsg", SYS_SENDMMSG },
	},
	  ipc_calls[] = {
		  { "semop", SEMOP },   { "semget", SEMGET }, { "semctl", SEMCTL },
		  { "semtimedop", SEMTIMEDOP }, { "msgsnd", MSGSND }, { "msgrcv", MSGRCV },
		  { "msgget", MSGGET }, { "msgctl", MSGCTL }, { "shmat", SHMAT },
		  { "shmdt", SHMDT },   { "shmget", SHMGET }, { "shmctl", SHMCTL },
	  };
	uint32_t nr = 0;

	for (size_t i = 0; i < ELEMENTSOF(socket_calls); i++) {
		check_mux(KSC_ARCH_X86, socket_calls[i].name, 1, 102, socket_calls[i].call);
		check_mux(KSC_ARCH_X86_64, socket_calls[i].name, 0, 0, 0);
	}
	for (size_t i = 0; i < ELEMENTSOF(ipc_calls); i++) {
		check_mux(KSC_ARCH_X86, ipc_calls[i].name, 1, 117, ipc_calls[i].call);
		check_mux(KSC_ARCH_AARCH64, ipc_calls[i].name, 0, 0, 0);
	}

	/* On i386 socket(2) has a number of its own too (Linux 4.3), accept only socketcall. */
	ok(ksc_syscall_resolve_name(KSC_ARCH_X86, "socket", &nr) == 0 && nr == 359,
	   "x86 socket is also direct syscall 359");
	is_int(ksc_syscall_resolve_name(KSC_ARCH_X86, "accept", &nr), -ENOENT,
	       "x86 accept is no direct syscall");
	is_int(ksc_syscall_resolve_name(KSC_ARCH_X86, "send", &nr), -ENOENT,
	       "x86 send is no direct syscall");
	is_int(ksc_syscall_resolve_name(KSC_ARCH_X86, "recv", &nr), -ENOENT,
	       "x86 recv is no direct syscall");
	is_int(ksc_syscall_resolve_name(KSC_ARCH_X86, "semop", &nr), -ENOENT,
	       "x86 semop is no direct syscall");
	is_int(ksc_syscall_resolve_name(KSC_ARCH_X86, "semtimedop", &nr), -ENOENT,
	       "x86 semtimedop is no direct syscall");

	/* The multiplexer's number carries the ABI's offset. */
	check_mux(KSC_ARCH_MIPS, "accept", 1, 4102, SYS_ACCEPT);
	check_mux(KSC_ARCH_MIPSEL, "shmat", 1, 4117, SHMAT);
	check_mux(KSC_ARCH_MIPS64, "accept", 0, 0, 0);
	check_mux(KSC_ARCH_S390X, "socket", 1, 102, SYS_SOCKET);
	check_mux(KSC_ARCH_PPC64LE, "semtimedop", 1, 117, SEMTIMEDOP);
	check_mux(KSC_ARCH_ARM, "socket", 0, 0, 0);
	check_mux(KSC_ARCH_X32, "socket", 0, 0, 0);

	/* Other names are never multiplexed. */
	check_mux(KSC_ARCH_X86, "read", 0, 0, 0);
	check_mux(KSC_ARCH_X86, "socketcall", 0, 0, 0);
	check_mux(KSC_ARCH_X86, "no_such_syscall", 0, 0, 0);
	is_int(ksc_syscall_multiplexed(KSC_ARCH_NONE, "socket", NULL, NULL), -EINVAL,
	       "multiplexed on KSC_ARCH_NONE is -EINVAL");
	is_int(ksc_syscall_multiplexed(KSC_ARCH_X86, "socket", NULL, NULL), 1,
	       "the ret_ pointers of multiplexed may be NULL");
}

static const struct {
	enum ksc_arch arch;
	const char *oci, *name, *moby, *goarch;
	uint32_t token;
	bool is_64bit;
} arch_cases[] = {
	{ KSC_ARCH_X86_64, "SCMP_ARCH_X86_64", "x86_64", "amd64", "amd64", 0xc000003e, true },
	{ KSC_ARCH_X86, "SCMP_ARCH_X86", "x86", "x86", "386", 0x40000003, false },
	{ KSC_ARCH_X32, "SCMP_ARCH_X32", "x32", "x32", NULL, 0xc000003e, false },
	{ KSC_ARCH_ARM, "SCMP_ARCH_ARM", "arm", "arm", "arm", 0x40000028, false },
	{ KSC_ARCH_AARCH64, "SCMP_ARCH_AARCH64", "aarch64", "arm64", "arm64", 0xc00000b7, true },
	{ KSC_ARCH_LOONGARCH64, "SCMP_ARCH_LOONGARCH64", "loongarch64", "loongarch64", "loong64",
	  0xc0000102, true },
	{ KSC_ARCH_M68K, "SCMP_ARCH_M68K", "m68k", NULL, NULL, 0x00000004, false },
	{ KSC_ARCH_MIPS, "SCMP_ARCH_MIPS", "mips", NULL, "mips", 0x00000008, false },
	{ KSC_ARCH_MIPSEL, "SCMP_ARCH_MIPSEL", "mipsel", "mipsel", "mipsle", 0x40000008, false },
	{ KSC_ARCH_MIPS64, "SCMP_ARCH_MIPS64", "mips64", "mips64", "mips64", 0x80000008, true },
	{ KSC_ARCH_MIPSEL64, "SCMP_ARCH_MIPSEL64", "mipsel64", "mipsel64", "mips64le", 0xc0000008,
	  true },
	{ KSC_ARCH_MIPS64N32, "SCMP_ARCH_MIPS64N32", "mips64n32", "mips64n32", "mips64p32",
	  0xa0000008, false },
	{ KSC_ARCH_MIPSEL64N32, "SCMP_ARCH_MIPSEL64N32", "mipsel64n32", "mips3l64n32",
	  "mips64p32le", 0xe0000008, false },
	{ KSC_ARCH_PARISC, "SCMP_ARCH_PARISC", "parisc", NULL, NULL, 0x0000000f, false },
	{ KSC_ARCH_PARISC64, "SCMP_ARCH_PARISC64", "parisc64", NULL, NULL, 0x8000000f, true },
	{ KSC_ARCH_PPC, "SCMP_ARCH_PPC", "ppc", "ppc", "ppc", 0x00000014, false },
	{ KSC_ARCH_PPC64, "SCMP_ARCH_PPC64", "ppc64", "ppc64", "ppc64", 0x80000015, true },
	{ KSC_ARCH_PPC64LE, "SCMP_ARCH_PPC64LE", "ppc64le", "ppc64le", "ppc64le", 0xc0000015,
	  true },
	{ KSC_ARCH_RISCV64, "SCMP_ARCH_RISCV64", "riscv64", "riscv64", "riscv64", 0xc00000f3,
	  true },
	{ KSC_ARCH_S390, "SCMP_ARCH_S390", "s390", "s390", "s390", 0x00000016, false },
	{ KSC_ARCH_S390X, "SCMP_ARCH_S390X", "s390x", "s390x", "s390x", 0x80000016, true },
	{ KSC_ARCH_SH, "SCMP_ARCH_SH", "sh", NULL, NULL, 0x4000002a, false },
	{ KSC_ARCH_SHEB, "SCMP_ARCH_SHEB", "sheb", NULL, NULL, 0x0000002a, false },
};

static void
check_arch_spelling(const char *spelling, enum ksc_arch want)
{
	enum ksc_arch got = KSC_ARCH_NONE;

	if (!spelling)
		return;
	ok(ksc_arch_from_name(spelling, &got) == 0 && got == want, "\"%s\" is %s", spelling,
	   ksc_arch_oci_name(want));
}

static void
test_arch_names(void)
{
	enum ksc_arch arch = KSC_ARCH_NONE;

	is_int(ELEMENTSOF(arch_cases), _KSC_ARCH_MAX - 1, "every arch has a test case");

	for (size_t i = 0; i < ELEMENTSOF(arch_cases); i++) {
		enum ksc_arch a = arch_cases[i].arch;

		is_str(ksc_arch_oci_name(a), arch_cases[i].oci, "OCI name of %s",
		       arch_cases[i].oci);
		is_str(ksc_arch_name(a), arch_cases[i].name, "libseccomp name of %s",
		       arch_cases[i].oci);
		is_str(ksc_arch_go_name(a), arch_cases[i].moby, "moby name of %s",
		       arch_cases[i].oci);
		check_arch_spelling(arch_cases[i].oci, a);
		check_arch_spelling(arch_cases[i].name, a);
		check_arch_spelling(arch_cases[i].moby, a);
		check_arch_spelling(arch_cases[i].goarch, a);
		is_int(ksc_arch_is_64bit(a), arch_cases[i].is_64bit, "%s is %s", arch_cases[i].oci,
		       arch_cases[i].is_64bit ? "64-bit" : "32-bit");
	}

	is_int(ksc_arch_from_name("SCMP_ARCH_NATIVE", &arch), -EINVAL,
	       "SCMP_ARCH_NATIVE is no architecture");
	is_int(ksc_arch_from_name("scmp_arch_x86_64", &arch), -EINVAL,
	       "OCI names are case-sensitive");
	is_int(ksc_arch_from_name("X86_64", &arch), -EINVAL, "libseccomp names are case-sensitive");
	is_int(ksc_arch_from_name("i386", &arch), -EINVAL, "i386 is not a spelling we accept");
	is_int(ksc_arch_from_name("sparc64", &arch), -EINVAL, "sparc64 is unknown");
	is_int(ksc_arch_from_name("", &arch), -EINVAL, "the empty name is unknown");
	is_int(ksc_arch_from_name(NULL, &arch), -EINVAL, "NULL is unknown");
	is_int(arch, KSC_ARCH_NONE, "ret_arch is untouched on failure");

	ok(!ksc_arch_oci_name(KSC_ARCH_NONE), "KSC_ARCH_NONE has no OCI name");
	ok(!ksc_arch_name(_KSC_ARCH_MAX), "_KSC_ARCH_MAX has no name");
	ok(!ksc_arch_go_name(KSC_ARCH_NONE), "KSC_ARCH_NONE has no moby name");
	ok(!ksc_arch_is_64bit(KSC_ARCH_NONE), "KSC_ARCH_NONE is not 64-bit");
	is_int(ksc_arch_audit_token(KSC_ARCH_NONE), 0, "KSC_ARCH_NONE has no audit token");
}

static void
test_audit_tokens(void)
{
	enum ksc_arch arch = KSC_ARCH_NONE;

	for (size_t i = 0; i < ELEMENTSOF(arch_cases); i++) {
		enum ksc_arch a = arch_cases[i].arch;
		uint32_t nr = a == KSC_ARCH_X32 ? KSC_X32_SYSCALL_BIT : 0;

		is_int(ksc_arch_audit_token(a), arch_cases[i].token, "%s token is %08x",
		       arch_cases[i].oci, arch_cases[i].token);
		ok(ksc_arch_from_audit_token(arch_cases[i].token, nr, &arch) == 0 && arch == a,
		   "token %08x with nr %08x is %s", arch_cases[i].token, nr, arch_cases[i].oci);
	}

	/* The constants as the kernel's uapi header spells them. */
	is_int(ksc_arch_audit_token(KSC_ARCH_X86_64), AUDIT_ARCH_X86_64, "AUDIT_ARCH_X86_64");
	is_int(ksc_arch_audit_token(KSC_ARCH_X32), AUDIT_ARCH_X86_64, "x32 is AUDIT_ARCH_X86_64");
	is_int(ksc_arch_audit_token(KSC_ARCH_X86), AUDIT_ARCH_I386, "AUDIT_ARCH_I386");
	is_int(ksc_arch_audit_token(KSC_ARCH_ARM), AUDIT_ARCH_ARM, "AUDIT_ARCH_ARM");
	is_int(ksc_arch_audit_token(KSC_ARCH_AARCH64), AUDIT_ARCH_AARCH64, "AUDIT_ARCH_AARCH64");
#ifdef AUDIT_ARCH_LOONGARCH64
	is_int(ksc_arch_audit_token(KSC_ARCH_LOONGARCH64), AUDIT_ARCH_LOONGARCH64,
	       "AUDIT_ARCH_LOONGARCH64");
#endif
	is_int(ksc_arch_audit_token(KSC_ARCH_M68K), AUDIT_ARCH_M68K, "AUDIT_ARCH_M68K");
	is_int(ksc_arch_audit_token(KSC_ARCH_MIPS), AUDIT_ARCH_MIPS, "AUDIT_ARCH_MIPS");
	is_int(ksc_arch_audit_token(KSC_ARCH_MIPSEL), AUDIT_ARCH_MIPSEL, "AUDIT_ARCH_MIPSEL");
	is_int(ksc_arch_audit_token(KSC_ARCH_MIPS64), AUDIT_ARCH_MIPS64, "AUDIT_ARCH_MIPS64");
	is_int(ksc_arch_audit_token(KSC_ARCH_MIPSEL64), AUDIT_ARCH_MIPSEL64, "AUDIT_ARCH_MIPSEL64");
	is_int(ksc_arch_audit_token(KSC_ARCH_MIPS64N32), AUDIT_ARCH_MIPS64N32,
	       "AUDIT_ARCH_MIPS64N32");
	is_int(ksc_arch_audit_token(KSC_ARCH_MIPSEL64N32), AUDIT_ARCH_MIPSEL64N32,
	       "AUDIT_ARCH_MIPSEL64N32");
	is_int(ksc_arch_audit_token(KSC_ARCH_PARISC), AUDIT_ARCH_PARISC, "AUDIT_ARCH_PARISC");
	is_int(ksc_arch_audit_token(KSC_ARCH_PARISC64), AUDIT_ARCH_PARISC64, "AUDIT_ARCH_PARISC64");
	is_int(ksc_arch_audit_token(KSC_ARCH_PPC), AUDIT_ARCH_PPC, "AUDIT_ARCH_PPC");
	is_int(ksc_arch_audit_token(KSC_ARCH_PPC64), AUDIT_ARCH_PPC64, "AUDIT_ARCH_PPC64");
	is_int(ksc_arch_audit_token(KSC_ARCH_PPC64LE), AUDIT_ARCH_PPC64LE, "AUDIT_ARCH_PPC64LE");
	is_int(ksc_arch_audit_token(KSC_ARCH_RISCV64), AUDIT_ARCH_RISCV64, "AUDIT_ARCH_RISCV64");
	is_int(ksc_arch_audit_token(KSC_ARCH_S390), AUDIT_ARCH_S390, "AUDIT_ARCH_S390");
	is_int(ksc_arch_audit_token(KSC_ARCH_S390X), AUDIT_ARCH_S390X, "AUDIT_ARCH_S390X");
	is_int(ksc_arch_audit_token(KSC_ARCH_SH), AUDIT_ARCH_SHEL, "sh is AUDIT_ARCH_SHEL");
	is_int(ksc_arch_audit_token(KSC_ARCH_SHEB), AUDIT_ARCH_SH, "sheb is AUDIT_ARCH_SH");

	/* x32 and x86_64 share a token; bit 30 of the number tells them apart. */
	ok(ksc_arch_from_audit_token(0xc000003e, 59, &arch) == 0 && arch == KSC_ARCH_X86_64,
	   "c000003e with nr 59 is x86_64");
	ok(ksc_arch_from_audit_token(0xc000003e, 0x40000000u | 520, &arch) == 0 &&
	           arch == KSC_ARCH_X32,
	   "c000003e with nr 0x40000208 is x32");
	ok(ksc_arch_from_audit_token(0x40000003, 0x40000000u, &arch) == 0 && arch == KSC_ARCH_X86,
	   "the number plays no part for other tokens");

	arch = KSC_ARCH_NONE;
	is_int(ksc_arch_from_audit_token(0, 0, &arch), -ENOENT, "token 0 is unknown");
	is_int(ksc_arch_from_audit_token(AUDIT_ARCH_SPARC64, 0, &arch), -ENOENT,
	       "AUDIT_ARCH_SPARC64 is unknown");
	is_int(ksc_arch_from_audit_token(0x4000003e, 0, &arch), -ENOENT,
	       "libseccomp's private x32 token 4000003e is no kernel token");
	is_int(arch, KSC_ARCH_NONE, "ret_arch is untouched on failure");
}

static void
test_native(void)
{
	enum ksc_arch native = ksc_arch_native();

#if defined(__x86_64__) && !defined(__ILP32__)
	is_int(native, KSC_ARCH_X86_64, "built for x86_64");
#elif defined(__aarch64__)
	is_int(native, KSC_ARCH_AARCH64, "built for aarch64");
#else
	ok(native > KSC_ARCH_NONE && native < _KSC_ARCH_MAX, "the native arch is known");
#endif
	ok(ksc_arch_oci_name(native) != NULL, "the native arch has an OCI name: %s",
	   ksc_arch_oci_name(native));
	is_int(ksc_arch_is_64bit(native), sizeof(void *) == 8, "native pointer width");
}

static void
test_errno_names(void)
{
	static const struct {
		const char *name;
		uint32_t errnum;
	} cases[] = {
		{ "EPERM", 1 },       { "ENOENT", 2 },     { "ENXIO", 6 },       { "EAGAIN", 11 },
		{ "EINVAL", 22 },     { "ERANGE", 34 },    { "EDEADLK", 35 },    { "ENOSYS", 38 },
		{ "ELOOP", 40 },      { "ENOMSG", 42 },    { "ENOANO", 55 },     { "EBFONT", 59 },
		{ "EOPNOTSUPP", 95 }, { "ENETDOWN", 100 }, { "ECANCELED", 125 }, { "ERFKILL", 132 },
		{ "EHWPOISON", 133 },
	};
	uint32_t errnum = 0;
	size_t named = 0;

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		is_str(ksc_errno_name(cases[i].errnum), cases[i].name, "errno %u is %s",
		       cases[i].errnum, cases[i].name);
		ok(ksc_errno_from_name(cases[i].name, &errnum) == 0 && errnum == cases[i].errnum,
		   "%s is errno %u", cases[i].name, cases[i].errnum);
	}

	/* The aliases are read, never written. */
	ok(ksc_errno_from_name("EWOULDBLOCK", &errnum) == 0 && errnum == 11, "EWOULDBLOCK is 11");
	ok(ksc_errno_from_name("EDEADLOCK", &errnum) == 0 && errnum == 35, "EDEADLOCK is 35");
	ok(ksc_errno_from_name("ENOTSUP", &errnum) == 0 && errnum == 95, "ENOTSUP is 95");

	/* The table agrees with this host's <errno.h> where both are asm-generic's. */
	is_int(EHWPOISON, 133, "host EHWPOISON is 133");
	is_int(ENOTRECOVERABLE, 131, "host ENOTRECOVERABLE is 131");

	/* Every number 1..133 but the two holes has exactly one name, which reads back. */
	for (uint32_t e = 0; e <= 140; e++) {
		const char *name = ksc_errno_name(e);

		if (!name)
			continue;
		named++;
		if (ksc_errno_from_name(name, &errnum) < 0 || errnum != e)
			ok(false, "%s reads back as %u", name, e);
	}
	is_int(named, 131, "131 errno numbers have names (1..133 without 41 and 58)");
	ok(!ksc_errno_name(0), "0 has no name");
	ok(!ksc_errno_name(41), "41 has no name");
	ok(!ksc_errno_name(58), "58 has no name");
	ok(!ksc_errno_name(134), "134 has no name");
	ok(!ksc_errno_name(UINT32_MAX), "0xffffffff has no name");

	errnum = 777;
	is_int(ksc_errno_from_name("ENOSUCH", &errnum), -EINVAL, "ENOSUCH is unknown");
	is_int(ksc_errno_from_name("eperm", &errnum), -EINVAL, "errno names are case-sensitive");
	is_int(ksc_errno_from_name("1", &errnum), -EINVAL, "numbers are not names");
	is_int(ksc_errno_from_name("", &errnum), -EINVAL, "the empty name is unknown");
	is_int(ksc_errno_from_name(NULL, &errnum), -EINVAL, "NULL is unknown");
	is_int(errnum, 777, "ret_errnum is untouched on failure");
}

static bool
on_x86_64(int id, void *userdata)
{
	uint32_t nr;

	return syscalls_resolve_id(KSC_ARCH_X86_64, id, &nr) == 0;
}

/* "did you mean": the closest name a typo away, none for a name or for one too far */
static void
test_closest_names(void)
{
	const char *got_x86_64;
	static const struct {
		const char *typo, *closest;
	} cases[] = {
		{ "opn", "open" },                  /* one left out */
		{ "sched_yeild", "sched_yield" },   /* two swapped */
		{ "rt_sigreturm", "rt_sigreturn" }, /* one changed */
		{ "getpid2", "getpid" },            /* one added */
		{ "fstatat", "fstatat64" },         /* of two as close, the one it is part of */
		{ "epoll_wiat3", "epoll_wait" },    /* a swap and one added */
		{ "open", NULL },                   /* a name */
		{ "ab", NULL },                     /* too short for any typo */
		{ "gtpd", NULL },                   /* two from getpid: too many for four letters */
		{ "xyzzy_frobnicate", NULL },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		const char *got = syscalls_closest_name(cases[i].typo, NULL, NULL);

		ok(cases[i].closest ? got && streq(got, cases[i].closest) : !got,
		   "closest name to %s: %s (got %s)", cases[i].typo,
		   cases[i].closest ? cases[i].closest : "none", got ? got : "none");
	}
	/* of two as close, one usable comes first: fstat on x86_64, where fstatat64 is not */
	got_x86_64 = syscalls_closest_name("fstatat", on_x86_64, NULL);
	ok(got_x86_64 && streq(got_x86_64, "fstat"),
	   "closest name to fstatat on x86_64: fstat (got %s)", got_x86_64 ? got_x86_64 : "none");
}

int
main(void)
{
	test_closest_names();
	test_syscall_numbers();
	test_counts();
	test_iteration();
	test_abi_offsets();
	test_lookup_errors();
	test_multiplexing();
	test_arch_names();
	test_audit_tokens();
	test_native();
	test_errno_names();
	return tap_done();
}
