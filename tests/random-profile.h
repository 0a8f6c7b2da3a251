/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Random seccomp profiles built to collide, for the differential tests of the filter model
 * (test-filter.c) and of the native compiler (test-native.c): few syscalls, overlapping
 * conditions on the same arguments, repeated indexes, 64-bit values on both sides of the
 * word boundary, several arches including x86 socketcall and x32, and sometimes a list of
 * more than 32 names (libseccomp's binary tree).
 */
#pragma once

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kseccomp.h"
#include "macro.h"
#include "rng.h"

/* socket, accept, semop, recv and shmat are multiplexed on x86, s390, ppc and mips; fork
 * and socketcall exist on some arches only */
static const char *const names[] = { "fsync", "read",   "socket",   "accept",    "personality",
	                             "ioctl", "getpid", "semop",    "recv",      "clone",
	                             "fork",  "shmat",  "recvmmsg", "socketcall" };
static const char *const ops[] = { "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",       "SCMP_CMP_EQ",
	                           "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ" };
static const uint64_t values[] = { 0,
	                           1,
	                           2,
	                           3,
	                           8,
	                           0x20008,
	                           0xffffffff,
	                           0x100000000ull,
	                           0x100000001ull,
	                           0xffffffff00000000ull,
	                           UINT64_MAX };
static const char *const actions[] = { "SCMP_ACT_ALLOW",       "SCMP_ACT_ERRNO", "SCMP_ACT_KILL",
	                               "SCMP_ACT_TRAP",        "SCMP_ACT_LOG",   "SCMP_ACT_TRACE",
	                               "SCMP_ACT_KILL_PROCESS" };
static const char *const random_arches[] = { "SCMP_ARCH_X86_64", "SCMP_ARCH_X86",
	                                     "SCMP_ARCH_X32",    "SCMP_ARCH_AARCH64",
	                                     "SCMP_ARCH_ARM",    "SCMP_ARCH_X86",
	                                     "SCMP_ARCH_X32",    "SCMP_ARCH_PPC64LE",
	                                     "SCMP_ARCH_MIPSEL", "SCMP_ARCH_RISCV64" };

__attribute__((format(printf, 4, 5))) static inline void
append(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(*buf + *len, *cap - *len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < *cap - *len)
			break;
		*cap = *cap * 2 + (size_t)n;
		*buf = realloc(*buf, *cap);
		if (!*buf)
			abort();
	}
	*len += (size_t)n;
}

/* One condition of a rule's "args", after k others. */
static inline void
append_arg(char **buf, size_t *len, size_t *cap, unsigned k, unsigned index, uint64_t value,
           uint64_t value_two, unsigned op)
{
	append(buf, len, cap,
	       "%s{\"index\": %u, \"value\": %" PRIu64 ", \"valueTwo\": %" PRIu64
	       ", \"op\": \"%s\"}",
	       k ? ", " : "", index, value, value_two, ops[op]);
}

static inline const char *
action_json(unsigned a, unsigned errno_value)
{
	static char buf[96];

	if (streq(actions[a], "SCMP_ACT_ERRNO") || streq(actions[a], "SCMP_ACT_TRACE"))
		snprintf(buf, sizeof(buf), "\"%s\", \"errnoRet\": %u", actions[a], errno_value);
	else
		snprintf(buf, sizeof(buf), "\"%s\"", actions[a]);
	return buf;
}

static inline char *
random_profile(void)
{
	size_t len = 0, cap = 1024;
	char *s = malloc(cap);
	unsigned def = pick(ELEMENTSOF(actions)), n_rules = 1 + pick(6), n_arches = pick(3);

	if (!s)
		abort();
	append(&s, &len, &cap, "{\"defaultAction\": %s, \"architectures\": [", action_json(def, 1));
	for (unsigned i = 0; i < n_arches; i++)
		append(&s, &len, &cap, "%s\"%s\"", i ? ", " : "",
		       random_arches[pick(ELEMENTSOF(random_arches))]);
	append(&s, &len, &cap, "], \"syscalls\": [");
	for (unsigned i = 0; i < n_rules; i++) {
		unsigned n_names = 1 + pick(2), n_args = pick(4), a = pick(ELEMENTSOF(actions));

		append(&s, &len, &cap, "%s{\"names\": [", i ? ", " : "");
		/* few names, so that rules meet on the same syscall */
		for (unsigned k = 0; k < n_names; k++)
			append(&s, &len, &cap, "%s\"%s\"", k ? ", " : "",
			       names[pick(4 + i % (ELEMENTSOF(names) - 3))]);
		append(&s, &len, &cap, "], \"action\": %s, \"args\": [",
		       action_json(a, 2 + pick(3)));
		for (unsigned k = 0; k < n_args; k++) {
			/* one draw per declaration: a call's arguments come in no set order, and
			 * a seed must name the same profiles in every build */
			unsigned op = pick(ELEMENTSOF(ops)), index = pick(3);
			uint64_t value = values[pick(ELEMENTSOF(values))];
			uint64_t mask = op == 6 ? values[pick(ELEMENTSOF(values))] : 0;

			append_arg(&s, &len, &cap, k, index, value, mask, op);
		}
		append(&s, &len, &cap, "]}");
	}
	/* sometimes more than 32 names, for libseccomp's binary tree */
	if (pick(6) == 0) {
		append(&s, &len, &cap, ", {\"names\": [");
		for (unsigned k = 0; k < 30 + pick(20); k++) {
			const char *name = NULL;

			(void)ksc_syscall_by_index(KSC_ARCH_X86_64, pick(300), &name, NULL);
			append(&s, &len, &cap, "%s\"%s\"", k ? ", " : "", name);
		}
		append(&s, &len, &cap, "], \"action\": %s}",
		       action_json(pick(ELEMENTSOF(actions)), 5));
	}
	append(&s, &len, &cap, "]}");
	return s;
}

/* Whether every differing input ran through a comparison of a path-dependent accumulator
 * in libseccomp's program: libseccomp's bug, not the model's. */
static inline bool
all_stale(const struct ksc_bpf *prog, const struct ksc_difference *diffs, size_t n)
{
	size_t count = ksc_bpf_count(prog), stale[256];
	int n_stale = ksc_bpf_stale_compares(prog, stale, ELEMENTSOF(stale));
	bool *visited = calloc(count, sizeof(bool)), all = n_stale > 0;

	if (!visited || n_stale < 0 || (size_t)n_stale > ELEMENTSOF(stale))
		abort();
	for (size_t i = 0; i < n && all; i++) {
		bool hit = false;

		(void)ksc_bpf_run_traced(prog, &diffs[i].data, visited);
		for (int k = 0; k < n_stale; k++)
			hit = hit || visited[stale[k]];
		all = hit;
	}
	free(visited);
	return all;
}
