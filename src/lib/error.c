/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "error.h"

const char *
ksc_error_message(const struct ksc_error *error)
{
	return error ? error->message : NULL;
}

void
ksc_error_free(struct ksc_error *error)
{
	if (!error)
		return;
	free(error->message);
	free(error);
}

static int
error_set_message(struct ksc_error **reterr, char *message)
{
	struct ksc_error *e;

	e = calloc(1, sizeof(*e));
	if (!e) {
		free(message);
		return -ENOMEM;
	}
	e->message = message;
	*reterr = e;
	return 0;
}

int
ksc_error_setf(struct ksc_error **reterr, int r, const char *fmt, ...)
{
	char *message = NULL;
	va_list ap;

	if (!reterr || *reterr)
		return r;
	va_start(ap, fmt);
	if (vasprintf(&message, fmt, ap) < 0)
		message = NULL;
	va_end(ap);
	if (message)
		(void)error_set_message(reterr, message);
	return r;
}

int
ksc_error_prefixf(struct ksc_error **reterr, int r, const char *fmt, ...)
{
	_cleanup_(freep) char *prefix = NULL;
	char *joined = NULL;
	va_list ap;
	int n;

	if (!reterr)
		return r;
	va_start(ap, fmt);
	n = vasprintf(&prefix, fmt, ap);
	va_end(ap);
	if (n < 0) {
		prefix = NULL;
		return r;
	}
	if (!*reterr) {
		(void)error_set_message(reterr, TAKE_PTR(prefix));
		return r;
	}
	if (asprintf(&joined, "%s%s", prefix, (*reterr)->message) < 0)
		return r;
	free((*reterr)->message);
	(*reterr)->message = joined;
	return r;
}
