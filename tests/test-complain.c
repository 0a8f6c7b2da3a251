/* SPDX-License-Identifier: Apache-2.0 */
/*
 * complain: a profile in complain mode logs every call the original denies and decides every
 * other call as the original does. Checked with the filter model on its own inputs (every
 * syscall number of the profile's architectures, arguments at and around every constant of
 * both profiles), not with the comparison ksc_profile_complain() checks itself with: for
 * the real profiles we carry, RuntimeDefault of each flavour, random colliding profiles and
 * small profiles made for one rule each (flags, errno fields, notes, runc's ENOSYS stub, the
 * rewriting of overlapping rules and where it is refused).
 *
 * Usage: test-complain FIXTURES DEFAULTS_DIR
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ksc-cleanup.h"
#include "random-profile.h"
#include "tap.h"

#define MAX_INPUTS 4096

static bool
allows(uint32_t ret)
{
	uint32_t action = ret & KSC_RET_ACTION_FULL;

	return action == KSC_RET_ALLOW || action == KSC_RET_LOG || action == KSC_RET_USER_NOTIF;
}

/* The argument vectors to try on one syscall: all zero, all ones, and for every rule of
 * either profile that names it, each constant and its neighbours alone at its index, and
 * all of a rule's constants together. */
struct inputs {
	uint64_t args[MAX_INPUTS][6];
	size_t n;
};

static void
add_input(struct inputs *in, const uint64_t args[6])
{
	if (in->n < MAX_INPUTS)
		memcpy(in->args[in->n++], args, sizeof(in->args[0]));
}

static bool
rule_names(const struct ksc_rule *rule, const char *name)
{
	for (size_t i = 0; i < ksc_rule_name_count(rule); i++)
		if (strcmp(ksc_rule_name(rule, i), name) == 0)
			return true;
	return false;
}

static void
rule_inputs(struct inputs *in, const struct ksc_rule *rule)
{
	static const int64_t deltas[] = { -1, 0, 1 };
	uint64_t together[3][6] = { { 0 } };

	for (size_t k = 0; k < ksc_rule_arg_count(rule); k++) {
		uint32_t index;
		enum ksc_op op;
		uint64_t value, value_two;

		if (ksc_rule_arg(rule, k, &index, &op, &value, &value_two) < 0 || index > 5)
			continue;
		if (op == KSC_OP_MASKED_EQ)
			value = value_two | (~value & 0x5555555555555555ull);
		for (size_t d = 0; d < ELEMENTSOF(deltas); d++) {
			uint64_t args[6] = { 0 };

			args[index] = value + (uint64_t)deltas[d];
			add_input(in, args);
			args[index] ^= 0xffffffff00000000ull; /* the other high word */
			add_input(in, args);
			together[d][index] = value + (uint64_t)deltas[d];
		}
	}
	for (size_t d = 0; d < ELEMENTSOF(deltas); d++)
		add_input(in, together[d]);
}

static void
syscall_inputs(struct inputs *in, const struct ksc_profile *const *ps, size_t n_ps,
               const char *name)
{
	static const uint64_t zeros[6] = { 0 };
	static const uint64_t ones[6] = { UINT64_MAX, UINT64_MAX, UINT64_MAX,
		                          UINT64_MAX, UINT64_MAX, UINT64_MAX };

	in->n = 0;
	add_input(in, zeros);
	add_input(in, ones);
	/* small first arguments: socketcall(2) and ipc(2) call numbers, file descriptors */
	for (uint64_t v = 1; v <= 20; v++) {
		uint64_t args[6] = { v };

		add_input(in, args);
	}
	for (size_t p = 0; p < n_ps && name; p++)
		for (size_t i = 0; i < ksc_profile_rule_count(ps[p]); i++)
			if (rule_names(ksc_profile_rule(ps[p], i), name))
				rule_inputs(in, ksc_profile_rule(ps[p], i));
}

/* What the complain profile must decide where the original (with runc's stub) decides ret. */
static uint32_t
expected(const struct ksc_filter *no_stub, const struct ksc_seccomp_data *d, uint32_t ret,
         const struct ksc_decision *dec)
{
	struct ksc_decision beneath;
	uint32_t under;

	if (dec->by == KSC_DECIDED_BY_BAD_ARCH || allows(ret))
		return ret;
	if (dec->by != KSC_DECIDED_BY_STUB)
		return KSC_RET_LOG;
	/* complain mode has no stub: the default (which denied: LOG) decides, or the rule the
	 * stub answered ahead of (x86's direct socket calls above the names it resolves) */
	under = ksc_filter_decide(no_stub, d, &beneath);
	return beneath.by == KSC_DECIDED_BY_RULE && allows(under) ? under : KSC_RET_LOG;
}

struct verdict {
	size_t inputs, wrong, denials;
	struct ksc_seccomp_data first;
	uint32_t got, want;
};

static void
check_arch(struct verdict *v, struct inputs *in, const struct ksc_filter *fo,
           const struct ksc_filter *fo_ns, const struct ksc_filter *fc,
           const struct ksc_profile *const *ps, enum ksc_arch arch)
{
	size_t count = ksc_syscall_count(arch);
	uint32_t base = 0, last = 0, token = ksc_arch_audit_token(arch);

	if (count == 0)
		return;
	(void)ksc_syscall_by_index(arch, 0, NULL, &base);
	(void)ksc_syscall_by_index(arch, count - 1, NULL, &last);
	if (arch == KSC_ARCH_X32)
		base = KSC_X32_SYSCALL_BIT;
	for (uint32_t nr = base; nr <= MIN(last, base + 1024) + 64; nr++) {
		syscall_inputs(in, ps, 2, ksc_syscall_name(arch, nr));
		for (size_t i = 0; i < in->n; i++) {
			struct ksc_seccomp_data d = { .nr = (int32_t)nr, .arch = token };
			struct ksc_decision dec;
			uint32_t ro, rc, want;

			memcpy(d.args, in->args[i], sizeof(d.args));
			ro = ksc_filter_decide(fo, &d, &dec);
			rc = ksc_filter_decide(fc, &d, NULL);
			want = expected(fo_ns, &d, ro, &dec);
			v->inputs++;
			v->denials += !allows(ro);
			if (rc == want)
				continue;
			if (v->wrong++ == 0) {
				v->first = d;
				v->got = rc;
				v->want = want;
			}
		}
	}
}

/* Where comp decides otherwise than orig in complain mode, call by call, on every arch
 * orig's filter covers. False when a filter cannot be built. */
static bool
complain_verdict(const struct ksc_profile *orig, const struct ksc_profile *comp, struct verdict *v)
{
	static struct inputs in;
	_cleanup_(ksc_filter_freep) struct ksc_filter *fo = NULL, *fo_ns = NULL, *fc = NULL;
	struct ksc_compile_opts no_stub = { .no_enosys_stub = true };
	const struct ksc_profile *ps[2] = { orig, comp };
	enum ksc_arch arches[_KSC_ARCH_MAX];
	size_t n;

	*v = (struct verdict){ 0 };
	if (ksc_filter_new(orig, NULL, &fo, NULL, NULL) < 0 ||
	    ksc_filter_new(orig, &no_stub, &fo_ns, NULL, NULL) < 0 ||
	    ksc_filter_new(comp, NULL, &fc, NULL, NULL) < 0)
		return false;
	n = ksc_compile_arches(orig, NULL, arches, ELEMENTSOF(arches));
	for (size_t i = 0; i < n; i++)
		check_arch(v, &in, fo, fo_ns, fc, ps, arches[i]);
	return true;
}

/* Whether comp is orig in complain mode (one TAP line). */
static bool
decides_as_complain(const char *what, const struct ksc_profile *orig,
                    const struct ksc_profile *comp)
{
	struct verdict v;

	if (!complain_verdict(orig, comp, &v))
		return ok(false, "%s: the filters build", what);
	if (v.wrong) {
		char got[32], want[32];
		enum ksc_arch arch = KSC_ARCH_NONE;

		ksc_ret_format(v.got, got, sizeof(got));
		ksc_ret_format(v.want, want, sizeof(want));
		(void)ksc_arch_from_audit_token(v.first.arch, (uint32_t)v.first.nr, &arch);
		tap_diagf("%s: %s nr %d args 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64
		          ": complain mode decides %s, must decide %s (%zu such)",
		          what, ksc_arch_name(arch), v.first.nr, v.first.args[0], v.first.args[1],
		          v.first.args[2], got, want, v.wrong);
	}
	return ok(v.wrong == 0 && v.inputs > 0,
	          "%s: complain mode logs its %zu denials and keeps its other decisions (%zu "
	          "inputs)",
	          what, v.denials, v.inputs);
}

static struct ksc_profile *
parse(const char *json)
{
	struct ksc_profile *p = NULL;

	if (ksc_profile_parse("test.json", json, strlen(json), NULL, &p, NULL, NULL) < 0)
		return NULL;
	return p;
}

static char *
to_json(const struct ksc_profile *p)
{
	char *text = NULL;
	size_t len = 0;

	if (!p || ksc_profile_write_json(p, &text, &len) < 0)
		return NULL;
	return text;
}

/* The complain profile's canonical text is a fixed point of parse and write, and complain
 * mode of it changes nothing. */
static void
check_text(const char *what, const struct ksc_profile *comp)
{
	_cleanup_(ksc_profile_freep) struct ksc_profile *again = NULL, *twice = NULL;
	_cleanup_(freep) char *text = to_json(comp), *reparsed = NULL, *twice_text = NULL;

	again = text ? parse(text) : NULL;
	reparsed = to_json(again);
	ok(reparsed && strcmp(text, reparsed) == 0,
	   "%s: the complain profile validates and its "
	   "JSON is canonical",
	   what);
	if (again && ksc_profile_complain(again, NULL, &twice, NULL, NULL) == 0)
		twice_text = to_json(twice);
	is_str(twice_text, text, "%s: complain mode of the complain profile changes nothing", what);
}

static bool
is_template(const struct ksc_profile *p)
{
	for (size_t i = 0; i < ksc_profile_rule_count(p); i++)
		if (ksc_rule_is_conditional(ksc_profile_rule(p, i)))
			return true;
	return false;
}

/* A real profile: complain mode of it decides as it must, or a template whose overlapping
 * rules (read as runc reads them, includes/excludes ignored) cannot be rewritten is
 * refused. */
static void
check_profile(const char *what, const struct ksc_profile *p)
{
	_cleanup_(ksc_profile_freep) struct ksc_profile *comp = NULL;
	_cleanup_(ksc_error_freep) struct ksc_error *error = NULL;
	int r = ksc_profile_complain(p, NULL, &comp, NULL, &error);

	if (r == -EDOM && is_template(p)) {
		ok(strstr(ksc_error_message(error), "template") != NULL,
		   "%s: a template whose overlapping rules cannot be rewritten is refused (%s)",
		   what, ksc_error_message(error));
		return;
	}
	if (!ok(r == 0, "%s: complain mode of it", what)) {
		tap_diagf("%d %s", r, error ? ksc_error_message(error) : "");
		return;
	}
	decides_as_complain(what, p, comp);
	check_text(what, comp);
}

static void
walk(const char *dir, const char *rel, size_t *count)
{
	struct dirent **entries = NULL;
	int n = scandir(dir, &entries, NULL, alphasort);

	for (int i = 0; i < n; i++) {
		char path[4096], sub[4096];
		struct stat st;
		size_t len = strlen(entries[i]->d_name);

		snprintf(path, sizeof(path), "%s/%s", dir, entries[i]->d_name);
		snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", entries[i]->d_name);
		if (entries[i]->d_name[0] == '.' || stat(path, &st) < 0) {
			free(entries[i]);
			continue;
		}
		if (S_ISDIR(st.st_mode))
			walk(path, sub, count);
		else if (len > 5 && strcmp(entries[i]->d_name + len - 5, ".json") == 0) {
			_cleanup_(ksc_profile_freep) struct ksc_profile *p = NULL;

			if (ksc_profile_load(path, NULL, &p, NULL, NULL) == 0) {
				check_profile(sub, p);
				(*count)++;
			}
		}
		free(entries[i]);
	}
	free(entries);
}

static void
test_defaults(void)
{
	static const char *const caps[] = { "default", "all", "none" };

	for (int fl = KSC_FLAVOR_CONTAINERD; fl <= KSC_FLAVOR_PODMAN; fl++)
		for (size_t c = 0; c < ELEMENTSOF(caps); c++) {
			_cleanup_(ksc_profile_freep) struct ksc_profile *p = NULL;
			struct ksc_expand_opts opts = { .kernel_major = 6, .kernel_minor = 1 };
			char what[96];

			snprintf(what, sizeof(what), "RuntimeDefault %s, caps %s",
			         ksc_flavor_name((enum ksc_flavor)fl), caps[c]);
			if (!ok(ksc_caps_parse(caps[c], &opts.caps, NULL) == 0 &&
			                ksc_default_profile((enum ksc_flavor)fl, &opts, &p, NULL) ==
			                        0,
			        "%s: expands", what))
				continue;
			check_profile(what, p);
		}
}

/* Random colliding profiles: complain mode either decides as it must, or is refused with
 * EDOM; some of them need their rules rewritten and get them. */
static void
test_random(unsigned count)
{
	size_t made = 0, refused = 0, rewritten = 0, wrong = 0, failed = 0;

	for (unsigned i = 0; i < count; i++) {
		_cleanup_(freep) char *json = random_profile();
		_cleanup_(ksc_profile_freep) struct ksc_profile *p = parse(json), *comp = NULL;
		_cleanup_(ksc_filter_freep) struct ksc_filter *f = NULL;
		_cleanup_(ksc_diags_freep) struct ksc_diags *diags = ksc_diags_new();
		_cleanup_(ksc_error_freep) struct ksc_error *error = NULL;
		struct verdict v;
		int r;

		/* profiles runc would refuse, or that libseccomp loops on, have no decisions */
		if (!p || ksc_filter_new(p, NULL, &f, NULL, NULL) < 0)
			continue;
		r = ksc_profile_complain(p, NULL, &comp, diags, &error);
		if (r == -EDOM) {
			if (getenv("KSC_TEST_VERBOSE"))
				tap_diagf("random %u refused: %s", i, ksc_error_message(error));
			refused++;
			continue;
		}
		if (r < 0) {
			if (failed++ < 5)
				tap_diagf("random %u: %d %s\n%s", i, r,
				          error ? ksc_error_message(error) : "", json);
			continue;
		}
		made++;
		for (size_t k = 0; k < ksc_diags_count(diags); k++)
			rewritten +=
			        strstr(ksc_diag_reason(ksc_diags_get(diags, k)), "are rewritten") ||
			        strstr(ksc_diag_reason(ksc_diags_get(diags, k)), "are left out");
		if (!complain_verdict(p, comp, &v) || v.wrong > 0) {
			if (wrong++ == 0)
				tap_diagf("random %u: %zu inputs decided wrong\n%s", i, v.wrong,
				          json);
		}
	}
	tap_diagf("random profiles: %zu in complain mode (%zu syscalls rewritten), %zu refused",
	          made, rewritten, refused);
	ok(made > 0 && wrong == 0 && failed == 0,
	   "random profiles in complain mode decide as they must (%zu wrong, %zu failed)", wrong,
	   failed);
	ok(rewritten > 0, "some random profiles get a syscall's rules rewritten (%zu)", rewritten);
}

/* ---------------------------------------------------------------------------------------- */
/* One behaviour each                                                                        */

struct made {
	struct ksc_profile *orig, *comp;
	struct ksc_diags *diags;
	struct ksc_error *error;
	char *text;
	int r;
};

static void
made_done(struct made *m)
{
	ksc_profile_free(m->orig);
	ksc_profile_free(m->comp);
	ksc_diags_free(m->diags);
	ksc_error_free(m->error);
	free(m->text);
}

static void
make(struct made *m, const char *json, const struct ksc_complain_opts *opts)
{
	*m = (struct made){ .orig = parse(json), .diags = ksc_diags_new() };
	m->r = m->orig ? ksc_profile_complain(m->orig, opts, &m->comp, m->diags, &m->error)
	               : -EBADMSG;
	if (m->r == 0)
		m->text = to_json(m->comp);
	if (m->r < 0)
		tap_diagf("%d %s", m->r, m->error ? ksc_error_message(m->error) : "(no message)");
}

/* The notes, "PATH: REASON" joined with " | ". */
static const char *
notes(const struct made *m)
{
	static char buf[4096];
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ksc_diags_count(m->diags); i++) {
		const struct ksc_diag *d = ksc_diags_get(m->diags, i);

		len += (size_t)snprintf(buf + len, sizeof(buf) - MIN(len, sizeof(buf)), "%s%s: %s",
		                        i ? " | " : "", ksc_diag_path(d), ksc_diag_reason(d));
		if (len >= sizeof(buf))
			break;
	}
	return buf;
}

static void
test_actions(void)
{
	static const char *const denying[] = { "SCMP_ACT_ERRNO",       "SCMP_ACT_KILL",
		                               "SCMP_ACT_KILL_THREAD", "SCMP_ACT_KILL_PROCESS",
		                               "SCMP_ACT_TRAP",        "SCMP_ACT_TRACE" };

	for (size_t i = 0; i < ELEMENTSOF(denying); i++) {
		_cleanup_(made_done) struct made m = { 0 };
		char json[512];
		bool errno_ok = i == 0 || i == ELEMENTSOF(denying) - 1;

		snprintf(json, sizeof(json),
		         "{\"defaultAction\": \"%s\"%s, \"syscalls\": [{\"names\": [\"read\"], "
		         "\"action\": \"SCMP_ACT_ALLOW\"}, {\"names\": [\"mkdir\"], \"action\": "
		         "\"%s\"%s, \"args\": [{\"index\": 1, \"value\": 7, \"op\": "
		         "\"SCMP_CMP_GT\"}]}]}",
		         denying[i], errno_ok ? ", \"defaultErrnoRet\": 38" : "",
		         denying[(i + 1) % ELEMENTSOF(denying)],
		         (i + 1) % ELEMENTSOF(denying) == 0 ? ", \"errnoRet\": 13" : "");
		make(&m, json, NULL);
		if (!ok(m.r == 0, "default %s: complain mode", denying[i]))
			continue;
		ok(ksc_profile_default_action(m.comp) == KSC_ACT_LOG &&
		           ksc_profile_default_errno(m.comp) == -1,
		   "default %s becomes SCMP_ACT_LOG without defaultErrnoRet", denying[i]);
		ok(ksc_rule_action(ksc_profile_rule(m.comp, 0)) == KSC_ACT_ALLOW &&
		           ksc_rule_action(ksc_profile_rule(m.comp, 1)) == KSC_ACT_LOG &&
		           ksc_rule_errno(ksc_profile_rule(m.comp, 1)) == -1 &&
		           ksc_rule_arg_count(ksc_profile_rule(m.comp, 1)) == 1,
		   "rule %s becomes SCMP_ACT_LOG with its args, without errnoRet; ALLOW stays",
		   denying[(i + 1) % ELEMENTSOF(denying)]);
		is_str(notes(&m), "", "default %s: no note", denying[i]);
		decides_as_complain(denying[i], m.orig, m.comp);
	}
}

static void
test_kept(void)
{
	_cleanup_(made_done) struct made m = { 0 };
	static const char json[] =
	        "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrno\": \"ENOSYS\", "
	        "\"listenerPath\": \"/run/agent.sock\", \"listenerMetadata\": \"meta\", "
	        "\"syscalls\": ["
	        "{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_NOTIFY\"},"
	        "{\"names\": [\"getpid\"], \"action\": \"SCMP_ACT_LOG\"},"
	        "{\"names\": [\"chmod\"], \"action\": \"SCMP_ACT_ERRNO\", \"errno\": \"EPERM\", "
	        "\"comment\": \"why\", \"x-unknown\": [1, 2]},"
	        "{\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": "
	        "[{\"index\": 0, \"value\": 8, \"op\": \"SCMP_CMP_EQ\"}]}]}";

	make(&m, json, NULL);
	if (!ok(m.r == 0, "NOTIFY, LOG, ERRNO with errno names: complain mode"))
		return;
	ok(strstr(m.text, "\"listenerPath\": \"/run/agent.sock\"") &&
	           strstr(m.text, "\"listenerMetadata\": \"meta\"") &&
	           strstr(m.text, "\"action\": \"SCMP_ACT_NOTIFY\"") &&
	           ksc_rule_action(ksc_profile_rule(m.comp, 1)) == KSC_ACT_LOG &&
	           ksc_rule_action(ksc_profile_rule(m.comp, 3)) == KSC_ACT_ALLOW &&
	           ksc_rule_arg_count(ksc_profile_rule(m.comp, 3)) == 1,
	   "NOTIFY (listenerPath, listenerMetadata), LOG and ALLOW with args stay");
	ok(!strstr(m.text, "\"errno\"") && !strstr(m.text, "\"defaultErrno\"") &&
	           strstr(m.text, "\"comment\": \"why\"") && strstr(m.text, "\"x-unknown\""),
	   "errno and defaultErrno (names) go with the denials; comments and unknown keys stay");
	decides_as_complain("NOTIFY, LOG, ERRNO", m.orig, m.comp);
}

static void
test_flags(void)
{
	static const struct {
		const char *flags; /* the "flags" member, or "" */
		bool no_flags;
		const char *want; /* in the complain profile's text, or NULL: no "flags" */
		const char *note; /* part of the flags note, or NULL: none */
	} cases[] = {
		{ "", false,
		  "\"flags\": [\n    \"SECCOMP_FILTER_FLAG_SPEC_ALLOW\",\n    "
		  "\"SECCOMP_FILTER_FLAG_LOG\"\n  ]",
		  NULL },
		{ ", \"flags\": []", false, "\"flags\": [\n    \"SECCOMP_FILTER_FLAG_LOG\"\n  ]",
		  NULL },
		{ ", \"flags\": [\"SECCOMP_FILTER_FLAG_TSYNC\"]", false,
		  "\"flags\": [\n    \"SECCOMP_FILTER_FLAG_TSYNC\",\n    "
		  "\"SECCOMP_FILTER_FLAG_LOG\"\n  ]",
		  NULL },
		{ ", \"flags\": [\"SECCOMP_FILTER_FLAG_LOG\"]", false,
		  "\"flags\": [\n    \"SECCOMP_FILTER_FLAG_LOG\"\n  ]", NULL },
		{ "", true, NULL, "SECCOMP_FILTER_FLAG_LOG is left out: runc 1.1.5 refuses" },
		{ ", \"flags\": []", true, "\"flags\": []", "SECCOMP_FILTER_FLAG_LOG is left out" },
		{ ", \"flags\": [\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\"]", true,
		  "\"flags\": [\n    \"SECCOMP_FILTER_FLAG_SPEC_ALLOW\",\n    "
		  "\"SECCOMP_FILTER_FLAG_LOG\"\n  ]",
		  "runc 1.1.5 refuses any seccomp flags: it refuses this profile for them" },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_(made_done) struct made m = { 0 };
		struct ksc_complain_opts opts = { .no_flags = cases[i].no_flags,
			                          .runtime = "runc 1.1.5" };
		char json[256];

		snprintf(json, sizeof(json),
		         "{\"defaultAction\": \"SCMP_ACT_ERRNO\"%s, \"syscalls\": [{\"names\": "
		         "[\"read\"], \"action\": \"SCMP_ACT_ALLOW\"}]}",
		         cases[i].flags);
		make(&m, json, &opts);
		if (!ok(m.r == 0, "flags '%s'%s: complain mode", cases[i].flags,
		        cases[i].no_flags ? " (no flags)" : ""))
			continue;
		if (cases[i].want)
			ok(strstr(m.text, cases[i].want) != NULL, "flags '%s'%s: %s",
			   cases[i].flags, cases[i].no_flags ? " (no flags)" : "", cases[i].want);
		else
			ok(strstr(m.text, "\"flags\"") == NULL, "flags '%s' (no flags): still none",
			   cases[i].flags);
		if (cases[i].note)
			ok(strstr(notes(&m), cases[i].note) &&
			           strncmp(notes(&m), "flags: ", 7) == 0,
			   "flags '%s': a note: %s", cases[i].flags, notes(&m));
		else
			is_str(notes(&m), "", "flags '%s': no note", cases[i].flags);
	}
}

static void
test_notes(void)
{
	static const struct {
		const char *json;
		const char *note;
	} cases[] = {
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], "
		  "\"action\": \"SCMP_ACT_LOG\"}]}",
		  "defaultAction: SCMP_ACT_ALLOW, and no rule denies a call: complain mode changes "
		  "no "
		  "decision" },
		{ "{\"defaultAction\": \"SCMP_ACT_LOG\"}",
		  "defaultAction: SCMP_ACT_LOG, and no rule denies a call: complain mode changes "
		  "no "
		  "decision" },
		{ "{\"defaultAction\": \"SCMP_ACT_LOG\", \"syscalls\": [{\"names\": [\"ptrace\"], "
		  "\"action\": \"SCMP_ACT_KILL_PROCESS\"}]}",
		  "defaultAction: already SCMP_ACT_LOG: complain mode only logs the calls the "
		  "rules "
		  "deny" },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_(made_done) struct made m = { 0 };

		make(&m, cases[i].json, NULL);
		if (ok(m.r == 0, "note %zu: complain mode", i))
			is_str(notes(&m), cases[i].note, "note %zu", i);
		if (m.r == 0 && i == 2)
			ok(ksc_rule_action(ksc_profile_rule(m.comp, 0)) == KSC_ACT_LOG,
			   "under a LOG default, a KILL_PROCESS rule becomes LOG (and runc leaves "
			   "it "
			   "out)");
	}
}

/* runc's stub answers ENOSYS above the largest number the profile names: logged now. */
static void
test_stub(void)
{
	_cleanup_(made_done) struct made m = { 0 };
	_cleanup_(ksc_filter_freep) struct ksc_filter *fo = NULL, *fc = NULL;
	struct ksc_seccomp_data d = { .arch = ksc_arch_audit_token(KSC_ARCH_X86_64) };
	struct ksc_decision dec;
	uint32_t nr, ro, rc;

	make(&m,
	     "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": "
	     "[\"SCMP_ARCH_X86_64\"], \"syscalls\": [{\"names\": [\"read\", \"write\"], "
	     "\"action\": \"SCMP_ACT_ALLOW\"}]}",
	     NULL);
	if (!ok(m.r == 0 && ksc_syscall_resolve_name(KSC_ARCH_X86_64, "getpid", &nr) == 0 &&
	                ksc_filter_new(m.orig, NULL, &fo, NULL, NULL) == 0 &&
	                ksc_filter_new(m.comp, NULL, &fc, NULL, NULL) == 0,
	        "stub: complain mode"))
		return;
	d.nr = (int32_t)nr;
	ro = ksc_filter_decide(fo, &d, &dec);
	rc = ksc_filter_decide(fc, &d, NULL);
	ok(dec.by == KSC_DECIDED_BY_STUB && ro == (KSC_RET_ERRNO | ENOSYS) && rc == KSC_RET_LOG,
	   "getpid, above the profile's last number: ENOSYS from runc's stub, LOG in complain "
	   "mode");
}

/* A denying rule libseccomp lets take precedence over an allowing one would vanish (runc
 * leaves out a rule whose action is the default): the syscall's rules are rewritten. */
static void
test_rewrite(void)
{
	/* Podman's RuntimeDefault for a container without CAP_AUDIT_WRITE (socketcall allowed,
	 * as there: libseccomp adds x86's socket rules to it with arg0 the call number, and
	 * would refuse two of them with different actions) */
	static const char overlap[] =
	        "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38, "
	        "\"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"], "
	        "\"syscalls\": [{\"names\": [\"write\", \"socketcall\"], \"action\": "
	        "\"SCMP_ACT_ALLOW\"}, "
	        "{\"names\": [\"socket\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 1, "
	        "\"args\": [{\"index\": 0, \"value\": 40, \"op\": "
	        "\"SCMP_CMP_EQ\"}]},"
	        "{\"names\": [\"socket\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 22, "
	        "\"args\": [{\"index\": 0, \"value\": 16, \"op\": \"SCMP_CMP_EQ\"}, "
	        "{\"index\": 2, \"value\": 9, \"op\": \"SCMP_CMP_EQ\"}]},"
	        "{\"names\": [\"socket\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": "
	        "[{\"index\": 0, \"value\": 16, \"op\": \"SCMP_CMP_EQ\"}, {\"index\": 2, "
	        "\"value\": 9, \"op\": \"SCMP_CMP_NE\"}]},"
	        "{\"names\": [\"read\", \"socket\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": "
	        "[{\"index\": 0, \"value\": 16, \"op\": \"SCMP_CMP_NE\"}]}]}";
	_cleanup_(made_done) struct made m = { 0 }, template = { 0 }, ge = { 0 };
	char *json = NULL;

	make(&m, overlap, NULL);
	if (ok(m.r == 0, "overlapping socket rules: complain mode")) {
		ok(strstr(notes(&m), "syscalls[1]: the rules for socket are rewritten as 8 rules "
		                     "that do not overlap") != NULL,
		   "a note says socket's rules are rewritten: %s", notes(&m));
		ok(strstr(m.text, "\"names\": [\n        \"read\"\n      ]") &&
		           strstr(m.text, "complain mode: the rules for socket"),
		   "read keeps its rule; socket's rules say they are rewritten");
		decides_as_complain("overlapping socket rules", m.orig, m.comp);
		check_text("overlapping socket rules", m.comp);
	}

	/* a template's rules are rewritten only once expanded */
	if (asprintf(&json, "%.*s, \"includes\": {\"caps\": [\"CAP_NET_RAW\"]}}]}",
	             (int)(sizeof(overlap) - 4), overlap) < 0)
		abort();
	make(&template, json, NULL);
	free(json);
	ok(template.r == -EDOM && template.error &&
	           strstr(ksc_error_message(template.error), "syscalls[4]: complain mode cannot") &&
	           strstr(ksc_error_message(template.error), "a template's rule"),
	   "a template's overlapping rules are refused at the rule: %s",
	   template.error ? ksc_error_message(template.error) : "");
	ok(template.error && strstr(ksc_error_message(template.error),
	                            "for socket on x86_64 with arguments 0x28 0x0 0x0 it must "
	                            "decide LOG, but decides ALLOW"),
	   "the refusal names the call");

	json = strdup(overlap);
	if (!json)
		abort();
	memcpy(strstr(json, "\"SCMP_CMP_EQ\"}]},"), "\"SCMP_CMP_GE\"}]},", 17);
	make(&ge, json, NULL);
	free(json);
	if (ok(ge.r == 0, "socket denied if arg0 >= 40: complain mode"))
		decides_as_complain("socket denied if arg0 >= 40", ge.orig, ge.comp);
}

/* An unconditional denial ahead of an unconditional allow decides (libseccomp never
 * replaces an unconditional rule): in complain mode the syscall's rules are left out. */
static void
test_left_out(void)
{
	_cleanup_(made_done) struct made m = { 0 };

	make(&m,
	     "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
	     "[\"read\", \"ptrace\"], \"action\": \"SCMP_ACT_KILL_PROCESS\"}, {\"names\": "
	     "[\"ptrace\", \"write\"], \"action\": \"SCMP_ACT_ALLOW\"}]}",
	     NULL);
	if (!ok(m.r == 0, "ptrace killed, then allowed: complain mode"))
		return;
	is_str(notes(&m),
	       "syscalls[0]: the rules for ptrace are left out, so that the default action decides "
	       "its calls: runc leaves out a rule whose action is the default action (SCMP_ACT_LOG "
	       "in complain mode), so a denying rule for it would no longer take precedence over "
	       "the others",
	       "a note says ptrace's rules are left out");
	ok(!strstr(m.text, "ptrace") && strstr(m.text, "\"read\"") && strstr(m.text, "\"write\""),
	   "ptrace is gone from both rules, read and write stay");
	decides_as_complain("ptrace killed, then allowed", m.orig, m.comp);
}

static void
test_refused_original(void)
{
	_cleanup_(made_done) struct made m = { 0 };

	make(&m,
	     "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
	     "[\"fsync\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, "
	     "\"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]}, {\"names\": [\"fsync\"], \"action\": "
	     "\"SCMP_ACT_KILL\", \"args\": [{\"index\": 0, \"value\": 1, \"op\": "
	     "\"SCMP_CMP_EQ\"}]}]}",
	     NULL);
	ok(m.r == -EINVAL && m.error && strstr(ksc_error_message(m.error), "file exists"),
	   "a profile runc refuses (conflicting rules) is refused with runc's reason");
}

int
main(int argc, char **argv)
{
	const char *count_env = getenv("KSC_TEST_PROFILES");
	char dir[4096];
	size_t count = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: %s FIXTURES DEFAULTS_DIR\n", argv[0]);
		return 2;
	}
	rng_state = 0x636f6d706c61696eull;

	test_actions();
	test_kept();
	test_flags();
	test_notes();
	test_stub();
	test_rewrite();
	test_left_out();
	test_refused_original();

	snprintf(dir, sizeof(dir), "%s/profiles", argv[1]);
	walk(dir, "", &count);
	walk(argv[2], "data/defaults", &count);
	ok(count >= 15, "%zu real profiles", count);
	test_defaults();
	test_random(count_env ? (unsigned)strtoul(count_env, NULL, 0) : 400);
	return tap_done();
}
