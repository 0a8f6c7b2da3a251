/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Every real profile we carry (the tutorial's, Docker's, containerd's, Podman's, runc's test
 * profiles, moby's loader fixtures) and the system's own containers-common profile: each
 * validates, and its canonical form is a fixed point that means the same as the original.
 *
 * Usage: test-profile-fixtures DIR [SYSTEM_PROFILE...]
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kseccomp.h"
#include "tap.h"

/* Facts about particular fixtures, from ../shared/reference/oracles.md. */
static const struct {
	const char *file;
	enum ksc_action default_action;
	int64_t default_errno;
	size_t rules;
	size_t names; /* total over all rules */
} facts[] = {
	{ "tutorial/audit.json", KSC_ACT_LOG, -1, 0, 0 },
	{ "tutorial/violation.json", KSC_ACT_ERRNO, -1, 0, 0 },
	{ "tutorial/fine-grained.json", KSC_ACT_ERRNO, -1, 1, 54 },
	{ "default/moby-profiles-seccomp-default.json", KSC_ACT_ERRNO, 1, 33, 0 },
	{ "default/containerd-default-rendered-amd64-default-caps.json", KSC_ACT_ERRNO, -1, 14, 0 },
	{ "default/containers-common-seccomp.json", KSC_ACT_ERRNO, 38, 0, 0 },
	{ "runc/seccomp_syscall_test2.json", KSC_ACT_ERRNO, 6, 0, 0 },
};

static bool
rules_equal(const struct ksc_rule *a, const struct ksc_rule *b)
{
	char *ca = NULL, *cb = NULL;
	bool same;

	if (ksc_rule_action(a) != ksc_rule_action(b) || ksc_rule_errno(a) != ksc_rule_errno(b) ||
	    ksc_rule_name_count(a) != ksc_rule_name_count(b) ||
	    ksc_rule_arg_count(a) != ksc_rule_arg_count(b))
		return false;
	for (size_t i = 0; i < ksc_rule_name_count(a); i++)
		if (strcmp(ksc_rule_name(a, i), ksc_rule_name(b, i)) != 0)
			return false;
	for (size_t i = 0; i < ksc_rule_arg_count(a); i++) {
		uint32_t ia, ib;
		enum ksc_op oa, ob;
		uint64_t va, vb, wa, wb;

		ksc_rule_arg(a, i, &ia, &oa, &va, &wa);
		ksc_rule_arg(b, i, &ib, &ob, &vb, &wb);
		if (ia != ib || oa != ob || va != vb || wa != wb)
			return false;
	}
	/* includes/excludes compare through their description. */
	if (ksc_rule_condition_text(a, &ca) < 0 || ksc_rule_condition_text(b, &cb) < 0) {
		free(ca);
		return false;
	}
	same = strcmp(ca, cb) == 0;
	free(ca);
	free(cb);
	return same;
}

static bool
profiles_equal(const struct ksc_profile *a, const struct ksc_profile *b)
{
	enum ksc_arch ta[_KSC_ARCH_MAX], tb[_KSC_ARCH_MAX];
	size_t na, nb;
	bool pa, pb;

	if (ksc_profile_default_action(a) != ksc_profile_default_action(b) ||
	    ksc_profile_default_errno(a) != ksc_profile_default_errno(b) ||
	    ksc_profile_flags(a, &pa) != ksc_profile_flags(b, &pb) || pa != pb ||
	    ksc_profile_arch_count(a) != ksc_profile_arch_count(b) ||
	    ksc_profile_has_arch_map(a) != ksc_profile_has_arch_map(b) ||
	    ksc_profile_rule_count(a) != ksc_profile_rule_count(b))
		return false;
	for (enum ksc_arch host = 1; host < _KSC_ARCH_MAX; host++) {
		na = ksc_profile_target_arches(a, host, ta, _KSC_ARCH_MAX);
		nb = ksc_profile_target_arches(b, host, tb, _KSC_ARCH_MAX);
		if (na != nb || memcmp(ta, tb, na * sizeof(ta[0])) != 0)
			return false;
	}
	for (size_t i = 0; i < ksc_profile_rule_count(a); i++)
		if (!rules_equal(ksc_profile_rule(a, i), ksc_profile_rule(b, i)))
			return false;
	return true;
}

static void
check_facts(const char *path, const struct ksc_profile *p)
{
	for (size_t i = 0; i < sizeof(facts) / sizeof(facts[0]); i++) {
		size_t n = strlen(path), m = strlen(facts[i].file), names = 0;

		if (n < m || strcmp(path + n - m, facts[i].file) != 0)
			continue;
		is_int(ksc_profile_default_action(p), facts[i].default_action, "%s: defaultAction",
		       facts[i].file);
		is_int(ksc_profile_default_errno(p), facts[i].default_errno, "%s: defaultErrnoRet",
		       facts[i].file);
		if (facts[i].rules)
			is_int(ksc_profile_rule_count(p), facts[i].rules, "%s: rule count",
			       facts[i].file);
		for (size_t r = 0; r < ksc_profile_rule_count(p); r++)
			names += ksc_rule_name_count(ksc_profile_rule(p, r));
		if (facts[i].names)
			is_int(names, facts[i].names, "%s: syscall names", facts[i].file);
	}
}

static void
check_profile(const char *path)
{
	struct ksc_profile_parse_opts opts = { .native_arch = KSC_ARCH_X86_64 };
	struct ksc_profile *p = NULL, *q = NULL;
	struct ksc_error *e = NULL;
	char *text = NULL, *again = NULL;
	size_t len = 0, len2 = 0;
	int r;

	r = ksc_profile_load(path, &opts, &p, NULL, &e);
	if (!ok(r == 0, "%s validates", path)) {
		printf("#   %s\n", ksc_error_message(e));
		ksc_error_free(e);
		return;
	}
	check_facts(path, p);
	r = ksc_profile_write_json(p, &text, &len);
	ok(r == 0, "%s: fmt writes", path);
	r = ksc_profile_parse(path, text, len, &opts, &q, NULL, &e);
	if (ok(r == 0, "%s: fmt output validates", path)) {
		ok(profiles_equal(p, q), "%s: fmt output means the same", path);
		ksc_profile_write_json(q, &again, &len2);
		is_str(again, text, "%s: fmt is idempotent", path);
	} else {
		printf("#   %s\n", ksc_error_message(e));
		ksc_error_free(e);
	}
	ksc_profile_free(p);
	ksc_profile_free(q);
	free(text);
	free(again);
}

static int
walk(const char *dir)
{
	struct dirent **entries = NULL;
	int n = scandir(dir, &entries, NULL, alphasort), count = 0;

	for (int i = 0; i < n; i++) {
		const char *name = entries[i]->d_name;
		char *path = NULL;
		struct stat st;

		if (name[0] != '.' && asprintf(&path, "%s/%s", dir, name) >= 0) {
			if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
				count += walk(path);
			else if (strlen(name) > 5 &&
			         strcmp(name + strlen(name) - 5, ".json") == 0) {
				check_profile(path);
				count++;
			}
		}
		free(path);
		free(entries[i]);
	}
	free(entries);
	return count;
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR [SYSTEM_PROFILE...]\n", argv[0]);
		return 2;
	}
	ok(walk(argv[1]) >= 13, "found the fixture profiles under %s", argv[1]);
	for (int i = 2; i < argc; i++) {
		if (access(argv[i], R_OK) < 0) {
			/* Installed by the README's setup (golang-github-containers-common). */
			printf("ok %u - %s # SKIP not installed\n", ++tap_count_, argv[i]);
			continue;
		}
		check_profile(argv[i]);
	}
	return tap_done();
}
