/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ownership and error helpers shared by the library and the CLI.
 *
 * A variable that owns a resource is declared with a cleanup attribute and initialised; the
 * resource is released when the variable leaves scope unless ownership was moved out with
 * TAKE_PTR()/TAKE_FD().
 */
#pragma once

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define _cleanup_(f)   __attribute__((cleanup(f)))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _unused_       __attribute__((unused))
#define _noreturn_     __attribute__((noreturn))
#define _pure_         __attribute__((pure))
#define _const_        __attribute__((const))
#define _likely_(x)    __builtin_expect(!!(x), 1)
#define _unlikely_(x)  __builtin_expect(!!(x), 0)

#define ELEMENTSOF(a)                                                                             \
	(__builtin_choose_expr(!__builtin_types_compatible_p(__typeof__(a), __typeof__(&(a)[0])), \
	                       sizeof(a) / sizeof((a)[0]), (void)0))

#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* Return the value of a pointer variable and set the variable to NULL: ownership moves. */
#define TAKE_PTR(p)                        \
	({                                 \
		__typeof__(p) _ptr_ = (p); \
		(p) = NULL;                \
		_ptr_;                     \
	})

#define TAKE_FD(fd)              \
	({                       \
		int _fd_ = (fd); \
		(fd) = -1;       \
		_fd_;            \
	})

/* Define a cleanup function freep() for a type whose destructor is free(). */
#define DEFINE_TRIVIAL_CLEANUP_FUNC(type, func) \
	static inline void func##p(type *p)     \
	{                                       \
		if (*p)                         \
			func(*p);               \
	}

static inline void
freep(void *p)
{
	free(*(void **)p);
}

static inline void
closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		(void)close(*fd);
		errno = saved;
	}
}

static inline void
fclosep(FILE **f)
{
	if (*f)
		(void)fclose(*f);
}

static inline void
closedirp(DIR **d)
{
	if (*d)
		(void)closedir(*d);
}

static inline bool
streq(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

static inline bool
streq_ptr(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

/* qsort() comparator for an array of strings (const char *), in strcmp() order. */
static inline int
strp_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static inline bool
startswith(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* s[0..n) equals the literal */
static inline bool
streq_n(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

static inline bool
startswith_n(const char *s, size_t n, const char *prefix)
{
	size_t m = strlen(prefix);

	return n >= m && memcmp(s, prefix, m) == 0;
}

static inline bool
endswith(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

/* -errno of the last failed libc call, never 0 (a caller relies on a negative result). */
static inline int
negative_errno(void)
{
	return errno > 0 ? -errno : -EIO;
}
