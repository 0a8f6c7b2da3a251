/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Architectures and syscall tables: names <-> numbers per architecture, AUDIT_ARCH tokens, and
 * the socketcall(2)/ipc(2) multiplexers. The tables are generated from data/syscalls.csv into
 * syscalls-table.c; this file knows what the csv does not: how each architecture is spelled,
 * which csv column it uses and which offset its ABI adds to the csv's numbers.
 */
#include <errno.h>
#include <string.h>

#include "kseccomp.h"
#include "macro.h"
#include "syscalls.h"

/*
 * AUDIT_ARCH_* (include/uapi/linux/audit.h): the ELF machine (include/uapi/linux/elf-em.h)
 * ORed with these flags. seccomp_data.arch carries the token (syscall_get_arch()).
 */
#define AUDIT_64BIT      0x80000000u
#define AUDIT_LE         0x40000000u
#define AUDIT_MIPS64_N32 0x20000000u

#define ELF_386       3u
#define ELF_M68K      4u
#define ELF_MIPS      8u
#define ELF_PARISC    15u
#define ELF_PPC       20u
#define ELF_PPC64     21u
#define ELF_S390      22u
#define ELF_ARM       40u
#define ELF_SH        42u
#define ELF_X86_64    62u
#define ELF_AARCH64   183u
#define ELF_RISCV     243u
#define ELF_LOONGARCH 258u

/*
 * What the kernel adds to an ABI's own syscall numbers, the ones data/syscalls.csv lists:
 * x32 syscalls carry __X32_SYSCALL_BIT (arch/x86/include/uapi/asm/unistd.h), and each MIPS ABI
 * numbers from its own base, __NR_O32_Linux, __NR_64_Linux and __NR_N32_Linux
 * (arch/mips/include/uapi/asm/unistd.h). ARM's private syscalls (__ARM_NR_BASE 0x0f0000) are
 * already full numbers in the csv.
 */
#define MIPS_O32_BASE 4000u
#define MIPS_N64_BASE 5000u
#define MIPS_N32_BASE 6000u

struct arch_def {
	/* runtime-spec config-linux.md "seccomp": SCMP_ARCH_* */
	const char *oci_name;
	/* libseccomp's arch_def name, what seccomp_arch_resolve_name() accepts */
	const char *name;
	/* The string moby compares with includes.arches / excludes.arches: goToNative[GOARCH]
	 * in moby/profiles seccomp/seccomp_linux.go. NULL where moby has none. "x32" is no
	 * GOARCH, but moby's default profile names it in includes.arches. */
	const char *moby_name;
	/* Go's GOARCH for this ABI; NULL where Go has none. */
	const char *goarch;
	uint32_t audit_token;
	enum syscalls_abi abi;
	/* Added to the csv's numbers, see MIPS_O32_BASE. */
	uint32_t nr_base;
	/* Pointers are 64 bits wide (x32 and MIPS n32 are not, though their tokens say 64BIT). */
	bool is_64bit;
};

static const struct arch_def arch_defs[_KSC_ARCH_MAX] = {
	[KSC_ARCH_X86_64] = {
		.oci_name = "SCMP_ARCH_X86_64",
		.name = "x86_64",
		.moby_name = "amd64",
		.goarch = "amd64",
		.audit_token = ELF_X86_64 | AUDIT_64BIT | AUDIT_LE,
		.abi = SYSCALLS_ABI_X86_64,
		.is_64bit = true,
	},
	[KSC_ARCH_X86] = {
		.oci_name = "SCMP_ARCH_X86",
		.name = "x86",
		.moby_name = "x86",
		.goarch = "386",
		.audit_token = ELF_386 | AUDIT_LE,
		.abi = SYSCALLS_ABI_X86,
	},
	[KSC_ARCH_X32] = {
		.oci_name = "SCMP_ARCH_X32",
		.name = "x32",
		.moby_name = "x32",
		/* The kernel reports x32 as AUDIT_ARCH_X86_64 (libseccomp uses a token of its own,
		 * 0x4000003e, that the kernel never produces). */
		.audit_token = ELF_X86_64 | AUDIT_64BIT | AUDIT_LE,
		.abi = SYSCALLS_ABI_X32,
		.nr_base = KSC_X32_SYSCALL_BIT,
	},
	[KSC_ARCH_ARM] = {
		.oci_name = "SCMP_ARCH_ARM",
		.name = "arm",
		.moby_name = "arm",
		.goarch = "arm",
		.audit_token = ELF_ARM | AUDIT_LE,
		.abi = SYSCALLS_ABI_ARM,
	},
	[KSC_ARCH_AARCH64] = {
		.oci_name = "SCMP_ARCH_AARCH64",
		.name = "aarch64",
		.moby_name = "arm64",
		.goarch = "arm64",
		.audit_token = ELF_AARCH64 | AUDIT_64BIT | AUDIT_LE,
		.abi = SYSCALLS_ABI_AARCH64,
		.is_64bit = true,
	},
	[KSC_ARCH_LOONGARCH64] = {
		.oci_name = "SCMP_ARCH_LOONGARCH64",
		.name = "loongarch64",
		/* moby maps GOARCH loong64 to "loongarch64". */
		.moby_name = "loongarch64",
		.goarch = "loong64",
		.audit_token = ELF_LOONGARCH | AUDIT_64BIT | AUDIT_LE,
		.abi = SYSCALLS_ABI_LOONGARCH64,
		.is_64bit = true,
	},
	[KSC_ARCH_M68K] = {
		.oci_name = "SCMP_ARCH_M68K",
		.name = "m68k",
		.audit_token = ELF_M68K,
		.abi = SYSCALLS_ABI_M68K,
	},
	[KSC_ARCH_MIPS] = {
		.oci_name = "SCMP_ARCH_MIPS",
		.name = "mips",
		.goarch = "mips",
		.audit_token = ELF_MIPS,
		.abi = SYSCALLS_ABI_MIPS,
		.nr_base = MIPS_O32_BASE,
	},
	[KSC_ARCH_MIPSEL] = {
		.oci_name = "SCMP_ARCH_MIPSEL",
		.name = "mipsel",
		.moby_name = "mipsel",
		.goarch = "mipsle",
		.audit_token = ELF_MIPS | AUDIT_LE,
		.abi = SYSCALLS_ABI_MIPS,
		.nr_base = MIPS_O32_BASE,
	},
	[KSC_ARCH_MIPS64] = {
		.oci_name = "SCMP_ARCH_MIPS64",
		.name = "mips64",
		.moby_name = "mips64",
		.goarch = "mips64",
		.audit_token = ELF_MIPS | AUDIT_64BIT,
		.abi = SYSCALLS_ABI_MIPS64,
		.nr_base = MIPS_N64_BASE,
		.is_64bit = true,
	},
	[KSC_ARCH_MIPSEL64] = {
		.oci_name = "SCMP_ARCH_MIPSEL64",
		.name = "mipsel64",
		.moby_name = "mipsel64",
		.goarch = "mips64le",
		.audit_token = ELF_MIPS | AUDIT_64BIT | AUDIT_LE,
		.abi = SYSCALLS_ABI_MIPS64,
		.nr_base = MIPS_N64_BASE,
		.is_64bit = true,
	},
	[KSC_ARCH_MIPS64N32] = {
		.oci_name = "SCMP_ARCH_MIPS64N32",
		.name = "mips64n32",
		.moby_name = "mips64n32",
		.goarch = "mips64p32",
		.audit_token = ELF_MIPS | AUDIT_64BIT | AUDIT_MIPS64_N32,
		.abi = SYSCALLS_ABI_MIPS64N32,
		.nr_base = MIPS_N32_BASE,
	},
	[KSC_ARCH_MIPSEL64N32] = {
		.oci_name = "SCMP_ARCH_MIPSEL64N32",
		.name = "mipsel64n32",
		/* sic: moby's goToNative spells it so, and so compares it with includes.arches. */
		.moby_name = "mips3l64n32",
		.goarch = "mips64p32le",
		.audit_token = ELF_MIPS | AUDIT_64BIT | AUDIT_LE | AUDIT_MIPS64_N32,
		.abi = SYSCALLS_ABI_MIPS64N32,
		.nr_base = MIPS_N32_BASE,
	},
	[KSC_ARCH_PARISC] = {
		.oci_name = "SCMP_ARCH_PARISC",
		.name = "parisc",
		.audit_token = ELF_PARISC,
		.abi = SYSCALLS_ABI_PARISC,
	},
	[KSC_ARCH_PARISC64] = {
		.oci_name = "SCMP_ARCH_PARISC64",
		.name = "parisc64",
		.audit_token = ELF_PARISC | AUDIT_64BIT,
		.abi = SYSCALLS_ABI_PARISC64,
		.is_64bit = true,
	},
	[KSC_ARCH_PPC] = {
		.oci_name = "SCMP_ARCH_PPC",
		.name = "ppc",
		.moby_name = "ppc",
		.goarch = "ppc",
		.audit_token = ELF_PPC,
		.abi = SYSCALLS_ABI_PPC,
	},
	[KSC_ARCH_PPC64] = {
		.oci_name = "SCMP_ARCH_PPC64",
		.name = "ppc64",
		.moby_name = "ppc64",
		.goarch = "ppc64",
		.audit_token = ELF_PPC64 | AUDIT_64BIT,
		.abi = SYSCALLS_ABI_PPC64,
		.is_64bit = true,
	},
	[KSC_ARCH_PPC64LE] = {
		.oci_name = "SCMP_ARCH_PPC64LE",
		.name = "ppc64le",
		.moby_name = "ppc64le",
		.goarch = "ppc64le",
		.audit_token = ELF_PPC64 | AUDIT_64BIT | AUDIT_LE,
		.abi = SYSCALLS_ABI_PPC64,
		.is_64bit = true,
	},
	[KSC_ARCH_RISCV64] = {
		.oci_name = "SCMP_ARCH_RISCV64",
		.name = "riscv64",
		.moby_name = "riscv64",
		.goarch = "riscv64",
		.audit_token = ELF_RISCV | AUDIT_64BIT | AUDIT_LE,
		.abi = SYSCALLS_ABI_RISCV64,
		.is_64bit = true,
	},
	[KSC_ARCH_S390] = {
		.oci_name = "SCMP_ARCH_S390",
		.name = "s390",
		.moby_name = "s390",
		.goarch = "s390",
		.audit_token = ELF_S390,
		.abi = SYSCALLS_ABI_S390,
	},
	[KSC_ARCH_S390X] = {
		.oci_name = "SCMP_ARCH_S390X",
		.name = "s390x",
		.moby_name = "s390x",
		.goarch = "s390x",
		.audit_token = ELF_S390 | AUDIT_64BIT,
		.abi = SYSCALLS_ABI_S390X,
		.is_64bit = true,
	},
	[KSC_ARCH_SH] = {
		/* libseccomp's "sh" is little-endian SuperH, AUDIT_ARCH_SHEL. */
		.oci_name = "SCMP_ARCH_SH",
		.name = "sh",
		.audit_token = ELF_SH | AUDIT_LE,
		.abi = SYSCALLS_ABI_SH,
	},
	[KSC_ARCH_SHEB] = {
		.oci_name = "SCMP_ARCH_SHEB",
		.name = "sheb",
		.audit_token = ELF_SH,
		.abi = SYSCALLS_ABI_SH,
	},
};

/* A call reached through a multiplexer: the multiplexer's first argument selects it. */
struct mux_call {
	const char *name;
	uint32_t call;
};

/* socketcall(2): SYS_SOCKET... in include/uapi/linux/net.h. */
static const struct mux_call socketcall_calls[] = {
	{ "socket", 1 },    { "bind", 2 },        { "connect", 3 },     { "listen", 4 },
	{ "accept", 5 },    { "getsockname", 6 }, { "getpeername", 7 }, { "socketpair", 8 },
	{ "send", 9 },      { "recv", 10 },       { "sendto", 11 },     { "recvfrom", 12 },
	{ "shutdown", 13 }, { "setsockopt", 14 }, { "getsockopt", 15 }, { "sendmsg", 16 },
	{ "recvmsg", 17 },  { "accept4", 18 },    { "recvmmsg", 19 },   { "sendmmsg", 20 },
};

/* ipc(2): SEMOP... in include/uapi/linux/ipc.h, dispatched by ksys_ipc() in ipc/syscall.c. */
static const struct mux_call ipc_calls[] = {
	{ "semop", 1 },   { "semget", 2 },  { "semctl", 3 },  { "semtimedop", 4 },
	{ "msgsnd", 11 }, { "msgrcv", 12 }, { "msgget", 13 }, { "msgctl", 14 },
	{ "shmat", 21 },  { "shmdt", 22 },  { "shmget", 23 }, { "shmctl", 24 },
};

static const struct arch_def *
arch_def_get(enum ksc_arch arch)
{
	if (arch <= KSC_ARCH_NONE || arch >= _KSC_ARCH_MAX)
		return NULL;
	return &arch_defs[arch];
}

static const struct syscalls_table *
arch_table(const struct arch_def *def)
{
	return &syscalls_tables[def->abi];
}

int
ksc_arch_from_name(const char *name, enum ksc_arch *ret_arch)
{
	if (!name)
		return -EINVAL;

	for (enum ksc_arch a = KSC_ARCH_NONE + 1; a < _KSC_ARCH_MAX; a++) {
		const struct arch_def *def = &arch_defs[a];

		if (streq(name, def->oci_name) || streq(name, def->name) ||
		    streq_ptr(name, def->moby_name) || streq_ptr(name, def->goarch)) {
			if (ret_arch)
				*ret_arch = a;
			return 0;
		}
	}
	return -EINVAL;
}

const char *
ksc_arch_oci_name(enum ksc_arch arch)
{
	const struct arch_def *def = arch_def_get(arch);

	return def ? def->oci_name : NULL;
}

const char *
ksc_arch_name(enum ksc_arch arch)
{
	const struct arch_def *def = arch_def_get(arch);

	return def ? def->name : NULL;
}

const char *
ksc_arch_go_name(enum ksc_arch arch)
{
	const struct arch_def *def = arch_def_get(arch);

	return def ? def->moby_name : NULL;
}

uint32_t
ksc_arch_audit_token(enum ksc_arch arch)
{
	const struct arch_def *def = arch_def_get(arch);

	return def ? def->audit_token : 0;
}

int
ksc_arch_from_audit_token(uint32_t token, uint32_t nr, enum ksc_arch *ret_arch)
{
	enum ksc_arch found = KSC_ARCH_NONE;

	if (token == arch_defs[KSC_ARCH_X86_64].audit_token) {
		/* The kernel routes x32 syscalls by this bit of the number (do_syscall_64() in
		 * arch/x86/entry/common.c), under the x86_64 token. */
		found = (nr & KSC_X32_SYSCALL_BIT) ? KSC_ARCH_X32 : KSC_ARCH_X86_64;
	} else {
		for (enum ksc_arch a = KSC_ARCH_NONE + 1; a < _KSC_ARCH_MAX; a++)
			if (arch_defs[a].audit_token == token) {
				found = a;
				break;
			}
	}
	if (found == KSC_ARCH_NONE)
		return -ENOENT;
	if (ret_arch)
		*ret_arch = found;
	return 0;
}

enum ksc_arch
ksc_arch_native(void)
{
	/* The ABI this file is compiled for, from the compilers' predefined macros (GCC and
	 * clang agree on these). An ABI the table does not know yields KSC_ARCH_NONE.
	 * Big-endian arm and arm64 need no case of their own: their syscall_get_arch()
	 * reports AUDIT_ARCH_ARM and AUDIT_ARCH_AARCH64 too, as libseccomp assumes. */
#if defined(__x86_64__) && defined(__ILP32__)
	return KSC_ARCH_X32;
#elif defined(__x86_64__)
	return KSC_ARCH_X86_64;
#elif defined(__i386__)
	return KSC_ARCH_X86;
#elif defined(__aarch64__)
	return KSC_ARCH_AARCH64;
#elif defined(__arm__)
	return KSC_ARCH_ARM;
#elif defined(__loongarch_lp64)
	return KSC_ARCH_LOONGARCH64;
#elif defined(__m68k__)
	return KSC_ARCH_M68K;
#elif defined(__mips__) && defined(_MIPS_SIM) && defined(_ABIO32) && _MIPS_SIM == _ABIO32
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return KSC_ARCH_MIPSEL;
#else
	return KSC_ARCH_MIPS;
#endif
#elif defined(__mips__) && defined(_MIPS_SIM) && defined(_ABI64) && _MIPS_SIM == _ABI64
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return KSC_ARCH_MIPSEL64;
#else
	return KSC_ARCH_MIPS64;
#endif
#elif defined(__mips__) && defined(_MIPS_SIM) && defined(_ABIN32) && _MIPS_SIM == _ABIN32
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return KSC_ARCH_MIPSEL64N32;
#else
	return KSC_ARCH_MIPS64N32;
#endif
#elif defined(__hppa__) && defined(__LP64__)
	return KSC_ARCH_PARISC64;
#elif defined(__hppa__)
	return KSC_ARCH_PARISC;
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return KSC_ARCH_PPC64LE;
#elif defined(__powerpc64__)
	return KSC_ARCH_PPC64;
#elif defined(__powerpc__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return KSC_ARCH_PPC;
#elif defined(__riscv) && defined(__riscv_xlen) && __riscv_xlen == 64
	return KSC_ARCH_RISCV64;
#elif defined(__s390x__)
	return KSC_ARCH_S390X;
#elif defined(__s390__)
	return KSC_ARCH_S390;
#elif defined(__sh__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return KSC_ARCH_SH;
#elif defined(__sh__)
	return KSC_ARCH_SHEB;
#else
	return KSC_ARCH_NONE;
#endif
}

bool
ksc_arch_is_64bit(enum ksc_arch arch)
{
	const struct arch_def *def = arch_def_get(arch);

	return def && def->is_64bit;
}

/* The entry of name in table, or NULL. Binary search over the name-ordered positions. */
int
syscalls_name_id(const char *name)
{
	size_t mask = syscalls_name_slots_count - 1;

	for (size_t h = syscalls_name_hash(name) & mask;; h = (h + 1) & mask) {
		unsigned slot = syscalls_name_slots[h];

		if (slot == 0)
			return -1;
		if (streq(syscalls_names[slot - 1], name))
			return (int)slot - 1;
	}
}

int
syscalls_name_id_len(const char *name, size_t len)
{
	size_t mask = syscalls_name_slots_count - 1;

	for (size_t h = syscalls_name_hash_len(name, len) & mask;; h = (h + 1) & mask) {
		unsigned slot = syscalls_name_slots[h];
		const char *s;

		if (slot == 0)
			return -1;
		s = syscalls_names[slot - 1];
		if (strncmp(s, name, len) == 0 && strlen(s) == len)
			return (int)slot - 1;
	}
}

static const struct syscalls_entry *
table_find_name(const struct syscalls_table *table, const char *name)
{
	int id = syscalls_name_id(name);

	if (id < 0 || table->by_name[id] == SYSCALLS_NO_ENTRY)
		return NULL;
	return &table->entries[table->by_name[id]];
}

/* The entry numbered nr (as the csv numbers it) in table, or NULL. */
static const struct syscalls_entry *
table_find_nr(const struct syscalls_table *table, uint32_t nr)
{
	size_t lo = 0, hi = table->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct syscalls_entry *e = &table->entries[mid];

		if (e->nr == nr)
			return e;
		if (nr < e->nr)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

int
ksc_syscall_resolve_name(enum ksc_arch arch, const char *name, uint32_t *ret_nr)
{
	const struct arch_def *def = arch_def_get(arch);
	const struct syscalls_entry *e;

	if (!def || !name)
		return -EINVAL;

	e = table_find_name(arch_table(def), name);
	if (!e)
		return -ENOENT;
	if (ret_nr)
		*ret_nr = def->nr_base + e->nr;
	return 0;
}

const char *
ksc_syscall_name(enum ksc_arch arch, uint32_t nr)
{
	const struct arch_def *def = arch_def_get(arch);
	const struct syscalls_entry *e;

	/* A number below the ABI's base is not one of its syscalls: on x32, a number without
	 * the x32 bit is an x86_64 syscall. */
	if (!def || nr < def->nr_base)
		return NULL;

	e = table_find_nr(arch_table(def), nr - def->nr_base);
	return e ? e->name : NULL;
}

bool
ksc_syscall_name_known(const char *name)
{
	return name && syscalls_name_id(name) >= 0;
}

/* The optimal string alignment distance of a and b (insertions, deletions, substitutions
 * and swaps of neighbours, each 1), or limit + 1 once it is over limit. */
static size_t
typo_distance(const char *a, size_t la, const char *b, size_t lb, size_t limit)
{
	/* three rows of the table: two back (for swaps), the last, this one */
	size_t rows[3][SYSCALLS_NAME_MAX + 1], *prev2 = rows[0], *prev = rows[1], *cur = rows[2];

	if (la > SYSCALLS_NAME_MAX || lb > SYSCALLS_NAME_MAX ||
	    (la > lb ? la - lb : lb - la) > limit)
		return limit + 1;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t *t, best;

		cur[0] = best = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1], d = prev[j - 1] + cost;

			if (prev[j] + 1 < d)
				d = prev[j] + 1;
			if (cur[j - 1] + 1 < d)
				d = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    prev2[j - 2] + 1 < d)
				d = prev2[j - 2] + 1;
			cur[j] = d;
			best = d < best ? d : best;
		}
		if (best > limit)
			return limit + 1;
		t = prev2, prev2 = prev, prev = cur, cur = t;
	}
	return prev[lb];
}

const char *
syscalls_closest_name(const char *name, bool (*usable)(int id, void *), void *userdata)
{
	size_t len = strlen(name), limit = len / 3 < 2 ? len / 3 : 2, best = limit + 1;
	bool best_usable = false, best_part = false;
	const char *closest = NULL;

	if (limit == 0 || syscalls_name_id(name) >= 0)
		return NULL;
	for (size_t i = 0; i < syscalls_names_count; i++) {
		const char *n = syscalls_names[i];
		size_t d = typo_distance(name, len, n, strlen(n), limit);
		bool u, part;

		if (d > limit || d > best)
			continue;
		u = !usable || usable((int)i, userdata); /* a name's id is its index */
		part = strstr(n, name) != NULL;
		if (d < best || u > best_usable || (u == best_usable && part && !best_part)) {
			best = d;
			best_usable = u;
			best_part = part;
			closest = n;
		}
	}
	return closest;
}

int
syscalls_resolve_id(int arch, int id, uint32_t *ret_nr)
{
	const struct arch_def *def = arch_def_get((enum ksc_arch)arch);
	const struct syscalls_table *table;

	if (!def || id < 0 || (size_t)id >= syscalls_names_count)
		return -EINVAL;
	table = arch_table(def);
	if (table->by_name[id] == SYSCALLS_NO_ENTRY)
		return -ENOENT;
	if (ret_nr)
		*ret_nr = def->nr_base + table->entries[table->by_name[id]].nr;
	return 0;
}

/* The name id of a multiplexer, looked up once: every profile name is asked about both. */
static int
mux_name_id(const char *mux_name, int *cache)
{
	int id = __atomic_load_n(cache, __ATOMIC_RELAXED);

	if (id == -2) {
		id = syscalls_name_id(mux_name);
		__atomic_store_n(cache, id, __ATOMIC_RELAXED);
	}
	return id;
}

/* If name is one of calls and arch has the multiplexer mux_name, store both numbers. */
static bool
mux_find(const struct arch_def *def, const char *mux_name, int *mux_id_cache,
         const struct mux_call *calls, size_t n_calls, const char *name, uint32_t *ret_mux_nr,
         uint32_t *ret_call)
{
	const struct syscalls_table *table = arch_table(def);
	int mux_id = mux_name_id(mux_name, mux_id_cache);
	const struct syscalls_entry *mux =
	        mux_id >= 0 && table->by_name[mux_id] != SYSCALLS_NO_ENTRY
	                ? &table->entries[table->by_name[mux_id]]
	                : NULL;

	/* most ABIs have no multiplexer at all (x86_64, x32, aarch64) */
	if (!mux)
		return false;
	for (size_t i = 0; i < n_calls; i++) {
		/* Most names asked about are no multiplexed call: the first byte tells. */
		if (name[0] != calls[i].name[0] || !streq(name, calls[i].name))
			continue;
		if (ret_mux_nr)
			*ret_mux_nr = def->nr_base + mux->nr;
		if (ret_call)
			*ret_call = calls[i].call;
		return true;
	}
	return false;
}

static int socketcall_id = -2, ipc_id = -2; /* -2: not looked up yet */

int
ksc_syscall_multiplexed(enum ksc_arch arch, const char *name, uint32_t *ret_mux_nr,
                        uint32_t *ret_call)
{
	const struct arch_def *def = arch_def_get(arch);

	if (!def || !name)
		return -EINVAL;

	if (mux_find(def, "socketcall", &socketcall_id, socketcall_calls,
	             ELEMENTSOF(socketcall_calls), name, ret_mux_nr, ret_call))
		return 1;
	if (mux_find(def, "ipc", &ipc_id, ipc_calls, ELEMENTSOF(ipc_calls), name, ret_mux_nr,
	             ret_call))
		return 1;
	return 0;
}

/* Is name id one of the multiplexed calls? Their ids are looked up once: every name of a
 * profile is asked about on every arch. */
static bool
mux_call_id(int id)
{
	static int ids[ELEMENTSOF(socketcall_calls) + ELEMENTSOF(ipc_calls)];
	static bool ready;

	if (!__atomic_load_n(&ready, __ATOMIC_ACQUIRE)) {
		for (size_t i = 0; i < ELEMENTSOF(ids); i++) {
			const char *name =
			        i < ELEMENTSOF(socketcall_calls)
			                ? socketcall_calls[i].name
			                : ipc_calls[i - ELEMENTSOF(socketcall_calls)].name;

			__atomic_store_n(&ids[i], syscalls_name_id(name), __ATOMIC_RELAXED);
		}
		__atomic_store_n(&ready, true, __ATOMIC_RELEASE);
	}
	for (size_t i = 0; i < ELEMENTSOF(ids); i++)
		if (__atomic_load_n(&ids[i], __ATOMIC_RELAXED) == id)
			return true;
	return false;
}

int
syscalls_multiplexed_id(int arch, int id, uint32_t *ret_mux_nr, uint32_t *ret_call)
{
	if (id < 0 || (size_t)id >= syscalls_names_count)
		return -EINVAL;
	if (!mux_call_id(id))
		return arch_def_get((enum ksc_arch)arch) ? 0 : -EINVAL;
	return ksc_syscall_multiplexed((enum ksc_arch)arch, syscalls_names[id], ret_mux_nr,
	                               ret_call);
}

/* The calls of one multiplexer, and how its first argument selects one. */
static const struct mux_call *
mux_calls(const char *mux_name, uint64_t arg0, size_t *ret_count, uint32_t *ret_call)
{
	if (streq(mux_name, "socketcall")) {
		/* sys_socketcall(int call, unsigned long __user *args) in net/socket.c: the
		 * low 32 bits, SYS_SOCKET to SYS_SENDMMSG, anything else EINVAL. */
		*ret_count = ELEMENTSOF(socketcall_calls);
		*ret_call = (uint32_t)arg0;
		return socketcall_calls;
	}
	if (streq(mux_name, "ipc")) {
		/* ksys_ipc(unsigned int call, ...) in ipc/syscall.c: "version = call >> 16;
		 * call &= 0xffff;", the version only changes how msgrcv and shmat pass their
		 * arguments; an unknown call is ENOSYS. */
		*ret_count = ELEMENTSOF(ipc_calls);
		*ret_call = (uint32_t)arg0 & 0xffff;
		return ipc_calls;
	}
	return NULL;
}

int
ksc_syscall_demultiplex(enum ksc_arch arch, uint32_t nr, uint64_t arg0, const char **ret_name,
                        const char **ret_mux)
{
	const struct mux_call *calls;
	const char *mux_name;
	uint32_t call;
	size_t n;

	if (!arch_def_get(arch))
		return -EINVAL;
	mux_name = ksc_syscall_name(arch, nr);
	if (!mux_name)
		return 0;
	calls = mux_calls(mux_name, arg0, &n, &call);
	if (!calls)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (calls[i].call == call) {
			if (ret_name)
				*ret_name = calls[i].name;
			if (ret_mux)
				*ret_mux = mux_name;
			return 1;
		}
	return -ENOENT;
}

size_t
ksc_syscall_count(enum ksc_arch arch)
{
	const struct arch_def *def = arch_def_get(arch);

	return def ? arch_table(def)->count : 0;
}

int
ksc_syscall_by_index(enum ksc_arch arch, size_t index, const char **ret_name, uint32_t *ret_nr)
{
	const struct arch_def *def = arch_def_get(arch);
	const struct syscalls_entry *e;

	if (!def)
		return -EINVAL;
	if (index >= arch_table(def)->count)
		return -ERANGE;

	e = &arch_table(def)->entries[index];
	if (ret_name)
		*ret_name = e->name;
	if (ret_nr)
		*ret_nr = def->nr_base + e->nr;
	return 0;
}

const char *
ksc_syscall_table_version(void)
{
	return syscalls_kernel_version;
}
