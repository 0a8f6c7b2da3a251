/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "ksc-cleanup.h"

struct ksc_error {
	char *message;
};

/*
 * Attach a message to *reterr unless reterr is NULL or already holds one, and return r (a
 * negative errno) so that callers can write `return ksc_error_setf(reterr, -EINVAL, ...)`.
 * If the message cannot be allocated the error stays unset; the return value still tells.
 */
_printf_(3, 4) int ksc_error_setf(struct ksc_error **reterr, int r, const char *fmt, ...);

/* Prefix an existing message with context ("file.json: "), or set one if none exists. */
_printf_(3, 4) int ksc_error_prefixf(struct ksc_error **reterr, int r, const char *fmt, ...);

/* Internal diagnostics API. */
_printf_(7, 8) int ksc_diags_addf(struct ksc_diags *diags, enum ksc_severity severity,
                                  const char *file, unsigned line, unsigned column,
                                  const char *path, const char *fmt, ...);

/* Put the diagnostics from index `from` on in document order (line, then column, then the
 * order found): a validator finds them field by field, a user reads them top to bottom. */
void ksc_diags_sort(struct ksc_diags *diags, size_t from);

/* "FILE:LINE:COL: PATH: REASON" with the empty parts left out; NULL when out of memory. */
char *ksc_diag_format(const char *file, unsigned line, unsigned column, const char *path,
                      const char *reason);
