/* SPDX-License-Identifier: Apache-2.0 */
/*
 * profile: what a valid profile reads as (the model behind the accessors), the warnings that
 * do not make it invalid, target arches, rule conditions in words, and the canonical writer.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kseccomp.h"
#include "tap.h"

static bool
streq_(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

static struct ksc_profile *
parse(const char *json, enum ksc_arch native, struct ksc_diags *diags)
{
	struct ksc_profile_parse_opts opts = { .native_arch = native };
	struct ksc_profile *p = NULL;
	struct ksc_error *e = NULL;

	if (ksc_profile_parse("p.json", json, strlen(json), &opts, &p, diags, &e) < 0) {
		printf("# unexpected error: %s\n", ksc_error_message(e));
		ksc_error_free(e);
		return NULL;
	}
	return p;
}

/* The warnings of a valid profile, joined by "\n". */
static char *
warnings_of(const char *json)
{
	struct ksc_diags *diags = ksc_diags_new();
	struct ksc_profile *p = parse(json, KSC_ARCH_X86_64, diags);
	size_t len = 0;
	char *out = calloc(1, 1);

	for (size_t i = 0; p && i < ksc_diags_count(diags); i++) {
		const char *m = ksc_diag_message(ksc_diags_get(diags, i));
		char *grown = realloc(out, len + strlen(m) + 2);

		if (!grown)
			break;
		out = grown;
		if (len)
			out[len++] = '\n';
		strcpy(out + len, m);
		len += strlen(m);
	}
	if (!p) {
		free(out);
		out = NULL;
	}
	ksc_profile_free(p);
	ksc_diags_free(diags);
	return out;
}

static void
expect_warnings(const char *name, const char *json, const char *want)
{
	char *got = warnings_of(json);

	is_str(got, want, "%s", name);
	free(got);
}

static void
test_model(void)
{
	const char *json =
	        "{\n"
	        "  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n"
	        "  \"defaultErrnoRet\": 38,\n"
	        "  \"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\"],\n"
	        "  \"flags\": [\"SECCOMP_FILTER_FLAG_LOG\", \"SECCOMP_FILTER_FLAG_SPEC_ALLOW\"],\n"
	        "  \"syscalls\": [\n"
	        "    {\"names\": [\"read\", \"write\"], \"action\": \"SCMP_ACT_ALLOW\"},\n"
	        "    {\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 100},\n"
	        "    {\"names\": [\"socket\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [\n"
	        "      {\"index\": 0, \"value\": 38, \"op\": \"SCMP_CMP_LT\"},\n"
	        "      {\"index\": 2, \"value\": 3840, \"valueTwo\": 0, \"op\": "
	        "\"SCMP_CMP_MASKED_EQ\"}]}\n"
	        "  ]\n"
	        "}\n";
	struct ksc_profile *p = parse(json, KSC_ARCH_X86_64, NULL);
	const struct ksc_rule *r;
	uint64_t value = 0, value_two = 1;
	enum ksc_op op = KSC_OP_INVALID;
	uint32_t index = 9;
	bool present = false;

	ok(p != NULL, "a full profile parses");
	if (!p)
		return;
	is_int(ksc_profile_default_action(p), KSC_ACT_ERRNO, "defaultAction");
	is_int(ksc_profile_default_errno(p), 38, "defaultErrnoRet");
	is_int(ksc_profile_arch_count(p), 2, "two architectures");
	is_int(ksc_profile_arch(p, 1), KSC_ARCH_X86, "second is x86");
	is_int(ksc_profile_flags(p, &present), KSC_FLAG_LOG | KSC_FLAG_SPEC_ALLOW, "flags mask");
	ok(present, "flags present");
	is_int(ksc_profile_rule_count(p), 3, "three rules");
	r = ksc_profile_rule(p, 0);
	is_int(ksc_rule_name_count(r), 2, "rule 0 has two names");
	is_str(ksc_rule_name(r, 1), "write", "rule 0 second name");
	is_int(ksc_rule_errno(r), -1, "no errnoRet on rule 0");
	r = ksc_profile_rule(p, 1);
	is_int(ksc_rule_action(r), KSC_ACT_ERRNO, "rule 1 action");
	is_int(ksc_rule_errno(r), 100, "rule 1 errnoRet");
	r = ksc_profile_rule(p, 2);
	is_int(ksc_rule_arg_count(r), 2, "rule 2 has two args");
	is_int(ksc_rule_arg(r, 1, &index, &op, &value, &value_two), 0, "arg 1 readable");
	ok(index == 2 && op == KSC_OP_MASKED_EQ && value == 3840 && value_two == 0,
	   "arg 1 is (arg2 & 3840) == 0");
	is_int(ksc_rule_arg(r, 2, NULL, NULL, NULL, NULL), -ERANGE, "arg 2 out of range");
	ok(!ksc_rule_args_are_ored(r), "different indexes are ANDed");
	ksc_profile_free(p);

	p = parse("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": []}", KSC_ARCH_X86_64, NULL);
	ok(p && ksc_profile_flags(p, &present) == 0 && present,
	   "an empty flags array is present and means no flags");
	ksc_profile_free(p);
	p = parse("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": null}", KSC_ARCH_X86_64,
	          NULL);
	ok(p && ksc_profile_flags(p, &present) == 0 && !present,
	   "null flags are absent flags, as Go decodes them");
	ksc_profile_free(p);
	p = parse("{\"defaultAction\": \"SCMP_ACT_KILL\"}", KSC_ARCH_X86_64, NULL);
	ok(p && ksc_profile_default_errno(p) == -1 && ksc_profile_rule_count(p) == 0,
	   "a default-only profile");
	ksc_profile_free(p);
}

static void
test_target_arches(void)
{
	const char *json = "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"archMap\": ["
	                   "{\"architecture\": \"SCMP_ARCH_X86_64\", \"subArchitectures\": "
	                   "[\"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"]},"
	                   "{\"architecture\": \"SCMP_ARCH_AARCH64\", \"subArchitectures\": "
	                   "[\"SCMP_ARCH_ARM\"]}]}";
	struct ksc_profile *p = parse(json, KSC_ARCH_AARCH64, NULL);
	enum ksc_arch a[_KSC_ARCH_MAX];
	size_t n;

	ok(p && ksc_profile_has_arch_map(p), "archMap profile");
	if (!p)
		return;
	n = ksc_profile_target_arches(p, KSC_ARCH_AARCH64, a, _KSC_ARCH_MAX);
	ok(n == 2 && a[0] == KSC_ARCH_AARCH64 && a[1] == KSC_ARCH_ARM,
	   "archMap on aarch64: native + its entry's subArchitectures");
	n = ksc_profile_target_arches(p, KSC_ARCH_X86_64, a, _KSC_ARCH_MAX);
	ok(n == 3 && a[0] == KSC_ARCH_X86_64 && a[1] == KSC_ARCH_X86 && a[2] == KSC_ARCH_X32,
	   "archMap on x86_64");
	n = ksc_profile_target_arches(p, KSC_ARCH_RISCV64, a, _KSC_ARCH_MAX);
	ok(n == 1 && a[0] == KSC_ARCH_RISCV64, "no archMap entry: native only");
	ksc_profile_free(p);

	p = parse("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": [\"SCMP_ARCH_X86\", "
	          "\"SCMP_ARCH_X86_64\"]}",
	          KSC_ARCH_X86_64, NULL);
	n = p ? ksc_profile_target_arches(p, KSC_ARCH_X86_64, a, _KSC_ARCH_MAX) : 0;
	ok(n == 2 && a[0] == KSC_ARCH_X86_64 && a[1] == KSC_ARCH_X86,
	   "native first, listed arches after, no duplicates");
	ksc_profile_free(p);
	p = parse("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": "
	          "[\"SCMP_ARCH_PPC64LE\"]}",
	          KSC_ARCH_X86_64, NULL);
	n = p ? ksc_profile_target_arches(p, KSC_ARCH_X86_64, a, _KSC_ARCH_MAX) : 0;
	ok(n == 2 && a[0] == KSC_ARCH_X86_64, "runc adds the native arch even when not listed");
	ksc_profile_free(p);
}

static void
expect_condition(const char *rule_json, const char *want)
{
	char json[2048];
	struct ksc_profile *p;
	char *text = NULL;

	snprintf(json, sizeof(json), "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [%s]}",
	         rule_json);
	p = parse(json, KSC_ARCH_X86_64, NULL);
	if (!p || ksc_rule_condition_text(ksc_profile_rule(p, 0), &text) < 0) {
		ok(0, "condition of %s", rule_json);
		ksc_profile_free(p);
		return;
	}
	is_str(text, want, "condition: %s", want);
	free(text);
	ksc_profile_free(p);
}

static void
test_conditions(void)
{
	expect_condition("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\"}", "");
	expect_condition("{\"names\": [\"socket\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": "
	                 "[{\"index\": 0, \"value\": 38, \"op\": \"SCMP_CMP_LT\"}]}",
	                 "arg0 < 38");
	/* runc test1: two comparisons on arg0 are alternatives (runc issue #2735). */
	expect_condition(
	        "{\"names\": [\"process_vm_readv\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": ["
	        "{\"index\": 0, \"value\": 100, \"op\": \"SCMP_CMP_EQ\"},"
	        "{\"index\": 0, \"value\": 9001, \"op\": \"SCMP_CMP_EQ\"}]}",
	        "arg0 == 100 || arg0 == 0x2329");
	expect_condition("{\"names\": [\"ftruncate\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": ["
	                 "{\"index\": 0, \"value\": 123456789, \"op\": \"SCMP_CMP_EQ\"},"
	                 "{\"index\": 1, \"value\": 1337, \"op\": \"SCMP_CMP_NE\"}]}",
	                 "arg0 == 0x75bcd15 && arg1 != 1337");
	expect_condition(
	        "{\"names\": [\"clone\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": ["
	        "{\"index\": 0, \"value\": 2114060288, \"valueTwo\": 0, \"op\": "
	        "\"SCMP_CMP_MASKED_EQ\"}],"
	        "\"excludes\": {\"caps\": [\"CAP_SYS_ADMIN\"], \"arches\": [\"s390\", \"s390x\"]}}",
	        "(arg0 & 0x7e020000) == 0; without CAP_SYS_ADMIN; not on s390, s390x");
	expect_condition(
	        "{\"names\": [\"ptrace\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": "
	        "{\"minKernel\": \"4.8\", \"caps\": [\"CAP_SYS_PTRACE\", \"CAP_SYS_ADMIN\"]}}",
	        "with CAP_SYS_PTRACE and CAP_SYS_ADMIN; on kernel >= 4.8");
	expect_condition("{\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": "
	                 "[{\"index\": 0, \"value\": 4294967295, \"op\": \"SCMP_CMP_GE\"}]}",
	                 "arg0 >= 0xffffffff");
}

static void
test_warnings(void)
{
	expect_warnings("tutorial fine-grained has no warnings",
	                "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": "
	                "[\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"],"
	                " \"syscalls\": [{\"names\": [\"arch_prctl\", \"vfork\", \"epoll_wait\"], "
	                "\"action\": \"SCMP_ACT_ALLOW\"}]}",
	                "");
	expect_warnings("unknown key",
	                "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"comment\": \"x\"}",
	                "p.json:1:37: comment: unknown key \"comment\" (runtimes ignore it)");
	expect_warnings(
	        "key in another case is taken, as Go does",
	        "{\"DefaultAction\": \"SCMP_ACT_ALLOW\"}",
	        "p.json:1:2: DefaultAction: key is spelled \"defaultAction\"; runc and containerd "
	        "accept it because Go's JSON decoder ignores case, other tools may not");
	expect_warnings("unknown syscall name",
	                "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
	                "[\"read\", \"raed\"], \"action\": \"SCMP_ACT_ALLOW\"}]}",
	                "p.json:1:69: syscalls[0].names[1]: unknown syscall \"raed\" (not in the "
	                "7.1.0-rc4 syscall table of any architecture; runtimes skip it): did you "
	                "mean \"read\"?");
	expect_warnings("32-bit-only name on a 64-bit-only profile",
	                "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
	                "[\"waitpid\"], \"action\": \"SCMP_ACT_ALLOW\"}]}",
	                "p.json:1:61: syscalls[0].names[0]: \"waitpid\" is not a syscall on x86_64 "
	                "(runtimes skip it there)");
	expect_warnings("socket and IPC calls multiplexed on i386 are known there",
	                "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": "
	                "[\"SCMP_ARCH_X86\"], \"syscalls\": [{\"names\": [\"accept\", \"recv\", "
	                "\"semop\"], \"action\": \"SCMP_ACT_ALLOW\"}]}",
	                "");
	expect_warnings("recv and send exist only through socketcall",
	                "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
	                "[\"accept\", \"recv\", \"semop\"], \"action\": \"SCMP_ACT_ALLOW\"}]}",
	                "p.json:1:71: syscalls[0].names[1]: \"recv\" is not a syscall on x86_64 "
	                "(runtimes skip it there)");
	expect_warnings("per-arch rules are checked on their own arches",
	                "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
	                "[\"breakpoint\", \"set_tls\"], \"action\": \"SCMP_ACT_ALLOW\", "
	                "\"includes\": {\"arches\": [\"arm\", \"arm64\"]}}]}",
	                "");
	expect_warnings("a name listed twice",
	                "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
	                "[\"read\", \"read\"], \"action\": \"SCMP_ACT_ALLOW\"}]}",
	                "p.json:1:69: syscalls[0].names[1]: \"read\" is listed twice in this rule");
	/* later occurrences each, known names (by id) and unknown ones (by sorting) alike */
	{
		const char *v = ksc_syscall_table_version();
		char want[1024];

		snprintf(
		        want, sizeof(want),
		        "p.json:1:69: syscalls[0].names[1]: unknown syscall \"nosuch\" (not in the "
		        "%s "
		        "syscall table of any architecture; runtimes skip it)\n"
		        "p.json:1:79: syscalls[0].names[2]: \"read\" is listed twice in this rule\n"
		        "p.json:1:87: syscalls[0].names[3]: \"nosuch\" is listed twice in this "
		        "rule\n"
		        "p.json:1:87: syscalls[0].names[3]: unknown syscall \"nosuch\" (not in the "
		        "%s "
		        "syscall table of any architecture; runtimes skip it)\n"
		        "p.json:1:97: syscalls[0].names[4]: \"read\" is listed twice in this rule",
		        v, v);
		expect_warnings(
		        "a name listed three times, an unknown one twice",
		        "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
		        "[\"read\", \"nosuch\", \"read\", \"nosuch\", \"read\"], "
		        "\"action\": \"SCMP_ACT_ALLOW\"}]}",
		        want);
	}
	expect_warnings(
	        "errno libseccomp refuses",
	        "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 12345}",
	        "p.json:1:56: defaultErrnoRet: runc and crun (through libseccomp 2.5) refuse errno "
	        "values above 4094: a container with this profile does not start");
	expect_warnings("TRACE data may use all 16 bits",
	                "{\"defaultAction\": \"SCMP_ACT_TRACE\", \"defaultErrnoRet\": 12345}", "");
	expect_warnings("containers/common errno names are checked against the numbers",
	                "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38, "
	                "\"defaultErrno\": \"EPERM\"}",
	                "p.json:1:76: defaultErrno: \"EPERM\" is 1 but defaultErrnoRet is 38; "
	                "runtimes use defaultErrnoRet");
	expect_warnings("matching errno name",
	                "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38, "
	                "\"defaultErrno\": \"ENOSYS\"}",
	                "");
	expect_warnings("runc refuses some arches",
	                "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": "
	                "[\"SCMP_ARCH_PARISC\"]}",
	                "p.json:1:55: architectures[0]: runc refuses SCMP_ARCH_PARISC (\"not a "
	                "valid arch for seccomp\"); crun accepts it");
	expect_warnings(
	        "listenerPath without NOTIFY",
	        "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"/run/agent.sock\"}",
	        "p.json:1:53: listenerPath: no rule uses SCMP_ACT_NOTIFY: runc ignores "
	        "listenerPath, crun still connects to it");
	expect_warnings(
	        "relative listenerPath",
	        "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"listenerPath\": \"agent.sock\", "
	        "\"syscalls\": [{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}",
	        "p.json:1:53: listenerPath: \"agent.sock\" is relative: crun refuses it and runc "
	        "resolves it against the runtime's working directory");
	/* libseccomp compiles MASKED_EQ as (arg & value) == (valueTwo & value), skipping a
	 * zero mask: checked with sim (clone 0x10 is allowed by the first rule). */
	expect_warnings(
	        "MASKED_EQ valueTwo bits outside the mask",
	        "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"clone\"], "
	        "\"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": 240, "
	        "\"valueTwo\": 31, \"op\": \"SCMP_CMP_MASKED_EQ\"}]}]}",
	        "p.json:1:147: syscalls[0].args[0]: valueTwo 0x1f has bits outside the mask 0xf0: "
	        "libseccomp compares (arg & 0xf0) == 0x10, not what is written");
	expect_warnings(
	        "MASKED_EQ with mask 0",
	        "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"read\"], "
	        "\"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 1, \"value\": 0, "
	        "\"valueTwo\": 5, \"op\": \"SCMP_CMP_MASKED_EQ\"}]}]}",
	        "p.json:1:129: syscalls[0].args[0]: SCMP_CMP_MASKED_EQ with mask 0 always matches: "
	        "libseccomp drops the comparison");
	expect_warnings(
	        "unknown capability and moby arch",
	        "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"mount\"], "
	        "\"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"caps\": [\"CAP_SYS_ADMN\"], "
	        "\"arches\": [\"x86_64\"]}}]}",
	        "p.json:1:121: syscalls[0].includes.caps[0]: unknown capability \"CAP_SYS_ADMN\"\n"
	        "p.json:1:149: syscalls[0].includes.arches[0]: unknown architecture \"x86_64\" "
	        "(moby compares these with names such as amd64, x86, x32, arm, arm64, ppc64le, "
	        "s390x, riscv64)");
}

static void
test_moby_lengths(void)
{
	struct ksc_profile *p;

	/* moby compares lengths: empty lists do not conflict, and an empty "names" leaves
	 * the rule to "name". */
	p = parse("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [], \"archMap\": []}",
	          KSC_ARCH_X86_64, NULL);
	ok(p != NULL, "empty architectures and archMap do not conflict");
	ksc_profile_free(p);
	p = parse("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"name\": \"read\", "
	          "\"names\": [], \"action\": \"SCMP_ACT_ALLOW\"}]}",
	          KSC_ARCH_X86_64, NULL);
	ok(p && ksc_rule_name_count(ksc_profile_rule(p, 0)) == 1 &&
	           streq_(ksc_rule_name(ksc_profile_rule(p, 0), 0), "read"),
	   "name with empty names is the name");
	ksc_profile_free(p);
	p = parse("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"name\": \"\", "
	          "\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\"}]}",
	          KSC_ARCH_X86_64, NULL);
	ok(p && ksc_rule_name_count(ksc_profile_rule(p, 0)) == 1, "an empty name leaves names");
	ksc_profile_free(p);
}

static void
test_write(void)
{
	const char *json = "{\"syscalls\": [{\"comment\": \"c\", \"action\": \"SCMP_ACT_ALLOW\", "
	                   "\"names\": [\"read\"],"
	                   " \"args\": [], \"x-extra\": {\"k\": [1, true, null, \"s\"]}}],"
	                   " \"flags\": [], \"defaultAction\": \"SCMP_ACT_ERRNO\", \"x-top\": 1}";
	const char *want = "{\n"
	                   "  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n"
	                   "  \"flags\": [],\n"
	                   "  \"syscalls\": [\n"
	                   "    {\n"
	                   "      \"names\": [\n"
	                   "        \"read\"\n"
	                   "      ],\n"
	                   "      \"action\": \"SCMP_ACT_ALLOW\",\n"
	                   "      \"comment\": \"c\",\n"
	                   "      \"x-extra\": {\n"
	                   "        \"k\": [\n"
	                   "          1,\n"
	                   "          true,\n"
	                   "          null,\n"
	                   "          \"s\"\n"
	                   "        ]\n"
	                   "      }\n"
	                   "    }\n"
	                   "  ],\n"
	                   "  \"x-top\": 1\n"
	                   "}\n";
	struct ksc_profile *p = parse(json, KSC_ARCH_X86_64, NULL), *q;
	char *text = NULL, *again = NULL;
	size_t len = 0, len2 = 0;

	ok(p && ksc_profile_write_json(p, &text, &len) == 0, "write");
	is_str(text, want, "canonical key order, kept empty flags, unknown keys last");
	q = text ? parse(text, KSC_ARCH_X86_64, NULL) : NULL;
	ok(q && ksc_profile_write_json(q, &again, &len2) == 0, "the output parses");
	is_str(again, text, "writing is idempotent");
	ksc_profile_free(p);
	ksc_profile_free(q);
	free(text);
	free(again);

	p = parse("{\"DefaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"name\": \"read\", "
	          "\"action\": \"SCMP_ACT_LOG\"}]}",
	          KSC_ARCH_X86_64, NULL);
	text = NULL;
	ok(p && ksc_profile_write_json(p, &text, &len) == 0, "write a Docker-style rule");
	is_str(text,
	       "{\n  \"defaultAction\": \"SCMP_ACT_ALLOW\",\n  \"syscalls\": [\n    {\n"
	       "      \"name\": \"read\",\n      \"action\": \"SCMP_ACT_LOG\"\n    }\n  ]\n}\n",
	       "a case-folded key is written in its canonical spelling; name stays name");
	ksc_profile_free(p);
	free(text);
}

/* Found by fuzz-profile: a key with an escaped C1 control was written back raw, which the
 * reader (rightly) refuses. Every string must survive write -> parse. */
static void
test_write_escapes(void)
{
	const char *json =
	        "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"k\\u009e\\u0085\\ufeff\\u0001\": "
	        "\"\\u007f\\ufffe caf\u00e9 \U0001F600\"}";
	struct ksc_profile *p = parse(json, KSC_ARCH_X86_64, NULL), *q = NULL;
	char *text = NULL;
	size_t len = 0;

	ok(p && ksc_profile_write_json(p, &text, &len) == 0,
	   "write strings with control characters");
	ok(text && strstr(text, "\"k\\u009e\\u0085\\ufeff\\u0001\": \"\\u007f\\ufffe caf\u00e9 "
	                        "\U0001F600\""),
	   "C1 controls, BOM, noncharacters and C0 controls are escaped; other UTF-8 is kept");
	q = text ? parse(text, KSC_ARCH_X86_64, NULL) : NULL;
	ok(q != NULL, "the escaped output parses back");
	ksc_profile_free(p);
	ksc_profile_free(q);
	free(text);
}

static void
test_names(void)
{
	enum ksc_action a;
	enum ksc_op op;
	enum ksc_filter_flag f;

	is_int(ksc_action_from_name("SCMP_ACT_KILL_THREAD", &a), 0, "KILL_THREAD");
	is_int(a, KSC_ACT_KILL_THREAD, "KILL_THREAD value");
	is_int(ksc_action_from_name("SCMP_ACT_kill", &a), -EINVAL, "actions are case-sensitive");
	is_str(ksc_action_name(KSC_ACT_NOTIFY), "SCMP_ACT_NOTIFY", "NOTIFY name");
	ok(ksc_action_name(_KSC_ACT_MAX) == NULL, "out-of-range action has no name");
	is_int(ksc_op_from_name("SCMP_CMP_MASKED_EQ", &op), 0, "MASKED_EQ");
	is_int(op, KSC_OP_MASKED_EQ, "MASKED_EQ value");
	is_int(ksc_flag_from_name("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", &f), 0, "flag");
	is_int(f, KSC_FLAG_WAIT_KILLABLE_RECV, "flag value");
	is_str(ksc_flag_name(KSC_FLAG_TSYNC), "SECCOMP_FILTER_FLAG_TSYNC", "flag name");
}

/* Keys Go's encoding/json folds beyond ASCII case set their fields, as in runc. */
static void
test_go_key_folding(void)
{
	struct ksc_profile *p;
	const struct ksc_rule *r;

	/* "\u017f" is U+017F LATIN SMALL LETTER LONG S; "\u212a" the KELVIN SIGN. */
	p = parse("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"\\u017fyscalls\": [{\"name\\u017f\": "
	          "[\"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\", \"includes\": "
	          "{\"min\\u212aernel\": \"4.8\"}}]}",
	          KSC_ARCH_X86_64, NULL);
	ok(p != NULL, "a profile spelled with U+017F and U+212A parses");
	if (!p)
		return;
	is_int(ksc_profile_rule_count(p), 1, "\"\\u017fyscalls\" is syscalls: one rule");
	r = ksc_profile_rule(p, 0);
	ok(r && ksc_rule_name_count(r) == 1 && streq_(ksc_rule_name(r, 0), "mkdir"),
	   "\"name\\u017f\" is names: the rule names mkdir");
	ok(r && ksc_rule_is_conditional(r), "\"min\\u212aernel\" is includes.minKernel");
	ksc_profile_free(p);

	expect_warnings("U+017F in a key: read as Go reads it, with a warning",
	                "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"\\u017fyscalls\": []}",
	                "p.json:1:37: \xc5\xbfyscalls: key is read as \"syscalls\": Go's JSON "
	                "decoder, used by runc and containerd, folds U+017F (LATIN SMALL LETTER "
	                "LONG S) to s; crun and other tools may not read it");
	expect_warnings("U+212A in a key: read as Go reads it, with a warning",
	                "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
	                "[\"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\", \"excludes\": "
	                "{\"min\\u212aernel\": \"99.0\"}}]}",
	                "p.json:1:112: syscalls[0].excludes.min\xe2\x84\xaa"
	                "ernel: key is read as \"minKernel\": Go's JSON decoder, used by runc "
	                "and containerd, folds U+212A (KELVIN SIGN) to k; crun and other tools "
	                "may not read it");
	expect_warnings("a look-alike Go does not fold stays an unknown key",
	                "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"\\uff53yscalls\": []}",
	                "p.json:1:37: \xef\xbd\x93yscalls: unknown key \"\xef\xbd\x93yscalls\" "
	                "(runtimes ignore it)");
	/* The key's NUL byte is part of it: "syscalls\u0000" is not syscalls to Go. */
	p = parse("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\\u0000\": [{\"names\": "
	          "[\"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\"}]}",
	          KSC_ARCH_X86_64, NULL);
	ok(p && ksc_profile_rule_count(p) == 0,
	   "a key \"syscalls\\u0000\" sets nothing (Go ignores it)");
	if (p) {
		char *text = NULL;
		size_t len = 0;

		/* fmt writes the key back whole: it must not become the field syscalls */
		ok(ksc_profile_write_json(p, &text, &len) == 0 && text &&
		           strstr(text, "\"syscalls\\u0000\": [") &&
		           !strstr(text, "\"syscalls\": ["),
		   "written back, the key keeps its NUL character");
		free(text);
	}
	ksc_profile_free(p);
	expect_warnings("a key with a NUL character is unknown, and the warning says so",
	                "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\\u0000\": []}",
	                "p.json:1:37: syscalls: unknown key \"syscalls\" followed by a NUL "
	                "character (runtimes ignore it)");
	/* SCMP_ACT_NOTIFY without listenerPath is refused whatever the case of "action" */
	{
		struct ksc_diags *diags = ksc_diags_new();
		const char *json = "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": "
		                   "[{\"names\": [\"mkdir\"], \"ACTION\": \"SCMP_ACT_NOTIFY\"}]}";
		struct ksc_profile_parse_opts opts = { .native_arch = KSC_ARCH_X86_64 };
		struct ksc_error *e = NULL;
		bool found = false;

		p = NULL;
		is_int(ksc_profile_parse("p.json", json, strlen(json), &opts, &p, diags, &e),
		       -EINVAL, "\"ACTION\": SCMP_ACT_NOTIFY without listenerPath is refused");
		for (size_t i = 0; i < ksc_diags_count(diags); i++)
			found |= strstr(ksc_diag_message(ksc_diags_get(diags, i)),
			                "SCMP_ACT_NOTIFY is used but listenerPath is not set") !=
			         NULL;
		ok(found, "... with runc's reason");
		ksc_profile_free(p);
		ksc_error_free(e);
		ksc_diags_free(diags);
	}
}

/* ksc_profile_load_text(): the profile and the very bytes it was read from. */
static void
test_load_text(void)
{
	static const char text[] = "{\"defaultAction\":   \"SCMP_ACT_LOG\"}";
	char path[] = "/tmp/ksc-test-profile-XXXXXX";
	struct ksc_profile *p = NULL;
	char *got = NULL;
	size_t len = 0;
	int fd = mkstemp(path);

	if (!ok(fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text),
	        "a profile file"))
		return;
	close(fd);
	ok(ksc_profile_load_text(path, NULL, &p, &got, &len, NULL, NULL) == 0 && p &&
	           ksc_profile_default_action(p) == KSC_ACT_LOG && len == strlen(text) &&
	           memcmp(got, text, len) == 0 && got[len] == '\0',
	   "load_text: the profile, and the file's bytes as they were");
	ksc_profile_free(p);
	free(got);
	p = NULL;
	ok(ksc_profile_load_text(path, NULL, &p, NULL, NULL, NULL, NULL) == 0 && p,
	   "load_text without ret_text");
	ksc_profile_free(p);
	unlink(path);
}

/* ksc_profile_bundle(): errors of every file in diags and nothing written; else the text. */
static void
test_bundle(void)
{
	static const char good[] = "{\"defaultAction\": \"SCMP_ACT_LOG\"}\n";
	static const char bad[] = "{\"defaultAction\": \"SCMP_ACT_NOPE\"}\n";
	char dir[] = "/tmp/ksc-test-bundle-XXXXXX", a[64], b[64];
	struct ksc_diags *diags = ksc_diags_new();
	struct ksc_error *e = NULL;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	if (!ok(mkdtemp(dir) && diags, "a directory"))
		return;
	snprintf(a, sizeof(a), "%s/a.json", dir);
	snprintf(b, sizeof(b), "%s/b.json", dir);
	ok((f = fopen(a, "w")) && fputs(good, f) >= 0 && fclose(f) == 0, "a.json");
	ok((f = fopen(b, "w")) && fputs(bad, f) >= 0 && fclose(f) == 0, "b.json");
	ok(ksc_profile_bundle(dir, "p", "ns", &text, &len, diags, &e) == -EINVAL &&
	           ksc_diags_error_count(diags) == 1 && !text && e &&
	           strstr(ksc_error_message(e), "invalid profiles: no bundle written"),
	   "an invalid profile: its error in diags, -EINVAL, nothing written");
	ksc_error_free(e);
	e = NULL;
	unlink(b);
	ok(ksc_profile_bundle(dir, "p", "ns", &text, &len, NULL, &e) == 0 && text &&
	           strlen(text) == len && strstr(text, "\n  name: p\n  namespace: ns\n") &&
	           strstr(text, "\n  a.json: |\n    {\"defaultAction\": \"SCMP_ACT_LOG\"}\n"),
	   "a valid directory: the ConfigMap, the file as a literal block");
	free(text);
	text = NULL;
	ok(ksc_profile_bundle(dir, "p", "Bad\nname", &text, &len, NULL, NULL) == -EINVAL && !text,
	   "a namespace that is not a DNS label is refused");
	unlink(a);
	rmdir(dir);
	ksc_diags_free(diags);
}

int
main(void)
{
	test_model();
	test_target_arches();
	test_conditions();
	test_warnings();
	test_moby_lengths();
	test_write();
	test_write_escapes();
	test_names();
	test_go_key_folding();
	test_load_text();
	test_bundle();
	return tap_done();
}
