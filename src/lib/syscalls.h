/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The syscall tables shared by syscalls.c and the generated syscalls-table.c. Nothing here is
 * public: the API is the "Architectures and syscall tables" section of kseccomp.h.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The ABI columns of data/syscalls.csv (libseccomp's format), in the csv's order. Several
 * architectures share a column: mipsel* use the mips* columns, ppc64le uses ppc64 and sheb
 * uses sh. tools/gen-syscalls.py knows this list too and refuses a csv whose columns differ.
 */
enum syscalls_abi {
	SYSCALLS_ABI_X86,
	SYSCALLS_ABI_X86_64,
	SYSCALLS_ABI_X32,
	SYSCALLS_ABI_ARM,
	SYSCALLS_ABI_AARCH64,
	SYSCALLS_ABI_LOONGARCH64,
	SYSCALLS_ABI_M68K,
	SYSCALLS_ABI_MIPS,
	SYSCALLS_ABI_MIPS64,
	SYSCALLS_ABI_MIPS64N32,
	SYSCALLS_ABI_PARISC,
	SYSCALLS_ABI_PARISC64,
	SYSCALLS_ABI_PPC,
	SYSCALLS_ABI_PPC64,
	SYSCALLS_ABI_RISCV64,
	SYSCALLS_ABI_S390,
	SYSCALLS_ABI_S390X,
	SYSCALLS_ABI_SH,
	_SYSCALLS_ABI_MAX,
};

/* One syscall of one ABI. */
struct syscalls_entry {
	/* As the csv has it: without the x32 bit and without the MIPS ABI base, which
	 * syscalls.c adds per architecture. */
	uint32_t nr;
	const char *name;
};

struct syscalls_table {
	/* Ascending nr; no two entries share a number or a name. */
	const struct syscalls_entry *entries;
	/* The position in entries of each name id (syscalls_names[id]), or SYSCALLS_NO_ENTRY
	 * where this ABI has no syscall of that name. */
	const uint16_t *by_name;
	size_t count;
};

/* The kernel version the csv was made from, e.g. "7.1.0-rc4". */
extern const char syscalls_kernel_version[];

/* Every name in the csv, whether or not any ABI has it, in strcmp() order. */
/* Every name of every table, in strcmp() order; a name's id is its index here. */
extern const char *const syscalls_names[];
extern const size_t syscalls_names_count;

#define SYSCALLS_NO_ENTRY 0xffff

/* Name to id + 1 (0: empty): open addressing over syscalls_name_hash(), linear probing, at
 * most half full. A power-of-two count. */
extern const uint16_t syscalls_name_slots[];
extern const size_t syscalls_name_slots_count;

/* The id of name (its index in syscalls_names), or -1 when no table has it. */
int syscalls_name_id(const char *name);
/* The same for len bytes at name (a NUL among them matches no name). */
int syscalls_name_id_len(const char *name, size_t len);
/* Longer than any syscall's name. */
#define SYSCALLS_NAME_MAX 64
/* The name of any table closest to name, a typo away (one or two letters added, left out,
 * changed or swapped, at most one per three of name's), for "did you mean"; NULL when none
 * is that close, or when name is one. Of names as close, one usable() says yes to for its id
 * (when not NULL: on the architectures a profile filters, say), then one that name is part
 * of. */
const char *syscalls_closest_name(const char *name, bool (*usable)(int id, void *), void *userdata);

/* For callers that looked a name up once (syscalls_name_id()) and ask about it on several
 * architectures: ksc_syscall_resolve_name() and ksc_syscall_multiplexed() by name id.
 * arch is an enum ksc_arch. */
int syscalls_resolve_id(int arch, int id, uint32_t *ret_nr);
int syscalls_multiplexed_id(int arch, int id, uint32_t *ret_mux_nr, uint32_t *ret_call);

/* 32-bit FNV-1a, as tools/gen-syscalls.py computes it when it lays out the slots. */
static inline uint32_t
syscalls_name_hash_len(const char *name, size_t len)
{
	uint32_t h = 0x811c9dc5u;

	for (const unsigned char *p = (const unsigned char *)name; len > 0; p++, len--)
		h = (h ^ *p) * 0x01000193u;
	return h;
}

static inline uint32_t
syscalls_name_hash(const char *name)
{
	uint32_t h = 0x811c9dc5u;

	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 0x01000193u;
	return h;
}

extern const struct syscalls_table syscalls_tables[_SYSCALLS_ABI_MAX];
