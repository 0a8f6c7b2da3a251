/* SPDX-License-Identifier: Apache-2.0 */
/*
 * summary: the figures `profile show` and `profile diff` print. A profile's unconditional
 * rules counted per action (a repeated name once, ERRNO without errnoRet as EPERM,
 * conditional rules left out), and a comparison's differences grouped per call, sorted, told
 * apart by whether the arguments matter, and runs of numbers no syscall has joined.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kseccomp.h"
#include "macro.h"
#include "tap.h"

static void
test_count_actions(void)
{
	static const char text[] =
	        "{\"defaultAction\": \"SCMP_ACT_KILL_PROCESS\", \"syscalls\": ["
	        "{\"names\": [\"read\", \"write\"], \"action\": \"SCMP_ACT_ALLOW\"},"
	        "{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\"},"
	        "{\"names\": [\"read\", \"read\"], \"action\": \"SCMP_ACT_ALLOW\"},"
	        "{\"names\": [\"rmdir\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 1},"
	        "{\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ALLOW\","
	        " \"args\": [{\"index\": 0, \"value\": 8, \"op\": \"SCMP_CMP_EQ\"}]},"
	        "{\"names\": [\"clone3\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 38}"
	        "]}";
	struct ksc_profile *p = NULL;
	struct ksc_action_count *counts = NULL;
	size_t n = 0;

	if (!ok(ksc_profile_parse("t.json", text, strlen(text), NULL, &p, NULL, NULL) == 0,
	        "the profile parses"))
		return;
	if (ok(ksc_profile_count_actions(p, &counts, &n) == 0 && n == 3,
	       "three groups: ALLOW, ERRNO(1) with and without errnoRet, ERRNO(38)")) {
		ok(counts[0].action == KSC_ACT_ALLOW && counts[0].errnum == -1 &&
		           counts[0].names == 2 && counts[0].rules == 2,
		   "ALLOW first: read counted once over two rules and a repeat in one");
		ok(counts[1].action == KSC_ACT_ERRNO && counts[1].errnum == 1 &&
		           counts[1].names == 2 && counts[1].rules == 2,
		   "ERRNO without errnoRet is ERRNO(1), one group with errnoRet 1");
		ok(counts[2].action == KSC_ACT_ERRNO && counts[2].errnum == 38 &&
		           counts[2].names == 1 && counts[2].rules == 1,
		   "ERRNO(38) apart; the conditional ALLOW rule is not counted");
	}
	free(counts);
	ksc_profile_free(p);
}

static struct ksc_difference
diff(enum ksc_arch arch, uint32_t nr, uint64_t arg0, uint32_t ret_a, uint32_t ret_b)
{
	return (struct ksc_difference){
		.data = { .nr = (int32_t)nr, .arch = ksc_arch_audit_token(arch), .args = { arg0 } },
		.ret_a = ret_a,
		.ret_b = ret_b,
	};
}

static void
test_differences_group(void)
{
	const uint32_t allow = KSC_RET_ALLOW, eperm = KSC_RET_ERRNO | 1,
	               enosys = KSC_RET_ERRNO | 38;
	const struct ksc_difference diffs[] = {
		/* 0 */ diff(KSC_ARCH_X86_64, 1001, 0, allow, enosys),
		/* 1 */ diff(KSC_ARCH_X86_64, 83, 7, allow, eperm), /* mkdir, arguments matter */
		/* 2 */ diff(KSC_ARCH_X86_64, 1000, 0, allow, enosys),
		/* 3 */ diff(KSC_ARCH_X86_64, 84, 5, allow, eperm), /* rmdir, then with zeros */
		/* 4 */ diff(KSC_ARCH_X86_64, 84, 0, allow, eperm),
		/* 5 */ diff(KSC_ARCH_X86_64, 1002, 0, allow, enosys),
		/* 6 */ diff(KSC_ARCH_X86_64, 1003, 0, allow, eperm), /* decided otherwise */
		/* 7 */ diff(KSC_ARCH_AARCH64, 34, 0, allow, eperm),  /* mkdirat */
	};
	struct ksc_difference_group *g = NULL;
	size_t n = 0;

	if (!ok(ksc_differences_group(diffs, ELEMENTSOF(diffs), &g, &n) == 0 && n == 7,
	        "seven calls: rmdir's two inputs are one"))
		return;
	/* AUDIT_ARCH_X86_64 (0xc000003e) sorts before AUDIT_ARCH_AARCH64 (0xc00000b7) */
	ok(g[0].first == 1 && !g[0].unconditional && g[0].range_end == 0,
	   "mkdir first, its arguments matter");
	ok(g[1].first == 3 && g[1].unconditional && g[1].range_end == 1,
	   "rmdir by its first input, whatever the arguments (it differs with zeros alike)");
	ok(g[2].first == 2 && g[3].first == 0 && g[4].first == 5 && g[2].range_end == 4,
	   "1000-1002: numbers no syscall has, decided alike, one range");
	ok(g[3].range_end == 4 && g[4].range_end == 4, "a range ends where it ends from within");
	ok(g[5].first == 6 && g[5].range_end == 5, "1003 is decided otherwise: a range of its own");
	ok(g[6].first == 7 && g[6].range_end == 6, "aarch64 after x86_64");
	free(g);

	ok(ksc_differences_group(diffs, 0, &g, &n) == 0 && n == 0, "no differences, no groups");
	free(g);
}

int
main(void)
{
	test_count_actions();
	test_differences_group();
	return tap_done();
}
