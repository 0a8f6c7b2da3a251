/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Go decoder of Localhost profiles (src/lib/kube/godecode.c) on arbitrary bytes: it says
 * Go accepts them, with what Go would write back, or Go's error, nothing else. What it writes
 * back is JSON that decodes again to itself (a fixed point, as Go's round trip is), with the
 * same answer from runc's checks, and the runc view of it is JSON too. Anything else is a bug,
 * reported by aborting so that libFuzzer keeps the input.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "kube/godecode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
must_be_json(const char *text)
{
	struct ksc_doc *doc = NULL;

	if (ksc_doc_parse("fuzz", text, strlen(text), KSC_DOC_JSON, &doc, NULL) < 0)
		abort();
	ksc_doc_free(doc);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *json = NULL, *message = NULL, *runc = NULL, *again = NULL, *message2 = NULL,
	     *runc2 = NULL, *view = NULL;
	int r = go_seccomp_decode((const char *)data, size, &json, &message, &runc);

	if (r == -ENOMEM)
		return 0;
	if (r == -EINVAL) {
		if (!message || !*message || json || runc)
			abort();
		free(message);
		return 0;
	}
	if (r != 0 || !json || message || (runc && !*runc))
		abort();
	must_be_json(json);
	/* Go's writing decodes to itself, and runc says of it what it said */
	r = go_seccomp_decode(json, strlen(json), &again, &message2, &runc2);
	if (r == 0 &&
	    (strcmp(json, again) != 0 || !runc != !runc2 || (runc && strcmp(runc, runc2) != 0)))
		abort();
	if (r < 0 && r != -ENOMEM)
		abort();
	if (go_seccomp_runc_view(json, &view) == 0)
		must_be_json(view);
	free(json);
	free(runc);
	free(again);
	free(message2);
	free(runc2);
	free(view);
	return 0;
}
