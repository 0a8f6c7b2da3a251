/* SPDX-License-Identifier: Apache-2.0 */
/*
 * BPF tables, in the style of libseccomp's .tests files: a profile, then lines saying what
 * the program compiled from it (KSC_BACKEND_LIBSECCOMP, as runc compiles it) must return for
 * a syscall on an architecture with given arguments. Each line is checked by running the
 * program on the seccomp_data the kernel would build, with ksc_bpf_run(), and comparing
 * ksc_ret_format()'s text; the native backend's program (KSC_BACKEND_NATIVE) and the filter
 * model (ksc_filter_decide()) must say the same. The expectations come from the runtime
 * semantics (runc 1.1.5,
 * libseccomp 2.5.4, the kernel), never from what the program happened to print.
 *
 * Usage: test-bpf-tables DIR
 *
 * Every file of DIR named NAME.table is read, in name order. Prints TAP: one test per table line, whose
 * description starts with FILE:LINE; exits 1 if a line failed that is not a known failure.
 *
 * Table format (tests/bpf-tables/README says the same):
 *
 *   # a comment                    blank lines and lines starting with '#' are ignored
 *   profile:                       starts a section; the profile's JSON follows on the next
 *   { ... }                        lines, up to a line holding only ---
 *   ---
 *   profile-file: PATH             or: starts a section with a profile file; PATH is
 *                                  relative to the table file's directory
 *   native: ARCH                   optional: the host the filter is built for
 *                                  (ksc_compile_opts.native); default x86_64, so that the
 *                                  tables mean the same on every host
 *   arches: ARCH,ARCH              optional: exactly these arches (ksc_compile_opts.arches)
 *                                  instead of native + the profile's `architectures`
 *   ARCH SYSCALL [ARG0 .. ARG5] -> RESULT [# TODO reason]
 *
 * native: and arches: belong to the section they follow and must come before its first test
 * line. ARCH is a name ksc_arch_from_name() accepts (x86_64, x86, x32, aarch64, arm, ...).
 * SYSCALL is a name resolved on ARCH (ksc_syscall_resolve_name()), or a number (decimal or
 * 0x, up to 32 bits: x32 numbers carry 0x40000000). A name that ARCH reaches only through
 * socketcall(2) or ipc(2) (accept on x86) is that multiplexer, with the call number as arg0
 * and the written arguments shifted right by one. Arguments are decimal, 0x hexadecimal or
 * negative (two's complement over 64 bits); missing ones are 0. RESULT is libseccomp's
 * notation: ALLOW, ERRNO(n), KILL_PROCESS, KILL (the thread), TRAP, TRACE(n), LOG, NOTIFY.
 * The seccomp_data is { nr, ksc_arch_audit_token(ARCH), instruction_pointer 0, args }.
 *
 * A line ending with `# TODO reason` is a known failure: it is reported as
 * `not ok N - ... # TODO reason`, which TAP counts as expected; if it passes, it is reported
 * as `ok N - ... # TODO reason` (an unexpected pass, which fails the run: remove the TODO).
 * Any other trailing `# text` is a comment. A mistake in a table (unknown arch or syscall, a
 * malformed RESULT, a profile that does not compile) is a failure, never a skip.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kseccomp.h"
#include "ksc-cleanup.h"

/* Tables are small; a limit keeps a runaway file from eating the machine. */
#define TABLE_MAX_BYTES (4u * 1024u * 1024u)

static unsigned n_tests;
static unsigned n_failed;     /* failures that are not known */
static unsigned n_unexpected; /* known failures that passed */

/* One section: a profile, how to compile it, and the program once compiled. */
struct section {
	unsigned line; /* of its profile: or profile-file: line */
	char *json;    /* inline profile, or NULL */
	char *path;    /* profile file, or NULL */
	enum ksc_arch native;
	enum ksc_arch arches[_KSC_ARCH_MAX];
	size_t n_arches;
	bool tried; /* compiled (or failed to) at its first test line */
	struct ksc_bpf *prog;
	struct ksc_bpf *native_prog; /* the native backend's: must decide alike */
	struct ksc_profile *profile; /* kept for the filter, which borrows it */
	struct ksc_filter *filter;   /* the IR: must decide every line as the program does */
	char *error;                 /* why there is no program */
};

static void
section_reset(struct section *s)
{
	free(s->json);
	free(s->path);
	ksc_bpf_free(s->prog);
	ksc_bpf_free(s->native_prog);
	ksc_filter_free(s->filter);
	ksc_profile_free(s->profile);
	free(s->error);
	*s = (struct section){ .native = KSC_ARCH_X86_64 };
}

/* Print one TAP result. `desc` never holds '#' (the table's comments are cut off). */
static void
report(bool ok, const char *todo, const char *desc)
{
	n_tests++;
	printf("%s %u - %s", ok ? "ok" : "not ok", n_tests, desc);
	if (todo)
		printf(" # TODO %s", todo);
	printf("\n");
	if (!ok && !todo)
		n_failed++;
	if (ok && todo) {
		n_unexpected++;
		printf("# passes now: remove its TODO\n");
	}
}

_printf_(1, 2) static void diag(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	/* One diagnostic line per message line. */
	for (char *line = buf, *nl; line; line = nl) {
		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		printf("# %s\n", line);
	}
}

/* A mistake in the table itself: a failure of its own, whatever the line's TODO says. */
_printf_(3, 4) static void table_error(const char *file, unsigned line, const char *fmt, ...)
{
	char reason[512], desc[700];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	for (char *p = reason; *p; p++)
		if (*p == '#' || *p == '\n')
			*p = ' ';
	snprintf(desc, sizeof(desc), "%s:%u: table error: %s", file, line, reason);
	report(false, NULL, desc);
}

static char *
strip(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

static int
read_file(const char *path, char **ret_text)
{
	_cleanup_(fclosep) FILE *f = fopen(path, "re");
	_cleanup_(freep) char *text = NULL;
	size_t n;

	if (!f)
		return -errno;
	text = malloc(TABLE_MAX_BYTES + 1);
	if (!text)
		return -ENOMEM;
	n = fread(text, 1, TABLE_MAX_BYTES + 1, f);
	if (ferror(f))
		return -EIO;
	if (n > TABLE_MAX_BYTES)
		return -EFBIG;
	text[n] = '\0';
	*ret_text = TAKE_PTR(text);
	return 0;
}

/* An unsigned number, decimal or 0x; or a negative decimal, as two's complement. */
static int
parse_u64(const char *s, uint64_t *ret)
{
	char *end = NULL;

	if (!*s || *s == '+')
		return -EINVAL;
	errno = 0;
	if (*s == '-') {
		long long v = strtoll(s, &end, 0);

		if (errno || *end)
			return -EINVAL;
		*ret = (uint64_t)v;
		return 0;
	}
	*ret = strtoull(s, &end, 0);
	if (errno || *end)
		return -EINVAL;
	return 0;
}

/* RESULT must be in libseccomp's notation: a typo must fail, even on a TODO line. */
static bool
valid_result(const char *r)
{
	static const char *const plain[] = { "ALLOW", "KILL", "KILL_PROCESS",
		                             "TRAP",  "LOG",  "NOTIFY" };
	const char *digits;
	char *end = NULL;
	unsigned long v;

	for (size_t i = 0; i < ELEMENTSOF(plain); i++)
		if (strcmp(r, plain[i]) == 0)
			return true;
	if (strncmp(r, "ERRNO(", 6) == 0)
		digits = r + 6;
	else if (strncmp(r, "TRACE(", 6) == 0)
		digits = r + 6;
	else
		return false;
	if (*digits < '0' || *digits > '9')
		return false;
	errno = 0;
	v = strtoul(digits, &end, 10);
	return errno == 0 && v <= KSC_RET_DATA && strcmp(end, ")") == 0;
}

/* Compile the section's profile, once. On failure s->error says why. */
static void
section_compile(struct section *s, const char *dir, const char *file)
{
	_cleanup_(ksc_profile_freep) struct ksc_profile *profile = NULL;
	_cleanup_(ksc_diags_freep) struct ksc_diags *diags = ksc_diags_new();
	_cleanup_(ksc_error_freep) struct ksc_error *error = NULL;
	struct ksc_profile_parse_opts popts = { .native_arch = s->native };
	struct ksc_compile_opts copts = {
		.backend = KSC_BACKEND_LIBSECCOMP,
		.native = s->native,
		.arches = s->n_arches ? s->arches : NULL,
		.n_arches = s->n_arches,
	};
	char name[512];
	int r;

	s->tried = true;
	if (s->json) {
		snprintf(name, sizeof(name), "%s:%u (profile)", file, s->line);
		r = ksc_profile_parse(name, s->json, strlen(s->json), &popts, &profile, diags,
		                      &error);
	} else {
		snprintf(name, sizeof(name), "%s/%s", dir, s->path);
		r = ksc_profile_load(name, &popts, &profile, diags, &error);
	}
	if (r < 0) {
		if (asprintf(&s->error, "profile of line %u does not parse: %s", s->line,
		             error ? ksc_error_message(error) : strerror(-r)) < 0)
			s->error = NULL;
		return;
	}
	r = ksc_profile_compile(profile, &copts, &s->prog, diags, &error);
	if (r < 0) {
		s->prog = NULL;
		if (asprintf(&s->error, "profile of line %u does not compile: %s", s->line,
		             error ? ksc_error_message(error) : strerror(-r)) < 0)
			s->error = NULL;
		return;
	}
	copts.backend = KSC_BACKEND_NATIVE;
	r = ksc_profile_compile(profile, &copts, &s->native_prog, NULL, &error);
	if (r < 0) {
		ksc_bpf_free(s->prog);
		s->prog = s->native_prog = NULL;
		if (asprintf(&s->error, "profile of line %u does not compile natively: %s", s->line,
		             error ? ksc_error_message(error) : strerror(-r)) < 0)
			s->error = NULL;
		return;
	}
	r = ksc_filter_new(profile, &copts, &s->filter, NULL, &error);
	if (r < 0) {
		ksc_bpf_free(s->prog);
		ksc_bpf_free(s->native_prog);
		s->prog = s->native_prog = NULL;
		if (asprintf(&s->error, "the filter of line %u's profile fails: %s", s->line,
		             error ? ksc_error_message(error) : strerror(-r)) < 0)
			s->error = NULL;
		return;
	}
	s->profile = TAKE_PTR(profile);
}

/* One test line: "ARCH SYSCALL [ARGS] -> RESULT", comment already cut off. */
static void
run_line(struct section *s, const char *dir, const char *file, unsigned lineno, char *text,
         const char *todo)
{
	struct ksc_seccomp_data data = { 0 };
	char *arrow, *words[16], *save = NULL, *want;
	char desc[512], got[32], native[32], model[32];
	size_t n_words = 0;
	enum ksc_arch arch;
	uint32_t nr, mux, call;
	int first_arg = 0;

	arrow = strstr(text, "->");
	if (!arrow) {
		table_error(file, lineno, "no '->' in a test line");
		return;
	}
	*arrow = '\0';
	want = strip(arrow + 2);
	if (!valid_result(want)) {
		table_error(file, lineno, "'%s' is not a result in libseccomp's notation", want);
		return;
	}
	for (char *w = strtok_r(text, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if (n_words == ELEMENTSOF(words)) {
			table_error(file, lineno, "too many words");
			return;
		}
		words[n_words++] = w;
	}
	if (n_words < 2) {
		table_error(file, lineno, "expected ARCH SYSCALL [ARGS] -> RESULT");
		return;
	}

	if (ksc_arch_from_name(words[0], &arch) < 0) {
		table_error(file, lineno, "unknown architecture '%s'", words[0]);
		return;
	}
	data.arch = ksc_arch_audit_token(arch);
	if (words[1][0] >= '0' && words[1][0] <= '9') {
		uint64_t v;

		if (parse_u64(words[1], &v) < 0 || v > UINT32_MAX) {
			table_error(file, lineno, "'%s' is not a syscall number", words[1]);
			return;
		}
		data.nr = (int32_t)(uint32_t)v;
	} else if (ksc_syscall_resolve_name(arch, words[1], &nr) == 0) {
		data.nr = (int32_t)nr;
	} else if (ksc_syscall_multiplexed(arch, words[1], &mux, &call) > 0) {
		data.nr = (int32_t)mux;
		data.args[0] = call;
		first_arg = 1;
	} else {
		table_error(file, lineno, "'%s' is not a syscall on %s", words[1], words[0]);
		return;
	}
	if (n_words - 2 + (size_t)first_arg > 6) {
		table_error(file, lineno, "too many arguments for %s", words[1]);
		return;
	}
	for (size_t i = 2; i < n_words; i++) {
		if (parse_u64(words[i], &data.args[first_arg + i - 2]) < 0) {
			table_error(file, lineno, "'%s' is not a number", words[i]);
			return;
		}
	}

	/* The description is the line as written, normalised. */
	{
		size_t len = (size_t)snprintf(desc, sizeof(desc), "%s:%u:", file, lineno);

		for (size_t i = 0; i < n_words && len < sizeof(desc); i++)
			len += (size_t)snprintf(desc + len, sizeof(desc) - len, " %s", words[i]);
		if (len < sizeof(desc))
			snprintf(desc + len, sizeof(desc) - len, " -> %s", want);
	}

	if (!s->tried)
		section_compile(s, dir, file);
	if (!s->prog) {
		report(false, todo, desc);
		diag("%s", s->error ? s->error : "the profile did not compile");
		return;
	}
	ksc_ret_format(ksc_bpf_run(s->prog, &data), got, sizeof(got));
	ksc_ret_format(ksc_bpf_run(s->native_prog, &data), native, sizeof(native));
	ksc_ret_format(ksc_filter_decide(s->filter, &data, NULL), model, sizeof(model));
	report(strcmp(got, want) == 0 && strcmp(native, want) == 0 && strcmp(model, want) == 0,
	       todo, desc);
	if (strcmp(got, want) != 0 || strcmp(native, want) != 0 || strcmp(model, want) != 0) {
		diag("    program: %s", got);
		diag("     native: %s", native);
		diag("  the model: %s", model);
		diag("       want: %s", want);
		diag("  (nr %" PRIi32 ", arch 0x%08" PRIx32 ")", data.nr, data.arch);
	}
}

static bool
has_prefix(char *s, const char *prefix, char **ret_rest)
{
	size_t n = strlen(prefix);

	if (strncmp(s, prefix, n) != 0)
		return false;
	*ret_rest = s + n;
	return true;
}

/* Read and run one table. Returns the number of test lines it held. */
static unsigned
run_table(const char *dir, const char *file)
{
	_cleanup_(freep) char *text = NULL, *path = NULL;
	_cleanup_(freep) char *json = NULL;
	struct section s = { .native = KSC_ARCH_X86_64 };
	size_t json_len = 0, json_cap = 0;
	bool in_section = false, in_json = false, section_has_tests = false;
	unsigned lineno = 0, json_line = 0, n_lines = 0;
	char *line, *next;
	int r;

	if (asprintf(&path, "%s/%s", dir, file) < 0)
		return 0;
	r = read_file(path, &text);
	if (r < 0) {
		table_error(file, 0, "cannot read: %s", strerror(-r));
		return 0;
	}

	for (line = text; line; line = next) {
		char *rest = NULL, *comment, *todo = NULL;
		bool inline_profile;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else if (!*line)
			break;
		lineno++;

		if (in_json) {
			size_t n;

			if (strcmp(strip(line), "---") == 0) {
				in_json = false;
				s.json = TAKE_PTR(json);
				json_len = json_cap = 0;
				continue;
			}
			/* strip() may have cut trailing blanks: harmless inside JSON. */
			n = strlen(line);
			if (json_len + n + 2 > json_cap) {
				size_t cap = (json_cap + n + 2) * 2;
				char *bigger = realloc(json, cap);

				if (!bigger) {
					table_error(file, lineno, "out of memory");
					break;
				}
				json = bigger;
				json_cap = cap;
			}
			memcpy(json + json_len, line, n);
			json_len += n;
			json[json_len++] = '\n';
			json[json_len] = '\0';
			continue;
		}

		comment = strchr(line, '#');
		if (comment) {
			*comment++ = '\0';
			comment = strip(comment);
			if (strncmp(comment, "TODO", 4) == 0 &&
			    (comment[4] == '\0' || comment[4] == ' ' || comment[4] == '\t')) {
				todo = strip(comment + 4);
				if (!*todo)
					todo = "known failure";
			}
		}
		line = strip(line);
		if (!*line) {
			if (todo)
				table_error(file, lineno, "a TODO on a line that tests nothing");
			continue;
		}

		inline_profile = strcmp(line, "profile:") == 0;
		if (inline_profile || has_prefix(line, "profile-file:", &rest)) {
			if (in_section && !section_has_tests)
				table_error(file, s.line, "a profile without test lines");
			section_reset(&s);
			in_section = true;
			section_has_tests = false;
			s.line = lineno;
			if (inline_profile) {
				in_json = true;
				json_line = lineno;
				json = calloc(1, 1);
				if (!json) {
					table_error(file, lineno, "out of memory");
					break;
				}
				json_cap = 1;
			} else {
				rest = strip(rest);
				if (!*rest)
					table_error(file, lineno, "profile-file: without a path");
				s.path = strdup(rest);
			}
			continue;
		}
		if (!in_section) {
			table_error(file, lineno, "'%s' before the first profile", line);
			continue;
		}
		if (has_prefix(line, "native:", &rest)) {
			if (section_has_tests)
				table_error(file, lineno, "native: after a test line");
			else if (ksc_arch_from_name(strip(rest), &s.native) < 0)
				table_error(file, lineno, "unknown architecture '%s'", rest);
			continue;
		}
		if (has_prefix(line, "arches:", &rest)) {
			_cleanup_(freep) char *list = strdup(rest);
			char *save = NULL;

			if (section_has_tests) {
				table_error(file, lineno, "arches: after a test line");
				continue;
			}
			s.n_arches = 0;
			for (char *a = list ? strtok_r(list, ", \t", &save) : NULL; a;
			     a = strtok_r(NULL, ", \t", &save)) {
				if (s.n_arches == ELEMENTSOF(s.arches) ||
				    ksc_arch_from_name(a, &s.arches[s.n_arches]) < 0) {
					table_error(file, lineno, "bad architecture '%s'", a);
					s.n_arches = 0;
					break;
				}
				s.n_arches++;
			}
			if (s.n_arches == 0)
				table_error(file, lineno, "arches: needs a list");
			continue;
		}
		section_has_tests = true;
		n_lines++;
		run_line(&s, dir, file, lineno, line, todo);
	}
	if (in_json)
		table_error(file, json_line, "profile: without its closing ---");
	else if (in_section && !section_has_tests)
		table_error(file, s.line, "a profile without test lines");
	if (n_lines == 0)
		table_error(file, lineno, "no test line");
	section_reset(&s);
	return n_lines;
}

static int
is_table(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 6 && strcmp(d->d_name + n - 6, ".table") == 0;
}

int
main(int argc, char **argv)
{
	struct dirent **list = NULL;
	unsigned n_lines = 0;
	int n;

	if (argc != 2) {
		fprintf(stderr, "usage: %s TABLES_DIRECTORY\n", argv[0]);
		return 2;
	}
	n = scandir(argv[1], &list, is_table, alphasort);
	if (n < 0) {
		printf("Bail out! %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	for (int i = 0; i < n; i++) {
		n_lines += run_table(argv[1], list[i]->d_name);
		free(list[i]);
	}
	free(list);
	/* A run that checked nothing must not pass. */
	if (n_lines == 0)
		table_error(argv[1], 0, "no table line found");

	printf("1..%u\n", n_tests);
	if (n_failed)
		printf("# %u of %u checks failed\n", n_failed, n_tests);
	if (n_unexpected)
		printf("# %u known failures pass now\n", n_unexpected);
	return n_failed || n_unexpected ? 1 : 0;
}
