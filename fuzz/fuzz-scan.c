/* SPDX-License-Identifier: Apache-2.0 */
/*
 * node scan's reading of a runtime's verbose container status (src/lib/node/scan.c) on
 * arbitrary bytes as its info: it fills a row, or marks it unknown with a reason; the spec's
 * seccomp it hands on is JSON. Anything else is a bug, reported by aborting.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "node/scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *info = malloc(size + 1), *spec = NULL;
	char *keys[] = { "io.kubernetes.pod.namespace", "io.kubernetes.pod.name" };
	char *values[] = { "ns", "pod" };
	struct cri_container st = {
		.id = "0123456789abcdef",
		.name = "c",
		.image = "img",
		.labels = { keys, values, 2 },
		.info_is_json = true,
	};
	struct scan_row *row = calloc(1, sizeof(*row));
	int r;

	if (!info || !row) {
		free(info);
		free(row);
		return 0;
	}
	memcpy(info, data, size);
	info[size] = '\0';
	st.info = info;
	r = node_scan_row_from_status(&st, row, &spec);
	if (r < 0 && r != -ENOMEM)
		abort();
	if (r == 0 && row->verdict != SCAN_OK && row->verdict != SCAN_UNKNOWN)
		abort();
	if (r == 0 && row->verdict == SCAN_UNKNOWN && (!row->detail || !*row->detail))
		abort();
	if (spec) {
		struct ksc_doc *doc = NULL;

		if (ksc_doc_parse("spec", spec, strlen(spec), KSC_DOC_JSON, &doc, NULL) < 0)
			abort();
		ksc_doc_free(doc);
	}
	free(spec);
	scan_rows_free(row, 1);
	free(info);
	return 0;
}
