/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A tiny TAP producer for the unit tests. Each check prints "ok N - what" or "not ok N - what"
 * with the location and the values that differed; tap_done() prints the plan and returns the
 * exit status (1 if anything failed). meson runs the tests with protocol 'tap'.
 */
#pragma once

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static unsigned tap_count_;
static unsigned tap_failed_;

__attribute__((format(printf, 4, 5))) static inline bool
tap_check_(bool ok, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	tap_count_++;
	if (!ok)
		tap_failed_++;
	char desc[512];

	printf("%s %u - ", ok ? "ok" : "not ok", tap_count_);
	va_start(ap, fmt);
	vsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);
	/* One line per result: escape newlines, and '#', which starts a TAP directive. */
	for (const char *p = desc; *p; p++) {
		if (*p == '\n')
			fputs("\\n", stdout);
		else if (*p == '#')
			fputs("\\#", stdout);
		else
			putchar(*p);
	}
	printf("\n");
	if (!ok)
		printf("# failed at %s:%d\n", file, line);
	fflush(stdout);
	return ok;
}

/* ok(cond, "name %d", ...) */
#define ok(cond, ...) tap_check_(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

#define is_int(got, want, ...)                                                   \
	({                                                                       \
		long long g_ = (long long)(got), w_ = (long long)(want);         \
		bool r_ = tap_check_(g_ == w_, __FILE__, __LINE__, __VA_ARGS__); \
		if (!r_)                                                         \
			printf("#   got: %lld\n#  want: %lld\n", g_, w_);        \
		r_;                                                              \
	})

#define is_str(got, want, ...)                                                            \
	({                                                                                \
		const char *g_ = (got), *w_ = (want);                                     \
		bool r_ = tap_check_(g_ && w_ ? strcmp(g_, w_) == 0 : g_ == w_, __FILE__, \
		                     __LINE__, __VA_ARGS__);                              \
		if (!r_)                                                                  \
			printf("#   got: %s\n#  want: %s\n", g_ ? g_ : "(null)",          \
			       w_ ? w_ : "(null)");                                       \
		r_;                                                                       \
	})

static inline void
tap_diag(const char *msg)
{
	printf("# %s\n", msg);
}

/* A formatted diagnostic line. */
__attribute__((format(printf, 1, 2))) static inline void
tap_diagf(const char *fmt, ...)
{
	char buf[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	tap_diag(buf);
}

static inline int
tap_done(void)
{
	printf("1..%u\n", tap_count_);
	if (tap_failed_)
		printf("# %u of %u checks failed\n", tap_failed_, tap_count_);
	return tap_failed_ ? 1 : 0;
}
