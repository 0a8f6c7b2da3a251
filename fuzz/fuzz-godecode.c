/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Go decoder of Localhost profiles (src/lib/kube/godecode.c) and the OCI runtimes' view
 * of what it writes (src/lib/kube/ocirt.c) on arbitrary bytes: the decoder says Go accepts
 * them, with what Go would write back, or Go's error, nothing else. What it writes back is
 * JSON that decodes again to itself (a fixed point, as Go's round trip is); each runtime
 * model then refuses it with a message, runs it without a filter, or enforces a profile that
 * is JSON. Anything else is a bug, reported by aborting so that libFuzzer keeps the input.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "kube/godecode.h"
#include "kube/ocirt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
must_be_json(const char *text)
{
	struct ksc_doc *doc = NULL;

	if (ksc_doc_parse("fuzz", text, strlen(text), KSC_DOC_JSON, &doc, NULL) < 0)
		abort();
	ksc_doc_free(doc);
}

static void
runtimes(const char *json)
{
	static const struct kube_oci rts[] = {
		{ KUBE_OCI_RUNC, 1, 1, 5 },
		{ KUBE_OCI_RUNC, 1, 2, 0 },
		{ KUBE_OCI_CRUN, 1, 8, 1 },
		{ KUBE_OCI_CRUN, 1, 25, 0 },
	};

	for (size_t i = 0; i < sizeof(rts) / sizeof(rts[0]); i++) {
		struct kube_oci_result res;
		int r = kube_oci_seccomp(&rts[i], json, i % 2 == 0, &res);

		if (r == -ENOMEM)
			continue;
		/* exactly one of: refused with a message, no filter, a profile */
		if (r != 0 || (!!res.error + res.no_seccomp + !!res.enforced) != 1 ||
		    (res.error && !*res.error))
			abort();
		if (res.enforced)
			must_be_json(res.enforced);
		kube_oci_result_done(&res);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *json = NULL, *message = NULL, *again = NULL, *message2 = NULL;
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
	r = go_seccomp_decode(json, strlen(json), &again, &message2);
	if (r == 0 && strcmp(json, again) != 0)
		abort();
	if (r < 0 && r != -ENOMEM)
		abort();
	runtimes(json);
	free(json);
	free(again);
	free(message2);
	return 0;
}
