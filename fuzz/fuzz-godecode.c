/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Go decoder of Localhost profiles (src/lib/kube/godecode.c) on arbitrary bytes: it says
 * Go accepts them, with what Go would write back, or Go's error, nothing else. What it writes
 * back is JSON that decodes again to itself (a fixed point, as Go's round trip is), runc's
 * check of it answers 0 or 1, and the runc view of it is JSON too. Anything else is a bug,
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
	char *json = NULL, *message = NULL, *again = NULL, *view = NULL, *runc = NULL;
	int r = go_seccomp_decode((const char *)data, size, &json, &message);

	if (r == -ENOMEM)
		return 0;
	if (r == -EINVAL) {
		if (!message || !*message || json)
			abort();
		free(message);
		return 0;
	}
	if (r != 0 || !json || message)
		abort();
	must_be_json(json);
	/* Go's writing decodes to itself */
	r = go_seccomp_decode(json, strlen(json), &again, &message);
	if (r == 0 && strcmp(json, again) != 0)
		abort();
	if (r < 0 && r != -ENOMEM)
		abort();
	r = runc_seccomp_check(json, &runc);
	if (r != 0 && r != 1 && r != -ENOMEM)
		abort();
	if (r == 1 && (!runc || !*runc))
		abort();
	if (go_seccomp_runc_view(json, &view) == 0)
		must_be_json(view);
	free(json);
	free(again);
	free(message);
	free(view);
	free(runc);
	return 0;
}
