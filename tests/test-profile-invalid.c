/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Invalid profiles: each is refused, and the first error names the file, the line:column of
 * the offending value, its JSON path and the reason, exactly. The parse also returns no
 * profile, so nothing can run under a half-understood filter.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kseccomp.h"
#include "tap.h"

#define ACTIONS                                                                       \
	"SCMP_ACT_KILL, SCMP_ACT_KILL_THREAD, SCMP_ACT_KILL_PROCESS, SCMP_ACT_TRAP, " \
	"SCMP_ACT_ERRNO, SCMP_ACT_TRACE, SCMP_ACT_ALLOW, SCMP_ACT_LOG, SCMP_ACT_NOTIFY"
#define OPS                                                                              \
	"SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE, SCMP_CMP_EQ, SCMP_CMP_GE, SCMP_CMP_GT, " \
	"SCMP_CMP_MASKED_EQ"
#define ARCHES                                                                                  \
	"SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32, SCMP_ARCH_ARM, SCMP_ARCH_AARCH64, "    \
	"SCMP_ARCH_LOONGARCH64, SCMP_ARCH_M68K, SCMP_ARCH_MIPS, SCMP_ARCH_MIPSEL, "             \
	"SCMP_ARCH_MIPS64, SCMP_ARCH_MIPSEL64, SCMP_ARCH_MIPS64N32, SCMP_ARCH_MIPSEL64N32, "    \
	"SCMP_ARCH_PARISC, SCMP_ARCH_PARISC64, SCMP_ARCH_PPC, SCMP_ARCH_PPC64, "                \
	"SCMP_ARCH_PPC64LE, SCMP_ARCH_RISCV64, SCMP_ARCH_S390, SCMP_ARCH_S390X, SCMP_ARCH_SH, " \
	"SCMP_ARCH_SHEB"
#define FLAGS                                                                                  \
	"SECCOMP_FILTER_FLAG_TSYNC, SECCOMP_FILTER_FLAG_LOG, SECCOMP_FILTER_FLAG_SPEC_ALLOW, " \
	"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"

/* A profile around one rule: the rule starts at column 38 of line 1. */
#define RULE(r) "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [" r "]}"

static const struct invalid_case {
	const char *name;
	const char *json;
	unsigned flags;
	const char *error;
} cases[] = {
	/* The document. */
	{ "empty file", "", 0,
	  "p.json:1:1: invalid JSON: expected a value, found the end of the input" },
	{ "YAML is not JSON", "defaultAction: SCMP_ACT_ALLOW\n", 0,
	  "p.json:1:1: invalid JSON: expected a value, found 'd'" },
	{ "trailing comma", "{\"defaultAction\": \"SCMP_ACT_ALLOW\",}", 0,
	  "p.json:1:36: invalid JSON: trailing comma before the end of an object or array" },
	{ "comment", "{\n  # allow all\n  \"defaultAction\": \"SCMP_ACT_ALLOW\"\n}", 0,
	  "p.json:2:3: invalid JSON: expected a double-quoted object key, found a comment (JSON "
	  "has no comments)" },
	{ "duplicate key",
	  "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"defaultAction\": \"SCMP_ACT_KILL\"}", 0,
	  "p.json:1:37: duplicate key \"defaultAction\" (first at line 1, column 2)" },
	{ "keys differing in case set one field",
	  "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"DefaultAction\": \"SCMP_ACT_KILL\"}", 0,
	  "p.json:1:37: DefaultAction: duplicate key: \"defaultAction\" at line 1 sets the same "
	  "field (Go's JSON decoder matches keys case-insensitively)" },
	/* Go also folds U+017F to s and U+212A (Kelvin) to k: runc takes the later key, so a
	 * rule list emptied by "\u017fyscalls" must not pass for the one before it. */
	{ "U+017F: a second syscalls that Go reads",
	  "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"mkdir\"], "
	  "\"action\": \"SCMP_ACT_ERRNO\"}], \"\\u017fyscalls\": []}",
	  0,
	  "p.json:1:101: \xc5\xbfyscalls: duplicate key: \"syscalls\" at line 1 sets the same "
	  "field (Go's JSON decoder, used by runc and containerd, folds U+017F (LATIN SMALL "
	  "LETTER LONG S) to s; Go keeps the later value)" },
	{ "U+017F first, then the exact key",
	  "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"\\u017fyscalls\": [], \"syscalls\": []}", 0,
	  "p.json:1:58: syscalls: duplicate key: \"\xc5\xbfyscalls\" at line 1 sets the same "
	  "field (Go's JSON decoder, used by runc and containerd, folds U+017F (LATIN SMALL "
	  "LETTER LONG S) to s; Go keeps the later value)" },
	{ "U+017F: names twice in a rule",
	  RULE("{\"names\": [\"mkdir\"], \"name\\u017f\": [], \"action\": \"SCMP_ACT_ERRNO\"}"), 0,
	  "p.json:1:71: syscalls[0].name\xc5\xbf: duplicate key: \"names\" at line 1 sets the "
	  "same field (Go's JSON decoder, used by runc and containerd, folds U+017F (LATIN "
	  "SMALL LETTER LONG S) to s; Go keeps the later value)" },
	{ "U+212A: minKernel twice",
	  RULE("{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": "
	       "{\"minKernel\": \"4.8\", \"min\\u212aernel\": \"99.0\"}}"),
	  0,
	  "p.json:1:132: syscalls[0].includes.min\xe2\x84\xaa"
	  "ernel: duplicate key: \"minKernel\" at line 1 sets the same field (Go's JSON "
	  "decoder, used by runc and containerd, folds U+212A (KELVIN SIGN) to k; Go keeps the "
	  "later value)" },
	{ "not an object", "[]", 0,
	  "p.json:1:1: a seccomp profile must be a JSON object, got an array" },

	/* defaultAction / defaultErrnoRet */
	{ "no defaultAction", "{}", 0,
	  "p.json:1:1: defaultAction: required field is missing (runc would run the workload "
	  "without any seccomp filter)" },
	{ "no defaultAction, with syscalls", "{\"syscalls\": []}", 0,
	  "p.json:1:1: defaultAction: required field is missing (runc would run the workload "
	  "without any seccomp filter)" },
	{ "unknown default action", "{\"defaultAction\": \"SCMP_ACT_FOO\"}", 0,
	  "p.json:1:19: defaultAction: unknown action \"SCMP_ACT_FOO\" (expected one of " ACTIONS
	  ")" },
	{ "lower-case action", "{\"defaultAction\": \"scmp_act_allow\"}", 0,
	  "p.json:1:19: defaultAction: unknown action \"scmp_act_allow\" (did you mean "
	  "\"SCMP_ACT_ALLOW\"?)" },
	{ "action without prefix", "{\"defaultAction\": \"ERRNO\"}", 0,
	  "p.json:1:19: defaultAction: unknown action \"ERRNO\" (did you mean "
	  "\"SCMP_ACT_ERRNO\"?)" },
	{ "defaultAction is a number", "{\"defaultAction\": 0}", 0,
	  "p.json:1:19: defaultAction: must be a string, got a number" },
	{ "defaultAction is null", "{\"defaultAction\": null}", 0,
	  "p.json:1:19: defaultAction: must be a string, got null" },
	{ "NOTIFY as default",
	  "{\"defaultAction\": \"SCMP_ACT_NOTIFY\", \"listenerPath\": \"/run/a.sock\"}", 0,
	  "p.json:1:19: defaultAction: SCMP_ACT_NOTIFY cannot be the default action" },
	{ "defaultErrnoRet with ALLOW",
	  "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"defaultErrnoRet\": 1}", 0,
	  "p.json:1:56: defaultErrnoRet: only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take an errno, not "
	  "SCMP_ACT_ALLOW" },
	{ "defaultErrnoRet with KILL_PROCESS",
	  "{\"defaultAction\": \"SCMP_ACT_KILL_PROCESS\", \"defaultErrnoRet\": 1}", 0,
	  "p.json:1:63: defaultErrnoRet: only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take an errno, not "
	  "SCMP_ACT_KILL_PROCESS" },
	{ "negative defaultErrnoRet",
	  "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": -1}", 0,
	  "p.json:1:56: defaultErrnoRet: must be an unsigned integer, got a negative number" },
	{ "fractional defaultErrnoRet",
	  "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 1.5}", 0,
	  "p.json:1:56: defaultErrnoRet: must be an unsigned integer, got a fraction or exponent" },
	{ "quoted defaultErrnoRet",
	  "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": \"1\"}", 0,
	  "p.json:1:56: defaultErrnoRet: must be an unsigned integer, got a string" },
	{ "defaultErrnoRet beyond 16 bits",
	  "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 70000}", 0,
	  "p.json:1:56: defaultErrnoRet: 70000 does not fit in the 16 bits of SECCOMP_RET_DATA "
	  "(libseccomp would silently use 4464)" },
	{ "defaultErrnoRet beyond 32 bits",
	  "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 4294967296}", 0,
	  "p.json:1:56: defaultErrnoRet: is too large for an unsigned 32-bit integer" },

	/* architectures / archMap / flags */
	{ "unknown architecture",
	  "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_X86_64\", "
	  "\"SCMP_ARCH_FOO\"]}",
	  0,
	  "p.json:1:75: architectures[1]: unknown architecture \"SCMP_ARCH_FOO\" (expected one "
	  "of " ARCHES ")" },
	{ "libseccomp arch spelling",
	  "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"x86_64\"]}", 0,
	  "p.json:1:55: architectures[0]: unknown architecture \"x86_64\" (did you mean "
	  "\"SCMP_ARCH_X86_64\"?)" },
	{ "architectures is a string",
	  "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": \"SCMP_ARCH_X86_64\"}", 0,
	  "p.json:1:54: architectures: must be an array, got a string" },
	{ "architectures and archMap",
	  "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_X86_64\"], "
	  "\"archMap\": [{\"architecture\": \"SCMP_ARCH_X86_64\"}]}",
	  0,
	  "p.json:1:76: archMap: both 'architectures' and 'archMap' are specified in the seccomp "
	  "profile, use either 'architectures' or 'archMap'" },
	{ "archMap entry without architecture",
	  "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"archMap\": [{\"subArchitectures\": []}]}", 0,
	  "p.json:1:49: archMap[0].architecture: required field is missing" },
	{ "unknown flag",
	  "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": [\"SECCOMP_FILTER_FLAG_FOO\"]}", 0,
	  "p.json:1:47: flags[0]: unknown flag \"SECCOMP_FILTER_FLAG_FOO\" (expected one of " FLAGS
	  ")" },
	{ "flag without prefix", "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": [\"log\"]}", 0,
	  "p.json:1:47: flags[0]: unknown flag \"log\" (did you mean "
	  "\"SECCOMP_FILTER_FLAG_LOG\"?)" },

	/* listener */
	{ "listenerMetadata without listenerPath",
	  "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerMetadata\": \"x\"}", 0,
	  "p.json:1:57: listenerMetadata: must not be set without listenerPath (runtime-spec)" },
	{ "NOTIFY without listenerPath",
	  RULE("{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_NOTIFY\"}"), 0,
	  "p.json:1:81: listenerPath: SCMP_ACT_NOTIFY is used but listenerPath is not set: runc "
	  "refuses to start the container" },
	{ "NOTIFY for write",
	  "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"listenerPath\": \"/run/a.sock\", "
	  "\"syscalls\": [{\"names\": [\"read\", \"write\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}",
	  0,
	  "p.json:1:120: syscalls[0].action: SCMP_ACT_NOTIFY cannot be used for the write syscall "
	  "(the process could deadlock writing to its agent)" },

	/* rules */
	{ "syscalls is an object", "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": {}}", 0,
	  "p.json:1:49: syscalls: must be an array, got an object" },
	{ "rule is a string", RULE("\"read\""), 0,
	  "p.json:1:50: syscalls[0]: must be an object, got a string" },
	{ "rule without names", RULE("{\"action\": \"SCMP_ACT_ALLOW\"}"), 0,
	  "p.json:1:50: syscalls[0].names: required field is missing" },
	{ "empty names", RULE("{\"names\": [], \"action\": \"SCMP_ACT_ALLOW\"}"), 0,
	  "p.json:1:60: syscalls[0].names: must list at least one syscall (runtime-spec: minItems "
	  "1)" },
	{ "null names", RULE("{\"names\": null, \"action\": \"SCMP_ACT_ALLOW\"}"), 0,
	  "p.json:1:60: syscalls[0].names: must list at least one syscall (runtime-spec: minItems "
	  "1)" },
	{ "name and names",
	  RULE("{\"name\": \"read\", \"names\": [\"write\"], \"action\": \"SCMP_ACT_ALLOW\"}"), 0,
	  "p.json:1:51: syscalls[0].name: both 'name' and 'names' are specified in the seccomp "
	  "profile, use either 'name' or 'names'" },
	{ "a name is a number", RULE("{\"names\": [\"read\", 1], \"action\": \"SCMP_ACT_ALLOW\"}"),
	  0, "p.json:1:69: syscalls[0].names[1]: must be a string, got a number" },
	{ "upper-case syscall name",
	  RULE("{\"names\": [\"Read\"], \"action\": \"SCMP_ACT_ALLOW\"}"), 0,
	  "p.json:1:61: syscalls[0].names[0]: \"Read\" is not a syscall name (lower-case letters, "
	  "digits and '_')" },
	{ "empty syscall name", RULE("{\"names\": [\"\"], \"action\": \"SCMP_ACT_ALLOW\"}"), 0,
	  "p.json:1:61: syscalls[0].names[0]: \"\" is not a syscall name (lower-case letters, "
	  "digits and '_')" },
	{ "rule without action", RULE("{\"names\": [\"read\"]}"), 0,
	  "p.json:1:50: syscalls[0].action: required field is missing" },
	{ "unknown rule action", RULE("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOWED\"}"),
	  0,
	  "p.json:1:80: syscalls[0].action: unknown action \"SCMP_ACT_ALLOWED\" (expected one "
	  "of " ACTIONS ")" },
	{ "errnoRet with ALLOW",
	  RULE("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"errnoRet\": 1}"), 0,
	  "p.json:1:110: syscalls[0].errnoRet: only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take an "
	  "errno, not SCMP_ACT_ALLOW" },
	{ "errnoRet with KILL",
	  RULE("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_KILL\", \"errnoRet\": 1}"), 0,
	  "p.json:1:109: syscalls[0].errnoRet: only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take an "
	  "errno, not SCMP_ACT_KILL" },
	{ "errnoRet beyond 16 bits",
	  RULE("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 65536}"), 0,
	  "p.json:1:110: syscalls[0].errnoRet: 65536 does not fit in the 16 bits of "
	  "SECCOMP_RET_DATA (libseccomp would silently use 0)" },
	{ "negative errnoRet",
	  RULE("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": -38}"), 0,
	  "p.json:1:110: syscalls[0].errnoRet: must be an unsigned integer, got a negative "
	  "number" },

	/* args */
	{ "args is an object",
	  RULE("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": {}}"), 0,
	  "p.json:1:106: syscalls[0].args: must be an array, got an object" },
	{ "arg without index",
	  RULE("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"value\": 1, "
	       "\"op\": \"SCMP_CMP_EQ\"}]}"),
	  0, "p.json:1:107: syscalls[0].args[0].index: required field is missing" },
	{ "arg index 6",
	  RULE("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 6, "
	       "\"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]}"),
	  0,
	  "p.json:1:117: syscalls[0].args[0].index: 6 is out of range: a syscall has six "
	  "arguments, index 0 to 5" },
	{ "arg index as a string",
	  RULE("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": "
	       "\"0\", \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]}"),
	  0, "p.json:1:117: syscalls[0].args[0].index: must be an unsigned integer, got a string" },
	{ "arg without value",
	  RULE("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, "
	       "\"op\": \"SCMP_CMP_EQ\"}]}"),
	  0, "p.json:1:107: syscalls[0].args[0].value: required field is missing" },
	{ "negative arg value",
	  RULE("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, "
	       "\"value\": -1, \"op\": \"SCMP_CMP_EQ\"}]}"),
	  0,
	  "p.json:1:129: syscalls[0].args[0].value: must be an unsigned integer, got a negative "
	  "number" },
	{ "arg value beyond 64 bits",
	  RULE("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, "
	       "\"value\": 18446744073709551616, \"op\": \"SCMP_CMP_EQ\"}]}"),
	  0,
	  "p.json:1:129: syscalls[0].args[0].value: is too large for an unsigned 64-bit integer" },
	{ "valueTwo as a string",
	  RULE("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, "
	       "\"value\": 1, \"valueTwo\": \"0\", \"op\": \"SCMP_CMP_MASKED_EQ\"}]}"),
	  0,
	  "p.json:1:144: syscalls[0].args[0].valueTwo: must be an unsigned integer, got a string" },
	{ "unknown operator",
	  RULE("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, "
	       "\"value\": 1, \"op\": \"SCMP_CMP_FOO\"}]}"),
	  0,
	  "p.json:1:138: syscalls[0].args[0].op: unknown operator \"SCMP_CMP_FOO\" (expected one "
	  "of " OPS ")" },
	{ "operator without prefix",
	  RULE("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, "
	       "\"value\": 1, \"op\": \"EQ\"}]}"),
	  0,
	  "p.json:1:138: syscalls[0].args[0].op: unknown operator \"EQ\" (did you mean "
	  "\"SCMP_CMP_EQ\"?)" },
	{ "arg without op",
	  RULE("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, "
	       "\"value\": 1}]}"),
	  0, "p.json:1:107: syscalls[0].args[0].op: required field is missing" },

	/* Docker extensions */
	{ "minKernel with a suffix",
	  RULE("{\"names\": [\"ptrace\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": "
	       "{\"minKernel\": \"4.15abc\"}}"),
	  0,
	  "p.json:1:126: syscalls[0].includes.minKernel: invalid kernel version \"4.15abc\" "
	  "(expected \"MAJOR.MINOR\", e.g. \"4.8\")" },
	{ "minKernel without minor",
	  RULE("{\"names\": [\"ptrace\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": "
	       "{\"minKernel\": \"4\"}}"),
	  0,
	  "p.json:1:126: syscalls[0].includes.minKernel: invalid kernel version \"4\" (expected "
	  "\"MAJOR.MINOR\", e.g. \"4.8\")" },
	{ "minKernel 0.0",
	  RULE("{\"names\": [\"ptrace\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": "
	       "{\"minKernel\": \"0.0\"}}"),
	  0,
	  "p.json:1:126: syscalls[0].includes.minKernel: invalid kernel version \"0.0\" (expected "
	  "\"MAJOR.MINOR\", e.g. \"4.8\")" },
	{ "minKernel as a number",
	  RULE("{\"names\": [\"ptrace\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": "
	       "{\"minKernel\": 4.8}}"),
	  0,
	  "p.json:1:126: syscalls[0].includes.minKernel: invalid kernel version: must be a string "
	  "\"MAJOR.MINOR\", got a number" },
	{ "includes is an array",
	  RULE("{\"names\": [\"ptrace\"], \"action\": \"SCMP_ACT_ALLOW\", \"excludes\": []}"), 0,
	  "p.json:1:112: syscalls[0].excludes: must be an object, got an array" },

	/* --strict turns warnings into errors */
	{ "strict: unknown key",
	  "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"defaultActon\": \"SCMP_ACT_KILL\"}",
	  KSC_PROFILE_STRICT,
	  "p.json:1:37: defaultActon: unknown key \"defaultActon\" (runtimes ignore it)" },
	{ "strict: unknown syscall",
	  RULE("{\"names\": [\"reed\"], \"action\": \"SCMP_ACT_ALLOW\"}"), KSC_PROFILE_STRICT,
	  "p.json:1:61: syscalls[0].names[0]: unknown syscall \"reed\" (not in the 7.1.0-rc4 "
	  "syscall table of any architecture; runtimes skip it): did you mean \"read\"?" },
	{ "strict: syscall not on the target arch",
	  RULE("{\"names\": [\"socketcall\"], \"action\": \"SCMP_ACT_ALLOW\"}"), KSC_PROFILE_STRICT,
	  "p.json:1:61: syscalls[0].names[0]: \"socketcall\" is not a syscall on x86_64 (runtimes "
	  "skip it there)" },
	{ "strict: name instead of names",
	  RULE("{\"name\": \"read\", \"action\": \"SCMP_ACT_ALLOW\"}"), KSC_PROFILE_STRICT,
	  "p.json:1:51: syscalls[0].name: \"name\" is a Docker extension: runc, crun and "
	  "containerd read only \"names\", so under Kubernetes this rule matches no syscall" },
};

int
main(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct invalid_case *t = &cases[i];
		struct ksc_profile_parse_opts opts = { .flags = t->flags,
			                               .native_arch = KSC_ARCH_X86_64 };
		struct ksc_profile *p = NULL;
		struct ksc_error *e = NULL;
		int r;

		r = ksc_profile_parse("p.json", t->json, strlen(t->json), &opts, &p, NULL, &e);
		ok(r == -EINVAL && p == NULL, "%s: refused", t->name);
		is_str(ksc_error_message(e), t->error, "%s: message", t->name);
		ksc_error_free(e);
		ksc_profile_free(p);
	}
	return tap_done();
}
